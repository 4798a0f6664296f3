//! `cargo xtask test`: sets up a fresh Debian machine (as root), then runs every check CI runs,
//! stopping at the first failure.

use crate::cmd;
use crate::dist;
use anyhow::{bail, Context, Result};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Instant, SystemTime};

const CHROMIUM: &str = "/usr/bin/chromium";
const CHROMEDRIVER: &str = "/usr/bin/chromedriver";
const BROWSER_TESTS: &str = "tests/browser";
/// A Chinese font for readable screenshots (Debian package, and its regular sans file: the page's
/// font list names "Noto Sans CJK SC").
const CJK_FONT_PACKAGE: &str = "fonts-noto-cjk";
const CJK_FONT_FILE: &str = "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc";

/// Flags of `test`.
#[derive(Clone, Copy, Debug, Default)]
pub struct Options {
    /// Skip rustup, apt-get and npm.
    pub no_setup: bool,
    /// Skip dist and the browser tests.
    pub no_browser: bool,
    /// Only dist and the browser tests (and what they need).
    pub browser_only: bool,
}

impl Options {
    /// Parses `--no-setup`, `--no-browser` and `--browser-only`.
    pub fn from_flags(flags: &[String]) -> Result<Self> {
        let mut opts = Options::default();
        for flag in flags {
            match flag.as_str() {
                "--no-setup" => opts.no_setup = true,
                "--no-browser" => opts.no_browser = true,
                "--browser-only" => opts.browser_only = true,
                other => bail!("unknown flag `{other}` for test (see `cargo xtask help`)"),
            }
        }
        if opts.no_browser && opts.browser_only {
            bail!("--no-browser and --browser-only exclude each other");
        }
        Ok(opts)
    }
}

/// One check: a name and what runs it.
struct Step {
    name: &'static str,
    run: Box<dyn Fn() -> Result<()>>,
}

impl Step {
    fn new(name: &'static str, run: impl Fn() -> Result<()> + 'static) -> Self {
        Step {
            name,
            run: Box::new(run),
        }
    }

