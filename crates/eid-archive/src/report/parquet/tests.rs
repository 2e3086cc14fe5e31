use super::table::{BATCH_ROWS, BatchFile, Cells, Column, Footer, GROUP_ROWS, Kind, Table, schema};
use arrow_array::cast::AsArray;
use arrow_array::types::{Date32Type, Int32Type, TimestampMicrosecondType};
use arrow_array::{Array, RecordBatch};
use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;
use std::path::Path;

/// A row of every kind.
struct Row {
    text: String,
    code: &'static str,
    flag: Option<bool>,
    size: Option<u64>,
    int: Option<i64>,
    day: String,
    issued: String,
    at: String,
    values: String,
}

const COLUMNS: &[Column] = &[
    ("text", Kind::Text),
    ("code", Kind::Code),
    ("flag", Kind::Flag),
    ("size", Kind::Size),
    ("int", Kind::Int),
    ("day", Kind::Day),
    ("issued", Kind::DayAsWritten),
    ("at", Kind::InstantAsWritten),
    ("values", Kind::Values),
];

fn push(r: &Row, c: &mut Cells) {
    c.text(&r.text);
    c.code(r.code);
    c.flag(r.flag);
    c.size(r.size);
    c.int(r.int);
    c.day(&r.day);
    c.day_as_written(&r.issued);
    c.instant_as_written(&r.at);
    c.values(&r.values);
}

fn row(i: usize) -> Row {
    Row {
        text: format!("archive-{i:06}.zip"),
        code: ["accepted", "rejected", ""][i % 3],
        flag: [Some(true), Some(false), None][i % 3],
        size: (!i.is_multiple_of(5)).then_some(i as u64 * 1000),
        int: (!i.is_multiple_of(7)).then_some(-(i as i64)),
        day: if i.is_multiple_of(4) {
            String::new()
        } else {
            "2021-06-09".into()
        },
        issued: ["2030-10-05", "05.10.2030", "", "2030-02-30"][i % 4].into(),
        at: [
            "2021-06-09T10:04:42Z",
            "2021-06-09T12:04:42.5+02:00",
            "",
            "2021-06-09T10:04:42.25Z",
            "yesterday",
        ][i % 5]
            .into(),
        values: ["", "a; b%3Bc; 50%25", "one"][i % 3].into(),
    }
}

fn write(path: &Path, n: usize) {
    let footer = Footer::new("9.9.9", "0123456789abcdef");
    let mut t = Table::create(path, COLUMNS, &footer).unwrap();
    for i in 0..n {
        t.row(&row(i), push).unwrap();
    }
    t.close().unwrap();
}

fn read(path: &Path) -> Vec<RecordBatch> {
    let file = std::fs::File::open(path).unwrap();
    ParquetRecordBatchReaderBuilder::try_new(file)
        .unwrap()
        .build()
        .unwrap()
        .map(Result::unwrap)
        .collect()
}

#[test]
fn every_kind_reads_back_typed_and_nothing_written_is_lost() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("t.parquet");
    write(&path, 5 * 4 * 3);
    let batches = read(&path);
    let b = arrow_select::concat::concat_batches(&batches[0].schema(), &batches).unwrap();
    assert_eq!(b.schema(), schema(COLUMNS), "the schema as declared");
    let schema = b.schema();
    let names: Vec<&str> = schema.fields().iter().map(|f| f.name().as_str()).collect();
    assert_eq!(
        names,
        [
            "text",
            "code",
            "flag",
            "size",
            "int",
            "day",
            "issued",
            "issued_text",
            "at",
            "at_text",
            "values"
        ]
    );
    let col = |n: &str| b.column_by_name(n).unwrap().clone();
    let code = col("code");
    let code = code.as_dictionary::<Int32Type>();
    let codes = code.values().as_string::<i32>();
    assert_eq!(codes.value(code.keys().value(1) as usize), "rejected");
    assert!(code.is_null(2), "an empty cell is null");
    assert!(col("flag").as_boolean().value(0));
    assert!(col("flag").is_null(2));
    assert!(col("size").is_null(0) && !col("size").is_null(1));
    assert_eq!(
        col("int")
            .as_primitive::<arrow_array::types::Int64Type>()
            .value(1),
        -1
    );
    let day = col("day");
    let day = day.as_primitive::<Date32Type>();
    assert!(day.is_null(0));
    assert_eq!(day.value(1), 18_787, "2021-06-09");
    // A day that is one is typed; anything else is kept as written.
    let issued = col("issued");
    let issued = issued.as_primitive::<Date32Type>();
    let issued_text = col("issued_text");
    let issued_text = issued_text.as_string::<i32>();
    assert_eq!(
        (issued.value(0), issued_text.is_null(0)),
        (22_192, true),
        "2030-10-05"
    );
    assert!(issued.is_null(1));
    assert_eq!(issued_text.value(1), "05.10.2030");
    assert!(
        issued.is_null(2) && issued_text.is_null(2),
        "empty: nothing"
    );
    assert_eq!(issued_text.value(3), "2030-02-30", "no such day");
    let at = col("at");
    let at = at.as_primitive::<TimestampMicrosecondType>();
    let at_text = col("at_text");
    let at_text = at_text.as_string::<i32>();
    assert_eq!(at.value(0), 1_623_233_082_000_000);
    assert!(at_text.is_null(0), "UTC as the column writes it: no text");
    assert_eq!(at.value(1), 1_623_233_082_500_000, "the offset applied");
    assert_eq!(
        at_text.value(1),
        "2021-06-09T12:04:42.5+02:00",
        "as written"
    );
    assert!(at_text.is_null(3), "{:?}", at_text.value(3));
    assert!(at.is_null(4));
    assert_eq!(at_text.value(4), "yesterday");
    let values = col("values");
    let values = values.as_list::<i32>();
    assert_eq!(values.value(0).len(), 0, "an empty cell: no values");
    assert!(!values.is_null(0));
    let v = values.value(1);
    let v = v.as_string::<i32>();
    let v: Vec<&str> = (0..v.len()).map(|i| v.value(i)).collect();
    assert_eq!(v, ["a", "b;c", "50%"], "unescaped");
}

