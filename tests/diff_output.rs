//! Snapshots of `imap-tutor diff` output: what a person reads when two sessions differ.
//!
//! Each test is two short sessions, written as transcripts, and the rendered diff
//! (no colour). The snapshots under `tests/snapshots/` were reviewed line by line:
//! a change there is a change in what learners read.

use imap_tutor::transcript::diff::{diff, Names};
use imap_tutor::transcript::normalize::Rules;
use imap_tutor::transcript::{self, Transcript};

fn session(text: &str) -> Transcript {
    let native = format!("# imap-tutor transcript 1\n\n{text}");
    transcript::read(&native).expect("a valid transcript")
}

fn render(expected: &str, actual: &str, rules: &Rules) -> String {
    let report = diff(&session(expected), &session(actual), rules);
    let names = Names {
        expected: "expected.txt".into(),
        actual: "actual.txt".into(),
    };
    report.render(&names, false)
}

/// The seed's session as Dovecot on Ubuntu answered it (shortened literal).
const SEED: &str = r#"S: * OK [CAPABILITY IMAP4rev1 SASL-IR LOGIN-REFERRALS ID ENABLE IDLE LITERAL+ STARTTLS AUTH=PLAIN] Dovecot (Ubuntu) ready.
C: A LOGIN strategos tryhackme
S: A OK Logged in
C: B SELECT inbox
S: * FLAGS (\Answered \Flagged \Deleted \Seen \Draft)
S: * OK [PERMANENTFLAGS (\Answered \Flagged \Deleted \Seen \Draft \*)] Flags permitted.
S: * 4 EXISTS
S: * 0 RECENT
S: * OK [UNSEEN 2] First unseen.
S: * OK [UIDVALIDITY 1719824692] UIDs valid
S: * OK [UIDNEXT 5] Predicted next UID
S: B OK [READ-WRITE] Select completed (0.001 + 0.000 secs).
C: C FETCH 3 (FLAGS INTERNALDATE BODY[])
S: * 3 FETCH (FLAGS (\Seen) INTERNALDATE "27-Jun-2024 16:19:35 +0000" BODY[] {114}
S| Message-ID: <1719504000.4711@client.thm>
S| Date: Thu, 27 Jun 2024 16:19:35 +0000
S| Subject: Telnet email
S|
S| Hello!
S: )
S: C OK Fetch completed (0.001 + 0.000 secs).
C: D LOGOUT
S: * BYE Logging out
S: D OK Logout completed (0.001 + 0.000 secs).
"#;

/// The same session against another Dovecot on another day: other tags, timings,
/// UIDVALIDITY, distribution, dates and Message-ID (the literal's length changes
/// with them).
const SEED_ELSEWHERE: &str = r#"S: * OK [CAPABILITY IMAP4rev1 SASL-IR LOGIN-REFERRALS ID ENABLE IDLE LITERAL+ STARTTLS AUTH=PLAIN] Dovecot (Debian) ready.
C: a001 LOGIN strategos tryhackme
S: a001 OK Logged in
C: a002 SELECT inbox
S: * FLAGS (\Answered \Flagged \Deleted \Seen \Draft)
S: * OK [PERMANENTFLAGS (\Answered \Flagged \Deleted \Seen \Draft \*)] Flags permitted.
S: * 4 EXISTS
S: * 0 RECENT
S: * OK [UNSEEN 2] First unseen.
S: * OK [UIDVALIDITY 1765432100] UIDs valid
S: * OK [UIDNEXT 5] Predicted next UID
S: a002 OK [READ-WRITE] Select completed (0.004 + 0.000 + 0.003 secs).
C: a003 FETCH 3 (FLAGS INTERNALDATE BODY[])
S: * 3 FETCH (FLAGS (\Seen) INTERNALDATE " 2-Dec-2025 08:00:01 +0100" BODY[] {116}
S| Message-ID: <20251202080001.77@lab.example>
S| Date: Tue, 2 Dec 2025 08:00:01 +0100
S| Subject: Telnet email
S|
S| Hello!
S: )
S: a003 OK Fetch completed (0.002 + 0.000 + 0.001 secs).
C: a004 LOGOUT
S: * BYE Logging out
S: a004 OK Logout completed (0.000 + 0.000 + 0.000 secs).
"#;

#[test]
fn identical_after_normalisation() {
    let out = render(SEED, SEED_ELSEWHERE, &Rules::default());
    insta::assert_snapshot!(out);
}

#[test]
fn strict_shows_every_volatile_value() {
    let out = render(SEED, SEED_ELSEWHERE, &Rules::strict());
    insta::assert_snapshot!(out);
}

#[test]
fn keep_turns_one_rule_off() {
    let mut rules = Rules::default();
    rules.keep("uidvalidity").unwrap();
    let out = render(SEED, SEED_ELSEWHERE, &rules);
    insta::assert_snapshot!(out);
}

#[test]
fn a_flag_changed() {
    let expected = r#"S: * OK Dovecot ready.
C: a1 STORE 2:3 +FLAGS (\Seen)
S: * 2 FETCH (FLAGS (\Seen))
S: * 3 FETCH (FLAGS (\Seen \Flagged))
S: a1 OK Store completed (0.001 + 0.000 secs).
"#;
    let actual = r#"S: * OK Dovecot ready.
C: a1 STORE 2:3 +FLAGS (\Seen)
S: * 2 FETCH (FLAGS (\Seen))
S: * 3 FETCH (FLAGS (\Flagged \Answered))
S: a1 OK Store completed (0.001 + 0.000 secs).
"#;
    insta::assert_snapshot!(render(expected, actual, &Rules::default()));
}

