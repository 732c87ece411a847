//! The soak: a program built on the People crate, run through the
//! [fault proxy](crate::faults) against the fake, that then compares what it
//! believes with what the fake holds.
//!
//! One round, on a new fake and proxy: import contacts (half with
//! `batchCreateContacts`, a quarter as `createContact` calls in HTTP
//! batches, a quarter as single `createContact` calls, from 4 tasks); resolve
//! every create that failed as "may have been applied"
//! ([`runtime::Error::may_have_been_applied`]) by looking the contact up by
//! its name, and send again only those not found; edit contacts with
//! `update_contact_merged` from 4 tasks (each contact by two of them, each
//! adding its own address, so that they race on its etag); delete some (half
//! with `deleteContact`, half with `batchDeleteContacts`); meanwhile keep an
//! incremental sync copy, whose full sync starts while the import runs. Every
//! call runs under a deadline (its timeout and retry budget, plus the turn
//! it waits for as a mutation): one that does not end is a hang.
//!
//! At the end it checks, in the fake's own store: every contact the program
//! was told it created exists exactly once (`duplicates`, `lost`), the deleted
//! ones are gone, every edit it was told succeeded is there (`lost_edits`),
//! and the sync copy equals the store (`sync_mismatches`).

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::fmt;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, Instant};

use futures_util::TryStreamExt;
use google_people_v1::types::{
    BatchCreateContactsRequest, BatchDeleteContactsRequest, ContactToCreate, EmailAddress, Name,
    Person, PersonField,
};
use google_people_v1::{API, PeopleService, runtime};
use google_people_v1_fake::FakePeople;
use serde_json::Value;

use crate::faults::{FaultCounts, FaultPlan, FaultProxy};

/// The sizes and settings of one soak round.
#[derive(Clone, Debug)]
pub struct SoakConfig {
    /// The fault schedule's seed (round `n` uses `seed + n`).
    pub seed: u64,
    /// Contacts to import.
    pub contacts: usize,
    /// Edits to make (each edited contact is edited by two tasks).
    pub edits: usize,
    /// Contacts to delete.
    pub deletes: usize,
    /// The share of requests that get a fault.
    pub fault_rate: f64,
    /// The client's timeout of each attempt.
    pub timeout: Duration,
}

impl SoakConfig {
    /// The sizes: 2,000 contacts, 500 edits, 200 deletions, 10% faults.
    pub fn full(seed: u64) -> Self {
        Self {
            seed,
            contacts: 2000,
            edits: 500,
            deletes: 200,
            fault_rate: 0.10,
            timeout: Duration::from_secs(1),
        }
    }

    /// A bounded round for `cargo test`: 240 contacts, 80 edits, 40 deletions.
    pub fn small(seed: u64) -> Self {
        Self { contacts: 240, edits: 80, deletes: 40, ..Self::full(seed) }
    }

    fn retry_policy(&self) -> runtime::RetryPolicy {
        runtime::RetryPolicy::default()
            .with_max_attempts(6)
            .with_initial_backoff(Duration::from_millis(20))
            .with_max_backoff(Duration::from_millis(250))
            .with_max_elapsed(Duration::from_secs(10))
    }

    /// The longest a call may take before it counts as hung: every attempt's
    /// timeout and the retry budget, and as a mutation, its turn behind the
    /// others of its client (at most one per task).
    fn call_deadline(&self) -> Duration {
        let one_call = Duration::from_secs(10) + self.timeout * 7 + Duration::from_secs(2);
        one_call * 8
    }
}

