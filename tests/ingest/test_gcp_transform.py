"""The GCP transform is pure: recorded Cloud Asset answers (REST JSON) in, exact NodeRows and EdgeRows out."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from graph.rows import EdgeRow, NodeRow, Transformed
from graph.schema import SCHEMA
from graph.schema.gcp import LABELS
from ingest.providers.gcp.kinds import LABELS_BY_TYPE, compute_ref, firewall_rules
from ingest.providers.gcp.payload import GcpPayload, parse_payload, parse_time
from ingest.providers.gcp.transform import transform_gcp

DATA = Path(__file__).resolve().parent.parent / "data" / "gcp"
SCOPE = "organizations/123456789012"
CRM = "//cloudresourcemanager.googleapis.com"
PROD_PROJECT = f"{CRM}/projects/111111111111"
DATA_PROJECT = f"{CRM}/projects/222222222222"
C = "//compute.googleapis.com/projects/acme-prod"
WEB_1 = f"{C}/zones/us-central1-a/instances/web-1"
WEB_2 = f"{C}/zones/us-central1-a/instances/web-2"
BASTION = f"{C}/zones/us-central1-a/instances/bastion-1"
NETWORK = f"{C}/global/networks/prod-vpc"
WEB_SUBNET = f"{C}/regions/us-central1/subnetworks/web-subnet"
CLUSTER = "//container.googleapis.com/projects/acme-prod/locations/us-central1/clusters/prod-gke"
IAM_PROD = "//iam.googleapis.com/projects/acme-prod/serviceAccounts"
IAM_DATA = "//iam.googleapis.com/projects/acme-data/serviceAccounts"
WEB_SA = f"{IAM_PROD}/100000000000000000001"
GKE_SA = f"{IAM_PROD}/100000000000000000002"
COMPUTE_SA = f"{IAM_PROD}/100000000000000000003"
ORDERS_SA = f"{IAM_DATA}/100000000000000000004"
FN_SA = f"{IAM_DATA}/100000000000000000005"
RUN = "//run.googleapis.com/projects/acme-data/locations/us-central1/services/orders-api"
FUNCTION = "//cloudfunctions.googleapis.com/projects/acme-data/locations/us-central1/functions/thumbnailer"
PUBLIC_BUCKET = "//storage.googleapis.com/acme-public-assets"
PRIVATE_BUCKET = "//storage.googleapis.com/acme-data-private"
CREATED = datetime(2024, 3, 1, 18, 0, tzinfo=UTC)

OfflineWriter = Callable[[Transformed], list[dict[str, Any]]]


def load(name: str, key: str) -> list[dict[str, Any]]:
    return list(json.loads((DATA / name).read_text())[key])


def payload() -> GcpPayload:
    return parse_payload(
        SCOPE,
        load("search_all_resources.json", "results"),
        load("list_assets.json", "assets"),
        load("search_all_iam_policies.json", "results"),
    )


@pytest.fixture(scope="module")
def rows() -> Transformed:
    return transform_gcp(payload()).rows


def node(rows: Transformed, node_id: str) -> NodeRow:
    return next(n for n in rows.nodes if n.id == node_id)


def out_edges(rows: Transformed, source_id: str, type_: str | None = None) -> set[tuple[str, str, str]]:
    return {
        (e.type, e.target_label, e.target_id)
        for e in rows.edges
        if e.source_id == source_id and (type_ is None or e.type == type_)
    }


def test_compute_refs_become_full_resource_names() -> None:
    url = "https://www.googleapis.com/compute/v1/projects/p/global/networks/n"
    assert compute_ref(url) == "//compute.googleapis.com/projects/p/global/networks/n"
    assert (
        compute_ref("projects/p/regions/r/subnetworks/s")
        == "//compute.googleapis.com/projects/p/regions/r/subnetworks/s"
    )
    assert compute_ref("default") is None
    assert compute_ref(None) is None


def test_firewall_rules_read_protocol_and_ports() -> None:
    entries: list[dict[str, Any]] = [{"IPProtocol": "tcp", "ports": ["80", "8080-8090"]}, {"IPProtocol": "icmp"}, {}]
    assert firewall_rules(entries) == ("tcp:80", "tcp:8080-8090", "icmp", "all")


def test_times_become_aware_utc_and_malformed_ones_none() -> None:
    assert parse_time("2024-03-01T10:00:00.000-08:00") == CREATED
    assert parse_time("2024-03-01T18:00:00Z") == CREATED
    assert parse_time("not a time") is None
    assert parse_time(None) is None


def test_every_asset_is_a_node_with_the_label_of_its_type(rows: Transformed) -> None:
    assets = load("list_assets.json", "assets")
    expected = Counter(LABELS_BY_TYPE.get(a["assetType"], "GCPResource") for a in assets)
    got = Counter(n.label for n in rows.nodes if n.label != "GCPPrincipal")
    assert got == expected
    assert expected["GCPResource"] == 3  # the URL map, the Pub/Sub topic, the secret
    assert {n.id for n in rows.nodes} >= {a["name"] for a in assets}


def test_web_1_node_has_exact_properties(rows: Transformed) -> None:
    assert node(rows, WEB_1).props == {
        "account": "acme-prod",
        "region": "us-central1",
        "name": "web-1",
        "tags": ("env=prod", "role=web"),
        "asset_type": "compute.googleapis.com/Instance",
        "project_number": "111111111111",
        "state": "RUNNING",
        "create_time": CREATED,
        "parent_name": PROD_PROJECT,
        "instance_id": "6000000000000000001",
        "machine_type": "e2-medium",
        "zone": "us-central1-a",
        "private_ip": "10.10.0.11",
        "public_ip": None,
        "private_ips": ("10.10.0.11",),
        "public_ips": None,
        "network_tags": ("web",),
        "service_accounts": ("web-sa@acme-prod.iam.gserviceaccount.com",),
        "can_ip_forward": False,
    }


def test_instance_edges_subnetwork_disk_service_account_project(rows: Transformed) -> None:
    assert out_edges(rows, WEB_1) == {
        ("IN_SUBNETWORK", "GCPSubnetwork", WEB_SUBNET),
        ("ATTACHED_DISK", "GCPDisk", f"{C}/zones/us-central1-a/disks/web-1"),
        ("RUNS_AS", "GCPServiceAccount", WEB_SA),
        ("IN_PROJECT", "GCPProject", PROD_PROJECT),
    }
    assert out_edges(rows, WEB_SUBNET, "IN_NETWORK") == {("IN_NETWORK", "GCPNetwork", NETWORK)}
    assert node(rows, BASTION).props["public_ip"] == "34.70.1.5"
    assert out_edges(rows, BASTION, "RUNS_AS") == {("RUNS_AS", "GCPServiceAccount", COMPUTE_SA)}


def test_firewall_open_to_the_internet_on_ssh_applies_to_the_ssh_tagged_instance_only(rows: Transformed) -> None:
    rule = f"{C}/global/firewalls/allow-ssh-from-anywhere"
    props = node(rows, rule).props
    assert (props["open_to_internet"], props["rules"], props["source_ranges"], props["target_tags"]) == (
        True,
        ("tcp:22",),
        ("0.0.0.0/0",),
        ("ssh",),
    )
    assert out_edges(rows, rule, "APPLIES_TO") == {("APPLIES_TO", "GCPComputeInstance", BASTION)}
    assert out_edges(rows, rule, "IN_NETWORK") == {("IN_NETWORK", "GCPNetwork", NETWORK)}


def test_firewall_targets_by_service_account_all_instances_or_none_when_disabled(rows: Transformed) -> None:
    def targets(name: str) -> set[str]:
        return {t for _, _, t in out_edges(rows, f"{C}/global/firewalls/{name}", "APPLIES_TO")}

    assert targets("allow-web-sa-to-db") == {WEB_1, WEB_2}
    assert targets("allow-internal") == {WEB_1, WEB_2, BASTION}
    assert targets("allow-lb-health-checks") == {WEB_1, WEB_2}
    assert targets("deny-telnet-egress") == set()
    deny = node(rows, f"{C}/global/firewalls/deny-telnet-egress").props
    assert (deny["action"], deny["direction"], deny["open_to_internet"], deny["disabled"]) == (
        "deny",
        "EGRESS",
        False,
        True,
    )
    assert node(rows, f"{C}/global/firewalls/allow-lb-health-checks").props["open_to_internet"] is False


def test_load_balancer_chain_forwarding_rule_to_instances(rows: Transformed) -> None:
    proxy = f"{C}/global/targetHttpProxies/web-proxy"
    backend = f"{C}/global/backendServices/web-backend"
    group = f"{C}/zones/us-central1-a/instanceGroups/web-ig"
    rule = f"{C}/global/forwardingRules/web-fr"
    assert out_edges(rows, rule, "TARGETS") == {("TARGETS", "GCPTargetProxy", proxy)}
    assert out_edges(rows, proxy, "ROUTES_TO") == {("ROUTES_TO", "GCPBackendService", backend)}
    assert out_edges(rows, backend, "ROUTES_TO") == {("ROUTES_TO", "GCPInstanceGroup", group)}
    assert out_edges(rows, group, "HAS_MEMBER") == {
        ("HAS_MEMBER", "GCPComputeInstance", WEB_1),
        ("HAS_MEMBER", "GCPComputeInstance", WEB_2),
    }
    fr = node(rows, rule).props
    assert (fr["ip_address"], fr["port_range"], fr["is_external"], fr["region"]) == (
        "34.120.10.10",
        "80-80",
        True,
        "global",
    )
    assert node(rows, proxy).props["url_map"] == f"{C}/global/urlMaps/web-map"


def test_gke_cluster_node_pool_once_network_and_service_account(rows: Transformed) -> None:
    pool = f"{CLUSTER}/nodePools/default-pool"
    assert [n.id for n in rows.nodes if n.label == "GCPGKENodePool"] == [pool]
    assert out_edges(rows, CLUSTER) == {
        ("HAS_NODE_POOL", "GCPGKENodePool", pool),
        ("IN_NETWORK", "GCPNetwork", NETWORK),
        ("IN_SUBNETWORK", "GCPSubnetwork", f"{C}/regions/us-central1/subnetworks/data-subnet"),
        ("IN_PROJECT", "GCPProject", PROD_PROJECT),
    }
    cluster = node(rows, CLUSTER).props
    assert (cluster["private_nodes"], cluster["master_authorized_networks"]) == (True, ("203.0.113.0/24",))
    assert out_edges(rows, pool, "RUNS_AS") == {("RUNS_AS", "GCPServiceAccount", GKE_SA)}
    assert (node(rows, pool).props["machine_type"], node(rows, pool).props["autoscaling"]) == ("e2-standard-4", True)


def test_cluster_without_node_pool_assets_gets_pool_nodes_from_its_own_data() -> None:
    raw = [a for a in load("list_assets.json", "assets") if a["assetType"] != "container.googleapis.com/NodePool"]
    out = transform_gcp(parse_payload(SCOPE, [], raw, [])).rows
    pool = node(out, f"{CLUSTER}/nodePools/default-pool")
    assert (pool.props["name"], pool.props["account"], pool.props["node_count"], pool.props["state"]) == (
        "default-pool",
        "acme-prod",
        1,
        "RUNNING",
    )
    assert out_edges(out, pool.id) == {
        ("RUNS_AS", "GCPServiceAccount", GKE_SA),
        ("IN_PROJECT", "GCPProject", PROD_PROJECT),
    }


def test_cloud_sql_public_and_open_to_the_internet_in_the_shared_network(rows: Transformed) -> None:
    sql = "//cloudsql.googleapis.com/projects/acme-data/instances/orders-db"
    props = node(rows, sql).props
    assert (props["account"], props["public_ip_enabled"], props["public_ip"], props["private_ip"]) == (
        "acme-data",
        True,
        "35.192.0.10",
        "10.30.0.3",
    )
    assert (props["authorized_networks"], props["open_to_internet"], props["state"]) == (
        ("0.0.0.0/0",),
        True,
        "RUNNABLE",
    )
    assert out_edges(rows, sql, "IN_NETWORK") == {("IN_NETWORK", "GCPNetwork", NETWORK)}


def test_serverless_run_as_their_service_accounts_and_public_is_from_iam(rows: Transformed) -> None:
    assert out_edges(rows, RUN, "RUNS_AS") == {("RUNS_AS", "GCPServiceAccount", ORDERS_SA)}
    assert out_edges(rows, FUNCTION, "RUNS_AS") == {("RUNS_AS", "GCPServiceAccount", FN_SA)}
    run = node(rows, RUN).props
    assert (run["is_public"], run["ingress"], run["url"]) == (True, "all", "https://orders-api-abc123-uc.a.run.app")
    fn = node(rows, FUNCTION).props
    assert (fn["is_public"], fn["runtime"], fn["service_account"]) == (
        False,
        "python311",
        "thumbnailer@acme-data.iam.gserviceaccount.com",
    )


def test_buckets_public_only_when_all_users_hold_a_role(rows: Transformed) -> None:
    public, private = node(rows, PUBLIC_BUCKET).props, node(rows, PRIVATE_BUCKET).props
    assert (public["is_public"], public["public_access_prevention"], public["region"]) == (True, "inherited", "us")
    assert (private["is_public"], private["public_access_prevention"], private["versioning"]) == (
        False,
        "enforced",
        True,
    )


def test_service_account_keys_belong_to_their_account(rows: Transformed) -> None:
    key = f"{ORDERS_SA}/keys/0f1e2d3c4b5a69788796a5b4c3d2e1f001234567"
    props = node(rows, key).props
    assert (props["key_type"], props["valid_after"], props["service_account_email"]) == (
        "USER_MANAGED",
        CREATED,
        "orders-api@acme-data.iam.gserviceaccount.com",
    )
    assert out_edges(rows, key, "BELONGS_TO") == {("BELONGS_TO", "GCPServiceAccount", ORDERS_SA)}


def test_hierarchy_project_folder_organization(rows: Transformed) -> None:
    folder = f"{CRM}/folders/345678901234"
    org = f"{CRM}/organizations/123456789012"
    assert out_edges(rows, PROD_PROJECT) == {("IN_FOLDER", "GCPFolder", folder)}
    assert out_edges(rows, folder) == {("IN_ORGANIZATION", "GCPOrganization", org)}
    assert out_edges(rows, org) == set()
    assert node(rows, PROD_PROJECT).props["project_id"] == "acme-prod"
    assert (node(rows, org).props["domain"], node(rows, org).props["account"]) == ("acme.example", SCOPE)
    topic = node(rows, "//pubsub.googleapis.com/projects/acme-data/topics/orders-events")
    assert (topic.label, topic.props["asset_type"], topic.props["account"]) == (
        "GCPResource",
        "pubsub.googleapis.com/Topic",
        "acme-data",
    )
    assert out_edges(rows, topic.id) == {("IN_PROJECT", "GCPProject", DATA_PROJECT)}


def test_iam_bindings_one_edge_per_member_and_resource_with_every_role(rows: Transformed) -> None:
    roles = {
        (e.source_label, e.source_id, e.target_id): (e.props or {})["roles"] for e in rows.edges if e.type == "HAS_ROLE"
    }
    assert roles[("GCPServiceAccount", COMPUTE_SA, PROD_PROJECT)] == ("roles/editor",)
    assert roles[("GCPPrincipal", "allUsers", PUBLIC_BUCKET)] == ("roles/storage.objectViewer",)
    assert roles[("GCPPrincipal", "allUsers", RUN)] == ("roles/run.invoker",)
    assert roles[("GCPPrincipal", "user:alice@acme.example", DATA_PROJECT)] == ("roles/owner", "roles/viewer")
    external = "serviceAccount:ci-runner@external-ci.iam.gserviceaccount.com"
    assert roles[("GCPPrincipal", external, DATA_PROJECT)] == ("roles/viewer",)
    assert len(roles) == 13
    principals = {n.id: n.props for n in rows.nodes if n.label == "GCPPrincipal"}
    assert sorted(principals) == sorted(
        ["allUsers", "domain:acme.example", "group:devops@acme.example", external, "user:alice@acme.example"]
    )
    assert principals["allUsers"] == {
        "account": SCOPE,
        "region": "global",
        "name": "allUsers",
        "tags": (),
        "principal_type": "allUsers",
        "email": None,
        "is_public": True,
    }
    assert principals["group:devops@acme.example"]["email"] == "devops@acme.example"


def test_accounts_are_the_project_ids_and_the_scope() -> None:
    out = transform_gcp(payload())
    assert out.accounts == ("acme-data", "acme-prod", SCOPE)
    assert {n.props["account"] for n in out.rows.nodes} == set(out.accounts)


def test_malformed_assets_are_kept_with_what_is_known() -> None:
    raw: list[dict[str, Any]] = [
        {
            "name": "//compute.googleapis.com/projects/p/zones/z/instances/odd",
            "assetType": "compute.googleapis.com/Instance",
            "resource": {
                "data": {
                    "networkInterfaces": [None, {"accessConfigs": "nope"}],
                    "disks": [{}],
                    "serviceAccounts": None,
                    "tags": [],
                    "sizeGb": {},
                }
            },
        },
        {"name": "//x.googleapis.com/things/t1", "assetType": "x.googleapis.com/Thing", "resource": None},
        {"assetType": "no.name/Here"},
        {
            "name": "//compute.googleapis.com/projects/p/global/firewalls/f",
            "assetType": "compute.googleapis.com/Firewall",
            "resource": {"data": {"allowed": [{"ports": ["1"]}], "sourceRanges": "0.0.0.0/0", "priority": 1e3}},
        },
    ]
    policies = [{"resource": "//x.googleapis.com/things/t1", "policy": {"bindings": [{"members": None}, "bad"]}}]
    out = transform_gcp(parse_payload("projects/p", [{"name": 5}], raw, policies))
    by_id = {n.id: n for n in out.rows.nodes}
    assert sorted(by_id) == [
        "//compute.googleapis.com/projects/p/global/firewalls/f",
        "//compute.googleapis.com/projects/p/zones/z/instances/odd",
        "//x.googleapis.com/things/t1",
    ]
    odd = by_id["//compute.googleapis.com/projects/p/zones/z/instances/odd"].props
    assert (odd["account"], odd["region"], odd["name"], odd["private_ip"]) == ("p", "global", "odd", None)
    thing = by_id["//x.googleapis.com/things/t1"]
    assert (thing.label, thing.props["account"], thing.props["name"]) == ("GCPResource", "projects/p", "t1")
    fw = by_id["//compute.googleapis.com/projects/p/global/firewalls/f"].props
    assert (fw["rules"], fw["source_ranges"], fw["priority"], fw["open_to_internet"]) == (("all:1",), None, 1000, False)
    assert out.rows.edges == ()


def test_gcp_labels_are_declared_in_the_schema_and_every_mapped_label_is_one() -> None:
    assert set(LABELS_BY_TYPE.values()) | {"GCPResource", "GCPPrincipal"} == set(LABELS)
    for label in LABELS:
        assert SCHEMA.node(label).provider == "gcp"


def test_every_transformed_row_passes_the_writers_schema_checks(
    rows: Transformed, offline_writer: OfflineWriter
) -> None:
    offline_writer(rows)
    ids = [n.id for n in rows.nodes]
    assert len(ids) == len(set(ids))
    edge_keys = [(e.source_id, e.type, e.target_id) for e in rows.edges]
    assert len(edge_keys) == len(set(edge_keys))
    assert {e.source_id for e in rows.edges} | {e.target_id for e in rows.edges} <= set(ids)


def test_edge_counts_per_type_for_the_recorded_estate(rows: Transformed) -> None:
    assert all(isinstance(e, EdgeRow) for e in rows.edges)
    assert Counter(e.type for e in rows.edges) == {
        "IN_PROJECT": 35,
        "HAS_ROLE": 13,
        "IN_NETWORK": 9,
        "APPLIES_TO": 8,
        "RUNS_AS": 6,
        "IN_SUBNETWORK": 4,
        "ATTACHED_DISK": 3,
        "IN_FOLDER": 2,
        "ROUTES_TO": 2,
        "BELONGS_TO": 2,
        "HAS_MEMBER": 2,
        "IN_ORGANIZATION": 1,
        "TARGETS": 1,
        "HAS_NODE_POOL": 1,
    }
