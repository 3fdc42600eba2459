// A participant of another team opens a team's workspace address: the same 404 page as for
// a team that does not exist, and nothing of the team shows.
import { assert, assertAccessible, assertClean, fixture, newPage, scenario, shot, signIn } from "./lib.mjs";

const f = fixture();

await scenario("workspace_refused", async (browser) => {
  const page = await newPage(browser);
  await signIn(page, f.email, "/");
  const response = await page.goto(`/teams/${f.team}`);
  assert.equal(response.status(), 404);
  await page.getByRole("heading", { name: "Not found" }).waitFor();
  const html = await page.content();
  assert.ok(!html.includes(f.team_name), "the team's name does not show");
  assert.ok(!html.includes("cohack-token"), "no access token for the team's channels");
  assert.equal(await page.locator("#workspace").count(), 0);

  // The same for a team that does not exist, and for the workspace's other addresses.
  const unknown = await page.request.get("/teams/00000000-0000-0000-0000-000000000000", {
    headers: { Accept: "text/html" },
  });
  assert.equal(unknown.status(), 404);
  const download = await page.request.get(`/teams/${f.team}/materials/first-contact/gateway.log`, {
    headers: { Accept: "text/html" },
  });
  assert.equal(download.status(), 404);
  await assertAccessible(page);
  await shot(page, "workspace-refused");
  assertClean(page, { allow: [/status of 404/] });
});
