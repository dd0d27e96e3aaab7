"""Configuration references (``CONFIGURED_TO_USE``) from what the function and task definition transforms kept.

Discovery keeps, for each environment variable or injected secret whose value names a resource,
``NAME=reference`` on the workload (``ingest.providers.aws.config_refs``; the value itself is never
stored). Here each reference is resolved to the resource the graph holds: by id (an ARN, a queue ARN from
its URL, a bucket or table ARN from its name), a Secrets Manager secret also by its partial ARN (without
the six-character suffix AWS appends), an RDS endpoint by the instance's or cluster's endpoint host name.
A reference to nothing the graph holds (another account, a resource of a kind not discovered) gives no edge.
"""

from __future__ import annotations

from collections.abc import Iterable

from graph.neo4j.client import Graph
from graph.schema.dependency_edges import CONFIG_CONSUMERS, CONFIG_TARGETS, CONFIGURED_TO_USE, RDS_ENDPOINT_REF
from queries.derived.model import DerivedEdge

__all__ = ["INPUT_KINDS", "config_edges", "parse_references", "resolve_references"]

# The node kinds these edges are computed from: the configured workloads and what they may name.
INPUT_KINDS: tuple[str, ...] = tuple(dict.fromkeys((*CONFIG_CONSUMERS, *CONFIG_TARGETS)))

_CONSUMERS = """
MATCH (w:Resource) WHERE w.kind IN $consumers AND w.config_references IS NOT NULL
RETURN w.id AS id, w.name AS name, w.config_references AS refs
"""
_BY_ID = "MATCH (n:Resource) WHERE n.id IN $ids AND n.kind IN $kinds RETURN n.id AS key, n.id AS id, n.name AS name"
_SECRETS = """
UNWIND $refs AS ref
MATCH (s:SecretsManagerSecret) WHERE s.id STARTS WITH ref + '-' AND size(s.id) = size(ref) + 7
RETURN ref AS key, s.id AS id, s.name AS name
"""
_ENDPOINTS = """
UNWIND $hosts AS host
MATCH (d:Resource) WHERE d.kind IN ['RDSInstance', 'RDSCluster']
  AND host IN [toLower(d.endpoint_address), toLower(d.endpoint), toLower(d.reader_endpoint)]
RETURN $prefix + host AS key, d.id AS id, d.name AS name
"""


def parse_references(values: Iterable[object]) -> list[tuple[str, str]]:
    """(variable name, reference) from the stored ``NAME=reference`` strings; malformed ones are skipped."""
    out = []
    for value in values:
        name, sep, ref = str(value).partition("=")
        if sep and name and ref:
            out.append((name, ref))
    return out


def resolve_references(graph: Graph, refs: set[str]) -> dict[str, tuple[str, str]]:
    """reference -> (node id, node name) for every reference the graph holds a resource for."""
    hosts = sorted(r.removeprefix(RDS_ENDPOINT_REF) for r in refs if r.startswith(RDS_ENDPOINT_REF))
    ids = sorted(r for r in refs if not r.startswith(RDS_ENDPOINT_REF))
    secrets = [r for r in ids if ":secretsmanager:" in r]
    found: dict[str, tuple[str, str]] = {}
    rows = [
        *graph.read(_BY_ID, {"ids": ids, "kinds": list(CONFIG_TARGETS)}),
        *(graph.read(_SECRETS, {"refs": secrets}) if secrets else ()),
        *(graph.read(_ENDPOINTS, {"hosts": hosts, "prefix": RDS_ENDPOINT_REF}) if hosts else ()),
    ]
    for row in rows:
        found.setdefault(str(row["key"]), (str(row["id"]), str(row["name"])))
    return found


def config_edges(graph: Graph) -> list[DerivedEdge]:
    consumers = [
        (str(r["id"]), str(r["name"]), parse_references(r["refs"] or ()))
        for r in graph.read(_CONSUMERS, {"consumers": list(CONFIG_CONSUMERS)})
    ]
    resolved = resolve_references(graph, {ref for _, _, pairs in consumers for _, ref in pairs})
    edges = []
    for source, name, pairs in consumers:
        for variable, ref in pairs:
            if ref not in resolved:
                continue
            target, target_name = resolved[ref]
            if target == source:
                continue
            edges.append(
                DerivedEdge(
                    CONFIGURED_TO_USE,
                    source,
                    target,
                    f"{source}|{variable}",
                    f"{name}'s configuration variable {variable} names {target_name}",
                    variable=variable,
                )
            )
    return edges
