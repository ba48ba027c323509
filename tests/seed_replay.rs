//! The seed, replayed against `imap-tutor serve --fixture strategos` over TCP: the
//! server's bytes must equal the seed's, byte for byte, except Dovecot's timing
//! figures (issue 3). The client lines come from the seed file itself, read by the
//! telnet reader; the seed elides the password, which the fixture sets to tryhackme.

mod support;

use imap_tutor::transcript::{self, Direction, Record};
use support::MockServer;

const SEED: &str = "../shared/seeds/000_5f44558ce6d11335.txt";

/// Replaces `(0.001 + 0.000 secs)` figures, the only part allowed to differ.
fn without_timings(text: &str) -> String {
    let mut out = String::new();
    for line in text.split_inclusive('\n') {
        match (line.rfind(" ("), line.find(" secs).")) {
            (Some(open), Some(close)) if open < close => {
                out.push_str(&line[..open]);
                out.push_str(" (TIMING)");
                out.push_str(&line[close + " secs)".len()..]);
            }
            _ => out.push_str(line),
        }
    }
    out
}

#[test]
fn the_seed_against_serve_gives_the_seed_s_server_bytes() {
    let text = std::fs::read_to_string(SEED)
        .unwrap_or_else(|e| panic!("{SEED}: {e} (CI lays shared/ beside the clone)"));
    let seed = transcript::read(&text).expect("the seed reads");
    let client_lines: Vec<String> = seed
        .records
        .iter()
        .filter_map(|r| match r {
            Record::Bytes {
                direction: Direction::Client,
                bytes,
                ..
            } => Some(String::from_utf8_lossy(bytes).into_owned()),
            _ => None,
        })
        .collect();
    assert_eq!(
        client_lines,
        [
            "A LOGIN strategos\r\n",
            "B SELECT inbox\r\n",
            "C FETCH 3 body[]\r\n",
            "D LOGOUT\r\n"
        ]
    );

    let server = MockServer::start("strategos");
    let mut imap = server.connect();
    let mut got = imap.greeting.clone().into_bytes();
    for line in &client_lines {
        let line = if line == "A LOGIN strategos\r\n" {
            "A LOGIN strategos tryhackme\r\n"
        } else {
            line
        };
        imap.send(line.as_bytes());
        got.extend(imap.until_tagged(&line[..1]));
    }
    let expected = String::from_utf8(seed.bytes_of(Direction::Server)).unwrap();
    let got = String::from_utf8(got).unwrap();
    assert_eq!(without_timings(&got), without_timings(&expected));
    assert!(
        got.contains("* 3 FETCH (BODY[] {445}\r\n"),
        "the seed's 445-byte literal"
    );
}
