// The Endpoints panel (#endpoints), without a page load: the set form and the remove buttons
// (which without JavaScript post to the page routes) go to the JSON API instead, then the list
// is read again and drawn as the server draws it. The server's reason for a refusal (an
// `invalid_endpoint` URL, say) shows in the panel as it is, written as text. The list is also
// what verdicts shorten their exchanges' URLs against (`urls()`).
import { ApiError, api, csrfToken, el } from "../lib/live.js";
import { timeElement } from "../lib/time.js";

/**
 * Runs `#endpoints`. Members (not `staff`) get the forms enhanced; everyone gets `urls()`, the
 * team's endpoint URLs as the page last knew them.
 */
export function endpointsPanel({ $, teamId, staff }) {
  const list = $("endpoint-list");
  const message = $("endpoints-message");
  const form = $("endpoint-form");
  /** [{name, url, updated_at?}] as the page last knew them. */
  let endpoints = [...(list?.querySelectorAll(".endpoint") ?? [])].map((row) => ({
    name: row.dataset.name,
    url: row.dataset.url,
    updated_at: row.querySelector("time")?.getAttribute("datetime"),
  }));

  function say(text, kind) {
    const line = el("p", { class: kind === "error" ? "form-error" : "notice", text });
    if (kind === "error") line.setAttribute("role", "alert");
    message.replaceChildren(line);
  }

  function row(endpoint) {
    const when = endpoint.updated_at
      ? el("span", { class: "endpoint-when muted" }, "set ", timeElement(endpoint.updated_at, "date"))
      : null;
    const remove = staff
      ? null
      : el(
          "form",
          {
            method: "post",
            action: `/teams/${teamId}/endpoints/${encodeURIComponent(endpoint.name)}/remove`,
            class: "endpoint-remove",
            onsubmit: (event) => {
              event.preventDefault();
              removeEndpoint(endpoint.name, event.submitter);
            },
          },
          el("input", { type: "hidden", name: "csrf", value: csrfToken() }),
          el("button", { type: "submit", class: "link-button", "aria-label": `Remove endpoint ${endpoint.name}`, text: "Remove" }),
        );
    return el(
      "li",
      { class: "endpoint", "data-name": endpoint.name, "data-url": endpoint.url },
      el("span", { class: "endpoint-name", text: endpoint.name }),
      " ",
      el("code", { class: "endpoint-url", text: endpoint.url }),
      " ",
      when,
      remove,
    );
  }

  function render() {
    list.replaceChildren(...endpoints.map(row));
    $("endpoints-empty").hidden = endpoints.length > 0;
  }

  /** Reads the list again; a failed read leaves it as it was. */
  async function refresh() {
    try {
      endpoints = (await api(`/teams/${teamId}/endpoints`)).endpoints;
      render();
    } catch {
      // The change went through; the list shows it at the next reload.
    }
  }

  async function removeEndpoint(name, button) {
    if (button) button.disabled = true;
    try {
      await api(`/teams/${teamId}/endpoints/${encodeURIComponent(name)}`, { method: "DELETE" });
      say(`Endpoint ${name} removed.`, "notice");
      await refresh();
    } catch (error) {
      say(error instanceof ApiError ? error.message : `Could not remove ${name}: ${error.message}`, "error");
      if (button) button.disabled = false;
    }
  }

  if (form && !staff) {
    // Rows drawn by the server get the same handling as the ones drawn here.
    for (const removeForm of list.querySelectorAll(".endpoint-remove")) {
      const name = removeForm.closest(".endpoint").dataset.name;
      removeForm.addEventListener("submit", (event) => {
        event.preventDefault();
        removeEndpoint(name, event.submitter);
      });
    }
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      const name = $("endpoint-name").value.trim();
      const url = $("endpoint-url").value.trim();
      if (!name) {
        say("Give the endpoint the name the challenge uses, like api.", "error");
        return;
      }
      const button = $("endpoint-set");
      button.disabled = true;
      try {
        await api(`/teams/${teamId}/endpoints/${encodeURIComponent(name)}`, { method: "PUT", body: { url } });
        say(`Endpoint ${name} set.`, "notice");
        await refresh();
      } catch (error) {
        say(error instanceof ApiError ? error.message : `Could not set ${name}: ${error.message}`, "error");
      } finally {
        button.disabled = false;
      }
    });
  }

  return {
    /** The team's endpoint URLs. */
    urls: () => endpoints.map((endpoint) => endpoint.url),
  };
}
