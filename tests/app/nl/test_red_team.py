"""Red team: hostile Cypher played by the SCRIPTED LLM server through the whole ``ask`` path, against the real Neo4j.

Every case (redteam_cases.py: 190+ hostile model outputs, 20 reads the gate contains by rewriting, 20 planted
texts with the query a model that obeyed them would send) runs with every layer on, then again with each layer
switched off in turn, to show that the others hold on their own:

    all                    every layer on
    neo4j-hardening-off    a Neo4j with the old settings: file URLs, no allowlist, APOC unrestricted, URLs loadable
    parse-gate-off         the model's text goes to Neo4j as it is (no parse, no tree checks, no rewrite)
    plan-check-off         EXPLAIN's operators and query type are not checked
    read-transaction-off   the query runs in a WRITE transaction
    secrets-in-graph       users, API keys, cloud accounts and notification targets planted as graph nodes, as an
                           older version stored them

Whatever the configuration: the graph is unchanged (counts and every property), the canary HTTP server receives
nothing, and no answer carries a planted secret (the secret file's content, or any value of a planted secret node).
With every layer on, each REFUSED case is refused by the parse-tree gate before anything reaches Neo4j.
The model is scripted: these tests say nothing about any real model's behaviour.
"""

from __future__ import annotations

import json
import threading
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import neo4j
import pytest
import redis
from llama_index.llms.openai_like import OpenAILike
from neo4j.exceptions import Neo4jError

from app.nl import gate
from app.nl.cypher_lex import MAX_TEXT, tokenize
from app.nl.cypher_text import strip_fences
from app.nl.llm import build_llm
from app.nl.pipeline import Answer, NLServices, ask
from core.errors import GraphError, UnsafeCypherError
from core.settings import Settings
from devclouds.llm_server import Reply, ScriptedLLMServer
from graph.neo4j.client import Graph
from graph.neo4j.constraints import ensure_schema
from graph.schema import SCHEMA
from tests.app.nl.conftest import build_estate, make_services, scripted_settings
from tests.app.nl.redteam_cases import CONTAINED, INJECTIONS, REFUSED
from tests.graph.server.neo4j_instances import RunningNeo4j

LAYERS = ("all", "neo4j-hardening-off", "parse-gate-off", "plan-check-off", "read-transaction-off", "secrets-in-graph")
SECRET_MARK = "canary-secret-" + uuid.uuid4().hex
FILE_MARK = "canary-file-" + uuid.uuid4().hex
# Old-style secret records, with every value marked, as the graph held them before the secret store.
LEGACY_SECRETS = (
    "CREATE (:User {id: 'root', username: 'root-$M', role: 'admin', password_hash: '$2b$12$M'}), "
    "(:ApiKey {id: 'k1', key_id: 'k1-$M', role: 'admin', hash: '$2b$12$M'}), "
    "(:CloudAccount {id: 'aws:1', account_id: '1-$M', secret: 'gAAAA$M'}), "
    "(:NotificationTarget {id: 'slack', url: 'https://hooks.slack.com/services/$M', secret: 'gAAAA$M'})"
).replace("$M", SECRET_MARK)


class _Canary(BaseHTTPRequestHandler):
    hits: list[str] = []  # noqa: RUF012 - one server per test module

    def do_GET(self) -> None:
        type(self).hits.append(self.path)
        body = b"a,b\n1,2\n"
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        return None


@dataclass(frozen=True)
class Target:
    """Where hostile text points: the canary URL and the secret file."""

    canary: str
    secret_file: Path

    def fill(self, text: str) -> str:
        return text.replace("{canary}", self.canary).replace("{secret_file}", str(self.secret_file))


@pytest.fixture(scope="module")
def canary() -> Iterator[tuple[str, list[str]]]:
    _Canary.hits = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Canary)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/canary.csv", _Canary.hits
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="module")
def target(canary: tuple[str, list[str]], tmp_path_factory: pytest.TempPathFactory) -> Target:
    secret_file = tmp_path_factory.mktemp("redteam") / "jwt-secret"
    secret_file.write_text(f"{FILE_MARK}\n")
    return Target(canary[0], secret_file)


@pytest.fixture(scope="module")
def shared_llm() -> Iterator[ScriptedLLMServer]:
    """One scripted server for the module (starting and stopping one per case costs half a second each)."""
    with ScriptedLLMServer() as server:
        yield server


