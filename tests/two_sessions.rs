//! Two sessions on one store: what one session's changes look like to the other.
//!
//! A keyword created by one session must reach the other as `* FLAGS (...)` and
//! `* OK [PERMANENTFLAGS (...)]` before any FETCH shows it (RFC 9051 §7.3.5: a client
//! learns the flags a mailbox has from FLAGS). Dovecot 2.3 checks before every flag
//! list it writes, so the order holds whether the FETCH answers the command, reports
//! a change after it, comes while idling, or is sent by NOTIFY (RFC 5465 §5.1, §5.2).
//! The bytes below are Dovecot's for the same steps (tests/data/differential/keywords.txt
//! and notify.txt run them against a real one).

use std::sync::Arc;

use imap_tutor::mock::fixture;
use imap_tutor::mock::{Config, Session, Store};

const TIMING: &str = "(0.001 + 0.000 secs)";

fn world() -> (Store, Arc<Config>) {
    let (store, config) = fixture::load("strategos").unwrap_or_else(|e| panic!("{e}"));
    (store, Arc::new(config))
}

/// A session logged in with INBOX selected.
fn selected(store: &Store, config: &Arc<Config>) -> Session {
    let (mut s, _) = Session::new(store.clone(), config.clone());
    let out = s.receive(b"a LOGIN strategos tryhackme\r\nb SELECT INBOX\r\n");
    assert!(String::from_utf8_lossy(&out.bytes).contains("b OK [READ-WRITE]"));
    s
}

fn send(session: &mut Session, line: &str) -> String {
    let out = session.receive(format!("{line}\r\n").as_bytes());
    String::from_utf8_lossy(&out.bytes).into_owned()
}

fn flags_lines(keywords: &str) -> String {
    format!(
        "* FLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft {keywords})\r\n\
         * OK [PERMANENTFLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft {keywords} \\*)] Flags permitted.\r\n"
    )
}

#[test]
fn a_fetch_shows_a_new_keyword_only_after_flags_announced_it() {
    let (store, config) = world();
    let mut a = selected(&store, &config);
    let mut b = selected(&store, &config);
    send(&mut a, "a3 STORE 1 +FLAGS ($NewKw)");
    // FLAGS first; the FETCH reads the new flags; the change is then reported again.
    assert_eq!(
        send(&mut b, "b3 FETCH 1 FLAGS"),
        format!(
            "{}* 1 FETCH (FLAGS (\\Seen $NewKw))\r\n* 1 FETCH (FLAGS (\\Seen $NewKw))\r\nb3 OK Fetch completed {TIMING}.\r\n",
            flags_lines("$NewKw")
        )
    );
    // Announced once: the next FETCH is plain.
    assert_eq!(
        send(&mut b, "b4 FETCH 1 FLAGS"),
        format!("* 1 FETCH (FLAGS (\\Seen $NewKw))\r\nb4 OK Fetch completed {TIMING}.\r\n")
    );
    // FLAGS comes before the first flag list written, even for a message without it.
    send(&mut a, "a4 STORE 2 +FLAGS ($Other)");
    let out = send(&mut b, "b5 FETCH 1:2 FLAGS");
    assert_eq!(
        out,
        format!(
            "{}* 1 FETCH (FLAGS (\\Seen $NewKw))\r\n* 2 FETCH (FLAGS ($Other))\r\n* 2 FETCH (FLAGS ($Other))\r\nb5 OK Fetch completed {TIMING}.\r\n",
            flags_lines("$NewKw $Other")
        )
    );
}

