"""Azure discovery end to end: the real azure-mgmt-resourcegraph SDK against the local Resource Graph server,
into the real Neo4j. Expected numbers are counted from the estate the server serves, never hard-coded."""

from __future__ import annotations

import socket
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import neo4j.time
import pytest

from core.errors import ConfigError, EndpointUnreachable
from core.settings import Settings, load_settings
from devclouds.azure_estate import LOCATION, PROD, SHARED, SP_CI, AzureEstate, _rule, build_estate, res_id
from devclouds.azure_resource_graph import AzureResourceGraphServer
from graph.neo4j.client import Graph
from graph.rows import HASH_PROPERTIES
from ingest.jobs.model import UnitSpec
from ingest.providers.azure.client import make_credential
from ingest.providers.azure.provider import AzureUnit
from ingest.providers.azure.sql_firewall import AzureSqlFirewallUnit
from ingest.providers.azure.web_config import AzureWebConfigUnit
from queries.exposure import exposure_paths
from tests.discovery import Discovery, discover_job

STAMPS = frozenset({"last_seen", "last_sync"}) | HASH_PROPERTIES  # bookkeeping, not the resource
PAGE = 4
# Resource Graph type -> label, written out here independently of the transform's own table.
TYPED = {
    "microsoft.compute/virtualmachines": "AzureVirtualMachine",
    "microsoft.network/networkinterfaces": "AzureNetworkInterface",
    "microsoft.network/virtualnetworks": "AzureVirtualNetwork",
    "microsoft.network/networksecuritygroups": "AzureNetworkSecurityGroup",
    "microsoft.network/publicipaddresses": "AzurePublicIPAddress",
    "microsoft.compute/disks": "AzureDisk",
    "microsoft.network/loadbalancers": "AzureLoadBalancer",
    "microsoft.network/applicationgateways": "AzureApplicationGateway",
    "microsoft.network/privateendpoints": "AzurePrivateEndpoint",
    "microsoft.sql/servers": "AzureSqlServer",
    "microsoft.sql/servers/databases": "AzureSqlDatabase",
    "microsoft.sql/servers/firewallrules": "AzureSqlFirewallRule",
    "microsoft.storage/storageaccounts": "AzureStorageAccount",
    "microsoft.keyvault/vaults": "AzureKeyVault",
    "microsoft.containerservice/managedclusters": "AzureAKSCluster",
    "microsoft.web/serverfarms": "AzureAppServicePlan",
    "microsoft.web/sites": "AzureWebApp",
    "microsoft.documentdb/databaseaccounts": "AzureCosmosDBAccount",
    "microsoft.compute/virtualmachinescalesets": "AzureVirtualMachineScaleSet",
    "microsoft.network/routetables": "AzureRouteTable",
    "microsoft.network/applicationsecuritygroups": "AzureApplicationSecurityGroup",
    "microsoft.network/applicationgatewaywebapplicationfirewallpolicies": "AzureWafPolicy",
}
ASSIGNMENT = "microsoft.authorization/roleassignments"


@pytest.fixture
def estate() -> AzureEstate:
    return build_estate()


@pytest.fixture
def server(estate: AzureEstate) -> Iterator[AzureResourceGraphServer]:
    with AzureResourceGraphServer(estate) as srv:
        yield srv


def settings_for(server: AzureResourceGraphServer, monkeypatch: pytest.MonkeyPatch) -> Settings:
    monkeypatch.setenv("AIDISCOVER_AZURE_ENDPOINT", server.url)
    monkeypatch.setenv("AIDISCOVER_AZURE_TOKEN", "local-test-token")
    monkeypatch.setenv("AIDISCOVER_AZURE_SUBSCRIPTIONS", f"{PROD},{SHARED}")
    monkeypatch.setenv("AIDISCOVER_AZURE_PAGE_SIZE", str(PAGE))
    monkeypatch.setenv("AIDISCOVER_AZURE_MAX_RETRIES", "0")
    return load_settings()


@pytest.fixture
def azure_settings(server: AzureResourceGraphServer, monkeypatch: pytest.MonkeyPatch) -> Settings:
    return settings_for(server, monkeypatch)


@dataclass(frozen=True)
class Discovered:
    graph: Graph
    estate: AzureEstate
    server: AzureResourceGraphServer
    report: Discovery


