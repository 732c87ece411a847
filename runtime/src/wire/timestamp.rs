//! `format: google-datetime` / `date-time`: an instant in RFC 3339.

use std::fmt;
use std::str::FromStr;
use std::time::{Duration as StdDuration, SystemTime, UNIX_EPOCH};

use time::format_description::well_known::Rfc3339;
use time::{OffsetDateTime, UtcOffset};

/// An instant with nanosecond precision, between 0001-01-01T00:00:00Z and
/// 9999-12-31T23:59:59.999999999Z (the range of `google.protobuf.Timestamp`).
///
/// Decoding accepts any RFC 3339 offset; encoding writes UTC (`Z`) with 0,
/// 3, 6 or 9 fractional digits, as Google does.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Timestamp(OffsetDateTime);

/// A string that is not an RFC 3339 timestamp in the supported range.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InvalidTimestamp {
    text: String,
    reason: String,
}

impl std::fmt::Display for InvalidTimestamp {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "invalid timestamp {:?}: {}", self.text, self.reason)
    }
}

impl std::error::Error for InvalidTimestamp {}

impl Timestamp {
    /// The instant `seconds` and `nanos` after the Unix epoch, if in range.
    pub fn from_unix(seconds: i64, nanos: u32) -> Option<Self> {
        let nanos = i128::from(seconds) * 1_000_000_000 + i128::from(nanos.min(999_999_999));
        OffsetDateTime::from_unix_timestamp_nanos(nanos).ok().and_then(Self::in_range)
    }

    /// Now, by the system clock.
    pub fn now() -> Self {
        Self(OffsetDateTime::now_utc())
    }

    /// Whole seconds since the Unix epoch (negative before 1970).
    pub fn unix_seconds(&self) -> i64 {
        self.0.unix_timestamp()
    }

    /// The nanoseconds past [`Self::unix_seconds`].
    pub fn subsec_nanos(&self) -> u32 {
        self.0.nanosecond()
    }

    fn in_range(value: OffsetDateTime) -> Option<Self> {
        let utc = value.checked_to_offset(UtcOffset::UTC)?;
        (1..=9999).contains(&utc.year()).then_some(Self(utc))
    }
}

impl From<Timestamp> for SystemTime {
    fn from(stamp: Timestamp) -> Self {
        let since_epoch = StdDuration::new(stamp.unix_seconds().unsigned_abs(), 0);
        let whole = if stamp.unix_seconds() >= 0 {
            UNIX_EPOCH + since_epoch
        } else {
            UNIX_EPOCH - since_epoch
        };
        whole + StdDuration::from_nanos(u64::from(stamp.subsec_nanos()))
    }
}

impl TryFrom<SystemTime> for Timestamp {
    type Error = InvalidTimestamp;

    /// Fails outside years 1 to 9999 (a system time can reach further).
    fn try_from(time: SystemTime) -> Result<Self, Self::Error> {
        let nanos = match time.duration_since(UNIX_EPOCH) {
            Ok(after) => i128::try_from(after.as_nanos()).ok(),
            Err(before) => i128::try_from(before.duration().as_nanos()).ok().map(|n| -n),
        };
        nanos
            .and_then(|nanos| OffsetDateTime::from_unix_timestamp_nanos(nanos).ok())
            .and_then(Self::in_range)
            .ok_or_else(|| InvalidTimestamp {
                text: format!("{time:?}"),
                reason: "outside years 1 to 9999".into(),
            })
    }
}

impl FromStr for Timestamp {
    type Err = InvalidTimestamp;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let invalid = |reason: String| InvalidTimestamp { text: text.to_owned(), reason };
        let parsed =
            OffsetDateTime::parse(text, &Rfc3339).map_err(|error| invalid(error.to_string()))?;
        Self::in_range(parsed).ok_or_else(|| invalid("outside years 1 to 9999".into()))
    }
}

impl fmt::Display for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let t = self.0;
        write!(
            f,
            "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}",
            t.year(),
            u8::from(t.month()),
            t.day(),
            t.hour(),
            t.minute(),
            t.second()
        )?;
        super::write_fraction(f, t.nanosecond())?;
        f.write_str("Z")
    }
}

impl fmt::Debug for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Timestamp({self})")
    }
}

super::serde_as_text!(Timestamp);

#[cfg(test)]
mod tests {
    use super::*;

    fn round_trip(text: &str) -> String {
        text.parse::<Timestamp>().unwrap().to_string()
    }

    #[test]
    fn encodes_utc_with_three_six_or_nine_digits() {
        assert_eq!(round_trip("2024-03-13T10:00:00Z"), "2024-03-13T10:00:00Z");
        assert_eq!(round_trip("2024-03-13T10:00:00.5Z"), "2024-03-13T10:00:00.500Z");
        assert_eq!(round_trip("2024-03-13T10:00:00.1234Z"), "2024-03-13T10:00:00.123400Z");
        assert_eq!(round_trip("2024-03-13T10:00:00.123456789Z"), "2024-03-13T10:00:00.123456789Z");
    }

    #[test]
    fn offsets_are_converted_to_utc() {
        assert_eq!(round_trip("2024-03-13T12:30:00+02:30"), "2024-03-13T10:00:00Z");
    }

    #[test]
    fn range_is_years_one_to_9999() {
        assert_eq!(round_trip("0001-01-01T00:00:00Z"), "0001-01-01T00:00:00Z");
        assert_eq!(round_trip("9999-12-31T23:59:59.999999999Z"), "9999-12-31T23:59:59.999999999Z");
        assert!("9999-12-31T23:59:59-01:00".parse::<Timestamp>().is_err());
        assert!("yesterday".parse::<Timestamp>().unwrap_err().to_string().contains("yesterday"));
    }

    #[test]
    fn unix_conversions_agree() {
        let stamp = Timestamp::from_unix(1_710_324_000, 250_000_000).unwrap();
        assert_eq!(stamp.to_string(), "2024-03-13T10:00:00.250Z");
        assert_eq!((stamp.unix_seconds(), stamp.subsec_nanos()), (1_710_324_000, 250_000_000));
        assert_eq!(serde_json::to_string(&stamp).unwrap(), r#""2024-03-13T10:00:00.250Z""#);
    }

    #[test]
    fn system_time_conversions_round_trip_before_and_after_1970() {
        for text in ["2024-03-13T10:00:00.250Z", "1969-12-31T23:59:59.500Z", "0001-01-01T00:00:00Z"]
        {
            let stamp: Timestamp = text.parse().unwrap();
            let system = SystemTime::from(stamp);
            assert_eq!(Timestamp::try_from(system).unwrap(), stamp, "{text}");
        }
        let system = SystemTime::from(Timestamp::from_unix(-1, 500_000_000).unwrap());
        assert_eq!(UNIX_EPOCH.duration_since(system).unwrap(), StdDuration::from_millis(500));
    }
}
