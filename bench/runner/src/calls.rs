//! Item 4: requests per second of a typed `people.get` against a local server,
//! ours and google-people1's, against a hand-written reqwest request of the
//! same bytes (the floor).

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, ensure};
use google_people_v1::PeopleService;
use google_people_v1::runtime::{self, auth::StaticToken};
use google_people_v1::types::{Person, PersonField};
use hyper_util::client::legacy::{Client as HyperClient, connect::HttpConnector};
use hyper_util::rt::TokioExecutor;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::runtime::Runtime;
use tokio::sync::oneshot;

use crate::Settings;
use crate::alloc::peak_during;
use crate::report::{Row, Section};
use crate::stats::{alternate, median, paired_ratios};

const ITEM: &str = "4 call";
/// The answer to every request: a small Person, as `people/me` with `names` comes back.
const PERSON: &str = r#"{"resourceName":"people/me","etag":"%EgUBAi43PRoEAQIFByIMR0xxd1R4dz0=","names":[{"metadata":{"primary":true,"source":{"type":"PROFILE","id":"111111111111111111111"}},"displayName":"Ada Lovelace","familyName":"Lovelace","givenName":"Ada","displayNameLastFirst":"Lovelace, Ada","unstructuredName":"Ada Lovelace"}]}"#;
/// Requests each client sends before timing: connection set up, caches warm.
const WARMUP: usize = 200;
/// Requests whose allocations are counted.
const COUNTED: usize = 100;

pub fn run(settings: &Settings) -> Result<Section> {
    let server = Server::start()?;
    let client = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .context("cannot start the client's async runtime")?;
    let base = server.base_url.clone();

    let ours = PeopleService::from_client(
        runtime::Client::builder(&google_people_v1::API)
            .base_url(&base)
            .authenticator(StaticToken::new("t"))
            .build()?,
    );
    // Set up as the runtime sets up its client (TLS provider, user agent), so
    // that the two differ only in what happens per request.
    let by_hand = runtime::http_client(google_people_v1::API.user_agent, Duration::from_secs(10))?;
    let url = format!("{base}v1/people/me?personFields=names");
    let mut theirs = google_people1::PeopleService::new(
        HyperClient::builder(TokioExecutor::new()).build(HttpConnector::new()),
        "t".to_owned(),
    );
    theirs.base_url(base.clone());

    let ours_get = async || -> Result<Person> {
        Ok(ours.people().get("people/me").person_fields(PersonField::Names).send().await?)
    };
    let by_hand_get = async || -> Result<Person> {
        let response = by_hand.get(&url).bearer_auth("t").send().await?.error_for_status()?;
        Ok(serde_json::from_slice(&response.bytes().await?)?)
    };
    let theirs_get = async || -> Result<google_people1::api::Person> {
        let fields = google_people1::FieldMask::new(&["names"]);
        Ok(theirs.people().get("people/me").person_fields(fields).doit().await?.1)
    };

    // Same bytes on the wire: the floor must send exactly what ours sends.
    let ours_head = client.block_on(async {
        repeat(WARMUP, &ours_get).await?;
        Ok::<_, anyhow::Error>(server.last_head())
    })?;
    let by_hand_head = client.block_on(async {
        repeat(WARMUP, &by_hand_get).await?;
        Ok::<_, anyhow::Error>(server.last_head())
    })?;
    ensure!(
        ours_head == by_hand_head,
        "the hand-written request differs from ours:\n{ours_head}\nvs\n{by_hand_head}"
    );
    client.block_on(repeat(WARMUP, &theirs_get))?;
    let allocations = [
        allocations_per_call(&client, &ours_get)?,
        allocations_per_call(&client, &by_hand_get)?,
        allocations_per_call(&client, &theirs_get)?,
    ];

    let requests = settings.call_requests;
    let samples = alternate(
        settings.call_rounds,
        &mut [
            &mut || client.block_on(rate(requests, &ours_get)),
            &mut || client.block_on(rate(requests, &by_hand_get)),
            &mut || client.block_on(rate(requests, &theirs_get)),
        ],
    )?;
    let [ours, by_hand, theirs] = [0, 1, 2].map(|which| median(&samples[which]));
    drop(server);

    let mut section = Section::default();
    section.rows.push(
        Row::new(ITEM, "people.get, requests/s, vs hand-written reqwest (the floor)")
            .ours(per_second(ours))
            .other_paired(per_second(by_hand), &paired_ratios(&samples[0], &samples[1]))
            .ratio_at_least(0.98),
    );
    section.rows.push(
        Row::new(ITEM, "people.get, requests/s, vs google-people1")
            .ours(per_second(ours))
            .other_paired(per_second(theirs), &paired_ratios(&samples[0], &samples[2])),
    );
    section.rows.push(
        Row::new(ITEM, "Allocations per people.get (the server's included), vs the floor")
            .ours(format!("{:.1}", allocations[0]))
            .other(format!("{:.1}", allocations[1]), allocations[0] / allocations[1]),
    );
    section.rows.push(
        Row::new(ITEM, "Allocations per people.get (the server's included), vs google-people1")
            .ours(format!("{:.1}", allocations[0]))
            .other(format!("{:.1}", allocations[2]), allocations[0] / allocations[2]),
    );
    section.notes.push(format!(
        "Calls: a keep-alive HTTP/1.1 server on 127.0.0.1 (its own thread and runtime) answers \
         every request with the same {}-byte Person. Each client sends sequential requests over \
         one connection from a current-thread runtime: ours is \
         `people().get(\"people/me\").person_fields(PersonField::Names).send()`; the floor is a \
         hand-written GET of the same URL on a `reqwest::Client` set up as the runtime sets \
         up its own (`runtime::http_client`: TLS provider, user agent), with the same headers (checked byte for byte \
         against ours) whose body is decoded into the same `Person` type; google-people1 is \
         its `people().get(..).person_fields(..).doit()` on a hyper-util client (its request \
         adds `alt=json` and its own user agent). {WARMUP} warm-up requests each, then {} \
         rounds of {requests} requests per client, clients rotated; the median rate, and the \
         ratio as the median of the round-by-round ratios with their interquartile range.",
        PERSON.len(),
        settings.call_rounds
    ));
    Ok(section)
}

