//! What each mail says: the subject, a text and an HTML body from the askama templates in
//! `templates/mail/`, and for reminders the one-click unsubscribe link.
//!
//! A mail is composed when it is queued and stored whole in the outbox row's payload, so a
//! retry a day later sends exactly what was accepted. The HTML has no images, no scripts and
//! no tracking of any kind; every link in it is also written out in full.

use askama::Template;
use chrono::NaiveDateTime;
use serde::{Deserialize, Serialize};

use crate::{
    error::{Error, Result},
    models::event::Event,
};

/// A mail ready to send: the outbox payload of the `mail` channel (the recipient is the
/// outbox row's `target`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Mail {
    /// The subject; names the event when there is one.
    pub subject: String,
    /// The plain-text body.
    pub text: String,
    /// The HTML body (the same content).
    pub html: String,
    /// A one-click unsubscribe link for the `List-Unsubscribe` header, on reminders.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unsubscribe: Option<String>,
    /// Files sent with it (the report at an event's end).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub attachments: Vec<Attachment>,
}

/// A file sent with a mail.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Attachment {
    /// Its file name, as the reader's mail client saves it.
    pub name: String,
    /// Its media type (`text/html; charset=utf-8`).
    pub content_type: String,
    /// Its content (text: every attachment cohack sends is a text file).
    pub content: String,
}

impl Mail {
    /// A mail with `subject`, its `text` and `html` bodies, and nothing else (no unsubscribe
    /// link, no attachment).
    fn new(subject: String, text: String, html: String) -> Self {
        Mail {
            subject,
            text,
            html,
            unsubscribe: None,
            attachments: Vec::new(),
        }
    }
}

/// `at` in the event's home zone, as a person reads it: "Tuesday 8 December 2026, 09:00
/// (Europe/Paris)".
pub fn event_time(event: &Event, at: NaiveDateTime) -> String {
    let zone = event
        .time_zone
        .parse::<chrono_tz::Tz>()
        .unwrap_or(chrono_tz::UTC);
    let local = at.and_utc().with_timezone(&zone);
    format!(
        "{} ({})",
        local.format("%A %-d %B %Y, %H:%M"),
        event.time_zone
    )
}

fn render(template: &impl Template) -> Result<String> {
    template.render().map_err(Error::internal)
}

#[derive(Template)]
#[template(path = "mail/invitation.txt")]
struct InvitationText<'a> {
    event_name: &'a str,
    inviter: &'a str,
    team: Option<&'a str>,
    role: Option<&'a str>,
    starts: &'a str,
    ends: &'a str,
    link: &'a str,
    expires: &'a str,
}

#[derive(Template)]
#[template(path = "mail/invitation.html")]
struct InvitationHtml<'a> {
    subject: &'a str,
    event_name: &'a str,
    inviter: &'a str,
    team: Option<&'a str>,
    role: Option<&'a str>,
    starts: &'a str,
    ends: &'a str,
    link: &'a str,
    expires: &'a str,
}

/// The invitation to `event` from `inviter`, into `team` or as `role` if given.
pub fn invitation(
    event: &Event,
    inviter: &str,
    team: Option<&str>,
    role: Option<&str>,
    link: &str,
    expires_at: NaiveDateTime,
) -> Result<Mail> {
    let subject = format!("You are invited to {}", event.name);
    let (starts, ends) = (
        event_time(event, event.starts_at),
        event_time(event, event.ends_at),
    );
    let expires = event_time(event, expires_at);
    let text = render(&InvitationText {
        event_name: &event.name,
        inviter,
        team,
        role,
        starts: &starts,
        ends: &ends,
        link,
        expires: &expires,
    })?;
    let html = render(&InvitationHtml {
        subject: &subject,
        event_name: &event.name,
        inviter,
        team,
        role,
        starts: &starts,
        ends: &ends,
        link,
        expires: &expires,
    })?;
    Ok(Mail::new(subject, text, html))
}

#[derive(Template)]
#[template(path = "mail/reset.txt")]
struct ResetText<'a> {
    email: &'a str,
    link: &'a str,
    minutes: i64,
}

#[derive(Template)]
#[template(path = "mail/reset.html")]
struct ResetHtml<'a> {
    subject: &'a str,
    email: &'a str,
    link: &'a str,
    minutes: i64,
}

/// The password reset link the account `email` asked for, valid `minutes`.
pub fn password_reset(email: &str, link: &str, minutes: i64) -> Result<Mail> {
    let subject = "Choose a new cohack password".to_owned();
    let text = render(&ResetText {
        email,
        link,
        minutes,
    })?;
    let html = render(&ResetHtml {
        subject: &subject,
        email,
        link,
        minutes,
    })?;
    Ok(Mail::new(subject, text, html))
}

#[derive(Template)]
#[template(path = "mail/verify_email.txt")]
struct VerifyEmailText<'a> {
    email: &'a str,
    link: &'a str,
    hours: i64,
}

