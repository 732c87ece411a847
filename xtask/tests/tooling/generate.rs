//! `cargo xtask generate` on a document with a parameter no URL can carry:
//! the crate is written and the warning names the parameter by JSON path.

use std::path::Path;
use std::process::Command;

#[test]
fn generate_prints_the_warning_naming_a_parameter_it_left_out() {
    let discovery = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../generator/tests/corner-cases/objectquery.v1.json");
    let out = std::env::temp_dir().join(format!("xtask-generate-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&out);
    let output = Command::new(env!("CARGO_BIN_EXE_xtask"))
        .arg("generate")
        .arg("--discovery")
        .arg(&discovery)
        .arg("--out")
        .arg(&out)
        .output()
        .expect("xtask runs");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{stderr}");
    assert!(
        stderr.contains(
            "warning: parameter left out of its method: a repeated query parameter of type \
             `object` cannot be sent in a URL at $.resources.connectors.methods.mcp.parameters.params"
        ),
        "{stderr}"
    );
    assert!(out.join("src/api.rs").is_file(), "the crate is written");
    let _ = std::fs::remove_dir_all(&out);
}
