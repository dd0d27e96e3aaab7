// The Overview tab: counts, cost, findings, exposure, savings, accounts and regions, recent jobs and the collapsed
// estate map. Each panel asks for its own field and says "not available" when the server (introspected once)
// lacks it. Every count links to the list it counts (Inventory, Findings, Exposure, Cost).
import { accountLabel } from "./accounts.js";
import { query } from "./api.js";
import { resourceLink } from "./finding.js";
import { href } from "./route.js";
import { bars, clear, el, errorNote, notAvailable, num, plural, usd } from "./util.js";

const inv = (key) => (r) => href("inventory", { [key]: r.key });
const MAX_ACCOUNTS = 15; // one aliased facet query per account

async function panel(box, caps, field, load) {
  const body = box.querySelector(".body");
  if (!caps.has(field)) {
    clear(body, notAvailable(field));
    return;
  }
  clear(body, el("p", { className: "muted" }, "loading…"));
  try {
    clear(body, await load());
  } catch (err) {
    clear(body, errorNote(err));
  }
}

async function counts(caps) {
  if (caps.has("resourceFacets")) {
    const f = (await query("{ resourceFacets { total providers { value count } kinds { value count } regions { value count } }}"))
      .resourceFacets;
    const rows = (list) => list.map((x) => ({ key: x.value, count: x.count }));
    return [
      el("p", { className: "big" }, el("a", { href: "#inventory", id: "total-resources" }, num(f.total)), " resources"),
      el("h3", {}, "By provider"), bars(rows(f.providers), { id: "by-provider", link: inv("provider") }),
      el("h3", {}, "By region"), bars(rows(f.regions).slice(0, 12), { id: "by-region", link: inv("region") }),
      el("h3", {}, "By kind (top 15)"), bars(rows(f.kinds).slice(0, 15), { id: "by-kind", link: inv("kind") }),
    ];
  }
  const d = await query("{ p: rollup(by: PROVIDER) { key count } k: rollup(by: KIND) { key count } r: rollup(by: REGION) { key count } }");
  const total = d.p.reduce((a, b) => a + b.count, 0);
  return [
    el("p", { className: "big" }, el("span", { id: "total-resources" }, num(total)), " resources"),
    el("h3", {}, "By provider"), bars(d.p, { id: "by-provider" }),
    el("h3", {}, "By region"), bars(d.r.slice(0, 12)),
    el("h3", {}, "By kind (top 15)"), bars(d.k.slice(0, 15), { id: "by-kind" }),
  ];
}

async function cost(tagKey) {
  const d = await query(
    `query($tag: String) { k: costSummary(by: KIND) { totalUsd priced notPriced groups { key monthlyUsd } prices { label } }
      t: costSummary(by: TAG, tagKey: $tag) { groups { key monthlyUsd } } }`,
    { tag: tagKey },
  );
  const top = d.k.groups.filter((g) => g.monthlyUsd > 0).slice(0, 12);
  return [
    el("p", { className: "big" }, el("a", { href: "#cost", id: "cost-total" }, usd(d.k.totalUsd)), " / month (estimated)"),
    el("p", { className: "muted" }, `${num(d.k.priced)} priced, ${num(d.k.notPriced)} not priced. ${d.k.prices.label}`),
    el("h3", {}, "By service (kind)"), bars(top, { value: "monthlyUsd", format: usd, id: "cost-by-kind", link: (g) => href("inventory", { kind: g.key, sort: "monthly_cost_usd", desc: "1" }) }),
    el("h3", {}, `By tag \`${tagKey}\``),
    d.t.groups.length ? bars(d.t.groups.slice(0, 12), { value: "monthlyUsd", format: usd, link: (g) => (g.key.startsWith("(") ? null : href("inventory", { tag: `${tagKey}=${g.key}`, sort: "monthly_cost_usd", desc: "1" })) }) : el("p", { className: "muted" }, "no resource carries this tag"),
  ];
}

async function findings() {
  const c = (await query("{ findingCounts(filter: {statuses: [\"open\"]}) { critical high medium low info total } }")).findingCounts;
  const rows = ["critical", "high", "medium", "low", "info"].map((k) => ({ key: k, count: c[k] }));
  return [el("p", { className: "big" }, el("a", { href: "#findings", id: "findings-total" }, num(c.total)), " open findings"),
    bars(rows, { id: "findings-by-severity", link: (r) => href("findings", { severity: r.key }) })];
}

async function exposed() {
  const paths = (await query("{ exposurePaths(first: 1000) { ports resource { id kind provider } } }")).exposurePaths;
  const ids = new Set(paths.map((p) => p.resource.id));
  const byKind = new Map();
  for (const p of paths) byKind.set(p.resource.kind, (byKind.get(p.resource.kind) || new Set()).add(p.resource.id));
  const rows = [...byKind.entries()].map(([key, s]) => ({ key, count: s.size })).sort((a, b) => b.count - a.count);
  return [el("p", { className: "big" }, el("a", { href: "#exposure", id: "exposed-total" }, num(ids.size)), " internet-reachable resources"),
    el("p", { className: "muted" }, `through ${plural(paths.length, "path")}; each hop names the rule that lets traffic through.`),
    bars(rows, { id: "exposed-by-kind", link: () => "#exposure" })];
}

