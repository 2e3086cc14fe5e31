//! Calendar dates without a clock or a time-zone database: all the decision
//! needs is a day, taken from the evidence itself.

use serde::Serialize;
use std::fmt;

/// A proleptic Gregorian calendar day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date {
    /// Year, e.g. 2021.
    pub year: i32,
    /// Month, 1 to 12.
    pub month: u8,
    /// Day of the month, 1 to 31.
    pub day: u8,
}

impl Date {
    /// Parses `YYYY-MM-DD`, or an ISO-8601 timestamp, taking its day in UTC:
    /// `2021-06-09T23:30:00-05:00` is 10 June. A timestamp without a zone is
    /// read as UTC. Returns `None` for anything else, including impossible
    /// days and times such as `2021-02-30` or `25:00`: a timestamp that cannot
    /// be read is never read as a nearby one.
    ///
    /// ```
    /// use eid_archive::Date;
    /// assert_eq!(Date::parse("2021-06-09T10:04:42Z").unwrap().to_string(), "2021-06-09");
    /// assert_eq!(Date::parse("2021-06-09T23:30:00-05:00").unwrap().to_string(), "2021-06-10");
    /// assert!(Date::parse("2021-02-30").is_none());
    /// assert!(Date::parse("yesterday").is_none());
    /// ```
    pub fn parse(s: &str) -> Option<Date> {
        let s = s.trim();
        let b = s.as_bytes();
        if b.len() < 10 || b[4] != b'-' || b[7] != b'-' {
            return None;
        }
        let date = Date {
            year: digits(s, 0..4)? as i32,
            month: digits(s, 5..7)? as u8,
            day: digits(s, 8..10)? as u8,
        };
        if !date.is_valid() {
            return None;
        }
        if b.len() == 10 {
            return Some(date);
        }
        if !matches!(b[10], b'T' | b't' | b' ') {
            return None;
        }
        let (minutes, _) = time_of_day(&s[11..])?;
        // The offset moves the local time to UTC; the day may change.
        let utc = date.days() * 1440 + minutes;
        Some(Date::from_days(utc.div_euclid(1440)))
    }

    /// An ISO-8601 timestamp converted to UTC and written
    /// `YYYY-MM-DDThh:mm:ssZ` (fractions of a second dropped). `None` for
    /// anything [`Date::parse`] refuses, and for a bare date: a day is not a
    /// time. A timestamp without a zone is read as UTC, as everywhere.
    pub(crate) fn utc_timestamp(s: &str) -> Option<String> {
        let s = s.trim();
        let date = Date::parse(s.get(..10)?)?;
        if s.len() <= 11 || !matches!(s.as_bytes()[10], b'T' | b't' | b' ') {
            return None;
        }
        let (minutes, second) = time_of_day(&s[11..])?;
        let utc = (date.days() * 1440 + minutes) * 60 + i64::from(second);
        let secs = utc.rem_euclid(86_400);
        Some(format!(
            "{}T{:02}:{:02}:{:02}Z",
            Date::from_days(utc.div_euclid(86_400)),
            secs / 3600,
            secs / 60 % 60,
            secs % 60
        ))
    }

    /// An ISO-8601 timestamp as microseconds since 1970-01-01T00:00:00Z
    /// (fractions beyond the microsecond dropped); `None` for anything
    /// [`Date::parse`] refuses and for a bare date. The Parquet files'
    /// timestamp columns hold this.
    #[cfg_attr(not(feature = "parquet"), allow(dead_code))]
    pub(crate) fn utc_micros(s: &str) -> Option<i64> {
        let date = Date::parse(s.get(..10)?)?;
        if s.len() <= 11 || !matches!(s.as_bytes()[10], b'T' | b't' | b' ') {
            return None;
        }
        let t = &s[11..];
        let (minutes, second) = time_of_day(t)?;
        // The fraction, if written, follows `HH:MM:SS`.
        let mut micros = 0i64;
        if t.len() > 9 && t.as_bytes()[5] == b':' && matches!(t.as_bytes()[8], b'.' | b',') {
            let digits = t[9..].bytes().take_while(u8::is_ascii_digit).take(6);
            let mut n = 0;
            for d in digits {
                micros = micros * 10 + i64::from(d - b'0');
                n += 1;
            }
            micros *= 10i64.pow(6 - n);
        }
        let seconds = (date.days() * 1440 + minutes) * 60 + i64::from(second);
        seconds.checked_mul(1_000_000)?.checked_add(micros)
    }

