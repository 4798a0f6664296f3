//! `cargo xtask bench --grid-path [--quick] [--no-dist]`: the grid at size in the SHIPPED page.
//!
//! 1. the `.xlsx` plans of [`gen::generate_xlsx`] (2,000, 20,000 and, without `--quick`,
//!    100,000 rows);
//! 2. `dist/zhibiao.html` as shipped (`cargo xtask dist`, unless `--no-dist`);
//! 3. `node benches/browser/grid-path.mjs`: each file uploaded, then a screen of scroll at a
//!    time, keystrokes in a cell and an edit committed, and upload → painted next to the
//!    import's own time; → `target/bench/grid-path.json`, `grid-path.md`.
//!
//! Nothing asserts a time.

use crate::bench::{bench_dir, Options};
use crate::{cmd, dist, gen};
use anyhow::Result;

/// Runs the grid-path bench.
pub fn run(opts: &Options) -> Result<()> {
    cmd::heading("generate the plans (.xlsx)");
    let files = gen::generate_xlsx(opts.sizes())?;
    if !opts.no_dist {
        cmd::heading("the shipped page: cargo xtask dist");
        dist::dist(&dist::Options {
            wasm_opt: true,
            names: false,
        })?;
    }
    cmd::heading("browser: scroll, keystroke and upload in the shipped page");
    let list = files
        .iter()
        .map(|f| {
            format!(
                "{{\"path\":\"{}\",\"rows\":{}}}",
                f.path
                    .display()
                    .to_string()
                    .replace('\\', "/")
                    .replace('"', "\\\""),
                f.rows
            )
        })
        .collect::<Vec<_>>()
        .join(",");
    cmd::run(
        cmd::command("node")
            .arg("benches/browser/grid-path.mjs")
            .env("ZHIBIAO_TARGET_DIR", dist::target_dir())
            .env("ZHIBIAO_GRID_PATH_FILES", format!("[{list}]")),
    )?;
    println!(
        "\nbench --grid-path: see {}",
        bench_dir().join("grid-path.md").display()
    );
    Ok(())
}
