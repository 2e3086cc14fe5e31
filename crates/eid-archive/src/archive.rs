//! Safe access to one zip archive: the member index, reads bounded by
//! [`Limits`], classification of members, and the evidence read from them.

use crate::dialect::{self, Cx, JsonKind, Obj, assure, native};
use crate::error::{Error, ErrorKind};
use crate::evidence::{
    Depiction, Dimensions, Drift, DriftKind, Evidence, Media, MediaFormat, Source,
};
use crate::limits::Limits;
use crate::media;
use serde::Serialize;
use sha2::{Digest, Sha256};
use std::fs::File;
use std::io::{self, BufReader, Cursor, Read, Seek, SeekFrom};
use std::path::{Path, PathBuf};
use zip::ZipArchive;

/// Archives up to this size are read into memory in the one pass that hashes
/// them; larger ones are hashed in a streaming pass and then read from disk.
const IN_MEMORY_MAX: u64 = 256 << 20;

/// How much of an image member is inflated to find its header, widening only
/// when the header is not in it: most headers sit in the first few KiB; JPEG
/// EXIF blocks (with thumbnails) can push them past 64 KiB; then all is read.
const IMAGE_HEADER_WINDOWS: [u64; 2] = [1 << 10, 80 << 10];

/// What a member of the archive is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase", tag = "type", content = "of")]
pub enum MemberKind {
    /// A folder entry.
    Directory,
    /// A JSON data file, classified by its content.
    Json(JsonKind),
    /// An image named after its depiction (`front.jpeg`, `SELFIE.png`, ...).
    Image(Depiction),
    /// A video (`.mp4`, `.mov`, `.webm`); never decoded.
    Video,
    /// Anything else; reported as unknown evidence.
    Other,
}

/// One entry of the archive's central directory.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Member {
    /// Position in the central directory.
    pub index: usize,
    /// The name as stored (invalid UTF-8 replaced), never used as a path.
    pub name: String,
    /// What the member is.
    pub kind: MemberKind,
    /// Inflated size as declared in the central directory (can lie).
    pub size: u64,
    /// Compressed size as declared.
    pub compressed_size: u64,
    /// CRC-32 as declared.
    pub crc32: u32,
    /// Encrypted members are listed but never read.
    pub encrypted: bool,
}

enum Bytes {
    Memory(Cursor<Vec<u8>>),
    Disk(BufReader<File>),
}

impl Read for Bytes {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        match self {
            Bytes::Memory(c) => c.read(buf),
            Bytes::Disk(f) => f.read(buf),
        }
    }
}

impl Seek for Bytes {
    fn seek(&mut self, pos: SeekFrom) -> io::Result<u64> {
        match self {
            Bytes::Memory(c) => c.seek(pos),
            Bytes::Disk(f) => f.seek(pos),
        }
    }
}

/// An opened archive: its digest, its member index and the evidence read from it.
///
/// Opening reads the central directory, every data (JSON) member and the
/// header of every image; it never decodes pixels. The input is only ever read.
///
/// ```
/// let zip = eid_testkit::Case::accepted().to_zip();
/// let archive = eid_archive::Archive::from_bytes("accepted.zip", zip, None, &Default::default())?;
/// assert_eq!(archive.evidence().recorded_status().as_deref(), Some("accepted"));
/// # Ok::<(), eid_archive::Error>(())
/// ```
pub struct Archive {
    label: String,
    sha256: String,
    size: u64,
    zip: ZipArchive<Bytes>,
    limits: Limits,
    inflated: u64,
    members: Vec<Member>,
    evidence: Evidence,
    /// Base64 images from native JSON, decoded only when a crop needs the pixels.
    embedded: Vec<(Depiction, String)>,
}

impl std::fmt::Debug for Archive {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Archive")
            .field("label", &self.label)
            .field("sha256", &self.sha256)
            .field("members", &self.members.len())
            .finish_non_exhaustive()
    }
}

/// What the member walk found, before it is mapped into evidence.
#[derive(Default)]
struct Collected {
    ocr_members: Vec<(usize, serde_json::Value, JsonKind)>,
    manual_members: Vec<(usize, serde_json::Value)>,
    process_members: Vec<(Source, serde_json::Value)>,
    media: Vec<Media>,
    drift: Vec<Drift>,
}

