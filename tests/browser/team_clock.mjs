// A member opens the workspace 20 s before the event starts, in Paris: the clock counts down
// to the start (and names the freeze and the end) in her zone, zone named, and the ladder
// says the challenges open at the start. When the start passes the challenges, the selected
// statement and the submit form appear without a reload, and the form works. Then the
// organizer moves the freeze and the end a few seconds ahead (through the API): the workspace
// hears the new schedule on its channel, counts down to the new end, and closes submissions
// when it passes — still without a reload. 1920×1080; screenshots in target/screenshots/team/.
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { assert, assertAccessible, assertClean, assertLocalTimes, base, fixture, newPage, scenario, screenshotDir, shot, signIn } from "./lib.mjs";

const f = fixture();
mkdirSync(join(screenshotDir, "team"), { recursive: true });
const reader = { timeZone: "Europe/Paris", locale: "en-GB" };
const text = async (page, selector) => (await page.locator(selector).textContent()).trim();

await scenario("team_clock", async (browser) => {
  const page = await newPage(browser, { viewport: { width: 1920, height: 1080 }, timezoneId: reader.timeZone, locale: reader.locale });
  await signIn(page, f.email, `/teams/${f.team}`);
  await page.waitForURL((url) => url.pathname === `/teams/${f.team}`);
  await page.locator('#live-status[data-state="live"]').waitFor();
  // Set on this document: a reload would lose it.
  await page.evaluate(() => (window.stillTheSamePage = true));

  // Before the start: a countdown, the zone named, every time in Paris time.
  await page.getByText("The challenges open when the event starts.").waitFor();
  assert.equal(await text(page, "#ws-phase"), "upcoming");
  assert.equal(await text(page, "#clock-label"), "Starts in");
  assert.match(await text(page, "#clock-value"), /^0:00:[0-2]\d$/);
  assert.match(await text(page, "#clock-zone"), /Europe\/Paris/);
  assert.match(await text(page, '[data-boundary="start"] .clock-countdown'), /^in 0:00:[0-2]\d$/);
  assert.match(await text(page, '[data-boundary="freeze"] .clock-countdown'), /^in [67]:\d\d:\d\d$/);
  assert.match(await text(page, '[data-boundary="end"] .clock-verb'), /^Ends$/);
  const shown = await assertLocalTimes(page, "#ws-clock", reader);
  for (const time of shown) assert.match(time, /CET|CEST|GMT\+1/, `${time} names the zone`);
  assert.equal(await page.locator("#submit-form").count(), 0);
  await assertAccessible(page);
  await shot(page, "team/clock-before-start", { fullPage: false });

  // The start: the challenges and the form appear, without a reload.
  await page.locator('#ladder li[data-state="open"]').first().waitFor({ timeout: 45_000 });
  await page.locator("#challenge-heading").waitFor({ timeout: 30_000 });
  await page.locator("#submit-form").waitFor({ timeout: 30_000 });
  assert.equal(await page.evaluate(() => window.stillTheSamePage), true, "no reload");
  assert.equal(await text(page, "#ws-phase"), "running");
  assert.equal(await text(page, "#clock-label"), "Board freezes in");
  assert.equal(await text(page, '[data-boundary="start"] .clock-verb'), "Started");
  assert.equal(await text(page, '[data-boundary="start"] .clock-countdown'), "");
  await assertAccessible(page);
  await shot(page, "team/clock-started", { fullPage: false });

  // The form that appeared submits through the API and shows the verdict in place.
  await page.getByLabel("Short answer").fill("1");
  await page.locator("#submit-button").click();
  // (The first run of a validator may take a while on a busy machine.)
  await page.locator("#verdict .verdict").waitFor({ timeout: 60_000 });

  // The organizer moves the freeze and the end a few seconds ahead.
  const soon = (seconds) => new Date(Date.now() + seconds * 1000).toISOString();
  const ends = soon(10);
  const response = await fetch(`${base}/api/v1/events/${f.event}`, {
    method: "PATCH",
    headers: { Authorization: `Bearer ${f.organizer_token}`, "Content-Type": "application/json" },
    body: JSON.stringify({ freeze_at: soon(5), ends_at: ends }),
  });
  assert.equal(response.status, 200, await response.text());
  // The new end reaches the page over its channel, shown in Paris time.
  await page.waitForFunction(
    (ends) => Math.abs(Date.parse(document.querySelector('[data-boundary="end"] time')?.getAttribute("datetime")) - Date.parse(ends)) < 1500,
    ends,
    { timeout: 30_000 },
  );
  await page.locator('#ws-phase:text-is("running (board frozen)")').waitFor({ timeout: 40_000 });
  assert.equal(await text(page, "#clock-label"), "Ends in");
  await shot(page, "team/clock-frozen", { fullPage: false });

  // The end: submissions close, still the same page.
  await page.locator('#ws-phase:text-is("ended")').waitFor({ timeout: 40_000 });
  await page.locator("#submit-form").waitFor({ state: "detached", timeout: 30_000 });
  await page.getByText("The event has ended: submissions are closed.").waitFor();
  assert.equal(await text(page, "#clock-label"), "The event has ended");
  assert.equal(await text(page, '[data-boundary="end"] .clock-verb'), "Ended");
  assert.equal(await page.evaluate(() => window.stillTheSamePage), true, "no reload");
  await assertLocalTimes(page, "#ws-clock", reader);
  await assertAccessible(page);
  await page.evaluate(() => window.scrollTo(0, 0));
  await shot(page, "team/clock-ended", { fullPage: false });
  assertClean(page);
});
