// One finding's page: what it is about and every resource involved, its toxic path drawn hop by hop from the
// internet to the asset, the rule's description, remediation, fix command and benchmark references, its
// history, and suppress / unsuppress (operator role; the API refuses the viewer role too).
import { accountLabel } from "./accounts.js";
import { query } from "./api.js";
import { severityBadge } from "./findings.js";
import { href } from "./route.js";
import { clear, el, errorNote, notAvailable, status } from "./util.js";

const FIELDS = `id ruleId title severity status provider resourceId resourceKind resourceName account region firstSeen lastSeen
  resolvedAt reopenedCount suppressedBy pathIds pathRels remediation command benchmarks`;

/** The resources these ids name (ids that are not resources, such as the internet, are left out). */
export async function refsOf(ids) {
  let wanted = [...new Set(ids)];
  while (wanted.length) {
    try {
      const sub = (await query("query($ids: [ID!]!) { subgraph(ids: $ids, depth: 0, limit: 500) }", { ids: wanted })).subgraph;
      return new Map(sub.nodes.map((n) => [n.id, n]));
    } catch (err) {
      const missing = /no resource with id '(.*?)'/.exec(err.message)?.[1];
      if (!missing || !wanted.includes(missing)) throw err;
      wanted = wanted.filter((i) => i !== missing);
    }
  }
  return new Map();
}

const when = (t) => (t ? t.replace("T", " ").slice(0, 19) : "—");

/** A path drawn left to right: each node a box, each hop an arrow labelled with why it passes. */
export function hopList(nodes, id) {
  const out = el("ol", { className: "hops", id });
  nodes.forEach((n, i) => {
    if (i > 0) out.append(el("li", { className: "hop-arrow", "aria-hidden": "true" }, el("span", {}, n.via || ""), "→"));
    out.append(el("li", { className: `hop-node${n.internet ? " internet" : ""}`, "data-id": n.id || "" },
      n.link ? el("a", { href: n.link }, n.name) : el("b", {}, n.name), el("br"), el("span", { className: "muted" }, n.kind || "")));
  });
  return out;
}

export const resourceLink = (id) => href("inventory", { select: id });

function suppressForm(f, me, caps, refresh) {
  const can = ["operator", "admin"].includes(me.role);
  const why = can ? "" : `signed in as ${me.role}: suppressing needs the operator role`;
  const note = el("p", { id: "suppress-status", role: "status" });
  if (f.status === "suppressed" && f.suppressedBy) {
    const un = el("button", { id: "unsuppress", type: "button", disabled: !can, title: why, onclick: async () => {
      try {
        await query("mutation($id: ID!) { unsuppress(id: $id) }", { id: f.suppressedBy });
        refresh();
      } catch (err) {
        status(note, err.message, true);
      }
    } }, "Unsuppress");
    return el("div", { id: "finding-actions" }, caps.mutation.has("unsuppress") ? un : notAvailable("unsuppress"), can ? "" : el("span", { className: "muted" }, ` ${why}`), note);
  }
  if (f.status !== "open") return el("div", { id: "finding-actions" }, el("p", { className: "muted" }, `This finding is ${f.status}.`));
  const reason = el("input", { id: "suppress-reason", placeholder: "reason (accepted risk, ticket...)", size: 36, disabled: !can });
  const days = el("select", { id: "suppress-days", "aria-label": "suppress for", disabled: !can }, [7, 30, 90, 365].map((d) => el("option", { value: d, selected: d === 30 }, `${d} days`)));
  const form = el("form", { id: "suppress-form", className: "toolbar", onsubmit: async (e) => {
    e.preventDefault();
    if (!reason.value.trim()) return status(note, "Give a reason: it is shown to everyone who sees the finding.", true);
    try {
      const expires = new Date(Date.now() + Number(days.value) * 86400_000).toISOString();
      await query("mutation($r: String!, $e: DateTime!, $rule: String, $res: String) { suppress(reason: $r, expiresAt: $e, ruleId: $rule, resourceId: $res) { id } }",
        { r: reason.value.trim(), e: expires, rule: f.ruleId, res: f.resourceId });
      refresh();
    } catch (err) {
      status(note, err.message, true);
    }
  } }, reason, days, el("button", { id: "suppress", type: "submit", disabled: !can, title: why }, "Suppress"));
  return el("div", { id: "finding-actions" }, caps.mutation.has("suppress") ? form : notAvailable("suppress"), can ? "" : el("p", { className: "muted" }, why), note);
}

