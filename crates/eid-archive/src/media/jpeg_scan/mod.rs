//! Does a JPEG's entropy-coded data cover its frame? Decoders are lenient:
//! a scan cut short (cut in half and given an end-of-image marker) or a
//! frame header that claims more rows than the scan codes decodes "cleanly",
//! the missing blocks filled with grey or with what the decoder read past
//! the data, and crops cut from it are garbage.
//!
//! The check reads the markers of the whole image (frame, Huffman tables,
//! restart interval, scans) and walks each scan's data with the scan's
//! Huffman tables, counting the blocks actually coded (see `walk`). For
//! Huffman-coded baseline, extended and progressive images (SOF0, SOF1,
//! SOF2: all the decoder reads) it tells:
//!
//! - every scan codes every MCU (or, in a scan of one component, every block
//!   of that component) the frame calls for, its restart markers in
//!   sequence;
//! - sequential: every component of the frame is in a scan;
//! - progressive: every coefficient of every component is coded by a first
//!   scan and refined down to its last bit (the scans do not stop early).
//!
//! What it does not tell: whether the coded values are right (bits flipped
//! inside the data, or data from another image, still cover the frame).
//! Any other coding (arithmetic, lossless, hierarchical) or a frame whose
//! height comes later (DNL) is not checked, and is said so.
//!
//! Memory is a few tables, plus, for progressive images, the blocks whose
//! coefficients are nonzero (bounded by the data, not the header); time is
//! linear in the data.

use bits::{Huffman, Stop};
use walk::{History, Kind, Tables};

mod bits;
mod walk;

#[cfg(test)]
mod tests;

/// What the walk found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Coverage {
    /// The scans code every block of the frame.
    Complete,
    /// They do not: what is missing, in words for a finding.
    Incomplete(String),
    /// The image is coded in a way the walk does not read: why, in words.
    NotChecked(String),
}

/// One component of the frame, with its block grid when coded alone.
pub(super) struct Component {
    id: u8,
    h: u8,
    v: u8,
    blocks_w: u64,
    blocks_h: u64,
}

/// The frame header: size, components, their sampling, and the MCU grid.
pub(super) struct Frame {
    height: u32,
    progressive: bool,
    comps: Vec<Component>,
    vmax: u8,
    mcus_w: u64,
    mcus_h: u64,
}

/// A component of a scan: its index in the frame, its table numbers.
pub(super) struct ScanComponent {
    index: usize,
    dc: usize,
    ac: usize,
}

/// A scan header.
pub(super) struct Scan {
    comps: Vec<ScanComponent>,
    /// The restart interval in force (DRI), in units; 0: none.
    restart: u16,
    ss: u8,
    se: u8,
    ah: u8,
    al: u8,
}

impl Frame {
    fn parse(body: &[u8], progressive: bool) -> Result<Frame, String> {
        let bad = || "the frame header is malformed".to_owned();
        let head = body.get(..6).ok_or_else(bad)?;
        let height = u32::from(u16::from_be_bytes([head[1], head[2]]));
        let width = u32::from(u16::from_be_bytes([head[3], head[4]]));
        let n = usize::from(head[5]);
        if height == 0 {
            return Err("the frame's height is given after the scan (DNL)".into());
        }
        if width == 0 || !(1..=4).contains(&n) {
            return Err(bad());
        }
        let specs = body.get(6..6 + 3 * n).ok_or_else(bad)?;
        let mut comps = Vec::with_capacity(n);
        for s in specs.chunks_exact(3) {
            let (h, v) = (s[1] >> 4, s[1] & 15);
            if !(1..=4).contains(&h) || !(1..=4).contains(&v) {
                return Err(bad());
            }
            comps.push(Component {
                id: s[0],
                h,
                v,
                blocks_w: 0,
                blocks_h: 0,
            });
        }
        let hmax = comps.iter().map(|c| c.h).max().unwrap_or(1);
        let vmax = comps.iter().map(|c| c.v).max().unwrap_or(1);
        for c in &mut comps {
            // ITU T.81 A.1.1: a component's size is the image's scaled by its
            // sampling, rounded up; a block is 8×8 of those samples.
            let w = (u64::from(width) * u64::from(c.h)).div_ceil(u64::from(hmax));
            let h = (u64::from(height) * u64::from(c.v)).div_ceil(u64::from(vmax));
            c.blocks_w = w.div_ceil(8);
            c.blocks_h = h.div_ceil(8);
        }
        Ok(Frame {
            height,
            progressive,
            comps,
            vmax,
            mcus_w: u64::from(width).div_ceil(8 * u64::from(hmax)),
            mcus_h: u64::from(height).div_ceil(8 * u64::from(vmax)),
        })
    }

