//! The staff's question queue, on the coach's page (`/coach`, every event they coach in) and
//! on the organizer's page (`/events/{slug}/manage`, every team): open questions first, each
//! with its team, challenge and asker, and the forms to answer it to the team or to everyone
//! (a canned answer of the challenge may stand in for the text) or to mark it a duplicate of
//! an answered question about the same challenge. The forms work without JavaScript:
//!
//! - `POST /questions/{id}/answer` (`text`, `to`, `canned`, `back`): through
//!   [`questions::answer`];
//! - `POST /questions/{id}/duplicate` (`of`, `back`): through [`questions::mark_duplicate`];
//! - `GET /questions/queue?event=` : the queue alone (the coach's when no event is named), which
//!   `staff/questions.js` swaps in when a `question` or `clarification` frame arrives and after
//!   its own posts.
//!
//! Each form checks `csrf` and answers with a 303 back to the page's `#questions`; a refusal
//! is the error page with its reason.

use actix_web::{HttpResponse, get, post, web};
use askama::Template;
use serde::Deserialize;

use crate::{
    access,
    actions::questions,
    db::DbConnection,
    error::{Error, Result},
    models::{
        event::Event,
        question::{AnswerTo, QuestionList},
        team::Team,
        user::User,
    },
    web::{PageContext, time::ShownTime},
};

pub(crate) fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(queue_part)
        .service(answer_form)
        .service(duplicate_form);
}

/// A canned answer offered by the answer form.
pub struct CannedOption {
    /// Its id.
    pub id: String,
    /// Its title.
    pub title: String,
    /// Its text (the script fills the answer with it).
    pub text: String,
}

/// An answered question a duplicate may point at.
pub struct RepeatOption {
    /// The answered question.
    pub id: String,
    /// Its question and answer, shortened.
    pub label: String,
}

/// One question of the queue.
pub struct QueueItem {
    /// The question.
    pub id: String,
    /// The asking team.
    pub team_id: String,
    /// Its name.
    pub team_name: String,
    /// Its event's name.
    pub event_name: String,
    /// Challenge slug.
    pub challenge: String,
    /// The asker's name.
    pub asker: String,
    /// When it was asked.
    pub at: ShownTime,
    /// The question.
    pub text: String,
    /// `open`, `answered` or `duplicate`.
    pub state: String,
    /// Its (resolved) answer.
    pub answer: Option<String>,
    /// "to the team" or "to everyone".
    pub to: &'static str,
    /// The challenge's canned answers.
    pub canned: Vec<CannedOption>,
    /// The answered questions about the same challenge.
    pub repeats: Vec<RepeatOption>,
}

/// The queue as the partial template reads it.
pub struct QueuePanel {
    /// Where the forms come back to: `coach` or `manage:{slug}`.
    pub back: String,
    /// The `GET /questions/queue` query that reads it again.
    pub refresh: String,
    /// The events whose staff channel feeds it.
    pub slugs: Vec<String>,
    /// The questions, open first.
    pub items: Vec<QueueItem>,
    /// How many are open.
    pub open: usize,
    /// The forms' CSRF token.
    pub csrf: String,
}

#[derive(Template)]
#[template(path = "questions_queue.html")]
struct QueuePart<'a> {
    queue: &'a QueuePanel,
}

/// The queue rows of one event, as `user` oversees it.
fn items_of(
    conn: &mut DbConnection,
    user: &User,
    event: &Event,
    list: QuestionList,
) -> Result<Vec<QueueItem>> {
    let canned = questions::canned_answers_of_event(conn, user, &event.id)?;
    let answered: Vec<(String, String, String)> = list
        .questions
        .iter()
        .filter(|q| q.state == "answered")
        .map(|q| {
            let answer = q.answer.clone().unwrap_or_default();
            (
                q.id.clone(),
                q.challenge.clone(),
                format!("{} — {}", q.text, answer),
            )
        })
        .chain(list.clarifications.iter().map(|c| {
            (
                c.id.clone(),
                c.challenge.clone(),
                format!("to everyone — {}", c.text),
            )
        }))
        .collect();
    Ok(list
        .questions
        .into_iter()
        .map(|q| QueueItem {
            canned: canned
                .iter()
                .filter(|(slug, _)| *slug == q.challenge)
                .map(|(_, c)| CannedOption {
                    id: c.id.clone(),
                    title: c.title.clone(),
                    text: c.text.clone(),
                })
                .collect(),
            repeats: answered
                .iter()
                .filter(|(id, slug, _)| *slug == q.challenge && *id != q.id)
                .fold(Vec::new(), |mut seen: Vec<RepeatOption>, (id, _, label)| {
                    if !seen.iter().any(|r| r.id == *id) {
                        seen.push(RepeatOption {
                            id: id.clone(),
                            label: shorten(label, 90),
                        });
                    }
                    seen
                }),
            id: q.id,
            team_id: q.team_id,
            team_name: q.team_name,
            event_name: event.name.clone(),
            challenge: q.challenge,
            asker: q.asked_by_name,
            at: ShownTime::date(q.created_at.naive_utc()),
            text: q.text,
            to: match q.answer_to.as_deref() {
                Some("everyone") => "to everyone",
                _ => "to the team",
            },
            state: q.state,
            answer: q.answer,
        })
        .collect())
}

fn shorten(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        text.to_owned()
    } else {
        let mut short: String = text.chars().take(max).collect();
        short.push('…');
        short
    }
}

