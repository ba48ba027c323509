//! The Dovecot captures in `transcripts/` replay against a real Dovecot, started here
//! with `scripts/dovecot-lab.sh` (the lab they were captured from) and seeded afresh
//! before each one, since every session changes the mailbox.
//!
//! Needs Dovecot and root (the lab runs Dovecot's master, which drops privileges):
//! it is `#[ignore]`d, and run with `--include-ignored` without Dovecot it fails and
//! says to run `scripts/ci-install.sh` (`tests/support`'s [`DovecotLab`]).

mod support;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use support::{repo, DovecotLab};

fn replay(path: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_imap-tutor"))
        .arg("replay")
        .arg(path)
        .args([
            "--password",
            "tryhackme",
            "--color",
            "never",
            "--updates-wait",
            "5",
        ])
        .args(args)
        .output()
        .expect("imap-tutor runs")
}

fn captures() -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = std::fs::read_dir(repo().join("transcripts"))
        .expect("transcripts/")
        .map(|e| e.expect("an entry").path())
        .filter(|p| {
            p.extension().is_some_and(|e| e == "txt")
                && p.file_name()
                    .is_some_and(|n| n.to_string_lossy().starts_with("dovecot-"))
        })
        .collect();
    out.sort();
    out
}

#[test]
#[ignore = "needs Dovecot (dovecot-imapd) and root: sudo bash scripts/ci-install.sh, then cargo test -- --include-ignored"]
fn the_dovecot_captures_replay_against_a_real_dovecot() {
    let lab = DovecotLab::start(&[]);
    let files = captures();
    assert!(files.len() >= 7, "{files:?}");
    let against = format!("127.0.0.1:{}", lab.port);
    let mut failures = Vec::new();
    for path in &files {
        lab.seed_strategos();
        let out = replay(path, &["--against", &against]);
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
        "Dovecot no longer answers as recorded:\n{}",
        failures.join("\n")
    );

    // Over implicit TLS the same server answers the same, except that its greeting
    // no longer offers STARTTLS: the diff says so, in words. (--insecure: the lab's
    // certificate is its own CA, which rustls refuses as a server certificate.)
    lab.seed_strategos();
    let tls = format!("127.0.0.1:{}", lab.tls_port);
    let out = replay(
        &repo().join("transcripts/dovecot-search.txt"),
        &["--against", &tls, "--tls", "--insecure"],
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(
        out.status.code(),
        Some(1),
        "{stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        stdout.contains("# the greeting's capability list lost STARTTLS"),
        "{stdout}"
    );
    assert!(stdout.contains("1 exchange differs"), "{stdout}");
}
