//! `cargo xtask fuzz [--seconds N] [TARGET …]`: runs the cargo-fuzz (libFuzzer) targets of
//! `fuzz/`, each for a bounded time, one after the other.
//!
//! Installs cargo-fuzz from crates.io when it is missing. cargo-fuzz needs nightly compiler
//! flags (`-Zsanitizer=address` and the coverage passes); with the pinned stable toolchain they
//! are allowed by `RUSTC_BOOTSTRAP=1`, set for the build only. Each target's corpus lives in
//! `fuzz/corpus/TARGET` (not committed) and is seeded from the samples: the fixture files for
//! `import`, `fuzz/seeds/value` for `value`, and the CSV samples (prefixed by a newline, which
//! the grid targets read as CSV) for `detect` and `export`. The import target's inputs are cut at
//! 64 KiB (the 2,000-row sample would slow it down to a crawl; large inputs are the limits'
//! business, tested in `tests/hostile.rs`). A crash leaves its input in
//! `fuzz/artifacts/TARGET/` and fails the command; make it a regression test in
//! `tests/hostile.rs`, named after what it was.

use crate::cmd;
use anyhow::{bail, Context, Result};
use std::path::{Path, PathBuf};
use std::process::Command;

/// Every target, in the order they run.
pub const TARGETS: &[&str] = &[
    "import", "value", "detect", "export", "html", "xml2003", "xlsb",
];

/// Flags of `fuzz`.
#[derive(Clone, Debug)]
pub struct Options {
    /// Seconds per target.
    pub seconds: u64,
    /// The targets to run (all when none is named).
    pub targets: Vec<String>,
}

impl Options {
    /// Parses `--seconds N` and target names.
    pub fn from_flags(flags: &[String]) -> Result<Self> {
        let mut opts = Options {
            seconds: 60,
            targets: Vec::new(),
        };
        let mut flags = flags.iter();
        while let Some(flag) = flags.next() {
            match flag.as_str() {
                "--seconds" => {
                    let n = flags.next().context("--seconds needs a number")?;
                    opts.seconds = n
                        .parse()
                        .with_context(|| format!("--seconds: not a number: {n}"))?;
                }
                t if TARGETS.contains(&t) => opts.targets.push(t.to_string()),
                other => bail!(
                    "unknown flag or target `{other}` for fuzz (targets: {})",
                    TARGETS.join(", ")
                ),
            }
        }
        if opts.targets.is_empty() {
            opts.targets = TARGETS.iter().map(|t| t.to_string()).collect();
        }
        Ok(opts)
    }
}

/// Builds and runs each target for `seconds`, then prints what each did.
pub fn fuzz(opts: &Options) -> Result<()> {
    ensure_cargo_fuzz()?;
    let root = cmd::root();
    let fuzz_dir = root.join("fuzz");
    let mut summary = Vec::new();
    for target in &opts.targets {
        cmd::heading(&format!("fuzz {target} for {} s", opts.seconds));
        let mut build = cmd::command("cargo");
        build
            .current_dir(&fuzz_dir)
            .env("RUSTC_BOOTSTRAP", "1")
            .args(["fuzz", "build", target]);
        cmd::run(&mut build)?;
        let corpus = fuzz_dir.join("corpus").join(target);
        std::fs::create_dir_all(&corpus)
            .with_context(|| format!("could not create {}", corpus.display()))?;
        let seeds = seed(target, &root, &corpus)?;
        let artifacts = fuzz_dir.join("artifacts").join(target);
        std::fs::create_dir_all(&artifacts)
            .with_context(|| format!("could not create {}", artifacts.display()))?;
        let binary = fuzz_dir
            .join("target")
            .join(host_triple()?)
            .join("release")
            .join(target);
        let max_len = if target == "import" { 65_536 } else { 8_192 };
        let mut run = Command::new(&binary);
        run.current_dir(&fuzz_dir)
            .arg(&corpus)
            .args(&seeds)
            .arg(format!("-max_total_time={}", opts.seconds))
            .arg(format!("-max_len={max_len}"))
            .arg("-rss_limit_mb=2048")
            .arg("-malloc_limit_mb=1024")
            .arg("-timeout=20")
            .arg("-print_final_stats=1")
            .arg(format!("-artifact_prefix={}/", artifacts.display()));
        let out = run
            .output()
            .with_context(|| format!("could not start {}", binary.display()))?;
        let log = String::from_utf8_lossy(&out.stderr);
        let executions = stat(&log, "stat::number_of_executed_units").unwrap_or(0);
        let line = format!(
            "{target}: {executions} executions in {} s, corpus {} inputs",
            opts.seconds,
            std::fs::read_dir(&corpus).map(|d| d.count()).unwrap_or(0)
        );
        println!("{line}");
        if !out.status.success() {
            let tail: Vec<&str> = log.lines().rev().take(40).collect();
            let tail: Vec<&str> = tail.into_iter().rev().collect();
            bail!(
                "fuzz target `{target}` found a crash ({}); the input is in {}:\n{}",
                out.status,
                artifacts.display(),
                tail.join("\n")
            );
        }
        summary.push(line);
    }
    cmd::heading("fuzz summary");
    for line in summary {
        println!("{line}");
    }
    Ok(())
}

