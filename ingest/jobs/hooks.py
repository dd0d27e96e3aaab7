"""Post-sync hooks: what runs after every discovery job has written the graph, in order.

``POST_SYNC`` holds them: the derived dependency edges (``queries.derived.compute``: network use, event
feeds, data reads, each with its reason), then the findings evaluation (each critical finding seen for the first time is
announced with a ``finding.critical`` event on ``aidiscover.notify``), then the cost estimation. A hook
that fails is logged and reported as a warning; the others still run, and the graph the sync wrote stays
as it is.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Sequence

from core.settings import Settings
from graph.neo4j.client import Graph
from ingest.broker import queue_events
from queries.cost.estimate import estimate_all
from queries.derived.compute import derive_dependencies
from queries.findings.evaluate import EvaluationReport, critical_event, evaluate

__all__ = ["POST_SYNC", "Hook", "evaluate_findings", "run_post_sync"]

log = logging.getLogger(__name__)

Hook = Callable[[Graph, Settings], object]


def evaluate_findings(graph: Graph, settings: Settings) -> EvaluationReport:
    """Evaluate every rule, then queue a ``finding.critical`` event per new critical finding."""
    report = evaluate(graph)
    sent = queue_events(settings, [critical_event(f) for f in report.new_critical])
    if sent:
        log.info("queued %s finding.critical notifications", sent)
    return report


POST_SYNC: tuple[Hook, ...] = (derive_dependencies, evaluate_findings, estimate_all)


def hook_name(hook: Hook) -> str:
    return f"{hook.__module__}.{getattr(hook, '__qualname__', repr(hook))}"


def run_post_sync(graph: Graph, settings: Settings, hooks: Sequence[Hook] | None = None) -> list[str]:
    """Run every hook (default: ``POST_SYNC``) in order; returns one warning per hook that failed."""
    warnings: list[str] = []
    for hook in POST_SYNC if hooks is None else hooks:
        started = time.monotonic()
        try:
            hook(graph, settings)
        except Exception as exc:  # a hook's failure must not undo or stop the sync that already succeeded
            log.exception("post-sync hook %s failed", hook_name(hook))
            warnings.append(f"post-sync hook {hook_name(hook)} failed: {exc.__class__.__name__}: {exc}")
        else:
            log.info("post-sync hook %s ran in %.2f s", hook_name(hook), time.monotonic() - started)
    return warnings
