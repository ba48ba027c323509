//! The explainer on what real servers send that no fixture advertises (issue 9): a
//! Gmail session with its own X-GM-* items (no RFC; the lines are Google's "IMAP
//! Extensions" examples), and a UIDONLY session (RFC 9586) where the context knows
//! that message numbers are gone. The mock answers neither (Dovecot 2.3.19 refuses
//! them, battery `vendor-items`), so the server side is written out here.
//! Besides the snapshots: no line is unknown, no error is found, every citation is a
//! heading of its RFC in `rfc/` (or a bare number for RFC 9586, not kept there).

mod explain_support;
mod support;

use explain_support::{check, explain_lines as explain, line, render};
use imap_tutor::wire::Direction;

use Direction::{Client as C, Server as S};

const GMAIL: &[(Direction, &str)] = &[
    (S, "* OK Gimap ready for requests from 127.0.0.1 k2if6111336rvb.0"),
    (C, "a001 LOGIN username@gmail.com password"),
    (S, "a001 OK username@gmail.com authenticated (Success)"),
    (C, "a002 CAPABILITY"),
    (
        S,
        "* CAPABILITY IMAP4rev1 UNSELECT LITERAL+ IDLE NAMESPACE QUOTA ID XLIST CHILDREN X-GM-EXT-1",
    ),
    (S, "a002 OK Success"),
    (C, "a003 SELECT INBOX"),
    (S, "* FLAGS (\\Answered \\Flagged \\Draft \\Deleted \\Seen)"),
    (S, "* 4 EXISTS"),
    (S, "a003 OK [READ-WRITE] INBOX selected. (Success)"),
    (C, "a004 FETCH 1:2 (X-GM-MSGID X-GM-THRID X-GM-LABELS)"),
    (
        S,
        "* 1 FETCH (X-GM-MSGID 1278455344230334865 X-GM-THRID 1266894439832287888 X-GM-LABELS (\\Inbox \\Sent Important \"Muy Importante\"))",
    ),
    (
        S,
        "* 2 FETCH (X-GM-MSGID 1278455344230334866 X-GM-THRID 1266894439832287888 X-GM-LABELS ())",
    ),
    (S, "a004 OK Success"),
    (C, "a005 UID SEARCH X-GM-RAW \"has:attachment in:unread\""),
    (S, "* SEARCH 123 12344 5992"),
    (S, "a005 OK SEARCH (Success)"),
    (C, "a006 STORE 1 +X-GM-LABELS (foo)"),
    (
        S,
        "* 1 FETCH (X-GM-LABELS (\\Inbox \\Sent Important \"Muy Importante\" foo))",
    ),
    (S, "a006 OK Success"),
    (C, "a007 LOGOUT"),
    (S, "* BYE LOGOUT Requested"),
    (S, "a007 OK 73 good day (Success)"),
];

#[test]
fn a_gmail_session_is_explained() {
    let annotations = explain(GMAIL);
    check(&annotations, &[]);
    for a in &annotations {
        assert!(
            a.diagnostics.is_empty(),
            "{}: {:?}",
            a.display,
            a.diagnostics
        );
    }
    let fetch = line(&annotations, "* 1 FETCH (X-GM-MSGID");
    for said in [
        "1278455344230334865",
        "1266894439832287888",
        r#"\Inbox \Sent Important "Muy Importante""#,
    ] {
        assert!(fetch.summary.contains(said), "{said}: {}", fetch.summary);
    }
    // Gmail's items cite the standard items that do the same job (RFC 8474 §5.1, §5.2).
    assert!(
        fetch.rfc.iter().any(|r| r == "RFC 8474 §5.1"),
        "{:?}",
        fetch.rfc
    );
    let store = line(&annotations, "a006 STORE");
    assert!(
        store.summary.contains("Gmail labels foo"),
        "{}",
        store.summary
    );
    let search = line(&annotations, "a005 UID SEARCH");
    assert!(
        search.rfc.iter().any(|r| r == "RFC 9051 §6.4.4"),
        "{:?}",
        search.rfc
    );
    insta::assert_snapshot!("gmail_session", render(&annotations));
}

const UIDONLY: &[(Direction, &str)] = &[
    (
        S,
        "* OK [CAPABILITY IMAP4rev2 ENABLE UIDONLY CONDSTORE] ready",
    ),
    (C, "u1 LOGIN fred secret"),
    (S, "u1 OK Logged in"),
    (C, "u2 ENABLE UIDONLY"),
    (S, "* ENABLED UIDONLY"),
    (S, "u2 OK Enabled"),
    (C, "u3 SELECT INBOX"),
    (S, "* 4 EXISTS"),
    (S, "* OK [UIDVALIDITY 1719824692] UIDs valid"),
    (S, "* OK [UIDNEXT 25998] Predicted next UID"),
    (S, "u3 OK [READ-WRITE] Select completed"),
    (C, "u4 FETCH 1 (FLAGS)"),
    (S, "u4 BAD [UIDREQUIRED] Message numbers are not allowed"),
    (C, "u5 UID FETCH 25996 (FLAGS MODSEQ)"),
    (S, "* 25996 UIDFETCH (FLAGS (\\Seen) MODSEQ (12345))"),
    (S, "u5 OK Fetch completed"),
    (C, "u6 NOOP"),
    (S, "* 25997 UIDFETCH (FLAGS (\\Flagged) MODSEQ (12346))"),
    (S, "u6 OK NOOP completed"),
    (C, "u7 LOGOUT"),
    (S, "* BYE Logging out"),
    (S, "u7 OK Logout completed"),
];

#[test]
fn a_uidonly_session_is_explained() {
    let annotations = explain(UIDONLY);
    check(&annotations, &[]);
    // After ENABLED UIDONLY, FETCH by number is flagged as refused by the rule...
    let refused = line(&annotations, "u4 FETCH");
    assert!(
        refused
            .diagnostics
            .iter()
            .any(|d| d.code == "uidonly-message-numbers" && d.message.contains("[UIDREQUIRED]")),
        "{:?}",
        refused.diagnostics
    );
    // ...its UID form is not...
    assert!(line(&annotations, "u5 UID FETCH").diagnostics.is_empty());
    // ...and UIDFETCH is explained as a UID, cited to RFC 9586.
    let uidfetch = line(&annotations, "* 25996 UIDFETCH");
    assert!(
        uidfetch.summary.contains("UID 25996"),
        "{}",
        uidfetch.summary
    );
    assert!(
        uidfetch.rfc.iter().any(|r| r == "RFC 9586"),
        "{:?}",
        uidfetch.rfc
    );
    assert!(uidfetch
        .details
        .iter()
        .all(|d| !d.contains("saw no ENABLED")));
    insta::assert_snapshot!("uidonly_session", render(&annotations));
}

/// The same FETCH by number without ENABLE UIDONLY is fine, and a UIDFETCH then is
/// said to come from a mode the session did not turn on.
#[test]
fn without_enable_uidonly_message_numbers_are_fine() {
    let session: Vec<(Direction, &str)> = UIDONLY
        .iter()
        .copied()
        .filter(|(_, l)| !l.starts_with("u2 ") && !l.starts_with("* ENABLED"))
        .collect();
    let annotations = explain(&session);
    assert!(line(&annotations, "u4 FETCH").diagnostics.is_empty());
    let uidfetch = line(&annotations, "* 25996 UIDFETCH");
    assert!(
        uidfetch
            .details
            .iter()
            .any(|d| d.contains("saw no ENABLED UIDONLY")),
        "{:?}",
        uidfetch.details
    );
}
