"""The Neo4j Bloom perspective (``web/bloom/ai-discover.json``), generated from the schema declaration.

One category per resource kind, plus Finding and Change (the other labels the phrases return): caption
objects (``captions``), a colour per provider shaded by service, an icon per kind family; every
relationship type with its styling; ``metadata`` (path segments and indexes); and search phrases
(``templates``) whose Cypher is generated from the same tables the API's analysis uses: blast radius
follows the declared dependency meanings (``graph.schema.dependencies``), exposure follows the declared
access directions from the declared internet entry points.

The structure follows perspectives Bloom itself exported (docs/bloom.md names the files compared).
Bloom's icons are identifiers from its built-in set (UUIDs), not names: ``BLOOM_ICONS`` uses only
identifiers seen in those exports on categories of the same meaning; other families get ``no-icon``.

A phrase that takes a resource name never merges same-named resources: ``$name`` is a bare name when it
is unique, or ``name (kind) @ account / region`` (what the suggestions list) or the id; a bare name shared by
several resources answers with those resources, to pick one from. ``python -m app.docs`` (``make docs``)
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
from web.palette import family_of

PERSPECTIVE_FILE = Path(__file__).parent / "bloom" / "ai-discover.json"
NAME = "AI-Discover"
MAX_DEPTH = 6
_STAMP = 1767225600000  # 2026-01-01T00:00:00Z in ms: fixed so the generated file is reproducible

# Base hues per provider (HSL hue, saturation); services get evenly spread lightness.
_PROVIDER_HUES = {"aws": (30, 90), "azure": (205, 80), "gcp": (140, 55), "any": (270, 30)}
# Bloom icon identifiers by kind family (web/static/kinds.json), each taken from a perspective Bloom exported,
# from a category of the same meaning there: (identifier, "file: category").
BLOOM_ICONS: dict[str, tuple[str, str]] = {
    "compute": ("63AF6740-290B-43AD-8EE4-9B4966249BD6", "cybersecurity/bloom/Windows_Domains.json: Computer"),
    "identity": ("DB188874-D25F-4B34-A296-E5E950072319", "cybersecurity/bloom/Windows_Domains.json: User"),
    "policy": ("447F7883-95B5-4D34-9C93-F10804FB7A18", "cybersecurity/bloom/Windows_Domains.json: GPO"),
    "scope": ("0D871CD1-A03E-4565-B720-D6BC8DF681AB", "cybersecurity/bloom/Windows_Domains.json: OU"),
    "network": ("8EDB1503-B54A-4C25-B4BD-DC85A55BFDCA", "cybersecurity/bloom/Windows_Domains.json: Domain"),
    "gateway": ("15EF77A8-3607-4632-861B-13ADEF8C2A67", "bloom/bloom-fraud-data.bloom-perspective.json: IP"),
    "key": ("D3D9C2F3-676E-499F-8D23-98A17278F0DE", "bloom/bloom-fraud-data.bloom-perspective.json: Login"),
}
NO_ICON = "no-icon"  # what Bloom's own exports carry for a category without an icon
_REL_COLOUR = "#A5ABB6"  # Bloom's default relationship colour
# "name (kind) @ account / region": how a phrase's suggestions tell same-named resources apart
_QUALIFIED = "{v}.name + ' (' + {v}.kind + ') @ ' + {v}.account + ' / ' + {v}.region"


@dataclass(frozen=True)
class SearchPhrase:
    """A Bloom search phrase: the text users type (``$param`` placeholders) and the Cypher it runs."""

    name: str
    text: str
    cypher: str
    params: tuple[tuple[str, str, str | None], ...] = ()  # (name, data type, suggestion label.property)


_RESOURCE_PARAMS = frozenset({"name", "a", "b"})  # parameters naming one resource (see _one_resource)


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


def search_phrases() -> tuple[SearchPhrase, ...]:
    dependents = _step_predicate(dependency_spec("DEPENDENTS"))
    dependencies = _step_predicate(dependency_spec("DEPENDENCIES"))
    access = _step_predicate(build_spec(access_steps))
    name = ("name", "String", None)
    return (
        SearchPhrase(
            "Blast radius",
            "Blast radius of $name",
            _one_resource(
                "name",
                "root",
                f"MATCH p = (root) ((x)-[r]-(m:Resource) WHERE {dependents}){{1,{MAX_DEPTH}}} RETURN p LIMIT 1000",
            ),
            (name,),
        ),
        SearchPhrase(
            "Dependencies",
            "What $name depends on",
            _one_resource(
                "name",
                "root",
                f"MATCH p = (root) ((x)-[r]-(m:Resource) WHERE {dependencies}){{1,{MAX_DEPTH}}} RETURN p LIMIT 1000",
            ),
            (name,),
        ),
        SearchPhrase(
            "Exposure",
            "Exposure of $name",
            _one_resource(
                "name",
                "t",
                f"MATCH p = (e:Resource) ((x)-[r]-(m:Resource) WHERE {access}){{0,{MAX_DEPTH}}} (t) "
                f"WHERE {_entry_predicate('e')} RETURN p LIMIT 200",
            ),
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
            _one_resource("name", "n", "MATCH p = (n)-[]-(:Resource) RETURN p LIMIT 500"),
            (name,),
        ),
        SearchPhrase(
            "Path between two",
            "Path from $a to $b",
            _one_resource(
                "a",
                "a",
                _one_resource(
                    "b", "b", "WITH a, b WHERE a <> b MATCH p = shortestPath((a)-[*..12]-(b)) RETURN p", carry=("a",)
                ),
            ),
            (("a", "String", None), ("b", "String", None)),
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
            _one_resource("name", "r", "MATCH p = (r)-[:HAS_FINDING]->(f:Finding) RETURN p"),
            (name,),
        ),
        SearchPhrase(
            "Changes since",
            "What changed since $date",
            "MATCH (c:Change|ChangeSet) WHERE coalesce(c.last_at, c.at) >= datetime($date) "
            "OPTIONAL MATCH (r:Resource) WHERE r.id IN coalesce(c.resource_ids, [c.resource_id]) "
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


def _one_resource(param: str, var: str, then: str, carry: tuple[str, ...] = ()) -> str:
    """Cypher binding ``var`` to the one resource ``$param`` names, then running ``then`` (which returns ``p``).

    ``$param`` is an id, ``name (kind) @ account / region``, or a bare name shared by no other resource. A bare
    name several resources share binds none of them: the answer is those resources, each its own node,
    so the user picks one (from the suggestions) instead of getting their paths merged into one scene; so does
    a qualified name that still fits several (then the id picks one).
    ``carry``: variables bound before, kept in scope for ``then``."""
    qualified = _QUALIFIED.format(v="c")
    kept = "".join(f"{c}, " for c in carry)
    return (
        f"MATCH (c:Resource) WHERE ${param} IN [c.id, c.name, {qualified}] "
        f"WITH {kept}collect(c) AS {var}_all "
        f"WITH *, [c IN {var}_all WHERE ${param} IN [c.id, {qualified}]] "
        f"+ [c IN {var}_all WHERE size({var}_all) = 1 AND c.name = ${param}] AS {var}_one "
        f"CALL ({kept}{var}_all, {var}_one) {{ "
        f"WITH {var}_all, {var}_one WHERE size({var}_one) <> 1 "
        f"UNWIND CASE WHEN size({var}_one) > 1 THEN {var}_one ELSE {var}_all END AS p RETURN p "
        f"UNION ALL "
        f"WITH {kept}{var}_one WHERE size({var}_one) = 1 WITH {kept}{var}_one[0] AS {var} {then} }} "
        "RETURN p"
    )


def _suggestions(param: str) -> str:
    """Bloom's suggestions for a resource parameter: every resource as ``name (kind) @ account / region``."""
    return f"MATCH (c:Resource) RETURN DISTINCT {_QUALIFIED.format(v='c')} AS {param} ORDER BY {param} LIMIT 5000"