/// The queue of the events `user` coaches in (when `slug` is `None`) or of the event `slug`.
fn read_queue(
    conn: &mut DbConnection,
    user: &User,
    slug: Option<&str>,
) -> Result<(Vec<String>, Vec<QueueItem>)> {
    let events = match slug {
        Some(slug) => vec![access::event_access(conn, user, slug)?.event],
        None => {
            let mut coached = Vec::new();
            for event in Event::list(conn)? {
                if !Team::coached_by(conn, &event.id, &user.id)?.is_empty() {
                    coached.push(event);
                }
            }
            coached
        }
    };
    let mut slugs = Vec::new();
    let mut items = Vec::new();
    for event in events {
        let list = match questions::of_event(conn, user, &event.slug, None) {
            Ok(list) => list,
            // Coaching a team without the engineer role (any more): nothing to answer there.
            Err(Error::Forbidden(_)) if slug.is_none() => continue,
            Err(e) => return Err(e),
        };
        slugs.push(event.slug.clone());
        items.extend(items_of(conn, user, &event, list)?);
    }
    // Open first, then oldest first (each event's list is already so).
    items.sort_by(|a, b| {
        (a.state != "open")
            .cmp(&(b.state != "open"))
            .then(a.at.datetime().cmp(&b.at.datetime()))
    });
    Ok((slugs, items))
}

/// The queue for the page `ctx` shows: the coach's (`event` `None`) or an event's.
pub async fn queue(ctx: &PageContext, event: Option<&str>) -> Result<QueuePanel> {
    let user = ctx.require_user()?.user.clone();
    let owned = event.map(str::to_owned);
    let (slugs, items) = ctx
        .state()
        .db
        .run(move |conn| read_queue(conn, &user, owned.as_deref()))
        .await?;
    let (back, refresh) = match event {
        Some(slug) => (
            format!("manage:{slug}"),
            format!(
                "/questions/queue?event={}",
                crate::web::security::urlencode(slug)
            ),
        ),
        None => ("coach".to_owned(), "/questions/queue".to_owned()),
    };
    Ok(QueuePanel {
        back,
        refresh,
        slugs,
        open: items.iter().filter(|i| i.state == "open").count(),
        items,
        csrf: ctx.chrome("", &[]).csrf,
    })
}

/// `?event=` of the queue part.
#[derive(Debug, Deserialize)]
pub struct QueueQuery {
    event: Option<String>,
}

#[get("/questions/queue")]
async fn queue_part(ctx: PageContext, query: web::Query<QueueQuery>) -> Result<HttpResponse> {
    let panel = queue(&ctx, query.event.as_deref()).await?;
    ctx.render(&QueuePart { queue: &panel })
}

/// Where a form goes back to: the coach's page, or an event's organizer page.
fn back_to(back: &str) -> String {
    match back.strip_prefix("manage:") {
        Some(slug) if crate::models::event::validate_slug(slug, "event").is_ok() => {
            format!("/events/{slug}/manage#questions")
        }
        _ => "/coach#questions".to_owned(),
    }
}

/// The answer form.
#[derive(Debug, Deserialize)]
pub struct AnswerForm {
    csrf: String,
    #[serde(default)]
    text: String,
    to: AnswerTo,
    /// A canned answer's id, used when `text` is blank.
    #[serde(default)]
    canned: String,
    #[serde(default)]
    back: String,
}

#[post("/questions/{id}/answer")]
async fn answer_form(
    ctx: PageContext,
    id: web::Path<String>,
    form: web::Form<AnswerForm>,
) -> Result<HttpResponse> {
    ctx.verify_csrf(&form.csrf)?;
    let user = ctx.require_user()?.user.clone();
    let form = form.into_inner();
    let mut text = form.text.clone();
    if text.trim().is_empty() && !form.canned.is_empty() {
        let (reader, canned) = (user.clone(), form.canned.clone());
        text = ctx
            .state()
            .db
            .run(move |conn| canned_text(conn, &reader, &canned))
            .await?;
    }
    questions::answer(ctx.state(), &user, &id, &text, form.to).await?;
    Ok(ctx.redirect(&back_to(&form.back)))
}

/// The text of the canned answer `id`, if `user` may read the canned answers of its event.
fn canned_text(conn: &mut DbConnection, user: &User, id: &str) -> Result<String> {
    let canned = crate::models::question::CannedAnswer::find(conn, id)?;
    let challenge = crate::models::challenge::Challenge::find(conn, &canned.challenge_id)?;
    if questions::canned_answers_of_event(conn, user, &challenge.event_id)?
        .iter()
        .any(|(_, c)| c.id == canned.id)
    {
        Ok(canned.text)
    } else {
        Err(Error::NotFound("canned answer"))
    }
}

/// The duplicate form.
#[derive(Debug, Deserialize)]
pub struct DuplicateForm {
    csrf: String,
    of: String,
    #[serde(default)]
    back: String,
}

#[post("/questions/{id}/duplicate")]
async fn duplicate_form(
    ctx: PageContext,
    id: web::Path<String>,
    form: web::Form<DuplicateForm>,
) -> Result<HttpResponse> {
    ctx.verify_csrf(&form.csrf)?;
    let user = ctx.require_user()?.user.clone();
    questions::mark_duplicate(ctx.state(), &user, &id, &form.of).await?;
    Ok(ctx.redirect(&back_to(&form.back)))
}

#[cfg(test)]
mod tests {
    use super::back_to;

    #[test]
    fn forms_come_back_to_a_staff_page_only() {
        assert_eq!(back_to("coach"), "/coach#questions");
        assert_eq!(back_to("manage:hack-1"), "/events/hack-1/manage#questions");
        assert_eq!(back_to("manage://evil.example"), "/coach#questions");
        assert_eq!(back_to(""), "/coach#questions");
    }
}
