//! `zhibiao-cli`: the same engine as the page, from the command line.
//!
//! ```text
//! zhibiao-cli report FILE [--year YEAR]     JSON report on stdout
//! zhibiao-cli fill FILE -o OUT.xlsx         the filled workbook
//! zhibiao-cli sheets FILE                   the workbook's sheet names, one per line
//! zhibiao-cli merge BASE RETURN... -o OUT.xlsx
//!                                           the returns consolidated into BASE (汇总); a JSON
//!                                           summary on stdout
//! zhibiao-cli distribute PLAN -o OUT.zip    one filled copy per responsible unit (分发); the
//!                                           units and file names on stdout
//! ```
//! A file that cannot be read exits with status 2 and one line on stderr; a merge that leaves
//! conflicts unresolved writes OUT with the base's values and exits with status 3.

use std::path::Path;
use std::process::ExitCode;
use zhibiao::error::Lang;
use zhibiao::io;
use zhibiao::plan;

const USAGE: &str =
    "usage: zhibiao-cli report FILE [--year YEAR] | zhibiao-cli fill FILE -o OUT.xlsx \
     | zhibiao-cli sheets FILE | zhibiao-cli merge BASE RETURN... -o OUT.xlsx \
     | zhibiao-cli distribute PLAN -o OUT.zip";

/// The exit status of a merge that left conflicts unresolved.
const CONFLICTS: u8 = 3;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.first().map(String::as_str) == Some("merge") {
        return match merge(&args[1..]) {
            Ok(true) => ExitCode::SUCCESS,
            Ok(false) => ExitCode::from(CONFLICTS),
            Err(message) => {
                eprintln!("{message}");
                ExitCode::from(2)
            }
        };
    }
    match run(&args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("{message}");
            ExitCode::from(2)
        }
    }
}

fn option(args: &[String], name: &str) -> Option<String> {
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1))
        .cloned()
}

fn run(args: &[String]) -> Result<(), String> {
    let (command, file) = match args {
        [command, file, ..] => (command.as_str(), file.as_str()),
        _ => return Err(USAGE.to_string()),
    };
    let name = Path::new(file)
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| file.to_string());
    let bytes = std::fs::read(file).map_err(|e| format!("cannot read {file}: {e}"))?;
    if command == "sheets" {
        let workbook =
            io::read::read_workbook(&bytes).map_err(|e| e.user_message(Lang::Zh, &name))?;
        for sheet in &workbook.sheets {
            println!("{}", sheet.name);
        }
        return Ok(());
    }
    let imported = io::import(&bytes).map_err(|e| e.user_message(Lang::Zh, &name))?;
    if imported.first_table().is_none() {
        return Err(zhibiao::error::ImportError::NoTable.user_message(Lang::Zh, &name));
    }
    let year = match option(args, "--year") {
        Some(y) => Some(y.parse().map_err(|_| format!("--year: not a year: {y}"))?),
        None => None,
    };
    let opts = plan::Options {
        assessment_year: year,
    };
    match command {
        "report" => {
            let report = io::report::report(&name, &imported, &opts);
            let text = serde_json::to_string_pretty(&report).map_err(|e| e.to_string())?;
            println!("{text}");
            Ok(())
        }
        "fill" => {
            let out = option(args, "-o").ok_or_else(|| USAGE.to_string())?;
            let bytes = io::write::fill::workbook(&imported, &opts, None)
                .map_err(|e| e.user_message(Lang::Zh))?;
            std::fs::write(&out, bytes).map_err(|e| format!("cannot write {out}: {e}"))
        }
        "distribute" => {
            let out = option(args, "-o").ok_or_else(|| USAGE.to_string())?;
            let copies = io::write::distribute::copies(&imported, &opts, None)
                .map_err(|e| e.user_message(Lang::Zh))?;
            let bytes = io::write::distribute::zip_files(
                copies.iter().map(|c| (c.file.as_str(), c.bytes.as_slice())),
            )
            .map_err(|e| e.user_message(Lang::Zh))?;
            std::fs::write(&out, bytes).map_err(|e| format!("cannot write {out}: {e}"))?;
            for c in &copies {
                println!("{}\t{}", c.unit, c.file);
            }
            Ok(())
        }
        _ => Err(USAGE.to_string()),
    }
}

/// The file name of `path`, for messages and the summary.
fn file_name(path: &str) -> String {
    Path::new(path)
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| path.to_string())
}

/// Reads and imports `path`, or the user's message.
fn import_file(path: &str) -> Result<io::Imported, String> {
    let name = file_name(path);
    let bytes = std::fs::read(path).map_err(|e| format!("cannot read {path}: {e}"))?;
    io::import(&bytes).map_err(|e| e.user_message(Lang::Zh, &name))
}

/// `merge BASE RETURN... -o OUT.xlsx`: `Ok(true)` when no conflict is left.
fn merge(args: &[String]) -> Result<bool, String> {
    let out = option(args, "-o").ok_or_else(|| USAGE.to_string())?;
    let files: Vec<&String> = args
        .iter()
        .enumerate()
        .filter(|(i, a)| *a != "-o" && (*i == 0 || args[*i - 1] != "-o"))
        .map(|(_, a)| a)
        .collect();
    let (base_path, return_paths) = files.split_first().ok_or_else(|| USAGE.to_string())?;
    let mut base = import_file(base_path)?;
    if base.first_table().is_none() {
        return Err(
            zhibiao::error::ImportError::NoTable.user_message(Lang::Zh, &file_name(base_path))
        );
    }
    let returns = return_paths
        .iter()
        .map(|p| Ok((file_name(p), import_file(p)?)))
        .collect::<Result<Vec<_>, String>>()?;
    let summary = io::merge::merge(&mut base, &returns);
    let bytes =
        io::write::fill::consolidated(&base, Some(&summary), &plan::Options::default(), None)
            .map_err(|e| e.user_message(Lang::Zh))?;
    std::fs::write(&out, bytes).map_err(|e| format!("cannot write {out}: {e}"))?;
    let text = serde_json::to_string_pretty(&summary).map_err(|e| e.to_string())?;
    println!("{text}");
    Ok(summary.conflicts.is_empty())
}
