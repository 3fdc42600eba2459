// The event's report (issue #22): the organizer opens it from the organizer's page; every
// section has its chart, with a title, a description and its numbers one step away; the
// charts' data (data-* attributes, not pixels) match the API's /insights and /results; the
// filter form changes them and the URL carries it; "Download report" gives one file that,
// opened with the network cut off, shows the same charts and asks for nothing. A participant
// gets 404. Screenshots: report/*.png.
import { mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { assert, assertClean, fixture, newPage, scenario, screenshotDir, shot, signIn } from "./lib.mjs";

const f = fixture();
mkdirSync(join(screenshotDir, "report"), { recursive: true });
const SECTIONS = ["numbers", "funnel", "time", "cliffs", "organizations", "over-time"];

async function api(path) {
  const response = await fetch(`${process.env.COHACK_URL}${path}`, {
    headers: { Authorization: `Bearer ${f.organizer_token}` },
  });
  assert.equal(response.status, 200, path);
  return response.json();
}

/** What the report on `page` carries: per section its charts, and the data the tests compare. */
async function carried(page) {
  return page.evaluate((sections) => {
    const data = (selector) => [...document.querySelectorAll(selector)].map((e) => ({ ...e.dataset }));
    return {
      charts: Object.fromEntries(
        sections.map((id) => [
          id,
          [...document.querySelectorAll(`#${id} figure.chart`)].map((figure) => {
            const svg = figure.querySelector("svg");
            const [title, desc] = (svg.getAttribute("aria-labelledby") ?? "").split(" ");
            return {
              id: figure.id,
              title: document.getElementById(title)?.textContent ?? "",
              desc: document.getElementById(desc)?.textContent ?? "",
              marks: figure.querySelectorAll(".mark").length,
              table: figure.querySelectorAll("details table tbody tr").length,
            };
          }),
        ]),
      ),
      numbers: Object.fromEntries(data("[data-number]").map((d) => [d.number, Number(d.value)])),
      funnel: data("#chart-funnel .mark"),
      cliffs: data("[data-cliff-rank]"),
      race: data("#chart-race path.mark"),
      cells: data("#chart-organizations .mark"),
    };
  }, SECTIONS);
}

function solvedPerChallenge(results, organization) {
  const solved = {};
  for (const row of results.standings) {
    if (organization && row.organization !== organization) continue;
    for (const c of row.challenges) if (c.solved_at) solved[c.challenge] = (solved[c.challenge] ?? 0) + 1;
  }
  return solved;
}

function checkAgainstApi(shown, insights, results, organization) {
  const solved = solvedPerChallenge(results, organization);
  for (const bar of shown.funnel.filter((b) => b.series === "solved")) {
    assert.equal(Number(bar.value), solved[bar.group] ?? 0, `solved ${bar.group}`);
  }
  assert.equal(shown.numbers.solves, Object.values(solved).reduce((a, b) => a + b, 0));
  assert.deepEqual(
    shown.cliffs.map((c) => [c.challenge, Number(c.lostSeconds), Number(c.teamsAffected)]),
    insights.cliffs.slice(0, 10).map((c) => [c.challenge, c.lost_seconds, c.teams_affected]),
  );
}

await scenario("report", async (browser) => {
  const page = await newPage(browser, { viewport: { width: 1100, height: 900 } });
  await signIn(page, f.organizer_email, `/events/${f.slug}/manage`);
  await page.getByRole("link", { name: "Report with charts" }).click();
  await page.waitForURL(`**/events/${f.slug}/report`);

  // Every section has its chart, titled, described, with its numbers one step away.
  const shown = await carried(page);
  for (const id of SECTIONS) {
    assert.ok(shown.charts[id].length >= 1, `a chart in ${id}`);
    for (const chart of shown.charts[id]) {
      assert.ok(chart.title && chart.desc, `${chart.id} has a title and a description`);
      assert.ok(chart.marks > 0, `${chart.id} draws marks`);
      assert.ok(chart.table > 0, `${chart.id} has its table`);
    }
  }
  const [insights, results] = [await api(`/api/v1/events/${f.slug}/insights`), await api(`/api/v1/events/${f.slug}/results`)];
  assert.equal(shown.numbers.teams, results.standings.length);
  checkAgainstApi(shown, insights, results);
  assert.deepEqual(
    shown.race.map((l) => [l.series, Number(l.last)]),
    results.standings.slice(0, 10).map((r) => [r.team, r.score]),
    "the race is the results' top ten",
  );
  // The numbers behind a chart open with one click.
  await page.locator("#chart-funnel details summary").click();
  assert.ok(await page.locator("#chart-funnel details table").isVisible());
  assertClean(page);
  for (const id of SECTIONS) {
    await page.locator(`#${id}`).screenshot({ path: join(screenshotDir, "report", `section-${id}.png`) });
  }
  await shot(page, "report/report-page");

  // The filter form: Acme only; the URL carries it, the numbers change and match the API.
  await page.locator('select[name="organization"]').selectOption("Acme");
  await page.getByRole("button", { name: "Apply" }).click();
  await page.waitForURL(/organization=Acme/);
  const acme = await carried(page);
  assert.ok(acme.numbers.teams < shown.numbers.teams, "fewer teams");
  assert.equal(acme.cells.length, 5, "one organization's row");
  checkAgainstApi(acme, await api(`/api/v1/events/${f.slug}/insights?organization=Acme`), results, "Acme");
  await page.locator("#organizations").screenshot({ path: join(screenshotDir, "report", "filtered-acme-organizations.png") });

  // Download the (filtered) report, then open it with the network cut off.
  const [download] = await Promise.all([
    page.waitForEvent("download"),
    page.getByRole("link", { name: "Download report" }).click(),
  ]);
  const file = readFileSync(await download.path(), "utf8");
  assert.ok(!/<script/i.test(file), "no script in the file");
  const offline = await browser.newContext({ offline: true });
  const requests = [];
  await offline.route("**/*", (route) => {
    requests.push(route.request().url());
    return route.abort();
  });
  const filePage = await offline.newPage();
  filePage.on("request", (request) => {
    if (!request.url().startsWith("data:") && request.url() !== "about:blank") requests.push(request.url());
  });
  await filePage.setContent(file, { waitUntil: "load" });
  const inFile = await carried(filePage);
  assert.deepEqual(requests, [], "the file asks for nothing");
  assert.deepEqual(inFile.funnel, acme.funnel, "the file draws the same funnel");
  assert.deepEqual(inFile.cells, acme.cells, "and the same organizations");
  for (const id of SECTIONS) assert.ok(inFile.charts[id].length >= 1, `the file's ${id} has its chart`);
  await shot(filePage, "report/file-offline");
  await filePage.emulateMedia({ media: "print" });
  await shot(filePage, "report/file-print");
  await offline.close();

  // A participant gets 404.
  const participant = await newPage(browser);
  await signIn(participant, f.participant_email);
  const response = await participant.goto(`/events/${f.slug}/report`);
  assert.equal(response.status(), 404);
});
