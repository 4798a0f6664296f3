//! What the page hands the user as files: the filled workbook (from the export worker, or in
//! slices on the page where no worker starts), 计划明细 as CSV and the page saved with its plan.
//! Each returns the downloaded file's name, or why not ([`PageError`]).

use super::browser;
use super::state::{Doc, Journal, Session, Start, SESSION_VERSION};
use super::worker::{self, WorkerError};
use crate::error::{Lang, PageError};
use crate::pace::Stage;
use leptos::prelude::*;

const XLSX_MIME: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
const HTML_MIME: &str = "text/html;charset=utf-8";
const CSV_MIME: &str = "text/csv;charset=utf-8";

/// Saves the page with `doc` embedded (a saved page opens on it, offline).
pub(super) fn save_html(doc: Doc, lang: Lang) -> Result<String, PageError> {
    let name = doc.html_name();
    let session = Session {
        version: SESSION_VERSION,
        doc: Some(doc),
        lang,
        ..Session::default()
    };
    let page = browser::page_html().ok_or(PageError::NoPageSource)?;
    let json = session.to_json()?;
    let html = crate::io::write::share::embed(&page, &json).map_err(|_| PageError::NoPageSource)?;
    browser::download(html.as_bytes(), &name, HTML_MIME)?;
    Ok(name)
}

/// Downloads 计划明细 as CSV.
pub(super) fn export_csv(doc: &Doc) -> Result<String, PageError> {
    let name = doc.csv_name();
    browser::download(&doc.export_csv(), &name, CSV_MIME)?;
    Ok(name)
}

/// Exports the filled workbook: in the worker, which rebuilds the document from `from` and
/// `journal`; where no worker can start, here in slices on the document as it stands.
/// `created_ms` is the file's creation time, the same whichever side writes it.
pub(super) async fn export_xlsx(
    name: String,
    from: Option<std::sync::Arc<Start>>,
    journal: Journal,
    created_ms: f64,
    doc: ReadSignal<Option<Doc>>,
    report: impl FnMut(Stage, f64) + Copy + 'static,
) -> Result<String, PageError> {
    let in_worker = match from {
        Some(from) => worker::export(&from, &journal, created_ms, report).await,
        None => Err(WorkerError::Unavailable("no start to rebuild from".into())),
    };
    let array = match in_worker {
        Ok(array) => array,
        Err(WorkerError::Failed(message)) => return Err(PageError::Worker { message }),
        Err(WorkerError::Unavailable(why)) => {
            leptos::logging::warn!("exporting in the page: no worker ({why})");
            let mut pace = browser::PagePace::new(report);
            pace.breathe().await;
            match doc.get_untracked() {
                Some(current) => current
                    .export_xlsx_paced(Some(created_ms), &mut pace)
                    .await
                    .map(|bytes| js_sys::Uint8Array::from(bytes.as_slice()))?,
                None => return Err(PageError::NothingToExport),
            }
        }
    };
    browser::download_array(&array, &name, XLSX_MIME)?;
    Ok(name)
}
