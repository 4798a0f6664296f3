//! The compound file (MS-CFB) a BIFF workbook lives in: read, bounded, down to its `Workbook`
//! stream, and written again around the stream rebuilt for calamine.
//!
//! Every read is bounds-checked, every chain is bounded by the sectors the file has, and nothing
//! is allocated beyond a multiple of the input's size.

use super::{damaged_x, u16_at, u32_at, u64_at, u8_at};
use crate::error::ImportError;

/// The first eight bytes of every compound file.
pub const CFB_MAGIC: [u8; 8] = [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];
pub(super) const END_OF_CHAIN: u32 = 0xFFFF_FFFE;
pub(super) const FREE_SECT: u32 = 0xFFFF_FFFF;
const DIR_ENTRY_LEN: usize = 128;
pub(super) const NO_STREAM: u32 = 0xFFFF_FFFF;
/// The sector size of the rebuilt compound file (version 4).
pub(super) const CFB_SECTOR: usize = 4096;

fn not_cfb() -> ImportError {
    ImportError::Damaged {
        detail: "not a compound file".to_string(),
    }
}

struct Cfb<'a> {
    data: &'a [u8],
    sector_size: usize,
    fat: Vec<u32>,
}

impl<'a> Cfb<'a> {
    /// The bytes of sector `id` (the last sector of the file may be short).
    fn sector(&self, id: u32) -> Option<&'a [u8]> {
        let start = (id as usize)
            .checked_add(1)?
            .checked_mul(self.sector_size)?;
        if start >= self.data.len() {
            return None;
        }
        let end = start.saturating_add(self.sector_size).min(self.data.len());
        self.data.get(start..end)
    }

    /// Follows a FAT chain from `start`, concatenating sectors until `want` bytes are read
    /// (or the chain ends when `want` is `None`). Loops and dangling links are errors.
    fn read_chain(&self, start: u32, want: Option<usize>) -> Result<Vec<u8>, ImportError> {
        let cap = want.unwrap_or(self.data.len()).min(self.data.len());
        let mut out = Vec::with_capacity(cap);
        let mut id = start;
        let mut steps = 0usize;
        // Whether the chain reached the file's last sector cut short.
        let mut short_tail = false;
        while id != END_OF_CHAIN {
            if want.is_some_and(|w| out.len() >= w) {
                break;
            }
            // A chain visits each sector of the file at most once.
            steps += 1;
            if steps > self.fat.len() || steps > self.data.len() / self.sector_size {
                return Err(damaged_x("FAT chain loops"));
            }
            let sector = self
                .sector(id)
                .ok_or_else(|| damaged_x("sector outside the file"))?;
            short_tail = sector.len() < self.sector_size;
            out.extend_from_slice(sector);
            id = *self
                .fat
                .get(id as usize)
                .ok_or_else(|| damaged_x("sector outside the FAT"))?;
        }
        if let Some(w) = want {
            // A file whose last sector is cut short (some writers leave out its padding) is
            // read as Excel reads it: the missing bytes, less than a sector, as zeros.
            if out.len() < w && short_tail && w - out.len() < self.sector_size {
                out.resize(w, 0);
            }
            if out.len() < w {
                return Err(damaged_x("stream shorter than its size"));
            }
            out.truncate(w);
        }
        Ok(out)
    }
}

