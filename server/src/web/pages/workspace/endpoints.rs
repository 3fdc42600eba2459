//! The Endpoints panel of the workspace (`#endpoints`): the team's endpoints (where its
//! deployed service is, for challenges whose judge calls it) and, for members, the forms
//! without JavaScript that set and remove one:
//!
//! - `POST /teams/{id}/endpoints` (`name`, `url`): sets it through
//!   [`actions::endpoints::set`];
//! - `POST /teams/{id}/endpoints/{name}/remove`: removes it through
//!   [`actions::endpoints::remove`].
//!
//! Each checks the `csrf` field, then answers with a 303 back to the panel
//! (`?endpoint_set=NAME#endpoints`), or the workspace again with the reason the server
//! refused (an `invalid_endpoint` URL, say) in the panel and the form as it was sent.

use actix_web::{HttpResponse, post, web};
use serde::Deserialize;

use crate::{
    actions::endpoints,
    error::{Error, Result},
    models::team_endpoint::EndpointView,
    web::{PageContext, security::urlencode, time::ShownTime},
};

use super::page::{FormOutcome, render_workspace};

/// The panel as the template reads it.
pub(super) struct EndpointsPanel {
    pub(super) rows: Vec<EndpointRow>,
    /// What a form just did (`Endpoint api set.`).
    pub(super) notice: Option<String>,
    /// Why the server refused a form.
    pub(super) error: Option<String>,
    /// The set form's fields: empty, or as sent when refused.
    pub(super) name: String,
    pub(super) url: String,
}

/// One endpoint of the team.
pub(super) struct EndpointRow {
    pub(super) name: String,
    pub(super) url: String,
    /// When it was last set.
    pub(super) set: ShownTime,
}

impl EndpointRow {
    pub(super) fn of(view: &EndpointView) -> Self {
        Self {
            name: view.name.clone(),
            url: view.url.clone(),
            set: ShownTime::date(view.updated_at.naive_utc()),
        }
    }
}

/// What the set form sent, kept to show it again when refused.
#[derive(Debug, Clone, Default)]
pub(super) struct SentEndpoint {
    pub(super) name: String,
    pub(super) url: String,
}

impl EndpointsPanel {
    pub(super) fn of(endpoints: &[EndpointView], outcome: &FormOutcome) -> Self {
        let sent = outcome.endpoint_sent.clone().unwrap_or_default();
        Self {
            rows: endpoints.iter().map(EndpointRow::of).collect(),
            notice: outcome.endpoint_notice.clone(),
            error: outcome.endpoint_error.clone(),
            name: sent.name,
            url: sent.url,
        }
    }
}

/// The notice after a redirect from a form (`?endpoint_set=api`); nothing for a name that is
/// not one, so a crafted link cannot make the page say something else.
pub(super) fn notice(set: Option<&str>, removed: Option<&str>) -> Option<String> {
    let valid = |name: &&str| endpoints::check_name(name).is_ok();
    match (set.filter(valid), removed.filter(valid)) {
        (Some(name), _) => Some(format!("Endpoint {name} set.")),
        (None, Some(name)) => Some(format!("Endpoint {name} removed.")),
        (None, None) => None,
    }
}

/// Where a form goes back to: the panel, on the challenge the page showed.
fn back(team_id: &str, challenge: Option<&str>, done: &str) -> String {
    let challenge = challenge
        .filter(|c| !c.is_empty())
        .map(|c| format!("challenge={}&", urlencode(c)))
        .unwrap_or_default();
    format!("/teams/{team_id}?{challenge}{done}#endpoints")
}

/// After a form: back to the panel (303), or the workspace again with the reason.
async fn after_form(
    ctx: &PageContext,
    team_id: &str,
    challenge: Option<String>,
    result: Result<()>,
    done: String,
    sent: Option<SentEndpoint>,
) -> Result<HttpResponse> {
    match result {
        Ok(()) => Ok(ctx.redirect(&back(team_id, challenge.as_deref(), &done))),
        Err(
            error @ (Error::Unprocessable { .. }
            | Error::Conflict { .. }
            | Error::Forbidden(_)
            | Error::Denied { .. }
            | Error::NotFound(_)),
        ) => {
            let status = actix_web::ResponseError::status_code(&error);
            let outcome = FormOutcome {
                endpoint_error: Some(error.to_string()),
                endpoint_sent: sent,
                ..FormOutcome::default()
            };
            render_workspace(ctx, team_id, challenge, None, status, outcome).await
        }
        Err(other) => Err(other),
    }
}

/// The set form.
#[derive(Debug, Deserialize)]
pub struct SetEndpointForm {
    csrf: String,
    name: String,
    url: String,
    /// The challenge the page showed, to come back to.
    #[serde(default)]
    challenge: Option<String>,
}

#[post("/teams/{id}/endpoints")]
pub(super) async fn set_endpoint(
    ctx: PageContext,
    team_id: web::Path<String>,
    form: web::Form<SetEndpointForm>,
) -> Result<HttpResponse> {
    ctx.verify_csrf(&form.csrf)?;
    let user = ctx.require_user()?.user.clone();
    let team_id = team_id.into_inner();
    let form = form.into_inner();
    let name = form.name.trim().to_owned();
    let url = form.url.trim().to_owned();
    let result = endpoints::set(ctx.state(), &user, &team_id, &name, &url).await;
    let done = format!("endpoint_set={}", urlencode(&name));
    let sent = SentEndpoint { name, url };
    after_form(&ctx, &team_id, form.challenge, result, done, Some(sent)).await
}

/// The remove button's form.
#[derive(Debug, Deserialize)]
pub struct RemoveEndpointForm {
    csrf: String,
    #[serde(default)]
    challenge: Option<String>,
}

#[post("/teams/{id}/endpoints/{name}/remove")]
pub(super) async fn remove_endpoint(
    ctx: PageContext,
    path: web::Path<(String, String)>,
    form: web::Form<RemoveEndpointForm>,
) -> Result<HttpResponse> {
    ctx.verify_csrf(&form.csrf)?;
    let user = ctx.require_user()?.user.clone();
    let (team_id, name) = path.into_inner();
    let form = form.into_inner();
    let result = endpoints::remove(ctx.state(), &user, &team_id, &name).await;
    let done = format!("endpoint_removed={}", urlencode(&name));
    after_form(&ctx, &team_id, form.challenge, result, done, None).await
}

#[cfg(test)]
mod tests {
    use super::{back, notice};

    #[test]
    fn notices_name_only_endpoint_names() {
        assert_eq!(
            notice(Some("api"), None).as_deref(),
            Some("Endpoint api set.")
        );
        assert_eq!(
            notice(None, Some("api")).as_deref(),
            Some("Endpoint api removed.")
        );
        assert_eq!(notice(Some("Your team was disqualified"), None), None);
        assert_eq!(notice(None, None), None);
    }

    #[test]
    fn forms_come_back_to_the_panel_on_the_same_challenge() {
        assert_eq!(
            back("t1", Some("ship-it"), "endpoint_set=api"),
            "/teams/t1?challenge=ship-it&endpoint_set=api#endpoints"
        );
        assert_eq!(
            back("t1", Some(""), "endpoint_removed=api"),
            "/teams/t1?endpoint_removed=api#endpoints"
        );
    }
}
