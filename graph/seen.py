"""When discovery last saw a node: its own ``last_seen`` or the stamp of the last sync of its scope.

The reconciling writer (``graph.reconcile``) writes only new and changed rows, so an unchanged node keeps the
``last_seen`` of the sync that last wrote it. What says it was seen since is its scope: each unit that
finishes stamps its scope (provider, account, region, labels) with the sync's time and generation. A node
still in a scope after that scope's sync was seen by it (whatever the sync did not see, it removed), so a
node's last sighting is the later of its own ``last_seen`` and the stamp of every scope that holds it (its
labels, its account, its region or every region).

The stamps live on one ``SyncScope`` node per provider, account and region (not one per unit: the graph's
bookkeeping stays a handful of nodes per account), one pair of properties per label: ``seen.<Label>`` (when)
and ``sync.<Label>`` (the generation). A node an older version wrote per unit (``labels`` and ``last_seen``)
is still read.

``last_seen_cypher`` gives that as a Cypher expression; ``SeenStamps`` answers it in Python for nodes
already read (one small query for every scope, cached for a few seconds per graph).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime

import neo4j.time

from graph.neo4j.client import Graph
from graph.rows import ALL_REGIONS, Scope
from graph.write import SyncStamp

__all__ = ["SCOPE_LABEL", "SeenStamps", "last_seen_cypher", "record_seen", "scope_id", "seen_stamps"]

SCOPE_LABEL = "SyncScope"


SEEN_PREFIX, SYNC_PREFIX = "seen.", "sync."


def scope_id(scope: Scope) -> str:
    """The id of the node holding ``scope``'s stamps: one per provider, account and region."""
    return f"{scope.provider}|{scope.account}|{scope.region}"


# Per label: stamped unless a later sync already stamped it (an older sync finishing later never moves it back).
RECORD_SEEN = (
    f"MERGE (s:{SCOPE_LABEL} {{id: $id}}) "
    "ON CREATE SET s.provider = $provider, s.account = $account, s.region = $region, s.labels = [] "
    f"WITH s, [l IN $labels WHERE coalesce(s['{SYNC_PREFIX}' + l], -1) < $gen] AS fresh "
    "SET s.labels = s.labels + [l IN fresh WHERE NOT l IN s.labels] "
    f"FOREACH (l IN fresh | SET s['{SEEN_PREFIX}' + l] = $at, s['{SYNC_PREFIX}' + l] = $gen)"
)


def record_seen(graph: Graph, scope: Scope, stamp: SyncStamp) -> None:
    """Stamp ``scope`` as seen by the sync of ``stamp`` (an older sync finishing later never moves it back)."""
    with _lock:
        _cache.pop(id(graph), None)
    graph.write(
        RECORD_SEEN,
        {
            "id": scope_id(scope),
            "provider": scope.provider,
            "account": scope.account,
            "region": scope.region,
            "labels": sorted(scope.labels),
            "gen": stamp.generation,
            "at": stamp.at,
        },
    )


def last_seen_cypher(var: str) -> str:
    """A Cypher expression: when the node ``var`` was last seen (its own stamp or its scopes')."""
    return (
        f"reduce(m = {var}.last_seen, t IN COLLECT {{ MATCH (s:{SCOPE_LABEL} {{account: {var}.account}}) "
        f"WHERE (s.region = {var}.region OR s.region = '{ALL_REGIONS}') "
        f"UNWIND labels({var}) AS l WITH s, l WHERE l IN s.labels "
        f"RETURN coalesce(s['{SEEN_PREFIX}' + l], s.last_seen) AS t }} "
        "| CASE WHEN m IS NULL OR t > m THEN t ELSE m END)"
    )


@dataclass(frozen=True)
class _Stamp:
    account: str
    region: str
    labels: frozenset[str]
    at: datetime


class SeenStamps:
    """Every scope's stamp, to answer when a node already read was last seen."""

    def __init__(self, stamps: Iterable[_Stamp]) -> None:
        self._by_account: dict[str, list[_Stamp]] = {}
        for stamp in stamps:
            self._by_account.setdefault(stamp.account, []).append(stamp)

    @classmethod
    def load(cls, graph: Graph) -> SeenStamps:
        records = graph.read(f"MATCH (s:{SCOPE_LABEL}) RETURN properties(s) AS p")
        return cls(stamp for r in records for stamp in _stamps(r["p"]))

    def last_seen(
        self, labels: Iterable[str], account: object, region: object, own: datetime | None
    ) -> datetime | None:
        """The later of ``own`` and the stamp of every scope holding a node with these labels, account, region."""
        best = own
        names = set(labels)
        for stamp in self._by_account.get(str(account), ()):
            if stamp.region in (region, ALL_REGIONS) and stamp.labels & names and (best is None or stamp.at > best):
                best = stamp.at
        return best


def _stamps(props: dict[str, object]) -> Iterator[_Stamp]:
    """A scope node's stamps: one per label (``seen.<Label>``), or the whole node's for the older per-unit form."""
    account, region = str(props.get("account")), str(props.get("region"))
    for key, value in props.items():
        if key.startswith(SEEN_PREFIX) and value is not None:
            yield _Stamp(account, region, frozenset({key[len(SEEN_PREFIX) :]}), _native(value))
    legacy = props.get("last_seen")
    if legacy is not None:
        labels = props.get("labels") or ()
        assert isinstance(labels, list | tuple)
        yield _Stamp(account, region, frozenset(str(label) for label in labels), _native(legacy))


def _native(value: object) -> datetime:
    if isinstance(value, neo4j.time.DateTime):
        return value.to_native()
    assert isinstance(value, datetime)
    return value


_CACHE_SECONDS = 2.0
_cache: dict[int, tuple[float, SeenStamps]] = {}
_lock = threading.Lock()


def seen_stamps(graph: Graph) -> SeenStamps:
    """``SeenStamps.load(graph)``, reused for a couple of seconds (a page of nodes asks once, not per node)."""
    now = time.monotonic()
    with _lock:
        hit = _cache.get(id(graph))
        if hit is not None and now - hit[0] < _CACHE_SECONDS:
            return hit[1]
    stamps = SeenStamps.load(graph)
    with _lock:
        _cache[id(graph)] = (now, stamps)
    return stamps
