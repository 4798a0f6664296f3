//! `.xls` workbooks (BIFF8, and the BIFF5 calamine also reads), read the way calamine reads them.
//!
//! calamine's BIFF reader trusts the file: a crafted record can make it reserve gigabytes or
//! panic. So every record is checked here, the way calamine reads it, in one walk over the
//! workbook stream that also reads what calamine does not expose (the number format of each
//! numeric cell, from the FORMAT and XF records, so that 0.50 keeps its two decimals; the look)
//! and, for the import, the cells and merged ranges themselves ([`read_paced`]): the file is
//! read once, and no second copy of the workbook is held. The walk can still hand calamine a
//! compound file rebuilt around the checked records only ([`checked_for_calamine`]): that is the
//! reference the tests compare the walk's own cells with (`differential`).
//!
//! - `cfb`: the compound file, read down to its `Workbook` stream and written again;
//! - `records`: records, CONTINUE records and strings as calamine reads them;
//! - `globals`: the workbook globals (sheets, shared strings, formats);
//! - `sheet`: one worksheet's cells.
//! - `differential` (tests): the walk's cells against calamine's reading of the checked file.
//!
//! Every read is bounds-checked, every loop is bounded by the input's length, and nothing is
//! allocated beyond a multiple of the input's size. Nothing here touches the grid or the plan.

mod cfb;
#[cfg(test)]
pub(crate) mod differential;
mod globals;
mod look;
mod records;
mod sheet;

pub use cfb::CFB_MAGIC;
pub use globals::builtin_code;
pub use sheet::{SheetCells, SheetCodes};

use crate::error::ImportError;
use crate::io::limits::Budget;
use crate::table::style::SheetStyle;
use cfb::{compound_file, workbook_stream, CFB_SECTOR};
use globals::{copy_globals, Globals, XfCodes};
use look::SheetLook;
use sheet::{copy_sheet, Found};
use std::sync::Arc;

/// The rebuilt workbook stream may not grow beyond this (besides twice the original stream).
const MAX_REBUILT_BYTES: usize = 128 * 1024 * 1024;

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
/// in the same walk over the records.
#[derive(Debug, Default)]
pub struct Checked {
    /// The compound file to hand calamine.
    pub file: Vec<u8>,
    /// The distinct format codes of the workbook (General left out), each shared by the cells
    /// that have it.
    pub codes: Vec<Arc<str>>,
    /// Per sheet, in workbook order, its name and the code of each numeric cell.
    pub sheets: Vec<(String, SheetCodes)>,
    /// Per sheet, in workbook order, its look (cell styles, widths, heights, panes, page).
    pub looks: Vec<SheetStyle>,
}

/// [`checked_for_calamine`], with the number formats of the numeric cells ([`Checked`]).
///
/// # Errors
/// As [`checked_for_calamine`]. A workbook whose formats cannot be read (not BIFF8) is not an
/// error: its cells have no codes.
pub fn checked_with_formats(bytes: &[u8]) -> Result<Checked, ImportError> {
    crate::pace::finish(checked_with_formats_paced(
        bytes,
        &mut crate::pace::Straight,
    ))
    .unwrap_or_else(|| Err(damaged_x("the check waited without a pace")))
}

/// [`checked_with_formats`] in slices: `pace` is awaited every [`crate::pace::STEP`] records
/// of a sheet.
///
/// # Errors
/// As [`checked_with_formats`].
pub async fn checked_with_formats_paced<P: crate::pace::Pace>(
    bytes: &[u8],
    pace: &mut P,
) -> Result<Checked, ImportError> {
    let (walked, _) = walk(bytes, pace, false).await?;
    Ok(Checked {
        file: compound_file(walked.file)?,
        ..walked
    })
}

/// A workbook's cells read in the same walk that checks its records ([`checked_for_calamine`]),
/// without calamine: what calamine would read from the checked records.
#[derive(Debug, Default)]
pub struct Read {
    /// Per sheet, in workbook order, its name and its cells and merged ranges (each number
    /// with its format code).
    pub sheets: Vec<(String, SheetCells)>,
    /// As [`Checked::looks`].
    pub looks: Vec<SheetStyle>,
}

