#![no_main]
//! See handbook_fuzz::differential.

libfuzzer_sys::fuzz_target!(|data: &[u8]| handbook_fuzz::differential(data));
