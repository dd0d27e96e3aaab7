"""Readings the parser builds from what it found: posture filters (public, encrypted, MFA, ...), unattached
resources, a hop to a named resource, admin ports, findings and change records."""

from __future__ import annotations

from dataclasses import replace

from app.nl.cypher_render import string_literal
from app.nl.question_words import (
    _ADMIN_RULES,
    _SEVERITIES,
    _decline,
    _kind_said,
    _Name,
    _one,
    _Words,
)
from app.nl.reading import Clarify, Condition, Decline, Hop, Intent, Reading
from app.nl.vocabulary import Vocabulary
from app.nl.words import singular
from graph.schema import SCHEMA

__all__: list[str] = []  # the parser's own helpers, imported by name

_POSTURE = {  # word -> the first part of the boolean property names it means
    "encrypted": "encrypt",
    "encryption": "encrypt",
    "unencrypted": "encrypt",
    "mfa": "mfa",
    "rotation": "rotation",
    "rotated": "rotation",
    "versioning": "versioning",
    "versioned": "versioning",
    "protection": "deletion_protection",
    "logging": "logging",
}
_NEGATIONS = {"no", "not", "without", "disabled", "off", "non", "lack", "lacking", "missing"}


def _posture(w: _Words, kinds: frozenset[str], negated_at: set[int]) -> list[Condition]:
    """Boolean and presence properties of the kinds named in the question (public, encrypted, MFA, ...)."""
    out: list[Condition] = []
    public = w.find("public")
    if public < 0:
        public = w.find("publicly")
    if public >= 0 and w.words[public + 1 : public + 2] != ["ip"]:
        w.take(public)
        w.take_any(["accessible"])
        parts = []
        for label in sorted(kinds):
            parts += [f"(n:{label} AND {c})" for c in _public_of(label)]
        out.append(Condition("(" + " OR ".join(parts or ["false"]) + ")", "public"))
    props = {p.name: p.type for label in kinds for p in SCHEMA.node(label).properties}
    for i, word in enumerate(w.words):
        if not w.free(i) or word not in _POSTURE:
            continue
        stem = _POSTURE[word]
        matches = sorted({p for p, t in props.items() if t == "bool" and (p.startswith(stem) or stem in p.split("_"))})
        if stem == "encrypt":
            matches = sorted({p for p, t in props.items() if t == "bool" and "encrypt" in p})
        if not matches:
            continue
        near = [j for j in range(max(0, i - 2), min(len(w.words), i + 2)) if w.words[j] in _NEGATIONS]
        negate = word.startswith("un") or bool(near) or i in negated_at
        w.take(i)
        for j in near:
            w.take(j)
        for j in range(max(0, i - 2), min(len(w.words), i + 2)):
            if w.words[j] in {"enabled", "on", "storage", "key", "keys", "have", "has"} and w.free(j):
                w.take(j)
        cypher = " OR ".join(f"n.{p} = {'false' if negate else 'true'}" for p in matches)
        out.append(Condition(f"({cypher})", f"{'not ' if negate else ''}{word.removeprefix('un')}"))
    i = w.find("public ip")
    if i >= 0 and kinds and all(any(p.name == "public_ip" for p in SCHEMA.node(k).properties) for k in kinds):
        w.take(i, 2)
        if w.words[i + 2 : i + 3] and singular(w.words[i + 2]) == "address":
            w.take(i + 2)
        j = i - 1 if i and w.words[i - 1] in {"a", "an"} else i
        absent = j > 0 and w.words[j - 1] in {"without", "no"}
        if absent:
            w.take(j - 1)
        out.append(
            Condition(f"n.public_ip IS {'' if absent else 'NOT '}NULL", f"{'no' if absent else 'has a'} public IP")
        )
    i = w.find("open to the internet")
    j = w.find("open to the world")
    k = i if i >= 0 else j
    if k >= 0 and "open_to_internet" in props:
        w.take(k, 4)
        out.append(Condition("n.open_to_internet = true", "open to the internet"))
    return out


