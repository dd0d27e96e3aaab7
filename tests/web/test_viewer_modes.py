"""The viewer's dependency modes in real headless Chromium on the demo estate, each started from the Overview and
counted in clicks (budget: 3 clicks, typing aside): what breaks if a database fails (the blast radius's casualties,
down then degraded, direct first, each with its cloud, account, region and the reason of every step), and can A
reach B on a port and how (the network path's hops with the rule at each, kept apart from how A and B are related).

What the page shows is compared with the same fields asked of the GraphQL API directly. Screenshots:
docs/screenshots/task-blast-radius.png and docs/screenshots/task-network-path.png.
"""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Page

from tests.web.test_viewer import SHOTS, Site, sign_in_with_key
from tests.web.test_viewer_tasks import from_overview

pytestmark = pytest.mark.timeout(900)
BUDGET = 3
REF = "id kind name provider account region"
BLAST = (
    "query($id: ID!) { blastRadius(id: $id, maxDepth: 6, first: 1000) { total direct byStatus { key count }"
    f" nodes {{ distance status direct node {{ {REF} }} path {{ type via reason }} }} }} }}"
)


def most_casualties(site: Site, kind: str, status: str | None = None) -> tuple[dict[str, str], dict[str, Any]]:
    """The resource of `kind` whose failure the API says harms the most others (both statuses preferred; with
    `status`, the most casualties of that status)."""
    edges = site.gql(
        "query($k: String!) { resources(filter: {kinds: [$k]}, first: 50) { edges { node { id name } } } }",
        {"k": kind},
    )["resources"]["edges"]
    ranked = []
    for e in edges:
        b = site.gql(BLAST, {"id": e["node"]["id"]})["blastRadius"]
        statuses = [n["status"] for n in b["nodes"]]
        first = statuses.count(status) if status else len(set(statuses))
        ranked.append((first, b["total"], e["node"], b))
    ranked.sort(key=lambda r: (r[0], r[1]), reverse=True)
    return ranked[0][2], ranked[0][3]


def shows_the_casualties(page: Page, blast: dict[str, Any]) -> None:
    """The detail panel lists the API's casualties: down, then degraded, the direct ones first, each with its kind,
    cloud and region and every step of its path with the step's `via` and `reason`."""
    for status in ("down", "degraded"):
        api = [n for n in blast["nodes"] if n["status"] == status]
        group = page.locator(f"#inv-detail #detail-blast-{status} li.casualty")
        if not api:
            assert group.count() == 0
            continue
        assert page.inner_text(f"#inv-detail #detail-blast-{status} h4").startswith(
            f"{status.capitalize()}: {len(api)}"
        )
        shown = [r.get_attribute("data-id") for r in group.all()]
        assert len(shown) == min(25, len(api))
        by_id = {n["node"]["id"]: n for n in api}
        assert set(shown) <= set(by_id)
        if len(api) <= 25:
            assert set(shown) == set(by_id)
        direct = [by_id[i]["direct"] for i in shown]
        assert direct == sorted(direct, reverse=True), "the direct casualties come first"
        for i, row in zip(shown, group.all(), strict=True):
            n = by_id[i]
            assert row.get_attribute("data-direct") == ("1" if n["direct"] else "0")
            r = n["node"]
            assert r["name"] in row.inner_text()
            where = row.locator(".where").inner_text()
            assert where.startswith(f"{r['kind']} · {r['provider']} · ")
            assert where.endswith(f" · {r['region']}")
            text = row.text_content() or ""  # the steps fold under "why"
            for step in n["path"]:
                assert step["type"] in text
                for why in (step["via"], step["reason"]):
                    if why:
                        assert why in text


