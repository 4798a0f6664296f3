//! What every part of the grid shares: the signals of the open sheet and of the user's place
//! in it, and the moves of the active cell (keyboard, find, filter all go through them).

use crate::error::Lang;
use crate::plan::PlanResults;
use crate::table::grid::Sheet;
use crate::ui::state::filter::{BodyRows, Filters};
use crate::ui::state::nav::{step, Bounds, Move};
use crate::ui::state::widths::Metrics;
use crate::ui::state::{Doc, Edit, GridModel, Live};
use leptos::prelude::*;
use std::collections::HashMap;

pub use crate::ui::state::paint::{in_rect, Pos, ROW_H};

/// The grid's shared state. Every field is a signal, memo or handle, so the whole is `Copy` and
/// each event handler takes its own copy.
#[derive(Clone, Copy)]
pub struct Grid {
    pub doc: ReadSignal<Option<Doc>>,
    pub results: ReadSignal<Option<Live>>,
    pub lang: ReadSignal<Lang>,
    pub printing: ReadSignal<bool>,
    pub on_select: Callback<u32>,
    pub on_edit: Callback<Edit>,
    pub on_undo: Callback<()>,
    pub on_redo: Callback<()>,
    /// What the active sheet shows.
    pub model: Memo<Option<GridModel>>,
    /// Filters from the column headers, with the sheet they belong to.
    pub filters: RwSignal<(usize, Filters)>,
    /// The active sheet's filters (none when they belong to another sheet).
    pub active_filters: Memo<Filters>,
    /// The body rows the filters leave.
    pub body: Memo<BodyRows>,
    /// The font's digit and CJK widths.
    pub metrics: RwSignal<Metrics>,
    /// Widths the user dragged or double-clicked, by sheet and column.
    pub user_widths: RwSignal<HashMap<(usize, usize), u32>>,
    /// Every column's width in pixels.
    pub widths: Memo<Vec<u32>>,
    /// A column border being dragged: the column, the pointer's start and the start width.
    pub resizing: RwSignal<Option<(usize, i32, u32)>>,
    pub scroll_top: RwSignal<f64>,
    pub view_h: RwSignal<f64>,
    /// The height of the title rows (they scroll away).
    pub title_h: RwSignal<f64>,
    /// The height of the rows that stay at the top (column letters and header rows).
    pub sticky_h: RwSignal<f64>,
    /// The active cell and the selection's anchor.
    pub active: RwSignal<Option<Pos>>,
    pub anchor: RwSignal<Option<Pos>>,
    /// The editor's text while a cell is edited.
    pub editing: RwSignal<Option<String>>,
    /// The selection's corners (anchor, active cell); each cell follows it on its own.
    pub sel: Memo<Option<(Pos, Pos)>>,
    /// The cell being edited (the active cell while the editor is open).
    pub edit_at: Memo<Option<Pos>>,
    /// Changes whenever what every rendered cell depends on changes (the column widths, the
    /// font, the language, printing, the frozen columns): rows are rebuilt then.
    pub look: Memo<u64>,
    pub wrap: NodeRef<leptos::html::Div>,
    pub editor: NodeRef<leptos::html::Input>,
    /// Whether the body is drawn on a canvas ([`super::canvas`]); otherwise by the DOM alone.
    pub canvas: bool,
    pub canvas_el: NodeRef<leptos::html::Canvas>,
    /// The body rows in view (with the overscan), as indices into `body`.
    pub window: Memo<std::ops::Range<usize>>,
    /// The body rows the DOM has rendered: the window, once it has caught up.
    pub mirror: RwSignal<std::ops::Range<usize>>,
    /// Whether the grid or its editor has the keyboard focus.
    pub focused: RwSignal<bool>,
    /// The app's first screen, if it provides one: no editor opens while it shows.
    pub first_screen: Option<crate::ui::first_screen::FirstScreen>,
}

impl Grid {
    /// `f` on the active sheet, its model and the results, not tracked.
    pub fn peek<T>(
        &self,
        f: impl FnOnce(&Sheet, &GridModel, Option<&PlanResults>) -> T,
    ) -> Option<T> {
        self.doc.with_untracked(|d| {
            let (sheet, _, _) = d.as_ref()?.active_sheet()?;
            self.model.with_untracked(|m| {
                let m = m.as_ref()?;
                Some(
                    self.results
                        .with_untracked(|r| f(sheet, m, r.as_ref().map(|l| &l.results))),
                )
            })
        })
    }

    /// [`Grid::peek`], tracked.
    pub fn read<T>(
        &self,
        f: impl FnOnce(&Sheet, &GridModel, Option<&PlanResults>) -> T,
    ) -> Option<T> {
        self.doc.with(|d| {
            let (sheet, _, _) = d.as_ref()?.active_sheet()?;
            self.model.with(|m| {
                let m = m.as_ref()?;
                Some(
                    self.results
                        .with(|r| f(sheet, m, r.as_ref().map(|l| &l.results))),
                )
            })
        })
    }

    /// The index of the active sheet.
    pub fn sheet_index(&self) -> usize {
        self.doc
            .with_untracked(|d| d.as_ref().map(|d| d.active))
            .unwrap_or(0)
    }

    /// The first body row, the number of rows and of columns.
    pub fn bounds(&self) -> (usize, usize, usize) {
        self.model
            .with_untracked(|m| m.as_ref().map(|m| (m.body_start, m.rows, m.width())))
            .unwrap_or((0, 0, 0))
    }

