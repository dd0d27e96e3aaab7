"""Benchmark of the local services' costs: Maven's resolve of Neo4j, Neo4j's cold start and warm restart.

    .venv/bin/python -m bench.bench_services [--maven-cold-runs 1] [--maven-warm-runs 3] [--neo4j-runs 3]

Measures, on free ports and in temporary directories (never the shared services on the default ports):

* Maven's first resolve with an empty local repository (``-Dmaven.repo.local=<tmp>``): what the very
  first `aidiscover services up` costs on a new machine, downloads included;
* Maven's resolve with the user's warm ~/.m2 (a new home on a machine that resolved once);
* Neo4j cold start (new data directory, so it includes ``set-initial-password``) to Bolt-ready, i.e.
  until Bolt accepts the credentials and HTTP answers, which is when ``Neo4jServer.start()`` returns;
* Neo4j warm restart (stop, then start on the existing data directory) and the stop itself.

Writes bench/results/services.json and the ``services`` section of docs/benchmarks.md (between
``<!-- services:start -->`` and ``<!-- services:end -->``; the rest of that file is left alone).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import logging
import os
import platform
import secrets
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # also runnable as `python bench/bench_services.py`
    sys.path.insert(0, str(ROOT))

from bench.doc import DOC, write_section  # noqa: E402
from core.settings import Neo4jSettings, RedisSettings, Settings  # noqa: E402
from graph.server.neo4j_server import POM, Neo4jServer  # noqa: E402
from tests.app.auth_server import free_port  # noqa: E402

log = logging.getLogger("bench.services")

RESULTS = ROOT / "bench" / "results" / "services.json"
START, END = "<!-- services:start -->", "<!-- services:end -->"
BENCH_PASSWORD = secrets.token_urlsafe(16)  # throwaway databases


# --- helpers -------------------------------------------------------------------------------------
def summary(values: list[float]) -> dict[str, Any]:
    return {
        "runs": [round(v, 2) for v in values],
        "median": round(statistics.median(values), 2) if values else None,
        "min": round(min(values), 2) if values else None,
        "max": round(max(values), 2) if values else None,
    }


def dir_mb(path: Path) -> float:
    total = sum(f.stat().st_size for f in path.rglob("*") if f.is_file() and not f.is_symlink())
    return round(total / 1e6, 1)


def first_line(argv: list[str]) -> str:
    try:
        proc = subprocess.run(argv, capture_output=True, text=True, timeout=30, check=False)
    except (OSError, subprocess.TimeoutExpired):
        return "unavailable"
    text = (proc.stdout or proc.stderr).strip().splitlines()
    return text[0].replace("\x1b[1m", "").replace("\x1b[m", "").strip() if text else "unavailable"


def machine_facts() -> dict[str, Any]:
    mem_kb = 0
    with open("/proc/meminfo", encoding="ascii") as fh:
        for line in fh:
            if line.startswith("MemTotal:"):
                mem_kb = int(line.split()[1])
    return {
        "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "nproc": os.cpu_count(),
        "memory_gb": round(mem_kb / 1024 / 1024, 1),
        "load_average_1m_at_start": round(os.getloadavg()[0], 2),
        "kernel": platform.release(),
        "python": platform.python_version(),
        "java": first_line(["java", "-version"]),
        "maven": first_line(["mvn", "-v"]),
        "redis": first_line(["redis-server", "--version"]),
    }


# --- Maven ---------------------------------------------------------------------------------------
def maven_resolve(output_dir: Path, repo: Path | None) -> float:
    argv = [
        "mvn",
        "-q",
        "-B",
        "-Dstyle.color=never",
        "-f",
        str(POM),
        "dependency:copy-dependencies",
        "-DincludeScope=runtime",
        f"-DoutputDirectory={output_dir}",
    ]
    if repo is not None:
        argv.append(f"-Dmaven.repo.local={repo}")
    started = time.monotonic()
    subprocess.run(argv, check=True, capture_output=True, timeout=1800)
    return time.monotonic() - started


def bench_maven(work: Path, cold_runs: int, warm_runs: int) -> dict[str, Any]:
    cold: list[float] = []
    downloaded = 0.0
    for i in range(cold_runs):
        repo = work / f"m2-empty-{i}"
        cold.append(maven_resolve(work / f"lib-cold-{i}", repo))
        downloaded = dir_mb(repo)
        shutil.rmtree(repo)
        log.info("maven, empty local repository: %.1f s (%.0f MB downloaded)", cold[-1], downloaded)
    warm: list[float] = []
    for i in range(warm_runs):
        warm.append(maven_resolve(work / f"lib-warm-{i}", None))
        log.info("maven, warm ~/.m2: %.1f s", warm[-1])
    sample = work / ("lib-warm-0" if warm_runs else "lib-cold-0")
    return {
        "cold_resolve_s": summary(cold),
        "warm_resolve_s": summary(warm),
        "downloaded_mb": downloaded,
        "jars": len(list(sample.glob("*.jar"))) if sample.exists() else None,
        "lib_mb": dir_mb(sample) if sample.exists() else None,
    }


# --- Neo4j ---------------------------------------------------------------------------------------
def bench_settings(home: Path) -> Settings:
    neo4j = Neo4jSettings().model_copy(
        update={
            "home": home,
            "uri": f"bolt://127.0.0.1:{free_port()}",
            "http_port": free_port(),
            "password": BENCH_PASSWORD,
        }
    )
    redis = RedisSettings().model_copy(update={"url": f"redis://127.0.0.1:{free_port()}/0"})
    return Settings(data_dir=home.parent, neo4j=neo4j, redis=redis)


def bench_neo4j(work: Path, runs: int) -> dict[str, Any]:
    resolved = bench_settings(work / "resolved" / "neo4j")
    shared = Neo4jServer(resolved.neo4j, resolved.neo4j_dir)
    shared.resolve()
    cold: list[float] = []
    warm: list[float] = []
    stops: list[float] = []
    for i in range(runs):
        home = work / f"n{i}" / "neo4j"
        home.mkdir(parents=True)
        (home / "lib").symlink_to(shared.lib, target_is_directory=True)
        run = bench_settings(home)
        server = Neo4jServer(run.neo4j, run.neo4j_dir)
        try:
            cold.append(_timed_start(server))
            stops.append(_timed_stop(server))
            warm.append(_timed_start(server))
            stops.append(_timed_stop(server))
        finally:
            server.stop()
        log.info("neo4j run %d: cold %.1f s, warm %.1f s, stop %.1f s", i + 1, cold[-1], warm[-1], stops[-1])
    settings = shared.settings
    return {
        "cold_start_s": summary(cold),
        "warm_restart_s": summary(warm),
        "stop_s": summary(stops),
        "heap": settings.heap,
        "pagecache": settings.pagecache,
        "version": _pom_version(),
    }


def _timed_start(server: Neo4jServer) -> float:
    started = time.monotonic()
    server.start()
    return time.monotonic() - started


def _timed_stop(server: Neo4jServer) -> float:
    started = time.monotonic()
    server.stop()
    return time.monotonic() - started


def _pom_version() -> str:
    text = POM.read_text(encoding="utf-8")
    return text.split("<neo4j.version>", 1)[1].split("<", 1)[0]


# --- reporting -----------------------------------------------------------------------------------
def render_section(results: dict[str, Any]) -> str:
    m, mv, n = results["machine"], results["maven"], results["neo4j"]

    def row(label: str, s: dict[str, Any], note: str) -> str:
        runs = ", ".join(f"{v:.1f}" for v in s["runs"]) or "-"
        median = f"{s['median']:.1f}" if s["median"] is not None else "-"
        return f"| {label} | {median} | {runs} | {note} |"

    lines = [
        START,
        "## Local services (`bench/bench_services.py`)",
        "",
        f"Measured {m['date']} on {m['nproc']} CPUs, {m['memory_gb']} GB RAM, {m['java']}, {m['maven']}; "
        f"Neo4j {n['version']} Community with APOC, heap {n['heap']}, page cache {n['pagecache']}; "
        f"1-minute load average {m['load_average_1m_at_start']} at the start (other work on the machine "
        "makes the figures noisy). "
        "Raw figures: `bench/results/services.json`.",
        "",
        "| what | median s | runs (s) | notes |",
        "| --- | --- | --- | --- |",
        row(
            "Maven resolve, empty local repository",
            mv["cold_resolve_s"],
            f"first `services up` on a new machine; {mv['downloaded_mb']} MB downloaded",
        ),
        row("Maven resolve, warm ~/.m2", mv["warm_resolve_s"], f"{mv['jars']} jars, {mv['lib_mb']} MB in lib/"),
        row("Neo4j cold start to Bolt-ready", n["cold_start_s"], "new data dir; includes set-initial-password"),
        row("Neo4j warm restart to Bolt-ready", n["warm_restart_s"], "existing data dir"),
        row("Neo4j stop", n["stop_s"], "SIGTERM until the JVM exits"),
        "",
        "Bolt-ready means Bolt accepts the configured credentials and HTTP answers, which is when "
        "`aidiscover services up` returns. Maven runs only when lib/ is missing or graph/server/pom.xml changed.",
        END,
    ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--maven-cold-runs", type=int, default=1)
    parser.add_argument("--maven-warm-runs", type=int, default=3)
    parser.add_argument("--neo4j-runs", type=int, default=3)
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    with tempfile.TemporaryDirectory(prefix="bench-services-") as tmp:
        work = Path(tmp)
        results = {
            "machine": machine_facts(),
            "maven": bench_maven(work, args.maven_cold_runs, args.maven_warm_runs),
            "neo4j": bench_neo4j(work, args.neo4j_runs),
        }
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    write_section(START, END, render_section(results))
    log.info("wrote %s and the services section of %s", RESULTS, DOC)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
