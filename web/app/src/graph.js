// What makes a cytoscape view readable: a zoom that never drops under a readable floor after a layout, no label
// over a node, paths laid out left to right, labels on hover, keyboard access and the legend.
import { FAMILIES, familyOf, iconUri } from "./icons.js";
import { NODE_LABEL_MIN_PX, PROVIDER_COLOURS } from "./style.js";
import { clear, el } from "./util.js";

/** After a layout the view is zoomed to at least this (node labels are drawn from 0.8x; icons read from 0.4x). */
export const READABLE_ZOOM = 0.45;

/** The model box of nodes' bodies from their positions and sizes (no label is measured, unlike boundingBox). */
export function bodiesBox(nodes) {
  const box = { x1: Infinity, y1: Infinity, x2: -Infinity, y2: -Infinity };
  nodes.forEach((n) => {
    if (n.isParent()) return; // a group's box follows its members
    const p = n.position();
    const w = n.outerWidth() / 2;
    const h = n.outerHeight() / 2;
    box.x1 = Math.min(box.x1, p.x - w); box.x2 = Math.max(box.x2, p.x + w);
    box.y1 = Math.min(box.y1, p.y - h); box.y2 = Math.max(box.y2, p.y + h);
  });
  return box;
}

/** Fit the nodes' bodies in the view (cy.fit would measure every label first: seconds at 500 nodes). */
export function fitBodies(cy, nodes = cy.nodes(), padding = 30) {
  const b = bodiesBox(nodes);
  if (!Number.isFinite(b.x1)) return;
  const zoom = Math.max(cy.minZoom(), Math.min(cy.maxZoom(), (cy.width() - 2 * padding) / Math.max(1, b.x2 - b.x1),
    (cy.height() - 2 * padding) / Math.max(1, b.y2 - b.y1)));
  cy.viewport({ zoom, pan: { x: cy.width() / 2 - ((b.x1 + b.x2) / 2) * zoom, y: cy.height() / 2 - ((b.y1 + b.y2) / 2) * zoom } });
}

/** Zoom in to READABLE_ZOOM when fitting everything made the view smaller, centred on what matters. */
export function keepReadable(cy) {
  if (cy.zoom() >= READABLE_ZOOM || !cy.nodes().length) return;
  const focus = cy.$("node:selected, node.root, node.internet");
  const around = bodiesBox(focus.nonempty() ? focus : cy.nodes());
  const middle = { x: (around.x1 + around.x2) / 2, y: (around.y1 + around.y2) / 2 };
  cy.viewport({ zoom: READABLE_ZOOM, pan: { x: cy.width() / 2 - middle.x * READABLE_ZOOM, y: cy.height() / 2 - middle.y * READABLE_ZOOM } });
}

/** A node's body on screen from its position and size (its border included), without a bounding box pass. */
function renderedBody(n) {
  const p = n.renderedPosition();
  const w = n.renderedOuterWidth() / 2 + 1;
  const h = n.renderedOuterHeight() / 2 + 1;
  return { x1: p.x - w, x2: p.x + w, y1: p.y - h, y2: p.y + h };
}

const overlap = (a, b) => a.x1 < b.x2 && b.x1 < a.x2 && a.y1 < b.y2 && b.y1 < a.y2;

/**
 * No label over a node or over another label: labels cytoscape would draw at this zoom are placed in order of
 * importance (selected, on a path, most connected first); one that would cover a node body or a placed label
 * gets the class "quiet" (hidden until hovered or selected). Runs after every layout and zoom or pan.
 */
