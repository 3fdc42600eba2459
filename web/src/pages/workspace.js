// The team workspace (/teams/{id}), made live: the team channel (chat, presence, activity,
// help calls, announcements, the document list), the shared editor (workspace/editor.js),
// and the submit panel posting through the JSON API and showing each verdict as it arrives.
// The server-rendered page works without this script; this only enhances it.
import { ApiError, api, el, liveSocket } from "../lib/live.js";
import { openDocument } from "../workspace/editor.js";
import {
  base64,
  chatMarkdown,
  outcomeOfActivity,
  outcomeOfSubmission,
  timeOf,
  verdictBox,
} from "../workspace/render.js";

const root = document.getElementById("workspace");
if (root) start(root);

function start(root) {
  const $ = (id) => document.getElementById(id);
  const teamId = root.dataset.team;
  const me = { id: root.dataset.user, name: root.dataset.userName };
  const staff = root.dataset.relation !== "member";

  /** user id → display name, from the page, presence, chat and activity. */
  const people = new Map();
  for (const person of document.querySelectorAll("#team-people .person")) {
    people.set(person.dataset.user, person.textContent);
  }
  people.set(me.id, me.name);
  const nameOf = (who) => {
    if (who && typeof who === "object") return who.display_name ?? nameOf(who.user_id);
    return people.get(who) ?? "someone";
  };

  // ---- connection status and errors ---------------------------------------------------
  const liveStatus = $("live-status");
  const errors = el("div", { class: "ws-errors", role: "alert" });
  liveStatus.after(errors);
  let docStatus = "connected";
  let channelOpen = false;
  function showStatus() {
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

  // ---- invite link ----------------------------------------------------------------------
  const invite = $("invite-link");
  if (invite) {
    invite.value = new URL(invite.value, location.origin).href;
    invite.addEventListener("focus", () => invite.select());
    const copy = $("copy-invite");
    copy.hidden = false;
    copy.addEventListener("click", async () => {
      try {
        await navigator.clipboard.writeText(invite.value);
      } catch {
        invite.select();
        document.execCommand("copy");
      }
      copy.textContent = "Copied";
      setTimeout(() => (copy.textContent = "Copy"), 2000);
    });
  }

  // ---- the team channel ---------------------------------------------------------------
  const channel = liveSocket(`/api/v1/teams/${teamId}/ws`, {
    onMessage: handle,
    onState(state) {
      channelOpen = state === "open";
      showStatus();
      if (channelOpen) sendPresence();
    },
  });
  const send = (message) => {
    if (!channel.send(message)) flash("Not connected: try again in a moment.");
  };

  function handle(message) {
    switch (message.type) {
      case "hello":
        people.set(message.you.user_id, message.you.display_name);
        break;
      case "chat_history":
        message.messages.forEach(addChat);
        break;
      case "chat":
        addChat(message);
        break;
      case "activity_history":
        message.items.forEach(addActivity);
        break;
      case "activity":
        addActivity(message);
        refreshSubmissions();
        break;
      case "documents": {
        const had = currentDoc && documents.some((d) => d.id === currentDoc);
        documents = message.documents;
        if (had && !documents.some((d) => d.id === currentDoc)) {
          closeDoc();
          flash("The document you had open was deleted.");
        }
        renderDocuments();
        break;
      }
      case "doc_created":
        if (pendingCreate && message.document.title === pendingCreate) {
          pendingCreate = null;
          openDoc(message.document.id);
        }
        break;
      case "help_calls":
        message.calls.forEach((call) => helpCalls.set(call.id, call));
        renderHelp();
        break;
      case "help":
        helpCalls.set(message.call.id, message.call);
        renderHelp();
        break;
      case "announcements":
        message.announcements.forEach(addAnnouncement);
        break;
      case "announcement":
        addAnnouncement(message);
        break;
      case "presence":
        online = message.online;
        renderPresence();
        break;
      case "error":
        flash(message.message || message.code);
        break;
      default:
        break;
    }
  }

  /** Inserts `node` (with `data-id`) into `list`, keeping id order (ids sort in time). */
  function insertOrdered(list, node, newestFirst) {
    const id = node.dataset.id;
    const after = [...list.children].find((other) =>
      newestFirst ? other.dataset.id < id : other.dataset.id > id,
    );
    list.insertBefore(node, after ?? null);
  }

  // ---- chat -----------------------------------------------------------------------------
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
        el("time", { datetime: message.at, class: "muted", text: timeOf(message.at) }),
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
    if (channel.send({ type: "chat", text })) chatInput.value = "";
    else flash("Not connected: your message was not sent.");
  });
  chatInput.addEventListener("keydown", (event) => {
    if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      chatForm.requestSubmit();
    }
  });

  // ---- activity and the ladder ------------------------------------------------------------
  const activity = $("activity");
  function activityText(item) {
    switch (item.kind) {
      case "submission":
        return `${nameOf(item.submitted_by)} submitted ${item.challenge}`;
      case "verdict":
        if (item.status === "validator_error") return `${item.challenge}: the validator failed`;
        return `${item.challenge}: ${item.passed ? "passed" : "not yet"}, ${item.score}/${item.max_score}`;
      case "unlock":
        return `${item.challenge} unlocked`;
      case "member_joined":
        people.set(item.user.user_id, item.user.display_name);
        return `${item.user.display_name} joined the team`;
      case "coach_assigned":
        people.set(item.user.user_id, item.user.display_name);
        return `${item.user.display_name} now coaches the team`;
      default:
        return item.kind;
    }
  }
  function addActivity(item) {
    if (item.kind === "verdict") {
      const outcome = outcomeOfActivity(item);
      verdicts.set(item.submission_id, outcome);
      if (waitingFor === item.submission_id) showVerdict(outcome);
      if (item.passed && item.status === "judged") markRung(item.challenge, "solved");
    } else if (item.kind === "unlock") {
      markRung(item.challenge, "open");
    }
    if (activity.querySelector(`[data-id="${CSS.escape(item.id)}"]`)) return;
    const kind = item.kind === "verdict" ? (item.passed ? "pass" : "fail") : item.kind;
    const line = el(
      "li",
      { class: `activity-item activity-${kind}`, "data-id": item.id },
      el("time", { datetime: item.at, class: "muted", text: timeOf(item.at) }),
      " ",
      el("span", { text: activityText(item) }),
    );
    insertOrdered(activity, line, true);
  }

  const ladder = $("ladder");
  const challengeSelect = $("submit-challenge");
  /** Shows `slug` as open (unlocked) or solved, without a reload. */
  function markRung(slug, state) {
    const rung = ladder?.querySelector(`li[data-slug="${CSS.escape(slug)}"]`);
    if (!rung) return;
    const was = rung.dataset.state;
    if (was === state || (was === "solved" && state === "open")) return;
    rung.dataset.state = state;
    rung.classList.remove(`rung-${was}`);
    rung.classList.add(`rung-${state}`);
    const badge = rung.querySelector(".rung-badge");
    badge.className = `badge rung-badge badge-${state}`;
    badge.textContent = state;
    const title = rung.querySelector(".rung-title");
    if (title.tagName !== "A") {
      const link = el("a", {
        class: "rung-title",
        href: `/teams/${teamId}?challenge=${encodeURIComponent(slug)}`,
        text: title.textContent,
      });
      title.replaceWith(link);
    }
    if (challengeSelect && ![...challengeSelect.options].some((o) => o.value === slug)) {
      challengeSelect.append(el("option", { value: slug, text: rung.querySelector(".rung-title").textContent }));
    }
    const selected = document.querySelector("#challenge .badge");
    if (selected && root.querySelector(".rung-selected")?.dataset.slug === slug) {
      selected.className = `badge badge-${state}`;
      selected.textContent = state;
    }
  }

  // ---- help calls ---------------------------------------------------------------------------
  const helpCalls = new Map();
  const helpList = $("help-calls");
  const helpForm = $("help-form");
  if (helpForm) {
    helpForm.hidden = false;
    helpForm.addEventListener("submit", (event) => {
      event.preventDefault();
      const context = $("help-context").value.trim();
      send({ type: "help_raise", context });
      $("help-context").value = "";
    });
  }
  function renderHelp() {
    const calls = [...helpCalls.values()].sort((a, b) => (a.id < b.id ? 1 : -1)).slice(0, 5);
    const open = calls.some((call) => call.status !== "resolved");
    if (helpForm) helpForm.querySelector("button").disabled = open;
    helpList.replaceChildren(
      ...(calls.length ? [] : [el("p", { class: "muted", text: "No coach called." })]),
      ...calls.map((call) => {
        const actions = [];
        if (staff && call.status === "raised") {
          actions.push(el("button", {
            type: "button",
            class: "button-small",
            text: "Acknowledge",
            onclick: () => send({ type: "help_ack", id: call.id }),
          }));
        }
        if (staff && call.status !== "resolved") {
          actions.push(el("button", {
            type: "button",
            class: "button-small secondary",
            text: "Resolve",
            onclick: () => send({ type: "help_resolve", id: call.id }),
          }));
        }
        const who = call.status === "acknowledged" ? ` by ${nameOf(call.acknowledged_by)}` : call.status === "resolved" ? ` by ${nameOf(call.resolved_by)}` : "";
        return el(
          "div",
          { class: `help-call help-${call.status}` },
          el("p", {}, el("span", { class: `badge badge-help-${call.status}`, text: call.status }), who, " · ",
            el("span", { class: "muted", text: `${nameOf(call.raised_by)} at ${timeOf(call.raised_at)}` })),
          call.context ? el("p", { class: "help-context", text: call.context }) : null,
          actions.length ? el("p", { class: "actions" }, actions) : null,
        );
      }),
    );
  }
  renderHelp();

  // ---- announcements ------------------------------------------------------------------------
  const announcements = $("announcements");
  function addAnnouncement(item) {
    if (announcements.querySelector(`[data-id="${CSS.escape(item.id)}"]`)) return;
    const line = el(
      "li",
      { class: "announcement", "data-id": item.id },
      el("p", { class: "chat-meta" }, el("span", { class: "chat-author", text: nameOf(item.author) }), " ",
        el("time", { datetime: item.at, class: "muted", text: timeOf(item.at) })),
      el("div", { class: "chat-text" }, chatMarkdown(item.text)),
    );
    insertOrdered(announcements, line, true);
  }

  // ---- presence -----------------------------------------------------------------------------
  let online = [];
  let presenceState = document.hidden ? "idle" : "active";
  let lastInput = Date.now();
  const presenceList = $("presence");
  function sendPresence() {
    channel.send({ type: "presence", state: presenceState, document_id: currentDoc });
  }
  function setPresence(state) {
    if (state === presenceState) return;
    presenceState = state;
    sendPresence();
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
  const docTitle = (id) => documents.find((d) => d.id === id)?.title;
  function renderPresence() {
    for (const person of online) people.set(person.user_id, person.display_name);
    presenceList.replaceChildren(
      ...online.map((person) => {
        const where = person.document_id && docTitle(person.document_id);
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
    renderDocuments();
  }

  // ---- documents and the editor --------------------------------------------------------------
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

  function renderDocuments() {
    docList.replaceChildren(
      ...documents.map((doc) => {
        const here = online.filter((p) => p.document_id === doc.id && p.user_id !== me.id).map((p) => p.display_name);
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
    renderSubmitDocs();
  }

  function closeDoc() {
    editor?.destroy();
    editor = null;
    currentDoc = null;
    docStatus = "connected";
    showStatus();
    renameForm.hidden = true;
    editorEmpty.hidden = false;
    editorParent.replaceChildren();
    sendPresence();
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
      onStatus(status) {
        docStatus = status;
        showStatus();
      },
    });
    if (ticket !== opening || currentDoc !== id) {
      opened.destroy();
      return;
    }
    editor = opened;
    editorEmpty.hidden = true;
    renameForm.hidden = false;
    renderDocuments();
    sendPresence();
    opened.view.focus();
  }

  $("doc-new").addEventListener("submit", (event) => {
    event.preventDefault();
    const input = $("doc-new-title");
    const title = input.value.trim();
    if (!title) return;
    pendingCreate = title;
    send({ type: "doc_create", title });
    input.value = "";
  });
  renameForm.addEventListener("submit", (event) => {
    event.preventDefault();
    const title = $("doc-title").value.trim();
    if (currentDoc && title) send({ type: "doc_rename", id: currentDoc, title });
  });
  $("doc-delete").addEventListener("click", () => {
    if (currentDoc && confirm(`Delete “${docTitle(currentDoc)}” for the whole team?`)) {
      send({ type: "doc_delete", id: currentDoc });
    }
  });

  // ---- submitting -----------------------------------------------------------------------------
  const verdicts = new Map();
  let waitingFor = null;
  const verdictArea = $("verdict");
  const submitForm = $("submit-form");
  const submitDocs = $("submit-docs");
  /** doc id → {checked, path} chosen in the submit panel. */
  const docChoices = new Map();
  const pathFor = (title) => title.trim().replace(/\s+/g, "-").replace(/[^A-Za-z0-9._/-]/g, "") || "document.txt";

  function showVerdict(outcome) {
    verdictArea.replaceChildren(verdictBox(outcome));
  }

  function renderSubmitDocs() {
    if (!submitDocs) return;
    $("submit-docs-empty").hidden = documents.length > 0;
    submitDocs.replaceChildren(
      ...documents.map((doc) => {
        const choice = docChoices.get(doc.id) ?? { checked: false, path: pathFor(doc.title) };
        docChoices.set(doc.id, choice);
        const box = el("input", { type: "checkbox", id: `submit-doc-${doc.id}`, checked: choice.checked });
        box.addEventListener("change", () => (choice.checked = box.checked));
        const path = el("input", { id: `submit-path-${doc.id}`, value: choice.path, autocomplete: "off" });
        path.addEventListener("input", () => (choice.path = path.value));
        return el(
          "li",
          { class: "submit-doc" },
          el("label", { class: "choice", for: `submit-doc-${doc.id}` }, box, doc.title),
          el("label", { class: "hint", for: `submit-path-${doc.id}`, text: "as file" }),
          path,
        );
      }),
    );
  }

  async function refreshSubmissions() {
    try {
      const list = await api(`/teams/${teamId}/submissions?limit=10`);
      $("submissions-empty")?.remove();
      $("submissions").replaceChildren(
        ...list.submissions.map((s) => {
          const judged = s.passed !== null && s.passed !== undefined;
          const cls = judged ? (s.passed ? "pass" : "fail") : "pending";
          const outcome = judged ? `${s.passed ? "passed" : "failed"} ${s.score}/${s.max_score}` : s.status.replace("_", " ");
          return el(
            "li",
            { class: `submission submission-${cls}` },
            el("span", { class: "submission-challenge", text: s.challenge }),
            " ",
            el("span", { class: `badge badge-${cls}`, text: outcome }),
            " ",
            el("time", { datetime: s.created_at, class: "muted", text: timeOf(s.created_at) }),
          );
        }),
      );
    } catch {
      // The list is a convenience; the activity feed shows the same.
    }
  }

  if (submitForm) {
    $("submit-files").hidden = false;
    submitForm.addEventListener("submit", async (event) => {
      event.preventDefault();
      const button = $("submit-button");
      const challenge = challengeSelect.value;
      const answer = $("submit-answer").value;
      button.disabled = true;
      verdictArea.replaceChildren(el("p", { class: "muted", text: "Submitting…" }));
      try {
        const files = [];
        for (const doc of documents) {
          const choice = docChoices.get(doc.id);
          if (!choice?.checked) continue;
          const body = await api(`/teams/${teamId}/documents/${doc.id}/text`);
          files.push({ path: choice.path.trim(), content_base64: base64(new TextEncoder().encode(body.text)) });
        }
        for (const file of $("submit-upload").files) {
          files.push({ path: file.name, content_base64: base64(await file.arrayBuffer()) });
        }
        if (!answer.trim() && !files.length) {
          verdictArea.replaceChildren(el("p", { class: "form-error", text: "Give a short answer, choose files, or both." }));
          return;
        }
        const request = { challenge, answer };
        if (files.length) request.files = files;
        const view = await api(`/teams/${teamId}/submissions`, { method: "POST", body: request });
        const outcome = outcomeOfSubmission(view);
        if (outcome.pending) {
          waitingFor = view.id;
          showVerdict(verdicts.get(view.id) ?? outcome);
        } else {
          showVerdict(outcome);
          if (outcome.passed) markRung(outcome.challenge, "solved");
        }
        refreshSubmissions();
      } catch (error) {
        const message = error instanceof ApiError ? error.message : `Could not submit: ${error.message}`;
        verdictArea.replaceChildren(el("p", { class: "form-error", text: message }));
      } finally {
        button.disabled = false;
      }
    });
  }

  showStatus();
  renderDocuments();
}
