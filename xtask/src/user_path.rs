//! `cargo xtask bench --user-path [--quick] [--no-dist]`: the user's path in the SHIPPED page.
//!
//! 1. the plans of [`gen::generate`] (our generator: rust_xlsxwriter, shared strings — what Excel
//!    writes), and the same plans as three other writers write them, into
//!    `target/bench/data/writers/`: openpyxl 3.1.5 (a venv in `target/bench/venv`), LibreOffice
//!    (`soffice --convert-to xlsx`) and a streaming writer with inline strings and numeric
//!    character references (`benches/writers.py`); and LibreOffice's `.ods` of the same plan;
//! 2. `dist/zhibiao.html` as shipped (`cargo xtask dist`, unless `--no-dist`);
//! 3. native baselines of the same files: calamine's plain read, our import and our first screen
//!    (`cargo bench --bench pipeline` with `ZHIBIAO_USER_PATH_FILES`);
//! 4. `node benches/browser/user-path.mjs`: each file chosen in the page's file input, timed to
//!    the first data row painted and to the import done, and SheetJS's `XLSX.read` of the same
//!    bytes; → `target/bench/user-path.json`, `user-path.md`.
//!
//! Nothing asserts a time.

use crate::bench::{bench_dir, native_bench_command, Options};
use crate::cmd;
use crate::dist;
use crate::gen;
use anyhow::{bail, Result};
use std::path::{Path, PathBuf};

/// One file of the bench: where it is, who wrote it, how many data rows.
struct Input {
    path: PathBuf,
    writer: &'static str,
    rows: usize,
}

/// Runs the user-path bench.
pub fn run(opts: &Options) -> Result<()> {
    cmd::heading("generate the plans");
    let files = gen::generate(opts.sizes())?;
    let writers = gen::data_dir().join("writers");
    std::fs::create_dir_all(&writers)?;
    let python = venv()?;
    let mut inputs = Vec::new();
    for f in files.iter().filter(|f| f.format == "xls") {
        inputs.push(Input {
            path: f.path.clone(),
            writer: "LibreOffice (.xls)",
            rows: f.rows,
        });
    }
    for f in files.iter().filter(|f| f.format == "xlsx") {
        let source = f.path.clone();
        let stem = source
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default();
        cmd::heading(&format!("other writers: {}", f.name));
        cmd::run(
            cmd::command(&python)
                .arg(cmd::root().join("benches").join("writers.py"))
                .arg(&source)
                .arg(&writers),
        )?;
        libreoffice_copy(&source, &writers, &stem, "xlsx")?;
        let ods = libreoffice_copy(&source, &writers, &stem, "ods")?;
        inputs.push(Input {
            path: source,
            writer: "rust_xlsxwriter (shared strings, as Excel)",
            rows: f.rows,
        });
        for (suffix, writer) in [
            ("openpyxl", "openpyxl 3.1.5"),
            ("libreoffice", "LibreOffice"),
            ("stream", "streaming, inline strings + &#NNNN;"),
        ] {
            inputs.push(Input {
                path: writers.join(format!("{stem}-{suffix}.xlsx")),
                writer,
                rows: f.rows,
            });
        }
        inputs.push(Input {
            path: ods,
            writer: "LibreOffice (.ods)",
            rows: f.rows,
        });
    }
    for i in &inputs {
        if !i.path.is_file() {
            bail!("{} was not written", i.path.display());
        }
    }

    if !opts.no_dist {
        cmd::heading("the shipped page: cargo xtask dist");
        dist::dist(&dist::Options {
            wasm_opt: true,
            names: false,
        })?;
    }

    cmd::heading("native: calamine's read, our import and first screen of each file");
    let native = bench_dir().join("user-path-native.json");
    let paths = std::env::join_paths(inputs.iter().map(|i| &i.path))?;
    cmd::run(
        native_bench_command()
            .env("ZHIBIAO_USER_PATH_FILES", &paths)
            .env("ZHIBIAO_USER_PATH_JSON", &native),
    )?;

    cmd::heading("browser: the shipped page on the user's path, and SheetJS");
    let list = inputs
        .iter()
        .map(|i| {
            format!(
                "{{\"path\":{},\"writer\":{},\"rows\":{}}}",
                json_string(&i.path.display().to_string()),
                json_string(i.writer),
                i.rows
            )
        })
        .collect::<Vec<_>>()
        .join(",");
    cmd::run(
        cmd::command("node")
            .arg("benches/browser/user-path.mjs")
            .env("ZHIBIAO_TARGET_DIR", dist::target_dir())
            .env("ZHIBIAO_USER_PATH_FILES", format!("[{list}]"))
            .env("ZHIBIAO_USER_PATH_NATIVE", &native),
    )?;
    println!(
        "\nbench --user-path: see {}",
        bench_dir().join("user-path.md").display()
    );
    Ok(())
}

/// `source` as LibreOffice saves it in the format `to`, written once as
/// `writers/<stem>-libreoffice.<to>`.
fn libreoffice_copy(source: &Path, writers: &Path, stem: &str, to: &str) -> Result<PathBuf> {
    let copy = writers.join(format!("{stem}-libreoffice.{to}"));
    if !copy.is_file() {
        let out = writers.join("lo");
        std::fs::create_dir_all(&out)?;
        gen::soffice_to(source, &out, to)?;
        std::fs::rename(out.join(format!("{stem}.{to}")), &copy)?;
    }
    Ok(copy)
}

/// The venv's python with openpyxl 3.1.5, made once in `target/bench/venv`.
fn venv() -> Result<PathBuf> {
    let dir = bench_dir().join("venv");
    let python = dir.join("bin").join("python");
    if !has_openpyxl(&python) {
        cmd::run(cmd::command("python3").args(["-m", "venv"]).arg(&dir))?;
        cmd::run(cmd::command(&python).args([
            "-m",
            "pip",
            "install",
            "--quiet",
            "openpyxl==3.1.5",
        ]))?;
    }
    Ok(python)
}

fn has_openpyxl(python: &Path) -> bool {
    python.is_file() && cmd::output(cmd::command(python).args(["-c", "import openpyxl"])).is_ok()
}

fn json_string(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if u32::from(c) < 0x20 => out.push_str(&format!("\\u{:04x}", u32::from(c))),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}
