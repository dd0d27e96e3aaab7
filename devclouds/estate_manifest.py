"""What the demo estate generator created: every resource (by the id discovery gives it) and the key typed edges.

The manifest is the generator's promise to the tests and the benchmark: each resource listed here must
become a node with that label and id, and each edge a relationship of that type between those nodes.
Sizes are declared here too, as the number of app-tier copies per cloud.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from typing import Literal

from devclouds.estate_findings import expected_rules
from graph.tags import tags_from_map

Size = Literal["S", "M", "L"]

AWS_ACCOUNTS = ("123456789012", "210987654321")
# Each account's IAM alias, set in moto as an administrator would: discovery names the accounts from them.
AWS_ACCOUNT_ALIASES = {"123456789012": "demo-platform", "210987654321": "demo-workloads"}
AWS_REGIONS = ("us-east-1", "eu-west-1")
AUDIT_ROLE = "aidiscover-audit"  # the role discovery assumes in each account (moto accepts any role name)


@dataclass(frozen=True)
class SizePlan:
    """How many app-tier copies each cloud gets (AWS: per account and region)."""

    aws_tiers: int
    azure_tiers: int
    gcp_tiers: int


# AWS is the slow cloud to emulate (moto answers one call at a time, ~0.4 s per tier of ~15 resources):
# most of M and L lives in Azure (~48 resources per tier) and GCP (~8 per tier), which are rows in memory.
SIZES: dict[str, SizePlan] = {
    "S": SizePlan(aws_tiers=1, azure_tiers=3, gcp_tiers=8),
    "M": SizePlan(aws_tiers=30, azure_tiers=85, gcp_tiers=500),
    "L": SizePlan(aws_tiers=60, azure_tiers=950, gcp_tiers=6200),
}


@dataclass(frozen=True, order=True)
class ManifestResource:
    """One created resource: the graph label and id discovery must give it, its name and sorted k=v tags."""

    cloud: str
    label: str
    id: str
    name: str = ""
    tags: tuple[str, ...] = ()


@dataclass(frozen=True, order=True)
class ManifestEdge:
    """One typed relationship the generator created on purpose."""

    type: str
    source_label: str
    source: str
    target_label: str
    target: str


@dataclass(frozen=True, order=True)
class Misconfiguration:
    """One deliberate misconfiguration (``slug``), on which resource, and the findings rules expected to flag it.

    ``label`` and ``resource_id`` name the node discovery gives the resource; a toxic path names the
    resource it starts from (the exposed instance or load balancer) and says the rest in ``description``.
    ``rules`` are the ids of the rules (``queries.findings.catalogue``) that must find it
    (``devclouds.estate_findings``).
    """

    slug: str
    cloud: str
    label: str
    resource_id: str
    description: str
    rules: tuple[str, ...] = ()


@dataclass(frozen=True)
class EstateManifest:
    size: str
    seed: int
    resources: tuple[ManifestResource, ...]
    edges: tuple[ManifestEdge, ...]
    seconds: dict[str, float] = field(default_factory=dict, compare=False)
    misconfigurations: tuple[Misconfiguration, ...] = ()

    def ids(self, label: str) -> set[str]:
        return {r.id for r in self.resources if r.label == label}

    def labels(self) -> set[str]:
        return {r.label for r in self.resources}

    def count(self, cloud: str) -> int:
        return sum(1 for r in self.resources if r.cloud == cloud)

    def misconfigured(self, slug: str) -> set[str]:
        return {m.resource_id for m in self.misconfigurations if m.slug == slug}

    def to_json(self) -> str:
        return json.dumps(asdict(self), indent=1, sort_keys=True)


@dataclass
class Collected:
    """Resources and edges as a cloud's builder records them."""

    resources: list[ManifestResource] = field(default_factory=list)
    edges: list[ManifestEdge] = field(default_factory=list)
    misconfigurations: list[Misconfiguration] = field(default_factory=list)

    def add(self, cloud: str, label: str, id_: str, name: str = "", tags: dict[str, str] | None = None) -> str:
        self.resources.append(ManifestResource(cloud, label, id_, name, tags_from_map(tags)))
        return id_

    def edge(self, type_: str, source_label: str, source: str, target_label: str, target: str) -> None:
        self.edges.append(ManifestEdge(type_, source_label, source, target_label, target))

    def misconfig(self, slug: str, cloud: str, label: str, resource_id: str, description: str) -> None:
        self.misconfigurations.append(
            Misconfiguration(slug, cloud, label, resource_id, description, expected_rules(slug))
        )

    def known(self) -> set[str]:
        return {r.id for r in self.resources}
