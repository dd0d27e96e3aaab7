"""The Azure transform, pure: recorded Resource Graph pages (tests/data/azure) -> nodes and edges."""

from __future__ import annotations

import json
from collections import Counter
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from graph.rows import EdgeRow, NodeRow, Transformed
from graph.schema import SCHEMA
from graph.schema.azure import LABELS, TOP_LEVEL
from ingest.providers.azure.query import AzurePayload
from ingest.providers.azure.transform import transform_azure

DATA = Path(__file__).resolve().parent.parent / "data" / "azure"
PROD = "0b1f6471-1bf0-4dda-aec3-cb9272f09590"
SHARED = "5a3e7c90-2d4b-4c1e-9f6a-3e21c0d4b7a8"
NET = f"/subscriptions/{PROD}/resourcegroups/rg-network/providers/microsoft.network"
VNET = f"{NET}/virtualnetworks/vnet-prod"
NSG_APP = f"{NET}/networksecuritygroups/nsg-app"
WEB = f"/subscriptions/{PROD}/resourcegroups/rg-web/providers"
APP = f"/subscriptions/{PROD}/resourcegroups/rg-app/providers"
DATA_RG = f"/subscriptions/{PROD}/resourcegroups/rg-data/providers"
AKS = f"/subscriptions/{PROD}/resourcegroups/rg-aks/providers/microsoft.containerservice/managedclusters/aks-prod"


def rows(name: str) -> tuple[dict[str, Any], ...]:
    return tuple(json.loads((DATA / f"{name}.json").read_text())["data"])


@pytest.fixture(scope="module")
def out() -> Transformed:
    return transform_azure(
        AzurePayload(
            rows("resource_containers"), rows("resources"), rows("authorization_resources"), rows("role_definitions")
        )
    )


def node(t: Transformed, id_: str) -> NodeRow:
    found = [n for n in t.nodes if n.id == id_]
    assert len(found) == 1, id_
    return found[0]


def targets(t: Transformed, source: str, type_: str) -> set[tuple[str, str]]:
    return {(e.target_label, e.target_id) for e in t.edges if e.source_id == source and e.type == type_}


def edge(t: Transformed, source: str, type_: str, target: str) -> EdgeRow:
    found = [e for e in t.edges if (e.source_id, e.type, e.target_id) == (source, type_, target)]
    assert len(found) == 1, (source, type_, target)
    return found[0]


def check_against_schema(t: Transformed) -> None:
    """What the graph writer would refuse: undeclared properties, wrong types, missing account/region/name."""
    types: dict[str, tuple[type, ...]] = {
        "string": (str,),
        "int": (int,),
        "float": (float, int),
        "bool": (bool,),
        "string[]": (tuple,),
        "datetime": (datetime,),
    }
    for n in t.nodes:
        declared = {p.name: p.type for p in SCHEMA.properties_of(n.label)}
        for key, value in n.props.items():
            assert key in declared, (n.label, key)
            if value is not None:
                assert isinstance(value, types[declared[key]]), (n.label, key, value)
                assert not (declared[key] == "int" and isinstance(value, bool)), (n.label, key)
        assert n.props["account"], n.id
        assert n.props["region"], n.id
        assert n.id == n.id.lower()
    for e in t.edges:
        SCHEMA.relationship(e.type, e.source_label, e.target_label)
        assert (e.source_id, e.target_id) == (e.source_id.lower(), e.target_id.lower())


def test_every_row_becomes_a_node_of_a_declared_label_with_declared_typed_properties(out: Transformed) -> None:
    check_against_schema(out)
    # the recorded estate covers every kind Resource Graph serves (SQL firewall rules and app settings come from ARM)
    assert {n.label for n in out.nodes} == set(LABELS) - {"AzureSqlFirewallRule", "AzureWebAppConfig"}
    counts = Counter(n.label for n in out.nodes)
    assert counts["AzureResource"] == 3  # application insights, log analytics, recovery services vault
    assert counts["AzureSecurityRule"] == 7 + 3 * 6  # custom rules, plus 6 default rules per NSG
    assert counts["AzureSubnet"] == 8
    assert counts["AzurePrincipal"] == 4
    assert len({n.id for n in out.nodes}) == len(out.nodes)


