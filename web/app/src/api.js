// The only way the viewer talks to the server: POST /graphql (and the websocket on the same path).
// Credentials: an API key (X-API-Key) or a bearer token from the login mutation, kept in sessionStorage.

const STORE = "aidiscover.credentials";

export class ApiError extends Error {}

export function loadCredentials() {
  try {
    return JSON.parse(sessionStorage.getItem(STORE) || "null");
  } catch {
    return null;
  }
}

export function saveCredentials(creds) {
  if (creds) sessionStorage.setItem(STORE, JSON.stringify(creds));
  else sessionStorage.removeItem(STORE);
}

function headers(creds) {
  const h = { "Content-Type": "application/json", Accept: "application/json" };
  if (creds?.apiKey) h["X-API-Key"] = creds.apiKey;
  else if (creds?.token) h.Authorization = `Bearer ${creds.token}`;
  return h;
}

/** Run one document; returns {data, errors} (errors: list of messages) without throwing on field errors. */
export async function request(query, variables = {}, creds = loadCredentials()) {
  let res;
  try {
    res = await fetch("/graphql", { method: "POST", headers: headers(creds), body: JSON.stringify({ query, variables }) });
  } catch (e) {
    throw new ApiError(`the server does not answer (${e.message}); is \`aidiscover serve\` running?`);
  }
  let body = null;
  try {
    body = await res.json();
  } catch {
    body = null;
  }
  const errors = (body?.errors || []).map((e) => e.message);
  if (!body || (!body.data && errors.length)) {
    if (res.status === 401 && creds?.token) {
      saveCredentials(null); // the access token expired (30 min by default): the next page load asks again
      throw new ApiError("your session has expired: reload the page and sign in again");
    }
    if (res.status === 401) throw new ApiError(errors[0] || "not signed in: give an API key or sign in");
    if (res.status === 429) throw new ApiError(errors[0] || "rate limited: wait a minute and try again");
    throw new ApiError(errors[0] || `the server answered HTTP ${res.status}`);
  }
  return { data: body.data || {}, errors };
}

/** Like request, but any error is thrown. */
export async function query(q, variables = {}) {
  const { data, errors } = await request(q, variables);
  if (errors.length) throw new ApiError(errors[0]);
  return data;
}

/** The root fields the server has NOW (one small introspection at start). */
export class Capabilities {
  constructor(query = [], mutation = [], subscription = []) {
    this.query = new Set(query);
    this.mutation = new Set(mutation);
    this.subscription = new Set(subscription);
  }
  has(field) {
    return this.query.has(field);
  }
  static async load() {
    const data = await query(
      "{ __schema { queryType { fields { name } } mutationType { fields { name } } subscriptionType { fields { name } } } }",
    );
    const names = (t) => (t?.fields || []).map((f) => f.name);
    const s = data.__schema;
    return new Capabilities(names(s.queryType), names(s.mutationType), names(s.subscriptionType));
  }
}

export async function login(username, password) {
  const { data, errors } = await request(
    "mutation($u: String!, $p: String!) { login(username: $u, password: $p) { accessToken expiresIn } }",
    { u: username, p: password },
    null,
  );
  if (errors.length || !data.login) throw new ApiError(errors[0] || "sign-in failed");
  return { token: data.login.accessToken, user: username };
}
