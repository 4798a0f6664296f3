//! 表头识别: the detected layout (header rows, data rows, each column's role with the evidence
//! that decided it and how sure it is, base and target years), with every decision correctable
//! in one click; a correction is an [`Edit::Layout`] (undoable, kept with the plan). A sheet
//! with no table says what was looked for.

use super::i18n::{layout_texts, why_text, ROLES};
use super::state::{add_target_column, flip_years, role_key, with_role_key, Doc, Edit};
use crate::error::Lang;
use crate::table::detect::{Confidence, Layout, Role};
use crate::table::grid::col_letters;
use leptos::prelude::*;

/// The layout view of the active sheet.
#[component]
pub fn LayoutView(
    doc: ReadSignal<Option<Doc>>,
    lang: ReadSignal<Lang>,
    on_edit: Callback<Edit>,
) -> impl IntoView {
    move || {
        let l = lang.get();
        let t = layout_texts(l);
        let (sheet_index, sheet, layout, plan) = doc.with(|d| {
            let d = d.as_ref()?;
            let (sheet, layout, plan) = d.active_sheet()?;
            Some((d.active, sheet.clone(), layout.cloned(), plan.cloned()))
        })?;
        let Some(layout) = layout else {
            return Some(
                view! {
                    <div class="view layout" data-testid="layout-view">
                        <p class="no-table" data-testid="no-table">{t.no_table}</p>
                        <p class="muted">{t.looked_for}</p>
                        <p class="muted">{t.mark_title}</p>
                    </div>
                }
                .into_any(),
            );
        };
        let edit = move |next: Layout| {
            on_edit.run(Edit::Layout {
                sheet: sheet_index,
                layout: Box::new(next),
            })
        };
        let rows = (0..sheet.width())
            .map(|col| {
                let column = layout.columns.iter().find(|c| c.col == col).cloned();
                let role = column.as_ref().map(|c| c.role);
                let header = super::state::header_text(&sheet, &layout, col);
                let year = match role {
                    Some(Role::Yearly(y) | Role::Actual(y)) => Some(y),
                    _ => None,
                };
                let key = role_key(role);
                let has_year = year.is_some();
                let (layout_a, layout_b, sheet_a) = (layout.clone(), layout.clone(), sheet.clone());
                let on_role = move |ev: leptos::ev::Event| {
                    if let Some(next) = with_role_key(&sheet_a, &layout_a, col, &event_target_value(&ev)) {
                        edit(next);
                    }
                };
                let header_b = header.clone();
                let on_year = move |ev: leptos::ev::Event| {
                    let Ok(y) = event_target_value(&ev).trim().parse::<i32>() else {
                        return;
                    };
                    let role = match role {
                        Some(Role::Yearly(_)) => Role::Yearly(y),
                        Some(Role::Actual(_)) => Role::Actual(y),
                        _ => return,
                    };
                    edit(super::state::with_column_role(&layout_b, col, Some(role), &header_b));
                };
                let why = column
                    .as_ref()
                    .map(|c| c.why.iter().map(|w| why_text(l, w)).collect::<Vec<_>>().join("；"))
                    .unwrap_or_default();
                let (sure, sure_class) = match column.as_ref().map(|c| c.confidence()) {
                    Some(Confidence::Sure) => (t.sure, "sure"),
                    Some(Confidence::Likely) => (t.likely, "likely"),
                    Some(Confidence::Guess) => (t.guess, "guess"),
                    None => ("", ""),
                };
                view! {
                    <tr data-col=col_letters(col)>
                        <td>{col_letters(col)}</td>
                        <td>{header}</td>
                        <td>
                            <select data-testid="role-select" on:change=on_role>
                                {ROLES
                                    .iter()
                                    .map(|(k, zh, en)| {
                                        let label = if l == Lang::Zh { *zh } else { *en };
                                        view! { <option value=*k selected=*k == key>{label}</option> }
                                    })
                                    .collect_view()}
                            </select>
                        </td>
                        <td>
                            <input
                                type="number"
                                class="year"
                                data-testid="role-year"
                                disabled=!has_year
                                prop:value=year.map(|y| y.to_string()).unwrap_or_default()
                                on:change=on_year
                            />
                        </td>
                        <td class="why" data-testid="role-why">{why}</td>
                        <td class=format!("confidence {sure_class}") data-testid="role-confidence">{sure}</td>
                    </tr>
                }
            })
            .collect_view();
        let (layout_base, layout_target) = (layout.clone(), layout.clone());
        let on_base_year = move |ev: leptos::ev::Event| {
            let mut next = layout_base.clone();
            next.base_year = event_target_value(&ev).trim().parse().ok();
            edit(next);
        };
        let on_target_year = move |ev: leptos::ev::Event| {
            let mut next = layout_target.clone();
            next.target_year = event_target_value(&ev).trim().parse().ok();
            edit(next);
        };
        let has_years = !layout.yearly_cols().is_empty() || !layout.actual_cols().is_empty();
        let (layout_f1, layout_f2) = (layout.clone(), layout.clone());
        // A table without a target column (a statistical table) can be given one.
        let can_add_target = layout.col(Role::Target).is_none() && plan.is_some();
        let next_year = layout
            .actual_cols()
            .keys()
            .chain(layout.yearly_cols().keys())
            .max()
            .map(|y| y + 1);
        let (target_year_in, set_target_year_in) =
            signal(next_year.map(|y| y.to_string()).unwrap_or_default());
        let (fill, set_fill) = signal(String::new());
        let (sheet_t, layout_t) = (sheet.clone(), layout.clone());
        let on_add_target = move |_| {
            let Ok(year) = target_year_in.get_untracked().trim().parse::<i32>() else {
                return;
            };
            let Some(plan) = plan.as_ref() else {
                return;
            };
            on_edit.run(add_target_column(
                sheet_index,
                &sheet_t,
                &layout_t,
                plan,
                year,
                &fill.get_untracked(),
            ));
        };
        Some(view! {
            <div class="view layout" data-testid="layout-view">
                <p class="muted">{t.intro}</p>
                <p class="layout-facts">
                    <span>{t.header_rows}"："{layout.header_first + 1}"–"{layout.header_last + 1}</span>
                    <span>{t.data_rows}"："{layout.data_first + 1}"–"{layout.data_last + 1}</span>
                    <label>
                        {t.base_year}
                        <input type="number" class="year" data-testid="base-year" prop:value=layout.base_year.map(|y| y.to_string()).unwrap_or_default() on:change=on_base_year />
                    </label>
                    <label>
                        {t.target_year}
                        <input type="number" class="year" data-testid="target-year" prop:value=layout.target_year.map(|y| y.to_string()).unwrap_or_default() on:change=on_target_year />
                    </label>
                </p>
                <Show when=move || has_years>
                    <p class="layout-actions">
                        <button class="button" data-testid="flip-actual" on:click={
                            let l = layout_f1.clone();
                            move |_| edit(flip_years(&l, true))
                        }>{t.flip_actual}</button>
                        <button class="button" data-testid="flip-yearly" on:click={
                            let l = layout_f2.clone();
                            move |_| edit(flip_years(&l, false))
                        }>{t.flip_yearly}</button>
                    </p>
                </Show>
                <Show when=move || can_add_target>
                    <p class="layout-actions" data-testid="add-target">
                        {t.add_target}
                        <input type="number" class="year" data-testid="add-target-year" prop:value=move || target_year_in.get() on:input=move |ev| set_target_year_in.set(event_target_value(&ev)) />
                        <input type="text" data-testid="add-target-fill" placeholder=t.add_target_fill prop:value=move || fill.get() on:input=move |ev| set_fill.set(event_target_value(&ev)) />
                        <button class="button" data-testid="add-target-button" on:click=on_add_target.clone()>{t.add_target_button}</button>
                    </p>
                </Show>
                <table class="list columns-table">
                    <thead>
                        <tr><th>{t.column}</th><th>{t.header}</th><th>{t.role}</th><th>{t.year}</th><th>{t.why}</th><th></th></tr>
                    </thead>
                    <tbody>{rows}</tbody>
                </table>
            </div>
        }.into_any())
    }
}
