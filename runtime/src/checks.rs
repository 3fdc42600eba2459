//! Publish-time checks: is this binary a validator the sandbox can run? Each refusal is a
//! typed [`RuntimeError`] naming what is wrong, so that an author gets "imports
//! `wasi:http/incoming-handler@0.2.0`", not a linker error.
//!
//! In order, cheapest first, and all but the last before anything is compiled: the raw
//! bytes ([`check_binary`]), then the shape read by wasmparser ([`check_shape`]: imports
//! first, then what compiling and instantiating would cost), then the compiled component's
//! exports against the world ([`check_world`]).

use wasmtime::Engine;
use wasmtime::component::Component;
use wasmtime::component::types::ComponentItem;

use crate::engine::{
    MAX_COMPONENT_INSTANCES_PER_RUN, MAX_CORE_INSTANCES_PER_RUN, MAX_MEMORIES_PER_RUN,
    MAX_TABLES_PER_RUN,
};
use crate::shape::{FunctionBounds, read_shape};
use crate::{CompileLimits, RuntimeError};

/// The Wasm magic number.
const MAGIC: &[u8; 4] = b"\0asm";
/// Version field of a core module.
const CORE_VERSION: [u8; 4] = [1, 0, 0, 0];
/// Version and layer fields of a component (component-model binary format 0x0d, layer 1).
const COMPONENT_VERSION: [u8; 4] = [0x0d, 0, 1, 0];

/// The WASI 0.2 interfaces the sandbox links (all stubbed to grant nothing), by package.
const WASI_INTERFACES: &[(&str, &[&str])] = &[
    (
        "wasi:cli",
        &[
            "environment",
            "exit",
            "stdin",
            "stdout",
            "stderr",
            "terminal-input",
            "terminal-output",
            "terminal-stdin",
            "terminal-stdout",
            "terminal-stderr",
        ],
    ),
    ("wasi:clocks", &["monotonic-clock", "wall-clock"]),
    ("wasi:filesystem", &["types", "preopens"]),
    ("wasi:io", &["error", "poll", "streams"]),
    ("wasi:random", &["random", "insecure", "insecure-seed"]),
    (
        "wasi:sockets",
        &[
            "network",
            "instance-network",
            "udp",
            "udp-create-socket",
            "tcp",
            "tcp-create-socket",
            "ip-name-lookup",
        ],
    ),
];

/// Interfaces of our own contract a validator may import (either version).
const CONTRACT_INTERFACES: &[&str] = &["host", "types"];

/// The wasi:http interfaces a 0.2.0 validator may import; the host sends its requests
/// through the run's network hook (`network/`).
const HTTP_INTERFACES: &[&str] = &["outgoing-handler", "types"];

/// Whether an import is one of wasi:http's: only a 0.2.0 validator may have one.
pub(crate) fn is_http_import(name: &str) -> bool {
    name.starts_with("wasi:http/")
}

/// Cheap checks on the raw bytes, before spending a compile on them.
pub(crate) fn check_binary(wasm: &[u8], max_module_bytes: usize) -> Result<(), RuntimeError> {
    if wasm.len() > max_module_bytes {
        return Err(RuntimeError::ModuleTooLarge {
            size: wasm.len(),
            max: max_module_bytes,
        });
    }
    if wasm.len() < 8 || &wasm[..4] != MAGIC {
        return Err(RuntimeError::NotWasm(
            "the file does not start with the WebAssembly magic number".into(),
        ));
    }
    let version = &wasm[4..8];
    if version == COMPONENT_VERSION {
        Ok(())
    } else if version == CORE_VERSION {
        Err(RuntimeError::CoreModule)
    } else {
        Err(RuntimeError::NotWasm(format!(
            "unknown WebAssembly version/layer {version:02x?}"
        )))
    }
}

/// Whether an import name is one the sandbox provides.
fn import_allowed(name: &str) -> bool {
    let Some((path, version)) = name.split_once('@') else {
        return false;
    };
    let Some((package, interface)) = path.split_once('/') else {
        return false;
    };
    if package == "cohack:validator" {
        return (version.starts_with("0.1.") || version.starts_with("0.2."))
            && CONTRACT_INTERFACES.contains(&interface);
    }
    if package == "wasi:http" {
        return version.starts_with("0.2.") && HTTP_INTERFACES.contains(&interface);
    }
    version.starts_with("0.2.")
        && WASI_INTERFACES
            .iter()
            .any(|(p, interfaces)| *p == package && interfaces.contains(&interface))
}

