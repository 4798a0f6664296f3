//! The only place (with [`super::worker`]) that touches `web_sys`: reading a picked file,
//! downloading bytes, storage, and the few DOM measurements the grid needs ([`canvas`]: the
//! grid's body drawn on a canvas).

pub mod canvas;

use crate::error::PageError;
use wasm_bindgen::JsCast;

/// A file the user picked or dropped.
pub use web_sys::File;

/// Reads a picked or dropped file into bytes.
///
/// # Errors
/// [`PageError::FileUnreadable`] with the browser's message when the file cannot be read.
pub async fn read_file(file: web_sys::File) -> Result<Vec<u8>, PageError> {
    let name = file.name();
    let blob = gloo::file::Blob::from(web_sys::Blob::from(file));
    gloo::file::futures::read_as_bytes(&blob)
        .await
        .map_err(|e| PageError::FileUnreadable {
            file: name,
            detail: e.to_string(),
        })
}

/// Offers bytes as a download with the given file name.
///
/// # Errors
/// [`PageError::DownloadRefused`] with the browser's message.
pub fn download(bytes: &[u8], name: &str, mime: &str) -> Result<(), PageError> {
    download_array(&js_sys::Uint8Array::from(bytes), name, mime)
}

/// [`download`] of bytes that are already JavaScript's (a worker's reply): no copy through the
/// wasm memory.
///
/// # Errors
/// [`PageError::DownloadRefused`] with the browser's message.
pub fn download_array(array: &js_sys::Uint8Array, name: &str, mime: &str) -> Result<(), PageError> {
    let js = |e: wasm_bindgen::JsValue| PageError::DownloadRefused {
        detail: js_message(e),
    };
    let refused = |detail: &str| PageError::DownloadRefused {
        detail: detail.to_string(),
    };
    let parts = js_sys::Array::of1(array);
    let options = web_sys::BlobPropertyBag::new();
    options.set_type(mime);
    let blob =
        web_sys::Blob::new_with_u8_array_sequence_and_options(&parts, &options).map_err(js)?;
    let url = web_sys::Url::create_object_url_with_blob(&blob).map_err(js)?;
    let document = web_sys::window()
        .and_then(|w| w.document())
        .ok_or_else(|| refused("no document"))?;
    let anchor: web_sys::HtmlAnchorElement = document
        .create_element("a")
        .map_err(js)?
        .dyn_into()
        .map_err(|_| refused("not an anchor"))?;
    anchor.set_href(&url);
    anchor.set_download(name);
    anchor.click();
    // Revoke later: the download must have started reading the blob first.
    gloo::timers::callback::Timeout::new(60_000, move || {
        let _ = web_sys::Url::revoke_object_url(&url);
    })
    .forget();
    Ok(())
}

/// Whether this runs in a page (a worker has no `window`).
pub fn has_window() -> bool {
    web_sys::window().is_some()
}

/// The height of the browser window's viewport in pixels.
pub fn window_height() -> Option<f64> {
    web_sys::window()?.inner_height().ok()?.as_f64()
}

/// The file a file input holds (the first), emptying the input so that choosing the same
/// file again opens it again.
pub fn take_picked_file(ev: &web_sys::Event) -> Option<web_sys::File> {
    let input: web_sys::HtmlInputElement = ev.target()?.dyn_into().ok()?;
    let file = input.files().and_then(|f| f.get(0));
    input.set_value("");
    file
}

/// The form control an event comes from, if any: the grid leaves a control's keys to it (a role
/// menu's arrow keys choose a role, they do not move the active cell).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Control {
    /// A menu or a button: keys of their own, but no undo of their own.
    Menu,
    /// A text box, with its own undo.
    Text,
}

/// See [`Control`].
pub fn control_of(ev: &web_sys::Event) -> Option<Control> {
    let el = ev.target()?.dyn_into::<web_sys::Element>().ok()?;
    match el.tag_name().to_ascii_uppercase().as_str() {
        "SELECT" | "BUTTON" => Some(Control::Menu),
        "INPUT" | "TEXTAREA" => Some(Control::Text),
        _ => None,
    }
}

/// Fills the `<select>` an event came to with the options `html` makes, unless it has more
/// than one option already: a menu built with its chosen option only gets the others when it
/// is about to be used (focused, pointed at, pressed).
pub fn fill_select(ev: &web_sys::Event, html: impl FnOnce() -> String) {
    let Some(select) = ev
        .current_target()
        .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
    else {
        return;
    };
    if select.child_element_count() <= 1 {
        select.set_inner_html(&html());
    }
}

