// GraphiQL from the project's own bundle (no CDN), on /graphiql and on a browser's GET /graphql. The headers
// editor starts with the credentials the viewer signed in with in this tab, so a first query answers.
import { createGraphiQLFetcher } from "@graphiql/toolkit";
import { GraphiQL } from "graphiql";
import { createElement } from "react";
import { createRoot } from "react-dom/client";
import "graphiql/style.css";
import { loadCredentials } from "./api.js";

const EXAMPLE = `# Signed in with the viewer's credentials (see Headers below). Press the run button (Ctrl-Enter).
{
  me { name role }
  resources(first: 5) { totalCount edges { node { id kind name provider account region } } }
}
`;

/** The headers a signed-in tab sends, as GraphiQL's headers JSON text ("" when not signed in). */
export function credentialHeaders(creds = loadCredentials()) {
  if (creds?.apiKey) return JSON.stringify({ "X-API-Key": creds.apiKey }, null, 2);
  if (creds?.token) return JSON.stringify({ Authorization: `Bearer ${creds.token}` }, null, 2);
  return "";
}

function mount() {
  const box = document.getElementById("graphiql");
  const headers = credentialHeaders();
  if (!headers) document.getElementById("graphiql-note").hidden = false;
  const fetcher = createGraphiQLFetcher({ url: `${location.origin}/graphql` });
  // storage: GraphiQL would otherwise keep the headers (the key) in localStorage across sessions
  const memory = new Map();
  const storage = { getItem: (k) => memory.get(k) ?? null, setItem: (k, v) => memory.set(k, v), removeItem: (k) => memory.delete(k), clear: () => memory.clear(), length: 0 };
  createRoot(box).render(createElement(GraphiQL, {
    fetcher, defaultQuery: EXAMPLE, initialQuery: EXAMPLE, initialHeaders: headers, defaultHeaders: headers,
    isHeadersEditorEnabled: true, shouldPersistHeaders: false, storage, defaultEditorToolsVisibility: "headers",
  }));
  document.body.dataset.ready = "1";
}

mount();
