//! Team endpoints: where the team's deployed service is, for challenges whose validator calls
//! it (a manifest's `[network] team_endpoints`).
//!
//! The team's members set and remove them; its coaches and the event's organizers may read
//! them (others: 404, as for every team action). A name is 1 to 32 characters of
//! `[a-z0-9_-]`; a URL must be absolute `https://` (or `http://` where the server allows it,
//! `validator_network_allow_http`) without credentials or fragment, and an address written
//! as an IP literal must be one validators may reach. Refusals are 422 `invalid_endpoint`
//! with a message for the team; a seventeenth endpoint is 409 `too_many_endpoints`.
//!
//! A submission copies the endpoints its challenge names when it is stored
//! ([`super::submissions::submit`], which refuses with 422 `endpoint_missing` while one is
//! not set), so changing an endpoint never changes what an earlier submission called.

use std::net::IpAddr;

use cohack_package::NetworkSpec;
use cohack_runtime::{AddressClass, Endpoint, check_endpoint_url};
use serde::Serialize;

use crate::{
    access::{self, TeamRelation},
    config::Config,
    db::{DbConnection, now},
    error::{Error, Result},
    models::{
        challenge::Challenge,
        team_endpoint::{
            EndpointList, EndpointView, MAX_NAME_CHARS, TeamEndpoint, is_endpoint_name,
        },
        user::User,
        validator_version::ValidatorVersion,
    },
    state::AppState,
};

/// 403 unless `relation` is a member's: endpoints are the team's own work.
fn require_member(relation: TeamRelation) -> Result<()> {
    if relation == TeamRelation::Member {
        Ok(())
    } else {
        Err(Error::Forbidden(
            "only the team's members set its endpoints; coaches and organizers may read them"
                .into(),
        ))
    }
}

fn invalid(message: impl Into<String>) -> Error {
    Error::unprocessable("invalid_endpoint", message)
}

/// Checks an endpoint name.
pub fn check_name(name: &str) -> Result<()> {
    if is_endpoint_name(name) {
        Ok(())
    } else {
        Err(invalid(format!(
            "`{}` is not an endpoint name: use 1 to {MAX_NAME_CHARS} lower-case letters, \
             digits, `_` or `-`, like `api`",
            name.chars().take(40).collect::<String>().escape_default()
        )))
    }
}

/// Checks an endpoint URL as the judge will call it, and returns it in its normal form
/// (`https://example.net` becomes `https://example.net/`). `allow_http` and
/// `allow_private` are the server's `validator_network_allow_*` settings.
pub fn check_url(url: &str, allow_http: bool, allow_private: bool) -> Result<String> {
    let parsed = check_endpoint_url(url, allow_http).map_err(|e| invalid(e.to_string()))?;
    // A name is resolved when the judge calls it; an address is known now, so a team learns
    // at once that the judge could never reach it.
    let host = parsed.host_str().unwrap_or_default();
    let literal = host.trim_start_matches('[').trim_end_matches(']');
    if let Ok(address) = literal.parse::<IpAddr>() {
        let class = AddressClass::of(address);
        let reachable = match class {
            AddressClass::Public => true,
            AddressClass::Loopback | AddressClass::Private | AddressClass::LinkLocal => {
                allow_private
            }
            _ => false,
        };
        if !reachable {
            return Err(invalid(format!(
                "{address} is {class}, which the judge does not call: use your service's \
                 public address"
            )));
        }
    }
    Ok(parsed.to_string())
}

/// Sets the endpoint `name` of the team `team_id` to `url` (its members only).
pub async fn set(
    state: &AppState,
    caller: &User,
    team_id: &str,
    name: &str,
    url: &str,
) -> Result<()> {
    let (caller, team_id, name, url) = (
        caller.clone(),
        team_id.to_owned(),
        name.to_owned(),
        url.to_owned(),
    );
    let (allow_http, allow_private) = (
        state.config.validator_network_allow_http,
        state.config.validator_network_allow_private,
    );
    state
        .db
        .write(move |conn| {
            let access = access::team_access(conn, &caller, &team_id)?;
            require_member(access.relation)?;
            check_name(&name)?;
            let url = check_url(&url, allow_http, allow_private)?;
            TeamEndpoint::set(
                conn,
                &TeamEndpoint {
                    team_id: access.team.id,
                    name,
                    url,
                    updated_at: now(),
                    updated_by: caller.id.clone(),
                },
            )
        })
        .await
}

/// Removes the endpoint `name` of the team `team_id` (its members only; 404 when the team
/// has none of that name).
pub async fn remove(state: &AppState, caller: &User, team_id: &str, name: &str) -> Result<()> {
    let (caller, team_id, name) = (caller.clone(), team_id.to_owned(), name.to_owned());
    state
        .db
        .write(move |conn| {
            let access = access::team_access(conn, &caller, &team_id)?;
            require_member(access.relation)?;
            if TeamEndpoint::remove(conn, &access.team.id, &name)? {
                Ok(())
            } else {
                Err(Error::NotFound("endpoint"))
            }
        })
        .await
}

