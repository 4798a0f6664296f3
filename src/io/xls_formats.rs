//! Number formats of the numeric cells of a BIFF8 `.xls`, which calamine does not expose.
//!
//! A minimal, bounded reader: the compound file (CFB) container is walked to the `Workbook`
//! (or `Book`) stream, whose globals give the number formats (FORMAT), the extended formats
//! (XF) and the sheets (BOUNDSHEET8); each worksheet's NUMBER, RK, MULRK and FORMULA records
//! then name their XF. Every read is bounds-checked, every loop is bounded by the input's
//! length, and nothing is allocated beyond a multiple of the input's size.

use std::collections::HashMap;
use std::fmt;
use std::sync::Arc;

/// The number formats of one sheet: 0-based (row, col) → format code (General omitted).
pub type CellFormats = HashMap<(u32, u32), String>;

/// The most sheets a workbook may declare (matches the importer's limit).
pub const MAX_SHEETS: usize = 256;
/// The most formatted cells one sheet may have.
pub const MAX_TRACKED_CELLS: usize = 2_000_000;
/// The most bytes of format codes one sheet's map may hold (codes are cloned per cell).
pub const MAX_CODE_BYTES: usize = 32 * 1024 * 1024;
/// Format codes are cut to this many characters (Excel's own limit).
pub const MAX_CODE_CHARS: usize = 255;

const CFB_MAGIC: [u8; 8] = [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];
const END_OF_CHAIN: u32 = 0xFFFF_FFFE;
const FREE_SECT: u32 = 0xFFFF_FFFF;
const DIR_ENTRY_LEN: usize = 128;
const NO_STREAM: u32 = 0xFFFF_FFFF;

const BOF: u16 = 0x0809;
const EOF: u16 = 0x000A;
const FILEPASS: u16 = 0x002F;
const FORMAT: u16 = 0x041E;
const XF: u16 = 0x00E0;
const BOUNDSHEET8: u16 = 0x0085;
const NUMBER: u16 = 0x0203;
const RK: u16 = 0x027E;
const MULRK: u16 = 0x00BD;
const FORMULA: u16 = 0x0006;
const BIFF8: u16 = 0x0600;

/// Why the number formats of an `.xls` could not be read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum XlsFormatError {
    /// The bytes are not a compound file.
    NotCfb,
    /// The compound file has no `Workbook` or `Book` stream.
    NoWorkbook,
    /// The workbook is password-protected (FILEPASS).
    Encrypted,
    /// The workbook is not BIFF8 (the BOF version is given, e.g. 0x0500 for BIFF5).
    Unsupported {
        /// The BOF record's version field.
        version: u16,
    },
    /// The workbook declares more sheets than [`MAX_SHEETS`].
    TooManySheets {
        /// The number of BOUNDSHEET8 records.
        sheets: usize,
    },
    /// A sheet has more formatted cells than [`MAX_TRACKED_CELLS`] (or [`MAX_CODE_BYTES`] of
    /// codes).
    TooManyCells {
        /// The sheet's name.
        sheet: String,
    },
    /// The container or the stream is damaged or truncated; the text says where.
    Damaged(&'static str),
}

impl fmt::Display for XlsFormatError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::NotCfb => write!(f, "not a compound file"),
            Self::NoWorkbook => write!(f, "no Workbook stream"),
            Self::Encrypted => write!(f, "the workbook is encrypted"),
            Self::Unsupported { version } => write!(f, "not BIFF8 (BOF version {version:#06x})"),
            Self::TooManySheets { sheets } => write!(f, "{sheets} sheets"),
            Self::TooManyCells { sheet } => write!(f, "sheet {sheet}: too many formatted cells"),
            Self::Damaged(what) => write!(f, "damaged .xls: {what}"),
        }
    }
}

impl std::error::Error for XlsFormatError {}

impl From<XlsFormatError> for crate::error::ImportError {
    fn from(e: XlsFormatError) -> Self {
        match e {
            XlsFormatError::Encrypted => Self::XlsProtected,
            XlsFormatError::NoWorkbook => Self::NoWorkbookStream,
            other => Self::Damaged {
                detail: other.to_string(),
            },
        }
    }
}

/// The number formats of the numeric cells of every sheet of a BIFF8 `.xls`.
///
/// One entry per BOUNDSHEET8 record, in workbook order (the same order and names as calamine's
/// `sheet_names`, NULs removed). Each map goes from the 0-based (row, col) of a NUMBER, RK,
/// MULRK or numeric FORMULA cell to its number format code (`"0.0%"`, `"0.00"`, `"#,##0"` …);
/// cells formatted General are left out. Only worksheet cells are read (not those of charts
/// embedded in a sheet).
///
/// # Errors
/// [`XlsFormatError`] when the bytes are not a compound file, hold no workbook stream, are
/// encrypted, are not BIFF8, or are damaged or truncated.
pub fn cell_formats(bytes: &[u8]) -> Result<Vec<(String, CellFormats)>, XlsFormatError> {
    let stream = workbook_stream(bytes)?;
    let globals = read_globals(&stream)?;
    let mut sheets = Vec::with_capacity(globals.sheets.len());
    for (name, pos) in &globals.sheets {
        let formats = read_sheet(&stream, *pos, &globals, name)?;
        sheets.push((name.clone(), formats));
    }
    Ok(sheets)
}

// ---------------------------------------------------------------------------------------------
// Little-endian reads that never panic.

fn u8_at(b: &[u8], off: usize) -> Option<u8> {
    b.get(off).copied()
}

fn u16_at(b: &[u8], off: usize) -> Option<u16> {
    let s = b.get(off..off.checked_add(2)?)?;
    Some(u16::from_le_bytes(s.try_into().ok()?))
}

fn u32_at(b: &[u8], off: usize) -> Option<u32> {
    let s = b.get(off..off.checked_add(4)?)?;
    Some(u32::from_le_bytes(s.try_into().ok()?))
}

fn u64_at(b: &[u8], off: usize) -> Option<u64> {
    let s = b.get(off..off.checked_add(8)?)?;
    Some(u64::from_le_bytes(s.try_into().ok()?))
}

// ---------------------------------------------------------------------------------------------
// Compound file (MS-CFB), read-only and bounded.

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
    fn read_chain(&self, start: u32, want: Option<usize>) -> Result<Vec<u8>, XlsFormatError> {
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
                return Err(XlsFormatError::Damaged("FAT chain loops"));
            }
            let sector = self
                .sector(id)
                .ok_or(XlsFormatError::Damaged("sector outside the file"))?;
            short_tail = sector.len() < self.sector_size;
            out.extend_from_slice(sector);
            id = *self
                .fat
                .get(id as usize)
                .ok_or(XlsFormatError::Damaged("sector outside the FAT"))?;
        }
        if let Some(w) = want {
            // A file whose last sector is cut short (some writers leave out its padding) is
            // read as Excel reads it: the missing bytes, less than a sector, as zeros.
            if out.len() < w && short_tail && w - out.len() < self.sector_size {
                out.resize(w, 0);
            }
            if out.len() < w {
                return Err(XlsFormatError::Damaged("stream shorter than its size"));
            }
            out.truncate(w);
        }
        Ok(out)
    }
}

