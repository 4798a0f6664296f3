//! The HTML-table reader (issue 14) on any bytes after `<html><table>`, so that every input goes
//! down the HTML path: spans, nesting, entities, encodings. A grid or an error, never a panic,
//! never an unbounded allocation. Seeds: `tests/fixtures/formats/*.xls` (the HTML ones).
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let mut input = b"<html><table>".to_vec();
    input.extend_from_slice(data);
    if let Ok(wb) = zhibiao::io::read::read_workbook(&input) {
        for s in &wb.sheets {
            let _ = zhibiao::table::detect::detect(s);
        }
    }
});