    /// The sheet's cell at display position `pos`; `None` for a completion column, which is
    /// computed and takes no edit.
    pub fn sheet_pos(&self, (row, col): Pos) -> Option<Pos> {
        self.model
            .with_untracked(|m| m.as_ref()?.source_col(col))
            .map(|src| (row, src))
    }

    /// Gives the grid the keyboard.
    pub fn focus(&self) {
        if let Some(el) = self.wrap.get_untracked() {
            let _ = el.focus();
        }
    }

    /// Keeps the active cell in view after keyboard moves and find: below the sticky header
    /// rows and right of the frozen columns. `center`: a jump (find) puts the row in the middle
    /// of the view, as Excel does.
    pub fn scroll_into_view(&self, (row, col): Pos, center: bool) {
        let Some(el) = self.wrap.get_untracked() else {
            return;
        };
        if let Some(index) = self.body.with_untracked(|b| b.index_of(row)) {
            // Body rows sit below the title rows, which scroll away, and under the sticky rows.
            let head = self.sticky_h.get_untracked();
            let y = index as f64 * ROW_H + self.title_h.get_untracked();
            let top = el.scroll_top() as f64;
            let height = f64::from(el.client_height()) - head;
            let outside = y < top || y + ROW_H > top + height;
            if outside && center {
                el.set_scroll_top((y - (height - ROW_H) / 2.0).max(0.0) as i32);
            } else if y < top {
                el.set_scroll_top(y as i32);
            } else if y + ROW_H > top + height {
                el.set_scroll_top((y + ROW_H - height) as i32);
            }
        }
        // A cell inside a merged range: its range shows from its top-left cell (a note merged
        // across the table's width is read from its start).
        let (head_w, frozen, col) = self.model.with_untracked(|m| {
            m.as_ref()
                .map(|m| (m.row_head_width(), m.frozen, m.anchor_of(row, col).1))
                .unwrap_or((0, 0, col))
        });
        if col < frozen {
            // The frozen columns are always in view; the first one (Home, Ctrl+Home) also
            // brings the rest back to the left, as in Excel.
            if col == 0 {
                el.set_scroll_left(0);
            }
            return;
        }
        let (left, right, frozen_w) = self.widths.with_untracked(|w| {
            let before: u32 = w.iter().take(col).sum();
            let own = w.get(col).copied().unwrap_or(0);
            let frozen_w: u32 = w.iter().take(frozen).sum();
            (head_w + before, head_w + before + own, head_w + frozen_w)
        });
        let (left, right, frozen_w) = (left as i32, right as i32, frozen_w as i32);
        let scroll = el.scroll_left();
        if left < scroll + frozen_w {
            el.set_scroll_left((left - frozen_w).max(0));
        } else if right > scroll + el.client_width() {
            el.set_scroll_left(right - el.client_width());
        }
    }

    /// Makes `pos` the active cell (clamped to the sheet); `extend` keeps the anchor (a range).
    pub fn go_to(&self, pos: Pos, extend: bool, center: bool) {
        let (start, rows, width) = self.bounds();
        if rows == 0 || width == 0 {
            return;
        }
        let pos = (pos.0.clamp(start, rows - 1), pos.1.min(width - 1));
        self.active.set(Some(pos));
        if !extend {
            self.anchor.set(Some(pos));
        }
        self.scroll_into_view(pos, center);
    }

    /// [`Grid::go_to`] without centring: the keyboard's and the mouse's moves.
    pub fn move_to(&self, pos: Pos, extend: bool) {
        self.go_to(pos, extend, false);
    }

    /// Rows a page holds (PageUp / PageDown).
    fn page_rows(&self) -> usize {
        self.wrap
            .get_untracked()
            .map(|el| {
                ((f64::from(el.client_height()) - self.sticky_h.get_untracked()) / ROW_H).floor()
            })
            .unwrap_or(10.0)
            .max(1.0) as usize
    }

    /// Where a movement key takes the active cell: over the rows shown (a filter hides some).
    pub fn nav_step(&self, mv: Move, from: Pos) -> Option<Pos> {
        let page = self.page_rows();
        self.body.with_untracked(|shown| {
            // From a row no longer shown: from the first shown row after it.
            let index = shown.index_of(from.0).unwrap_or_else(|| {
                (0..shown.len())
                    .find(|&i| shown.row(i).is_some_and(|r| r > from.0))
                    .unwrap_or(0)
            });
            self.peek(|sheet, m, res| {
                let b = Bounds {
                    first_row: 0,
                    rows: shown.len(),
                    cols: m.width(),
                    page,
                };
                let blank = |i: usize, c| shown.row(i).is_none_or(|r| m.is_blank(sheet, res, r, c));
                let (i, c) = step(mv, (index, from.1), &b, blank);
                Some((shown.row(i)?, c))
            })
            .flatten()
        })
    }

    /// The first body row in view, for an active cell when the grid gets focus.
    pub fn first_in_view(&self) -> Pos {
        let first = ((self.scroll_top.get_untracked() - self.title_h.get_untracked()) / ROW_H)
            .ceil()
            .max(0.0) as usize;
        let row = self
            .body
            .with_untracked(|b| b.row(first).or_else(|| b.row(0)));
        (row.unwrap_or_else(|| self.bounds().0), 0)
    }

    /// Enter and Tab: the next shown row, the same column.
    pub fn move_down(&self, from: Pos) {
        if let Some(pos) = self.nav_step(Move::Down, from) {
            self.move_to(pos, false);
        }
    }

    /// Forgets the active cell and the selection (a filter may have hidden them).
    pub fn clear_active(&self) {
        self.active.set(None);
        self.anchor.set(None);
    }
}
