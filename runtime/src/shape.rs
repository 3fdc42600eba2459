//! The shape of a component, read from its bytes before anything is compiled: its imports,
//! how much compiling it will cost, and how many core instances, memories and tables one
//! instantiation of it takes from the pool.
//!
//! Compiling is the one step of publishing whose cost an author controls without running
//! anything: Cranelift's time grows with a function's size times the values live in it
//! (locals, nested blocks), so one function of 40,000 locals costs seconds and grows
//! quadratically. Reading the binary with wasmparser (the version wasmtime uses) costs a
//! fraction of a millisecond per 100 KB and lets the sandbox refuse such a validator, and one
//! importing what the sandbox does not provide, before a compile starts.
//!
//! The compile-work estimate is in units of about a microsecond of single-threaded compile
//! on the 2-core development machine (`BENCHMARKS.md`, "Compiling untrusted validators"):
//! per defined function a fixed overhead plus its body bytes weighted by its locals and its
//! nesting depth — the two factors that made compile time quadratic when measured — and per
//! canonical function (a trampoline to compile) the same overhead. It is an upper bound for
//! the shapes measured: ordinary code comes out at 1.7–2.4 µs per unit, the worst shapes
//! found at 0.9–1.0, and locals that are not live across a loop far below.

use wasmparser::{
    ComponentAlias, ComponentExternalKind, ComponentInstance, ComponentOuterAliasKind,
    ComponentTypeRef, Encoding, Instance, Operator, Parser, Payload, TypeBounds, WasmFeatures,
};

use crate::RuntimeError;

/// Compile work of a function beyond its body: 20,000 empty functions took 2.7 s.
const FUNCTION_OVERHEAD: u64 = 150;
/// Compile work of a body byte of ordinary code: the sample challenges' validators took
/// 1.7–2.4 µs per byte (94–314 KB in 0.22–0.63 s).
const BYTE_WORK: u64 = 2;
/// Locals (or nesting levels, weighted by [`DEPTH_WEIGHT`]) that add a microsecond to a
/// body byte's cost: one function with 8,000 locals live across a loop and after it (104
/// KB) took 2.5 s, 24 µs a byte.
const LIVE_VALUES_PER_MICROSECOND: u64 = 300;
/// A nesting level costs as much as this many locals: 4,000 nested loops (28 KB) took
/// 1.65 s.
const DEPTH_WEIGHT: u64 = 5;

/// What one instantiation of a component takes from the instance pool.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct Resources {
    /// Core module instances.
    pub(crate) core_instances: u64,
    /// Linear memories defined by those instances.
    pub(crate) memories: u64,
    /// Tables defined by those instances.
    pub(crate) tables: u64,
    /// Nested component instances (each one is inlined by wasmtime when compiling).
    pub(crate) component_instances: u64,
}

impl Resources {
    fn add(&mut self, other: Resources) {
        self.core_instances = self.core_instances.saturating_add(other.core_instances);
        self.memories = self.memories.saturating_add(other.memories);
        self.tables = self.tables.saturating_add(other.tables);
        self.component_instances = self
            .component_instances
            .saturating_add(other.component_instances);
    }
}

/// The first function found above a per-function bound, named for the author.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct FunctionExcess {
    /// "defined function 3 of core module 0".
    pub(crate) function: String,
    /// "declares 40000 locals, above the limit of 4096".
    pub(crate) excess: String,
}

/// Everything the publish-time checks need to know before compiling.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Shape {
    /// Names of the top-level component's imports, in order.
    pub(crate) imports: Vec<String>,
    /// Functions defined in all core modules.
    pub(crate) functions: u64,
    /// Estimated compile work (see the module documentation).
    pub(crate) compile_work: u64,
    /// What one instantiation takes, as far as it can be known statically.
    pub(crate) per_run: Resources,
    /// A component instantiates a component it did not define (an import, or an export of
    /// an instance): what that costs cannot be known before compiling.
    pub(crate) opaque_instantiation: bool,
    /// The first function above a per-function bound.
    pub(crate) excess: Option<FunctionExcess>,
}

/// The per-function bounds applied while reading.
#[derive(Debug, Clone, Copy)]
pub(crate) struct FunctionBounds {
    pub(crate) max_locals: u64,
    pub(crate) max_body_bytes: usize,
}

/// A core module being read.
#[derive(Default)]
struct ModuleFrame {
    /// Ordinal of the module in the binary (as wasmtime's `wasm[N]` names it).
    ordinal: usize,
    defined_functions: u64,
    memories: u64,
    tables: u64,
}

