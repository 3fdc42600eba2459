// The race page of the big screen (`?race=1`): the top ten's score over time as one more page
// of the board's cycle. The server draws it (an SVG with its numbers, from the public board:
// frozen at the freeze, aliases only on an aliased board) once per board change; the screen
// asks again when a `leaderboard` frame says the board changed, at most one request at a time.

/** Whether the query string asks for the race page (`race=1`). */
export function raceWanted(search) {
  return new URLSearchParams(search).get("race") === "1";
}

export class RacePanel {
  /** `section`: the panel (hidden until its page comes); `slug`: the event. */
  constructor({ section, slug }) {
    this.section = section;
    this.slot = section.querySelector("[data-race-chart]");
    this.slug = slug;
    this.label = "the race";
    this.busy = false;
    this.again = false;
    this.version = undefined;
  }

  /** Shows or hides the panel (the pager's extra page). */
  toggle(shown) {
    this.section.hidden = !shown;
  }

  /** Asks for the race as drawn from the board `version` (its `generated_at`), once per board. */
  async refresh(version) {
    if (version === this.version) return;
    this.version = version;
    if (this.busy) {
      // The answer in flight may predate this board: ask once more after it.
      this.again = true;
      return;
    }
    this.busy = true;
    do {
      this.again = false;
      try {
        const response = await fetch(`/events/${encodeURIComponent(this.slug)}/board/race`, {
          headers: { Accept: "text/html" },
        });
        // Same-origin HTML drawn on the server from the public board (no scripts in it).
        if (response.ok) this.slot.innerHTML = await response.text();
      } catch {
        // The next change asks again.
        this.version = undefined;
      }
    } while (this.again);
    this.busy = false;
  }
}
