// Rewards, as a runner and a remote team meet them. Rita, the event's runner, opens the
// rewards page: nothing to deliver. Team tablesevens (at Table 7) solves its first challenge
// and the delivery appears without a reload, location first; she prints its slip (the print
// stylesheet shows only that slip) and marks it delivered with one click, and it moves to the
// delivered list, still without a reload. The workspace and the organizer's page are closed to
// her. René's remote team reads the event's remote reward in its workspace as its solve lands.
// 1920×1080; screenshots in target/screenshots/rewards/.
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { assert, assertAccessible, assertClean, base, fixture, newPage, scenario, screenshotDir, shot, signIn } from "./lib.mjs";

const f = fixture();
const viewport = { width: 1920, height: 1080 };
mkdirSync(join(screenshotDir, "rewards"), { recursive: true });

/** Submits for a team through the API, as its member's client would. */
async function submit(token, team) {
  const response = await fetch(`${base}/api/v1/teams/${team}/submissions`, {
    method: "POST",
    headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/json" },
    body: JSON.stringify(f.submission),
  });
  const body = await response.json();
  assert.equal(response.status, 201, JSON.stringify(body));
  assert.equal(body.verdict?.passed, true, JSON.stringify(body));
}

await scenario("rewards", async (browser) => {
  const rita = await newPage(browser, { viewport });
  const rene = await newPage(browser, { viewport });
  await signIn(rita, f.runner.email, `/events/${f.event}/rewards`);
  await rita.getByRole("heading", { name: "Rewards", level: 1 }).waitFor();
  await rita.getByText("Nothing to deliver right now.").waitFor();
  await rita.locator("[data-staff-live].is-live").waitFor();
  // Marks the page, to show later that nothing reloaded it.
  await rita.evaluate(() => {
    window.notReloaded = true;
  });

  // A first solve on site: the delivery appears live.
  await submit(f.onsite.token, f.onsite.team);
  const row = rita.locator("[data-open] li.reward", { hasText: f.onsite.name });
  await row.waitFor();
  await row.locator(".reward-location", { hasText: f.onsite.location }).waitFor();
  await row.locator(".reward-what", { hasText: "a reward" }).waitFor();
  await row.getByText(`Solved ${f.challenge_title}`).waitFor();
  assert.equal(await rita.evaluate(() => window.notReloaded), true, "the delivery came without a reload");
  assert.equal(await rita.locator("[data-open] li.reward").count(), 1);
  await assertAccessible(rita);
  await shot(rita, "rewards/rewards-page", { fullPage: false });

  // Its slip, printed: only the slip shows.
  await rita.evaluate(() => {
    window.print = () => {
      window.printed = (window.printed ?? 0) + 1;
    };
  });
  await row.getByRole("button", { name: "Print slip" }).click();
  assert.equal(await rita.evaluate(() => window.printed), 1, "the browser's print was asked for");
  await rita.emulateMedia({ media: "print" });
  const slip = row.locator(".reward-slip");
  assert.ok(await slip.isVisible(), "the slip shows in print");
  assert.ok(!(await rita.getByRole("heading", { name: "Rewards", level: 1 }).isVisible()), "nothing but the slip in print");
  const printed = await slip.innerText();
  for (const part of [f.onsite.location, f.onsite.name, "a reward", f.challenge_title]) {
    assert.ok(printed.includes(part), `the slip names ${part}: ${printed}`);
  }
  await shot(rita, "rewards/rewards-slip-printed", { fullPage: false });
  await rita.emulateMedia({ media: "screen" });
  await rita.evaluate(() => window.dispatchEvent(new Event("afterprint")));
  assert.ok(!(await slip.isVisible()), "the slip stays off the screen");

  // Delivered with one click: out of the queue, into the delivered list, no reload.
  await row.getByRole("button", { name: "Delivered" }).click();
  await rita.getByText("Nothing to deliver right now.").waitFor();
  await rita.locator("[data-delivered] li.reward", { hasText: f.onsite.name }).waitFor();
  assert.equal(await rita.evaluate(() => window.notReloaded), true, "marked without a reload");
  await shot(rita, "rewards/rewards-delivered", { fullPage: false });

  // Nothing else of the event is hers.
  const workspace = await rita.goto(`/teams/${f.onsite.team}`);
  assert.equal(workspace.status(), 404, "a team's workspace does not exist for a runner");
  const manage = await rita.goto(`/events/${f.event}/manage`);
  assert.equal(manage.status(), 403, "the organizer's page is closed to a runner");

  // A remote team: the event's words in its workspace, live.
  await signIn(rene, f.remote.email, `/teams/${f.remote.team}`);
  await rene.locator("#activity").waitFor();
  await rene.locator('#live-status[data-state="live"]').waitFor();
  await submit(f.remote.token, f.remote.team);
  const message = rene.locator("#activity").getByText(`your reward is ${f.remote_reward}`);
  await message.waitFor();
  await message.scrollIntoViewIfNeeded();
  await shot(rene, "rewards/remote-reward-in-workspace", { fullPage: false });
  // The two refusals above are the only errors the runner's browser saw.
  assertClean(rita, { allow: [/status of 40[34]/] });
  assertClean(rene);
});
