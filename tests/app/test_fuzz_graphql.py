"""Schemathesis fuzzes the live API: every root field, valid and invalid documents, never a 5xx.

The app runs in uvicorn on a loopback port against the real Neo4j (a small graph) and Redis, and the
requests carry an admin API key, so every query and mutation is reachable. Schemathesis reads the
schema by introspection and generates documents with hypothesis-graphql (positive: valid ones with
random arguments; negative: invalid ones). Bounded examples keep it well under a minute.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

import schemathesis
from hypothesis import HealthCheck, Phase, given
from hypothesis import settings as hypothesis_settings
from schemathesis import GenerationMode

from app.api import auth_store
from app.server import create_app
from core.settings import Settings
from graph.neo4j.client import Graph
from tests.app.auth_server import serving
from tests.settings_update import replace_settings

EXAMPLES = {GenerationMode.POSITIVE: 80, GenerationMode.NEGATIVE: 40}

SMALL_GRAPH = """
CREATE (v:Resource:VPC {id: 'arn:aws:ec2:us-east-1:111111111111:vpc/vpc-1', kind: 'VPC', provider: 'aws',
        account: '111111111111', region: 'us-east-1', name: 'prod-vpc', tags: ['env=prod'], cidr_block: '10.0.0.0/16'})
CREATE (s:Resource:Subnet {id: 'arn:aws:ec2:us-east-1:111111111111:subnet/subnet-1', kind: 'Subnet',
        provider: 'aws', account: '111111111111', region: 'us-east-1', name: 'public-a', tags: []})
CREATE (i:Resource:EC2Instance {id: 'arn:aws:ec2:us-east-1:111111111111:instance/i-1', kind: 'EC2Instance',
        provider: 'aws', account: '111111111111', region: 'us-east-1', name: 'web-1', tags: ['env=prod']})
CREATE (s)-[:IN_VPC]->(v), (i)-[:IN_SUBNET]->(s)
"""


def _codes(body: Any) -> list[tuple[str, str]]:
    if not isinstance(body, dict):
        return []
    return [(str((e.get("extensions") or {}).get("code")), str(e.get("message"))) for e in body.get("errors") or []]


def test_fuzzed_documents_never_get_a_5xx_or_an_internal_error(graph: Graph, settings: Settings) -> None:
    graph.write(SMALL_GRAPH)
    # No rate limit here: the fuzzer sends a few hundred requests a minute on purpose.
    app_settings = replace_settings(settings, auth={"bcrypt_rounds": 4, "rate_limit_per_minute": 0})
    key = auth_store.create_api_key(graph, "fuzz", "admin", "tests", 4).key
    headers = {"X-API-Key": key}
    statuses: Counter[int] = Counter()
    codes: Counter[str] = Counter()
    failures: list[str] = []
    with serving(create_app(app_settings, graph)) as url:
        schema = schemathesis.graphql.from_url(f"{url}/graphql", headers=headers)
        operations = [result.ok().label for result in schema.get_all_operations()]
        assert {"Query.resources", "Query.kinds", "Mutation.login", "Mutation.createApiKey"} <= set(operations)
        for mode, examples in EXAMPLES.items():

            @hypothesis_settings(
                max_examples=examples,
                deadline=None,
                database=None,
                phases=[Phase.generate],
                suppress_health_check=list(HealthCheck),
            )
            @given(case=schema.as_strategy(mode, headers=headers))
            def exercise(case: Any) -> None:
                response = case.call(base_url=f"{url}/graphql", timeout=30)
                statuses[response.status_code] += 1
                try:
                    body = response.json()
                except ValueError:
                    body = None
                for code, message in _codes(body):
                    codes[code] += 1
                    if code == "INTERNAL":
                        failures.append(f"{case.operation.label}: {message} <- {case.body!r}"[:400])
                if response.status_code >= 500:
                    failures.append(f"{case.operation.label}: HTTP {response.status_code} <- {case.body!r}"[:400])

            exercise()
    assert sum(statuses.values()) >= sum(EXAMPLES.values()) // 2, statuses  # it really ran
    assert not [s for s in statuses if s >= 500], failures
    assert failures == []
    # the negative documents were refused with the codes of bad queries, not masked
    assert codes["BAD_QUERY"] + codes["BAD_INPUT"] > 0, codes
