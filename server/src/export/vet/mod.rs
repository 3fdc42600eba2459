//! Vetting an import before anything is written: each row is checked against the rows before
//! it and against the portal's own rules, and every id is replaced by a new one.
//!
//! What a row may name is what the file defined on an earlier line: its one event, that
//! event's teams, challenges, validator versions, submissions and documents, and the users
//! and organizations listed at its top. Users and organizations keep their ids from the file
//! here (the import matches them on the target by e-mail and by name, see [`super::insert`]);
//! every other row gets a fresh id. No database access: the verdict on a file depends on the
//! file alone.
//!
//! The portal's rules live beside: accounts, event settings and team membership in [`rules`];
//! teams' endpoints and what networked validator runs recorded in [`network`]; the coach's
//! playbook (hints, questions, nudges, sign-offs, the challenge columns they read) in
//! [`playbook`]; the floor (brackets, locations, reward words, openings, rewards) in
//! [`floor`].

mod floor;
mod network;
mod playbook;
mod rules;

use std::collections::{HashMap, HashSet};

use sha2::{Digest, Sha256};

use crate::{
    db::new_id,
    export::{
        error::{ImportError, Refusal},
        read::{Numbered, Parsed},
        rows::{Row, TABLES},
    },
    models::{event::validate_slug, organization, role::EventRole, team_alias::checked_alias},
};

/// What an id in the file names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Kind {
    Organization,
    User,
    Event,
    Team,
    Challenge,
    Blob,
    ValidatorVersion,
    Submission,
    Verdict,
    ChatMessage,
    Document,
    HelpCall,
    Announcement,
    CoachNote,
    Feedback,
    Question,
    CannedAnswer,
    Opening,
    Reward,
}

impl Kind {
    fn name(self) -> &'static str {
        match self {
            Kind::Organization => "organization",
            Kind::User => "user",
            Kind::Event => "event",
            Kind::Team => "team",
            Kind::Challenge => "challenge",
            Kind::Blob => "validator blob",
            Kind::ValidatorVersion => "validator version",
            Kind::Submission => "submission",
            Kind::Verdict => "verdict",
            Kind::ChatMessage => "chat message",
            Kind::Document => "document",
            Kind::HelpCall => "help call",
            Kind::Announcement => "announcement",
            Kind::CoachNote => "coach note",
            Kind::Feedback => "feedback",
            Kind::Question => "question",
            Kind::CannedAnswer => "canned answer",
            Kind::Opening => "opening",
            Kind::Reward => "reward",
        }
    }
}

/// Longest team name, as `Team::create` accepts.
const MAX_TEAM_NAME_CHARS: usize = 60;

/// A file whose rows all passed: ready to insert.
#[derive(Debug)]
pub struct Vetted {
    /// The slug of the event the file creates.
    pub slug: String,
    /// The rows, every id but users' and organizations' replaced by a new one, each
    /// challenge's live version taken out (see `live_versions`), new users' portal-organizer
    /// flag cleared.
    pub rows: Vec<Numbered>,
    /// `(line, challenge id, version id)`: a challenge names its live version before the
    /// versions exist (they reference it), so it is set once they do.
    pub live_versions: Vec<(usize, String, String)>,
    /// Organization names by their id in the file: a new user's organization is found or
    /// created by name.
    pub organizations: HashMap<String, String>,
}

/// The event the file creates.
struct FileEvent {
    file_id: String,
    id: String,
    team_size_max: i32,
}

