//! `format: google-duration`: a signed span written as seconds, `"3.5s"`.

use std::fmt;
use std::str::FromStr;

/// A signed span of time with nanosecond precision (`google.protobuf.Duration`),
/// written `"3s"`, `"3.5s"`, `"-0.000000001s"`.
#[derive(Clone, Copy, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Duration {
    seconds: i64,
    nanos: i32,
}

/// A string that is not a duration in seconds.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InvalidDuration(String);

impl std::fmt::Display for InvalidDuration {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "invalid duration {:?}: expected seconds with up to 9 decimals and an `s`, such as \"3.5s\"",
            self.0
        )
    }
}

impl std::error::Error for InvalidDuration {}

impl Duration {
    /// `seconds` and `nanos`, which must have the same sign (as in protobuf).
    pub fn new(seconds: i64, nanos: i32) -> Option<Self> {
        let same_sign = (seconds >= 0 && nanos >= 0) || (seconds <= 0 && nanos <= 0);
        (same_sign && nanos.unsigned_abs() < 1_000_000_000).then_some(Self { seconds, nanos })
    }

    /// Whole seconds (negative for negative spans).
    pub fn seconds(&self) -> i64 {
        self.seconds
    }

    /// The fraction, in nanoseconds, with the sign of [`Self::seconds`].
    pub fn nanos(&self) -> i32 {
        self.nanos
    }

    /// The span as a `std::time::Duration`, unless it is negative.
    pub fn to_std(self) -> Option<std::time::Duration> {
        let seconds = u64::try_from(self.seconds).ok()?;
        let nanos = u32::try_from(self.nanos).ok()?;
        Some(std::time::Duration::new(seconds, nanos))
    }
}

impl TryFrom<std::time::Duration> for Duration {
    type Error = std::num::TryFromIntError;

    fn try_from(value: std::time::Duration) -> Result<Self, Self::Error> {
        Ok(Self {
            seconds: i64::try_from(value.as_secs())?,
            nanos: i32::try_from(value.subsec_nanos())?,
        })
    }
}

impl FromStr for Duration {
    type Err = InvalidDuration;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let invalid = || InvalidDuration(text.to_owned());
        let number = text.strip_suffix('s').ok_or_else(invalid)?;
        let (negative, unsigned) = match number.strip_prefix('-') {
            Some(rest) => (true, rest),
            None => (false, number),
        };
        let (whole, fraction) = unsigned.split_once('.').unwrap_or((unsigned, ""));
        let digits = |part: &str| part.bytes().all(|byte| byte.is_ascii_digit());
        if whole.is_empty() || !digits(whole) || !digits(fraction) || fraction.len() > 9 {
            return Err(invalid());
        }
        let seconds: i64 = whole.parse().map_err(|_| invalid())?;
        let nanos: i32 = if fraction.is_empty() {
            0
        } else {
            format!("{fraction:0<9}").parse().map_err(|_| invalid())?
        };
        Ok(if negative {
            Self { seconds: -seconds, nanos: -nanos }
        } else {
            Self { seconds, nanos }
        })
    }
}

impl fmt::Display for Duration {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.seconds < 0 || self.nanos < 0 {
            f.write_str("-")?;
        }
        write!(f, "{}", self.seconds.unsigned_abs())?;
        super::write_fraction(f, self.nanos.unsigned_abs())?;
        f.write_str("s")
    }
}

impl fmt::Debug for Duration {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Duration({self})")
    }
}

super::serde_as_text!(Duration);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_prints_protobuf_durations() {
        for (text, seconds, nanos, printed) in [
            ("3s", 3, 0, "3s"),
            ("3.5s", 3, 500_000_000, "3.500s"),
            ("-0.000000001s", 0, -1, "-0.000000001s"),
            ("-2.25s", -2, -250_000_000, "-2.250s"),
        ] {
            let duration: Duration = text.parse().unwrap();
            assert_eq!((duration.seconds(), duration.nanos()), (seconds, nanos), "{text}");
            assert_eq!(duration.to_string(), printed);
        }
    }

    #[test]
    fn rejects_what_is_not_seconds() {
        for text in ["3", "s", "1.2.3s", "1.0000000001s", "abc", "+1s"] {
            assert!(text.parse::<Duration>().is_err(), "{text}");
        }
    }

    #[test]
    fn converts_to_std_unless_negative() {
        assert_eq!(
            "1.5s".parse::<Duration>().unwrap().to_std(),
            Some(std::time::Duration::from_millis(1500))
        );
        assert_eq!("-1s".parse::<Duration>().unwrap().to_std(), None);
    }
}
