"""Every rule of the catalogue, on real Neo4j: a fixture graph that triggers it and one that does not.

The fixtures are written with the labels and properties ingest writes (checked against the schema like
the rules themselves), and the catalogue is checked against the schema so a renamed property or
relationship cannot silently break a rule.
"""

from __future__ import annotations

import string
from collections import Counter
from datetime import UTC, datetime

import pytest

from core.errors import SchemaError
from graph.neo4j.client import Graph
from graph.schema import SCHEMA
from queries.findings.catalogue import BY_ID, CATALOGUE
from queries.findings.evaluate import run_rule
from queries.findings.model import Rule, check_catalogue, check_cypher, check_rule
from tests.queries.findings.builder import Case
from tests.queries.findings.cases_aws import CASES as AWS_CASES
from tests.queries.findings.cases_azure_gcp import AZURE_CASES, GCP_CASES
from tests.queries.findings.cases_paths import PATH_CASES

ALL_CASES: dict[str, Case] = {c.rule_id: c for c in (*AWS_CASES, *AZURE_CASES, *GCP_CASES, *PATH_CASES)}


def test_the_catalogue_has_the_rules_the_issue_asks_for() -> None:
    by_provider = Counter(rule.provider for rule in CATALOGUE)
    assert len(CATALOGUE) >= 60
    assert by_provider["aws"] >= 35
    assert by_provider["azure"] >= 15
    assert by_provider["gcp"] >= 10
    assert sum(rule.path for rule in CATALOGUE) >= 5
    assert len(BY_ID) == len(CATALOGUE)


def test_every_rule_fits_the_schema() -> None:
    assert [p for rule in CATALOGUE for p in check_rule(rule, SCHEMA)] == []


def test_every_rule_has_a_positive_and_a_negative_fixture() -> None:
    assert sorted(set(BY_ID) - set(ALL_CASES)) == []
    assert sorted(set(ALL_CASES) - set(BY_ID)) == []


def test_a_rule_using_an_undeclared_property_label_or_relationship_is_refused() -> None:
    base = BY_ID["aws-s3-public-policy"]
    broken = (
        Rule(**{**base.__dict__, "cypher": base.cypher.replace("policy_allows_public", "is_public_bucket")}),
        Rule(**{**base.__dict__, "id": "aws-x", "cypher": base.cypher.replace(":S3Bucket", ":Bucket")}),
        Rule(
            **{
                **BY_ID["aws-sg-ssh-open"].__dict__,
                "cypher": BY_ID["aws-sg-ssh-open"].cypher.replace("HAS_RULE", "HAS_RULES"),
            }
        ),
    )
    problems = [check_rule(rule, SCHEMA) for rule in broken]
    assert "is_public_bucket" in problems[0][0]
    assert any("unknown label Bucket" in p for p in problems[1])
    assert any("unknown relationship type HAS_RULES" in p for p in problems[2])
    with pytest.raises(SchemaError, match="is_public_bucket"):
        check_catalogue(broken[:1], SCHEMA)


def test_rules_are_read_only_and_parameterised() -> None:
    assert check_cypher("MATCH (b:S3Bucket) SET b.acl_public = true RETURN b", SCHEMA)
    assert check_cypher("MATCH (b:S3Bucket) WHERE b.bucket_name = $name RETURN b", SCHEMA, frozenset()) == [
        "parameter $name is not supplied"
    ]


@pytest.mark.parametrize("rule_id", sorted(ALL_CASES))
def test_fixtures_use_only_declared_labels_and_properties(rule_id: str) -> None:
    case = ALL_CASES[rule_id]
    for bad in (True, False):
        assert check_cypher(case.build(bad).cypher(), SCHEMA, writes=True) == [], (rule_id, bad)


def _run(graph: Graph, rule: Rule, case: Case, bad: bool) -> set[str]:
    graph.write(case.build(bad).cypher())  # type: ignore[arg-type]
    return {hit.resource_id for hit in run_rule(graph, rule, datetime.now(UTC))}


@pytest.mark.parametrize("rule_id", sorted(BY_ID))
def test_rule_finds_its_positive_fixture(graph: Graph, rule_id: str) -> None:
    rule, case = BY_ID[rule_id], ALL_CASES[rule_id]
    assert _run(graph, rule, case, bad=True) == {case.expected}
    hits = run_rule(graph, rule, datetime.now(UTC))
    placeholders = {name for _, name, _, _ in string.Formatter().parse(rule.command) if name}
    assert placeholders, rule_id
    for name in placeholders:  # every identifier of the command was filled from the row
        assert f"<{name}>" not in hits[0].command, hits[0].command
    if rule.path:
        assert hits[0].path_ids[-1] != ""
        assert len(hits[0].path_rels) >= 1
        assert case.expected in hits[0].path_ids


@pytest.mark.parametrize("rule_id", sorted(BY_ID))
def test_rule_ignores_its_negative_fixture(graph: Graph, rule_id: str) -> None:
    assert _run(graph, BY_ID[rule_id], ALL_CASES[rule_id], bad=False) == set()