#[test]
fn a_missing_untagged_response() {
    let expected = r#"S: * OK Dovecot ready.
C: a1 NOOP
S: * 5 EXISTS
S: * 1 RECENT
S: a1 OK NOOP completed (0.001 + 0.000 secs).
"#;
    let actual = r#"S: * OK Dovecot ready.
C: a1 NOOP
S: * 1 RECENT
S: a1 OK NOOP completed (0.001 + 0.000 secs).
"#;
    insta::assert_snapshot!(render(expected, actual, &Rules::default()));
}

#[test]
fn no_in_place_of_ok() {
    let expected = r#"S: * OK Dovecot ready.
C: a1 LOGIN strategos tryhackme
S: a1 OK [CAPABILITY IMAP4rev1 IDLE] Logged in
C: a2 SELECT Archive
S: * OK [UIDVALIDITY 1719824699] UIDs valid
S: a2 OK [READ-WRITE] Select completed (0.001 + 0.000 secs).
"#;
    let actual = r#"S: * OK Dovecot ready.
C: a1 LOGIN strategos tryhackme
S: a1 OK [CAPABILITY IMAP4rev1 IDLE] Logged in
C: a2 SELECT Archive
S: a2 NO [NONEXISTENT] Mailbox doesn't exist: Archive (0.001 + 0.000 secs).
"#;
    insta::assert_snapshot!(render(expected, actual, &Rules::default()));
}

#[test]
fn a_literal_of_different_length() {
    let expected = r#"S: * OK Dovecot ready.
C: a1 FETCH 1 BODY[TEXT]
S: * 1 FETCH (BODY[TEXT] {8}
S| Hello!
S: )
S: a1 OK Fetch completed (0.001 + 0.000 secs).
"#;
    let actual = r#"S: * OK Dovecot ready.
C: a1 FETCH 1 BODY[TEXT]
S: * 1 FETCH (BODY[TEXT] {21}
S| Hello, and welcome!
S: )
S: a1 OK Fetch completed (0.001 + 0.000 secs).
"#;
    insta::assert_snapshot!(render(expected, actual, &Rules::default()));
}

#[test]
fn untagged_responses_reordered_where_allowed() {
    // SELECT's data and several FETCHes may come in any order: no difference. An
    // EXPUNGE is a fixed point (the numbers after it shift), so moving one is.
    let expected = r#"S: * OK Dovecot ready.
C: a1 SELECT INBOX
S: * FLAGS (\Answered \Flagged \Deleted \Seen \Draft)
S: * 4 EXISTS
S: * 0 RECENT
S: * OK [UIDVALIDITY 1719824692] UIDs valid
S: * OK [UIDNEXT 5] Predicted next UID
S: a1 OK [READ-WRITE] Select completed (0.001 + 0.000 secs).
C: a2 FETCH 1:2 FLAGS
S: * 1 FETCH (FLAGS (\Seen))
S: * 2 FETCH (FLAGS ())
S: a2 OK Fetch completed (0.001 + 0.000 secs).
C: a3 EXPUNGE
S: * 1 EXPUNGE
S: * 2 EXPUNGE
S: a3 OK Expunge completed (0.001 + 0.000 secs).
"#;
    let actual = r#"S: * OK Dovecot ready.
C: a1 SELECT INBOX
S: * OK [UIDNEXT 5] Predicted next UID
S: * 0 RECENT
S: * OK [UIDVALIDITY 1719824692] UIDs valid
S: * 4 EXISTS
S: * FLAGS (\Answered \Flagged \Deleted \Seen \Draft)
S: a1 OK [READ-WRITE] Select completed (0.001 + 0.000 secs).
C: a2 FETCH 1:2 FLAGS
S: * 2 FETCH (FLAGS ())
S: * 1 FETCH (FLAGS (\Seen))
S: a2 OK Fetch completed (0.001 + 0.000 secs).
C: a3 EXPUNGE
S: * 2 EXPUNGE
S: * 1 EXPUNGE
S: a3 OK Expunge completed (0.001 + 0.000 secs).
"#;
    insta::assert_snapshot!(render(expected, actual, &Rules::default()));
}

#[test]
fn a_missing_and_an_extra_command() {
    let expected = r#"S: * OK Dovecot ready.
C: a1 NOOP
S: a1 OK NOOP completed.
C: a2 CHECK
S: a2 OK Check completed.
C: a3 LOGOUT
S: * BYE Logging out
S: a3 OK Logout completed.
"#;
    let actual = r#"S: * OK Dovecot ready.
C: a1 NOOP
S: a1 OK NOOP completed.
C: a2 CAPABILITY
S: * CAPABILITY IMAP4rev1
S: a2 OK Capability completed.
C: a3 LOGOUT
S: * BYE Logging out
S: a3 OK Logout completed.
"#;
    insta::assert_snapshot!(render(expected, actual, &Rules::default()));
}

#[test]
fn json_for_tools() {
    let expected = r#"S: * OK Dovecot ready.
C: a1 SELECT INBOX
S: * 4 EXISTS
S: a1 OK [READ-WRITE] Select completed.
"#;
    let actual = r#"S: * OK Dovecot ready.
C: a1 SELECT INBOX
S: * 5 EXISTS
S: a1 OK [READ-ONLY] Select completed.
"#;
    let report = diff(&session(expected), &session(actual), &Rules::default());
    let names = Names {
        expected: "expected.txt".into(),
        actual: "actual.txt".into(),
    };
    insta::assert_json_snapshot!(report.to_json(&names));
}