def test_vm_nic_subnet_vnet_chain_with_ids_lower_cased_whatever_the_payload_case(out: Transformed) -> None:
    vm = f"{WEB}/microsoft.compute/virtualmachines/vm-web-1"
    nic = f"{WEB}/microsoft.network/networkinterfaces/nic-web-1"
    subnet = f"{VNET}/subnets/snet-web"
    assert targets(out, vm, "HAS_NETWORK_INTERFACE") == {("AzureNetworkInterface", nic)}  # payload: upper-case
    assert targets(out, nic, "IN_SUBNET") == {("AzureSubnet", subnet)}  # payload: RG-NETWORK
    assert targets(out, subnet, "IN_VNET") == {("AzureVirtualNetwork", VNET)}
    assert targets(out, nic, "HAS_PUBLIC_IP") == {("AzurePublicIPAddress", f"{NET}/publicipaddresses/pip-web-1")}
    assert targets(out, subnet, "PROTECTED_BY") == {
        ("AzureNetworkSecurityGroup", f"{NET}/networksecuritygroups/nsg-web")
    }
    assert dict(node(out, vm).props) == {
        "account": PROD,
        "region": "westeurope",
        "name": "vm-web-1",
        "tags": ("env=prod", "tier=web"),
        "resource_type": "microsoft.compute/virtualmachines",
        "resource_group": "rg-web",
        "provisioning_state": "Succeeded",
        "vm_id": "9c080684-7e1a-4c55-9d1e-000000000684",
        "vm_size": "Standard_D2s_v5",
        "os_type": "Linux",
        "computer_name": "vm-web-1",
        "power_state": "PowerState/running",
        "zones": ("1",),
        "image": "Canonical:0001-com-ubuntu-server-jammy:22_04-lts-gen2:latest",
    }
    disks = {
        (e.target_id.rsplit("/", 1)[-1], dict(e.props or {}).get("role"), dict(e.props or {}).get("lun"))
        for e in out.edges
        if e.source_id == vm and e.type == "USES_DISK"
    }
    assert disks == {("vm-web-1_osdisk_1", "os", None), ("vm-web-1_datadisk_0", "data", 0)}
    assert node(out, subnet).props["address_prefix"] == "10.0.1.0/24"
    assert node(out, VNET).props["address_prefixes"] == ("10.0.0.0/16",)


def test_nsg_rules_carry_access_direction_priority_prefixes_and_ports(out: Transformed) -> None:
    ssh = node(out, f"{NSG_APP}/securityrules/allow-ssh-anywhere")
    assert ssh.label == "AzureSecurityRule"
    assert dict(ssh.props) == {
        "account": PROD,
        "region": "westeurope",
        "nsg_id": NSG_APP,
        "name": "allow-ssh-anywhere",
        "access": "Allow",
        "direction": "Inbound",
        "priority": 200,
        "protocol": "Tcp",
        "source_prefixes": ("*",),
        "destination_prefixes": ("*",),
        "source_port_ranges": ("*",),
        "destination_port_ranges": ("22",),
        "is_default": False,
        "open_to_internet": True,
        "source_asgs": (),
        "destination_asgs": (),
    }
    from_web = node(out, f"{NSG_APP}/securityrules/allow-8080-from-web").props
    assert (from_web["source_prefixes"], from_web["destination_port_ranges"], from_web["open_to_internet"]) == (
        ("10.0.1.0/24", "10.0.8.0/24"),
        ("8080", "8443"),
        False,
    )
    deny = node(out, f"{NSG_APP}/defaultsecurityrules/denyallinbound").props
    assert (deny["access"], deny["priority"], deny["is_default"], deny["open_to_internet"]) == (
        "Deny",
        65500,
        True,
        False,
    )
    assert len(targets(out, NSG_APP, "HAS_RULE")) == 8
    open_rules = sorted(n.id.rsplit("/", 1)[-1] for n in out.nodes if n.props.get("open_to_internet"))
    assert open_rules == ["allow-http-internet", "allow-https-internet", "allow-ssh-anywhere"]
    assert targets(out, f"{APP}/microsoft.network/networkinterfaces/nic-app-1", "PROTECTED_BY") == {
        ("AzureNetworkSecurityGroup", NSG_APP)
    }


def test_load_balancer_pool_routes_to_nics_and_gateway_to_nic_and_web_app(out: Transformed) -> None:
    lb = f"{WEB}/microsoft.network/loadbalancers/lb-web"
    pool = f"{lb}/backendaddresspools/web-pool"
    assert targets(out, lb, "HAS_BACKEND_POOL") == {("AzureLoadBalancerBackendPool", pool)}
    assert targets(out, pool, "ROUTES_TO") == {
        ("AzureNetworkInterface", f"{WEB}/microsoft.network/networkinterfaces/nic-web-1"),
        ("AzureNetworkInterface", f"{WEB}/microsoft.network/networkinterfaces/nic-web-2"),
    }
    assert targets(out, lb, "HAS_PUBLIC_IP") == {("AzurePublicIPAddress", f"{NET}/publicipaddresses/pip-lb")}
    agw = f"{NET}/applicationgateways/agw-prod"
    assert targets(out, agw, "ROUTES_TO") == {
        ("AzureNetworkInterface", f"{APP}/microsoft.network/networkinterfaces/nic-app-1"),
        ("AzureWebApp", f"{APP}/microsoft.web/sites/app-prod-web"),
    }
    assert targets(out, agw, "IN_SUBNET") == {("AzureSubnet", f"{VNET}/subnets/snet-appgw")}
    assert node(out, agw).props["waf_enabled"] is True


