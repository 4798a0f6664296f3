//! The spreadsheet grid: the source sheet with computed cells marked, virtualised (only the
//! rows in view are in the DOM), with a frozen header and frozen first columns, keyboard
//! navigation and editing, copy/paste of rectangular ranges as tab-separated text, columns
//! fitted to their content and resizable, and find over every row.
//!
//! What goes where is decided in plain Rust ([`super::state::widths`], [`super::state::nav`],
//! [`super::state::find`]); this component renders it and forwards events.

use super::i18n::{grid_texts, layout_texts, ROLES};
use super::state::filter::{column_values, visible_rows, BodyRows, Filters};
use super::state::find::{find_all, next_match};
use super::state::nav::{key_move, step, Bounds, Move};
use super::state::widths::{
    avail_px, fit_column, fit_text, fit_widths, grow_widths, header_segments, is_number, Metrics,
};
use super::state::{
    mark_table, parse_tsv, role_key, status_class, typed_cell, with_role_key, Doc, Edit, GridCell,
    GridModel, Live, RowKind,
};
use crate::error::Lang;
use crate::table::grid::col_letters;
use leptos::prelude::*;
use std::collections::HashMap;

/// The height of a body row in pixels (the stylesheet's `--row-h`).
const ROW_H: f64 = 26.0;
/// Rows rendered above and below the visible ones.
const OVERSCAN: usize = 12;

fn row_class(kind: RowKind) -> &'static str {
    match kind {
        RowKind::Title => "title",
        RowKind::Header => "header",
        RowKind::Body => "body",
        RowKind::After => "after",
    }
}

/// A selection: the anchor and the active cell (0-based row and column).
type Pos = (usize, usize);

fn in_rect(pos: Pos, a: Pos, b: Pos) -> bool {
    (a.0.min(b.0)..=a.0.max(b.0)).contains(&pos.0) && (a.1.min(b.1)..=a.1.max(b.1)).contains(&pos.1)
}

