// A small event, end to end, through a client generated from the server's own OpenAPI
// document (openapi-typescript → generated/schema.d.ts, driven by openapi-fetch): the portal
// organizer logs in, creates an event and publishes a challenge package; a participant signs
// up, registers for the event, forms a team, fetches the team's material, submits the right
// answer, polls the submission until it is judged, and finds the team on the leaderboard with
// points.
//
// Every body sent and every response read is typed from the document, so a document that
// disagrees with what this walk needs fails to compile (bodies are typed constants: openapi-fetch
// infers an inline body generically, which would skip TypeScript's excess-property check); and every request and response is
// also checked at run time against the same document (./contract.ts), so a server that
// disagrees with its document fails the run.
//
//   node dist/src/event.js BASE_URL UPLOAD_JSON [ORGANIZER_EMAIL]
//
// or COHACK_BASE_URL, COHACK_UPLOAD, COHACK_ORGANIZER_EMAIL; the organizer's password comes
// from COHACK_ORGANIZER_PASSWORD only (never the command line). UPLOAD_JSON is a package in
// the upload form `cohack challenge publish` sends, of the sample challenge `first-contact`
// (this walk knows how to solve that one). Exits 0 when the walk succeeds and no request or
// response broke the contract; otherwise prints every problem and exits 1.

import { readFile } from "node:fs/promises";
import createClient from "openapi-fetch";

import type { paths } from "../generated/schema.js";
import { OpenApiDocument } from "./contract.js";

/** The JSON request body of an operation. */
type JsonBody<Operation> = Operation extends { requestBody?: { content: { "application/json": infer Body } } }
  ? Body
  : never;
/** The JSON body of an operation's response with `Status`. */
type JsonResponse<Operation, Status extends number> = Operation extends {
  responses: { [S in Status]: { content: { "application/json": infer Body } } };
}
  ? Body
  : never;

type PackageUpload = JsonBody<paths["/api/v1/events/{slug}/challenges"]["post"]>;
type Materials = JsonResponse<paths["/api/v1/teams/{id}/challenges/{challenge}/materials"]["get"], 200>;
type Submission = JsonResponse<paths["/api/v1/submissions/{id}"]["get"], 200>;

const POLL_INTERVAL_MS = 100;
const POLL_LIMIT_MS = 30_000;

/** Problems found by the run-time contract checks. */
const problems: string[] = [];

function fail(message: string): never {
  throw new Error(message);
}

function check(condition: boolean, message: string): asserts condition {
  if (!condition) fail(message);
}

function setting(position: number, variable: string, what: string, fromArgv = true): string {
  const value = (fromArgv ? process.argv[2 + position] : undefined) ?? process.env[variable];
  if (value === undefined || value === "") {
    fail(`missing ${what}: pass it as argument ${position + 1} or set ${variable}`);
  }
  return value;
}

/**
 * The data of an answer with one of the `expected` statuses; any other status fails with the
 * body. `what` names the step.
 */
async function expect<T, E>(
  what: string,
  call: Promise<{ data?: T; error?: E; response: Response }>,
  ...expected: number[]
): Promise<T> {
  const { data, error, response } = await call;
  if (!expected.includes(response.status)) {
    fail(`${what}: expected ${expected.join(" or ")}, got ${response.status}: ${JSON.stringify(error ?? data)}`);
  }
  if (data === undefined) fail(`${what}: ${response.status} without a body`);
  return data;
}

/** Parses and checks the upload file against the document's `PackageUpload`. */
async function readUpload(path: string, document: OpenApiDocument): Promise<PackageUpload> {
  const raw: unknown = JSON.parse(await readFile(path, "utf8"));
  const found = document.check(document.requestSchema("post", "/api/v1/events/{slug}/challenges"), raw, path);
  check(found.length === 0, `the upload file does not fit the publish operation's body:\n${found.join("\n")}`);
  // The document's own schema for this body has just accepted the file, so it has the type the
  // generated client derives from that schema.
  return raw as PackageUpload;
}

