//! What a teacher sees when a lesson is broken: every error names the file, the line and
//! the reason. Each test is a small scenario with one mistake, checked as
//! `imap-tutor check` would, and the errors are snapshots (reviewed by hand).

use std::path::Path;

use imap_tutor::lesson::check;

/// A two-step lesson that passes; the tests break it one way each.
const GOOD: &str = r#"id: tiny
title: "A tiny lesson"
level: beginner
summary: Log in and select INBOX.
fixture: strategos
steps:
  - narrative: Log in.
    goal: Log in as strategos.
    show: a1 LOGIN strategos tryhackme
    expect:
      - "{tag} OK [CAPABILITY {*}] Logged in"
    hints:
      - "Type: a1 LOGIN strategos tryhackme"
    explanation: You are in.
  - narrative: Select INBOX.
    goal: Select INBOX.
    show: a2 SELECT INBOX
    expect:
      - "..."
      - "* OK [UIDVALIDITY $uv] UIDs valid"
      - "* OK [UIDNEXT 5] Predicted next UID"
      - "{tag} OK [READ-WRITE] Select completed{*}"
    hints:
      - "Type: a2 SELECT INBOX"
    explanation: INBOX is open.
"#;

/// The errors `check` reports for `text`, one per line.
fn errors(name: &str, text: &str) -> String {
    let (report, _) = check::check_one(text, Path::new(&format!("scenarios/{name}.yaml")));
    report.errors.iter().map(|e| format!("{e}\n")).collect()
}

fn broken(from: &str, to: &str) -> String {
    assert!(GOOD.contains(from), "{from}");
    GOOD.replacen(from, to, 1)
}

#[test]
fn the_unbroken_lesson_passes() {
    assert_eq!(errors("tiny", GOOD), "");
}

#[test]
fn wrong_indentation() {
    // `goal:` one space further in than its siblings.
    let text = broken("    goal: Select INBOX.", "     goal: Select INBOX.");
    insta::assert_snapshot!(errors("indentation", &text));
}

#[test]
fn a_list_item_out_of_line() {
    // The second hint's dash sits under `hints:` instead of under the first dash.
    let text = broken(
        "      - \"Type: a2 SELECT INBOX\"",
        "      - \"Type: a2 SELECT INBOX\"\n    - \"or: a2 select inbox\"",
    );
    insta::assert_snapshot!(errors("list-item", &text));
}

#[test]
fn unknown_key() {
    let text = broken(
        "    hints:\n      - \"Type: a2",
        "    hint:\n      - \"Type: a2",
    );
    insta::assert_snapshot!(errors("unknown-key", &text));
}

#[test]
fn wrong_type() {
    let text = broken(
        "    hints:\n      - \"Type: a1 LOGIN strategos tryhackme\"",
        "    hints: \"Type: a1 LOGIN strategos tryhackme\"",
    );
    insta::assert_snapshot!(errors("wrong-type", &text));
}

#[test]
fn an_expected_line_that_never_matches() {
    let text = broken(
        "* OK [UIDNEXT 5] Predicted next UID",
        "* OK [UIDNEXT 6] Predicted next UID",
    );
    insta::assert_snapshot!(errors("never-matches", &text));
}

#[test]
fn unknown_fixture_and_unbound_variable() {
    let text = broken("fixture: strategos", "fixture: strategus")
        .replace("show: a2 SELECT INBOX", "show: a2 SELECT $box");
    insta::assert_snapshot!(errors("fixture-and-variable", &text));
}
