// Shared helpers of the browser scenarios: Debian's Chromium driven by playwright-core (from
// web/node_modules; nothing downloads a browser), against the real server whose address the
// Rust test passes in COHACK_URL, with the fixture it prepared in COHACK_FIXTURE (JSON).
import assert from "node:assert/strict";
import { mkdirSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";

const require = createRequire(new URL("../../web/package.json", import.meta.url));
const { chromium } = require("playwright-core");

export { assert };

/** The server under test, e.g. `http://127.0.0.1:41234`. */
export const base = process.env.COHACK_URL;
/** Where screenshots go (the Rust side passes `target/screenshots`). */
export const screenshotDir = process.env.COHACK_SCREENSHOTS ?? "target/screenshots";
/** The password of every account the scenarios create. */
export const password = "correct horse battery staple";

/** What the Rust side prepared (event slug, accounts, …). */
export function fixture() {
  return JSON.parse(process.env.COHACK_FIXTURE ?? "{}");
}

/** Starts headless Chromium with a fresh profile. */
export async function launch() {
  return chromium.launch({
    executablePath: process.env.COHACK_CHROMIUM ?? "/usr/bin/chromium",
    headless: true,
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
}

/**
 * A page in its own browser context (its own cookies: one context per person), recording
 * every console error, uncaught exception and Content-Security-Policy violation in
 * `page.problems`. `timezoneId` and `locale` set the reader's zone and language
 * ("Europe/Paris", "en-GB").
 */
export async function newPage(browser, { viewport = { width: 1280, height: 800 }, timezoneId, locale } = {}) {
  const context = await browser.newContext({ viewport, baseURL: base, timezoneId, locale });
  const page = await context.newPage();
  // Generous: on CI's two cores a sign-in (argon2id) and the page after it share the CPU with
  // the rest of the suite, and have taken over 15 s there. A real hang still ends at the
  // scenario's limit below.
  page.setDefaultTimeout(30_000);
  page.problems = [];
  page.on("console", (message) => {
    if (message.type() === "error") page.problems.push(`console: ${message.text()}`);
  });
  page.on("pageerror", (error) => page.problems.push(`exception: ${error.message}`));
  return page;
}

/** Fails if the page logged errors, threw, or broke the Content-Security-Policy. */
export function assertClean(page, { allow = [] } = {}) {
  const problems = page.problems.filter((p) => !allow.some((pattern) => pattern.test(p)));
  assert.deepEqual(problems, [], `problems on ${page.url()}`);
}

const axeSource = readFileSync(require.resolve("axe-core/axe.min.js"), "utf8");

/**
 * Audits the page with axe-core against WCAG 2.1 A and AA (labels, names, contrast, landmarks,
 * ARIA use, …) and fails on any violation, listing each with the elements concerned. axe is
 * evaluated through the DevTools protocol, which the page's CSP does not govern.
 */
export async function assertAccessible(page, { exclude = [] } = {}) {
  await page.evaluate(axeSource);
  const violations = await page.evaluate(async (exclude) => {
    const result = await globalThis.axe.run(
      { exclude: exclude.map((selector) => [selector]) },
      { runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"] } },
    );
    return result.violations.map((v) => ({
      rule: v.id,
      impact: v.impact,
      help: v.help,
      nodes: v.nodes.slice(0, 5).map((n) => `${n.target.join(" ")}: ${n.failureSummary}`),
    }));
  }, exclude);
  assert.deepEqual(violations, [], `accessibility violations on ${page.url()}`);
}

/**
 * How the page should show instant `iso` to a reader in `timeZone` with `locale`: the options
 * of web/src/lib/time.js for each `data-time` style, computed here independently of the page.
 */
export function expectedTime(iso, style, { timeZone, locale }) {
  const hm = { hour: "2-digit", minute: "2-digit", hourCycle: "h23" };
  const day = { weekday: "short", day: "numeric", month: "short" };
  const options = {
    date: { ...day, ...hm },
    "date-seconds": { ...day, ...hm, second: "2-digit" },
    time: hm,
    "time-seconds": { ...hm, second: "2-digit" },
  }[style];
  const at = new Date(iso);
  if (options.month && at.getUTCFullYear() !== new Date().getUTCFullYear()) options.year = "numeric";
  return new Intl.DateTimeFormat(locale, { ...options, timeZone, timeZoneName: "short" }).format(at);
}

/** Instant `iso` as a `datetime-local` value ("2030-01-15T10:00") in `timeZone`. */
export function localInput(iso, timeZone) {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat("en-CA", {
      timeZone, year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit", hourCycle: "h23",
    }).formatToParts(new Date(iso)).map((p) => [p.type, p.value]),
  );
  return `${parts.year}-${parts.month}-${parts.day}T${parts.hour}:${parts.minute}`;
}

/**
 * Checks every `<time>` under `selector` on `page` shows its instant as `expectedTime` would
 * for the reader, and returns their texts.
 */
export async function assertLocalTimes(page, selector, reader) {
  const times = await page.locator(`${selector} time[datetime]`).evaluateAll((nodes) =>
    nodes.map((n) => ({ iso: n.getAttribute("datetime"), style: n.dataset.time, text: n.textContent })),
  );
  assert.ok(times.length > 0, `no <time> under ${selector} on ${page.url()}`);
  for (const { iso, style, text } of times) {
    assert.equal(text, expectedTime(iso, style ?? "date", reader), `the time ${iso} under ${selector}`);
  }
  return times.map((t) => t.text);
}

/** Saves a full-page screenshot as `<screenshotDir>/<name>.png`. */
export async function shot(page, name, { fullPage = true } = {}) {
  mkdirSync(screenshotDir, { recursive: true });
  await page.screenshot({ path: join(screenshotDir, `${name}.png`), fullPage });
}

/** Creates an account through the sign-up form (then signed in). */
export async function signUp(page, { name, email, organization }, next = "/") {
  await page.goto(`/signup?next=${encodeURIComponent(next)}`);
  await page.getByLabel("Your name").fill(name);
  await page.getByLabel("Company").fill(organization);
  await page.getByLabel("Email").fill(email);
  await page.getByLabel(/^Password/).fill(password);
  await page.getByRole("button", { name: "Create your account" }).click();
  await page.waitForURL((url) => !url.pathname.startsWith("/signup"));
}

/** Signs in through the form. */
export async function signIn(page, email, next = "/") {
  await page.goto(`/signin?next=${encodeURIComponent(next)}`);
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.waitForURL((url) => !url.pathname.startsWith("/signin"));
}

/**
 * Runs a scenario: launches the browser, passes it to `body`, and on failure keeps a
 * screenshot of every open page (`failed-<name>-<n>.png`) before exiting non-zero.
 */
export async function scenario(name, body) {
  const browser = await launch();
  // Fail here, with the screenshots and problems below, well before the Rust side gives up.
  const limit = Number(process.env.COHACK_SCENARIO_TIMEOUT_MS ?? 150_000);
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`scenario ${name} took longer than ${limit} ms`)), limit);
  });
  try {
    await Promise.race([body(browser), timeout]);
    console.log(`scenario ${name}: ok`);
  } catch (error) {
    console.error(`scenario ${name} failed:`, error);
    let n = 0;
    for (const context of browser.contexts()) {
      for (const page of context.pages()) {
        try {
          console.error(`  page ${n}: ${page.url()}`);
          for (const problem of page.problems ?? []) console.error(`    ${problem}`);
          await shot(page, `failed-${name}-${n++}`);
        } catch {
          // The page may be gone; the error above is what matters.
        }
      }
    }
    process.exitCode = 1;
  } finally {
    clearTimeout(timer);
    await browser.close();
  }
}
