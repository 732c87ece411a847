//! The fake's own clock: sync token ages and the sync propagation delay are
//! measured on it, so that a test can let a week pass in a microsecond.

use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, SystemTime};

/// A clock that stands still until a test moves it with [`advance`](Self::advance).
///
/// Clones share one time, so a test keeps a clone (or asks
/// [`FakePeople::clock`](crate::FakePeople::clock)) and moves the fake's
/// time from outside. It governs what the documentation measures in time:
/// when sync tokens expire and when writes become visible to incremental
/// syncs. The `updateTime` of stored resources stays wall-clock time.
#[derive(Clone, Debug)]
pub struct FakeClock {
    inner: Arc<Inner>,
}

#[derive(Debug)]
struct Inner {
    /// The wall-clock time when the clock was made: what [`FakeClock::now`] starts at.
    start: SystemTime,
    advanced: Mutex<Duration>,
}

impl Default for FakeClock {
    fn default() -> Self {
        Self::new()
    }
}

impl FakeClock {
    /// A clock starting at the current wall-clock time, standing still.
    pub fn new() -> Self {
        Self {
            inner: Arc::new(Inner {
                start: SystemTime::now(),
                advanced: Mutex::new(Duration::ZERO),
            }),
        }
    }

    /// Moves the clock (and every clone of it) forward by `by`.
    pub fn advance(&self, by: Duration) {
        let mut advanced = self.inner.advanced.lock().unwrap_or_else(PoisonError::into_inner);
        *advanced = advanced.saturating_add(by);
    }

    /// How far the clock has been moved since it was made.
    pub fn elapsed(&self) -> Duration {
        *self.inner.advanced.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// The clock's time: when it was made, plus [`elapsed`](Self::elapsed).
    pub fn now(&self) -> SystemTime {
        let elapsed = self.elapsed();
        self.inner.start.checked_add(elapsed).unwrap_or(self.inner.start)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clones_share_one_time_that_moves_only_when_advanced() {
        let clock = FakeClock::new();
        let clone = clock.clone();
        let start = clock.now();
        assert_eq!(clock.elapsed(), Duration::ZERO);
        clone.advance(Duration::from_secs(90));
        assert_eq!(clock.elapsed(), Duration::from_secs(90));
        assert_eq!(clock.now().duration_since(start).ok(), Some(Duration::from_secs(90)));
    }
}
