//! The mail an event sends on its own schedule: a reminder to everyone registered a day and
//! an hour before the start, the cliffs report to the organizers and stakeholders at the end,
//! and, for an event with a closing survey, a reminder with its link when it opens (to
//! everyone registered in a team whose card still waits: neither answered nor dismissed); and
//! the settings behind them (stakeholders, a person's opt-out, which covers the survey's
//! reminder too).
//!
//! Every instance runs [`watch`] (every `reminder_check_ms`, only with mail on). A mailing
//! goes out once per event and kind across instances: [`mailing::once`] records it in
//! `event_mailings` and queues its mails in the same transaction, so either both happen or
//! neither, and a second instance finds the record and does nothing. A mailing is due only
//! inside its window ([`due`]): an event made 30 minutes before its start gets the hour
//! reminder and no day reminder, and a server started a week after an event's end sends no
//! report of it (nor, a week after its survey opened, the survey's reminder).

use std::time::Duration;

use actix_web::web;
use chrono::{NaiveDateTime, TimeDelta};

use crate::{
    access,
    actions::survey,
    db::{DbConnection, now},
    error::{Error, Result},
    insights::{
        InsightScope,
        data::Scoped,
        render,
        report::{self, Report, ReportFilter},
    },
    mail::{self, Links, compose},
    models::{
        event::Event,
        mailing::{self, MailingKind},
        survey as survey_model,
        user::User,
    },
    state::AppState,
};

/// How long after its end an event's report is still sent (a server down at the end sends it
/// when it is back; one upgraded long after does not mail old events).
const REPORT_WINDOW: TimeDelta = TimeDelta::days(1);

/// The mailings of `event` due at `at`; `survey_opens`: when its closing survey opens, if it
/// has one ([`survey::opens_at`]).
pub fn due(
    event: &Event,
    survey_opens: Option<NaiveDateTime>,
    at: NaiveDateTime,
) -> Vec<MailingKind> {
    let (day, hour) = (TimeDelta::days(1), TimeDelta::hours(1));
    let mut kinds = Vec::new();
    if event.starts_at - day <= at && at < event.starts_at - hour {
        kinds.push(MailingKind::Day);
    }
    if event.starts_at - hour <= at && at < event.starts_at {
        kinds.push(MailingKind::Hour);
    }
    if event.ends_at <= at && at < event.ends_at + REPORT_WINDOW {
        kinds.push(MailingKind::Report);
    }
    if survey_opens.is_some_and(|opens| opens <= at && at < opens + REPORT_WINDOW) {
        kinds.push(MailingKind::Survey);
    }
    kinds
}

/// Renders the whole report as the file the report mail attaches: its name and content. The
/// report page's own renderer (`web::pages::report::named_file`), handed down by start-up so
/// that this layer does not import the pages.
pub type ReportFile = fn(&Report) -> Result<(String, String)>;

/// Queues every mailing due now that no instance queued yet; how many mails were queued.
pub async fn send_due(state: &AppState, report_file: ReportFile) -> Result<usize> {
    let Some(links) = state.mail.clone() else {
        return Ok(0);
    };
    let at = now();
    let queued = state
        .db
        .write(move |conn| {
            let mut queued = 0;
            for event in Event::list(conn)? {
                let survey_opens = survey_model::settings(conn, &event.id)?
                    .map(|settings| survey::opens_at(&event, &settings));
                for kind in due(&event, survey_opens, at) {
                    if mailing::done(conn, &event.id, kind)? {
                        continue;
                    }
                    let sent = mailing::once(conn, &event.id, kind, at, |conn| {
                        queue(conn, &links, &event, kind, report_file)
                    })?;
                    queued += sent.unwrap_or(0);
                }
            }
            Ok::<_, Error>(queued)
        })
        .await?;
    if queued > 0 {
        state.outbox.wake();
    }
    Ok(queued)
}

