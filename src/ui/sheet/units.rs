//! The unit filter (责任单位): the rows of the indicators one unit leads, or leads or helps
//! with, each unit listed with its counts. Like the column filters it changes only what the
//! grid shows, never the document or an export ([`crate::ui::state::filter::unit_rows`]).

use crate::error::Lang;
use crate::ui::i18n::{aside, consolidate_texts, grid_texts, item_sep};
use crate::ui::state::filter::{
    unit_counts, unit_counts_paced, units_key, units_look, UnitCount, UnitFilter,
};
use crate::ui::state::Doc;
use leptos::prelude::*;

/// The units of the last plan counted ([`unit_counts`]), by its units' key ([`units_key`]): a
/// value typed does not count the units of every row again. The app provides one as a context
/// and fills it before it shows a new plan ([`CountedUnits::count`], in slices), so that the task
/// that shows the plan does not count them (≈ 100 ms at 100,000 rows).
///
/// The key itself reads every row's unit cells (≈ 20 ms at 100,000 rows in the page), so the
/// unit filter renders from the counts kept whenever they are of a plan that looks the same
/// (its number of indicators and the units of its first and last rows: [`CountedUnits::seen`])
/// and checks the key after the next frame ([`CountedUnits::refresh`]): an edit repaints
/// without reading every row, and the counts follow an edited unit cell a frame later.
///
/// Two plans' counts are kept, the latest first: a check scheduled for the plan on screen may
/// run while the next one is being opened, after its units were counted (they stay).
#[derive(Clone, Copy)]
pub struct CountedUnits(StoredValue<Vec<Counted>>);

/// How many plans' counts are kept.
const KEPT: usize = 2;

/// Counts, and the key and look of the plan they are of.
struct Counted {
    key: u64,
    look: (usize, u64),
    counts: Vec<UnitCount>,
}

impl CountedUnits {
    pub fn new() -> Self {
        Self(StoredValue::new(Vec::new()))
    }

    /// Counts the units of `plan` with `pace`, unless they are counted already.
    pub async fn count<P: crate::pace::Pace>(&self, plan: &crate::plan::Plan, pace: &mut P) {
        let key = units_key(plan);
        if self.known(key).is_none() {
            let counts = unit_counts_paced(plan, pace).await;
            self.keep(key, plan, counts);
        }
    }

    /// Keeps `counts` as the latest (those of the same key before them dropped).
    fn keep(&self, key: u64, plan: &crate::plan::Plan, counts: Vec<UnitCount>) {
        self.0.try_update_value(|kept| {
            kept.retain(|c| c.key != key);
            kept.insert(
                0,
                Counted {
                    key,
                    look: units_look(plan),
                    counts,
                },
            );
            kept.truncate(KEPT);
        });
    }

    /// The counts of the plan whose units' key is `key`, if they are known.
    fn known(&self, key: u64) -> Option<Vec<UnitCount>> {
        self.find(|c| c.key == key)
    }

    /// The latest counts kept that `wanted` accepts.
    fn find(&self, wanted: impl Fn(&Counted) -> bool) -> Option<Vec<UnitCount>> {
        self.0
            .try_with_value(|kept| kept.iter().find(|c| wanted(c)).map(|c| c.counts.clone()))
            .flatten()
    }

    /// The counts kept of a plan that looks like `plan`; else `plan`'s, counted now unless its
    /// key is known.
    fn seen(&self, plan: &crate::plan::Plan) -> Vec<UnitCount> {
        let looks = units_look(plan);
        self.find(|c| c.look == looks)
            .unwrap_or_else(|| self.of(plan))
    }

    /// The counts of `plan`, counted now unless they are known.
    fn of(&self, plan: &crate::plan::Plan) -> Vec<UnitCount> {
        let key = units_key(plan);
        self.known(key).unwrap_or_else(|| {
            let counts = unit_counts(plan);
            self.keep(key, plan, counts.clone());
            counts
        })
    }

    /// Counts `plan`'s units again unless counts of its key are kept; `true` when the counts
    /// [`seen`](Self::seen) gives for it were not its own (they are now).
    fn refresh(&self, plan: &crate::plan::Plan) -> bool {
        let key = units_key(plan);
        let looks = units_look(plan);
        let latest = self
            .0
            .try_with_value(|kept| kept.iter().find(|c| c.look == looks).map(|c| c.key))
            .flatten();
        if latest == Some(key) {
            return false;
        }
        let counts = self.known(key).unwrap_or_else(|| unit_counts(plan));
        self.keep(key, plan, counts);
        true
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
