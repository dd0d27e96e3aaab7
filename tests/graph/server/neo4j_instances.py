"""Extra local Neo4j servers for tests: a hardened one like production, or a deliberately permissive one.

Both are started by the project's own :class:`graph.server.neo4j_server.Neo4jServer` in a directory of
their own, on ports of their own, and stopped when the ``with`` block ends. They link to the jars of
the test session's Neo4j home when those are current, so no Maven run is needed (~10 s a start).

The permissive server lifts Neo4j's own restrictions (the settings of ``graph.server.neo4j_hardening``)
back to what they used to be: ``dbms.security.procedures.unrestricted=apoc.*``, file URLs allowed for
``LOAD CSV`` with no import root (``file:///etc/passwd`` reads /etc/passwd), every APOC procedure and
function loaded, no address blocked. It shows what the other defence layers do when this one is off::

    from tests.graph.server.neo4j_instances import free_port, permissive_neo4j

    def test_gate_holds_without_neo4j_restrictions(tmp_path: Path) -> None:
        with permissive_neo4j(tmp_path, free_port(), free_port()) as neo4j:
            settings = neo4j.settings          # full Settings pointing at it: Graph(settings.neo4j), the NL pipeline
            driver = GraphDatabase.driver(neo4j.uri, auth=neo4j.auth)
            ...

For a module-wide server, wrap it in a ``scope="module"`` fixture with ``tmp_path_factory.mktemp(...)``.
``permissive_server`` is the session's one permissive server (a first start costs ~16 s): the hardening
tests show the attacks working on it and the red team runs with this layer off on it; neither changes
its configuration.
"""

from __future__ import annotations

import socket
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

from core.settings import Neo4jSettings, Settings, load_settings
from graph.server.neo4j_hardening import (
    ALLOWLIST_SETTING,
    FILE_URLS_SETTING,
    IMPORT_DIR_SETTING,
    IP_BLOCKLIST_SETTING,
    UNRESTRICTED_SETTING,
)
from graph.server.neo4j_server import Neo4jServer

__all__ = ["PERMISSIVE_SETTINGS", "RunningNeo4j", "free_port", "local_neo4j", "permissive_neo4j"]

PASSWORD = "test-server-password"
# The settings the local server had before it was hardened; None leaves a key out (Neo4j's default).
PERMISSIVE_SETTINGS: Mapping[str, str | None] = {
    UNRESTRICTED_SETTING: "apoc.*",
    FILE_URLS_SETTING: "true",
    ALLOWLIST_SETTING: None,  # default "*": every plugin procedure and function
    IP_BLOCKLIST_SETTING: None,  # default: no address blocked
    IMPORT_DIR_SETTING: None,  # default: no import root, file URLs resolve from /
}


@dataclass(frozen=True)
class RunningNeo4j:
    """A Neo4j started for a test: its settings, the server object, and how to connect."""

    settings: Settings
    server: Neo4jServer

    @property
    def uri(self) -> str:
        return self.settings.neo4j.uri

    @property
    def auth(self) -> tuple[str, str]:
        return (self.settings.neo4j.user, self.settings.neo4j.password)


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing holds right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _link_session_lib(server: Neo4jServer) -> None:
    """Point the new home's lib/ at the session Neo4j's jars when they are current (else Maven resolves)."""
    session = load_settings()
    shared = Neo4jServer(session.neo4j, session.neo4j_dir)
    lib = server.home / "lib"
    if lib.exists() or lib.is_symlink() or not shared.lib_is_current():
        return
    server.home.mkdir(parents=True, exist_ok=True)
    lib.symlink_to(shared.lib.resolve(), target_is_directory=True)


@contextmanager
def local_neo4j(
    directory: Path,
    bolt_port: int,
    http_port: int,
    extra_settings: Mapping[str, str | None] | None = None,
    run_as: str = "",
) -> Iterator[RunningNeo4j]:
    """Start a Neo4j with data under ``directory`` (hardened unless ``extra_settings`` say otherwise).

    ``run_as``: the OS user it runs as (AIDISCOVER_NEO4J_RUN_AS; needs root); empty: ours.
    """
    neo4j = Neo4jSettings(
        home=directory / "neo4j", http_port=http_port, heap="512m", pagecache="64m", start_timeout=120.0, run_as=run_as
    ).model_copy(update={"uri": f"bolt://127.0.0.1:{bolt_port}", "password": PASSWORD})  # fields named by NEO4J_*
    settings = Settings(data_dir=directory, neo4j=neo4j)
    server = Neo4jServer(settings.neo4j, settings.neo4j_dir, extra_settings)
    _link_session_lib(server)
    server.start()
    try:
        yield RunningNeo4j(settings, server)
    finally:
        server.stop()


@contextmanager
def permissive_neo4j(tmp_path: Path, bolt_port: int, http_port: int) -> Iterator[RunningNeo4j]:
    """A Neo4j without its own restrictions (see the module docstring), in ``tmp_path / "permissive-neo4j"``."""
    with local_neo4j(tmp_path / "permissive-neo4j", bolt_port, http_port, PERMISSIVE_SETTINGS) as neo4j:
        yield neo4j


# Planted in the permissive server's home: a file-read attack that works shows this text.
PLANTED_SECRET = "planted-signing-secret-4f1c"


@pytest.fixture(scope="session")
def permissive_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningNeo4j]:
    """One permissive Neo4j for the session, with ``PLANTED_SECRET`` in its data directory's ``jwt-secret``."""
    directory = tmp_path_factory.mktemp("open")
    (directory / "permissive-neo4j").mkdir()
    (directory / "permissive-neo4j" / "jwt-secret").write_text(PLANTED_SECRET + "\n", encoding="utf-8")
    with permissive_neo4j(directory, free_port(), free_port()) as neo4j:
        yield neo4j
