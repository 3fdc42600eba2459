// Applying the event channel's `leaderboard_delta` frames (sent to sockets opened with
// `?board=deltas`): only the rows that changed, the ranks that moved, and the order when it
// changed. A delta applies to the board whose tag is its `base`; the result is exactly the
// board tagged `etag` (the same as `GET /events/{slug}/leaderboard` with that ETag).

/**
 * What to do with `delta` holding `board`: `"skip"` (the board already is the delta's
 * result), `"apply"`, or `"refetch"` (the board is another one: a frame was missed, or the
 * socket joined between two pushes; ask for the whole board).
 */
export function deltaAction(board, delta) {
  if (board?.etag && board.etag === delta.etag) return "skip";
  if (board?.etag && board.etag === delta.base) return "apply";
  return "refetch";
}

/**
 * The board `delta` makes of `board` (whose `etag` is `delta.base`), or `null` when it names
 * a team the board lacks and the delta does not bring (the whole board is needed then).
 */
export function applyDelta(board, delta) {
  const byId = new Map((board.rows ?? []).map((row) => [row.team.id, row]));
  for (const row of delta.rows ?? []) byId.set(row.team.id, row);
  for (const [id, rank] of Object.entries(delta.ranks ?? {})) {
    const row = byId.get(id);
    if (!row) return null;
    byId.set(id, { ...row, rank });
  }
  const order = delta.order ?? (board.rows ?? []).map((row) => row.team.id);
  const rows = [];
  for (const id of order) {
    const row = byId.get(id);
    if (!row) return null;
    rows.push(row);
  }
  return {
    type: "leaderboard",
    etag: delta.etag,
    event: delta.event,
    frozen: delta.frozen,
    freeze_at: delta.freeze_at,
    generated_at: delta.generated_at,
    rows,
  };
}
