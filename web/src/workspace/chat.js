// The team chat: the history the channel sends on (re)connect and each new line, oldest first,
// with the viewer's own lines marked. History is re-sent after every reconnect, so lines are
// keyed by id and never shown twice. Enter sends (as in every chat people know) and
// Shift+Enter breaks the line; a message that could not be sent stays in the box so nothing
// typed is lost.
import { el } from "../lib/live.js";
import { chatMarkdown, insertOrdered } from "./render.js";
import { timeElement } from "../lib/time.js";

/** Shows `#chat-form` and keeps `#chat-log` current from `chat_history` and `chat` frames. */
export function chatPanel({ $, me, people, channel, flash }) {
  const chatLog = $("chat-log");
  const chatForm = $("chat-form");
  const chatInput = $("chat-input");
  chatForm.hidden = false;

  function addChat(message) {
    if (chatLog.querySelector(`[data-id="${CSS.escape(message.id)}"]`)) return;
    people.set(message.author.user_id, message.author.display_name);
    const mine = message.author.user_id === me.id;
    const line = el(
      "li",
      { class: `chat-line${mine ? " chat-mine" : ""}`, "data-id": message.id },
      el(
        "p",
        { class: "chat-meta" },
        el("span", { class: "chat-author", text: message.author.display_name }),
        " ",
        timeElement(message.at, "time", { class: "muted" }),
      ),
      el("div", { class: "chat-text" }, chatMarkdown(message.text)),
    );
    insertOrdered(chatLog, line, false);
    chatLog.scrollTop = chatLog.scrollHeight;
  }

  chatForm.addEventListener("submit", (event) => {
    event.preventDefault();
    const text = chatInput.value.trim();
    if (!text) return;
    if (channel.trySend({ type: "chat", text })) chatInput.value = "";
    else flash("Not connected: your message was not sent.");
  });
  chatInput.addEventListener("keydown", (event) => {
    if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      chatForm.requestSubmit();
    }
  });

  channel.on("chat_history", (message) => message.messages.forEach(addChat));
  channel.on("chat", addChat);
}
