//! The provider's words as the specification's values: document types,
//! country codes, gender, and the encodings of digests and member names.

/// The predefined document type a provider's word names, if any: the word
/// is compared lower-cased without spaces, hyphens or underscores.
fn predefined(word: &str) -> Option<&'static str> {
    let key: String = word
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_lowercase())
        .collect();
    Some(match key.as_str() {
        "passport" | "p" | "td3" => "passport",
        "idcard"
        | "id"
        | "i"
        | "identitycard"
        | "nationalidcard"
        | "nationalidentitycard"
        | "nationalid" => "idcard",
        "drivinglicence" | "drivinglicense" | "driverslicence" | "driverslicense"
        | "driverlicence" | "driverlicense" | "drivingpermit" => "driving_permit",
        "residencepermit" | "residencecard" | "residentpermit" | "residencepermitcard" => {
            "residence_permit"
        }
        "visa" => "visa",
        _ => return None,
    })
}

/// `document_details.type` from the provider's `documentType` (which the
/// native form also uses for the MRZ format) and its classification.
///
/// TD3 is the passport booklet; TD1 and TD2 are card formats that identity
/// cards and residence permits share: a card is `idcard` unless the
/// classification says otherwise. A word that names no predefined type is
/// kept as written.
pub(super) fn document_type(kind: Option<&str>, classification: Option<&str>) -> Option<String> {
    let kind = kind.map(str::trim).filter(|k| !k.is_empty());
    let classified = classification.and_then(predefined);
    let card = kind.is_some_and(|k| k.eq_ignore_ascii_case("td1") || k.eq_ignore_ascii_case("td2"));
    if card {
        return Some(classified.unwrap_or("idcard").to_owned());
    }
    match kind {
        Some(k) => Some(
            predefined(k)
                .or(classified)
                .map_or_else(|| k.to_owned(), str::to_owned),
        ),
        None => classified.map(str::to_owned).or_else(|| {
            classification
                .map(str::trim)
                .filter(|c| !c.is_empty())
                .map(str::to_owned)
        }),
    }
}

/// A country as an ICAO code: three letters (or two, which the specification
/// tolerates), upper-cased, MRZ filler removed; ICAO's one-letter `D` for
/// Germany is `DEU`. `None` for anything else (a country name, digits).
pub(super) fn country_code(raw: &str) -> Option<String> {
    let code = raw.trim().trim_end_matches('<').trim().to_ascii_uppercase();
    if code == "D" {
        return Some("DEU".into());
    }
    ((2..=3).contains(&code.len()) && code.bytes().all(|b| b.is_ascii_uppercase())).then_some(code)
}

/// OpenID Connect's `gender`: `female` or `male`; `None` for `X`, `<` or
/// anything else (the specification allows other values; none is invented).
pub(super) fn gender(raw: &str) -> Option<&'static str> {
    match raw.trim().to_ascii_lowercase().as_str() {
        "f" | "female" => Some("female"),
        "m" | "male" => Some("male"),
        _ => None,
    }
}

/// Standard base64 (RFC 4648 §4), padded.
pub(super) fn base64(bytes: &[u8]) -> String {
    crate::base64::encode(bytes)
}

/// The bytes of lower-case (or upper-case) hex; `None` if it is not hex.
pub(super) fn unhex(hex: &str) -> Option<Vec<u8>> {
    if !hex.len().is_multiple_of(2) {
        return None;
    }
    (0..hex.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(hex.get(i..i + 2)?, 16).ok())
        .collect()
}

/// Percent-encodes every byte but RFC 3986's unreserved characters, `/`
/// included: a member name is one path segment or URN part, and `..` in it
/// can never be read as a step up.
pub(super) fn percent_encode(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    for b in name.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn document_types_map_to_the_predefined_values() {
        let t = |k: Option<&str>, c: Option<&str>| document_type(k, c);
        assert_eq!(t(Some("passport"), None).as_deref(), Some("passport"));
        assert_eq!(t(Some("TD3"), None).as_deref(), Some("passport"));
        assert_eq!(t(Some("TD1"), None).as_deref(), Some("idcard"));
        assert_eq!(
            t(Some("td2"), Some("Residence Permit")).as_deref(),
            Some("residence_permit")
        );
        assert_eq!(
            t(Some("Driving_Licence"), None).as_deref(),
            Some("driving_permit")
        );
        assert_eq!(
            t(Some("national identity card"), None).as_deref(),
            Some("idcard")
        );
        assert_eq!(
            t(Some("healthInsuranceCard"), None).as_deref(),
            Some("healthInsuranceCard")
        );
        assert_eq!(t(None, Some("passport")).as_deref(), Some("passport"));
        assert_eq!(t(Some("  "), None), None);
        assert_eq!(t(None, None), None);
    }

    #[test]
    fn countries_are_icao_codes() {
        assert_eq!(country_code("PRT").as_deref(), Some("PRT"));
        assert_eq!(country_code("deu").as_deref(), Some("DEU"));
        assert_eq!(country_code("D<<").as_deref(), Some("DEU"));
        assert_eq!(country_code("PT").as_deref(), Some("PT"));
        assert_eq!(country_code("Portugal"), None);
        assert_eq!(country_code("12"), None);
        assert_eq!(country_code(""), None);
    }

    #[test]
    fn gender_is_female_male_or_absent() {
        assert_eq!(gender("F"), Some("female"));
        assert_eq!(gender(" m "), Some("male"));
        assert_eq!(gender("X"), None);
        assert_eq!(gender("<"), None);
    }

    #[test]
    fn hex_digests_read_back() {
        assert_eq!(unhex("00ff10"), Some(vec![0, 255, 16]));
        assert_eq!(unhex("0g"), None);
        assert_eq!(unhex("abc"), None);
    }

    #[test]
    fn member_names_are_one_encoded_segment() {
        assert_eq!(percent_encode("front.jpeg"), "front.jpeg");
        assert_eq!(
            percent_encode("Result/Raw/FRONT.JPEG"),
            "Result%2FRaw%2FFRONT.JPEG"
        );
        assert_eq!(percent_encode("../a b#?.png"), "..%2Fa%20b%23%3F.png");
        assert_eq!(percent_encode("é"), "%C3%A9");
    }
}
