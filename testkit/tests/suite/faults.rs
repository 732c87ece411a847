//! The fault proxy between a client of the People crate and the fake, one
//! fault at a time: what the runtime does with each (sends a read again,
//! never a create), and what its error tells the caller
//! (`Error::may_have_been_applied`).

use std::time::Duration;

use gapi_testkit::faults::{Fault, FaultPlan, FaultProxy};
use google_people_v1::types::{Name, Person, PersonField};
use google_people_v1::{API, CallOptions, PeopleService, runtime};
use google_people_v1_fake::{FakePeople, Seed};
use serde_json::json;

type TestResult = Result<(), Box<dyn std::error::Error>>;

/// A fake holding `people/c1`, behind a proxy that gives the first
/// requests `script`, and a client of it with quick retries and a 500 ms timeout.
async fn through(
    script: impl IntoIterator<Item = Option<Fault>>,
) -> Result<(FakePeople, FaultProxy, PeopleService), Box<dyn std::error::Error>> {
    let seed: Seed =
        serde_json::from_value(json!({"contacts": [{"names": [{"givenName": "Ada"}]}]}))?;
    let fake = FakePeople::builder().seed(seed).start().await?;
    let plan = FaultPlan::scripted(script).hang_for(Duration::from_millis(900));
    let proxy = FaultProxy::start(fake.address(), plan).await?;
    let people = people_at(proxy.base_url())?;
    Ok((fake, proxy, people))
}

fn people_at(url: &str) -> Result<PeopleService, runtime::Error> {
    let client = runtime::Client::builder(&API)
        .base_url(url)
        .authenticator(runtime::auth::StaticToken::new("fault-token"))
        .timeout(Some(Duration::from_millis(500)))
        .retry(
            runtime::RetryPolicy::default()
                .with_initial_backoff(Duration::from_millis(5))
                .with_max_backoff(Duration::from_millis(20)),
        )
        .build()?;
    Ok(PeopleService::from_client(client))
}

fn grace() -> Person {
    Person::default().set_names([Name::default().set_given_name("Grace")])
}

fn stored_named(fake: &FakePeople, given: &str) -> usize {
    let contacts = fake.snapshot().contacts;
    contacts.iter().filter(|contact| contact["names"][0]["givenName"] == given).count()
}

#[tokio::test]
async fn a_create_whose_answer_is_lost_is_sent_once_and_reported_as_may_have_been_applied()
-> TestResult {
    let (fake, proxy, people) = through([Some(Fault::ResetAfterServer)]).await?;
    let error =
        people.people().create_contact(grace()).send().await.err().ok_or("a lost answer")?;
    assert!(matches!(error, runtime::Error::Transport { .. }), "{error:?}");
    assert!(error.may_have_been_applied(), "{error}");
    assert_eq!(proxy.counts().requests, 1, "a POST is not sent again behind the caller's back");
    assert_eq!(stored_named(&fake, "Grace"), 1, "the server did create it, once");
    Ok(())
}

#[tokio::test]
async fn a_create_cut_off_before_the_server_is_in_doubt_too_and_was_not_made() -> TestResult {
    let (fake, proxy, people) = through([Some(Fault::ResetBeforeServer)]).await?;
    let error = people.people().create_contact(grace()).send().await.err().ok_or("a reset")?;
    // The client cannot tell this reset from the one after the server acted:
    // only a lookup can.
    assert!(error.may_have_been_applied(), "{error}");
    assert_eq!(proxy.counts().requests, 1);
    assert_eq!(stored_named(&fake, "Grace"), 0);
    Ok(())
}

#[tokio::test]
async fn a_500_after_the_server_acted_on_a_create_is_not_retried_and_is_in_doubt() -> TestResult {
    let (fake, proxy, people) = through([Some(Fault::InternalAfterServer)]).await?;
    let error = people.people().create_contact(grace()).send().await.err().ok_or("a 500")?;
    assert_eq!(error.status(), Some(500));
    assert!(error.may_have_been_applied(), "{error}");
    assert_eq!(proxy.counts().requests, 1);
    assert_eq!(stored_named(&fake, "Grace"), 1);
    Ok(())
}

#[tokio::test]
async fn a_create_rate_limited_by_the_proxy_is_sent_again_and_made_once() -> TestResult {
    let (fake, proxy, people) = through([Some(Fault::TooManyRequests)]).await?;
    people.people().create_contact(grace()).send().await?;
    assert_eq!(proxy.counts().requests, 2, "a 429 means not carried out: sent again");
    assert_eq!(stored_named(&fake, "Grace"), 1);
    Ok(())
}

#[tokio::test]
async fn a_connection_that_cannot_be_opened_was_not_applied() -> TestResult {
    let listener = std::net::TcpListener::bind("127.0.0.1:0")?;
    let address = listener.local_addr()?;
    drop(listener);
    let people = people_at(&format!("http://{address}/"))?;
    let create = people.people().create_contact(grace()).retry(runtime::RetryPolicy::never());
    let error = create.send().await.err().ok_or("nothing listens there")?;
    assert!(matches!(error, runtime::Error::Transport { .. }), "{error:?}");
    assert!(!error.may_have_been_applied(), "{error}");
    Ok(())
}

#[tokio::test]
async fn a_read_is_sent_again_through_every_kind_of_fault_and_succeeds() -> TestResult {
    for kind in Fault::ALL {
        let (_fake, proxy, people) = through([Some(kind)]).await?;
        let read = people.people().get("people/c1").person_fields(PersonField::Names);
        let person = read.send().await.map_err(|error| format!("{kind:?}: {error}"))?;
        assert_eq!(person.resource_name.as_deref(), Some("people/c1"), "{kind:?}");
        let counts = proxy.counts();
        assert_eq!(counts.of(kind), 1, "{kind:?}");
        let expected = if kind == Fault::Delay { 1 } else { 2 };
        assert_eq!(counts.requests, expected, "{kind:?}: {counts}");
    }
    Ok(())
}

/// The runtime sends a DELETE again after a broken connection (it is safe
/// to repeat); when the first attempt had deleted the contact, the second
/// is answered 404. The contact is gone either way: a caller that deletes
/// treats `is_not_found()` as done (documented on `RetryPolicy`).
#[tokio::test]
async fn a_delete_sent_again_after_its_answer_was_lost_is_answered_404_and_the_contact_is_gone()
-> TestResult {
    let (fake, proxy, people) = through([Some(Fault::ResetAfterServer)]).await?;
    let error = people.people().delete_contact("people/c1").send().await.err().ok_or("a 404")?;
    assert!(error.is_not_found(), "{error}");
    assert_eq!(proxy.counts().requests, 2);
    assert!(fake.contact("people/c1").is_none());
    Ok(())
}
