//! The fake under concurrent load: many clients (each its own connection
//! pool) create contacts, increment one shared counter contact by
//! read-modify-write with its etag, rename older contacts (which moves them
//! in the default order) and list every contact page by page, all at once, straight to the fake (no faults). Then: no lost update (the
//! counter equals the increments that succeeded), no resource name given
//! twice, no page token refused, and no listing that skipped a contact
//! created before it began.
//!
//! The fake's mutation contention model ([`FakePeople::set_mutation_delay`])
//! is off, its default: it is the fake's own rule, and here every client is
//! the same user, so it would refuse nearly every concurrent write.

use std::collections::BTreeSet;
use std::fmt;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use futures_util::TryStreamExt;
use google_people_v1::types::{Biography, Name, Person, PersonField};
use google_people_v1::{API, PeopleService, runtime};
use google_people_v1_fake::FakePeople;

/// How many clients, for how long.
#[derive(Clone, Copy, Debug)]
pub struct LoadConfig {
    /// Concurrent clients.
    pub clients: usize,
    /// How long they run.
    pub duration: Duration,
    /// The page size of their listings.
    pub page_size: i32,
}

/// What the load run measured.
#[derive(Clone, Debug, Default)]
pub struct LoadReport {
    /// Requests the fake answered.
    pub requests: u64,
    /// Wall-clock time of the run.
    pub elapsed: Duration,
    /// Contacts created.
    pub creates: u64,
    /// Counter increments that succeeded.
    pub increments: u64,
    /// Older contacts renamed while others list.
    pub touches: u64,
    /// Increments refused for a stale etag (not applied).
    pub stale_etags: u64,
    /// The counter's value in the store at the end.
    pub counter: u64,
    /// Complete listings.
    pub listings: u64,
    /// Contacts listed twice within one listing (they changed meanwhile).
    pub listed_twice: u64,
    /// Contacts created before a listing began that it did not list.
    pub skipped: u64,
    /// Resource names given to two creates.
    pub duplicate_names: u64,
    /// Page tokens refused, and other errors.
    pub errors: u64,
    /// The first few errors and anomalies.
    pub problems: Vec<String>,
}

impl LoadReport {
    /// Requests per second.
    pub fn requests_per_second(&self) -> f64 {
        self.requests as f64 / self.elapsed.as_secs_f64().max(f64::EPSILON)
    }

    /// No lost update, duplicate name, skipped contact or error.
    pub fn is_clean(&self) -> bool {
        self.counter == self.increments
            && self.duplicate_names == 0
            && self.skipped == 0
            && self.errors == 0
    }
}

impl fmt::Display for LoadReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "{} requests in {:.1} s: {:.0} requests per second",
            self.requests,
            self.elapsed.as_secs_f64(),
            self.requests_per_second()
        )?;
        writeln!(
            f,
            "creates {}, increments {} (counter {}, {} refused for a stale etag), renames {}, \
             listings {}",
            self.creates,
            self.increments,
            self.counter,
            self.stale_etags,
            self.touches,
            self.listings
        )?;
        writeln!(
            f,
            "duplicate names {}, skipped in a listing {}, listed twice {}, errors {}",
            self.duplicate_names, self.skipped, self.listed_twice, self.errors
        )?;
        for problem in &self.problems {
            writeln!(f, "problem: {problem}")?;
        }
        Ok(())
    }
}

#[derive(Default)]
struct Totals {
    creates: AtomicU64,
    increments: AtomicU64,
    touches: AtomicU64,
    stale_etags: AtomicU64,
    listings: AtomicU64,
    listed_twice: AtomicU64,
    skipped: AtomicU64,
    duplicate_names: AtomicU64,
    errors: AtomicU64,
    /// Every resource name a create answered with.
    created: Mutex<BTreeSet<String>>,
    problems: Mutex<Vec<String>>,
}

impl Totals {
    fn problem(&self, problem: String) {
        let mut problems = self.problems.lock().unwrap_or_else(PoisonError::into_inner);
        if problems.len() < 20 {
            problems.push(problem);
        }
    }

