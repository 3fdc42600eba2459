//! The leaderboard: public (frozen between `freeze_at` and `ends_at`), live for organizers.
//!
//! Served from the board cache as ready-made bytes: the handler picks the view (an organizer's
//! live board needs the access check; everyone else's does not touch the database), then the
//! encoding (`gzip` when the client accepts it), then answers `304` when the client already
//! holds that board (`If-None-Match`). No serialization or compression happens per request.

use actix_web::{
    HttpRequest, HttpResponse, get,
    http::header::{
        ACCEPT_ENCODING, CACHE_CONTROL, CONTENT_ENCODING, ContentType, ETAG, HeaderMap,
        IF_NONE_MATCH, VARY,
    },
    web,
};
use serde::Deserialize;
use utoipa::IntoParams;
use utoipa_actix_web::service_config::ServiceConfig;

use crate::{
    access,
    auth::MaybeUser,
    error::Result,
    scoring::{Board, BoardView, LeaderboardCache},
    state::AppState,
};

pub(crate) fn configure(cfg: &mut ServiceConfig) {
    cfg.service(leaderboard);
}

/// Query of the leaderboard.
#[derive(Debug, Deserialize, IntoParams)]
pub struct LeaderboardQuery {
    /// `public` to see what the audience sees; organizers get the live board by default.
    pub view: Option<String>,
    /// One bracket of the event (its name, regardless of case): only that bracket's teams,
    /// in the same order, each with its `bracket_rank`; 404 when the event has no such
    /// bracket.
    pub bracket: Option<String>,
}

/// The ranked teams with per-challenge progress. Anyone may read it (the big screen needs no
/// log-in); during the freeze the public gets the board as it stood at `freeze_at`, while the
/// event's organizers get the live one unless they ask for `?view=public`.
///
/// Every answer carries a strong `ETag` (one per board and encoding; the frozen public board
/// and the organizers' live one never share one) and `Cache-Control: no-cache`: clients
/// revalidate with `If-None-Match` and get `304` without a body while the board they hold is
/// still the one they would get. With `Accept-Encoding: gzip` the body comes gzipped.
///
/// On an event with brackets every row names its team's `bracket` and its `bracket_rank`
/// (its rank among that bracket's teams); `?bracket=NAME` gives that bracket's board alone,
/// cut from the same board (frozen exactly like it).
#[utoipa::path(
    tag = "leaderboard",
    security((), ("bearer" = [])),
    params(
        ("slug" = String, Path, description = "event slug"),
        ("If-None-Match" = Option<String>, Header,
            description = "entity tags of boards the client holds (`*`, a list, weak tags \
                compared weakly): `304` when one is the board this request would get"),
        ("Accept-Encoding" = Option<String>, Header,
            description = "`gzip` for a gzipped body (`Content-Encoding: gzip`)"),
    ),
    responses(
        (status = 200, body = crate::scoring::cache::LeaderboardBody,
            headers(
                ("ETag" = String, description = "strong tag of this board in this encoding"),
                ("Cache-Control" = String, description = "`no-cache`: revalidate before reuse"),
                ("Vary" = String, description = "`Accept-Encoding, Authorization`"),
                ("Content-Encoding" = String, description = "`gzip` when the body is gzipped"),
            )),
        (status = 304, description = "the board named by `If-None-Match` is still current: no body",
            headers(
                ("ETag" = String, description = "the current tag"),
                ("Cache-Control" = String, description = "`no-cache`"),
                ("Vary" = String, description = "`Accept-Encoding, Authorization`"),
            )),
        (status = 404, description = "no such event, or `?bracket=` names no bracket of it",
            body = crate::error::ErrorBody),
    )
)]
#[get("/events/{slug}/leaderboard")]
pub async fn leaderboard(
    state: web::Data<AppState>,
    slug: web::Path<String>,
    query: web::Query<LeaderboardQuery>,
    caller: MaybeUser,
    req: HttpRequest,
) -> Result<HttpResponse> {
    let slug = slug.into_inner();
    let view = match caller.0 {
        Some(user) if query.view.as_deref() != Some("public") => {
            let s = slug.clone();
            let organizer = state
                .db
                .run(move |conn| access::event_access(conn, &user.user, &s))
                .await?
                .is_organizer();
            if organizer {
                BoardView::Full
            } else {
                BoardView::Public
            }
        }
        _ => BoardView::Public,
    };
    let board = match query.bracket.as_deref() {
        Some(bracket) => {
            LeaderboardCache::get_bracket_board(&state.leaderboard, &slug, view, bracket).await?
        }
        None => LeaderboardCache::get_board(&state.leaderboard, &slug, view).await?,
    };
    Ok(respond(&board, req.headers()))
}

/// The answer for `board` to a request with `headers`: the bytes in the accepted encoding, or
/// `304` when the client holds them.
fn respond(board: &Board, headers: &HeaderMap) -> HttpResponse {
    let gzip = accepts_gzip(headers);
    let etag = if gzip { &board.gzip_etag } else { &board.etag };
    if none_match_holds(headers, board) {
        return HttpResponse::NotModified()
            .insert_header((ETAG, etag.clone()))
            .insert_header((CACHE_CONTROL, "no-cache"))
            .insert_header((VARY, "Accept-Encoding, Authorization"))
            .finish();
    }
    let mut response = HttpResponse::Ok();
    response
        .content_type(ContentType::json())
        .insert_header((ETAG, etag.clone()))
        .insert_header((CACHE_CONTROL, "no-cache"))
        .insert_header((VARY, "Accept-Encoding, Authorization"));
    if gzip {
        response
            .insert_header((CONTENT_ENCODING, "gzip"))
            .body(board.gzip.clone())
    } else {
        response.body(board.json.clone())
    }
}

