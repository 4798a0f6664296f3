//! The rows and cells as rendered: the column letters with their menus, filter buttons and
//! borders, then the title, header and body rows of the window in view.

use super::ctx::{in_rect, Grid, Pos, ROW_H};
use super::filter::{column_menu, FilterMenu};
use crate::table::grid::{col_index, col_letters};
use crate::ui::browser;
use crate::ui::i18n::{grid_texts, status_explanation};
use crate::ui::state::widths::{
    avail_px, fit_text, header_segments, is_number, tall_lines, Metrics,
};
use crate::ui::state::{status_class, GridCell, GridRow, RowKind};
use leptos::prelude::*;
use std::hash::{Hash, Hasher};

fn row_class(kind: RowKind) -> &'static str {
    match kind {
        RowKind::Title => "title",
        RowKind::Header => "header",
        RowKind::Body => "body",
        RowKind::After => "after",
    }
}

/// The active cell, the selection and the edited cell, as far as they touch one row.
#[derive(Clone, Copy, PartialEq)]
struct RowMarks {
    active: Option<Pos>,
    sel: Option<(Pos, Pos)>,
    edit: Option<Pos>,
}

/// The row a cell is rendered in: its 0-based number, its kind and its marks.
#[derive(Clone, Copy)]
struct RowAt {
    row: usize,
    kind: RowKind,
    marks: Memo<RowMarks>,
}

/// What a row shows, as a number: a row whose cells changed (an edit, a result, a merge the
/// window now cuts differently) gets a new key and is rebuilt.
fn row_key(row: &GridRow) -> u64 {
    let mut h = std::collections::hash_map::DefaultHasher::new();
    row_class(row.kind).hash(&mut h);
    for c in &row.cells {
        (c.col, &c.text, c.source.name(), c.colspan, c.rowspan).hash(&mut h);
        (
            c.status.map(|s| s as u8),
            c.bar.map(f64::to_bits),
            c.invalid,
        )
            .hash(&mut h);
    }
    h.finish()
}

/// A cell's text as shown: header text with its years kept whole, a merged range's text
/// wrapped over its rows.
fn cell_text(shown: &str, kind: RowKind, tall: bool, rowspan: u32) -> AnyView {
    match kind {
        RowKind::Header => header_segments(shown)
            .into_iter()
            .map(|(text, keep)| {
                if keep {
                    view! { <span class="nb">{text}</span> }.into_any()
                } else {
                    text.into_any()
                }
            })
            .collect_view()
            .into_any(),
        _ if tall => {
            let max = f64::from(rowspan) * ROW_H - 4.0;
            let text = shown.to_string();
            view! { <div class="tall-text" style=format!("max-height:{max}px")>{text}</div> }
                .into_any()
        }
        _ => shown.to_string().into_any(),
    }
}

impl Grid {
    /// Left offsets of the frozen columns.
    pub fn frozen_offsets(&self) -> Vec<u32> {
        let (head, frozen) = self.model.with(|m| {
            m.as_ref()
                .map(|m| (m.row_head_width(), m.frozen))
                .unwrap_or((0, 0))
        });
        self.widths.with(|w| {
            let mut left = head;
            w.iter()
                .take(frozen)
                .map(|w| {
                    let here = left;
                    left += w;
                    here
                })
                .collect()
        })
    }

    /// The header block's rows (`runs` are ranges of sheet rows), each with its row number.
    pub fn render_rows(&self, runs: Vec<std::ops::Range<usize>>) -> Vec<AnyView> {
        let g = *self;
        // Rebuilt when the widths, the font, the language or the frozen columns change.
        self.look.with(|_| ());
        self.read(|sheet, gm, res| {
            runs.into_iter()
                .flat_map(|range| gm.window(sheet, res, range))
                .map(|row| g.render_row(row))
                .collect::<Vec<_>>()
        })
        .unwrap_or_default()
    }