/// The `Workbook` (or `Book`) stream of a compound file.
fn workbook_stream(data: &[u8]) -> Result<Vec<u8>, XlsFormatError> {
    let header = data.get(..512).ok_or(XlsFormatError::NotCfb)?;
    if header.get(..8) != Some(&CFB_MAGIC[..]) {
        return Err(XlsFormatError::NotCfb);
    }
    let damaged = XlsFormatError::Damaged("CFB header");
    let major = u16_at(header, 0x1A).ok_or(damaged.clone())?;
    let shift = u16_at(header, 0x1E).ok_or(damaged.clone())?;
    let sector_size = match (major, shift) {
        (3, 9) => 512usize,
        (4, 12) => 4096usize,
        _ => return Err(damaged),
    };
    let mini_shift = u16_at(header, 0x20).ok_or(damaged.clone())?;
    if mini_shift != 6 {
        return Err(damaged);
    }
    let num_fat = u32_at(header, 0x2C).ok_or(damaged.clone())? as usize;
    let first_dir = u32_at(header, 0x30).ok_or(damaged.clone())?;
    let mini_cutoff = u32_at(header, 0x38).ok_or(damaged.clone())? as usize;
    let first_mini_fat = u32_at(header, 0x3C).ok_or(damaged.clone())?;
    let first_difat = u32_at(header, 0x44).ok_or(damaged.clone())?;

    // The sectors that exist bound every count below.
    let sectors_in_file = data.len() / sector_size;
    if num_fat > sectors_in_file {
        return Err(XlsFormatError::Damaged("FAT larger than the file"));
    }

    // FAT sector ids: 109 in the header, then the DIFAT chain.
    let mut fat_ids: Vec<u32> = Vec::with_capacity(num_fat);
    for i in 0..109 {
        if fat_ids.len() >= num_fat {
            break;
        }
        let id = u32_at(header, 0x4C + 4 * i).ok_or(XlsFormatError::Damaged("DIFAT"))?;
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
            return Err(XlsFormatError::Damaged("DIFAT chain loops"));
        }
        let sector = probe
            .sector(difat)
            .ok_or(XlsFormatError::Damaged("DIFAT sector outside the file"))?;
        for i in 0..per_difat {
            if fat_ids.len() >= num_fat {
                break;
            }
            let id = u32_at(sector, 4 * i).ok_or(XlsFormatError::Damaged("DIFAT sector"))?;
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
            .ok_or(XlsFormatError::Damaged("FAT sector outside the file"))?;
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
    let root = entry(0).ok_or(XlsFormatError::Damaged("no root entry"))?;
    if u8_at(root, 66) != Some(5) {
        return Err(XlsFormatError::Damaged("no root entry"));
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
    let (_, index) = found.ok_or(XlsFormatError::NoWorkbook)?;
    let e = entry(index).ok_or(XlsFormatError::NoWorkbook)?;
    let start = u32_at(e, 116).ok_or(XlsFormatError::Damaged("directory entry"))?;
    let size = size_of(e).ok_or(XlsFormatError::Damaged("stream size"))?;
    if size > data.len() {
        return Err(XlsFormatError::Damaged("stream larger than the file"));
    }
    if size >= mini_cutoff {
        return cfb.read_chain(start, Some(size));
    }

    // A small stream lives in the mini stream (64-byte sectors, its own FAT).
    let root_start = u32_at(root, 116).ok_or(XlsFormatError::Damaged("root entry"))?;
    let root_size = size_of(root).ok_or(XlsFormatError::Damaged("root entry"))?;
    if root_size > data.len() {
        return Err(XlsFormatError::Damaged("mini stream larger than the file"));
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
            return Err(XlsFormatError::Damaged("mini stream chain"));
        }
        let from = (id as usize).saturating_mul(64);
        let chunk = mini_stream
            .get(from..from.saturating_add(64).min(mini_stream.len()))
            .filter(|c| !c.is_empty())
            .ok_or(XlsFormatError::Damaged(
                "mini sector outside the mini stream",
            ))?;
        out.extend_from_slice(chunk);
        id = *mini_fat
            .get(id as usize)
            .ok_or(XlsFormatError::Damaged("mini sector outside the mini FAT"))?;
    }
    out.truncate(size);
    Ok(out)
}

/// Directory entry `i` (128 bytes) of the directory stream.
fn dir_entry(dir: &[u8], i: usize) -> Option<&[u8]> {
    let start = i.checked_mul(DIR_ENTRY_LEN)?;
    dir.get(start..start.checked_add(DIR_ENTRY_LEN)?)
}

// ---------------------------------------------------------------------------------------------
// BIFF8 records.

struct Record<'a> {
    typ: u16,
    data: &'a [u8],
}

/// The record at `pos` and the position after it; `None` at the end of the stream.
fn record_at(stream: &[u8], pos: usize) -> Result<Option<(Record<'_>, usize)>, XlsFormatError> {
    if pos >= stream.len() {
        return Ok(None);
    }
    let typ = u16_at(stream, pos).ok_or(XlsFormatError::Damaged("record header"))?;
    let len = u16_at(stream, pos + 2).ok_or(XlsFormatError::Damaged("record header"))?;
    let start = pos + 4;
    let end = start + usize::from(len);
    let data = stream
        .get(start..end)
        .ok_or(XlsFormatError::Damaged("record past the end of the stream"))?;
    Ok(Some((Record { typ, data }, end)))
}

struct Globals {
    /// Custom formats by format id (FORMAT records).
    formats: HashMap<u16, String>,
    /// The format id of each XF, in XF order.
    xf_formats: Vec<u16>,
    /// Sheet name and stream offset of its BOF, in workbook order.
    sheets: Vec<(String, usize)>,
}

impl Globals {
    /// The format code of XF `ixfe`, `None` when it is General or unknown.
    fn code(&self, ixfe: u16) -> Option<&str> {
        let ifmt = *self.xf_formats.get(usize::from(ixfe))?;
        let code = match self.formats.get(&ifmt) {
            Some(c) => c.as_str(),
            None => builtin_format(ifmt)?,
        };
        if code.is_empty() || code.eq_ignore_ascii_case("General") {
            None
        } else {
            Some(code)
        }
    }
}

fn read_globals(stream: &[u8]) -> Result<Globals, XlsFormatError> {
    let Some((bof, mut pos)) = record_at(stream, 0)? else {
        return Err(XlsFormatError::Damaged("empty workbook stream"));
    };
    if bof.typ != BOF {
        return Err(XlsFormatError::Damaged("no BOF record"));
    }
    let version = u16_at(bof.data, 0).ok_or(XlsFormatError::Damaged("BOF record"))?;
    if version != BIFF8 {
        return Err(XlsFormatError::Unsupported { version });
    }
    let mut globals = Globals {
        formats: HashMap::new(),
        xf_formats: Vec::new(),
        sheets: Vec::new(),
    };
    loop {
        let Some((rec, next)) = record_at(stream, pos)? else {
            return Err(XlsFormatError::Damaged("globals without EOF"));
        };
        pos = next;
        match rec.typ {
            FILEPASS => return Err(XlsFormatError::Encrypted),
            FORMAT => {
                let ifmt = u16_at(rec.data, 0).ok_or(XlsFormatError::Damaged("FORMAT record"))?;
                let cch = u16_at(rec.data, 2).ok_or(XlsFormatError::Damaged("FORMAT record"))?;
                let cch = usize::from(cch).min(MAX_CODE_CHARS);
                let code = xl_string(rec.data.get(4..).unwrap_or_default(), cch)
                    .ok_or(XlsFormatError::Damaged("FORMAT record"))?;
                globals.formats.insert(ifmt, code);
            }
            XF => {
                let ifmt = u16_at(rec.data, 2).ok_or(XlsFormatError::Damaged("XF record"))?;
                globals.xf_formats.push(ifmt);
            }
            BOUNDSHEET8 => {
                let pos = u32_at(rec.data, 0).ok_or(XlsFormatError::Damaged("BOUNDSHEET8"))?;
                let cch = u8_at(rec.data, 6).ok_or(XlsFormatError::Damaged("BOUNDSHEET8"))?;
                let mut name = xl_string(rec.data.get(7..).unwrap_or_default(), usize::from(cch))
                    .ok_or(XlsFormatError::Damaged("BOUNDSHEET8"))?;
                name.retain(|c| c != '\0');
                globals.sheets.push((name, pos as usize));
                if globals.sheets.len() > MAX_SHEETS {
                    return Err(XlsFormatError::TooManySheets {
                        sheets: globals.sheets.len(),
                    });
                }
            }
            EOF => break,
            _ => {}
        }
    }
    Ok(globals)
}

/// A BIFF8 string body: a flags byte (bit 0: two bytes per character) and `cch` characters.
/// Characters cut off by the end of the record (continued in a CONTINUE record, which a
/// format code or sheet name never needs) are dropped.
fn xl_string(body: &[u8], cch: usize) -> Option<String> {
    let flags = u8_at(body, 0)?;
    let chars = body.get(1..).unwrap_or_default();
    if flags & 1 == 1 {
        let units: Vec<u16> = chars
            .chunks_exact(2)
            .take(cch)
            .filter_map(|c| c.try_into().ok().map(u16::from_le_bytes))
            .collect();
        Some(String::from_utf16_lossy(&units))
    } else {
        Some(chars.iter().take(cch).map(|&b| char::from(b)).collect())
    }
}