/// The process record beside an archive: the same file stem with `.json`.
pub fn sidecar_path(archive: &Path) -> Option<PathBuf> {
    let candidate = archive.with_extension("json");
    (candidate != archive && candidate.is_file()).then_some(candidate)
}

/// A process record to read with the archive (given with `--process`, or found beside it).
#[derive(Debug, Clone)]
pub struct ProcessFile {
    /// How to name it in messages.
    pub label: String,
    /// Its bytes.
    pub bytes: Vec<u8>,
}

impl ProcessFile {
    /// Reads a process record file, refusing one over the JSON size limit.
    pub fn read(path: &Path, limits: &Limits) -> Result<ProcessFile, Error> {
        let label = path.display().to_string();
        let err = |kind| Error::new(label.clone(), None, kind);
        let file = File::open(path).map_err(|e| err(ErrorKind::Io(e)))?;
        let mut bytes = Vec::new();
        file.take(limits.max_json_bytes + 1)
            .read_to_end(&mut bytes)
            .map_err(|e| err(ErrorKind::Io(e)))?;
        if bytes.len() as u64 > limits.max_json_bytes {
            return Err(err(ErrorKind::TooLarge {
                what: "process record file",
                size: bytes.len() as u64,
                limit: limits.max_json_bytes,
            }));
        }
        Ok(ProcessFile { label, bytes })
    }
}

impl Archive {
    /// Opens an archive file read-only, hashing it in the same pass that reads it.
    ///
    /// `process` is a process record kept outside the zip; see [`sidecar_path`].
    pub fn open(
        path: &Path,
        process: Option<ProcessFile>,
        limits: &Limits,
    ) -> Result<Archive, Error> {
        let label = path.display().to_string();
        let io_err = |e| Error::new(label.clone(), None, ErrorKind::Io(e));
        let mut file = File::open(path).map_err(io_err)?;
        let len = file.metadata().map_err(io_err)?.len();
        let mut hasher = Sha256::new();
        let bytes = if len <= IN_MEMORY_MAX {
            // Read straight into the buffer, hashing each piece as it lands:
            // one pass over the file, no copy.
            let mut data = vec![0u8; len as usize + 1];
            let mut filled = 0;
            loop {
                if filled == data.len() {
                    data.resize(filled + (1 << 20), 0); // the file grew while being read
                }
                let n = file.read(&mut data[filled..]).map_err(io_err)?;
                if n == 0 {
                    break;
                }
                hasher.update(&data[filled..filled + n]);
                filled += n;
            }
            data.truncate(filled);
            Bytes::Memory(Cursor::new(data))
        } else {
            let mut chunk = vec![0u8; 1 << 20];
            loop {
                let n = file.read(&mut chunk).map_err(io_err)?;
                if n == 0 {
                    break;
                }
                hasher.update(&chunk[..n]);
            }
            file.seek(SeekFrom::Start(0)).map_err(io_err)?;
            Bytes::Disk(BufReader::new(file))
        };
        let size = match &bytes {
            Bytes::Memory(c) => c.get_ref().len() as u64,
            Bytes::Disk(_) => len,
        };
        Archive::from_reader(label, bytes, hex(&hasher.finalize()), size, process, limits)
    }

    /// Opens an archive held in memory; `label` names it in messages.
    pub fn from_bytes(
        label: impl Into<String>,
        bytes: Vec<u8>,
        process: Option<ProcessFile>,
        limits: &Limits,
    ) -> Result<Archive, Error> {
        let sha256 = hex(&Sha256::digest(&bytes));
        let size = bytes.len() as u64;
        Archive::from_reader(
            label.into(),
            Bytes::Memory(Cursor::new(bytes)),
            sha256,
            size,
            process,
            limits,
        )
    }

    fn from_reader(
        label: String,
        bytes: Bytes,
        sha256: String,
        size: u64,
        process: Option<ProcessFile>,
        limits: &Limits,
    ) -> Result<Archive, Error> {
        let zip = ZipArchive::new(bytes).map_err(|e| {
            Error::new(label.clone(), None, zip_error(e)).with_digest(&sha256, size)
        })?;
        let mut archive = Archive {
            label,
            sha256,
            size,
            zip,
            limits: *limits,
            inflated: 0,
            members: Vec::new(),
            evidence: Evidence::default(),
            embedded: Vec::new(),
        };
        archive
            .index()
            .map_err(|e| e.with_digest(&archive.sha256, archive.size))?;
        archive
            .read_evidence(process)
            .map_err(|e| e.with_digest(&archive.sha256, archive.size))?;
        Ok(archive)
    }

