//! CSV and other delimited text: the encoding told from the bytes (BOM, UTF-8, UTF-16 by its
//! NULs, else GB18030), the delimiter from the first lines, every field a text cell.

use super::limits::{self, Budget};
use super::sniff::utf16_without_bom;
use super::{damaged, SheetBuilder};
use crate::error::ImportError;
use crate::pace::{Pace, Stage, STEP};
use crate::plan::RawCell;
use crate::table::grid::{Format, Workbook};

/// Decodes CSV text: a BOM decides; else valid UTF-8 is UTF-8; else UTF-16 by its NULs; else
/// GB18030 (a superset of GBK, what Chinese Excel writes).
pub fn decode_text(bytes: &[u8]) -> String {
    if let Some((enc, bom)) = encoding_rs::Encoding::for_bom(bytes) {
        let (text, _) = enc.decode_without_bom_handling(bytes.get(bom..).unwrap_or_default());
        return text.into_owned();
    }
    if let Ok(s) = std::str::from_utf8(bytes) {
        return s.to_string();
    }
    if let Some(enc) = utf16_without_bom(&bytes[..bytes.len().min(1024)]) {
        let (text, _) = enc.decode_without_bom_handling(bytes);
        return text.into_owned();
    }
    let (text, _) = encoding_rs::GB18030.decode_without_bom_handling(bytes);
    text.into_owned()
}

fn sniff_delimiter(text: &str) -> u8 {
    let first = text.lines().take(20).collect::<Vec<_>>().join("\n");
    [b',', b'\t', b';']
        .into_iter()
        .max_by_key(|d| first.matches(char::from(*d)).count())
        .unwrap_or(b',')
}

pub(super) async fn read_csv<P: Pace>(bytes: &[u8], pace: &mut P) -> Result<Workbook, ImportError> {
    let text = decode_text(bytes);
    pace.step(Stage::Read, 0.0).await;
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(sniff_delimiter(&text))
        .from_reader(text.as_bytes());
    let mut budget = Budget::default();
    let mut sheet = SheetBuilder::new("CSV".to_string(), &mut budget);
    let mut record = csv::StringRecord::new();
    let mut row = 0usize;
    let total = text.len().max(1) as f64;
    let mut since_step = 0;
    while reader.read_record(&mut record).map_err(damaged)? {
        since_step += record.len().max(1);
        if since_step >= STEP {
            since_step = 0;
            let done = reader.position().byte() as f64;
            pace.step(Stage::Read, done / total).await;
        }
        // A row of empty fields still counts as a row.
        limits::check_dimensions("CSV", row + 1, record.len().max(1))?;
        for (col, field) in record.iter().enumerate() {
            if !field.trim().is_empty() {
                sheet.put(row, col, RawCell::Text { s: field.into() })?;
            }
        }
        row += 1;
    }
    // Trailing empty rows are kept as rows, as before.
    if sheet.rows.len() < row {
        sheet.rows.resize_with(row, Vec::new);
    }
    Ok(Workbook {
        format: Some(Format::Csv),
        sheets: vec![sheet.finish(Vec::new())?],
        styles: Vec::new(),
    })
}
