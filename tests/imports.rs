//! Imports read as transcripts: captures made by tcpdump on loopback, Dovecot's
//! rawlog, a Thunderbird MOZ_LOG, each explained and compared like a recording.
//!
//! The files under tests/data/imports/ come from real programs
//! (`sudo bash scripts/capture-imports.sh`: python imaplib through `imap-tutor proxy
//! --record` to the lab's Dovecot with rawlog on, captured by tcpdump); the damaged
//! capture is that capture reordered, with a retransmission and two lost segments
//! (`scripts/imports/damage_pcap.py`). The MOZ_LOG sample is written from the log's
//! documented shape (`scripts/make-moz-log-sample.py`).

mod support;

use support::{assert_same_sessions, tutor};

use std::path::Path;

use imap_tutor::explain::{Annotation, AnnotationKind, Explainer, Options};
use imap_tutor::transcript::import::Session;
use imap_tutor::transcript::{Direction, Record};

fn data(name: &str) -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data/imports")
        .join(name)
}

fn sessions(name: &str) -> Vec<Session> {
    support::import_sessions(&data(name))
}

fn explain(session: &Session) -> Vec<Annotation> {
    Explainer::explain_transcript(&session.transcript, Options::default())
}

fn notes(session: &Session) -> Vec<String> {
    session.transcript.notes().map(str::to_string).collect()
}

/// Fails with the annotations the explainer could not place.
fn assert_no_unknown(annotations: &[Annotation]) {
    let unknown: Vec<&str> = annotations
        .iter()
        .filter(|a| a.kind != AnnotationKind::Note && a.is_unknown())
        .map(|a| a.display.as_str())
        .collect();
    assert!(unknown.is_empty(), "unknown lines: {unknown:#?}");
}

#[test]
fn a_tcpdump_capture_explains_as_the_proxy_s_recording_of_the_same_session() {
    let text = assert_same_sessions(
        "tests/data/imports/dovecot-imaplib.txt",
        "tests/data/imports/dovecot-imaplib.pcap",
    );
    assert!(text.contains("10 exchanges"), "{text}");
    let s = sessions("dovecot-imaplib.pcap");
    assert_eq!(s.len(), 1);
    assert_eq!(s[0].format, "pcap");
    let client = String::from_utf8_lossy(&s[0].transcript.bytes_of(Direction::Client)).into_owned();
    assert!(client.contains("LOGIN strategos \"********\""), "{client}");
    assert!(
        !client.contains("tryhackme"),
        "the capture's password is masked"
    );
    assert_no_unknown(&explain(&s[0]));
}

#[test]
fn a_damaged_capture_reports_its_holes_and_resumes() {
    let s = sessions("dovecot-imaplib-damaged.pcapng");
    assert_eq!(s[0].format, "pcapng");
    let notes = notes(&s[0]);
    assert!(
        notes[0].contains("1 retransmitted (dropped), 2 out of order (put back in place), 2 holes where the capture lost 220 bytes"),
        "{notes:#?}"
    );
    assert!(
        notes
            .iter()
            .any(|n| n.contains("lost 173 bytes the server sent here")
                && n.contains("all were inside a literal, shown as NUL bytes")),
        "{notes:#?}"
    );
    assert!(
        notes
            .iter()
            .any(|n| n.contains("lost 47 bytes") && n.contains("resumes at the next message")),
        "{notes:#?}"
    );
    // Where the server's stream resumes, a gap restarts the explainer's framing.
    let gap = s[0].transcript.records.iter().find_map(|r| match r {
        Record::Gap {
            direction, missing, ..
        } => Some((*direction, *missing)),
        _ => None,
    });
    assert_eq!(gap, Some((Direction::Server, 47)));
    let annotations = explain(&s[0]);
    // The literal kept its size, so the FETCH and everything after it frame as sent.
    let fetch = annotations
        .iter()
        .find(|a| a.display.starts_with("* 3 FETCH (BODY[] {445}"))
        .expect("the FETCH with the damaged literal");
    assert_eq!(fetch.literals[0].size, 445);
    assert_eq!(fetch.literals[0].received, 445);
    let after: Vec<&str> = annotations
        .iter()
        .skip_while(|a| !a.display.ends_with("NOOP"))
        .filter(|a| a.direction.is_some())
        .map(|a| a.display.as_str())
        .collect();
    assert!(
        after
            .iter()
            .any(|d| d.ends_with("STORE 2 +FLAGS (\\Flagged)")),
        "{after:#?}"
    );
    assert!(after.contains(&"* BYE Logging out"), "{after:#?}");
    assert!(
        after.iter().any(|d| d.contains("OK Logout completed")),
        "{after:#?}"
    );
    assert_no_unknown(&annotations);
}