    fn err(&self, member: Option<&str>, kind: ErrorKind) -> Error {
        Error::new(self.label.clone(), member, kind)
    }

    /// Builds the member index from the central directory, refusing ambiguous archives.
    fn index(&mut self) -> Result<(), Error> {
        let count = self.zip.len();
        if count > self.limits.max_members {
            return Err(self.err(
                None,
                ErrorKind::TooManyMembers {
                    count,
                    limit: self.limits.max_members,
                },
            ));
        }
        // The zip crate keys members by name, so a repeated name would hide a member.
        if self.zip.has_duplicate_names() {
            return Err(self.err(
                None,
                ErrorKind::Ambiguous("two members have the same name; refusing to pick one".into()),
            ));
        }
        if self
            .zip
            .has_overlapping_entries()
            .map_err(|e| self.err(None, zip_error(e)))?
        {
            return Err(self.err(
                None,
                ErrorKind::Ambiguous("members share bytes (overlapping entries)".into()),
            ));
        }
        let mut members = Vec::with_capacity(count);
        for index in 0..count {
            let entry = self
                .zip
                .by_index_data(index)
                .map_err(|e| self.err(None, zip_error(e)))?;
            let name = String::from_utf8_lossy(entry.name_raw()).into_owned();
            let kind = if entry.is_dir() {
                MemberKind::Directory
            } else {
                kind_by_name(&name)
            };
            members.push(Member {
                index,
                name,
                kind,
                size: entry.size(),
                compressed_size: entry.compressed_size(),
                crc32: entry.crc32(),
                encrypted: entry.encrypted(),
            });
        }
        self.members = members;
        Ok(())
    }

    /// Inflates at most `limit` bytes of a member (and no more than the archive's
    /// remaining total), checking the declared size first.
    fn read_member(
        &mut self,
        index: usize,
        limit: u64,
        what: &'static str,
    ) -> Result<Vec<u8>, Error> {
        let m = &self.members[index];
        let name = m.name.clone();
        if m.encrypted {
            return Err(self.err(Some(&name), ErrorKind::Encrypted));
        }
        if m.size > limit {
            return Err(self.err(
                Some(&name),
                ErrorKind::TooLarge {
                    what,
                    size: m.size,
                    limit,
                },
            ));
        }
        let declared = m.size;
        let remaining = self.limits.max_total_bytes.saturating_sub(self.inflated);
        let cap = limit.min(remaining);
        let mut buf = Vec::with_capacity(declared.min(cap) as usize);
        let result = match self.zip.by_index(index) {
            Ok(file) => file
                .take(cap + 1)
                .read_to_end(&mut buf)
                .map_err(|e| ErrorKind::Corrupt(e.to_string())),
            Err(e) => Err(zip_error(e)),
        };
        self.inflated += buf.len() as u64;
        let got = buf.len() as u64;
        if got > limit {
            return Err(self.err(
                Some(&name),
                ErrorKind::TooLarge {
                    what: inflated_what(what),
                    size: got,
                    limit,
                },
            ));
        }
        if got > remaining {
            return Err(self.err(
                None,
                ErrorKind::TooLarge {
                    what: "inflated bytes of the whole archive",
                    size: self.inflated,
                    limit: self.limits.max_total_bytes,
                },
            ));
        }
        result.map_err(|kind| self.err(Some(&name), kind))?;
        if got != declared {
            return Err(self.err(Some(&name), short_member(got, declared)));
        }
        Ok(buf)
    }

    /// Inflates the first bytes of a member only (for image headers).
    fn read_prefix(&mut self, index: usize, len: u64) -> Result<Vec<u8>, Error> {
        let name = self.members[index].name.clone();
        let mut buf = Vec::new();
        let result = match self.zip.by_index(index) {
            Ok(file) => file
                .take(len)
                .read_to_end(&mut buf)
                .map_err(|e| ErrorKind::Corrupt(e.to_string())),
            Err(e) => Err(zip_error(e)),
        };
        self.inflated += buf.len() as u64;
        result.map_err(|kind| self.err(Some(&name), kind))?;
        Ok(buf)
    }

