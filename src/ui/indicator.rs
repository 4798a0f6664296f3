//! The indicator panel: what the engine decided for the selected row, editable, with a chart.

use super::chart::chart;
use super::i18n::{
    aside, direction_name, method_name, panel_texts, rule_name, status_explanation, status_name,
    texts,
};
use super::state::{typed_cell, Doc, Edit, Live, PanelCell};
use crate::error::Lang;
use crate::plan::{Direction, Method, Source, Warning};
use leptos::prelude::*;

/// The panel of the selected indicator.
#[component]
pub fn IndicatorPanel(
    doc: ReadSignal<Option<Doc>>,
    results: ReadSignal<Option<Live>>,
    selected: ReadSignal<Option<usize>>,
    lang: ReadSignal<Lang>,
    on_edit: Callback<Edit>,
    on_close: Callback<()>,
) -> impl IntoView {
    move || {
        let index = selected.get()?;
        let lang = lang.get();
        let p = panel_texts(lang);
        let (sheet, indicator) = doc.with(|d| {
            let d = d.as_ref()?;
            let (_, _, plan) = d.active_sheet()?;
            Some((d.active, plan?.indicators.get(index)?.clone()))
        })?;
        let result = results.with(|r| r.as_ref()?.results.indicators.get(index).cloned())?;
        let cells = doc
            .with(|d| d.as_ref()?.indicator_cells(index))
            .unwrap_or_default();
        let overrides = indicator.overrides.clone();
        // A typed value goes into the sheet cell, exactly as if typed in the grid.
        let cell_input = move |cell: Option<PanelCell>,
                               testid: &'static str,
                               year: Option<i32>,
                               placeholder: String| {
            match cell {
                Some(c) => {
                    let (row, col) = (c.row, c.col);
                    // No placeholder attribute when there is nothing to show, so that an empty
                    // input does not look like a computed value.
                    let placeholder = (!placeholder.is_empty()).then_some(placeholder);
                    let on_change = move |ev: leptos::ev::Event| {
                        on_edit.run(Edit::Cell {
                            sheet,
                            row,
                            col,
                            raw: typed_cell(&event_target_value(&ev)),
                            typed: true,
                        });
                    };
                    view! {
                        <input
                            type="text"
                            class="cell-input"
                            data-testid=testid
                            data-year=year
                            placeholder=placeholder
                            prop:value=c.text
                            on:change=on_change
                        />
                    }
                    .into_any()
                }
                None => {
                    view! { <span class="num" title=p.no_column>{placeholder}</span> }.into_any()
                }
            }
        };
        let year_input =
            move |testid: &'static str, value: Option<i32>, shown: Option<i32>, base: bool| {
                let on_change = move |ev: leptos::ev::Event| {
                    let value = event_target_value(&ev).trim().parse::<i32>().ok();
                    on_edit.run(if base {
                        Edit::BaseYear {
                            sheet,
                            indicator: index,
                            value,
                        }
                    } else {
                        Edit::TargetYear {
                            sheet,
                            indicator: index,
                            value,
                        }
                    });
                };
                view! {
                    <input
                        type="number"
                        min="1900"
                        max="2200"
                        class="year-input"
                        data-testid=testid
                        placeholder=shown.map(|y| y.to_string()).unwrap_or_default()
                        prop:value=value.map(|y| y.to_string()).unwrap_or_default()
                        on:change=on_change
                    />
                }
            };
        let on_direction = move |ev: leptos::ev::Event| {
            let value = match event_target_value(&ev).as_str() {
                "positive" => Some(Direction::Positive),
                "negative" => Some(Direction::Negative),
                _ => None,
            };
            on_edit.run(Edit::Direction {
                sheet,
                indicator: index,
                value,
            });
        };
        let on_method = move |ev: leptos::ev::Event| {
            on_edit.run(Edit::Method {
                sheet,
                indicator: index,
                value: Method::from_key(&event_target_value(&ev)),
            });
        };
        let on_decimals = move |ev: leptos::ev::Event| {
            let value = event_target_value(&ev).trim().parse::<u8>().ok();
            on_edit.run(Edit::Decimals {
                sheet,
                indicator: index,
                value,
            });
        };
        let colon = texts(lang).colon;
        // The select shows the direction only; what decided it goes on a line of its own
        // beneath (the whole reason did not fit the docked panel at 1366 px).
        let auto_direction = format!(
            "{}{}",
            p.auto,
            aside(lang, direction_name(lang, result.direction))
        );
        let direction_why = format!(
            "{}{}{}",
            p.decided_by,
            texts(lang).colon,
            rule_name(lang, result.direction_rule)
        );
        let auto_method = format!(
            "{}{}",
            p.auto,
            aside(lang, method_name(lang, result.method))
        );
        let years: Vec<i32> = result
            .yearly
            .keys()
            .chain(result.actual.keys())
            .copied()
            .collect::<std::collections::BTreeSet<_>>()
            .into_iter()
            .collect();
        let rows = years
            .into_iter()
            .map(|year| {
                let target = result.yearly.get(&year);
                let source = target.map(|t| match t.source {
                    Source::Given => p.source_given,
                    Source::Computed => p.source_computed,
                    Source::Manual => p.source_manual,
                });
                let actual = result
                    .actual
                    .get(&year)
                    .map(|a| crate::plan::round::shown(*a, result.decimals));
                let status = result.status.get(&year).copied();
                let target_shown = target.map(|t| t.shown()).unwrap_or_default();
                let target_cell = cells.yearly.get(&year).cloned();
                let actual_cell = cells.actual.get(&year).cloned();
                view! {
                    <tr class=super::state::status_class(status)>
                        <td>{year}</td>
                        <td class="num">{cell_input(target_cell, "panel-yearly", Some(year), target_shown)}</td>
                        <td>{source}</td>
                        <td class="num">{cell_input(actual_cell, "panel-actual", Some(year), actual.unwrap_or_default())}</td>
                        <td class="num">{result.realization.get(&year).map(|r| r.shown())}</td>
                        <td title=status.map(|s| status_explanation(lang, s))>
                            {status.map(|s| status_name(lang, s))}
                        </td>
                    </tr>
                }
            })
            .collect_view();
        let warnings = result
            .warnings
            .iter()
            .map(|w| match w {
                Warning::CompoundFellBackToLinear => p.fallback.to_string(),
                Warning::RateLevelGap { gap } => format!("{}{colon}{gap}", p.gap),
            })
            .map(|w| view! { <p class="warning">{w}</p> })
            .collect_view();
        let draft = result.draft.clone().map(|d| {
            let change = |v: Option<f64>| {
                v.map(|v| crate::plan::round::shown(v, result.decimals.max(2)))
                    .unwrap_or_else(|| "—".into())
            };
            view! {
                <section class="draft" data-testid="indicator-draft">
                    <h3>{p.draft}" ("{d.from_year}" →)"</h3>
                    <p>
                        {d.years
                            .iter()
                            .map(|(y, s)| format!("{y}: {s}"))
                            .collect::<Vec<_>>()
                            .join("　")}
                    </p>
                    <p>{p.needed}{colon}{change(d.needed_change)}"　"{p.original}{colon}{change(d.original_change)}</p>
                    {d.flag.then(|| view! { <p class="warning">{p.flagged}</p> })}
                </section>
            }
        });
        let unit = indicator.unit.trim().to_string();
        let svg = chart(&result, 340.0, 170.0).map(|c| {
            let polyline = c.polyline();
            let unit_note = (!unit.is_empty() && unit != "—").then(|| match lang {
                Lang::Zh => format!("单位：{unit}"),
                Lang::En => format!("Unit: {unit}"),
            });
            view! {
                <svg class="chart" viewBox="0 0 340 170" width="340" height="170" role="img">
                    {c.y_ticks
                        .iter()
                        .map(|(y, label)| view! {
                            <line x1="48" x2="328" y1=*y y2=*y class="tick"></line>
                            <text x="44" y=*y class="ylabel">{label.clone()}</text>
                        })
                        .collect_view()}
                    {c.x_ticks
                        .iter()
                        .map(|(x, year)| view! { <text x=*x y="164" class="xlabel">{*year}</text> })
                        .collect_view()}
                    <polyline points=polyline class="path"></polyline>
                    {c.path
                        .iter()
                        .map(|pt| view! {
                            <circle cx=pt.x cy=pt.y r="2.5" class="target"><title>{format!("{} {}", pt.year, pt.label)}</title></circle>
                        })
                        .collect_view()}
                    {c.actuals
                        .iter()
                        .map(|pt| view! {
                            <circle cx=pt.x cy=pt.y r="4" class="actual"><title>{format!("{} {}", pt.year, pt.label)}</title></circle>
                        })
                        .collect_view()}
                </svg>
                <p class="chart-legend" data-testid="chart-legend">
                    <span><span class="swatch path"></span>{p.yearly_target}</span>
                    <span><span class="swatch actual"></span>{p.actual}</span>
                    <span>{unit_note}</span>
                </p>
            }
        });
        let dir_value = match overrides.direction {
            Some(Direction::Positive) => "positive",
            Some(Direction::Negative) => "negative",
            None => "auto",
        };
        let method_value = overrides.method.map_or("auto", Method::key);
        let stretch = result.stretch.map(|s| {
            format!(
                "{} {}",
                p.stretch,
                crate::plan::round::shown(s, result.decimals)
            )
        });
        let base_text = indicator.base.text.to_string();
        let target_text = indicator.target.text.to_string();
        Some(view! {
            <aside class="panel" data-testid="indicator-panel">
                <header>
                    <h2>{indicator.seq.clone()}" "{indicator.name.clone()}</h2>
                    <button class="button ghost" on:click=move |_| on_close.run(())>{p.close}</button>
                </header>
                <p class="meta">{indicator.category.clone()}" · "{indicator.unit.clone()}</p>
                <div class="fields">
                    <label>{p.base}{cell_input(cells.base.clone(), "panel-base", None, base_text)}</label>
                    <label>{p.base_year}{year_input("panel-base-year", overrides.base_year, result.base_year, true)}</label>
                    <label>{p.target}{cell_input(cells.target.clone(), "panel-target", None, target_text)}</label>
                    <label>{p.target_year}{year_input("panel-target-year", overrides.target_year, result.target_year, false)}</label>
                    {stretch.map(|s| view! { <span class="stretch">{s}</span> })}
                </div>
                <label>
                    {p.direction}
                    <select data-testid="direction-select" on:change=on_direction>
                        <option value="auto" selected=dir_value == "auto">{auto_direction}</option>
                        <option value="positive" selected=dir_value == "positive">{direction_name(lang, Direction::Positive)}</option>
                        <option value="negative" selected=dir_value == "negative">{direction_name(lang, Direction::Negative)}</option>
                    </select>
                </label>
                <p class="why" data-testid="direction-why">{direction_why}</p>
                <label>
                    {p.method}
                    <select data-testid="method-select" on:change=on_method>
                        <option value="auto" selected=method_value == "auto">{auto_method}</option>
                        {Method::ALL
                            .iter()
                            .map(|m| {
                                let key = m.key();
                                let selected = key == method_value;
                                view! { <option value=key selected=selected>{method_name(lang, *m)}</option> }
                            })
                            .collect_view()}
                    </select>
                </label>
                <label>
                    {p.decimals}
                    <input
                        type="number"
                        min="0"
                        max="4"
                        data-testid="decimals-input"
                        placeholder=result.decimals.to_string()
                        prop:value=overrides.decimals.map(|d| d.to_string()).unwrap_or_default()
                        on:change=on_decimals
                    />
                </label>
                {warnings}
                {svg}
                <table class="years">
                    <thead>
                        <tr>
                            <th>{p.year}</th>
                            <th>{p.yearly_target}</th>
                            <th>{p.source}</th>
                            <th>{p.actual}</th>
                            <th>{p.realization}</th>
                            <th>{p.status}</th>
                        </tr>
                    </thead>
                    <tbody>{rows}</tbody>
                </table>
                {draft}
            </aside>
        })
    }
}