/// What a core module contributes when instantiated: `None` when not known (imported).
type ModuleSummary = Option<(u64, u64)>;

/// A component being read, with the index spaces that matter here.
#[derive(Default)]
struct ComponentFrame {
    modules: Vec<ModuleSummary>,
    /// What instantiating each component costs: `None` when not known.
    components: Vec<Option<Resources>>,
    /// What one instantiation of this component performs.
    performs: Resources,
}

enum Frame {
    Module(ModuleFrame),
    Component(ComponentFrame),
}

fn invalid(error: wasmparser::BinaryReaderError) -> RuntimeError {
    RuntimeError::InvalidComponent(error.to_string())
}

/// Reads the shape of a component binary, without validating or compiling it. A binary
/// wasmparser cannot even read is refused as invalid.
pub(crate) fn read_shape(wasm: &[u8], bounds: FunctionBounds) -> Result<Shape, RuntimeError> {
    let mut parser = Parser::new(0);
    // Lenient on purpose: wasmtime validates with the engine's features when compiling;
    // this pass only has to understand whatever wasmtime might accept.
    parser.set_features(WasmFeatures::all());
    let mut shape = Shape::default();
    let mut stack: Vec<Frame> = Vec::new();
    let mut modules_seen = 0usize;
    for payload in parser.parse_all(wasm) {
        match payload.map_err(invalid)? {
            Payload::Version { encoding, .. } => stack.push(match encoding {
                Encoding::Module => {
                    modules_seen += 1;
                    Frame::Module(ModuleFrame {
                        ordinal: modules_seen - 1,
                        ..ModuleFrame::default()
                    })
                }
                Encoding::Component => Frame::Component(ComponentFrame::default()),
            }),
            Payload::End(_) => match stack.pop() {
                Some(Frame::Module(module)) => {
                    if let Some(Frame::Component(parent)) = stack.last_mut() {
                        parent.modules.push(Some((module.memories, module.tables)));
                    }
                }
                Some(Frame::Component(component)) => match stack.last_mut() {
                    Some(Frame::Component(parent)) => {
                        parent.components.push(Some(component.performs));
                    }
                    _ => shape.per_run = component.performs,
                },
                None => {}
            },
            Payload::MemorySection(reader) => {
                if let Some(Frame::Module(module)) = stack.last_mut() {
                    module.memories += u64::from(reader.count());
                }
            }
            Payload::TableSection(reader) => {
                if let Some(Frame::Module(module)) = stack.last_mut() {
                    module.tables += u64::from(reader.count());
                }
            }
            Payload::CodeSectionEntry(body) => {
                let Some(Frame::Module(module)) = stack.last_mut() else {
                    continue;
                };
                let index = module.defined_functions;
                module.defined_functions += 1;
                shape.functions += 1;
                let work = function_work(&body, bounds).map_err(invalid)?;
                shape.compile_work = shape.compile_work.saturating_add(work.work);
                if let (None, Some(excess)) = (&shape.excess, work.excess) {
                    shape.excess = Some(FunctionExcess {
                        function: format!(
                            "defined function {index} of core module {}",
                            module.ordinal
                        ),
                        excess,
                    });
                }
            }
            Payload::ComponentCanonicalSection(reader) => {
                shape.compile_work = shape
                    .compile_work
                    .saturating_add(u64::from(reader.count()).saturating_mul(FUNCTION_OVERHEAD));
            }
            Payload::ComponentImportSection(reader) => {
                let top = stack.len() == 1;
                let Some(Frame::Component(component)) = stack.last_mut() else {
                    continue;
                };
                for import in reader {
                    let import = import.map_err(invalid)?;
                    // A type imported with an equality bound (`use types.{verdict}` in the
                    // world) is a name for a type the component defines: nothing to link.
                    let type_alias = matches!(import.ty, ComponentTypeRef::Type(TypeBounds::Eq(_)));
                    if top && !type_alias {
                        shape.imports.push(import.name.name.to_owned());
                    }
                    match import.ty {
                        ComponentTypeRef::Module(_) => component.modules.push(None),
                        ComponentTypeRef::Component(_) => component.components.push(None),
                        _ => {}
                    }
                }
            }
            Payload::ComponentAliasSection(reader) => {
                for alias in reader {
                    match alias.map_err(invalid)? {
                        ComponentAlias::InstanceExport { kind, .. } => {
                            push_opaque(&mut stack, kind);
                        }
                        ComponentAlias::Outer { kind, count, index } => {
                            outer_alias(&mut stack, kind, count, index);
                        }
                        ComponentAlias::CoreInstanceExport { .. } => {}
                    }
                }
            }
            Payload::ComponentExportSection(reader) => {
                let Some(Frame::Component(component)) = stack.last_mut() else {
                    continue;
                };
                for export in reader {
                    let export = export.map_err(invalid)?;
                    let at = usize::try_from(export.index).unwrap_or(usize::MAX);
                    // An export is a new index for the same item.
                    match export.kind {
                        ComponentExternalKind::Module => {
                            let known = component.modules.get(at).copied().flatten();
                            component.modules.push(known);
                        }
                        ComponentExternalKind::Component => {
                            let known = component.components.get(at).copied().flatten();
                            component.components.push(known);
                        }
                        _ => {}
                    }
                }
            }
            Payload::InstanceSection(reader) => {
                let Some(Frame::Component(component)) = stack.last_mut() else {
                    continue;
                };
                for instance in reader {
                    if let Instance::Instantiate { module_index, .. } = instance.map_err(invalid)? {
                        let at = usize::try_from(module_index).unwrap_or(usize::MAX);
                        let (memories, tables) = component
                            .modules
                            .get(at)
                            .copied()
                            .flatten()
                            .unwrap_or((0, 0));
                        component.performs.add(Resources {
                            core_instances: 1,
                            memories,
                            tables,
                            component_instances: 0,
                        });
                    }
                }
            }
            Payload::ComponentInstanceSection(reader) => {
                let Some(Frame::Component(component)) = stack.last_mut() else {
                    continue;
                };
                for instance in reader {
                    if let ComponentInstance::Instantiate {
                        component_index, ..
                    } = instance.map_err(invalid)?
                    {
                        let at = usize::try_from(component_index).unwrap_or(usize::MAX);
                        match component.components.get(at).copied().flatten() {
                            Some(inner) => {
                                component.performs.add(inner);
                                component.performs.add(Resources {
                                    component_instances: 1,
                                    ..Resources::default()
                                });
                            }
                            None => shape.opaque_instantiation = true,
                        }
                    }
                }
            }
            _ => {}
        }
    }
    Ok(shape)
}

