//! The cells the walk reads itself ([`super::read_paced`]) against calamine's reading of the
//! checked file (the reader it replaces): the real `.xls` fixtures, and seeded generated BIFF8
//! workbooks with every cell record the walk decodes (NUMBER, RK in its four forms, MULRK,
//! LABEL, LABELSST from a shared-string table split over CONTINUE records, BOOLERR, FORMULA
//! with a number, a string, a boolean, an error or an empty string) and merged ranges.

use super::cfb::{compound_file, CFB_SECTOR};
use super::records::{
    BOF, BOOLERR, BOUNDSHEET8, CODEPAGE, EOF, FORMAT, FORMULA, LABEL, LABELSST, MERGECELLS, MULRK,
    NUMBER, RK, SST, STRING, XF,
};
use crate::io::read::testing::{both, same_cells, Rng};
use crate::io::read::{read_xls, read_xls_calamine};
use crate::pace;

/// The continuation of an SST past its first record.
const CONTINUE: u16 = 0x003C;

/// Our reading and calamine's of `bytes`: both fail, or both give the same workbook; how many
/// cells that are not empty it holds (`None` when both failed).
fn same(bytes: &[u8], what: &str) -> Option<usize> {
    let ours = pace::finish(read_xls(bytes, &mut pace::Straight)).expect("no wait");
    let (a, b) = both(ours, read_xls_calamine(bytes), what)?;
    let mut held = 0;
    assert_eq!(a.sheets.len(), b.sheets.len(), "{what}: sheets");
    for (x, y) in a.sheets.iter().zip(&b.sheets) {
        assert_eq!(x.name, y.name, "{what}: sheet name");
        assert_eq!(x.merges, y.merges, "{what}: merges of {}", x.name);
        held += same_cells(x, y, what, true);
    }
    assert_eq!(a.styles, b.styles, "{what}: looks");
    Some(held)
}

#[test]
fn the_fixtures_read_as_calamine_reads_them() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let mut seen = 0;
    for name in [
        "qinglan-county-2021-2022-progress.xls",
        "liuwan-township-2022-text-numbers.xls",
        "understanding/nbs-annual-data.xls",
    ] {
        let bytes = std::fs::read(root.join(name)).expect("fixture");
        let n = same(&bytes, name);
        assert!(n.is_some_and(|n| n > 30), "{name} read: {n:?}");
        seen += 1;
    }
    // The bench's LibreOffice plans, when generated (`cargo xtask bench --gen-only`).
    let bench = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("target/bench/data");
    for name in ["plan-2000.xls"] {
        if let Ok(bytes) = std::fs::read(bench.join(name)) {
            assert!(
                same(&bytes, name).is_some_and(|n| n > 10_000),
                "{name} read"
            );
        }
    }
    assert_eq!(seen, 3);
}

fn rec(out: &mut Vec<u8>, typ: u16, data: &[u8]) {
    out.extend_from_slice(&typ.to_le_bytes());
    out.extend_from_slice(&(data.len() as u16).to_le_bytes());
    out.extend_from_slice(data);
}

fn head(row: u16, col: u16, xf: u16) -> Vec<u8> {
    [row, col, xf]
        .iter()
        .flat_map(|v| v.to_le_bytes())
        .collect()
}

/// A random text: ASCII, Latin-1, CJK, or a mix (and now and then empty).
fn text(rng: &mut Rng) -> String {
    let len = rng.below(12) as usize;
    (0..len)
        .map(|_| match rng.below(4) {
            0 => char::from(b'a' + rng.below(26) as u8),
            1 => char::from(0xC0 + rng.below(0x3F) as u8),
            2 => char::from_u32(0x4E00 + rng.below(0x5000) as u32).unwrap_or('中'),
            _ => char::from(b'0' + rng.below(10) as u8),
        })
        .collect()
}

/// An XLUnicodeString body (cch, flags, characters), one byte per character when it can be.
fn xl_string(s: &str, rng: &mut Rng) -> Vec<u8> {
    let units: Vec<u16> = s.encode_utf16().collect();
    let high = units.iter().any(|&u| u > 0xFF) || rng.chance(30);
    let mut out = (units.len() as u16).to_le_bytes().to_vec();
    out.push(u8::from(high));
    for u in units {
        if high {
            out.extend_from_slice(&u.to_le_bytes());
        } else {
            out.push(u as u8);
        }
    }
    out
}

