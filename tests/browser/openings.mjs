// Unblocking a stuck team and the coach's guide, as a team and its coach meet them: Hana's
// workspace shows the second challenge locked and no coach's guide anywhere; Cody, her team's
// coach, reads the guide beside the first challenge's statement, then opens the second
// challenge for the team with a reason; Hana's ladder opens it without a reload, her activity
// says who opened it and why, and its statement reads; Cody's progress page lists the
// opening. 1440×900; screenshots in target/screenshots/openings/.
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { assert, assertAccessible, assertClean, fixture, newPage, scenario, screenshotDir, shot, signIn } from "./lib.mjs";

const f = fixture();
const viewport = { width: 1440, height: 900 };
mkdirSync(join(screenshotDir, "openings"), { recursive: true });

await scenario("openings", async (browser) => {
  const hana = await newPage(browser, { viewport });
  const cody = await newPage(browser, { viewport });
  const workspace = `/teams/${f.member.team}`;

  // The member: the second rung locked, no guide, no opening form.
  await signIn(hana, f.member.email, `${workspace}?challenge=${f.first}`);
  const rung = hana.locator(`#ladder li[data-slug="${f.second}"]`);
  await rung.waitFor();
  assert.equal(await rung.getAttribute("data-state"), "locked");
  await hana.locator("#challenge .statement").waitFor();
  assert.equal(await hana.locator("#coach-guide").count(), 0, "no guide for a member");
  assert.ok(!(await hana.content()).includes(f.marker), "the guide is not in the member's page");
  // The channel is up before the coach acts, so the opening arrives live.
  await hana.locator('#live-status[data-state="live"]').waitFor();

  // The coach reads the guide beside the statement.
  await signIn(cody, f.coach.email, `${workspace}?challenge=${f.first}`);
  const guide = cody.locator("#coach-guide");
  await guide.getByText(f.marker).waitFor();
  await guide.getByRole("heading", { name: /Coach's guide/ }).waitFor();
  await assertAccessible(cody);
  await guide.scrollIntoViewIfNeeded();
  await shot(cody, "openings/coach-guide-beside-the-statement", { fullPage: false });

  // The coach opens the next locked challenge for the team.
  await cody.goto(`${workspace}?challenge=${f.second}`);
  const form = cody.locator("#opening-form");
  await form.waitFor();
  await form.getByLabel("Why").fill(f.reason);
  await assertAccessible(cody);
  await form.scrollIntoViewIfNeeded();
  await shot(cody, "openings/coach-opening-form", { fullPage: false });
  await form.getByRole("button", { name: "Open it for the team" }).click();
  await cody.waitForURL((url) => url.searchParams.get("opened") === "1");
  await cody.locator("#opening-notice").waitFor();
  assert.equal(await cody.locator("#opening-form").count(), 0, "open now: no form");

  // The team sees it open, live, with who opened it and why.
  await hana.waitForFunction(
    (slug) => document.querySelector(`#ladder li[data-slug="${slug}"]`)?.dataset.state === "open",
    f.second,
    { timeout: 30_000 },
  );
  await hana.locator("#activity").getByText(`opened ${f.second} for the team`, { exact: false }).waitFor();
  await hana.locator("#activity").getByText(f.reason, { exact: false }).waitFor();
  await assertAccessible(hana);
  await shot(hana, "openings/opened-live-in-the-workspace", { fullPage: false });
  await hana.locator("#activity").scrollIntoViewIfNeeded();
  await shot(hana, "openings/opened-live-activity", { fullPage: false });
  await rung.locator("a.rung-title").click();
  await hana.waitForURL((url) => url.searchParams.get("challenge") === f.second);
  await hana.locator("#challenge .statement").waitFor();
  assert.equal(await hana.locator("#challenge .badge").first().textContent(), "open");
  assert.ok(!(await hana.content()).includes(f.marker), "still no guide for the member");
  await shot(hana, "openings/opened-challenge-statement", { fullPage: false });

  // The coach's progress page lists the opening.
  await cody.goto(`/events/${f.event}/progress`);
  const opening = cody.locator(`tr[data-team="${f.member.team}"] .opening`);
  await opening.getByText(f.reason, { exact: false }).waitFor();
  await opening.getByText(`skipping ${f.first}`, { exact: false }).waitFor();
  await assertAccessible(cody);
  await shot(cody, "openings/progress-lists-the-opening", { fullPage: false });
  for (const page of [hana, cody]) assertClean(page);
});
