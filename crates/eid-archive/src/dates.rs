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
    /// Parses `YYYY-MM-DD`, or the date part of an ISO-8601 timestamp
    /// (`2021-06-09T10:04:42Z`). Returns `None` for anything else, including
    /// impossible days such as `2021-02-30`.
    ///
    /// ```
    /// use eid_archive::Date;
    /// let d = Date::parse("2021-06-09T10:04:42Z").unwrap();
    /// assert_eq!(d.to_string(), "2021-06-09");
    /// assert!(Date::parse("2021-02-30").is_none());
    /// ```
    pub fn parse(s: &str) -> Option<Date> {
        let s = s.trim();
        let b = s.as_bytes();
        if b.len() < 10 || b[4] != b'-' || b[7] != b'-' {
            return None;
        }
        if b.len() > 10 && !matches!(b[10], b'T' | b't' | b' ') {
            return None;
        }
        let num = |r: std::ops::Range<usize>| -> Option<u32> {
            let part = s.get(r)?;
            if part.bytes().all(|c| c.is_ascii_digit()) {
                part.parse().ok()
            } else {
                None
            }
        };
        let year = num(0..4)? as i32;
        let month = num(5..7)? as u8;
        let day = num(8..10)? as u8;
        let date = Date { year, month, day };
        date.is_valid().then_some(date)
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

fn days_in_month(year: i32, month: u8) -> u8 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        _ if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 => 29,
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
        ] {
            assert_eq!(Date::parse(bad), None, "{bad}");
        }
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