export function declutter(cy) {
  const z = cy.zoom();
  const ext = { x1: -50, y1: -50, x2: cy.width() + 50, y2: cy.height() + 50 };
  const nodes = cy.nodes().filter((n) => !n.hasClass("group"));
  const bodies = nodes.map((n) => [n.id(), renderedBody(n)]);
  const wants = [];
  cy.batch(() => {
    cy.elements().forEach((e) => {
      if (e.hasClass("group")) return;
      const text = e.data("label");
      const px = parseFloat(e.style("font-size"));
      const min = parseFloat(e.style("min-zoomed-font-size"));
      if (!text || px * z < min) return e.removeClass("quiet"); // not drawn at this zoom anyway
      // the label's own box as cytoscape computes it (also for a quiet label: opacity does not change it)
      let box = e.renderedBoundingBox({ includeNodes: false, includeEdges: false, includeOverlays: false, includeUnderlays: false });
      const m = z; // a pixel of air
      box = { x1: box.x1 - m, x2: box.x2 + m, y1: box.y1, y2: box.y2 + m };
      if (!overlap(box, ext)) return;
      const rank = (e.selected() ? 4 : 0) + (e.hasClass("on-path") || e.hasClass("exposed") || e.hasClass("root") ? 2 : 0) + (e.isNode() ? 1 : 0);
      wants.push({ e, box, rank, degree: e.isNode() ? e.degree() : 0 });
    });
    wants.sort((a, b) => b.rank - a.rank || b.degree - a.degree);
    const placed = [];
    for (const { e, box } of wants) {
      const own = e.isNode() ? [e.id()] : [e.source().id(), e.target().id()];
      const blocked = bodies.some(([id, b]) => !own.includes(id) && overlap(box, b)) || placed.some((p) => overlap(box, p));
      e.toggleClass("quiet", blocked);
      if (!blocked) placed.push(box);
    }
  });
  if (cy.container()) cy.container().dataset.labelsAt = z.toFixed(3); // the zoom labels were last placed for
}

/** Declutter again once a zoom or pan has settled. */
export function declutterOnViewport(cy) {
  let timer = null;
  cy.on("viewport", () => {
    clearTimeout(timer);
    timer = setTimeout(() => declutter(cy), 120);
  });
}

/**
 * Paths read left to right: every path's nodes in order, one column per hop (a node on several paths sits at
 * its first column), paths stacked in rows. Nodes not on a path keep their place, faded by the caller.
 */
export function layoutPaths(cy, paths) {
  const placed = new Map();
  const gapX = 230;
  const gapY = 90;
  let row = 0;
  for (const ids of paths) {
    let used = false;
    ids.forEach((id, col) => {
      if (placed.has(id)) return;
      placed.set(id, { x: col * gapX, y: row * gapY });
      used = true;
    });
    if (used) row++;
  }
  const nodes = cy.nodes().filter((n) => placed.has(n.id()));
  nodes.layout({ name: "preset", positions: (n) => placed.get(n.id()), fit: false, animate: false }).run();
  cy.fit(nodes, 40);
  if (cy.zoom() > 1.2) cy.zoom({ level: 1.2, position: nodes.boundingBox().x1 !== undefined ? centre(nodes) : undefined });
  keepReadable(cy);
  declutter(cy);
}

function centre(nodes) {
  const b = nodes.boundingBox();
  return { x: (b.x1 + b.x2) / 2, y: (b.y1 + b.y2) / 2 };
}

/** An edge's label: its type, and on a second line the rule or route behind a compound hop, shortened. */
export function edgeLabel(type, via) {
  if (!via) return type;
  const parts = String(via).split(/[/:]/).filter(Boolean);
  let tail = parts.slice(-2).join("/");
  if (tail.length > 36) tail = `…${tail.slice(-35)}`;
  return `${type}\n${tail}`;
}

