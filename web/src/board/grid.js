// The progress grid shared by the big screen and the organizer's live view: one row per team
// (rank, name, one cell per challenge, solved, score), rebuilt from a leaderboard body
// (`GET /api/v1/events/{slug}/leaderboard` or the event channel's `leaderboard` frame) without
// reloading the page. Cells: `first` (the first team to solve it), `solved`, `partial` (scored
// without solving: shows its points), `attempted`, `untouched`; what changed since the
// previous render is marked so CSS can draw the eye. The first three places are a podium,
// named ("2nd") as well as coloured. Mirrors server/src/web/pages/board/grid.rs.
import { el } from "../lib/live.js";

const SYMBOL = { first: "★", solved: "✓", attempted: "•", untouched: "" };
const SPOKEN = { first: "solved first", solved: "solved", attempted: "attempted", untouched: "not attempted" };
const PLACES = { 1: "1st", 2: "2nd", 3: "3rd" };

/** The podium place of a row ("1st", "2nd", "3rd"), once the team scored; else null. */
export function podium(row) {
  if (!(row.solved > 0 || row.score > 0)) return null;
  return PLACES[row.rank] ?? null;
}

/** What a cell shows: its symbol, or the points of partial credit. */
function symbolOf(state, progress) {
  return state === "partial" ? String(progress.score) : SYMBOL[state];
}

/** The columns (challenges) a server-rendered table header names. */
export function columnsOf(headRow) {
  return [...headRow.querySelectorAll("th[data-challenge]")].map((th) => ({
    slug: th.dataset.challenge,
    position: Number(th.querySelector(".col-num")?.textContent ?? 0),
    title: th.querySelector(".col-title")?.textContent ?? "",
  }));
}

/** A cell's state from a team's progress on a challenge and whether it attempted it. */
export function cellState(progress, attempted) {
  if (progress?.solved) return progress.first_solve ? "first" : "solved";
  if ((progress?.score ?? 0) > 0) return "partial";
  if (attempted) return "attempted";
  return "untouched";
}

/** Rewrites the header row for `columns` (a challenge published meanwhile adds one). */
export function renderHead(headRow, columns) {
  const current = columnsOf(headRow);
  const same =
    current.length === columns.length &&
    current.every((c, i) => c.slug === columns[i].slug && c.title === columns[i].title);
  if (same) return;
  for (const th of headRow.querySelectorAll("th[data-challenge]")) th.remove();
  const before = headRow.querySelector(".col-solved");
  for (const column of columns) {
    const th = el(
      "th",
      { scope: "col", class: "col-challenge", "data-challenge": column.slug, title: column.title || undefined },
      el("span", { class: "col-num", text: String(column.position) }),
      column.title ? el("span", { class: "col-title", text: column.title }) : null,
    );
    headRow.insertBefore(th, before);
  }
}

/** Columns that also cover every challenge the board's rows mention. */
export function completeColumns(columns, body) {
  const known = new Set(columns.map((c) => c.slug));
  const result = [...columns];
  for (const row of body.rows ?? []) {
    for (const p of row.progress ?? []) {
      if (!known.has(p.challenge)) {
        known.add(p.challenge);
        result.push({ slug: p.challenge, position: result.length + 1, title: "" });
      }
    }
  }
  return result;
}

/**
 * Re-renders `tbody` from `body.rows`. `attempted` maps team ids to arrays of challenge slugs;
 * `previous` is what the last call returned (a Map of `team/challenge` → state), so changed
 * cells get `is-changed`; `teamHref(team)` makes team names links (the organizer's view);
 * `bigScreen` adds the podium tag and the compact progress a phone shows instead of the cells.
 * Returns `{states, news}`: the new states, and sentences describing new solves.
 */