async function savings() {
  const s = (await query("{ savings(first: 5) { totalUsd totalItems items { resourceId name kind monthlySavingUsd reasoning } } }")).savings;
  return [el("p", { className: "big" }, el("a", { href: "#cost", id: "savings-overview-total" }, usd(s.totalUsd)), ` / month to save (${plural(s.totalItems, "suggestion")})`),
    el("ol", { id: "top-savings" }, s.items.map((i) => el("li", {}, el("b", {}, usd(i.monthlySavingUsd)), " ", el("a", { href: resourceLink(i.resourceId) }, i.name),
      el("span", { className: "muted" }, ` ${i.kind}: ${i.reasoning}`))))];
}

async function accounts() {
  const all = (await query("{ resourceFacets { accounts { value count } } }")).resourceFacets.accounts;
  const shown = all.slice(0, MAX_ACCOUNTS);
  const parts = shown.map((a, i) => `a${i}: resourceFacets(filter: {accounts: [${JSON.stringify(a.value)}]}) { regions { value count } }`);
  const d = shown.length ? await query(`{ ${parts.join(" ")} }`) : {};
  return el("table", { className: "grid", id: "accounts-regions" },
    el("thead", {}, el("tr", {}, el("th", {}, "account"), el("th", {}, "resources"), el("th", {}, "regions"))),
    el("tbody", {}, all.map((a, i) => el("tr", { "data-account": a.value },
      el("td", {}, el("a", { href: href("inventory", { account: a.value }) }, accountLabel(a.value))), el("td", {}, num(a.count)),
      el("td", {}, (d[`a${i}`]?.regions || []).map((r) => el("a", { className: "chip", href: href("inventory", { account: a.value, region: r.value }), "data-region": r.value },
        r.value, " ", el("b", {}, num(r.count)))))))));
}

async function jobs() {
  const list = (await query("{ discoveryJobs(first: 8) { id provider status startedBy createdAt nodes unitsDone unitsTotal seconds } }")).discoveryJobs;
  if (!list.length) return el("p", { className: "muted" }, "No discovery job yet (CLI discoveries do not create jobs).");
  return el("table", { className: "grid" },
    el("tr", {}, ["status", "provider", "by", "started", "units", "nodes"].map((h) => el("th", {}, h))),
    list.map((j) => el("tr", {}, el("td", { className: `st-${j.status}` }, j.status), el("td", {}, j.provider), el("td", {}, j.startedBy),
      el("td", {}, (j.createdAt || "").replace("T", " ").slice(0, 19)), el("td", {}, `${j.unitsDone}/${j.unitsTotal}`), el("td", {}, num(j.nodes)))));
}

export function renderOverview(root, caps, estateMap) {
  const box = (id, title, extra) => el("section", { className: "card", id }, el("h2", {}, title, extra || ""), el("div", { className: "body" }));
  const tagInput = el("input", { id: "cost-tag", value: "team", size: 8, title: "tag key to group cost by" });
  const boxes = {
    counts: box("panel-counts", "Resources"),
    cost: box("panel-cost", "Cost", el("span", { className: "inline" }, " by tag ", tagInput)),
    findings: box("panel-findings", "Findings by severity"),
    exposure: box("panel-exposure", "Internet exposure"),
    savings: box("panel-savings", "Top savings"),
    accounts: box("panel-accounts", "Accounts and regions"),
    jobs: box("panel-jobs", "Recent discovery jobs"),
    map: box("panel-map", "Estate map (collapsed: click an account, then a region, then a kind)"),
  };
  clear(root, el("div", { className: "cards" }, boxes.findings, boxes.exposure, boxes.savings, boxes.counts, boxes.cost, boxes.jobs), boxes.accounts, boxes.map);
  const countsField = caps.has("resourceFacets") ? "resourceFacets" : "rollup";
  panel(boxes.counts, caps, countsField, () => counts(caps));
  const loadCost = () => panel(boxes.cost, caps, "costSummary", () => cost(tagInput.value.trim() || "team"));
  tagInput.addEventListener("change", loadCost);
  loadCost();
  panel(boxes.findings, caps, "findingCounts", findings);
  panel(boxes.exposure, caps, "exposurePaths", exposed);
  panel(boxes.savings, caps, "savings", savings);
  panel(boxes.accounts, caps, "resourceFacets", accounts);
  panel(boxes.jobs, caps, "discoveryJobs", jobs);
  if (!caps.has("overview")) clear(boxes.map.querySelector(".body"), notAvailable("overview"));
  else estateMap(boxes.map.querySelector(".body"));
}
