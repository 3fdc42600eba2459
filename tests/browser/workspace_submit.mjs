// A wrong then a right answer to challenge 1 from the workspace: the verdict and every check
// show as they arrive, and challenge 2 unlocks on the ladder without a reload.
import { assert, assertAccessible, assertClean, base, fixture, newPage, scenario, shot, signIn } from "./lib.mjs";

const f = fixture();

await scenario("workspace_submit", async (browser) => {
  const page = await newPage(browser);
  await signIn(page, f.email, `/teams/${f.team}`);
  await page.waitForURL((url) => url.pathname === `/teams/${f.team}`);
  await page.locator('#live-status[data-state="live"]').waitFor();

  const first = page.locator('#ladder li[data-slug="first-contact"]');
  const second = page.locator('#ladder li[data-slug="pipeline-manifest"]');
  assert.equal(await first.getAttribute("data-state"), "open");
  assert.equal(await second.getAttribute("data-state"), "locked");
  assert.equal(await second.locator("a").count(), 0, "a locked challenge has no link");
  // The statement and the team's materials of the selected challenge.
  await page.getByRole("heading", { level: 2, name: "First contact" }).waitFor();
  await page.getByRole("link", { name: "gateway.log" }).waitFor();

  // Marks the page: a reload would lose it.
  await page.evaluate(() => (window.notReloaded = true));

  // Wrong.
  await page.getByLabel("Challenge", { exact: true }).selectOption("first-contact");
  await page.getByLabel("Short answer").fill(f.wrong);
  await page.getByRole("button", { name: "Submit", exact: true }).click();
  const wrong = page.locator("#verdict .verdict-fail");
  await wrong.waitFor();
  assert.ok((await wrong.locator(".check").count()) > 0, "every check is shown");
  await wrong.locator(".check-fail .check-name").first().waitFor();
  assert.equal(await second.getAttribute("data-state"), "locked");
  await shot(page, "workspace-verdict-wrong");

  // Right.
  await page.getByLabel("Short answer").fill(f.right);
  await page.getByRole("button", { name: "Submit", exact: true }).click();
  const right = page.locator("#verdict .verdict-pass");
  await right.waitFor();
  const checks = right.locator(".check");
  assert.ok((await checks.count()) > 0);
  assert.equal(await right.locator(".check-fail").count(), 0);
  for (const check of await checks.all()) {
    assert.ok((await check.locator(".check-name").innerText()).trim().length > 0, "each check has a name");
  }

  // The ladder moves on without a reload: 1 solved, 2 open and linked.
  await page.locator('#ladder li[data-slug="first-contact"][data-state="solved"]').waitFor();
  await page.locator('#ladder li[data-slug="pipeline-manifest"][data-state="open"]').waitFor();
  await second.locator("a.rung-title").waitFor();
  await page.locator("#activity .activity-unlock", { hasText: "pipeline-manifest" }).waitFor();
  assert.ok(await page.locator("#submit-challenge option[value='pipeline-manifest']").count());
  assert.equal(await page.evaluate(() => window.notReloaded), true, "the page was not reloaded");
  await assertAccessible(page);
  await shot(page, "workspace-submit");

  // Following the new link shows challenge 2's statement.
  await second.locator("a.rung-title").click();
  await page.getByRole("heading", { level: 2, name: "Plumb the pipeline" }).waitFor();
  assertClean(page);

  // Without JavaScript the form posts to the page route and the verdict shows after the
  // redirect, with its checks.
  const context = await browser.newContext({ javaScriptEnabled: false, baseURL: base });
  const plain = await context.newPage();
  plain.setDefaultTimeout(15_000);
  await signIn(plain, f.email, `/teams/${f.team}?challenge=first-contact`);
  await plain.getByLabel("Challenge", { exact: true }).selectOption("first-contact");
  await plain.getByLabel("Short answer").fill(f.wrong);
  await plain.getByRole("button", { name: "Submit", exact: true }).click();
  await plain.waitForURL((url) => url.searchParams.has("submission"));
  const verdict = plain.locator("#verdict .verdict-fail");
  await verdict.waitFor();
  assert.ok((await verdict.locator(".check").count()) > 0);
  await shot(plain, "workspace-no-js-verdict");
});
