//! Logging to the run's log, which authors and organizers read (teams never see it).
//!
//! The host keeps a bounded amount per run, so log what helps diagnose a verdict, not every
//! row. Use the functions, or the `debug!`/`info!`/`warn!`/`error!` macros that format.

use crate::host;
pub use crate::host::Level;

/// Logs `message` at `level`.
pub fn log(level: Level, message: impl AsRef<str>) {
    host::log(level, message.as_ref());
}

/// Logs at debug level.
pub fn debug(message: impl AsRef<str>) {
    log(Level::Debug, message);
}

/// Logs at info level.
pub fn info(message: impl AsRef<str>) {
    log(Level::Info, message);
}

/// Logs at warn level.
pub fn warn(message: impl AsRef<str>) {
    log(Level::Warn, message);
}

/// Logs at error level.
pub fn error(message: impl AsRef<str>) {
    log(Level::Error, message);
}

/// Logs a formatted message at debug level: `debug!("parsed {} rows", n)`.
#[macro_export]
macro_rules! debug {
    ($($arg:tt)*) => { $crate::log::debug(::std::format!($($arg)*)) };
}

/// Logs a formatted message at info level: `info!("team {} scored {}", team, score)`.
#[macro_export]
macro_rules! info {
    ($($arg:tt)*) => { $crate::log::info(::std::format!($($arg)*)) };
}

/// Logs a formatted message at warn level.
#[macro_export]
macro_rules! warn {
    ($($arg:tt)*) => { $crate::log::warn(::std::format!($($arg)*)) };
}

/// Logs a formatted message at error level.
#[macro_export]
macro_rules! error {
    ($($arg:tt)*) => { $crate::log::error(::std::format!($($arg)*)) };
}
