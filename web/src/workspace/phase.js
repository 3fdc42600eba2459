// The parts of the workspace that follow the event's phase, read again from the server when
// the clock says a boundary passed (or an organizer moved the schedule): the phase badge, the
// clock, the ladder, and — when they change — the submit form (it appears at the start and
// goes at the end) and the selected challenge (the challenges appear at the start). The page
// is fetched as the server renders it now and those parts are swapped in, so the server
// decides what shows; nothing else on the page (chat, documents, a typed answer while the
// board freezes) is touched. If the server does not see the new phase yet (the reader's
// clock is a little ahead), it is asked again a moment later.
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** How many times the page is read for a phase the server does not show yet. */
const ATTEMPTS = 10;

/**
 * Returns `{refresh(expected)}`: read the page again (until the server shows `expected`, a
 * phase, if given) and swap the parts in; `onSwapped({submitSwapped})` follows each swap.
 */
export function phaseParts({ $, root }, { onSwapped }) {
  let running = null;

  async function fetchPage() {
    const response = await fetch(location.pathname + location.search, {
      headers: { Accept: "text/html" },
      credentials: "same-origin",
    });
    if (!response.ok) return null;
    return new DOMParser().parseFromString(await response.text(), "text/html");
  }

  function swap(doc, fresh) {
    const wasUpcoming = root.dataset.phase === "upcoming";
    const nowUpcoming = fresh.dataset.phase === "upcoming";
    const parts = ["ws-phase", "ws-clock", "ladder-panel"];
    const submitSwapped = fresh.dataset.canSubmit !== root.dataset.canSubmit;
    if (submitSwapped) parts.push("submit-part");
    if (wasUpcoming !== nowUpcoming) parts.push("challenge-part");
    for (const id of parts) {
      const old = $(id);
      const part = doc.getElementById(id);
      if (old && part) old.replaceWith(document.importNode(part, true));
    }
    root.dataset.phase = fresh.dataset.phase;
    root.dataset.canSubmit = fresh.dataset.canSubmit;
    onSwapped({ submitSwapped });
  }

  async function refresh(expected) {
    for (let attempt = 1; attempt <= ATTEMPTS; attempt++) {
      let doc = null;
      try {
        doc = await fetchPage();
      } catch {
        // Offline for a moment: try again below.
      }
      const fresh = doc?.getElementById("workspace");
      if (fresh && (!expected || fresh.dataset.phase === expected || attempt === ATTEMPTS)) {
        swap(doc, fresh);
        return;
      }
      await sleep(1000);
    }
  }

  return {
    /** Reads the page again; a call while one runs waits for it instead of starting another. */
    refresh(expected) {
      running ??= refresh(expected).finally(() => (running = null));
      return running;
    },
  };
}
