"""A question in plain English read into a :class:`~app.nl.reading.Reading`, built from the schema and the
graph's own vocabulary rather than from phrasings.

The question is cut into words; each word or run of words is looked up as a kind (glossary and schema
labels), a resource name or id, a region, an account, a provider, a tag, a property value (states,
instance types, engines, ...), a time span, a group-by dimension or an intent word (count, list, cost,
findings, exposure, blast radius, dependencies, path, savings, history). A word that is none of these and
not a function word means the question says something the parser does not understand: it declines
rather than answer a different question. A name that means several resources is asked back.
"""

from __future__ import annotations

import itertools
import re

from app.nl.cypher_render import string_literal
from app.nl.parse_filters import (
    _changes,
    _findings,
    _hop,
    _ports,
    _posture,
    _unused,
)
from app.nl.parse_modifiers import _BLAST, _HAVING, _attributes, _ours, _tag_adjectives
from app.nl.question_words import (
    _COST,
    _COUNT,
    _FINDINGS,
    _HISTORY,
    _PROVIDER_OF,
    _SAVE,
    _UNUSED,
    _decline,
    _group,
    _heads,
    _kind_said,
    _kinds,
    _locations,
    _Mention,
    _Name,
    _names,
    _narrow,
    _normalise,
    _number,
    _one,
    _provider,
    _qualify,
    _tags,
    _Words,
)
from app.nl.reading import Clarify, Condition, Decline, Hop, Intent, Reading
from app.nl.vocabulary import Named, Vocabulary
from app.nl.words import (
    STATES,
    UNSUPPORTED,
    WRITE_VERBS,
    parse_time,
    singular,
)

__all__ = ["parse"]


def parse(question: str, vocab: Vocabulary) -> Reading | Clarify | Decline:
    """What ``question`` asks, or why it cannot be answered, or which resource it means."""
    text = _normalise(question)
    if not text:
        return _decline("the question is empty")
    first = text.split()[0]
    if first in WRITE_VERBS:
        return _decline(f"answers only read the inventory; '{first}' asks for a change, which this cannot make")
    since = parse_time(text)
    since_at = since_said = None
    if since is not None:
        since_at, since_said, (a, b) = since
        text = (text[:a] + " " + text[b:]).strip()
    w = _Words(text.split())
    for word in w.words:
        if word in UNSUPPORTED and not (word == "who" and w.has("who are")):
            return _decline(UNSUPPORTED[word])
    _ours(w)
    provider = _provider(w)
    tag_conditions, tag_group = _tags(w, vocab)
    limit = _number(w)
    group = _group(w, vocab)
    if tag_group:
        group = (*group, f"tag:{tag_group}")
        w.take_any(["break down", "breakdown", "broken down", "grouped", "group", "split"])

    # analysis intents that name resources
    blast = w.take_any(_BLAST)
    while blast and w.take_any(_BLAST):  # "what breaks if orders-db fails": both say it
        pass
    words_text = " ".join(w.words)
    depends_on = re.search(r"\bdepends? on\b", words_text)
    exposure = w.take_any(["exposure", "exposed", "internet-exposed", "reachable", "reached", "accessible from"])
    path = None
    for word in ("path", "connected", "reach", "get to", "route", "between"):
        path = w.take_any([word]) or path
    for word in ("internet", "world", "from", "what", "would", "be", "goes", "down", "if", "can"):
        if exposure or blast or path:
            w.take_any([word])
    locations = _locations(w, vocab)
    names = _names(w, vocab, set(vocab.regions) | set(vocab.accounts))
    dependencies = None
    if names and not (depends_on and "does" not in w.words):
        dependencies = w.take_any(["dependencies", "dependency", "depend on", "rely on", "relies on", "using"])
    mentions = _kinds(w)
    attributes = _attributes(w, mentions, provider)
    qualified = _qualify(names, mentions, provider)
    intent: Intent | None = None
    if depends_on:
        w.take_any(["depends on", "depend on"])
    if blast or (depends_on and names and names[0].start > depends_on_at(w.words)):
        intent = "blast"
    elif dependencies and names:
        intent = "dependencies"
    elif path and len(names) >= 2:
        intent = "path"
    elif exposure:
        intent = "exposure"
    if intent in {"blast", "dependencies", "exposure", "path"}:
        return _analysis(intent, names, qualified, mentions, provider, w)
    return _inventory(
        w,
        vocab,
        names,
        qualified,
        mentions,
        provider,
        tag_conditions + locations + attributes,
        group,
        limit,
        since_at,
        since_said or "",
    )


def depends_on_at(words: list[str]) -> int:
    for i in range(len(words) - 1):
        if words[i] in {"depends", "depend"} and words[i + 1] == "on":
            return i
    return len(words)