export async function renderFinding(root, caps, me, id) {
  if (!caps.has("finding")) return clear(root, el("div", { className: "card" }, notAvailable("finding")));
  clear(root, el("p", { className: "muted" }, "loading…"));
  const refresh = () => renderFinding(root, caps, me, id);
  try {
    const d = await query(`query($id: ID!) { finding(id: $id) { ${FIELDS} } }`, { id });
    const f = d.finding;
    if (!f) return clear(root, el("div", { className: "card" }, el("p", { className: "error" }, `No finding ${id} (evaluated away since?).`), el("a", { href: "#findings" }, "All findings")));
    const [rules, refs, sup] = await Promise.all([
      caps.has("rules") ? query("query($p: String) { rules(provider: $p) { id description } }", { p: f.provider }).then((r) => r.rules) : [],
      refsOf([f.resourceId, ...f.pathIds]),
      f.suppressedBy && caps.has("suppressions") ? query("{ suppressions(includeExpired: true) { id reason createdBy createdAt expiresAt } }").then((r) => r.suppressions.find((s) => s.id === f.suppressedBy)) : null,
    ]);
    const rule = rules.find((r) => r.id === f.ruleId);
    const node = (i) => {
      const r = refs.get(i);
      if (i === "internet" || (!r && /internet/i.test(i))) return { id: i, name: "Internet", kind: "", internet: true };
      if (r) return { id: i, name: r.name, kind: `${r.kind} · ${accountLabel(r.account)} · ${r.region}`, link: resourceLink(i) };
      // a part of a resource (a security group's rule, a policy's statement): named after the resource it belongs to
      const owner = [...refs.keys()].find((o) => i.startsWith(`${o}/`));
      return owner ? { id: i, name: `${refs.get(owner).name} ${i.slice(owner.length + 1)}`, kind: `part of ${refs.get(owner).kind}`, link: resourceLink(owner) }
        : { id: i, name: i.split(/[/:]/).filter(Boolean).slice(-2).join("/"), kind: "" };
    };
    const involved = [...new Set([f.resourceId, ...f.pathIds])].filter((i) => refs.has(i));
    const path = f.pathIds.map((i, k) => ({ ...node(i), via: k > 0 ? f.pathRels[k - 1] || "" : "" }));
    clear(root, el("section", { className: "card", id: "finding-page" },
      el("p", {}, el("a", { href: "#findings", id: "back-to-findings" }, "← findings")),
      el("h2", { id: "finding-title" }, severityBadge(f.severity), " ", f.title),
      el("p", { className: "muted" }, `${f.ruleId} · ${f.provider} · ${accountLabel(f.account)} · ${f.region || ""} · `, el("b", { id: "finding-status" }, f.status)),
      el("h3", {}, "About"),
      el("p", { id: "finding-resource" }, el("a", { href: resourceLink(f.resourceId) }, f.resourceName || f.resourceId), ` (${f.resourceKind || "?"})`),
      rule ? el("p", { id: "finding-description" }, rule.description) : "",
      path.length ? [el("h3", {}, `Toxic path: ${path.length - 1} hop${path.length === 2 ? "" : "s"} from the way in to the asset`), hopList(path, "finding-path")] : "",
      el("h3", {}, `Resources involved (${involved.length})`),
      el("ul", { id: "finding-resources" }, involved.map((i) => el("li", {}, el("a", { href: resourceLink(i) }, refs.get(i).name), el("span", { className: "muted" }, ` ${refs.get(i).kind} · ${accountLabel(refs.get(i).account)} · ${refs.get(i).region}`)))),
      el("h3", {}, "Remediation"), el("p", { id: "finding-remediation" }, f.remediation),
      el("h3", {}, "Fix command ", el("span", { className: "muted" }, "(review before running; AI-Discover never runs it)")),
      el("pre", { id: "finding-command" }, f.command),
      el("button", { type: "button", id: "copy-command", onclick: (e) => navigator.clipboard?.writeText(f.command).then(() => { e.target.textContent = "Copied"; }, () => { e.target.textContent = "Copy failed: select the text"; }) }, "Copy command"),
      el("h3", {}, "Benchmark references"),
      f.benchmarks.length ? el("ul", { id: "finding-benchmarks" }, f.benchmarks.map((b) => el("li", {}, b))) : el("p", { className: "muted" }, "none"),
      el("h3", {}, "History"),
      el("table", { className: "props", id: "finding-history" },
        [["first seen", when(f.firstSeen)], ["last seen", when(f.lastSeen)], ["resolved", when(f.resolvedAt)], ["reopened", `${f.reopenedCount} time${f.reopenedCount === 1 ? "" : "s"}`],
          ...(sup ? [["suppressed", `by ${sup.createdBy} on ${when(sup.createdAt)} until ${when(sup.expiresAt)}: ${sup.reason}`]] : [])]
          .map(([k, v]) => el("tr", {}, el("th", {}, k), el("td", {}, v)))),
      el("h3", {}, "Accept the risk"),
      suppressForm(f, me, caps, refresh)));
  } catch (err) {
    clear(root, el("div", { className: "card" }, errorNote(err)));
  }
}
