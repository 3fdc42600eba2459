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
import { ApiError, api, el } from "../lib/live.js";
import { base64, outcomeOfSubmission, verdictBox } from "./render.js";
import { timeElement } from "../lib/time.js";

/** The refusals that are about the team's endpoints (422 from the API). */
const ENDPOINT_REFUSALS = new Set(["endpoint_missing", "invalid_endpoint"]);

/**
 * Runs `#submit-form` (when the viewer may submit) and `#verdict`. `documents()` is the team's
 * documents now; `markRung(slug, state)` moves the ladder; `endpoints()` is the team's
 * endpoint URLs. Returns `{renderDocuments(documents), verdictArrived(outcome)}`: list the
 * documents as files to submit, and take a verdict from the activity feed.
 */
export function submitPanel({ $, teamId, channel }, { documents, markRung, endpoints }) {
  const verdicts = new Map();
  let waitingFor = null;
  const verdictArea = $("verdict");
  const submitForm = $("submit-form");
  const submitDocs = $("submit-docs");
  const challengeSelect = $("submit-challenge");
  /** doc id → {checked, path} chosen in the submit panel. */
  const docChoices = new Map();
  const pathFor = (title) => title.trim().replace(/\s+/g, "-").replace(/[^A-Za-z0-9._/-]/g, "") || "document.txt";

  function showVerdict(outcome) {
    verdictArea.replaceChildren(verdictBox(outcome, { endpoints: endpoints() }));
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
            timeElement(s.created_at, "time-seconds", { class: "muted" }),
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
        for (const doc of documents()) {
          const choice = docChoices.get(doc.id);
          if (!choice?.checked) continue;
          const body = await api(`/teams/${teamId}/documents/${doc.id}/text`);
          files.push({ path: choice.path.trim(), content_base64: base64(new TextEncoder().encode(body.text)) });
        }
        for (const file of $("submit-upload").files) {
          files.push({ path: file.name, content_base64: base64(await file.arrayBuffer()) });
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
          if (outcome.passed) markRung(outcome.challenge, "solved");
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

  // An activity item may be a submission or its verdict, made from this page or a teammate's.
  channel.on("activity", () => refreshSubmissions());

  return {
    renderDocuments,
    verdictArrived(outcome) {
      verdicts.set(outcome.submission_id, outcome);
      if (waitingFor === outcome.submission_id) showWithExchanges(outcome);
    },
  };
}
