"""Benchmark: the web viewer in headless Chromium on the estate already in the graph (run after bench_estate).

    .venv/bin/python bench/bench_viewer.py [--rounds N] [--baseline DIST]

``--baseline DIST`` compares with another build of the viewer (a folder holding its viewer.js, e.g. one built
from an earlier commit with ``npm run build -- --outdir=DIST``): its runs alternate with this checkout's, each
in a fresh browser context with the load average at its start, and the page gets its /static/dist files from
DIST. Serves the app (uvicorn in a thread on a free port, the configured Neo4j), signs in with a fresh API key and times
what a user waits for: the first paint of the page (signed out, and signed in on a reload), the overview (every
panel and the collapsed estate map), expanding the largest account and one of its regions on the map, a search,
expanding the VPC with the most dependents, its blast radius drawn and grouping the view by VPC, and a 500-resource
view drawn until it is interactive (``view_500``: a click answered and a pan frame drawn; then the layout's end,
its zoom and the labels drawn over nodes, which must be 0). Wall times
are measured from the action to the selector that shows its result; the JS heap is Chromium's
``performance.memory``. Results: bench/results/viewer.json and the ``viewer`` section of docs/benchmarks.md
(between ``<!-- viewer:start -->`` and ``<!-- viewer:end -->``, appended when absent). The graph is read, never
changed (besides the API key).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import logging
import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # also runnable as `python bench/bench_viewer.py`
    sys.path.insert(0, str(ROOT))

from playwright.sync_api import Page, Route, sync_playwright  # noqa: E402

from app.api import auth_store  # noqa: E402
from app.server import create_app  # noqa: E402
from bench.doc import write_section  # noqa: E402
from core.settings import load_settings  # noqa: E402
from graph.neo4j.client import Graph  # noqa: E402
from tests.app.auth_server import serving  # noqa: E402
from tests.settings_update import replace_settings  # noqa: E402
from web import DIST_DIR  # noqa: E402

log = logging.getLogger("bench.viewer")

RESULTS = ROOT / "bench" / "results" / "viewer.json"
START, END = "<!-- viewer:start -->", "<!-- viewer:end -->"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def timed(action: Callable[[], object]) -> float:
    started = time.perf_counter()
    action()
    return round((time.perf_counter() - started) * 1000, 1)


def drive(page: Page, url: str, key: str, vpc: dict[str, str], busiest: dict[str, str]) -> dict[str, float]:
    out: dict[str, float] = {}

    def then(first: Callable[[], object], selector: str) -> Callable[[], None]:
        def both() -> None:
            first()
            page.wait_for_selector(selector)

        return both

    def overview() -> None:
        page.goto(f"{url}/")
        page.fill("#api-key", key)
        page.click("#key-signin")
        for sel in ("#total-resources", "#cost-total", "#findings-total", "#map-status:has-text('accounts')"):
            page.wait_for_selector(sel)

    paint = "performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? -1"
    page.goto(f"{url}/")
    page.wait_for_selector("#signin:not([hidden])")
    out["first_paint_signed_out_ms"] = round(page.evaluate(paint), 1)
    out["overview_ready_ms"] = timed(overview)
    page.reload()
    page.wait_for_selector("body[data-ready='1']")
    out["first_paint_signed_in_ms"] = round(page.evaluate(paint), 1)
    page.wait_for_selector("#map-status:has-text('accounts')")
    out["map_groups"] = page.evaluate("window.aidiscoverMap.nodes().length")
    largest = (
        "void window.aidiscoverMap.nodes().filter(n => n.data('level') === '{}')"
        ".sort((a, b) => b.data('count') - a.data('count'))[0].emit('tap')"
    )
    tap_account = then(
        lambda: page.evaluate(largest.format("ACCOUNT")), "#map-status:has-text('expanded'):has-text('account')"
    )
    out["map_expand_account_ms"] = timed(tap_account)
    tap_region = then(
        lambda: page.evaluate(largest.format("REGION")), "#map-status:has-text('expanded'):has-text('region')"
    )
    out["map_expand_region_ms"] = timed(tap_region)
    out["map_groups_after_expanding"] = page.evaluate("window.aidiscoverMap.nodes().length")
    page.click("#nav-explore")

    def search() -> None:
        page.fill("#search", vpc["name"])
        page.click("#search-go")
        page.wait_for_selector(f"#results li[data-id='{vpc['id']}']")

    out["search_ms"] = timed(search)
    page.click(f"#results li[data-id='{vpc['id']}']")
    page.wait_for_function("n => document.querySelector('#detail-name')?.textContent === n", arg=vpc["name"])
    out["expand_ms"] = timed(then(lambda: page.click("#expand"), "#explore-status:has-text('expanded')"))
    out["blast_radius_ms"] = timed(then(lambda: page.click("#mode-blast"), "#blast-count"))
    out["blast_radius_total"] = int(page.inner_text("#blast-count"))
    out["nodes_drawn"] = page.evaluate("window.aidiscoverGraph.nodes().length")
    group = then(lambda: page.select_option("#group-by", "vpc"), "#explore-status:has-text('group')")
    out["group_by_vpc_ms"] = timed(group)
    # the most connected resource: its neighbours hit the per-expand cap
    page.click("#clear-graph")
    page.select_option("#group-by", "none")
    page.fill("#search", busiest["name"])
    page.click("#search-go")
    page.click(f"#results li[data-id='{busiest['id']}']")
    page.wait_for_function("n => document.querySelector('#detail-name')?.textContent === n", arg=busiest["name"])
    out["expand_busiest_ms"] = timed(then(lambda: page.click("#expand"), "#explore-status:has-text('expanded')"))
    out["busiest_nodes_drawn"] = page.evaluate("window.aidiscoverGraph.nodes().length")
    out.update(view_500(page))
    out["js_heap_mb"] = round(page.evaluate("performance.memory.usedJSHeapSize") / 2**20, 1)
    return out


VIEW_500 = """async () => {
  const x = window.aidiscoverExplorer;
  const cy = window.aidiscoverGraph;
  x.clearGraph();
  const r = await (await fetch('/graphql', { method: 'POST', headers: { 'Content-Type': 'application/json',
    'X-API-Key': JSON.parse(sessionStorage.getItem('aidiscover.credentials')).apiKey },
    body: JSON.stringify({ query: '{ resources(first: 500) { edges { node { id } } } }' }) })).json();
  const ids = r.data.resources.edges.map((e) => e.node.id);
  const frame = () => new Promise((ok) => requestAnimationFrame(() => requestAnimationFrame(() => ok())));
  performance.clearResourceTimings();
  const t0 = performance.now();
  window.__view500 = { t0 };
  await x.drawIds(ids);
  await (x.layoutPlaced ?? x.layoutDone);
  await frame();
  const placed = performance.now() - t0;
  const asked = performance.getEntriesByType('resource')
    .filter((e) => e.name.endsWith('/graphql') && e.startTime >= t0);
  const arrived = asked.length ? asked[0].responseEnd - t0 : null;
  // the node nearest the middle of the view, where the user clicks it
  const box = cy.container().getBoundingClientRect();
  const mid = { x: cy.width() / 2, y: cy.height() / 2 };
  const dist = (n) => Math.hypot(n.renderedPosition('x') - mid.x, n.renderedPosition('y') - mid.y);
  const node = cy.nodes().filter((n) => !n.hasClass('group')).sort((a, b) => dist(a) - dist(b))[0];
  const p = node.renderedPosition();
  const name = node.data('name');
  // a mouse click at the node, as the browser delivers one: cytoscape's own handlers find the node under it
  const at = { clientX: box.left + p.x, clientY: box.top + p.y, button: 0, buttons: 1, bubbles: true,
    cancelable: true, view: window };
  const canvas = document.elementFromPoint(at.clientX, at.clientY);
  canvas.dispatchEvent(new MouseEvent('mousedown', at));
  canvas.dispatchEvent(new MouseEvent('mouseup', { ...at, buttons: 0 }));
  canvas.dispatchEvent(new MouseEvent('click', { ...at, buttons: 0 }));
  while (document.querySelector('#detail-name')?.textContent !== name) {
    if (performance.now() - t0 > 120000) throw new Error(`the click on ${name} was not answered`);
    await new Promise((ok) => setTimeout(ok, 5));
  }
  const detail = performance.now() - t0;
  cy.panBy({ x: 120, y: 60 });
  await frame();
  return { placed, arrived, detail, interactive: performance.now() - t0, n: cy.nodes().length };
}"""

VIEW_500_SETTLED = """async () => {
  const x = window.aidiscoverExplorer;
  const cy = window.aidiscoverGraph;
  await x.layoutDone;
  await new Promise((ok) => requestAnimationFrame(() => ok()));
  const settled = performance.now() - window.__view500.t0;
  const z = cy.zoom();
  const px = (e, k) => parseFloat(e.style(k));
  const shown = (e) => px(e, 'text-opacity') > 0 && px(e, 'font-size') * z >= px(e, 'min-zoomed-font-size');
  const drawn = (e) => e.style('label') && shown(e);
  const bare = { includeOverlays: false, includeUnderlays: false };
  const view = { x1: 0, y1: 0, x2: cy.width(), y2: cy.height() };
  const bodies = cy.nodes().map((n) => [n.id(), n.renderedBoundingBox({ ...bare, includeLabels: false })]);
  const hit = (a, b) => a.x1 < b.x2 && b.x1 < a.x2 && a.y1 < b.y2 && b.y1 < a.y2;
  let over = 0;
  // the clicked node's label is drawn whatever it covers (a selection is always named): not counted
  cy.elements().filter((e) => drawn(e) && !e.selected()).forEach((e) => {
    const box = e.renderedBoundingBox({ ...bare, includeNodes: false, includeEdges: false });
    const own = e.isNode() ? [e.id()] : [e.source().id(), e.target().id()];
    if (hit(box, view) && bodies.some(([id, b]) => !own.includes(id) && hit(box, b))) over++;
  });
  return { settled, zoom: z, over };
}"""


def view_500(page: Page) -> dict[str, float]:
    """500 resources drawn through the explorer (``drawIds``: the subgraph asked for, merged and laid out),
    timed from the call: the subgraph's answer arrived; every node placed and a frame drawn; a mouse click
    (mousedown and mouseup events at the node nearest the middle of the view, found by cytoscape's hit test)
    answered, the detail panel naming the node, and a pan frame drawn after it (``interactive``); the layout
    finished (``settled``), with its zoom and the labels drawn over a node."""
    placed = answered = page.evaluate(VIEW_500)
    settled = page.evaluate(VIEW_500_SETTLED)
    arrived = placed["arrived"]
    return {
        "view_500_nodes": placed["n"],
        "view_500_data_arrived_ms": round(arrived, 1) if arrived is not None else -1.0,
        "view_500_placed_ms": round(placed["placed"], 1),
        "view_500_detail_shown_ms": round(answered["detail"], 1),
        "view_500_interactive_ms": round(answered["interactive"], 1),
        "view_500_interactive_after_data_ms": round(answered["interactive"] - (arrived or 0), 1),
        "view_500_laid_out_ms": round(settled["settled"], 1),
        "view_500_zoom": round(settled["zoom"], 2),
        "view_500_labels_over_nodes": settled["over"],
    }


def serve_bundle(page: Page, dist: Path) -> None:
    """Answer the page's /static/dist/* requests from another build of the viewer (``--baseline``)."""

    def answer(route: Route) -> None:
        name = route.request.url.split("/static/dist/", 1)[1].split("?", 1)[0]
        path = dist / name
        if not path.is_file():
            route.fulfill(status=404, body=f"{name} is not in {dist}")
            return
        kind = (
            "text/javascript" if name.endswith(".js") else "text/css" if name.endswith(".css") else "application/json"
        )
        route.fulfill(status=200, body=path.read_bytes(), headers={"content-type": kind})

    page.route("**/static/dist/*", answer)


def run(baseline: Path | None = None, rounds: int = 1) -> dict[str, Any]:
    """``rounds`` runs of the whole drive with this checkout's bundle, each alternated with one using the bundle
    in ``baseline`` when given (the baseline first in odd rounds): each run in a fresh browser, with the
    1-minute load average at its start."""
    settings = replace_settings(load_settings(), auth={"rate_limit_per_minute": 0, "bcrypt_rounds": 4})
    if not (DIST_DIR / "viewer.js").is_file():
        raise SystemExit("the viewer is not built: run `make web`")
    if baseline is not None and not (baseline / "viewer.js").is_file():
        raise SystemExit(f"no viewer.js in {baseline}: build the baseline there (npm run build, outdir that folder)")
    with Graph(settings.neo4j, settings.redis) as graph:
        resources = int(graph.read("MATCH (n:Resource) RETURN count(n) AS c")[0]["c"])
        if not resources:
            raise SystemExit("the graph is empty: run bench/bench_estate.py (or `python -m devclouds.demo estate`)")
        rows = graph.read(
            "MATCH (v:VPC) RETURN v.id AS id, v.name AS name, COUNT { (v)<--() } AS d ORDER BY d DESC, id LIMIT 1"
        )
        vpc = {"id": str(rows[0]["id"]), "name": str(rows[0]["name"])}
        rows = graph.read(
            "MATCH (r:Resource) RETURN r.id AS id, r.name AS name, COUNT { (r)--(:Resource) } AS d "
            "ORDER BY d DESC, id LIMIT 1"
        )
        busiest = {"id": str(rows[0]["id"]), "name": str(rows[0]["name"])}
        key = auth_store.create_api_key(graph, "bench-viewer", "viewer", "bench", settings.auth.bcrypt_rounds)
        runs: list[dict[str, Any]] = []
        try:
            with serving(create_app(settings, graph)) as url, sync_playwright() as pw:
                browser = pw.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
                for round_no in range(rounds):
                    order = [None] if baseline is None else [baseline, None] if round_no % 2 == 0 else [None, baseline]
                    for dist in order:
                        context = browser.new_context(viewport={"width": 1500, "height": 1000})
                        page = context.new_page()
                        page.set_default_timeout(180_000)
                        if dist is not None:
                            serve_bundle(page, dist)
                        load = round(os.getloadavg()[0], 1)
                        figures = drive(page, url, key.key, vpc, busiest)
                        context.close()
                        runs.append(
                            {"bundle": "baseline" if dist else "this", "load_average_1m": load, "figures": figures}
                        )
                        log.info("%s bundle, load %s: %s", runs[-1]["bundle"], load, json.dumps(figures))
                browser.close()
        finally:
            auth_store.revoke_api_key(graph, key.record.key_id)
    mine = [r for r in runs if r["bundle"] == "this"]
    return {
        "resources": resources,
        "vpc": vpc["name"],
        "figures": median_figures(mine),
        "baseline": median_figures([r for r in runs if r["bundle"] == "baseline"]) if baseline else None,
        "runs": runs,
        "load_average_1m": round(os.getloadavg()[0], 1),
    }


def median_figures(runs: list[dict[str, Any]]) -> dict[str, float]:
    """Each figure's median over the runs."""
    return {name: statistics.median(r["figures"][name] for r in runs) for name in runs[0]["figures"]}


def rows_of(f: dict[str, float]) -> list[tuple[str, str]]:
    return [
        (
            "First paint: sign-in page / signed-in page on a reload (target < 1 s)",
            f"{f['first_paint_signed_out_ms']:,.0f} ms / {f['first_paint_signed_in_ms']:,.0f} ms",
        ),
        ("Sign-in to every overview panel and the estate map drawn", f"{f['overview_ready_ms']:,.0f} ms"),
        (
            "Estate map: groups at first / after expanding an account and a region",
            f"{f['map_groups']:.0f} / {f['map_groups_after_expanding']:.0f}",
        ),
        ("Expand the largest account into regions", f"{f['map_expand_account_ms']:,.0f} ms"),
        ("Expand its largest region into kinds", f"{f['map_expand_region_ms']:,.0f} ms"),
        ("Search (name) to results listed", f"{f['search_ms']:,.0f} ms"),
        ("Expand the VPC's neighbours (cap 150)", f"{f['expand_ms']:,.0f} ms"),
        (
            f"Blast radius of the VPC ({f['blast_radius_total']:.0f} dependents) drawn, fcose layout",
            f"{f['blast_radius_ms']:,.0f} ms",
        ),
        ("Group the view by VPC", f"{f['group_by_vpc_ms']:,.0f} ms"),
        (
            f"Expand the most connected resource ({f['busiest_nodes_drawn']:.0f} nodes drawn, cap 150)",
            f"{f['expand_busiest_ms']:,.0f} ms",
        ),
        (
            f"{f['view_500_nodes']:.0f} resources drawn: the subgraph's answer arrived / every node placed, "
            "a frame drawn",
            f"{f['view_500_data_arrived_ms']:,.0f} ms / {f['view_500_placed_ms']:,.0f} ms",
        ),
        (
            "… a click answered (detail panel names the node) / and a pan frame drawn: **interactive** (target < 2 s)",
            f"{f['view_500_detail_shown_ms']:,.0f} ms / **{f['view_500_interactive_ms']:,.0f} ms**",
        ),
        ("… interactive counted from the subgraph's arrival", f"{f['view_500_interactive_after_data_ms']:,.0f} ms"),
        ("… the force-directed layout (fcose) finished", f"{f['view_500_laid_out_ms']:,.0f} ms"),
        (
            "The 500-resource view: zoom after the layout (floor 0.45) / labels drawn over a node (the "
            "clicked one's aside)",
            f"{f['view_500_zoom']} / {f['view_500_labels_over_nodes']:.0f}",
        ),
        ("JS heap used at the end", f"{f['js_heap_mb']} MB"),
    ]


def section(r: dict[str, Any]) -> str:
    f = r["figures"]
    estate = "estate M under `make bench`" if r["resources"] > 5000 else "the demo estate, size S"
    loads = [x["load_average_1m"] for x in r["runs"]]
    if r["baseline"]:
        table = ["| step | this bundle | baseline bundle |", "|---|---|---|"]
        table += [f"| {a} | {b} | {c} |" for (a, b), (_, c) in zip(rows_of(f), rows_of(r["baseline"]), strict=True)]
    else:
        table = ["| step | figure |", "|---|---|", *[f"| {a} | {b} |" for a, b in rows_of(f)]]
    runs = [
        "| run | bundle | load average (1 min) at its start | 500 view interactive | fcose finished |",
        "|---|---|---|---|---|",
        *[
            f"| {i} | {x['bundle']} | {x['load_average_1m']} | {x['figures']['view_500_interactive_ms']:,.0f} ms | "
            f"{x['figures']['view_500_laid_out_ms']:,.0f} ms |"
            for i, x in enumerate(r["runs"], 1)
        ],
    ]
    return "\n".join(
        [
            START,
            "## Web viewer in headless Chromium (`bench/bench_viewer.py`)",
            "",
            f"{r['resources']:,} resources in the graph ({estate}), VPC `{r['vpc']}` (the one with "
            f"the most dependents); {r['date'][:10]}, 2 cores, load average {min(loads)} to {max(loads)} at the "
            f"start of the runs. Command: `{r['command']}`; each figure is the median of the runs below"
            + (", the baseline bundle's runs alternated with this one's." if r["baseline"] else "."),
            *(
                [
                    "The machine was busy with other work (load above 4 per core): every wall time here is inflated "
                    "by waiting for a CPU; compare figures within one run and from a quiet run."
                ]
                if max(loads) > 8
                else []
            ),
            "The viewer never loads the estate whole: the map starts collapsed by account (server-side `overview`) and "
            "Explore draws search results (50 at most), neighbours on demand (150 per expand) and analysis results. "
            "The 500-resource view is timed from the call that draws it (`drawIds`: the subgraph asked for, merged, "
            "laid out): **interactive** is when a mouse click on the node nearest the view's middle has been "
            "answered (the detail panel names it, its server query included) and a pan frame has been drawn after it.",
            "",
            *table,
            "",
            *runs,
            END,
        ]
    )


def main() -> None:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", 1)[0])
    parser.add_argument(
        "--baseline",
        type=Path,
        help="a folder with another build of the viewer (viewer.js ...) to "
        "compare with, its runs alternated with this checkout's",
    )
    parser.add_argument("--rounds", type=int, default=1, help="runs of each bundle (default 1)")
    args = parser.parse_args()
    result = run(args.baseline, max(1, args.rounds))
    result["command"] = "python bench/bench_viewer.py" + (
        f" --baseline <baseline dist> --rounds {args.rounds}" if args.baseline else f" --rounds {args.rounds}"
    )
    result["date"] = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
    loads = [x["load_average_1m"] for x in result["runs"]]
    machine = f"2 CPUs, load average {min(loads)} to {max(loads)} at the start of the runs"
    units = {"ms": "ms", "mb": "MB"}
    entries = [
        {
            "name": name,
            "value": value,
            "unit": units.get(name.rsplit("_", 1)[-1], "count"),
            "bundle": bundle,
            "runs": sum(1 for x in result["runs"] if x["bundle"] == bundle),
            "estate_size": result["resources"],
            "machine": machine,
            "command": result["command"],
            "date": result["date"],
        }
        for bundle, figures in (("this", result["figures"]), ("baseline", result["baseline"] or {}))
        for name, value in figures.items()
    ]
    entries += [
        {"name": "run", "bundle": x["bundle"], "load_average_1m": x["load_average_1m"], "figures": x["figures"]}
        for x in result["runs"]
    ]
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(entries, indent=2) + "\n")
    write_section(START, END, section(result))
    log.info("viewer on %s resources: %s", result["resources"], json.dumps(result["figures"]))


if __name__ == "__main__":
    main()
