"""The web viewer in real headless Chromium against the running app (uvicorn on a free port, real Neo4j) on the
demo estate (generator size S, discovered from the local clouds, then the post-sync hooks: findings and cost).

Every figure the page shows is compared with the same field asked of the GraphQL API directly. Screenshots:
docs/screenshots/viewer-*.png (shown in docs/viewer.md; the overview also in the README).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from playwright.sync_api import Browser, Page, Route, sync_playwright

from app.api import auth_store
from app.api.auth import ensure_demo_api_key
from app.server import create_app
from core.settings import Settings
from graph.neo4j.client import Graph
from ingest.jobs.progress import Progress, publish
from tests.app.auth_server import serving
from tests.settings_update import replace_settings
from web import DIST_DIR

# the module fixture generates and discovers the estate: 1-3 min on an idle machine, up to ~7 min on a loaded one
pytestmark = pytest.mark.timeout(900)

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
SHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
PASSWORD = "viewer-test-password-1"
WAIT = 60_000  # ms: the machine may be busy


@dataclass(frozen=True)
class Site:
    url: str
    key: str

    def gql(self, query: str, variables: dict[str, Any] | None = None) -> dict[str, Any]:
        """The API asked directly (not through the page), to compare with what the page shows."""
        res = httpx.post(
            f"{self.url}/graphql",
            json={"query": query, "variables": variables or {}},
            headers={"X-API-Key": self.key},
            timeout=60,
        )
        doc = res.json()
        assert not doc.get("errors"), doc["errors"]
        data: dict[str, Any] = doc["data"]
        return data


@pytest.fixture(scope="module")
def site(settings: Settings, demo_graph: Graph) -> Iterator[Site]:
    assert (DIST_DIR / "viewer.js").is_file(), "the viewer is not built: run `make web`"
    session_graph = demo_graph  # the demo estate, discovered, with findings and cost (tests/estates.py)
    fast = replace_settings(settings, auth={"bcrypt_rounds": 4, "rate_limit_per_minute": 0, "mode": "required"})
    key = ensure_demo_api_key(session_graph, fast.auth)
    auth_store.create_user(session_graph, "alice", PASSWORD, "viewer", 4)
    with serving(create_app(fast, session_graph)) as url:
        yield Site(url, key)


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 1500, "height": 1000})
    p = context.new_page()
    p.set_default_timeout(WAIT)
    errors: list[str] = []
    p.on("pageerror", lambda e: errors.append(str(e)))
    yield p
    context.close()
    assert errors == [], f"the page raised: {errors}"


def sign_in_with_key(page: Page, site: Site) -> None:
    page.goto(f"{site.url}/")
    page.fill("#api-key", site.key)
    page.click("#key-signin")
    page.wait_for_selector("body[data-ready='1']")


def select(page: Page, name: str, resource_id: str) -> None:
    """Search for `name` in Explore and click the result with that id; its detail panel opens."""
    page.click("#nav-explore")
    page.fill("#search", name)
    page.click("#search-go")
    page.click(f"#results li[data-id='{resource_id}']")
    page.wait_for_function("n => document.querySelector('#detail-name')?.textContent === n", arg=name)


def test_sign_in_with_a_password_and_the_overview_matches_the_api(page: Page, site: Site) -> None:
    page.goto(f"{site.url}/")
    page.fill("#username", "alice")
    page.fill("#password", "wrong-password-123")
    page.click("#login-signin")
    page.wait_for_selector("#signin-status.error")
    page.fill("#password", PASSWORD)
    page.click("#login-signin")
    page.wait_for_selector("body[data-ready='1']")
    assert page.inner_text("#who") == "alice (viewer)"
    api = site.gql(
        '{ resourceFacets { total } findingCounts(filter: {statuses: ["open"]}) { total } '
        "costSummary(by: KIND) { totalUsd } }"
    )
    page.wait_for_selector("#total-resources")
    assert page.inner_text("#total-resources") == f"{api['resourceFacets']['total']:,}"
    page.wait_for_selector("#findings-total")
    assert page.inner_text("#findings-total") == f"{api['findingCounts']['total']:,}"
    page.wait_for_selector("#cost-total")
    assert page.inner_text("#cost-total") == f"${api['costSummary']['totalUsd']:,.2f}"
    assert api["findingCounts"]["total"] > 0
    assert api["costSummary"]["totalUsd"] > 0
    # the estate map: collapsed by account; a click expands one into its regions
    page.wait_for_selector("#map-status:has-text('accounts')")
    accounts = page.evaluate("window.aidiscoverMap.nodes().length")
    assert accounts == len(site.gql("{ overview { groups { id } } }")["overview"]["groups"])
    page.evaluate("void window.aidiscoverMap.nodes().filter(n => n.data('provider') === 'aws')[0].emit('tap')")
    page.wait_for_selector("#map-status:has-text('expanded')")
    assert page.evaluate("window.aidiscoverMap.nodes().filter(n => n.data('level') === 'REGION').length") >= 1
    # a viewer may not start discoveries: the button says so instead of failing later
    page.click("#nav-jobs")
    assert page.locator("#job-start").is_disabled()
    page.click("#nav-overview")
    page.screenshot(path=str(SHOTS / "viewer-overview.png"), full_page=True)


def test_search_expand_and_the_blast_radius_count_is_the_apis(page: Page, site: Site) -> None:
    sign_in_with_key(page, site)
    vpc = site.gql(
        '{ resources(filter: {kinds: ["VPC"], search: "checkout"}, first: 1) { edges { node { id name } } } }'
    )
    node = vpc["resources"]["edges"][0]["node"]
    select(page, node["name"], node["id"])
    assert page.evaluate("window.aidiscoverGraph.nodes().length") >= 1
    page.click("#expand")
    page.wait_for_selector("#explore-status:has-text('expanded')")
    neighbours = site.gql("query($ids: [ID!]!) { subgraph(ids: $ids, depth: 1, limit: 150) }", {"ids": [node["id"]]})
    drawn = page.evaluate("window.aidiscoverGraph.nodes().map(n => n.id())")
    assert {n["id"] for n in neighbours["subgraph"]["nodes"]} <= set(drawn)
    page.click("#mode-blast")
    page.wait_for_selector("#blast-count")
    api = site.gql("query($id: ID!) { blastRadius(id: $id, maxDepth: 6, first: 1000) { total } }", {"id": node["id"]})
    assert int(page.inner_text("#blast-count")) == api["blastRadius"]["total"] > 0
    coloured = page.evaluate("window.aidiscoverGraph.nodes('.d1, .d2, .d3, .d4, .d5, .d6').length")
    assert coloured == api["blastRadius"]["total"]
    for layout in ("breadthfirst", "concentric", "grid", "cose"):
        page.select_option("#layout", layout)
        xs = page.evaluate("window.aidiscoverGraph.nodes().map(n => Math.round(n.position('x')))")
        assert len(set(xs)) > 1, f"{layout} left every node in one column"
    page.select_option("#group-by", "vpc")
    page.wait_for_selector("#explore-status:has-text('group')")
    assert page.evaluate("window.aidiscoverGraph.nodes('.group').length") >= 1
    page.screenshot(path=str(SHOTS / "viewer-blast-radius.png"))


def test_an_exposure_path_is_shown_with_each_hops_rule_and_port(page: Page, site: Site) -> None:
    sign_in_with_key(page, site)
    paths = site.gql(
        '{ exposurePaths(provider: "aws", first: 20) { ports resource { id name kind } hops { allows ruleId } } }'
    )["exposurePaths"]
    target = next(p for p in paths if p["resource"]["kind"] == "EC2Instance")
    select(page, target["resource"]["name"], target["resource"]["id"])
    page.click("#mode-exposure")
    page.wait_for_selector("#exposure-paths")
    shown = page.inner_text("#exposure-paths")
    assert target["ports"] in shown
    for hop in target["hops"]:
        assert hop["allows"] in shown
        if hop["ruleId"]:
            assert hop["ruleId"] in shown
    assert any(h["ruleId"] for h in target["hops"])  # the security rule that lets the port through
    assert page.evaluate("window.aidiscoverGraph.edges('.exposed').length") >= len(target["hops"]) - 1
    page.screenshot(path=str(SHOTS / "viewer-exposure.png"))


def test_a_chat_answer_is_rendered_with_its_cypher_and_drawn(page: Page, site: Site) -> None:
    sign_in_with_key(page, site)
    question = "which buckets are public"
    api = site.gql("query($q: String!) { ask(question: $q) { answer cypher path rows understood } }", {"q": question})[
        "ask"
    ]
    assert api["path"] == "parser"  # no LLM configured: the parser answers
    page.click("#nav-chat")
    assert page.locator("#chat-examples li").count() >= 5  # the chat lists questions it can answer
    page.fill("#chat-question", question)
    page.click("#chat-ask")
    page.wait_for_selector("#chat-answer")
    assert page.inner_text("#chat-understood") == f"Understood: {api['understood']}"
    assert page.inner_text("#chat-answer") == api["answer"]
    assert page.inner_text("#chat-cypher") == api["cypher"]
    assert page.locator("#chat-rows tr").count() == len(api["rows"]) + 1
    page.click("#chat-draw")
    page.wait_for_selector("#nav-explore.active")
    drawn = set(page.evaluate("window.aidiscoverGraph.nodes().map(n => n.id())"))
    assert {r["id"] for r in api["rows"]} <= drawn
    page.click("#nav-chat")
    page.screenshot(path=str(SHOTS / "viewer-chat.png"))


def test_the_chat_asks_back_on_an_ambiguous_name_and_offers_questions_on_a_decline(page: Page, site: Site) -> None:
    sign_in_with_key(page, site)
    page.click("#nav-chat")
    page.fill("#chat-question", "what depends on orders-db?")
    page.click("#chat-ask")
    page.wait_for_selector("#chat-candidates")
    picks = page.locator("#chat-candidates button.candidate")
    assert picks.count() == 2  # the RDS instance in AWS and the Cloud SQL instance in GCP
    picks.nth(0).click()
    page.wait_for_selector("#chat-rows, #chat-output p.muted")
    assert "blast radius" in page.inner_text("#chat-understood")
    page.fill("#chat-question", "how many spaceships are there?")
    page.click("#chat-ask")
    page.wait_for_selector("#chat-suggestions")
    assert page.locator("#chat-suggestions li").count() == 3


def test_panels_say_not_available_when_the_server_lacks_their_field(page: Page, site: Site) -> None:
    """An older server without cost and findings: the introspection answer is edited in flight (the rest is the
    real server), and those panels say so instead of failing."""

    def older_server(route: Route) -> None:
        request = route.request
        if request.method == "POST" and "__schema" in (request.post_data or ""):
            doc = route.fetch().json()
            fields = doc["data"]["__schema"]["queryType"]["fields"]
            doc["data"]["__schema"]["queryType"]["fields"] = [
                f for f in fields if f["name"] not in ("costSummary", "findingCounts", "resourceHistory")
            ]
            route.fulfill(json=doc)
        else:
            route.continue_()

    page.route("**/graphql", older_server)
    sign_in_with_key(page, site)
    assert "costSummary" in page.inner_text("#panel-cost")
    assert page.locator("#panel-cost [data-missing='costSummary']").count() == 1
    assert page.locator("#panel-findings [data-missing='findingCounts']").count() == 1
    page.wait_for_selector("#total-resources")  # the others still work
    vpc = site.gql('{ resources(filter: {kinds: ["VPC"]}, first: 1) { edges { node { id name } } } }')
    node = vpc["resources"]["edges"][0]["node"]
    select(page, node["name"], node["id"])
    assert page.locator("#detail-resourceHistory [data-missing='resourceHistory']").count() == 1


def test_a_jobs_progress_arrives_over_the_subscription(page: Page, site: Site, settings: Settings) -> None:
    """The events are published on the job progress channel (ingest.jobs.progress.publish, as a worker does;
    no worker runs here); the viewer follows them over graphql-transport-ws on the real server and Redis."""
    job = f"viewer-test-{uuid.uuid4().hex[:12]}"
    publish(settings.redis.url, Progress(job, "running", 4, 4, 1, 0, 120, 200, 0, 0, "aws/123/us-east-1/ec2 done"))
    sign_in_with_key(page, site)
    page.click("#nav-jobs")
    page.fill("#job-follow-id", job)
    page.click("#job-follow-go")
    page.wait_for_selector("#job-status:text-is('running')")
    assert "1/4 units, 120 nodes" in page.inner_text("#job-progress")
    publish(settings.redis.url, Progress(job, "succeeded", 4, 4, 4, 0, 480, 800, 0, 12, "done"))
    page.wait_for_selector("#job-status:text-is('succeeded')")
    assert "4/4 units, 480 nodes, 800 edges" in page.inner_text("#job-progress")


def test_shortest_path_critical_paths_and_the_findings_overlay(page: Page, site: Site) -> None:
    sign_in_with_key(page, site)
    pair = site.gql(
        '{ exposurePaths(provider: "aws", first: 20) { resource { id name kind } hops { node { id name kind } } } }'
    )["exposurePaths"]
    path = next(p for p in pair if p["resource"]["kind"] == "EC2Instance")
    start, end = path["resource"], next(h["node"] for h in path["hops"] if h["node"]["kind"] == "Subnet")
    select(page, start["name"], start["id"])
    page.click("#mode-path-from")
    page.wait_for_selector("#path-from")
    select(page, end["name"], end["id"])
    page.click("#mode-path")
    page.wait_for_selector("#path-steps")
    api = site.gql(
        "query($a: ID!, $b: ID!) { shortestPath(fromId: $a, toId: $b, maxDepth: 10) { length } }",
        {"a": start["id"], "b": end["id"]},
    )["shortestPath"]
    assert page.locator("#path-steps li").count() == api["length"] >= 1
    page.click("#mode-critical")
    page.wait_for_selector("#critical-paths")
    critical = site.gql("{ criticalPaths(first: 10) { paths { rank } } }")["criticalPaths"]["paths"]
    assert page.locator("#critical-paths li").count() == len(critical) >= 1
    assert page.evaluate("window.aidiscoverGraph.nodes('.on-path').length") >= 2
    # the findings overlay marks the shown resources that have open findings (the exposed instance has)
    page.check("#ov-findings")
    page.wait_for_selector("#findings-overlay")
    flagged = page.evaluate(f"window.aidiscoverGraph.getElementById({start['id']!r}).classes()")
    assert any(c.startswith("sev-") for c in flagged)
    page.check("#ov-cost")
    page.wait_for_selector("#cost-overlay")
    assert page.evaluate(f"window.aidiscoverGraph.getElementById({start['id']!r}).data('costSize')") > 0