/// What the rows read so far have defined.
#[derive(Default)]
struct Vetter {
    slug: String,
    /// The line being vetted.
    line: usize,
    last_table: usize,
    /// `(kind, id in the file)` → id on the target.
    ids: HashMap<(Kind, String), String>,
    event: Option<FileEvent>,
    organizations: HashMap<String, String>,
    defined_organizations: Vec<(usize, String)>,
    defined_users: Vec<(usize, String)>,
    used_organizations: HashSet<String>,
    used_users: HashSet<String>,
    emails: HashSet<String>,
    /// `(user, role)`.
    roles: HashSet<(String, String)>,
    team_names: HashSet<String>,
    team_sizes: HashMap<String, usize>,
    /// user → the team (as the file names it) they are a member of.
    team_of: HashMap<String, String>,
    coaches: HashSet<(String, String)>,
    /// `(team, name)` of each endpoint.
    endpoints: HashSet<(String, String)>,
    /// team → endpoints set so far.
    endpoint_counts: HashMap<String, usize>,
    challenge_slugs: HashSet<String>,
    challenge_positions: HashSet<i32>,
    versions: HashSet<(String, i32)>,
    challenge_of_version: HashMap<String, String>,
    challenge_of_submission: HashMap<String, String>,
    files: HashSet<(String, String)>,
    document_seqs: HashSet<(String, i64)>,
    opens: HashSet<(String, String)>,
    live_versions: Vec<(usize, String, String)>,
    /// Team aliases set so far, lower-cased.
    aliases: HashSet<String>,
    /// `(team, challenge, hint)` unlocked.
    hint_unlocks: HashSet<(String, String, i32)>,
    /// question → its challenge and whether it was answered (a duplicate names one).
    questions: HashMap<String, (String, bool)>,
    /// `(team, challenge)` nudged.
    nudges: HashSet<(String, String)>,
    /// Submissions with a sign-off.
    sign_offs: HashSet<String>,
    /// The event's brackets so far, as it spells them, in the file's order.
    brackets: Vec<String>,
    /// The positions of those brackets.
    bracket_positions: HashSet<i32>,
    /// Teams (new ids) given a bracket.
    team_brackets: HashSet<String>,
    /// `(team, challenge)` opened by a coach or an organizer.
    openings: HashSet<(String, String)>,
    /// `(team, challenge)` rewarded.
    rewards: HashSet<(String, String)>,
    /// The versions of the event's terms so far.
    terms_versions: HashSet<i32>,
    /// `(user, version)` accepted.
    acceptances: HashSet<(String, i32)>,
}

/// Vets a parsed file: the first row found wrong, reading top to bottom, refuses it.
pub fn vet(parsed: Parsed) -> Result<Vetted, ImportError> {
    let mut vetter = Vetter {
        slug: parsed.slug,
        ..Vetter::default()
    };
    let mut rows = parsed.rows;
    for Numbered { line, row } in &mut rows {
        vetter.line = *line;
        vetter.row(row).map_err(|refusal| ImportError::Refused {
            line: *line,
            table: row.table(),
            refusal,
        })?;
    }
    vetter.finish(rows)
}

fn unknown(column: &'static str, kind: Kind, id: &str) -> Refusal {
    Refusal::UnknownReference {
        column,
        kind: kind.name(),
        id: id.to_owned(),
    }
}

fn invalid(message: impl Into<String>) -> Refusal {
    Refusal::Invalid(message.into())
}

/// A fresh key for a composite-key row, or the refusal of a repeated one.
fn once<K: std::hash::Hash + Eq>(
    seen: &mut HashSet<K>,
    key: K,
    what: impl FnOnce() -> String,
) -> Result<(), Refusal> {
    if seen.insert(key) {
        Ok(())
    } else {
        Err(Refusal::Duplicate(what()))
    }
}

impl Vetter {
    /// Gives the row's id a fresh one; the id must be new in the file.
    fn define(&mut self, kind: Kind, id: &mut String) -> Result<(), Refusal> {
        let fresh = new_id();
        self.define_as(kind, id, fresh.clone())?;
        *id = fresh;
        Ok(())
    }

    /// Records the row's id, kept as it is (users, organizations, blobs).
    fn define_as(&mut self, kind: Kind, id: &str, target: String) -> Result<(), Refusal> {
        match self.ids.entry((kind, id.to_owned())) {
            std::collections::hash_map::Entry::Occupied(_) => Err(Refusal::DuplicateId {
                kind: kind.name(),
                id: id.to_owned(),
            }),
            std::collections::hash_map::Entry::Vacant(slot) => {
                slot.insert(target);
                Ok(())
            }
        }
    }

    /// Rewrites a reference to what an earlier line defined.
    fn resolve(&self, kind: Kind, column: &'static str, id: &mut String) -> Result<(), Refusal> {
        let target = self
            .ids
            .get(&(kind, id.clone()))
            .ok_or_else(|| unknown(column, kind, id))?;
        id.clone_from(target);
        Ok(())
    }

    /// Rewrites a reference to the file's event; any other event is refused.
    fn in_event(&self, column: &'static str, id: &mut String) -> Result<(), Refusal> {
        match &self.event {
            None => Err(unknown(column, Kind::Event, id)),
            Some(event) if event.file_id == *id => {
                id.clone_from(&event.id);
                Ok(())
            }
            Some(_) => Err(Refusal::OtherEvent {
                column,
                id: id.clone(),
            }),
        }
    }

    fn has_role(&self, user: &str, role: EventRole) -> bool {
        self.roles
            .contains(&(user.to_owned(), role.as_str().to_owned()))
    }

