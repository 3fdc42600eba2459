// A real OpenID provider for cohack's sign-in tests: panva's oidc-provider (the version
// package.json pins) with its development log-in and consent pages, one confidential client
// and accounts given as JSON. Test use only: keys, cookies and sessions live in memory and are
// made up at every start.
//
// Settings come from the environment:
//   OIDC_PORT         port to listen on, on 127.0.0.1 (default 0: any free port)
//   OIDC_CLIENT       the client, JSON: {"client_id", "client_secret", "redirect_uris": [...],
//                     "post_logout_redirect_uris": [...], "backchannel_logout_uri",
//                     "token_endpoint_auth_method" (default "client_secret_basic")}
//   OIDC_ACCOUNTS     the accounts, JSON: {"<login>": {"email", "email_verified", "name",
//                     "organization"}, ...}; whatever is typed as the log-in form's `login` is the
//                     account id, and an id not listed here has no account
//   OIDC_NODE_MODULES the node_modules folder holding oidc-provider (default: resolved from
//                     this file, as after `npm install` in tests/oidc)
// With the argument --exit-with-stdin it exits when its standard input closes, so a test
// that dies without killing it does not leave it behind.
//
// When listening it prints one line, `ISSUER http://127.0.0.1:PORT`, on stdout. Back-channel
// logout deliveries are logged to stderr (`backchannel.success` / `backchannel.error`).
import { randomBytes } from "node:crypto";
import { createServer } from "node:http";
import { createRequire } from "node:module";
import { join } from "node:path";
import { pathToFileURL } from "node:url";

function setting(name, fallback) {
  const value = process.env[name];
  if (value === undefined || value === "") {
    if (fallback === undefined) fail(`${name} is not set`);
    return fallback;
  }
  return value;
}

function json(name, fallback) {
  const text = setting(name, fallback === undefined ? undefined : JSON.stringify(fallback));
  try {
    return JSON.parse(text);
  } catch (error) {
    fail(`${name} is not JSON: ${error.message}`);
  }
}

function fail(message) {
  console.error(`provider.mjs: ${message}`);
  process.exit(2);
}

async function loadProvider() {
  const modules = process.env.OIDC_NODE_MODULES;
  if (!modules) return (await import("oidc-provider")).default;
  // Bare imports resolve from the importing file's folder, and the install lives elsewhere
  // (target/cohack-tools): resolve the package's entry from that folder instead.
  const entry = createRequire(join(modules, "noop.js")).resolve("oidc-provider");
  return (await import(pathToFileURL(entry).href)).default;
}

const port = Number(setting("OIDC_PORT", "0"));
const client = json("OIDC_CLIENT");
const accounts = json("OIDC_ACCOUNTS", {});
for (const key of ["client_id", "client_secret", "redirect_uris"]) {
  if (!client[key]) fail(`OIDC_CLIENT has no ${key}`);
}

const Provider = await loadProvider();

// The issuer names the port, so the socket is bound before the provider is made.
let handle = (_req, res) => {
  res.statusCode = 503;
  res.end();
};
const server = createServer((req, res) => handle(req, res));
await new Promise((resolve, reject) => {
  server.once("error", reject);
  server.listen(port, "127.0.0.1", resolve);
});
const issuer = `http://127.0.0.1:${server.address().port}`;

/** Only loopback addresses: the relying parties under test all listen on this machine. */
function loopbackOnly(url) {
  const { hostname } = new URL(url);
  if (hostname !== "127.0.0.1" && hostname !== "localhost" && hostname !== "[::1]") {
    throw new Error(`this test provider only calls loopback addresses, not ${url}`);
  }
}

const provider = new Provider(issuer, {
  clients: [
    {
      client_id: client.client_id,
      client_secret: client.client_secret,
      redirect_uris: client.redirect_uris,
      post_logout_redirect_uris: client.post_logout_redirect_uris ?? [],
      grant_types: ["authorization_code"],
      response_types: ["code"],
      token_endpoint_auth_method: client.token_endpoint_auth_method ?? "client_secret_basic",
      ...(client.backchannel_logout_uri
        ? { backchannel_logout_uri: client.backchannel_logout_uri, backchannel_logout_session_required: true }
        : {}),
    },
  ],
  async findAccount(_ctx, id) {
    const account = Object.hasOwn(accounts, id) ? accounts[id] : undefined;
    if (!account) return undefined;
    return {
      accountId: id,
      async claims() {
        return { sub: id, ...account };
      },
    };
  },
  claims: {
    openid: ["sub"],
    email: ["email", "email_verified"],
    profile: ["name"],
    organization: ["organization"],
  },
  scopes: ["openid", "email", "profile", "organization"],
  // PKCE is optional for a confidential client; cohack always sends S256, so insist on it.
  pkce: { required: () => true },
  features: {
    devInteractions: { enabled: true },
    backchannelLogout: { enabled: true },
    rpInitiatedLogout: { enabled: true },
  },
  cookies: { keys: [randomBytes(32).toString("base64url")] },
  // oidc-provider passes an undici dispatcher that refuses loopback and private addresses (an
  // SSRF guard): back-channel logout to a relying party on 127.0.0.1 would fail with "fetch
  // failed". Drop it, and call nothing but loopback instead.
  async fetch(url, { dispatcher: _guard, ...options }) {
    loopbackOnly(url);
    return globalThis.fetch(url, options);
  },
});

provider.on("backchannel.success", (_ctx, c, accountId, sid) => {
  console.error(`backchannel.success client=${c.clientId} account=${accountId} sid=${sid}`);
});
provider.on("backchannel.error", (_ctx, error, c, accountId, sid) => {
  console.error(
    `backchannel.error client=${c.clientId} account=${accountId} sid=${sid}: ${error.message}` +
      (error.cause ? ` (${error.cause.message ?? error.cause})` : ""),
  );
});
provider.on("server_error", (_ctx, error) => console.error(`server_error: ${error.stack ?? error}`));

handle = provider.callback();
console.log(`ISSUER ${issuer}`);

if (process.argv.includes("--exit-with-stdin")) {
  process.stdin.on("end", () => process.exit(0));
  process.stdin.resume();
}
for (const signal of ["SIGINT", "SIGTERM"]) process.on(signal, () => process.exit(0));
