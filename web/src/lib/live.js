// What every live page shares: the page's access token (renewed before it expires), the CSRF
// token, JSON calls to the API, and a JSON WebSocket that reconnects with backoff.

const meta = (name) => document.querySelector(`meta[name="${name}"]`)?.getAttribute("content") ?? "";

let accessToken = meta("cohack-token");
let tokenFetchedAt = Date.now();

/** The CSRF token of the page's forms (scripts send it as `X-CSRF-Token`). */
export const csrfToken = () => meta("csrf-token");

/**
 * How long a token lives, read from its own `iat`/`exp` claims (the difference, so the
 * browser's clock does not matter); ten minutes if it cannot be read.
 */
function lifetimeMs(jwt) {
  try {
    const payload = JSON.parse(atob(jwt.split(".")[1].replace(/-/g, "+").replace(/_/g, "/")));
    const seconds = payload.exp - payload.iat;
    if (Number.isFinite(seconds) && seconds > 0) return seconds * 1000;
  } catch {
    // Not a JWT we can read: fall back below.
  }
  return 10 * 60 * 1000;
}

/**
 * An access token for the API and sockets. The page came with one; once half its lifetime
 * has passed, a fresh one is fetched with the session cookie (`POST /session/token`).
 */
export async function token() {
  if (accessToken && Date.now() - tokenFetchedAt < lifetimeMs(accessToken) / 2) return accessToken;
  const response = await fetch("/session/token", {
    method: "POST",
    headers: { "X-CSRF-Token": csrfToken(), Accept: "application/json" },
    credentials: "same-origin",
  });
  if (!response.ok) throw new Error(`cannot renew the session (${response.status})`);
  const body = await response.json();
  accessToken = body.access_token;
  tokenFetchedAt = Date.now();
  return accessToken;
}

/** An error the API answered with (`{"error":{"code","message"}}`). */
export class ApiError extends Error {
  constructor(status, code, message) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

/** Calls the JSON API (`/api/v1` + `path`) with the page's token. */
export async function api(path, { method = "GET", body } = {}) {
  const headers = { Authorization: `Bearer ${await token()}`, Accept: "application/json" };
  if (body !== undefined) headers["Content-Type"] = "application/json";
  const response = await fetch(`/api/v1${path}`, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  const data = text ? JSON.parse(text) : null;
  if (!response.ok) {
    throw new ApiError(response.status, data?.error?.code ?? "error", data?.error?.message ?? response.statusText);
  }
  return data;
}

/** `ws://` or `wss://` for a path on this site. */
export function socketUrl(path) {
  const scheme = location.protocol === "https:" ? "wss:" : "ws:";
  return `${scheme}//${location.host}${path}`;
}

/**
 * A JSON WebSocket to `path` that reconnects (1 s, 2 s, … up to 15 s) until `close()`.
 * `onMessage(message)` gets each parsed frame; `onState("open" | "closed")` the connection
 * state, so pages can show when they are live. `authenticated` adds `?access_token=`.
 */
export function liveSocket(path, { onMessage, onState = () => {}, authenticated = true }) {
  let socket = null;
  let closed = false;
  let delay = 1000;
  let pinger = null;

  async function connect() {
    let url = socketUrl(path);
    if (authenticated) {
      try {
        url += `${url.includes("?") ? "&" : "?"}access_token=${encodeURIComponent(await token())}`;
      } catch {
        retry();
        return;
      }
    }
    socket = new WebSocket(url);
    socket.addEventListener("open", () => {
      delay = 1000;
      onState("open");
      pinger = setInterval(() => send({ type: "ping" }), 25_000);
    });
    socket.addEventListener("message", (event) => {
      let message;
      try {
        message = JSON.parse(event.data);
      } catch {
        return;
      }
      onMessage(message);
    });
    socket.addEventListener("close", (event) => {
      clearInterval(pinger);
      onState("closed");
      // 4403: access was withdrawn (a coach removed from the team, a role revoked); 4401: the
      // session ended (signed out elsewhere). Coming back is refused either way.
      if (!closed && event.code !== 4403 && event.code !== 4401) retry();
    });
  }

  function retry() {
    setTimeout(connect, delay);
    delay = Math.min(delay * 2, 15_000);
  }

  function send(message) {
    if (socket?.readyState === WebSocket.OPEN) {
      socket.send(JSON.stringify(message));
      return true;
    }
    return false;
  }

  connect();
  return {
    send,
    close() {
      closed = true;
      socket?.close();
    },
  };
}

/** Creates an element: `el("li", {class: "x", text: "…"}, child, …)`. Text is never HTML. */
export function el(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attributes)) {
    if (value === undefined || value === null || value === false) continue;
    if (key === "text") node.textContent = value;
    else if (key === "class") node.className = value;
    else if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
    else node.setAttribute(key, value === true ? "" : value);
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}
