#![no_main]
//! See handbook_fuzz::override_parse.

libfuzzer_sys::fuzz_target!(|data: &[u8]| handbook_fuzz::override_parse(data));
