"""Benchmark: AI-Discover and Cartography side by side on the same moto estate, interleaved.

    .venv/bin/python -m bench.bench_cartography --wipe-graph [--size S|M] [--rounds 3] [--latency-ms 50]
    .venv/bin/python -m bench.bench_cartography --install   # Cartography into its own virtualenv, once
    .venv/bin/python -m bench.bench_cartography --wipe-graph --probe --size M --latency-ms 0   # calls per action

Cartography is optional: it lives in its own virtualenv (``$AIDISCOVER_DATA_DIR/bench/cartography-venv``,
created by ``--install`` with the configured package index), and the benchmark says so and exits 0 when it is
absent. The AWS share of a generated estate is created in an in-process moto server; both tools reach it through
a local HTTP proxy that counts every API call and, in the "proxy" runs, holds each one ``--latency-ms`` first.
Per round and per latency setting, each tool syncs into an emptied Neo4j (first sync) and syncs again (re-sync),
the tools alternating; reported are the wall times (median over rounds) and the API calls of each.

Moto 5.2.6 leaves actions Cartography calls unanswered, and the proxy answers them itself with the documented
AWS response shape (``bench.moto_gaps``; these answers are the benchmark's, not moto's, and are counted per tool):
IAM GenerateServiceLastAccessedDetails and GetServiceLastAccessedDetails (moto: HTTP 500 NotImplementedError;
Cartography's IAM sync asks for every principal and retries with backoff for minutes), and ELBv2
DescribeTargetGroups by LoadBalancerArn for a load balancer without target groups (moto: HTTP 400
TargetGroupNotFound; AWS: an empty list; Cartography backs off for up to 600 s), and any other action moto
answers with HTTP 500 NotImplementedError (seen: EC2 DescribeReservedInstances), answered from botocore's output
shape with every list empty. ``--probe`` runs one sync per tool
and prints its calls per action and every 5xx, to find such gaps (``PROBE_LOG=file`` logs every call).

AI-Discover runs as a user runs it (`aidiscover discover aws`, its own process); Cartography as
`cartography --selected-modules aws --aws-regions ...` against the same Neo4j. The database is EMPTIED before
every first sync, hence the required ``--wipe-graph``. Results: bench/results/cartography.json and the
``cartography`` section of docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import datetime as dt
import http.client
import json
import logging
import os
import re
import statistics
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable, Mapping
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # also runnable as `python bench/bench_cartography.py`
    sys.path.insert(0, str(ROOT))

from bench.doc import machine, write_section  # noqa: E402
from bench.moto_gaps import answer, correct  # noqa: E402
from core.settings import Settings, load_settings  # noqa: E402
from devclouds.estate_generator import generate_estate  # noqa: E402
from devclouds.moto_server import MotoServer  # noqa: E402
from graph.neo4j.client import Graph  # noqa: E402

RESULTS = ROOT / "bench" / "results" / "cartography.json"
START, END = "<!-- cartography:start -->", "<!-- cartography:end -->"
log = logging.getLogger(__name__)
REGIONS = ("us-east-1", "eu-west-1")
FORM = "application/x-www-form-urlencoded"
VERSION = "0.143.0"  # the release the side-by-side was measured with


def venv_dir(settings: Settings) -> Path:
    return settings.data_dir / "bench" / "cartography-venv"


def cartography_bin(settings: Settings) -> Path | None:
    exe = venv_dir(settings) / "bin" / "cartography"
    return exe if exe.exists() else None


def install(settings: Settings) -> None:
    venv = venv_dir(settings)
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    subprocess.run([str(venv / "bin" / "pip"), "install", "--quiet", f"cartography=={VERSION}"], check=True)


def _service(headers: Mapping[str, str]) -> str:
    """The AWS service a signed request is for, from its SigV4 credential scope."""
    match = re.search(r"Credential=[^/]+/[^/]+/[^/]+/([^/]+)/", headers.get("Authorization", ""))
    return match.group(1) if match else "?"


def _action(method: str, path: str, headers: Mapping[str, str], body: bytes) -> tuple[str, dict[str, str]]:
    """The API action a request calls (query protocol ``Action=``, JSON ``X-Amz-Target``, or method and path)."""
    target = headers.get("X-Amz-Target")
    if target:
        return target.rsplit(".", 1)[-1], {}
    query = urlsplit(path).query
    form = body.decode("utf-8", "replace") if headers.get("Content-Type", "").startswith(FORM) else ""
    params = {k: v[0] for k, v in parse_qs(f"{query}&{form}").items()}
    if "Action" in params:
        return params["Action"], params
    return f"{method} {re.sub(r'/[^/]*[0-9][^/]*', '/{id}', urlsplit(path).path)[:60]}", params


class CountingProxy:
    """Forwards every request to ``target``, counting them per action; ``delay`` seconds are added to each when set.

    The actions of ``bench.moto_gaps`` (moto answers them with HTTP 500) get the benchmark's own answer instead.
    Responses of 500 and above are counted apart (``errors``) so a run can show what moto failed to answer.
    """

    def __init__(self, target: str) -> None:
        self.target = urlsplit(target)
        self.calls = 0
        self.delay = 0.0
        self.actions: Counter[str] = Counter()
        self.errors: Counter[str] = Counter()
        self.own: Counter[str] = Counter()  # answers that are the benchmark's, not moto's
        self._lock = threading.Lock()
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *_: Any) -> None:
                return

            def _forward(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                service = _service(self.headers)
                action, params = _action(self.command, self.path, self.headers, body)
                name = f"{service}:{action}"
                with proxy._lock:
                    proxy.calls += 1
                    proxy.actions[name] += 1
                if proxy.delay:
                    time.sleep(proxy.delay)
                own = answer(service, action, params)
                if own is not None:
                    status, headers, data = own.status, [("Content-Type", own.content_type)], own.body
                    with proxy._lock:
                        proxy.own[name] += 1
                else:
                    status, headers, data = proxy._upstream(self.command, self.path, self.headers, body)
                    fixed = correct(service, action, params, status, data)
                    if fixed is not None:
                        status, headers, data = fixed.status, [("Content-Type", fixed.content_type)], fixed.body
                        with proxy._lock:
                            proxy.own[name] += 1
                if status >= 500:
                    with proxy._lock:
                        proxy.errors[name] += 1
                    log.warning("%s answered HTTP %s: %s", name, status, data[:200])
                else:
                    log.debug("%s answered HTTP %s %s", name, status, data[:300] if status >= 400 else "")
                self.send_response(status)
                for k, v in headers:
                    if k.lower() not in ("transfer-encoding", "content-length", "connection"):
                        self.send_header(k, v)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            do_GET = do_POST = do_PUT = do_DELETE = do_HEAD = _forward  # noqa: N815

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def _upstream(
        self, method: str, path: str, headers: Mapping[str, str], body: bytes
    ) -> tuple[int, list[tuple[str, str]], bytes]:
        conn = http.client.HTTPConnection(self.target.hostname or "127.0.0.1", self.target.port, timeout=120)
        try:
            conn.request(method, path, body=body, headers={k: v for k, v in headers.items() if k.lower() != "host"})
            resp = conn.getresponse()
            return resp.status, resp.getheaders(), resp.read()
        finally:
            conn.close()


def _aidiscover(env: dict[str, str], checkout: Path = ROOT) -> None:
    out = subprocess.run(
        [sys.executable, "-m", "app.cli", "discover", "aws"],
        cwd=checkout,
        env={**env, "PYTHONPATH": str(checkout)},
        capture_output=True,
        text=True,
    )
    if out.returncode not in (0, 1):
        raise SystemExit(f"aidiscover failed:\n{out.stderr[-2000:]}")


def _cartography(exe: Path, settings: Settings, env: dict[str, str]) -> None:
    out = subprocess.run(
        [
            str(exe),
            "--neo4j-uri",
            settings.neo4j.uri,
            "--neo4j-user",
            settings.neo4j.user,
            "--neo4j-password-env-var",
            "CARTOGRAPHY_NEO4J_PASSWORD",
            "--selected-modules",
            "aws",
            "--aws-regions",
            ",".join(REGIONS),
        ],
        env={**env, "CARTOGRAPHY_NEO4J_PASSWORD": settings.neo4j.password},
        capture_output=True,
        text=True,
    )
    if out.returncode != 0:
        raise SystemExit(f"cartography failed:\n{out.stderr[-2000:]}")


def _empty(graph: Graph) -> None:
    """No node, relationship, constraint or index: each tool's first sync starts from an empty database and
    creates its own schema (the two tools' schemas clash: Cartography's index on ``(:EC2Instance {id})`` blocks
    AI-Discover's uniqueness constraint on the same property)."""
    graph.wipe()
    for row in graph.read("SHOW CONSTRAINTS YIELD name RETURN name"):
        graph.run_implicit(f"DROP CONSTRAINT `{row['name']}` IF EXISTS")  # type: ignore[arg-type]
    for row in graph.read("SHOW INDEXES YIELD name, type WHERE type <> 'LOOKUP' RETURN name"):
        graph.run_implicit(f"DROP INDEX `{row['name']}` IF EXISTS")  # type: ignore[arg-type]


def _graph_size(graph: Graph) -> dict[str, int]:
    """Nodes (all, and those of AWS resource labels) and relationships now in the graph."""
    nodes = graph.read("MATCH (n) RETURN count(n) AS n")[0]["n"]
    rels = graph.read("MATCH ()-[r]->() RETURN count(r) AS n")[0]["n"]
    return {"nodes": nodes, "relationships": rels}


def _labels(graph: Graph) -> dict[str, int]:
    rows = graph.read("MATCH (n) UNWIND labels(n) AS label RETURN label, count(*) AS n ORDER BY n DESC")
    return {r["label"]: r["n"] for r in rows}


def _estate(size: str) -> tuple[MotoServer, int]:
    """A moto server holding the AWS share of the generated estate, and its AWS resource count."""
    os.environ.setdefault("AWS_ACCESS_KEY_ID", "bench")
    os.environ.setdefault("AWS_SECRET_ACCESS_KEY", "bench")
    moto = MotoServer()
    moto.start()
    moto.reset()
    manifest = generate_estate(size, 1, moto.url)  # type: ignore[arg-type]
    return moto, manifest.count("aws")


def _env(proxy: CountingProxy) -> dict[str, str]:
    return {
        **os.environ,
        "AWS_ENDPOINT_URL": proxy.url,
        "AWS_DEFAULT_REGION": REGIONS[0],
        "AIDISCOVER_AWS_REGIONS": ",".join(REGIONS),
        "AIDISCOVER_LOG_LEVEL": "WARNING",
    }


def run(
    settings: Settings,
    exe: Path,
    size: str,
    rounds: int,
    latency: float,
    baseline: Path | None = None,
    latency_only: bool = False,
) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """Interleaved rounds; per row the wall time, the API calls and the graph's size after the sync. Also returned:
    per tool, the calls per action of its first sync without latency, its node labels, and every HTTP 5xx seen."""
    delays = (latency,) if latency_only else (0.0, latency)
    moto, resources = _estate(size)
    proxy = CountingProxy(moto.url)
    env = _env(proxy)
    tools: dict[str, Callable[[], None]] = {
        "aidiscover": lambda: _aidiscover(env),
        "cartography": lambda: _cartography(exe, settings, env),
    }
    if baseline is not None:
        tools["aidiscover-baseline"] = lambda: _aidiscover(env, baseline)
    rows: list[dict[str, Any]] = []
    detail: dict[str, Any] = {
        "aws_resources": resources,
        "actions": {},
        "labels": {},
        "errors": {},
        "benchmark_answers": {},
    }
    with Graph(settings.neo4j, settings.redis) as graph:
        for n in range(rounds):
            for delay in delays:
                order = list(tools) if n % 2 == 0 else list(reversed(tools))  # interleaved, alternating first
                for tool in order:
                    _empty(graph)
                    proxy.delay = delay
                    for sync in ("first", "re-sync"):
                        calls, actions, errors = proxy.calls, Counter(proxy.actions), Counter(proxy.errors)
                        own = Counter(proxy.own)
                        started = time.monotonic()
                        tools[tool]()
                        seconds = time.monotonic() - started
                        rows.append(
                            {
                                "round": n,
                                "tool": tool,
                                "proxy_ms": round(delay * 1000),
                                "sync": sync,
                                "seconds": round(seconds, 2),
                                "api_calls": proxy.calls - calls,
                                **_graph_size(graph),
                                "load_average": round(os.getloadavg()[0], 1),
                            }
                        )
                        detail["errors"].setdefault(tool, Counter()).update(proxy.errors - errors)
                        detail["benchmark_answers"].setdefault(tool, Counter()).update(proxy.own - own)
                        if n == 0 and delay == 0.0 and sync == "first":
                            detail["actions"][tool] = dict(sorted((proxy.actions - actions).items()))
                            detail["labels"][tool] = _labels(graph)
        _empty(graph)  # neither tool's schema left behind (Cartography's blocks AI-Discover's constraints)
    moto.stop()
    for key in ("errors", "benchmark_answers"):
        detail[key] = {tool: dict(c) for tool, c in detail[key].items() if c}
    return rows, detail


def probe(settings: Settings, exe: Path, size: str, latency: float, baseline: Path | None = None) -> None:
    """One first sync per tool behind ``latency``; prints each tool's calls per action and every 5xx answer."""
    logging.basicConfig(level=logging.WARNING, format="%(asctime)s %(message)s", filename=os.environ.get("PROBE_LOG"))
    log.setLevel(logging.DEBUG)
    moto, resources = _estate(size)
    proxy = CountingProxy(moto.url)
    proxy.delay = latency
    env = _env(proxy)
    print(f"{resources} AWS resources at {moto.url}, proxy {proxy.url}")
    with Graph(settings.neo4j, settings.redis) as graph:
        tools: list[tuple[str, Callable[[], None]]] = [
            ("aidiscover", lambda: _aidiscover(env)),
            ("cartography", lambda: _cartography(exe, settings, env)),
        ]
        if baseline is not None:
            tools.insert(0, ("aidiscover-baseline", lambda: _aidiscover(env, baseline)))
        for tool, sync in tools:
            _empty(graph)
            proxy.actions.clear()
            proxy.errors.clear()
            started = time.monotonic()
            sync()
            print(
                f"\n{tool}: {time.monotonic() - started:.1f} s, {sum(proxy.actions.values())} calls, "
                f"{_graph_size(graph)}"
            )
            for name, count in sorted(proxy.actions.items()):
                print(f"  {count:5d} {name}" + (f"  ({proxy.errors[name]} x 5xx)" if proxy.errors[name] else ""))
        _empty(graph)
    moto.stop()


def _median(rows: list[dict[str, Any]], key: str) -> float:
    return statistics.median(r[key] for r in rows)


def section(result: dict[str, Any]) -> str:
    lines = [START, "## AI-Discover and Cartography side by side (`bench/bench_cartography.py`)", ""]
    rows = result.get("rows") or []
    if not rows:
        lines += [result.get("note", "Not run."), END]
        return "\n".join(lines)
    loads = [r["load_average"] for r in rows]
    lines += [
        f"Machine: {result['machine']}; {result['date']}; estate size {result['size']} ({result['aws_resources']} AWS "
        f"resources, regions {', '.join(REGIONS)}), Cartography {VERSION}, {result['rounds']} interleaved round(s), "
        f"medians; load average {min(loads)} to {max(loads)} during the run. Command: `{result['command']}`.",
        "",
        "| tool | proxy ms per call | sync | seconds | API calls | nodes | relationships |",
        "|---|---|---|---|---|---|---|",
    ]
    keys = sorted({(r["proxy_ms"], r["sync"] != "first", r["tool"]) for r in rows})
    for ms, resync, tool in keys:
        sync = "re-sync" if resync else "first"
        sel = [r for r in rows if (r["tool"], r["proxy_ms"], r["sync"]) == (tool, ms, sync)]
        lines.append(
            f"| {tool} | {ms} | {sync} | {_median(sel, 'seconds')} | {_median(sel, 'api_calls'):g} | "
            f"{_median(sel, 'nodes'):g} | {_median(sel, 'relationships'):g} |"
        )
    lines += ["", "Time of AI-Discover / time of Cartography (medians of the same run):", ""]
    ours_tools = sorted({r["tool"] for r in rows} - {"cartography"})
    for ms in sorted({r["proxy_ms"] for r in rows}):
        for sync in ("first", "re-sync"):
            theirs = [r for r in rows if (r["tool"], r["proxy_ms"], r["sync"]) == ("cartography", ms, sync)]
            ratios = [
                f"{tool} {_median(ours, 'seconds') / _median(theirs, 'seconds'):.2f}"
                for tool in ours_tools
                if (ours := [r for r in rows if (r["tool"], r["proxy_ms"], r["sync"]) == (tool, ms, sync)]) and theirs
            ]
            if ratios:
                lines.append(f"- proxy {ms} ms per call, {sync}: {', '.join(ratios)}")
    own = result.get("benchmark_answers") or {}
    lines += [
        "",
        "Both tools reach moto through the same counting proxy. Moto 5.2.6 does not implement IAM "
        "GenerateServiceLastAccessedDetails / GetServiceLastAccessedDetails (HTTP 500, NotImplementedError), which "
        "Cartography's IAM sync calls for every principal, and answers ELBv2 DescribeTargetGroups for a load balancer "
        "without target groups with HTTP 400 TargetGroupNotFound where AWS returns an empty list (Cartography asks per "
        "load balancer and backs off for up to 600 s on it), and any other action moto answers with HTTP 500 "
        "NotImplementedError (seen: EC2 DescribeReservedInstances). **The proxy gives those answers itself**, with the "
        "response shape of the AWS API reference (a job id, then a COMPLETED job with no service accessed; an empty "
        "TargetGroups list; for the others botocore's output shape with every list empty, i.e. none in the account): "
        "they are the benchmark's answers, not moto's (`bench/moto_gaps.py`). Every other call "
        f"reaches moto. Answers given by the benchmark per tool (all runs): {own or 'none'}. Answers of HTTP 500 or "
        f"more that reached a tool: {result.get('errors') or 'none'}.",
        "",
        "Each tool's first sync starts from an empty database without any index or constraint, so it creates its "
        "own schema (Cartography's index on `EC2Instance.id` and AI-Discover's uniqueness constraint on the same "
        "property cannot coexist); the re-sync follows at once on the unchanged estate. AI-Discover runs as "
        "`aidiscover discover aws` (its own process, post-sync hooks included); Cartography as "
        "`cartography --selected-modules aws --aws-regions ...`. Node counts include each tool's own bookkeeping "
        "(AI-Discover: jobs, scopes, change records; Cartography: its account, region and sync nodes).",
        END,
    ]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--wipe-graph", action="store_true", help="required: the database is emptied")
    parser.add_argument("--install", action="store_true", help="install Cartography into its own virtualenv")
    parser.add_argument("--probe", action="store_true", help="one sync per tool, printing the calls per action")
    parser.add_argument("--size", default="S", choices=["S", "M", "L"])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--latency-ms", type=float, default=50.0)
    parser.add_argument("--latency-only", action="store_true", help="only the runs behind the latency proxy")
    parser.add_argument(
        "--baseline", type=Path, help="another AI-Discover checkout, timed too (before/after in the same run)"
    )
    args = parser.parse_args()
    settings = load_settings()
    if args.install:
        install(settings)
        return
    exe = cartography_bin(settings)
    if exe is None:
        print(f"Cartography is not installed in {venv_dir(settings)}: skipped (install it with --install)")
        return
    if not args.wipe_graph:
        raise SystemExit("this benchmark empties the configured Neo4j: pass --wipe-graph")
    if args.probe:
        probe(settings, exe, args.size, args.latency_ms / 1000, args.baseline)
        return
    rows, detail = run(settings, exe, args.size, args.rounds, args.latency_ms / 1000, args.baseline, args.latency_only)
    result = {
        "machine": machine(),
        "date": dt.date.today().isoformat(),
        "command": " ".join(["python -m bench.bench_cartography", *sys.argv[1:]]),
        "size": args.size,
        "rounds": args.rounds,
        **detail,
        "rows": rows,
    }
    RESULTS.write_text(json.dumps(result, indent=2) + "\n")
    write_section(START, END, section(result))


if __name__ == "__main__":
    main()
