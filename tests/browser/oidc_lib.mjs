// Helpers of the OpenID Connect scenarios: signing in through the test provider
// (tests/oidc/provider.mjs, panva's oidc-provider with its development pages: a log-in form
// that takes any password, then a consent page on a first sign-in in a browser), and
// recording how each WebSocket of a page closed.
import { assert, shot } from "./lib.mjs";

/**
 * Signs in through `provider` (`{id, label, issuer}`) as `person` (`{login}`): opens the
 * `from` page (a cohack page with the provider's button, e.g. `/signin?next=…`, relative to the
 * context's base or absolute), clicks the button, logs in and consents at the provider, and
 * waits until the browser is back on a page of `returnTo` (an origin; default the `from`
 * page's) other than `/auth/oidc/…`. With `shots`, screenshots the cohack page with the button
 * as `<shots>-button.png` and the provider's pages as `<shots>-provider-*.png`.
 *
 * The provider's pages are not cohack's: what they log (their web font, fetched from the
 * internet, fails offline) is dropped from `page.problems` once the browser is back.
 */
export async function signInThroughProvider(page, { provider, person }, { from, returnTo, shots } = {}) {
  await page.goto(from);
  const cohack = new URL(page.url()).origin;
  const back = returnTo ?? cohack;
  const button = page.locator(`a#oidc-${provider.id}`);
  assert.equal((await button.textContent()).trim(), provider.label, "the provider's button");
  assert.match(await button.getAttribute("href"), new RegExp(`^/auth/oidc/${provider.id}\\?next=`));
  if (shots) await shot(page, `${shots}-button`);
  const problemsBefore = page.problems.length;

  await button.click();
  await page.waitForURL((url) => url.origin === provider.issuer && url.pathname.startsWith("/interaction/"));
  const login = page.url();
  await page.locator('input[name="login"]').fill(person.login);
  await page.locator('input[name="password"]').fill("any password: the development form takes it");
  if (shots) await shot(page, `${shots}-provider-login`);
  await page.getByRole("button", { name: "Sign-in" }).click();
  await page.waitForURL((url) => url.href !== login);

  // A consent page on the first sign-in in this browser.
  if (new URL(page.url()).origin === provider.issuer) {
    const consent = page.locator('form:has(input[name="prompt"][value="consent"])');
    await consent.waitFor();
    if (shots) await shot(page, `${shots}-provider-consent`);
    await consent.getByRole("button", { name: "Continue" }).click();
  }
  await page.waitForURL((url) => url.origin === back && !url.pathname.startsWith("/auth/oidc/"));
  page.problems.splice(problemsBefore);
}

/**
 * Makes every page of `context` record how its WebSockets close, in
 * `window.__socketCloses` (`{path, code, at}`, `at` in ms since the epoch), before any of the
 * page's own scripts runs. The page's CSP does not govern an init script.
 */
export async function recordSocketCloses(context) {
  await context.addInitScript(() => {
    const Native = window.WebSocket;
    window.__socketCloses = [];
    window.WebSocket = class extends Native {
      constructor(url, protocols) {
        super(url, protocols);
        const path = new URL(String(url)).pathname;
        this.addEventListener("close", (event) =>
          window.__socketCloses.push({ path, code: event.code, at: Date.now() }),
        );
      }
    };
  });
}

/** The sockets `page` saw close so far (see `recordSocketCloses`). */
export function socketCloses(page) {
  return page.evaluate(() => window.__socketCloses ?? []);
}
