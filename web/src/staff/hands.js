// Raised hands (help calls) as the organizer's and the coach's pages list them: open calls
// oldest first, each with its team (a link to the workspace), status, time and context, and
// buttons to acknowledge and resolve it through the JSON API. Kept current from the event
// channel's staff frames: `help_calls` (the open calls, on join) and `help` (one call changed).
import { api, el } from "../lib/live.js";
import { timeElement } from "../lib/time.js";

/**
 * Live raised hands in `list` (a `<ul data-hands>`); `empty` is shown when there are none.
 * `teamName(id)` names a team, `detail(call)` adds a word (its event); `onChange(count, hands)` hears the number of open calls.
 */
export class Hands {
  constructor(list, { empty = null, teamName = () => "a team", detail = () => "", onChange = () => {} } = {}) {
    this.list = list;
    this.detail = detail;
    this.empty = empty;
    this.teamName = teamName;
    this.onChange = onChange;
    this.calls = new Map();
    // The server-rendered calls, until the socket replaces them.
    for (const li of list.querySelectorAll("li[data-call]")) {
      this.calls.set(li.dataset.call, {
        id: li.dataset.call,
        team_id: li.dataset.team,
        status: li.dataset.status ?? "raised",
        context: li.querySelector(".hand-context")?.textContent ?? "",
        raised_at: li.querySelector("time")?.getAttribute("datetime") ?? new Date().toISOString(),
      });
    }
    this.render();
  }

  /** Replaces the calls of `teams` (all when null) with `calls` (a `help_calls` frame). */
  replace(calls, teams = null) {
    for (const [id, call] of this.calls) {
      if (teams === null || teams.has(call.team_id)) this.calls.delete(id);
    }
    for (const call of calls) if (!call.resolved_at) this.calls.set(call.id, call);
    this.render();
  }

  /** One call changed (a `help` frame). */
  update(call) {
    if (call.status === "resolved") this.calls.delete(call.id);
    else this.calls.set(call.id, call);
    this.render();
  }

  async act(call, action, button) {
    button.disabled = true;
    try {
      const updated = await api(`/teams/${call.team_id}/help-calls/${call.id}/${action}`, { method: "POST" });
      if (updated?.id) this.update(updated);
    } catch (error) {
      button.disabled = false;
      button.title = error.message;
    }
  }

  render() {
    const calls = [...this.calls.values()].sort((a, b) => a.raised_at.localeCompare(b.raised_at));
    this.list.replaceChildren(
      ...calls.map((call) => {
        const name = this.teamName(call.team_id);
        const buttons = el("p", { class: "hand-actions" });
        if (call.status === "raised") {
          const ack = el("button", {
            type: "button",
            class: "button-small secondary",
            text: "Acknowledge",
            "aria-label": `Acknowledge ${name}'s call`,
          });
          ack.addEventListener("click", () => this.act(call, "acknowledge", ack));
          buttons.append(ack);
        }
        const resolve = el("button", {
          type: "button",
          class: "button-small secondary",
          text: "Resolve",
          "aria-label": `Resolve ${name}'s call`,
        });
        resolve.addEventListener("click", () => this.act(call, "resolve", resolve));
        buttons.append(resolve);
        return el(
          "li",
          { class: `hand hand-${call.status}`, "data-call": call.id, "data-team": call.team_id, "data-status": call.status },
          el(
            "p",
            { class: "hand-team" },
            el("a", { href: `/teams/${call.team_id}`, text: name }),
            " ",
            el("span", { class: "badge", text: call.status }),
            " ",
            timeElement(call.raised_at, "time"),
            this.detail(call) ? el("span", { class: "muted", text: this.detail(call) }) : null,
          ),
          call.context ? el("p", { class: "hand-context", text: call.context }) : null,
          buttons,
        );
      }),
    );
    if (this.empty) this.empty.hidden = calls.length > 0;
    this.onChange(calls.length, this);
  }
}
