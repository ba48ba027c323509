//! The explainer on two sessions that keep a client in step with a mailbox (issue 9),
//! played against `imap-tutor serve` with the seed's fixture (`strategos`, which
//! advertises CONDSTORE, QRESYNC and NOTIFY) while a second session changes the
//! mailbox: a CONDSTORE/QRESYNC resynchronisation with VANISHED, and a NOTIFY session.
//! The plain-text explanation is the snapshot a learner would read; besides it, no line
//! is unknown, errors appear only where meant, every citation is a heading of its RFC
//! in `rfc/`, and the sections the session is about are among them.

mod explain_support;
mod support;

use explain_support::{check, mock, play, render};

/// The sections of `wanted` that `cited` lacks.
fn missing<'a>(cited: &[String], wanted: &[&'a str]) -> Vec<&'a str> {
    wanted
        .iter()
        .filter(|w| !cited.iter().any(|c| c == *w))
        .copied()
        .collect()
}

#[test]
fn a_condstore_qresync_resynchronisation_is_explained() {
    let server = mock("strategos");
    let (mut imap, mut other) = (server.connect(), server.connect());
    other.ok("o1 LOGIN strategos tryhackme");
    // Mod-sequences in the fixture start at 5 (HIGHESTMODSEQ of q3); each change by
    // `other` takes the next: STORE 2 → 6, STORE 4 → 7, EXPUNGE → 8, STORE 1 → 9.
    let annotations = play(
        &mut imap,
        &mut other,
        &[
            "q1 LOGIN strategos tryhackme",
            "q2 ENABLE QRESYNC",
            "q3 SELECT INBOX (CONDSTORE)",
            "q4 FETCH 1:* (UID MODSEQ FLAGS)",
            "q5 UNSELECT",
            "other: o2 SELECT INBOX",
            "other: o3 STORE 2 +FLAGS (\\Flagged)",
            "other: o4 STORE 4 +FLAGS (\\Deleted)",
            "other: o5 EXPUNGE",
            "q6 SELECT INBOX (QRESYNC (1719824692 5 1:4))",
            "q7 FETCH 1:* (FLAGS) (CHANGEDSINCE 5)",
            "q8 UID FETCH 1:* (FLAGS) (CHANGEDSINCE 1 VANISHED)",
            "other: o6 STORE 1 +FLAGS (\\Answered)",
            "q9 STORE 1,2 (UNCHANGEDSINCE 6) +FLAGS (\\Seen)",
            "q10 UID STORE 1:3 (UNCHANGEDSINCE 100) +FLAGS.SILENT ($Later)",
            "other: o7 STORE 2 +FLAGS (\\Deleted)",
            "other: o8 EXPUNGE",
            "q11 NOOP",
            "q12 SEARCH MODSEQ 7",
            "q13 UID SEARCH RETURN (ALL) MODSEQ 7",
            "q14 STATUS INBOX (HIGHESTMODSEQ)",
            "q15 EXAMINE INBOX (QRESYNC (1 5))",
            "q16 LOGOUT",
        ],
    );
    let cited = check(&annotations, &[]);
    let wanted = [
        "RFC 7162 §3.1.2.1", // HIGHESTMODSEQ
        "RFC 7162 §3.1.3",   // UNCHANGEDSINCE, MODIFIED
        "RFC 7162 §3.1.4.1", // CHANGEDSINCE
        "RFC 7162 §3.1.6",   // * SEARCH ... (MODSEQ n)
        "RFC 7162 §3.1.8",   // SELECT (CONDSTORE)
        "RFC 7162 §3.2.5",   // SELECT (QRESYNC ...)
        "RFC 7162 §3.2.6",   // the VANISHED modifier
        "RFC 7162 §3.2.10",  // * VANISHED
    ];
    assert_eq!(missing(&cited, &wanted), Vec::<&str>::new());
    insta::assert_snapshot!("condstore_qresync_session", render(&annotations));
}

