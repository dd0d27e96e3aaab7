// The Exposure tab: every internet-reachable resource of the estate and the ports that reach it, each with its
// path from the internet drawn hop by hop and the route, ACL or security rule that lets each hop through.
import { accountLabel } from "./accounts.js";
import { query } from "./api.js";
import { hopList, resourceLink } from "./finding.js";
import { go, list } from "./route.js";
import { clear, el, errorNote, notAvailable, num, plural } from "./util.js";

const REF = "id kind name provider account region";

function pathView(p) {
  const nodes = [{ id: "internet", name: "Internet", kind: "", internet: true }];
  for (const h of p.hops) {
    if (h.node.kind === "Internet") continue; // the start, drawn once
    nodes.push({ id: h.node.id, name: h.node.name, kind: h.node.kind, link: resourceLink(h.node.id), via: h.ruleId ? `${h.allows} · ${h.ruleId}` : h.allows });
  }
  return hopList(nodes);
}

export async function renderExposure(root, caps, params) {
  if (!caps.has("exposurePaths")) return clear(root, el("div", { className: "card" }, notAvailable("exposurePaths")));
  clear(root, el("div", { className: "card" }, el("p", { className: "muted" }, "loading…")));
  let paths;
  try {
    paths = (await query(`{ exposurePaths(first: 1000) { protocol ports resource { ${REF} } hops { allows ruleId node { ${REF} } } } }`)).exposurePaths;
  } catch (err) {
    return clear(root, el("div", { className: "card" }, errorNote(err)));
  }
  const providers = list(params, "provider");
  const accounts = list(params, "account");
  const shown = paths.filter((p) => (!providers.length || providers.includes(p.resource.provider)) && (!accounts.length || accounts.includes(p.resource.account)));
  const byResource = new Map();
  for (const p of shown) {
    if (!byResource.has(p.resource.id)) byResource.set(p.resource.id, { resource: p.resource, paths: [] });
    byResource.get(p.resource.id).paths.push(p);
  }
  const count = (key) => {
    const m = new Map();
    for (const p of paths) m.set(p.resource[key], (m.get(p.resource[key]) || new Set()).add(p.resource.id));
    return [...m.entries()].map(([k, s]) => [k, s.size]).sort((a, b) => b[1] - a[1]);
  };
  const pick = (name, label, values, show = (v) => v) => el("label", {}, `${label} `, el("select", { id: `exp-${name}`, "aria-label": label,
    onchange: (e) => go("exposure", { provider: name === "provider" ? e.target.value : providers, account: name === "account" ? e.target.value : accounts }) },
  el("option", { value: "" }, "any"), values.map(([v, n]) => el("option", { value: v, selected: (name === "provider" ? providers : accounts).includes(v) }, `${show(v)} (${num(n)})`))));
  const rows = [...byResource.values()];
  clear(root, el("section", { className: "card", id: "exposure-estate" },
    el("div", { className: "toolbar" }, el("h2", {}, "Internet exposure"),
      pick("provider", "Cloud", count("provider")), pick("account", "Account", count("account"), accountLabel)),
    el("p", { id: "exposure-summary" }, el("b", { id: "exposed-count" }, num(rows.length)), ` internet-reachable resource${rows.length === 1 ? "" : "s"} through `,
      plural(shown.length, "path"), ". Each path runs from the internet to the resource; every hop names what lets the traffic through."),
    el("div", { className: "table-wrap" }, el("table", { className: "grid", id: "exposure-table" },
      el("thead", {}, el("tr", {}, ["resource", "account · region", "open ports", "path(s)"].map((h) => el("th", {}, h)))),
      el("tbody", {}, rows.map(({ resource: r, paths: ps }) => el("tr", { "data-id": r.id },
        el("td", {}, el("a", { href: resourceLink(r.id) }, r.name), el("br"), el("span", { className: "muted" }, r.kind)),
        el("td", {}, accountLabel(r.account), el("br"), el("span", { className: "muted" }, r.region)),
        el("td", { className: "ports" }, ps.map((p) => el("div", {}, p.ports))),
        el("td", {}, ps.map((p) => el("div", { className: "exposure-path" }, el("span", { className: "muted" }, p.ports), pathView(p)))))))))));
}
