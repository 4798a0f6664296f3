//! The SpreadsheetML 2003 reader (issue 14) on any bytes after an XML declaration and a
//! `Workbook` start tag in its namespace, so that every input goes down that path. A grid or an
//! error, never a panic, never an unbounded allocation. Seeds: `tests/fixtures/formats/*.xml`.
#![no_main]

use libfuzzer_sys::fuzz_target;

const HEAD: &[u8] =
    b"<?xml version=\"1.0\"?><Workbook xmlns=\"urn:schemas-microsoft-com:office:spreadsheet\">";

fuzz_target!(|data: &[u8]| {
    let mut input = HEAD.to_vec();
    input.extend_from_slice(data);
    if let Ok(wb) = zhibiao::io::read::read_workbook(&input) {
        for s in &wb.sheets {
            let _ = zhibiao::table::detect::detect(s);
        }
    }
});
