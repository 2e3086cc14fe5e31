//! Cells a spreadsheet will not run: the one rule of `--excel`, for the
//! report's CSV files and the population's alike.

/// A cell made inert for a spreadsheet.
pub(crate) fn cell(value: &str, column: &str) -> String {
    if column == "crc32" && !value.is_empty() {
        return format!("0x{value}");
    }
    match value.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => format!("'{value}"),
        _ => value.to_owned(),
    }
}
