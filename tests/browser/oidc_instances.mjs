// Two instances behind one public address: the sign-in starts on the first (COHACK_URL), the
// provider sends the browser back to the public address, which is the second
// (`fixture.second`), and the second ends it: the flow is in the shared database, not in the
// memory of the instance that started it. The browser ends signed in on the second instance.
import { assert, assertClean, fixture, newPage, scenario, shot } from "./lib.mjs";
import { signInThroughProvider } from "./oidc_lib.mjs";

const f = fixture();

await scenario("oidc_instances", async (browser) => {
  const page = await newPage(browser);
  const seen = [];
  page.on("request", (request) => {
    if (request.isNavigationRequest()) seen.push(request.url());
  });

  await signInThroughProvider(page, f, {
    from: "/signin?next=%2Faccount",
    returnTo: f.second,
    shots: "oidc/instances",
  });
  const landed = new URL(page.url());
  assert.equal(landed.origin, f.second, "the provider sent the browser to the second instance");
  assert.equal(landed.pathname, "/account");
  const started = seen.find((url) => new URL(url).pathname === `/auth/oidc/${f.provider.id}`);
  assert.ok(started?.startsWith(`${f.first}/`), `the flow started on the first instance: ${started}`);
  const callback = seen.find((url) => new URL(url).pathname === `/auth/oidc/${f.provider.id}/callback`);
  assert.ok(callback?.startsWith(`${f.second}/`), `the callback reached the second instance: ${callback}`);

  await page.getByLabel("Signed in as").getByText(f.person.name).waitFor();
  await page.locator("#identities li[data-identity]").waitFor();
  await shot(page, "oidc/instances-account");
  assertClean(page);
});
