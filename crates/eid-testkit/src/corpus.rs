//! Corpora of many varied archives, for batch tests, benchmarks and the
//! documented corpus runs. Each archive's intended result is known by
//! construction and written to `manifest.csv`, so a report can be checked
//! against it without trusting the engine under test.

use crate::{Case, Dialect, FeatureSpec, ImageKind, Manual, ProcessPlacement};
use std::fmt::Write as _;
use std::io;
use std::path::{Path, PathBuf};

/// What to generate.
#[derive(Debug, Clone, Copy)]
pub struct CorpusOptions {
    /// How many inputs (archives, broken ones included).
    pub count: usize,
    /// The random seed: the same seed gives the same bytes.
    pub seed: u64,
    /// Photograph-like media: 1280 × 808 front and back, 720 × 960 selfie,
    /// textured so each JPEG weighs 100 to 250 KB. Small flat images otherwise.
    pub realistic: bool,
    /// Make every n-th input a broken archive (truncated, or not a zip at all).
    pub broken_every: Option<usize>,
    /// How the archives are laid out: how their members are compressed,
    /// and how many are the provider's native results.
    pub layout: Layout,
}

/// How a corpus's archives are laid out. Integrators' zips differ: some
/// deflate every member, images included; some store the images; some keep
/// the provider's native results, whose selfie is base64 inside the JSON.
/// Each costs a reader differently, so the speed is measured on each.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Layout {
    /// Every member deflated, images included (5 % native results).
    #[default]
    Deflated,
    /// Images stored, JSON deflated (5 % native results).
    Stored,
    /// Every member deflated, and half the archives native results, their
    /// selfie embedded in the JSON.
    Native,
}

impl Layout {
    /// Every layout, in the order the corpus run measures them.
    pub const ALL: [Layout; 3] = [Layout::Deflated, Layout::Stored, Layout::Native];

    /// The layout's name on the command line.
    pub fn name(self) -> &'static str {
        match self {
            Layout::Deflated => "deflated",
            Layout::Stored => "stored",
            Layout::Native => "native",
        }
    }

    /// The layout of that name.
    pub fn parse(name: &str) -> Option<Layout> {
        Layout::ALL.into_iter().find(|l| l.name() == name)
    }
}

/// One generated input and what a correct audit says of it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    /// Path relative to the corpus folder.
    pub file: String,
    /// The scenario.
    pub kind: &'static str,
    /// The status a correct audit recomputes, or `error` for a broken archive.
    pub expected_status: &'static str,
    /// The status recorded in the archive (empty when none).
    pub recorded_status: String,
}

/// A small xorshift generator: deterministic and dependency-free.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        self.0 = x;
        x
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len() as u64) as usize]
    }
}

const FIRST: &[&str] = &[
    "ALEX", "SAM", "ROBIN", "KIM", "NOA", "ARI", "JULES", "REMI", "TONI", "MIKA",
];
const LAST: &[&str] = &[
    "SAMPLE",
    "TESTER",
    "EXAMPLE",
    "PLACEHOLDER",
    "DEMO",
    "FICTION",
    "MOCK",
    "DUMMY",
];
const COUNTRIES: &[&str] = &["PRT", "ESP", "NOR", "SWE", "DNK", "FIN", "DEU", "NLD"];

