"""Security findings: what a rule found on a resource, and suppressions that silence findings for a while.

A ``Finding`` is keyed ``<rule id>:<resource id>``; it is never deleted by evaluation: a finding the
rules no longer return is marked ``resolved`` (and reopened if it comes back). The resource it is about
points at it with ``HAS_FINDING``; for path rules the finding ``AFFECTS`` every other resource on the path.
A ``Suppression`` matches findings by rule, resource and/or tag until it expires.
"""

from __future__ import annotations

from graph.schema import aws, aws_compute, aws_data, aws_edge, aws_identity, aws_network, azure, gcp, gcp_storage
from graph.schema.model import NodeKind, Property, RelType

P = Property

FINDING = NodeKind(
    label="Finding",
    provider="any",
    service="findings",
    description="A security finding: one rule's verdict on one resource (open, resolved or suppressed).",
    resource=False,
    properties=(
        P("id", "string", "Rule id + ':' + resource id.", indexed=True),
        P("rule_id", "string", "The rule that found it.", indexed=True),
        P("title", "string", "The rule's title."),
        P("severity", "string", "critical, high, medium, low or info.", indexed=True),
        P("provider", "string", "aws, azure or gcp.", indexed=True),
        P("resource_id", "string", "Id of the resource the finding is about.", indexed=True),
        P("resource_kind", "string", "Label of that resource."),
        P("resource_name", "string", "Display name of that resource."),
        P("resource_tags", "string[]", "Tags of that resource when last evaluated (suppressions by tag use them)."),
        P("account", "string", "Account, subscription or project of the resource."),
        P("region", "string", "Region of the resource."),
        P("status", "string", "open, resolved or suppressed.", indexed=True),
        P("first_seen", "datetime", "Evaluation that first returned it."),
        P("last_seen", "datetime", "Evaluation that last returned it."),
        P("resolved_at", "datetime", "When an evaluation no longer returned it (absent while open)."),
        P("reopened_count", "int", "How many times it came back after being resolved."),
        P("evaluation", "int", "Generation of the evaluation that last returned it."),
        P("suppressed_by", "string", "Id of the suppression that silences it, while suppressed."),
        P("path_ids", "string[]", "Path rules: ids of the nodes on the path, in order."),
        P("path_rels", "string[]", "Path rules: relationship types between consecutive path nodes."),
        P("remediation", "string", "What to do, in words."),
        P("command", "string", "The provider CLI command that fixes it, identifiers filled in (never run by us)."),
        P("benchmarks", "string[]", "Benchmark references, e.g. CIS AWS Foundations 5.2."),
    ),
)

SUPPRESSION = NodeKind(
    label="Suppression",
    provider="any",
    service="findings",
    description="Silences matching findings until it expires: by rule, resource and/or tag (all given must match).",
    resource=False,
    properties=(
        P("id", "string", "Suppression id.", indexed=True),
        P("rule_id", "string", "Only findings of this rule, when set."),
        P("resource_id", "string", "Only findings about this resource, when set."),
        P("tag", "string", "Only findings about resources tagged key=value, when set."),
        P("reason", "string", "Why the findings are accepted."),
        P("created_by", "string", "Who created it."),
        P("created_at", "datetime", "When it was created."),
        P("expires_at", "datetime", "When it stops applying.", indexed=True),
    ),
    hidden=True,
)

NODES = (FINDING, SUPPRESSION)

_AREAS = (aws, aws_network, aws_compute, aws_data, aws_identity, aws_edge, azure, gcp, gcp_storage)
_KINDS = tuple(kind for module in _AREAS for kind in module.NODES)

RELATIONSHIPS: tuple[RelType, ...] = (
    *(
        RelType("HAS_FINDING", kind.label, "Finding", "A rule found this on the resource.")
        for kind in _KINDS
        if kind.resource
    ),
    *(RelType("AFFECTS", "Finding", kind.label, "The finding's path runs through this node.") for kind in _KINDS),
)