    /// The scan's units and how many make a row: blocks of its component
    /// when it has one, else MCUs.
    fn grid(&self, scan: &Scan) -> (u64, u64) {
        match scan.comps.as_slice() {
            [one] => {
                let c = &self.comps[one.index];
                (c.blocks_w, c.blocks_h)
            }
            _ => (self.mcus_w, self.mcus_h),
        }
    }

    fn units(&self, scan: &Scan) -> u64 {
        let (w, h) = self.grid(scan);
        w * h
    }

    /// Image rows (pixels) that `units` whole units cover, from the top.
    fn rows(&self, scan: &Scan, units: u64) -> u64 {
        let (w, _) = self.grid(scan);
        let unit_rows = units / w.max(1);
        let px = match scan.comps.as_slice() {
            [one] => unit_rows * 8 * u64::from(self.vmax) / u64::from(self.comps[one.index].v),
            _ => unit_rows * 8 * u64::from(self.vmax),
        };
        px.min(u64::from(self.height))
    }
}

impl Scan {
    fn parse(body: &[u8], frame: &Frame, restart: u16) -> Result<Scan, String> {
        let bad = || "a scan header is malformed".to_owned();
        let n = usize::from(*body.first().ok_or_else(bad)?);
        if !(1..=4).contains(&n) {
            return Err(bad());
        }
        let specs = body.get(1..1 + 2 * n).ok_or_else(bad)?;
        let tail = body.get(1 + 2 * n..4 + 2 * n).ok_or_else(bad)?;
        let mut comps = Vec::with_capacity(n);
        for s in specs.chunks_exact(2) {
            let index = frame
                .comps
                .iter()
                .position(|c| c.id == s[0])
                .ok_or_else(|| "a scan names a component the frame has not".to_owned())?;
            let (dc, ac) = (usize::from(s[1] >> 4), usize::from(s[1] & 15));
            if dc > 3 || ac > 3 {
                return Err(bad());
            }
            comps.push(ScanComponent { index, dc, ac });
        }
        Ok(Scan {
            comps,
            restart,
            ss: tail[0],
            se: tail[1],
            ah: tail[2] >> 4,
            al: tail[2] & 15,
        })
    }

    /// What the scan codes; an error for parameters no decoder takes.
    fn kind(&self, progressive: bool) -> Result<Kind, String> {
        if !progressive {
            return Ok(Kind::Sequential);
        }
        let bad = || "a progressive scan's parameters are invalid".to_owned();
        if self.ah > 13 || self.al > 13 {
            return Err(bad());
        }
        match (self.ss, self.ah) {
            (0, _) if self.se != 0 => Err(bad()),
            (0, 0) => Ok(Kind::DcFirst),
            (0, _) => Ok(Kind::DcRefine),
            _ if self.se < self.ss || self.se > 63 || self.comps.len() != 1 => Err(bad()),
            (_, 0) => Ok(Kind::AcFirst),
            _ => Ok(Kind::AcRefine),
        }
    }
}

/// The Huffman tables defined so far: DC 0–3, AC 0–3.
#[derive(Default)]
struct Huffmans {
    dc: [Option<Huffman>; 4],
    ac: [Option<Huffman>; 4],
}

