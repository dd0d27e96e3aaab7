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
from collections.abc import Sequence
from dataclasses import dataclass, field, replace

from app.nl.reading import Clarify, Condition, Decline, Hop, Intent, Reading
from app.nl.vocabulary import Named, Vocabulary, kind_phrases
from app.nl.words import (
    DIMENSIONS,
    FILLER,
    NUMBERS,
    PROVIDERS,
    STATES,
    UNSUPPORTED,
    WRITE_VERBS,
    parse_time,
    singular,
)
from graph.schema import SCHEMA

__all__ = ["parse"]

_PHRASES = kind_phrases(SCHEMA)
_LONGEST_PHRASE = max(len(p.split()) for p in _PHRASES)
_LABELS = {k.label for k in SCHEMA.nodes}
_PROVIDER_OF = {k.label: k.provider for k in SCHEMA.nodes}
_TAG = re.compile(r"^([a-z][\w:./-]*)=([\w.:/@-]+)$")
_SEVERITIES = ("critical", "high", "medium", "low", "info")
_ADMIN_RULES = ("-ssh-open", "-rdp-open")

# intent words (matched on words, not substrings); consumed when found
_COUNT = ("how many", "number of", "count of", "count", "total number of", "how much")
_COST = ("cost", "costs", "costliest", "expensive", "spend", "spending", "bill", "pricey", "price", "priciest")
_SAVE = ("save", "saving", "savings", "cut costs", "cut cost", "waste", "wasted")
_UNUSED = ("unattached", "unused", "idle", "not associated", "orphaned", "not in use", "not attached")
_FINDINGS = ("finding", "findings", "issue", "issues", "vulnerability", "vulnerabilities", "problems", "risks")
_HISTORY = ("changed", "change", "changes", "history", "created", "deleted", "added", "removed", "new")


@dataclass
class _Words:
    """The question's words and which of them a reading used."""

    words: list[str]
    used: list[bool] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.used = [False] * len(self.words)

    def free(self, i: int, n: int = 1) -> bool:
        return i + n <= len(self.words) and not any(self.used[i : i + n])

    def take(self, i: int, n: int = 1) -> None:
        for j in range(i, i + n):
            self.used[j] = True

    def find(self, phrase: str, start: int = 0) -> int:
        """Index of the first free occurrence of ``phrase`` (words, last one plural or not), or -1."""
        parts = phrase.split()
        for i in range(start, len(self.words) - len(parts) + 1):
            window = self.words[i : i + len(parts)]
            same = window[:-1] == parts[:-1] and singular(window[-1]) in {parts[-1], singular(parts[-1])}
            if same and self.free(i, len(parts)):
                return i
        return -1

    def take_any(self, phrases: Sequence[str]) -> str | None:
        for phrase in sorted(phrases, key=lambda p: -len(p)):
            i = self.find(phrase)
            if i >= 0:
                self.take(i, len(phrase.split()))
                return phrase
        return None

    def has(self, phrase: str) -> bool:
        parts = phrase.split()
        n = len(parts)
        return any(self.words[i : i + n] == parts for i in range(len(self.words) - n + 1))

    def left(self) -> list[str]:
        return [w for w, u in zip(self.words, self.used, strict=True) if not u and w not in FILLER]


def _normalise(question: str) -> str:
    text = question.lower().replace("\u2019", "'").replace("\u2018", "'")
    text = re.sub(r"(?<=\w)'s\b", "", text)
    text = re.sub(r"what's", "what is", text)
    text = re.sub(r"[?!\"()]|\.(?=\s|$)|[,:;](?=\s|$)", " ", text)
    text = text.replace("internet-facing", "internet-facing").replace("e-mail", "email")
    return re.sub(r"\s+", " ", text).strip()


@dataclass
class _Mention:
    start: int
    end: int
    labels: frozenset[str]
    phrase: str


def _kinds(w: _Words) -> list[_Mention]:
    """Kind phrases, longest first, each as its word span."""
    out: list[_Mention] = []
    for n in range(_LONGEST_PHRASE, 0, -1):
        for i in range(len(w.words) - n + 1):
            if not w.free(i, n):
                continue
            window = w.words[i : i + n]
            for candidate in (" ".join(window), " ".join([*window[:-1], singular(window[-1])])):
                labels = _PHRASES.get(candidate)
                if labels and candidate not in FILLER:
                    w.take(i, n)
                    out.append(_Mention(i, i + n, labels, candidate))
                    break
    return sorted(out, key=lambda m: m.start)


