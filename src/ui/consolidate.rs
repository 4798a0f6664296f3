//! 分发 and 汇总 in the page: the buttons that send the plan to its units (one copy each, in a
//! `.zip`) and fold their returns back in (each return one undoable step, in slices with the
//! progress bar), and the 汇总情况 view: the returns, the units that have not returned, the
//! conflicts side by side with one-click resolution, and what matched nothing.
//!
//! What each step does is decided in [`super::state::returns`]; this renders and forwards.

use super::app::FILE_TYPES;
use super::browser;
use super::i18n::{aside, clause_sep, consolidate_texts, texts};
use super::state::returns::{
    add_return, remove_return, resolve, saved_page_return, suggestion, unit_session,
};
use super::state::Doc;
use super::state::Edit;
use crate::error::{Lang, PageError};
use crate::io::merge::BASE_FILE;
use crate::pace::Stage;
use leptos::prelude::*;
use std::sync::Arc;

/// A status message worded in the page's language when shown.
pub type Words = Arc<dyn Fn(Lang) -> String + Send + Sync>;

/// How a distribution or consolidation ended, for the status bar: `Ok` a message, `Err` an
/// error.
pub type Outcome = Result<Words, Words>;

/// What the buttons need from the page.
#[derive(Clone, Copy)]
pub struct Shell {
    pub doc: ReadSignal<Option<Doc>>,
    pub lang: ReadSignal<Lang>,
    pub on_edit: Callback<Edit>,
    pub progress: ReadSignal<Option<(Stage, f64)>>,
    pub set_progress: WriteSignal<Option<(Stage, f64)>>,
    /// Told how the work ended.
    pub on_done: Callback<Outcome>,
}

const ZIP_MIME: &str = "application/zip";

impl Shell {
    fn busy(&self) -> bool {
        self.progress.with_untracked(Option::is_some)
    }

    /// Folds `files` into the open plan, one return after another, each one undoable step; the
    /// page paints between slices of each import and between returns.
    pub fn consolidate(self, files: Vec<browser::File>) {
        if files.is_empty() || self.busy() {
            return;
        }
        if self.doc.with_untracked(|d| {
            d.as_ref()
                .is_none_or(|d| d.imported.first_table().is_none())
        }) {
            self.on_done.run(Err(Arc::new(|l: Lang| {
                consolidate_texts(l).no_table.to_string()
            })));
            return;
        }
        self.set_progress.set(Some((Stage::Read, 0.0)));
        leptos::task::spawn_local(async move {
            let count = files.len();
            let (mut added, mut failed) = (0usize, Vec::<PageError>::new());
            for (index, file) in files.into_iter().enumerate() {
                let name = file.name();
                let set_progress = self.set_progress;
                let mut pace = browser::PagePace::new(move |stage, fraction| {
                    set_progress.set(Some((stage, crate::pace::fraction(index, count, fraction))));
                });
                pace.breathe().await;
                let imported = match browser::read_file(file).await {
                    // A unit's saved page gives the document it holds.
                    Ok(bytes) => match saved_page_return(&bytes) {
                        Some(imported) => Ok(imported),
                        None => crate::io::import_paced(&bytes, &mut pace)
                            .await
                            .map_err(|error| PageError::Import {
                                file: name.clone(),
                                error,
                            }),
                    },
                    Err(e) => Err(e),
                };
                match imported {
                    Ok(imported) => {
                        let now = browser::now_ms();
                        let step = self.doc.with_untracked(|d| {
                            d.as_ref()
                                .and_then(|d| add_return(d, &name, &imported, now))
                        });
                        if let Some(step) = step {
                            self.on_edit.run(step);
                            added += 1;
                        }
                    }
                    Err(e) => failed.push(e),
                }
                self.set_progress.set(Some((
                    Stage::Compute,
                    crate::pace::fraction(index, count, 1.0),
                )));
                pace.breathe().await;
            }
            self.set_progress.set(None);
            // The open conflicts are counted when the message is shown, so resolving one
            // (or undoing the step) updates the status bar.
            let doc = self.doc;
            let words: Words = Arc::new(move |l: Lang| {
                let t = consolidate_texts(l);
                let open = doc.with(|d| d.as_ref().map_or(0, |d| d.returns.open_conflicts()));
                format!(
                    "{}{}{added}{}{}{}{open}",
                    t.added,
                    texts(l).colon,
                    clause_sep(l),
                    t.conflicts_open,
                    texts(l).colon
                )
            });
            if failed.is_empty() {
                self.on_done.run(Ok(words));
            } else {
                self.on_done.run(Err(Arc::new(move |l: Lang| {
                    format!(
                        "{}{}{}",
                        words(l),
                        clause_sep(l),
                        failed
                            .iter()
                            .map(|e| e.user_message(l))
                            .collect::<Vec<_>>()
                            .join(clause_sep(l))
                    )
                })));
            }
        });
    }

