//! One Parquet table, written as its rows arrive: a schema made of
//! [`Column`]s, a row appended cell by cell through [`Cells`], and a batch
//! of exactly [`BATCH_ROWS`] rows handed to the Parquet writer whenever
//! that many are held. Memory stays flat whatever the number of rows.
//!
//! The bytes of a file depend on the rows alone: the writer's properties
//! are fixed (zstd, row groups of [`GROUP_ROWS`] rows, no clock, a fixed
//! `created_by`), and the rows reach it in batches of the same sizes
//! whoever writes them (a run, or a merge of shards: [`BatchFile`]).

use crate::codes::split_values;
use crate::dates::Date;
use arrow_array::builder::{
    BooleanBuilder, Date32Builder, Int64Builder, ListBuilder, StringBuilder,
    StringDictionaryBuilder, TimestampMicrosecondBuilder, UInt64Builder,
};
use arrow_array::types::Int32Type;
use arrow_array::{ArrayRef, RecordBatch};
use arrow_schema::{DataType, Field, Schema, SchemaRef, TimeUnit};
use parquet::arrow::ArrowWriter;
use parquet::basic::{Compression, ZstdLevel};
use parquet::errors::ParquetError;
use parquet::file::metadata::KeyValue;
use parquet::file::properties::{DEFAULT_CREATED_BY, WriterProperties};
use std::fs::File;
use std::sync::Arc;

/// Rows per batch handed to the Parquet writer: the writer cuts pages at
/// batch boundaries, so every writer of a table uses this one size.
pub(crate) const BATCH_ROWS: usize = 8192;
/// Rows per row group (a multiple of [`BATCH_ROWS`]).
pub(crate) const GROUP_ROWS: usize = 8 * BATCH_ROWS;

/// What a column holds, and so its Arrow type. An empty CSV cell is a null
/// in every kind but [`Kind::Values`] (an empty list).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    /// Text (`Utf8`).
    Text,
    /// A code from a small set: a status, a severity, a country
    /// (`Dictionary(Int32, Utf8)`).
    Code,
    /// `true`/`false` (`Boolean`).
    Flag,
    /// A size or a count (`UInt64`).
    Size,
    /// A signed number: a box coordinate (`Int64`).
    Int,
    /// A day the tool wrote, `YYYY-MM-DD` (`Date32`).
    Day,
    /// A day as the archive wrote it (`Date32`), with a `<name>_text` twin
    /// (`Utf8`) holding the text whenever the day does not give it back
    /// exactly (not a date, or written another way).
    DayAsWritten,
    /// A moment as the archive wrote it (`Timestamp(µs, UTC)`), with a
    /// `<name>_text` twin as for [`Kind::DayAsWritten`] (a time with an
    /// offset, or not a time).
    InstantAsWritten,
    /// The values of a multi-valued cell, unescaped (`List<Utf8>`).
    Values,
}

