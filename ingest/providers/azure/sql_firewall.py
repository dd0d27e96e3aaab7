"""SQL server firewall rules, read from Azure Resource Manager as a unit of its own.

Resource Graph does not index ``Microsoft.Sql/servers/firewallRules``, so the servers come from Resource
Graph and each server's rules from ``GET {server}/firewallRules``. A server whose rules the credentials may
not read (403) becomes a warning naming the permission, and the unit then removes no rule in that
subscription; in every other visible subscription, rules no longer there are removed. A server deleted in
between (404) is skipped. The rules' edges to their server and resource group are references: the Resource
Graph unit writes those nodes.
"""

from __future__ import annotations

from dataclasses import dataclass

from core.settings import Settings
from ingest.jobs.model import UnitSpec
from ingest.providers.azure.arm import ArmReader, Refused
from ingest.providers.azure.arm_unit import read_each, read_parents, unit_rows
from ingest.providers.azure.query import ArmRow
from ingest.providers.azure.transform import transform_sql_firewall_rules
from ingest.providers.unit import UnitRows

__all__ = ["API_VERSION", "SERVERS_QUERY", "SERVICE", "AzureSqlFirewallUnit", "FirewallRead", "read_firewall_rules"]

SERVICE = "sql-firewall"
API_VERSION = "2021-11-01"
SERVERS_QUERY = "Resources | where type =~ 'microsoft.sql/servers' | order by id asc"
LABELS = ("AzureSqlFirewallRule",)


@dataclass(frozen=True)
class FirewallRead:
    """The SQL servers, the firewall rules read, and the servers whose rules could not be read."""

    servers: tuple[ArmRow, ...]
    rules: tuple[ArmRow, ...]
    refused: tuple[Refused, ...]


def read_firewall_rules(arm: ArmReader, servers: tuple[ArmRow, ...]) -> FirewallRead:
    rules, refused = read_each(servers, lambda server: arm.get_list(f"{server}/firewallRules", API_VERSION))
    return FirewallRead(servers, rules, refused)


def _warning(r: Refused) -> str:
    return (
        f"azure sql server {r.path.rsplit('/', 1)[0]}: firewall rules not readable ({r.reason}); grant "
        "Microsoft.Sql/servers/firewallRules/read (e.g. the Reader role); its subscription's rules were kept"
    )


@dataclass(frozen=True)
class AzureSqlFirewallUnit:
    service: str = SERVICE

    def read(self, spec: UnitSpec, settings: Settings) -> UnitRows:
        """``spec.source``: the subscriptions, comma-separated (empty: every visible one)."""
        containers, read = read_parents(spec, settings, SERVERS_QUERY, read_firewall_rules)
        return unit_rows(
            transform_sql_firewall_rules(read.servers, read.rules), containers, read.refused, LABELS, _warning
        )