    /// Reads the evidence in four steps: classify every member, add the process
    /// record given from outside, refuse ambiguous archives, then map the JSON
    /// of each kind into the evidence model.
    fn read_evidence(&mut self, process_file: Option<ProcessFile>) -> Result<(), Error> {
        let mut c = self.collect()?;
        if let Some(pf) = process_file {
            self.add_process_file(&mut c, pf)?;
        }
        self.refuse_ambiguity(&c)?;
        let Collected {
            ocr_members,
            manual_members,
            process_members,
            mut media,
            mut drift,
        } = c;
        let mut evidence = Evidence::default();
        let mut embedded_ocr = None;
        let mut embedded_manual = None;
        for (source, value) in &process_members {
            let mut cx = Cx {
                member: source.to_string(),
                drift: &mut drift,
            };
            if let Some(map) = value.as_object() {
                let mut o = Obj::new(map, "");
                let parts = assure::read_process(&mut o, source.clone(), &mut cx);
                o.finish(&mut cx);
                evidence.process = Some(parts.record);
                let name = match source {
                    Source::Member(n) | Source::File(n) | Source::Embedded(n) => n.clone(),
                };
                embedded_ocr = parts.ocr.map(|o| (name.clone(), o));
                embedded_manual = parts.manual.map(|o| (name, o));
            }
        }

        let mut images = Vec::new();
        if let Some((i, value, kind)) = ocr_members.first() {
            let name = self.members[*i].name.clone();
            let mut cx = Cx {
                member: name.clone(),
                drift: &mut drift,
            };
            if let Some(map) = value.as_object() {
                let mut o = Obj::new(map, "");
                let ocr = if *kind == JsonKind::OcrNative {
                    let (ocr, imgs) = native::read_ocr(&mut o, Source::Member(name), &mut cx);
                    images = imgs;
                    ocr
                } else {
                    assure::read_ocr(&mut o, Source::Member(name), &mut cx)
                };
                o.finish(&mut cx);
                evidence.ocr = Some(ocr);
            }
        } else if let Some((name, mut o)) = embedded_ocr {
            let mut cx = Cx {
                member: name.clone(),
                drift: &mut drift,
            };
            let ocr = assure::read_ocr(
                &mut o,
                Source::Embedded(format!("{name}: providerSpecific.ocr")),
                &mut cx,
            );
            o.finish(&mut cx);
            evidence.ocr = Some(ocr);
        }

        if let Some((i, value)) = manual_members.first() {
            let name = self.members[*i].name.clone();
            let mut cx = Cx {
                member: name.clone(),
                drift: &mut drift,
            };
            if let Some(map) = value.as_object() {
                let mut o = Obj::new(map, "");
                evidence.manual = Some(assure::read_manual(&mut o, Source::Member(name), &mut cx));
                o.finish(&mut cx);
            }
        } else if let Some((name, mut o)) = embedded_manual {
            let mut cx = Cx {
                member: name.clone(),
                drift: &mut drift,
            };
            let source = Source::Embedded(format!("{name}: providerSpecific.manualApproval"));
            evidence.manual = Some(assure::read_manual(&mut o, source, &mut cx));
            o.finish(&mut cx);
        }

        // Images inside native JSON stand in only for depictions the archive lacks.
        for img in images {
            if media.iter().any(|m| m.depiction == img.depiction) {
                continue;
            }
            let source = Source::Embedded(img.path.clone());
            // The header sits at the start: decode a prefix, widening only when needed.
            let mut probe = None;
            for chars in [8 << 10, 108 << 10, usize::MAX] {
                let text = img
                    .base64
                    .get(..chars.min(img.base64.len()))
                    .unwrap_or(&img.base64);
                let whole = text.len() == img.base64.len();
                let Some(bytes) = native::decode_base64(text) else {
                    break;
                };
                let p = media::probe(&bytes, None, &self.limits);
                if p.header_read || whole {
                    probe = Some(p);
                    break;
                }
            }
            let Some(probe) = probe else {
                drift.push(Drift {
                    subject: img.path,
                    kind: DriftKind::Malformed,
                    message: "embedded image is not base64; not used".into(),
                });
                continue;
            };
            media.push(Media {
                source,
                depiction: img.depiction,
                format: probe.format.unwrap_or(MediaFormat::Jpeg),
                bytes: native::decoded_len(&img.base64),
                dimensions: probe.dimensions,
                problem: probe.problem,
            });
            self.embedded.push((img.depiction, img.base64));
        }

        evidence.media = media;
        evidence.drift = drift;
        self.evidence = evidence;
        Ok(())
    }

