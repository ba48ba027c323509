//! Reading transcripts in every format, and the native format's round trips.
//!
//! The seed (a telnet session pasted from a web page, with its CRs and TABs lost) must
//! come out as the exact bytes a real telnet session would have carried; the native
//! format must keep every byte of anything, and be stable when written again.
//! `transcripts/strategos.txt` is generated from the seed by `strategos_from_seed`:
//! run `IMAP_TUTOR_BLESS=1 cargo test --test transcripts_read` to rewrite it.

use imap_tutor::transcript::{self, Direction, Record, Transcript};
use imap_tutor::wire::{Frame, Framer};
use std::path::Path;

const SEED: &str = "../shared/seeds/000_5f44558ce6d11335.txt";
const STRATEGOS: &str = "transcripts/strategos.txt";
/// The project's own pasted web page: prose, a telnet session against the mock with its
/// CRs and TABs lost on the way, two literals.
const PAGE: &str = "tests/data/pasted/telnet-walkthrough.txt";

/// The seed lies outside the repository (beside CI's checkout), so the tests that read
/// it are `#[ignore]`d; run explicitly, a missing seed fails them.
fn seed() -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(SEED);
    std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("the seed {} is not there ({e})", path.display()))
}

fn page() -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(PAGE);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// The message the seed's FETCH shows, as Dovecot sent it: CR LF, TAB-folded header.
const MESSAGE: &str = "Return-path: <user@client.thm>\r\n\
Envelope-to: strategos@server.thm\r\n\
Delivery-date: Thu, 27 Jun 2024 16:19:35 +0000\r\n\
Received: from [10.11.81.126] (helo=client.thm)\r\n\
\tby example.thm with smtp (Exim 4.95)\r\n\
\t(envelope-from <user@client.thm>)\r\n\
\tid 1sMrpq-0001Ah-UT\r\n\
\tfor strategos@server.thm;\r\n\
\tThu, 27 Jun 2024 16:19:35 +0000\r\n\
From: user@client.thm\r\n\
To: strategos@server.thm\r\n\
Subject: Telnet email\r\n\
\r\n\
Hello. I am using telnet to send you an email!\r\n";

fn seed_server_bytes() -> Vec<u8> {
    let mut s = String::new();
    s.push_str("* OK [CAPABILITY IMAP4rev1 SASL-IR LOGIN-REFERRALS ID ENABLE IDLE LITERAL+ STARTTLS AUTH=PLAIN] Dovecot (Ubuntu) ready.\r\n");
    s.push_str("A OK [CAPABILITY IMAP4rev1 SASL-IR LOGIN-REFERRALS ID ENABLE IDLE SORT SORT=DISPLAY THREAD=REFERENCES THREAD=REFS THREAD=ORDEREDSUBJECT MULTIAPPEND URL-PARTIAL CATENATE UNSELECT CHILDREN NAMESPACE UIDPLUS LIST-EXTENDED I18NLEVEL=1 CONDSTORE QRESYNC ESEARCH ESORT SEARCHRES WITHIN CONTEXT=SEARCH LIST-STATUS BINARY MOVE SNIPPET=FUZZY PREVIEW=FUZZY PREVIEW STATUS=SIZE SAVEDATE LITERAL+ NOTIFY SPECIAL-USE] Logged in\r\n");
    s.push_str("* FLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft)\r\n");
    s.push_str("* OK [PERMANENTFLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft \\*)] Flags permitted.\r\n");
    s.push_str("* 4 EXISTS\r\n* 0 RECENT\r\n* OK [UNSEEN 2] First unseen.\r\n");
    s.push_str(
        "* OK [UIDVALIDITY 1719824692] UIDs valid\r\n* OK [UIDNEXT 5] Predicted next UID\r\n",
    );
    s.push_str("B OK [READ-WRITE] Select completed (0.001 + 0.000 secs).\r\n");
    s.push_str("* 3 FETCH (BODY[] {445}\r\n");
    s.push_str(MESSAGE);
    s.push_str(")\r\nC OK Fetch completed (0.001 + 0.000 secs).\r\n");
    s.push_str("* BYE Logging out\r\nD OK Logout completed (0.001 + 0.000 secs).\r\n");
    s.into_bytes()
}

