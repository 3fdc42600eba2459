//! Trust at an event: who accepted which version of its terms (organizers), a participant's
//! choice whether the report names them, and the closing survey (read, answer once, dismiss
//! its card). An event's terms and survey are its settings (`terms`, `survey`,
//! `survey_opens_at` in `POST /events` and `PATCH /events/{slug}`); the terms are accepted by
//! registering (`POST /events/{slug}/registrations` with `accept_terms`).

use actix_web::{HttpResponse, get, post, put, web};
use serde::{Deserialize, Serialize};
use utoipa::{
    ToSchema,
    openapi::{
        ObjectBuilder, OneOfBuilder, Type,
        schema::{AdditionalProperties, SchemaType},
    },
};
use utoipa_actix_web::service_config::ServiceConfig;

use crate::{
    actions::{
        survey::{self, SurveyView},
        terms::{self, MyTerms, TermsRecord},
    },
    auth::AuthUser,
    error::{ErrorBody, Result},
    models::survey::{AnswerValue, MAX_ANSWER_CHARS, QUESTION_ID_PATTERN},
    state::AppState,
};

pub(crate) fn configure(cfg: &mut ServiceConfig) {
    cfg.service(terms_record)
        .service(set_name_in_report)
        .service(get_survey)
        .service(answer_survey)
        .service(dismiss_survey);
}

/// Every version of the event's terms and who accepted which, when (organizers only).
#[utoipa::path(
    tag = "events",
    security(("bearer" = [])),
    params(("slug" = String, Path, description = "event slug")),
    responses(
        (status = 200, body = TermsRecord),
        (status = 401, body = ErrorBody),
        (status = 403, description = "not an organizer of this event", body = ErrorBody),
        (status = 404, body = ErrorBody),
    )
)]
#[get("/events/{slug}/terms/acceptances")]
pub async fn terms_record(
    state: web::Data<AppState>,
    slug: web::Path<String>,
    caller: AuthUser,
) -> Result<HttpResponse> {
    let slug = slug.into_inner();
    let record = state
        .db
        .run(move |conn| terms::record(conn, &caller.user, &slug))
        .await?;
    Ok(HttpResponse::Ok().json(record))
}

/// `PUT /events/{slug}/name-in-report`
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NameInReportRequest {
    /// Whether the report may print the caller's name next to their words.
    pub name_in_report: bool,
}

/// Chooses whether the report may print the caller's name next to their words (participants
/// only; the default is no: quotes name a role and an organization).
#[utoipa::path(
    tag = "events",
    security(("bearer" = [])),
    params(("slug" = String, Path, description = "event slug")),
    request_body = NameInReportRequest,
    responses(
        (status = 200, description = "the caller's standing towards the terms and the report",
            body = MyTerms),
        (status = 401, body = ErrorBody),
        (status = 403, description = "`not_a_participant`", body = ErrorBody),
        (status = 404, body = ErrorBody),
    )
)]
#[put("/events/{slug}/name-in-report")]
pub async fn set_name_in_report(
    state: web::Data<AppState>,
    slug: web::Path<String>,
    caller: AuthUser,
    body: crate::http::Json<NameInReportRequest>,
) -> Result<HttpResponse> {
    let mine = terms::set_name_in_report(
        &state,
        &caller.user,
        &slug.into_inner(),
        body.into_inner().name_in_report,
    )
    .await?;
    Ok(HttpResponse::Ok().json(mine))
}

/// The event's closing survey for a participant, once it opens (`survey_opens_at`, by default
/// the event's end). 404 before that, at an event without a survey, and for anyone who is not
/// a participant.
#[utoipa::path(
    tag = "events",
    security(("bearer" = [])),
    params(("slug" = String, Path, description = "event slug")),
    responses(
        (status = 200, body = SurveyView),
        (status = 401, body = ErrorBody),
        (status = 404, description = "no survey (yet) for the caller", body = ErrorBody),
    )
)]
#[get("/events/{slug}/survey")]
pub async fn get_survey(
    state: web::Data<AppState>,
    slug: web::Path<String>,
    caller: AuthUser,
) -> Result<HttpResponse> {
    let slug = slug.into_inner();
    let view = state
        .db
        .run(move |conn| survey::view(conn, &caller.user, &slug))
        .await?;
    Ok(HttpResponse::Ok().json(view))
}

