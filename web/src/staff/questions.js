// The question queue on the coach's and the organizer's pages (`#questions`, rendered by the
// server with forms that work without this script). Made live: a `question` or
// `clarification` frame on the event channel reads the queue again (`GET /questions/queue`,
// the same template) and swaps it in, keeping what the person was typing; the answer and
// duplicate forms post in place; choosing a canned answer fills the answer's text.

/** Enhances `#questions` under `root`; returns `{onFrame(message)}` for the event channels. */
export function questionQueue(root) {
  let section = root.querySelector("[data-questions-queue]");
  if (!section) return { onFrame() {} };
  let pending = null;
  let again = false;

  function showError(message) {
    const box = section.querySelector("[data-questions-error]");
    if (!box) return;
    box.textContent = message;
    box.hidden = !message;
  }

  function bind() {
    for (const select of section.querySelectorAll("select[data-canned]")) {
      select.addEventListener("change", () => {
        const text = select.selectedOptions[0]?.dataset.text ?? "";
        const area = select.form.querySelector("textarea");
        if (area && text) area.value = text;
      });
    }
    for (const form of section.querySelectorAll("form[data-questions-form]")) {
      form.addEventListener("submit", async (event) => {
        event.preventDefault();
        const buttons = form.querySelectorAll("button");
        buttons.forEach((b) => (b.disabled = true));
        try {
          const body = new URLSearchParams(new FormData(form));
          // The button pressed says whom the answer is for (`to`).
          if (event.submitter?.name) body.set(event.submitter.name, event.submitter.value);
          const response = await fetch(form.action, {
            method: "POST",
            body,
            headers: { Accept: "text/html" },
            credentials: "same-origin",
            redirect: "manual",
          });
          if (response.type === "opaqueredirect" || response.ok) {
            showError("");
            await refresh();
            return;
          }
          const html = await response.text();
          const doc = new DOMParser().parseFromString(html, "text/html");
          const reason = doc.querySelector(".error-message")?.textContent?.trim();
          showError(reason || `The server refused this (${response.status}).`);
        } catch {
          showError("Not sent: check the connection and try again.");
        }
        buttons.forEach((b) => (b.disabled = false));
      });
    }
  }

  async function swap() {
    const response = await fetch(section.dataset.questionsQueue, {
      headers: { Accept: "text/html" },
      credentials: "same-origin",
    });
    if (!response.ok) return;
    const doc = new DOMParser().parseFromString(await response.text(), "text/html");
    const fresh = doc.querySelector("[data-questions-queue]");
    if (!fresh) return;
    // Keep what was being typed, and where.
    const typed = new Map();
    for (const area of section.querySelectorAll("textarea")) if (area.value) typed.set(area.id, area.value);
    const focused = document.activeElement?.id;
    for (const [id, value] of typed) {
      const area = fresh.querySelector(`#${CSS.escape(id)}`);
      if (area) area.value = value;
    }
    const error = section.querySelector("[data-questions-error]");
    section.replaceWith(fresh);
    section = fresh;
    if (error && !error.hidden) showError(error.textContent);
    bind();
    if (focused) document.getElementById(focused)?.focus();
  }

  async function refresh() {
    if (pending) {
      again = true;
      return pending;
    }
    pending = swap().catch(() => {});
    await pending;
    pending = null;
    if (again) {
      again = false;
      await refresh();
    }
  }

  bind();
  return {
    onFrame(message) {
      if (message.type === "question" || message.type === "clarification") refresh();
    },
  };
}
