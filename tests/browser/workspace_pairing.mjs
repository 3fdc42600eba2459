// Two members of one team pair in the workspace: both open the same document, one types and
// the other sees the text and a caret labelled with the typist's name; presence shows both
// (and the document they are in); a chat line from one appears for the other.
import { assert, assertAccessible, assertClean, fixture, newPage, scenario, shot, signIn } from "./lib.mjs";

const f = fixture();
/** The document's text as the editor shows it, without the remote carets' name labels. */
const editorText = (page) =>
  page.evaluate(() =>
    [...document.querySelectorAll("#editor .cm-line")]
      .map((line) => {
        const copy = line.cloneNode(true);
        copy.querySelectorAll(".cm-remote-caret").forEach((caret) => caret.remove());
        return copy.textContent;
      })
      .join("\n"),
  );

await scenario("workspace_pairing", async (browser) => {
  const a = await newPage(browser);
  const b = await newPage(browser);
  try {
    await pair(a, b);
  } catch (error) {
    // What the pages logged is usually the cause.
    console.error("problems of A:", a.problems, "\nproblems of B:", b.problems);
    throw error;
  }
});

async function pair(a, b) {
  await signIn(a, f.a.email, `/teams/${f.team}`);
  await signIn(b, f.b.email, `/teams/${f.team}`);
  for (const page of [a, b]) {
    await page.waitForURL((url) => url.pathname === `/teams/${f.team}`);
    await page.locator('#live-status[data-state="live"]').waitFor();
  }

  // A creates a document and lands in it; B sees it in the list and opens it.
  await a.getByLabel("New document").fill("plan.md");
  await a.getByRole("button", { name: "Create", exact: true }).click();
  await a.locator("#editor .cm-content").waitFor();
  await b.getByRole("button", { name: "plan.md" }).click();
  await b.locator("#editor .cm-content").waitFor();

  // A types; B sees the text and A's caret with A's name.
  await a.locator("#editor .cm-content").click();
  await a.keyboard.type("# Plan\nHello from Ada");
  await b.waitForFunction(() => document.querySelector("#editor .cm-content")?.innerText.includes("Hello from Ada"));
  await b.locator("#editor .cm-remote-caret .cm-remote-name", { hasText: f.a.name }).waitFor();

  // B types at the end; A sees it, and B's caret.
  await b.locator("#editor .cm-content").click();
  await b.keyboard.press("Control+End");
  await b.keyboard.type("\nand Bob agrees");
  await a.waitForFunction(() => document.querySelector("#editor .cm-content")?.innerText.includes("and Bob agrees"));
  await a.locator("#editor .cm-remote-caret .cm-remote-name", { hasText: f.b.name }).waitFor();
  assert.equal(await editorText(a), "# Plan\nHello from Ada\nand Bob agrees");
  assert.equal(await editorText(b), await editorText(a));

  // Presence: both online, both in plan.md.
  for (const [page, other] of [[a, f.b.name], [b, f.a.name]]) {
    await page.locator("#presence .presence-person", { hasText: other }).filter({ hasText: "plan.md" }).waitFor();
    assert.equal(await page.locator("#presence .presence-person").count(), 2);
  }

  // Chat, with Markdown rendered safely.
  await b.getByLabel("Message").fill("Looks good, **ship it** <img src=x>");
  await b.getByRole("button", { name: "Send" }).click();
  const line = a.locator("#chat-log .chat-line", { hasText: "Looks good" });
  await line.waitFor();
  assert.equal(await line.locator("strong").innerText(), "ship it");
  assert.equal(await line.locator("img").count(), 0, "user text is never HTML");
  await line.locator(".chat-author", { hasText: f.b.name }).waitFor();

  // A calls a coach; B sees the call raised, and A cannot raise a second one.
  await a.getByLabel("What do you need help with?").fill("Stuck on the log format");
  await a.getByRole("button", { name: "Call a coach" }).click();
  await b.locator("#help-calls .help-raised", { hasText: "Stuck on the log format" }).waitFor();
  // A's page learns of its own call through its channel, possibly after B's: wait for it.
  await a.waitForFunction(() => document.querySelector("#help-form button")?.disabled === true);
  assert.equal(await a.getByRole("button", { name: "Call a coach" }).isDisabled(), true);

  // The activity feed and the header know both members.
  await a.locator("#team-people .person", { hasText: f.b.name }).waitFor();

  await shot(a, "workspace-pairing-a");
  await assertAccessible(b);
  await shot(b, "workspace-pairing-b");
  assertClean(a);
  assertClean(b);
}
