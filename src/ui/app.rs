//! The page: toolbar, sheet tabs, the grid and the status bar.

use super::autosave;
use super::browser;
use super::consolidate::{self, ReturnsView, Shell};
use super::downloads;
use super::first_screen::{FirstScreen, FirstScreenNotes};
use super::i18n::{aside, grid_texts, indicator_count, texts};
use super::indicator::IndicatorPanel;
use super::layout::LayoutView;
use super::sheet::{CountedUnits, GridHold, SheetGrid};
use super::state::{
    autosave_prefix, file_key, slot_key, starting_slot, Doc, Edit, Journal, Live, Origin, Session,
    Start, JOURNAL_VERSION,
};
use super::status::{Said, Status};
use super::summary::{DraftView, SummaryView};
use crate::error::Lang;
use crate::io;
use crate::pace::Stage;
use leptos::prelude::*;

/// What the file pickers offer: every form the importer reads.
pub(super) const FILE_TYPES: &str =
    ".xlsx,.xlsm,.xls,.xlsb,.et,.ett,.ods,.csv,.txt,.xml,.htm,.html";

/// The built-in demo plan (云浮市全面建成小康社会指标任务进度计划表).
pub(super) const DEMO_BYTES: &[u8] = include_bytes!("../../assets/demo.xlsx");
const DEMO_NAME: &str = "示例-云浮市全面建成小康社会指标任务进度计划表.xlsx";

/// Which view the content area shows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum View {
    Sheet,
    Summary,
    Draft,
    Layout,
    /// 汇总情况 (issue 16).
    Returns,
}

