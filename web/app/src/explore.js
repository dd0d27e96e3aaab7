// The Explore tab: search and filters, a cytoscape graph (expand on demand, compound groups, layouts),
// the detail panel and the analysis modes (blast radius, shortest path, exposure, critical paths, overlays).
import cytoscape from "cytoscape";
import { accountLabel, accountName, loadAccountNames } from "./accounts.js";
import { query } from "./api.js";
import { renderDetail } from "./detail.js";
import { edgeLabel, interact, layoutPaths, legend } from "./graph.js";
import { LAYOUTS, runLayout } from "./layouts.js";
import { DISTANCE_COLOURS, graphStyle } from "./style.js";
import { activatable, clear, el, errorNote, notAvailable, num, status, usd } from "./util.js";

const REF = "id kind name provider account region";
const EXPAND_LIMIT = 150;
const PARENT_TYPES = {
  vpc: ["IN_VPC", "IN_VNET", "IN_NETWORK"],
  subnet: ["IN_SUBNET", "IN_SUBNETWORK"],
  rg: ["IN_RESOURCE_GROUP"],
};

export class Explorer {
  constructor(root, caps) {
    this.caps = caps;
    this.pathFrom = null;
    this.groupBy = "none";
    this.build(root);
    // while a pan or zoom lasts, a snapshot of the view moves and edges are left out: one frame stays cheap at 500 nodes
    this.cy = cytoscape({ container: this.graphBox, style: graphStyle(), minZoom: 0.1, maxZoom: 4, textureOnViewport: true, hideEdgesOnViewport: true });
    interact(this.cy, this.graphBox, { open: (id) => this.select(id), expand: (id) => this.expand(id) });
    legend(this.cy, this.legendBox);
    this.accountsLoaded = loadAccountNames(caps);
    window.aidiscoverGraph = this.cy; // for the browser tests and the curious
    window.aidiscoverExplorer = this;
    this.cy.on("tap", "node", (ev) => !ev.target.hasClass("group") && !ev.target.hasClass("internet") && this.select(ev.target.id()));
    this.cy.on("dbltap", "node", (ev) => !ev.target.hasClass("group") && this.expand(ev.target.id()));
  }

  build(root) {
    const sel = (id, label) => el("select", { id, "aria-label": label }, el("option", { value: "" }, `any ${label}`));
    this.filters = { providers: sel("f-provider", "provider"), accounts: sel("f-account", "account"), regions: sel("f-region", "region"), kinds: sel("f-kind", "kind") };
    this.searchInput = el("input", { id: "search", type: "search", placeholder: "name, id or tag (key=value)" });
    this.results = el("ul", { id: "results", className: "results" });
    this.status = el("p", { id: "explore-status", className: "muted" });
    const form = el("form", { id: "search-form", onsubmit: (e) => { e.preventDefault(); this.search(); } },
      this.searchInput, Object.values(this.filters), el("button", { id: "search-go", type: "submit" }, "Search"));
    this.layoutSel = el("select", { id: "layout", "aria-label": "layout", onchange: () => this.layout() },
      LAYOUTS.map((l) => el("option", { value: l }, l === "dagre" ? "dagre (left to right)" : l)));
    this.groupSel = el("select", { id: "group-by", "aria-label": "group by", onchange: () => this.group(this.groupSel.value) },
      [["none", "no grouping"], ["account", "by account"], ["vpc", "by VPC / VNet / network"], ["subnet", "by subnet"], ["rg", "by resource group"]]
        .map(([v, l]) => el("option", { value: v }, l)));
    const btn = (id, label, fn, title) => el("button", { id, type: "button", onclick: fn, title }, label);
    this.modeBox = el("div", { id: "mode-result", className: "mode-result" });
    this.graphBox = el("div", { id: "cy", className: "cy" });
    this.legendBox = el("div", { id: "graph-legend", className: "legend", "aria-label": "legend" });
    this.detail = el("aside", { id: "detail", className: "detail" }, el("p", { className: "muted" }, "Search, then click a resource."));
    const toolbar = el("div", { className: "toolbar" },
      el("label", {}, "Layout ", this.layoutSel), el("label", {}, "Group ", this.groupSel),
      btn("mode-blast", "Blast radius", () => this.blast(), "what depends on the selected resource"),
      btn("mode-path-from", "Path from here", () => this.setPathFrom(), "remember the selected resource as the start"),
      btn("mode-path", "Path to here", () => this.path(), "how the remembered start and the selected resource are related (any relationship; for a network path see Paths)"),
      btn("mode-exposure", "Exposure", () => this.exposure(), "internet exposure paths of the selected resource"),
      btn("mode-critical", "Critical paths", () => this.critical(), "entry points to data stores"),
      el("label", {}, el("input", { type: "checkbox", id: "ov-findings", onchange: (e) => this.findingsOverlay(e.target.checked) }), " findings"),
      el("label", {}, el("input", { type: "checkbox", id: "ov-cost", onchange: (e) => this.costOverlay(e.target.checked) }), " cost"),
      btn("clear-graph", "Clear", () => this.clearGraph()));
    clear(root, el("div", { className: "explore" },
      el("aside", { className: "side" }, form, this.status, this.results),
      el("div", { className: "center" }, toolbar, this.graphBox, this.legendBox, this.modeBox),
      this.detail));
  }

