//! The decision policy: the thresholds of `docs/decision.md`, loadable from
//! TOML so a compliance team can re-run an archive store under a stricter policy.

use crate::codes::hex;
use crate::config::{ConfigError, ConfigErrorKind, parse_toml, read_text};
use crate::evidence::{DOCUMENT_FIELDS, KNOWN_CHECKS, KNOWN_FEATURES, Similarity, canonical_check};
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

/// On which day someone born on 29 February has a birthday in other years.
/// Jurisdictions disagree; on the one day they disagree about, the tool never
/// raises an age error (see `docs/decision.md`).
#[non_exhaustive]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum LeapDayBirthday {
    /// 1 March: the holder reaches an age a day later (the stricter reading).
    #[serde(rename = "march-1")]
    March1,
    /// 28 February.
    #[serde(rename = "february-28")]
    February28,
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
    /// Process types an agent reviews: a missing review is a finding.
    pub agent_reviewed_types: Vec<String>,
    /// Process types no agent reviews: a review there is a finding.
    pub automatic_types: Vec<String>,
    /// The birthday of someone born on 29 February in other years.
    pub leap_day_birthday: LeapDayBirthday,
    /// Document attributes an accepted process must hold (Assure names:
    /// `firstName`, `placeOfBirth`, ...): each one absent is a finding
    /// `AttributeMissing`. Empty by default; left out of the canonical JSON
    /// when empty, so that the digest of every earlier policy stands.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub required_attributes: Vec<String>,
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
            agent_reviewed_types: vec!["high".into(), "attended".into(), "unattended".into()],
            automatic_types: vec!["substantial".into(), "substantialFullyAuto".into()],
            leap_day_birthday: LeapDayBirthday::March1,
            required_attributes: Vec::new(),
        }
    }
}

impl Policy {
    /// Parses a policy from TOML. Unknown keys are refused, so that a typo
    /// cannot silently leave the default in force.
    pub fn from_toml(text: &str) -> Result<Policy, ConfigError> {
        Policy::parse(text).map_err(|kind| ConfigError::new("policy", None, kind))
    }

    /// Reads a policy file (at most 1 MiB).
    pub fn load(path: impl AsRef<Path>) -> Result<Policy, ConfigError> {
        Policy::read(path).map(|(policy, _)| policy)
    }

    /// Reads a policy file (at most 1 MiB) once, and returns the policy with
    /// the text it was parsed from: a run's record keeps that text, never a
    /// second reading of a file that may have changed since.
    pub fn read(path: impl AsRef<Path>) -> Result<(Policy, String), ConfigError> {
        let path = path.as_ref();
        let text = read_text("policy", path)?;
        let policy =
            Policy::parse(&text).map_err(|kind| ConfigError::new("policy", Some(path), kind))?;
        Ok((policy, text))
    }

    fn parse(text: &str) -> Result<Policy, ConfigErrorKind> {
        // The export settings of the Identity Assurance export once lived in
        // this file; they decide nothing, so they are options of the export
        // now, and the policy's digest covers decision rules only.
        if let Ok(table) = text.parse::<toml::Table>()
            && let Some(key) = table.keys().find(|k| k.starts_with("ida_"))
        {
            return Err(ConfigErrorKind::Invalid(format!(
                "{key} is a setting of the Identity Assurance export, not a decision rule: give it as --{}",
                key.replace('_', "-")
            )));
        }
        let mut policy: Policy = parse_toml(text)?;
        policy.validate()?;
        // Rules under no name are not the default: they are named by their digest.
        let named = text
            .parse::<toml::Table>()
            .is_ok_and(|t| t.contains_key("name"));
        if !named && policy != Policy::default() {
            policy.name = format!("custom-{}", &policy.digest()[..8]);
        }
        Ok(policy)
    }

    /// Refuses rules that contradict each other (a check both required and
    /// ignored).
    fn validate(&self) -> Result<(), ConfigErrorKind> {
        if let Some(blank) = self
            .required_attributes
            .iter()
            .find(|a| a.trim().is_empty())
        {
            return Err(ConfigErrorKind::Invalid(format!(
                "required_attributes names {blank:?}: an attribute needs a name"
            )));
        }
        for required in &self.require_checks {
            if !self.counts_check(required) {
                return Err(ConfigErrorKind::Invalid(format!(
                    "check {required} is both required and ignored"
                )));
            }
        }
        Ok(())
    }

    /// True when this policy decides by the default rules.
    pub(crate) fn decides_like_default(&self) -> bool {
        *self == Policy::default()
    }