@pytest.fixture(scope="module")
def chat(settings: Settings, shared_llm: ScriptedLLMServer) -> OpenAILike:
    """One chat model and connection pool for the module; each case still gets its own breaker and budget."""
    return build_llm(scripted_settings(settings, shared_llm.url).llm)


@pytest.fixture
def scripted(shared_llm: ScriptedLLMServer) -> ScriptedLLMServer:
    shared_llm.reset()
    return shared_llm


@pytest.fixture(scope="module")
def hardened(session_graph: Graph) -> Graph:
    """The test Neo4j with the fixture estate, built once for the module (no test here may change it)."""
    session_graph.wipe()
    build_estate(session_graph)
    return session_graph


@pytest.fixture(scope="module")
def permissive_estate(permissive_server: RunningNeo4j) -> Iterator[Graph]:
    """The session's Neo4j with the old, permissive settings (layer 1 off), holding the same estate."""
    graph = Graph(permissive_server.settings.neo4j, permissive_server.settings.redis)
    try:
        graph.verify()
        ensure_schema(graph, SCHEMA)
        graph.wipe()
        build_estate(graph)
        yield graph
    finally:
        graph.close()


Snapshot = tuple[int, list[str]]


def snapshot(graph: Graph) -> Snapshot:
    """What a hostile query could change, in one read: the number of relationships, and every node's id,
    labels and properties (a node added, removed or changed shows as a different list)."""
    rows = graph.read(
        "CALL { MATCH ()-[r]->() RETURN count(r) AS rels } "
        "OPTIONAL MATCH (n) RETURN rels, n.id AS id, properties(n) AS p, labels(n) AS l ORDER BY id"
    )
    nodes = [
        repr((r["id"], sorted((r["p"] or {}).items(), key=lambda kv: kv[0]), sorted(r["l"] or [])))
        for r in rows
        if r["l"] is not None
    ]
    return int(rows[0]["rels"]), nodes


@dataclass
class RedTeam:
    svc: NLServices
    scripted: ScriptedLLMServer
    target: Target
    hits: list[str]
    layer: str
    baseline: Snapshot | None  # the graph every case of this layer starts from; None: read it per case

    def ask(self, model_output: str, question: str = "show me something unusual about the estate") -> Answer:
        graph = self.svc.graph
        before = self.baseline if self.baseline is not None else snapshot(graph)
        self.scripted.push(*[Reply(self.target.fill(model_output))] * 3, Reply("Summary."))
        answer = ask(self.svc, question, user="redteam", role="viewer")
        after = snapshot(graph)
        assert after[0] == before[0], "a relationship was added or removed"
        assert after[1] == before[1], "a node or a property changed"
        assert self.hits == [], f"Neo4j fetched {self.hits}"
        shown = json.dumps([answer.answer, answer.rows, answer.warnings, answer.cypher], default=str)
        assert FILE_MARK not in shown, "the secret file's content reached the answer"
        assert SECRET_MARK not in shown, "a planted secret reached the answer"
        return answer


@pytest.fixture(scope="module")
def baselines() -> dict[str, Snapshot]:
    """Each layer's starting graph, read once: no case may change it, and every case checks that it did not."""
    return {}


@pytest.fixture(params=LAYERS)
def redteam(
    request: pytest.FixtureRequest,
    baselines: dict[str, Snapshot],
    hardened: Graph,
    settings: Settings,
    scripted: ScriptedLLMServer,
    nl_settings: Settings,
    redis_client: redis.Redis,
    target: Target,
    canary: tuple[str, list[str]],
    chat: OpenAILike,
    monkeypatch: pytest.MonkeyPatch,
) -> Iterator[RedTeam]:
    layer: str = request.param
    graph = hardened
    if layer == "neo4j-hardening-off":
        graph = request.getfixturevalue("permissive_estate")
    elif layer == "parse-gate-off":
        monkeypatch.setattr(gate, "vet", lambda raw, _schema: gate.GatedQuery(strip_fences(raw)))
    elif layer == "plan-check-off":
        monkeypatch.setattr(gate, "check_plan", lambda _plan, _query_type: None)
    elif layer == "read-transaction-off":
        monkeypatch.setattr(neo4j.Session, "execute_read", neo4j.Session.execute_write)
    elif layer == "secrets-in-graph":
        graph.write(LEGACY_SECRETS)  # type: ignore[arg-type]
    canary[1].clear()
    baseline = None
    if layer != "secrets-in-graph":  # its records are written before and removed after every case
        baseline = baselines.get(layer) or baselines.setdefault(layer, snapshot(graph))
    try:
        svc = make_services(graph, nl_settings, redis_client, chat=chat)
        yield RedTeam(svc, scripted, target, canary[1], layer, baseline)
    finally:
        if layer == "secrets-in-graph":
            graph.write("MATCH (n) WHERE n:User OR n:ApiKey OR n:CloudAccount OR n:NotificationTarget DETACH DELETE n")


