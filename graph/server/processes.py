"""Process and port helpers shared by the local Neo4j and Redis launchers.

Pidfiles, "is this pid alive and really ours" (a recycled pid must not be mistaken for our server,
so the process's command line and, where useful, its working directory are checked through /proc),
"does something listen on host:port", waiting with a deadline, stopping with SIGTERM then SIGKILL,
and reading the tail of a log file for error messages.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import logging
import os
import signal
import socket
import subprocess
import time
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

log = logging.getLogger(__name__)


def read_pid(pidfile: Path) -> int | None:
    """The pid stored in ``pidfile``, or None when the file is missing or does not hold a number."""
    try:
        text = pidfile.read_text(encoding="ascii").strip()
    except (OSError, UnicodeDecodeError):
        return None
    return int(text) if text.isdigit() and int(text) > 0 else None


def write_pid(pidfile: Path, pid: int) -> None:
    """Store ``pid`` in ``pidfile`` atomically (write then rename), creating its directory."""
    pidfile.parent.mkdir(parents=True, exist_ok=True)
    partial = pidfile.with_name(pidfile.name + ".partial")
    partial.write_text(f"{pid}\n", encoding="ascii")
    partial.replace(pidfile)


def remove_pid(pidfile: Path) -> None:
    """Delete ``pidfile`` if it exists."""
    pidfile.unlink(missing_ok=True)


def _reap(pid: int) -> None:
    """Collect ``pid``'s exit status if it is our own child, so it does not linger as a zombie."""
    with contextlib.suppress(ChildProcessError, OSError):
        os.waitpid(pid, os.WNOHANG)


def pid_alive(pid: int) -> bool:
    """True when ``pid`` is a running process (a zombie counts as dead once all its threads are gone)."""
    _reap(pid)
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # exists, owned by someone else
    try:
        stat = Path(f"/proc/{pid}/stat").read_text(encoding="utf-8", errors="replace")
    except OSError:
        return True  # no /proc: trust kill(0)
    state = stat.rsplit(")", 1)[-1].split()[:1]
    if state not in (["Z"], ["X"]):
        return True
    # The JVM's main thread exits first at shutdown: a zombie leader whose other threads still run
    # (and still hold its sockets) is alive until the last thread has gone.
    try:
        return len(os.listdir(f"/proc/{pid}/task")) > 1
    except OSError:
        return False


def cmdline(pid: int) -> list[str]:
    """The argv of ``pid`` as /proc reports it ([] when unreadable or gone)."""
    try:
        raw = Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return []
    return [part.decode("utf-8", errors="replace") for part in raw.split(b"\0") if part]


def cwd_of(pid: int) -> Path | None:
    """The working directory of ``pid``, or None when unreadable."""
    try:
        return Path(os.readlink(f"/proc/{pid}/cwd"))
    except OSError:
        return None


def is_our_process(
    pid: int, *, argv: Sequence[str] = (), contains: Sequence[str] = (), cwd: Path | None = None
) -> bool:
    """True when ``pid`` is alive and looks like the server we started.

    ``argv``: elements its command line must hold exactly; ``contains``: substrings of the joined command
    line (for programs that rewrite their process title); ``cwd``: its working directory. Guards against
    pid recycling: a pidfile left by a crashed server may name an unrelated process.
    """
    if not pid_alive(pid):
        return False
    args = cmdline(pid)
    joined = " ".join(args)
    if not all(element in args for element in argv) or not all(part in joined for part in contains):
        return False
    if cwd is not None:
        actual = cwd_of(pid)
        return actual is not None and actual.resolve() == cwd.resolve()
    return True


def port_listening(host: str, port: int, timeout: float = 0.5) -> bool:
    """True when a TCP connection to host:port succeeds, i.e. some program listens there."""
    try:
        with socket.create_connection((host, port), timeout=timeout) as sock:
            # A connect to a free port in the ephemeral range can, rarely, pick that same port as its
            # source and connect to itself (TCP simultaneous open); that is not a listener.
            return bool(sock.getsockname() != sock.getpeername())
    except OSError:
        return False


