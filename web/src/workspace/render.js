// Rendering what other people wrote, safely: chat Markdown becomes DOM nodes built with
// textContent (never innerHTML of user text), and verdicts become the same markup the
// server renders without JavaScript — with the requests the validator sent to the team's
// service beside them, whose response bodies are whatever that service answered. Also how the live lists (chat, activity, announcements)
// stay in time order when history and live frames arrive interleaved or twice.
import { el } from "../lib/live.js";

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

/**
 * A verdict box. `outcome` is `{challenge, pending, passed, score, max_score, feedback,
 * checks: [{name, passed, message}], error, exchanges}`; `endpoints` the team's endpoint URLs.
 */
export function verdictBox(outcome, { endpoints = [] } = {}) {
  const kind = outcome.pending ? "pending" : outcome.passed ? "pass" : "fail";
  let title;
  if (outcome.pending) title = `${outcome.challenge}: being judged…`;
  else if (outcome.error) title = `${outcome.challenge}: the validator failed (${outcome.error})`;
  else if (outcome.passed) title = `${outcome.challenge}: passed, ${outcome.score}/${outcome.max_score}`;
  else title = `${outcome.challenge}: not yet, ${outcome.score}/${outcome.max_score}`;
  const checks = (outcome.checks ?? []).map((check) =>
    el(
      "li",
      { class: `check ${check.passed ? "check-pass" : "check-fail"}` },
      el("span", { class: `badge ${check.passed ? "badge-pass" : "badge-fail"}`, text: check.passed ? "passed" : "failed" }),
      " ",
      el("span", { class: "check-name", text: check.name }),
      check.message ? el("span", { class: "check-message", text: check.message }) : null,
    ),
  );
  const exchanges = (outcome.exchanges ?? []).map((exchange) => exchangeItem(exchange, endpoints));
  return el(
    "div",
    { class: `verdict verdict-${kind}` },
    el("h3", { class: "verdict-title", text: title }),
    outcome.feedback ? el("p", { class: "verdict-feedback", text: outcome.feedback }) : null,
    checks.length ? el("ul", { class: "checks" }, checks) : null,
    exchanges.length
      ? el(
          "div",
          { class: "exchanges" },
          el("h4", { class: "exchanges-heading", text: "Requests to your service" }),
          el("ol", { class: "exchange-list" }, exchanges),
        )
      : null,
  );
}

/** The outcome of a submission view (the API's 201/202 body). */
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
