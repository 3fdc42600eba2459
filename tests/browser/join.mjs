// A newcomer opens a team's invite link signed out, creates an account through the sign-up
// form, comes back to the join page, joins, and ends in the team's workspace.
import { assert, assertAccessible, assertClean, fixture, newPage, password, scenario, shot } from "./lib.mjs";

const f = fixture();

await scenario("join", async (browser) => {
  const page = await newPage(browser);
  const invited = await page.goto(f.invite);
  assert.equal(invited.status(), 200);
  await page.getByRole("heading", { name: `Join ${f.team_name}` }).waitFor();
  await assertAccessible(page);
  await shot(page, "join-signed-out");

  await page.getByRole("link", { name: "Sign up and join" }).click();
  await page.waitForURL((url) => url.pathname === "/signup");
  await page.getByLabel("Your name").fill(f.newcomer.name);
  await page.getByLabel("Company").fill(f.newcomer.organization);
  await page.getByLabel("Email").fill(f.newcomer.email);
  await page.getByLabel(/^Password/).fill(password);
  await page.getByRole("button", { name: "Create your account" }).click();

  // Back on the join page, signed in.
  await page.waitForURL((url) => url.pathname === `/teams/${f.team}/join`);
  const join = page.getByRole("button", { name: `Join ${f.team_name}` });
  await join.waitFor();
  await assertAccessible(page);
  await shot(page, "join");
  await join.click();

  // In the workspace, as a member, live.
  await page.waitForURL((url) => url.pathname === `/teams/${f.team}`);
  await page.getByRole("heading", { level: 1, name: f.team_name }).waitFor();
  await page.locator("#team-people .person", { hasText: f.newcomer.name }).waitFor();
  await page.locator('#live-status[data-state="live"]').waitFor();
  await page.locator("#presence .presence-person", { hasText: f.newcomer.name }).waitFor();
  const invite = await page.getByLabel("Invite link").inputValue();
  assert.match(invite, new RegExp(`^https?://[^/]+/teams/${f.team}/join\\?code=`));
  await page.locator('#ladder li[data-state="open"]').first().waitFor();
  await assertAccessible(page);
  await shot(page, "workspace");

  // Phone width: one column, nothing cut off.
  await page.setViewportSize({ width: 390, height: 844 });
  await assertAccessible(page);
  await shot(page, "workspace-phone");
  assertClean(page);
});
