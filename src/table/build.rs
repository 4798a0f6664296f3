//! Layout + grid → [`Plan`]: one indicator per indicator row, with its category, parent, unit,
//! given values, years and units.

use super::detect::{Layout, Role};
use super::grid::{format_number, MergeIndex, Sheet};
use super::rows::{classify_row, split_unit, strip_ordinal, RowKind};
use super::vocabulary::fold_width;
use crate::plan::{value, Binding, Given, Indicator, Plan, RawCell, Value, Year, YearMap};
use std::borrow::Cow;
use std::collections::BTreeMap;

/// Builds the plan of a sheet from its layout.
pub fn build_plan(sheet: &Sheet, layout: &Layout) -> Plan {
    crate::pace::finish(build_plan_paced(
        sheet,
        layout,
        &mut crate::pace::Straight,
        |f| f,
    ))
    .unwrap_or_default()
}

/// [`build_plan`] in slices of [`STEP`](crate::pace::STEP) rows, reporting to `pace` with
/// [`Stage::Detect`](crate::pace::Stage::Detect); `progress` maps the fraction of the rows done
/// to the fraction reported.
pub async fn build_plan_paced<P: crate::pace::Pace>(
    sheet: &Sheet,
    layout: &Layout,
    pace: &mut P,
    progress: impl Fn(f64) -> f64,
) -> Plan {
    let width = sheet.width();
    let merges = MergeIndex::new(sheet);
    let col = |role: Role| layout.col(role);
    let (seq_col, category_col, name_col, unit_col) = (
        col(Role::Seq),
        col(Role::Category),
        col(Role::Name),
        col(Role::Unit),
    );
    let parent_col = col(Role::Parent);
    let rate_col = col(Role::Rate);
    let (binding_col, direction_col, weight_col) =
        (col(Role::Binding), col(Role::Direction), col(Role::Weight));
    let (base_col, target_col, lead_col, other_col) = (
        col(Role::Base),
        col(Role::Target),
        col(Role::Lead),
        col(Role::Other),
    );
    // The text of a role's cell, or of the merged range over it: borrowed from a text cell.
    let text_of = |row: usize, col: Option<usize>| -> Cow<'_, str> {
        let Some(c) = col else {
            return Cow::Borrowed("");
        };
        let cell = match merges.covering(row, c) {
            Some(m) => sheet.cell(m.first_row as usize, m.first_col as usize),
            None => sheet.cell(row, c),
        };
        match cell {
            RawCell::Empty => Cow::Borrowed(""),
            RawCell::Text { s } => Cow::Borrowed(s.trim()),
            RawCell::Number { n, .. } => Cow::Owned(format_number(*n)),
        }
    };
    let given = |row: usize, col: usize| value::parse(sheet.cell(row, col));
    let yearly_cols = layout.yearly_cols();
    let actual_cols = layout.actual_cols();
    let mut category = String::new();
    let end = (layout.data_last + 1).min(sheet.rows.len());
    let first = layout.header_last + 1;
    // At most one indicator per row: room for them all at once, not doubled as they come (a
    // doubled vector of 20,000 indicators left a third of it unused, and in wasm a copy of it
    // alive while it grew; issue 19).
    let mut indicators = Vec::with_capacity(end.saturating_sub(first));
    let rows = end.saturating_sub(first).max(1) as f64;
    for row in first..end {
        if (row - first) % crate::pace::ROW_STEP == crate::pace::ROW_STEP - 1 {
            let done = (row - first) as f64 / rows;
            pace.step(crate::pace::Stage::Detect, progress(done)).await;
        }
        match classify_row(sheet, &merges, name_col, seq_col.is_some(), row, width) {
            RowKind::Category(c) => {
                category = c;
                continue;
            }
            RowKind::Indicator => {}
            _ => continue,
        }
        let cat_cell = text_of(row, category_col);
        if !cat_cell.is_empty() {
            let cat_cell = strip_ordinal(&cat_cell);
            if !cat_cell.is_empty() {
                category = cat_cell;
            }
        }
        let raw_name = text_of(row, name_col);
        let starred = raw_name.starts_with('*') || raw_name.starts_with('＊');
        let name = raw_name.trim_start_matches(['*', '＊']).trim();
        // A two-level name: the group cell beside the item, unless the name spans both.
        let parent = match (parent_col, name_col) {
            (Some(p), Some(n))
                if merges
                    .covering(row, n)
                    .is_none_or(|m| m.first_col as usize > p) =>
            {
                text_of(row, Some(p)).into_owned()
            }
            _ => String::new(),
        };
        // Without a unit column, a unit in brackets at the end of the name is the unit.
        let (name, name_unit) = match unit_col {
            Some(_) => (name.to_string(), String::new()),
            None => split_unit(name),
        };
        let binding_text = text_of(row, binding_col);
        let binding = if starred || binding_text.contains("约束") {
            Some(Binding::Binding)
        } else if binding_text.contains("预期") {
            Some(Binding::Expected)
        } else {
            None
        };
        let cell_of = |col: Option<usize>| col.map(|c| given(row, c)).unwrap_or_default();
        // Years in ascending order: each insert appends, and a Given is moved once.
        let collect = |cols: &BTreeMap<Year, usize>| -> YearMap<Given> {
            let mut out = YearMap::new();
            for (&y, &c) in cols {
                if matches!(sheet.cell(row, c), RawCell::Empty) {
                    continue;
                }
                let g = given(row, c);
                if g.value != crate::plan::Value::Empty {
                    out.insert(y, g);
                }
            }
            out
        };
        let base = cell_of(base_col);
        let mut target = cell_of(target_col);
        if let Some(c) = rate_col {
            rate_into_target_given(&mut target, &text_of(row, Some(c)));
        }
        let yearly = collect(&yearly_cols);
        let actual = collect(&actual_cols);
        let unit = match unit_col {
            Some(_) => text_of(row, unit_col).into_owned(),
            None => name_unit,
        };
        let is_group = unit.is_empty()
            && base.text.is_empty()
            && target.text.is_empty()
            && yearly.is_empty()
            && actual.is_empty();
        let weight = weight_col.and_then(|c| match sheet.cell(row, c) {
            RawCell::Number { n, .. } => Some(*n),
            RawCell::Text { s } => fold_width(s).trim().parse().ok(),
            RawCell::Empty => None,
        });
        let direction_text = Some(text_of(row, direction_col))
            .filter(|t| !t.is_empty())
            .map(Cow::into_owned);
        indicators.push(Indicator {
            row: u32::try_from(row + 1).unwrap_or(u32::MAX),
            seq: text_of(row, seq_col).into_owned(),
            category: category.clone(),
            name,
            parent,
            unit,
            binding,
            direction_text,
            weight,
            base,
            base_year: layout.base_year,
            target,
            target_year: layout.target_year,
            yearly,
            actual,
            lead_units: text_of(row, lead_col).into_owned(),
            other_units: text_of(row, other_col).into_owned(),
            is_group,
            ..Indicator::default()
        });
        if let Some(ind) = indicators.last_mut() {
            base_from_actuals(ind, layout);
        }
    }
    // Category and blank rows took room they did not use.
    indicators.shrink_to_fit();
    Plan {
        title: layout.title.clone(),
        years: yearly_cols.keys().copied().collect(),
        indicators,
        settings: Default::default(),
    }
}

