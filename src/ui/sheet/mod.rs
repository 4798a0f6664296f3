//! The spreadsheet grid: the source sheet with computed cells marked, virtualised (only the
//! rows in view are in the DOM), with a frozen header and frozen first columns, keyboard
//! navigation and editing, copy/paste of rectangular ranges as tab-separated text, columns
//! fitted to their content and resizable, find over every row and filters from the headers.
//!
//! What goes where is decided in plain Rust ([`super::state::widths`], [`super::state::nav`],
//! [`super::state::find`], [`super::state::filter`]); these files render it and forward events:
//! [`ctx`] the shared state and the active cell's moves, [`cells`] the rows and cells,
//! [`keyboard`] keys and clipboard, [`widths`] column widths, [`find`] the find box, [`filter`]
//! the header menus. Nothing here touches `web_sys` (that is [`super::browser`]).

mod canvas;
mod cells;
mod ctx;
mod filter;
mod find;
mod hold;
mod keyboard;
mod units;
pub use units::CountedUnits;
mod widths;

use super::browser;
use super::i18n::{grid_texts, layout_texts};
use super::state::filter::{own_unit, unit_rows, visible_rows_of, BodyRows, Filters};
use super::state::grid::{moved_columns, ColumnKey};
use super::state::paint::window_range;
use super::state::widths::Metrics;
use super::state::{mark_table, Doc, Edit, GridModel, Live};
use crate::error::Lang;
use ctx::{Grid, ROW_H};
use filter::{filter_status, FilterMenu};
use leptos::prelude::*;

