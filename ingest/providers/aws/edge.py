"""AWS edge services (being written: see issue 3). Placeholder so the unit registry imports."""

from __future__ import annotations

from ingest.providers.aws.unit import AwsUnit

UNITS: tuple[AwsUnit, ...] = ()
