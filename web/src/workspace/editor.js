// The shared editor: one Yjs document per workspace document, synced over its socket with
// y-websocket's WebsocketProvider, bound to CodeMirror 6 with y-codemirror.next's `ySync`,
// an undo manager that only undoes the local person's edits, and our CSS-class remote
// cursors (see cursors.js).
import "./csp-styles.js";
import { EditorState } from "@codemirror/state";
import {
  EditorView,
  drawSelection,
  highlightActiveLine,
  highlightActiveLineGutter,
  keymap,
  lineNumbers,
} from "@codemirror/view";
import { defaultKeymap } from "@codemirror/commands";
import { defaultHighlightStyle, syntaxHighlighting } from "@codemirror/language";
import { markdown } from "@codemirror/lang-markdown";
import * as Y from "yjs";
import { WebsocketProvider } from "y-websocket";
import { YSyncConfig, ySync, ySyncFacet } from "y-codemirror.next";

import { socketUrl, token } from "../lib/live.js";
import { colorClass, remoteCursors } from "./cursors.js";

/** Undo and redo of the local person's edits only (Yjs' UndoManager, tracked origin = the binding). */
function undoKeymap(undoManager) {
  const undo = () => (undoManager.undo(), true);
  const redo = () => (undoManager.redo(), true);
  return [
    keymap.of([
      { key: "Mod-z", run: undo, preventDefault: true },
      { key: "Mod-y", mac: "Mod-Shift-z", run: redo, preventDefault: true },
      { key: "Mod-Shift-z", run: redo, preventDefault: true },
    ]),
    EditorView.domEventHandlers({
      beforeinput(event) {
        if (event.inputType === "historyUndo") return undo();
        if (event.inputType === "historyRedo") return redo();
        return false;
      },
    }),
  ];
}

/**
 * Opens document `docId` of team `teamId` in `parent`. `user` is `{id, name}`;
 * `onStatus("connected" | "connecting" | "disconnected")` reports the socket.
 * Returns `{ view, awareness, destroy() }`.
 */
export async function openDocument({ parent, teamId, docId, user, label, onStatus = () => {} }) {
  const ydoc = new Y.Doc();
  const ytext = ydoc.getText("content");
  const provider = new WebsocketProvider(socketUrl(`/api/v1/teams/${teamId}/documents`), `${docId}/ws`, ydoc, {
    params: { access_token: await token() },
  });
  provider.awareness.setLocalStateField("user", { name: user.name, colorClass: colorClass(user.id), id: user.id });
  provider.on("status", ({ status }) => {
    onStatus(status);
    if (status === "disconnected") {
      // A renewed token for the next attempt (the page's own expires after a while).
      token()
        .then((fresh) => {
          provider.params = { ...provider.params, access_token: fresh };
        })
        .catch(() => {});
    }
  });
  provider.on("connection-close", (event) => {
    // 4404: the document was deleted; 4401/4403/1008: we may no longer open it.
    if (event && [4401, 4403, 4404].includes(event.code)) provider.disconnect();
  });

  const config = new YSyncConfig(ytext, provider.awareness);
  const undoManager = new Y.UndoManager(ytext, { trackedOrigins: new Set([config]) });
  const view = new EditorView({
    parent,
    state: EditorState.create({
      doc: ytext.toString(),
      extensions: [
        lineNumbers(),
        highlightActiveLineGutter(),
        highlightActiveLine(),
        drawSelection(),
        EditorView.lineWrapping,
        markdown(),
        syntaxHighlighting(defaultHighlightStyle, { fallback: true }),
        undoKeymap(undoManager),
        keymap.of(defaultKeymap),
        ySyncFacet.of(config),
        ySync,
        remoteCursors,
        EditorView.contentAttributes.of({ "aria-label": label }),
      ],
    }),
  });

  return {
    view,
    awareness: provider.awareness,
    destroy() {
      view.destroy();
      undoManager.destroy();
      provider.awareness.setLocalState(null);
      provider.destroy();
      ydoc.destroy();
    },
  };
}
