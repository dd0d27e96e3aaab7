// The detail panel of one resource: properties, tags, findings, cost, what breaks if it fails (its blast radius),
// who can reach it (links to the network-path screen) and its history timeline; each part is asked for only when
// the server has its field. The panel always shows the resource selected last: an answer that arrives after a
// newer selection is dropped.
import { accountLabel } from "./accounts.js";
import { request } from "./api.js";
import { BLAST_FIELD, blastPart } from "./blast.js";
import { reachPart } from "./netpath.js";
import { href } from "./route.js";
import { clear, el, errorNote, notAvailable, usd } from "./util.js";

function fragmentFor(caps) {
  const parts = ["resource(id: $id) { id kind name provider account region firstSeen lastSeen properties tags { key value } }"];
  if (caps.has("findings")) parts.push("findings(filter: {resourceId: $rid}, first: 50) { totalCount edges { node { id severity title status ruleId } } }");
  if (caps.has("blastRadius")) parts.push(BLAST_FIELD);
  if (caps.has("resourceCost")) parts.push("resourceCost(id: $id) { monthlyUsd basis }");
  if (caps.has("resourceHistory")) parts.push("resourceHistory(id: $id, first: 50) { change at jobId properties { name old new } }");
  const vars = caps.has("findings") ? "$id: ID!, $rid: String" : "$id: ID!";
  return `query(${vars}) { ${parts.join(" ")} }`;
}

const SHOWN = new Set(["id", "kind", "name", "provider", "account", "region", "tags", "first_seen", "last_seen", "last_sync"]);

const latest = new WeakMap(); // panel -> the id it should show

export async function renderDetail(box, caps, id, { expand, blast }) {
  latest.set(box, id);
  clear(box, el("p", { className: "muted" }, "loading…"));
  let data;
  let errors;
  try {
    ({ data, errors } = await request(fragmentFor(caps), caps.has("findings") ? { id, rid: id } : { id }));
  } catch (err) {
    if (latest.get(box) === id) clear(box, errorNote(err));
    return;
  }
  if (latest.get(box) !== id) return; // another resource was selected meanwhile
  const r = data.resource;
  if (!r) return clear(box, el("p", { className: "error" }, `No resource with id ${id} (deleted since?).`));
  const props = Object.entries(r.properties || {}).filter(([k, v]) => !SHOWN.has(k) && v !== null && v !== "" && !(Array.isArray(v) && !v.length));
  const section = (title, field, body) => el("section", { className: "part", id: `detail-${field}` }, el("h3", {}, title), caps.has(field) ? body() : notAvailable(field));
  clear(box,
    el("h2", { id: "detail-name" }, r.name),
    el("p", { className: "muted" }, `${r.kind} · ${r.provider} · ${accountLabel(r.account)} · ${r.region}`),
    el("p", { className: "id" }, el("code", {}, r.id)),
    el("div", { className: "row" }, el("button", { id: "expand", type: "button", onclick: expand }, "Expand neighbours")),
    errors.length ? el("p", { className: "error" }, errors[0]) : "",
    el("section", { className: "part" }, el("h3", {}, "Tags"),
      r.tags.length ? el("ul", { className: "tags" }, r.tags.map((t) => el("li", {}, `${t.key}=${t.value}`))) : el("p", { className: "muted" }, "none")),
    section("Cost", "resourceCost", () => data.resourceCost
      ? el("p", {}, el("b", {}, data.resourceCost.monthlyUsd === null ? "not priced" : `${usd(data.resourceCost.monthlyUsd)} / month`), el("br"), el("span", { className: "muted" }, data.resourceCost.basis))
      : el("p", { className: "muted" }, "no estimate")),
    section("Findings", "findings", () => data.findings?.edges.length
      ? el("ul", { className: "findings" }, data.findings.edges.map(({ node: f }) => el("li", { className: `sev-${f.severity}` }, el("b", {}, f.severity), " ", el("a", { href: href("finding", { id: f.id }) }, f.title), f.status !== "open" ? ` (${f.status})` : "")))
      : el("p", { className: "muted" }, "none")),
    section("What breaks if this fails (what depends on it)", "blastRadius", () => blastPart(data.blastRadius, blast)),
    section("Who can reach this?", "networkPath", () => reachPart(r)),
    section("History", "resourceHistory", () => data.resourceHistory?.length
      ? el("ol", { className: "timeline" }, data.resourceHistory.map((c) => el("li", {}, el("b", {}, c.change), ` ${c.at.replace("T", " ").slice(0, 19)}`,
        c.properties.length ? el("span", { className: "muted" }, ` — ${c.properties.map((p) => p.name).join(", ")}`) : "")))
      : el("p", { className: "muted" }, "no change recorded")),
    el("section", { className: "part" }, el("h3", {}, "Properties"),
      el("table", { className: "props" }, props.map(([k, v]) => el("tr", {}, el("th", {}, k), el("td", {}, typeof v === "object" ? JSON.stringify(v) : String(v)))))),
  );
}
