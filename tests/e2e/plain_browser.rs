//! A browser without a script engine for the page tests: keeps cookies, reads the CSRF token
//! the pages set, posts forms as a browser does (with this site's `Origin`).

use std::collections::BTreeMap;

use reqwest::header;

use crate::harness::{PASSWORD, TestApp};

/// A cookie-keeping HTTP client that behaves like a browser with scripts off.
pub struct PlainBrowser<'a> {
    app: &'a TestApp,
    pub client: reqwest::Client,
    /// The cookies the server set, by name.
    pub cookies: BTreeMap<String, String>,
}

impl<'a> PlainBrowser<'a> {
    pub fn new(app: &'a TestApp) -> Self {
        let client = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .expect("client");
        Self {
            app,
            client,
            cookies: BTreeMap::new(),
        }
    }

    pub fn cookie_header(&self) -> String {
        self.cookies
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join("; ")
    }

    fn keep_cookies(&mut self, response: &reqwest::Response) {
        for set in response.headers().get_all(header::SET_COOKIE) {
            let set = set.to_str().expect("ascii cookie");
            let (pair, _) = set.split_once(';').unwrap_or((set, ""));
            let (name, value) = pair.split_once('=').expect("name=value");
            if value.is_empty() || set.contains("Max-Age=0") {
                self.cookies.remove(name);
            } else {
                self.cookies.insert(name.to_owned(), value.to_owned());
            }
        }
    }

    pub async fn get(&mut self, path: &str) -> reqwest::Response {
        let response = self
            .client
            .get(format!("{}{path}", self.app.address))
            .header(header::ACCEPT, "text/html")
            .header(header::COOKIE, self.cookie_header())
            .send()
            .await
            .expect("get");
        self.keep_cookies(&response);
        response
    }

    pub async fn page(&mut self, path: &str) -> String {
        let response = self.get(path).await;
        assert_eq!(response.status(), 200, "GET {path}");
        response.text().await.expect("html")
    }

    pub fn csrf(&self) -> String {
        self.cookies
            .get("cohack_csrf")
            .cloned()
            .expect("a page set the CSRF cookie")
    }

    pub async fn post_form(
        &mut self,
        path: &str,
        fields: &[(&str, &str)],
        origin: Option<&str>,
    ) -> reqwest::Response {
        let mut request = self
            .client
            .post(format!("{}{path}", self.app.address))
            .header(header::ACCEPT, "text/html")
            .header(header::COOKIE, self.cookie_header())
            .form(fields);
        if let Some(origin) = origin {
            request = request.header(header::ORIGIN, origin);
        }
        let response = request.send().await.expect("post");
        self.keep_cookies(&response);
        response
    }

    /// Posts a form with the page's CSRF token, from this site's origin.
    pub async fn submit(&mut self, path: &str, fields: &[(&str, &str)]) -> reqwest::Response {
        let csrf = self.csrf();
        let mut all = vec![("csrf", csrf.as_str())];
        all.extend_from_slice(fields);
        let origin = self.app.address.clone();
        self.post_form(path, &all, Some(&origin)).await
    }

    pub async fn sign_up(&mut self, email: &str, name: &str, next: &str) -> reqwest::Response {
        self.page("/signup").await;
        self.submit(
            "/signup",
            &[
                ("email", email),
                ("display_name", name),
                ("organization", "Acme"),
                ("password", PASSWORD),
                ("next", next),
            ],
        )
        .await
    }

    /// Signs in through the form (the test password), asserting the redirect.
    pub async fn sign_in(app: &'a TestApp, email: &str) -> Self {
        let mut browser = Self::new(app);
        browser.page("/signin").await;
        let response = browser
            .submit(
                "/signin",
                &[("email", email), ("password", PASSWORD), ("next", "/")],
            )
            .await;
        assert_eq!(response.status(), 303, "sign in {email}");
        browser
    }
}