    /// The body rows of `window` (indices into the shown rows), keyed by their sheet row and
    /// content: a row that stays in view, unchanged, is not rebuilt when the grid scrolls, and
    /// the active cell and the selection change only the cells they touch.
    pub fn body_rows(&self, window: Memo<std::ops::Range<usize>>) -> impl IntoView {
        let g = *self;
        view! {
            <For
                each=move || {
                    let look = g.look.get();
                    let runs = g.body.with(|b| b.runs(window.get()));
                    g.read(|sheet, gm, res| {
                        runs.into_iter()
                            .flat_map(|range| gm.window(sheet, res, range))
                            .map(|row| (look, row_key(&row), row))
                            .collect::<Vec<_>>()
                    })
                    .unwrap_or_default()
                }
                key=|(look, content, row)| (*look, row.row, *content)
                children=move |(_, _, row)| g.render_row(row)
            />
        }
    }

    /// One row as rendered now (the widths, font and frozen columns read untracked: the
    /// callers rebuild rows when [`Grid::look`] changes).
    fn render_row(&self, row: GridRow) -> AnyView {
        let g = *self;
        let offsets = untrack(|| self.frozen_offsets());
        let m = self.metrics.get_untracked();
        let r = row.row.saturating_sub(1) as usize;
        // The rows this row's cells cover (a merged range reaches below).
        let last = row
            .cells
            .iter()
            .map(|c| r + c.rowspan.max(1) as usize - 1)
            .max()
            .unwrap_or(r);
        // The active cell, the selection and the edited cell as far as they touch this row:
        // its cells follow this memo, so a move re-runs only the rows it leaves and enters.
        let marks = Memo::new(move |_| {
            let here = |p: &Pos| (r..=last).contains(&p.0);
            RowMarks {
                active: g.active.get().filter(here),
                sel: g
                    .sel
                    .get()
                    .filter(|(a, b)| (a.0.min(b.0)..=a.0.max(b.0)).contains(&r)),
                edit: g.edit_at.get().filter(here),
            }
        });
        let class = row_class(row.kind);
        let cells = self.widths.with_untracked(|widths| {
            row.cells
                .into_iter()
                .map(|cell| {
                    let freeze = (cell.col + cell.colspan as usize <= offsets.len())
                        .then(|| offsets.get(cell.col).copied())
                        .flatten();
                    let at = RowAt {
                        row: r,
                        kind: row.kind,
                        marks,
                    };
                    g.render_cell(cell, at, freeze, widths, &m)
                })
                .collect_view()
        });
        view! {
            <tr data-row=row.row class=class>
                <th class="row-head">{row.row}</th>
                {cells}
            </tr>
        }
        .into_any()
    }

    /// The display position of the cell an event happened in, and its 1-based sheet row.
    fn cell_of(ev: &leptos::ev::Event) -> Option<(Pos, u32)> {
        let (number, letters) = browser::grid_cell_of(ev)?;
        let col = col_index(&letters)?;
        Some(((number.checked_sub(1)? as usize, col), number))
    }

    /// The cell a mouse event happened in: its DOM cell, or where the DOM rows have not caught
    /// up with the scroll, the cell the canvas drew under the pointer.
    fn cell_at(&self, ev: &leptos::ev::MouseEvent) -> Option<(Pos, u32)> {
        Self::cell_of(ev).or_else(|| {
            let pos = self.pos_at(ev)?;
            Some((pos, u32::try_from(pos.0 + 1).ok()?))
        })
    }

    /// A mouse button pressed on a cell: it becomes the active cell (Shift: the range to it).
    /// One listener on the grid for all its cells.
    pub fn on_cell_mousedown(&self, ev: &leptos::ev::MouseEvent) {
        if self.editing.get_untracked().is_some() || ev.button() != 0 {
            return;
        }
        if let Some((pos, number)) = self.cell_at(ev) {
            self.move_to(pos, ev.shift_key());
            self.on_select.run(number);
        }
    }