    fn created(&self) -> std::sync::MutexGuard<'_, BTreeSet<String>> {
        self.created.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

const COUNTER: &str = "load-counter";

fn client(fake: &FakePeople) -> Result<PeopleService, runtime::Error> {
    let client = runtime::Client::builder(&API)
        .base_url(fake.base_url())
        .authenticator(runtime::auth::StaticToken::new("load-token"))
        .retry(runtime::RetryPolicy::never())
        .build()?;
    Ok(PeopleService::from_client(client))
}

fn biography(value: u64) -> Biography {
    Biography::default().set_value(value.to_string())
}

/// Runs the load and reads the result from the fake's store.
pub async fn run(config: LoadConfig) -> Result<LoadReport, String> {
    let fake = FakePeople::start().await.map_err(|error| error.to_string())?;
    let first = client(&fake).map_err(|error| error.to_string())?;
    let counter = Person::default()
        .set_names([Name::default().set_given_name(COUNTER)])
        .set_biographies([biography(0)]);
    let counter = first.people().create_contact(counter).send().await.map_err(|e| e.to_string())?;
    let counter_name = counter.resource_name.ok_or("the counter has no resource name")?;

    let totals = Arc::new(Totals::default());
    let started = Instant::now();
    let deadline = started + config.duration;
    let mut tasks = tokio::task::JoinSet::new();
    for index in 0..config.clients {
        let people = client(&fake).map_err(|error| error.to_string())?;
        let totals = Arc::clone(&totals);
        let counter_name = counter_name.clone();
        tasks.spawn(async move {
            let mut round = 0u64;
            while Instant::now() < deadline {
                match (round + index as u64) % 5 {
                    0 | 1 => create(&people, &totals, index, round).await,
                    2 => increment(&people, &totals, &counter_name).await,
                    3 => touch(&people, &totals, round).await,
                    _ => list(&people, &totals, config.page_size).await,
                }
                round += 1;
            }
        });
    }
    while let Some(joined) = tasks.join_next().await {
        if joined.is_err() {
            totals.problem("a client task panicked".to_owned());
        }
    }
    let elapsed = started.elapsed();

    let snapshot = fake.snapshot().contacts;
    let stored_counter = snapshot
        .iter()
        .find(|contact| contact["resourceName"].as_str() == Some(counter_name.as_str()))
        .and_then(|contact| contact["biographies"][0]["value"].as_str()?.parse::<u64>().ok())
        .unwrap_or(u64::MAX);
    let stored: BTreeSet<&str> =
        snapshot.iter().filter_map(|contact| contact["resourceName"].as_str()).collect();
    let created = totals.created().clone();
    let missing = created.iter().filter(|name| !stored.contains(name.as_str())).count();
    if missing > 0 {
        totals.problem(format!("{missing} created contacts are not in the store"));
        totals.errors.fetch_add(missing as u64, Ordering::Relaxed);
    }
    let requests =
        ["people.people.createContact", "people.people.get", "people.people.updateContact"]
            .iter()
            .chain(&["people.people.connections.list"])
            .map(|id| fake.served(id) as u64)
            .sum();
    let problems = totals.problems.lock().unwrap_or_else(PoisonError::into_inner).clone();
    Ok(LoadReport {
        requests,
        elapsed,
        creates: totals.creates.load(Ordering::Relaxed),
        increments: totals.increments.load(Ordering::Relaxed),
        touches: totals.touches.load(Ordering::Relaxed),
        stale_etags: totals.stale_etags.load(Ordering::Relaxed),
        counter: stored_counter,
        listings: totals.listings.load(Ordering::Relaxed),
        listed_twice: totals.listed_twice.load(Ordering::Relaxed),
        skipped: totals.skipped.load(Ordering::Relaxed),
        duplicate_names: totals.duplicate_names.load(Ordering::Relaxed),
        errors: totals.errors.load(Ordering::Relaxed),
        problems,
    })
}

async fn create(people: &PeopleService, totals: &Totals, index: usize, round: u64) {
    let person =
        Person::default().set_names([Name::default().set_given_name(format!("L{index}-{round}"))]);
    match people.people().create_contact(person).person_fields(PersonField::Names).send().await {
        Ok(person) => {
            totals.creates.fetch_add(1, Ordering::Relaxed);
            let Some(name) = person.resource_name else {
                totals.problem("a create answered without a resource name".to_owned());
                totals.errors.fetch_add(1, Ordering::Relaxed);
                return;
            };
            if !totals.created().insert(name.clone()) {
                totals.duplicate_names.fetch_add(1, Ordering::Relaxed);
                totals.problem(format!("{name} was given to two creates"));
            }
        }
        Err(error) => {
            totals.errors.fetch_add(1, Ordering::Relaxed);
            totals.problem(format!("create: {error}"));
        }
    }
}

/// Reads the counter and writes it plus one with the etag it read.
async fn increment(people: &PeopleService, totals: &Totals, counter: &str) {
    let read = people
        .people()
        .get(counter)
        .person_fields([PersonField::Biographies, PersonField::Metadata])
        .send()
        .await;
    let mut person = match read {
        Ok(person) => person,
        Err(error) => {
            totals.errors.fetch_add(1, Ordering::Relaxed);
            totals.problem(format!("read the counter: {error}"));
            return;
        }
    };
    let value = person
        .biographies
        .first()
        .and_then(|biography| biography.value.as_deref()?.parse::<u64>().ok())
        .unwrap_or(u64::MAX);
    person.biographies = vec![biography(value.saturating_add(1))];
    match people.people().update_contact(counter, person, PersonField::Biographies).send().await {
        Ok(_) => {
            totals.increments.fetch_add(1, Ordering::Relaxed);
        }
        Err(error) if error.is_etag_conflict() => {
            totals.stale_etags.fetch_add(1, Ordering::Relaxed);
        }
        Err(error) => {
            totals.errors.fetch_add(1, Ordering::Relaxed);
            totals.problem(format!("increment: {error}"));
        }
    }
}

/// Renames an older contact (it moves to the end of the default order,
/// from under the listings going on): a stale etag is no failure.
async fn touch(people: &PeopleService, totals: &Totals, round: u64) {
    let name = {
        let created = totals.created();
        let Some(index) = usize::try_from(round).ok().filter(|_| !created.is_empty()) else {
            return;
        };
        created.iter().nth(index % created.len()).cloned()
    };
    let Some(name) = name else { return };
    let read =
        people.people().get(&name).person_fields([PersonField::Names, PersonField::Metadata]);
    let Ok(mut person) = read.send().await else {
        totals.errors.fetch_add(1, Ordering::Relaxed);
        totals.problem(format!("read {name} to touch it"));
        return;
    };
    person.names = vec![Name::default().set_given_name(format!("touched {round}"))];
    match people.people().update_contact(&name, person, PersonField::Names).send().await {
        Ok(_) => {
            totals.touches.fetch_add(1, Ordering::Relaxed);
        }
        Err(error) if error.is_etag_conflict() => {}
        Err(error) => {
            totals.errors.fetch_add(1, Ordering::Relaxed);
            totals.problem(format!("touch {name}: {error}"));
        }
    }
}

/// Lists every contact, page by page; checks that every contact created
/// before the listing began is in it.
async fn list(people: &PeopleService, totals: &Totals, page_size: i32) {
    let before = totals.created().clone();
    let listing = people
        .people()
        .connections()
        .list("people/me")
        .person_fields(PersonField::Names)
        .page_size(page_size)
        .items()
        .try_collect::<Vec<Person>>()
        .await;
    let listed = match listing {
        Ok(listed) => listed,
        Err(error) => {
            totals.errors.fetch_add(1, Ordering::Relaxed);
            totals.problem(format!("listing: {error}"));
            return;
        }
    };
    totals.listings.fetch_add(1, Ordering::Relaxed);
    let mut seen = BTreeSet::new();
    for name in listed.iter().filter_map(|person| person.resource_name.as_deref()) {
        if !seen.insert(name) {
            totals.listed_twice.fetch_add(1, Ordering::Relaxed);
        }
    }
    let skipped: Vec<&String> =
        before.iter().filter(|name| !seen.contains(name.as_str())).collect();
    if !skipped.is_empty() {
        totals.skipped.fetch_add(skipped.len() as u64, Ordering::Relaxed);
        totals.problem(format!(
            "a listing of {} skipped {} contacts created before it began, such as {}",
            listed.len(),
            skipped.len(),
            skipped[0]
        ));
    }
}