    /// Classifies every member: images and videos by name, data files by content.
    fn collect(&mut self) -> Result<Collected, Error> {
        let mut c = Collected::default();
        for i in 0..self.members.len() {
            let m = self.members[i].clone();
            if let Some(why) = unsafe_name(&m.name) {
                c.drift.push(Drift {
                    subject: m.name.clone(),
                    kind: DriftKind::UnsafeName,
                    message: format!("member name {why}; it is listed but never used as a path"),
                });
            }
            match m.kind {
                MemberKind::Directory => {}
                MemberKind::Image(depiction) => c.media.push(self.read_image_member(i, depiction)?),
                MemberKind::Video => c.media.push(Media {
                    source: Source::Member(m.name.clone()),
                    depiction: Depiction::Video,
                    format: format_by_name(&m.name).unwrap_or(MediaFormat::Mp4),
                    bytes: m.size,
                    dimensions: None,
                    problem: None,
                }),
                MemberKind::Json(_) | MemberKind::Other => {
                    let Some(value) = self.read_data_member(i)? else {
                        self.members[i].kind = MemberKind::Other;
                        c.drift.push(Drift {
                            subject: m.name.clone(),
                            kind: DriftKind::Unknown,
                            message: "member is neither JSON evidence nor media; not read".into(),
                        });
                        continue;
                    };
                    let kind = dialect::classify(&value);
                    self.members[i].kind = MemberKind::Json(kind);
                    match kind {
                        JsonKind::OcrAssure | JsonKind::OcrNative => c.ocr_members.push((i, value, kind)),
                        JsonKind::ManualApproval => c.manual_members.push((i, value)),
                        JsonKind::ProcessRecord => c.process_members.push((Source::Member(m.name.clone()), value)),
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

    /// Adds a process record kept outside the zip. One inside that disagrees
    /// with it makes the archive ambiguous; one that agrees is superseded.
    fn add_process_file(&self, c: &mut Collected, pf: ProcessFile) -> Result<(), Error> {
        let value = parse_json(&pf.bytes, &self.limits)
            .map_err(|kind| Error::new(self.label.clone(), Some(&pf.label), kind))?;
        if dialect::classify(&value) != JsonKind::ProcessRecord {
            return Err(Error::new(
                self.label.clone(),
                Some(&pf.label),
                ErrorKind::ProcessRecord(
                    "not an Assure process record (needs processId and status)".into(),
                ),
            ));
        }
        if let Some((inside, inner)) = c.process_members.first() {
            let same = |k: &str| inner.get(k) == value.get(k);
            if !same("processId") || !same("status") {
                return Err(self.err(
                    None,
                    ErrorKind::Ambiguous(format!(
                        "process record {} and {} disagree on processId or status",
                        inside, pf.label
                    )),
                ));
            }
            // Same record: the one given from outside is used, the inner one is listed.
            c.process_members.clear();
        }
        c.process_members.push((Source::File(pf.label), value));
        Ok(())
    }

    /// Refuses an archive that can be read more than one way.
    fn refuse_ambiguity(&self, c: &Collected) -> Result<(), Error> {
        self.check_unique(
            &c.ocr_members.iter().map(|(i, ..)| *i).collect::<Vec<_>>(),
            "OCR evidence",
        )?;
        self.check_unique(
            &c.manual_members.iter().map(|(i, _)| *i).collect::<Vec<_>>(),
            "manual approvals",
        )?;
        if c.process_members.len() > 1 {
            return Err(self.err(
                None,
                ErrorKind::Ambiguous("more than one process record".into()),
            ));
        }
        for d in [
            Depiction::Front,
            Depiction::Back,
            Depiction::Selfie,
            Depiction::Portrait,
        ] {
            let names: Vec<String> = c
                .media
                .iter()
                .filter(|m| m.depiction == d)
                .map(|m| m.source.to_string())
                .collect();
            if names.len() > 1 {
                return Err(self.err(
                    None,
                    ErrorKind::Ambiguous(format!(
                        "more than one {} image: {}",
                        d.as_str(),
                        names.join(", ")
                    )),
                ));
            }
        }

        Ok(())
    }

    fn check_unique(&self, indices: &[usize], what: &str) -> Result<(), Error> {
        if indices.len() > 1 {
            let names: Vec<&str> = indices
                .iter()
                .map(|i| self.members[*i].name.as_str())
                .collect();
            return Err(self.err(
                None,
                ErrorKind::Ambiguous(format!(
                    "more than one member carries {what}: {}",
                    names.join(", ")
                )),
            ));
        }
        Ok(())
    }

    /// Reads a member that may be JSON. Named `.json`: it must parse. Otherwise it
    /// is read as JSON only if it starts like a JSON object; `None` if it does not.
    fn read_data_member(&mut self, index: usize) -> Result<Option<serde_json::Value>, Error> {
        let m = &self.members[index];
        let named_json = m.name.to_ascii_lowercase().ends_with(".json");
        if !named_json {
            if m.encrypted || m.size > self.limits.max_json_bytes {
                return Ok(None);
            }
            let head = self.read_prefix(index, 64)?;
            let starts_like_json = head
                .iter()
                .find(|b| !b.is_ascii_whitespace() && !matches!(b, 0xEF | 0xBB | 0xBF))
                .is_some_and(|b| *b == b'{');
            if !starts_like_json {
                return Ok(None);
            }
        }
        let name = self.members[index].name.clone();
        let bytes = self.read_member(
            index,
            self.limits.max_json_bytes,
            "declared size of a JSON member",
        )?;
        parse_json(&bytes, &self.limits)
            .map(Some)
            .map_err(|kind| self.err(Some(&name), kind))
    }

    fn read_image_member(&mut self, index: usize, depiction: Depiction) -> Result<Media, Error> {
        let m = self.members[index].clone();
        let named = format_by_name(&m.name);
        let source = Source::Member(m.name.clone());
        if m.encrypted {
            return Err(self.err(Some(&m.name), ErrorKind::Encrypted));
        }
        if m.size > self.limits.max_image_bytes {
            return Err(self.err(
                Some(&m.name),
                ErrorKind::TooLarge {
                    what: "declared size of an image member",
                    size: m.size,
                    limit: self.limits.max_image_bytes,
                },
            ));
        }
        let mut probe = None;
        for window in IMAGE_HEADER_WINDOWS {
            let bytes = self.read_prefix(index, window)?;
            let complete = (bytes.len() as u64) < window;
            let p = media::probe(&bytes, named, &self.limits);
            if p.header_read || complete {
                let size = if complete { bytes.len() as u64 } else { m.size };
                probe = Some((p, size));
                break;
            }
        }
        let (probe, total) = match probe {
            Some(found) => found,
            None => {
                let bytes = self.read_member(
                    index,
                    self.limits.max_image_bytes,
                    "declared size of an image member",
                )?;
                (
                    media::probe(&bytes, named, &self.limits),
                    bytes.len() as u64,
                )
            }
        };
        let (format, dimensions, problem) = (probe.format, probe.dimensions, probe.problem);
        Ok(Media {
            source,
            depiction,
            format: format.or(named).unwrap_or(MediaFormat::Jpeg),
            bytes: total,
            dimensions,
            problem,
        })
    }

    /// SHA-256 of one member's inflated bytes, streamed (never held in memory),
    /// within the archive's total inflated-bytes limit.
    pub fn member_sha256(&mut self, index: usize) -> Result<String, Error> {
        let name = self
            .members
            .get(index)
            .map(|m| m.name.clone())
            .unwrap_or_default();
        if self.members.get(index).is_some_and(|m| m.encrypted) {
            return Err(self.err(Some(&name), ErrorKind::Encrypted));
        }
        let remaining = self.limits.max_total_bytes.saturating_sub(self.inflated);
        let mut hasher = Sha256::new();
        let mut total = 0u64;
        let result = match self.zip.by_index(index) {
            Ok(file) => {
                let mut limited = file.take(remaining + 1);
                let mut buf = [0u8; 64 << 10];
                loop {
                    match limited.read(&mut buf) {
                        Ok(0) => break Ok(()),
                        Ok(n) => {
                            hasher.update(&buf[..n]);
                            total += n as u64;
                        }
                        Err(e) => break Err(ErrorKind::Corrupt(e.to_string())),
                    }
                }
            }
            Err(e) => Err(zip_error(e)),
        };
        self.inflated += total;
        if total > remaining {
            return Err(self.err(
                Some(&name),
                ErrorKind::TooLarge {
                    what: "inflated bytes of the whole archive",
                    size: self.inflated,
                    limit: self.limits.max_total_bytes,
                },
            ));
        }
        result.map_err(|kind| self.err(Some(&name), kind))?;
        let declared = self.members[index].size;
        if total != declared {
            return Err(self.err(Some(&name), short_member(total, declared)));
        }
        Ok(hex(&hasher.finalize()))
    }

    /// The archive as the caller named it.
    pub fn label(&self) -> &str {
        &self.label
    }

    /// SHA-256 of the archive's bytes, lower-case hex.
    pub fn sha256(&self) -> &str {
        &self.sha256
    }

    /// Size of the archive in bytes.
    pub fn size(&self) -> u64 {
        self.size
    }

    /// The member index, in central-directory order.
    pub fn members(&self) -> &[Member] {
        &self.members
    }

    /// The evidence read from the archive.
    pub fn evidence(&self) -> &Evidence {
        &self.evidence
    }

    /// The limits in force.
    pub fn limits(&self) -> &Limits {
        &self.limits
    }

    /// The bytes of the image of `depiction`: the media member, else an image
    /// embedded in native JSON. Bounded by the image limits.
    pub fn image_bytes(&mut self, depiction: Depiction) -> Result<Option<Vec<u8>>, Error> {
        let media = self
            .evidence
            .media
            .iter()
            .find(|m| m.depiction == depiction);
        match media.map(|m| m.source.clone()) {
            Some(Source::Member(name)) => {
                let Some(index) = self.members.iter().position(|m| m.name == name) else {
                    return Ok(None);
                };
                self.read_member(
                    index,
                    self.limits.max_image_bytes,
                    "declared size of an image member",
                )
                .map(Some)
            }
            Some(_) => Ok(self
                .embedded
                .iter()
                .find(|(d, _)| *d == depiction)
                .and_then(|(_, text)| native::decode_base64(text))),
            None => Ok(None),
        }
    }
}

/// A member whose data ends before the size its headers declare.
fn short_member(got: u64, declared: u64) -> ErrorKind {
    ErrorKind::Corrupt(format!(
        "inflates to {got} bytes, smaller than the {declared} its header declares"
    ))
}

fn inflated_what(what: &'static str) -> &'static str {
    match what {
        "declared size of a JSON member" => {
            "inflated size of a JSON member (its header understated it)"
        }
        "declared size of an image member" => {
            "inflated size of an image member (its header understated it)"
        }
        _ => "inflated size of a member",
    }
}

/// Parses JSON after checking its nesting without recursion, so that a
/// document nested 200,000 levels deep is refused in linear time.
pub(crate) fn parse_json(bytes: &[u8], limits: &Limits) -> Result<serde_json::Value, ErrorKind> {
    let limit = limits.max_json_depth.min(128);
    let mut depth = 0usize;
    let mut in_string = false;
    let mut escaped = false;
    for &b in bytes {
        if in_string {
            if escaped {
                escaped = false;
            } else if b == b'\\' {
                escaped = true;
            } else if b == b'"' {
                in_string = false;
            }
            continue;
        }
        match b {
            b'"' => in_string = true,
            b'{' | b'[' => {
                depth += 1;
                if depth > limit {
                    return Err(ErrorKind::JsonTooDeep { limit });
                }
            }
            b'}' | b']' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    let bytes = bytes.strip_prefix(&[0xEF, 0xBB, 0xBF]).unwrap_or(bytes);
    serde_json::from_slice(bytes).map_err(|e| ErrorKind::Json(e.to_string()))
}

fn zip_error(e: zip::result::ZipError) -> ErrorKind {
    use zip::result::ZipError;
    match e {
        ZipError::Io(io) => ErrorKind::Corrupt(io.to_string()),
        ZipError::UnsupportedArchive(msg) if msg.to_ascii_lowercase().contains("password") => {
            ErrorKind::Encrypted
        }
        ZipError::InvalidPassword => ErrorKind::Encrypted,
        other => {
            let text = other.to_string();
            let text = text.strip_prefix("invalid Zip archive: ").unwrap_or(&text);
            if text.contains("EOCD") {
                ErrorKind::Zip(
                    "no end-of-central-directory record (empty, truncated, or not a zip file)"
                        .into(),
                )
            } else {
                ErrorKind::Zip(text.to_owned())
            }
        }
    }
}

/// Why a member name would be unsafe as a path, if it would.
fn unsafe_name(name: &str) -> Option<&'static str> {
    let b = name.as_bytes();
    if name.contains('\u{FFFD}') {
        Some("is not valid UTF-8")
    } else if name.chars().any(char::is_control) {
        Some("contains control characters")
    } else if name.starts_with('/') || name.starts_with('\\') {
        Some("is absolute")
    } else if b.len() >= 2 && b[1] == b':' && b[0].is_ascii_alphabetic() {
        Some("starts with a drive letter")
    } else if name.split(['/', '\\']).any(|c| c == "..") {
        Some("climbs out of the archive with ..")
    } else if name.contains('\\') {
        Some("uses backslashes")
    } else {
        None
    }
}

/// The last path component, lower-cased; `/` and `\` both separate.
fn base_name(name: &str) -> String {
    name.rsplit(['/', '\\'])
        .next()
        .unwrap_or(name)
        .to_ascii_lowercase()
}

fn format_by_name(name: &str) -> Option<MediaFormat> {
    let base = base_name(name);
    let ext = base.rsplit_once('.')?.1;
    match ext {
        "jpeg" | "jpg" => Some(MediaFormat::Jpeg),
        "png" => Some(MediaFormat::Png),
        "mp4" => Some(MediaFormat::Mp4),
        "mov" => Some(MediaFormat::Mov),
        "webm" => Some(MediaFormat::Webm),
        _ => None,
    }
}

/// Media by depiction name at any depth, case-insensitively; JSON candidates otherwise.
fn kind_by_name(name: &str) -> MemberKind {
    let base = base_name(name);
    let stem = base.rsplit_once('.').map_or(base.as_str(), |(s, _)| s);
    match format_by_name(name) {
        Some(f) if f.is_image() => match stem {
            "front" => MemberKind::Image(Depiction::Front),
            "back" => MemberKind::Image(Depiction::Back),
            "selfie" => MemberKind::Image(Depiction::Selfie),
            "portrait" => MemberKind::Image(Depiction::Portrait),
            _ => MemberKind::Other,
        },
        Some(_) => MemberKind::Video,
        None if base.ends_with(".json") => MemberKind::Json(JsonKind::Unknown),
        None => MemberKind::Other,
    }
}

/// Lower-case hex of bytes (digests).
pub(crate) fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write;
    bytes
        .iter()
        .fold(String::with_capacity(bytes.len() * 2), |mut s, b| {
            let _ = write!(s, "{b:02x}");
            s
        })
}

/// Dimensions from the evidence of a depiction, if its header was read.
pub(crate) fn dimensions_of(evidence: &Evidence, depiction: Depiction) -> Option<Dimensions> {
    evidence.media_of(depiction).and_then(|m| m.dimensions)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn members_are_classified_by_name_at_any_depth() {
        assert_eq!(
            kind_by_name("a/b/FRONT.JPG"),
            MemberKind::Image(Depiction::Front)
        );
        assert_eq!(kind_by_name("back.png"), MemberKind::Image(Depiction::Back));
        assert_eq!(
            kind_by_name("x\\Selfie.jpeg"),
            MemberKind::Image(Depiction::Selfie)
        );
        assert_eq!(kind_by_name("video/abc.MOV"), MemberKind::Video);
        assert_eq!(
            kind_by_name("raw/ocr.JSON"),
            MemberKind::Json(JsonKind::Unknown)
        );
        assert_eq!(kind_by_name("logo.png"), MemberKind::Other);
        assert_eq!(kind_by_name("readme"), MemberKind::Other);
    }

    #[test]
    fn deep_json_is_refused_before_parsing() {
        let deep = "[".repeat(200_000);
        assert!(matches!(
            parse_json(deep.as_bytes(), &Limits::default()),
            Err(ErrorKind::JsonTooDeep { limit: 128 })
        ));
        let ok = format!("{}{}", "[".repeat(100), "]".repeat(100));
        assert!(parse_json(ok.as_bytes(), &Limits::default()).is_ok());
        // brackets inside strings do not count
        let s = format!("{{\"a\": \"{}\"}}", "[".repeat(500));
        assert!(parse_json(s.as_bytes(), &Limits::default()).is_ok());
    }
}
