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
fn wrong_commands_get_a_diagnostic_a_sentence_and_a_hint_and_the_lesson_goes_on() {
    let data = scratch("wrong");
    let mut p = spawn(&data, &["lesson", "strategos"]);
    type_at(&mut p, "step 1/4> ", "A LOGIN strategos tryhackme");
    p.exp_string("Goal reached.").unwrap();

    // No space after the tag: the grammar's diagnostic, Dovecot's BAD, one sentence, hint 1;
    // the diff on :diff.
    type_at(&mut p, "step 2/4> ", "c2SELECT inbox");
    p.exp_string("try: c2 SELECT inbox").unwrap();
    p.exp_string("c2SELECT BAD Error in IMAP command INBOX: Unknown command")
        .unwrap();
    p.exp_string("Not yet: Expected OK, the server said BAD: it read c2SELECT as the tag.")
        .unwrap();
    p.exp_string("Hint 1/3:").unwrap();
    type_at(&mut p, "step 2/4> ", ":diff");
    p.exp_string("- * 4 EXISTS").unwrap();
    p.exp_string("+ c2SELECT BAD").unwrap();
    type_at(&mut p, "step 2/4> ", "B SELECT inbox");
    p.exp_string("Goal reached.").unwrap();

    // No tag at all, and the wrong section: a diagnostic, the sentence, a hint; then :hint
    // again.
    type_at(&mut p, "step 3/4> ", "FETCH 3 body[header]");
    p.exp_string("try: a1 FETCH 3 body[header]").unwrap();
    p.exp_string("Not yet:").unwrap();
    p.exp_string("Hint 1/3:").unwrap();
    type_at(&mut p, "step 3/4> ", ":diff");
    p.exp_string("- * 3 FETCH (BODY[] {445}").unwrap();
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

/// Runs `imap-tutor ARGS` in a terminal `columns` wide.
fn spawn_sized(data: &Path, columns: u16, args: &[&str]) -> PtySession {
    let command = format!(
        "stty cols {columns} rows 50 && exec {BIN} {}",
        args.iter()
            .map(|a| format!("'{a}'"))
            .collect::<Vec<_>>()
            .join(" ")
    );
    let mut cmd = Command::new("sh");
    cmd.args(["-c", &command])
        .env("XDG_DATA_HOME", data)
        .env("TERM", "xterm")
        .env_remove("NO_COLOR")
        .env_remove("COLUMNS");
    cmd.current_dir(env!("CARGO_MANIFEST_DIR"));
    rexpect::session::spawn_command(cmd, Some(15_000)).expect("spawn imap-tutor")
}

/// What the terminal showed, as text: rexpect hands bytes over as Latin-1, so they are
/// turned back into bytes and read as UTF-8; escape sequences are dropped.
fn screen_text(latin1: &str) -> String {
    let bytes: Vec<u8> = latin1.chars().map(|c| c as u32 as u8).collect();
    let text = String::from_utf8_lossy(&bytes);
    let mut out = String::new();
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\x1b' => {
                if chars.peek() == Some(&'[') {
                    chars.next();
                    for d in chars.by_ref() {
                        if ('@'..='~').contains(&d) {
                            break;
                        }
                    }
                }
            }
            '\r' => {}
            c => out.push(c),
        }
    }
    out
}

/// Waits for `needle` and adds what came before it to `seen`.
fn read_to(p: &mut PtySession, needle: &str, seen: &mut String) {
    let before = p.exp_string(needle).unwrap_or_else(|e| {
        panic!(
            "waiting for {needle:?}: {e}\nso far:\n{}",
            screen_text(seen)
        )
    });
    seen.push_str(&before);
    seen.push_str(needle);
}

/// Lesson 1 in a terminal of `columns`: a wrong command gets one sentence and a hint, the
/// diff only after `:diff`; no Markdown mark shows, and no line is wider than the terminal.
fn wrong_command_in_lesson_one(columns: u16, color: &str) {
    let data = scratch(&format!("width{columns}"));
    let mut p = spawn_sized(&data, columns, &["--color", color, "lesson", "strategos"]);
    let mut seen = String::new();
    read_to(&mut p, "step 1/4> ", &mut seen);
    std::thread::sleep(Duration::from_millis(250));
    p.send_line("c1LOGIN strategos tryhackme").unwrap();
    read_to(&mut p, "Not yet:", &mut seen);
    read_to(&mut p, "Hint 1/3:", &mut seen);
    read_to(&mut p, "step 1/4> ", &mut seen);
    let before_diff = screen_text(&seen);
    assert!(
        !before_diff.contains("Expected reply (-)"),
        "the diff waits for :diff:\n{before_diff}"
    );
    let miss = before_diff
        .split("Not yet:")
        .nth(1)
        .unwrap_or("")
        .split("Hint 1/3:")
        .next()
        .unwrap_or("");
    let sentence: String = miss.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(
        sentence.starts_with("Expected OK, the server said BAD: it read c1LOGIN as the tag."),
        "{sentence}"
    );
    std::thread::sleep(Duration::from_millis(250));
    p.send_line(":diff").unwrap();
    read_to(&mut p, "+ c1LOGIN BAD", &mut seen);
    read_to(&mut p, "step 1/4> ", &mut seen);
    std::thread::sleep(Duration::from_millis(250));
    p.send_line(":quit").unwrap();
    let rest = p.exp_eof().unwrap();
    seen.push_str(&rest);
    let screen = screen_text(&seen);
    assert!(screen.contains("Expected reply (-)"), "{screen}");
    // (A masked password is eight stars, not a mark.)
    let unmasked = screen.replace("********", "");
    assert!(!unmasked.contains("**"), "a raw Markdown mark:\n{screen}");
    assert!(
        !screen.contains("*untagged*"),
        "a raw Markdown mark:\n{screen}"
    );
    let too_wide: Vec<&str> = screen
        .lines()
        .filter(|l| l.chars().count() > usize::from(columns))
        .collect();
    assert!(
        too_wide.is_empty(),
        "{} lines wider than {columns} columns:\n{}",
        too_wide.len(),
        too_wide.join("\n")
    );
}

#[test]
fn a_wrong_answer_at_60_columns_is_one_sentence_then_the_diff_on_request() {
    wrong_command_in_lesson_one(60, "never");
}

#[test]
fn a_wrong_answer_at_120_columns_in_colour_shows_no_markdown_marks() {
    wrong_command_in_lesson_one(120, "always");
}
