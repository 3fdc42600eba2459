// Rendering what other people wrote, safely: chat Markdown becomes DOM nodes built with
// textContent (never innerHTML of user text), and an opened submission (what was sent, its
// verdict, the checks' Markdown messages) becomes the same markup the server renders without
// JavaScript, with the requests the validator sent to the team's service beside it (whose
// response bodies are whatever that service answered). Also how the live lists (chat,
// activity, announcements) stay in time order when history and live frames arrive
// interleaved or twice.
import { el } from "../lib/live.js";
import { timeElement } from "../lib/time.js";

const INLINE = /(`[^`\n]+`)|(\*\*[^*\n]+\*\*)|(\*[^*\n]+\*|_[^_\n]+_)|(https?:\/\/[^\s<>()]+[^\s<>().,;:!?'"])/g;

/** Inline Markdown of one line: `code`, **bold**, *italic*, and bare http(s) links. */
function inline(text) {
  const nodes = [];
  let last = 0;
  for (const match of text.matchAll(INLINE)) {
    if (match.index > last) nodes.push(text.slice(last, match.index));
    const [whole, code, bold, italic, link] = match;
    if (code) nodes.push(el("code", { text: code.slice(1, -1) }));
    else if (bold) nodes.push(el("strong", { text: bold.slice(2, -2) }));
    else if (italic) nodes.push(el("em", { text: italic.slice(1, -1) }));
    else if (link) nodes.push(el("a", { href: link, rel: "noopener noreferrer nofollow", target: "_blank", text: link }));
    else nodes.push(whole);
    last = match.index + whole.length;
  }
  if (last < text.length) nodes.push(text.slice(last));
  return nodes;
}

/** A chat message's Markdown as a fragment: paragraphs, line breaks, fenced code, inline marks. */
export function chatMarkdown(source) {
  const fragment = document.createDocumentFragment();
  const blocks = String(source).split(/^```[^\n]*\n?/m);
  blocks.forEach((block, i) => {
    if (i % 2 === 1) {
      fragment.append(el("pre", {}, el("code", { text: block.replace(/\n$/, "") })));
      return;
    }
    for (const paragraph of block.split(/\n{2,}/)) {
      if (!paragraph.trim()) continue;
      const p = el("p");
      paragraph.split("\n").forEach((line, n) => {
        if (n > 0) p.append(el("br"));
        p.append(...inline(line));
      });
      fragment.append(p);
    }
  });
  return fragment;
}

/**
 * `url` as a path when it is under one of `endpoints` (the team's endpoint URLs; the longest
 * that matches): `https://team.example/v1/health` under `https://team.example/v1/` is
 * `/health`. Any other URL is kept whole. The server's `web::pages::exchanges` does the same.
 */
export function shortUrl(url, endpoints) {
  let best = null;
  for (const endpoint of endpoints) {
    const base = endpoint.replace(/\/+$/, "");
    if (!url.startsWith(base)) continue;
    const rest = url.slice(base.length);
    let path;
    if (rest === "") path = "/";
    else if (rest.startsWith("/")) path = rest;
    else if (rest.startsWith("?")) path = `/${rest}`;
    else continue;
    if (!best || base.length > best.length) best = { length: base.length, path };
  }
  return best ? best.path : url;
}

/** One exchange of a submission view as a list item, its URL shortened against `endpoints`. */
function exchangeItem(exchange, endpoints) {
  const full = `${exchange.method} ${exchange.url} → `;
  const summary = String(exchange.summary ?? "");
  const line = summary.startsWith(full)
    ? `${exchange.method} ${shortUrl(exchange.url, endpoints)} → ${summary.slice(full.length)}`
    : summary;
  const ok = exchange.outcome === "response" && exchange.status < 400;
  const text = el("code", { class: "exchange-line", text: line });
  const body = exchange.response_body;
  return el(
    "li",
    { class: `exchange exchange-${exchange.outcome}${ok ? "" : " exchange-bad"}` },
    body
      ? el("details", {}, el("summary", {}, text), el("pre", { class: "exchange-body", text: body }))
      : text,
  );
}

