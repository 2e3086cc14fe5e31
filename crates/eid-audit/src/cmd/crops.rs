//! `eid-audit crops ARCHIVE --out DIR`: each side's image verbatim, its
//! annotation, one PNG per found feature's box, and a table of what was
//! written and what could not be.

use super::{JudgeArgs, Outcome};
use crate::table::Table;
use clap::ValueEnum;
use eid_archive::crops::{self, Annotation, CropOptions, CropOutcome};
use eid_archive::evidence::Depiction;
use eid_archive::{Archive, Audit};
use std::fmt::Write as _;
use std::io::{self, Write as _};
use std::path::PathBuf;

/// How each side is annotated.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum AnnotationArg {
    /// Vector boxes and labels over the stored image, the caption above it and the
    /// legend below it, outside the image (no decoding).
    Svg,
    /// A lossless PNG with the same drawn in, the image's pixels copied unchanged
    /// under the boxes (decodes and re-encodes each side).
    Png,
    /// No annotation.
    None,
}

/// How exhibits are made; shared by `crops` and `report --crops`.
#[derive(Debug, clap::Args)]
pub struct ExhibitArgs {
    /// Annotation of each side: svg over the stored image (the default),
    /// png, or none.
    #[arg(long, value_enum, value_name = "KIND")]
    annotated: Option<AnnotationArg>,
    /// The same as --annotated none.
    #[arg(long, conflicts_with = "annotated")]
    no_annotated: bool,
    /// Embed each side's image in its SVG (a data URI), so the SVG stands alone.
    #[arg(long)]
    embed: bool,
    /// Turn crops upright by the image's EXIF orientation. Boxes are always cut
    /// in the stored image's pixels, as the provider analysed it.
    #[arg(long)]
    exif_orientation: bool,
    /// Features not to crop (for example Photo: faces are personal data), and
    /// front or back for sides whose image leaves the archive in no form (no
    /// copy, no embedded image, no annotation over its pixels, no image on
    /// an HTML page); comma-separated.
    #[arg(long, value_name = "NAME,...", value_delimiter = ',')]
    crops_exclude: Vec<String>,
}

impl ExhibitArgs {
    /// The library's options.
    pub fn options(&self) -> CropOptions {
        let annotation = match (self.no_annotated, self.annotated) {
            (true, _) | (_, Some(AnnotationArg::None)) => Annotation::None,
            (_, Some(AnnotationArg::Png)) => Annotation::Png,
            (_, Some(AnnotationArg::Svg) | None) => Annotation::Svg,
        };
        CropOptions::default()
            .with_annotation(annotation)
            .with_embedded_images(self.embed)
            .with_exif_orientation(self.exif_orientation)
            .with_exclude(self.exclude())
    }

    /// The features and sides left out (`--crops-exclude`).
    pub fn exclude(&self) -> Vec<String> {
        self.crops_exclude.clone()
    }

    /// Refuses the options that would do nothing in `report`: those that
    /// shape exhibits without `--crops`, exclusions without `--crops` or
    /// `--html` (the only writers of images). An option silently dropped
    /// would let a user believe a face was left out, or an image embedded.
    pub fn refuse_unused(&self, crops: bool, html: bool) -> anyhow::Result<()> {
        let shaping = [
            ("--annotated", self.annotated.is_some()),
            ("--no-annotated", self.no_annotated),
            ("--embed", self.embed),
            ("--exif-orientation", self.exif_orientation),
        ];
        if !crops && let Some((flag, _)) = shaping.iter().find(|(_, given)| *given) {
            anyhow::bail!("{flag} shapes the exhibits: it does nothing without --crops");
        }
        if !crops && !html && !self.crops_exclude.is_empty() {
            anyhow::bail!(
                "--crops-exclude leaves images out of the exhibits and the HTML pages: it does nothing without --crops or --html"
            );
        }
        Ok(())
    }
}

