// Remote carets and selections for the shared editor, drawn with CSS classes only: the page's
// Content-Security-Policy refuses inline `style` attributes, which y-codemirror.next's own
// `yRemoteSelections` sets. Each person gets one of eight colour classes (`remote-color-0` …
// `remote-color-7`, chosen from a hash of their user id) and a label with their name.
import { Annotation, RangeSet } from "@codemirror/state";
import { Decoration, ViewPlugin, WidgetType } from "@codemirror/view";
import * as Y from "yjs";
import { ySyncFacet } from "y-codemirror.next";

/** How many colour classes the stylesheet defines. */
export const PALETTE_SIZE = 8;

/** The colour class of a user: stable across sessions and pages. */
export function colorClass(userId) {
  let hash = 0;
  for (const char of String(userId)) hash = (hash * 31 + char.codePointAt(0)) >>> 0;
  return `remote-color-${hash % PALETTE_SIZE}`;
}

/** Only the classes we define may come from another client's awareness state. */
function safeColor(value) {
  return typeof value === "string" && /^remote-color-[0-7]$/.test(value) ? value : "remote-color-0";
}

const remoteChange = Annotation.define();

class CaretWidget extends WidgetType {
  constructor(color, name) {
    super();
    this.color = color;
    this.name = name;
  }

  toDOM() {
    const caret = document.createElement("span");
    caret.className = `cm-remote-caret ${this.color}`;
    caret.setAttribute("aria-hidden", "true");
    caret.append("\u2060");
    const label = document.createElement("span");
    label.className = `cm-remote-name ${this.color}`;
    label.textContent = this.name;
    caret.append(label, "\u2060");
    return caret;
  }

  eq(other) {
    return other.color === this.color && other.name === this.name;
  }

  ignoreEvent() {
    return true;
  }
}

class RemoteCursors {
  constructor(view) {
    this.conf = view.state.facet(ySyncFacet);
    this.awareness = this.conf.awareness;
    this.decorations = RangeSet.of([]);
    this.listener = ({ added, updated, removed }) => {
      const others = [...added, ...updated, ...removed].some((id) => id !== this.awareness.doc.clientID);
      // Dispatching from inside an update is not allowed: defer to the next tick.
      if (others) setTimeout(() => view.dispatch({ annotations: [remoteChange.of(true)] }), 0);
    };
    this.awareness.on("change", this.listener);
  }

  destroy() {
    this.awareness.off("change", this.listener);
  }

  update(update) {
    const { ytext, awareness } = this.conf;
    const ydoc = ytext.doc;
    // Publish our own cursor while the editor has focus.
    const local = awareness.getLocalState();
    if (local != null) {
      const focused = update.view.hasFocus && update.view.dom.ownerDocument.hasFocus();
      const selection = focused ? update.state.selection.main : null;
      if (selection) {
        const anchor = Y.createRelativePositionFromTypeIndex(ytext, selection.anchor);
        const head = Y.createRelativePositionFromTypeIndex(ytext, selection.head);
        const current = local.cursor;
        if (
          current == null ||
          !Y.compareRelativePositions(Y.createRelativePositionFromJSON(current.anchor), anchor) ||
          !Y.compareRelativePositions(Y.createRelativePositionFromJSON(current.head), head)
        ) {
          awareness.setLocalStateField("cursor", { anchor, head });
        }
      }
    }

    const decorations = [];
    const length = update.state.doc.length;
    awareness.getStates().forEach((state, clientId) => {
      if (clientId === awareness.doc.clientID) return;
      const cursor = state.cursor;
      if (cursor?.anchor == null || cursor?.head == null) return;
      const anchor = Y.createAbsolutePositionFromRelativePosition(cursor.anchor, ydoc);
      const head = Y.createAbsolutePositionFromRelativePosition(cursor.head, ydoc);
      if (anchor == null || head == null || anchor.type !== ytext || head.type !== ytext) return;
      const color = safeColor(state.user?.colorClass);
      const name = typeof state.user?.name === "string" ? state.user.name.slice(0, 60) : "Someone";
      const from = Math.min(anchor.index, head.index, length);
      const to = Math.min(Math.max(anchor.index, head.index), length);
      if (from < to) {
        decorations.push(Decoration.mark({ class: `cm-remote-selection ${color}` }).range(from, to));
      }
      const at = Math.min(head.index, length);
      decorations.push(
        Decoration.widget({ widget: new CaretWidget(color, name), side: head.index - anchor.index > 0 ? -1 : 1 }).range(at),
      );
    });
    this.decorations = Decoration.set(decorations, true);
  }
}

/** The extension: needs `ySyncFacet` (the binding's configuration with its awareness). */
export const remoteCursors = ViewPlugin.fromClass(RemoteCursors, {
  decorations: (plugin) => plugin.decorations,
});
