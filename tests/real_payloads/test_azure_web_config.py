"""Does any App Service app accept old TLS or plain FTP? Answered from each app's config/web resource read
from ARM, on Microsoft's published examples: GetWebApp.json (the site, a Resource Graph row) and
GetSiteConfig.json (its ``GET {site}/config/web`` body), both for sitef6141 (sources in SOURCES.md)."""

from __future__ import annotations

import copy
import json
from datetime import UTC, datetime
from typing import Any

from graph.neo4j.client import Graph
from graph.schema import SCHEMA
from graph.write import GraphWriter, SyncStamp
from ingest.providers.azure.query import AzurePayload
from ingest.providers.azure.transform import transform_azure
from ingest.providers.azure.web_config import transform_web_configs
from queries.findings.catalogue import BY_ID
from queries.findings.evaluate import run_rule
from tests.real_payloads.azure_corpus import CORPUS

SITE = (
    "/subscriptions/34adfa4f-cedf-4dc0-ba29-b6d1a69ab345/resourcegroups/testrg123/providers/microsoft.web/sites/"
    "sitef6141"
)


def _site() -> dict[str, Any]:
    row: dict[str, Any] = json.loads((CORPUS / "AzureWebApp" / "GetWebApp.json").read_text())
    return row


def _config(**changes: object) -> dict[str, Any]:
    body: dict[str, Any] = json.loads((CORPUS / "AzureWebAppConfig" / "GetSiteConfig.json").read_text())
    for key, value in changes.items():
        if value is None:
            body["properties"].pop(key)
        else:
            body["properties"][key] = value
    return body


def test_the_published_settings_reach_the_app_with_its_location() -> None:
    out = transform_web_configs([_site()], [_config()])
    (node,) = out.nodes
    assert (node.label, node.id) == ("AzureWebAppConfig", f"{SITE}/config/web")
    assert {k: node.props[k] for k in ("min_tls_version", "scm_min_tls_version", "ftps_state", "http20_enabled")} == {
        "min_tls_version": "1.2",
        "scm_min_tls_version": "1.2",
        "ftps_state": "AllAllowed",
        "http20_enabled": False,
    }
    assert (node.props["name"], node.props["app"], node.props["region"]) == (
        "sitef6141 config/web",
        "sitef6141",
        "eastus",
    )
    assert {(e.type, e.source_label, e.source_id) for e in out.edges if e.target_id == node.id} == {
        ("HAS_CONFIG", "AzureWebApp", SITE)
    }


def test_absent_settings_take_their_documented_defaults() -> None:
    (node,) = transform_web_configs([], [_config(minTlsVersion=None, ftpsState=None, scmMinTlsVersion=None)]).nodes
    assert (node.props["min_tls_version"], node.props["ftps_state"], node.props["scm_min_tls_version"]) == (
        "1.2",
        "AllAllowed",
        None,
    )


def _discovered(graph: Graph, config: dict[str, Any]) -> None:
    site = _site()
    rows = transform_azure(AzurePayload((), (site,), ()))
    settings = transform_web_configs([site], [config])
    graph.wipe()
    writer = GraphWriter(graph, SCHEMA)
    stamp = SyncStamp(1, datetime(2026, 1, 1, tzinfo=UTC))
    writer.nodes((*rows.nodes, *settings.nodes), stamp)
    writer.edges((*rows.edges, *settings.edges), stamp)


def _flagged(graph: Graph, rule: str) -> list[str]:
    return [h.resource_id for h in run_rule(graph, BY_ID[rule], datetime.now(UTC))]


def test_the_published_app_accepts_plain_ftp_but_not_old_tls(graph: Graph) -> None:
    _discovered(graph, _config())
    assert _flagged(graph, "azure-webapp-ftp-allowed") == [SITE]
    assert _flagged(graph, "azure-webapp-old-tls") == []


def test_tls_1_0_is_found_and_ftps_only_is_not(graph: Graph) -> None:
    _discovered(graph, _config(minTlsVersion="1.0", ftpsState="FtpsOnly"))
    assert _flagged(graph, "azure-webapp-old-tls") == [SITE]
    assert _flagged(graph, "azure-webapp-ftp-allowed") == []


def test_an_app_whose_settings_were_not_read_is_not_judged(graph: Graph) -> None:
    """No config/web resource (the unit was refused): nothing is known, nothing is claimed."""
    site = copy.deepcopy(_site())
    site["properties"]["siteConfig"] = {"minTlsVersion": None, "ftpsState": None}
    rows = transform_azure(AzurePayload((), (site,), ()))
    graph.wipe()
    GraphWriter(graph, SCHEMA).nodes(rows.nodes, SyncStamp(1, datetime(2026, 1, 1, tzinfo=UTC)))
    assert _flagged(graph, "azure-webapp-ftp-allowed") == []
    assert _flagged(graph, "azure-webapp-old-tls") == []