    /// One filled copy per responsible unit, in one `.zip` download: workbooks, or saved pages
    /// where `as_pages`.
    pub fn distribute(self, as_pages: bool) {
        if self.busy() {
            return;
        }
        let Some(current) = self.doc.get_untracked() else {
            return;
        };
        let lang = self.lang.get_untracked();
        let name = format!(
            "{}-分发{}.zip",
            current
                .file_name
                .rsplit_once('.')
                .map_or(current.file_name.as_str(), |(s, _)| s),
            if as_pages { "-网页" } else { "" }
        );
        self.set_progress.set(Some((Stage::Export, 0.0)));
        leptos::task::spawn_local(async move {
            let set_progress = self.set_progress;
            let mut pace = browser::PagePace::new(move |stage, fraction| {
                set_progress.set(Some((stage, fraction)));
            });
            pace.breathe().await;
            let zip = if as_pages {
                unit_pages(&current, lang, &mut pace).await
            } else {
                crate::io::write::distribute::distribute_paced(
                    &current.imported,
                    &crate::plan::Options::default(),
                    Some(browser::now_ms()),
                    &mut pace,
                )
                .await
                .map_err(PageError::from)
            }
            .and_then(|bytes| browser::download(&bytes, &name, ZIP_MIME));
            self.set_progress.set(None);
            self.on_done.run(match zip {
                Ok(()) => Ok(Arc::new(move |l: Lang| {
                    format!(
                        "{}{}{name}",
                        consolidate_texts(l).distributed,
                        texts(l).colon
                    )
                })),
                Err(e) => Err(Arc::new(move |l: Lang| e.user_message(l))),
            });
        });
    }
}

/// One saved page per unit (this page with the unit's copy embedded), deflated into one `.zip`;
/// the page paints after each unit's page.
async fn unit_pages(
    doc: &Doc,
    lang: Lang,
    pace: &mut browser::PagePace,
) -> Result<Vec<u8>, PageError> {
    use crate::io::write::{distribute, share};
    use crate::pace::Pace;
    let page = browser::page_html().ok_or(PageError::NoPageSource)?;
    let units = distribute::unit_files(&doc.imported, "html")?;
    let mut files = Vec::with_capacity(units.len());
    for (index, (unit, file)) in units.iter().enumerate() {
        let json = unit_session(doc, unit, file, lang)?;
        let html = share::embed(&page, &json).map_err(|_| PageError::NoPageSource)?;
        files.push((file.clone(), html.into_bytes()));
        pace.step(
            Stage::Export,
            crate::pace::fraction(index, units.len(), 1.0),
        )
        .await;
    }
    Ok(distribute::zip_deflated(
        files.iter().map(|(f, b)| (f.as_str(), b.as_slice())),
    )?)
}