    /// Names the policy uses that the tool has never seen (most likely typos,
    /// which would otherwise silently do nothing), one message each.
    pub fn warnings(&self) -> Vec<String> {
        let mut out = Vec::new();
        for (key, names) in [
            ("ignore_checks", &self.ignore_checks),
            ("require_checks", &self.require_checks),
        ] {
            for name in names {
                if !KNOWN_CHECKS.contains(&canonical_check(name))
                    && !KNOWN_CHECKS.contains(&name.as_str())
                {
                    out.push(format!(
                        "{key} names {name:?}, a security check eid-audit has never seen{}",
                        did_you_mean(name, KNOWN_CHECKS)
                    ));
                }
            }
        }
        for name in &self.required_attributes {
            if !DOCUMENT_FIELDS.contains(&name.as_str()) {
                out.push(format!(
                    "required_attributes names {name:?}, a document attribute eid-audit has never seen{}",
                    did_you_mean(name, DOCUMENT_FIELDS)
                ));
            }
        }
        for name in &self.ignore_features {
            if !KNOWN_FEATURES.iter().any(|k| k.eq_ignore_ascii_case(name)) {
                out.push(format!(
                    "ignore_features names {name:?}, a feature eid-audit has never seen{}",
                    did_you_mean(name, KNOWN_FEATURES)
                ));
            }
        }
        out
    }

    /// A fingerprint of the rules in force (SHA-256 of their canonical JSON,
    /// first 16 hex digits), so that two policies with one name can be told apart.
    pub fn digest(&self) -> String {
        use sha2::{Digest, Sha256};
        let json = serde_json::to_vec(self).unwrap_or_default();
        hex(&Sha256::digest(&json)[..8])
    }

    /// The policy as the JSON outputs write it (`inspect --format json`,
    /// `audits.jsonl`, `run.json`): every rule under its camelCase key, as
    /// every other JSON key is, and its [`digest`](Policy::digest) after its
    /// name. The policy file and the digest keep the snake_case keys, so a
    /// digest stays the one earlier reports printed.
    ///
    /// ```
    /// let json = eid_archive::Policy::default().to_json();
    /// assert_eq!(json["minSimilarity"], "high");
    /// assert_eq!(json["digest"], eid_archive::Policy::default().digest());
    /// ```
    pub fn to_json(&self) -> serde_json::Value {
        let mut out = serde_json::Map::new();
        if let Ok(serde_json::Value::Object(rules)) = serde_json::to_value(self) {
            for (key, value) in rules {
                let camel = camel_case(&key);
                out.insert(camel, value);
                if key == "name" {
                    out.insert("digest".into(), self.digest().into());
                }
            }
        }
        // Left out of the digest's JSON when empty; always said here.
        out.entry("requiredAttributes")
            .or_insert_with(|| serde_json::Value::Array(Vec::new()));
        serde_json::Value::Object(out)
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

    /// True when an agent reviews processes of this type.
    pub fn is_agent_reviewed(&self, process_type: Option<&str>) -> bool {
        is_one_of(&self.agent_reviewed_types, process_type)
    }

    /// True when no agent reviews processes of this type.
    pub fn is_automatic(&self, process_type: Option<&str>) -> bool {
        is_one_of(&self.automatic_types, process_type)
    }

    /// True when the process type never ends inconclusive.
    pub fn is_fully_automatic(&self, process_type: Option<&str>) -> bool {
        is_one_of(&self.fully_automatic_types, process_type)
    }
}

/// `; did you mean "nonExpired"?` when one known name is close to `name`
/// (at most a third of its letters apart, ignoring case), else nothing.
fn did_you_mean(name: &str, known: &[&str]) -> String {
    let lower = name.to_lowercase();
    let most = (lower.chars().count() / 3).max(1);
    known
        .iter()
        .map(|k| (edit_distance(&lower, &k.to_lowercase()), *k))
        .filter(|(d, _)| *d <= most)
        .min()
        .map(|(_, k)| format!("; did you mean {k:?}?"))
        .unwrap_or_default()
}

/// The Levenshtein distance between two short names.
fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut diagonal = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let above = row[j + 1];
            row[j + 1] = (above + 1)
                .min(row[j] + 1)
                .min(diagonal + usize::from(ca != *cb));
            diagonal = above;
        }
    }
    row[b.len()]
}

/// `min_similarity` as `minSimilarity`.
fn camel_case(snake: &str) -> String {
    let mut out = String::with_capacity(snake.len());
    let mut upper = false;
    for c in snake.chars() {
        if c == '_' {
            upper = true;
        } else if upper {
            out.push(c.to_ascii_uppercase());
            upper = false;
        } else {
            out.push(c);
        }
    }
    out
}

