//! Two copies of one record: a member and its copy embedded in the process
//! record, or the process record inside the zip and beside it. They are
//! compared on what a rule reads (`evidence::decisive`), never byte for byte.

use super::Archive;
use crate::dialect::{Cx, Obj, assure};
use crate::error::{Ambiguity, Error, ErrorKind};
use crate::evidence::decisive::differing_paths;
use crate::evidence::{Drift, DriftKind, Source};
use serde_json::{Map, Value};

/// One record read from JSON, with what its reader did not understand.
pub(super) struct Reading<'j, T> {
    pub(super) value: T,
    pub(super) drift: Vec<Drift>,
    /// The JSON it was read from, to tell identical copies from equivalent ones.
    /// Borrowed, never copied: a member may be large.
    pub(super) json: &'j Map<String, Value>,
}

/// Reads one JSON object with `read`, collecting its drift apart, so that the
/// drift of a copy that is not used is not reported.
pub(super) fn read_with<'j, T>(
    member: &str,
    mut o: Obj<'j>,
    read: impl FnOnce(&mut Obj<'_>, &mut Cx<'_>) -> T,
) -> Reading<'j, T> {
    let mut drift = Vec::new();
    let json = o.map();
    let mut cx = Cx::new(member, &mut drift);
    let value = read(&mut o, &mut cx);
    o.finish(&mut cx);
    drop(cx);
    Reading { value, drift, json }
}

/// Chooses between a record's member and its copy embedded in the process
/// record: one alone is used; two copies that agree in what a rule reads are
/// fine (the member is used, and the copy noted: identical, or differing only
/// elsewhere); two that differ in what a rule reads make the archive ambiguous.
pub(super) fn one_copy<T>(
    archive: &Archive,
    what: &'static str,
    member: Option<(Reading<'_, T>, Source)>,
    embedded: Option<(Reading<'_, T>, Source)>,
    same: impl Fn(&T, &T) -> bool,
    note_copy: impl FnOnce(&mut T, Source),
    drift: &mut Vec<Drift>,
) -> Result<Option<T>, Error> {
    let chosen = match (member, embedded) {
        (Some((mut m, member)), Some((e, source))) => {
            if !same(&m.value, &e.value) {
                return Err(archive.err(
                    None,
                    ErrorKind::Ambiguous(Ambiguity::CopiesDiffer {
                        what,
                        member: member.name().to_owned(),
                        embedded: source.name().to_owned(),
                    }),
                ));
            }
            if m.json == e.json {
                note_copy(&mut m.value, source);
            } else {
                drift.push(equivalent(what, &member, source.name(), m.json, e.json));
            }
            m
        }
        (Some((m, _)), None) => m,
        (None, Some((e, _))) => e,
        (None, None) => return Ok(None),
    };
    drift.extend(chosen.drift);
    Ok(Some(chosen.value))
}

/// The note for two copies that agree in what a rule reads and differ
/// elsewhere: where they differ, by key (values may be personal data).
pub(super) fn equivalent(
    what: &str,
    used: &dyn std::fmt::Display,
    other: &str,
    a: &Map<String, Value>,
    b: &Map<String, Value>,
) -> Drift {
    Drift {
        subject: what.to_owned(),
        kind: DriftKind::EquivalentCopy,
        message: format!(
            "{what} is both {used} and {other}; the copies differ only in fields no rule reads ({}), and {used} was used",
            differing_paths(a, b, 8).join(", ")
        ),
    }
}

/// True when two process records agree in everything a rule reads, and so
/// do the OCR and the review embedded in them.
pub(super) fn same_process_record(a: &Value, b: &Value) -> bool {
    let (Some(a), Some(b)) = (a.as_object(), b.as_object()) else {
        return false;
    };
    let read = |map| {
        let mut drift = Vec::new();
        let mut cx = Cx::new("", &mut drift);
        let mut o = Obj::new(map, "");
        let parts = assure::read_process(&mut o, Source::Member(String::new()), &mut cx);
        let ocr = parts.ocr.map(|mut o| {
            crate::dialect::read_ocr(&mut o, Source::Member(String::new()), &mut cx).0
        });
        let manual = parts.manual.map(|mut o| {
            crate::dialect::manual::read_manual(&mut o, Source::Member(String::new()), &mut cx)
        });
        (parts.record, ocr, manual)
    };
    let (ra, oa, ma) = read(a);
    let (rb, ob, mb) = read(b);
    let ocr = match (&oa, &ob) {
        (Some(x), Some(y)) => x.same_evidence(y),
        (x, y) => x.is_none() && y.is_none(),
    };
    let manual = match (&ma, &mb) {
        (Some(x), Some(y)) => x.same_evidence(y),
        (x, y) => x.is_none() && y.is_none(),
    };
    ra.same_decision(&rb) && ocr && manual
}
