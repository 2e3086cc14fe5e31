//! The entropy-coded data of one scan read bit by bit, and the Huffman
//! tables that read its symbols. Nothing here allocates beyond a table of a
//! few hundred bytes, and every read is bounded by the data.

/// A Huffman table of a DHT segment, with a lookup for codes of up to
/// [`LOOKUP_BITS`] bits (nearly all of them) and the canonical limits for the
/// longer ones.
#[derive(Clone)]
pub(super) struct Huffman {
    /// For each value of the next `LOOKUP_BITS` bits: code length << 8 | symbol,
    /// or 0 when the code is longer (or no code starts so).
    lookup: Box<[u16; 1 << LOOKUP_BITS]>,
    /// For each length: the largest code of that length + 1 (0: none).
    max_code: [u32; 17],
    /// For each length: the index in `symbols` of its first code, minus that code.
    offset: [i32; 17],
    symbols: Vec<u8>,
}

const LOOKUP_BITS: u32 = 9;

impl Huffman {
    /// Builds a table from a DHT's code counts (`counts[l]`: codes of length
    /// `l + 1`) and symbols. `None` when the counts overflow the code space
    /// or the symbols are fewer than counted.
    pub(super) fn new(counts: &[u8; 16], symbols: &[u8]) -> Option<Huffman> {
        let total: usize = counts.iter().map(|c| usize::from(*c)).sum();
        if total > 256 || symbols.len() < total {
            return None;
        }
        let mut lookup = Box::new([0u16; 1 << LOOKUP_BITS]);
        let mut max_code = [0u32; 17];
        let mut offset = [0i32; 17];
        let mut code: u32 = 0;
        let mut k: usize = 0;
        for len in 1..=16u32 {
            let n = u32::from(counts[len as usize - 1]);
            offset[len as usize] = k as i32 - code as i32;
            for _ in 0..n {
                if code >= 1 << len {
                    return None; // more codes than this length holds
                }
                if len <= LOOKUP_BITS {
                    let shift = LOOKUP_BITS - len;
                    let first = (code << shift) as usize;
                    let entry = (len as u16) << 8 | u16::from(symbols[k]);
                    for slot in &mut lookup[first..first + (1 << shift)] {
                        *slot = entry;
                    }
                }
                code += 1;
                k += 1;
            }
            // A length without codes matches nothing.
            max_code[len as usize] = if n == 0 { 0 } else { code };
            code <<= 1;
        }
        Some(Huffman {
            lookup,
            max_code,
            offset,
            symbols: symbols[..total].to_vec(),
        })
    }
}

/// Drops `len` bits from the front of `acc`, which holds `n` bits of which
/// the first `real` came from the data; true when some of those dropped did
/// not (they were supplied past the end). The one rule for the reader's
/// state, whether it sits in [`Bits`] or in a loop's registers.
fn drop_bits(acc: &mut u64, n: &mut u32, real: &mut u32, len: u32) -> bool {
    *acc <<= len;
    *n -= len;
    let overran = len > *real;
    *real = real.saturating_sub(len);
    overran
}

/// Why a scan's data stopped before its blocks were all coded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Stop {
    /// The data ends: a marker (not the restart marker due), or the end of the bytes.
    DataEnds,
    /// The bits are not a code of the table, or a block's coefficients overrun it.
    Invalid,
    /// A restart marker with another number than the one due.
    RestartOutOfOrder { found: u8, due: u8 },
}

/// Reads the bits of the entropy-coded data that starts at `pos`: stuffed
/// bytes (FF 00) are data, any other FF xx is a marker where the data ends.
/// Past the end, one bits are supplied (as decoders do) and the read is
/// marked as overrun: whatever used them was not in the data.
pub(super) struct Bits<'a> {
    data: &'a [u8],
    pos: usize,
    /// The next bits, most significant first.
    acc: u64,
    /// Bits in `acc`.
    n: u32,
    /// Bits in `acc` that came from the data (the rest are supplied ones).
    real: u32,
    /// Where the marker that ends the data sits, once met.
    marker: Option<usize>,
    overrun: bool,
    /// Tests read with the byte-at-a-time refill alone, as a reference.
    #[cfg(test)]
    bytewise: bool,
}