/// The `Workbook` (or `Book`) stream of a compound file.
pub(super) fn workbook_stream(data: &[u8]) -> Result<Vec<u8>, ImportError> {
    let header = data.get(..512).ok_or_else(not_cfb)?;
    if header.get(..8) != Some(&CFB_MAGIC[..]) {
        return Err(not_cfb());
    }
    let damaged = || damaged_x("CFB header");
    let major = u16_at(header, 0x1A).ok_or_else(damaged)?;
    let shift = u16_at(header, 0x1E).ok_or_else(damaged)?;
    let sector_size = match (major, shift) {
        (3, 9) => 512usize,
        (4, 12) => 4096usize,
        _ => return Err(damaged()),
    };
    let mini_shift = u16_at(header, 0x20).ok_or_else(damaged)?;
    if mini_shift != 6 {
        return Err(damaged());
    }
    let num_fat = u32_at(header, 0x2C).ok_or_else(damaged)? as usize;
    let first_dir = u32_at(header, 0x30).ok_or_else(damaged)?;
    let mini_cutoff = u32_at(header, 0x38).ok_or_else(damaged)? as usize;
    let first_mini_fat = u32_at(header, 0x3C).ok_or_else(damaged)?;
    let first_difat = u32_at(header, 0x44).ok_or_else(damaged)?;

    // The sectors that exist bound every count below.
    let sectors_in_file = data.len() / sector_size;
    if num_fat > sectors_in_file {
        return Err(damaged_x("FAT larger than the file"));
    }

    // FAT sector ids: 109 in the header, then the DIFAT chain.
    let mut fat_ids: Vec<u32> = Vec::with_capacity(num_fat);
    for i in 0..109 {
        if fat_ids.len() >= num_fat {
            break;
        }
        let id = u32_at(header, 0x4C + 4 * i).ok_or_else(|| damaged_x("DIFAT"))?;
        if id == FREE_SECT {
            break;
        }
        fat_ids.push(id);
    }
    let per_difat = sector_size / 4 - 1;
    let mut difat = first_difat;
    let mut difat_steps = 0usize;
    let probe = Cfb {
        data,
        sector_size,
        fat: Vec::new(),
    };
    while fat_ids.len() < num_fat && difat != END_OF_CHAIN && difat != FREE_SECT {
        difat_steps += 1;
        if difat_steps > sectors_in_file {
            return Err(damaged_x("DIFAT chain loops"));
        }
        let sector = probe
            .sector(difat)
            .ok_or_else(|| damaged_x("DIFAT sector outside the file"))?;
        for i in 0..per_difat {
            if fat_ids.len() >= num_fat {
                break;
            }
            let id = u32_at(sector, 4 * i).ok_or_else(|| damaged_x("DIFAT sector"))?;
            if id == FREE_SECT {
                break;
            }
            fat_ids.push(id);
        }
        difat = u32_at(sector, 4 * per_difat).unwrap_or(END_OF_CHAIN);
    }

    let mut fat: Vec<u32> = Vec::with_capacity(num_fat.saturating_mul(sector_size / 4));
    for id in fat_ids {
        let sector = probe
            .sector(id)
            .ok_or_else(|| damaged_x("FAT sector outside the file"))?;
        fat.extend(
            sector
                .chunks_exact(4)
                .filter_map(|c| c.try_into().ok().map(u32::from_le_bytes)),
        );
    }
    let cfb = Cfb {
        data,
        sector_size,
        fat,
    };

    let dir = cfb.read_chain(first_dir, None)?;
    let entry = |i: usize| dir_entry(&dir, i);
    let root = entry(0).ok_or_else(|| damaged_x("no root entry"))?;
    if u8_at(root, 66) != Some(5) {
        return Err(damaged_x("no root entry"));
    }
    let size_of = |e: &[u8]| -> Option<usize> {
        let size = if major == 3 {
            u64::from(u32_at(e, 120)?)
        } else {
            u64_at(e, 120)?
        };
        usize::try_from(size).ok()
    };

    // Walk the root storage's children (a red-black tree) for the workbook stream.
    let entries = dir.len() / DIR_ENTRY_LEN;
    let mut seen = vec![false; entries];
    let mut stack = vec![u32_at(root, 76).unwrap_or(NO_STREAM)];
    let mut found: Option<(bool, usize)> = None;
    while let Some(id) = stack.pop() {
        let i = id as usize;
        if id == NO_STREAM || i >= entries {
            continue;
        }
        match seen.get_mut(i) {
            Some(s) if !*s => *s = true,
            _ => continue,
        }
        let Some(e) = entry(i) else { continue };
        stack.push(u32_at(e, 68).unwrap_or(NO_STREAM));
        stack.push(u32_at(e, 72).unwrap_or(NO_STREAM));
        if u8_at(e, 66) != Some(2) {
            continue;
        }
        let name_len = usize::from(u16_at(e, 64).unwrap_or(0)).min(64);
        let name: Vec<u16> = e
            .get(..name_len)
            .unwrap_or_default()
            .chunks_exact(2)
            .filter_map(|c| c.try_into().ok().map(u16::from_le_bytes))
            .take_while(|&u| u != 0)
            .collect();
        let name = String::from_utf16_lossy(&name);
        if name.eq_ignore_ascii_case("Workbook") {
            found = Some((true, i));
            break;
        }
        if name.eq_ignore_ascii_case("Book") && found.is_none() {
            found = Some((false, i));
        }
    }
    let (_, index) = found.ok_or(ImportError::NoWorkbookStream)?;
    let e = entry(index).ok_or(ImportError::NoWorkbookStream)?;
    let start = u32_at(e, 116).ok_or_else(|| damaged_x("directory entry"))?;
    let size = size_of(e).ok_or_else(|| damaged_x("stream size"))?;
    if size > data.len() {
        return Err(damaged_x("stream larger than the file"));
    }
    if size >= mini_cutoff {
        return cfb.read_chain(start, Some(size));
    }

    // A small stream lives in the mini stream (64-byte sectors, its own FAT).
    let root_start = u32_at(root, 116).ok_or_else(|| damaged_x("root entry"))?;
    let root_size = size_of(root).ok_or_else(|| damaged_x("root entry"))?;
    if root_size > data.len() {
        return Err(damaged_x("mini stream larger than the file"));
    }
    let mini_stream = cfb.read_chain(root_start, Some(root_size))?;
    let mini_fat: Vec<u32> = cfb
        .read_chain(first_mini_fat, None)?
        .chunks_exact(4)
        .filter_map(|c| c.try_into().ok().map(u32::from_le_bytes))
        .collect();
    let mut out = Vec::with_capacity(size);
    let mut id = start;
    let mut steps = 0usize;
    while out.len() < size {
        steps += 1;
        if id == END_OF_CHAIN || steps > mini_fat.len() {
            return Err(damaged_x("mini stream chain"));
        }
        let from = (id as usize).saturating_mul(64);
        let chunk = mini_stream
            .get(from..from.saturating_add(64).min(mini_stream.len()))
            .filter(|c| !c.is_empty())
            .ok_or_else(|| damaged_x("mini sector outside the mini stream"))?;
        out.extend_from_slice(chunk);
        id = *mini_fat
            .get(id as usize)
            .ok_or_else(|| damaged_x("mini sector outside the mini FAT"))?;
    }
    out.truncate(size);
    Ok(out)
}

