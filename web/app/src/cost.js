// The Cost tab: estimated monthly cost by cloud, account, kind and a tag key, each group a link to its resources
// in the inventory (most expensive first); and the savings list, largest first, each with its reasoning.
import { accountLabel } from "./accounts.js";
import { query } from "./api.js";
import { resourceLink } from "./finding.js";
import { go, href } from "./route.js";
import { bars, clear, el, errorNote, notAvailable, num, usd } from "./util.js";

const BY_COST = { sort: "monthly_cost_usd", desc: "1" };

export async function renderCost(root, caps, params) {
  if (!caps.has("costSummary")) return clear(root, el("div", { className: "card" }, notAvailable("costSummary")));
  const tagKey = params.get("tag") || "team";
  const totals = el("section", { className: "card", id: "cost-totals" }, el("p", { className: "muted" }, "loading…"));
  const savings = el("section", { className: "card", id: "cost-savings" }, el("p", { className: "muted" }, "loading…"));
  clear(root, savings, totals);
  try {
    const d = await query(`query($tag: String) {
      p: costSummary(by: PROVIDER) { totalUsd priced notPriced resources groups { key monthlyUsd resources } prices { label } }
      a: costSummary(by: ACCOUNT) { groups { key monthlyUsd resources } }
      k: costSummary(by: KIND) { groups { key monthlyUsd resources } }
      t: costSummary(by: TAG, tagKey: $tag) { groups { key monthlyUsd resources } } }`, { tag: tagKey });
    const tagInput = el("input", { id: "cost-tag-key", value: tagKey, size: 10, "aria-label": "tag key" });
    const part = (title, id, groups, link, name) => el("div", { className: "card" }, el("h3", {}, title),
      groups.length ? bars(groups.filter((g) => g.monthlyUsd > 0).slice(0, 15), { value: "monthlyUsd", format: usd, id, link, name }) : el("p", { className: "muted" }, "nothing priced"));
    clear(totals,
      el("h2", {}, "Monthly cost (estimated)"),
      el("p", { className: "big" }, el("span", { id: "cost-estate-total" }, usd(d.p.totalUsd)), " / month"),
      el("p", { className: "muted" }, `${num(d.p.priced)} of ${num(d.p.resources)} resources priced. ${d.p.prices.label}`),
      el("div", { className: "cards" },
        part("By cloud", "cost-by-provider", d.p.groups, (g) => href("inventory", { provider: g.key, ...BY_COST })),
        part("By account", "cost-by-account", d.a.groups, (g) => href("inventory", { account: g.key, ...BY_COST }), (g) => accountLabel(g.key)),
        part("By kind", "cost-by-kind2", d.k.groups, (g) => href("inventory", { kind: g.key, ...BY_COST })),
        el("div", {}, el("form", { className: "toolbar", onsubmit: (e) => { e.preventDefault(); go("cost", { tag: tagInput.value.trim() }); } },
          el("label", {}, "By tag ", tagInput), el("button", { type: "submit" }, "Group")),
        part(`By tag ${tagKey}`, "cost-by-tag", d.t.groups, (g) => (g.key.startsWith("(") ? null : href("inventory", { tag: `${tagKey}=${g.key}`, ...BY_COST }))))));
  } catch (err) {
    clear(totals, errorNote(err));
  }
  if (!caps.has("savings")) return clear(savings, notAvailable("savings"));
  try {
    const s = (await query("{ savings(first: 200) { totalUsd totalItems items { rule resourceId kind name provider account region monthlySavingUsd reasoning } rules { rule title status note items monthlySavingUsd } } }")).savings;
    clear(savings,
      el("h2", {}, "Savings"),
      el("p", { className: "big" }, el("span", { id: "savings-total" }, usd(s.totalUsd)), ` / month in ${num(s.totalItems)} suggestion${s.totalItems === 1 ? "" : "s"}`),
      el("div", { className: "table-wrap" }, el("table", { className: "grid", id: "savings-table" },
        el("thead", {}, el("tr", {}, ["saving / month", "resource", "account · region", "rule", "why"].map((h) => el("th", {}, h)))),
        el("tbody", {}, s.items.map((i) => el("tr", { "data-id": i.resourceId },
          el("td", { className: "num" }, el("b", {}, usd(i.monthlySavingUsd))),
          el("td", {}, el("a", { href: resourceLink(i.resourceId) }, i.name), el("br"), el("span", { className: "muted" }, i.kind)),
          el("td", {}, accountLabel(i.account), el("br"), el("span", { className: "muted" }, i.region)),
          el("td", {}, i.rule), el("td", { className: "reason" }, i.reasoning)))))),
      el("h3", {}, "Rules"),
      el("ul", { id: "savings-rules" }, s.rules.map((r) => el("li", {}, el("b", {}, r.title), ` — ${r.status}: ${r.items} item${r.items === 1 ? "" : "s"}, ${usd(r.monthlySavingUsd)}`, r.note ? el("span", { className: "muted" }, ` (${r.note})`) : ""))));
  } catch (err) {
    clear(savings, errorNote(err));
  }
}
