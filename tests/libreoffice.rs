//! LibreOffice as an independent client of the exported workbook: every formula's cached result
//! is first overwritten with 0, LibreOffice (headless, with a profile that recalculates every
//! file on load) converts the workbook to .xlsx, and the values it computed are compared with
//! the engine's, to the figures' decimals.
//!
//! Needs `soffice` (Debian: `apt-get install -y libreoffice-calc-nogui`). Without it the test
//! fails: it never passes silently.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test helpers may fail loudly

#[allow(dead_code)]
mod common;
mod export_check;

use common::import;
use export_check::{check_detail, check_scores, fixtures, read_book};
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::Command;
use zhibiao::io::write::fill;
use zhibiao::io::Imported;
use zhibiao::plan::{self, Direction, Method, Plan};
use zhibiao::table::detect::Role;

/// The LibreOffice settings that make it recalculate every formula of every file it loads
/// (0 = always), whatever the file's cached results say.
const RECALC_PROFILE: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry" xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="OOXMLRecalcMode" oor:op="fuse"><value>0</value></prop></item>
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="ODFRecalcMode" oor:op="fuse"><value>0</value></prop></item>
</oor:items>
"#;

fn soffice() -> PathBuf {
    let found = std::env::var_os("PATH").and_then(|paths| {
        std::env::split_paths(&paths)
            .map(|p| p.join("soffice"))
            .find(|p| p.is_file())
    });
    found.unwrap_or_else(|| {
        panic!(
            "soffice is missing: install LibreOffice (`apt-get install -y libreoffice-calc-nogui`); \
             this test checks the exported formulas with it and must not pass without it"
        )
    })
}

/// Every formula's cached result (`<f>…</f><v>…</v>`) in the worksheets replaced by 0.
fn tamper(xlsx: &[u8]) -> Vec<u8> {
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(xlsx)).unwrap();
    let mut out = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options =
        zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    for i in 0..archive.len() {
        let mut file = archive.by_index(i).unwrap();
        let name = file.name().unwrap().into_owned();
        let mut data = Vec::new();
        file.read_to_end(&mut data).unwrap();
        if name.starts_with("xl/worksheets/sheet") && name.ends_with(".xml") {
            let text = String::from_utf8(data).unwrap();
            let mut result = String::with_capacity(text.len());
            let mut rest = text.as_str();
            while let Some(at) = rest.find("</f><v>") {
                let (head, tail) = rest.split_at(at + "</f><v>".len());
                result.push_str(head);
                result.push('0');
                let end = tail.find("</v>").unwrap();
                rest = &tail[end..];
            }
            result.push_str(rest);
            data = result.into_bytes();
        }
        out.start_file(name, options).unwrap();
        out.write_all(&data).unwrap();
    }
    out.finish().unwrap().into_inner()
}

/// The same workbook with every sheet after the first `keep` hidden (LibreOffice prints only
/// the visible sheets): the filled source sheets alone.
fn only_first_sheets(xlsx: &[u8], keep: usize) -> Vec<u8> {
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(xlsx)).unwrap();
    let mut out = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options =
        zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    for i in 0..archive.len() {
        let mut file = archive.by_index(i).unwrap();
        let name = file.name().unwrap().into_owned();
        let mut data = Vec::new();
        file.read_to_end(&mut data).unwrap();
        if name == "xl/workbook.xml" {
            let text = String::from_utf8(data).unwrap();
            let mut parts = text.split("<sheet name=");
            let mut result = parts.next().unwrap().to_string();
            for (k, part) in parts.enumerate() {
                let tag = part.split('>').next().unwrap_or_default();
                result.push_str(if k < keep || tag.contains("state=") {
                    "<sheet name="
                } else {
                    r#"<sheet state="hidden" name="#
                });
                result.push_str(part);
            }
            data = result.into_bytes();
        }
        out.start_file(name, options).unwrap();
        out.write_all(&data).unwrap();
    }
    out.finish().unwrap().into_inner()
}

