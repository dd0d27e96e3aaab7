// The Jobs tab: start a discovery (operator) and watch its progress: the jobProgress subscription over
// graphql-transport-ws when the server has it, else polling discoveryJob.
import { query } from "./api.js";
import { clear, el, errorNote, notAvailable, num } from "./util.js";
import { subscribe } from "./ws.js";

const PROGRESS = "jobId status unitsTotal unitsDone unitsFailed nodes edges changes message finished errors";

function progressView(p) {
  const pct = p.unitsTotal ? Math.round((100 * (p.unitsDone + p.unitsFailed)) / p.unitsTotal) : 0;
  return el("div", { id: "job-progress" },
    el("p", {}, el("b", { id: "job-status" }, p.status), ` — ${p.unitsDone + p.unitsFailed}/${p.unitsTotal} units, ${num(p.nodes)} nodes, ${num(p.edges)} edges`),
    el("div", { className: "progress" }, el("span", { style: `width:${pct}%` })),
    p.message ? el("p", { className: "muted" }, p.message) : "",
    p.errors?.length ? el("ul", { className: "error" }, p.errors.map((e) => el("li", {}, e))) : "");
}

export function renderJobs(root, caps, me) {
  const out = el("div", { id: "job-output" });
  const list = el("div", { id: "job-list" });
  const canStart = caps.mutation.has("startDiscovery");
  const operator = ["operator", "admin"].includes(me.role);
  const provider = el("select", { id: "job-provider" }, ["all", "aws", "azure", "gcp"].map((p) => el("option", { value: p }, p)));
  const accounts = el("input", { id: "job-accounts", placeholder: "accounts (comma-separated, optional)" });
  const regions = el("input", { id: "job-regions", placeholder: "regions (comma-separated, optional)" });
  const split = (s) => (s.value.trim() ? s.value.split(",").map((x) => x.trim()).filter(Boolean) : null);
  let stop = () => {};
  const refresh = async () => {
    if (!caps.has("discoveryJobs")) return clear(list, notAvailable("discoveryJobs"));
    try {
      const jobs = (await query("{ discoveryJobs(first: 15) { id provider scope status startedBy createdAt unitsDone unitsTotal nodes seconds } }")).discoveryJobs;
      clear(list, jobs.length ? el("table", { className: "grid" }, el("tr", {}, ["status", "provider", "scope", "by", "started", "units", "nodes", "s"].map((h) => el("th", {}, h))),
        jobs.map((j) => el("tr", {}, [j.status, j.provider, j.scope, j.startedBy, (j.createdAt || "").replace("T", " ").slice(0, 19), `${j.unitsDone}/${j.unitsTotal}`, num(j.nodes), j.seconds.toFixed(1)].map((v) => el("td", {}, v)))))
        : el("p", { className: "muted" }, "No discovery job yet."));
    } catch (err) {
      clear(list, errorNote(err));
    }
  };
  const watch = (jobId) => {
    stop();
    const onProgress = (p) => clear(out, el("p", {}, `Job ${jobId}`), progressView(p));
    const finish = () => refresh();
    if (caps.subscription.has("jobProgress")) {
      stop = subscribe(`subscription($id: ID!) { jobProgress(jobId: $id) { ${PROGRESS} } }`, { id: jobId }, (d) => onProgress(d.jobProgress), (err) => {
        if (err) out.append(errorNote(err));
        finish();
      });
    } else if (caps.has("discoveryJob")) {
      let live = true;
      stop = () => { live = false; };
      const poll = async () => {
        if (!live) return;
        try {
          const j = (await query("query($id: ID!) { discoveryJob(id: $id) { id status unitsTotal unitsDone unitsFailed nodes edges changes errors } }", { id: jobId })).discoveryJob;
          const done = ["succeeded", "partial", "failed"].includes(j.status);
          onProgress({ ...j, jobId: j.id, message: "", finished: done });
          if (done) return finish();
        } catch (err) {
          out.append(errorNote(err));
          return;
        }
        setTimeout(poll, 2000);
      };
      poll();
    } else {
      clear(out, notAvailable("jobProgress"));
    }
  };
  const start = async () => {
    try {
      const q = (await query("mutation($p: String!, $a: [String!], $r: [String!]) { startDiscovery(provider: $p, accounts: $a, regions: $r) { jobId provider startedBy } }",
        { p: provider.value, a: split(accounts), r: split(regions) })).startDiscovery;
      clear(out, el("p", {}, `Queued job ${q.jobId} (${q.provider}) for ${q.startedBy}.`));
      watch(q.jobId);
    } catch (err) {
      clear(out, errorNote(err));
    }
  };
  const form = !canStart ? notAvailable("startDiscovery")
    : el("form", { id: "job-form", onsubmit: (e) => { e.preventDefault(); start(); } }, provider, accounts, regions,
      el("button", { id: "job-start", type: "submit", disabled: !operator }, "Start discovery"),
      operator ? "" : el("span", { className: "muted" }, ` you are signed in as ${me.role}: starting a discovery needs the operator role`));
  const jobId = el("input", { id: "job-follow-id", placeholder: "job id", size: 38 });
  const follow = el("form", { id: "job-follow", onsubmit: (e) => { e.preventDefault(); if (jobId.value.trim()) watch(jobId.value.trim()); } },
    jobId, el("button", { id: "job-follow-go", type: "submit" }, "Follow"));
  clear(root, el("section", { className: "card" }, el("h2", {}, "Start a discovery"), form, el("h3", {}, "Or follow a job already running"), follow, out), el("section", { className: "card" }, el("h2", {}, "Recent jobs ", el("button", { type: "button", onclick: refresh }, "Refresh")), list));
  refresh();
}
