//! Randomness that only has to differ from call to call (retry jitter,
//! multipart boundaries), never keep a secret: the standard library's
//! randomly seeded hasher gives it without another crate.

use std::collections::hash_map::RandomState;
use std::hash::{BuildHasher, Hasher};

/// A random 64-bit number: each `RandomState` has new keys (seeded from the
/// operating system once per thread, then stepped), so each hash differs.
pub(crate) fn u64() -> u64 {
    RandomState::new().build_hasher().finish()
}

/// A random number in `[0, 1)`.
pub(crate) fn unit() -> f64 {
    // The 53 high bits fill an f64's mantissa exactly.
    (u64() >> 11) as f64 / (1_u64 << 53) as f64
}

/// `len` random ASCII letters and digits.
pub(crate) fn alphanumeric(len: usize) -> String {
    const CHARS: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    (0..len).map(|_| char::from(CHARS[(u64() % CHARS.len() as u64) as usize])).collect()
}

#[cfg(test)]
mod tests {
    #[test]
    fn numbers_differ_from_call_to_call_and_stay_in_range() {
        let numbers: std::collections::BTreeSet<u64> = (0..100).map(|_| super::u64()).collect();
        assert_eq!(numbers.len(), 100);
        assert!((0..1000).map(|_| super::unit()).all(|unit| (0.0..1.0).contains(&unit)));
        let text = super::alphanumeric(32);
        assert_eq!(text.len(), 32);
        assert!(text.bytes().all(|b| b.is_ascii_alphanumeric()), "{text}");
        assert_ne!(text, super::alphanumeric(32));
    }
}
