// Cytoscape styles: an icon per kind family on the cloud's colour, labels that appear only when they can be read
// (nodes from ~0.8x zoom, edges when zoomed in or hovered), blast-radius distance, findings and cost overlays,
// compound groups. Colours come from web/static/palette.json, shared with the HTML report.
import PALETTE from "../../static/palette.json";
import { KINDS, iconUri } from "./icons.js";

export const PROVIDER_COLOURS = PALETTE.providers;
export const DISTANCE_COLOURS = PALETTE.distance;
export const SEVERITY_COLOURS = PALETTE.severity;
export const NODE_SIZE = 30;
/** Rendered font sizes (px) under which cytoscape leaves a label out: node labels, edge labels. */
export const NODE_LABEL_MIN_PX = 8;
export const EDGE_LABEL_MIN_PX = 11;

export const providerColour = (p) => PROVIDER_COLOURS[p] || PROVIDER_COLOURS.any;

/**
 * The cloud's colour and the kind family's icon as plain selectors (one block per cloud and per family): the
 * values are parsed once with the stylesheet, where a function per element would run and parse a data: URI for
 * every node drawn.
 */
function cueStyles() {
  const byFamily = new Map();
  for (const [kind, family] of Object.entries(KINDS.kinds)) byFamily.set(family, [...(byFamily.get(family) || []), kind]);
  const quote = (v) => JSON.stringify(String(v));
  return [
    ...Object.entries(PROVIDER_COLOURS).filter(([p]) => p !== "any")
      .map(([p, c]) => ({ selector: `node[provider = ${quote(p)}]`, style: { "background-color": c } })),
    ...[...byFamily].filter(([f]) => f !== "other")
      .map(([f, kinds]) => ({ selector: kinds.map((k) => `node[kind = ${quote(k)}]`).join(", "), style: { "background-image": iconUri(f) } })),
  ];
}

export function graphStyle() {
  const label = { "text-background-color": "#fff", "text-background-opacity": 0.85, "text-background-padding": 1, "text-background-shape": "roundrectangle" };
  const style = [
    {
      selector: "node",
      style: {
        label: "data(label)", "font-size": 10, "text-valign": "bottom", "text-margin-y": 4, color: "#1d2430",
        "text-max-width": 120, "text-wrap": "ellipsis", "min-zoomed-font-size": NODE_LABEL_MIN_PX, ...label,
        width: NODE_SIZE, height: NODE_SIZE, "background-color": PROVIDER_COLOURS.any,
        "background-image": iconUri("other"), "background-width": "62%", "background-height": "62%",
        "border-width": 2, "border-color": "#fff",
      },
    },
    ...cueStyles(),
    { selector: "node.group", style: { "background-opacity": 0.05, "background-color": "#456", "background-image": "none", "border-color": "#8a9bb0",
      "border-width": 1, "border-style": "dashed", shape: "round-rectangle", "text-valign": "top", "text-halign": "center", "text-margin-y": -2,
      "font-size": 12, "font-weight": "bold", color: "#345", padding: 16, "min-zoomed-font-size": 5, "text-max-width": 400 } },
    { selector: "node.collapsed", style: { shape: "round-rectangle", width: "data(size)", height: "data(size)", "font-size": 11, "min-zoomed-font-size": 4,
      "background-image": "none" } },
    { selector: "edge", style: { width: 1.2, "line-color": "#b8c0cc", "target-arrow-color": "#b8c0cc", "target-arrow-shape": "triangle",
      "curve-style": "bezier", "arrow-scale": 0.8, label: "data(label)", "font-size": 8, "min-zoomed-font-size": EDGE_LABEL_MIN_PX, color: "#445",
      "text-rotation": "none", "text-wrap": "wrap", "text-max-width": 1000, ...label } },
    { selector: ".quiet", style: { "text-opacity": 0, "text-background-opacity": 0 } },
    { selector: "node.hover", style: { "text-opacity": 1, "text-background-opacity": 0.85, "min-zoomed-font-size": 0, "z-index": 20, "border-color": "#1d2430" } },
    { selector: "edge.hover, edge:selected", style: { "min-zoomed-font-size": 0, "text-opacity": 1, "text-background-opacity": 0.85, "font-size": 10, width: 2.5, "z-index": 20 } },
    { selector: "node:selected", style: { "border-width": 3, "border-color": "#2463eb", "min-zoomed-font-size": 0, "text-opacity": 1, "text-background-opacity": 0.85 } },
    { selector: ".root", style: { "border-width": 4, "border-color": "#111", width: 38, height: 38, "min-zoomed-font-size": 0 } },
    { selector: "edge.on-path", style: { "line-color": "#2463eb", "target-arrow-color": "#2463eb", width: 3, "min-zoomed-font-size": 0, "font-size": 9 } },
    { selector: "node.on-path", style: { "border-width": 3, "border-color": "#2463eb" } },
    { selector: "edge.exposed", style: { "line-color": "#d32f2f", "target-arrow-color": "#d32f2f", width: 3, "min-zoomed-font-size": 0, "font-size": 9 } },
    { selector: "node.internet", style: { shape: "diamond", "background-color": "#d32f2f", width: 36, height: 36, "min-zoomed-font-size": 0 } },
    { selector: ".faded", style: { opacity: 0.2 } },
    { selector: "node[costSize]", style: { width: "data(costSize)", height: "data(costSize)" } },
  ];
  DISTANCE_COLOURS.forEach((c, i) => style.push({ selector: `node.d${i + 1}`, style: { "background-color": c } }));
  for (const [sev, c] of Object.entries(SEVERITY_COLOURS)) {
    style.push({ selector: `node.sev-${sev}`, style: { "border-width": 4, "border-color": c } });
  }
  return style;
}