def test_what_breaks_if_a_database_fails(page: Page, site: Site) -> None:
    db, blast = most_casualties(site, "RDSInstance")
    assert blast["total"] >= 2, "the demo estate has a database others depend on"
    clicks = from_overview(page, site)
    clicks.click("#nav-inventory")
    page.wait_for_selector("#if-kind a[data-value='RDSInstance']")
    clicks.click("#if-kind a[data-value='RDSInstance']")
    page.wait_for_selector(f"#inv-table tr[data-id='{db['id']}']")
    clicks.click(f"#inv-table tr[data-id='{db['id']}']")
    page.wait_for_selector("#inv-detail #detail-blast-count")
    assert clicks.count <= BUDGET

    total = blast["total"]
    assert page.inner_text("#inv-detail #detail-blast-count") == f"{total} resource{'' if total == 1 else 's'}"
    by_status = {s["key"]: s["count"] for s in blast["byStatus"]}
    summary = page.inner_text("#inv-detail #detail-blast-summary")
    assert (
        summary
        == f": {by_status.get('down', 0)} down, {by_status.get('degraded', 0)} degraded; {blast['direct']} direct"
    )
    shows_the_casualties(page, blast)
    page.click("#inv-detail details.blast-why summary")  # the first casualty's reasons, for the screenshot
    page.locator("#inv-detail #detail-blastRadius").scroll_into_view_if_needed()
    page.screenshot(path=str(SHOTS / "task-blast-radius.png"))


def a_network_route(site: Site) -> tuple[dict[str, str], dict[str, str], int]:
    """A consumer and the store it reaches over the network, with a port the API says is open between them."""
    db, blast = most_casualties(site, "RDSInstance")
    port = site.gql("query($id: ID!) { resource(id: $id) { properties } }", {"id": db["id"]})["resource"]["properties"]
    candidates = [n["node"] for n in blast["nodes"] if n["path"] and n["path"][0]["type"] == "REACHES"]
    assert candidates, "a workload of the demo estate reaches the database over the network"
    candidates.sort(key=lambda c: c["name"] in c["id"])  # named ones first: what a user would type
    for number in (port.get("port"), port.get("endpoint_port"), 5432, 3306):
        if not number:
            continue
        for c in candidates:
            answer = site.gql(
                "query($a: ID!, $b: ID!, $p: Int!) { networkPath(fromId: $a, toId: $b, port: $p) { reachable } }",
                {"a": c["id"], "b": db["id"], "p": int(number)},
            )["networkPath"]
            if answer["reachable"]:
                return c, db, int(number)
    raise AssertionError("no consumer of the database reaches it on its port")


def typed(site: Site, r: dict[str, str]) -> str:
    """What a user types for `r`: its name when that names only it, else its id."""
    same = site.gql("query($n: String!) { resourceCandidates(name: $n) { id } }", {"n": r["name"]})
    return r["name"] if len(same["resourceCandidates"]) == 1 else r["id"]


NETWORK_PATH = (
    "query($a: ID!, $b: ID!, $p: Int!) { networkPath(fromId: $a, toId: $b, port: $p) { reachable ports reason"
    f" hops {{ allows ruleId node {{ {REF} }} }} }} }}"
)


def test_can_a_reach_b_on_a_port_and_how(page: Page, site: Site) -> None:
    source, target, port = a_network_route(site)
    api = site.gql(NETWORK_PATH, {"a": source["id"], "b": target["id"], "p": port})["networkPath"]
    clicks = from_overview(page, site)
    clicks.click("#nav-paths")
    page.fill("#np-from", typed(site, source))
    page.fill("#np-to", typed(site, target))
    page.fill("#np-port", str(port))
    clicks.click("#np-check")
    page.wait_for_selector("#np-answer")
    assert clicks.count <= BUDGET
    assert page.get_attribute("#np-answer", "data-reachable") == "1"
    assert page.inner_text("#np-verdict").startswith(f"Reachable: {source['name']} → {target['name']} on tcp {port}")
    # every hop's reason and rule, in the API's order, drawn left to right and listed
    rows = page.locator("#np-hop-table tbody tr").all()
    assert len(rows) == len(api["hops"]) >= 1
    for row, hop in zip(rows, api["hops"], strict=True):
        text = row.inner_text()
        assert hop["allows"] in text
        if hop["ruleId"]:
            assert hop["ruleId"] in text
    drawn = page.locator("#np-hops li.hop-node").evaluate_all("ns => ns.map((n) => n.dataset.id)")
    assert drawn[0] == source["id"]
    assert drawn[-1] == target["id"]
    arrows = " ".join(page.locator("#np-hops li.hop-arrow").all_inner_texts())
    for hop in api["hops"]:
        assert hop["allows"] in arrows
    boxes = page.locator("#np-hops li.hop-node").evaluate_all("ns => ns.map((n) => n.getBoundingClientRect().left)")
    assert boxes == sorted(boxes), "the hops run left to right"

    # "how are they related" is its own, labelled answer: any relationship, each in its stored direction
    clicks.click("#np-related-show")
    page.wait_for_selector("#np-related-steps, #np-related-none")
    related = site.gql(
        "query($a: ID!, $b: ID!) { shortestPath(fromId: $a, toId: $b, maxDepth: 10)"
        " { length steps { type edgeForward } } }",
        {"a": source["id"], "b": target["id"]},
    )["shortestPath"]
    assert "not a network path" in page.inner_text("#np-related-card")
    if related:
        steps = page.locator("#np-related-steps li").all()
        assert len(steps) == related["length"]
        for li, step in zip(steps, related["steps"], strict=True):
            assert li.get_attribute("data-forward") == ("1" if step["edgeForward"] else "0")
            assert (f"—{step['type']}→" if step["edgeForward"] else f"←{step['type']}—") in li.inner_text()
    page.screenshot(path=str(SHOTS / "task-network-path.png"), full_page=True)


