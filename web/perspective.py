"""The Neo4j Bloom perspective (``web/bloom/ai-discover.json``), generated from the schema declaration.

One category per resource kind (caption ``name``, a colour per provider shaded by service, an icon
per service family), every relationship type, and search phrases (``templates``) whose Cypher is
generated from the same tables the API's analysis uses: blast radius follows the declared
dependency meanings (``graph.schema.dependencies``), exposure follows the declared access
directions from the declared internet entry points. ``python -m app.docs`` (``make docs``)
rewrites the file; a test checks it has not drifted and runs every phrase on a discovered estate.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from graph.schema import SCHEMA, NodeKind, PropType
from graph.schema.types import PROP_TYPES
from queries.traverse import EdgeSpec, access_steps, build_spec, dependency_spec

PERSPECTIVE_FILE = Path(__file__).parent / "bloom" / "ai-discover.json"
NAME = "AI-Discover"
MAX_DEPTH = 6
_STAMP = 1767225600000  # 2026-01-01T00:00:00Z in ms: fixed so the generated file is reproducible

# Base hues per provider (HSL hue, saturation); services get evenly spread lightness.
_PROVIDER_HUES = {"aws": (30, 90), "azure": (205, 80), "gcp": (140, 55), "any": (270, 30)}
# Icon names from Bloom's icon picker, by service family (Bloom shows no icon for a name it lacks).
_ICONS = {
    "ec2": "Server",
    "compute": "Server",
    "network": "Network",
    "vpc": "Network",
    "elb": "Share",
    "s3": "Box",
    "storage": "Box",
    "rds": "Database",
    "dynamodb": "Database",
    "sql": "Database",
    "iam": "Key",
    "identity": "Key",
    "kms": "Lock",
    "keyvault": "Lock",
    "secretsmanager": "Lock",
    "lambda": "Function",
    "functions": "Function",
    "run": "Function",
    "sqs": "Mail",
    "sns": "Mail",
    "ecs": "Container",
    "eks": "Container",
    "aks": "Container",
    "container": "Container",
    "ecr": "Container",
    "cloudfront": "Globe",
    "route53": "Globe",
    "apigateway": "Globe",
    "dns": "Globe",
}


@dataclass(frozen=True)
class SearchPhrase:
    """A Bloom search phrase: the text users type (``$param`` placeholders) and the Cypher it runs."""

    name: str
    text: str
    cypher: str
    params: tuple[tuple[str, str, str | None], ...] = ()  # (name, data type, suggestion label.property)


def _hsl_to_hex(h: float, s: float, lightness: float) -> str:
    s, lightness = s / 100, lightness / 100
    c = (1 - abs(2 * lightness - 1)) * s
    x = c * (1 - abs((h / 60) % 2 - 1))
    m = lightness - c / 2
    r, g, b = [(c, x, 0), (x, c, 0), (0, c, x), (0, x, c), (x, 0, c), (c, 0, x)][int(h // 60) % 6]
    return "#{:02x}{:02x}{:02x}".format(*(round((v + m) * 255) for v in (r, g, b)))


def _colours(kinds: list[NodeKind]) -> dict[str, str]:
    services: dict[str, list[str]] = {}
    for kind in kinds:
        services.setdefault(kind.provider, [])
        if kind.service not in services[kind.provider]:
            services[kind.provider].append(kind.service)
    colours = {}
    for kind in kinds:
        hue, sat = _PROVIDER_HUES.get(kind.provider, (0, 0))
        own = sorted(services[kind.provider])
        lightness = 38 + 30 * own.index(kind.service) / max(1, len(own) - 1)
        colours[kind.label] = _hsl_to_hex(hue, sat, lightness)
    return colours


def _quoted(items: tuple[str, ...] | list[str]) -> str:
    return "[" + ", ".join(json.dumps(i) for i in items) + "]"


def _step_predicate(spec: EdgeSpec) -> str:
    """A WHERE for one hop ``(x)-[r]-(m)`` of a quantified path that allows exactly the spec's steps."""
    parts = []
    if spec.out_types:
        mixed = f"NOT type(r) IN {_quoted(spec.out_mixed)} OR [type(r), x.kind, m.kind] IN {_pairs(spec.out_pairs)}"
        parts.append(f"(startNode(r) = x AND type(r) IN {_quoted(spec.out_types)} AND ({mixed}))")
    if spec.in_types:
        mixed = f"NOT type(r) IN {_quoted(spec.in_mixed)} OR [type(r), m.kind, x.kind] IN {_pairs(spec.in_pairs)}"
        parts.append(f"(endNode(r) = x AND type(r) IN {_quoted(spec.in_types)} AND ({mixed}))")
    return " OR ".join(parts) or "false"