@pytest.fixture(scope="module")
def discovered(session_graph: Graph) -> Iterator[Discovered]:
    """One discovery shared by the read-only tests below (they come first in this module: the ``graph``
    fixture of the later tests wipes the database)."""
    estate = build_estate()
    with AzureResourceGraphServer(estate) as srv, pytest.MonkeyPatch.context() as mp:
        session_graph.wipe()
        report = discover(settings_for(srv, mp), session_graph)
        yield Discovered(session_graph, estate, srv, report)


def discover(settings: Settings, graph: Graph) -> Discovery:
    report = discover_job(settings, graph, "azure")
    assert report.warnings == ()
    assert synced_subscriptions(graph, report) == (PROD, SHARED)
    assert report.skipped_edges == 0
    return report


def synced_subscriptions(graph: Graph, report: Discovery) -> tuple[str, ...]:
    """The subscriptions the latest sync saw (``report``'s: the scopes it stamped hold their subscription nodes)."""
    rows = graph.read("MATCH (s:AzureSubscription) RETURN s.account AS account, labels(s) AS labels, s AS s")
    seen = {r["account"]: report.last_seen(r["labels"], dict(r["s"])) for r in rows}
    latest = max(seen.values(), default=None)
    return tuple(sorted(a for a, at in seen.items() if at == latest))


def props_list(row: dict[str, Any], key: str) -> list[Any]:
    value = (row.get("properties") or {}).get(key)
    return value if isinstance(value, list) else []


def expected_nodes(estate: AzureEstate) -> dict[str, int]:
    counts: Counter[str] = Counter()
    for row in estate.containers:
        is_sub = row["type"] == "microsoft.resources/subscriptions"
        counts["AzureSubscription" if is_sub else "AzureResourceGroup"] += 1
    for row in estate.resources:
        counts[TYPED.get(row["type"], "AzureResource")] += 1
        if row["type"] == "microsoft.network/virtualnetworks":  # NSG rows list subnet references too
            counts["AzureSubnet"] += len(props_list(row, "subnets"))
            counts["AzureVirtualNetworkPeering"] += len(props_list(row, "virtualNetworkPeerings"))
        counts["AzureSecurityRule"] += len(props_list(row, "securityRules")) + len(
            props_list(row, "defaultSecurityRules")
        )
        counts["AzureAKSNodePool"] += len(props_list(row, "agentPoolProfiles"))
        if row["type"] == "microsoft.network/loadbalancers":
            counts["AzureLoadBalancerBackendPool"] += len(props_list(row, "backendAddressPools"))
            for key in ("loadBalancingRules", "inboundNatRules", "inboundNatPools"):
                counts["AzureLoadBalancerRule"] += len(props_list(row, key))
    for path, items in estate.arm.items():  # read from ARM: firewall rule lists, an app's config/web resource
        counts["AzureWebAppConfig" if path.endswith("/config/web") else "AzureSqlFirewallRule"] += len(items)
    assignments = [r for r in estate.authorizations if r["type"] == ASSIGNMENT]
    counts["AzureRoleAssignment"] = len(assignments)
    policies = {p["objectId"] for r in estate.resources for p in props_list(r, "accessPolicies")}
    counts["AzurePrincipal"] = len({r["properties"]["principalId"] for r in assignments} | policies)
    counts["Resource"] = sum(counts.values()) - counts["AzureSecurityRule"]
    return dict(counts)


def graph_counts(graph: Graph) -> dict[str, int]:
    return {r["label"]: r["c"] for r in graph.read("MATCH (n) UNWIND labels(n) AS label RETURN label, count(*) AS c")}


def snapshot(graph: Graph) -> tuple[dict[str, Any], dict[tuple[str, str, str], Any]]:
    nodes = {
        r["id"]: (sorted(r["labels"]), {k: _native(v) for k, v in r["props"].items()})
        for r in graph.read("MATCH (n) RETURN n.id AS id, labels(n) AS labels, properties(n) AS props")
    }
    edges = {
        (r["a"], r["t"], r["b"]): {k: _native(v) for k, v in r["props"].items()}
        for r in graph.read("MATCH (a)-[r]->(b) RETURN a.id AS a, type(r) AS t, b.id AS b, properties(r) AS props")
    }
    return nodes, edges


def _native(value: Any) -> Any:
    return value.to_native() if isinstance(value, neo4j.time.DateTime) else value


def without_stamps(snap: tuple[dict[str, Any], dict[Any, Any]]) -> tuple[dict[str, Any], dict[Any, Any]]:
    nodes, edges = snap

    def drop(props: dict[str, Any]) -> dict[str, Any]:
        return {k: v for k, v in props.items() if k not in STAMPS}

    return {k: (labels, drop(p)) for k, (labels, p) in nodes.items()}, {k: drop(p) for k, p in edges.items()}


