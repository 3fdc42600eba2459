//! The closing survey in the reports: the response rate, each scale's distribution (and the
//! net promoter score when the default "recommend" question is asked), each choice's counts,
//! the free texts, and per-organization figures only for organizations with at least
//! [`MIN_PER_ORGANIZATION`] answers (so no one is identifiable by elimination).
//!
//! The answers are anonymous ([`crate::models::survey`]): nothing here knows who answered.
//! The "why" of the default set's hardest challenge becomes evidence of that challenge's
//! worst cliff ([`why_evidence`]), attributed to the organization only when it has enough
//! answers to hide among.

use std::collections::{BTreeMap, HashMap};

use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::{
    actions,
    db::{
        DbConnection,
        schema::{event_roles, organizations},
    },
    error::Result,
    models::{
        event::Event,
        role::EventRole,
        survey::{self, AnswerValue, HARDEST, HARDEST_WHY, Question, QuestionKind, RECOMMEND},
    },
};

/// The fewest answers an organization needs before the reports show its own figures.
pub const MIN_PER_ORGANIZATION: u32 = 3;

/// An event's survey as the reports read it.
#[derive(Debug, Clone)]
pub struct SurveyData {
    /// The questions asked.
    pub questions: Vec<Question>,
    /// Whether the questions are the default set.
    pub default_set: bool,
    /// When it opened.
    pub opens_at: NaiveDateTime,
    /// The event's participants.
    pub participants: u32,
    /// The anonymous responses, each with its organization's name.
    pub responses: Vec<(String, BTreeMap<String, AnswerValue>)>,
}

/// Loads the survey of `event`, if it has one.
pub fn load(conn: &mut DbConnection, event: &Event) -> Result<Option<SurveyData>> {
    let Some(settings) = survey::settings(conn, &event.id)? else {
        return Ok(None);
    };
    let questions = actions::survey::questions_of(conn, event, &settings)?;
    let participants: i64 = event_roles::table
        .filter(event_roles::event_id.eq(&event.id))
        .filter(event_roles::role.eq(EventRole::Participant.as_str()))
        .count()
        .get_result(conn)?;
    let names: HashMap<String, String> = organizations::table
        .select((organizations::id, organizations::name))
        .load::<(String, String)>(conn)?
        .into_iter()
        .collect();
    let responses = survey::responses(conn, &event.id)?
        .into_iter()
        .map(|r| {
            let name = names
                .get(&r.organization_id)
                .cloned()
                .unwrap_or_else(|| r.organization_id.clone());
            (name, r.answers)
        })
        .collect();
    Ok(Some(SurveyData {
        default_set: settings.questions.is_none(),
        opens_at: actions::survey::opens_at(event, &settings),
        questions,
        participants: u32::try_from(participants).unwrap_or(u32::MAX),
        responses,
    }))
}

/// The survey's figures.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct SurveySummary {
    /// The event's participants.
    pub participants: u32,
    /// How many answered.
    pub respondents: u32,
    /// `respondents / participants`, 0–1 (0 without participants).
    pub response_rate: f64,
    /// The net promoter score (−100–100: % answering 9–10 minus % answering 0–6 to the
    /// default set's "recommend" question); `null` when that question is not asked or
    /// unanswered.
    pub net_promoter_score: Option<i32>,
    /// Each question's answers, in order.
    pub questions: Vec<QuestionSummary>,
    /// Per organization with at least [`MIN_PER_ORGANIZATION`] answers, by name; the others
    /// are left out.
    pub by_organization: Vec<OrganizationSurvey>,
    /// The fewest answers an organization needs to be listed in `by_organization`.
    pub min_per_organization: u32,
}

/// One question's answers.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct QuestionSummary {
    /// The question's id.
    pub id: String,
    /// `scale`, `choice` or `text`.
    pub kind: QuestionKind,
    /// The question.
    pub text: String,
    /// How many answered it.
    pub answers: u32,
    /// A scale's distribution: how many answered 0, 1, …, 10 (empty for other kinds).
    pub distribution: Vec<u32>,
    /// A scale's mean (`null` otherwise or unanswered).
    pub mean: Option<f64>,
    /// A choice's counts, in the choices' order (empty for other kinds).
    pub choices: Vec<ChoiceCount>,
    /// A text question's answers (anonymous), in no meaningful order (empty for other kinds).
    pub texts: Vec<String>,
}

