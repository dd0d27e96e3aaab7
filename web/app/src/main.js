// AI-Discover's viewer: sign in, then Overview / Explore / Chat / Jobs tabs. Talks only to /graphql.
import { ApiError, Capabilities, loadCredentials, login, query, saveCredentials } from "./api.js";
import { renderChat } from "./chat.js";
import { Explorer } from "./explore.js";
import { renderJobs } from "./jobs.js";
import { estateMap } from "./map.js";
import { renderOverview } from "./overview.js";
import { $, clear, el, status } from "./util.js";

const TABS = ["overview", "explore", "chat", "jobs"];

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
  const explorer = new Explorer($("#tab-explore"), caps);
  explorer.cy.resize();
  const openKind = (filter) => {
    showTab("explore");
    explorer.search(filter);
  };
  renderOverview($("#tab-overview"), caps, estateMap(openKind));
  renderChat($("#tab-chat"), caps, explorer, () => showTab("explore"));
  renderJobs($("#tab-jobs"), caps, me);
  explorer.loadFacets();
  for (const t of TABS) $(`#nav-${t}`).onclick = () => showTab(t);
  showTab("overview");
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
