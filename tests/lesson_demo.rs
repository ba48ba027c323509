//! `imap-tutor lesson strategos --demo --no-pause --record out.txt` types the seed's commands
//! itself, and the recording is the golden seed session: `imap-tutor diff` finds no difference.

use std::process::Command;

const BIN: &str = env!("CARGO_BIN_EXE_imap-tutor");

#[test]
fn the_demo_of_strategos_records_the_seed_session() {
    let dir = std::env::temp_dir().join(format!("imap-tutor-demo-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let out = dir.join("out.txt");
    let root = env!("CARGO_MANIFEST_DIR");
    let demo = Command::new(BIN)
        .args([
            "--color",
            "never",
            "lesson",
            "strategos",
            "--demo",
            "--no-pause",
            "--record",
        ])
        .arg(&out)
        .env("XDG_DATA_HOME", &dir)
        .current_dir(root)
        .output()
        .unwrap();
    let shown = String::from_utf8_lossy(&demo.stdout);
    assert!(
        demo.status.success(),
        "{shown}\n{}",
        String::from_utf8_lossy(&demo.stderr)
    );
    for command in [
        "A LOGIN strategos tryhackme",
        "B SELECT inbox",
        "C FETCH 3 body[]",
        "D LOGOUT",
    ] {
        assert!(
            shown.contains(&format!("> {command}")),
            "the demo types {command}:\n{shown}"
        );
    }
    assert_eq!(shown.matches("✓ Goal reached.").count(), 4, "{shown}");
    assert!(
        !dir.join("imap-tutor/progress.json").exists(),
        "a demo is not the learner's progress"
    );

    let diff = Command::new(BIN)
        .args(["--color", "never", "diff", "transcripts/strategos.txt"])
        .arg(&out)
        .current_dir(root)
        .output()
        .unwrap();
    let said = String::from_utf8_lossy(&diff.stdout);
    assert!(
        diff.status.success(),
        "imap-tutor diff found differences:\n{said}\n{}",
        String::from_utf8_lossy(&diff.stderr)
    );
    assert!(said.contains("The sessions are the same"), "{said}");

    // Byte for byte, too: every byte each side sent is the golden session's.
    let golden = imap_tutor::transcript::read(
        &std::fs::read_to_string(format!("{root}/transcripts/strategos.txt")).unwrap(),
    )
    .unwrap();
    let recorded = imap_tutor::transcript::read(&std::fs::read_to_string(&out).unwrap()).unwrap();
    use imap_tutor::transcript::Direction::{Client, Server};
    assert_eq!(recorded.bytes_of(Client), golden.bytes_of(Client));
    assert_eq!(recorded.bytes_of(Server), golden.bytes_of(Server));
    let _ = std::fs::remove_dir_all(&dir);
}
