//! The decision policy: the thresholds of `docs/decision.md`, loadable from
//! TOML so a compliance team can re-run an archive store under a stricter policy.

use crate::codes::hex;
use crate::error::{ConfigError, load_toml, parse_toml};
use crate::evidence::{Similarity, canonical_check};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::path::Path;

/// What an agent's manual approval may do to the automatic status.
#[non_exhaustive]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ManualRule {
    /// The agent decides: rejection rejects, acceptance accepts (the provider's behaviour).
    AgentDecides,
    /// The agent may reject, but an acceptance does not overturn a non-accepted automatic status.
    AgentMayOnlyReject,
    /// The manual approval is ignored; the automatic status is final.
    Ignore,
}

/// The rules in force. [`Policy::default`] is the rules of `docs/decision.md`.
///
/// ```
/// let p = eid_archive::Policy::from_toml("name = \"strict\"\nminimum_age = 21\nmin_similarity = \"high\"")?;
/// assert_eq!(p.minimum_age, 21);
/// # Ok::<(), eid_archive::ConfigError>(())
/// ```
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Policy {
    /// Named in every report.
    pub name: String,
    /// The lowest similarity that is not a reason for `inconclusive`.
    #[serde(serialize_with = "ser_similarity", deserialize_with = "de_similarity")]
    pub min_similarity: Similarity,
    /// Security checks that do not count (`liveness` also covers `livenessDetected`).
    pub ignore_checks: Vec<String>,
    /// Security checks that must be present; a missing one rejects.
    pub require_checks: Vec<String>,
    /// Features (by name) whose absence does not count.
    pub ignore_features: Vec<String>,
    /// Age below which `notUnderage` being valid is a contradiction.
    pub minimum_age: u32,
    /// What the agent's decision does.
    pub manual_approval: ManualRule,
    /// Process types that never end inconclusive (rule 3 rejects instead).
    pub fully_automatic_types: Vec<String>,
}

impl Default for Policy {
    fn default() -> Self {
        Policy {
            name: "default".into(),
            min_similarity: Similarity::High,
            ignore_checks: Vec::new(),
            require_checks: Vec::new(),
            ignore_features: Vec::new(),
            minimum_age: 18,
            manual_approval: ManualRule::AgentDecides,
            fully_automatic_types: vec!["substantialFullyAuto".into()],
        }
    }
}

impl Policy {
    /// Parses a policy from TOML. Unknown keys are refused, so that a typo
    /// cannot silently leave the default in force.
    pub fn from_toml(text: &str) -> Result<Policy, ConfigError> {
        parse_toml(text).map_err(|kind| ConfigError::new("policy", None, kind))
    }

    /// Reads a policy file (at most 1 MiB).
    pub fn load(path: impl AsRef<Path>) -> Result<Policy, ConfigError> {
        load_toml("policy", path.as_ref())
    }

    /// A fingerprint of the rules in force (SHA-256 of their canonical JSON,
    /// first 16 hex digits), so that two policies with one name can be told apart.
    pub fn digest(&self) -> String {
        use sha2::{Digest, Sha256};
        let json = serde_json::to_vec(self).unwrap_or_default();
        hex(&Sha256::digest(&json)[..8])
    }

    /// True when the check counts for the decision.
    pub fn counts_check(&self, name: &str) -> bool {
        let c = canonical_check(name);
        !self.ignore_checks.iter().any(|i| canonical_check(i) == c)
    }

    /// True when a missing feature of this name counts.
    pub fn counts_feature(&self, name: &str) -> bool {
        !self
            .ignore_features
            .iter()
            .any(|i| i.eq_ignore_ascii_case(name))
    }

    /// True when the process type never ends inconclusive.
    pub fn is_fully_automatic(&self, process_type: Option<&str>) -> bool {
        process_type.is_some_and(|t| {
            self.fully_automatic_types
                .iter()
                .any(|f| f.eq_ignore_ascii_case(t.trim()))
        })
    }
}

fn ser_similarity<S: Serializer>(s: &Similarity, ser: S) -> Result<S::Ok, S::Error> {
    ser.serialize_str(s.as_str())
}

fn de_similarity<'de, D: Deserializer<'de>>(de: D) -> Result<Similarity, D::Error> {
    let s = String::deserialize(de)?;
    Similarity::parse_level(&s).ok_or_else(|| {
        serde::de::Error::custom(format!(
            "unknown similarity {s:?}: use high, medium, low or veryLow"
        ))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_is_the_documented_rules() {
        let p = Policy::default();
        assert_eq!(p.min_similarity, Similarity::High);
        assert_eq!(p.minimum_age, 18);
        assert!(p.is_fully_automatic(Some("substantialFullyAuto")));
        assert!(!p.is_fully_automatic(Some("substantial")));
        assert_eq!(Policy::from_toml("").unwrap(), p);
        assert_eq!(p.digest().len(), 16);
        let stricter = Policy {
            minimum_age: 21,
            ..Policy::default()
        };
        assert_ne!(p.digest(), stricter.digest(), "same name, different rules");
    }

    #[test]
    fn typos_and_bad_values_are_refused() {
        let e = Policy::from_toml("minimum_agee = 21").unwrap_err();
        assert!(e.to_string().contains("minimum_agee"), "{e}");
        let e = Policy::from_toml("min_similarity = \"great\"").unwrap_err();
        assert!(e.to_string().contains("unknown similarity"), "{e}");
        let p = Policy::from_toml("min_similarity = \"Medium\"\nmanual_approval = \"agent-may-only-reject\"\nignore_checks = [\"livenessDetected\"]").unwrap();
        assert_eq!(p.min_similarity, Similarity::Medium);
        assert_eq!(p.manual_approval, ManualRule::AgentMayOnlyReject);
        assert!(!p.counts_check("liveness"));
        assert!(p.counts_check("nonExpired"));
    }
}
