//! The long soak and the load run, for `cargo xtask soak`:
//!
//! ```text
//! soak [--minutes N] [--seed S] [--load-seconds T] [--clients C]
//! ```
//!
//! Runs soak rounds of the issue's sizes (2,000 contacts, 500 edits, 200
//! deletions, 10% faults) through the fault proxy for N minutes (default 1),
//! then C clients (default 64) against the fake for T seconds (default 30;
//! 0 skips it), and prints the counts. Exits 1 when anything was lost,
//! duplicated, left different or stuck.

use std::process::ExitCode;
use std::time::Duration;

use gapi_testkit::load::{self, LoadConfig};
use gapi_testkit::soak::{self, SoakConfig};

struct Options {
    minutes: f64,
    seed: u64,
    load_seconds: u64,
    clients: usize,
}

fn parse(args: impl Iterator<Item = String>) -> Result<Options, String> {
    let mut options = Options { minutes: 1.0, seed: 29, load_seconds: 30, clients: 64 };
    let mut args = args.peekable();
    while let Some(flag) = args.next() {
        let value = args.next().ok_or_else(|| format!("{flag} needs a value"))?;
        let bad = |_| format!("{flag}: not a number: {value}");
        match flag.as_str() {
            "--minutes" => {
                options.minutes = value.parse().map_err(|_| format!("{flag}: {value}"))?
            }
            "--seed" => options.seed = value.parse().map_err(bad)?,
            "--load-seconds" => options.load_seconds = value.parse().map_err(bad)?,
            "--clients" => options.clients = value.parse().map_err(bad)?,
            other => return Err(format!("unknown option {other}")),
        }
    }
    if !(options.minutes.is_finite() && options.minutes >= 0.0) {
        return Err("--minutes must be a non-negative number".to_owned());
    }
    Ok(options)
}

fn main() -> ExitCode {
    let options = match parse(std::env::args().skip(1)) {
        Ok(options) => options,
        Err(message) => {
            eprintln!("soak: {message}");
            return ExitCode::from(2);
        }
    };
    let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(runtime) => runtime,
        Err(error) => {
            eprintln!("soak: cannot start the runtime: {error}");
            return ExitCode::FAILURE;
        }
    };
    runtime.block_on(async {
        let config = SoakConfig::full(options.seed);
        println!(
            "soak: seed {}, {} minutes, rounds of {} contacts, {} edits, {} deletions, {:.0}% faults",
            options.seed,
            options.minutes,
            config.contacts,
            config.edits,
            config.deletes,
            config.fault_rate * 100.0
        );
        let mut clean = true;
        match soak::run_for(&config, Duration::from_secs_f64(options.minutes * 60.0)).await {
            Ok(report) => {
                print!("{report}");
                clean &= report.is_clean();
            }
            Err(error) => {
                eprintln!("soak: {error}");
                clean = false;
            }
        }
        if options.load_seconds > 0 {
            println!("load: {} clients for {} s", options.clients, options.load_seconds);
            let load = LoadConfig {
                clients: options.clients,
                duration: Duration::from_secs(options.load_seconds),
                page_size: 100,
            };
            match load::run(load).await {
                Ok(report) => {
                    print!("{report}");
                    clean &= report.is_clean();
                }
                Err(error) => {
                    eprintln!("load: {error}");
                    clean = false;
                }
            }
        }
        if clean { ExitCode::SUCCESS } else { ExitCode::FAILURE }
    })
}