#[test]
fn a_fetch_without_flags_shows_no_keyword_and_announces_it_with_the_update() {
    let (store, config) = world();
    let mut a = selected(&store, &config);
    let mut b = selected(&store, &config);
    send(&mut a, "a3 STORE 3 +FLAGS ($Four)");
    // No flag list in the answer itself; FLAGS then precedes the reported change.
    assert_eq!(
        send(&mut b, "b3 FETCH 3 (UID RFC822.SIZE)"),
        format!(
            "* 3 FETCH (UID 3 RFC822.SIZE 445)\r\n{}* 3 FETCH (FLAGS (\\Seen $Four))\r\nb3 OK Fetch completed {TIMING}.\r\n",
            flags_lines("$Four")
        )
    );
    send(&mut a, "a4 STORE 4 +FLAGS ($Five)");
    assert_eq!(
        send(&mut b, "b4 NOOP"),
        format!(
            "{}* 4 FETCH (FLAGS ($Five))\r\nb4 OK NOOP completed {TIMING}.\r\n",
            flags_lines("$Four $Five")
        )
    );
}

#[test]
fn a_store_by_the_other_session_reports_flags_first() {
    let (store, config) = world();
    let mut a = selected(&store, &config);
    let mut b = selected(&store, &config);
    send(&mut a, "a3 STORE 2 +FLAGS ($Label)");
    assert_eq!(
        send(&mut b, "b3 STORE 2 +FLAGS (\\Seen)"),
        format!(
            "{}* 2 FETCH (FLAGS (\\Seen $Label))\r\nb3 OK Store completed {TIMING}.\r\n",
            flags_lines("$Label")
        )
    );
}

#[test]
fn an_idling_session_hears_flags_before_the_fetch() {
    let (store, config) = world();
    let mut a = selected(&store, &config);
    let mut b = selected(&store, &config);
    assert_eq!(send(&mut b, "b3 IDLE"), "+ idling\r\n");
    send(&mut a, "a3 STORE 4 +FLAGS ($Eight)");
    let pushed = String::from_utf8_lossy(&b.poll_updates()).into_owned();
    assert_eq!(
        pushed,
        format!("{}* 4 FETCH (FLAGS ($Eight))\r\n", flags_lines("$Eight"))
    );
    assert_eq!(
        send(&mut b, "DONE"),
        format!("b3 OK Idle completed {TIMING}.\r\n")
    );
}

/// NOTIFY SET for the selected mailbox, as notify.txt c21 sends it to Dovecot.
const NOTIFY_SELECTED: &str =
    "n1 NOTIFY SET (SELECTED (MessageNew (UID FLAGS) MessageExpunge FlagChange))";

#[test]
fn under_notify_flagchange_comes_after_flags_announced_the_keyword() {
    // notify.txt c22: Dovecot 2.3.19 sends FLAGS and PERMANENTFLAGS, then the FETCH.
    let (store, config) = world();
    let mut a = selected(&store, &config);
    let mut b = selected(&store, &config);
    assert_eq!(
        send(&mut b, NOTIFY_SELECTED),
        format!("n1 OK NOTIFY completed {TIMING}.\r\n")
    );
    send(&mut a, "a3 STORE 2 +FLAGS ($Fresh)");
    assert_eq!(
        send(&mut b, "b3 NOOP"),
        format!(
            "{}* 2 FETCH (FLAGS ($Fresh))\r\nb3 OK NOOP completed {TIMING}.\r\n",
            flags_lines("$Fresh")
        )
    );
}

#[test]
fn under_notify_an_idling_session_hears_flags_before_the_fetch() {
    // notify.txt c23: the same order pushed while idling.
    let (store, config) = world();
    let mut a = selected(&store, &config);
    let mut b = selected(&store, &config);
    send(&mut b, NOTIFY_SELECTED);
    assert_eq!(send(&mut b, "b3 IDLE"), "+ idling\r\n");
    send(&mut a, "a3 STORE 3 +FLAGS ($Fresher)");
    assert_eq!(
        String::from_utf8_lossy(&b.poll_updates()),
        format!(
            "{}* 3 FETCH (FLAGS (\\Seen $Fresher))\r\n",
            flags_lines("$Fresher")
        )
    );
    assert_eq!(
        send(&mut b, "DONE"),
        format!("b3 OK Idle completed {TIMING}.\r\n")
    );
}

