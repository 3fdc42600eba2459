//! A sample's `exchanges.json`: what a sample of a network challenge (one with a `[network]`
//! section) sees instead of a live service. Samples never touch the network: their run
//! replays the recording, so `cohack challenge test` and the server's check before publishing
//! give the same verdict with every service stopped.
//!
//! ```json
//! {
//!   "endpoints": { "api": "https://ship-it.example/" },
//!   "exchanges": [
//!     { "method": "GET", "url": "https://ship-it.example/health",
//!       "outcome": { "response": { "status": 200, "body": { "text": "{\"status\":\"ok\"}" } } },
//!       "duration_ms": 38 }
//!   ]
//! }
//! ```
//!
//! `endpoints` maps names of the manifest's `team_endpoints` to the URLs the run sees (the
//! team's endpoints, as the validator's `Submission::endpoint` returns them); `exchanges` is
//! the recording, replayed in order, in the format the server records
//! ([`Exchange`], documented in `runtime/src/network/exchange.rs`). Both may be omitted.

use std::fmt;
use std::path::Path;

use cohack_runtime::{Endpoint, Exchange, check_endpoint_url};
use serde::de::{MapAccess, Visitor};
use serde::ser::SerializeMap;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::{Manifest, PackageError};

/// The recording's file name in a sample folder: read into [`Sample::network`], not
/// submitted as a file.
///
/// [`Sample::network`]: crate::Sample::network
pub(crate) const EXCHANGES_FILE: &str = "exchanges.json";

/// A sample's `exchanges.json`: the endpoints its run sees and the exchanges it replays.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SampleNetwork {
    /// The team's endpoints in the sample's run, sorted by name (a JSON object
    /// `{"name": "url"}`).
    #[serde(default, with = "endpoint_map")]
    pub endpoints: Vec<Endpoint>,
    /// The recording the run replays, in order.
    #[serde(default)]
    pub exchanges: Vec<Exchange>,
}

impl SampleNetwork {
    /// Parses the contents of `exchanges.json`; errors name `file`.
    pub(crate) fn parse(bytes: &[u8], file: &Path) -> Result<Self, PackageError> {
        let expected = "expected {\"endpoints\": {\"NAME\": \"URL\"}, \"exchanges\": [ … ]}";
        // serde would also read a struct from an array of its fields: not a form to accept.
        if bytes.trim_ascii_start().first() != Some(&b'{') {
            return Err(PackageError::invalid(
                file,
                format!("not a JSON object: {expected}"),
            ));
        }
        serde_json::from_slice(bytes)
            .map_err(|e| PackageError::invalid(file, format!("{e}: {expected}")))
    }

    /// The size it is measured by: its compact JSON form, in bytes.
    pub fn size_bytes(&self) -> usize {
        serde_json::to_vec(self).map_or(usize::MAX, |json| json.len())
    }

    /// Checks the recording against the challenge: the manifest has a `[network]` section,
    /// each endpoint is one it declares with an acceptable URL, and the recording is at most
    /// `max_bytes`. Errors name `file`.
    pub(crate) fn validate(
        &self,
        manifest: &Manifest,
        max_bytes: usize,
        file: &Path,
    ) -> Result<(), PackageError> {
        let Some(spec) = &manifest.network else {
            return Err(PackageError::invalid(
                file,
                "the challenge has no [network] section in challenge.toml, so its validator \
                 calls nothing: remove this file, or declare the [network] the validator uses",
            ));
        };
        for endpoint in &self.endpoints {
            if !spec.team_endpoints.contains(&endpoint.name) {
                let declared = if spec.team_endpoints.is_empty() {
                    "it declares none".to_owned()
                } else {
                    format!("it declares {}", spec.team_endpoints.join(", "))
                };
                return Err(PackageError::invalid(
                    file,
                    format!(
                        "endpoint `{}` is not one of the manifest's `team_endpoints` ({declared})",
                        endpoint.name
                    ),
                ));
            }
            // Any scheme a server may allow: whether this one does is its own caps' business
            // when it replays the sample.
            check_endpoint_url(&endpoint.url, true).map_err(|e| {
                PackageError::invalid(file, format!("endpoint `{}`: {e}", endpoint.name))
            })?;
        }
        let size = self.size_bytes();
        if size > max_bytes {
            return Err(PackageError::invalid(
                file,
                format!("{size} bytes (as compact JSON), the limit is {max_bytes} bytes"),
            ));
        }
        Ok(())
    }
}