#[test]
fn implicit_tls_is_reported_as_encrypted_with_advice() {
    let s = sessions("dovecot-imaps.pcap");
    assert_eq!(s.len(), 1);
    let t = &s[0].transcript;
    assert!(
        t.records.iter().all(|r| !matches!(r, Record::Bytes { .. })),
        "no guessing at TLS bytes"
    );
    let notes = notes(&s[0]);
    assert!(
        notes[0].contains("IMAP over implicit TLS (IMAPS, port 993)"),
        "{notes:#?}"
    );
    assert!(notes[0].contains("imap-tutor proxy"), "{notes:#?}");
    assert!(notes[0].contains("SSLKEYLOGFILE"), "{notes:#?}");
}

#[test]
fn starttls_is_explained_up_to_the_upgrade() {
    let s = sessions("dovecot-starttls.pcap");
    let annotations = explain(&s[0]);
    let shown: Vec<&str> = annotations.iter().map(|a| a.display.as_str()).collect();
    assert!(shown.iter().any(|d| d.ends_with(" STARTTLS")), "{shown:#?}");
    assert!(
        shown
            .iter()
            .any(|d| d.contains("OK Begin TLS negotiation now")),
        "{shown:#?}"
    );
    let last = notes(&s[0]).pop().unwrap_or_default();
    assert!(last.starts_with("encrypted from here: STARTTLS"), "{last}");
    let client: Vec<&str> = annotations
        .iter()
        .filter(|a| a.direction == Some(Direction::Client))
        .map(|a| a.display.as_str())
        .collect();
    // imaplib asks for CAPABILITY, then STARTTLS; its LOGIN is inside TLS.
    assert_eq!(
        client.len(),
        2,
        "nothing after the upgrade is guessed: {client:#?}"
    );
    assert!(client[1].ends_with(" STARTTLS"));
}

