//! The spreadsheet grid: the source sheet with computed cells marked.

use super::state::{grid_view, grid_width, status_class, Doc, RowKind};
use crate::plan::PlanResults;
use leptos::prelude::*;

fn row_class(kind: RowKind) -> &'static str {
    match kind {
        RowKind::Title => "title",
        RowKind::Header => "header",
        RowKind::Body => "body",
        RowKind::After => "after",
    }
}

/// The grid of the active sheet.
#[component]
pub fn SheetGrid(
    doc: ReadSignal<Option<Doc>>,
    results: Memo<Option<PlanResults>>,
    /// Called with the 1-based source row of a clicked row.
    on_select: Callback<u32>,
) -> impl IntoView {
    let rows = Memo::new(move |_| {
        doc.with(|d| {
            let Some((sheet, layout, plan)) = d.as_ref().and_then(Doc::active_sheet) else {
                return Vec::new();
            };
            results.with(|r| grid_view(sheet, layout, plan, r.as_ref()))
        })
    });
    let width = Memo::new(move |_| rows.with(|r| grid_width(r)));
    view! {
        <div class="grid-wrap">
            <table class="grid" data-testid="sheet-grid">
                <thead>
                    <tr>
                        <th class="corner"></th>
                        {move || {
                            (0..width.get())
                                .map(|c| view! { <th class="col-head">{crate::io::grid::col_letters(c)}</th> })
                                .collect_view()
                        }}
                    </tr>
                </thead>
                <tbody>
                    {move || {
                        rows.get()
                            .into_iter()
                            .map(|row| {
                                let class = row_class(row.kind);
                                let number = row.row;
                                view! {
                                    <tr
                                        data-row=row.row
                                        class=class
                                        on:click=move |_| on_select.run(number)
                                    >
                                        <th class="row-head">{row.row}</th>
                                        {row
                                            .cells
                                            .into_iter()
                                            .map(|cell| {
                                                let class = format!(
                                                    "{} {}",
                                                    cell.source.name(),
                                                    status_class(cell.status)
                                                );
                                                // The in-cell bar of a realization, 0–100 %.
                                                let style = cell.bar.map(|v| {
                                                    format!("--bar:{:.1}%", v.clamp(0.0, 100.0))
                                                });
                                                view! {
                                                    <td
                                                        data-testid="grid-cell"
                                                        data-row=row.row
                                                        data-col=cell.letters
                                                        data-source=cell.source.name()
                                                        class=class
                                                        class:bar=cell.bar.is_some()
                                                        style=style
                                                        colspan=cell.colspan
                                                        rowspan=cell.rowspan
                                                    >
                                                        {cell.text}
                                                    </td>
                                                }
                                            })
                                            .collect_view()}
                                    </tr>
                                }
                            })
                            .collect_view()
                    }}
                </tbody>
            </table>
        </div>
    }
}