/** The answer to `first-contact`: distinct devices with an ERROR-level line in gateway.log. */
function firstContactAnswer(materials: Materials): string {
  const file = materials.files.find((f) => f.path === "gateway.log");
  check(file !== undefined, `gateway.log is not among the materials: ${materials.files.map((f) => f.path).join(", ")}`);
  const content = file.content_base64;
  check(typeof content === "string", "the materials carry gateway.log's content");
  const devices = new Set<string>();
  for (const line of Buffer.from(content, "base64").toString("utf8").split("\n")) {
    const fields = line.split(/\s+/);
    if (fields[1] !== "ERROR") continue;
    const device = fields.find((f) => f.startsWith("device="));
    if (device !== undefined) devices.add(device.slice("device=".length));
  }
  check(devices.size > 0, "gateway.log has ERROR lines");
  return String(devices.size);
}

async function main(): Promise<void> {
  const baseUrl = setting(0, "COHACK_BASE_URL", "the server's base URL").replace(/\/+$/, "");
  const uploadPath = setting(1, "COHACK_UPLOAD", "the package upload JSON file");
  const organizerEmail = setting(2, "COHACK_ORGANIZER_EMAIL", "the organizer's email");
  const organizerPassword = setting(3, "COHACK_ORGANIZER_PASSWORD", "the organizer's password", false);

  // The document the types were generated from; it must be the one the server serves now.
  const generated: unknown = JSON.parse(
    await readFile(new URL("../../generated/openapi.json", import.meta.url), "utf8"),
  );
  const document = new OpenApiDocument(generated);
  const live: unknown = await (await fetch(`${baseUrl}/api/openapi.json`)).json();
  check(document.equals(live), "generated/openapi.json is not the server's document: regenerate the client");

  const api = createClient<paths>({ baseUrl });
  api.use(document.middleware(problems));
  const as = (token: string) => ({ Authorization: `Bearer ${token}` });
  const unique = `${Date.now().toString(36)}${Math.floor(Math.random() * 36 ** 4).toString(36)}`;

  // The portal organizer logs in and creates a running event.
  const login: JsonBody<paths["/api/v1/auth/login"]["post"]> = {
    email: organizerEmail,
    password: organizerPassword,
  };
  const organizer = await expect("log in as the organizer", api.POST("/api/v1/auth/login", { body: login }), 200);
  check(organizer.user.is_portal_organizer, "the organizer is a portal organizer");
  const organizerToken = organizer.access_token;
  const hour = 3_600_000;
  const createEvent: JsonBody<paths["/api/v1/events"]["post"]> = {
    slug: `contract-${unique}`,
    name: "Contract hack",
    description: "Run by the generated client.",
    starts_at: new Date(Date.now() - hour).toISOString(),
    ends_at: new Date(Date.now() + 24 * hour).toISOString(),
    registration: "open",
    team_size_max: 3,
  };
  const event = await expect(
    "create the event",
    api.POST("/api/v1/events", { headers: as(organizerToken), body: createEvent }),
    201,
  );
  check(event.slug === createEvent.slug, `the event is ${createEvent.slug}, not ${event.slug}`);
  check(event.phase === "running", `the event runs (phase ${event.phase})`);
  const slug = event.slug;

  // The organizer publishes the challenge; the server re-runs its samples first.
  const upload = await readUpload(uploadPath, document);
  const published = await expect(
    "publish the challenge",
    api.POST("/api/v1/events/{slug}/challenges", {
      headers: as(organizerToken),
      params: { path: { slug } },
      body: upload,
    }),
    201,
  );
  check(published.version === 1, `the first version is 1, not ${published.version}`);
  const challenge = published.challenge.slug;
  check(challenge === "first-contact", `this walk solves first-contact, not ${challenge}`);

  // A participant signs up and registers for the event.
  const signup: JsonBody<paths["/api/v1/auth/register"]["post"]> = {
    email: `participant-${unique}@acme.example`,
    password: "a participant's passphrase",
    display_name: "Contract Participant",
    organization: "Acme",
  };
  const participant = await expect("sign up", api.POST("/api/v1/auth/register", { body: signup }), 201);
  check(participant.user.email === signup.email, "signed up as the new account");
  const token = participant.access_token;
  const open: JsonBody<paths["/api/v1/events/{slug}/registrations"]["post"]> = {};
  const registration = await expect(
    "register for the event",
    api.POST("/api/v1/events/{slug}/registrations", {
      headers: as(token),
      params: { path: { slug } },
      body: open,
    }),
    201,
  );
  check(registration.roles.includes("participant"), `registered as a participant: ${registration.roles.join(", ")}`);

  // They form a team.
  const newTeam: JsonBody<paths["/api/v1/events/{slug}/teams"]["post"]> = { name: `Contract Rockets ${unique}` };
  const team = await expect(
    "create a team",
    api.POST("/api/v1/events/{slug}/teams", {
      headers: as(token),
      params: { path: { slug } },
      body: newTeam,
    }),
    201,
  );
  check(
    team.members.some((m) => m.user_id === participant.user.id),
    "the founder is a member of the team",
  );

  // Before any submission the team has no points.
  const before = await expect(
    "read the leaderboard",
    api.GET("/api/v1/events/{slug}/leaderboard", { params: { path: { slug } } }),
    200,
  );
  const rowBefore = before.rows.find((r) => r.team.id === team.id);
  check(rowBefore === undefined || rowBefore.score === 0, `no points before a submission: ${JSON.stringify(rowBefore)}`);

  // They read their material, submit the right answer and poll until it is judged.
  const materials = await expect(
    "read the team's material",
    api.GET("/api/v1/teams/{id}/challenges/{challenge}/materials", {
      headers: as(token),
      params: { path: { id: team.id, challenge } },
    }),
    200,
  );
  const answer: JsonBody<paths["/api/v1/teams/{id}/submissions"]["post"]> = {
    challenge,
    answer: firstContactAnswer(materials),
  };
  const submitted = await expect(
    "submit",
    api.POST("/api/v1/teams/{id}/submissions", {
      headers: as(token),
      params: { path: { id: team.id } },
      body: answer,
    }),
    201,
    202,
  );
  let submission: Submission = submitted;
  const deadline = Date.now() + POLL_LIMIT_MS;
  while (submission.status === "pending") {
    check(Date.now() < deadline, `submission ${submission.id} still pending after ${POLL_LIMIT_MS} ms`);
    await new Promise((resolve) => setTimeout(resolve, POLL_INTERVAL_MS));
    submission = await expect(
      "poll the submission",
      api.GET("/api/v1/submissions/{id}", { headers: as(token), params: { path: { id: submitted.id } } }),
      200,
    );
  }
  check(submission.status === "judged", `judged, not ${submission.status}: ${JSON.stringify(submission.validator_error)}`);
  const verdict = submission.verdict;
  check(verdict !== undefined && verdict !== null, "a judged submission has a verdict");
  check(verdict.passed, `the right answer passes: ${verdict.feedback}`);
  check(verdict.score > 0, `the right answer scores: ${verdict.score}`);

  // The board now shows the team with points.
  const board = await expect(
    "read the leaderboard",
    api.GET("/api/v1/events/{slug}/leaderboard", { params: { path: { slug } } }),
    200,
  );
  const row = board.rows.find((r) => r.team.id === team.id);
  check(row !== undefined, `the team is on the leaderboard: ${JSON.stringify(board.rows)}`);
  check(row.solved === 1, `the team solved 1 challenge, not ${row.solved}`);
  check(row.score === verdict.score, `the team has ${verdict.score} points, not ${row.score}`);
  check(row.rank === 1, `the team ranks 1, not ${row.rank}`);
  const progress = row.progress.find((p) => p.challenge === challenge);
  check(progress !== undefined && progress.solved, `the board shows ${challenge} solved`);

  console.log(
    `event ${slug}: team "${team.name}" solved ${challenge} (submission ${submission.id}) ` +
      `and ranks ${row.rank} with ${row.score} points`,
  );
}

try {
  await main();
} catch (error) {
  problems.unshift(error instanceof Error ? (error.stack ?? error.message) : String(error));
}
if (problems.length > 0) {
  console.error(`${problems.length} problem(s):\n${problems.map((p) => `- ${p}`).join("\n")}`);
  process.exitCode = 1;
}
