//! The pages mail leads to, and the mail settings of a person:
//!
//! - `/forgot-password`: asks for a reset link by mail (the same answer for every address);
//! - `/invitations/accept?token=…`: an invitation's link. Someone signed out is sent to sign
//!   up (or in) and brought back; then one button registers them for the event and joins the
//!   team (or takes the role);
//! - `/reminders/unsubscribe?token=…`: a reminder's unsubscribe link. Opening it shows a
//!   button (mail scanners open links: a GET changes nothing); a mail client's one-click
//!   `POST` (RFC 8058) and the button stop the reminders, without signing in;
//! - `/account/reminders`: reminders on or off, signed in;
//! - `/events/{slug}/manage/invitations`: the organizers' box to paste addresses into, and
//!   what became of each invitation (resend, revoke); with mail off, the new links to copy.

use actix_web::{HttpResponse, get, http::StatusCode, post, web};
use askama::Template;
use serde::Deserialize;

use crate::{
    actions::{
        invitations::{self, Preview},
        mailings,
    },
    auth::{password_reset, throttle::ClientAddress},
    error::{Error, Result},
    web::{PageContext, context::Chrome, security::urlencode},
};

pub(crate) fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(forgot_form)
        .service(forgot)
        .service(invitation_page)
        .service(accept_invitation)
        .service(unsubscribe_page)
        .service(unsubscribe)
        .service(reminders_page)
        .service(set_reminders)
        .service(invitations_page)
        .service(invite)
        .service(resend)
        .service(revoke)
        .service(set_stakeholders);
}

/// `?token=` of a link in a mail.
#[derive(Debug, Deserialize)]
pub struct TokenQuery {
    #[serde(default)]
    token: String,
}

#[derive(Template)]
#[template(path = "forgot_password.html")]
struct ForgotPage {
    chrome: Chrome,
    /// The address just asked for, once the form was sent.
    sent_to: Option<String>,
    /// Whether this portal mails at all.
    mail_on: bool,
}

/// The form.
#[derive(Debug, Deserialize)]
pub struct ForgotForm {
    csrf: String,
    email: String,
}

#[get("/forgot-password")]
async fn forgot_form(ctx: PageContext) -> Result<HttpResponse> {
    ctx.render(&ForgotPage {
        chrome: ctx.chrome("Forgot password", &[]),
        sent_to: None,
        mail_on: ctx.state().mail.is_some(),
    })
}

#[post("/forgot-password")]
async fn forgot(
    client: ClientAddress,
    ctx: PageContext,
    form: web::Form<ForgotForm>,
) -> Result<HttpResponse> {
    ctx.verify_csrf(&form.csrf)?;
    password_reset::request_by_mail(ctx.state(), client, &form.email)?;
    ctx.render_with_status(
        StatusCode::ACCEPTED,
        &ForgotPage {
            chrome: ctx.chrome("Forgot password", &[]),
            sent_to: Some(form.email.trim().to_owned()),
            mail_on: ctx.state().mail.is_some(),
        },
    )
}

#[derive(Template)]
#[template(path = "invitation.html")]
struct InvitationPage {
    chrome: Chrome,
    token: String,
    shown: Shown,
}

/// What the invitation page shows.
enum Shown {
    /// The invitation: accept it (signed in) or sign up / in first.
    Offer {
        /// Boxed: a page value, far larger than the refusal.
        preview: Box<Preview>,
        signin_next: String,
        error: Option<String>,
    },
    /// It cannot be used, and why.
    Refused { why: String },
}

async fn render_invitation(
    ctx: &PageContext,
    token: String,
    status: StatusCode,
    error: Option<String>,
) -> Result<HttpResponse> {
    let probe = token.clone();
    let preview = ctx
        .state()
        .db
        .run(move |conn| invitations::preview(conn, &probe))
        .await;
    let (status, shown) = match preview {
        Ok(preview) => (
            status,
            Shown::Offer {
                preview: Box::new(preview),
                signin_next: urlencode(&format!(
                    "{}?token={}",
                    invitations::PAGE,
                    urlencode(&token)
                )),
                error,
            },
        ),
        Err(e @ (Error::NotFound(_) | Error::Conflict { .. })) => (
            actix_web::ResponseError::status_code(&e),
            Shown::Refused {
                why: match e {
                    Error::NotFound(_) => "This invitation link does not work: it may be cut \
                        short, or a newer mail replaced it. Copy the whole link, or ask the \
                        organizers for a new one."
                        .to_owned(),
                    other => other.to_string(),
                },
            },
        ),
        Err(other) => return Err(other),
    };
    ctx.render_with_status(
        status,
        &InvitationPage {
            chrome: ctx.chrome("Invitation", &[]),
            token,
            shown,
        },
    )
}