/// Every file a file input holds (one with `multiple`), emptying the input.
pub fn take_picked_files(ev: &web_sys::Event) -> Vec<web_sys::File> {
    let Some(input) = ev
        .target()
        .and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok())
    else {
        return Vec::new();
    };
    let files = files_of(input.files());
    input.set_value("");
    files
}

/// Every file of a file list (a drop's, an input's).
pub fn files_of(list: Option<web_sys::FileList>) -> Vec<web_sys::File> {
    list.map(|l| (0..l.length()).filter_map(|i| l.get(i)).collect())
        .unwrap_or_default()
}

/// Every file dropped with a drag event.
pub fn dropped_files(ev: &web_sys::DragEvent) -> Vec<web_sys::File> {
    files_of(ev.data_transfer().and_then(|d| d.files()))
}

/// The time now, in milliseconds since 1970.
pub fn now_ms() -> f64 {
    js_sys::Date::now()
}

/// The value of `name` in the page's query string (`?grid=dom&warm=0`), if any.
pub fn query_param(name: &str) -> Option<String> {
    let window = web_sys::window()?;
    let location = js_sys::Reflect::get(&window, &"location".into()).ok()?;
    let search = js_sys::Reflect::get(&location, &"search".into())
        .ok()?
        .as_string()?;
    search
        .trim_start_matches('?')
        .split('&')
        .find_map(|kv| kv.strip_prefix(name)?.strip_prefix('='))
        .map(str::to_string)
}

/// Sets `data-{key}` of the page's root element (what the page is doing, for the benches).
pub fn set_root_data(key: &str, value: &str) {
    if let Some(root) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.document_element())
    {
        let _ = root.set_attribute(&format!("data-{key}"), value);
    }
}

/// A User Timing mark (`performance.mark`), named `zb:{name}`: where the page's long work is,
/// for the benches' traces (`benches/browser/user-path-trace.mjs`). A no-op where there is no
/// `performance` (never an error).
pub fn mark(name: &str) {
    let global = js_sys::global();
    let Ok(performance) = js_sys::Reflect::get(&global, &"performance".into()) else {
        return;
    };
    let Ok(mark) = js_sys::Reflect::get(&performance, &"mark".into()) else {
        return;
    };
    if let Some(mark) = mark.dyn_ref::<js_sys::Function>() {
        let _ = mark.call1(&performance, &format!("zb:{name}").into());
    }
}

/// A time (milliseconds since 1970) as the browser writes a local date and time.
pub fn local_time(ms: f64) -> String {
    let date = js_sys::Date::new(&wasm_bindgen::JsValue::from_f64(ms));
    String::from(date.to_locale_string("zh-CN", &wasm_bindgen::JsValue::UNDEFINED))
}

/// Whether an event's target lies inside an element matching the CSS `selector`.
pub fn target_within(ev: &web_sys::Event, selector: &str) -> bool {
    ev.target()
        .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
        .and_then(|el| el.closest(selector).ok().flatten())
        .is_some()
}

/// The `data-row` and `data-col` of the grid cell (`[data-testid="grid-cell"]`) an event
/// happened in (one listener on the grid serves all its cells).
pub fn grid_cell_of(ev: &web_sys::Event) -> Option<(u32, String)> {
    let cell = ev
        .target()?
        .dyn_into::<web_sys::Element>()
        .ok()?
        .closest("[data-testid=\"grid-cell\"]")
        .ok()??;
    Some((
        cell.get_attribute("data-row")?.parse().ok()?,
        cell.get_attribute("data-col")?,
    ))
}

thread_local! {
    /// The grid font's digit and CJK widths, measured once per page ([`font_widths`]).
    static FONT_WIDTHS: std::cell::Cell<Option<(f64, f64)>> = const { std::cell::Cell::new(None) };
}

