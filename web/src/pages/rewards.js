// The rewards page (/events/{slug}/rewards), made live; the page is complete without it.
// Each `rewards` frame of the event channel (a solve, a rejudge, a delivery marked by anyone)
// reads the page again and swaps `[data-rewards]` in. "Delivered" posts its form without
// leaving the page; "Print slip" prints that one reward's slip (the print stylesheet shows
// only the slip of the row marked `data-printing`).
import { api, liveSocket } from "../lib/live.js";
import { localTimes } from "../lib/time.js";

localTimes();

const root = document.querySelector("[data-rewards-page]");
if (root) rewardsPage(root);

function rewardsPage(root) {
  const slug = root.dataset.rewardsPage;
  const indicator = root.querySelector("[data-staff-live]");
  let pending = null;
  let again = false;

  async function refresh() {
    if (pending) {
      again = true;
      return;
    }
    pending = (async () => {
      try {
        const response = await fetch(location.pathname, { credentials: "same-origin", headers: { Accept: "text/html" } });
        if (!response.ok) return;
        const page = new DOMParser().parseFromString(await response.text(), "text/html");
        const fresh = page.querySelector("[data-rewards]");
        const current = root.querySelector("[data-rewards]");
        if (!fresh || !current) return;
        current.replaceWith(fresh);
        localTimes();
        root.dataset.loaded = String(Date.now());
      } catch {
        // The next frame asks again.
      }
    })();
    await pending;
    pending = null;
    if (again) {
      again = false;
      refresh();
    }
  }

  root.addEventListener("submit", async (event) => {
    const form = event.target.closest("form[data-deliver]");
    if (!form) return;
    event.preventDefault();
    const button = form.querySelector("button");
    if (button) button.disabled = true;
    const id = form.closest("[data-reward], [data-remote-reward]");
    const rewardId = id?.dataset.reward ?? id?.dataset.remoteReward;
    try {
      await api(`/rewards/${encodeURIComponent(rewardId)}/delivered`, { method: "POST" });
    } catch {
      // Delivered by someone else meanwhile, or gone: the list read again says which.
    }
    await refresh();
  });

  root.addEventListener("click", (event) => {
    const button = event.target.closest("[data-print-slip]");
    if (!button) return;
    const row = button.closest("[data-reward]");
    for (const marked of root.querySelectorAll("[data-printing]")) delete marked.dataset.printing;
    row.dataset.printing = "";
    document.body.classList.add("printing-slip");
    window.print();
  });
  window.addEventListener("afterprint", () => {
    document.body.classList.remove("printing-slip");
    for (const marked of root.querySelectorAll("[data-printing]")) delete marked.dataset.printing;
  });

  liveSocket(`/api/v1/events/${encodeURIComponent(slug)}/ws`, {
    onMessage(message) {
      if (message.type === "rewards") refresh();
    },
    // A reconnect may have missed frames.
    onState(state) {
      if (indicator) {
        indicator.hidden = false;
        indicator.classList.toggle("is-live", state === "open");
        indicator.classList.toggle("is-reconnecting", state !== "open");
        indicator.textContent = state === "open" ? "live" : "reconnecting…";
      }
      if (state === "open") refresh();
    },
  });
}
