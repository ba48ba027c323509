//! The mock `Session` against hostile input: what it sends back, and what it keeps.
//!
//! Sans-IO, like the session itself: bytes in, bytes out, no sockets and no clocks.

use std::sync::Arc;

use imap_tutor::mock::fixture;
use imap_tutor::mock::{Config, Session, Store};
use imap_tutor::wire::{Frame, Framer};

fn world(name: &str) -> (Store, Arc<Config>) {
    let (store, config) = fixture::load(name).unwrap_or_else(|e| panic!("{e}"));
    (store, Arc::new(config))
}

/// xorshift64: deterministic, so a failure can be replayed from its seed.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
}

/// The protocol lines of `output` (literal data is data, and may hold anything): each
/// must be what a server writes itself, printable UTF-8 and CRLF. DEL is the one
/// exception, as in Dovecot: its atoms may hold DEL, and it repeats them
/// (`BAD Error in IMAP command NO<DEL>OP: Unknown command`, battery section 13).
fn assert_clean_lines(output: &[u8], input: &[u8]) {
    let mut framer = Framer::default();
    framer.feed(output);
    while let Some(frame) = framer.next_frame() {
        let Frame::Line(line) = frame else { continue };
        let text = line.text();
        let clean = std::str::from_utf8(text).is_ok_and(|t| {
            !t.chars()
                .any(|c| (c.is_control() && c != '\x7f') || c == '\u{FFFD}')
        });
        assert!(
            clean && line.bytes.ends_with(b"\r\n"),
            "the mock sent {:?}\nafter {:?}",
            String::from_utf8_lossy(&line.bytes),
            String::from_utf8_lossy(input)
        );
    }
}

#[test]
fn the_mock_never_echoes_a_byte_it_would_not_send() {
    // Each piece is a place where a careless server repeats what it was sent.
    let pieces: [&[u8]; 14] = [
        b"a1 LOGIN strategos tryhackme\r\n",
        b"a2 SELECT INBOX\r\n",
        b"a3 FO",
        b"a4 UID ",
        b"a5 SELECT \"",
        b"a6 CREATE ",
        b"a7 STATUS ",
        b"a8 SEARCH ",
        b"a9 FETCH 1 (",
        b"b1 STORE 1 +FLAGS (",
        b"b2 ENABLE ",
        b"b3 COPY 1 ",
        b"\r\n",
        b"\"",
    ];
    let nasty: [&[u8]; 8] = [
        b"\0",
        b"\r",
        b"\x1b[2J",
        b"\xff",
        b"\xc3\xa9",
        b"\t",
        b"\x07",
        b"\x7f",
    ];
    let (store, config) = world("default");
    let mut rng = Rng(0x0123_4567_89AB_CDEF);
    for _ in 0..400 {
        let (mut s, _) = Session::new(store.clone(), config.clone());
        let mut input = Vec::new();
        for _ in 0..(rng.next() % 12) {
            let mut chunk = Vec::new();
            for _ in 0..(1 + rng.next() % 5) {
                if rng.next().is_multiple_of(2) {
                    chunk.extend_from_slice(nasty[(rng.next() % nasty.len() as u64) as usize]);
                } else {
                    chunk.extend_from_slice(pieces[(rng.next() % pieces.len() as u64) as usize]);
                }
            }
            chunk.extend_from_slice(b"\r\n");
            input.extend_from_slice(&chunk);
            let out = s.receive(&chunk);
            assert_clean_lines(&out.bytes, &input);
            if out.is_closed() {
                break;
            }
        }
    }
}
