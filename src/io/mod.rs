//! Adapters: bytes in, bytes out. Pure Rust, tested natively on the fixture files.
//!
//! [`read`] turns bytes into a format-neutral [`crate::table::grid::Workbook`] (one file per
//! format), which [`crate::table`] understands; [`write`](mod@write) turns an import and its results into
//! files (the filled workbook, the 计划明细 CSV, the saved page); [`report`] is the JSON report.
//! Between them: the completion columns both the grid and the export append ([`appended`]),
//! sheets combined into one plan ([`combine`]), what an export carries to be read back
//! ([`roundtrip`]), and every size limit ([`limits`]).
//!
//! This room may use [`crate::plan`], [`crate::table`] and [`crate::pace`]; never
//! `crate::ui` or anything of the browser.

pub mod appended;
pub mod by_hand;
pub mod combine;
pub mod limits;
pub mod merge;
pub mod read;
pub mod report;
pub mod returns;
pub mod roundtrip;
pub mod write;

use crate::error::ImportError;
use crate::pace;
use crate::plan::Plan;
use crate::table::detect::{self, Layout};
use crate::table::grid::{Format, Sheet};
use serde::{Deserialize, Serialize};

/// One sheet of an imported workbook: its cells, and its table where it holds one.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ImportedSheet {
    /// The cells as read.
    pub sheet: Sheet,
    /// The detected (or user-marked) indicator table, if any.
    pub layout: Option<Layout>,
    /// The plan built from the table, with the user's overrides.
    pub plan: Option<Plan>,
    /// The sheet's look as its file states it (`.xlsx`, `.xls`), carried into the export.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub style: Option<crate::table::style::SheetStyle>,
}

/// A workbook read and understood.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Imported {
    /// The format the bytes were in.
    pub format: Format,
    /// Every sheet, in workbook order.
    pub sheets: Vec<ImportedSheet>,
    /// The returns a consolidated workbook exported by Zhibiao says were folded into its plan
    /// (read back from its round-trip sheet); empty for any other file.
    #[serde(default, skip_serializing_if = "returns::Returns::is_empty")]
    pub returns: returns::Returns,
}

impl Imported {
    /// The index of the first sheet that holds an indicator table.
    pub fn first_table(&self) -> Option<usize> {
        self.sheets.iter().position(|s| s.plan.is_some())
    }

    /// A CSV file has no sheet name: its one sheet takes the file's name without folder and
    /// extension, as Excel and WPS name it when they open the file (`指标.csv` → `指标`), so the
    /// tab and the exported workbook's sheet say which file it was. Other formats keep theirs.
    pub fn name_text_sheet(&mut self, file_name: &str) {
        if self.format != Format::Csv {
            return;
        }
        let base = file_name.rsplit(['/', '\\']).next().unwrap_or(file_name);
        let stem = base.rsplit_once('.').map_or(base, |(stem, _)| stem).trim();
        if let ([sheet], false) = (self.sheets.as_mut_slice(), stem.is_empty()) {
            sheet.sheet.name = stem.to_string();
        }
    }
}

/// Reads bytes and detects the indicator table of every sheet. A workbook with no indicator
/// table is still imported: every sheet shows as a grid, and the user can mark a table
/// ([`crate::table::detect::detect_marked`]); callers that need a table ask
/// [`Imported::first_table`].
///
/// # Errors
/// [`ImportError`] when the bytes cannot be read.
///
/// # Example
/// ```
/// let csv = "序号,指标名称,单位,2020年基期值,2025年目标值\n1,地区生产总值,亿元,100,150\n";
/// let imported = zhibiao::io::import(csv.as_bytes()).unwrap();
/// let table = imported.first_table().unwrap();
/// let plan = imported.sheets[table].plan.as_ref().unwrap();
/// assert_eq!(plan.indicators[0].name, "地区生产总值");
/// assert_eq!(plan.indicators[0].target_year, Some(2025));
/// ```
pub fn import(bytes: &[u8]) -> Result<Imported, ImportError> {
    pace::finish(import_paced(bytes, &mut pace::Straight)).unwrap_or_else(|| {
        Err(ImportError::Damaged {
            detail: "the import waited without a pace".to_string(),
        })
    })
}

