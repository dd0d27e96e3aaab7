"""Properties every node with the ``Resource`` label carries, whatever its provider."""

from __future__ import annotations

from graph.schema.model import Property

RESOURCE_PROPERTIES: tuple[Property, ...] = (
    Property("id", "string", "Stable id: the ARN, Azure resource id or GCP full resource name.", indexed=True),
    Property("provider", "string", "Cloud provider: aws, azure or gcp.", indexed=True),
    Property("account", "string", "AWS account id, Azure subscription id or GCP project id.", indexed=True),
    Property("region", "string", "Region or location; 'global' for global services.", indexed=True),
    Property("kind", "string", "The resource's specific label, e.g. EC2Instance.", indexed=True),
    Property("name", "string", "Display name: the Name tag, else the provider's name or id.", indexed=True),
    Property(
        "tags",
        "string[]",
        "Tags as 'key=value' strings, split on the first '=' ('=' in a key is written %3D; a missing value is empty).",
        indexed=False,
    ),
    Property("first_seen", "datetime", "When discovery first saw the resource."),
    Property("last_seen", "datetime", "When discovery last saw the resource."),
    Property("last_sync", "int", "Generation of the sync that last wrote the node (for scoped cleanup)."),
    Property(
        "monthly_cost_usd",
        "float",
        "Estimated monthly list-price cost in USD (730 h/month), set after each sync; absent when not priced.",
        indexed=True,
    ),
    Property("cost_basis", "string", "How monthly_cost_usd was computed, or why the resource is not priced."),
    Property(
        "cpu_utilization_p95",
        "float",
        "95th-percentile CPU utilisation in percent, when a metrics source provides it (discovery does not yet).",
    ),
)

# What a node that is part of a resource (not a Resource itself) carries for scoped cleanup.
SCOPED_PROPERTIES: tuple[Property, ...] = tuple(
    p for p in RESOURCE_PROPERTIES if p.name in {"account", "region", "first_seen", "last_seen", "last_sync"}
)

# Written by the graph writer itself, never by a transform.
STAMP_PROPERTIES = frozenset({"first_seen", "last_seen", "last_sync"})
