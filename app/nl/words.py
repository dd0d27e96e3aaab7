"""Fixed English around the schema's words: function words a question may hold without changing its meaning,
the verbs that ask for a change (declined: answers only read), what the graph does not hold, numbers, time
spans, group-by dimensions and lifecycle states.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

__all__ = [
    "DIMENSIONS",
    "FILLER",
    "NUMBERS",
    "PROVIDERS",
    "STATES",
    "UNSUPPORTED",
    "WRITE_VERBS",
    "parse_time",
    "singular",
]

FILLER = frozenset(
    [
        "a",
        "an",
        "the",
        "all",
        "any",
        "every",
        "each",
        "some",
        "of",
        "in",
        "on",
        "at",
        "for",
        "from",
        "to",
        "with",
        "within",
        "across",
        "into",
        "by",
        "per",
        "about",
        "around",
        "is",
        "are",
        "was",
        "were",
        "be",
        "been",
        "being",
        "do",
        "does",
        "did",
        "done",
        "have",
        "has",
        "had",
        "there",
        "here",
        "exist",
        "exists",
        "existing",
        "currently",
        "now",
        "right",
        "today's",
        "what",
        "which",
        "who",
        "whose",
        "how",
        "many",
        "much",
        "count",
        "counts",
        "number",
        "numbers",
        "total",
        "totals",
        "list",
        "lists",
        "show",
        "me",
        "give",
        "tell",
        "find",
        "display",
        "get",
        "see",
        "please",
        "i",
        "we",
        "our",
        "my",
        "us",
        "you",
        "your",
        "it",
        "its",
        "their",
        "this",
        "that",
        "these",
        "those",
        "can",
        "could",
        "would",
        "should",
        "will",
        "may",
        "might",
        "and",
        "or",
        ",",
        "?",
        ".",
        "!",
        ";",
        ":",
        "-",
        "as",
        "than",
        "then",
        "just",
        "only",
        "also",
        "really",
        "actually",
        "them",
        "they",
        "one",
        "ones",
        "resource",
        "resources",
        "thing",
        "things",
        "stuff",
        "everything",
        "anything",
        "something",
        "items",
        "item",
        "cloud",
        "clouds",
        "across",
        "overall",
        "altogether",
        "together",
        "whole",
        "entire",
        "estate",
        "inventory",
        "environment",
        "do",
        "we",
        "have",
        "got",
        "own",
        "currently",
        "kinds",
        "kind",
        "types",
        "many",
        "are",
        "there",
        "belong",
        "belongs",
        "belonging",
        "like",
    ]
)

WRITE_VERBS = frozenset(
    [
        "delete",
        "remove",
        "drop",
        "stop",
        "start",
        "restart",
        "terminate",
        "kill",
        "destroy",
        "create",
        "make",
        "set",
        "change",
        "update",
        "modify",
        "rotate",
        "enable",
        "disable",
        "attach",
        "detach",
        "open",
        "close",
        "shut",
        "reboot",
        "scale",
        "resize",
        "rename",
        "tag",
        "untag",
        "revoke",
        "grant",
        "apply",
        "fix",
        "patch",
        "deploy",
        "launch",
        "spin",
    ]
)

# words that ask for data discovery does not collect, with the reason said back
UNSUPPORTED: dict[str, str] = {
    "cpu": "CPU and memory utilisation are not discovered (no metrics in the graph)",
    "utilisation": "utilisation metrics are not discovered",
    "utilization": "utilisation metrics are not discovered",
    "memory": "CPU and memory utilisation are not discovered (no metrics in the graph)",
    "logs": "logs are not collected; the graph holds configuration only",
    "log": "logs are not collected; the graph holds configuration only",
    "password": "secrets and passwords are never stored in the graph",
    "passwords": "secrets and passwords are never stored in the graph",
    "credentials": "secrets and passwords are never stored in the graph",
    "engineer": "the graph does not record who made a change, only when and what",
    "who": "the graph does not record who made a change or owns a person's account",
    "forecast": "the graph holds current estimates, not forecasts",
    "next": "the graph holds current estimates, not forecasts",
    "compliant": "compliance attestations are not in the graph; ask about findings instead",
    "compliance": "compliance attestations are not in the graph; ask about findings instead",
    "soc": "compliance attestations are not in the graph; ask about findings instead",
    "pods": "Kubernetes workloads (pods) are not discovered, only clusters and node pools",
    "pod": "Kubernetes workloads (pods) are not discovered, only clusters and node pools",
    "crashing": "runtime health is not discovered",
    "weather": "this is not a question about the cloud inventory",
    "poem": "this is not a question about the cloud inventory",
    "joke": "this is not a question about the cloud inventory",
    "translate": "this is not a question about the cloud inventory",
    "won": "this is not a question about the cloud inventory",
}

PROVIDERS: dict[str, str] = {
    "aws": "aws",
    "amazon": "aws",
    "ec2-classic": "aws",
    "azure": "azure",
    "microsoft": "azure",
    "gcp": "gcp",
    "google": "gcp",
}

STATES = frozenset(
    [
        "running",
        "stopped",
        "stopping",
        "pending",
        "terminated",
        "shutting-down",
        "available",
        "in-use",
        "active",
        "deleting",
        "failed",
        "creating",
        "ready",
        "provisioning",
        "suspended",
        "deallocated",
    ]
)

NUMBERS: dict[str, int] = {
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "twenty": 20,
    "a": 1,
    "an": 1,
}

# phrase -> what to group by (a property of the node, or "tag:KEY" filled in by the parser)
DIMENSIONS: dict[str, str] = {
    "region": "region",
    "regions": "region",
    "location": "region",
    "account": "account",
    "accounts": "account",
    "subscription": "account",
    "subscriptions": "account",
    "project": "account",
    "projects": "account",
    "provider": "provider",
    "providers": "provider",
    "cloud": "provider",
    "clouds": "provider",
    "kind": "kind",
    "kinds": "kind",
    "type": "kind",
    "types": "kind",
    "resource type": "kind",
    "instance type": "instance_type",
    "instance types": "instance_type",
    "machine type": "machine_type",
    "machine types": "machine_type",
    "vm size": "vm_size",
    "size": "vm_size",
    "engine": "engine",
    "engines": "engine",
    "severity": "severity",
    "severities": "severity",
    "rule": "rule_id",
    "rules": "rule_id",
    "state": "state",
    "states": "state",
}

_DAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_SPAN = re.compile(
    r"\b(?:in |during |over |within )?(?:the )?(?:last|past) (?P<n>\d+|an?|one|two|three|four|five|six|seven|ten)?"
    r" ?(?P<unit>minute|hour|day|week|month)s?\b"
)
_SINCE = re.compile(r"\bsince (?P<what>yesterday|today|this morning|last week|" + "|".join(_DAYS) + r")\b")
_AGO = re.compile(
    r"\b(?:since )?(?P<n>\d+|an?|one|two|three|four|five|six|seven|ten) (?P<unit>minute|hour|day|week)s? ago\b"
)
_DATE = re.compile(r"\bsince (?P<date>\d{4}-\d{2}-\d{2}(?:t[\d:.]+z?)?)\b")
_OTHER = re.compile(r"\b(?P<what>this week|today|yesterday|recently|recent|lately)\b")


def parse_time(text: str, now: datetime | None = None) -> tuple[datetime, str, tuple[int, int]] | None:
    """The start of the window a question names, how it said it, and the span of text it used."""
    now = now or datetime.now(UTC)
    midnight = now.replace(hour=0, minute=0, second=0, microsecond=0)
    m = _SPAN.search(text)
    if m:
        raw = m.group("n") or "1"
        count = NUMBERS.get(raw, 0) or int(raw)
        unit = m.group("unit")
        delta = timedelta(days=30 * count) if unit == "month" else timedelta(**{unit + "s": count})
        return now - delta, f"in the last {count} {unit}{'s' if count > 1 else ''}", m.span()
    m = _AGO.search(text)
    if m:
        raw = m.group("n")
        count = NUMBERS.get(raw, 0) or int(raw)
        return now - timedelta(**{m.group("unit") + "s": count}), f"since {m.group(0).removeprefix('since ')}", m.span()
    m = _DATE.search(text)
    if m:
        try:
            parsed = datetime.fromisoformat(m.group("date").upper())
        except ValueError:
            return None
        parsed = parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
        return parsed, f"since {m.group('date')}", m.span()
    m = _SINCE.search(text) or _OTHER.search(text)
    if not m:
        return None
    what = m.group("what")
    if what in {"yesterday"}:
        return midnight - timedelta(days=1), "since yesterday", m.span()
    if what in {"today", "this morning"}:
        return midnight, "since midnight today", m.span()
    if what in {"last week", "this week"}:
        return midnight - timedelta(days=midnight.weekday() + (7 if what == "last week" else 0)), what, m.span()
    if what in _DAYS:
        back = (midnight.weekday() - _DAYS.index(what)) % 7
        return midnight - timedelta(days=back), f"since {what.capitalize()}", m.span()
    return now - timedelta(days=7), "in the last 7 days", m.span()


def singular(word: str) -> str:
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 4 and word.endswith(("sses", "xes", "ches", "shes")):
        return word[:-2]
    if len(word) > 2 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word