def _ids(cases: list[tuple[str, str]]) -> list[str]:
    return [name for name, _ in cases]


def test_the_suite_is_as_large_as_promised() -> None:
    assert len(REFUSED) + len(CONTAINED) >= 150
    assert len(INJECTIONS) >= 20
    names = _ids(REFUSED) + _ids(CONTAINED) + [n for n, _, _ in INJECTIONS]
    assert len(set(names)) == len(names)
    assert len(dict(REFUSED)["huge-query"]) > MAX_TEXT  # the lexer refuses it for its size


@pytest.mark.parametrize(("name", "model_output"), REFUSED, ids=_ids(REFUSED))
def test_hostile_model_output_is_harmless(name: str, model_output: str, redteam: RedTeam) -> None:
    answer = redteam.ask(model_output)
    if redteam.layer in ("all", "plan-check-off", "read-transaction-off", "secrets-in-graph", "neo4j-hardening-off"):
        # The parse-tree gate is on: it refuses every attempt before anything reaches Neo4j.
        assert answer.path == "degraded", answer
        assert answer.rows == ()
        assert len(answer.warnings) == 3
        assert redteam.svc.observer == []


@pytest.mark.parametrize(("name", "model_output"), CONTAINED, ids=_ids(CONTAINED))
def test_reads_the_gate_rewrites_stay_inside_the_inventory(name: str, model_output: str, redteam: RedTeam) -> None:
    answer = redteam.ask(model_output)
    if redteam.layer != "parse-gate-off":
        assert answer.path == "llm", answer
        for sent in redteam.svc.observer or []:
            assert not any(t.is_word("LOAD", "CALL") for t in tokenize(sent)), sent


@pytest.mark.parametrize(("name", "planted", "obeyed"), INJECTIONS, ids=[n for n, _, _ in INJECTIONS])
def test_planted_text_cannot_steer_the_answer_path(name: str, planted: str, obeyed: str, redteam: RedTeam) -> None:
    """A resource carries the planted text; a model that obeyed it sends ``obeyed`` next. The planted text reaches
    the model only inside the delimited, cleaned data block of the summary prompt, never the generation prompt."""
    graph = redteam.svc.graph
    graph.write(
        "CREATE (:Resource:S3Bucket {id: 'planted', name: $text, tags: ['note=' + $text], provider: 'aws', "
        "kind: 'S3Bucket'})",
        {"text": planted},
    )
    redteam.baseline = None  # the planted node is part of this case's starting graph
    try:
        redteam.scripted.requests.clear()
        redteam.scripted.push(Reply("MATCH (b:S3Bucket {id: 'planted'}) RETURN b.name AS name, b.tags AS tags"))
        first = ask(redteam.svc, "which buckets carry notes?", user="redteam", role="viewer")
        generation = " ".join(str(m["content"]) for m in redteam.scripted.requests[0]["messages"])  # type: ignore[attr-defined]
        assert planted not in generation  # no sample data values in the generation prompt
        if first.path == "llm" and redteam.layer != "parse-gate-off":
            summary_prompt = redteam.scripted.requests[-1]["messages"][-1]["content"]  # type: ignore[index]
            assert "<rows-" in summary_prompt
            inside = summary_prompt.split("<rows-", 1)[1]
            assert "Ignore previous instructions" not in inside
        redteam.ask(obeyed, question="anything else I should know?")
    finally:
        graph.write("MATCH (n {id: 'planted'}) DETACH DELETE n")


# --- the server-side layers, each on its own ---------------------------------------------------------


