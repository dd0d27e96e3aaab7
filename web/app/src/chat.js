// The chat panel: a question in plain English to `ask`; what was understood, the answer, the Cypher behind it,
// the rows, and a button that draws the resources the rows name. An ambiguous name comes back as candidates to
// pick (the question is asked again about the one picked); a declined question comes back with the nearest
// questions that can be answered. Example questions are listed under the box.
import { accountLabel } from "./accounts.js";
import { query } from "./api.js";
import { clear, el, errorNote, notAvailable } from "./util.js";

const ASK = "query($q: String!) { ask(question: $q) { answer cypher rows path warnings truncated understood candidates suggestions } }";

export const EXAMPLES = [
  "how many EC2 instances are running in eu-west-1?",
  "which buckets are public?",
  "what is exposed to the internet?",
  "what depends on legacy-db?",
  "how many critical findings?",
  "top 5 savings",
  "most expensive resources",
  "what changed in the last day?",
  "resources per cloud",
  "which resources are tagged team=payments?",
];

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

// The question again, naming the picked resource by its id instead of the ambiguous name.
export function askAbout(question, name, id) {
  const at = question.toLowerCase().indexOf(String(name).toLowerCase());
  return at < 0 ? `${question} ${id}` : question.slice(0, at) + id + question.slice(at + String(name).length);
}

function questionLinks(id, questions, askWith) {
  return el("ul", { id, className: "questions" }, questions.map((q) => el("li", {},
    el("a", { href: "#", onclick: (e) => { e.preventDefault(); askWith(q); } }, q))));
}

export function renderChat(root, caps, explorer, showExplore) {
  if (!caps.has("ask")) return clear(root, notAvailable("ask"));
  const input = el("input", { id: "chat-question", type: "text", placeholder: "e.g. which buckets are public?", size: 60 });
  const out = el("div", { id: "chat-output" });
  const askWith = (q) => { input.value = q; ask(); };
  const ask = async () => {
    const question = input.value.trim();
    if (!question) return;
    clear(out, el("p", { className: "muted" }, "thinking…"));
    try {
      const a = (await query(ASK, { q: question })).ask;
      const ids = a.path === "clarify" ? [] : idsIn(a.rows);
      const name = (a.understood.match(/'([^']+)' is ambiguous/) || [])[1] || "";
      clear(out,
        a.understood ? el("p", { id: "chat-understood", className: "understood" }, `Understood: ${a.understood}`) : "",
        el("div", { className: "answer", id: "chat-answer" }, a.answer),
        el("p", { className: "muted" }, `answered by: ${a.path}${a.truncated ? " · rows truncated" : ""}`),
        a.warnings.length ? el("ul", { className: "warnings" }, a.warnings.map((w) => el("li", {}, w))) : "",
        a.candidates?.length ? el("div", { id: "chat-candidates" }, el("h3", {}, "Which one?"),
          el("ul", {}, a.candidates.map((c) => el("li", {}, el("button", { type: "button", className: "candidate",
            onclick: () => askWith(askAbout(question, name, c.id)) },
          `${c.kind} ${c.name} (${c.provider} ${accountLabel(c.account)} ${c.region})`))))) : "",
        a.suggestions?.length ? el("div", {}, el("h3", {}, "Questions I can answer"), questionLinks("chat-suggestions", a.suggestions, askWith)) : "",
        a.cypher ? el("h3", {}, "Cypher") : "", a.cypher ? el("pre", { id: "chat-cypher" }, a.cypher) : "",
        a.path === "clarify" || a.path === "degraded" ? "" : el("h3", {}, `Rows (${a.rows?.length ?? 0})`),
        a.path === "clarify" || a.path === "degraded" ? "" : rowsTable(a.rows),
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
    el("p", { className: "muted" }, "Each answer says what was understood and shows the Cypher and the rows behind it. "
      + "Counts, lists and filters by state, region, account, cloud and tag; security posture and findings; "
      + "relationships, exposure, blast radius, dependencies and network paths; cost, savings and changes. Try:"),
    questionLinks("chat-examples", EXAMPLES, askWith), out);
}
