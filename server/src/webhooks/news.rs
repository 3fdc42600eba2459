//! What a webhook is told, and enqueuing it: each function here is called inside the
//! transaction of the change it tells of (from [`crate::actions::announce`] and the phase
//! task), so a committed change always has its deliveries queued.
//!
//! The stored payload is `{type, timestamp, data, text, hidden_by_freeze}`: `standard`
//! webhooks receive `{type, timestamp, data}`, `slack` ones `{text}`.
//!
//! **The freeze rule.** A solve made while the public board is frozen is news the board hides
//! until the end. It is *held* for every webhook not marked `staff_only`: enqueued now with
//! `hold_until` = the event's end, and sent then (the deliverer checks the end again, so an
//! end moved later holds it longer). Holding rather than dropping: the organizer asked for
//! every solve, and after the end the board tells the same story, so the venue's channel
//! gets the full record, in order, the moment it stops being a secret.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde_json::{Value, json};

use crate::{
    db::{
        DbConnection, now,
        schema::{challenges, submissions, teams},
    },
    error::Result,
    models::{
        challenge::Challenge,
        event::{BOARD_NAMES_ALIASES, Event, Phase},
        team_alias,
        verdict::{Whose, counted_passes},
        webhook::Webhook,
    },
    outbox::{Channel, NewDelivery, enqueue},
};

/// A piece of news for an event's webhooks.
#[derive(Debug, Clone)]
pub struct News {
    /// One of [`crate::models::webhook::EVENT_TYPES`] (or `webhook.ping`).
    pub event_type: &'static str,
    /// The type's data, as the OpenAPI document describes it.
    pub data: Value,
    /// One line for a chat channel.
    pub text: String,
    /// Whether the frozen public board hides it until the end.
    pub hidden_by_freeze: bool,
}

impl News {
    /// The payload stored in the outbox.
    pub fn payload(&self, at: NaiveDateTime) -> Value {
        json!({
            "type": self.event_type,
            "timestamp": at.and_utc(),
            "data": self.data,
            "text": self.text,
            "hidden_by_freeze": self.hidden_by_freeze,
        })
    }
}

/// Enqueues `news` for every webhook of `event` subscribed to its type; held until the end
/// for the ones that may not hear it yet. Returns how many deliveries were queued.
pub fn enqueue_news(conn: &mut DbConnection, event: &Event, news: &News) -> Result<usize> {
    let hooks = Webhook::subscribed(conn, &event.id, news.event_type)?;
    for hook in &hooks {
        enqueue_to(conn, event, hook, news)?;
    }
    Ok(hooks.len())
}

/// Enqueues `news` for one webhook; returns the delivery's id.
pub fn enqueue_to(
    conn: &mut DbConnection,
    event: &Event,
    hook: &Webhook,
    news: &News,
) -> Result<String> {
    let at = now();
    let hold_until = (news.hidden_by_freeze && !hook.staff_only).then_some(event.ends_at);
    enqueue(
        conn,
        NewDelivery {
            channel: Channel::Webhook,
            event_id: Some(event.id.clone()),
            target: hook.id.clone(),
            payload: news.payload(at),
            hold_until,
        },
    )
}

/// The name the public board shows for a team: its alias on an aliased event.
fn board_name(conn: &mut DbConnection, event: &Event, team_id: &str) -> Result<String> {
    if event.board_names == BOARD_NAMES_ALIASES {
        return team_alias::alias_of(conn, &event.id, team_id);
    }
    Ok(teams::table.find(team_id).select(teams::name).first(conn)?)
}

/// After a pass counted (judged without a sign-off, or approved): `challenge.solved` the
/// first time the team solves the challenge, and `challenge.first_solve` too when no other
/// team solved it before. Returns how many deliveries were queued.
pub fn solved(conn: &mut DbConnection, submission_id: &str) -> Result<usize> {
    let (team_id, challenge_id, event_id): (String, String, String) = submissions::table
        .inner_join(challenges::table)
        .filter(submissions::id.eq(submission_id))
        .select((
            submissions::team_id,
            submissions::challenge_id,
            challenges::event_id,
        ))
        .first(conn)?;
    // Most events have no webhook: one indexed read, and nothing more is asked.
    let listening = Webhook::of_event(conn, &event_id)?
        .iter()
        .any(|hook| hook.wants("challenge.solved") || hook.wants("challenge.first_solve"));
    if !listening {
        return Ok(0);
    }
    // The team's counted passes of this challenge: news only on the first (two read at most).
    if counted_passes(conn, &challenge_id, Whose::Team(&team_id), 2)?.len() != 1 {
        // Solved before (or, with 0, not a counted pass after all): no news.
        return Ok(0);
    }
    // First of all teams when no other team has a counted pass (one read at most).
    let first = counted_passes(conn, &challenge_id, Whose::OtherThan(&team_id), 1)?.is_empty();
    let challenge = Challenge::find(conn, &challenge_id)?;
    let event = Event::find(conn, &challenge.event_id)?;
    let at = now();
    let team_name = board_name(conn, &event, &team_id)?;
    let minutes_in = (at - event.starts_at).num_minutes().max(0);
    let hidden_by_freeze = event.phase_at(at) == Phase::Frozen;
    let data = json!({
        "event": {"slug": event.slug, "name": event.name},
        "team": {"id": team_id, "name": team_name},
        "challenge": {"slug": challenge.slug, "title": challenge.title},
        "submission_id": submission_id,
        "first": first,
        "minutes_in": minutes_in,
    });
    let duration = minutes_phrase(minutes_in);
    let mut queued = enqueue_news(
        conn,
        &event,
        &News {
            event_type: "challenge.solved",
            data: data.clone(),
            text: format!("{team_name} solved *{}* — {duration} in", challenge.title),
            hidden_by_freeze,
        },
    )?;
    if first {
        queued += enqueue_news(
            conn,
            &event,
            &News {
                event_type: "challenge.first_solve",
                data,
                text: format!(
                    "{team_name} solved *{}* first — {duration} in",
                    challenge.title
                ),
                hidden_by_freeze,
            },
        )?;
    }
    Ok(queued)
}

