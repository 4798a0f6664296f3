//! Arbitrary grids for the detect and export targets.
//!
//! An input whose first byte is `b'\n'` is read as CSV text by the importer's own reader (so
//! the CSV samples seed these targets); any other input drives a generator that mixes the
//! header words, category rows and cell values of the sample tables with arbitrary text,
//! numbers (NaN and infinities included), number formats and merged ranges.

use arbitrary::{Result, Unstructured};
use zhibiao::table::grid::{Merge, Sheet};
use zhibiao::plan::RawCell;

/// Words of real tables, so the generator reaches deep into header detection.
const WORDS: &[&str] = &[
    "序号",
    "类别",
    "领域",
    "指标名称",
    "指标",
    "单位",
    "计量单位",
    "权重",
    "属性",
    "指标属性",
    "预期性",
    "约束性",
    "方向",
    "正向",
    "逆向",
    "+",
    "-",
    "基期值",
    "基准值",
    "2020年现状",
    "2015年",
    "2016年基期值",
    "2020年目标值",
    "2025年规划目标",
    "规划目标",
    "目标值",
    "目标",
    "完成",
    "实际完成值",
    "年度目标及完成情况",
    "2021年",
    "2022年",
    "2023年",
    "2024年",
    "2025年",
    "2017年",
    "2018年",
    "2019年",
    "2020年",
    "牵头单位",
    "牵头部门",
    "配合单位",
    "配合部门",
    "备注",
    "一、经济发展",
    "二、创新驱动",
    "三、民生福祉",
    "合计",
    "注：",
    "填报人：",
    "23",
    "23(1)",
    "*",
    "%",
    "亿元",
    "万人",
    "年均增长7%",
    "累计降低12.5%",
    "翻一番",
    "≥95%",
    "4.5%以内",
    "2.69:1",
    "确保125.4，力争80",
    "9.60（2014年）",
    "５８０００",
    "—",
    "/",
    "无",
    "保持100%",
    "3-5",
    "26000，年均增长9%",
    "上级下达指标",
    "1,286",
    "0.356",
    "1e308",
    "-0",
    "NaN",
];

const FORMATS: &[&str] = &[
    "0", "0.0", "0.00", "0.0%", "0.00%", "#,##0", "General", "@", "",
];

fn cell(u: &mut Unstructured<'_>) -> Result<RawCell> {
    Ok(match u.int_in_range(0u8..=9)? {
        0..=2 => RawCell::Empty,
        3..=5 => RawCell::Text {
            s: (*u.choose(WORDS)?).to_string(),
        },
        6 => RawCell::Text {
            s: u.arbitrary::<String>()?,
        },
        7 => RawCell::Text {
            s: format!("{}{}", u.choose(WORDS)?, u.choose(WORDS)?),
        },
        _ => RawCell::Number {
            n: if u.ratio(1u8, 4)? {
                *u.choose(&[
                    f64::NAN,
                    f64::INFINITY,
                    -f64::INFINITY,
                    0.0,
                    -0.0,
                    1e308,
                    2021.0,
                ])?
            } else {
                f64::from(u.int_in_range(-1000i32..=100_000)?)
                    / f64::from(u.int_in_range(1i32..=1000)?)
            },
            format: if u.arbitrary()? {
                Some((*u.choose(FORMATS)?).into())
            } else {
                None
            },
        },
    })
}

/// A sheet from the fuzzer's bytes.
pub fn sheet(data: &[u8]) -> Option<Sheet> {
    if let Some(csv) = data.strip_prefix(b"\n") {
        let workbook = zhibiao::io::read::read_workbook(csv).ok()?;
        return workbook.sheets.into_iter().next();
    }
    generated(&mut Unstructured::new(data)).ok()
}

fn generated(u: &mut Unstructured<'_>) -> Result<Sheet> {
    let rows = u.int_in_range(0usize..=40)?;
    let cols = u.int_in_range(0usize..=20)?;
    let mut grid = Vec::with_capacity(rows);
    for _ in 0..rows {
        let width = u.int_in_range(0..=cols)?;
        let mut row = Vec::with_capacity(width);
        for _ in 0..width {
            row.push(cell(u)?);
        }
        grid.push(row);
    }
    let mut merges = Vec::new();
    for _ in 0..u.int_in_range(0usize..=8)? {
        let first_row = u.int_in_range(0u32..=45)?;
        let first_col = u.int_in_range(0u32..=22)?;
        // Now and then a merge written inverted, or reaching far outside the grid.
        let (last_row, last_col) = if u.ratio(1u8, 10)? {
            (u.arbitrary()?, u.arbitrary()?)
        } else {
            (
                first_row + u.int_in_range(0u32..=3)?,
                first_col + u.int_in_range(0u32..=5)?,
            )
        };
        // Every reader delivers merges with first ≤ last (read.rs normalises them).
        merges.push(Merge {
            first_row: first_row.min(last_row),
            first_col: first_col.min(last_col),
            last_row: first_row.max(last_row),
            last_col: first_col.max(last_col),
        });
    }
    Ok(Sheet {
        name: u.arbitrary()?,
        rows: grid,
        merges,
    })
}
