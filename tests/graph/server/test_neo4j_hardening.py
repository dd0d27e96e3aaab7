"""Neo4j's own restrictions, on real servers started by the project's own code.

Whatever Cypher reaches it, the local Neo4j must refuse to read files (``LOAD CSV`` with file URLs),
to fetch URLs (server-side requests, e.g. to a cloud metadata endpoint) and to run APOC
(``apoc.cypher.*`` runs Cypher hidden in strings, ``apoc.load.*`` reads files and URLs). A hardened
server is started with ``services.up`` exactly as ``aidiscover services up`` does; a permissive one
(``tests.graph.server.neo4j_instances.permissive_neo4j``) shows that each attack here really works when
the restrictions are lifted, so every refusal below is the hardening's doing.
"""

from __future__ import annotations

import http.server
import logging
import re
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from neo4j import Driver, GraphDatabase
from neo4j.exceptions import Neo4jError

from core.errors import ConfigError
from core.settings import Neo4jSettings
from graph.backup import backup, restore
from graph.neo4j.client import Graph
from graph.neo4j.constraints import ensure_schema
from graph.schema import SCHEMA
from graph.secretstore import store_of
from graph.server import services
from graph.server.neo4j_conf import render_conf
from graph.server.neo4j_hardening import (
    ALLOWLIST_SETTING,
    FORBIDDEN_PROCEDURE_PREFIXES,
    HARDENING,
    IMPORT_DIR_SETTING,
    PROCEDURE_ALLOWLIST,
    UNRESTRICTED_SETTING,
    check_conf_settings,
)
from graph.server.neo4j_server import Neo4jServer
from tests.graph.server.neo4j_instances import PLANTED_SECRET, RunningNeo4j, free_port, local_neo4j

pytestmark = pytest.mark.neo4j

CONFIG_LINE = re.compile(r"^\s{20,}([a-z][a-z0-9_.]+)=(.*)$", re.MULTILINE)
SECRET = PLANTED_SECRET
SECRET_VARIABLE = "AWS_SECRET_ACCESS_KEY"
APOC_CALLS = (
    "RETURN apoc.cypher.runFirstColumnMany('MATCH (n) RETURN count(n)', {}) AS x",
    "RETURN apoc.load.json('file:///etc/passwd') AS x",
    "CALL apoc.load.json('file:///etc/passwd') YIELD value RETURN value",
    "RETURN `apoc`.`cypher`.`runFirstColumnMany`('RETURN 1', {}) AS x",
    "CALL apoc.cypher.run('RETURN 1 AS one', {}) YIELD value RETURN value",
    "RETURN apoc.text.join(['a', 'b'], ',') AS x",
)
FILE_URLS = (
    "file:///etc/passwd",
    "file:/etc/passwd",
    "FILE:///etc/passwd",
    "file://localhost/etc/passwd",
    "file:///../../../../../etc/passwd",
    "file:etc/passwd",
    "file:///proc/self/environ",
)


# --- servers and a canary ------------------------------------------------------------------------
@dataclass
class Canary:
    """An HTTP server on 127.0.0.1 that records every request and answers a one-line CSV."""

    port: int
    paths: list[str] = field(default_factory=list)

    def url(self, host: str = "127.0.0.1") -> str:
        return f"http://{host}:{self.port}/x.csv"


@pytest.fixture
def canary() -> Iterator[Canary]:
    seen = Canary(0)

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            seen.paths.append(self.path)
            body = b"canary,row\n"
            self.send_response(200)
            self.send_header("Content-Type", "text/csv")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *_args: Any) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    seen.port = server.server_address[1]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield seen
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="module")
def hardened(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningNeo4j]:
    """A Neo4j started the way `aidiscover services up` starts one, with a jwt-secret planted in its data dir."""
    directory = tmp_path_factory.mktemp("hardened")
    (directory / "jwt-secret").write_text(SECRET + "\n", encoding="utf-8")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv(SECRET_VARIABLE, SECRET)  # as if `services up` ran with the API's secrets in its environment
        with local_neo4j(directory, free_port(), free_port()) as neo4j:
            (neo4j.server.import_dir / "jwt-secret").write_text(SECRET + "\n", encoding="utf-8")  # after the start
            yield neo4j