fn read_sheet(
    stream: &[u8],
    pos: usize,
    globals: &Globals,
    name: &str,
) -> Result<CellFormats, XlsFormatError> {
    let mut formats = CellFormats::new();
    let Some((bof, mut pos)) = record_at(stream, pos)? else {
        return Err(XlsFormatError::Damaged("sheet offset past the stream"));
    };
    if bof.typ != BOF {
        return Err(XlsFormatError::Damaged("sheet offset is not a BOF"));
    }
    let mut depth = 1usize;
    let mut code_bytes = 0usize;
    let mut put = |row: u16, col: u16, ixfe: u16| -> Result<(), XlsFormatError> {
        if let Some(code) = globals.code(ixfe) {
            code_bytes = code_bytes.saturating_add(code.len());
            if formats.len() >= MAX_TRACKED_CELLS || code_bytes > MAX_CODE_BYTES {
                return Err(XlsFormatError::TooManyCells {
                    sheet: name.to_string(),
                });
            }
            formats.insert((u32::from(row), u32::from(col)), code.to_string());
        }
        Ok(())
    };
    while depth > 0 {
        let Some((rec, next)) = record_at(stream, pos)? else {
            return Err(XlsFormatError::Damaged("sheet without EOF"));
        };
        pos = next;
        let d = rec.data;
        match rec.typ {
            BOF => depth += 1,
            EOF => depth -= 1,
            _ if depth != 1 => {}
            NUMBER | RK => {
                if let (Some(r), Some(c), Some(x)) = (u16_at(d, 0), u16_at(d, 2), u16_at(d, 4)) {
                    put(r, c, x)?;
                }
            }
            FORMULA => {
                // The value is a number unless its last two bytes are 0xFFFF.
                let numeric = u16_at(d, 12).is_some_and(|f| f != 0xFFFF);
                if let (true, Some(r), Some(c), Some(x)) =
                    (numeric, u16_at(d, 0), u16_at(d, 2), u16_at(d, 4))
                {
                    put(r, c, x)?;
                }
            }
            MULRK => {
                if let (Some(r), Some(first)) = (u16_at(d, 0), u16_at(d, 2)) {
                    let cells = d.get(4..d.len().saturating_sub(2)).unwrap_or_default();
                    for (i, cell) in cells.chunks_exact(6).enumerate() {
                        let Ok(i) = u16::try_from(i) else { break };
                        if let Some(x) = u16_at(cell, 0) {
                            put(r, first.saturating_add(i), x)?;
                        }
                    }
                }
            }
            _ => {}
        }
    }
    Ok(formats)
}

/// The code of a built-in number format id (shared by BIFF8 and BIFF12), `None` for General or
/// an id with no built-in code.
pub fn builtin_code(id: u16) -> Option<&'static str> {
    builtin_format(id).filter(|c| *c != "General")
}

/// The codes of Excel's built-in number formats (ECMA-376 §18.8.30; 27–36 as in zh-CN Excel).
fn builtin_format(id: u16) -> Option<&'static str> {
    Some(match id {
        0 => "General",
        1 => "0",
        2 => "0.00",
        3 => "#,##0",
        4 => "#,##0.00",
        5 => "\"$\"#,##0_);(\"$\"#,##0)",
        6 => "\"$\"#,##0_);[Red](\"$\"#,##0)",
        7 => "\"$\"#,##0.00_);(\"$\"#,##0.00)",
        8 => "\"$\"#,##0.00_);[Red](\"$\"#,##0.00)",
        9 => "0%",
        10 => "0.00%",
        11 => "0.00E+00",
        12 => "# ?/?",
        13 => "# ??/??",
        14 => "m/d/yyyy",
        15 => "d-mmm-yy",
        16 => "d-mmm",
        17 => "mmm-yy",
        18 => "h:mm AM/PM",
        19 => "h:mm:ss AM/PM",
        20 => "h:mm",
        21 => "h:mm:ss",
        22 => "m/d/yyyy h:mm",
        27 | 36 | 50 => "yyyy\"年\"m\"月\"",
        28 | 29 => "m\"月\"d\"日\"",
        30 => "m-d-yy",
        31 => "yyyy\"年\"m\"月\"d\"日\"",
        32 => "h\"时\"mm\"分\"",
        33 => "h\"时\"mm\"分\"ss\"秒\"",
        34 => "上午/下午h\"时\"mm\"分\"",
        35 => "上午/下午h\"时\"mm\"分\"ss\"秒\"",
        37 => "#,##0_);(#,##0)",
        38 => "#,##0_);[Red](#,##0)",
        39 => "#,##0.00_);(#,##0.00)",
        40 => "#,##0.00_);[Red](#,##0.00)",
        41 => "_(* #,##0_);_(* \\(#,##0\\);_(* \"-\"_);_(@_)",
        42 => "_(\"$\"* #,##0_);_(\"$\"* \\(#,##0\\);_(\"$\"* \"-\"_);_(@_)",
        43 => "_(* #,##0.00_);_(* \\(#,##0.00\\);_(* \"-\"??_);_(@_)",
        44 => "_(\"$\"* #,##0.00_);_(\"$\"* \\(#,##0.00\\);_(\"$\"* \"-\"??_);_(@_)",
        45 => "mm:ss",
        46 => "[h]:mm:ss",
        47 => "mm:ss.0",
        48 => "##0.0E+0",
        49 => "@",
        _ => return None,
    })
}

// ---------------------------------------------------------------------------------------------
// The workbook as calamine gets it: every record calamine parses is checked first, and calamine
// is handed a compound file rebuilt around a workbook stream of checked records only.

/// What calamine's reader of a BIFF stream would do with the records, replayed without
/// panicking: each record calamine parses is checked the way calamine reads it (lengths, counts,
/// string sizes it reserves room for), and the limits of [`crate::io::limits`] are applied to
/// the cells calamine would build. The records calamine does not need for cell values (defined
/// names, external sheets, drawings, formulas' token arrays …) are left out.
///
/// The result is a new compound file holding one `Workbook` stream: the checked globals (BOF,
/// CODEPAGE, DATEMODE, FORMAT, XF, BOUNDSHEET8, SST with its CONTINUE records, EOF) and, for
/// each sheet, its BOF, the cell records (NUMBER, RK, MULRK, LABEL, RSTRING, LABELSST, BOOLERR),
/// MERGECELLS and EOF. A FORMULA becomes the record of its cached value (NUMBER, BOOLERR, or a
/// LABEL made from the STRING record that follows it), which is what calamine would read.
/// String records declare at most the characters they hold (calamine reserves what they
/// declare).
///
/// # Errors
/// [`ImportError::XlsProtected`] for a FILEPASS record, [`ImportError::Damaged`] where calamine
/// would fail or panic, and the limit errors ([`ImportError::TooManySheets`],
/// [`ImportError::TooManyRows`], [`ImportError::TooManyColumns`], [`ImportError::TooManyCells`],
/// [`ImportError::TooManyCellsInWorkbook`], [`ImportError::TooManyStrings`],
/// [`ImportError::TextTooLong`], [`ImportError::TooMuchText`], [`ImportError::TooManyMerges`]).
pub fn checked_for_calamine(bytes: &[u8]) -> Result<Vec<u8>, ImportError> {
    checked_with_formats(bytes).map(|c| c.file)
}

/// [`checked_for_calamine`]'s rebuilt file, with the number formats of the numeric cells read
/// in the same walk over the records (what [`cell_formats`] reads in a walk of its own).
#[derive(Debug, Default)]
pub struct Checked {
    /// The compound file to hand calamine.
    pub file: Vec<u8>,
    /// The distinct format codes of the workbook (General left out), each shared by the cells
    /// that have it.
    pub codes: Vec<Arc<str>>,
    /// Per sheet, in workbook order, its name and the code of each numeric cell.
    pub sheets: Vec<(String, SheetCodes)>,
}

/// The format code of each numeric cell of a sheet, as an index into [`Checked::codes`].
///
/// Rows and columns are those of cells already checked against the sheet's limits, so the
/// table is no larger than two bytes per cell of the sheet's extent.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SheetCodes {
    /// By 0-based row, then column: 0 for none (General or unknown), else 1 + the index.
    rows: Vec<Vec<u16>>,
}

impl SheetCodes {
    /// The code of the numeric cell at 0-based (row, col), `None` for General or unknown.
    pub fn get(&self, row: u32, col: u32, codes: &[Arc<str>]) -> Option<Arc<str>> {
        let i = *self.rows.get(row as usize)?.get(col as usize)?;
        codes.get(usize::from(i).checked_sub(1)?).cloned()
    }

    /// How many cells have a code.
    pub fn len(&self) -> usize {
        self.rows
            .iter()
            .map(|r| r.iter().filter(|&&i| i != 0).count())
            .sum()
    }

