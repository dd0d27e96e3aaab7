// The Findings tab: a triage list filtered by severity, cloud, account, rule and status (each facet counted
// within the other filters, each count a link), grouped by rule or resource or listed one by one; a finding
// opens its page (finding.js). The filters live in the address (#findings?severity=critical&...).
import { accountLabel } from "./accounts.js";
import { query } from "./api.js";
import { go, href, list } from "./route.js";
import { activatable, clear, el, errorNote, notAvailable, num, plural } from "./util.js";

export const SEVERITIES = ["critical", "high", "medium", "low", "info"];
const STATUSES = ["open", "suppressed", "resolved"];
const PAGE = 50;
// facet name in the address -> the filter input's field and the grouping that counts it
const FACETS = [
  ["severity", "severities", "SEVERITY"],
  ["provider", "providers", "PROVIDER"],
  ["status", "statuses", "STATUS"],
  ["account", "accounts", "ACCOUNT"],
  ["rule", "rules", "RULE"],
];
const ROW = "id ruleId title severity status provider resourceId resourceKind resourceName account region firstSeen";

/** The filter the address names (status defaults to open; `status=all` lifts it). */
export function filterOf(params, without = null) {
  const f = {};
  for (const [name, field] of FACETS) {
    if (name === without) continue;
    const values = list(params, name);
    if (name === "status" && !values.length) f.statuses = ["open"];
    else if (name === "status" && values.includes("all")) continue;
    else if (values.length) f[field] = values;
  }
  if (params.get("resource") && without !== "resource") f.resourceId = params.get("resource");
  return f;
}

function paramsWith(params, name, value) {
  const next = params instanceof URLSearchParams ? Object.fromEntries(params.entries()) : { ...params };
  if (value === null) delete next[name];
  else next[name] = value;
  return next;
}

export const severityBadge = (s) => el("span", { className: `sev sev-${s}` }, s);

async function facets(params) {
  const parts = FACETS.map(([name, , by]) => `${name}: findingGroups(by: ${by}, filter: $${name}, first: 200) { key label count }`);
  const vars = FACETS.map(([name]) => `$${name}: FindingFilterInput`).join(", ");
  const values = Object.fromEntries(FACETS.map(([name]) => [name, filterOf(params, name)]));
  return query(`query(${vars}) { ${parts.join(" ")} }`, values);
}

function facetBox(params, name, title, groups, { order, show = (g) => g.label } = {}) {
  const chosen = list(params, name);
  const rows = order ? order.map((k) => groups.find((g) => g.key === k) || { key: k, label: k, count: 0 }) : groups;
  const toggle = (key) => {
    const next = chosen.includes(key) ? chosen.filter((k) => k !== key) : [...chosen, key];
    return href("findings", paramsWith(params, name, next.length ? next.join(",") : name === "status" ? "all" : null));
  };
  return el("div", { className: "facet", id: `ff-${name}` }, el("h3", {}, title),
    el("ul", { className: "chips" }, rows.map((g) => el("li", {},
      el("a", { href: toggle(g.key), className: chosen.includes(g.key) || (name === "status" && !chosen.length && g.key === "open") ? "chip on" : "chip",
        "data-key": g.key, title: g.label }, name === "severity" ? severityBadge(g.key) : show(g), " ", el("b", {}, num(g.count)))))));
}

function findingRow(f) {
  return activatable(el("tr", { "data-id": f.id, className: `sev-row-${f.severity}` },
    el("td", {}, severityBadge(f.severity)),
    el("td", {}, f.title),
    el("td", {}, el("b", {}, f.resourceName || f.resourceId), el("span", { className: "muted" }, ` ${f.resourceKind || ""}`)),
    el("td", {}, accountLabel(f.account)), el("td", {}, f.region || ""), el("td", {}, f.status),
    el("td", { className: "muted" }, (f.firstSeen || "").slice(0, 10))),
  () => go("finding", { id: f.id }), `${f.severity}: ${f.title} on ${f.resourceName || f.resourceId}`);
}

