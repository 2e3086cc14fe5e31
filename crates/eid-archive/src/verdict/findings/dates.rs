//! Date findings: `nonExpired` and `notUnderage` against the document's
//! dates on the day of the automatic verification, the same comparisons when
//! no check was made, and an expiry before the agent's acceptance.

use super::{Context, Finding, FindingCode, Severity, check};
use crate::dates::Date;
use crate::evidence::CheckResult;
use crate::verdict::dates::document_date;
use crate::verdict::decision::Status;
use crate::verdict::policy::LeapDayBirthday;
use crate::verdict::review::ReviewDecision;

/// A field's value as compared across sources: dates as days, other text
/// trimmed and case-folded.
pub(super) fn normalised(field: &str, value: &str, on: Option<Date>) -> String {
    if field.starts_with("dateOf")
        && let Some(d) = document_date(value, on, field)
    {
        return d.to_string();
    }
    value.trim().to_lowercase()
}

pub(super) fn collect(cx: &Context<'_>, out: &mut Vec<Finding>) {
    let evidence = cx.evidence;
    if evidence.ocr.is_none() {
        return;
    }
    let on = cx.date.map(|d| d.date);
    let read = |field: &str, out: &mut Vec<Finding>| -> Option<Date> {
        let raw = evidence.document_value(field)?;
        let date = document_date(raw, on, field);
        if date.is_none() && on.is_some() {
            out.push(Finding::new(
                Severity::Warning,
                FindingCode::MalformedEvidence,
                field,
                format!("{field} is not a date that can be read; checks that depend on it were not compared"),
            ));
        }
        date
    };
    let expiry = read("dateOfExpiry", out);
    let birth = read("dateOfBirth", out);
    let Some(day) = cx.date else {
        if expiry.is_some() || birth.is_some() || check(evidence, "nonExpired").is_some() {
            out.push(Finding::new(
                Severity::Info,
                FindingCode::NoVerificationDate,
                "verificationDate",
                "no readable updatedAt, completion date or createdAt: the document's dates were not compared with the day of the verification",
            ));
        }
        return;
    };
    let (on, source) = (day.date, day.source);
    if let Some(expiry) = expiry {
        let expired = expiry < on;
        match check(evidence, "nonExpired") {
            Some(CheckResult::Valid) if expired => out.push(Finding::new(
                Severity::Error,
                FindingCode::CheckContradictsData,
                "nonExpired",
                format!("nonExpired is valid but dateOfExpiry {expiry} is before the verification date {on} ({source})"),
            )),
            Some(CheckResult::Invalid) if !expired => out.push(Finding::new(
                Severity::Info,
                FindingCode::CheckContradictsData,
                "nonExpired",
                format!("nonExpired is not valid although dateOfExpiry {expiry} is on or after the verification date {on} ({source})"),
            )),
            None if expired => out.push(Finding::new(
                Severity::Warning,
                FindingCode::UncheckedExpiry,
                "nonExpired",
                format!("dateOfExpiry {expiry} is before the verification date {on} ({source}), and no nonExpired check says so"),
            )),
            _ => {}
        }
    }
    if let Some(birth) = birth {
        underage(cx, birth, on, &source.to_string(), out);
    }
    expired_at_review(cx, on, out);
}

