//! The `.xlsx` export in a Web Worker, so that writing a large workbook never freezes the page.
//!
//! The worker runs the same wasm module as the page. Its script is the page's own module script
//! (the wasm-bindgen glue and `xtask/src/bootstrap.js`, which serves export jobs when it finds
//! no `document`), started as a classic script from a `blob:` URL; the page posts it the compiled module, where the
//! document started ([`Start`]: the opened file's bytes or the saved page's session) and the
//! [`Journal`] of edits. The worker rebuilds the document as a reload would, exports it with
//! the same code as the page, reports its progress and posts the workbook's bytes back.
//!
//! Messages from the worker:
//!
//! | message | meaning |
//! |---|---|
//! | `{progress: [stage code, fraction]}` | [`Stage::code`], 0 to 1; after each ~30 ms of work |
//! | `{done: Uint8Array}` | the workbook |
//! | `{failed: message}` | the export itself failed: the message is for the user |
//! | `{broken: message}` | the worker could not start or rebuild the document |
//!
//! Anything short of `done` or `failed` (no worker support, a blocked script, a broken
//! worker) is [`WorkerError::Unavailable`], and the page exports in slices itself.

use super::state::{Journal, Start};
use crate::pace::Stage;
use std::cell::RefCell;
use std::rc::Rc;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

/// Why the worker did not deliver a workbook.
#[derive(Clone, Debug, PartialEq)]
pub enum WorkerError {
    /// No worker could do the job (the reason is for the console); the page does it itself.
    Unavailable(String),
    /// The export failed, with the message for the user.
    Failed(String),
}

/// Exports the document that `journal` replays on `start`, in a worker, reporting progress.
///
/// # Errors
/// [`WorkerError`]: `Unavailable` when the page should export itself instead.
pub async fn export(
    start: &Start,
    journal: &Journal,
    created_ms: f64,
    mut on_progress: impl FnMut(Stage, f64) + 'static,
) -> Result<js_sys::Uint8Array, WorkerError> {
    let unavailable = |e: JsValue| WorkerError::Unavailable(super::browser::js_message(e));
    let script = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.get_element_by_id("zhibiao-boot"))
        .and_then(|e| e.text_content())
        .ok_or_else(|| WorkerError::Unavailable("no module script".into()))?;
    let parts = js_sys::Array::of1(&JsValue::from_str(&script));
    let options = web_sys::BlobPropertyBag::new();
    options.set_type("text/javascript");
    let blob =
        web_sys::Blob::new_with_str_sequence_and_options(&parts, &options).map_err(unavailable)?;
    let url = web_sys::Url::create_object_url_with_blob(&blob).map_err(unavailable)?;
    // A classic worker: Chromium starts no module worker from the `blob:` URL of a page opened
    // from `file://` (the script is written to run as either, see `xtask/src/html.rs`).
    let worker = web_sys::Worker::new(&url);
    // The worker has read its script once it runs; a failed start needs no URL either.
    let _ = web_sys::Url::revoke_object_url(&url);
    let worker = worker.map_err(unavailable)?;

    // The reply settles a promise; progress messages only report.
    let settle = Rc::new(RefCell::new(None::<(js_sys::Function, js_sys::Function)>));
    let reply = {
        let settle = settle.clone();
        wasm_bindgen_futures::JsFuture::from(js_sys::Promise::new(&mut |resolve, reject| {
            *settle.borrow_mut() = Some((resolve, reject));
        }))
    };
    let on_message = {
        let settle = settle.clone();
        Closure::<dyn FnMut(web_sys::MessageEvent)>::new(move |event: web_sys::MessageEvent| {
            let data = event.data();
            let progress = js_sys::Reflect::get(&data, &"progress".into()).ok();
            if let Some(progress) = progress.filter(js_sys::Array::is_array) {
                let progress = js_sys::Array::from(&progress);
                let stage = progress.get(0).as_f64().and_then(Stage::from_code);
                if let (Some(stage), Some(fraction)) = (stage, progress.get(1).as_f64()) {
                    on_progress(stage, fraction.clamp(0.0, 1.0));
                }
                return;
            }
            if let Some((resolve, _)) = settle.borrow_mut().take() {
                let _ = resolve.call1(&JsValue::NULL, &data);
            }
        })
    };
    let on_error = {
        let settle = settle.clone();
        Closure::<dyn FnMut(web_sys::Event)>::new(move |event: web_sys::Event| {
            let reason = js_sys::Reflect::get(&event, &"message".into())
                .ok()
                .and_then(|m| m.as_string())
                .unwrap_or_else(|| event.type_());
            if let Some((_, reject)) = settle.borrow_mut().take() {
                let _ = reject.call1(&JsValue::NULL, &JsValue::from_str(&reason));
            }
        })
    };
    worker.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    worker.set_onerror(Some(on_error.as_ref().unchecked_ref()));
    worker.set_onmessageerror(Some(on_error.as_ref().unchecked_ref()));

    let outcome = match post_job(&worker, start, journal, created_ms) {
        Ok(()) => reply.await.map_err(unavailable).and_then(read_reply),
        Err(e) => Err(unavailable(e)),
    };
    worker.terminate();
    worker.set_onmessage(None);
    worker.set_onerror(None);
    worker.set_onmessageerror(None);
    drop((on_message, on_error));
    outcome
}

