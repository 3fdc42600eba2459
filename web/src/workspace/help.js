// Calling a coach: members raise a help call with a line of context, and everyone on the team
// page sees the latest calls with their status (raised, acknowledged, resolved) and who moved
// them. The server refuses a second open call, so the button is disabled while one is open
// rather than letting people run into that error. Staff (coaches, organizers) viewing the
// workspace get Acknowledge and Resolve buttons on the calls themselves.
import { el } from "../lib/live.js";
import { timeElement } from "../lib/time.js";

/** Shows `#help-form` (members only) and keeps `#help-calls` current from `help_calls` and `help` frames. */
export function helpPanel({ $, staff, nameOf, channel }) {
  const helpCalls = new Map();
  const helpList = $("help-calls");
  const helpForm = $("help-form");
  if (helpForm) {
    helpForm.hidden = false;
    helpForm.addEventListener("submit", (event) => {
      event.preventDefault();
      const context = $("help-context").value.trim();
      channel.send({ type: "help_raise", context });
      $("help-context").value = "";
    });
  }

  function renderHelp() {
    const calls = [...helpCalls.values()].sort((a, b) => (a.id < b.id ? 1 : -1)).slice(0, 5);
    const open = calls.some((call) => call.status !== "resolved");
    if (helpForm) helpForm.querySelector("button").disabled = open;
    helpList.replaceChildren(
      ...(calls.length ? [] : [el("p", { class: "muted", text: "No coach called." })]),
      ...calls.map((call) => {
        const actions = [];
        if (staff && call.status === "raised") {
          actions.push(el("button", {
            type: "button",
            class: "button-small",
            text: "Acknowledge",
            onclick: () => channel.send({ type: "help_ack", id: call.id }),
          }));
        }
        if (staff && call.status !== "resolved") {
          actions.push(el("button", {
            type: "button",
            class: "button-small secondary",
            text: "Resolve",
            onclick: () => channel.send({ type: "help_resolve", id: call.id }),
          }));
        }
        const who = call.status === "acknowledged" ? ` by ${nameOf(call.acknowledged_by)}` : call.status === "resolved" ? ` by ${nameOf(call.resolved_by)}` : "";
        return el(
          "div",
          { class: `help-call help-${call.status}` },
          el("p", {}, el("span", { class: `badge badge-help-${call.status}`, text: call.status }), who, " · ",
            el("span", { class: "muted" }, `${nameOf(call.raised_by)} at `, timeElement(call.raised_at, "time"))),
          call.context ? el("p", { class: "help-context", text: call.context }) : null,
          actions.length ? el("p", { class: "actions" }, actions) : null,
        );
      }),
    );
  }
  renderHelp();

  channel.on("help_calls", (message) => {
    message.calls.forEach((call) => helpCalls.set(call.id, call));
    renderHelp();
  });
  channel.on("help", (message) => {
    helpCalls.set(message.call.id, message.call);
    renderHelp();
  });
}
