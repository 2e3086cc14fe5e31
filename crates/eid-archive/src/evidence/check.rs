//! Security checks: one entry as written, its result in three states, and
//! the names under which checks are compared and configured.

use crate::codes::string_enum;
use serde::Serialize;

/// One security check.
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SecurityCheck {
    /// The name as written (`nonExpired`, `livenessDetected`, ...).
    pub name: String,
    /// `valid` (`passed` in the native dialect); `None` when it could not be read.
    pub valid: Option<bool>,
}

impl SecurityCheck {
    /// A check named `name` whose `valid` reads `valid` (`None`: unreadable).
    pub fn new(name: impl Into<String>, valid: Option<bool>) -> SecurityCheck {
        SecurityCheck {
            name: name.into(),
            valid,
        }
    }

    /// Its result in three states: valid, invalid, or unreadable.
    pub fn result(&self) -> CheckResult {
        CheckResult::of(self.valid)
    }

    /// The name under which checks are compared: `livenessDetected` and `liveness` are one check.
    pub fn canonical_name(&self) -> &str {
        canonical_check(&self.name)
    }
}

string_enum! {
    /// A security check's result: the three states every output and rule
    /// tells apart (a check that cannot be read is neither valid nor invalid).
    pub enum CheckResult {
        /// `valid: true`.
        Valid => "valid",
        /// `valid: false`.
        Invalid => "invalid",
        /// The result could not be read.
        Unreadable => "unreadable",
    }
}

impl CheckResult {
    /// The result of a check read as `valid`, where `None` is unreadable.
    pub fn of(valid: Option<bool>) -> CheckResult {
        match valid {
            Some(true) => CheckResult::Valid,
            Some(false) => CheckResult::Invalid,
            None => CheckResult::Unreadable,
        }
    }

    /// `Some(valid)` for a result that was read, `None` for an unreadable one.
    pub fn as_valid(self) -> Option<bool> {
        match self {
            CheckResult::Valid => Some(true),
            CheckResult::Invalid => Some(false),
            CheckResult::Unreadable => None,
        }
    }

    /// Two entries of one check together: any invalid entry makes it
    /// invalid; else any unreadable entry makes it unreadable.
    pub(crate) fn and(self, other: CheckResult) -> CheckResult {
        match (self, other) {
            (CheckResult::Invalid, _) | (_, CheckResult::Invalid) => CheckResult::Invalid,
            (CheckResult::Valid, CheckResult::Valid) => CheckResult::Valid,
            _ => CheckResult::Unreadable,
        }
    }
}

/// The name under which a check is compared and configured.
pub(crate) fn canonical_check(name: &str) -> &str {
    if name == "livenessDetected" {
        "liveness"
    } else {
        name
    }
}

/// Security checks the Assure schema knows. Others are kept and reported as schema drift.
pub(crate) const KNOWN_CHECKS: &[&str] = &[
    "nonExpired",
    "notUnderage",
    "dataIntegrity",
    "liveness",
    "livenessDetected",
    "notFaceSpoofing",
    "sidesMatch",
    "notBWCopy",
    "untamperedDocument",
    "untamperedVideo",
    "deviceSecurity",
    "reflectiveSurface",
    "documentTilt",
    "initialsMatch",
];