  async loadFacets() {
    if (!this.caps.has("resourceFacets")) {
      status(this.status, "Filters not available: this server has no `resourceFacets` field.");
      return;
    }
    for (const select of Object.values(this.filters)) select.addEventListener("change", () => this.countFacets());
    await this.countFacets();
  }

  /** Each filter's options counted within the other filters (the value chosen in it is ignored for its own). */
  async countFacets() {
    const chosen = Object.fromEntries(Object.entries(this.filters).map(([k, s]) => [k, s.value]));
    const without = (key) => Object.fromEntries(Object.entries(chosen).filter(([k, v]) => k !== key && v).map(([k, v]) => [k, [v]]));
    const keys = Object.keys(this.filters);
    try {
      const d = await query(`query(${keys.map((k) => `$${k}: ResourceFilterInput`).join(", ")}) { ${keys.map((k) => `${k}: resourceFacets(filter: $${k}) { ${k} { value count } }`).join(" ")} }`,
        Object.fromEntries(keys.map((k) => [k, without(k)])));
      for (const [key, select] of Object.entries(this.filters)) {
        const values = d[key][key];
        if (chosen[key] && !values.some((x) => x.value === chosen[key])) values.push({ value: chosen[key], count: 0 });
        const show = (v) => (key === "accounts" ? accountLabel(v) : v);
        select.replaceChildren(select.options[0], ...values.map((x) => el("option", { value: x.value, selected: x.value === chosen[key] }, `${show(x.value)} (${num(x.count)})`)));
      }
    } catch (err) {
      status(this.status, err.message, true);
    }
  }

  filter() {
    const filter = {};
    const text = this.searchInput.value.trim();
    const tag = text.match(/^([^=\s]+)=(.*)$/);
    if (tag) filter.tags = [{ key: tag[1], value: tag[2] || null }];
    else if (text) filter.search = text;
    for (const [key, select] of Object.entries(this.filters)) if (select.value) filter[key] = [select.value];
    return filter;
  }

  async search(filter = this.filter()) {
    status(this.status, "searching…");
    try {
      const r = (await query(`query($f: ResourceFilterInput) { resources(filter: $f, first: 50) { totalCount edges { node { ${REF} } } } }`, { f: filter })).resources;
      const nodes = r.edges.map((e) => e.node);
      status(this.status, `${num(r.totalCount)} match${r.totalCount === 1 ? "" : "es"}${r.totalCount > nodes.length ? `, first ${nodes.length} shown (all of them: Inventory)` : ""}`);
      if (this.current && !nodes.some((n) => n.id === this.current)) this.clearDetail();
      clear(this.results, nodes.map((n) => activatable(el("li", { "data-id": n.id },
        el("b", {}, n.name), el("span", { className: "muted" }, ` ${n.kind} · ${accountName(n.account)} · ${n.region}`)), () => this.show([n], n.id))));
      if (nodes.length) this.show(nodes, null);
      return nodes;
    } catch (err) {
      status(this.status, err.message, true);
      return [];
    }
  }

