//! Damaged, huge and hostile files (issue 8): each gets its own error, quickly and with bounded
//! memory, from the importer and from `zhibiao-cli` (exit status 2); nothing panics. The files
//! are made here, in the test, rather than committed (see `tests/fixtures/README.md`).
//!
//! Also: the regression tests of what fuzzing found (named after what it was), the .xls records
//! calamine is handed, and the export → import round trip of any plan (proptest).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test helpers may fail loudly

#[allow(dead_code)] // the shared helpers; this file uses only some
mod common;

use common::fixture;
use std::io::{Cursor, Write};
use std::time::{Duration, Instant};
use zhibiao::error::{ImportError, Lang};
use zhibiao::io::{self, limits, read};

// ---------------------------------------------------------------------------------------------
// Helpers.

/// Imports `bytes`, returning the error (panicking if the import succeeds) and reporting the
/// time it took; fails when it takes longer than `budget` (a generous bound, not a benchmark).
fn refused(what: &str, bytes: &[u8]) -> ImportError {
    let started = Instant::now();
    let result = io::import(bytes);
    let took = started.elapsed();
    eprintln!("{what}: {} bytes, answered in {took:.2?}", bytes.len());
    assert!(took < Duration::from_secs(30), "{what} took {took:?}");
    match result {
        Ok(_) => panic!("{what} was imported"),
        Err(e) => {
            eprintln!("  → {}", e.user_message(Lang::En, what));
            e
        }
    }
}

/// A zip archive of `parts`, deflated (or stored).
fn zip_of(parts: &[(&str, &[u8])], deflate: bool) -> Vec<u8> {
    let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let method = if deflate {
        zip::CompressionMethod::Deflated
    } else {
        zip::CompressionMethod::Stored
    };
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(method)
        .large_file(true);
    for (name, data) in parts {
        zip.start_file(*name, options).unwrap();
        zip.write_all(data).unwrap();
    }
    zip.finish().unwrap().into_inner()
}

const NS: &str = "http://schemas.openxmlformats.org/spreadsheetml/2006/main";

/// A minimal .xlsx with one sheet (`sheet_data` goes inside `<sheetData>`, `after` after it),
/// and shared strings when given.
fn xlsx(sheet_data: &str, after: &str, shared: Option<&str>) -> Vec<u8> {
    xlsx_sheet(
        &format!("<sheetData>{sheet_data}</sheetData>{after}"),
        shared,
    )
}

/// A minimal .xlsx whose one sheet holds `inner` inside `<worksheet>`.
fn xlsx_sheet(inner: &str, shared: Option<&str>) -> Vec<u8> {
    let rels = r#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>"#;
    let workbook = format!(
        r#"<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="{NS}" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="表1" sheetId="1" r:id="rId1"/></sheets></workbook>"#
    );
    let wb_rels = r#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>"#;
    let sheet = format!(
        r#"<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{NS}">{inner}</worksheet>"#
    );
    let mut parts: Vec<(&str, &[u8])> = vec![
        ("_rels/.rels", rels.as_bytes()),
        ("xl/workbook.xml", workbook.as_bytes()),
        ("xl/_rels/workbook.xml.rels", wb_rels.as_bytes()),
        ("xl/worksheets/sheet1.xml", sheet.as_bytes()),
    ];
    if let Some(s) = shared {
        parts.push(("xl/sharedStrings.xml", s.as_bytes()));
    }
    zip_of(&parts, true)
}

