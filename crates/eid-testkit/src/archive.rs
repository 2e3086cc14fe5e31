//! Members into a zip: names under the case's folder and case, and
//! deterministic zipping.

use crate::media::{fake_mp4, selfie_image};
use crate::*;
use image::RgbImage;
use std::io::{Cursor, Write};
use std::path::{Path, PathBuf};
use zip::write::SimpleFileOptions;

impl Case {
    pub(crate) fn member_name(&self, name: &str) -> String {
        let name = if self.upper_case {
            name.to_uppercase()
        } else {
            name.to_owned()
        };
        match &self.folder {
            Some(folder) => format!("{folder}/{name}"),
            None => name,
        }
    }

    pub(crate) fn image_ext(&self) -> &'static str {
        match self.image {
            ImageKind::Jpeg => "jpeg",
            ImageKind::Png => "png",
        }
    }

    pub(crate) fn encode(&self, img: &RgbImage) -> Vec<u8> {
        encode(img, self.image)
    }

    /// The members of the archive, in the order written: `(name, bytes)`.
    pub fn members(&self) -> Vec<(String, Vec<u8>)> {
        let mut out = Vec::new();
        let json_bytes =
            |v: &Value| serde_json::to_vec_pretty(v).expect("JSON values always serialise");
        if matches!(
            self.process,
            ProcessPlacement::InZip | ProcessPlacement::InZipWithProviderSpecific
        ) {
            out.push((
                self.member_name("process.json"),
                json_bytes(&self.process_json()),
            ));
        }
        if self.process != ProcessPlacement::InZipWithProviderSpecific {
            if let Some(ocr) = self.ocr_json() {
                let name = if self.dialect == Dialect::Native {
                    "result.json"
                } else {
                    "eid-ocr.json"
                };
                out.push((self.member_name(name), json_bytes(&ocr)));
            }
            if let Some(manual) = self.manual_json() {
                out.push((
                    self.member_name("eid-manual-approval.json"),
                    json_bytes(&manual),
                ));
            }
        }
        let ext = self.image_ext();
        if let Some(img) = self.side_image(false) {
            out.push((self.member_name(&format!("front.{ext}")), self.encode(&img)));
        }
        if let Some(img) = self.side_image(true) {
            out.push((self.member_name(&format!("back.{ext}")), self.encode(&img)));
        }
        // The native dialect carries the selfie inside the JSON.
        if let (Some((w, h)), Dialect::Assure) = (self.selfie, self.dialect) {
            out.push((
                self.member_name(&format!("selfie.{ext}")),
                self.encode(&self.mark(selfie_image(w, h, self.textured, self.noise_seed()))),
            ));
        }
        if self.portrait && self.fail_reason.is_none() {
            out.push((
                self.member_name(&format!("portrait.{ext}")),
                self.encode(&self.mark(selfie_image(120, 150, false, 0))),
            ));
        }
        if self.video {
            out.push((self.member_name("video.mp4"), fake_mp4()));
        }
        out
    }

    /// The archive's bytes. The same case always gives the same bytes.
    pub fn to_zip(&self) -> Vec<u8> {
        let members = self.members();
        if self.stored_images {
            let image = |name: &str| {
                let lower = name.to_ascii_lowercase();
                [".jpeg", ".jpg", ".png"].iter().any(|e| lower.ends_with(e))
            };
            zip_members_with(&members, image)
        } else {
            zip_members(&members)
        }
    }

    /// Writes `<stem>.zip` (and `<stem>.json` for a process record beside it) into `dir`.
    pub fn write_to(&self, dir: &Path) -> std::io::Result<PathBuf> {
        let path = dir.join(format!("{}.zip", self.stem));
        std::fs::write(&path, self.to_zip())?;
        if self.process == ProcessPlacement::Beside {
            let json = serde_json::to_vec_pretty(&self.process_json())
                .expect("JSON values always serialise");
            std::fs::write(dir.join(format!("{}.json", self.stem)), json)?;
        }
        Ok(path)
    }
}

/// Zips `(name, bytes)` members deterministically (fixed timestamps, deflate).
pub fn zip_members(members: &[(String, Vec<u8>)]) -> Vec<u8> {
    zip_members_with(members, |_| false)
}

/// Zips `(name, bytes)` members deterministically (fixed timestamps), those
/// `stored` names stored and the others deflated.
pub fn zip_members_with(members: &[(String, Vec<u8>)], stored: impl Fn(&str) -> bool) -> Vec<u8> {
    let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let deflated = SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .last_modified_time(zip::DateTime::default())
        .unix_permissions(0o644);
    for (name, bytes) in members {
        let options = if stored(name) {
            deflated.compression_method(zip::CompressionMethod::Stored)
        } else {
            deflated
        };
        zip.start_file(name.as_str(), options)
            .expect("writing to memory cannot fail");
        zip.write_all(bytes).expect("writing to memory cannot fail");
    }
    zip.finish()
        .expect("writing to memory cannot fail")
        .into_inner()
}
