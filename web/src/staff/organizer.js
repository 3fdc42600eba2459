// The organizer's page at the size of a real event (the page works without it):
// - the team and people filters narrow the rows as the organizer types (the server rendered
//   every row and hid those its `GET` query left out: the same rule, written once per side,
//   over the same `data-*` facts), and the address keeps the filters for a reload;
// - teams are selected for one coach at once ("select every team shown");
// - every form marked `data-inplace` is posted with fetch, exactly as the browser would post
//   it; the server answers with its usual redirect to the page, whose `[data-part]` regions
//   replace this page's (filters, open <details>, scroll position and focus stay); a refusal
//   comes back as the page with the reason, shown beside the form that was sent;
// - `data-confirm` forms ask first.

/** Enhances the organizer's page under `root`. */
export function organizerPage(root) {
  const toast = root.querySelector("[data-toast]");
  const teamFilters = root.querySelector("[data-team-filters]");
  const roleFilters = root.querySelector("[data-role-filters]");

  for (const node of root.querySelectorAll("[data-js-only]")) node.hidden = false;
  for (const button of root.querySelectorAll("[data-filter-submit]")) button.hidden = true;

  // Filters.
  const value = (form, name) => (form?.querySelector(`[data-filter="${name}"]`)?.value ?? "").trim();

  function applyTeamFilters() {
    if (!teamFilters) return;
    const q = value(teamFilters, "q").toLowerCase();
    const org = value(teamFilters, "org");
    const coach = value(teamFilters, "coach");
    const status = value(teamFilters, "status");
    let shown = 0;
    for (const row of root.querySelectorAll("[data-team-row]")) {
      const d = row.dataset;
      const show =
        (!q || d.search.includes(q)) &&
        (!org || d.orgs.split("|").includes(org)) &&
        (coach !== "none" || d.coached === "no") &&
        (coach !== "assigned" || d.coached === "yes") &&
        (!status || (status === "hand" ? d.hand === "yes" : d.status === status));
      row.hidden = !show;
      if (show) shown += 1;
      // A team filtered out is not coached by a bulk assignment the organizer cannot see.
      const box = row.querySelector("[data-select-team]");
      if (!show && box) box.checked = false;
    }
    const count = root.querySelector("[data-teams-shown]");
    if (count) count.textContent = String(shown);
    const none = root.querySelector("[data-teams-none]");
    if (none) none.hidden = shown > 0;
    updateSelection();
  }

  function applyRoleFilters() {
    if (!roleFilters) return;
    const who = value(roleFilters, "who").toLowerCase();
    let people = value(roleFilters, "people") || "staff";
    let shown = 0;
    for (const row of root.querySelectorAll("[data-person-row]")) {
      const participant = row.dataset.participant === "yes";
      // A search looks through everyone unless told otherwise, as on the server.
      const kind = people === "all" || (people === "participants" ? participant : !participant || (who && roleFilters.dataset.touched !== "yes"));
      const show = kind && (!who || row.dataset.search.includes(who));
      row.hidden = !show;
      if (show) shown += 1;
    }
    const count = root.querySelector("[data-roles-shown]");
    if (count) count.textContent = String(shown);
  }

  /** Keeps the filters in the address (replacing, never adding, a history entry). */
  function remember() {
    const url = new URL(window.location.href);
    url.searchParams.delete("done");
    for (const form of [teamFilters, roleFilters]) {
      for (const field of form?.querySelectorAll("[data-filter]") ?? []) {
        if (field.value.trim()) url.searchParams.set(field.name, field.value.trim());
        else url.searchParams.delete(field.name);
      }
    }
    history.replaceState(history.state, "", url);
  }

  for (const [form, apply] of [
    [teamFilters, applyTeamFilters],
    [roleFilters, applyRoleFilters],
  ]) {
    if (!form) continue;
    form.addEventListener("input", () => {
      apply();
      remember();
    });
    form.addEventListener("change", (event) => {
      if (event.target.name === "people") form.dataset.touched = "yes";
      apply();
      remember();
    });
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      apply();
      remember();
    });
  }

  // Selecting teams for one coach.
  const bulk = root.querySelector("#bulk-coach");
  const selectShown = root.querySelector("[data-select-shown]");
  const selectedCount = root.querySelector("[data-selected-count]");

  function updateSelection() {
    if (!bulk) return;
    const boxes = [...root.querySelectorAll("[data-select-team]")];
    const visible = boxes.filter((box) => !box.closest("tr").hidden);
    const selected = boxes.filter((box) => box.checked).length;
    if (selectedCount) {
      selectedCount.textContent = selected === 0 ? "No team selected" : `${selected} team${selected === 1 ? "" : "s"} selected`;
    }
    if (selectShown) {
      const all = visible.length > 0 && visible.every((box) => box.checked);
      selectShown.checked = all;
      selectShown.indeterminate = !all && visible.some((box) => box.checked);
    }
  }

  selectShown?.addEventListener("change", () => {
    for (const box of root.querySelectorAll("[data-select-team]")) {
      if (!box.closest("tr").hidden) box.checked = selectShown.checked;
    }
    updateSelection();
  });
  root.addEventListener("change", (event) => {
    if (event.target.matches?.("[data-select-team]")) updateSelection();
  });

  // Forms posted in place.
  let toastTimer = null;
  function say(text) {
    if (!toast || !text) return;
    toast.textContent = text;
    toast.hidden = false;
    clearTimeout(toastTimer);
    toastTimer = setTimeout(() => {
      toast.hidden = true;
    }, 6000);
  }

  function clearError(form) {
    form.parentElement?.querySelector(`[data-inline-error="${CSS.escape(form.action)}"]`)?.remove();
    form.removeAttribute("aria-describedby");
  }

  function showError(form, message) {
    clearError(form);
    const id = `inline-error-${Math.random().toString(36).slice(2)}`;
    const p = document.createElement("p");
    p.className = "form-error inline-error";
    p.id = id;
    p.setAttribute("role", "alert");
    p.dataset.inlineError = form.action;
    p.textContent = message;
    form.after(p);
    form.setAttribute("aria-describedby", id);
  }

  /** Replaces every `[data-part]` here with the one of `doc`, keeping open <details>. */
  function swapParts(doc) {
    const open = new Set([...root.querySelectorAll("details[open][id]")].map((d) => d.id));
    for (const part of root.querySelectorAll("[data-part]")) {
      const fresh = doc.querySelector(`[data-part="${CSS.escape(part.dataset.part)}"]`);
      if (!fresh) continue;
      for (const details of fresh.querySelectorAll("details[id]")) {
        if (open.has(details.id)) details.open = true;
      }
      part.replaceWith(document.importNode(fresh, true));
    }
    applyTeamFilters();
    applyRoleFilters();
  }

  async function post(form, submitter) {
    const body = new URLSearchParams(new FormData(form, submitter));
    const buttons = [...form.querySelectorAll("button"), ...(form.id ? root.querySelectorAll(`button[form="${form.id}"]`) : [])];
    for (const button of buttons) button.disabled = true;
    let response;
    try {
      response = await fetch(form.action, {
        method: "POST",
        body,
        credentials: "same-origin",
        headers: { Accept: "text/html" },
      });
    } catch {
      for (const button of buttons) button.disabled = false;
      showError(form, "The server could not be reached: nothing changed. Try again.");
      return;
    }
    const doc = new DOMParser().parseFromString(await response.text(), "text/html");
    for (const button of buttons) button.disabled = false;
    if (!response.ok) {
      const reason = doc.querySelector(".form-error[role=alert]")?.textContent.trim();
      showError(form, reason || `Refused (${response.status}).`);
      return;
    }
    clearError(form);
    const notice = doc.querySelector(".notice[role=status]")?.textContent.trim();
    const focused = document.activeElement?.id;
    swapParts(doc);
    if (form.hasAttribute("data-reset")) form.reset();
    // The focused control came back with its part: focus it again (without scrolling).
    if (focused) document.getElementById(focused)?.focus({ preventScroll: true });
    say(notice || "Done.");
  }

  root.addEventListener("submit", (event) => {
    const form = event.target;
    if (!(form instanceof HTMLFormElement) || !form.hasAttribute("data-inplace")) return;
    event.preventDefault();
    const question = form.dataset.confirm;
    if (question && !window.confirm(question)) return;
    post(form, event.submitter);
  });

  applyTeamFilters();
  applyRoleFilters();
}
