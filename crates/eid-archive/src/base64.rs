//! Base64, in one place: decoding the images the native dialect embeds in its
//! JSON (standard or URL-safe alphabet, padded or not, with white space and a
//! data-URL prefix), and encoding (standard, padded) for data URIs, the
//! Content-Security-Policy hashes of the HTML pages and the digests of the
//! Identity Assurance export.

const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/// Standard base64 (RFC 4648 §4), padded, appended to `out`.
pub(crate) fn encode_into(bytes: &[u8], out: &mut String) {
    out.reserve(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = |i: usize| u32::from(chunk.get(i).copied().unwrap_or(0));
        let n = (b(0) << 16) | (b(1) << 8) | b(2);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(char::from(ALPHABET[((n >> (18 - 6 * i)) & 63) as usize]));
            } else {
                out.push('=');
            }
        }
    }
}

/// Standard base64 (RFC 4648 §4), padded.
pub(crate) fn encode(bytes: &[u8]) -> String {
    let mut out = String::new();
    encode_into(bytes, &mut out);
    out
}

/// The base64 alphabet's values (standard and URL-safe); 64 marks white space
/// (skipped), 65 padding (the end), 255 anything else.
const BASE64: [u8; 256] = {
    let mut t = [255u8; 256];
    let mut i = 0;
    while i < 26 {
        t[b'A' as usize + i] = i as u8;
        t[b'a' as usize + i] = 26 + i as u8;
        i += 1;
    }
    let mut d = 0;
    while d < 10 {
        t[b'0' as usize + d] = 52 + d as u8;
        d += 1;
    }
    t[b'+' as usize] = 62;
    t[b'-' as usize] = 62;
    t[b'/' as usize] = 63;
    t[b'_' as usize] = 63;
    t[b' ' as usize] = 64;
    t[b'\n' as usize] = 64;
    t[b'\r' as usize] = 64;
    t[b'\t' as usize] = 64;
    t[b'=' as usize] = 65;
    t
};

fn strip_data_url(text: &str) -> &str {
    // Only a data URL has a prefix; its header is short, so search only there.
    if !text.starts_with("data:") {
        return text;
    }
    let head = &text.as_bytes()[..text.len().min(256)];
    match head.windows(8).position(|w| w == b";base64,") {
        Some(i) => &text[i + 8..],
        None => text,
    }
}

/// Decodes standard or URL-safe base64, with or without padding, ignoring
/// white space and a `data:...;base64,` prefix. `None` on anything else.
pub(crate) fn decode_base64(text: &str) -> Option<Vec<u8>> {
    let text = strip_data_url(text);
    let mut out = Vec::with_capacity(text.len() / 4 * 3 + 3);
    let mut acc: u32 = 0;
    let mut bits = 0u32;
    for &c in text.as_bytes() {
        let v = BASE64[usize::from(c)];
        match v {
            0..=63 => {
                acc = (acc << 6) | u32::from(v);
                bits += 6;
                if bits >= 8 {
                    bits -= 8;
                    out.push((acc >> bits) as u8);
                    acc &= (1 << bits) - 1;
                }
            }
            64 => {}
            65 => break,
            _ => return None,
        }
    }
    Some(out)
}

/// Where base64 text goes on after its padding with anything but more
/// padding and white space (`...AB==CDEF`), the sizes it decodes to when a
/// reader stops at the padding (as this one does) and when it reads on (as
/// `base64 -d` does): two readings of one image, which the caller refuses.
pub(crate) fn continues_after_padding(text: &str) -> Option<(u64, u64)> {
    let text = strip_data_url(text);
    let pad = text.find('=')?;
    let after = &text.as_bytes()[pad..];
    if after
        .iter()
        .all(|c| matches!(BASE64[usize::from(*c)], 64 | 65))
    {
        return None;
    }
    let before = symbols(&text.as_bytes()[..pad]) * 6 / 8;
    let all = symbols(text.as_bytes()) * 6 / 8;
    Some((before, all))
}

/// The decoded size of base64 text, without decoding it.
pub(crate) fn decoded_len(text: &str) -> u64 {
    let text = strip_data_url(text);
    symbols(text.as_bytes()) * 6 / 8
}

/// The number of base64 symbols (either alphabet) in `bytes`. Range tests
/// rather than the table, in blocks that fit a byte counter: the compiler
/// makes this a vector loop, and a native result's selfie is 290 KB of it.
fn symbols(bytes: &[u8]) -> u64 {
    let symbol = |c: u8| c.is_ascii_alphanumeric() || matches!(c, b'+' | b'/' | b'-' | b'_');
    bytes
        .chunks(255)
        .map(|block| u64::from(block.iter().fold(0u8, |n, &c| n + u8::from(symbol(c)))))
        .sum()
}

#[cfg(test)]
mod tests {
    use super::{BASE64, decode_base64, decoded_len, encode, symbols};

    /// Every byte is a symbol exactly when the decoding table gives it a
    /// value, and counts add up over blocks of any length.
    #[test]
    fn symbols_are_what_the_table_decodes() {
        for c in 0..=255u8 {
            assert_eq!(symbols(&[c]), u64::from(BASE64[usize::from(c)] < 64), "{c}");
        }
        let all: Vec<u8> = (0..=255u8).cycle().take(100_000).collect();
        let by_table = all.iter().filter(|c| BASE64[usize::from(**c)] < 64).count() as u64;
        assert_eq!(symbols(&all), by_table);
        assert_eq!(symbols(&all[..255]) + symbols(&all[255..]), by_table);
    }

    #[test]
    fn encodes_the_rfc_4648_vectors_and_decodes_them_back() {
        for (plain, coded) in [
            ("", ""),
            ("f", "Zg=="),
            ("fo", "Zm8="),
            ("foo", "Zm9v"),
            ("foob", "Zm9vYg=="),
            ("fooba", "Zm9vYmE="),
            ("foobar", "Zm9vYmFy"),
        ] {
            assert_eq!(encode(plain.as_bytes()), coded);
            assert_eq!(decode_base64(coded).as_deref(), Some(plain.as_bytes()));
        }
        assert_eq!(encode(&[0xfb, 0xff]), "+/8=");
    }

    #[test]
    fn base64_variants() {
        assert_eq!(decode_base64("aGVsbG8=").as_deref(), Some(&b"hello"[..]));
        assert_eq!(decode_base64("aGVsbG8").as_deref(), Some(&b"hello"[..]));
        assert_eq!(
            decode_base64("data:image/png;base64,aGk=").as_deref(),
            Some(&b"hi"[..])
        );
        assert_eq!(decode_base64("a?b"), None);
        assert_eq!(decoded_len("aGVsbG8="), 5);
        assert_eq!(decode_base64("aGVs\nbG8=").as_deref(), Some(&b"hello"[..]));
    }

    #[test]
    fn text_after_the_padding_is_found_with_both_readings() {
        use super::continues_after_padding;
        assert_eq!(continues_after_padding("aGVsbG8="), None);
        assert_eq!(continues_after_padding("aGVsbG8= \n="), None);
        assert_eq!(continues_after_padding("aGVsbG8"), None);
        // "hello" then "world": 5 bytes read to the padding, 10 read on.
        assert_eq!(continues_after_padding("aGVsbG8=d29ybGQ="), Some((5, 10)));
        assert_eq!(
            continues_after_padding("data:image/png;base64,aGk=aGk="),
            Some((2, 4))
        );
    }
}