/// [`import_paced`], and as soon as the first [`pace::FIRST_ROWS`] rows of a sheet whose table
/// is found there have been read (an `.xlsx`, `.xls` or `.ods` sheet that long), `show` is called
/// once with a first screen: that sheet's first rows, their table and plan ([`first_screen`]); then `pace`
/// pauses, so the page can paint it while the rest is read. The result is [`import`]'s, with
/// or without a first screen: one pipeline for the page, the worker and the command line.
///
/// # Errors
/// As [`import`] (the first screen may have been shown before an error later in the file).
pub async fn import_showing<P: pace::Pace>(
    bytes: &[u8],
    pace: &mut P,
    show: impl FnMut(Imported),
) -> Result<Imported, ImportError> {
    showing_over(bytes, pace, pace::FIRST_SCREEN_MIN_XML, show).await
}

/// [`import_showing`] with a first screen for sheets of at least `min_xml` bytes of XML.
async fn showing_over<P: pace::Pace>(
    bytes: &[u8],
    pace: &mut P,
    min_xml: u64,
    show: impl FnMut(Imported),
) -> Result<Imported, ImportError> {
    let mut showing = Showing {
        inner: pace,
        show,
        min_xml,
        shown: false,
    };
    import_paced(bytes, &mut showing).await
}

/// The first screen of a sheet of which only the first rows were read: the sheet as read so
/// far, its table and plan; `None` when no table is found in those rows.
pub fn first_screen(format: Format, sheet: &Sheet) -> Option<Imported> {
    let layout = detect::detect(sheet)?;
    let plan = detect::build_plan(sheet, &layout);
    Some(Imported {
        format,
        sheets: vec![ImportedSheet {
            sheet: sheet.clone(),
            layout: Some(layout),
            plan: Some(plan),
            style: None,
        }],
        returns: Default::default(),
    })
}

/// A pace that hands the first screen it finds in a sheet of at least `min_xml` bytes of XML
/// to `show`, and everything else to `inner`.
struct Showing<'p, P, F> {
    inner: &'p mut P,
    show: F,
    min_xml: u64,
    shown: bool,
}

impl<P: pace::Pace, F: FnMut(Imported)> pace::Pace for Showing<'_, P, F> {
    fn step(&mut self, stage: pace::Stage, fraction: f64) -> impl std::future::Future<Output = ()> {
        self.inner.step(stage, fraction)
    }

    async fn first_rows(&mut self, format: Format, sheet: &Sheet, xml_bytes: u64) {
        if self.shown || xml_bytes < self.min_xml {
            return;
        }
        if let Some(first) = first_screen(format, sheet) {
            self.shown = true;
            // The first screen's render is a task of its own, not the end of a reading slice.
            self.inner.pause().await;
            (self.show)(first);
            self.inner.pause().await;
        }
    }

    fn pause(&mut self) -> impl std::future::Future<Output = ()> {
        self.inner.pause()
    }
}

