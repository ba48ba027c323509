//! The response grammar and its diagnostics: any message.
//! The body is shared with `cargo test` (tests/fuzz_support/mod.rs).
#![no_main]

#[allow(dead_code)]
#[path = "../../tests/fuzz_support/mod.rs"]
mod bodies;

libfuzzer_sys::fuzz_target!(|data: &[u8]| bodies::response_grammar(data));