/// What a soak measured; rounds add up.
#[derive(Clone, Debug, Default)]
pub struct SoakReport {
    /// Rounds run.
    pub rounds: u64,
    /// Calls the program made (a batch request or a sync counts once).
    pub operations: u64,
    /// What the proxy injected.
    pub faults: FaultCounts,
    /// Attempts the runtime sent again (its `retrying` and `resending a
    /// batch part` events); `None` when the counter could not be installed.
    pub retries: Option<u64>,
    /// Contacts created as the program was told, in the end.
    pub created: u64,
    /// Creates that failed as "may have been applied".
    pub creates_in_doubt: u64,
    /// Of those, found in the store (applied) when looked up.
    pub creates_in_doubt_found: u64,
    /// Creates sent again because a lookup did not find them.
    pub creates_resent: u64,
    /// Edits reported successful.
    pub edits_succeeded: u64,
    /// Edits that failed in the end (after the program's own three tries).
    pub edits_failed: u64,
    /// Contacts deleted, as the program was told or found.
    pub deleted: u64,
    /// Deletions answered 404 because an earlier attempt had deleted it.
    pub deletes_already_gone: u64,
    /// Incremental syncs run.
    pub syncs: u64,
    /// Contacts in the store more than once.
    pub duplicates: u64,
    /// Contacts the program was told exist that are not in the store (or
    /// deleted ones that are).
    pub lost: u64,
    /// Edits reported successful that are not in the store.
    pub lost_edits: u64,
    /// Contacts on which the sync copy and the store differ.
    pub sync_mismatches: u64,
    /// Calls that did not end within their deadline.
    pub hangs: u64,
    /// The longest a call took (its turn behind other mutations included).
    pub longest_call: Duration,
    /// The deadline past which a call counts as hung.
    pub call_deadline: Duration,
    /// Failures the program cannot explain by a fault (first few).
    pub problems: Vec<String>,
    /// Why edits failed in the end (first few): faults, not defects.
    pub edit_failures: Vec<String>,
    /// The process's resident memory after each round, in KiB (Linux).
    pub rss_kib: Vec<u64>,
}

impl SoakReport {
    /// Whether nothing was lost, duplicated, left different or stuck.
    pub fn is_clean(&self) -> bool {
        self.duplicates == 0
            && self.lost == 0
            && self.lost_edits == 0
            && self.sync_mismatches == 0
            && self.hangs == 0
            && self.problems.is_empty()
            && self.memory_bounded()
    }

    /// Whether the resident memory after the last round is within twice
    /// that after the first (every round starts on a new fake).
    pub fn memory_bounded(&self) -> bool {
        match (self.rss_kib.first(), self.rss_kib.last()) {
            (Some(first), Some(last)) => *last <= first.saturating_mul(2),
            _ => true,
        }
    }

    fn add(&mut self, round: SoakReport) {
        self.rounds += round.rounds;
        self.operations += round.operations;
        self.faults.add(&round.faults);
        self.retries = match (self.retries, round.retries) {
            (Some(mine), Some(theirs)) => Some(mine + theirs),
            (mine, theirs) => mine.or(theirs),
        };
        self.created += round.created;
        self.creates_in_doubt += round.creates_in_doubt;
        self.creates_in_doubt_found += round.creates_in_doubt_found;
        self.creates_resent += round.creates_resent;
        self.edits_succeeded += round.edits_succeeded;
        self.edits_failed += round.edits_failed;
        self.deleted += round.deleted;
        self.deletes_already_gone += round.deletes_already_gone;
        self.syncs += round.syncs;
        self.duplicates += round.duplicates;
        self.lost += round.lost;
        self.lost_edits += round.lost_edits;
        self.sync_mismatches += round.sync_mismatches;
        self.hangs += round.hangs;
        self.longest_call = self.longest_call.max(round.longest_call);
        self.call_deadline = round.call_deadline;
        for problem in round.problems {
            if self.problems.len() < 20 {
                self.problems.push(problem);
            }
        }
        for failure in round.edit_failures {
            if self.edit_failures.len() < 5 {
                self.edit_failures.push(failure);
            }
        }
        self.rss_kib.extend(round.rss_kib);
    }
}

impl fmt::Display for SoakReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "rounds: {}", self.rounds)?;
        writeln!(f, "operations: {}", self.operations)?;
        writeln!(f, "proxy: {}", self.faults)?;
        match self.retries {
            Some(retries) => writeln!(f, "retries: {retries}")?,
            None => writeln!(f, "retries: (not counted)")?,
        }
        writeln!(
            f,
            "creates: {} in the end; {} in doubt, {} of them found applied, {} sent again",
            self.created, self.creates_in_doubt, self.creates_in_doubt_found, self.creates_resent
        )?;
        writeln!(f, "edits: {} succeeded, {} failed", self.edits_succeeded, self.edits_failed)?;
        writeln!(
            f,
            "deletes: {} ({} answered 404 after an earlier attempt deleted it)",
            self.deleted, self.deletes_already_gone
        )?;
        writeln!(f, "incremental syncs: {}", self.syncs)?;
        writeln!(
            f,
            "longest call {:.1} s (deadline {} s)",
            self.longest_call.as_secs_f64(),
            self.call_deadline.as_secs()
        )?;
        writeln!(
            f,
            "duplicates {}, lost {}, lost edits {}, sync mismatches {}, hangs {}",
            self.duplicates, self.lost, self.lost_edits, self.sync_mismatches, self.hangs
        )?;
        if let (Some(first), Some(peak), Some(last)) =
            (self.rss_kib.first(), self.rss_kib.iter().max(), self.rss_kib.last())
        {
            writeln!(
                f,
                "resident memory: {first} KiB after the first round, {last} KiB after the last, \
                 peak {peak} KiB"
            )?;
        }
        for failure in &self.edit_failures {
            writeln!(f, "an edit failed: {failure}")?;
        }
        for problem in &self.problems {
            writeln!(f, "problem: {problem}")?;
        }
        Ok(())
    }
}