/// The width in pixels of one digit and of one CJK character in the grid's font (13 px, tabular
/// figures), measured once per page in a hidden element on the body and kept: call it at
/// start-up, when the page is small, so that no grid waits for a layout to learn its font.
pub fn font_widths() -> Option<(f64, f64)> {
    if let Some(known) = FONT_WIDTHS.with(std::cell::Cell::get) {
        return Some(known);
    }
    let document = web_sys::window()?.document()?;
    let body = document.body()?;
    let outer = document.create_element("span").ok()?;
    let _ = outer.set_attribute("class", "measure");
    let _ = outer.set_attribute("aria-hidden", "true");
    let _ = outer.set_attribute("style", "font-size:13px");
    let mut spans = Vec::new();
    for text in ["0", "中"] {
        let span = document.create_element("span").ok()?;
        span.set_text_content(Some(&text.repeat(20)));
        let _ = outer.append_child(&span);
        spans.push(span);
    }
    let _ = body.append_child(&outer);
    let width = |i: usize| {
        spans
            .get(i)
            .map_or(0.0, |s| f64::from(s.client_width()) / 20.0)
    };
    let widths = (width(0), width(1));
    outer.remove();
    FONT_WIDTHS.with(|f| f.set(Some(widths)));
    Some(widths)
}

/// Stacks the sticky header rows of the table inside `wrap`: each row that is not a title row
/// gets its `--top` offset. Returns the height of the title rows (they scroll away) and of the
/// rows that stay at the top.
pub fn stack_header_rows(wrap: &web_sys::Element) -> (f64, f64) {
    let Ok(rows) = wrap.query_selector_all("thead tr") else {
        return (0.0, 0.0);
    };
    let (mut top, mut title) = (0.0, 0.0);
    for i in 0..rows.length() {
        let Some(tr) = rows
            .item(i)
            .and_then(|n| n.dyn_into::<web_sys::Element>().ok())
        else {
            continue;
        };
        let height = f64::from(tr.client_height());
        if tr
            .get_attribute("class")
            .is_some_and(|c| c.split(' ').any(|c| c == "title"))
        {
            title += height;
            continue;
        }
        let _ = tr.set_attribute("style", &format!("--top:{top}px"));
        top += height;
    }
    (title, top)
}

/// Removes the static "loading" message of the page shell.
pub fn remove_loading_message() {
    if let Some(el) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.get_element_by_id("app-loading"))
    {
        el.remove();
    }
}

thread_local! {
    /// The page's own HTML as it was loaded, before the app changed the DOM.
    static ORIGINAL_HTML: std::cell::RefCell<Option<String>> = const { std::cell::RefCell::new(None) };
}

/// Keeps the page's own HTML (call before mounting), for 保存为网页.
pub fn capture_page() {
    let html = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.document_element())
        .map(|e| format!("<!doctype html>\n{}", e.outer_html()));
    ORIGINAL_HTML.with(|cell| *cell.borrow_mut() = html);
}

/// The page's own HTML as loaded.
pub fn page_html() -> Option<String> {
    ORIGINAL_HTML.with(|cell| cell.borrow().clone())
}

/// The plan embedded in this page (a saved page), if any.
pub fn embedded_plan() -> Option<String> {
    page_html().and_then(|html| crate::io::write::share::embedded(&html))
}

fn local_storage() -> Option<web_sys::Storage> {
    web_sys::window().and_then(|w| w.local_storage().ok().flatten())
}

/// The keys of the browser's local storage that `keep` accepts, with their texts (autosave
/// slots of earlier versions, carried into IndexedDB once).
pub fn stored_with(keep: impl Fn(&str) -> bool) -> Vec<(String, String)> {
    let Some(storage) = local_storage() else {
        return Vec::new();
    };
    let count = storage.length().unwrap_or(0);
    (0..count)
        .filter_map(|i| storage.key(i).ok().flatten())
        .filter(|key| keep(key))
        .filter_map(|key| {
            let value = storage.get_item(&key).ok().flatten()?;
            Some((key, value))
        })
        .collect()
}

/// Removes a text from the browser's local storage (nothing if it is not there).
pub fn forget(key: &str) {
    if let Some(storage) = local_storage() {
        let _ = storage.remove_item(key);
    }
}

/// This tab's name for its autosave slot: kept in the tab's session storage, so a reload keeps
/// it and another tab has its own.
pub fn tab_id() -> String {
    const KEY: &str = "zhibiao.tab";
    let storage = web_sys::window().and_then(|w| w.session_storage().ok().flatten());
    if let Some(id) = storage
        .as_ref()
        .and_then(|s| s.get_item(KEY).ok().flatten())
    {
        return id;
    }
    let id = format!(
        "{:x}-{:08x}",
        js_sys::Date::now() as u64,
        (js_sys::Math::random() * f64::from(u32::MAX)) as u32
    );
    if let Some(storage) = storage {
        let _ = storage.set_item(KEY, &id);
    }
    id
}