    /// Whether no cell has a code.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    fn set(&mut self, row: u16, col: u16, index: u16) {
        let (row, col) = (usize::from(row), usize::from(col));
        if self.rows.len() <= row {
            if index == 0 {
                return;
            }
            self.rows.resize_with(row + 1, Vec::new);
        }
        let Some(cells) = self.rows.get_mut(row) else {
            return;
        };
        if cells.len() <= col {
            if index == 0 {
                return;
            }
            cells.resize(col + 1, 0);
        }
        if let Some(slot) = cells.get_mut(col) {
            *slot = index;
        }
    }
}

/// The format code of each XF of a BIFF8 workbook, resolved once from its FORMAT and XF
/// records, as [`Globals::code`] resolves it.
#[derive(Default)]
struct XfCodes {
    /// By XF: 0 for General or unknown, else 1 + an index into `codes`.
    by_xf: Vec<u16>,
    codes: Vec<Arc<str>>,
}

impl XfCodes {
    fn new(g: &Globals2) -> Self {
        let mut out = Self::default();
        if !g.formats_readable {
            return out;
        }
        let mut distinct: HashMap<&str, u16> = HashMap::new();
        out.by_xf = g
            .xf_formats
            .iter()
            .map(|ifmt| {
                let code = match g.formats.get(ifmt) {
                    Some(c) => c.as_str(),
                    None => builtin_format(*ifmt).unwrap_or_default(),
                };
                if code.is_empty() || code.eq_ignore_ascii_case("General") {
                    return 0;
                }
                if let Some(&i) = distinct.get(code) {
                    return i;
                }
                // A hostile workbook with more distinct codes than a u16 counts keeps the
                // rest General.
                let Ok(i) = u16::try_from(out.codes.len() + 1) else {
                    return 0;
                };
                out.codes.push(Arc::from(code));
                distinct.insert(code, i);
                i
            })
            .collect();
        out
    }

    fn index(&self, ixfe: u16) -> u16 {
        self.by_xf.get(usize::from(ixfe)).copied().unwrap_or(0)
    }
}

/// [`checked_for_calamine`], with the number formats of the numeric cells ([`Checked`]).
///
/// # Errors
/// As [`checked_for_calamine`]. A workbook whose formats cannot be read (not BIFF8) is not an
/// error: its cells have no codes.
pub fn checked_with_formats(bytes: &[u8]) -> Result<Checked, ImportError> {
    let stream = workbook_stream(bytes).map_err(ImportError::from)?;
    // The stream is written after room for the compound file's header, which
    // [`compound_file`] fills in, so the rebuilt stream is never copied.
    let mut out = Vec::with_capacity(
        CFB_SECTOR
            + stream
                .len()
                .min(MAX_REBUILT_BYTES)
                .saturating_add(3 * CFB_SECTOR),
    );
    out.resize(CFB_SECTOR, 0);
    let mut state = Globals2::default();
    copy_globals(&stream, &mut out, &mut state)?;
    let xf = XfCodes::new(&state);
    let mut budget = Budget::default();
    let sheets = std::mem::take(&mut state.sheets);
    let mut formats = Vec::with_capacity(sheets.len());
    for sheet in &sheets {
        let at = out.len() - CFB_SECTOR;
        let at32 = u32::try_from(at).map_err(|_| damaged_x("workbook too large"))?;
        let slot = out
            .get_mut(sheet.slot..sheet.slot + 4)
            .ok_or_else(|| damaged_x("BOUNDSHEET8 offset"))?;
        slot.copy_from_slice(&at32.to_le_bytes());
        let mut codes = SheetCodes::default();
        copy_sheet(
            &stream,
            sheet,
            &state,
            &xf,
            &mut codes,
            &mut out,
            &mut budget,
        )?;
        formats.push((sheet.name.clone(), codes));
        if out.len() - CFB_SECTOR > MAX_REBUILT_BYTES.max(stream.len().saturating_mul(2)) {
            return Err(damaged_x("sheets overlap"));
        }
    }
    Ok(Checked {
        file: compound_file(out)?,
        codes: xf.codes,
        sheets: formats,
    })
}

/// The sector size of the rebuilt compound file (version 4).
const CFB_SECTOR: usize = 4096;
/// The rebuilt workbook stream may not grow beyond this (besides twice the original stream).
const MAX_REBUILT_BYTES: usize = 128 * 1024 * 1024;
/// The most CONTINUE records one record may have (an SST of 64 MiB has about 8,000).
const MAX_CONTINUES: usize = 65_536;

const CONTINUE: u16 = 0x003C;
const CODEPAGE: u16 = 0x0042;
const DATEMODE: u16 = 0x0022;
const SST: u16 = 0x00FC;
const LABEL: u16 = 0x0204;
const RSTRING: u16 = 0x00D6;
const BOOLERR: u16 = 0x0205;
const STRING: u16 = 0x0207;
const LABELSST: u16 = 0x00FD;
const MERGECELLS: u16 = 0x00E5;

use crate::error::ImportError;
use crate::io::limits::{self, Budget};

fn damaged_x(what: &str) -> ImportError {
    ImportError::Damaged {
        detail: format!("damaged .xls: {what}"),
    }
}

fn le16(b: &[u8], off: usize) -> Result<u16, ImportError> {
    u16_at(b, off).ok_or_else(|| damaged_x("record too short"))
}

/// A record as calamine's record iterator yields it: its data, the CONTINUE records right
/// after it, and its whole span in the stream.
struct FullRecord<'a> {
    typ: u16,
    data: &'a [u8],
    conts: Vec<&'a [u8]>,
    raw: &'a [u8],
}

/// The record at `pos`, the way calamine's `RecordIter` reads it (a CONTINUE is attached only
/// when more than 4 bytes follow).
fn full_record_at(
    stream: &[u8],
    pos: usize,
) -> Result<Option<(FullRecord<'_>, usize)>, ImportError> {
    let rest = stream.get(pos..).unwrap_or_default();
    if rest.is_empty() {
        return Ok(None);
    }
    let typ = le16(rest, 0)?;
    let len = usize::from(le16(rest, 2)?);
    let data = rest
        .get(4..4 + len)
        .ok_or_else(|| damaged_x("record past the end of the stream"))?;
    let mut at = 4 + len;
    let mut conts = Vec::new();
    while rest.len() - at > 4 && le16(rest, at)? == CONTINUE {
        let l = usize::from(le16(rest, at + 2)?);
        let cont = rest
            .get(at + 4..at + 4 + l)
            .ok_or_else(|| damaged_x("CONTINUE past the end of the stream"))?;
        conts.push(cont);
        if conts.len() > MAX_CONTINUES {
            return Err(damaged_x("too many CONTINUE records"));
        }
        at += 4 + l;
    }
    let raw = rest.get(..at).unwrap_or_default();
    Ok(Some((
        FullRecord {
            typ,
            data,
            conts,
            raw,
        },
        pos + at,
    )))
}

fn push_record(out: &mut Vec<u8>, typ: u16, parts: &[&[u8]]) -> Result<(), ImportError> {
    let len: usize = parts.iter().map(|p| p.len()).sum();
    let len = u16::try_from(len).map_err(|_| damaged_x("record too long"))?;
    out.extend_from_slice(&typ.to_le_bytes());
    out.extend_from_slice(&len.to_le_bytes());
    for p in parts {
        out.extend_from_slice(p);
    }
    Ok(())
}

/// One sheet of the globals: its name, its offset in the original stream, and where its
/// offset goes in the rebuilt one.
struct SheetRef {
    name: String,
    pos: usize,
    slot: usize,
}

#[derive(Default)]
struct Globals2 {
    biff8: bool,
    sheets: Vec<SheetRef>,
    /// The UTF-16 units (or bytes) of each SST string, for the text a LABELSST costs.
    sst: Vec<u32>,
    /// Whether the stream starts with a BIFF8 BOF, the only version whose formats are read.
    formats_readable: bool,
    /// Custom format codes by format id (FORMAT records, read as [`read_globals`] reads them).
    formats: HashMap<u16, String>,
    /// The format id of each XF, in XF order.
    xf_formats: Vec<u16>,
}

/// The BIFF version from a BOF record, as calamine reads it (`biff8` unless it says older).
fn bof_is_biff8(data: &[u8]) -> Result<bool, ImportError> {
    let version = le16(data, 0)?;
    let dt = u16_at(data, 2).unwrap_or(0);
    Ok(match version {
        0x0200 | 0x0002 | 0x0007 | 0x0300 | 0x0400 | 0x0500 => false,
        0 => dt != 0x1000,
        _ => true,
    })
}

