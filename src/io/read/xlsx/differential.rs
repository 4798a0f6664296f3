//! Our `.xlsx` reading ([`super::read_paced`]) against calamine's reading of the same package
//! (the reader it replaces: calamine's cell stream, its merged ranges, its styles per cell): the
//! `.xlsx` fixtures and samples, the bench's files of other writers when they were generated,
//! seeded workbooks written by rust_xlsxwriter (shared strings, rich strings, formulas with
//! cached results, formats, merges, styled blank cells), and seeded hand-written sheet XML in
//! the forms other writers use (inline strings, rows and cells without `r`, prefixed elements,
//! `str`/`e`/`b`/`d` cells, references and CDATA, phonetic runs, `_xHHHH_` escapes).

use super::look;
use super::{damaged, StyleCodes};
use crate::error::ImportError;
use crate::io::limits::Budget;
use crate::io::read::testing::{both, same_cells, Rng};
use crate::io::read::{raw_cell, read_workbook, SheetBuilder};
use crate::table::grid::{col_letters, Merge, Sheet, Workbook};
use crate::table::style::{BlockBuilder, SheetStyle};
use calamine::{Reader, Xlsx};
use std::io::{Cursor, Write};

/// calamine's reading: every cell of its cell stream, its merged ranges, each cell's style.
fn read_calamine(bytes: &[u8]) -> Result<Workbook, ImportError> {
    let mut wb: Xlsx<_> = Xlsx::new(Cursor::new(bytes)).map_err(damaged)?;
    let names = super::worksheet_names(&wb);
    let mut budget = Budget::default();
    let mut codes = StyleCodes::default();
    let (mut sheets, mut styles) = (Vec::new(), Vec::new());
    for name in names {
        let mut sheet = SheetBuilder::new(name.clone(), &mut budget);
        let mut looks = look::Palette::default();
        let mut blocks = BlockBuilder::new(crate::io::limits::MAX_STYLE_RUNS);
        let mut reader = wb.worksheet_cells_reader(&name).map_err(damaged)?;
        while let Some((cell, style)) = reader.next_cell_with_style_id().map_err(damaged)? {
            let (row, col) = cell.get_position();
            if style != 0 {
                if let (Some(id), Ok(col)) = (looks.id(reader.styles(), style), u16::try_from(col))
                {
                    blocks.put(row, col, id);
                }
            }
            if let Some(raw) = raw_cell(cell.get_value(), || codes.get(reader.styles(), style)) {
                sheet.put(row as usize, col as usize, raw)?;
            }
        }
        drop(reader);
        let merges =
            crate::io::read::merges_of(&wb.merge_cells_by_sheet_name(&name).map_err(damaged)?);
        sheets.push(sheet.finish(merges)?);
        styles.push(SheetStyle {
            palette: looks.finish(),
            blocks: blocks.finish(),
            ..SheetStyle::default()
        });
    }
    Ok(Workbook {
        format: None,
        sheets,
        styles: styles.into_iter().map(Some).collect(),
    })
}

fn sorted(merges: &[Merge]) -> Vec<(u32, u32, u32, u32)> {
    let mut m: Vec<_> = merges
        .iter()
        .map(|m| (m.first_row, m.first_col, m.last_row, m.last_col))
        .collect();
    m.sort_unstable();
    m
}

/// Both readings of `bytes` fail, or give the same cells, merges and cell styles; how many
/// cells that are not empty the workbook holds (`None` when both failed).
fn same(bytes: &[u8], what: &str) -> Option<usize> {
    let (a, b) = both(read_workbook(bytes), read_calamine(bytes), what)?;
    let mut held = 0;
    assert_eq!(a.sheets.len(), b.sheets.len(), "{what}: sheets");
    for (i, (x, y)) in a.sheets.iter().zip(&b.sheets).enumerate() {
        assert_eq!(x.name, y.name, "{what}: sheet name");
        assert_eq!(
            sorted(&x.merges),
            sorted(&y.merges),
            "{what}: merges of {}",
            x.name
        );
        held += same_cells(x, y, what, true);
        let look = |w: &Workbook| {
            w.styles
                .get(i)
                .cloned()
                .flatten()
                .map(|s| (s.palette, s.blocks))
                .unwrap_or_default()
        };
        assert_eq!(look(&a), look(&b), "{what}: cell styles of {}", x.name);
    }
    Some(held)
}

