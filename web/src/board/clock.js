// The event clock: countdowns computed against the server's time (`server_time` of the
// event channel's `clock` frames, or the page's `data-server-time`), never the client's own
// clock, which may be minutes off on a venue's big-screen PC.

/** "1:02:03" for a number of milliseconds (never negative). */
export function hms(ms) {
  const seconds = Math.max(0, Math.floor(ms / 1000));
  const h = Math.floor(seconds / 3600);
  const m = String(Math.floor(seconds / 60) % 60).padStart(2, "0");
  const s = String(seconds % 60).padStart(2, "0");
  return `${h}:${m}:${s}`;
}

const parse = (iso) => (iso ? Date.parse(iso) : null);

/**
 * A clock over a schedule `{starts_at, ends_at, freeze_at}` (RFC 3339 strings) whose notion of
 * "now" is the server's: `sync(serverTime)` records the offset when a server time arrives.
 */
export class ServerClock {
  constructor(schedule, serverTime) {
    this.offset = 0;
    this.schedule(schedule);
    if (serverTime) this.sync(serverTime);
  }

  /** Updates the schedule (an organizer may move it). */
  schedule({ starts_at, ends_at, freeze_at }) {
    this.startsAt = parse(starts_at);
    this.endsAt = parse(ends_at);
    this.freezeAt = parse(freeze_at);
  }

  /** Records the server's time as of now. */
  sync(serverTime) {
    const at = parse(serverTime);
    if (at !== null && !Number.isNaN(at)) this.offset = at - Date.now();
  }

  /** The server's now, in milliseconds. */
  now() {
    return Date.now() + this.offset;
  }

  /** `upcoming`, `running`, `frozen` or `ended`, as the server decides it. */
  phase(at = this.now()) {
    if (at < this.startsAt) return "upcoming";
    if (at >= this.endsAt) return "ended";
    if (this.freezeAt !== null && at >= this.freezeAt) return "frozen";
    return "running";
  }

  /** `{label, value}`: what the countdown shows now. */
  display(at = this.now()) {
    switch (this.phase(at)) {
      case "upcoming":
        return { label: "Starts in", value: hms(this.startsAt - at) };
      case "running":
        if (this.freezeAt !== null && this.freezeAt > at) {
          return { label: "Board freezes in", value: hms(this.freezeAt - at) };
        }
        return { label: "Ends in", value: hms(this.endsAt - at) };
      case "frozen":
        return { label: "Ends in", value: hms(this.endsAt - at) };
      default:
        return { label: "Final results", value: "" };
    }
  }
}

/** The words and badge class of a phase (as the server renders them). */
export const PHASES = {
  upcoming: { label: "upcoming", cls: "badge-upcoming" },
  running: { label: "running", cls: "badge-running" },
  frozen: { label: "running (board frozen)", cls: "badge-frozen" },
  ended: { label: "ended", cls: "badge-ended" },
};