/// Heap blocks allocated per call, over {COUNTED} calls after the warm-up,
/// the server thread's included (the same work for every client).
fn allocations_per_call<T>(client: &Runtime, get: &impl AsyncFn() -> Result<T>) -> Result<f64> {
    let (sent, heap) = peak_during(|| client.block_on(repeat(COUNTED, get)));
    sent?;
    Ok(heap.allocations as f64 / COUNTED as f64)
}

async fn repeat<T>(times: usize, get: &impl AsyncFn() -> Result<T>) -> Result<()> {
    for _ in 0..times {
        std::hint::black_box(get().await?);
    }
    Ok(())
}

async fn rate<T>(requests: usize, get: &impl AsyncFn() -> Result<T>) -> Result<f64> {
    let started = Instant::now();
    repeat(requests, get).await?;
    Ok(requests as f64 / started.elapsed().as_secs_f64())
}

fn per_second(rate: f64) -> String {
    format!("{rate:.0}/s")
}

/// The local server: its base URL, the head of the last request it read, and
/// the way to stop it.
struct Server {
    base_url: String,
    last_head: Arc<Mutex<String>>,
    stop: Option<oneshot::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Server {
    fn start() -> Result<Self> {
        let listener =
            std::net::TcpListener::bind("127.0.0.1:0").context("cannot listen on 127.0.0.1")?;
        listener.set_nonblocking(true).context("cannot make the listener non-blocking")?;
        let base_url = format!("http://{}/", listener.local_addr()?);
        let runtime: Runtime = tokio::runtime::Builder::new_current_thread()
            .enable_io()
            .build()
            .context("cannot start the server's async runtime")?;
        let last_head = Arc::new(Mutex::new(String::new()));
        let heads = Arc::clone(&last_head);
        let (stop, stopped) = oneshot::channel();
        let thread = std::thread::spawn(move || {
            runtime.block_on(async move {
                let Ok(listener) = TcpListener::from_std(listener) else { return };
                tokio::select! {
                    _ = accept(listener, heads) => {}
                    _ = stopped => {}
                }
            });
        });
        Ok(Server { base_url, last_head, stop: Some(stop), thread: Some(thread) })
    }

    fn last_head(&self) -> String {
        self.last_head.lock().map(|head| head.clone()).unwrap_or_default()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

async fn accept(listener: TcpListener, heads: Arc<Mutex<String>>) {
    let response: Arc<[u8]> = format!(
        "HTTP/1.1 200 OK\r\ncontent-type: application/json; charset=UTF-8\r\n\
         content-length: {}\r\n\r\n{PERSON}",
        PERSON.len()
    )
    .into_bytes()
    .into();
    while let Ok((stream, _)) = listener.accept().await {
        let _ = stream.set_nodelay(true);
        tokio::spawn(serve(stream, Arc::clone(&heads), Arc::clone(&response)));
    }
}

/// Answers each request on one connection (GETs: a head and no body) until it closes.
async fn serve(mut stream: TcpStream, heads: Arc<Mutex<String>>, response: Arc<[u8]>) {
    let mut buffer = Vec::with_capacity(4096);
    let mut chunk = [0; 4096];
    loop {
        let end = loop {
            if let Some(at) = buffer.windows(4).position(|window| window == b"\r\n\r\n") {
                break at + 4;
            }
            match stream.read(&mut chunk).await {
                Ok(0) | Err(_) => return,
                Ok(read) => buffer.extend_from_slice(&chunk[..read]),
            }
        };
        if let Ok(mut head) = heads.lock() {
            *head = String::from_utf8_lossy(&buffer[..end]).into_owned();
        }
        buffer.drain(..end);
        if stream.write_all(&response).await.is_err() {
            return;
        }
    }
}
