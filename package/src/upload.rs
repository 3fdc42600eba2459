//! The upload form of a package: one JSON document the CLI sends to the server to publish a
//! challenge version.
//!
//! ```json
//! {
//!   "format": 1,
//!   "manifest": { "slug": "clean-readings", "title": "…", "points": 300, "summary": "…",
//!                 "limits": { "fuel": null, … }, "config": {}, "validator": "validator" },
//!   "statement": "# Clean up the readings\n…",
//!   "validator_wasm": "<base64>",
//!   "validator_sha256": "<hex of the wasm bytes' sha256>",
//!   "samples": [
//!     { "name": "pass/reference", "expect": "pass", "answer": "", "team": "sample-team",
//!       "expected_score": 300, "files": [ { "path": "readings_clean.csv", "content": "<base64>" } ] },
//!     { "name": "pass/working-service", "expect": "pass", "answer": "", "team": "sample-team",
//!       "expected_score": null, "files": [],
//!       "network": { "endpoints": { "api": "https://ship-it.example/" }, "exchanges": [ … ] } }
//!   ],
//!   "hints": ["The gaps are where the meter was offline: …"]
//! }
//! ```
//!
//! `hints` holds the Markdown text of each of the manifest's `[[hints]]`, in the manifest's
//! order; it is left out when there are none, and an upload without it still reads.
//! `coach_guide` is the package's `coach.md` (Markdown, for the event's coaches and organizers
//! only); it is left out when the package has none, and an upload without it still reads.
//! A sample's `network` is its `exchanges.json` as it is (see [`SampleNetwork`]); it is left
//! out when the sample has none, and an upload without it (from an older CLI) still reads.
//! Binary contents are standard base64 (with padding). The checksum lets the server detect a
//! truncated or altered upload before loading the validator; [`Upload::into_package`] applies
//! every rule [`Package::load`](crate::Package::load) applies to a folder.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use cohack_runtime::File;

use crate::{Expect, Manifest, Package, PackageError, Sample, SampleLimits, SampleNetwork};

/// The version of the upload format this crate writes and reads.
pub const UPLOAD_FORMAT: u32 = 1;

/// A package with its built validator, ready to send.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Upload {
    /// [`UPLOAD_FORMAT`].
    pub format: u32,
    /// The manifest.
    pub manifest: Manifest,
    /// The statement (Markdown).
    pub statement: String,
    /// The validator component, base64.
    pub validator_wasm: String,
    /// Hex sha256 of the validator's bytes.
    pub validator_sha256: String,
    /// The samples.
    pub samples: Vec<UploadSample>,
    /// The text (Markdown) of each `[[hints]]` entry of the manifest, in its order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub hints: Vec<String>,
    /// The package's `coach.md` (Markdown), if it has one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub coach_guide: Option<String>,
}

/// A sample in an [`Upload`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UploadSample {
    /// `pass/NAME` or `fail/NAME`.
    pub name: String,
    /// Pass or fail.
    pub expect: Expect,
    /// The short answer.
    pub answer: String,
    /// The team id to submit as.
    pub team: String,
    /// The exact score expected, if declared.
    pub expected_score: Option<u32>,
    /// The submitted files.
    pub files: Vec<UploadFile>,
    /// The sample's `exchanges.json`, if it has one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub network: Option<SampleNetwork>,
}

/// A file in an [`UploadSample`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UploadFile {
    /// Relative path with `/` separators.
    pub path: String,
    /// The content, base64.
    pub content: String,
}

impl Package {
    /// The upload form of this package with its built validator.
    pub fn to_upload(&self, wasm: &[u8]) -> Upload {
        Upload {
            format: UPLOAD_FORMAT,
            manifest: self.manifest.clone(),
            statement: self.statement.clone(),
            validator_wasm: STANDARD.encode(wasm),
            validator_sha256: hex::encode(Sha256::digest(wasm)),
            samples: self
                .samples
                .iter()
                .map(|s| UploadSample {
                    name: s.name.clone(),
                    expect: s.expect,
                    answer: s.answer.clone(),
                    team: s.team.clone(),
                    expected_score: s.expected_score,
                    files: s
                        .files
                        .iter()
                        .map(|f| UploadFile {
                            path: f.path.clone(),
                            content: STANDARD.encode(&f.content),
                        })
                        .collect(),
                    network: s.network.clone(),
                })
                .collect(),
            hints: self.hints.clone(),
            coach_guide: self.coach_guide.clone(),
        }
    }