def _pairs(pairs: tuple[tuple[str, str, str], ...]) -> str:
    return "[" + ", ".join(_quoted(list(p)) for p in pairs) + "]"


def _entry_predicate(var: str) -> str:
    return " OR ".join(entry.cypher(var, label) for label, entry in SCHEMA.entry_points())


def _one_named(step: str) -> str:
    """The walk from the one resource named $name; when several carry the name, those candidates instead (each
    shows its cloud, account and region), so the user picks one rather than getting their walks merged."""
    return (
        "MATCH (c:Resource {name: $name}) WITH collect(c) AS roots "
        "CALL (roots) { WITH roots WHERE size(roots) = 1 UNWIND roots AS root "
        f"MATCH p = (root) ((x)-[r]-(m:Resource) WHERE {step}){{1,{MAX_DEPTH}}} RETURN p AS p LIMIT 1000 "
        "UNION WITH roots WHERE size(roots) > 1 UNWIND roots AS c RETURN c AS p } "
        "RETURN p"
    )


def search_phrases() -> tuple[SearchPhrase, ...]:
    dependents = _step_predicate(dependency_spec("DEPENDENTS"))
    dependencies = _step_predicate(dependency_spec("DEPENDENCIES"))
    access = _step_predicate(build_spec(access_steps))
    name = ("name", "String", "Resource.name")
    return (
        SearchPhrase(
            "Blast radius",
            "Blast radius of $name",
            _one_named(dependents),
            (name,),
        ),
        SearchPhrase(
            "Dependencies",
            "What $name depends on",
            _one_named(dependencies),
            (name,),
        ),
        SearchPhrase(
            "Exposure",
            "Exposure of $name",
            f"MATCH p = (e:Resource) ((x)-[r]-(m:Resource) WHERE {access}){{0,{MAX_DEPTH}}} "
            "(t:Resource {name: $name}) "
            f"WHERE {_entry_predicate('e')} RETURN p LIMIT 200",
            (name,),
        ),
        SearchPhrase(
            "Internet entry points",
            "Internet entry points",
            f"MATCH (e:Resource) WHERE {_entry_predicate('e')} RETURN e",
        ),
        SearchPhrase(
            "Neighbours",
            "Neighbours of $name",
            "MATCH p = (:Resource {name: $name})-[]-(:Resource) RETURN p LIMIT 500",
            (name,),
        ),
        SearchPhrase(
            "Path between two",
            "Path from $a to $b",
            "MATCH (a:Resource {name: $a}), (b:Resource {name: $b}) WHERE a <> b "
            "MATCH p = shortestPath((a)-[*..12]-(b)) RETURN p",
            (("a", "String", "Resource.name"), ("b", "String", "Resource.name")),
        ),
        SearchPhrase(
            "Resources in a region",
            "Resources in $region",
            "MATCH (r:Resource {region: $region}) RETURN r LIMIT 2000",
            (("region", "String", "Resource.region"),),
        ),
        SearchPhrase(
            "Resources of an account",
            "Resources of account $account",
            "MATCH (r:Resource {account: $account}) RETURN r LIMIT 2000",
            (("account", "String", "Resource.account"),),
        ),
        SearchPhrase(
            "Findings by severity",
            "Findings of severity $severity",
            "MATCH p = (r:Resource)-[:HAS_FINDING]->(f:Finding {severity: $severity}) WHERE f.status = 'open' RETURN p",
            (("severity", "String", "Finding.severity"),),
        ),
        SearchPhrase(
            "Findings of a resource",
            "Findings of $name",
            "MATCH p = (r:Resource {name: $name})-[:HAS_FINDING]->(f:Finding) RETURN p",
            (name,),
        ),
        SearchPhrase(
            "Changes since",
            "What changed since $date",
            "MATCH (c:Change) WHERE c.at >= datetime($date) OPTIONAL MATCH (r:Resource {id: c.resource_id}) "
            "RETURN c, r LIMIT 1000",
            (("date", "String", None),),
        ),
        SearchPhrase(
            "Cost of a team",
            "Cost of team $team",
            "MATCH (r:Resource) WHERE ('team=' + $team) IN r.tags AND r.monthly_cost_usd > 0 "
            "RETURN r ORDER BY r.monthly_cost_usd DESC LIMIT 500",
            (("team", "String", None),),
        ),
        SearchPhrase(
            "Costliest resources",
            "Costliest resources",
            "MATCH (r:Resource) WHERE r.monthly_cost_usd > 0 RETURN r ORDER BY r.monthly_cost_usd DESC LIMIT 25",
        ),
        SearchPhrase(
            "Public buckets",
            "Public buckets",
            "MATCH (b:Resource) WHERE (b:S3Bucket AND (b.policy_allows_public OR b.acl_public)) "
            "OR (b:GCPStorageBucket AND b.is_public) "
            "OR (b:AzureStorageAccount AND b.allow_blob_public_access) "
            "RETURN b",
        ),
        SearchPhrase(
            "Kind in a region",
            "$kind in $region",
            "MATCH (r:Resource {kind: $kind, region: $region}) RETURN r LIMIT 2000",
            (("kind", "String", "Resource.kind"), ("region", "String", "Resource.region")),
        ),
    )


