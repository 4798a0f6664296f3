//! The whole import path on bytes (xls, xlsx, ods, csv and anything else): it must return a
//! plan or an error, never panic, never allocate without bound.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = zhibiao::io::import(data);
});
