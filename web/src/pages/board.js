// The big screen (/events/{slug}/board): the server-rendered board made live over the public
// event channel — no reloads — and paged when the teams outnumber the screen's rows
// (board/pager.js: the podium and the first solves stay, the rest take turns; `?page_seconds=`). `leaderboard` frames re-render the grid (the socket asks for
// `leaderboard_delta` frames, which carry only the rows that changed: board/delta.js), `clock` frames keep the
// countdown on the server's time, `announcement` frames show the latest announcement; what the
// leaderboard body lacks (attempted challenges, the announcement as sanitized HTML, column
// titles) comes from `GET /events/{slug}/board/state`.
import { liveSocket } from "../lib/live.js";
import { ServerClock, PHASES } from "../board/clock.js";
import {
  columnsOf,
  completeColumns,
  firstSolves,
  renderFirsts,
  renderHead,
  renderRows,
  statesOf,
} from "../board/grid.js";
import { Pager, pageSeconds } from "../board/pager.js";
import { RacePanel, raceWanted } from "../board/race.js";
import { applyDelta, deltaAction } from "../board/delta.js";
import { BracketView, bracketBoard, cycleSeconds } from "../board/brackets.js";
import { localTimes, setTime, timeElement } from "../lib/time.js";

localTimes();
const root = document.querySelector("[data-board]");
if (root) start(root);