fn others(t: &Transcript) -> Vec<(&str, &str)> {
    t.records
        .iter()
        .filter_map(|r| match r {
            Record::Other { text, why, .. } => Some((text.as_str(), why.as_str())),
            _ => None,
        })
        .collect()
}

/// Runs bytes through the framer: (line texts, literal sizes).
fn frames(bytes: &[u8]) -> (Vec<Vec<u8>>, Vec<usize>) {
    let mut framer = Framer::default();
    framer.feed(bytes);
    let (mut lines, mut literals) = (Vec::new(), Vec::new());
    let mut current = 0;
    while let Some(frame) = framer.next_frame() {
        match frame {
            Frame::Line(line) => lines.push(line.text().to_vec()),
            Frame::Literal { bytes, last } => {
                current += bytes.len();
                if last {
                    literals.push(current);
                    current = 0;
                }
            }
            other => panic!("unexpected frame {other:?}"),
        }
    }
    assert!(framer.finish().is_none(), "bytes left over");
    (lines, literals)
}

// ---------------------------------------------------------------------------------
// The seed

#[test]
#[ignore = "reads the seed ../shared/seeds/000_5f44558ce6d11335.txt, which lies beside CI's checkout: run there with cargo test -- --include-ignored"]
fn the_seed_reads_as_the_session_it_shows() {
    let text = seed();
    assert_eq!(transcript::detect(&text).name, "telnet");
    let t = transcript::read(&text).unwrap();

    assert_eq!(
        String::from_utf8(t.bytes_of(Direction::Client)).unwrap(),
        "A LOGIN strategos\r\nB SELECT inbox\r\nC FETCH 3 body[]\r\nD LOGOUT\r\n"
    );
    let server = t.bytes_of(Direction::Server);
    assert_eq!(
        String::from_utf8(server.clone()).unwrap(),
        String::from_utf8(seed_server_bytes()).unwrap()
    );
    let (lines, literals) = frames(&server);
    assert_eq!(literals, vec![445]);
    assert!(lines.contains(&b")".to_vec()));

    let literal: Vec<u8> = t
        .records
        .iter()
        .filter_map(|r| match r {
            Record::Bytes {
                literal: true,
                bytes,
                ..
            } => Some(bytes.clone()),
            _ => None,
        })
        .flatten()
        .collect();
    assert_eq!(literal, MESSAGE.as_bytes());

    let others = others(&t);
    let why = |text: &str| {
        others
            .iter()
            .find(|(t, _)| *t == text)
            .map(|(_, w)| *w)
            .unwrap_or_else(|| panic!("{text} not Other"))
    };
    assert!(why("Synchronising email: IMAP(Internet Message Access Protocol)").contains("prose"));
    assert!(why("  • c1LOGIN <username> <password> authenticates the user").contains("prose"));
    assert!(why("User@TryHackMe$ telnet 10.10.41.192 143").contains("shell"));
    for line in [
        "Trying 10.10.41.192...",
        "Connected to 10.10.41.192.",
        "Escape character is '^]'.",
        "Connection closed by foreign host.",
    ] {
        assert!(why(line).contains("telnet"), "{line}: {}", why(line));
    }
    assert!(why("Last updated").contains("prose"));

    let notes: Vec<&str> = t.notes().collect();
    assert!(notes.iter().any(|n| n.contains("CR LF")), "{notes:?}");
    assert!(
        notes.iter().any(|n| n.contains("TAB") && n.contains("445")),
        "{notes:?}"
    );
    assert_eq!(t.meta("client"), Some("telnet 10.10.41.192 143"));
}

