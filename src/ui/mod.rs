//! The thin shell: Leptos components over [`state`], no arithmetic beyond formatting.
//!
//! [`state`] is plain Rust and compiles everywhere (tested natively); the components and the
//! browser glue exist only in the wasm32 build.

pub mod chart;
pub mod state;

#[cfg(target_arch = "wasm32")]
mod app;
#[cfg(target_arch = "wasm32")]
mod autosave;
#[cfg(target_arch = "wasm32")]
mod browser;
#[cfg(target_arch = "wasm32")]
mod consolidate;
#[cfg(target_arch = "wasm32")]
mod downloads;
#[cfg(target_arch = "wasm32")]
mod first_screen;
#[cfg(target_arch = "wasm32")]
pub mod i18n;
#[cfg(target_arch = "wasm32")]
mod indicator;
#[cfg(target_arch = "wasm32")]
mod layout;
#[cfg(target_arch = "wasm32")]
mod sheet;
#[cfg(target_arch = "wasm32")]
mod status;
#[cfg(target_arch = "wasm32")]
mod summary;
#[cfg(target_arch = "wasm32")]
mod warm;
#[cfg(target_arch = "wasm32")]
pub mod worker;

/// Installs the panic hook and mounts the app on the page's body. In the export worker (no
/// `window`) it mounts nothing: the worker's script calls [`worker::export_in_worker`].
#[cfg(target_arch = "wasm32")]
pub fn start() {
    console_error_panic_hook::set_once();
    if !browser::has_window() {
        return;
    }
    // Keep the page as loaded (with its loading message) for 保存为网页.
    browser::capture_page();
    browser::remove_loading_message();
    leptos::mount::mount_to_body(app::App);
    // The grid's font, measured while the page is small (the grid then needs no layout to
    // size its columns).
    let _ = browser::font_widths();
    browser::canvas::warm_font();
}
