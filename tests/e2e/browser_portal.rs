//! The portal's pages in real headless Chromium: first-run set-up, creating an event,
//! the event page, signing up and registering, keyboard use and the phone layout.

use serde_json::json;

use crate::{
    browser::{browser_available, run_scenario},
    harness::{Backend, TestApp},
};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_new_portal_is_set_up_and_an_event_created_in_the_browser() {
    if !browser_available() {
        return;
    }
    let app = TestApp::spawn(Backend::Sqlite).await.expect("sqlite");
    run_scenario(&app, "portal", &json!({})).await;
}
