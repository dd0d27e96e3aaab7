"""The published Azure payloads under tests/fixtures/real/azure/<kind>/ (sources in SOURCES.md), loaded as
discovery receives them and run through the transform."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ingest.providers.azure.builder import RESOURCE_GROUP_TYPE, SUBSCRIPTION_TYPE
from ingest.providers.azure.props import lid
from ingest.providers.azure.query import AzurePayload
from ingest.providers.azure.transform import AzureRead, read_azure, transform_sql_firewall_rules
from ingest.providers.azure.web_config import transform_web_configs

CORPUS = Path(__file__).resolve().parent.parent / "fixtures" / "real" / "azure"
ROLE_ASSIGNMENT = "microsoft.authorization/roleassignments"
ROLE_DEFINITION = "microsoft.authorization/roledefinitions"
# read from ARM (a list, a resource body), not Resource Graph
ARM_KINDS = {"AzureSqlFirewallRule": transform_sql_firewall_rules, "AzureWebAppConfig": transform_web_configs}
CONTAINER_TYPES = frozenset({SUBSCRIPTION_TYPE, RESOURCE_GROUP_TYPE})  # ResourceContainers rows


@dataclass(frozen=True)
class Sample:
    kind: str
    file: str
    payloads: tuple[Mapping[str, Any], ...]  # the rows (or ARM list items) the kind's fields apply to
    read: AzureRead


def kinds() -> list[str]:
    return sorted(p.name for p in CORPUS.iterdir() if p.is_dir())


def _load(path: Path) -> list[Mapping[str, Any]]:
    body = json.loads(path.read_text())
    return list(body["value"]) if isinstance(body, dict) and "value" in body and "id" not in body else [body]


def sample(kind: str, name: str) -> Sample:
    path = CORPUS / kind / name
    items = _load(path)
    if kind in ARM_KINDS:
        rows = ARM_KINDS[kind]((), items)
        return Sample(kind, name, tuple(items), AzureRead(rows, ()))
    definitions = tuple(
        r for p in (CORPUS / kind).glob("*.json") for r in _load(p) if lid(r.get("type")) == ROLE_DEFINITION
    )
    assignments = tuple(r for r in items if lid(r.get("type")) == ROLE_ASSIGNMENT)
    containers = tuple(r for r in items if lid(r.get("type")) in CONTAINER_TYPES)
    resources = tuple(
        r for r in items if lid(r.get("type")) not in (ROLE_ASSIGNMENT, ROLE_DEFINITION, *CONTAINER_TYPES)
    )
    read = read_azure(AzurePayload(containers, resources, assignments, definitions))
    return Sample(kind, name, containers + resources + assignments, read)


def samples() -> list[Sample]:
    return [sample(kind, p.name) for kind in kinds() for p in sorted((CORPUS / kind).glob("*.json"))]
