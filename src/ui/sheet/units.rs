//! The unit filter (责任单位): the rows of the indicators one unit leads, or leads or helps
//! with, each unit listed with its counts. Like the column filters it changes only what the
//! grid shows, never the document or an export ([`crate::ui::state::filter::unit_rows`]).

use crate::error::Lang;
use crate::ui::i18n::{aside, consolidate_texts, grid_texts, item_sep};
use crate::ui::state::filter::{unit_counts_paced, units_key, UnitCount, UnitCounts, UnitFilter};
use crate::ui::state::Doc;
use leptos::prelude::*;

/// The app's [`UnitCounts`], provided as a context: it fills them before it shows a new plan
/// ([`CountedUnits::count`], in slices), so that the task that shows the plan does not count
/// them (≈ 100 ms at 100,000 rows), and the unit filter renders from them.
#[derive(Clone, Copy)]
pub struct CountedUnits(StoredValue<UnitCounts>);

impl CountedUnits {
    pub fn new() -> Self {
        Self(StoredValue::new(UnitCounts::default()))
    }

    /// Counts the units of `plan` with `pace`, unless they are counted already.
    pub async fn count<P: crate::pace::Pace>(&self, plan: &crate::plan::Plan, pace: &mut P) {
        let key = units_key(plan);
        let known = self.0.try_with_value(|c| c.known(key).is_some());
        if known == Some(false) {
            let counts = unit_counts_paced(plan, pace).await;
            self.0.try_update_value(|c| c.keep(key, plan, counts));
        }
    }

    /// [`UnitCounts::seen`].
    fn seen(&self, plan: &crate::plan::Plan) -> Vec<UnitCount> {
        self.0
            .try_update_value(|c| c.seen(plan))
            .unwrap_or_default()
    }

    /// [`UnitCounts::refresh`].
    fn refresh(&self, plan: &crate::plan::Plan) -> bool {
        self.0
            .try_update_value(|c| c.refresh(plan))
            .unwrap_or(false)
    }
}

/// The unit and role pickers of the sheet bar; nothing for a sheet without a unit column.
pub fn unit_filter(
    doc: ReadSignal<Option<Doc>>,
    lang: ReadSignal<Lang>,
    unit: RwSignal<Option<UnitFilter>>,
) -> impl IntoView {
    let counted = use_context::<CountedUnits>().unwrap_or_else(CountedUnits::new);
    // Bumped when the check after a frame found the counts shown stale.
    let recounted = RwSignal::new(0_u32);
    let pending = StoredValue::new(false);
    Effect::new(move |_| {
        doc.track();
        if pending.get_value() {
            return;
        }
        pending.set_value(true);
        request_animation_frame(move || {
            set_timeout(
                move || {
                    // Some: the filter is gone (another sheet, view or file).
                    if pending.try_set_value(false).is_some() {
                        return;
                    }
                    let stale = doc.with_untracked(|d| {
                        d.as_ref()
                            .and_then(Doc::active_sheet)
                            .and_then(|(_, _, p)| p)
                            .is_some_and(|plan| counted.refresh(plan))
                    });
                    if stale {
                        recounted.try_update(|n| *n = n.wrapping_add(1));
                    }
                },
                std::time::Duration::ZERO,
            );
        });
    });
    move || {
        recounted.track();
        let counts = doc.with(|d| {
            let (_, _, plan) = d.as_ref()?.active_sheet()?;
            Some(counted.seen(plan?))
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
