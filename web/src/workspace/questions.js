// Questions and clarifications (`#questions`), for the selected challenge: the server renders
// the lists and the "Ask a question" form (which works without this script); this keeps them
// current from the team channel. An answer to everyone arrives as a `clarification` frame on
// every team's channel (it names no team); the team's own questions and their answers arrive
// as `question` and `answer` activity (history is re-sent after each reconnect, so each item
// is applied idempotently).
import { el } from "../lib/live.js";
import { timeElement } from "../lib/time.js";

/** Keeps `#clarifications` and `#team-questions` current; `nameOf(id)` names a member. */
export function questionsPanel({ $, nameOf, channel }) {
  const panel = $("questions");
  if (!panel) return;
  const challenge = panel.dataset.questionsChallenge;
  const clarifications = $("clarifications");
  const questions = $("team-questions");

  function clarified(c) {
    if (c.challenge !== challenge) return;
    if (clarifications.querySelector(`[data-clarification="${CSS.escape(c.id)}"]`)) return;
    clarifications.prepend(
      el(
        "li",
        { class: "clarification", "data-clarification": c.id },
        el("p", { class: "observation-meta" }, el("span", { class: "badge", text: "clarification" }), " ", timeElement(c.answered_at, "date")),
        el("p", { class: "clarification-text", text: c.text }),
      ),
    );
    $("clarifications-empty").hidden = true;
  }

  function asked(item) {
    if (item.challenge !== challenge) return;
    if (questions.querySelector(`[data-question="${CSS.escape(item.question_id)}"]`)) return;
    questions.prepend(
      el(
        "li",
        { class: "question question-open", "data-question": item.question_id, "data-state": "open" },
        el(
          "p",
          { class: "observation-meta" },
          el("strong", { text: item.asked_by?.display_name ?? nameOf(item.asked_by?.user_id) }),
          " ",
          timeElement(item.at, "date"),
          " · ",
          el("span", { class: "badge question-state", text: "waiting for an answer" }),
        ),
        el("p", { class: "question-text", text: item.text }),
      ),
    );
    $("team-questions-empty").hidden = true;
  }

  function answered(item) {
    const li = questions.querySelector(`[data-question="${CSS.escape(item.question_id)}"]`);
    if (!li || !item.answer) return;
    li.dataset.state = item.state;
    li.className = `question question-${item.state}`;
    const state = li.querySelector(".question-state");
    if (state) state.textContent = `answered ${item.to === "everyone" ? "to everyone" : "to your team"}`;
    li.querySelector(".question-answer")?.remove();
    li.append(
      el("p", { class: "question-answer" }, el("strong", { text: "Answer:" }), " ", el("span", { class: "answer-text", text: item.answer })),
    );
  }

  function onActivity(item) {
    if (item.kind === "question") asked(item);
    else if (item.kind === "answer") answered(item);
  }

  channel.on("clarification", (message) => clarified(message.clarification));
  channel.on("activity", onActivity);
  channel.on("activity_history", (message) => message.items.forEach(onActivity));
}
