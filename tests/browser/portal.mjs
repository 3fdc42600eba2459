// The portal's own pages in a real browser: a brand-new portal is set up through its first-run
// form, its organizer creates an event, a visitor reads the event page, signs up from it and
// registers; every page loads clean (no console errors, no CSP violations) and is keyboard
// reachable. Screenshots: home, setup, new event, event, sign-in, and the phone layout.
import { assert, assertAccessible, assertClean, newPage, scenario, shot, password } from "./lib.mjs";

await scenario("portal", async (browser) => {
  const organizer = await newPage(browser);
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
  const now = new Date();
  const iso = (d) => d.toISOString().slice(0, 16);
  await organizer.getByLabel("Starts (UTC)").fill(iso(new Date(now.getTime() - 3600_000)));
  await organizer.getByLabel("Ends (UTC)").fill(iso(new Date(now.getTime() + 86400_000)));
  await organizer.getByLabel(/^Largest team/).fill("4");
  await assertAccessible(organizer);
  await shot(organizer, "event-new");
  await organizer.getByRole("button", { name: "Create event" }).click();
  await organizer.waitForURL("**/events/spring-data");
  await organizer.getByRole("heading", { name: "Spring Data Hack" }).waitFor();
  assert.ok(await organizer.getByRole("link", { name: "Manage event" }).isVisible());
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

  const home = await newPage(browser);
  await home.goto("/");
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