@dataclass
class _Name:
    start: int
    end: int
    text: str
    nodes: tuple[Named, ...]


def _names(w: _Words, vocab: Vocabulary, skip: set[str]) -> list[_Name]:
    out: list[_Name] = []
    longest = min(vocab.longest_name, 5)
    for n in range(longest, 0, -1):
        for i in range(len(w.words) - n + 1):
            if not w.free(i, n):
                continue
            text = " ".join(w.words[i : i + n])
            if n == 1 and (text in FILLER or text in _PHRASES or text in skip or text.isdigit()):
                continue
            nodes = vocab.names.get(text) or vocab.names.get(text.rstrip(".,"))
            if nodes:
                w.take(i, n)
                out.append(_Name(i, i + n, text, nodes))
    return sorted(out, key=lambda m: m.start)


def _literal(value: str) -> str:
    return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'"


def _kind_said(labels: Sequence[str]) -> str:
    return " or ".join(labels) if labels else "resources"


def _narrow(labels: frozenset[str], provider: str | None) -> frozenset[str]:
    if provider is None:
        return labels
    narrowed = frozenset(label for label in labels if _PROVIDER_OF.get(label) == provider)
    return narrowed or labels


def _number(w: _Words) -> int | None:
    for i, word in enumerate(w.words):
        prev = w.words[i - 1] if i else ""
        nxt = w.words[i + 1] if i + 1 < len(w.words) else ""
        value = (
            int(word) if word.isdigit() and len(word) <= 3 else NUMBERS.get(word) if word not in {"a", "an"} else None
        )
        if value is None:
            continue
        if (
            prev in {"top", "first", "the", "which", "biggest", "largest"}
            or nxt in {"most", "costliest", "biggest"}
            or (nxt and (nxt in _PHRASES or singular(nxt) in _PHRASES or nxt in {"resources", "accounts", "regions"}))
        ):
            w.take(i)
            if prev == "top":
                w.take(i - 1)
            return value
    i = w.find("top")
    if i >= 0:
        w.take(i)
        return 10
    return None


def _provider(w: _Words) -> str | None:
    if w.has("google cloud"):
        i = w.find("google cloud")
        w.take(i, 2)
        return "gcp"
    for i, word in enumerate(w.words):
        if word in PROVIDERS and w.free(i):
            w.take(i)
            return PROVIDERS[word]
    return None


def _tags(w: _Words, vocab: Vocabulary) -> tuple[list[Condition], str | None]:
    """Tag filters (``team=payments``, ``team payments``, ``a costcenter tag``) and a tag key to group by."""
    out: list[Condition] = []
    group: str | None = None
    for i, word in enumerate(w.words):
        if not w.free(i):
            continue
        m = _TAG.match(word)
        if m:
            tag = vocab.tags.get(word, word)
            w.take(i)
            out.append(Condition(f"{_literal(tag)} IN n.tags", f"tagged {tag}"))
            continue
        key = vocab.tag_keys.get(word)
        if key is None:
            continue
        prev = w.words[i - 1] if i else ""
        nxt = w.words[i + 1] if i + 1 < len(w.words) else ""
        if prev in {"per", "by", "each"}:
            w.take(i)
            if nxt == "tag":
                w.take(i + 1)
            group = key
        elif nxt and nxt in vocab.tag_values.get(word, frozenset()) and w.free(i + 1):
            w.take(i, 2)
            tag = vocab.tags.get(f"{word}={nxt}", f"{key}={nxt}")
            out.append(Condition(f"{_literal(tag)} IN n.tags", f"tagged {tag}"))
        elif nxt in {"tag", "tags"} or prev in {"with", "tagged", "a", "an"}:
            w.take(i)
            if nxt in {"tag", "tags"}:
                w.take(i + 1)
            out.append(Condition(f"any(t IN n.tags WHERE t STARTS WITH {_literal(key + '=')})", f"with a {key} tag"))
    for word in ("tagged", "tag", "tags", "labelled", "labeled", "owned"):
        while (j := w.find(word)) >= 0 and (out or group):
            w.take(j)
    return out, group