/// "42 minutes", "1 hour 5 minutes".
fn minutes_phrase(minutes: i64) -> String {
    let plural = |n: i64, one: &str| {
        if n == 1 {
            format!("1 {one}")
        } else {
            format!("{n} {one}s")
        }
    };
    match (minutes / 60, minutes % 60) {
        (0, m) => plural(m, "minute"),
        (h, 0) => plural(h, "hour"),
        (h, m) => format!("{} {}", plural(h, "hour"), plural(m, "minute")),
    }
}

/// A team raised its hand: `help.requested` (its context is for the staff; the webhooks are
/// the organizer's own).
pub fn help_requested(
    conn: &mut DbConnection,
    event_id: &str,
    team_id: &str,
    call_id: &str,
    context: &str,
) -> Result<usize> {
    let event = Event::find(conn, event_id)?;
    let team_name = board_name(conn, &event, team_id)?;
    let text = if context.is_empty() {
        format!("{team_name} asks for help")
    } else {
        format!("{team_name} asks for help: {context}")
    };
    enqueue_news(
        conn,
        &event,
        &News {
            event_type: "help.requested",
            data: json!({
                "event": {"slug": event.slug, "name": event.name},
                "team": {"id": team_id, "name": team_name},
                "help_call_id": call_id,
                "context": context,
            }),
            text,
            hidden_by_freeze: false,
        },
    )
}

/// The event passed a boundary of its schedule: `event.phase` (`started`, `frozen`,
/// `ended`), for the webhooks that existed before it.
pub fn phase(
    conn: &mut DbConnection,
    event: &Event,
    phase: &str,
    at: NaiveDateTime,
) -> Result<usize> {
    let text = match phase {
        "started" => format!("{} has started", event.name),
        "frozen" => format!("{}: the public board is frozen until the end", event.name),
        _ => format!("{} has ended", event.name),
    };
    let news = News {
        event_type: "event.phase",
        data: json!({
            "event": {"slug": event.slug, "name": event.name},
            "phase": phase,
            "at": at.and_utc(),
        }),
        text,
        hidden_by_freeze: false,
    };
    enqueue_before(conn, event, &news, at)
}

/// The event ended and its report can be read: `report.ready`, with where to read it.
pub fn report_ready(conn: &mut DbConnection, event: &Event, public_url: &str) -> Result<usize> {
    let path = format!("/api/v1/events/{}/insights", event.slug);
    let report = if public_url.is_empty() {
        path
    } else {
        format!("{}{path}", public_url.trim_end_matches('/'))
    };
    let news = News {
        event_type: "report.ready",
        data: json!({
            "event": {"slug": event.slug, "name": event.name},
            "report": report,
        }),
        text: format!("The report of {} is ready: {report}", event.name),
        hidden_by_freeze: false,
    };
    enqueue_before(conn, event, &news, event.ends_at)
}

/// Enqueues `news` for the subscribed webhooks made before `at` (a webhook made after a
/// boundary is not told of it).
fn enqueue_before(
    conn: &mut DbConnection,
    event: &Event,
    news: &News,
    at: NaiveDateTime,
) -> Result<usize> {
    let hooks: Vec<Webhook> = Webhook::subscribed(conn, &event.id, news.event_type)?
        .into_iter()
        .filter(|hook| hook.created_at <= at)
        .collect();
    for hook in &hooks {
        enqueue_to(conn, event, hook, news)?;
    }
    Ok(hooks.len())
}

/// `webhook.ping`, to one webhook: a way to check the receiver.
pub fn ping(conn: &mut DbConnection, event: &Event, hook: &Webhook) -> Result<String> {
    enqueue_to(
        conn,
        event,
        hook,
        &News {
            event_type: "webhook.ping",
            data: json!({
                "event": {"slug": event.slug, "name": event.name},
                "webhook_id": hook.id,
            }),
            text: format!("cohack: this channel receives the news of {}", event.name),
            hidden_by_freeze: false,
        },
    )
}

#[cfg(test)]
mod tests {
    use super::minutes_phrase;

    #[test]
    fn durations_read_naturally() {
        assert_eq!(minutes_phrase(42), "42 minutes");
        assert_eq!(minutes_phrase(1), "1 minute");
        assert_eq!(minutes_phrase(60), "1 hour");
        assert_eq!(minutes_phrase(125), "2 hours 5 minutes");
    }
}
