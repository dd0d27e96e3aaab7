// Running a layout on a view: fcose, cose, dagre (left to right) and the simple ones on the main thread for small
// views; a large fcose view placed at once and laid out in a worker (dist/layout.js, from layoutworker.js).
import cytoscape from "cytoscape";
import dagre from "cytoscape-dagre";
import fcose from "cytoscape-fcose";
import { READABLE_ZOOM, declutter, fitBodies, keepReadable } from "./graph.js";

cytoscape.use(fcose);
cytoscape.use(dagre);

export const LAYOUTS = ["fcose", "cose", "dagre", "breadthfirst", "concentric", "grid"];

function options(name, cy) {
  const base = { name, animate: false, fit: true, padding: 30 };
  if (name === "fcose") {
    return { ...base, quality: "default", randomize: true, nodeSeparation: 90, idealEdgeLength: () => 80,
      nodeRepulsion: () => 9000, packComponents: true, tile: true, tilingPaddingVertical: 40, tilingPaddingHorizontal: 30, nestingFactor: 0.6 };
  }
  if (name === "cose") return { ...base, nodeRepulsion: 8000, idealEdgeLength: 60, numIter: 600 };
  if (name === "dagre") return { ...base, rankDir: "LR", nodeSep: 30, rankSep: 110, edgeSep: 10 };
  if (name === "breadthfirst") return { ...base, directed: true, spacingFactor: 1.1, roots: cy.$("node.root").nonempty() ? cy.$("node.root") : undefined };
  return base;
}

/** From this many nodes fcose runs in a worker: the nodes are placed at once and the page keeps answering. */
export const LARGE_VIEW = 150;

let worker = null; // the layout worker (dist/layout.js), started on the first large view; false: unavailable
let asked = 0;
const answers = new Map();

function layoutWorker() {
  if (worker === null) {
    try {
      worker = new Worker(new URL("./layout.js", import.meta.url), { type: "module" });
      worker.onmessage = ({ data }) => {
        answers.get(data.id)?.(data);
        answers.delete(data.id);
      };
      worker.onerror = () => {
        worker = false;
        for (const [, answer] of answers) answer({ error: "the layout worker failed" });
        answers.clear();
      };
    } catch {
      worker = false;
    }
  }
  return worker || null;
}

/** fcose on a headless copy of the graph in the worker: the leaf nodes' positions, or null when it failed. */
function fcoseOffThread(cy, opts) {
  const w = layoutWorker();
  if (!w) return Promise.resolve(null);
  const nodes = cy.nodes(":parent").union(cy.nodes(":childless")); // groups before their members
  const elements = [
    ...nodes.map((n) => ({ group: "nodes", data: { id: n.id(), parent: n.data("parent"), w: n.width(), h: n.height(),
      pad: n.isParent() ? parseFloat(n.style("padding")) || 0 : 0 } })),
    ...cy.edges().map((e) => ({ group: "edges", data: { id: e.id(), source: e.source().id(), target: e.target().id() } })),
  ];
  const { idealEdgeLength, nodeRepulsion, ...plain } = opts; // functions do not cross to a worker
  const id = ++asked;
  return new Promise((resolve) => {
    answers.set(id, (data) => resolve(data.error ? null : data.positions));
    w.postMessage({ id, elements, options: { ...plain, idealEdgeLength: idealEdgeLength(), nodeRepulsion: nodeRepulsion() } });
  });
}

/**
 * Place every node at once, cheaply: a grid with each cloud's and kind's nodes side by side, wide enough for
 * a label under each, and the view on its middle at the readable zoom. No bounding box is measured (that
 * would compute every label's size first). A view with compound groups keeps its places until refined.
 */
function placeAtOnce(cy) {
  if (cy.nodes(":parent").nonempty()) return;
  const key = (n) => `${n.data("provider") || ""}/${n.data("kind") || ""}/${n.data("label") || ""}`;
  const nodes = cy.nodes().sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
  const gapX = 150;
  const gapY = 70;
  const columns = Math.max(1, Math.ceil(Math.sqrt((nodes.length * gapY) / gapX * (cy.width() / Math.max(1, cy.height())))));
  const at = new Map(nodes.map((n, i) => [n.id(), { x: (i % columns) * gapX, y: Math.floor(i / columns) * gapY }]));
  cy.batch(() => nodes.positions((n) => at.get(n.id())));
  const rows = Math.ceil(nodes.length / columns);
  const middle = { x: ((columns - 1) * gapX) / 2, y: ((rows - 1) * gapY) / 2 };
  const fits = Math.min((cy.width() - 60) / (columns * gapX), (cy.height() - 60) / (rows * gapY));
  const zoom = Math.min(1.2, Math.max(READABLE_ZOOM, fits));
  cy.viewport({ zoom, pan: { x: cy.width() / 2 - middle.x * zoom, y: cy.height() / 2 - middle.y * zoom } });
}

const latestLayout = new WeakMap(); // cy -> the number of its latest layout request

function settle(cy) {
  keepReadable(cy);
  declutter(cy);
}

/**
 * Run a layout by name on the whole graph. Returns { placed, done }: `placed` resolves once every node has a
 * place and the view answers clicks and pans, `done` once the chosen layout has finished and the zoom is
 * readable. Small views run the layout here (both resolve together); a large fcose view is placed by kind at
 * once and refined off the main thread, the later of two overlapping requests winning.
 */
export function runLayout(cy, name = "fcose") {
  const chosen = LAYOUTS.includes(name) ? name : "fcose";
  const token = (latestLayout.get(cy) || 0) + 1;
  latestLayout.set(cy, token);
  const current = () => latestLayout.get(cy) === token;
  const onThread = () => new Promise((resolve) => {
    const layout = cy.layout(options(chosen, cy));
    layout.one("layoutstop", () => {
      if (current()) settle(cy);
      resolve();
    });
    layout.run();
  });
  if (chosen !== "fcose" || cy.nodes().length < LARGE_VIEW || !layoutWorker()) {
    const done = onThread();
    return { placed: done, done };
  }
  placeAtOnce(cy);
  declutter(cy);
  const done = fcoseOffThread(cy, options(chosen, cy)).then((positions) => {
    if (!current()) return;
    if (!positions) return onThread();
    cy.batch(() => cy.nodes().forEach((n) => { if (positions[n.id()]) n.position(positions[n.id()]); }));
    fitBodies(cy);
    settle(cy);
  });
  return { placed: Promise.resolve(), done };
}