    /// A cargo invocation with these arguments.
    fn cargo(name: &'static str, args: &'static [&'static str]) -> Self {
        Step::new(name, move || cmd::run(cmd::cargo().args(args)))
    }
}

/// Runs the set-up, then every step in order, failing fast.
///
/// Nothing is printed after the last step, so the output ends with the test runner's own summary
/// (which CI reads).
pub fn test(opts: &Options) -> Result<()> {
    let started = Instant::now();
    let steps = steps(opts);
    let total = steps.len();
    for (index, step) in steps.iter().enumerate() {
        cmd::heading(&format!(
            "[{}/{total}] {} ({:.0} s so far)",
            index + 1,
            step.name,
            started.elapsed().as_secs_f64()
        ));
        (step.run)()
            .with_context(|| format!("step {}/{total} `{}` failed", index + 1, step.name))?;
    }
    Ok(())
}

fn steps(opts: &Options) -> Vec<Step> {
    let mut steps = Vec::new();
    if !opts.no_setup {
        steps.push(Step::new("set-up: rust targets and components", setup_rust));
        if !opts.browser_only {
            steps.push(Step::new("set-up: libreoffice", setup_libreoffice));
        }
        if !opts.no_browser {
            steps.push(Step::new("set-up: chromium", setup_chromium));
            steps.push(Step::new("set-up: node packages", setup_node));
        }
    }
    if !opts.browser_only {
        steps.push(Step::cargo("cargo fmt", &["fmt", "--all", "--", "--check"]));
        steps.push(Step::cargo(
            "cargo clippy (native)",
            &[
                "clippy",
                "--workspace",
                "--all-targets",
                "--",
                "-D",
                "warnings",
            ],
        ));
        steps.push(Step::cargo(
            "cargo clippy (wasm32)",
            &[
                "clippy",
                "--target",
                "wasm32-unknown-unknown",
                "--bin",
                "zhibiao",
                "--lib",
                "--",
                "-D",
                "warnings",
            ],
        ));
        steps.push(Step::cargo("cargo test", &["test", "--workspace"]));
    }
    if !opts.no_browser {
        steps.push(Step::cargo(
            "cargo build zhibiao-cli",
            &["build", "--bin", "zhibiao-cli"],
        ));
        steps.push(Step::new("dist", || {
            dist::dist(&dist::Options {
                wasm_opt: true,
                names: false,
            })
            .map(|_| ())
        }));
        steps.push(Step::new("browser tests", browser_tests));
    }
    steps
}

/// The wasm32 target, clippy and rustfmt.
fn setup_rust() -> Result<()> {
    dist::ensure_wasm_target()?;
    if !cmd::on_path("rustup") {
        println!("note: rustup not found; assuming clippy and rustfmt are installed");
        return Ok(());
    }
    let installed = cmd::output(cmd::command("rustup").args(["component", "list", "--installed"]))?;
    let has = |name: &str| installed.lines().any(|line| line.starts_with(name));
    if has("clippy") && has("rustfmt") {
        println!("clippy and rustfmt are installed");
        return Ok(());
    }
    cmd::run(cmd::command("rustup").args(["component", "add", "clippy", "rustfmt"]))
}

/// Debian's chromium and chromium-driver when either is missing, and a Chinese font when there is
/// none (without one, screenshots show boxes instead of Chinese text).
pub(crate) fn setup_chromium() -> Result<()> {
    let mut missing = Vec::new();
    if !Path::new(CHROMIUM).exists() || !Path::new(CHROMEDRIVER).exists() {
        missing.extend(["chromium", "chromium-driver"]);
    }
    if !has_chinese_font() {
        missing.push(CJK_FONT_PACKAGE);
    }
    if missing.is_empty() {
        println!("{CHROMIUM}, {CHROMEDRIVER} and a Chinese font are installed");
        return Ok(());
    }
    apt_install(&missing)
}

/// LibreOffice Calc (headless), the independent client that recomputes every exported formula
/// in `tests/libreoffice.rs`.
fn setup_libreoffice() -> Result<()> {
    if cmd::on_path("soffice") {
        println!("soffice is installed");
        return Ok(());
    }
    apt_install(&["libreoffice-calc-nogui"])
}

/// Whether fontconfig knows a font for Chinese.
fn has_chinese_font() -> bool {
    Path::new(CJK_FONT_FILE).exists()
        || cmd::output(cmd::command("fc-list").arg(":lang=zh"))
            .is_ok_and(|fonts| !fonts.trim().is_empty())
}

/// Node.js (from Debian, when missing) and `npm ci` when node_modules is missing or older than
/// package-lock.json.
pub(crate) fn setup_node() -> Result<()> {
    if !cmd::on_path("node") || !cmd::on_path("npm") {
        apt_install(&["nodejs", "npm"])?;
    }
    let root = cmd::root();
    let lock = root.join("package-lock.json");
    let installed = root.join("node_modules").join(".package-lock.json");
    let stale = match (modified(&installed), modified(&lock)) {
        (Some(installed), Some(lock)) => installed < lock,
        _ => true,
    };
    if !stale {
        println!("node_modules is up to date with package-lock.json");
        return Ok(());
    }
    cmd::run(cmd::command("npm").args(["ci", "--no-audit", "--no-fund"]))
}

fn modified(path: &Path) -> Option<SystemTime> {
    std::fs::metadata(path).and_then(|m| m.modified()).ok()
}

/// `apt-get update && apt-get install -y PACKAGES`, non-interactively.
pub(crate) fn apt_install(packages: &[&str]) -> Result<()> {
    if !cmd::on_path("apt-get") {
        bail!(
            "{} missing and apt-get is not available: install {} yourself",
            packages.join(", "),
            packages.join(" ")
        );
    }
    let apt = |args: &[&str]| -> Result<()> {
        let mut command = cmd::command("apt-get");
        command.env("DEBIAN_FRONTEND", "noninteractive").args(args);
        cmd::run(&mut command)
    };
    apt(&["update"])?;
    let mut args = vec!["install", "-y", "--no-install-recommends"];
    args.extend_from_slice(packages);
    apt(&args)
}

/// `node --test --test-concurrency=1` over every `tests/browser/*.test.mjs`.
fn browser_tests() -> Result<()> {
    let files = browser_test_files(&cmd::root().join(BROWSER_TESTS))?;
    let mut command: Command = cmd::command("node");
    command
        .args(["--test", "--test-concurrency=1"])
        .args(&files)
        .env("ZHIBIAO_TARGET_DIR", dist::target_dir());
    cmd::run(&mut command)
}

/// The test files, sorted, relative to the repository root (node 20 and 22 differ in how they
/// expand a folder argument; naming the files works with both).
fn browser_test_files(dir: &Path) -> Result<Vec<PathBuf>> {
    let entries =
        std::fs::read_dir(dir).with_context(|| format!("could not list {}", dir.display()))?;
    let mut files = Vec::new();
    for entry in entries {
        let path = entry
            .with_context(|| format!("could not list {}", dir.display()))?
            .path();
        let is_test = path
            .file_name()
            .and_then(|name| name.to_str())
            .is_some_and(|name| name.ends_with(".test.mjs"));
        if is_test {
            files.push(
                path.strip_prefix(cmd::root())
                    .map(Path::to_path_buf)
                    .unwrap_or(path),
            );
        }
    }
    if files.is_empty() {
        bail!("no *.test.mjs files in {}", dir.display());
    }
    files.sort();
    Ok(files)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flags_exclude_each_other() {
        let both = ["--no-browser".to_string(), "--browser-only".to_string()];
        assert!(Options::from_flags(&both).is_err());
        assert!(
            Options::from_flags(&["--no-setup".to_string()])
                .unwrap()
                .no_setup
        );
    }

    #[test]
    fn finds_the_browser_tests() {
        let files = browser_test_files(&cmd::root().join(BROWSER_TESTS)).unwrap();
        assert!(files
            .iter()
            .all(|f| f.to_string_lossy().ends_with(".test.mjs")));
    }
}
