"""Real lifecycle tests of `services up|down|status` on free ports and temporary directories.

They never touch the shared Neo4j and Redis on the default ports. Neo4j's jars are resolved once per
session into a temporary home and every test home links to that lib/ (its stamp travels with it).
Neo4j starts cost ~8 s each; this module starts a real Neo4j three times.
"""

from __future__ import annotations

import logging
import os
import shutil
import signal
import socket
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import redis

from core.errors import Neo4jAuthError, PortInUseError, ServiceError, ServiceStartTimeout
from core.settings import Neo4jSettings, RedisSettings, Settings
from graph.neo4j.client import Graph
from graph.server import processes, services
from graph.server.neo4j_server import Neo4jServer
from graph.server.redis_server import RedisServer

PASSWORD_A = "first-password-a"
PASSWORD_B = "second-password-b"

MakeSettings = Callable[..., Settings]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def dead_pid() -> int:
    """The pid of a process that has exited (and was reaped)."""
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


@pytest.fixture
def listening_socket() -> Iterator[socket.socket]:
    """A plain TCP listener that never speaks any protocol."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen(8)
        yield sock


@pytest.fixture(scope="session")
def resolved_lib(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """lib/ resolved once by Maven (from ~/.m2 after the first time) for every test home to link to."""
    home = tmp_path_factory.mktemp("neo4j-lib") / "neo4j"
    Neo4jServer(Neo4jSettings(home=home), home).resolve()
    return home / "lib"


@pytest.fixture
def make_settings(tmp_path: Path) -> Iterator[MakeSettings]:
    """Build Settings on free ports under tmp_path; stop whatever they started at teardown."""
    made: list[Settings] = []
    ports = {"bolt": free_port(), "http": free_port(), "redis": free_port()}

    def make(name: str = "a", password: str = PASSWORD_A, redis_url: str = "", **neo4j: object) -> Settings:
        fields: dict[str, object] = {
            "home": tmp_path / name / "neo4j",
            "uri": f"bolt://127.0.0.1:{ports['bolt']}",
            "http_port": ports["http"],
            "password": password,
            "heap": "512m",
            "pagecache": "64m",
            "start_timeout": 90.0,
        }
        fields.update(neo4j)
        redis = RedisSettings().model_copy(update={"url": redis_url or f"redis://127.0.0.1:{ports['redis']}/0"})
        settings = Settings(data_dir=tmp_path / name, neo4j=Neo4jSettings().model_copy(update=fields), redis=redis)
        made.append(settings)
        return settings

    yield make
    for settings in made:
        try:
            services.down(settings, services.ALL_SERVICES)
        except ServiceError as exc:
            logging.getLogger(__name__).warning("teardown: %s", exc)


def link_lib(settings: Settings, lib: Path) -> None:
    home = settings.neo4j_dir
    home.mkdir(parents=True, exist_ok=True)
    if not (home / "lib").exists():
        (home / "lib").symlink_to(lib, target_is_directory=True)


def fake_java_home(tmp_path: Path, behaviour: str) -> Path:
    """A JAVA_HOME whose java runs the real one for neo4j-admin but ``behaviour`` for the server."""
    real = shutil.which("java")
    assert real is not None
    home = tmp_path / "fake-jdk"
    (home / "bin").mkdir(parents=True)
    script = home / "bin" / "java"
    script.write_text(
        '#!/bin/sh\ncase "$*" in *AdminTool*) exec ' + real + ' "$@";; esac\n' + behaviour + "\n",
        encoding="utf-8",
    )
    script.chmod(0o755)
    return home


# --- Neo4j ---------------------------------------------------------------------------------------
@pytest.mark.neo4j
def test_neo4j_up_status_noop_down(
    make_settings: MakeSettings, resolved_lib: Path, caplog: pytest.LogCaptureFixture
) -> None:
    settings = make_settings(tx_log_retention="3 files")
    link_lib(settings, resolved_lib)
    stale = dead_pid()
    processes.write_pid(Neo4jServer(settings.neo4j, settings.neo4j_dir).pidfile, stale)

    with caplog.at_level(logging.WARNING, logger="graph.server.neo4j_server"):
        [first] = services.up(settings, ["neo4j"])
    assert any("stale pidfile" in r.getMessage() for r in caplog.records)
    assert first.running
    assert first.managed
    assert first.pid not in (None, stale)
    assert first.seconds is not None
    assert first.seconds > 0
    assert "started in" in first.line()
    assert f"pid {first.pid}" in first.line()

    [state] = services.status(settings, ["neo4j"])
    assert state.running
    assert state.pid == first.pid
    assert f"http://127.0.0.1:{settings.neo4j.http_port}" in state.line()

    [again] = services.up(settings, ["neo4j"])
    assert again.running
    assert again.pid == first.pid
    assert again.seconds is None
    with Graph(settings.neo4j, settings.redis) as graph:  # the rendered conf reached the server
        [retention] = graph.read(
            "SHOW SETTINGS YIELD name, value WHERE name = 'db.tx_log.rotation.retention_policy' RETURN value"
        )
    assert retention["value"] == "3 files"

    [stopped] = services.down(settings, ["neo4j"])
    assert not stopped.running
    assert stopped.pid is None
    assert first.pid is not None
    assert not processes.pid_alive(first.pid)
    assert not processes.port_listening(*settings.neo4j.bolt_address)
    assert not Neo4jServer(settings.neo4j, settings.neo4j_dir).pidfile.exists()
    [after] = services.status(settings, ["neo4j"])
    assert not after.running


@pytest.mark.neo4j
def test_neo4j_wrong_password_for_existing_data(make_settings: MakeSettings, resolved_lib: Path) -> None:
    created = make_settings(password=PASSWORD_A)
    link_lib(created, resolved_lib)
    services.up(created, ["neo4j"])
    services.down(created, ["neo4j"])

    changed = make_settings(password=PASSWORD_B)  # same home, other password
    assert changed.neo4j_dir == created.neo4j_dir
    with pytest.raises(Neo4jAuthError) as err:
        services.up(changed, ["neo4j"])
    message = str(err.value)
    assert created.neo4j.uri in message
    assert str(Neo4jServer(created.neo4j, created.neo4j_dir).data) in message
    assert PASSWORD_A not in message
    assert PASSWORD_B not in message
    assert "\n" not in message

    [stopped] = services.down(changed, ["neo4j"])  # it runs (with the old password) until stopped
    assert not stopped.running


@pytest.mark.neo4j
@pytest.mark.parametrize("which", ["bolt", "http"])
def test_neo4j_port_held_by_another_program(
    make_settings: MakeSettings, listening_socket: socket.socket, which: str
) -> None:
    port = listening_socket.getsockname()[1]
    held = {"uri": f"bolt://127.0.0.1:{port}"} if which == "bolt" else {"http_port": port}
    settings = make_settings(**held)
    with pytest.raises(PortInUseError, match=rf"127\.0\.0\.1:{port} .*(NEO4J_URI|NEO4J_HTTP_PORT)"):
        services.up(settings, ["neo4j"])
    assert not Neo4jServer(settings.neo4j, settings.neo4j_dir).pidfile.exists()


@pytest.mark.neo4j
def test_neo4j_exit_during_start_is_reported(make_settings: MakeSettings, resolved_lib: Path, tmp_path: Path) -> None:
    java_home = fake_java_home(tmp_path, 'echo "Error: boom from the fake JVM" >&2; exit 3')
    settings = make_settings(java_home=java_home)
    link_lib(settings, resolved_lib)
    with pytest.raises(ServiceError, match=r"exited while starting.*boom from the fake JVM") as err:
        services.up(settings, ["neo4j"])
    assert "\n" not in str(err.value)
    assert not Neo4jServer(settings.neo4j, settings.neo4j_dir).pidfile.exists()


@pytest.mark.neo4j
def test_neo4j_start_timeout_stops_the_process(make_settings: MakeSettings, resolved_lib: Path, tmp_path: Path) -> None:
    java_home = fake_java_home(tmp_path, "exec sleep 60")
    settings = make_settings(java_home=java_home, start_timeout=1.0)
    link_lib(settings, resolved_lib)
    with pytest.raises(ServiceStartTimeout, match=r"within 1 s \(stopped it\).*neo4j\.log") as err:
        services.up(settings, ["neo4j"])
    assert str(settings.neo4j_dir / "logs" / "neo4j.log") in str(err.value)
    assert not Neo4jServer(settings.neo4j, settings.neo4j_dir).pidfile.exists()


# --- Redis ---------------------------------------------------------------------------------------
@pytest.mark.redis
def test_redis_up_noop_down(make_settings: MakeSettings) -> None:
    settings = make_settings()
    pidfile = settings.redis_dir / "redis.pid"
    processes.write_pid(pidfile, os.getpid())  # a live pid that is not our redis: a recycled one

    [first] = services.up(settings, ["redis"])
    assert first.running
    assert first.managed
    assert first.pid not in (None, os.getpid())
    assert redis.Redis.from_url(settings.redis.url).ping()

    [again] = services.up(settings, ["redis"])
    assert again.pid == first.pid
    assert again.seconds is None
    [state] = services.status(settings, ["redis"])
    assert state.running
    assert state.pid == first.pid

    [stopped] = services.down(settings, ["redis"])
    assert not stopped.running
    assert first.pid is not None
    assert not processes.pid_alive(first.pid)
    assert not processes.port_listening(*settings.redis.address)


@pytest.mark.redis
def test_redis_keeps_its_data_when_killed(make_settings: MakeSettings) -> None:
    """Append-only persistence: a key written before a SIGKILL is there after the next `services up`."""
    settings = make_settings()
    [first] = services.up(settings, ["redis"])
    assert first.pid is not None
    client = redis.Redis.from_url(settings.redis.url)
    try:
        assert client.config_get("appendonly") == {"appendonly": "yes"}
        assert client.config_get("appendfsync") == {"appendfsync": "everysec"}
        assert Path(client.config_get("dir")["dir"]) == settings.redis_dir.resolve()
        client.set("job:persisted", "still-here")
        append_dir = RedisServer(settings.redis, settings.redis_dir).append_dir
        # everysec: wait until the write reached the append-only file, as it does within a second
        assert processes.wait_until(
            lambda: any(b"job:persisted" in f.read_bytes() for f in append_dir.glob("*.aof")), 5.0
        ), f"no append-only file in {append_dir} holds the key"
    finally:
        client.close()
    os.kill(first.pid, signal.SIGKILL)
    assert processes.wait_until(lambda: not processes.pid_alive(first.pid), 10.0)

    [again] = services.up(settings, ["redis"])  # the stale pidfile is dropped, a new redis-server starts
    assert again.pid not in (None, first.pid)
    client = redis.Redis.from_url(settings.redis.url)
    try:
        assert client.get("job:persisted") == b"still-here"
    finally:
        client.close()


@pytest.mark.redis
def test_redis_answering_elsewhere_is_used_not_stopped(make_settings: MakeSettings) -> None:
    owner = make_settings("owner")
    [started] = services.up(owner, ["redis"])
    user = make_settings("user")  # same URL, other directory: it did not start that redis

    [used] = services.up(user, ["redis"])
    assert used.running
    assert not used.managed
    assert used.pid is None
    assert "external" in used.line()
    [left] = services.down(user, ["redis"])
    assert left.running
    assert started.pid is not None
    assert processes.pid_alive(started.pid)

    [stopped] = services.down(owner, ["redis"])
    assert not stopped.running


@pytest.mark.redis
def test_redis_port_held_by_non_redis(make_settings: MakeSettings, listening_socket: socket.socket) -> None:
    port = listening_socket.getsockname()[1]
    settings = make_settings(redis_url=f"redis://127.0.0.1:{port}/0")
    with pytest.raises(PortInUseError, match=rf"127\.0\.0\.1:{port} .*REDIS_URL"):
        services.up(settings, ["redis"])


def test_status_line_is_one_line() -> None:
    status = services.ServiceStatus("neo4j", True, True, 1234, "bolt://127.0.0.1:7687", "http://x", 7.93)
    assert status.line().split() == [
        "neo4j",
        "up",
        "pid",
        "1234",
        "bolt://127.0.0.1:7687",
        "http://x",
        "(started",
        "in",
        "7.9",
        "s)",
    ]
    assert "\n" not in services.ServiceStatus("redis", False, False, None, "r").line()
