//! The body of each fuzz target, in one place: `fuzz/fuzz_targets/*.rs` hand libFuzzer's
//! input to these functions, and `tests/fuzz_regressions.rs` runs every input that
//! once crashed or hung (`tests/data/fuzz/TARGET/`) and a few seeds through them, so
//! the targets build on stable with every `cargo test` and cannot rot.
//!
//! Each body must not panic on any input; where a component promises more (the
//! framer gives back its input whatever the chunking, the mock never sends a byte it
//! would not write itself), the body asserts it, and a failed assertion is a crash.

use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};
use std::time::{Duration, Instant};

use imap_tutor::explain::{Explainer, Options};
use imap_tutor::lesson::{schema, Runner};
use imap_tutor::mock::{fixture, Config, Session, Store};
use imap_tutor::render::{write_annotations, Format, TextStyle};
use imap_tutor::transcript::diff::{diff, Names};
use imap_tutor::transcript::import::{read_sessions, Input};
use imap_tutor::transcript::native::NativeReader;
use imap_tutor::transcript::normalize::Rules;
use imap_tutor::transcript::Direction;
use imap_tutor::wire::{Frame, Framer, Limits};

/// A target's body: any bytes in, a panic for a finding.
pub type Body = fn(&[u8]);

/// The targets, by name: what `scripts/fuzz.sh` builds and the regression test runs.
pub const TARGETS: &[(&str, Body)] = &[
    ("framer", framer),
    ("command_grammar", command_grammar),
    ("response_grammar", response_grammar),
    ("explainer", explainer),
    ("mock_session", mock_session),
    ("transcript_readers", transcript_readers),
    ("lesson_yaml", lesson_yaml),
];

/// The framer, on any bytes in two chunkings. The first byte picks a small line limit
/// (so over-long lines happen) and the chunk size. The frames must give back exactly
/// the input, and must not depend on the chunking.
pub fn framer(data: &[u8]) {
    let Some((&first, data)) = data.split_first() else {
        return;
    };
    let limits = Limits {
        max_line: 16 + usize::from(first % 64),
        max_literal: 1 << 20,
    };
    let frames = |chunk: usize| {
        let mut framer = Framer::new(limits);
        let mut out: Vec<Frame> = Vec::new();
        for piece in data.chunks(chunk.max(1)) {
            framer.feed(piece);
            while let Some(frame) = framer.next_frame() {
                out.push(frame);
            }
        }
        out.extend(framer.finish());
        out
    };
    let whole = frames(data.len());
    let joined: Vec<u8> = whole.iter().flat_map(|f| f.bytes().to_vec()).collect();
    assert_eq!(joined, data, "the frames must give back the input");
    let chunked = frames(1 + usize::from(first % 7));
    assert_eq!(chunked, whole, "the frames must not depend on the chunking");
}

/// The command grammar and its learner diagnostics, on any message.
pub fn command_grammar(data: &[u8]) {
    let _ = imap_tutor::grammar::parse_command(data);
}

/// The response grammar, on any message.
pub fn response_grammar(data: &[u8]) {
    let _ = imap_tutor::grammar::parse_response(data);
}

/// The explainer fed both directions, with gaps and resumptions, then rendered as
/// text and JSON. The first byte holds the options; after it each `\x00` switches the
/// direction (the server speaks first), `\x01` is a gap in the annotator's view and
/// `\x02` a recording's gap mark.
pub fn explainer(data: &[u8]) {
    let Some((&first, data)) = data.split_first() else {
        return;
    };
    let mut explainer = Explainer::new(Options {
        show_secrets: first & 1 == 1,
    });
    if first & 8 == 8 {
        explainer.retain_literals(64 * 1024);
    }
    let mut direction = Direction::Server;
    let mut out = Vec::new();
    for piece in data.split_inclusive(|&b| b <= 2) {
        let (bytes, mark) = match piece.split_last() {
            Some((&m, rest)) if m <= 2 => (rest, Some(m)),
            _ => (piece, None),
        };
        out.extend(explainer.feed(direction, bytes));
        match mark {
            Some(0) => {
                direction = match direction {
                    Direction::Client => Direction::Server,
                    Direction::Server => Direction::Client,
                }
            }
            Some(1) => explainer.gap(direction),
            Some(_) => explainer.resume(direction),
            None => {}
        }
    }
    out.extend(explainer.finish());
    let style = TextStyle {
        color: first & 2 == 2,
        width: 80,
        full: first & 4 == 4,
    };
    for format in [Format::Text, Format::Json] {
        let mut sink = Vec::new();
        write_annotations(&mut sink, &out, format, style).expect("writing to memory");
    }
}

