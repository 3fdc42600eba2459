//! `cohack import` of files written by someone who means harm: each is refused at its first
//! bad line, named with its number and why, and leaves every table of the database exactly as
//! it was; what an import may do (create one new event, match existing people by e-mail) it
//! does without granting anything or changing anyone; what networked validators leave
//! (endpoints, recorded exchanges) is held to what the portal itself would store. On SQLite
//! and PostgreSQL.

use std::collections::BTreeMap;

use base64::{Engine as _, engine::general_purpose::STANDARD};
use cohack_server::{
    db::schema::*,
    models::{event::Event, team::Team, user::User, validator_version::ValidatorVersion},
};
use diesel::prelude::*;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use crate::{
    backend_tests,
    challenges::{running_event, team},
    harness::{PASSWORD, TestApp, path_str, run_cohack},
};

// ---------------------------------------------------------------------------------------
// Writing export files by hand, as an attacker would (shared with `export.rs`).

/// An export file: a header, rows, and (when rendered) a trailer that matches them.
#[derive(Debug, Clone)]
pub struct ExportFile {
    pub header: Value,
    /// `{"table": …, "row": {…}}` objects, in file order.
    pub rows: Vec<Value>,
}

impl ExportFile {
    /// An empty file for the event `slug`.
    pub fn new(slug: &str) -> ExportFile {
        ExportFile {
            header: json!({
                "format": "cohack-event-export",
                "version": 1,
                "event": slug,
                "exported_at": T,
                "anonymized": false,
                "tables": [],
            }),
            rows: Vec::new(),
        }
    }

    /// A real export, to edit.
    pub fn parse(text: &str) -> ExportFile {
        let mut lines: Vec<Value> = text
            .lines()
            .map(|l| serde_json::from_str(l).expect("a JSON line"))
            .collect();
        lines.pop().expect("a trailer");
        let header = lines.remove(0);
        ExportFile {
            header,
            rows: lines,
        }
    }

    /// Adds a row of `table`.
    pub fn row(mut self, table: &str, row: Value) -> ExportFile {
        self.rows.push(json!({"table": table, "row": row}));
        self
    }

    /// The file's text, with a trailer whose counts and digest match (what anyone can write:
    /// the trailer detects accidents, not intent).
    pub fn render(&self) -> String {
        let mut content = format!("{}\n", self.header);
        let mut counts: BTreeMap<String, usize> = BTreeMap::new();
        for row in &self.rows {
            content.push_str(&format!("{row}\n"));
            let table = row["table"].as_str().unwrap_or_default().to_owned();
            *counts.entry(table).or_default() += 1;
        }
        let sha256 = hex::encode(Sha256::digest(content.as_bytes()));
        let trailer =
            json!({"trailer": {"rows": self.rows.len(), "counts": counts, "sha256": sha256}});
        content.push_str(&format!("{trailer}\n"));
        content
    }

    /// Inserts a row of `table` at `index` among the rows (0 is line 2).
    pub fn insert(mut self, index: usize, table: &str, row: Value) -> ExportFile {
        self.rows.insert(index, json!({"table": table, "row": row}));
        self
    }

    /// The rows of `table`, to edit.
    pub fn rows_of<'a>(&'a mut self, table: &'a str) -> impl Iterator<Item = &'a mut Value> {
        self.rows
            .iter_mut()
            .filter(move |r| r["table"] == table)
            .map(|r| &mut r["row"])
    }
}

/// A timestamp, as exports write them.
pub const T: &str = "2026-03-01T09:00:00";

pub fn org(id: &str, name: &str) -> Value {
    json!({"id": id, "name": name, "created_at": T})
}

pub fn user(id: &str, email: &str, organization: &str, portal_organizer: bool) -> Value {
    json!({
        "id": id, "email": email, "password_hash": "", "display_name": id,
        "organization_id": organization, "is_portal_organizer": portal_organizer,
        "created_at": T,
    })
}

pub fn event(id: &str, slug: &str, creator: &str, team_size_max: i32) -> Value {
    json!({
        "id": id, "slug": slug, "name": format!("Hack {slug}"), "description": "",
        "starts_at": "2026-03-01T08:00:00", "ends_at": "2026-03-03T18:00:00",
        "freeze_at": null, "registration": "open", "invite_code": null,
        "team_size_min": 1, "team_size_max": team_size_max, "created_by": creator,
        "created_at": T, "updated_at": T,
    })
}

pub fn role(event: &str, user: &str, role: &str) -> Value {
    json!({"event_id": event, "user_id": user, "role": role, "granted_by": null, "created_at": T})
}

pub fn team_row(id: &str, event: &str, name: &str, creator: &str) -> Value {
    json!({
        "id": id, "event_id": event, "name": name, "invite_code": "known-code",
        "created_by": creator, "created_at": T,
    })
}

pub fn member(team: &str, user: &str, event: &str) -> Value {
    json!({"team_id": team, "user_id": user, "event_id": event, "joined_at": T})
}

