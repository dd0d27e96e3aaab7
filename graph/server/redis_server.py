"""The local Redis (Celery broker, results, progress): used if one answers, brought up when nothing does.

When something already answers PING at REDIS_URL's host and port (a system redis, a container), it is
used as is and never stopped by us (``managed`` is False). Otherwise ``redis-server`` is started in the
foreground mode (``daemonize no``) but detached in its own session, from a config file written under
``Settings.redis_dir`` at every start (so a password from REDIS_URL never shows in ``ps``).

It persists with an append-only file (``appendonly yes``, ``appendfsync everysec``) in
``Settings.redis_dir``: queued Celery tasks, job progress and rate-limit windows survive a crash or a
kill of redis-server, losing at most the last second of writes. No RDB snapshots (``save ""``): the
append-only file is the one copy.
"""

from __future__ import annotations

import contextlib
import logging
import os
import shutil
import time
from pathlib import Path
from urllib.parse import unquote, urlsplit

import redis

from core.errors import PortInUseError, ServiceError, ServiceStartTimeout, ToolMissingError
from core.settings import RedisSettings
from graph.server import processes

log = logging.getLogger(__name__)

START_TIMEOUT = 30.0
STOP_GRACE = 15.0
APPEND_DIR = "appendonlydir"  # under Settings.redis_dir


class RedisServer:
    """Start, stop and inspect the Redis at ``settings.redis.url``."""

    def __init__(self, settings: RedisSettings, directory: Path) -> None:
        """A server keeping its files in ``directory`` (``Settings.redis_dir``)."""
        self.settings = settings
        self.host, self.port = settings.address
        self.dir = directory.resolve()
        self.pidfile = self.dir / "redis.pid"
        self.logfile = self.dir / "redis.log"
        self.conf = self.dir / "redis.conf"
        self.append_dir = self.dir / APPEND_DIR

    @property
    def address(self) -> str:
        return f"redis://{self.host}:{self.port}"

    # --- probing -------------------------------------------------------------------------------
    def answers(self) -> bool:
        """True when a Redis at REDIS_URL answers PING with REDIS_URL's credentials."""
        client = redis.Redis.from_url(self.settings.url, socket_timeout=1.0, socket_connect_timeout=1.0)
        try:
            return bool(client.ping())
        except redis.AuthenticationError:
            raise ServiceError(
                f"Redis at {self.host}:{self.port} rejected the credentials in REDIS_URL; fix REDIS_URL's "
                "password, or stop that Redis so `services up` can start one"
            ) from None
        except (redis.RedisError, OSError) as exc:
            log.debug("no Redis answer at %s:%s: %s", self.host, self.port, exc)
            return False
        finally:
            client.close()

    def running_pid(self) -> int | None:
        """Pid of the redis-server we started for this directory, or None."""
        pid = processes.read_pid(self.pidfile)
        if pid is not None and processes.is_our_process(pid, contains=("redis-server",), cwd=self.dir):
            return pid
        return None

    def _live_pid(self) -> int | None:
        return processes.drop_stale_pidfile(self.pidfile, self.running_pid(), "redis-server of ours")

    def _locked(self) -> contextlib.AbstractContextManager[None]:
        return processes.dir_lock(self.dir)

    # --- lifecycle -----------------------------------------------------------------------------
    def _write_conf(self) -> None:
        password = urlsplit(self.settings.url).password
        lines = [
            "# Written by `aidiscover services up` at every start.",
            f"bind {self.host}",
            f"port {self.port}",
            "daemonize no",
            f"dir {self.dir}",
            f"logfile {self.logfile}",
            f"pidfile {self.pidfile}",
            'save ""',
            "appendonly yes",
            "appendfsync everysec",
            f'appenddirname "{APPEND_DIR}"',
        ]
        if password:
            lines.append(f'requirepass "{unquote(password)}"')
        fd = os.open(self.conf, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write("\n".join(lines) + "\n")

    def start(self) -> float | None:
        """Make sure a Redis answers at REDIS_URL; seconds taken when we started one, else None."""
        with self._locked():
            pid = self._live_pid()
            if pid is not None:
                log.info("Redis already running (pid %s)", pid)
                self._wait_ready(pid)
                return None
            if self.answers():
                log.info("Redis already answers at %s:%s; using it (not started by aidiscover)", self.host, self.port)
                return None
            if processes.port_held(self.host, self.port):
                raise PortInUseError(
                    f"{self.host}:{self.port} is held by a program that does not answer Redis PING; "
                    "stop that program or change REDIS_URL"
                )
            exe = shutil.which("redis-server")
            if exe is None:
                raise ToolMissingError("redis-server is not installed: apt-get install redis-server")
            started = time.monotonic()
            self._write_conf()
            pid = processes.spawn_detached([exe, str(self.conf)], self.dir / "console.log", cwd=self.dir)
            processes.write_pid(self.pidfile, pid)
            self._wait_ready(pid)
            seconds = time.monotonic() - started
            log.info("started Redis (pid %s) at %s:%s in %.2f s", pid, self.host, self.port, seconds)
            return seconds

    def _wait_ready(self, pid: int) -> None:
        deadline = time.monotonic() + START_TIMEOUT
        while True:
            if not processes.pid_alive(pid):
                processes.remove_pid(self.pidfile)
                raise ServiceError(
                    f"redis-server (pid {pid}) exited while starting; last lines of {self.logfile}: "
                    f"{processes.tail(self.logfile, 3)}; fix the cause and run `aidiscover services up` again"
                )
            if self.answers():
                return
            if time.monotonic() >= deadline:
                raise ServiceStartTimeout(
                    f"redis-server (pid {pid}) did not answer PING at {self.host}:{self.port} within "
                    f"{START_TIMEOUT:.0f} s; read {self.logfile}"
                )
            time.sleep(0.05)

    def stop(self) -> bool:
        """Stop the redis-server we started (never one we merely used); True when one was running."""
        with self._locked():
            pid = self._live_pid()
            if pid is None:
                return False
            log.info("stopping Redis (pid %s)", pid)
            processes.terminate(pid, STOP_GRACE)
            processes.remove_pid(self.pidfile)
            return True
