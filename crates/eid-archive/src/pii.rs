//! Personal data in reports: left out, masked, pseudonymised with a keyed
//! HMAC, or written in full; every row says which.

use crate::codes::{hex, string_enum};
use sha2::{Digest, Sha256};

/// How personal data is written into reports.
#[non_exhaustive]
#[derive(Clone, PartialEq, Eq)]
pub enum Pii {
    /// Left out (empty cells). The default.
    Omit,
    /// A recognisable shape: `M**** P****`, `*******890`, `****-**-**`.
    Mask,
    /// A keyed HMAC-SHA256 pseudonym: the same value links across rows and
    /// runs with the same key, without being named.
    Hmac(Vec<u8>),
    /// As written in the evidence.
    Full,
}

impl std::fmt::Debug for Pii {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The key never reaches a log.
        f.write_str(self.name())
    }
}

string_enum! {
    /// The kinds of personal data, masked each in its own way. The spelling
    /// is also the scope of an HMAC pseudonym (see `Pii::apply`).
    #[non_exhaustive]
    pub enum PiiField {
        /// First or last name.
        Name => "name",
        /// Document number.
        DocumentNumber => "documentNumber",
        /// Date of birth.
        DateOfBirth => "dateOfBirth",
        /// Personal identification number.
        PersonalNumber => "personalNumber",
        /// Postal address.
        Address => "address",
    }
}

impl Pii {
    /// `omit`, `mask`, `hmac` or `full`, as written into every row.
    pub fn name(&self) -> &'static str {
        match self {
            Pii::Omit => "omit",
            Pii::Mask => "mask",
            Pii::Hmac(_) => "hmac",
            Pii::Full => "full",
        }
    }

    /// The value as this mode writes it.
    ///
    /// ```
    /// use eid_archive::{Pii, PiiField};
    /// assert_eq!(Pii::Mask.apply(PiiField::Name, Some("MARIA PAULA")), "M**** P****");
    /// assert_eq!(Pii::Mask.apply(PiiField::DocumentNumber, Some("1234567890")), "*******890");
    /// assert_eq!(Pii::Omit.apply(PiiField::Name, Some("MARIA")), "");
    /// ```
    pub fn apply(&self, field: PiiField, value: Option<&str>) -> String {
        let Some(value) = value.map(str::trim).filter(|v| !v.is_empty()) else {
            return String::new();
        };
        match self {
            Pii::Omit => String::new(),
            Pii::Full => value.to_owned(),
            Pii::Mask => mask(field, value),
            Pii::Hmac(key) => {
                // Scoped by field and normalised (one Unicode form, NFC, then
                // upper case), so the same document number links across rows,
                // a name written with a combining accent or a precomposed one
                // is one person, and a name never matches a number that
                // happens to be equal.
                use unicode_normalization::UnicodeNormalization as _;
                let value: String = value.nfc().collect();
                let message = format!("{}:{}", field.as_str(), value.to_uppercase());
                let mac = hmac_sha256(key, message.as_bytes());
                format!("hmac:{}", hex(&mac[..16]))
            }
        }
    }
}

/// The document keys that hold personal data, and how each is masked.
const PERSONAL_KEYS: &[(&str, PiiField)] = &[
    ("firstName", PiiField::Name),
    ("lastName", PiiField::Name),
    ("alternativeFirstName", PiiField::Name),
    ("alternativeLastName", PiiField::Name),
    ("lastNameSecondLine", PiiField::Name),
    ("documentNumber", PiiField::DocumentNumber),
    ("personalIdentificationNumber", PiiField::PersonalNumber),
    ("socialSecurityNumber", PiiField::PersonalNumber),
    ("healthNumber", PiiField::PersonalNumber),
    ("taxNumber", PiiField::PersonalNumber),
    ("dateOfBirth", PiiField::DateOfBirth),
    ("address", PiiField::Address),
    ("birthPlace", PiiField::Address),
    ("placeOfBirth", PiiField::Address),
];

impl Pii {
    /// Applies this mode to every personal field of a JSON value (an audit as
    /// `inspect --format json` shows it), wherever it sits: the OCR's, the
    /// agent's and `finalResult`'s document fields alike. Under `omit` the
    /// fields are removed.
    pub fn redact_json(&self, value: &mut serde_json::Value) {
        use serde_json::Value;
        if *self == Pii::Full {
            return;
        }
        match value {
            Value::Object(map) => {
                for (key, field) in PERSONAL_KEYS {
                    match map.get_mut(*key) {
                        Some(Value::String(_)) if *self == Pii::Omit => {
                            map.shift_remove(*key);
                        }
                        Some(Value::String(s)) => *s = self.apply(*field, Some(s)),
                        _ => {}
                    }
                }
                map.values_mut().for_each(|v| self.redact_json(v));
            }
            Value::Array(items) => items.iter_mut().for_each(|v| self.redact_json(v)),
            _ => {}
        }
    }
}

