//! The shards' Parquet files, merged in lockstep with `archives.csv` like
//! the CSV files: when a shard's archive row is taken, that shard's rows of
//! the same archive are taken from its file (whatever the columns, as long
//! as every shard has the same and an `archive` column of text). The rows
//! are written again, not copied as bytes, but in batches of the size a
//! run writes, under the shards' own footer, so the merged file is the one
//! a single run over the whole store writes, byte for byte.

use super::shards::ShardReport;
use super::streams::{Follower, Pick, Stop};
use crate::report::parquet::{self as pq, BATCH_ROWS, BatchFile, Footer};
use crate::tally::Tally;
use arrow_array::cast::AsArray;
use arrow_array::{Array, RecordBatch};
use arrow_schema::{DataType, Schema, SchemaRef};
use parquet::arrow::arrow_reader::{ParquetRecordBatchReader, ParquetRecordBatchReaderBuilder};
use parquet::file::metadata::FileMetaData;
use std::fs::File;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// The key the Arrow writer puts in every footer itself.
const ARROW_SCHEMA: &str = "ARROW:schema";

/// The footer of a shard's file, as a writer is given it.
fn footer_of(meta: &FileMetaData) -> Footer {
    Footer {
        created_by: meta.created_by().unwrap_or_default().to_owned(),
        metadata: meta
            .key_value_metadata()
            .into_iter()
            .flatten()
            .filter(|kv| kv.key != ARROW_SCHEMA)
            .map(|kv| (kv.key.clone(), kv.value.clone().unwrap_or_default()))
            .collect(),
    }
}

/// The footer of the first shard's `archives.parquet`, which the files
/// made again from merged CSV files (the duplicates, the sample) are
/// written under, as the run that wrote the shards writes them.
pub(super) fn footer(shard: &ShardReport) -> Result<Footer, Stop> {
    let path = shard.dir.join("archives.parquet");
    let file = File::open(&path).map_err(crate::error::OutputError::io(&path))?;
    let builder = ParquetRecordBatchReaderBuilder::try_new(file).map_err(|e| {
        shard.refuse(format!(
            "archives.parquet is not a readable Parquet file: {e}"
        ))
    })?;
    Ok(footer_of(builder.metadata().file_metadata()))
}

/// One shard's file, read a batch at a time.
struct Reader {
    path: PathBuf,
    batches: ParquetRecordBatchReader,
    batch: Option<RecordBatch>,
    at: usize,
}

impl Reader {
    /// The batch holding the next row and where in it, `None` at the end.
    fn next_row(&mut self) -> Result<Option<(RecordBatch, usize)>, Stop> {
        loop {
            if let Some(b) = &self.batch
                && self.at < b.num_rows()
            {
                return Ok(Some((b.clone(), self.at)));
            }
            match self.batches.next() {
                Some(b) => {
                    self.batch = Some(b.map_err(|e| pq::error(&self.path)(e.into()))?);
                    self.at = 0;
                }
                None => {
                    self.batch = None;
                    return Ok(None);
                }
            }
        }
    }
}

/// A Parquet file whose rows name their archive, merged from every shard.
pub(super) struct GroupedParquet {
    name: String,
    readers: Vec<Reader>,
    archive: usize,
    schema: SchemaRef,
    out: BatchFile,
    path: PathBuf,
}

impl GroupedParquet {
    /// Opens `name` in every shard, refusing files whose columns differ or
    /// that have no `archive` column, and creates the merged file under the
    /// first shard's footer.
    pub(super) fn open(
        shards: &[ShardReport],
        name: &str,
        staging: &Path,
    ) -> Result<GroupedParquet, Stop> {
        let mut readers = Vec::with_capacity(shards.len());
        let mut first: Option<(SchemaRef, Footer)> = None;
        for s in shards {
            let path = s.dir.join(name);
            let file = File::open(&path).map_err(crate::error::OutputError::io(&path))?;
            let builder = ParquetRecordBatchReaderBuilder::try_new(file)
                .map_err(|e| s.refuse(format!("{name} is not a readable Parquet file: {e}")))?;
            // The reader puts the footer's key-value metadata into the
            // schema; the writer puts it back in the footer itself, and in
            // the stored schema only what a run stores (none).
            let schema = Arc::new(Schema::new(builder.schema().fields().clone()));
            let footer = footer_of(builder.metadata().file_metadata());
            match &first {
                None => first = Some((schema, footer)),
                Some((s0, f0)) if *s0 != schema || f0.metadata != footer.metadata => {
                    return Err(s
                        .refuse(format!(
                            "the columns or footer of {name} differ from shard {}'s",
                            shards[0].index
                        ))
                        .into());
                }
                Some(_) => {}
            }
            let batches = builder
                .with_batch_size(BATCH_ROWS)
                .build()
                .map_err(pq::error(&path))?;
            readers.push(Reader {
                path,
                batches,
                batch: None,
                at: 0,
            });
        }
        let Some((schema, footer)) = first else {
            return Err(Stop::Refused(super::Refusal {
                shard: "merge".into(),
                what: "no shard report given".into(),
            }));
        };
        let archive = schema
            .fields()
            .iter()
            .position(|f| f.name() == "archive" && f.data_type() == &DataType::Utf8)
            .ok_or_else(|| {
                shards[0].refuse(format!(
                    "{name} has no archive column: merge cannot place its rows"
                ))
            })?;
        let path = staging.join(name);
        let out = BatchFile::create(&path, schema.clone(), &footer).map_err(pq::error(&path))?;
        Ok(GroupedParquet {
            name: name.to_owned(),
            readers,
            archive,
            schema,
            out,
            path,
        })
    }
}

impl Follower for GroupedParquet {
    fn follow(&mut self, pick: &Pick<'_>, _: &mut Tally) -> Result<(), Stop> {
        let r = &mut self.readers[pick.shard];
        // The archive's rows may run on into the next batch.
        while let Some((batch, at)) = r.next_row()? {
            let names = batch.column(self.archive).as_string::<i32>();
            let run = (at..batch.num_rows())
                .take_while(|i| names.is_valid(*i) && names.value(*i) == pick.archive)
                .count();
            if run == 0 {
                break;
            }
            let rows =
                RecordBatch::try_new(self.schema.clone(), batch.slice(at, run).columns().to_vec())
                    .map_err(|e| pq::error(&self.path)(e.into()))?;
            self.out.add(rows).map_err(pq::error(&self.path))?;
            r.at += run;
            if at + run < batch.num_rows() {
                break;
            }
        }
        Ok(())
    }

    fn finish(mut self: Box<Self>, shards: &[ShardReport]) -> Result<(), Stop> {
        for (s, r) in self.readers.iter_mut().enumerate() {
            if r.next_row()?.is_some() {
                return Err(shards[s]
                    .refuse(format!(
                        "{} holds rows of an archive that archives.csv does not list there, or not in its order",
                        self.name
                    ))
                    .into());
            }
        }
        self.out.close().map_err(pq::error(&self.path))?;
        Ok(())
    }
}
