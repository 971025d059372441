#![no_main]
//! See handbook_fuzz::sanitize.

libfuzzer_sys::fuzz_target!(|data: &[u8]| handbook_fuzz::sanitize(data));
