//! When to try a call again, and how long to wait first.

use std::time::Duration;

use crate::api::HttpMethod;

/// How a client retries failed calls: exponential backoff with jitter,
/// bounded in attempts and in total time.
///
/// What is retried:
/// * 429 (rate limited) and failures to connect, for every method: the
///   request was not carried out;
/// * 500, 502, 503, 504, timeouts and connections broken mid-way, only for
///   methods safe to repeat (GET, PUT, DELETE) unless
///   [`Self::retry_non_idempotent`] is set, so that a `createContact` is
///   never sent twice behind the caller's back.
///
/// A call that failed where the server may have acted says so in
/// [`Error::may_have_been_applied`](crate::Error::may_have_been_applied).
/// A DELETE sent again after its first attempt did delete (and the answer
/// was lost) is answered 404: the resource is gone either way, so a caller
/// that deletes can take [`Error::is_not_found`](crate::Error::is_not_found)
/// as done.
///
/// The wait before attempt *n + 1* is drawn between half and all of
/// `initial_backoff * 2^(n-1)` (capped at `max_backoff`), and is never
/// shorter than what the server asked for in `Retry-After` or a `RetryInfo`
/// detail. A retry whose wait would end past `max_elapsed` is not made.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RetryPolicy {
    max_attempts: u32,
    initial_backoff: Duration,
    max_backoff: Duration,
    max_elapsed: Duration,
    retry_non_idempotent: bool,
}

impl Default for RetryPolicy {
    /// Up to 5 attempts, waits from 0.5 s doubling to at most 30 s, within 2 minutes.
    fn default() -> Self {
        Self {
            max_attempts: 5,
            initial_backoff: Duration::from_millis(500),
            max_backoff: Duration::from_secs(30),
            max_elapsed: Duration::from_secs(120),
            retry_non_idempotent: false,
        }
    }
}

impl RetryPolicy {
    /// One attempt, no retries.
    pub fn never() -> Self {
        Self { max_attempts: 1, ..Self::default() }
    }

    /// At most `attempts` attempts in all (the first included); 0 counts as 1.
    pub fn with_max_attempts(mut self, attempts: u32) -> Self {
        self.max_attempts = attempts.max(1);
        self
    }

    /// The wait before the first retry (before jitter).
    pub fn with_initial_backoff(mut self, backoff: Duration) -> Self {
        self.initial_backoff = backoff;
        self
    }

    /// The longest computed wait (a server's `Retry-After` may ask for more).
    pub fn with_max_backoff(mut self, backoff: Duration) -> Self {
        self.max_backoff = backoff;
        self
    }

    /// The time after the first attempt past which no retry starts.
    pub fn with_max_elapsed(mut self, elapsed: Duration) -> Self {
        self.max_elapsed = elapsed;
        self
    }

    /// Also retry server errors and broken connections for POST and PATCH.
    /// Only for calls the caller knows to be safe to repeat.
    pub fn retry_non_idempotent(mut self, retry: bool) -> Self {
        self.retry_non_idempotent = retry;
        self
    }

    /// The most attempts a call makes.
    pub fn max_attempts(&self) -> u32 {
        self.max_attempts
    }

    /// Whether a failure of `kind` on a `method` call may be retried.
    pub(crate) fn allows(&self, kind: Failure, method: HttpMethod) -> bool {
        match kind {
            Failure::NotExecuted => true,
            Failure::MaybeExecuted => method.is_idempotent() || self.retry_non_idempotent,
            Failure::Final | Failure::Rejected => false,
        }
    }

    /// The jittered wait after failed attempt number `attempt` (1-based).
    pub(crate) fn backoff(&self, attempt: u32) -> Duration {
        let exponent = attempt.saturating_sub(1).min(30);
        let ceiling = self.initial_backoff.saturating_mul(1 << exponent).min(self.max_backoff);
        let half = ceiling / 2;
        half + half.mul_f64(crate::random::unit())
    }

    /// Whether a retry that waits `delay` after `elapsed` still fits the budget.
    pub(crate) fn fits(&self, attempt: u32, elapsed: Duration, delay: Duration) -> bool {
        attempt < self.max_attempts && elapsed.saturating_add(delay) <= self.max_elapsed
    }
}

/// What a failed attempt says about retrying it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Failure {
    /// The server did not act on the request (429, connection refused).
    NotExecuted,
    /// The server may have acted on it (5xx, timeout, broken connection).
    MaybeExecuted,
    /// Retrying cannot help (4xx other than 429, decode errors).
    Final,
    /// The credential was refused (401) and the authenticator can get
    /// another: sent again once, at once, whatever the retry policy.
    Rejected,
}

impl Failure {
    pub(crate) fn from_status(status: u16) -> Self {
        match status {
            429 => Self::NotExecuted,
            500 | 502 | 503 | 504 => Self::MaybeExecuted,
            _ => Self::Final,
        }
    }
}

/// Parses `Retry-After`: delay-seconds or an HTTP date (RFC 9110 §10.2.3).
pub(crate) fn parse_retry_after(value: &str) -> Option<Duration> {
    let value = value.trim();
    if let Ok(seconds) = value.parse::<u64>() {
        return Some(Duration::from_secs(seconds));
    }
    let when = httpdate::parse_http_date(value).ok()?;
    Some(when.duration_since(std::time::SystemTime::now()).unwrap_or_default())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_within_jitter_bounds_and_is_capped() {
        let policy = RetryPolicy::default()
            .with_initial_backoff(Duration::from_millis(100))
            .with_max_backoff(Duration::from_millis(350));
        for _ in 0..50 {
            let first = policy.backoff(1);
            assert!(first >= Duration::from_millis(50) && first <= Duration::from_millis(100));
            let second = policy.backoff(2);
            assert!(second >= Duration::from_millis(100) && second <= Duration::from_millis(200));
            let capped = policy.backoff(10);
            assert!(capped >= Duration::from_millis(175) && capped <= Duration::from_millis(350));
        }
    }

    #[test]
    fn only_rate_limits_and_connect_failures_retry_non_idempotent_methods() {
        let policy = RetryPolicy::default();
        assert!(policy.allows(Failure::from_status(429), HttpMethod::Post));
        assert!(!policy.allows(Failure::from_status(503), HttpMethod::Post));
        assert!(policy.allows(Failure::from_status(503), HttpMethod::Get));
        assert!(!policy.allows(Failure::from_status(404), HttpMethod::Get));
        assert!(
            policy.retry_non_idempotent(true).allows(Failure::MaybeExecuted, HttpMethod::Patch)
        );
    }

    #[test]
    fn budget_bounds_attempts_and_elapsed_time() {
        let policy =
            RetryPolicy::default().with_max_attempts(3).with_max_elapsed(Duration::from_secs(10));
        assert!(policy.fits(2, Duration::from_secs(1), Duration::from_secs(1)));
        assert!(!policy.fits(3, Duration::from_secs(1), Duration::from_secs(1)));
        assert!(!policy.fits(1, Duration::from_secs(9), Duration::from_secs(2)));
        assert_eq!(RetryPolicy::never().max_attempts(), 1);
    }

    #[test]
    fn retry_after_accepts_seconds_and_http_dates() {
        assert_eq!(parse_retry_after(" 7 "), Some(Duration::from_secs(7)));
        assert_eq!(parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT"), Some(Duration::ZERO));
        assert_eq!(parse_retry_after("soon"), None);
    }
}
