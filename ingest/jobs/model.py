"""The values a discovery job passes between its stages: frozen, and JSON-able for Celery and Redis."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from graph.rows import EdgeRow, PropValue
from graph.write import SyncStamp

Provider = Literal["aws", "azure", "gcp"]
UnitStatus = Literal["pending", "running", "staged", "succeeded", "failed"]
JobStatus = Literal["queued", "running", "succeeded", "partial", "failed"]
FINAL_JOB_STATUSES = ("succeeded", "partial", "failed")


@dataclass(frozen=True)
class JobRequest:
    """What a caller asked for (``aidiscover.start_job``'s kwargs)."""

    provider: str  # aws | azure | gcp | all
    accounts: tuple[str, ...] = ()
    regions: tuple[str, ...] = ()
    started_by: str = "cli"
    services: tuple[str, ...] = ()  # AWS services to discover (``ingest.providers.aws.registry``); empty: all
    full: bool = False  # every unit reconciles in full (``graph.digest.FullReconcile``)

    def scope(self) -> str:
        parts = [
            f"accounts={','.join(self.accounts)}" if self.accounts else "",
            f"regions={','.join(self.regions)}" if self.regions else "",
            f"services={','.join(self.services)}" if self.services else "",
            "full reconcile" if self.full else "",
        ]
        return " ".join(p for p in parts if p) or "configured"


@dataclass(frozen=True)
class UnitSpec:
    """One unit: a service of one account in one region (AWS), the requested subscriptions read together
    (Azure), one scope (GCP). ``source`` says how to reach it: the AWS target's source, the Azure subscriptions
    (comma-separated), the GCP scope."""

    provider: Provider
    account: str
    region: str
    service: str
    source: str = ""
    full: bool = False  # reconcile in full, whatever the unit's digest says

    @property
    def key(self) -> str:
        return f"{self.provider}/{self.account}/{self.region}/{self.service}"

    def to_json(self) -> dict[str, str | bool]:
        return {
            "provider": self.provider,
            "account": self.account,
            "region": self.region,
            "service": self.service,
            "source": self.source,
            "full": self.full,
        }

    @classmethod
    def from_json(cls, data: Mapping[str, str | bool]) -> UnitSpec:
        provider = data["provider"]
        if provider not in ("aws", "azure", "gcp"):
            raise ValueError(f"unknown provider {provider!r}")
        return cls(
            provider,  # type: ignore[arg-type]
            str(data["account"]),
            str(data["region"]),
            str(data["service"]),
            str(data.get("source", "")),
            bool(data.get("full", False)),
        )


@dataclass(frozen=True)
class UnitOutcome:
    """What one unit did (both phases), or why it failed (then it removed nothing)."""

    key: str
    status: UnitStatus
    nodes: int = 0
    edges: int = 0
    removed_nodes: int = 0
    removed_edges: int = 0
    changes: int = 0
    anomalies: int = 0
    warnings: tuple[str, ...] = ()
    errors: tuple[str, ...] = ()
    seconds: float = 0.0
    accounts: tuple[str, ...] = ()  # AWS accounts whose derived links the job applies at the end
    skipped_edges: int = 0  # edges whose other end no unit wrote (declared references not counted)
    written: int = 0  # nodes and edges written (new or changed); ``nodes`` and ``edges`` count those in sync
    kinds: tuple[str, ...] = ()  # labels whose nodes or outgoing edges it may have changed (none: it changed nothing)

    @property
    def changed(self) -> bool:
        return bool(self.written or self.removed_nodes or self.removed_edges)


def stamp_to_json(stamp: SyncStamp) -> dict[str, object]:
    return {"generation": stamp.generation, "at": stamp.at.isoformat()}


def stamp_from_json(data: dict[str, object]) -> SyncStamp:
    return SyncStamp(int(str(data["generation"])), datetime.fromisoformat(str(data["at"])))


def _encode(value: PropValue) -> object:
    if isinstance(value, datetime):
        return {"$dt": value.isoformat()}
    if isinstance(value, tuple):
        return list(value)
    return value


def _decode(value: object) -> PropValue:
    if isinstance(value, dict):
        return datetime.fromisoformat(str(value["$dt"]))
    if isinstance(value, list):
        return tuple(str(v) for v in value)
    return value  # type: ignore[return-value]


def edges_to_json(edges: tuple[EdgeRow, ...]) -> str:
    return json.dumps(
        [
            [
                e.type,
                e.source_label,
                e.source_id,
                e.target_label,
                e.target_id,
                {k: _encode(v) for k, v in (e.props or {}).items()},
            ]
            for e in edges
        ]
    )


def edges_from_json(text: str) -> tuple[EdgeRow, ...]:
    return tuple(
        EdgeRow(t, sl, sid, tl, tid, {k: _decode(v) for k, v in props.items()} or None)
        for t, sl, sid, tl, tid, props in json.loads(text)
    )
