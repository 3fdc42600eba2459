// The coach's page kept current for passes awaiting a sign-off (the page is complete without
// it; its approve / reject forms post as they are). One event channel per event the coach
// coaches in; each `sign_offs` frame (a pass began to await, or one was decided, by anyone)
// reads the page again and swaps `[data-sign-offs]` in, keeping a comment being typed.
import { liveSocket } from "../lib/live.js";
import { localTimes } from "../lib/time.js";

const root = document.querySelector("[data-staff='coach']");
if (root) signOffs(root);

function signOffs(root) {
  const slugs = new Set([...root.querySelectorAll("[data-coached-team]")].map((card) => card.dataset.event));
  let pending = null;
  let again = false;

  async function refresh() {
    if (pending) {
      again = true;
      return;
    }
    pending = (async () => {
      try {
        const response = await fetch("/coach", { credentials: "same-origin", headers: { Accept: "text/html" } });
        if (!response.ok) return;
        const page = new DOMParser().parseFromString(await response.text(), "text/html");
        const fresh = page.querySelector("[data-sign-offs]");
        const current = root.querySelector("[data-sign-offs]");
        if (!fresh || !current) return;
        // Comments being typed survive the swap.
        for (const area of current.querySelectorAll("textarea")) {
          const same = fresh.querySelector(`#${CSS.escape(area.id)}`);
          if (same) same.value = area.value;
        }
        const focused = document.activeElement?.id;
        current.replaceWith(fresh);
        localTimes();
        if (focused) document.getElementById(focused)?.focus();
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

  for (const slug of slugs) {
    liveSocket(`/api/v1/events/${encodeURIComponent(slug)}/ws`, {
      onMessage(message) {
        if (message.type === "sign_offs") refresh();
      },
      // A reconnect may have missed frames.
      onState(state) {
        if (state === "open") refresh();
      },
    });
  }
}