/// How many picked one choice.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct ChoiceCount {
    /// The choice.
    pub choice: String,
    /// How many picked it.
    pub count: u32,
}

/// One organization's figures.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct OrganizationSurvey {
    /// The organization's name.
    pub organization: String,
    /// How many of its people answered (at least [`MIN_PER_ORGANIZATION`]).
    pub respondents: u32,
    /// Its net promoter score (as [`SurveySummary::net_promoter_score`]).
    pub net_promoter_score: Option<i32>,
    /// Each scale question's mean for it, by question id.
    pub scale_means: BTreeMap<String, f64>,
}

fn count(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

fn scale_values<'a>(
    responses: impl Iterator<Item = &'a BTreeMap<String, AnswerValue>>,
    id: &str,
) -> Vec<i64> {
    responses
        .filter_map(|answers| match answers.get(id) {
            Some(AnswerValue::Scale(n)) => Some(*n),
            _ => None,
        })
        .collect()
}

/// The net promoter score of 0–10 `values`: % of 9–10 minus % of 0–6, rounded.
pub fn net_promoter_score(values: &[i64]) -> Option<i32> {
    if values.is_empty() {
        return None;
    }
    let promoters = values.iter().filter(|v| **v >= 9).count() as f64;
    let detractors = values.iter().filter(|v| **v <= 6).count() as f64;
    let score = (promoters - detractors) * 100.0 / values.len() as f64;
    Some(score.round() as i32)
}

fn mean(values: &[i64]) -> Option<f64> {
    (!values.is_empty()).then(|| values.iter().sum::<i64>() as f64 / values.len() as f64)
}

/// The figures of `data`, for the responses of `organization` only when given (and then
/// `None` unless it has at least [`MIN_PER_ORGANIZATION`] answers).
pub fn summarize(data: &SurveyData, organization: Option<&str>) -> Option<SurveySummary> {
    let responses: Vec<&(String, BTreeMap<String, AnswerValue>)> = data
        .responses
        .iter()
        .filter(|(org, _)| organization.is_none_or(|o| org.eq_ignore_ascii_case(o)))
        .collect();
    if organization.is_some() && count(responses.len()) < MIN_PER_ORGANIZATION {
        return None;
    }
    let answers = || responses.iter().map(|(_, a)| a);
    let questions = data
        .questions
        .iter()
        .map(|q| {
            let answered = count(answers().filter(|a| a.contains_key(&q.id)).count());
            let mut summary = QuestionSummary {
                id: q.id.clone(),
                kind: q.kind,
                text: q.text.clone(),
                answers: answered,
                distribution: Vec::new(),
                mean: None,
                choices: Vec::new(),
                texts: Vec::new(),
            };
            match q.kind {
                QuestionKind::Scale => {
                    let values = scale_values(answers(), &q.id);
                    summary.distribution = (0..=survey::SCALE_MAX)
                        .map(|n| count(values.iter().filter(|v| **v == n).count()))
                        .collect();
                    summary.mean = mean(&values);
                }
                QuestionKind::Choice => {
                    summary.choices = q
                        .choices
                        .iter()
                        .map(|choice| ChoiceCount {
                            choice: choice.clone(),
                            count: count(
                                answers()
                                    .filter(|a| {
                                        matches!(a.get(&q.id), Some(AnswerValue::Words(w)) if w == choice)
                                    })
                                    .count(),
                            ),
                        })
                        .collect();
                }
                QuestionKind::Text => {
                    summary.texts = answers()
                        .filter_map(|a| match a.get(&q.id) {
                            Some(AnswerValue::Words(w)) => Some(w.clone()),
                            _ => None,
                        })
                        .collect();
                }
            }
            summary
        })
        .collect();
    let recommends = data.default_set.then_some(RECOMMEND);
    let mut per_org: BTreeMap<String, Vec<&BTreeMap<String, AnswerValue>>> = BTreeMap::new();
    for (org, a) in &responses {
        per_org.entry(org.clone()).or_default().push(a);
    }
    let scales: Vec<&Question> = data
        .questions
        .iter()
        .filter(|q| q.kind == QuestionKind::Scale)
        .collect();
    let by_organization = per_org
        .into_iter()
        .filter(|(_, a)| count(a.len()) >= MIN_PER_ORGANIZATION)
        .map(|(organization, a)| OrganizationSurvey {
            respondents: count(a.len()),
            net_promoter_score: recommends
                .and_then(|id| net_promoter_score(&scale_values(a.iter().copied(), id))),
            scale_means: scales
                .iter()
                .filter_map(|q| {
                    mean(&scale_values(a.iter().copied(), &q.id)).map(|m| (q.id.clone(), m))
                })
                .collect(),
            organization,
        })
        .collect();
    let respondents = count(responses.len());
    Some(SurveySummary {
        participants: data.participants,
        respondents,
        response_rate: if data.participants == 0 {
            0.0
        } else {
            f64::from(respondents) / f64::from(data.participants)
        },
        net_promoter_score: recommends
            .and_then(|id| net_promoter_score(&scale_values(answers(), id))),
        questions,
        by_organization,
        min_per_organization: MIN_PER_ORGANIZATION,
    })
}

