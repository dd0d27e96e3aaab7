"""The findings CLI: the rule catalogue, evaluating and listing findings, suppressing and unsuppressing."""

from __future__ import annotations

import re

import pytest

from app.cli import main
from graph.neo4j.client import Graph
from queries.findings.catalogue import CATALOGUE
from tests.queries.findings.cases_aws import CASES

PUBLIC_BUCKET = next(c for c in CASES if c.rule_id == "aws-s3-public-policy")


def test_rules_list_shows_the_catalogue_with_severity_provider_and_benchmarks(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["rules", "list"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[-1] == f"{len(CATALOGUE)} rules"
    line = next(x for x in out if x.startswith("aws-sg-ssh-open "))
    assert line.split()[1:3] == ["high", "aws"]
    assert "CIS AWS Foundations 5.2" in line
    assert main(["rules", "list", "--provider", "azure", "--severity", "critical"]) == 0
    azure = capsys.readouterr().out.splitlines()
    assert azure[:-1]
    assert all(x.split()[1:3] == ["critical", "azure"] for x in azure[:-1])


def test_findings_evaluate_list_suppress_and_unsuppress(graph: Graph, capsys: pytest.CaptureFixture[str]) -> None:
    graph.write(PUBLIC_BUCKET.build(True).cypher())  # type: ignore[arg-type]
    assert main(["findings", "--evaluate", "--severity", "critical", "--commands"]) == 0
    out = capsys.readouterr().out
    assert "critical open       aws-s3-public-policy" in out
    assert PUBLIC_BUCKET.expected in out
    assert "fix: aws s3api put-public-access-block --bucket estate-reports" in out
    assert "1 findings: 1 critical, 0 high" in out

    assert main(["suppress", "--rule", "aws-s3-public-policy", "--reason", "static site", "--days", "3"]) == 0
    sup_id = re.search(r"suppression (sup-\w+)", capsys.readouterr().out)
    assert sup_id
    assert main(["findings", "--severity", "critical"]) == 0
    assert "0 findings" in capsys.readouterr().out
    assert main(["findings", "--status", "suppressed"]) == 0
    assert "aws-s3-public-policy" in capsys.readouterr().out
    assert main(["suppressions"]) == 0
    assert sup_id.group(1) in capsys.readouterr().out
    assert main(["unsuppress", sup_id.group(1)]) == 0
    capsys.readouterr()
    assert main(["findings"]) == 0
    assert "3 findings: 1 critical, 0 high, 1 medium, 1 low" in capsys.readouterr().out


def test_bad_suppress_arguments_print_one_line_and_exit_2(graph: Graph, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["suppress", "--reason", "x"]) == 2
    assert capsys.readouterr().err.strip().startswith("error: a suppression needs a rule id, a resource id or a tag")
    assert main(["suppress", "--tag", "team=x", "--reason", "x", "--until", "tomorrow"]) == 2
    assert "is not a date" in capsys.readouterr().err
    assert main(["unsuppress", "sup-nope"]) == 2
    assert "no suppression 'sup-nope'" in capsys.readouterr().err