  /** Add refs (and edges) to the graph; select `focus` when given. */
  show(nodes, focus, edges = []) {
    this.merge(nodes, edges);
    if (focus) this.select(focus);
  }

  merge(nodes, edges = []) {
    const added = [];
    this.cy.batch(() => {
      for (const n of nodes) {
        if (this.cy.getElementById(n.id).nonempty()) continue;
        added.push(this.cy.add({ group: "nodes", data: { ...n, label: n.name } }));
      }
      if (added.length) this.labelSameNames();
      for (const e of edges) {
        const id = `${e.source}|${e.type}|${e.target}`;
        if (this.cy.getElementById(id).nonempty() || this.cy.getElementById(e.source).empty() || this.cy.getElementById(e.target).empty()) continue;
        this.cy.add({ group: "edges", data: { id, source: e.source, target: e.target, type: e.type, label: e.label ?? edgeLabel(e.type, e.via), via: e.via } });
      }
    });
    if (added.length) {
      if (this.groupBy !== "none") this.group(this.groupBy);
      else this.layout();
    }
    return added.length;
  }

  /** Same-named resources of different accounts (or regions) are told apart by their account's name. */
  labelSameNames() {
    const byName = new Map();
    this.cy.nodes().filter((n) => !n.hasClass("group") && n.data("name")).forEach((n) => {
      const list = byName.get(n.data("name")) || [];
      list.push(n);
      byName.set(n.data("name"), list);
    });
    for (const [name, list] of byName) {
      const accounts = new Set(list.map((n) => n.data("account")));
      const regions = new Set(list.map((n) => n.data("region")));
      for (const n of list) {
        const where = accounts.size > 1 ? accountLabel(n.data("account")) : regions.size > 1 ? n.data("region") : "";
        n.data("label", where ? `${name} · ${where}` : name);
      }
    }
  }

  /** Lay the view out: `layoutPlaced` resolves when every node has a place, `layoutDone` when the layout ended. */
  layout() {
    const { placed, done } = runLayout(this.cy, this.layoutSel.value);
    this.layoutPlaced = placed;
    this.layoutDone = done;
    return done;
  }

  clearGraph() {
    this.cy.elements().remove();
    clear(this.modeBox);
  }

  selected() {
    return this.current;
  }

  async select(id) {
    this.current = id;
    this.cy.$(":selected").unselect();
    this.cy.getElementById(id).select();
    await renderDetail(this.detail, this.caps, id, { expand: () => this.expand(id), blast: () => this.blast() });
  }

  clearDetail() {
    this.current = null;
    clear(this.detail, el("p", { className: "muted" }, "Click a resource for its details."));
  }

  async expand(id) {
    if (!this.caps.has("subgraph")) return status(this.status, "Expanding is not available: this server has no `subgraph` field.", true);
    try {
      const sub = (await query("query($ids: [ID!]!, $limit: Int!) { subgraph(ids: $ids, depth: 1, limit: $limit) }", { ids: [id], limit: EXPAND_LIMIT })).subgraph;
      const added = this.merge(sub.nodes, sub.edges);
      status(this.status, `expanded: ${added} new neighbour${added === 1 ? "" : "s"}${sub.truncated ? ` (capped at ${EXPAND_LIMIT})` : ""}`);
    } catch (err) {
      status(this.status, err.message, true);
    }
  }

