//! Filters from a column header's menu, as AutoFilter: the column's values with counts, the
//! ticked ones kept; shown as active and cleared in one click. A filter never affects export.
//! Also the header's other menu: what the column is (its role in the table).

use super::ctx::Grid;
use crate::error::Lang;
use crate::table::grid::col_letters;
use crate::ui::browser;
use crate::ui::i18n::{grid_texts, layout_texts, ROLES};
use crate::ui::state::filter::{column_values, keeps, BodyRows, Filters};
use crate::ui::state::{role_key, role_options_html, with_role_key, Doc, Edit};
use leptos::prelude::*;
use std::collections::BTreeSet;

/// The open filter menu: its column and place, the column's values and the ticked ones.
#[derive(Clone, Copy)]
pub struct FilterMenu {
    at: RwSignal<Option<(usize, i32, i32)>>,
    values: RwSignal<Vec<(String, usize)>>,
    kept: RwSignal<BTreeSet<String>>,
    node: NodeRef<leptos::html::Div>,
}

impl FilterMenu {
    /// A closed menu; a click outside an open one closes it.
    pub fn new() -> Self {
        let menu = Self {
            at: RwSignal::new(None),
            values: RwSignal::new(Vec::new()),
            kept: RwSignal::new(BTreeSet::new()),
            node: NodeRef::new(),
        };
        let outside = window_event_listener(leptos::ev::mousedown, move |ev| {
            if menu.at.get_untracked().is_some()
                && !browser::target_within(&ev, ".filter-menu, .col-filter")
            {
                menu.at.set(None);
            }
        });
        on_cleanup(move || outside.remove());
        menu
    }

    /// Opens the menu of column `c` at (`x`, `y`), with the values ticked that the column's
    /// filter keeps (all without one).
    pub fn open(&self, g: Grid, c: usize, x: i32, y: i32) {
        let values = g
            .peek(|sheet, gm, res| column_values(gm, sheet, res, c))
            .unwrap_or_default();
        // The values ticked as the column shows them now (a status filter set in the other
        // language ticks the same statuses).
        let kept: BTreeSet<String> = g.active_filters.with_untracked(|f| {
            values
                .iter()
                .filter(|(v, _)| f.get(&c).is_none_or(|keep| keeps(keep, v)))
                .map(|(v, _)| v.clone())
                .collect()
        });
        self.values.set(values);
        self.kept.set(kept);
        let right = window()
            .inner_width()
            .ok()
            .and_then(|w| w.as_f64())
            .unwrap_or(1366.0) as i32;
        self.at.set(Some((c, x.min(right - 290).max(0), y)));
        // The menu takes the keyboard (Esc, Enter).
        let node = self.node;
        request_animation_frame(move || {
            if let Some(el) = node.get_untracked() {
                let _ = el.focus();
            }
        });
    }

    /// Column `c` keeps the rows whose values are in `kept` (every row with `None`).
    fn set(&self, g: Grid, c: usize, kept: Option<BTreeSet<String>>) {
        let sheet = g.sheet_index();
        g.filters.update(|(s, f)| {
            if *s != sheet {
                *s = sheet;
                f.clear();
            }
            match kept {
                Some(kept) => f.insert(c, kept),
                None => f.remove(&c),
            };
        });
        self.at.set(None);
        // The active cell may be hidden now: the first row shown.
        g.clear_active();
        if let Some(el) = g.wrap.get_untracked() {
            el.set_scroll_top(0);
        }
    }

    /// OK: the ticked values become the column's filter (none when all are ticked).
    fn apply(&self, g: Grid) {
        let Some((c, _, _)) = self.at.get_untracked() else {
            return;
        };
        let kept = self.kept.get_untracked();
        let all = self
            .values
            .with_untracked(|v| v.iter().all(|(v, _)| kept.contains(v)));
        self.set(g, c, (!all).then_some(kept));
    }

