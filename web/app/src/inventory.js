// The Inventory tab: every resource matching the filters in a sortable table paged through the API's cursors,
// with a choice of columns, CSV / JSON export of the rows shown, facets counted within the other filters (each
// value a link), the detail panel of the selected row, and the page drawn in Explore on request.
// The filters, sort and columns live in the address (#inventory?account=...&region=...&sort=name).
import { accountLabel } from "./accounts.js";
import { query } from "./api.js";
import { renderDetail } from "./detail.js";
import { href, list } from "./route.js";
import { activatable, clear, download, el, errorNote, notAvailable, num, status, usd } from "./util.js";

// column -> [header, sort property (null: not sortable), cell text]
export const COLUMNS = {
  name: ["name", "name", (r) => r.name],
  kind: ["kind", "kind", (r) => r.kind],
  provider: ["cloud", "provider", (r) => r.provider],
  account: ["account", "account", (r) => accountLabel(r.account)],
  region: ["region", "region", (r) => r.region],
  cost: ["$ / month", "monthly_cost_usd", (r) => (typeof r.properties?.monthly_cost_usd === "number" ? usd(r.properties.monthly_cost_usd) : "")],
  tags: ["tags", null, (r) => r.tags.map((t) => `${t.key}=${t.value}`).join(" ")],
  firstSeen: ["first seen", "first_seen", (r) => (r.firstSeen || "").slice(0, 19).replace("T", " ")],
  lastSeen: ["last seen", "last_seen", (r) => (r.lastSeen || "").slice(0, 19).replace("T", " ")],
  id: ["id", "id", (r) => r.id],
};
const DEFAULT_COLUMNS = ["name", "kind", "account", "region", "cost"];
// facet in the address -> the filter's field and the facets' list
const FACETS = [["provider", "providers", "Cloud"], ["account", "accounts", "Account"], ["region", "regions", "Region"], ["kind", "kinds", "Kind"]];

export function filterOf(params, without = null) {
  const f = {};
  for (const [name, field] of FACETS) {
    const values = list(params, name);
    if (name !== without && values.length) f[field] = values;
  }
  const tag = params.get("tag")?.match(/^([^=]+)=(.*)$/);
  if (tag) f.tags = [{ key: tag[1], value: tag[2] || null }];
  else if (params.get("tag")) f.tags = [{ key: params.get("tag"), value: null }];
  if (params.get("q")) f.search = params.get("q");
  return f;
}

const keep = (params, changes) => {
  const next = Object.fromEntries(params.entries());
  delete next.select;
  for (const [k, v] of Object.entries(changes)) {
    if (v === null || v === "" || (Array.isArray(v) && !v.length)) delete next[k];
    else next[k] = Array.isArray(v) ? v.join(",") : v;
  }
  return next;
};

