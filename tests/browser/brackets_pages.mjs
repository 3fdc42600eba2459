// Brackets on the pages: the portal's organizer creates a two-bracket event on /events/new (a
// list with the same bracket twice is refused with its reason, the form keeping what was
// typed); a participant registers on the event's page and picks the "Remote" bracket when
// forming a team; the organizer moves that team to "On site" with the team list's select.
// Each step is checked over the API. Screenshots in target/screenshots/brackets/.
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { assert, assertAccessible, assertClean, base, fixture, localInput, newPage, scenario, screenshotDir, shot, signIn } from "./lib.mjs";

const f = fixture();
const viewport = { width: 1600, height: 1000 };
mkdirSync(join(screenshotDir, "brackets"), { recursive: true });

async function get(path, token) {
  const response = await fetch(`${base}${path}`, { headers: { Authorization: `Bearer ${token}` } });
  const text = await response.text();
  assert.equal(response.status, 200, text);
  return JSON.parse(text);
}

await scenario("brackets_pages", async (browser) => {
  const org = await newPage(browser, { viewport, timezoneId: "UTC" });
  await signIn(org, f.organizer.email, "/events/new");
  await org.getByLabel("Name", { exact: true }).fill("Two Rooms Hack");
  await org.getByLabel(/^Address/).fill(f.slug);
  const minute = 60_000;
  const now = Math.floor(Date.now() / minute) * minute;
  await org.getByLabel("Starts").fill(localInput(new Date(now - 3600_000).toISOString(), "UTC"));
  await org.getByLabel("Ends").fill(localInput(new Date(now + 86400_000).toISOString(), "UTC"));
  // The same bracket twice (regardless of case) is refused; the form keeps what was typed.
  await org.getByLabel(/^Brackets/).fill("On site\non SITE");
  await org.getByRole("button", { name: "Create event" }).click();
  await org.locator(".form-error[role=alert]").waitFor();
  assert.equal(await org.getByLabel(/^Brackets/).inputValue(), "On site\non SITE");
  assert.equal(await org.getByLabel("Name", { exact: true }).inputValue(), "Two Rooms Hack");
  await shot(org, "brackets/event-new-refused", { fullPage: false });
  await org.getByLabel(/^Brackets/).fill("On site\n\nRemote\n");
  await assertAccessible(org);
  await shot(org, "brackets/event-new", { fullPage: false });
  await org.getByRole("button", { name: "Create event" }).click();
  await org.waitForURL(`**/events/${f.slug}`);
  const event = await get(`/api/v1/events/${f.slug}`, f.organizer.token);
  assert.deepEqual(event.brackets, ["On site", "Remote"], JSON.stringify(event));

  // A participant picks a bracket when forming a team on the event's page.
  const pia = await newPage(browser, { viewport });
  await signIn(pia, f.participant.email, `/events/${f.slug}`);
  await pia.getByRole("button", { name: "Register" }).click();
  await pia.getByLabel("Team name").fill("Far Away");
  const select = pia.getByLabel(/^Bracket/);
  assert.deepEqual(await select.locator("option").allInnerTexts(), ["On site", "Remote"]);
  await select.selectOption("Remote");
  await assertAccessible(pia);
  await shot(pia, "brackets/event-page-team-bracket", { fullPage: false });
  await pia.getByRole("button", { name: "Create team" }).click();
  await pia.waitForURL(/\/teams\/[^/?]+$/);
  const teamId = new URL(pia.url()).pathname.split("/").pop();
  const team = await get(`/api/v1/teams/${teamId}`, f.organizer.token);
  assert.equal(team.bracket, "Remote", JSON.stringify(team));

  // The organizer moves it to the other bracket from the team list.
  await org.goto(`/events/${f.slug}/manage`);
  const row = org.locator(`#team-${teamId}`);
  await row.locator("details.team-admin > summary").click();
  const move = org.getByLabel("Bracket of Far Away");
  assert.equal(await move.inputValue(), "Remote");
  await move.selectOption("On site");
  await row.getByRole("button", { name: "Move to bracket" }).click();
  await org.locator("[data-toast]", { hasText: "Team moved to another bracket" }).waitFor();
  const after = await get(`/api/v1/teams/${teamId}`, f.organizer.token);
  assert.equal(after.bracket, "On site", JSON.stringify(after));
  await org.waitForFunction((id) => document.querySelector(`#bracket-${id}`)?.value === "On site", teamId);
  await row.scrollIntoViewIfNeeded();
  await assertAccessible(org);
  await shot(org, "brackets/organizer-moved-team", { fullPage: false });
  const board = await get(`/api/v1/events/${f.slug}/leaderboard?bracket=${encodeURIComponent("On site")}`, f.organizer.token);
  assert.deepEqual(board.rows.map((r) => r.team.id), [teamId], JSON.stringify(board));

  assertClean(org, { allow: [/status of 400/] });
  assertClean(pia);
});