/// Builds the case for input `i` of a corpus, with its intended result.
pub fn case(i: usize, options: &CorpusOptions) -> (Case, &'static str, &'static str) {
    let mut rng = Rng(options.seed.wrapping_mul(0x9E37_79B9_7F4A_7C15)
        ^ (i as u64 + 1).wrapping_mul(0xBF58_476D_1CE4_E5B9)
        | 1);
    for _ in 0..4 {
        rng.next();
    }
    let mut c = Case::accepted();
    c.stem = format!("{i:07}");
    c.marked = true;
    c.process_id = format!(
        "{:08x}-{:04x}-4{:03x}-8{:03x}-{:012x}",
        rng.next() as u32,
        rng.below(1 << 16),
        rng.below(1 << 12),
        rng.below(1 << 12),
        rng.next() & 0xFFFF_FFFF_FFFF
    );
    c.person.first_name = format!("{} {}", rng.pick(FIRST), rng.pick(FIRST));
    c.person.last_name = format!("{} {}", rng.pick(LAST), rng.pick(LAST));
    c.person.document_number = format!("Z{:08}", rng.below(100_000_000));
    c.person.personal_number = format!("FAKE{:010}", rng.below(10_000_000_000));
    c.person.date_of_birth = format!(
        "{}-{:02}-{:02}",
        1950 + rng.below(50),
        1 + rng.below(12),
        1 + rng.below(28)
    );
    let country = *rng.pick(COUNTRIES);
    c.person.nationality = country.into();
    c.person.issuing_country = country.into();
    let (year, month, day) = (2019 + rng.below(6), 1 + rng.below(12), 1 + rng.below(28));
    c.created_at = format!("{year}-{month:02}-{day:02}T10:{:02}:00Z", rng.below(50));
    c.updated_at = format!("{year}-{month:02}-{day:02}T10:59:30Z");
    c.person.date_of_expiry = format!("{}-{month:02}-{day:02}", year + 1 + rng.below(9));
    if options.realistic {
        c.front = Some((1280, 808));
        c.selfie = Some((720, 960));
        c.textured = true;
        // The seed's boxes sit on a 640-wide card: scale them to the photo.
        for f in &mut c.features {
            if let Some((x, y, w, h)) = f.bbox {
                f.bbox = Some((x * 2, y * 2, w * 2, h * 2));
            }
        }
    } else {
        c.portrait = false;
    }
    if rng.below(3) == 0 {
        c.back = c.front;
    }

    let roll = rng.below(100);
    // The native layout makes every other archive a native result.
    let roll = if options.layout == Layout::Native && i.is_multiple_of(2) {
        92
    } else {
        roll
    };
    c.stored_images = options.layout == Layout::Stored;
    let (kind, expected) = match roll {
        0..=49 => ("accepted", "accepted"),
        50..=61 => {
            let check = rng.below(c.checks.len() as u64) as usize;
            c.checks[check].1 = false;
            if c.checks[check].0 == "nonExpired" {
                c.person.date_of_expiry = format!("{}-01-01", year - 1);
            }
            c.status = "rejected".into();
            ("rejected-check", "rejected")
        }
        62..=73 => {
            if rng.below(2) == 0 {
                c.similarity = Some((*rng.pick(&["medium", "low", "verylow"])).into());
            } else {
                c.features[4] = FeatureSpec::missing("OVI 1");
            }
            c.status = "inconclusive".into();
            ("inconclusive", "inconclusive")
        }
        74..=78 => {
            c.process_type = "substantialFullyAuto".into();
            c.features[1] = FeatureSpec::missing("OVI 2");
            c.status = "rejected".into();
            ("fully-auto", "rejected")
        }
        79..=84 => {
            c.process_type = "high".into();
            c.video = true;
            c.manual = Some(Manual {
                rejections: vec![(
                    "Document.NotLegible".into(),
                    "The document cannot be read".into(),
                )],
                verification_date: c.updated_at.clone(),
                overrides: Vec::new(),
            });
            c.status = "rejected".into();
            ("agent-rejected", "rejected")
        }
        85..=88 => {
            c.process_type = "high".into();
            c.video = true;
            c.similarity = Some("medium".into());
            c.manual = Some(Manual {
                rejections: Vec::new(),
                verification_date: c.updated_at.clone(),
                overrides: Vec::new(),
            });
            ("agent-override", "accepted")
        }
        89..=91 => {
            c.fail_reason = Some((
                "InactiveUser.Aborted".into(),
                "There has been no interaction with the video".into(),
            ));
            c.status = "failed".into();
            c.front = None;
            c.back = None;
            c.selfie = None;
            c.portrait = false;
            ("failed", "failed")
        }
        92..=96 => {
            c.dialect = Dialect::Native;
            c.process = ProcessPlacement::None;
            c.similarity = Some("High".into());
            c.liveness = None;
            ("native", "accepted")
        }
        _ => {
            // Recorded accepted; the evidence says otherwise.
            c.checks[5].1 = false;
            ("contradicted", "rejected")
        }
    };
    c.final_result = c.status == "accepted" && c.fail_reason.is_none();
    if rng.below(10) == 0 && !options.realistic {
        c.image = ImageKind::Png;
    }
    (c, kind, expected)
}

