//! Each person's data rights in the browser, on both backends: the account page's download
//! link gives the person's own archive, and its erase flow refuses a wrong password, erases the
//! account, signs out, and leaves the teammate's view with "former member" only.
//!
//! `tests/browser/data_rights.mjs` in headless Chromium; screenshots under
//! `target/screenshots/data_rights/`.

use cohack_server::models::{
    event::Event,
    role::{self, EventRole},
    team::Team,
};
use serde_json::json;

use crate::{
    backend_tests,
    browser::{browser_available, run_scenario},
    challenges::running_event,
    harness::TestApp,
};

backend_tests!(browser_export_link_and_erasure);

async fn browser_export_link_and_erasure(app: TestApp) {
    if !browser_available() {
        return;
    }
    let event = running_event(&app, "rights-ui").await;
    let zed = app.register("zmarker9@acme.example", "Acme").await;
    let tina = app.register("tina@acme.example", "Acme").await;
    let (event_id, zed_id, tina_id) = (event.id.clone(), zed.id.clone(), tina.id.clone());
    let team = app
        .state
        .db
        .write(move |conn| {
            role::grant(conn, &event_id, &zed_id, EventRole::Participant, None)?;
            role::grant(conn, &event_id, &tina_id, EventRole::Participant, None)?;
            let event = Event::find(conn, &event_id)?;
            let team = Team::create(conn, &event, "Acme Rockets", &zed_id)?;
            Team::add_member(conn, &team, &tina_id)?;
            Ok::<_, cohack_server::error::Error>(team)
        })
        .await
        .expect("team formed");
    run_scenario(
        &app,
        "data_rights",
        &json!({
            "zed": {"email": zed.email},
            "tina": {"email": tina.email},
            "team_id": team.id,
            "marker": "zmarker9",
        }),
    )
    .await;
    // The page's erasure is the API's: recorded as by the person, the account a tombstone.
    let records = app
        .get_as(&event.organizer.access_token, "/api/v1/erasures")
        .await
        .json::<serde_json::Value>()
        .await
        .expect("erasures");
    assert_eq!(records.as_array().map(Vec::len), Some(1), "{records}");
    assert_eq!(records[0]["erased_by"], "self");
    assert_eq!(
        app.get_as(&zed.access_token, "/api/v1/me").await.status(),
        401
    );
}
