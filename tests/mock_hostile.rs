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

fn session() -> Session {
    let (store, config) = world("default");
    Session::new(store, config).0
}

fn said(s: &mut Session, input: &[u8]) -> String {
    String::from_utf8_lossy(&s.receive(input).bytes).into_owned()
}

/// Each answer was asked of Dovecot 2.3.19's imap-login (scripts/dovecot-lab.sh).
#[test]
fn before_login_the_limits_are_imap_login_s() {
    let word = |n: usize| [b"a NOOP ".as_slice(), &vec![b'x'; n]].concat();
    let mut s = session();
    assert_eq!(
        said(&mut s, &[word(1025), b"\r\n".to_vec()].concat()),
        "a OK NOOP completed.\r\n"
    );
    // An atom needs room for the byte that ends it: 1,026 bytes and CRLF are too many.
    let mut s = session();
    assert_eq!(
        said(&mut s, &[word(1026), b"\r\n".to_vec()].concat()),
        "* BYE Input buffer full, aborting\r\n"
    );
    assert!(s.is_closed());
    // 1,026 bytes with nothing after them yet still wait; the 1,027th ends it, LF or not.
    let mut s = session();
    assert_eq!(said(&mut s, &word(1026)), "");
    assert_eq!(said(&mut s, b"x"), "* BYE Input buffer full, aborting\r\n");
    assert!(s.is_closed());
    // A quoted string ends with its quote: 1,024 bytes inside it fit, 1,025 do not.
    let quoted = |n: usize| [b"a NOOP \"".as_slice(), &vec![b'x'; n], b"\"\r\n"].concat();
    assert_eq!(
        said(&mut session(), &quoted(1024)),
        "a OK NOOP completed.\r\n"
    );
    assert_eq!(
        said(&mut session(), &quoted(1025)),
        "* BYE Input buffer full, aborting\r\n"
    );
    // A line of short words over 8 KiB: BAD, and the rest of the line is skipped with
    // the connection kept, if its LF comes by the line's 9,221st byte.
    let line = |total: usize| {
        let words = b"x ".repeat(total);
        [b"a LOGIN ".as_slice(), &words[..total - 10], b"\r\n"].concat()
    };
    let mut s = session();
    assert_eq!(
        said(&mut s, &line(9221)),
        "a BAD IMAP command line too large\r\n"
    );
    assert_eq!(said(&mut s, b"b NOOP\r\n"), "b OK NOOP completed.\r\n");
    // A 9,222nd byte before the LF: imap-login gives up, whole line or in pieces.
    let mut s = session();
    assert_eq!(
        said(&mut s, &line(9222)),
        "a BAD IMAP command line too large\r\n* BYE Input buffer full, aborting\r\n"
    );
    assert!(s.is_closed());
    let mut s = session();
    let long = line(9300);
    assert_eq!(
        said(&mut s, &long[..8300]),
        "a BAD IMAP command line too large\r\n"
    );
    assert_eq!(
        said(&mut s, &long[8300..]),
        "* BYE Input buffer full, aborting\r\n"
    );
    assert!(s.is_closed());
    // A literal with which the line passes 8 KiB: `{n}` and `{n+}` alike.
    for announce in [
        &b"a LOGIN {8179}\r\n"[..],
        b"a LOGIN {8179+}\r\n",
        b"a APPEND INBOX {67108865}\r\n",
    ] {
        let mut s = session();
        assert_eq!(
            said(&mut s, announce),
            "* BYE Literal size too large\r\n",
            "{announce:?}"
        );
        assert!(s.is_closed());
    }
    let mut s = session();
    assert_eq!(said(&mut s, b"a LOGIN {8178}\r\n"), "+ OK\r\n");
}

#[test]
fn after_login_a_long_line_is_answered_at_once_and_skipped() {
    let mut s = session();
    said(&mut s, b"a LOGIN strategos tryhackme\r\n");
    assert_eq!(
        said(&mut s, &[b"b SELECT ".as_slice(), &[b'x'; 70_000]].concat()),
        "b BAD Error in IMAP command SELECT: Too long argument (0.001 + 0.000 secs).\r\n"
    );
    // The rest of the line, however long, is skipped and not kept.
    for _ in 0..100 {
        assert_eq!(said(&mut s, &[b'x'; 100_000]), "");
        assert!(s.buffered() <= 64 * 1024, "{}", s.buffered());
    }
    assert_eq!(
        said(&mut s, b"\r\nc NOOP\r\n"),
        "c OK NOOP completed (0.001 + 0.000 secs).\r\n"
    );
    assert_eq!(
        said(
            &mut s,
            &[b"d SELECT ".as_slice(), &b"x ".repeat(40_000), b"\r\n"].concat()
        ),
        "d BAD Error in IMAP command SELECT: IMAP command line too large (0.001 + 0.000 secs).\r\n"
    );
    assert_eq!(
        said(&mut s, &[&[b'x'; 70_000][..], b"\r\n"].concat()),
        "* BAD Error in IMAP tag: Too long argument (0.001 + 0.000 secs).\r\n"
    );
}

#[test]
fn input_held_stays_bounded_whatever_is_sent() {
    // A line without LF before login, after login, and after a literal.
    let scripts: [&[&[u8]]; 3] = [
        &[b"a NOOP x x x x x x x x"],
        &[b"a LOGIN strategos tryhackme\r\nb SEARCH TEXT x x"],
        &[b"a LOGIN strategos tryhackme\r\nb SELECT INBOX\r\nc SEARCH TEXT {3+}\r\nabc x x"],
    ];
    for script in scripts {
        let mut s = session();
        for piece in script {
            s.receive(piece);
        }
        let mut most = 0;
        for _ in 0..200 {
            s.receive(&b" x".repeat(5_000));
            most = most.max(s.buffered());
            if s.is_closed() {
                break;
            }
        }
        assert!(most <= 64 * 1024 + 16 * 1024, "{script:?}: {most}");
    }
}

#[test]
fn the_login_deadline_is_absolute() {
    // A byte every 30 s keeps no client from the 3-minute login deadline.
    let mut s = session();
    let start = std::time::Instant::now();
    assert!(s.tick(start).bytes.is_empty());
    let mut bye = None;
    for step in 1..=10u64 {
        s.receive(b"x");
        let out = s.tick(start + std::time::Duration::from_secs(30 * step));
        if out.is_closed() {
            bye = Some((step, String::from_utf8_lossy(&out.bytes).into_owned()));
            break;
        }
    }
    assert_eq!(
        bye,
        Some((6, "* BYE Disconnected for inactivity.\r\n".into()))
    );
    // After login, input keeps the session alive (Dovecot's imap: 30 minutes idle).
    let mut s = session();
    s.receive(b"a LOGIN strategos tryhackme\r\n");
    assert!(s.tick(start).bytes.is_empty());
    for step in 1..=100u64 {
        s.receive(b"b NOOP\r\n");
        assert!(!s
            .tick(start + std::time::Duration::from_secs(60 * step))
            .is_closed());
    }
}