@pytest.fixture(scope="module")
def permissive(permissive_server: RunningNeo4j) -> RunningNeo4j:
    """The session's permissive Neo4j, with ``SECRET`` planted in its data directory."""
    return permissive_server


@pytest.fixture(scope="module")
def hardened_driver(hardened: RunningNeo4j) -> Iterator[Driver]:
    with GraphDatabase.driver(hardened.uri, auth=hardened.auth) as driver:
        yield driver


@pytest.fixture(scope="module")
def permissive_driver(permissive: RunningNeo4j) -> Iterator[Driver]:
    with GraphDatabase.driver(permissive.uri, auth=permissive.auth) as driver:
        yield driver


def run(driver: Driver, cypher: str) -> list[dict[str, Any]]:
    with driver.session() as session:
        return session.run(cypher).data()  # type: ignore[arg-type]


def logged_config(server: Neo4jServer) -> dict[str, str]:
    """The settings in the last start's "Config" block of debug.log (indented ``name=value`` lines)."""
    text = (server.logs / "debug.log").read_text(encoding="utf-8", errors="replace")
    return dict(CONFIG_LINE.findall(text))  # later starts overwrite earlier ones


def refused(driver: Driver, cypher: str) -> Neo4jError:
    with pytest.raises(Neo4jError) as err:
        run(driver, cypher)
    return err.value


# --- what the server is configured with ----------------------------------------------------------
def test_show_settings_shows_every_hardening_value(hardened: RunningNeo4j, hardened_driver: Driver) -> None:
    values = {r["name"]: r["value"] for r in run(hardened_driver, "SHOW SETTINGS YIELD name, value RETURN *")}
    # SHOW SETTINGS hides internal.* settings; the server logs every setting it started with to debug.log.
    logged = logged_config(hardened.server)
    for name, value in HARDENING.items():
        assert (logged if name.startswith("internal.") else values)[name] == value, name
    assert values["dbms.security.allow_csv_import_from_file_urls"] == "false"
    assert logged["internal.dbms.cypher_ip_blocklist"] == "0.0.0.0/0,::/0"
    assert values[IMPORT_DIR_SETTING] == str(hardened.server.import_dir)
    assert values[UNRESTRICTED_SETTING] == ""
    assert not any(name.startswith("apoc") for name in values[ALLOWLIST_SETTING].split(","))


def test_allowlist_never_names_what_runs_cypher_or_reads_files() -> None:
    for name in PROCEDURE_ALLOWLIST:
        assert not name.lower().startswith(FORBIDDEN_PROCEDURE_PREFIXES), name
        assert "*" not in name


def test_show_procedures_and_functions_list_no_apoc(hardened_driver: Driver, permissive_driver: Driver) -> None:
    for kind in ("PROCEDURES", "FUNCTIONS"):
        names = [r["name"] for r in run(hardened_driver, f"SHOW {kind} YIELD name RETURN name")]
        assert names, kind
        apoc = [n for n in names if n.lower().startswith("apoc.")]
        assert set(apoc) <= set(PROCEDURE_ALLOWLIST), apoc
        assert not [n for n in names if n.lower().startswith(FORBIDDEN_PROCEDURE_PREFIXES)]
        opened = [r["name"] for r in run(permissive_driver, f"SHOW {kind} YIELD name RETURN name")]
        assert any(n.startswith("apoc.") for n in opened), f"the permissive server lists no APOC {kind}"


# --- files --------------------------------------------------------------------------------------
@pytest.mark.parametrize("url", FILE_URLS)
def test_load_csv_refuses_file_urls(hardened_driver: Driver, url: str) -> None:
    error = refused(hardened_driver, f"LOAD CSV FROM '{url}' AS line RETURN line LIMIT 1")
    assert "root:" not in str(error)


