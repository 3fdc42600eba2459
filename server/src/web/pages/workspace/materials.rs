//! A team's materials as downloads (`GET /teams/{id}/materials/{challenge}/{path}`): the
//! address of each file, and the file itself (recording that a member opened the challenge).

use actix_web::{
    HttpResponse, get,
    http::header::{self, ContentDisposition, DispositionParam, DispositionType},
    web,
};
use base64::{Engine as _, engine::general_purpose::STANDARD};

use crate::{
    actions::challenges::ladder,
    error::{Error, Result},
    web::{PageContext, security::urlencode},
};

/// The download address of the file `path` of `challenge`'s materials for `team_id`.
pub(super) fn material_href(team_id: &str, challenge: &str, path: &str) -> String {
    format!(
        "/teams/{team_id}/materials/{}/{}",
        urlencode(challenge),
        encode_path(path)
    )
}

/// The path of a file inside its download address (each segment encoded).
pub(super) fn encode_path(path: &str) -> String {
    path.split('/')
        .map(|segment| {
            url::form_urlencoded::byte_serialize(segment.as_bytes())
                .collect::<String>()
                .replace('+', "%20")
        })
        .collect::<Vec<_>>()
        .join("/")
}

#[get("/teams/{id}/materials/{challenge}/{path:.+}")]
pub(super) async fn download_material(
    ctx: PageContext,
    path: web::Path<(String, String, String)>,
) -> Result<HttpResponse> {
    let user = ctx.require_user()?.user.clone();
    let (team_id, challenge, file_path) = path.into_inner();
    let materials = ladder::materials(ctx.state(), &user, &team_id, &challenge).await?;
    let file = materials
        .files
        .into_iter()
        .find(|f| f.path == file_path)
        .ok_or(Error::NotFound("file"))?;
    let content = STANDARD
        .decode(file.content_base64.as_deref().unwrap_or_default())
        .map_err(Error::internal)?;
    crate::insights::opens::record_member_open(ctx.state(), &user, &team_id, &challenge).await;
    let name = file_path
        .rsplit('/')
        .next()
        .unwrap_or(&file_path)
        .to_owned();
    Ok(HttpResponse::Ok()
        .content_type("application/octet-stream")
        .insert_header(ContentDisposition {
            disposition: DispositionType::Attachment,
            parameters: vec![DispositionParam::Filename(name)],
        })
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .body(content))
}

#[cfg(test)]
mod tests {
    use super::encode_path;

    #[test]
    fn material_paths_keep_their_slashes() {
        assert_eq!(encode_path("logs/gateway.log"), "logs/gateway.log");
        assert_eq!(encode_path("a b/c?d"), "a%20b/c%3Fd");
    }
}