/// The sha256 of `bytes`, in hex.
pub fn sha256(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

/// A validator blob declaring `hash` for `bytes`.
pub fn blob(hash: &str, bytes: &[u8]) -> Value {
    json!({
        "hash": hash, "wasm": STANDARD.encode(bytes), "size_bytes": bytes.len(),
        "created_at": T,
    })
}

/// A challenge and its first validator version, on `blob_hash`.
pub fn challenge_with_version(event: &str, publisher: &str, blob_hash: &str) -> (Value, Value) {
    let challenge = json!({
        "id": "c1", "event_id": event, "slug": "first-contact", "title": "First contact",
        "summary": "Say hello", "position": 1, "points": 100, "statement": "Hello.",
        "always_open": false, "config": "{}", "limits": "{}", "live_version_id": "v1",
        "created_at": T, "updated_at": T,
    });
    let manifest = json!({
        "slug": "first-contact", "title": "First contact", "points": 100, "summary": "Say hello",
    });
    let version = json!({
        "id": "v1", "challenge_id": "c1", "version": 1, "blob_hash": blob_hash,
        "manifest": manifest.to_string(), "sample_report": "{}", "published_by": publisher,
        "created_at": T,
    });
    (challenge, version)
}

/// A small valid file: one organization, `alice` (organizer) and `bob` (participant in team
/// `t1`), the event `slug` with teams of at most `team_size_max`.
pub fn valid_file(slug: &str, team_size_max: i32) -> ExportFile {
    ExportFile::new(slug)
        .row("organizations", org("o1", "Initech"))
        .row("users", user("alice", "alice@initech.example", "o1", false))
        .row("users", user("bob", "bob@initech.example", "o1", false))
        .row("events", event("e1", slug, "alice", team_size_max))
        .row("event_roles", role("e1", "alice", "organizer"))
        .row("event_roles", role("e1", "bob", "participant"))
        .row("teams", team_row("t1", "e1", "Staplers", "bob"))
        .row("team_members", member("t1", "bob", "e1"))
}

// ---------------------------------------------------------------------------------------
// Running an import and watching the database.

/// Imports `text` into `app`'s database with the real binary.
pub fn import_text(app: &TestApp, text: &str) -> std::process::Output {
    let dir = tempfile::tempdir().expect("dir");
    let file = dir.path().join("import.cohack.jsonl");
    std::fs::write(&file, text).expect("write the file");
    run_cohack(
        dir.path(),
        &[
            "import",
            &path_str(&file),
            "--database-url",
            &app.state.config.database_url,
        ],
        &[],
    )
}

/// Imports `file` and expects a refusal mentioning each of `needles` (the line first).
async fn expect_refused(app: &TestApp, file: &ExportFile, needles: &[&str]) {
    let before = Snapshot::take(app).await;
    let out = import_text(app, &file.render());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success(), "imported: {stderr}");
    for needle in needles {
        assert!(stderr.contains(needle), "{needle:?} not in: {stderr}");
    }
    assert!(stderr.contains("nothing was imported"), "{stderr}");
    assert_eq!(
        Snapshot::take(app).await,
        before,
        "the refusal changed the database"
    );
}

/// Every table's row count, and every account and team as stored.
#[derive(Debug, PartialEq, Eq)]
pub struct Snapshot {
    counts: BTreeMap<&'static str, i64>,
    users: Vec<(String, String, String, String, String, bool)>,
    teams: Vec<(String, String, String, String)>,
}

impl Snapshot {
    pub async fn take(app: &TestApp) -> Snapshot {
        app.state
            .db
            .run(|conn| {
                let mut counts = BTreeMap::new();
                macro_rules! count {
                    ($($table:ident),+) => {$(
                        counts.insert(
                            stringify!($table),
                            $table::table.count().get_result::<i64>(conn)?,
                        );
                    )+};
                }
                count!(
                    organizations,
                    users,
                    events,
                    event_roles,
                    teams,
                    team_members,
                    team_coaches,
                    team_endpoints,
                    challenges,
                    validator_blobs,
                    validator_versions,
                    submissions,
                    submission_files,
                    verdicts,
                    settings,
                    sessions,
                    refresh_tokens,
                    web_sessions,
                    chat_messages,
                    documents,
                    document_updates,
                    help_calls,
                    announcements,
                    live_activity,
                    live_presence,
                    live_instances,
                    coach_notes,
                    challenge_feedback,
                    challenge_opens,
                    event_brackets,
                    team_brackets,
                    staff_openings,
                    rewards
                );
                let users = users::table
                    .order(users::id)
                    .select((
                        users::id,
                        users::email,
                        users::password_hash,
                        users::display_name,
                        users::organization_id,
                        users::is_portal_organizer,
                    ))
                    .load(conn)?;
                let teams = teams::table
                    .order(teams::id)
                    .select((teams::id, teams::event_id, teams::name, teams::invite_code))
                    .load(conn)?;
                Ok::<_, cohack_server::error::Error>(Snapshot {
                    counts,
                    users,
                    teams,
                })
            })
            .await
            .expect("snapshot")
    }
}

async fn user_by_email(app: &TestApp, email: &str) -> Option<User> {
    let email = email.to_owned();
    app.state
        .db
        .run(move |conn| User::find_by_email(conn, &email))
        .await
        .expect("user lookup")
}

// ---------------------------------------------------------------------------------------
// The tests.