#[derive(Debug, clap::Args)]
#[command(
    after_help = "Examples:\n  eid-audit crops testdata/accepted.zip --out exhibits\n  eid-audit crops case.zip --out exhibits --annotated png --crops-exclude Photo"
)]
pub struct Args {
    /// The full-result zip.
    archive: PathBuf,
    /// Output folder; files go to DIR/<processId>/.
    #[arg(short, long, value_name = "DIR")]
    out: PathBuf,
    /// The process record kept outside the zip (default: same stem, `.json`, beside it).
    #[arg(long, value_name = "FILE")]
    process: Option<PathBuf>,
    #[command(flatten)]
    exhibits: ExhibitArgs,
    #[command(flatten)]
    judge: JudgeArgs,
}

pub fn run(args: Args) -> anyhow::Result<Outcome> {
    let options = args.judge.options(args.process.clone())?;
    let opened = Archive::open(&args.archive, &options.read)
        .and_then(|mut a| Audit::of_archive(&mut a, &options).map(|au| (a, au)));
    let (mut archive, audit) = match opened {
        Ok(pair) => pair,
        Err(e) => {
            crate::warn_line!("{e}");
            return Ok(Outcome::Unreadable);
        }
    };
    let written = match crops::write_into(&mut archive, &audit, &args.out, &args.exhibits.options())
    {
        Ok(w) => w,
        Err(e) => {
            crate::warn_line!("{}: {e}", args.archive.display());
            return Ok(Outcome::Unreadable);
        }
    };
    let mut out = io::stdout().lock();
    let dir = args.out.join(&written.folder);
    let text = render(&audit, &written, &dir.display().to_string());
    out.write_all(crate::terminal::clean(&text).as_bytes())?;
    out.flush()?;
    Ok(if audit.verdict.agrees == Some(false) {
        Outcome::Disagrees
    } else {
        Outcome::Agrees
    })
}

/// What `crops` prints: the verdict line, where it wrote, then one row per
/// original, annotation and feature.
pub fn render(audit: &Audit, crops: &crops::Crops, folder: &str) -> String {
    let mut out = String::new();
    // The same headline as inspect: a disagreement explains the exit code 1.
    let _ = writeln!(out, "{}", super::inspect::verdict_line(audit));
    let files = crops.originals.iter().filter(|o| o.file.is_some()).count()
        + crops.annotated.len()
        + crops
            .features
            .iter()
            .filter(|f| matches!(f.outcome, CropOutcome::Cut { .. }))
            .count();
    let _ = writeln!(out, "wrote {files} files to {folder}/");
    let mut t = Table::new(&["ITEM", "SIDE", "BOX (x,y w×h)", "RESULT"]);
    for o in &crops.originals {
        let sha = &o.sha256[..12];
        t.row([
            "(original)".into(),
            o.side.to_string(),
            format!("{} bytes", o.bytes),
            match &o.file {
                Some(f) => format!("{f} (sha256 {sha}…, as stored)"),
                None => format!("not copied: left out on request (sha256 {sha}…)"),
            },
        ]);
    }
    for a in &crops.annotated {
        t.row([
            "(annotated)".into(),
            a.side.to_string(),
            format!("{}×{}", a.width, a.height),
            a.file.clone(),
        ]);
    }
    for f in &crops.features {
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
            } => format!("{file} (BBoxOutOfBounds: clipped to {x},{y} {w}×{h})"),
            CropOutcome::NotCut(why) => format!("not cut: {}: {why}", why.code()),
        };
        t.row([
            f.feature.clone(),
            f.side.clone().unwrap_or_else(|| "-".into()),
            f.bbox.map_or_else(|| "-".into(), |b| b.to_string()),
            result,
        ]);
    }
    // Selfies, portraits and videos are evidence too: listed, never copied.
    for m in &audit.evidence.media {
        if matches!(
            m.depiction,
            Depiction::Selfie | Depiction::Portrait | Depiction::Video
        ) {
            t.row([
                format!("({})", m.depiction),
                "-".into(),
                m.dimensions
                    .map_or_else(|| "-".into(), |d| format!("{}×{}", d.width, d.height)),
                format!("not copied: {}", m.source),
            ]);
        }
    }
    out.push_str(&t.render_indented());
    for f in &crops.findings {
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