def _public_of(label: str) -> list[str]:
    """What makes a resource of ``label`` public: the schema's entry points, or its own public flags."""
    found: list[str] = []
    for entry_label, entry in SCHEMA.entry_points():
        if entry_label == label and entry.prop is not None:
            if entry.equals is None:
                found.append(f"n.{entry.prop} IS NOT NULL")
            else:
                value = string_literal(entry.equals) if isinstance(entry.equals, str) else str(entry.equals).lower()
                found.append(f"n.{entry.prop} = {value}")
    if not found:
        props = {p.name for p in SCHEMA.node(label).properties if p.type == "bool"}
        flags = [p for p in props if ("public" in p and not p.startswith(("block", "ignore", "restrict")))]
        found += [f"n.{p} = true" for p in sorted(flags)]
    return found


def _unused(kinds: frozenset[str]) -> str:
    parts = []
    for label in sorted(kinds):
        if label == "EBSVolume":
            parts.append("(n:EBSVolume AND n.state = 'available')")
        elif label == "AzureDisk":
            parts.append("(n:AzureDisk AND n.disk_state = 'Unattached')")
        elif label == "GCPDisk":
            parts.append("(n:GCPDisk AND NOT EXISTS { (n)<-[:ATTACHED_DISK]-() })")
    return "(" + (" OR ".join(parts) or "false") + ")"


_HINTS = {
    "use": "USES_",
    "uses": "USES_",
    "using": "USES_",
    "used": "USES_",
    "encrypts": "ENCRYPTED_BY",
    "encrypted": "ENCRYPTED_BY",
    "encrypt": "ENCRYPTED_BY",
    "attached": "ATTACHED",
    "behind": "TARGETS",
    "target": "TARGETS",
    "targets": "TARGETS",
    "run": "RUNS_AS",
    "runs": "RUNS_AS",
    "protect": "MEMBER_OF_SECURITY",
    "member": "MEMBER_OF",
}


def _hop(w: _Words, kinds: frozenset[str], name: _Name, anchor_kinds: frozenset[str]) -> Hop | Decline:
    hints = [(i, _HINTS[x]) for i, x in enumerate(w.words) if x in _HINTS and w.free(i)]
    inside = any(w.words[i] in {"in", "inside", "within"} and i + 1 <= name.start for i in range(name.start))
    rels = [
        r
        for r in SCHEMA.relationships
        if (r.source in anchor_kinds and (not kinds or r.target in kinds))
        or (r.target in anchor_kinds and (not kinds or r.source in kinds))
    ]
    chosen = rels
    outgoing: bool | None = None
    for i, hint in hints:
        narrowed = [r for r in rels if r.type.startswith(hint) or hint in r.type]
        if narrowed:
            chosen = narrowed
            w.take(i)
    if chosen is rels and len({r.type for r in rels}) == 1:  # one way to be linked: any verb of linking says it
        for i, _ in hints:
            w.take(i)
    if chosen is rels and inside:
        narrowed = [r for r in rels if r.type.startswith("IN_") and r.target in anchor_kinds]
        if narrowed:
            chosen, outgoing = narrowed, True
    for x in ("of", "in", "inside", "within", "as", "with", "by", "to", "the", "behind", "is"):
        w.take_any([x])
    if not chosen:
        return Decline(f"nothing in the schema links {_kind_said(sorted(kinds))} to {name.text}")
    if outgoing is None:
        directions = {r.source in anchor_kinds for r in chosen}
        outgoing = None if len(directions) > 1 else directions != {True}
    return Hop(tuple(sorted({r.type for r in chosen})), tuple(sorted(anchor_kinds)), name.nodes[0].name, outgoing)


def _ports(w: _Words, kinds: frozenset[str], provider: str | None) -> Reading | Decline:
    left = w.left()
    if left:
        return _decline(f"I do not know what '{' '.join(left)}' means here")
    conditions = [Condition("n.status = 'open'", "open")]
    conditions.append(
        Condition(
            "(" + " OR ".join(f"n.rule_id ENDS WITH {string_literal(s)}" for s in _ADMIN_RULES) + ")",
            "SSH (22) or RDP (3389) open to the internet",
        )
    )
    if provider:
        conditions.append(Condition(f"n.provider = {string_literal(provider)}", f"in {provider}"))
    return Reading(
        "list",
        subject="findings",
        kind_words="network rules opening admin ports",
        conditions=tuple(conditions),
        group=("resource",),
    )


