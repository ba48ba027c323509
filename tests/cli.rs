//! The command line as a user meets it: help with examples, colour rules, exit codes.

use std::process::Command;

fn tutor(args: &[&str], env: &[(&str, &str)]) -> (i32, String, String) {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_imap-tutor"));
    cmd.args(args).env_remove("NO_COLOR");
    for (k, v) in env {
        cmd.env(k, v);
    }
    let out = cmd.output().expect("the binary runs");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn help_shows_examples_and_exit_codes() {
    let (code, out, _) = tutor(&["--help"], &[]);
    assert_eq!(code, 0);
    assert!(
        out.contains("Examples:") && out.contains("imap-tutor explain transcripts/strategos.txt"),
        "{out}"
    );
    assert!(out.contains("Exit codes"));
    let (code, out, _) = tutor(&["explain", "--help"], &[]);
    assert_eq!(code, 0);
    assert!(out.contains("Examples:"), "{out}");
}

#[test]
fn colour_only_when_asked_or_on_a_terminal() {
    // Piped output (as here) is plain by default.
    let (_, plain, _) = tutor(&["explain", "transcripts/strategos.txt"], &[]);
    assert!(!plain.contains('\x1b'), "escape codes in piped output");
    let (_, forced, _) = tutor(
        &["--color", "always", "explain", "transcripts/strategos.txt"],
        &[],
    );
    assert!(forced.contains("\x1b["), "--color always must colour");
    let (_, never, _) = tutor(
        &["--color", "never", "explain", "transcripts/strategos.txt"],
        &[("NO_COLOR", "1")],
    );
    assert!(!never.contains('\x1b'));
}

#[test]
fn a_missing_file_is_exit_2_with_what_to_check() {
    let (code, out, err) = tutor(&["explain", "no/such/file.txt"], &[]);
    assert_eq!(code, 2);
    assert!(out.is_empty());
    assert!(
        err.contains("no/such/file.txt") && err.contains("check the path"),
        "{err}"
    );
}

#[test]
fn stdin_and_json() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_imap-tutor"))
        .args(["explain", "--format", "json", "-"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    use std::io::Write;
    child
        .stdin
        .take()
        .unwrap()
        .write_all(b"C: a1 NOOP\nS: a1 OK done\n")
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    let lines: Vec<serde_json::Value> = text
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 2, "{text}");
    assert_eq!(lines[0]["command"], "NOOP");
    assert_eq!(lines[1]["kind"], "tagged");
    assert_eq!(lines[1]["raw"], "a1 OK done\\r\\n");
}