/// [`Read`]: the cells, merges, formats and looks of a workbook in one walk over its records,
/// `pace` awaited every [`crate::pace::STEP`] records of a sheet.
///
/// # Errors
/// As [`checked_for_calamine`].
pub async fn read_paced<P: crate::pace::Pace>(
    bytes: &[u8],
    pace: &mut P,
) -> Result<Read, ImportError> {
    let (walked, cells) = walk(bytes, pace, true).await?;
    Ok(Read {
        sheets: walked
            .sheets
            .into_iter()
            .map(|(name, _)| name)
            .zip(cells)
            .collect(),
        looks: walked.looks,
    })
}

/// The walk over the records: the checked stream (not yet a compound file), the formats and
/// looks, and with `cells` each sheet's cells.
async fn walk<P: crate::pace::Pace>(
    bytes: &[u8],
    pace: &mut P,
    cells: bool,
) -> Result<(Checked, Vec<SheetCells>), ImportError> {
    let stream = workbook_stream(bytes)?;
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
    let mut state = Globals::default();
    copy_globals(&stream, &mut out, &mut state)?;
    let xf = XfCodes::new(&state);
    let mut budget = Budget::default();
    let sheets = std::mem::take(&mut state.sheets);
    let mut formats = Vec::with_capacity(sheets.len());
    let mut looks = Vec::with_capacity(sheets.len());
    let mut read = Vec::with_capacity(if cells { sheets.len() } else { 0 });
    // With the cells read here, each sheet's checked records are dropped once walked (nobody
    // reads them again); what they would have weighed still counts against overlapping sheets.
    let globals_len = out.len();
    let mut rebuilt = globals_len - CFB_SECTOR;
    for sheet in &sheets {
        if !cells {
            let at = out.len() - CFB_SECTOR;
            let at32 = u32::try_from(at).map_err(|_| damaged_x("workbook too large"))?;
            let slot = out
                .get_mut(sheet.slot..sheet.slot + 4)
                .ok_or_else(|| damaged_x("BOUNDSHEET8 offset"))?;
            slot.copy_from_slice(&at32.to_le_bytes());
        }
        let before = out.len();
        let mut found = Found {
            codes: SheetCodes::default(),
            look: SheetLook::new(&state.looks),
            cells: cells.then(SheetCells::default),
        };
        // The sheet's substream runs to the next one's start (or the stream's end); BIFF is
        // about half as large as the same sheet's XML (20,000 rows of the bench's plan: a
        // 5.45 MB .xls, 11.08 MB of sheet XML), and the pace's first-screen threshold is in XML.
        let end = sheets
            .iter()
            .map(|s| s.pos)
            .filter(|&p| p > sheet.pos)
            .min()
            .unwrap_or(stream.len());
        let xml_bytes = (end.saturating_sub(sheet.pos) as u64).saturating_mul(2);
        copy_sheet(
            &stream,
            sheet,
            &state,
            &xf,
            &mut found,
            &mut out,
            &mut budget,
            pace,
            xml_bytes,
        )
        .await?;
        formats.push((sheet.name.clone(), found.codes));
        looks.push(found.look.finish());
        read.extend(found.cells);
        rebuilt = rebuilt.saturating_add(out.len() - before);
        if rebuilt > MAX_REBUILT_BYTES.max(stream.len().saturating_mul(2)) {
            return Err(damaged_x("sheets overlap"));
        }
        if cells {
            out.truncate(globals_len);
        }
    }
    Ok((
        Checked {
            file: out,
            codes: xf.codes,
            sheets: formats,
            looks,
        },
        read,
    ))
}

fn damaged_x(what: &str) -> ImportError {
    ImportError::Damaged {
        detail: format!("damaged .xls: {what}"),
    }
}

// Little-endian reads that never panic.

pub(super) fn u8_at(b: &[u8], off: usize) -> Option<u8> {
    b.get(off).copied()
}

pub(super) fn u16_at(b: &[u8], off: usize) -> Option<u16> {
    let s = b.get(off..off.checked_add(2)?)?;
    Some(u16::from_le_bytes(s.try_into().ok()?))
}