/// Reads the component's shape and refuses it, before compiling, if it imports what the
/// sandbox does not provide or if compiling or running it would cost more than `limits`
/// and the per-run share of the instance pool allow.
pub(crate) fn check_shape(wasm: &[u8], limits: &CompileLimits) -> Result<(), RuntimeError> {
    let shape = read_shape(
        wasm,
        FunctionBounds {
            max_locals: limits.max_locals_per_function,
            max_body_bytes: limits.max_function_body_bytes,
        },
    )?;
    if let Some(name) = shape.imports.iter().find(|name| !import_allowed(name)) {
        return Err(RuntimeError::ForeignImport { name: name.clone() });
    }
    let too_complex = |what: String| Err(RuntimeError::TooComplex(what));
    if let Some(excess) = shape.excess {
        return too_complex(format!("{} {}", excess.function, excess.excess));
    }
    if shape.functions > limits.max_functions {
        return too_complex(format!(
            "it defines {} functions, above the limit of {}",
            shape.functions, limits.max_functions
        ));
    }
    if shape.compile_work > limits.max_compile_work {
        return too_complex(format!(
            "compiling it would take an estimated {} units of work, above the limit of {} \
             (split large functions, or use fewer locals)",
            shape.compile_work, limits.max_compile_work
        ));
    }
    if shape.opaque_instantiation {
        return too_complex(
            "it instantiates a component it receives from outside (an import or an \
             instance's export), whose cost cannot be known before compiling"
                .into(),
        );
    }
    let per_run = shape.per_run;
    let bounds = [
        (
            "core module instances",
            per_run.core_instances,
            u64::from(MAX_CORE_INSTANCES_PER_RUN),
        ),
        (
            "linear memories",
            per_run.memories,
            u64::from(MAX_MEMORIES_PER_RUN),
        ),
        ("tables", per_run.tables, u64::from(MAX_TABLES_PER_RUN)),
        (
            "nested component instances",
            per_run.component_instances,
            MAX_COMPONENT_INSTANCES_PER_RUN,
        ),
    ];
    for (what, count, max) in bounds {
        if count > max {
            return too_complex(format!(
                "one run of it would create {count} {what}, above the limit of {max} per run"
            ));
        }
    }
    Ok(())
}

/// Checks a compiled component's imports and exports against the world; returns whether it
/// imports wasi:http (which only the 0.2.0 world allows: the caller checks that once it knows
/// the version). Importing both versions of the contract at once is refused.
pub(crate) fn check_world(engine: &Engine, component: &Component) -> Result<bool, RuntimeError> {
    let ty = component.component_type();
    if let Some((name, _)) = ty.imports(engine).find(|(name, _)| !import_allowed(name)) {
        return Err(RuntimeError::ForeignImport {
            name: name.to_owned(),
        });
    }
    let contract = |prefix: &str| {
        ty.imports(engine)
            .any(|(name, _)| name.starts_with("cohack:validator/") && name.contains(prefix))
    };
    if contract("@0.1.") && contract("@0.2.") {
        return Err(RuntimeError::WorldMismatch(
            "it imports both cohack:validator@0.1 and @0.2 interfaces: build it against one \
             version of the SDK"
                .into(),
        ));
    }
    let imports_http = ty.imports(engine).any(|(name, _)| is_http_import(name));
    for wanted in ["validate", "materials"] {
        let found = ty.exports(engine).any(|(name, item)| {
            name == wanted && matches!(item.ty, ComponentItem::ComponentFunc(_))
        });
        if !found {
            return Err(RuntimeError::MissingExport {
                name: wanted.to_owned(),
            });
        }
    }
    Ok(imports_http)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn imports_are_checked_by_package_interface_and_version() {
        assert!(import_allowed("wasi:cli/environment@0.2.0"));
        assert!(import_allowed("wasi:io/streams@0.2.6"));
        assert!(import_allowed("cohack:validator/host@0.1.0"));
        assert!(import_allowed("cohack:validator/host@0.2.0"));
        assert!(!import_allowed("cohack:validator/host@0.3.0"));
        assert!(import_allowed("wasi:http/outgoing-handler@0.2.12"));
        assert!(import_allowed("wasi:http/types@0.2.0"));
        assert!(!import_allowed("wasi:http/incoming-handler@0.2.0"));
        assert!(!import_allowed("wasi:http/outgoing-handler@0.3.0"));
        assert!(!import_allowed("wasi:cli/environment@0.3.0"));
        assert!(!import_allowed("wasi:io/streams"));
        assert!(!import_allowed("evil"));
    }

    #[test]
    fn raw_bytes_are_classified() {
        assert!(matches!(
            check_binary(b"hello world", 100),
            Err(RuntimeError::NotWasm(_))
        ));
        assert!(matches!(
            check_binary(b"\0asm\x01\0\0\0", 100),
            Err(RuntimeError::CoreModule)
        ));
        assert!(check_binary(b"\0asm\x0d\0\x01\0", 100).is_ok());
        assert!(matches!(
            check_binary(b"\0asm\x0d\0\x01\0", 4),
            Err(RuntimeError::ModuleTooLarge { size: 8, max: 4 })
        ));
    }
}
