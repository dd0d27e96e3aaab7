"""The look shared by the viewer, the HTML report and the Bloom perspective, declared once as data.

``static/palette.json`` holds the colours (per cloud, per finding severity, per blast-radius distance) and
``static/kinds.json`` the family of every kind with the family's icon (``static/icons``). The viewer's
bundle imports both files (web/app/src/style.js, icons.js); Python reads them here.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from types import MappingProxyType

from web import STATIC_DIR

__all__ = [
    "DISTANCE_COLOURS",
    "FAMILIES",
    "KIND_FAMILY",
    "PROVIDER_COLOURS",
    "SEVERITY_COLOURS",
    "Family",
    "family_of",
    "provider_colour",
]


@dataclass(frozen=True)
class Family:
    """A family of kinds drawn with one icon (a Tabler icon name, ``static/icons/<icon>.svg``)."""

    name: str
    icon: str
    title: str


def _load(name: str) -> dict[str, object]:
    value = json.loads((STATIC_DIR / name).read_text(encoding="utf-8"))
    assert isinstance(value, dict), f"{name} is not a JSON object"
    return value


def _str_map(value: object) -> MappingProxyType[str, str]:
    assert isinstance(value, dict)
    return MappingProxyType({str(k): str(v) for k, v in value.items()})


_PALETTE = _load("palette.json")
_KINDS = _load("kinds.json")

PROVIDER_COLOURS = _str_map(_PALETTE["providers"])
"""Colour of each cloud (``aws``, ``azure``, ``gcp``; ``any`` for the product's own records)."""
SEVERITY_COLOURS = _str_map(_PALETTE["severity"])
"""Colour of each finding severity."""
_distance = _PALETTE["distance"]
assert isinstance(_distance, list)
DISTANCE_COLOURS: tuple[str, ...] = tuple(str(c) for c in _distance)
"""Blast-radius colours by distance (1 hop first)."""

_families = _KINDS["families"]
assert isinstance(_families, dict)
FAMILIES = MappingProxyType(
    {name: Family(name, str(spec["icon"]), str(spec["title"])) for name, spec in _families.items()}
)
"""Every kind family, by name."""
KIND_FAMILY = _str_map(_KINDS["kinds"])
"""The family name of every kind the viewer can show (schema labels, plus ``Internet``)."""


def family_of(label: str) -> Family:
    """A kind's family (``other`` for a label the declaration does not name)."""
    return FAMILIES[KIND_FAMILY.get(label, "other")]


def provider_colour(provider: str) -> str:
    return PROVIDER_COLOURS.get(provider.lower(), PROVIDER_COLOURS["any"])