def lower(resource_id: str) -> str:
    return resource_id.lower()


# --- tests ---------------------------------------------------------------------------------------


def test_counts_per_label_equal_what_the_estate_holds_read_in_small_pages(discovered: Discovered) -> None:
    graph, estate, server, report = discovered.graph, discovered.estate, discovered.server, discovered.report
    expected = expected_nodes(estate)
    assert graph_counts(graph) == expected
    assert report.nodes == sum(n for label, n in expected.items() if label != "Resource")
    assert report.edges == graph.read("MATCH ()-[r]->() RETURN count(r) AS c")[0]["c"]
    # Paging: every request asked for PAGE rows and the resources table needed many pages.
    graph_requests = [r for r in server.requests if "query" in r]
    assert {r["options"]["$top"] for r in graph_requests} == {PAGE}
    resource_pages = [r for r in graph_requests if r["query"] == "Resources | order by id asc"]
    assert len(resource_pages) == -(-len(estate.resources) // PAGE) == 10
    assert all(r["subscriptions"] == [PROD, SHARED] for r in graph_requests)
    # SQL firewall rules: one ARM GET per server (Resource Graph does not index them)
    assert sorted(r["GET"] for r in server.requests if "GET" in r) == sorted(estate.arm)


def test_every_azure_node_carries_its_subscription_and_location(discovered: Discovered) -> None:
    graph = discovered.graph
    rows = graph.read("MATCH (n) RETURN n.id AS id, n.account AS account, n.region AS region, n.provider AS p")
    assert {(r["account"]) for r in rows} == {PROD, SHARED}
    assert {r["region"] for r in rows} == {"westeurope", "global"}
    for r in rows:
        assert r["id"] == r["id"].lower()
        if r["id"].startswith("/subscriptions/"):
            assert r["id"].split("/")[2] == r["account"], r["id"]
    assert {r["p"] for r in rows} == {"azure", None}  # None: AzureSecurityRule is not a Resource


def test_vm_web_1_runs_on_nic_in_snet_web_of_vnet_prod_with_a_public_ip_and_disks(discovered: Discovered) -> None:
    graph = discovered.graph
    rows = graph.read(
        "MATCH (vm:AzureVirtualMachine {name: 'vm-web-1'})-[:HAS_NETWORK_INTERFACE]->(nic:AzureNetworkInterface)"
        "-[:IN_SUBNET]->(s:AzureSubnet)-[:IN_VNET]->(v:AzureVirtualNetwork) "
        "MATCH (nic)-[:HAS_PUBLIC_IP]->(ip:AzurePublicIPAddress) "
        "MATCH (s)-[:PROTECTED_BY]->(nsg:AzureNetworkSecurityGroup) "
        "MATCH (vm)-[:IN_RESOURCE_GROUP]->(rg:AzureResourceGroup)-[:IN_SUBSCRIPTION]->(sub:AzureSubscription) "
        "RETURN vm.vm_size AS size, vm.power_state AS power, nic.private_ips AS ips, s.name AS subnet, "
        "s.address_prefix AS cidr, v.name AS vnet, ip.ip_address AS public_ip, nsg.name AS nsg, rg.name AS rg, "
        "sub.name AS sub"
    )
    assert [dict(r) for r in rows] == [
        {
            "size": "Standard_D2s_v5",
            "power": "PowerState/running",
            "ips": ["10.0.1.4"],
            "subnet": "snet-web",
            "cidr": "10.0.1.0/24",
            "vnet": "vnet-prod",
            "public_ip": "20.61.14.7",
            "nsg": "nsg-web",
            "rg": "rg-web",
            "sub": "Contoso Production",
        }
    ]
    disks = graph.read(
        "MATCH (:AzureVirtualMachine {name: 'vm-web-1'})-[u:USES_DISK]->(d:AzureDisk) "
        "RETURN d.name AS d, u.role AS role, u.lun AS lun, d.disk_size_gb AS gb ORDER BY d"
    )
    assert [tuple(r.values()) for r in disks] == [
        ("vm-web-1_DataDisk_0", "data", 0, 128),
        ("vm-web-1_OsDisk_1", "os", None, 30),
    ]


def test_the_only_custom_rule_open_to_the_internet_on_22_is_on_nsg_app(discovered: Discovered) -> None:
    graph = discovered.graph
    rows = graph.read(
        "MATCH (nsg:AzureNetworkSecurityGroup)-[:HAS_RULE]->(r:AzureSecurityRule {open_to_internet: true}) "
        "WHERE '22' IN r.destination_port_ranges OR '*' IN r.destination_port_ranges "
        "OPTIONAL MATCH (exposed)-[:PROTECTED_BY]->(nsg) WITH nsg, r, exposed ORDER BY exposed.name "
        "RETURN nsg.name AS nsg, r.name AS rule, r.priority AS priority, r.protocol AS protocol, "
        "r.source_prefixes AS src, r.is_default AS is_default, collect(exposed.name) AS exposed"
    )
    assert [dict(r) for r in rows] == [
        {
            "nsg": "nsg-app",
            "rule": "allow-ssh-anywhere",
            "priority": 200,
            "protocol": "Tcp",
            "src": ["*"],
            "is_default": False,
            "exposed": ["nic-app-1", "snet-app"],
        }
    ]


def test_paas_misconfigurations_and_links_are_in_the_graph(discovered: Discovered) -> None:
    graph = discovered.graph
    sql = graph.read(
        "MATCH (s:AzureSqlServer)-[:HAS_FIREWALL_RULE]->(f:AzureSqlFirewallRule {allows_all: true}) "
        "MATCH (s)-[:HAS_DATABASE]->(db:AzureSqlDatabase) WITH s, f, db ORDER BY db.name "
        "RETURN s.fqdn AS fqdn, f.name AS rule, f.start_ip AS start, f.end_ip AS end, collect(db.name) AS dbs"
    )
    assert [dict(r) for r in sql] == [
        {
            "fqdn": "sql-prod-orders.database.windows.net",
            "rule": "AllowAll",
            "start": "0.0.0.0",
            "end": "255.255.255.255",
            "dbs": ["master", "orders"],
        }
    ]
    storage = graph.read(
        "MATCH (pe:AzurePrivateEndpoint)-[:CONNECTS_TO]->(st:AzureStorageAccount {allow_blob_public_access: true}) "
        "MATCH (pe)-[:IN_SUBNET]->(s:AzureSubnet) "
        "RETURN st.name AS st, st.network_default_action AS action, pe.group_ids AS groups, s.name AS subnet"
    )
    assert [dict(r) for r in storage] == [
        {"st": "stprodassets", "action": "Allow", "groups": ["blob"], "subnet": "snet-pe"}
    ]
    apps = graph.read(
        "MATCH (agw:AzureApplicationGateway)-[:ROUTES_TO]->(t) "
        "RETURN agw.name AS agw, [x IN labels(t) WHERE x <> 'Resource'][0] AS kind, t.name AS target ORDER BY target"
    )
    assert [tuple(r.values()) for r in apps] == [
        ("agw-prod", "AzureWebApp", "app-prod-web"),
        ("agw-prod", "AzureNetworkInterface", "nic-app-1"),
    ]
    hosted = graph.read(
        "MATCH (w:AzureWebApp)-[:HOSTED_ON]->(p:AzureAppServicePlan) "
        "RETURN w.name AS app, w.is_function AS fn, p.name AS plan ORDER BY app"
    )
    assert [tuple(r.values()) for r in hosted] == [
        ("app-prod-web", False, "asp-prod"),
        ("func-prod-orders", True, "asp-prod"),
    ]
    aks = graph.read(
        "MATCH (:AzureAKSCluster {name: 'aks-prod'})-[:HAS_NODE_POOL]->(p:AzureAKSNodePool)-[:IN_SUBNET]->(s) "
        "RETURN p.name AS pool, p.node_count AS n, s.name AS subnet ORDER BY pool"
    )
    assert [tuple(r.values()) for r in aks] == [("apps", 2, "snet-aks"), ("system", 3, "snet-aks")]
    peered = graph.read(
        "MATCH (a:AzureVirtualNetwork)-[p:PEERED_WITH]->(b:AzureVirtualNetwork) "
        "RETURN a.name AS a, a.account AS sa, b.name AS b, p.peering_state AS state ORDER BY a"
    )
    assert [tuple(r.values()) for r in peered] == [
        ("vnet-prod", PROD, "vnet-shared", "Connected"),
        ("vnet-shared", SHARED, "vnet-prod", "Connected"),
    ]
    generic = graph.read("MATCH (n:AzureResource) RETURN n.name AS name, n.resource_type AS type ORDER BY name")
    assert [tuple(r.values()) for r in generic] == [
        ("appi-prod", "microsoft.insights/components"),
        ("log-prod", "microsoft.operationalinsights/workspaces"),
        ("rsv-shared", "microsoft.recoveryservices/vaults"),
    ]


def test_role_assignments_reach_principals_and_scopes(discovered: Discovered) -> None:
    graph = discovered.graph
    rows = graph.read(
        "MATCH (p:AzurePrincipal)<-[:ASSIGNED_TO]-(ra:AzureRoleAssignment)-[:GRANTS_ACCESS_TO]->(scope) "
        "RETURN p.principal_type AS type, ra.role_name AS role, "
        "[x IN labels(scope) WHERE x <> 'Resource'][0] AS kind, scope.name AS scope "
        "ORDER BY type, role, scope"
    )
    assert [tuple(r.values()) for r in rows] == [
        ("Group", "Contributor", "AzureResourceGroup", "rg-data"),
        ("ServicePrincipal", "Contributor", "AzureResourceGroup", "rg-app"),
        ("ServicePrincipal", "Storage Blob Data Reader", "AzureStorageAccount", "stprodassets"),
        ("User", "Owner", "AzureSubscription", "Contoso Production"),
        ("User", "Reader", "AzureSubscription", "Contoso Shared Services"),
    ]


def test_load_balancer_rules_scale_sets_route_tables_policies_and_zones_are_in_the_graph(
    discovered: Discovered,
) -> None:
    graph = discovered.graph
    rules = graph.read(
        "MATCH (:AzureLoadBalancer {name: 'lb-web'})-[:HAS_RULE]->(r:AzureLoadBalancerRule)-[:ROUTES_TO]->(t) "
        "RETURN r.rule_type AS type, r.frontend_port AS fe, r.backend_port AS be, t.name AS target ORDER BY type"
    )
    assert [tuple(r.values()) for r in rules] == [
        ("InboundNatRule", 50001, 3389, "nic-web-2"),
        ("LoadBalancingRule", 443, 443, "web-pool"),
    ]
    # the AKS load balancer's pool lists scale-set instance NICs: it routes to the scale set
    vmss = graph.read(
        "MATCH (:AzureLoadBalancer {name: 'kubernetes'})-[:HAS_BACKEND_POOL]->(:AzureLoadBalancerBackendPool)"
        "-[:ROUTES_TO]->(s:AzureVirtualMachineScaleSet) RETURN s.name AS name, s.capacity AS n, s.zones AS zones, "
        "s.region AS region"
    )
    assert [tuple(r.values()) for r in vmss] == [("aks-system-31415926-vmss", 3, ["1", "2", "3"], LOCATION)]
    zones = graph.read("MATCH (v:AzureVirtualMachine {name: 'vm-web-1'}) RETURN v.region AS region, v.zones AS zones")
    assert [tuple(r.values()) for r in zones] == [(LOCATION, ["1"])]
    routes = graph.read(
        "MATCH (t:AzureRouteTable)-[:ASSOCIATED_WITH]->(s:AzureSubnet) RETURN t.routes AS routes, s.name AS subnet"
    )
    assert [tuple(r.values()) for r in routes] == [(["0.0.0.0/0 -> VirtualAppliance"], "snet-web")]
    vault = graph.read(
        "MATCH (p:AzurePrincipal)-[r:HAS_ROLE]->(v:AzureKeyVault) RETURN p.id AS principal, r.secrets AS secrets"
    )
    assert [tuple(r.values()) for r in vault] == [(SP_CI, ["get", "list"])]
    waf = graph.read("MATCH (:AzureApplicationGateway)-[:PROTECTED_BY]->(w:AzureWafPolicy) RETURN w.mode AS mode")
    assert [r["mode"] for r in waf] == ["Prevention"]
    asg = graph.read(
        "MATCH (n:AzureNetworkInterface)-[:MEMBER_OF]->(g:AzureApplicationSecurityGroup) "
        "MATCH (r:AzureSecurityRule) WHERE g.id IN r.source_asgs RETURN n.name AS nic, r.name AS rule"
    )
    assert [tuple(r.values()) for r in asg] == [("nic-app-1", "allow-sql-from-app-asg")]


def test_https_balanced_to_a_vm_without_a_public_ip_shows_in_exposure_and_nat_rdp_is_stopped_by_the_nsg(
    discovered: Discovered,
) -> None:
    vm = res_id(PROD, "rg-web", "Microsoft.Compute/virtualMachines", "vm-web-2").lower()
    paths = exposure_paths(discovered.graph, vm)
    assert [(p.protocol, p.ports_text) for p in paths] == [("tcp", "tcp 443")]
    assert [h.node.name for h in paths[0].hops] == [
        "Internet",
        "pip-lb",
        "lb-web",
        "https",
        "nic-web-2",
        "nsg-web",
        "vm-web-2",
    ]


def test_running_discovery_twice_writes_nothing_and_the_scopes_say_when_it_last_saw_each_node(
    azure_settings: Settings, graph: Graph
) -> None:
    first_report = discover(azure_settings, graph)
    first = snapshot(graph)
    second_report = discover(azure_settings, graph)
    second = snapshot(graph)
    assert len(first[0]) > 0
    assert len(first[1]) > 0
    assert without_stamps(second) == without_stamps(first)  # first_seen included
    assert second == first  # nothing rewritten: every stamp stays
    assert second_report.job.written == 0
    for labels, props in second[0].values():  # yet every node reads as seen by the second run
        assert second_report.last_seen(labels, props) > props["last_seen"] == first_report.last_seen(labels, props)
    assert (second_report.removed_nodes, second_report.removed_edges) == (0, 0)
    assert (second_report.nodes, second_report.edges) == (first_report.nodes, first_report.edges)


def test_a_vm_removed_from_the_estate_is_removed_from_the_graph_with_its_edges(
    azure_settings: Settings, graph: Graph, estate: AzureEstate
) -> None:
    discover(azure_settings, graph)
    before_nodes, before_edges = snapshot(graph)
    vm = lower(res_id(PROD, "rg-web", "Microsoft.Compute/virtualMachines", "vm-web-2"))
    estate.remove(vm.upper())  # any case: ARM ids are case-insensitive
    # as in Azure, the NIC a deleted VM leaves behind no longer names it
    estate.find("nic-web-2", "microsoft.network/networkinterfaces")["properties"].pop("virtualMachine")
    report = discover(azure_settings, graph)
    after_nodes, after_edges = snapshot(graph)
    gone = {k for k in before_edges if vm in (k[0], k[2])}
    assert len(gone) == 3  # IN_RESOURCE_GROUP, HAS_NETWORK_INTERFACE, USES_DISK
    assert set(after_nodes) == set(before_nodes) - {vm}
    assert set(after_edges) == set(before_edges) - gone
    # one unit reads both subscriptions: what it removed is the VM of PROD and its three edges, nothing of SHARED
    assert (report.removed_nodes, report.removed_edges) == (1, 3)
    assert vm.startswith(f"/subscriptions/{PROD}/")
    for key in after_nodes:
        assert after_nodes[key][1]["first_seen"] == before_nodes[key][1]["first_seen"], key


def test_a_subscription_resource_graph_does_not_return_is_a_warning_and_keeps_its_nodes(
    azure_settings: Settings, graph: Graph, estate: AzureEstate
) -> None:
    discover(azure_settings, graph)
    shared_before = graph.read("MATCH (n {account: $s}) RETURN count(n) AS c", {"s": SHARED})[0]["c"]
    # Access to the shared subscription lost: Resource Graph simply returns none of its rows.
    for rows in (estate.containers, estate.resources, estate.authorizations):
        rows[:] = [r for r in rows if r["subscriptionId"] != SHARED]
    report = discover_job(azure_settings, graph, "azure")
    lost, unresolved = report.warnings
    assert (
        lost == f"subscription {SHARED}: not visible to these credentials in Resource Graph; skipped, nothing removed"
    )
    # prod's peering still names the shared network: counted, not silently dropped
    assert unresolved.startswith("azure/*/*/resource-graph: 2 reference(s) to ids that are not nodes")
    assert "PEERED_WITH x1" in unresolved
    assert synced_subscriptions(graph, report) == (PROD,)
    assert graph.read("MATCH (n {account: $s}) RETURN count(n) AS c", {"s": SHARED})[0]["c"] == shared_before > 0


def test_an_unreachable_endpoint_gives_one_line_naming_the_url_and_the_variable(
    monkeypatch: pytest.MonkeyPatch, graph: Graph
) -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]  # bound, never listening: connections are refused
        monkeypatch.setenv("AIDISCOVER_AZURE_ENDPOINT", f"http://127.0.0.1:{port}")
        monkeypatch.setenv("AIDISCOVER_AZURE_TOKEN", "local-test-token")
        monkeypatch.setenv("AIDISCOVER_AZURE_MAX_RETRIES", "0")
        report = discover_job(load_settings(), graph, "azure", accounts=[PROD])
    one_line = (
        f"Azure Resource Graph endpoint http://127.0.0.1:{port} does not answer (ServiceRequestError): start it, "
        "or fix AIDISCOVER_AZURE_ENDPOINT / your network"
    )
    assert report.job.status == "failed"
    assert report.errors == tuple(
        f"azure/*/*/{unit}: {EndpointUnreachable.__name__}: {one_line}; skipped, nothing removed"
        for unit in ("resource-graph", "sql-firewall", "web-config")
    )
    assert graph.read("MATCH (n) RETURN count(n) AS c")[0]["c"] == 0


