//! Names as ICAO 9303 (Part 3, transliteration of Latin characters) writes
//! them in a machine-readable zone: upper case, diacritics dropped, and the
//! letters that expand (`Ä` → `AE`, `ß` → `SS`, `Þ` → `TH`) expanded. An OCR
//! that read the visual zone (`JOÃO`) and one that read the MRZ (`JOAO`)
//! then say the same name.

/// The name transliterated; `expand` writes `Ä`, `Ö`, `Ü`, `Å`, `Ø` as two
/// letters (`AE`, `OE`, `UE`, `AA`, `OE`), as ICAO recommends, else as one.
fn transliterate(name: &str, expand: bool) -> String {
    let mut out = String::new();
    for c in name.trim().chars().flat_map(char::to_uppercase) {
        let mapped: &str = match c {
            'À' | 'Á' | 'Â' | 'Ã' | 'Ā' | 'Ă' | 'Ą' => "A",
            'Ä' | 'Æ' if expand => "AE",
            'Å' if expand => "AA",
            'Ä' | 'Å' => "A",
            'Æ' => "AE",
            'Ç' | 'Ć' | 'Ĉ' | 'Ċ' | 'Č' => "C",
            'Ð' | 'Ď' | 'Đ' => "D",
            'È' | 'É' | 'Ê' | 'Ë' | 'Ē' | 'Ĕ' | 'Ė' | 'Ę' | 'Ě' => "E",
            'Ĝ' | 'Ğ' | 'Ġ' | 'Ģ' => "G",
            'Ĥ' | 'Ħ' => "H",
            'Ì' | 'Í' | 'Î' | 'Ï' | 'Ĩ' | 'Ī' | 'Ĭ' | 'Į' | 'İ' => "I",
            'Ĳ' => "IJ",
            'Ĵ' => "J",
            'Ķ' => "K",
            'Ĺ' | 'Ļ' | 'Ľ' | 'Ŀ' | 'Ł' => "L",
            'Ñ' | 'Ń' | 'Ņ' | 'Ň' | 'Ŋ' => "N",
            'Ò' | 'Ó' | 'Ô' | 'Õ' | 'Ō' | 'Ŏ' | 'Ő' => "O",
            'Ö' | 'Ø' if expand => "OE",
            'Ö' | 'Ø' => "O",
            'Œ' => "OE",
            'Ŕ' | 'Ŗ' | 'Ř' => "R",
            'Ś' | 'Ŝ' | 'Ş' | 'Š' => "S",
            'ß' | 'ẞ' => "SS",
            'Ţ' | 'Ť' | 'Ŧ' => "T",
            'Þ' => "TH",
            'Ù' | 'Ú' | 'Û' | 'Ũ' | 'Ū' | 'Ŭ' | 'Ů' | 'Ű' | 'Ų' => "U",
            'Ü' if expand => "UE",
            'Ü' => "U",
            'Ŵ' => "W",
            'Ý' | 'Ÿ' | 'Ŷ' => "Y",
            'Ź' | 'Ż' | 'Ž' => "Z",
            // The MRZ separates names with fillers; hyphens and apostrophes
            // become them too.
            '<' | '-' | '\'' | '’' | ',' => " ",
            c if c.is_whitespace() => " ",
            _ => {
                out.push(c);
                continue;
            }
        };
        out.push_str(mapped);
    }
    out.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// True when two spellings of a name are one after ICAO 9303 transliteration
/// (either reading of the letters that expand).
pub(super) fn same_name(a: &str, b: &str) -> bool {
    transliterate(a, true) == transliterate(b, true)
        || transliterate(a, false) == transliterate(b, false)
}

#[cfg(test)]
mod tests {
    use super::same_name;

    #[test]
    fn icao_transliteration() {
        assert!(same_name("JOÃO", "JOAO"));
        assert!(same_name("Müller", "MUELLER"));
        assert!(same_name("MÜLLER", "MULLER"));
        assert!(same_name("STRAßE", "STRASSE"));
        assert!(same_name("O'NEIL", "O NEIL"));
        assert!(!same_name("JOAO", "JOSE"));
    }
}
