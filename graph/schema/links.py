"""Derived relationships: edges no single unit can see, found by matching properties across services.

A Route53 alias names a load balancer by DNS name, a CloudFront origin names one by domain, an A record
names an Elastic IP by address, a load balancer's network interface names it in its description, and an
IAM policy statement names the resources it grants by ARN patterns (``*`` and ``?`` wildcards; an S3
object pattern such as ``arn:aws:s3:::bucket/*`` grants on that bucket), reaching a kind only through
actions of the services the kind declares (``NodeKind.iam_prefixes``: ``logs:*`` on ``*`` reaches no
bucket). Each :class:`LinkRule` declares its relationship type (marked ``derived``, so unit cleanup
leaves it alone) and a Cypher pattern that binds ``a`` (the source, already limited to one account) and
``b`` (the target). ``graph.links.apply_links`` runs every rule after all units of a sync, MERGEs the
edges with the sync's stamps and removes the stale ones.
"""

from __future__ import annotations

from dataclasses import dataclass

from graph.schema import aws_compute, aws_data, aws_events, aws_identity
from graph.schema.model import NodeKind, Property, RelType

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


# Kinds an IAM statement is resolved against: those that declare the action prefixes acting on them.
GRANT_KINDS: tuple[NodeKind, ...] = tuple(
    kind for module in (aws_compute, aws_data, aws_events, aws_identity) for kind in module.NODES if kind.iam_prefixes
)
GRANT_TARGETS = tuple(kind.label for kind in GRANT_KINDS)


def _applies(pattern: str, prefixes: tuple[str, ...]) -> str:
    """Cypher: the action ``pattern`` (``*``, ``s3:Get*``, ``*:Get*``) acts on a service among ``prefixes``."""
    service = f"toLower(split({pattern}, ':')[0])"
    listed = "[" + ", ".join(_literal(p) for p in prefixes) + "]"
    return f"any(svc IN {listed} WHERE svc =~ {_glob(service)})"


def _not_action_leaves(prefixes: tuple[str, ...]) -> str:
    """Cypher: a NotAction statement still allows some action of ``prefixes`` (no ``*`` or ``svc:*`` excludes all)."""
    listed = "[" + ", ".join(_literal(p) for p in prefixes) + "]"
    return f"NOT all(svc IN {listed} WHERE any(n IN a.not_actions WHERE n = '*' OR toLower(n) = svc + ':*'))"


def _grant_rule(kind: NodeKind) -> LinkRule:
    prefixes = kind.iam_prefixes
    return LinkRule(
        RelType(
            "ALLOWS_ACCESS_TO",
            "IAMPolicyStatement",
            kind.label,
            "An Allow statement's Resource patterns match this resource's ARN and some of its actions act on this "
            f"kind ({', '.join(prefixes)}); the actions and the condition are on the edge.",
            (
                Property(
                    "actions",
                    "string[]",
                    "The statement's actions that act on this kind (may hold wildcards, e.g. s3:Get*).",
                ),
                Property("not_actions", "string[]", "The statement's NotAction patterns, when it allows by NotAction."),
                Property("condition", "string", "The statement's Condition block as JSON: the grant holds only then."),
                Property("has_condition", "bool", "Whether the grant is conditional."),
            ),
            derived=True,
        ),
        "WHERE a.effect = 'Allow' "
        f"WITH a, [x IN coalesce(a.actions, []) WHERE {_applies('x', prefixes)}] AS acting "
        "WHERE size(acting) > 0 "
        f"OR (a.actions IS NULL AND a.not_actions IS NOT NULL AND {_not_action_leaves(prefixes)}) "
        f"UNWIND [p IN coalesce(a.resources, []) | {_S3_BUCKET}] AS bucketed "
        f"WITH DISTINCT a, acting, {_glob('bucketed')} AS pattern "
        f"MATCH (b:{kind.label} {{account: $account}}) WHERE b.id =~ pattern",
        "r.actions = CASE WHEN size(acting) > 0 THEN acting END, r.not_actions = a.not_actions, "
        "r.condition = a.condition, r.has_condition = coalesce(a.has_condition, false)",
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
    *(_grant_rule(kind) for kind in GRANT_KINDS),
)

NODES: tuple[()] = ()
RELATIONSHIPS: tuple[RelType, ...] = tuple(rule.rel for rule in LINK_RULES)
