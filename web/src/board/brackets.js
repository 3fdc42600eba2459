// Brackets on the big screen: which bracket the screen shows (`?bracket=NAME`, or in turn
// with `?cycle_seconds=N`: the whole board, then each bracket), and that bracket's board cut
// from the whole public board the event channel pushes — the rows of the bracket, in the
// same order, each ranked by its `bracket_rank` — by the same rule as the server's
// `GET /api/v1/events/{slug}/leaderboard?bracket=NAME`, so the two always agree (live, and
// frozen at the freeze). Mirrors server/src/scoring/brackets.rs.

/** The seconds between two brackets when cycling (`?cycle_seconds=N`, at least 5); 0: off. */
export function cycleSeconds(search) {
  const value = Number(new URLSearchParams(search).get("cycle_seconds"));
  if (!Number.isFinite(value) || value <= 0) return 0;
  return Math.max(5, Math.round(value));
}

/** The board of `bracket` cut from `board` (`null`: the whole board, unchanged). */
export function bracketBoard(board, bracket) {
  if (!board || !bracket) return board;
  const rows = (board.rows ?? [])
    .filter((row) => row.bracket === bracket)
    .map((row) => ({ ...row, rank: row.bracket_rank ?? row.rank }));
  return { ...board, bracket, rows };
}

/**
 * Which bracket the screen shows: `current` (`null` for the whole board), and `next()` to
 * take the next turn of the cycle (the whole board, then each bracket in the event's order).
 */
export class BracketView {
  constructor({ brackets, initial }) {
    this.brackets = brackets ?? [];
    this.current = initial && this.brackets.includes(initial) ? initial : null;
  }

  next() {
    const turns = [null, ...this.brackets];
    const at = turns.indexOf(this.current);
    this.current = turns[(at + 1) % turns.length];
    return this.current;
  }
}
