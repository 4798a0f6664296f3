//! 计划明细 as CSV: UTF-8 with a byte-order mark (so Excel opens it as UTF-8), the header row
//! and one row per indicator, figures as shown (rounded to their decimals).
//!
//! This module exists because a CSV opened in a spreadsheet is a vector for formula injection:
//! a cell that starts with `=`, `+`, `-`, `@`, a tab or a carriage return is run as a formula.
//! Every such text is written with a leading `'`, except a plain number (`-59` stays a number).

use super::formulas::Detail;

/// The byte-order mark Excel needs to read UTF-8.
pub const BOM: &[u8] = b"\xEF\xBB\xBF";

/// Whether a cell text would be run as a formula by a spreadsheet.
fn dangerous(s: &str) -> bool {
    s.starts_with(['=', '+', '-', '@', '\t', '\r'])
}

/// Whether a text is a plain number (`-59`, `3.5`, `1e3` is not: spreadsheets read it as a
/// number too, but no figure of ours is written so).
fn plain_number(s: &str) -> bool {
    let body = s.strip_prefix('-').unwrap_or(s);
    !body.is_empty()
        && body.chars().all(|c| c.is_ascii_digit() || c == '.')
        && body.chars().filter(|c| *c == '.').count() <= 1
        && body.chars().next().is_some_and(|c| c.is_ascii_digit())
}

/// A cell text made safe for a spreadsheet: a leading `'` before a text that would run as a
/// formula; plain numbers unchanged.
///
/// ```
/// use zhibiao::io::write::csv::neutralize;
/// assert_eq!(neutralize("=1+1"), "'=1+1");
/// assert_eq!(neutralize("-59"), "-59");
/// assert_eq!(neutralize("-1+2"), "'-1+2");
/// assert_eq!(neutralize("@SUM(A1)"), "'@SUM(A1)");
/// assert_eq!(neutralize("人均GDP"), "人均GDP");
/// ```
pub fn neutralize(s: &str) -> String {
    if dangerous(s) && !plain_number(s) {
        format!("'{s}")
    } else {
        s.to_string()
    }
}

/// The CSV bytes of 计划明细.
pub fn detail_csv(detail: &Detail) -> Vec<u8> {
    let mut out = BOM.to_vec();
    {
        let mut w = csv::WriterBuilder::new()
            .terminator(csv::Terminator::CRLF)
            .from_writer(&mut out);
        let header: Vec<String> = detail
            .columns
            .iter()
            .map(|k| neutralize(&k.title()))
            .collect();
        // Writing to a Vec cannot fail; a failure would only shorten the file.
        let _ = w.write_record(&header);
        for row in &detail.rows {
            let record: Vec<String> = row.iter().map(|c| neutralize(&c.shown())).collect();
            let _ = w.write_record(&record);
        }
        let _ = w.flush();
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formula_prefixes_are_neutralized() {
        for s in ["=A1", "+1", "-A1", "@x", "\tx", "\rx", "-", "-.5x"] {
            assert!(neutralize(s).starts_with('\''), "{s:?}");
        }
        for s in ["-59", "-0.5", "12", "正向", ""] {
            assert_eq!(neutralize(s), s);
        }
    }
}
