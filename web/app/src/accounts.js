// Account names: a registered account's name, else the name discovery found for the account itself (an Azure
// subscription's display name, a GCP project's name). Everywhere an account id is shown, its name is shown with
// it. Loaded once after sign-in; an id without a name shows as it is.
import { query } from "./api.js";

const names = new Map();
const ACCOUNT_KINDS = ["AzureSubscription", "GCPProject"];

export async function loadAccountNames(caps) {
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

/** The account's name, else its id. */
export const accountName = (id) => names.get(id) || id || "";

/** "name (id)" for a named account, else the id. */
export const accountLabel = (id) => (names.has(id) ? `${names.get(id)} (${id})` : id || "");
