//! Each stage of the per-archive pipeline on its own, through the public API,
//! and the whole pipeline, on one realistic archive (1280 × 808 front and back,
//! 720 × 960 selfie). `cargo bench -p eid-bench`.

// A bench that cannot set up should stop loudly.
#![allow(clippy::unwrap_used, missing_docs)]

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use eid_archive::crops::CropOptions;
use eid_archive::evidence::Depiction;
use eid_archive::{
    Archive, Audit, AuditOptions, Audited, Event, Limits, Pii, Policy, ReadOptions, crops,
    internals, judge, media,
};
use eid_testkit::corpus::{CorpusOptions, case};
use sha2::{Digest, Sha256};
use std::hint::black_box;

fn realistic_zip() -> Vec<u8> {
    let options = CorpusOptions {
        count: 1,
        seed: 1,
        realistic: true,
        broken_every: None,
        layout: Default::default(),
    };
    // Input 2 of seed 1 is accepted with a back side.
    let (mut c, _, _) = case(2, &options);
    c.back = c.front;
    c.to_zip()
}

fn stages(c: &mut Criterion) {
    let zip = realistic_zip();
    let limits = Limits::default();
    let read = ReadOptions::default();
    let policy = Policy::default();
    let mut g = c.benchmark_group("stage");
    g.throughput(Throughput::Bytes(zip.len() as u64));
    g.bench_function("sha256 of the archive (floor)", |b| {
        b.iter(|| Sha256::digest(black_box(&zip)))
    });
    g.bench_function("open, classify and read evidence", |b| {
        b.iter(|| Archive::from_bytes("a.zip", black_box(zip.clone()), &read).unwrap())
    });
    let mut archive = Archive::from_bytes("a.zip", zip.clone(), &read).unwrap();
    g.bench_function("decide", |b| {
        b.iter(|| judge(black_box(archive.evidence()), &policy).unwrap())
    });
    let front = archive.image_bytes(Depiction::Front).unwrap().unwrap();
    g.bench_function("decode the front image", |b| {
        b.iter(|| media::decode(black_box(&front), &limits).unwrap())
    });
    let dir = tempfile::tempdir().unwrap();
    let audit = Audit::of_archive(&mut archive, &AuditOptions::default()).unwrap();
    let exhibits = dir.path().join("exhibits");
    g.bench_function("exhibits: originals, SVG annotations, PNG crops", |b| {
        b.iter(|| crops::write(&mut archive, &audit, &exhibits, &CropOptions::default()).unwrap())
    });
    let png = CropOptions::default().with_annotation(crops::Annotation::Png);
    g.bench_function("exhibits with PNG annotations", |b| {
        b.iter(|| crops::write(&mut archive, &audit, &exhibits, &png).unwrap())
    });
    let path = dir.path().join("a.zip");
    std::fs::write(&path, &zip).unwrap();
    let audited = Audited::new(audit.clone(), None);
    let event = Event {
        index: 0,
        path: &path,
        outcome: Ok(&audited),
    };
    g.bench_function("CSV rows", |b| {
        b.iter(|| internals::csv_rows(black_box(&event), &Pii::Omit, &policy))
    });
    g.finish();

    let mut p = c.benchmark_group("pipeline");
    p.throughput(Throughput::Bytes(zip.len() as u64));
    let options = AuditOptions::default();
    p.bench_function("one archive from disk", |b| {
        b.iter(|| Audit::of_file(&path, &options).unwrap())
    });
    let crops_dir = dir.path().join("crops");
    p.bench_function("one archive from disk, with crops", |b| {
        b.iter(|| {
            let mut archive = Archive::open(&path, &options.read).unwrap();
            let audit = Audit::of_archive(&mut archive, &options).unwrap();
            crops::write(&mut archive, &audit, &crops_dir, &CropOptions::default()).unwrap()
        })
    });
    p.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(20);
    targets = stages
}
criterion_main!(benches);
