// One clock: a reader in Paris sees every time in Paris time with the zone named — the event
// page, the organizer's page (raised hands, announcements, the schedule form), the workspace
// (submissions, chat, announcements, help calls) and the big screen — and a schedule entered
// in the organizer's form in Paris time is stored as the right UTC instants (across a change
// of daylight saving time). A reader in New York sees the same instants in New York time.
// Screenshots: time-*.png.
import {
  assert, assertClean, assertLocalTimes, base, fixture, localInput, newPage, scenario, shot, signIn,
} from "./lib.mjs";

const f = fixture();
const manage = `/events/${f.slug}/manage`;
const paris = { timeZone: "Europe/Paris", locale: "en-GB" };
const newYork = { timeZone: "America/New_York", locale: "en-US" };
const reader = (zone, viewport) => ({ timezoneId: zone.timeZone, locale: zone.locale, viewport });

await scenario("time_zones", async (browser) => {
  // A raised hand, as the team's workspace would raise it.
  const raised = await fetch(`${base}/api/v1/teams/${f.team}/help-calls`, {
    method: "POST",
    headers: { Authorization: `Bearer ${f.member_token}`, "Content-Type": "application/json" },
    body: JSON.stringify({ context: "Which time zone is the deadline in?" }),
  });
  assert.equal(raised.status, 201, await raised.text());

  // The event page, in Paris and in New York: the same instants, each zone named.
  const event = await newPage(browser, reader(paris));
  await event.goto(`/events/${f.slug}`);
  const [parisStart] = await assertLocalTimes(event, ".event-when", paris);
  assert.match(parisStart, /CES?T$/);
  assert.doesNotMatch(await event.locator(".event-when").innerText(), /UTC/);
  await shot(event, "time-event-paris", { fullPage: false });
  assertClean(event);
  const away = await newPage(browser, reader(newYork));
  await away.goto(`/events/${f.slug}`);
  const [newYorkStart] = await assertLocalTimes(away, ".event-when", newYork);
  assert.match(newYorkStart, /E[SD]T$/);
  await shot(away, "time-event-new-york", { fullPage: false });
  assertClean(away);

  // The workspace in Paris: server-rendered submissions, then a chat line and the
  // announcement that page scripts insert live.
  const member = await newPage(browser, reader(paris, { width: 1440, height: 1000 }));
  await signIn(member, f.member, `/teams/${f.team}`);
  await member.locator("#announcements time").first().waitFor();
  await assertLocalTimes(member, "#submissions", paris);
  await assertLocalTimes(member, "#announcements", paris);
  await assertLocalTimes(member, "#help-calls", paris);
  await member.locator("#chat-input").fill("What time is it in Paris?");
  await member.locator("#chat-input").press("Enter");
  await member.locator("#chat-log time").first().waitFor();
  const [chatAt] = await assertLocalTimes(member, "#chat-log", paris);
  assert.match(chatAt, /CES?T$/);
  await shot(member, "time-workspace-paris");
  assertClean(member);

  // The big screen in Paris: the announcement's time.
  const board = await newPage(browser, reader(paris, { width: 1920, height: 1080 }));
  await board.goto(`/events/${f.slug}/board`);
  await board.locator("[data-board-live].is-live").waitFor();
  await assertLocalTimes(board, "[data-announcement]", paris);
  await shot(board, "time-board-paris", { fullPage: false });
  assertClean(board);

  // The organizer's page in Paris: hands and announcements in Paris time, the schedule form
  // in Paris time and saying so.
  const organizer = await newPage(browser, reader(paris, { width: 1440, height: 1000 }));
  await signIn(organizer, f.organizer, manage);
  await organizer.locator("[data-staff-live].is-live").waitFor();
  await assertLocalTimes(organizer, "[data-hands]", paris);
  await assertLocalTimes(organizer, ".announcement-list", paris);
  const schedule = organizer.locator("fieldset", { hasText: "Schedule" });
  assert.equal(await schedule.locator("legend [data-zone]").innerText(), "Europe/Paris");
  assert.equal(await organizer.getByLabel("Starts").inputValue(), localInput(f.starts_at, paris.timeZone));
  assert.equal(await organizer.getByLabel("Ends").inputValue(), localInput(f.ends_at, paris.timeZone));

  // Winter start (UTC+1), summer end and freeze (UTC+2).
  await organizer.getByLabel("Starts").fill("2030-01-15T10:00");
  await organizer.getByLabel("Ends").fill("2030-07-16T18:00");
  await organizer.getByLabel("Board freezes").fill("2030-07-16T17:00");
  await schedule.screenshot({ path: `${process.env.COHACK_SCREENSHOTS ?? "target/screenshots"}/time-schedule-paris.png` });
  await organizer.getByRole("button", { name: "Save settings" }).click();
  await organizer.getByText("Settings saved.").waitFor();
  const stored = await (await fetch(`${base}/api/v1/events/${f.slug}`)).json();
  assert.equal(new Date(stored.starts_at).toISOString(), "2030-01-15T09:00:00.000Z");
  assert.equal(new Date(stored.ends_at).toISOString(), "2030-07-16T16:00:00.000Z");
  assert.equal(new Date(stored.freeze_at).toISOString(), "2030-07-16T15:00:00.000Z");
  // Shown again as entered, in Paris time.
  assert.equal(await organizer.getByLabel("Starts").inputValue(), "2030-01-15T10:00");
  assert.equal(await organizer.getByLabel("Ends").inputValue(), "2030-07-16T18:00");
  assert.equal(await organizer.getByLabel("Board freezes").inputValue(), "2030-07-16T17:00");
  await shot(organizer, "time-manage-paris");
  assertClean(organizer);

  // The event page after the change, in New York: 04:00 EST and 12:00 EDT.
  await away.goto(`/events/${f.slug}`);
  const [start, end] = await assertLocalTimes(away, ".event-when", newYork);
  assert.match(start, /04:00 EST$/);
  assert.match(end, /12:00 EDT$/);
  assertClean(away);
});
