// The big screen during the freeze: the banner shows, and neither the server-rendered board
// nor its live updates reveal a solve made after `freeze_at`.
import { assert, assertAccessible, assertClean, fixture, newPage, scenario, shot } from "./lib.mjs";

const f = fixture();
const cell = (team) => `tr[data-team="${team}"] td[data-challenge="first-contact"]`;

await scenario("board_frozen", async (browser) => {
  const page = await newPage(browser, { viewport: { width: 1920, height: 1080 } });
  await page.goto(`/events/${f.slug}/board`);
  await page.locator("[data-board-live].is-live").waitFor();
  await page.locator("[data-freeze-banner]").waitFor({ state: "visible" });
  assert.match(await page.locator("[data-freeze-banner]").innerText(), /Board frozen/i);
  assert.equal(await page.locator("[data-clock-label]").textContent(), "Ends in");
  // Let the live frame and the state request land, then look again.
  await page.waitForLoadState("networkidle");
  assert.equal(await page.locator(cell(f.early)).getAttribute("data-state"), "first");
  assert.equal(await page.locator(cell(f.late)).getAttribute("data-state"), "untouched");
  await assertAccessible(page);
  await shot(page, "board-frozen");
  assertClean(page);
});