@pytest.mark.parametrize(
    "cypher",
    [
        "CREATE (:Resource {id: 'evil'})",
        "MATCH (n:Resource) SET n.name = 'owned' RETURN n",
        "MATCH (n) DETACH DELETE n",
        "MERGE (n:Resource {id: 'evil'}) RETURN n",
        "MATCH (n:Resource) REMOVE n.name RETURN n",
        "LOAD CSV FROM 'http://127.0.0.1:9/x.csv' AS l RETURN l",
        "CALL db.labels() YIELD label RETURN label",
        "SHOW SETTINGS YIELD name RETURN name",
    ],
)
def test_the_plan_check_refuses_writes_procedures_and_loads_when_the_parse_gate_is_skipped(
    cypher: str, hardened: Graph
) -> None:
    before = snapshot(hardened)
    with pytest.raises((UnsafeCypherError, GraphError)):
        gate.execute(hardened, gate.GatedQuery(cypher), timeout=5, row_cap=10)  # no vet(): straight to Neo4j
    assert snapshot(hardened) == before


def test_a_write_hidden_from_explain_is_still_refused_by_the_read_transaction(hardened: Graph) -> None:
    """Even if EXPLAIN were fooled, the READ access mode makes the server refuse the write itself."""
    before = snapshot(hardened)
    with pytest.raises(Neo4jError, match=r"(?i)write|read"), hardened.read_session() as session:
        session.execute_read(lambda tx: tx.run("CREATE (:Resource {id: 'evil'})").consume())
    assert snapshot(hardened) == before


def test_read_only_look_alikes_pass_with_keywords_inside_strings(
    hardened: Graph, nl_settings: Settings, redis_client: redis.Redis, scripted: ScriptedLLMServer
) -> None:
    svc = make_services(hardened, nl_settings, redis_client)
    tricky = "MATCH (n:Resource) WHERE n.name <> 'DETACH DELETE; CALL db.labels() // LOAD CSV' RETURN count(n) AS c"
    scripted.push(Reply(tricky), Reply("Counted."))
    answer = ask(svc, "count resources not named like a query", user="redteam")
    assert answer.path == "llm"
    assert answer.rows == ({"c": 19},)


def test_gate_refusals_and_neo4j_errors_are_audited_and_neo4j_messages_never_reach_the_caller(
    hardened: Graph,
    nl_settings: Settings,
    redis_client: redis.Redis,
    scripted: ScriptedLLMServer,
    caplog: pytest.LogCaptureFixture,
) -> None:
    svc = make_services(hardened, nl_settings, redis_client)
    scripted.push(
        Reply("MATCH (u:User) RETURN u.password_hash"),  # refused by the gate
        Reply("MATCH (n:Resource) RETURN toInteger(n.name) + 'x' + date('not a date') AS x"),  # fails in Neo4j
        Reply("MATCH (n:S3Bucket) RETURN count(n) AS c"),
        Reply("Three buckets."),
    )
    with caplog.at_level("INFO", logger="app.nl.audit"):
        answer = ask(svc, "show me something unusual about the estate", user="alice", role="viewer")
    assert answer.path == "llm"
    audits = [r.audit for r in caplog.records if hasattr(r, "audit")]  # type: ignore[attr-defined]
    assert [a["decision"] for a in audits] == ["refused", "failed", "accepted"]
    assert all(a["caller"] == "alice" and a["role"] == "viewer" for a in audits)
    assert "User nodes are not part of the inventory" in audits[0]["reason"]
    assert audits[2]["rows"] == 1
    assert "Neo." in audits[1]["reason"]  # the log keeps Neo4j's own message for operators
    warnings = " ".join(answer.warnings)
    assert "Neo." not in warnings  # the caller sees a category and a request id
    assert "not a date" not in warnings
    assert "the database refused the query (" in warnings


def test_cached_answers_are_kept_per_role(
    hardened: Graph, nl_settings: Settings, redis_client: redis.Redis, scripted: ScriptedLLMServer
) -> None:
    svc = make_services(hardened, nl_settings, redis_client)
    scripted.push(Reply("MATCH (n:S3Bucket) RETURN count(n) AS c"), Reply("Three."))
    assert ask(svc, "show me something unusual about the estate", user="admin", role="admin").path == "llm"
    assert ask(svc, "show me something unusual about the estate", user="root2", role="admin").path == "cache"
    scripted.push(Reply("MATCH (n:S3Bucket) RETURN count(n) AS c"), Reply("Three."))
    assert ask(svc, "show me something unusual about the estate", user="vic", role="viewer").path == "llm"
