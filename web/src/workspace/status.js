// The header's live-status line and the error box under it. The workspace has two sockets that
// fail independently — the team channel and the open document's — and people need to know
// whether what they type still reaches their team, so the line tells them apart: "Live",
// "Live (document reconnecting…)" (chat works, the editor does not) and "Reconnecting…".
// Errors (refused frames, sends while offline) are flashed under it for ten seconds instead of
// blocking with a dialog, since they are usually transient.
import { el } from "../lib/live.js";

/**
 * Takes over `liveStatus` (`#live-status`). Returns `{setChannel(open), setDocument(status),
 * show(), flash(message)}`; `status` is the document socket's ("connected", "connecting",
 * "disconnected"), and is "connected" while no document is open.
 */
export function liveStatus(liveStatus) {
  const errors = el("div", { class: "ws-errors", role: "alert" });
  liveStatus.after(errors);
  let docStatus = "connected";
  let channelOpen = false;

  function show() {
    const live = channelOpen && docStatus === "connected";
    liveStatus.dataset.state = live ? "live" : channelOpen ? "partial" : "reconnecting";
    liveStatus.textContent = live
      ? "Live"
      : channelOpen
        ? "Live (document reconnecting…)"
        : "Reconnecting…";
  }
  liveStatus.dataset.state = "connecting";
  liveStatus.textContent = "Connecting…";

  function flash(message) {
    const line = el("p", { class: "form-error" }, message, " ", el("button", {
      type: "button",
      class: "link-button",
      text: "Dismiss",
      onclick: () => line.remove(),
    }));
    errors.append(line);
    setTimeout(() => line.remove(), 10_000);
  }

  return {
    show,
    flash,
    setChannel(open) {
      channelOpen = open;
      show();
    },
    setDocument(status) {
      docStatus = status;
      show();
    },
  };
}