/// The project's own pasted page: what a browser's copy does to a telnet session
/// (CRs lost, TABs turned into spaces, prose around it) is undone.
#[test]
fn a_pasted_page_reads_as_the_session_it_shows() {
    let text = page();
    assert_eq!(transcript::detect(&text).name, "telnet");
    let t = transcript::read(&text).unwrap();
    assert_eq!(
        String::from_utf8(t.bytes_of(Direction::Client)).unwrap(),
        "a1 LOGIN strategos tryhackme\r\na2 LIST \"\" \"*\"\r\na3 EXAMINE INBOX\r\n\
         a4 FETCH 2 (FLAGS BODY.PEEK[HEADER.FIELDS (FROM SUBJECT)])\r\na5 FETCH 3 BODY.PEEK[]\r\n\
         a6 LOGOUT\r\n"
    );
    let server = t.bytes_of(Direction::Server);
    let (lines, literals) = frames(&server);
    assert_eq!(literals, vec![61, 445]);
    assert!(lines.contains(&b"* 3 FETCH (BODY[] {445}".to_vec()));
    // The seed's message 3, TABs and CRs restored, is the second literal.
    let literal: Vec<u8> = t
        .records
        .iter()
        .filter_map(|r| match r {
            Record::Bytes {
                literal: true,
                bytes,
                ..
            } => Some(bytes.clone()),
            _ => None,
        })
        .flatten()
        .collect();
    assert!(literal.ends_with(MESSAGE.as_bytes()));
    let others = others(&t);
    let why = |text: &str| {
        others
            .iter()
            .find(|(t, _)| *t == text)
            .map(|(_, w)| *w)
            .unwrap_or_else(|| panic!("{text} not Other"))
    };
    assert!(why("Reading mail by hand: a telnet session with IMAP").contains("prose"));
    assert!(why("  \u{2022} a6 LOGOUT says goodbye").contains("prose"));
    assert!(why("learner@lab:~$ telnet 127.0.0.1 1143").contains("shell"));
    assert!(why("Connection closed by foreign host.").contains("telnet"));
    let notes: Vec<&str> = t.notes().collect();
    assert!(notes.iter().any(|n| n.contains("CR LF")), "{notes:?}");
    assert!(
        notes.iter().any(|n| n.contains("TAB") && n.contains("445")),
        "{notes:?}"
    );
    assert_eq!(t.meta("client"), Some("telnet 127.0.0.1 1143"));
}

#[test]
#[ignore = "reads the seed ../shared/seeds/000_5f44558ce6d11335.txt, which lies beside CI's checkout: run there with cargo test -- --include-ignored"]
fn the_seeds_raw_capture_survives_the_native_format() {
    raw_capture_survives_the_native_format(&seed());
}

#[test]
fn a_pasted_pages_raw_capture_survives_the_native_format() {
    raw_capture_survives_the_native_format(&page());
}

fn raw_capture_survives_the_native_format(text: &str) {
    let raw = transcript::read(text).unwrap();
    let native = transcript::write(&raw);
    let back = transcript::read(&native).unwrap();
    for direction in [Direction::Client, Direction::Server] {
        assert_eq!(
            back.bytes_of(direction),
            raw.bytes_of(direction),
            "{direction:?}"
        );
    }
    assert_eq!(back.interleaved_bytes(), raw.interleaved_bytes());
    assert_eq!(transcript::write(&back), native, "not canonical");
    // Prose and telnet's lines come back as comments, notes as notes.
    assert_eq!(back.notes().count(), raw.notes().count());
    assert_eq!(others(&back).len(), others(&raw).len());

    let converted = transcript::convert(text).unwrap();
    assert!(
        converted.contains("# converted-from: telnet\n"),
        "{converted}"
    );
    let again = transcript::read(&converted).unwrap();
    assert_eq!(again.interleaved_bytes(), raw.interleaved_bytes());
    assert_eq!(
        transcript::convert(&converted).unwrap(),
        converted,
        "convert is not idempotent"
    );
}

#[test]
fn a_paste_whose_literal_count_cannot_match_does_not_swallow_the_session() {
    // A web page that also dropped a header line: no repair gives 445 bytes.
    let text = page().replace("Subject: Telnet email\n", "");
    let t = transcript::read(&text).unwrap();
    let real = 445 - "Subject: Telnet email\r\n".len();
    let server = t.bytes_of(Direction::Server);
    let (lines, literals) = frames(&server);
    assert_eq!(literals, vec![61, real]);
    let header = format!("* 3 FETCH (BODY[] {{{real}}}");
    assert!(lines.contains(&header.into_bytes()));
    assert!(lines.contains(&b"a6 OK Logout completed (0.001 + 0.000 secs).".to_vec()));
    assert!(t.bytes_of(Direction::Client).ends_with(b"a6 LOGOUT\r\n"));
    let note = t
        .notes()
        .find(|n| n.contains("announced"))
        .expect("a note about the literal");
    assert!(
        note.contains(&format!(
            "literal announced 445 bytes, the pasted text has {real}"
        )),
        "{note}"
    );
}

