// The big screen: the teams and the ladder show, a first solve is highlighted, and when a
// team solves challenge 1 (submitted here through the JSON API, as the team's browser would)
// the board updates without a reload. Screenshots at 1920×1080 and 3840×2160.
import { assert, assertAccessible, assertClean, base, fixture, newPage, scenario, shot } from "./lib.mjs";

const f = fixture();
const cell = (team, challenge) => `tr[data-team="${team}"] td[data-challenge="${challenge}"]`;

await scenario("board", async (browser) => {
  const page = await newPage(browser, { viewport: { width: 1920, height: 1080 } });
  await page.goto(`/events/${f.slug}/board`);
  await page.locator("[data-board-live].is-live").waitFor();

  // The teams, the ladder, the states the fixture prepared, the latest announcement.
  for (const name of f.team_names) {
    await page.getByRole("rowheader", { name }).waitFor();
  }
  assert.equal(await page.locator("thead th[data-challenge]").count(), 2);
  assert.equal(await page.locator(cell(f.leader, "first-contact")).getAttribute("data-state"), "first");
  assert.equal(await page.locator(cell(f.trier, "first-contact")).getAttribute("data-state"), "attempted");
  assert.equal(await page.locator(cell(f.team, "first-contact")).getAttribute("data-state"), "untouched");
  assert.match(await page.locator("[data-announcement-text]").innerText(), /Lunch is served/);
  assert.match(await page.locator("[data-clock-value]").innerText(), /^\d+:\d\d:\d\d$/);
  assert.equal(await page.locator("[data-freeze-banner]").isVisible(), false);

  // A marker that a reload would wipe.
  await page.evaluate(() => {
    window.boardMarker = "still the same page";
  });

  // The team solves challenge 1 through the API.
  const response = await fetch(`${base}/api/v1/teams/${f.team}/submissions`, {
    method: "POST",
    headers: { Authorization: `Bearer ${f.token}`, "Content-Type": "application/json" },
    body: JSON.stringify({ challenge: "first-contact", answer: f.answer }),
  });
  const verdict = await response.json();
  assert.equal(response.status, 201, JSON.stringify(verdict));
  assert.equal(verdict.verdict?.passed, true, JSON.stringify(verdict));

  // The board shows it, live.
  await page.locator(`${cell(f.team, "first-contact")}[data-state="solved"]`).waitFor();
  const row = page.locator(`tr[data-team="${f.team}"]`);
  assert.equal(await row.locator(".col-solved").innerText(), "1");
  assert.equal(await row.locator(".col-rank").innerText(), "2");
  assert.equal(await page.evaluate(() => window.boardMarker), "still the same page");
  assert.equal(await page.evaluate(() => performance.getEntriesByType("navigation").length), 1);
  assert.match(await page.locator("[data-board-news]").innerText(), /solved First contact/);
  // The update came as a delta (only the rows that changed) and made exactly the board the
  // API serves: the screen's board carries the API's ETag (without quotes and coding).
  const served = await fetch(`${base}/api/v1/events/${f.slug}/leaderboard`, { headers: { "Accept-Encoding": "identity" } });
  const tag = served.headers.get("etag").replaceAll('"', "");
  await page.locator(`[data-board][data-board-tag="${tag}"]`).waitFor();
  assert.ok(Number(await page.locator("[data-board]").getAttribute("data-board-deltas")) >= 1, "a delta was applied");
  await page.waitForTimeout(1700); // let the highlight settle before the screenshot
  await assertAccessible(page);
  await shot(page, "board");
  assertClean(page);

  // The same board on a 4K screen.
  const big = await newPage(browser, { viewport: { width: 3840, height: 2160 } });
  await big.goto(`/events/${f.slug}/board`);
  await big.locator("[data-board-live].is-live").waitFor();
  await big.locator(`${cell(f.team, "first-contact")}[data-state="solved"]`).waitFor();
  const size = await big.locator(".board-title h1").evaluate((h) => parseFloat(getComputedStyle(h).fontSize));
  assert.ok(size >= 100, `the 4K heading is ${size}px`);
  await shot(big, "board-4k", { fullPage: false });
  assertClean(big);

  // And on a phone.
  const phone = await newPage(browser, { viewport: { width: 390, height: 844 } });
  await phone.goto(`/events/${f.slug}/board`);
  await phone.locator("[data-board-live].is-live").waitFor();
  await assertAccessible(phone);
  await shot(phone, "board-phone");
  assertClean(phone);
});
