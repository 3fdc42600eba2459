// What the server-rendered workspace tells its script, gathered once and handed to every panel:
// the team, who is looking (and whether as staff, which decides who may acknowledge and resolve
// help calls), and a directory of people's names. Frames often carry only a user id, and the
// person may have left the presence list by the time their chat line or help call shows, so
// every name any frame carries is remembered here and the panels name people through it.

/** The page's context from `#workspace` (`root`): `{root, $, teamId, me, staff, people, nameOf}`. */
export function workspaceContext(root) {
  const $ = (id) => document.getElementById(id);
  const teamId = root.dataset.team;
  const me = { id: root.dataset.user, name: root.dataset.userName };
  const staff = root.dataset.relation !== "member";

  /** user id → display name, from the page, presence, chat and activity. */
  const people = new Map();
  for (const person of document.querySelectorAll("#team-people .person")) {
    people.set(person.dataset.user, person.textContent);
  }
  people.set(me.id, me.name);
  const nameOf = (who) => {
    if (who && typeof who === "object") return who.display_name ?? nameOf(who.user_id);
    return people.get(who) ?? "someone";
  };

  return { root, $, teamId, me, staff, people, nameOf };
}
