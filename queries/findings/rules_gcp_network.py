"""GCP network rules: VPC firewall rules that admit the internet to admin and database ports."""

from __future__ import annotations

from queries.findings.model import Rule, Severity


def rule_covers(var: str, port: str) -> str:
    """Cypher: one of the firewall ``var``'s protocol:port entries ('tcp:22', 'tcp:20-30', 'tcp', 'all')
    admits TCP ``port`` (a parameter)."""
    tail = "substring(x, 4)"
    return (
        f"any(x IN coalesce({var}.rules, []) WHERE x IN ['all', 'tcp'] OR (x STARTS WITH 'tcp:' AND "
        f"({tail} = toString({port}) OR ({tail} CONTAINS '-' AND toInteger(split({tail}, '-')[0]) <= {port} "
        f"AND toInteger(split({tail}, '-')[1]) >= {port}))))"
    )


def all_ports(var: str) -> str:
    return f"any(x IN coalesce({var}.rules, []) WHERE x IN ['all', 'tcp', 'tcp:0-65535', 'tcp:1-65535'])"


_FW = "{firewall: f.name, project: f.account}"


def _fw_rule(slug: str, port: int, service: str, severity: Severity, benchmarks: tuple[str, ...]) -> Rule:
    return Rule(
        id=f"gcp-firewall-{slug}-open",
        title=f"Firewall rule allows {service} (port {port}) from the internet",
        severity=severity,
        provider="gcp",
        kinds=("GCPFirewall",),
        benchmarks=benchmarks,
        cypher=(
            "MATCH (f:GCPFirewall {open_to_internet: true}) "
            f"WHERE {rule_covers('f', '$port')} AND NOT {all_ports('f')} "
            f"RETURN f.id AS resource_id, {_FW} AS fields"
        ),
        description=(
            f"An enabled ingress allow rule admits 0.0.0.0/0 (or ::/0) to port {port} ({service}) on the "
            "instances it targets."
        ),
        remediation=(
            f"Restrict the rule's source ranges; for {service} use Identity-Aware Proxy TCP forwarding "
            "(35.235.240.0/20) instead of the internet."
        ),
        command="gcloud compute firewall-rules update {firewall} --project {project} --source-ranges=35.235.240.0/20",
        params=(("port", port),),
    )


_NET = ("NIST SP 800-53 SC-7",)

FIREWALL_PORT_RULES: tuple[Rule, ...] = (
    _fw_rule("ssh", 22, "SSH", "high", ("CIS GCP 3.6",)),
    _fw_rule("rdp", 3389, "RDP", "high", ("CIS GCP 3.7",)),
    _fw_rule("mysql", 3306, "MySQL", "high", _NET),
    _fw_rule("postgres", 5432, "PostgreSQL", "high", _NET),
    _fw_rule("mssql", 1433, "SQL Server", "high", _NET),
    _fw_rule("redis", 6379, "Redis", "high", _NET),
    _fw_rule("mongodb", 27017, "MongoDB", "high", _NET),
)

FIREWALL_ALL_OPEN = Rule(
    id="gcp-firewall-all-open",
    title="Firewall rule allows every port from the internet",
    severity="critical",
    provider="gcp",
    kinds=("GCPFirewall",),
    benchmarks=("CIS GCP 3.6", "CIS GCP 3.7"),
    cypher=(
        f"MATCH (f:GCPFirewall {{open_to_internet: true}}) WHERE {all_ports('f')} "
        f"RETURN f.id AS resource_id, {_FW} AS fields"
    ),
    description="An enabled ingress rule admits the internet to every TCP port (or every protocol).",
    remediation="Delete the rule and allow only the ports and sources the workload needs.",
    command="gcloud compute firewall-rules delete {firewall} --project {project} --quiet",
)

RULES: tuple[Rule, ...] = (*FIREWALL_PORT_RULES, FIREWALL_ALL_OPEN)
