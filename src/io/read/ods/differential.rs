//! Our `.ods` reading ([`super::read_paced`]) against calamine's `Ods::worksheet_range` (the
//! reader it replaces) on the same packages: the `.ods` fixtures and samples, and hundreds of
//! seeded hand-written `content.xml`s in a minimal package (numbers, percentages, currencies,
//! dates, times, booleans, errors, strings of several paragraphs with `text:s`, tabs, line
//! breaks, spans, links and annotations, references, formulas, repeated rows and cells, empty
//! and covered cells, header rows, row groups, several sheets). calamine does not read number
//! formats or merges: the cells' values are compared, formats left out.

use crate::error::ImportError;
use crate::io::limits::Budget;
use crate::io::read::testing::{both, same_cells, Rng};
use crate::io::read::{read_workbook, to_sheet, with_ods_mimetype};
use crate::table::grid::Sheet;
use calamine::{Ods, Reader};
use std::io::{Cursor, Write};

/// calamine's reading: each sheet's range as `read_ods` made it a sheet until now.
fn read_calamine(bytes: &[u8]) -> Result<Vec<Sheet>, ImportError> {
    let rebuilt = with_ods_mimetype(bytes)?;
    let bytes = rebuilt.as_deref().unwrap_or(bytes);
    let mut wb: Ods<_> = Ods::new(Cursor::new(bytes)).map_err(|e| match e {
        calamine::OdsError::Password => ImportError::Encrypted,
        other => crate::io::read::damaged(other),
    })?;
    let mut budget = Budget::default();
    let mut sheets = Vec::new();
    for name in wb.sheet_names() {
        let range = wb
            .worksheet_range(&name)
            .map_err(crate::io::read::damaged)?;
        let sheet = crate::pace::finish(to_sheet(
            name,
            range,
            &mut budget,
            &mut crate::pace::Straight,
            |p| p,
            |_, _| None,
        ))
        .ok_or_else(|| crate::io::read::damaged("waited"))??;
        sheets.push(sheet.finish(Vec::new())?);
    }
    Ok(sheets)
}

/// Both readings of `bytes` fail, or give the same sheets and cells; how many cells that are
/// not empty the workbook holds (`None` when both failed).
fn same(bytes: &[u8], what: &str) -> Option<usize> {
    let (a, b) = both(
        read_workbook(bytes).map(|w| w.sheets),
        read_calamine(bytes),
        what,
    )?;
    let names = |s: &[Sheet]| s.iter().map(|s| s.name.clone()).collect::<Vec<_>>();
    assert_eq!(names(&a), names(&b), "{what}: sheets");
    // calamine gives no .ods number formats: the cells are compared without them.
    Some(
        a.iter()
            .zip(&b)
            .map(|(x, y)| same_cells(x, y, what, false))
            .sum(),
    )
}

#[test]
fn the_fixtures_and_samples_read_as_calamine_reads_them() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut dirs = vec![
        root.join("tests/fixtures"),
        root.join("tests/fixtures/formats"),
        root.join("tests/fixtures/understanding"),
        root.join("../shared/samples"),
    ];
    let mut read = 0;
    let mut files = 0;
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(&dir).into_iter().flatten().flatten() {
            let path = entry.path();
            let ods = path
                .extension()
                .and_then(|e| e.to_str())
                .is_some_and(|e| e.eq_ignore_ascii_case("ods"));
            if !ods {
                continue;
            }
            files += 1;
            let bytes = std::fs::read(&path).unwrap_or_default();
            if same(&bytes, &path.display().to_string()).is_some_and(|n| n > 0) {
                read += 1;
            }
        }
    }
    assert!(read >= 2, "{read} of {files} files read");
}

const MANIFEST: &str = r#"<?xml version="1.0" encoding="UTF-8"?><manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2"><manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/><manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/></manifest:manifest>"#;

const HEAD: &str = r#"<?xml version="1.0" encoding="UTF-8"?><office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" xmlns:number="urn:oasis:names:tc:opendocument:xmlns:datastyle:1.0" xmlns:calcext="urn:org:documentfoundation:names:experimental:calc:xmlns:calcext:1.0" xmlns:xlink="http://www.w3.org/1999/xlink" xmlns:dc="http://purl.org/dc/elements/1.1/" office:version="1.3">"#;

