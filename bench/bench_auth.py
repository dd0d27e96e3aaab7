"""Benchmark of what API safety costs per request: bcrypt, the key cache, the rate limiter, a round trip.

    .venv/bin/python bench/bench_auth.py [--requests 300]

Against the Neo4j and Redis of the environment (`make bench` uses the test services). It creates one API
key of its own and deletes it at the end; nothing else in the graph is touched. Measures:

* one bcrypt check at the default cost factor (what an uncached API key or a login costs);
* an API key check answered from the in-process cache (every request after the first, per process);
* one rate-limit count in Redis (INCR + EXPIRE in a pipeline);
* the HTTP round trip of ``{ me { role } }`` through uvicorn on loopback, with a cached API key, and with
  ``AIDISCOVER_AUTH=off`` (no credential check, no rate limit) for comparison;
* the first request with a key after the cache was cleared (graph lookup + bcrypt).

Writes bench/results/auth.json and the ``auth`` section of docs/benchmarks.md (between
``<!-- auth:start -->`` and ``<!-- auth:end -->``).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # also runnable as `python bench/bench_auth.py`
    sys.path.insert(0, str(ROOT))

from app.api import auth_store  # noqa: E402
from app.api.auth import Authenticator  # noqa: E402
from app.server import create_app  # noqa: E402
from bench.doc import write_section  # noqa: E402
from core.settings import load_settings  # noqa: E402
from graph.neo4j.client import Graph  # noqa: E402
from tests.app.auth_server import serving  # noqa: E402
from tests.settings_update import replace_settings  # noqa: E402

RESULTS = ROOT / "bench" / "results" / "auth.json"
START, END = "<!-- auth:start -->", "<!-- auth:end -->"
MACHINE = "2 cores, 24 GB"


def timed(fn: Callable[[], object], runs: int) -> list[float]:
    out = []
    for _ in range(runs):
        started = time.perf_counter()
        fn()
        out.append(time.perf_counter() - started)
    return out


def round_trips(url: str, headers: dict[str, str], runs: int) -> list[float]:
    body = {"query": "{ me { role } }"}
    with httpx.Client(base_url=url, headers=headers, timeout=30) as client:
        for _ in range(20):  # warm up connections and caches
            assert client.post("/graphql", json=body).status_code == 200
        return timed(lambda: client.post("/graphql", json=body).raise_for_status(), runs)


def run(requests: int) -> list[dict[str, Any]]:
    settings = replace_settings(load_settings(), auth={"rate_limit_per_minute": 0})
    date = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
    rows: list[dict[str, Any]] = []

    def row(name: str, values: list[float], unit: str, scale: float) -> None:
        rows.append(
            {
                "name": name,
                "value": round(statistics.median(values) * scale, 3),
                "unit": unit,
                "estate_size": "none",
                "machine": MACHINE,
                "date": date,
            }
        )

    with Graph(settings.neo4j, settings.redis) as graph:
        created = auth_store.create_api_key(graph, "bench", "admin", "bench", settings.auth.bcrypt_rounds)
        try:
            secret = created.key.split("_", 2)[2]
            row(
                f"bcrypt check, cost {settings.auth.bcrypt_rounds}",
                timed(lambda: auth_store.check_secret(secret, created.record.hash), 7),
                "ms",
                1e3,
            )
            auth = Authenticator(graph, settings)
            auth.api_key(created.key)
            row("API key check, cached", timed(lambda: auth.api_key(created.key), 5000), "us", 1e6)

            def uncached() -> None:
                auth.forget_key(created.record.key_id)
                auth.api_key(created.key)

            row("API key check, uncached (graph lookup + bcrypt + last_used write)", timed(uncached, 7), "ms", 1e3)
            row("rate-limit count in Redis", timed(lambda: auth.limiter.hit("bench:x", 10**9), 2000), "us", 1e6)
            auth.limiter.close()
            with serving(create_app(settings, graph)) as url:
                keyed = round_trips(url, {"X-API-Key": created.key}, requests)
            with serving(create_app(replace_settings(settings, auth={"mode": "off"}), graph)) as url:
                off = round_trips(url, {}, requests)
            limited = replace_settings(settings, auth={"rate_limit_per_minute": 10**9})
            with serving(create_app(limited, graph)) as url:
                counted = round_trips(url, {"X-API-Key": created.key}, requests)
            row("HTTP { me } round trip, AIDISCOVER_AUTH=off", off, "ms", 1e3)
            row("HTTP { me } round trip, cached API key, no rate limit", keyed, "ms", 1e3)
            row("HTTP { me } round trip, cached API key + rate limit", counted, "ms", 1e3)
        finally:
            graph.write("MATCH (k:ApiKey {id: $id}) DETACH DELETE k", {"id": created.record.key_id})
    return rows


def write_doc(rows: list[dict[str, Any]], requests: int) -> None:
    load = round(os.getloadavg()[0], 1)
    lines = [
        START,
        "## API safety per request (`bench/bench_auth.py`)",
        "",
        f"Measured {rows[0]['date']} on {MACHINE} (1-minute load average {load} at the end; other work on the "
        f"machine makes the figures noisy); medians, round trips over {requests} requests each on loopback. "
        "Raw figures: `bench/results/auth.json`.",
        "",
        "| what | median |",
        "| --- | --- |",
        *(f"| {r['name']} | {r['value']} {r['unit']} |" for r in rows),
        "",
        "A key is checked with bcrypt once per process per minute; later requests are answered from the",
        "in-process cache, so bcrypt does not set the request rate.",
        END,
    ]
    write_section(START, END, "\n".join(lines))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--requests", type=int, default=300)
    args = parser.parse_args()
    rows = run(args.requests)
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(rows, indent=2) + "\n")
    write_doc(rows, args.requests)
    for r in rows:
        print(f"{r['name']:70} {r['value']:>10} {r['unit']}")


if __name__ == "__main__":
    main()