/// A table with actuals and a target but no base column (a statistical table the user gave
/// targets): the indicator's base is its latest actual before the target year, and the base
/// year that actual's year. Anything else is left as it is.
pub fn base_from_actuals(ind: &mut Indicator, layout: &Layout) {
    if layout.col(Role::Base).is_some() || layout.col(Role::Target).is_none() {
        return;
    }
    if ind.target.text.is_empty() {
        ind.base = Given::default();
        ind.base_year = layout.base_year;
        return;
    }
    let before = |y: Year| layout.target_year.is_none_or(|t| y < t);
    if let Some((y, g)) = ind.actual.iter().rev().find(|(y, _)| before(**y)) {
        ind.base = g.clone();
        ind.base_year = Some(*y);
    }
}

/// An annual growth rate from a `年均增长(%)` column read into the target, as if the target cell
/// said `T，年均增长r%` (PLANNING-RULES "Yearly targets", rate): a target of `—` or nothing
/// becomes the rate alone. Left as it is when the target already states a rate, when the rate
/// cell holds no number, or when the two do not read as one rate target.
///
/// ```
/// use zhibiao::plan::{value, Value};
/// let mut target = value::parse_text("39365");
/// zhibiao::table::build::rate_into_target_given(&mut target, "7");
/// assert!(matches!(target.value, Value::Rate { .. }));
/// ```
pub fn rate_into_target_given(target: &mut Given, rate_text: &str) {
    if matches!(target.value, Value::Rate { .. }) {
        return;
    }
    let rate = value::parse_text(rate_text);
    let Some(r) = value::level_of(&rate.value) else {
        return;
    };
    let level = match &target.value {
        Value::Number { .. } => target.text.trim().to_string(),
        Value::Empty => String::new(),
        _ => return,
    };
    let text = if level.is_empty() {
        format!("年均增长{r}%")
    } else {
        format!("{level}，年均增长{r}%")
    };
    let combined = value::parse_text(&text);
    if matches!(combined.value, Value::Rate { .. }) {
        *target = Given {
            year: target.year.or(combined.year),
            ..combined
        };
    }
}

/// [`rate_into_target_given`] on an indicator whose rate cell was edited: the target is read
/// again from its own text first, so an edited rate replaces the old one.
pub fn rate_into_target(ind: &mut Indicator, rate_text: &str) {
    let own = ind
        .target
        .text
        .split(['，', ','])
        .next()
        .unwrap_or("")
        .trim()
        .to_string();
    ind.target = value::parse_text(&own);
    rate_into_target_given(&mut ind.target, rate_text);
}
