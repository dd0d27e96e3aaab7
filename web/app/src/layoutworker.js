// The force-directed layout of a large view, off the main thread: a headless cytoscape with the same nodes
// (sizes, compound parents) and edges runs fcose and sends back the leaf nodes' positions, so the page keeps
// answering clicks and pans while it computes. Built as its own bundle (dist/layout.js) and started by graph.js.
import cytoscape from "cytoscape";
import fcose from "cytoscape-fcose";

cytoscape.use(fcose);

const STYLE = [
  { selector: "node", style: { width: "data(w)", height: "data(h)" } },
  { selector: ":parent", style: { padding: "data(pad)" } },
];

self.onmessage = ({ data }) => {
  const { id, elements, options } = data;
  try {
    const cy = cytoscape({ headless: true, styleEnabled: true, elements, style: STYLE });
    cy.layout({ ...options, animate: false, fit: false }).run(); // synchronous with animate off
    const positions = {};
    cy.nodes().forEach((n) => {
      if (!n.isParent()) positions[n.id()] = n.position();
    });
    cy.destroy();
    self.postMessage({ id, positions });
  } catch (err) {
    self.postMessage({ id, error: String(err?.message || err) });
  }
};
