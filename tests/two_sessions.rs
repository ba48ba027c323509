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

// ---- NOTIFY's events for mailboxes other than the selected one (RFC 5465 §5.2-§5.4,
// §5.9, §5.10). Every expected line below is what Dovecot 2.3.19 sent for the same
// steps (tests/data/differential/notify-mailboxes.txt runs them against a real one).

/// A session logged in, nothing selected.
fn logged_in(store: &Store, config: &Arc<Config>) -> Session {
    let (mut s, _) = Session::new(store.clone(), config.clone());
    let out = s.receive(b"a LOGIN strategos tryhackme\r\n");
    assert!(String::from_utf8_lossy(&out.bytes).contains("a OK"));
    s
}

fn noop(session: &mut Session, tag: &str) -> String {
    send(session, &format!("{tag} NOOP"))
}

/// Sends each command on `b`, then NOOP on `a`, which must hear what Dovecot told.
fn each_told(a: &mut Session, b: &mut Session, prefix: &str, steps: &[(&str, &str)]) {
    for (n, (command, told)) in steps.iter().enumerate() {
        send(b, command);
        let tag = format!("{prefix}{n}");
        assert_eq!(noop(a, &tag), format!("{told}{}", noop_done(&tag)));
    }
}

fn noop_done(tag: &str) -> String {
    format!("{tag} OK NOOP completed {TIMING}.\r\n")
}

/// The UIDVALIDITY an APPENDUID answer names.
fn uidvalidity_of(appended: &str) -> String {
    let at = appended.find("[APPENDUID ").map(|i| i + 11);
    let rest = &appended[at.unwrap_or_else(|| panic!("no APPENDUID in {appended}"))..];
    rest[..rest.find(' ').unwrap_or(0)].to_owned()
}

#[test]
fn notify_sends_status_for_new_mail_in_another_mailbox() {
    // notify-mailboxes.txt a3, a5-a6, a9-a10.
    let (store, config) = world();
    let mut a = logged_in(&store, &config);
    let mut b = logged_in(&store, &config);
    send(&mut b, "b1 CREATE Box");
    send(&mut b, "b2 APPEND Box {8+}\r\nSubject:");
    send(&mut b, "b3 CREATE Fresh");
    send(
        &mut a,
        "a1 NOTIFY SET (PERSONAL (MessageNew MessageExpunge))",
    );
    send(&mut b, "b4 APPEND Box {8+}\r\nSubject:");
    assert_eq!(
        noop(&mut a, "a2"),
        format!(
            "* STATUS Box (MESSAGES 2 UIDNEXT 3 UNSEEN 2)\r\n{}",
            noop_done("a2")
        )
    );
    // Fresh was never opened before NOTIFY SET: its first STATUS names UIDVALIDITY.
    let v = uidvalidity_of(&send(&mut b, "b5 APPEND Fresh {8+}\r\nSubject:"));
    assert_eq!(
        noop(&mut a, "a3"),
        format!(
            "* STATUS Fresh (MESSAGES 1 UIDNEXT 2 UIDVALIDITY {v} UNSEEN 1)\r\n{}",
            noop_done("a3")
        )
    );
    send(&mut b, "b6 APPEND Fresh (\\Seen) {8+}\r\nSubject:");
    assert_eq!(
        noop(&mut a, "a4"),
        format!(
            "* STATUS Fresh (MESSAGES 2 UIDNEXT 3 UNSEEN 1)\r\n{}",
            noop_done("a4")
        )
    );
    // Created after NOTIFY SET: compared with nothing, UIDVALIDITY every time. Its
    // creation alone is no MessageNew.
    send(&mut b, "b7 CREATE Later");
    assert_eq!(noop(&mut a, "a5"), noop_done("a5"));
    for (n, tag) in [(1, "a6"), (2, "a7")] {
        let v = uidvalidity_of(&send(&mut b, "b8 APPEND Later {8+}\r\nSubject:"));
        assert_eq!(
            noop(&mut a, tag),
            format!(
                "* STATUS Later (MESSAGES {n} UIDNEXT {} UIDVALIDITY {v} UNSEEN {n})\r\n{}",
                n + 1,
                noop_done(tag)
            )
        );
    }
}

