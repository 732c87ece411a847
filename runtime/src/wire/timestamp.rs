//! `format: google-datetime` / `date-time`: an instant in RFC 3339.
//!
//! RFC 3339 is read and written here, with the civil-date arithmetic it
//! needs, rather than with a date-time crate: that is all the runtime asks
//! of one, and five crates fewer to build.

use std::fmt;
use std::str::FromStr;
use std::time::{Duration as StdDuration, SystemTime, UNIX_EPOCH};

/// An instant with nanosecond precision, between 0001-01-01T00:00:00Z and
/// 9999-12-31T23:59:59.999999999Z (the range of `google.protobuf.Timestamp`).
///
/// Decoding accepts any RFC 3339 offset; encoding writes UTC (`Z`) with 0,
/// 3, 6 or 9 fractional digits, as Google does.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Timestamp {
    /// Seconds since the Unix epoch, in `MIN_SECONDS..=MAX_SECONDS`.
    seconds: i64,
    /// Nanoseconds past `seconds`, below one second.
    nanos: u32,
}

/// 0001-01-01T00:00:00Z and 9999-12-31T23:59:59Z, in Unix seconds.
const MIN_SECONDS: i64 = -62_135_596_800;
const MAX_SECONDS: i64 = 253_402_300_799;
const SECONDS_PER_DAY: i64 = 86_400;
const NANOS_PER_SECOND: u32 = 1_000_000_000;

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
        (MIN_SECONDS..=MAX_SECONDS)
            .contains(&seconds)
            .then_some(Self { seconds, nanos: nanos.min(NANOS_PER_SECOND - 1) })
    }

    /// Now, by the system clock; a clock outside years 1 to 9999 reads as
    /// the nearer end of the range.
    pub fn now() -> Self {
        let now = SystemTime::now();
        Self::try_from(now).unwrap_or(if now < UNIX_EPOCH {
            Self { seconds: MIN_SECONDS, nanos: 0 }
        } else {
            Self { seconds: MAX_SECONDS, nanos: NANOS_PER_SECOND - 1 }
        })
    }

    /// Whole seconds since the Unix epoch (negative before 1970).
    pub fn unix_seconds(&self) -> i64 {
        self.seconds
    }

    /// The nanoseconds past [`Self::unix_seconds`].
    pub fn subsec_nanos(&self) -> u32 {
        self.nanos
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
        let unix = match time.duration_since(UNIX_EPOCH) {
            Ok(after) => {
                i64::try_from(after.as_secs()).ok().map(|seconds| (seconds, after.subsec_nanos()))
            }
            Err(before) => {
                let before = before.duration();
                let seconds = i64::try_from(before.as_secs()).ok().map(|seconds| -seconds);
                match before.subsec_nanos() {
                    0 => seconds.map(|seconds| (seconds, 0)),
                    nanos => seconds.map(|seconds| (seconds - 1, NANOS_PER_SECOND - nanos)),
                }
            }
        };
        unix.and_then(|(seconds, nanos)| Self::from_unix(seconds, nanos)).ok_or_else(|| {
            InvalidTimestamp { text: format!("{time:?}"), reason: "outside years 1 to 9999".into() }
        })
    }
}

impl FromStr for Timestamp {
    type Err = InvalidTimestamp;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let invalid =
            |reason: &str| InvalidTimestamp { text: text.to_owned(), reason: reason.into() };
        let (seconds, nanos) = parse_rfc3339(text.as_bytes()).map_err(invalid)?;
        Self::from_unix(seconds, nanos).ok_or_else(|| invalid("outside years 1 to 9999"))
    }
}

