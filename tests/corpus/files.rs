//! Writing a case as a real file: CSV (UTF-8, UTF-8 with BOM, GBK), .xlsx with merges
//! (rust_xlsxwriter) and .xls (BIFF8 in a compound file, written here).

use super::gen::{Case, FileKind};
use super::rng::Rng;
use rust_xlsxwriter::{DocProperties, ExcelDateTime, Format, Workbook};
use zhibiao::plan::RawCell;
use zhibiao::table::grid::{display_number, Sheet};

/// The share of cases written as files.
const FILE_SHARE: f64 = 0.12;

/// Writes some cases as files, and tags them.
pub fn maybe_write(case: &mut Case, rng: &mut Rng) {
    if !rng.chance(FILE_SHARE) {
        case.tags.push("input=sheet".into());
        return;
    }
    let csv_ok = case.truth.parent_col.is_none() && every_header_row_has_text(case);
    let kinds: &[FileKind] = if csv_ok {
        &[
            FileKind::CsvUtf8,
            FileKind::CsvUtf8Bom,
            FileKind::CsvGbk,
            FileKind::Xlsx,
            FileKind::Xlsx,
            FileKind::Xls,
            FileKind::Xls,
        ]
    } else {
        &[FileKind::Xlsx, FileKind::Xls]
    };
    let mut kind = *rng.pick(kinds);
    let bytes = match kind {
        FileKind::CsvUtf8 => csv_text(&case.sheet, rng.chance(0.5)).into_bytes(),
        FileKind::CsvUtf8Bom => {
            let mut b = vec![0xEF, 0xBB, 0xBF];
            b.extend(csv_text(&case.sheet, rng.chance(0.5)).into_bytes());
            b
        }
        FileKind::CsvGbk => {
            let t = csv_text(&case.sheet, rng.chance(0.5));
            let (bytes, _, unmappable) = encoding_rs::GBK.encode(&t);
            if unmappable {
                kind = FileKind::CsvUtf8;
                t.into_bytes()
            } else {
                bytes.into_owned()
            }
        }
        FileKind::Xlsx => xlsx(&case.sheet),
        FileKind::Xls => xls(&case.sheet),
    };
    case.tags.push("input=file".into());
    case.tags.push(kind.tag().into());
    case.tags.sort();
    case.file = Some((kind, bytes));
}

/// A CSV loses merges: a header row left with no text of its own would become a blank row.
fn every_header_row_has_text(case: &Case) -> bool {
    (case.truth.header_first..=case.truth.header_last).all(|r| {
        case.sheet
            .rows
            .get(r)
            .is_some_and(|row| row.iter().any(|c| !matches!(c, RawCell::Empty)))
    })
}

fn shown(cell: &RawCell) -> String {
    match cell {
        RawCell::Empty => String::new(),
        RawCell::Text { s } => s.to_string(),
        RawCell::Number { n, format } => display_number(*n, format.as_deref()),
    }
}

/// The sheet as CSV, cells as displayed, every row as wide as the sheet.
fn csv_text(sheet: &Sheet, crlf: bool) -> String {
    let width = sheet.width();
    let eol = if crlf { "\r\n" } else { "\n" };
    let mut out = String::new();
    for row in &sheet.rows {
        let fields: Vec<String> = (0..width)
            .map(|c| {
                let s = row.get(c).map(shown).unwrap_or_default();
                if s.contains([',', '"', '\n', '\r']) {
                    format!("\"{}\"", s.replace('"', "\"\""))
                } else {
                    s
                }
            })
            .collect();
        out.push_str(&fields.join(","));
        out.push_str(eol);
    }
    out
}

