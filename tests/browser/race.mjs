// The race on the big screen (`?race=1`): the top ten's score race is one more page of the
// board's cycle; its lines carry the public board's top ten (names and scores, read from the
// chart's data attributes, not pixels); a solve after the freeze does not move it until the
// end, when it shows. Then the organizer's author page draws the challenge's charts.
// Screenshots: race/*.png, authors/*.png.
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { assert, assertClean, base, fixture, newPage, scenario, screenshotDir, shot, signIn } from "./lib.mjs";

const f = fixture();
mkdirSync(join(screenshotDir, "race"), { recursive: true });
mkdirSync(join(screenshotDir, "authors"), { recursive: true });

/** The public board's top ten, as `name → score` (in rank order), and whether it is frozen. */
async function publicTopTen() {
  const response = await fetch(`${base}/api/v1/events/${f.slug}/leaderboard`);
  assert.equal(response.status, 200);
  const board = await response.json();
  return { frozen: board.frozen, top: board.rows.slice(0, 10).map((r) => [r.team.name, r.score]) };
}

/** What the race panel on the page carries: frozen, and each line's team and last score. */
async function raceOnScreen(page) {
  return page.evaluate(() => {
    const race = document.querySelector("[data-board-race] [data-race]");
    if (!race) return null;
    return {
      frozen: race.dataset.frozen,
      lines: [...race.querySelectorAll("path.mark[data-series]")].map((p) => [p.dataset.series, Number(p.dataset.last)]),
      markers: [...race.querySelectorAll("[data-marker]")].map((m) => m.dataset.marker),
    };
  });
}

/** Waits for the cycle to bring the race page (again). */
async function racePage(page) {
  await page.locator("[data-board-race]").waitFor({ state: "hidden" });
  await page.locator("[data-board-race]").waitFor({ state: "visible" });
  assert.ok(await page.locator("[data-board-table]").isHidden(), "the table gives way to the race");
  assert.match(await page.locator("[data-board-pages]").innerText(), /the race · page 2 of 2/);
}

await scenario("race", async (browser) => {
  const board = await newPage(browser, { viewport: { width: 1920, height: 1080 } });
  await board.goto(`/events/${f.slug}/board?race=1&page_seconds=2`);
  await board.locator("[data-board-live].is-live").waitFor();
  await racePage(board);
  await board.locator("[data-board-race] path.mark").first().waitFor();

  // The race is the public board's top ten, frozen like it.
  const before = await publicTopTen();
  assert.equal(before.frozen, true, "the board is frozen");
  const shown = await raceOnScreen(board);
  assert.equal(shown.frozen, "true");
  assert.deepEqual(shown.lines, before.top, "the race's lines are the board's top ten");
  assert.deepEqual(shown.markers, ["start", "freeze"], "the end is not reached yet");
  const solverBefore = before.top.find(([name]) => name === f.solver_name);
  assert.deepEqual(solverBefore, [f.solver_name, 50], "the solver races with its partial credit");
  await shot(board, "race/board-race-frozen", { fullPage: false });

  // A real solve after the freeze: judged (the team sees it), and nothing moves on the screen.
  const solved = await fetch(`${base}/api/v1/teams/${f.solver_team}/submissions`, {
    method: "POST",
    headers: { Authorization: `Bearer ${f.solver_token}`, "Content-Type": "application/json" },
    body: JSON.stringify({ challenge: "first-contact", answer: f.answer }),
  });
  const verdict = await solved.json();
  assert.equal(solved.status, 201, JSON.stringify(verdict));
  // A reader never waits for a recomputation in progress (it gets the board being replaced),
  // and the board page's push may have started one: the organizers' live board shows the
  // solve within moments, not necessarily on the first read.
  let liveRow;
  for (let attempt = 0; attempt < 50; attempt++) {
    const live = await fetch(`${base}/api/v1/events/${f.slug}/leaderboard`, {
      headers: { Authorization: `Bearer ${f.organizer_token}` },
    }).then((r) => r.json());
    liveRow = live.rows.find((r) => r.team.name === f.solver_name);
    if (liveRow.score > 50) break;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  assert.ok(liveRow.score > 50, `the organizers' live board has the solve: ${JSON.stringify(liveRow)}`);
  await racePage(board);
  assert.deepEqual(await raceOnScreen(board), shown, "a solve after the freeze does not move the race");
  const direct = await fetch(`${base}/events/${f.slug}/board/race`).then((r) => r.text());
  assert.match(direct, /data-frozen="true"/);
  assert.match(direct, new RegExp(`data-series="${f.solver_name}" data-points="[^"]*" data-last="50"`));

  // The organizer ends the event: the final board and the race show the solve.
  const ended = await fetch(`${base}/api/v1/events/${f.slug}`, {
    method: "PATCH",
    headers: { Authorization: `Bearer ${f.organizer_token}`, "Content-Type": "application/json" },
    body: JSON.stringify({ ends_at: new Date(Date.now() + 1000).toISOString().replace(/\.\d+Z$/, "Z") }),
  });
  assert.equal(ended.status, 200, await ended.text());
  await board.locator('[data-board-race] [data-race][data-frozen="false"]').waitFor({ state: "attached", timeout: 30_000 });
  await racePage(board);
  const after = await publicTopTen();
  assert.equal(after.frozen, false);
  const final = await raceOnScreen(board);
  assert.deepEqual(final.lines, after.top, "after the end, the race is the final board's top ten");
  assert.deepEqual(final.markers, ["start", "freeze", "end"]);
  const solverAfter = final.lines.find(([name]) => name === f.solver_name);
  assert.equal(solverAfter[1], liveRow.score, "the solve shows at the end");
  await shot(board, "race/board-race-final", { fullPage: false });
  assertClean(board);

  // The organizer's author page: the challenge's pictures.
  const author = await newPage(browser, { viewport: { width: 1440, height: 900 } });
  await signIn(author, f.organizer_email, `/events/${f.slug}/author`);
  await author.goto(`/events/${f.slug}/author`);
  const charts = author.locator('[data-author-charts="first-contact"]');
  for (const id of ["pass-rate", "attempts", "checks", "run-times"]) {
    await charts.locator(`#first-contact-${id} svg[role="img"]`).waitFor();
  }
  const passRate = await charts.locator("#first-contact-pass-rate path.mark").getAttribute("data-last");
  // Seven of the twelve teams passed by the end (six before the freeze, one after).
  assert.equal(passRate, String(Math.round((7 / 12) * 100)));
  await charts.scrollIntoViewIfNeeded();
  await shot(author, "authors/author-page");
  assertClean(author);
});