impl Huffmans {
    fn define(&mut self, mut body: &[u8]) -> Result<(), String> {
        let bad = || "a Huffman table (DHT) is malformed".to_owned();
        while let Some((&class_id, rest)) = body.split_first() {
            let counts: &[u8; 16] = rest
                .get(..16)
                .and_then(|c| c.try_into().ok())
                .ok_or_else(bad)?;
            let n: usize = counts.iter().map(|c| usize::from(*c)).sum();
            let symbols = rest.get(16..16 + n).ok_or_else(bad)?;
            let table = Huffman::new(counts, symbols).ok_or_else(bad)?;
            let slot = match (class_id >> 4, usize::from(class_id & 15)) {
                (0, id @ 0..=3) => &mut self.dc[id],
                (1, id @ 0..=3) => &mut self.ac[id],
                _ => return Err(bad()),
            };
            *slot = Some(table);
            body = &rest[16 + n..];
        }
        Ok(())
    }

    /// The tables `scan` reads with, each there if its kind needs it.
    fn for_scan(&self, scan: &Scan, kind: Kind) -> Result<Tables<'_>, String> {
        let needs_dc = matches!(kind, Kind::Sequential | Kind::DcFirst);
        let needs_ac = matches!(kind, Kind::Sequential | Kind::AcFirst | Kind::AcRefine);
        let mut t = Tables {
            dc: Vec::with_capacity(scan.comps.len()),
            ac: Vec::with_capacity(scan.comps.len()),
        };
        for c in &scan.comps {
            let dc = self.dc[c.dc].as_ref();
            let ac = self.ac[c.ac].as_ref();
            if (needs_dc && dc.is_none()) || (needs_ac && ac.is_none()) {
                return Err("a scan uses a Huffman table never defined".into());
            }
            t.dc.push(dc);
            t.ac.push(ac);
        }
        Ok(t)
    }
}

/// Walks every scan of the JPEG `b` (from its start-of-image marker) and
/// says whether their data covers the frame.
pub(crate) fn scan_coverage(b: &[u8]) -> Coverage {
    match check(b) {
        Ok(c) => c,
        Err(why) => Coverage::NotChecked(why),
    }
}

/// Per component of a progressive frame, per coefficient (zigzag order):
/// the lowest bit coded so far, `None` before its first scan.
type Precision = [Option<u8>; 64];

fn check(b: &[u8]) -> Result<Coverage, String> {
    let mut frame: Option<Frame> = None;
    let mut tables = Huffmans::default();
    let mut restart: u16 = 0;
    let mut scans = 0u32;
    let mut in_scan: Vec<bool> = Vec::new();
    let mut precision: Vec<Precision> = Vec::new();
    let mut histories: Vec<History> = Vec::new();
    let mut i = 2; // after SOI
    while i + 1 < b.len() {
        if b[i] != 0xFF {
            i += 1; // stray bytes between segments: decoders skip them too
            continue;
        }
        let marker = b[i + 1];
        match marker {
            0xFF => {
                i += 1; // fill byte
                continue;
            }
            0x00 | 0x01 | 0xD0..=0xD7 => {
                i += 2; // no length
                continue;
            }
            0xD8 | 0xD9 => break, // another image, or the end of this one
            _ => {}
        }
        let Some(len) = b
            .get(i + 2..i + 4)
            .map(|l| usize::from(u16::from_be_bytes([l[0], l[1]])))
        else {
            break;
        };
        let Some(body) = b.get(i + 4..i + 2 + len.max(2)) else {
            break; // the data ends inside the segment
        };
        i += 2 + len.max(2);
        match marker {
            0xC0..=0xC2 if frame.is_some() => return Err("the image has two frame headers".into()),
            0xC0..=0xC2 => {
                let f = Frame::parse(body, marker == 0xC2)?;
                in_scan = vec![false; f.comps.len()];
                precision = vec![[None; 64]; f.comps.len()];
                histories = f.comps.iter().map(|_| History::default()).collect();
                frame = Some(f);
            }
            0xC3 | 0xC5..=0xC7 => return Err(format!("{} coding is not read", coding(marker))),
            0xC9..=0xCF => {
                return Err("arithmetic coding is not read".into());
            }
            0xC4 => tables.define(body)?,
            0xDD => {
                let r = body
                    .get(..2)
                    .ok_or("the restart interval (DRI) is malformed")?;
                restart = u16::from_be_bytes([r[0], r[1]]);
            }
            0xDC => return Err("the frame's height is given after the scan (DNL)".into()),
            0xDA => {
                let f = frame
                    .as_ref()
                    .ok_or("a scan comes before the frame header")?;
                let scan = Scan::parse(body, f, restart)?;
                let kind = scan.kind(f.progressive)?;
                let t = tables.for_scan(&scan, kind)?;
                let mut spare = History::default();
                let history = match kind {
                    Kind::AcFirst | Kind::AcRefine => &mut histories[scan.comps[0].index],
                    _ => &mut spare,
                };
                let out = walk::walk(f, &scan, kind, &t, b, i, history);
                scans += 1;
                if out.stop.is_some() {
                    return Ok(Coverage::Incomplete(short(f, &scan, scans, &out)));
                }
                for c in &scan.comps {
                    in_scan[c.index] = true;
                    let band = precision[c.index]
                        .iter_mut()
                        .take(usize::from(scan.se) + 1)
                        .skip(usize::from(scan.ss));
                    for k in band {
                        // A refinement lowers what a first scan coded; one of
                        // coefficients never coded leaves them uncoded.
                        if scan.ah == 0 || k.is_some() {
                            *k = Some(scan.al);
                        }
                    }
                }
                i = out.end;
            }
            _ => {} // tables, comments, application data
        }
    }
    let Some(f) = frame else {
        return Err("no frame header".into());
    };
    if scans == 0 {
        return Ok(Coverage::Incomplete(
            "no scan: the image codes no block".into(),
        ));
    }
    for (c, seen) in f.comps.iter().zip(&in_scan) {
        if !seen {
            return Ok(Coverage::Incomplete(format!(
                "component {} is in no scan",
                c.id
            )));
        }
    }
    if f.progressive {
        for (c, p) in f.comps.iter().zip(&precision) {
            if let Some(missing) = unfinished(p) {
                return Ok(Coverage::Incomplete(format!(
                    "the scans end before component {}'s coefficients {missing}",
                    c.id
                )));
            }
        }
    }
    Ok(Coverage::Complete)
}

