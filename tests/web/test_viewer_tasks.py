"""The viewer's everyday tasks in real headless Chromium, each started from the Overview and counted in clicks
(budget: 3 clicks, or one typed question): find the exposed resources and their paths; triage a critical finding
to its fix; the top savings; everything in one account and region; what breaks if a database fails (in detail:
tests/web/test_viewer_modes.py).

What the page shows is compared with the same fields asked of the GraphQL API directly. Screenshots:
docs/screenshots/task-*.png (shown in docs/viewer.md and the README).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import httpx
import pytest
from playwright.sync_api import Page

from tests.web.test_viewer import PASSWORD, SHOTS, Site, sign_in_with_key

pytestmark = pytest.mark.timeout(900)
BUDGET = 3


class Clicks:
    """Clicks made on the page, counted: the measure of each task."""

    def __init__(self, page: Page) -> None:
        self.page = page
        self.count = 0

    def click(self, selector: str) -> None:
        self.page.click(selector)
        self.count += 1


def from_overview(page: Page, site: Site) -> Clicks:
    sign_in_with_key(page, site)
    assert page.locator("#nav-overview.active").count() == 1
    return Clicks(page)


def shot(page: Page, name: str) -> None:
    page.screenshot(path=str(SHOTS / f"task-{name}.png"), full_page=True)


def test_find_the_exposed_resources_and_their_paths(page: Page, site: Site) -> None:
    clicks = from_overview(page, site)
    paths = site.gql(
        "{ exposurePaths(first: 1000) { ports resource { id name } hops { allows ruleId node { kind } } } }"
    )
    paths = paths["exposurePaths"]
    exposed = {p["resource"]["id"] for p in paths}
    page.wait_for_selector("#exposed-total")
    assert page.inner_text("#exposed-total") == str(len(exposed))
    assert len(exposed) >= 2
    clicks.click("#exposed-total")
    page.wait_for_selector("#exposure-table")
    assert clicks.count <= BUDGET
    assert page.inner_text("#exposed-count") == str(len(exposed))
    assert {r.get_attribute("data-id") for r in page.locator("#exposure-table tbody tr").all()} == exposed
    for p in paths[:10]:  # every hop's reason and rule is on the resource's row
        row = page.inner_text(f"#exposure-table tr[data-id='{p['resource']['id']}']")
        assert p["ports"] in row
        for hop in p["hops"]:
            if hop["node"]["kind"] == "Internet":
                continue  # the start of every path, drawn once as "Internet"
            assert hop["allows"] in row
            if hop["ruleId"]:
                assert hop["ruleId"] in row
    drawn = page.locator("#exposure-table ol.hops").count()
    assert drawn == len(paths)
    shot(page, "exposure")


def test_triage_a_critical_finding_to_its_fix(page: Page, site: Site) -> None:
    clicks = from_overview(page, site)
    critical = site.gql('{ findingCounts(filter: {statuses: ["open"], severities: ["critical"]}) { total } }')
    total = critical["findingCounts"]["total"]
    assert total >= 1
    page.wait_for_selector("#findings-by-severity")
    clicks.click("#findings-by-severity a:text-is('critical')")
    page.wait_for_selector("#findings-table tbody tr")
    assert page.inner_text("#findings-count").startswith(f"{total} finding")
    assert set(page.locator("#findings-table tbody tr .sev").all_inner_texts()) == {"critical"}
    # the facets count within the other filters: the severity facet ignores the severity chosen
    counts = site.gql('{ findingCounts(filter: {statuses: ["open"]}) { high } }')["findingCounts"]
    assert page.inner_text("#ff-severity a[data-key='high'] b") == str(counts["high"])
    shot(page, "findings")
    # a toxic combination among them: its page draws the path
    listed = site.gql(
        '{ findings(filter: {statuses: ["open"], severities: ["critical"]}, first: 100)'
        " { edges { node { id pathIds } } } }"
    )["findings"]["edges"]
    first = next(e["node"]["id"] for e in listed if e["node"]["pathIds"])
    clicks.click(f"#findings-table tr[data-id='{first}']")
    page.wait_for_selector("#finding-command")
    assert clicks.count <= BUDGET
    api = site.gql(
        "query($id: ID!) { finding(id: $id) { title command remediation benchmarks pathIds resourceName } }",
        {"id": first},
    )["finding"]
    assert page.inner_text("#finding-command") == api["command"]
    assert page.inner_text("#finding-remediation") == api["remediation"]
    assert page.locator("#finding-benchmarks li").all_inner_texts() == api["benchmarks"]
    assert api["resourceName"] in page.inner_text("#finding-resource")
    assert page.locator("#finding-path .hop-node").count() == len(api["pathIds"])
    assert page.locator("#finding-resources li").count() >= 2  # every resource on the path is named
    shot(page, "finding")

    # keyboard: back to the list, the first row focused and opened with Enter
    page.click("#back-to-findings")
    page.wait_for_selector("#findings-table tbody tr")
    page.focus("#findings-table tbody tr")
    page.keyboard.press("ArrowDown")
    second = page.evaluate("document.activeElement.dataset.id")
    page.keyboard.press("Enter")
    page.wait_for_function("id => location.hash.includes(encodeURIComponent(id))", arg=second)
    page.wait_for_selector("#finding-command")

    # grouped by rule: one row per rule, most severe first; a group's count opens the list of that rule
    page.click("#back-to-findings")
    page.select_option("#findings-group", "rule")
    page.wait_for_selector("#findings-groups tbody tr")
    groups = site.gql('{ findingGroups(by: RULE, filter: {statuses: ["open"]}) { key count } }')["findingGroups"]
    assert [r.get_attribute("data-key") for r in page.locator("#findings-groups tbody tr").all()] == [
        g["key"] for g in groups
    ]
    page.click(f"#findings-groups tr[data-key='{groups[0]['key']}'] a")
    page.wait_for_selector("#findings-table tbody tr")
    assert page.locator("#findings-table tbody tr").count() == groups[0]["count"]

    # an admin suppresses it (it leaves the open list) and unsuppresses it
    page.goto(f"{site.url}/#finding?id={first}")
    page.wait_for_selector("#suppress-reason")
    page.fill("#suppress-reason", "accepted in the browser test")
    page.click("#suppress")
    page.wait_for_selector("#finding-status:text-is('suppressed')")
    assert "accepted in the browser test" in page.inner_text("#finding-history")
    page.click("#unsuppress")
    page.wait_for_selector("#finding-status:text-is('open')")


def test_a_viewer_may_not_suppress_in_the_page_nor_in_the_api(page: Page, site: Site) -> None:
    first = site.gql('{ findings(filter: {statuses: ["open"]}, first: 1) { edges { node { id ruleId resourceId } } } }')
    finding = first["findings"]["edges"][0]["node"]
    page.goto(f"{site.url}/")
    assert "apikeys create --name NAME" in page.inner_text("#signin")
    page.fill("#username", "alice")
    page.fill("#password", PASSWORD)
    page.click("#login-signin")
    page.wait_for_selector("body[data-ready='1']")
    page.goto(f"{site.url}/#finding?id={finding['id']}")
    page.wait_for_selector("#suppress")
    assert page.locator("#suppress").is_disabled()
    assert "needs the operator role" in page.inner_text("#finding-actions")
    token = httpx.post(
        f"{site.url}/graphql",
        json={"query": f'mutation {{ login(username: "alice", password: "{PASSWORD}") {{ accessToken }} }}'},
        timeout=60,
    ).json()["data"]["login"]["accessToken"]
    refused = httpx.post(
        f"{site.url}/graphql",
        json={
            "query": 'mutation($r: String!, $res: String) { suppress(reason: "x",'
            ' expiresAt: "2099-01-01T00:00:00Z", ruleId: $r, resourceId: $res) { id } }',
            "variables": {"r": finding["ruleId"], "res": finding["resourceId"]},
        },
        headers={"Authorization": f"Bearer {token}"},
        timeout=60,
    ).json()
    assert refused["errors"][0]["extensions"]["code"] == "FORBIDDEN"


def test_top_savings(page: Page, site: Site) -> None:
    clicks = from_overview(page, site)
    api = site.gql("{ savings(first: 200) { totalUsd totalItems items { name monthlySavingUsd reasoning } } }")
    s = api["savings"]
    assert s["totalItems"] >= 1
    page.wait_for_selector("#top-savings li")  # the top five are on the overview itself
    assert s["items"][0]["name"] in page.inner_text("#top-savings li >> nth=0")
    clicks.click("#savings-overview-total")
    page.wait_for_selector("#savings-table tbody tr")
    assert clicks.count <= BUDGET
    assert page.inner_text("#savings-total") == f"${s['totalUsd']:,.2f}"
    rows = page.locator("#savings-table tbody tr")
    assert rows.count() == len(s["items"])
    top = rows.first.inner_text()
    assert f"${s['items'][0]['monthlySavingUsd']:,.2f}" in top
    assert s["items"][0]["reasoning"] in top
    by_account = site.gql("{ costSummary(by: ACCOUNT) { groups { key monthlyUsd } } }")["costSummary"]["groups"]
    priced = [g for g in by_account if g["monthlyUsd"] > 0]
    assert page.locator("#cost-by-account tr").count() == min(15, len(priced))
    shot(page, "savings")


def test_everything_in_one_account_and_region(page: Page, site: Site, tmp_path: Path) -> None:
    clicks = from_overview(page, site)
    facets = site.gql("{ resourceFacets { accounts { value count } } }")["resourceFacets"]["accounts"]
    account = facets[0]["value"]
    regions = site.gql(
        "query($a: String!) { resourceFacets(filter: {accounts: [$a]}) { regions { value count } } }", {"a": account}
    )["resourceFacets"]["regions"]
    region, count = regions[0]["value"], regions[0]["count"]
    assert count > 50, "pick an account and region with more than one page"
    page.wait_for_selector("#accounts-regions")
    clicks.click(f"#accounts-regions tr[data-account='{account}'] a[data-region='{region}']")
    page.wait_for_selector("#inv-table tbody tr")
    assert clicks.count <= BUDGET
    assert page.inner_text("#inv-status") == f"rows 1 to 50 of {count}"
    flt: dict[str, Any] = {"accounts": [account], "regions": [region]}
    first = site.gql(
        "query($f: ResourceFilterInput) { resources(filter: $f, first: 50) { edges { node { id } } } }", {"f": flt}
    )["resources"]["edges"]
    shown = [r.get_attribute("data-id") for r in page.locator("#inv-table tbody tr").all()]
    assert shown == [e["node"]["id"] for e in first]
    # facets count within the other filters: the kinds add up to the rows; the regions ignore the region chosen
    kinds = page.locator("#if-kind a b").all_inner_texts()
    assert sum(int(k.replace(",", "")) for k in kinds) == count
    regions_shown = page.locator("#if-region a").count()
    assert regions_shown == len(regions)
    shot(page, "inventory")

    page.click("#inv-next")  # the next page through the API's cursor
    page.wait_for_selector(f"#inv-status:text-is('rows 51 to {min(100, count)} of {count}')")
    second = [r.get_attribute("data-id") for r in page.locator("#inv-table tbody tr").all()]
    assert not set(second) & set(shown)
    assert second[0] > shown[-1]
    page.click("#inv-prev")
    page.wait_for_selector("#inv-status:text-is('rows 1 to 50 of " + str(count) + "')")

    # sorted by name, descending on the second click
    page.click("#inv-sort-name")
    page.wait_for_selector("#inv-table th[aria-sort='ascending']")
    page.click("#inv-sort-name")
    page.wait_for_selector("#inv-table th[aria-sort='descending']")
    names = page.locator("#inv-table tbody tr td:first-child").all_inner_texts()
    api_names = site.gql(
        "query($f: ResourceFilterInput) { resources(filter: $f, first: 50,"
        ' sort: {property: "name", descending: true}) { edges { node { name } } } }',
        {"f": flt},
    )["resources"]["edges"]
    assert names == [e["node"]["name"] for e in api_names]

    # the columns chosen are the ones exported, for the rows shown
    page.click("#inv-columns summary")
    page.uncheck("#inv-columns input[value='region']")
    page.wait_for_selector("#inv-table th[data-col='region']", state="detached")
    page.check("#inv-columns input[value='id']")
    page.wait_for_selector("#inv-table th[data-col='id']")
    with page.expect_download() as dl:
        page.click("#inv-json")
    rows = json.loads(Path(dl.value.path()).read_text())
    assert len(rows) == 50
    assert set(rows[0]) == {"name", "kind", "account", "cost", "id"}
    assert [r["name"] for r in rows] == names
    with page.expect_download() as dl:
        page.click("#inv-csv")
    lines = Path(dl.value.path()).read_text().splitlines()
    assert lines[0] == "name,kind,account,cost,id"
    assert len(lines) == 51

    # the detail panel follows the row selected last
    rows_loc = page.locator("#inv-table tbody tr")
    rows_loc.nth(0).click()
    rows_loc.nth(1).click()
    page.wait_for_function("n => document.querySelector('#inv-detail #detail-name')?.textContent === n", arg=names[1])

    # more than 25 resources drawn in the graph: every row of the page is a node
    page_ids = [r.get_attribute("data-id") for r in page.locator("#inv-table tbody tr").all()]
    assert len(page_ids) == 50
    page.click("#inv-graph")
    page.wait_for_selector("#nav-explore.active")
    page.wait_for_function(
        "ids => ids.every((i) => window.aidiscoverGraph.getElementById(i).length === 1)", arg=page_ids
    )


def test_what_breaks_if_a_database_fails(page: Page, site: Site) -> None:
    stores = site.gql('{ resources(filter: {kinds: ["RDSInstance"]}, first: 50) { edges { node { id name } } } }')
    best: tuple[int, dict[str, str]] | None = None
    for e in stores["resources"]["edges"]:
        total = site.gql(
            "query($id: ID!) { blastRadius(id: $id, maxDepth: 6, first: 200) { total } }", {"id": e["node"]["id"]}
        )["blastRadius"]["total"]
        if best is None or total > best[0]:
            best = (total, e["node"])
    assert best is not None
    assert best[0] >= 1, "the demo estate has a database something depends on"
    total, db = best
    clicks = from_overview(page, site)
    clicks.click("#nav-inventory")
    page.wait_for_selector("#if-kind a[data-value='RDSInstance']")
    clicks.click("#if-kind a[data-value='RDSInstance']")
    page.wait_for_selector(f"#inv-table tr[data-id='{db['id']}']")
    clicks.click(f"#inv-table tr[data-id='{db['id']}']")
    page.wait_for_selector("#inv-detail #detail-blast-count")
    assert clicks.count <= BUDGET
    word = "resource" if total == 1 else "resources"
    assert page.inner_text("#inv-detail #detail-blast-count") == f"{total} {word}"
    verb = "depends" if total == 1 else "depend"
    assert f"{total} {word} {verb} on it" in page.inner_text("#detail-blastRadius")
    # its screenshot, task-blast-radius.png, is taken by tests/web/test_viewer_modes.py
