//! The summary view (overall, categories, unit ranking with a bar chart, counts, lagging list)
//! and the next-year view (drafts from an assessment year).

use super::i18n::{grid_texts, indicator_count, method_name, panel_texts, status_name, texts};
use super::state::{
    assessment_years, chosen_year, draft_years, drafts, summary, Doc, FlagReason, Live,
};
use crate::error::Lang;
use leptos::prelude::*;

/// The most rows a list of the views shows: a plan of 100,000 indicators would otherwise put
/// as many rows in the page at once. The export has them all.
const LIST_LIMIT: usize = 500;

/// The note under a list cut at [`LIST_LIMIT`] rows, if it was.
fn left_out(lang: Lang, count: usize) -> Option<impl IntoView> {
    let rest = count.checked_sub(LIST_LIMIT).filter(|&n| n > 0)?;
    let (before, after) = texts(lang).rows_left_out;
    Some(
        view! { <p class="muted" data-testid="rows-left-out">{format!("{before}{rest}{after}")}</p> },
    )
}

/// A year picker over the years with actuals; keeps the latest by default.
fn year_select(
    years: Vec<i32>,
    year: ReadSignal<Option<i32>>,
    set_year: WriteSignal<Option<i32>>,
    testid: &'static str,
) -> impl IntoView {
    let current = chosen_year(&years, year.get_untracked());
    view! {
        <select
            data-testid=testid
            on:change=move |ev| set_year.set(event_target_value(&ev).parse().ok())
        >
            {years
                .into_iter()
                .map(|y| view! { <option value=y.to_string() selected=Some(y) == current>{y}</option> })
                .collect_view()}
        </select>
    }
}

