//! `imap-tutor lesson` in a pseudo-terminal, as a learner meets it: rustyline reading the
//! keyboard, the mock answering, the tutor judging. Each test is a typed session.
//!
//! The binary runs with its own XDG_DATA_HOME, so progress and history land in a
//! scratch folder and the tests can read what was saved. Before each line the test waits
//! for the prompt, and a little more: rustyline asks the terminal where the cursor is
//! when a prompt is shown, and keys typed during that question would be eaten.
//! rexpect reads the terminal byte by byte as Latin-1, so the needles are ASCII.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use rexpect::session::PtySession;

const BIN: &str = env!("CARGO_BIN_EXE_imap-tutor");

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("imap-tutor-pty-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn spawn(data: &Path, args: &[&str]) -> PtySession {
    let mut cmd = Command::new(BIN);
    cmd.args(["--color", "never"])
        .args(args)
        .env("XDG_DATA_HOME", data)
        .env("TERM", "xterm")
        .env_remove("NO_COLOR");
    cmd.current_dir(env!("CARGO_MANIFEST_DIR"));
    rexpect::session::spawn_command(cmd, Some(15_000)).expect("spawn imap-tutor")
}

/// Waits for `prompt`, then types `line`.
fn type_at(p: &mut PtySession, prompt: &str, line: &str) {
    p.exp_string(prompt)
        .unwrap_or_else(|e| panic!("waiting for {prompt:?} before {line:?}: {e}"));
    std::thread::sleep(Duration::from_millis(250));
    p.send_line(line).unwrap();
}

#[test]
fn typing_the_seeds_commands_succeeds_at_every_step() {
    let data = scratch("seed");
    let mut p = spawn(&data, &["lesson", "strategos"]);
    p.exp_string("Lesson strategos").unwrap();
    for (n, command) in [
        "A LOGIN strategos tryhackme",
        "B SELECT inbox",
        "C FETCH 3 body[]",
        "D LOGOUT",
    ]
    .iter()
    .enumerate()
    {
        type_at(&mut p, &format!("step {}/4> ", n + 1), command);
        p.exp_string("Goal reached.")
            .unwrap_or_else(|e| panic!("{command}: {e}"));
    }
    p.exp_string("Lesson complete: Your first session: strategos.")
        .unwrap();
    p.exp_eof().unwrap();
    let progress = std::fs::read_to_string(data.join("imap-tutor/progress.json")).unwrap();
    assert!(progress.contains("\"completed\": true"), "{progress}");
    let history = std::fs::read_to_string(data.join("imap-tutor/history")).unwrap();
    assert!(
        history.contains("B SELECT inbox"),
        "line history is kept: {history}"
    );
}

#[test]
fn wrong_commands_get_a_diagnostic_a_diff_and_a_hint_and_the_lesson_goes_on() {
    let data = scratch("wrong");
    let mut p = spawn(&data, &["lesson", "strategos"]);
    type_at(&mut p, "step 1/4> ", "A LOGIN strategos tryhackme");
    p.exp_string("Goal reached.").unwrap();

    // No space after the tag: the grammar's diagnostic, Dovecot's BAD, the diff, hint 1.
    type_at(&mut p, "step 2/4> ", "c2SELECT inbox");
    p.exp_string("try: c2 SELECT inbox").unwrap();
    p.exp_string("c2SELECT BAD Error in IMAP command INBOX: Unknown command")
        .unwrap();
    p.exp_string("Not yet.").unwrap();
    p.exp_string("- * 4 EXISTS").unwrap();
    p.exp_string("+ c2SELECT BAD").unwrap();
    p.exp_string("Hint 1/3:").unwrap();
    type_at(&mut p, "step 2/4> ", "B SELECT inbox");
    p.exp_string("Goal reached.").unwrap();

    // No tag at all, and the wrong section: a diagnostic, the diff, a hint; then :hint again.
    type_at(&mut p, "step 3/4> ", "FETCH 3 body[header]");
    p.exp_string("try: a1 FETCH 3 body[header]").unwrap();
    p.exp_string("Not yet.").unwrap();
    p.exp_string("- * 3 FETCH (BODY[] {445}").unwrap();
    p.exp_string("Hint 1/3:").unwrap();
    type_at(&mut p, "step 3/4> ", ":hint");
    p.exp_string("Hint 2/3:").unwrap();
    type_at(&mut p, "step 3/4> ", "C FETCH 3 body[]");
    p.exp_string("Goal reached.").unwrap();
    type_at(&mut p, "step 4/4> ", "D LOGOUT");
    p.exp_string("Lesson complete").unwrap();
    p.exp_eof().unwrap();
}

#[test]
fn progress_is_saved_and_a_learner_resumes_where_they_stopped() {
    let data = scratch("resume");
    let mut p = spawn(&data, &["lesson", "strategos"]);
    type_at(&mut p, "step 1/4> ", "a1 LOGIN strategos tryhackme");
    p.exp_string("Goal reached.").unwrap();
    type_at(&mut p, "step 2/4> ", "a2 SELECT INBOX");
    p.exp_string("Goal reached.").unwrap();
    type_at(&mut p, "step 3/4> ", ":quit");
    p.exp_string("Your progress is saved").unwrap();
    p.exp_eof().unwrap();

    let mut p = spawn(&data, &["lesson", "strategos"]);
    type_at(&mut p, "Resume there? [Y/n] ", "y");
    p.exp_string("steps 1 to 2 replayed").unwrap();
    // The replayed world is logged in with INBOX selected: FETCH works at once.
    type_at(&mut p, "step 3/4> ", "x FETCH 3 BODY[]");
    p.exp_string("Goal reached.").unwrap();
    type_at(&mut p, "step 4/4> ", ":skip");
    p.exp_string("(typed for you) D LOGOUT").unwrap();
    p.exp_string("Lesson complete").unwrap();
    p.exp_eof().unwrap();

    let mut menu = spawn(&data, &["lesson"]);
    menu.exp_regex(r"strategos\s+first contact\s+Your first session: strategos\s+done")
        .unwrap();
    menu.exp_eof().unwrap();
}
