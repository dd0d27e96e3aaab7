"""Post-sync hooks: what runs after every discovery job has written the graph, in order.

``POST_SYNC`` holds them: the derived dependency edges (``queries.derived.compute``: network use, event
feeds, data reads, each with its reason), then the findings evaluation (each critical finding seen for the first time is
announced with a ``finding.critical`` event on ``aidiscover.notify``), then the cost estimation. A hook
that fails is logged and reported as a warning; the others still run, and the graph the sync wrote stays
as it is.

When the job knows which kinds its units may have changed, each of these hooks looks only at what reads them
(``SCOPED``): the derivation families whose input kinds changed (the others are not even fingerprinted), the
rules whose query reads a changed kind or a relationship type the derivation recomputed
(``queries.findings.inputs``), and the cost of the resources of the changed kinds (of every resource when the
price snapshot differs from the one the last pass used). A hook given no changed input does nothing.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import time
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass

import redis

from core.counters import shared_client
from core.settings import Settings
from graph.neo4j.client import Graph
from graph.schema import SCHEMA
from ingest.broker import queue_events
from queries.cost.estimate import estimate_all, estimate_graph
from queries.cost.prices_snapshot import load_prices
from queries.derived.compute import derive_dependencies
from queries.findings.catalogue import CATALOGUE
from queries.findings.evaluate import EvaluationReport, critical_event, evaluate
from queries.findings.inputs import rules_reading
from queries.findings.model import Rule

__all__ = ["POST_SYNC", "SCOPED", "Changed", "Hook", "evaluate_findings", "run_post_sync"]

log = logging.getLogger(__name__)

Hook = Callable[[Graph, Settings], object]


def evaluate_findings(graph: Graph, settings: Settings, rules: Sequence[Rule] = CATALOGUE) -> EvaluationReport:
    """Evaluate ``rules`` (default: every rule), then queue a ``finding.critical`` event per new critical finding."""
    report = evaluate(graph, rules)
    sent = queue_events(settings, [critical_event(f) for f in report.new_critical])
    if sent:
        log.info("queued %s finding.critical notifications", sent)
    return report


POST_SYNC: tuple[Hook, ...] = (derive_dependencies, evaluate_findings, estimate_all)


@dataclass
class Changed:
    """The labels (and relationship types) a job may have changed; the hooks add what they recompute."""

    names: set[str]


def _derive(graph: Graph, settings: Settings, changed: Changed) -> object:
    summary = derive_dependencies(graph, settings, frozenset(changed.names))
    changed.names |= summary.recomputed_types  # the rules reading derived edges see them changed
    return summary


def _findings(graph: Graph, settings: Settings, changed: Changed) -> object:
    rules = rules_reading(CATALOGUE, changed.names)
    if not rules:
        log.info("no rule reads a changed kind: findings left as they are")
        return None
    return evaluate_findings(graph, settings, rules)


_SNAPSHOT_KEY = "aidiscover:cost:snapshot:{uri}/{database}"


def _cost(graph: Graph, settings: Settings, changed: Changed) -> object:
    prices = load_prices(settings)
    key = _SNAPSHOT_KEY.format(uri=settings.neo4j.uri, database=settings.neo4j.database)
    client = shared_client(settings.redis.url)
    try:
        last = client.get(key)
    except redis.RedisError:
        last = None  # unknown: estimate everything
    fingerprint = hashlib.blake2b(prices.to_json().encode(), digest_size=12).hexdigest()
    same = isinstance(last, bytes) and last.decode() == fingerprint
    kinds = sorted(changed.names & {k.label for k in SCHEMA.resource_kinds()})
    if same and not kinds:
        log.info("no resource kind changed: cost estimates left as they are")
        return None
    summary = estimate_graph(graph, prices, kinds if same else None)
    with contextlib.suppress(redis.RedisError):  # lost: the next pass estimates everything again
        client.set(key, fingerprint)
    return summary


# The hooks of POST_SYNC that can look at the changed kinds only.
SCOPED: dict[Hook, Callable[[Graph, Settings, Changed], object]] = {
    derive_dependencies: _derive,
    evaluate_findings: _findings,
    estimate_all: _cost,
}


def hook_name(hook: Hook) -> str:
    return f"{hook.__module__}.{getattr(hook, '__qualname__', repr(hook))}"


def run_post_sync(
    graph: Graph, settings: Settings, hooks: Sequence[Hook] | None = None, kinds: Collection[str] | None = None
) -> list[str]:
    """Run every hook (default: ``POST_SYNC``) in order; returns one warning per hook that failed. ``kinds``: the
    labels the job may have changed (None: unknown, every hook looks at everything)."""
    warnings: list[str] = []
    changed = Changed(set(kinds)) if kinds is not None else None
    for hook in POST_SYNC if hooks is None else hooks:
        started = time.monotonic()
        scoped = SCOPED.get(hook) if changed is not None else None
        try:
            if scoped is not None and changed is not None:
                scoped(graph, settings, changed)
            else:
                hook(graph, settings)
        except Exception as exc:  # a hook's failure must not undo or stop the sync that already succeeded
            log.exception("post-sync hook %s failed", hook_name(hook))
            warnings.append(f"post-sync hook {hook_name(hook)} failed: {exc.__class__.__name__}: {exc}")
        else:
            log.info("post-sync hook %s ran in %.2f s", hook_name(hook), time.monotonic() - started)
    return warnings