/// Runs rounds until `duration` has passed (at least one).
pub async fn run_for(config: &SoakConfig, duration: Duration) -> Result<SoakReport, String> {
    let started = Instant::now();
    let mut report = SoakReport::default();
    let mut round = 0;
    loop {
        let seed = config.seed.wrapping_add(round);
        report.add(run_round(config, seed).await?);
        round += 1;
        if started.elapsed() >= duration {
            return Ok(report);
        }
    }
}

/// Counts the runtime's retry events, for every client in the process.
struct RetryCounter;

static RETRIES: AtomicU64 = AtomicU64::new(0);
static COUNTER_INSTALLED: OnceLock<bool> = OnceLock::new();

impl tracing::Subscriber for RetryCounter {
    fn enabled(&self, metadata: &tracing::Metadata<'_>) -> bool {
        metadata.is_event()
            && *metadata.level() == tracing::Level::INFO
            && metadata.target().starts_with("gapi_runtime")
    }

    fn new_span(&self, _: &tracing::span::Attributes<'_>) -> tracing::span::Id {
        tracing::span::Id::from_u64(1)
    }

    fn record(&self, _: &tracing::span::Id, _: &tracing::span::Record<'_>) {}

    fn record_follows_from(&self, _: &tracing::span::Id, _: &tracing::span::Id) {}

    fn event(&self, event: &tracing::Event<'_>) {
        struct Message(bool);
        impl tracing::field::Visit for Message {
            fn record_debug(&mut self, field: &tracing::field::Field, value: &dyn fmt::Debug) {
                if field.name() == "message" {
                    let text = format!("{value:?}");
                    self.0 |= text == "retrying" || text == "resending a batch part";
                }
            }
        }
        let mut message = Message(false);
        event.record(&mut message);
        if message.0 {
            RETRIES.fetch_add(1, Ordering::Relaxed);
        }
    }

    fn enter(&self, _: &tracing::span::Id) {}

    fn exit(&self, _: &tracing::span::Id) {}
}

fn retries_so_far() -> Option<u64> {
    let installed = *COUNTER_INSTALLED
        .get_or_init(|| tracing::subscriber::set_global_default(RetryCounter).is_ok());
    installed.then(|| RETRIES.load(Ordering::Relaxed))
}

/// The process's resident set size in KiB, from `/proc/self/status` (Linux).
pub fn resident_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|line| line.starts_with("VmRSS:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

/// What the program believes, shared by its tasks.
#[derive(Default)]
struct Beliefs {
    /// key -> resource name, for contacts it was told it created.
    created: BTreeMap<String, String>,
    /// Keys whose create failed as "may have been applied".
    in_doubt: BTreeSet<String>,
    /// Keys whose create failed and was not applied.
    not_created: BTreeSet<String>,
    /// resource name -> addresses the program was told it added.
    edits: BTreeMap<String, BTreeSet<String>>,
    /// Resource names deleted.
    deleted: BTreeSet<String>,
    /// Resource names whose deletion failed as "may have been applied".
    delete_in_doubt: BTreeSet<String>,
}

struct Program {
    people: PeopleService,
    config: SoakConfig,
    beliefs: Mutex<Beliefs>,
    operations: AtomicU64,
    hangs: AtomicU64,
    /// The longest call so far, in microseconds.
    longest_call: AtomicU64,
    edits_failed: AtomicU64,
    edits_succeeded: AtomicU64,
    deletes_already_gone: AtomicU64,
    problems: Mutex<Vec<String>>,
    edit_failures: Mutex<Vec<String>>,
}

type Shared = Arc<Program>;

impl Program {
    fn beliefs(&self) -> std::sync::MutexGuard<'_, Beliefs> {
        self.beliefs.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    fn problem(&self, problem: String) {
        let mut problems = self.problems.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        if problems.len() < 20 {
            problems.push(problem);
        }
    }

    /// Runs one call under its deadline; `None` when it hung.
    async fn call<T>(&self, future: impl Future<Output = T>) -> Option<T> {
        self.operations.fetch_add(1, Ordering::Relaxed);
        let started = Instant::now();
        match tokio::time::timeout(self.config.call_deadline(), future).await {
            Ok(value) => {
                let micros = u64::try_from(started.elapsed().as_micros()).unwrap_or(u64::MAX);
                self.longest_call.fetch_max(micros, Ordering::Relaxed);
                Some(value)
            }
            Err(_) => {
                self.hangs.fetch_add(1, Ordering::Relaxed);
                None
            }
        }
    }

    /// Records a failed create of `key`.
    fn create_failed(&self, key: &str, error: &runtime::Error) {
        let mut beliefs = self.beliefs();
        if error.may_have_been_applied() {
            beliefs.in_doubt.insert(key.to_owned());
        } else {
            beliefs.not_created.insert(key.to_owned());
        }
    }

    fn created(&self, person: &Person) {
        let (Some(key), Some(name)) = (given_name(person), person.resource_name.clone()) else {
            self.problem("a created contact without its name or resource name".to_owned());
            return;
        };
        let mut beliefs = self.beliefs();
        beliefs.in_doubt.remove(&key);
        beliefs.not_created.remove(&key);
        if let Some(earlier) = beliefs.created.insert(key.clone(), name.clone()) {
            if earlier != name {
                drop(beliefs);
                self.problem(format!("{key} was created twice: {earlier} and {name}"));
            }
        }
    }
}

fn given_name(person: &Person) -> Option<String> {
    person.names.first().and_then(|name| name.given_name.clone())
}

fn contact(key: &str) -> Person {
    Person::default().set_names([Name::default().set_given_name(key)])
}

fn emails(person: &Person) -> BTreeSet<String> {
    person.email_addresses.iter().filter_map(|email| email.value.clone()).collect()
}

const SYNC_FIELDS: [PersonField; 3] =
    [PersonField::Names, PersonField::EmailAddresses, PersonField::Metadata];

/// One round on a new fake behind a new proxy.
pub async fn run_round(config: &SoakConfig, seed: u64) -> Result<SoakReport, String> {
    let fake = FakePeople::start().await.map_err(|error| error.to_string())?;
    let plan = FaultPlan::new(seed, config.fault_rate)
        .hang_for(config.timeout + Duration::from_millis(500));
    let proxy = FaultProxy::start(fake.address(), plan).await.map_err(|error| error.to_string())?;
    let client = runtime::Client::builder(&API)
        .base_url(proxy.base_url())
        .authenticator(runtime::auth::StaticToken::new("soak-token"))
        .timeout(Some(config.timeout))
        .retry(config.retry_policy())
        .build()
        .map_err(|error| error.to_string())?;
    let retries_before = retries_so_far();
    let program = Arc::new(Program {
        people: PeopleService::from_client(client),
        config: config.clone(),
        beliefs: Mutex::default(),
        operations: AtomicU64::new(0),
        hangs: AtomicU64::new(0),
        longest_call: AtomicU64::new(0),
        edits_failed: AtomicU64::new(0),
        edits_succeeded: AtomicU64::new(0),
        deletes_already_gone: AtomicU64::new(0),
        problems: Mutex::default(),
        edit_failures: Mutex::default(),
    });
    let keys: Vec<String> =
        (0..config.contacts).map(|index| format!("s{seed}k{index:05}")).collect();

    // The sync copy, kept by its own task from the start.
    let sync_stop = Arc::new(tokio::sync::Notify::new());
    let sync_task = tokio::spawn(keep_sync_copy(Arc::clone(&program), Arc::clone(&sync_stop)));

    import(&program, &keys).await;
    let (in_doubt, found, resent) = resolve_creates(&program, &keys).await;

    let created: Vec<(String, String)> =
        program.beliefs().created.iter().map(|(k, n)| (k.clone(), n.clone())).collect();
    let deletes = config.deletes.min(created.len());
    let (to_edit, to_delete) = created.split_at(created.len() - deletes);
    let edited: Vec<String> =
        to_edit.iter().take(config.edits / 2).map(|(_, name)| name.clone()).collect();
    let deleted: Vec<String> = to_delete.iter().map(|(_, name)| name.clone()).collect();
    let edits = tokio::spawn(edit_all(Arc::clone(&program), edited));
    delete_all(&program, &deleted).await;
    if edits.await.is_err() {
        program.problem("the edit tasks panicked".to_owned());
    }
    resolve_deletes(&program).await;

    sync_stop.notify_one();
    let (copy, syncs) = match sync_task.await {
        Ok(result) => result,
        Err(_) => {
            program.problem("the sync task panicked".to_owned());
            (BTreeMap::new(), 0)
        }
    };

    let mut report = SoakReport {
        rounds: 1,
        syncs,
        creates_in_doubt: in_doubt,
        creates_in_doubt_found: found,
        creates_resent: resent,
        ..SoakReport::default()
    };
    check(&program, &fake, &copy, &mut report);
    report.faults = proxy.counts();
    report.retries = match (retries_before, retries_so_far()) {
        (Some(before), Some(after)) => Some(after.saturating_sub(before)),
        _ => None,
    };
    report.operations = program.operations.load(Ordering::Relaxed);
    report.hangs = program.hangs.load(Ordering::Relaxed);
    report.longest_call = Duration::from_micros(program.longest_call.load(Ordering::Relaxed));
    report.call_deadline = config.call_deadline();
    report.edits_failed = program.edits_failed.load(Ordering::Relaxed);
    report.edits_succeeded = program.edits_succeeded.load(Ordering::Relaxed);
    report.deletes_already_gone = program.deletes_already_gone.load(Ordering::Relaxed);
    report.problems.extend(
        program.problems.lock().unwrap_or_else(std::sync::PoisonError::into_inner).drain(..),
    );
    report.edit_failures.extend(
        program.edit_failures.lock().unwrap_or_else(std::sync::PoisonError::into_inner).drain(..),
    );
    drop(proxy);
    fake.shutdown().await;
    report.rss_kib.extend(resident_kib());
    Ok(report)
}

/// Imports `keys` from four tasks: half by `batchCreateContacts` (50 per
/// request), a quarter by `createContact` in HTTP batches of 25, a quarter
/// one by one from two tasks.
async fn import(program: &Shared, keys: &[String]) {
    let half = keys.len() / 2;
    let three_quarters = keys.len() * 3 / 4;
    let mut tasks = tokio::task::JoinSet::new();
    let batched = keys[..half].to_vec();
    let program_for = Arc::clone(program);
    tasks.spawn(async move {
        for chunk in batched.chunks(50) {
            batch_create(&program_for, chunk).await;
        }
    });
    let http_batched = keys[half..three_quarters].to_vec();
    let program_for = Arc::clone(program);
    tasks.spawn(async move {
        for chunk in http_batched.chunks(25) {
            http_batch_create(&program_for, chunk).await;
        }
    });
    for part in 0..2 {
        let singles: Vec<String> =
            keys[three_quarters..].iter().skip(part).step_by(2).cloned().collect();
        let program_for = Arc::clone(program);
        tasks.spawn(async move {
            for key in singles {
                create_one(&program_for, &key).await;
            }
        });
    }
    while let Some(joined) = tasks.join_next().await {
        if joined.is_err() {
            program.problem("an import task panicked".to_owned());
        }
    }
}

async fn create_one(program: &Shared, key: &str) {
    let call =
        program.people.people().create_contact(contact(key)).person_fields(PersonField::Names);
    match program.call(call.send()).await {
        Some(Ok(person)) => program.created(&person),
        Some(Err(error)) => program.create_failed(key, &error),
        // A hung call may have been applied as much as a timed-out one.
        None => {
            program.beliefs().in_doubt.insert(key.to_owned());
        }
    }
}

async fn batch_create(program: &Shared, keys: &[String]) {
    let request = BatchCreateContactsRequest::default()
        .set_contacts(
            keys.iter().map(|key| ContactToCreate::default().set_contact_person(contact(key))),
        )
        .set_read_mask(PersonField::Names);
    let call = program.people.people().batch_create_contacts(request);
    match program.call(call.send()).await {
        Some(Ok(response)) => {
            let mut answered = BTreeSet::new();
            for entry in &response.created_people {
                let failed =
                    entry.status.as_ref().is_some_and(|status| status.code.unwrap_or(0) != 0);
                match entry.person.as_ref() {
                    Some(person) if !failed => {
                        answered.extend(given_name(person));
                        program.created(person);
                    }
                    _ => {
                        program.problem(format!("a batch create entry failed: {:?}", entry.status))
                    }
                }
            }
            for key in keys.iter().filter(|key| !answered.contains(*key)) {
                program.problem(format!("the batch create answered nothing for {key}"));
                program.beliefs().in_doubt.insert(key.clone());
            }
        }
        Some(Err(error)) => {
            for key in keys {
                program.create_failed(key, &error);
            }
        }
        None => program.beliefs().in_doubt.extend(keys.iter().cloned()),
    }
}

async fn http_batch_create(program: &Shared, keys: &[String]) {
    let mut batch = program.people.batch();
    let mut slots = Vec::new();
    for key in keys {
        let call =
            program.people.people().create_contact(contact(key)).person_fields(PersonField::Names);
        match batch.add(call) {
            Ok(slot) => slots.push((key, slot)),
            Err(error) => program.problem(format!("the batch refused a create: {error}")),
        }
    }
    let Some(mut results) = program.call(batch.send()).await else {
        program.beliefs().in_doubt.extend(keys.iter().cloned());
        return;
    };
    for (key, slot) in slots {
        match results.take(slot) {
            Ok(person) => program.created(&person),
            Err(error) => program.create_failed(key, &error),
        }
    }
}

/// Every contact in the store by its key, read through the proxy as the
/// program would (a listing retried until it completes, at most 10 times).
async fn list_by_key(program: &Shared) -> Option<BTreeMap<String, Vec<String>>> {
    for _ in 0..10 {
        let list = program
            .people
            .people()
            .connections()
            .list("people/me")
            .person_fields(PersonField::Names)
            .page_size(500);
        let listed = program.call(list.items().try_collect::<Vec<Person>>()).await;
        if let Some(Ok(people)) = listed {
            let mut by_key: BTreeMap<String, Vec<String>> = BTreeMap::new();
            for person in people {
                if let (Some(key), Some(name)) = (given_name(&person), person.resource_name) {
                    by_key.entry(key).or_default().push(name);
                }
            }
            return Some(by_key);
        }
    }
    program.problem("the contacts could not be listed in 10 tries".to_owned());
    None
}

/// Looks up every create in doubt; adopts those found, sends the others
/// again (one by one), until none is left (at most 10 rounds). Returns how
/// many were in doubt, how many of them were found, how many were resent.
async fn resolve_creates(program: &Shared, keys: &[String]) -> (u64, u64, u64) {
    let in_doubt_at_first = program.beliefs().in_doubt.len() as u64;
    let (mut found, mut resent) = (0, 0);
    for _ in 0..10 {
        let open: Vec<String> = {
            let beliefs = program.beliefs();
            keys.iter()
                .filter(|key| beliefs.in_doubt.contains(*key) || beliefs.not_created.contains(*key))
                .cloned()
                .collect()
        };
        if open.is_empty() {
            break;
        }
        let Some(by_key) = list_by_key(program).await else { break };
        let mut missing = Vec::new();
        for key in open {
            let in_doubt = program.beliefs().in_doubt.contains(&key);
            match by_key.get(&key).map(Vec::as_slice) {
                Some([name]) => {
                    if !in_doubt {
                        program.problem(format!(
                            "{key}: its create failed as not applied, but it exists ({name})"
                        ));
                    }
                    found += 1;
                    let mut beliefs = program.beliefs();
                    beliefs.in_doubt.remove(&key);
                    beliefs.not_created.remove(&key);
                    beliefs.created.insert(key, name.clone());
                }
                Some(names) if !names.is_empty() => {
                    program.problem(format!("{key} exists {} times: {names:?}", names.len()));
                    let mut beliefs = program.beliefs();
                    beliefs.in_doubt.remove(&key);
                    beliefs.not_created.remove(&key);
                    beliefs.created.insert(key, names[0].clone());
                }
                _ => missing.push(key),
            }
        }
        for key in missing {
            resent += 1;
            create_one(program, &key).await;
        }
    }
    (in_doubt_at_first, found, resent)
}

/// Edits every contact of `names` from two of four tasks: task `t` adds
/// `t{t}.{name}@soak.example` with the merge helper.
async fn edit_all(program: Shared, names: Vec<String>) {
    let names = Arc::new(names);
    let mut tasks = tokio::task::JoinSet::new();
    for task in 0..4 {
        let program = Arc::clone(&program);
        let names = Arc::clone(&names);
        tasks.spawn(async move {
            for (index, name) in names.iter().enumerate() {
                if index % 4 == task || (index + 1) % 4 == task {
                    edit(&program, name, task).await;
                }
            }
        });
    }
    while let Some(joined) = tasks.join_next().await {
        if joined.is_err() {
            program.problem("an edit task panicked".to_owned());
        }
    }
}

fn address(name: &str, task: usize) -> String {
    format!("t{task}.{}@soak.example", name.trim_start_matches("people/"))
}

/// One edit, tried up to three times by the program (the change adds the
/// address only when it is missing, so trying again is safe).
async fn edit(program: &Shared, name: &str, task: usize) {
    let value = address(name, task);
    let mut last_error = String::new();
    for _ in 0..3 {
        let people = program.people.people();
        let merged = people.update_contact_merged(
            name,
            PersonField::EmailAddresses,
            |get| get.person_fields([PersonField::EmailAddresses, PersonField::Metadata]),
            |person| {
                if !emails(person).contains(&value) {
                    person.email_addresses.push(EmailAddress::default().set_value(value.clone()));
                }
            },
        );
        match program.call(merged).await {
            Some(Ok(merged)) => {
                if !emails(&merged.value).contains(&value) {
                    program.problem(format!("{name}: the update's answer lacks {value}"));
                }
                program.edits_succeeded.fetch_add(1, Ordering::Relaxed);
                program.beliefs().edits.entry(name.to_owned()).or_default().insert(value);
                return;
            }
            Some(Err(error)) if error.is_not_found() => {
                program.problem(format!("{name}: edited contact not found: {error}"));
                break;
            }
            Some(Err(error)) => last_error = error.to_string(),
            None => last_error = "hung".to_owned(),
        }
    }
    program.edits_failed.fetch_add(1, Ordering::Relaxed);
    let mut failures =
        program.edit_failures.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
    if failures.len() < 5 {
        failures.push(format!("{name} by task {task}, three times; the last: {last_error}"));
    }
}

/// Deletes `names`: the first half one by one, the rest with
/// `batchDeleteContacts`, 25 per request.
async fn delete_all(program: &Shared, names: &[String]) {
    let (singles, batched) = names.split_at(names.len() / 2);
    for name in singles {
        let call = program.people.people().delete_contact(name);
        match program.call(call.send()).await {
            Some(Ok(_)) => {
                program.beliefs().deleted.insert(name.clone());
            }
            // DELETE is retried: after an attempt that deleted it and lost
            // its answer, the next one finds nothing to delete.
            Some(Err(error)) if error.is_not_found() => {
                program.deletes_already_gone.fetch_add(1, Ordering::Relaxed);
                program.beliefs().deleted.insert(name.clone());
            }
            Some(Err(_)) | None => {
                program.beliefs().delete_in_doubt.insert(name.clone());
            }
        }
    }
    for chunk in batched.chunks(25) {
        let request = BatchDeleteContactsRequest::default().set_resource_names(chunk.to_vec());
        let call = program.people.people().batch_delete_contacts(request);
        match program.call(call.send()).await {
            Some(Ok(_)) => program.beliefs().deleted.extend(chunk.iter().cloned()),
            Some(Err(_)) | None => program.beliefs().delete_in_doubt.extend(chunk.iter().cloned()),
        }
    }
}

/// Reads every contact whose deletion failed: gone is deleted, still there
/// is deleted again (at most 10 rounds).
async fn resolve_deletes(program: &Shared) {
    for _ in 0..10 {
        let open: Vec<String> = program.beliefs().delete_in_doubt.iter().cloned().collect();
        if open.is_empty() {
            return;
        }
        for name in open {
            let read = program.people.people().get(&name).person_fields(PersonField::Names);
            match program.call(read.send()).await {
                Some(Err(error)) if error.is_not_found() => {
                    let mut beliefs = program.beliefs();
                    beliefs.delete_in_doubt.remove(&name);
                    beliefs.deleted.insert(name);
                }
                Some(Ok(_)) => {
                    let delete = program.people.people().delete_contact(&name);
                    if let Some(Ok(_)) = program.call(delete.send()).await {
                        let mut beliefs = program.beliefs();
                        beliefs.delete_in_doubt.remove(&name);
                        beliefs.deleted.insert(name);
                    }
                }
                _ => {}
            }
        }
    }
    program.problem("deletions still in doubt after 10 rounds".to_owned());
}

/// Keeps the sync copy: a full sync once the import has begun, then
/// incremental ones every 100 ms until told to stop, then a last one. Every
/// tenth sync starts over with a full sync, as a program that lost its
/// token would, so that full syncs run while contacts are edited and
/// deleted. Returns the copy (resource name -> contact) and how many syncs ran.
async fn keep_sync_copy(
    program: Shared,
    stop: Arc<tokio::sync::Notify>,
) -> (BTreeMap<String, Person>, u64) {
    let mut copy = BTreeMap::new();
    let mut token: Option<String> = None;
    let mut syncs = 0;
    tokio::time::sleep(Duration::from_millis(150)).await;
    let stopped = stop.notified();
    tokio::pin!(stopped);
    loop {
        let done = tokio::select! {
            () = &mut stopped => true,
            () = tokio::time::sleep(Duration::from_millis(100)) => false,
        };
        // After the stop, sync until one succeeds (at most 10 tries).
        if syncs % 10 == 9 && !done {
            token = None;
        }
        for _ in 0..if done { 10 } else { 1 } {
            if sync_once(&program, &mut copy, &mut token).await {
                syncs += 1;
                break;
            }
        }
        if done {
            return (copy, syncs);
        }
    }
}

async fn sync_once(
    program: &Shared,
    copy: &mut BTreeMap<String, Person>,
    token: &mut Option<String>,
) -> bool {
    // Pages of 50: a full sync of a few hundred contacts takes several.
    let list = program
        .people
        .people()
        .connections()
        .list("people/me")
        .person_fields(SYNC_FIELDS)
        .page_size(50);
    let Some(Ok(synced)) =
        program.call(list.sync(token.clone(), runtime::OnExpiry::FullSync)).await
    else {
        return false;
    };
    if synced.full {
        copy.clear();
    }
    for person in synced.items {
        let Some(name) = person.resource_name.clone() else { continue };
        if person.metadata.as_ref().and_then(|metadata| metadata.deleted) == Some(true) {
            copy.remove(&name);
        } else {
            copy.insert(name, person);
        }
    }
    *token = synced.next_sync_token;
    true
}

/// Compares the program's beliefs and its sync copy with the fake's store.
fn check(
    program: &Shared,
    fake: &FakePeople,
    copy: &BTreeMap<String, Person>,
    report: &mut SoakReport,
) {
    let store = fake.snapshot().contacts;
    let mut by_key: HashMap<String, Vec<String>> = HashMap::new();
    let mut stored: BTreeMap<String, (Option<String>, BTreeSet<String>)> = BTreeMap::new();
    for contact in &store {
        let name = contact["resourceName"].as_str().unwrap_or_default().to_owned();
        let key = contact["names"][0]["givenName"].as_str().map(str::to_owned);
        let addresses: BTreeSet<String> = contact["emailAddresses"]
            .as_array()
            .map(|all| {
                all.iter().filter_map(|email| email["value"].as_str().map(str::to_owned)).collect()
            })
            .unwrap_or_default();
        if let Some(key) = &key {
            by_key.entry(key.clone()).or_default().push(name.clone());
        }
        stored.insert(name, (key, addresses));
    }
    let beliefs = program.beliefs();
    report.duplicates = by_key.values().map(|names| names.len().saturating_sub(1) as u64).sum();
    for (key, names) in &by_key {
        if names.len() > 1 {
            report.problems.push(format!("{key} is stored {} times: {names:?}", names.len()));
        }
    }
    for (key, name) in &beliefs.created {
        let expected_present = !beliefs.deleted.contains(name);
        let present =
            stored.get(name).is_some_and(|(stored_key, _)| stored_key.as_ref() == Some(key));
        if expected_present != present {
            report.lost += 1;
            if report.problems.len() < 20 {
                report.problems.push(format!(
                    "{key} ({name}): the program believes it {}, the store {}",
                    if expected_present { "exists" } else { "was deleted" },
                    if present { "has it" } else { "does not" }
                ));
            }
        }
    }
    report.created = (beliefs.created.len() - beliefs.deleted.len()) as u64;
    report.deleted = beliefs.deleted.len() as u64;
    for (name, added) in &beliefs.edits {
        let have = stored.get(name).map(|(_, addresses)| addresses.clone()).unwrap_or_default();
        let missing: Vec<&String> = added.iter().filter(|value| !have.contains(*value)).collect();
        if !missing.is_empty() {
            report.lost_edits += missing.len() as u64;
            report.problems.push(format!("{name}: successful edits missing: {missing:?}"));
        }
    }
    for name in stored.keys().chain(copy.keys()).collect::<BTreeSet<_>>() {
        let in_store = stored.get(name);
        let in_copy = copy.get(name).map(|person| (given_name(person), emails(person)));
        if in_store != in_copy.as_ref() {
            report.sync_mismatches += 1;
            if report.problems.len() < 20 {
                report
                    .problems
                    .push(format!("{name}: the sync copy has {in_copy:?}, the store {in_store:?}"));
            }
        }
    }
    if !store.iter().all(|contact| matches!(contact["resourceName"], Value::String(_))) {
        report.problems.push("a stored contact has no resource name".to_owned());
    }
}
