"""What every GCP kind handler shares: one merged asset (:class:`Item`), the scope-wide lookups
(:class:`Context`), what a handler returns (:class:`KindRows`) and the readers of Compute-style values.

References inside Compute payloads are self links (``https://www.googleapis.com/compute/v1/projects/..``)
or relative paths (``projects/p/global/networks/n``); both become full resource names.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from graph.rows import EdgeRow, NodeRow, PropValue
from ingest.providers.gcp.payload import Json, SearchResult

__all__ = [
    "INTERNET",
    "Context",
    "Item",
    "KindRows",
    "Props",
    "as_bool",
    "as_int",
    "as_str",
    "compute_ref",
    "default_compute_sa",
    "edge",
    "m",
    "seq",
    "short",
    "strings",
    "zone_region",
]

INTERNET = frozenset({"0.0.0.0/0", "::/0"})
Props = dict[str, PropValue]
_ZONE = re.compile(r"^[a-z]+-[a-z]+\d+-[a-z]$")


@dataclass(frozen=True)
class Item:
    """One asset: both Cloud Asset views of it merged."""

    name: str
    asset_type: str
    label: str
    data: Json
    search: SearchResult | None
    project_number: str
    parent: str


@dataclass(frozen=True)
class Context:
    """Lookups across the scope, built before any asset is transformed."""

    sa_by_email: Mapping[str, str] = field(default_factory=dict)  # email -> service account node id
    url_maps: Mapping[str, Json] = field(default_factory=dict)  # url map full name -> data
    public: frozenset[str] = frozenset()  # resources allUsers / allAuthenticatedUsers hold a role on
    asset_names: frozenset[str] = frozenset()

    def sa_id(self, email: str) -> str:
        # An account outside the scope keeps a recognisable id; the writer counts an edge to it as unknown.
        return self.sa_by_email.get(email, f"//iam.googleapis.com/projects/-/serviceAccounts/{email}")


@dataclass
class KindRows:
    props: Props = field(default_factory=dict)
    edges: list[EdgeRow] = field(default_factory=list)
    extra_nodes: list[NodeRow] = field(default_factory=list)


def compute_ref(ref: object) -> str | None:
    """A Compute self link or relative path -> ``//compute.googleapis.com/projects/...``."""
    if not isinstance(ref, str) or "projects/" not in ref:
        return None
    return "//compute.googleapis.com/" + ref[ref.index("projects/") :]


def short(ref: object) -> str | None:
    """The last path segment of a URL (machine type, zone, disk type)."""
    return ref.rstrip("/").rsplit("/", 1)[-1] if isinstance(ref, str) and ref else None


def zone_region(location: str | None) -> tuple[str | None, str | None]:
    """``us-central1-a`` -> (zone, ``us-central1``); a region or ``global`` -> (None, itself)."""
    if not location:
        return None, None
    if _ZONE.match(location):
        return location, location.rsplit("-", 1)[0]
    return None, location


def default_compute_sa(project_number: str) -> str | None:
    """The Compute Engine default service account, which ``serviceAccount: "default"`` designates."""
    return f"{project_number}-compute@developer.gserviceaccount.com" if project_number else None


def as_int(value: object) -> int | None:
    """int64 fields arrive as strings (JSON) or floats (protobuf Struct)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return int(value)
    if isinstance(value, str) and value.lstrip("-").isdigit():
        return int(value)
    return None


def as_bool(value: object, default: bool | None = None) -> bool | None:
    """A JSON boolean; ``default`` (the service's documented default) when the field is absent."""
    return value if isinstance(value, bool) else default


def as_str(value: object) -> str | None:
    return value if isinstance(value, str) and value else None


def strings(values: object) -> tuple[str, ...] | None:
    items = tuple(str(v) for v in values if v is not None) if isinstance(values, list) else ()
    return items or None


def m(value: object) -> Json:
    return value if isinstance(value, Mapping) else {}


def seq(value: object) -> list[Any]:
    return [v for v in value if v is not None] if isinstance(value, list) else []


def edge(type_: str, item: Item, target_label: str, target_id: str | None) -> list[EdgeRow]:
    return [EdgeRow(type_, item.label, item.name, target_label, target_id)] if target_id else []