/// The toolbar's 分发 (with the choice of workbooks or saved pages) and 汇总 buttons.
pub fn buttons(shell: Shell) -> impl IntoView {
    let t = move || consolidate_texts(shell.lang.get());
    let no_doc = move || shell.doc.with(Option::is_none);
    let as_pages = RwSignal::new(false);
    view! {
        <button
            class="button"
            data-testid="distribute"
            title=move || t().distribute_hint
            disabled=no_doc
            on:click=move |_| shell.distribute(as_pages.get_untracked())
        >
            {move || t().distribute}
        </button>
        <select
            class="distribute-as"
            data-testid="distribute-as"
            title=move || t().distribute_as_hint
            disabled=no_doc
            on:change=move |ev| as_pages.set(event_target_value(&ev) == "html")
        >
            <option value="xlsx" selected=move || !as_pages.get()>{move || t().distribute_xlsx}</option>
            <option value="html" selected=move || as_pages.get()>{move || t().distribute_html}</option>
        </select>
        <label
            class="button"
            class:disabled=no_doc
            title=move || t().consolidate_hint
        >
            {move || t().consolidate}
            <input
                type="file"
                multiple=true
                data-testid="consolidate-input"
                accept=FILE_TYPES
                disabled=no_doc
                on:change=move |ev| shell.consolidate(browser::take_picked_files(&ev))
            />
        </label>
    }
}

