"""The jobs and history GraphQL fields over HTTP, and jobProgress over a real graphql-transport-ws socket
fed by Redis pub/sub (the real API app, Neo4j and Redis)."""

from __future__ import annotations

import json
import threading
import time
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
import redis
from pydantic import SecretStr
from websockets.sync.client import connect

from app.api import auth_store
from app.server import create_app
from core.settings import Settings
from graph.neo4j.client import Graph
from graph.rows import NodeRow, PropValue, Scope
from graph.schema import SCHEMA
from graph.write import GraphWriter, SyncStamp
from ingest.jobs.model import JobRequest, UnitOutcome, UnitSpec
from ingest.jobs.progress import Progress, publish
from ingest.jobs.store import create_job, finish_job, unit_finished
from tests.app.auth_server import serving
from tests.settings_update import replace_settings

T1 = datetime(2026, 5, 1, 8, 0, tzinfo=UTC)
T2 = T1 + timedelta(hours=2)


@pytest.fixture(scope="module")
def api_settings(settings: Settings) -> Settings:
    return replace_settings(
        settings,
        auth={"bcrypt_rounds": 4, "jwt_secret": SecretStr("j" * 48)},
        redis={"url": settings.redis.url.rsplit("/", 1)[0] + "/11"},
    )


@pytest.fixture(scope="module")
def api(api_settings: Settings, session_graph: Graph) -> Iterator[str]:
    with serving(create_app(api_settings, session_graph)) as url:
        yield url


def key(graph: Graph, role: str) -> str:
    return auth_store.create_api_key(graph, f"jobs-{role}", role, "tests", 4).key


def gql(api: str, api_key: str, query: str, **variables: Any) -> dict[str, Any]:
    response = httpx.post(
        f"{api}/graphql", json={"query": query, "variables": variables}, headers={"X-API-Key": api_key}, timeout=30
    )
    return dict(response.json())


def inst(ident: str, **props: PropValue) -> NodeRow:
    base: dict[str, PropValue] = {"account": "1", "region": "r", "name": ident, "instance_id": ident}
    return NodeRow("EC2Instance", f"arn:aws:ec2:r:1:instance/{ident}", {**base, **props})


def test_discovery_jobs_and_one_job_with_its_units(api: str, graph: Graph) -> None:
    viewer = key(graph, "viewer")
    units = (UnitSpec("aws", "1", "r", "ec2"), UnitSpec("aws", "1", "r", "s3"))
    create_job(graph, "job-a", JobRequest("aws", ("1",), ("r",), "alice"), "worker", SyncStamp(1, T1), units)
    unit_finished(graph, "job-a", UnitOutcome("aws/1/r/ec2", "succeeded", nodes=5, edges=3, changes=5))
    unit_finished(graph, "job-a", UnitOutcome("aws/1/r/s3", "failed", errors=("aws/1/r/s3: boom",)))
    finish_job(graph, "job-a")
    body = gql(
        api,
        viewer,
        "{ discoveryJobs(first: 5) { id status startedBy scope unitsTotal unitsDone unitsFailed "
        "nodes edges changes errors } }",
    )
    assert body["data"]["discoveryJobs"] == [
        {
            "id": "job-a",
            "status": "partial",
            "startedBy": "alice",
            "scope": "accounts=1 regions=r",
            "unitsTotal": 2,
            "unitsDone": 2,
            "unitsFailed": 1,
            "nodes": 5,
            "edges": 3,
            "changes": 5,
            "errors": ["aws/1/r/s3: boom"],
        }
    ]
    one = gql(api, viewer, "query($id: ID!) { discoveryJob(id: $id) { units { key status nodes } } }", id="job-a")
    assert one["data"]["discoveryJob"]["units"] == [
        {"key": "aws/1/r/ec2", "status": "succeeded", "nodes": 5},
        {"key": "aws/1/r/s3", "status": "failed", "nodes": 0},
    ]
    missing = gql(api, viewer, 'query { discoveryJob(id: "nope") { id } }')
    assert missing["errors"][0]["message"] == "no discovery job 'nope'; list them with the discoveryJobs query"


