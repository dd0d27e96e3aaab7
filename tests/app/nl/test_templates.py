"""Intent templates answer their questions exactly on the fixture estate (no LLM involved at all)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest
import redis

from app.nl import templates
from app.nl.pipeline import NLServices, ask
from core.settings import Settings
from graph.neo4j.client import Graph


def ids(rows: tuple[dict[str, object], ...], key: str = "id") -> set[object]:
    return {r[key] for r in rows}


def answer(graph: Graph, question: str) -> templates.TemplateAnswer:
    found = templates.match(graph, question)
    assert found is not None, question
    return found


@pytest.mark.parametrize(
    ("question", "count"),
    [
        ("How many EC2 instances are there?", 3),
        ("how many ec2 instances in us-east-1", 2),
        ("How many EC2Instances are in eu-west-1?", 1),
        ("how many S3 buckets do we have", 3),
        ("how many buckets are there", 7),  # S3 + Azure storage accounts + GCS
        ("how many virtual machines in azure", 1),
        ("how many resources", 19),
        ("how many resources in gcp", 3),
        ("Count the subnets", 1),
    ],
)
def test_counts(estate: Graph, question: str, count: int) -> None:
    found = answer(estate, question)
    assert found.intent == "count"
    assert found.rows == ({"count": count},)


def test_counts_by_provider_kind_and_region(estate: Graph) -> None:
    by_provider = answer(estate, "How many resources per provider?")
    assert {r["provider"]: r["count"] for r in by_provider.rows} == {"aws": 12, "azure": 4, "gcp": 3}
    by_kind = answer(estate, "how many resources by kind")
    assert {r["kind"]: r["count"] for r in by_kind.rows}["EC2Instance"] == 3
    assert sum(int(str(r["count"])) for r in by_kind.rows) == 19
    by_region = answer(estate, "count resources by region")
    assert {r["region"]: r["count"] for r in by_region.rows} == {
        "us-east-1": 10,
        "eu-west-1": 2,
        "westeurope": 4,
        "europe-west1": 3,
    }


def test_list_kind_in_region(estate: Graph) -> None:
    found = answer(estate, "List all S3 buckets in us-east-1")
    assert found.intent == "list"
    assert ids(found.rows, "name") == {"public-assets", "logs"}
    found = answer(estate, "show me the storage accounts")
    assert ids(found.rows, "name") == {"stpublic", "stprivate"}
    found = answer(estate, "which instances are in eu-west-1")
    assert ids(found.rows, "name") == {"batch-1"}


def test_public_buckets_across_clouds(estate: Graph) -> None:
    found = answer(estate, "Which buckets are public?")
    assert found.intent == "public_buckets"
    assert ids(found.rows, "name") == {"public-assets", "stpublic", "gcs-public"}


def test_open_admin_ports(estate: Graph) -> None:
    found = answer(estate, "which security groups have open admin ports")
    assert found.intent == "open_admin_ports"
    assert ids(found.rows, "name") == {"sg-web", "nsg-api"}
    assert {(r["name"], r["from_port"]) for r in found.rows if r["kind"] == "SecurityGroup"} == {("sg-web", 22)}


def test_costliest_resources_in_order(estate: Graph) -> None:
    found = answer(estate, "What are the top 3 most expensive resources?")
    assert [r["name"] for r in found.rows] == ["orders-db", "batch-1", "web-1"]
    assert found.rows[0]["monthly_cost_usd"] == 250.0


def test_findings_by_severity(estate: Graph) -> None:
    found = answer(estate, "findings by severity")
    assert found.rows == ({"severity": "high", "count": 2}, {"severity": "critical", "count": 1})


def test_changed_since(estate: Graph) -> None:
    found = answer(estate, "what changed since yesterday")
    assert ids(found.rows) == {"i-batch-1", "//storage/gcs-public"}
    found = answer(estate, "What's new since 2024-06-01?")
    assert len(found.rows) == 19


def test_blast_radius_and_dependents_of_a_subnet(estate: Graph) -> None:
    blast = answer(estate, "What is the blast radius of app-a?")
    assert blast.intent == "blast_radius"
    reached = ids(blast.rows)
    assert {"i-web-1", "i-web-2", "db-orders"} <= reached  # all three sit IN_SUBNET app-a
    assert "vpc-prod" not in reached  # the VPC does not depend on its subnet
    assert "app-a" in blast.summary
    dependents = answer(estate, "what depends on subnet-app-a")
    assert ids(dependents.rows) == reached
    needs = answer(estate, "what does web-1 depend on")
    assert {"subnet-app-a", "sg-web"} <= ids(needs.rows)


def test_exposure_of_a_resource_uses_the_analysis_query(estate: Graph) -> None:
    found = answer(estate, "exposure of web-1")
    assert found.intent == "exposure"
    assert "web-1" in found.summary


def test_an_unknown_resource_says_so(estate: Graph) -> None:
    found = answer(estate, "blast radius of no-such-thing")
    assert found.rows == ()
    assert "No resource" in found.summary


@pytest.mark.parametrize(
    "question",
    [
        "Which EC2 instances have a public IP and run Windows?",
        "show me something unusual about the estate's internals",
        "how many instances talk to the orders database",
        "list buckets that were encrypted by a key rotated last year",
    ],
)
def test_questions_a_template_does_not_fully_understand_are_left_to_the_llm(estate: Graph, question: str) -> None:
    assert templates.match(estate, question) is None


def test_parse_since() -> None:
    now = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)
    assert templates.parse_since("yesterday", now) == datetime(2026, 3, 9, tzinfo=UTC)
    assert templates.parse_since("3 days ago", now) == now - timedelta(days=3)
    assert templates.parse_since("an hour ago", now) == now - timedelta(hours=1)
    assert templates.parse_since("2026-01-02", now) == datetime(2026, 1, 2, tzinfo=UTC)
    assert templates.parse_since("the dawn of time", now) is None


def test_with_no_llm_configured_templates_answer_and_the_rest_is_degraded(
    estate: Graph, settings: Settings, redis_client: redis.Redis, make: Callable[..., NLServices]
) -> None:
    svc = make(estate, settings, redis_client, llm=False)
    found = ask(svc, "How many EC2 instances are there?")
    assert (found.path, found.rows) == ("template", ({"count": 3},))
    assert found.cypher.startswith("MATCH (n:Resource)")
    other = ask(svc, "Which EC2 instances have a public IP and run Windows?")
    assert other.path == "degraded"
    assert "AIDISCOVER_LLM_API_KEY" in other.answer
