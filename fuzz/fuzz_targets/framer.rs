//! The framer: any bytes, in two chunkings; the frames give back the input and do not depend on the chunking.
//! The body is shared with `cargo test` (tests/fuzz_support/mod.rs).
#![no_main]

#[allow(dead_code)]
#[path = "../../tests/fuzz_support/mod.rs"]
mod bodies;

libfuzzer_sys::fuzz_target!(|data: &[u8]| bodies::framer(data));
