"""REACHES edges drawn by Azure NSG rules naming application security groups and by GCP firewalls naming
service accounts, on the rows the derivation's queries return (pure: no service).

The Azure rows follow the demo's vnet-prod (``devclouds/azure_estate.py``): nsg-data admits 1433 from the
application security group asg-app (priority 110) and denies the rest (4096); nic-app-1 is in asg-app. The
GCP rows follow prod-vpc (``devclouds/gcp_estate.py``), with instances running as named service accounts.
"""

from __future__ import annotations

from typing import Any

from queries.derived.model import DerivedEdge
from queries.derived.network_azure_gcp import azure_edges_from_rows, gcp_edges_from_rows

NET = "/subscriptions/s/resourcegroups/rg-net/providers/microsoft.network"
ASG_APP = f"{NET}/applicationsecuritygroups/asg-app"
ASG_DB = f"{NET}/applicationsecuritygroups/asg-db"
NSG_DATA = f"{NET}/networksecuritygroups/nsg-data"
VNET = f"{NET}/virtualnetworks/vnet-prod"


def _vm(name: str, prefix: str, asgs: tuple[str, ...] = (), nsgs: tuple[str, ...] = ()) -> dict[str, Any]:
    return {
        "id": f"vm/{name}",
        "prefix": prefix,
        "vnet": VNET,
        "peers": [],
        "subnet_nsgs": list(nsgs),
        "nic_nsgs": [],
        "asgs": [a.upper() for a in asgs],  # ids compared without case
    }


def _rule(name: str, priority: int, access: str, port: str, **sources: list[str]) -> dict[str, Any]:
    return {
        "nsg": NSG_DATA,
        "name": "nsg-data",
        "rule": {
            "id": f"{NSG_DATA}/securityrules/{name}",
            "name": name,
            "priority": priority,
            "access": access,
            "protocol": "Tcp" if port != "*" else "*",
            "destination_port_ranges": [port],
            "source_prefixes": sources.get("prefixes", []),
            "source_asgs": sources.get("asgs", []),
            "destination_asgs": sources.get("destinations", []),
        },
    }


VMS = [
    _vm("app-1", "10.0.2.0/24", asgs=(ASG_APP,)),
    _vm("app-2", "10.0.2.0/24"),  # same subnet, not in the group
    _vm("web-1", "10.0.1.0/24"),
    _vm("data-1", "10.0.3.0/24", asgs=(ASG_DB,), nsgs=(NSG_DATA,)),
    _vm("data-2", "10.0.3.0/24", nsgs=(NSG_DATA,)),
]
ASG_ALLOW = _rule("allow-sql-from-app-asg", 110, "Allow", "1433", asgs=[ASG_APP])
DENY_ALL = _rule("deny-all-inbound", 4096, "Deny", "*", prefixes=["*"])


def _pairs(edges: list[DerivedEdge]) -> set[tuple[str, str, str | None]]:
    return {(e.source, e.target, e.ports) for e in edges}


def test_a_source_group_names_the_vms_whose_nic_is_in_it_and_no_other() -> None:
    edges = azure_edges_from_rows(VMS, [ASG_ALLOW, DENY_ALL])
    assert _pairs(edges) == {
        ("vm/app-1", "vm/data-1", "tcp 1433"),
        ("vm/app-1", "vm/data-2", "tcp 1433"),
    }
    assert {e.via for e in edges} == {ASG_ALLOW["rule"]["id"]}
    assert all("application security group asg-app" in e.reason for e in edges)


def test_a_deny_of_lower_priority_number_wins_over_the_group_allow_and_a_later_one_does_not() -> None:
    before = _rule("deny-sql-from-app-subnet", 105, "Deny", "1433", prefixes=["10.0.2.0/24"])
    assert azure_edges_from_rows(VMS, [ASG_ALLOW, before, DENY_ALL]) == []
    after = _rule("deny-sql-from-app-subnet", 120, "Deny", "1433", prefixes=["10.0.2.0/24"])
    assert ("vm/app-1", "vm/data-1", "tcp 1433") in _pairs(azure_edges_from_rows(VMS, [ASG_ALLOW, after, DENY_ALL]))