#[test]
fn dovecot_s_rawlog_explains_with_no_unknown_line() {
    let out = tutor(&["explain", "tests/data/imports/rawlog/"]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let dir = data("rawlog");
    let input = std::fs::read_dir(&dir)
        .unwrap()
        .filter_map(|e| e.ok().map(|e| e.path()))
        .find(|p| p.extension().is_some_and(|x| x == "in"))
        .expect("a .in file");
    let name = input.file_name().unwrap().to_string_lossy().into_owned();
    let s = sessions(&format!("rawlog/{name}"));
    assert_eq!(s[0].format, "rawlog");
    let annotations = explain(&s[0]);
    assert_no_unknown(&annotations);
    let fetch = annotations
        .iter()
        .find(|a| a.display.starts_with("* 3 FETCH (BODY[] {445}"))
        .expect("the FETCH of message 3");
    assert!(
        fetch.literals[0].summary.contains("Telnet email"),
        "{:?}",
        fetch.literals
    );
    // The same session as the capture, after login (which Dovecot's rawlog leaves out).
    let shown: Vec<&str> = annotations.iter().map(|a| a.display.as_str()).collect();
    assert!(
        shown.iter().any(|d| d.contains("OK Logout completed")),
        "{shown:#?}"
    );
}

#[test]
fn thunderbird_s_log_explains_with_no_unknown_line() {
    let s = sessions("thunderbird-moz-log.txt");
    assert_eq!((s.len(), s[0].format), (1, "mozlog"));
    let annotations = explain(&s[0]);
    assert_no_unknown(&annotations);
    let kinds: Vec<(AnnotationKind, &str)> = annotations
        .iter()
        .map(|a| (a.kind, a.display.as_str()))
        .collect();
    let fetch = annotations
        .iter()
        .find(|a| a.display.starts_with("* 4 FETCH (UID 4 RFC822.SIZE"))
        .expect("the FETCH with a literal");
    assert_eq!(fetch.literals[0].size, 170);
    assert_eq!(fetch.literals[0].received, 170);
    assert!(
        kinds.contains(&(AnnotationKind::Command, "6 IDLE")),
        "{kinds:#?}"
    );
    assert!(
        kinds.contains(&(AnnotationKind::ClientData, "DONE")),
        "{kinds:#?}"
    );
    assert!(
        kinds.contains(&(AnnotationKind::Untagged, "* 5 EXISTS")),
        "{kinds:#?}"
    );
    assert!(notes(&s[0])[0].contains("lines of Thunderbird's own"));
    // No warning that SELECT came before login: the AUTHENTICATE completed.
    assert!(annotations
        .iter()
        .all(|a| a.diagnostics.iter().all(|d| d.code != "wrong-state")));
}

#[test]
fn convert_writes_a_capture_as_a_native_transcript() {
    let dir = std::env::temp_dir().join(format!("imap-tutor-convert-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let native = dir.join("capture.txt");
    let out = tutor(&[
        "convert",
        "tests/data/imports/dovecot-imaplib.pcap",
        "-o",
        native.to_str().unwrap(),
    ]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = std::fs::read_to_string(&native).unwrap();
    assert!(text.starts_with("# imap-tutor transcript 1"), "{text}");
    assert!(text.contains("# converted-from: pcap"), "{text}");
    let out = tutor(&[
        "diff",
        native.to_str().unwrap(),
        "tests/data/imports/dovecot-imaplib.txt",
    ]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn file_hash_n_picks_a_session() {
    let ok = tutor(&[
        "diff",
        "tests/data/imports/dovecot-imaplib.pcap#1",
        "tests/data/imports/dovecot-imaplib.txt",
    ]);
    assert_eq!(ok.status.code(), Some(0));
    let missing = tutor(&[
        "diff",
        "tests/data/imports/dovecot-imaplib.pcap#2",
        "tests/data/imports/dovecot-imaplib.txt",
    ]);
    assert_eq!(missing.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&missing.stderr).contains("there is no session 2: it holds 1"));
}

#[test]
fn a_capture_of_two_connections_gives_two_sessions() {
    // The records of two tcpdump files of the same link type, one after the other.
    let first = std::fs::read(data("dovecot-imaplib.pcap")).unwrap();
    let second = std::fs::read(data("dovecot-starttls.pcap")).unwrap();
    assert_eq!(first[..24], second[..24], "the same file header");
    let mut both = first.clone();
    both.extend_from_slice(&second[24..]);
    let dir = std::env::temp_dir().join(format!("imap-tutor-two-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("two.pcap");
    std::fs::write(&path, &both).unwrap();
    let s = support::import_sessions(&path);
    assert_eq!(s.len(), 2);
    assert!(s[0].name.ends_with(":23452"), "{}", s[0].name);
    let path = path.to_str().unwrap();
    assert_same_sessions(
        &format!("{path}#1"),
        "tests/data/imports/dovecot-imaplib.txt",
    );
    let unpicked = tutor(&["diff", path, "tests/data/imports/dovecot-imaplib.txt"]);
    assert_eq!(unpicked.status.code(), Some(2));
    let err = String::from_utf8_lossy(&unpicked.stderr);
    assert!(
        err.contains("holds 2 sessions: pick one with FILE#N"),
        "{err}"
    );
    let page = tutor(&["explain", "--format", "html", path]);
    let page = String::from_utf8_lossy(&page.stdout);
    assert!(page.contains("<nav><ol><li><a href=\"#s1\">") && page.contains("href=\"#s2\""));
    let text = String::from_utf8_lossy(&tutor(&["explain", path]).stdout).into_owned();
    assert!(text.starts_with("== session 1: "), "{text}");
    assert!(text.contains("\n== session 2: "), "{text}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn broken_captures_and_logs_give_an_error_or_sessions_never_a_panic() {
    use imap_tutor::transcript::import::{read_sessions, Input};
    let halves: Vec<std::path::PathBuf> = std::fs::read_dir(data("rawlog"))
        .unwrap()
        .filter_map(|e| e.ok().map(|e| e.path()))
        .collect();
    let half = |ext: &str| {
        let path = halves
            .iter()
            .find(|p| p.extension().is_some_and(|x| x == ext));
        std::fs::read(path.unwrap()).unwrap()
    };
    let out = half("out");
    // Everything is read as `x.in`, so a rawlog half finds this `.out` beside it.
    let sibling = |_: &str| Some(out.clone());
    let read = |bytes: &[u8]| {
        let _ = read_sessions(
            &Input {
                bytes,
                name: "x.in",
                sibling: &sibling,
            },
            false,
        );
    };
    for file in [
        std::fs::read(data("dovecot-imaplib-damaged.pcapng")).unwrap(),
        std::fs::read(data("dovecot-imaplib.pcap")).unwrap(),
        std::fs::read(data("thunderbird-moz-log.txt")).unwrap(),
        half("in"),
    ] {
        // Cut at every length up to 2 KB, then every 97th byte.
        for len in (0..file.len().min(2048)).chain((2048..file.len()).step_by(97)) {
            read(&file[..len]);
        }
        // Bytes changed here and there, with a small seeded generator.
        let mut seed: u64 = 0x9e37_79b9_7f4a_7c15;
        for _ in 0..600 {
            let mut copy = file.clone();
            for _ in 0..4 {
                seed ^= seed << 13;
                seed ^= seed >> 7;
                seed ^= seed << 17;
                let at = (seed % copy.len() as u64) as usize;
                copy[at] = (seed >> 32) as u8;
            }
            read(&copy);
        }
    }
}