/// True when the process type is one of `types`, ignoring case.
fn is_one_of(types: &[String], process_type: Option<&str>) -> bool {
    process_type.is_some_and(|t| types.iter().any(|f| f.eq_ignore_ascii_case(t.trim())))
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
        let e = Policy::from_toml(
            "require_checks = [\"liveness\"]\nignore_checks = [\"livenessDetected\"]",
        )
        .unwrap_err();
        assert!(e.to_string().contains("both required and ignored"), "{e}");
    }

    #[test]
    fn export_settings_are_refused_with_the_option_that_takes_them() {
        let e =
            Policy::from_toml("minimum_age = 21\nida_trust_framework = \"de_aml\"").unwrap_err();
        assert_eq!(
            e.to_string(),
            "policy (inline): ida_trust_framework is a setting of the Identity Assurance export, not a decision rule: give it as --ida-trust-framework"
        );
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("p.toml");
        let text = "name = \"strict\"\nminimum_age = 21\n";
        std::fs::write(&path, text).unwrap();
        let (policy, read) = Policy::read(&path).unwrap();
        assert_eq!((policy.minimum_age, read.as_str()), (21, text));
        assert!(!policy.decides_like_default());
        assert!(Policy::default().decides_like_default());
    }

    #[test]
    fn names_never_seen_are_warned_about_by_name() {
        let p = Policy::from_toml(
            "ignore_checks = [\"nonExpird\", \"liveness\"]\nrequire_checks = [\"NOTBWCOPY\", \"selfieMatchesVideo\"]\nignore_features = [\"ovi 1\", \"OVI 3\", \"stamp\"]",
        )
        .unwrap();
        assert_eq!(
            p.warnings(),
            vec![
                "ignore_checks names \"nonExpird\", a security check eid-audit has never seen; did you mean \"nonExpired\"?",
                "require_checks names \"NOTBWCOPY\", a security check eid-audit has never seen; did you mean \"notBWCopy\"?",
                "require_checks names \"selfieMatchesVideo\", a security check eid-audit has never seen",
                "ignore_features names \"OVI 3\", a feature eid-audit has never seen; did you mean \"OVI 1\"?",
                "ignore_features names \"stamp\", a feature eid-audit has never seen",
            ]
        );
        assert!(Policy::default().warnings().is_empty());
    }

    #[test]
    fn required_attributes_are_read_warned_about_and_leave_old_digests_alone() {
        let p = Policy::from_toml(
            "required_attributes = [\"firstName\", \"placeOfBirth\", \"dateOfBrith\"]",
        )
        .unwrap();
        assert_eq!(p.required_attributes.len(), 3);
        assert_eq!(
            p.warnings(),
            vec![
                "required_attributes names \"dateOfBrith\", a document attribute eid-audit has never seen; did you mean \"dateOfBirth\"?"
            ]
        );
        assert_ne!(p.digest(), Policy::default().digest());
        assert_eq!(p.to_json()["requiredAttributes"][1], "placeOfBirth");
        assert_eq!(
            Policy::default().to_json()["requiredAttributes"],
            serde_json::json!([])
        );
        // An empty list is the default: the digest earlier reports printed.
        let empty = Policy::from_toml("required_attributes = []").unwrap();
        assert_eq!(empty.digest(), "e1e6a4cca859654b");
        let e = Policy::from_toml("required_attributes = [\" \"]").unwrap_err();
        assert!(e.to_string().contains("an attribute needs a name"), "{e}");
    }

    #[test]
    fn every_policy_in_the_decision_rules_parses_without_a_warning() {
        let doc = include_str!("../../../../docs/decision.md");
        let blocks: Vec<&str> = doc.split("```toml\n").skip(1).collect();
        assert!(!blocks.is_empty());
        for block in blocks {
            let text = block.split("```").next().unwrap_or_default();
            let p = Policy::from_toml(text).unwrap_or_else(|e| panic!("{e}\n{text}"));
            assert!(p.warnings().is_empty(), "{:?}", p.warnings());
        }
    }

    #[test]
    fn edit_distances_count_insertions_deletions_and_substitutions() {
        assert_eq!(edit_distance("nonexpird", "nonexpired"), 1);
        assert_eq!(edit_distance("kitten", "sitting"), 3);
        assert_eq!(edit_distance("", "abc"), 3);
        assert_eq!(edit_distance("same", "same"), 0);
    }

    #[test]
    fn the_json_policy_has_camel_case_keys_and_its_digest_after_its_name() {
        let p = Policy::from_toml("name = \"strict\"\nminimum_age = 21").unwrap();
        let json = p.to_json();
        let keys: Vec<&String> = json.as_object().unwrap().keys().collect();
        assert_eq!(
            keys,
            [
                "name",
                "digest",
                "minSimilarity",
                "ignoreChecks",
                "requireChecks",
                "ignoreFeatures",
                "minimumAge",
                "manualApproval",
                "fullyAutomaticTypes",
                "agentReviewedTypes",
                "automaticTypes",
                "leapDayBirthday",
                "requiredAttributes",
            ]
        );
        assert_eq!(json["digest"], p.digest());
        assert_eq!(json["minimumAge"], 21);
        // The digest is still that of the snake_case rules: unchanged.
        assert_eq!(Policy::default().digest(), "e1e6a4cca859654b");
    }
}
