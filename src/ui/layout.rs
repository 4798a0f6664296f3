//! The detected layout (header rows, data rows, each column's role, base and target years),
//! with every role and year correctable; a correction is an [`Edit::Layout`].

use super::i18n::{layout_texts, ROLES};
use super::state::{with_column_role, Doc, Edit};
use crate::error::Lang;
use crate::table::detect::{find_year, Layout, Role};
use crate::table::grid::col_letters;
use leptos::prelude::*;

fn role_key(role: Option<Role>) -> &'static str {
    match role {
        Some(Role::Seq) => "seq",
        Some(Role::Category) => "category",
        Some(Role::Name) => "name",
        Some(Role::Unit) => "unit",
        Some(Role::Direction) => "direction",
        Some(Role::Binding) => "binding",
        Some(Role::Weight) => "weight",
        Some(Role::Base) => "base",
        Some(Role::Target) => "target",
        Some(Role::Yearly(_)) => "yearly",
        Some(Role::Actual(_)) => "actual",
        Some(Role::Lead) => "lead",
        Some(Role::Other) => "other",
        Some(Role::Leader) => "leader",
        Some(Role::Note) => "note",
        None => "none",
    }
}

fn role_of(key: &str, year: Option<i32>) -> Option<Role> {
    Some(match key {
        "seq" => Role::Seq,
        "category" => Role::Category,
        "name" => Role::Name,
        "unit" => Role::Unit,
        "direction" => Role::Direction,
        "binding" => Role::Binding,
        "weight" => Role::Weight,
        "base" => Role::Base,
        "target" => Role::Target,
        "yearly" => Role::Yearly(year?),
        "actual" => Role::Actual(year?),
        "lead" => Role::Lead,
        "other" => Role::Other,
        "leader" => Role::Leader,
        "note" => Role::Note,
        _ => return None,
    })
}

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
        let (sheet_index, sheet, layout) = doc.with(|d| {
            let d = d.as_ref()?;
            let (sheet, layout, _) = d.active_sheet()?;
            Some((d.active, sheet.clone(), layout?.clone()))
        })?;
        let header_text = |col: usize| -> String {
            let mut parts: Vec<String> = Vec::new();
            for row in layout.header_first..=layout.header_last {
                let text = sheet.merged_text(row, col);
                if !text.is_empty() && parts.last() != Some(&text) {
                    parts.push(text);
                }
            }
            parts.join(" / ")
        };
        let edit = move |next: Layout| {
            on_edit.run(Edit::Layout {
                sheet: sheet_index,
                layout: Box::new(next),
            })
        };
        let rows = (0..sheet.width())
            .map(|col| {
                let header = header_text(col);
                let role = layout.columns.iter().find(|c| c.col == col).map(|c| c.role);
                let year = match role {
                    Some(Role::Yearly(y) | Role::Actual(y)) => Some(y),
                    _ => find_year(&header),
                };
                let key = role_key(role);
                let has_year = matches!(role, Some(Role::Yearly(_) | Role::Actual(_)));
                let (layout_a, layout_b) = (layout.clone(), layout.clone());
                let (header_a, header_b) = (header.clone(), header.clone());
                let on_role = move |ev: leptos::ev::Event| {
                    let fallback = year.or(layout_a.target_year);
                    let role = role_of(&event_target_value(&ev), fallback);
                    edit(with_column_role(&layout_a, col, role, &header_a));
                };
                let on_year = move |ev: leptos::ev::Event| {
                    let Ok(y) = event_target_value(&ev).trim().parse::<i32>() else {
                        return;
                    };
                    let role = match role {
                        Some(Role::Yearly(_)) => Role::Yearly(y),
                        Some(Role::Actual(_)) => Role::Actual(y),
                        _ => return,
                    };
                    edit(with_column_role(&layout_b, col, Some(role), &header_b));
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
                                prop:value=if has_year { year.map(|y| y.to_string()).unwrap_or_default() } else { String::new() }
                                on:change=on_year
                            />
                        </td>
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
                <table class="list columns-table">
                    <thead>
                        <tr><th>{t.column}</th><th>{t.header}</th><th>{t.role}</th><th>{t.year}</th></tr>
                    </thead>
                    <tbody>{rows}</tbody>
                </table>
            </div>
        })
    }
}