function start(root) {
  const slug = root.dataset.slug;
  const $ = (selector) => root.querySelector(selector);
  const headRow = $("[data-board-head]");
  const tbody = $("[data-board-rows]");
  const status = $("[data-board-live]");
  const banner = $("[data-freeze-banner]");
  const phaseBadge = $("[data-phase]");
  const clockLabel = $("[data-clock-label]");
  const clockValue = $("[data-clock-value]");
  const news = $("[data-board-news]");
  const empty = $("[data-board-empty]");
  const firsts = $("[data-board-firsts]");
  const firstsList = $("[data-board-firsts-list]");
  // `?race=1`: the top ten's score race is one more page of the cycle.
  const raceSection = $("[data-board-race]");
  const race = raceWanted(window.location.search) && raceSection ? new RacePanel({ section: raceSection, slug }) : null;
  const pager = new Pager({
    root,
    tbody,
    counter: $("[data-board-pages]"),
    seconds: pageSeconds(window.location.search),
    extra: race,
  });
  race?.refresh(root.dataset.serverTime);

  const clock = new ServerClock(
    { starts_at: root.dataset.startsAt, ends_at: root.dataset.endsAt, freeze_at: root.dataset.freezeAt },
    root.dataset.serverTime,
  );
  let columns = columnsOf(headRow);
  let previous = statesOf(tbody);
  let board = null;
  let attempted = null;
  let lastPhase = clock.phase();
  let announcementId = null;
  let lastAnnouncement = null;
  let announcementChanges = 0;

  // On an event with brackets: the bracket shown (`?bracket=`), in turn with `?cycle_seconds=`.
  let brackets = [];
  try {
    brackets = JSON.parse(root.dataset.brackets || "[]");
  } catch {
    brackets = [];
  }
  const view = new BracketView({ brackets, initial: root.dataset.bracket || null });
  const bracketLabel = $("[data-board-bracket]");
  const rankHead = $("[data-rank-head]");
  function showBracket() {
    root.dataset.bracket = view.current ?? "";
    if (bracketLabel) {
      bracketLabel.textContent = view.current ?? "";
      bracketLabel.hidden = !view.current;
    }
    if (rankHead) rankHead.textContent = view.current ? "# in bracket" : "#";
    for (const link of root.querySelectorAll("[data-bracket-link]")) {
      if ((link.dataset.bracketLink || null) === view.current) link.setAttribute("aria-current", "page");
      else link.removeAttribute("aria-current");
    }
  }
  const cycle = brackets.length ? cycleSeconds(window.location.search) : 0;
  if (cycle) {
    setInterval(() => {
      view.next();
      showBracket();
      previous = new Map();
      render();
    }, cycle * 1000);
  }

  let deltasApplied = 0;
  function render() {
    if (!board) return;
    // Which board the screen shows (the leaderboard's ETag without quotes; empty for a board
    // read over HTTP), and how many deltas built it: for whoever checks the screen is current.
    root.dataset.boardTag = board.etag ?? "";
    root.dataset.boardDeltas = String(deltasApplied);
    columns = completeColumns(columns, board);
    renderHead(headRow, columns);
    const shown = bracketBoard(board, view.current);
    const result = renderRows(tbody, shown, columns, { attempted: attempted ?? {}, previous, bigScreen: true });
    previous = result.states;
    if (result.news.length) news.textContent = result.news.join(" ");
    if (empty) empty.hidden = (shown.rows ?? []).length > 0;
    renderFirsts(firstsList, firstSolves(board, columns));
    firsts.hidden = columns.length === 0;
    setFrozen(board.frozen, board.freeze_at);
    race?.refresh(board.generated_at);
    pager.fit();
  }
  pager.fit();
  // A change is highlighted once: a row hidden on another page flashes when its page comes,
  // not again on every round.
  tbody.addEventListener("animationend", (event) => event.target.closest(".is-changed")?.classList.remove("is-changed"));

  function setFrozen(frozen, freezeAt) {
    banner.hidden = !frozen;
    if (frozen && freezeAt) {
      const text = banner.querySelector("[data-freeze-text]");
      const shown = text.querySelector("time");
      if (shown) setTime(shown, freezeAt);
      else text.replaceChildren("Standings as of ", timeElement(freezeAt, "time"), " — the final board is revealed at the end.");
    }
  }

  // What the leaderboard body lacks; asked again after every change, at most one at a time.
  let stateRequest = null;
  let stateAgain = false;
  async function refreshState() {
    if (stateRequest) {
      stateAgain = true;
      return;
    }
    stateRequest = (async () => {
      try {
        // The version names what this screen saw: screens that saw the same share one answer.
        const version = `${board?.generated_at ?? ""}|${lastAnnouncement ?? ""}`;
        const url = `/events/${encodeURIComponent(slug)}/board/state?v=${encodeURIComponent(version)}`;
        const response = await fetch(url, {
          headers: { Accept: "application/json" },
        });
        if (!response.ok) return;
        const state = await response.json();
        attempted = state.attempted;
        // Titles appear once the event starts.
        columns = state.ladder.map((c) => ({ slug: c.slug, position: c.position, title: c.title }));
        showAnnouncement(state.announcement);
        render();
      } catch {
        // The next frame asks again.
      }
    })();
    await stateRequest;
    stateRequest = null;
    if (stateAgain) {
      stateAgain = false;
      refreshState();
    }
  }

  function showAnnouncement(announcement) {
    const section = $("[data-announcement]");
    if (!announcement) {
      // The last one was deleted.
      if (!section.hidden && announcementId === null) {
        section.hidden = true;
        pager.fit();
      }
      return;
    }
    if (announcement.id === announcementId) return;
    announcementId = announcement.id;
    // Sanitized on the server (the same Markdown renderer as every page).
    section.querySelector("[data-announcement-text]").innerHTML = announcement.html;
    const time = section.querySelector("[data-announcement-time]");
    setTime(time, announcement.at);
    section.hidden = false;
    pager.fit();
  }

  async function refetchBoard() {
    try {
      const response = await fetch(`/api/v1/events/${encodeURIComponent(slug)}/leaderboard`, {
        headers: { Accept: "application/json" },
      });
      if (response.ok) {
        board = await response.json();
        render();
      }
    } catch {
      // The socket's next frame brings it.
    }
  }

  function tick() {
    const { label, value } = clock.display();
    if (clockLabel.textContent !== label) clockLabel.textContent = label;
    if (clockValue.textContent !== value) clockValue.textContent = value;
    const phase = clock.phase();
    const info = PHASES[phase];
    if (phaseBadge.textContent !== info.label) {
      phaseBadge.textContent = info.label;
      phaseBadge.className = `badge ${info.cls}`;
    }
    if (phase !== lastPhase) {
      // A schedule boundary: the public board changes (freeze, end); ask for it.
      lastPhase = phase;
      refetchBoard();
      refreshState();
    }
  }
  tick();
  setInterval(tick, 1000);

  function setStatus(state) {
    status.hidden = false;
    status.classList.toggle("is-live", state === "open");
    status.classList.toggle("is-reconnecting", state !== "open");
    status.textContent = state === "open" ? "live" : "reconnecting…";
  }

  const socket = liveSocket(`/api/v1/events/${encodeURIComponent(slug)}/ws?board=deltas`, {
    authenticated: false,
    onState: setStatus,
    onMessage(message) {
      switch (message.type) {
        case "hello":
          clock.sync(message.server_time);
          break;
        case "clock":
          clock.sync(message.server_time);
          clock.schedule(message);
          tick();
          break;
        case "leaderboard":
          board = message;
          render();
          refreshState();
          break;
        case "leaderboard_delta": {
          const action = deltaAction(board, message);
          const next = action === "apply" ? applyDelta(board, message) : null;
          if (next) {
            board = next;
            deltasApplied += 1;
            render();
            refreshState();
          } else if (action !== "skip") {
            // Not the board this delta starts from: the whole board comes back.
            socket.send({ type: "leaderboard" });
          }
          break;
        }
        case "announcements":
          if (message.announcements?.length) {
            lastAnnouncement = message.announcements[message.announcements.length - 1].id;
            refreshState();
          }
          break;
        case "announcement":
          lastAnnouncement = message.id;
          refreshState();
          break;
        case "announcement_edited":
        case "announcement_deleted":
          // A correction or a withdrawal: a new version, so the state is read again.
          announcementChanges += 1;
          lastAnnouncement = `${message.id}:${message.type}:${announcementChanges}`;
          announcementId = null;
          refreshState();
          break;
        default:
          break;
      }
    },
  });
}