#[get("/invitations/accept")]
async fn invitation_page(ctx: PageContext, query: web::Query<TokenQuery>) -> Result<HttpResponse> {
    render_invitation(&ctx, query.into_inner().token, StatusCode::OK, None).await
}

/// Accepting: the token of the link.
#[derive(Debug, Deserialize)]
pub struct AcceptForm {
    csrf: String,
    token: String,
}

#[post("/invitations/accept")]
async fn accept_invitation(ctx: PageContext, form: web::Form<AcceptForm>) -> Result<HttpResponse> {
    ctx.verify_csrf(&form.csrf)?;
    let user = ctx.require_user()?.user.clone();
    let form = form.into_inner();
    match invitations::accept(ctx.state(), &user, &form.token).await {
        Ok(accepted) => Ok(match accepted.team {
            Some(details) => ctx.redirect(&format!("/teams/{}", details.team.id)),
            None => ctx.redirect(&format!("/events/{}", accepted.event.slug)),
        }),
        Err(error @ (Error::Conflict { .. } | Error::Forbidden(_) | Error::Denied { .. })) => {
            let status = actix_web::ResponseError::status_code(&error);
            render_invitation(&ctx, form.token, status, Some(error.to_string())).await
        }
        Err(other) => Err(other),
    }
}

#[derive(Template)]
#[template(path = "unsubscribe.html")]
struct UnsubscribePage {
    chrome: Chrome,
    token: String,
    done: bool,
}

#[get("/reminders/unsubscribe")]
async fn unsubscribe_page(ctx: PageContext, query: web::Query<TokenQuery>) -> Result<HttpResponse> {
    let token = query.into_inner().token;
    // Check the link now, so that a broken one says so before anyone presses the button.
    ctx.state()
        .mail
        .as_ref()
        .ok_or(Error::NotFound("unsubscribe link"))?
        .unsubscriber(&token)?;
    ctx.render(&UnsubscribePage {
        chrome: ctx.chrome("Stop reminders", &[]),
        token,
        done: false,
    })
}

/// The one-click form (RFC 8058: `List-Unsubscribe=One-Click`) or the page's button. No CSRF
/// token: the mail client posts it from nowhere, and the signed token is the proof; the worst
/// a forged post can do is stop someone's reminders, which needs their token anyway.
#[post("/reminders/unsubscribe")]
async fn unsubscribe(ctx: PageContext, query: web::Query<TokenQuery>) -> Result<HttpResponse> {
    let token = query.into_inner().token;
    mailings::unsubscribe(ctx.state(), &token).await?;
    ctx.render(&UnsubscribePage {
        chrome: ctx.chrome("Reminders stopped", &[]),
        token: String::new(),
        done: true,
    })
}

#[derive(Template)]
#[template(path = "account_reminders.html")]
struct RemindersPage {
    chrome: Chrome,
    on: bool,
    saved: bool,
}

#[get("/account/reminders")]
async fn reminders_page(ctx: PageContext) -> Result<HttpResponse> {
    let user = ctx.require_user()?.user.clone();
    let on = ctx
        .state()
        .db
        .run(move |conn| mailings::reminders_on(conn, &user))
        .await?;
    ctx.render(&RemindersPage {
        chrome: ctx.chrome("Reminders", &[]),
        on,
        saved: false,
    })
}

/// The reminders form: the box ticked or not.
#[derive(Debug, Deserialize)]
pub struct RemindersForm {
    csrf: String,
    #[serde(default)]
    reminders: Option<String>,
}

