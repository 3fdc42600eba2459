// The big screen with 50 teams: at 1920×1080 and 3840×2160 the board pages through the teams
// (a short rhythm via ?page_seconds=) and every team's row is on screen at some moment, while
// the top three rows and the first-solves strip stay in view on every page and the page never
// scrolls; it re-fits when the window shrinks, when a live solve reorders the teams and when a
// team forms. On a 390×844 phone every row lists Solved and Score inside the screen, with no
// sideways scroll.
// The podium (second place named) and partial credit (its points) show, as rendered by the
// server and as re-rendered live. Screenshots in target/screenshots/board/.
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { assert, assertAccessible, assertClean, base, fixture, newPage, scenario, screenshotDir, shot } from "./lib.mjs";

const f = fixture();
const everyTeam = new Set(f.teams.map((t) => t.id));
mkdirSync(join(screenshotDir, "board"), { recursive: true });

/** What the screen shows at one instant (evaluated in the page, so no page turn splits it). */
function snapshot() {
  const vw = window.innerWidth;
  const vh = window.innerHeight;
  const inView = (node) => {
    if (!node) return false;
    const r = node.getBoundingClientRect();
    return r.height > 0 && r.top >= 0 && r.bottom <= vh + 0.5 && r.left >= 0 && r.right <= vw + 0.5;
  };
  const rows = [...document.querySelectorAll("[data-board-rows] tr[data-team]")];
  const counter = document.querySelector("[data-board-pages]");
  return {
    counter: counter.hidden ? null : counter.textContent,
    counterInView: inView(counter),
    visible: rows.filter(inView).map((r) => r.dataset.team),
    top: rows.slice(0, 3).map((r) => ({ team: r.dataset.team, inView: inView(r) })),
    firsts: inView(document.querySelector("[data-board-firsts]")),
    rows: rows.length,
    scrollHeight: document.documentElement.scrollHeight,
    scrollWidth: document.documentElement.scrollWidth,
    vh,
    vw,
  };
}

/** The page's "page K of N", as numbers. */
function pageOf(s) {
  const m = /page (\d+) of (\d+)/.exec(s.counter ?? "");
  assert.ok(m, `no page counter: ${JSON.stringify(s.counter)}`);
  return { page: Number(m[1]), of: Number(m[2]) };
}

/** What must hold on every page of the big screen. */
function checkPage(s, where) {
  assert.ok(s.scrollHeight <= s.vh, `${where}: the page scrolls (${s.scrollHeight} > ${s.vh})`);
  assert.ok(s.scrollWidth <= s.vw, `${where}: the page scrolls sideways (${s.scrollWidth} > ${s.vw})`);
  for (const top of s.top) assert.ok(top.inView, `${where}: top row ${top.team} is out of view`);
  assert.ok(s.firsts, `${where}: the first-solves strip is out of view`);
  assert.ok(s.counterInView, `${where}: the page counter is out of view`);
  assert.ok(s.visible.length > 3, `${where}: only ${s.visible.length} rows on screen`);
  assert.equal(s.rows, everyTeam.size, `${where}: rows listed`);
}

/**
 * Watches the board through one full round of its pages; returns the number of pages. Every
 * team must have been on screen; each page is screenshotted as `board/<name>-page-K.png`.
 */
async function watchAllPages(page, name) {
  await page.locator("[data-board-pages]:not([hidden])").waitFor();
  const seen = new Set();
  let s = await page.evaluate(snapshot);
  const { of } = pageOf(s);
  assert.ok(of >= 2, `${name}: 50 teams on ${of} page(s)`);
  // At the default rhythm (10 s a page) a round takes at most a minute.
  assert.ok(of * 10 <= 60, `${name}: ${of} pages take more than a minute at 10 s a page`);
  const pagesSeen = [];
  // Two rounds at most: the first page seen may be any page.
  for (let turn = 0; turn < 2 * of && pagesSeen.length < of; turn += 1) {
    const { page: k, of: total } = pageOf(s);
    assert.equal(total, of, `${name}: the page count changed while nothing did`);
    checkPage(s, `${name} page ${k}`);
    if (!pagesSeen.includes(k)) {
      if (pagesSeen.length > 0) {
        assert.equal(k, (pagesSeen[pagesSeen.length - 1] % of) + 1, `${name}: pages in order`);
      }
      pagesSeen.push(k);
      for (const team of s.visible) seen.add(team);
      await shot(page, `board/${name}-page-${k}`, { fullPage: false });
    }
    const before = s.counter;
    await page.waitForFunction((prev) => document.querySelector("[data-board-pages]").textContent !== prev, before, {
      timeout: 30_000,
    });
    s = await page.evaluate(snapshot);
  }
  assert.equal(pagesSeen.length, of, `${name}: pages seen ${pagesSeen}`);
  const missing = [...everyTeam].filter((t) => !seen.has(t));
  assert.deepEqual(
    missing.map((id) => f.teams.find((t) => t.id === id).name),
    [],
    `${name}: teams never on screen`,
  );
  return of;
}

/** The podium and partial credit, on the page as it is now. */
async function checkPodiumAndPartial(page, where) {
  const second = page.locator(`tr[data-team="${f.second}"]`);
  assert.match(await second.getAttribute("class"), /\bpodium-2\b/, where);
  assert.equal(await second.locator(".podium-tag").textContent(), "2nd place", where);
  assert.match(await page.locator(`tr[data-team="${f.leader}"] .podium-tag`).textContent(), /^1st/, where);
  const looks = await page.evaluate(
    ([second]) => {
      const rows = [...document.querySelectorAll("[data-board-rows] tr")];
      const two = document.querySelector(`tr[data-team="${second}"]`);
      const plain = rows.find((r) => !/podium/.test(r.className) && !r.hidden);
      return [getComputedStyle(two).backgroundColor, getComputedStyle(plain).backgroundColor];
    },
    [f.second],
  );
  assert.notEqual(looks[0], looks[1], `${where}: second place looks like every other row`);
  const cell = second.locator(`td[data-challenge="${f.partial.challenge}"]`);
  assert.equal(await cell.getAttribute("data-state"), "partial", where);
  assert.equal(await cell.locator("span[aria-hidden]").textContent(), String(f.partial.points), where);
  assert.match(await cell.locator(".visually-hidden").textContent(), new RegExp(`partial credit, ${f.partial.points} points`), where);
  assert.equal(await page.locator('td[data-state="partial"]').first().isVisible(), true, where);
}