    /// Microseconds since the epoch written `YYYY-MM-DDThh:mm:ss[.f]Z`, the
    /// fraction without trailing zeros: [`Date::utc_micros`] read back.
    #[cfg_attr(not(feature = "parquet"), allow(dead_code))]
    pub(crate) fn micros_text(us: i64) -> String {
        let seconds = us.div_euclid(1_000_000);
        let fraction = us.rem_euclid(1_000_000);
        let s = seconds.rem_euclid(86_400);
        let mut out = format!(
            "{}T{:02}:{:02}:{:02}",
            Date::from_days(seconds.div_euclid(86_400)),
            s / 3600,
            s / 60 % 60,
            s % 60
        );
        if fraction > 0 {
            let f = format!(".{fraction:06}");
            out.push_str(f.trim_end_matches('0'));
        }
        out.push('Z');
        out
    }

    /// Parses a six-digit `YYMMDD` date (older native results), choosing the
    /// century so that the date falls in `(pivot - 100 years, pivot + ahead years]`:
    /// a birth date (`ahead` 0) is never in the future of the verification, an
    /// expiry date (`ahead` 20) at most 20 years after it.
    ///
    /// ```
    /// use eid_archive::Date;
    /// let on = Date::parse("2021-06-09").unwrap();
    /// assert_eq!(Date::parse_yymmdd("301005", on, 20).unwrap().to_string(), "2030-10-05");
    /// assert_eq!(Date::parse_yymmdd("301005", on, 0).unwrap().to_string(), "1930-10-05");
    /// assert_eq!(Date::parse_yymmdd("020429", on, 0).unwrap().to_string(), "2002-04-29");
    /// ```
    pub fn parse_yymmdd(s: &str, pivot: Date, ahead: i32) -> Option<Date> {
        let s = s.trim();
        if s.len() != 6 {
            return None;
        }
        let yy = digits(s, 0..2)? as i32;
        let month = digits(s, 2..4)? as u8;
        let day = digits(s, 4..6)? as u8;
        let latest = pivot.year + ahead;
        let mut year = latest - (latest - yy).rem_euclid(100);
        let candidate = |year| Date { year, month, day };
        // The same year as the bound but a later day would leave the window.
        if year == latest && (month, day) > (pivot.month, pivot.day) {
            year -= 100;
        }
        let date = candidate(year);
        date.is_valid().then_some(date)
    }