    /// The pointer over a cell with the button held: the range is drawn to it (no browser text
    /// selection: cells are not selectable text).
    pub fn on_cell_mouseover(&self, ev: &leptos::ev::MouseEvent) {
        if ev.buttons() != 1
            || self.editing.get_untracked().is_some()
            || self.resizing.get_untracked().is_some()
        {
            return;
        }
        if let Some((pos, _)) = self.cell_at(ev) {
            if self.active.get_untracked() != Some(pos) {
                self.active.set(Some(pos));
            }
        }
    }

    /// A double click on a cell opens its editor.
    pub fn on_cell_dblclick(&self, ev: &leptos::ev::MouseEvent) {
        if self.editing.get_untracked().is_none() && self.cell_at(ev).is_some() {
            self.start_editing(None);
        }
    }

    /// One cell: its text fitted to its width (a number that does not fit shows `###`, its
    /// value on hover), its marks (source, status, bar), and, each following the active cell
    /// on its own, the selection, the active ring and the editor while it is being edited.
    fn render_cell(
        &self,
        cell: GridCell,
        RowAt { row, kind, marks }: RowAt,
        frozen_left: Option<u32>,
        widths: &[u32],
        m: &Metrics,
    ) -> impl IntoView {
        let g = *self;
        let pos = (row, cell.col);
        // The cell covers its merged range: the active cell anywhere in it makes it active.
        let span = (
            row + cell.rowspan.max(1) as usize - 1,
            cell.col + cell.colspan.max(1) as usize - 1,
        );
        let is_active = move || marks.with(|k| k.active.is_some_and(|p| in_rect(p, pos, span)));
        let selected = move || marks.with(|k| k.sel.is_some_and(|(a, b)| in_rect(pos, a, b)));
        let editing_here = move || marks.with(|k| k.edit.is_some_and(|p| in_rect(p, pos, span)));
        let tall = cell.rowspan > 1 && matches!(kind, RowKind::Body | RowKind::After);
        let avail = avail_px(widths, cell.col, cell.colspan);
        let (shown, cut) = match kind {
            // Headers wrap; a year in them never breaks.
            RowKind::Header => (cell.text.clone(), m.text_px(&cell.text) * 1.08 > avail),
            // A merged range wraps its text over its rows.
            _ if tall => {
                let lines = tall_lines(f64::from(cell.rowspan));
                (cell.text.clone(), m.text_px(&cell.text) > avail * lines)
            }
            // Print sizes its columns to their content: every number whole.
            _ if g.printing.get_untracked() => (cell.text.clone(), false),
            _ => fit_text(&cell.text, avail, m),
        };
        // On hover: the whole text where it is cut, why a value is flagged, what a status means.
        let lang = g.lang.get_untracked();
        let title = if cut || cell.text.contains('\n') {
            Some(cell.text.clone())
        } else if cell.invalid {
            Some(grid_texts(lang).not_a_number.to_string())
        } else {
            cell.status
                .filter(|_| !is_number(&cell.text))
                .map(|s| status_explanation(lang, s).to_string())
        };
        let class = format!(
            "{} {}{}{}{}{}{}",
            cell.source.name(),
            status_class(cell.status),
            if cell.bar.is_some() { " bar" } else { "" },
            if frozen_left.is_some() { " frozen" } else { "" },
            if tall { " tall" } else { "" },
            if cell.invalid { " invalid" } else { "" },
            if kind == RowKind::Body && is_number(&cell.text) {
                " num"
            } else {
                ""
            },
        );
        let mut style = String::new();
        if let Some(v) = cell.bar {
            style.push_str(&format!("--bar:{:.1}%;", v.clamp(0.0, 100.0)));
        }
        if let Some(left) = frozen_left {
            style.push_str(&format!("left:{left}px;"));
        }
        let number = u32::try_from(row + 1).unwrap_or(u32::MAX);
        let rowspan = cell.rowspan;
        let content = move || match editing_here() {
            true => g.editor_view().into_any(),
            false => cell_text(&shown, kind, tall, rowspan),
        };
        view! {
            <td
                data-testid="grid-cell"
                data-row=number
                data-col=cell.letters
                data-source=cell.source.name()
                data-cut=cut.then_some("true")
                data-invalid=cell.invalid.then_some("true")
                aria-selected=move || (selected() || is_active()).then_some("true")
                title=title
                class=class
                class:sel=selected
                class:active=is_active
                style=(!style.is_empty()).then_some(style)
                colspan=(cell.colspan > 1).then_some(cell.colspan)
                rowspan=(cell.rowspan > 1).then_some(cell.rowspan)
            >
                {content}
            </td>
        }
    }

