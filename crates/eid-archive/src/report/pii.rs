//! Personal data in reports: left out, masked, pseudonymised with a keyed
//! HMAC, or written in full; every row says which.

use crate::codes::hex;
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

/// The kinds of personal data, masked each in its own way.
#[non_exhaustive]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PiiField {
    /// First or last name.
    Name,
    /// Document number.
    DocumentNumber,
    /// Date of birth.
    DateOfBirth,
    /// Personal identification number.
    PersonalNumber,
    /// Postal address.
    Address,
}

impl PiiField {
    fn as_str(self) -> &'static str {
        match self {
            PiiField::Name => "name",
            PiiField::DocumentNumber => "documentNumber",
            PiiField::DateOfBirth => "dateOfBirth",
            PiiField::PersonalNumber => "personalNumber",
            PiiField::Address => "address",
        }
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
    /// use eid_archive::report::{Pii, PiiField};
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
                // Scoped by field and normalised, so the same document number links
                // across rows but never matches a name that happens to be equal.
                let message = format!("{}:{}", field.as_str(), value.to_uppercase());
                let mac = hmac_sha256(key, message.as_bytes());
                format!("hmac:{}", hex(&mac[..16]))
            }
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

/// HMAC-SHA256 (RFC 2104).
fn hmac_sha256(key: &[u8], message: &[u8]) -> [u8; 32] {
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
    }
}
