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

/** "1 resource", "2 resources": `many` defaults to `one` + "s". */
export const plural = (n, one, many = `${one}s`) => `${num(n)} ${n === 1 ? one : many}`;

/** Make a non-button element (a row, a list item) act as one: focusable, Enter or Space runs `fn`, and the
 * arrow keys move to the previous or next sibling that acts the same way. */
export function activatable(node, fn, label) {
  node.tabIndex = 0;
  node.setAttribute("role", "button");
  if (label) node.setAttribute("aria-label", label);
  node.classList.add("clickable");
  node.addEventListener("click", fn);
  node.addEventListener("keydown", (e) => {
    if (e.key === "Enter" || e.key === " ") {
      e.preventDefault();
      fn(e);
    } else if (e.key === "ArrowDown" || e.key === "ArrowUp") {
      let next = e.key === "ArrowDown" ? node.nextElementSibling : node.previousElementSibling;
      while (next && next.tabIndex !== 0) next = e.key === "ArrowDown" ? next.nextElementSibling : next.previousElementSibling;
      if (next) {
        e.preventDefault();
        next.focus();
      }
    }
  });
  return node;
}

/** Save `text` as a file the browser downloads. */
export function download(name, type, text) {
  const a = el("a", { href: URL.createObjectURL(new Blob([text], { type })), download: name });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(a.href), 1000);
}

/** A table of label / count rows with proportional bars; with `link(row)` each label links there (unless null). */
export function bars(rows, { label = "key", value = "count", format = num, id, link, name = (r) => r[label] } = {}) {
  const max = Math.max(1, ...rows.map((r) => r[value]));
  return el(
    "table",
    { className: "bars", id },
    rows.map((r) =>
      el(
        "tr",
        {},
        el("td", { className: "k", title: name(r) }, link?.(r) ? el("a", { href: link(r) }, name(r) || "(none)") : name(r) || "(none)"),
        el("td", { className: "bar" }, el("span", { style: `width:${(100 * r[value]) / max}%` })),
        el("td", { className: "v" }, link?.(r) ? el("a", { href: link(r), tabIndex: -1 }, format(r[value])) : format(r[value])),
      ),
    ),
  );
}

export function status(node, message, isError = false) {
  node.textContent = message;
  node.classList.toggle("error", isError);
}
