"""Effective AWS IAM access (``HAS_ACCESS_TO``) and its named share for workloads (``READS``).

Discovery resolves each Allow statement to the resources it grants (``ALLOWS_ACCESS_TO``, from
``graph.schema.links``: the statement's Resource patterns match the resource's ARN through actions that act
on its kind, so ``logs:*`` on ``*`` reaches no bucket). Here that is carried to who holds it: a role or user
holding the policy (a user also through its groups), and every workload running as a role (an instance
through its instance profile, a function or node group through its role, an ECS service through its task
definition's task role). One edge per holder, resource and statement, with the statement's actions on that
kind, its condition and whether it names the resource (no wildcard) or only matches it.

A workload whose role's statement names a data store uses that store: that share is ``READS``, which blast
radius follows. A wildcard grant is a permission, not a use. Deny statements and permission boundaries are
not subtracted: the edges say what the Allow statements grant.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from graph.neo4j.client import Graph
from graph.schema.dependency_edges import HAS_ACCESS_TO, READ_TARGETS, READERS, READS
from graph.schema.links import GRANT_TARGETS
from queries.derived.model import DerivedEdge
from queries.derived.names import names_resource

__all__ = ["INPUT_KINDS", "Grant", "access_edges", "aws_read_edges", "workload_edges"]

# The node kinds these edges are computed from (with the edges their units give them): a change to one of
# them is what can change the result.
INPUT_KINDS: tuple[str, ...] = tuple(
    dict.fromkeys(
        (
            "IAMRole",
            "IAMUser",
            "IAMGroup",
            "IAMPolicy",
            "IAMPolicyStatement",
            "IAMInstanceProfile",
            "ECSTaskDefinition",
            *READERS["aws"],
            *GRANT_TARGETS,
        )
    )
)

_GRANTS = """
MATCH (h:Resource) WHERE h.kind IN ['IAMRole', 'IAMUser']
MATCH (h)-[:MEMBER_OF*0..1]->(holder)-[:HAS_POLICY]->(p:IAMPolicy)-[:HAS_STATEMENT]->(st:IAMPolicyStatement)
      -[g:ALLOWS_ACCESS_TO]->(res:Resource)
RETURN h.id AS holder, h.kind AS holder_kind, h.name AS holder_name,
       CASE WHEN holder <> h THEN holder.name END AS group_name, p.name AS policy, st.id AS statement,
       st.resources AS patterns, g.actions AS actions, g.not_actions AS not_actions, g.condition AS condition,
       res.id AS res, res.kind AS kind, res.name AS res_name
"""
_RUNS_AS = """
MATCH (w:Resource) WHERE w.provider = 'aws' AND w.kind IN $workloads
MATCH (w)-[:USES_INSTANCE_PROFILE|CONTAINS_ROLE|USES_ROLE|USES_TASK_DEFINITION*1..2]->(role:IAMRole)
RETURN DISTINCT w.id AS workload, role.id AS role
"""


@dataclass(frozen=True)
class Grant:
    """One Allow statement of a policy an identity holds, resolved to one resource."""

    holder: str
    holder_name: str
    group: str | None  # the group the user holds the policy through
    policy: str
    statement: str
    resource: str
    kind: str
    resource_name: str
    actions: tuple[str, ...]
    condition: str | None
    named: bool


def _actions(row: Mapping[str, object]) -> tuple[str, ...]:
    acting = row["actions"]
    if isinstance(acting, list | tuple) and acting:
        return tuple(str(a) for a in acting)
    excluded = row["not_actions"]
    if isinstance(excluded, list | tuple) and excluded:
        return ("* except " + ", ".join(str(a) for a in excluded),)
    return ()


def _grants(graph: Graph) -> list[Grant]:
    out = []
    for r in graph.read(_GRANTS):
        patterns = r["patterns"] if isinstance(r["patterns"], list) else []
        resource = str(r["res"])
        out.append(
            Grant(
                str(r["holder"]),
                str(r["holder_name"]),
                str(r["group_name"]) if r["group_name"] else None,
                str(r["policy"]),
                str(r["statement"]),
                resource,
                str(r["kind"]),
                str(r["res_name"]),
                _actions(r),
                str(r["condition"]) if r["condition"] else None,
                any(names_resource(str(p), resource) for p in patterns),
            )
        )
    return out


def _why(grant: Grant) -> str:
    held = f"through group {grant.group}" if grant.group else "attached"
    scope = "names it" if grant.named else "matches it by wildcard"
    when = f" when {_condition_words(grant.condition)}" if grant.condition else ""
    return f"policy {grant.policy} ({held}) allows {', '.join(grant.actions)}; its statement {scope}{when}"


def _condition_words(condition: str) -> str:
    try:
        parsed = json.loads(condition)
    except ValueError:
        return "its condition holds"
    if not isinstance(parsed, dict):
        return "its condition holds"
    parts = [
        f"{op} {key}={value}" for op, tests in parsed.items() if isinstance(tests, dict) for key, value in tests.items()
    ]
    return " and ".join(parts) or "its condition holds"


def _identity_edge(grant: Grant) -> DerivedEdge:
    return DerivedEdge(
        HAS_ACCESS_TO,
        grant.holder,
        grant.resource,
        grant.statement,
        _why(grant),
        actions=grant.actions,
        condition=grant.condition,
        named=grant.named,
    )


def workload_edges(
    grants: Sequence[Grant], runs_as: Sequence[tuple[str, str]], store_kinds: frozenset[str]
) -> list[DerivedEdge]:
    """Each workload's access through the role it runs as, and the named grants on data stores as READS."""
    by_role: dict[str, list[Grant]] = {}
    for grant in grants:
        by_role.setdefault(grant.holder, []).append(grant)
    edges = []
    for workload, role in runs_as:
        for grant in by_role.get(role, ()):
            if grant.resource == workload:
                continue
            why = f"runs as role {grant.holder_name}; {_why(grant)}"
            edges.append(
                DerivedEdge(
                    HAS_ACCESS_TO,
                    workload,
                    grant.resource,
                    f"{role}|{grant.statement}",
                    why,
                    actions=grant.actions,
                    condition=grant.condition,
                    named=grant.named,
                )
            )
            if grant.named and grant.kind in store_kinds:
                reads = (
                    f"runs as role {grant.holder_name}; policy {grant.policy} allows {', '.join(grant.actions)} on it"
                )
                edges.append(
                    DerivedEdge(READS, workload, grant.resource, grant.statement, reads, actions=grant.actions)
                )
    return edges


def _workload_edges(graph: Graph, grants: Sequence[Grant]) -> list[DerivedEdge]:
    rows = graph.read(_RUNS_AS, {"workloads": list(READERS["aws"])})
    runs_as = [(str(r["workload"]), str(r["role"])) for r in rows]
    return workload_edges(grants, runs_as, frozenset(READ_TARGETS["aws"]))


def access_edges(graph: Graph) -> list[DerivedEdge]:
    """Every ``HAS_ACCESS_TO`` edge: of the roles and users, and of the workloads running as a role."""
    grants = _grants(graph)
    return [
        *(_identity_edge(g) for g in grants),
        *(e for e in _workload_edges(graph, grants) if e.type == HAS_ACCESS_TO),
    ]


def aws_read_edges(graph: Graph) -> list[DerivedEdge]:
    """The AWS ``READS`` edges: a workload's role holds a statement that names the data store."""
    return [e for e in _workload_edges(graph, _grants(graph)) if e.type == READS]