def _findings(
    w: _Words,
    vocab: Vocabulary,
    names: list[_Name],
    kinds: frozenset[str],
    provider: str | None,
    conditions: list[Condition],
    group: tuple[str, ...],
    counting: bool,
    limit: int | None,
) -> Reading | Decline:
    out = [Condition("n.status = 'open'", "open")]
    out += [c for c in conditions if not c.cypher.startswith("n.provider")]
    if provider:
        out.append(Condition(f"n.provider = {string_literal(provider)}", f"in {provider}"))
    for severity in _SEVERITIES:
        i = w.find(severity)
        if i >= 0:
            w.take(i)
            out.append(Condition(f"n.severity = {string_literal(severity)}", f"severity {severity}"))
    w.take_any(["severity"])
    w.take_any(["security"])
    w.take_any(["open", "unresolved", "active", "current"])  # what a finding is unless resolved or suppressed
    if kinds:
        out.append(
            Condition(
                f"n.resource_kind IN [{', '.join(string_literal(k) for k in sorted(kinds))}]",
                f"on {_kind_said(sorted(kinds))}",
            )
        )
    for name in names:
        out.append(Condition(f"n.resource_name = {string_literal(name.nodes[0].name)}", f"on {name.text}"))
    for x in ("on", "of", "for", "does", "have", "has"):
        w.take_any([x])
    left = w.left()
    if left:
        return _decline(f"I do not know what '{' '.join(left)}' means here")
    intent: Intent = "group" if group else "count" if counting else "list"
    return Reading(intent, subject="findings", kind_words="findings", conditions=tuple(out), group=group, limit=limit)


_THINGS = frozenset({"resource", "one", "thing", "item", "asset"})


def _new_names_a_thing(w: _Words, kinds: frozenset[str]) -> bool:
    """Whether "new" qualifies a noun ("new resources", "new S3 buckets": created) rather than standing alone."""
    at = w.words.index("new")
    after = w.words[at + 1 : at + 2]
    return bool(after) and (singular(after[0]) in _THINGS or (bool(kinds) and not w.free(at + 1)))


def _changes(
    w: _Words,
    names: list[_Name],
    qualified: dict[int, frozenset[str]],
    kinds: frozenset[str],
    word: str,
    conditions: list[Condition],
    counting: bool,
    since: object,
    since_said: str,
    provider: str | None,
) -> Reading | Clarify | Decline:
    change = {
        "created": "created",
        "new": "created",
        "added": "created",
        "deleted": "deleted",
        "removed": "deleted",
    }.get(word)
    if word == "new" and not _new_names_a_thing(w, kinds):
        change = None  # "what is new?", "anything new since Monday?": every change, not only creations
    for x in ("on", "of", "to", "was", "were", "since", "recently"):
        w.take_any([x])
    if names and since is None:
        target = _one(names[0], qualified.get(0), provider, "history")
        if isinstance(target, Clarify):
            return target
        if w.left():
            return _decline(f"I do not know what '{' '.join(w.left())}' means here")
        return Reading("history_of", subject="changes", target=target)
    left = w.left()
    if left:
        return _decline(f"I do not know what '{' '.join(left)}' means here")
    out = [
        Condition(c.cypher.replace("n.region", "n.resource_region").replace("n.account", "n.resource_account"), c.said)
        for c in conditions
        if not c.cypher.startswith(("n.provider", "'"))
    ]
    if kinds:
        out.append(
            Condition(
                f"n.resource_kind IN [{', '.join(string_literal(k) for k in sorted(kinds))}]", _kind_said(sorted(kinds))
            )
        )
    if change:
        out.append(Condition(f"n.change = {string_literal(change)}", change))
    reading = Reading(
        "count" if counting else "list",
        subject="changes",
        kinds=tuple(sorted(kinds)),
        kind_words=_kind_said(sorted(kinds)),
        conditions=tuple(out),
        change=change,
    )
    if since is not None:
        reading = replace(reading, since=since, since_said=since_said)  # type: ignore[arg-type]
    if not counting and not kinds and not change:  # "what changed?": a summary; "what was deleted?": the list
        reading = replace(reading, intent="group", group=("change", "resource_kind"))
    return reading