/// `transcripts/strategos.txt` from the seed: its session only, the password filled in.
fn strategos_from_seed(seed: &str) -> Transcript {
    let read = transcript::read(seed).unwrap();
    let mut t = Transcript::default();
    for (key, value) in [
        ("server", "Dovecot (Ubuntu) (seed walkthrough, TryHackMe)"),
        ("client", "telnet 10.10.41.192 143"),
        ("tool", "imap-tutor 0.1.0"),
        ("source", "shared/seeds/000_5f44558ce6d11335.txt"),
    ] {
        t.set_meta(key, value);
    }
    let comment = |text: &str| Record::Other {
        text: text.to_string(),
        why: "comment".to_string(),
        source_line: 0,
    };
    t.records.push(comment(
        "The seed walkthrough's telnet session, pasted from a web page. The paste lost its CRs and",
    ));
    t.records.push(comment(
        "turned the TABs of the folded Received header into spaces: both are restored here, which",
    ));
    t.records.push(comment(
        "makes the FETCH literal exactly the 445 bytes it announces.",
    ));
    t.records.push(comment(
        "The seed elides the password (`A LOGIN strategos`): `tryhackme` is filled in, so that the",
    ));
    t.records.push(comment("session can be replayed."));
    for record in read.records {
        if let Record::Bytes {
            direction,
            mut bytes,
            literal,
            time,
            source_line,
        } = record
        {
            if bytes == b"A LOGIN strategos\r\n" {
                bytes = b"A LOGIN strategos tryhackme\r\n".to_vec();
            }
            t.records.push(Record::Bytes {
                direction,
                bytes,
                literal,
                time,
                source_line,
            });
        }
    }
    t
}

#[test]
#[ignore = "reads the seed ../shared/seeds/000_5f44558ce6d11335.txt, which lies beside CI's checkout: run there with cargo test -- --include-ignored"]
fn strategos_txt_is_the_seed_in_canonical_form() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(STRATEGOS);
    let on_disk = std::fs::read_to_string(&path).unwrap_or_default();
    let expected = transcript::write(&strategos_from_seed(&seed()));
    if std::env::var_os("IMAP_TUTOR_BLESS").is_some() {
        std::fs::write(&path, &expected).unwrap();
    } else {
        assert_eq!(
            on_disk, expected,
            "{STRATEGOS} is stale: run IMAP_TUTOR_BLESS=1 cargo test --test transcripts_read -- --ignored"
        );
    }
}

/// The golden transcript in the repository, whether or not the seed is at hand.
#[test]
fn strategos_txt_is_canonical_and_holds_the_seed_session() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(STRATEGOS);
    let on_disk = std::fs::read_to_string(&path).unwrap();
    let t = transcript::read(&on_disk).unwrap();
    assert_eq!(transcript::write(&t), on_disk, "write(read(x)) != x");
    assert_eq!(
        t.meta("server"),
        Some("Dovecot (Ubuntu) (seed walkthrough, TryHackMe)")
    );
    assert_eq!(
        t.meta("source"),
        Some("shared/seeds/000_5f44558ce6d11335.txt")
    );
    assert_eq!(
        String::from_utf8(t.bytes_of(Direction::Client)).unwrap(),
        "A LOGIN strategos tryhackme\r\nB SELECT inbox\r\nC FETCH 3 body[]\r\nD LOGOUT\r\n"
    );
    assert_eq!(t.bytes_of(Direction::Server), seed_server_bytes());
    assert!(on_disk.contains("S| \\tby example.thm with smtp (Exim 4.95)\n"));
    assert!(on_disk.contains("S: * FLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft)\n"));
}

// ---------------------------------------------------------------------------------
// The native format

/// xorshift64*: reproducible randomness without a dependency.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

