"""What a rule reads: the node labels and relationship types its query can see, so that a sync which changed
none of them need not evaluate it again.

Read from the rule's Cypher text and parameters: every ``:Name`` token and every quoted name that is a schema
label or relationship type, each relationship type's declared end labels, and the labels the rule's findings
are about. A rule whose query could reach nodes no name in it announces (the generic ``Resource`` label, a
relationship pattern without a type) reads everything (``None``), and so does one whose answer moves with the clock
(``$now``). The answer may hold more than the rule
reads, never less: skipping a rule is safe only when none of its inputs changed.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable, Sequence
from functools import cache

from graph.schema import SCHEMA
from queries.findings.model import Rule

__all__ = ["rule_inputs", "rules_reading"]

_NAME = re.compile(r":\s*`?([A-Za-z_][A-Za-z0-9_]*)")
_QUOTED = re.compile(r"['\"]([A-Za-z_][A-Za-z0-9_]*)['\"]")
_REL_PATTERN = re.compile(r"-\[([^\]]*)\]-")
_BARE_REL = re.compile(r"<?--(?![-\[])>?|\)-(?:>)?\(|\)<-\(")
_STRING = re.compile(r"'[^']*'|\"[^\"]*\"")
_EVERYTHING = "Resource"  # the label every resource carries: a rule naming it reads every kind


@cache
def _vocabulary() -> tuple[frozenset[str], dict[str, frozenset[str]]]:
    labels = frozenset(kind.label for kind in SCHEMA.nodes)
    ends: dict[str, set[str]] = {}
    for rel in SCHEMA.relationships:
        ends.setdefault(rel.type, set()).update((rel.source, rel.target))
    return labels, {t: frozenset(e) for t, e in ends.items()}


def _untyped(cypher: str) -> bool:
    """Whether the query holds a relationship pattern that names no type (it may cross to any kind)."""
    cypher = _STRING.sub("''", cypher)
    if _BARE_REL.search(cypher):
        return True
    return any(":" not in inside for inside in _REL_PATTERN.findall(cypher))


def _param_names(rule: Rule) -> Iterable[str]:
    for _, value in rule.params:
        values = value if isinstance(value, tuple) else (value,)
        yield from (v for v in values if isinstance(v, str))


@cache
def rule_inputs(rule: Rule) -> frozenset[str] | None:
    """The labels and relationship types ``rule`` reads, or None when it may read any kind or its answer changes
    with time alone (it reads ``$now``: evaluated whenever the hooks run, as before)."""
    if _untyped(rule.cypher) or "$now" in rule.cypher:
        return None
    labels, ends = _vocabulary()
    names = {*_NAME.findall(rule.cypher), *_QUOTED.findall(rule.cypher), *_param_names(rule)}
    if _EVERYTHING in names:
        return None
    found = {n for n in names if n in labels or n in ends}
    for name in list(found):
        found.update(ends.get(name, ()))
    found.update(rule.kinds)
    return frozenset(found)


def rules_reading(rules: Sequence[Rule], changed: Collection[str]) -> tuple[Rule, ...]:
    """The rules whose inputs meet ``changed`` (labels and relationship types), in their order."""
    wanted = set(changed)
    return tuple(r for r in rules if (inputs := rule_inputs(r)) is None or not inputs.isdisjoint(wanted))
