//! 汇总情况: what a consolidation did — each return (file, unit, values filled and changed),
//! the units that have not returned, the conflicts with every file's value and how each was
//! resolved, the targets the returns state differently, and the rows that match nothing.

use super::*;
use crate::io::merge::{Conflict, MergeSummary, BASE_FILE};
use rust_xlsxwriter::{Color, Format, FormatAlign, FormatBorder, Worksheet, XlsxError};

/// The name of the sheet.
pub const CONSOLIDATION_SHEET: &str = "汇总情况";

/// The columns' widths (file or unit, figures, names, values, notes).
const WIDTHS: [f64; 6] = [28.0, 22.0, 30.0, 12.0, 36.0, 28.0];

/// Writes one section after another, each a bold heading, a header row and its rows.
struct Sections<'w> {
    ws: &'w mut Worksheet,
    row: u32,
    header: Format,
    cell: Format,
    heading: Format,
    flagged: Format,
}

impl Sections<'_> {
    /// A heading with a count, then the header row.
    fn start(&mut self, heading: &str, count: usize, titles: &[&str]) -> Result<(), XlsxError> {
        self.row += 1;
        self.ws.write_string_with_format(
            self.row,
            0,
            format!("{heading}（{count}）"),
            &self.heading,
        )?;
        self.row += 1;
        for (c, t) in titles.iter().enumerate() {
            self.ws
                .write_string_with_format(self.row, col16(c), *t, &self.header)?;
        }
        self.row += 1;
        Ok(())
    }

    /// One row of texts; `flag` marks it (a conflict left open).
    fn line(&mut self, cells: &[String], flag: bool) -> Result<(), XlsxError> {
        let format = if flag { &self.flagged } else { &self.cell };
        for (c, t) in cells.iter().enumerate() {
            self.ws
                .write_string_with_format(self.row, col16(c), clip(t), format)?;
        }
        self.row += 1;
        Ok(())
    }

    /// A number cell in the row just written.
    fn number_at(&mut self, col: usize, n: f64) -> Result<(), XlsxError> {
        self.ws
            .write_number_with_format(self.row - 1, col16(col), n, &self.cell)?;
        Ok(())
    }

    /// `text` in one cell, for an empty section.
    fn none(&mut self, text: &str) -> Result<(), XlsxError> {
        self.ws.write_string(self.row, 0, text)?;
        self.row += 1;
        Ok(())
    }
}

/// How a conflict ended, as the sheet says it.
pub fn resolution(conflict: &Conflict) -> String {
    match &conflict.resolved {
        Some(file) if file == BASE_FILE => "保留计划原值（已确认）".to_string(),
        Some(file) => match conflict.values.iter().find(|v| v.file == *file) {
            Some(v) => format!("采用 {file} 的值 {}", v.value),
            None => format!("采用 {file} 的值"),
        },
        None => "未处理：保留计划原值".to_string(),
    }
}

/// 汇总情况 of `summary`; `title` is the plan's title.
pub(super) fn write_consolidation_sheet(
    ws: &mut Worksheet,
    name: &str,
    title: &str,
    summary: &MergeSummary,
) -> Result<(), XlsxError> {
    ws.set_name(name)?;
    let cell = Format::new()
        .set_border(FormatBorder::Thin)
        .set_text_wrap()
        .set_align(FormatAlign::VerticalCenter);
    let flagged = cell
        .clone()
        .set_font_color(Color::RGB(0xC00000))
        .set_background_color(Color::RGB(0xFFEBE9));
    let heading = Format::new().set_bold().set_font_size(12);
    let full_title = if title.trim().is_empty() {
        CONSOLIDATION_SHEET.to_string()
    } else {
        format!("{} — {CONSOLIDATION_SHEET}", title.trim())
    };
    ws.write_string_with_format(0, 0, clip(&full_title), &title_format())?;
    ws.write_string(
        1,
        0,
        "各单位报送文件的汇总结果。冲突（两份报送不一致，或报送改动了计划已有的值）未处理时保留计划原值；\
         报送中与计划不同的目标值、基期值和年度目标不采用，列出供核对。",
    )?;
    let mut s = Sections {
        ws,
        row: 2,
        header: header_format(),
        cell,
        heading,
        flagged,
    };

    s.start(
        "报送情况",
        summary.returns.len(),
        &["文件", "报送单位", "填报数", "改动数", "说明"],
    )?;
    for r in &summary.returns {
        s.line(
            &[
                r.file.clone(),
                r.unit.clone(),
                String::new(),
                String::new(),
                r.note.clone(),
            ],
            false,
        )?;
        s.number_at(2, r.filled as f64)?;
        s.number_at(3, r.changed as f64)?;
    }
    if summary.returns.is_empty() {
        s.none("没有报送文件。")?;
    }

    s.start("未报送单位", summary.missing_units.len(), &["单位"])?;
    for u in &summary.missing_units {
        s.line(std::slice::from_ref(u), false)?;
    }
    if summary.missing_units.is_empty() {
        s.none("各单位均已报送。")?;
    }

    s.start(
        "冲突",
        summary.conflicts.len(),
        &["计划行", "指标名称", "年份", "各文件的值", "处理"],
    )?;
    for c in &summary.conflicts {
        let values: Vec<String> = c
            .values
            .iter()
            .map(|v| {
                let file = if v.file == BASE_FILE {
                    "计划原值"
                } else {
                    v.file.as_str()
                };
                format!("{file}：{}", v.value)
            })
            .collect();
        s.line(
            &[
                String::new(),
                c.name.clone(),
                String::new(),
                values.join("\n"),
                resolution(c),
            ],
            c.resolved.is_none(),
        )?;
        s.number_at(0, f64::from(c.row))?;
        s.number_at(2, f64::from(c.year))?;
    }
    if summary.conflicts.is_empty() {
        s.none("没有冲突。")?;
    }

    s.start(
        "与计划不同的目标（未采用）",
        summary.changed_targets.len(),
        &["文件", "计划行", "指标名称", "项目", "计划值", "报送值"],
    )?;
    for t in &summary.changed_targets {
        s.line(
            &[
                t.file.clone(),
                String::new(),
                t.name.clone(),
                t.what.clone(),
                t.plan.clone(),
                t.value.clone(),
            ],
            true,
        )?;
        s.number_at(1, f64::from(t.row))?;
    }
    if summary.changed_targets.is_empty() {
        s.none("没有。")?;
    }

    s.start(
        "未匹配的行",
        summary.unmatched.len(),
        &["文件", "报送表中的行", "指标名称"],
    )?;
    for u in &summary.unmatched {
        s.line(&[u.file.clone(), String::new(), u.name.clone()], false)?;
        s.number_at(1, f64::from(u.row))?;
    }
    if summary.unmatched.is_empty() {
        s.none("没有。")?;
    }

    for (c, w) in WIDTHS.iter().enumerate() {
        s.ws.set_column_width(col16(c), *w)?;
    }
    print_setup(s.ws, None, &full_title)?;
    Ok(())
}
