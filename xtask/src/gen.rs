//! Synthetic indicator plans for the benchmarks: 2,000, 20,000 and 100,000 rows × 20 columns, as
//! `.xlsx` (rust_xlsxwriter) and `.xls` (BIFF8, converted from the `.xlsx` by LibreOffice headless,
//! as real `.xls` attachments often are). Generated into `target/bench/data/`, never committed.
//!
//! The rows follow `shared/samples/build/make_samples.py` (`synthetic_rows`, the 2,000-row sample):
//! the same categories, names, units and mix of target forms (plain numbers, `X以上`, `≥X`, `X以内`,
//! `年均增长r%`, `累计降低p%`, `翻一番`, `保持X`, ranges `a-b`, `上级下达指标`), a quarter of the rows
//! with given yearly targets, 3 % missing actuals (`—`, `/`, blank), numbers stored as numbers whose
//! format shows the written decimals. Three columns more than the sample (指标属性, 2024年完成,
//! 备注) make the 20 columns of the reference plan (20,000 × 20 = 400,000 cells).
//!
//! A `.xls` sheet holds at most 65,536 rows, so the largest `.xls` has 65,534 indicator rows (plus
//! the title and header rows). The output is deterministic (a fixed seed), so runs compare.

use crate::cmd;
use anyhow::{bail, Context, Result};
use rust_xlsxwriter::{Format, FormatAlign, Workbook};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::time::Instant;

/// The plan sizes, in indicator rows.
pub const SIZES: &[usize] = &[2_000, 20_000, 100_000];
/// The most rows a BIFF8 sheet can hold.
pub const XLS_MAX_ROWS: usize = 65_536;
/// Rows above the data: the title and the header.
const TOP_ROWS: usize = 2;
/// Bump when the content changes, so cached files are written again.
const VERSION: &str = "zhibiao-bench-gen 1";

/// One generated file.
#[derive(Clone, Debug)]
pub struct DataFile {
    /// `plan-20000.xlsx`.
    pub name: String,
    pub path: PathBuf,
    /// `xlsx` or `xls`.
    pub format: &'static str,
    /// Indicator rows.
    pub rows: usize,
    /// The file's size.
    pub bytes: u64,
    /// The uncompressed size of the parts of an `.xlsx` (its XML); for `.xls` the file size.
    pub xml_bytes: u64,
}

/// The folder the files are written to.
pub fn data_dir() -> PathBuf {
    crate::dist::target_dir().join("bench").join("data")
}

/// The data rows of the `.xls` of a plan of `rows` rows.
pub fn xls_rows(rows: usize) -> usize {
    rows.min(XLS_MAX_ROWS - TOP_ROWS)
}

/// Writes every plan of `sizes` that is missing (or was written by another generator version)
/// and returns the files, `.xlsx` then `.xls` for each size. Also writes `manifest.json`.
pub fn generate(sizes: &[usize]) -> Result<Vec<DataFile>> {
    let dir = data_dir();
    std::fs::create_dir_all(&dir).with_context(|| format!("could not create {}", dir.display()))?;
    let stamp = dir.join(".gen-version");
    if std::fs::read_to_string(&stamp).ok().as_deref() != Some(VERSION) {
        for entry in std::fs::read_dir(&dir)?.flatten() {
            if entry.path().is_file() {
                std::fs::remove_file(entry.path())?;
            }
        }
        cmd::write(&stamp, VERSION)?;
    }
    let mut files = Vec::new();
    for &rows in sizes {
        let xlsx = dir.join(format!("plan-{rows}.xlsx"));
        if !xlsx.is_file() {
            let started = Instant::now();
            write_xlsx(&xlsx, rows)?;
            println!(
                "gen: {} in {:.1} s",
                xlsx.display(),
                started.elapsed().as_secs_f64()
            );
        }
        files.push(describe(&xlsx, "xlsx", rows)?);

        let xls_rows = xls_rows(rows);
        let xls = dir.join(format!("plan-{xls_rows}.xls"));
        if !xls.is_file() {
            let started = Instant::now();
            let source = if xls_rows == rows {
                xlsx.clone()
            } else {
                let tmp = dir.join("tmp").join(format!("plan-{xls_rows}.xlsx"));
                write_xlsx(&tmp, xls_rows)?;
                tmp
            };
            soffice_to_xls(&source, &dir)?;
            println!(
                "gen: {} in {:.1} s (LibreOffice)",
                xls.display(),
                started.elapsed().as_secs_f64()
            );
        }
        files.push(describe(&xls, "xls", xls_rows)?);
    }
    let _ = std::fs::remove_dir_all(dir.join("tmp"));
    cmd::write(&dir.join("manifest.json"), manifest_json(&files))?;
    Ok(files)
}

