// A participant who joined the wrong team (Max, in "mistake" with Zoe) opens the right team's
// invite link: it tells him he is in another team and how out. He leaves from the workspace
// (confirming), lands on the event's page, and joins the right team by its link; Zoe sees him
// leave and Ada sees him join, live, in the activity and the members line. Max then renames
// the team (Ada sees the new name live), and a taken name is refused beside the form.
// 1920×1080; screenshots in target/screenshots/team/.
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { assertAccessible, assertClean, fixture, newPage, scenario, screenshotDir, shot, signIn } from "./lib.mjs";

const f = fixture();
const viewport = { width: 1920, height: 1080 };
mkdirSync(join(screenshotDir, "team"), { recursive: true });
const live = (page) => page.locator('#live-status[data-state="live"]').waitFor();

await scenario("team_leave_and_join", async (browser) => {
  const max = await newPage(browser, { viewport });
  const zoe = await newPage(browser, { viewport });
  const ada = await newPage(browser, { viewport });
  await signIn(zoe, f.zoe.email, `/teams/${f.wrong}`);
  await signIn(ada, f.ada.email, `/teams/${f.right}`);
  await signIn(max, f.max.email, `/teams/${f.wrong}`);
  for (const page of [zoe, ada, max]) await live(page);

  // The right team's link, while in the wrong one: it says so, and where to leave.
  await max.goto(f.link);
  await max.getByText(`You are in ${f.zoe.name} at this event`).waitFor();
  await assertAccessible(max);
  await shot(max, "team/link-while-in-another-team");
  await max.getByRole("link", { name: `Open ${f.zoe.name}` }).click();
  await max.waitForURL((url) => url.pathname === `/teams/${f.wrong}`);
  await live(max);

  // He leaves, confirming first.
  await max.locator("#team-admin > summary").click();
  await max.locator("#leave-confirm > summary").click();
  await max.getByRole("button", { name: `Yes, leave ${f.zoe.name}` }).waitFor();
  await assertAccessible(max);
  await shot(max, "team/leave-confirm", { fullPage: false });
  await max.getByRole("button", { name: `Yes, leave ${f.zoe.name}` }).click();
  await max.waitForURL((url) => url.pathname === `/events/${f.event}`);
  await max.getByRole("button", { name: "Create team" }).waitFor();
  await shot(max, "team/after-leaving");

  // Zoe saw him go, live.
  await zoe.locator("#activity .activity-member_left", { hasText: `${f.max.name} left the team` }).waitFor();
  await zoe.waitForFunction(
    (name) => ![...document.querySelectorAll("#team-members .person")].some((p) => p.textContent === name),
    f.max.name,
  );
  await shot(zoe, "team/teammate-sees-leaving");

  // The right link now joins, in one click.
  await max.goto(f.link);
  await max.getByRole("button", { name: `Join ${f.ada.name}` }).click();
  await max.waitForURL((url) => url.pathname === `/teams/${f.right}`);
  await live(max);
  await ada.locator("#activity .activity-member_joined", { hasText: `${f.max.name} joined the team` }).waitFor();
  await ada.locator("#team-members .person", { hasText: f.max.name }).waitFor();

  // Max renames the team; Ada sees the new name, and who renamed it, live.
  await max.locator("#team-admin > summary").click();
  await max.getByLabel("Team name").fill("Night Owls");
  await max.locator("#rename-button").click();
  await max.waitForURL((url) => url.searchParams.get("renamed") === "1");
  await max.getByRole("heading", { level: 1, name: "Night Owls" }).waitFor();
  await ada.getByRole("heading", { level: 1, name: "Night Owls" }).waitFor();
  await ada.locator("#activity .activity-team_renamed", { hasText: `${f.max.name} renamed the team “Night Owls”` }).waitFor();
  await assertAccessible(ada);
  await shot(ada, "team/teammate-sees-rename");

  // A name another team has is refused where the form is, with the reason.
  await live(max);
  await max.locator("#team-admin > summary").click();
  await max.getByLabel("Team name").fill(f.zoe.name);
  await max.locator("#rename-button").click();
  await max.locator("#team-admin-error", { hasText: "already has this name" }).waitFor();
  await max.getByRole("heading", { level: 1, name: "Night Owls" }).waitFor();
  await assertAccessible(max);
  await shot(max, "team/rename-refused", { fullPage: false });

  // Max's refused rename answers 409 (the page with the reason), and his workspace, in the
  // moment between leaving and the event's page, may ask for the team's submissions once more
  // and be told 404: both are the server refusing, as it should.
  assertClean(max, { allow: [/status of 409/, /status of 404/] });
  for (const page of [zoe, ada]) assertClean(page);
});
