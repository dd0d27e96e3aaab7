"""Benchmark: AI-Discover and Cartography side by side on the same moto estate, interleaved.

    .venv/bin/python -m bench.bench_cartography --wipe-graph [--size S|M] [--rounds 3] [--latency-ms 50]
    .venv/bin/python -m bench.bench_cartography --install   # Cartography into its own virtualenv, once

Cartography is optional: it lives in its own virtualenv (``$AIDISCOVER_DATA_DIR/bench/cartography-venv``,
created by ``--install`` with the configured package index), and the benchmark says so and exits 0 when it is
absent. The AWS share of a generated estate is created in an in-process moto server; both tools reach it through
a local HTTP proxy that counts every API call and, in the "proxy" runs, holds each one ``--latency-ms`` first.
Per round and per latency setting, each tool syncs into an emptied Neo4j (first sync) and syncs again (re-sync),
the tools alternating; reported are the wall times (median over rounds) and the API calls of each.

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
import os
import statistics
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # also runnable as `python bench/bench_cartography.py`
    sys.path.insert(0, str(ROOT))

from bench.doc import machine, write_section  # noqa: E402
from core.settings import Settings, load_settings  # noqa: E402
from graph.neo4j.client import Graph  # noqa: E402

RESULTS = ROOT / "bench" / "results" / "cartography.json"
START, END = "<!-- cartography:start -->", "<!-- cartography:end -->"
REGIONS = ("us-east-1", "eu-west-1")
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


class CountingProxy:
    """Forwards every request to ``target``, counting them; ``delay`` seconds are added to each when set."""

    def __init__(self, target: str) -> None:
        self.target = urlsplit(target)
        self.calls = 0
        self.delay = 0.0
        self._lock = threading.Lock()
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *_: Any) -> None:
                return

            def _forward(self) -> None:
                with proxy._lock:
                    proxy.calls += 1
                if proxy.delay:
                    time.sleep(proxy.delay)
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                conn = http.client.HTTPConnection(proxy.target.hostname or "127.0.0.1", proxy.target.port, timeout=120)
                headers = {k: v for k, v in self.headers.items() if k.lower() != "host"}
                conn.request(self.command, self.path, body=body, headers=headers)
                resp = conn.getresponse()
                data = resp.read()
                self.send_response(resp.status)
                for k, v in resp.getheaders():
                    if k.lower() not in ("transfer-encoding", "content-length", "connection"):
                        self.send_header(k, v)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)
                conn.close()

            do_GET = do_POST = do_PUT = do_DELETE = do_HEAD = _forward  # noqa: N815

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()


def _aidiscover(env: dict[str, str]) -> None:
    out = subprocess.run(
        [sys.executable, "-m", "app.cli", "discover", "aws"], cwd=ROOT, env=env, capture_output=True, text=True
    )
    if out.returncode not in (0, 1):
        raise SystemExit(f"aidiscover failed:\n{out.stderr[-2000:]}")


def _cartography(exe: Path, settings: Settings, env: dict[str, str]) -> None:
    password = settings.neo4j.password
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
        env={**env, "CARTOGRAPHY_NEO4J_PASSWORD": password},
        capture_output=True,
        text=True,
    )
    if out.returncode != 0:
        raise SystemExit(f"cartography failed:\n{out.stderr[-2000:]}")


def run(settings: Settings, exe: Path, size: str, rounds: int, latency: float) -> list[dict[str, Any]]:
    from devclouds.estate_generator import generate_estate
    from devclouds.moto_server import MotoServer

    os.environ.setdefault("AWS_ACCESS_KEY_ID", "bench")
    os.environ.setdefault("AWS_SECRET_ACCESS_KEY", "bench")
    moto = MotoServer()
    moto_url = moto.start()
    moto.reset()
    generate_estate(size, 1, moto_url)  # type: ignore[arg-type]
    proxy = CountingProxy(moto_url)
    env = {
        **os.environ,
        "AWS_ENDPOINT_URL": proxy.url,
        "AWS_DEFAULT_REGION": REGIONS[0],
        "AIDISCOVER_AWS_REGIONS": ",".join(REGIONS),
        "AIDISCOVER_LOG_LEVEL": "WARNING",
    }
    tools = {"aidiscover": lambda: _aidiscover(env), "cartography": lambda: _cartography(exe, settings, env)}
    rows: list[dict[str, Any]] = []
    with Graph(settings.neo4j, settings.redis) as graph:
        for n in range(rounds):
            for delay in (0.0, latency):
                order = list(tools) if n % 2 == 0 else list(reversed(tools))  # interleaved, alternating first
                for tool in order:
                    graph.wipe()
                    proxy.delay = delay
                    for sync in ("first", "re-sync"):
                        calls = proxy.calls
                        started = time.monotonic()
                        tools[tool]()
                        rows.append(
                            {
                                "round": n,
                                "tool": tool,
                                "proxy_ms": round(delay * 1000),
                                "sync": sync,
                                "seconds": round(time.monotonic() - started, 2),
                                "api_calls": proxy.calls - calls,
                                "load_average": round(os.getloadavg()[0], 1),
                            }
                        )
    return rows


def section(result: dict[str, Any]) -> str:
    lines = [START, "## AI-Discover and Cartography side by side (`bench/bench_cartography.py`)", ""]
    rows = result.get("rows") or []
    if not rows:
        lines += [result.get("note", "Not run."), END]
        return "\n".join(lines)
    lines += [
        f"Machine: {result['machine']}; {result['date']}; estate size {result['size']}, {result['rounds']} "
        "round(s), medians.",
        "",
        "| tool | proxy ms | sync | seconds | API calls |",
        "|---|---|---|---|---|",
    ]
    keys = sorted({(r["tool"], r["proxy_ms"], r["sync"]) for r in rows})
    for tool, ms, sync in keys:
        sel = [r for r in rows if (r["tool"], r["proxy_ms"], r["sync"]) == (tool, ms, sync)]
        lines.append(
            f"| {tool} | {ms} | {sync} | {statistics.median(r['seconds'] for r in sel)} | "
            f"{statistics.median(r['api_calls'] for r in sel)} |"
        )
    lines.append(END)
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--wipe-graph", action="store_true", help="required: the database is emptied")
    parser.add_argument("--install", action="store_true", help="install Cartography into its own virtualenv")
    parser.add_argument("--size", default="S", choices=["S", "M", "L"])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--latency-ms", type=float, default=50.0)
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
    rows = run(settings, exe, args.size, args.rounds, args.latency_ms / 1000)
    result = {
        "machine": machine(),
        "date": dt.date.today().isoformat(),
        "size": args.size,
        "rounds": args.rounds,
        "rows": rows,
    }
    RESULTS.write_text(json.dumps(result, indent=2) + "\n")
    write_section(START, END, section(result))


if __name__ == "__main__":
    main()