#[test]
fn notify_leaves_out_the_selected_mailbox_and_tells_flags_only_when_asked() {
    // notify-mailboxes.txt a11-a12, a15-a18, a20-a24.
    let (store, config) = world();
    let mut a = logged_in(&store, &config);
    let mut b = logged_in(&store, &config);
    send(&mut b, "b1 CREATE Box");
    send(&mut b, "b2 APPEND Box {8+}\r\nSubject:");
    send(&mut b, "b3 APPEND Box {8+}\r\nSubject:");
    send(
        &mut a,
        "a1 NOTIFY SET (PERSONAL (MessageNew MessageExpunge))",
    );
    send(&mut b, "b4 SELECT Box");
    send(&mut b, "b5 STORE 1 +FLAGS (\\Seen)");
    assert_eq!(noop(&mut a, "a2"), noop_done("a2"));
    send(&mut b, "b6 STORE 2 +FLAGS (\\Deleted)");
    send(&mut b, "b7 EXPUNGE");
    assert_eq!(
        noop(&mut a, "a3"),
        format!(
            "* STATUS Box (MESSAGES 1 UIDNEXT 3 UNSEEN 0)\r\n{}",
            noop_done("a3")
        )
    );
    // While a has Box selected its changes go by unsaid (no SELECTED filter: not as
    // EXISTS either), and are not told later.
    send(&mut a, "a4 EXAMINE Box");
    send(&mut b, "b8 APPEND Box {8+}\r\nSubject:");
    assert_eq!(noop(&mut a, "a5"), noop_done("a5"));
    send(&mut a, "a6 CLOSE");
    assert_eq!(noop(&mut a, "a7"), noop_done("a7"));
    send(
        &mut a,
        "a8 NOTIFY SET (PERSONAL (MessageNew MessageExpunge FlagChange))",
    );
    send(&mut b, "b9 STORE 1 +FLAGS (\\Flagged)");
    assert_eq!(noop(&mut a, "a9"), noop_done("a9"));
    send(&mut b, "b10 STORE 1 -FLAGS (\\Seen)");
    assert_eq!(
        noop(&mut a, "a10"),
        format!("* STATUS Box (UNSEEN 2)\r\n{}", noop_done("a10"))
    );
}

#[test]
fn notify_sends_list_for_mailbox_names_and_subscriptions() {
    // notify-mailboxes.txt a27-a33.
    let (store, config) = world();
    let mut a = logged_in(&store, &config);
    let mut b = logged_in(&store, &config);
    send(&mut b, "b0 CREATE Fresh");
    send(
        &mut a,
        "a1 NOTIFY SET (PERSONAL (MailboxName SubscriptionChange))",
    );
    let steps = [
        ("b1 CREATE New", "* LIST () \"/\" New\r\n"),
        (
            "b2 CREATE Par/Child",
            "* LIST () \"/\" Par\r\n* LIST () \"/\" Par/Child\r\n",
        ),
        ("b3 SUBSCRIBE New", "* LIST (\\Subscribed) \"/\" New\r\n"),
        ("b4 UNSUBSCRIBE New", "* LIST () \"/\" New\r\n"),
        ("b5 DELETE New", "* LIST (\\NonExistent) \"/\" New\r\n"),
        // Dovecot's list index hears of a rename with its next change: a CREATE here.
        (
            "b6 RENAME Fresh Moved\r\nb7 CREATE Other",
            "* LIST () \"/\" Moved (\"OLDNAME\" (Fresh))\r\n* LIST () \"/\" Other\r\n",
        ),
        ("b8 CREATE \"Sp ace\"", "* LIST () \"/\" \"Sp ace\"\r\n"),
    ];
    each_told(&mut a, &mut b, "n", &steps);
}

#[test]
fn notify_filters_name_their_mailboxes() {
    // notify-mailboxes.txt a36-a49: SUBTREE, MAILBOXES, and SUBSCRIBED, which asks
    // whether the mailbox is subscribed now, so an UNSUBSCRIBE goes untold.
    let (store, config) = world();
    let mut a = logged_in(&store, &config);
    let mut b = logged_in(&store, &config);
    send(&mut b, "b0 CREATE Box");
    send(&mut b, "b1 CREATE Par/Child");
    send(
        &mut a,
        "a1 NOTIFY SET (SUBTREE Par (MailboxName)) (MAILBOXES (Box) (SubscriptionChange))",
    );
    let steps = [
        ("b2 CREATE Par/Two", "* LIST () \"/\" Par/Two\r\n"),
        ("b3 CREATE Parx", ""),
        ("b4 SUBSCRIBE Parx", ""),
        ("b5 SUBSCRIBE Box", "* LIST (\\Subscribed) \"/\" Box\r\n"),
    ];
    each_told(&mut a, &mut b, "n", &steps);
    send(
        &mut a,
        "a2 NOTIFY SET (SUBSCRIBED (MailboxName SubscriptionChange))",
    );
    let steps = [
        ("b6 UNSUBSCRIBE Box", ""),
        ("b7 CREATE Subd", ""),
        ("b8 SUBSCRIBE Subd", "* LIST (\\Subscribed) \"/\" Subd\r\n"),
        ("b9 DELETE Subd", "* LIST (\\NonExistent) \"/\" Subd\r\n"),
    ];
    each_told(&mut a, &mut b, "s", &steps);
}