/// Bytes that stress the format: control bytes, bare CR and LF, invalid UTF-8,
/// backslashes before escape letters, literal headers, trailing spaces, long lines.
fn nasty_bytes(rng: &mut Rng) -> Vec<u8> {
    const PIECES: &[&[u8]] = &[
        b"\r\n",
        b"\n",
        b"\r",
        b"\0",
        b"\xff",
        b"\xc3",
        b"\xc3\xa9",
        b"\\",
        b"\\r",
        b"\\x41",
        b"\\$",
        b"$",
        b"\t",
        b" ",
        b"{5}\r\n",
        b"~{3+}\r\n",
        b"{0}\r\n",
        b"+ go\r\n",
        b"a1 BAD no\r\n",
        b"* 1 FETCH (BODY[] {12}\r\n",
        b"\xe2\x80\xa8",
        b"\xef\xbb\xbf",
        b"\x7f",
        b"\x1b[31m",
        b"a1 NOOP",
        b"\\Seen",
        b"#",
        b"!",
        b"@1.5 ",
        b"S: ",
        b"C| ",
    ];
    let mut out = Vec::new();
    for _ in 0..rng.below(40) {
        match rng.below(4) {
            0 => out.extend((0..rng.below(20)).map(|_| rng.below(256) as u8)),
            1 => out.extend((0..rng.below(20)).map(|_| b' ' + rng.below(95) as u8)),
            _ => out.extend_from_slice(PIECES[rng.below(PIECES.len() as u64) as usize]),
        }
    }
    out
}

fn assert_survives(t: &Transcript) {
    let text = transcript::write(t);
    let back = transcript::read_native(&text).unwrap_or_else(|e| panic!("{e}\n{text}"));
    for direction in [Direction::Client, Direction::Server] {
        assert_eq!(
            back.bytes_of(direction),
            t.bytes_of(direction),
            "{direction:?} bytes lost in\n{text}"
        );
    }
    assert_eq!(back.meta, t.meta);
    assert_eq!(transcript::write(&back), text, "not canonical");
    // Every line of the file is one record: no stray line breaks got in.
    for line in text.lines() {
        assert!(
            !line.ends_with(' ') && !line.ends_with('\t'),
            "trailing white space: {line:?}"
        );
    }
}

#[test]
fn random_bytes_survive_the_native_format() {
    let mut rng = Rng(0x5f44_558c_e6d1_1335);
    for round in 0..300 {
        let mut t = Transcript::default();
        t.set_meta("server", "random");
        for _ in 0..rng.below(30) {
            let direction = if rng.below(2) == 0 {
                Direction::Client
            } else {
                Direction::Server
            };
            let time = (rng.below(3) == 0).then(|| rng.below(100_000) as f64 / 1000.0);
            let bytes = if rng.below(4) == 0 {
                (0..rng.below(200)).map(|_| rng.below(256) as u8).collect()
            } else {
                nasty_bytes(&mut rng)
            };
            t.records.push(Record::Bytes {
                direction,
                bytes,
                literal: false,
                time,
                source_line: 0,
            });
        }
        let _ = round;
        assert_survives(&t);
    }
}

#[test]
fn edge_cases_survive_the_native_format() {
    let cases: &[&[u8]] = &[
        b"",
        b"\0",
        b"\r",
        b"\n",
        b"\r\r\n",
        b"a1 NOOP\n",
        b"trailing space \r\n",
        b"+ \r\n",
        b"\\",
        b"\\\r\n",
        b"\xff\xfe\xfd",
        b"* 1 FETCH (BODY[] {3}\r\na\r\n)\r\n",
        b"* 1 FETCH (BINARY[] ~{4}\r\n\0\0\r\n)\r\n",
    ];
    for case in cases {
        for direction in [Direction::Client, Direction::Server] {
            let t = Transcript {
                meta: vec![],
                records: vec![Record::Bytes {
                    direction,
                    bytes: case.to_vec(),
                    literal: false,
                    time: None,
                    source_line: 0,
                }],
            };
            assert_survives(&t);
        }
    }
    // A line longer than the framer's limit, and a literal longer than its piece size.
    let mut long = vec![b'x'; 100_000];
    long.extend_from_slice(b"\r\n* 1 FETCH (BODY[] {70000}\r\n");
    long.extend(std::iter::repeat_n(b'y', 70_000));
    long.extend_from_slice(b")\r\n");
    let t = Transcript {
        meta: vec![],
        records: vec![Record::Bytes {
            direction: Direction::Server,
            bytes: long,
            literal: false,
            time: Some(0.0),
            source_line: 0,
        }],
    };
    assert_survives(&t);
}

