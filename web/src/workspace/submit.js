// The submit panel, without a page load: the form (which without JavaScript posts to the page
// route) goes to the JSON API instead, with a short answer and files — workspace documents
// ticked in the panel, under a file name the team chooses, and files from the computer — and
// the verdict shows in place. Judging may take a while, so the API may answer "pending"; the
// verdict then arrives as a `verdict` activity item, possibly before the API's answer, which is
// why every verdict seen is kept. The "Recent submissions" list is only a convenience next to
// the activity feed: it is re-read after each activity item and each submission, and a failed
// read leaves it as it was. A verdict that came as an activity item carries no exchanges (the
// requests the validator sent to the team's service), so the submission is read for them. A
// submission refused because of the team's endpoints links to the Endpoints panel.
// Any submission of the team opens from the list in the main column's `#verdict` (what was
// sent, by whom and when, every check), read through the API, and the address keeps it
// (`?submission=`), so a reload shows it again. Each file from the computer is sent under a
// path the submitter may edit (its name by default), checked here by the server's rules.
import { ApiError, api, el } from "../lib/live.js";
import { base64, outcomeOfSubmission, verdictBox } from "./render.js";
import { timeElement } from "../lib/time.js";

/** The refusals that are about the team's endpoints (422 from the API). */
const ENDPOINT_REFUSALS = new Set(["endpoint_missing", "invalid_endpoint"]);

/**
 * Runs `#submit-form` (when the viewer may submit) and `#verdict`. `documents()` is the team's
 * documents now; `markRung(slug, state)` moves the ladder; `endpoints()` is the team's
 * endpoint URLs. Returns `{renderDocuments(documents), bindForm(), verdictArrived(outcome)}`:
 * list the documents as files to submit, run a form swapped in, and take a verdict from the
 * activity feed.
 */