pub(super) fn u32_at(b: &[u8], off: usize) -> Option<u32> {
    let s = b.get(off..off.checked_add(4)?)?;
    Some(u32::from_le_bytes(s.try_into().ok()?))
}

pub(super) fn u64_at(b: &[u8], off: usize) -> Option<u64> {
    let s = b.get(off..off.checked_add(8)?)?;
    Some(u64::from_le_bytes(s.try_into().ok()?))
}

#[cfg(test)]
mod tests {
    use super::cfb::{CFB_MAGIC, END_OF_CHAIN, FREE_SECT, NO_STREAM};
    use super::records::{BOF, BOUNDSHEET8, EOF, FORMAT, FORMULA, MULRK, NUMBER, RK, XF};
    use super::*;
    use calamine::{Data, Reader as _, Xls};
    use std::collections::HashMap;
    use std::io::Cursor;

    /// The number formats of one sheet: 0-based (row, col) → format code.
    type CellFormats = HashMap<(u32, u32), String>;

    /// The codes the checking walk reads, sheet by sheet.
    fn cell_formats(bytes: &[u8]) -> Result<Vec<(String, CellFormats)>, ImportError> {
        let checked = checked_with_formats(bytes)?;
        Ok(checked
            .sheets
            .iter()
            .map(|(name, codes)| {
                let map = codes
                    .cells(&checked.codes)
                    .map(|(r, c, code)| ((r, c), code.to_string()))
                    .collect();
                (name.clone(), map)
            })
            .collect())
    }

    fn damaged(what: &str) -> ImportError {
        ImportError::Damaged {
            detail: what.to_string(),
        }
    }

    const LIUWAN: &str = "liuwan-township-2022-text-numbers.xls";
    const QINGLAN: &str = "qinglan-county-2021-2022-progress.xls";

    fn fixture(name: &str) -> Vec<u8> {
        let path = format!("{}/tests/fixtures/{name}", env!("CARGO_MANIFEST_DIR"));
        std::fs::read(&path).expect(&path)
    }

    /// The formats come from the same walk that rebuilds the file calamine reads.
    #[test]
    fn the_walk_gives_the_file_and_the_formats_together() {
        for name in [LIUWAN, QINGLAN] {
            let bytes = fixture(name);
            let checked = checked_with_formats(&bytes).unwrap();
            assert_eq!(checked.file, checked_for_calamine(&bytes).unwrap());
            let counted: usize = checked.sheets.iter().map(|(_, c)| c.len()).sum();
            let listed: usize = checked
                .sheets
                .iter()
                .map(|(_, c)| c.cells(&checked.codes).count())
                .sum();
            assert!(counted > 0, "{name} has formatted numbers");
            assert_eq!(counted, listed, "{name}");
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
    fn biff5_cells_have_no_formats() {
        let mut biff = tiny_biff();
        biff[4..6].copy_from_slice(&0x0500u16.to_le_bytes());
        // calamine reads BIFF5 cells; their formats are not read (General everywhere).
        let sheets = cell_formats(&tiny_cfb(&biff)).unwrap();
        assert_eq!(sheets.len(), 1);
        assert!(sheets[0].1.is_empty(), "{sheets:?}");
    }

    #[test]
    fn filepass_is_encrypted() {
        let mut bytes = fixture(LIUWAN);
        // The globals' BOF (BIFF8, 16 bytes), then turn the next record into FILEPASS.
        let bof = [0x09, 0x08, 0x10, 0x00, 0x00, 0x06];
        let at = bytes.windows(6).position(|w| w == bof).unwrap();
        bytes[at + 20] = 0x2F;
        bytes[at + 21] = 0x00;
        assert_eq!(cell_formats(&bytes), Err(ImportError::XlsProtected));
    }

    #[test]
    fn garbage_is_an_error() {
        assert_eq!(cell_formats(b""), Err(damaged("not a compound file")));
        assert_eq!(
            cell_formats(b"%PDF-1.4"),
            Err(damaged("not a compound file"))
        );
        let noise: Vec<u8> = (0..10_000u32)
            .map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8)
            .collect();
        assert_eq!(cell_formats(&noise), Err(damaged("not a compound file")));
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
            Err(damaged("damaged .xls: FAT chain loops"))
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