#[test]
fn the_native_format_reads_what_its_spec_says() {
    let text = "# imap-tutor transcript 1\n\
# server: Dovecot 2.3.19.1\n\
# started: 2026-01-02T03:04:05Z\n\
\n\
# server: this is a comment now\n\
@0.005 S: * OK ready\n\
C: a1 NOOP\\n\\$\n\
\n\
S: * 1 FETCH (BODY[] {7}\n\
S| Hello\\r\\$\n\
S| \\n\\$\n\
S: )\n\
! the server closed the connection\n\
S: +\\x20\n";
    let t = transcript::read(text).unwrap();
    assert_eq!(
        t.meta,
        vec![
            ("server".into(), "Dovecot 2.3.19.1".into()),
            ("started".into(), "2026-01-02T03:04:05Z".into())
        ]
    );
    assert_eq!(t.bytes_of(Direction::Client), b"a1 NOOP\n");
    assert_eq!(
        t.bytes_of(Direction::Server),
        b"* OK ready\r\n* 1 FETCH (BODY[] {7}\r\nHello\r\n)\r\n+ \r\n"
    );
    assert!(
        matches!(&t.records[0], Record::Other { text, .. } if text == "server: this is a comment now")
    );
    assert!(
        matches!(&t.records[1], Record::Bytes { time: Some(x), .. } if (*x - 0.005).abs() < 1e-9)
    );
    assert!(matches!(
        &t.records[4],
        Record::Bytes {
            literal: true,
            source_line: 10,
            ..
        }
    ));
    assert_eq!(
        t.notes().collect::<Vec<_>>(),
        vec!["the server closed the connection"]
    );
    // Blank lines are not canonical; everything else is.
    assert_eq!(
        transcript::write(&t),
        text.replace("\\n\\$\n\n", "\\n\\$\n")
    );
}

#[test]
fn native_errors_name_the_line_and_say_what_to_do() {
    let cases: &[(&str, usize, &str)] = &[
        (
            "# imap-tutor transcript 1\n\nS: * OK\nhello\n",
            4,
            "start it with `# `",
        ),
        (
            "# imap-tutor transcript 1\nX: nope\n",
            2,
            "not a transcript line",
        ),
        ("# imap-tutor transcript 1\nc: a1 NOOP\n", 2, "upper-case"),
        (
            "# imap-tutor transcript 1\nC- a1 NOOP\n",
            2,
            "`:` (a protocol line) or `|`",
        ),
        ("# imap-tutor transcript 1\nC:a1 NOOP\n", 2, "one space"),
        (
            "# imap-tutor transcript 1\n\n\nS: a\\xZZ\n",
            4,
            "two hex digits",
        ),
        (
            "# imap-tutor transcript 1\nS: a\\$b\n",
            2,
            "only end a line",
        ),
        ("# imap-tutor transcript 1\nS: a\\\n", 2, "lone backslash"),
        ("# imap-tutor transcript 1\n@x S: * OK\n", 2, "not a time"),
        ("# imap-tutor transcript 1\n@1.5\n", 2, "timestamp"),
        ("# imap-tutor transcript 9\n", 1, "upgrade"),
        ("# imap-tutor transcript one\n", 1, "version number"),
    ];
    for (text, line, needle) in cases {
        let e = transcript::read(text).unwrap_err();
        assert_eq!(e.line, *line, "{text:?}: {e}");
        assert!(e.message.contains(needle), "{text:?}: {e}");
        assert!(
            e.to_string()
                .starts_with(&format!("native transcript, line {line}")),
            "{e}"
        );
    }
    let e = transcript::read_native("S: * OK\n").unwrap_err();
    assert_eq!((e.line, e.column), (1, Some(1)));
    let e = transcript::read("# imap-tutor transcript 1\nC: a1 \\x4\n").unwrap_err();
    assert_eq!(e.column, Some(7), "{e}");
}

// ---------------------------------------------------------------------------------
// RFC-style text