    /// Checks one row and rewrites its ids.
    fn row(&mut self, row: &mut Row) -> Result<(), Refusal> {
        let table = row.table();
        let position = TABLES.iter().position(|t| *t == table).unwrap_or_default();
        if position < self.last_table {
            return Err(Refusal::OutOfOrder {
                table,
                after: TABLES.get(self.last_table).copied().unwrap_or("?"),
            });
        }
        self.last_table = position;
        for (column, id) in row.user_refs_mut() {
            if !self.ids.contains_key(&(Kind::User, id.clone())) {
                return Err(unknown(column, Kind::User, id));
            }
            self.used_users.insert(id.clone());
        }
        match row {
            Row::OrganizationRow(r) => {
                let name = r.name.trim();
                if name.is_empty() || name.chars().count() > organization::MAX_NAME_LEN {
                    return Err(invalid(format!(
                        "an organization's name must have 1 to {} characters",
                        organization::MAX_NAME_LEN
                    )));
                }
                self.organizations.insert(r.id.clone(), name.to_owned());
                self.defined_organizations.push((self.line, r.id.clone()));
                self.define_as(Kind::Organization, &r.id, r.id.clone())
            }
            Row::UserRow(r) => self.user(r),
            Row::EventRow(r) => self.event(r),
            Row::EventRoleRow(r) => {
                self.in_event("event_id", &mut r.event_id)?;
                let role: EventRole = r.role.parse().map_err(|_| {
                    invalid(format!(
                        "`role` {:?} is not one of organizer, author, engineer, participant, \
                         runner",
                        r.role
                    ))
                })?;
                once(
                    &mut self.roles,
                    (r.user_id.clone(), role.as_str().to_owned()),
                    || format!("role `{role}` of user `{}`", r.user_id),
                )
            }
            Row::EventBracketRow(r) => self.event_bracket(r),
            Row::TeamRow(r) => {
                self.in_event("event_id", &mut r.event_id)?;
                let name = r.name.trim();
                if name.is_empty() || name.chars().count() > MAX_TEAM_NAME_CHARS {
                    return Err(invalid(format!(
                        "a team's name must have 1 to {MAX_TEAM_NAME_CHARS} characters"
                    )));
                }
                once(&mut self.team_names, name.to_owned(), || {
                    format!("the team name {name:?}")
                })?;
                if let Some(alias) = &r.alias {
                    let alias = checked_alias(alias).map_err(|e| invalid(e.to_string()))?;
                    once(&mut self.aliases, alias.to_lowercase(), || {
                        format!("the team alias {alias:?}")
                    })?;
                }
                floor::check_location(&mut r.location)?;
                self.define(Kind::Team, &mut r.id)
            }
            Row::TeamMemberRow(r) => {
                self.in_event("event_id", &mut r.event_id)?;
                let team = r.team_id.clone();
                self.resolve(Kind::Team, "team_id", &mut r.team_id)?;
                self.member(&r.user_id, team, &r.team_id)
            }
            Row::TeamCoachRow(r) => {
                let team = r.team_id.clone();
                self.resolve(Kind::Team, "team_id", &mut r.team_id)?;
                if !self.has_role(&r.user_id, EventRole::Engineer) {
                    return Err(Refusal::MissingRole {
                        user: r.user_id.clone(),
                        what: "a coach",
                        role: EventRole::Engineer.as_str(),
                    });
                }
                once(
                    &mut self.coaches,
                    (r.team_id.clone(), r.user_id.clone()),
                    || format!("coach `{}` of team `{team}`", r.user_id),
                )
            }
            Row::TeamEndpointRow(r) => self.team_endpoint(r),
            Row::TeamBracketRow(r) => self.team_bracket(r),
            Row::ChallengeRow(r) => {
                self.in_event("event_id", &mut r.event_id)?;
                validate_slug(&r.slug, "a challenge's").map_err(|e| invalid(e.to_string()))?;
                once(&mut self.challenge_slugs, r.slug.clone(), || {
                    format!("the challenge slug `{}`", r.slug)
                })?;
                once(&mut self.challenge_positions, r.position, || {
                    format!("the challenge position {}", r.position)
                })?;
                playbook::check_challenge(r)?;
                floor::check_challenge(r)?;
                self.define(Kind::Challenge, &mut r.id)?;
                if let Some(version) = r.live_version_id.take() {
                    self.live_versions.push((self.line, r.id.clone(), version));
                }
                Ok(())
            }
            Row::ValidatorBlobRow(r) => {
                let actual = hex::encode(Sha256::digest(&r.wasm));
                if actual != r.hash {
                    return Err(Refusal::BlobHash {
                        declared: r.hash.clone(),
                        actual,
                    });
                }
                if usize::try_from(r.size_bytes).ok() != Some(r.wasm.len()) {
                    return Err(invalid(format!(
                        "`size_bytes` is {}, the validator has {} bytes",
                        r.size_bytes,
                        r.wasm.len()
                    )));
                }
                self.define_as(Kind::Blob, &r.hash, r.hash.clone())
            }
            Row::ValidatorVersionRow(r) => {
                self.resolve(Kind::Challenge, "challenge_id", &mut r.challenge_id)?;
                self.resolve(Kind::Blob, "blob_hash", &mut r.blob_hash)?;
                if r.version < 1 {
                    return Err(invalid(format!("`version` {} is below 1", r.version)));
                }
                once(
                    &mut self.versions,
                    (r.challenge_id.clone(), r.version),
                    || format!("version {} of one challenge", r.version),
                )?;
                serde_json::from_str::<cohack_package::Manifest>(&r.manifest)
                    .map_err(|e| invalid(format!("`manifest` is not a challenge manifest: {e}")))?;
                self.define(Kind::ValidatorVersion, &mut r.id)?;
                self.challenge_of_version
                    .insert(r.id.clone(), r.challenge_id.clone());
                Ok(())
            }
            Row::SubmissionRow(r) => {
                self.resolve(Kind::Team, "team_id", &mut r.team_id)?;
                self.resolve(Kind::Challenge, "challenge_id", &mut r.challenge_id)?;
                if !matches!(r.status.as_str(), "pending" | "judged" | "validator_error") {
                    return Err(invalid(format!(
                        "`status` {:?} is not one of pending, judged, validator_error",
                        r.status
                    )));
                }
                network::check_submission_endpoints(r.endpoints.as_deref())?;
                self.define(Kind::Submission, &mut r.id)?;
                self.challenge_of_submission
                    .insert(r.id.clone(), r.challenge_id.clone());
                Ok(())
            }
            Row::SubmissionFileRow(r) => {
                let submission = r.submission_id.clone();
                self.resolve(Kind::Submission, "submission_id", &mut r.submission_id)?;
                once(
                    &mut self.files,
                    (r.submission_id.clone(), r.path.clone()),
                    || format!("file {:?} of submission `{submission}`", r.path),
                )
            }
            Row::VerdictRow(r) => {
                self.resolve(Kind::Submission, "submission_id", &mut r.submission_id)?;
                self.resolve(
                    Kind::ValidatorVersion,
                    "validator_version_id",
                    &mut r.validator_version_id,
                )?;
                if self.challenge_of_version.get(&r.validator_version_id)
                    != self.challenge_of_submission.get(&r.submission_id)
                {
                    return Err(Refusal::Inconsistent(
                        "the verdict's validator version is another challenge's than its \
                         submission's"
                            .into(),
                    ));
                }
                network::check_exchanges(&r.exchanges)?;
                self.define(Kind::Verdict, &mut r.id)
            }
            Row::ChatMessageRow(r) => {
                self.resolve(Kind::Team, "team_id", &mut r.team_id)?;
                self.define(Kind::ChatMessage, &mut r.id)
            }
            Row::DocumentRow(r) => {
                self.resolve(Kind::Team, "team_id", &mut r.team_id)?;
                self.define(Kind::Document, &mut r.id)
            }
            Row::DocumentUpdateRow(r) => {
                let document = r.document_id.clone();
                self.resolve(Kind::Document, "document_id", &mut r.document_id)?;
                once(
                    &mut self.document_seqs,
                    (r.document_id.clone(), r.seq),
                    || format!("update {} of document `{document}`", r.seq),
                )
            }
            Row::HelpCallRow(r) => {
                self.resolve(Kind::Team, "team_id", &mut r.team_id)?;
                self.in_event("event_id", &mut r.event_id)?;
                self.define(Kind::HelpCall, &mut r.id)
            }
            Row::AnnouncementRow(r) => {
                self.in_event("event_id", &mut r.event_id)?;
                self.define(Kind::Announcement, &mut r.id)
            }
            Row::CoachNoteRow(r) => {
                self.resolve(Kind::Team, "team_id", &mut r.team_id)?;
                self.resolve(Kind::Challenge, "challenge_id", &mut r.challenge_id)?;
                self.define(Kind::CoachNote, &mut r.id)
            }
            Row::FeedbackRow(r) => {
                self.resolve(Kind::Team, "team_id", &mut r.team_id)?;
                self.resolve(Kind::Challenge, "challenge_id", &mut r.challenge_id)?;
                if !(1..=5).contains(&r.difficulty) {
                    return Err(invalid(format!(
                        "`difficulty` {} is not between 1 and 5",
                        r.difficulty
                    )));
                }
                self.define(Kind::Feedback, &mut r.id)
            }
            Row::ChallengeOpenRow(r) => {
                let (team, challenge) = (r.team_id.clone(), r.challenge_id.clone());
                self.resolve(Kind::Team, "team_id", &mut r.team_id)?;
                self.resolve(Kind::Challenge, "challenge_id", &mut r.challenge_id)?;
                once(
                    &mut self.opens,
                    (r.team_id.clone(), r.challenge_id.clone()),
                    || format!("the opening of challenge `{challenge}` by team `{team}`"),
                )
            }
            Row::HintUnlockRow(r) => self.hint_unlock(r),
            Row::QuestionRow(r) => self.question(r),
            Row::CannedAnswerRow(r) => {
                self.resolve(Kind::Challenge, "challenge_id", &mut r.challenge_id)?;
                self.define(Kind::CannedAnswer, &mut r.id)
            }
            Row::NudgeRow(r) => self.nudge(r),
            Row::SignOffRow(r) => self.sign_off(r),
            Row::OpeningRow(r) => self.opening(r),
            Row::RewardRow(r) => self.reward(r),
            Row::TermsRow(r) => self.terms(r),
            Row::TermsAcceptanceRow(r) => self.terms_acceptance(r),
        }
    }