async function findingList(box, params) {
  const table = el("table", { className: "grid", id: "findings-table" },
    el("thead", {}, el("tr", {}, ["severity", "finding", "resource", "account", "region", "status", "first seen"].map((h) => el("th", {}, h)))));
  const body = el("tbody");
  table.append(body);
  const more = el("button", { id: "findings-more", type: "button", hidden: true }, "Show more");
  const note = el("p", { className: "muted", id: "findings-count" });
  clear(box, note, el("div", { className: "table-wrap" }, table), more);
  let after = null;
  const load = async () => {
    const c = (await query(`query($f: FindingFilterInput, $n: Int!, $a: String) { findings(filter: $f, first: $n, after: $a) {
      totalCount pageInfo { hasNextPage endCursor } edges { node { ${ROW} } } } }`, { f: filterOf(params), n: PAGE, a: after })).findings;
    body.append(...c.edges.map((e) => findingRow(e.node)));
    after = c.pageInfo.endCursor;
    more.hidden = !c.pageInfo.hasNextPage;
    note.textContent = `${plural(c.totalCount, "finding")}${c.totalCount > body.children.length ? `, ${num(body.children.length)} shown` : ""}`;
  };
  more.onclick = () => load().catch((err) => box.append(errorNote(err)));
  await load();
}

async function groupList(box, params, by) {
  const groups = (await query(`query($f: FindingFilterInput) { findingGroups(by: ${by.toUpperCase()}, filter: $f, first: 500) { key label count severity kind } }`,
    { f: filterOf(params) })).findingGroups;
  const target = (g) => href("findings", paramsWith(paramsWith(params, "group", null), by === "rule" ? "rule" : "resource", g.key));
  clear(box, el("p", { className: "muted", id: "findings-count" }, `${plural(groups.length, `${by}`)}; ${plural(groups.reduce((a, g) => a + g.count, 0), "finding")}`),
    el("div", { className: "table-wrap" }, el("table", { className: "grid", id: "findings-groups" },
      el("thead", {}, el("tr", {}, ["worst", by, "findings"].map((h) => el("th", {}, h)))),
      el("tbody", {}, groups.map((g) => activatable(el("tr", { "data-key": g.key },
        el("td", {}, severityBadge(g.severity)),
        el("td", {}, g.label, el("span", { className: "muted" }, by === "resource" ? ` ${g.kind || ""}` : ` ${g.key}`)),
        el("td", {}, el("a", { href: target(g), tabIndex: -1 }, num(g.count)))), () => { location.hash = target(g); }, `${g.label}: ${g.count}`))))));
}

export async function renderFindings(root, caps, params) {
  if (!caps.has("findingGroups") || !caps.has("findings")) return clear(root, el("div", { className: "card" }, notAvailable("findingGroups")));
  const group = params.get("group") || "";
  const side = el("aside", { className: "side facets", id: "findings-facets" }, el("p", { className: "muted" }, "loading…"));
  const main = el("div", { id: "findings-main" }, el("p", { className: "muted" }, "loading…"));
  const groupSel = el("select", { id: "findings-group", "aria-label": "group findings by",
    onchange: () => go("findings", paramsWith(params, "group", groupSel.value || null)) },
  [["", "one by one"], ["rule", "by rule"], ["resource", "by resource"]].map(([v, l]) => el("option", { value: v, selected: v === group }, l)));
  const resource = params.get("resource");
  clear(root, el("div", { className: "screen" }, side, el("section", { className: "card" },
    el("div", { className: "toolbar" }, el("h2", {}, "Findings"), el("label", {}, "Group ", groupSel),
      resource ? el("a", { id: "findings-resource", className: "chip on", href: href("findings", paramsWith(params, "resource", null)) }, `resource ${resource.split("/").pop()} ✕`) : "",
      el("a", { href: "#findings", id: "findings-reset" }, "reset filters")),
    main)));
  try {
    const f = await facets(params);
    clear(side,
      facetBox(params, "severity", "Severity", f.severity, { order: SEVERITIES }),
      facetBox(params, "provider", "Cloud", f.provider),
      facetBox(params, "status", "Status", f.status, { order: STATUSES }),
      facetBox(params, "account", "Account", f.account, { show: (g) => accountLabel(g.key) }),
      facetBox(params, "rule", "Rule", f.rule));
  } catch (err) {
    clear(side, errorNote(err));
  }
  try {
    if (group) await groupList(main, params, group);
    else await findingList(main, params);
  } catch (err) {
    clear(main, errorNote(err));
  }
}