/// The SST of `strings`, its records split inside strings' characters now and then (each
/// continuation starting with its own flags byte, as Excel writes it).
fn sst(out: &mut Vec<u8>, strings: &[String], rng: &mut Rng) {
    let mut records: Vec<Vec<u8>> = vec![Vec::new()];
    let n = strings.len() as u32;
    records[0].extend_from_slice(&n.to_le_bytes());
    records[0].extend_from_slice(&n.to_le_bytes());
    for s in strings {
        let units: Vec<u16> = s.encode_utf16().collect();
        let needs_high = |u: &[u16]| u.iter().any(|&x| x > 0xFF);
        let mut high = needs_high(&units) || rng.chance(30);
        let last = records.last_mut().expect("a record");
        last.extend_from_slice(&(units.len() as u16).to_le_bytes());
        last.push(u8::from(high));
        let split = (units.len() > 1 && rng.chance(25))
            .then(|| 1 + rng.below(units.len() as u64 - 1) as usize);
        for (i, &u) in units.iter().enumerate() {
            if Some(i) == split {
                high = needs_high(&units[i..]) || rng.chance(50);
                records.push(vec![u8::from(high)]);
            }
            let last = records.last_mut().expect("a record");
            if high {
                last.extend_from_slice(&u.to_le_bytes());
            } else {
                last.push(u as u8);
            }
        }
    }
    for (i, r) in records.iter().enumerate() {
        rec(out, if i == 0 { SST } else { CONTINUE }, r);
    }
}

/// A generated BIFF8 workbook (as a compound file) of one or two sheets.
fn workbook(seed: u64) -> Vec<u8> {
    let mut rng = Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1);
    let bof = |dt: u16| {
        let mut d = vec![0x00, 0x06];
        d.extend_from_slice(&dt.to_le_bytes());
        d.extend_from_slice(&[0; 12]);
        d
    };
    let strings: Vec<String> = (0..1 + rng.below(30)).map(|_| text(&mut rng)).collect();
    let sheets = 1 + rng.below(2) as usize;
    // The globals, with the sheets' offsets filled in once their places are known.
    let mut globals = Vec::new();
    rec(&mut globals, BOF, &bof(0x0005));
    rec(&mut globals, CODEPAGE, &1200u16.to_le_bytes());
    let mut f164 = 164u16.to_le_bytes().to_vec();
    f164.extend_from_slice(&4u16.to_le_bytes());
    f164.push(0);
    f164.extend_from_slice(b"0.00");
    rec(&mut globals, FORMAT, &f164);
    // XF 0-16 General, 17: 0.00 (164), 18: 0% (9), 19: a date (14).
    for ifmt in std::iter::repeat_n(0u16, 17).chain([164, 9, 14]) {
        let mut xf = vec![0, 0];
        xf.extend_from_slice(&ifmt.to_le_bytes());
        xf.extend_from_slice(&[0; 16]);
        rec(&mut globals, XF, &xf);
    }
    let mut slots = Vec::new();
    for i in 0..sheets {
        let name: Vec<u16> = format!("表{}", i + 1).encode_utf16().collect();
        let mut bs = 0u32.to_le_bytes().to_vec();
        bs.extend_from_slice(&[0, 0, name.len() as u8, 1]);
        bs.extend(name.iter().flat_map(|u| u.to_le_bytes()));
        slots.push(globals.len() + 4);
        rec(&mut globals, BOUNDSHEET8, &bs);
    }
    sst(&mut globals, &strings, &mut rng);
    rec(&mut globals, EOF, &[]);

    let mut stream = globals;
    for slot in slots {
        let at = stream.len() as u32;
        stream[slot..slot + 4].copy_from_slice(&at.to_le_bytes());
        rec(&mut stream, BOF, &bof(0x0010));
        let cells = rng.below(60);
        for _ in 0..cells {
            let (row, col) = (rng.below(40) as u16, rng.below(12) as u16);
            let xf = 15 + rng.below(5) as u16;
            match rng.below(9) {
                0 => {
                    let n = (rng.next() as i64 % 1_000_000) as f64 / 7.0;
                    let mut d = head(row, col, xf);
                    d.extend_from_slice(&n.to_le_bytes());
                    rec(&mut stream, NUMBER, &d);
                }
                1 => {
                    // RK: an integer or a double's top bits, each maybe ×100.
                    let raw = rng.next() as u32;
                    let mut d = head(row, col, xf);
                    d.extend_from_slice(&raw.to_le_bytes());
                    rec(&mut stream, RK, &d);
                }
                2 => {
                    let span = 1 + rng.below(4) as u16;
                    let mut d = head(row, col, xf)[..4].to_vec();
                    for _ in 0..span {
                        d.extend_from_slice(&(15 + rng.below(5) as u16).to_le_bytes());
                        d.extend_from_slice(&(rng.next() as u32).to_le_bytes());
                    }
                    d.extend_from_slice(&(col + span - 1).to_le_bytes());
                    rec(&mut stream, MULRK, &d);
                }
                3 => {
                    let mut d = head(row, col, xf);
                    d.extend(xl_string(&text(&mut rng), &mut rng));
                    rec(&mut stream, LABEL, &d);
                }
                4 | 5 => {
                    let mut d = head(row, col, xf);
                    d.extend_from_slice(
                        &(rng.below(strings.len() as u64 + 2) as u32).to_le_bytes(),
                    );
                    rec(&mut stream, LABELSST, &d);
                }
                6 => {
                    let mut d = head(row, col, xf);
                    let err = rng.chance(50);
                    let value = if err {
                        [0x00, 0x07, 0x0F, 0x17, 0x1D, 0x24, 0x2A][rng.below(7) as usize]
                    } else {
                        rng.below(2) as u8
                    };
                    d.extend_from_slice(&[value, u8::from(err)]);
                    rec(&mut stream, BOOLERR, &d);
                }
                7 => {
                    let mut d = head(row, col, xf);
                    let kind = rng.below(5);
                    let mut value = [0u8; 8];
                    if kind == 4 {
                        value = ((rng.next() % 10_000) as f64 / 3.0).to_le_bytes();
                    } else {
                        value[0] = kind as u8;
                        value[2] = if kind == 2 { 0x07 } else { rng.below(2) as u8 };
                        value[6] = 0xFF;
                        value[7] = 0xFF;
                    }
                    d.extend_from_slice(&value);
                    d.extend_from_slice(&[0; 6]);
                    d.extend_from_slice(&[0, 0]);
                    rec(&mut stream, FORMULA, &d);
                    if kind == 0 {
                        rec(&mut stream, STRING, &xl_string(&text(&mut rng), &mut rng));
                    }
                }
                _ => {
                    let (r2, c2) = (row + rng.below(3) as u16, col + rng.below(3) as u16);
                    let mut d = 1u16.to_le_bytes().to_vec();
                    for v in [row, r2, col, c2] {
                        d.extend_from_slice(&v.to_le_bytes());
                    }
                    rec(&mut stream, MERGECELLS, &d);
                }
            }
        }
        rec(&mut stream, EOF, &[]);
    }
    let mut file = vec![0; CFB_SECTOR];
    file.extend_from_slice(&stream);
    compound_file(file).expect("a compound file")
}