def _blast_action() -> str:
    """Bloom passes the selected nodes' element ids as ``$nodes``."""
    dependents = _step_predicate(dependency_spec("DEPENDENTS"))
    return (
        "MATCH (root:Resource) WHERE elementId(root) IN $nodes "
        f"MATCH p = (root) ((x)-[r]-(m:Resource) WHERE {dependents}){{1,{MAX_DEPTH}}} RETURN p LIMIT 1000"
    )


def _properties(kind: NodeKind) -> tuple[tuple[str, PropType], ...]:
    own = tuple((p.name, p.type) for p in kind.properties)
    return (*((p.name, p.type) for p in SCHEMA.common), *own) if kind.resource else own


def _caption_keys(kind: NodeKind) -> tuple[str, ...]:
    names = {n for n, _t in _properties(kind)}
    for keys in (("name",), ("title", "severity"), ("change", "resource_name")):
        if set(keys) <= names:
            return keys
    return ("id",)


def _caption(key: str, caption: bool) -> dict[str, Any]:
    return {"key": key, "type": "property", "isCaption": caption, "inTooltip": True, "styles": [], "isGdsData": False}


def _category(index: int, kind: NodeKind, colour: str) -> dict[str, Any]:
    captions = _caption_keys(kind)
    props = [
        {"name": n, "exclude": False, "isCaption": n in captions, "dataType": _bloom_type(t)}
        for n, t in _properties(kind)
    ]
    return {
        "id": index,
        "name": kind.label,
        "labels": [kind.label],
        "color": colour,
        "size": 1,
        "icon": BLOOM_ICONS.get(family_of(kind.label).name, (NO_ICON, ""))[0],
        "captions": [_caption(k, True) for k in captions],
        "captionKeys": list(captions),
        "textSize": 1,
        "textAlign": "top",
        "properties": props,
        "hiddenLabels": [],
        "styleRules": [],
        "createdAt": _STAMP,
        "lastEditedAt": _STAMP,
    }


