"""Event feeds (``CONSUMES``) and data reads (``READS``) from the edges discovery stored.

Feeds: an event source mapping reads a queue, stream or topic and invokes a function; an SNS subscription
delivers a topic to a queue or function; an S3 bucket notifies a function, queue or topic. Reads: a
workload runs as an identity (an instance profile's role, a function's or task's role, a GCP service
account) and a grant that names the store gives that identity access: an IAM Allow statement one of whose
resource patterns names the store without wildcards (``arn:aws:s3:::b/*`` names bucket ``b``), a GCP role
binding on the store itself, a service role (``roles/cloudsql.*``, ``roles/storage.*``) on its project, or
an Azure role assignment of the workload's managed identity scoped to the store.
A statement on ``*`` or a project-wide basic role (viewer, editor, owner) is a permission, not a use.
"""

from __future__ import annotations

from graph.neo4j.client import Graph
from graph.schema.dependency_edges import CONSUMES, EVENT_FLOWS, READ_TARGETS, READERS, READS
from queries.derived.model import DerivedEdge

__all__ = ["PROJECT_ROLES", "event_edges", "names_resource", "read_edges"]

_FLOW_PAIRS = [list(p) for p in EVENT_FLOWS]
_EVENTS = """
MATCH (esm:LambdaEventSourceMapping)-[:READS_FROM]->(src:Resource), (esm)-[:INVOKES]->(fn:LambdaFunction)
RETURN fn.id AS consumer, fn.kind AS ck, src.id AS producer, src.kind AS pk, esm.id AS via,
       'event source mapping ' + esm.name + ' reads ' + src.name + ' and invokes ' + fn.name AS reason
UNION ALL
MATCH (sub:SNSSubscription)-[:SUBSCRIBES_TO]->(topic:SNSTopic), (sub)-[:DELIVERS_TO]->(c:Resource)
RETURN c.id AS consumer, c.kind AS ck, topic.id AS producer, topic.kind AS pk, sub.id AS via,
       'subscription ' + sub.name + ' delivers topic ' + topic.name + ' to ' + c.name AS reason
UNION ALL
MATCH (b:S3Bucket)-[:NOTIFIES]->(c:Resource)
RETURN c.id AS consumer, c.kind AS ck, b.id AS producer, b.kind AS pk, b.id AS via,
       'bucket ' + b.name + ' notifies ' + c.name + ' of its object events' AS reason
"""

_AWS_READS = """
MATCH (w:Resource) WHERE w.provider = 'aws' AND w.kind IN $readers
MATCH (w)-[:USES_INSTANCE_PROFILE|CONTAINS_ROLE|USES_ROLE|USES_TASK_DEFINITION*1..2]->(role:IAMRole)
MATCH (role)-[:HAS_POLICY]->(p:IAMPolicy)-[:HAS_STATEMENT]->(st:IAMPolicyStatement)-[:ALLOWS_ACCESS_TO]->(res:Resource)
WHERE res.kind IN $targets AND st.effect = 'Allow'
RETURN DISTINCT w.id AS reader, res.id AS store, st.id AS via, st.resources AS patterns, st.actions AS actions,
       role.name AS role, p.name AS policy
"""
_GCP_READS = """
MATCH (w:Resource)-[:RUNS_AS]->(sa:GCPServiceAccount)-[h:HAS_ROLE]->(res:Resource)
WHERE w.kind IN $readers
RETURN w.id AS reader, sa.name AS sa, sa.id AS sa_id, h.roles AS roles, res.id AS res, res.kind AS kind,
       res.account AS project
"""
_AZURE_READS = """
MATCH (w:Resource) WHERE w.kind IN $readers AND w.identity_principal_id IS NOT NULL
MATCH (ra:AzureRoleAssignment {principal_id: w.identity_principal_id})-[:GRANTS_ACCESS_TO]->(res:Resource)
WHERE res.kind IN $targets
RETURN w.id AS reader, res.id AS store, ra.id AS via, ra.role_name AS role
"""
_BY_PROJECT = "MATCH (s:Resource) WHERE s.kind IN $kinds RETURN s.id AS id, s.kind AS kind, s.account AS project"

# A service role on a project reaches that service's stores in the project.
PROJECT_ROLES: tuple[tuple[str, str], ...] = (
    ("roles/cloudsql.", "GCPCloudSQLInstance"),
    ("roles/storage.", "GCPStorageBucket"),
)


def event_edges(graph: Graph) -> list[DerivedEdge]:
    allowed = {tuple(p) for p in _FLOW_PAIRS}
    return [
        DerivedEdge(CONSUMES, str(r["consumer"]), str(r["producer"]), str(r["via"]), str(r["reason"]))
        for r in graph.read(_EVENTS)
        if (r["ck"], r["pk"]) in allowed
    ]


def names_resource(pattern: str, resource_id: str) -> bool:
    """Whether an IAM resource pattern names this resource without wildcards (an S3 object pattern names its
    bucket)."""
    text = pattern
    if text.startswith("arn:aws:s3:::") and "/" in text:
        text = text.split("/", 1)[0]
    return "*" not in text and "?" not in text and text == resource_id


def read_edges(graph: Graph) -> list[DerivedEdge]:
    edges: list[DerivedEdge] = []
    rows = graph.read(_AWS_READS, {"readers": list(READERS["aws"]), "targets": list(READ_TARGETS["aws"])})
    for r in rows:
        patterns = [str(p) for p in r["patterns"] or ()]
        if not any(names_resource(p, str(r["store"])) for p in patterns):
            continue
        edges.append(
            DerivedEdge(
                READS,
                str(r["reader"]),
                str(r["store"]),
                str(r["via"]),
                f"runs as role {r['role']}; policy {r['policy']} allows {', '.join(r['actions'] or ())} on it",
                actions=tuple(str(a) for a in r["actions"] or ()),
            )
        )
    for r in graph.read(_AZURE_READS, {"readers": list(READERS["azure"]), "targets": list(READ_TARGETS["azure"])}):
        edges.append(
            DerivedEdge(
                READS,
                str(r["reader"]),
                str(r["store"]),
                str(r["via"]),
                f"its managed identity holds {r['role']} on it (role assignment scoped to it)",
                actions=(str(r["role"]),),
            )
        )
    stores: dict[str, list[tuple[str, str]]] = {}
    for s in graph.read(_BY_PROJECT, {"kinds": [k for _, k in PROJECT_ROLES]}):
        stores.setdefault(str(s["project"]), []).append((str(s["id"]), str(s["kind"])))
    for r in graph.read(_GCP_READS, {"readers": list(READERS["gcp"])}):
        roles = tuple(str(x) for x in r["roles"] or ())
        if r["kind"] in READ_TARGETS["gcp"]:
            edges.append(
                DerivedEdge(
                    READS,
                    str(r["reader"]),
                    str(r["res"]),
                    f"{r['sa_id']}|{r['res']}",
                    f"runs as {r['sa']}, which holds {', '.join(roles)} on it",
                    actions=roles,
                )
            )
        elif r["kind"] == "GCPProject":
            for prefix, kind in PROJECT_ROLES:
                granted = tuple(role for role in roles if role.startswith(prefix))
                if not granted:
                    continue
                for store, store_kind in stores.get(str(r["project"]), ()):
                    if store_kind == kind:
                        edges.append(
                            DerivedEdge(
                                READS,
                                str(r["reader"]),
                                store,
                                f"{r['sa_id']}|{r['res']}",
                                f"runs as {r['sa']}, which holds {', '.join(granted)} on project {r['project']}",
                                actions=granted,
                            )
                        )
    return edges