def test_a_secret_planted_in_the_data_or_import_dir_cannot_be_read(
    hardened: RunningNeo4j, hardened_driver: Driver
) -> None:
    planted = hardened.settings.data_dir / "jwt-secret"
    assert planted.read_text(encoding="utf-8").strip() == SECRET
    for url in (f"file://{planted}", "file:///jwt-secret", "file:///../jwt-secret", "file:///../../jwt-secret"):
        error = refused(hardened_driver, f"LOAD CSV FROM '{url}' AS line RETURN line")
        assert SECRET not in str(error), url


def test_the_import_dir_is_emptied_at_every_start(hardened: RunningNeo4j) -> None:
    server = hardened.server
    assert (server.import_dir / "jwt-secret").exists()  # planted after the start
    server.configure()  # what every start does
    assert list(server.import_dir.iterdir()) == []


def test_neo4j_does_not_inherit_the_environment_of_whoever_started_it(hardened: RunningNeo4j) -> None:
    pid = hardened.server.running_pid()
    assert pid is not None
    environ = Path(f"/proc/{pid}/environ").read_bytes().split(b"\0")
    names = {item.partition(b"=")[0].decode() for item in environ if item}
    assert SECRET.encode() not in b"\0".join(environ)
    assert not {name for name in names if name.startswith(("AIDISCOVER_", "AWS_", "NEO4J_PASSWORD"))}
    assert {"NEO4J_HOME", "NEO4J_CONF", "PATH"} <= names


# --- URLs ---------------------------------------------------------------------------------------
def test_load_csv_reaches_no_address_and_the_canary_hears_nothing(hardened_driver: Driver, canary: Canary) -> None:
    urls = [
        canary.url(host) for host in ("127.0.0.1", "localhost", "127.1", "2130706433", "[::1]", "[::ffff:127.0.0.1]")
    ]
    urls += [canary.url().replace("http:", "https:"), canary.url().replace("http:", "ftp:")]
    urls += ["http://169.254.169.254/latest/meta-data/", "http://[fd00:ec2::254]/latest/meta-data/"]
    for url in urls:
        error = refused(hardened_driver, f"LOAD CSV FROM '{url}' AS line RETURN line")
        assert "blocked" in str(error), (url, str(error))
    assert canary.paths == []


# --- APOC ---------------------------------------------------------------------------------------
@pytest.mark.parametrize("cypher", APOC_CALLS)
def test_apoc_procedures_and_functions_do_not_exist(hardened_driver: Driver, cypher: str) -> None:
    error = refused(hardened_driver, cypher)
    assert error.code in ("Neo.ClientError.Statement.SyntaxError", "Neo.ClientError.Procedure.ProcedureNotFound")
    assert "Unknown function" in str(error) or "no procedure" in str(error)


# --- the permissive server really is permissive -------------------------------------------------
def test_permissive_server_reads_files_urls_and_runs_apoc(
    permissive: RunningNeo4j, permissive_driver: Driver, canary: Canary
) -> None:
    [passwd] = run(permissive_driver, "LOAD CSV FROM 'file:///etc/passwd' AS line RETURN line LIMIT 1")
    assert passwd["line"][0].startswith("root:")
    planted = permissive.settings.data_dir / "jwt-secret"
    [secret] = run(permissive_driver, f"LOAD CSV FROM 'file://{planted}' AS line RETURN line")
    assert secret["line"] == [SECRET]
    [row] = run(permissive_driver, f"LOAD CSV FROM '{canary.url()}' AS line RETURN line")
    assert row["line"] == ["canary", "row"]
    assert canary.paths == ["/x.csv"]
    [joined] = run(permissive_driver, "RETURN apoc.text.join(['a', 'b'], ',') AS x")
    assert joined["x"] == "a,b"
    [many] = run(permissive_driver, "RETURN apoc.cypher.runFirstColumnMany('RETURN 1', {}) AS x")
    assert many["x"] == [1]
    values = {r["name"]: r["value"] for r in run(permissive_driver, "SHOW SETTINGS YIELD name, value RETURN *")}
    assert values[UNRESTRICTED_SETTING] == "apoc.*"


