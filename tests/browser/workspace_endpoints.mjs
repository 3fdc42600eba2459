// A team ships its service: submitting to Ship it before the endpoint is set is refused with a
// link to the Endpoints panel; a URL the server refuses (`ftp://x`) shows why in the panel;
// the service's URL is set, and the passing verdict shows its checks and, beside them, the
// requests the judge sent ("GET /health → 200 in … ms"), each unfolding to the body the
// service answered. Then the same without JavaScript, through the page routes.
import { assert, assertAccessible, assertClean, base, fixture, newPage, scenario, shot, signIn } from "./lib.mjs";

const f = fixture();
const here = `/teams/${f.team}?challenge=ship-it`;
/** A line of the exchanges: the request, its path under the endpoint, and 200. */
const HEALTH = /^GET \/health → 200 in \d+ ms$/;
const ECHO = /^GET \/echo\?value=[a-z0-9]+ → 200 in \d+ ms$/;

await scenario("workspace_endpoints", async (browser) => {
  const page = await newPage(browser);
  await signIn(page, f.email, here);
  await page.waitForURL((url) => url.pathname === `/teams/${f.team}`);
  await page.locator('#live-status[data-state="live"]').waitFor();
  const panel = page.locator("#endpoints");
  await panel.getByRole("heading", { level: 2, name: "Endpoints" }).waitFor();
  await panel.locator("#endpoints-empty").waitFor();
  await page.evaluate(() => (window.notReloaded = true));

  // Submitting before the endpoint is set: refused, and told where to set it.
  await page.getByLabel("Challenge", { exact: true }).selectOption("ship-it");
  await page.getByLabel("Short answer").fill("deployed");
  await page.getByRole("button", { name: "Submit", exact: true }).click();
  const refusal = page.locator("#verdict .form-error");
  await refusal.waitFor();
  assert.match(await refusal.innerText(), /endpoint `api`/);
  const toPanel = refusal.getByRole("link", { name: "Set it in the Endpoints panel" });
  assert.equal(await toPanel.getAttribute("href"), "#endpoints");
  await toPanel.click();

  // A URL the server refuses: its reason, in the panel; nothing is set.
  await page.getByLabel("Name", { exact: true }).fill("api");
  await page.getByLabel("URL", { exact: true }).fill("ftp://x");
  await page.getByRole("button", { name: "Set endpoint" }).click();
  const error = panel.locator("#endpoints-message .form-error");
  await error.waitFor();
  assert.match(await error.innerText(), /ftp:\/\//);
  assert.equal(await panel.locator(".endpoint").count(), 0);
  await shot(page, "workspace-endpoint-refused");

  // The service's URL.
  await page.getByLabel("URL", { exact: true }).fill(f.service);
  await page.getByRole("button", { name: "Set endpoint" }).click();
  await panel.locator("#endpoints-message .notice", { hasText: "Endpoint api set." }).waitFor();
  const row = panel.locator('.endpoint[data-name="api"]');
  await row.waitFor();
  assert.equal((await row.locator(".endpoint-url").innerText()).trim(), f.service);
  assert.ok(await panel.locator("#endpoints-empty").isHidden());

  // Submitting now passes, with the checks and the requests beside them.
  await page.getByRole("button", { name: "Submit", exact: true }).click();
  const verdict = page.locator("#verdict .verdict-pass");
  await verdict.waitFor({ timeout: 30_000 });
  assert.equal(await verdict.locator(".check-fail").count(), 0);
  for (const name of ["health", "echo"]) {
    await verdict.locator(".check-pass .check-name", { hasText: name }).waitFor();
  }
  const lines = await verdict.locator(".exchange-line").allInnerTexts();
  assert.equal(lines.length, 2, `two requests: ${lines}`);
  assert.match(lines[0].trim(), HEALTH);
  assert.match(lines[1].trim(), ECHO);
  // Each unfolds to what the service answered, shown as text.
  const health = verdict.locator(".exchange details").first();
  assert.ok(await health.locator(".exchange-body").isHidden(), "bodies start folded");
  await health.locator("summary").click();
  assert.equal((await health.locator(".exchange-body").innerText()).trim(), '{"status":"ok"}');
  await page.locator('#ladder li[data-slug="ship-it"][data-state="solved"]').waitFor();
  assert.equal(await page.evaluate(() => window.notReloaded), true, "the page was not reloaded");
  await assertAccessible(page);
  await verdict.scrollIntoViewIfNeeded();
  await shot(page, "workspace-endpoints");
  // The refusals above are 422 answers, which Chromium logs as failed loads.
  assertClean(page, { allow: [/status of 422/] });

  // Without JavaScript the panel's forms post to the page routes.
  const context = await browser.newContext({ javaScriptEnabled: false, baseURL: base });
  const plain = await context.newPage();
  plain.setDefaultTimeout(15_000);
  await signIn(plain, f.email, here);
  const plainPanel = plain.locator("#endpoints");
  await plainPanel.locator('.endpoint[data-name="api"]').waitFor();

  // Removing it; then the submission is refused with the link to the panel.
  await plain.getByRole("button", { name: "Remove endpoint api" }).click();
  await plainPanel.locator(".notice", { hasText: "Endpoint api removed." }).waitFor();
  assert.equal(await plainPanel.locator(".endpoint").count(), 0);
  assert.equal(new URL(plain.url()).searchParams.get("challenge"), "ship-it", "back on the same challenge");
  await plain.getByLabel("Short answer").fill("deployed");
  await plain.getByRole("button", { name: "Submit", exact: true }).click();
  const plainRefusal = plain.locator("#verdict .form-error");
  await plainRefusal.waitFor();
  assert.match(await plainRefusal.innerText(), /endpoint `api`/);
  await plainRefusal.getByRole("link", { name: "Set it in the Endpoints panel" }).waitFor();

  // A refused URL: the page again, the reason in the panel, the form as it was sent.
  await plain.getByLabel("Name", { exact: true }).fill("api");
  await plain.getByLabel("URL", { exact: true }).fill("ftp://x");
  await plain.getByRole("button", { name: "Set endpoint" }).click();
  const plainError = plainPanel.locator(".form-error");
  await plainError.waitFor();
  assert.match(await plainError.innerText(), /ftp:\/\//);
  assert.equal(await plain.getByLabel("URL", { exact: true }).inputValue(), "ftp://x");

  // Set, submit, and the verdict after the redirect has the requests beside it.
  await plain.getByLabel("URL", { exact: true }).fill(f.service);
  await plain.getByRole("button", { name: "Set endpoint" }).click();
  await plainPanel.locator(".notice", { hasText: "Endpoint api set." }).waitFor();
  await plain.getByLabel("Short answer").fill("deployed");
  await plain.getByRole("button", { name: "Submit", exact: true }).click();
  await plain.waitForURL((url) => url.searchParams.has("submission"));
  const plainVerdict = plain.locator("#verdict .verdict-pass");
  await plainVerdict.waitFor();
  const plainLines = await plainVerdict.locator(".exchange-line").allInnerTexts();
  assert.match(plainLines[0].trim(), HEALTH);
  assert.match(plainLines[1].trim(), ECHO);
  await shot(plain, "workspace-endpoints-no-js");
});
