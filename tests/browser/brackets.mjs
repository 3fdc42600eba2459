// The big screen of a two-bracket event ("On site", "Remote"): one bracket's board ranks its
// teams within it and stays live (a solve pushed over the event channel shows without a
// reload); at the freeze a bracket freezes exactly like the whole board (a later solve stays
// hidden); and `?cycle_seconds=` takes turns between the whole board and each bracket.
import { assert, assertAccessible, assertClean, base, fixture, newPage, scenario, shot } from "./lib.mjs";

const f = fixture();
const rowOf = (team) => `tr[data-team="${team}"]`;
const cell = (team) => `${rowOf(team)} td[data-challenge="first-contact"]`;

/** The rows on screen as [team id, rank shown]. */
async function shownRows(page) {
  return page.locator("[data-board-rows] tr").evaluateAll((rows) =>
    rows.map((row) => [row.dataset.team, row.querySelector(".col-rank")?.textContent.trim()]),
  );
}

async function api(method, path, token, body) {
  const response = await fetch(`${base}${path}`, {
    method,
    headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/json" },
    body: JSON.stringify(body),
  });
  return { status: response.status, text: await response.text() };
}

await scenario("brackets", async (browser) => {
  const page = await newPage(browser, { viewport: { width: 1920, height: 1080 } });

  // One bracket, live: Remote holds Beacon (solved) and Delta (not yet).
  await page.goto(`/events/${f.slug}/board?bracket=Remote`);
  await page.locator("[data-board-live].is-live").waitFor();
  await page.waitForLoadState("networkidle");
  assert.deepEqual(await shownRows(page), [
    [f.beacon, "1"],
    [f.delta, "2"],
  ]);
  assert.equal(await page.locator("[data-board-bracket]").textContent(), "Remote");
  assert.equal(await page.locator("[data-rank-head]").textContent(), "# in bracket");
  assert.equal(await page.locator('[data-bracket-link="Remote"]').getAttribute("aria-current"), "page");
  await page.evaluate(() => {
    window.bracketMarker = "no reload";
  });
  const solved = await api("POST", `/api/v1/teams/${f.delta}/submissions`, f.delta_token, {
    challenge: "first-contact",
    answer: f.delta_answer,
  });
  assert.ok([201, 202].includes(solved.status), solved.text);
  await page.locator(`${cell(f.delta)}[data-state="solved"]`).waitFor();
  assert.deepEqual(await shownRows(page), [
    [f.beacon, "1"],
    [f.delta, "2"],
  ]);
  assert.equal(await page.evaluate(() => window.bracketMarker), "no reload");
  await assertAccessible(page);
  await shot(page, "brackets-board-remote-live");

  // The freeze: Cobalt's solve after it stays hidden in its bracket as on the whole board.
  const frozen = await api("PATCH", `/api/v1/events/${f.slug}`, f.organizer_token, {
    freeze_at: new Date(Date.now() - 1000).toISOString(),
  });
  assert.equal(frozen.status, 200, frozen.text);
  const late = await api("POST", `/api/v1/teams/${f.cobalt}/submissions`, f.cobalt_token, {
    challenge: "first-contact",
    answer: f.cobalt_answer,
  });
  assert.ok([201, 202].includes(late.status), late.text);
  await page.goto(`/events/${f.slug}/board?bracket=${encodeURIComponent("On site")}`);
  await page.locator("[data-board-live].is-live").waitFor();
  await page.locator("[data-freeze-banner]").waitFor({ state: "visible" });
  await page.waitForLoadState("networkidle");
  assert.deepEqual(await shownRows(page), [
    [f.anvil, "1"],
    [f.cobalt, "2"],
  ]);
  assert.equal(await page.locator(cell(f.cobalt)).getAttribute("data-state"), "untouched");
  assert.equal(await page.locator(cell(f.anvil)).getAttribute("data-state"), "solved");
  await assertAccessible(page);
  await shot(page, "brackets-board-on-site-frozen");

  // Taking turns: the whole board, then On site, then Remote, each ranked within itself.
  await page.goto(`/events/${f.slug}/board?cycle_seconds=5`);
  await page.locator("[data-board-live].is-live").waitFor();
  await page.waitForLoadState("networkidle");
  assert.equal((await shownRows(page)).length, 4, "the whole board first");
  assert.equal(await page.locator("[data-board-bracket]").isHidden(), true);
  await page.waitForFunction(() => document.querySelector("[data-board]").dataset.bracket === "On site", null, {
    timeout: 15000,
  });
  assert.deepEqual(await shownRows(page), [
    [f.anvil, "1"],
    [f.cobalt, "2"],
  ]);
  assert.equal(await page.locator(cell(f.cobalt)).getAttribute("data-state"), "untouched", "still frozen");
  await page.waitForFunction(() => document.querySelector("[data-board]").dataset.bracket === "Remote", null, {
    timeout: 15000,
  });
  assert.deepEqual(await shownRows(page), [
    [f.beacon, "1"],
    [f.delta, "2"],
  ]);
  await shot(page, "brackets-board-cycle-remote");
  assertClean(page);
});