/// The team's endpoints, by name, for its members, its coaches and the event's organizers.
pub fn list(conn: &mut DbConnection, caller: &User, team_id: &str) -> Result<EndpointList> {
    let access = access::team_access(conn, caller, team_id)?;
    Ok(EndpointList {
        endpoints: TeamEndpoint::of_team(conn, &access.team.id)?
            .iter()
            .map(EndpointView::from)
            .collect(),
    })
}

/// An endpoint the event's challenges ask the team for, and whether it is set.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NeededEndpoint {
    /// The name the manifests use (`api`).
    pub name: String,
    /// The challenges that call it: `(slug, title)`, in ladder order.
    pub challenges: Vec<(String, String)>,
    /// The URL the team set, if it did.
    pub url: Option<String>,
}

/// The endpoints the live versions of the team's event's challenges name, in ladder order of
/// first use, with the team's URL for each (members, coaches, organizers): what a workspace's
/// Endpoints panel shows.
pub fn needed(
    conn: &mut DbConnection,
    caller: &User,
    team_id: &str,
) -> Result<Vec<NeededEndpoint>> {
    let access = access::team_access(conn, caller, team_id)?;
    let set = TeamEndpoint::of_team(conn, &access.team.id)?;
    let mut needed: Vec<NeededEndpoint> = Vec::new();
    for challenge in Challenge::ladder(conn, &access.event.id)? {
        let Some(version_id) = &challenge.live_version_id else {
            continue;
        };
        let Some(spec) = ValidatorVersion::find(conn, version_id)?
            .manifest()?
            .network
        else {
            continue;
        };
        for name in spec.team_endpoints {
            let entry = match needed.iter().position(|n| n.name == name) {
                Some(i) => &mut needed[i],
                None => {
                    needed.push(NeededEndpoint {
                        url: set.iter().find(|e| e.name == name).map(|e| e.url.clone()),
                        name,
                        challenges: Vec::new(),
                    });
                    needed.last_mut().expect("just pushed")
                }
            };
            entry
                .challenges
                .push((challenge.slug.clone(), challenge.title.clone()));
        }
    }
    Ok(needed)
}

/// The endpoints a submission of the team `team_id` to a challenge with `spec` copies, in
/// the manifest's order: 422 `endpoint_missing` naming the first one the team has not set
/// (and where to set it), 422 `invalid_endpoint` for one the server no longer accepts (its
/// settings changed since it was set).
pub fn for_submission(
    conn: &mut DbConnection,
    team_id: &str,
    spec: &NetworkSpec,
    challenge_title: &str,
    config: &Config,
) -> Result<Vec<Endpoint>> {
    let set = TeamEndpoint::of_team(conn, team_id)?;
    let mut copied = Vec::with_capacity(spec.team_endpoints.len());
    for name in &spec.team_endpoints {
        let Some(endpoint) = set.iter().find(|e| &e.name == name) else {
            return Err(Error::unprocessable(
                "endpoint_missing",
                format!(
                    "Set your team's endpoint `{name}` (Endpoints panel in the workspace, or \
                     PUT /api/v1/teams/{team_id}/endpoints/{name}) before submitting to \
                     {challenge_title}."
                ),
            ));
        };
        check_url(
            &endpoint.url,
            config.validator_network_allow_http,
            config.validator_network_allow_private,
        )
        .map_err(|e| {
            invalid(format!(
                "Your team's endpoint `{name}` ({}) is not accepted any more: {e}. Set it \
                 again before submitting to {challenge_title}.",
                endpoint.url
            ))
        })?;
        copied.push(endpoint.endpoint());
    }
    Ok(copied)
}

#[cfg(test)]
mod tests {
    use actix_web::{ResponseError, http::StatusCode};

    use super::*;

    #[test]
    fn urls_are_checked_as_the_judge_calls_them() {
        assert_eq!(
            check_url("https://team.example.net", false, false).expect("https"),
            "https://team.example.net/"
        );
        assert_eq!(
            check_url("http://127.0.0.1:8080/v1/", true, true).expect("allowed"),
            "http://127.0.0.1:8080/v1/"
        );
        for (url, http, private, says) in [
            ("http://team.example.net/", false, false, "https://"),
            ("ftp://team.example.net/", true, false, "ftp://"),
            ("team.example.net", false, false, "absolute URL"),
            (
                "https://user:pw@team.example.net/",
                false,
                false,
                "password",
            ),
            ("https://10.1.2.3/", false, false, "a private address"),
            ("https://[::1]:8443/", false, false, "a loopback address"),
            ("https://169.254.169.254/", false, true, "metadata"),
        ] {
            let error = check_url(url, http, private).expect_err(url);
            assert_eq!(error.code(), "invalid_endpoint");
            assert_eq!(error.status_code(), StatusCode::UNPROCESSABLE_ENTITY);
            assert!(error.to_string().contains(says), "{url}: {error}");
        }
    }

    #[test]
    fn names_are_refused_with_the_rule() {
        assert!(check_name("api").is_ok());
        let error = check_name("API").expect_err("upper case");
        assert_eq!(error.code(), "invalid_endpoint");
        assert!(error.to_string().contains("like `api`"), "{error}");
    }
}
