//! Members into evidence, in four steps: classify every member (media by name,
//! data files by content), add the process record given from outside the zip,
//! refuse archives that can be read two ways, then map the JSON of each kind
//! into the dialect-free evidence model.

use super::Archive;
use super::copies::{self, Reading, one_copy, read_with};
use super::index::{MemberKind, format_by_name, macos_metadata, unsafe_name};
use super::outside::ProcessFile;
use crate::dialect::{
    self, Cx, JsonKind, Obj, assure, continues_after_padding, decode_base64, decoded_len, manual,
    parse_json,
};
use crate::error::{Ambiguity, Error, ErrorKind, Measure, Sized};
use crate::evidence::{
    Depiction, Drift, DriftKind, Evidence, Media, MediaFormat, OutsideFile, Source,
};
use crate::media;

/// What the member walk found, before it is mapped into evidence.
#[derive(Default)]
struct Collected {
    outside: Option<OutsideFile>,
    ocr_members: Vec<(usize, serde_json::Value, JsonKind)>,
    manual_members: Vec<(usize, serde_json::Value)>,
    process_members: Vec<(Source, serde_json::Value)>,
    media: Vec<Media>,
    drift: Vec<Drift>,
}

/// Base64 images of native JSON, by depiction, kept undecoded.
pub(super) type Embedded = Vec<(Depiction, String)>;

/// Reads the evidence of an archive whose index is built.
pub(super) fn read_evidence(
    archive: &mut Archive,
    outside: Option<ProcessFile>,
) -> Result<(Evidence, Embedded), Error> {
    let mut c = collect(archive)?;
    if let Some(pf) = outside {
        add_process_file(archive, &mut c, pf)?;
    }
    refuse_ambiguity(archive, &c)?;
    map(archive, c)
}

/// Classifies every member: images and videos by name, data files by content.
fn collect(archive: &mut Archive) -> Result<Collected, Error> {
    let mut c = Collected::default();
    for i in 0..archive.members.len() {
        let m = archive.members[i].clone();
        // Names as old tools wrote them: read as every reader reads them, and said.
        for (legacy, why) in [
            (
                m.code_page_437,
                "has no UTF-8 flag and is read as code page 437 (APPNOTE)",
            ),
            (
                m.name.contains('\\'),
                "separates folders with backslashes (old Windows tools); they are read as folders",
            ),
        ] {
            if legacy {
                c.drift.push(Drift {
                    subject: m.name.clone(),
                    kind: DriftKind::LegacyName,
                    message: format!("member name {why}"),
                });
            }
        }
        if let Some(why) = unsafe_name(&m.name) {
            c.drift.push(Drift {
                subject: m.name.clone(),
                kind: DriftKind::UnsafeName,
                message: format!("member name {why}; it is listed but never used as a path"),
            });
        }
        match m.kind {
            MemberKind::Directory => {
                if let Some(message) = folder_data(m.size, m.compressed_size) {
                    c.drift.push(Drift {
                        subject: m.name.clone(),
                        kind: DriftKind::Malformed,
                        message,
                    });
                }
            }
            MemberKind::Image(depiction) => c.media.push(read_image_member(archive, i, depiction)?),
            MemberKind::Video => c.media.push(Media {
                source: Source::Member(m.name.clone()),
                depiction: Depiction::Video,
                format: format_by_name(&m.name).unwrap_or(MediaFormat::Mp4),
                bytes: m.size,
                dimensions: None,
                problem: None,
            }),
            MemberKind::Other if macos_metadata(&m.name) => c.drift.push(Drift {
                subject: m.name.clone(),
                kind: DriftKind::Unknown,
                message: "macOS metadata (__MACOSX/ or an AppleDouble ._ file), not evidence; listed, never read".into(),
            }),
            MemberKind::Json(_) | MemberKind::Other => {
                let Some(value) = read_data_member(archive, i)? else {
                    archive.members[i].kind = MemberKind::Other;
                    c.drift.push(Drift {
                        subject: m.name.clone(),
                        kind: DriftKind::Unknown,
                        message: "member is neither JSON evidence nor media; not read".into(),
                    });
                    continue;
                };
                let kind = dialect::classify(&value);
                archive.members[i].kind = MemberKind::Json(kind);
                match kind {
                    JsonKind::OcrAssure | JsonKind::OcrNative => c.ocr_members.push((i, value, kind)),
                    JsonKind::ManualApproval => c.manual_members.push((i, value)),
                    JsonKind::ProcessRecord => {
                        c.process_members.push((Source::Member(m.name.clone()), value))
                    }
                    JsonKind::ProviderError => c.drift.push(Drift {
                        subject: m.name.clone(),
                        kind: DriftKind::ProviderError,
                        message: provider_error_message(&value),
                    }),
                    JsonKind::Unknown => c.drift.push(Drift {
                        subject: m.name.clone(),
                        kind: DriftKind::Unknown,
                        message: "JSON member that is neither OCR evidence, a manual approval nor a process record"
                            .into(),
                    }),
                }
            }
        }
    }
    Ok(c)
}

