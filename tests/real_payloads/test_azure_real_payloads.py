"""The Azure transform on published payloads (tests/fixtures/real/azure, sources in SOURCES.md): what the
real shapes carry reaches the graph, and what cannot become an edge is counted."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from graph.neo4j.client import Graph
from graph.rows import NodeRow
from graph.schema import SCHEMA
from graph.write import GraphWriter, SyncStamp
from ingest.providers.azure.query import AzurePayload
from ingest.providers.azure.transform import backend_target, read_azure, role_names
from ingest.providers.references import unresolved_warning
from queries.findings.catalogue import BY_ID
from queries.findings.evaluate import run_rule
from tests.real_payloads.azure_corpus import CORPUS, Sample, sample

SUB = "/subscriptions/subid/resourcegroups/rg1/providers"


def nodes(s: Sample, label: str) -> list[NodeRow]:
    return [n for n in s.read.rows.nodes if n.label == label]


def edges(s: Sample, type_: str) -> set[tuple[str, str, str, str]]:
    return {(e.source_label, e.source_id, e.target_label, e.target_id) for e in s.read.rows.edges if e.type == type_}


def test_inbound_nat_and_load_balancing_rules_are_read_with_their_ports() -> None:
    s = sample("AzureLoadBalancer", "LoadBalancerGet.json")
    rules = {n.props["rule_type"]: n.props for n in nodes(s, "AzureLoadBalancerRule")}
    nat, lbr = rules["InboundNatRule"], rules["LoadBalancingRule"]
    assert (nat["protocol"], nat["frontend_port"], nat["backend_port"]) == ("Tcp", 3389, 3389)
    assert (lbr["protocol"], lbr["frontend_port"], lbr["backend_port"]) == ("Tcp", 80, 80)
    lb = f"{SUB}/microsoft.network/loadbalancers/lb"
    assert {(t, i) for _, src, t, i in edges(s, "HAS_RULE") if src == lb} == {
        ("AzureLoadBalancerRule", f"{lb}/inboundnatrules/in-nat-rule"),
        ("AzureLoadBalancerRule", f"{lb}/loadbalancingrules/rulelb"),
    }
    assert (
        "AzureLoadBalancerRule",
        f"{lb}/loadbalancingrules/rulelb",
        "AzureLoadBalancerBackendPool",
        f"{lb}/backendaddresspools/be-lb",
    ) in edges(s, "ROUTES_TO")


def test_nat_rules_to_scale_set_instance_nics_route_to_the_scale_set_and_are_counted_when_it_is_not_read() -> None:
    s = sample("AzureLoadBalancer", "InboundNatRuleList-lb1.json")
    vmss = "/subscriptions/subid/resourcegroups/testrg/providers/microsoft.compute/virtualmachinescalesets/vmss1"
    targets = {(t, i) for src_label, _, t, i in edges(s, "ROUTES_TO") if src_label == "AzureLoadBalancerRule"}
    assert targets == {("AzureVirtualMachineScaleSet", vmss)}
    assert {u.missing_id for u in s.read.unresolved if u.type == "ROUTES_TO"} == {vmss}
    warning = unresolved_warning("azure/*/*/resource-graph", s.read.unresolved)
    assert warning is not None
    assert "ROUTES_TO x2" in warning
    assert vmss in warning


def test_a_scale_set_instance_nic_stands_for_its_scale_set() -> None:
    conf = (
        "/subscriptions/s/resourceGroups/MC_rg_aks_westeurope/providers/Microsoft.Compute/virtualMachineScaleSets/"
        "aks-nodepool1-123-vmss/virtualMachines/0/networkInterfaces/aks-nodepool1-123-vmss/ipConfigurations/ipconfig1"
    )
    assert backend_target(conf) == (
        "AzureVirtualMachineScaleSet",
        "/subscriptions/s/resourcegroups/mc_rg_aks_westeurope/providers/microsoft.compute/virtualmachinescalesets/"
        "aks-nodepool1-123-vmss",
    )
    nic = "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Network/networkInterfaces/n1/ipConfigurations/c"
    assert backend_target(nic) == ("AzureNetworkInterface", nic.lower().rsplit("/ipconfigurations/", 1)[0])


def test_route_tables_are_typed_with_their_routes() -> None:
    s = sample("AzureRouteTable", "RouteTableGet.json")
    (table,) = nodes(s, "AzureRouteTable")
    assert table.props["routes"] == ("10.0.3.0/24 -> VirtualNetworkGateway",)
    assert table.props["disable_bgp_route_propagation"] is False
    assert nodes(s, "AzureResource") == []


def test_absent_public_blob_and_tls_fields_take_their_documented_defaults() -> None:
    (account,) = nodes(sample("AzureStorageAccount", "StorageAccountGetProperties.json"), "AzureStorageAccount")
    assert account.props["allow_blob_public_access"] is True
    assert account.props["minimum_tls_version"] == "TLS1_0"
    assert account.props["https_only"] is False


def test_the_storage_rules_fire_on_the_published_account(graph: Graph) -> None:
    s = sample("AzureStorageAccount", "StorageAccountGetProperties.json")
    GraphWriter(graph, SCHEMA).nodes(s.read.rows.nodes, SyncStamp(1, datetime(2026, 1, 1, tzinfo=UTC)))
    account = (
        "/subscriptions/{subscription-id}/resourcegroups/res9407/providers/microsoft.storage/storageaccounts/sto8596"
    )
    for rule in ("azure-storage-blob-public-access", "azure-storage-old-tls"):
        assert [h.resource_id for h in run_rule(graph, BY_ID[rule], datetime.now(UTC))] == [account], rule


def test_key_vault_access_policies_give_principals_their_permissions() -> None:
    s = sample("AzureKeyVault", "getVault.json")
    vault = (
        "/subscriptions/00000000-0000-0000-0000-000000000000/resourcegroups/sample-resource-group/providers/"
        "microsoft.keyvault/vaults/sample-vault"
    )
    principal = "00000000-0000-0000-0000-000000000000"
    (policy,) = [e for e in s.read.rows.edges if e.type == "HAS_ROLE"]
    assert (policy.source_label, policy.source_id, policy.target_label, policy.target_id) == (
        "AzurePrincipal",
        principal,
        "AzureKeyVault",
        vault,
    )
    assert policy.props is not None
    assert "get" in policy.props["secrets"]
    assert "decrypt" in policy.props["keys"]
    assert [n.id for n in nodes(s, "AzurePrincipal")] == [principal]
    assert nodes(s, "AzureKeyVault")[0].props["access_policy_count"] == 1


def test_application_gateway_listeners_tls_and_waf_policy() -> None:
    (gateway,) = nodes(sample("AzureApplicationGateway", "ApplicationGatewayGet.json"), "AzureApplicationGateway")
    assert gateway.props["listeners"] == ("Https:443", "Http:80")
    assert gateway.props["min_tls_versions"] == ("TLSv1_1",)
    assert gateway.props["backend_addresses"] == ("10.0.0.1", "10.0.0.2")
    (policy,) = nodes(sample("AzureWafPolicy", "WafPolicyGet.json"), "AzureWafPolicy")
    assert (policy.props["state"], policy.props["mode"], policy.props["custom_rule_count"]) == (
        "Enabled",
        "Prevention",
        4,
    )
    assert policy.props["managed_rule_sets"] == ("OWASP:3.2", "Microsoft_BotManagerRuleSet:1.0")


def test_role_names_come_from_the_role_definitions_read() -> None:
    definition = json.loads((CORPUS / "AzureRoleAssignment" / "GetRoleDefinitionById.json").read_text())
    assert role_names([definition]) == {"roledefinitionid": ("Role name", "roletype")}


def test_sql_firewall_rules_from_the_arm_list_reference_their_server() -> None:
    s = sample("AzureSqlFirewallRule", "FirewallRuleList.json")
    server = (
        "/subscriptions/00000000-1111-2222-3333-444444444444/resourcegroups/firewallrulecrudtest-12/providers/"
        "microsoft.sql/servers/firewallrulecrudtest-6285"
    )
    rules = nodes(s, "AzureSqlFirewallRule")
    assert sorted((n.props["start_ip"], n.props["end_ip"]) for n in rules) == [
        ("0.0.0.0", "0.0.0.0"),
        ("0.0.0.1", "0.0.0.1"),
        ("0.0.0.2", "0.0.0.2"),
        ("0.0.0.3", "0.0.0.3"),
    ]
    assert all(
        n.props["resource_group"] == "firewallrulecrudtest-12"
        and n.props["account"] == "00000000-1111-2222-3333-444444444444"
        for n in rules
    )
    assert {src for _, src, _, _ in edges(s, "HAS_FIREWALL_RULE")} == {server}


def test_references_the_read_cannot_resolve_are_counted_per_type() -> None:
    s = sample("AzureNetworkInterface", "NetworkInterfaceGet.json")
    counted = sorted(u.type for u in s.read.unresolved)
    assert counted == [
        "HAS_NETWORK_INTERFACE",
        "HAS_PUBLIC_IP",
        "IN_RESOURCE_GROUP",
        "IN_SUBNET",
        "PROTECTED_BY",
    ]
    warning = unresolved_warning("azure/*/*/resource-graph", s.read.unresolved)
    assert warning is not None
    assert warning.startswith("azure/*/*/resource-graph: 5 reference(s)")
    assert unresolved_warning("x", ()) is None


def test_a_public_ip_names_the_nic_using_it() -> None:
    s = sample("AzurePublicIPAddress", "PublicIpAddressGet.json")
    assert edges(s, "HAS_PUBLIC_IP") == {
        (
            "AzureNetworkInterface",
            f"{SUB}/microsoft.network/networkinterfaces/testdns649",
            "AzurePublicIPAddress",
            f"{SUB}/microsoft.network/publicipaddresses/testdns-ip",
        )
    }


VMSS = "/subscriptions/{subscription-id}/resourcegroups/myresourcegroup/providers"


def test_a_scale_set_behind_a_backend_pool_and_an_inbound_nat_pool_is_reached_through_both() -> None:
    s = sample("AzureVirtualMachineScaleSet", "VirtualMachineScaleSet_Create_WithAzureLoadBalancer.json")
    scale_set = ("AzureVirtualMachineScaleSet", f"{VMSS}/microsoft.compute/virtualmachinescalesets/{{vmss-name}}")
    lb = f"{VMSS}/microsoft.network/loadbalancers/mylb"
    assert {(src_label, src) for src_label, src, *target in edges(s, "ROUTES_TO") if tuple(target) == scale_set} == {
        ("AzureLoadBalancerBackendPool", f"{lb}/backendaddresspools/lbbackendpool"),
        ("AzureLoadBalancerRule", f"{lb}/inboundnatpools/lbnatpool"),  # RDP/SSH published per instance
    }
    [node] = nodes(s, "AzureVirtualMachineScaleSet")
    assert (node.props["vm_size"], node.props["capacity"]) == ("Standard_D1_v2", 3)


def test_a_published_vm_uses_its_nic_and_disks() -> None:
    s = sample("AzureVirtualMachine", "VirtualMachine_Get.json")
    vm = f"{VMSS}/microsoft.compute/virtualmachines/myvm"
    assert {i for src_label, src, _, i in edges(s, "USES_DISK") if src == vm} == {
        f"{VMSS}/microsoft.compute/disks/{d}" for d in ("myosdisk", "mydatadisk0", "mydatadisk1")
    }
    assert edges(s, "HAS_NETWORK_INTERFACE") == {
        ("AzureVirtualMachine", vm, "AzureNetworkInterface", f"{VMSS}/microsoft.network/networkinterfaces/{{mynic}}")
    }
    [node] = nodes(s, "AzureVirtualMachine")
    assert (node.props["vm_size"], node.props["region"], node.props["os_type"]) == (
        "Standard_DS3_v2",
        "westus",
        "Windows",
    )


PS = "/subscriptions/947d47b4-7883-4bb9-9d85-c5e8e2f572ce/resourcegroups"


def test_a_recorded_subnet_names_its_route_table_and_the_table_its_routes_and_subnet() -> None:
    table = f"{PS}/ps5911/providers/microsoft.network/routetables/ps5986"
    subnet = f"{PS}/ps5911/providers/microsoft.network/virtualnetworks/ps671/subnets/ps2220"
    vnet = sample("AzureVirtualNetwork", "TestRouteTableSubnetRef-ps671.json")
    routes = sample("AzureRouteTable", "TestRouteTableSubnetRef-ps5986.json")
    for s in (vnet, routes):
        assert edges(s, "ASSOCIATED_WITH") == {("AzureRouteTable", table, "AzureSubnet", subnet)}
    (node,) = nodes(routes, "AzureRouteTable")
    assert node.props["routes"] == ("192.168.1.0/24 -> VirtualAppliance 23.108.1.1",)
    (sub,) = nodes(vnet, "AzureSubnet")
    assert sub.props["address_prefix"] == "10.0.1.0/24"


def test_recorded_rules_with_application_security_groups_keep_them_on_both_sides() -> None:
    s = sample("AzureNetworkSecurityGroup", "TestApplicationSecurityGroupInNewSecurityRule-ps4042.json")
    asg = f"{PS}/ps7874/providers/microsoft.network/applicationsecuritygroups/ps23"
    rules = {n.props["name"]: n.props for n in nodes(s, "AzureSecurityRule")}
    both, source, destination = rules["ps556"], rules["ps7834"], rules["ps4307"]
    assert (both["source_asgs"], both["destination_asgs"], both["source_prefixes"]) == ((asg,), (asg,), ())
    assert (source["source_asgs"], source["destination_asgs"]) == ((asg,), ())
    assert (destination["source_asgs"], destination["destination_asgs"]) == ((), (asg,))
    # from anywhere to the group's members: open to the internet; from a group: not
    assert (destination["open_to_internet"], both["open_to_internet"], source["open_to_internet"]) == (
        True,
        False,
        False,
    )


def test_a_cosmos_account_accepting_tls_1_0_says_so() -> None:
    (account,) = nodes(sample("AzureCosmosDBAccount", "CosmosDBDatabaseAccountGet.json"), "AzureCosmosDBAccount")
    assert account.props["minimal_tls_version"] == "Tls"


def test_aks_node_pools_with_public_node_ips_and_clusters_without_rbac_say_so() -> None:
    private = sample("AzureAKSCluster", "ManagedClustersCreate_PrivateClusterPublicFQDN.json")
    (pool,) = nodes(private, "AzureAKSNodePool")
    assert pool.props["enable_node_public_ip"] is True
    (cluster,) = nodes(private, "AzureAKSCluster")
    assert (cluster.props["private_cluster"], cluster.props["enable_rbac"]) == (True, True)
    plain = sample("AzureAKSCluster", "ManagedClustersGet.json")
    (pool,) = nodes(plain, "AzureAKSNodePool")
    assert pool.props["enable_node_public_ip"] is False  # absent: the documented default
    (cluster,) = nodes(plain, "AzureAKSCluster")
    assert cluster.props["enable_rbac"] is False


def test_a_disk_names_the_vm_it_is_attached_to() -> None:
    s = sample("AzureDisk", "Disk_Get.json")
    vm = (
        "/subscriptions/123caaa-123v-v211-a49f-f88ccac5bf88/resourcegroups/resourcegroupname/providers/"
        "microsoft.compute/virtualmachines/testvm414689371c88843d65ec"
    )
    disk = (
        "/subscriptions/{subscriptionid}/resourcegroups/myresourcegroup/providers/microsoft.compute/disks/mymanageddisk"
    )
    assert edges(s, "USES_DISK") == {("AzureVirtualMachine", vm, "AzureDisk", disk)}


def test_the_vms_own_disk_edge_keeps_its_role_when_the_disk_names_the_vm_first() -> None:
    vm_row = json.loads((CORPUS / "AzureVirtualMachine" / "VirtualMachine_Get.json").read_text())
    disk_row = json.loads((CORPUS / "AzureDisk" / "Disk_Get.json").read_text())
    disk_row = {**disk_row, "id": vm_row["properties"]["storageProfile"]["osDisk"]["managedDisk"]["id"]}
    disk_row["managedBy"] = vm_row["id"]
    read = read_azure(AzurePayload((), (disk_row, vm_row), ()))
    (edge,) = [e for e in read.rows.edges if e.type == "USES_DISK" and e.target_id == disk_row["id"].lower()]
    assert edge.props is not None
    assert edge.props["role"] == "os"


def test_a_disk_with_azure_disk_encryption_depends_on_the_vault_holding_its_keys() -> None:
    s = sample("AzureDisk", "Disk_Get.json")
    (disk,) = nodes(s, "AzureDisk")
    assert disk.props["ade_enabled"] is True
    vault = (
        "/subscriptions/{subscriptionid}/resourcegroups/myresourcegroup/providers/microsoft.keyvault/vaults/myvmvault"
    )
    assert edges(s, "ENCRYPTED_BY") == {("AzureDisk", disk.id, "AzureKeyVault", vault)}


def test_a_recorded_nic_is_a_member_of_both_its_application_security_groups() -> None:
    s = sample("AzureNetworkInterface", "TestApplicationSecurityGroupInNewNetworkInterface-ps2868.json")
    nic = f"{PS}/ps2835/providers/microsoft.network/networkinterfaces/ps2868"
    groups = {f"{PS}/ps2835/providers/microsoft.network/applicationsecuritygroups/{g}" for g in ("ps8606", "ps7557")}
    assert edges(s, "MEMBER_OF") == {("AzureNetworkInterface", nic, "AzureApplicationSecurityGroup", g) for g in groups}
    (node,) = nodes(s, "AzureNetworkInterface")
    assert set(node.props["application_security_groups"]) == groups