/// The summary of the active plan.
#[component]
pub fn SummaryView(
    doc: ReadSignal<Option<Doc>>,
    results: ReadSignal<Option<Live>>,
    lang: ReadSignal<Lang>,
    /// A unit's name clicked: the grid on that unit's rows (none in print).
    #[prop(optional)]
    on_unit: Option<Callback<String>>,
    /// A lagging indicator clicked: the grid at its 0-based sheet row.
    #[prop(optional)]
    on_row: Option<Callback<usize>>,
) -> impl IntoView {
    let (year, set_year) = signal(None::<i32>);
    move || {
        let lang = lang.get();
        let t = texts(lang);
        let years = results.with(|r| r.as_ref().map(|l| assessment_years(&l.results)))?;
        let chosen = chosen_year(&years, year.get());
        let Some(chosen) = chosen else {
            return Some(
                view! { <div class="view summary"><p>{t.no_actuals}</p></div> }.into_any(),
            );
        };
        let go = grid_texts(lang).show_in_grid;
        // A name as a link to the grid where a callback is given, as text otherwise.
        let unit_link = move |u: String| match on_unit {
            Some(cb) => {
                let to = u.clone();
                view! {
                    <button class="link" data-testid="summary-unit" title=go on:click=move |_| cb.run(to.clone())>{u}</button>
                }
                .into_any()
            }
            None => u.into_any(),
        };
        let row_link = move |name: String, row: usize| {
            match on_row {
            Some(cb) => view! {
                <button class="link" data-testid="lagging-link" data-row=row + 1 title=go on:click=move |_| cb.run(row)>{name}</button>
            }
            .into_any(),
            None => name.into_any(),
        }
        };
        let s = doc.with(|d| {
            let (_, _, plan) = d.as_ref()?.active_sheet()?;
            results.with(|r| Some(summary(plan?, &r.as_ref()?.results, chosen)))
        })?;
        let bars = super::chart::ScoreBars::new(
            &s.units
                .iter()
                .map(|(u, v, shown, _)| (u.clone(), *v, shown.clone()))
                .collect::<Vec<_>>(),
            156.0,
            240.0,
        );
        let bar_h = bars.bar_height();
        let chart_h = bars.height;
        let axis_y = chart_h - 14.0;
        Some(view! {
            <div class="view summary">
                <div class="view-head">
                    <label>{t.assessment_year}" "{year_select(years, year, set_year, "summary-year")}</label>
                </div>
                <div class="cards">
                    <div class="card big">
                        <div class="label">{t.overall}</div>
                        <div class="value" data-testid="summary-overall">{s.overall.clone().unwrap_or_else(|| "—".into())}</div>
                    </div>
                    {s.counts
                        .iter()
                        .map(|(st, n)| view! {
                            <div class=format!("card {}", super::state::status_class(Some(*st)))>
                                <div class="label">{status_name(lang, *st)}</div>
                                <div class="value">{*n}</div>
                            </div>
                        })
                        .collect_view()}
                </div>
                <div class="columns">
                    <section>
                        <h3>{t.by_category}</h3>
                        <table class="list" data-testid="category-realization">
                            <tbody>
                                {s.categories
                                    .iter()
                                    .map(|(c, v)| view! { <tr><td>{c.clone()}</td><td class="num">{v.clone()}</td></tr> })
                                    .collect_view()}
                            </tbody>
                        </table>
                        <h3>{t.lagging}</h3>
                        <table class="list" data-testid="lagging-list">
                            <tbody>
                                {s.lagging
                                    .iter()
                                    .take(LIST_LIMIT)
                                    .map(|(seq, name, r, lead, row)| view! {
                                        <tr><td>{seq.clone()}</td><td>{row_link(name.clone(), *row)}</td><td class="num">{r.clone()}</td><td class="muted">{lead.clone()}</td></tr>
                                    })
                                    .collect_view()}
                            </tbody>
                        </table>
                        {left_out(lang, s.lagging.len())}
                    </section>
                    <section>
                        <h3>{t.unit_scores}</h3>
                        <table class="list" data-testid="unit-scores">
                            <tbody>
                                {s.units
                                    .iter()
                                    .enumerate()
                                    .map(|(i, (u, _, shown, n))| view! {
                                        <tr><td class="num">{i + 1}</td><td>{unit_link(u.clone())}</td><td class="num">{shown.clone()}</td><td class="muted">{indicator_count(lang, *n)}</td></tr>
                                    })
                                    .collect_view()}
                            </tbody>
                        </table>
                        <svg class="bars" viewBox=format!("0 0 460 {chart_h}") width="460" height=chart_h role="img">
                            <title>{t.unit_scores}</title>
                            {bars
                                .ticks
                                .iter()
                                .map(|(x, label)| view! {
                                    <line x1=*x x2=*x y1="0" y2=axis_y class="tick"></line>
                                    <text x=*x y=chart_h - 2.0 class="tick-label">{label.clone()}</text>
                                })
                                .collect_view()}
                            {bars
                                .bars
                                .iter()
                                .map(|b| {
                                    view! {
                                        <text x="150" y=b.y + bar_h / 2.0 class="bar-label">{b.label.clone()}</text>
                                        <rect x=bars.left y=b.y width=b.width height=bar_h class="bar" data-testid="score-bar"></rect>
                                        <text x=bars.left + 4.0 + b.width y=b.y + bar_h / 2.0 class="bar-value">{b.shown.clone()}</text>
                                    }
                                })
                                .collect_view()}
                        </svg>
                    </section>
                </div>
            </div>
        }.into_any())
    }
}

