// A minimal graphql-transport-ws client: one socket per subscription (the viewer follows one job at a time).
import { loadCredentials } from "./api.js";

/** Subscribe; onNext(data) per event, onDone(error|null) once. Returns a function that closes the socket. */
export function subscribe(query, variables, onNext, onDone) {
  const creds = loadCredentials() || {};
  const url = `${location.protocol === "https:" ? "wss" : "ws"}://${location.host}/graphql`;
  let finished = false;
  const done = (err) => {
    if (!finished) {
      finished = true;
      onDone(err);
    }
  };
  let socket;
  try {
    socket = new WebSocket(url, "graphql-transport-ws");
  } catch (e) {
    done(new Error(`websocket refused: ${e.message}`));
    return () => {};
  }
  socket.onopen = () => {
    const payload = creds.apiKey ? { apiKey: creds.apiKey } : { authorization: `Bearer ${creds.token || ""}` };
    socket.send(JSON.stringify({ type: "connection_init", payload }));
  };
  socket.onmessage = (ev) => {
    const msg = JSON.parse(ev.data);
    if (msg.type === "connection_ack") {
      socket.send(JSON.stringify({ id: "1", type: "subscribe", payload: { query, variables } }));
    } else if (msg.type === "next") {
      if (msg.payload.errors?.length) done(new Error(msg.payload.errors[0].message));
      else onNext(msg.payload.data);
    } else if (msg.type === "error") {
      done(new Error(msg.payload?.[0]?.message || "subscription error"));
      socket.close();
    } else if (msg.type === "complete") {
      done(null);
      socket.close();
    } else if (msg.type === "ping") {
      socket.send(JSON.stringify({ type: "pong" }));
    }
  };
  socket.onerror = () => done(new Error("the websocket failed"));
  socket.onclose = (ev) => done(ev.code === 1000 ? null : new Error(`the websocket closed (${ev.code} ${ev.reason})`));
  return () => {
    finished = true;
    socket.close();
  };
}
