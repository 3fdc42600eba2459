// The team channel (`/api/v1/teams/{id}/ws`): one JSON socket carrying chat, presence,
// activity, help calls, announcements and the document list. Reconnecting with backoff, and
// asking for a renewed access token before each attempt (the page's own expires while people
// work for hours), is lib/live.js's `liveSocket`; this module hands each frame to the panels
// that asked for its type, so no panel needs to know about the others' frames. Two ways to send
// exist because a lost frame matters differently: an action someone took (a help call, a new
// document) is reported as not sent, while background frames (presence) just wait for the next
// connection.
import { liveSocket } from "../lib/live.js";

/**
 * Opens the channel of `teamId`. `people` (the name directory) learns the viewer's name from
 * the `hello` frame; `status` is the live-status line (status.js). Returns `{on(type, handler),
 * onOpen(handler), send(message), trySend(message)}`. Handlers of one type run in the order they
 * were added; the socket connects asynchronously, so handlers added while the page starts up
 * see every frame.
 */
export function teamChannel({ teamId, people }, status) {
  const handlers = new Map();
  const openHandlers = [];
  const on = (type, handler) => {
    if (!handlers.has(type)) handlers.set(type, []);
    handlers.get(type).push(handler);
  };

  const socket = liveSocket(`/api/v1/teams/${teamId}/ws`, {
    onMessage(message) {
      for (const handler of handlers.get(message.type) ?? []) handler(message);
    },
    onState(state) {
      const open = state === "open";
      status.setChannel(open);
      if (open) for (const handler of openHandlers) handler();
    },
  });

  on("hello", (message) => people.set(message.you.user_id, message.you.display_name));
  on("error", (message) => status.flash(message.message || message.code));

  return {
    on,
    /** `handler()` runs each time the channel (re)opens, after the status line says so. */
    onOpen: (handler) => openHandlers.push(handler),
    /** Sends `message`, or tells the person it could not be sent. */
    send(message) {
      if (!socket.send(message)) status.flash("Not connected: try again in a moment.");
    },
    /** Sends `message` if connected; whether it went is the caller's to handle. */
    trySend: (message) => socket.send(message),
  };
}
