//! Timing helpers: alternation between contenders, medians.

use std::time::Instant;

use anyhow::Result;

/// A contender: one sample per call (a duration or a rate).
pub type Contender<'a> = &'a mut dyn FnMut() -> Result<f64>;

/// Takes `rounds` samples of each contender, rotating who goes first every
/// round (AB, BA, ...), so that changes in machine load hit all of them alike.
pub fn alternate(rounds: usize, contenders: &mut [Contender<'_>]) -> Result<Vec<Vec<f64>>> {
    let count = contenders.len();
    let mut samples = vec![Vec::with_capacity(rounds); count];
    for round in 0..rounds {
        for offset in 0..count {
            let which = (round + offset) % count;
            samples[which].push(contenders[which]()?);
        }
    }
    Ok(samples)
}

/// The median; robust to the odd sample slowed down by another process.
pub fn median(samples: &[f64]) -> f64 {
    let mut sorted = samples.to_vec();
    sorted.sort_by(f64::total_cmp);
    match sorted.len() {
        0 => f64::NAN,
        len if len % 2 == 1 => sorted[len / 2],
        len => (sorted[len / 2 - 1] + sorted[len / 2]) / 2.0,
    }
}

/// Ours divided by the other, round by round: both samples of a round were
/// taken back to back, so load that slows one round slows both sides of its
/// ratio, and the ratios spread far less than the samples do.
pub fn paired_ratios(ours: &[f64], other: &[f64]) -> Vec<f64> {
    ours.iter().zip(other).map(|(ours, other)| ours / other).collect()
}

/// The first and third quartiles (the interquartile range's ends), by
/// linear interpolation between the sorted samples.
pub fn quartiles(samples: &[f64]) -> (f64, f64) {
    let mut sorted = samples.to_vec();
    sorted.sort_by(f64::total_cmp);
    let at = |fraction: f64| {
        let Some(last) = sorted.len().checked_sub(1) else { return f64::NAN };
        let position = fraction * last as f64;
        let (below, above) = (position.floor() as usize, position.ceil() as usize);
        sorted[below] + (sorted[above] - sorted[below]) * (position - below as f64)
    };
    (at(0.25), at(0.75))
}

/// Seconds per run of `work`, averaged over `iterations` back-to-back runs.
pub fn seconds_per_run<T>(iterations: usize, mut work: impl FnMut() -> Result<T>) -> Result<f64> {
    let started = Instant::now();
    for _ in 0..iterations {
        std::hint::black_box(work()?);
    }
    Ok(started.elapsed().as_secs_f64() / iterations as f64)
}

/// The median of `runs` separately timed runs of `work`, in seconds.
pub fn median_seconds<T>(runs: usize, mut work: impl FnMut() -> Result<T>) -> Result<f64> {
    let samples = (0..runs).map(|_| seconds_per_run(1, &mut work)).collect::<Result<Vec<_>>>()?;
    Ok(median(&samples))
}

/// Like [`seconds_per_run`] after one untimed run, so that a sample measures
/// this contender's steady state rather than the allocator's switch from the last one.
pub fn steady_seconds_per_run<T>(
    iterations: usize,
    mut work: impl FnMut() -> Result<T>,
) -> Result<f64> {
    std::hint::black_box(work()?);
    seconds_per_run(iterations, work)
}