/// A workbook of one sheet holding a plan of `rows` indicators under a header row (序号, 指标名称,
/// 单位, 2020年, 2025年), its texts as LABEL records and its numbers as NUMBER records.
pub(crate) fn plan_workbook(rows: usize) -> Vec<u8> {
    let mut rng = Rng(1);
    let bof = |dt: u16| {
        let mut d = vec![0x00, 0x06];
        d.extend_from_slice(&dt.to_le_bytes());
        d.extend_from_slice(&[0; 12]);
        d
    };
    let mut stream = Vec::new();
    rec(&mut stream, BOF, &bof(0x0005));
    rec(&mut stream, CODEPAGE, &1200u16.to_le_bytes());
    for _ in 0..17 {
        rec(&mut stream, XF, &[0; 20]);
    }
    let name: Vec<u16> = "计划".encode_utf16().collect();
    let mut bs = 0u32.to_le_bytes().to_vec();
    bs.extend_from_slice(&[0, 0, name.len() as u8, 1]);
    bs.extend(name.iter().flat_map(|u| u.to_le_bytes()));
    let slot = stream.len() + 4;
    rec(&mut stream, BOUNDSHEET8, &bs);
    rec(&mut stream, EOF, &[]);
    let at = stream.len() as u32;
    stream[slot..slot + 4].copy_from_slice(&at.to_le_bytes());
    rec(&mut stream, BOF, &bof(0x0010));
    let label = |stream: &mut Vec<u8>, rng: &mut Rng, row: u16, col: u16, s: &str| {
        let mut d = head(row, col, 15);
        d.extend(xl_string(s, rng));
        rec(stream, LABEL, &d);
    };
    let number = |stream: &mut Vec<u8>, row: u16, col: u16, n: f64| {
        let mut d = head(row, col, 15);
        d.extend_from_slice(&n.to_le_bytes());
        rec(stream, NUMBER, &d);
    };
    for (col, h) in ["序号", "指标名称", "单位", "2020年", "2025年"]
        .iter()
        .enumerate()
    {
        label(&mut stream, &mut rng, 0, col as u16, h);
    }
    for i in 0..rows {
        let row = (i + 1) as u16;
        number(&mut stream, row, 0, (i + 1) as f64);
        label(&mut stream, &mut rng, row, 1, &format!("指标{}", i + 1));
        label(&mut stream, &mut rng, row, 2, "%");
        number(&mut stream, row, 3, 50.0 + (i % 7) as f64);
        number(&mut stream, row, 4, 60.0 + (i % 7) as f64);
    }
    rec(&mut stream, EOF, &[]);
    let mut file = vec![0; CFB_SECTOR];
    file.extend_from_slice(&stream);
    compound_file(file).expect("a compound file")
}

#[test]
fn generated_workbooks_read_as_calamine_reads_them() {
    let (mut read, mut cells) = (0, 0);
    for seed in 1..=400 {
        if let Some(n) = same(&workbook(seed), &format!("seed {seed}")) {
            read += 1;
            cells += n;
        }
    }
    // Every generated workbook is a valid one: both readers read it, cells and all.
    assert_eq!(read, 400);
    assert!(cells > 8_000, "{cells} cells compared");
}
