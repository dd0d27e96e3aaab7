// The Paths screen (`#paths?from=&to=&port=&protocol=`). Two separate questions, labelled as such:
// - "Can A reach B on port P, and how": the API's networkPath, its hops drawn left to right, each with the route,
//   ACL or security rule that lets the traffic through, or the reason when it cannot;
// - "How are A and B related": shortestPath over any relationship, each step in its stored direction. A relation
//   is not a network path (a shared subnet lets nothing through).
// And the detail panel's "Who can reach this?" part, which links here.
import { accountLabel } from "./accounts.js";
import { query } from "./api.js";
import { resourceLink } from "./finding.js";
import { go, href } from "./route.js";
import { $, clear, el, errorNote, notAvailable, plural } from "./util.js";

const REF = "id kind name provider account region";
const INTERNET = "internet";

const where = (r) => `${r.kind} · ${r.provider} · ${accountLabel(r.account)} · ${r.region}`;

/** Resolve what was typed (an id, a name, or `internet`) to one resource, or to the candidates to ask back. */
async function resolve(text) {
  if (text.toLowerCase() === INTERNET) return { ref: { id: INTERNET, name: "Internet", kind: "Internet", provider: "", account: "", region: "" } };
  const found = (await query(`query($n: String!) { resourceCandidates(name: $n) { ${REF} } }`, { n: text })).resourceCandidates;
  if (found.length === 1) return { ref: found[0] };
  return { candidates: found };
}

function askBack(field, text, candidates, params) {
  if (!candidates.length) return el("p", { className: "error", id: `np-none-${field}` }, `No resource is named or has the id “${text}”: pick one from the suggestions while typing.`);
  return el("div", { id: `np-choose-${field}` },
    el("p", {}, `“${text}” names ${plural(candidates.length, "resource")}; which one?`),
    el("ul", {}, candidates.map((c) => el("li", {}, el("button", { type: "button", "data-id": c.id, onclick: () => go("paths", { ...params, [field]: c.id }) }, c.name),
      el("span", { className: "muted" }, ` ${where(c)}`)))));
}

const isResource = (node) => Boolean(node && node.kind && node.kind !== "Internet");

/** The hops of a networkPath answer as a left-to-right list: every resource once, the arrow before it naming
 * what lets the traffic through, one line per route, ACL or security rule (rules are not drawn as resources). */
function networkHops(p) {
  const internet = p.source.id === INTERNET || p.source.kind === "Internet";
  const nodes = [{ id: p.source.id, name: internet ? "Internet" : p.source.name, kind: internet ? "" : p.source.kind, internet }];
  let pending = [];
  for (const h of p.hops) {
    pending.push(h);
    if (!isResource(h.node) || h.node.id === nodes[nodes.length - 1].id) continue;
    nodes.push({ id: h.node.id, name: h.node.name, kind: h.node.kind, via: pending });
    pending = [];
  }
  if (pending.length && nodes.length > 1) nodes[nodes.length - 1].via.push(...pending);
  else if (pending.length) nodes.push({ id: p.target.id, name: p.target.name, kind: p.target.kind, via: pending });
  const out = el("ol", { className: "hops", id: "np-hops" });
  nodes.forEach((n, i) => {
    if (i > 0) {
      out.append(el("li", { className: "hop-arrow" },
        n.via.map((h) => el("span", { className: "np-allows" }, h.allows, h.ruleId ? [el("br"), el("code", {}, h.ruleId)] : "")), el("span", { "aria-hidden": "true" }, "→")));
    }
    out.append(el("li", { className: `hop-node${n.internet ? " internet" : ""}`, "data-id": n.id },
      n.internet ? el("b", {}, n.name) : el("a", { href: resourceLink(n.id) }, n.name), el("br"), el("span", { className: "muted" }, n.kind || "")));
  });
  return out;
}

