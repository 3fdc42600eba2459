// The team's invite link (only on pages whose viewer may invite). The server renders it as a
// path so the page does not depend on knowing its own public address; here it becomes an
// absolute URL, which is what people paste into mail and chat, and the Copy button (hidden
// without JavaScript, where it could not work) copies it, falling back to selecting the text
// and `execCommand` where the Clipboard API is refused (insecure origins, older browsers).

/** Enhances `#invite-link` and `#copy-invite` if the page has them; `$` finds an element by id. */
export function inviteLink($) {
  const invite = $("invite-link");
  if (!invite) return;
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
