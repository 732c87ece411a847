//! `cargo xtask fetch`: download a live discovery document, check that the
//! generator accepts it, and only then replace the pinned copy (atomically),
//! printing what changed in the API.

use std::path::Path;
use std::time::Duration;

use anyhow::{Context, Result, bail, ensure};
use gapi_generator::load::load;

/// Discovery documents are a few megabytes at most; anything far larger is not one.
const MAX_BYTES: usize = 32 * 1024 * 1024;

/// Where Google serves the document of `api` `version`.
pub fn default_url(api: &str, version: &str) -> String {
    format!("https://{api}.googleapis.com/$discovery/rest?version={version}")
}

/// Downloads `url`, validates it as the `api` `version` document, and writes
/// it to `out` if it differs, printing the API diff against the old copy.
/// `lock` is the lock of the crate generated from `out`, for the diff.
pub fn run(
    url: &str,
    api: &str,
    version: &str,
    out: &Path,
    lock: &gapi_generator::Lock,
) -> Result<()> {
    let body = download(url)?;
    let text = String::from_utf8(body).with_context(|| format!("{url}: the body is not UTF-8"))?;
    let document =
        load(&text).with_context(|| format!("{url} is not a valid discovery document"))?;
    ensure!(
        document.name == api && document.version == version,
        "{url} describes {}:{}, not {api}:{version}",
        document.name,
        document.version
    );
    gapi_generator::generate(&text, lock)
        .with_context(|| format!("the generator cannot use the document from {url}"))?;
    let revision = document.revision.clone().unwrap_or_else(|| "(none)".into());

    let previous = std::fs::read_to_string(out).ok();
    if previous.as_deref() == Some(text.as_str()) {
        println!("{} is already revision {revision}: unchanged", out.display());
        return Ok(());
    }
    gapi_generator::write::replace_atomically(out, text.as_bytes())
        .with_context(|| format!("cannot write {}", out.display()))?;
    println!("wrote {} (revision {revision})", out.display());
    if let Some(old) = previous.as_deref().and_then(|old| load(old).ok()) {
        let diff = xtask::diff::diff(&old, &document, lock)
            .context("cannot compare the new document with the old one")?;
        print!("\n{}", xtask::diff::to_markdown(&diff));
    }
    println!("\nnext: `cargo xtask regen`, then review and commit discovery/ and generated/");
    Ok(())
}

fn download(url: &str) -> Result<Vec<u8>> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .context("cannot start the async runtime")?;
    runtime.block_on(async {
        let user_agent = concat!("gapi-xtask/", env!("CARGO_PKG_VERSION"));
        let client = gapi_runtime::http_client(user_agent, Duration::from_secs(10))?;
        let response = client
            .get(url)
            .timeout(Duration::from_secs(60))
            .send()
            .await
            .with_context(|| format!("cannot reach {url}"))?;
        let status = response.status();
        if !status.is_success() {
            bail!("{url} answered HTTP {status}");
        }
        if response.content_length().is_some_and(|length| length > MAX_BYTES as u64) {
            bail!("{url} is larger than {MAX_BYTES} bytes");
        }
        let body = response.bytes().await.with_context(|| format!("cannot read {url}"))?;
        ensure!(body.len() <= MAX_BYTES, "{url} is larger than {MAX_BYTES} bytes");
        Ok(body.to_vec())
    })
}
