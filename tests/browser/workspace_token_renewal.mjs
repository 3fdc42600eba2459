// The page's access token expires while the workspace stays open (the server under test hands
// out 3-second tokens): the next API call renews it with the session cookie, so submitting
// still works and the verdict arrives.
import { assertClean, fixture, newPage, scenario, signIn } from "./lib.mjs";

const f = fixture();

await scenario("workspace_token_renewal", async (browser) => {
  const page = await newPage(browser);
  await signIn(page, f.email, `/teams/${f.team}`);
  await page.locator('#live-status[data-state="live"]').waitFor();
  // Longer than the token's lifetime and the server's five seconds of leeway.
  await page.waitForTimeout(f.wait_ms);
  await page.getByLabel("Challenge", { exact: true }).selectOption("first-contact");
  await page.getByLabel("Short answer").fill(f.right);
  await page.getByRole("button", { name: "Submit", exact: true }).click();
  await page.locator("#verdict .verdict-pass").waitFor();
  assertClean(page);
});
