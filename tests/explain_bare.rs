//! `imap-tutor explain` of bare protocol lines: a file of commands with no greeting and no
//! `C:`, a server's answer alone, or both. Each is explained as the side its lines'
//! shape says, and the output says which side it assumed.

use std::process::Command;

use imap_tutor::explain::{AnnotationKind, Explainer};
use imap_tutor::transcript::{self, Direction};

const BIN: &str = env!("CARGO_BIN_EXE_imap-tutor");

fn explain_cli(text: &str) -> (i32, String) {
    let dir = std::env::temp_dir().join(format!("imap-tutor-bare-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(format!(
        "{:x}.txt",
        text.len() * 31 + text.bytes().map(usize::from).sum::<usize>()
    ));
    std::fs::write(&path, text).unwrap();
    let out = Command::new(BIN)
        .args(["--color", "never", "explain"])
        .arg(&path)
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr),
    )
}

#[test]
fn bare_command_lines_are_explained_as_the_clients() {
    let (code, out) =
        explain_cli("a1 LOGIN strategos tryhackme\na2 SELECT INBOX\na3 FETCH 1 (FLAGS)\n");
    assert_eq!(code, 0, "{out}");
    assert!(!out.contains("no IMAP found"), "{out}");
    assert!(
        out.contains("taken as the client's"),
        "the assumption is said: {out}"
    );
    assert!(out.contains("C: a2 SELECT INBOX"), "{out}");
    assert!(out.contains("= opens INBOX read-write"), "{out}");
    assert!(out.contains("C: a3 FETCH 1 (FLAGS)"), "{out}");
    assert!(
        !out.contains("tryhackme"),
        "the password stays masked: {out}"
    );
}

#[test]
fn bare_server_lines_are_explained_as_the_servers() {
    let (code, out) = explain_cli(
        "* 4 EXISTS\n* 0 RECENT\n* OK [UIDNEXT 5] Predicted next UID\na2 OK [READ-WRITE] Select completed\n",
    );
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("taken as the server's"), "{out}");
    assert!(out.contains("S: * 4 EXISTS"), "{out}");
    assert!(!out.contains("not IMAP"), "{out}");
    // Without a greeting, the first `* OK` is no greeting.
    assert!(!out.contains("greeting:"), "{out}");
}

#[test]
fn mixed_bare_lines_are_split_by_shape() {
    let text = "a1 SELECT INBOX\n* 4 EXISTS\na1 OK [READ-WRITE] done\na2 FETCH 1 FLAGS\n* 1 FETCH (FLAGS (\\Seen))\na2 OK done\n";
    let t = transcript::read(text).unwrap();
    let sides: Vec<(Direction, AnnotationKind)> =
        Explainer::explain_transcript(&t, Default::default())
            .into_iter()
            .filter_map(|a| a.direction.map(|d| (d, a.kind)))
            .collect();
    assert_eq!(
        sides,
        vec![
            (Direction::Client, AnnotationKind::Command),
            (Direction::Server, AnnotationKind::Untagged),
            (Direction::Server, AnnotationKind::Tagged),
            (Direction::Client, AnnotationKind::Command),
            (Direction::Server, AnnotationKind::Untagged),
            (Direction::Server, AnnotationKind::Tagged),
        ]
    );
    assert!(t.notes().any(|n| n.contains("the others as the client's")));
}

#[test]
fn a_capture_with_a_greeting_is_still_telnets() {
    let text = "* OK ready\na1 LOGIN u p\na1 OK done\n";
    assert_eq!(transcript::detect(text).name, "telnet");
    let text = "a1 LOGIN u p\n";
    assert_eq!(transcript::detect(text).name, "bare");
}
