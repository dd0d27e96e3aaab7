"""`aidiscover services up|down|status`: the local Neo4j and Redis behind one small API.

Each call takes the settings and the service names (a subset of ``ALL_SERVICES``) and returns one
:class:`ServiceStatus` per name, in the order given; ``ServiceStatus.line()`` is what the CLI prints.
Expected failures raise the ``ServiceError`` family from ``core.errors``.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from core.errors import ServiceError
from core.settings import Settings
from graph.server import processes
from graph.server.neo4j_server import Neo4jServer
from graph.server.redis_server import RedisServer

ALL_SERVICES: tuple[str, ...] = ("neo4j", "redis")


@dataclass(frozen=True)
class ServiceStatus:
    """The state of one local service after an action."""

    name: str
    running: bool
    managed: bool  # False: something we did not start answers at the address, and we leave it alone
    pid: int | None
    address: str
    detail: str = ""
    seconds: float | None = None  # how long the action took to start (or stop) it; None: nothing to do

    def line(self) -> str:
        """One human line, e.g. ``neo4j   up    pid 1234    bolt://127.0.0.1:7687  ...  (started in 7.9 s)``."""
        state = "up" if self.running else "down"
        if self.pid is not None:
            who = f"pid {self.pid}"
        elif self.running and not self.managed:
            who = "external"
        else:
            who = "-"
        text = f"{self.name:<7} {state:<5} {who:<11} {self.address}"
        if self.detail:
            text += f"  {self.detail}"
        if self.seconds is not None:
            text += f"  ({'started' if self.running else 'stopped'} in {self.seconds:.1f} s)"
        return text


# --- Neo4j ---------------------------------------------------------------------------------------
def _neo4j_status(server: Neo4jServer, seconds: float | None = None, note: str = "") -> ServiceStatus:
    pid = server.running_pid()
    if pid is not None:
        ready = processes.port_listening(server.settings.bolt_address[0], server.settings.http_port)
        detail = server.http_url if ready else "starting (HTTP not answering yet)"
    else:
        detail = server.port_holder_note() or "not running"
    if note:
        detail = f"{detail}  {note}"
    return ServiceStatus("neo4j", pid is not None, True, pid, server.uri, detail, seconds)


def _neo4j_up(settings: Settings) -> ServiceStatus:
    server = Neo4jServer(settings.neo4j, settings.neo4j_dir)
    seconds = server.start()
    return _neo4j_status(server, seconds, "" if seconds is not None else "(already running)")


def _neo4j_down(settings: Settings) -> ServiceStatus:
    server = Neo4jServer(settings.neo4j, settings.neo4j_dir)
    started = time.monotonic()
    stopped = server.stop()
    seconds = time.monotonic() - started if stopped else None
    return _neo4j_status(server, seconds)


def _neo4j_state(settings: Settings) -> ServiceStatus:
    return _neo4j_status(Neo4jServer(settings.neo4j, settings.neo4j_dir))


# --- Redis ---------------------------------------------------------------------------------------
def _redis_status(server: RedisServer, seconds: float | None = None, note: str = "") -> ServiceStatus:
    pid = server.running_pid()
    if pid is not None:
        status = ServiceStatus("redis", True, True, pid, server.address, note, seconds)
    else:
        try:
            external = server.answers()
            detail = "not started by aidiscover; left alone" if external else "not running"
        except ServiceError as exc:
            external, detail = True, str(exc)
        if not external and processes.port_listening(server.host, server.port):
            detail = f"{server.host}:{server.port} is held by another program"
        status = ServiceStatus("redis", external, False, None, server.address, detail, seconds)
    return status


def _redis_up(settings: Settings) -> ServiceStatus:
    server = RedisServer(settings.redis, settings.redis_dir)
    seconds = server.start()
    note = "(already running)" if seconds is None and server.running_pid() is not None else ""
    return _redis_status(server, seconds, note)


def _redis_down(settings: Settings) -> ServiceStatus:
    server = RedisServer(settings.redis, settings.redis_dir)
    started = time.monotonic()
    stopped = server.stop()
    return _redis_status(server, time.monotonic() - started if stopped else None)


def _redis_state(settings: Settings) -> ServiceStatus:
    return _redis_status(RedisServer(settings.redis, settings.redis_dir))


# --- public API ----------------------------------------------------------------------------------
Action = Callable[[Settings], ServiceStatus]
_ACTIONS: dict[str, dict[str, Action]] = {
    "up": {"neo4j": _neo4j_up, "redis": _redis_up},
    "down": {"neo4j": _neo4j_down, "redis": _redis_down},
    "status": {"neo4j": _neo4j_state, "redis": _redis_state},
}


def _run(action: str, settings: Settings, names: Sequence[str]) -> list[ServiceStatus]:
    unknown = [name for name in names if name not in ALL_SERVICES]
    if unknown:
        raise ServiceError(f"unknown service {unknown[0]!r}; choose from {', '.join(ALL_SERVICES)}")
    return [_ACTIONS[action][name](settings) for name in names]


def up(settings: Settings, names: Sequence[str] = ALL_SERVICES) -> list[ServiceStatus]:
    """Start each named service unless it already runs (idempotent); wait until each is ready."""
    return _run("up", settings, names)


def down(settings: Settings, names: Sequence[str] = ALL_SERVICES) -> list[ServiceStatus]:
    """Stop each named service that we started; leave alone what we did not."""
    return _run("down", settings, names)


def status(settings: Settings, names: Sequence[str] = ALL_SERVICES) -> list[ServiceStatus]:
    """Report each named service without changing anything."""
    return _run("status", settings, names)
