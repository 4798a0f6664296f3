//! The workbook globals of a BIFF stream: checked and copied for calamine, with the sheets,
//! the shared strings' sizes and the number format of each XF read on the way.

use super::look::{GlobalLooks, FONT, PALETTE};
use super::records::{
    clamp_xl_unicode_string, full_record_at, le16, push_record, short_string_lossy, xl_string,
    BIFF8, BOF, BOUNDSHEET8, CODEPAGE, DATEMODE, EOF, FILEPASS, FORMAT, SST, XF,
};
use super::{damaged_x, u16_at, u32_at, u8_at, MAX_REBUILT_BYTES};
use crate::error::ImportError;
use crate::io::limits;
use std::collections::HashMap;
use std::sync::Arc;

/// One sheet of the globals: its name, its offset in the original stream, and where its
/// offset goes in the rebuilt one.
pub(super) struct SheetRef {
    pub(super) name: String,
    pub(super) pos: usize,
    pub(super) slot: usize,
}

#[derive(Default)]
pub(super) struct Globals {
    pub(super) biff8: bool,
    pub(super) sheets: Vec<SheetRef>,
    /// The UTF-16 units (or bytes) of each SST string, for the text a LABELSST costs.
    pub(super) sst: Vec<u32>,
    /// The text of each SST string.
    pub(super) strings: Vec<String>,
    /// The code page of the workbook's byte strings (BIFF5 and older), as calamine reads it.
    pub(super) codepage: u16,
    /// Whether the stream starts with a BIFF8 BOF, the only version whose formats are read.
    formats_readable: bool,
    /// Custom format codes by format id (FORMAT records, as a FORMAT record gives them).
    formats: HashMap<u16, String>,
    /// The format id of each XF, in XF order.
    xf_formats: Vec<u16>,
    /// Fonts, colours and the XF records' look (BIFF8 only).
    pub(super) looks: GlobalLooks,
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

pub(super) fn copy_globals(
    stream: &[u8],
    out: &mut Vec<u8>,
    g: &mut Globals,
) -> Result<(), ImportError> {
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
                g.codepage = cp;
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
                if g.formats_readable {
                    g.looks.xf(d);
                }
                push_record(out, rec.typ, &[d])?;
            }
            FONT if g.formats_readable => g.looks.font(d),
            PALETTE if g.formats_readable => g.looks.palette(d),
            FORMAT => {
                if let (Some(ifmt), Some(cch)) = (u16_at(d, 0), u16_at(d, 2)) {
                    let cch = usize::from(cch).min(limits::MAX_CODE_CHARS);
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
                (g.sst, g.strings) = read_sst(d, &rec.conts)?;
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

/// The SST (shared strings) as calamine's `parse_sst` reads it, checked where it would panic;
/// returns each string's length in characters, and its text (UTF-16, or Latin-1 where a piece
/// says one byte per character; an unpaired surrogate becomes U+FFFD).
fn read_sst(data: &[u8], conts: &[&[u8]]) -> Result<(Vec<u32>, Vec<String>), ImportError> {
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
    let mut texts = Vec::new();
    let mut units: Vec<u16> = Vec::new();
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
            texts.push(String::new());
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
            let bytes = if high { 2 * l } else { l };
            let piece = r.data.get(..bytes).unwrap_or_default();
            if high {
                units.extend(piece.chunks_exact(2).map(|c| {
                    u16::from_le_bytes([
                        c.first().copied().unwrap_or(0),
                        c.last().copied().unwrap_or(0),
                    ])
                }));
            } else {
                units.extend(piece.iter().map(|&b| u16::from(b)));
            }
            r.advance(bytes)?;
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
        texts.push(String::from_utf16_lossy(&units));
        units.clear();
    }
    Ok((strings, texts))
}

/// The format code of each XF of a BIFF8 workbook, resolved once from its FORMAT and XF
/// records, built-in or custom.
#[derive(Default)]
pub(super) struct XfCodes {
    /// By XF: 0 for General or unknown, else 1 + an index into `codes`.
    by_xf: Vec<u16>,
    pub(super) codes: Vec<Arc<str>>,
}

impl XfCodes {
    pub(super) fn new(g: &Globals) -> Self {
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

    pub(super) fn index(&self, ixfe: u16) -> u16 {
        self.by_xf.get(usize::from(ixfe)).copied().unwrap_or(0)
    }
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
