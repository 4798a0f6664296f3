//! BIFF records as calamine reads them: the record types the check knows, a record with its
//! CONTINUE records, the strings inside records, and writing a record back.

use super::{damaged_x, u16_at, u8_at};
use crate::error::ImportError;
use crate::io::limits;
use encoding_rs::Encoding;

pub(super) const BOF: u16 = 0x0809;
pub(super) const EOF: u16 = 0x000A;
pub(super) const FILEPASS: u16 = 0x002F;
pub(super) const FORMAT: u16 = 0x041E;
pub(super) const XF: u16 = 0x00E0;
pub(super) const BOUNDSHEET8: u16 = 0x0085;
pub(super) const NUMBER: u16 = 0x0203;
pub(super) const RK: u16 = 0x027E;
pub(super) const MULRK: u16 = 0x00BD;
pub(super) const FORMULA: u16 = 0x0006;
pub(super) const BIFF8: u16 = 0x0600;
const CONTINUE: u16 = 0x003C;
pub(super) const CODEPAGE: u16 = 0x0042;
pub(super) const DATEMODE: u16 = 0x0022;
pub(super) const SST: u16 = 0x00FC;
pub(super) const LABEL: u16 = 0x0204;
pub(super) const RSTRING: u16 = 0x00D6;
pub(super) const BOOLERR: u16 = 0x0205;
pub(super) const STRING: u16 = 0x0207;
pub(super) const LABELSST: u16 = 0x00FD;
pub(super) const MERGECELLS: u16 = 0x00E5;

/// The most CONTINUE records one record may have (an SST of 64 MiB has about 8,000).
const MAX_CONTINUES: usize = 65_536;

pub(super) fn le16(b: &[u8], off: usize) -> Result<u16, ImportError> {
    u16_at(b, off).ok_or_else(|| damaged_x("record too short"))
}

/// A record as calamine's record iterator yields it: its data, the CONTINUE records right
/// after it, and its whole span in the stream.
pub(super) struct FullRecord<'a> {
    pub(super) typ: u16,
    pub(super) data: &'a [u8],
    pub(super) conts: Vec<&'a [u8]>,
    pub(super) raw: &'a [u8],
}

/// The record at `pos`, the way calamine's `RecordIter` reads it (a CONTINUE is attached only
/// when more than 4 bytes follow).
pub(super) fn full_record_at(
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

pub(super) fn push_record(out: &mut Vec<u8>, typ: u16, parts: &[&[u8]]) -> Result<(), ImportError> {
    let len: usize = parts.iter().map(|p| p.len()).sum();
    let len = u16::try_from(len).map_err(|_| damaged_x("record too long"))?;
    out.extend_from_slice(&typ.to_le_bytes());
    out.extend_from_slice(&len.to_le_bytes());
    for p in parts {
        out.extend_from_slice(p);
    }
    Ok(())
}

/// A BIFF8 string body: a flags byte (bit 0: two bytes per character) and `cch` characters.
/// Characters cut off by the end of the record (continued in a CONTINUE record, which a
/// format code or sheet name never needs) are dropped.
pub(super) fn xl_string(body: &[u8], cch: usize) -> Option<String> {
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

/// A sheet name (ShortXLUnicodeString), for messages only.
pub(super) fn short_string_lossy(body: &[u8], biff8: bool) -> String {
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
pub(super) fn clamp_xl_unicode_string(body: &[u8], biff8: bool) -> Option<Vec<u8>> {
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

/// The text of an XLUnicodeString as [`clamp_xl_unicode_string`] leaves it: in BIFF8 UTF-16
/// (or Latin-1 where its flags say one byte per character; an unpaired surrogate becomes
/// U+FFFD), before BIFF8 the bytes in the workbook's code page `encoding`.
pub(super) fn xl_unicode_text(s: &[u8], biff8: bool, encoding: &'static Encoding) -> String {
    let cch = string_units(s);
    if biff8 {
        xl_string(s.get(2..).unwrap_or_default(), cch).unwrap_or_default()
    } else {
        let bytes = s.get(2..).unwrap_or_default();
        let bytes = bytes.get(..cch.min(bytes.len())).unwrap_or_default();
        if encoding == encoding_rs::UTF_16LE || encoding == encoding_rs::UTF_16BE {
            // calamine widens each byte to a UTF-16 unit: Latin-1.
            bytes.iter().map(|&b| char::from(b)).collect()
        } else {
            encoding.decode_without_bom_handling(bytes).0.into_owned()
        }
    }
}

/// The characters an XLUnicodeString declares, at most.
pub(super) fn string_units(s: &[u8]) -> usize {
    usize::from(u16_at(s, 0).unwrap_or(0))
}

/// A cell's declared characters against [`limits::MAX_CELL_CHARS`] (bytes of a DBCS codepage
/// before BIFF8: up to two per character).
pub(super) fn check_units(sheet: &str, units: usize, biff8: bool) -> Result<(), ImportError> {
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
