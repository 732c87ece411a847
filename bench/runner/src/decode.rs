//! Items 3 and 5: decoding and encoding a 1000-person `people.connections.list`
//! page with our types, google-people1's and `serde_json::Value`, and the peak
//! heap of one decode.

use anyhow::{Result, ensure};
use google_people_v1::types::ListConnectionsResponse as Ours;
use google_people1::api::ListConnectionsResponse as Theirs;
use serde_json::Value;

use crate::Settings;
use crate::alloc::peak_during;
use crate::fixture::{PEOPLE, connections_page};
use crate::report::{Row, Section};
use crate::stats::{alternate, median, paired_ratios, steady_seconds_per_run};

const DECODE: &str = "3 decode";
const MEMORY: &str = "5 memory";

pub fn run(settings: &Settings) -> Result<Section> {
    let page = connections_page();
    check(&page)?;
    let mb = page.len() as f64 / 1e6;
    let runs = settings.decode_runs;
    let rate = |seconds: f64| mb / seconds;
    let samples = alternate(
        settings.decode_rounds,
        &mut [
            &mut || {
                steady_seconds_per_run(runs, || Ok(serde_json::from_str::<Ours>(&page)?)).map(rate)
            },
            &mut || {
                steady_seconds_per_run(runs, || Ok(serde_json::from_str::<Theirs>(&page)?))
                    .map(rate)
            },
            &mut || {
                steady_seconds_per_run(runs, || Ok(serde_json::from_str::<Value>(&page)?)).map(rate)
            },
        ],
    )?;
    let [ours, theirs, value] = [0, 1, 2].map(|which| median(&samples[which]));

    // Item 3: the same types through a SIMD parser that implements serde's
    // traits, built as users would get it (no target-cpu flags), against
    // serde_json; both decodes must be equal.
    let through_sonic: Ours = sonic_rs::from_str(&page)?;
    ensure!(
        through_sonic == serde_json::from_str::<Ours>(&page)?,
        "sonic-rs decodes the page differently from serde_json"
    );
    let sonic = alternate(
        settings.decode_rounds,
        &mut [
            &mut || {
                steady_seconds_per_run(runs, || Ok(sonic_rs::from_str::<Ours>(&page)?)).map(rate)
            },
            &mut || {
                steady_seconds_per_run(runs, || Ok(serde_json::from_str::<Ours>(&page)?)).map(rate)
            },
        ],
    )?;

    let ours_page: Ours = serde_json::from_str(&page)?;
    let theirs_page: Theirs = serde_json::from_str(&page)?;
    let ours_len = serde_json::to_vec(&ours_page)?.len();
    let theirs_len = serde_json::to_vec(&theirs_page)?.len();
    let encoded = alternate(
        settings.decode_rounds,
        &mut [
            &mut || steady_seconds_per_run(runs, || Ok(serde_json::to_vec(&ours_page)?)).map(rate),
            &mut || {
                steady_seconds_per_run(runs, || Ok(serde_json::to_vec(&theirs_page)?)).map(rate)
            },
        ],
    )?;
    let [ours_encode, theirs_encode] = [0, 1].map(|which| median(&encoded[which]));

    let mut section = Section::default();
    let what = format!("Decode the {PEOPLE}-person page ({mb:.2} MB), MB/s");
    section.rows.push(
        Row::new(DECODE, format!("{what}, vs google-people1"))
            .ours(mbs(ours))
            .other_paired(mbs(theirs), &paired_ratios(&samples[0], &samples[1]))
            .ratio_at_least(1.30),
    );
    section.rows.push(
        Row::new(DECODE, format!("{what}, vs serde_json::Value"))
            .ours(mbs(ours))
            .other_paired(mbs(value), &paired_ratios(&samples[0], &samples[2]))
            .ratio_at_least(1.0),
    );
    section.rows.push(
        Row::new(DECODE, format!("{what}, our types through sonic-rs, vs through serde_json"))
            .ours(mbs(median(&sonic[0])))
            .other_paired(mbs(median(&sonic[1])), &paired_ratios(&sonic[0], &sonic[1])),
    );
    section.rows.push(
        Row::new(DECODE, "Encode the same page, page MB/s, vs google-people1")
            .ours(mbs(ours_encode))
            .other_paired(mbs(theirs_encode), &paired_ratios(&encoded[0], &encoded[1]))
            .ratio_at_least(1.60),
    );
    section.notes.push(format!(
        "Decode and encode: a `people.connections.list` page of {PEOPLE} people built by \
         `bench/runner/src/fixture.rs` (sources with etags and update times, field metadata, \
         names, emails, phones, addresses, photos, memberships, some organizations and \
         birthdays), {mb:.2} MB of compact JSON. `serde_json::from_str` into each type, {runs} \
         decodes per sample (dropping the result included), {} samples each, contenders \
         rotated; the median rate, and the ratio as the median of the round-by-round ratios \
         with their interquartile range. Before timing, both typed decodes are checked to hold {PEOPLE} \
         people and to encode back to the same JSON (google-people1's after removing the \
         `null`s it writes for absent fields). Encode is `serde_json::to_vec` of the decoded \
         page, rated against the page's size: ours writes {:.2} MB, google-people1 {:.2} MB.",
        settings.decode_rounds,
        ours_len as f64 / 1e6,
        theirs_len as f64 / 1e6,
    ));
    Ok(section)
}

