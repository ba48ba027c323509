//! Hostile YAML: lessons and fixtures that cost far more than their size, or reach
//! outside their folder. Each is refused with the file and the line to blame.

mod support;

use std::path::Path;
use std::process::Command;

use support::fresh_dir;

/// `imap-tutor ARGS`: (exit code, stdout + stderr).
fn run(args: &[&str], dir: &Path) -> (Option<i32>, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_imap-tutor"))
        .args(args)
        .current_dir(dir)
        .output()
        .unwrap();
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    (out.status.code(), text)
}

/// A lesson whose inline fixture is `fixture_body` (indented under `fixture:`).
fn lesson_with_fixture(fixture_body: &str) -> String {
    format!(
        "id: hostile\ntitle: Hostile\nlevel: first-contact\nsummary: x\nfixture:\n{fixture_body}steps:\n  - narrative: hello\n    goal: say hello\n    show: a1 NOOP\n    expect: [\"{{tag}} OK NOOP completed.\"]\n    hints: [type it]\n    explanation: done\n"
    )
}

const SERVER: &str = "  server:\n    greeting: ready\n    capabilities: {before_login: [IMAP4rev1], after_login: [IMAP4rev1]}\n";

#[test]
fn aliases_that_copy_megabytes_are_refused_at_their_line() {
    let dir = fresh_dir("yaml-aliases");
    // 20 aliases of a 100 KB string: 2 MB from a 100 KB file.
    let mut fixture = format!(
        "{SERVER}  users:\n    - name: &big \"{}\"\n      password: x\n",
        "x".repeat(100_000)
    );
    for i in 0..20 {
        fixture.push_str(&format!("    - {{name: u{i}, password: *big}}\n"));
    }
    let lesson = lesson_with_fixture(&fixture);
    std::fs::write(dir.join("lesson.yaml"), &lesson).unwrap();
    let (code, out) = run(&["check", "lesson.yaml"], &dir);
    assert_ne!(code, Some(0), "{out}");
    assert!(
        out.contains("lesson.yaml:22:"),
        "{}",
        &out[..out.len().min(2000)]
    );
    assert!(out.contains("aliases"), "{}", &out[..out.len().min(2000)]);

    // The same world as a fixture file for `serve`.
    let fixture_file = fixture
        .lines()
        .map(|l| &l[2.min(l.len())..])
        .collect::<Vec<_>>()
        .join("\n");
    std::fs::write(dir.join("world.yaml"), fixture_file).unwrap();
    let (code, out) = run(
        &[
            "serve",
            "--fixture",
            "world.yaml",
            "--listen",
            "127.0.0.1:0",
        ],
        &dir,
    );
    assert_eq!(code, Some(2), "{out}");
    assert!(
        out.contains("world.yaml:line 17"),
        "{}",
        &out[..out.len().min(2000)]
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn deep_nesting_is_refused_at_its_line() {
    let dir = fresh_dir("yaml-nesting");
    // 100,000 levels in 200 KB: libyaml alone took 39 s to reject this.
    let deep = format!(
        "id: deep\nsteps: {}{}\n",
        "[".repeat(100_000),
        "]".repeat(100_000)
    );
    std::fs::write(dir.join("deep.yaml"), deep).unwrap();
    let (code, out) = run(&["check", "deep.yaml"], &dir);
    assert_ne!(code, Some(0));
    assert!(out.contains("deep.yaml:2:"), "{out}");
    assert!(out.contains("nested deeper than 64 levels"), "{out}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn file_paths_stay_in_the_lesson_s_folder() {
    let root = fresh_dir("yaml-confined");
    let dir = root.join("lessons");
    std::fs::create_dir_all(&dir).unwrap();
    let secret_dir = fresh_dir("yaml-confined-outside");
    std::fs::write(
        secret_dir.join("secret.eml"),
        "Subject: not yours\r\n\r\nsecret\r\n",
    )
    .unwrap();
    std::fs::write(dir.join("mine.eml"), "Subject: mine\r\n\r\nhello\r\n").unwrap();
    #[cfg(unix)]
    std::os::unix::fs::symlink(secret_dir.join("secret.eml"), dir.join("link.eml")).unwrap();
    let outside = secret_dir.join("secret.eml").display().to_string();
    for (file, allowed) in [
        ("mine.eml", true),
        ("./mine.eml", true),
        ("../../../../etc/passwd", false),
        (outside.as_str(), false),
        ("link.eml", false),
    ] {
        let fixture = format!(
            "{SERVER}  users:\n    - name: u\n      password: p\n      mailboxes:\n        - name: INBOX\n          messages:\n            - file: {file}\n"
        );
        std::fs::write(dir.join("lesson.yaml"), lesson_with_fixture(&fixture)).unwrap();
        let (code, out) = run(&["check", "lesson.yaml"], &dir);
        assert!(
            !out.contains("root:") && !out.contains("not yours"),
            "{file}: {out}"
        );
        if allowed {
            assert_eq!(code, Some(0), "{file}: {out}");
        } else {
            assert_ne!(code, Some(0), "{file}: {out}");
            assert!(out.contains("outside the lesson's folder"), "{file}: {out}");
        }
    }
    // A fixture named by path must sit in the lesson's folder too.
    let world = SERVER
        .lines()
        .map(|l| &l[2..])
        .collect::<Vec<_>>()
        .join("\n");
    std::fs::write(root.join("elsewhere.yaml"), format!("{world}\nusers: []\n")).unwrap();
    let lesson = lesson_with_fixture("").replace("fixture:\n", "fixture: ../elsewhere.yaml\n");
    std::fs::write(dir.join("lesson.yaml"), lesson).unwrap();
    let (code, out) = run(&["check", "lesson.yaml"], &dir);
    assert_ne!(code, Some(0), "{out}");
    assert!(out.contains("outside"), "{out}");
    let _ = std::fs::remove_dir_all(&root);
    let _ = std::fs::remove_dir_all(&secret_dir);
}
