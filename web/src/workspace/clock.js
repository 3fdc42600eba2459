// The workspace's clock (`#ws-clock`): when the event starts, its board freezes and it ends,
// each a `<time>` in the reader's zone (lib/time.js), with a countdown to each boundary still
// ahead and a headline for the next one ("Starts in 0:00:18"), counted against the server's
// time (board/clock.js's ServerClock), not the reader's own clock.
//
// When a boundary passes, the workspace must open (the challenges appear as the event starts)
// or close (submissions end): the clock sees the phase it computes differ from the one the
// server rendered (`#workspace[data-phase]`) and asks `onPhase(phase)` to read the page again;
// the server stays the authority on what the workspace shows. The team channel's `clock`
// frames (on joining, and whenever an organizer moves the schedule) re-sync the clock, and a
// schedule that moved makes the page be read again too, which brings the new times.
import { ServerClock, hms } from "../board/clock.js";
import { zoneName } from "../lib/time.js";

const BOUNDARIES = [
  ["start", "startsAt", "Starts in"],
  ["freeze", "freezeAt", "Board freezes in"],
  ["end", "endsAt", "Ends in"],
];

/**
 * Runs `#ws-clock`. `onPhase(phase)` is called (again after `retryMs` if still needed) while
 * the computed phase differs from the page's. Returns `{reload()}`: read the clock's box again
 * after it was swapped in.
 */
export function workspaceClock({ $, root, channel }, { onPhase, retryMs = 2000 }) {
  let box = null;
  let clock = null;
  let asked = 0;

  function reload() {
    box = $("ws-clock");
    if (!box) return;
    const schedule = {
      starts_at: box.dataset.startsAt,
      ends_at: box.dataset.endsAt,
      freeze_at: box.dataset.freezeAt || null,
    };
    if (clock) clock.schedule(schedule);
    else clock = new ServerClock(schedule, box.dataset.serverTime);
    const zone = $("clock-zone");
    if (zone) zone.textContent = `(times in ${zoneName()})`;
    tick();
  }

  function tick() {
    if (!box || !clock) return;
    const now = clock.now();
    let next = null;
    for (const [name, field, label] of BOUNDARIES) {
      const at = clock[field];
      const ahead = at !== null && at > now;
      if (ahead && !next) next = { label, ms: at - now };
      const row = box.querySelector(`[data-boundary="${name}"]`);
      if (!row) continue;
      const verb = row.querySelector(".clock-verb");
      const text = ahead ? verb.dataset.future : verb.dataset.past;
      if (verb.textContent !== text) verb.textContent = text;
      const countdown = row.querySelector(".clock-countdown");
      const left = ahead ? `in ${hms(at - now)}` : "";
      if (countdown.textContent !== left) countdown.textContent = left;
    }
    $("clock-label").textContent = next ? next.label : "The event has ended";
    $("clock-value").textContent = next ? hms(next.ms) : "";
    const phase = clock.phase(now);
    if (phase !== root.dataset.phase && Date.now() - asked >= retryMs) {
      asked = Date.now();
      onPhase(phase);
    }
  }

  channel.on("clock", (message) => {
    if (!clock) return;
    clock.sync(message.server_time);
    // The page shows whole seconds; the frame may carry fractions of one.
    const differs = (iso, ms) => (iso ? Date.parse(iso) : null) === null
      ? ms !== null
      : ms === null || Math.abs(Date.parse(iso) - ms) >= 1000;
    const moved =
      differs(message.starts_at, clock.startsAt) ||
      differs(message.ends_at, clock.endsAt) ||
      differs(message.freeze_at, clock.freezeAt);
    clock.schedule(message);
    // The schedule moved (an organizer changed it), or the server's phase is not the page's:
    // read the page again for the new times and what the phase shows.
    if (moved || message.phase !== root.dataset.phase) {
      asked = Date.now();
      onPhase(message.phase);
    }
    tick();
  });

  reload();
  setInterval(tick, 1000);
  return { reload };
}
