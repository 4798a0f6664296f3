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
//! conflicts unresolved writes OUT with the base's values and exits with status 3. A reader
//! that closes stdout early (`zhibiao-cli report f.xlsx | head`) is not an error.

use std::io::Write as _;
use std::path::Path;
use std::process::ExitCode;
use zhibiao::error::{ExportError, ImportError, Lang};
use zhibiao::io;
use zhibiao::plan;

const USAGE: &str =
    "usage: zhibiao-cli report FILE [--year YEAR] | zhibiao-cli fill FILE -o OUT.xlsx \
     | zhibiao-cli sheets FILE | zhibiao-cli merge BASE RETURN... -o OUT.xlsx \
     | zhibiao-cli distribute PLAN -o OUT.zip";

/// The exit status of a command that failed (unreadable file, bad arguments, failed export).
const FAILED: u8 = 2;
/// The exit status of a merge that left conflicts unresolved.
const CONFLICTS: u8 = 3;

/// Why a command failed; each variant's words are in [`CliError::user_message`].
#[derive(Debug)]
enum CliError {
    /// The arguments do not form a command.
    Usage,
    /// `--year` was given something that is not a year.
    NotAYear(String),
    /// A file named on the command line could not be read.
    Read { path: String, error: std::io::Error },
    /// The output file could not be written.
    Write { path: String, error: std::io::Error },
    /// A file was read but is not a plan we can open (`file` is its name).
    Import { file: String, error: ImportError },
    /// The workbook could not be written.
    Export(ExportError),
    /// Standard output failed (other than being closed by its reader).
    Output(std::io::Error),
}

impl CliError {
    /// The one line printed on stderr: the importer's and exporter's own Chinese messages, as
    /// the page shows them, and plain English for the command line's own errors.
    fn user_message(&self) -> String {
        match self {
            Self::Usage => USAGE.to_string(),
            Self::NotAYear(given) => format!("--year: not a year: {given}"),
            Self::Read { path, error } => format!("cannot read {path}: {error}"),
            Self::Write { path, error } => format!("cannot write {path}: {error}"),
            Self::Import { file, error } => error.user_message(Lang::Zh, file),
            Self::Export(error) => error.user_message(Lang::Zh),
            Self::Output(error) => format!("cannot write to standard output: {error}"),
        }
    }
}

impl From<ExportError> for CliError {
    fn from(error: ExportError) -> Self {
        Self::Export(error)
    }
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let outcome = match args.split_first() {
        Some((command, rest)) if command == "merge" => merge(rest),
        _ => run(&args).map(|()| true),
    };
    match outcome {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::from(CONFLICTS),
        Err(error) => {
            eprintln!("{}", error.user_message());
            ExitCode::from(FAILED)
        }
    }
}

/// Prints `text` and a newline on stdout. A reader that has gone away (a closed pipe) is
/// not an error: nobody is left to read the rest.
fn emit(text: &str) -> Result<(), CliError> {
    let mut out = std::io::stdout().lock();
    match writeln!(out, "{text}").and_then(|()| out.flush()) {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => Err(CliError::Output(e)),
        _ => Ok(()),
    }
}

/// Each of `items` on a line of its own (nothing at all for none).
fn lines(items: &[impl AsRef<str>]) -> Result<(), CliError> {
    if items.is_empty() {
        return Ok(());
    }
    let text: Vec<&str> = items.iter().map(AsRef::as_ref).collect();
    emit(&text.join("\n"))
}

/// `value` as pretty JSON on stdout.
fn emit_json(value: &impl serde::Serialize) -> Result<(), CliError> {
    // Serializing our report types cannot fail (no maps with non-string keys); say so if it does.
    let text = serde_json::to_string_pretty(value)
        .map_err(|e| CliError::Output(std::io::Error::other(e)))?;
    emit(&text)
}

fn option(args: &[String], name: &str) -> Option<String> {
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1))
        .cloned()
}