def test_a_group_rule_does_not_open_the_port_to_a_non_member_a_prefix_rule_names() -> None:
    """app-2 is named by a later prefix allow; the group rule before it must not let it in sooner (a rule
    with source groups has no source prefix, so it matches only members)."""
    deny_app = _rule("deny-sql-from-app-subnet", 120, "Deny", "1433", prefixes=["10.0.2.0/24"])
    allow_app = _rule("allow-sql-from-app-subnet", 130, "Allow", "1433", prefixes=["10.0.2.0/24"])
    pairs = _pairs(azure_edges_from_rows(VMS, [ASG_ALLOW, deny_app, allow_app, DENY_ALL]))
    assert {p[0] for p in pairs} == {"vm/app-1"}


def test_a_destination_group_limits_the_rule_to_the_vms_whose_nic_is_in_it() -> None:
    to_db = _rule("allow-sql-app-to-db", 110, "Allow", "1433", asgs=[ASG_APP], destinations=[ASG_DB])
    assert _pairs(azure_edges_from_rows(VMS, [to_db, DENY_ALL])) == {("vm/app-1", "vm/data-1", "tcp 1433")}


ACCOUNT = "{}@prod.iam.gserviceaccount.com"


def _instance(name: str, ip: str, account: str, tags: tuple[str, ...] = ()) -> dict[str, Any]:
    return {
        "id": f"i/{name}",
        "tags": list(tags),
        "ip": ip,
        "net": "net/prod-vpc",
        "accounts": [ACCOUNT.format(account)],
    }


def _firewall(
    name: str, priority: int, action: str, rules: list[str], targets: list[str], **fields: Any
) -> dict[str, Any]:
    fw = {"id": f"fw/{name}", "name": name, "priority": priority, "action": action, "rules": rules}
    fw |= {k: [ACCOUNT.format(a) for a in v] if k.endswith("accounts") else v for k, v in fields.items()}
    return {"fw": fw, "targets": [f"i/{t}" for t in targets]}


INSTANCES = [
    _instance("api-1", "10.10.0.21", "api-sa"),
    _instance("web-1", "10.10.0.11", "web-sa", tags=("web",)),
    _instance("db-1", "10.10.0.31", "db-sa"),
    _instance("cache-1", "10.10.0.41", "cache-sa"),
]
SA_ALLOW = _firewall(
    "allow-api-sa-to-db",
    1000,
    "allow",
    ["tcp:5432"],
    ["db-1", "cache-1"],
    source_service_accounts=["api-sa"],
    target_service_accounts=["db-sa"],
)


def test_source_service_accounts_name_the_instances_running_as_them() -> None:
    edges = gcp_edges_from_rows(INSTANCES, [SA_ALLOW])
    assert _pairs(edges) == {("i/api-1", "i/db-1", "tcp 5432")}
    assert "service account api-sa@prod.iam.gserviceaccount.com" in edges[0].reason


def test_target_service_accounts_limit_the_rule_to_the_instances_running_as_them() -> None:
    """cache-1 is listed as a target but runs as another account: the rule does not apply to it."""
    assert all(e.target != "i/cache-1" for e in gcp_edges_from_rows(INSTANCES, [SA_ALLOW]))


def test_a_deny_firewall_on_the_target_account_wins_by_priority_and_one_on_another_account_does_not() -> None:
    deny = _firewall(
        "deny-api-sa",
        900,
        "deny",
        ["tcp:5432"],
        ["db-1"],
        source_service_accounts=["api-sa"],
        target_service_accounts=["db-sa"],
    )
    assert gcp_edges_from_rows(INSTANCES, [SA_ALLOW, deny]) == []
    elsewhere = _firewall(
        "deny-api-sa-cache",
        900,
        "deny",
        ["tcp:5432"],
        ["db-1"],
        source_service_accounts=["api-sa"],
        target_service_accounts=["cache-sa"],
    )
    assert _pairs(gcp_edges_from_rows(INSTANCES, [SA_ALLOW, elsewhere])) == {("i/api-1", "i/db-1", "tcp 5432")}
    later = _firewall("deny-later", 1100, "deny", ["tcp:5432"], ["db-1"], source_service_accounts=["api-sa"])
    assert _pairs(gcp_edges_from_rows(INSTANCES, [SA_ALLOW, later])) == {("i/api-1", "i/db-1", "tcp 5432")}
