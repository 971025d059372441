#![no_main]
//! See handbook_fuzz::front_matter.

libfuzzer_sys::fuzz_target!(|data: &[u8]| handbook_fuzz::front_matter(data));