/// Asks the user to confirm (the browser's own dialog).
pub fn confirm(message: &str) -> bool {
    web_sys::window()
        .and_then(|w| w.confirm_with_message(message).ok())
        .unwrap_or(false)
}

/// A [`Pace`](crate::pace::Pace) for the page: after each slice of about
/// [`SLICE_MS`] it yields to the browser (a zero timeout, so input and painting get their turn)
/// before the work goes on, and reports the progress when the stage changed or [`REPORT_MS`]
/// passed since the last report. In the export worker it only reports.
///
/// One type for every caller, whatever reports the progress: the import and export pipelines
/// are generic over their `Pace`, and each type would add a copy of them to the page.
pub struct PagePace {
    report: Box<dyn FnMut(crate::pace::Stage, f64)>,
    slice_start: f64,
    yields: bool,
    stage: Option<crate::pace::Stage>,
    reports: crate::pace::Reports,
}

/// How long the work runs before it lets the page breathe.
pub const SLICE_MS: f64 = 30.0;

/// How often the progress is reported at most within a stage ([`crate::pace::Reports`]): ten
/// reports a second still move the bar.
pub const REPORT_MS: f64 = 100.0;

impl PagePace {
    /// Starts timing the first slice now.
    pub fn new(report: impl FnMut(crate::pace::Stage, f64) + 'static) -> Self {
        Self {
            report: Box::new(report),
            slice_start: js_sys::Date::now(),
            yields: true,
            stage: None,
            reports: crate::pace::Reports::default(),
        }
    }

    /// Reports after each slice but never yields: for a worker, whose thread has no page.
    pub fn reporting_only(report: impl FnMut(crate::pace::Stage, f64) + 'static) -> Self {
        Self {
            yields: false,
            ..Self::new(report)
        }
    }

    /// Yields to the page now (before work that cannot be sliced).
    pub async fn breathe(&mut self) {
        gloo_timers::future::TimeoutFuture::new(0).await;
        self.slice_start = js_sys::Date::now();
    }
}

impl crate::pace::Pace for PagePace {
    async fn pause(&mut self) {
        if self.yields {
            self.breathe().await;
        }
    }

    async fn step(&mut self, stage: crate::pace::Stage, fraction: f64) {
        if self.stage != Some(stage) {
            self.stage = Some(stage);
            mark(&format!("{stage:?}"));
        }
        let now = js_sys::Date::now();
        if now - self.slice_start >= SLICE_MS {
            if self.reports.due(stage, now, REPORT_MS) {
                (self.report)(stage, fraction);
            }
            if self.yields {
                self.breathe().await;
            } else {
                self.slice_start = js_sys::Date::now();
            }
        }
    }
}

/// The IndexedDB database and its object stores: the bytes of the open file, so that a reload
/// can read it again and replay the edits (localStorage is far too small for them), and
/// autosave's journals (one per tab, keyed by slot; version 2 added them).
const DB_NAME: &str = "zhibiao";
const DB_VERSION: u32 = 2;
const FILES_STORE: &str = "files";
const JOURNALS_STORE: &str = "journals";

/// The message of a JS error or DOM exception.
pub fn js_message(e: wasm_bindgen::JsValue) -> String {
    e.dyn_ref::<js_sys::Error>()
        .map(|e| String::from(e.message()))
        .or_else(|| {
            e.dyn_ref::<web_sys::DomException>()
                .map(web_sys::DomException::message)
        })
        .unwrap_or_else(|| format!("{e:?}"))
}

/// A promise settled by a callback pair that the caller installs on an IndexedDB object.
fn settled(
    install: impl FnOnce(&js_sys::Function, &js_sys::Function),
) -> wasm_bindgen_futures::JsFuture {
    let mut install = Some(install);
    let promise = js_sys::Promise::new(&mut |resolve, reject| {
        if let Some(install) = install.take() {
            install(&resolve, &reject);
        }
    });
    wasm_bindgen_futures::JsFuture::from(promise)
}

