//! The memory a resumable upload from a file holds: measured by counting
//! every allocation of this test binary (its only test, so nothing else
//! allocates meanwhile) while 64 MiB go to a server started here that reads
//! bodies in 64 KiB pieces. The peak above the start is one chunk and less
//! than 1 MiB besides.

mod upload_server;

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};

use gapi_runtime::{Media, Resumable, RetryPolicy};
use upload_server::{UPLOAD, UploadServer, write_content};

/// The system allocator, counting the bytes in use and their peak.
struct Counting;

static IN_USE: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

// SAFETY: every call goes to the system allocator unchanged; only counters
// are updated besides.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: the caller's layout, passed on.
        let pointer = unsafe { System.alloc(layout) };
        if !pointer.is_null() {
            let now = IN_USE.fetch_add(layout.size(), Ordering::SeqCst) + layout.size();
            PEAK.fetch_max(now, Ordering::SeqCst);
        }
        pointer
    }

    unsafe fn dealloc(&self, pointer: *mut u8, layout: Layout) {
        // SAFETY: a pointer this allocator gave, with its layout.
        unsafe { System.dealloc(pointer, layout) };
        IN_USE.fetch_sub(layout.size(), Ordering::SeqCst);
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

const MIB: u64 = 1024 * 1024;

#[derive(serde::Deserialize)]
struct Uploaded {
    size: String,
}

impl gapi_runtime::__private::ResponseBody for Uploaded {
    fn from_json(json: &[u8]) -> Result<Self, gapi_runtime::__private::DecodeFailure> {
        gapi_runtime::__private::decode_json(json)
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_64_mib_upload_from_a_file_holds_one_chunk_of_memory_and_less_than_1_mib_more() {
    let size = 64 * MIB;
    let chunk = 8 * MIB;
    let path = std::env::temp_dir().join(format!("gapi-upload-memory-{}.bin", std::process::id()));
    {
        use std::io::Write;
        let mut file = std::io::BufWriter::new(std::fs::File::create(&path).expect("a file"));
        write_content(0, size, &mut file).expect("written");
        file.flush().expect("written");
    }
    let server = UploadServer::start(Vec::new()).await;
    let client = server.client(RetryPolicy::default());
    let call = server.call(&client);
    let media = Media::from_file("video/mp4", &path).expect("file");
    let upload = Resumable::new(media).chunk_size(chunk as usize);

    let start = IN_USE.load(Ordering::SeqCst);
    PEAK.store(start, Ordering::SeqCst);
    let uploaded: Uploaded = call.upload_resumable(&UPLOAD, upload).await.expect("uploaded");
    let peak = PEAK.load(Ordering::SeqCst) - start;

    assert_eq!(uploaded.size, size.to_string());
    server.log(|log| {
        assert!(log.violations.is_empty(), "{:?}", log.violations);
        assert_eq!(log.puts.len(), 8, "eight chunks of 8 MiB");
    });
    assert!(
        (peak as u64) < chunk + MIB,
        "the upload held {:.1} MiB at its peak, chunks are {} MiB",
        peak as f64 / MIB as f64,
        chunk / MIB
    );
    println!("peak above the start: {:.2} MiB for chunks of 8 MiB", peak as f64 / MIB as f64);
    std::fs::remove_file(path).expect("cleaned up");
}
