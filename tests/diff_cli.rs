//! `imap-tutor diff` and `imap-tutor convert` as a user runs them: exit codes as
//! diff(1) has them, JSON for tools, and a conversion that loses nothing.
//!
//! (The byte-level round trip of the seed's raw capture through the native format is
//! tested in `tests/transcripts_read.rs`; here the same goes through the command.)

use std::path::PathBuf;
use std::process::{Command, Output};

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn tutor(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_imap-tutor"))
        .args(args)
        .args(["--color", "never"])
        .current_dir(repo())
        .output()
        .expect("imap-tutor runs")
}

fn temp(name: &str, text: &str) -> PathBuf {
    let path =
        std::env::temp_dir().join(format!("imap-tutor-diff-cli-{}-{name}", std::process::id()));
    std::fs::write(&path, text).expect("a temp file");
    path
}

#[test]
fn exit_codes_are_those_of_diff() {
    let same = tutor(&[
        "diff",
        "transcripts/strategos.txt",
        "transcripts/strategos.txt",
    ]);
    assert_eq!(same.status.code(), Some(0));
    assert!(
        String::from_utf8_lossy(&same.stdout).starts_with("The sessions are the same: 5 exchanges")
    );

    let text = std::fs::read_to_string(repo().join("transcripts/strategos.txt")).unwrap();
    let changed = temp(
        "no.txt",
        &text.replace("S: B OK [READ-WRITE]", "S: B NO [READ-WRITE]"),
    );
    let differ = tutor(&[
        "diff",
        "transcripts/strategos.txt",
        changed.to_str().unwrap(),
    ]);
    let stdout = String::from_utf8_lossy(&differ.stdout);
    assert_eq!(differ.status.code(), Some(1), "{stdout}");
    assert!(
        stdout.contains("# the server answered NO instead of OK"),
        "{stdout}"
    );

    let missing = tutor(&["diff", "transcripts/strategos.txt", "no/such/file.txt"]);
    assert_eq!(missing.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&missing.stderr).contains("cannot read no/such/file.txt"));

    let bad_rule = tutor(&[
        "diff",
        "--keep",
        "nonsense",
        "transcripts/strategos.txt",
        "transcripts/strategos.txt",
    ]);
    assert_eq!(bad_rule.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&bad_rule.stderr).contains("the rules are timings, uidvalidity")
    );
    let _ = std::fs::remove_file(changed);
}

#[test]
fn json_is_one_document() {
    let out = tutor(&[
        "diff",
        "--format",
        "json",
        "transcripts/strategos.txt",
        "transcripts/dovecot-select-fetch.txt",
    ]);
    assert_eq!(out.status.code(), Some(1));
    let value: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    assert_eq!(value["same"], false);
    assert!(value["differences"]
        .as_array()
        .is_some_and(|d| !d.is_empty()));
}

/// A pasted web page (the project's own, in tests/data/pasted) converts to the native
/// format without losing a byte of the session.
#[test]
fn convert_writes_the_native_format_and_loses_nothing() {
    let seed = repo().join("tests/data/pasted/telnet-walkthrough.txt");
    let seed_text = std::fs::read_to_string(&seed).unwrap();
    let out_path =
        std::env::temp_dir().join(format!("imap-tutor-convert-{}.txt", std::process::id()));
    let out = tutor(&[
        "convert",
        seed.to_str().unwrap(),
        "-o",
        out_path.to_str().unwrap(),
        "--set",
        "server=imap-tutor serve --fixture strategos",
    ]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let native = std::fs::read_to_string(&out_path).unwrap();
    assert!(native.starts_with("# imap-tutor transcript 1\n"));
    assert!(
        native.contains("# server: imap-tutor serve --fixture strategos\n")
            && native.contains("# converted-from: telnet\n")
    );
    let raw = imap_tutor::transcript::read(&seed_text).unwrap();
    let back = imap_tutor::transcript::read(&native).unwrap();
    assert_eq!(
        back.interleaved_bytes(),
        raw.interleaved_bytes(),
        "bytes were lost"
    );
    // Converting the result again changes nothing.
    let again = tutor(&["convert", out_path.to_str().unwrap()]);
    assert_eq!(String::from_utf8_lossy(&again.stdout), native);
    let _ = std::fs::remove_file(out_path);
}