/// The 汇总情况 view.
#[component]
pub fn ReturnsView(
    doc: ReadSignal<Option<Doc>>,
    lang: ReadSignal<Lang>,
    on_edit: Callback<Edit>,
    /// Shows a unit's rows in the grid.
    on_unit: Callback<String>,
) -> impl IntoView {
    move || {
        let l = lang.get();
        let t = consolidate_texts(l);
        doc.with(|d| {
            let d = d.as_ref()?;
            let r = &d.returns;
            let returns = r
                .records
                .iter()
                .enumerate()
                .map(|(index, rec)| {
                    let s = &rec.summary;
                    let remove = move |_| {
                        let step = doc.with_untracked(|d| d.as_ref().and_then(|d| remove_return(d, index)));
                        if let Some(step) = step {
                            on_edit.run(step);
                        }
                    };
                    view! {
                        <tr data-testid="return-row" data-file=s.file.clone()>
                            <td>{s.file.clone()}</td>
                            <td data-testid="return-unit">{s.unit.clone()}</td>
                            <td class="num" data-testid="return-filled">{s.filled}</td>
                            <td class="num" data-testid="return-changed">{s.changed}</td>
                            <td>{browser::local_time(rec.added_ms)}</td>
                            <td class="muted">{s.note.clone()}</td>
                            <td>
                                <button class="button" data-testid="return-remove" title=t.remove_hint on:click=remove>
                                    {t.remove}
                                </button>
                            </td>
                        </tr>
                    }
                })
                .collect_view();
            let missing = r.missing_units(&d.imported);
            let missing_view = if missing.is_empty() {
                view! { <p class="muted">{t.none_missing}</p> }.into_any()
            } else {
                view! {
                    <ul class="missing-units">
                        {missing
                            .iter()
                            .map(|u| {
                                let unit = u.clone();
                                view! {
                                    <li>
                                        <button
                                            class="link"
                                            data-testid="missing-unit"
                                            title=t.missing_hint
                                            on:click=move |_| on_unit.run(unit.clone())
                                        >
                                            {u.clone()}
                                        </button>
                                    </li>
                                }
                            })
                            .collect_view()}
                    </ul>
                }
                .into_any()
            };
            // In the plan's row order, whichever return brought them.
            let mut conflicts: Vec<_> = r.conflicts().collect();
            conflicts.sort_by_key(|(_, _, c)| (c.row, c.year));
            let conflict_rows = conflicts
                .iter()
                .map(|(record, index, c)| {
                    let (record, index) = (*record, *index);
                    let suggested = suggestion(d, c);
                    let values = c
                        .values
                        .iter()
                        .map(|v| {
                            let file = v.file.clone();
                            let label = if v.file == BASE_FILE {
                                t.base_value.to_string()
                            } else {
                                v.file.clone()
                            };
                            let is_suggested = suggested.as_deref() == Some(v.file.as_str());
                            let taken = c.resolved.as_deref() == Some(v.file.as_str());
                            let take = move |_| {
                                let step =
                                    doc.with_untracked(|d| d.as_ref().and_then(|d| resolve(d, record, index, &file)));
                                if let Some(step) = step {
                                    on_edit.run(step);
                                }
                            };
                            view! {
                                <div class="conflict-value" class:suggested=is_suggested class:taken=taken>
                                    <span class="conflict-file">{label}</span>
                                    <strong class="conflict-number">{v.value.clone()}</strong>
                                    {is_suggested.then(|| view! { <span class="muted">{aside(l, t.suggested)}</span> })}
                                    {if taken {
                                        view! { <span class="taken-mark" data-testid="conflict-taken">{format!("✓ {}", t.taken)}</span> }.into_any()
                                    } else {
                                        view! {
                                            <button class="button" data-testid="conflict-take" data-file=v.file.clone() on:click=take>
                                                {t.take}
                                            </button>
                                        }.into_any()
                                    }}
                                </div>
                            }
                        })
                        .collect_view();
                    view! {
                        <tr data-testid="conflict" data-row=c.row class:open=c.resolved.is_none()>
                            <td class="num">{c.row}</td>
                            <td>{c.name.clone()}</td>
                            <td class="num">{c.year}</td>
                            <td><div class="conflict-values">{values}</div></td>
                        </tr>
                    }
                })
                .collect_view();
            let unmatched: Vec<_> = r
                .records
                .iter()
                .enumerate()
                .flat_map(|(record, rec)| {
                    rec.unmatched
                        .iter()
                        .enumerate()
                        .map(move |(index, u)| (record, index, rec.summary.unit.as_str(), u))
                })
                .collect();
            // Returns go into the plan's first table, whichever sheet shows.
            let plan = d
                .imported
                .first_table()
                .and_then(|i| d.imported.sheets.get(i))
                .and_then(|s| s.plan.as_ref());
            let unmatched_rows = unmatched
                .iter()
                .map(|&(record, index, unit, u)| unmatched_row(doc, on_edit, l, plan, record, index, unit, u))
                .collect_view();
            let changed: Vec<_> = r.records.iter().flat_map(|rec| &rec.changed_targets).collect();
            Some(view! {
                <div class="view returns-view" data-testid="returns-view">
                    <h2>{format!("{}{}", t.returns, aside(l, &r.records.len().to_string()))}</h2>
                    {if r.is_empty() {
                        view! { <p class="muted" data-testid="no-returns">{t.no_returns}</p> }.into_any()
                    } else {
                        view! {
                            <table class="list">
                                <thead><tr>
                                    <th>{t.file}</th><th>{t.unit}</th><th>{t.filled}</th>
                                    <th>{t.changed}</th><th>{t.added_at}</th><th>{t.note}</th><th></th>
                                </tr></thead>
                                <tbody>{returns}</tbody>
                            </table>
                        }.into_any()
                    }}
                    <h2>{format!("{}{}", t.missing, aside(l, &missing.len().to_string()))}</h2>
                    {missing_view}
                    <h2>{format!("{}{}", t.conflicts, aside(l, &conflicts.len().to_string()))}</h2>
                    {if conflicts.is_empty() {
                        view! { <p class="muted">{t.none_conflicts}</p> }.into_any()
                    } else {
                        view! {
                            <table class="list conflicts">
                                <thead><tr>
                                    <th>{t.row}</th><th>{texts(l).name}</th><th>{t.year}</th><th></th>
                                </tr></thead>
                                <tbody>{conflict_rows}</tbody>
                            </table>
                        }.into_any()
                    }}
                    {(!changed.is_empty()).then(|| view! {
                        <h2>{format!("{}{}", t.changed_targets, aside(l, &changed.len().to_string()))}</h2>
                        <table class="list">
                            <thead><tr>
                                <th>{t.file}</th><th>{t.row}</th><th>{texts(l).name}</th>
                                <th>{t.what}</th><th>{t.plan_value}</th><th>{t.return_value}</th>
                            </tr></thead>
                            <tbody>
                                {changed.iter().map(|c| view! {
                                    <tr data-testid="changed-target">
                                        <td>{c.file.clone()}</td><td class="num">{c.row}</td>
                                        <td>{c.name.clone()}</td><td>{c.what.clone()}</td>
                                        <td>{c.plan.clone()}</td><td>{c.value.clone()}</td>
                                    </tr>
                                }).collect_view()}
                            </tbody>
                        </table>
                    })}
                    {(!unmatched.is_empty()).then(|| view! {
                        <h2>{format!("{}{}", t.unmatched, aside(l, &unmatched.len().to_string()))}</h2>
                        <table class="list unmatched">
                            <thead><tr>
                                <th>{t.file}</th><th>{t.return_row}</th><th>{texts(l).name}</th>
                                <th>{t.actuals}</th><th>{t.match_to}</th>
                            </tr></thead>
                            <tbody>{unmatched_rows}</tbody>
                        </table>
                    })}
                </div>
            })
        })
    }
}