def test_a_rejected_token_gives_one_line_and_writes_nothing(
    estate: AzureEstate, monkeypatch: pytest.MonkeyPatch, graph: Graph
) -> None:
    with AzureResourceGraphServer(estate, token="the-right-token") as srv:
        settings, url = settings_for(srv, monkeypatch), srv.url  # the settings send local-test-token
        report = discover_job(settings, graph, "azure")
    one_line = (
        f"Azure Resource Graph at {url} rejected the credentials (HTTP 401 InvalidAuthenticationToken: "
        "The access token is invalid or has expired.): sign in again or check the token / service principal"
    )
    assert report.job.status == "failed"
    assert [e.split(": ", 1)[0] for e in report.errors] == [
        "azure/*/*/resource-graph",
        "azure/*/*/sql-firewall",
        "azure/*/*/web-config",
    ]
    assert all(e.endswith(f": {one_line}; skipped, nothing removed") for e in report.errors)
    assert graph.read("MATCH (n) RETURN count(n) AS c")[0]["c"] == 0


def test_plain_http_is_only_accepted_on_loopback_and_the_token_never_shows_in_repr() -> None:
    with pytest.raises(ConfigError) as caught:
        load_settings({"AIDISCOVER_AZURE_ENDPOINT": "http://arm.example.com"})
    assert str(caught.value) == (
        "AIDISCOVER_AZURE_ENDPOINT='http://arm.example.com' is invalid: Value error, plain http is only allowed on a "
        "loopback host (a local server); use https; fix or unset AIDISCOVER_AZURE_ENDPOINT"
    )
    local = load_settings({"AIDISCOVER_AZURE_ENDPOINT": "http://127.0.0.1:8099/", "AIDISCOVER_AZURE_TOKEN": "s3cr3t"})
    assert (local.azure.endpoint, local.azure.token) == ("http://127.0.0.1:8099", "s3cr3t")
    assert "s3cr3t" not in repr(local)
    assert "s3cr3t" not in repr(make_credential(local.azure))
    assert load_settings({}).azure.endpoint == "https://management.azure.com"


