//! A return's row that the matcher left unmatched (its name too unlike every indicator of the
//! plan, or like more than one), matched by hand to a plan row: what the row's actuals give
//! that indicator, decided as for a row matched by name (a value fills an empty actual cell; a
//! different value is a conflict, never written over), and the plan's indicators ranked by how
//! like the row's name they are, to choose from.

use super::merge::{cell_value, decide, Conflict, Offer, Target};
use super::Imported;
use crate::plan::score::{fold, units_of};
use crate::plan::{Plan, RawCell, Year};
use std::collections::{BTreeMap, BTreeSet};

/// What a return's row matched by hand gives the plan.
#[derive(Clone, Debug, PartialEq)]
pub struct HandMatch {
    /// The plan's sheet (its first table).
    pub sheet: usize,
    /// The cells to write: (0-based row, 0-based column, the cell).
    pub fills: Vec<(usize, usize, RawCell)>,
    /// Values that differ from what the plan has (not written).
    pub conflicts: Vec<Conflict>,
    /// How many of the plan's values the row would change (each also a conflict).
    pub changed: usize,
}

/// What `actuals` (a row of return `file`, by year, as written) give the indicator on 1-based
/// row `plan_row` of `base`'s first table. `None` when there is no table or no indicator on
/// that row.
///
/// ```
/// use zhibiao::io::{by_hand, import};
/// let plan = "序号,指标名称,单位,2020年,2025年,2021年实际\n1,人均GDP,元,31502,58000,\n";
/// let plan = import(plan.as_bytes()).unwrap();
/// let given = by_hand::give(&plan, 2, "统计局.xlsx", &[(2021, "36900".into())]).unwrap();
/// assert_eq!((given.fills[0].0, given.fills[0].1), (1, 5));
/// assert!(given.conflicts.is_empty());
/// ```
pub fn give(
    base: &Imported,
    plan_row: u32,
    file: &str,
    actuals: &[(Year, String)],
) -> Option<HandMatch> {
    let sheet = base.first_table()?;
    let target = Target::of(base.sheets.get(sheet)?)?;
    let index = target
        .plan
        .indicators
        .iter()
        .position(|i| i.row == plan_row && !i.is_group)?;
    let offered: BTreeMap<(usize, Year), Vec<Offer>> = actuals
        .iter()
        .map(|(year, text)| {
            let offer = (text.clone(), cell_value(text), file.to_string());
            ((index, *year), vec![offer])
        })
        .collect();
    let (writes, conflicts, changed) = decide(&target, &offered);
    Some(HandMatch {
        sheet,
        fills: writes
            .into_iter()
            .map(|(row, col, raw, _)| (row, col, raw))
            .collect(),
        conflicts,
        changed: changed.values().sum(),
    })
}

/// The plan's indicators (their 1-based rows) in the order to offer them for a row named `name`
/// of the return of `unit`: first the indicators that unit leads or shares (a unit's row is
/// one of its own indicators), then by the share of character pairs their folded names have in
/// common with `name` (Dice's coefficient, so `规上工业增加值` comes first for `规模以上工业增加值`),
/// ties in plan order. Group rows are left out.
pub fn ranked_rows(plan: &Plan, name: &str, unit: &str) -> Vec<u32> {
    let wanted = pairs(name);
    let unit = fold(unit.trim());
    let mut scored: Vec<(bool, f64, usize, u32)> = plan
        .indicators
        .iter()
        .enumerate()
        .filter(|(_, i)| !i.is_group && !i.name.trim().is_empty())
        .map(|(order, i)| {
            let own = !unit.is_empty() && units_of(&i.lead_units, &i.other_units).contains(&unit);
            (own, likeness(&wanted, &pairs(&i.name)), order, i.row)
        })
        .collect();
    scored.sort_by(|a, b| b.0.cmp(&a.0).then(b.1.total_cmp(&a.1)).then(a.2.cmp(&b.2)));
    scored.into_iter().map(|(_, _, _, row)| row).collect()
}

/// The pairs of neighbouring characters of a name, folded, spaces aside (one character alone
/// for a one-character name).
fn pairs(name: &str) -> BTreeSet<(char, char)> {
    let chars: Vec<char> = fold(name).chars().filter(|c| !c.is_whitespace()).collect();
    match chars.as_slice() {
        [only] => BTreeSet::from([(*only, *only)]),
        _ => chars.windows(2).map(|w| (w[0], w[1])).collect(),
    }
}

fn likeness(a: &BTreeSet<(char, char)>, b: &BTreeSet<(char, char)>) -> f64 {
    let total = a.len() + b.len();
    if total == 0 {
        return 0.0;
    }
    2.0 * a.intersection(b).count() as f64 / total as f64
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::io::import;

    const PLAN: &str = "序号,指标名称,单位,牵头单位,2020年,2025年,2021年实际,2022年实际\n\
        1,地区生产总值,亿元,县发改局,100,150,108,\n\
        2,规模以上工业增加值增速,%,县工信局,8,9,,\n\
        3,城镇化率,%,县住建局,50,56,,\n";

    fn plan() -> Imported {
        import(PLAN.as_bytes()).unwrap()
    }

    #[test]
    fn the_rows_actuals_fill_empty_cells_and_a_different_value_is_a_conflict() {
        let base = plan();
        // Row 2 (地区生产总值) has 108 for 2021: 110 is a conflict; 2022's 117.5 fills H2.
        let given = give(
            &base,
            2,
            "统计局.xlsx",
            &[(2021, "110".into()), (2022, "117.5".into())],
        )
        .unwrap();
        assert_eq!(given.sheet, 0);
        assert_eq!(
            given.fills,
            vec![(
                1,
                7,
                RawCell::Number {
                    n: 117.5,
                    format: None
                }
            )]
        );
        assert_eq!(given.conflicts.len(), 1);
        let c = &given.conflicts[0];
        assert_eq!((c.row, c.year, c.name.as_str()), (2, 2021, "地区生产总值"));
        let values: Vec<(&str, &str)> = c
            .values
            .iter()
            .map(|v| (v.file.as_str(), v.value.as_str()))
            .collect();
        assert_eq!(values, vec![("base", "108"), ("统计局.xlsx", "110")]);
        assert_eq!(given.changed, 1);
        // The same value as the plan's: nothing to write, nothing to list.
        let same = give(&base, 2, "统计局.xlsx", &[(2021, "108".into())]).unwrap();
        assert!(same.fills.is_empty() && same.conflicts.is_empty());
        // No indicator on that row (the header), or past the table.
        assert_eq!(give(&base, 1, "x", &[]), None);
        assert_eq!(give(&base, 9, "x", &[]), None);
    }

    #[test]
    fn indicators_are_ranked_the_units_own_first_then_by_how_like_the_name_they_are() {
        let base = plan();
        let p = base.sheets[0].plan.as_ref().unwrap();
        assert_eq!(ranked_rows(p, "规上工业增加值增速", ""), vec![3, 2, 4]);
        assert_eq!(ranked_rows(p, "常住人口城镇化率（%）", ""), vec![4, 2, 3]);
        assert_eq!(
            ranked_rows(p, "GDP", ""),
            vec![2, 3, 4],
            "nothing alike: plan order"
        );
        // The return's unit's own indicators first, however unlike their names.
        assert_eq!(ranked_rows(p, "城镇化率", "县工信局"), vec![3, 4, 2]);
        assert_eq!(ranked_rows(p, "城镇化率", "县 住建局"), vec![4, 2, 3]);
    }
}
