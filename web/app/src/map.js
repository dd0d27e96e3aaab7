// The estate map for large estates: the server's `overview` collapsed by account; a click expands an account
// into its regions, a region into its kinds, and a kind opens Explore filtered to it.
import cytoscape from "cytoscape";
import { accountLabel, accountNamesReady } from "./accounts.js";
import { query } from "./api.js";
import { interact, keepReadable } from "./graph.js";
import { graphStyle } from "./style.js";
import { clear, el, errorNote, num } from "./util.js";

const DOC = `query($a: String, $r: String) { overview(account: $a, region: $r) {
  total groups { id level account region kind provider count } edges { source target type count } } }`;

export function estateMap(openKind) {
  return async (box) => {
    const note = el("p", { className: "muted", id: "map-status" }, "loading…");
    const div = el("div", { className: "cy map", id: "estate-map" });
    clear(box, note, div);
    const cy = cytoscape({ container: div, style: graphStyle() });
    window.aidiscoverMap = cy;
    interact(cy, div, { open: (id) => cy.getElementById(id).emit("tap") });
    const size = (count) => 24 + 10 * Math.log10(1 + count) * 2;
    const put = (o) => {
      cy.batch(() => {
        for (const g of o.groups) {
          const label = g.level === "ACCOUNT" ? `${g.provider} ${accountLabel(g.account)}` : g.level === "REGION" ? `${g.region} · ${accountLabel(g.account)}` : g.kind;
          if (cy.getElementById(g.id).empty()) {
            cy.add({ group: "nodes", data: { ...g, label: `${label} (${num(g.count)})`, size: size(g.count) }, classes: "collapsed" });
          }
        }
        for (const e of o.edges) {
          const id = `${e.source}|${e.type}|${e.target}`;
          if (cy.getElementById(id).empty() && cy.getElementById(e.source).nonempty() && cy.getElementById(e.target).nonempty()) {
            cy.add({ group: "edges", data: { id, source: e.source, target: e.target, label: `${e.type} ×${e.count}` } });
          }
        }
      });
      cy.layout({ name: "cose", animate: false, fit: true, padding: 20, nodeRepulsion: 20000 }).run();
      keepReadable(cy);
    };
    const load = async (account = null, region = null) => (await query(DOC, { a: account, r: region })).overview;
    try {
      await accountNamesReady();
      const top = await load();
      note.textContent = `${num(top.total)} resources in ${top.groups.length} account${top.groups.length === 1 ? "" : "s"}; click to expand.`;
      put(top);
    } catch (err) {
      return clear(box, errorNote(err));
    }
    cy.on("tap", "node", async (ev) => {
      const g = ev.target.data();
      if (g.level === "KIND") return openKind({ accounts: [g.account], regions: [g.region], kinds: [g.kind] });
      try {
        const o = await load(g.account, g.level === "REGION" ? g.region : null);
        ev.target.remove(); // replaced by its parts (edges to other groups are re-added at their level)
        put(o);
        note.textContent = `${g.level === "ACCOUNT" ? `account ${g.account}` : `region ${g.region}`} expanded into ${o.groups.length} group${o.groups.length === 1 ? "" : "s"}.`;
      } catch (err) {
        note.textContent = err.message;
      }
    });
  };
}