/// Only the `.xlsx` plans of `sizes` (ours), written if missing: the grid-path bench needs no
/// `.xls` (and so no LibreOffice).
pub fn generate_xlsx(sizes: &[usize]) -> Result<Vec<DataFile>> {
    let dir = data_dir();
    std::fs::create_dir_all(&dir).with_context(|| format!("could not create {}", dir.display()))?;
    let mut files = Vec::new();
    for &rows in sizes {
        let xlsx = dir.join(format!("plan-{rows}.xlsx"));
        if !xlsx.is_file() {
            write_xlsx(&xlsx, rows)?;
        }
        files.push(describe(&xlsx, "xlsx", rows)?);
    }
    Ok(files)
}

fn describe(path: &Path, format: &'static str, rows: usize) -> Result<DataFile> {
    let bytes = cmd::read(path)?;
    let xml_bytes = if format == "xlsx" {
        zip_uncompressed_size(&bytes)
            .with_context(|| format!("{} is not a readable zip", path.display()))?
    } else {
        bytes.len() as u64
    };
    Ok(DataFile {
        name: path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default(),
        path: path.to_path_buf(),
        format,
        rows,
        bytes: bytes.len() as u64,
        xml_bytes,
    })
}

/// `manifest.json`: what the browser runner reads.
fn manifest_json(files: &[DataFile]) -> String {
    let items: Vec<String> = files
        .iter()
        .map(|f| {
            format!(
                "  {{\"name\": \"{}\", \"path\": \"{}\", \"format\": \"{}\", \"rows\": {}, \"bytes\": {}, \"xml_bytes\": {}}}",
                f.name,
                f.path.display().to_string().replace('\\', "/"),
                f.format,
                f.rows,
                f.bytes,
                f.xml_bytes
            )
        })
        .collect();
    format!("[\n{}\n]\n", items.join(",\n"))
}

/// Converts `source` (.xlsx) to `.xls` in `out_dir` with LibreOffice, in a profile of its own (so
/// a LibreOffice that is already running does not take the job).
fn soffice_to_xls(source: &Path, out_dir: &Path) -> Result<()> {
    soffice_to(source, out_dir, "xls")
}

/// Converts `source` to the format of extension `to` in `out_dir` with LibreOffice (as
/// [`soffice_to_xls`]); the file written is `out_dir/<stem>.<to>`.
pub fn soffice_to(source: &Path, out_dir: &Path, to: &str) -> Result<()> {
    let profile = crate::dist::target_dir().join("bench").join("lo-profile");
    let profile_url = format!("-env:UserInstallation=file://{}", profile.display());
    cmd::run(
        cmd::command("soffice")
            .arg(profile_url)
            .args(["--headless", "--norestore", "--convert-to", to, "--outdir"])
            .arg(out_dir)
            .arg(source),
    )?;
    let stem = source
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    let produced = out_dir.join(format!("{stem}.{to}"));
    if !produced.is_file() {
        bail!(
            "LibreOffice did not write {} (is libreoffice-calc installed?)",
            produced.display()
        );
    }
    Ok(())
}

/// The sum of the uncompressed sizes in a zip's central directory.
pub fn zip_uncompressed_size(zip: &[u8]) -> Result<u64> {
    let u16_at = |at: usize| -> Result<usize> {
        let b = zip.get(at..at + 2).context("truncated")?;
        Ok(usize::from(u16::from_le_bytes([b[0], b[1]])))
    };
    let u32_at = |at: usize| -> Result<u64> {
        let b = zip.get(at..at + 4).context("truncated")?;
        Ok(u64::from(u32::from_le_bytes([b[0], b[1], b[2], b[3]])))
    };
    let eocd = (0..zip.len().saturating_sub(21))
        .rev()
        .take(65_557)
        .find(|&at| zip[at..].starts_with(&[0x50, 0x4b, 0x05, 0x06]))
        .context("no end of central directory")?;
    let entries = u16_at(eocd + 10)?;
    let mut at = usize::try_from(u32_at(eocd + 16)?)?;
    let mut total = 0;
    for _ in 0..entries {
        if !zip[at.min(zip.len())..].starts_with(&[0x50, 0x4b, 0x01, 0x02]) {
            bail!("bad central directory entry");
        }
        total += u32_at(at + 24)?;
        at += 46 + u16_at(at + 28)? + u16_at(at + 30)? + u16_at(at + 32)?;
    }
    Ok(total)
}