/// `Vec<Endpoint>` as the JSON object `{"name": "url"}`; a name given twice is an error
/// (rather than the last one silently winning).
mod endpoint_map {
    use super::*;

    pub(super) fn serialize<S: Serializer>(
        endpoints: &[Endpoint],
        serializer: S,
    ) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(endpoints.len()))?;
        for endpoint in endpoints {
            map.serialize_entry(&endpoint.name, &endpoint.url)?;
        }
        map.end()
    }

    pub(super) fn deserialize<'de, D: Deserializer<'de>>(
        deserializer: D,
    ) -> Result<Vec<Endpoint>, D::Error> {
        deserializer.deserialize_map(EndpointMap)
    }

    struct EndpointMap;

    impl<'de> Visitor<'de> for EndpointMap {
        type Value = Vec<Endpoint>;

        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("an object of endpoint names and URLs, like {\"api\": \"https://…\"}")
        }

        fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
            let mut endpoints: Vec<Endpoint> = Vec::new();
            while let Some((name, url)) = map.next_entry::<String, String>()? {
                if endpoints.iter().any(|e| e.name == name) {
                    return Err(serde::de::Error::custom(format!(
                        "endpoint `{name}` is given twice"
                    )));
                }
                endpoints.push(Endpoint { name, url });
            }
            endpoints.sort_by(|a, b| a.name.cmp(&b.name));
            Ok(endpoints)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const FILE: &str = "samples/pass/up/exchanges.json";
    const GOOD: &str = r#"{
      "endpoints": { "web": "https://web.example/", "api": "https://ship-it.example/" },
      "exchanges": [
        { "method": "GET", "url": "https://ship-it.example/health",
          "outcome": { "response": { "status": 200,
                                     "headers": { "content-type": "application/json" },
                                     "body": { "text": "{\"status\":\"ok\"}" } } },
          "duration_ms": 38 },
        { "method": "GET", "url": "https://ship-it.example/echo?value=1",
          "outcome": { "failed": { "error": "timeout", "reason": "no response within 2000 ms" } },
          "duration_ms": 2000 }
      ]
    }"#;

    fn manifest(network: &str) -> Manifest {
        let text = format!(
            "slug = \"ship-it\"\ntitle = \"Ship it\"\npoints = 200\nsummary = \"One line.\"\n{network}"
        );
        Manifest::parse(&text, Path::new("challenge.toml")).unwrap()
    }

    fn with_network() -> Manifest {
        manifest("[network]\nteam_endpoints = [\"api\", \"web\"]\n")
    }

    fn parse(text: &str) -> Result<SampleNetwork, String> {
        SampleNetwork::parse(text.as_bytes(), Path::new(FILE)).map_err(|e| e.to_string())
    }

    fn check(text: &str, manifest: &Manifest, max_bytes: usize) -> Result<(), String> {
        parse(text)?
            .validate(manifest, max_bytes, Path::new(FILE))
            .map_err(|e| e.to_string())
    }

    #[test]
    fn a_recording_is_read_with_its_endpoints_sorted() {
        let network = parse(GOOD).unwrap();
        let names: Vec<&str> = network.endpoints.iter().map(|e| e.name.as_str()).collect();
        assert_eq!(names, ["api", "web"]);
        assert_eq!(network.endpoints[0].url, "https://ship-it.example/");
        assert_eq!(network.exchanges.len(), 2);
        assert_eq!(
            network.exchanges[0].summary(),
            "GET https://ship-it.example/health → 200 in 38 ms"
        );
        check(GOOD, &with_network(), 4 << 20).unwrap();

        let json = serde_json::to_string(&network).unwrap();
        assert!(json.starts_with(r#"{"endpoints":{"api":"https://ship-it.example/","#));
        assert_eq!(parse(&json).unwrap(), network, "round trip");
        assert_eq!(network.size_bytes(), json.len());
        assert_eq!(parse("{}").unwrap(), SampleNetwork::default());
    }

    #[test]
    fn bad_json_names_the_file_and_the_problem() {
        for (text, expected) in [
            ("{\"endpoints\": {", "EOF while parsing"),
            ("[]", "not a JSON object: expected {\"endpoints\""),
            ("", "not a JSON object"),
            ("{\"endpoint\": {}}", "unknown field `endpoint`"),
            (
                "{\"endpoints\": [\"api\"]}",
                "an object of endpoint names and URLs",
            ),
            (
                "{\"endpoints\": {\"api\": \"https://a.example/\", \"api\": \"https://b.example/\"}}",
                "endpoint `api` is given twice",
            ),
            (
                "{\"exchanges\": [{\"method\": \"GET\", \"url\": \"https://a.example/\"}]}",
                "missing field `outcome`",
            ),
            (
                "{\"exchanges\": [{\"method\": \"GET\", \"url\": \"https://a.example/\", \"outcome\": {\"failed\": {\"error\": \"slow\", \"reason\": \"\"}}}]}",
                "unknown variant `slow`",
            ),
        ] {
            let error = parse(text).unwrap_err();
            assert!(
                error.starts_with(&format!("{FILE}: ")) && error.contains(expected),
                "{text}: {error}"
            );
        }
    }

    #[test]
    fn endpoints_must_be_declared_and_valid() {
        let undeclared = check(
            GOOD,
            &manifest("[network]\nteam_endpoints = [\"api\"]\n"),
            4 << 20,
        )
        .unwrap_err();
        assert_eq!(
            undeclared,
            format!(
                "{FILE}: endpoint `web` is not one of the manifest's `team_endpoints` (it declares api)"
            )
        );
        let none = check(
            GOOD,
            &manifest("[network]\nallowed_hosts = [\"a.example\"]\n"),
            4 << 20,
        )
        .unwrap_err();
        assert!(none.contains("(it declares none)"), "{none}");

        for (url, expected) in [
            ("not a url", "is not an absolute URL"),
            ("ftp://ship-it.example/", "`ftp://` is not allowed"),
            ("https://user:pw@ship-it.example/", "user name or password"),
            ("https://ship-it.example/#top", "fragment"),
        ] {
            let text = format!("{{\"endpoints\": {{\"api\": \"{url}\"}}}}");
            let error = check(&text, &with_network(), 4 << 20).unwrap_err();
            assert!(
                error.starts_with(&format!("{FILE}: endpoint `api`: ")) && error.contains(expected),
                "{url}: {error}"
            );
        }
        // A recording of a service on the author's machine is acceptable here; a server
        // whose caps refuse http:// refuses it when it replays the sample.
        check(
            "{\"endpoints\": {\"api\": \"http://127.0.0.1:8000\"}}",
            &with_network(),
            4 << 20,
        )
        .unwrap();
    }

    #[test]
    fn a_challenge_without_network_takes_no_recording() {
        let error = check("{}", &manifest(""), 4 << 20).unwrap_err();
        assert!(
            error.starts_with(&format!("{FILE}: the challenge has no [network] section")),
            "{error}"
        );
    }

    #[test]
    fn a_recording_has_a_size_limit() {
        let size = parse(GOOD).unwrap().size_bytes();
        check(GOOD, &with_network(), size).unwrap();
        let error = check(GOOD, &with_network(), size - 1).unwrap_err();
        assert_eq!(
            error,
            format!(
                "{FILE}: {size} bytes (as compact JSON), the limit is {} bytes",
                size - 1
            )
        );
    }
}
