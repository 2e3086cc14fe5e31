//! Walking one scan's entropy-coded data: every block's symbols are read and
//! the bits of its coefficients skipped (no coefficient is kept, nothing is
//! dequantised or transformed), to count the blocks the data actually codes.
//!
//! Time is linear in the data: a block costs at least one bit, except in an
//! end-of-band run, which is passed in one step (or, when refining, one step
//! per block the run holds a coefficient of, which earlier data coded).

use super::bits::{Bits, Huffman, Stop};
use super::{Frame, Scan};

/// How far one scan's data goes.
pub(super) struct Outcome {
    /// Units (MCUs, or blocks of the scan's one component) fully coded.
    pub(super) covered: u64,
    /// Units the frame calls for.
    pub(super) total: u64,
    /// Why the data stopped short; `None` when it covers every unit.
    pub(super) stop: Option<Stop>,
    /// Where the data ends: the marker after it, or the end of the bytes.
    pub(super) end: usize,
}

/// Which coefficients of which blocks of one component are nonzero so far,
/// as the refinement of a progressive image needs to know: only blocks with
/// one are held, in block order (each costs the data at least two bits, so
/// this is bounded by the data, never by the dimensions the header claims).
#[derive(Default)]
pub(super) struct History {
    old: Vec<(u64, u64)>,
    cursor: usize,
    new: Vec<(u64, u64)>,
}

impl History {
    /// The nonzero mask of `block` (bit k: zigzag coefficient k), carrying
    /// over the blocks passed on the way.
    fn take(&mut self, block: u64) -> u64 {
        while let Some(&(b, m)) = self.old.get(self.cursor) {
            if b > block {
                break;
            }
            self.cursor += 1;
            if b == block {
                return m;
            }
            self.new.push((b, m));
        }
        0
    }

    fn put(&mut self, block: u64, mask: u64) {
        if mask != 0 {
            self.new.push((block, mask));
        }
    }

    /// Passes blocks `from..to` of an end-of-band run of a refinement: each
    /// coefficient of `band` already nonzero gets one correction bit. On the
    /// data running out, the block it ran out in.
    fn pass_run(&mut self, from: u64, to: u64, band: u64, bits: &mut Bits<'_>) -> Result<(), u64> {
        while let Some(&(b, m)) = self.old.get(self.cursor) {
            if b >= to {
                break;
            }
            self.cursor += 1;
            self.new.push((b, m));
            if b >= from {
                bits.skip((m & band).count_ones());
                if bits.overrun() {
                    return Err(b);
                }
            }
        }
        Ok(())
    }

    /// Ends a scan: the blocks not reached are carried over.
    fn finish(&mut self) {
        self.new.extend_from_slice(&self.old[self.cursor..]);
        std::mem::swap(&mut self.old, &mut self.new);
        self.new.clear();
        self.cursor = 0;
    }
}

/// What a scan codes, from its header.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Kind {
    /// Sequential: each block's DC difference and AC coefficients.
    Sequential,
    /// Progressive, first DC scan: each block's DC difference.
    DcFirst,
    /// Progressive, DC refinement: one bit a block.
    DcRefine,
    /// Progressive, first scan of an AC band (one component).
    AcFirst,
    /// Progressive, refinement of an AC band (one component).
    AcRefine,
}

/// The tables a scan component reads with (those its kind needs are there:
/// the caller checked).
pub(super) struct Tables<'t> {
    pub(super) dc: Vec<Option<&'t Huffman>>,
    pub(super) ac: Vec<Option<&'t Huffman>>,
}

struct Walker<'a, 't> {
    bits: Bits<'a>,
    scan: &'t Scan,
    frame: &'t Frame,
    tables: &'t Tables<'t>,
    kind: Kind,
    eobrun: u64,
    /// Bits `ss..=se` of a mask: the scan's band.
    band: u64,
}

/// Walks the data of `scan` from `start` and counts the units it codes.
pub(super) fn walk(
    frame: &Frame,
    scan: &Scan,
    kind: Kind,
    tables: &Tables<'_>,
    data: &[u8],
    start: usize,
    history: &mut History,
) -> Outcome {
    let total = frame.units(scan);
    let restart = u64::from(scan.restart);
    // Sequential scans may write any Ss/Se: the band is used by AC scans only.
    let band = (u64::MAX >> (63 - u32::from(scan.se.min(63)))) & (u64::MAX << scan.ss.min(63));
    let mut w = Walker {
        bits: Bits::new(data, start),
        scan,
        frame,
        tables,
        kind,
        eobrun: 0,
        band,
    };
    let mut done: u64 = 0;
    let mut due: u8 = 0;
    let stop = 'scan: loop {
        if done >= total {
            break None;
        }
        if restart > 0 && done > 0 {
            // Each interval starts afresh after its marker: no run crosses it.
            if let Err(stop) = w.bits.restart(due) {
                break Some(stop);
            }
            due = (due + 1) & 7;
            w.eobrun = 0;
        }
        let end = if restart > 0 {
            total.min(done.saturating_add(restart))
        } else {
            total
        };
        while done < end {
            let step = match kind {
                Kind::AcFirst | Kind::AcRefine if w.eobrun > 0 => {
                    let n = w.eobrun.min(end - done);
                    if kind == Kind::AcRefine
                        && let Err(at) = history.pass_run(done, done + n, band, &mut w.bits)
                    {
                        done = at;
                        break 'scan Some(Stop::DataEnds);
                    }
                    w.eobrun -= n;
                    n
                }
                _ => match w.unit(done, history) {
                    Ok(()) => 1,
                    Err(stop) => break 'scan Some(stop),
                },
            };
            if w.bits.overrun() {
                break 'scan Some(Stop::DataEnds);
            }
            done += step;
        }
    };
    history.finish();
    Outcome {
        covered: done,
        total,
        stop,
        end: w.bits.end(),
    }
}