fn mask(field: PiiField, value: &str) -> String {
    match field {
        PiiField::Name | PiiField::Address => value
            .split_whitespace()
            .map(|w| {
                let mut cs = w.chars();
                let first = cs.next().map(String::from).unwrap_or_default();
                first + &"*".repeat(cs.count())
            })
            .collect::<Vec<_>>()
            .join(" "),
        PiiField::DateOfBirth => value
            .chars()
            .map(|c| if c.is_ascii_digit() { '*' } else { c })
            .collect(),
        PiiField::DocumentNumber | PiiField::PersonalNumber => {
            let n = value.chars().count();
            let keep = if n > 4 { 3 } else { 0 };
            value
                .chars()
                .enumerate()
                .map(|(i, c)| if i < n - keep { '*' } else { c })
                .collect()
        }
    }
}

/// HMAC-SHA256 (RFC 2104): the pseudonyms, and the duplicates index's document keys.
pub(crate) fn hmac_sha256(key: &[u8], message: &[u8]) -> [u8; 32] {
    let mut k = [0u8; 64];
    if key.len() > 64 {
        k[..32].copy_from_slice(&Sha256::digest(key));
    } else {
        k[..key.len()].copy_from_slice(key);
    }
    let inner = Sha256::new()
        .chain_update(k.map(|b| b ^ 0x36))
        .chain_update(message)
        .finalize();
    let outer = Sha256::new()
        .chain_update(k.map(|b| b ^ 0x5c))
        .chain_update(inner)
        .finalize();
    let mut out = [0u8; 32];
    out.copy_from_slice(&outer);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hmac_matches_rfc_4231_case_2() {
        let mac = hmac_sha256(b"Jefe", b"what do ya want for nothing?");
        assert_eq!(
            hex(&mac),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
    }

    #[test]
    fn json_is_redacted_wherever_the_fields_sit() {
        let v = serde_json::json!({
            "document": {"firstName": "ALEX", "documentNumber": "X00000001", "nationality": "PRT"},
            "process": {"finalResult": {"document": {"dateOfBirth": "1990-04-29"}}},
            "findings": [{"subject": "documentNumber", "message": "documentNumber differs"}]
        });
        let mut omitted = v.clone();
        Pii::Omit.redact_json(&mut omitted);
        let text = omitted.to_string();
        assert!(
            !text.contains("ALEX") && !text.contains("X00000001") && !text.contains("1990"),
            "{text}"
        );
        assert!(
            text.contains("PRT") && text.contains("documentNumber differs"),
            "{text}"
        );
        let mut masked = v.clone();
        Pii::Mask.redact_json(&mut masked);
        assert_eq!(masked["document"]["documentNumber"], "******001");
        let mut full = v.clone();
        Pii::Full.redact_json(&mut full);
        assert_eq!(full, v);
    }

    #[test]
    fn masks_keep_a_shape() {
        assert_eq!(mask(PiiField::Name, "MARIA PAULA"), "M**** P****");
        assert_eq!(mask(PiiField::DocumentNumber, "1234567890"), "*******890");
        assert_eq!(mask(PiiField::DocumentNumber, "1234"), "****");
        assert_eq!(mask(PiiField::DateOfBirth, "2002-04-29"), "****-**-**");
        assert_eq!(mask(PiiField::Address, "22043 HAMBURG"), "2**** H******");
    }

    #[test]
    fn hmac_pseudonyms_link_without_naming() {
        let p = Pii::Hmac(b"k".to_vec());
        let a = p.apply(PiiField::DocumentNumber, Some("AB123"));
        assert_eq!(a, p.apply(PiiField::DocumentNumber, Some(" ab123 ")));
        assert_ne!(a, p.apply(PiiField::Name, Some("AB123")));
        assert_ne!(
            a,
            Pii::Hmac(b"other".to_vec()).apply(PiiField::DocumentNumber, Some("AB123"))
        );
        assert!(!a.contains("AB123"));
        assert_eq!(format!("{p:?}"), "hmac");
        // JOÃO precomposed and with a combining tilde: one person.
        assert_eq!(
            p.apply(PiiField::Name, Some("JO\u{c3}O")),
            p.apply(PiiField::Name, Some("JOA\u{303}O"))
        );
    }
}
