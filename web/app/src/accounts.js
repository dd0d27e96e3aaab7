// Account names for the graph: a registered account's name instead of its raw id wherever the graph shows one.
import { query } from "./api.js";

const names = new Map();
let loading = null;

/** Load the registered accounts once (a server without `cloudAccounts`, or a refusal, leaves raw ids). */
export function loadAccountNames(caps) {
  loading ??= (async () => {
    if (!caps.has("cloudAccounts")) return;
    try {
      for (const a of (await query("{ cloudAccounts { provider accountId name } }")).cloudAccounts) names.set(a.accountId, a.name);
    } catch {
      // raw ids it is: the graph still works without names
    }
  })();
  return loading;
}

/** Resolves once the names asked for by loadAccountNames are in (at once when nobody asked). */
export const accountNamesReady = () => loading ?? Promise.resolve();

/** "name (id)" for a registered account, the id otherwise. */
export function accountLabel(id) {
  if (!id) return "";
  const name = names.get(id);
  return name && name !== id ? `${name} (${id.length > 14 ? `${id.slice(0, 12)}…` : id})` : id;
}