  /** Draw resources by id (from the chat): the ones that exist, with the edges among them. */
  async drawIds(ids) {
    let wanted = ids.slice(0, 500);
    let sub = null;
    while (wanted.length && !sub) {
      try {
        sub = (await query("query($ids: [ID!]!) { subgraph(ids: $ids, depth: 0, limit: 500) }", { ids: wanted })).subgraph;
      } catch (err) {
        // rows may name things that are not resources (findings, rules): leave those out and draw the rest
        const missing = /no resource with id '(.*?)'/.exec(err.message)?.[1];
        if (!missing || !wanted.includes(missing)) throw err;
        wanted = wanted.filter((i) => i !== missing);
      }
    }
    if (!sub) return 0;
    this.merge(sub.nodes, sub.edges);
    this.cy.$(":selected").unselect();
    // a few are selected (their labels show at any zoom); a large answer would cover the view in labels
    if (sub.nodes.length <= 25) sub.nodes.forEach((n) => this.cy.getElementById(n.id).select());
    return sub.nodes.length;
  }

  resetMarks() {
    this.cy.elements().removeClass("root on-path exposed faded d1 d2 d3 d4 d5 d6 d7 d8");
    this.cy.$("node.internet").remove();
  }

  need(field) {
    if (this.caps.has(field)) return true;
    clear(this.modeBox, notAvailable(field));
    return false;
  }

  needSelection(what) {
    if (this.current) return this.current;
    clear(this.modeBox, el("p", { className: "error" }, `Select a resource first (search, then click it) to see its ${what}.`));
    return null;
  }

  async run(title, work) {
    clear(this.modeBox, el("p", { className: "muted" }, `${title}…`));
    try {
      await work();
    } catch (err) {
      clear(this.modeBox, el("h3", {}, title), errorNote(err));
    }
  }

  blast() {
    const id = this.needSelection("blast radius");
    if (!id || !this.need("blastRadius")) return;
    return this.run("Blast radius", async () => {
      const b = (await query(`query($id: ID!) { blastRadius(id: $id, maxDepth: 6, first: 1000) { total truncated root { ${REF} }
        byKind { key count } byDistance { key count } nodes { distance node { ${REF} } path { fromId toId type } } } }`, { id })).blastRadius;
      const edges = b.nodes.flatMap((n) => n.path.map((s) => ({ source: s.fromId, target: s.toId, type: s.type })));
      this.merge([b.root, ...b.nodes.map((n) => n.node)], edges);
      this.resetMarks();
      this.cy.getElementById(b.root.id).addClass("root");
      for (const n of b.nodes) this.cy.getElementById(n.node.id).addClass(`d${Math.min(n.distance, 8)}`);
      this.layout();
      clear(this.modeBox, el("h3", {}, "Blast radius of ", b.root.name),
        el("p", {}, el("b", { id: "blast-count" }, String(b.total)), ` resource${b.total === 1 ? " depends" : "s depend"} on it${b.truncated ? " (truncated)" : ""}; coloured by distance.`),
        el("p", { className: "muted", id: "blast-legend" }, "By distance: ", b.byDistance.length ? b.byDistance.map((d) => el("span", { className: "swatch-item" },
          el("span", { className: "swatch", style: `background:${DISTANCE_COLOURS[Math.min(Number(d.key), 8) - 1]}` }), `${d.key} hop${d.key === "1" ? "" : "s"}: ${d.count}`)) : "none"),
        el("p", { className: "muted" }, "By kind: ", b.byKind.map((d) => `${d.key} ${d.count}`).join(", ") || "none"));
    });
  }

  setPathFrom() {
    const id = this.needSelection("path start");
    if (!id) return;
    this.pathFrom = id;
    clear(this.modeBox, el("p", { id: "path-from" }, `Path start: ${this.cy.getElementById(id).data("name")}. Now select the end and press “Path to here”.`));
  }