impl<'a> Bits<'a> {
    pub(super) fn new(data: &'a [u8], pos: usize) -> Bits<'a> {
        Bits {
            data,
            pos,
            acc: 0,
            n: 0,
            real: 0,
            marker: None,
            overrun: false,
            #[cfg(test)]
            bytewise: false,
        }
    }

    /// The same reader, refilled a byte at a time: the reference the word
    /// refill is tested against.
    #[cfg(test)]
    pub(super) fn bytewise(mut self) -> Self {
        self.bytewise = true;
        self
    }

    /// True once a read went past the data.
    pub(super) fn overrun(&self) -> bool {
        self.overrun
    }

    fn refill(&mut self) {
        // Most of the data has no FF byte: as many whole bytes as fit at
        // once, from one big-endian word when eight bytes are left.
        #[cfg(test)]
        if self.bytewise {
            return self.refill_bytewise();
        }
        if self.marker.is_none()
            && let Some(word) = self.data.get(self.pos..).and_then(<[u8]>::first_chunk)
        {
            let word = u64::from_be_bytes(*word);
            let room = (64 - self.n) / 8;
            // The bytes that are FF are the zero bytes of !word (a borrow may
            // flag one more byte after a real one: that only costs the slow way).
            let ff = (!word).wrapping_sub(0x0101_0101_0101_0101) & word & 0x8080_8080_8080_8080;
            if room > 0 && ff >> (64 - 8 * room) == 0 {
                self.acc |= (word >> (64 - 8 * room)) << (64 - self.n - 8 * room);
                self.n += 8 * room;
                self.pos += room as usize;
                self.real += 8 * room;
                return;
            }
        }
        self.refill_bytewise();
    }

    #[cold]
    fn refill_bytewise(&mut self) {
        if self.marker.is_none() {
            let room = ((64 - self.n) / 8) as usize;
            if let Some(chunk) = self.data.get(self.pos..self.pos + room)
                && !chunk.contains(&0xFF)
            {
                for &b in chunk {
                    self.acc |= u64::from(b) << (56 - self.n);
                    self.n += 8;
                }
                self.pos += room;
                self.real += 8 * room as u32;
                return;
            }
        }
        while self.n <= 56 {
            let byte = if self.marker.is_some() {
                0xFF
            } else {
                match self.data.get(self.pos) {
                    Some(0xFF) if self.data.get(self.pos + 1) == Some(&0x00) => {
                        self.pos += 2;
                        self.real += 8;
                        0xFF
                    }
                    Some(0xFF) | None => {
                        self.marker = Some(self.pos);
                        0xFF
                    }
                    Some(b) => {
                        self.pos += 1;
                        self.real += 8;
                        *b
                    }
                }
            };
            self.acc |= u64::from(byte) << (56 - self.n);
            self.n += 8;
        }
    }

    fn consume(&mut self, len: u32) {
        if drop_bits(&mut self.acc, &mut self.n, &mut self.real, len) {
            self.overrun = true;
        }
    }

    /// Skips `len` bits (any number: values are never needed).
    pub(super) fn skip(&mut self, mut len: u32) {
        while len > 0 {
            if self.n < 32 {
                self.refill();
            }
            let step = len.min(32);
            self.consume(step);
            len -= step;
        }
    }

    /// Reads `len` bits (at most 16) as a number.
    pub(super) fn read(&mut self, len: u32) -> u32 {
        if len == 0 {
            return 0;
        }
        if self.n < 16 {
            self.refill();
        }
        let v = (self.acc >> (64 - len)) as u32;
        self.consume(len);
        v
    }

    /// Reads one symbol of `table` and skips the `extra(symbol)` bits that
    /// follow it (at most 16): a coefficient's value, never needed.
    pub(super) fn symbol_and_bits(
        &mut self,
        table: &Huffman,
        extra: impl Fn(u8) -> u32,
    ) -> Result<u8, Stop> {
        if self.n < 32 {
            self.refill();
        }
        let entry = table.lookup[(self.acc >> (64 - LOOKUP_BITS)) as usize];
        if entry != 0 {
            // One step for the code and its value bits: the common case.
            let sym = entry as u8;
            self.consume(u32::from(entry >> 8) + extra(sym).min(16));
            return Ok(sym);
        }
        let sym = self.symbol(table)?;
        self.skip(extra(sym).min(16));
        Ok(sym)
    }

    /// The AC coefficients of one block of a sequential scan: run/size
    /// symbols to the end of block or the 63rd coefficient (a run past the
    /// block ends it). The same reads as [`Bits::symbol_and_bits`] symbol by
    /// symbol, with the reader's state kept in registers between refills:
    /// this loop is most of the time a crop takes beyond the decoder's own.
    pub(super) fn sequential_ac(&mut self, ac: &Huffman) -> Result<(), Stop> {
        let (mut acc, mut n, mut real) = (self.acc, self.n, self.real);
        let mut k = 1u32;
        while k < 64 {
            let entry = if n < 32 {
                0 // refill, the slow way below
            } else {
                ac.lookup[(acc >> (64 - LOOKUP_BITS)) as usize]
            };
            let rs = if entry != 0 {
                let rs = entry as u8;
                let len = u32::from(entry >> 8) + u32::from(rs & 15);
                if drop_bits(&mut acc, &mut n, &mut real, len) {
                    self.overrun = true;
                }
                rs
            } else {
                (self.acc, self.n, self.real) = (acc, n, real);
                let rs = self.symbol_and_bits(ac, |rs| u32::from(rs & 15))?;
                (acc, n, real) = (self.acc, self.n, self.real);
                rs
            };
            let (r, s) = (u32::from(rs >> 4), rs & 15);
            if s == 0 {
                if r != 15 {
                    break; // end of block
                }
                k += 16;
            } else {
                k += r + 1;
            }
        }
        (self.acc, self.n, self.real) = (acc, n, real);
        Ok(())
    }

    /// Reads one symbol of `table`.
    pub(super) fn symbol(&mut self, table: &Huffman) -> Result<u8, Stop> {
        if self.n < 16 {
            self.refill();
        }
        let peek = (self.acc >> (64 - LOOKUP_BITS)) as usize;
        let entry = table.lookup[peek];
        if entry != 0 {
            self.consume(u32::from(entry >> 8));
            return Ok(entry as u8);
        }
        let bits16 = (self.acc >> 48) as u32;
        for len in LOOKUP_BITS + 1..=16 {
            let code = bits16 >> (16 - len);
            if code < table.max_code[len as usize] {
                let at = table.offset[len as usize] + code as i32;
                let sym = usize::try_from(at)
                    .ok()
                    .and_then(|i| table.symbols.get(i))
                    .copied();
                if let Some(sym) = sym {
                    self.consume(len);
                    return Ok(sym);
                }
                break;
            }
        }
        // Ones past the data are no code: the data ended, it is not invalid.
        if self.real < 16 && self.marker.is_some() {
            self.overrun = true;
            return Err(Stop::DataEnds);
        }
        Err(Stop::Invalid)
    }

    /// Where the data ends: the marker after the bits read so far (after any
    /// fill bytes), or the end of the bytes. Bits not yet read are passed over.
    pub(super) fn end(&mut self) -> usize {
        let mut p = match self.marker {
            Some(p) => p,
            None => {
                let mut p = self.pos;
                while p < self.data.len() {
                    if self.data[p] == 0xFF && self.data.get(p + 1) != Some(&0x00) {
                        break;
                    }
                    p += if self.data[p] == 0xFF { 2 } else { 1 };
                }
                p.min(self.data.len())
            }
        };
        // FF FF D0: fill bytes before the marker.
        while p + 1 < self.data.len() && self.data[p + 1] == 0xFF {
            p += 1;
        }
        p
    }

    /// At a restart point: the next marker must be restart marker `due`
    /// (0–7); the read then starts afresh after it. Bytes before it beyond
    /// the fill bits of the byte begun are passed over, as decoders
    /// resynchronise there: they hide no block.
    pub(super) fn restart(&mut self, due: u8) -> Result<(), Stop> {
        let p = self.end();
        match self.data.get(p + 1) {
            Some(m @ 0xD0..=0xD7) if *m == 0xD0 + due => {
                let fresh = Bits::new(self.data, p + 2);
                #[cfg(test)]
                let fresh = Bits {
                    bytewise: self.bytewise,
                    ..fresh
                };
                *self = fresh;
                Ok(())
            }
            Some(m @ 0xD0..=0xD7) => Err(Stop::RestartOutOfOrder {
                found: m - 0xD0,
                due,
            }),
            _ => Err(Stop::DataEnds),
        }
    }
}