/// The first coefficients of a progressive component left uncoded or not
/// refined to their last bit, in words.
fn unfinished(p: &Precision) -> Option<String> {
    let first = p.iter().position(|k| *k != Some(0))?;
    let what = p[first];
    let last = first + p[first..].iter().take_while(|k| **k == what).count() - 1;
    let range = if first == last {
        format!("{first}")
    } else {
        format!("{first}–{last}")
    };
    Some(match what {
        None => format!("{range} are coded"),
        Some(bit) => format!("{range} are refined (their bits below {bit} are missing)"),
    })
}

fn coding(marker: u8) -> &'static str {
    match marker {
        0xC3 => "lossless",
        _ => "hierarchical (differential)",
    }
}

/// The words of a finding for a scan whose data stops short.
fn short(f: &Frame, scan: &Scan, n: u32, out: &walk::Outcome) -> String {
    let units = match scan.comps.as_slice() {
        [one] if f.comps.len() > 1 => format!("blocks of component {}", f.comps[one.index].id),
        _ => "MCUs".to_owned(),
    };
    let band = if f.progressive {
        format!(" (coefficients {}–{})", scan.ss, scan.se)
    } else {
        String::new()
    };
    let rows = f.rows(scan, out.covered);
    let rows = if rows == 0 {
        format!("no whole row of {}", grouped(u64::from(f.height)))
    } else {
        format!(
            "rows 0–{} of {}",
            grouped(rows - 1),
            grouped(u64::from(f.height))
        )
    };
    let why = match out.stop {
        Some(Stop::RestartOutOfOrder { found, due }) => {
            format!("restart marker {found} comes where {due} is due")
        }
        Some(Stop::Invalid) => "the data is no Huffman code there".to_owned(),
        _ => "the data ends".to_owned(),
    };
    format!(
        "scan {n}{band} covers {} of {} {units} ({rows}): {why}",
        grouped(out.covered),
        grouped(out.total)
    )
}

/// A count with thousands separators: 12,345.
fn grouped(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, d) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(d);
    }
    out
}