/// Queues the mails of one mailing, inside its transaction.
fn queue(
    conn: &mut DbConnection,
    links: &Links,
    event: &Event,
    kind: MailingKind,
    report_file: ReportFile,
) -> Result<usize> {
    let event_link = links.link(&format!("/events/{}", event.slug));
    match kind {
        MailingKind::Day | MailingKind::Hour => {
            let when = if kind == MailingKind::Day {
                "tomorrow"
            } else {
                "in an hour"
            };
            let recipients = mailing::reminder_recipients(conn, &event.id)?;
            for person in &recipients {
                let mail = compose::reminder(
                    event,
                    when,
                    person.team.as_deref(),
                    &event_link,
                    &links.unsubscribe(&person.user_id)?,
                )?;
                mail::queue(conn, Some(&event.id), &person.email, &mail)?;
            }
            Ok(recipients.len())
        }
        MailingKind::Survey => {
            let mut queued = 0;
            for person in mailing::reminder_recipients(conn, &event.id)? {
                // The survey's card is in the team's workspace, shown until answered or
                // dismissed: the mail goes where the card still waits. Someone who never
                // joined a team took no part in the challenges it asks about.
                let Some(team_id) = &person.team_id else {
                    continue;
                };
                if survey_model::standing(conn, &event.id, &person.user_id)?.is_some() {
                    continue;
                }
                let mail = compose::survey(
                    event,
                    person.team.as_deref(),
                    &links.link(&format!("/teams/{team_id}#survey-card")),
                    &links.unsubscribe(&person.user_id)?,
                )?;
                mail::queue(conn, Some(&event.id), &person.email, &mail)?;
                queued += 1;
            }
            Ok(queued)
        }
        MailingKind::Report => {
            // The whole report, as the organizers' "Download report" gives it; its cliffs
            // are the brief in the mail's body.
            let whole = report::report_of(
                conn,
                Scoped {
                    event: event.clone(),
                    scope: InsightScope::All,
                },
                &ReportFilter::default(),
            )?;
            let brief = render::cliffs_markdown(&whole.cliffs);
            let mail = compose::report(
                event,
                &brief,
                &links.link(&format!("/events/{}/report", event.slug)),
                Some(report_file(&whole)?),
            )?;
            let mut to = mailing::organizer_addresses(conn, &event.id)?;
            for address in mailing::stakeholders(conn, &event.id)? {
                if !to.contains(&address) {
                    to.push(address);
                }
            }
            for address in &to {
                mail::queue(conn, Some(&event.id), address, &mail)?;
            }
            Ok(to.len())
        }
    }
}

/// Looks for due mailings every `reminder_check_ms`, forever (started only with mail on).
pub async fn watch(state: web::Data<AppState>, report_file: ReportFile) {
    let every = Duration::from_millis(state.config.reminder_check_ms.max(50));
    loop {
        tokio::time::sleep(every).await;
        match send_due(&state, report_file).await {
            Ok(0) => {}
            Ok(queued) => tracing::info!(mails = queued, "reminders and reports queued"),
            Err(e) => tracing::warn!(error = %e, "reminder check failed"),
        }
    }
}

/// The event's stakeholder addresses, for its organizers (403).
pub fn stakeholders(conn: &mut DbConnection, caller: &User, slug: &str) -> Result<Vec<String>> {
    let access = access::event_access(conn, caller, slug)?;
    access.require_organizer()?;
    mailing::stakeholders(conn, &access.event.id)
}

/// Replaces the event's stakeholder addresses as one of its organizers (403): each checked
/// (400 `invalid_email`), at most 50 (400 `too_many_stakeholders`); the list as stored.
pub async fn set_stakeholders(
    state: &AppState,
    caller: &User,
    slug: &str,
    addresses: Vec<String>,
) -> Result<Vec<String>> {
    let addresses = mailing::checked_stakeholders(&addresses)?;
    let (caller, slug) = (caller.clone(), slug.to_owned());
    state
        .db
        .write(move |conn| {
            let access = access::event_access(conn, &caller, &slug)?;
            access.require_organizer()?;
            mailing::set_stakeholders(conn, &access.event.id, &addresses)?;
            Ok(addresses)
        })
        .await
}

/// Whether `caller` gets reminders.
pub fn reminders_on(conn: &mut DbConnection, caller: &User) -> Result<bool> {
    Ok(!mailing::opted_out(conn, &caller.id)?)
}

/// Turns `caller`'s reminders on or off.
pub async fn set_reminders(state: &AppState, caller: &User, on: bool) -> Result<()> {
    let id = caller.id.clone();
    state
        .db
        .write(move |conn| mailing::set_opt_out(conn, &id, !on))
        .await
}

/// Stops the reminders of the account an unsubscribe link names (404 for a link that is not
/// one: forged, cut short, or with mail off).
pub async fn unsubscribe(state: &AppState, token: &str) -> Result<()> {
    let links = state
        .mail
        .as_ref()
        .ok_or(Error::NotFound("unsubscribe link"))?;
    let user_id = links.unsubscriber(token)?;
    state
        .db
        .write(move |conn| {
            User::find(conn, &user_id)?;
            mailing::set_opt_out(conn, &user_id, true)
        })
        .await
}
