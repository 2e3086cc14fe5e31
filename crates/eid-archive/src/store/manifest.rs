//! The keys to read, from a file rather than a listing: one key a line, or
//! an S3 Inventory report in CSV (`"bucket","key","version",…`, keys
//! URL-encoded), as banks already produce them for their stores.

use object_store::ObjectMeta;
use object_store::path::Path as ObjectPath;
use std::io::{BufRead, BufReader};
use std::path::Path;

/// The objects a manifest names, in its order; sizes and ETags are learnt
/// when each is read.
pub(super) fn read(file: &Path, bucket: &str) -> Result<Vec<ObjectMeta>, String> {
    let shown = file.display();
    let f = std::fs::File::open(file).map_err(|e| format!("manifest {shown}: {e}"))?;
    let mut out = Vec::new();
    for (n, line) in BufReader::new(f).lines().enumerate() {
        let line = line.map_err(|e| format!("manifest {shown}, line {}: {e}", n + 1))?;
        let line = line.trim_end_matches('\r');
        if line.trim().is_empty() {
            continue;
        }
        let (key, version) = if line.starts_with('"') {
            inventory_row(line, bucket)
                .map_err(|e| format!("manifest {shown}, line {}: {e}", n + 1))?
        } else {
            (line.to_owned(), None)
        };
        let location = ObjectPath::parse(&key)
            .map_err(|e| format!("manifest {shown}, line {}: not an object key: {e}", n + 1))?;
        out.push(ObjectMeta {
            location,
            last_modified: Default::default(),
            size: 0,
            e_tag: None,
            version,
        });
    }
    Ok(out)
}

/// The key and version of one row of an S3 Inventory CSV report.
fn inventory_row(line: &str, bucket: &str) -> Result<(String, Option<String>), String> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(line.as_bytes());
    let record = reader
        .records()
        .next()
        .ok_or("an empty row")?
        .map_err(|e| format!("not a CSV row: {e}"))?;
    let field = |i| record.get(i).unwrap_or_default();
    if field(0) != bucket {
        return Err(format!(
            "the row is for bucket {:?}, not {bucket:?}",
            field(0)
        ));
    }
    let key = form_decode(field(1)).ok_or("the key is not URL-encoded UTF-8")?;
    let version = Some(field(2).to_owned()).filter(|v| !v.is_empty() && v != "null");
    Ok((key, version))
}

/// `%XX` and `+` (a space) decoded, as S3 Inventory encodes keys.
fn form_decode(s: &str) -> Option<String> {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'+' => out.push(b' '),
            b'%' => {
                let hex = s.get(i + 1..i + 3)?;
                out.push(u8::from_str_radix(hex, 16).ok()?);
                i += 2;
            }
            c => out.push(c),
        }
        i += 1;
    }
    String::from_utf8(out).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_inventory_row_gives_its_decoded_key_and_version() {
        let (key, version) =
            inventory_row(r#""bank","store/a+b%2Bc.zip","3HL4kqtJ","true""#, "bank").unwrap();
        assert_eq!(key, "store/a b+c.zip");
        assert_eq!(version.as_deref(), Some("3HL4kqtJ"));
        let e = inventory_row(r#""other","store/a.zip""#, "bank").unwrap_err();
        assert_eq!(e, r#"the row is for bucket "other", not "bank""#);
        assert_eq!(form_decode("bad%zz"), None);
    }
}