impl<'t> Walker<'_, 't> {
    /// One unit: an MCU (each scan component's blocks in turn) or, in a
    /// scan of one component, one block.
    fn unit(&mut self, index: u64, history: &mut History) -> Result<(), Stop> {
        let single = self.scan.comps.len() == 1;
        for (i, sc) in self.scan.comps.iter().enumerate() {
            let c = &self.frame.comps[sc.index];
            let blocks = if single {
                1
            } else {
                u32::from(c.h) * u32::from(c.v)
            };
            for _ in 0..blocks {
                match self.kind {
                    Kind::Sequential => self.sequential(i)?,
                    Kind::DcFirst => {
                        let dc = self.dc(i)?;
                        self.bits.symbol_and_bits(dc, u32::from)?;
                    }
                    Kind::DcRefine => self.bits.skip(1),
                    Kind::AcFirst => self.ac_first(index, history)?,
                    Kind::AcRefine => self.ac_refine(index, history)?,
                }
            }
        }
        Ok(())
    }

    fn dc(&self, i: usize) -> Result<&'t Huffman, Stop> {
        self.tables
            .dc
            .get(i)
            .copied()
            .flatten()
            .ok_or(Stop::Invalid)
    }

    fn ac(&self, i: usize) -> Result<&'t Huffman, Stop> {
        self.tables
            .ac
            .get(i)
            .copied()
            .flatten()
            .ok_or(Stop::Invalid)
    }

    /// A sequential block: the DC difference, then AC run/size symbols to the
    /// end of block or the 63rd coefficient. A run past the block ends it, as
    /// lenient decoders take it: coverage, not validity, is the question.
    fn sequential(&mut self, i: usize) -> Result<(), Stop> {
        let dc = self.dc(i)?;
        self.bits.symbol_and_bits(dc, u32::from)?;
        let ac = self.ac(i)?;
        self.bits.sequential_ac(ac)
    }

    /// Reads an end-of-band run's length after its symbol (run class `r`).
    fn eob_run(&mut self, r: u32) -> u64 {
        (1u64 << r) + u64::from(self.bits.read(r))
    }

    /// A block of a first AC scan: run/size symbols over the band, or the
    /// start of an end-of-band run.
    fn ac_first(&mut self, block: u64, history: &mut History) -> Result<(), Stop> {
        let ac = self.ac(0)?;
        let mut mask = history.take(block);
        let mut k = u32::from(self.scan.ss);
        let se = u32::from(self.scan.se);
        while k <= se {
            let rs = self.bits.symbol_and_bits(ac, |rs| u32::from(rs & 15))?;
            let (r, s) = (u32::from(rs >> 4), rs & 15);
            if s != 0 {
                k += r;
                if k <= se {
                    mask |= 1 << k;
                }
                k += 1;
            } else if r == 15 {
                k += 16;
            } else {
                self.eobrun = self.eob_run(r) - 1;
                break;
            }
        }
        history.put(block, mask);
        Ok(())
    }

    /// A block of an AC refinement (as ITU T.81 G.1.2.3 and libjpeg read
    /// it): new coefficients of magnitude one, each with its sign bit, and a
    /// correction bit for every coefficient of the band already nonzero that
    /// is passed on the way.
    fn ac_refine(&mut self, block: u64, history: &mut History) -> Result<(), Stop> {
        let ac = self.ac(0)?;
        let mut mask = history.take(block);
        let mut k = u32::from(self.scan.ss);
        let se = u32::from(self.scan.se);
        while k <= se {
            let rs = self.bits.symbol(ac)?;
            let (mut r, s) = (u32::from(rs >> 4), rs & 15);
            if s != 0 {
                self.bits.skip(1); // the sign of the new coefficient
            } else if r != 15 {
                self.eobrun = self.eob_run(r);
                break;
            }
            // Nonzero coefficients passed get a correction bit; zero ones
            // count the run down to the new coefficient's place.
            while k <= se {
                if mask & (1 << k) != 0 {
                    self.bits.skip(1);
                } else if r == 0 {
                    break;
                } else {
                    r -= 1;
                }
                k += 1;
            }
            if s != 0 && k <= se {
                mask |= 1 << k;
            }
            k += 1;
        }
        if self.eobrun > 0 {
            // This block ends the band in the run: its remaining nonzero
            // coefficients get their correction bits.
            let rest = if k > 63 {
                0
            } else {
                self.band & (u64::MAX << k)
            };
            self.bits.skip((mask & rest).count_ones());
            self.eobrun -= 1;
        }
        history.put(block, mask);
        Ok(())
    }
}