/// The grid of the active sheet.
#[component]
pub fn SheetGrid(
    doc: ReadSignal<Option<Doc>>,
    results: ReadSignal<Option<Live>>,
    /// Called with the 1-based source row of a clicked row.
    on_select: Callback<u32>,
    /// Called with every edit the user makes in the grid.
    on_edit: Callback<Edit>,
    on_undo: Callback<()>,
    on_redo: Callback<()>,
    /// While printing, every row is rendered (print has no scrolling).
    printing: ReadSignal<bool>,
    lang: ReadSignal<Lang>,
) -> impl IntoView {
    let model = Memo::new(move |_| {
        doc.with(|d| {
            let d = d.as_ref()?;
            let (sheet, layout, plan) = d.active_sheet()?;
            Some(GridModel::new(sheet, layout, plan, &d.typed_cells()))
        })
    });
    // The font's digit and CJK widths, measured once the grid is on the page.
    let (metrics, set_metrics) = signal(Metrics::default());
    let measure_digits = NodeRef::<leptos::html::Span>::new();
    let measure_wide = NodeRef::<leptos::html::Span>::new();
    request_animation_frame(move || {
        let width = |n: &NodeRef<leptos::html::Span>| {
            n.get_untracked()
                .map(|el| f64::from(el.client_width()) / 20.0)
                .unwrap_or(0.0)
        };
        set_metrics.set(Metrics::measured(
            width(&measure_digits),
            width(&measure_wide),
        ));
    });
    // Widths the user dragged or double-clicked, by sheet and column; a new file starts fitted.
    let (user_widths, set_user_widths) = signal(HashMap::<(usize, usize), u32>::new());
    let file_name = Memo::new(move |_| doc.with(|d| d.as_ref().map(|d| d.file_name.clone())));
    Effect::new(move |_| {
        file_name.track();
        set_user_widths.set(HashMap::new());
    });
    let (scroll_top, set_scroll_top) = signal(0.0_f64);
    let (view_h, set_view_h) = signal(
        window()
            .inner_height()
            .ok()
            .and_then(|h| h.as_f64())
            .unwrap_or(900.0),
    );
    let (active, set_active) = signal(None::<Pos>);
    let (anchor, set_anchor) = signal(None::<Pos>);
    let (editing, set_editing) = signal(None::<String>);
    let wrap = NodeRef::<leptos::html::Div>::new();
    let editor = NodeRef::<leptos::html::Input>::new();
    // The header block as rendered: the height of the title rows (they scroll away) and of the
    // rows that stay at the top (column letters and header rows).
    let (title_h, set_title_h) = signal(0.0_f64);
    let (sticky_h, set_sticky_h) = signal(0.0_f64);
    let measure_head = move || {
        let Some(el) = wrap.get_untracked() else {
            return;
        };
        let Ok(rows) = el.query_selector_all("thead tr") else {
            return;
        };
        let (mut top, mut title) = (0.0, 0.0);
        for i in 0..rows.length() {
            let Some(tr) = rows
                .item(i)
                .and_then(|n| wasm_bindgen::JsCast::dyn_into::<web_sys::Element>(n).ok())
            else {
                continue;
            };
            let height = f64::from(tr.client_height());
            if tr
                .get_attribute("class")
                .is_some_and(|c| c.split(' ').any(|c| c == "title"))
            {
                title += height;
                continue;
            }
            let _ = tr.set_attribute("style", &format!("--top:{top}px"));
            top += height;
        }
        set_title_h.set(title);
        set_sticky_h.set(top);
    };

    // Filters from the column headers (by sheet; a new file starts unfiltered), and the body
    // rows they leave: all rows, or a list.
    let (filters, set_filters) = signal((0_usize, Filters::new()));
    Effect::new(move |_| {
        file_name.track();
        set_filters.set((0, Filters::new()));
    });
    let active_filters = Memo::new(move |_| {
        let sheet = doc.with(|d| d.as_ref().map(|d| d.active).unwrap_or(0));
        filters.with(|(s, f)| {
            if *s == sheet {
                f.clone()
            } else {
                Filters::new()
            }
        })
    });
    let body = Memo::new(move |_| {
        active_filters
            .with(|f| {
                doc.with(|d| {
                    let (sheet, _, _) = d.as_ref()?.active_sheet()?;
                    model.with(|gm| {
                        let gm = gm.as_ref()?;
                        results.with(|res| {
                            Some(visible_rows(gm, sheet, res.as_ref().map(|l| &l.results), f))
                        })
                    })
                })
            })
            .unwrap_or_default()
    });

    // The body rows in view, as a range of indices into `body`; a memo so scrolling within a
    // row does not re-render.
    let window_rows = Memo::new(move |_| {
        let rows = body.with(BodyRows::len);
        if printing.get() {
            return 0..rows;
        }
        let first = ((scroll_top.get() - title_h.get()) / ROW_H)
            .floor()
            .max(0.0) as usize;
        let visible = (view_h.get() / ROW_H).ceil() as usize;
        let from = first.saturating_sub(OVERSCAN).min(rows);
        let to = (first + visible + OVERSCAN).min(rows);
        from..to.max(from)
    });

    // Column widths: fitted to what the columns show when a sheet opens or its table changes
    // (not at every edit), widened for the rows on screen after each edit (an edited or
    // computed value wider than the sample's), and the user's where they set one.
    let fit_key = Memo::new(move |_| {
        (
            file_name.get(),
            doc.with(|d| d.as_ref().map(|d| d.active)),
            model.with(|m| {
                m.as_ref()
                    .map(|m| (m.rows, m.width(), m.body_start, m.data_last, m.frozen))
            }),
            metrics.get(),
        )
    });
    let sheet_fit = Memo::new(move |_| {
        fit_key.track();
        let m = metrics.get_untracked();
        doc.with_untracked(|d| {
            let (sheet, _, _) = d.as_ref()?.active_sheet()?;
            model.with_untracked(|gm| {
                let gm = gm.as_ref()?;
                results.with_untracked(|res| {
                    Some(fit_widths(gm, sheet, res.as_ref().map(|l| &l.results), &m))
                })
            })
        })
        .unwrap_or_default()
    });
    let fitted = Memo::new(move |_| {
        let mut w = sheet_fit.get();
        let m = metrics.get();
        // The rows on screen when the plan changed (an edit): a scroll alone does not refit, it
        // costs nothing more (a wider number further down shows ###, its value on hover).
        let rows: Vec<usize> = body
            .with(|b| b.runs(window_rows.get_untracked()))
            .into_iter()
            .flatten()
            .collect();
        doc.with(|d| {
            let (sheet, _, _) = d.as_ref()?.active_sheet()?;
            model.with(|gm| {
                let gm = gm.as_ref()?;
                results.with(|res| {
                    let res = res.as_ref().map(|l| &l.results);
                    grow_widths(&mut w, gm, sheet, res, &rows, &m);
                    Some(())
                })
            })
        });
        w
    });
    let widths = Memo::new(move |_| {
        let sheet = doc.with(|d| d.as_ref().map(|d| d.active).unwrap_or(0));
        let mut w = fitted.get();
        user_widths.with(|u| {
            for (&(s, c), &px) in u {
                if let (true, Some(slot)) = (s == sheet, w.get_mut(c)) {
                    *slot = px;
                }
            }
        });
        w
    });
    Effect::new(move |_| {
        model.track();
        printing.track();
        // Header rows wrap differently when their columns change width.
        widths.track();
        request_animation_frame(measure_head);
    });

    let with_sheet = move |f: &dyn Fn(&crate::table::grid::Sheet, &GridModel) -> Option<String>| {
        doc.with_untracked(|d| {
            let (sheet, _, _) = d.as_ref()?.active_sheet()?;
            model.with_untracked(|m| f(sheet, m.as_ref()?))
        })
    };
    let sheet_index = move || {
        doc.with_untracked(|d| d.as_ref().map(|d| d.active))
            .unwrap_or(0)
    };
    let bounds = move || {
        model
            .with_untracked(|m| m.as_ref().map(|m| (m.body_start, m.rows, m.width())))
            .unwrap_or((0, 0, 0))
    };
    let focus_grid = move || {
        if let Some(el) = wrap.get_untracked() {
            let _ = el.focus();
        }
    };
    // Keeps the active cell in view after keyboard moves and find: below the sticky header
    // rows and right of the frozen columns.
    let scroll_into_view = move |(row, col): Pos, center: bool| {
        let Some(el) = wrap.get_untracked() else {
            return;
        };
        if let Some(index) = body.with_untracked(|b| b.index_of(row)) {
            // Body rows sit below the title rows, which scroll away, and under the sticky rows.
            let head = sticky_h.get_untracked();
            let y = index as f64 * ROW_H + title_h.get_untracked();
            let top = el.scroll_top() as f64;
            let height = f64::from(el.client_height()) - head;
            let outside = y < top || y + ROW_H > top + height;
            if outside && center {
                // A jump (find): the row in the middle of the view, as Excel does.
                el.set_scroll_top((y - (height - ROW_H) / 2.0).max(0.0) as i32);
            } else if y < top {
                el.set_scroll_top(y as i32);
            } else if y + ROW_H > top + height {
                el.set_scroll_top((y + ROW_H - height) as i32);
            }
        }
        let (head_w, frozen) = model.with_untracked(|m| {
            m.as_ref()
                .map(|m| (m.row_head_width(), m.frozen))
                .unwrap_or((0, 0))
        });
        if col < frozen {
            // The frozen columns are always in view; the first one (Home, Ctrl+Home) also
            // brings the rest back to the left, as in Excel.
            if col == 0 {
                el.set_scroll_left(0);
            }
            return;
        }
        let (left, right, frozen_w) = widths.with_untracked(|w| {
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
    };
    let go_to = move |pos: Pos, extend: bool, center: bool| {
        let (start, rows, width) = bounds();
        if rows == 0 || width == 0 {
            return;
        }
        let pos = (pos.0.clamp(start, rows - 1), pos.1.min(width - 1));
        set_active.set(Some(pos));
        if !extend {
            set_anchor.set(Some(pos));
        }
        scroll_into_view(pos, center);
    };
    let move_to = move |pos: Pos, extend: bool| go_to(pos, extend, false);
    // Rows a page holds (PageUp / PageDown).
    let page_rows = move || {
        wrap.get_untracked()
            .map(|el| ((f64::from(el.client_height()) - sticky_h.get_untracked()) / ROW_H).floor())
            .unwrap_or(10.0)
            .max(1.0) as usize
    };
    // Where a movement key takes the active cell: over the rows shown (a filter hides some).
    let nav_step = move |mv: Move, from: Pos| -> Option<Pos> {
        let page = page_rows();
        body.with_untracked(|shown| {
            // From a row no longer shown: from the first shown row after it.
            let index = shown.index_of(from.0).unwrap_or_else(|| {
                (0..shown.len())
                    .find(|&i| shown.row(i).is_some_and(|r| r > from.0))
                    .unwrap_or(0)
            });
            doc.with_untracked(|d| {
                let (sheet, _, _) = d.as_ref()?.active_sheet()?;
                model.with_untracked(|m| {
                    let m = m.as_ref()?;
                    results.with_untracked(|res| {
                        let res = res.as_ref().map(|l| &l.results);
                        let b = Bounds {
                            first_row: 0,
                            rows: shown.len(),
                            cols: m.width(),
                            page,
                        };
                        let blank =
                            |i: usize, c| shown.row(i).is_none_or(|r| m.is_blank(sheet, res, r, c));
                        let (i, c) = step(mv, (index, from.1), &b, blank);
                        Some((shown.row(i)?, c))
                    })
                })
            })
        })
    };
    // The first body row in view, for an active cell when the grid gets focus.
    let first_in_view = move || -> Pos {
        let first = ((scroll_top.get_untracked() - title_h.get_untracked()) / ROW_H)
            .ceil()
            .max(0.0) as usize;
        let row = body.with_untracked(|b| b.row(first).or_else(|| b.row(0)));
        (row.unwrap_or_else(|| bounds().0), 0)
    };
    // Enter and Tab: the next shown row, the next column.
    let move_down = move |(r, c): Pos| {
        if let Some(pos) = nav_step(Move::Down, (r, c)) {
            move_to(pos, false);
        }
    };
    let commit = move |text: String| {
        if let Some((row, col)) = active.get_untracked() {
            on_edit.run(Edit::Cell {
                sheet: sheet_index(),
                row,
                col,
                raw: typed_cell(&text),
                typed: true,
            });
        }
        set_editing.set(None);
    };
    let start_editing = move |initial: Option<String>| {
        let Some((row, col)) = active.get_untracked() else {
            return;
        };
        let text = initial.unwrap_or_else(|| {
            with_sheet(&|sheet, m| {
                Some(results.with_untracked(|res| {
                    m.text(sheet, res.as_ref().map(|l| &l.results), row, col)
                }))
            })
            .unwrap_or_default()
        });
        set_editing.set(Some(text));
        request_animation_frame(move || {
            if let Some(input) = editor.get_untracked() {
                let _ = input.focus();
            }
        });
    };
    let selection_tsv = move || -> Option<String> {
        let (a, b) = (anchor.get_untracked()?, active.get_untracked()?);
        with_sheet(&|sheet, m| {
            let lines: Vec<String> = (a.0.min(b.0)..=a.0.max(b.0))
                .filter(|&r| r < m.body_start || body.with_untracked(|b| b.index_of(r).is_some()))
                .map(|r| {
                    (a.1.min(b.1)..=a.1.max(b.1))
                        .map(|c| {
                            results
                                .with_untracked(|res| {
                                    m.text(sheet, res.as_ref().map(|l| &l.results), r, c)
                                })
                                .replace(['\t', '\n', '\r'], " ")
                        })
                        .collect::<Vec<_>>()
                        .join("\t")
                })
                .collect();
            Some(lines.join("\r\n"))
        })
    };
    let paste = move |text: &str| {
        let Some((row, col)) = active.get_untracked() else {
            return;
        };
        let sheet = sheet_index();
        let edits: Vec<Edit> = parse_tsv(text)
            .into_iter()
            .enumerate()
            .flat_map(|(dr, cells)| {
                cells
                    .into_iter()
                    .enumerate()
                    .map(move |(dc, value)| Edit::Cell {
                        sheet,
                        row: row + dr,
                        col: col + dc,
                        raw: typed_cell(&value),
                        typed: true,
                    })
            })
            .collect();
        on_edit.run(Edit::Batch(edits));
    };
    let clear_selection = move || {
        let (Some(a), Some(b)) = (anchor.get_untracked(), active.get_untracked()) else {
            return;
        };
        let sheet = sheet_index();
        let edits = (a.0.min(b.0)..=a.0.max(b.0))
            .filter(|&r| body.with_untracked(|b| b.index_of(r).is_some()))
            .flat_map(|r| {
                (a.1.min(b.1)..=a.1.max(b.1)).map(move |c| Edit::Cell {
                    sheet,
                    row: r,
                    col: c,
                    raw: crate::plan::RawCell::Empty,
                    typed: true,
                })
            })
            .collect();
        on_edit.run(Edit::Batch(edits));
    };

    let on_keydown = move |ev: leptos::ev::KeyboardEvent| {
        if let Some(text) = editing.get_untracked() {
            // Keys typed before the editor has focus (it appears a moment after editing
            // starts): the editor's own keys stop at the editor.
            let Some((r, c)) = active.get_untracked() else {
                return;
            };
            let plain = !(ev.ctrl_key() || ev.meta_key() || ev.alt_key());
            match ev.key().as_str() {
                "Escape" => set_editing.set(None),
                "Enter" => {
                    commit(text);
                    move_down((r, c));
                }
                "Tab" => {
                    commit(text);
                    move_to((r, c + 1), false);
                }
                k if plain && k.chars().count() == 1 => set_editing.set(Some(format!("{text}{k}"))),
                _ => return,
            }
            ev.prevent_default();
            return;
        }
        let ctrl = ev.ctrl_key() || ev.meta_key();
        let key = ev.key();
        let shift = ev.shift_key();
        if ctrl {
            match key.as_str() {
                "z" | "Z" if !shift => {
                    on_undo.run(());
                    ev.prevent_default();
                    return;
                }
                "y" | "Y" | "Z" => {
                    on_redo.run(());
                    ev.prevent_default();
                    return;
                }
                _ => {}
            }
        }
        if let Some(mv) = key_move(&key, ctrl) {
            let from = active.get_untracked().unwrap_or_else(first_in_view);
            if let Some(to) = nav_step(mv, from) {
                move_to(to, shift);
            }
            ev.prevent_default();
            return;
        }
        if ctrl {
            // Copy, paste and the rest are the browser's (the copy and paste events follow).
            return;
        }
        let Some((r, c)) = active.get_untracked() else {
            return;
        };
        match key.as_str() {
            "Tab" if shift => move_to((r, c.saturating_sub(1)), false),
            "Tab" => move_to((r, c + 1), false),
            "Enter" => move_down((r, c)),
            "F2" => start_editing(None),
            "Delete" | "Backspace" => clear_selection(),
            k if k.chars().count() == 1 && !ev.alt_key() => start_editing(Some(k.to_string())),
            _ => return,
        }
        ev.prevent_default();
    };
    let on_editor_key = move |ev: leptos::ev::KeyboardEvent| {
        ev.stop_propagation();
        let value = || editing.get_untracked().unwrap_or_default();
        let Some((r, c)) = active.get_untracked() else {
            return;
        };
        match ev.key().as_str() {
            "Enter" => {
                ev.prevent_default();
                commit(value());
                move_down((r, c));
                focus_grid();
            }
            "Tab" => {
                ev.prevent_default();
                commit(value());
                move_to((r, c + 1), false);
                focus_grid();
            }
            "Escape" => {
                ev.prevent_default();
                set_editing.set(None);
                focus_grid();
            }
            _ => {}
        }
    };

    // A drag over the cells with the button held extends the selection (no browser text
    // selection: cells are not selectable text).
    let (resizing, set_resizing) = signal(None::<(usize, i32, u32)>);
    let render_cell = move |cell: GridCell,
                            row: usize,
                            kind: RowKind,
                            frozen_left: Option<u32>,
                            widths: &[u32],
                            m: &Metrics| {
        let pos = (row, cell.col);
        // The cell covers its merged range: the active cell anywhere in it makes it active.
        let span = (
            row + cell.rowspan.max(1) as usize - 1,
            cell.col + cell.colspan.max(1) as usize - 1,
        );
        let is_active = active.get().is_some_and(|p| in_rect(p, pos, span));
        let selected = match (anchor.get(), active.get()) {
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
            _ if printing.get_untracked() => (cell.text.clone(), false),
            _ => fit_text(&cell.text, avail, m),
        };
        let title = (cut || cell.text.contains('\n')).then(|| cell.text.clone());
        let class = format!(
            "{} {}{}{}{}{}{}",
            cell.source.name(),
            status_class(cell.status),
            if cell.bar.is_some() { " bar" } else { "" },
            if selected { " sel" } else { "" },
            if frozen_left.is_some() { " frozen" } else { "" },
            if tall { " tall" } else { "" },
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
        let editor_view = (is_active && editing.get().is_some()).then(|| {
            view! {
                <input
                    class="cell-editor"
                    data-testid="cell-editor"
                    node_ref=editor
                    prop:value=move || editing.get().unwrap_or_default()
                    on:input=move |ev| set_editing.set(Some(event_target_value(&ev)))
                    on:keydown=on_editor_key
                    on:blur=move |_| {
                        if let Some(text) = editing.get_untracked() {
                            commit(text);
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
                aria-selected=(selected || is_active).then_some("true")
                title=title
                class=class
                class:active=is_active
                style=style
                colspan=cell.colspan
                rowspan=cell.rowspan
                on:mousedown=move |ev: leptos::ev::MouseEvent| {
                    if editing.get_untracked().is_some() || ev.button() != 0 {
                        return;
                    }
                    move_to(pos, ev.shift_key());
                    on_select.run(number);
                }
                on:mouseover=move |ev: leptos::ev::MouseEvent| {
                    // Dragging with the button held draws a range.
                    if ev.buttons() == 1
                        && editing.get_untracked().is_none()
                        && resizing.get_untracked().is_none()
                        && active.get_untracked() != Some(pos)
                    {
                        set_active.set(Some(pos));
                    }
                }
                on:dblclick=move |_| start_editing(None)
            >
                {content}
            </td>
        }
    };

    // Left offsets of the frozen columns.
    let frozen_offsets = move || -> Vec<u32> {
        let (head, frozen) = model.with(|m| {
            m.as_ref()
                .map(|m| (m.row_head_width(), m.frozen))
                .unwrap_or((0, 0))
        });
        widths.with(|w| {
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
    };
    let render_rows = move |runs: Vec<std::ops::Range<usize>>| {
        let offsets = frozen_offsets();
        let m = metrics.get();
        let widths = widths.get();
        doc.with(|d| {
            let Some((sheet, _, _)) = d.as_ref().and_then(Doc::active_sheet) else {
                return Vec::new();
            };
            model.with(|gm| {
                let Some(gm) = gm.as_ref() else {
                    return Vec::new();
                };
                runs.into_iter()
                    .flat_map(|range| {
                        results
                            .with(|res| gm.window(sheet, res.as_ref().map(|l| &l.results), range))
                    })
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
                                render_cell(cell, r, row.kind, freeze, &widths, &m)
                            })
                            .collect_view();
                        view! {
                            <tr data-row=row.row class=class>
                                <th class="row-head">{row.row}</th>
                                {cells}
                            </tr>
                        }
                    })
                    .collect::<Vec<_>>()
            })
        })
    };

    // Column borders: drag to resize, double-click to fit every row of the column.
    let set_width = move |col: usize, px: u32| {
        let sheet = sheet_index();
        set_user_widths.update(|u| {
            u.insert((sheet, col), px.clamp(16, 2000));
        });
    };
    let resize_move = window_event_listener(leptos::ev::mousemove, move |ev| {
        if let Some((col, x0, w0)) = resizing.get_untracked() {
            let w = i64::from(w0) + i64::from(ev.client_x() - x0);
            set_width(col, u32::try_from(w.max(16)).unwrap_or(16));
            ev.prevent_default();
        }
    });
    let resize_end = window_event_listener(leptos::ev::mouseup, move |_| {
        if resizing.get_untracked().is_some() {
            set_resizing.set(None);
        }
    });
    let fit_col = move |col: usize| {
        let m = metrics.get_untracked();
        let px = doc.with_untracked(|d| {
            let (sheet, _, _) = d.as_ref()?.active_sheet()?;
            model.with_untracked(|gm| {
                let gm = gm.as_ref()?;
                results.with_untracked(|res| {
                    Some(fit_column(
                        gm,
                        sheet,
                        res.as_ref().map(|l| &l.results),
                        col,
                        &m,
                    ))
                })
            })
        });
        if let Some(px) = px {
            set_width(col, px);
        }
    };

    // Find: Ctrl+F opens the find box; Enter / Shift+Enter go to the next / previous cell that
    // shows the text, over every row (the matches are listed once per query and plan state).
    let (find_open, set_find_open) = signal(false);
    let (find_count, set_find_count) = signal(None::<(usize, usize)>);
    let find_input = NodeRef::<leptos::html::Input>::new();
    let generation = StoredValue::new(0_u64);
    Effect::new(move |_| {
        model.track();
        results.track();
        body.track();
        generation.update_value(|g| *g += 1);
    });
    let find_cache = StoredValue::new((String::new(), 0_u64, Vec::<Pos>::new()));
    let open_find = move || {
        set_find_open.set(true);
        request_animation_frame(move || {
            if let Some(input) = find_input.get_untracked() {
                let _ = input.focus();
                input.select();
            }
        });
    };
    let close_find = move || {
        set_find_open.set(false);
        set_find_count.set(None);
        focus_grid();
    };
    let find_step = move |forward: bool| {
        let query = find_input
            .get_untracked()
            .map(|i| i.value())
            .unwrap_or_default();
        let gen = generation.get_value();
        let stale = find_cache.with_value(|(q, g, _)| *q != query || *g != gen);
        if stale {
            let matches = doc
                .with_untracked(|d| {
                    let (sheet, _, _) = d.as_ref()?.active_sheet()?;
                    model.with_untracked(|gm| {
                        let gm = gm.as_ref()?;
                        results.with_untracked(|res| {
                            let mut found =
                                find_all(gm, sheet, res.as_ref().map(|l| &l.results), &query);
                            // Only the rows a filter leaves.
                            body.with_untracked(|b| {
                                found.retain(|&(r, _)| b.index_of(r).is_some())
                            });
                            Some(found)
                        })
                    })
                })
                .unwrap_or_default();
            find_cache.set_value((query, gen, matches));
        }
        let found = find_cache.with_value(|(_, _, matches)| {
            let i = next_match(matches, active.get_untracked(), forward)?;
            Some((i, matches.len(), *matches.get(i)?))
        });
        match found {
            Some((i, total, pos)) => {
                go_to(pos, false, true);
                set_find_count.set(Some((i + 1, total)));
            }
            None => set_find_count.set(Some((0, 0))),
        }
    };
    let ctrl_f = window_event_listener(leptos::ev::keydown, move |ev| {
        if (ev.ctrl_key() || ev.meta_key()) && !ev.alt_key() && ev.key().eq_ignore_ascii_case("f") {
            ev.prevent_default();
            open_find();
        }
    });
    on_cleanup(move || {
        resize_move.remove();
        resize_end.remove();
        ctrl_f.remove();
    });
    let on_find_key = move |ev: leptos::ev::KeyboardEvent| {
        match ev.key().as_str() {
            "Enter" => find_step(!ev.shift_key()),
            "Escape" => close_find(),
            _ => return,
        }
        ev.prevent_default();
        ev.stop_propagation();
    };

    // 标记表格: the selection's rows are the header band, its left column names the rows.
    let (mark_hint, set_mark_hint) = signal(false);
    let has_table = move || {
        doc.with(|d| {
            d.as_ref()
                .and_then(Doc::active_sheet)
                .is_some_and(|(_, l, _)| l.is_some())
        })
    };
    let on_mark = move |_| {
        let (Some(a), Some(b)) = (anchor.get_untracked(), active.get_untracked()) else {
            set_mark_hint.set(true);
            return;
        };
        set_mark_hint.set(false);
        let marked = doc.with_untracked(|d| {
            let d = d.as_ref()?;
            let (sheet, _, _) = d.active_sheet()?;
            Some((d.active, mark_table(sheet, a, b)))
        });
        if let Some((sheet, layout)) = marked {
            on_edit.run(Edit::Layout {
                sheet,
                layout: Box::new(layout),
            });
        }
    };
    // A column's filter: its values with counts, ticked ones kept (AutoFilter). The menu opens
    // at the header's button; OK applies, Esc or Cancel leaves the filter as it was.
    let (filter_menu, set_filter_menu) = signal(None::<(usize, i32, i32)>);
    let (menu_values, set_menu_values) = signal(Vec::<(String, usize)>::new());
    let (menu_kept, set_menu_kept) = signal(std::collections::BTreeSet::<String>::new());
    let menu_ref = NodeRef::<leptos::html::Div>::new();
    let open_filter = move |c: usize, x: i32, y: i32| {
        let values = doc
            .with_untracked(|d| {
                let (sheet, _, _) = d.as_ref()?.active_sheet()?;
                model.with_untracked(|gm| {
                    let gm = gm.as_ref()?;
                    results.with_untracked(|res| {
                        Some(column_values(
                            gm,
                            sheet,
                            res.as_ref().map(|l| &l.results),
                            c,
                        ))
                    })
                })
            })
            .unwrap_or_default();
        let kept = active_filters.with_untracked(|f| {
            f.get(&c)
                .cloned()
                .unwrap_or_else(|| values.iter().map(|(v, _)| v.clone()).collect())
        });
        set_menu_values.set(values);
        set_menu_kept.set(kept);
        let right = window()
            .inner_width()
            .ok()
            .and_then(|w| w.as_f64())
            .unwrap_or(1366.0) as i32;
        set_filter_menu.set(Some((c, x.min(right - 290).max(0), y)));
        // The menu takes the keyboard (Esc, Enter).
        request_animation_frame(move || {
            if let Some(el) = menu_ref.get_untracked() {
                let _ = el.focus();
            }
        });
    };
    let set_filter = move |c: usize, kept: Option<std::collections::BTreeSet<String>>| {
        let sheet = sheet_index();
        set_filters.update(|(s, f)| {
            if *s != sheet {
                *s = sheet;
                f.clear();
            }
            match kept {
                Some(kept) => f.insert(c, kept),
                None => f.remove(&c),
            };
        });
        set_filter_menu.set(None);
        // The active cell may be hidden now: the first row shown.
        set_active.set(None);
        set_anchor.set(None);
        if let Some(el) = wrap.get_untracked() {
            el.set_scroll_top(0);
        }
    };
    let apply_filter = move || {
        let Some((c, _, _)) = filter_menu.get_untracked() else {
            return;
        };
        let kept = menu_kept.get_untracked();
        let all = menu_values.with_untracked(|v| v.iter().all(|(v, _)| kept.contains(v)));
        set_filter(c, (!all).then_some(kept));
    };
    let filter_view = move || {
        let (c, x, y) = filter_menu.get()?;
        let g = grid_texts(lang.get());
        let all =
            move || menu_kept.with(|k| menu_values.with(|v| v.iter().all(|(v, _)| k.contains(v))));
        let items = menu_values
            .get()
            .into_iter()
            .map(|(value, count)| {
                let label = if value.is_empty() {
                    g.filter_blank.to_string()
                } else {
                    value.clone()
                };
                let key = value.clone();
                let checked = move || menu_kept.with(|k| k.contains(&key));
                let toggle = move |_| {
                    set_menu_kept.update(|k| {
                        if !k.remove(&value) {
                            k.insert(value.clone());
                        }
                    })
                };
                view! {
                    <label class="filter-item">
                        <input
                            type="checkbox"
                            data-testid="filter-value"
                            data-value=label.clone()
                            prop:checked=checked
                            on:change=toggle
                        />
                        <span class="filter-label">{label}</span>
                        <span class="filter-n">{count}</span>
                    </label>
                }
            })
            .collect_view();
        Some(view! {
            <div
                class="filter-menu"
                data-testid="filter-menu"
                data-col=col_letters(c)
                node_ref=menu_ref
                tabindex="-1"
                role="dialog"
                style=format!("left:{x}px;top:{y}px")
                on:keydown=move |ev: leptos::ev::KeyboardEvent| {
                    match ev.key().as_str() {
                        "Escape" => {
                            set_filter_menu.set(None);
                            focus_grid();
                        }
                        "Enter" => apply_filter(),
                        _ => return,
                    }
                    ev.prevent_default();
                    ev.stop_propagation();
                }
            >
                <div class="filter-head">{format!("{} {}", g.filter, col_letters(c))}</div>
                <label class="filter-item filter-all">
                    <input
                        type="checkbox"
                        data-testid="filter-all"
                        prop:checked=all
                        on:change=move |_| {
                            if all() {
                                set_menu_kept.set(Default::default());
                            } else {
                                set_menu_kept.set(menu_values.with_untracked(|v| v.iter().map(|(v, _)| v.clone()).collect()));
                            }
                        }
                    />
                    <span class="filter-label">{g.filter_all}</span>
                </label>
                <div class="filter-list">{items}</div>
                <div class="filter-actions">
                    <button class="button primary" data-testid="filter-apply" on:click=move |_| apply_filter()>{g.filter_apply}</button>
                    <button class="button" data-testid="filter-clear" on:click=move |_| set_filter(c, None)>{g.filter_clear}</button>
                    <button class="button ghost" data-testid="filter-cancel" on:click=move |_| set_filter_menu.set(None)>{g.filter_cancel}</button>
                </div>
            </div>
        })
    };
    // A click outside the open menu closes it.
    let menu_outside = window_event_listener(leptos::ev::mousedown, move |ev| {
        if filter_menu.get_untracked().is_none() {
            return;
        }
        let inside = ev
            .target()
            .and_then(|t| wasm_bindgen::JsCast::dyn_into::<web_sys::Element>(t).ok())
            .and_then(|el| el.closest(".filter-menu, .col-filter").ok().flatten())
            .is_some();
        if !inside {
            set_filter_menu.set(None);
        }
    });
    on_cleanup(move || menu_outside.remove());
    // Rows of the table the filters leave, of all its rows.
    let filter_status = move || {
        if active_filters.with(Filters::is_empty) {
            return None;
        }
        let (start, last) = model.with(|m| m.as_ref().map(|m| (m.body_start, m.data_last)))?;
        let total = last + 1 - start.min(last + 1);
        let shown = body.with(|b| match b {
            BodyRows::All(_) => total,
            BodyRows::Some(rows) => rows.iter().filter(|&&r| r <= last).count(),
        });
        Some((shown, total))
    };

    // A column header's menu: what this column is.
    let column_menu = move |c: usize| {
        let (layout_key, has_layout) = doc.with(|d| {
            let layout = d
                .as_ref()
                .and_then(Doc::active_sheet)
                .and_then(|(_, l, _)| l);
            let role = layout
                .and_then(|l| l.columns.iter().find(|k| k.col == c))
                .map(|k| k.role);
            (role_key(role), layout.is_some())
        });
        if !has_layout {
            return None;
        }
        let l = lang.get();
        let on_change = move |ev: leptos::ev::Event| {
            let key = event_target_value(&ev);
            let next = doc.with_untracked(|d| {
                let d = d.as_ref()?;
                let (sheet, layout, _) = d.active_sheet()?;
                Some((d.active, with_role_key(sheet, layout?, c, &key)?))
            });
            if let Some((sheet, layout)) = next {
                on_edit.run(Edit::Layout {
                    sheet,
                    layout: Box::new(layout),
                });
            }
        };
        Some(view! {
            <select
                class="col-role"
                data-testid="col-role"
                data-col=col_letters(c)
                title=layout_texts(l).col_menu
                on:change=on_change
                on:mousedown=|ev: leptos::ev::MouseEvent| ev.stop_propagation()
            >
                {ROLES
                    .iter()
                    .map(|(k, zh, en)| {
                        let label = if l == Lang::Zh { *zh } else { *en };
                        view! { <option value=*k selected=*k == layout_key>{label}</option> }
                    })
                    .collect_view()}
            </select>
        })
    };

    view! {
        <div class="sheet-pane">
        <div class="sheet-bar" data-testid="sheet-bar">
            <Show when=move || !has_table()>
                <span class="no-table" data-testid="no-table-note">
                    {move || layout_texts(lang.get()).no_table}" "{move || layout_texts(lang.get()).looked_for}
                </span>
            </Show>
            <button
                class="button"
                data-testid="mark-table"
                title=move || layout_texts(lang.get()).mark_title
                on:mousedown=|ev: leptos::ev::MouseEvent| ev.prevent_default()
                on:click=on_mark
            >
                {move || layout_texts(lang.get()).mark}
            </button>
            <Show when=move || mark_hint.get()>
                <span class="muted" data-testid="mark-hint">{move || layout_texts(lang.get()).mark_hint}</span>
            </Show>
            {move || {
                filter_status().map(|(shown, total)| {
                    let g = grid_texts(lang.get());
                    view! {
                        <span class="filter-status" data-testid="filter-status">
                            {format!("{} {shown} / {total} {}", g.filter_shown, g.filter_rows)}
                        </span>
                        <button
                            class="button"
                            data-testid="filter-clear-all"
                            on:click=move |_| {
                                set_filters.set((sheet_index(), Filters::new()));
                                set_active.set(None);
                                set_anchor.set(None);
                            }
                        >
                            {g.filter_clear_all}
                        </button>
                    }
                })
            }}
            <Show when=move || find_open.get()>
                <div class="find-bar" data-testid="find-bar" role="search">
                    <input
                        type="search"
                        class="find-input"
                        data-testid="find-box"
                        node_ref=find_input
                        placeholder=move || grid_texts(lang.get()).find_placeholder
                        aria-label=move || grid_texts(lang.get()).find_placeholder
                        on:keydown=on_find_key
                        on:input=move |_| set_find_count.set(None)
                    />
                    <span class="find-count" data-testid="find-count" aria-live="polite">
                        {move || match find_count.get() {
                            Some((0, _)) => grid_texts(lang.get()).find_none.to_string(),
                            Some((i, n)) => format!("{i}/{n}"),
                            None => String::new(),
                        }}
                    </span>
                    <button
                        class="button ghost"
                        data-testid="find-prev"
                        title=move || grid_texts(lang.get()).find_prev
                        on:click=move |_| find_step(false)
                    >"↑"</button>
                    <button
                        class="button ghost"
                        data-testid="find-next"
                        title=move || grid_texts(lang.get()).find_next
                        on:click=move |_| find_step(true)
                    >"↓"</button>
                    <button
                        class="button ghost"
                        data-testid="find-close"
                        title=move || grid_texts(lang.get()).find_close
                        on:click=move |_| close_find()
                    >"×"</button>
                </div>
            </Show>
            <span class="measure" aria-hidden="true">
                <span node_ref=measure_digits>"00000000000000000000"</span>
                <span node_ref=measure_wide>"中中中中中中中中中中中中中中中中中中中中"</span>
            </span>
        </div>
        <div
            class="grid-wrap"
            node_ref=wrap
            tabindex="0"
            aria-label=move || grid_texts(lang.get()).grid_label
            data-testid="grid-scroll"
            data-body-start=move || model.with(|m| m.as_ref().map(|m| m.body_start).unwrap_or(0))
            on:scroll=move |_| {
                if let Some(el) = wrap.get_untracked() {
                    set_scroll_top.set(f64::from(el.scroll_top()));
                    set_view_h.set(f64::from(el.client_height()));
                }
            }
            on:keydown=on_keydown
            on:focus=move |_| {
                // An active cell as soon as the grid has focus.
                if active.get_untracked().is_none() {
                    move_to(first_in_view(), false);
                }
            }
            on:copy=move |ev: leptos::ev::ClipboardEvent| {
                if editing.get_untracked().is_some() {
                    return;
                }
                if let (Some(text), Some(data)) = (selection_tsv(), ev.clipboard_data()) {
                    let _ = data.set_data("text/plain", &text);
                    ev.prevent_default();
                }
            }
            on:paste=move |ev: leptos::ev::ClipboardEvent| {
                if editing.get_untracked().is_some() {
                    return;
                }
                if let Some(text) = ev.clipboard_data().and_then(|d| d.get_data("text/plain").ok()) {
                    paste(&text);
                    ev.prevent_default();
                }
            }
        >
            <table
                class="grid"
                data-testid="sheet-grid"
                // A table in the grid role: its cells are grid cells (aria-selected).
                role="grid"
                aria-multiselectable="true"
                class:resizing=move || resizing.get().is_some()
                style=move || {
                    let head = model.with(|m| m.as_ref().map(GridModel::row_head_width).unwrap_or(0));
                    format!("width:{}px", widths.with(|w| w.iter().sum::<u32>()) + head)
                }
            >
                <colgroup>
                    <col style=move || {
                        format!("width:{}px", model.with(|m| m.as_ref().map(GridModel::row_head_width).unwrap_or(36)))
                    } />
                    {move || {
                        widths
                            .get()
                            .into_iter()
                            .map(|w| view! { <col style=format!("width:{w}px") /> })
                            .collect_view()
                    }}
                </colgroup>
                <thead>
                    <tr class="letters">
                        <th class="corner"></th>
                        {move || {
                            let width = model.with(|m| m.as_ref().map(GridModel::width).unwrap_or(0));
                            // The letters of the frozen columns stay with them.
                            let offsets = frozen_offsets();
                            (0..width)
                                .map(|c| view! {
                                    <th
                                        class="col-head"
                                        class:frozen=c < offsets.len()
                                        style=offsets.get(c).map(|left| format!("left:{left}px"))
                                        data-col=col_letters(c)
                                    >
                                        <span class="col-letter">{col_letters(c)}</span>
                                        {(width <= 256).then(|| column_menu(c))}
                                        <button
                                            class="col-filter"
                                            data-testid="col-filter"
                                            data-col=col_letters(c)
                                            class:on=move || active_filters.with(|f| f.contains_key(&c))
                                            title=move || grid_texts(lang.get()).filter
                                            on:mousedown=|ev: leptos::ev::MouseEvent| ev.stop_propagation()
                                            on:click=move |ev: leptos::ev::MouseEvent| {
                                                ev.stop_propagation();
                                                open_filter(c, ev.client_x() - 10, ev.client_y() + 12);
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
                                            title=move || grid_texts(lang.get()).resize
                                            on:mousedown=move |ev: leptos::ev::MouseEvent| {
                                                ev.prevent_default();
                                                ev.stop_propagation();
                                                let w = widths.with_untracked(|w| w.get(c).copied().unwrap_or(0));
                                                set_resizing.set(Some((c, ev.client_x(), w)));
                                            }
                                            on:dblclick=move |ev: leptos::ev::MouseEvent| {
                                                ev.stop_propagation();
                                                fit_col(c);
                                            }
                                        ></span>
                                    </th>
                                })
                                .collect_view()
                        }}
                    </tr>
                    {move || {
                        let end = model.with(|m| m.as_ref().map(|m| m.body_start).unwrap_or(0));
                        render_rows(std::iter::once(0..end).collect())
                    }}
                </thead>
                <tbody>
                    <tr class="spacer" style=move || {
                        format!("height:{}px", window_rows.get().start as f64 * ROW_H)
                    }></tr>
                    {move || render_rows(body.with(|b| b.runs(window_rows.get())))}
                    <tr class="spacer" style=move || {
                        let rows = body.with(BodyRows::len);
                        format!("height:{}px", rows.saturating_sub(window_rows.get().end) as f64 * ROW_H)
                    }></tr>
                </tbody>
            </table>
        </div>
        {filter_view}
        </div>
    }
}
