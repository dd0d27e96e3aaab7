// The chat panel: a question in plain English to `ask`; the answer, the Cypher behind it, the rows, and a button
// that draws the resources the rows name.
import { query } from "./api.js";
import { clear, el, errorNote, notAvailable } from "./util.js";

function idsIn(rows) {
  const ids = new Set();
  const visit = (v, key) => {
    if (typeof v === "string" && (key === "id" || key.endsWith("_id") || key.endsWith("Id") || key === "ids")) ids.add(v);
    else if (Array.isArray(v)) v.forEach((x) => visit(x, key));
    else if (v && typeof v === "object") Object.entries(v).forEach(([k, x]) => visit(x, k));
  };
  (rows || []).forEach((r) => visit(r, ""));
  return [...ids];
}

function rowsTable(rows) {
  if (!rows?.length) return el("p", { className: "muted" }, "no rows");
  const cols = [...new Set(rows.slice(0, 50).flatMap((r) => (r && typeof r === "object" && !Array.isArray(r) ? Object.keys(r) : ["value"])))];
  const cell = (v) => (v === null || v === undefined ? "" : typeof v === "object" ? JSON.stringify(v) : String(v));
  return el("table", { className: "grid", id: "chat-rows" }, el("tr", {}, cols.map((c) => el("th", {}, c))),
    rows.slice(0, 50).map((r) => el("tr", {}, cols.map((c) => el("td", {}, cell(typeof r === "object" && !Array.isArray(r) ? r[c] : r))))));
}

export function renderChat(root, caps, explorer, showExplore) {
  if (!caps.has("ask")) return clear(root, notAvailable("ask"));
  const input = el("input", { id: "chat-question", type: "text", placeholder: "e.g. which buckets are public?", size: 60 });
  const out = el("div", { id: "chat-output" });
  const ask = async () => {
    const question = input.value.trim();
    if (!question) return;
    clear(out, el("p", { className: "muted" }, "thinking…"));
    try {
      const a = (await query("query($q: String!) { ask(question: $q) { answer cypher rows path warnings truncated } }", { q: question })).ask;
      const ids = idsIn(a.rows);
      clear(out,
        el("div", { className: "answer", id: "chat-answer" }, a.answer),
        el("p", { className: "muted" }, `answered by: ${a.path}${a.truncated ? " · rows truncated" : ""}`),
        a.warnings.length ? el("ul", { className: "warnings" }, a.warnings.map((w) => el("li", {}, w))) : "",
        el("h3", {}, "Cypher"), el("pre", { id: "chat-cypher" }, a.cypher || "(none)"),
        el("h3", {}, `Rows (${a.rows?.length ?? 0})`), rowsTable(a.rows),
        ids.length ? el("button", { id: "chat-draw", type: "button", onclick: async (e) => {
          e.target.disabled = true;
          try {
            const n = await explorer.drawIds(ids);
            showExplore();
            e.target.textContent = `${n} drawn in Explore`;
          } catch (err) {
            e.target.replaceWith(errorNote(err));
          }
        } }, `Draw the ${ids.length} resource${ids.length === 1 ? "" : "s"} in Explore`) : "");
    } catch (err) {
      clear(out, errorNote(err));
    }
  };
  clear(root, el("form", { id: "chat-form", onsubmit: (e) => { e.preventDefault(); ask(); } }, input, el("button", { id: "chat-ask", type: "submit" }, "Ask")),
    el("p", { className: "muted" }, "Answers show the Cypher and the rows behind them. Without an LLM configured, common questions are answered by templates."), out);
}