    /// The cell editor (in the active cell while it is edited).
    fn editor_view(&self) -> impl IntoView {
        let g = *self;
        view! {
            <input
                class="cell-editor"
                data-testid="cell-editor"
                node_ref=g.editor
                prop:value=move || g.editing.get().unwrap_or_default()
                on:input=move |ev| g.editing.set(Some(event_target_value(&ev)))
                on:keydown=move |ev| g.on_editor_key(&ev)
                on:blur=move |_| {
                    if let Some(text) = g.editing.get_untracked() {
                        g.commit(text);
                    }
                }
            />
        }
    }

    /// The row of column letters: each with the column's role, its filter button and a border
    /// to drag or double-click.
    pub fn letters_row(&self, menu: FilterMenu) -> impl IntoView {
        let g = *self;
        view! {
            <tr class="letters">
                <th class="corner"></th>
                {move || {
                    let width = g.model.with(|m| m.as_ref().map(|m| m.width()).unwrap_or(0));
                    // The letters of the frozen columns stay with them.
                    let offsets = g.frozen_offsets();
                    (0..width)
                        .map(|c| {
                            let role_menu = (width <= 256).then(|| column_menu(g, c)).flatten();
                            let has_menu = role_menu.is_some();
                            view! {
                            <th
                                class="col-head"
                                class:frozen=c < offsets.len()
                                class:has-menu=has_menu
                                style=offsets.get(c).map(|left| format!("left:{left}px"))
                                data-col=col_letters(c)
                            >
                                <span class="col-letter">{col_letters(c)}</span>
                                {role_menu}
                                <button
                                    class="col-filter"
                                    data-testid="col-filter"
                                    data-col=col_letters(c)
                                    class:on=move || g.active_filters.with(|f| f.contains_key(&c))
                                    title=move || grid_texts(g.lang.get()).filter
                                    on:mousedown=|ev: leptos::ev::MouseEvent| ev.stop_propagation()
                                    on:click=move |ev: leptos::ev::MouseEvent| {
                                        ev.stop_propagation();
                                        // Under the pointer, or under the button pressed
                                        // from the keyboard.
                                        let (x, y) = crate::ui::browser::canvas::click_point(&ev);
                                        menu.open(g, c, x - 10, y + 12);
                                    }
                                >
                                    <svg viewBox="0 0 10 10" width="10" height="10" aria-hidden="true">
                                        <path d="M0 1h10L6 5.5V9.5L4 8.5V5.5z" fill="currentColor"></path>
                                    </svg>
                                </button>
                                <span
                                    class="col-resize"
                                    data-testid="col-resize"
                                    data-col=col_letters(c)
                                    title=move || grid_texts(g.lang.get()).resize
                                    on:mousedown=move |ev: leptos::ev::MouseEvent| {
                                        ev.prevent_default();
                                        ev.stop_propagation();
                                        let w = g.widths.with_untracked(|w| w.get(c).copied().unwrap_or(0));
                                        g.resizing.set(Some((c, ev.client_x(), w)));
                                    }
                                    on:dblclick=move |ev: leptos::ev::MouseEvent| {
                                        ev.stop_propagation();
                                        g.fit_col(c);
                                    }
                                ></span>
                            </th>
                            }
                        })
                        .collect_view()
                }}
            </tr>
        }
    }
}