def _relationship_type(name: str) -> dict[str, Any]:
    props: dict[str, PropType] = {}
    for rel in SCHEMA.relationships:
        if rel.type == name:
            props.update({p.name: p.type for p in rel.properties})
    return {
        "id": name,
        "name": name,
        "color": _REL_COLOUR,
        "size": 1,
        "textSize": 1,
        "textAlign": "top",
        "properties": [{"propertyKey": k, "type": name, "dataType": _bloom_type(t)} for k, t in sorted(props.items())],
        "captions": [{"key": name, "type": "relationship", "isCaption": True, "inTooltip": True, "styles": []}],
        "captionKeys": [],
        "styleRules": [],
    }


def _metadata(kinds: list[NodeKind]) -> dict[str, Any]:
    labels = {k.label for k in kinds}
    segments = sorted(
        {(r.source, r.type, r.target) for r in SCHEMA.relationships if r.source in labels and r.target in labels}
    )
    indexes = []
    for kind in kinds:
        own = [p.name for p in kind.properties if p.indexed and p.name != "id"]
        common = [p.name for p in SCHEMA.common if p.indexed and p.name != "id"] if kind.resource else []
        keys = ["id", *common, *own]
        indexes.append(
            {"label": kind.label, "type": "native", "propertyKeys": [{"key": k, "metadataProp": False} for k in keys]}
        )
    return {
        "pathSegments": [{"source": s, "relationshipType": t, "target": e} for s, t, e in segments],
        "indexes": indexes,
    }


def categorised_kinds() -> list[NodeKind]:
    """The kinds with a category: every resource kind, and Finding and Change (phrases return them)."""
    return [*SCHEMA.resource_kinds(), SCHEMA.node("Finding"), SCHEMA.node("Change")]


def _bloom_type(prop_type: PropType) -> str:
    return PROP_TYPES[prop_type].bloom


def _stable_id(*parts: str) -> str:
    digest = hashlib.sha256("|".join(parts).encode()).hexdigest()
    return f"{digest[:8]}-{digest[8:12]}-{digest[12:16]}-{digest[16:20]}-{digest[20:32]}"


def perspective() -> dict[str, Any]:
    kinds = categorised_kinds()
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
                    "suggestionBoolean": False,
                    "collapsed": False,
                    "cypher": _suggestions(n) if t == "String" and s is None and n in _RESOURCE_PARAMS else None,
                }
                for n, t, s in p.params
            ],
            "hasCypherErrors": False,
            "isUpdateQuery": None,
            "isWriteTransactionChecked": None,
            "createdAt": _STAMP,
        }
        for p in search_phrases()
    ]
    return {
        "name": NAME,
        "id": _stable_id("perspective", NAME),
        "type": "STANDARD_PERSPECTIVE",
        "version": "2.21.0",
        "createdAt": _STAMP,
        "lastEditedAt": _STAMP,
        "categories": [_category(i, k, colours[k.label]) for i, k in enumerate(kinds, start=1)],
        "categoryIndex": len(kinds),
        "labels": {
            k.label: [{"propertyKey": n, "type": k.label, "dataType": _bloom_type(t)} for n, t in _properties(k)]
            for k in kinds
        },
        "relationshipTypes": [_relationship_type(t) for t in sorted({r.type for r in SCHEMA.relationships})],
        "metadata": _metadata(kinds),
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
        "maxLimitToastMsgEnabled": False,
        "parentPerspectiveId": None,
    }


def render() -> str:
    return json.dumps(perspective(), indent=1, sort_keys=True) + "\n"
