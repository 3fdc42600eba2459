// The competitor-safe screen: the big screen of an event with `board_names = "aliases"` shows
// "Team 01", "Night Owls"… and never a team's name or organization (customers who compete
// share the room's screen), also when an organizer changes an alias while it is open. The
// event's page names its home time zone (Europe/Paris) and shows its times in the reader's
// own zone (New York here), zone named. Screenshots: playbook/aliases-*.png.
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import {
  assert, assertClean, assertLocalTimes, base, fixture, newPage, scenario, screenshotDir, shot,
} from "./lib.mjs";

const f = fixture();
mkdirSync(join(screenshotDir, "playbook"), { recursive: true });
const newYork = { timeZone: "America/New_York", locale: "en-US" };

/** The names of `f.names` that `text` shows, whatever the case. */
function leaks(text) {
  const lower = text.toLowerCase();
  return f.names.filter((name) => lower.includes(name.toLowerCase()));
}

await scenario("aliases", async (browser) => {
  // The big screen at 1920x1080: aliases only, in the markup as well as on screen.
  const board = await newPage(browser, { viewport: { width: 1920, height: 1080 } });
  await board.goto(`/events/${f.slug}/board`);
  await board.locator("[data-board-live].is-live").waitFor();
  await board.getByText("Night Owls").first().waitFor();
  const shown = await board.locator("body").innerText();
  assert.match(shown, /Team 01/);
  assert.match(shown, /Team 03/);
  assert.deepEqual(leaks(shown), [], "names on the big screen");
  assert.deepEqual(leaks(await board.content()), [], "names in the big screen's markup");
  await shot(board, "playbook/aliases-board", { fullPage: false });

  // An organizer renames a team's alias: the open screen follows, still naming nobody.
  const changed = await fetch(`${base}/api/v1/teams/${f.zebra}`, {
    method: "PATCH",
    headers: { Authorization: `Bearer ${f.organizer_token}`, "Content-Type": "application/json" },
    body: JSON.stringify({ alias: "Red Pandas" }),
  });
  assert.equal(changed.status, 200, await changed.text());
  await board.getByText("Red Pandas").first().waitFor();
  assert.deepEqual(leaks(await board.content()), [], "names after the alias changed");
  await shot(board, "playbook/aliases-board-renamed", { fullPage: false });
  assertClean(board);

  // The event's page in New York: the home zone named, every time in New York time.
  const event = await newPage(browser, { timezoneId: newYork.timeZone, locale: newYork.locale });
  await event.goto(`/events/${f.slug}`);
  const home = event.locator("#home-zone");
  assert.match(await home.innerText(), /Europe\/Paris/);
  assert.match(await home.innerText(), /CES?T there/);
  assert.equal(await home.locator("[data-reader-zone]").innerText(), "America/New_York");
  const [start] = await assertLocalTimes(event, ".event-when", newYork);
  assert.match(start, /E[SD]T$/);
  assert.deepEqual(leaks(await event.content()), [], "names on the public event page");
  await shot(event, "playbook/aliases-event-new-york", { fullPage: false });
  assertClean(event);
});
