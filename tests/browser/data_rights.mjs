// Each person's data rights in the browser: the account page's "Your data" section downloads
// the signed-in person's archive (a zip whose data.json is theirs); "Erase my account…" asks for
// the password, refuses a wrong one, then erases the account, signs the browser out and says so;
// the old password no longer signs in, and a teammate's view of the team shows "former member".
import { assert, assertAccessible, assertClean, base, fixture, newPage, password, scenario, shot, signIn } from "./lib.mjs";

const f = fixture();
const dir = "data_rights";

await scenario("data_rights", async (browser) => {
  const page = await newPage(browser, { viewport: { width: 1280, height: 900 } });
  await signIn(page, f.zed.email, "/account");
  await page.waitForURL((url) => url.pathname === "/account");
  await page.getByRole("heading", { level: 2, name: "Your data" }).waitFor();
  await assertAccessible(page);
  await shot(page, `${dir}/account`);

  // The download: a zip archive with data.json first.
  const [download] = await Promise.all([
    page.waitForEvent("download"),
    page.getByRole("link", { name: "Download your data" }).click(),
  ]);
  assert.equal(download.suggestedFilename(), "cohack-data.zip");
  const path = await download.path();
  const { readFileSync } = await import("node:fs");
  const bytes = readFileSync(path);
  assert.equal(bytes.subarray(0, 4).toString("hex"), "504b0304", "a zip archive");
  assert.ok(bytes.includes(Buffer.from("data.json")), "data.json in the archive");
  assert.ok(bytes.length > 100, `${bytes.length} bytes`);

  // Erasing: the form asks for the password and refuses a wrong one.
  await page.getByRole("link", { name: "Erase my account…" }).click();
  await page.waitForURL((url) => url.pathname === "/account/erase");
  await page.getByRole("heading", { level: 1, name: "Erase your account" }).waitFor();
  await assertAccessible(page);
  await shot(page, `${dir}/erase-form`);
  await page.getByLabel("Your password").fill("not my password");
  await page.getByRole("button", { name: "Erase my account" }).click();
  await page.locator("#erase-error").waitFor();
  assert.match(await page.locator("#erase-error").textContent(), /not this account's password/);
  await shot(page, `${dir}/erase-wrong-password`);

  await page.getByLabel("Your password").fill(password);
  await page.getByRole("button", { name: "Erase my account" }).click();
  await page.waitForURL((url) => url.pathname === "/account/erased");
  await page.getByRole("heading", { level: 1, name: "Your account is erased" }).waitFor();
  await assertAccessible(page);
  await shot(page, `${dir}/erased`);

  // Signed out: the account page asks to sign in, and the password no longer works.
  await page.goto("/account");
  await page.waitForURL((url) => url.pathname === "/signin");
  await page.getByLabel("Email").fill(f.zed.email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.getByRole("alert").waitFor();

  // The teammate's team page: the work is there, by "former member", never by name.
  const tina = await newPage(browser, { viewport: { width: 1280, height: 900 } });
  await signIn(tina, f.tina.email, `/teams/${f.team_id}`);
  await tina.waitForURL((url) => url.pathname === `/teams/${f.team_id}`);
  await tina.getByText("former member").first().waitFor();
  const html = await tina.content();
  assert.ok(!html.toLowerCase().includes(f.marker), "the erased name is gone from the team page");
  await shot(tina, `${dir}/teammate-after`);

  assertClean(page, { allow: [/status of 403/, /status of 401/] });
  assertClean(tina);
});