    /// The menu, while open.
    pub fn view(self, g: Grid) -> impl IntoView {
        let menu = self;
        move || {
            let (c, x, y) = menu.at.get()?;
            let t = grid_texts(g.lang.get());
            let all = move || {
                menu.kept
                    .with(|k| menu.values.with(|v| v.iter().all(|(v, _)| k.contains(v))))
            };
            let items = menu
                .values
                .get()
                .into_iter()
                .map(|(value, count)| {
                    let label = if value.is_empty() {
                        t.filter_blank.to_string()
                    } else {
                        value.clone()
                    };
                    let key = value.clone();
                    let checked = move || menu.kept.with(|k| k.contains(&key));
                    let toggle = move |_| {
                        menu.kept.update(|k| {
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
                    node_ref=menu.node
                    tabindex="-1"
                    role="dialog"
                    style=format!("left:{x}px;top:{y}px")
                    on:keydown=move |ev: leptos::ev::KeyboardEvent| {
                        match ev.key().as_str() {
                            "Escape" => {
                                menu.at.set(None);
                                g.focus();
                            }
                            "Enter" => menu.apply(g),
                            _ => return,
                        }
                        ev.prevent_default();
                        ev.stop_propagation();
                    }
                >
                    <div class="filter-head">{format!("{} {}", t.filter, col_letters(c))}</div>
                    <label class="filter-item filter-all">
                        <input
                            type="checkbox"
                            data-testid="filter-all"
                            prop:checked=all
                            on:change=move |_| {
                                if all() {
                                    menu.kept.set(Default::default());
                                } else {
                                    menu.kept.set(menu.values.with_untracked(|v| v.iter().map(|(v, _)| v.clone()).collect()));
                                }
                            }
                        />
                        <span class="filter-label">{t.filter_all}</span>
                    </label>
                    <div class="filter-list">{items}</div>
                    <div class="filter-actions">
                        <button class="button primary" data-testid="filter-apply" on:click=move |_| menu.apply(g)>{t.filter_apply}</button>
                        <button class="button" data-testid="filter-clear" on:click=move |_| menu.set(g, c, None)>{t.filter_clear}</button>
                        <button class="button ghost" data-testid="filter-cancel" on:click=move |_| menu.at.set(None)>{t.filter_cancel}</button>
                    </div>
                </div>
            })
        }
    }
}

/// The rows of the table the filters leave, of all its rows; `None` without a filter.
fn filter_counts(g: Grid) -> Option<(usize, usize)> {
    if g.active_filters.with(Filters::is_empty) {
        return None;
    }
    let (start, last) = g
        .model
        .with(|m| m.as_ref().map(|m| (m.body_start, m.data_last)))?;
    let total = last + 1 - start.min(last + 1);
    let shown = g.body.with(|b| match b {
        BodyRows::All(_) => total,
        BodyRows::Some(rows) => rows.iter().filter(|&&r| r <= last).count(),
    });
    Some((shown, total))
}

/// "Showing n / m rows" and the button that clears every filter, while one is on.
pub fn filter_status(g: Grid) -> impl IntoView {
    move || {
        filter_counts(g).map(|(shown, total)| {
            let t = grid_texts(g.lang.get());
            view! {
                <span class="filter-status" data-testid="filter-status">
                    {format!("{} {shown} / {total} {}", t.filter_shown, t.filter_rows)}
                </span>
                <button
                    class="button"
                    data-testid="filter-clear-all"
                    on:click=move |_| {
                        g.filters.set((g.sheet_index(), Filters::new()));
                        g.clear_active();
                    }
                >
                    {t.filter_clear_all}
                </button>
            }
        })
    }
}

/// A column header's menu: what this column is (its role in the detected table).
pub fn column_menu(g: Grid, d: usize) -> Option<impl IntoView> {
    // The role belongs to the sheet's column; a completion column has none.
    let c = g.model.with(|m| m.as_ref()?.source_col(d))?;
    let (layout_key, has_layout) = g.doc.with(|d| {
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
    let l = g.lang.get();
    // Whether the menu was last used with a pointer: a role chosen so gives the keyboard back
    // to the grid (as a spreadsheet's list does), so that the next arrow key moves the active
    // cell instead of choosing the next role; chosen with the keys, the menu keeps it.
    let by_pointer = StoredValue::new(false);
    let on_change = move |ev: leptos::ev::Event| {
        if by_pointer.get_value() {
            g.focus();
        }
        let key = event_target_value(&ev);
        let next = g.doc.with_untracked(|d| {
            let d = d.as_ref()?;
            let (sheet, layout, _) = d.active_sheet()?;
            Some((d.active, with_role_key(sheet, layout?, c, &key)?))
        });
        if let Some((sheet, layout)) = next {
            g.on_edit.run(Edit::Layout {
                sheet,
                layout: Box::new(layout),
            });
        }
    };
    let labels = move || {
        ROLES
            .iter()
            .map(move |(k, zh, en)| (*k, if l == Lang::Zh { *zh } else { *en }))
    };
    // The chosen role only until the menu is about to be used: 18 options in each of 30
    // columns were a fifth of a 2,000-row file's first render (their style, layout and
    // parsing; A/B in the shipped page).
    let fill = move |ev: &leptos::ev::Event| {
        browser::fill_select(ev, || role_options_html(labels(), layout_key));
    };
    Some(view! {
        <select
            class="col-role"
            data-testid="col-role"
            data-col=col_letters(d)
            title=layout_texts(l).col_menu
            on:change=on_change
            on:focus=move |ev: leptos::ev::FocusEvent| fill(&ev)
            // A mouse pointing at it; not a touch's emulated hover (a page that changes on
            // hover can keep a touch browser from sending the tap on).
            on:pointerenter=move |ev: leptos::ev::PointerEvent| {
                if ev.pointer_type() == "mouse" {
                    fill(&ev);
                }
            }
            on:pointerdown=move |ev: leptos::ev::PointerEvent| {
                by_pointer.set_value(true);
                fill(&ev);
            }
            // A key (an arrow chooses the next role at once): the menu is rebuilt with the
            // chosen role only after each choice, while it keeps the focus.
            on:keydown=move |ev: leptos::ev::KeyboardEvent| {
                by_pointer.set_value(false);
                fill(&ev);
            }
            on:mousedown=move |ev: leptos::ev::MouseEvent| {
                by_pointer.set_value(true);
                ev.stop_propagation();
                fill(&ev);
            }
            // One string per menu, parsed by the browser: a view per `<option>` was ~2,000
            // calls into the DOM for a sheet of 29 columns, most of a file's first render.
            inner_html=role_options_html(labels().filter(|(k, _)| *k == layout_key), layout_key)
        ></select>
    })
}