function networkAnswer(p) {
  const rows = p.hops.map((h) => el("tr", {}, el("td", {}, isResource(h.node) ? el("a", { href: resourceLink(h.node.id) }, h.node.name) : el("span", { className: "muted" }, h.node ? "(rule)" : "(route)")),
    el("td", {}, h.allows), el("td", {}, h.ruleId ? el("code", {}, h.ruleId) : "")));
  return el("div", { id: "np-answer", "data-reachable": p.reachable ? "1" : "0" },
    el("p", { id: "np-verdict", className: p.reachable ? "" : "error" },
      el("b", {}, p.reachable ? "Reachable" : "Not reachable"),
      `: ${p.source.name} → ${p.target.name} on ${p.protocol} ${p.port}`,
      p.reachable && p.ports ? el("span", { className: "muted" }, ` (the path lets through ${p.ports})`) : ""),
    p.reachable ? "" : el("p", { id: "np-reason" }, p.reason),
    p.hops.length ? [networkHops(p),
      el("table", { className: "grid", id: "np-hop-table" }, el("thead", {}, el("tr", {}, ["hop", "what lets the traffic through", "rule"].map((h) => el("th", {}, h)))), el("tbody", {}, rows))] : "");
}

async function related(box, a, b) {
  clear(box, el("p", { className: "muted" }, "loading…"));
  try {
    const p = (await query(`query($a: ID!, $b: ID!) { shortestPath(fromId: $a, toId: $b, maxDepth: 10) { length nodes { ${REF} } steps { fromId toId type edgeForward via reason } } }`, { a: a.id, b: b.id })).shortestPath;
    if (!p) return clear(box, el("p", { id: "np-related-none" }, "No relation within 10 hops."));
    const name = (id) => p.nodes.find((n) => n.id === id)?.name || id;
    clear(box, el("p", {}, `${plural(p.length, "relationship")}, each drawn in its stored direction:`),
      el("ol", { id: "np-related-steps", className: "steps" }, p.steps.map((s) => el("li", { "data-forward": s.edgeForward ? "1" : "0" },
        s.edgeForward ? `${name(s.fromId)} —${s.type}→ ${name(s.toId)}` : `${name(s.fromId)} ←${s.type}— ${name(s.toId)}`,
        s.via || s.reason ? el("span", { className: "muted" }, ` (${[s.via, s.reason].filter(Boolean).join(": ")})`) : ""))));
  } catch (err) {
    clear(box, errorNote(err));
  }
}

let suggestTimer = 0;

function suggest(input, list) {
  clearTimeout(suggestTimer);
  const text = input.value.trim();
  if (text.length < 2 || text.toLowerCase() === INTERNET) return;
  suggestTimer = setTimeout(async () => {
    try {
      const found = (await query(`query($s: String!) { resources(filter: {search: $s}, first: 15) { edges { node { ${REF} } } } }`, { s: text })).resources.edges;
      clear(list, el("option", { value: INTERNET }, "the internet"), found.map(({ node: r }) => el("option", { value: r.id }, `${r.name} · ${where(r)}`)));
    } catch {
      // suggestions are a help only: the check itself reports errors
    }
  }, 250);
}

