// The event's announcements, newest first, as the organizers post them. They go through chat's
// Markdown renderer (render.js), which never turns their text into HTML, and, like chat, are
// re-sent on every reconnect, hence keyed by id.
import { el } from "../lib/live.js";
import { chatMarkdown, insertOrdered } from "./render.js";
import { timeElement } from "../lib/time.js";

/** Keeps `#announcements` current from `announcements` and `announcement` frames. */
export function announcementList({ $, nameOf, channel }) {
  const announcements = $("announcements");

  function addAnnouncement(item) {
    if (announcements.querySelector(`[data-id="${CSS.escape(item.id)}"]`)) return;
    const line = el(
      "li",
      { class: "announcement", "data-id": item.id },
      el("p", { class: "chat-meta" }, el("span", { class: "chat-author", text: nameOf(item.author) }), " ",
        timeElement(item.at, "date", { class: "muted" })),
      el("div", { class: "chat-text" }, chatMarkdown(item.text)),
    );
    insertOrdered(announcements, line, true);
  }

  channel.on("announcements", (message) => message.announcements.forEach(addAnnouncement));
  channel.on("announcement", addAnnouncement);
}
