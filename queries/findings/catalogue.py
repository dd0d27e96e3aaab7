"""The rule catalogue: every security rule, checked against the graph schema when this module is imported."""

from __future__ import annotations

from graph.schema import SCHEMA
from queries.findings import (
    rules_aws_data,
    rules_aws_identity,
    rules_aws_network,
    rules_azure,
    rules_azure_network,
    rules_gcp,
    rules_gcp_network,
    rules_paths,
)
from queries.findings.model import SEVERITIES, Rule, check_catalogue

CATALOGUE: tuple[Rule, ...] = (
    *rules_aws_network.RULES,
    *rules_aws_data.RULES,
    *rules_aws_identity.RULES,
    *rules_azure_network.RULES,
    *rules_azure.RULES,
    *rules_gcp_network.RULES,
    *rules_gcp.RULES,
    *rules_paths.RULES,
)

# A rule that names a label, relationship type or property the schema does not declare fails here.
check_catalogue(CATALOGUE, SCHEMA)

BY_ID: dict[str, Rule] = {rule.id: rule for rule in CATALOGUE}


def select(provider: str | None = None, severity: str | None = None) -> tuple[Rule, ...]:
    """Rules of a provider and/or severity, ordered by severity (critical first), then id."""
    rules = [r for r in CATALOGUE if (provider is None or r.provider == provider)]
    rules = [r for r in rules if severity is None or r.severity == severity]
    return tuple(sorted(rules, key=lambda r: (SEVERITIES.index(r.severity), r.id)))