    /// True for a leap year of the Gregorian calendar.
    pub fn is_leap_year(year: i32) -> bool {
        (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
    }

    /// The UTC day of a Unix time in milliseconds (the native dialect's dates).
    pub fn from_epoch_millis(ms: i64) -> Date {
        let days = ms.div_euclid(86_400_000);
        Date::from_days(days)
    }

    fn is_valid(&self) -> bool {
        (1..=12).contains(&self.month)
            && self.day >= 1
            && self.day <= days_in_month(self.year, self.month)
    }

    /// Days since 1970-01-01 (negative before). Howard Hinnant's algorithm.
    pub fn days(&self) -> i64 {
        let y = i64::from(self.year) - i64::from(self.month <= 2);
        let era = y.div_euclid(400);
        let yoe = y - era * 400;
        let m = i64::from(self.month);
        let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(self.day) - 1;
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        era * 146_097 + doe - 719_468
    }

    fn from_days(z: i64) -> Date {
        let z = z + 719_468;
        let era = z.div_euclid(146_097);
        let doe = z - era * 146_097;
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let day = (doy - (153 * mp + 2) / 5 + 1) as u8;
        let month = if mp < 10 { mp + 3 } else { mp - 9 } as u8;
        let year = (yoe + era * 400 + i64::from(month <= 2)) as i32;
        Date { year, month, day }
    }

    /// Whole years from `self` (a birth date) to `on`: the age on that day.
    pub fn years_until(&self, on: Date) -> i32 {
        let mut age = on.year - self.year;
        if (on.month, on.day) < (self.month, self.day) {
            age -= 1;
        }
        age
    }
}

/// The number written in `s[range]`, if it is all ASCII digits.
fn digits(s: &str, range: std::ops::Range<usize>) -> Option<u32> {
    let part = s.get(range)?;
    if !part.is_empty() && part.bytes().all(|c| c.is_ascii_digit()) {
        part.parse().ok()
    } else {
        None
    }
}

/// Minutes after midnight UTC of an ISO-8601 time of day with an optional
/// zone: `HH:MM[:SS[.fff]][Z|±HH:MM|±HHMM|±HH]`, and the second within that
/// minute (0 when none is written). `None` if it is not one.
fn time_of_day(t: &str) -> Option<(i64, u32)> {
    let b = t.as_bytes();
    if b.len() < 5 || b[2] != b':' {
        return None;
    }
    let hour = i64::from(digits(t, 0..2)?);
    let minute = i64::from(digits(t, 3..5)?);
    let mut i = 5;
    let mut second = 0;
    if b.get(i) == Some(&b':') {
        second = digits(t, 6..8)?;
        if second > 60 {
            return None;
        }
        i = 8;
        if matches!(b.get(i), Some(b'.' | b',')) {
            let fraction = b[i + 1..].iter().take_while(|c| c.is_ascii_digit()).count();
            if fraction == 0 {
                return None;
            }
            i += 1 + fraction;
        }
    }
    if hour > 23 || minute > 59 {
        return None;
    }
    let offset = match &t[i..] {
        "" | "Z" | "z" => 0,
        zone => {
            let sign = match zone.as_bytes()[0] {
                b'+' => 1,
                b'-' => -1,
                _ => return None,
            };
            let rest = &zone[1..];
            let (h, m) = match rest.len() {
                2 => (digits(rest, 0..2)?, 0),
                4 => (digits(rest, 0..2)?, digits(rest, 2..4)?),
                5 if rest.as_bytes()[2] == b':' => (digits(rest, 0..2)?, digits(rest, 3..5)?),
                _ => return None,
            };
            if h > 23 || m > 59 {
                return None;
            }
            sign * i64::from(h * 60 + m)
        }
    };
    Some((hour * 60 + minute - offset, second))
}

fn days_in_month(year: i32, month: u8) -> u8 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        _ if Date::is_leap_year(year) => 29,
        _ => 28,
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

impl Serialize for Date {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_dates_and_timestamps() {
        assert_eq!(
            Date::parse("2021-06-09T10:04:42Z"),
            Some(Date {
                year: 2021,
                month: 6,
                day: 9
            })
        );
        assert_eq!(Date::parse("2024-02-29").map(|d| d.day), Some(29));
        for bad in [
            "2023-02-29",
            "2021-13-01",
            "2021-6-9",
            "20210609",
            "",
            "2021-06-09X",
            "+021-06-09",
            "2021-02-30T10:00:00Z",
            "2021-06-09T25:00:00Z",
            "2021-06-09T10:00:00+25:00",
            "2021-06-09T10:00:00 UTC",
            "2021-06-09T10",
            "yesterday",
        ] {
            assert_eq!(Date::parse(bad), None, "{bad}");
        }
    }

    #[test]
    fn offsets_move_the_day_to_utc() {
        for (text, day) in [
            ("2021-06-09T23:30:00-05:00", "2021-06-10"),
            ("2021-06-10T01:30:00+02:00", "2021-06-09"),
            ("2021-06-10T01:30:00+0200", "2021-06-09"),
            ("2021-06-10T01:30+02", "2021-06-09"),
            ("2021-06-09T10:04:42.123456Z", "2021-06-09"),
            ("2021-12-31T23:00:00-01:00", "2022-01-01"),
            ("2021-06-09 10:04:42", "2021-06-09"),
        ] {
            assert_eq!(
                Date::parse(text).map(|d| d.to_string()).as_deref(),
                Some(day),
                "{text}"
            );
        }
    }

    #[test]
    fn timestamps_are_written_in_utc_with_seconds() {
        for (text, utc) in [
            ("2021-06-09T10:05:41Z", Some("2021-06-09T10:05:41Z")),
            ("2021-06-09T23:30:00-05:00", Some("2021-06-10T04:30:00Z")),
            ("2021-06-10T01:30+02", Some("2021-06-09T23:30:00Z")),
            ("2021-06-09T10:04:42.987654Z", Some("2021-06-09T10:04:42Z")),
            ("2021-06-09 10:04:42", Some("2021-06-09T10:04:42Z")),
            ("2021-12-31T23:59:59-00:01", Some("2022-01-01T00:00:59Z")),
            ("2021-06-09", None),
            ("2021-06-09T", None),
            ("2021-02-30T10:00:00Z", None),
            ("2021-06-09T10:00:00 UTC", None),
            ("yesterday", None),
        ] {
            assert_eq!(Date::utc_timestamp(text).as_deref(), utc, "{text}");
        }
    }

