// One clock for every page: each time a person reads or enters is in the reader's own time
// zone, with the zone named ("Sat 6 Dec, 14:05 CET"). The JSON API and the forms' posted values
// stay in UTC; only what people see changes.
//
// - Read: the server renders every time as `<time datetime="…Z" data-time="STYLE">… UTC</time>`
//   (web::time::ShownTime), so that without JavaScript the zone is still named; `localTimes()`
//   rewrites each in the reader's zone, and keeps doing so for `<time>` elements that page
//   scripts insert later (chat, activity, hands…), which `timeElement()` builds already local.
// - Enter: a `datetime-local` field marked `data-utc` holds UTC as the server filled it, its
//   label's `[data-zone]` says "UTC". `localTimes()` shows it in the reader's zone and names the
//   zone, and posts UTC through a hidden field of the same name, so the server reads UTC either
//   way.
import { el } from "./live.js";

const HM = { hour: "2-digit", minute: "2-digit", hourCycle: "h23" };
const HMS = { ...HM, second: "2-digit" };
const DAY = { weekday: "short", day: "numeric", month: "short" };

/** `data-time` styles, as web::time::TimeStyle names them. */
const STYLES = {
  date: { ...DAY, ...HM },
  "date-seconds": { ...DAY, ...HMS },
  time: HM,
  "time-seconds": HMS,
};

/** The reader's time zone, as the browser names it ("Europe/Paris"). */
export function zoneName() {
  return Intl.DateTimeFormat().resolvedOptions().timeZone ?? "local time";
}

/**
 * `iso` (any instant the API sends) in the reader's zone, zone named: `date` "Sat 6 Dec, 14:05
 * CET" (with the year when it is not this one), `date-seconds`, `time` "14:05 CET",
 * `time-seconds` "14:05:09 CET". An unreadable instant gives "".
 */
export function formatTime(iso, style = "date") {
  const at = new Date(iso);
  if (!iso || Number.isNaN(at.getTime())) return "";
  const options = { ...(STYLES[style] ?? STYLES.date), timeZoneName: "short" };
  if (options.month && at.getFullYear() !== new Date().getFullYear()) options.year = "numeric";
  return new Intl.DateTimeFormat(undefined, options).format(at);
}

/** A `<time>` for `iso` shown in the reader's zone (attrs: more attributes, `class`…). */
export function timeElement(iso, style = "date", attrs = {}) {
  const node = el("time", { ...attrs, datetime: iso ?? "", "data-time": style });
  showTime(node);
  return node;
}

/** Sets `<time>` `node` to a new instant (`iso`), shown in the reader's zone. */
export function setTime(node, iso) {
  node.setAttribute("datetime", iso ?? "");
  showTime(node);
}

/** Rewrites one `<time datetime>` in the reader's zone (once per instant). */
function showTime(node) {
  const iso = node.getAttribute("datetime");
  if (!iso || node.dataset.shown === iso) return;
  const text = formatTime(iso, node.dataset.time);
  if (!text) return;
  node.dataset.shown = iso;
  node.textContent = text;
  node.title = `${new Date(iso).toISOString().slice(0, 16).replace("T", " ")} UTC`;
}

/** A `datetime-local` value read as UTC ("2026-05-04T09:00"), in the reader's zone. */
export function utcToLocalInput(value) {
  if (!value) return "";
  const at = new Date(`${value.length === 16 ? `${value}:00` : value}Z`);
  if (Number.isNaN(at.getTime())) return value;
  const pad = (n) => String(n).padStart(2, "0");
  return `${at.getFullYear()}-${pad(at.getMonth() + 1)}-${pad(at.getDate())}T${pad(at.getHours())}:${pad(at.getMinutes())}`;
}

/** A `datetime-local` value in the reader's zone, as the same field in UTC. */
export function localInputToUtc(value) {
  if (!value) return "";
  // A date-time without an offset is local time (ECMAScript's Date parsing).
  const at = new Date(value);
  return Number.isNaN(at.getTime()) ? value : at.toISOString().slice(0, 16);
}

/** Shows one UTC `datetime-local` field in the reader's zone, posting UTC in a hidden twin. */
function localizeField(input) {
  if (input.dataset.utcField === "local" || !input.name) return;
  input.dataset.utcField = "local";
  const hidden = el("input", { type: "hidden", name: input.name, value: input.value });
  input.removeAttribute("name");
  input.value = utcToLocalInput(input.value);
  input.after(hidden);
  const sync = () => {
    hidden.value = localInputToUtc(input.value);
  };
  input.addEventListener("input", sync);
  input.addEventListener("change", sync);
  input.form?.addEventListener("submit", sync);
  // The field's label (or its fieldset's legend) names the zone: "UTC" as served.
  for (const zone of input.form?.querySelectorAll("[data-zone]") ?? []) zone.textContent = zoneName();
}

/** Everything under `root`: `<time>` elements and UTC `datetime-local` fields. */
function localizeUnder(root) {
  if (root.matches?.("time[datetime]")) showTime(root);
  for (const node of root.querySelectorAll?.("time[datetime]") ?? []) showTime(node);
  for (const input of root.querySelectorAll?.("input[type=datetime-local][data-utc]") ?? []) {
    localizeField(input);
  }
}

let watching = false;

/**
 * Shows every time on the page in the reader's zone, now and whenever a page script adds or
 * changes one (a MutationObserver), so that no script has to remember to.
 */
export function localTimes() {
  localizeUnder(document);
  // Text that names the reader's zone ("every time on this page is in Europe/Paris").
  for (const zone of document.querySelectorAll("[data-reader-zone]")) zone.textContent = zoneName();
  if (watching) return;
  watching = true;
  new MutationObserver((changes) => {
    for (const change of changes) {
      if (change.type === "attributes") showTime(change.target);
      else for (const node of change.addedNodes) if (node.nodeType === Node.ELEMENT_NODE) localizeUnder(node);
    }
  }).observe(document.body, { subtree: true, childList: true, attributes: true, attributeFilter: ["datetime"] });
}
