"""The graph view read by people, in real headless Chromium against the running app on the demo estate:
an icon per kind and a legend, 500 resources laid out at a readable zoom with no label drawn over a node,
grouping that keeps a readable zoom, critical paths drawn left to right with each hop's reason, keyboard
access, the page at 390 px, and GraphiQL from the project's own bundle with the internet cut off.

Screenshots: docs/screenshots/viewer-graph-*.png, viewer-phone.png, viewer-graphiql.png.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, Route

from tests.web import test_viewer as viewer
from tests.web.test_viewer import SHOTS, WAIT, Site, sign_in_with_key
from web.palette import KIND_FAMILY, PROVIDER_COLOURS

# the browser fixtures of the viewer's tests: the app on the demo estate, Chromium, a page that fails on errors
site = viewer.site
browser = viewer.browser
page = viewer.page

pytestmark = pytest.mark.timeout(900)

READABLE_ZOOM = 0.45  # web/app/src/graph.js READABLE_ZOOM

# Every label cytoscape draws in the view (not quieted, its rendered font size reaching the style's
# min-zoomed-font-size), as a box, against every node's body: a label over another node is one overlap.
OVERLAPS = """() => {
  const cy = window.aidiscoverGraph;
  const z = cy.zoom();
  const px = (e, k) => parseFloat(e.style(k));
  const shown = (e) => px(e, 'text-opacity') > 0 && px(e, 'font-size') * z >= px(e, 'min-zoomed-font-size');
  const drawn = (e) => e.style('label') && shown(e);
  const bare = { includeOverlays: false, includeUnderlays: false };
  const view = { x1: 0, y1: 0, x2: cy.width(), y2: cy.height() };
  const hit = (a, b) => a.x1 < b.x2 && b.x1 < a.x2 && a.y1 < b.y2 && b.y1 < a.y2;
  const nodes = cy.nodes().filter((n) => !n.hasClass('group'));
  const bodies = nodes.map((n) => [n.id(), n.renderedBoundingBox({ ...bare, includeLabels: false })]);
  let labels = 0, overlaps = 0;
  cy.elements().filter((e) => !e.hasClass('group') && drawn(e)).forEach((e) => {
    const box = e.renderedBoundingBox({ ...bare, includeNodes: false, includeEdges: false });
    if (!hit(box, view)) return;
    labels++;
    const own = e.isNode() ? [e.id()] : [e.source().id(), e.target().id()];
    for (const [id, b] of bodies) if (!own.includes(id) && hit(box, b)) { overlaps++; break; }
  });
  return { zoom: z, labels, overlaps };
}"""


def draw(page: Page, ids: list[str]) -> float:
    """Draw resources by id through the explorer and wait for the layout; returns the milliseconds it took."""
    ms: float = page.evaluate(
        """async (ids) => { const t = performance.now(); const x = window.aidiscoverExplorer;
           await x.drawIds(ids); await x.layoutDone; return performance.now() - t; }""",
        ids,
    )
    return ms


def resource_ids(site: Site, first: int, flt: dict[str, Any] | None = None) -> list[str]:
    doc = "query($f: ResourceFilterInput, $n: Int!) { resources(filter: $f, first: $n) { edges { node { id } } } }"
    return [e["node"]["id"] for e in site.gql(doc, {"f": flt or {}, "n": first})["resources"]["edges"]]


def test_an_icon_per_kind_family_and_a_legend(page: Page, site: Site) -> None:
    sign_in_with_key(page, site)
    page.click("#nav-explore")
    ids = resource_ids(site, 120)
    draw(page, ids)
    drawn = page.evaluate(
        "window.aidiscoverGraph.nodes().filter(n => !n.hasClass('group'))"
        ".map(n => [n.data('kind'), n.data('provider'), n.style('background-image')])"
    )
    assert len(drawn) == len(ids)
    icon_of: dict[str, set[str]] = {}
    for kind, _provider, image in drawn:
        assert image.startswith("data:image/svg+xml"), (kind, image[:40])
        icon_of.setdefault(KIND_FAMILY[kind], set()).add(image)
    assert all(len(images) == 1 for images in icon_of.values()), "one icon per family"
    assert len({next(iter(i)) for i in icon_of.values()}) == len(icon_of) >= 4, "families differ in icon"
    # the legend names exactly the families and clouds drawn
    page.wait_for_function(
        "n => document.querySelectorAll('#graph-legend .legend-family').length === n", arg=len(icon_of)
    )
    shown = set(page.eval_on_selector_all("#graph-legend .legend-family", "els => els.map(e => e.dataset.family)"))
    assert shown == set(icon_of)
    clouds = set(page.eval_on_selector_all("#graph-legend .legend-cloud", "els => els.map(e => e.dataset.cloud)"))
    assert clouds == {p for _k, p, _i in drawn if p in PROVIDER_COLOURS}
    page.screenshot(path=str(SHOTS / "viewer-graph-legend.png"))


def test_the_whole_demo_estate_about_500_resources_is_laid_out_readable(page: Page, site: Site) -> None:
    sign_in_with_key(page, site)
    page.click("#nav-explore")
    ids = resource_ids(site, 500)  # the demo estate has 489; bench/bench_viewer.py draws 500 of estate M
    assert len(ids) >= 450
    draw(page, ids)
    view = page.evaluate(OVERLAPS)
    assert view["zoom"] >= READABLE_ZOOM, view
    assert view["overlaps"] == 0, view
    page.screenshot(path=str(SHOTS / "viewer-graph-500.png"))
    # zoomed in until every node label is drawn: still none over a node
    page.evaluate("window.aidiscoverGraph.zoom({ level: 1.0, renderedPosition: { x: 400, y: 280 } })")
    page.wait_for_selector("#cy[data-labels-at='1.000']")  # labels are placed again once a zoom has settled
    close = page.evaluate(OVERLAPS)
    assert close["labels"] > 0, close
    assert close["overlaps"] == 0, close
    # edge labels are drawn only when zoomed in (or hovered), never at the overview zoom
    page.focus("#cy")
    page.keyboard.press("0")  # the view's own fit: every node in view, zoom kept readable
    page.wait_for_function("() => window.aidiscoverGraph.zoom() < 1")
    page.wait_for_timeout(300)  # labels are placed again once the zoom has settled
    far = page.evaluate(OVERLAPS)
    assert far["labels"] == 0, far


def test_grouping_by_vpc_keeps_a_readable_zoom(page: Page, site: Site) -> None:
    sign_in_with_key(page, site)
    page.click("#nav-explore")
    vpc = site.gql('{ resources(filter: {kinds: ["VPC"]}, first: 1) { edges { node { id } } } }')["resources"]["edges"]
    sub = site.gql("query($ids: [ID!]!) { subgraph(ids: $ids, depth: 2, limit: 60) }", {"ids": [vpc[0]["node"]["id"]]})[
        "subgraph"
    ]
    draw(page, [n["id"] for n in sub["nodes"]])
    page.select_option("#group-by", "vpc")
    page.wait_for_function("() => window.aidiscoverGraph.nodes('.group').length >= 1")
    page.evaluate("window.aidiscoverExplorer.layoutDone")
    page.wait_for_timeout(300)
    assert page.evaluate("window.aidiscoverGraph.zoom()") >= READABLE_ZOOM
    groups = page.evaluate("window.aidiscoverGraph.nodes('.group').map(g => g.children().length)")
    assert max(groups) >= 2
    page.screenshot(path=str(SHOTS / "viewer-graph-grouped.png"))


def test_a_critical_path_reads_left_to_right_with_each_hops_reason(page: Page, site: Site) -> None:
    sign_in_with_key(page, site)
    page.click("#nav-explore")
    page.click("#mode-critical")
    page.wait_for_selector("#critical-paths")
    api = site.gql(
        "{ criticalPaths(first: 10) { paths { store { account } path { nodes { id } steps { type via } } } } }"
    )["criticalPaths"]["paths"]
    first = api[0]["path"]
    xs = page.evaluate(
        "ids => ids.map(i => window.aidiscoverGraph.getElementById(i).position())", [n["id"] for n in first["nodes"]]
    )
    assert all(a["x"] < b["x"] for a, b in itertools.pairwise(xs)), xs
    assert len({round(p["y"]) for p in xs}) == 1, "one row"
    labels = page.evaluate("window.aidiscoverGraph.edges('.on-path').map(e => e.data('label'))")
    assert len(labels) == len(first["steps"])
    for step in first["steps"]:
        # the type, and the end of the rule's id behind a compound hop ("sg-0abc/ingress" of a long ARN)
        tail = step["via"].replace(":", "/").rstrip("/").rsplit("/", 1)[-1] if step["via"] else ""
        assert any(label.startswith(step["type"]) and tail[-30:] in label for label in labels), (step, labels)
    # each entry names its account: two accounts with same-named resources do not read as one path twice
    items = page.eval_on_selector_all("#critical-paths li", "els => els.map(e => e.textContent)")
    assert len(items) == len(api) == len(set(items))
    assert all("account" in i for i in items)
    page.screenshot(path=str(SHOTS / "viewer-graph-critical-path.png"))


def test_the_keyboard_moves_through_the_graph_and_opens_a_resource(page: Page, site: Site) -> None:
    sign_in_with_key(page, site)
    page.click("#nav-explore")
    draw(page, resource_ids(site, 30))
    page.focus("#cy")
    page.keyboard.press("ArrowRight")
    first = page.get_attribute("#cy", "data-focus")
    assert first
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowRight")
    now = page.get_attribute("#cy", "data-focus")
    page.keyboard.press("Enter")
    name = page.evaluate("id => window.aidiscoverGraph.getElementById(id).data('name')", now)
    page.wait_for_function("n => document.querySelector('#detail-name')?.textContent === n", arg=name)
    zoom = page.evaluate("window.aidiscoverGraph.zoom()")
    page.keyboard.press("+")
    assert page.evaluate("window.aidiscoverGraph.zoom()") > zoom


@pytest.fixture
def phone(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 390, "height": 844}, device_scale_factor=2, is_mobile=True)
    p = context.new_page()
    p.set_default_timeout(WAIT)
    yield p
    context.close()


def test_at_390_px_navigation_and_sign_out_are_on_screen(phone: Page, site: Site) -> None:
    sign_in_with_key(phone, site)
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    for selector in ("#nav-overview", "#nav-explore", "#nav-chat", "#nav-jobs", "#signout", "#graphiql-link"):
        box = phone.locator(selector).bounding_box()
        assert box is not None, selector
        assert box["x"] >= 0, (selector, box)
        assert box["x"] + box["width"] <= 390, (selector, box)
        assert box["y"] + box["height"] <= 844, (selector, box)
    phone.screenshot(path=str(SHOTS / "viewer-phone.png"))
    phone.click("#nav-explore")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    phone.click("#signout")
    phone.wait_for_selector("#signin:not([hidden])")


def test_graphiql_works_offline_with_the_signed_in_key(page: Page, site: Site) -> None:
    outside: list[str] = []

    def only_the_app(route: Route) -> None:  # the internet is unreachable: anything not the app fails
        if route.request.url.startswith(site.url):
            route.continue_()
        else:
            outside.append(route.request.url)
            route.abort("internetdisconnected")

    page.context.route("**/*", only_the_app)
    sign_in_with_key(page, site)
    page.click("#graphiql-link")
    page.wait_for_selector(".graphiql-container")
    # the headers editor is open with the tab's key in it
    page.wait_for_function("k => document.body.innerText.includes(k)", arg=site.key)
    page.click(".graphiql-execute-button")
    page.wait_for_function("() => document.querySelector('.result-window')?.innerText.includes('totalCount')")
    result = page.inner_text(".result-window")
    assert "UNAUTHENTICATED" not in result
    assert '"role"' in result
    total = site.gql("{ resources(first: 1) { totalCount } }")["resources"]["totalCount"]
    assert f'"totalCount": {total}' in result
    assert outside == []
    csp = page.evaluate("async () => (await fetch('/graphiql')).headers.get('content-security-policy')")
    assert "https:" not in csp
    assert "unpkg" not in csp
    page.screenshot(path=str(SHOTS / "viewer-graphiql.png"))