def _analysis(
    intent: Intent,
    names: list[_Name],
    qualified: dict[int, frozenset[str]],
    mentions: list[_Mention],
    provider: str | None,
    w: _Words,
) -> Reading | Clarify | Decline:
    extra = [m for m in mentions]
    for phrase in ("the", "to", "and", "on", "of", "does", "is", "how", "what", "which", "show", "it"):
        w.take_any([phrase])
    left = [x for x in w.left() if x not in {"internet", "world"}]
    if intent == "exposure" and not names:
        if left:
            return _decline(f"I do not know what '{' '.join(left)}' means here")
        kinds = frozenset().union(*(m.labels for m in extra)) if extra else frozenset()
        return Reading("exposure", kinds=tuple(sorted(_narrow(kinds, provider))) if kinds else (), provider=provider)
    if not names:
        return _decline("name the resource (e.g. 'what depends on legacy-db?'); no resource of that name was found")
    if intent == "path":
        extra = [m for m in extra if m.phrase not in {"network", "vpc", "vnet"}]
        w.take_any(["network"])
        w.take_any(["from"])
        left = [x for x in w.left() if x not in {"internet", "world"}]
    if left or extra:
        unknown = left or [m.phrase for m in extra]
        return _decline(f"I do not know what '{' '.join(unknown)}' means here")
    target = _one(names[0], qualified.get(0), provider, intent)
    if isinstance(target, Clarify):
        return target
    if intent == "path":
        other = _one(names[1], qualified.get(1), provider, intent)
        if isinstance(other, Clarify):
            return other
        return Reading("path", target=target, other=other)
    if len(names) > 1:
        return _decline("name one resource at a time")
    return Reading(intent, target=target)


