//! The rows and cells as rendered: the column letters with their menus, filter buttons and
//! borders, then the title, header and body rows of the window in view.

use super::ctx::{in_rect, Grid, ROW_H};
use super::filter::{column_menu, FilterMenu};
use crate::table::grid::col_letters;
use crate::ui::i18n::{grid_texts, status_explanation};
use crate::ui::state::widths::{avail_px, fit_text, header_segments, is_number, Metrics};
use crate::ui::state::{status_class, GridCell, RowKind};
use leptos::prelude::*;

fn row_class(kind: RowKind) -> &'static str {
    match kind {
        RowKind::Title => "title",
        RowKind::Header => "header",
        RowKind::Body => "body",
        RowKind::After => "after",
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

    /// The rows of `runs` (ranges of sheet rows for the header block, of body indices for the
    /// body), each with its row number.
    pub fn render_rows(&self, runs: Vec<std::ops::Range<usize>>) -> Vec<AnyView> {
        let g = *self;
        let offsets = self.frozen_offsets();
        let m = self.metrics.get();
        let widths = self.widths.get();
        self.read(|sheet, gm, res| {
            runs.into_iter()
                .flat_map(|range| gm.window(sheet, res, range))
                .map(|row| {
                    let r = row.row.saturating_sub(1) as usize;
                    let class = row_class(row.kind);
                    let cells = row
                        .cells
                        .into_iter()
                        .map(|cell| {
                            let freeze = (cell.col + cell.colspan as usize <= offsets.len())
                                .then(|| offsets.get(cell.col).copied())
                                .flatten();
                            g.render_cell(cell, r, row.kind, freeze, &widths, &m)
                        })
                        .collect_view();
                    view! {
                        <tr data-row=row.row class=class>
                            <th class="row-head">{row.row}</th>
                            {cells}
                        </tr>
                    }
                    .into_any()
                })
                .collect::<Vec<_>>()
        })
        .unwrap_or_default()
    }

    /// One cell: its text fitted to its width (a number that does not fit shows `###`, its
    /// value on hover), its marks (source, status, bar, selection), and the editor when it is
    /// being edited.
    fn render_cell(
        &self,
        cell: GridCell,
        row: usize,
        kind: RowKind,
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
        let is_active = g.active.get().is_some_and(|p| in_rect(p, pos, span));
        let selected = match (g.anchor.get(), g.active.get()) {
            (Some(a), Some(b)) => in_rect(pos, a, b),
            _ => false,
        };
        let tall = cell.rowspan > 1 && matches!(kind, RowKind::Body | RowKind::After);
        let avail = avail_px(widths, cell.col, cell.colspan);
        let (shown, cut) = match kind {
            // Headers wrap; a year in them never breaks.
            RowKind::Header => (cell.text.clone(), m.text_px(&cell.text) * 1.08 > avail),
            // A merged range wraps its text over its rows.
            _ if tall => {
                let lines = ((f64::from(cell.rowspan) * ROW_H - 4.0) / 18.0)
                    .floor()
                    .max(1.0);
                (cell.text.clone(), m.text_px(&cell.text) > avail * lines)
            }
            // Print sizes its columns to their content: every number whole.
            _ if g.printing.get_untracked() => (cell.text.clone(), false),
            _ => fit_text(&cell.text, avail, m),
        };
        // On hover: the whole text where it is cut, why a value is flagged, what a status means.
        let lang = g.lang.get();
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
            "{} {}{}{}{}{}{}{}",
            cell.source.name(),
            status_class(cell.status),
            if cell.bar.is_some() { " bar" } else { "" },
            if selected { " sel" } else { "" },
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
        let letters = cell.letters.clone();
        let number = u32::try_from(row + 1).unwrap_or(u32::MAX);
        let editor_view = (is_active && g.editing.get().is_some()).then(|| {
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
        });
        let content = match (editor_view, kind) {
            (Some(editor), _) => editor.into_any(),
            (None, RowKind::Header) => header_segments(&shown)
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
            (None, _) if tall => {
                let max = f64::from(cell.rowspan) * ROW_H - 4.0;
                view! { <div class="tall-text" style=format!("max-height:{max}px")>{shown}</div> }
                    .into_any()
            }
            (None, _) => shown.into_any(),
        };
        view! {
            <td
                data-testid="grid-cell"
                data-row=number
                data-col=letters
                data-source=cell.source.name()
                data-cut=cut.then_some("true")
                data-invalid=cell.invalid.then_some("true")
                aria-selected=(selected || is_active).then_some("true")
                title=title
                class=class
                class:active=is_active
                style=style
                colspan=cell.colspan
                rowspan=cell.rowspan
                on:mousedown=move |ev: leptos::ev::MouseEvent| {
                    if g.editing.get_untracked().is_some() || ev.button() != 0 {
                        return;
                    }
                    g.move_to(pos, ev.shift_key());
                    g.on_select.run(number);
                }
                on:mouseover=move |ev: leptos::ev::MouseEvent| {
                    // Dragging with the button held draws a range (no browser text selection:
                    // cells are not selectable text).
                    if ev.buttons() == 1
                        && g.editing.get_untracked().is_none()
                        && g.resizing.get_untracked().is_none()
                        && g.active.get_untracked() != Some(pos)
                    {
                        g.active.set(Some(pos));
                    }
                }
                on:dblclick=move |_| g.start_editing(None)
            >
                {content}
            </td>
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
                        .map(|c| view! {
                            <th
                                class="col-head"
                                class:frozen=c < offsets.len()
                                style=offsets.get(c).map(|left| format!("left:{left}px"))
                                data-col=col_letters(c)
                            >
                                <span class="col-letter">{col_letters(c)}</span>
                                {(width <= 256).then(|| column_menu(g, c))}
                                <button
                                    class="col-filter"
                                    data-testid="col-filter"
                                    data-col=col_letters(c)
                                    class:on=move || g.active_filters.with(|f| f.contains_key(&c))
                                    title=move || grid_texts(g.lang.get()).filter
                                    on:mousedown=|ev: leptos::ev::MouseEvent| ev.stop_propagation()
                                    on:click=move |ev: leptos::ev::MouseEvent| {
                                        ev.stop_propagation();
                                        menu.open(g, c, ev.client_x() - 10, ev.client_y() + 12);
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
                        })
                        .collect_view()
                }}
            </tr>
        }
    }
}