#[test]
fn notify_tells_an_idling_session_of_other_mailboxes() {
    // Pushed while idling: Dovecot 2.3.19 sent this STATUS unsolicited half a second
    // after the APPEND (notify-mailboxes.txt leaves IDLE out: see its header).
    let (store, config) = world();
    let mut a = logged_in(&store, &config);
    let mut b = logged_in(&store, &config);
    send(&mut b, "b1 CREATE Box");
    send(&mut b, "b2 STATUS Box (MESSAGES)");
    send(
        &mut a,
        "a1 NOTIFY SET (PERSONAL (MessageNew MessageExpunge))",
    );
    assert_eq!(send(&mut a, "a2 IDLE"), "+ idling\r\n");
    send(&mut b, "b3 APPEND Box {8+}\r\nSubject:");
    assert_eq!(
        String::from_utf8_lossy(&a.poll_updates()),
        "* STATUS Box (MESSAGES 1 UIDNEXT 2 UNSEEN 1)\r\n"
    );
    assert_eq!(
        send(&mut a, "DONE"),
        format!("a2 OK Idle completed {TIMING}.\r\n")
    );
}

/// The NOTIFY SET of the pushed-events tests: the selected mailbox's events at once,
/// and every other mailbox's.
const NOTIFY_ALL: &str = "NOTIFY SET (SELECTED (MessageNew (UID) MessageExpunge FlagChange)) \
                          (PERSONAL (MessageNew MessageExpunge MailboxName))";

#[test]
fn notify_events_are_ready_between_commands_and_wait_during_one() {
    // What Dovecot 2.3.19 pushed, unasked, half a second after each change of b's.
    let (store, config) = world();
    let mut a = selected(&store, &config);
    let mut b = selected(&store, &config);
    // Nothing before NOTIFY: a client that is not idling hears at its next command,
    // and NOTIFY's own answer tells what its FlagChange covers.
    send(&mut b, "b1 STORE 2 +FLAGS (\\Answered)");
    assert!(a.poll_notify().is_empty());
    assert_eq!(
        send(&mut a, &format!("a1 {NOTIFY_ALL}")),
        format!("* 2 FETCH (FLAGS (\\Answered))\r\na1 OK NOTIFY completed {TIMING}.\r\n")
    );
    send(&mut b, "b2 CREATE Box");
    assert_eq!(
        String::from_utf8_lossy(&a.poll_notify()),
        "* LIST () \"/\" Box\r\n"
    );
    assert!(a.poll_notify().is_empty(), "told once");
    send(&mut b, "b3 STORE 1 +FLAGS (\\Flagged)");
    assert_eq!(
        String::from_utf8_lossy(&a.poll_notify()),
        "* 1 FETCH (FLAGS (\\Flagged \\Seen))\r\n"
    );
    // In the middle of a command (its literal announced), the events wait for its
    // answer, and come before the tagged line.
    assert_eq!(send(&mut a, "a2 APPEND Box {5}"), "+ OK\r\n");
    send(&mut b, "b4 APPEND INBOX {8+}\r\nSubject:");
    assert!(a.poll_notify().is_empty());
    let answer = send(&mut a, "Hello");
    assert!(
        answer.starts_with("* 5 EXISTS\r\n* 5 FETCH (UID 5)\r\na2 OK [APPENDUID "),
        "{answer}"
    );
    // The session's own APPEND to another mailbox is told too (as notify-mailboxes.txt
    // a13 shows), after its answer.
    let v = uidvalidity_of(&answer);
    assert_eq!(
        String::from_utf8_lossy(&a.poll_notify()),
        format!("* STATUS Box (MESSAGES 1 UIDNEXT 2 UIDVALIDITY {v} UNSEEN 1)\r\n")
    );
    // MessageExpunge for the selected mailbox: EXPUNGE between commands (RFC 5465 §5.3).
    send(&mut b, "b5 STORE 5 +FLAGS.SILENT (\\Deleted)");
    send(&mut b, "b6 EXPUNGE");
    assert_eq!(String::from_utf8_lossy(&a.poll_notify()), "* 5 EXPUNGE\r\n");
}

