"""Event feeds (``CONSUMES``) and data reads (``READS``) from the edges discovery stored.

Feeds: an event source mapping reads a queue, stream or topic and invokes a function; an SNS subscription
delivers a topic to a queue or function; an S3 bucket notifies a function, queue or topic; an enabled
EventBridge rule sends what it matches on its bus (or its schedule) to its targets, which consume the bus. Reads: a
workload runs as an identity (a GCP service account, an Azure managed identity) and a grant that names the
store gives that identity access (the AWS share, IAM statements naming the store, is derived with effective
access in ``queries.derived.access``): a GCP role
binding on the store itself, a service role (``roles/cloudsql.*``, ``roles/storage.*``) on its project, or
an Azure role assignment of the workload's managed identity scoped to the store.
A statement on ``*`` or a project-wide basic role (viewer, editor, owner) is a permission, not a use.
"""

from __future__ import annotations

from graph.neo4j.client import Graph
from graph.schema.dependency_edges import CONSUMES, EVENT_FLOWS, READ_TARGETS, READERS, READS
from queries.derived.access import aws_read_edges
from queries.derived.model import DerivedEdge

__all__ = ["EVENT_INPUT_KINDS", "PROJECT_ROLES", "event_edges", "read_edges"]

# The node kinds the event feeds are computed from: the connectors and every consumer and producer kind.
EVENT_INPUT_KINDS: tuple[str, ...] = (
    "LambdaEventSourceMapping",
    "SNSSubscription",
    "EventBridgeRule",
    *sorted({k for pair in EVENT_FLOWS for k in pair}),
)

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
UNION ALL
MATCH (rule:EventBridgeRule)-[:ON_BUS]->(bus:EventBridgeBus), (rule)-[:TRIGGERS]->(c:Resource)
WHERE coalesce(rule.enabled, true)
RETURN c.id AS consumer, c.kind AS ck, bus.id AS producer, bus.kind AS pk, rule.id AS via,
       'rule ' + rule.name + ' sends ' +
       CASE WHEN rule.schedule_expression IS NOT NULL THEN 'its schedule (' + rule.schedule_expression + ')'
            ELSE 'the events of bus ' + bus.name + ' it matches' END + ' to ' + c.name AS reason
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


def read_edges(graph: Graph) -> list[DerivedEdge]:
    """Every workload's reads: AWS ones from effective access (``queries.derived.access``), Azure, GCP."""
    edges: list[DerivedEdge] = aws_read_edges(graph)
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
