//! The population's files (`duplicates.csv`, `sample.csv`,
//! `retention.csv`) as Parquet. They are made at the end of a run from the
//! finished CSV files, because the duplicates and the sample only exist
//! then; reading the CSV back also makes the two forms agree by
//! construction. Every cell is one this tool wrote, so a cell that does not
//! parse as its column's type is a bug, and it fails the run rather than
//! becoming a null.

use super::table::{Cells, Column, Kind, Table, day_of};
use super::{Footer, failed};
use crate::error::OutputError;
use crate::population::unexcel;
use std::io;
use std::path::Path;

use Kind::{Code, Day, Flag, Size, Text};

/// `duplicates.parquet`.
pub(crate) const DUPLICATES: &[Column] = &[
    ("group", Size),
    ("kind", Code),
    ("archive", Text),
    ("sha256", Text),
    ("process_id", Text),
    ("status", Code),
    ("verification_date", Day),
];

/// `sample.parquet`.
pub(crate) const SAMPLE: &[Column] = &[
    ("archive", Text),
    ("sha256", Text),
    ("process_id", Text),
    ("status", Code),
    ("stratum", Code),
    ("draw_key", Text),
    ("rank", Size),
];

/// `retention.parquet`.
pub(crate) const RETENTION: &[Column] = &[
    ("archive", Text),
    ("sha256", Text),
    ("process_id", Text),
    ("anchor_date", Day),
    ("anchor_source", Code),
    ("retain_until", Day),
    ("eligible_for_deletion", Flag),
    ("reason", Text),
];

/// The population's files: the CSV file, its Parquet twin, the columns.
pub(crate) const POPULATION_FILES: [(&str, &str, &[Column]); 3] = [
    ("duplicates.csv", "duplicates.parquet", DUPLICATES),
    ("sample.csv", "sample.parquet", SAMPLE),
    ("retention.csv", "retention.parquet", RETENTION),
];

/// Writes the Parquet twin of each of `names` (CSV file names among
/// [`POPULATION_FILES`]) that is in `dir`. A run passes all three; a merge
/// passes the two it makes again (the retention rows merge as any other).
pub(crate) fn write(dir: &Path, footer: &Footer, names: &[&str]) -> Result<(), OutputError> {
    for (csv, parquet, columns) in POPULATION_FILES {
        let from = dir.join(csv);
        if names.contains(&csv) && from.exists() {
            convert(&from, &dir.join(parquet), columns, footer)?;
        }
    }
    Ok(())
}

/// One CSV row, as its table's cells.
struct Row<'a> {
    cells: Vec<&'a str>,
    columns: &'static [Column],
}

/// Puts the cells of a [`Row`] (checked by [`check`] first).
fn push(row: &Row<'_>, c: &mut Cells) {
    for (cell, (_, kind)) in row.cells.iter().zip(row.columns) {
        match kind {
            Text => c.text(cell),
            Code => c.code(cell),
            Day => c.day(cell),
            Flag => c.flag(cell.parse().ok()),
            Size => c.size(cell.parse().ok()),
            // No population column has another kind.
            other => unreachable!("{other:?} in a population table"),
        }
    }
}

/// Why a cell cannot be its column's type, if it cannot.
fn check(cell: &str, kind: Kind) -> Option<&'static str> {
    let ok = cell.is_empty()
        || match kind {
            Day => day_of(cell).is_some(),
            Flag => cell == "true" || cell == "false",
            Size => cell.parse::<u64>().is_ok(),
            _ => true,
        };
    (!ok).then_some(match kind {
        Day => "a day (YYYY-MM-DD)",
        Flag => "true or false",
        _ => "a whole number",
    })
}

/// Writes `to` from the CSV file `from`, whose header must be the columns'.
fn convert(
    from: &Path,
    to: &Path,
    columns: &'static [Column],
    footer: &Footer,
) -> Result<(), OutputError> {
    let bad =
        |what: String| OutputError::io(from)(io::Error::new(io::ErrorKind::InvalidData, what));
    let fail = |e: csv::Error| OutputError::io(from)(io::Error::from(e));
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(true)
        .from_path(from)
        .map_err(fail)?;
    let header = reader.headers().map_err(fail)?.clone();
    // Under --excel the file begins with a byte-order mark and some cells
    // with a `'` that keeps a spreadsheet from reading a formula.
    let excel = header.get(0).is_some_and(|h| h.starts_with('\u{feff}'));
    let names: Vec<&str> = header
        .iter()
        .map(|h| h.trim_start_matches('\u{feff}'))
        .collect();
    let expected: Vec<&str> = columns.iter().map(|(n, _)| *n).collect();
    if names != expected {
        return Err(bad(format!(
            "the columns are {names:?}, not the {expected:?} of its Parquet table"
        )));
    }
    let mut table = Table::create(to, columns, footer).map_err(failed(to))?;
    let mut record = csv::StringRecord::new();
    let mut line = 1;
    while reader.read_record(&mut record).map_err(fail)? {
        line += 1;
        let cells: Vec<&str> = record
            .iter()
            .map(|v| if excel { unexcel(v) } else { v })
            .collect();
        for (cell, (name, kind)) in cells.iter().zip(columns) {
            if let Some(want) = check(cell, *kind) {
                return Err(bad(format!(
                    "line {line}, column {name}: {cell:?} is not {want}"
                )));
            }
        }
        table
            .row(&Row { cells, columns }, push)
            .map_err(failed(to))?;
    }
    table.close().map_err(failed(to))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_columns_are_the_csv_files() {
        use crate::population::columns;
        let names = |c: &[Column]| c.iter().map(|(n, _)| *n).collect::<Vec<_>>();
        assert_eq!(names(DUPLICATES), columns::DUPLICATES);
        assert_eq!(names(SAMPLE), columns::SAMPLE);
        assert_eq!(names(RETENTION), columns::RETENTION);
    }

    #[test]
    fn a_cell_that_is_not_its_type_is_refused_naming_line_and_column() {
        let dir = tempfile::tempdir().unwrap();
        let csv = dir.path().join("sample.csv");
        std::fs::write(
            &csv,
            "archive,sha256,process_id,status,stratum,draw_key,rank\na.zip,ab,p,accepted,,k,first\n",
        )
        .unwrap();
        let footer = Footer::new("0", "d");
        let e = write(dir.path(), &footer, &["sample.csv"]).unwrap_err();
        let text = e.to_string();
        assert!(
            text.contains("line 2, column rank: \"first\" is not a whole number"),
            "{text}"
        );
    }

    #[test]
    fn a_header_that_differs_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("retention.csv"), "archive,sha256\n").unwrap();
        let e = write(dir.path(), &Footer::new("0", "d"), &["retention.csv"]).unwrap_err();
        assert!(e.to_string().contains("not the"), "{e}");
    }

    #[test]
    fn checks_accept_what_the_tool_writes_and_nothing_else() {
        assert_eq!(check("2026-02-28", Day), None);
        assert_eq!(check("", Day), None);
        assert!(check("28.02.2026", Day).is_some());
        assert_eq!(check("false", Flag), None);
        assert!(check("no", Flag).is_some());
        assert_eq!(check("12", Size), None);
        assert!(check("-1", Size).is_some());
    }
}