#[test]
fn selected_delayed_keeps_expunges_for_a_command() {
    // RFC 5465 §6.1.2; Dovecot 2.3.19 pushed the flag change, not the EXPUNGE.
    let (store, config) = world();
    let mut a = selected(&store, &config);
    let mut b = selected(&store, &config);
    send(
        &mut a,
        "a1 NOTIFY SET (SELECTED-DELAYED (MessageNew (UID) MessageExpunge FlagChange))",
    );
    send(&mut b, "b1 STORE 4 +FLAGS (\\Deleted)");
    send(&mut b, "b2 EXPUNGE");
    assert_eq!(
        String::from_utf8_lossy(&a.poll_notify()),
        "* 4 FETCH (FLAGS (\\Deleted))\r\n"
    );
    assert_eq!(
        noop(&mut a, "a2"),
        format!("* 4 EXPUNGE\r\n{}", noop_done("a2"))
    );
}

#[tokio::test]
async fn serve_pushes_notify_events_to_a_quiet_client() {
    use imap_tutor::net::serve::serve_on;
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    use tokio::net::{TcpListener, TcpStream};

    /// Reads until `needle` has come; the timeout only stops a test that would hang.
    async fn read_until(socket: &mut TcpStream, needle: &str) -> String {
        let mut got = Vec::new();
        let mut buf = [0u8; 4096];
        while !String::from_utf8_lossy(&got).contains(needle) {
            let read = socket.read(&mut buf);
            let n = tokio::time::timeout(std::time::Duration::from_secs(30), read)
                .await
                .unwrap_or_else(|_| panic!("no {needle:?} in {:?}", String::from_utf8_lossy(&got)))
                .unwrap_or_else(|e| panic!("{e}"));
            assert!(n > 0, "closed before {needle:?}");
            got.extend_from_slice(&buf[..n]);
        }
        String::from_utf8_lossy(&got).into_owned()
    }

    let (store, config) = world();
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let (stop_tx, stop_rx) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(serve_on(listener, store, config, async {
        let _ = stop_rx.await;
    }));
    let mut a = TcpStream::connect(addr).await.unwrap();
    let mut b = TcpStream::connect(addr).await.unwrap();
    read_until(&mut a, "\r\n").await;
    read_until(&mut b, "\r\n").await;
    let watch = format!("a1 LOGIN strategos tryhackme\r\na2 SELECT INBOX\r\na3 {NOTIFY_ALL}\r\n");
    a.write_all(watch.as_bytes()).await.unwrap();
    read_until(&mut a, "a3 OK").await;
    b.write_all(b"b1 LOGIN strategos tryhackme\r\nb2 SELECT INBOX\r\nb3 CREATE Box\r\n")
        .await
        .unwrap();
    read_until(&mut b, "b3 OK").await;
    // a sends nothing from here on: every line it reads was pushed.
    assert_eq!(read_until(&mut a, "\r\n").await, "* LIST () \"/\" Box\r\n");
    b.write_all(b"b4 STORE 1 +FLAGS (\\Flagged)\r\n")
        .await
        .unwrap();
    read_until(&mut b, "b4 OK").await;
    assert_eq!(
        read_until(&mut a, "\r\n").await,
        "* 1 FETCH (FLAGS (\\Flagged \\Seen))\r\n"
    );
    b.write_all(b"b5 APPEND Box {8+}\r\nSubject:\r\n")
        .await
        .unwrap();
    let appended = read_until(&mut b, "b5 OK").await;
    let v = uidvalidity_of(&appended);
    assert_eq!(
        read_until(&mut a, "\r\n").await,
        format!("* STATUS Box (MESSAGES 1 UIDNEXT 2 UIDVALIDITY {v} UNSEEN 1)\r\n")
    );
    stop_tx.send(()).unwrap();
    read_until(&mut a, "* BYE Server shutting down.").await;
    server.await.unwrap().unwrap();
}

#[test]
fn modseq_among_messagenew_items_turns_condstore_on() {
    // Dovecot 2.3.19's bytes for the same steps (notify.txt d5-d7).
    let (store, config) = world();
    let mut a = selected(&store, &config);
    let mut b = selected(&store, &config);
    assert_eq!(
        send(
            &mut a,
            "a1 NOTIFY SET (SELECTED (MessageNew (UID MODSEQ) MessageExpunge FlagChange))"
        ),
        format!("* OK [HIGHESTMODSEQ 5] Highest\r\na1 OK NOTIFY completed {TIMING}.\r\n")
    );
    send(&mut b, "b1 STORE 2 +FLAGS (\\Flagged)");
    assert_eq!(
        String::from_utf8_lossy(&a.poll_notify()),
        "* 2 FETCH (MODSEQ (6) FLAGS (\\Flagged))\r\n"
    );
    send(&mut b, "b2 APPEND INBOX {8+}\r\nSubject:");
    assert_eq!(
        noop(&mut a, "a2"),
        format!(
            "* 5 EXISTS\r\n* 5 FETCH (UID 5 MODSEQ (7))\r\n{}",
            noop_done("a2")
        )
    );
}
