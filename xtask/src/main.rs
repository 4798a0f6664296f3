//! Build, serve and test tooling for Zhibiao, run as `cargo xtask <command>`.
//!
//! The commands:
//! - `dist`: compile the app to wasm, run wasm-bindgen and wasm-opt, and inline everything into the
//!   single self-contained page `dist/zhibiao.html` (see [`dist`] and, for the page template, [`html`]);
//! - `run`: `dist`, then serve `dist/` on 127.0.0.1 (see [`serve`]);
//! - `test`: install what the tests need, then run every check that CI runs (see [`test`]);
//! - `fuzz`: run the cargo-fuzz targets of `fuzz/` for a bounded time each (see [`fuzz`]).

mod bench;
mod cmd;
mod dist;
mod fuzz;
mod gen;
mod grid_path;
mod html;
mod serve;
mod test;
mod user_path;

use anyhow::{bail, Result};
use std::process::ExitCode;

const USAGE: &str = "\
Usage: cargo xtask <command> [flags]

Commands:
  dist                 build dist/zhibiao.html (one self-contained file)
      --no-wasm-opt    skip wasm-opt (quicker, larger)
      --names          dist/zhibiao-names.html: wasm function names kept (for CPU profiles)
  run                  dist, then serve dist/ on 127.0.0.1:8080 (or $ZHIBIAO_PORT)
  test                 set up the machine, then run every check CI runs
      --no-setup       skip rustup/apt-get/npm set-up
      --no-browser     skip dist and the browser tests
      --browser-only   only dist and the browser tests
  bench                generate plans, run the native and in-browser benchmarks (target/bench/)
      --quick          only the 2,000- and 20,000-row plans
      --native-only | --browser-only | --gen-only | --divan (also the divan stage benches)
      --no-dist        measure the existing dist/zhibiao.html
      --no-setup       skip apt-get/npm set-up
      --user-path      only the user's path in the shipped page (file chosen → first row
                       painted → import done) for four writers' .xlsx, LibreOffice's .xls
                       and .ods, next to SheetJS and native calamine (target/bench/user-path.md)
      --grid-path      only the grid at size in the shipped page: a screen of scroll, a
                       keystroke, upload → painted (target/bench/grid-path.md)
  fuzz [TARGET …]      run the cargo-fuzz targets (import, value, detect, export), one by one
      --seconds N      seconds per target (default 60)
  help                 show this text
";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match run(&args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("\nxtask: error: {err:#}");
            ExitCode::FAILURE
        }
    }
}

fn run(args: &[String]) -> Result<()> {
    let (command, flags) = match args.split_first() {
        Some((command, flags)) => (command.as_str(), flags),
        None => ("help", &[][..]),
    };
    match command {
        "dist" => {
            let opts = dist::Options::from_flags(flags)?;
            dist::dist(&opts).map(|_| ())
        }
        "run" => {
            let opts = dist::Options::from_flags(flags)?;
            let page = dist::dist(&opts)?;
            serve::serve(&page)
        }
        "test" => test::test(&test::Options::from_flags(flags)?),
        "bench" => bench::bench(&bench::Options::from_flags(flags)?),
        "fuzz" => fuzz::fuzz(&fuzz::Options::from_flags(flags)?),
        "help" | "-h" | "--help" => {
            print!("{USAGE}");
            Ok(())
        }
        other => bail!("unknown command `{other}`\n\n{USAGE}"),
    }
}