  path() {
    const to = this.needSelection("path end");
    if (!to || !this.need("shortestPath")) return;
    if (!this.pathFrom) return clear(this.modeBox, el("p", { className: "error" }, "Choose a start first: select a resource and press “Path from here”."));
    const from = this.pathFrom;
    return this.run("How they are related", async () => {
      const p = (await query(`query($a: ID!, $b: ID!) { shortestPath(fromId: $a, toId: $b, maxDepth: 10) { length nodes { ${REF} } steps { fromId toId type edgeForward via } } }`, { a: from, b: to })).shortestPath;
      if (!p) return clear(this.modeBox, el("h3", {}, "How they are related"), el("p", { id: "path-none" }, "No relation within 10 hops."));
      this.drawPath(p);
      clear(this.modeBox, el("h3", {}, `How they are related: ${p.length} relationship${p.length === 1 ? "" : "s"}`),
        el("p", { className: "muted" }, "Any relationship, each in its stored direction; not a network path (see Paths for can A reach B on a port)."), this.stepList(p, "path-steps"));
    });
  }

  drawPath(p, layout = true) {
    // each edge in its stored direction: a step walked against it is drawn pointing back
    const edges = p.steps.map((s) => (s.edgeForward === false
      ? { source: s.toId, target: s.fromId, type: s.type, via: s.via }
      : { source: s.fromId, target: s.toId, type: s.type, via: s.via }));
    this.merge(p.nodes, edges);
    this.resetMarks();
    this.cy.elements().addClass("faded");
    for (const n of p.nodes) this.cy.getElementById(n.id).removeClass("faded").addClass("on-path");
    for (const e of edges) this.cy.getElementById(`${e.source}|${e.type}|${e.target}`).removeClass("faded").addClass("on-path");
    if (layout) layoutPaths(this.cy, [p.nodes.map((n) => n.id)]);
  }

  stepList(p, id) {
    const name = (i) => this.cy.getElementById(i).data("label") || p.nodes.find((n) => n.id === i)?.name || i;
    return el("ol", { id, className: "steps" }, p.steps.map((s) => el("li", {}, s.edgeForward === false
      ? `${name(s.fromId)} ←${s.type}${s.via ? ` via ${s.via}` : ""}— ${name(s.toId)}`
      : `${name(s.fromId)} —${s.type}${s.via ? ` via ${s.via}` : ""}→ ${name(s.toId)}`)));
  }

  exposure() {
    const id = this.needSelection("internet exposure");
    if (!id || !this.need("exposurePaths")) return;
    return this.run("Internet exposure", async () => {
      const list = (await query(`query($id: ID!) { exposurePaths(id: $id, first: 20) { protocol ports resource { ${REF} } hops { allows ruleId node { ${REF} } } } }`, { id })).exposurePaths;
      this.resetMarks();
      if (!list.length) return clear(this.modeBox, el("h3", {}, "Internet exposure"), el("p", { id: "exposure-none" }, "No internet exposure path reaches this resource."));
      const internet = { id: "internet", kind: "Internet", name: "Internet", provider: "", account: "", region: "" };
      const nodes = [];
      const edges = [];
      for (const path of list) {
        let prev = "internet";
        for (const hop of path.hops) {
          if (hop.node.kind === "Internet") continue; // drawn once, as the diamond every path starts from
          nodes.push(hop.node);
          edges.push({ source: prev, target: hop.node.id, type: "EXPOSES", label: hop.allows });
          prev = hop.node.id;
        }
      }
      this.cy.add({ group: "nodes", data: { ...internet, label: "Internet" }, classes: "internet" });
      this.merge(nodes, edges);
      for (const e of edges) this.cy.getElementById(`${e.source}|EXPOSES|${e.target}`).addClass("exposed");
      this.cy.elements().not(".exposed, node.internet").filter((x) => !edges.some((e) => e.target === x.id())).addClass("faded");
      layoutPaths(this.cy, list.map((path) => ["internet", ...path.hops.filter((h) => h.node.kind !== "Internet").map((h) => h.node.id)]));
      clear(this.modeBox, el("h3", {}, `Internet exposure: ${list.length} path${list.length === 1 ? "" : "s"}`),
        el("div", { id: "exposure-paths" }, list.map((path) => el("div", { className: "exposure-path" },
          el("p", {}, el("b", { className: "ports" }, path.ports), ` to ${path.resource.name}`),
          el("ol", { className: "hops" }, path.hops.map((h) => el("li", {}, el("b", {}, h.node.name), ` (${h.node.kind}) — ${h.allows}`,
            h.ruleId ? el("span", { className: "muted" }, ` · rule ${h.ruleId}`) : "")))))));
    });
  }

