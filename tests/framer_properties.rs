//! Property tests of the protocol core, with a seeded generator so failures repeat:
//! - random chunkings of one stream give the same frames and the same messages;
//! - the frames' bytes, concatenated, are the input;
//! - random bytes never panic the framer, the grammar or the explainer.

use imap_tutor::explain::Explainer;
use imap_tutor::transcript::Direction;
use imap_tutor::wire::message::messages_of;
use imap_tutor::wire::{Assembler, Frame, Framer, Limits, Message};

/// xorshift64*: small, deterministic, good enough to pick sizes and bytes.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
    fn bytes(&mut self, n: usize) -> Vec<u8> {
        (0..n).map(|_| self.next() as u8).collect()
    }
}

/// A plausible IMAP stream: commands, responses, literals of many sizes, bare LFs.
fn imap_like_stream(rng: &mut Rng) -> Vec<u8> {
    let mut out = Vec::new();
    for i in 0..200 {
        match rng.below(6) {
            0 => out.extend_from_slice(format!("a{i} NOOP\r\n").as_bytes()),
            1 => out.extend_from_slice(format!("* {i} EXISTS\n").as_bytes()),
            2 | 3 => {
                let size = match rng.below(4) {
                    0 => 0,
                    1 => rng.below(10) as usize,
                    2 => rng.below(70_000) as usize,
                    _ => 65_536,
                };
                let marker = ["", "+", "-"][rng.below(3) as usize];
                let binary = if rng.below(4) == 0 { "~" } else { "" };
                out.extend_from_slice(
                    format!("* {i} FETCH (BODY[] {binary}{{{size}{marker}}}\r\n").as_bytes(),
                );
                out.extend(rng.bytes(size));
                out.extend_from_slice(b")\r\n");
            }
            4 => {
                let n = rng.below(300) as usize;
                out.extend(
                    rng.bytes(n)
                        .into_iter()
                        .map(|b| if b == b'\n' { b' ' } else { b }),
                );
                out.extend_from_slice(b"\r\n");
            }
            _ => out.extend_from_slice(b"a1 LOGIN {5}\r\nuser1 {3+}\r\npwd\r\n"),
        }
    }
    out.extend_from_slice(b"* unfinished line");
    out
}

fn frames(input: &[u8], chunks: &[usize], limits: Limits) -> Vec<Frame> {
    let mut framer = Framer::new(limits);
    let mut out = Vec::new();
    let mut rest = input;
    let mut i = 0;
    while !rest.is_empty() {
        let n = chunks[i % chunks.len()].clamp(1, rest.len());
        framer.feed(&rest[..n]);
        rest = &rest[n..];
        i += 1;
        while let Some(f) = framer.next_frame() {
            out.push(f);
        }
    }
    out.extend(framer.finish());
    out
}

fn messages(frames: &[Frame]) -> Vec<Message> {
    let mut asm = Assembler::default();
    let mut out: Vec<Message> = frames.iter().cloned().filter_map(|f| asm.push(f)).collect();
    out.extend(asm.flush());
    out
}

#[test]
fn random_chunkings_give_the_same_frames_and_messages() {
    for seed in 1..=8u64 {
        let mut rng = Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15));
        let input = imap_like_stream(&mut rng);
        let limits = Limits {
            max_line: 4096,
            max_literal: 1 << 20,
        };
        let whole = frames(&input, &[input.len()], limits);
        let joined: Vec<u8> = whole.iter().flat_map(|f| f.bytes().to_vec()).collect();
        assert_eq!(
            joined, input,
            "seed {seed}: frames must give back the input"
        );
        let expected_messages = messages(&whole);
        for round in 0..6 {
            let chunks: Vec<usize> = match round {
                0 => vec![1],
                1 => vec![2, 3, 5, 7],
                _ => (0..50).map(|_| 1 + rng.below(9000) as usize).collect(),
            };
            let got = frames(&input, &chunks, limits);
            assert_eq!(
                got, whole,
                "seed {seed}, round {round}: frames depend on chunking"
            );
            assert_eq!(
                messages(&got),
                expected_messages,
                "seed {seed}, round {round}"
            );
        }
    }
}

#[test]
fn random_bytes_never_panic() {
    let mut rng = Rng(0xDEAD_BEEF);
    for round in 0..300 {
        let n = rng.below(4000) as usize;
        let mut input = rng.bytes(n);
        // Sprinkle the bytes the grammar cares about, so parsers go deep.
        for _ in 0..n / 8 {
            let at = rng.below(n as u64) as usize;
            input[at] = b"{}()[]<>\"\\* +\r\n0123456789AOKNOBADFETCH"[rng.below(38) as usize];
        }
        for message in messages_of(&input) {
            let text = message.grammar_text();
            let _ = imap_tutor::grammar::parse_command(&text);
            let _ = imap_tutor::grammar::parse_response(&text);
        }
        let mut explainer = Explainer::default();
        let direction = if round % 2 == 0 {
            Direction::Client
        } else {
            Direction::Server
        };
        for chunk in input.chunks(1 + rng.below(500) as usize) {
            let _ = explainer.feed(direction, chunk);
            let _ = explainer.feed(Direction::Server, b"* OK x\r\n");
        }
        let _ = explainer.finish();
    }
}