/** Hover shows a node's or an edge's label at any zoom; the keyboard moves the selection and zooms. */
export function interact(cy, box, { open, expand } = {}) {
  declutterOnViewport(cy);
  cy.on("mouseover", "node, edge", (ev) => ev.target.addClass("hover"));
  cy.on("mouseout", "node, edge", (ev) => ev.target.removeClass("hover"));
  box.tabIndex = 0;
  box.setAttribute("role", "application");
  box.setAttribute("aria-label", "graph: arrow keys move between resources, Enter opens, E expands, + and - zoom, 0 fits");
  box.addEventListener("keydown", (e) => {
    const nodes = cy.nodes().filter((n) => !n.hasClass("group") && n.visible());
    if (!nodes.length) return;
    const current = cy.$("node:selected").filter((n) => !n.hasClass("group")).first();
    const key = e.key;
    const dirs = { ArrowRight: [1, 0], ArrowLeft: [-1, 0], ArrowDown: [0, 1], ArrowUp: [0, -1] };
    if (dirs[key]) {
      e.preventDefault();
      const next = current.nonempty() ? nearest(nodes, current, dirs[key]) : nodes.first();
      if (next) {
        cy.$(":selected").unselect();
        next.select();
        if (!inView(cy, next)) cy.center(next);
        box.dataset.focus = next.id();
      }
    } else if (key === "Enter" && current.nonempty()) {
      e.preventDefault();
      open?.(current.id());
    } else if ((key === "e" || key === "E") && current.nonempty()) {
      e.preventDefault();
      expand?.(current.id());
    } else if (key === "+" || key === "=") {
      cy.zoom({ level: cy.zoom() * 1.25, renderedPosition: { x: cy.width() / 2, y: cy.height() / 2 } });
    } else if (key === "-") {
      cy.zoom({ level: cy.zoom() / 1.25, renderedPosition: { x: cy.width() / 2, y: cy.height() / 2 } });
    } else if (key === "0") {
      fitBodies(cy); // cy.fit measures every label drawn: at 500 nodes with labels placed, Chromium's tab dies
      keepReadable(cy);
    } else if (key === "Escape") {
      cy.$(":selected").unselect();
    }
  });
}

function inView(cy, node) {
  const p = node.position();
  const x = cy.extent();
  return p.x >= x.x1 && p.x <= x.x2 && p.y >= x.y1 && p.y <= x.y2;
}

/** The node nearest to `from` in a direction (within a 45° cone), or null. */
function nearest(nodes, from, [dx, dy]) {
  const p = from.position();
  let best = null;
  let bestScore = Infinity;
  nodes.forEach((n) => {
    if (n.same(from)) return;
    const q = n.position();
    const ax = q.x - p.x;
    const ay = q.y - p.y;
    const along = ax * dx + ay * dy;
    const across = Math.abs(ax * dy - ay * dx);
    if (along <= 0 || across > along) return;
    const score = along + 2 * across;
    if (score < bestScore) { bestScore = score; best = n; }
  });
  return best;
}

/** The legend: the kind families and clouds shown now, each with its icon or colour; redrawn as the graph changes. */
export function legend(cy, box) {
  let pending = false;
  const draw = () => {
    pending = false;
    const families = new Map();
    const clouds = new Set();
    cy.nodes().forEach((n) => {
      if (n.hasClass("group") || n.hasClass("collapsed")) return;
      const f = familyOf(n.data("kind"));
      families.set(f, (families.get(f) || 0) + 1);
      if (n.data("provider") && PROVIDER_COLOURS[n.data("provider")]) clouds.add(n.data("provider"));
    });
    if (!families.size) return clear(box, el("span", { className: "muted" }, "Legend: nothing drawn yet."));
    clear(box,
      [...clouds].sort().map((c) => el("span", { className: "legend-item legend-cloud", "data-cloud": c },
        el("span", { className: "swatch", style: `background:${PROVIDER_COLOURS[c]}` }), c.toUpperCase())),
      [...families].sort((a, b) => b[1] - a[1]).map(([f, count]) => el("span", { className: "legend-item legend-family", "data-family": f, title: FAMILIES[f]?.title || f },
        el("img", { src: iconUri(f, "#1d2430"), alt: "", width: 16, height: 16 }), `${(FAMILIES[f]?.title || f).split(":")[0]} ${count}`)),
      el("span", { className: "legend-item muted" }, `labels from ${Math.round((NODE_LABEL_MIN_PX / 10) * 100)}% zoom; hover or zoom in for edge labels`));
  };
  const later = () => {
    if (!pending) { pending = true; requestAnimationFrame(draw); }
  };
  cy.on("add remove data", later);
  draw();
}