  critical() {
    if (!this.need("criticalPaths")) return;
    return this.run("Critical paths", async () => {
      await this.accountsLoaded;
      const c = (await query(`{ criticalPaths(first: 10) { total entries paths { rank exposure sensitivity entry { name account } store { name kind account }
        path { length nodes { ${REF} } steps { fromId toId type via } } } singlePointsOfFailure { paths node { name kind } } } }`)).criticalPaths;
      if (!c.paths.length) return clear(this.modeBox, el("h3", {}, "Critical paths"), el("p", {}, "No path from an entry point to a data store."));
      const show = (p) => { this.drawPath(p.path); };
      show(c.paths[0]);
      clear(this.modeBox, el("h3", {}, `Critical paths: ${c.total} from ${c.entries} entry point${c.entries === 1 ? "" : "s"} (top ${c.paths.length})`),
        el("ol", { id: "critical-paths", className: "steps" }, c.paths.map((p) => el("li", { className: "clickable", onclick: () => show(p) },
          `${p.entry.name} → ${p.store.name} (${p.store.kind}), ${p.path.length} hops, sensitivity ${p.sensitivity}`,
          el("span", { className: "muted" }, ` · account ${accountLabel(p.store.account)}${p.entry.account !== p.store.account ? ` from ${accountLabel(p.entry.account)}` : ""}`)))),
        c.singlePointsOfFailure.length ? el("p", { className: "muted" }, "Single points of failure: ",
          c.singlePointsOfFailure.map((s) => `${s.node.name} (${s.paths} paths)`).join(", ")) : "");
    });
  }

  async findingsOverlay(on) {
    this.cy.nodes().removeClass("sev-critical sev-high sev-medium sev-low sev-info");
    if (!on) return;
    if (!this.need("findings")) return;
    try {
      const edges = [];
      let after = null;
      for (let pageNo = 0; pageNo < 10; pageNo++) { // open findings, 500 a page, 5,000 at most
        const f = (await query(`query($after: String) { findings(filter: {statuses: ["open"]}, first: 500, after: $after) {
          pageInfo { hasNextPage endCursor } edges { node { resourceId severity } } } }`, { after })).findings;
        edges.push(...f.edges);
        if (!f.pageInfo.hasNextPage) break;
        after = f.pageInfo.endCursor;
      }
      const rank = ["info", "low", "medium", "high", "critical"];
      const worst = new Map();
      for (const { node } of edges) {
        if (rank.indexOf(node.severity) > rank.indexOf(worst.get(node.resourceId) ?? "")) worst.set(node.resourceId, node.severity);
      }
      let marked = 0;
      for (const [id, sev] of worst) {
        const n = this.cy.getElementById(id);
        if (n.nonempty()) { n.addClass(`sev-${sev}`); marked++; }
      }
      clear(this.modeBox, el("p", { id: "findings-overlay" }, `Findings overlay: ${marked} shown resource${marked === 1 ? "" : "s"} with open findings (border: worst severity).`));
    } catch (err) {
      clear(this.modeBox, errorNote(err));
    }
  }

  async costOverlay(on) {
    this.cy.nodes().removeData("costSize");
    if (!on) return;
    if (!this.need("resourceCost")) return;
    const ids = this.cy.nodes().filter((n) => !n.hasClass("group") && !n.hasClass("internet")).map((n) => n.id()).slice(0, 200);
    try {
      const costs = new Map();
      for (let i = 0; i < ids.length; i += 20) {
        const part = ids.slice(i, i + 20);
        const doc = `query(${part.map((_, j) => `$i${j}: ID!`).join(", ")}) { ${part.map((_, j) => `c${j}: resourceCost(id: $i${j}) { id monthlyUsd }`).join(" ")} }`;
        const vars = Object.fromEntries(part.map((id, j) => [`i${j}`, id]));
        const data = await query(doc, vars);
        for (const v of Object.values(data)) if (v && v.monthlyUsd !== null) costs.set(v.id, v.monthlyUsd);
      }
      const max = Math.max(1, ...costs.values());
      let total = 0;
      for (const [id, c] of costs) {
        total += c;
        this.cy.getElementById(id).data("costSize", 16 + 40 * Math.sqrt(c / max));
      }
      clear(this.modeBox, el("p", { id: "cost-overlay" }, `Cost overlay: node size by estimated monthly cost; shown resources total ${usd(total)}/month.`));
    } catch (err) {
      clear(this.modeBox, errorNote(err));
    }
  }

