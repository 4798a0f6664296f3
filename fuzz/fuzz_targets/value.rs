//! The cell-value parser on any text, and on any number with any format code: it must never
//! panic, and what it reads must be finite.
#![no_main]

use libfuzzer_sys::fuzz_target;
use zhibiao::plan::value::{decimals_of, level_of, parse, parse_text};
use zhibiao::plan::RawCell;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let given = parse_text(&text);
    if let Some(level) = level_of(&given.value) {
        assert!(level.is_finite(), "{text:?} reads as {level}");
    }
    let _ = decimals_of(&given.value);
    // The first 8 bytes as a number, the rest as its format code.
    if let Some((head, code)) = data.split_first_chunk::<8>() {
        let n = f64::from_le_bytes(*head);
        let format = String::from_utf8_lossy(code).into_owned();
        let _ = parse(&RawCell::Number {
            n,
            format: Some(format.into()),
        });
    }
});