pub use hold::GridHold;

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
    /// Filters and widths kept while another view shows; rows other views ask for.
    hold: GridHold,
    /// A unit to show the rows of when the grid opens (a missing unit clicked in the 汇总情况
    /// view); taken once.
    #[prop(optional)]
    unit_request: Option<RwSignal<Option<String>>>,
) -> impl IntoView {
    let model = Memo::new(move |_| {
        doc.with(|d| {
            let d = d.as_ref()?;
            let (sheet, layout, plan) = d.active_sheet()?;
            Some(GridModel::new(sheet, layout, plan, &d.typed_cells()).in_lang(lang.get()))
        })
    });
    let file_name = Memo::new(move |_| doc.with(|d| d.as_ref().map(|d| d.file_name.clone())));
    let first_screen = super::first_screen::current();
    // Filters by sheet and the unit filter (责任单位), kept while another view shows: a new
    // file starts unfiltered, except a unit's own copy, which opens on that unit's rows.
    let (filters, unit, user_widths) = (hold.filters, hold.unit, hold.user_widths);
    Effect::new(move |_| {
        let requested = unit_request.and_then(|r| r.try_update_untracked(Option::take).flatten());
        let unit_of = |requested: Option<&String>| {
            doc.with_untracked(|d| {
                let d = d.as_ref()?;
                let sheet = d.imported.sheets.get(d.active)?;
                match requested {
                    Some(u) => super::state::returns::unit_filter_of(sheet, u),
                    None => own_unit(sheet),
                }
            })
        };
        hold.keep_for(file_name.get(), || unit_of(None));
        // A unit asked for (a missing unit clicked in 汇总情况) replaces the held one.
        if requested.is_some() {
            unit.set(unit_of(requested.as_ref()));
        }
    });
    // Filters and widths are kept by display column: they follow their columns when
    // completion columns come or go (the first actual of a year typed, or the last deleted).
    let shown_columns = StoredValue::new(None::<(usize, Vec<ColumnKey>)>);
    Effect::new(move |_| {
        let now = model.with(|m| m.as_ref().map(GridModel::column_keys));
        let sheet = doc.with_untracked(|d| d.as_ref().map_or(0, |d| d.active));
        let before = shown_columns.get_value();
        shown_columns.set_value(now.clone().map(|keys| (sheet, keys)));
        let (Some((was, before)), Some(now)) = (before, now) else {
            return;
        };
        let Some(moved) = (was == sheet)
            .then(|| moved_columns(&before, &now))
            .flatten()
        else {
            return;
        };
        filters.update(|(s, f)| {
            if *s == sheet {
                *f = std::mem::take(f)
                    .into_iter()
                    .filter_map(|(c, keep)| Some((*moved.get(&c)?, keep)))
                    .collect();
            }
        });
        user_widths.update(|u| {
            *u = std::mem::take(u)
                .into_iter()
                .filter_map(|((s, c), w)| match s == sheet {
                    true => Some(((s, *moved.get(&c)?), w)),
                    false => Some(((s, c), w)),
                })
                .collect();
        });
    });
    let unit_only = Memo::new(move |_| {
        let (name, lead_only) = unit.get()?;
        doc.with(|d| {
            let (_, _, plan) = d.as_ref()?.active_sheet()?;
            Some(unit_rows(plan?, &name, lead_only))
        })
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
                            unit_only.with(|only| {
                                Some(visible_rows_of(
                                    gm,
                                    sheet,
                                    res.as_ref().map(|l| &l.results),
                                    f,
                                    only.as_ref(),
                                ))
                            })
                        })
                    })
                })
            })
            .unwrap_or_default()
    });
    let scroll_top = RwSignal::new(0.0_f64);
    let view_h = RwSignal::new(browser::window_height().unwrap_or(900.0));
    let title_h = RwSignal::new(0.0_f64);
    let sticky_h = RwSignal::new(0.0_f64);
    // The body rows in view, as a range of indices into `body`; a memo so scrolling within a
    // row does not re-render.
    let window_rows = Memo::new(move |_| {
        let rows = body.with(BodyRows::len);
        if printing.get() {
            return 0..rows;
        }
        window_range(scroll_top.get() - title_h.get(), view_h.get(), rows)
    });
    // The font's digit and CJK widths, measured once per page at start-up (no layout here).
    let metrics = RwSignal::new(
        browser::font_widths()
            .map(|(digit, wide)| Metrics::measured(digit, wide))
            .unwrap_or_default(),
    );
    // Widths the user dragged or double-clicked (in `hold`); a new file starts fitted.
    let widths = widths::column_widths(widths::Inputs {
        doc,
        results,
        model,
        file_name,
        body,
        window_rows,
        metrics,
        user_widths,
    });
    let active = RwSignal::new(None::<ctx::Pos>);
    let anchor = RwSignal::new(None::<ctx::Pos>);
    let editing = RwSignal::new(None::<String>);
    let sel = Memo::new(move |_| anchor.get().zip(active.get()));
    let edit_at = Memo::new(move |_| {
        editing
            .with(Option::is_some)
            .then(|| active.get())
            .flatten()
    });
    let shape = Memo::new(move |_| {
        (
            widths.get(),
            metrics.get(),
            lang.get(),
            printing.get(),
            model.with(|m| m.as_ref().map(|m| (m.frozen, m.row_head_width()))),
        )
    });
    let look = Memo::new(move |n: Option<&u64>| {
        // Read, not only tracked: `track` alone would leave `shape` uncomputed, so it would
        // never hear of the widths changing.
        shape.with(|_| ());
        n.map_or(0, |n| n.wrapping_add(1))
    });
    let g = Grid {
        doc,
        results,
        lang,
        printing,
        on_select,
        on_edit,
        on_undo,
        on_redo,
        model,
        filters,
        active_filters,
        body,
        metrics,
        user_widths,
        widths,
        resizing: RwSignal::new(None),
        scroll_top,
        view_h,
        title_h,
        sticky_h,
        active,
        anchor,
        editing,
        sel,
        edit_at,
        look,
        wrap: NodeRef::new(),
        editor: NodeRef::new(),
        canvas: canvas::wanted(),
        canvas_el: NodeRef::new(),
        window: window_rows,
        mirror: RwSignal::new(0..0),
        first_screen,
        focused: RwSignal::new(false),
    };
    g.listen_resize();
    g.follow_window();
    // The DOM's rows and spacers follow the rows it has caught up with.
    let mirror_rows = Memo::new(move |_| g.mirror.get());
    let menu = FilterMenu::new();

    // The header block as rendered: the title rows scroll away, the rest stays at the top.
    let measure_head = move || {
        if let Some(el) = g.wrap.get_untracked() {
            let (title, sticky) = browser::stack_header_rows(&el);
            g.title_h.set(title);
            g.sticky_h.set(sticky);
        }
    };
    Effect::new(move |_| {
        g.model.track();
        g.printing.track();
        // Header rows wrap differently when their columns change width.
        g.widths.track();
        // After the frame that paints the rows (rAF, then a task): the layout is then done,
        // so reading the rows' heights forces none. Before that the header rows sit where
        // they are at the top of the sheet, which is all the first frame shows.
        request_animation_frame(move || {
            set_timeout(measure_head, std::time::Duration::ZERO);
        });
    });

    // A row another view asked for (考核汇总): shown (filters that hide it cleared), its name
    // the active cell, scrolled into view once the header is measured.
    Effect::new(move |_| {
        let Some(row) = hold.goto.get() else {
            return;
        };
        if model.with(Option::is_none) {
            return;
        }
        hold.goto.set(None);
        if body.with_untracked(|b| b.index_of(row).is_none()) {
            filters.update(|(_, f)| f.clear());
            unit.set(None);
        }
        let col = doc.with_untracked(|d| {
            let (_, layout, _) = d.as_ref()?.active_sheet()?;
            let name = layout?.col(crate::table::detect::Role::Name)?;
            model.with_untracked(|m| m.as_ref().map(|m| m.display_col(name)))
        });
        request_animation_frame(move || {
            request_animation_frame(move || {
                g.go_to((row, col.unwrap_or(0)), false, true);
                g.focus();
            })
        });
    });

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
        let (Some(a), Some(b)) = (g.anchor.get_untracked(), g.active.get_untracked()) else {
            set_mark_hint.set(true);
            return;
        };
        set_mark_hint.set(false);
        // The sheet's columns, not the display's (completion columns sit among them).
        let src = |(r, c): (usize, usize)| {
            (
                r,
                model.with_untracked(|m| m.as_ref().map_or(c, |m| m.source_col_near(c))),
            )
        };
        let marked = doc.with_untracked(|d| {
            let d = d.as_ref()?;
            let (sheet, _, _) = d.active_sheet()?;
            Some((d.active, mark_table(sheet, src(a), src(b))))
        });
        if let Some((sheet, layout)) = marked {
            on_edit.run(Edit::Layout {
                sheet,
                layout: Box::new(layout),
            });
        }
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
            {units::unit_filter(doc, lang, unit)}
            {filter_status(g)}
            {find::find_bar(g)}
        </div>
        <div
            class="grid-wrap"
            node_ref=g.wrap
            tabindex="0"
            aria-label=move || grid_texts(lang.get()).grid_label
            data-testid="grid-scroll"
            // A first screen shows while the rest of the file is read (ui/first_screen.rs).
            data-loading=move || first_screen.and_then(|f| f.data_loading())
            data-body-start=move || model.with(|m| m.as_ref().map(|m| m.body_start).unwrap_or(0))
            // The body on a canvas, and whether its DOM rows have caught up with the scroll.
            data-paint=move || g.painting().then_some("canvas")
            data-mirror=move || {
                if g.mirror.get() == window_rows.get() { "synced" } else { "behind" }
            }
            on:focusin=move |_| g.focused.set(true)
            on:focusout=move |_| g.focused.set(false)
            on:scroll=move |_| {
                if let Some(el) = g.wrap.get_untracked() {
                    g.scroll_top.set(f64::from(el.scroll_top()));
                    g.view_h.set(f64::from(el.client_height()));
                }
            }
            on:keydown=move |ev| g.on_keydown(&ev)
            on:focus=move |_| {
                // An active cell as soon as the grid has focus.
                if g.active.get_untracked().is_none() {
                    g.move_to(g.first_in_view(), false);
                }
            }
            on:copy=move |ev: leptos::ev::ClipboardEvent| {
                if g.editing.get_untracked().is_some() {
                    return;
                }
                if let (Some(text), Some(data)) = (g.selection_tsv(), ev.clipboard_data()) {
                    let _ = data.set_data("text/plain", &text);
                    ev.prevent_default();
                }
            }
            on:paste=move |ev: leptos::ev::ClipboardEvent| {
                if g.editing.get_untracked().is_some() {
                    return;
                }
                if let Some(text) = ev.clipboard_data().and_then(|d| d.get_data("text/plain").ok()) {
                    g.paste(&text);
                    ev.prevent_default();
                }
            }
        >
            {g.canvas.then(|| g.canvas_layer())}
            <table
                class="grid"
                data-testid="sheet-grid"
                // A table in the grid role: its cells are grid cells (aria-selected).
                role="grid"
                aria-multiselectable="true"
                class:resizing=move || g.resizing.get().is_some()
                // One listener each for all the cells (none per cell).
                on:mousedown=move |ev| g.on_cell_mousedown(&ev)
                on:mouseover=move |ev| g.on_cell_mouseover(&ev)
                // A drag over rows only the canvas shows yet: no element to enter there.
                on:mousemove=move |ev: leptos::ev::MouseEvent| {
                    if ev.buttons() == 1 && g.canvas {
                        g.on_cell_mouseover(&ev);
                    }
                }
                on:dblclick=move |ev| g.on_cell_dblclick(&ev)
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
                    {g.letters_row(menu)}
                    {move || {
                        let end = model.with(|m| m.as_ref().map(|m| m.body_start).unwrap_or(0));
                        g.render_rows(std::iter::once(0..end).collect())
                    }}
                </thead>
                <tbody>
                    <tr class="spacer" style=move || {
                        format!("height:{}px", mirror_rows.get().start as f64 * ROW_H)
                    }></tr>
                    {g.body_rows(mirror_rows)}
                    <tr class="spacer" style=move || {
                        let rows = body.with(BodyRows::len);
                        format!("height:{}px", rows.saturating_sub(mirror_rows.get().end) as f64 * ROW_H)
                    }></tr>
                </tbody>
            </table>
        </div>
        {menu.view(g)}
        </div>
    }
}