/// A minimal package: `mimetype`, the manifest and `content`.
fn package(content: &str) -> Vec<u8> {
    let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let stored =
        zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    let deflated = zip::write::SimpleFileOptions::default();
    zip.start_file("mimetype", stored).unwrap();
    zip.write_all(b"application/vnd.oasis.opendocument.spreadsheet")
        .unwrap();
    zip.start_file("META-INF/manifest.xml", deflated).unwrap();
    zip.write_all(MANIFEST.as_bytes()).unwrap();
    zip.start_file("content.xml", deflated).unwrap();
    zip.write_all(content.as_bytes()).unwrap();
    zip.finish().unwrap().into_inner()
}

/// A package of one sheet holding a plan of `rows` indicators as LibreOffice writes one: a
/// title spanning the header's five columns (序号, 指标名称, 单位, 2020年, 2025年), the numbers
/// with a two-decimal data style, runs of empty cells as one repeated cell, and the rest of the
/// sheet as one repeated empty row.
pub(crate) fn plan_package(rows: usize) -> Vec<u8> {
    plan_tables(&[rows])
}

/// [`plan_package`] with one sheet per entry of `sheets` (计划, 计划2, …), each of that many
/// indicators.
pub(crate) fn plan_tables(sheets: &[usize]) -> Vec<u8> {
    let string = |s: &str| {
        format!(
            r#"<table:table-cell office:value-type="string"><text:p>{s}</text:p></table:table-cell>"#
        )
    };
    let number = |n: f64| {
        format!(
            r#"<table:table-cell table:style-name="ce1" office:value-type="float" office:value="{n}"><text:p>{n:.2}</text:p></table:table-cell>"#
        )
    };
    let mut out = String::from(HEAD);
    out.push_str(r#"<office:automatic-styles><number:number-style style:name="N2"><number:number number:decimal-places="2" number:min-decimal-places="2" number:min-integer-digits="1"/></number:number-style><style:style style:name="ce1" style:family="table-cell" style:data-style-name="N2"/></office:automatic-styles><office:body><office:spreadsheet>"#);
    for (n, &rows) in sheets.iter().enumerate() {
        let name = if n == 0 {
            "计划".to_string()
        } else {
            format!("计划{}", n + 1)
        };
        out.push_str(&format!(r#"<table:table table:name="{name}"><table:table-column table:number-columns-repeated="6"/>"#));
        table_rows(&mut out, rows, &string, &number);
    }
    out.push_str("</office:spreadsheet></office:body></office:document-content>");
    package(&out)
}

/// One plan sheet's rows, then its end (see [`plan_package`]).
fn table_rows(
    out: &mut String,
    rows: usize,
    string: &dyn Fn(&str) -> String,
    number: &dyn Fn(f64) -> String,
) {
    out.push_str(r#"<table:table-row><table:table-cell table:number-columns-spanned="5" office:value-type="string"><text:p>指标计划</text:p></table:table-cell><table:covered-table-cell table:number-columns-repeated="4"/></table:table-row><table:table-row>"#);
    for h in ["序号", "指标名称", "单位", "2020年", "2025年"] {
        out.push_str(&string(h));
    }
    out.push_str("</table:table-row>");
    for i in 0..rows {
        out.push_str("<table:table-row>");
        out.push_str(&number((i + 1) as f64));
        out.push_str(&string(&format!("指标{}", i + 1)));
        // Every seventh indicator has no unit.
        if i % 7 == 0 {
            out.push_str("<table:table-cell/>");
        } else {
            out.push_str(&string("%"));
        }
        out.push_str(&number(50.0 + (i % 7) as f64));
        out.push_str(&number(60.0 + (i % 7) as f64));
        out.push_str("</table:table-row>");
    }
    out.push_str(r#"<table:table-row table:number-rows-repeated="1048000"><table:table-cell table:number-columns-repeated="6"/></table:table-row></table:table>"#);
}

const WORDS: [&str; 10] = [
    "人均GDP",
    "单位GDP能耗降低",
    "a &amp; b &lt; c",
    "&#x4E2D;&#25991;",
    "≥95%",
    "城镇化率（%）",
    "x",
    "&quot;q&quot; &apos;s&apos;",
    "𝒳",
    "12.5",
];

fn word(rng: &mut Rng) -> &'static str {
    let w: &&str = rng.pick(&WORDS);
    w
}

/// Text inside a paragraph: words, spans, links, spaces, tabs, line breaks.
fn inline(rng: &mut Rng, out: &mut String, depth: u32) {
    for _ in 0..=rng.below(3) {
        match rng.below(9) {
            0..=2 => out.push_str(word(rng)),
            3 => out.push_str("<text:s/>"),
            4 => {
                let c = rng.pick(&["0", "1", "3", "12", "-1"]);
                out.push_str(&format!(r#"<text:s text:c="{c}"/>"#));
            }
            5 => out.push_str("<text:tab/>"),
            6 => out.push_str("<text:line-break/>"),
            7 if depth < 2 => {
                out.push_str(r#"<text:span text:style-name="T1">"#);
                inline(rng, out, depth + 1);
                out.push_str("</text:span>");
            }
            _ if depth < 2 => {
                out.push_str(r#"<text:a xlink:href="http://x.cn/" xlink:type="simple">"#);
                inline(rng, out, depth + 1);
                out.push_str("</text:a>");
            }
            _ => out.push(' '),
        }
    }
}

/// The content of a string cell: paragraphs (some empty), annotations, a bare text node.
fn paragraphs(rng: &mut Rng) -> String {
    let mut out = String::new();
    if rng.chance(10) {
        out.push_str(r#"<office:annotation><dc:creator>某人</dc:creator><text:p>批注</text:p><text:p>two</text:p></office:annotation>"#);
    }
    for _ in 0..=rng.below(3) {
        match rng.below(8) {
            0 => out.push_str("<text:p/>"),
            1 => out.push_str(word(rng)),
            _ => {
                out.push_str("<text:p>");
                inline(rng, &mut out, 0);
                out.push_str("</text:p>");
            }
        }
        if rng.chance(5) {
            out.push_str(r#"<office:annotation office:display="true"><text:p>note <text:s text:c="2"/></text:p></office:annotation>"#);
        }
    }
    out
}

/// One cell: its attributes and content.
fn cell(rng: &mut Rng) -> String {
    let tag = if rng.chance(8) {
        "table:covered-table-cell"
    } else {
        "table:table-cell"
    };
    let mut attrs = String::new();
    let mut content = String::new();
    if rng.chance(25) {
        let n = rng.pick(&["0", "1", "2", "3", "7"]);
        attrs.push_str(&format!(r#" table:number-columns-repeated="{n}""#));
    }
    if rng.chance(10) {
        attrs.push_str(r#" table:style-name="ce1""#);
    }
    if rng.chance(8) {
        attrs.push_str(r#" table:formula="of:=[.A1]+1""#);
    }
    let number = rng.pick(&[
        "1",
        "-3",
        "0.1",
        "1e3",
        "12345678.9",
        "0.875",
        "3.0E-2",
        "42",
    ]);
    match rng.below(14) {
        0 => {}
        1 | 2 => attrs.push_str(&format!(
            r#" office:value-type="float" office:value="{number}" calcext:value-type="float""#
        )),
        3 => attrs.push_str(&format!(
            r#" office:value="{number}" office:value-type="percentage""#
        )),
        4 => attrs.push_str(&format!(
            r#" office:value-type="currency" office:currency="CNY" office:value="{number}""#
        )),
        5 => {
            let d = rng.pick(&["2024-01-05", "2020-12-31T10:30:00", "1899-12-30"]);
            attrs.push_str(&format!(
                r#" office:value-type="date" office:date-value="{d}""#
            ));
        }
        6 => {
            let t = rng.pick(&["PT12H30M00S", "PT00H00M01.5S", "PT36H00M00S"]);
            attrs.push_str(&format!(
                r#" office:value-type="time" office:time-value="{t}""#
            ));
        }
        7 => {
            let b = rng.pick(&["true", "false", "TRUE", "1"]);
            attrs.push_str(&format!(
                r#" office:value-type="boolean" office:boolean-value="{b}""#
            ));
        }
        8 => attrs.push_str(&format!(
            r#" office:value-type="string" office:string-value="{}""#,
            rng.pick(&WORDS)
        )),
        9 => {
            attrs.push_str(
                r#" office:value-type="string" office:string-value="" calcext:value-type="error""#,
            );
            content.push_str("<text:p>#DIV/0!</text:p>");
        }
        10 => attrs.push_str(r#" office:value-type="float""#),
        _ => {
            attrs.push_str(r#" office:value-type="string" calcext:value-type="string""#);
            content = paragraphs(rng);
        }
    }
    if rng.chance(10) && tag == "table:table-cell" {
        attrs.push_str(r#" table:number-columns-spanned="2" table:number-rows-spanned="2""#);
    }
    // A display text is written for numbers too; only strings read it.
    if content.is_empty() && rng.chance(40) {
        content.push_str(&format!("<text:p>{}</text:p>", rng.pick(&WORDS)));
    }
    if content.is_empty() && rng.chance(50) {
        format!("<{tag}{attrs}/>")
    } else {
        format!("<{tag}{attrs}>{content}</{tag}>")
    }
}

fn row(rng: &mut Rng) -> String {
    let mut attrs = String::new();
    let mut cells = String::new();
    let empty = rng.chance(15);
    if rng.chance(20) {
        let n = if empty {
            rng.pick(&["2", "5", "1000", "3000"])
        } else {
            rng.pick(&["1", "2", "3"])
        };
        attrs.push_str(&format!(r#" table:number-rows-repeated="{n}""#));
    }
    if rng.chance(10) {
        attrs.push_str(r#" table:style-name="ro1""#);
    }
    if !empty {
        for _ in 0..=rng.below(8) {
            cells.push_str(&cell(rng));
        }
    }
    if rng.chance(30) {
        cells.push_str(r#"<table:table-cell table:number-columns-repeated="16370"/>"#);
    }
    if cells.is_empty() && rng.chance(50) {
        format!("<table:table-row{attrs}/>")
    } else {
        format!("<table:table-row{attrs}>{cells}</table:table-row>")
    }
}

fn rows(rng: &mut Rng, out: &mut String, depth: u32) {
    for _ in 0..=rng.below(6) {
        match rng.below(10) {
            0 if depth < 2 => {
                out.push_str("<table:table-header-rows>");
                rows(rng, out, depth + 1);
                out.push_str("</table:table-header-rows>");
            }
            1 if depth < 2 => {
                out.push_str(r#"<table:table-row-group table:display="true">"#);
                rows(rng, out, depth + 1);
                out.push_str("</table:table-row-group>");
            }
            2 if depth < 2 => {
                out.push_str("<table:table-rows>");
                rows(rng, out, depth + 1);
                out.push_str("</table:table-rows>");
            }
            3 => out.push_str("<text:soft-page-break/>"),
            _ => out.push_str(&row(rng)),
        }
    }
}

/// A seeded `content.xml` of one to three sheets.
fn content(rng: &mut Rng) -> String {
    let mut out = String::from(HEAD);
    out.push_str(r#"<office:automatic-styles><number:number-style style:name="N2"><number:number number:decimal-places="2" number:min-integer-digits="1"/></number:number-style><style:style style:name="ce1" style:family="table-cell" style:data-style-name="N2"/></office:automatic-styles><office:body><office:spreadsheet><table:calculation-settings table:automatic-find-labels="false"/>"#);
    for s in 0..=rng.below(3) {
        if rng.chance(5) {
            out.push_str(&format!(r#"<table:table table:name="空{s}"/>"#));
            continue;
        }
        if rng.chance(5) {
            out.push_str("<table:table><table:table-row><table:table-cell office:value-type=\"float\" office:value=\"9\"/></table:table-row></table:table>");
        }
        out.push_str(&format!(
            r#"<table:table table:name="表{s} &amp; Co" table:style-name="ta1">"#
        ));
        if rng.chance(50) {
            out.push_str(r#"<table:table-column table:style-name="co1" table:number-columns-repeated="3" table:default-cell-style-name="Default"/>"#);
        }
        if rng.chance(20) {
            out.push_str(r#"<table:table-header-columns><table:table-column table:style-name="co1"/></table:table-header-columns>"#);
        }
        rows(rng, &mut out, 0);
        out.push_str("</table:table>");
    }
    out.push_str(r#"<table:named-expressions/></office:spreadsheet></office:body></office:document-content>"#);
    out
}

#[test]
fn generated_content_reads_as_calamine_reads_it() {
    let mut rng = Rng(0x0d5_5eed_2026);
    let (mut read, mut held) = (0, 0);
    for i in 0..600 {
        let xml = content(&mut rng);
        if let Some(n) = same(&package(&xml), &format!("content {i}:\n{xml}\n")) {
            read += 1;
            held += n;
        }
    }
    assert!(read >= 590, "{read} read");
    assert!(held > 10_000, "{held} cells");
}

/// The number formats of generated sheets (calamine gives none, so this is not against it): a
/// number takes the data style of its own cell style, else of its row's default cell style, else
/// of its column's (the first of these it names decides, even one without a data style); a text
/// cell has none. Each style's code is what the reader gives one cell of that style.
#[test]
fn generated_number_formats_follow_cell_then_row_then_column() {
    const STYLES: &str = r#"<office:automatic-styles>
        <number:number-style style:name="N2"><number:number number:decimal-places="2" number:min-decimal-places="2" number:min-integer-digits="1"/></number:number-style>
        <number:percentage-style style:name="P0"><number:number number:decimal-places="0" number:min-decimal-places="0" number:min-integer-digits="1"/><number:text>%</number:text></number:percentage-style>
        <style:style style:name="ce1" style:family="table-cell" style:data-style-name="N2"/>
        <style:style style:name="ce2" style:family="table-cell" style:data-style-name="P0"/>
        <style:style style:name="ce3" style:family="table-cell" style:parent-style-name="ce2"/>
        <style:style style:name="ce4" style:family="table-cell"/>
        </office:automatic-styles>"#;
    let sheet = |columns: &str, rows: &str| {
        format!(
            r#"{HEAD}{STYLES}<office:body><office:spreadsheet><table:table table:name="S">{columns}{rows}</table:table></office:spreadsheet></office:body></office:document-content>"#
        )
    };
    let styled = |name: Option<&str>, attr: &str| {
        name.map_or(String::new(), |n| format!(r#" {attr}="{n}""#))
    };
    let number = |style: Option<&str>| {
        format!(
            r#"<table:table-cell office:value-type="float" office:value="1.5"{}/>"#,
            styled(style, "table:style-name")
        )
    };
    let formats = |bytes: &[u8]| -> Vec<Vec<Option<String>>> {
        let sheets = read_workbook(bytes).expect("reads").sheets;
        sheets[0]
            .rows
            .iter()
            .map(|row| {
                row.iter()
                    .map(|c| match c {
                        crate::plan::RawCell::Number { format, .. } => {
                            format.as_deref().map(str::to_string)
                        }
                        _ => None,
                    })
                    .collect()
            })
            .collect()
    };
    let names = [None, Some("ce1"), Some("ce2"), Some("ce3"), Some("ce4")];
    // The code each style gives a cell of its own.
    let code = |name: Option<&str>| -> Option<String> {
        let row = format!("<table:table-row>{}</table:table-row>", number(name));
        formats(&package(&sheet("", &row)))[0][0].clone()
    };
    let codes: Vec<Option<String>> = names.iter().map(|n| code(*n)).collect();
    assert_eq!(codes[0], None);
    assert!(codes[1].is_some() && codes[2].is_some() && codes[1] != codes[2]);
    assert_eq!(codes[3], codes[2], "a parent's data style is inherited");
    assert_eq!(
        codes[4], None,
        "a cell style without a data style gives none"
    );
    let mut rng = Rng(0x0D5_F0A7);
    for case in 0..300 {
        let width = 1 + rng.below(4) as usize;
        let column_styles: Vec<usize> = (0..width).map(|_| rng.below(5) as usize).collect();
        let columns: String = column_styles
            .iter()
            .map(|&s| {
                format!(
                    "<table:table-column{}/>",
                    styled(names[s], "table:default-cell-style-name")
                )
            })
            .collect();
        let mut rows = String::new();
        let mut expected = Vec::new();
        for _ in 0..1 + rng.below(6) {
            let row_style = rng.below(5) as usize;
            let mut cells = String::new();
            let mut want = Vec::new();
            for &column_style in &column_styles {
                if rng.chance(20) {
                    cells.push_str(r#"<table:table-cell office:value-type="string"><text:p>x</text:p></table:table-cell>"#);
                    want.push(None);
                    continue;
                }
                let own = rng.below(5) as usize;
                cells.push_str(&number(names[own]));
                let decides = [own, row_style, column_style]
                    .into_iter()
                    .find(|&s| names[s].is_some())
                    .unwrap_or(0);
                want.push(codes[decides].clone());
            }
            rows.push_str(&format!(
                "<table:table-row{}>{cells}</table:table-row>",
                styled(names[row_style], "table:default-cell-style-name")
            ));
            expected.push(want);
        }
        let got = formats(&package(&sheet(&columns, &rows)));
        assert_eq!(got, expected, "case {case}: {columns}{rows}");
    }
}