    /// The package and validator bytes of an upload (the same as [`Upload::into_package`]).
    pub fn from_upload(upload: Upload) -> Result<(Package, Vec<u8>), PackageError> {
        upload.into_package(&SampleLimits::default())
    }
}

impl Upload {
    /// Decodes and checks the upload: format version, checksum, and every package rule
    /// (manifest fields, sample names, paths that stay inside their sample, sizes).
    pub fn into_package(self, limits: &SampleLimits) -> Result<(Package, Vec<u8>), PackageError> {
        if self.format != UPLOAD_FORMAT {
            return Err(PackageError::Upload(format!(
                "format {} is not supported (this server reads format {UPLOAD_FORMAT}): update the cohack CLI",
                self.format
            )));
        }
        let wasm = decode(&self.validator_wasm, "validator_wasm")?;
        let digest = hex::encode(Sha256::digest(&wasm));
        if !digest.eq_ignore_ascii_case(self.validator_sha256.trim()) {
            return Err(PackageError::Upload(format!(
                "the validator's sha256 is {digest}, the upload declares {}: the upload is damaged",
                self.validator_sha256
            )));
        }
        let mut samples = Vec::with_capacity(self.samples.len());
        for s in self.samples {
            let mut files = Vec::with_capacity(s.files.len());
            for f in s.files {
                let content = decode(
                    &f.content,
                    &format!("samples[{}].files[{}]", s.name, f.path),
                )?;
                files.push(File {
                    path: f.path,
                    content,
                });
            }
            samples.push(Sample {
                name: s.name,
                expect: s.expect,
                files,
                answer: s.answer,
                expected_score: s.expected_score,
                team: s.team,
                network: s.network,
            });
        }
        let package = Package {
            dir: None,
            manifest: self.manifest,
            statement: self.statement,
            samples,
            hints: self.hints,
            coach_guide: self.coach_guide,
        };
        package.validate(limits)?;
        Ok((package, wasm))
    }
}

