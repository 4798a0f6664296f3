//! The WebAssembly entry: install the panic hook and mount the app, nothing else.

#[cfg(target_arch = "wasm32")]
fn main() {
    zhibiao::ui::start();
}

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    eprintln!("zhibiao is the browser app; build it with `cargo xtask dist`, or use zhibiao-cli");
}