#[test]
fn rfc_examples_with_literals_continuations_and_a_refusal() {
    let text = "\
   Example:    C: A001 LOGIN {11}
               S: + Ready for additional command text
               C: FRED FOOBAR {7}
               S: + Ready for additional command text
               C: fat man
               S: A001 OK LOGIN completed
               C: A044 BLURDYBLOOP {102856}
               S: A044 BAD No such command as \"BLURDYBLOOP\"

   Example:    C: A003 APPEND saved-messages (\\Seen) {310}
               S: + Ready for literal data
               C: Date: Mon, 7 Feb 1994 21:52:25 -0800 (PST)
               C: From: Fred Foobar <foobar@Blurdybloop.COM>
               C: Subject: afternoon meeting
               C: To: mooch@owatagu.siam.edu
               C: Message-Id: <B27397-0100000@Blurdybloop.COM>
               C: MIME-Version: 1.0
               C: Content-Type: TEXT/PLAIN; CHARSET=US-ASCII
               C:
               C: Hello Joe, do you think we can meet at 3:30 tomorrow?
               C:
               S: A003 OK APPEND completed
";
    assert_eq!(transcript::detect(text).name, "rfc");
    let t = transcript::read(text).unwrap();
    let client = t.bytes_of(Direction::Client);
    // The refused {102856} is never sent: a client framer is told so (`cancel_literal`)
    // when the tagged BAD comes, so frame the two halves apart.
    let refused = b"A044 BLURDYBLOOP {102856}\r\n";
    let cut = client
        .windows(refused.len())
        .position(|w| w == refused)
        .unwrap()
        + refused.len();
    let (lines, literals) = frames(&client[..cut]);
    assert_eq!(literals, vec![11, 7]);
    assert_eq!(lines[0], b"A001 LOGIN {11}");
    assert_eq!(frames(&client[cut..]).1, vec![310]);
    assert!(String::from_utf8(client).unwrap().starts_with(
        "A001 LOGIN {11}\r\nFRED FOOBAR {7}\r\nfat man\r\nA044 BLURDYBLOOP {102856}\r\nA003 APPEND"
    ));
    assert_eq!(
        String::from_utf8(t.bytes_of(Direction::Server)).unwrap(),
        "+ Ready for additional command text\r\n+ Ready for additional command text\r\nA001 OK LOGIN completed\r\n\
A044 BAD No such command as \"BLURDYBLOOP\"\r\n+ Ready for literal data\r\nA003 OK APPEND completed\r\n"
    );
    assert!(t.notes().any(|n| n.contains("instead of `+`")));
    // Written natively, the refused literal is not marked as literal data.
    let native = transcript::write(&t);
    assert!(
        native.contains("C: A044 BLURDYBLOOP {102856}\n! the server answered"),
        "{native}"
    );
    assert!(
        native.contains("\nS: A044 BAD No such command as \"BLURDYBLOOP\"\nC: A003 APPEND"),
        "{native}"
    );
    assert!(
        native.contains(
            "C: A003 APPEND saved-messages (\\Seen) {310}\nS: + Ready for literal data\nC| Date:"
        ),
        "{native}"
    );
}