/// The whole page.
#[component]
pub fn App() -> impl IntoView {
    // A saved page embeds its plan; autosave keeps a slot per saved page and one for the app.
    let embedded = browser::embedded_plan();
    let prefix = autosave_prefix(embedded.as_deref());
    let storage_key = slot_key(&prefix, &browser::tab_id());
    let page_session = embedded.as_deref().and_then(Session::from_json);
    // What the page shows until autosave's slots are read (asynchronously, below): the plan
    // embedded in a saved page, else nothing.
    let page_doc = page_session.as_ref().and_then(|s| s.doc.clone());
    let (start_doc, start_status, origin0) = match page_doc.clone() {
        Some(d) => {
            let status = Status::Ready(Said::done(|t| t.restored_page, d.file_name.clone()));
            (Some(d), status, Origin::Page)
        }
        None => (None, Status::Empty, Origin::None),
    };
    let journal = Journal {
        lang: page_session.as_ref().map(|s| s.lang).unwrap_or_default(),
        undo: page_session
            .as_ref()
            .map(|s| s.undo.clone())
            .unwrap_or_default(),
        redo: page_session
            .as_ref()
            .map(|s| s.redo.clone())
            .unwrap_or_default(),
        ..Journal::default()
    };
    let (lang, set_lang) = signal(journal.lang);
    let (doc, set_doc) = signal(start_doc);
    let (status, set_status) = signal(start_status);
    let (dirty, set_dirty) = signal(!journal.log.is_empty());
    let (dragging, set_dragging) = signal(false);
    let (selected, set_selected) = signal(None::<usize>);
    let (view, set_view) = signal(View::Sheet);
    // The grid's filters while another view shows, and 考核汇总's click-through to it.
    let hold = GridHold::new();
    let to_unit = Callback::new(move |unit: String| {
        hold.show_unit(unit);
        set_view.set(View::Sheet);
    });
    let to_row = Callback::new(move |row: usize| {
        hold.show_row(row);
        set_view.set(View::Sheet);
    });
    // Long work in progress (an import): its stage and the fraction done. While it runs, no
    // other file is opened.
    let (progress, set_progress) = signal(None::<(Stage, f64)>);
    // A large file's first rows, shown read-only while the rest is read (issue 19).
    let first = FirstScreen::new();
    provide_context(first);
    let counted_units = CountedUnits::new();
    provide_context(counted_units);
    // Printing renders every row of the grid and the summary below it.
    let (printing, set_printing) = signal(false);
    let before_print =
        window_event_listener_untyped("beforeprint", move |_| set_printing.set(true));
    let after_print = window_event_listener_untyped("afterprint", move |_| set_printing.set(false));
    on_cleanup(move || {
        before_print.remove();
        after_print.remove();
    });
    // Undo and redo hold inverse edits; a new edit clears redo.
    let (undo, set_undo) = signal(journal.undo.clone());
    let (redo, set_redo) = signal(journal.redo.clone());
    // Where the document came from, and every edit since (the journal autosave writes).
    let (origin, set_origin) = signal(origin0.clone());
    let (log, set_log) = signal(journal.log.clone());
    // What the document started as, for the export worker to rebuild it: the opened file's
    // bytes, or the saved page's session. A file being read back is set when it opens.
    let start = StoredValue::new(match origin.get_untracked() {
        Origin::Demo => Some(std::sync::Arc::new(Start::File(DEMO_BYTES.to_vec()))),
        Origin::Page => embedded
            .clone()
            .map(|json| std::sync::Arc::new(Start::Session(json))),
        Origin::File { .. } | Origin::None => None,
    });
    // The journal as it stands: what autosave writes and what the export worker replays.
    let journal_now = move || Journal {
        version: JOURNAL_VERSION,
        origin: origin.get_untracked(),
        file_name: doc
            .with_untracked(|d| d.as_ref().map(|d| d.file_name.clone()))
            .unwrap_or_default(),
        active: doc
            .with_untracked(|d| d.as_ref().map(|d| d.active))
            .unwrap_or(0),
        log: log.get_untracked(),
        undo: undo.get_untracked(),
        redo: redo.get_untracked(),
        lang: lang.get_untracked(),
        saved_at: 0.0,
    };

    // Autosave: after each change, the journal (origin and edits, never the plan itself) goes
    // to IndexedDB, committed to disk (ui/autosave.rs). Nothing is written before the slots
    // are read at start-up: an empty page must not overwrite the work it is about to restore.
    // A failure is reported, never fatal.
    let (slots_read, set_slots_read) = signal(false);
    let saver = autosave::Saver::new(&storage_key, move |e| {
        set_status.set(Status::Error(Said::new(move |l| e.user_message(l))))
    });
    Effect::new(move |_| {
        log.track();
        undo.track();
        redo.track();
        lang.track();
        origin.track();
        doc.with(|d| d.as_ref().map(|d| d.active));
        // A first screen is not the document yet: saved once the whole file is in (tracked,
        // so the end of loading saves).
        if slots_read.get() && !first.loading() {
            browser::mark("autosave");
            saver.save(&Journal {
                saved_at: js_sys::Date::now(),
                ..journal_now()
            });
            browser::mark("autosaved");
        }
    });
    // The results of the plan on screen: computed in full when a plan opens or the sheet
    // changes, and edit by edit after that (only what an edit can change).
    let live_of = |d: &Doc| d.active_sheet().and_then(|(_, _, p)| p).map(Live::new);
    let (results, set_results) = signal(doc.with_untracked(|d| d.as_ref().and_then(live_of)));
    let apply = move |edit: Edit| {
        if first.refuses_edit() {
            return None;
        }
        let mut inverse = None;
        set_doc.update(|d| inverse = d.as_mut().and_then(|d| d.apply(edit.clone())));
        if inverse.is_some() {
            doc.with_untracked(|d| {
                let Some(d) = d.as_ref() else { return };
                let Some((_, _, Some(plan))) = d.active_sheet() else {
                    return;
                };
                let touched = d.touched(&edit);
                set_results.update(|live| match live {
                    Some(live) => live.update(plan, touched.as_deref()),
                    None => *live = Some(Live::new(plan)),
                });
            });
            set_log.update(|l| l.push(edit));
        }
        inverse
    };
    let on_edit = Callback::new(move |edit: Edit| {
        if let Some(inverse) = apply(edit) {
            set_undo.update(|u| u.push(inverse));
            set_redo.update(Vec::clear);
            set_dirty.set(true);
        }
    });
    // Replacing the plan never drops unsaved work without asking.
    let may_replace = move || {
        !dirty.get_untracked() || browser::confirm(texts(lang.get_untracked()).confirm_replace)
    };
    let on_undo = Callback::new(move |()| {
        if let Some(edit) = set_undo.try_update(|u| u.pop()).flatten() {
            if let Some(inverse) = apply(edit) {
                set_redo.update(|r| r.push(inverse));
                set_dirty.set(true);
            }
        }
    });
    let on_redo = Callback::new(move |()| {
        if let Some(edit) = set_redo.try_update(|r| r.pop()).flatten() {
            if let Some(inverse) = apply(edit) {
                set_undo.update(|u| u.push(inverse));
                set_dirty.set(true);
            }
        }
    });
    let on_select = Callback::new(move |row: u32| {
        set_selected.set(doc.with(|d| d.as_ref().and_then(|d| d.indicator_at_row(row))));
    });
    // The indicator panel closes with Esc (unless something inside took the key: the cell
    // editor, the find box) and can be collapsed to a strip beside the grid.
    let (panel_collapsed, set_panel_collapsed) = signal(false);
    let panel_esc = window_event_listener(leptos::ev::keydown, move |ev| {
        if ev.key() == "Escape" && !ev.default_prevented() && selected.get_untracked().is_some() {
            set_selected.set(None);
        }
    });
    on_cleanup(move || panel_esc.remove());

    // Opening never drops the current plan unless the new file was read. The import runs in
    // slices that yield to the page, with a progress bar; a second file waits its turn.
    // `restore`: the journal's edits to replay on it (a reload), else a fresh start.
    let warm = super::warm::WarmUp::start(doc);
    // An import runs from here to the end of its task, storing the file included (its progress
    // bar ends before that): another file waits until then.
    let importing = StoredValue::new(false);
    let open_bytes = move |name: String, bytes: Vec<u8>, from: Origin, restore: Option<Journal>| {
        warm.stop();
        importing.set_value(true);
        set_progress.set(Some((Stage::Read, 0.0)));
        set_status.set(Status::Loading(name.clone()));
        leptos::task::spawn_local(async move {
            let mut pace = browser::PagePace::new(move |stage, fraction| {
                set_progress.set(Some((stage, fraction)));
            });
            // Let the bar appear before the first slice.
            pace.breathe().await;
            // A first screen replaces the document at once; the one it replaced comes back if
            // the rest of the file cannot be read.
            let mut replaced = None;
            let imported = io::import_showing(&bytes, &mut pace, |shown| {
                browser::mark("first-screen");
                let shown = Doc::new(name.clone(), shown);
                set_results.set(live_of(&shown));
                set_doc.update(|d| replaced = Some(d.replace(shown)));
                set_selected.set(None);
                first.start();
            })
            .await;
            browser::mark("imported");
            match imported {
                Ok(imported) => {
                    set_progress.set(Some((Stage::Compute, 0.0)));
                    pace.breathe().await;
                    browser::mark("doc");
                    let mut new_doc = Doc::new(name.clone(), imported);
                    let restoring = restore.is_some();
                    if let Some(j) = &restore {
                        new_doc = j.replay(new_doc);
                    }
                    browser::mark("live");
                    let live = match new_doc.active_sheet() {
                        Some((_, _, Some(plan))) => Some(Live::new_paced(plan, &mut pace).await),
                        _ => None,
                    };
                    // The scores end the computation in one piece; the first render of the new
                    // document is another: a task each, not one long one. The units of the
                    // unit filter are counted between them, in slices of their own.
                    pace.breathe().await;
                    if let Some((_, _, Some(plan))) = new_doc.active_sheet() {
                        counted_units.count(plan, &mut pace).await;
                        pace.breathe().await;
                    }
                    browser::mark("show");
                    set_results.set(live);
                    let count = new_doc
                        .active_sheet()
                        .and_then(|(_, _, p)| p)
                        .map(|p| p.indicators.len());
                    set_doc.set(Some(new_doc));
                    browser::mark("doc-set");
                    first.finish();
                    set_selected.set(None);
                    set_origin.set(from.clone());
                    let bytes = std::sync::Arc::new(Start::File(bytes));
                    start.set_value(Some(bytes.clone()));
                    let j = restore.unwrap_or_default();
                    set_dirty.set(!j.log.is_empty());
                    set_log.set(j.log);
                    set_undo.set(j.undo);
                    set_redo.set(j.redo);
                    let opened = name.clone();
                    set_status.set(Status::Ready(Said::new(move |l| {
                        let t = texts(l);
                        let done = if restoring { t.restored } else { t.ready };
                        let count = match count {
                            Some(n) => indicator_count(l, n),
                            None => t.no_table_found.to_string(),
                        };
                        format!("{done}{}{opened}{}", t.colon, aside(l, &count))
                    })));
                    browser::mark("status");
                    // The import is done: the bar goes now, not after the file is stored.
                    set_progress.set(None);
                    // The bytes go to the browser's file store, so a reload finds them.
                    if let (Origin::File { key }, false, Start::File(bytes)) =
                        (&from, restoring, bytes.as_ref())
                    {
                        if let Err(e) = browser::keep_file(key, bytes).await {
                            set_status.set(Status::Error(Said::new(move |l| e.user_message(l))));
                        }
                    }
                }
                Err(e) => {
                    if let Some(before) = replaced.take() {
                        set_results.set(before.as_ref().and_then(live_of));
                        set_doc.set(before);
                        first.finish();
                    }
                    set_status.set(Status::Error(Said::new(move |l| e.user_message(l, &name))))
                }
            }
            browser::mark("end");
            set_progress.set(None);
            importing.try_set_value(false);
            // A file restored at start-up is in place (or failed): autosave writes from now on.
            if !slots_read.get_untracked() {
                set_slots_read.set(true);
            }
        });
    };
    // Restores a journal; false while its file is still being read back and replayed (autosave
    // starts writing when that is over).
    let restore = move |j: Journal| async move {
        set_lang.set(j.lang);
        set_undo.set(j.undo.clone());
        set_redo.set(j.redo.clone());
        set_log.set(j.log.clone());
        set_dirty.set(!j.log.is_empty());
        set_origin.set(j.origin.clone());
        let show = |d: Doc, from: Option<Start>| {
            let d = j.replay(d);
            set_status.set(Status::Ready(Said::done(
                |t| t.restored,
                d.file_name.clone(),
            )));
            set_results.set(live_of(&d));
            set_doc.set(Some(d));
            start.set_value(from.map(std::sync::Arc::new));
        };
        match &j.origin {
            Origin::Demo => match io::import(DEMO_BYTES) {
                Ok(imported) => show(
                    Doc::new(DEMO_NAME.to_string(), imported),
                    Some(Start::File(DEMO_BYTES.to_vec())),
                ),
                Err(_) => set_origin.set(Origin::None),
            },
            Origin::Page => match (page_doc, embedded) {
                (Some(d), Some(json)) => show(d, Some(Start::Session(json))),
                _ => set_origin.set(Origin::None),
            },
            Origin::File { key } => {
                set_status.set(Status::Loading(j.file_name.clone()));
                match browser::kept_file(key).await {
                    Some(bytes) => {
                        open_bytes(
                            j.file_name.clone(),
                            bytes,
                            j.origin.clone(),
                            Some(j.clone()),
                        );
                        return false;
                    }
                    None => set_status.set(Status::Error(Said::done(
                        |t| t.restore_failed,
                        j.file_name.clone(),
                    ))),
                }
            }
            Origin::None => {
                set_doc.set(None);
                set_results.set(None);
                start.set_value(None);
                set_status.set(Status::Empty);
            }
        }
        true
    };
    // Restore: the tab's own slot after a reload, else the latest work of any tab, replayed on
    // its origin (a file's bytes are read back from the browser's file store), unless the user
    // opened something meanwhile.
    {
        let key = storage_key.clone();
        leptos::task::spawn_local(async move {
            let slots = autosave::load_slots(&prefix, &key).await;
            let untouched = log.with_untracked(Vec::is_empty) && origin.get_untracked() == origin0;
            let restored = match starting_slot(&key, &slots).cloned().filter(|_| untouched) {
                Some(j) => restore(j).await,
                None => true,
            };
            if restored {
                set_slots_read.set(true);
            }
        });
    }
    let busy = move || progress.with(Option::is_some) || importing.get_value();
    let open_file = move |file: browser::File| {
        if busy() || !may_replace() {
            return;
        }
        let name = file.name();
        set_status.set(Status::Loading(name.clone()));
        leptos::task::spawn_local(async move {
            match browser::read_file(file).await {
                Ok(bytes) => {
                    let key = file_key(&bytes, js_sys::Date::now());
                    open_bytes(name, bytes, Origin::File { key }, None)
                }
                Err(e) => set_status.set(Status::Error(Said::new(move |l| e.user_message(l)))),
            }
        });
    };
    let on_pick = move |ev: leptos::ev::Event| {
        if let Some(file) = browser::take_picked_file(&ev) {
            open_file(file);
        }
    };
    // 分发 and 汇总 (issue 16): their buttons, and several files dropped on an open plan.
    let shell = Shell {
        doc,
        lang,
        on_edit,
        progress,
        set_progress,
        on_done: Callback::new(move |outcome: consolidate::Outcome| {
            set_status.set(match outcome {
                Ok(words) => Status::Ready(Said::from_words(words)),
                Err(words) => Status::Error(Said::from_words(words)),
            })
        }),
    };
    // A missing unit clicked in the 汇总情况 view: the grid on that unit's rows.
    let unit_request = RwSignal::new(None::<String>);
    let show_unit = Callback::new(move |unit: String| {
        unit_request.set(Some(unit));
        set_view.set(View::Sheet);
    });
    let on_drop = move |ev: leptos::ev::DragEvent| {
        ev.prevent_default();
        set_dragging.set(false);
        let mut files = browser::dropped_files(&ev);
        if files.len() > 1 && doc.with_untracked(Option::is_some) {
            shell.consolidate(files);
            set_view.set(View::Returns);
        } else if !files.is_empty() {
            open_file(files.swap_remove(0));
        }
    };
    let on_demo = move |_| {
        if !busy() && may_replace() {
            open_bytes(
                DEMO_NAME.to_string(),
                DEMO_BYTES.to_vec(),
                Origin::Demo,
                None,
            );
        }
    };
    let on_new = move |_| {
        if !busy() && may_replace() {
            set_doc.set(None);
            set_results.set(None);
            set_origin.set(Origin::None);
            start.set_value(None);
            set_log.update(Vec::clear);
            set_selected.set(None);
            set_undo.update(Vec::clear);
            set_redo.update(Vec::clear);
            set_dirty.set(false);
            set_status.set(Status::Empty);
        }
    };
    let on_save_html = move |_| {
        let Some(current) = doc.get_untracked() else {
            return;
        };
        match downloads::save_html(current, lang.get_untracked()) {
            Ok(name) => {
                set_dirty.set(false);
                set_status.set(Status::Ready(Said::done(|t| t.saved_html, name)));
            }
            Err(e) => set_status.set(Status::Error(Said::new(move |l| e.user_message(l)))),
        }
    };
    // The export runs in a worker (the page keeps working), or, where no worker can, here in
    // slices with the progress bar, on a copy of the document.
    let on_export = move |_| {
        if busy() {
            return;
        }
        let Some(name) = doc.with_untracked(|d| d.as_ref().map(Doc::export_name)) else {
            return;
        };
        let (from, journal, now) = (start.get_value(), journal_now(), js_sys::Date::now());
        set_progress.set(Some((Stage::Compute, 0.0)));
        leptos::task::spawn_local(async move {
            let report = move |stage, fraction| set_progress.set(Some((stage, fraction)));
            let outcome = downloads::export_xlsx(name, from, journal, now, doc, report).await;
            set_progress.set(None);
            match outcome {
                Ok(name) => {
                    set_dirty.set(false);
                    set_status.set(Status::Ready(Said::done(|t| t.exported, name)));
                }
                Err(e) => set_status.set(Status::Error(Said::new(move |l| e.user_message(l)))),
            }
        });
    };
    let on_export_csv = move |_| {
        let Some(outcome) = doc.with_untracked(|d| d.as_ref().map(downloads::export_csv)) else {
            return;
        };
        match outcome {
            Ok(name) => set_status.set(Status::Ready(Said::done(|t| t.exported, name))),
            Err(e) => set_status.set(Status::Error(Said::new(move |l| e.user_message(l)))),
        }
    };
    let toggle_lang = move |_| {
        set_lang.update(|l| {
            *l = match l {
                Lang::Zh => Lang::En,
                Lang::En => Lang::Zh,
            }
        })
    };
    let t = move || texts(lang.get());
    let cap = move || {
        doc.with(|d| {
            d.as_ref()
                .and_then(Doc::active_sheet)
                .and_then(|(_, _, p)| p)
                .and_then(|p| p.settings.cap)
                .map(crate::table::grid::format_number)
                .unwrap_or_default()
        })
    };
    let on_cap = move |ev: leptos::ev::Event| {
        let text = event_target_value(&ev);
        let value = text
            .trim()
            .parse::<f64>()
            .ok()
            .filter(|v| v.is_finite() && *v > 0.0);
        if let Some(sheet) = doc.with_untracked(|d| d.as_ref().map(|d| d.active)) {
            on_edit.run(Edit::Cap { sheet, value });
        }
    };
    let view_tab =
        move |v: View, label: fn(&'static super::i18n::Texts) -> &'static str, id: &'static str| {
            view! {
                <button
                    class="tab view-tab"
                    data-testid=id
                    class:active=move || view.get() == v
                    on:click=move |_| set_view.set(v)
                >
                    {move || label(t())}
                </button>
            }
        };
    let set_active = move |index: usize| {
        set_doc.update(|d| {
            if let Some(d) = d {
                d.active = index;
            }
        });
        set_results.set(doc.with_untracked(|d| d.as_ref().and_then(live_of)));
    };

    view! {
        <div
            class="app"
            // The page's language, for assistive technology and the styles that differ.
            lang=move || match lang.get() {
                Lang::Zh => "zh-CN",
                Lang::En => "en",
            }
            class:dragging=dragging
            on:dragover=move |ev: leptos::ev::DragEvent| {
                ev.prevent_default();
                set_dragging.set(true);
            }
            on:dragleave=move |_| set_dragging.set(false)
            on:drop=on_drop
        >
            <header class="toolbar">
                <span class="brand">{move || t().app_name}<small>{move || t().tagline}</small></span>
                <button class="button" data-testid="new-button" on:click=on_new>
                    {move || t().new}
                </button>
                <label class="button primary">
                    {move || t().open}
                    <input
                        type="file"
                        data-testid="file-input"
                        accept=FILE_TYPES
                        on:change=on_pick
                    />
                </label>
                <button class="button" data-testid="demo-button" on:click=on_demo>
                    {move || t().demo}
                </button>
                <button
                    class="button"
                    data-testid="export-xlsx"
                    disabled=move || doc.with(Option::is_none)
                    on:click=on_export
                >
                    {move || t().export}
                </button>
                <button
                    class="button"
                    data-testid="export-csv"
                    disabled=move || doc.with(Option::is_none)
                    on:click=on_export_csv
                >
                    "CSV"
                </button>
                <button
                    class="button"
                    data-testid="save-html"
                    disabled=move || doc.with(Option::is_none)
                    on:click=on_save_html
                >
                    {move || t().save_html}
                </button>
                {consolidate::buttons(shell)}
                <button
                    class="button"
                    data-testid="undo"
                    title="Ctrl+Z"
                    disabled=move || undo.with(Vec::is_empty)
                    on:click=move |_| on_undo.run(())
                >
                    {move || t().undo}
                </button>
                <button
                    class="button"
                    data-testid="redo"
                    title="Ctrl+Y"
                    disabled=move || redo.with(Vec::is_empty)
                    on:click=move |_| on_redo.run(())
                >
                    {move || t().redo}
                </button>
                <span class="spacer"></span>
                <Show when=move || doc.with(Option::is_some)>
                <label class="cap" title=move || t().cap_hint>
                    {move || t().cap}
                    <input
                        type="number"
                        min="1"
                        step="any"
                        data-testid="cap-input"
                        placeholder="∞"
                        disabled=move || doc.with(Option::is_none)
                        prop:value=cap
                        on:change=on_cap
                    />
                </label>
                <span class="legend">
                    <span class="swatch file"></span>{move || t().legend_file}
                    <span class="swatch computed"></span>{move || t().legend_computed}
                    <span class="swatch manual"></span>{move || t().legend_manual}
                </span>
                </Show>
                <button class="button ghost" data-testid="lang-toggle" on:click=toggle_lang>
                    {move || t().lang_switch}
                </button>
            </header>
            <Show when=move || matches!(status.get(), Status::Error(_))>
                <div class="error" role="alert" data-testid="error-message">
                    {move || match status.get() {
                        Status::Error(m) => m.say(lang.get()),
                        _ => String::new(),
                    }}
                </div>
            </Show>
            <FirstScreenNotes first=first lang=lang />
            <nav class="tabs">
                <Show when=move || doc.with(Option::is_some)>
                    {view_tab(View::Sheet, |t| t.view_sheet, "view-sheet")}
                    {view_tab(View::Summary, |t| t.view_summary, "view-summary")}
                    {view_tab(View::Draft, |t| t.view_draft, "view-draft")}
                    <button
                        class="tab view-tab"
                        data-testid="view-layout"
                        class:active=move || view.get() == View::Layout
                        on:click=move |_| set_view.set(View::Layout)
                    >
                        {move || super::i18n::layout_texts(lang.get()).view}
                    </button>
                    <button
                        class="tab view-tab"
                        data-testid="view-returns"
                        class:active=move || view.get() == View::Returns
                        on:click=move |_| set_view.set(View::Returns)
                    >
                        {move || super::i18n::consolidate_texts(lang.get()).view}
                    </button>
                    <span class="tab-gap"></span>
                </Show>
                {move || {
                    doc.with(|d| {
                        d.as_ref()
                            .map(|d| {
                                let active = d.active;
                                d.sheet_tabs()
                                    .into_iter()
                                    .map(|(index, name, table)| {
                                        view! {
                                            <button
                                                class="tab"
                                                data-testid="sheet-tab"
                                                class:no-table=!table
                                                class:active=index == active
                                                disabled=move || first.loading()
                                                on:click=move |_| set_active(index)
                                            >
                                                {name}
                                            </button>
                                        }
                                    })
                                    .collect_view()
                            })
                    })
                }}
            </nav>
            <main class="content">
                <Show
                    when=move || doc.with(Option::is_some)
                    fallback=move || {
                        view! {
                            <div class="empty" data-testid="empty-page">
                                <h1>{move || t().empty_title}</h1>
                                <label class="drop-zone" data-testid="drop-zone">
                                    <svg viewBox="0 0 24 24" width="36" height="36" aria-hidden="true">
                                        <path d="M6 2h9l5 5v15H6zM14 2v6h6M12 18v-7M9 14l3-3 3 3" fill="none" stroke="currentColor" stroke-width="1.5"></path>
                                    </svg>
                                    <span class="drop-zone-text">{move || t().empty_hint}</span>
                                    <span class="drop-hint">{move || t().drop_hint}</span>
                                    <input
                                        type="file"
                                        data-testid="empty-file-input"
                                        accept=FILE_TYPES
                                        on:change=on_pick
                                    />
                                </label>
                                <div class="empty-actions">
                                    <label class="button primary">
                                        {move || t().empty_open}
                                        <input type="file" accept=FILE_TYPES on:change=on_pick />
                                    </label>
                                    <button class="button" data-testid="empty-demo" on:click=on_demo>
                                        {move || t().empty_demo}
                                    </button>
                                </div>
                                <ul class="empty-points">
                                    {move || t().empty_points.iter().map(|p| view! { <li>{*p}</li> }).collect_view()}
                                </ul>
                            </div>
                        }
                    }
                >
                    {move || match view.get() {
                        View::Sheet => view! {
                            <div class="workspace">
                                <SheetGrid
                                    doc=doc
                                    results=results
                                    on_select=on_select
                                    on_edit=on_edit
                                    on_undo=on_undo
                                    on_redo=on_redo
                                    printing=printing
                                    lang=lang
                                    hold=hold
                                    unit_request=unit_request
                                />
                                <Show when=move || selected.with(Option::is_some)>
                                    <div
                                        class="panel-dock"
                                        data-testid="panel-dock"
                                        class:collapsed=move || panel_collapsed.get()
                                    >
                                        <button
                                            class="panel-toggle"
                                            data-testid="panel-toggle"
                                            aria-expanded=move || (!panel_collapsed.get()).to_string()
                                            title=move || {
                                                let g = grid_texts(lang.get());
                                                if panel_collapsed.get() { g.panel_expand } else { g.panel_collapse }
                                            }
                                            on:click=move |_| set_panel_collapsed.update(|c| *c = !*c)
                                        >
                                            {move || {
                                                if panel_collapsed.get() {
                                                    format!("‹ {}", grid_texts(lang.get()).panel_label)
                                                } else {
                                                    "›".to_string()
                                                }
                                            }}
                                        </button>
                                        <IndicatorPanel
                                            doc=doc
                                            results=results
                                            selected=selected
                                            lang=lang
                                            on_edit=on_edit
                                            on_close=Callback::new(move |()| set_selected.set(None))
                                        />
                                    </div>
                                </Show>
                            </div>
                        }.into_any(),
                        View::Summary => view! {
                            <SummaryView doc=doc results=results lang=lang on_unit=to_unit on_row=to_row />
                        }.into_any(),
                        View::Draft => view! { <DraftView doc=doc results=results lang=lang /> }.into_any(),
                        View::Layout => view! { <LayoutView doc=doc lang=lang on_edit=on_edit /> }.into_any(),
                        View::Returns => view! { <ReturnsView doc=doc lang=lang on_edit=on_edit on_unit=show_unit /> }.into_any(),
                    }}
                    <Show when=move || printing.get() && view.get() == View::Sheet>
                        <div class="print-summary" data-testid="print-summary">
                            <SummaryView doc=doc results=results lang=lang />
                        </div>
                    </Show>
                </Show>
            </main>
            <footer class="status" data-testid="status-bar" data-state=move || status.get().state()>
                {move || match status.get() {
                    Status::Empty => t().empty_hint.to_string(),
                    Status::Loading(name) => format!("{}{}{name}…", t().loading, t().colon),
                    Status::Ready(m) | Status::Error(m) => m.say(lang.get()),
                }}
                {move || {
                    progress
                        .get()
                        .map(|(stage, fraction)| {
                            let percent = (fraction * 100.0).round().clamp(0.0, 100.0);
                            let label = match stage {
                                Stage::Read => t().stage_read,
                                Stage::Detect => t().stage_detect,
                                Stage::Compute => t().stage_compute,
                                Stage::Export => t().stage_export,
                            };
                            view! {
                                <span class="progress" data-testid="progress" role="progressbar"
                                    aria-valuemin="0" aria-valuemax="100" aria-valuenow=percent>
                                    <span class="progress-label">{format!("{label} {percent}%")}</span>
                                    <span class="progress-track">
                                        <span class="progress-bar" style:width=format!("{percent}%")></span>
                                    </span>
                                </span>
                            }
                        })
                }}
            </footer>
        </div>
    }
}
