// The organizer's page: signed in through the form, the organizer renames the event, grants a
// role by email, assigns a coach, sees a team's raised hand arrive live, and posts an
// announcement that the big screen then shows. A participant is refused the page.
import { assert, assertAccessible, assertClean, base, fixture, newPage, scenario, shot, signIn } from "./lib.mjs";

const f = fixture();
const manage = `/events/${f.slug}/manage`;

await scenario("organizer", async (browser) => {
  const page = await newPage(browser, { viewport: { width: 1440, height: 1000 } });
  await signIn(page, f.organizer, manage);
  assert.equal(new URL(page.url()).pathname, manage);
  await page.locator("[data-staff-live].is-live").waitFor();
  await page.getByRole("rowheader", { name: f.team_name }).first().waitFor();

  // Settings.
  await page.getByLabel("Name", { exact: true }).fill("Hack Renamed");
  await page.getByRole("button", { name: "Save settings" }).click();
  await page.getByText("Settings saved.").waitFor();
  assert.equal(await page.getByRole("heading", { level: 1 }).innerText(), "Manage Hack Renamed");

  // A schedule that ends before it starts is refused, with the reason and the values kept.
  await page.getByLabel("Ends").fill("2020-01-01T00:00");
  await page.getByLabel("Name", { exact: true }).fill("Hack Never");
  await page.getByRole("button", { name: "Save settings" }).click();
  await page.locator(".form-error:not([hidden])").waitFor();
  assert.equal(await page.getByLabel("Name", { exact: true }).inputValue(), "Hack Never");
  assert.equal(await page.getByRole("heading", { level: 1 }).innerText(), "Manage Hack Renamed");
  await page.goto(manage);

  // A role by email.
  await page.getByLabel("Email").fill(f.author_email);
  await page.getByLabel("Role", { exact: true }).selectOption("author");
  await page.getByRole("button", { name: "Grant" }).click();
  await page.getByText("Role granted.").waitFor();
  await page.getByRole("rowheader", { name: "ada" }).waitFor();

  // A coach for the team.
  await page.getByLabel(`Coach for ${f.team_name}`).selectOption(f.engineer_id);
  await page.getByRole("button", { name: "Assign" }).first().click();
  await page.getByText("Coach assigned.").waitFor();
  await page.getByRole("button", { name: `Remove erin as coach of ${f.team_name}` }).waitFor();

  // A raised hand arrives live (the team asks through the API, as its workspace would).
  await page.locator("[data-staff-live].is-live").waitFor();
  await page.evaluate(() => {
    window.manageMarker = "no reload";
  });
  const raised = await fetch(`${base}/api/v1/teams/${f.team}/help-calls`, {
    method: "POST",
    headers: { Authorization: `Bearer ${f.member_token}`, "Content-Type": "application/json" },
    body: JSON.stringify({ context: "Our parser rejects the gateway log" }),
  });
  assert.equal(raised.status, 201, await raised.text());
  const hand = page.locator(`[data-hands] li[data-team="${f.team}"]`);
  await hand.waitFor();
  assert.match(await hand.innerText(), /Our parser rejects the gateway log/);
  assert.equal(await page.evaluate(() => window.manageMarker), "no reload");
  await assertAccessible(page);
  await shot(page, "manage");

  // An announcement, which the big screen shows.
  const board = await newPage(browser, { viewport: { width: 1920, height: 1080 } });
  await board.goto(`/events/${f.slug}/board`);
  await board.locator("[data-board-live].is-live").waitFor();
  await page.getByLabel(/New announcement/).fill("Pizza has arrived in the **atrium**.");
  await page.getByRole("button", { name: "Announce" }).click();
  await page.getByText("Announcement posted").waitFor();
  await board.locator("[data-announcement-text]", { hasText: "Pizza has arrived in the atrium." }).waitFor();
  assert.equal(await board.locator("[data-announcement-text] strong").innerText(), "atrium");
  assertClean(page, { allow: [/status of 400/] });
  assertClean(board);

  // The downloads answer with the API's renderings (the session cookie is enough).
  const downloads = await page.evaluate(async (slug) => {
    const get = async (name) => {
      const response = await fetch(`/events/${slug}/manage/${name}`);
      return { status: response.status, type: response.headers.get("content-type"), text: await response.text() };
    };
    return { results: await get("results.csv"), brief: await get("cliffs.md"), cliffs: await get("cliffs.csv") };
  }, f.slug);
  assert.equal(downloads.results.status, 200);
  assert.match(downloads.results.text, /^rank,team,organization,solved,score,last_solve_at,first-contact_seconds/);
  assert.match(downloads.results.text, /acme/);
  assert.match(downloads.brief.type, /text\/markdown/);
  assert.match(downloads.brief.text, /^# Cliffs of `managed`/);
  assert.match(downloads.cliffs.type, /text\/csv/);

  // The same page on a phone: nothing wider than the screen but the tables' own scrollers.
  const phone = await newPage(browser, { viewport: { width: 390, height: 844 } });
  await signIn(phone, f.organizer, manage);
  await phone.locator("[data-staff-live].is-live").waitFor();
  const width = await phone.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(width <= 390, `the page is ${width}px wide on a 390px phone`);
  await assertAccessible(phone);
  await shot(phone, "manage-phone");
  assertClean(phone);

  // A participant is refused.
  const participant = await newPage(browser);
  await signIn(participant, f.participant, `/events/${f.slug}`);
  const response = await participant.goto(manage);
  assert.equal(response.status(), 403);
  await participant.getByRole("heading", { name: "Not allowed" }).waitFor();
  assert.equal(await participant.locator("[data-staff]").count(), 0);
  assertClean(participant, { allow: [/status of 403/] });
});