    /// A version of the event's terms: numbered from 1, once each, no longer than the API
    /// takes.
    fn terms(&mut self, r: &mut crate::export::rows::TermsRow) -> Result<(), Refusal> {
        self.in_event("event_id", &mut r.event_id)?;
        if r.version < 1 {
            return Err(invalid("`version`: terms are numbered from 1"));
        }
        crate::models::terms::validate_terms(&r.text)
            .map_err(|e| invalid(format!("`text`: {e}")))?;
        once(&mut self.terms_versions, r.version, || {
            format!("version {} of the terms", r.version)
        })
    }

    /// An acceptance: of a version of the file's terms, once per person and version (the
    /// person is checked with every user reference).
    fn terms_acceptance(
        &mut self,
        r: &mut crate::export::rows::TermsAcceptanceRow,
    ) -> Result<(), Refusal> {
        self.in_event("event_id", &mut r.event_id)?;
        if !self.terms_versions.contains(&r.version) {
            return Err(Refusal::Inconsistent(format!(
                "an acceptance of version {} of the terms, which the file does not have",
                r.version
            )));
        }
        once(
            &mut self.acceptances,
            (r.user_id.clone(), r.version),
            || format!("the acceptance of version {} by {}", r.version, r.user_id),
        )
    }

    /// What only the whole file tells: an event at all, live versions that are their
    /// challenge's, nobody listed for nothing. The earliest such line is named.
    fn finish(self, rows: Vec<Numbered>) -> Result<Vetted, ImportError> {
        if self.event.is_none() {
            return Err(ImportError::NoEvent);
        }
        let mut faults: Vec<(usize, &'static str, Refusal)> = Vec::new();
        let mut live_versions = Vec::new();
        for (line, challenge, file_version) in &self.live_versions {
            let line = *line;
            match self
                .ids
                .get(&(Kind::ValidatorVersion, file_version.clone()))
            {
                None => faults.push((
                    line,
                    "challenges",
                    unknown("live_version_id", Kind::ValidatorVersion, file_version),
                )),
                Some(version) if self.challenge_of_version.get(version) != Some(challenge) => {
                    faults.push((
                        line,
                        "challenges",
                        Refusal::Inconsistent(format!(
                            "`live_version_id` names validator version `{file_version}`, which \
                             is another challenge's"
                        )),
                    ));
                }
                Some(version) => live_versions.push((line, challenge.clone(), version.clone())),
            }
        }
        for (line, id) in &self.defined_users {
            if !self.used_users.contains(id) {
                faults.push((
                    *line,
                    "users",
                    Refusal::Unreferenced {
                        kind: Kind::User.name(),
                        id: id.clone(),
                    },
                ));
            }
        }
        for (line, id) in &self.defined_organizations {
            if !self.used_organizations.contains(id) {
                faults.push((
                    *line,
                    "organizations",
                    Refusal::Unreferenced {
                        kind: Kind::Organization.name(),
                        id: id.clone(),
                    },
                ));
            }
        }
        if let Some((line, table, refusal)) = faults.into_iter().min_by_key(|f| f.0) {
            return Err(ImportError::Refused {
                line,
                table,
                refusal,
            });
        }
        Ok(Vetted {
            slug: self.slug,
            rows,
            live_versions,
            organizations: self.organizations,
        })
    }
}