/// What a folder entry that carries data says: readers that write folders
/// drop the bytes, readers that list files may not.
fn folder_data(size: u64, compressed_size: u64) -> Option<String> {
    if size > 0 {
        Some(format!(
            "folder entry carries {size} bytes of data; not read"
        ))
    } else if compressed_size > 0 {
        Some(format!(
            "folder entry carries {compressed_size} bytes of compressed data; not read"
        ))
    } else {
        None
    }
}

/// What a provider error body says, without its free text: the `error`
/// code only (cut short), since a message could quote personal data.
fn provider_error_message(value: &serde_json::Value) -> String {
    let code = match value.get("error") {
        Some(serde_json::Value::String(s)) => s.chars().take(80).collect::<String>(),
        Some(other) => dialect::type_name(other).to_owned(),
        None => "unknown".to_owned(),
    };
    format!("member is an error response of the provider ({code:?}), not evidence")
}

/// Reads a member that may be JSON: only one named `.json` is, and it must
/// parse; `None` for any other (it is listed, never read).
fn read_data_member(
    archive: &mut Archive,
    index: usize,
) -> Result<Option<serde_json::Value>, Error> {
    let m = &archive.members[index];
    if !m.name.to_ascii_lowercase().ends_with(".json") {
        return Ok(None);
    }
    let name = archive.members[index].name.clone();
    let bytes = archive.read_member(index, archive.limits.max_json_bytes, Sized::JsonMember)?;
    parse_json(&bytes, &archive.limits)
        .map(Some)
        .map_err(|kind| archive.err(Some(&name), kind))
}

/// An image member, described from its header: ever longer prefixes are
/// inflated until the header is read (see [`media::probe_growing`]).
fn read_image_member(
    archive: &mut Archive,
    index: usize,
    depiction: Depiction,
) -> Result<Media, Error> {
    let m = archive.members[index].clone();
    let named = format_by_name(&m.name);
    if let Some(kind) = m.unreadable() {
        return Err(archive.err(Some(&m.name), kind));
    }
    if m.size > archive.limits.max_image_bytes {
        return Err(archive.err(
            Some(&m.name),
            ErrorKind::TooLarge {
                what: Sized::ImageMember,
                measured: Measure::Declared,
                size: m.size,
                limit: archive.limits.max_image_bytes,
            },
        ));
    }
    let limits = archive.limits;
    let (probe, whole) = media::probe_growing(named, &limits, |want| match want {
        Some(n) => {
            let bytes = archive.read_prefix(index, n as u64)?;
            let complete = bytes.len() < n;
            Ok((bytes, complete))
        }
        None => archive
            .read_member(index, limits.max_image_bytes, Sized::ImageMember)
            .map(|bytes| (bytes, true)),
    })?;
    Ok(Media {
        source: Source::Member(m.name.clone()),
        depiction,
        format: probe.format.or(named).unwrap_or(MediaFormat::Jpeg),
        // Only a prefix was read: the declared size stands for the whole.
        bytes: whole.unwrap_or(m.size),
        dimensions: probe.dimensions,
        problem: probe.problem,
    })
}