fn copy_globals(stream: &[u8], out: &mut Vec<u8>, g: &mut Globals2) -> Result<(), ImportError> {
    let mut pos = 0;
    g.biff8 = true;
    let mut strings_seen = false;
    while let Some((rec, next)) = full_record_at(stream, pos)? {
        let first = pos == 0;
        pos = next;
        let d = rec.data;
        match rec.typ {
            FILEPASS => return Err(ImportError::XlsProtected),
            BOF => {
                g.biff8 = bof_is_biff8(d)?;
                if first {
                    g.formats_readable = u16_at(d, 0) == Some(BIFF8);
                }
                out.extend_from_slice(rec.raw.get(..4 + d.len()).unwrap_or_default());
            }
            CODEPAGE => {
                let cp = readable_codepage(le16(d, 0)?);
                push_record(out, CODEPAGE, &[&cp.to_le_bytes()])?;
            }
            DATEMODE => {
                le16(d, 0)?;
                push_record(out, rec.typ, &[d])?;
            }
            XF => {
                if d.len() < 4 {
                    return Err(damaged_x("XF record"));
                }
                g.xf_formats.push(u16_at(d, 2).unwrap_or(0));
                push_record(out, rec.typ, &[d])?;
            }
            FORMAT => {
                if let (Some(ifmt), Some(cch)) = (u16_at(d, 0), u16_at(d, 2)) {
                    let cch = usize::from(cch).min(MAX_CODE_CHARS);
                    if let Some(code) = xl_string(d.get(4..).unwrap_or_default(), cch) {
                        g.formats.insert(ifmt, code);
                    }
                }
                // calamine skips a FORMAT it cannot read; it reserves room for its string.
                if let Some(body) = d.get(2..) {
                    let head = d.get(..2).unwrap_or_default();
                    if let Some(s) = clamp_xl_unicode_string(body, g.biff8) {
                        push_record(out, rec.typ, &[head, &s])?;
                    }
                }
            }
            BOUNDSHEET8 => {
                if d.len() < 6 || d.len() < 6 + if g.biff8 { 2 } else { 1 } {
                    return Err(damaged_x("BOUNDSHEET8 record"));
                }
                let pos = u32_at(d, 0).ok_or_else(|| damaged_x("BOUNDSHEET8"))? as usize;
                if pos > stream.len() {
                    return Err(damaged_x("sheet offset past the end of the stream"));
                }
                let name = short_string_lossy(d.get(6..).unwrap_or_default(), g.biff8);
                g.sheets.push(SheetRef {
                    name,
                    pos,
                    slot: out.len() + 4,
                });
                if g.sheets.len() > limits::MAX_SHEETS {
                    return Err(ImportError::TooManySheets {
                        sheets: g.sheets.len(),
                        limit: limits::MAX_SHEETS,
                    });
                }
                push_record(out, rec.typ, &[d])?;
            }
            SST => {
                if strings_seen {
                    // calamine keeps the last SST; so does this.
                    g.sst.clear();
                }
                strings_seen = true;
                g.sst = check_sst(d, &rec.conts)?;
                out.extend_from_slice(rec.raw);
            }
            EOF => {
                push_record(out, EOF, &[])?;
                return Ok(());
            }
            _ => {}
        }
        if out.len() > MAX_REBUILT_BYTES {
            return Err(damaged_x("globals too large"));
        }
    }
    // calamine reads globals to the end of the stream when there is no EOF.
    push_record(out, EOF, &[])
}

/// A code page calamine can decode: the file's own when calamine has a table for it, else the
/// nearest one it has (calamine refuses the whole workbook for a code page it does not know).
/// BIFF5 files from Excel for Mac say 10000-10029 or 32768 (Mac Roman); Excel 2.x-4.0 files
/// say 32769 (Windows Latin 1) or an OEM code page.
fn readable_codepage(cp: u16) -> u16 {
    if codepage::to_encoding(cp).is_some() {
        return cp;
    }
    match cp {
        // Mac Japanese, traditional Chinese, Korean, simplified Chinese: their Windows twins.
        10001 => 932,
        10002 => 950,
        10003 => 949,
        10008 => 936,
        // Other Mac scripts (Central European 10029 …) and Mac Roman as BIFF writes it: the
        // ASCII half is the same, the accented letters may differ.
        10004..=10099 | 32768 => 10000,
        // 32769 (Windows Latin 1 as BIFF2-4 write it), 367 (ASCII), 437/850 (OEM) …
        _ => 1252,
    }
}

/// A sheet name (ShortXLUnicodeString), for messages only.
fn short_string_lossy(body: &[u8], biff8: bool) -> String {
    let cch = usize::from(u8_at(body, 0).unwrap_or(0));
    let mut name = if biff8 {
        xl_string(body.get(1..).unwrap_or_default(), cch).unwrap_or_default()
    } else {
        let bytes = body.get(1..).unwrap_or_default();
        let bytes = bytes.get(..cch.min(bytes.len())).unwrap_or_default();
        encoding_rs::GB18030.decode(bytes).0.into_owned()
    };
    name.retain(|c| c != '\0');
    name
}

/// An XLUnicodeString (`cch`, in BIFF8 a flags byte, then characters) as calamine's
/// `parse_string` reads it, with `cch` cut to the characters present (calamine reserves room
/// for `cch`). `None` where calamine would fail.
fn clamp_xl_unicode_string(body: &[u8], biff8: bool) -> Option<Vec<u8>> {
    let head = if biff8 { 3 } else { 2 };
    if body.len() < head {
        return (body.len() == 2 && u16_at(body, 0) == Some(0)).then(|| vec![0, 0]);
    }
    let cch = usize::from(u16_at(body, 0)?);
    let chars = body.len() - head;
    let present = if biff8 && u8_at(body, 2)? & 1 == 1 {
        chars / 2
    } else {
        chars
    };
    let cch = u16::try_from(cch.min(present)).ok()?;
    let mut s = body.to_vec();
    s.get_mut(..2)?.copy_from_slice(&cch.to_le_bytes());
    Some(s)
}

/// The characters an XLUnicodeString declares, at most.
fn string_units(s: &[u8]) -> usize {
    usize::from(u16_at(s, 0).unwrap_or(0))
}

/// The SST (shared strings) as calamine's `parse_sst` reads it, checked where it would panic;
/// returns each string's length in characters.
fn check_sst(data: &[u8], conts: &[&[u8]]) -> Result<Vec<u32>, ImportError> {
    struct Reader<'a> {
        data: &'a [u8],
        conts: &'a [&'a [u8]],
        next: usize,
    }
    impl<'a> Reader<'a> {
        fn cont(&mut self) -> bool {
            match self.conts.get(self.next) {
                Some(c) => {
                    self.data = c;
                    self.next += 1;
                    true
                }
                None => false,
            }
        }
        fn skip(&mut self, mut len: usize) -> Result<(), ImportError> {
            while len > 0 {
                if self.data.is_empty() && !self.cont() {
                    return Err(damaged_x("SST string past its record"));
                }
                let l = len.min(self.data.len());
                self.data = self.data.get(l..).unwrap_or_default();
                len -= l;
            }
            Ok(())
        }
        fn advance(&mut self, n: usize) -> Result<(), ImportError> {
            self.data = self
                .data
                .get(n..)
                .ok_or_else(|| damaged_x("SST string header"))?;
            Ok(())
        }
    }
    let mut r = Reader {
        data: data.get(8..).ok_or_else(|| damaged_x("SST record"))?,
        conts,
        next: 0,
    };
    let mut strings = Vec::new();
    let mut text = 0usize;
    while !r.data.is_empty() || r.cont() {
        if strings.len() >= limits::MAX_SHARED_STRINGS {
            return Err(ImportError::TooManyStrings {
                strings: strings.len() + 1,
                limit: limits::MAX_SHARED_STRINGS,
            });
        }
        if r.data.is_empty() {
            strings.push(0);
            continue;
        }
        let cch = usize::from(le16(r.data, 0)?);
        let flags = u8_at(r.data, 2).ok_or_else(|| damaged_x("SST string header"))?;
        r.advance(3)?;
        let mut high = flags & 1 != 0;
        let mut runs = 0usize;
        let mut ext = 0usize;
        if flags & 0x8 != 0 {
            runs = usize::from(le16(r.data, 0)?);
            r.advance(2)?;
        }
        if flags & 0x4 != 0 {
            let v = u32_at(r.data, 0).ok_or_else(|| damaged_x("SST string header"))?;
            // calamine: `read_i32(..) as usize`, sign-extended.
            ext = i32::from_le_bytes(v.to_le_bytes()) as isize as usize;
            r.advance(4)?;
        }
        let mut left = cch;
        while left > 0 {
            let l = if high {
                (r.data.len() / 2).min(left)
            } else {
                r.data.len().min(left)
            };
            r.advance(if high { 2 * l } else { l })?;
            left -= l;
            if left > 0 {
                if !r.cont() {
                    return Err(damaged_x("SST string past its record"));
                }
                high = u8_at(r.data, 0).ok_or_else(|| damaged_x("empty CONTINUE in SST"))? & 1 != 0;
                r.advance(1)?;
            }
        }
        r.skip(runs * 4)?;
        r.skip(ext)?;
        if cch > limits::MAX_CELL_CHARS {
            return Err(ImportError::TextTooLong {
                sheet: "SST".to_string(),
                chars: cch,
                limit: limits::MAX_CELL_CHARS,
            });
        }
        text = text.saturating_add(cch.saturating_mul(3));
        if text > limits::MAX_TEXT_BYTES {
            return Err(ImportError::TooMuchText {
                bytes: text,
                limit: limits::MAX_TEXT_BYTES,
            });
        }
        strings.push(u32::try_from(cch).unwrap_or(u32::MAX));
    }
    Ok(strings)
}

