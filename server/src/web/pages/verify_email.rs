//! Verifying an account's e-mail ([`crate::auth::email_verification`]):
//!
//! - `/verify-email?token=…`, the page a mailed link opens: it says which address the link
//!   proves and offers one button (mail scanners fetch links, so opening it changes nothing);
//!   pressing it (`POST /verify-email`) verifies the address and says which organization the
//!   account is in now. An unknown, used, expired or outdated link gets a page that says which,
//!   and what to do.
//! - `/account/email-verification`: whether the signed-in person's address is verified, with
//!   a button that mails a new link. The account page shows the same panel: it includes
//!   `templates/email_verification_panel.html` with an [`EmailVerificationPanel`] named
//!   `verification` (and its `chrome`); the panel's form posts here.

use actix_web::{HttpResponse, get, http::StatusCode, post, web};
use askama::Template;
use serde::Deserialize;

use crate::{
    auth::{
        email_verification::{self, LinkState},
        throttle::ClientAddress,
    },
    error::{Error, Result},
    models::user::User,
    state::AppState,
    web::{PageContext, context::Chrome},
};

pub(crate) fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(link_page)
        .service(confirm)
        .service(panel_page)
        .service(ask_again);
}

/// What the link's page shows.
enum Shown {
    /// The button, for this address.
    Confirm { email: String },
    /// The address is verified; the account is in this organization now.
    Done {
        email: String,
        organization: String,
        organization_verified: bool,
    },
    /// The link cannot be used: a heading and why.
    Refused { heading: &'static str, why: String },
}

#[derive(Template)]
#[template(path = "verify_email.html")]
struct LinkPage {
    chrome: Chrome,
    token: String,
    shown: Shown,
}

/// `?token=` of a verification link.
#[derive(Debug, Deserialize)]
pub struct LinkQuery {
    #[serde(default)]
    token: String,
}

/// The confirm button's form.
#[derive(Debug, Deserialize)]
pub struct ConfirmForm {
    csrf: String,
    token: String,
}

fn refused(state: &LinkState) -> Shown {
    match state {
        LinkState::Used => Shown::Refused {
            heading: "This link was used already",
            why: "A verification link works once. If you pressed its button before, your \
                  address is verified: your account page says so."
                .into(),
        },
        LinkState::Expired => Shown::Refused {
            heading: "This link has expired",
            why: format!(
                "A verification link works for {} hours. Sign in and ask for a new one on \
                 your account page.",
                email_verification::TTL.num_hours()
            ),
        },
        LinkState::Stale => Shown::Refused {
            heading: "This link is for another address",
            why: "It was mailed to an address the account no longer has. Sign in and ask for \
                  a new link on your account page."
                .into(),
        },
        LinkState::Unknown | LinkState::Valid { .. } => Shown::Refused {
            heading: "This link does not work",
            why: "It may be cut short, or a newer link replaced it. Copy the whole link from \
                  the latest mail, or sign in and ask for a new one on your account page."
                .into(),
        },
    }
}

fn status_of(state: &LinkState) -> StatusCode {
    match state {
        LinkState::Valid { .. } => StatusCode::OK,
        LinkState::Used | LinkState::Expired | LinkState::Stale => StatusCode::CONFLICT,
        LinkState::Unknown => StatusCode::NOT_FOUND,
    }
}

fn page(ctx: &PageContext, token: String, shown: Shown) -> LinkPage {
    LinkPage {
        chrome: ctx.chrome("Confirm your e-mail address", &[]),
        token,
        shown,
    }
}

#[get("/verify-email")]
async fn link_page(
    client: ClientAddress,
    ctx: PageContext,
    query: web::Query<LinkQuery>,
) -> Result<HttpResponse> {
    let token = query.into_inner().token;
    let state = email_verification::check(ctx.state(), client, token.clone()).await?;
    let status = status_of(&state);
    let shown = match state {
        LinkState::Valid { email } => Shown::Confirm { email },
        other => refused(&other),
    };
    ctx.render_with_status(status, &page(&ctx, token, shown))
}

#[post("/verify-email")]
async fn confirm(
    client: ClientAddress,
    ctx: PageContext,
    form: web::Form<ConfirmForm>,
) -> Result<HttpResponse> {
    let form = form.into_inner();
    ctx.verify_csrf(&form.csrf)?;
    match email_verification::confirm(ctx.state(), client, form.token).await {
        Ok((user, organization)) => ctx.render(&page(
            &ctx,
            String::new(),
            Shown::Done {
                email: user.email,
                organization: organization.name,
                organization_verified: user.organization_verified,
            },
        )),
        Err(error) => match LinkState::of_refusal(&error) {
            Some(state) => ctx.render_with_status(
                status_of(&state),
                &page(&ctx, String::new(), refused(&state)),
            ),
            None => Err(error),
        },
    }
}

/// What the account page shows about the signed-in person's e-mail: include
/// `templates/email_verification_panel.html` with this as `verification` beside the page's
/// `chrome` (its form needs `chrome.csrf`).
#[derive(Debug, Clone)]
pub struct EmailVerificationPanel {
    /// The address.
    pub email: String,
    /// It is verified.
    pub verified: bool,
    /// The organization came from a verified identity.
    pub organization_verified: bool,
    /// Mail is on (else addresses cannot be verified here, and there is no button).
    pub mail_on: bool,
    /// A new link was just queued.
    pub sent: bool,
    /// Why asking for a new link was refused.
    pub error: Option<String>,
}

impl EmailVerificationPanel {
    /// The panel of `user` on this portal.
    pub fn of(state: &AppState, user: &User) -> Self {
        Self {
            email: user.email.clone(),
            verified: user.email_verified,
            organization_verified: user.organization_verified,
            mail_on: state.mail.is_some(),
            sent: false,
            error: None,
        }
    }
}

#[derive(Template)]
#[template(path = "account_email_verification.html")]
struct PanelPage {
    chrome: Chrome,
    verification: EmailVerificationPanel,
}

#[get("/account/email-verification")]
async fn panel_page(ctx: PageContext) -> Result<HttpResponse> {
    let user = &ctx.require_user()?.user;
    let verification = EmailVerificationPanel::of(ctx.state(), user);
    ctx.render(&PanelPage {
        chrome: ctx.chrome("E-mail address", &[]),
        verification,
    })
}

/// The panel's button.
#[derive(Debug, Deserialize)]
pub struct AskAgainForm {
    csrf: String,
}

#[post("/account/email-verification")]
async fn ask_again(ctx: PageContext, form: web::Form<AskAgainForm>) -> Result<HttpResponse> {
    ctx.verify_csrf(&form.csrf)?;
    let user = ctx.require_user()?.user.clone();
    let mut verification = EmailVerificationPanel::of(ctx.state(), &user);
    let status = match email_verification::request_again(ctx.state(), &user).await {
        Ok(()) => {
            verification.sent = true;
            StatusCode::OK
        }
        Err(error @ (Error::Conflict { .. } | Error::TooManyRequests { .. })) => {
            let status = actix_web::ResponseError::status_code(&error);
            verification.error = Some(error.to_string());
            status
        }
        Err(other) => return Err(other),
    };
    ctx.render_with_status(
        status,
        &PanelPage {
            chrome: ctx.chrome("E-mail address", &[]),
            verification,
        },
    )
}
