// Cytoscape styles: colour by provider, blast-radius distance, findings and cost overlays, compound groups.

export const PROVIDER_COLOURS = { aws: "#e8891c", azure: "#2f7fd8", gcp: "#2f9e58" };
export const DISTANCE_COLOURS = ["#7a1f1f", "#c0392b", "#e67e22", "#f1c40f", "#9bc53d", "#5dade2", "#a569bd", "#95a5a6"];
export const SEVERITY_COLOURS = { critical: "#8e0000", high: "#d32f2f", medium: "#f57c00", low: "#fbc02d", info: "#78909c" };

export function graphStyle() {
  const style = [
    {
      selector: "node",
      style: {
        label: "data(label)", "font-size": 9, "text-valign": "bottom", "text-margin-y": 3, color: "#333",
        "text-max-width": 120, "text-wrap": "ellipsis", width: 22, height: 22,
        "background-color": (n) => PROVIDER_COLOURS[n.data("provider")] || "#888", "border-width": 1, "border-color": "#fff",
      },
    },
    { selector: "node.group", style: { "background-opacity": 0.06, "background-color": "#456", "border-color": "#9aa", "border-width": 1,
      "border-style": "dashed", shape: "round-rectangle", "text-valign": "top", "font-size": 10, color: "#456", label: "data(label)" } },
    { selector: "node.collapsed", style: { shape: "round-rectangle", width: "data(size)", height: "data(size)", "font-size": 10 } },
    { selector: "edge", style: { width: 1, "line-color": "#b8c0cc", "target-arrow-color": "#b8c0cc", "target-arrow-shape": "triangle",
      "curve-style": "bezier", "arrow-scale": 0.7, label: "", "font-size": 8, color: "#667", "text-rotation": "autorotate" } },
    { selector: "node:selected", style: { "border-width": 3, "border-color": "#2463eb" } },
    { selector: ".root", style: { "border-width": 4, "border-color": "#111", width: 30, height: 30 } },
    { selector: "edge.on-path, edge.exposed, edge:selected, edge.labelled", style: { label: "data(label)" } },
    { selector: ".on-path", style: { "line-color": "#2463eb", "target-arrow-color": "#2463eb", width: 3 } },
    { selector: "node.on-path", style: { "border-width": 3, "border-color": "#2463eb" } },
    { selector: ".exposed", style: { "line-color": "#d32f2f", "target-arrow-color": "#d32f2f", width: 3 } },
    { selector: "node.internet", style: { shape: "diamond", "background-color": "#d32f2f", width: 28, height: 28 } },
    { selector: ".faded", style: { opacity: 0.25 } },
    { selector: "node[costSize]", style: { width: "data(costSize)", height: "data(costSize)" } },
  ];
  DISTANCE_COLOURS.forEach((c, i) => style.push({ selector: `node.d${i + 1}`, style: { "background-color": c } }));
  for (const [sev, c] of Object.entries(SEVERITY_COLOURS)) {
    style.push({ selector: `node.sev-${sev}`, style: { "border-width": 4, "border-color": c } });
  }
  return style;
}
