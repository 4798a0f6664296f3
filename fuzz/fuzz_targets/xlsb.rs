//! The .xlsb reader (issue 14) on arbitrary records: the input is cut into `workbook.bin`,
//! `sharedStrings.bin`, `styles.bin` and one worksheet (each part preceded by its length, two
//! bytes little-endian; the last takes the rest), packed with fixed relationships into a stored
//! zip, and read. Through the zip's compression the records could not be reached. A grid or an
//! error, never a panic (calamine's .xlsb reader indexes records unchecked: every record it gets
//! must have been checked). Seeds: `fuzz/seeds/xlsb/` (the parts of
//! `tests/fixtures/formats/plan.xlsb`, made by `fuzz/seeds/xlsb/make_seed.py`).
#![no_main]

use libfuzzer_sys::fuzz_target;
use std::io::{Cursor, Write};

const RELS: &str = r#"<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.bin"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/chartsheet" Target="chartsheets/sheet1.bin"/></Relationships>"#;

fn take<'a>(data: &mut &'a [u8]) -> &'a [u8] {
    let len = match data {
        [a, b, ..] => usize::from(u16::from_le_bytes([*a, *b])),
        _ => return &[],
    };
    let rest = &data[2..];
    let (part, rest) = rest.split_at(len.min(rest.len()));
    *data = rest;
    part
}

fuzz_target!(|data: &[u8]| {
    let mut data = data;
    let workbook = take(&mut data);
    let sst = take(&mut data);
    let styles = take(&mut data);
    let sheet = data;
    let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let options =
        zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    for (name, part) in [
        ("xl/workbook.bin", workbook),
        ("xl/_rels/workbook.bin.rels", RELS.as_bytes()),
        ("xl/sharedStrings.bin", sst),
        ("xl/styles.bin", styles),
        ("xl/worksheets/sheet1.bin", sheet),
    ] {
        zip.start_file(name, options).unwrap();
        zip.write_all(part).unwrap();
    }
    let bytes = zip.finish().unwrap().into_inner();
    let _ = zhibiao::io::import(&bytes);
});
