//! Captures made now, of real programs: tcpdump on loopback while python imaplib
//! talks to the lab's Dovecot through `imap-tutor proxy --record`, with Dovecot's
//! rawlog on. The capture, reassembled, must explain to the same messages as the
//! proxy's recording (`imap-tutor diff`: no difference), with a literal large enough
//! that TCP split it across segments; Dovecot's rawlog of the same session must
//! explain with no unknown line.
//!
//! The committed captures in tests/data/imports/ (tests/imports.rs) were made the
//! same way by scripts/capture-imports.sh; this test makes fresh ones each run.

mod proxy_support;
mod support;

use std::path::PathBuf;

use imap_tutor::explain::{AnnotationKind, Explainer, Options};
use imap_tutor::transcript::pcap;
use imap_tutor::transcript::tcp;
use proxy_support::Proxy;
use support::{
    assert_same_sessions, fresh_dir, imaplib_session, import_sessions, require_program, DovecotLab,
    Tcpdump,
};

/// The message APPENDed and fetched back: far over loopback's 64 KiB segments.
const BIG: usize = 300_000;

#[test]
#[ignore = "needs tcpdump, python3 and Dovecot: sudo bash scripts/ci-install.sh, then cargo test -- --include-ignored"]
fn a_tcpdump_capture_explains_as_the_proxy_s_recording_and_the_rawlog_as_well() {
    require_program("tcpdump", "tcpdump");
    require_program("python3", "python3");
    let lab = DovecotLab::start(&["--rawlog"]);
    lab.seed_strategos();
    let dir = fresh_dir("capture-live");
    let recording = dir.join("recording.txt");
    let upstream = format!("127.0.0.1:{}", lab.port);
    let proxy = Proxy::start(&[
        "--upstream",
        &upstream,
        "--record",
        recording.to_str().unwrap(),
    ]);
    let capture = dir.join("session.pcap");
    let dump = Tcpdump::start(&capture, proxy.port);
    imaplib_session(proxy.port, "big", BIG);
    proxy.wait_for("session over", 1);
    let tcpdump = dump.stop_after_logout(&capture);
    proxy.stop();

    // TCP split the big literal: no segment holds it whole.
    let bytes = std::fs::read(&capture).unwrap();
    let frames = pcap::read(&bytes).unwrap().frames;
    let largest = frames
        .iter()
        .filter_map(|f| tcp::decode(f).ok())
        .map(|s| s.payload.len())
        .max()
        .unwrap();
    assert!(
        largest < BIG,
        "a segment of {largest} bytes held the whole literal"
    );

    assert_same_sessions(recording.to_str().unwrap(), capture.to_str().unwrap());
    let from_capture = import_sessions(&capture);
    let note = from_capture[0]
        .transcript
        .notes()
        .next()
        .unwrap_or_default()
        .to_string();
    assert!(
        !note.contains("hole"),
        "loopback lost nothing: {note} (tcpdump: {})",
        tcpdump.text
    );

    // Dovecot's rawlog of the proxy's connection: the same session after login.
    let rawlogs: Vec<PathBuf> = std::fs::read_dir(lab.dir.join("rawlog/strategos"))
        .unwrap()
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "in"))
        .filter(|p| std::fs::read(p).is_ok_and(|b| b.windows(6).any(|w| w == b"APPEND")))
        .filter(|p| std::fs::read(p).is_ok_and(|b| b.windows(5).any(|w| w == b"STORE")))
        .collect();
    assert_eq!(rawlogs.len(), 1, "{rawlogs:?}");
    let s = import_sessions(&rawlogs[0]);
    let annotations = Explainer::explain_transcript(&s[0].transcript, Options::default());
    let unknown: Vec<&str> = annotations
        .iter()
        .filter(|a| a.kind != AnnotationKind::Note && a.is_unknown())
        .map(|a| a.display.as_str())
        .collect();
    assert!(unknown.is_empty(), "{unknown:#?}");
    let big = annotations
        .iter()
        .filter(|a| a.literals.first().is_some_and(|l| l.size == BIG as u64))
        .count();
    assert_eq!(big, 2, "the APPEND and the FETCH of the big message");
    let _ = std::fs::remove_dir_all(&dir);
}