/// The column letters of a 0-based column.
fn letters(col: usize) -> String {
    let mut n = col + 1;
    let mut out = Vec::new();
    while n > 0 {
        out.push(b'A' + ((n - 1) % 26) as u8);
        n = (n - 1) / 26;
    }
    out.reverse();
    String::from_utf8(out).unwrap()
}

/// The horizontal and vertical alignment in an `<alignment …>` (Excel's defaults when absent).
fn aligned(alignment: &str) -> (String, String) {
    let attr = |key: &str, default: &str| {
        alignment
            .split(&format!(r#"{key}=""#))
            .nth(1)
            .and_then(|t| t.split('"').next())
            .unwrap_or(default)
            .to_string()
    };
    (attr("horizontal", "general"), attr("vertical", "bottom"))
}

/// Converts every `.xlsx` in `input` to `.xlsx` in `output` with LibreOffice, recalculating.
fn convert(input: &[PathBuf], output: &Path, profile: &Path) {
    convert_to("xlsx", input, output, profile);
}

/// Converts every file in `input` to `format` (`xlsx`, `pdf`) in `output` with LibreOffice.
fn convert_to(format: &str, input: &[PathBuf], output: &Path, profile: &Path) {
    let user = profile.join("user");
    std::fs::create_dir_all(&user).unwrap();
    std::fs::write(user.join("registrymodifications.xcu"), RECALC_PROFILE).unwrap();
    let started = std::time::Instant::now();
    let run = Command::new(soffice())
        .arg(format!(
            "-env:UserInstallation=file://{}",
            profile.display()
        ))
        .args([
            "--headless",
            "--norestore",
            "--convert-to",
            format,
            "--outdir",
        ])
        .arg(output)
        .args(input)
        .output()
        .expect("soffice runs");
    assert!(
        run.status.success(),
        "soffice failed: {}\n{}",
        String::from_utf8_lossy(&run.stdout),
        String::from_utf8_lossy(&run.stderr)
    );
    println!(
        "LibreOffice converted {} workbooks in {:.1} s",
        input.len(),
        started.elapsed().as_secs_f64()
    );
}

/// The plans of an import's table sheets, in order (those the export writes as sources).
fn table_plans(imported: &Imported) -> Vec<Plan> {
    imported
        .sheets
        .iter()
        .filter_map(|s| s.plan.clone())
        .collect()
}

/// Every sample, and two with the user's corrections: a cap of 120 with overridden methods,
/// direction, decimals and years and a typed target; no cap at all.
fn cases() -> Vec<(String, Imported)> {
    let mut cases: Vec<(String, Imported)> = fixtures()
        .into_iter()
        .map(|name| (name.clone(), import(&name)))
        .collect();
    let mut imported = import("qinglan-county-2021-2022-progress.xls");
    let plan = imported.sheets[0].plan.as_mut().unwrap();
    plan.settings.cap = Some(120.0);
    plan.indicators[2].overrides.method = Some(Method::Compound);
    plan.indicators[2].overrides.decimals = Some(3);
    plan.indicators[4].overrides.direction = Some(Direction::Negative);
    plan.indicators[5].overrides.method = Some(Method::Manual);
    plan.indicators[5].manual.insert(2023, 52.25);
    plan.indicators[6].overrides.base_year = Some(2019);
    plan.indicators[6].overrides.target_year = Some(2024);
    plan.indicators[10].overrides.method = Some(Method::Linear);
    plan.indicators[12].overrides.method = Some(Method::Hold);
    cases.push(("overrides".into(), imported));
    let mut imported = import("wangchuan-city-2016-2020-assessment.xlsx");
    imported.sheets[0].plan.as_mut().unwrap().settings.cap = None;
    cases.push(("no-cap".into(), imported));
    cases
}

#[test]
fn libreoffice_recomputes_every_formula_to_the_engines_value() {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR"))
        .join(format!("libreoffice-{}", std::process::id()));
    let (input, output, profile) = (dir.join("in"), dir.join("out"), dir.join("profile"));
    std::fs::create_dir_all(&input).unwrap();
    std::fs::create_dir_all(&output).unwrap();
    let cases = cases();
    let mut files = Vec::new();
    for (name, imported) in &cases {
        let bytes =
            tamper(&fill::workbook(imported, &plan::Options::default(), Some(0.0)).unwrap());
        // The tampered workbook is wrong as it stands: a reader that does not recalculate
        // would fail the checks below.
        let book = read_book(&bytes);
        let plans = table_plans(imported);
        let results = plan::compute(&plans[0], &plan::Options::default());
        let computed = results.indicators.iter().any(|r| {
            r.yearly
                .values()
                .any(|t| t.source == plan::Source::Computed)
        });
        if computed {
            let wrong = check_detail(&book[plans.len()], &plans[0], &results);
            assert!(
                !wrong.problems.is_empty(),
                "{name}: tampering changed nothing"
            );
        }
        let file = input.join(format!("{}.xlsx", name.replace('.', "_")));
        std::fs::write(&file, bytes).unwrap();
        files.push(file);
    }
    convert(&files, &output, &profile);
    let mut total = (0, 0);
    for ((name, imported), file) in cases.iter().zip(&files) {
        let out = output.join(file.file_name().unwrap());
        let bytes = std::fs::read(&out).unwrap_or_else(|e| panic!("{name}: {out:?}: {e}"));
        let book = read_book(&bytes);
        let plans = table_plans(imported);
        let n = plans.len();
        for (i, plan) in plans.iter().enumerate() {
            let results = plan::compute(plan, &plan::Options::default());
            let d = check_detail(&book[n + 3 * i], plan, &results);
            let s = check_scores(&book[n + 3 * i + 1], &results);
            let problems: Vec<&String> = d.problems.iter().chain(&s.problems).take(20).collect();
            assert!(
                problems.is_empty(),
                "{name} (LibreOffice, sheet {}): {problems:#?}",
                book[n + 3 * i].name
            );
            assert!(
                book[n + 3 * i].formula_count() > 0,
                "{name}: LibreOffice kept no formula"
            );
            total.0 += d.figures + s.figures;
            total.1 += d.formulas + s.formulas;
        }
        // The workbook as LibreOffice saved it still imports as the same plan.
        let again = zhibiao::io::import(&bytes).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(again.first_table(), Some(0), "{name}");
        let back: Vec<Plan> = again.sheets.into_iter().filter_map(|s| s.plan).collect();
        assert_eq!(
            back.len(),
            plans.len(),
            "{name}: table sheets after LibreOffice"
        );
        for (a, b) in plans.iter().zip(&back) {
            let shown = |p: &Plan| {
                let r = plan::compute(p, &plan::Options::default());
                r.indicators
                    .iter()
                    .map(|i| {
                        let y: Vec<_> = i.yearly.iter().map(|(y, t)| (*y, t.shown())).collect();
                        (i.method, i.direction, i.decimals, y, i.realization.clone())
                    })
                    .collect::<Vec<_>>()
            };
            assert_eq!(a.settings, b.settings, "{name}: settings after LibreOffice");
            assert_eq!(shown(a), shown(b), "{name}: figures after LibreOffice");
        }
    }
    println!(
        "LibreOffice: {} figures compared, {} of them formulas it recomputed",
        total.0, total.1
    );
    let _ = std::fs::remove_dir_all(&dir);
}

/// The pages of a PDF that LibreOffice wrote (its page objects are not compressed).
fn pdf_pages(pdf: &[u8]) -> usize {
    let needle = b"/Type/Page";
    let spaced = b"/Type /Page";
    let count = |n: &[u8]| {
        pdf.windows(n.len() + 1)
            .filter(|w| &w[..n.len()] == n && w[n.len()] != b's')
            .count()
    };
    count(needle) + count(spaced)
}

/// The text of one part of an `.xlsx`.
fn part(xlsx: &[u8], name: &str) -> String {
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(xlsx)).unwrap();
    let mut text = String::new();
    archive
        .by_name(name)
        .unwrap_or_else(|e| panic!("{name}: {e}"))
        .read_to_string(&mut text)
        .unwrap();
    text
}

/// The `<alignment …>` of cell `at` of the first sheet of an `.xlsx`, as its style says.
fn alignment(xlsx: &[u8], at: &str) -> String {
    alignment_in(xlsx, "xl/worksheets/sheet1.xml", at)
}

/// The `<alignment …>` of cell `at` of the sheet part `sheet` of an `.xlsx`.
fn alignment_in(xlsx: &[u8], sheet: &str, at: &str) -> String {
    let sheet = part(xlsx, sheet);
    let open = format!(r#"<c r="{at}" "#);
    let cell = &sheet[sheet.find(&open).unwrap_or_else(|| panic!("no cell {at}"))..];
    let cell = &cell[..cell.find('>').unwrap()];
    let style: usize = cell
        .split(r#"s=""#)
        .nth(1)
        .and_then(|t| t.split('"').next())
        .map_or(0, |n| n.parse().unwrap());
    let styles = part(xlsx, "xl/styles.xml");
    let xfs = &styles[styles.find("<cellXfs").unwrap()..];
    let xf = xfs.split("<xf ").nth(style + 1).unwrap();
    let xf = &xf[..xf.find("</xf>").or_else(|| xf.find("/>")).unwrap()];
    xf.find("<alignment").map_or(String::new(), |i| {
        xf[i..].split("/>").next().unwrap().to_string()
    })
}

#[test]
fn exported_workbooks_print_on_a4_landscape_one_page_wide() {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR"))
        .join(format!("libreoffice-print-{}", std::process::id()));
    let (input, output, profile) = (dir.join("in"), dir.join("out"), dir.join("profile"));
    std::fs::create_dir_all(&input).unwrap();
    std::fs::create_dir_all(&output).unwrap();
    let samples = [
        "qinglan-county-2021-2022-progress.xls",
        "wangchuan-city-2016-2020-assessment.xlsx",
        "three-districts-2021-2023.xlsx",
    ];
    let mut files = Vec::new();
    let mut exports = Vec::new();
    for (i, name) in samples.iter().enumerate() {
        let original = std::fs::read(
            PathBuf::from(env!("CARGO_MANIFEST_DIR"))
                .join("tests/fixtures")
                .join(name),
        )
        .unwrap();
        let ext = name.rsplit('.').next().unwrap();
        let original_file = input.join(format!("original-{i}.{ext}"));
        std::fs::write(&original_file, &original).unwrap();
        let imported = import(name);
        let bytes = fill::workbook(&imported, &plan::Options::default(), Some(0.0)).unwrap();
        let export_file = input.join(format!("export-{i}.xlsx"));
        std::fs::write(&export_file, &bytes).unwrap();
        let sources = table_plans(&imported).len();
        let source_file = input.join(format!("source-{i}.xlsx"));
        std::fs::write(&source_file, only_first_sheets(&bytes, sources)).unwrap();
        files.push(original_file);
        files.push(export_file);
        files.push(source_file);
        exports.push((name, imported, bytes));
    }
    convert_to("pdf", &files, &output, &profile);
    for (i, (name, imported, bytes)) in exports.iter().enumerate() {
        let tables = table_plans(imported);
        // Every sheet we write (sources, 计划明细, 考核得分, 下年度目标) is set up for A4
        // landscape, one page wide, with a header and page numbers.
        let sheets = tables.len() * 4;
        // The source sheets keep a portrait page their original sets up with a fit to pages
        // (Qinglan's .xls says portrait at 100%, the default, so it is not kept); the rest are
        // landscape.
        let stated: Vec<Option<bool>> = imported
            .sheets
            .iter()
            .filter(|s| s.plan.is_some())
            .map(|s| {
                s.style
                    .as_ref()
                    .filter(|l| l.page.fit.is_some())
                    .and_then(|l| l.page.landscape)
            })
            .collect();
        for k in 1..=sheets {
            let xml = part(bytes, &format!("xl/worksheets/sheet{k}.xml"));
            let orientation = match stated.get(k - 1).copied().flatten() {
                Some(false) if k <= tables.len() => r#"orientation="portrait""#,
                _ => r#"orientation="landscape""#,
            };
            for want in [
                orientation,
                r#"paperSize="9""#,
                r#"fitToHeight="0""#,
                r#"fitToPage="1""#,
                "第 &amp;P 页 / 共 &amp;N 页",
            ] {
                assert!(xml.contains(want), "{name}: sheet{k} lacks {want}");
            }
        }
        // The header band repeats on every page of each source sheet.
        let workbook = part(bytes, "xl/workbook.xml");
        assert_eq!(
            workbook.matches("_xlnm.Print_Titles").count(),
            sheets,
            "{name}: print titles"
        );
        let title = tables[0].title.trim();
        if !title.is_empty() {
            let first = part(bytes, "xl/worksheets/sheet1.xml");
            assert!(
                first.contains(title),
                "{name}: the plan's title in the page header"
            );
        }
        // LibreOffice prints the whole filled workbook on at most one page more per sheet we
        // add than the original (the export before this setup printed Qinglan on 20 pages,
        // the original on 4).
        let pages = |file: String| pdf_pages(&std::fs::read(output.join(file)).unwrap());
        let (original, export) = (
            pages(format!("original-{i}.pdf")),
            pages(format!("export-{i}.pdf")),
        );
        assert!(original > 0, "{name}: the original printed");
        assert!(
            export <= original + 1 + 3 * tables.len(),
            "{name}: the export prints on {export} pages, the original on {original}"
        );
        println!("{name}: original {original} pages, export {export}");
        // The filled source sheets alone print on at most one page more each than the
        // original's sheets.
        let source = pages(format!("source-{i}.pdf"));
        assert!(
            source <= original + tables.len(),
            "{name}: the filled source sheets print on {source} pages, the original on {original}"
        );
        println!("{name}: the filled source sheets alone {source} pages");
        // 序号 and 类别 keep the original's alignment, read back from the export's styles; for
        // an .xlsx original, from its own styles.xml.
        let first = imported.sheets.iter().find(|s| s.plan.is_some()).unwrap();
        let (layout, plan) = (first.layout.as_ref().unwrap(), first.plan.as_ref().unwrap());
        let row = plan.indicators[0].row;
        for role in [Role::Seq, Role::Category] {
            let Some(col) = layout.col(role) else {
                continue;
            };
            let at = format!("{}{row}", letters(col));
            let got = aligned(&alignment(bytes, &at));
            let want = if name.ends_with(".xlsx") {
                let original = std::fs::read(
                    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
                        .join("tests/fixtures")
                        .join(name),
                )
                .unwrap();
                let sheet = format!(
                    "xl/worksheets/sheet{}.xml",
                    1 + imported
                        .sheets
                        .iter()
                        .position(|s| s.plan.is_some())
                        .unwrap()
                );
                aligned(&alignment_in(&original, &sheet, &at))
            } else {
                ("center".to_string(), "center".to_string())
            };
            assert_eq!(got, want, "{name}: {role:?} at {at}");
            println!("{name}: {role:?} at {at} aligned {got:?}");
        }
        if name.starts_with("qinglan") {
            // 序号 (A6: seq 1) and the merged category 经济发展 (B6) are centred, as in the
            // original; the category also in the middle of its merged cells.
            let seq = alignment(bytes, "A6");
            assert!(seq.contains(r#"horizontal="center""#), "序号: {seq}");
            let category = alignment(bytes, "B6");
            assert!(
                category.contains(r#"horizontal="center""#),
                "类别: {category}"
            );
            assert!(
                category.contains(r#"vertical="center""#),
                "类别: {category}"
            );
        }
    }
}
