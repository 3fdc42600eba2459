// Submissions and feedback that stay, at 1920x1080: a member sends a wrong answer with a file
// whose path they set (a bad path is refused first, with the reason beside it), and the server
// stores that path. After a reload, a teammate and the team's coach, who did not submit, each
// open that submission from the list and read, in the main column, what was sent, when, and
// its failing check first. A check message's Markdown is rendered. The statement reads as a
// page, with no inner scroll box. The member leaves feedback on the challenge and the coach a
// note; both come back through the JSON API.
import { assert, assertAccessible, assertClean, base, fixture, newPage, scenario, shot, signIn } from "./lib.mjs";

const f = fixture();
const viewport = { width: 1920, height: 1080 };

/** GET on the JSON API as `token`. */
async function apiGet(token, path) {
  const response = await fetch(`${base}/api/v1${path}`, { headers: { Authorization: `Bearer ${token}` } });
  assert.equal(response.status, 200, `${path}: ${await response.clone().text()}`);
  return response.json();
}

/** Opens submission `id` from the list of `page`, and checks what the main column shows. */
async function openFromList(page, id, { failing, answer }) {
  await page.locator(`#submissions li[data-submission="${id}"] a`).click();
  const box = page.locator(`#verdict .verdict-fail[data-submission="${id}"]`);
  await box.waitFor();
  // The opened submission has the main column's room.
  const main = await page.locator(".ws-main").boundingBox();
  const opened = await box.boundingBox();
  assert.ok(opened.x >= main.x && opened.width > 700, `the submission is in the main column (${JSON.stringify(opened)})`);
  // Failing checks first, each with its message.
  const first = box.locator(".check").first();
  assert.match(await first.getAttribute("class"), /check-fail/, "the failing check comes first");
  assert.equal((await first.locator(".check-message").innerText()).trim(), failing.message);
  assert.equal(await box.locator(".submitted-answer").innerText(), answer);
  await box.getByRole("link", { name: f.path }).waitFor();
  assert.ok((await box.locator(".verdict-meta time[datetime]").innerText()).length > 0, "when it came");
  return box;
}