def _inventory(
    w: _Words,
    vocab: Vocabulary,
    names: list[_Name],
    qualified: dict[int, frozenset[str]],
    mentions: list[_Mention],
    provider: str | None,
    tag_conditions: list[Condition],
    group: tuple[str, ...],
    limit: int | None,
    since: object,
    since_said: str,
) -> Reading | Clarify | Decline:
    conditions = list(tag_conditions)
    counting = w.take_any(list(_COUNT)) is not None
    if not counting and w.words[:3] in (["are", "there", "any"], ["is", "there", "any"], ["do", "we", "have"]):
        counting = w.words[2] == "any" or w.words[3:4] == ["any"]
    saving = w.take_any(list(_SAVE))
    cost = w.take_any(list(_COST))
    most = w.take_any(["the most", "most", "biggest", "largest", "highest"])
    unused = w.take_any(list(_UNUSED))
    findings = w.take_any(list(_FINDINGS))
    history = None if findings else w.take_any(list(_HISTORY))
    ports = w.take_any(["admin ports", "admin port", "management ports", "ssh", "rdp", "ssh or rdp"])
    # names that are accounts / projects / regions spelled as names: handled above; remaining names anchor hops
    kinds: frozenset[str] = frozenset()
    union = False
    targets = list(mentions)
    anchors: list[tuple[_Name, frozenset[str]]] = []
    for index, name in enumerate(names):
        anchors.append((name, qualified.get(index) or frozenset(n.kind for n in name.nodes)))
    if targets:
        kinds = targets[0].labels
        for prev, m in itertools.pairwise(targets):
            between = w.words[prev.end : m.start]
            if m.start == prev.end and kinds & m.labels:
                kinds = kinds & m.labels
            elif not (kinds & m.labels) and any(x in _HAVING for x in between):
                # "instances with elastic IPs" relates two kinds; it is not their union
                return _decline(
                    f"I relate resources only to a named one: name the {m.phrase} "
                    f"(e.g. 'which {prev.phrase} resources use <its name>')"
                )
            elif all(x in {",", "or", "and"} for x in between) or not (kinds & m.labels):
                kinds = kinds | m.labels
                union = True
            else:
                kinds = kinds & m.labels
    kinds = _narrow(kinds, provider)
    _heads(w, kinds)
    if (provider and (not kinds or union)) or (
        provider and kinds and not all(_PROVIDER_OF.get(k) == provider for k in kinds)
    ):
        conditions.append(Condition(f"n.provider = {string_literal(provider)}", f"in {provider}"))
    subject = "findings" if findings else "changes" if history else "resources"
    if subject == "findings":
        return _findings(w, vocab, names, kinds, provider, conditions, group, counting, limit)
    if subject == "changes":
        return _changes(w, names, qualified, kinds, history or "", conditions, counting, since, since_said, provider)
    if since is not None:
        conditions.append(
            Condition(
                f"n.first_seen >= datetime({string_literal(since.isoformat())})",  # type: ignore[attr-defined]
                f"first seen {since_said}",
            )
        )
    if ports:
        w.take_any(["open", "to the internet", "to the world", "from anywhere", "or", "allow", "with"])
        for word in ("internet", "world", "anywhere", "open", "allow", "exposed", "expose"):
            w.take_any([word])
        return _ports(w, kinds, provider)
    # values of categorical properties and states
    negated: set[int] = set()
    for i, word in enumerate(w.words):
        if not w.free(i):
            continue
        stored = vocab.values.get(word) or vocab.values.get(singular(word))
        two = " ".join(w.words[i : i + 2])
        joined = "-".join(w.words[i : i + 2])
        if not stored and " " in two and w.free(i, 2) and vocab.values.get(joined):
            word, stored = joined, vocab.values.get(joined)  # a stored value said in words: "internet facing"
            w.take(i + 1)
        if i and w.words[i - 1] in {"not"} and (stored or word in STATES):
            w.take(i - 1)
            w.take(i)
            negated.add(i)
            continue
        if stored:
            usable = [s for s in stored if not kinds or s[0] in kinds]
            if not usable and kinds:
                if word in STATES:
                    usable = [(k, "state", word) for k in kinds]
                else:
                    continue
            props = sorted({p for _, p, _ in usable})
            kinds = frozenset(k for k, _, _ in usable)
            w.take(i)
            said_words = {x for p in props for x in p.split("_")} | {"size", "type", "use", "uses", "run", "runs"}
            for j in (i - 2, i - 1, i + 1):
                if 0 <= j < len(w.words) and w.words[j] in said_words and w.words[j] not in {"of", "in", "with"}:
                    w.take(j)
            cypher = " OR ".join(f"toLower(toString(n.{p})) = {string_literal(word)}" for p in props)
            conditions.append(Condition(f"({cypher})", f"{props[0]} = {word}"))
        elif word in STATES and kinds:
            w.take(i)
            conditions.append(Condition(f"toLower(toString(n.state)) = {string_literal(word)}", f"state = {word}"))
    if unused and not kinds and not saving:
        return _decline("say what kind of resource should be unused (e.g. 'unattached volumes')")
    if saving:
        for x in (
            "money",
            "where",
            "possible",
            "potential",
            "cut",
            "could",
            "can",
            "opportunities",
            "opportunity",
            "monthly",
            "month",
            "per month",
            "a month",
            "we",
            "our",
            "how",
        ):
            w.take_any([x])
    if saving or (unused and kinds & {"ElasticIP", "LoadBalancer"}):
        rule = None
        if unused and kinds:
            rule = {"ElasticIP": "idle-elastic-ip", "LoadBalancer": "idle-load-balancer"}.get(sorted(kinds)[0])
        if w.left():
            return _decline(f"I do not know what '{' '.join(w.left())}' means here")
        total = counting or "total" in w.words
        return Reading("savings_total" if total else "savings", kinds=tuple(sorted(kinds)), limit=limit, rule=rule)
    if unused:
        conditions.append(Condition(_unused(kinds), "unattached"))
    conditions += _posture(w, kinds or frozenset(), negated)
    if cost:
        for x in (
            "month",
            "monthly",
            "estimated",
            "estimate",
            "per month",
            "a month",
            "us",
            "usd",
            "dollars",
            "we",
            "does",
            "do",
            "our",
        ):
            w.take_any([x])
    hop: Hop | None = None
    target: Named | None = None
    if anchors:
        if len(anchors) > 1:
            return _decline("name one resource at a time")
        name, anchor_kinds = anchors[0]
        if cost and not kinds and not group:
            found = _one(name, anchor_kinds if qualified else None, provider, "cost")
            if isinstance(found, Clarify):
                return found
            target = found
        else:
            hop_or = _hop(w, kinds, name, anchor_kinds)
            if isinstance(hop_or, Decline):
                return hop_or
            hop = hop_or
    conditions += _tag_adjectives(w, vocab, conditions)
    left = w.left()
    if left:
        return _decline(f"I do not know what '{' '.join(left)}' means here")
    labels = tuple(sorted(kinds))
    said = _kind_said(labels)
    if target is not None:
        return Reading("cost_of", target=target)
    if cost:
        if group:
            return Reading(
                "sum_cost", kinds=labels, kind_words=said, conditions=tuple(conditions), group=group, hop=hop
            )
        if most or limit is not None:
            return Reading(
                "top", kinds=labels, kind_words=said, conditions=tuple(conditions), limit=limit or 10, hop=hop
            )
        return Reading("sum_cost", kinds=labels, kind_words=said, conditions=tuple(conditions), hop=hop)
    if group:
        return Reading(
            "group",
            kinds=labels,
            kind_words=said,
            conditions=tuple(conditions),
            group=group,
            limit=limit or (1 if most else None),
            hop=hop,
        )
    if most and not counting:
        return _decline(
            "say what to rank by (e.g. 'the 5 most expensive resources' or 'which region has the most resources')"
        )
    if not labels and not conditions and not hop and not counting and not w.has("resources"):
        return _decline("I could not tell what to look for; name a kind of resource (e.g. 'list the S3 buckets')")
    return Reading(
        "count" if counting else "list",
        kinds=labels,
        kind_words=said,
        conditions=tuple(conditions),
        hop=hop,
        limit=limit,
    )
