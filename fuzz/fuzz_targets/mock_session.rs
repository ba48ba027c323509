//! The mock's Session: any client bytes; it never sends a byte it would not write itself.
//! The body is shared with `cargo test` (tests/fuzz_support/mod.rs).
#![no_main]

#[allow(dead_code)]
#[path = "../../tests/fuzz_support/mod.rs"]
mod bodies;

libfuzzer_sys::fuzz_target!(|data: &[u8]| bodies::mock_session(data));