#[test]
fn the_same_rows_give_the_same_bytes_in_row_groups_with_a_fixed_footer() {
    let dir = tempfile::tempdir().unwrap();
    let n = GROUP_ROWS + 2 * BATCH_ROWS + 7;
    let (a, b) = (dir.path().join("a.parquet"), dir.path().join("b.parquet"));
    write(&a, n);
    std::thread::sleep(std::time::Duration::from_millis(1100));
    write(&b, n);
    assert_eq!(std::fs::read(&a).unwrap(), std::fs::read(&b).unwrap());
    let builder =
        ParquetRecordBatchReaderBuilder::try_new(std::fs::File::open(&a).unwrap()).unwrap();
    let meta = builder.metadata();
    let groups: Vec<i64> = meta.row_groups().iter().map(|g| g.num_rows()).collect();
    assert_eq!(groups, [GROUP_ROWS as i64, (2 * BATCH_ROWS + 7) as i64]);
    let file = meta.file_metadata();
    assert_eq!(
        file.created_by(),
        Some(
            format!(
                "eid-audit version 9.9.9 (parquet-rs version {})",
                parquet_version()
            )
            .as_str()
        )
    );
    let kv: Vec<(String, Option<String>)> = file
        .key_value_metadata()
        .unwrap()
        .iter()
        .filter(|kv| kv.key != "ARROW:schema")
        .map(|kv| (kv.key.clone(), kv.value.clone()))
        .collect();
    assert_eq!(
        kv,
        [
            ("eid-audit.version".into(), Some("9.9.9".into())),
            (
                "eid-audit.policy_digest".into(),
                Some("0123456789abcdef".into())
            )
        ]
    );
    let zstd = meta.row_group(0).column(0).compression();
    assert!(
        matches!(zstd, parquet::basic::Compression::ZSTD(_)),
        "{zstd:?}"
    );
}

/// The version of the Parquet writer, as its default `created_by` says.
fn parquet_version() -> &'static str {
    parquet::file::properties::DEFAULT_CREATED_BY
        .rsplit(' ')
        .next()
        .unwrap_or_default()
}

#[test]
fn rows_handed_over_in_any_slices_give_the_same_file() {
    // What a merge does: the rows of a file read back, given again in
    // slices of any size, make the file they came from, byte for byte.
    let dir = tempfile::tempdir().unwrap();
    let n = 3 * BATCH_ROWS + 11;
    let a = dir.path().join("a.parquet");
    write(&a, n);
    let batches = read(&a);
    let all = arrow_select::concat::concat_batches(&batches[0].schema(), &batches).unwrap();
    let b = dir.path().join("b.parquet");
    let footer = Footer::new("9.9.9", "0123456789abcdef");
    let mut f = BatchFile::create(&b, all.schema(), &footer).unwrap();
    let mut at = 0;
    for size in [1, 2, 4095, 1, 9000, 3].iter().cycle() {
        let size = (*size).min(n - at);
        f.add(all.slice(at, size)).unwrap();
        at += size;
        if at == n {
            break;
        }
    }
    f.close().unwrap();
    assert_eq!(std::fs::read(&a).unwrap(), std::fs::read(&b).unwrap());
}