/// A column of a table: its name (the CSV header's) and kind.
pub(crate) type Column = (&'static str, Kind);

/// The Arrow fields of a column (two for a kind with a `_text` twin).
fn fields(name: &str, kind: Kind) -> Vec<Field> {
    let text = |n: String| Field::new(n, DataType::Utf8, true);
    match kind {
        Kind::Text => vec![text(name.into())],
        Kind::Code => vec![Field::new(
            name,
            DataType::Dictionary(Box::new(DataType::Int32), Box::new(DataType::Utf8)),
            true,
        )],
        Kind::Flag => vec![Field::new(name, DataType::Boolean, true)],
        Kind::Size => vec![Field::new(name, DataType::UInt64, true)],
        Kind::Int => vec![Field::new(name, DataType::Int64, true)],
        Kind::Day => vec![Field::new(name, DataType::Date32, true)],
        Kind::DayAsWritten => vec![
            Field::new(name, DataType::Date32, true),
            text(format!("{name}_text")),
        ],
        Kind::InstantAsWritten => vec![
            Field::new(name, instant(), true),
            text(format!("{name}_text")),
        ],
        Kind::Values => vec![Field::new_list(
            name,
            Field::new_list_field(DataType::Utf8, true),
            true,
        )],
    }
}

/// The type of a UTC timestamp column.
fn instant() -> DataType {
    DataType::Timestamp(TimeUnit::Microsecond, Some("UTC".into()))
}

/// The Arrow schema of a table.
pub(crate) fn schema(columns: &[Column]) -> SchemaRef {
    Arc::new(Schema::new(
        columns
            .iter()
            .flat_map(|(n, k)| fields(n, *k))
            .collect::<Vec<_>>(),
    ))
}

/// The builders of a row's cells, one per Arrow field.
enum Builder {
    Text(StringBuilder),
    Code(StringDictionaryBuilder<Int32Type>),
    Flag(BooleanBuilder),
    Size(UInt64Builder),
    Int(Int64Builder),
    Day(Date32Builder),
    Instant(TimestampMicrosecondBuilder),
    Values(ListBuilder<StringBuilder>),
}

impl Builder {
    fn of(kind: Kind) -> Vec<Builder> {
        let n = BATCH_ROWS;
        let text = || Builder::Text(StringBuilder::with_capacity(n, n * 16));
        match kind {
            Kind::Text => vec![text()],
            Kind::Code => vec![Builder::Code(StringDictionaryBuilder::new())],
            Kind::Flag => vec![Builder::Flag(BooleanBuilder::with_capacity(n))],
            Kind::Size => vec![Builder::Size(UInt64Builder::with_capacity(n))],
            Kind::Int => vec![Builder::Int(Int64Builder::with_capacity(n))],
            Kind::Day => vec![Builder::Day(Date32Builder::with_capacity(n))],
            Kind::DayAsWritten => vec![Builder::Day(Date32Builder::with_capacity(n)), text()],
            Kind::InstantAsWritten => vec![
                Builder::Instant(
                    TimestampMicrosecondBuilder::with_capacity(n).with_timezone("UTC"),
                ),
                text(),
            ],
            Kind::Values => vec![Builder::Values(ListBuilder::new(StringBuilder::new()))],
        }
    }

    fn finish(&mut self) -> ArrayRef {
        match self {
            Builder::Text(b) => Arc::new(b.finish()),
            Builder::Code(b) => Arc::new(b.finish()),
            Builder::Flag(b) => Arc::new(b.finish()),
            Builder::Size(b) => Arc::new(b.finish()),
            Builder::Int(b) => Arc::new(b.finish()),
            Builder::Day(b) => Arc::new(b.finish()),
            Builder::Instant(b) => Arc::new(b.finish()),
            Builder::Values(b) => Arc::new(b.finish()),
        }
    }
}

/// The cells of one row, appended in column order. A row function calls
/// one method per column, of the column's kind; a call of another kind is
/// a bug the table's tests catch (it panics in debug builds, and the batch
/// then fails to build with an error rather than write wrong columns).
pub(crate) struct Cells {
    builders: Vec<Builder>,
    next: usize,
}

/// Days since 1970-01-01 of a `YYYY-MM-DD` text, if it is exactly one.
pub(super) fn day_of(text: &str) -> Option<i32> {
    let d = Date::parse(text).filter(|_| text.len() == 10)?;
    i32::try_from(d.days()).ok()
}

impl Cells {
    fn take(&mut self) -> Option<&mut Builder> {
        let b = self.builders.get_mut(self.next);
        self.next += 1;
        b
    }

    fn text_cell(&mut self, value: Option<&str>) {
        if let Some(Builder::Text(b)) = self.take() {
            b.append_option(value);
        } else {
            debug_assert!(false, "a text cell where the schema has none");
        }
    }

    /// A [`Kind::Text`] cell: empty is null.
    pub(crate) fn text(&mut self, value: &str) {
        self.text_cell((!value.is_empty()).then_some(value));
    }

    /// A [`Kind::Code`] cell: empty is null.
    pub(crate) fn code(&mut self, value: &str) {
        if let Some(Builder::Code(b)) = self.take() {
            if value.is_empty() {
                b.append_null();
            } else {
                b.append_value(value);
            }
        } else {
            debug_assert!(false, "a code cell where the schema has none");
        }
    }

    /// A [`Kind::Flag`] cell.
    pub(crate) fn flag(&mut self, value: Option<bool>) {
        if let Some(Builder::Flag(b)) = self.take() {
            b.append_option(value);
        } else {
            debug_assert!(false, "a flag cell where the schema has none");
        }
    }

    /// A [`Kind::Size`] cell.
    pub(crate) fn size(&mut self, value: Option<u64>) {
        if let Some(Builder::Size(b)) = self.take() {
            b.append_option(value);
        } else {
            debug_assert!(false, "a size cell where the schema has none");
        }
    }

    /// A [`Kind::Int`] cell.
    pub(crate) fn int(&mut self, value: Option<i64>) {
        if let Some(Builder::Int(b)) = self.take() {
            b.append_option(value);
        } else {
            debug_assert!(false, "an int cell where the schema has none");
        }
    }

    fn day_cell(&mut self, value: Option<i32>) {
        if let Some(Builder::Day(b)) = self.take() {
            b.append_option(value);
        } else {
            debug_assert!(false, "a day cell where the schema has none");
        }
    }

    /// A [`Kind::Day`] cell, from the day the tool wrote (empty is null).
    pub(crate) fn day(&mut self, text: &str) {
        self.day_cell(day_of(text));
    }

    /// A [`Kind::DayAsWritten`] cell and its text twin.
    pub(crate) fn day_as_written(&mut self, text: &str) {
        let day = day_of(text);
        self.day_cell(day);
        self.text_cell((day.is_none() && !text.is_empty()).then_some(text));
    }

    /// A [`Kind::InstantAsWritten`] cell and its text twin.
    pub(crate) fn instant_as_written(&mut self, text: &str) {
        let us = Date::utc_micros(text);
        if let Some(Builder::Instant(b)) = self.take() {
            b.append_option(us);
        } else {
            debug_assert!(false, "a timestamp cell where the schema has none");
        }
        let exact = us.is_some_and(|us| Date::micros_text(us) == text);
        self.text_cell((!exact && !text.is_empty()).then_some(text));
    }

    /// A [`Kind::Values`] cell, from the cell as the CSV joins it.
    pub(crate) fn values(&mut self, joined: &str) {
        if let Some(Builder::Values(b)) = self.take() {
            for v in split_values(joined) {
                b.values().append_value(v);
            }
            b.append(true);
        } else {
            debug_assert!(false, "a list cell where the schema has none");
        }
    }
}

/// What every Parquet file of a report says of itself, in its footer.
#[derive(Debug, Clone, Default)]
pub(crate) struct Footer {
    /// `created_by`: the tool and its version, and the Parquet writer's.
    pub(crate) created_by: String,
    /// The key-value metadata: the tool version and the policy digest.
    pub(crate) metadata: Vec<(String, String)>,
}

impl Footer {
    /// The footer of a report written by `version` under the policy of
    /// `policy_digest`.
    pub(crate) fn new(version: &str, policy_digest: &str) -> Footer {
        Footer {
            created_by: format!("eid-audit version {version} ({DEFAULT_CREATED_BY})"),
            metadata: vec![
                ("eid-audit.version".into(), version.into()),
                ("eid-audit.policy_digest".into(), policy_digest.into()),
            ],
        }
    }
}

/// A Parquet file written in batches of exactly [`BATCH_ROWS`] rows: the
/// rows given are held until that many are there.
pub(crate) struct BatchFile {
    writer: ArrowWriter<File>,
    schema: SchemaRef,
    held: Vec<RecordBatch>,
    rows: usize,
}

impl BatchFile {
    /// Creates the file (which must not exist) with this schema and footer.
    pub(crate) fn create(
        path: &std::path::Path,
        schema: SchemaRef,
        footer: &Footer,
    ) -> Result<BatchFile, ParquetError> {
        let file = File::options()
            .write(true)
            .create_new(true)
            .open(path)
            .map_err(|e| ParquetError::External(Box::new(e)))?;
        let props = WriterProperties::builder()
            .set_compression(Compression::ZSTD(ZstdLevel::try_new(3)?))
            .set_max_row_group_row_count(Some(GROUP_ROWS))
            .set_created_by(footer.created_by.clone())
            .set_key_value_metadata(Some(
                footer
                    .metadata
                    .iter()
                    .map(|(k, v)| KeyValue::new(k.clone(), v.clone()))
                    .collect(),
            ))
            .build();
        let writer = ArrowWriter::try_new(file, schema.clone(), Some(props))?;
        Ok(BatchFile {
            writer,
            schema,
            held: Vec::new(),
            rows: 0,
        })
    }

    /// Adds rows, writing a batch whenever [`BATCH_ROWS`] are held.
    pub(crate) fn add(&mut self, batch: RecordBatch) -> Result<(), ParquetError> {
        if self.rows == 0 && batch.num_rows() == BATCH_ROWS {
            // A run's batches are whole: written as they are, not copied.
            return self.writer.write(&batch);
        }
        self.rows += batch.num_rows();
        self.held.push(batch);
        while self.rows >= BATCH_ROWS {
            let all = arrow_select::concat::concat_batches(&self.schema, &self.held)?;
            self.writer.write(&all.slice(0, BATCH_ROWS))?;
            let rest = all.slice(BATCH_ROWS, all.num_rows() - BATCH_ROWS);
            self.rows = rest.num_rows();
            self.held = vec![rest];
        }
        Ok(())
    }

    /// Writes what is held and the footer, and closes the file.
    pub(crate) fn close(mut self) -> Result<(), ParquetError> {
        if self.rows > 0 {
            let all = arrow_select::concat::concat_batches(&self.schema, &self.held)?;
            self.writer.write(&all)?;
        }
        // Flushed like the CSV files, no more: the report folder is swapped
        // in whole only after every file is complete.
        self.writer.into_inner()?;
        Ok(())
    }
}

/// A table being written: its rows' cells gathered in builders, handed to
/// the file as a batch of [`BATCH_ROWS`] rows when that many are there.
pub(crate) struct Table {
    schema: SchemaRef,
    cells: Cells,
    rows: usize,
    file: BatchFile,
}

impl Table {
    /// Creates the table's file.
    pub(crate) fn create(
        path: &std::path::Path,
        columns: &'static [Column],
        footer: &Footer,
    ) -> Result<Table, ParquetError> {
        let file = BatchFile::create(path, schema(columns), footer)?;
        Ok(Table {
            schema: schema(columns),
            cells: Cells {
                builders: columns.iter().flat_map(|(_, k)| Builder::of(*k)).collect(),
                next: 0,
            },
            rows: 0,
            file,
        })
    }

    /// Appends one row, as `push` puts its cells.
    pub(crate) fn row<R>(&mut self, row: &R, push: fn(&R, &mut Cells)) -> Result<(), ParquetError> {
        self.cells.next = 0;
        push(row, &mut self.cells);
        if self.cells.next != self.cells.builders.len() {
            return Err(ParquetError::General(format!(
                "a row of {} cells for a table of {} columns",
                self.cells.next,
                self.cells.builders.len()
            )));
        }
        self.rows += 1;
        if self.rows == BATCH_ROWS {
            self.flush()?;
        }
        Ok(())
    }

    fn flush(&mut self) -> Result<(), ParquetError> {
        if self.rows == 0 {
            return Ok(());
        }
        let arrays = self
            .cells
            .builders
            .iter_mut()
            .map(Builder::finish)
            .collect();
        let batch = RecordBatch::try_new(self.schema.clone(), arrays)?;
        self.rows = 0;
        self.file.add(batch)
    }

    /// Writes the rows held and closes the file.
    pub(crate) fn close(mut self) -> Result<(), ParquetError> {
        self.flush()?;
        self.file.close()
    }
}
