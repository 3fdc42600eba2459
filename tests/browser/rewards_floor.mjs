// The floor's settings of rewards, as a team, an organizer and a runner meet them. Olga's team
// has no location: its workspace says it is remote and what it gets instead, and gives the
// form right there; she says "Table 7", and a refused location (too long) comes back with its
// reason beside the form. The organizer sees the location in the team list and moves the team
// to Table 9 there, and gives the first challenge this event's own reward words ("a cookie")
// on the ladder. The event then holds its rewards from the freeze until the end: Rita's open
// rewards page shows nothing while the team's solve is held, and when the end comes the
// delivery appears without a reload, to Table 9, with the event's words.
// 1920×1080; screenshots in target/screenshots/rewards/.
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { assert, assertAccessible, assertClean, base, fixture, newPage, scenario, screenshotDir, shot, signIn } from "./lib.mjs";

const f = fixture();
const viewport = { width: 1920, height: 1080 };
mkdirSync(join(screenshotDir, "rewards"), { recursive: true });

async function api(method, path, token, body) {
  const response = await fetch(`${base}${path}`, {
    method,
    headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : null, text };
}

await scenario("rewards_floor", async (browser) => {
  // The team: remote until it says where it sits.
  const olga = await newPage(browser, { viewport });
  await signIn(olga, f.member.email, `/teams/${f.team}`);
  const panel = olga.locator("#team-location");
  await panel.getByText("No location: you are a remote team").waitFor();
  await panel.getByText(f.remote_reward).waitFor();
  await assertAccessible(olga);
  await shot(olga, "rewards/workspace-location-remote", { fullPage: false });
  await olga.getByLabel(/^Table or room/).fill("  Table 7 ");
  await olga.getByRole("button", { name: "Save location" }).click();
  await olga.waitForURL(/located=1/);
  await panel.locator("#location-now", { hasText: "a runner brings it to Table 7" }).waitFor();
  await panel.getByText("Location saved: runners bring your rewards there.").waitFor();
  assert.equal(await olga.getByLabel(/^Table or room/).inputValue(), "Table 7", "stored trimmed");
  await shot(olga, "rewards/workspace-location-set", { fullPage: false });
  // The browser keeps it to 40 characters; a client that does not is refused with the reason.
  assert.equal(await olga.getByLabel(/^Table or room/).getAttribute("maxlength"), "40");
  await olga.locator("#location-input").evaluate((input) => input.removeAttribute("maxlength"));
  await olga.getByLabel(/^Table or room/).fill("x".repeat(41));
  await olga.getByRole("button", { name: "Save location" }).click();
  await panel.locator("#location-error", { hasText: "at most 40 characters" }).waitFor();
  assert.equal(await olga.getByLabel(/^Table or room/).inputValue(), "x".repeat(41), "what was sent comes back");
  await panel.locator("#location-now", { hasText: "Table 7" }).waitFor();
  await shot(olga, "rewards/workspace-location-refused", { fullPage: false });
  const stored = await api("GET", `/api/v1/teams/${f.team}`, f.member.token);
  assert.equal(stored.body.location, "Table 7", stored.text);
  // Back to the workspace's own address (the refusal answered the form's).
  await olga.goto(`/teams/${f.team}`);

  // The organizer: the location in the team list, changed there; the ladder's reward words.
  const org = await newPage(browser, { viewport });
  await signIn(org, f.organizer.email, `/events/${f.event}/manage`);
  const row = org.locator(`#team-${f.team}`);
  assert.equal((await row.locator("[data-location]").innerText()).trim(), "Table 7");
  await row.locator("details.team-admin > summary").click();
  await org.getByLabel(`Location of ${f.team_name}`).fill("Table 9");
  await row.getByRole("button", { name: "Set location" }).click();
  await org.locator("[data-toast]", { hasText: "Location saved" }).waitFor();
  await org.waitForFunction((id) => document.querySelector(`#team-${id} [data-location]`)?.textContent.trim() === "Table 9", f.team);
  await row.scrollIntoViewIfNeeded();
  await shot(org, "rewards/organizer-team-location", { fullPage: false });
  const moved = await api("GET", `/api/v1/teams/${f.team}`, f.member.token);
  assert.equal(moved.body.location, "Table 9", moved.text);

  const rung = org.locator(`[data-rung="${f.challenge}"]`);
  await rung.locator("[data-reward-now]", { hasText: "A first solve earns a reward (the challenge's own" }).waitFor();
  await org.getByLabel(`Reward for solving ${f.challenge_title}`).fill("a cookie");
  await rung.getByRole("button", { name: "Set reward" }).click();
  await org.locator("[data-toast]", { hasText: "Reward words saved" }).waitFor();
  await org.waitForFunction(
    (slug) => document.querySelector(`[data-rung="${slug}"] [data-reward-now]`)?.textContent.includes("earns a cookie (this event's"),
    f.challenge,
  );
  assert.equal(await org.getByLabel(`Reward for solving ${f.challenge_title}`).inputValue(), "a cookie");
  await rung.scrollIntoViewIfNeeded();
  await assertAccessible(org);
  await shot(org, "rewards/organizer-reward-words", { fullPage: false });

  // Held until the end: frozen now, the rewards earned from here on wait for the end.
  const held = await api("PATCH", `/api/v1/events/${f.event}`, f.organizer.token, {
    hold_rewards_until_end: true,
    freeze_at: new Date(Date.now() - 1000).toISOString(),
  });
  assert.equal(held.status, 200, held.text);
  const rita = await newPage(browser, { viewport });
  await signIn(rita, f.runner.email, `/events/${f.event}/rewards`);
  await rita.locator("[data-rewards-held]").waitFor();
  await rita.locator("[data-staff-live].is-live").waitFor();
  await rita.evaluate(() => {
    window.notReloaded = true;
  });
  const loads = async () => rita.evaluate(() => document.querySelector("[data-rewards-page]").dataset.loaded ?? "");
  const before = await loads();
  const solved = await api("POST", `/api/v1/teams/${f.team}/submissions`, f.member.token, f.submission);
  assert.equal(solved.status, 201, solved.text);
  assert.equal(solved.body.verdict?.passed, true, solved.text);
  // The solve's frame reads the list again: still nothing, it is held.
  await rita.waitForFunction((was) => (document.querySelector("[data-rewards-page]").dataset.loaded ?? "") !== was, before);
  await rita.getByText("Nothing to deliver right now.").waitFor();
  assert.equal(await rita.locator("[data-open] li.reward").count(), 0, "held from the runner");
  await shot(rita, "rewards/rewards-held", { fullPage: false });

  // The end, a few seconds from now: the held delivery appears by itself.
  const ending = await api("PATCH", `/api/v1/events/${f.event}`, f.organizer.token, {
    ends_at: new Date(Date.now() + 5000).toISOString(),
  });
  assert.equal(ending.status, 200, ending.text);
  const endsAt = Date.parse(ending.body.ends_at);
  const delivery = rita.locator("[data-open] li.reward", { hasText: f.team_name });
  await delivery.waitFor({ timeout: 20000 });
  assert.ok(Date.now() >= endsAt, "it came at the end, not before");
  await delivery.locator(".reward-location", { hasText: "Table 9" }).waitFor();
  await delivery.locator(".reward-what", { hasText: "a cookie" }).waitFor();
  assert.equal(await rita.locator("[data-rewards-held]").count(), 0, "no longer held");
  assert.equal(await rita.evaluate(() => window.notReloaded), true, "the end came without a reload");
  await assertAccessible(rita);
  await shot(rita, "rewards/rewards-released-at-the-end", { fullPage: false });

  // The team's workspace reads the organizer's change.
  await olga.reload();
  await panel.locator("#location-now", { hasText: "a runner brings it to Table 9" }).waitFor();

  assertClean(olga, { allow: [/status of 400/] });
  assertClean(org);
  assertClean(rita);
});