/// Writes a corpus into `dir` (in folders of 1,000) and its `manifest.csv`.
/// Archives are built in parallel; the bytes do not depend on the thread count.
pub fn generate(dir: &Path, options: &CorpusOptions) -> io::Result<Vec<Entry>> {
    use rayon::prelude::*;
    for folder in 0..options.count.div_ceil(1000) {
        std::fs::create_dir_all(dir.join(format!("{folder:03}")))?;
    }
    let entries = (0..options.count)
        .into_par_iter()
        .map(|i| write_one(dir, i, options))
        .collect::<io::Result<Vec<Entry>>>()?;
    let mut manifest = String::from("file,kind,expected_status,recorded_status\n");
    for e in &entries {
        let _ = writeln!(
            manifest,
            "{},{},{},{}",
            e.file, e.kind, e.expected_status, e.recorded_status
        );
    }
    std::fs::write(dir.join("manifest.csv"), manifest)?;
    Ok(entries)
}

fn write_one(dir: &Path, i: usize, options: &CorpusOptions) -> io::Result<Entry> {
    let folder = format!("{:03}", i / 1000);
    let sub: PathBuf = dir.join(&folder);
    let file = format!("{folder}/{i:07}.zip");
    if options
        .broken_every
        .is_some_and(|n| n > 0 && i % n == n - 1)
    {
        let bytes = if i.is_multiple_of(2) {
            let mut z = case(i, options).0.to_zip();
            z.truncate(z.len() / 2);
            z
        } else {
            b"not a zip archive at all".to_vec()
        };
        std::fs::write(dir.join(&file), bytes)?;
        return Ok(Entry {
            file,
            kind: "broken",
            expected_status: "error",
            recorded_status: String::new(),
        });
    }
    let (c, kind, expected) = case(i, options);
    c.write_to(&sub)?;
    let recorded = if c.process == ProcessPlacement::None && c.dialect == Dialect::Assure {
        String::new()
    } else {
        c.status.clone()
    };
    Ok(Entry {
        file,
        kind,
        expected_status: expected,
        recorded_status: recorded,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Cursor;

    /// Each member's name and whether it is stored, and whether the OCR is native.
    fn shape(c: &Case) -> (Vec<(String, bool)>, bool) {
        let mut zip = zip::ZipArchive::new(Cursor::new(c.to_zip())).unwrap();
        let members = (0..zip.len())
            .map(|i| {
                let m = zip.by_index(i).unwrap();
                (
                    m.name().unwrap().into_owned(),
                    m.compression() == zip::CompressionMethod::Stored,
                )
            })
            .collect();
        (members, c.dialect == Dialect::Native)
    }

    #[test]
    fn each_layout_compresses_and_mixes_as_it_says() {
        let options = |layout| CorpusOptions {
            count: 40,
            seed: 3,
            realistic: false,
            broken_every: None,
            layout,
        };
        for layout in Layout::ALL {
            assert_eq!(Layout::parse(layout.name()), Some(layout));
            let mut native = 0;
            for i in 0..40 {
                let (members, is_native) = shape(&case(i, &options(layout)).0);
                native += usize::from(is_native);
                for (name, stored) in members {
                    let image = name.ends_with(".jpeg") || name.ends_with(".png");
                    assert_eq!(stored, image && layout == Layout::Stored, "{name}");
                }
            }
            if layout == Layout::Native {
                assert!(native >= 20, "{native} of 40");
            } else {
                assert!(native < 10, "{native} of 40");
            }
        }
    }
}
