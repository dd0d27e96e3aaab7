"""Derived relationships: edges no single unit can see, found by matching properties across services.

A Route53 alias names a load balancer by DNS name, a CloudFront origin names one by domain, an A record
names an Elastic IP by address, a load balancer's network interface names it in its description, and an
IAM policy statement names the resources it grants by ARN patterns (``*`` and ``?`` wildcards; an S3
object pattern such as ``arn:aws:s3:::bucket/*`` grants on that bucket). Each :class:`LinkRule` declares
its relationship type (marked ``derived``, so unit cleanup leaves it alone) and a Cypher pattern that
binds ``a`` (the source, already limited to one account) and ``b`` (the target).
``graph.links.apply_links`` runs every rule after all units of a sync, MERGEs the edges with the sync's
stamps and removes the stale ones.
"""

from __future__ import annotations

from dataclasses import dataclass

from graph.schema.model import Property, RelType

# Cypher: an IAM ARN pattern as an anchored regular expression. Regex metacharacters ARNs may hold are
# escaped first, then * -> .* and ? -> . ; an S3 object pattern (bucket/key) is cut to its bucket.
_S3_BUCKET = "CASE WHEN p STARTS WITH 'arn:aws:s3:::' AND p CONTAINS '/' THEN split(p, '/')[0] ELSE p END"
_GLOB_STEPS = (
    ("\\", "\\\\"),
    (".", "\\."),
    ("+", "\\+"),
    ("$", "\\$"),
    ("(", "\\("),
    (")", "\\)"),
    ("*", ".*"),
    ("?", "."),
)


def _literal(text: str) -> str:
    """``text`` as a Cypher string literal."""
    return "'" + text.replace("\\", "\\\\").replace("'", "\\'") + "'"


def _glob(expr: str) -> str:
    for old, new in _GLOB_STEPS:
        expr = f"replace({expr}, {_literal(old)}, {_literal(new)})"
    return f"'^' + {expr} + '$'"


# Labels an IAM statement is resolved against (resources a policy grants actions on, by ARN).
GRANT_TARGETS = (
    "S3Bucket",
    "DynamoDBTable",
    "SQSQueue",
    "SNSTopic",
    "KMSKey",
    "SecretsManagerSecret",
    "LambdaFunction",
    "RDSInstance",
    "RDSCluster",
    "ECRRepository",
    "IAMRole",
)


def _grant_rule(target: str) -> LinkRule:
    return LinkRule(
        RelType(
            "ALLOWS_ACCESS_TO",
            "IAMPolicyStatement",
            target,
            "An Allow statement's Resource patterns match this resource's ARN (actions on the edge).",
            (Property("actions", "string[]", "The statement's actions (may hold wildcards, e.g. s3:Get*)."),),
            derived=True,
        ),
        "WHERE a.effect = 'Allow' "
        f"UNWIND [p IN coalesce(a.resources, []) | {_S3_BUCKET}] AS bucketed "
        f"WITH DISTINCT a, {_glob('bucketed')} AS pattern "
        f"MATCH (b:{target} {{account: $account}}) WHERE b.id =~ pattern",
        "r.actions = a.actions",
    )


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
    set: str = ""  # extra SET assignments on the relationship ``r`` (e.g. "r.actions = a.actions")


LINK_RULES: tuple[LinkRule, ...] = (
    LinkRule(
        RelType(
            "ROUTES_TO",
            "Route53Record",
            "LoadBalancer",
            "The alias record resolves to this load balancer (matched by DNS name).",
            derived=True,
        ),
        f"WHERE a.alias_target_dns IS NOT NULL "
        f"MATCH (b:LoadBalancer {{account: $account}}) WHERE toLower(b.dns_name) = {_norm('a.alias_target_dns')}",
    ),
    LinkRule(
        RelType(
            "ORIGIN",
            "CloudFrontDistribution",
            "LoadBalancer",
            "The distribution fetches from this load balancer (matched by origin domain).",
            derived=True,
        ),
        f"UNWIND coalesce(a.origins, []) AS origin "
        f"MATCH (b:LoadBalancer {{account: $account}}) WHERE toLower(b.dns_name) = {_norm('origin')}",
    ),
    LinkRule(
        RelType(
            "RESOLVES_TO",
            "Route53Record",
            "ElasticIP",
            "The A record's value is this Elastic IP's address.",
            derived=True,
        ),
        "WHERE a.record_type = 'A' UNWIND coalesce(a.`values`, []) AS address "
        "MATCH (b:ElasticIP {account: $account, public_ip: address})",
    ),
    LinkRule(
        RelType(
            "ATTACHED_TO",
            "NetworkInterface",
            "LoadBalancer",
            "The interface is this load balancer's node in its subnet (its description reads 'ELB <name>').",
            derived=True,
        ),
        "WHERE a.description STARTS WITH 'ELB ' "
        "MATCH (b:LoadBalancer {account: $account}) "
        "WHERE last(split(b.id, ':loadbalancer/')) = substring(a.description, 4)",  # ENDS WITH trips a range index
    ),
    *(_grant_rule(target) for target in GRANT_TARGETS),
)

NODES: tuple[()] = ()
RELATIONSHIPS: tuple[RelType, ...] = tuple(rule.rel for rule in LINK_RULES)
