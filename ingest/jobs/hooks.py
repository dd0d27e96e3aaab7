"""Post-sync hooks: what runs after every discovery job or CLI discovery has written the graph.

``POST_SYNC`` lists dotted paths of callables ``(graph: Graph, settings: Settings) -> None``; each
area appends its own (findings evaluation, cost estimation, ...). ``run_post_sync`` imports and calls
them in order. A hook that fails is logged and reported as a warning; the others still run, and the
graph the sync wrote stays as it is.
"""

from __future__ import annotations

import importlib
import logging
import time
from collections.abc import Callable, Sequence

from core.errors import ConfigError
from core.settings import Settings
from graph.neo4j.client import Graph

log = logging.getLogger(__name__)

Hook = Callable[[Graph, Settings], None]

POST_SYNC: tuple[str, ...] = (
    "queries.findings.evaluate.evaluate_all",
    "queries.cost.estimate.estimate_all",
)


def load_hook(path: str) -> Hook:
    """Import ``package.module.function``; a path that does not resolve is a ConfigError."""
    module_name, _, attr = path.rpartition(".")
    if not module_name:
        raise ConfigError(f"post-sync hook {path!r} is not a dotted path like package.module.function")
    try:
        hook = getattr(importlib.import_module(module_name), attr)
    except (ImportError, AttributeError) as exc:
        raise ConfigError(f"post-sync hook {path!r} cannot be imported ({exc}); fix POST_SYNC") from exc
    if not callable(hook):
        raise ConfigError(f"post-sync hook {path!r} is not callable; fix POST_SYNC")
    return hook  # type: ignore[no-any-return]


def run_post_sync(graph: Graph, settings: Settings, hooks: Sequence[str] | None = None) -> list[str]:
    """Run every hook (default: ``POST_SYNC``) in order; returns one warning per hook that failed."""
    warnings: list[str] = []
    for path in POST_SYNC if hooks is None else hooks:
        started = time.monotonic()
        try:
            load_hook(path)(graph, settings)
        except Exception as exc:  # a hook's failure must not undo or stop the sync that already succeeded
            log.exception("post-sync hook %s failed", path)
            warnings.append(f"post-sync hook {path} failed: {exc.__class__.__name__}: {exc}")
        else:
            log.info("post-sync hook %s ran in %.2f s", path, time.monotonic() - started)
    return warnings