backend_tests!(
    the_six_row_file_is_refused_at_its_bad_line_and_changes_nothing,
    a_forged_portal_organizer_flag_is_dropped_and_existing_users_are_not_changed,
    a_blob_whose_hash_is_not_its_bytes_is_refused,
    team_size_and_one_team_per_person_are_reapplied,
    attacker_files_are_refused_line_by_line,
    endpoints_and_recorded_exchanges_are_vetted,
    the_floor_is_held_to_the_portals_rules,
);

/// The file of issue #13: a user row claiming the portal-organizer flag, and a membership in
/// another event's existing team.
async fn the_six_row_file_is_refused_at_its_bad_line_and_changes_nothing(app: TestApp) {
    let victim = running_event(&app, "victim").await;
    let (_member, victim_team) = team(&app, &victim, "victims").await;
    let hostile = |event_of_membership: &str| {
        ExportFile::new("takeover")
            .row("organizations", org("o1", "Mallory Inc"))
            .row("users", user("m", "mallory@evil.example", "o1", true))
            .row("events", event("e1", "takeover", "m", 5))
            .row("event_roles", role("e1", "m", "organizer"))
            .row("event_roles", role("e1", "m", "participant"))
            .row(
                "team_members",
                member(&victim_team, "m", event_of_membership),
            )
    };
    // The membership names the other event: refused there (line 7, header being line 1).
    expect_refused(
        &app,
        &hostile(&victim.id),
        &[
            "line 7 (team_members)",
            &format!("`event_id` names event `{}`", victim.id),
        ],
    )
    .await;
    // Naming the file's own event does not reach the other event's team either.
    expect_refused(
        &app,
        &hostile("e1"),
        &[
            "line 7 (team_members)",
            &format!("`team_id` names team `{victim_team}`, which the file does not define"),
        ],
    )
    .await;
    assert!(user_by_email(&app, "mallory@evil.example").await.is_none());
    let members = app
        .state
        .db
        .run(move |conn| Team::members(conn, &victim_team))
        .await
        .expect("members");
    assert_eq!(members.len(), 1);
}

async fn a_forged_portal_organizer_flag_is_dropped_and_existing_users_are_not_changed(
    app: TestApp,
) {
    let known = app.register("known@acme.example", "Acme").await;
    let known_before = user_by_email(&app, &known.email).await.expect("known");
    let hash = cohack_server::auth::password::hash(PASSWORD).expect("hash");
    let other_hash =
        cohack_server::auth::password::hash("another password entirely").expect("hash");
    let mut newcomer = user("n", "newcomer@initech.example", "o1", true);
    newcomer["password_hash"] = json!(hash);
    // The existing account, as the file would like it to be: another name, password,
    // organization and the flag.
    let mut impostor = user("k", "KNOWN@acme.example", "o1", true);
    impostor["password_hash"] = json!(other_hash);
    impostor["display_name"] = json!("Not Known");
    let file = ExportFile::new("forged")
        .row("organizations", org("o1", "Initech"))
        .row("users", newcomer)
        .row("users", impostor)
        .row("events", event("e1", "forged", "n", 5))
        .row("event_roles", role("e1", "n", "organizer"))
        .row("event_roles", role("e1", "k", "participant"))
        .row("teams", team_row("t1", "e1", "Staplers", "k"))
        .row("team_members", member("t1", "k", "e1"));
    let out = import_text(&app, &file.render());
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        stdout.contains("1 existing users matched by email"),
        "{stdout}"
    );
    let created = user_by_email(&app, "newcomer@initech.example")
        .await
        .expect("the new user");
    assert!(!created.is_portal_organizer, "the flag was imported");
    assert_ne!(created.id, "n", "the user kept the file's id");
    // The new account signs in with the password it was exported with, as an ordinary user.
    let signed_in = app.login("newcomer@initech.example").await;
    let refused = app
        .post(
            signed_in.token(),
            "/api/v1/events",
            &json!({"slug": "mine", "name": "Mine", "starts_at": "2026-03-01T08:00:00Z",
                    "ends_at": "2026-03-02T08:00:00Z", "registration": "open",
                    "team_size_min": 1, "team_size_max": 4}),
        )
        .await;
    assert_eq!(refused.status(), 403, "a new user may create events");
    // The existing account is referenced, not changed.
    let known_after = user_by_email(&app, &known.email).await.expect("known");
    assert_eq!(
        (
            &known_after.id,
            &known_after.email,
            &known_after.password_hash,
            &known_after.display_name,
            &known_after.organization_id,
            known_after.is_portal_organizer,
        ),
        (
            &known_before.id,
            &known_before.email,
            &known_before.password_hash,
            &known_before.display_name,
            &known_before.organization_id,
            known_before.is_portal_organizer,
        )
    );
    app.login(&known.email).await;
    let (known_id, created_id) = (known.id.clone(), created.id.clone());
    let (team, event) = app
        .state
        .db
        .run(move |conn| {
            let event = Event::find_by_slug(conn, "forged")?;
            let team = Team::of_member(conn, &event.id, &known_id)?;
            Ok::<_, cohack_server::error::Error>((team, event))
        })
        .await
        .expect("the imported event");
    let team = team.expect("the existing user is in the imported team");
    assert_ne!(team.id, "t1");
    assert_ne!(event.id, "e1");
    assert_ne!(
        team.invite_code, "known-code",
        "the file's invite code was kept"
    );
    assert_eq!(event.created_by, created_id);
}