/// The extent of one sheet's cells, checked against the limits as cells are added.
struct Extent<'a> {
    name: &'a str,
    rows: usize,
    cols: usize,
    merges: usize,
}

impl Extent<'_> {
    fn cell(&mut self, row: u16, col: u16, budget: &Budget) -> Result<(), ImportError> {
        self.rows = self.rows.max(usize::from(row) + 1);
        self.cols = self.cols.max(usize::from(col) + 1);
        limits::check_extent(self.name, self.rows, self.cols)?;
        budget.check_cells(self.rows.saturating_mul(self.cols))
    }
}

fn copy_sheet(
    stream: &[u8],
    sheet: &SheetRef,
    g: &Globals2,
    xf: &XfCodes,
    codes: &mut SheetCodes,
    out: &mut Vec<u8>,
    budget: &mut Budget,
) -> Result<(), ImportError> {
    let mut ext = Extent {
        name: &sheet.name,
        rows: 0,
        cols: 0,
        merges: 0,
    };
    let mut pos = sheet.pos;
    let mut seen_bof = false;
    let mut depth = 0usize;
    // calamine's `fmla_pos`: where a STRING record's text goes.
    let mut fmla: [u8; 6] = [0; 6];
    let text_units = |units: usize| units.saturating_mul(3);
    while let Some((rec, next)) = full_record_at(stream, pos)? {
        pos = next;
        let d = rec.data;
        if depth > 0 {
            match rec.typ {
                BOF => depth += 1,
                EOF => depth -= 1,
                _ => {}
            }
            continue;
        }
        let head = d.get(..6);
        let rc = || -> Result<(u16, u16), ImportError> { Ok((le16(d, 0)?, le16(d, 2)?)) };
        match rec.typ {
            BOF => {
                if seen_bof {
                    depth += 1;
                } else {
                    seen_bof = true;
                    push_record(out, BOF, &[d])?;
                }
            }
            NUMBER | RK | LABELSST | BOOLERR => {
                let min = match rec.typ {
                    NUMBER => 14,
                    RK | LABELSST => 10,
                    _ => 8,
                };
                if d.len() < min {
                    return Err(damaged_x("cell record too short"));
                }
                let (row, col) = rc()?;
                if rec.typ == LABELSST {
                    let i = u32_at(d, 6).unwrap_or(u32::MAX) as usize;
                    let Some(&units) = g.sst.get(i) else { continue };
                    budget.add_bytes(text_units(units as usize))?;
                }
                ext.cell(row, col, budget)?;
                if matches!(rec.typ, NUMBER | RK) {
                    codes.set(row, col, xf.index(le16(d, 4)?));
                }
                push_record(out, rec.typ, &[d])?;
            }
            LABEL | RSTRING => {
                let (Some(head), Some(body)) = (head, d.get(6..)) else {
                    return Err(damaged_x("LABEL record too short"));
                };
                let s = clamp_xl_unicode_string(body, g.biff8)
                    .ok_or_else(|| damaged_x("LABEL string"))?;
                let (row, col) = rc()?;
                check_units(&sheet.name, string_units(&s), g.biff8)?;
                budget.add_bytes(text_units(string_units(&s)))?;
                ext.cell(row, col, budget)?;
                push_record(out, LABEL, &[head, &s])?;
            }
            FORMULA => {
                if d.len() < 20 {
                    return Err(damaged_x("FORMULA record too short"));
                }
                let (row, col) = rc()?;
                let head = d.get(..6).unwrap_or_default();
                fmla.copy_from_slice(head);
                let value = d.get(6..14).unwrap_or_default();
                let tagged = value.get(6..8) == Some(&[0xFF, 0xFF][..]);
                let kind = value.first().copied().unwrap_or(0);
                let extra = value.get(2).copied().unwrap_or(0);
                match (tagged, kind) {
                    (false, _) => {
                        ext.cell(row, col, budget)?;
                        codes.set(row, col, xf.index(le16(d, 4)?));
                        push_record(out, NUMBER, &[head, value])?;
                    }
                    (true, 0) => {} // the text is in the STRING record that follows
                    (true, 1) => {
                        ext.cell(row, col, budget)?;
                        push_record(out, BOOLERR, &[head, &[extra, 0]])?;
                    }
                    (true, 2) => {
                        ext.cell(row, col, budget)?;
                        push_record(out, BOOLERR, &[head, &[extra, 1]])?;
                    }
                    (true, 3) => {
                        ext.cell(row, col, budget)?;
                        let empty: &[u8] = if g.biff8 { &[0, 0, 0] } else { &[0, 0] };
                        push_record(out, LABEL, &[head, empty])?;
                    }
                    _ => return Err(damaged_x("FORMULA value")),
                }
            }
            STRING => {
                let s = clamp_xl_unicode_string(d, g.biff8)
                    .ok_or_else(|| damaged_x("STRING record"))?;
                let (row, col) = (le16(&fmla, 0)?, le16(&fmla, 2)?);
                check_units(&sheet.name, string_units(&s), g.biff8)?;
                budget.add_bytes(text_units(string_units(&s)))?;
                ext.cell(row, col, budget)?;
                push_record(out, LABEL, &[&fmla, &s])?;
            }
            MULRK => {
                if d.len() < 6 {
                    return Err(damaged_x("MULRK record too short"));
                }
                let (row, first) = rc()?;
                let last = le16(d, d.len() - 2)?;
                if last < first || d.len() != 6 + 6 * (usize::from(last) - usize::from(first) + 1) {
                    return Err(damaged_x("MULRK record"));
                }
                ext.cell(row, first, budget)?;
                ext.cell(row, last, budget)?;
                let cells = d.get(4..d.len() - 2).unwrap_or_default();
                for (col, cell) in (first..=last).zip(cells.chunks_exact(6)) {
                    codes.set(row, col, xf.index(le16(cell, 0)?));
                }
                push_record(out, MULRK, &[d])?;
            }
            MERGECELLS => {
                let count = usize::from(le16(d, 0)?);
                let count = count.min((d.len() - 2) / 8);
                ext.merges = ext.merges.saturating_add(count);
                limits::check_merges(&sheet.name, ext.merges)?;
                let n = u16::try_from(count).unwrap_or(0).to_le_bytes();
                let body = d.get(2..2 + 8 * count).unwrap_or_default();
                push_record(out, MERGECELLS, &[&n, body])?;
            }
            EOF => break,
            _ => {}
        }
    }
    if !seen_bof {
        // calamine reads no BOF record of a sheet; an empty sheet needs none either.
    }
    push_record(out, EOF, &[])?;
    budget.add_sheet(ext.rows.saturating_mul(ext.cols))
}

/// A cell's declared characters against [`limits::MAX_CELL_CHARS`] (bytes of a DBCS codepage
/// before BIFF8: up to two per character).
fn check_units(sheet: &str, units: usize, biff8: bool) -> Result<(), ImportError> {
    let chars = if biff8 { units } else { units / 2 };
    if chars > limits::MAX_CELL_CHARS {
        return Err(ImportError::TextTooLong {
            sheet: sheet.to_string(),
            chars,
            limit: limits::MAX_CELL_CHARS,
        });
    }
    Ok(())
}

