// The staff pages made live (the pages are complete without it):
// - `/events/{slug}/manage` (`data-staff="manage"`): the live view of every team — the progress
//   grid re-rendered on each `leaderboard` frame of the event channel (from the organizer's
//   never-frozen board) — and raised hands from the staff frames `help_calls` / `help`; the
//   filters, selection and in-place forms of staff/organizer.js;
// - `/coach` (`data-staff="coach"`): raised hands of the coach's teams, one event channel per
//   event they coach in, newest state on top of the page; a `nudge` frame (a team past its
//   challenge's expected time) adds a row to "Over the expected time".
import { el, liveSocket } from "../lib/live.js";
import { columnsOf, completeColumns, renderHead, renderRows, statesOf } from "../board/grid.js";
import { Hands } from "../staff/hands.js";
import { organizerPage } from "../staff/organizer.js";
import { questionQueue } from "../staff/questions.js";
import { localTimes, timeElement } from "../lib/time.js";

localTimes();

const root = document.querySelector("[data-staff]");
if (root?.dataset.staff === "manage") manage(root);
if (root?.dataset.staff === "coach") coach(root);

/** Shows the connection state of one or more sockets in `indicator`. */
function liveIndicator(indicator, sockets = 1) {
  const open = new Set();
  return (key) => (state) => {
    if (state === "open") open.add(key);
    else open.delete(key);
    indicator.hidden = false;
    const live = open.size === sockets;
    indicator.classList.toggle("is-live", live);
    indicator.classList.toggle("is-reconnecting", !live);
    indicator.textContent = live ? "live" : "reconnecting…";
  };
}

function manage(root) {
  organizerPage(root);
  const queue = questionQueue(root);
  const slug = root.dataset.slug;
  const table = root.querySelector("[data-progress-table]");
  const headRow = table.querySelector("[data-board-head]");
  const tbody = table.querySelector("[data-board-rows]");
  let columns = columnsOf(headRow);
  let previous = statesOf(tbody);

  const names = new Map();
  for (const tr of tbody.querySelectorAll("tr[data-team]")) {
    names.set(tr.dataset.team, tr.querySelector(".col-team")?.textContent.trim() ?? "");
  }
  const hands = new Hands(root.querySelector("[data-hands]"), {
    empty: root.querySelector("[data-hands-empty]"),
    teamName: (id) => names.get(id) || "a team",
  });

  let pending = null;
  let again = false;
  async function refresh() {
    if (pending) {
      again = true;
      return;
    }
    pending = (async () => {
      try {
        const response = await fetch(`/events/${encodeURIComponent(slug)}/manage/progress`, {
          headers: { Accept: "application/json" },
          credentials: "same-origin",
        });
        if (!response.ok) return;
        const { board, attempted } = await response.json();
        for (const row of board.rows ?? []) names.set(row.team.id, row.team.name);
        columns = completeColumns(columns, board);
        renderHead(headRow, columns);
        previous = renderRows(tbody, board, columns, {
          attempted,
          previous,
          teamHref: (team) => `/teams/${team.id}`,
        }).states;
      } catch {
        // The next frame asks again.
      }
    })();
    await pending;
    pending = null;
    if (again) {
      again = false;
      refresh();
    }
  }

  const state = liveIndicator(root.querySelector("[data-staff-live]"));
  liveSocket(`/api/v1/events/${encodeURIComponent(slug)}/ws`, {
    onState: state("event"),
    onMessage(message) {
      queue.onFrame(message);
      if (message.type === "leaderboard") refresh();
      else if (message.type === "help_calls") hands.replace(message.calls ?? []);
      else if (message.type === "help" && message.call) hands.update(message.call);
    },
  });
}

function coach(root) {
  const names = new Map();
  const events = new Map();
  const teamsBySlug = new Map();
  for (const card of root.querySelectorAll("[data-coached-team]")) {
    names.set(card.dataset.coachedTeam, card.dataset.teamName);
    events.set(card.dataset.coachedTeam, card.dataset.eventName);
    const slug = card.dataset.event;
    if (!teamsBySlug.has(slug)) teamsBySlug.set(slug, new Set());
    teamsBySlug.get(slug).add(card.dataset.coachedTeam);
  }
  const count = root.querySelector("[data-hands-count]");
  const hands = new Hands(root.querySelector("[data-hands]"), {
    empty: root.querySelector("[data-hands-empty]"),
    teamName: (id) => names.get(id) || "a team",
    detail: (call) => events.get(call.team_id) ?? "",
    onChange(n, self) {
      if (count) count.textContent = String(n);
      for (const card of root.querySelectorAll("[data-coached-team]")) {
        const raised = [...self.calls.values()].some((c) => c.team_id === card.dataset.coachedTeam);
        card.classList.toggle("has-hand", raised);
      }
    },
  });
  const queue = questionQueue(root);
  const slugs = [...teamsBySlug.keys()];
  const indicator = root.querySelector("[data-staff-live]");
  if (!indicator || slugs.length === 0) return;
  const state = liveIndicator(indicator, slugs.length);
  for (const slug of slugs) {
    const mine = teamsBySlug.get(slug);
    liveSocket(`/api/v1/events/${encodeURIComponent(slug)}/ws`, {
      onState: state(slug),
      onMessage(message) {
        queue.onFrame(message);
        if (message.type === "help_calls") {
          hands.replace((message.calls ?? []).filter((c) => mine.has(c.team_id)), mine);
        } else if (message.type === "help" && message.call && mine.has(message.call.team_id)) {
          hands.update(message.call);
        } else if (message.type === "nudge" && message.nudge && mine.has(message.nudge.team_id)) {
          showNudge(root, message.nudge, slug);
        }
      },
    });
  }
}

/** Adds a nudge (a coached team past its challenge's expected time) to the coach's page. */
function showNudge(root, nudge, slug) {
  const list = root.querySelector("[data-coach-nudges]");
  if (!list) return;
  const selector = `[data-nudge-team="${CSS.escape(nudge.team_id)}"][data-nudge-challenge="${CSS.escape(nudge.challenge)}"]`;
  if (list.querySelector(selector)) return;
  list.prepend(
    el(
      "li",
      { class: "nudge", "data-nudge-team": nudge.team_id, "data-nudge-challenge": nudge.challenge },
      el("a", { href: `/teams/${encodeURIComponent(nudge.team_id)}`, text: nudge.team_name }),
      ` is past the expected ${nudge.expected_minutes} min on ${nudge.challenge_title} · nudged `,
      timeElement(nudge.at, "time"),
      " · ",
      el("a", { href: `/events/${encodeURIComponent(slug)}/progress`, text: "Who is stuck" }),
    ),
  );
  const panel = root.querySelector("[data-coach-nudge-panel]");
  if (panel) panel.hidden = false;
}
