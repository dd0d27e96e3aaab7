"""neo4j.conf of the local Neo4j: the settings rendered with Neo4j's own restrictions, and its empty import root.

``render_conf`` is what ``Neo4jServer`` writes at every start: listen addresses and folders from the
settings, then :data:`graph.server.neo4j_hardening.HARDENING`; extra settings (tests only) may add,
override or drop keys, and every key and value is checked first.
"""

from __future__ import annotations

import logging
import shutil
from collections.abc import Mapping
from pathlib import Path

from core.settings import Neo4jSettings
from graph.server.neo4j_hardening import HARDENING, IMPORT_DIR_SETTING, check_conf_settings

__all__ = ["IMPORT_DIR_NAME", "empty_import_dir", "render_conf"]

log = logging.getLogger(__name__)

IMPORT_DIR_NAME = "import"  # under the Neo4j home


def render_conf(settings: Neo4jSettings, home: Path, extra: Mapping[str, str | None] | None = None) -> str:
    """neo4j.conf for the local server, from the settings (no secrets in it), hardened.

    ``extra`` adds or overrides settings; a value of None leaves that key out. Keys and values are
    checked first (``ConfigError``).
    """
    host, bolt_port = settings.bolt_address
    conf: dict[str, str | None] = {
        "server.bolt.listen_address": f"{host}:{bolt_port}",
        "server.http.listen_address": f"{host}:{settings.http_port}",
        "server.https.enabled": "false",
        "server.directories.data": str(home / "data"),
        "server.directories.logs": str(home / "logs"),
        "server.directories.plugins": str(home / "plugins"),
        IMPORT_DIR_SETTING: str(home / IMPORT_DIR_NAME),
        "server.memory.heap.initial_size": settings.heap,
        "server.memory.heap.max_size": settings.heap,
        "server.memory.pagecache.size": settings.pagecache,
        "db.tx_log.rotation.retention_policy": settings.tx_log_retention,
        "dbms.security.auth_enabled": "true",
        **HARDENING,
        "dbms.usage_report.enabled": "false",
        # Bolt otherwise waits 5 s twice for idle thread pools at shutdown: `services down` takes 2 s, not 10.
        "internal.server.bolt.thread_pool_shutdown_wait_time": "1s",
        "internal.server.bolt.connection_shutdown_wait_time": "1s",
    }
    if extra:
        conf.update(extra)
    check_conf_settings(conf)
    lines = ["# Written by `aidiscover services up` at every start; edit the settings, not this file."]
    lines += [f"{key}={value}" for key, value in conf.items() if value is not None]
    return "\n".join(lines) + "\n"


def empty_import_dir(directory: Path) -> None:
    """Create LOAD CSV's file root, or empty it: it holds nothing to read (and is ours, read-only to Neo4j)."""
    directory.mkdir(mode=0o755, parents=True, exist_ok=True)
    for entry in directory.iterdir():
        log.warning("removing %s: Neo4j's import directory is kept empty", entry)
        if entry.is_dir() and not entry.is_symlink():
            shutil.rmtree(entry)
        else:
            entry.unlink()
