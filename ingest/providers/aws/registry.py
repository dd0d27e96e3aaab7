"""Every AWS unit, in the order they run within a region (a unit's edges may point at nodes an
earlier unit wrote: the networking units come first)."""

from __future__ import annotations

from ingest.providers.aws import account, compute, data, ec2, edge, events, identity, network, tagging
from ingest.providers.aws.unit import AwsUnit

ALL_UNITS: tuple[AwsUnit, ...] = (
    *ec2.UNITS,
    *network.UNITS,
    *compute.UNITS,
    *data.UNITS,
    *events.UNITS,
    *account.UNITS,
    *identity.UNITS,
    *edge.UNITS,
    *tagging.UNITS,
)


def unit(service: str) -> AwsUnit:
    for candidate in ALL_UNITS:
        if candidate.service == service:
            return candidate
    raise KeyError(f"no AWS unit {service!r}; known: {', '.join(u.service for u in ALL_UNITS)}")