#[post("/account/reminders")]
async fn set_reminders(ctx: PageContext, form: web::Form<RemindersForm>) -> Result<HttpResponse> {
    ctx.verify_csrf(&form.csrf)?;
    let user = ctx.require_user()?.user.clone();
    let on = form.reminders.is_some();
    mailings::set_reminders(ctx.state(), &user, on).await?;
    ctx.render(&RemindersPage {
        chrome: ctx.chrome("Reminders", &[]),
        on,
        saved: true,
    })
}

#[derive(Template)]
#[template(path = "invitations.html")]
struct InvitationsPage {
    chrome: Chrome,
    slug: String,
    event_name: String,
    mail_on: bool,
    rows: Vec<InvitationRow>,
    /// Links just made, to copy (mail off), or a refusal.
    made: Vec<(String, String)>,
    error: Option<String>,
    /// The addresses the report goes to at the end, besides the organizers, one per line.
    stakeholders: String,
    /// The stakeholders were just saved.
    stakeholders_saved: bool,
    /// A refusal of the stakeholders form.
    stakeholders_error: Option<String>,
}

/// What the form just posted produced, for the page to show.
#[derive(Default)]
struct InvitationsOutcome {
    /// Links just made (mail off: to copy).
    made: Vec<(String, String)>,
    /// The invite form's refusal.
    error: Option<String>,
    /// The stakeholders form saved.
    stakeholders_saved: bool,
    /// The stakeholders form's refusal, with what was typed (kept in the box).
    stakeholders_refused: Option<(String, String)>,
}

/// One invitation as the page lists it.
struct InvitationRow {
    id: String,
    email: String,
    state: &'static str,
    error: Option<String>,
    active: bool,
}

async fn render_invitations(
    ctx: &PageContext,
    slug: &str,
    status: StatusCode,
    outcome: InvitationsOutcome,
) -> Result<HttpResponse> {
    let user = ctx.require_user()?.user.clone();
    let slug_owned = slug.to_owned();
    let (event, rows, stakeholders) = ctx
        .state()
        .db
        .run(move |conn| {
            let rows = invitations::list(conn, &user, &slug_owned)?;
            let event = crate::access::event_access(conn, &user, &slug_owned)?.event;
            let stakeholders = mailings::stakeholders(conn, &user, &slug_owned)?;
            Ok::<_, Error>((event, rows, stakeholders))
        })
        .await?;
    let (stakeholders, stakeholders_error) = match outcome.stakeholders_refused {
        Some((typed, error)) => (typed, Some(error)),
        None => (stakeholders.join("\n"), None),
    };
    let rows = rows
        .into_iter()
        .map(|row| InvitationRow {
            active: row.invitation.state == crate::models::invitation::ACTIVE,
            id: row.invitation.id,
            email: row.invitation.email,
            state: row.standing.as_str(),
            error: row.mail_error,
        })
        .collect();
    ctx.render_with_status(
        status,
        &InvitationsPage {
            chrome: ctx.chrome(format!("Invitations · {}", event.name), &[]),
            slug: event.slug,
            event_name: event.name,
            mail_on: ctx.state().mail.is_some(),
            rows,
            made: outcome.made,
            error: outcome.error,
            stakeholders,
            stakeholders_saved: outcome.stakeholders_saved,
            stakeholders_error,
        },
    )
}

/// Addresses pasted in a box: separated by commas, semicolons, spaces or lines.
fn pasted_addresses(pasted: &str) -> Vec<String> {
    pasted
        .split(|c: char| c == ',' || c == ';' || c.is_whitespace())
        .filter(|part| !part.is_empty())
        .map(str::to_owned)
        .collect()
}

/// A refusal the page shows beside its form (with the status it answers); anything else is
/// an error page.
fn refused(error: Error) -> Result<(StatusCode, String)> {
    match error {
        Error::BadRequest { .. } | Error::Conflict { .. } | Error::Forbidden(_) => Ok((
            actix_web::ResponseError::status_code(&error),
            error.to_string(),
        )),
        other => Err(other),
    }
}

#[get("/events/{slug}/manage/invitations")]
async fn invitations_page(ctx: PageContext, slug: web::Path<String>) -> Result<HttpResponse> {
    render_invitations(&ctx, &slug, StatusCode::OK, InvitationsOutcome::default()).await
}

