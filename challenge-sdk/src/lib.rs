//! `challenge-sdk`: write a cohack challenge validator in a few lines of Rust.
//!
//! A validator is a WebAssembly component (built for `wasm32-wasip2`) that the cohack server runs
//! in a sandbox on every submission. This crate binds the contract in `wit/validator.wit` and
//! wraps it so an author only writes the judging logic:
//!
//! ```
//! use challenge_sdk::prelude::*;
//!
//! struct FirstContact;
//!
//! impl Validator for FirstContact {
//!     fn validate(s: Submission) -> Verdict {
//!         let ok = s.answer() == "42";
//!         Verdict::builder(100)
//!             .check("answer", ok, if ok { "Correct." } else { "Not quite: re-read the log." })
//!             .finish()
//!     }
//! }
//!
//! challenge_sdk::export!(FirstContact);
//! # fn main() {}
//! ```
//!
//! The pieces:
//! - [`Validator`] and [`export!`]: the entry points the server calls.
//! - [`Verdict::builder`], [`judge`]: pass/fail, partial credit, one [`Check`] per criterion.
//! - [`Submission::file`], [`Submission::text`] (and `json`, `toml`, `csv` behind the cargo
//!   features of the same names): read what the team submitted, with errors the team can act on.
//! - [`Submission::endpoint`] and [`http`]: call the team's deployed service (contract 0.2.0):
//!   `http::get`, `http::get_json`, `http::post_json`, with failures worded for the team.
//! - [`log`] and [`config`]: the host functions, wrapped; [`http::budget`] is the third.
//! - [`variant::TeamRng`]: deterministic per-team variants for team-specific materials.
//!
//! Off `wasm32`, the host functions and the network fall back to in-process stand-ins (see
//! [`testing`]) so a validator's logic can be unit-tested with a plain `cargo test`.

/// The bindings generated from `wit/validator.wit` (`cohack:validator@0.2.0`). Authors use the re-exports at the crate
/// root; this module is public only because [`export!`] expands to paths inside it.
#[doc(hidden)]
#[expect(
    clippy::too_many_arguments,
    reason = "generated ABI glue takes one argument per flattened field"
)]
pub mod bindings {
    wit_bindgen::generate!({
        path: "wit/validator.wit",
        world: "validator",
        pub_export_macro: true,
        export_macro_name: "__export_validator",
        default_bindings_module: "challenge_sdk::bindings",
        additional_derives: [PartialEq, Eq],
    });
}

pub mod config;
#[cfg(feature = "csv")]
pub mod csv;
mod error;
mod host;
pub mod http;
#[cfg(feature = "json")]
pub mod json;
pub mod log;
mod submission;
#[cfg(not(target_arch = "wasm32"))]
pub mod testing;
#[cfg(feature = "toml")]
pub mod toml;
pub mod variant;
mod verdict;

pub use bindings::cohack::validator::types::{Check, Endpoint};
pub use bindings::{File, Submission, Verdict};
pub use error::{Error, Result};
pub use verdict::{VerdictBuilder, judge};

/// A challenge's validator: implement it on a unit struct and pass the struct to [`export!`].
pub trait Validator {
    /// Judges one submission. Runs in the sandbox for every submission, so it must be
    /// deterministic: the same submission always gets the same verdict.
    ///
    /// A panic (or any trap) is reported to the authors as a *validator error*; it is never
    /// counted against the team. Return a failing [`Verdict`] for a wrong submission instead.
    fn validate(submission: Submission) -> Verdict;

    /// The files a team starts from, derived from its opaque, stable team id (see
    /// [`variant::TeamRng`]). The default is no materials.
    fn materials(team: &str) -> Vec<File> {
        let _ = team;
        Vec::new()
    }
}

/// Exports a [`Validator`] as the component's `validate` and `materials` functions.
///
/// Use it once, at the top level of the validator crate, with the name of the type:
/// `challenge_sdk::export!(MyValidator);`.
#[macro_export]
macro_rules! export {
    ($ty:ident) => {
        impl $crate::bindings::Guest for $ty {
            fn validate(submission: $crate::Submission) -> $crate::Verdict {
                <$ty as $crate::Validator>::validate(submission)
            }

            fn materials(team: ::std::string::String) -> ::std::vec::Vec<$crate::File> {
                <$ty as $crate::Validator>::materials(&team)
            }
        }

        // The component's exported symbols exist only in the Wasm build, so several
        // validators can be linked into one native test or tool without clashing.
        #[cfg(target_arch = "wasm32")]
        $crate::bindings::__export_validator!($ty with_types_in $crate::bindings);
    };
}

/// Everything a typical validator needs: `use challenge_sdk::prelude::*;`.
pub mod prelude {
    #[cfg(feature = "csv")]
    pub use crate::csv::Table;
    pub use crate::variant::TeamRng;
    pub use crate::{
        Check, Endpoint, Error, File, Result, Submission, Validator, Verdict, VerdictBuilder,
        config, http, judge, log,
    };
    pub use crate::{debug, error, info, warn};
}
