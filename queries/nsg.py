"""Azure network security group rules: which rules apply to a NIC and which sources they name (pure functions).

One reading of a stored ``AzureSecurityRule`` (its ``source_prefixes``, ``source_asgs``, ``destination_asgs``,
``destination_port_ranges``, ``priority``, ``access``, ``protocol``), shared by the internet exposure walk and
the derived VM-to-VM reach. Azure semantics: a rule with destination application security groups applies only
to a NIC that is a member of one of them (``AzureNetworkInterface.application_security_groups``); a rule with
source groups names the NICs in them as its source, never the internet. Rules that apply are evaluated by
priority, lower number first, the first match deciding (``queries.ports.evaluate``).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from queries.ports import Ranges, Rule, is_internet, port_spec, protocol_name

__all__ = ["applies_to", "asg_ids", "from_internet", "nsg_rule", "rule_ports"]


def asg_ids(values: Iterable[object] | None) -> frozenset[str]:
    """Application security group ids compared as Azure compares them: case-insensitively."""
    return frozenset(str(v).lower() for v in values or ())


def applies_to(rule: Mapping[str, Any], nic_asgs: frozenset[str]) -> bool:
    """Whether the rule's destination includes a NIC in the groups ``nic_asgs`` (lower-case ids): a rule
    without destination groups applies to every NIC behind the NSG, one with them only to their members."""
    groups = asg_ids(rule.get("destination_asgs"))
    return not groups or bool(groups & nic_asgs)


def from_internet(rule: Mapping[str, Any]) -> bool:
    """Whether the rule's source includes the internet: an address prefix such as Internet, * or 0.0.0.0/0.
    A rule whose source is application security groups names only their members' NICs."""
    if rule.get("source_asgs"):
        return False
    return any(is_internet(str(s)) for s in rule.get("source_prefixes") or ())


def rule_ports(rule: Mapping[str, Any]) -> Ranges:
    """The destination ports of the rule (every port when none is recorded)."""
    return tuple(p for spec in rule.get("destination_port_ranges") or ("*",) for p in port_spec(str(spec)))


def nsg_rule(rule: Mapping[str, Any]) -> Rule:
    """The rule in priority order for ``queries.ports.evaluate``."""
    return Rule(
        (int(rule["priority"]), 0),
        rule["access"] == "Allow",
        protocol_name(rule["protocol"]),
        rule_ports(rule),
        str(rule["id"]),
    )
