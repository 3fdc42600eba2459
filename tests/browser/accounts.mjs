// Accounts in the browser: a portal organizer issues a reset link on /people; the account's
// owner, signed in elsewhere, makes a personal token on /account/tokens (shown once), checks
// it works, revokes it; then opens the reset link signed out, sets a new password (after a
// mismatch), which signs the other browser out; the link then says it was used. Sign-up
// offers the existing organizations.
import { assert, assertAccessible, assertClean, base, fixture, newPage, password, scenario, shot, signIn } from "./lib.mjs";

const f = fixture();
const dir = "accounts";
const me = (token) => fetch(`${base}/api/v1/me`, { headers: { authorization: `Bearer ${token}` } });

await scenario("accounts", async (browser) => {
  // The account's owner, signed in: makes a token.
  const owner = await newPage(browser, { viewport: { width: 1280, height: 800 } });
  await signIn(owner, f.alice.email);
  await owner.getByRole("link", { name: "API tokens" }).click();
  await owner.waitForURL((url) => url.pathname === "/account/tokens");
  await owner.getByRole("heading", { level: 1, name: "API tokens" }).waitFor();
  await owner.locator("[data-no-tokens]").waitFor();
  await assertAccessible(owner);
  await shot(owner, `${dir}/tokens-empty`);

  await owner.getByLabel(/^Name/).fill("laptop: publish challenges");
  await owner.getByLabel(/^Expires after/).fill("30");
  await owner.getByRole("button", { name: "Make token" }).click();
  const secretField = owner.getByLabel("Secret of the new token");
  await secretField.waitFor();
  const secret = await secretField.inputValue();
  assert.match(secret, /^cohack_pat_[A-Za-z0-9_-]{43}$/);
  await owner.locator("[data-tokens] tr", { hasText: "laptop: publish challenges" }).waitFor();
  await assertAccessible(owner);
  await shot(owner, `${dir}/tokens-created`);

  const used = await me(secret);
  assert.equal(used.status, 200);
  assert.equal((await used.json()).email, f.alice.email);
  // The secret is shown once: a reload lists the token without it, and shows its last use.
  await owner.goto("/account/tokens");
  assert.equal(await owner.getByLabel("Secret of the new token").count(), 0);
  assert.ok(!(await owner.content()).includes(secret.slice(11)), "the secret is gone from the page");
  const row = owner.locator("[data-tokens] tr", { hasText: "laptop: publish challenges" });
  await row.locator("td").nth(2).locator("time").waitFor();
  await owner.setViewportSize({ width: 390, height: 844 });
  await assertAccessible(owner);
  await shot(owner, `${dir}/tokens-phone`);
  await owner.setViewportSize({ width: 1280, height: 800 });

  await owner.getByRole("button", { name: "Revoke laptop: publish challenges" }).click();
  await owner.getByText("Token revoked: it no longer works.").waitFor();
  await owner.locator("[data-no-tokens]").waitFor();
  await shot(owner, `${dir}/tokens-revoked`);
  assert.equal((await me(secret)).status, 401);

  // The portal organizer issues a reset link for the owner.
  const organizer = await newPage(browser, { viewport: { width: 1280, height: 900 } });
  await signIn(organizer, f.organizer.email);
  await organizer.getByRole("link", { name: "People" }).click();
  await organizer.waitForURL((url) => url.pathname === "/people");
  await organizer.locator(`[data-organization="${f.organization}"]`).waitFor();
  await organizer.getByLabel("Account's email").fill(f.alice.email);
  await organizer.getByRole("button", { name: "Issue reset link" }).click();
  const linkField = organizer.getByLabel("Reset link", { exact: true });
  await linkField.waitFor();
  const link = await linkField.inputValue();
  assert.ok(link.startsWith(`${base}/reset-password?token=`), link);
  await assertAccessible(organizer);
  await shot(organizer, `${dir}/people-reset-link`);

  // Two spellings of one company become one: the accounts move, the other row is gone.
  const other = organizer.locator(`[data-organization="${f.other_organization}"]`);
  await other.getByLabel(`Merge ${f.other_organization} into`).selectOption({ label: f.organization });
  await other.getByRole("button", { name: "Merge" }).click();
  await organizer.locator(`[data-organization="${f.other_organization}"]`).waitFor({ state: "detached" });
  const kept = organizer.locator(`[data-organization="${f.organization}"] td`).nth(0);
  assert.equal((await kept.textContent()).trim(), "2");
  await shot(organizer, `${dir}/people-merged`);

  // The owner, in a browser signed out, opens it.
  const stranger = await newPage(browser, { viewport: { width: 1280, height: 800 } });
  await stranger.goto(link);
  await stranger.getByRole("heading", { name: "Choose a new password" }).waitFor();
  assert.equal(await stranger.locator("[data-reset-email]").textContent(), f.alice.email);
  await assertAccessible(stranger);
  await shot(stranger, `${dir}/reset-form`);
  await stranger.getByLabel(/^New password/).fill("a brand new passphrase");
  await stranger.getByLabel("The same again").fill("a brand new passphrasf");
  await stranger.getByRole("button", { name: "Set the new password" }).click();
  await stranger.getByText("The two passwords differ").waitFor();
  await shot(stranger, `${dir}/reset-mismatch`);
  await stranger.getByLabel(/^New password/).fill("a brand new passphrase");
  await stranger.getByLabel("The same again").fill("a brand new passphrase");
  await stranger.getByRole("button", { name: "Set the new password" }).click();
  await stranger.locator("[data-reset-done]").waitFor();
  await assertAccessible(stranger);
  await shot(stranger, `${dir}/reset-done`);

  // The browser that was signed in is signed out; the old password no longer works.
  await owner.goto("/account/tokens");
  await owner.waitForURL((url) => url.pathname === "/signin");
  await owner.getByLabel("Email").fill(f.alice.email);
  await owner.getByLabel("Password").fill(password);
  await owner.getByRole("button", { name: "Sign in" }).click();
  await owner.getByRole("alert").waitFor();
  await owner.getByLabel("Password").fill("a brand new passphrase");
  await owner.getByRole("button", { name: "Sign in" }).click();
  await owner.waitForURL((url) => url.pathname === "/account/tokens");

  // The link worked once.
  const again = await stranger.goto(link);
  assert.equal(again.status(), 409);
  await stranger.getByRole("heading", { name: "This link was used already" }).waitFor();
  await assertAccessible(stranger);
  await shot(stranger, `${dir}/reset-used`);

  // Sign-up offers the organizations that exist.
  const newcomer = await newPage(browser, { viewport: { width: 1280, height: 800 } });
  await newcomer.goto("/signup");
  const offered = await newcomer.locator("datalist#organizations option").evaluateAll((o) => o.map((n) => n.value));
  assert.ok(offered.includes(f.organization), offered.join(", "));
  await newcomer.getByLabel("Company").fill(f.organization.toUpperCase());
  await assertAccessible(newcomer);
  await shot(newcomer, `${dir}/signup`);

  for (const page of [owner, organizer, stranger, newcomer]) {
    assertClean(page, { allow: [/status of 400/, /status of 409/, /status of 401/] });
  }
});