#[test]
fn the_fixtures_and_samples_read_as_calamine_reads_them() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut dirs = vec![
        root.join("tests/fixtures"),
        root.join("tests/fixtures/understanding"),
        root.join("../shared/samples"),
        // The bench's files of four writers, when `cargo xtask bench` generated them.
        root.join("target/bench/data/writers"),
    ];
    let mut files = Vec::new();
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(&dir).into_iter().flatten().flatten() {
            let path = entry.path();
            let xlsx = path
                .extension()
                .and_then(|e| e.to_str())
                .is_some_and(|e| e.eq_ignore_ascii_case("xlsx") || e.eq_ignore_ascii_case("xlsm"));
            let small = entry.metadata().is_ok_and(|m| m.len() < 8 << 20);
            if xlsx && small {
                files.push(path);
            }
        }
    }
    let mut read = 0;
    for path in &files {
        let bytes = std::fs::read(path).unwrap_or_default();
        let what = path.display().to_string();
        if same(&bytes, &what).is_some_and(|n| n > 0) {
            read += 1;
        }
    }
    assert!(read >= 8, "{read} of {} files read", files.len());
}

const TEXTS: [&str; 12] = [
    "人均GDP",
    "单位GDP能耗降低",
    " 县发改局 ",
    "城镇化率（%）",
    "a & b < c",
    "line\nbreak",
    "_x000D_ literal",
    "tab\there",
    "",
    "≥95%",
    "\"quoted\" 'single'",
    "𝒳 outside the BMP",
];

const FORMATS: [&str; 6] = [
    "0.00",
    "0.0%",
    "yyyy-mm-dd",
    "#,##0",
    "@",
    "0.00_ ;[Red]-0.00",
];

#[test]
fn workbooks_written_by_rust_xlsxwriter_read_as_calamine_reads_them() {
    use rust_xlsxwriter::{Format, FormatBorder, Formula, Workbook as Writer};
    let mut seed = Rng(0x5eed_1234_abcd);
    let mut held = 0;
    for case in 0..200 {
        let mut book = Writer::new();
        for s in 0..1 + seed.below(3) {
            let sheet = book.add_worksheet();
            let _ = sheet.set_name(format!("表{s}"));
            let rows = 1 + seed.below(40) as u32;
            let cols = 1 + seed.below(9) as u16;
            for r in 0..rows {
                for c in 0..cols {
                    let format = Format::new().set_num_format(*seed.pick(&FORMATS));
                    let _ = match seed.below(10) {
                        0 => sheet.write_number(r, c, seed.next() as f64 / 1e6),
                        1 => sheet.write_number_with_format(
                            r,
                            c,
                            (seed.below(20000) as f64) / 7.0,
                            &format,
                        ),
                        2 => sheet.write_boolean(r, c, seed.below(2) == 0),
                        3 => sheet.write_formula(
                            r,
                            c,
                            Formula::new("=1+1").set_result(seed.below(100).to_string()),
                        ),
                        4 => {
                            sheet.write_formula(r, c, Formula::new("=\"a\"&\"b\"").set_result("ab"))
                        }
                        5 => sheet.write_blank(r, c, &Format::new().set_border(FormatBorder::Thin)),
                        6 => {
                            let bold = Format::new().set_bold();
                            let plain = Format::new();
                            sheet.write_rich_string(
                                r,
                                c,
                                &[(&bold, *seed.pick(&TEXTS)), (&plain, "指标")],
                            )
                        }
                        7 => continue,
                        _ => sheet.write_string(r, c, *seed.pick(&TEXTS)),
                    };
                }
            }
            if rows > 3 && cols > 2 && seed.below(2) == 0 {
                let _ = sheet.merge_range(rows - 2, 0, rows - 1, 1, "合并", &Format::new());
            }
        }
        let bytes = book.save_to_buffer().unwrap_or_default();
        held += same(&bytes, &format!("generated workbook {case}")).unwrap_or(0);
    }
    assert!(held > 2000, "{held} cells compared");
}