#[derive(Template)]
#[template(path = "mail/verify_email.html")]
struct VerifyEmailHtml<'a> {
    subject: &'a str,
    email: &'a str,
    link: &'a str,
    hours: i64,
}

/// The link that proves the account's address `email` is its owner's, valid `hours`.
pub fn email_verification(email: &str, link: &str, hours: i64) -> Result<Mail> {
    let subject = "Confirm your cohack e-mail address".to_owned();
    let text = render(&VerifyEmailText { email, link, hours })?;
    let html = render(&VerifyEmailHtml {
        subject: &subject,
        email,
        link,
        hours,
    })?;
    Ok(Mail::new(subject, text, html))
}

#[derive(Template)]
#[template(path = "mail/reminder.txt")]
struct ReminderText<'a> {
    event_name: &'a str,
    when: &'a str,
    starts: &'a str,
    team: Option<&'a str>,
    link: &'a str,
    unsubscribe: &'a str,
}

#[derive(Template)]
#[template(path = "mail/reminder.html")]
struct ReminderHtml<'a> {
    subject: &'a str,
    event_name: &'a str,
    when: &'a str,
    starts: &'a str,
    team: Option<&'a str>,
    link: &'a str,
    unsubscribe: &'a str,
}

/// The reminder that `event` starts `when` ("tomorrow", "in an hour"), to someone registered
/// (in `team` if they have one), with their one-click `unsubscribe` link.
pub fn reminder(
    event: &Event,
    when: &str,
    team: Option<&str>,
    link: &str,
    unsubscribe: &str,
) -> Result<Mail> {
    let subject = format!("{} starts {when}", event.name);
    let starts = event_time(event, event.starts_at);
    let text = render(&ReminderText {
        event_name: &event.name,
        when,
        starts: &starts,
        team,
        link,
        unsubscribe,
    })?;
    let html = render(&ReminderHtml {
        subject: &subject,
        event_name: &event.name,
        when,
        starts: &starts,
        team,
        link,
        unsubscribe,
    })?;
    Ok(Mail {
        unsubscribe: Some(unsubscribe.to_owned()),
        ..Mail::new(subject, text, html)
    })
}

#[derive(Template)]
#[template(path = "mail/survey.txt")]
struct SurveyText<'a> {
    event_name: &'a str,
    team: Option<&'a str>,
    link: &'a str,
    unsubscribe: &'a str,
}

#[derive(Template)]
#[template(path = "mail/survey.html")]
struct SurveyHtml<'a> {
    subject: &'a str,
    event_name: &'a str,
    team: Option<&'a str>,
    link: &'a str,
    unsubscribe: &'a str,
}

/// The reminder that `event`'s closing survey is open, to someone registered in `team`, with
/// the `link` to its card in their workspace and their one-click `unsubscribe` link (it is a
/// reminder: the same opt-out stops it).
pub fn survey(event: &Event, team: Option<&str>, link: &str, unsubscribe: &str) -> Result<Mail> {
    let subject = format!("{}: the closing survey is open", event.name);
    let text = render(&SurveyText {
        event_name: &event.name,
        team,
        link,
        unsubscribe,
    })?;
    let html = render(&SurveyHtml {
        subject: &subject,
        event_name: &event.name,
        team,
        link,
        unsubscribe,
    })?;
    Ok(Mail {
        unsubscribe: Some(unsubscribe.to_owned()),
        ..Mail::new(subject, text, html)
    })
}

#[derive(Template)]
#[template(path = "mail/report.txt")]
struct ReportText<'a> {
    event_name: &'a str,
    link: &'a str,
    brief: &'a str,
    file_name: Option<&'a str>,
}

#[derive(Template)]
#[template(path = "mail/report.html")]
struct ReportHtml<'a> {
    subject: &'a str,
    event_name: &'a str,
    link: &'a str,
    brief_html: &'a str,
    file_name: Option<&'a str>,
}

/// The cliffs report of `event` at its end: the Markdown brief as text, and rendered (safely)
/// as HTML, with the whole report as one self-contained HTML file attached when `file` (its
/// name and content) is given; `link` is the report page, for the organizers.
pub fn report(
    event: &Event,
    brief_markdown: &str,
    link: &str,
    file: Option<(String, String)>,
) -> Result<Mail> {
    let subject = format!("{}: the cliffs report", event.name);
    let file_name = file.as_ref().map(|(name, _)| name.as_str());
    let text = render(&ReportText {
        event_name: &event.name,
        link,
        brief: brief_markdown,
        file_name,
    })?;
    let brief_html = crate::web::markdown::to_safe_html(brief_markdown);
    let html = render(&ReportHtml {
        subject: &subject,
        event_name: &event.name,
        link,
        brief_html: &brief_html,
        file_name,
    })?;
    Ok(Mail {
        attachments: file
            .into_iter()
            .map(|(name, content)| Attachment {
                name,
                content_type: "text/html; charset=utf-8".to_owned(),
                content,
            })
            .collect(),
        ..Mail::new(subject, text, html)
    })
}
