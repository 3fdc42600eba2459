//! Actions: what a caller may do, one function per use case, grouped by area.
//!
//! Each action authorizes the caller ([`crate::access`]), writes in one transaction through
//! the models, and then announces what changed through [`announce`] — the one place that owns
//! the consequences (board refresh, live pushes, activity, sockets closed). The edges (the
//! JSON API, the web pages, the CLI, the sockets) parse their input, call one action and
//! render its result; they never reach below it.
//!
//! Actions that only read take a connection (`fn(&mut DbConnection, &User, …)`), so that an
//! edge can compose several in one trip to the database; actions that write take the
//! [`crate::state::AppState`] and are `async`, because they announce after committing.
//!
//! - [`events`]: create, edit, register;
//! - [`data_rights`]: a person's own data as one archive, erasing their account (a tombstone
//!   that keeps the team's work as "former member"), and the record of erasures;
//! - [`terms`]: an event's participation terms and survey settings, who accepted which
//!   version, a participant's choice whether the report names them;
//! - [`survey`]: the closing survey: its questions, answering once, dismissing its card;
//! - [`brackets`]: an event's brackets, and moving a team to another one;
//! - [`teams`]: form, join (also through an invite link), view, list, coaches;
//! - [`team_admin`]: leave, remove, move, rename, merge, delete;
//! - [`endpoints`]: where a team's deployed service is (set, remove, list), for challenges
//!   judged against it;
//! - [`roles`]: grant, revoke, list;
//! - [`organizations`]: list, rename, merge (portal organizers);
//! - [`observations`]: coaches' notes and participants' feedback;
//! - [`submissions`]: submit, read submissions back;
//! - [`challenges`]: publish, the ladder as a caller sees it, settings, materials, rejudge;
//! - [`questions`]: teams ask about a challenge, staff answer to the team or to everyone
//!   (clarifications), mark duplicates, keep canned answers;
//! - [`hints`]: a team reads a challenge's hints and unlocks one (its cost recorded);
//! - [`progress`]: who is stuck (each team's current challenge, time and status) and the
//!   nudges to coaches of teams over a challenge's expected time;
//! - [`sign_offs`]: coaches and organizers approve or reject a pass on a challenge with
//!   coach sign-off, and list the passes awaiting them;
//! - [`rewards`]: the runners' queue of rewards and the organizers' remote solves, a reward
//!   marked delivered, a team's location;
//! - [`reads`]: what a workspace and an event show (documents, chat, help calls,
//!   announcements);
//! - [`announcements`]: organizers edit and delete announcements;
//! - [`workspace`]: what people do in a team's workspace and at the event (chat, help calls,
//!   documents, presence, announcements), used by the sockets and the REST endpoints alike.

pub mod announce;
pub mod announcements;
pub mod brackets;
pub mod challenges;
pub mod data_rights;
pub mod endpoints;
pub mod events;
pub mod hints;
pub mod invitations;
pub mod mailings;
pub mod observations;
pub mod openings;
pub mod organizations;
pub mod progress;
pub mod questions;
pub mod reads;
pub mod rewards;
pub mod roles;
pub mod sign_offs;
pub mod submissions;
pub mod survey;
pub mod team_admin;
pub mod teams;
pub mod terms;
pub mod upload_gate;
pub mod webhooks;
pub mod workspace;
