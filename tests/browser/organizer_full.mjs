// The organizer's page at 50 teams (1920×1080): the organizer searches a team, filters to the
// teams without a coach and coaches three at once, moves a person and merges two teams, sees a
// refusal beside the form that caused it, reorders the ladder, is asked to confirm a rejudge,
// and edits then deletes an announcement that a member's open workspace follows live. The page
// never navigates (a marker set on `window` survives) and keeps its scroll position.
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { assert, assertAccessible, assertClean, fixture, newPage, scenario, screenshotDir, shot, signIn } from "./lib.mjs";

const f = fixture();
const manage = `/events/${f.slug}/manage`;
mkdirSync(join(screenshotDir, "organizer"), { recursive: true });

await scenario("organizer_full", async (browser) => {
  const page = await newPage(browser, { viewport: { width: 1920, height: 1080 }, timezoneId: "Europe/Paris" });
  await signIn(page, f.organizer, manage);
  await page.locator("[data-staff-live].is-live").waitFor();
  await page.evaluate(() => {
    window.organizerMarker = "same page";
  });
  const samePage = async (what) => {
    const state = await page.evaluate(() => ({
      marker: window.organizerMarker,
      navigations: performance.getEntriesByType("navigation").length,
    }));
    assert.deepEqual(state, { marker: "same page", navigations: 1 }, `the page navigated: ${what}`);
  };
  const visibleTeams = () => page.locator("[data-team-row]:not([hidden])");
  const shown = async () => Number(await page.locator("[data-teams-shown]").innerText());

  // Every team is listed, participants are not in the roles table until asked for.
  assert.equal(await page.locator("[data-team-row]").count(), f.teams);
  assert.equal(await shown(), f.teams);
  const peopleShown = Number(await page.locator("[data-roles-shown]").innerText());
  assert.ok(peopleShown <= 4, `the roles table shows staff only (${peopleShown} rows)`);
  await page.getByLabel("Name or organization").fill(f.zoe);
  await page.locator("[data-person-row]:not([hidden])", { hasText: f.zoe }).waitFor();
  await page.getByLabel("Name or organization").fill("");

  // Search: one team.
  await page.locator("#teams-heading").scrollIntoViewIfNeeded();
  await page.getByLabel("Team or member").fill(f.search);
  await visibleTeams().first().waitFor();
  assert.equal(await visibleTeams().count(), 1);
  assert.equal(await shown(), 1);
  assert.equal(await visibleTeams().first().getAttribute("id"), `team-${f.search_team}`);
  assert.match(page.url(), /[?&]q=/, "the address keeps the search");
  await shot(page, "organizer/search", { fullPage: false });
  await page.getByLabel("Team or member").fill("");

  // Teams without a coach, then three of them coached at once.
  await page.getByLabel("Coach", { exact: true }).selectOption("none");
  assert.equal(await shown(), f.teams - f.coached);
  const picked = [];
  for (let i = 0; i < 3; i += 1) {
    const row = visibleTeams().nth(i);
    picked.push(await row.getAttribute("id"));
    await row.locator("[data-select-team]").check();
  }
  await page.getByText("3 teams selected").waitFor();
  // Down the page, where the selected teams are.
  const before = await page.evaluate((id) => {
    const top = document.getElementById(id).getBoundingClientRect().top + window.scrollY;
    window.scrollTo({ top: top - 300, behavior: "instant" });
    return window.scrollY;
  }, picked[2]);
  assert.ok(before > 1000, `scrolled down to the teams (${before})`);
  await page.locator("#bulk-coach-user").selectOption(f.eve_id);
  await page.getByRole("button", { name: "Coach the selected teams" }).click();
  await page.locator("[data-toast]", { hasText: "Coach assigned to the selected teams." }).waitFor();
  // Now coached, they leave the filtered list; the page stayed where it was.
  await page.waitForFunction((n) => document.querySelector("[data-teams-shown]").textContent === String(n), f.teams - f.coached - 3);
  for (const id of picked) assert.equal(await page.locator(`#${id}`).isHidden(), true, `${id} is coached now`);
  const after = await page.evaluate(() => window.scrollY);
  assert.ok(Math.abs(after - before) <= 1, `scroll moved from ${before} to ${after}`);
  await samePage("bulk coaching");
  await shot(page, "organizer/bulk-coached", { fullPage: false });
  await page.getByLabel("Coach", { exact: true }).selectOption("");
  assert.equal(await shown(), f.teams);
  assert.match(await page.locator(`#${picked[0]}`).innerText(), /eve/);

  // Move a person into another team.
  await page.locator("#team-tools > summary").click();
  await page.locator("#move-person").selectOption({ label: f.zoe });
  await page.locator("#move-into").selectOption({ label: f.zoe_into });
  await page.getByRole("button", { name: "Move", exact: true }).click();
  await page.locator("[data-toast]", { hasText: "Person moved." }).waitFor();
  assert.match(await page.locator(`#team-${f.zoe_into_id}`).innerText(), new RegExp(f.zoe));
  // The tools stay open after the part was replaced.
  assert.equal(await page.locator("#team-tools").getAttribute("open"), "");

  // Merge two teams (asked to confirm first).
  await page.locator("#merge-from").selectOption({ label: f.merge_from });
  await page.locator("#merge-into").selectOption({ label: f.merge_into });
  let asked = "";
  page.once("dialog", (dialog) => {
    asked = dialog.message();
    dialog.accept();
  });
  await page.getByRole("button", { name: "Merge", exact: true }).click();
  await page.locator("[data-toast]", { hasText: "Teams merged." }).waitFor();
  assert.match(asked, /Merge these teams/);
  assert.equal(await page.locator(`#team-${f.merge_from_id}`).count(), 0);
  assert.equal(await page.locator("[data-team-row]").count(), f.teams - 1);
  await samePage("moving and merging");

  // A refusal shows its reason beside the form: a team with members cannot be deleted.
  const busy = page.locator(`#team-${f.busy_team_id}`);
  await busy.locator("details.team-admin > summary").click();
  page.once("dialog", (dialog) => dialog.accept());
  await busy.getByRole("button", { name: /^Delete / }).click();
  const refusal = busy.locator(".inline-error[role=alert]");
  await refusal.waitFor();
  assert.ok((await refusal.innerText()).length > 10, await refusal.innerText());
  await shot(page, "organizer/team-admin-refusal", { fullPage: false });
  await samePage("a refused delete");

  // The ladder: the second challenge moves up.
  const rungs = page.locator("[data-rung]");
  assert.equal(await rungs.first().getAttribute("data-rung"), "first-contact");
  await page.locator("[data-rung=pipeline-manifest]").getByRole("button", { name: /up$/ }).click();
  await page.locator("[data-toast]", { hasText: "Ladder reordered." }).waitFor();
  await page.waitForFunction(() => document.querySelector("[data-rung]")?.dataset.rung === "pipeline-manifest");

  // A rejudge asks for confirmation: without the box ticked, nothing is sent.
  const rejudge = page.locator("#rejudge-first-contact");
  await rejudge.locator("summary").click();
  const rejudgeButton = rejudge.getByRole("button", { name: /^Rejudge / });
  await rejudgeButton.click();
  assert.equal(await rejudge.locator("input[name=confirm]").evaluate((box) => box.validity.valueMissing), true);
  assert.equal(await page.locator("[data-toast]", { hasText: "Rejudged" }).count(), 0);
  await rejudge.getByLabel(/I understand/).check();
  await rejudgeButton.click();
  await page.locator("[data-toast]", { hasText: "Rejudged" }).waitFor();
  await page.locator("#ladder-heading").scrollIntoViewIfNeeded();
  await shot(page, "organizer/ladder", { fullPage: false });
  await samePage("the ladder");

  // An announcement edited and deleted: a member's open workspace follows.
  const member = await newPage(browser, { viewport: { width: 1920, height: 1080 }, timezoneId: "Europe/Paris" });
  await signIn(member, f.member, `/teams/${f.member_team}`);
  const line = member.locator(`#announcements li[data-id="${f.announcement}"]`);
  await line.filter({ hasText: "Lunch is at" }).waitFor();
  const board = await newPage(browser, { viewport: { width: 1920, height: 1080 } });
  await board.goto(`/events/${f.slug}/board`);
  await board.locator("[data-board-live].is-live").waitFor();
  await board.locator("[data-announcement-text]", { hasText: "Lunch is at" }).waitFor();
  const item = page.locator(`#announcement-${f.announcement}`);
  await item.locator("summary", { hasText: "Edit" }).click();
  await item.locator("textarea").fill("Lunch moved to **12:30**, same place.");
  await item.getByRole("button", { name: "Save the change" }).click();
  await page.locator("[data-toast]", { hasText: "Announcement changed" }).waitFor();
  await line.filter({ hasText: "Lunch moved to 12:30" }).waitFor();
  await board.locator("[data-announcement-text]", { hasText: "Lunch moved to 12:30" }).waitFor();
  assert.match(await page.locator(`#announcement-${f.announcement}`).innerText(), /Lunch moved to 12:30/);
  await member.locator("#announcements").scrollIntoViewIfNeeded();
  await shot(member, "organizer/workspace-announcement-edited", { fullPage: false });
  page.once("dialog", (dialog) => dialog.accept());
  await page.locator(`#announcement-${f.announcement}`).getByRole("button", { name: /^Delete the announcement/ }).click();
  await page.locator("[data-toast]", { hasText: "Announcement deleted" }).waitFor();
  await line.waitFor({ state: "detached" });
  await board.locator("[data-announcement]").waitFor({ state: "hidden" });
  assert.equal(await page.locator(`#announcement-${f.announcement}`).count(), 0);
  await samePage("announcements");

  // A new one, posted in place too.
  await page.getByLabel(/New announcement/).fill("Demos start at **16:00**.");
  await page.getByRole("button", { name: "Announce" }).click();
  await page.locator("[data-toast]", { hasText: "Announcement posted" }).waitFor();
  await member.locator("#announcements li", { hasText: "Demos start at 16:00" }).waitFor();
  assert.equal(await page.getByLabel(/New announcement/).inputValue(), "", "the form is emptied");

  await assertAccessible(page);
  await shot(page, "organizer/manage-50-teams");

  // On a phone: nothing wider than the screen but the tables' own scrollers.
  const phone = await newPage(browser, { viewport: { width: 390, height: 844 } });
  await signIn(phone, f.organizer, manage);
  await phone.locator("[data-staff-live].is-live").waitFor();
  const width = await phone.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(width <= 390, `the page is ${width}px wide on a 390px phone`);
  await shot(phone, "organizer/phone");
  assertClean(phone);
  assertClean(page, { allow: [/status of 409/, /status of 422/, /status of 403/] });
  assertClean(member);
  assertClean(board);
});
