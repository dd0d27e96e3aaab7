// Where the viewer is: `#tab?key=value&...` in the address, so a count can link to a filtered list, a list to
// a finding, and the back button and bookmarks work. Lists of values are comma-separated.

/** The tab and its parameters the address names now. */
export function current(hash = location.hash) {
  const text = hash.replace(/^#\/?/, "");
  const at = text.indexOf("?");
  const tab = (at < 0 ? text : text.slice(0, at)) || "";
  return { tab, params: new URLSearchParams(at < 0 ? "" : text.slice(at + 1)) };
}

/** The address of `tab` with `params` (values that are empty or null are left out; arrays are joined). */
export function href(tab, params = {}) {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) {
    const value = Array.isArray(v) ? v.filter(Boolean).join(",") : v;
    if (value !== undefined && value !== null && value !== "") q.set(k, String(value));
  }
  const s = q.toString();
  return `#${tab}${s ? `?${s}` : ""}`;
}

export function go(tab, params = {}) {
  const next = href(tab, params);
  if (location.hash === next) window.dispatchEvent(new HashChangeEvent("hashchange"));
  else location.hash = next;
}

/** A parameter as a list (comma-separated in the address). */
export const list = (params, key) => (params.get(key) || "").split(",").map((s) => s.trim()).filter(Boolean);
