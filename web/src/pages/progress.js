// Who is stuck (/events/{slug}/progress), made live; the page is complete without it.
// The table is fetched again (GET /api/v1/events/{slug}/progress) whenever the event's staff
// channel says something a row shows may have changed (verdicts move the board, help calls,
// questions, nudges, activity), and every 30 seconds for the minutes; each `nudge` frame also
// shows at once above the table.
import { api, el, liveSocket } from "../lib/live.js";
import { localTimes, timeElement } from "../lib/time.js";

localTimes();

const root = document.querySelector("[data-progress]");
if (root) progressPage(root);

const LABELS = {
  not_started: "not started",
  working: "working",
  failing: "failing repeatedly",
  over_time: "over the expected time",
  done: "done",
};

/** Frames after which the table is read again. */
const REFRESHING = new Set([
  "leaderboard",
  "help",
  "help_calls",
  "nudge",
  "question",
  "questions",
  "answer",
  "activity",
]);

function row(team, before) {
  const challenge = team.challenge;
  const time = [];
  if (challenge) {
    time.push(`${team.minutes} min`);
    if (challenge.expected_minutes != null) time.push(" ", el("span", { class: "muted", text: `/ ${challenge.expected_minutes}` }));
    if (team.over_by_minutes != null) time.push(" ", el("strong", { class: "over", text: `+${team.over_by_minutes}` }));
    if (team.since) time.push(el("br"), el("span", { class: "muted" }, "since ", timeElement(team.since, "time")));
  }
  const status = [el("span", { class: `stuck-status stuck-status-${team.status}`, text: LABELS[team.status] ?? team.status })];
  if (team.failed_in_a_row > 0) status.push(" ", el("span", { class: "muted", text: `${team.failed_in_a_row} failed in a row` }));
  const tr = el(
    "tr",
    {
      class: `stuck-row stuck-${team.status}${team.open_help_calls > 0 ? " has-hand" : ""}`,
      "data-team": team.team_id,
      "data-status": team.status,
    },
    el("th", { scope: "row" }, el("a", { href: `/teams/${encodeURIComponent(team.team_id)}`, text: team.team_name })),
    el("td", {}, status),
    el("td", {}, challenge ? `${challenge.position}. ${challenge.title}` : el("span", { class: "muted", text: "all solved" })),
    el("td", { class: "num" }, time),
    el("td", { class: "stuck-failure", text: team.last_failure ?? "" }),
    el("td", { class: "num" }, team.open_help_calls > 0 ? el("strong", { class: "hand-up", text: `✋ ${team.open_help_calls}` }) : "0"),
    el("td", { class: "num", text: String(team.open_questions) }),
    el("td", { class: "num", text: String(team.hints_unlocked) }),
    el("td", {}, team.nudged_at ? timeElement(team.nudged_at, "time") : ""),
    el(
      "td",
      { class: "stuck-openings" },
      (team.openings ?? []).map((o) =>
        el(
          "p",
          { class: "opening", "data-opening": o.challenge },
          el("strong", { text: o.challenge }),
          `${o.skipped ? `, skipping ${o.skipped} after ${o.stuck_minutes} min` : ""} · ${o.opened_by.display_name}: “${o.reason}”`,
        ),
      ),
    ),
  );
  const key = JSON.stringify([team.status, team.challenge?.slug, team.open_help_calls, team.failed_in_a_row, team.nudged_at, (team.openings ?? []).length]);
  tr.dataset.key = key;
  if (before !== undefined && before !== key) tr.classList.add("is-changed");
  return tr;
}

function progressPage(root) {
  const slug = root.dataset.progress;
  const tbody = root.querySelector("[data-progress-rows]");
  const generated = root.querySelector("[data-progress-generated]");
  const nudgePanel = root.querySelector("[data-nudge-panel]");
  const nudges = root.querySelector("[data-nudges]");
  const indicator = root.querySelector("[data-staff-live]");

  let pending = null;
  let again = false;
  async function refresh() {
    if (pending) {
      again = true;
      return;
    }
    pending = (async () => {
      try {
        const report = await api(`/events/${encodeURIComponent(slug)}/progress`);
        const before = new Map([...tbody.querySelectorAll("tr[data-team]")].map((tr) => [tr.dataset.team, tr.dataset.key]));
        tbody.replaceChildren(...report.teams.map((team) => row(team, before.get(team.team_id) || undefined)));
        if (generated) generated.replaceChildren(timeElement(report.generated_at, "time-seconds"));
        root.dataset.loaded = String(Date.now());
      } catch {
        // The next frame or tick asks again.
      }
    })();
    await pending;
    pending = null;
    if (again) {
      again = false;
      refresh();
    }
  }

  function showNudge(nudge) {
    const selector = `[data-nudge-team="${CSS.escape(nudge.team_id)}"][data-nudge-challenge="${CSS.escape(nudge.challenge)}"]`;
    if (nudges.querySelector(selector)) return;
    nudges.prepend(
      el(
        "li",
        { class: "nudge", "data-nudge-team": nudge.team_id, "data-nudge-challenge": nudge.challenge },
        el("a", { href: `/teams/${encodeURIComponent(nudge.team_id)}`, text: nudge.team_name }),
        ` is past the expected ${nudge.expected_minutes} min on ${nudge.challenge_title} · nudged `,
        timeElement(nudge.at, "time"),
      ),
    );
    nudgePanel.hidden = false;
  }

  // Rows keep their state key, so the first refresh flashes only what changed since render.
  for (const tr of tbody.querySelectorAll("tr[data-team]")) tr.dataset.key = "";
  refresh();
  setInterval(refresh, 30_000);

  liveSocket(`/api/v1/events/${encodeURIComponent(slug)}/ws`, {
    onState(state) {
      if (!indicator) return;
      indicator.hidden = false;
      indicator.classList.toggle("is-live", state === "open");
      indicator.classList.toggle("is-reconnecting", state !== "open");
      indicator.textContent = state === "open" ? "live" : "reconnecting…";
      if (state === "open") refresh();
    },
    onMessage(message) {
      if (message.type === "nudge" && message.nudge) showNudge(message.nudge);
      if (REFRESHING.has(message.type)) refresh();
    },
  });
}
