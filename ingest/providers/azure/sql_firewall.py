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
from graph.rows import ALL_REGIONS, Scope
from ingest.jobs.model import UnitSpec
from ingest.providers.azure.arm import ArmReader, Refused, make_arm_reader
from ingest.providers.azure.client import azure_errors, https_required, make_client
from ingest.providers.azure.props import lid
from ingest.providers.azure.query import CONTAINERS_QUERY, ArmRow, query_all
from ingest.providers.azure.transform import SUBSCRIPTION_TYPE, transform_sql_firewall_rules
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
    rules: list[ArmRow] = []
    refused: list[Refused] = []
    for server in servers:
        server_id = server.get("id")
        if not isinstance(server_id, str) or not server_id:
            continue
        got = arm.get_list(f"{server_id}/firewallRules", API_VERSION)
        if isinstance(got, Refused):
            refused.append(got)
        elif got is not None:
            rules.extend(got)
    return FirewallRead(servers, tuple(rules), tuple(refused))


def _subscription(resource_id: str) -> str:
    parts = lid(resource_id).split("/")
    return parts[2] if len(parts) > 2 and parts[1] == "subscriptions" else ""


@dataclass(frozen=True)
class AzureSqlFirewallUnit:
    service: str = SERVICE

    def read(self, spec: UnitSpec, settings: Settings) -> UnitRows:
        """``spec.source``: the subscriptions, comma-separated (empty: every visible one)."""
        requested = tuple(s for s in spec.source.split(",") if s)
        client = make_client(settings.azure)
        page, https = settings.azure.page_size, https_required(settings.azure)
        with client, azure_errors(settings.azure.endpoint):
            containers = query_all(client, CONTAINERS_QUERY, requested, page, https)
            servers = tuple(query_all(client, SERVERS_QUERY, requested, page, https))
            with make_arm_reader(settings.azure) as arm:
                read = read_firewall_rules(arm, servers)
        rows = transform_sql_firewall_rules(read.servers, read.rules)
        blocked = {_subscription(r.path) for r in read.refused}
        visible = {lid(c.get("subscriptionId")) for c in containers if lid(c.get("type")) == SUBSCRIPTION_TYPE}
        seen = sorted(visible - blocked - {""})
        warnings = tuple(
            f"azure sql server {r.path.rsplit('/', 1)[0]}: firewall rules not readable ({r.reason}); grant "
            "Microsoft.Sql/servers/firewallRules/read (e.g. the Reader role); its subscription's rules were kept"
            for r in read.refused
        )
        scopes = tuple(Scope("azure", sub, ALL_REGIONS, LABELS) for sub in seen)
        return UnitRows(rows.nodes, (), scopes, references=rows.edges, warnings=warnings)