/// Adds a process record kept outside the zip. One inside that differs from
/// it in what a rule reads makes the archive ambiguous; one that agrees is
/// superseded (an `EquivalentCopies` note when they differ elsewhere).
fn add_process_file(archive: &Archive, c: &mut Collected, pf: ProcessFile) -> Result<(), Error> {
    let value = parse_json(&pf.bytes, &archive.limits)
        .map_err(|kind| Error::new(archive.label.clone(), Some(&pf.label), kind))?;
    if dialect::classify(&value) != JsonKind::ProcessRecord {
        return Err(Error::new(
            archive.label.clone(),
            Some(&pf.label),
            ErrorKind::NotAProcessRecord,
        ));
    }
    if let Some((inside, inner)) = c.process_members.first() {
        // Every field a rule reads must be the same, embedded records
        // included: one that agreed only on some would silently replace the
        // rest (a failReason, a type). Other fields may differ, and are named.
        if *inner != value {
            if !copies::same_process_record(inner, &value) {
                return Err(archive.err(
                    None,
                    ErrorKind::Ambiguous(Ambiguity::ProcessRecordsDisagree {
                        inside: inside.to_string(),
                        outside: pf.label,
                    }),
                ));
            }
            // Both are objects: a process record is classified by its keys.
            if let (Some(a), Some(b)) = (inner.as_object(), value.as_object()) {
                c.drift.push(copies::equivalent(
                    "the process record",
                    inside,
                    &pf.label,
                    a,
                    b,
                ));
            }
        }
        // The same record: the one given from outside is used, the inner one is listed.
        c.process_members.clear();
    }
    c.outside = Some(pf.outside_file());
    c.process_members.push((Source::File(pf.label), value));
    Ok(())
}

/// Refuses an archive that can be read more than one way.
fn refuse_ambiguity(archive: &Archive, c: &Collected) -> Result<(), Error> {
    let several = |what: &'static str, indices: Vec<usize>| -> Result<(), Error> {
        if indices.len() > 1 {
            let members = indices
                .iter()
                .map(|i| archive.members[*i].name.clone())
                .collect();
            return Err(archive.err(
                None,
                ErrorKind::Ambiguous(Ambiguity::SeveralMembers { what, members }),
            ));
        }
        Ok(())
    };
    several(
        "OCR evidence",
        c.ocr_members.iter().map(|(i, ..)| *i).collect(),
    )?;
    several(
        "manual approvals",
        c.manual_members.iter().map(|(i, _)| *i).collect(),
    )?;
    if c.process_members.len() > 1 {
        let members = c
            .process_members
            .iter()
            .map(|(s, _)| s.to_string())
            .collect();
        return Err(archive.err(
            None,
            ErrorKind::Ambiguous(Ambiguity::SeveralMembers {
                what: "a process record",
                members,
            }),
        ));
    }
    for d in [
        Depiction::Front,
        Depiction::Back,
        Depiction::Selfie,
        Depiction::Portrait,
    ] {
        let sources: Vec<String> = c
            .media
            .iter()
            .filter(|m| m.depiction == d)
            .map(|m| m.source.to_string())
            .collect();
        if sources.len() > 1 {
            return Err(archive.err(
                None,
                ErrorKind::Ambiguous(Ambiguity::SeveralImages {
                    depiction: d.as_str(),
                    sources,
                }),
            ));
        }
    }
    Ok(())
}