  /** Compound nodes: by account (from the refs), or by VPC / subnet / resource group (from the relationships). */
  async group(by) {
    this.groupBy = by;
    const members = this.cy.nodes().filter((n) => !n.hasClass("group"));
    members.move({ parent: null });
    this.cy.$("node.group").remove();
    if (by === "none") return this.layout();
    const parentOf = new Map();
    const labels = new Map();
    if (by === "account") {
      members.forEach((n) => { if (n.data("account")) { parentOf.set(n.id(), `g:${n.data("account")}`); labels.set(`g:${n.data("account")}`, `${n.data("provider")} account ${accountLabel(n.data("account"))}`); } });
    } else {
      if (!this.caps.has("subgraph")) return status(this.status, "Grouping is not available: this server has no `subgraph` field.", true);
      const ids = members.map((n) => n.id()).filter((i) => i !== "internet").slice(0, 500);
      if (!ids.length) return;
      let sub;
      try {
        sub = (await query("query($ids: [ID!]!) { subgraph(ids: $ids, depth: 1, limit: 2000) }", { ids })).subgraph;
      } catch (err) {
        return status(this.status, err.message, true);
      }
      const names = new Map(sub.nodes.map((n) => [n.id, n.name]));
      const types = PARENT_TYPES[by];
      const viaSubnet = new Map(); // subnet -> vpc, for resources in a subnet when grouping by VPC
      for (const e of sub.edges) if (e.type === "IN_VPC" || e.type === "IN_VNET" || e.type === "IN_NETWORK") viaSubnet.set(e.source, e.target);
      for (const e of sub.edges) {
        if (!types.includes(e.type) || this.cy.getElementById(e.source).empty()) continue;
        parentOf.set(e.source, `g:${e.target}`);
        labels.set(`g:${e.target}`, names.get(e.target) || e.target);
      }
      if (by === "vpc") {
        for (const e of sub.edges) {
          if ((e.type === "IN_SUBNET" || e.type === "IN_SUBNETWORK") && !parentOf.has(e.source) && viaSubnet.has(e.target) && this.cy.getElementById(e.source).nonempty()) {
            const vpc = viaSubnet.get(e.target);
            parentOf.set(e.source, `g:${vpc}`);
            labels.set(`g:${vpc}`, names.get(vpc) || vpc);
          }
        }
        // the network itself sits in its own group
        for (const g of labels.keys()) if (this.cy.getElementById(g.slice(2)).nonempty()) parentOf.set(g.slice(2), g);
      }
      if (by === "rg") {
        members.forEach((n) => {
          const m = /\/resourcegroups\/([^/]+)/i.exec(n.id());
          if (m && !parentOf.has(n.id())) { parentOf.set(n.id(), `g:rg:${m[1].toLowerCase()}`); labels.set(`g:rg:${m[1].toLowerCase()}`, `resource group ${m[1].toLowerCase()}`); }
        });
      }
    }
    this.cy.batch(() => {
      for (const [gid, label] of labels) this.cy.add({ group: "nodes", data: { id: gid, label: `${label}`, kind: "group" }, classes: "group" });
      for (const [id, gid] of parentOf) this.cy.getElementById(id).move({ parent: gid });
    });
    status(this.status, `${labels.size} group${labels.size === 1 ? "" : "s"}; ${members.length - parentOf.size} resource${members.length - parentOf.size === 1 ? "" : "s"} outside any`);
    this.layout();
  }
}
