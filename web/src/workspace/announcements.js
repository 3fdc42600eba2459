// The event's announcements, newest first, as the organizers post them. They go through chat's
// Markdown renderer (render.js), which never turns their text into HTML, and, like chat, are
// re-sent on every reconnect, hence keyed by id. Organizers correct them
// (`announcement_edited`, the whole announcement) and withdraw them (`announcement_deleted`);
// the `announcements` list sent on every (re)connect is the event's newest, so one deleted
// while the socket was down is gone from it and leaves the page too.
import { el } from "../lib/live.js";
import { chatMarkdown, insertOrdered } from "./render.js";
import { timeElement } from "../lib/time.js";

/** Keeps `#announcements` current from the announcement frames of the team channel. */
export function announcementList({ $, nameOf, channel }) {
  const announcements = $("announcements");

  const lineOf = (id) => announcements.querySelector(`[data-id="${CSS.escape(id)}"]`);

  function render(item) {
    return el(
      "li",
      { class: "announcement", "data-id": item.id },
      el("p", { class: "chat-meta" }, el("span", { class: "chat-author", text: nameOf(item.author) }), " ",
        timeElement(item.at, "date", { class: "muted" })),
      el("div", { class: "chat-text" }, chatMarkdown(item.text)),
    );
  }

  function addAnnouncement(item) {
    if (lineOf(item.id)) return;
    insertOrdered(announcements, render(item), true);
  }

  channel.on("announcements", (message) => {
    const current = new Set(message.announcements.map((item) => item.id));
    for (const line of announcements.querySelectorAll("li[data-id]")) {
      if (!current.has(line.dataset.id)) line.remove();
    }
    message.announcements.forEach(addAnnouncement);
  });
  channel.on("announcement", addAnnouncement);
  channel.on("announcement_edited", (item) => {
    const line = lineOf(item.id);
    if (line) line.replaceWith(render(item));
    else addAnnouncement(item);
  });
  channel.on("announcement_deleted", ({ id }) => lineOf(id)?.remove());
}
