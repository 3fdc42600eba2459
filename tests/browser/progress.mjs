// Who is stuck: a coach keeps /events/{slug}/progress and /coach open; Borealis passes its
// challenge's expected time while they watch, rises to the top of the table and its nudge
// shows on both pages, without a reload. Screenshots in target/screenshots/playbook/.
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { assert, assertAccessible, assertClean, assertLocalTimes, fixture, newPage, scenario, screenshotDir, shot, signIn } from "./lib.mjs";

const f = fixture();
const reader = { timeZone: "America/New_York", locale: "en-US" };
const shots = "playbook/";
mkdirSync(join(screenshotDir, "playbook"), { recursive: true });

async function rows(page) {
  return page.locator("[data-progress-rows] tr[data-team]").evaluateAll((trs) =>
    trs.map((tr) => ({ team: tr.dataset.team, status: tr.dataset.status })),
  );
}

await scenario("progress", async (browser) => {
  const page = await newPage(browser, { viewport: { width: 1440, height: 900 }, timezoneId: reader.timeZone, locale: reader.locale });
  await signIn(page, f.coach, `/events/${f.slug}/progress`);
  assert.equal(new URL(page.url()).pathname, `/events/${f.slug}/progress`);
  await page.locator("[data-staff-live].is-live").waitFor();
  await page.evaluate(() => {
    window.notReloaded = true;
  });

  const overAt = Date.parse(f.over_at);
  const first = await rows(page);
  assert.deepEqual(
    first.map((r) => r.team).sort(),
    [f.aurora, f.borealis, f.cobalt].sort(),
    "the coach's three teams",
  );
  if (Date.now() < overAt - 2000) {
    // Before Borealis passes its time: working teams first, the team that has not begun last.
    assert.deepEqual(first.map((r) => r.status), ["working", "working", "not_started"]);
    assert.notEqual(first[0].team, f.borealis);
    assert.equal(await page.locator("[data-nudge-panel]").isHidden(), true);
    await shot(page, `${shots}progress-before`);
  }

  // The coach's page, open in a second tab.
  const coachPage = await page.context().newPage();
  coachPage.problems = [];
  coachPage.on("pageerror", (error) => coachPage.problems.push(`exception: ${error.message}`));
  await coachPage.goto("/coach");
  await coachPage.locator("[data-staff-live].is-live").waitFor();

  // Borealis passes its expected minute: on top, over time, the nudge shown — no reload.
  await page
    .locator(`[data-progress-rows] tr[data-team="${f.borealis}"][data-status="over_time"]`)
    .waitFor({ timeout: 60_000 });
  await page.locator(`[data-nudges] li[data-nudge-team="${f.borealis}"]`).waitFor({ timeout: 30_000 });
  const after = await rows(page);
  assert.equal(after[0].team, f.borealis, `Borealis on top: ${JSON.stringify(after)}`);
  assert.equal(after[0].status, "over_time");
  assert.equal(after.at(-1).team, f.cobalt, "not started last");
  assert.equal(await page.evaluate(() => window.notReloaded), true, "no reload");
  const nudge = await page.locator(`[data-nudges] li[data-nudge-team="${f.borealis}"]`).innerText();
  assert.match(nudge, /Borealis is past the expected 1 min on First contact/);
  // Times in the reader's zone, zone named.
  await assertLocalTimes(page, "[data-nudges]", reader);
  await page.locator(`[data-progress-rows] tr[data-team="${f.borealis}"] td time`).last().waitFor();
  await assertAccessible(page);
  await shot(page, `${shots}progress-after-nudge`);

  await coachPage.locator(`[data-coach-nudges] li[data-nudge-team="${f.borealis}"]`).waitFor({ timeout: 30_000 });
  assert.match(await coachPage.locator("[data-coach-nudges]").innerText(), /Borealis is past the expected 1 min/);
  await shot(coachPage, `${shots}coach-nudged`);

  // And a fresh load of the coach page has it too, server-rendered.
  await coachPage.reload();
  await coachPage.locator(`[data-coach-nudges] li[data-nudge-team="${f.borealis}"]`).waitFor();
  assertClean(page);
  assert.deepEqual(coachPage.problems, []);
});
