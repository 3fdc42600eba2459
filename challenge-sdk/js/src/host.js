// The host functions (`log`, `config`, `network-budget`) and the network, behind one seam.
//
// In the sandbox, `sandbox.js` (imported first by the bundle that `scripts/build.mjs`
// makes) installs the real imports of `cohack:validator/host@0.2.0`, and requests go out
// through `fetch` (the host's wasi:http). Anywhere else, as under `node --test`, in-process
// stand-ins answer, which `testing.js` controls: that is what lets a validator's logic be
// unit-tested without building a component, as the Rust SDK's `testing` module does natively.

/** The budget a test starts with: the manifest's `[network]` defaults. */
export const DEFAULT_BUDGET = Object.freeze({
  requestsLeft: 20,
  maxRequests: 20,
  requestTimeoutMs: 2000,
  maxResponseBytes: 1n << 20n,
});

/**
 * The stand-ins' state: the config, the log, canned HTTP answers, the requests sent and the
 * budget left.
 */
export const standIn = {
  /** @type {Map<string, string>} */
  config: new Map(),
  /** @type {Array<[string, string]>} level and message */
  logs: [],
  /** @type {Array<{method: string, url: string, answer: object}>} */
  canned: [],
  /** @type {Array<object>} */
  sent: [],
  budget: { ...DEFAULT_BUDGET },
};

const standInHost = {
  inSandbox: false,
  log(level, message) {
    standIn.logs.push([level, message]);
  },
  config(key) {
    return standIn.config.get(key);
  },
  networkBudget() {
    return { ...standIn.budget };
  },
};

let current = standInHost;

/**
 * Installs the sandbox's imports; called once by `sandbox.js`, before the validator's module
 * runs.
 * @param {{log: Function, config: Function, networkBudget: Function}} imports
 */
export function installHost(imports) {
  current = {
    inSandbox: true,
    log: imports.log,
    config: imports.config,
    networkBudget: imports.networkBudget,
  };
}

/** Whether the real host answers (in the sandbox), rather than the stand-ins. */
export function inSandbox() {
  return current.inSandbox;
}

/**
 * @param {'debug' | 'info' | 'warn' | 'error'} level
 * @param {string} message
 */
export function hostLog(level, message) {
  current.log(level, String(message));
}

/**
 * @param {string} key
 * @returns {string | undefined}
 */
export function hostConfig(key) {
  const value = current.config(String(key));
  return value ?? undefined;
}

/**
 * @returns {{requestsLeft: number, maxRequests: number, requestTimeoutMs: number,
 *   maxResponseBytes: bigint}}
 */
export function hostNetworkBudget() {
  return current.networkBudget();
}