function csvCell(v) {
  const s = String(v ?? "");
  return /[",\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
}

export class Inventory {
  constructor(root, caps, { showInGraph, blast, expand }) {
    this.root = root;
    this.caps = caps;
    this.hooks = { showInGraph, blast, expand };
    this.rows = [];
  }

  columns() {
    const chosen = list(this.params, "cols").filter((c) => COLUMNS[c]);
    return chosen.length ? chosen : DEFAULT_COLUMNS;
  }

  async open(params) {
    if (!this.caps.has("resources")) return clear(this.root, notAvailable("resources"));
    this.params = params;
    this.cursors = [null];
    this.page = 0;
    this.size = Math.min(500, Math.max(10, Number(params.get("size")) || 50));
    this.build();
    await Promise.all([this.loadFacets(), this.load()]);
    if (params.get("select")) this.select(params.get("select"));
  }

  build() {
    const p = this.params;
    const search = el("input", { id: "inv-search", type: "search", value: p.get("q") || "", placeholder: "name or id", "aria-label": "search" });
    const tag = el("input", { id: "inv-tag", value: p.get("tag") || "", placeholder: "tag key=value", size: 12, "aria-label": "tag" });
    const form = el("form", { id: "inv-form", className: "toolbar", onsubmit: (e) => {
      e.preventDefault();
      location.hash = href("inventory", keep(p, { q: search.value.trim(), tag: tag.value.trim() }));
    } }, search, tag, el("button", { type: "submit", id: "inv-go" }, "Search"));
    const cols = this.columns();
    const chooser = el("details", { className: "columns", id: "inv-columns", open: this.columnsOpen, ontoggle: () => { this.columnsOpen = chooser.open; } }, el("summary", {}, "Columns"),
      Object.entries(COLUMNS).map(([key, [label]]) => el("label", {}, el("input", { type: "checkbox", value: key, checked: cols.includes(key),
        onchange: () => { location.hash = href("inventory", keep(p, { cols: [...chooser.querySelectorAll("input:checked")].map((i) => i.value) })); } }), ` ${label}`)));
    const sizeSel = el("select", { id: "inv-size", "aria-label": "rows per page", onchange: () => { location.hash = href("inventory", keep(p, { size: sizeSel.value })); } },
      [25, 50, 100, 200].map((n) => el("option", { value: n, selected: n === this.size }, `${n} / page`)));
    this.status = el("p", { id: "inv-status", className: "muted", role: "status" });
    this.facetBox = el("aside", { className: "side facets", id: "inv-facets" }, el("p", { className: "muted" }, "loading…"));
    this.table = el("table", { className: "grid sortable", id: "inv-table" });
    this.prev = el("button", { id: "inv-prev", type: "button", onclick: () => this.turn(-1) }, "← Previous");
    this.next = el("button", { id: "inv-next", type: "button", onclick: () => this.turn(1) }, "Next →");
    this.detail = el("aside", { id: "inv-detail", className: "detail" }, el("p", { className: "muted" }, "Select a row for its details."));
    const chosen = FACETS.flatMap(([name, , label]) => list(p, name).map((v) => el("a", { className: "chip on", href: href("inventory", keep(p, { [name]: list(p, name).filter((x) => x !== v) })) },
      `${label.toLowerCase()} ${name === "account" ? accountLabel(v) : v} ✕`)));
    clear(this.root, el("div", { className: "inventory" }, this.facetBox,
      el("section", { className: "card" },
        el("div", { className: "toolbar" }, el("h2", {}, "Inventory"), form),
        el("div", { className: "toolbar", id: "inv-chosen" }, chosen, p.get("tag") ? el("span", { className: "chip on" }, `tag ${p.get("tag")}`) : "",
          chosen.length || p.get("q") || p.get("tag") ? el("a", { href: "#inventory", id: "inv-reset" }, "clear filters") : ""),
        el("div", { className: "toolbar" }, chooser, sizeSel,
          el("button", { type: "button", id: "inv-csv", onclick: () => this.export("csv") }, "Export CSV"),
          el("button", { type: "button", id: "inv-json", onclick: () => this.export("json") }, "Export JSON"),
          el("button", { type: "button", id: "inv-graph", onclick: () => this.hooks.showInGraph(this.rows.map((r) => r.id)) }, "Show in graph")),
        this.status,
        el("div", { className: "table-wrap" }, this.table),
        el("div", { className: "toolbar" }, this.prev, this.next)),
      this.detail));
  }

  async loadFacets() {
    if (!this.caps.has("resourceFacets")) return clear(this.facetBox, notAvailable("resourceFacets"));
    const vars = FACETS.map(([name]) => `$${name}: ResourceFilterInput`).join(", ");
    const parts = FACETS.map(([name, field]) => `${name}: resourceFacets(filter: $${name}) { ${field} { value count } }`);
    try {
      const d = await query(`query(${vars}) { ${parts.join(" ")} }`, Object.fromEntries(FACETS.map(([name]) => [name, filterOf(this.params, name)])));
      clear(this.facetBox, FACETS.map(([name, field, label]) => {
        const chosen = list(this.params, name);
        const values = d[name][field];
        return el("div", { className: "facet", id: `if-${name}` }, el("h3", {}, label),
          el("ul", { className: "chips" }, values.slice(0, 150).map((v) => el("li", {}, el("a", {
            className: chosen.includes(v.value) ? "chip on" : "chip", "data-value": v.value,
            href: href("inventory", keep(this.params, { [name]: chosen.includes(v.value) ? chosen.filter((x) => x !== v.value) : [...chosen, v.value] })),
          }, name === "account" ? accountLabel(v.value) : v.value || "(none)", " ", el("b", {}, num(v.count)))))));
      }));
    } catch (err) {
      clear(this.facetBox, errorNote(err));
    }
  }

  async load() {
    const cols = this.columns();
    const sortKey = this.params.get("sort");
    const sort = sortKey ? { property: sortKey, descending: this.params.get("desc") === "1" } : null;
    const props = cols.includes("cost") ? " properties" : "";
    status(this.status, "loading…");
    try {
      const r = (await query(`query($f: ResourceFilterInput, $n: Int!, $a: String, $s: ResourceSortInput) {
        resources(filter: $f, first: $n, after: $a, sort: $s) { totalCount pageInfo { hasNextPage endCursor }
          edges { node { id kind name provider account region tags { key value } firstSeen lastSeen${props} } } } }`,
      { f: filterOf(this.params), n: this.size, a: this.cursors[this.page], s: sort })).resources;
      this.rows = r.edges.map((e) => e.node);
      this.cursors[this.page + 1] = r.pageInfo.endCursor;
      this.total = r.totalCount;
      const from = this.page * this.size;
      status(this.status, this.rows.length ? `rows ${num(from + 1)} to ${num(from + this.rows.length)} of ${num(r.totalCount)}` : "no resource matches");
      this.prev.disabled = this.page === 0;
      this.next.disabled = !r.pageInfo.hasNextPage;
      this.draw(cols, sortKey);
    } catch (err) {
      status(this.status, err.message, true);
    }
  }

  draw(cols, sortKey) {
    const desc = this.params.get("desc") === "1";
    const head = cols.map((c) => {
      const [label, prop] = COLUMNS[c];
      if (!prop) return el("th", {}, label);
      const on = sortKey === prop;
      const target = href("inventory", keep(this.params, { sort: prop, desc: on && !desc ? "1" : null }));
      return el("th", { "aria-sort": on ? (desc ? "descending" : "ascending") : "none", "data-col": c },
        el("a", { href: target, id: `inv-sort-${c}` }, label, on ? (desc ? " ▼" : " ▲") : ""));
    });
    clear(this.table, el("thead", {}, el("tr", {}, head)),
      el("tbody", {}, this.rows.map((r) => activatable(el("tr", { "data-id": r.id, className: r.id === this.current ? "selected" : "" },
        cols.map((c) => el("td", { className: c === "cost" ? "num" : "" }, COLUMNS[c][2](r)))), () => this.select(r.id), `${r.name} (${r.kind})`))));
  }

  turn(step) {
    this.page = Math.max(0, this.page + step);
    this.load();
  }

  /** The rows shown, with the columns shown (what the export writes). */
  shown() {
    const cols = this.columns();
    return { cols, rows: this.rows.map((r) => Object.fromEntries(cols.map((c) => [c, c === "cost" ? r.properties?.monthly_cost_usd ?? null : c === "tags" ? r.tags.map((t) => `${t.key}=${t.value}`) : c === "account" ? r.account : COLUMNS[c][2](r)]))) };
  }

  export(format) {
    const { cols, rows } = this.shown();
    const name = `aidiscover-inventory-page${this.page + 1}.${format}`;
    if (format === "json") return download(name, "application/json", JSON.stringify(rows, null, 2));
    const lines = [cols.join(","), ...rows.map((r) => cols.map((c) => csvCell(Array.isArray(r[c]) ? r[c].join(" ") : r[c])).join(","))];
    download(name, "text/csv", `${lines.join("\n")}\n`);
  }

  async select(id) {
    this.current = id;
    for (const tr of this.table.querySelectorAll("tbody tr")) tr.classList.toggle("selected", tr.dataset.id === id);
    history.replaceState(null, "", href("inventory", { ...Object.fromEntries(this.params.entries()), select: id }));
    await renderDetail(this.detail, this.caps, id, { expand: () => this.hooks.expand(id), blast: () => this.hooks.blast(id) });
  }
}
