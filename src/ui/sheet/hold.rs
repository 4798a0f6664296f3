//! What the grid keeps while another view is shown: its filters, the unit filter and the
//! widths the user chose, as Excel keeps an AutoFilter with its sheet when another sheet is
//! looked at. A new file starts afresh. Other views ask the grid, through it, to show a unit's
//! rows or to go to one row (考核汇总's click-through).

use crate::ui::state::filter::{Filters, UnitFilter};
use leptos::prelude::*;
use std::collections::HashMap;

/// The grid's state that outlives the grid's component (created once by the app).
#[derive(Clone, Copy)]
pub struct GridHold {
    /// The file the held state belongs to.
    pub file: RwSignal<Option<String>>,
    /// Filters from the column headers, with the sheet they belong to.
    pub filters: RwSignal<(usize, Filters)>,
    /// The unit filter (责任单位).
    pub unit: RwSignal<Option<UnitFilter>>,
    /// Widths the user dragged or double-clicked, by sheet and display column.
    pub user_widths: RwSignal<HashMap<(usize, usize), u32>>,
    /// A 0-based sheet row to make the active cell when the grid shows next.
    pub goto: RwSignal<Option<usize>>,
}

impl GridHold {
    pub fn new() -> Self {
        Self {
            file: RwSignal::new(None),
            filters: RwSignal::new((0, Filters::new())),
            unit: RwSignal::new(None),
            user_widths: RwSignal::new(HashMap::new()),
            goto: RwSignal::new(None),
        }
    }

    /// The held state for the file `name`: kept when it is the file it belongs to, else
    /// cleared (the unit filter set to `own`, a unit's own copy's). Returns whether it was
    /// cleared.
    pub fn keep_for(&self, name: Option<String>, own: impl FnOnce() -> Option<UnitFilter>) -> bool {
        if self.file.get_untracked() == name {
            return false;
        }
        self.file.set(name);
        self.filters.set((0, Filters::new()));
        self.user_widths.set(HashMap::new());
        self.unit.set(own());
        true
    }

    /// Shows the rows of `unit` (as lead or other unit), the column filters cleared.
    pub fn show_unit(&self, unit: String) {
        self.filters.update(|(_, f)| f.clear());
        self.unit.set(Some((unit, false)));
    }

    /// Goes to the 0-based sheet row `row` when the grid shows.
    pub fn show_row(&self, row: usize) {
        self.goto.set(Some(row));
    }
}

impl Default for GridHold {
    fn default() -> Self {
        Self::new()
    }
}