/// A return's row that matches no indicator: what it gives, and either the plan indicator it
/// was matched to by hand or a choice of the plan's indicators (the return's unit's own and the
/// likest names first) with the button that matches it (one undoable step).
#[allow(clippy::too_many_arguments)]
fn unmatched_row(
    doc: ReadSignal<Option<Doc>>,
    on_edit: Callback<Edit>,
    l: Lang,
    plan: Option<&crate::plan::Plan>,
    record: usize,
    index: usize,
    unit: &str,
    u: &crate::io::merge::Unmatched,
) -> impl IntoView {
    let t = consolidate_texts(l);
    let label = |row: u32| {
        plan.and_then(|p| p.indicators.iter().find(|i| i.row == row))
            .map(|i| format!("{} {}", i.seq, i.name).trim().to_string())
            .unwrap_or_else(|| row.to_string())
    };
    let actuals = if u.actuals.is_empty() {
        t.no_actuals.to_string()
    } else {
        u.actuals
            .iter()
            .map(|(year, value)| format!("{year}{}{value}", texts(l).colon))
            .collect::<Vec<_>>()
            .join(clause_sep(l))
    };
    let choice = match u.matched_to {
        Some(row) => view! {
            <span class="taken-mark" data-testid="unmatched-matched">{format!("✓ {} {}", t.matched, label(row))}</span>
        }
        .into_any(),
        None => {
            let chosen = RwSignal::new(None::<u32>);
            let options = plan
                .map(|p| crate::io::by_hand::ranked_rows(p, &u.name, unit))
                .unwrap_or_default()
                .into_iter()
                .map(|row| view! { <option value=row.to_string()>{label(row)}</option> })
                .collect_view();
            let on_match = move |_| {
                let Some(row) = chosen.get_untracked() else {
                    return;
                };
                let step = doc.with_untracked(|d| {
                    d.as_ref()
                        .and_then(|d| super::state::returns::match_by_hand(d, record, index, row))
                });
                if let Some(step) = step {
                    on_edit.run(step);
                }
            };
            view! {
                <span class="match-by-hand">
                    <select
                        data-testid="unmatched-choice"
                        on:change=move |ev| chosen.set(event_target_value(&ev).parse().ok())
                    >
                        <option value="" selected=true>{t.choose}</option>
                        {options}
                    </select>
                    <button
                        class="button"
                        data-testid="unmatched-match"
                        title=t.match_hint
                        prop:disabled=move || chosen.get().is_none()
                        on:click=on_match
                    >
                        {t.match_button}
                    </button>
                </span>
            }
            .into_any()
        }
    };
    view! {
        <tr data-testid="unmatched-row" data-row=u.row>
            <td>{u.file.clone()}</td>
            <td class="num">{u.row}</td>
            <td>{u.name.clone()}</td>
            <td data-testid="unmatched-actuals">{actuals}</td>
            <td>{choice}</td>
        </tr>
    }
}
