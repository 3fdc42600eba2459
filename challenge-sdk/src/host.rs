//! The host functions, `log`, `config` and `network-budget`, behind one seam.
//!
//! In the sandbox (`wasm32`) they call the host. Anywhere else the generated imports would
//! trap, so they are served by thread-local stand-ins that [`crate::testing`] controls: that is
//! what lets validators' logic be unit-tested natively. (`wasi:http` has its own seam in
//! `http/`.)

pub use crate::bindings::cohack::validator::host::Level;

#[cfg(target_arch = "wasm32")]
pub(crate) fn log(level: Level, message: &str) {
    crate::bindings::cohack::validator::host::log(level, message);
}

#[cfg(target_arch = "wasm32")]
pub(crate) fn config(key: &str) -> Option<String> {
    crate::bindings::cohack::validator::host::config(key)
}

#[cfg(target_arch = "wasm32")]
pub(crate) fn network_budget() -> crate::http::Budget {
    crate::bindings::cohack::validator::host::network_budget()
}

#[cfg(not(target_arch = "wasm32"))]
pub(crate) use native::{config, log};

#[cfg(not(target_arch = "wasm32"))]
pub(crate) use crate::http::stand_in::budget as network_budget;

#[cfg(not(target_arch = "wasm32"))]
pub(crate) mod native {
    use super::Level;
    use std::cell::RefCell;
    use std::collections::BTreeMap;

    thread_local! {
        pub(crate) static LOGS: RefCell<Vec<(Level, String)>> = const { RefCell::new(Vec::new()) };
        pub(crate) static CONFIG: RefCell<BTreeMap<String, String>> =
            const { RefCell::new(BTreeMap::new()) };
    }

    pub(crate) fn log(level: Level, message: &str) {
        LOGS.with(|logs| logs.borrow_mut().push((level, message.to_owned())));
    }

    pub(crate) fn config(key: &str) -> Option<String> {
        CONFIG.with(|config| config.borrow().get(key).cloned())
    }
}
