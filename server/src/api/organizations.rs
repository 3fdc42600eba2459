//! The portal's organizations (portal organizers): list, rename, merge, and the e-mail
//! domains that pick one at sign-up.

use actix_web::{HttpResponse, delete, get, patch, post, web};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_actix_web::service_config::ServiceConfig;

use crate::{
    actions::organizations::{self, ManagedOrganization},
    auth::AuthUser,
    error::{ErrorBody, Result},
    state::AppState,
};

pub(crate) fn configure(cfg: &mut ServiceConfig) {
    cfg.service(list_organizations)
        .service(rename_organization)
        .service(merge_organization)
        .service(add_organization_domain)
        .service(remove_organization_domain);
}

/// An organization and how many accounts belong to it.
#[derive(Debug, Serialize, ToSchema)]
pub struct OrganizationWithMembers {
    /// Identifier.
    pub id: String,
    /// Name.
    pub name: String,
    /// Accounts in it.
    pub members: i64,
    /// E-mail domains mapped to it: a sign-up at one joins it.
    pub domains: Vec<String>,
}

/// `PATCH /organizations/{id}`
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RenameOrganizationRequest {
    /// The new name, 1–120 characters, not another organization's.
    #[schema(schema_with = crate::api::schema::text::<120>)]
    pub name: String,
}

/// `POST /organizations/{id}/merge`
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MergeOrganizationRequest {
    /// The organization that keeps the accounts.
    pub into: String,
}

/// The result of a merge.
#[derive(Debug, Serialize, ToSchema)]
pub struct MergedOrganization {
    /// The organization kept.
    pub organization: OrganizationWithMembers,
    /// How many accounts moved into it.
    pub moved: usize,
}

/// `POST /organizations/{id}/domains`
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AddOrganizationDomainRequest {
    /// An e-mail domain, like `acme.com` (stored in lower case).
    #[schema(max_length = 253, pattern = "^[A-Za-z0-9-]+(\\.[A-Za-z0-9-]+)+$")]
    pub domain: String,
}

fn view(managed: ManagedOrganization) -> OrganizationWithMembers {
    OrganizationWithMembers {
        id: managed.organization.id,
        name: managed.organization.name,
        members: managed.members,
        domains: managed.domains,
    }
}

/// Every organization, by name, with its number of accounts (portal organizers).
#[utoipa::path(
    tag = "organizations",
    security(("bearer" = [])),
    responses(
        (status = 200, body = Vec<OrganizationWithMembers>),
        (status = 401, body = ErrorBody),
        (status = 403, description = "not a portal organizer", body = ErrorBody),
    )
)]
#[get("/organizations")]
pub async fn list_organizations(
    state: web::Data<AppState>,
    caller: AuthUser,
) -> Result<HttpResponse> {
    let user = caller.user.clone();
    let all = state
        .db
        .run(move |conn| organizations::list(conn, &user))
        .await?;
    let views: Vec<OrganizationWithMembers> = all.into_iter().map(view).collect();
    Ok(HttpResponse::Ok().json(views))
}

/// Renames an organization (portal organizers).
#[utoipa::path(
    tag = "organizations",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "organization id")),
    request_body = RenameOrganizationRequest,
    responses(
        (status = 200, body = OrganizationWithMembers),
        (status = 400, description = "`invalid_organization`", body = ErrorBody),
        (status = 401, body = ErrorBody),
        (status = 403, description = "not a portal organizer", body = ErrorBody),
        (status = 404, body = ErrorBody),
        (status = 409, description = "`organization_name_taken`: merge them instead", body = ErrorBody),
    )
)]
#[patch("/organizations/{id}")]
pub async fn rename_organization(
    state: web::Data<AppState>,
    id: web::Path<String>,
    caller: AuthUser,
    body: crate::http::Json<RenameOrganizationRequest>,
) -> Result<HttpResponse> {
    let id = id.into_inner();
    let renamed = organizations::rename(&state, &caller.user, &id, &body.into_inner().name).await?;
    Ok(HttpResponse::Ok().json(view(renamed)))
}

/// Merges an organization into another (portal organizers): its accounts move, it is
/// deleted, and every figure grouped by organization counts them as one.
#[utoipa::path(
    tag = "organizations",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "the organization merged away")),
    request_body = MergeOrganizationRequest,
    responses(
        (status = 200, body = MergedOrganization),
        (status = 400, description = "`invalid_merge`: an organization merged into itself", body = ErrorBody),
        (status = 401, body = ErrorBody),
        (status = 403, description = "not a portal organizer", body = ErrorBody),
        (status = 404, description = "either organization is unknown", body = ErrorBody),
    )
)]
#[post("/organizations/{id}/merge")]
pub async fn merge_organization(
    state: web::Data<AppState>,
    id: web::Path<String>,
    caller: AuthUser,
    body: crate::http::Json<MergeOrganizationRequest>,
) -> Result<HttpResponse> {
    let id = id.into_inner();
    let (kept, moved) =
        organizations::merge(&state, &caller.user, &id, &body.into_inner().into).await?;
    Ok(HttpResponse::Ok().json(MergedOrganization {
        organization: view(kept),
        moved,
    }))
}

/// Maps an e-mail domain to an organization (portal organizers): a sign-up whose e-mail is at
/// it joins this organization, whatever organization it names. Mapping it again is a no-op.
#[utoipa::path(
    tag = "organizations",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "organization id")),
    request_body = AddOrganizationDomainRequest,
    responses(
        (status = 200, body = OrganizationWithMembers),
        (status = 400, description = "`invalid_domain`", body = ErrorBody),
        (status = 401, body = ErrorBody),
        (status = 403, description = "not a portal organizer", body = ErrorBody),
        (status = 404, body = ErrorBody),
        (status = 409, description = "`domain_taken`: another organization has it", body = ErrorBody),
    )
)]
#[post("/organizations/{id}/domains")]
pub async fn add_organization_domain(
    state: web::Data<AppState>,
    id: web::Path<String>,
    caller: AuthUser,
    body: crate::http::Json<AddOrganizationDomainRequest>,
) -> Result<HttpResponse> {
    let id = id.into_inner();
    let org =
        organizations::add_domain(&state, &caller.user, &id, &body.into_inner().domain).await?;
    Ok(HttpResponse::Ok().json(view(org)))
}

/// Unmaps an e-mail domain from an organization (portal organizers); the accounts already in
/// it stay.
#[utoipa::path(
    tag = "organizations",
    security(("bearer" = [])),
    params(
        ("id" = String, Path, description = "organization id"),
        ("domain" = String, Path, description = "the domain, as listed"),
    ),
    responses(
        (status = 204, description = "unmapped"),
        (status = 401, body = ErrorBody),
        (status = 403, description = "not a portal organizer", body = ErrorBody),
        (status = 404, description = "unknown organization, or the domain is not mapped to it", body = ErrorBody),
    )
)]
#[delete("/organizations/{id}/domains/{domain}")]
pub async fn remove_organization_domain(
    state: web::Data<AppState>,
    path: web::Path<(String, String)>,
    caller: AuthUser,
) -> Result<HttpResponse> {
    let (id, domain) = path.into_inner();
    organizations::remove_domain(&state, &caller.user, &id, &domain).await?;
    Ok(HttpResponse::NoContent().finish())
}