/// `YYYY-MM-DDTHH:MM:SS[.fraction](Z|+HH:MM|-HH:MM)` as Unix seconds and
/// nanoseconds. As RFC 3339 allows, `t` and `z` may be lower case and a
/// space may stand for `T`; any number of fractional digits is read, those
/// past the ninth dropped. A leap second (`:60`) is refused: Google's
/// timestamps smear them.
fn parse_rfc3339(text: &[u8]) -> Result<(i64, u32), &'static str> {
    const SHAPE: &str = "expected YYYY-MM-DDTHH:MM:SS[.fraction] and Z or an offset +HH:MM";
    let number = |at: usize, len: usize| -> Result<u32, &'static str> {
        let digits = text.get(at..at + len).ok_or(SHAPE)?;
        digits.iter().try_fold(0, |value, &byte| match byte {
            b'0'..=b'9' => Ok(value * 10 + u32::from(byte - b'0')),
            _ => Err(SHAPE),
        })
    };
    let expect = |at: usize, allowed: &[u8]| match text.get(at) {
        Some(byte) if allowed.contains(byte) => Ok(()),
        _ => Err(SHAPE),
    };
    let (year, month, day) = (number(0, 4)?, number(5, 2)?, number(8, 2)?);
    expect(4, b"-")?;
    expect(7, b"-")?;
    expect(10, b"Tt ")?;
    let (hour, minute, second) = (number(11, 2)?, number(14, 2)?, number(17, 2)?);
    expect(13, b":")?;
    expect(16, b":")?;
    if !(1..=12).contains(&month) || !(1..=days_in_month(year, month)).contains(&day) {
        return Err("no such date");
    }
    if hour > 23 || minute > 59 || second > 59 {
        return Err("no such time of day");
    }
    let mut at = 19;
    let mut nanos = 0;
    if text.get(at) == Some(&b'.') {
        at += 1;
        let digits = text[at..].iter().take_while(|byte| byte.is_ascii_digit()).count();
        if digits == 0 {
            return Err(SHAPE);
        }
        for (place, byte) in text[at..at + digits].iter().take(9).enumerate() {
            nanos += u32::from(byte - b'0') * 10u32.pow(8 - place as u32);
        }
        at += digits;
    }
    let offset_seconds = match text.get(at) {
        Some(b'Z' | b'z') if text.len() == at + 1 => 0,
        Some(sign @ (b'+' | b'-')) if text.len() == at + 6 => {
            let (hours, minutes) = (number(at + 1, 2)?, number(at + 4, 2)?);
            expect(at + 3, b":")?;
            if hours > 23 || minutes > 59 {
                return Err("no such offset");
            }
            let offset = i64::from(hours * 3600 + minutes * 60);
            if *sign == b'-' { -offset } else { offset }
        }
        _ => return Err(SHAPE),
    };
    let days = days_from_civil(i64::from(year), month, day);
    let local = days * SECONDS_PER_DAY + i64::from(hour * 3600 + minute * 60 + second);
    Ok((local - offset_seconds, nanos))
}

fn is_leap_year(year: u32) -> bool {
    year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
}