/// The `default` fixture, built once: a fresh copy of its store serves each input.
fn world() -> &'static (Store, Arc<Config>) {
    static WORLD: OnceLock<(Store, Arc<Config>)> = OnceLock::new();
    WORLD.get_or_init(|| {
        let (store, config) = fixture::load("default").expect("the default fixture");
        (store, Arc::new(config))
    })
}

/// Every protocol line the mock writes itself is printable UTF-8 and ends in CRLF: it
/// never echoes a control byte, bare CR or replacement character a client sent.
/// FETCH data is the exception: a stored message's header goes out as it was stored,
/// and a quoted string may hold any CHAR but CR and LF (RFC 3501 §9, TEXT-CHAR).
/// Dovecot 2.3.19 does the same: asked on 2026-12-06, it sent a Subject's \x01, \x05
/// and \x7f inside ENVELOPE's quoted string unchanged. (A line that ends in `}` inside
/// FETCH data announces a literal, after which the same response goes on.)
fn assert_clean(output: &[u8]) {
    let mut framer = Framer::default();
    framer.feed(output);
    // A FETCH response goes on after each of its literals: those lines are data too.
    let mut in_fetch = false;
    while let Some(frame) = framer.next_frame() {
        let Frame::Line(line) = frame else { continue };
        if in_fetch || is_fetch_data(line.text()) {
            assert!(line.bytes.ends_with(b"\r\n"));
            in_fetch = line.text().ends_with(b"}");
            continue;
        }
        let clean = std::str::from_utf8(line.text()).is_ok_and(|t| {
            !t.chars()
                .any(|c| (c.is_control() && c != '\x7f') || c == '\u{FFFD}')
        });
        assert!(
            clean && line.bytes.ends_with(b"\r\n"),
            "{:?}",
            String::from_utf8_lossy(&line.bytes)
        );
    }
}

/// `* n FETCH (`: message data, which carries what was stored.
fn is_fetch_data(text: &[u8]) -> bool {
    let Some(rest) = text.strip_prefix(b"* ") else {
        return false;
    };
    let digits = rest.iter().take_while(|b| b.is_ascii_digit()).count();
    digits > 0 && rest[digits..].starts_with(b" FETCH (")
}

/// The mock's Session, on any client bytes: one piece per line, a tick of a second
/// between pieces (IDLE keepalives, the deadlines), then the end of the input.
pub fn mock_session(data: &[u8]) {
    let (store, config) = world();
    // What one input APPENDs must not reach the next.
    let store = Store::new(store.lock().clone());
    let (mut session, greeting) = Session::new(store, config.clone());
    assert_clean(&greeting);
    let start = Instant::now();
    let mut ticks = 0;
    for piece in data.split_inclusive(|&b| b == b'\n') {
        let out = session.receive(piece);
        assert_clean(&out.bytes);
        if out.is_closed() {
            return;
        }
        ticks += 1;
        assert_clean(&session.tick(start + Duration::from_secs(ticks)).bytes);
        assert_clean(&session.poll_updates());
    }
    assert_clean(&session.end_of_input().bytes);
}

/// Every transcript reader (native, whole and streamed; `C:`/`S:`; telnet; bare) and
/// the importers of captures and logs (pcap, pcapng, rawlog, MOZ_LOG), through the
/// entry `explain` uses; what reads is diffed with itself.
pub fn transcript_readers(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    if let Ok(t) = imap_tutor::transcript::read(&text) {
        let report = diff(&t, &t, &Rules::default());
        let names = Names {
            expected: "a".into(),
            actual: "b".into(),
        };
        let _ = report.render(&names, false);
    }
    if let Ok(reader) = NativeReader::new(data) {
        for record in reader {
            if record.is_err() {
                break;
            }
        }
    }
    for name in ["capture.txt", "capture.pcap", "session.in", "moz.log"] {
        let sibling = |_: &str| Some(data.to_vec());
        let input = Input {
            bytes: data,
            name,
            sibling: &sibling,
        };
        let _ = read_sessions(&input, false);
    }
}

/// An empty folder for lessons: what a fuzzed lesson's `file:` may read is confined to
/// it, so `/dev/zero` and the like stay out of reach.
fn lesson_folder() -> &'static Path {
    static FOLDER: OnceLock<PathBuf> = OnceLock::new();
    FOLDER.get_or_init(|| {
        let dir = std::env::temp_dir().join(format!("imap-tutor-fuzz-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("a temporary folder");
        dir
    })
}

/// The lesson loader (the YAML caps, then the schema), and for a lesson that loads,
/// its fixture built and its setup run against the mock.
pub fn lesson_yaml(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    let path = lesson_folder().join("lesson.yaml");
    if let Ok(scenario) = schema::parse(&text, &path) {
        let _ = Runner::new(scenario);
    }
}