#[test]
fn under_notify_messagenew_fetches_a_new_keyword_only_after_flags() {
    // notify.txt c3 and c24: FLAGS, PERMANENTFLAGS, EXISTS, RECENT, then MessageNew's
    // FETCH with the keyword the appended message brought.
    let (store, config) = world();
    let mut b = selected(&store, &config);
    send(&mut b, NOTIFY_SELECTED);
    let (mut c, _) = Session::new(store.clone(), config.clone());
    c.receive(b"c1 LOGIN strategos tryhackme\r\n");
    let appended = send(&mut c, "c2 APPEND INBOX ($Newest) {13+}\r\nSubject: nine");
    assert!(appended.contains("c2 OK [APPENDUID"), "{appended}");
    assert_eq!(
        send(&mut b, "b3 NOOP"),
        format!(
            "{}* 5 EXISTS\r\n* 1 RECENT\r\n* 5 FETCH (UID 5 FLAGS (\\Recent $Newest))\r\nb3 OK NOOP completed {TIMING}.\r\n",
            flags_lines("$Newest")
        )
    );
}

#[test]
fn an_examining_session_gets_read_only_permanentflags() {
    let (store, config) = world();
    let mut a = selected(&store, &config);
    let (mut c, _) = Session::new(store.clone(), config.clone());
    c.receive(b"c1 LOGIN strategos tryhackme\r\nc2 EXAMINE INBOX\r\n");
    send(&mut a, "a3 STORE 1 +FLAGS ($Seen2)");
    assert_eq!(
        send(&mut c, "c3 FETCH 1 FLAGS"),
        format!(
            "* FLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft $Seen2)\r\n\
             * OK [PERMANENTFLAGS ()] Read-only mailbox.\r\n\
             * 1 FETCH (FLAGS (\\Seen $Seen2))\r\n* 1 FETCH (FLAGS (\\Seen $Seen2))\r\nc3 OK Fetch completed {TIMING}.\r\n"
        )
    );
}

#[test]
fn many_sessions_never_see_a_keyword_before_flags() {
    // The stress that found the bug: ten sessions, each creating keywords and
    // fetching; each session's own FLAGS lines must come before its FETCHes use them.
    let (store, config) = world();
    let mut sessions: Vec<(Session, Vec<String>)> = (0..10)
        .map(|_| (selected(&store, &config), Vec::new()))
        .collect();
    let mut fetches = 0;
    for round in 0..20 {
        for (n, (s, known)) in sessions.iter_mut().enumerate() {
            let msg = (round + n) % 4 + 1;
            let out = send(s, &format!("s{round} STORE {msg} +FLAGS ($Kw{round}x{n})"));
            fetches += check_announced(&out, known);
            let out = send(s, &format!("f{round} FETCH 1:4 FLAGS"));
            fetches += check_announced(&out, known);
        }
    }
    assert!(fetches > 1000, "{fetches} FETCH lines checked");
}

/// Checks that every keyword in a FETCH's flags was named by an earlier `* FLAGS`
/// line of this session (`known`); returns how many FETCH lines it checked.
fn check_announced(out: &str, known: &mut Vec<String>) -> usize {
    let mut fetches = 0;
    for line in out.lines() {
        if let Some(list) = line.strip_prefix("* FLAGS (") {
            known.clear();
            known.extend(list.trim_end_matches(')').split(' ').map(str::to_owned));
        } else if let Some(at) = line.find("FETCH (FLAGS (") {
            fetches += 1;
            let flags = &line[at + 14..];
            let flags = &flags[..flags.find(')').unwrap_or(flags.len())];
            for kw in flags.split(' ').filter(|f| f.starts_with('$')) {
                assert!(
                    known.iter().any(|k| k == kw),
                    "{kw} before FLAGS in:\n{out}"
                );
            }
        }
    }
    fetches
}
