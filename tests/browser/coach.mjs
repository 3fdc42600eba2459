// The coach's page: the raised hand of one of their teams is on top, with its context; a
// second team's call arrives live; acknowledging one works from the page; each team is one
// click from its workspace.
import { assert, assertAccessible, assertClean, base, fixture, newPage, scenario, shot, signIn } from "./lib.mjs";

const f = fixture();

await scenario("coach", async (browser) => {
  const page = await newPage(browser, { viewport: { width: 1280, height: 900 } });
  await signIn(page, f.coach, "/coach");
  assert.equal(new URL(page.url()).pathname, "/coach");
  await page.locator("[data-staff-live].is-live").waitFor();

  // The raised hand is the first thing under the page heading, before the teams.
  const first = page.locator("[data-hands] li").first();
  assert.equal(await first.getAttribute("data-team"), f.acme);
  assert.match(await first.innerText(), /Which log file has the device ids\?/);
  const handsTop = await page.locator("[data-hands]").boundingBox();
  const teamsTop = await page.getByRole("heading", { name: "Your teams" }).boundingBox();
  assert.ok(handsTop.y < teamsTop.y, "raised hands come before the teams");
  assert.equal(await page.locator(`[data-coached-team="${f.acme}"]`).getAttribute("class"), "card coached-team has-hand");

  // Another of the coach's teams raises its hand: it arrives without a reload.
  const raised = await fetch(`${base}/api/v1/teams/${f.borealis}/help-calls`, {
    method: "POST",
    headers: { Authorization: `Bearer ${f.borealis_token}`, "Content-Type": "application/json" },
    body: JSON.stringify({ context: "The pipeline manifest keeps failing" }),
  });
  assert.equal(raised.status, 201, await raised.text());
  await page.locator(`[data-hands] li[data-team="${f.borealis}"]`).waitFor();
  assert.equal(await page.locator("[data-hands-count]").innerText(), "2");

  // Acknowledge the first call from the page.
  await page.getByRole("button", { name: "Acknowledge acme's call" }).click();
  await page.locator(`[data-hands] li[data-team="${f.acme}"][data-status="acknowledged"]`).waitFor();
  await assertAccessible(page);
  await shot(page, "coach");

  // One click into the workspace.
  const link = page.getByRole("link", { name: "Open workspace of acme" });
  assert.equal(await link.getAttribute("href"), `/teams/${f.acme}`);
  assertClean(page);
});