/// Records a module or component that arrives through an instance export: its contents
/// are not known here.
fn push_opaque(stack: &mut [Frame], kind: ComponentExternalKind) {
    if let Some(Frame::Component(component)) = stack.last_mut() {
        match kind {
            ComponentExternalKind::Module => component.modules.push(None),
            ComponentExternalKind::Component => component.components.push(None),
            _ => {}
        }
    }
}

/// Records an outer alias: the aliased module or component is a definition of an
/// enclosing component, whose summary is known.
fn outer_alias(stack: &mut [Frame], kind: ComponentOuterAliasKind, count: u32, index: u32) {
    let depth = stack.len();
    let outer = usize::try_from(count)
        .ok()
        .and_then(|count| depth.checked_sub(count + 1));
    let at = usize::try_from(index).unwrap_or(usize::MAX);
    let (module, component) = match outer.and_then(|o| stack.get(o)) {
        Some(Frame::Component(outer)) => (
            outer.modules.get(at).copied().flatten(),
            outer.components.get(at).copied().flatten(),
        ),
        _ => (None, None),
    };
    if let Some(Frame::Component(current)) = stack.last_mut() {
        match kind {
            ComponentOuterAliasKind::CoreModule => current.modules.push(module),
            ComponentOuterAliasKind::Component => current.components.push(component),
            ComponentOuterAliasKind::CoreType | ComponentOuterAliasKind::Type => {}
        }
    }
}

/// The estimated compile work of one function body, and what it exceeds.
struct FunctionWork {
    work: u64,
    excess: Option<String>,
}

