// The author's page: only the author's own challenge shows, with its live version and the
// samples' results, the attempt statistics and the recent failure; the rejudge button (a
// CSRF-checked post) answers with the report of what it re-ran and changed.
import { assert, assertAccessible, assertClean, fixture, newPage, scenario, shot, signIn } from "./lib.mjs";

const f = fixture();
const path = `/events/${f.slug}/author`;

await scenario("author", async (browser) => {
  const page = await newPage(browser, { viewport: { width: 1280, height: 900 } });
  await signIn(page, f.author, path);
  assert.equal(new URL(page.url()).pathname, path);

  // Own challenge only.
  const section = page.locator('section[data-challenge="first-contact"]');
  await section.waitFor();
  assert.equal(await page.locator('section[data-challenge="pipeline-manifest"]').count(), 0);
  await section.getByText("samples as declared").waitFor();
  assert.match(await section.locator(".stat-grid").innerText(), /Teams solved\s+1 of 1/);
  await section.getByText(/failed, 0 of 100/).waitFor();

  // Rejudge: behind a disclosure, and only once the box confirming it is ticked.
  const rejudge = section.locator("#rejudge-first-contact");
  await rejudge.locator("summary").click();
  const button = rejudge.getByRole("button", { name: "Rejudge every submission of First contact" });
  await button.click();
  assert.equal(await page.locator("[data-rejudge-report]").count(), 0, "an unconfirmed rejudge ran");
  await rejudge.getByLabel(/I understand: rejudge every submission/).check();
  await button.click();
  const report = page.locator("[data-rejudge-report]");
  await report.waitFor();
  assert.match(await report.innerText(), /Rejudge of first-contact on version 1/);
  assert.match(await report.innerText(), /2 submissions re-run; no verdict changed\./);
  await assertAccessible(page);
  await shot(page, "author");
  assertClean(page);
});