/// A package of hand-written parts: one worksheet `sheet`, shared strings if given.
fn package(sheet: &str, strings: Option<&str>) -> Vec<u8> {
    let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default();
    let mut part = |name: &str, text: &str| {
        let _ = zip.start_file(name, options);
        let _ = zip.write_all(text.as_bytes());
    };
    part(
        "[Content_Types].xml",
        r#"<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>"#,
    );
    part(
        "_rels/.rels",
        r#"<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>"#,
    );
    part(
        "xl/workbook.xml",
        r#"<?xml version="1.0"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="指标" sheetId="1" r:id="rId1"/></sheets></workbook>"#,
    );
    part(
        "xl/_rels/workbook.xml.rels",
        r#"<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>"#,
    );
    part("xl/worksheets/sheet1.xml", sheet);
    if let Some(strings) = strings {
        part("xl/sharedStrings.xml", strings);
    }
    zip.finish().map(Cursor::into_inner).unwrap_or_default()
}

/// Text as XML writes it: escaped, and sometimes as character references.
fn xml_text(seed: &mut Rng, text: &str) -> String {
    let mut out = String::new();
    for ch in text.chars() {
        match ch {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            c if !c.is_ascii() && seed.below(3) == 0 => out.push_str(&format!("&#{};", c as u32)),
            c => out.push(c),
        }
    }
    out
}

/// A `<t>` run: preserved or not.
fn t(seed: &mut Rng, prefix: &str, text: &str) -> String {
    let space = if seed.below(2) == 0 {
        r#" xml:space="preserve""#
    } else {
        ""
    };
    let body = xml_text(seed, text);
    if body.is_empty() && seed.below(2) == 0 {
        return format!("<{prefix}t{space}/>");
    }
    if seed.below(8) == 0 && !body.contains("]]>") && !text.contains('&') && !text.contains('<') {
        return format!("<{prefix}t{space}><![CDATA[{text}]]></{prefix}t>");
    }
    format!("<{prefix}t{space}>{body}</{prefix}t>")
}

/// A string body (`<si>` or `<is>` content): plain, rich, or with a phonetic run.
fn string_body(seed: &mut Rng, p: &str) -> String {
    let text = *seed.pick(&TEXTS);
    match seed.below(4) {
        0 => format!(
            "<{p}r><{p}rPr><{p}b/></{p}rPr>{}</{p}r><{p}r>{}</{p}r>",
            t(seed, p, text),
            t(seed, p, "指标")
        ),
        1 => format!(
            "{}<{p}rPh sb=\"0\" eb=\"1\">{}</{p}rPh>",
            t(seed, p, text),
            t(seed, p, "ふりがな")
        ),
        _ => t(seed, p, text),
    }
}

