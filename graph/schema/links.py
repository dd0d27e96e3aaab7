"""Derived relationships: edges no single unit can see, found by matching properties across services.

A Route53 alias names a load balancer by DNS name, a CloudFront origin names one by domain, an A
record names an Elastic IP by address. Each :class:`LinkRule` declares its relationship type (marked
``derived``, so unit cleanup leaves it alone) and a Cypher pattern that binds ``a`` (the source,
already limited to one account) and ``b`` (the target). ``graph.links.apply_links`` runs every rule
after all units of a sync, MERGEs the edges with the sync's stamps and removes the stale ones.
"""

from __future__ import annotations

from dataclasses import dataclass

from graph.schema.model import RelType

# Cypher expression: a DNS name without a trailing dot or a "dualstack." prefix, lower-cased.
_NORM = "toLower(CASE WHEN {x} ENDS WITH '.' THEN left({x}, size({x}) - 1) ELSE {x} END)"


def _norm(expr: str) -> str:
    inner = _NORM.format(x=expr)
    return f"CASE WHEN {inner} STARTS WITH 'dualstack.' THEN substring({inner}, 10) ELSE {inner} END"


@dataclass(frozen=True)
class LinkRule:
    """``match`` binds ``a`` (the source label, filtered to ``$account`` by the runner) and ``b``."""

    rel: RelType
    match: str


LINK_RULES: tuple[LinkRule, ...] = (
    LinkRule(
        RelType("ROUTES_TO", "Route53Record", "LoadBalancer",
                "The alias record resolves to this load balancer (matched by DNS name).", derived=True),
        f"WHERE a.alias_target_dns IS NOT NULL "
        f"MATCH (b:LoadBalancer {{account: $account}}) WHERE toLower(b.dns_name) = {_norm('a.alias_target_dns')}",
    ),
    LinkRule(
        RelType("ORIGIN", "CloudFrontDistribution", "LoadBalancer",
                "The distribution fetches from this load balancer (matched by origin domain).", derived=True),
        f"UNWIND coalesce(a.origins, []) AS origin "
        f"MATCH (b:LoadBalancer {{account: $account}}) WHERE toLower(b.dns_name) = {_norm('origin')}",
    ),
    LinkRule(
        RelType("RESOLVES_TO", "Route53Record", "ElasticIP",
                "The A record's value is this Elastic IP's address.", derived=True),
        "WHERE a.record_type = 'A' UNWIND coalesce(a.`values`, []) AS address "
        "MATCH (b:ElasticIP {account: $account, public_ip: address})",
    ),
)  # fmt: skip

NODES: tuple[()] = ()
RELATIONSHIPS: tuple[RelType, ...] = tuple(rule.rel for rule in LINK_RULES)