def test_rdp_published_by_an_inbound_nat_rule_shows_in_exposure_once_the_nsg_allows_it(
    azure_settings: Settings, graph: Graph, estate: AzureEstate
) -> None:
    web = estate.find("nsg-web", "microsoft.network/networksecuritygroups")
    web["properties"]["securityRules"].append(
        _rule(web["id"], "allow-rdp-internet", 130, "Allow", "Inbound", "Tcp", "Internet", "3389")
    )
    discover(azure_settings, graph)
    vm = res_id(PROD, "rg-web", "Microsoft.Compute/virtualMachines", "vm-web-2").lower()
    rdp = [p for p in exposure_paths(graph, vm) if p.ports_text == "tcp 3389"]
    assert len(rdp) == 1
    nat = res_id(PROD, "rg-web", "Microsoft.Network/loadBalancers", "lb-web").lower() + "/inboundnatrules/rdp-vm-web-2"
    assert [(h.node.name, h.allows, h.rule_id) for h in rdp[0].hops][2:5] == [
        ("lb-web", "load balancer frontend using the public IP", None),
        ("rdp-vm-web-2", "inbound NAT rule tcp 50001 -> 3389", nat),
        ("nic-web-2", "NIC the rule sends traffic to", None),
    ]
    assert rdp[0].hops[5].rule_id == f"{web['id']}/securityRules/allow-rdp-internet".lower()