    #[test]
    fn timestamps_in_microseconds_read_back_as_written_in_utc() {
        let us = Date::utc_micros("2021-06-09T10:04:42.123Z").unwrap();
        assert_eq!(us, 1_623_233_082_123_000);
        assert_eq!(Date::micros_text(us), "2021-06-09T10:04:42.123Z");
        let offset = Date::utc_micros("2021-06-09T23:30:00-05:00").unwrap();
        assert_eq!(Date::micros_text(offset), "2021-06-10T04:30:00Z");
        assert_eq!(
            Date::utc_micros("1969-12-31T23:59:59.5Z"),
            Some(-500_000),
            "before the epoch"
        );
        assert_eq!(Date::micros_text(-500_000), "1969-12-31T23:59:59.5Z");
        assert_eq!(Date::utc_micros("2021-06-09"), None, "a day is not a time");
        assert_eq!(Date::utc_micros("2021-06-09T25:00:00Z"), None);
        assert_eq!(
            Date::utc_micros("2021-06-09T10:04:42.1234567Z"),
            Some(1_623_233_082_123_456),
            "nanoseconds dropped"
        );
    }

    #[test]
    fn six_digit_dates_take_the_century_of_their_window() {
        let on = Date::parse("2021-06-09").unwrap();
        let yy = |s, ahead| Date::parse_yymmdd(s, on, ahead).map(|d| d.to_string());
        assert_eq!(yy("210609", 0).as_deref(), Some("2021-06-09"));
        assert_eq!(
            yy("210610", 0).as_deref(),
            Some("1921-06-10"),
            "never born after the day"
        );
        assert_eq!(yy("410609", 20).as_deref(), Some("2041-06-09"));
        assert_eq!(yy("410610", 20).as_deref(), Some("1941-06-10"));
        assert_eq!(yy("990101", 20).as_deref(), Some("1999-01-01"));
        assert_eq!(yy("000229", 0).as_deref(), Some("2000-02-29"));
        assert_eq!(yy("010229", 0), None);
        assert_eq!(yy("3010051", 20), None);
        assert_eq!(yy("30a005", 20), None);
    }

    #[test]
    fn epoch_millis_round_trip() {
        assert_eq!(Date::from_epoch_millis(0).to_string(), "1970-01-01");
        assert_eq!(
            Date::from_epoch_millis(1_623_233_082_000).to_string(),
            "2021-06-09"
        );
        assert_eq!(Date::from_epoch_millis(-1).to_string(), "1969-12-31");
        let d = Date::parse("2000-03-01").unwrap();
        assert_eq!(Date::from_days(d.days()), d);
    }

    #[test]
    fn age_counts_whole_years() {
        let dob = Date::parse("2002-04-29").unwrap();
        assert_eq!(dob.years_until(Date::parse("2020-04-28").unwrap()), 17);
        assert_eq!(dob.years_until(Date::parse("2020-04-29").unwrap()), 18);
    }

    use proptest::prelude::*;

    fn any_date() -> impl Strategy<Value = Date> {
        (1900i32..2100, 1u8..=12, 1u8..=31).prop_filter_map("a real day", |(year, month, day)| {
            let d = Date { year, month, day };
            d.is_valid().then_some(d)
        })
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]

        /// Every real day prints as YYYY-MM-DD and parses back, also as a timestamp.
        #[test]
        fn days_round_trip_through_text(d in any_date()) {
            prop_assert_eq!(Date::parse(&d.to_string()), Some(d));
            prop_assert_eq!(Date::parse(&format!("{d}T23:59:59Z")), Some(d));
            prop_assert_eq!(Date::from_days(d.days()), d);
            prop_assert_eq!(Date::from_epoch_millis(d.days() * 86_400_000 + 86_399_999), d);
        }

        /// Consecutive day numbers are consecutive days, in order.
        #[test]
        fn day_numbers_follow_the_calendar(d in any_date()) {
            let next = Date::from_days(d.days() + 1);
            prop_assert!(next > d);
            prop_assert!(next.is_valid());
        }

        /// Age never goes down as time passes, and is zero on the birth day.
        #[test]
        fn age_grows_with_time(birth in any_date(), later in 0i64..40_000) {
            prop_assert_eq!(birth.years_until(birth), 0);
            let on = Date::from_days(birth.days() + later);
            let after = Date::from_days(birth.days() + later + 1);
            prop_assert!(birth.years_until(after) >= birth.years_until(on));
            prop_assert!(birth.years_until(on) >= 0);
        }

        /// Text that is not a real day is refused, never read as a nearby one.
        #[test]
        fn impossible_days_are_refused(year in 1900i32..2100, month in 0u8..=99, day in 0u8..=99) {
            let text = format!("{year:04}-{month:02}-{day:02}");
            let real = Date { year, month, day }.is_valid();
            prop_assert_eq!(Date::parse(&text).is_some(), real);
        }
    }
}