/// `cargo install cargo-fuzz` when `cargo fuzz` is not there.
fn ensure_cargo_fuzz() -> Result<()> {
    let installed = Command::new("cargo")
        .args(["fuzz", "--version"])
        .output()
        .is_ok_and(|o| o.status.success());
    if installed {
        return Ok(());
    }
    cmd::run(cmd::command("cargo").args(["install", "cargo-fuzz", "--locked"]))
}

/// The host's target triple (cargo-fuzz builds for it explicitly).
fn host_triple() -> Result<String> {
    let info = cmd::output(cmd::command("rustc").arg("-vV"))?;
    info.lines()
        .find_map(|l| l.strip_prefix("host: "))
        .map(str::to_string)
        .context("rustc -vV printed no host")
}

/// The seed folders of a target (read, never written), preparing generated seeds in `corpus`.
fn seed(target: &str, root: &Path, corpus: &Path) -> Result<Vec<PathBuf>> {
    let fixtures = root.join("tests").join("fixtures");
    Ok(match target {
        "import" => vec![fixtures],
        "value" => vec![root.join("fuzz").join("seeds").join("value")],
        // The readers of issue 14: their fixtures (each target puts its own prefix before the
        // input, so the seeds go down its path), and the parts of the .xlsb fixture.
        "html" | "xml2003" => vec![fixtures.join("formats")],
        "xlsb" => vec![root.join("fuzz").join("seeds").join("xlsb")],
        _ => {
            // The CSV samples, read as grids: a leading newline selects CSV in common/grid.rs
            // (after export's first byte, the number of bytes that drive its corrections).
            let prefix: &[u8] = if target == "export" { b"\0\n" } else { b"\n" };
            for entry in std::fs::read_dir(&fixtures)
                .with_context(|| format!("could not list {}", fixtures.display()))?
            {
                let path = entry?.path();
                if path.extension().is_some_and(|e| e == "csv") {
                    let mut bytes = prefix.to_vec();
                    bytes.extend(cmd::read(&path)?);
                    let name = path.file_name().unwrap_or_default().to_string_lossy();
                    cmd::write(&corpus.join(format!("seed-{name}")), bytes)?;
                }
            }
            Vec::new()
        }
    })
}

/// A `stat::name: N` line of libFuzzer's final statistics.
fn stat(log: &str, name: &str) -> Option<u64> {
    log.lines()
        .find_map(|l| l.strip_prefix(name))
        .and_then(|rest| rest.trim_start_matches(':').trim().parse().ok())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flags_name_seconds_and_targets() {
        let o = Options::from_flags(&["--seconds".into(), "5".into(), "value".into()]).unwrap();
        assert_eq!(o.seconds, 5);
        assert_eq!(o.targets, vec!["value".to_string()]);
        assert_eq!(
            Options::from_flags(&[]).unwrap().targets.len(),
            TARGETS.len()
        );
        assert!(Options::from_flags(&["nope".into()]).is_err());
    }

    #[test]
    fn final_stats_are_read() {
        let log = "Done 12 runs\nstat::number_of_executed_units: 1234\nstat::peak_rss_mb: 80\n";
        assert_eq!(stat(log, "stat::number_of_executed_units"), Some(1234));
    }
}