def firewall_spec() -> UnitSpec:
    return UnitSpec("azure", "*", "*", "sql-firewall", f"{PROD},{SHARED}")


def test_firewall_rules_the_credentials_may_not_read_are_a_warning_and_nothing_is_removed(
    azure_settings: Settings, estate: AzureEstate
) -> None:
    read = AzureSqlFirewallUnit().read(firewall_spec(), azure_settings)
    assert sorted(n.props["name"] for n in read.nodes) == ["AllowAll", "AllowAllWindowsAzureIps"]
    assert {(e.type, e.source_label) for e in read.references} == {
        ("HAS_FIREWALL_RULE", "AzureSqlServer"),
        ("IN_RESOURCE_GROUP", "AzureSqlFirewallRule"),
    }
    assert [s.account for s in read.scopes] == [PROD, SHARED]
    assert read.warnings == ()
    estate.forbidden.update(estate.arm)
    refused = AzureSqlFirewallUnit().read(firewall_spec(), azure_settings)
    assert refused.nodes == ()
    assert [s.account for s in refused.scopes] == [SHARED]  # the refused server's subscription keeps its rules
    (warning,) = refused.warnings
    assert "sql-prod-orders: firewall rules not readable (AuthorizationFailed" in warning
    assert "grant Microsoft.Sql/servers/firewallRules/read" in warning