def test_a_closed_port_says_why_and_the_detail_panel_leads_to_the_path(page: Page, site: Site) -> None:
    source, target, _ = a_network_route(site)
    closed = next(
        p
        for p in (1, 7, 9, 13, 19, 23)
        if not site.gql(NETWORK_PATH, {"a": source["id"], "b": target["id"], "p": p})["networkPath"]["reachable"]
    )
    api = site.gql(NETWORK_PATH, {"a": source["id"], "b": target["id"], "p": closed})["networkPath"]
    sign_in_with_key(page, site)
    # from the target's detail panel: "Who can reach this?" lists the source; its link opens the Paths screen
    page.goto(f"{site.url}/#inventory?select={target['id']}")
    page.wait_for_selector("#inv-detail #detail-reach")
    page.wait_for_selector(f"#inv-detail #detail-reach-list a[data-id='{source['id']}']")
    page.click(f"#inv-detail #detail-reach-list a[data-id='{source['id']}']")
    page.wait_for_selector("#np-form")
    assert page.input_value("#np-from") == source["id"]
    assert page.input_value("#np-to") == target["id"]
    page.fill("#np-port", str(closed))
    page.click("#np-check")
    page.wait_for_selector("#np-answer")
    assert page.get_attribute("#np-answer", "data-reachable") == "0"
    assert page.inner_text("#np-reason") == api["reason"] != ""


def test_a_degraded_casualty_is_listed_apart_from_the_down_ones(page: Page, site: Site) -> None:
    instance, blast = most_casualties(site, "EC2Instance", status="degraded")
    assert any(n["status"] == "degraded" for n in blast["nodes"]), "a web tier whose loss only degrades others"
    sign_in_with_key(page, site)
    page.goto(f"{site.url}/#inventory?select={instance['id']}")
    page.wait_for_selector("#inv-detail #detail-blast-count")
    shows_the_casualties(page, blast)


def test_can_the_internet_reach_an_exposed_resource(page: Page, site: Site) -> None:
    exposed = site.gql("{ exposurePaths(first: 20) { ports resource { id name } } }")["exposurePaths"][0]
    port = int(exposed["ports"].split()[1].split("-")[0].split(",")[0])
    target = exposed["resource"]
    api = site.gql(NETWORK_PATH, {"a": "internet", "b": target["id"], "p": port})["networkPath"]
    assert api["reachable"]
    clicks = from_overview(page, site)
    clicks.click("#nav-paths")
    page.fill("#np-from", "internet")
    page.fill("#np-to", typed(site, target))
    page.fill("#np-port", str(port))
    clicks.click("#np-check")
    page.wait_for_selector("#np-answer")
    assert clicks.count <= BUDGET
    assert page.get_attribute("#np-answer", "data-reachable") == "1"
    drawn = page.locator("#np-hops li.hop-node").evaluate_all("ns => ns.map((n) => n.dataset.id)")
    assert drawn[0] == "internet"
    assert drawn[-1] == target["id"]
    arrows = " ".join(page.locator("#np-hops li.hop-arrow").all_inner_texts())
    for hop in api["hops"]:
        assert hop["allows"] in arrows
        if hop["ruleId"]:
            assert hop["ruleId"] in arrows
    assert page.locator("#np-related-card").is_hidden()  # the internet is related to nothing in the graph
