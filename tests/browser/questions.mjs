// Questions and clarifications, as a participant, a coach and a competitor meet them: Quinn
// (team "Zephyr Works") asks about the first challenge in the workspace's form; the question
// arrives live on Carla's coach page, where she answers it to everyone; Bob's workspace
// (another team, open all along) shows the clarification without a reload, and nothing on
// his page names Zephyr Works or Quinn. 1920×1080; screenshots in target/screenshots/playbook/.
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { assert, assertAccessible, assertClean, fixture, newPage, scenario, screenshotDir, shot, signIn } from "./lib.mjs";

const f = fixture();
const viewport = { width: 1920, height: 1080 };
mkdirSync(join(screenshotDir, "playbook"), { recursive: true });
const live = (page) => page.locator('#live-status[data-state="live"]').waitFor();
const answer = "Yes: the gateway log rotates hourly, keep the newest file.";

await scenario("questions", async (browser) => {
  const quinn = await newPage(browser, { viewport });
  const bob = await newPage(browser, { viewport });
  const carla = await newPage(browser, { viewport });
  await signIn(bob, f.rival.email, `/teams/${f.rival.team}?challenge=${f.challenge}`);
  await signIn(carla, f.coach.email, "/coach");
  await signIn(quinn, f.asker.email, `/teams/${f.asker.team}?challenge=${f.challenge}`);
  for (const page of [bob, quinn]) await live(page);
  await carla.locator('[data-staff-live].is-live').waitFor();
  const bobReloads = [];
  bob.on("framenavigated", (frame) => {
    if (frame === bob.mainFrame()) bobReloads.push(frame.url());
  });

  // Quinn asks in the workspace (the form posts without JavaScript's help).
  await quinn.getByLabel("Ask a question about this challenge").fill("Does the gateway log rotate during the day?");
  await quinn.getByRole("button", { name: "Ask", exact: true }).click();
  await quinn.waitForURL((url) => url.searchParams.get("asked") === "1");
  await quinn.locator("#team-questions .question-open", { hasText: "Does the gateway log rotate" }).waitFor();
  await assertAccessible(quinn);
  await shot(quinn, "playbook/questions-asked");

  // Carla's coach page shows it live, with who asked; she answers to everyone.
  const queued = carla.locator("#questions li[data-state=open]", { hasText: "Does the gateway log rotate" });
  await queued.waitFor();
  await queued.getByText(f.asker.team_name).waitFor();
  await assertAccessible(carla);
  await shot(carla, "playbook/questions-coach-queue");
  await queued.getByLabel("Answer", { exact: true }).fill(answer);
  await queued.getByRole("button", { name: "Answer everyone" }).click();
  await carla.locator("#questions li[data-state=answered]", { hasText: answer }).waitFor();
  await shot(carla, "playbook/questions-coach-answered");

  // Bob's open workspace shows the clarification, without a reload, naming no one.
  await bob.locator("#clarifications .clarification", { hasText: answer }).waitFor();
  assert.deepEqual(bobReloads, [], "Bob's page did not reload");
  const text = await bob.locator("body").innerText();
  const html = await bob.content();
  for (const name of [f.asker.team_name, f.asker.name]) {
    assert.ok(!text.includes(name) && !html.includes(name), `Bob's page names ${name}`);
  }
  await assertAccessible(bob);
  await shot(bob, "playbook/questions-clarification-for-a-competitor");

  // Quinn reads the answer under the question, live too.
  await quinn.locator("#team-questions .question-answered", { hasText: answer }).waitFor();
  await shot(quinn, "playbook/questions-answered-for-the-asker");
  for (const page of [quinn, bob, carla]) assertClean(page);
});
