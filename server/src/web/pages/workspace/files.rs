//! A team's submitted files as downloads (`GET /teams/{id}/submissions/{sid}/files/{path}`):
//! the address of each file, and the file itself, for whoever may read the submission (its
//! team's members, coaches and the event's organizers; anyone else gets the API's 404).

use actix_web::{
    HttpResponse, get,
    http::header::{self, ContentDisposition, DispositionParam, DispositionType},
    web,
};
use base64::{Engine as _, engine::general_purpose::STANDARD};

use crate::{
    actions::submissions as submit,
    error::{Error, Result},
    web::{PageContext, security::urlencode},
};

use super::materials::encode_path;

/// The download address of the file `path` of submission `submission_id` of `team_id`.
pub(super) fn submitted_file_href(team_id: &str, submission_id: &str, path: &str) -> String {
    format!(
        "/teams/{}/submissions/{}/files/{}",
        urlencode(team_id),
        urlencode(submission_id),
        encode_path(path)
    )
}

#[get("/teams/{id}/submissions/{submission}/files/{path:.+}")]
pub(super) async fn download_submitted_file(
    ctx: PageContext,
    path: web::Path<(String, String, String)>,
) -> Result<HttpResponse> {
    let user = ctx.require_user()?.user.clone();
    let (team_id, submission_id, file_path) = path.into_inner();
    let view = ctx
        .state()
        .db
        .run(move |conn| submit::submission_detail(conn, &user, &submission_id))
        .await?;
    // The address names the team: a submission of another team is not found here.
    if view.team != team_id {
        return Err(Error::NotFound("submission"));
    }
    let file = view
        .files
        .into_iter()
        .find(|f| f.path == file_path)
        .ok_or(Error::NotFound("file"))?;
    let content = STANDARD
        .decode(file.content_base64.as_deref().unwrap_or_default())
        .map_err(Error::internal)?;
    let name = file_path
        .rsplit('/')
        .next()
        .unwrap_or(&file_path)
        .to_owned();
    // Always a download: what a team submitted is never rendered as a page of this origin.
    Ok(HttpResponse::Ok()
        .content_type("application/octet-stream")
        .insert_header(ContentDisposition {
            disposition: DispositionType::Attachment,
            parameters: vec![DispositionParam::Filename(name)],
        })
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .body(content))
}
