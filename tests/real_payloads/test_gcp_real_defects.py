"""What published GCP payloads must give: edges and security facts the product's own fakes always supplied."""

from __future__ import annotations

import json

from graph.rows import NodeRow, Transformed
from tests.real_payloads.gcp_corpus import RealPayload, load_corpus, rows_of

C1 = "//compute.googleapis.com/projects/project1"
ABC = "//compute.googleapis.com/projects/project-abc"


def node(rows: Transformed, node_id: str) -> NodeRow:
    return next(n for n in rows.nodes if n.id == node_id)


def edges_from(rows: Transformed, source: str, type_: str) -> set[tuple[str, str]]:
    return {(e.target_label, e.target_id) for e in rows.edges if e.source_id == source and e.type == type_}


def test_instances_created_by_a_group_manager_are_members_of_its_group() -> None:
    instances = [p for p in load_corpus("GCPComputeInstance") if p.name.startswith(f"{C1}/zones/us-central1-c/")]
    assert len(instances) == 3
    rows = rows_of(instances)
    group = f"{C1}/zones/us-central1-c/instanceGroups/group_manager1"
    members = {e.target_id for e in rows.edges if e.type == "HAS_MEMBER" and e.source_id == group}
    assert members == {p.name for p in instances}


def test_a_node_pool_with_the_default_service_account_runs_as_the_projects_compute_account() -> None:
    cluster = next(p for p in load_corpus("GCPGKECluster") if p.path.name.startswith("forseti_"))
    assert cluster.data["nodePools"][0]["config"]["serviceAccount"] == "default"
    rows = rows_of([cluster])
    pool = f"{cluster.name}/nodePools/default-pool"
    account = "1041-compute@developer.gserviceaccount.com"  # the cluster's project number is 1041
    assert node(rows, pool).props["service_account"] == account
    assert edges_from(rows, pool, "RUNS_AS") == {
        ("GCPServiceAccount", f"//iam.googleapis.com/projects/-/serviceAccounts/{account}")
    }


def test_an_internal_forwarding_rule_lists_its_ports_and_targets_its_pool_and_service() -> None:
    rule = next(p for p in load_corpus("GCPForwardingRule") if p.path.name == "cartography_internal-service-1111.json")
    assert rule.data["ports"] == ["80"]
    assert "portRange" not in rule.data
    rows = rows_of([rule])
    props = node(rows, rule.name).props
    assert (props["port_range"], props["ports"], props["is_external"]) == ("80", ("80",), False)
    assert edges_from(rows, rule.name, "TARGETS") == {
        ("GCPTargetPool", f"{ABC}/regions/europe-west2/targetPools/node-pool-12345"),
        ("GCPBackendService", f"{ABC}/regions/europe-west2/backendServices/backend-service-1111"),
    }
    assert edges_from(rows, rule.name, "IN_SUBNETWORK") == {
        ("GCPSubnetwork", f"{ABC}/regions/europe-west2/subnetworks/default")
    }


def test_a_target_pool_is_a_typed_node() -> None:
    pool = load_corpus("GCPTargetPool")[0]
    rows = rows_of([pool])
    assert node(rows, pool.name).label == "GCPTargetPool"
    assert node(rows, pool.name).props["session_affinity"] == "NONE"


def test_firewall_source_and_target_service_accounts_are_kept() -> None:
    rule = next(p for p in load_corpus("GCPFirewall") if "service_accounts" in p.path.name)
    rows = rows_of([rule])
    props = node(rows, rule.name).props
    assert props["source_service_accounts"] == ("1111111@compute.gserviceaccount.com",)
    assert props["target_service_accounts"] == ("1111111@compute.gserviceaccount.com",)
    assert props["open_to_internet"] is False


def test_a_zonal_export_line_stores_its_zone_and_the_region_of_the_zone() -> None:
    instance = next(p for p in load_corpus("GCPComputeInstance") if p.path.name.startswith("forseti_"))
    assert "location" not in instance.body["resource"]  # an export line: only the payload knows the zone
    props = node(rows_of([instance]), instance.name).props
    assert (props["zone"], props["region"]) == ("us-central1-c", "us-central1")


def test_every_interface_ip_is_kept() -> None:
    for payload in load_corpus("GCPComputeInstance"):
        nics = payload.data["networkInterfaces"]
        props = node(rows_of([payload]), payload.name).props
        assert props["private_ips"] == tuple(n["networkIP"] for n in nics)
        nat = tuple(c["natIP"] for n in nics for c in n.get("accessConfigs", []) if "natIP" in c)
        assert props["public_ips"] == (nat or None)


def test_a_bucket_without_iam_configuration_has_the_documented_defaults() -> None:
    for payload in load_corpus("GCPStorageBucket"):
        assert "iamConfiguration" not in payload.data
        assert "versioning" not in payload.data
        props = node(rows_of([payload]), payload.name).props
        assert props["uniform_bucket_level_access"] is False
        assert props["public_access_prevention"] == "inherited"
        assert props["versioning"] is False
        assert props["region"] == "us"


def test_a_cluster_without_private_config_has_public_nodes() -> None:
    for payload in load_corpus("GCPGKECluster"):
        props = node(rows_of([payload]), payload.name).props
        private = payload.data.get("privateClusterConfig", {})
        assert props["private_nodes"] is bool(private.get("enablePrivateNodes", False))
        assert props["private_endpoint"] is bool(private.get("enablePrivateEndpoint", False))


def test_an_external_ip_on_a_second_interface_is_the_instances_public_ip() -> None:
    """No published multi-NIC payload is in the corpus: a published instance given a second interface (its own
    first interface moved behind it, without NAT on the first) stands in."""
    published = next(p for p in load_corpus("GCPComputeInstance") if p.path.name.startswith("forseti_"))
    body = json.loads(json.dumps(published.body))
    nic0 = body["resource"]["data"]["networkInterfaces"][0]
    inner = {k: v for k, v in nic0.items() if k != "accessConfigs"} | {"name": "nic0", "networkIP": "10.200.0.2"}
    body["resource"]["data"]["networkInterfaces"] = [inner, nic0 | {"name": "nic1"}]
    props = node(rows_of([RealPayload(published.path, published.label, body)]), published.name).props
    assert props["private_ips"] == ("10.200.0.2", nic0["networkIP"])
    assert props["public_ip"] == nic0["accessConfigs"][0]["natIP"]
    assert props["private_ip"] == "10.200.0.2"
