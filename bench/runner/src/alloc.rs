//! A counting allocator: the memory benchmark needs the peak heap of one
//! decode, which no outside profiler can attribute to a single call.

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::Ordering::Relaxed;
use std::sync::atomic::{AtomicBool, AtomicIsize};

/// Wraps `System`. It counts only while [`peak_during`] runs, so the timing
/// benchmarks pay one relaxed load per allocation and nothing else.
pub struct Counting;

static TRACKING: AtomicBool = AtomicBool::new(false);
// Signed: blocks allocated before counting started may be freed during it.
static CURRENT: AtomicIsize = AtomicIsize::new(0);
static PEAK: AtomicIsize = AtomicIsize::new(0);
static ALLOCATIONS: AtomicIsize = AtomicIsize::new(0);

/// A new block: counted, and grown by its size.
fn allocated(bytes: usize) {
    if TRACKING.load(Relaxed) {
        ALLOCATIONS.fetch_add(1, Relaxed);
    }
    grew(bytes);
}

fn grew(bytes: usize) {
    if TRACKING.load(Relaxed) {
        let now = CURRENT.fetch_add(bytes as isize, Relaxed) + bytes as isize;
        PEAK.fetch_max(now, Relaxed);
    }
}

fn shrank(bytes: usize) {
    if TRACKING.load(Relaxed) {
        CURRENT.fetch_sub(bytes as isize, Relaxed);
    }
}

// SAFETY: every call is forwarded to `System` with the caller's arguments;
// the counters never influence what is returned.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: the caller upholds `GlobalAlloc::alloc`'s contract.
        let block = unsafe { System.alloc(layout) };
        if !block.is_null() {
            allocated(layout.size());
        }
        block
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        // SAFETY: as for `alloc`.
        let block = unsafe { System.alloc_zeroed(layout) };
        if !block.is_null() {
            allocated(layout.size());
        }
        block
    }

    unsafe fn dealloc(&self, block: *mut u8, layout: Layout) {
        // SAFETY: `block` came from this allocator, that is from `System`.
        unsafe { System.dealloc(block, layout) };
        shrank(layout.size());
    }

    unsafe fn realloc(&self, block: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        // SAFETY: `block` came from `System` with `layout`.
        let moved = unsafe { System.realloc(block, layout, new_size) };
        if !moved.is_null() {
            if new_size >= layout.size() {
                grew(new_size - layout.size());
            } else {
                shrank(layout.size() - new_size);
            }
        }
        moved
    }
}

/// What one piece of work did to the heap, in bytes on top of what was live before.
pub struct HeapUse {
    /// The most that was live at once.
    pub peak: usize,
    /// What was still live at the end: the size of the result.
    pub held: usize,
    /// Blocks allocated (reallocations not counted).
    pub allocations: usize,
}

/// Runs `work` (on this thread, with no other thread allocating) and measures its heap use.
pub fn peak_during<T>(work: impl FnOnce() -> T) -> (T, HeapUse) {
    CURRENT.store(0, Relaxed);
    PEAK.store(0, Relaxed);
    ALLOCATIONS.store(0, Relaxed);
    TRACKING.store(true, Relaxed);
    let value = work();
    TRACKING.store(false, Relaxed);
    let bytes = |counter: &AtomicIsize| usize::try_from(counter.load(Relaxed)).unwrap_or(0);
    let heap =
        HeapUse { peak: bytes(&PEAK), held: bytes(&CURRENT), allocations: bytes(&ALLOCATIONS) };
    (value, heap)
}
