//! The Dovecot captures in `transcripts/` replay against a real Dovecot, started here
//! with `scripts/dovecot-lab.sh` (the lab they were captured from) and seeded afresh
//! before each one, since every session changes the mailbox.
//!
//! Needs Dovecot and root (the lab runs Dovecot's master, which drops privileges):
//! it is `#[ignore]`d, and run with `--include-ignored` without Dovecot it fails and
//! says to run `scripts/ci-install.sh`.

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn lab_script() -> PathBuf {
    repo().join("scripts/dovecot-lab.sh")
}

/// A running lab; stopped when dropped, even if the test panics.
struct Lab {
    dir: PathBuf,
    port: u16,
    tls_port: u16,
}

impl Lab {
    fn start() -> Lab {
        let dir =
            std::env::temp_dir().join(format!("imap-tutor-replay-test-{}", std::process::id()));
        let (port, tls_port) = (free_port(), free_port());
        // Dovecot's master inherits the script's stdout and stderr and keeps them
        // open: with pipes, waiting for the script's output would wait for Dovecot
        // to exit. A log file has no such reader.
        let log_path =
            std::env::temp_dir().join(format!("imap-tutor-replay-test-{}.log", std::process::id()));
        let log = std::fs::File::create(&log_path).expect("a log file in the temp dir");
        let status = Command::new("bash")
            .arg(lab_script())
            .arg("start")
            .arg(&dir)
            .args([
                "--plain-port",
                &port.to_string(),
                "--tls-port",
                &tls_port.to_string(),
            ])
            .stdout(log.try_clone().expect("the log file"))
            .stderr(log)
            .status()
            .expect("bash runs");
        let text = std::fs::read_to_string(&log_path).unwrap_or_default();
        let _ = std::fs::remove_file(&log_path);
        assert!(status.success(), "the lab did not start:\n{text}");
        Lab {
            dir,
            port,
            tls_port,
        }
    }

    fn seed(&self) {
        let out = Command::new("bash")
            .arg(lab_script())
            .arg("seed-strategos")
            .arg(&self.dir)
            .output()
            .expect("bash runs");
        assert!(
            out.status.success(),
            "seeding failed:\n{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
}

impl Drop for Lab {
    fn drop(&mut self) {
        let _ = Command::new("bash")
            .arg(lab_script())
            .arg("stop")
            .arg(&self.dir)
            .output();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// A port nobody listens on now (the lab binds it a moment later).
fn free_port() -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1:0");
    listener.local_addr().expect("an address").port()
}

/// Fails the test when Dovecot is missing (the test is `#[ignore]`d: it runs only when
/// asked for, and then a missing Dovecot is an error).
fn require_dovecot() {
    let installed = Command::new("sh")
        .args(["-c", "command -v dovecot && command -v doveadm"])
        .output()
        .is_ok_and(|o| o.status.success());
    assert!(
        installed,
        "Dovecot is not installed: run scripts/ci-install.sh (as root)"
    );
}

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
    require_dovecot();
    let lab = Lab::start();
    let files = captures();
    assert!(files.len() >= 7, "{files:?}");
    let against = format!("127.0.0.1:{}", lab.port);
    let mut failures = Vec::new();
    for path in &files {
        lab.seed();
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
    lab.seed();
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
