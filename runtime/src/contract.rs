//! The versions of the contracts between this runtime and the code that
//! calls its hidden modules: generated code (`__private`) and the `gapi-cli`
//! engine (`__engine`).
//!
//! Generated code states the contract it was made for with
//! `const _: () = runtime::__private::require_contract::<N>();`. A runtime
//! that does not provide contract `N` fails that line at compile time with a
//! message saying which generator to regenerate with, instead of type errors
//! somewhere in the generated code.

/// The contract this runtime provides, and the one `gapi-generator` emits.
pub const CONTRACT: u32 = 4;

/// A contract version, as a type, so that the compiler can check it.
pub struct Contract<const VERSION: u32>;

/// Implemented for each contract version this runtime provides.
#[diagnostic::on_unimplemented(
    message = "this crate was generated for a runtime contract that this gapi-runtime does not provide: `{Self}`",
    label = "generated for another gapi-runtime",
    note = "gapi-runtime 0.3 provides Contract<4>: regenerate the crate with gapi-generator 0.3 (`cargo xtask regen`), or depend on the gapi-runtime it was generated for"
)]
pub trait Provided {}

impl Provided for Contract<CONTRACT> {}

/// Compiles only when this runtime provides contract `VERSION`.
pub const fn require_contract<const VERSION: u32>()
where
    Contract<VERSION>: Provided,
{
}

/// The contract between this runtime and the `gapi-cli` engine, which drives
/// calls from a table at run time rather than from generated types:
/// `gapi-cli` states it with
/// `const _: () = gapi_runtime::__engine::require_engine_contract::<N>();`,
/// so a `gapi-cli` paired with a runtime that lacks `N` fails on that line.
pub const ENGINE_CONTRACT: u32 = 2;

/// An engine contract version, as a type, so that the compiler can check it.
pub struct EngineContract<const VERSION: u32>;

/// Implemented for each engine contract version this runtime provides.
#[diagnostic::on_unimplemented(
    message = "this gapi-cli was built for an engine contract that this gapi-runtime does not provide: `{Self}`",
    label = "built for another gapi-runtime",
    note = "gapi-runtime 0.3 provides EngineContract<2>: depend on the gapi-cli released with this gapi-runtime, or on the gapi-runtime this gapi-cli was built for"
)]
pub trait EngineProvided {}

impl EngineProvided for EngineContract<ENGINE_CONTRACT> {}

/// Compiles only when this runtime provides engine contract `VERSION`.
pub const fn require_engine_contract<const VERSION: u32>()
where
    EngineContract<VERSION>: EngineProvided,
{
}
