// Trust in Chromium: Ada opens the event's page, reads its participation terms (version 1),
// cannot register without ticking the accept box, ticks it (and lets the report print her
// name) and registers; the API then says she accepted version 1. Bob, a member of a team,
// opens his workspace once the closing survey is open: the card asks the default set, he
// answers, the card is gone (also after a reload) and the API says he answered. Cara dismisses
// it: it does not come back. The organizer's page lists who accepted which version.
// Screenshots in target/screenshots/trust/.
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { assert, assertAccessible, base, fixture, newPage, scenario, screenshotDir, shot, signIn } from "./lib.mjs";

const f = fixture();
const viewport = { width: 1280, height: 900 };
mkdirSync(join(screenshotDir, "trust"), { recursive: true });

async function api(path, token) {
  const response = await fetch(`${base}${path}`, { headers: { Authorization: `Bearer ${token}` } });
  return { status: response.status, body: await response.json() };
}

await scenario("trust", async (browser) => {
  // Registration with terms.
  const ada = await newPage(browser, { viewport });
  await signIn(ada, f.ada.email, `/events/${f.event}`);
  const terms = ada.locator("#terms");
  await terms.getByText("What you build stays yours.").waitFor();
  assert.equal(await terms.getAttribute("data-terms-version"), "1");
  await assertAccessible(ada);
  await shot(ada, "trust/registration-terms");
  // The accept box is required: the browser keeps the form from going out without it.
  await ada.getByRole("button", { name: "Register" }).click();
  assert.equal(await ada.locator("#accept_terms:invalid").count(), 1, "the box must be ticked");
  const before = await api(`/api/v1/events/${f.event}`, f.ada.token);
  assert.deepEqual(before.body.me.roles, [], "not registered yet");
  await ada.getByLabel("I accept version 1 of the terms").check();
  await ada.getByLabel(/The report may print my name/).check();
  await ada.getByRole("button", { name: "Register" }).click();
  await ada.getByText("You are registered.").waitFor();
  const after = await api(`/api/v1/events/${f.event}`, f.ada.token);
  assert.deepEqual(after.body.me.roles, ["participant"]);
  assert.equal(after.body.me.accepted_terms_version, 1);
  assert.equal(after.body.me.name_in_report, true);
  assert.equal(await ada.locator("#name_in_report_choice").isChecked(), true, "the choice shows");
  await shot(ada, "trust/registered");

  // The survey card, answered once.
  const bob = await newPage(browser, { viewport });
  await signIn(bob, f.bob.email, `/teams/${f.bob.team}`);
  const card = bob.locator("#survey-card");
  await card.getByText("How likely are you to recommend this event").waitFor();
  await assertAccessible(bob);
  await card.scrollIntoViewIfNeeded();
  await shot(bob, "trust/survey-card", { fullPage: false });
  await card.locator('input[name="s_recommend"][value="9"]').check();
  await card.locator('select[name="q_hardest_challenge"]').selectOption(f.challenge_title);
  await card.locator('textarea[name="q_hardest_why"]').fill("The gateway log was long.");
  await card.locator('textarea[name="q_fix_first"]').fill("Document the log format.");
  await card.getByRole("button", { name: "Send my answers" }).click();
  await bob.waitForURL(/surveyed=1/);
  await bob.locator("#survey-notice").waitFor();
  assert.equal(await bob.locator("#survey-card").count(), 0, "answered: the card is gone");
  await shot(bob, "trust/survey-answered", { fullPage: false });
  await bob.goto(`/teams/${f.bob.team}`);
  assert.equal(await bob.locator("#survey-card").count(), 0, "and does not come back");
  const answered = await api(`/api/v1/events/${f.event}/survey`, f.bob.token);
  assert.equal(answered.body.answered, true);

  // Dismissed: gone for good, still unanswered.
  const cara = await newPage(browser, { viewport });
  await signIn(cara, f.cara.email, `/teams/${f.cara.team}`);
  await cara.locator("#survey-card").waitFor();
  await cara.getByRole("button", { name: /Not now/ }).click();
  await cara.waitForURL((url) => url.pathname === `/teams/${f.cara.team}`);
  assert.equal(await cara.locator("#survey-card").count(), 0);
  await cara.reload();
  assert.equal(await cara.locator("#survey-card").count(), 0, "dismissed: it does not come back");
  const dismissed = await api(`/api/v1/events/${f.event}/survey`, f.cara.token);
  assert.equal(dismissed.body.dismissed, true);
  assert.equal(dismissed.body.answered, false);

  // The organizer reads who accepted which version, and the terms in the settings.
  const org = await newPage(browser, { viewport });
  await signIn(org, f.organizer.email, `/events/${f.event}/manage`);
  const section = org.locator("#terms-acceptances");
  await section.locator("tr", { hasText: f.ada.email }).waitFor();
  assert.equal(await section.locator("tr", { hasText: f.ada.email }).getAttribute("data-acceptance-version"), "1");
  assert.match(await org.locator("#terms").inputValue(), /What you build stays yours/);
  await section.scrollIntoViewIfNeeded();
  await shot(org, "trust/organizer-acceptances", { fullPage: false });
});