#[test]
fn a_line_past_the_limit_is_reported_and_kept() {
    let limits = Limits {
        max_line: 100,
        max_literal: 10,
    };
    let mut input = vec![b'x'; 1000];
    input.extend_from_slice(b"\r\na1 NOOP\r\n");
    let got = frames(&input, &[7], limits);
    let joined: Vec<u8> = got.iter().flat_map(|f| f.bytes().to_vec()).collect();
    assert_eq!(joined, input);
    let msgs = messages(&got);
    assert_eq!(msgs.len(), 2);
    assert_eq!(msgs[0].wire_len(), 1002);
    assert_eq!(msgs[1].first_line(), b"a1 NOOP");
}

/// The explainer skips the bytes of a large literal beyond what it keeps: whatever the
/// chunking, it must explain the same messages in the same words.
#[test]
fn explanations_do_not_depend_on_chunking_when_literals_are_skipped() {
    let mut rng = Rng(42);
    let server = {
        let mut s = imap_like_stream(&mut rng);
        s.truncate(s.len() - b"* unfinished line".len());
        s
    };
    let explain = |chunk: usize| -> Vec<(String, String, Vec<u64>)> {
        let mut explainer = Explainer::default();
        explainer.retain_literals(1024);
        let mut out = Vec::new();
        for piece in server.chunks(chunk) {
            out.extend(explainer.feed(Direction::Server, piece));
        }
        out.extend(explainer.finish());
        out.into_iter()
            .map(|a| {
                (
                    a.display,
                    a.summary,
                    a.literals.iter().map(|l| l.received).collect(),
                )
            })
            .collect()
    };
    let whole = explain(server.len());
    assert!(whole.len() > 100);
    for chunk in [1, 7, 1000, 65_536, 300_000] {
        assert_eq!(explain(chunk), whole, "chunk {chunk}");
    }
}

/// The proxy's relay does not even copy what the explainer would only count: it asks
/// how many of the server's next bytes it may skip, and hands over a count instead.
/// The explanations must be the same as when every byte is fed. The literal pieces the
/// framer hands out are 64 KiB, so skipping starts after a literal's first piece: the
/// stream gets a few literals of several pieces besides the usual mix.
#[test]
fn counting_skippable_literal_bytes_explains_the_same_as_feeding_them() {
    let mut rng = Rng(7);
    let server = {
        let mut s = imap_like_stream(&mut rng);
        s.truncate(s.len() - b"* unfinished line".len());
        for (i, size) in [300_000usize, 131_073, 65_537, 1_000_000]
            .iter()
            .enumerate()
        {
            s.extend_from_slice(format!("* {i} FETCH (BODY[] {{{size}}}\r\n").as_bytes());
            s.extend(rng.bytes(*size));
            s.extend_from_slice(b")\r\n");
        }
        s.extend_from_slice(b"a1 OK done\r\n");
        s
    };
    let explain = |chunk: usize, skip: bool| -> (Vec<String>, u64) {
        let mut explainer = Explainer::default();
        explainer.retain_literals(1024);
        let mut out = Vec::new();
        let mut counted = 0;
        for mut piece in server.chunks(chunk) {
            if skip {
                let n = explainer.server_literal_to_skip().min(piece.len() as u64);
                assert!(explainer.skip_server_literal(n));
                counted += n;
                piece = &piece[n as usize..];
            }
            out.extend(explainer.feed(Direction::Server, piece));
        }
        out.extend(explainer.finish());
        let shown = out
            .iter()
            .map(|a| serde_json::to_string(a).unwrap())
            .collect();
        (shown, counted)
    };
    for chunk in [1000, 4096, 65_536, 262_144] {
        let (fed, _) = explain(chunk, false);
        let (skipped, counted) = explain(chunk, true);
        assert!(
            counted > 500_000,
            "chunk {chunk}: only {counted} bytes counted"
        );
        assert_eq!(skipped, fed, "chunk {chunk}");
    }
    // Nothing is skipped before the first piece is kept; more than it may skip is
    // refused, and changes nothing.
    let mut explainer = Explainer::default();
    explainer.retain_literals(4);
    explainer.feed(Direction::Server, b"* 1 FETCH (BODY[] {200000}\r\n");
    explainer.feed(Direction::Server, &[b'x'; 1000]);
    assert_eq!(explainer.server_literal_to_skip(), 0);
    explainer.feed(Direction::Server, &[b'x'; 69_000]);
    assert_eq!(explainer.server_literal_to_skip(), 130_000);
    assert!(!explainer.skip_server_literal(130_001));
    assert!(explainer.skip_server_literal(130_000));
    assert_eq!(explainer.server_literal_to_skip(), 0);
    let done = explainer.feed(Direction::Server, b")\r\n");
    assert_eq!(done.len(), 1);
    assert_eq!(done[0].literals[0].received, 200_000);
}
