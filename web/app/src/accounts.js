// Account names: a registered account's name, else the name discovery found for the account itself (an Azure
// subscription's display name, a GCP project's name). Everywhere an account id is shown, its name is shown with
// it. Loaded once after sign-in; an id without a name shows as it is.
import { query } from "./api.js";

const names = new Map();
const ACCOUNT_KINDS = ["AWSAccount", "AzureSubscription", "GCPProject"];
let loading = null;

async function load(caps) {
  const add = (id, name) => {
    if (id && name && name !== id && !names.has(id)) names.set(id, name);
  };
  try {
    if (caps.has("cloudAccounts")) for (const a of (await query("{ cloudAccounts { accountId name } }")).cloudAccounts) add(a.accountId, a.name);
    if (caps.has("resources")) {
      const r = (await query("query($k: [String!]) { resources(filter: {kinds: $k}, first: 1000) { edges { node { account name } } } }", { k: ACCOUNT_KINDS })).resources;
      for (const { node } of r.edges) add(node.account, node.name);
    }
  } catch {
    // names are a convenience: the ids are still shown
  }
}

/** Load the names once; later calls share the first load. */
export function loadAccountNames(caps) {
  loading ??= load(caps);
  return loading;
}

/** Resolves once the names asked for by loadAccountNames are in (at once when nobody asked). */
export const accountNamesReady = () => loading ?? Promise.resolve();

/** The account's name, else its id. */
export const accountName = (id) => names.get(id) || id || "";

/** "name (id)" for a named account (a long id shortened), else the id. */
export function accountLabel(id) {
  if (!id) return "";
  const name = names.get(id);
  return name ? `${name} (${id.length > 14 ? `${id.slice(0, 12)}…` : id})` : id;
}