fn function_work(
    body: &wasmparser::FunctionBody<'_>,
    bounds: FunctionBounds,
) -> wasmparser::Result<FunctionWork> {
    let size = body.range().len();
    let mut locals: u64 = 0;
    for declaration in body.get_locals_reader()? {
        let (count, _) = declaration?;
        locals = locals.saturating_add(u64::from(count));
    }
    let bytes = u64::try_from(size).unwrap_or(u64::MAX);
    let linear = FUNCTION_OVERHEAD.saturating_add(bytes.saturating_mul(BYTE_WORK));
    if locals > bounds.max_locals {
        return Ok(FunctionWork {
            work: linear,
            excess: Some(format!(
                "declares {locals} locals, above the limit of {}",
                bounds.max_locals
            )),
        });
    }
    if size > bounds.max_body_bytes {
        return Ok(FunctionWork {
            work: linear,
            excess: Some(format!(
                "has a body of {size} bytes, above the limit of {}",
                bounds.max_body_bytes
            )),
        });
    }
    // Nesting depth: one pass over the operators, which wasmparser reads at hundreds of
    // MB/s (only bodies within the bounds above get here).
    let mut operators = body.get_operators_reader()?;
    let (mut depth, mut deepest) = (0u64, 0u64);
    while !operators.eof() {
        match operators.read()? {
            Operator::Block { .. }
            | Operator::Loop { .. }
            | Operator::If { .. }
            | Operator::Try { .. }
            | Operator::TryTable { .. } => {
                depth += 1;
                deepest = deepest.max(depth);
            }
            Operator::End => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    let live = locals.saturating_add(deepest.saturating_mul(DEPTH_WEIGHT));
    let weighted = bytes.saturating_mul(live) / LIVE_VALUES_PER_MICROSECOND;
    Ok(FunctionWork {
        work: linear.saturating_add(weighted),
        excess: None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const BOUNDS: FunctionBounds = FunctionBounds {
        max_locals: 4096,
        max_body_bytes: 128 << 10,
    };

    fn shape(wat: &str) -> Shape {
        read_shape(&wat::parse_str(wat).expect("wat"), BOUNDS).expect("shape")
    }

    #[test]
    fn imports_of_the_top_level_component_are_listed() {
        let s = shape(
            r#"(component
                 (import "wasi:cli/environment@0.2.0" (instance))
                 (type $t (record (field "a" u32)))
                 (import "t" (type (eq $t)))
                 (component (import "inner" (instance))))"#,
        );
        assert_eq!(s.imports, ["wasi:cli/environment@0.2.0"]);
    }

    #[test]
    fn instances_memories_and_tables_are_counted_through_nested_components() {
        let s = shape(
            r#"(component
                 (core module $m (memory 1) (table 1 funcref) (func) (func))
                 (core module $plain)
                 (core instance (instantiate $m))
                 (core instance (instantiate $plain))
                 (component $c
                   (core module $n (memory 1))
                   (core instance (instantiate $n))
                   (core instance (instantiate $n)))
                 (instance (instantiate $c))
                 (instance (instantiate $c))
                 (component $d
                   (alias outer 1 $c (component $outer))
                   (instance (instantiate $outer)))
                 (instance (instantiate $d)))"#,
        );
        // $m and $plain once, $c three times (twice directly, once through $d) with two
        // instances of $n each.
        assert_eq!(
            s.per_run,
            Resources {
                core_instances: 2 + 3 * 2,
                memories: 1 + 3 * 2,
                tables: 1,
                component_instances: 4,
            }
        );
        assert_eq!(s.functions, 2);
        assert!(!s.opaque_instantiation);
    }

    #[test]
    fn instantiating_an_imported_component_is_opaque() {
        let s = shape(
            r#"(component
                 (import "c" (component $c))
                 (instance (instantiate $c)))"#,
        );
        assert!(s.opaque_instantiation);
    }

    /// `(local i32 i32 …)` with `n` locals (the text format has no count).
    fn locals(n: usize) -> String {
        format!("(local{})", " i32".repeat(n))
    }

    #[test]
    fn the_first_function_above_a_bound_is_named() {
        let s = shape(&format!(
            "(component (core module (func) (func (local i32 i32)) (func (local i64) {})))",
            locals(5000)
        ));
        let excess = s.excess.expect("excess");
        assert_eq!(excess.function, "defined function 2 of core module 0");
        assert_eq!(
            excess.excess,
            "declares 5001 locals, above the limit of 4096"
        );
    }

    #[test]
    fn live_values_and_nesting_raise_the_estimate() {
        let flat = shape(&format!(
            "(component (core module (func {} nop nop nop nop)))",
            locals(100)
        ));
        let deep = shape(&format!(
            "(component (core module (func {} (block (block (block (block nop)))))))",
            locals(100)
        ));
        let many_locals = shape(&format!(
            "(component (core module (func {} nop nop nop nop)))",
            locals(4000)
        ));
        assert!(flat.compile_work >= FUNCTION_OVERHEAD);
        assert!(deep.compile_work > flat.compile_work);
        assert!(many_locals.compile_work > flat.compile_work);
    }

    #[test]
    fn garbage_inside_a_component_is_invalid() {
        let mut bytes = wat::parse_str("(component (core module (func)))").expect("wat");
        bytes.truncate(bytes.len() - 2);
        assert!(matches!(
            read_shape(&bytes, BOUNDS),
            Err(RuntimeError::InvalidComponent(_))
        ));
    }
}
