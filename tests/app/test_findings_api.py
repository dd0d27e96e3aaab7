"""GraphQL for findings: filter, page and count; the rule catalogue; suppress / unsuppress with roles."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from app.api.context import Context
from app.api.permissions import Principal, Role
from app.api.schema import schema
from core.errors import QueryInputError
from core.settings import Settings
from graph.neo4j.client import Graph
from queries.findings.catalogue import BY_ID
from queries.findings.evaluate import evaluate
from queries.findings.read import FindingFilter, finding_groups
from tests.queries.findings.cases_aws import CASES as AWS_CASES
from tests.queries.findings.cases_azure_gcp import GCP_CASES

FINDINGS = """query($filter: FindingFilterInput, $first: Int!, $after: String) {
  findings(filter: $filter, first: $first, after: $after) {
    totalCount pageInfo { hasNextPage endCursor }
    edges { node { id ruleId severity provider status resourceId command benchmarks pathIds } } } }"""
COUNTS = "query($filter: FindingFilterInput) { findingCounts(filter: $filter) { critical high medium low info total } }"
SUPPRESS = """mutation($rule: String, $tag: String, $until: DateTime!) {
  suppress(ruleId: $rule, tag: $tag, reason: "accepted for the demo", expiresAt: $until) {
    id ruleId tag reason createdBy active } }"""


def run(graph: Graph, settings: Settings, query: str, role: Role | None = "viewer", **variables: Any) -> Any:
    principal = Principal("tester", role, "local") if role else None
    ctx = Context(graph=graph, settings=settings, principal=principal)
    return asyncio.run(schema.execute(query, variable_values=variables, context_value=ctx))


def _seed(graph: Graph) -> set[str]:
    """Three findings of different severities and providers."""
    ids = set()
    for case in (*AWS_CASES, *GCP_CASES):
        if case.rule_id in ("aws-s3-public-policy", "aws-sqs-unencrypted", "gcp-firewall-ssh-open"):
            graph.write(case.build(True).cypher())  # type: ignore[arg-type]
            ids.add(f"{case.rule_id}:{case.expected}")
    rules = [BY_ID[i] for i in ("aws-s3-public-policy", "aws-sqs-unencrypted", "gcp-firewall-ssh-open")]
    evaluate(graph, rules)
    return ids


def test_findings_are_filtered_paged_most_severe_first_and_counted(graph: Graph, settings: Settings) -> None:
    ids = _seed(graph)
    first = run(graph, settings, FINDINGS, first=2)
    assert first.errors is None
    page = first.data["findings"]
    assert page["totalCount"] == 3
    assert page["pageInfo"]["hasNextPage"]
    assert [e["node"]["severity"] for e in page["edges"]] == ["critical", "high"]
    rest = run(graph, settings, FINDINGS, first=2, after=page["pageInfo"]["endCursor"]).data["findings"]
    assert [e["node"]["severity"] for e in rest["edges"]] == ["low"]
    assert not rest["pageInfo"]["hasNextPage"]
    assert {e["node"]["id"] for e in page["edges"] + rest["edges"]} == ids
    top = page["edges"][0]["node"]
    assert top["ruleId"] == "aws-s3-public-policy"
    assert top["status"] == "open"
    assert top["command"].startswith("aws s3api put-public-access-block --bucket estate-reports")
    assert top["benchmarks"] == ["CIS AWS Foundations 2.1.4"]

    gcp = run(graph, settings, FINDINGS, first=10, filter={"providers": ["gcp"]}).data["findings"]
    assert [e["node"]["ruleId"] for e in gcp["edges"]] == ["gcp-firewall-ssh-open"]
    counts = run(graph, settings, COUNTS).data["findingCounts"]
    assert counts == {"critical": 1, "high": 1, "medium": 0, "low": 1, "info": 0, "total": 3}
    aws_high = run(graph, settings, COUNTS, filter={"providers": ["aws"], "severities": ["critical", "high"]})
    assert aws_high.data["findingCounts"]["total"] == 1


def test_bad_filters_and_cursors_get_a_one_line_error(graph: Graph, settings: Settings) -> None:
    bad = run(graph, settings, FINDINGS, first=5, filter={"severities": ["urgent"]})
    assert bad.errors[0].message == "unknown severity 'urgent'; use one of: critical, high, medium, low, info"
    cursor = run(graph, settings, FINDINGS, first=5, after="bm9wZQ==")
    assert "is not one this API returned" in cursor.errors[0].message


def test_the_rule_catalogue_is_listed(graph: Graph, settings: Settings) -> None:
    result = run(graph, settings, '{ rules(provider: "azure") { id severity provider benchmarks path } }')
    rules = result.data["rules"]
    assert len(rules) >= 15
    assert {r["provider"] for r in rules} == {"azure"}
    assert next(r for r in rules if r["id"] == "azure-nsg-rdp-open")["benchmarks"] == ["CIS Azure 6.1"]
    assert rules[0]["severity"] == "critical"


def test_operators_suppress_and_unsuppress_viewers_may_not(graph: Graph, settings: Settings) -> None:
    _seed(graph)
    until = (datetime.now(UTC) + timedelta(days=7)).isoformat()
    refused = run(graph, settings, SUPPRESS, rule="aws-sqs-unencrypted", until=until)
    assert refused.errors[0].extensions["code"] == "FORBIDDEN"
    assert run(graph, settings, SUPPRESS, role=None, rule="aws-sqs-unencrypted", until=until).errors

    done = run(graph, settings, SUPPRESS, role="operator", rule="aws-sqs-unencrypted", until=until)
    assert done.errors is None
    sup = done.data["suppress"]
    assert sup["createdBy"] == "tester"
    assert sup["active"]
    assert sup["ruleId"] == "aws-sqs-unencrypted"
    counts = run(graph, settings, COUNTS, filter={"statuses": ["suppressed"]}).data["findingCounts"]
    assert counts["low"] == 1
    assert counts["total"] == 1
    listed = run(graph, settings, "{ suppressions { id reason } }").data["suppressions"]
    assert [s["id"] for s in listed] == [sup["id"]]

    bad = run(graph, settings, SUPPRESS, role="operator", tag="nokey", until=until)
    assert bad.errors[0].message == "tag 'nokey' must look like key=value"

    gone = run(graph, settings, "mutation($id: ID!) { unsuppress(id: $id) }", role="operator", id=sup["id"])
    assert gone.data["unsuppress"] is True
    counts = run(graph, settings, COUNTS, filter={"statuses": ["open"]}).data["findingCounts"]
    assert counts["total"] == 3


GROUPS = """query($by: FindingGroupBy!, $filter: FindingFilterInput) {
  findingGroups(by: $by, filter: $filter) { key label count severity kind } }"""


def test_findings_are_grouped_for_triage_and_one_is_read_by_id(graph: Graph, settings: Settings) -> None:
    ids = _seed(graph)
    by_rule = run(graph, settings, GROUPS, by="RULE").data["findingGroups"]
    assert [g["key"] for g in by_rule] == ["aws-s3-public-policy", "gcp-firewall-ssh-open", "aws-sqs-unencrypted"]
    assert [g["label"] for g in by_rule] == [BY_ID[g["key"]].title for g in by_rule]
    assert [g["severity"] for g in by_rule] == ["critical", "high", "low"]
    assert all(g["count"] == 1 and g["kind"] is None for g in by_rule)
    by_provider = run(graph, settings, GROUPS, by="PROVIDER").data["findingGroups"]
    assert {g["key"]: g["count"] for g in by_provider} == {"aws": 2, "gcp": 1}
    by_resource = run(graph, settings, GROUPS, by="RESOURCE", filter={"providers": ["gcp"]}).data["findingGroups"]
    assert [f"gcp-firewall-ssh-open:{g['key']}" for g in by_resource] == [i for i in ids if i.startswith("gcp")]
    assert by_resource[0]["kind"]

    # the account filter: every finding's own account matches, another account matches none
    accounts = {g["key"] for g in run(graph, settings, GROUPS, by="ACCOUNT").data["findingGroups"]}
    one = sorted(accounts)[0]
    narrowed = run(graph, settings, COUNTS, filter={"accounts": [one]}).data["findingCounts"]["total"]
    assert 1 <= narrowed <= 3
    assert run(graph, settings, COUNTS, filter={"accounts": ["no-such-account"]}).data["findingCounts"]["total"] == 0

    wanted = sorted(ids)[0]
    found = run(graph, settings, "query($id: ID!) { finding(id: $id) { id status remediation command } }", id=wanted)
    assert found.data["finding"]["id"] == wanted
    assert found.data["finding"]["command"]
    assert found.data["finding"]["remediation"]
    missing = run(graph, settings, "query($id: ID!) { finding(id: $id) { id } }", id="nope:nothing")
    assert missing.data["finding"] is None
    assert run(graph, settings, GROUPS, role=None, by="RULE").errors  # signed out: refused


def test_grouping_refuses_an_unknown_grouping_and_page_size(graph: Graph) -> None:
    with pytest.raises(QueryInputError, match="cannot group findings by 'owner'; use one of: rule, resource"):
        finding_groups(graph, FindingFilter(), "owner")  # type: ignore[arg-type]
    with pytest.raises(QueryInputError, match="first must be between 1 and 1000"):
        finding_groups(graph, FindingFilter(), "rule", first=0)