export function renderRows(
  tbody,
  body,
  columns,
  { attempted = {}, previous = null, teamHref = null, bigScreen = false } = {},
) {
  const states = new Map();
  const news = [];
  const rows = [];
  for (const row of body.rows ?? []) {
    const tried = new Set(attempted[row.team.id] ?? []);
    const progress = new Map((row.progress ?? []).map((p) => [p.challenge, p]));
    let rowChanged = false;
    const mini = [];
    const cells = columns.map((column) => {
      const state = cellState(progress.get(column.slug), tried.has(column.slug));
      const symbol = symbolOf(state, progress.get(column.slug));
      mini.push(el("span", { class: `mini mini-${state}`, text: state === "untouched" ? "·" : symbol }));
      const key = `${row.team.id}/${column.slug}`;
      states.set(key, state);
      const before = previous?.get(key);
      const changed = previous !== null && before !== undefined && before !== state;
      if (changed) {
        rowChanged = true;
        if (state === "first" || state === "solved") {
          const name = column.title || `challenge ${column.position}`;
          news.push(`${row.team.name} solved ${name}${state === "first" ? ", first of all teams" : ""}.`);
        }
      }
      const spoken = state === "partial" ? `partial credit, ${symbol} points` : SPOKEN[state];
      const label = `${column.title ? `challenge ${column.position} (${column.title})` : `challenge ${column.position}`}: ${spoken}`;
      return el(
        "td",
        { class: `cell cell-${state}${changed ? " is-changed" : ""}`, "data-challenge": column.slug, "data-state": state },
        el("span", { "aria-hidden": "true", text: symbol }),
        el("span", { class: "visually-hidden", text: label }),
      );
    });
    const name = teamHref
      ? el("a", { href: teamHref(row.team), text: row.team.name })
      : el("span", { class: "team-name", text: row.team.name });
    const place = podium(row);
    const team = bigScreen
      ? [
          place ? el("span", { class: "podium-tag" }, place, el("span", { class: "visually-hidden", text: " place" })) : null,
          place ? " " : null,
          name,
          el("span", { class: "team-progress", "aria-hidden": "true" }, mini),
        ]
      : [name];
    rows.push(
      el(
        "tr",
        { "data-team": row.team.id, class: `board-row${place ? ` podium-${row.rank}` : ""}${rowChanged ? " is-changed" : ""}` },
        el("td", { class: "col-rank", text: String(row.rank) }),
        el("th", { scope: "row", class: "col-team" }, team),
        cells,
        el("td", { class: "col-solved", text: String(row.solved) }),
        el("td", { class: "col-score", text: String(row.score) }),
      ),
    );
  }
  tbody.replaceChildren(...rows);
  return { states, news };
}

/** The states a server-rendered grid shows (so the first live update can mark changes). */
export function statesOf(tbody) {
  const states = new Map();
  for (const tr of tbody.querySelectorAll("tr[data-team]")) {
    for (const td of tr.querySelectorAll("td[data-challenge]")) {
      states.set(`${tr.dataset.team}/${td.dataset.challenge}`, td.dataset.state);
    }
  }
  return states;
}

/** The first-solves strip: per column, the name of the team that solved it first (or null). */
export function firstSolves(body, columns) {
  return columns.map((column) => {
    const first = (body.rows ?? []).find((row) =>
      (row.progress ?? []).some((p) => p.challenge === column.slug && p.solved && p.first_solve),
    );
    return {
      slug: column.slug,
      position: column.position,
      name: column.title || `challenge ${column.position}`,
      team: first?.team.name ?? null,
    };
  });
}

/** Re-renders the first-solves strip's list (as the server renders it). */
export function renderFirsts(list, firsts) {
  list.replaceChildren(
    ...firsts.map((first) =>
      el(
        "li",
        { class: `firsts-item${first.team ? " is-solved" : ""}`, "data-first": first.slug },
        el("span", { class: "firsts-num", text: String(first.position) }),
        " ",
        el("span", { class: "firsts-challenge", text: first.name }),
        " ",
        first.team
          ? el("span", { class: "firsts-team" }, el("span", { "aria-hidden": "true", text: "★ " }), first.team)
          : el("span", { class: "firsts-open", text: "not solved yet" }),
      ),
    ),
  );
}
