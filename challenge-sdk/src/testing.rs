//! Native stand-ins for the host, to unit-test a validator with `cargo test` (not built for
//! `wasm32`). Both are per thread, and Rust runs each test on its own thread, so tests do not
//! see each other's settings.
//!
//! ```
//! use challenge_sdk::{config, log, testing};
//!
//! testing::set_config("threshold", "7");
//! assert_eq!(config::parse_or("threshold", 5_u32), 7);
//! log::info("hello");
//! assert_eq!(testing::take_logs(), [(log::Level::Info, "hello".to_owned())]);
//! ```

use crate::host::native::{CONFIG, LOGS};
use crate::log::Level;

/// Sets what `config::get(key)` returns on this thread.
pub fn set_config(key: &str, value: &str) {
    CONFIG.with(|config| config.borrow_mut().insert(key.to_owned(), value.to_owned()));
}

/// Clears this thread's config.
pub fn clear_config() {
    CONFIG.with(|config| config.borrow_mut().clear());
}

/// Takes the messages logged on this thread so far.
pub fn take_logs() -> Vec<(Level, String)> {
    LOGS.with(|logs| std::mem::take(&mut *logs.borrow_mut()))
}
