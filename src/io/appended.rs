//! The completion columns appended to the source table (实现程度 and 状态 for each year with
//! actuals), shared by the page's grid and the exported first sheet so both show the same.

use crate::error::Lang;
use crate::plan::{Plan, PlanResults, Status, Year};
use crate::table::detect::Layout;
use std::collections::HashMap;

/// What an appended column holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Kind {
    /// Realization in percent (实现程度).
    Realization,
    /// Status (状态).
    Status,
}

/// One appended cell: the value (realization, unrounded), the text shown, and the status.
#[derive(Clone, Debug, PartialEq)]
pub struct Cell {
    /// The realization in percent, unrounded (`None` for a status cell or no value).
    pub value: Option<f64>,
    /// The text shown.
    pub text: String,
    /// The status, for a status cell.
    pub status: Option<Status>,
}

/// One appended column.
#[derive(Clone, Debug, PartialEq)]
pub struct Column {
    /// The year of the actual it assesses.
    pub year: Year,
    /// Realization or status.
    pub kind: Kind,
    /// By 0-based source row.
    pub cells: HashMap<usize, Cell>,
}

impl Column {
    /// The header text in Chinese (the exported workbook and the page's default).
    pub fn title_zh(&self) -> String {
        title_zh(self.year, self.kind)
    }
}

/// The header text in Chinese of the appended column of `year` and `kind`.
pub fn title_zh(year: Year, kind: Kind) -> String {
    match kind {
        Kind::Realization => format!("{year}年实现程度(%)"),
        Kind::Status => format!("{year}年状态"),
    }
}

/// The appended columns without their cells: for each year whose actual column holds a value
/// of an indicator that has a target to measure it against, realization then status (the page
/// looks cells up with [`cell`] row by row). A statistical table of actuals alone has none.
pub fn column_kinds(layout: &Layout, plan: &Plan) -> Vec<(Year, Kind)> {
    let has_target = |i: &crate::plan::Indicator| {
        !i.target.text.is_empty() || !i.yearly.is_empty() || !i.manual.is_empty()
    };
    layout
        .actual_cols()
        .keys()
        .copied()
        .filter(|year| {
            plan.indicators
                .iter()
                .any(|i| i.actual.contains_key(year) && has_target(i))
        })
        .flat_map(|year| [(year, Kind::Realization), (year, Kind::Status)])
        .collect()
}

/// One indicator's cell in the appended column of `year` and `kind`, if it has one (its status
/// in Chinese, as the export writes it).
pub fn cell(result: &crate::plan::IndicatorResult, year: Year, kind: Kind) -> Option<Cell> {
    cell_in(Lang::Zh, result, year, kind)
}

/// [`cell`] with the status worded in `lang` (the page's grid).
pub fn cell_in(
    lang: Lang,
    result: &crate::plan::IndicatorResult,
    year: Year,
    kind: Kind,
) -> Option<Cell> {
    let status = result.status.get(&year).copied();
    match kind {
        Kind::Realization => result.realization.get(&year).map(|r| Cell {
            value: Some(r.value),
            text: r.shown(),
            status,
        }),
        Kind::Status => status.map(|s| Cell {
            value: None,
            text: status_word(lang, s).to_string(),
            status: Some(s),
        }),
    }
}

/// The header text of the appended column of `year` and `kind` in `lang` (the page's; the
/// exported workbook is always in Chinese, [`title_zh`]).
pub fn title(lang: Lang, year: Year, kind: Kind) -> String {
    match (lang, kind) {
        (Lang::Zh, _) => title_zh(year, kind),
        (Lang::En, Kind::Realization) => format!("{year} realization (%)"),
        (Lang::En, Kind::Status) => format!("{year} status"),
    }
}

/// A status in `lang`: the rules' Chinese word ([`status_text`]) or its English.
pub fn status_word(lang: Lang, status: Status) -> &'static str {
    match (lang, status) {
        (Lang::Zh, s) => status_text(s),
        (Lang::En, Status::NoData) => "no data",
        (Lang::En, Status::Met) => "target met",
        (Lang::En, Status::OnTrack) => "on schedule",
        (Lang::En, Status::Lagging) => "behind schedule",
    }
}

/// The status a word of [`status_word`] names, in either language.
pub fn status_of_word(word: &str) -> Option<Status> {
    [
        Status::NoData,
        Status::Met,
        Status::OnTrack,
        Status::Lagging,
    ]
    .into_iter()
    .find(|&s| {
        [Lang::Zh, Lang::En]
            .iter()
            .any(|&l| status_word(l, s) == word)
    })
}

/// The Chinese word of a status, as in PLANNING-RULES.
pub fn status_text(status: Status) -> &'static str {
    match status {
        Status::NoData => "无数据",
        Status::Met => "已达标",
        Status::OnTrack => "达到序时进度",
        Status::Lagging => "滞后序时进度",
    }
}

/// The appended columns: for each year whose actual column holds any value, realization then
/// status.
pub fn columns(layout: &Layout, plan: &Plan, results: &PlanResults) -> Vec<Column> {
    let mut out = Vec::new();
    for year in layout.actual_cols().keys().copied() {
        if !plan.indicators.iter().any(|i| i.actual.contains_key(&year)) {
            continue;
        }
        let mut realization = HashMap::new();
        let mut status = HashMap::new();
        for (indicator, result) in plan.indicators.iter().zip(&results.indicators) {
            let row = indicator.row.saturating_sub(1) as usize;
            let st = result.status.get(&year).copied();
            if let Some(r) = result.realization.get(&year) {
                realization.insert(
                    row,
                    Cell {
                        value: Some(r.value),
                        text: r.shown(),
                        status: st,
                    },
                );
            }
            if let Some(s) = st {
                status.insert(
                    row,
                    Cell {
                        value: None,
                        text: status_text(s).to_string(),
                        status: Some(s),
                    },
                );
            }
        }
        out.push(Column {
            year,
            kind: Kind::Realization,
            cells: realization,
        });
        out.push(Column {
            year,
            kind: Kind::Status,
            cells: status,
        });
    }
    out
}