/// Maps the collected JSON into the evidence model; every key a reader does
/// not take becomes drift.
fn map(archive: &Archive, c: Collected) -> Result<(Evidence, Embedded), Error> {
    let Collected {
        outside,
        ocr_members,
        manual_members,
        process_members,
        mut media,
        mut drift,
    } = c;
    let mut evidence = Evidence {
        outside_record: outside,
        ..Evidence::default()
    };
    let mut embedded_ocr = None;
    let mut embedded_manual = None;
    for (source, value) in &process_members {
        let Some(map) = value.as_object() else {
            continue;
        };
        let name = source.name().to_owned();
        let mut cx = Cx::new(name.clone(), &mut drift);
        let mut o = Obj::new(map, "");
        let parts = assure::read_process(&mut o, source.clone(), &mut cx);
        o.finish(&mut cx);
        evidence.process = Some(parts.record);
        embedded_ocr = parts.ocr.map(|o| (name.clone(), o));
        embedded_manual = parts.manual.map(|o| (name, o));
    }

    let mut images = Vec::new();
    let member_ocr = ocr_members.first().and_then(|(i, value, _)| {
        let name = archive.members[*i].name.clone();
        let read = read_with(&name, Obj::new(value.as_object()?, ""), |o, cx| {
            dialect::read_ocr(o, Source::Member(name.clone()), cx)
        });
        images = read.value.1;
        let read = Reading {
            value: read.value.0,
            drift: read.drift,
            json: read.json,
        };
        Some((read, Source::Member(name)))
    });
    let embedded_ocr = embedded_ocr.map(|(name, o)| {
        let source = Source::Embedded(format!("{name}: providerSpecific.ocr"));
        let read = read_with(&name, o, |o, cx| dialect::read_ocr(o, source.clone(), cx).0);
        (read, source)
    });
    evidence.ocr = one_copy(
        archive,
        "OCR evidence",
        member_ocr,
        embedded_ocr,
        |a, b| a.same_evidence(b),
        |ocr, copy| ocr.identical_copy = Some(copy),
        &mut drift,
    )?;

    let member_manual = manual_members.first().and_then(|(i, value)| {
        let name = archive.members[*i].name.clone();
        let read = read_with(&name, Obj::new(value.as_object()?, ""), |o, cx| {
            manual::read_manual(o, Source::Member(name.clone()), cx)
        });
        Some((read, Source::Member(name)))
    });
    let embedded_manual = embedded_manual.map(|(name, o)| {
        let source = Source::Embedded(format!("{name}: providerSpecific.manualApproval"));
        let read = read_with(&name, o, |o, cx| manual::read_manual(o, source.clone(), cx));
        (read, source)
    });
    evidence.manual = one_copy(
        archive,
        "the agent's review",
        member_manual,
        embedded_manual,
        |a, b| a.same_evidence(b),
        |manual, copy| manual.identical_copy = Some(copy),
        &mut drift,
    )?;

    let mut embedded = Vec::new();
    // Images inside native JSON stand in only for depictions the archive lacks.
    for img in images {
        if media.iter().any(|m| m.depiction == img.depiction) {
            continue;
        }
        let text = img.base64.as_str();
        if let Some((stopped, read_on)) = continues_after_padding(text) {
            return Err(archive.err(
                None,
                ErrorKind::Ambiguous(Ambiguity::Base64AfterPadding {
                    image: img.path,
                    stopped,
                    read_on,
                }),
            ));
        }
        let found = media::probe_growing(None, &archive.limits, |want| {
            // Four base64 characters carry three bytes; a prefix rounded up to
            // whole groups decodes to at least the bytes asked for.
            let chars = want.map_or(text.len(), |n| n.div_ceil(3).saturating_mul(4));
            let prefix = text.get(..chars.min(text.len())).unwrap_or(text);
            let bytes = decode_base64(prefix).ok_or(NotBase64)?;
            Ok::<_, NotBase64>((bytes, prefix.len() == text.len()))
        });
        let Ok((probe, _)) = found else {
            drift.push(Drift {
                subject: img.path,
                kind: DriftKind::Malformed,
                message: "embedded image is not base64; not used".into(),
            });
            continue;
        };
        media.push(Media {
            source: Source::Embedded(img.path.clone()),
            depiction: img.depiction,
            format: probe.format.unwrap_or(MediaFormat::Jpeg),
            bytes: decoded_len(&img.base64),
            dimensions: probe.dimensions,
            problem: probe.problem,
        });
        embedded.push((img.depiction, img.base64));
    }

    evidence.media = media;
    evidence.drift = drift;
    Ok((evidence, embedded))
}

/// Embedded image text that is not base64.
struct NotBase64;
