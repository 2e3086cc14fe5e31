//! The hardware floor for a corpus, measured with the same thread count as a run:
//!
//! - `floor hash PATH... [--jobs N]`: read every archive and SHA-256 it, nothing else.
//! - `floor inflate PATH... [--jobs N]`: read and SHA-256 every archive, and
//!   inflate what `report`'s outputs need of it: every JSON member whole, and
//!   the first 4 KiB (and one byte more) of every image for its header and
//!   its duplicates fingerprint; nothing is parsed.
//! - `floor decode PATH... [--jobs N] [--back]`: inflate and decode every side
//!   image the crops need, nothing else: the front images (in the realistic
//!   corpus every box is on the front), and with `--back` the back images too.
//!   They are decoded as `report` decodes them: header checks, the walk of
//!   every JPEG scan that proves each block is coded, then the pixels.
//! - `floor pixels PATH... [--jobs N] [--back]`: the same images through the
//!   same decoder, without the checks and the walk: what decoding alone
//!   costs. `decode` against `pixels` is the price of failing closed.
//!
//! - `floor store URL [--requests K]`: list the `*.zip` objects below a
//!   store URL, GET each whole with K requests in flight and SHA-256 it,
//!   nothing else (credentials and endpoint from the `AWS_*` environment).
//!
//! Prints one line: what, archives, bytes, seconds, archives/s, MB/s.

use eid_archive::Limits;
use eid_archive::batch::{Input, discover};
use rayon::prelude::*;
use sha2::{Digest, Sha256};
use std::io::Read;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

fn main() -> ExitCode {
    let mut args = std::env::args().skip(1);
    let Some(what) = args.next() else {
        eprintln!("usage: floor hash|inflate|decode|pixels PATH... [--jobs N] [--back]");
        return ExitCode::from(2);
    };
    let mut paths = Vec::new();
    let mut jobs = 0usize;
    let mut requests = 16usize;
    let mut back = false;
    while let Some(a) = args.next() {
        if a == "--back" {
            back = true;
        } else if a == "--jobs" {
            jobs = args.next().and_then(|n| n.parse().ok()).unwrap_or(0);
        } else if a == "--requests" {
            requests = args.next().and_then(|n| n.parse().ok()).unwrap_or(16);
        } else {
            paths.push(PathBuf::from(a));
        }
    }
    if what == "store" {
        let url = paths
            .first()
            .map(|p| p.display().to_string())
            .unwrap_or_default();
        let started = Instant::now();
        let (n, bytes) = store(&url, requests);
        let s = started.elapsed().as_secs_f64();
        println!(
            "{what}\t{n}\t{bytes}\t{s:.3}\t{:.1}\t{:.1}",
            n as f64 / s,
            bytes as f64 / 1e6 / s
        );
        return ExitCode::SUCCESS;
    }
    let inputs: Vec<PathBuf> = discover(&paths, &mut std::io::empty())
        .into_iter()
        .filter(Input::is_archive)
        .map(|i| i.path().to_owned())
        .collect();
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(jobs)
        .build()
        .expect("thread pool");
    let started = Instant::now();
    let bytes: u64 = match what.as_str() {
        "hash" => pool.install(|| inputs.par_iter().map(hash).sum()),
        "inflate" => pool.install(|| inputs.par_iter().map(inflate).sum()),
        "decode" | "pixels" => {
            // `decode` checks each image as `report` does; `pixels` does not.
            let checked = what == "decode";
            pool.install(|| {
                inputs
                    .par_iter()
                    .map(|p| decode_sides(p, back, checked))
                    .sum()
            })
        }
        other => {
            eprintln!("unknown floor {other:?}: hash, inflate, decode or pixels");
            return ExitCode::from(2);
        }
    };
    let s = started.elapsed().as_secs_f64();
    println!(
        "{what}\t{}\t{bytes}\t{s:.3}\t{:.1}\t{:.1}",
        inputs.len(),
        inputs.len() as f64 / s,
        bytes as f64 / 1e6 / s
    );
    ExitCode::SUCCESS
}