def _group(w: _Words, vocab: Vocabulary) -> tuple[str, ...]:
    dims: list[str] = []
    for i, word in enumerate(w.words):
        if word not in {"per", "by", "each", "every"} or not w.free(i):
            continue
        skip = 1 if w.words[i + 1 : i + 2] and w.words[i + 1] in PROVIDERS else 0
        for n in (2, 1):
            phrase = " ".join(w.words[i + 1 + skip : i + 1 + skip + n])
            key = DIMENSIONS.get(phrase) or DIMENSIONS.get(singular(phrase))
            if key and w.free(i + 1 + skip, n):
                w.take(i)
                w.take(i + 1 + skip, n)
                dims.append(key)
                break
    for i in range(len(w.words) - 1):  # "break down by", "grouped by", "and region"
        if w.words[i] == "and" and dims and w.free(i + 1):
            key = DIMENSIONS.get(w.words[i + 1])
            if key:
                w.take(i, 2)
                dims.append(key)
    most = next((i for i, x in enumerate(w.words) if x in {"most", "biggest", "largest"}), -1)
    if most >= 0 and not dims:  # "which region has the most resources"
        for i, word in enumerate(w.words[:most]):
            if word in DIMENSIONS and w.free(i) and DIMENSIONS[word] in {"region", "account", "provider", "kind"}:
                w.take(i)
                dims.append(DIMENSIONS[word])
                break
    for phrase in ("break down", "breakdown", "broken down", "grouped", "group", "split"):
        if dims:
            w.take_any([phrase])
    return tuple(dict.fromkeys(dims))


def _decline(why: str) -> Decline:
    return Decline(why)


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
    if i >= 0 and "public_ip" in props:
        w.take(i, 2)
        w.take_any(["address"])
        out.append(Condition("n.public_ip IS NOT NULL", "has a public IP"))
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
                value = _literal(entry.equals) if isinstance(entry.equals, str) else str(entry.equals).lower()
                found.append(f"n.{entry.prop} = {value}")
    if not found:
        props = {p.name for p in SCHEMA.node(label).properties if p.type == "bool"}
        flags = [p for p in props if ("public" in p and not p.startswith(("block", "ignore", "restrict")))]
        found += [f"n.{p} = true" for p in sorted(flags)]
    return found


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
    provider = _provider(w)
    tag_conditions, tag_group = _tags(w, vocab)
    limit = _number(w)
    group = _group(w, vocab)
    if tag_group:
        group = (*group, f"tag:{tag_group}")

    # analysis intents that name resources
    blast = w.take_any(["blast radius", "breaks if", "break if", "affected if", "impacted if", "fails", "goes down"])
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
    qualified = _qualify(names, mentions, provider)
    if blast or (dependencies and depends_on and names and names[0].start > (depends_on.start() and 0)):
        pass
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
        tag_conditions + locations,
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


def _locations(w: _Words, vocab: Vocabulary) -> list[Condition]:
    """Regions and accounts (AWS account ids, Azure subscriptions, GCP projects) named in the question."""
    out: list[Condition] = []
    for i, word in enumerate(w.words):
        if not w.free(i):
            continue
        prev = w.words[i - 1] if i else ""
        if word in vocab.regions and ((word not in FILLER and word != "global") or prev in {"in", "region"}):
            w.take(i)
            out.append(Condition(f"n.region = {_literal(word)}", f"in {word}"))
        elif word in vocab.accounts or (word.isdigit() and len(word) == 12):
            w.take(i)
            out.append(Condition(f"n.account = {_literal(word)}", f"in account {word}"))
        else:
            continue
        for j in (i - 1, i + 1):
            if 0 <= j < len(w.words) and singular(w.words[j]) in {"account", "project", "subscription", "region"}:
                w.take(j)
            if j - 1 >= 0 and j == i - 1 and w.words[j] in PROVIDERS and singular(w.words[i - 1]) == "account":
                w.take(j)
    return out


def _heads(w: _Words, kinds: frozenset[str]) -> None:
    """Nouns that only repeat the kinds already named ("EKS, AKS or GKE clusters", "RDS instances")."""
    for i, word in enumerate(w.words):
        head = singular(word)
        if w.free(i) and kinds and len(head) > 2 and all(head in k.lower() for k in kinds):
            w.take(i)


def _after(w: _Words, name: _Name, word: str) -> bool:
    return name.start > 0 and w.words[name.start - 1] == word


