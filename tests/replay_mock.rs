//! Every transcript in `transcripts/` replays against the in-process mock with no
//! difference after normalisation: the mock answers as the recorded Dovecot did.
//!
//! The Dovecot captures (their header has `lab:`) run against the mock's model of
//! the lab (`scenarios/fixtures/dovecot-lab.yaml`); the seed's session against the
//! built-in `strategos` fixture. A difference here is a place where the mock is not
//! Dovecot: fix the mock, never the normalisation.

use std::path::{Path, PathBuf};
use std::process::Command;

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn transcripts() -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = std::fs::read_dir(repo().join("transcripts"))
        .expect("transcripts/")
        .map(|e| e.expect("a directory entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "txt"))
        .collect();
    out.sort();
    out
}

fn fixture_for(path: &Path) -> String {
    let text = std::fs::read_to_string(path).expect("a readable transcript");
    let t = imap_tutor::transcript::read(&text).expect("a valid transcript");
    if let Some(fixture) = t.meta("fixture") {
        // A recording made against `imap-tutor serve --fixture NAME` says which.
        fixture.to_string()
    } else if t.meta("lab").is_some() {
        repo()
            .join("scenarios/fixtures/dovecot-lab.yaml")
            .display()
            .to_string()
    } else {
        "strategos".to_string()
    }
}

#[test]
fn every_transcript_replays_against_the_mock() {
    let files = transcripts();
    assert!(
        files.len() >= 8,
        "expected the seed and the Dovecot captures, found {files:?}"
    );
    let mut failures = Vec::new();
    for path in &files {
        let out = Command::new(env!("CARGO_BIN_EXE_imap-tutor"))
            .args([
                "replay",
                "--mock",
                "--password",
                "tryhackme",
                "--color",
                "never",
                "--fixture",
            ])
            .arg(fixture_for(path))
            .arg(path)
            .output()
            .expect("imap-tutor runs");
        let stdout = String::from_utf8_lossy(&out.stdout);
        println!(
            "{}: {}",
            path.display(),
            stdout.lines().last().unwrap_or("")
        );
        if out.status.code() != Some(0) {
            failures.push(format!(
                "{} (exit {:?}):\n{stdout}{}",
                path.display(),
                out.status.code(),
                String::from_utf8_lossy(&out.stderr)
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "the mock differs from the recordings:\n{}",
        failures.join("\n")
    );
}

#[test]
fn a_masked_password_must_be_given() {
    let out = Command::new(env!("CARGO_BIN_EXE_imap-tutor"))
        .args(["replay", "--mock", "--color", "never", "--fixture"])
        .arg(repo().join("scenarios/fixtures/dovecot-lab.yaml"))
        .arg(repo().join("transcripts/dovecot-select-fetch.txt"))
        .env_remove("IMAP_TUTOR_PASSWORD")
        .output()
        .expect("imap-tutor runs");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("masks LOGIN's password") && stderr.contains("--password"),
        "{stderr}"
    );
}

#[test]
fn a_changed_mock_world_shows_as_differences() {
    // The seed's session against the lab's world: the lab offers AUTH=LOGIN before
    // login, and no SPECIAL-USE after it.
    let out = Command::new(env!("CARGO_BIN_EXE_imap-tutor"))
        .args(["replay", "--mock", "--color", "never", "--fixture"])
        .arg(repo().join("scenarios/fixtures/dovecot-lab.yaml"))
        .arg(repo().join("transcripts/strategos.txt"))
        .output()
        .expect("imap-tutor runs");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{stdout}");
    assert!(
        stdout.contains("# the greeting's capability list gained AUTH=LOGIN"),
        "{stdout}"
    );
    assert!(
        stdout.contains("# the completion's capability list lost SPECIAL-USE"),
        "{stdout}"
    );
}
