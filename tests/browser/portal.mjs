// The portal's own pages in a real browser: a brand-new portal is set up through its first-run
// form, its organizer creates an event, a visitor reads the event page, signs up from it and
// registers; every page loads clean (no console errors, no CSP violations) and is keyboard
// reachable. Screenshots: home, setup, new event, event, sign-in, and the phone layout.
// The organizer sits in New York: the schedule is entered and read in New York time, and the
// API has it in UTC.
import {
  assert, assertAccessible, assertClean, assertLocalTimes, base, localInput, newPage, scenario, shot, password,
} from "./lib.mjs";

const newYork = { timeZone: "America/New_York", locale: "en-US" };

await scenario("portal", async (browser) => {
  const organizer = await newPage(browser, { timezoneId: newYork.timeZone, locale: newYork.locale });
  await organizer.goto("/");
  await organizer.getByRole("link", { name: "Set it up" }).click();
  await organizer.waitForURL("**/setup");
  await organizer.getByLabel("Your name").fill("Lena Lead");
  await organizer.getByLabel("Company").fill("Vendor");
  await organizer.getByLabel("Email").fill("lead@vendor.example");
  await organizer.getByLabel(/^Password/).fill(password);
  await assertAccessible(organizer);
  await shot(organizer, "setup");
  await organizer.getByRole("button", { name: "Set up this portal" }).click();
  await organizer.waitForURL("**/events/new");

  await organizer.getByLabel("Name", { exact: true }).fill("Spring Data Hack");
  await organizer.getByLabel(/^Address/).fill("spring-data");
  await organizer
    .getByLabel(/^Description/)
    .fill("Two days of **pipelines**, with the platform team as coaches.\n\n- bring a laptop\n- bring questions");
  const minute = 60_000;
  const now = Math.floor(Date.now() / minute) * minute;
  const startsAt = new Date(now - 3600_000).toISOString();
  const endsAt = new Date(now + 86400_000).toISOString();
  assert.equal(await organizer.locator("legend [data-zone]").innerText(), "America/New_York");
  await organizer.getByLabel("Starts").fill(localInput(startsAt, newYork.timeZone));
  await organizer.getByLabel("Ends").fill(localInput(endsAt, newYork.timeZone));
  await organizer.getByLabel(/^Largest team/).fill("4");
  await assertAccessible(organizer);
  await shot(organizer, "event-new");
  await organizer.getByRole("button", { name: "Create event" }).click();
  await organizer.waitForURL("**/events/spring-data");
  await organizer.getByRole("heading", { name: "Spring Data Hack" }).waitFor();
  assert.ok(await organizer.getByRole("link", { name: "Manage event" }).isVisible());
  const [starts] = await assertLocalTimes(organizer, ".event-when", newYork);
  assert.match(starts, /E[SD]T$/, "New York's zone is named");
  const stored = await (await fetch(`${base}/api/v1/events/spring-data`)).json();
  assert.equal(new Date(stored.starts_at).toISOString(), startsAt, "the API has the start in UTC");
  assert.equal(new Date(stored.ends_at).toISOString(), endsAt);
  assertClean(organizer);

  // A visitor: home page, event page, sign up from it, register, form a team.
  const visitor = await newPage(browser);
  await visitor.goto("/");
  await visitor.getByRole("link", { name: "Spring Data Hack" }).click();
  await visitor.waitForURL("**/events/spring-data");
  const prose = visitor.locator(".prose strong");
  assert.equal(await prose.first().textContent(), "pipelines");
  await assertAccessible(visitor);
  await shot(visitor, "event");
  await visitor.getByRole("link", { name: "Sign up" }).last().click();
  await visitor.getByLabel("Your name").fill("Chris Customer");
  await visitor.getByLabel("Company").fill("Acme");
  await visitor.getByLabel("Email").fill("chris@acme.example");
  await visitor.getByLabel(/^Password/).fill(password);
  await visitor.getByRole("button", { name: "Create your account" }).click();
  await visitor.waitForURL("**/events/spring-data");
  await visitor.getByRole("button", { name: "Register" }).click();
  await visitor.getByLabel("Team name").fill("Pipeline Pirates");
  await visitor.getByRole("button", { name: "Create team" }).click();
  await visitor.waitForURL(/\/teams\/[^/]+$/);
  assertClean(visitor);

  // Keyboard: the skip link is the first stop and moves focus to the content.
  const fresh = await newPage(browser);
  await fresh.goto("/signin");
  await fresh.keyboard.press("Tab");
  assert.equal(await fresh.evaluate(() => document.activeElement.textContent), "Skip to content");
  await fresh.keyboard.press("Enter");
  assert.equal(await fresh.evaluate(() => document.activeElement.id), "main");
  await assertAccessible(fresh);
  await shot(fresh, "signin");
  assertClean(fresh);

  // A reader in Paris sees the event's dates in Paris time.
  const home = await newPage(browser, { timezoneId: "Europe/Paris", locale: "en-GB" });
  await home.goto("/");
  const [from] = await assertLocalTimes(home, ".card-list", { timeZone: "Europe/Paris", locale: "en-GB" });
  assert.match(from, /CES?T$/);
  await assertAccessible(home);
  await shot(home, "home");
  const phone = await newPage(browser, { viewport: { width: 390, height: 844 } });
  await phone.goto("/events/spring-data");
  const overflow = await phone.evaluate(() => document.documentElement.scrollWidth > window.innerWidth + 1);
  assert.equal(overflow, false, "the event page fits a phone's width");
  await assertAccessible(phone);
  await shot(phone, "event-phone");
  assertClean(phone);
});
