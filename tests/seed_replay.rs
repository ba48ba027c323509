//! Sessions replayed against `imap-tutor serve --fixture strategos` over TCP: the
//! server's bytes must equal the capture's, byte for byte, except Dovecot's timing
//! figures. The seed itself (outside the repository, so its test is opt-in) elides the
//! password, which the fixture sets to tryhackme; the project's own pasted page does not.

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
#[ignore = "reads the seed ../shared/seeds/000_5f44558ce6d11335.txt, which lies beside CI's checkout: run there with cargo test -- --include-ignored"]
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

/// The project's own pasted page was made against `serve --fixture strategos`: its
/// client lines, replayed, give back the server bytes the page shows (the paste's lost
/// CRs and TABs restored by the telnet reader).
#[test]
fn the_pasted_page_against_serve_gives_the_pages_server_bytes() {
    let path = support::repo().join("tests/data/pasted/telnet-walkthrough.txt");
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let page = transcript::read(&text).expect("the page reads");
    let server = MockServer::start("strategos");
    let mut imap = server.connect();
    let mut got = imap.greeting.clone().into_bytes();
    let mut sent = 0;
    for record in &page.records {
        if let Record::Bytes {
            direction: Direction::Client,
            bytes,
            ..
        } = record
        {
            let line = String::from_utf8_lossy(bytes);
            let tag = line.split(' ').next().unwrap_or_default().to_owned();
            imap.send(bytes);
            got.extend(imap.until_tagged(&tag));
            sent += 1;
        }
    }
    assert_eq!(sent, 6);
    let expected = String::from_utf8(page.bytes_of(Direction::Server)).unwrap();
    let got = String::from_utf8(got).unwrap();
    assert_eq!(without_timings(&got), without_timings(&expected));
}