/// Directory entry `i` (128 bytes) of the directory stream.
fn dir_entry(dir: &[u8], i: usize) -> Option<&[u8]> {
    let start = i.checked_mul(DIR_ENTRY_LEN)?;
    dir.get(start..start.checked_add(DIR_ENTRY_LEN)?)
}

/// A version 4 compound file (4096-byte sectors) with one stream named `Workbook`: the header,
/// the stream (at least 4096 bytes, so it is not a mini stream), one directory sector and the
/// FAT. Sector ids: the stream first, then the directory, then the FAT.
///
/// `file` holds [`CFB_SECTOR`] bytes of room for the header, then the stream; the header is
/// written in place and the rest appended.
pub(super) fn compound_file(mut file: Vec<u8>) -> Result<Vec<u8>, ImportError> {
    const SECTOR: usize = CFB_SECTOR;
    const FATSECT: u32 = 0xFFFF_FFFD;
    let stream_len = file
        .len()
        .checked_sub(SECTOR)
        .ok_or_else(|| damaged_x("no room for the header"))?;
    let n_stream = stream_len.max(SECTOR).div_ceil(SECTOR);
    let per_fat = SECTOR / 4;
    let mut n_fat = 1usize;
    while n_stream + 1 + n_fat > n_fat * per_fat {
        n_fat += 1;
    }
    if n_fat > 109 {
        return Err(damaged_x("workbook too large"));
    }
    let id = |i: usize| u32::try_from(i).map_err(|_| damaged_x("workbook too large"));
    file.reserve(((2 + n_stream + n_fat) * SECTOR).saturating_sub(file.len()));
    // Header (its sector is 4096 bytes in version 4).
    let mut header = vec![0u8; SECTOR];
    header[..8].copy_from_slice(&CFB_MAGIC);
    let put16 = |h: &mut Vec<u8>, off: usize, v: u16| {
        if let Some(s) = h.get_mut(off..off + 2) {
            s.copy_from_slice(&v.to_le_bytes());
        }
    };
    put16(&mut header, 0x18, 0x003E);
    put16(&mut header, 0x1A, 4);
    put16(&mut header, 0x1C, 0xFFFE);
    put16(&mut header, 0x1E, 12);
    put16(&mut header, 0x20, 6);
    let put32 = |h: &mut Vec<u8>, off: usize, v: u32| {
        if let Some(s) = h.get_mut(off..off + 4) {
            s.copy_from_slice(&v.to_le_bytes());
        }
    };
    put32(&mut header, 0x28, 1);
    put32(&mut header, 0x2C, id(n_fat)?);
    put32(&mut header, 0x30, id(n_stream)?);
    put32(&mut header, 0x38, 4096);
    put32(&mut header, 0x3C, END_OF_CHAIN);
    put32(&mut header, 0x44, END_OF_CHAIN);
    for i in 0..109 {
        let v = if i < n_fat {
            id(n_stream + 1 + i)?
        } else {
            FREE_SECT
        };
        put32(&mut header, 0x4C + 4 * i, v);
    }
    if let Some(room) = file.get_mut(..SECTOR) {
        room.copy_from_slice(&header);
    }
    // The stream, padded to whole sectors.
    file.resize(SECTOR * (1 + n_stream), 0);
    // The directory: the root storage and the Workbook stream.
    let mut dir = vec![0u8; SECTOR];
    let entry =
        |dir: &mut Vec<u8>, i: usize, name: &str, typ: u8, child: u32, start: u32, size: u64| {
            let base = i * DIR_ENTRY_LEN;
            let units: Vec<u16> = name.encode_utf16().collect();
            for (k, u) in units.iter().enumerate() {
                put16(dir, base + 2 * k, *u);
            }
            put16(
                dir,
                base + 64,
                u16::try_from(2 * (units.len() + 1)).unwrap_or(0),
            );
            if let Some(b) = dir.get_mut(base + 66) {
                *b = typ;
            }
            if let Some(b) = dir.get_mut(base + 67) {
                *b = 1; // black
            }
            put32(dir, base + 68, NO_STREAM);
            put32(dir, base + 72, NO_STREAM);
            put32(dir, base + 76, child);
            put32(dir, base + 116, start);
            if let Some(s) = dir.get_mut(base + 120..base + 128) {
                s.copy_from_slice(&size.to_le_bytes());
            }
        };
    let size = (n_stream * SECTOR) as u64;
    entry(&mut dir, 0, "Root Entry", 5, 1, 0, 0);
    entry(&mut dir, 1, "Workbook", 2, NO_STREAM, 0, size);
    for i in 2..SECTOR / DIR_ENTRY_LEN {
        let base = i * DIR_ENTRY_LEN;
        put32(&mut dir, base + 68, NO_STREAM);
        put32(&mut dir, base + 72, NO_STREAM);
        put32(&mut dir, base + 76, NO_STREAM);
    }
    file.extend_from_slice(&dir);
    // The FAT.
    let mut fat = vec![FREE_SECT; n_fat * per_fat];
    for (i, slot) in fat.iter_mut().enumerate().take(n_stream) {
        *slot = if i + 1 < n_stream {
            id(i + 1)?
        } else {
            END_OF_CHAIN
        };
    }
    if let Some(slot) = fat.get_mut(n_stream) {
        *slot = END_OF_CHAIN;
    }
    for i in 0..n_fat {
        if let Some(slot) = fat.get_mut(n_stream + 1 + i) {
            *slot = FATSECT;
        }
    }
    for v in fat {
        file.extend_from_slice(&v.to_le_bytes());
    }
    Ok(file)
}
