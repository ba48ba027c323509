//! Every transcript reader and importer (native, C:/S:, telnet, bare, pcap, pcapng, rawlog, MOZ_LOG).
//! The body is shared with `cargo test` (tests/fuzz_support/mod.rs).
#![no_main]

#[allow(dead_code)]
#[path = "../../tests/fuzz_support/mod.rs"]
mod bodies;

libfuzzer_sys::fuzz_target!(|data: &[u8]| bodies::transcript_readers(data));