/// The paste box: addresses separated by commas, semicolons, spaces or lines.
#[derive(Debug, Deserialize)]
pub struct InviteForm {
    csrf: String,
    emails: String,
    #[serde(default)]
    role: String,
}

#[post("/events/{slug}/manage/invitations")]
async fn invite(
    ctx: PageContext,
    slug: web::Path<String>,
    form: web::Form<InviteForm>,
) -> Result<HttpResponse> {
    ctx.verify_csrf(&form.csrf)?;
    let user = ctx.require_user()?.user.clone();
    let form = form.into_inner();
    let emails = pasted_addresses(&form.emails);
    let role = match form.role.as_str() {
        "" | "participant" => None,
        other => Some(other.parse()?),
    };
    let invite = invitations::Invite {
        emails,
        team_id: None,
        role,
    };
    match invitations::invite(ctx.state(), &user, &slug, invite).await {
        Ok(made) => {
            let links = made
                .into_iter()
                .filter_map(|m| {
                    let path = m.path?;
                    let link = match &ctx.state().mail {
                        Some(links) => links.link(&path),
                        None => path,
                    };
                    Some((m.invitation.email, link))
                })
                .collect();
            let outcome = InvitationsOutcome {
                made: links,
                ..InvitationsOutcome::default()
            };
            render_invitations(&ctx, &slug, StatusCode::CREATED, outcome).await
        }
        Err(error) => {
            let (status, message) = refused(error)?;
            let outcome = InvitationsOutcome {
                error: Some(message),
                ..InvitationsOutcome::default()
            };
            render_invitations(&ctx, &slug, status, outcome).await
        }
    }
}

/// The stakeholders box: the whole list, replaced.
#[derive(Debug, Deserialize)]
pub struct StakeholdersForm {
    csrf: String,
    #[serde(default)]
    emails: String,
}

#[post("/events/{slug}/manage/stakeholders")]
async fn set_stakeholders(
    ctx: PageContext,
    slug: web::Path<String>,
    form: web::Form<StakeholdersForm>,
) -> Result<HttpResponse> {
    ctx.verify_csrf(&form.csrf)?;
    let user = ctx.require_user()?.user.clone();
    let form = form.into_inner();
    let addresses = pasted_addresses(&form.emails);
    match mailings::set_stakeholders(ctx.state(), &user, &slug, addresses).await {
        Ok(_) => {
            let outcome = InvitationsOutcome {
                stakeholders_saved: true,
                ..InvitationsOutcome::default()
            };
            render_invitations(&ctx, &slug, StatusCode::OK, outcome).await
        }
        Err(error) => {
            let (status, message) = refused(error)?;
            let outcome = InvitationsOutcome {
                stakeholders_refused: Some((form.emails, message)),
                ..InvitationsOutcome::default()
            };
            render_invitations(&ctx, &slug, status, outcome).await
        }
    }
}

/// The list's buttons.
#[derive(Debug, Deserialize)]
pub struct InvitationActionForm {
    csrf: String,
}

#[post("/events/{slug}/manage/invitations/{id}/resend")]
async fn resend(
    ctx: PageContext,
    path: web::Path<(String, String)>,
    form: web::Form<InvitationActionForm>,
) -> Result<HttpResponse> {
    ctx.verify_csrf(&form.csrf)?;
    let user = ctx.require_user()?.user.clone();
    let (slug, id) = path.into_inner();
    invitations::resend(ctx.state(), &user, &slug, &id).await?;
    Ok(ctx.redirect(&format!("/events/{slug}/manage/invitations")))
}

#[post("/events/{slug}/manage/invitations/{id}/revoke")]
async fn revoke(
    ctx: PageContext,
    path: web::Path<(String, String)>,
    form: web::Form<InvitationActionForm>,
) -> Result<HttpResponse> {
    ctx.verify_csrf(&form.csrf)?;
    let user = ctx.require_user()?.user.clone();
    let (slug, id) = path.into_inner();
    invitations::revoke(ctx.state(), &user, &slug, &id).await?;
    Ok(ctx.redirect(&format!("/events/{slug}/manage/invitations")))
}
