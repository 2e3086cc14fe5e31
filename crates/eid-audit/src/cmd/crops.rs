//! `eid-audit crops ARCHIVE --out DIR`: one PNG per found feature's box and an
//! annotated image per side, and a table of what was cut and what could not be.

use super::{JudgeArgs, Outcome};
use crate::table::Table;
use eid_archive::crops::{self, CropOptions, CropOutcome};
use eid_archive::evidence::Depiction;
use eid_archive::{Archive, Audit};
use std::fmt::Write as _;
use std::io::{self, Write as _};
use std::path::PathBuf;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The full-result zip.
    archive: PathBuf,
    /// Output folder; files go to DIR/<processId>/.
    #[arg(long, value_name = "DIR")]
    out: PathBuf,
    /// The process record kept outside the zip (default: same stem, `.json`, beside it).
    #[arg(long, value_name = "FILE")]
    process: Option<PathBuf>,
    /// Turn crops upright by the image's EXIF orientation. Boxes are always cut
    /// in the stored image's pixels, as the provider analysed it.
    #[arg(long)]
    exif_orientation: bool,
    /// Do not draw the full-size annotated image of each side.
    #[arg(long)]
    no_annotated: bool,
    #[command(flatten)]
    judge: JudgeArgs,
}

pub fn run(args: Args) -> anyhow::Result<Outcome> {
    let options = args.judge.options(args.process.clone())?;
    let opened = Archive::open(&args.archive, &options.read)
        .and_then(|a| Audit::of_archive(&a, &options.policy).map(|au| (a, au)));
    let (mut archive, audit) = match opened {
        Ok(pair) => pair,
        Err(e) => {
            crate::warn_line!("{e}");
            return Ok(Outcome::Unreadable);
        }
    };
    let crop_options = CropOptions::default()
        .with_exif_orientation(args.exif_orientation)
        .with_skip_annotated(args.no_annotated);
    let cut = crops::cut(&mut archive, &audit.process_id, &crop_options);
    let written = match cut.write(&args.out) {
        Ok(w) => w,
        Err(e) => {
            crate::warn_line!("{}: {e}", args.archive.display());
            return Ok(Outcome::Unreadable);
        }
    };
    let folder = args.out.join(&cut.folder).display().to_string();
    let mut out = io::stdout().lock();
    let text = render(&audit, &cut, written.len(), &folder);
    out.write_all(crate::terminal::clean(&text).as_bytes())?;
    out.flush()?;
    Ok(if audit.verdict.agrees == Some(false) {
        Outcome::Disagrees
    } else {
        Outcome::Agrees
    })
}

/// What `crops` prints: where it wrote, then one row per feature and per annotated image.
pub fn render(audit: &Audit, cut: &crops::Crops, files: usize, folder: &str) -> String {
    let mut out = String::new();
    // The same headline as inspect: a disagreement explains the exit code 1.
    let _ = writeln!(out, "{}", super::inspect::verdict_line(audit));
    let _ = writeln!(out, "wrote {files} PNG files to {folder}/");
    let mut t = Table::new(&["FEATURE", "SIDE", "BOX (x,y w×h)", "RESULT"]);
    for a in &cut.annotated {
        t.row([
            "(annotated)".into(),
            a.side.as_str().into(),
            format!("{}×{}", a.width, a.height),
            a.file.clone(),
        ]);
    }
    for f in &cut.features {
        let result = match &f.outcome {
            CropOutcome::Cut {
                file,
                clipped: false,
                ..
            } => file.clone(),
            CropOutcome::Cut {
                file,
                region: (x, y, w, h),
                clipped: true,
            } => {
                format!("{file} (BBoxOutOfBounds: clipped to {x},{y} {w}x{h})")
            }
            CropOutcome::NotCut(why) => format!("not cut: {}: {why}", why.code()),
        };
        t.row([
            f.feature.clone(),
            f.side.clone().unwrap_or_else(|| "-".into()),
            f.bbox.map_or_else(|| "-".into(), |b| b.to_string()),
            result,
        ]);
    }
    // Portraits, selfies and videos are evidence too: listed, never cropped.
    for m in &audit.evidence.media {
        if matches!(
            m.depiction,
            Depiction::Selfie | Depiction::Portrait | Depiction::Video
        ) {
            t.row([
                format!("({})", m.depiction.as_str()),
                "-".into(),
                m.dimensions
                    .map_or_else(|| "-".into(), |d| format!("{}×{}", d.width, d.height)),
                format!("not cropped: {}", m.source),
            ]);
        }
    }
    out.push_str(&t.render_indented());
    for f in &cut.findings {
        let _ = writeln!(
            out,
            "{} {} {}: {}",
            f.severity,
            f.code,
            crate::terminal::escape(&f.subject),
            crate::terminal::escape(&f.message)
        );
    }
    out
}