// ---------------------------------------------------------------------------------------------
// The rows
// ---------------------------------------------------------------------------------------------

const CATEGORIES: &[&str] = &[
    "经济发展",
    "创新驱动",
    "民生福祉",
    "绿色生态",
    "安全保障",
    "社会治理",
    "文化建设",
    "乡村振兴",
];
/// (name stem, unit, decimals) of positive indicators.
const NAMES: &[(&str, &str, u8)] = &[
    ("产值", "亿元", 1),
    ("比重", "%", 1),
    ("覆盖率", "%", 2),
    ("人数", "万人", 2),
    ("数量", "个", 0),
    ("面积", "万亩", 1),
    ("收入", "元", 0),
    ("达标率", "%", 1),
    ("密度", "件/万人", 2),
    ("里程", "公里", 0),
];
/// … and of negative ones.
const NEGATIVE: &[(&str, &str, u8)] = &[
    ("能耗", "吨标准煤/万元", 3),
    ("排放强度", "吨/万元", 2),
    ("发案率", "件/万人", 2),
    ("失业率", "%", 1),
    ("浓度", "微克/立方米", 0),
];
const DEPARTMENTS: &[&str] = &[
    "发展改革局",
    "财政局",
    "统计局",
    "科技局",
    "工业和信息化局",
    "教育局",
    "卫生健康局",
    "民政局",
    "人力资源社会保障局",
    "自然资源局",
    "生态环境局",
    "住房城乡建设局",
    "交通运输局",
    "水利局",
    "农业农村局",
    "商务局",
    "文化旅游局",
    "市场监管局",
    "应急管理局",
    "林业局",
    "医疗保障局",
    "公安局",
    "司法局",
    "城市管理局",
    "税务局",
    "数据局",
    "体育局",
    "退役军人事务局",
    "乡村振兴局",
    "供销社",
];
const HEADERS: [&str; 20] = [
    "编号",
    "一级指标",
    "二级指标",
    "计量单位",
    "正逆向",
    "指标属性",
    "权数",
    "2020年基准值",
    "2025年目标值",
    "2021年目标",
    "2022年目标",
    "2023年目标",
    "2024年目标",
    "2021年完成",
    "2022年完成",
    "2023年完成",
    "2024年完成",
    "责任单位",
    "协办单位",
    "备注",
];
const YEARLY_COL: usize = 9;
const ACTUAL_COL: usize = 13;

/// A cell as written: a number with the decimals its format shows, or text.
#[derive(Clone, Debug, PartialEq)]
enum Cell {
    Number(f64, u8),
    Text(String),
}

