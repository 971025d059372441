#![no_main]
//! See handbook_fuzz::page_pipeline.

libfuzzer_sys::fuzz_target!(|data: &[u8]| handbook_fuzz::page_pipeline(data));