/// The sheet as .xlsx with its merges and number formats; a fixed creation time keeps the
/// bytes the same from run to run.
fn xlsx(sheet: &Sheet) -> Vec<u8> {
    let mut wb = Workbook::new();
    if let Ok(when) = ExcelDateTime::from_ymd(2024, 1, 1) {
        wb.set_properties(&DocProperties::new().set_creation_datetime(&when));
    }
    let ws = wb.add_worksheet();
    let _ = ws.set_name(&sheet.name);
    let plain = Format::new();
    let covered = |r: usize, c: usize| {
        sheet.merges.iter().any(|m| {
            m.contains(r as u32, c as u32) && (m.first_row as usize, m.first_col as usize) != (r, c)
        })
    };
    for m in &sheet.merges {
        let top_left = sheet.cell(m.first_row as usize, m.first_col as usize);
        let _ = ws.merge_range(
            m.first_row,
            m.first_col as u16,
            m.last_row,
            m.last_col as u16,
            &shown(top_left),
            &plain,
        );
        // A number merged over cells (a year header spanning the band) stays a number.
        if let RawCell::Number { n, .. } = top_left {
            let _ = ws.write_number(m.first_row, m.first_col as u16, *n);
        }
    }
    for (r, row) in sheet.rows.iter().enumerate() {
        for (c, cell) in row.iter().enumerate() {
            if covered(r, c) || sheet.merge_at(r, c).is_some() {
                continue;
            }
            let (rr, cc) = (r as u32, c as u16);
            let _ = match cell {
                RawCell::Empty => continue,
                RawCell::Text { s } => ws.write_string(rr, cc, s.as_str()),
                RawCell::Number { n, format } => match format {
                    Some(f) => ws.write_number_with_format(
                        rr,
                        cc,
                        *n,
                        &Format::new().set_num_format(f.as_ref()),
                    ),
                    None => ws.write_number(rr, cc, *n),
                },
            };
        }
    }
    wb.save_to_buffer().unwrap_or_default()
}

// ---------------------------------------------------------------------------------------------
// .xls: BIFF8 records in a version 4 compound file (one `Workbook` stream).

fn rec(typ: u16, data: &[u8]) -> Vec<u8> {
    let mut r = typ.to_le_bytes().to_vec();
    r.extend_from_slice(&(data.len() as u16).to_le_bytes());
    r.extend_from_slice(data);
    r
}

fn bof(kind: u16) -> Vec<u8> {
    let mut d = vec![0x00, 0x06];
    d.extend_from_slice(&kind.to_le_bytes());
    d.extend_from_slice(&[0; 12]);
    rec(0x0809, &d)
}

fn label(row: u16, col: u16, s: &str) -> Vec<u8> {
    let units: Vec<u16> = s.encode_utf16().collect();
    let mut d = Vec::new();
    for v in [row, col, 15, units.len() as u16] {
        d.extend_from_slice(&v.to_le_bytes());
    }
    d.push(1);
    for u in units {
        d.extend_from_slice(&u.to_le_bytes());
    }
    rec(0x0204, &d)
}

fn num(row: u16, col: u16, v: f64) -> Vec<u8> {
    let mut d = Vec::new();
    for x in [row, col, 15] {
        d.extend_from_slice(&x.to_le_bytes());
    }
    d.extend_from_slice(&v.to_le_bytes());
    rec(0x0203, &d)
}

fn xls(sheet: &Sheet) -> Vec<u8> {
    let mut cells = Vec::new();
    for (r, row) in sheet.rows.iter().enumerate() {
        for (c, cell) in row.iter().enumerate() {
            match cell {
                RawCell::Empty => {}
                RawCell::Text { s } => cells.push(label(r as u16, c as u16, s)),
                RawCell::Number { n, .. } => cells.push(num(r as u16, c as u16, *n)),
            }
        }
    }
    for chunk in sheet.merges.chunks(1000) {
        let mut d = (chunk.len() as u16).to_le_bytes().to_vec();
        for m in chunk {
            for v in [
                m.first_row as u16,
                m.last_row as u16,
                m.first_col as u16,
                m.last_col as u16,
            ] {
                d.extend_from_slice(&v.to_le_bytes());
            }
        }
        cells.push(rec(0x00E5, &d));
    }
    // Globals: BOF, CODEPAGE 1200, one BOUNDSHEET8, EOF; then the sheet.
    let mut stream = bof(0x0005);
    stream.extend(rec(0x0042, &1200u16.to_le_bytes()));
    let units: Vec<u16> = sheet.name.encode_utf16().collect();
    let mut bs = vec![0, 0, 0, 0, 0, 0, units.len() as u8, 1];
    for u in &units {
        bs.extend_from_slice(&u.to_le_bytes());
    }
    let slot = stream.len() + 4;
    stream.extend(rec(0x0085, &bs));
    stream.extend(rec(0x000A, &[]));
    let at = (stream.len() as u32).to_le_bytes();
    stream[slot..slot + 4].copy_from_slice(&at);
    stream.extend(bof(0x0010));
    for c in cells {
        stream.extend(c);
    }
    stream.extend(rec(0x000A, &[]));
    compound_file(&stream)
}

