//! What the numbers were measured on, and how busy it was.

use std::fs;
use std::process::Command;

use anyhow::{Context, Result};

pub struct Machine {
    pub cpu: String,
    pub cores: usize,
    pub memory: String,
    pub kernel: String,
    pub rustc: String,
}

/// Reads /proc and asks rustc for its version.
pub fn describe() -> Result<Machine> {
    let cpuinfo = fs::read_to_string("/proc/cpuinfo").context("cannot read /proc/cpuinfo")?;
    let cpu = cpuinfo
        .lines()
        .find_map(|line| line.strip_prefix("model name").and_then(|rest| rest.split_once(':')))
        .map_or("unknown CPU".into(), |(_, name)| name.trim().to_owned());
    let cores = std::thread::available_parallelism().map_or(1, usize::from);
    let meminfo = fs::read_to_string("/proc/meminfo").context("cannot read /proc/meminfo")?;
    let kib: f64 = meminfo
        .lines()
        .find_map(|line| line.strip_prefix("MemTotal:"))
        .and_then(|rest| rest.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap_or(0.0);
    let kernel = fs::read_to_string("/proc/sys/kernel/osrelease")
        .map_or("unknown".into(), |text| format!("Linux {}", text.trim()));
    Ok(Machine {
        cpu,
        cores,
        memory: format!("{:.1} GiB", kib / 1024.0 / 1024.0),
        kernel,
        rustc: output("rustc", &["--version"])?,
    })
}

/// The load average and the `rustc` processes of other builds at one moment.
pub struct Load {
    pub average: String,
    pub other_rustc: usize,
}

pub fn load() -> Load {
    let average = fs::read_to_string("/proc/loadavg")
        .map(|text| text.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
        .unwrap_or_else(|_| "unknown".into());
    // Called only while none of the benchmark's own builds run.
    let other_rustc = fs::read_dir("/proc")
        .map(|entries| {
            entries
                .filter_map(|entry| entry.ok())
                .filter(|entry| {
                    fs::read_to_string(entry.path().join("comm"))
                        .is_ok_and(|name| name.trim() == "rustc")
                })
                .count()
        })
        .unwrap_or(0);
    Load { average, other_rustc }
}

/// The trimmed standard output of a command that must succeed.
pub fn output(program: &str, args: &[&str]) -> Result<String> {
    let out = Command::new(program)
        .args(args)
        .output()
        .with_context(|| format!("cannot run {program}"))?;
    anyhow::ensure!(out.status.success(), "{program} {} failed", args.join(" "));
    Ok(String::from_utf8_lossy(&out.stdout).trim().to_owned())
}