/// The callbacks of a request or transaction: `resolve` on success, `reject` with the error.
fn callbacks(
    resolve: &js_sys::Function,
    reject: &js_sys::Function,
) -> (wasm_bindgen::JsValue, wasm_bindgen::JsValue) {
    let (resolve, reject) = (resolve.clone(), reject.clone());
    let ok = wasm_bindgen::closure::Closure::once_into_js(move |_: web_sys::Event| {
        let _ = resolve.call0(&wasm_bindgen::JsValue::NULL);
    });
    let failed = wasm_bindgen::closure::Closure::once_into_js(move |e: web_sys::Event| {
        let _ = reject.call1(&wasm_bindgen::JsValue::NULL, &e);
    });
    (ok, failed)
}

/// A storage failure with the browser's words.
fn storage(e: wasm_bindgen::JsValue) -> PageError {
    storage_says(&js_message(e))
}

/// A storage failure with `detail` as its words.
fn storage_says(detail: &str) -> PageError {
    PageError::Storage {
        detail: detail.to_string(),
    }
}

async fn request_done(request: &web_sys::IdbRequest) -> Result<(), PageError> {
    settled(|resolve, reject| {
        let (ok, failed) = callbacks(resolve, reject);
        request.set_onsuccess(Some(ok.unchecked_ref()));
        request.set_onerror(Some(failed.unchecked_ref()));
    })
    .await
    .map(|_| ())
    .map_err(|_| {
        request
            .error()
            .ok()
            .flatten()
            .map_or_else(|| storage_says("IndexedDB"), |e| storage_says(&e.message()))
    })
}

async fn open_db() -> Result<web_sys::IdbDatabase, PageError> {
    let factory = web_sys::window()
        .and_then(|w| w.indexed_db().ok().flatten())
        .ok_or_else(|| storage_says("no IndexedDB"))?;
    let open = factory
        .open_with_u32(DB_NAME, DB_VERSION)
        .map_err(storage)?;
    let upgrade = wasm_bindgen::closure::Closure::once_into_js({
        let open = open.clone();
        move |_: web_sys::Event| {
            if let Some(db) = open
                .result()
                .ok()
                .and_then(|r| r.dyn_into::<web_sys::IdbDatabase>().ok())
            {
                // A store that is there already (an upgrade from version 1) refuses; kept.
                let _ = db.create_object_store(FILES_STORE);
                let _ = db.create_object_store(JOURNALS_STORE);
            }
        }
    });
    open.set_onupgradeneeded(Some(upgrade.unchecked_ref()));
    request_done(&open).await?;
    open.result()
        .map_err(storage)?
        .dyn_into::<web_sys::IdbDatabase>()
        .map_err(|_| storage_says("not a database"))
}

/// How many files the browser's file store keeps (the app and saved pages each have their own
/// autosave, and each may have a different file open).
const FILES_KEPT: u32 = 4;

/// Keeps `bytes` in the browser's file store under `key` (keys sort by age), drops all but the
/// newest [`FILES_KEPT`], and waits until the write is committed to disk.
///
/// # Errors
/// [`PageError::Storage`] with the browser's message (no IndexedDB, quota exceeded …).
pub async fn keep_file(key: &str, bytes: &[u8]) -> Result<(), PageError> {
    let db = open_db().await?;
    let tx = strict_transaction(&db, FILES_STORE)?;
    let store = tx.object_store(FILES_STORE).map_err(storage)?;
    // A Blob, not the bytes: IndexedDB then writes it away from the page's thread, where a
    // typed array is cloned on it (about 100 ms for a 100,000-row file).
    let parts = js_sys::Array::of1(&js_sys::Uint8Array::from(bytes));
    let blob = web_sys::Blob::new_with_u8_array_sequence(&parts).map_err(storage)?;
    store
        .put_with_key(&blob, &wasm_bindgen::JsValue::from_str(key))
        .map_err(storage)?;
    // Keys come sorted; all but the newest few go, in the same transaction.
    let keys = store.get_all_keys().map_err(storage)?;
    request_done(&keys).await?;
    if let Ok(keys) = keys.result().map(|k| js_sys::Array::from(&k)) {
        let old = keys.length().saturating_sub(FILES_KEPT);
        for i in 0..old {
            let _ = store.delete(&keys.get(i));
        }
    }
    let done = committed(&tx).await;
    db.close();
    done
}

