// The challenge ladder, moved on without a reload: when a verdict solves a challenge or the
// next one unlocks, its rung changes state the way the server would render it — badge, class,
// a link to its statement once it is no longer locked, an entry in the submit panel's
// challenge list, and the selected challenge's badge. A rung never goes back from "solved" to
// "open": an unlock frame for an already solved challenge (history replayed on reconnect)
// must not undo the solve.
import { el } from "../lib/live.js";

/** The ladder (`#ladder`) of the page. Returns `{mark(slug, state)}`. */
export function ladderPanel({ $, root, teamId }) {
  /** Shows `slug` as open (unlocked) or solved, without a reload. */
  function mark(slug, state) {
    // Looked up each time: the ladder and the form are swapped in when the event starts.
    const ladder = $("ladder");
    const challengeSelect = $("submit-challenge");
    const rung = ladder?.querySelector(`li[data-slug="${CSS.escape(slug)}"]`);
    if (!rung) return;
    const was = rung.dataset.state;
    if (was === state || (was === "solved" && state === "open")) return;
    rung.dataset.state = state;
    rung.classList.remove(`rung-${was}`);
    rung.classList.add(`rung-${state}`);
    const badge = rung.querySelector(".rung-badge");
    badge.className = `badge rung-badge badge-${state}`;
    badge.textContent = state;
    const title = rung.querySelector(".rung-title");
    if (title.tagName !== "A") {
      const link = el("a", {
        class: "rung-title",
        href: `/teams/${teamId}?challenge=${encodeURIComponent(slug)}`,
        text: title.textContent,
      });
      title.replaceWith(link);
    }
    if (challengeSelect && ![...challengeSelect.options].some((o) => o.value === slug)) {
      challengeSelect.append(el("option", { value: slug, text: rung.querySelector(".rung-title").textContent }));
    }
    const selected = document.querySelector("#challenge .badge");
    if (selected && root.querySelector(".rung-selected")?.dataset.slug === slug) {
      selected.className = `badge badge-${state}`;
      selected.textContent = state;
    }
  }

  return { mark };
}
