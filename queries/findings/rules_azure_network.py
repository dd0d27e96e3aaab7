"""Azure network rules: network security group rules that admit the internet to admin and database ports."""

from __future__ import annotations

from queries.findings.model import Rule, Severity

INTERNET = ("*", "internet", "any", "0.0.0.0/0", "::/0")


def port_match(var: str, port: str) -> str:
    """Cypher: one of ``var``'s destination port ranges ('22', '20-30', '*') covers ``port`` (a parameter)."""
    return (
        f"any(pr IN coalesce({var}.destination_port_ranges, []) WHERE pr = '*' OR pr = toString({port}) "
        f"OR (pr CONTAINS '-' AND toInteger(split(pr, '-')[0]) <= {port} "
        f"AND toInteger(split(pr, '-')[1]) >= {port}))"
    )


def _all_ports(var: str) -> str:
    return f"any(pr IN coalesce({var}.destination_port_ranges, []) WHERE pr IN ['*', '0-65535', '1-65535'])"


_DELETE_RULES = (
    "reduce(s = '', x IN rules | s + CASE WHEN s = '' THEN '' ELSE ' && ' END + 'az network nsg rule delete "
    "--subscription ' + g.account + ' --resource-group ' + g.resource_group + ' --nsg-name ' + g.name "
    "+ ' --name ' + x.name)"
)
SHADOWING_DENY = (
    "NOT EXISTS {{ MATCH (g)-[:HAS_RULE]->(d:AzureSecurityRule {{access: 'Deny', direction: 'Inbound'}}) "
    "WHERE d.priority < r.priority AND toLower(coalesce(d.protocol, '*')) IN ['tcp', '*'] "
    "AND any(s IN coalesce(d.source_prefixes, []) WHERE toLower(s) IN $internet) AND {covers} }}"
)


def _nsg_port_rule(slug: str, port: int, service: str, severity: Severity, benchmarks: tuple[str, ...]) -> Rule:
    return Rule(
        id=f"azure-nsg-{slug}-open",
        title=f"Network security group allows {service} (port {port}) from the internet",
        severity=severity,
        provider="azure",
        kinds=("AzureNetworkSecurityGroup",),
        benchmarks=benchmarks,
        cypher=(
            "MATCH (g:AzureNetworkSecurityGroup)-[:HAS_RULE]->(r:AzureSecurityRule {open_to_internet: true}) "
            f"WHERE toLower(coalesce(r.protocol, '*')) IN ['tcp', '*'] AND {port_match('r', '$port')} "
            f"AND NOT {_all_ports('r')} AND {SHADOWING_DENY.format(covers=port_match('d', '$port'))} "
            "WITH g, collect(r) AS rules "
            f"RETURN g.id AS resource_id, {{command: {_DELETE_RULES}}} AS fields"
        ),
        description=(
            f"An inbound Allow rule admits the internet (*, Internet, 0.0.0.0/0) to port {port} ({service}) and no "
            "higher-priority Deny rule stops it: everything behind the NSG exposes the service to the world."
        ),
        remediation=(
            f"Delete the rule, or restrict its source to known ranges; use Azure Bastion or just-in-time access "
            f"for {service} instead of opening it."
        ),
        command="{command}",
        params=(("port", port), ("internet", INTERNET)),
    )


_ADMIN_SSH = ("CIS Azure 6.2",)
_ADMIN_RDP = ("CIS Azure 6.1",)
_NS1 = ("Microsoft cloud security benchmark NS-1",)

NSG_PORT_RULES: tuple[Rule, ...] = (
    _nsg_port_rule("ssh", 22, "SSH", "high", _ADMIN_SSH),
    _nsg_port_rule("rdp", 3389, "RDP", "high", _ADMIN_RDP),
    _nsg_port_rule("mssql", 1433, "SQL Server", "high", _NS1),
    _nsg_port_rule("mysql", 3306, "MySQL", "high", _NS1),
    _nsg_port_rule("postgres", 5432, "PostgreSQL", "high", _NS1),
    _nsg_port_rule("redis", 6379, "Redis", "high", _NS1),
    _nsg_port_rule("mongodb", 27017, "MongoDB", "high", _NS1),
)

NSG_ALL_OPEN = Rule(
    id="azure-nsg-all-open",
    title="Network security group allows every port from the internet",
    severity="critical",
    provider="azure",
    kinds=("AzureNetworkSecurityGroup",),
    benchmarks=(*_ADMIN_RDP, *_ADMIN_SSH),
    cypher=(
        "MATCH (g:AzureNetworkSecurityGroup)-[:HAS_RULE]->(r:AzureSecurityRule {open_to_internet: true}) "
        f"WHERE {_all_ports('r')} AND {SHADOWING_DENY.format(covers=_all_ports('d'))} "
        "WITH g, collect(r) AS rules "
        f"RETURN g.id AS resource_id, {{command: {_DELETE_RULES}}} AS fields"
    ),
    description="An inbound Allow rule admits the internet to every port.",
    remediation="Delete the rule and allow only the ports the workload serves.",
    command="{command}",
    params=(("internet", INTERNET),),
)

RULES: tuple[Rule, ...] = (*NSG_PORT_RULES, NSG_ALL_OPEN)
