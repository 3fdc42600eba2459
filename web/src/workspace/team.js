// The team's name and members in the header, kept current from the activity feed: a teammate
// renaming the team (`team_renamed`), someone joining (`member_joined`) or leaving or being
// moved out (`member_left`) changes the heading, the page title and the members line as it
// happens, for everyone watching. The forms that rename and leave are the server's
// (web::pages::workspace::team); this only keeps what others see current.
import { el } from "../lib/live.js";

/** The header's team name and members (`#team-heading`, `#team-members`). */
export function teamHeader({ $ }) {
  const members = () => [...($("team-members")?.querySelectorAll(".person") ?? [])];

  function renderMembers(list) {
    const box = $("team-members");
    if (!box) return;
    const nodes = [];
    list.forEach((person, i) => {
      if (i > 0) nodes.push(", ");
      nodes.push(el("span", { class: "person", "data-user": person.user_id, text: person.display_name }));
    });
    box.replaceChildren(...nodes);
  }

  const current = () => members().map((node) => ({ user_id: node.dataset.user, display_name: node.textContent }));

  return {
    joined(user) {
      const list = current();
      if (!list.some((p) => p.user_id === user.user_id)) renderMembers([...list, user]);
    },
    left(user) {
      renderMembers(current().filter((p) => p.user_id !== user.user_id));
    },
    renamed(name) {
      const heading = $("team-heading");
      if (!heading || heading.textContent === name) return;
      const old = heading.textContent;
      heading.textContent = name;
      for (const node of document.querySelectorAll("#team-admin .team-name")) node.textContent = name;
      const field = $("rename-name");
      if (field && document.activeElement !== field) field.value = name;
      if (old && document.title.includes(old)) document.title = document.title.replace(old, name);
    },
  };
}