def test_references_to_resources_the_read_lacks_are_counted_on_the_unit(
    azure_settings: Settings, estate: AzureEstate
) -> None:
    spec = UnitSpec("azure", "*", "*", "resource-graph", f"{PROD},{SHARED}")
    assert AzureUnit().read(spec, azure_settings).warnings == ()
    estate.remove(res_id(PROD, "rg-app", "Microsoft.Network/networkInterfaces", "nic-app-1"))
    (warning,) = AzureUnit().read(spec, azure_settings).warnings
    assert warning.startswith("azure/*/*/resource-graph: 3 reference(s) to ids that are not nodes of this read")
    # the VM's NIC, the gateway's backend and the NSG's NIC list all named the removed NIC
    assert "HAS_NETWORK_INTERFACE x1" in warning
    assert "ROUTES_TO x1" in warning
    assert "PROTECTED_BY x1" in warning


def test_web_app_settings_come_from_arm_and_a_refused_app_is_a_warning_that_keeps_its_subscription(
    azure_settings: Settings, estate: AzureEstate
) -> None:
    spec = UnitSpec("azure", "*", "*", "web-config", f"{PROD},{SHARED}")
    read = AzureWebConfigUnit().read(spec, azure_settings)
    assert sorted(str((n.props["name"], n.props["min_tls_version"], n.props["ftps_state"])) for n in read.nodes) == [
        str(("app-prod-web config/web", "1.2", "FtpsOnly")),
        str(("func-prod-orders config/web", "1.2", "Disabled")),
    ]
    assert {(e.type, e.source_label) for e in read.references} == {("HAS_CONFIG", "AzureWebApp")}
    assert ([s.account for s in read.scopes], read.warnings) == ([PROD, SHARED], ())
    func = res_id(PROD, "rg-app", "Microsoft.Web/sites", "func-prod-orders")
    estate.forbidden.add(f"{func}/config/web".lower())
    refused = AzureWebConfigUnit().read(spec, azure_settings)
    assert [n.props["app"] for n in refused.nodes] == ["app-prod-web"]
    assert [s.account for s in refused.scopes] == [SHARED]  # the refused app's subscription keeps its settings
    (warning,) = refused.warnings
    assert "func-prod-orders: TLS and FTP settings not readable (AuthorizationFailed" in warning
    assert "grant Microsoft.Web/sites/config/read" in warning


def test_a_changed_server_and_app_keep_the_rules_and_settings_their_own_units_link_to_them(
    azure_settings: Settings, graph: Graph, estate: AzureEstate
) -> None:
    # The server's and the app's rows change (Resource Graph unit); their firewall rules and TLS settings are
    # read by units of their own, unchanged, whose digest skips them: the edges those units wrote must stay.
    discover(azure_settings, graph)
    linked = "MATCH ()-[r:HAS_FIREWALL_RULE|HAS_CONFIG]->() RETURN type(r) AS t, count(*) AS n ORDER BY t"
    before = graph.read(linked)
    assert {row["t"] for row in before} == {"HAS_CONFIG", "HAS_FIREWALL_RULE"}
    estate.find("sql-prod-orders", "microsoft.sql/servers")["tags"] = {"env": "prod", "owner": "data"}
    estate.find("app-prod-web", "microsoft.web/sites")["tags"] = {"env": "prod", "owner": "web"}
    discover(azure_settings, graph)
    assert graph.read(linked) == before
