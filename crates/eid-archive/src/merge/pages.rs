//! The merged `html/`, as one run over the whole store writes it. The
//! index and the pages of all archives are written again from the merged
//! rows and counts; each archive's page is copied from its shard (a merge
//! has no archive to render one from), renumbered: a page is named by its
//! input's position, which in the whole store is not its position in the
//! shard, and the page says its own position only in its navigation, in
//! an error page's title, and in the names of the images copied beside it.
//! Copied, not linked: the merged report must stand alone when the shard
//! folders are gone.

use super::shards::ShardReport;
use super::streams::{Pick, Stop};
use crate::error::OutputError;
use crate::html::{IndexWriter, RowCells, archive_nav, archive_page_name, table_row_of};
use crate::pii::Pii;
use crate::tally::Tally;
use std::path::{Path, PathBuf};

/// The shards' personal-data mode, as the pages show it: its name; no key
/// is needed to show it.
pub(super) fn pii_of(run: &serde_json::Value) -> Pii {
    match run["pii"].as_str() {
        Some("full") => Pii::Full,
        Some("mask") => Pii::Mask,
        Some("hmac") => Pii::Hmac(Vec::new()),
        _ => Pii::Omit,
    }
}

/// The merged `html/` being written.
pub(super) struct Pages {
    dir: PathBuf,
    index: IndexWriter,
    columns: Vec<String>,
}

impl Pages {
    /// Starts `staging/html/` for the rows of all `shards`.
    pub(super) fn create(shards: &[ShardReport], staging: &Path) -> Result<Pages, Stop> {
        let run = &shards[0].run;
        let policy = format!(
            "{} ({})",
            run["policy"]["name"].as_str().unwrap_or_default(),
            run["policy"]["digest"].as_str().unwrap_or_default()
        );
        let pii = pii_of(run);
        let dir = staging.join("html");
        let rows = shards.iter().map(|s| s.rows).sum();
        let index = IndexWriter::create(&dir, rows, &policy, &pii)?;
        let columns = super::archives_header(&shards[0]).map_err(|e| match e {
            super::MergeError::Refused(r) => Stop::Refused(r),
            super::MergeError::Output(o) => Stop::Output(o),
        })?;
        Ok(Pages {
            dir,
            index,
            columns,
        })
    }

    /// Adds the archive just taken: its row, and its page and images
    /// copied from its shard under its merged position.
    pub(super) fn add(&mut self, pick: &Pick<'_>, shard: &ShardReport) -> Result<(), Stop> {
        let cell = |name: &str| {
            self.columns
                .iter()
                .position(|h| h.trim_start_matches('\u{feff}') == name)
                .map(|i| pick.columns.get(pick.record, i))
                .unwrap_or_default()
        };
        let error = pick.columns.is_error(pick.record);
        let blank = |v: String| if error { String::new() } else { v };
        let agrees = match (error, cell("agrees").as_str()) {
            (false, "true") => "yes",
            (false, "false") => "NO",
            _ => "-",
        };
        let (status, process_id, recorded, reasons, similarity, day, findings, worst) = (
            if error {
                "error".into()
            } else {
                cell("status")
            },
            blank(cell("process_id")),
            blank(cell("recorded_status")),
            blank(cell("reasons")),
            blank(cell("similarity")),
            blank(cell("verification_date")),
            blank(cell("findings")),
            blank(cell("max_severity")),
        );
        let mut html = String::with_capacity(1024);
        let data = table_row_of(
            &mut html,
            pick.global,
            &RowCells {
                archive: pick.archive,
                status: &status,
                agrees,
                process_id: &process_id,
                recorded: &recorded,
                reasons: &reasons,
                automatic: &blank(cell("automatic_status")),
                reviewer: &blank(cell("reviewer")),
                similarity: &similarity,
                day: &day,
                findings: &findings,
                worst: &worst,
                error: &cell("error"),
            },
        );
        self.index.add_row(pick.global, &html, &data)?;
        self.copy_page(shard, pick.local, pick.global)
    }

    /// Copies the page of the shard's archive at `local` and its images,
    /// renumbered to `global`.
    fn copy_page(&self, shard: &ShardReport, local: usize, global: usize) -> Result<(), Stop> {
        let name = archive_page_name(local);
        let source = shard.dir.join("html").join(&name);
        let text = std::fs::read_to_string(&source).map_err(OutputError::io(&source))?;
        let (from, to) = (format!("{local:06}"), format!("{global:06}"));
        // The shard's places in its lists go; the merged lists' come at the end.
        let text = crate::html::unlink_lists(&text)
            .replacen(&archive_nav(local), &archive_nav(global), 1)
            .replace(&format!("\"{from}-"), &format!("\"{to}-"))
            .replacen(
                &format!("Archive {} could not be read", local + 1),
                &format!("Archive {} could not be read", global + 1),
                2,
            );
        let target = self.dir.join(archive_page_name(global));
        std::fs::write(&target, text).map_err(OutputError::io(&target))?;
        let prefix = format!("html/a/{from}-");
        for path in shard.outputs.range(prefix.clone()..).map(|(p, _)| p) {
            let Some(rest) = path.strip_prefix(&prefix) else {
                break;
            };
            let (source, target) = (
                shard.dir.join(path),
                self.dir.join(format!("a/{to}-{rest}")),
            );
            std::fs::copy(&source, &target).map_err(OutputError::io(&source))?;
        }
        Ok(())
    }

    /// Writes `index.html` from the merged counts (its footer says `about`),
    /// and the assets.
    pub(super) fn finish(self, tally: &Tally, about: &str) -> Result<(), OutputError> {
        self.index.finish(tally, about)
    }
}
