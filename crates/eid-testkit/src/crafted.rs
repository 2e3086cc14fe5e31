//! Zips assembled byte by byte, for headers no zip writer writes: an extra
//! field that renames a member, a data descriptor that lies, a compression
//! method the reader lacks, a zip64 record that points nowhere.
//!
//! Members are stored (method 0) unless they say otherwise; every field not
//! named here is fixed (1980-01-01 00:00, version 2.0, no attributes), so the
//! same members always give the same bytes.

/// The data-descriptor flag (general purpose bit 3).
pub const FLAG_DESCRIPTOR: u16 = 1 << 3;
/// The encryption flag (general purpose bit 0).
pub const FLAG_ENCRYPTED: u16 = 1;

/// CRC-32 (IEEE), as zip headers carry it.
pub fn crc32(bytes: &[u8]) -> u32 {
    let mut c = 0xFFFF_FFFFu32;
    for b in bytes {
        c ^= u32::from(*b);
        for _ in 0..8 {
            c = if c & 1 != 0 {
                0xEDB8_8320 ^ (c >> 1)
            } else {
                c >> 1
            };
        }
    }
    !c
}

/// A data descriptor written after a member's data, with its signature.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Descriptor {
    /// CRC-32.
    pub crc32: u32,
    /// Compressed size.
    pub compressed_size: u32,
    /// Uncompressed size.
    pub size: u32,
}

/// One member as it is written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RawMember {
    /// The name in both headers.
    pub name: Vec<u8>,
    /// The bytes as stored (already compressed, if `method` says so).
    pub data: Vec<u8>,
    /// Compression method.
    pub method: u16,
    /// General purpose flags.
    pub flags: u16,
    /// CRC-32 in the central directory (and the local header, without a descriptor).
    pub crc32: u32,
    /// Uncompressed size in the headers.
    pub size: u32,
    /// Extra fields, in both headers.
    pub extra: Vec<u8>,
    /// With `Some`, the data-descriptor flag is set, the local header's CRC
    /// and sizes are zero, and this descriptor follows the data.
    pub descriptor: Option<Descriptor>,
}

impl RawMember {
    /// A stored member whose headers tell the truth.
    pub fn stored(name: impl Into<Vec<u8>>, data: impl Into<Vec<u8>>) -> Self {
        let data = data.into();
        RawMember {
            name: name.into(),
            crc32: crc32(&data),
            size: data.len() as u32,
            data,
            method: 0,
            flags: 0,
            extra: Vec::new(),
            descriptor: None,
        }
    }

    /// This member streamed: its CRC and sizes follow the data in a descriptor.
    pub fn streamed(mut self) -> Self {
        self.descriptor = Some(Descriptor {
            crc32: self.crc32,
            compressed_size: self.data.len() as u32,
            size: self.size,
        });
        self
    }

    /// This member with one more extra field.
    pub fn with_extra(mut self, id: u16, body: &[u8]) -> Self {
        self.extra.extend_from_slice(&id.to_le_bytes());
        self.extra
            .extend_from_slice(&(body.len() as u16).to_le_bytes());
        self.extra.extend_from_slice(body);
        self
    }

    fn flags(&self) -> u16 {
        if self.descriptor.is_some() {
            self.flags | FLAG_DESCRIPTOR
        } else {
            self.flags
        }
    }

    /// `version, flags, method, time, date, crc, compressed size, size` as the
    /// local (`local = true`) or the central header has them.
    fn common(&self, local: bool) -> Vec<u8> {
        let streamed_local = local && self.descriptor.is_some();
        let (crc, csize, size) = if streamed_local {
            (0, 0, 0)
        } else {
            (self.crc32, self.data.len() as u32, self.size)
        };
        let mut h = Vec::with_capacity(26);
        h.extend_from_slice(&20u16.to_le_bytes());
        h.extend_from_slice(&self.flags().to_le_bytes());
        h.extend_from_slice(&self.method.to_le_bytes());
        h.extend_from_slice(&0u16.to_le_bytes());
        h.extend_from_slice(&0x21u16.to_le_bytes());
        h.extend_from_slice(&crc.to_le_bytes());
        h.extend_from_slice(&csize.to_le_bytes());
        h.extend_from_slice(&size.to_le_bytes());
        h.extend_from_slice(&(self.name.len() as u16).to_le_bytes());
        h.extend_from_slice(&(self.extra.len() as u16).to_le_bytes());
        h
    }
}

/// The zip of `members` with an archive comment: local headers and data in
/// order, then the central directory and the end record.
pub fn assemble(members: &[RawMember], comment: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    let mut offsets = Vec::with_capacity(members.len());
    for m in members {
        offsets.push(out.len() as u32);
        out.extend_from_slice(b"PK\x03\x04");
        out.extend_from_slice(&m.common(true));
        out.extend_from_slice(&m.name);
        out.extend_from_slice(&m.extra);
        out.extend_from_slice(&m.data);
        if let Some(d) = m.descriptor {
            out.extend_from_slice(b"PK\x07\x08");
            out.extend_from_slice(&d.crc32.to_le_bytes());
            out.extend_from_slice(&d.compressed_size.to_le_bytes());
            out.extend_from_slice(&d.size.to_le_bytes());
        }
    }
    let cd_start = out.len() as u32;
    for (m, offset) in members.iter().zip(offsets) {
        out.extend_from_slice(b"PK\x01\x02");
        out.extend_from_slice(&20u16.to_le_bytes());
        out.extend_from_slice(&m.common(false));
        // comment length, disk, internal and external attributes
        out.extend_from_slice(&[0u8; 10]);
        out.extend_from_slice(&offset.to_le_bytes());
        out.extend_from_slice(&m.name);
        out.extend_from_slice(&m.extra);
    }
    let cd_size = out.len() as u32 - cd_start;
    out.extend_from_slice(b"PK\x05\x06");
    out.extend_from_slice(&[0u8; 4]);
    out.extend_from_slice(&(members.len() as u16).to_le_bytes());
    out.extend_from_slice(&(members.len() as u16).to_le_bytes());
    out.extend_from_slice(&cd_size.to_le_bytes());
    out.extend_from_slice(&cd_start.to_le_bytes());
    out.extend_from_slice(&(comment.len() as u16).to_le_bytes());
    out.extend_from_slice(comment);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn crc32_is_the_zip_crc() {
        assert_eq!(crc32(b"123456789"), 0xCBF4_3926);
    }

    #[test]
    fn assembled_zips_read_back() {
        use std::io::Read;
        let zip = assemble(
            &[
                RawMember::stored("a.txt", "hello"),
                RawMember::stored("b.txt", "world").streamed(),
            ],
            b"a comment",
        );
        let mut archive = zip::ZipArchive::new(std::io::Cursor::new(zip)).expect("a zip");
        assert_eq!(archive.comment(), b"a comment");
        let mut text = String::new();
        archive
            .by_index(1)
            .expect("b.txt")
            .read_to_string(&mut text)
            .expect("stored");
        assert_eq!(text, "world");
        archive.validate_header_consistency().expect("consistent");
    }
}