await scenario("board_full", async (browser) => {
  // 1920×1080: the server's rows first (podium, partial), then the pages.
  const hd = await newPage(browser, { viewport: { width: 1920, height: 1080 } });
  await hd.goto(`/events/${f.slug}/board?page_seconds=2`);
  await hd.locator("[data-board-live].is-live").waitFor();
  await checkPodiumAndPartial(hd, "1080p");
  await watchAllPages(hd, "1080");
  await assertAccessible(hd);

  // A shorter window: more pages, still no scrolling.
  const before = pageOf(await hd.evaluate(snapshot)).of;
  await hd.setViewportSize({ width: 1920, height: 760 });
  await hd.waitForFunction(
    (n) => Number(/page \d+ of (\d+)/.exec(document.querySelector("[data-board-pages]").textContent)?.[1]) > n,
    before,
  );
  checkPage(await hd.evaluate(snapshot), "1920×760");
  await shot(hd, "board/1080-shorter-window", { fullPage: false });
  await hd.setViewportSize({ width: 1920, height: 1080 });
  await hd.waitForFunction((n) => document.querySelector("[data-board-pages]").textContent.endsWith(`of ${n}`), before);

  // A live solve moves an idle team up: the rows are re-rendered and re-paged.
  const response = await fetch(`${base}/api/v1/teams/${f.mover.team}/submissions`, {
    method: "POST",
    headers: { Authorization: `Bearer ${f.mover.token}`, "Content-Type": "application/json" },
    body: JSON.stringify({ challenge: "first-contact", answer: f.mover.answer }),
  });
  assert.equal(response.status, 201, await response.text());
  await hd.locator(`tr[data-team="${f.mover.team}"] td[data-challenge="first-contact"][data-state="solved"]`).waitFor({
    state: "attached",
  });
  // And a team forms during the event: a new row, re-paged too.
  const api = async (path, body, token) => {
    const answer = await fetch(`${base}/api/v1${path}`, {
      method: "POST",
      headers: { "Content-Type": "application/json", ...(token ? { Authorization: `Bearer ${token}` } : {}) },
      body: JSON.stringify(body),
    });
    const json = await answer.json();
    assert.ok(answer.status === 201, `${path}: ${answer.status} ${JSON.stringify(json)}`);
    return json;
  };
  const newcomer = await api("/auth/register", {
    email: "late@latecomers.example",
    password: "correct horse battery staple",
    display_name: "Late",
    organization: "Latecomers",
  });
  await api(`/events/${f.slug}/registrations`, {}, newcomer.access_token);
  const late = await api(`/events/${f.slug}/teams`, { name: "Latecomers 51" }, newcomer.access_token);
  everyTeam.add(late.id);
  f.teams.push({ id: late.id, name: "Latecomers 51" });
  await hd.locator(`tr[data-team="${late.id}"]`).waitFor({ state: "attached" });
  await checkPodiumAndPartial(hd, "1080p after live updates");
  await watchAllPages(hd, "1080-after-live-updates");
  assertClean(hd);

  // 3840×2160.
  const uhd = await newPage(browser, { viewport: { width: 3840, height: 2160 } });
  await uhd.goto(`/events/${f.slug}/board?page_seconds=2`);
  await uhd.locator("[data-board-live].is-live").waitFor();
  await watchAllPages(uhd, "4k");
  assertClean(uhd);

  // A phone: no paging, every row with Solved and Score inside the screen, no sideways scroll.
  const phone = await newPage(browser, { viewport: { width: 390, height: 844 } });
  await phone.goto(`/events/${f.slug}/board`);
  await phone.locator("[data-board-live].is-live").waitFor();
  const s = await phone.evaluate(snapshot);
  assert.equal(s.counter, null, "a phone scrolls rather than pages");
  assert.ok(s.scrollWidth <= 390, `sideways scroll on a phone: ${s.scrollWidth}`);
  const outside = await phone.evaluate(() => {
    const problems = [];
    const rows = [...document.querySelectorAll("[data-board-rows] tr[data-team]"), document.querySelector("[data-board-head]")];
    for (const row of rows) {
      if (row.hidden) problems.push(`${row.dataset.team}: hidden`);
      for (const selector of [".col-solved", ".col-score", ".col-team"]) {
        const r = row.querySelector(selector).getBoundingClientRect();
        if (r.width <= 0 || r.left < 0 || r.right > window.innerWidth + 0.5) {
          problems.push(`${row.dataset.team ?? "header"} ${selector}: ${r.left}..${r.right}`);
        }
      }
    }
    return problems;
  });
  assert.deepEqual(outside, [], "cells outside a 390 px screen");
  assert.equal(await phone.locator(`tr[data-team="${f.second}"] .podium-tag`).isVisible(), true);
  assert.equal(await phone.locator(`tr[data-team="${f.second}"] .team-progress .mini-partial`).textContent(), String(f.partial.points));
  await assertAccessible(phone);
  await shot(phone, "board/phone");
  await shot(phone, "board/phone-screen", { fullPage: false });
  assertClean(phone);
});