/// [`import`] in slices: progress goes to `pace`, which is awaited between them.
///
/// # Errors
/// As [`import`].
pub async fn import_paced<P: pace::Pace>(
    bytes: &[u8],
    pace: &mut P,
) -> Result<Imported, ImportError> {
    let workbook = read::read_workbook_paced(bytes, pace).await?;
    let format = workbook.format.unwrap_or(Format::Csv);
    let count = workbook.sheets.len();
    let mut sheets = Vec::with_capacity(count);
    let mut styles = workbook.styles.into_iter();
    for (index, sheet) in workbook.sheets.into_iter().enumerate() {
        let style = styles.next().flatten();
        pace.step(pace::Stage::Detect, pace::fraction(index, count, 0.0))
            .await;
        let layout = detect::detect(&sheet);
        let plan = match &layout {
            Some(l) => {
                let progress = |part| pace::fraction(index, count, part);
                Some(detect::build_plan_paced(&sheet, l, pace, progress).await)
            }
            None => None,
        };
        sheets.push(ImportedSheet {
            sheet,
            layout,
            plan,
            style,
        });
    }
    let returns = roundtrip::apply(&mut sheets);
    Ok(Imported {
        format,
        sheets,
        returns,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::future::Future;

    /// Waits once on every pause, like the page does, and counts the pauses.
    #[derive(Default)]
    struct Pausing {
        pauses: usize,
    }

    impl pace::Pace for Pausing {
        fn step(&mut self, _: pace::Stage, _: f64) -> impl Future<Output = ()> {
            std::future::ready(())
        }

        fn pause(&mut self) -> impl Future<Output = ()> {
            self.pauses += 1;
            pace::testing::once()
        }
    }

    fn drive<F: Future>(work: F) -> F::Output {
        pace::testing::drive(work).0
    }

    fn fixture(name: &str) -> Vec<u8> {
        let path = format!("{}/tests/fixtures/{name}", env!("CARGO_MANIFEST_DIR"));
        std::fs::read(&path).unwrap_or_default()
    }

    #[test]
    fn a_csv_sheet_is_named_after_its_file_and_other_formats_keep_theirs() {
        let csv = "序号,指标名称,单位,2020年,2025年\n1,人均GDP,元,31502,58000\n";
        let named = |file: &str| {
            let mut imported = import(csv.as_bytes()).map_err(|e| e.to_string());
            if let Ok(i) = imported.as_mut() {
                i.name_text_sheet(file);
            }
            imported.map(|i| i.sheets[0].sheet.name.clone())
        };
        assert_eq!(named("县指标.csv"), Ok("县指标".to_string()));
        assert_eq!(
            named("C:\\报表\\2025 计划.v2.CSV"),
            Ok("2025 计划.v2".to_string())
        );
        assert_eq!(named("/tmp/导出数据"), Ok("导出数据".to_string()));
        // Nothing left to name it by: the reader's own name stays.
        assert_eq!(named(".csv"), Ok("CSV".to_string()));
        let mut xlsx = import(&fixture("synthetic-2021-2025-2000-rows.xlsx"))
            .map_err(|e| e.to_string())
            .unwrap_or_else(|e| panic!("{e}"));
        let before: Vec<String> = xlsx.sheets.iter().map(|s| s.sheet.name.clone()).collect();
        xlsx.name_text_sheet("另一个名字.xlsx");
        let after: Vec<String> = xlsx.sheets.iter().map(|s| s.sheet.name.clone()).collect();
        assert_eq!(before, after);
    }

    #[test]
    fn a_long_xlsx_shows_its_first_rows_once_then_imports_as_import_does() {
        let bytes = fixture("synthetic-2021-2025-2000-rows.xlsx");
        assert!(!bytes.is_empty());
        // A first screen for any sheet XML, however small.
        let (whole, shown, pauses) = with_first_screens(&bytes, 0);
        assert_eq!(
            whole,
            import(&bytes),
            "the same import, first screen or not"
        );
        let Ok(whole) = whole else {
            panic!("the fixture imports: {whole:?}")
        };
        // Once, with a pause before it is shown and one to paint it.
        assert_eq!((shown.len(), pauses), (1, 2));
        assert_eq!(shown[0].format, Format::Xlsx);
        let at = whole.first_table().expect("the fixture has a table");
        // The merges come later.
        starts_the_whole(&shown[0].sheets[0], &whole.sheets[at], None);
    }

    /// The uncompressed size of a package's `part`, read from its zip directory here (0 when
    /// it has none).
    fn part_size(bytes: &[u8], part: &str) -> u64 {
        let zip = zip::ZipArchive::new(std::io::Cursor::new(bytes));
        let size = zip.ok().and_then(|mut z| {
            let file = z.by_name(part).ok()?;
            Some(file.size())
        });
        size.unwrap_or(0)
    }

    /// `bytes` imported with a first screen for a sheet XML weighing `min_xml` or more: the
    /// whole import, the first screens shown and how often the pace paused.
    fn with_first_screens(
        bytes: &[u8],
        min_xml: u64,
    ) -> (Result<Imported, ImportError>, Vec<Imported>, usize) {
        let mut shown = Vec::new();
        let mut pace = Pausing::default();
        let whole = drive(showing_over(bytes, &mut pace, min_xml, |first| {
            shown.push(first)
        }));
        (whole, shown, pace.pauses)
    }

    /// How many first screens `bytes` shows at the threshold `min_xml`, and how often the pace
    /// paused; the import is `import`'s whatever it shows.
    fn first_screens_at(bytes: &[u8], min_xml: u64) -> (usize, usize) {
        let (whole, shown, pauses) = with_first_screens(bytes, min_xml);
        assert_eq!(whole, import(bytes), "threshold {min_xml}");
        (shown.len(), pauses)
    }

    /// A first screen's sheet against the whole import's: the first rows as the whole read
    /// them, the same table, and its indicators the first of the whole plan (as many as
    /// `indicators`, when given).
    fn starts_the_whole(first: &ImportedSheet, full: &ImportedSheet, indicators: Option<usize>) {
        assert_eq!(first.sheet.name, full.sheet.name);
        assert_eq!(first.sheet.rows.len(), pace::FIRST_ROWS);
        assert_eq!(first.sheet.rows, full.sheet.rows[..pace::FIRST_ROWS]);
        let (Some(a), Some(b)) = (&first.layout, &full.layout) else {
            panic!("both have a table")
        };
        assert_eq!(a.columns, b.columns);
        assert_eq!(
            (a.header_first, a.header_last, a.data_first),
            (b.header_first, b.header_last, b.data_first)
        );
        let (Some(a), Some(b)) = (&first.plan, &full.plan) else {
            panic!("both have a plan")
        };
        assert!(!a.indicators.is_empty());
        if let Some(n) = indicators {
            assert_eq!(a.indicators.len(), n);
        }
        for (a, b) in a.indicators.iter().zip(&b.indicators) {
            assert_eq!((&a.name, a.row), (&b.name, b.row));
        }
    }

    #[test]
    fn a_first_screen_only_for_a_sheet_xml_of_the_threshold_or_more() {
        let bytes = fixture("synthetic-2021-2025-2000-rows.xlsx");
        let size = part_size(&bytes, "xl/worksheets/sheet1.xml");
        assert!(size > 0, "the fixture's sheet XML has a size");
        // Below, at and above the fixture's own size.
        for (min_xml, expected) in [(size - 1, 1), (size, 1), (size + 1, 0)] {
            assert_eq!(
                first_screens_at(&bytes, min_xml),
                (expected, 2 * expected),
                "threshold {min_xml}"
            );
        }
        // A 2,000-row plan (this one has 1.7 MB of sheet XML) is read faster than
        // a second render of the grid: the page shows it whole, without a first screen.
        assert!(size < pace::FIRST_SCREEN_MIN_XML / 2, "{size} bytes");
        let mut shown = 0;
        let mut pace = Pausing::default();
        let whole = drive(import_showing(&bytes, &mut pace, |_| shown += 1));
        assert_eq!(whole, import(&bytes));
        assert_eq!((shown, pace.pauses), (0, 0));
    }

    /// An `.xls` sheet long enough shows its first rows too: its table found in them, while
    /// the rest is read; the result is the whole import's.
    #[test]
    fn a_long_xls_sheet_shows_a_first_screen() {
        let bytes = crate::io::read::xls::differential::plan_workbook(300);
        let (whole, shown, pauses) = with_first_screens(&bytes, 1);
        assert_eq!(whole, import(&bytes));
        let Ok(whole) = whole else {
            panic!("the workbook imports: {whole:?}")
        };
        assert_eq!((shown.len(), pauses), (1, 2));
        assert_eq!(shown[0].format, Format::Xls);
        starts_the_whole(
            &shown[0].sheets[0],
            &whole.sheets[0],
            Some(pace::FIRST_ROWS - 1),
        );
        let plan = shown[0].sheets[0]
            .plan
            .as_ref()
            .expect("a plan in the first rows");
        assert_eq!(plan.indicators[0].name, "指标1");
        // Under the threshold (a sheet's BIFF counts twice, as its XML would weigh), none.
        assert_eq!(first_screens_at(&bytes, u64::MAX), (0, 0));
    }

    /// An `.ods` sheet long enough shows its first rows too, once: the first rows of the whole
    /// import, their table and the first indicators of its plan, while the rest is read; the
    /// whole import is `import`'s. The threshold weighs its `content.xml`.
    #[test]
    fn a_long_ods_sheet_shows_its_first_rows_once_then_imports_as_import_does() {
        let bytes = crate::io::read::ods::differential::plan_package(300);
        let (whole, shown, pauses) = with_first_screens(&bytes, 1);
        assert_eq!(
            whole,
            import(&bytes),
            "the same import, first screen or not"
        );
        let Ok(whole) = whole else {
            panic!("the package imports: {whole:?}")
        };
        assert_eq!((shown.len(), pauses), (1, 2), "one first screen, painted");
        assert_eq!(shown[0].format, Format::Ods);
        let (first, full) = (&shown[0].sheets[0], &whole.sheets[0]);
        // The first rows as the whole import read them, number formats included; the title's
        // merge comes with the whole sheet.
        starts_the_whole(first, full, Some(pace::FIRST_ROWS - 2));
        assert!(first.sheet.merges.is_empty() && !full.sheet.merges.is_empty());
        assert!(matches!(
            &first.sheet.rows[2][0],
            crate::plan::RawCell::Number { format: Some(f), .. } if &**f == "0.00"
        ));
        assert_eq!(full.plan.as_ref().map(|p| p.indicators.len()), Some(300));
        // At and above the size the threshold weighs: two fifths of content.xml as its zip
        // entry states it (read about 2.5 times as fast per byte as .xlsx sheet XML).
        let size = part_size(&bytes, "content.xml") * 2 / 5;
        assert!(size > 0, "content.xml has a size");
        for (min_xml, expected) in [(size, 1), (size + 1, 0)] {
            assert_eq!(
                first_screens_at(&bytes, min_xml),
                (expected, 2 * expected),
                "threshold {min_xml}"
            );
        }
    }

    /// Two long `.ods` sheets: one first screen, of the first, and the whole import is
    /// `import`'s (both sheets, every row).
    #[test]
    fn two_long_ods_sheets_show_one_first_screen_of_the_first() {
        let bytes = crate::io::read::ods::differential::plan_tables(&[300, 250]);
        let (whole, shown, pauses) = with_first_screens(&bytes, 1);
        assert_eq!(whole, import(&bytes));
        let Ok(whole) = whole else {
            panic!("the package imports: {whole:?}")
        };
        assert_eq!((shown.len(), pauses), (1, 2));
        assert_eq!(shown[0].sheets.len(), 1, "the first screen holds one sheet");
        starts_the_whole(
            &shown[0].sheets[0],
            &whole.sheets[0],
            Some(pace::FIRST_ROWS - 2),
        );
        let counts: Vec<_> = whole
            .sheets
            .iter()
            .map(|s| {
                (
                    s.sheet.name.as_str(),
                    s.plan.as_ref().map(|p| p.indicators.len()),
                )
            })
            .collect();
        assert_eq!(counts, [("计划", Some(300)), ("计划2", Some(250))]);
    }

    /// An `.ods` sheet that ends where a first screen ends (99, 100 or 101 rows) imports as
    /// `import` does; only a sheet longer than the first screen shows one (a sheet of exactly
    /// [`pace::FIRST_ROWS`] rows is read whole by then), and it holds the sheet's first rows.
    #[test]
    fn an_ods_sheet_as_long_as_a_first_screen_imports_whole() {
        // Two rows of title and header above the indicators.
        for rows in [pace::FIRST_ROWS - 1, pace::FIRST_ROWS, pace::FIRST_ROWS + 1] {
            let indicators = rows - 2;
            let bytes = crate::io::read::ods::differential::plan_package(indicators);
            let (whole, shown, pauses) = with_first_screens(&bytes, 1);
            assert_eq!(whole, import(&bytes), "{rows} rows");
            let Ok(whole) = whole else {
                panic!("the package imports: {whole:?}")
            };
            let full = &whole.sheets[0];
            assert_eq!(full.sheet.rows.len(), rows);
            assert_eq!(
                full.plan.as_ref().map(|p| p.indicators.len()),
                Some(indicators)
            );
            let expected = usize::from(rows > pace::FIRST_ROWS);
            assert_eq!(
                (shown.len(), pauses),
                (expected, 2 * expected),
                "{rows} rows"
            );
            for first in &shown {
                starts_the_whole(&first.sheets[0], full, Some(pace::FIRST_ROWS - 2));
            }
        }
    }

    #[test]
    fn short_files_and_other_formats_show_no_first_screen() {
        for name in [
            "qinglan-county-2021-2025-plan.xlsx",
            "qinglan-county-2021-2022-progress.xls",
            "liuwan-township-2022-text-numbers-gbk.csv",
        ] {
            let bytes = fixture(name);
            assert!(!bytes.is_empty(), "{name}");
            let mut shown = 0;
            let mut pace = Pausing::default();
            let whole = drive(import_showing(&bytes, &mut pace, |_| shown += 1));
            assert_eq!(whole, import(&bytes), "{name}");
            assert_eq!(shown, 0, "{name}");
            assert_eq!(pace.pauses, 0, "{name}");
        }
    }
}
