//! The spreadsheet grid: the source sheet with computed cells marked, virtualised (only the
//! rows in view are in the DOM), with a frozen header and frozen first columns, keyboard
//! navigation and editing, and copy/paste of rectangular ranges as tab-separated text.

use super::i18n::{layout_texts, ROLES};
use super::state::{
    mark_table, parse_tsv, role_key, status_class, typed_cell, with_role_key, Doc, Edit, GridCell,
    GridModel, Live, RowKind,
};
use crate::error::Lang;
use crate::table::grid::col_letters;
use leptos::prelude::*;

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
    Effect::new(move |_| {
        model.track();
        printing.track();
        request_animation_frame(measure_head);
    });

    // The body rows in view, as a range of sheet rows; a memo so scrolling within a row does
    // not re-render.
    let window_rows = Memo::new(move |_| {
        let Some((start, rows)) = model.with(|m| m.as_ref().map(|m| (m.body_start, m.rows))) else {
            return 0..0;
        };
        if printing.get() {
            return start..rows;
        }
        let first = ((scroll_top.get() - title_h.get()) / ROW_H)
            .floor()
            .max(0.0) as usize;
        let visible = (view_h.get() / ROW_H).ceil() as usize;
        let from = (start + first).saturating_sub(OVERSCAN).max(start);
        let to = (start + first + visible + OVERSCAN).min(rows);
        from..to.max(from)
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
    // Keeps the active row in view after keyboard moves.
    let scroll_into_view = move |row: usize| {
        let Some(el) = wrap.get_untracked() else {
            return;
        };
        let (start, _, _) = bounds();
        if row < start {
            return;
        }
        // Body rows sit below the title rows, which scroll away, and under the sticky rows.
        let head = sticky_h.get_untracked();
        let y = (row - start) as f64 * ROW_H + title_h.get_untracked();
        let top = el.scroll_top() as f64;
        let height = f64::from(el.client_height()) - head;
        if y < top {
            el.set_scroll_top(y as i32);
        } else if y + ROW_H > top + height {
            el.set_scroll_top((y + ROW_H - height) as i32);
        }
    };
    let move_to = move |pos: Pos, extend: bool| {
        let (start, rows, width) = bounds();
        if rows == 0 || width == 0 {
            return;
        }
        let pos = (pos.0.clamp(start, rows - 1), pos.1.min(width - 1));
        set_active.set(Some(pos));
        if !extend {
            set_anchor.set(Some(pos));
        }
        scroll_into_view(pos.0);
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
                    move_to((r + 1, c), false);
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
        match (ctrl, key.as_str()) {
            (true, "z") | (true, "Z") if !ev.shift_key() => on_undo.run(()),
            (true, "y") | (true, "Y") | (true, "Z") => on_redo.run(()),
            (true, _) => return,
            _ => {
                let Some((r, c)) = active.get_untracked() else {
                    return;
                };
                let extend = ev.shift_key();
                match key.as_str() {
                    "ArrowUp" => move_to((r.saturating_sub(1), c), extend),
                    "ArrowDown" => move_to((r + 1, c), extend),
                    "ArrowLeft" => move_to((r, c.saturating_sub(1)), extend),
                    "ArrowRight" => move_to((r, c + 1), extend),
                    "Tab" if extend => move_to((r, c.saturating_sub(1)), false),
                    "Tab" => move_to((r, c + 1), false),
                    "Enter" => move_to((r + 1, c), false),
                    "F2" => start_editing(None),
                    "Delete" | "Backspace" => clear_selection(),
                    k if k.chars().count() == 1 && !ev.alt_key() => {
                        start_editing(Some(k.to_string()))
                    }
                    _ => return,
                }
            }
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
                move_to((r + 1, c), false);
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

    let render_cell = move |cell: GridCell, row: usize, frozen_left: Option<u32>| {
        let pos = (row, cell.col);
        let is_active = active.get() == Some(pos);
        let selected = match (anchor.get(), active.get()) {
            (Some(a), Some(b)) => in_rect(pos, a, b),
            _ => false,
        };
        let class = format!(
            "{} {}{}{}{}",
            cell.source.name(),
            status_class(cell.status),
            if cell.bar.is_some() { " bar" } else { "" },
            if selected { " sel" } else { "" },
            if frozen_left.is_some() { " frozen" } else { "" },
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
        view! {
            <td
                data-testid="grid-cell"
                data-row=number
                data-col=letters
                data-source=cell.source.name()
                class=class
                class:active=is_active
                style=style
                colspan=cell.colspan
                rowspan=cell.rowspan
                on:mousedown=move |ev: leptos::ev::MouseEvent| {
                    if editing.get_untracked().is_some() {
                        return;
                    }
                    move_to(pos, ev.shift_key());
                    on_select.run(number);
                }
                on:dblclick=move |_| start_editing(None)
            >
                {editor_view.map(IntoAny::into_any).unwrap_or_else(|| cell.text.clone().into_any())}
            </td>
        }
    };

    // Left offsets of the frozen columns.
    let frozen_offsets = move || -> Vec<u32> {
        model.with(|m| {
            m.as_ref()
                .map(|m| {
                    let mut left = m.row_head_width();
                    m.widths
                        .iter()
                        .take(m.frozen)
                        .map(|w| {
                            let here = left;
                            left += w;
                            here
                        })
                        .collect()
                })
                .unwrap_or_default()
        })
    };
    let render_rows = move |range: std::ops::Range<usize>| {
        let offsets = frozen_offsets();
        doc.with(|d| {
            let Some((sheet, _, _)) = d.as_ref().and_then(Doc::active_sheet) else {
                return Vec::new();
            };
            model.with(|m| {
                let Some(m) = m.as_ref() else {
                    return Vec::new();
                };
                results
                    .with(|res| m.window(sheet, res.as_ref().map(|l| &l.results), range))
                    .into_iter()
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
                                render_cell(cell, r, freeze)
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
        </div>
        <div
            class="grid-wrap"
            node_ref=wrap
            tabindex="0"
            data-testid="grid-scroll"
            data-body-start=move || model.with(|m| m.as_ref().map(|m| m.body_start).unwrap_or(0))
            on:scroll=move |_| {
                if let Some(el) = wrap.get_untracked() {
                    set_scroll_top.set(f64::from(el.scroll_top()));
                    set_view_h.set(f64::from(el.client_height()));
                }
            }
            on:keydown=on_keydown
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
                style=move || {
                    let total: u32 = model.with(|m| {
                        m.as_ref().map(|m| m.widths.iter().sum::<u32>() + m.row_head_width()).unwrap_or(0)
                    });
                    format!("width:{total}px")
                }
            >
                <colgroup>
                    <col style=move || {
                        format!("width:{}px", model.with(|m| m.as_ref().map(GridModel::row_head_width).unwrap_or(36)))
                    } />
                    {move || {
                        model.with(|m| {
                            m.as_ref()
                                .map(|m| m.widths.clone())
                                .unwrap_or_default()
                                .into_iter()
                                .map(|w| view! { <col style=format!("width:{w}px") /> })
                                .collect_view()
                        })
                    }}
                </colgroup>
                <thead>
                    <tr class="letters">
                        <th class="corner"></th>
                        {move || {
                            let width = model.with(|m| m.as_ref().map(GridModel::width).unwrap_or(0));
                            (0..width)
                                .map(|c| view! {
                                    <th class="col-head">
                                        <span class="col-letter">{col_letters(c)}</span>
                                        {(width <= 256).then(|| column_menu(c))}
                                    </th>
                                })
                                .collect_view()
                        }}
                    </tr>
                    {move || {
                        let end = model.with(|m| m.as_ref().map(|m| m.body_start).unwrap_or(0));
                        render_rows(0..end)
                    }}
                </thead>
                <tbody>
                    <tr class="spacer" style=move || {
                        let start = model.with(|m| m.as_ref().map(|m| m.body_start).unwrap_or(0));
                        format!("height:{}px", (window_rows.get().start - start) as f64 * ROW_H)
                    }></tr>
                    {move || render_rows(window_rows.get())}
                    <tr class="spacer" style=move || {
                        let rows = model.with(|m| m.as_ref().map(|m| m.rows).unwrap_or(0));
                        format!("height:{}px", rows.saturating_sub(window_rows.get().end) as f64 * ROW_H)
                    }></tr>
                </tbody>
            </table>
        </div>
        </div>
    }
}
