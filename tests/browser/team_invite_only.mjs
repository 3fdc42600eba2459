// A brand-new person opens a team's invite link to an invite-only event, signed out: the page
// says the link is all the invitation needed. They sign up, come back to the link, join in one
// click — never asked for the event's invite code — and are in the team's workspace, live.
// 1920×1080; screenshots in target/screenshots/team/.
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { assert, assertAccessible, assertClean, fixture, newPage, password, scenario, screenshotDir, shot } from "./lib.mjs";

const f = fixture();
mkdirSync(join(screenshotDir, "team"), { recursive: true });

await scenario("team_invite_only", async (browser) => {
  const page = await newPage(browser, { viewport: { width: 1920, height: 1080 } });
  assert.equal((await page.goto(f.link)).status(), 200);
  await page.getByText("this link is all the invitation the event needs").waitFor();
  await shot(page, "team/invite-only-link-signed-out", { fullPage: false });

  await page.getByRole("link", { name: "Sign up and join" }).click();
  await page.waitForURL((url) => url.pathname === "/signup");
  await page.getByLabel("Your name").fill(f.newcomer.name);
  await page.getByLabel("Company").fill(f.newcomer.organization);
  await page.getByLabel("Email").fill(f.newcomer.email);
  await page.getByLabel(/^Password/).fill(password);
  await page.getByRole("button", { name: "Create your account" }).click();

  // Back on the link: one button, no code to type.
  await page.waitForURL((url) => url.pathname === `/teams/${f.team}/join`);
  await page.getByText("Joining registers you for").waitFor();
  assert.equal(await page.getByLabel(/invite code/i).count(), 0, "no invite code asked");
  assert.equal(await page.locator("input:not([type=hidden])").count(), 0, "nothing to type");
  await assertAccessible(page);
  await shot(page, "team/invite-only-join", { fullPage: false });
  await page.getByRole("button", { name: `Join ${f.team_name}` }).click();

  await page.waitForURL((url) => url.pathname === `/teams/${f.team}`);
  await page.getByRole("heading", { level: 1, name: f.team_name }).waitFor();
  await page.locator("#team-members .person", { hasText: f.newcomer.name }).waitFor();
  await page.locator('#live-status[data-state="live"]').waitFor();
  await page.locator("#ws-clock").getByText("Ends", { exact: true }).waitFor();
  await shot(page, "team/invite-only-workspace", { fullPage: false });
  assertClean(page);
});