export function submitPanel({ $, teamId, channel, nameOf }, { documents, markRung, endpoints }) {
  const verdicts = new Map();
  let waitingFor = null;
  const verdictArea = $("verdict");
  /** doc id → {checked, path} chosen in the submit panel. */
  const docChoices = new Map();
  const pathFor = (title) => title.trim().replace(/\s+/g, "-").replace(/[^A-Za-z0-9._/-]/g, "") || "document.txt";

  function showVerdict(outcome) {
    verdictArea.replaceChildren(verdictBox(outcome, { endpoints: endpoints(), nameOf }));
    markCurrent(outcome.submission_id);
  }

  /** Highlights the opened submission in the list. */
  function markCurrent(id) {
    for (const row of $("submissions").children) {
      row.classList.toggle("submission-current", row.dataset.submission === id);
    }
  }

  /** Opens submission `id` in `#verdict`, and keeps it in the address for a reload. */
  async function openSubmission(id) {
    waitingFor = id;
    try {
      const outcome = outcomeOfSubmission(await api(`/submissions/${encodeURIComponent(id)}`));
      if (waitingFor !== id) return;
      showVerdict(outcome);
      const url = new URL(location.href);
      url.searchParams.set("submission", id);
      url.hash = "verdict";
      history.replaceState(null, "", url);
      verdictArea.scrollIntoView({ block: "start" });
    } catch (error) {
      verdictArea.replaceChildren(el("p", { class: "form-error", role: "alert", text: `Could not open the submission: ${error.message}` }));
    }
  }

  /**
   * Shows a verdict that came without its exchanges (from the activity feed), then reads the
   * submission for them and shows it again, if it is still the one awaited.
   */
  async function showWithExchanges(outcome) {
    showVerdict(outcome);
    try {
      const full = outcomeOfSubmission(await api(`/submissions/${encodeURIComponent(outcome.submission_id)}`));
      if (waitingFor === outcome.submission_id && !full.pending) showVerdict(full);
    } catch {
      // The verdict is shown; only the requests beside it are missing.
    }
  }

  function showRefusal(error) {
    const box = el("div", { class: "form-error", role: "alert" }, el("p", { class: "refusal-message", text: error.message }));
    if (ENDPOINT_REFUSALS.has(error.code)) {
      box.append(el("p", { class: "refusal-link" }, el("a", { href: "#endpoints", text: "Set it in the Endpoints panel" })));
    }
    verdictArea.replaceChildren(box);
  }

  function renderDocuments(documents) {
    // Looked up each time: the form appears when the event starts (phase.js swaps it in).
    const submitDocs = $("submit-docs");
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
      if (list.submissions.length) $("submissions-empty")?.remove();
      $("submissions").replaceChildren(
        ...list.submissions.map((s) => {
          const judged = s.passed !== null && s.passed !== undefined;
          let cls = judged ? (s.passed ? "pass" : "fail") : "pending";
          let outcome = judged ? `${s.passed ? "passed" : "failed"} ${s.score}/${s.max_score}` : s.status.replace("_", " ");
          if (s.status === "awaiting_sign_off") {
            cls = "pending";
            outcome = `passed ${s.score}/${s.max_score}, awaiting sign-off`;
          } else if (s.status === "sign_off_rejected") {
            cls = "fail";
            outcome = "not signed off";
          }
          return el(
            "li",
            { class: `submission submission-${cls}`, "data-submission": s.id },
            el(
              "a",
              { class: "submission-open", href: `/teams/${teamId}?submission=${encodeURIComponent(s.id)}#verdict` },
              el("span", { class: "submission-challenge", text: s.challenge }),
              " ",
              el("span", { class: `badge badge-${cls}`, text: outcome }),
              " ",
              timeElement(s.created_at, "time-seconds", { class: "muted" }),
            ),
          );
        }),
      );
      markCurrent(verdictArea.querySelector(".verdict")?.dataset.submission);
    } catch {
      // The list is a convenience; the activity feed shows the same.
    }
  }

  /** The files chosen from the computer, each with its path field and error line. */
  let uploads = [];

  function renderUploads() {
    const list = $("submit-uploads");
    uploads = [...$("submit-upload").files].map((file, i) => {
      const id = `submit-upload-path-${i}`;
      const path = el("input", { id, value: file.name, autocomplete: "off", spellcheck: "false", "aria-describedby": `${id}-error` });
      const error = el("p", { id: `${id}-error`, class: "form-error submit-upload-error", role: "alert", hidden: true });
      path.addEventListener("input", () => (error.hidden = true));
      return {
        file,
        path,
        error,
        item: el("li", { class: "submit-doc" }, el("label", { class: "hint", for: id, text: `${file.name} as file` }), path, error),
      };
    });
    list.replaceChildren(...uploads.map((u) => u.item));
  }

  /** Shows why each upload's path is refused; true when all may be sent. */
  function uploadsValid() {
    const seen = new Set();
    for (const choice of docChoices.values()) if (choice.checked) seen.add(choice.path.trim());
    let first = null;
    for (const upload of uploads) {
      const path = upload.path.value.trim();
      let why = pathProblem(path);
      if (!why && seen.has(path)) why = "another file is sent under this path";
      seen.add(path);
      upload.error.textContent = why ? `${path || "(empty)"}: ${why}` : "";
      upload.error.hidden = !why;
      if (why && !first) first = upload.path;
    }
    first?.focus();
    return !first;
  }

  /**
   * Runs `#submit-form` if the page has one and it is not run yet: at start, and again when
   * the form is swapped in as the event starts (phase.js).
   */
  function bindForm() {
    const submitForm = $("submit-form");
    if (!submitForm || submitForm.dataset.bound === "yes") return;
    submitForm.dataset.bound = "yes";
    uploads = [];
    $("submit-files").hidden = false;
    $("submit-upload").addEventListener("change", renderUploads);
    renderDocuments(documents());
    submitForm.addEventListener("submit", async (event) => {
      event.preventDefault();
      const button = $("submit-button");
      const challenge = $("submit-challenge").value;
      const answer = $("submit-answer").value;
      if (!uploadsValid()) return;
      button.disabled = true;
      verdictArea.replaceChildren(el("p", { class: "muted", text: "Submitting…" }));
      try {
        const files = [];
        for (const doc of documents()) {
          const choice = docChoices.get(doc.id);
          if (!choice?.checked) continue;
          const body = await api(`/teams/${teamId}/documents/${doc.id}/text`);
          files.push({ path: choice.path.trim(), content_base64: base64(new TextEncoder().encode(body.text)) });
        }
        for (const { file, path } of uploads) {
          files.push({ path: path.value.trim(), content_base64: base64(await file.arrayBuffer()) });
        }
        // What a submission must hold is the server's to say: a challenge judged against the
        // team's service may take an empty answer.
        const request = { challenge, answer };
        if (files.length) request.files = files;
        const view = await api(`/teams/${teamId}/submissions`, { method: "POST", body: request });
        const outcome = outcomeOfSubmission(view);
        if (outcome.pending) {
          waitingFor = view.id;
          const arrived = verdicts.get(view.id);
          if (arrived) showWithExchanges(arrived);
          else showVerdict(outcome);
        } else {
          showVerdict(outcome);
          if (outcome.passed && !outcome.sign_off) markRung(outcome.challenge, "solved");
        }
        refreshSubmissions();
      } catch (error) {
        if (error instanceof ApiError) showRefusal(error);
        else verdictArea.replaceChildren(el("p", { class: "form-error", text: `Could not submit: ${error.message}` }));
      } finally {
        button.disabled = false;
      }
    });
  }
  bindForm();

  // An activity item may be a submission or its verdict, made from this page or a teammate's.
  channel.on("activity", () => refreshSubmissions());

  // Open a submission from the list without leaving the page.
  $("submissions").addEventListener("click", (event) => {
    const link = event.target.closest("a.submission-open");
    if (!link || event.ctrlKey || event.metaKey || event.shiftKey || event.button !== 0) return;
    event.preventDefault();
    openSubmission(link.closest("[data-submission]").dataset.submission);
  });
  markCurrent(verdictArea.querySelector(".verdict")?.dataset.submission);

  return {
    renderDocuments,
    bindForm,
    verdictArrived(outcome) {
      verdicts.set(outcome.submission_id, outcome);
      if (waitingFor === outcome.submission_id) showWithExchanges(outcome);
    },
    /** A coach decided a sign-off: the opened submission, if it is that one, is read again. */
    async signOffArrived(item) {
      const shown = verdictArea.querySelector(".verdict")?.dataset.submission;
      if (shown !== item.submission_id && waitingFor !== item.submission_id) return;
      try {
        const outcome = outcomeOfSubmission(await api(`/submissions/${encodeURIComponent(item.submission_id)}`));
        showVerdict(outcome);
      } catch {
        // The activity feed says the same.
      }
    },
  };
}

/** The longest path the server accepts, in bytes. */
const MAX_PATH_BYTES = 255;

/**
 * Why the server would refuse `path` as a submitted file's path (actions::submissions
 * check_path), or null: 1 to 255 bytes, relative, `/`-separated, no `.`, `..` or empty
 * segments, no backslashes or control characters.
 */
export function pathProblem(path) {
  const bytes = new TextEncoder().encode(path).length;
  if (bytes === 0 || bytes > MAX_PATH_BYTES) return `a path has 1 to ${MAX_PATH_BYTES} bytes`;
  if (/[\u0000-\u001f\u007f-\u009f\\]/.test(path)) return "a path has no backslashes or control characters";
  if (path.startsWith("/")) return "a path is relative (no leading /)";
  if (path.split("/").some((segment) => segment === "" || segment === "." || segment === ".."))
    return "a path stays inside the submission (no .., . or empty parts, no trailing /)";
  return null;
}