#[test]
fn a_notify_session_is_explained() {
    let server = mock("strategos");
    let (mut imap, mut other) = (server.connect(), server.connect());
    other.ok("o1 LOGIN strategos tryhackme");
    other.ok("o2 CREATE Lists");
    other.ok("o3 APPEND Lists {5+}\r\nhello");
    // A created mailbox's UIDVALIDITY is the clock's: shown as a name in the snapshot.
    let status = other.ok("o4 STATUS Lists (UIDVALIDITY)");
    let uidvalidity = status
        .split("UIDVALIDITY ")
        .nth(1)
        .and_then(|rest| rest.split(')').next())
        .expect("STATUS Lists answers UIDVALIDITY")
        .to_owned();
    let annotations = play(
        &mut imap,
        &mut other,
        &[
            "n1 LOGIN strategos tryhackme",
            "n2 SELECT INBOX",
            "n3 NOTIFY SET STATUS (SELECTED (MessageNew (UID FLAGS) MessageExpunge FlagChange)) \
             (MAILBOXES Lists (MessageNew MessageExpunge))",
            "other: o5 SELECT INBOX",
            "other: o6 STORE 1 +FLAGS (\\Flagged)",
            "n4 NOOP",
            "other: o7 APPEND INBOX {3+}\r\nabc",
            "n5 NOOP",
            "n6 IDLE",
            "other: o8 STORE 2 +FLAGS (\\Deleted)",
            "other: o9 EXPUNGE",
            "wait: EXPUNGE",
            "DONE",
            "n7 NOTIFY NONE",
            "other: o10 STORE 1 -FLAGS (\\Flagged)",
            "n8 NOOP",
            "n9 NOTIFY SET (SELECTED-DELAYED (MessageNew MessageExpunge)) \
             (SUBTREE Lists (MessageNew MessageExpunge MailboxName))",
            "n10 NOTIFY SET (PERSONAL (MailboxName SubscriptionChange))",
            "n11 NOTIFY SET (SELECTED (FlagChange))",
            "n12 LOGOUT",
        ],
    );
    // n11: FlagChange without MessageNew and MessageExpunge (RFC 5465 §5).
    let cited = check(&annotations, &["n11"]);
    let wanted = ["RFC 5465 §3.1", "RFC 5465 §5", "RFC 5465 §6"];
    assert_eq!(missing(&cited, &wanted), Vec::<&str>::new());
    // What NOTIFY SET asked for is said to be that, each with the section of its event
    // first, and not as news no command asked for (the context tracks the groups).
    // SET STATUS with FlagChange turned CONDSTORE on (as in Dovecot 2.3.19), so the
    // flag change's FETCH leads with MODSEQ and RFC 7162's section; its event's follows.
    for (start, flag) in [
        ("* 1 FETCH (MODSEQ (", "\\Flagged"),
        ("* 2 FETCH (MODSEQ (", "\\Deleted"),
    ] {
        let a = annotations
            .iter()
            .find(|a| a.display.starts_with(start) && a.display.contains(flag))
            .unwrap_or_else(|| panic!("no flag change of {flag} with MODSEQ"));
        assert_eq!(
            a.rfc.get(..2).map(<[String]>::to_vec),
            Some(vec![
                "RFC 7162 §3.1.4.2".to_owned(),
                "RFC 5465 §5.1".to_owned()
            ]),
            "{flag}"
        );
        assert!(a.details.iter().all(|d| !d.starts_with("no command asked")));
    }
    for (start, section) in [
        ("* STATUS Lists", "RFC 5465 §3.1"),
        ("* 5 EXISTS", "RFC 5465 §5.2"),
        ("* 5 FETCH (UID 5", "RFC 5465 §5.2"),
        ("* 2 EXPUNGE", "RFC 5465 §5.3"),
    ] {
        let a = annotations
            .iter()
            .find(|a| a.display.starts_with(start))
            .unwrap_or_else(|| panic!("no line {start:?}"));
        assert_eq!(a.rfc.first().map(String::as_str), Some(section), "{start}");
        assert!(
            a.details.iter().all(|d| !d.starts_with("no command asked")),
            "{start}: {:?}",
            a.details
        );
    }
    let text = render(&annotations).replace(&uidvalidity, "<UIDVALIDITY of Lists>");
    insta::assert_snapshot!("notify_session", text);
}

/// Without NOTIFY, the FETCH another session's STORE causes is news no command asked
/// for (RFC 9051 §7.5.2), as before: only a NOTIFY SET makes it a subscribed event.
#[test]
fn without_notify_the_same_fetch_is_unsolicited() {
    let server = mock("strategos");
    let (mut imap, mut other) = (server.connect(), server.connect());
    other.ok("o1 LOGIN strategos tryhackme");
    let annotations = play(
        &mut imap,
        &mut other,
        &[
            "n1 LOGIN strategos tryhackme",
            "n2 SELECT INBOX",
            "other: o2 SELECT INBOX",
            "other: o3 STORE 1 +FLAGS (\\Flagged)",
            "n3 NOOP",
            "n4 LOGOUT",
        ],
    );
    check(&annotations, &[]);
    let fetch = annotations
        .iter()
        .find(|a| a.display.starts_with("* 1 FETCH (FLAGS (\\Flagged"))
        .expect("the NOOP reports the flag change");
    assert!(
        fetch
            .details
            .iter()
            .any(|d| d.starts_with("no command asked")),
        "{:?}",
        fetch.details
    );
    assert!(
        !fetch.rfc.iter().any(|r| r.starts_with("RFC 5465")),
        "{:?}",
        fetch.rfc
    );
}