/** A byte count as the page's server renders it ("12 B", "2.0 KiB", "3.0 MiB"). */
export function sizeLabel(bytes) {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KiB`;
  return `${(bytes / (1024 * 1024)).toFixed(1)} MiB`;
}

/** The download address of a submitted file (the server's `submitted_file_href`). */
export function submittedFileHref(teamId, submissionId, path) {
  const encoded = path.split("/").map(encodeURIComponent).join("/");
  return `/teams/${encodeURIComponent(teamId)}/submissions/${encodeURIComponent(submissionId)}/files/${encoded}`;
}

/** What a submission sent: the short answer and each file with its download link. */
function sentPart(sent) {
  const files = sent.files.map((file) =>
    el(
      "li",
      {},
      el("a", { href: submittedFileHref(sent.team, sent.id, file.path), download: true, text: file.path }),
      " ",
      el("span", { class: "muted", text: `(${sizeLabel(file.size)})` }),
    ),
  );
  return el(
    "div",
    { class: "submitted" },
    el("h3", { text: "What was sent" }),
    sent.answer
      ? [el("p", { class: "submitted-label", text: "Short answer" }), el("pre", { class: "submitted-answer", text: sent.answer })]
      : el("p", { class: "muted", text: "No short answer." }),
    files.length ? el("ul", { class: "submitted-files", "aria-label": "Files sent" }, files) : null,
  );
}

/**
 * A verdict box, as the server renders an opened submission. `outcome` is `{challenge,
 * pending, passed, score, max_score, feedback, checks: [{name, passed, message}], error,
 * exchanges, sent}`; `sent` (when the submission was read) is `{id, team, created_at,
 * submitted_by, answer, files}`. Failed checks come first; feedback and check messages are
 * Markdown, rendered as chat is (text nodes only). `endpoints` are the team's endpoint URLs,
 * `nameOf(userId)` names the submitter.
 */
export function verdictBox(outcome, { endpoints = [], nameOf = () => "someone" } = {}) {
  const kind = outcome.pending ? "pending" : outcome.passed ? "pass" : "fail";
  let title;
  if (outcome.pending) title = `${outcome.challenge}: being judged…`;
  else if (outcome.error) title = `${outcome.challenge}: the validator failed (${outcome.error})`;
  else if (outcome.passed && outcome.sign_off?.state === "awaiting")
    title = `${outcome.challenge}: passed, ${outcome.score}/${outcome.max_score} — awaiting a coach's sign-off`;
  else if (outcome.passed && outcome.sign_off?.state === "rejected")
    title = `${outcome.challenge}: not signed off by a coach`;
  else if (outcome.passed && outcome.sign_off?.state === "approved")
    title = `${outcome.challenge}: passed, ${outcome.score}/${outcome.max_score}, signed off`;
  else if (outcome.passed) title = `${outcome.challenge}: passed, ${outcome.score}/${outcome.max_score}`;
  else title = `${outcome.challenge}: not yet, ${outcome.score}/${outcome.max_score}`;
  // What to fix first; a stable sort keeps the validator's order within each group.
  const ordered = [...(outcome.checks ?? [])].sort((a, b) => Number(a.passed) - Number(b.passed));
  const checks = ordered.map((check) =>
    el(
      "li",
      { class: `check ${check.passed ? "check-pass" : "check-fail"}` },
      el("span", { class: `badge ${check.passed ? "badge-pass" : "badge-fail"}`, text: check.passed ? "passed" : "failed" }),
      " ",
      el("span", { class: "check-name", text: check.name }),
      check.message ? el("div", { class: "check-message prose" }, chatMarkdown(check.message)) : null,
    ),
  );
  const exchanges = (outcome.exchanges ?? []).map((exchange) => exchangeItem(exchange, endpoints));
  const sent = outcome.sent;
  return el(
    "article",
    { class: `verdict verdict-${kind}`, "data-submission": outcome.submission_id, "aria-labelledby": "verdict-title" },
    el("h2", { class: "verdict-title", id: "verdict-title", text: title }),
    sent
      ? el(
          "p",
          { class: "verdict-meta" },
          "Sent by ",
          el("span", { class: "verdict-by", text: nameOf(sent.submitted_by) }),
          ", ",
          timeElement(sent.created_at, "date-seconds"),
        )
      : null,
    outcome.sign_off?.comment
      ? el("p", { class: "sign-off-comment" }, el("strong", { text: "Coach's comment:" }), " ", outcome.sign_off.comment)
      : null,
    outcome.feedback ? el("div", { class: "verdict-feedback prose" }, chatMarkdown(outcome.feedback)) : null,
    checks.length ? el("ul", { class: "checks" }, checks) : null,
    exchanges.length
      ? el(
          "div",
          { class: "exchanges" },
          el("h4", { class: "exchanges-heading", text: "Requests to your service" }),
          el("ol", { class: "exchange-list" }, exchanges),
        )
      : null,
    sent ? sentPart(sent) : null,
  );
}

/** The outcome of a submission view (the API's 201/202 body, or `GET /submissions/{id}`). */
export function outcomeOfSubmission(view) {
  const verdict = view.verdict;
  return {
    submission_id: view.id,
    challenge: view.challenge,
    pending: !verdict && !view.validator_error,
    passed: Boolean(verdict?.passed),
    score: verdict?.score ?? 0,
    max_score: verdict?.max_score ?? 0,
    feedback: verdict?.feedback ?? "",
    checks: verdict?.checks ?? [],
    error: view.validator_error?.message ?? null,
    exchanges: view.exchanges ?? [],
    sign_off: view.sign_off ?? (view.status === "awaiting_sign_off" ? { state: "awaiting", comment: "" } : null),
    sent: {
      id: view.id,
      team: view.team,
      created_at: view.created_at,
      submitted_by: view.submitted_by,
      answer: view.answer ?? "",
      files: view.files ?? [],
    },
  };
}

/** The outcome of a `verdict` activity frame. */
export function outcomeOfActivity(item) {
  return {
    submission_id: item.submission_id,
    challenge: item.challenge,
    pending: false,
    passed: Boolean(item.passed),
    score: item.score ?? 0,
    max_score: item.max_score ?? 0,
    feedback: item.feedback ?? "",
    checks: item.checks ?? [],
    error: item.status === "validator_error" ? item.feedback || "see the organizers" : null,
    sign_off: item.status === "awaiting_sign_off" ? { state: "awaiting", comment: "" } : null,
    // Activity frames do not carry them; the submit panel reads the submission for them.
    exchanges: [],
  };
}

/** Standard base64 of bytes (an ArrayBuffer or Uint8Array). */
export function base64(bytes) {
  const array = bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes);
  let binary = "";
  for (let i = 0; i < array.length; i += 0x8000) {
    binary += String.fromCharCode(...array.subarray(i, i + 0x8000));
  }
  return btoa(binary);
}

/** Inserts `node` (with `data-id`) into `list`, keeping id order (ids sort in time). */
export function insertOrdered(list, node, newestFirst) {
  const id = node.dataset.id;
  const after = [...list.children].find((other) =>
    newestFirst ? other.dataset.id < id : other.dataset.id > id,
  );
  list.insertBefore(node, after ?? null);
}
