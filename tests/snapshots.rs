//! Change detector: every sample's JSON report and exported workbook, byte for byte, against
//! what was recorded in `tests/snapshots/` (`manifest.txt`, and the reports themselves where
//! they are small enough to read in a diff).
//!
//! A refactor must leave them all unchanged. A change that means to alter an output records the
//! new one with `ZHIBIAO_BLESS=1 cargo test --test snapshots` and commits it, so the diff shows
//! which sample's report or workbook moved. The workbook is written with a fixed creation time,
//! so its bytes depend on nothing but the plan and our code (and rust_xlsxwriter's version).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test helpers may fail loudly

#[allow(dead_code)] // the shared helpers; this file uses only some
mod common;

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use zhibiao::io;
use zhibiao::plan;

/// Reports up to this size are kept in full (readable diffs); larger ones by hash only.
const FULL_REPORT_BYTES: usize = 64 * 1024;
/// 2026-01-01T00:00:00Z, the creation time written into every snapshot workbook.
const CREATED_MS: f64 = 1_767_225_600_000.0;

fn snapshots() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/snapshots")
}

/// FNV-1a, 64 bits: stable across Rust versions and platforms (std's hashers are not).
fn fnv64(bytes: &[u8]) -> String {
    let hash = bytes.iter().fold(0xcbf2_9ce4_8422_2325_u64, |h, b| {
        (h ^ u64::from(*b)).wrapping_mul(0x0100_0000_01b3)
    });
    format!("{hash:016x}")
}

/// Every sample workbook we ship tests for: the fixtures' top level (the shared samples and the
/// format fixtures' originals).
fn samples() -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_file() && p.extension().is_some_and(|e| e != "md"))
        .collect();
    files.sort();
    files
}

/// The report (as `zhibiao-cli report` prints it) and the exported workbook of one sample.
fn outputs(path: &Path) -> (String, Vec<u8>) {
    let name = path.file_name().unwrap().to_string_lossy().into_owned();
    let imported = io::import(&std::fs::read(path).unwrap()).unwrap();
    let opts = plan::Options::default();
    let report =
        serde_json::to_string_pretty(&io::report::report(&name, &imported, &opts)).unwrap() + "\n";
    let workbook = io::write::fill::workbook(&imported, &opts, Some(CREATED_MS)).unwrap();
    (report, workbook)
}

#[test]
fn every_samples_report_and_workbook_is_unchanged() {
    let bless = std::env::var_os("ZHIBIAO_BLESS").is_some();
    let dir = snapshots();
    let mut manifest = String::from(
        "# sample\treport bytes\treport fnv64\tworkbook bytes\tworkbook fnv64 \
         (tests/snapshots.rs; ZHIBIAO_BLESS=1 rewrites)\n",
    );
    let mut reports = BTreeMap::new();
    for path in samples() {
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let (report, workbook) = outputs(&path);
        writeln!(
            manifest,
            "{name}\t{}\t{}\t{}\t{}",
            report.len(),
            fnv64(report.as_bytes()),
            workbook.len(),
            fnv64(&workbook)
        )
        .unwrap();
        if report.len() <= FULL_REPORT_BYTES {
            reports.insert(format!("{name}.report.json"), report);
        }
    }
    if bless {
        std::fs::create_dir_all(&dir).unwrap();
        for entry in std::fs::read_dir(&dir).unwrap() {
            std::fs::remove_file(entry.unwrap().path()).unwrap();
        }
        std::fs::write(dir.join("manifest.txt"), &manifest).unwrap();
        for (file, report) in &reports {
            std::fs::write(dir.join(file), report).unwrap();
        }
        return;
    }
    let mut changed = Vec::new();
    for (file, report) in &reports {
        let recorded = std::fs::read_to_string(dir.join(file)).unwrap_or_default();
        if &recorded != report {
            let line = recorded
                .lines()
                .zip(report.lines())
                .position(|(a, b)| a != b)
                .unwrap_or_else(|| recorded.lines().count().min(report.lines().count()));
            changed.push(format!(
                "{file}: first difference at line {}: recorded {:?}, now {:?}",
                line + 1,
                recorded.lines().nth(line).unwrap_or(""),
                report.lines().nth(line).unwrap_or("")
            ));
        }
    }
    let recorded = std::fs::read_to_string(dir.join("manifest.txt")).unwrap_or_default();
    for (now, was) in manifest.lines().zip(recorded.lines()).skip(1) {
        if now != was {
            changed.push(format!("manifest: recorded `{was}`, now `{now}`"));
        }
    }
    if manifest.lines().count() != recorded.lines().count() {
        changed.push("manifest: the samples changed (a file added or removed)".to_string());
    }
    assert!(
        changed.is_empty(),
        "outputs changed (ZHIBIAO_BLESS=1 cargo test --test snapshots records them, if meant):\n{}",
        changed.join("\n")
    );
}

/// The same plan exported twice gives the same bytes: the snapshot above can only catch a
/// change if the export is deterministic.
#[test]
fn an_export_is_deterministic() {
    let path = common::fixture("qinglan-county-2021-2025-plan.xlsx");
    assert_eq!(outputs(&path), outputs(&path));
}
