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
}