/// A version 4 compound file (4096-byte sectors) with one stream named `Workbook`: the header,
/// the stream (at least 4096 bytes, so it is not a mini stream), one directory sector and the
/// FAT. Sector ids: the stream first, then the directory, then the FAT.
///
/// `file` holds [`CFB_SECTOR`] bytes of room for the header, then the stream; the header is
/// written in place and the rest appended.
fn compound_file(mut file: Vec<u8>) -> Result<Vec<u8>, ImportError> {
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

#[cfg(test)]
mod tests {
    use super::*;
    use calamine::{Data, Reader as _, Xls};
    use std::io::Cursor;

    const LIUWAN: &str = "liuwan-township-2022-text-numbers.xls";
    const QINGLAN: &str = "qinglan-county-2021-2022-progress.xls";

    fn fixture(name: &str) -> Vec<u8> {
        let path = format!("{}/tests/fixtures/{name}", env!("CARGO_MANIFEST_DIR"));
        std::fs::read(&path).expect(&path)
    }

    /// The codes read while the records are checked are those of the separate reader.
    #[test]
    fn checked_walk_reads_the_same_formats_as_cell_formats() {
        for name in [LIUWAN, QINGLAN] {
            let bytes = fixture(name);
            let expected = cell_formats(&bytes).unwrap();
            let checked = checked_with_formats(&bytes).unwrap();
            assert_eq!(checked.sheets.len(), expected.len(), "{name}");
            let mut shared = 0;
            for ((n, codes), (m, map)) in checked.sheets.iter().zip(&expected) {
                assert_eq!(n, m, "{name}");
                assert_eq!(codes.len(), map.len(), "{name} {n}");
                for (&(r, c), code) in map {
                    let got = codes.get(r, c, &checked.codes);
                    assert_eq!(got.as_deref(), Some(code.as_str()), "{name} {n} ({r}, {c})");
                }
                shared += map.len();
            }
            assert!(shared > 0, "{name} has formatted numbers");
            assert_eq!(checked.file, checked_for_calamine(&bytes).unwrap());
        }
    }

    fn only_sheet(bytes: &[u8], name: &str) -> CellFormats {
        let mut sheets = cell_formats(bytes).unwrap();
        assert_eq!(sheets.len(), 1);
        let (n, f) = sheets.remove(0);
        assert_eq!(n, name);
        f
    }

    #[test]
    fn liuwan_d5_is_percent_with_one_decimal() {
        let f = only_sheet(&fixture(LIUWAN), "重点指标");
        assert_eq!(f.get(&(4, 3)).map(String::as_str), Some("0.0%"));
        // Every other cell is text, so D5 is the only numeric cell.
        assert_eq!(f.len(), 1, "{f:?}");
    }

    #[test]
    fn qinglan_formats_show_the_written_decimals() {
        let f = only_sheet(&fixture(QINGLAN), "2021-2022年监测");
        let at = |r, c| f.get(&(r, c)).map(String::as_str);
        assert_eq!(at(5, 7), Some("0.0")); // H6 203.5 (seq 1, 2021)
        assert_eq!(at(7, 7), Some("0.00")); // H8 10.62 (seq 3)
        assert_eq!(at(19, 4), Some("0.00")); // E20 2.31 (seq 15 base)
        assert_eq!(at(19, 9), Some("0.00")); // J20 2.55
        assert_eq!(at(23, 7), Some("0.000")); // H24 0.471 (seq 19)
        assert_eq!(at(15, 7), Some("0")); // H16 38105 (seq 11)
                                          // Text cells have no format: J16 `40120`, J14 `—`, H7 `9.1%`, headers.
        assert_eq!(at(15, 9), None);
        assert_eq!(at(13, 9), None);
        assert_eq!(at(6, 7), None);
        assert_eq!(at(2, 0), None);
    }

    /// Every cell given a format is a number for calamine, at the same position.
    #[test]
    fn formats_sit_on_calamines_numbers() {
        for name in [LIUWAN, QINGLAN] {
            let bytes = fixture(name);
            let sheets = cell_formats(&bytes).unwrap();
            let mut wb: Xls<_> = Xls::new(Cursor::new(bytes)).unwrap();
            assert_eq!(
                wb.sheet_names(),
                sheets.iter().map(|(n, _)| n.clone()).collect::<Vec<_>>()
            );
            for (sheet, formats) in &sheets {
                let range = wb.worksheet_range(sheet).unwrap();
                assert!(!formats.is_empty());
                for &(r, c) in formats.keys() {
                    let value = range.get_value((r, c));
                    assert!(
                        matches!(value, Some(Data::Float(_) | Data::Int(_))),
                        "{name} ({r}, {c}): {value:?}"
                    );
                }
            }
        }
    }

    fn rec(typ: u16, data: &[u8]) -> Vec<u8> {
        let mut out = typ.to_le_bytes().to_vec();
        out.extend_from_slice(&(data.len() as u16).to_le_bytes());
        out.extend_from_slice(data);
        out
    }

    fn cell(row: u16, col: u16, xf: u16, rest: &[u8]) -> Vec<u8> {
        let mut d = [row, col, xf]
            .iter()
            .flat_map(|v| v.to_le_bytes())
            .collect::<Vec<_>>();
        d.extend_from_slice(rest);
        d
    }

    /// A tiny BIFF8 workbook stream: custom formats (one UTF-16), NUMBER, RK, MULRK, numeric
    /// and string FORMULA, and a chart substream whose cells must be skipped.
    fn tiny_biff() -> Vec<u8> {
        let bof = |dt: u16| {
            let mut d = vec![0x00, 0x06];
            d.extend_from_slice(&dt.to_le_bytes());
            d.extend_from_slice(&[0; 12]);
            rec(BOF, &d)
        };
        let mut globals = bof(0x0005);
        let mut f164 = 164u16.to_le_bytes().to_vec();
        f164.extend_from_slice(&5u16.to_le_bytes());
        f164.push(0);
        f164.extend_from_slice(b"0.000");
        globals.extend(rec(FORMAT, &f164));
        let wan: Vec<u16> = "0.0\"万\"".encode_utf16().collect();
        let mut f165 = 165u16.to_le_bytes().to_vec();
        f165.extend_from_slice(&(wan.len() as u16).to_le_bytes());
        f165.push(1);
        f165.extend(wan.iter().flat_map(|u| u.to_le_bytes()));
        globals.extend(rec(FORMAT, &f165));
        for ifmt in std::iter::repeat_n(0u16, 17).chain([164, 165, 10]) {
            let mut xf = vec![0, 0];
            xf.extend_from_slice(&ifmt.to_le_bytes());
            globals.extend(rec(XF, &xf));
        }
        let name: Vec<u16> = "表1".encode_utf16().collect();
        let sheet_record_len = 4 + 8 + 2 * name.len();
        let sheet_pos = globals.len() + sheet_record_len + 4;
        let mut bs = (sheet_pos as u32).to_le_bytes().to_vec();
        bs.extend_from_slice(&[0, 0, name.len() as u8, 1]);
        bs.extend(name.iter().flat_map(|u| u.to_le_bytes()));
        globals.extend(rec(BOUNDSHEET8, &bs));
        globals.extend(rec(EOF, &[]));
        assert_eq!(globals.len(), sheet_pos);

        let mut sheet = bof(0x0010);
        sheet.extend(rec(NUMBER, &cell(0, 0, 17, &1.5f64.to_le_bytes())));
        sheet.extend(rec(RK, &cell(1, 1, 18, &[0; 4])));
        let mut mulrk = cell(2, 0, 19, &[0; 4]);
        mulrk.extend_from_slice(&cell(0, 0, 17, &[0; 4])[..2]);
        mulrk.extend_from_slice(&[0; 4]);
        mulrk.extend_from_slice(&17u16.to_le_bytes());
        mulrk.extend_from_slice(&[0; 4]);
        mulrk.extend_from_slice(&2u16.to_le_bytes());
        sheet.extend(rec(MULRK, &mulrk));
        let mut number = 2.5f64.to_le_bytes().to_vec();
        number.extend_from_slice(&[0; 6]);
        sheet.extend(rec(FORMULA, &cell(3, 0, 19, &number)));
        let mut string = vec![0, 0, 0, 0, 0, 0, 0xFF, 0xFF];
        string.extend_from_slice(&[0; 6]);
        sheet.extend(rec(FORMULA, &cell(3, 1, 19, &string)));
        sheet.extend(bof(0x0020));
        sheet.extend(rec(NUMBER, &cell(9, 9, 17, &[0; 8])));
        sheet.extend(rec(EOF, &[]));
        sheet.extend(rec(EOF, &[]));
        globals.extend(sheet);
        globals
    }

    /// Issue 14: a file whose last sector is short (its padding left out) is read.
    #[test]
    fn a_short_last_sector_is_read() {
        let biff = tiny_biff();
        // The mini stream is declared in whole 64-byte mini sectors: its padding is what is cut.
        assert!(!matches!(biff.len() % 64, 0 | 63));
        let mut bytes = tiny_cfb(&biff);
        // The last sector holds the mini stream; keep the workbook's bytes, cut the padding.
        bytes.truncate(512 * 4 + biff.len() + 1);
        assert!(bytes.len() < 512 * 5);
        assert_eq!(
            cell_formats(&bytes).map(|s| s.len()),
            cell_formats(&tiny_cfb(&biff)).map(|s| s.len())
        );
        assert!(checked_for_calamine(&bytes).is_ok());
        // More than a sector missing is still damaged.
        bytes.truncate(512 * 3 + 10);
        assert!(cell_formats(&bytes).is_err());
    }

    /// A version-3 compound file holding `stream` as "Workbook" in its mini stream.
    fn tiny_cfb(stream: &[u8]) -> Vec<u8> {
        assert!(stream.len() <= 512);
        let mut file = vec![0u8; 512 * 5];
        let put16 =
            |f: &mut Vec<u8>, at: usize, v: u16| f[at..at + 2].copy_from_slice(&v.to_le_bytes());
        let put32 =
            |f: &mut Vec<u8>, at: usize, v: u32| f[at..at + 4].copy_from_slice(&v.to_le_bytes());
        file[..8].copy_from_slice(&CFB_MAGIC);
        put16(&mut file, 0x18, 0x3E);
        put16(&mut file, 0x1A, 3);
        put16(&mut file, 0x1C, 0xFFFE);
        put16(&mut file, 0x1E, 9);
        put16(&mut file, 0x20, 6);
        put32(&mut file, 0x2C, 1); // one FAT sector
        put32(&mut file, 0x30, 1); // directory in sector 1
        put32(&mut file, 0x38, 4096);
        put32(&mut file, 0x3C, 2); // mini FAT in sector 2
        put32(&mut file, 0x40, 1);
        put32(&mut file, 0x44, END_OF_CHAIN);
        for i in 0..109 {
            put32(&mut file, 0x4C + 4 * i, if i == 0 { 0 } else { FREE_SECT });
        }
        // FAT (sector 0): itself, then three one-sector chains.
        let fat = 512;
        for i in 0..128 {
            put32(&mut file, fat + 4 * i, FREE_SECT);
        }
        put32(&mut file, fat, 0xFFFF_FFFD);
        for i in 1..4 {
            put32(&mut file, fat + 4 * i, END_OF_CHAIN);
        }
        // Directory (sector 1): root, then Workbook.
        let dir = 1024;
        let mut entry = |index: usize, name: &str, typ: u8, child: u32, start: u32, size: u32| {
            let at = dir + 128 * index;
            let units: Vec<u16> = name.encode_utf16().chain([0]).collect();
            for (k, u) in units.iter().enumerate() {
                put16(&mut file, at + 2 * k, *u);
            }
            put16(&mut file, at + 64, (2 * units.len()) as u16);
            file[at + 66] = typ;
            put32(&mut file, at + 68, NO_STREAM);
            put32(&mut file, at + 72, NO_STREAM);
            put32(&mut file, at + 76, child);
            put32(&mut file, at + 116, start);
            put32(&mut file, at + 120, size);
        };
        let minis = stream.len().div_ceil(64) as u32;
        entry(0, "Root Entry", 5, 1, 3, minis * 64);
        entry(1, "Workbook", 2, NO_STREAM, 0, stream.len() as u32);
        // Mini FAT (sector 2): one chain over the mini sectors.
        let mini_fat = 1536;
        for i in 0..128u32 {
            let next = if i + 1 < minis {
                i + 1
            } else if i + 1 == minis {
                END_OF_CHAIN
            } else {
                FREE_SECT
            };
            put32(&mut file, mini_fat + 4 * i as usize, next);
        }
        // Mini stream (sector 3).
        file[2048..2048 + stream.len()].copy_from_slice(stream);
        file
    }

    #[test]
    fn records_of_a_small_workbook_in_the_mini_stream() {
        let f = only_sheet(&tiny_cfb(&tiny_biff()), "表1");
        let at = |r, c| f.get(&(r, c)).map(String::as_str);
        assert_eq!(at(0, 0), Some("0.000")); // NUMBER, custom format
        assert_eq!(at(1, 1), Some("0.0\"万\"")); // RK, UTF-16 format code
        assert_eq!(at(2, 0), Some("0.00%")); // MULRK, built-in 10
        assert_eq!(at(2, 1), None); // MULRK, General
        assert_eq!(at(2, 2), Some("0.000"));
        assert_eq!(at(3, 0), Some("0.00%")); // FORMULA with a number
        assert_eq!(at(3, 1), None); // FORMULA with a string
        assert_eq!(at(9, 9), None); // inside the chart substream
        assert_eq!(f.len(), 5);
    }

    #[test]
    fn biff5_is_unsupported() {
        let mut biff = tiny_biff();
        biff[4..6].copy_from_slice(&0x0500u16.to_le_bytes());
        assert_eq!(
            cell_formats(&tiny_cfb(&biff)),
            Err(XlsFormatError::Unsupported { version: 0x0500 })
        );
    }

    #[test]
    fn filepass_is_encrypted() {
        let mut bytes = fixture(LIUWAN);
        // The globals' BOF (BIFF8, 16 bytes), then turn the next record into FILEPASS.
        let bof = [0x09, 0x08, 0x10, 0x00, 0x00, 0x06];
        let at = bytes.windows(6).position(|w| w == bof).unwrap();
        bytes[at + 20] = 0x2F;
        bytes[at + 21] = 0x00;
        assert_eq!(cell_formats(&bytes), Err(XlsFormatError::Encrypted));
    }

    #[test]
    fn garbage_is_an_error() {
        assert_eq!(cell_formats(b""), Err(XlsFormatError::NotCfb));
        assert_eq!(cell_formats(b"%PDF-1.4"), Err(XlsFormatError::NotCfb));
        let noise: Vec<u8> = (0..10_000u32)
            .map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8)
            .collect();
        assert_eq!(cell_formats(&noise), Err(XlsFormatError::NotCfb));
        let mut fake = CFB_MAGIC.to_vec();
        fake.extend_from_slice(&noise);
        assert!(cell_formats(&fake).is_err());
    }

    #[test]
    fn truncated_files_are_errors_and_never_panic() {
        for name in [LIUWAN, QINGLAN] {
            let bytes = fixture(name);
            for len in (0..bytes.len()).step_by(37) {
                let result = cell_formats(&bytes[..len]);
                // Only unused trailing sectors may be cut without losing the workbook.
                if result.is_ok() {
                    assert!(len > bytes.len() / 2, "{name}: {len} bytes read");
                }
            }
        }
    }

    #[test]
    fn corrupted_tiny_workbook_never_panics() {
        let bytes = tiny_cfb(&tiny_biff());
        for i in 0..bytes.len() {
            for value in [0x00, 0x01, 0x7F, 0xFE, 0xFF] {
                let mut damaged = bytes.clone();
                damaged[i] = value;
                let _ = cell_formats(&damaged);
            }
        }
    }

    #[test]
    fn a_looping_fat_chain_is_an_error() {
        let mut bytes = tiny_cfb(&tiny_biff());
        // The directory's chain (sector 1) points back to itself.
        bytes[512 + 4..512 + 8].copy_from_slice(&1u32.to_le_bytes());
        assert_eq!(
            cell_formats(&bytes),
            Err(XlsFormatError::Damaged("FAT chain loops"))
        );
    }

    #[test]
    fn corrupted_bytes_never_panic() {
        for name in [LIUWAN, QINGLAN] {
            let bytes = fixture(name);
            for i in (0..bytes.len()).step_by(29) {
                for value in [0x00, 0xFF, 0x7F, 0xFE] {
                    let mut damaged = bytes.clone();
                    damaged[i] = value;
                    let _ = cell_formats(&damaged);
                }
            }
        }
    }
}