/// `notUnderage` against the age on the day; on the one day jurisdictions
/// disagree about (a 29 February birthday), never an error.
fn underage(cx: &Context<'_>, birth: Date, on: Date, source: &str, out: &mut Vec<Finding>) {
    // A contradiction is judged by the default rules only: a stricter
    // what-if policy changes the status (`PolicyChange`), never the record's
    // check into a contradiction.
    let rules = crate::verdict::Policy::default();
    let minimum = i64::from(rules.minimum_age);
    let age = |rule| i64::from(age_on(birth, on, rule));
    let chosen = age(rules.leap_day_birthday);
    let disputed =
        (age(LeapDayBirthday::March1) < minimum) != (age(LeapDayBirthday::February28) < minimum);
    let underage = chosen < minimum;
    // Messages name the rule, never the value: no age, no birthday (they
    // would give the birth date away under every personal-data mode).
    let note = if disputed {
        "; the birthday rules disagree on this day (leap_day_birthday)"
    } else {
        ""
    };
    let strict = if disputed {
        Severity::Info
    } else {
        Severity::Error
    };
    let unchecked = if disputed {
        Severity::Info
    } else {
        Severity::Warning
    };
    match check(cx.evidence, "notUnderage") {
        Some(CheckResult::Valid) if underage => out.push(Finding::new(
            strict,
            FindingCode::CheckContradictsData,
            "notUnderage",
            format!("notUnderage is valid but the holder is under {minimum} on the verification date {on} ({source}){note}"),
        )),
        Some(CheckResult::Invalid) if !underage => out.push(Finding::new(
            Severity::Info,
            FindingCode::CheckContradictsData,
            "notUnderage",
            format!("notUnderage is not valid although the holder is at least {minimum} on the verification date {on} ({source}){note}"),
        )),
        None if underage => out.push(Finding::new(
            unchecked,
            FindingCode::UncheckedAge,
            "notUnderage",
            format!("the holder is under {minimum} on the verification date {on} ({source}), and no notUnderage check says so{note}"),
        )),
        _ => {}
    }
}

/// The age on `on` of someone born on `birth`, with a 29 February birthday
/// falling on the day the rule says in other years.
pub(crate) fn age_on(birth: Date, on: Date, rule: LeapDayBirthday) -> i32 {
    let birthday = if (birth.month, birth.day) == (2, 29) && !Date::is_leap_year(on.year) {
        match rule {
            LeapDayBirthday::February28 => (2, 28),
            _ => (3, 1),
        }
    } else {
        (birth.month, birth.day)
    };
    let mut age = on.year - birth.year;
    if (on.month, on.day) < birthday {
        age -= 1;
    }
    age
}

/// An agent accepted a document that had expired by the day of the review:
/// the OCR's expiry, valid on the day of the automatic verification (an
/// earlier expiry is the automatic check's matter), or the agent's own
/// corrected expiry, whenever it falls.
fn expired_at_review(cx: &Context<'_>, automatic: Date, out: &mut Vec<Finding>) {
    let (Some(review), Some(reviewed)) = (cx.review, cx.review_date) else {
        return;
    };
    if review.decision != ReviewDecision::Accepted || cx.decision.status != Status::Accepted {
        return;
    }
    // The agent may correct the expiry date: its value wins.
    let corrected = cx
        .evidence
        .manual
        .as_ref()
        .and_then(|m| m.document.get("dateOfExpiry"))
        .and_then(|r| document_date(r, Some(automatic), "dateOfExpiry"));
    let expired = match corrected {
        Some(expiry) => (expiry < reviewed).then_some(expiry),
        None => cx
            .evidence
            .document_value("dateOfExpiry")
            .and_then(|r| document_date(r, Some(automatic), "dateOfExpiry"))
            .filter(|expiry| *expiry < reviewed && *expiry >= automatic),
    };
    if let Some(expiry) = expired {
        out.push(Finding::new(
            Severity::Warning,
            FindingCode::ExpiredAtReview,
            "dateOfExpiry",
            format!("the document expired on {expiry}, before the agent accepted it on {reviewed}"),
        ));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Date {
        Date::parse(s).unwrap()
    }

    #[test]
    fn a_leap_day_birthday_falls_where_the_rule_says() {
        let birth = d("2004-02-29");
        let eve = d("2022-02-28");
        assert_eq!(age_on(birth, eve, LeapDayBirthday::March1), 17);
        assert_eq!(age_on(birth, eve, LeapDayBirthday::February28), 18);
        assert_eq!(age_on(birth, d("2022-03-01"), LeapDayBirthday::March1), 18);
        assert_eq!(
            age_on(birth, d("2024-02-28"), LeapDayBirthday::February28),
            19
        );
        assert_eq!(age_on(birth, d("2024-02-29"), LeapDayBirthday::March1), 20);
        assert_eq!(
            age_on(d("2002-04-29"), d("2020-04-28"), LeapDayBirthday::March1),
            17
        );
    }
}
