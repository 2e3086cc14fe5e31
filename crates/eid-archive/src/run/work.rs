//! What the workers do to each archive (open, audit, exhibits, page,
//! claims), how many of them run, and how exhibits folders are named.

use super::options::CropsInto;
use crate::audit::{Audit, AuditOptions};
use crate::batch::Input;
use crate::crops::{self, CropOptions, Held};
use crate::error::{Error, OutputError};
use crate::event::Audited;
use crate::html;
use crate::ida::{IdaOptions, VerifiedClaims};
use crate::images::ImageRule;
use crate::pii::Pii;
use crate::population::{ImageKey, image_keys};
use std::collections::{HashMap, HashSet};
use std::num::NonZeroUsize;
use std::path::PathBuf;

/// How many archives' exhibits may wait in memory at once, for one
/// `crops.zip` (each at most 128 MiB): 1 GiB in all.
pub(super) const HELD_IN_FLIGHT: usize = 8;

/// The worker threads of a run: as asked (else one per core), but never
/// more than the inputs, nor more than 8 a core: more threads than that only
/// add memory and scheduling, never speed (`--jobs 100000` would start
/// thousands).
pub(super) fn threads(jobs: Option<NonZeroUsize>, inputs: usize) -> NonZeroUsize {
    let cores = std::thread::available_parallelism().map_or(1, NonZeroUsize::get);
    let asked = jobs.map_or(cores, NonZeroUsize::get);
    let n = asked.min(inputs.max(1)).min(8 * cores);
    NonZeroUsize::new(n).unwrap_or(NonZeroUsize::MIN)
}

/// What the workers do to each archive, and with what.
pub(super) struct Work<'a> {
    pub(super) audit: AuditOptions,
    pub(super) crops: Option<(CropsInto, CropOptions)>,
    pub(super) crops_dir: PathBuf,
    pub(super) html_dir: Option<PathBuf>,
    pub(super) pii: &'a Pii,
    pub(super) rule: &'a ImageRule,
    pub(super) ida: Option<&'a IdaOptions>,
}

/// One archive as a worker leaves it.
pub(super) struct Done {
    pub(super) audited: Audited,
    pub(super) held: Held,
    pub(super) page: Option<Result<usize, OutputError>>,
    pub(super) claims: Option<Result<serde_json::Value, &'static str>>,
    /// The keys of its images, for the duplicates index.
    pub(super) images: Vec<ImageKey>,
}

impl Work<'_> {
    /// Opens and audits one archive, cuts its exhibits (into a folder of the
    /// worker's own, or in memory) and writes its page while it is open.
    pub(super) fn archive(&self, index: usize, input: &Input) -> Result<Done, Error> {
        let mut archive = input.open(&self.audit.read)?;
        let audit = Audit::of_archive(&mut archive, &self.audit)?;
        let images = image_keys(&mut archive, &audit);
        let mut held = Held::new();
        let exhibits = self.crops.as_ref().map(|(into, c)| match into {
            CropsInto::Folder => {
                let own = self.crops_dir.join(format!(".archive-{index}"));
                crops::write_staged(&mut archive, &audit, &own, c)
            }
            CropsInto::Zip => crops::hold(&mut archive, &audit, c).map(|(crops, files)| {
                held = files;
                crops
            }),
        });
        let audited = Audited::new(audit, exhibits);
        let page = self.html_dir.as_ref().map(|dir| {
            html::write_archive_page(&mut archive, &audited, index, dir, self.pii, self.rule)
        });
        let claims = self.ida.map(|ida| {
            VerifiedClaims::from_audit(&audited.audit, ida)
                .map(|c| c.envelope())
                .map_err(|not| not.why().code())
        });
        Ok(Done {
            audited,
            held,
            page,
            claims,
            images,
        })
    }

    /// Names an archive's exhibits folder after its process id (or, when an
    /// earlier archive has that one, the process id and the first 12 hex
    /// digits of the archive's SHA-256) and, when they are files, moves them
    /// there from the worker's folder. In input order, so the same store
    /// gives the same names on every run.
    pub(super) fn settle(&self, done: &mut Done, claimed: &mut Folders) {
        let audited = &mut done.audited;
        let Some(Ok(written)) = &audited.exhibits else {
            return;
        };
        let base = crops::safe_component(&audited.audit.process_id);
        let sha = &audited.audit.archive.fingerprint.sha256;
        let name = claimed.claim(base, &sha[..sha.len().min(12)]);
        let moved = match self.crops {
            Some((CropsInto::Folder, _)) => {
                let (from, to) = (
                    self.crops_dir.join(&written.folder),
                    self.crops_dir.join(&name),
                );
                std::fs::rename(&from, &to).map_err(OutputError::io(&to))
            }
            _ => Ok(()),
        };
        match moved {
            Ok(()) => {
                if let Some(Ok(c)) = &mut audited.exhibits {
                    c.folder = name;
                }
            }
            Err(e) => audited.set_exhibits(Some(Err(e))),
        }
    }
}

/// The exhibits folders named so far: the process id, else the process id
/// and the first 12 hex digits of the archive's SHA-256, else that and a
/// number. Each name remembers the next number to try, so that thousands of
/// copies of one archive are named in linear time.
#[derive(Default)]
pub(super) struct Folders {
    taken: HashSet<String>,
    next: HashMap<String, u64>,
}

impl Folders {
    pub(super) fn claim(&mut self, base: String, sha: &str) -> String {
        if self.taken.insert(base.clone()) {
            return base;
        }
        let with_sha = format!("{base}-{sha}");
        if self.taken.insert(with_sha.clone()) {
            return with_sha;
        }
        let n = self.next.entry(with_sha.clone()).or_insert(2);
        loop {
            let name = format!("{with_sha}-{n}");
            *n += 1;
            // A numbered name may be another archive's plain one: skip it.
            if self.taken.insert(name.clone()) {
                return name;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Folders;

    #[test]
    fn threads_are_capped_by_the_inputs_and_the_cores() {
        use std::num::NonZeroUsize;
        let cores = std::thread::available_parallelism().map_or(1, NonZeroUsize::get);
        let t = |jobs: usize, inputs| super::threads(NonZeroUsize::new(jobs), inputs).get();
        assert_eq!(t(100_000, 1), 1);
        assert_eq!(t(100_000, 1_000_000), 8 * cores);
        assert_eq!(t(2, 13), 2);
        assert_eq!(t(0, 0), 1);
        assert_eq!(t(0, 1_000), cores);
    }

    #[test]
    fn folders_are_named_once_each_in_linear_time() {
        let mut f = Folders::default();
        assert_eq!(f.claim("p".into(), "abc"), "p");
        assert_eq!(f.claim("p".into(), "abc"), "p-abc");
        assert_eq!(f.claim("p".into(), "abc"), "p-abc-2");
        assert_eq!(f.claim("p-abc-3".into(), "def"), "p-abc-3");
        assert_eq!(f.claim("p".into(), "abc"), "p-abc-4");
        // 8,000 copies of one archive: each claim takes one or two tries.
        let last = (0..8_000).map(|_| f.claim("q".into(), "0123")).last();
        assert_eq!(last.as_deref(), Some("q-0123-7999"));
        assert_eq!(f.next["q-0123"], 8_000);
    }
}