/// `POST /events/{slug}/survey`
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SurveyAnswersRequest {
    /// Answers by question id: a whole number 0–10 for a `scale`, one of the `choices` for a
    /// `choice`, a text of at most 2000 characters for a `text`. Questions left out are left
    /// unanswered; at least one must be answered.
    #[schema(schema_with = answers_schema)]
    pub answers: serde_json::Map<String, serde_json::Value>,
}

/// An answers object: question ids as keys, a whole number or a text (no NUL) as values.
fn answers_schema() -> ObjectBuilder {
    let value = OneOfBuilder::new()
        .item(
            ObjectBuilder::new()
                .schema_type(SchemaType::Type(Type::Integer))
                .minimum(Some(0))
                .maximum(Some(10)),
        )
        .item(
            ObjectBuilder::new()
                .schema_type(SchemaType::Type(Type::String))
                .max_length(Some(MAX_ANSWER_CHARS))
                .pattern(Some(crate::api::schema::NO_NUL)),
        );
    ObjectBuilder::new()
        .schema_type(SchemaType::Type(Type::Object))
        .min_properties(Some(1))
        .property_names(Some(
            ObjectBuilder::new()
                .schema_type(SchemaType::Type(Type::String))
                .pattern(Some(QUESTION_ID_PATTERN)),
        ))
        .additional_properties(Some(AdditionalProperties::RefOr(value.into())))
}

/// What was recorded.
#[derive(Debug, Serialize, ToSchema)]
pub struct SurveyAnswered {
    /// The answers as stored (anonymously: with the caller's organization and role only).
    #[schema(value_type = Object)]
    pub answers: std::collections::BTreeMap<String, AnswerValue>,
}

/// Answers the survey, once. The answers are anonymous: kept with the caller's organization
/// and role only; that the caller answered is kept apart, to refuse a second answer.
#[utoipa::path(
    tag = "events",
    security(("bearer" = [])),
    params(("slug" = String, Path, description = "event slug")),
    request_body = SurveyAnswersRequest,
    responses(
        (status = 201, body = SurveyAnswered),
        (status = 400, description = "`no_answers`, `invalid_json`", body = ErrorBody),
        (status = 401, body = ErrorBody),
        (status = 404, description = "no survey (yet) for the caller", body = ErrorBody),
        (status = 409, description = "`survey_answered`: the caller answered already",
            body = ErrorBody),
        (status = 422, description = "`unknown_question`, `invalid_answer` (a scale out of \
            0–10, a choice not in the list, a text too long)", body = ErrorBody),
    )
)]
#[post("/events/{slug}/survey")]
pub async fn answer_survey(
    state: web::Data<AppState>,
    slug: web::Path<String>,
    caller: AuthUser,
    body: crate::http::Json<SurveyAnswersRequest>,
) -> Result<HttpResponse> {
    let answers = survey::answer(
        &state,
        &caller.user,
        &slug.into_inner(),
        body.into_inner().answers,
    )
    .await?;
    Ok(HttpResponse::Created().json(SurveyAnswered { answers }))
}

/// Dismisses the survey's card in the workspace: it does not come back (the survey can still
/// be answered).
#[utoipa::path(
    tag = "events",
    security(("bearer" = [])),
    params(("slug" = String, Path, description = "event slug")),
    responses(
        (status = 204, description = "dismissed"),
        (status = 401, body = ErrorBody),
        (status = 404, description = "no survey (yet) for the caller", body = ErrorBody),
    )
)]
#[post("/events/{slug}/survey/dismissal")]
pub async fn dismiss_survey(
    state: web::Data<AppState>,
    slug: web::Path<String>,
    caller: AuthUser,
) -> Result<HttpResponse> {
    survey::dismiss(&state, &caller.user, &slug.into_inner()).await?;
    Ok(HttpResponse::NoContent().finish())
}
