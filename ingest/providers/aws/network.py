"""AWS network and block storage: every unit of the area, for the registry.

The units themselves live in ``network_ebs`` (volumes, snapshots, AMIs) and ``network_vpc`` (route
tables, gateways, peering, transit gateways, network ACLs, interfaces, Elastic IPs).
"""

from __future__ import annotations

from ingest.providers.aws import network_ebs, network_vpc
from ingest.providers.aws.unit import AwsUnit

UNITS: tuple[AwsUnit, ...] = (network_ebs.UNIT, network_vpc.UNIT)