def port_bindable(host: str, port: int) -> bool:
    """True unless binding host:port fails because a program holds it (EADDRINUSE).

    Binds with SO_REUSEADDR as servers do, so connections lingering in TIME_WAIT do not count. Other
    failures (an address not on this machine, a privileged port) return True: the server reports them.
    """
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)
    except OSError:
        return True
    for family, kind, proto, _, address in infos:
        with socket.socket(family, kind, proto) as sock:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            try:
                sock.bind(address)
            except OSError as exc:
                if exc.errno == errno.EADDRINUSE:
                    return False
    return True


def port_held(host: str, port: int, settle: float = 1.0) -> bool:
    """True when another program holds host:port, still after up to ``settle`` seconds.

    Looks again for a moment so that a port a server of ours released an instant ago is not reported
    as taken; probes by binding, which never fills the backlog of a listener that does not accept.
    """
    if port_bindable(host, port):
        return False
    return not wait_until(lambda: port_bindable(host, port), settle)


def wait_until(predicate: Callable[[], bool], timeout: float, interval: float = 0.2) -> bool:
    """Call ``predicate`` until it returns True or ``timeout`` seconds pass; return its last answer."""
    deadline = time.monotonic() + timeout
    while True:
        if predicate():
            return True
        if time.monotonic() >= deadline:
            return False
        time.sleep(interval)


def terminate(pid: int, grace: float = 30.0) -> bool:
    """Stop ``pid``: SIGTERM, wait up to ``grace`` seconds, then SIGKILL. True if SIGKILL was needed."""
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, signal.SIGTERM)
    if wait_until(lambda: not pid_alive(pid), grace):
        return False
    log.warning("process %s ignored SIGTERM for %.0f s; sending SIGKILL", pid, grace)
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, signal.SIGKILL)
    wait_until(lambda: not pid_alive(pid), 10.0)
    return True


def spawn_detached(
    argv: Sequence[str],
    logfile: Path,
    cwd: Path,
    env: dict[str, str] | None = None,
    user: tuple[int, int] | None = None,
) -> int:
    """Start ``argv`` in its own session (it outlives us), stdout and stderr appended to ``logfile``.

    ``user``: (uid, gid) to run it as, with no supplementary groups (only root may pass another user).
    """
    logfile.parent.mkdir(parents=True, exist_ok=True)
    uid, gid = user if user is not None else (None, None)
    with logfile.open("ab") as out:
        proc = subprocess.Popen(
            list(argv),
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=subprocess.STDOUT,
            cwd=cwd,
            env=env,
            start_new_session=True,
            close_fds=True,
            user=uid,
            group=gid,
            extra_groups=None if user is None else [],
        )
    # Keep no handle: the server is detached and `pid_alive` reaps it if it exits while we run.
    proc.returncode = 0  # silences Popen.__del__'s "still running" ResourceWarning
    return proc.pid


def tail(path: Path, lines: int = 5, redact: Sequence[str] = ()) -> str:
    """The last ``lines`` non-empty lines of ``path`` joined with " | " (for one-line error messages)."""
    try:
        with path.open("rb") as fh:
            fh.seek(0, os.SEEK_END)
            size = fh.tell()
            fh.seek(max(0, size - 64 * 1024))
            text = fh.read().decode("utf-8", errors="replace")
    except OSError:
        return "(no log yet)"
    return tail_text(text, lines, redact)


def tail_text(text: str, lines: int = 5, redact: Sequence[str] = ()) -> str:
    """The last ``lines`` non-empty lines of ``text`` joined with " | ", secrets in ``redact`` masked."""
    kept = [line.strip() for line in text.splitlines() if line.strip()][-lines:]
    joined = " | ".join(kept) or "(empty)"
    for secret in redact:
        if secret:
            joined = joined.replace(secret, "***")
    return joined


@contextlib.contextmanager
def dir_lock(directory: Path) -> Iterator[None]:
    """An exclusive lock on ``directory`` shared by every process: start and stop never interleave."""
    directory.mkdir(parents=True, exist_ok=True)
    with (directory / ".lock").open("a") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def drop_stale_pidfile(pidfile: Path, live_pid: int | None, what: str) -> int | None:
    """Remove ``pidfile`` (with a log line) when it names no live ``what``; return ``live_pid``."""
    if live_pid is None and pidfile.exists():
        log.warning("removing stale pidfile %s: pid %s is not a running %s", pidfile, read_pid(pidfile), what)
        remove_pid(pidfile)
    return live_pid
