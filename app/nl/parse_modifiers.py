"""Words around the kinds a question names: a property said as a noun after "with" ("a public IP address"), a
tag value used as an adjective ("prod resources"), a verb of having with "we" or "you" that says nothing
more than "do we have", and the words that ask for a blast radius ("what breaks if ... fails")."""

from __future__ import annotations

from app.nl.cypher_render import string_literal
from app.nl.question_words import _PHRASES, _Mention, _narrow, _Words
from app.nl.reading import Condition
from app.nl.vocabulary import Vocabulary
from app.nl.words import FILLER, singular
from graph.schema import SCHEMA

__all__: list[str] = []  # the parser's own helpers, imported by name

_HAVING = frozenset({"with", "having", "has", "have", "without"})
_ARTICLES = frozenset({"a", "an", "no"})


def _attributes(w: _Words, mentions: list[_Mention], provider: str | None) -> list[Condition]:
    """Kind phrases that name a property of the kinds before them ("EC2 instances with a public IP address":
    ``public_ip``, not the ElasticIP kind): a presence filter on those kinds, the phrase no longer a kind."""
    out: list[Condition] = []
    for at, m in enumerate(list(mentions)):
        chain = [x for x in mentions[:at] if x.end <= m.start]
        if not chain:
            continue
        before = chain[-1]
        joins = w.words[before.end : m.start]
        if not joins or joins[0] not in _HAVING or any(x not in _ARTICLES for x in joins[1:]):
            continue
        labels = before.labels
        for x, y in zip(reversed(chain[:-1]), reversed(chain[1:]), strict=True):  # "EC2 boxes": adjacent, both
            if x.end != y.start:
                break
            labels = labels & x.labels
        props = [{p.name: p.type for p in SCHEMA.node(label).properties} for label in _narrow(labels, provider)]
        words = m.phrase.split()
        prop = next(
            (
                "_".join(words[:n])
                for n in range(len(words), 0, -1)
                if all("_".join(words[:n]) in kind_props for kind_props in props)
            ),
            None,
        )
        if prop is None or len({kind_props[prop] for kind_props in props}) != 1:
            continue
        absent = joins[0] == "without" or "no" in joins
        if props[0][prop] == "bool":
            cypher = f"n.{prop} = {'false' if absent else 'true'}"
        else:
            cypher = f"n.{prop} IS {'' if absent else 'NOT '}NULL"
        w.take(before.end, len(joins))
        mentions.remove(m)
        out.append(Condition(cypher, f"{'no' if absent else 'has a'} {m.phrase}"))
    return out


_RESOURCE_NOUNS = frozenset({"resource", "resources", "thing", "things", "asset", "assets", "one", "ones"})


def _tag_adjectives(w: _Words, vocab: Vocabulary, found: list[Condition]) -> list[Condition]:
    """Among the words nothing else used: a bare tag value before a kind or "resources" ("prod resources",
    "payments buckets") when it is the value of one tag key only; or one that repeats a tag the question gives
    ("prod resources (env=prod)")."""
    keys_of: dict[str, list[str]] = {}
    for key, values in vocab.tag_values.items():
        for value in values:
            keys_of.setdefault(value, []).append(key)
    out: list[Condition] = []
    for i, word in enumerate(w.words):
        keys = keys_of.get(word, [])
        if not w.free(i) or len(keys) != 1 or word in FILLER or word.isdigit():
            continue
        nxt = w.words[i + 1] if i + 1 < len(w.words) else ""
        tag = vocab.tags.get(f"{keys[0]}={word}", f"{vocab.tag_keys.get(keys[0], keys[0])}={word}")
        repeated = any(c.said == f"tagged {tag}" for c in found)
        if repeated:
            w.take(i)
        elif nxt in _RESOURCE_NOUNS or nxt in _PHRASES or singular(nxt) in _PHRASES:
            w.take(i)
            out.append(Condition(f"{string_literal(tag)} IN n.tags", f"tagged {tag}"))
    return out


_BLAST = (
    "blast radius",
    "breaks if",
    "break if",
    "affected if",
    "impacted if",
    "fails",
    "failed",
    "goes down",
    "went down",
    "go down",
)
_OURS = frozenset({"run", "operate", "use", "own", "manage", "discover", "discovered", "found", "track", "tracked"})


def _ours(w: _Words) -> None:
    """A verb of having with "we" or "you" ("how many VMs do we run", "resources you discovered") says no more
    than "do we have"."""
    for i in range(len(w.words) - 1):
        if w.words[i] in {"we", "you"} and w.words[i + 1] in _OURS:
            w.take(i, 2)
