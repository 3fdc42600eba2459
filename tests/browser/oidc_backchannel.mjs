// Back-channel logout: alice signs in through the provider on the first instance, joins a team
// through its invite link and has its workspace open there and on the second instance
// (`fixture.second`, same database), live. She signs out at the provider (its /session/end,
// "Yes, sign me out"); the provider POSTs a logout token to cohack, and the workspace sockets
// on both instances close with 4401 (the session ended) and do not come back; the session
// cookie no longer signs her in.
import { assert, fixture, newPage, scenario, shot } from "./lib.mjs";
import { recordSocketCloses, signInThroughProvider, socketCloses } from "./oidc_lib.mjs";

const f = fixture();
const dir = "oidc";
/** How long after the sign-out both instances must have closed the sockets. */
const CLOSE_WITHIN_MS = 5_000;

/** The workspace at `origin`, live. */
async function openWorkspace(page, origin) {
  await page.goto(`${origin}/teams/${f.team}`);
  await page.getByRole("heading", { level: 1, name: f.team_name }).waitFor();
  await page.locator('#live-status[data-state="live"]').waitFor();
}

/** Waits until `page` saw a socket of the team close with 4401, and returns that close. */
async function closedWith4401(page, deadline) {
  for (;;) {
    const closes = await socketCloses(page);
    const ended = closes.find((c) => c.code === 4401 && c.path.startsWith(`/api/v1/teams/${f.team}/`));
    if (ended) return ended;
    assert.ok(Date.now() < deadline, `no socket closed with 4401 on ${page.url()}: ${JSON.stringify(closes)}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

await scenario("oidc_backchannel", async (browser) => {
  const first = await newPage(browser);
  await recordSocketCloses(first.context());
  await signInThroughProvider(first, f, { from: `/signin?next=${encodeURIComponent(f.invite)}` });
  await first.waitForURL((url) => url.pathname === `/teams/${f.team}/join`);
  await first.getByRole("button", { name: `Join ${f.team_name}` }).click();
  await first.waitForURL((url) => url.pathname === `/teams/${f.team}`);
  await openWorkspace(first, f.first);
  await first.locator("#team-people .person", { hasText: f.person.name }).waitFor();

  // The same browser on the second instance (one host: the cookie goes to both ports).
  const second = await first.context().newPage();
  second.problems = [];
  await openWorkspace(second, f.second);
  await shot(second, `${dir}/backchannel-workspace-second`);
  assert.deepEqual(await socketCloses(first), [], "nothing closed before the sign-out");
  assert.deepEqual(await socketCloses(second), [], "nothing closed before the sign-out");

  // Signing out at the provider.
  const provider = await first.context().newPage();
  await provider.goto(`${f.provider.issuer}/session/end`);
  const yes = provider.getByRole("button", { name: "Yes, sign me out" });
  await yes.waitFor();
  await shot(provider, `${dir}/backchannel-provider-signout`);
  const signedOutAt = Date.now();
  await yes.click();
  await provider.waitForURL((url) => url.pathname === "/session/end/success");

  const deadline = signedOutAt + CLOSE_WITHIN_MS;
  const [onFirst, onSecond] = [await closedWith4401(first, deadline), await closedWith4401(second, deadline)];
  console.log(
    `sockets closed 4401 after the provider's sign-out: first instance ${onFirst.at - signedOutAt} ms, ` +
      `second instance ${onSecond.at - signedOutAt} ms`,
  );
  for (const page of [first, second]) {
    await page.locator('#live-status:not([data-state="live"])').waitFor();
  }
  await shot(first, `${dir}/backchannel-workspace-ended`);

  // They stay closed: the workspace does not reconnect with an ended session.
  await new Promise((resolve) => setTimeout(resolve, 1_500));
  for (const page of [first, second]) {
    assert.notEqual(await page.locator("#live-status").getAttribute("data-state"), "live");
  }

  // The cookie no longer signs in, on either instance.
  for (const origin of [f.first, f.second]) {
    await first.goto(`${origin}/account`);
    assert.equal(new URL(first.url()).pathname, "/signin", `${origin}/account asks to sign in`);
  }
  assert.equal(await first.getByLabel("Signed in as").count(), 0);
});