/// The next-year view: drafts of the remaining years from an assessment year's actuals.
#[component]
pub fn DraftView(
    doc: ReadSignal<Option<Doc>>,
    results: ReadSignal<Option<Live>>,
    lang: ReadSignal<Lang>,
) -> impl IntoView {
    let (year, set_year) = signal(None::<i32>);
    move || {
        let lang = lang.get();
        let t = texts(lang);
        let p = panel_texts(lang);
        let years = results.with(|r| r.as_ref().map(|l| assessment_years(&l.results)))?;
        let chosen = chosen_year(&years, year.get());
        let Some(chosen) = chosen else {
            return Some(
                view! { <div class="view" data-testid="draft-view"><p>{t.no_actuals}</p></div> }
                    .into_any(),
            );
        };
        let rows = doc.with(|d| {
            let (_, _, plan) = d.as_ref()?.active_sheet()?;
            Some(drafts(plan?, chosen))
        })?;
        let count = rows.len();
        let columns = draft_years(&rows);
        let change = |v: Option<f64>, d: u8| {
            v.map(|v| crate::plan::round::shown(v, d.max(2)))
                .unwrap_or_else(|| "—".into())
        };
        let w = draft_words(lang);
        Some(view! {
            <div class="view" data-testid="draft-view">
                <div class="view-head">
                    <label>{t.assessment_year}" "{year_select(years, year, set_year, "draft-year")}</label>
                    <span class="muted">{t.draft_hint}</span>
                </div>
                <table class="list drafts">
                    <thead>
                        <tr>
                            <th>{t.seq}</th><th>{t.name}</th><th>{t.unit}</th><th>{p.method}</th>
                            {columns
                                .iter()
                                .map(|y| view! { <th class="num year">{w.year(*y)}</th> })
                                .collect_view()}
                            <th>{p.needed}</th><th>{p.original}</th><th>{w.change_unit}</th>
                            <th>{w.flag}</th>
                        </tr>
                    </thead>
                    <tbody>
                        {rows
                            .into_iter()
                            .take(LIST_LIMIT)
                            .map(|r| {
                                let cells = columns
                                    .iter()
                                    .map(|y| {
                                        let v = r.draft.years.get(y).map(|s| s.shown());
                                        view! { <td class="num" data-year=*y>{v}</td> }
                                    })
                                    .collect_view();
                                let reason = r.flag_reason().map(|f| w.reason(f));
                                let change_unit = r.change_unit();
                                view! {
                                    <tr class:flagged=r.draft.flag>
                                        <td>{r.seq.clone()}</td>
                                        <td>{r.name.clone()}</td>
                                        <td>{r.unit.clone()}</td>
                                        <td>{method_name(lang, r.method)}</td>
                                        {cells}
                                        <td class="num">{change(r.draft.needed_change, r.decimals)}</td>
                                        <td class="num">{change(r.draft.original_change, r.decimals)}</td>
                                        <td>{change_unit}</td>
                                        <td class="flag" title=reason data-testid="draft-flag">
                                            {reason.map(|text| format!("⚑ {text}"))}
                                        </td>
                                    </tr>
                                }
                            })
                            .collect_view()}
                    </tbody>
                </table>
                {left_out(lang, count)}
            </div>
        }.into_any())
    }
}

/// The words of the next-year table that only it uses.
struct DraftWords {
    lang: Lang,
    change_unit: &'static str,
    flag: &'static str,
}

impl DraftWords {
    fn year(&self, y: crate::plan::Year) -> String {
        match self.lang {
            Lang::Zh => format!("{y}年"),
            Lang::En => y.to_string(),
        }
    }

    fn reason(&self, f: FlagReason) -> &'static str {
        match (self.lang, f) {
            (Lang::Zh, FlagReason::OutOfReach) => "所需改善超过原计划的1.5倍",
            (Lang::Zh, FlagReason::HoldSlipped) => "保持类指标已偏离目标",
            (Lang::Zh, FlagReason::ShortOfRate) => "最近实际值低于每年应达到的增速",
            (Lang::En, FlagReason::OutOfReach) => "needs over 1.5× the planned improvement",
            (Lang::En, FlagReason::HoldSlipped) => "a hold indicator that slipped",
            (Lang::En, FlagReason::ShortOfRate) => {
                "the latest actual fell short of the yearly rate"
            }
        }
    }
}

fn draft_words(lang: Lang) -> DraftWords {
    match lang {
        Lang::Zh => DraftWords {
            lang,
            change_unit: "变化单位",
            flag: "提示",
        },
        Lang::En => DraftWords {
            lang,
            change_unit: "Change unit",
            flag: "Flag",
        },
    }
}
