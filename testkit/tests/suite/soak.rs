//! The soak and the load run in `cargo test`, bounded: one soak round of
//! 240 contacts through the fault proxy at 10% with a fixed seed, and 64
//! clients against the fake for 3 seconds. `cargo xtask soak` runs the long
//! ones.

use std::time::Duration;

use gapi_testkit::load::{self, LoadConfig};
use gapi_testkit::soak::{self, SoakConfig};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn under_ten_percent_faults_nothing_is_lost_duplicated_or_stuck_and_the_sync_copy_matches()
-> Result<(), String> {
    let report = soak::run_round(&SoakConfig::small(29), 29).await?;
    println!("{report}");
    assert!(report.faults.total() > 0, "faults were injected: {}", report.faults);
    assert!(report.operations > 0 && report.created > 0);
    assert_eq!(report.duplicates, 0, "{report}");
    assert_eq!(report.lost, 0, "{report}");
    assert_eq!(report.lost_edits, 0, "{report}");
    assert_eq!(report.sync_mismatches, 0, "{report}");
    assert_eq!(report.hangs, 0, "{report}");
    assert!(report.problems.is_empty(), "{report}");
    assert!(report.edits_succeeded > 0, "{report}");
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sixty_four_clients_at_once_lose_no_update_share_no_name_and_break_no_page_token()
-> Result<(), String> {
    let config = LoadConfig { clients: 64, duration: Duration::from_secs(3), page_size: 25 };
    let report = load::run(config).await?;
    println!("{report}");
    assert!(report.increments > 0 && report.listings > 0 && report.creates > 0, "{report}");
    assert_eq!(report.counter, report.increments, "no lost update: {report}");
    assert_eq!(report.duplicate_names, 0, "{report}");
    assert_eq!(report.skipped, 0, "no listing skipped a contact: {report}");
    assert_eq!(report.errors, 0, "{report}");
    Ok(())
}
