// The team's documents: the tabs (with who else is in each), creating, renaming and deleting
// them over the team channel, and the one document open in the shared editor (editor.js). The
// list comes whole in each `documents` frame, so a document deleted by a teammate is simply
// missing: the editor is then closed with a word of explanation rather than left editing
// something that no longer exists. Opening is asynchronous (it may renew the access token), so
// each open takes a ticket and an editor that arrives after a newer open is thrown away — a
// quick second click must not leave the first document's editor in the page.
import { el } from "../lib/live.js";
import { openDocument } from "./editor.js";

/**
 * Shows `#editor-layout` and runs it. `status` is the live-status line (status.js), `presence`
 * the presence panel (presence.js); `onChange(documents)` runs after every render with the
 * current list (the submit panel offers the documents as files). Returns `{render(), list(),
 * current(), title(id)}`: re-render the tabs, the documents, the open document's id (or null),
 * and a document's title.
 */
export function documentsPanel({ $, teamId, me, channel, flash }, { status, presence, onChange }) {
  let documents = [];
  let currentDoc = null;
  let editor = null;
  let pendingCreate = null;
  let opening = 0;
  $("editor-layout").hidden = false;
  const docList = $("doc-list");
  const renameForm = $("doc-rename");
  const editorEmpty = $("editor-empty");
  const editorParent = $("editor");
  const docTitle = (id) => documents.find((d) => d.id === id)?.title;

  function render() {
    docList.replaceChildren(
      ...documents.map((doc) => {
        const here = presence.online().filter((p) => p.document_id === doc.id && p.user_id !== me.id).map((p) => p.display_name);
        return el(
          "li",
          { class: "doc-item" },
          el("button", {
            type: "button",
            class: `doc-open${doc.id === currentDoc ? " doc-current" : ""}`,
            "aria-current": doc.id === currentDoc ? "true" : null,
            "data-doc": doc.id,
            onclick: () => openDoc(doc.id),
          }, doc.title),
          here.length ? el("span", { class: "doc-here muted", text: here.join(", ") }) : null,
        );
      }),
    );
    if (!documents.length) docList.append(el("li", { class: "muted", text: "No documents yet." }));
    const title = $("doc-title");
    if (currentDoc && document.activeElement !== title) title.value = docTitle(currentDoc) ?? "";
    onChange(documents);
  }

  function closeDoc() {
    editor?.destroy();
    editor = null;
    currentDoc = null;
    status.setDocument("connected");
    renameForm.hidden = true;
    editorEmpty.hidden = false;
    editorParent.replaceChildren();
    presence.send();
  }

  async function openDoc(id) {
    if (id === currentDoc) {
      editor?.view.focus();
      return;
    }
    closeDoc();
    const ticket = ++opening;
    currentDoc = id;
    const title = docTitle(id) ?? "document";
    const opened = await openDocument({
      parent: editorParent,
      teamId,
      docId: id,
      user: me,
      label: `Shared document ${title}`,
      onStatus: status.setDocument,
    });
    if (ticket !== opening || currentDoc !== id) {
      opened.destroy();
      return;
    }
    editor = opened;
    editorEmpty.hidden = true;
    renameForm.hidden = false;
    render();
    presence.send();
    opened.view.focus();
  }

  $("doc-new").addEventListener("submit", (event) => {
    event.preventDefault();
    const input = $("doc-new-title");
    const title = input.value.trim();
    if (!title) return;
    pendingCreate = title;
    channel.send({ type: "doc_create", title });
    input.value = "";
  });
  renameForm.addEventListener("submit", (event) => {
    event.preventDefault();
    const title = $("doc-title").value.trim();
    if (currentDoc && title) channel.send({ type: "doc_rename", id: currentDoc, title });
  });
  $("doc-delete").addEventListener("click", () => {
    if (currentDoc && confirm(`Delete “${docTitle(currentDoc)}” for the whole team?`)) {
      channel.send({ type: "doc_delete", id: currentDoc });
    }
  });

  channel.on("documents", (message) => {
    const had = currentDoc && documents.some((d) => d.id === currentDoc);
    documents = message.documents;
    if (had && !documents.some((d) => d.id === currentDoc)) {
      closeDoc();
      flash("The document you had open was deleted.");
    }
    render();
  });
  // The answer to this page's own `doc_create`: its author lands in the new document, while
  // teammates only get a new tab from the next `documents` frame.
  channel.on("doc_created", (message) => {
    if (pendingCreate && message.document.title === pendingCreate) {
      pendingCreate = null;
      openDoc(message.document.id);
    }
  });

  return { render, list: () => documents, current: () => currentDoc, title: docTitle };
}
