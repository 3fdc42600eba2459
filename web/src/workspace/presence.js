// Who is online, and where: each open page tells the channel whether its person is active or
// idle and which document they have open, and lists the team's people as the server reports
// them. "Idle" means the tab is hidden or nobody has typed, clicked or moved focus for three
// minutes — checked every fifteen seconds, which is precise enough for teammates deciding
// whether to wait for an answer and cheap enough to leave running all day. Presence is sent
// again on every (re)connect: the server starts each new connection as active, in no document.
import { el } from "../lib/live.js";

/**
 * Keeps `#presence` current from `presence` frames and reports this page's presence.
 * `documentId()` is the open document's id (or null), `documentTitle(id)` a document's title;
 * `onChange()` runs after each new list (the document tabs show who is in each). Returns
 * `{send(), online()}`: send this page's presence now, and the people online.
 */
export function presencePanel({ $, me, people, channel }, { documentId, documentTitle, onChange }) {
  let online = [];
  let presenceState = document.hidden ? "idle" : "active";
  let lastInput = Date.now();
  const presenceList = $("presence");

  function send() {
    channel.trySend({ type: "presence", state: presenceState, document_id: documentId() });
  }
  function setPresence(state) {
    if (state === presenceState) return;
    presenceState = state;
    send();
  }
  for (const kind of ["keydown", "pointerdown", "focusin"]) {
    document.addEventListener(kind, () => {
      lastInput = Date.now();
      setPresence("active");
    }, { passive: true });
  }
  document.addEventListener("visibilitychange", () => setPresence(document.hidden ? "idle" : "active"));
  setInterval(() => {
    if (document.hidden || Date.now() - lastInput > 3 * 60 * 1000) setPresence("idle");
  }, 15_000);

  function render() {
    for (const person of online) people.set(person.user_id, person.display_name);
    presenceList.replaceChildren(
      ...online.map((person) => {
        const where = person.document_id && documentTitle(person.document_id);
        return el(
          "li",
          { class: `presence-person presence-${person.state}`, "data-user": person.user_id },
          el("span", { class: "presence-dot", "aria-hidden": "true" }),
          el("span", { class: "presence-name", text: person.display_name + (person.user_id === me.id ? " (you)" : "") }),
          person.role && person.role !== "member" ? el("span", { class: "badge", text: person.role }) : null,
          el("span", { class: "presence-state muted", text: where ? `${person.state}, in ${where}` : person.state }),
        );
      }),
    );
    onChange();
  }

  channel.on("presence", (message) => {
    online = message.online;
    render();
  });
  channel.onOpen(send);

  return { send, online: () => online };
}
