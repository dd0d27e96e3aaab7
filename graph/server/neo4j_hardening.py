"""Neo4j's own restrictions: the neo4j.conf settings under which no query can read files, URLs or run APOC.

Community Edition runs every query as a user who can read the whole database, so whatever Cypher
reaches the server (a model-written question, a planted tag the model obeyed) must find the
dangerous doors shut by the server itself:

- ``LOAD CSV`` may not open ``file:`` URLs, and its import root is an empty directory;
- ``LOAD CSV`` (and anything else that opens a URL through Cypher) may not reach any address:
  ``internal.dbms.cypher_ip_blocklist`` blocks every IPv4 and IPv6 network (in 5.26 this setting
  still carries the ``internal.`` prefix; ``unsupported.dbms.cypher_ip_blocklist`` is its old name);
- only the procedures and functions the product calls are loaded from plugins
  (``dbms.security.procedures.allowlist``), so no APOC procedure or function exists at all, and
  nothing is ``unrestricted``.

The allowlist filters what plugins (APOC) register; Neo4j 5.26's built-in procedures (``db.*``,
``dbms.*``) are registered whatever it says (measured: with ``allowlist=db.awaitIndexes``,
``CALL db.labels()`` still runs). It still names the built-ins the product calls, so the list reads as
the product's whole need.

Every place Neo4j is configured applies :data:`HARDENING`: the local server
(:mod:`graph.server.neo4j_server`), ``docker-compose.yml`` and ``deploy/k8s/neo4j.yaml``; tests compare
both files with this module. :func:`check_conf_settings` validates settings before they are written.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from types import MappingProxyType

from core.errors import ConfigError

__all__ = [
    "ALLOWLIST_SETTING",
    "BLOCK_EVERY_ADDRESS",
    "FILE_URLS_SETTING",
    "FORBIDDEN_PROCEDURE_PREFIXES",
    "HARDENING",
    "IMPORT_DIR_SETTING",
    "IP_BLOCKLIST_SETTING",
    "PROCEDURE_ALLOWLIST",
    "UNRESTRICTED_SETTING",
    "check_conf_settings",
    "docker_env_name",
]

FILE_URLS_SETTING = "dbms.security.allow_csv_import_from_file_urls"
IMPORT_DIR_SETTING = "server.directories.import"
ALLOWLIST_SETTING = "dbms.security.procedures.allowlist"
UNRESTRICTED_SETTING = "dbms.security.procedures.unrestricted"
IP_BLOCKLIST_SETTING = "internal.dbms.cypher_ip_blocklist"

# Everything the product's code calls with CALL or as a function outside Cypher's own: graph backup and
# schema setup wait for indexes, LlamaIndex's Neo4jPropertyGraphStore checks the server version.
PROCEDURE_ALLOWLIST: tuple[str, ...] = ("db.awaitIndexes", "dbms.components")
# Never to be allowed: they run Cypher from strings, read files or URLs, or write outside the graph.
FORBIDDEN_PROCEDURE_PREFIXES: tuple[str, ...] = (
    "apoc.cypher.",
    "apoc.load.",
    "apoc.import.",
    "apoc.export.",
    "apoc.periodic.",
    "apoc.systemdb.",
)
BLOCK_EVERY_ADDRESS = "0.0.0.0/0,::/0"

HARDENING: Mapping[str, str] = MappingProxyType(
    {
        FILE_URLS_SETTING: "false",
        ALLOWLIST_SETTING: ",".join(PROCEDURE_ALLOWLIST),
        IP_BLOCKLIST_SETTING: BLOCK_EVERY_ADDRESS,
    }
)

_KEY = re.compile(r"^[a-z][a-z0-9_]*(\.[a-z0-9_]+)+$")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def check_conf_settings(settings: Mapping[str, str | None]) -> None:
    """Refuse a neo4j.conf key or value that could not be written as one ``key=value`` line.

    A value of None means "leave the key out of neo4j.conf" and is always accepted.
    """
    for key, value in settings.items():
        if not _KEY.fullmatch(key):
            raise ConfigError(
                f"{key!r} is not a neo4j.conf setting name; use lowercase dotted names such as {FILE_URLS_SETTING}"
            )
        if value is not None and _CONTROL.search(value):
            raise ConfigError(f"the value for {key} holds a line break or control character; give it on one line")


def docker_env_name(key: str) -> str:
    """The variable the official neo4j image turns into ``key`` (``.`` -> ``_``, ``_`` -> ``__``)."""
    return "NEO4J_" + key.replace("_", "__").replace(".", "_")