/// Waits until the transaction is committed (or fails: its error).
async fn committed(tx: &web_sys::IdbTransaction) -> Result<(), PageError> {
    settled(|resolve, reject| {
        let (ok, failed) = callbacks(resolve, reject);
        tx.set_oncomplete(Some(ok.unchecked_ref()));
        tx.set_onerror(Some(failed.unchecked_ref()));
        tx.set_onabort(Some(failed.unchecked_ref()));
    })
    .await
    .map(|_| ())
    .map_err(|_| {
        tx.error()
            .map_or_else(|| storage_says("IndexedDB"), |e| storage_says(&e.message()))
    })
}

/// The bytes kept under `key`, if the store still has them.
pub async fn kept_file(key: &str) -> Option<Vec<u8>> {
    let db = open_db().await.ok()?;
    let request = db
        .transaction_with_str(FILES_STORE)
        .and_then(|tx| tx.object_store(FILES_STORE))
        .and_then(|store| store.get(&wasm_bindgen::JsValue::from_str(key)))
        .ok()?;
    let read = request_done(&request).await;
    db.close();
    read.ok()?;
    let value = request.result().ok()?;
    match value.dyn_into::<web_sys::Blob>() {
        Ok(blob) => gloo::file::futures::read_as_bytes(&gloo::file::Blob::from(blob))
            .await
            .ok(),
        // Kept as bytes by an earlier version.
        Err(value) => value
            .dyn_into::<js_sys::Uint8Array>()
            .ok()
            .map(|a| a.to_vec()),
    }
}

/// A read-write transaction on `store` with durability "strict": it completes only once the
/// write is on disk (a "relaxed" one may complete while the write is still in the operating
/// system's buffers). A browser that does not know the option ignores it; one that refuses the
/// options argument gets the plain transaction.
fn strict_transaction(
    db: &web_sys::IdbDatabase,
    store: &str,
) -> Result<web_sys::IdbTransaction, PageError> {
    let options = js_sys::Object::new();
    let _ = js_sys::Reflect::set(&options, &"durability".into(), &"strict".into());
    let with_options = js_sys::Reflect::get(db, &"transaction".into())
        .ok()
        .and_then(|f| f.dyn_into::<js_sys::Function>().ok())
        .and_then(|f| {
            f.call3(db, &store.into(), &"readwrite".into(), &options)
                .ok()
        })
        .and_then(|tx| tx.dyn_into::<web_sys::IdbTransaction>().ok());
    match with_options {
        Some(tx) => Ok(tx),
        None => db
            .transaction_with_str_and_mode(store, web_sys::IdbTransactionMode::Readwrite)
            .map_err(storage),
    }
}

/// Writes autosave journals (`key`, JSON) and removes others (`remove`), in one strict
/// transaction, and waits until it is committed.
///
/// # Errors
/// [`PageError::Storage`] with the browser's message (no IndexedDB, quota exceeded …); then nothing was written.
pub async fn write_journals(put: &[(String, String)], remove: &[String]) -> Result<(), PageError> {
    let db = open_db().await?;
    let written = (|| {
        let tx = strict_transaction(&db, JOURNALS_STORE)?;
        let store = tx.object_store(JOURNALS_STORE).map_err(storage)?;
        for (key, json) in put {
            store
                .put_with_key(&json.into(), &key.into())
                .map_err(storage)?;
        }
        for key in remove {
            store.delete(&key.into()).map_err(storage)?;
        }
        Ok::<_, PageError>(tx)
    })();
    let done = match written {
        Ok(tx) => committed(&tx).await,
        Err(e) => Err(e),
    };
    db.close();
    done
}

/// Every autosave journal the browser keeps (`key`, JSON), in key order.
///
/// # Errors
/// [`PageError::Storage`] with the browser's message (no IndexedDB …).
pub async fn journals() -> Result<Vec<(String, String)>, PageError> {
    let db = open_db().await?;
    let read = async {
        let store = db
            .transaction_with_str(JOURNALS_STORE)
            .and_then(|tx| tx.object_store(JOURNALS_STORE))
            .map_err(storage)?;
        let keys = store.get_all_keys().map_err(storage)?;
        let values = store.get_all().map_err(storage)?;
        request_done(&keys).await?;
        request_done(&values).await?;
        let keys = js_sys::Array::from(&keys.result().map_err(storage)?);
        let values = js_sys::Array::from(&values.result().map_err(storage)?);
        Ok::<_, PageError>(
            keys.iter()
                .zip(values.iter())
                .filter_map(|(k, v)| Some((k.as_string()?, v.as_string()?)))
                .collect(),
        )
    }
    .await;
    db.close();
    read
}
