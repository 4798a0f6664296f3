//! The unit filter (责任单位): the rows of the indicators one unit leads, or leads or helps
//! with, each unit listed with its counts. Like the column filters it changes only what the
//! grid shows, never the document or an export ([`crate::ui::state::filter::unit_rows`]).

use crate::error::Lang;
use crate::ui::i18n::{aside, consolidate_texts, grid_texts, item_sep};
use crate::ui::state::filter::{unit_counts, unit_counts_paced, units_key, UnitCount, UnitFilter};
use crate::ui::state::Doc;
use leptos::prelude::*;

/// The units of the last plan counted ([`unit_counts`]), by its units' key ([`units_key`]): a
/// value typed does not count the units of every row again. The app provides one as a context
/// and fills it before it shows a new plan ([`CountedUnits::count`], in slices), so that the task
/// that shows the plan does not count them (≈ 100 ms at 100,000 rows).
#[derive(Clone, Copy)]
pub struct CountedUnits(StoredValue<Option<(u64, Vec<UnitCount>)>>);

impl CountedUnits {
    pub fn new() -> Self {
        Self(StoredValue::new(None))
    }

    /// Counts the units of `plan` with `pace`, unless they are counted already.
    pub async fn count<P: crate::pace::Pace>(&self, plan: &crate::plan::Plan, pace: &mut P) {
        let key = units_key(plan);
        if self.known(key).is_none() {
            let counts = unit_counts_paced(plan, pace).await;
            self.0.try_set_value(Some((key, counts)));
        }
    }

    /// The counts of the plan whose units' key is `key`, if they are known.
    fn known(&self, key: u64) -> Option<Vec<UnitCount>> {
        self.0
            .try_with_value(|c| {
                c.as_ref()
                    .filter(|(k, _)| *k == key)
                    .map(|(_, counts)| counts.clone())
            })
            .flatten()
    }

    /// The counts of `plan`, counted now unless they are known.
    fn of(&self, plan: &crate::plan::Plan) -> Vec<UnitCount> {
        let key = units_key(plan);
        self.known(key).unwrap_or_else(|| {
            let counts = unit_counts(plan);
            self.0.try_set_value(Some((key, counts.clone())));
            counts
        })
    }
}

/// The unit and role pickers of the sheet bar; nothing for a sheet without a unit column.
pub fn unit_filter(
    doc: ReadSignal<Option<Doc>>,
    lang: ReadSignal<Lang>,
    unit: RwSignal<Option<UnitFilter>>,
) -> impl IntoView {
    let counted = use_context::<CountedUnits>().unwrap_or_else(CountedUnits::new);
    move || {
        let counts = doc.with(|d| {
            let (_, _, plan) = d.as_ref()?.active_sheet()?;
            Some(counted.of(plan?))
        })?;
        if counts.is_empty() {
            return None;
        }
        let l = lang.get();
        let t = consolidate_texts(l);
        let (chosen, lead_only) = unit.get().unwrap_or_default();
        let options = counts
            .into_iter()
            .map(|(u, lead, any)| {
                let selected = u == chosen;
                let counts = format!("{} {lead}{}{} {any}", t.unit_lead, item_sep(l), t.unit_any);
                let label = format!("{u}{}", aside(l, &counts));
                view! { <option value=u selected=selected>{label}</option> }
            })
            .collect_view();
        let on_unit = move |ev: leptos::ev::Event| {
            let value = event_target_value(&ev);
            unit.update(|f| {
                let lead_only = f.as_ref().is_some_and(|(_, l)| *l);
                *f = (!value.is_empty()).then_some((value, lead_only));
            });
        };
        let on_role = move |ev: leptos::ev::Event| {
            let lead_only = event_target_value(&ev) == "lead";
            unit.update(|f| {
                if let Some((_, l)) = f {
                    *l = lead_only;
                }
            });
        };
        Some(view! {
            <label class="unit-filter" class:active=!chosen.is_empty()>
                {t.unit_filter}
                <select data-testid="unit-filter" on:change=on_unit>
                    <option value="" selected=chosen.is_empty()>{t.unit_all}</option>
                    {options}
                </select>
                <select data-testid="unit-role" on:change=on_role disabled=chosen.is_empty()>
                    <option value="any" selected=!lead_only>{t.unit_any}</option>
                    <option value="lead" selected=lead_only>{t.unit_lead}</option>
                </select>
                {(!chosen.is_empty()).then(|| {
                    let label = grid_texts(l).unit_clear;
                    view! {
                        <button
                            class="button unit-clear"
                            data-testid="unit-clear"
                            title=label
                            aria-label=label
                            on:click=move |_| unit.set(None)
                        >
                            "×"
                        </button>
                    }
                })}
            </label>
        })
    }
}