/// Lists, GETs and hashes every `*.zip` object below `url`, `requests` at a
/// time: the least any audit of the store must do.
fn store(url: &str, requests: usize) -> (usize, u64) {
    use futures::{StreamExt, TryStreamExt};
    use object_store::{ObjectStore, ObjectStoreExt};
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");
    let parsed = url::Url::parse(url).expect("a store URL");
    let (_, prefix) = object_store::ObjectStoreScheme::parse(&parsed).expect("a store URL");
    let s3 = object_store::aws::AmazonS3Builder::from_env()
        .with_url(url)
        .build()
        .expect("an S3 store");
    runtime.block_on(async {
        let listed: Vec<object_store::ObjectMeta> =
            s3.list(Some(&prefix)).try_collect().await.expect("listing");
        let zips: Vec<_> = listed
            .into_iter()
            .filter(|m| m.location.as_ref().to_ascii_lowercase().ends_with(".zip"))
            .collect();
        let n = zips.len();
        let s3 = &s3;
        let bytes = futures::stream::iter(zips)
            .map(|m| async move {
                let body = s3
                    .get(&m.location)
                    .await
                    .expect("GET")
                    .bytes()
                    .await
                    .expect("body");
                std::hint::black_box(Sha256::digest(&body));
                body.len() as u64
            })
            .buffer_unordered(requests)
            .fold(0u64, |a, b| async move { a + b })
            .await;
        (n, bytes)
    })
}

/// Reads the file in 1 MiB chunks through SHA-256, as the report does.
fn hash(path: &PathBuf) -> u64 {
    let Ok(mut f) = std::fs::File::open(path) else {
        return 0;
    };
    let mut h = Sha256::new();
    let mut buf = vec![0u8; 1 << 20];
    let mut n = 0u64;
    while let Ok(k) = f.read(&mut buf) {
        if k == 0 {
            break;
        }
        h.update(&buf[..k]);
        n += k as u64;
    }
    std::hint::black_box(h.finalize());
    n
}

/// Reads the archive into memory and hashes it, as the report does, then
/// inflates what the report's outputs need and nothing more; returns the
/// archive's size.
fn inflate(path: &PathBuf) -> u64 {
    let Ok(bytes) = std::fs::read(path) else {
        return 0;
    };
    std::hint::black_box(Sha256::digest(&bytes));
    let Ok(mut zip) = zip::ZipArchive::new(std::io::Cursor::new(&bytes)) else {
        return 0;
    };
    let mut data = Vec::new();
    for i in 0..zip.len() {
        let Ok(f) = zip.by_index(i) else { continue };
        let Ok(name) = f.name().map(|n| n.to_ascii_lowercase()) else {
            continue;
        };
        let want = if name.ends_with(".json") {
            u64::MAX
        } else if [".jpeg", ".jpg", ".png"].iter().any(|e| name.ends_with(e)) {
            4097
        } else {
            continue;
        };
        data.clear();
        let _ = f.take(want).read_to_end(&mut data);
        std::hint::black_box(&data);
    }
    bytes.len() as u64
}

/// Inflates and decodes the front image (and the back one with `back`),
/// as `report` does when `checked`, else with the decoder alone; returns the
/// archive's size.
fn decode_sides(path: &PathBuf, back: bool, checked: bool) -> u64 {
    let Ok(bytes) = std::fs::read(path) else {
        return 0;
    };
    let Ok(mut zip) = zip::ZipArchive::new(std::io::Cursor::new(&bytes)) else {
        return 0;
    };
    let names: Vec<String> = zip
        .file_names()
        .filter_map(Result::ok)
        .map(|n| n.into_owned())
        .collect();
    for name in names {
        let lower = name.to_ascii_lowercase();
        let base = lower.rsplit('/').next().unwrap_or(&lower);
        if base.starts_with("front.") || (back && base.starts_with("back.")) {
            let mut data = Vec::new();
            if let Ok(mut f) = zip.by_name(&name) {
                let _ = f.read_to_end(&mut data);
            }
            if checked {
                let _ = std::hint::black_box(eid_archive::media::decode(&data, &Limits::default()));
            } else {
                let _ = std::hint::black_box(image::load_from_memory(&data));
            }
        }
    }
    bytes.len() as u64
}