# --- the product still works on the hardened server ---------------------------------------------
def test_schema_backup_and_restore_work_on_the_hardened_server(hardened: RunningNeo4j, tmp_path: Path) -> None:
    with Graph(hardened.settings.neo4j, hardened.settings.redis) as graph:
        graph.wipe()
        store_of(graph).clear()  # the test Redis: restore refuses a store that holds records
        ensure_schema(graph, SCHEMA)  # SHOW CONSTRAINTS / INDEXES, CALL db.awaitIndexes
        graph.write("CREATE (:Resource:VPC {id: 'arn:vpc-h', name: 'h', provider: 'aws'})-[:LOOPS]->(:Job {id: 'j'})")
        summary = backup(graph, tmp_path / "graph.jsonl.gz")
        assert (summary.nodes, summary.relationships) == (2, 1)
        graph.wipe()
        restored = restore(graph, tmp_path / "graph.jsonl.gz")  # CALL db.awaitIndexes first
        assert (restored.nodes, restored.relationships) == (2, 1)
        [row] = graph.read("MATCH (v:VPC)-[:LOOPS]->(j:Job) RETURN v.name AS v, j.id AS j")
        assert dict(row) == {"v": "h", "j": "j"}
        [components] = graph.read("CALL dbms.components() YIELD name RETURN name")  # LlamaIndex's version check
        assert components["name"] == "Neo4j Kernel"


# --- the conf ------------------------------------------------------------------------------------
def test_a_server_running_an_older_conf_is_reported(hardened: RunningNeo4j, caplog: pytest.LogCaptureFixture) -> None:
    server = hardened.server
    server.conf_file.write_text(
        server.conf_file.read_text(encoding="utf-8") + f"{UNRESTRICTED_SETTING}=apoc.*\n", encoding="utf-8"
    )
    with caplog.at_level(logging.WARNING, logger="graph.server.neo4j_server"):
        assert services.up(hardened.settings, ["neo4j"])[0].running
    assert any("older neo4j.conf" in r.getMessage() for r in caplog.records)
    server.configure()
    assert server.conf_file.read_text(encoding="utf-8") == server.render()


def test_conf_hardening_is_in_every_rendered_conf(tmp_path: Path) -> None:
    lines = render_conf(Neo4jSettings(home=tmp_path / "neo4j"), tmp_path / "neo4j").splitlines()
    for name, value in HARDENING.items():
        assert f"{name}={value}" in lines
    assert f"{IMPORT_DIR_SETTING}={tmp_path / 'neo4j' / 'import'}" in lines
    assert not any(line.startswith(UNRESTRICTED_SETTING) for line in lines)


def test_extra_settings_override_drop_and_are_validated(tmp_path: Path) -> None:
    settings = Neo4jSettings(home=tmp_path / "neo4j")
    extra = {UNRESTRICTED_SETTING: "apoc.*", ALLOWLIST_SETTING: None, "db.logs.query.enabled": "OFF"}
    lines = Neo4jServer(settings, tmp_path / "neo4j", extra).render().splitlines()
    assert f"{UNRESTRICTED_SETTING}=apoc.*" in lines
    assert not any(line.startswith(ALLOWLIST_SETTING) for line in lines)
    assert "db.logs.query.enabled=OFF" in lines
    for bad in (
        {"dbms.security.procedures.unrestricted\nx": "y"},
        {"Not A Key": "1"},
        {UNRESTRICTED_SETTING: "apoc.*\ndbms.security.auth_enabled=false"},
    ):
        with pytest.raises(ConfigError):
            Neo4jServer(settings, tmp_path / "neo4j", bad)
    check_conf_settings({UNRESTRICTED_SETTING: None})