/// Whether `If-None-Match` names `board` (RFC 9110 §13.1.2): `*`, or any listed tag equal to
/// the board's under the weak comparison (`W/` ignored), in either encoding. Elements that are
/// not entity tags are skipped; a header with none that matches is no precondition at all.
fn none_match_holds(headers: &HeaderMap, board: &Board) -> bool {
    headers.get_all(IF_NONE_MATCH).any(|value| {
        let value = value.as_bytes();
        if value.iter().all(|b| b.is_ascii_whitespace() || *b == b'*') && value.contains(&b'*') {
            return true;
        }
        EntityTags(value).any(|tag| board.has_tag(tag))
    })
}

/// The opaque parts of the entity tags of one `If-None-Match` line:
/// `#( [ "W/" ] DQUOTE *etagc DQUOTE )`; anything else up to the next comma is skipped.
struct EntityTags<'a>(&'a [u8]);

impl<'a> Iterator for EntityTags<'a> {
    type Item = &'a [u8];

    fn next(&mut self) -> Option<&'a [u8]> {
        loop {
            let rest = self.0;
            let start = rest
                .iter()
                .position(|b| !(b.is_ascii_whitespace() || *b == b','))?;
            let rest = &rest[start..];
            let rest = rest.strip_prefix(b"W/").unwrap_or(rest);
            if let Some(quoted) = rest.strip_prefix(b"\"")
                && let Some(end) = quoted.iter().position(|b| *b == b'"')
            {
                let after = &quoted[end + 1..];
                // A tag ends at a comma or the end of the line (spaces allowed).
                let clean = after
                    .iter()
                    .find(|b| !b.is_ascii_whitespace())
                    .is_none_or(|b| *b == b',');
                let skip = after.iter().position(|b| *b == b',').unwrap_or(after.len());
                self.0 = &after[skip..];
                if clean {
                    return Some(&quoted[..end]);
                }
                continue;
            }
            // Not an entity tag: skip to the next element.
            let skip = rest.iter().position(|b| *b == b',').unwrap_or(rest.len());
            if skip == 0 && rest.is_empty() {
                return None;
            }
            self.0 = &rest[skip..];
        }
    }
}

/// Whether `Accept-Encoding` accepts gzip (`gzip`, `x-gzip` or `*`, with a non-zero weight;
/// an explicit `gzip;q=0` refuses it even beside `*`).
fn accepts_gzip(headers: &HeaderMap) -> bool {
    let mut gzip = None;
    let mut any = None;
    for value in headers.get_all(ACCEPT_ENCODING) {
        let Ok(value) = value.to_str() else { continue };
        for element in value.split(',') {
            let mut parts = element.split(';');
            let coding = parts.next().unwrap_or("").trim();
            let weight = parts
                .filter_map(|p| {
                    let (k, v) = p.split_once('=')?;
                    k.trim().eq_ignore_ascii_case("q").then(|| v.trim())
                })
                .next()
                .map_or(1.0, |q| q.parse::<f32>().unwrap_or(0.0));
            if coding.eq_ignore_ascii_case("gzip") || coding.eq_ignore_ascii_case("x-gzip") {
                gzip = Some(weight > 0.0);
            } else if coding == "*" {
                any = Some(weight > 0.0);
            }
        }
    }
    gzip.or(any).unwrap_or(false)
}

#[cfg(test)]
mod tests {
    use actix_web::{http::header::HeaderValue, test::TestRequest};

    use super::*;

    fn headers(pairs: &[(&str, &str)]) -> HeaderMap {
        let mut request = TestRequest::get();
        for (name, value) in pairs {
            request = request.append_header((*name, HeaderValue::from_str(value).expect("header")));
        }
        request.to_http_request().headers().clone()
    }

    fn tags(line: &str) -> Vec<String> {
        EntityTags(line.as_bytes())
            .map(|t| String::from_utf8_lossy(t).into_owned())
            .collect()
    }

    #[test]
    fn entity_tag_lists_are_read_per_rfc_9110() {
        assert_eq!(tags(r#""a""#), ["a"]);
        assert_eq!(tags(r#"W/"a", "b" ,"c""#), ["a", "b", "c"]);
        assert_eq!(tags(r#"garbage, "b""#), ["b"]);
        assert_eq!(tags(r#""a"x, "b""#), ["b"]);
        assert_eq!(tags(r#""unterminated"#), Vec::<String>::new());
        assert_eq!(tags(""), Vec::<String>::new());
        assert_eq!(tags(" , ,"), Vec::<String>::new());
        assert_eq!(tags(r#""""#), [""]);
    }

    #[test]
    fn gzip_is_chosen_by_accept_encoding() {
        assert!(accepts_gzip(&headers(&[(
            "accept-encoding",
            "gzip, deflate, br"
        )])));
        assert!(accepts_gzip(&headers(&[(
            "accept-encoding",
            "br;q=1, GZIP;q=0.5"
        )])));
        assert!(accepts_gzip(&headers(&[("accept-encoding", "*")])));
        assert!(!accepts_gzip(&headers(&[("accept-encoding", "gzip;q=0")])));
        assert!(!accepts_gzip(&headers(&[(
            "accept-encoding",
            "gzip;q=0, *"
        )])));
        assert!(!accepts_gzip(&headers(&[("accept-encoding", "identity")])));
        assert!(!accepts_gzip(&headers(&[])));
    }
}