/// Events in other mailboxes (RFC 5465 §5.1–§5.5): a STATUS for a mailbox a group
/// watches with message events, a LIST for a mailbox event; a mailbox no group names,
/// and anything after NOTIFY NONE, is news like any other. The server's side is
/// written out: these are the RFC's own example lines.
#[test]
fn notify_events_in_other_mailboxes() {
    use imap_tutor::wire::Direction::{Client as C, Server as S};
    let annotations = explain_support::explain_lines(&[
        (S, "* OK [CAPABILITY IMAP4rev1 NOTIFY] ready"),
        (C, "a LOGIN bob alice"),
        (S, "a OK Password matched"),
        (C, "b SELECT INBOX"),
        (S, "* 3 EXISTS"),
        (S, "b OK [READ-WRITE] INBOX selected"),
        (
            C,
            "c NOTIFY SET (SELECTED-DELAYED (MessageNew MessageExpunge)) (SUBTREE Lists (MessageNew MessageExpunge)) (PERSONAL (MailboxName SubscriptionChange))",
        ),
        (S, "c OK done"),
        (C, "d NOOP"),
        (S, "* STATUS Lists/Lemonade (UIDNEXT 10002 MESSAGES 503)"),
        (S, "* STATUS misc (UIDNEXT 999 MESSAGES 554)"),
        (S, "* LIST () \"/\" \"NewMailbox\""),
        (S, "* 2 EXPUNGE"),
        (S, "d OK done"),
        (C, "e NOTIFY NONE"),
        (S, "e OK done"),
        (C, "f NOOP"),
        (S, "* STATUS Lists/Lemonade (UIDNEXT 10003 MESSAGES 504)"),
        (S, "f OK done"),
    ]);
    check(&annotations, &[]);
    let first = |start: &str, nth: usize| {
        annotations
            .iter()
            .filter(|a| a.display.starts_with(start))
            .nth(nth)
            .unwrap_or_else(|| panic!("no line {start:?} #{nth}"))
    };
    let cites = |a: &imap_tutor::explain::Annotation, section: &str| {
        a.rfc.first().is_some_and(|r| r == section)
    };
    // Below Lists, watched by SUBTREE with message events: a STATUS event.
    assert!(cites(first("* STATUS Lists/Lemonade", 0), "RFC 5465 §5.2"));
    // misc is named by no group with message events (PERSONAL has mailbox events only).
    assert!(!first("* STATUS misc", 0)
        .rfc
        .iter()
        .any(|r| r.starts_with("RFC 5465")));
    // PERSONAL's MailboxName: a LIST event.
    assert!(cites(first("* LIST", 0), "RFC 5465 §5.4"));
    // SELECTED-DELAYED's expunges wait for a command that allows them (§6.1.2).
    let expunge = first("* 2 EXPUNGE", 0);
    assert!(cites(expunge, "RFC 5465 §6.1.2"), "{:?}", expunge.rfc);
    // After NOTIFY NONE nothing is subscribed.
    assert!(!first("* STATUS Lists/Lemonade", 1)
        .rfc
        .iter()
        .any(|r| r.starts_with("RFC 5465")));
}

/// RFC 5465 §5.8: after an untagged OK [NOTIFICATIONOVERFLOW] the server acts as after
/// NOTIFY NONE; a tagged NO [NOTIFICATIONOVERFLOW] only refuses that NOTIFY SET.
#[test]
fn notification_overflow_ends_the_events_but_a_refused_set_does_not() {
    use imap_tutor::wire::Direction::{Client as C, Server as S};
    let annotations = explain_support::explain_lines(&[
        (S, "* PREAUTH [CAPABILITY IMAP4rev1 NOTIFY] ready"),
        (
            C,
            "a NOTIFY SET (MAILBOXES misc (MessageNew MessageExpunge))",
        ),
        (S, "a OK done"),
        (
            C,
            "b NOTIFY SET (PERSONAL (MessageNew MessageExpunge FlagChange))",
        ),
        (S, "b NO [NOTIFICATIONOVERFLOW] Too many mailbox names"),
        (C, "c NOOP"),
        (S, "* STATUS misc (UIDNEXT 999 MESSAGES 554)"),
        (S, "* OK [NOTIFICATIONOVERFLOW] Too many events"),
        (S, "c OK done"),
        (C, "d NOOP"),
        (S, "* STATUS misc (UIDNEXT 1000 MESSAGES 555)"),
        (S, "d OK done"),
    ]);
    let status: Vec<_> = annotations
        .iter()
        .filter(|a| a.display.starts_with("* STATUS misc"))
        .collect();
    assert_eq!(status.len(), 2);
    assert_eq!(
        status[0].rfc.first().map(String::as_str),
        Some("RFC 5465 §5.2")
    );
    assert!(
        !status[1].rfc.iter().any(|r| r.starts_with("RFC 5465")),
        "{:?}",
        status[1].rfc
    );
}
