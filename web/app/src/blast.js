// "What breaks if this fails": the casualties of one resource's failure as the API's blastRadius answers them,
// grouped down, then degraded, the direct casualties first, each with its cloud, account, region and the path
// that makes it a casualty (every step with the rule, mapping or statement that explains it).
import { accountLabel } from "./accounts.js";
import { href } from "./route.js";
import { el, plural } from "./util.js";

const SHOWN = 25; // casualties listed per group; the rest are counted

const REF = "id name kind provider account region";

/** The blastRadius selection the panel needs (its `$id` variable is the failed resource). */
export const BLAST_FIELD = `blastRadius(id: $id, maxDepth: 6, first: 1000) { total truncated direct root { ${REF} }
  byKind { key count } byStatus { key count }
  nodes { distance status direct node { ${REF} } path { fromId toId type edgeForward via reason } } }`;

const GROUPS = [
  ["down", "Down", "cannot work without it"],
  ["degraded", "Degraded", "work with less"],
];

function order(a, b) {
  return Number(Boolean(b.direct)) - Number(Boolean(a.direct)) || a.distance - b.distance || a.node.name.localeCompare(b.node.name);
}

function stepItem(s, name) {
  const [from, to] = s.edgeForward === false ? [s.toId, s.fromId] : [s.fromId, s.toId]; // in its stored direction
  return el("li", { className: "blast-step", "data-type": s.type },
    `${name(from)} `, el("b", {}, `—${s.type}→`), ` ${name(to)}`,
    s.via ? [el("br"), el("code", {}, s.via)] : "", s.reason ? [el("br"), el("span", { className: "muted" }, s.reason)] : "");
}

function casualty(n, name) {
  const r = n.node;
  const chain = n.path.length ? n.path.map((s) => s.type).join(" · ") : "";
  return el("li", { className: "casualty", "data-id": r.id, "data-status": n.status || "", "data-direct": n.direct ? "1" : "0" },
    el("a", { href: href("inventory", { select: r.id }) }, r.name),
    " ", el("span", { className: `tag-${n.direct ? "direct" : "transitive"}` }, n.direct ? "direct" : `through others, ${plural(n.distance, "hop")}`),
    el("br"),
    el("span", { className: "muted where" }, `${r.kind} · ${r.provider} · ${accountLabel(r.account)} · ${r.region}`),
    n.path.length ? el("details", { className: "blast-why" }, el("summary", {}, `why: ${chain}`),
      el("ol", { className: "blast-path" }, n.path.map((s) => stepItem(s, name)))) : "");
}

/** The "What breaks if this fails" part of the detail panel for a blastRadius answer `b` (null: not computed);
 * `draw` (optional) draws it in the graph. */
export function blastPart(b, draw) {
  if (!b) return el("p", { className: "muted" }, "not computed");
  const names = new Map([[b.root.id, b.root.name], ...b.nodes.map((n) => [n.node.id, n.node.name])]);
  const name = (id) => names.get(id) || id.split(/[/:]/).filter(Boolean).pop() || id;
  const status = (key) => b.byStatus.find((s) => s.key === key)?.count || 0;
  const head = el("p", {}, el("b", { id: "detail-blast-count" }, b.total === 0 ? "Nothing" : plural(b.total, "resource")),
    ` ${b.total === 1 ? "depends" : "depend"} on it${b.truncated ? " (at least)" : ""}`,
    b.total ? el("span", { id: "detail-blast-summary" }, `: ${status("down")} down, ${status("degraded")} degraded; ${b.direct} direct`) : "",
    b.byKind.length ? el("span", { className: "muted" }, ` (${b.byKind.map((k) => `${k.key} ${k.count}`).join(", ")})`) : "");
  const groups = GROUPS.map(([key, title, meaning]) => {
    const all = b.nodes.filter((n) => (n.status || "down") === key).sort(order);
    if (!all.length) return "";
    const shown = all.slice(0, SHOWN);
    return el("div", { className: "blast-group", id: `detail-blast-${key}` },
      el("h4", {}, `${title}: ${all.length}`, el("span", { className: "muted" }, ` (${meaning})`)),
      el("ul", { className: "casualties" }, shown.map((n) => casualty(n, name))),
      all.length > shown.length ? el("p", { className: "muted" }, `${plural(all.length - shown.length, "more")} ${title.toLowerCase()}`) : "");
  });
  return [head, ...groups,
    draw && b.total ? el("button", { id: "detail-blast-graph", type: "button", onclick: draw }, "Draw the blast radius") : ""];
}