def _qualify(names: list[_Name], mentions: list[_Mention], provider: str | None) -> dict[int, frozenset[str]]:
    """Kind phrases next to a name say which kind of resource it is ("the RDS instance orders-db")."""
    out: dict[int, frozenset[str]] = {}
    for index, name in enumerate(names):
        for m in mentions:
            gap = name.start - m.end if m.end <= name.start else m.start - name.end
            if 0 <= gap <= 1:
                kinds = {n.kind for n in name.nodes} & m.labels
                if kinds:
                    out[index] = frozenset(kinds)
                    mentions.remove(m)
                    break
    return out


_SUPPORTING = frozenset(
    {
        "SecurityGroup",
        "EBSVolume",
        "GCPDisk",
        "AzureDisk",
        "NetworkInterface",
        "AzureNetworkInterface",
        "TargetGroup",
        "Listener",
        "AzureNetworkSecurityGroup",
        "IAMInstanceProfile",
    }
)


def _candidates(name: _Name, kinds: frozenset[str] | None, provider: str | None) -> tuple[Named, ...]:
    """The resources a name may mean: of the kinds said, in the provider said; a resource's own security group,
    disk or interface named after it gives way to the resource itself."""
    nodes = name.nodes
    if not kinds:
        primary = tuple(n for n in nodes if n.kind not in _SUPPORTING)
        nodes = primary or nodes
    if kinds:
        nodes = tuple(n for n in nodes if n.kind in kinds)
    if provider:
        nodes = tuple(n for n in nodes if n.provider == provider) or nodes
    return nodes


def _one(name: _Name, kinds: frozenset[str] | None, provider: str | None, intent: str) -> Named | Clarify:
    nodes = _candidates(name, kinds, provider)
    if len(nodes) == 1:
        return nodes[0]
    return Clarify(name.text, nodes, intent)


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
        conditions.append(Condition(f"n.provider = {_literal(provider)}", f"in {provider}"))
    subject = "findings" if findings else "changes" if history else "resources"
    if subject == "findings":
        return _findings(w, vocab, names, kinds, provider, conditions, group, counting, limit)
    if subject == "changes":
        return _changes(w, names, qualified, kinds, history or "", conditions, counting, since, since_said, provider)
    if since is not None:
        conditions.append(
            Condition(
                f"n.first_seen >= datetime({_literal(since.isoformat())})",  # type: ignore[attr-defined]
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
        if two == "in use" and w.free(i, 2):
            word, stored = "in-use", vocab.values.get("in-use")
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
            cypher = " OR ".join(f"toLower(toString(n.{p})) = {_literal(word)}" for p in props)
            conditions.append(Condition(f"({cypher})", f"{props[0]} = {word}"))
        elif word in STATES and kinds:
            w.take(i)
            conditions.append(Condition(f"toLower(toString(n.state)) = {_literal(word)}", f"state = {word}"))
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
            "(" + " OR ".join(f"n.rule_id ENDS WITH {_literal(s)}" for s in _ADMIN_RULES) + ")",
            "SSH (22) or RDP (3389) open to the internet",
        )
    )
    if provider:
        conditions.append(Condition(f"n.provider = {_literal(provider)}", f"in {provider}"))
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
        out.append(Condition(f"n.provider = {_literal(provider)}", f"in {provider}"))
    for severity in _SEVERITIES:
        i = w.find(severity)
        if i >= 0:
            w.take(i)
            out.append(Condition(f"n.severity = {_literal(severity)}", f"severity {severity}"))
    w.take_any(["severity"])
    w.take_any(["security"])
    if kinds:
        out.append(
            Condition(
                f"n.resource_kind IN [{', '.join(_literal(k) for k in sorted(kinds))}]",
                f"on {_kind_said(sorted(kinds))}",
            )
        )
    for name in names:
        out.append(Condition(f"n.resource_name = {_literal(name.nodes[0].name)}", f"on {name.text}"))
    for x in ("on", "of", "for", "does", "have", "has"):
        w.take_any([x])
    left = w.left()
    if left:
        return _decline(f"I do not know what '{' '.join(left)}' means here")
    intent: Intent = "group" if group else "count" if counting else "list"
    return Reading(intent, subject="findings", kind_words="findings", conditions=tuple(out), group=group, limit=limit)


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
                f"n.resource_kind IN [{', '.join(_literal(k) for k in sorted(kinds))}]", _kind_said(sorted(kinds))
            )
        )
    if change:
        out.append(Condition(f"n.change = {_literal(change)}", change))
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
    if not counting and not kinds:
        reading = replace(reading, intent="group", group=("change", "resource_kind"))
    return reading