def test_peering_sql_storage_private_endpoint_and_aks(out: Transformed) -> None:
    hub = f"/subscriptions/{SHARED}/resourcegroups/rg-shared-network/providers/microsoft.network/virtualnetworks/"
    hub += "vnet-shared"
    assert edge(out, VNET, "PEERED_WITH", hub).props == {"peering_state": "Connected"}
    assert edge(out, hub, "PEERED_WITH", VNET).target_label == "AzureVirtualNetwork"  # payload: upper-case remote id
    assert targets(out, f"{VNET}/virtualnetworkpeerings/prod-to-shared", "CONNECTS_TO") == {
        ("AzureVirtualNetwork", hub)
    }
    sql = f"{DATA_RG}/microsoft.sql/servers/sql-prod-orders"
    assert targets(out, sql, "HAS_DATABASE") == {
        ("AzureSqlDatabase", f"{sql}/databases/orders"),
        ("AzureSqlDatabase", f"{sql}/databases/master"),
    }
    assert not [n for n in out.nodes if n.label == "AzureSqlFirewallRule"]  # not in Resource Graph: read from ARM
    storage = f"{DATA_RG}/microsoft.storage/storageaccounts/stprodassets"
    st = node(out, storage).props
    assert (
        st["allow_blob_public_access"],
        st["network_default_action"],
        st["minimum_tls_version"],
        st["https_only"],
        st["sku_name"],
        st["storage_kind"],
    ) == (True, "Allow", "TLS1_2", True, "Standard_GRS", "StorageV2")
    pe = f"{DATA_RG}/microsoft.network/privateendpoints/pe-stprodassets-blob"
    assert targets(out, pe, "CONNECTS_TO") == {("AzureStorageAccount", storage)}
    assert targets(out, pe, "IN_SUBNET") == {("AzureSubnet", f"{VNET}/subnets/snet-pe")}
    assert node(out, pe).props["group_ids"] == ("blob",)
    kv = node(out, f"{DATA_RG}/microsoft.keyvault/vaults/kv-prod-secrets").props
    assert (kv["enable_soft_delete"], kv["enable_purge_protection"], kv["network_default_action"]) == (
        True,
        False,
        "Deny",
    )
    assert targets(out, AKS, "HAS_NODE_POOL") == {
        ("AzureAKSNodePool", f"{AKS}/agentpools/system"),
        ("AzureAKSNodePool", f"{AKS}/agentpools/apps"),
    }
    assert targets(out, f"{AKS}/agentpools/apps", "IN_SUBNET") == {("AzureSubnet", f"{VNET}/subnets/snet-aks")}
    pool = node(out, f"{AKS}/agentpools/apps").props
    assert (pool["vm_size"], pool["node_count"], pool["mode"]) == ("Standard_D8s_v5", 2, "User")
    assert node(out, AKS).props["authorized_ip_ranges"] == ("203.0.113.0/24",)
    cosmos = node(out, f"{DATA_RG}/microsoft.documentdb/databaseaccounts/cosmos-prod-orders").props
    assert (cosmos["public_network_access"], cosmos["ip_rules"], cosmos["api_kind"]) == (
        "Enabled",
        (),
        "GlobalDocumentDB",
    )


def test_web_and_function_apps_run_on_the_plan(out: Transformed) -> None:
    plan = f"{APP}/microsoft.web/serverfarms/asp-prod"
    web, func = f"{APP}/microsoft.web/sites/app-prod-web", f"{APP}/microsoft.web/sites/func-prod-orders"
    assert targets(out, web, "HOSTED_ON") == targets(out, func, "HOSTED_ON") == {("AzureAppServicePlan", plan)}
    assert targets(out, web, "IN_SUBNET") == {("AzureSubnet", f"{VNET}/subnets/snet-integration")}
    assert targets(out, func, "IN_SUBNET") == set()
    assert (node(out, web).props["is_function"], node(out, func).props["is_function"]) == (False, True)
    assert node(out, func).props["app_kind"] == "functionapp,linux"