/// Posts the job: the compiled module, where the document started and the journal.
fn post_job(
    worker: &web_sys::Worker,
    start: &Start,
    journal: &Journal,
    created_ms: f64,
) -> Result<(), JsValue> {
    let journal = journal
        .to_json()
        .map_err(|e| JsValue::from_str(&e.to_string()))?;
    let job = js_sys::Object::new();
    js_sys::Reflect::set(&job, &"created".into(), &created_ms.into())?;
    js_sys::Reflect::set(&job, &"module".into(), &wasm_bindgen::module())?;
    js_sys::Reflect::set(&job, &"journal".into(), &journal.into())?;
    match start {
        Start::File(bytes) => {
            let bytes = js_sys::Uint8Array::from(bytes.as_slice());
            js_sys::Reflect::set(&job, &"file".into(), &bytes)?;
            worker.post_message_with_transfer(&job, &js_sys::Array::of1(&bytes.buffer()))
        }
        Start::Session(json) => {
            js_sys::Reflect::set(&job, &"session".into(), &json.into())?;
            worker.post_message(&job)
        }
    }
}

/// The workbook from the worker's last message, or why there is none.
fn read_reply(data: JsValue) -> Result<js_sys::Uint8Array, WorkerError> {
    let field = |name: &str| js_sys::Reflect::get(&data, &name.into()).ok();
    if let Some(done) = field("done").and_then(|d| d.dyn_into::<js_sys::Uint8Array>().ok()) {
        return Ok(done);
    }
    if let Some(message) = field("failed").and_then(|m| m.as_string()) {
        return Err(WorkerError::Failed(message));
    }
    let reason = field("broken")
        .and_then(|m| m.as_string())
        .unwrap_or_else(|| "an unexpected message from the worker".into());
    Err(WorkerError::Unavailable(reason))
}

/// The worker's job (called by `xtask/src/bootstrap.js` in the worker): rebuild the document
/// from `file` (the opened file's bytes) or `session` (a saved page's JSON) and `journal`, and
/// export it with the page's `created_ms` as the file's creation time. `progress(stage code,
/// fraction)` is called as the work goes on.
///
/// # Errors
/// A string: the export failed, and this is the message for the user. A `js_sys::Error`: the
/// document could not be rebuilt (the page then exports itself).
#[wasm_bindgen]
pub async fn export_in_worker(
    journal: String,
    file: Option<Vec<u8>>,
    session: Option<String>,
    created_ms: f64,
    progress: js_sys::Function,
) -> Result<Vec<u8>, JsValue> {
    let broken = |message: &str| JsValue::from(js_sys::Error::new(message));
    let journal = Journal::from_json(&journal).ok_or_else(|| broken("unreadable journal"))?;
    let start = match (file, session) {
        (Some(bytes), _) => Start::File(bytes),
        (None, Some(json)) => Start::Session(json),
        (None, None) => return Err(broken("no document to export")),
    };
    let mut pace = super::browser::PagePace::reporting_only(move |stage: Stage, fraction| {
        let _ = progress.call2(
            &JsValue::NULL,
            &JsValue::from(stage.code()),
            &JsValue::from(fraction),
        );
    });
    let doc = journal
        .rebuild_paced(&start, &mut pace)
        .await
        .map_err(|e| broken(&e.user_message(journal.lang)))?;
    doc.export_xlsx_paced(Some(created_ms), &mut pace)
        .await
        .map_err(|e| JsValue::from_str(&e.user_message(journal.lang)))
}
