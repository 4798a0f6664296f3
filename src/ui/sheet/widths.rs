//! Column widths: fitted to what the columns show when a sheet opens or its table changes,
//! widened for the rows on screen after an edit, and the user's where they dragged or
//! double-clicked a border.

use super::ctx::Grid;
use crate::ui::state::filter::BodyRows;
use crate::ui::state::widths::{fit_column, fit_widths, grow_widths, Metrics};
use crate::ui::state::{Doc, GridModel, Live};
use leptos::prelude::*;
use std::collections::HashMap;

/// What the widths are computed from.
pub struct Inputs {
    pub doc: ReadSignal<Option<Doc>>,
    pub results: ReadSignal<Option<Live>>,
    pub model: Memo<Option<GridModel>>,
    pub file_name: Memo<Option<String>>,
    pub body: Memo<BodyRows>,
    pub window_rows: Memo<std::ops::Range<usize>>,
    pub metrics: RwSignal<Metrics>,
    pub user_widths: RwSignal<HashMap<(usize, usize), u32>>,
}

/// Every column's width in pixels.
pub fn column_widths(i: Inputs) -> Memo<Vec<u32>> {
    let Inputs {
        doc,
        results,
        model,
        file_name,
        body,
        window_rows,
        metrics,
        user_widths,
    } = i;
    let on_sheet = move |f: &mut dyn FnMut(
        &crate::table::grid::Sheet,
        &GridModel,
        Option<&crate::plan::PlanResults>,
    )| {
        doc.with(|d| {
            let (sheet, _, _) = d.as_ref()?.active_sheet()?;
            model.with(|gm| {
                let gm = gm.as_ref()?;
                results.with(|res| {
                    f(sheet, gm, res.as_ref().map(|l| &l.results));
                    Some(())
                })
            })
        })
    };
    // Fitted when a sheet opens or its table changes (not at every edit).
    let fit_key = Memo::new(move |_| {
        (
            file_name.get(),
            doc.with(|d| d.as_ref().map(|d| d.active)),
            model.with(|m| {
                m.as_ref()
                    .map(|m| (m.rows, m.width(), m.body_start, m.data_last, m.frozen))
            }),
            metrics.get(),
        )
    });
    let sheet_fit = Memo::new(move |_| {
        // Read, not only tracked: `track` alone leaves `fit_key` uncomputed, so it never heard
        // of a new file or sheet and the first one's widths stayed.
        fit_key.with(|_| ());
        let m = metrics.get_untracked();
        let mut w = Vec::new();
        untrack(|| on_sheet(&mut |sheet, gm, res| w = fit_widths(gm, sheet, res, &m)));
        w
    });
    let fitted = Memo::new(move |_| {
        let mut w = sheet_fit.get();
        let m = metrics.get();
        // The rows on screen when the plan changed (an edit): a scroll alone does not refit, it
        // costs nothing more (a wider number further down shows ###, its value on hover).
        let rows: Vec<usize> = body
            .with(|b| b.runs(window_rows.get_untracked()))
            .into_iter()
            .flatten()
            .collect();
        on_sheet(&mut |sheet, gm, res| grow_widths(&mut w, gm, sheet, res, &rows, &m));
        w
    });
    Memo::new(move |_| {
        let sheet = doc.with(|d| d.as_ref().map(|d| d.active).unwrap_or(0));
        let mut w = fitted.get();
        user_widths.with(|u| {
            for (&(s, c), &px) in u {
                if let (true, Some(slot)) = (s == sheet, w.get_mut(c)) {
                    *slot = px;
                }
            }
        });
        w
    })
}

impl Grid {
    /// Sets a column's width, as the user chose it.
    fn set_width(&self, col: usize, px: u32) {
        let sheet = self.sheet_index();
        self.user_widths.update(|u| {
            u.insert((sheet, col), px.clamp(16, 2000));
        });
    }

    /// Double-click on a border: the column fits every row's text.
    pub fn fit_col(&self, col: usize) {
        let m = self.metrics.get_untracked();
        if let Some(px) = self.peek(|sheet, gm, res| fit_column(gm, sheet, res, col, &m)) {
            self.set_width(col, px);
        }
    }

    /// Drags of a column border, followed over the whole window; removed with the grid.
    pub fn listen_resize(&self) {
        let g = *self;
        let resize_move = window_event_listener(leptos::ev::mousemove, move |ev| {
            if let Some((col, x0, w0)) = g.resizing.get_untracked() {
                let w = i64::from(w0) + i64::from(ev.client_x() - x0);
                g.set_width(col, u32::try_from(w.max(16)).unwrap_or(16));
                ev.prevent_default();
            }
        });
        let resize_end = window_event_listener(leptos::ev::mouseup, move |_| {
            if g.resizing.get_untracked().is_some() {
                g.resizing.set(None);
            }
        });
        on_cleanup(move || {
            resize_move.remove();
            resize_end.remove();
        });
    }
}