#[test]
fn hand_written_sheets_in_other_writers_forms_read_as_calamine_reads_them() {
    let mut seed = Rng(0x0dd_f00d_2026);
    let mut held = 0;
    for case in 0..300 {
        // A prefix on every element of the sheet, as some writers do.
        let p = if seed.below(4) == 0 { "x:" } else { "" };
        let ns = if p.is_empty() { "xmlns" } else { "xmlns:x" };
        let mut strings: Vec<String> = Vec::new();
        let mut xml = format!(
            r#"<?xml version="1.0" encoding="UTF-8"?><{p}worksheet {ns}="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><{p}sheetData>"#
        );
        let rows = 1 + seed.below(30);
        let mut row = 0u64;
        for _ in 0..rows {
            row += 1 + seed.below(2);
            let with_r = seed.below(5) != 0;
            if with_r {
                xml.push_str(&format!(r#"<{p}row r="{row}">"#));
            } else {
                // A row without `r` follows the one before.
                xml.push_str(&format!("<{p}row>"));
            }
            let mut col = 0u64;
            for _ in 0..seed.below(8) {
                col += 1 + seed.below(2);
                let r = if with_r && seed.below(6) != 0 {
                    format!(r#" r="{}{row}""#, col_letters(col as usize - 1))
                } else {
                    String::new()
                };
                let cell = match seed.below(9) {
                    0 => format!(
                        r#"<{p}c{r}><{p}v>{}</{p}v></{p}c>"#,
                        seed.below(100_000) as f64 / 8.0
                    ),
                    1 => format!(r#"<{p}c{r} t="n"><{p}v>-1.5E-3</{p}v></{p}c>"#),
                    2 => format!(
                        r#"<{p}c{r} t="inlineStr"><{p}is>{}</{p}is></{p}c>"#,
                        string_body(&mut seed, p)
                    ),
                    3 => {
                        strings.push(string_body(&mut seed, p));
                        format!(
                            r#"<{p}c{r} t="s"><{p}v>{}</{p}v></{p}c>"#,
                            strings.len() - 1
                        )
                    }
                    4 => format!(
                        r#"<{p}c{r} t="str"><{p}f>A1&amp;"x"</{p}f><{p}v>{}</{p}v></{p}c>"#,
                        xml_text(&mut seed, "结果 & _x0041_")
                    ),
                    5 => format!(r#"<{p}c{r} t="b"><{p}v>{}</{p}v></{p}c>"#, seed.below(2)),
                    6 => format!(r#"<{p}c{r} t="e"><{p}v>#DIV/0!</{p}v></{p}c>"#),
                    7 => format!(r#"<{p}c{r} t="d"><{p}v>2025-12-31T00:00:00</{p}v></{p}c>"#),
                    _ => format!(r#"<{p}c{r}/>"#),
                };
                xml.push_str(&cell);
            }
            xml.push_str(&format!("</{p}row>"));
        }
        xml.push_str(&format!("</{p}sheetData>"));
        if seed.below(2) == 0 {
            xml.push_str(&format!(
                r#"<{p}mergeCells count="1"><{p}mergeCell ref="A1:B{}"/></{p}mergeCells>"#,
                1 + seed.below(3)
            ));
        }
        xml.push_str(&format!("</{p}worksheet>"));
        let sst = (!strings.is_empty() || seed.below(2) == 0).then(|| {
            format!(
                r#"<?xml version="1.0"?><{p}sst {ns}="http://schemas.openxmlformats.org/spreadsheetml/2006/main" uniqueCount="{}">{}</{p}sst>"#,
                strings.len(),
                strings.iter().map(|s| format!("<{p}si>{s}</{p}si>")).collect::<String>()
            )
        });
        let bytes = package(&xml, sst.as_deref());
        held += same(&bytes, &format!("hand-written sheet {case}: {xml}")).unwrap_or(0);
    }
    assert!(held > 1000, "{held} cells compared");
}

#[test]
fn what_a_sheet_states_besides_its_cells_is_read_in_the_same_pass() {
    let mut rows = String::new();
    for r in 1..=150 {
        let height = if r == 2 {
            r#" ht="30" customHeight="1""#
        } else {
            ""
        };
        rows.push_str(&format!(r#"<row r="{r}"{height}><c r="A{r}" t="inlineStr"><is><t>指标{r}</t></is></c><c r="B{r}"><v>{r}</v></c></row>"#));
    }
    let xml = format!(
        r#"<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetPr><pageSetUpPr fitToPage="1"/></sheetPr><sheetViews><sheetView workbookViewId="0"><pane ySplit="2" topLeftCell="A3" activePane="bottomLeft" state="frozen"/></sheetView></sheetViews><cols><col min="1" max="1" width="30.71" customWidth="1"/></cols><sheetData>{rows}</sheetData><mergeCells count="1"><mergeCell ref="C1:D2"/></mergeCells><pageSetup orientation="landscape" fitToWidth="1" fitToHeight="0"/></worksheet>"#
    );
    let bytes = package(&xml, None);
    /// Records the first rows handed over, and how often the reader paused.
    #[derive(Default)]
    struct Watch {
        first: Option<(usize, u64)>,
        steps: usize,
    }
    impl crate::pace::Pace for Watch {
        fn step(&mut self, _: crate::pace::Stage, _: f64) -> impl std::future::Future<Output = ()> {
            self.steps += 1;
            std::future::ready(())
        }
        fn first_rows(
            &mut self,
            _: crate::table::grid::Format,
            sheet: &Sheet,
            xml_bytes: u64,
        ) -> impl std::future::Future<Output = ()> {
            self.first = Some((sheet.rows.len(), xml_bytes));
            std::future::ready(())
        }
    }
    let mut watch = Watch::default();
    let read = crate::pace::finish(crate::io::read::read_workbook_paced(&bytes, &mut watch));
    let Some(Ok(book)) = read else {
        panic!("not read: {:?}", read.map(|r| r.map(|_| ())));
    };
    let sheet = &book.sheets[0];
    assert_eq!(sheet.rows.len(), 150);
    assert_eq!(
        sheet.merges,
        vec![Merge {
            first_row: 0,
            first_col: 2,
            last_row: 1,
            last_col: 3
        }]
    );
    assert_eq!(
        watch.first,
        Some((crate::pace::FIRST_ROWS, xml.len() as u64))
    );
    assert!(watch.steps >= 3, "{} steps", watch.steps);
    let look = book.styles[0].clone().unwrap_or_default();
    assert_eq!(look.heights, vec![(1, 30.0)]);
    assert_eq!(look.widths, vec![(0, 0, 30.0)]);
    assert_eq!(look.freeze, Some((2, 0)));
    assert_eq!(look.page.landscape, Some(true));
    assert_eq!(look.page.fit, Some((1, 0)));
}

#[test]
fn sheets_cut_short_or_mangled_are_refused_or_read_never_panic() {
    let whole = r#"<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>指标</t></is></c><c r="B1"><v>1</v></c></row><row r="2"><c r="A2" t="s"><v>0</v></c></row></sheetData><mergeCells count="1"><mergeCell ref="A1:B1"/></mergeCells></worksheet>"#;
    let sst = Some(r#"<sst><si><t>人均GDP</t></si></sst>"#);
    // Cut anywhere inside the cells: refused with the reason, as calamine refuses it.
    let start = whole.find("<row").unwrap_or(0);
    let end = whole.find("</sheetData>").unwrap_or(whole.len());
    for cut in (start..end).filter(|&i| whole.is_char_boundary(i)) {
        let bytes = package(&whole[..cut], sst);
        match read_workbook(&bytes) {
            Err(ImportError::Damaged { detail }) => {
                assert!(detail.contains("sheet 指标"), "{detail}")
            }
            other => panic!("cut at {cut}: {:?}", other.map(|_| ())),
        }
    }
    // Bytes changed at random: an error or a workbook, never a panic.
    let mut seed = Rng(0xbad_5eed);
    for _ in 0..500 {
        let mut xml = whole.as_bytes().to_vec();
        for _ in 0..1 + seed.below(4) {
            let at = seed.below(xml.len() as u64) as usize;
            let byte = *seed.pick(b"<>/\"'=&;#x0123456789ABZ:rcvtis \n");
            match seed.below(3) {
                0 => xml[at] = byte,
                1 => xml.insert(at, byte),
                _ => {
                    xml.remove(at);
                }
            }
        }
        let text = String::from_utf8_lossy(&xml).into_owned();
        let _ = read_workbook(&package(&text, sst));
    }
}

/// A package laid out as `parts`, written as given.
fn zip_parts(parts: &[(&str, &str)]) -> Vec<u8> {
    let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default();
    for (name, text) in parts {
        let _ = zip.start_file(*name, options);
        let _ = zip.write_all(text.as_bytes());
    }
    zip.finish().map(Cursor::into_inner).unwrap_or_default()
}

#[test]
fn the_workbook_is_found_where_the_package_says_not_only_at_its_usual_place() {
    let rels = r#"<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="/book/Workbook2.xml"/></Relationships>"#;
    let workbook = r#"<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="指标" sheetId="1" r:id="rId7"/><sheet name="二" sheetId="2" r:id="rId8"/></sheets></workbook>"#;
    let workbook_rels = r#"<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId7" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="../sheets/S1.xml"/><Relationship Id="rId8" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="/book/S2.xml"/><Relationship Id="rId9" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="strings.xml"/></Relationships>"#;
    let sheet = r#"<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData><row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1"><v>2025</v></c></row></sheetData></worksheet>"#;
    let strings = r#"<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><si><t>人均GDP</t></si></sst>"#;
    let bytes = zip_parts(&[
        ("_rels/.rels", rels),
        ("book/Workbook2.xml", workbook),
        ("book/_rels/Workbook2.xml.rels", workbook_rels),
        ("SHEETS/s1.xml", sheet),
        ("book/S2.xml", sheet),
        ("book/strings.xml", strings),
    ]);
    let read = read_workbook(&bytes);
    let Ok(book) = read else {
        panic!("not read: {:?}", read.map(|_| ()));
    };
    assert_eq!(book.sheets.len(), 2);
    for sheet in &book.sheets {
        let first: Vec<String> = sheet.rows[0].iter().map(|c| format!("{c:?}")).collect();
        assert!(first[0].contains("人均GDP"), "{}: {first:?}", sheet.name);
        assert!(first[1].contains("2025"), "{}: {first:?}", sheet.name);
    }
}