/** The Paths screen for the address's parameters. */
export async function renderPaths(root, caps, params) {
  if (!caps.has("networkPath")) return clear(root, el("div", { className: "card" }, notAvailable("networkPath")));
  const p = { from: params.get("from") || "", to: params.get("to") || "", port: params.get("port") || "", protocol: params.get("protocol") || "tcp" };
  const field = (name, label, hint) => {
    const input = el("input", { id: `np-${name}`, name, value: p[name], list: `np-suggest-${name}`, placeholder: hint, autocomplete: "off", "aria-label": label, required: true });
    const list = el("datalist", { id: `np-suggest-${name}` }, el("option", { value: INTERNET }, "the internet"));
    input.addEventListener("input", () => suggest(input, list));
    return el("label", {}, `${label} `, input, list);
  };
  const form = el("form", { id: "np-form", className: "toolbar", onsubmit: (e) => {
    e.preventDefault();
    go("paths", { from: $("#np-from").value.trim(), to: $("#np-to").value.trim(), port: $("#np-port").value.trim(), protocol: $("#np-protocol").value });
  } },
  field("from", "From", "internet, or a resource name or id"), field("to", "To", "a resource name or id"),
  el("label", {}, "Port ", el("input", { id: "np-port", name: "port", type: "number", min: 1, max: 65535, value: p.port, required: true, "aria-label": "Port", style: "width:6rem" })),
  el("label", {}, "Protocol ", el("select", { id: "np-protocol", "aria-label": "Protocol" }, ["tcp", "udp"].map((v) => el("option", { value: v, selected: v === p.protocol }, v)))),
  el("button", { id: "np-check", type: "submit" }, "Check"));
  const result = el("div", { id: "np-result" });
  const relatedBox = el("div", { id: "np-related" });
  const relatedCard = el("section", { className: "card", id: "np-related-card", hidden: true },
    el("h2", {}, "How are they related?"),
    el("p", { className: "muted" }, "Any relationship in the graph (containment, attachment, access, ...), each in its stored direction. This is not a network path: being related lets no traffic through."),
    relatedBox);
  clear(root, el("section", { className: "card", id: "np-card" },
    el("h2", {}, "Network path: can A reach B on a port, and how?"),
    el("p", { className: "muted" }, "Routes, network ACLs and security rules evaluated hop by hop, as the exposure engine does from the internet. Only the network counts: shared subnets or IAM grants make no path."),
    form, result), relatedCard);
  if (!p.from || !p.to || !p.port) {
    (p.to ? (p.from ? $("#np-port") : $("#np-from")) : $("#np-to"))?.focus();
    return;
  }
  clear(result, el("p", { className: "muted" }, "checking…"));
  try {
    const [from, to] = await Promise.all([resolve(p.from), resolve(p.to)]);
    if (!from.ref || !to.ref) {
      return clear(result, from.ref ? "" : askBack("from", p.from, from.candidates, p), to.ref ? "" : askBack("to", p.to, to.candidates, p));
    }
    const answer = (await query(`query($a: ID!, $b: ID!, $port: Int!, $proto: String!) { networkPath(fromId: $a, toId: $b, port: $port, protocol: $proto) {
      protocol port reachable ports reason source { ${REF} } target { ${REF} } hops { allows ruleId node { ${REF} } } } }`,
    { a: from.ref.id, b: to.ref.id, port: Number(p.port), proto: p.protocol })).networkPath;
    clear(result, networkAnswer(answer));
    if (from.ref.id !== INTERNET && caps.has("shortestPath")) {
      relatedCard.hidden = false;
      clear(relatedBox, el("button", { id: "np-related-show", type: "button", onclick: () => related(relatedBox, from.ref, to.ref) },
        `Show how ${from.ref.name} and ${to.ref.name} are related`));
    }
  } catch (err) {
    clear(result, errorNote(err));
  }
}

/** The detail panel's "Who can reach this?" part for resource `r`: the resources that have a network route to
 * it (derived REACHES edges), each a link to its network path, and a form-link for any other source. */
export function reachPart(r) {
  const box = el("div", { id: "detail-reach" },
    el("p", {}, el("a", { id: "detail-reach-from", href: href("paths", { to: r.id }) }, "Reach from…"),
      el("span", { className: "muted" }, " any resource or the internet, on a port you choose")));
  const list = el("ul", { id: "detail-reach-list" });
  box.append(list);
  query(`query($id: ID!) { resource(id: $id) { neighbors(direction: IN, types: ["REACHES"], first: 25) { node { id kind ... on Resource { name } } } } }`, { id: r.id })
    .then((d) => {
      const from = d.resource?.neighbors || [];
      if (!from.length) return list.replaceWith(el("p", { className: "muted" }, "No resource of the estate has a network route to it (the internet: see Exposure)."));
      list.before(el("p", {}, `${plural(from.length, "resource")} can open a connection to it:`));
      for (const { node: n } of from) list.append(el("li", {}, el("a", { href: href("paths", { from: n.id, to: r.id }), "data-id": n.id }, n.name || n.id), el("span", { className: "muted" }, ` ${n.kind}`)));
    })
    .catch((err) => list.replaceWith(errorNote(err)));
  return box;
}