async fn a_blob_whose_hash_is_not_its_bytes_is_refused(app: TestApp) {
    let bytes = b"\0asm: not a validator, but bytes all the same";
    let actual = sha256(bytes);
    let forged = sha256(b"the validator the file claims to carry");
    let with_blob = |slug: &str, declared: &str| {
        let (challenge, version) = challenge_with_version("e1", "alice", declared);
        valid_file(slug, 5)
            .row("challenges", challenge)
            .row("validator_blobs", blob(declared, bytes))
            .row("validator_versions", version)
    };
    // Refused, naming the line and both hashes: a forged or damaged validator is not
    // silently renamed.
    expect_refused(
        &app,
        &with_blob("forged-blob", &forged),
        &[
            "line 11 (validator_blobs)",
            &format!("hash to sha256 {actual}, the row declares {forged}"),
        ],
    )
    .await;
    // The honest file imports, the blob stored under the hash of its bytes.
    let out = import_text(&app, &with_blob("honest-blob", &actual).render());
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stored = app
        .state
        .db
        .run(move |conn| ValidatorVersion::blob(conn, &actual))
        .await
        .expect("the blob");
    assert_eq!(stored, bytes);
}

async fn team_size_and_one_team_per_person_are_reapplied(app: TestApp) {
    let base = |slug: &str| {
        ExportFile::new(slug)
            .row("organizations", org("o1", "Initech"))
            .row("users", user("a", "a@initech.example", "o1", false))
            .row("users", user("b", "b@initech.example", "o1", false))
            .row("users", user("c", "c@initech.example", "o1", false))
            .row("events", event("e1", slug, "a", 2))
            .row("event_roles", role("e1", "a", "participant"))
            .row("event_roles", role("e1", "b", "participant"))
            .row("event_roles", role("e1", "c", "organizer"))
            .row("teams", team_row("t1", "e1", "One", "a"))
            .row("teams", team_row("t2", "e1", "Two", "b"))
    };
    // Three members in a team of at most two (c made a participant for the purpose).
    let mut too_many = base("too-many")
        .row("team_members", member("t1", "a", "e1"))
        .row("team_members", member("t1", "b", "e1"))
        .row("team_members", member("t1", "c", "e1"));
    too_many
        .rows_of("event_roles")
        .for_each(|r| r["role"] = json!("participant"));
    expect_refused(
        &app,
        &too_many,
        &[
            "line 14 (team_members)",
            "team `t1` would have 3 members, the event allows 2",
        ],
    )
    .await;
    // One person in two teams.
    let two_teams = base("two-teams")
        .row("team_members", member("t1", "a", "e1"))
        .row("team_members", member("t2", "b", "e1"))
        .row("team_members", member("t2", "a", "e1"));
    expect_refused(
        &app,
        &two_teams,
        &[
            "line 14 (team_members)",
            "user `a` is already a member of team `t1`",
        ],
    )
    .await;
    // A member without the participant role.
    let not_registered = base("not-registered").row("team_members", member("t1", "c", "e1"));
    expect_refused(
        &app,
        &not_registered,
        &[
            "line 12 (team_members)",
            "user `c` is a team member without the `participant` role",
        ],
    )
    .await;
    // Within the rules, the same file imports.
    let fine = base("fine")
        .row("team_members", member("t1", "a", "e1"))
        .row("team_members", member("t2", "b", "e1"));
    let out = import_text(&app, &fine.render());
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

async fn attacker_files_are_refused_line_by_line(app: TestApp) {
    let victim = running_event(&app, "victim").await;
    let admin_id = victim.organizer.id.clone();
    let valid = || valid_file("attack", 5);

    // An id defined twice (lines 2-9 are valid: organization, alice, bob, the event, two
    // roles, team t1, its member).
    let duplicate = valid().insert(7, "teams", team_row("t1", "e1", "Other name", "bob"));
    expect_refused(
        &app,
        &duplicate,
        &["line 9 (teams)", "team `t1` is defined twice"],
    )
    .await;
    // Rows out of order: a user after the event.
    let late_user = valid().insert(
        4,
        "users",
        user("carol", "carol@initech.example", "o1", false),
    );
    expect_refused(
        &app,
        &late_user,
        &["line 6 (users)", "a row of `users` after rows of `events`"],
    )
    .await;
    // A row pointing to another event.
    let elsewhere = valid().insert(7, "teams", team_row("t2", &victim.id, "Intruders", "bob"));
    expect_refused(
        &app,
        &elsewhere,
        &[
            "line 9 (teams)",
            &format!("`event_id` names event `{}`", victim.id),
        ],
    )
    .await;
    // A second event row.
    let second = valid().insert(4, "events", event("e2", "attack", "alice", 5));
    expect_refused(&app, &second, &["line 6 (events)", "a second event"]).await;
    // A role for a user not in the file: the target's portal organizer, by id.
    let grant = valid().insert(6, "event_roles", role("e1", &admin_id, "organizer"));
    expect_refused(
        &app,
        &grant,
        &[
            "line 8 (event_roles)",
            &format!("`user_id` names user `{admin_id}`, which the file does not define"),
        ],
    )
    .await;
    // Columns the format does not have.
    let mut extra = valid();
    if let Some(row) = extra.rows_of("users").next() {
        row["is_admin"] = json!(true);
    }
    expect_refused(
        &app,
        &extra,
        &["line 3 (users)", "unknown field `is_admin`"],
    )
    .await;
    // The event row's slug is not the header's.
    let mut renamed = valid();
    renamed.header["event"] = json!("innocent");
    expect_refused(
        &app,
        &renamed,
        &[
            "line 5 (events)",
            "the event's slug `attack` is not the header's `innocent`",
        ],
    )
    .await;
    // A user the event never refers to: an account slipped in.
    let stowaway = valid().insert(3, "users", user("eve", "ceo@vendor.example", "o1", false));
    expect_refused(
        &app,
        &stowaway,
        &["line 5 (users)", "user `eve` is defined but no row"],
    )
    .await;
    // A password hash that would make every sign-in attempt cost a gigabyte.
    let mut costly = valid();
    if let Some(row) = costly.rows_of("users").next() {
        row["password_hash"] = json!(
            "$argon2id$v=19$m=1048576,t=50,p=1$c29tZXNhbHRzb21lc2FsdA$aGFzaGhhc2hoYXNoaGFzaA"
        );
    }
    expect_refused(
        &app,
        &costly,
        &["line 3 (users)", "the password hash costs more to verify"],
    )
    .await;
    // A line far longer than any row an export writes.
    let huge = valid().row(
        "chat_messages",
        json!({"id": "x", "team_id": "t1", "author_id": "bob", "created_at": T,
               "text": "A".repeat(cohack_server::export::MAX_LINE_BYTES)}),
    );
    expect_refused(&app, &huge, &["line 10 (file)", "more than the"]).await;
    // The file without its faults imports: the refusals above were about them.
    let out = import_text(&app, &valid().render());
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// An endpoint of team `team`, last set by `user`.
pub fn endpoint(team: &str, name: &str, url: &str, user: &str) -> Value {
    json!({"team_id": team, "name": name, "url": url, "updated_at": T, "updated_by": user})
}

async fn endpoints_and_recorded_exchanges_are_vetted(app: TestApp) {
    let victim = running_event(&app, "victim").await;
    let (_member, victim_team) = team(&app, &victim, "victims").await;
    let bytes = b"\0asm: a validator that calls the team's service";
    let hash = sha256(bytes);
    let exchanges = json!([
        {"method": "GET", "url": "https://staplers.example/health",
         "outcome": {"response": {"status": 200, "body": {"text": "{\"status\":\"ok\"}"}}},
         "duration_ms": 84},
        {"method": "GET", "url": "http://10.0.0.1/",
         "outcome": {"refused": {"reason": "a private address"}}},
    ])
    .to_string();
    // Lines 2-9 as `valid_file`, then the endpoint (10), the challenge (11), its blob (12)
    // and version (13), a submission judged against the endpoint (14) and its verdict (15).
    let networked = |slug: &str| {
        let (challenge, version) = challenge_with_version("e1", "alice", &hash);
        let mut file = valid_file(slug, 5)
            .row(
                "team_endpoints",
                endpoint("t1", "api", "https://staplers.example/", "bob"),
            )
            .row("challenges", challenge)
            .row("validator_blobs", blob(&hash, bytes))
            .row("validator_versions", version)
            .row(
                "submissions",
                json!({
                    "id": "s1", "team_id": "t1", "challenge_id": "c1", "submitted_by": "bob",
                    "answer": "", "status": "judged", "created_at": T,
                    "endpoints": json!([{"name": "api", "url": "https://staplers.example/"}])
                        .to_string(),
                }),
            )
            .row(
                "verdicts",
                json!({
                    "id": "r1", "submission_id": "s1", "validator_version_id": "v1",
                    "is_current": true, "passed": true, "score": 100, "max_score": 100,
                    "feedback": "", "checks": "[]", "notes": "", "error_kind": null,
                    "error_detail": null, "logs": "[]", "fuel_used": 1, "duration_us": 1,
                    "created_at": T, "exchanges": exchanges,
                }),
            );
        file.header["version"] = json!(2);
        file
    };
    let with = |slug: &str, table: &str, column: &str, value: Value| {
        let mut file = networked(slug);
        if let Some(row) = file.rows_of(table).next() {
            row[column] = value;
        }
        file
    };

    // Endpoints: a name no team could set, a URL with credentials, one not a URL at all.
    expect_refused(
        &app,
        &with("bad-name", "team_endpoints", "name", json!("API")),
        &[
            "line 10 (team_endpoints)",
            "\"API\" is not an endpoint name",
        ],
    )
    .await;
    expect_refused(
        &app,
        &with(
            "credentials",
            "team_endpoints",
            "url",
            json!("https://admin:secret@staplers.example/"),
        ),
        &[
            "line 10 (team_endpoints)",
            "the URL of endpoint `api` is refused",
        ],
    )
    .await;
    expect_refused(
        &app,
        &with(
            "long-url",
            "team_endpoints",
            "url",
            json!(format!("https://staplers.example/{}", "x".repeat(4096))),
        ),
        &["line 10 (team_endpoints)", "above the limit"],
    )
    .await;
    // Another event's team, and a user the file does not define.
    expect_refused(
        &app,
        &with(
            "their-team",
            "team_endpoints",
            "team_id",
            json!(victim_team),
        ),
        &[
            "line 10 (team_endpoints)",
            &format!("`team_id` names team `{victim_team}`, which the file does not define"),
        ],
    )
    .await;
    expect_refused(
        &app,
        &with("ghost", "team_endpoints", "updated_by", json!("mallory")),
        &[
            "line 10 (team_endpoints)",
            "`updated_by` names user `mallory`, which the file does not define",
        ],
    )
    .await;
    // The same name twice for one team, and more endpoints than a team may set.
    let twice = networked("twice").insert(
        9,
        "team_endpoints",
        endpoint("t1", "api", "https://other.example/", "bob"),
    );
    expect_refused(
        &app,
        &twice,
        &[
            "line 11 (team_endpoints)",
            "endpoint `api` of team `t1` appears twice",
        ],
    )
    .await;
    let mut crowded = networked("crowded");
    for n in 0..16 {
        crowded = crowded.insert(
            9,
            "team_endpoints",
            endpoint(
                "t1",
                &format!("svc-{n}"),
                "https://staplers.example/",
                "bob",
            ),
        );
    }
    expect_refused(
        &app,
        &crowded,
        &[
            "line 26 (team_endpoints)",
            "team `t1` would have 17 endpoints, a team may set at most 16",
        ],
    )
    .await;
    // A submission's endpoints: not a list, a bad URL, too long to be a team's.
    expect_refused(
        &app,
        &with(
            "not-a-list",
            "submissions",
            "endpoints",
            json!("{\"api\":1}"),
        ),
        &[
            "line 14 (submissions)",
            "`endpoints` is not a list of endpoints",
        ],
    )
    .await;
    expect_refused(
        &app,
        &with(
            "ftp",
            "submissions",
            "endpoints",
            json!(json!([{"name": "api", "url": "ftp://staplers.example/"}]).to_string()),
        ),
        &[
            "line 14 (submissions)",
            "the URL of endpoint `api` is refused",
        ],
    )
    .await;
    expect_refused(
        &app,
        &with(
            "padded",
            "submissions",
            "endpoints",
            json!(format!("[{}]", " ".repeat(65 << 10))),
        ),
        &[
            "line 14 (submissions)",
            "`endpoints` has 66562 bytes, more than the 65536",
        ],
    )
    .await;
    // Exchanges a replay could not read: not JSON, an outcome the runtime does not know.
    expect_refused(
        &app,
        &with("not-json", "verdicts", "exchanges", json!("GET / 200")),
        &[
            "line 15 (verdicts)",
            "`exchanges` is not a list of recorded exchanges",
        ],
    )
    .await;
    expect_refused(
        &app,
        &with(
            "exploded",
            "verdicts",
            "exchanges",
            json!(
                json!([{"method": "GET", "url": "https://staplers.example/",
                          "outcome": {"exploded": {}}}])
                .to_string()
            ),
        ),
        &[
            "line 15 (verdicts)",
            "`exchanges` is not a list of recorded exchanges",
        ],
    )
    .await;
    // A version this cohack does not read.
    let mut future = networked("future");
    future.header["version"] = json!(5);
    let before = Snapshot::take(&app).await;
    let out = import_text(&app, &future.render());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success(), "imported: {stderr}");
    assert!(
        stderr.contains("version 5 (this cohack reads versions 1 to 4)"),
        "{stderr}"
    );
    assert_eq!(Snapshot::take(&app).await, before);

    // The file without its faults imports, endpoint and exchanges as written.
    let out = import_text(&app, &networked("wired").render());
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let (urls, stored) = app
        .state
        .db
        .run(|conn| {
            let event = Event::find_by_slug(conn, "wired")?;
            let urls: Vec<(String, String)> = team_endpoints::table
                .inner_join(teams::table)
                .filter(teams::event_id.eq(&event.id))
                .select((team_endpoints::name, team_endpoints::url))
                .load(conn)?;
            let stored: Vec<String> = verdicts::table
                .inner_join(submissions::table.inner_join(teams::table))
                .filter(teams::event_id.eq(&event.id))
                .select(verdicts::exchanges)
                .load(conn)?;
            Ok::<_, cohack_server::error::Error>((urls, stored))
        })
        .await
        .expect("the imported rows");
    assert_eq!(
        urls,
        vec![("api".to_owned(), "https://staplers.example/".to_owned())]
    );
    assert_eq!(stored, vec![exchanges]);
}

/// A small valid file of version 4 with the floor: rewards on, two brackets (lines 8, 9),
/// team `t1` at a table (line 10) in the first bracket (line 12), two challenges (lines 13,
/// 14) with reward words, `t1` opened past the first by `alice` (line 15) and rewarded for it,
/// delivered (line 16).
pub fn floor_file(slug: &str) -> ExportFile {
    let mut file = ExportFile::new(slug);
    file.header["version"] = json!(4);
    let mut event = event("e1", slug, "alice", 5);
    event["rewards"] = json!(true);
    event["remote_reward"] = json!("a voucher, by mail");
    let mut team = team_row("t1", "e1", "Staplers", "bob");
    team["location"] = json!("Table 7");
    let challenge = |id: &str, slug: &str, position: i32| {
        json!({
            "id": id, "event_id": "e1", "slug": slug, "title": slug, "summary": "",
            "position": position, "points": 100, "statement": "Hello.", "always_open": false,
            "config": "{}", "limits": "{}", "live_version_id": null, "created_at": T,
            "updated_at": T, "reward": "a coffee", "event_reward": null,
        })
    };
    let mut first = challenge("c1", "first-contact", 1);
    first["event_reward"] = json!("a cup of tea");
    file.row("organizations", org("o1", "Initech"))
        .row("users", user("alice", "alice@initech.example", "o1", false))
        .row("users", user("bob", "bob@initech.example", "o1", false))
        .row("events", event)
        .row("event_roles", role("e1", "alice", "organizer"))
        .row("event_roles", role("e1", "bob", "participant"))
        .row(
            "event_brackets",
            json!({"event_id": "e1", "name": "On site", "position": 0}),
        )
        .row(
            "event_brackets",
            json!({"event_id": "e1", "name": "Remote", "position": 1}),
        )
        .row("teams", team)
        .row("team_members", member("t1", "bob", "e1"))
        .row(
            "team_brackets",
            json!({"team_id": "t1", "event_id": "e1", "bracket": "On site"}),
        )
        .row("challenges", first)
        .row("challenges", challenge("c2", "pipeline", 2))
        .row(
            "staff_openings",
            json!({
                "id": "op1", "event_id": "e1", "team_id": "t1", "challenge_id": "c2",
                "skipped_challenge_id": "c1", "stuck_seconds": 3000,
                "reason": "stuck on counting", "opened_by": "alice", "created_at": T,
            }),
        )
        .row(
            "rewards",
            json!({
                "id": "r1", "event_id": "e1", "team_id": "t1", "challenge_id": "c1",
                "location": "Table 7", "reward": "a cup of tea", "created_at": T,
                "delivered_at": "2026-03-01T09:05:00", "delivered_by": "alice",
            }),
        )
}

/// The floor of a file (version 4) is held to what the portal itself would store: brackets
/// (named once regardless of case, at most 40 characters), a team's one bracket among the
/// event's, locations and reward words, openings of the file's own challenges with a reason,
/// rewards once per team and challenge, delivered with a time. Each fault is refused at its
/// line; the file without them imports, brackets, openings and rewards and all.
async fn the_floor_is_held_to_the_portals_rules(app: TestApp) {
    let victim = running_event(&app, "victim").await;
    let (_member, victim_team) = team(&app, &victim, "victims").await;
    let valid = || floor_file("floor");
    let edit = |table: &str, index: usize, change: &dyn Fn(&mut Value)| {
        let mut file = valid();
        let row = file.rows_of(table).nth(index).expect("the row");
        change(row);
        file
    };
    let faults: Vec<(ExportFile, Vec<String>)> = vec![
        (
            edit("team_brackets", 0, &|r| r["bracket"] = json!("Moon")),
            vec![
                "line 12 (team_brackets)".into(),
                "`bracket` names bracket `Moon`".into(),
            ],
        ),
        (
            valid().insert(
                8,
                "event_brackets",
                json!({"event_id": "e1", "name": " remote ", "position": 2}),
            ),
            vec![
                "line 10 (event_brackets)".into(),
                "the bracket \"remote\" appears twice".into(),
            ],
        ),
        (
            edit("event_brackets", 0, &|r| r["name"] = json!("x".repeat(41))),
            vec!["line 8 (event_brackets)".into(), "`name`".into()],
        ),
        (
            valid().insert(
                11,
                "team_brackets",
                json!({"team_id": "t1", "event_id": "e1", "bracket": "Remote"}),
            ),
            vec![
                "line 13 (team_brackets)".into(),
                "the bracket of team `t1` appears twice".into(),
            ],
        ),
        (
            edit("team_brackets", 0, &|r| r["team_id"] = json!(victim_team)),
            vec![
                "line 12 (team_brackets)".into(),
                format!("`team_id` names team `{victim_team}`"),
            ],
        ),
        (
            edit("teams", 0, &|r| r["location"] = json!("T".repeat(41))),
            vec![
                "line 10 (teams)".into(),
                "`location`: location must be one line of at most 40 characters".into(),
            ],
        ),
        (
            edit("events", 0, &|r| {
                r["remote_reward"] = json!("v".repeat(201))
            }),
            vec!["line 5 (events)".into(), "remote_reward".into()],
        ),
        (
            edit("challenges", 0, &|r| {
                r["event_reward"] = json!("a cup of tea\nand a free laptop");
            }),
            vec![
                "line 13 (challenges)".into(),
                "`event_reward`: reward must be one line".into(),
            ],
        ),
        (
            edit("challenges", 1, &|r| r["reward"] = json!("c".repeat(101))),
            vec!["line 14 (challenges)".into(), "`reward`".into()],
        ),
        (
            edit("staff_openings", 0, &|r| r["challenge_id"] = json!("c9")),
            vec![
                "line 15 (staff_openings)".into(),
                "`challenge_id` names challenge `c9`, which the file does not define".into(),
            ],
        ),
        (
            edit("staff_openings", 0, &|r| {
                r["skipped_challenge_id"] = json!("c2")
            }),
            vec![
                "line 15 (staff_openings)".into(),
                "`skipped_challenge_id` is the challenge the opening opened".into(),
            ],
        ),
        (
            edit("staff_openings", 0, &|r| r["reason"] = json!("   ")),
            vec!["line 15 (staff_openings)".into(), "`reason`".into()],
        ),
        (
            edit("staff_openings", 0, &|r| r["stuck_seconds"] = json!(-5)),
            vec![
                "line 15 (staff_openings)".into(),
                "`stuck_seconds` -5".into(),
            ],
        ),
        (
            edit("staff_openings", 0, &|r| r["opened_by"] = json!("mallory")),
            vec![
                "line 15 (staff_openings)".into(),
                "`opened_by` names user `mallory`".into(),
            ],
        ),
        (
            edit("rewards", 0, &|r| r["delivered_at"] = Value::Null),
            vec![
                "line 16 (rewards)".into(),
                "`delivered_by` names who delivered a reward that has no `delivered_at`".into(),
            ],
        ),
        (
            edit("rewards", 0, &|r| r["reward"] = json!("")),
            vec!["line 16 (rewards)".into(), "`reward` is empty".into()],
        ),
        (
            valid().row(
                "rewards",
                json!({
                    "id": "r2", "event_id": "e1", "team_id": "t1", "challenge_id": "c1",
                    "location": null, "reward": "a second coffee", "created_at": T,
                    "delivered_at": null, "delivered_by": null,
                }),
            ),
            vec![
                "line 17 (rewards)".into(),
                "the reward of team `t1` for challenge `c1` appears twice".into(),
            ],
        ),
        (
            edit("rewards", 0, &|r| r["event_id"] = json!(victim.id)),
            vec![
                "line 16 (rewards)".into(),
                format!("`event_id` names event `{}`", victim.id),
            ],
        ),
    ];
    for (file, needles) in &faults {
        let needles: Vec<&str> = needles.iter().map(String::as_str).collect();
        expect_refused(&app, file, &needles).await;
    }

    // The file without its faults imports, its floor as written.
    let out = import_text(&app, &valid().render());
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let floor = app
        .state
        .db
        .run(|conn| {
            let event = Event::find_by_slug(conn, "floor")?;
            let brackets = cohack_server::models::bracket::of_event(conn, &event.id)?;
            let team: (String, Option<String>) = teams::table
                .filter(teams::event_id.eq(&event.id))
                .select((teams::id, teams::location))
                .first(conn)?;
            let bracket = cohack_server::models::bracket::of_team(conn, &team.0)?;
            let words: Vec<(String, Option<String>, Option<String>)> = challenges::table
                .filter(challenges::event_id.eq(&event.id))
                .order(challenges::position)
                .select((
                    challenges::slug,
                    challenges::reward,
                    challenges::event_reward,
                ))
                .load(conn)?;
            let openings = cohack_server::models::opening::Opening::of_event(conn, &event.id)?;
            let delivered: Vec<(Option<String>, String, Option<String>)> = rewards::table
                .filter(rewards::event_id.eq(&event.id))
                .select((rewards::location, rewards::reward, rewards::delivered_by))
                .load(conn)?;
            let alice = User::find_by_email(conn, "alice@initech.example")?
                .ok_or(cohack_server::error::Error::NotFound("alice"))?;
            Ok::<_, cohack_server::error::Error>((
                event, brackets, team, bracket, words, openings, delivered, alice,
            ))
        })
        .await
        .expect("the imported floor");
    let (event, brackets, team, bracket, words, openings, delivered, alice) = floor;
    assert!(event.rewards);
    assert_eq!(event.remote_reward, "a voucher, by mail");
    assert_eq!(brackets, ["On site", "Remote"]);
    assert_eq!(team.1.as_deref(), Some("Table 7"));
    assert_eq!(bracket.as_deref(), Some("On site"));
    assert_eq!(words[0].1.as_deref(), Some("a coffee"));
    assert_eq!(words[0].2.as_deref(), Some("a cup of tea"));
    assert_eq!(openings.len(), 1, "{openings:?}");
    assert_eq!(openings[0].team_id, team.0);
    assert_eq!(openings[0].opened_by, alice.id);
    assert_eq!(openings[0].stuck_seconds, 3000);
    assert_eq!(openings[0].reason, "stuck on counting");
    assert_ne!(openings[0].id, "op1", "an opening gets a new id");
    assert_eq!(
        delivered,
        [(
            Some("Table 7".to_owned()),
            "a cup of tea".to_owned(),
            Some(alice.id.clone())
        )]
    );
}