/// An inline-string cell.
fn is(r: &str, text: &str) -> String {
    format!(r#"<c r="{r}" t="inlineStr"><is><t>{text}</t></is></c>"#)
}

/// The rows of a small valid table (header and two indicators), as sheet XML.
fn table_rows() -> String {
    format!(
        r#"<row r="1">{}{}{}{}{}</row><row r="2">{}{}{}<c r="D2"><v>100</v></c><c r="E2"><v>150</v></c></row><row r="3">{}{}{}<c r="D3"><v>8</v></c><c r="E3"><v>6</v></c></row>"#,
        is("A1", "序号"),
        is("B1", "指标名称"),
        is("C1", "单位"),
        is("D1", "2020年基期值"),
        is("E1", "2025年目标值"),
        is("A2", "1"),
        is("B2", "地区生产总值"),
        is("C2", "亿元"),
        is("A3", "2"),
        is("B3", "失业率"),
        is("C3", "%"),
    )
}

const MANIFEST: &str = r#"<?xml version="1.0" encoding="UTF-8"?><manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2"><manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/><manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/></manifest:manifest>"#;

/// An .ods with `table` as the content of its only `table:table`.
fn ods(table: &str) -> Vec<u8> {
    let content = format!(
        r#"<?xml version="1.0" encoding="UTF-8"?><office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"><office:body><office:spreadsheet><table:table table:name="表1">{table}</table:table></office:spreadsheet></office:body></office:document-content>"#
    );
    zip_of(
        &[
            (
                "mimetype",
                b"application/vnd.oasis.opendocument.spreadsheet",
            ),
            ("META-INF/manifest.xml", MANIFEST.as_bytes()),
            ("content.xml", content.as_bytes()),
        ],
        false,
    )
}

// ---------------------------------------------------------------------------------------------
// A BIFF8 .xls written here: records, a workbook stream and a compound file around it.

fn rec(typ: u16, data: &[u8]) -> Vec<u8> {
    let mut r = typ.to_le_bytes().to_vec();
    r.extend_from_slice(&u16::try_from(data.len()).unwrap().to_le_bytes());
    r.extend_from_slice(data);
    r
}

fn bof(dt: u16) -> Vec<u8> {
    let mut d = vec![0x00, 0x06];
    d.extend_from_slice(&dt.to_le_bytes());
    d.extend_from_slice(&[0; 12]);
    rec(0x0809, &d)
}

fn eof() -> Vec<u8> {
    rec(0x000A, &[])
}

fn label(row: u16, col: u16, text: &str) -> Vec<u8> {
    let units: Vec<u16> = text.encode_utf16().collect();
    let mut d = Vec::new();
    for v in [row, col, 15, u16::try_from(units.len()).unwrap()] {
        d.extend_from_slice(&v.to_le_bytes());
    }
    d.push(1);
    for u in units {
        d.extend_from_slice(&u.to_le_bytes());
    }
    rec(0x0204, &d)
}

fn number(row: u16, col: u16, v: f64) -> Vec<u8> {
    let mut d = Vec::new();
    for x in [row, col, 15] {
        d.extend_from_slice(&x.to_le_bytes());
    }
    d.extend_from_slice(&v.to_le_bytes());
    rec(0x0203, &d)
}

/// The records of a small valid table.
fn table_records() -> Vec<Vec<u8>> {
    let mut r = Vec::new();
    for (c, h) in ["序号", "指标名称", "单位", "2020年基期值", "2025年目标值"]
        .iter()
        .enumerate()
    {
        r.push(label(0, c as u16, h));
    }
    r.push(number(1, 0, 1.0));
    r.push(label(1, 1, "地区生产总值"));
    r.push(label(1, 2, "亿元"));
    r.push(number(1, 3, 100.0));
    r.push(number(1, 4, 150.0));
    r
}

/// A workbook stream: globals (BOF, CODEPAGE 1200, `extra`, one BOUNDSHEET8 per sheet, EOF),
/// then each sheet's BOF, records and EOF.
fn workbook_stream(extra: &[Vec<u8>], sheets: &[(&str, Vec<Vec<u8>>)]) -> Vec<u8> {
    let mut globals = bof(0x0005);
    globals.extend(rec(0x0042, &1200u16.to_le_bytes()));
    for r in extra {
        globals.extend_from_slice(r);
    }
    let mut slots = Vec::new();
    for (name, _) in sheets {
        let units: Vec<u16> = name.encode_utf16().collect();
        let mut d = vec![0, 0, 0, 0, 0, 0, u8::try_from(units.len()).unwrap(), 1];
        for u in units {
            d.extend_from_slice(&u.to_le_bytes());
        }
        slots.push(globals.len() + 4);
        globals.extend(rec(0x0085, &d));
    }
    globals.extend(eof());
    let mut stream = globals;
    for ((_, records), slot) in sheets.iter().zip(slots) {
        let at = u32::try_from(stream.len()).unwrap().to_le_bytes();
        stream[slot..slot + 4].copy_from_slice(&at);
        stream.extend(bof(0x0010));
        for r in records {
            stream.extend_from_slice(r);
        }
        stream.extend(eof());
    }
    stream
}

/// A version 4 compound file (4096-byte sectors) holding `stream` as `Workbook`.
fn cfb(stream: &[u8]) -> Vec<u8> {
    const S: usize = 4096;
    let mut body = stream.to_vec();
    body.resize(body.len().max(4096).div_ceil(S) * S, 0);
    let n = body.len() / S;
    let per = S / 4;
    let mut nfat = 1;
    while n + 1 + nfat > nfat * per {
        nfat += 1;
    }
    assert!(nfat <= 109);
    let mut h = vec![0u8; S];
    h[..8].copy_from_slice(&[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]);
    let w16 = |h: &mut [u8], o: usize, v: u16| h[o..o + 2].copy_from_slice(&v.to_le_bytes());
    let w32 = |h: &mut [u8], o: usize, v: u32| h[o..o + 4].copy_from_slice(&v.to_le_bytes());
    w16(&mut h, 0x18, 0x3E);
    w16(&mut h, 0x1A, 4);
    w16(&mut h, 0x1C, 0xFFFE);
    w16(&mut h, 0x1E, 12);
    w16(&mut h, 0x20, 6);
    w32(&mut h, 0x28, 1);
    w32(&mut h, 0x2C, nfat as u32);
    w32(&mut h, 0x30, n as u32);
    w32(&mut h, 0x38, 4096);
    w32(&mut h, 0x3C, 0xFFFF_FFFE);
    w32(&mut h, 0x44, 0xFFFF_FFFE);
    for i in 0..109 {
        let v = if i < nfat {
            (n + 1 + i) as u32
        } else {
            0xFFFF_FFFF
        };
        w32(&mut h, 0x4C + 4 * i, v);
    }
    let mut dir = vec![0u8; S];
    for (i, (name, typ, child, size)) in [
        ("Root Entry", 5u8, 1u32, 0u64),
        ("Workbook", 2, 0xFFFF_FFFF, body.len() as u64),
    ]
    .into_iter()
    .enumerate()
    {
        let b = i * 128;
        let units: Vec<u16> = name.encode_utf16().collect();
        for (k, u) in units.iter().enumerate() {
            w16(&mut dir, b + 2 * k, *u);
        }
        w16(&mut dir, b + 64, (2 * (units.len() + 1)) as u16);
        dir[b + 66] = typ;
        dir[b + 67] = 1;
        w32(&mut dir, b + 68, 0xFFFF_FFFF);
        w32(&mut dir, b + 72, 0xFFFF_FFFF);
        w32(&mut dir, b + 76, child);
        w32(&mut dir, b + 116, 0);
        dir[b + 120..b + 128].copy_from_slice(&size.to_le_bytes());
    }
    for i in 2..S / 128 {
        for o in [68, 72, 76] {
            w32(&mut dir, i * 128 + o, 0xFFFF_FFFF);
        }
    }
    let mut fat = vec![0xFFFF_FFFFu32; nfat * per];
    for (i, f) in fat.iter_mut().enumerate().take(n) {
        *f = if i + 1 < n {
            (i + 1) as u32
        } else {
            0xFFFF_FFFE
        };
    }
    fat[n] = 0xFFFF_FFFE;
    for k in 0..nfat {
        fat[n + 1 + k] = 0xFFFF_FFFD;
    }
    let mut file = h;
    file.extend(body);
    file.extend(dir);
    for v in fat {
        file.extend_from_slice(&v.to_le_bytes());
    }
    file
}

fn xls(extra: &[Vec<u8>], sheets: &[(&str, Vec<Vec<u8>>)]) -> Vec<u8> {
    cfb(&workbook_stream(extra, sheets))
}

/// A valid .xls with the small table and `more` records on its sheet.
fn xls_table_with(more: Vec<Vec<u8>>) -> Vec<u8> {
    let mut records = table_records();
    records.extend(more);
    xls(&[], &[("表1", records)])
}

// ---------------------------------------------------------------------------------------------
// The builders above make readable files.

#[test]
fn the_hand_made_files_are_readable() {
    assert!(io::import(&xlsx(&table_rows(), "", None)).is_ok());
    let imported = io::import(&xls_table_with(Vec::new())).unwrap();
    let plan = imported.sheets[0].plan.as_ref().unwrap();
    assert_eq!(plan.indicators[0].name, "地区生产总值");
    io::import(&ods(
        r#"<table:table-row><table:table-cell office:value-type="string"><text:p>序号</text:p></table:table-cell><table:table-cell office:value-type="string"><text:p>指标名称</text:p></table:table-cell><table:table-cell office:value-type="string"><text:p>单位</text:p></table:table-cell><table:table-cell office:value-type="string"><text:p>2020年基期值</text:p></table:table-cell><table:table-cell office:value-type="string"><text:p>2025年目标值</text:p></table:table-cell></table:table-row><table:table-row><table:table-cell office:value-type="float" office:value="1"/><table:table-cell office:value-type="string"><text:p>地区生产总值</text:p></table:table-cell><table:table-cell office:value-type="string"><text:p>亿元</text:p></table:table-cell><table:table-cell office:value-type="float" office:value="100"/><table:table-cell office:value-type="float" office:value="150"/></table:table-row>"#
    ))
    .unwrap();
}

/// calamine reads the same cells from the rebuilt compound file as from the original one.
#[test]
fn checked_xls_reads_the_same_cells_as_the_original() {
    use calamine::{Reader, Xls};
    for name in [
        "qinglan-county-2021-2022-progress.xls",
        "liuwan-township-2022-text-numbers.xls",
    ] {
        let bytes = std::fs::read(fixture(name)).unwrap();
        let checked = zhibiao::io::read::xls::checked_for_calamine(&bytes).unwrap();
        let mut a: Xls<_> = Xls::new(Cursor::new(bytes.as_slice())).unwrap();
        let mut b: Xls<_> = Xls::new(Cursor::new(checked.as_slice())).unwrap();
        assert_eq!(a.sheet_names(), b.sheet_names(), "{name}");
        for sheet in a.sheet_names() {
            let ra = a.worksheet_range(&sheet).unwrap();
            let rb = b.worksheet_range(&sheet).unwrap();
            assert_eq!(ra, rb, "{name} / {sheet}");
            assert_eq!(
                a.merge_cells_by_sheet_name(&sheet).unwrap(),
                b.merge_cells_by_sheet_name(&sheet).unwrap()
            );
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Zip containers.

/// The zip bomb of issue 8 in small: a part that deflates ~1000:1.
#[test]
fn zip_bomb_shared_strings_are_refused_before_inflating() {
    let mut strings = String::from(r#"<sst xmlns="x" count="1" uniqueCount="1"><si><t>"#);
    strings.push_str(&"A".repeat(64 * 1024 * 1024));
    strings.push_str("</t></si></sst>");
    let bytes = xlsx(&table_rows(), "", Some(&strings));
    assert!(bytes.len() < 1024 * 1024, "{}", bytes.len());
    assert!(matches!(
        refused("zip-bomb.xlsx", &bytes),
        ImportError::SuspiciousCompression { ref part, .. } if part == "xl/sharedStrings.xml"
    ));
}

/// Sets the declared unpacked size of `part` in the central directory of a zip.
fn declare_size(zip: &mut [u8], part: &str, size: u32) {
    let name = part.as_bytes();
    let mut i = 0;
    while i + 46 <= zip.len() {
        if zip[i..i + 4] == [0x50, 0x4B, 0x01, 0x02] {
            let n = u16::from_le_bytes([zip[i + 28], zip[i + 29]]) as usize;
            if zip.get(i + 46..i + 46 + n) == Some(name) {
                zip[i + 24..i + 28].copy_from_slice(&size.to_le_bytes());
                return;
            }
        }
        i += 1;
    }
    panic!("{part} not in the central directory");
}

/// The bomb of the issue as its central directory declares it: sharedStrings.xml of 540 MB.
#[test]
fn declared_540_mb_part_is_refused() {
    let mut bytes = xlsx(&table_rows(), "", Some(r#"<sst><si><t>a</t></si></sst>"#));
    declare_size(&mut bytes, "xl/sharedStrings.xml", 540_000_000);
    assert_eq!(
        refused("bomb-540mb.xlsx", &bytes),
        ImportError::UnpacksTooLarge {
            part: "xl/sharedStrings.xml".to_string(),
            size: 540_000_000,
            limit: limits::MAX_PART_BYTES,
        }
    );
}

/// A part that inflates to more than it declares: the zip reader stops at the declared size.
#[test]
fn a_part_larger_than_declared_is_damaged() {
    let mut strings = String::from("<sst><si><t>");
    strings.push_str(&"B".repeat(200_000));
    strings.push_str("</t></si></sst>");
    let mut bytes = xlsx(&table_rows(), "", Some(&strings));
    declare_size(&mut bytes, "xl/sharedStrings.xml", 1000);
    assert!(matches!(
        refused("lying-size.xlsx", &bytes),
        ImportError::Damaged { .. }
    ));
}

#[test]
fn too_many_parts_are_refused() {
    let names: Vec<String> = (0..limits::MAX_ZIP_ENTRIES + 1)
        .map(|i| format!("xl/media/p{i}.bin"))
        .collect();
    let mut parts: Vec<(&str, &[u8])> = vec![("xl/workbook.xml", b"<workbook/>")];
    parts.extend(names.iter().map(|n| (n.as_str(), &b""[..])));
    assert!(matches!(
        refused("many-parts.xlsx", &zip_of(&parts, false)),
        ImportError::TooManyParts { .. }
    ));
}

#[test]
fn a_declared_unique_count_of_four_billion_is_refused() {
    let shared = r#"<sst xmlns="x" count="1" uniqueCount="4294967295"><si><t>序号</t></si></sst>"#;
    assert!(matches!(
        refused("unique-count.xlsx", &xlsx(&table_rows(), "", Some(shared))),
        ImportError::TooManyStrings { .. }
    ));
}

/// calamine copies each cell format's font, fill, border and number format code: a style sheet
/// of many cell formats, or of long codes, is refused before calamine reads it.
#[test]
fn style_sheet_bombs_are_refused() {
    let with_styles = |styles: &str| {
        let mut bytes = xlsx(&table_rows(), "", None);
        // Add xl/styles.xml to the package.
        let mut zip = zip::ZipWriter::new_append(Cursor::new(&mut bytes)).unwrap();
        let stored = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Stored);
        zip.start_file("xl/styles.xml", stored).unwrap();
        zip.write_all(styles.as_bytes()).unwrap();
        zip.finish().unwrap();
        bytes
    };
    let many = format!(
        r#"<styleSheet xmlns="{NS}"><cellXfs>{}</cellXfs></styleSheet>"#,
        r#"<xf numFmtId="0"/>"#.repeat(limits::MAX_STYLES + 1)
    );
    assert!(matches!(
        refused("styles.xlsx", &with_styles(&many)),
        ImportError::TooManyStyles { .. }
    ));
    let long = format!(
        r#"<styleSheet xmlns="{NS}"><numFmts><numFmt numFmtId="164" formatCode="{}"/></numFmts><cellXfs>{}</cellXfs></styleSheet>"#,
        "0".repeat(100_000),
        r#"<xf numFmtId="164"/>"#.repeat(10_000)
    );
    assert!(matches!(
        refused("format-code.xlsx", &with_styles(&long)),
        ImportError::Damaged { .. }
    ));
    let sheets = format!(
        r#"<workbook xmlns="{NS}"><sheets>{}</sheets></workbook>"#,
        r#"<sheet name="s" sheetId="1"/>"#.repeat(300)
    );
    let bytes = zip_of(&[("xl/workbook.xml", sheets.as_bytes())], true);
    assert!(matches!(
        refused("sheets.xlsx", &bytes),
        ImportError::TooManySheets { .. }
    ));
}

#[test]
fn a_docx_renamed_xlsx_is_word() {
    let bytes = zip_of(
        &[
            ("[Content_Types].xml", b"<Types/>"),
            ("word/document.xml", b"<w:document/>"),
        ],
        true,
    );
    assert_eq!(
        refused("report.docx.xlsx", &bytes),
        ImportError::NotAWorkbook { what: "Word" }
    );
}

// ---------------------------------------------------------------------------------------------
// Sizes of a sheet.

/// A million rows of an .xlsx: refused at row 200,001, while streaming.
#[test]
fn an_xlsx_with_a_million_rows_is_refused_quickly() {
    let mut rows = table_rows();
    for r in 4..=1_000_000 {
        rows.push_str(&format!(r#"<row r="{r}"><c r="A{r}"><v>{r}</v></c></row>"#));
    }
    let bytes = xlsx(&rows, "", None);
    assert_eq!(
        refused("million-rows.xlsx", &bytes),
        ImportError::TooManyRows {
            sheet: "表1".to_string(),
            rows: limits::MAX_ROWS + 1,
            limit: limits::MAX_ROWS,
        }
    );
}

#[test]
fn a_csv_with_a_million_rows_is_refused_quickly() {
    let mut csv = String::from("序号,指标名称,单位,2020年,2025年\n");
    for i in 0..1_000_000 {
        csv.push_str(&format!("{i},指标{i},万元,1,2\n"));
    }
    assert!(matches!(
        refused("million-rows.csv", csv.as_bytes()),
        ImportError::TooManyRows { rows, .. } if rows == limits::MAX_ROWS + 1
    ));
}

/// Two cells far apart: calamine's `worksheet_range` would allocate the whole box between them.
#[test]
fn cells_at_a1_and_xfd1048576_are_refused_without_allocating_the_box() {
    let data = format!("{}{}", is("A1", "序号"), is("XFD1048576", "x"));
    assert!(matches!(
        refused("corners.xlsx", &xlsx(&data, "", None)),
        ImportError::TooManyRows { .. }
    ));
    // Issue 14: the limits count the cells held, not the extent. A table and a cell at ZZ70000
    // (an extent of 49 million cells) opens; so do cells at A1 and IV65536.
    let data = format!(
        "{}<row r=\"70000\">{}</row>",
        table_rows(),
        is("ZZ70000", "x")
    );
    let imported = io::import(&xlsx(&data, "", None)).unwrap();
    assert_eq!(imported.sheets[0].sheet.text(69_999, 701), "x");
    let data = format!(
        "{}<row r=\"65536\">{}</row>",
        table_rows(),
        is("IV65536", "末")
    );
    let imported = io::import(&xlsx(&data, "", None)).unwrap();
    assert_eq!(imported.sheets[0].sheet.text(65_535, 255), "末");
    // Rows that each hold a cell in column 16,000 hold 16,000 cells each (the grid keeps a row's
    // cells from column A): 600 of them are over the limit.
    let mut data = table_rows();
    for r in 4..604 {
        data.push_str(&format!(
            "<row r=\"{r}\">{}</row>",
            is(&format!("WQJ{r}"), "x")
        ));
    }
    assert!(matches!(
        refused("wide-and-long.xlsx", &xlsx(&data, "", None)),
        ImportError::TooManyCells { .. }
    ));
}

#[test]
fn a_csv_with_too_many_columns_or_a_huge_cell_is_refused() {
    let wide = vec!["x"; limits::MAX_COLUMNS + 1].join(",");
    assert!(matches!(
        refused("wide.csv", wide.as_bytes()),
        ImportError::TooManyColumns { .. }
    ));
    let long = format!(
        "序号,指标名称\n1,{}\n",
        "长".repeat(limits::MAX_CELL_CHARS + 1)
    );
    assert!(matches!(
        refused("long-cell.csv", long.as_bytes()),
        ImportError::TextTooLong { .. }
    ));
}

#[test]
fn too_many_merges_are_refused() {
    let merges: String = (0..limits::MAX_MERGES as u32 + 1)
        .map(|i| format!(r#"<mergeCell ref="G{0}:H{0}"/>"#, i + 1))
        .collect();
    let after = format!(
        r#"<mergeCells count="{}">{merges}</mergeCells>"#,
        limits::MAX_MERGES + 1
    );
    assert!(matches!(
        refused("merges.xlsx", &xlsx(&table_rows(), &after, None)),
        ImportError::TooManyMerges { .. }
    ));
}

/// One shared string of 30,000 characters in 400 cells: 36 MB of text... and in 40,000 cells.
#[test]
fn a_long_shared_string_in_many_cells_is_refused() {
    let shared = format!(
        r#"<sst xmlns="x" uniqueCount="1"><si><t>{}</t></si></sst>"#,
        "字".repeat(30_000)
    );
    let mut rows = table_rows();
    for r in 4..4_000 {
        rows.push_str(&format!(r#"<row r="{r}">"#));
        for c in ["F", "G", "H", "I", "J", "K", "L", "M", "N", "O"] {
            rows.push_str(&format!(r#"<c r="{c}{r}" t="s"><v>0</v></c>"#));
        }
        rows.push_str("</row>");
    }
    assert!(matches!(
        refused("repeated-string.xlsx", &xlsx(&rows, "", Some(&shared))),
        ImportError::TooMuchText { .. }
    ));
}

// ---------------------------------------------------------------------------------------------
// .ods: repeats.

#[test]
fn ods_repeats_are_measured_before_they_are_copied() {
    let rows = r#"<table:table-row table:number-rows-repeated="1000000"><table:table-cell table:number-columns-repeated="16384" office:value-type="float" office:value="1"/></table:table-row>"#;
    assert!(matches!(
        refused("repeats.ods", &ods(rows)),
        ImportError::TooManyRows { .. }
    ));
    let row = r#"<table:table-row><table:table-cell table:number-columns-repeated="16384" office:value-type="float" office:value="1"/></table:table-row>"#;
    assert!(matches!(
        refused("wide-rows.ods", &ods(&row.repeat(600))),
        ImportError::TooManyCells { .. }
    ));
    let text = format!(
        r#"<table:table-row table:number-rows-repeated="1000"><table:table-cell table:number-columns-repeated="1000" office:value-type="string"><text:p>{}</text:p></table:table-cell></table:table-row>"#,
        "长".repeat(1000)
    );
    assert!(matches!(
        refused("repeated-text.ods", &ods(&text)),
        ImportError::TooMuchText { .. }
    ));
    let deep = format!(
        "{}{}",
        "<text:span>".repeat(300),
        "</text:span>".repeat(300)
    );
    let deep = format!(
        r#"<table:table-row><table:table-cell><text:p>{deep}</text:p></table:table-cell></table:table-row>"#
    );
    assert!(matches!(
        refused("deep.ods", &ods(&deep)),
        ImportError::TooDeep { .. }
    ));
}

// ---------------------------------------------------------------------------------------------
// .xls: the records calamine trusts.

/// calamine issue 714: a DIMENSIONS record of 2³² rows × 65,536 columns made calamine reserve
/// room for all of them. The record is left out of what calamine reads; the file opens.
#[test]
fn xls_dimensions_of_four_billion_rows_are_ignored() {
    let mut d = Vec::new();
    d.extend_from_slice(&0u32.to_le_bytes());
    d.extend_from_slice(&u32::MAX.to_le_bytes());
    d.extend_from_slice(&0u16.to_le_bytes());
    d.extend_from_slice(&u16::MAX.to_le_bytes());
    d.extend_from_slice(&[0, 0]);
    let mut records = vec![rec(0x0200, &d)];
    records.extend(table_records());
    let bytes = xls(&[], &[("表1", records)]);
    let started = Instant::now();
    let imported = io::import(&bytes).unwrap();
    eprintln!("issue-714.xls opened in {:.2?}", started.elapsed());
    assert_eq!(
        imported.sheets[0].plan.as_ref().unwrap().indicators.len(),
        1
    );
}

/// A LABEL that declares 65,535 characters and holds one: calamine reserves what it declares,
/// so 5,000 of them would take 640 MB. The declared length is cut to what is there.
#[test]
fn xls_labels_declaring_more_than_they_hold_are_cut() {
    let mut more = Vec::new();
    for i in 0..5_000u16 {
        let mut d = Vec::new();
        for v in [10 + i, 7, 15, u16::MAX] {
            d.extend_from_slice(&v.to_le_bytes());
        }
        d.extend_from_slice(&[0, b'x']);
        more.push(rec(0x0204, &d));
    }
    let imported = io::import(&xls_table_with(more)).unwrap();
    assert_eq!(imported.sheets[0].sheet.text(10, 7), "x");
}

/// A FORMULA whose token array claims more bytes than the record has (calamine slices it
/// without checking): the cached value is kept, the tokens are never read.
#[test]
fn xls_formula_with_a_token_length_past_its_record_keeps_its_value() {
    let mut d = Vec::new();
    for v in [1u16, 5, 15] {
        d.extend_from_slice(&v.to_le_bytes());
    }
    d.extend_from_slice(&42.5f64.to_le_bytes());
    d.extend_from_slice(&[0; 6]);
    d.extend_from_slice(&u16::MAX.to_le_bytes());
    d.push(0x1E);
    let imported = io::import(&xls_table_with(vec![rec(0x0006, &d)])).unwrap();
    assert_eq!(imported.sheets[0].sheet.text(1, 5), "42.5");
}

#[test]
fn xls_records_calamine_would_panic_on_are_damaged() {
    // MULRK whose last column is before its first.
    let mut mulrk = Vec::new();
    for v in [3u16, 9] {
        mulrk.extend_from_slice(&v.to_le_bytes());
    }
    mulrk.extend_from_slice(&[0; 6]);
    mulrk.extend_from_slice(&2u16.to_le_bytes());
    assert!(matches!(
        refused("mulrk.xls", &xls_table_with(vec![rec(0x00BD, &mulrk)])),
        ImportError::Damaged { .. }
    ));
    // MULRK from column 0 to 65,535 (the count of its cells overflows 16 bits).
    let mut mulrk = Vec::new();
    for v in [3u16, 0] {
        mulrk.extend_from_slice(&v.to_le_bytes());
    }
    mulrk.extend_from_slice(&[0; 6]);
    mulrk.extend_from_slice(&u16::MAX.to_le_bytes());
    assert!(matches!(
        refused("mulrk-wide.xls", &xls_table_with(vec![rec(0x00BD, &mulrk)])),
        ImportError::Damaged { .. }
    ));
    // BOUNDSHEET8 pointing past the end of the stream.
    let mut stream = workbook_stream(&[], &[("表1", table_records())]);
    let at = stream.windows(2).position(|w| w == [0x85, 0x00]).unwrap();
    stream[at + 4..at + 8].copy_from_slice(&u32::MAX.to_le_bytes());
    assert!(matches!(
        refused("boundsheet.xls", &cfb(&stream)),
        ImportError::Damaged { .. }
    ));
    // MERGECELLS declaring more ranges than it holds: cut to what it holds.
    let mut merge = 5000u16.to_le_bytes().to_vec();
    merge.extend_from_slice(&[0, 0, 0, 0, 5, 0, 6, 0]);
    assert!(io::import(&xls_table_with(vec![rec(0x00E5, &merge)])).is_ok());
    // An SST string with rich-text runs but no room for their count.
    let sst = rec(0x00FC, &[1, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0x08]);
    assert!(matches!(
        refused("sst.xls", &xls(&[sst], &[("表1", table_records())])),
        ImportError::Damaged { .. }
    ));
}

#[test]
fn xls_limits_each_have_their_error() {
    // A cell in column 65,535.
    assert!(matches!(
        refused(
            "far-column.xls",
            &xls_table_with(vec![number(0, u16::MAX, 1.0)])
        ),
        ImportError::TooManyColumns { .. }
    ));
    // 300 sheets.
    let sheets: Vec<(&str, Vec<Vec<u8>>)> = (0..300).map(|_| ("s", Vec::new())).collect();
    assert!(matches!(
        refused("sheets.xls", &xls(&[], &sheets)),
        ImportError::TooManySheets { sheets: 257, .. }
    ));
    // 4,200,000 empty shared strings (in CONTINUE records of 8,220 bytes).
    // (A string's header never straddles two records.)
    let strings: Vec<u8> = std::iter::repeat_n([0u8, 0, 0], 4_200_000)
        .flatten()
        .collect();
    let mut chunks = strings.chunks(8_220);
    let mut first = vec![0u8; 8];
    first.extend_from_slice(chunks.next().unwrap());
    let mut sst = rec(0x00FC, &first);
    for c in chunks {
        sst.extend(rec(0x003C, c));
    }
    assert!(matches!(
        refused("strings.xls", &xls(&[sst], &[("表1", table_records())])),
        ImportError::TooManyStrings { .. }
    ));
    // One string of 30,000 characters in 20,000 cells (LABELSST): 1.8 GB once copied.
    let mut s = vec![1, 0, 0, 0, 1, 0, 0, 0];
    s.extend_from_slice(&30_000u16.to_le_bytes());
    s.push(0);
    s.extend(std::iter::repeat_n(b'A', 8_209));
    let mut sst = rec(0x00FC, &s);
    let mut left = 30_000 - 8_209;
    while left > 0 {
        let n = left.min(8_000);
        let mut c = vec![0u8];
        c.extend(std::iter::repeat_n(b'A', n));
        sst.extend(rec(0x003C, &c));
        left -= n;
    }
    let cells: Vec<Vec<u8>> = (0..20_000u16)
        .map(|i| {
            let mut d = Vec::new();
            for v in [10 + i / 10, 6 + i % 10, 15] {
                d.extend_from_slice(&v.to_le_bytes());
            }
            d.extend_from_slice(&0u32.to_le_bytes());
            rec(0x00FD, &d)
        })
        .collect();
    let mut records = table_records();
    records.extend(cells);
    assert!(matches!(
        refused("labelsst.xls", &xls(&[sst], &[("表1", records)])),
        ImportError::TooMuchText { .. }
    ));
}

/// A FILEPASS record in the globals: an encrypted .xls.
#[test]
fn an_encrypted_xls_is_encrypted() {
    let filepass = rec(0x002F, &[1, 0, 1, 0, 1, 0]);
    assert_eq!(
        refused(
            "encrypted.xls",
            &xls(&[filepass], &[("表1", table_records())])
        ),
        ImportError::XlsProtected
    );
}

// ---------------------------------------------------------------------------------------------
// Not spreadsheets, damaged files.

#[test]
fn html_saved_as_xls_is_read_and_a_page_without_a_table_is_html() {
    let html = r#"<html xmlns:o="urn:schemas-microsoft-com:office:office" xmlns:x="urn:schemas-microsoft-com:office:excel"><head><meta charset="utf-8"></head><body><table><tr><td>序号</td><td>指标名称</td></tr></table></body></html>"#;
    let wb = read::read_workbook(html.as_bytes()).unwrap();
    assert_eq!(wb.sheets[0].text(0, 1), "指标名称");
    // A header with no rows under it opens as a sheet with no table (the user can mark one).
    let imported = io::import(html.as_bytes()).unwrap();
    assert_eq!(imported.first_table(), None);
    assert_eq!(imported.sheets.len(), 1);
    assert_eq!(
        refused("page.xls", b"<html><body><p>1</p></body></html>"),
        ImportError::NotAWorkbook { what: "HTML" }
    );
}

#[test]
fn the_committed_bad_fixtures_each_have_their_error() {
    type Check = fn(&ImportError) -> bool;
    let cases: &[(&str, Check)] = &[
        ("bad/zero-bytes.xlsx", |e| *e == ImportError::Empty),
        ("bad/pdf-renamed.xls", |e| {
            *e == ImportError::NotAWorkbook { what: "PDF" }
        }),
        ("bad/password-protected.xlsx", |e| {
            *e == ImportError::Encrypted
        }),
        ("bad/truncated-plan.xlsx", |e| {
            matches!(e, ImportError::Damaged { .. })
        }),
    ];
    for (name, check) in cases {
        let bytes = std::fs::read(fixture(name)).unwrap();
        let e = refused(name, &bytes);
        assert!(check(&e), "{name}: {e:?}");
    }
}

/// Every prefix and many corruptions of every sample: errors, never a panic.
#[test]
fn truncated_and_corrupted_samples_never_panic() {
    for name in [
        "qinglan-county-2021-2022-progress.xls",
        "liuwan-township-2022-text-numbers.xls",
        "qinglan-county-2021-2025-plan.xlsx",
        "wangchuan-city-2016-2020-assessment.ods",
        "liuwan-township-2022-text-numbers-gbk.csv",
        "formats/plan-html-gbk.xls",
        "formats/plan-spreadsheetml-2003.xml",
    ] {
        let bytes = std::fs::read(fixture(name)).unwrap();
        for len in (0..bytes.len()).step_by(97) {
            let _ = io::import(&bytes[..len]);
        }
        for i in (0..bytes.len()).step_by(31) {
            for v in [0x00, 0xFF, 0x80] {
                let mut b = bytes.clone();
                b[i] = v;
                let _ = io::import(&b);
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------
// zhibiao-cli: the same errors, exit status 2, one line.

#[test]
fn the_cli_exits_2_with_one_line_for_each_bad_file() {
    let dir = std::env::temp_dir().join(format!("zhibiao-hostile-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let mut million = String::from("序号,指标名称\n");
    for i in 0..1_000_000 {
        million.push_str(&format!("{i},x\n"));
    }
    let mut bomb = xlsx(&table_rows(), "", Some("<sst><si><t>a</t></si></sst>"));
    declare_size(&mut bomb, "xl/sharedStrings.xml", 540_000_000);
    let docx = zip_of(&[("word/document.xml", b"<w:document/>")], true);
    let cases: Vec<(&str, Vec<u8>, &str)> = vec![
        ("bomb.xlsx", bomb, "压缩炸弹"),
        (
            "encrypted.xls",
            xls(&[rec(0x002F, &[1, 0])], &[("表1", table_records())]),
            "已加密",
        ),
        ("report.xlsx", docx, "Word"),
        (
            "page.xls",
            b"<html><body><p>1</p></body></html>".to_vec(),
            "HTML",
        ),
        ("million.csv", million.into_bytes(), "200000 行"),
    ];
    for (name, bytes, words) in cases {
        let path = dir.join(name);
        std::fs::write(&path, bytes).unwrap();
        let started = Instant::now();
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_zhibiao-cli"))
            .args(["report", path.to_str().unwrap()])
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        eprintln!(
            "zhibiao-cli {name}: {:.2?}: {}",
            started.elapsed(),
            stderr.trim()
        );
        assert_eq!(out.status.code(), Some(2), "{name}");
        assert!(out.stdout.is_empty(), "{name}");
        assert_eq!(stderr.trim().lines().count(), 1, "{name}: {stderr}");
        assert!(stderr.contains(words), "{name}: {stderr}");
        assert!(stderr.contains(name), "{name}: {stderr}");
    }
    std::fs::remove_dir_all(&dir).ok();
}

/// A reader that closes the CLI's stdout early (`zhibiao-cli report big.xlsx | head -1`) ends
/// it quietly: no panic, no message, status 0 (as `cat` and `grep` do).
#[test]
fn the_cli_ends_quietly_when_its_reader_goes_away() {
    let sample = common::fixture("synthetic-2021-2025-2000-rows.xlsx");
    for args in [
        vec!["report", sample.to_str().unwrap()],
        vec!["sheets", sample.to_str().unwrap()],
    ] {
        let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_zhibiao-cli"))
            .args(&args)
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        // Close the read end before the import is done, so every write meets a closed pipe.
        drop(child.stdout.take());
        let out = child.wait_with_output().unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(!stderr.contains("panicked"), "{args:?}: {stderr}");
        assert_eq!(out.status.code(), Some(0), "{args:?}: {stderr}");
        assert!(stderr.is_empty(), "{args:?}: {stderr}");
    }
}

/// Every limit error names the file and says what was exceeded, in both languages.
#[test]
fn every_limit_message_is_distinct_and_names_the_file() {
    let errors = [
        ImportError::TooManySheets {
            sheets: 300,
            limit: 256,
        },
        ImportError::TooManyRows {
            sheet: "S".into(),
            rows: 200_001,
            limit: 200_000,
        },
        ImportError::TooManyColumns {
            sheet: "S".into(),
            columns: 16_385,
            limit: 16_384,
        },
        ImportError::TooManyCells {
            sheet: "S".into(),
            cells: 9_000_000,
            limit: 8_000_000,
        },
        ImportError::TooManyCellsInWorkbook {
            cells: 11_000_000,
            limit: 10_000_000,
        },
        ImportError::TextTooLong {
            sheet: "S".into(),
            chars: 40_000,
            limit: 32_767,
        },
        ImportError::TooMuchText {
            bytes: 300_000_000,
            limit: 268_435_456,
        },
        ImportError::TooManyStrings {
            strings: 5_000_000,
            limit: 4_000_000,
        },
        ImportError::TooManyMerges {
            sheet: "S".into(),
            merges: 100_001,
            limit: 100_000,
        },
        ImportError::TooManyStyles {
            styles: 200_001,
            limit: 200_000,
        },
        ImportError::TooManyParts {
            parts: 10_001,
            limit: 10_000,
        },
        ImportError::UnpacksTooLarge {
            part: "xl/sharedStrings.xml".into(),
            size: 540_000_000,
            limit: 268_435_456,
        },
        ImportError::UnpacksTooLarge {
            part: String::new(),
            size: 600_000_000,
            limit: 536_870_912,
        },
        ImportError::SuspiciousCompression {
            part: "xl/sharedStrings.xml".into(),
            ratio: 675,
            limit: 200,
        },
        ImportError::TooDeep {
            part: "content.xml".into(),
            limit: 256,
        },
        ImportError::TooLarge {
            size: 70_000_000,
            limit: 67_108_864,
        },
    ];
    for lang in [Lang::Zh, Lang::En] {
        let messages: Vec<String> = errors
            .iter()
            .map(|e| e.user_message(lang, "计划.xlsx"))
            .collect();
        for m in &messages {
            assert!(m.contains("计划.xlsx"), "{m}");
            assert!(m.chars().any(|c| c.is_ascii_digit()), "{m}");
        }
        let mut unique = messages.clone();
        unique.sort();
        unique.dedup();
        assert_eq!(unique.len(), messages.len());
    }
    let _ = read::MAX_FILE_BYTES;
}

// ---------------------------------------------------------------------------------------------
// Regressions found by fuzzing (cargo xtask fuzz): each named after what it was.

/// fuzz target `detect`, crash-995666d6: a merged range written inverted (last column before
/// the first) made header detection subtract with overflow (`detect.rs`, `spans_wide`). The
/// readers now deliver every merge with first ≤ last.
#[test]
fn fuzz_detect_inverted_merge_subtracted_with_overflow() {
    // .xls: a category row below the first indicator, its text in E3 and merged A3:E3, the
    // range written as E3:A3.
    let mut merge = 1u16.to_le_bytes().to_vec();
    for v in [2u16, 2, 4, 0] {
        merge.extend_from_slice(&v.to_le_bytes());
    }
    let bytes = xls_table_with(vec![label(2, 4, "二、民生福祉"), rec(0x00E5, &merge)]);
    let imported = io::import(&bytes).unwrap();
    let m = imported.sheets[0].sheet.merges[0];
    assert_eq!((m.first_col, m.last_col), (0, 4));
    // .xlsx: <mergeCell ref="E1:A1"/>.
    let after = r#"<mergeCells count="1"><mergeCell ref="E1:A1"/></mergeCells>"#;
    let workbook = read::read_workbook(&xlsx(&table_rows(), after, None)).unwrap();
    let sheet = &workbook.sheets[0];
    let m = sheet.merges[0];
    assert_eq!((m.first_col, m.last_col), (0, 4));
    let _ = zhibiao::table::detect::detect(sheet);
}

/// calamine parses cell references with u32 arithmetic that overflows on hostile input
/// (`r="AAAAAAAAA1"`, `r="A99999999999"`, `ref="B2:A1"`). The page's release build wraps; debug
/// builds now do the same (root Cargo.toml) instead of panicking, and the limits handle the rest.
#[test]
fn calamine_cell_reference_overflow_does_not_panic() {
    for (data, after) in [
        (format!("{}{}", table_rows(), is("AAAAAAAAA1", "x")), ""),
        (format!("{}{}", table_rows(), is("A99999999999", "x")), ""),
        (
            table_rows(),
            r#"<mergeCells count="1"><mergeCell ref="B2:A1"/></mergeCells>"#,
        ),
    ] {
        let _ = io::import(&xlsx(&data, after, None));
    }
    let inner = format!(
        r#"<dimension ref="B2:A1"/><sheetData>{}</sheetData>"#,
        table_rows()
    );
    let _ = io::import(&xlsx_sheet(&inner, None));
}

// ---------------------------------------------------------------------------------------------
// Export → import round-trips any plan.

mod round_trip {
    use proptest::prelude::*;
    use zhibiao::io::{self, write::xlsx};
    use zhibiao::plan::{self, RawCell};
    use zhibiao::table::detect;
    use zhibiao::table::grid::Sheet;

    const NAMES: &[&str] = &[
        "地区生产总值",
        "失业率",
        "森林覆盖率",
        "<b>粗体</b>",
        "=1+1",
    ];
    const UNITS: &[&str] = &["亿元", "%", "万人", "", "@SUM(A1)"];
    const VALUES: &[&str] = &[
        "≥95%",
        "年均增长7%",
        "累计降低12.5%",
        "翻一番",
        "4.5%以内",
        "2.69:1",
        "确保125.4，力争80",
        "—",
        "=HYPERLINK(\"http://x\")",
        "",
    ];

    fn value() -> impl Strategy<Value = RawCell> {
        prop_oneof![
            (-1.0e6f64..1.0e6).prop_map(|n| RawCell::Number {
                n: (n * 100.0).round() / 100.0,
                format: None
            }),
            prop::sample::select(VALUES).prop_map(|s| if s.is_empty() {
                RawCell::Empty
            } else {
                RawCell::Text { s: s.into() }
            }),
        ]
    }

    /// A sheet with a header row and 1–12 indicators.
    fn sheet() -> impl Strategy<Value = Sheet> {
        let row = (
            prop::sample::select(NAMES),
            prop::sample::select(UNITS),
            value(),
            value(),
            value(),
            value(),
        );
        prop::collection::vec(row, 1..12).prop_map(|rows| {
            let text = |s: &str| RawCell::Text { s: s.into() };
            let mut grid = vec![vec![
                text("序号"),
                text("指标名称"),
                text("单位"),
                text("2020年基期值"),
                text("2025年目标值"),
                text("2021年"),
                text("2022年"),
            ]];
            for (i, (name, unit, base, target, y1, y2)) in rows.into_iter().enumerate() {
                grid.push(vec![
                    RawCell::Number {
                        n: (i + 1) as f64,
                        format: None,
                    },
                    text(&format!("{name}{i}")),
                    text(unit),
                    base,
                    target,
                    y1,
                    y2,
                ]);
            }
            Sheet {
                name: "指标".to_string(),
                rows: grid,
                merges: Vec::new(),
            }
        })
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

        /// The exported workbook imports to the same indicators (names, units, values as
        /// written) and the same results.
        #[test]
        fn export_then_import_gives_back_the_plan(sheet in sheet()) {
            let layout = detect::detect(&sheet).expect("the header is detected");
            let plan = detect::build_plan(&sheet, &layout);
            let results = plan::compute(&plan, &plan::Options::default());
            let bytes = xlsx::export(&[xlsx::SheetExport {
                sheet: &sheet,
                layout: &layout,
                plan: &plan,
                results: &results,
                greyed: &[],
                style: None,
            }])
            .unwrap();
            let imported = io::import(&bytes).unwrap();
            let back = imported.sheets[imported.first_table().unwrap()]
                .plan
                .clone()
                .unwrap();
            prop_assert_eq!(back.indicators.len(), plan.indicators.len());
            for (a, b) in plan.indicators.iter().zip(&back.indicators) {
                prop_assert_eq!(&a.name, &b.name);
                prop_assert_eq!(&a.unit, &b.unit);
                prop_assert_eq!(&a.base.text, &b.base.text);
                prop_assert_eq!(&a.target.text, &b.target.text);
            }
            let again = plan::compute(&back, &plan::Options::default());
            for (a, b) in results.indicators.iter().zip(&again.indicators) {
                let shown = |r: &plan::IndicatorResult| {
                    r.yearly.iter().map(|(y, t)| (*y, t.shown())).collect::<Vec<_>>()
                };
                prop_assert_eq!(shown(a), shown(b));
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------
// The committed fixture of hostile cells (used by tests/browser/hostile.test.mjs).

/// The hostile texts of `tests/fixtures/bad/hostile-cells.xlsx`, by (1-based row, column).
pub const HOSTILE_CELLS: &[(u32, u16, &str)] = &[
    (2, 1, "</script><script>window.__pwned=1</script>"),
    (2, 2, "<img src=x onerror=\"window.__pwned=2\">"),
    (2, 7, "=HYPERLINK(\"http://evil.example/\",\"点击\")"),
    (3, 1, "=cmd|' /C calc'!A0"),
    (3, 2, "@SUM(1+1)"),
    (3, 4, "=HYPERLINK(\"http://evil.example/\")"),
    (3, 7, "-2+3"),
    (4, 1, "<svg onload=alert(1)>森林覆盖率"),
    (4, 7, "+cmd|' /C calc'!A0"),
];

/// Writes the hostile-cells workbook with rust_xlsxwriter: every hostile text is a string cell.
fn hostile_cells_workbook() -> Vec<u8> {
    use rust_xlsxwriter::Workbook;
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name("注入").unwrap();
    let header = [
        "序号",
        "指标名称",
        "单位",
        "2020年基期值",
        "2025年目标值",
        "2021年",
        "2022年",
        "牵头单位",
    ];
    for (c, h) in header.iter().enumerate() {
        ws.write_string(0, c as u16, *h).unwrap();
    }
    let plain: &[(u32, u16, f64)] = &[
        (2, 0, 1.0),
        (2, 3, 100.0),
        (2, 4, 150.0),
        (3, 0, 2.0),
        (3, 3, 10.0),
        (4, 0, 3.0),
        (4, 3, 60.0),
    ];
    for (r, c, v) in plain {
        ws.write_number(r - 1, *c, *v).unwrap();
    }
    ws.write_string(3, 2, "%").unwrap();
    ws.write_string(3, 4, "≥65").unwrap();
    for (r, c, text) in HOSTILE_CELLS {
        ws.write_string(r - 1, *c, *text).unwrap();
    }
    wb.save_to_buffer().unwrap()
}

/// `tests/fixtures/bad/hostile-cells.xlsx` holds the hostile texts as strings and imports with
/// them intact. Set `ZHIBIAO_WRITE_FIXTURES=1` to write it again.
#[test]
fn hostile_cells_fixture_imports_its_texts_literally() {
    let path = fixture("bad/hostile-cells.xlsx");
    if std::env::var_os("ZHIBIAO_WRITE_FIXTURES").is_some() {
        std::fs::write(&path, hostile_cells_workbook()).unwrap();
    }
    let bytes = std::fs::read(&path).unwrap();
    let imported = io::import(&bytes).unwrap();
    let sheet = &imported.sheets[0].sheet;
    for (r, c, text) in HOSTILE_CELLS {
        assert_eq!(sheet.text(*r as usize - 1, usize::from(*c)), *text);
    }
    let plan = imported.sheets[0].plan.as_ref().unwrap();
    assert_eq!(plan.indicators.len(), 3);
    assert_eq!(plan.indicators[0].name, HOSTILE_CELLS[0].2);
}

// ---------------------------------------------------------------------------------------------
// .xlsb (issue 14): calamine is handed a package rebuilt of checked parts only.

/// A BIFF12 record.
fn brt(typ: u16, body: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    if typ < 0x80 {
        out.push(typ as u8);
    } else {
        out.push((typ & 0x7F) as u8 | 0x80);
        out.push((typ >> 7) as u8);
    }
    let mut n = body.len();
    loop {
        let b = (n & 0x7F) as u8;
        n >>= 7;
        if n == 0 {
            out.push(b);
            break;
        }
        out.push(b | 0x80);
    }
    out.extend_from_slice(body);
    out
}

fn wide(s: &str) -> Vec<u8> {
    let units: Vec<u16> = s.encode_utf16().collect();
    let mut out = (units.len() as u32).to_le_bytes().to_vec();
    for u in units {
        out.extend_from_slice(&u.to_le_bytes());
    }
    out
}

/// An .xlsb of one sheet whose cells are `cells` (records after a BrtRowHdr of row 0), with
/// `strings` shared strings declared `declared` times, and `extra` records in workbook.bin.
fn xlsb(cells: &[u8], strings: &[&str], declared: u32, extra: &[u8]) -> Vec<u8> {
    let mut wb = brt(0x0083, &[]);
    let mut sh = 0u32.to_le_bytes().to_vec();
    sh.extend_from_slice(&1u32.to_le_bytes());
    sh.extend(wide("rId1"));
    sh.extend(wide("表1"));
    wb.extend(brt(0x009C, &sh));
    wb.extend(brt(0x0090, &[]));
    wb.extend_from_slice(extra);
    wb.extend(brt(0x009D, &[0; 26]));
    let rels = r#"<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.bin"/></Relationships>"#;
    let mut sheet = brt(0x0081, &[]);
    sheet.extend(brt(0x0094, &[0; 16]));
    sheet.extend(brt(0x0091, &[]));
    sheet.extend(brt(0x0000, &[0; 17]));
    sheet.extend_from_slice(cells);
    sheet.extend(brt(0x0092, &[]));
    let mut sst = [declared.to_le_bytes(), declared.to_le_bytes()].concat();
    sst = brt(0x009F, &sst);
    for s in strings {
        let mut item = vec![0u8];
        item.extend(wide(s));
        sst.extend(brt(0x0013, &item));
    }
    zip_of(
        &[
            ("xl/workbook.bin", &wb),
            ("xl/_rels/workbook.bin.rels", rels.as_bytes()),
            ("xl/worksheets/sheet1.bin", &sheet),
            ("xl/sharedStrings.bin", &sst),
        ],
        true,
    )
}

fn isst(col: u32, i: u32) -> Vec<u8> {
    brt(
        0x0007,
        &[col.to_le_bytes(), 0u32.to_le_bytes(), i.to_le_bytes()].concat(),
    )
}

#[test]
fn xlsb_records_calamine_would_panic_on_are_refused_or_left_out() {
    // The hand-made file reads.
    let ok = xlsb(&isst(0, 0), &["指标名称"], 1, &[]);
    let wb = read::read_workbook(&ok).unwrap();
    assert_eq!(wb.sheets[0].text(0, 0), "指标名称");
    // A defined name whose formula is cut short (calamine indexes past it): left out.
    let name = [
        &[0u8; 4][..],
        &[0],
        &[0; 4],
        &wide("n"),
        &3u32.to_le_bytes(),
        &[0x3A, 0, 0],
        &[0; 4],
    ]
    .concat();
    let named = xlsb(&isst(0, 0), &["指标名称"], 1, &brt(0x0027, &name));
    assert_eq!(
        read::read_workbook(&named).unwrap().sheets[0].text(0, 0),
        "指标名称"
    );
    // A shared string that does not exist (calamine indexes its list with it).
    let e = read::read_workbook(&xlsb(&isst(0, 5), &["a"], 1, &[])).unwrap_err();
    assert!(matches!(e, ImportError::Damaged { .. }), "{e:?}");
    // Cell records shorter than calamine reads.
    for typ in [0x0002u16, 0x0003, 0x0004, 0x0005, 0x0006, 0x0007] {
        let e = read::read_workbook(&xlsb(&brt(typ, &[0; 5]), &["a"], 1, &[])).unwrap_err();
        assert!(matches!(e, ImportError::Damaged { .. }), "{typ:#x}: {e:?}");
    }
    // A record declaring more bytes than its part holds (calamine reserves them first).
    let mut long = vec![0x07, 0xFF, 0xFF, 0xFF, 0x7F];
    long.extend_from_slice(&[0; 12]);
    let e = read::read_workbook(&xlsb(&long, &["a"], 1, &[])).unwrap_err();
    assert!(matches!(e, ImportError::Damaged { .. }), "{e:?}");
    // Four billion strings declared.
    let e = refused("strings.xlsb", &xlsb(&isst(0, 0), &["a"], u32::MAX, &[]));
    assert!(matches!(e, ImportError::TooManyStrings { .. }), "{e:?}");
}

// ---------------------------------------------------------------------------------------------
// Issue 14: .xls files that were refused for the wrong reason.

/// An .xls is a workbook when it has a workbook stream, whatever else it holds: the bytes of
/// `WordDocument` (an embedded Word object's stream name, here in a cell) once made it "Word".
#[test]
fn an_xls_holding_the_name_of_a_word_stream_is_still_a_workbook() {
    let mut records = table_records();
    records.push(label(3, 0, "WordDocument"));
    let imported = io::import(&xls(&[], &[("表1", records)])).unwrap();
    assert_eq!(imported.sheets[0].sheet.text(3, 0), "WordDocument");
    // A compound file with no workbook stream is not called damaged.
    let mut no_workbook = xls(&[], &[("表1", table_records())]);
    let at = no_workbook
        .windows(16)
        .position(|w| {
            w == "Workbook"
                .encode_utf16()
                .flat_map(u16::to_le_bytes)
                .collect::<Vec<_>>()
        })
        .unwrap();
    no_workbook[at] = b'X';
    assert_eq!(
        refused("other.xls", &no_workbook),
        ImportError::NoWorkbookStream
    );
}

/// BIFF5 records: a LABEL of 8-bit text.
fn label5(row: u16, col: u16, text: &[u8]) -> Vec<u8> {
    let mut d = Vec::new();
    for v in [row, col, 15, u16::try_from(text.len()).unwrap()] {
        d.extend_from_slice(&v.to_le_bytes());
    }
    d.extend_from_slice(text);
    rec(0x0204, &d)
}

/// A BIFF5 workbook (Excel 5/95, as Excel for Mac wrote it) with code page `cp`.
fn biff5(cp: u16, cells: Vec<Vec<u8>>) -> Vec<u8> {
    let bof5 = |dt: u16| {
        let mut d = vec![0x00, 0x05];
        d.extend_from_slice(&dt.to_le_bytes());
        d.extend_from_slice(&[0; 4]);
        rec(0x0809, &d)
    };
    let mut globals = bof5(0x0005);
    globals.extend(rec(0x0042, &cp.to_le_bytes()));
    let slot = globals.len() + 4;
    globals.extend(rec(0x0085, &[0, 0, 0, 0, 0, 0, 2, b'S', b'1']));
    globals.extend(eof());
    let mut stream = globals;
    let at = u32::try_from(stream.len()).unwrap().to_le_bytes();
    stream[slot..slot + 4].copy_from_slice(&at);
    stream.extend(bof5(0x0010));
    for c in cells {
        stream.extend(c);
    }
    stream.extend(eof());
    cfb(&stream)
}

#[test]
fn biff5_with_mac_code_pages_is_read() {
    // "Caf\x8E" is "Café" in Mac Roman (and in Mac Central European).
    for cp in [10000u16, 10029, 32768, 32769] {
        let wb = read::read_workbook(&biff5(
            cp,
            vec![label5(0, 0, b"Caf\x8E"), number(0, 1, 2.5)],
        ))
        .unwrap_or_else(|e| panic!("code page {cp}: {e}"));
        let s = &wb.sheets[0];
        assert_eq!(s.name, "S1");
        assert_eq!(s.text(0, 1), "2.5");
        if cp != 32769 {
            assert_eq!(s.text(0, 0), "Café", "code page {cp}");
        }
    }
}

const ODS_ROWS: &str = r#"<table:table-row><table:table-cell office:value-type="string"><text:p>序号</text:p></table:table-cell><table:table-cell office:value-type="string"><text:p>指标名称</text:p></table:table-cell><table:table-cell office:value-type="string"><text:p>单位</text:p></table:table-cell><table:table-cell office:value-type="string"><text:p>2020年基期值</text:p></table:table-cell><table:table-cell office:value-type="string"><text:p>2025年目标值</text:p></table:table-cell></table:table-row><table:table-row><table:table-cell office:value-type="float" office:value="1"/><table:table-cell office:value-type="string"><text:p>地区生产总值</text:p></table:table-cell><table:table-cell office:value-type="string"><text:p>亿元</text:p></table:table-cell><table:table-cell office:value-type="float" office:value="100"/><table:table-cell office:value-type="float" office:value="150"/></table:table-row>"#;

/// Issue 14: .ods packages LibreOffice and others write that were called damaged.
#[test]
fn ods_with_a_compressed_late_or_missing_mimetype_opens() {
    let good = ods(ODS_ROWS);
    let mut zip = zip::ZipArchive::new(Cursor::new(good.as_slice())).unwrap();
    let mut parts: Vec<(String, Vec<u8>)> = Vec::new();
    for i in 0..zip.len() {
        let mut f = zip.by_index(i).unwrap();
        let mut data = Vec::new();
        std::io::Read::read_to_end(&mut f, &mut data).unwrap();
        parts.push((f.name().unwrap().to_string(), data));
    }
    let build = |order: &[usize], skip_mimetype: bool, deflate: bool| {
        let chosen: Vec<(&str, &[u8])> = order
            .iter()
            .map(|&i| (parts[i].0.as_str(), parts[i].1.as_slice()))
            .filter(|(n, _)| !(skip_mimetype && *n == "mimetype"))
            .collect();
        zip_of(&chosen, deflate)
    };
    for (what, bytes) in [
        ("compressed mimetype", build(&[0, 1, 2], false, true)),
        ("mimetype last", build(&[2, 1, 0], false, false)),
        ("no mimetype", build(&[1, 2, 0], true, true)),
    ] {
        let imported = io::import(&bytes).unwrap_or_else(|e| panic!("{what}: {e}"));
        let plan = imported.sheets[0].plan.as_ref().unwrap();
        assert_eq!(plan.indicators[0].name, "地区生产总值", "{what}");
    }
}

#[test]
fn ods_forms_in_a_table_and_empty_repeats_over_the_whole_sheet_open() {
    let forms = r#"<office:forms form:automatic-focus="false" form:apply-design-mode="false" xmlns:form="urn:oasis:names:tc:opendocument:xmlns:form:1.0"/>"#;
    let empty = r#"<table:table-row table:number-rows-repeated="1048574"><table:table-cell table:number-columns-repeated="16384"/></table:table-row>"#;
    let bytes = ods(&format!(
        r#"{forms}<table:table-column table:number-columns-repeated="16384"/>{ODS_ROWS}{empty}"#
    ));
    let imported = io::import(&bytes).unwrap();
    let plan = imported.sheets[0].plan.as_ref().unwrap();
    assert_eq!(plan.indicators[0].name, "地区生产总值");
}

/// Every part of the .xlsb fixture cut short and corrupted byte by byte, repacked (stored) and
/// imported: every record calamine gets has been checked, so nothing panics.
#[test]
fn xlsb_parts_truncated_and_corrupted_never_panic() {
    let bytes = std::fs::read(fixture("formats/plan.xlsb")).unwrap();
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes.as_slice())).unwrap();
    let mut parts: Vec<(String, Vec<u8>)> = Vec::new();
    for i in 0..zip.len() {
        let mut f = zip.by_index(i).unwrap();
        let mut data = Vec::new();
        std::io::Read::read_to_end(&mut f, &mut data).unwrap();
        parts.push((f.name().unwrap().to_string(), data));
    }
    let pack = |k: usize, data: &[u8]| {
        let chosen: Vec<(&str, &[u8])> = parts
            .iter()
            .enumerate()
            .map(|(i, (n, d))| (n.as_str(), if i == k { data } else { d.as_slice() }))
            .collect();
        zip_of(&chosen, false)
    };
    let mut tried = 0;
    for (k, (name, data)) in parts.iter().enumerate() {
        if !name.ends_with(".bin") {
            continue;
        }
        for len in 0..data.len() {
            let _ = io::import(&pack(k, &data[..len]));
            tried += 1;
        }
        for i in 0..data.len() {
            for v in [0x00, 0xFF, 0x80, 0x7F, 0x01] {
                let mut b = data.clone();
                b[i] = v;
                let _ = io::import(&pack(k, &b));
                tried += 1;
            }
        }
    }
    eprintln!("{tried} damaged .xlsb packages imported without a panic");
}
