"""An OS user of its own for a local server: it then cannot read the API's files or /proc/<pid>/environ.

Used when ``aidiscover services up`` runs as root and ``AIDISCOVER_NEO4J_RUN_AS`` names a user: the user
is created (a system account with no login and no home) when missing, the server's writable folders
are handed to it, and the server is checked to reach what it needs before it starts.
"""

from __future__ import annotations

import logging
import os
import pwd
import shutil
import subprocess
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from core.errors import ConfigError, ServiceError, ToolMissingError
from graph.server import processes

__all__ = ["ServiceUser", "check_access", "give_to", "service_user"]

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ServiceUser:
    """A user (and its primary group) a server process runs as."""

    name: str
    uid: int
    gid: int


def service_user(name: str, variable: str) -> ServiceUser | None:
    """The user to run as; None when ``name`` is empty or is the user we already are.

    Only root may start a process as another user; a missing user is created with useradd.
    ``variable`` names the setting in messages.
    """
    if not name:
        return None
    try:
        entry: pwd.struct_passwd | None = pwd.getpwnam(name)
    except KeyError:
        entry = None
    if entry is not None and entry.pw_uid == os.geteuid():
        return None
    if os.geteuid() != 0:
        raise ConfigError(
            f"{variable}={name}: only root can start a server as another user; run `aidiscover services up` "
            f"as root, or unset {variable}"
        )
    if entry is None:
        entry = _create(name)
    return ServiceUser(name, entry.pw_uid, entry.pw_gid)


def _create(name: str) -> pwd.struct_passwd:
    useradd = shutil.which("useradd")
    if useradd is None:
        raise ToolMissingError(f"useradd is not installed: create the user {name} yourself, or apt-get install passwd")
    argv = [
        useradd,
        "--system",
        "--user-group",
        "--no-create-home",
        "--home-dir",
        "/nonexistent",
        "--shell",
        "/usr/sbin/nologin",
        "--comment",
        "AI-Discover local server",
        name,
    ]
    proc = subprocess.run(argv, capture_output=True, text=True, timeout=60, check=False)
    if proc.returncode != 0:
        raise ServiceError(
            f"useradd could not create the user {name} (exit {proc.returncode}): "
            f"{processes.tail_text(proc.stdout + chr(10) + proc.stderr, 2)}; create it yourself"
        )
    log.info("created the system user %s for the local server", name)
    return pwd.getpwnam(name)


def give_to(user: ServiceUser, directories: Iterable[Path]) -> None:
    """Make ``user`` the owner of each directory and everything in it (symlinks are not followed)."""
    for directory in directories:
        for root, dirs, files in os.walk(directory):
            os.chown(root, user.uid, user.gid, follow_symlinks=False)
            for name in (*dirs, *files):
                os.chown(Path(root) / name, user.uid, user.gid, follow_symlinks=False)


def check_access(user: ServiceUser, readable: Iterable[Path], writable: Iterable[Path]) -> None:
    """ServiceError unless ``user`` can list/read each of ``readable`` and write each of ``writable``."""
    checks = [("-r", path) for path in readable] + [("-w", path) for path in writable]
    for flag, path in checks:
        proc = subprocess.run(
            ["test", flag, str(path), "-a", "-x", str(path)] if path.is_dir() else ["test", flag, str(path)],
            user=user.uid,
            group=user.gid,
            extra_groups=[],
            timeout=30,
            check=False,
        )
        if proc.returncode != 0:
            what = "read" if flag == "-r" else "write"
            raise ServiceError(
                f"the user {user.name} cannot {what} {path}: every folder above it must be open to others "
                "(chmod o+x), e.g. keep AIDISCOVER_DATA_DIR or AIDISCOVER_NEO4J_HOME under /var/lib, "
                "or unset AIDISCOVER_NEO4J_RUN_AS"
            )