/// A version 4 compound file (4096-byte sectors): header, the stream, one directory sector
/// (root and `Workbook`), then the FAT sectors.
fn compound_file(stream: &[u8]) -> Vec<u8> {
    const SECTOR: usize = 4096;
    const FREE: u32 = 0xFFFF_FFFF;
    const END: u32 = 0xFFFF_FFFE;
    const FAT_SECTOR: u32 = 0xFFFF_FFFD;
    let mut body = stream.to_vec();
    body.resize(body.len().max(SECTOR).div_ceil(SECTOR) * SECTOR, 0);
    let data_sectors = body.len() / SECTOR;
    let per_fat = SECTOR / 4;
    let mut fat_sectors = 1;
    while data_sectors + 1 + fat_sectors > fat_sectors * per_fat {
        fat_sectors += 1;
    }
    let put16 = |b: &mut [u8], at: usize, v: u16| b[at..at + 2].copy_from_slice(&v.to_le_bytes());
    let put32 = |b: &mut [u8], at: usize, v: u32| b[at..at + 4].copy_from_slice(&v.to_le_bytes());
    let mut header = vec![0u8; SECTOR];
    header[..8].copy_from_slice(&[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]);
    put16(&mut header, 0x18, 0x3E);
    put16(&mut header, 0x1A, 4);
    put16(&mut header, 0x1C, 0xFFFE);
    put16(&mut header, 0x1E, 12);
    put16(&mut header, 0x20, 6);
    put32(&mut header, 0x2C, fat_sectors as u32);
    put32(&mut header, 0x30, data_sectors as u32);
    put32(&mut header, 0x38, 4096);
    put32(&mut header, 0x3C, END);
    put32(&mut header, 0x44, END);
    for i in 0..109 {
        let v = if i < fat_sectors {
            (data_sectors + 1 + i) as u32
        } else {
            FREE
        };
        put32(&mut header, 0x4C + 4 * i, v);
    }
    let mut dir = vec![0u8; SECTOR];
    let entries = [
        ("Root Entry", 5u8, 1u32, 0u64),
        ("Workbook", 2, FREE, body.len() as u64),
    ];
    for (i, (name, typ, child, size)) in entries.into_iter().enumerate() {
        let at = i * 128;
        let units: Vec<u16> = name.encode_utf16().collect();
        for (k, u) in units.iter().enumerate() {
            put16(&mut dir, at + 2 * k, *u);
        }
        put16(&mut dir, at + 64, (2 * (units.len() + 1)) as u16);
        dir[at + 66] = typ;
        dir[at + 67] = 1;
        put32(&mut dir, at + 68, FREE);
        put32(&mut dir, at + 72, FREE);
        put32(&mut dir, at + 76, child);
        put32(&mut dir, at + 116, 0);
        dir[at + 120..at + 128].copy_from_slice(&size.to_le_bytes());
    }
    for i in 2..SECTOR / 128 {
        for o in [68, 72, 76] {
            put32(&mut dir, i * 128 + o, FREE);
        }
    }
    let mut fat = vec![FREE; fat_sectors * per_fat];
    for (i, f) in fat.iter_mut().enumerate().take(data_sectors) {
        *f = if i + 1 < data_sectors {
            (i + 1) as u32
        } else {
            END
        };
    }
    fat[data_sectors] = END;
    for k in 0..fat_sectors {
        fat[data_sectors + 1 + k] = FAT_SECTOR;
    }
    let mut file = header;
    file.extend(body);
    file.extend(dir);
    for v in fat {
        file.extend_from_slice(&v.to_le_bytes());
    }
    file
}
