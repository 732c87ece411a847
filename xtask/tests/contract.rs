//! The contract version between generated code and the runtime, checked by
//! the compiler: a crate generated for a contract the runtime lacks fails to
//! build with a message that says which generator to regenerate with.

use std::path::{Path, PathBuf};
use std::process::Command;

use gapi_generator::{Lock, RUNTIME_CONTRACT, SourceFile, VERSION};

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