/// The default set's "why was it the hardest" answers, each with the challenge it names (by
/// title, as the choice reads) and the organization to attribute it to (empty when the
/// organization has fewer than [`MIN_PER_ORGANIZATION`] answers).
pub fn why_evidence(data: &SurveyData) -> Vec<(String, String, String)> {
    if !data.default_set {
        return Vec::new();
    }
    let mut per_org: HashMap<&str, u32> = HashMap::new();
    for (org, _) in &data.responses {
        *per_org.entry(org.as_str()).or_default() += 1;
    }
    data.responses
        .iter()
        .filter_map(|(org, a)| match (a.get(HARDEST), a.get(HARDEST_WHY)) {
            (Some(AnswerValue::Words(challenge)), Some(AnswerValue::Words(why))) => {
                let shown = per_org.get(org.as_str()).copied().unwrap_or(0) >= MIN_PER_ORGANIZATION;
                Some((
                    challenge.clone(),
                    why.clone(),
                    if shown { org.clone() } else { String::new() },
                ))
            }
            _ => None,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn net_promoter_score_is_promoters_minus_detractors() {
        assert_eq!(net_promoter_score(&[]), None);
        assert_eq!(net_promoter_score(&[10, 9, 8, 0]), Some(25));
        assert_eq!(net_promoter_score(&[6, 6, 7]), Some(-67));
        assert_eq!(net_promoter_score(&[10]), Some(100));
    }

    fn data(orgs: &[&str]) -> SurveyData {
        SurveyData {
            questions: vec![Question {
                id: RECOMMEND.into(),
                kind: QuestionKind::Scale,
                text: "Recommend?".into(),
                choices: Vec::new(),
            }],
            default_set: true,
            opens_at: crate::db::now(),
            participants: 10,
            responses: orgs
                .iter()
                .map(|o| {
                    (
                        (*o).to_owned(),
                        BTreeMap::from([(RECOMMEND.to_owned(), AnswerValue::Scale(10))]),
                    )
                })
                .collect(),
        }
    }

    #[test]
    fn organizations_below_three_answers_are_left_out() {
        let d = data(&["Acme", "Acme", "Beta", "Beta", "Beta"]);
        let summary = summarize(&d, None).expect("summary");
        assert_eq!(summary.respondents, 5);
        let listed: Vec<&str> = summary
            .by_organization
            .iter()
            .map(|o| o.organization.as_str())
            .collect();
        assert_eq!(listed, ["Beta"]);
        assert!(summarize(&d, Some("acme")).is_none());
        assert_eq!(summarize(&d, Some("beta")).map(|s| s.respondents), Some(3));
    }
}
