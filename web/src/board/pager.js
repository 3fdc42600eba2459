// The big screen's pages: a room must see every team, but a 1080p screen holds a dozen rows.
// The rows that fit under the header, the first-solves strip and the podium (the first rows,
// always shown) make a page; the pages take turns on a steady rhythm, and the footer says
// "page 2 of 3". Pages are measured from the rows as laid out, so they are refitted whenever
// the screen or the rows change (a resize, a live update that adds or reorders teams).
// Narrow screens (phones) and `?page_seconds=0` simply scroll: every row stays listed.

/** Rows always in view above the page's rows: the top of the table. */
export const PINNED_ROWS = 3;
/** The default rhythm, in seconds. */
export const DEFAULT_SECONDS = 10;
/** Below this width the board scrolls (a phone in a hand, not a screen on a wall). */
const NARROW = "(max-width: 700px)";

/**
 * The page rhythm from a query string: `page_seconds` between 1 and 600, 0 for no paging;
 * anything else is the default.
 */
export function pageSeconds(search) {
  const raw = new URLSearchParams(search).get("page_seconds");
  if (raw === null || !/^\d{1,3}$/.test(raw.trim())) return DEFAULT_SECONDS;
  const seconds = Number(raw.trim());
  return seconds <= 600 ? seconds : DEFAULT_SECONDS;
}

/**
 * Splits rows `from`.. into pages whose heights (`pitches[i]`: a row's height plus the spacing
 * below it) add up to at most `room`; a page holds at least one row. Returns arrays of indices.
 */
export function paginate(pitches, from, room) {
  const pages = [];
  let page = [];
  let used = 0;
  for (let i = from; i < pitches.length; i += 1) {
    if (page.length > 0 && used + pitches[i] > room) {
      pages.push(page);
      page = [];
      used = 0;
    }
    page.push(i);
    used += pitches[i];
  }
  if (page.length > 0) pages.push(page);
  return pages;
}

export class Pager {
  /**
   * `root`: the board (gets `is-paged`); `tbody`: the rows; `counter`: where "page 2 of 3"
   * goes; `seconds`: the rhythm (0: no paging); `extra`: one more page after the teams' (the
   * race: an object with `toggle(shown)` and a `label`), or null.
   */
  constructor({ root, tbody, counter, seconds, extra = null }) {
    this.root = root;
    this.tbody = tbody;
    this.counter = counter;
    this.seconds = seconds;
    this.extra = seconds > 0 ? extra : null;
    this.pages = [];
    this.page = 0;
    this.narrow = window.matchMedia(NARROW);
    if (seconds > 0) {
      setInterval(() => this.next(), seconds * 1000);
      let timer = null;
      const refit = () => {
        clearTimeout(timer);
        timer = setTimeout(() => this.fit(), 150);
      };
      window.addEventListener("resize", refit);
      this.narrow.addEventListener("change", refit);
      window.addEventListener("load", () => this.fit());
    }
  }

  /** Recomputes the pages from the rows and the screen as they are now, keeping the place. */
  fit() {
    const rows = [...this.tbody.rows];
    for (const row of rows) {
      row.hidden = false;
      row.classList.remove("is-page-first");
    }
    // Measured as the board would show without pages (nor the extra page): if it fits, it
    // stays so.
    const onExtra = this.onExtra();
    this.showExtra(false);
    this.root.classList.remove("is-paged");
    this.counter.hidden = true;
    this.pages = [];
    const paging = this.seconds > 0 && !this.narrow.matches && rows.length > PINNED_ROWS;
    if (!paging || this.overflow() <= 0) {
      // The whole table is one page; with an extra page, the two take turns.
      if (this.extra && !this.narrow.matches) {
        this.page = onExtra ? 1 : 0;
        this.show();
      }
      return;
    }
    // Paged: denser rows (see board.css), measured as such.
    this.root.classList.add("is-paged");
    // Each row's pitch: from its top to the next row's top (the spacing between rows counts).
    const boxes = rows.map((row) => row.getBoundingClientRect());
    const spacing = Math.max(0, boxes[1].top - boxes[0].bottom);
    const pitches = boxes.map((box, i) => (i + 1 < boxes.length ? boxes[i + 1].top - box.top : box.height + spacing));
    // The room left once the podium, the header, the strip and the footer (counter shown) are laid out.
    this.counter.hidden = false;
    this.counter.textContent = "page 1 of 1";
    for (const row of rows.slice(PINNED_ROWS)) row.hidden = true;
    const room = window.innerHeight - this.used() - 2;
    this.pages = paginate(pitches, PINNED_ROWS, room);
    this.page = onExtra ? this.pages.length : Math.min(this.page, this.pages.length - 1);
    this.show();
  }

  /** The pages of the cycle: the teams' (one when they fit), then the extra page if any. */
  count() {
    if (this.narrow.matches) return this.pages.length;
    return Math.max(this.pages.length, 1) + (this.extra ? 1 : 0);
  }

  /** Whether the extra page is the one shown. */
  onExtra() {
    return this.extra !== null && this.page >= Math.max(this.pages.length, 1);
  }

  showExtra(shown) {
    if (!this.extra) return;
    this.extra.toggle(shown);
    this.root.classList.toggle("is-extra-page", shown);
  }

  /** Turns to the next page (the first after the last). */
  next() {
    const count = this.count();
    if (count < 2) return;
    this.page = (this.page + 1) % count;
    this.show();
  }

  /** How far the document is taller than the screen. */
  overflow() {
    return this.used() - window.innerHeight;
  }

  /** The document's laid-out height. */
  used() {
    const main = this.root.closest("main") ?? this.root;
    const bottom = main.getBoundingClientRect().bottom + window.scrollY;
    return Math.ceil(bottom + parseFloat(getComputedStyle(document.body).marginBottom || "0"));
  }

  show() {
    const rows = [...this.tbody.rows];
    if (this.onExtra()) {
      this.showExtra(true);
      this.counter.hidden = false;
      this.counter.replaceChildren(
        `${this.extra.label} · `,
        Object.assign(document.createElement("strong"), { textContent: `page ${this.page + 1} of ${this.count()}` }),
      );
      return;
    }
    this.showExtra(false);
    if (this.pages.length === 0) {
      // The table fits: every row shows, and the pages are the table and the extra one.
      this.counter.hidden = false;
      this.counter.replaceChildren(
        rows.length ? `teams 1–${rows.length} of ${rows.length} · ` : "",
        Object.assign(document.createElement("strong"), { textContent: `page 1 of ${this.count()}` }),
      );
      return;
    }
    const shown = new Set(this.pages[this.page] ?? []);
    rows.forEach((row, i) => {
      row.hidden = i >= PINNED_ROWS && !shown.has(i);
      row.classList.toggle("is-page-first", i >= PINNED_ROWS && i === this.pages[this.page]?.[0]);
    });
    const page = this.pages[this.page] ?? [];
    const first = (page[0] ?? 0) + 1;
    const last = (page[page.length - 1] ?? 0) + 1;
    this.counter.hidden = false;
    this.counter.replaceChildren(
      `teams ${first}–${last} of ${rows.length} · `,
      Object.assign(document.createElement("strong"), { textContent: `page ${this.page + 1} of ${this.count()}` }),
    );
  }
}
