// Hints, as a participant and a coach meet them: Hana's workspace lists the first challenge's
// hints under its statement with their costs and no text; she unlocks the free one, then the
// one that costs 30 points (the button says the cost is taken only if the team solves it, and
// a box must be ticked first); each text shows, rendered from Markdown, with who unlocked it.
// Cody's coach page lists both unlocks. 1920×1080; screenshots in target/screenshots/playbook/.
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { assert, assertAccessible, assertClean, fixture, newPage, scenario, screenshotDir, shot, signIn } from "./lib.mjs";

const f = fixture();
const viewport = { width: 1920, height: 1080 };
mkdirSync(join(screenshotDir, "playbook"), { recursive: true });
// The Markdown source without its marks (`ERROR` renders as code).
const plain = (markdown) => markdown.replaceAll("`", "");

await scenario("hints", async (browser) => {
  const hana = await newPage(browser, { viewport });
  const cody = await newPage(browser, { viewport });
  await signIn(hana, f.member.email, `/teams/${f.member.team}?challenge=${f.challenge}`);

  // Titles and costs with the statement; no text yet.
  const hints = hana.locator("#hints");
  await hints.waitFor();
  const paid = hints.locator("#hint-1");
  const free = hints.locator("#hint-2");
  await paid.getByText(f.paid.title).waitFor();
  await paid.getByText(`${f.paid.cost} points`, { exact: true }).waitFor();
  await free.getByText(f.free.title).waitFor();
  await free.getByText("free", { exact: true }).waitFor();
  const before = await hana.locator("body").innerText();
  assert.ok(!before.includes(plain(f.paid.text)) && !before.includes(plain(f.free.text)), "no hint text before unlocking");
  await assertAccessible(hana);
  await hints.scrollIntoViewIfNeeded();
  await shot(hana, "playbook/hints-titles-and-costs", { fullPage: false });

  // The free hint: an explicit unlock, then its text.
  await free.getByRole("button", { name: "Unlock (free)" }).click();
  await hana.waitForURL((url) => url.searchParams.get("hint_unlocked") === "2");
  await hana.locator("#hint-2 .hint-text", { hasText: plain(f.free.text) }).waitFor();
  await hana.locator("#hint-2 code", { hasText: "ERROR" }).waitFor();

  // The paid hint: the button names the cost and when it is taken; the box must be ticked.
  const button = hana.locator("#hint-1").getByRole("button", {
    name: `Unlock (costs ${f.paid.cost} points, taken only if you solve it)`,
  });
  await button.click();
  assert.equal(new URL(hana.url()).searchParams.get("hint_unlocked"), "2", "not sent without the box ticked");
  await hana.locator("#hint-1").getByLabel(/accepts losing 30 points/).check();
  await hana.locator("#hint-1").getByRole("button", { name: /Unlock \(costs 30 points/ }).click();
  await hana.waitForURL((url) => url.searchParams.get("hint_unlocked") === "1");
  await hana.locator("#hint-1 .hint-text", { hasText: plain(f.paid.text) }).waitFor();
  await hana.locator("#hint-1").getByText(/Unlocked by hanahinted/).waitFor();
  await hana.locator("#hints").getByText("Your team's hints here cost 30 points.").waitFor();
  await assertAccessible(hana);
  await hana.locator("#hints").scrollIntoViewIfNeeded();
  await shot(hana, "playbook/hints-unlocked", { fullPage: false });
  await hana.locator("#activity").getByText(/unlocked hint 1 of first-contact/).waitFor();

  // The coach's page lists both unlocks, newest first.
  await signIn(cody, f.coach.email, "/coach");
  const list = cody.locator("[data-coach-hints] li.hint-unlock");
  await list.first().waitFor();
  assert.equal(await list.count(), 2);
  await list.nth(0).getByText(`“${f.paid.title}”`).waitFor();
  await list.nth(0).getByText(`${f.paid.cost} points`).waitFor();
  await list.nth(1).getByText(`“${f.free.title}”`).waitFor();
  await assertAccessible(cody);
  await cody.locator("[data-coach-hints]").scrollIntoViewIfNeeded();
  await shot(cody, "playbook/hints-coach-page", { fullPage: false });
  for (const page of [hana, cody]) assertClean(page);
});
