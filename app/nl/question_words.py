"""The parser's handling of a question's words: which are used, and the kinds, names, regions, accounts,
providers, tags, numbers and group-by dimensions among them (``app.nl.parser`` composes the reading)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from app.nl.cypher_render import string_literal
from app.nl.reading import Clarify, Condition, Decline
from app.nl.vocabulary import Named, Vocabulary, kind_phrases
from app.nl.words import (
    DIMENSIONS,
    FILLER,
    NUMBERS,
    PROVIDERS,
    singular,
)
from graph.schema import SCHEMA

__all__: list[str] = []  # the parser's own helpers, imported by name

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
        nxt = w.words[i + 1] if i + 1 < len(w.words) else ""
        return 1 if nxt in DIMENSIONS and singular(nxt) == nxt else 10  # "the top region": one
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
            out.append(Condition(f"{string_literal(tag)} IN n.tags", f"tagged {tag}"))
            continue
        key = vocab.tag_keys.get(word)
        if key is None:
            continue
        prev = w.words[i - 1] if i else ""
        nxt = w.words[i + 1] if i + 1 < len(w.words) else ""
        valued = bool(nxt) and nxt in vocab.tag_values.get(word, frozenset()) and w.free(i + 1)
        if prev in {"per", "by", "each"} and not valued:  # "by team"; "owned by team payments" is a filter
            w.take(i)
            if nxt == "tag":
                w.take(i + 1)
            group = key
        elif valued:
            w.take(i, 2)
            tag = vocab.tags.get(f"{word}={nxt}", f"{key}={nxt}")
            out.append(Condition(f"{string_literal(tag)} IN n.tags", f"tagged {tag}"))
        elif nxt in {"tag", "tags"} or prev in {"with", "tagged", "a", "an"}:
            w.take(i)
            if nxt in {"tag", "tags"}:
                w.take(i + 1)
            prefix = string_literal(key + "=")
            out.append(Condition(f"any(t IN n.tags WHERE t STARTS WITH {prefix})", f"with a {key} tag"))
    for word in ("tagged", "tag", "tags", "labelled", "labeled", "owned"):
        while (j := w.find(word)) >= 0 and (out or group):
            w.take(j)
    return list(dict.fromkeys(out)), group


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
    top = next((i for i, x in enumerate(w.words) if x == "top"), -1)
    if top >= 0 and not dims:  # "top 3 accounts by number of resources"
        at = top + 2 if w.words[top + 1 : top + 2] and w.words[top + 1].isdigit() else top + 1
        word = w.words[at] if at < len(w.words) else ""
        if word in DIMENSIONS and w.free(at) and DIMENSIONS[word] in {"region", "account", "provider", "kind"}:
            w.take(at)
            dims.append(DIMENSIONS[word])
            w.take_any(_BY_COUNT)
    for phrase in ("break down", "breakdown", "broken down", "grouped", "group", "split"):
        if dims:
            w.take_any([phrase])
    return tuple(dict.fromkeys(dims))


_BY_COUNT = (
    "by resource count",
    "by resources",
    "by number of resources",
    "by count",
    "by the number of resources",
    "by how many resources",
    "with the most resources",
)


def _decline(why: str) -> Decline:
    return Decline(why)


def _locations(w: _Words, vocab: Vocabulary) -> list[Condition]:
    """Regions and accounts (AWS account ids, Azure subscriptions, GCP projects) named in the question."""
    out: list[Condition] = []
    for i, word in enumerate(w.words):
        if not w.free(i):
            continue
        prev = w.words[i - 1] if i else ""
        if word in vocab.regions and ((word not in FILLER and word != "global") or prev in {"in", "region"}):
            w.take(i)
            out.append(Condition(f"n.region = {string_literal(word)}", f"in {word}"))
        elif word in vocab.accounts or (word.isdigit() and len(word) == 12):
            w.take(i)
            out.append(Condition(f"n.account = {string_literal(word)}", f"in account {word}"))
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