def test_containment_and_generic_resources(out: Transformed) -> None:
    appi = f"{APP}/microsoft.insights/components/appi-prod"
    generic = node(out, appi)
    assert (generic.label, generic.props["resource_type"], generic.props["azure_kind"]) == (
        "AzureResource",
        "microsoft.insights/components",
        "web",
    )
    rg = f"/subscriptions/{PROD}/resourcegroups/rg-app"
    assert targets(out, appi, "IN_RESOURCE_GROUP") == {("AzureResourceGroup", rg)}
    assert targets(out, rg, "IN_SUBSCRIPTION") == {("AzureSubscription", f"/subscriptions/{PROD}")}
    sub = node(out, f"/subscriptions/{PROD}")
    assert (sub.props["name"], sub.props["region"], sub.props["state"], sub.props["tags"]) == (
        "Contoso Production",
        "global",
        "Enabled",
        ("costcenter=cc-100",),
    )
    # every Resources row (a top-level kind) sits in exactly one resource group
    top_level = [n for n in out.nodes if n.label in TOP_LEVEL]
    assert len(top_level) == len(rows("resources"))
    for n in top_level:
        assert len(targets(out, n.id, "IN_RESOURCE_GROUP")) == 1, n.id


def test_role_assignments_link_principals_and_scopes(out: Transformed) -> None:
    owner = (
        f"/subscriptions/{PROD}/providers/microsoft.authorization/roleassignments/0f5c1a7e-1111-4111-8111-000000000001"
    )
    props = node(out, owner).props
    assert (props["role_name"], props["principal_type"], props["scope"]) == ("Owner", "User", f"/subscriptions/{PROD}")
    alice = "a1c2e3f4-0000-4000-8000-000000000001"
    assert targets(out, owner, "ASSIGNED_TO") == {("AzurePrincipal", alice)}
    assert targets(out, owner, "GRANTS_ACCESS_TO") == {("AzureSubscription", f"/subscriptions/{PROD}")}
    blob = [e for e in out.edges if e.type == "GRANTS_ACCESS_TO" and e.target_label == "AzureStorageAccount"]
    assert [e.target_id for e in blob] == [f"{DATA_RG}/microsoft.storage/storageaccounts/stprodassets"]
    # Alice holds roles in both subscriptions: one node, account = the lower subscription id.
    principal = node(out, alice)
    assert (principal.label, principal.props["account"], principal.props["principal_type"]) == (
        "AzurePrincipal",
        PROD,
        "User",
    )
    assert sum(1 for e in out.edges if e.type == "ASSIGNED_TO" and e.target_id == alice) == 2


def test_malformed_rows_never_crash_and_keep_what_is_known() -> None:
    out = transform_azure(AzurePayload((), rows("malformed_resources"), ()))
    check_against_schema(out)
    labels = {n.id.rsplit("/", 1)[-1]: n.label for n in out.nodes}
    assert labels == {
        "vm-bare": "AzureVirtualMachine",
        "nsg-weird": "AzureNetworkSecurityGroup",
        "partial": "AzureSecurityRule",
        "vnet-odd": "AzureVirtualNetwork",
        "q1": "AzureResource",
        "app-odd": "AzureWebApp",
        "d1": "AzureDisk",
    }
    bare = next(n for n in out.nodes if n.id.endswith("vm-bare"))
    assert bare.id == f"/subscriptions/{PROD}/resourcegroups/rg-odd/providers/microsoft.compute/virtualmachines/vm-bare"
    assert (bare.props["account"], bare.props["region"], bare.props["tags"], bare.props["vm_size"]) == (
        PROD,
        "global",
        (),
        None,
    )
    nsg = next(n for n in out.nodes if n.id.endswith("nsg-weird"))
    assert (nsg.props["name"], nsg.props["tags"]) == ("weird nsg", ("Name=weird nsg", "empty="))
    rule = next(n for n in out.nodes if n.label == "AzureSecurityRule").props
    assert (rule["priority"], rule["destination_port_ranges"], rule["open_to_internet"]) == (None, ("22",), True)
    app = next(n for n in out.nodes if n.id.endswith("app-odd")).props
    assert (app["is_function"], app["https_only"]) == (False, None)
    disk = next(n for n in out.nodes if n.id.endswith("/d1")).props
    assert (disk["disk_size_gb"], disk["disk_state"]) == (None, None)
    assert {e.type for e in out.edges} == {"IN_RESOURCE_GROUP", "HAS_RULE"}
