//! The contract versions between the runtime and the code that calls its
//! hidden modules, checked by the compiler: a crate generated for a contract
//! the runtime lacks fails to build with a message that says which generator
//! to regenerate with, and a `gapi-cli` written for an engine contract the
//! runtime lacks fails with a message that says so.

use std::path::{Path, PathBuf};
use std::process::Command;

use gapi_generator::{Lock, RUNTIME_CONTRACT, SourceFile, VERSION};
use gapi_runtime::__engine::ENGINE_CONTRACT;

const DOCUMENT: &str = r#"{
    "kind": "discovery#restDescription", "name": "probe", "version": "v1", "id": "probe:v1",
    "title": "Probe API", "rootUrl": "https://probe.example.com/", "servicePath": "",
    "schemas": {"Thing": {"id": "Thing", "type": "object", "properties": {"name": {"type": "string"}}}},
    "resources": {"things": {"methods": {"get": {"id": "probe.things.get", "httpMethod": "GET",
        "path": "v1/things", "response": {"$ref": "Thing"}}}}}
}"#;

fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("xtask sits in the workspace").to_owned()
}

/// Writes the crate generated from [`DOCUMENT`] into `dir`, with its
/// `lib.rs` passed through `edit`.
fn generate_probe(dir: &Path, edit: impl Fn(String) -> String) {
    let root = workspace_root();
    let output = gapi_generator::generate(DOCUMENT, &Lock::default()).expect("probe generates");
    let runtime = root.join("runtime");
    let manifest = gapi_generator::standalone_manifest(&output, &runtime.to_string_lossy());
    let mut files = vec![SourceFile { path: "Cargo.toml".into(), contents: manifest }];
    for file in output.sources {
        let contents = if file.path == "lib.rs" { edit(file.contents) } else { file.contents };
        files.push(SourceFile { path: format!("src/{}", file.path), contents });
    }
    let _ = std::fs::remove_dir_all(dir);
    gapi_generator::write::write_files(dir, &files).expect("probe written");
    // The workspace's versions, so that the corpus's build of the runtime is reused.
    std::fs::copy(root.join("Cargo.lock"), dir.join("Cargo.lock")).expect("lock copied");
}

/// `cargo check` of the crate in `dir`: whether it passed, and its stderr.
fn check(dir: &Path) -> (bool, String) {
    let output = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned()))
        .args(["check", "--quiet", "--offline"])
        .current_dir(dir)
        .env("CARGO_TARGET_DIR", workspace_root().join("target/corpus/target"))
        .env("CARGO_INCREMENTAL", "0")
        .output()
        .expect("cargo runs");
    (output.status.success(), String::from_utf8_lossy(&output.stderr).into_owned())
}

#[test]
fn the_generator_emits_the_contract_the_runtime_provides() {
    assert_eq!(RUNTIME_CONTRACT, gapi_runtime::__private::CONTRACT);
}

#[test]
fn a_crate_generated_for_a_contract_the_runtime_lacks_fails_to_compile_naming_the_generator() {
    let work = workspace_root().join("target/corpus/contract-probe");
    let emitted = format!("require_contract::<{RUNTIME_CONTRACT}>()");
    let newer = format!("require_contract::<{}>()", RUNTIME_CONTRACT + 1);

    generate_probe(&work, |lib| lib);
    let (compiles, stderr) = check(&work);
    assert!(compiles, "the crate as generated builds against this runtime:\n{stderr}");

    generate_probe(&work, |lib| {
        assert!(lib.contains(&emitted), "lib.rs names its contract: {lib}");
        lib.replace(&emitted, &newer)
    });
    let (compiles, stderr) = check(&work);
    assert!(!compiles, "a contract this runtime lacks does not build");
    assert!(
        stderr.contains(
            "this crate was generated for a runtime contract that this gapi-runtime does not provide"
        ),
        "{stderr}"
    );
    assert!(stderr.contains(&format!("Contract<{}>", RUNTIME_CONTRACT + 1)), "{stderr}");
    assert!(stderr.contains(&format!("provides Contract<{RUNTIME_CONTRACT}>")), "{stderr}");
    let minor = VERSION.rsplit_once('.').map_or(VERSION, |(major_minor, _)| major_minor);
    assert!(
        stderr.contains(&format!("regenerate the crate with gapi-generator {minor}")),
        "the message names the generator release that emits this runtime's contract: {stderr}"
    );
    let _ = std::fs::remove_dir_all(&work);
}

/// Writes a crate whose `lib.rs` is `line`, depending on the runtime alone, into `dir`.
fn engine_probe(dir: &Path, line: &str) {
    let root = workspace_root();
    let runtime = root.join("runtime");
    let manifest = format!(
        "[package]\nname = \"engine-contract-probe\"\nversion = \"0.0.0\"\nedition = \"2024\"\n\
         publish = false\n\n[dependencies]\ngapi-runtime = {{ path = {:?} }}\n\n[workspace]\n",
        runtime.to_string_lossy()
    );
    let files = [
        SourceFile { path: "Cargo.toml".into(), contents: manifest },
        SourceFile { path: "src/lib.rs".into(), contents: format!("{line}\n") },
    ];
    let _ = std::fs::remove_dir_all(dir);
    gapi_generator::write::write_files(dir, &files).expect("probe written");
    std::fs::copy(root.join("Cargo.lock"), dir.join("Cargo.lock")).expect("lock copied");
}

#[test]
fn an_engine_written_for_an_engine_contract_the_runtime_lacks_fails_to_compile_saying_so() {
    let requirement = |version: u32| {
        format!("const _: () = gapi_runtime::__engine::require_engine_contract::<{version}>();")
    };
    let engine = std::fs::read_to_string(workspace_root().join("cli/src/lib.rs"))
        .expect("gapi-cli's lib.rs reads");
    assert!(
        engine.contains(&requirement(ENGINE_CONTRACT)),
        "gapi-cli requires the engine contract this runtime provides"
    );
    let work = workspace_root().join("target/corpus/engine-contract-probe");

    engine_probe(&work, &requirement(ENGINE_CONTRACT));
    let (compiles, stderr) = check(&work);
    assert!(compiles, "gapi-cli's requirement builds against this runtime:\n{stderr}");

    engine_probe(&work, &requirement(ENGINE_CONTRACT + 1));
    let (compiles, stderr) = check(&work);
    assert!(!compiles, "an engine contract this runtime lacks does not build");
    assert!(
        stderr.contains(
            "this gapi-cli was built for an engine contract that this gapi-runtime does not provide"
        ),
        "{stderr}"
    );
    assert!(stderr.contains(&format!("EngineContract<{}>", ENGINE_CONTRACT + 1)), "{stderr}");
    assert!(stderr.contains(&format!("provides EngineContract<{ENGINE_CONTRACT}>")), "{stderr}");
    let _ = std::fs::remove_dir_all(&work);
}
