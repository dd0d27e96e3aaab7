// AI-Discover's viewer: sign in, then Overview / Findings / Exposure / Cost / Inventory / Paths / Explore / Chat / Jobs
// tabs, chosen by the address (#tab?filters) so counts link to filtered lists. Talks only to /graphql.
import { loadAccountNames } from "./accounts.js";
import { ApiError, Capabilities, loadCredentials, login, query, saveCredentials } from "./api.js";
import { renderChat } from "./chat.js";
import { renderCost } from "./cost.js";
import { Explorer } from "./explore.js";
import { renderExposure } from "./exposure.js";
import { renderFinding } from "./finding.js";
import { renderFindings } from "./findings.js";
import { Inventory } from "./inventory.js";
import { renderJobs } from "./jobs.js";
import { estateMap } from "./map.js";
import { renderPaths } from "./netpath.js";
import { renderOverview } from "./overview.js";
import { current, go } from "./route.js";
import { $, clear, el, status } from "./util.js";

const TABS = ["overview", "findings", "exposure", "cost", "inventory", "paths", "explore", "chat", "jobs"];
// a finding's page is shown in the Findings tab
const SCREEN_OF = { finding: "findings" };

function showTab(name) {
  for (const t of TABS) {
    $(`#tab-${t}`).hidden = t !== name;
    $(`#nav-${t}`).classList.toggle("active", t === name);
  }
  if (name === "explore") window.dispatchEvent(new Event("resize")); // cytoscape measures its box when shown
}

async function start() {
  const creds = loadCredentials();
  if (!creds) return showSignIn();
  let caps;
  let me;
  try {
    caps = await Capabilities.load();
    me = caps.has("me") ? (await query("{ me { name role via } }")).me : { name: "?", role: "viewer", via: "?" };
  } catch (err) {
    saveCredentials(null);
    return showSignIn(err instanceof ApiError ? err.message : String(err));
  }
  $("#signin").hidden = true;
  $("#app").hidden = false;
  $("#who").textContent = `${me.name} (${me.role})`;
  await loadAccountNames(caps);
  const explorer = new Explorer($("#tab-explore"), caps);
  explorer.cy.resize();
  const openKind = (filter) => {
    showTab("explore");
    explorer.search(filter);
  };
  const toExplore = () => {
    if (current().tab !== "explore") history.pushState(null, "", "#explore");
    showTab("explore");
  };
  const inventory = new Inventory($("#tab-inventory"), caps, {
    showInGraph: async (ids) => {
      toExplore();
      await explorer.drawIds(ids);
    },
    blast: async (id) => {
      toExplore();
      await explorer.drawIds([id]);
      await explorer.select(id);
      await explorer.blast();
    },
    expand: async (id) => {
      toExplore();
      await explorer.drawIds([id]);
      await explorer.select(id);
      await explorer.expand(id);
    },
  });
  const screens = {
    findings: (p) => renderFindings($("#tab-findings"), caps, p),
    finding: (p) => renderFinding($("#tab-findings"), caps, me, p.get("id") || ""),
    exposure: (p) => renderExposure($("#tab-exposure"), caps, p),
    cost: (p) => renderCost($("#tab-cost"), caps, p),
    inventory: (p) => inventory.open(p),
    paths: (p) => renderPaths($("#tab-paths"), caps, p),
  };
  const route = async () => {
    document.body.dataset.screen = "";
    const { tab, params } = current();
    const name = TABS.includes(tab) || SCREEN_OF[tab] ? tab : "overview";
    showTab(SCREEN_OF[name] || name);
    if (screens[name]) await screens[name](params);
    document.body.dataset.screen = name; // for the browser tests: this screen has been drawn
  };
  window.addEventListener("hashchange", route);
  renderOverview($("#tab-overview"), caps, estateMap(openKind));
  renderChat($("#tab-chat"), caps, explorer, () => showTab("explore"));
  renderJobs($("#tab-jobs"), caps, me);
  explorer.loadFacets();
  for (const t of TABS) $(`#nav-${t}`).onclick = () => go(t);
  await route();
  document.body.dataset.ready = "1";
}

function showSignIn(message = "") {
  $("#app").hidden = true;
  $("#signin").hidden = false;
  status($("#signin-status"), message, Boolean(message));
}

function bind() {
  $("#key-form").addEventListener("submit", (e) => {
    e.preventDefault();
    const key = $("#api-key").value.trim();
    if (!key) return status($("#signin-status"), "Give an API key (aid_...), or sign in with a username and password.", true);
    saveCredentials({ apiKey: key });
    start();
  });
  $("#login-form").addEventListener("submit", async (e) => {
    e.preventDefault();
    try {
      saveCredentials(await login($("#username").value.trim(), $("#password").value));
      start();
    } catch (err) {
      status($("#signin-status"), err.message, true);
    }
  });
  $("#signout").addEventListener("click", () => {
    saveCredentials(null);
    location.reload();
  });
}

bind();
clear($("#signin-status"));
start();