def _blast_action() -> str:
    """Bloom passes the selected nodes' ids as ``$nodes``."""
    dependents = _step_predicate(dependency_spec("DEPENDENTS"))
    return (
        "MATCH (root:Resource) WHERE id(root) IN $nodes "
        f"MATCH p = (root) ((x)-[r]-(m:Resource) WHERE {dependents}){{1,{MAX_DEPTH}}} RETURN p LIMIT 1000"
    )


def _category(index: int, kind: NodeKind, colour: str) -> dict[str, Any]:
    props = [
        {"name": p.name, "exclude": False, "isCaption": p.name == "name", "dataType": _bloom_type(p.type)}
        for p in (*SCHEMA.common, *kind.properties)
    ]
    return {
        "id": index,
        "name": kind.label,
        "labels": [kind.label],
        "color": colour,
        "size": 1,
        "icon": _ICONS.get(kind.service.lower(), "Cloud"),
        "caption": ["name"],
        "textSize": 1,
        "textAlign": "top",
        "properties": props,
        "hiddenLabels": [],
        "styleRules": [],
        "createdAt": _STAMP,
        "lastEditedAt": _STAMP,
    }


def _bloom_type(prop_type: PropType) -> str:
    return PROP_TYPES[prop_type].bloom


def _stable_id(*parts: str) -> str:
    digest = hashlib.sha256("|".join(parts).encode()).hexdigest()
    return f"{digest[:8]}-{digest[8:12]}-{digest[12:16]}-{digest[16:20]}-{digest[20:32]}"


def perspective() -> dict[str, Any]:
    kinds = list(SCHEMA.resource_kinds())
    colours = _colours(kinds)
    templates = [
        {
            "id": _stable_id("template", p.name),
            "name": p.name,
            "text": p.text,
            "cypher": p.cypher,
            "params": [
                {
                    "name": f"${n}",
                    "dataType": t,
                    "suggestionLabel": s.split(".")[0] if s else None,
                    "suggestionProp": s.split(".")[1] if s else None,
                    "cypher": None,
                }
                for n, t, s in p.params
            ],
            "hasCypherErrors": False,
            "createdAt": _STAMP,
        }
        for p in search_phrases()
    ]
    return {
        "name": NAME,
        "id": _stable_id("perspective", NAME),
        "type": "STANDARD_PERSPECTIVE",
        "version": "2.15.0",
        "createdAt": _STAMP,
        "lastEditedAt": _STAMP,
        "categories": [_category(i, k, colours[k.label]) for i, k in enumerate(kinds, start=1)],
        "categoryIndex": len(kinds),
        "labels": {
            k.label: [
                {"propertyKey": p.name, "type": _bloom_type(p.type), "dataType": _bloom_type(p.type)}
                for p in (*SCHEMA.common, *k.properties)
            ]
            for k in kinds
        },
        "relationshipTypes": [
            {"name": t, "id": t, "properties": []} for t in sorted({r.type for r in SCHEMA.relationships})
        ],
        "palette": {"colors": sorted(set(colours.values())), "currentIndex": 0},
        "templates": templates,
        "sceneActions": [
            {
                "name": "Blast radius",
                "id": _stable_id("action", "blast"),
                "enabledForNodes": True,
                "enabledForRelationships": False,
                "cypher": _blast_action(),
            },
        ],
        "hiddenRelationshipTypes": ["HAS_UNIT"],
        "hiddenCategories": [],
        "hideUncategorisedData": False,
    }


def render() -> str:
    return json.dumps(perspective(), indent=1, sort_keys=True) + "\n"