await scenario("workspace_submissions", async (browser) => {
  // The member: a file under a path they choose, and a wrong answer.
  const ada = await newPage(browser, { viewport });
  await signIn(ada, f.member.email, `/teams/${f.team}`);
  await ada.locator('#live-status[data-state="live"]').waitFor();
  await ada.getByRole("heading", { level: 2, name: "First contact" }).waitFor();

  // The statement reads as a page: nothing scrolls inside it, "What to submit" included.
  const statement = ada.locator(".statement");
  const overflow = await statement.evaluate((node) => ({
    style: getComputedStyle(node).overflowY,
    hidden: node.scrollHeight - node.clientHeight,
  }));
  assert.equal(overflow.style, "visible", "the statement is no scroll box");
  assert.ok(overflow.hidden <= 1, `nothing of the statement is hidden (${overflow.hidden}px)`);
  await statement.getByRole("heading", { name: "What to submit" }).waitFor();
  await statement.getByText("distinct devices").waitFor();
  await shot(ada, "workspace-statement-1920");

  await ada.getByLabel("Challenge", { exact: true }).selectOption("first-contact");
  await ada.getByLabel("Short answer").fill(f.wrong);
  await ada.locator("#submit-upload").setInputFiles({
    name: "count.txt",
    mimeType: "text/plain",
    buffer: Buffer.from(f.file_content),
  });
  const path = ada.getByLabel("count.txt as file");
  assert.equal(await path.inputValue(), "count.txt", "the local name by default");
  await path.fill("../count.txt");
  await ada.getByRole("button", { name: "Submit", exact: true }).click();
  const pathError = ada.locator(".submit-upload-error");
  await pathError.waitFor();
  assert.match(await pathError.innerText(), /stays inside the submission/);
  assert.equal(await ada.locator("#verdict .verdict").count(), 0, "nothing was sent");
  await shot(ada, "workspace-submit-path-refused");
  await path.fill(f.path);
  await ada.getByRole("button", { name: "Submit", exact: true }).click();
  const verdict = ada.locator("#verdict .verdict-fail");
  await verdict.waitFor();
  await verdict.getByRole("link", { name: f.path }).waitFor();
  assertClean(ada);

  // The server stored the path the member gave.
  const list = await apiGet(f.member.token, `/teams/${f.team}/submissions`);
  const id = list.submissions[0].id;
  const stored = await apiGet(f.member.token, `/submissions/${id}`);
  assert.deepEqual(stored.files.map((file) => file.path), [f.path]);
  const failing = stored.verdict.checks.find((check) => !check.passed);
  assert.ok(failing, "the wrong answer fails a check");

  // The file downloads from the page, as sent.
  const download = await ada.request.get(await verdict.getByRole("link", { name: f.path }).getAttribute("href"));
  assert.equal(download.status(), 200);
  assert.equal(await download.text(), f.file_content);

  // A teammate who did not submit opens it after the fact, then reloads: it stays.
  const bob = await newPage(browser, { viewport });
  await signIn(bob, f.teammate.email, `/teams/${f.team}`);
  await bob.locator('#live-status[data-state="live"]').waitFor();
  await openFromList(bob, id, { failing, answer: f.wrong });
  assert.equal(new URL(bob.url()).searchParams.get("submission"), id, "the address keeps it");
  await bob.reload();
  await openFromList(bob, id, { failing, answer: f.wrong });
  await assertAccessible(bob);
  await shot(bob, "workspace-submission-teammate");
  assertClean(bob);

  // The team's coach opens it too, and writes a note on the challenge.
  const carol = await newPage(browser, { viewport });
  await signIn(carol, f.coach.email, `/teams/${f.team}`);
  await carol.locator('#live-status[data-state="live"]').waitFor();
  await openFromList(carol, id, { failing, answer: f.wrong });
  await carol.getByLabel("A note on the team and this challenge").fill(f.note);
  await carol.getByLabel(/^Tags/).fill("counting, logs");
  await carol.getByRole("button", { name: "Save note" }).click();
  await carol.waitForURL((url) => url.searchParams.has("note_written"));
  await carol.getByText("Note saved.").waitFor();
  await carol.locator(".observation", { hasText: f.note }).waitFor();
  await assertAccessible(carol);
  await shot(carol, "workspace-coach-note");
  assertClean(carol);

  // The member says how hard the challenge was (the team attempted it).
  await ada.goto(`/teams/${f.team}?challenge=first-contact`);
  await ada.getByRole("heading", { name: "How was it?" }).waitFor();
  await ada.getByLabel("4", { exact: true }).check();
  await ada.getByLabel(/Anything the organizers should know/).fill(f.feedback);
  await ada.getByRole("button", { name: "Send feedback" }).click();
  await ada.waitForURL((url) => url.searchParams.has("feedback_sent"));
  await ada.getByText("your feedback is with the organizers").waitFor();
  await shot(ada, "workspace-feedback");
  assertClean(ada);

  // Both are in the API.
  const notes = await apiGet(f.coach.token, `/teams/${f.team}/notes`);
  assert.ok(
    notes.some((note) => note.text === f.note && note.challenge === "first-contact" && note.tags.includes("counting")),
    JSON.stringify(notes),
  );
  const feedback = await apiGet(f.coach.token, `/teams/${f.team}/feedback`);
  assert.ok(
    feedback.some((item) => item.text === f.feedback && item.difficulty === 4 && item.challenge === "first-contact"),
    JSON.stringify(feedback),
  );

  // A check message's Markdown is rendered (the format check quotes the answer as code), both
  // live and after a reload.
  await ada.getByLabel("Short answer").fill("twelve");
  await ada.getByRole("button", { name: "Submit", exact: true }).click();
  const format = ada.locator("#verdict .verdict-fail .check-fail .check-message code", { hasText: "twelve" });
  await format.waitFor();
  const second = (await apiGet(f.member.token, `/teams/${f.team}/submissions`)).submissions[0].id;
  await carol.goto(`/teams/${f.team}?submission=${second}#verdict`);
  await carol.locator(`#verdict [data-submission="${second}"] .check-message code`, { hasText: "twelve" }).waitFor();
  assertClean(carol);
  assertClean(ada);
});