fn decode(text: &str, field: &str) -> Result<Vec<u8>, PackageError> {
    STANDARD
        .decode(text)
        .map_err(|e| PackageError::Upload(format!("`{field}` is not valid base64: {e}")))
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;

    fn package(network: Option<SampleNetwork>) -> Package {
        let manifest = Manifest::parse(
            "slug = \"ship-it\"\ntitle = \"Ship it\"\npoints = 200\nsummary = \"One line.\"\n\
             [network]\nteam_endpoints = [\"api\"]\n",
            Path::new("challenge.toml"),
        )
        .unwrap();
        Package {
            dir: None,
            manifest,
            statement: "# Ship it".into(),
            samples: vec![Sample {
                name: "pass/up".into(),
                expect: Expect::Pass,
                files: Vec::new(),
                answer: String::new(),
                expected_score: None,
                team: crate::DEFAULT_TEAM.into(),
                network,
            }],
            hints: Vec::new(),
            coach_guide: None,
        }
    }

    fn recording() -> SampleNetwork {
        serde_json::from_str(
            r#"{"endpoints": {"api": "https://ship-it.example/"},
                "exchanges": [{"method": "GET", "url": "https://ship-it.example/health",
                               "outcome": {"response": {"status": 200,
                                                        "body": {"text": "{}"}}},
                               "duration_ms": 38}]}"#,
        )
        .unwrap()
    }

    fn through_json(upload: &Upload) -> Result<Package, PackageError> {
        let json = serde_json::to_string(upload).unwrap();
        let upload: Upload = serde_json::from_str(&json).unwrap();
        upload
            .into_package(&SampleLimits::default())
            .map(|(package, _)| package)
    }

    #[test]
    fn a_recording_travels_with_its_sample() {
        let sent = package(Some(recording()));
        let upload = sent.to_upload(b"\0asm");
        let json = serde_json::to_value(&upload).unwrap();
        assert_eq!(
            json["samples"][0]["network"]["endpoints"]["api"],
            "https://ship-it.example/"
        );
        assert_eq!(through_json(&upload).unwrap(), sent);

        let without = package(None).to_upload(b"\0asm");
        let json = serde_json::to_value(&without).unwrap();
        assert!(
            json["samples"][0].get("network").is_none(),
            "left out, so older servers still read it"
        );
        assert_eq!(through_json(&without).unwrap(), package(None));
    }

    #[test]
    fn an_upload_from_an_older_cli_still_reads() {
        let mut json = serde_json::to_value(package(None).to_upload(b"\0asm")).unwrap();
        json["samples"][0]
            .as_object_mut()
            .unwrap()
            .remove("network");
        let upload: Upload = serde_json::from_value(json).unwrap();
        assert_eq!(upload.samples[0].network, None);
    }

    #[test]
    fn an_uploaded_recording_meets_the_rules_of_a_folder() {
        let mut upload = package(Some(recording())).to_upload(b"\0asm");
        upload.manifest.network = None;
        let error = through_json(&upload).unwrap_err().to_string();
        assert!(
            error.starts_with("samples/pass/up/exchanges.json: the challenge has no [network]"),
            "{error}"
        );

        let mut upload = package(None).to_upload(b"\0asm");
        upload.samples[0].files.push(UploadFile {
            path: "exchanges.json".into(),
            content: STANDARD.encode("{}"),
        });
        let error = through_json(&upload).unwrap_err().to_string();
        assert!(error.contains("`exchanges.json` is reserved"), "{error}");

        let mut big = recording();
        big.exchanges[0].request_body = cohack_runtime::Body::new(vec![b'x'; 5 << 20]);
        let error = through_json(&package(Some(big)).to_upload(b"\0asm"))
            .unwrap_err()
            .to_string();
        assert!(error.contains("the limit is 4194304 bytes"), "{error}");
    }

    fn with_hints() -> Package {
        let mut package = package(None);
        package.manifest.hints = vec![
            crate::HintSpec {
                title: "Look".into(),
                cost: 20,
                file: "hints/look.md".into(),
            },
            crate::HintSpec {
                title: "Free".into(),
                cost: 0,
                file: "free.md".into(),
            },
        ];
        package.hints = vec!["Look **here**.".into(), "It is free.".into()];
        package
    }

    #[test]
    fn hints_travel_in_the_manifests_order() {
        let sent = with_hints();
        let upload = sent.to_upload(b"\0asm");
        let json = serde_json::to_value(&upload).unwrap();
        assert_eq!(
            json["hints"],
            serde_json::json!(["Look **here**.", "It is free."])
        );
        assert_eq!(json["manifest"]["hints"][1]["title"], "Free");
        assert_eq!(through_json(&upload).unwrap(), sent);

        let without = serde_json::to_value(package(None).to_upload(b"\0asm")).unwrap();
        assert!(
            without.get("hints").is_none() && without["manifest"].get("hints").is_none(),
            "left out, so older servers still read it"
        );
        let upload: Upload = serde_json::from_value(without).unwrap();
        assert!(upload.hints.is_empty());
    }

    #[test]
    fn hint_texts_must_match_the_manifest() {
        let mut upload = with_hints().to_upload(b"\0asm");
        upload.hints.pop();
        let error = through_json(&upload).unwrap_err().to_string();
        assert!(
            error
                .starts_with("challenge.toml: field `hints`: 2 hints declared, 1 hint texts given"),
            "{error}"
        );
        let mut upload = with_hints().to_upload(b"\0asm");
        upload.hints[1] = "  ".into();
        let error = through_json(&upload).unwrap_err().to_string();
        assert!(error.starts_with("free.md: the hint is empty"), "{error}");
        let mut upload = with_hints().to_upload(b"\0asm");
        upload.hints[0] = "x".repeat(crate::MAX_HINT_BYTES + 1);
        let error = through_json(&upload).unwrap_err().to_string();
        assert!(
            error.contains("the limit for a hint is 65536 bytes"),
            "{error}"
        );
        let mut upload = with_hints().to_upload(b"\0asm");
        upload.manifest.hints[0].cost = 201;
        let error = through_json(&upload).unwrap_err().to_string();
        assert!(error.contains("field `hints[1].cost`"), "{error}");
    }

    #[test]
    fn the_coach_guide_travels_when_there_is_one_and_an_upload_without_it_reads() {
        let without = package(None).to_upload(b"\0asm");
        let json = serde_json::to_value(&without).unwrap();
        assert!(json.get("coach_guide").is_none(), "{json}");
        let mut guided = package(None);
        guided.coach_guide = Some("Expect **40 minutes**.".into());
        let upload = guided.to_upload(b"\0asm");
        let json = serde_json::to_value(&upload).unwrap();
        assert_eq!(json["coach_guide"], "Expect **40 minutes**.");
        let (read, _) = serde_json::from_value::<Upload>(json)
            .unwrap()
            .into_package(&SampleLimits::default())
            .unwrap();
        assert_eq!(read.coach_guide.as_deref(), Some("Expect **40 minutes**."));
        let mut blank = guided.to_upload(b"\0asm");
        blank.coach_guide = Some(" \n".into());
        let error = blank
            .into_package(&SampleLimits::default())
            .unwrap_err()
            .to_string();
        assert!(error.contains("coach.md"), "{error}");
    }
}