fn days_in_month(year: u32, month: u32) -> u32 {
    match month {
        2 if is_leap_year(year) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Days from 1970-01-01 to the proleptic Gregorian date (negative before),
/// counting in 400-year eras that start on 1 March, after Howard Hinnant's
/// `days_from_civil`.
fn days_from_civil(year: i64, month: u32, day: u32) -> i64 {
    let year = if month <= 2 { year - 1 } else { year };
    let era = year.div_euclid(400);
    let year_of_era = year - era * 400;
    let day_of_year = (153 * i64::from((month + 9) % 12) + 2) / 5 + i64::from(day) - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    era * 146_097 + day_of_era - 719_468
}

/// The inverse of [`days_from_civil`]: year, month, day.
fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let days = days + 719_468;
    let era = days.div_euclid(146_097);
    let day_of_era = days - era * 146_097;
    let year_of_era =
        (day_of_era - day_of_era / 1_460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let month_from_march = (5 * day_of_year + 2) / 153;
    let day = day_of_year - (153 * month_from_march + 2) / 5 + 1;
    let month = if month_from_march < 10 { month_from_march + 3 } else { month_from_march - 9 };
    let year = year_of_era + era * 400 + i64::from(month <= 2);
    // In range by construction: 1..=12 and 1..=31.
    (year, month as u32, day as u32)
}

impl fmt::Display for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (year, month, day) = civil_from_days(self.seconds.div_euclid(SECONDS_PER_DAY));
        // In range by construction: years 1 to 9999, seconds within a day.
        let (year, second_of_day) = (year as u32, self.seconds.rem_euclid(SECONDS_PER_DAY) as u32);
        let mut text = *b"0000-00-00T00:00:00";
        for (at, len, value) in [
            (0, 4, year),
            (5, 2, month),
            (8, 2, day),
            (11, 2, second_of_day / 3600),
            (14, 2, second_of_day / 60 % 60),
            (17, 2, second_of_day % 60),
        ] {
            super::write_digits(&mut text[at..at + len], value);
        }
        f.write_str(super::ascii(&text)?)?;
        super::write_fraction(f, self.nanos)?;
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

    /// A small deterministic generator, so that failures repeat.
    struct Lcg(u64);

    impl Lcg {
        fn below(&mut self, bound: u64) -> u64 {
            self.0 = self
                .0
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            (self.0 >> 33) % bound
        }

        fn pick<'a>(&mut self, choices: &[&'a str]) -> &'a str {
            choices[self.below(choices.len() as u64) as usize]
        }
    }

    /// What the `time` crate makes of `text`: Unix seconds and nanoseconds
    /// in our range, or nothing.
    fn by_the_time_crate(text: &str) -> Option<(i64, u32)> {
        use time::format_description::well_known::Rfc3339;
        let parsed = time::OffsetDateTime::parse(text, &Rfc3339).ok()?;
        let utc = parsed.to_offset(time::UtcOffset::UTC);
        (1..=9999).contains(&utc.year()).then(|| (utc.unix_timestamp(), utc.nanosecond()))
    }

    #[test]
    fn parsing_agrees_with_the_time_crate_on_valid_and_broken_text() {
        let mut random = Lcg(7);
        let years = [
            "0000", "0001", "0004", "0100", "1600", "1900", "1969", "1970", "2000", "2024", "2100",
            "9999", "12x4",
        ];
        let fractions = [
            "",
            ".",
            ".5",
            ".123",
            ".1234",
            ".123456",
            ".123456789",
            ".1234567891",
            ".000000000001",
            ".9999999999",
        ];
        let zones = [
            "Z", "z", "+00:00", "-00:00", "+02:30", "-23:59", "+24:00", "+01:60", "+0100", "",
            "Zz", " Z",
        ];
        let mut accepted = 0;
        for _ in 0..20_000 {
            let text = format!(
                "{}-{:02}-{:02}{}{:02}:{:02}:{:02}{}{}",
                random.pick(&years),
                random.below(14),
                random.below(33),
                random.pick(&["T", "t", " ", "T"]),
                random.below(26),
                random.below(61),
                random.below(62),
                random.pick(&fractions),
                random.pick(&zones),
            );
            let ours = text.parse::<Timestamp>().ok().map(|t| (t.unix_seconds(), t.subsec_nanos()));
            assert_eq!(ours, by_the_time_crate(&text), "{text}");
            accepted += usize::from(ours.is_some());
        }
        assert!(accepted > 2_000, "the sample holds valid timestamps too: {accepted}");
    }

    #[test]
    fn writing_agrees_with_the_time_crate_across_the_range() {
        let mut random = Lcg(11);
        let span = (MAX_SECONDS - MIN_SECONDS) as u64;
        let edges = [MIN_SECONDS, -1, 0, 951_782_400, 4_107_542_400, MAX_SECONDS];
        let samples: Vec<i64> =
            (0..20_000).map(|_| MIN_SECONDS + random.below(span + 1) as i64).collect();
        for seconds in edges.into_iter().chain(samples) {
            let nanos = [0, 5_000_000, 123_456_000, 999_999_999][random.below(4) as usize];
            let stamp = Timestamp::from_unix(seconds, nanos).unwrap();
            let theirs = time::OffsetDateTime::from_unix_timestamp(seconds).unwrap();
            let expected = format!(
                "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}",
                theirs.year(),
                u8::from(theirs.month()),
                theirs.day(),
                theirs.hour(),
                theirs.minute(),
                theirs.second()
            );
            let written = stamp.to_string();
            assert!(written.starts_with(&expected), "{seconds}: {written} vs {expected}");
            assert_eq!(written.parse::<Timestamp>().unwrap(), stamp, "{written}");
        }
    }
}
