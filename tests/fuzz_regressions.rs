//! Every input the fuzzers found a crash or a hang with, run again through the same
//! target body (`tests/data/fuzz/TARGET/`, one file per finding, named after what it
//! broke), and a few seeds per target so that each body runs in every `cargo test`.
//!
//! The fuzzers themselves (`scripts/fuzz.sh`, cargo-fuzz's layout in `fuzz/`) need
//! nightly and are run by CI for a few seconds per target and by hand for hours.

mod fuzz_support;

use std::path::Path;

use fuzz_support::TARGETS;

/// The committed findings of `target`, by file name.
fn findings(target: &str) -> Vec<(String, Vec<u8>)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data/fuzz")
        .join(target);
    let Ok(entries) = std::fs::read_dir(&dir) else {
        return Vec::new();
    };
    let mut out: Vec<(String, Vec<u8>)> = entries
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_file())
        .map(|p| {
            let name = p.file_name().unwrap().to_string_lossy().into_owned();
            (name, std::fs::read(&p).unwrap())
        })
        .collect();
    out.sort();
    out
}

/// A small input per target that reaches deep: a login, a literal, a FETCH.
fn seed(target: &str) -> Vec<u8> {
    let session: &[u8] = b"a1 LOGIN strategos {9+}\r\ntryhackme\r\na2 SELECT INBOX\r\na3 FETCH 1:* (FLAGS BODY.PEEK[HEADER.FIELDS (SUBJECT)])\r\na4 IDLE\r\nDONE\r\na5 LOGOUT\r\n";
    match target {
        "framer" => [&b"\x05"[..], session].concat(),
        "command_grammar" => {
            b"a3 UID FETCH 1:* (FLAGS BODY.PEEK[HEADER.FIELDS (SUBJECT)])\r\n".to_vec()
        }
        "response_grammar" => b"* 1 FETCH (FLAGS (\\Seen) BODY[] {5}\r\nhello)\r\n".to_vec(),
        "explainer" => [
            &b"\x04* OK ready\r\n\x00"[..],
            session,
            b"\x00+ OK\r\n\x01a2 OK [READ-WRITE] done\r\n",
        ]
        .concat(),
        "mock_session" => session.to_vec(),
        "transcript_readers" => {
            b"# imap-tutor transcript 1\n\nS: * OK ready\nC: a1 NOOP\nS: a1 OK done\n".to_vec()
        }
        "lesson_yaml" => {
            std::fs::read(Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/01-strategos.yaml"))
                .unwrap_or_default()
        }
        _ => Vec::new(),
    }
}

#[test]
fn every_finding_and_a_seed_run_clean_through_their_target() {
    let mut ran = 0;
    for (target, body) in TARGETS {
        let seed = seed(target);
        assert!(!seed.is_empty(), "no seed for {target}");
        body(&seed);
        for (name, input) in findings(target) {
            // A panic names the target and the file.
            eprintln!("{target}: {name}");
            body(&input);
            ran += 1;
        }
    }
    eprintln!("{ran} findings run");
}