/// SplitMix64: small, fast and the same everywhere.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    /// Uniform in [0, 1).
    fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }
    fn uniform(&mut self, lo: f64, hi: f64) -> f64 {
        lo + (hi - lo) * self.unit()
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

/// `x` rounded to `d` decimals, as written in a cell.
fn round(x: f64, d: u8) -> f64 {
    let scale = 10f64.powi(i32::from(d));
    (x * scale).round() / scale
}

fn fmt(x: f64, d: u8) -> String {
    format!("{x:.*}", usize::from(d))
}

/// The 20 cells of data row `i` (1-based) of a plan of `n` rows.
fn row(rng: &mut Rng, i: usize, n: usize) -> Vec<Option<Cell>> {
    let category = CATEGORIES[(i - 1) * CATEGORIES.len() / n];
    let negative = rng.unit() < 0.2;
    let &(stem, unit, d) = rng.pick(if negative { NEGATIVE } else { NAMES });
    let percent = unit == "%";
    let base = round(
        if percent {
            rng.uniform(20.0, 90.0)
        } else if d == 3 {
            rng.uniform(0.3, 1.2)
        } else if d == 0 {
            rng.uniform(10.0, 5000.0)
        } else {
            rng.uniform(1.0, 500.0)
        },
        d,
    );
    let cap = |t: f64| if percent { t.min(100.0) } else { t };
    let kind = rng.unit();
    let (target, goal, direction): (Cell, Option<f64>, &str) = if negative {
        let (target, goal) = if kind < 0.45 {
            let t = round(base * rng.uniform(0.8, 0.97), d);
            (Cell::Number(t, d), Some(t))
        } else if kind < 0.7 {
            let t = base * rng.uniform(0.85, 1.05);
            let suffix = if percent { "%以内" } else { "以内" };
            (Cell::Text(format!("{}{suffix}", fmt(t, d))), Some(t))
        } else if kind < 0.95 {
            let p = *rng.pick(&[10.0, 12.5, 13.5, 15.0, 18.0, 20.0]);
            (
                Cell::Text(format!("累计降低{p}%")),
                Some(base * (1.0 - p / 100.0)),
            )
        } else {
            (Cell::Text("完成上级下达任务".into()), None)
        };
        (target, goal, *rng.pick(&["逆向", "-", ""]))
    } else {
        let (target, goal) = if kind < 0.5 {
            let t = round(cap(base * rng.uniform(1.05, 1.5)), d);
            (Cell::Number(t, d), Some(t))
        } else if kind < 0.62 {
            let t = cap(base * rng.uniform(1.02, 1.3));
            let suffix = if percent { "%以上" } else { "以上" };
            (Cell::Text(format!("{}{suffix}", fmt(t, d))), Some(t))
        } else if kind < 0.77 && !percent {
            let r = *rng.pick(&[5.0, 6.0, 6.5, 7.0, 7.5, 8.0, 9.0, 10.0]);
            (
                Cell::Text(format!("年均增长{r}%")),
                Some(base * (1.0 + r / 100.0_f64).powi(5)),
            )
        } else if kind < 0.82 && !percent {
            (Cell::Text("翻一番".into()), Some(base * 2.0))
        } else if kind < 0.88 {
            (Cell::Text(format!("保持{}", fmt(base, d))), Some(base))
        } else if kind < 0.93 {
            let (mut lo, mut hi) = (base * 1.05, base * 1.05 * 1.1);
            if percent {
                (lo, hi) = (lo.min(95.0), hi.min(99.0));
            }
            (
                Cell::Text(format!("{}-{}", fmt(lo, d), fmt(hi, d))),
                Some((lo + hi) / 2.0),
            )
        } else if kind < 0.97 {
            (Cell::Text("上级下达指标".into()), None)
        } else {
            let t = cap(base * rng.uniform(1.05, 1.3));
            (Cell::Text(format!("≥{}", fmt(t, d))), Some(t))
        };
        (target, goal, *rng.pick(&["正向", "+", "", "", ""]))
    };

    let mut cells: Vec<Option<Cell>> = vec![None; HEADERS.len()];
    cells[0] = Some(Cell::Number(i as f64, 0));
    cells[1] = Some(Cell::Text(category.into()));
    cells[2] = Some(Cell::Text(format!(
        "{}监测指标{i:05}（{stem}）",
        category.chars().take(2).collect::<String>()
    )));
    cells[3] = Some(Cell::Text(unit.into()));
    cells[4] = (!direction.is_empty()).then(|| Cell::Text(direction.into()));
    cells[5] = Some(Cell::Text(
        if rng.unit() < 0.3 {
            "约束性"
        } else {
            "预期性"
        }
        .into(),
    ));
    let weight = *rng.pick(&[0.5, 1.0, 1.0, 1.0, 1.5, 2.0]);
    cells[6] = Some(Cell::Number(
        weight,
        if weight.fract() == 0.0 { 0 } else { 1 },
    ));
    cells[7] = Some(Cell::Number(base, d));
    cells[8] = Some(target);
    if let Some(goal) = goal {
        if rng.unit() < 0.25 {
            for k in 0..4 {
                let f = (k + 1) as f64 / 5.0;
                let v = round(base + (goal - base) * f * rng.uniform(0.95, 1.05), d);
                cells[YEARLY_COL + k] = Some(Cell::Number(v, d));
            }
        }
        for k in 0..4 {
            cells[ACTUAL_COL + k] = if rng.unit() < 0.03 {
                match rng.below(3) {
                    0 => Some(Cell::Text("—".into())),
                    1 => Some(Cell::Text("/".into())),
                    _ => None,
                }
            } else {
                let f = (k + 1) as f64 / 5.0;
                let v = base + (goal - base) * f * rng.uniform(0.6, 1.25);
                Some(Cell::Number(round(if v < 0.0 { base } else { v }, d), d))
            };
        }
    } else {
        for k in 0..4 {
            cells[ACTUAL_COL + k] = Some(Cell::Text("完成".into()));
        }
    }
    let lead = format!("县{}", rng.pick(DEPARTMENTS));
    let mut others: Vec<String> = (0..rng.below(4))
        .map(|_| format!("县{}", rng.pick(DEPARTMENTS)))
        .filter(|o| *o != lead)
        .collect();
    others.dedup();
    if rng.unit() < 0.08 {
        others.push("各乡(镇)人民政府".into());
    }
    cells[17] = Some(Cell::Text(lead));
    cells[18] = (!others.is_empty()).then(|| Cell::Text(others.join("、")));
    if rng.unit() < 0.1 {
        cells[19] = Some(Cell::Text(format!("数据来源：县{}", rng.pick(DEPARTMENTS))));
    }
    cells
}

/// Writes a plan of `rows` indicator rows as `.xlsx`.
fn write_xlsx(path: &Path, rows: usize) -> Result<()> {
    let mut workbook = Workbook::new();
    let ws = workbook.add_worksheet();
    ws.set_name("指标清单")?;
    let title = Format::new()
        .set_bold()
        .set_font_size(14)
        .set_align(FormatAlign::Center);
    let bold = Format::new().set_bold();
    let last_col = u16::try_from(HEADERS.len() - 1)?;
    ws.merge_range(
        0,
        0,
        0,
        last_col,
        &format!("2021—2025年指标监测清单（合成数据，{rows}项）"),
        &title,
    )?;
    for (c, h) in HEADERS.iter().enumerate() {
        ws.write_string_with_format(1, u16::try_from(c)?, *h, &bold)?;
    }
    let mut formats: HashMap<u8, Format> = HashMap::new();
    let mut rng = Rng(20210);
    for i in 1..=rows {
        let r = u32::try_from(i + TOP_ROWS - 1)?;
        for (c, cell) in row(&mut rng, i, rows).into_iter().enumerate() {
            let c = u16::try_from(c)?;
            match cell {
                None => {}
                Some(Cell::Text(s)) => {
                    ws.write_string(r, c, s)?;
                }
                Some(Cell::Number(n, d)) => {
                    let format = formats.entry(d).or_insert_with(|| {
                        Format::new().set_num_format(if d == 0 {
                            "0".to_string()
                        } else {
                            format!("0.{}", "0".repeat(usize::from(d)))
                        })
                    });
                    ws.write_number_with_format(r, c, n, format)?;
                }
            }
        }
    }
    let widths = [
        6.0, 10.0, 30.0, 12.0, 7.0, 8.0, 6.0, 12.0, 16.0, 11.0, 11.0, 11.0, 11.0, 11.0, 11.0, 11.0,
        11.0, 18.0, 30.0, 20.0,
    ];
    for (c, w) in widths.iter().enumerate() {
        ws.set_column_width(u16::try_from(c)?, *w)?;
    }
    ws.set_freeze_panes(2, 3)?;
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)?;
    }
    workbook
        .save(path)
        .with_context(|| format!("could not write {}", path.display()))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_are_deterministic_and_twenty_wide() {
        let a: Vec<_> = {
            let mut rng = Rng(1);
            (1..=50).map(|i| row(&mut rng, i, 50)).collect()
        };
        let b: Vec<_> = {
            let mut rng = Rng(1);
            (1..=50).map(|i| row(&mut rng, i, 50)).collect()
        };
        assert_eq!(a, b);
        assert!(a.iter().all(|r| r.len() == 20));
    }

    #[test]
    fn xls_is_capped() {
        assert_eq!(xls_rows(2_000), 2_000);
        assert_eq!(xls_rows(100_000), 65_534);
    }

    #[test]
    fn reads_zip_sizes() {
        let dir = std::env::temp_dir().join(format!("zhibiao-gen-{}", std::process::id()));
        let path = dir.join("t.xlsx");
        write_xlsx(&path, 30).unwrap();
        let bytes = std::fs::read(&path).unwrap();
        let xml = zip_uncompressed_size(&bytes).unwrap();
        assert!(xml > bytes.len() as u64, "{xml} vs {}", bytes.len());
        let _ = std::fs::remove_dir_all(dir);
    }
}