#[test]
fn rfc_3501_sample_session_with_wrapped_lines_and_aligned_text() {
    // RFC 3501 §8, as printed: a wrapped FETCH line, `S:   ` and `S:    ` gutters.
    let text = "\
8.      Sample IMAP4rev1 connection

   The following is a transcript of an IMAP4rev1 connection.  A long
   line in this sample is broken for editorial clarity.

S:   * OK IMAP4rev1 Service Ready
C:   a001 login mrc secret
S:   a001 OK LOGIN completed
C:   a003 fetch 12 full
S:   * 12 FETCH (FLAGS (\\Seen) INTERNALDATE \"17-Jul-1996 02:44:25 -0700\"
      RFC822.SIZE 4286 ENVELOPE (\"Wed, 17 Jul 1996 02:23:25 -0700 (PDT)\"
      ((NIL NIL \"imap\" \"cac.washington.edu\"))
       92))
S:    a003 OK FETCH completed
C:    a004 fetch 12 body[header]
S:    * 12 FETCH (BODY[HEADER] {342}
S:    Date: Wed, 17 Jul 1996 02:23:25 -0700 (PDT)
S:    From: Terry Gray <gray@cac.washington.edu>
S:    Subject: IMAP4rev1 WG mtg summary and minutes
S:    To: imap@cac.washington.edu
S:    cc: minutes@CNRI.Reston.VA.US, John Klensin <KLENSIN@MIT.EDU>
S:    Message-Id: <B27397-0100000@cac.washington.edu>
S:    MIME-Version: 1.0
S:    Content-Type: TEXT/PLAIN; CHARSET=US-ASCII
S:
S:    )
S:    a004 OK FETCH completed
";
    let t = transcript::read(text).unwrap();
    let server = t.bytes_of(Direction::Server);
    let (lines, literals) = frames(&server);
    assert_eq!(literals, vec![342], "{}", String::from_utf8_lossy(&server));
    assert!(lines.contains(
        &b"* 12 FETCH (FLAGS (\\Seen) INTERNALDATE \"17-Jul-1996 02:44:25 -0700\" RFC822.SIZE 4286 ENVELOPE (\"Wed, 17 Jul 1996 02:23:25 -0700 (PDT)\" ((NIL NIL \"imap\" \"cac.washington.edu\")) 92))".to_vec()
    ));
    assert!(t.notes().any(|n| n.contains("wrapped")));
    assert_eq!(others(&t)[0].0, "8.      Sample IMAP4rev1 connection");
    assert_eq!(
        String::from_utf8(t.bytes_of(Direction::Client)).unwrap(),
        "a001 login mrc secret\r\na003 fetch 12 full\r\na004 fetch 12 body[header]\r\n"
    );
}

#[test]
fn rfc_style_capture_of_the_seed_session_against_dovecot() {
    // Our own Dovecot capture, written as `C:`/`S:` with the literal's lines prefixed.
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/dovecot/seed-session.txt");
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let t = transcript::read(&text).unwrap();
    let server = t.bytes_of(Direction::Server);
    let (_, literals) = frames(&server);
    assert!(literals.iter().all(|&n| n == 445), "{literals:?}");
    assert!(!literals.is_empty());
    assert_eq!(
        t.notes().filter(|n| n.contains("announced")).count(),
        0,
        "{:?}",
        t.notes().collect::<Vec<_>>()
    );
    assert!(String::from_utf8_lossy(&server)
        .contains("Received: from [10.11.81.126] (helo=client.thm)\r\n\tby example.thm"));
}

// ---------------------------------------------------------------------------------
// Telnet captures

#[test]
fn a_glued_tag_is_still_the_clients_line() {
    let t = transcript::read("* OK ready\nc1LOGIN strategos tryhackme\nc1 BAD Error in IMAP command received by server.\n").unwrap();
    assert_eq!(
        t.bytes_of(Direction::Client),
        b"c1LOGIN strategos tryhackme\r\n"
    );
    assert_eq!(
        t.bytes_of(Direction::Server),
        b"* OK ready\r\nc1 BAD Error in IMAP command received by server.\r\n"
    );
}

#[test]
fn an_exact_capture_keeps_its_line_endings() {
    let text = "* OK ready\r\na1 NOOP\na1 OK done\r\n";
    let t = transcript::read(text).unwrap();
    assert_eq!(t.bytes_of(Direction::Client), b"a1 NOOP\n");
    assert_eq!(t.notes().count(), 0);
}

#[test]
fn an_openssl_capture_with_its_chatter() {
    let text = "\
$ openssl s_client -connect imap.example.com:993 -crlf -quiet
depth=2 C = US, O = Internet Security Research Group, CN = ISRG Root X1
verify return:1
* OK [CAPABILITY IMAP4rev1 AUTH=PLAIN] ready
a1 LOGIN alice secret
a1 OK Logged in
---
Post-Handshake New Session Ticket arrived:
SSL-Session:
    Protocol  : TLSv1.3
---
a2 APPEND INBOX {11+}
Hello world
a2 OK Append completed
a3 LOGOUT
* BYE bye
a3 OK bye
closed
";
    let t = transcript::read(text).unwrap();
    assert_eq!(
        String::from_utf8(t.bytes_of(Direction::Client)).unwrap(),
        "a1 LOGIN alice secret\r\na2 APPEND INBOX {11+}\r\nHello world\r\na3 LOGOUT\r\n"
    );
    let (_, literals) = frames(&t.bytes_of(Direction::Client));
    assert_eq!(literals, vec![11]);
    assert_eq!(
        t.meta("client"),
        Some("openssl s_client -connect imap.example.com:993 -crlf -quiet")
    );
    assert!(others(&t)
        .iter()
        .any(|(text, why)| *text == "    Protocol  : TLSv1.3" && why.contains("openssl")));
}

#[test]
fn text_readers_fail_with_advice() {
    let e = transcript::read("Dear diary,\nnothing happened today.\n").unwrap_err();
    assert_eq!(e.format, "telnet");
    assert!(e.message.contains("no IMAP found"), "{e}");
    let e = transcript::read_as("rfc", "hello\n").unwrap_err();
    assert!(e.message.contains("`C: a1 NOOP`"), "{e}");
}