/// Both typed decodes must see every person and lose nothing: a benchmark
/// that decodes less than the page measures nothing.
fn check(page: &str) -> Result<()> {
    let original: Value = serde_json::from_str(page)?;
    let connections = original["connections"].as_array().map_or(0, Vec::len);
    ensure!(connections == PEOPLE, "the fixture has {connections} people, not {PEOPLE}");

    let ours: Ours = serde_json::from_str(page)?;
    ensure!(ours.connections.len() == PEOPLE, "ours decoded {} people", ours.connections.len());
    ensure!(
        serde_json::to_value(&ours)? == original,
        "our types do not encode the page back to the same JSON: the decode lost or changed data"
    );

    let theirs: Theirs = serde_json::from_str(page)?;
    let count = theirs.connections.as_ref().map_or(0, Vec::len);
    ensure!(count == PEOPLE, "google-people1 decoded {count} people");
    ensure!(
        without_nulls(serde_json::to_value(&theirs)?) == original,
        "google-people1's types do not encode the page back to the same JSON"
    );
    Ok(())
}

fn without_nulls(value: Value) -> Value {
    match value {
        Value::Object(map) => Value::Object(
            map.into_iter()
                .filter(|(_, value)| !value.is_null())
                .map(|(key, value)| (key, without_nulls(value)))
                .collect(),
        ),
        Value::Array(items) => Value::Array(items.into_iter().map(without_nulls).collect()),
        other => other,
    }
}

/// Item 5: the peak heap while decoding the page, each decode measured alone.
pub fn memory() -> Result<Section> {
    let page = connections_page();
    let (ours, ours_heap) = peak_during(|| serde_json::from_str::<Ours>(&page));
    ensure!(ours?.connections.len() == PEOPLE, "ours did not decode {PEOPLE} people");
    let (theirs, theirs_heap) = peak_during(|| serde_json::from_str::<Theirs>(&page));
    ensure!(
        theirs?.connections.map_or(0, |people| people.len()) == PEOPLE,
        "google-people1 did not decode {PEOPLE} people"
    );
    let (value, value_heap) = peak_during(|| serde_json::from_str::<Value>(&page));
    ensure!(value?["connections"].as_array().map_or(0, Vec::len) == PEOPLE);

    let mut section = Section::default();
    let what = "Peak heap decoding the page (held after; allocations)";
    let bytes = |heap: &crate::alloc::HeapUse| {
        format!(
            "{:.2} MB ({:.2} MB; {})",
            heap.peak as f64 / 1e6,
            heap.held as f64 / 1e6,
            heap.allocations
        )
    };
    let ratio = |other: &crate::alloc::HeapUse| ours_heap.peak as f64 / other.peak as f64;
    section.rows.push(
        Row::new(MEMORY, format!("{what}, vs google-people1"))
            .ours(bytes(&ours_heap))
            .other(bytes(&theirs_heap), ratio(&theirs_heap))
            .ratio_at_most(0.90),
    );
    section.rows.push(
        Row::new(MEMORY, format!("{what}, vs serde_json::Value"))
            .ours(bytes(&ours_heap))
            .other(bytes(&value_heap), ratio(&value_heap)),
    );
    section.notes.push(format!(
        "Memory: a counting `#[global_allocator]` around `System` in `bench-runner` tracks live \
         and peak bytes (requested sizes, not allocator overhead) while one `serde_json::from_str` \
         of the {:.2} MB page runs; the input string is not counted. \"Held after\" is what the \
         decoded value keeps.",
        page.len() as f64 / 1e6
    ));
    Ok(section)
}

fn mbs(rate: f64) -> String {
    format!("{rate:.1} MB/s")
}
