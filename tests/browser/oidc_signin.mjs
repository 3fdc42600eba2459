// Signing in through an OpenID provider: /signin and /signup offer the provider's button; it
// leads to the provider's log-in and consent pages and back to cohack, signed in as the person
// the provider's userinfo names, on the page asked for; /account lists the identity. A second
// sign-in, in a fresh browser, reaches the same account.
import { assert, assertAccessible, assertClean, base, fixture, newPage, scenario, shot } from "./lib.mjs";
import { signInThroughProvider } from "./oidc_lib.mjs";

const f = fixture();
const dir = "oidc";

/**
 * The signed-in person's account page lists one way to sign in: the provider's identity with
 * the e-mail it vouched for (so no password), and says the e-mail and organization are verified.
 */
async function accountListsIdentity(page) {
  await page.goto("/account");
  assert.equal(new URL(page.url()).pathname, "/account", "signed in, /account opens");
  const ways = page.locator("#identities li");
  await ways.first().waitFor();
  assert.equal(await ways.count(), 1, "one way to sign in");
  const identity = page.locator("#identities li[data-identity]");
  const text = (await identity.textContent()).replace(/\s+/g, " ");
  assert.ok(text.includes(f.provider.label), `the identity names its provider: ${text}`);
  assert.ok(text.includes(`${f.person.email} (verified)`), `the identity: ${text}`);
  // When it was linked and last used, as times (not their markup as text).
  assert.ok(!text.includes("<time"), `the identity shows markup: ${text}`);
  assert.equal(await identity.locator("time[datetime]").count(), 2, "linked and last used");
  await page.locator("#email-verified").waitFor();
  await page.locator("#organization-verified").waitFor();
}

await scenario("oidc_signin", async (browser) => {
  // Clients learn the providers from the API.
  const listed = await fetch(`${base}/api/v1/auth/providers`);
  assert.equal(listed.status, 200);
  assert.deepEqual(await listed.json(), [{ id: f.provider.id, label: f.provider.label }]);

  const page = await newPage(browser);
  await page.goto("/signup?next=%2Faccount");
  await page.locator(`a#oidc-${f.provider.id}`).waitFor();
  await assertAccessible(page);
  await shot(page, `${dir}/signup`);

  await signInThroughProvider(page, f, { from: "/signin?next=%2Faccount", shots: `${dir}/first` });
  assert.equal(new URL(page.url()).pathname, "/account", "back on the page asked for");
  // The name comes from the provider's userinfo (its ID token carries none).
  await page.getByLabel("Signed in as").getByText(f.person.name).waitFor();
  await accountListsIdentity(page);
  await assertAccessible(page);
  await shot(page, `${dir}/account`);
  assertClean(page);

  // Another browser: the provider asks again, and the same account opens.
  const again = await newPage(browser);
  await signInThroughProvider(again, f, { from: "/signin?next=%2Faccount" });
  await again.getByLabel("Signed in as").getByText(f.person.name).waitFor();
  await accountListsIdentity(again);
  await shot(again, `${dir}/account-again`);
  assertClean(again);
});
