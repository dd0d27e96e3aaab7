// Small DOM helpers: build elements without innerHTML (names and tags are attacker-controlled text).

export function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k.startsWith("on")) node.addEventListener(k.slice(2), v);
    else if (k === "className") node.className = v;
    else node.setAttribute(k, v === true ? "" : String(v));
  }
  for (const c of children.flat()) {
    if (c === undefined || c === null || c === false) continue;
    node.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return node;
}

export function clear(node, ...children) {
  node.replaceChildren(...children.flat().filter((c) => c !== null && c !== undefined && c !== false));
  return node;
}

export const $ = (sel, root = document) => root.querySelector(sel);

export const num = (n) => Number(n).toLocaleString("en-US");
export const usd = (n) =>
  `$${Number(n).toLocaleString("en-US", { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;

/** The note every panel shows when the server lacks the field it needs. */
export function notAvailable(field) {
  return el("p", { className: "na", "data-missing": field }, `Not available: this server has no \`${field}\` field.`);
}

export function errorNote(err) {
  return el("p", { className: "error" }, err?.message || String(err));
}

/** A table of label / count rows with proportional bars. */
export function bars(rows, { label = "key", value = "count", format = num, id } = {}) {
  const max = Math.max(1, ...rows.map((r) => r[value]));
  return el(
    "table",
    { className: "bars", id },
    rows.map((r) =>
      el(
        "tr",
        {},
        el("td", { className: "k", title: r[label] }, r[label] || "(none)"),
        el("td", { className: "bar" }, el("span", { style: `width:${(100 * r[value]) / max}%` })),
        el("td", { className: "v" }, format(r[value])),
      ),
    ),
  );
}

export function status(node, message, isError = false) {
  node.textContent = message;
  node.classList.toggle("error", isError);
}
