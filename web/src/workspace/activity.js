// The team's activity feed, newest first: submissions, verdicts, unlocks (and challenges a
// coach opened for the team), people joining or
// leaving, the team renamed and coaches assigned. The feed is also how the page learns what happened elsewhere — a verdict
// for a submission made here arrives as a `verdict` item, and unlocks move the ladder — so each
// item's consequences run even when the item is already listed: history is re-sent after every
// reconnect, and a verdict that arrived while the channel was down must still land.
// The header's members and name follow joins, leaves and renames, in the order they happened
// (history comes oldest first).
import { el } from "../lib/live.js";
import { insertOrdered, outcomeOfActivity } from "./render.js";
import { timeElement } from "../lib/time.js";

/**
 * Keeps `#activity` current from `activity_history` and `activity` frames. `markRung(slug,
 * state)` moves the ladder; `onVerdict(outcome)` hands each verdict to the submit panel, and
 * `onSignOff(item)` each coach's sign-off decision;
 * `team` (team.js) keeps the header's members and name.
 */
export function activityFeed({ $, people, nameOf, channel }, { markRung, onVerdict, onSignOff, team }) {
  const activity = $("activity");

  function activityText(item) {
    switch (item.kind) {
      case "submission":
        return `${nameOf(item.submitted_by)} submitted ${item.challenge}`;
      case "verdict":
        if (item.status === "validator_error") return `${item.challenge}: the validator failed`;
        if (item.status === "awaiting_sign_off")
          return `${item.challenge}: passed, ${item.score}/${item.max_score} — awaiting a coach's sign-off`;
        return `${item.challenge}: ${item.passed ? "passed" : "not yet"}, ${item.score}/${item.max_score}`;
      case "unlock":
        return `${item.challenge} unlocked`;
      case "opened":
        return `${item.by?.display_name ?? "A coach"} opened ${item.challenge} for the team${item.reason ? ` — “${item.reason}”` : ""}`;
      case "sign_off":
        return item.approved
          ? `${item.challenge}: a coach signed off — solved`
          : `${item.challenge}: not signed off by a coach${item.comment ? ` — “${item.comment}”` : ""}`;
      case "member_joined":
        people.set(item.user.user_id, item.user.display_name);
        return `${item.user.display_name} joined the team`;
      case "member_left":
        return item.removed
          ? `${item.user.display_name} was taken out of the team by an organizer`
          : `${item.user.display_name} left the team`;
      case "team_renamed":
        return `${item.by.display_name} renamed the team “${item.name}”`;
      case "nudge":
        return `${item.challenge}: past the expected ${item.expected_minutes} min — your coaches were told`;
      case "hint":
        return `${item.by?.display_name ?? "A member"} unlocked hint ${item.n} of ${item.challenge}: “${item.title}”${item.cost ? ` (${item.cost} points)` : " (free)"}`;
      case "question":
        return `${item.asked_by?.display_name ?? "A member"} asked about ${item.challenge}`;
      case "answer":
        return `${item.challenge}: your question was answered${item.to === "everyone" ? " (to every team)" : ""}`;
      case "reward":
        return `${item.challenge} solved: your reward is ${item.reward}`;
      case "coach_assigned":
        people.set(item.user.user_id, item.user.display_name);
        return `${item.user.display_name} now coaches the team`;
      default:
        return item.kind;
    }
  }

  function addActivity(item) {
    if (item.kind === "verdict") {
      onVerdict(outcomeOfActivity(item));
      if (item.passed && item.status === "judged") markRung(item.challenge, "solved");
    } else if (item.kind === "sign_off") {
      onSignOff?.(item);
      if (item.approved) markRung(item.challenge, "solved");
    } else if (item.kind === "unlock" || item.kind === "opened") {
      markRung(item.challenge, "open");
    } else if (item.kind === "member_joined") {
      team.joined(item.user);
    } else if (item.kind === "member_left") {
      team.left(item.user);
    } else if (item.kind === "team_renamed") {
      team.renamed(item.name);
    }
    if (activity.querySelector(`[data-id="${CSS.escape(item.id)}"]`)) return;
    const kind =
      item.kind === "verdict"
        ? item.status === "awaiting_sign_off"
          ? "pending"
          : item.passed
            ? "pass"
            : "fail"
        : item.kind === "sign_off"
          ? item.approved
            ? "pass"
            : "fail"
          : item.kind;
    const line = el(
      "li",
      { class: `activity-item activity-${kind}`, "data-id": item.id },
      timeElement(item.at, "time-seconds", { class: "muted" }),
      " ",
      el("span", { text: activityText(item) }),
    );
    insertOrdered(activity, line, true);
  }

  channel.on("activity_history", (message) => message.items.forEach(addActivity));
  channel.on("activity", addActivity);
}
