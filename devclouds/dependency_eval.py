"""Score blast radius against the truth set (``devclouds.dependency_truth``) on the demo estate: `make eval-deps`.

    python -m devclouds.dependency_eval [--no-build] [--json PATH]

Without ``--no-build`` it prepares the demo estate as `make demo` does (services up, the size-S estate in
the local clouds, discovered as one job whose post-sync hooks derive the dependency edges), then asks
``queries.blast.blast_radius`` about every scenario's target (and ``queries.access.who_can_access`` about
every access scenario's). A scenario is right when the casualties are exactly the expected ones, each with
the expected status and directness (the identities and workloads, each with the expected actions); the
report lists each scenario right or wrong with what differed. Exit status 0 when every scenario is right, 1 otherwise.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

from core.logs import configure_logging
from core.settings import load_settings
from devclouds.demo import DemoClouds, prepare_demo
from devclouds.dependency_truth import ACCESS_SCENARIOS, SCENARIOS, AccessScenario, Ref, Scenario
from graph.neo4j.client import Graph
from queries.access import who_can_access
from queries.blast import MAX_DEPTH, blast_radius
from queries.model import Reached

__all__ = ["Score", "main", "score_access", "score_all", "score_scenario"]

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Score:
    key: str
    right: bool
    expected: int
    found: int
    problems: tuple[str, ...]


def _matches(graph: Graph, ref: Ref) -> list[str]:
    rows = graph.read(
        "MATCH (n:Resource {kind: $kind}) WHERE n.provider = $cloud AND n.account = $account AND n.region = $region "
        "AND ($name IS NULL OR n.name = $name) RETURN n.id AS id ORDER BY n.id",
        {"kind": ref.kind, "cloud": ref.cloud, "account": ref.account, "region": ref.region, "name": ref.name},
    )
    return [str(r["id"]) for r in rows]


def _label(ref: Ref) -> str:
    return f"{ref.kind} {ref.name or '(generated name)'} [{ref.cloud} {ref.account} {ref.region}]"


def _describe(r: Reached) -> str:
    return f"{r.node.kind} {r.node.name} [{r.node.provider} {r.node.account} {r.node.region}]"


def score_scenario(graph: Graph, scenario: Scenario) -> Score:
    targets = _matches(graph, scenario.target)
    if len(targets) != scenario.target.count:
        problem = f"target {_label(scenario.target)}: {len(targets)} found, {scenario.target.count} expected"
        return Score(scenario.key, False, len(scenario.casualties), 0, (problem,))
    blast = blast_radius(graph, targets[0], max_depth=MAX_DEPTH)
    found: dict[str, Reached] = {r.node.id: r for r in blast.nodes}
    left = dict(found)
    problems: list[str] = []
    expected = sorted(scenario.casualties, key=lambda c: c.ref.name is None)  # named refs first
    by_kind: dict[str, list[str]] = defaultdict(list)
    for rid, reached in left.items():
        by_kind[reached.node.kind].append(rid)
    for casualty in expected:
        ref = casualty.ref
        if ref.name is not None:
            ids = [i for i in _matches(graph, ref) if i in left]
        else:
            ids = [i for i in by_kind.get(ref.kind, ()) if i in left and found[i].node.account == ref.account]
        if len(ids) != ref.count:
            problems.append(f"missing {_label(ref)}: {len(ids)} of {ref.count} among the casualties")
        for rid in ids[: ref.count]:
            got = left.pop(rid)
            if got.status != casualty.status:
                problems.append(f"{_describe(got)}: {got.status}, expected {casualty.status}")
            if got.direct != casualty.direct:
                problems.append(f"{_describe(got)}: direct={got.direct}, expected {casualty.direct}")
    problems += [f"unexpected {_describe(r)} ({r.status})" for r in left.values()]
    total = sum(c.ref.count for c in scenario.casualties)
    return Score(scenario.key, not problems, total, blast.total, tuple(problems))


def score_access(graph: Graph, scenario: AccessScenario) -> Score:
    """Right when exactly the expected identities and workloads can act on the target, each with the actions."""
    targets = _matches(graph, scenario.target)
    if len(targets) != 1:
        problem = f"target {_label(scenario.target)}: {len(targets)} found, 1 expected"
        return Score(scenario.key, False, len(scenario.accessors), 0, (problem,))
    found = {a.holder.id: a for a in who_can_access(graph, targets[0])}
    left = dict(found)
    problems: list[str] = []
    for accessor in scenario.accessors:
        ids = [i for i in _matches(graph, accessor.ref) if i in left]
        if len(ids) != 1:
            problems.append(f"missing {_label(accessor.ref)} among those who can act on it")
            continue
        got = left.pop(ids[0])
        missing = set(accessor.actions) - set(got.actions)
        if missing:
            problems.append(f"{_label(accessor.ref)}: actions {list(got.actions)} lack {sorted(missing)}")
    problems += [f"unexpected {h.holder.kind} {h.holder.name} ({', '.join(h.actions)})" for h in left.values()]
    return Score(scenario.key, not problems, len(scenario.accessors), len(found), tuple(problems))


def score_all(
    graph: Graph, scenarios: Sequence[Scenario] = SCENARIOS, access: Sequence[AccessScenario] = ACCESS_SCENARIOS
) -> list[Score]:
    return [*(score_scenario(graph, s) for s in scenarios), *(score_access(graph, s) for s in access)]


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m devclouds.dependency_eval", description=__doc__.splitlines()[0])
    parser.add_argument("--no-build", action="store_true", help="score the graph as it is (the demo already loaded)")
    parser.add_argument("--json", help="also write the scores as JSON to this file")
    args = parser.parse_args(argv)
    settings = load_settings()
    configure_logging("WARNING", settings.log.format)
    if not args.no_build:
        os.environ.setdefault("AWS_ACCESS_KEY_ID", "demo")
        os.environ.setdefault("AWS_SECRET_ACCESS_KEY", "demo")
        clouds = DemoClouds()
        try:
            prepare_demo(settings, clouds)
        finally:
            clouds.stop()
    with Graph(settings.neo4j, settings.redis) as graph:
        scores = score_all(graph)
    for score in scores:
        print(f"{'RIGHT' if score.right else 'WRONG'}  {score.key}  ({score.found} found, {score.expected} expected)")
        for problem in score.problems:
            print(f"        {problem}")
    right = sum(s.right for s in scores)
    print(f"{right} of {len(scores)} scenarios right")
    if args.json:
        Path(args.json).write_text(json.dumps([asdict(s) for s in scores], indent=2) + "\n")
    return 0 if right == len(scores) else 1


if __name__ == "__main__":
    sys.exit(main())
