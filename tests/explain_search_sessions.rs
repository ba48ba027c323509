//! The explainer on two sessions played against the mock (issue 9): SORT and THREAD,
//! and ESEARCH with CONTEXT=SEARCH's live updates. Each session is sent to
//! `imap-tutor serve --fixture scenarios/fixtures/dovecot-lab.yaml` (reader's INBOX: threads by References and
//! In-Reply-To, Re:/Fwd: prefixes, non-ASCII subjects), the bytes both ways are fed to
//! the explainer, and the plain-text explanation is the snapshot a learner would read.
//!
//! Besides the snapshot: no line is unknown to the explainer, none gets an error
//! finding, and every RFC section it cites is a heading of that RFC in `rfc/`.

mod explain_support;
mod support;

use explain_support::{check, mock, play, render};

/// The mock with the world the differential batteries use.
fn lab_mock() -> support::MockServer {
    mock("dovecot-lab")
}

#[test]
fn a_sort_and_thread_session_is_explained() {
    let server = lab_mock();
    let (mut imap, mut other) = (server.connect(), server.connect());
    other.ok("o1 LOGIN reader reader");
    let annotations = play(
        &mut imap,
        &mut other,
        &[
            "a1 LOGIN reader reader",
            "a2 CAPABILITY",
            "a3 SELECT INBOX",
            "a4 SORT (SUBJECT) UTF-8 1:12",
            "a5 SORT (REVERSE DATE) UTF-8 SEEN",
            "a6 UID SORT (FROM SIZE) UTF-8 UID 1:10",
            "a7 SORT (DISPLAYFROM) UTF-8 1:8",
            "a8 SORT (ARRIVAL) UTF-8 OR FROM alice SUBJECT thread",
            "a9 THREAD REFERENCES UTF-8 1:15",
            "a10 THREAD ORDEREDSUBJECT UTF-8 1:15",
            "a11 UID THREAD REFS UTF-8 UID 1:15",
            "a12 THREAD REFERENCES UTF-8 UNSEEN",
            "a13 SORT RETURN (MIN MAX COUNT) (SUBJECT) UTF-8 ALL",
            "a14 THREAD FOO UTF-8 ALL",
            "a15 LOGOUT",
        ],
    );
    check(&annotations, &[]);
    insta::assert_snapshot!("sort_thread_session", render(&annotations));
}

#[test]
fn an_esearch_and_context_session_is_explained() {
    let server = lab_mock();
    let (mut imap, mut other) = (server.connect(), server.connect());
    other.ok("o1 LOGIN reader reader");
    other.ok("o2 SELECT INBOX");
    let annotations = play(
        &mut imap,
        &mut other,
        &[
            "b1 LOGIN reader reader",
            "b2 SELECT INBOX",
            "b3 SEARCH RETURN (MIN MAX COUNT ALL) SEEN",
            "b4 UID SEARCH RETURN () FLAGGED",
            "b5 SEARCH RETURN (COUNT) DELETED",
            "b6 SEARCH RETURN (PARTIAL 1:5) UNSEEN",
            "b7 SEARCH RETURN (SAVE) FROM alice",
            "b8 FETCH $ (UID FLAGS)",
            "b9 SEARCH RETURN (CONTEXT COUNT) SEEN",
            "b10 SEARCH RETURN (UPDATE) UNSEEN",
            "b11 UID SORT RETURN (UPDATE COUNT) (SUBJECT) UTF-8 FLAGGED",
            "other: o3 STORE 1 -FLAGS (\\Seen)",
            "other: o4 STORE 4 +FLAGS (\\Seen \\Flagged)",
            "b12 NOOP",
            "other: o5 STORE 2 +FLAGS (\\Deleted)",
            "other: o6 EXPUNGE",
            "b13 NOOP",
            "b14 CANCELUPDATE \"b10\" \"b11\"",
            "other: o7 STORE 1 +FLAGS (\\Seen)",
            "b15 NOOP",
            "b16 SEARCH RETURN (PARTIAL 0:5) ALL",
            "b17 SEARCH YOUNGER 600 OLDER 60",
            "b18 LOGOUT",
        ],
    );
    check(&annotations, &["b16"]);
    insta::assert_snapshot!("esearch_context_session", render(&annotations));
}