/// The file name of `path`, for messages and the summary.
fn file_name(path: &str) -> String {
    Path::new(path)
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| path.to_string())
}

fn read(path: &str) -> Result<Vec<u8>, CliError> {
    std::fs::read(path).map_err(|error| CliError::Read {
        path: path.to_string(),
        error,
    })
}

fn write(path: &str, bytes: &[u8]) -> Result<(), CliError> {
    std::fs::write(path, bytes).map_err(|error| CliError::Write {
        path: path.to_string(),
        error,
    })
}

/// Reads and imports `path`; with `need_table`, a workbook with no indicator table is an error.
fn import_file(path: &str, need_table: bool) -> Result<io::Imported, CliError> {
    let file = file_name(path);
    let mut imported = io::import(&read(path)?).map_err(|error| CliError::Import {
        file: file.clone(),
        error,
    })?;
    imported.name_text_sheet(&file);
    if need_table && imported.first_table().is_none() {
        return Err(CliError::Import {
            file,
            error: ImportError::NoTable,
        });
    }
    Ok(imported)
}

fn run(args: &[String]) -> Result<(), CliError> {
    let (command, file) = match args {
        [command, file, ..] => (command.as_str(), file.as_str()),
        _ => return Err(CliError::Usage),
    };
    if command == "sheets" {
        let workbook = io::read::read_workbook(&read(file)?).map_err(|error| CliError::Import {
            file: file_name(file),
            error,
        })?;
        let names: Vec<&str> = workbook.sheets.iter().map(|s| s.name.as_str()).collect();
        return lines(&names);
    }
    if !matches!(command, "report" | "fill" | "distribute") {
        return Err(CliError::Usage);
    }
    let imported = import_file(file, true)?;
    let year = match option(args, "--year") {
        Some(y) => Some(y.parse().map_err(|_| CliError::NotAYear(y))?),
        None => None,
    };
    let opts = plan::Options {
        assessment_year: year,
    };
    let out = || option(args, "-o").ok_or(CliError::Usage);
    match command {
        "report" => emit_json(&io::report::report(&file_name(file), &imported, &opts)),
        "fill" => {
            let out = out()?;
            write(&out, &io::write::fill::workbook(&imported, &opts, None)?)
        }
        _ => {
            let out = out()?;
            let copies = io::write::distribute::copies(&imported, &opts, None)?;
            let bytes = io::write::distribute::zip_files(
                copies.iter().map(|c| (c.file.as_str(), c.bytes.as_slice())),
            )?;
            write(&out, &bytes)?;
            let units: Vec<String> = copies
                .iter()
                .map(|c| format!("{}\t{}", c.unit, c.file))
                .collect();
            lines(&units)
        }
    }
}

/// `merge BASE RETURN... -o OUT.xlsx`: `Ok(true)` when no conflict is left.
fn merge(args: &[String]) -> Result<bool, CliError> {
    let out = option(args, "-o").ok_or(CliError::Usage)?;
    let mut files = Vec::new();
    let mut rest = args.iter();
    while let Some(arg) = rest.next() {
        if arg == "-o" {
            rest.next();
        } else {
            files.push(arg.as_str());
        }
    }
    let (base_path, return_paths) = files.split_first().ok_or(CliError::Usage)?;
    let mut base = import_file(base_path, true)?;
    let returns = return_paths
        .iter()
        .map(|p| Ok((file_name(p), import_file(p, false)?)))
        .collect::<Result<Vec<_>, CliError>>()?;
    let (summary, cells) = io::merge::merge_with_cells(&mut base, &returns);
    let consolidation = io::returns::Consolidation::of_merge(&base, &summary, &cells);
    let bytes = io::write::fill::consolidated_with(
        &base,
        Some(&consolidation),
        &plan::Options::default(),
        None,
    )?;
    write(&out, &bytes)?;
    emit_json(&summary)?;
    Ok(summary.conflicts.is_empty())
}