def test_start_discovery_needs_an_operator_and_queues_the_task(api: str, graph: Graph, api_settings: Settings) -> None:
    client = redis.Redis.from_url(api_settings.redis.url)
    client.delete("celery")
    mutation = 'mutation { startDiscovery(provider: "aws", regions: ["eu-west-1"]) { jobId startedBy } }'
    refused = gql(api, key(graph, "viewer"), mutation)
    assert refused["errors"][0]["message"].endswith("has role viewer; this needs role operator or above")
    assert client.llen("celery") == 0
    queued = gql(api, key(graph, "operator"), mutation)["data"]["startDiscovery"]
    assert "jobs-operator" in queued["startedBy"]
    [raw] = client.lrange("celery", 0, -1)
    message = json.loads(raw)
    assert message["headers"]["task"] == "aidiscover.start_job"
    assert message["headers"]["id"] == queued["jobId"]
    client.delete("celery")
    client.close()


def test_job_progress_streams_over_graphql_transport_ws_until_the_job_finishes(
    api: str, graph: Graph, api_settings: Settings
) -> None:
    viewer = key(graph, "viewer")
    job_id = f"job-ws-{uuid.uuid4()}"  # a fresh channel: no earlier event stored for it
    events = [Progress(job_id, "running", 4, n, 0, 0, n * 10, 0, 0, n * 10, f"step {n}") for n in (1, 2, 3)]
    events.append(Progress(job_id, "succeeded", 4, 4, 4, 0, 40, 12, 0, 40, "finished"))

    def feed() -> None:
        time.sleep(1.0)  # after the client subscribed
        for event in events:
            publish(api_settings.redis.url, event)
            time.sleep(0.1)

    url = api.replace("http://", "ws://") + "/graphql"
    with connect(url, subprotocols=["graphql-transport-ws"], open_timeout=10) as ws:  # type: ignore[list-item]
        ws.send(json.dumps({"type": "connection_init", "payload": {"apiKey": viewer}}))
        assert json.loads(ws.recv(timeout=10)) == {"type": "connection_ack"}
        query = f'subscription {{ jobProgress(jobId: "{job_id}") {{ status unitsStaged unitsDone nodes finished }} }}'
        ws.send(json.dumps({"id": "1", "type": "subscribe", "payload": {"query": query}}))
        threading.Thread(target=feed, daemon=True).start()
        received = []
        while True:
            message = json.loads(ws.recv(timeout=20))
            if message["type"] == "complete":
                break
            assert message["type"] == "next", message
            received.append(message["payload"]["data"]["jobProgress"])
    assert received == [
        {"status": "running", "unitsStaged": 1, "unitsDone": 0, "nodes": 10, "finished": False},
        {"status": "running", "unitsStaged": 2, "unitsDone": 0, "nodes": 20, "finished": False},
        {"status": "running", "unitsStaged": 3, "unitsDone": 0, "nodes": 30, "finished": False},
        {"status": "succeeded", "unitsStaged": 4, "unitsDone": 4, "nodes": 40, "finished": True},
    ]


def test_resource_history_and_changes_between_two_times(api: str, graph: Graph) -> None:
    viewer = key(graph, "viewer")
    scope = Scope("aws", "1", "r", ("EC2Instance",))
    for stamp, rows in (
        (SyncStamp(1, T1), [inst("i-a", state="running"), inst("i-b")]),
        (SyncStamp(2, T2), [inst("i-a", state="stopped")]),
    ):
        writer = GraphWriter(graph, SCHEMA, history=True, job_id=f"job-{stamp.generation}")
        writer.nodes(rows, stamp)
        writer.cleanup(scope, stamp)
    timeline = gql(
        api,
        viewer,
        "query($id: ID!) { resourceHistory(id: $id) { change at jobId properties { name old new } } }",
        id=inst("i-a").id,
    )
    assert timeline["data"]["resourceHistory"] == [
        {"change": "created", "at": "2026-05-01T08:00:00+00:00", "jobId": "job-1", "properties": []},
        {
            "change": "changed",
            "at": "2026-05-01T10:00:00+00:00",
            "jobId": "job-2",
            "properties": [{"name": "state", "old": '"running"', "new": '"stopped"'}],
        },
    ]
    window = gql(
        api, viewer, "query($s: DateTime!) { changes(since: $s) { resourceId change } }", s="2026-05-01T09:00:00+00:00"
    )
    assert window["data"]["changes"] == [
        {"resourceId": inst("i-a").id, "change": "changed"},
        {"resourceId": inst("i-b").id, "change": "deleted"},
    ]
    bad = gql(api, viewer, 'query { changes(since: "2026-05-01T09:00:00Z", filter: {changes: ["moved"]}) { change } }')
    assert bad["errors"][0]["message"] == "unknown change type(s) ['moved']; use created, changed, deleted"
