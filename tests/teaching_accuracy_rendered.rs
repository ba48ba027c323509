//! What the explainer says about a line in its context, checked against the RFCs and the
//! real Dovecot 2.3.19: each test feeds a short session (the server's lines as Dovecot
//! sent them, from `scripts/dovecot-lab.sh`) and asserts a sentence composed for one line
//! (the command a reply is attributed to, the state after it, what a code means there).
//! Each guards a claim once rendered wrong; the old wording is named where it was.

mod proxy_support;
mod support;
mod teaching_support;

use imap_tutor::explain::Annotation;
use proxy_support::{flat, Proxy};
use support::{Imap, MockServer};
use teaching_support::{folded, line, session as explain, shown};

/// Asserts that the learner reads `text` about the line, as the renderer writes it.
fn reads(a: &Annotation, text: &str) {
    let shown = folded(&shown(a));
    assert!(shown.contains(text), "{text:?} not in: {shown}");
}

/// Asserts that the learner does not read `text` about the line.
fn does_not_read(a: &Annotation, text: &str) {
    let shown = folded(&shown(a));
    assert!(!shown.contains(text), "{text:?} in: {shown}");
}

const LOGGED_IN: [&str; 2] = ["C: a1 LOGIN strategos tryhackme", "S: a1 OK Logged in"];

const INBOX_SELECTED: [&str; 9] = [
    "C: a2 SELECT INBOX",
    "S: * FLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft)",
    "S: * OK [PERMANENTFLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft \\*)] Flags permitted.",
    "S: * 4 EXISTS",
    "S: * 0 RECENT",
    "S: * OK [UNSEEN 2] First unseen.",
    "S: * OK [UIDVALIDITY 1719824692] UIDs valid",
    "S: * OK [UIDNEXT 5] Predicted next UID",
    "S: a2 OK [READ-WRITE] Select completed (0.001 + 0.000 secs).",
];

/// Logged in, INBOX selected as Dovecot answers it, then `rest`.
fn selected(rest: &[&'static str]) -> Vec<Annotation> {
    let lines: Vec<&str> = LOGGED_IN
        .iter()
        .chain(INBOX_SELECTED.iter())
        .chain(rest.iter())
        .copied()
        .collect();
    explain(&lines)
}

/// Logged in as Dovecot answers it, then `rest`.
fn logged_in(rest: &[&'static str]) -> Vec<Annotation> {
    let lines: Vec<&str> = LOGGED_IN.iter().chain(rest.iter()).copied().collect();
    explain(&lines)
}

/// RFC 9051 §6.3.2 (RFC 3501 §6.3.1): SELECT deselects first, so a failed one leaves no
/// mailbox selected. Dovecot 2.3.19 answers the next FETCH "BAD No mailbox selected".
/// The tutor used to say only that the SELECT failed, as if INBOX were still open.
#[test]
fn a_failed_select_says_no_mailbox_is_selected_any_more() {
    let annotations = selected(&[
        "C: a3 SELECT Missing",
        "S: * OK [CLOSED] Previous mailbox closed.",
        "S: a3 NO Mailbox doesn't exist: Missing (0.001 + 0.000 secs).",
        "C: a4 FETCH 1 FLAGS",
        "S: a4 BAD No mailbox selected (0.001 + 0.000 secs).",
    ]);
    let no = line(&annotations, "a3 NO");
    reads(
        no,
        "no mailbox is selected now: SELECT closes the selected mailbox (INBOX) before it tries the new one",
    );
    reads(no, "RFC 9051 §6.3.2");
    // And the session follows: FETCH is out of place now.
    reads(
        line(&annotations, "a4 FETCH"),
        "FETCH is valid only in the selected state",
    );
}

/// A failed EXAMINE is a failed SELECT (RFC 9051 §6.3.3), even a BAD one: Dovecot sends
/// [CLOSED] before `b1 BAD Error in IMAP command EXAMINE: Invalid arguments`.
#[test]
fn a_bad_examine_also_leaves_no_mailbox_selected() {
    let annotations = selected(&[
        "C: b1 EXAMINE",
        "S: * OK [CLOSED] Previous mailbox closed.",
        "S: b1 BAD Error in IMAP command EXAMINE: Invalid arguments (0.001 + 0.000 secs).",
    ]);
    reads(
        line(&annotations, "b1 BAD"),
        "no mailbox is selected now: EXAMINE closes",
    );
}

/// A SELECT that succeeds, and one with no mailbox selected before it, say nothing of
/// the kind.
#[test]
fn only_a_failed_select_from_the_selected_state_says_so() {
    let annotations = selected(&[]);
    does_not_read(line(&annotations, "a2 OK"), "no mailbox is selected now");
    let annotations = logged_in(&[
        "C: a3 SELECT Missing",
        "S: a3 NO Mailbox doesn't exist: Missing (0.001 + 0.000 secs).",
    ]);
    does_not_read(line(&annotations, "a3 NO"), "no mailbox is selected now");
}

/// RFC 7162 §3.2.11: [CLOSED] is a boundary, and what follows it is about the new
/// mailbox only if that one opens. It used to say "what follows is about the new one."
/// also before `a3 NO Mailbox doesn't exist`.
#[test]
fn closed_does_not_promise_a_new_mailbox() {
    let annotations = selected(&[
        "C: a3 SELECT Missing",
        "S: * OK [CLOSED] Previous mailbox closed.",
        "S: a3 NO Mailbox doesn't exist: Missing (0.001 + 0.000 secs).",
    ]);
    reads(
        line(&annotations, "* OK [CLOSED]"),
        "what follows is about the new one, if that one opens",
    );
}

/// `* EXISTS 93` (RFC 5465's example) and `* LIST () "" INBOX` (RFC 2683's) are base
/// responses written wrong, not data of an extension: they used to be summed up as
/// "untagged data of an extension the tutor does not cover".
#[test]
fn a_malformed_base_response_is_not_called_an_extension() {
    let annotations = selected(&[
        "C: a3 NOOP",
        "S: * EXISTS 93",
        "S: * LIST () \"\" INBOX",
        "S: a3 OK NOOP completed (0.001 + 0.000 secs).",
    ]);
    for (start, name, section) in [
        ("* EXISTS", "EXISTS", "RFC 9051 §7.4.1"),
        ("* LIST", "LIST", "RFC 9051 §7.3.1"),
    ] {
        let a = line(&annotations, start);
        does_not_read(a, "extension");
        reads(
            a,
            &format!("the tutor could not read this {name} response against the RFC grammar"),
        );
        reads(a, section);
    }
}

/// A tagged line whose status is missing (`d STATUS completed`, RFC 5465's example) is
/// no STATUS response: its second word names the command it answers, not a response.
#[test]
fn a_tagged_line_gone_wrong_is_not_read_as_a_response() {
    let annotations = selected(&[
        "C: d STATUS INBOX (MESSAGES)",
        "S: * STATUS INBOX (MESSAGES 4)",
        "S: d STATUS completed",
    ]);
    let bad = line(&annotations, "d STATUS completed");
    does_not_read(bad, "STATUS response");
    reads(
        bad,
        "A tagged response completes a command with OK, NO or BAD",
    );
}

/// An unknown response is still an extension's, which clients ignore (RFC 9051 §7).
#[test]
fn an_unknown_response_is_still_an_extensions() {
    let annotations = selected(&[
        "C: a3 NOOP",
        "S: * COMPARATOR i;basic",
        "S: a3 OK NOOP completed (0.001 + 0.000 secs).",
    ]);
    reads(
        line(&annotations, "* COMPARATOR"),
        "COMPARATOR: untagged data of an extension",
    );
}

/// A tag used again for another command completes that command: an OK under the tag of
/// a SELECT that never got its answer does not select it. RFC 5092's examples, read as
/// one file, once had "~peter/日本語/台北 is now selected" under `A002 OK user lennier
/// authenticated`.
#[test]
fn a_reused_tag_completes_the_newer_command_only() {
    let annotations = logged_in(&[
        "C: t1 SELECT Archive",
        "C: t1 NOOP",
        "S: t1 OK NOOP completed (0.001 + 0.000 secs).",
    ]);
    let ok = line(&annotations, "t1 OK");
    reads(ok, "completes the NOOP tagged t1");
    does_not_read(ok, "is now selected");
}

/// RFC 5267 §3.3: an empty RETURN list on SORT asks for ALL. It was said as "an ESEARCH
/// summary ()".
#[test]
fn sort_with_an_empty_return_list_asks_for_all() {
    let annotations = selected(&["C: E01 UID SORT RETURN () (REVERSE DATE) UTF-8 UNDELETED"]);
    reads(
        line(&annotations, "E01 UID SORT"),
        "the answer is an ESEARCH summary (ALL) in sort order",
    );
}

/// A FETCH response whose items could not be read says so, instead of "message 10: "
/// with nothing after it (RFC 3501's `* 10 FETCH . . .` elision, in RFC 2193).
#[test]
fn a_fetch_response_without_readable_items_says_so() {
    let annotations = selected(&[
        "C: a3 FETCH 10 ALL",
        "S: * 10 FETCH . . .",
        "S: a3 OK Fetch completed (0.001 + 0.000 secs).",
    ]);
    reads(
        line(&annotations, "* 10 FETCH"),
        "the tutor could not read this FETCH response",
    );
}

/// RFC 9051 §6.3.11 (RFC 3501 §6.3.10): STATUS is meant for mailboxes other than the
/// selected one and SHOULD NOT be used on it; Dovecot 2.3.19 answers `OK [CLIENTBUG]
/// Status on selected mailbox completed`. It used to say "without selecting it" of the
/// mailbox that was selected.
#[test]
fn status_on_the_selected_mailbox_is_not_without_selecting_it() {
    let annotations = selected(&[
        "C: a3 STATUS inbox (UIDNEXT)",
        "S: * STATUS inbox (UIDNEXT 5)",
        "S: a3 OK [CLIENTBUG] Status on selected mailbox completed (0.001 + 0.000 secs).",
        "C: a4 STATUS Archive (MESSAGES)",
    ]);
    let status = line(&annotations, "a3 STATUS");
    does_not_read(status, "of INBOX without selecting it");
    reads(
        status,
        "the selected mailbox: STATUS is meant for other mailboxes and SHOULD NOT be used on this one",
    );
    reads(
        line(&annotations, "a4 STATUS"),
        "asks for MESSAGES of \"Archive\" without selecting it",
    );
}

/// Dovecot's timing is explained with the line's own figures (Dovecot 2.3 imap-client.c,
/// client_cmd_append_timing_stats): `(0.516 + 0.514 + 0.515 secs)` after an IDLE was
/// explained as "(0.001 + 0.000 secs) is Dovecot's timing", another line's numbers.
#[test]
fn dovecot_timing_is_quoted_from_the_line_it_explains() {
    let annotations = selected(&[
        "C: a3 IDLE",
        "S: + idling",
        "C: DONE",
        "S: a3 OK Idle completed (0.516 + 0.514 + 0.515 secs).",
    ]);
    let ok = line(&annotations, "a3 OK");
    reads(ok, "(0.516 + 0.514 + 0.515 secs) is Dovecot's timing");
    does_not_read(ok, "(0.001 + 0.000 secs)");
}

/// `*` alone is one message, the last (RFC 9051 §9: "the largest number in use"): it
/// was said "messages *".
#[test]
fn a_lone_star_is_one_message() {
    let annotations = selected(&[
        "C: a3 FETCH * UID",
        "C: a4 UID FETCH 3:* FLAGS",
        "C: a5 FETCH * BODY[]",
    ]);
    reads(
        line(&annotations, "a3 FETCH"),
        "asks for message *: the UID",
    );
    reads(line(&annotations, "a5 FETCH"), "; this marks it \\Seen");
    reads(
        line(&annotations, "a4 UID FETCH"),
        "asks for the messages with UIDs 3:*",
    );
}

/// RFC 4315 §2.1: UID EXPUNGE removes, of the UIDs named, those marked \Deleted, and no
/// other message. One UID was said "the messages with UIDs 6 that are marked".
#[test]
fn uid_expunge_of_one_uid_is_said_of_one_message() {
    let annotations = selected(&["C: a3 UID EXPUNGE 6", "C: a4 UID EXPUNGE 4:6"]);
    reads(
        line(&annotations, "a3 UID EXPUNGE"),
        "permanently removes the message with UID 6 if it is marked \\Deleted, and no other message",
    );
    // EXPUNGE's entry ("every message flagged \\Deleted") is not UID EXPUNGE's.
    does_not_read(
        line(&annotations, "a3 UID EXPUNGE"),
        "every message flagged",
    );
    reads(
        line(&annotations, "a3 UID EXPUNGE"),
        "Expunge only the \\Deleted messages among the given UIDs",
    );
    reads(
        line(&annotations, "a4 UID EXPUNGE"),
        "permanently removes those of the messages with UIDs 4:6 that are marked \\Deleted, and no other message",
    );
}

/// RFC 7162 §3.2.6: VANISHED is a UID FETCH modifier, only beside CHANGEDSINCE, and only
/// once QRESYNC is enabled; otherwise the server MUST answer BAD (Dovecot 2.3.19: "QRESYNC
/// not enabled", "VANISHED used without CHANGEDSINCE"). The tutor said "the UIDs of the
/// set expunged since then come too" in all three cases.
#[test]
fn vanished_is_promised_only_where_the_server_honours_it() {
    let annotations = selected(&[
        "C: a3 UID FETCH 1:* (FLAGS) (CHANGEDSINCE 1 VANISHED)",
        "S: a3 BAD Error in IMAP command UID FETCH: QRESYNC not enabled (0.001 + 0.000 secs).",
        "C: a4 FETCH 1:* (FLAGS) (CHANGEDSINCE 1 VANISHED)",
        "S: a4 BAD Error in IMAP command FETCH: QRESYNC not enabled (0.001 + 0.000 secs).",
        "C: a5 ENABLE QRESYNC",
        "S: * ENABLED QRESYNC",
        "S: a5 OK Enabled (0.001 + 0.000 secs).",
        "C: a6 UID FETCH 1:* (FLAGS) (VANISHED)",
        "S: a6 BAD Error in IMAP command UID FETCH: VANISHED used without CHANGEDSINCE (0.001 + 0.000 secs).",
        "C: a7 UID FETCH 1:* (FLAGS) (CHANGEDSINCE 1 VANISHED)",
        "S: a7 OK Fetch completed (0.001 + 0.000 secs).",
    ]);
    let promise = "the UIDs of the set expunged since then come too";
    let not_enabled = line(&annotations, "a3 UID FETCH");
    does_not_read(not_enabled, promise);
    reads(
        not_enabled,
        "(VANISHED) the tutor saw no * ENABLED QRESYNC in this session: without it a server MUST answer BAD",
    );
    does_not_read(line(&annotations, "a4 FETCH"), promise);
    does_not_read(line(&annotations, "a6 UID FETCH"), promise);
    reads(line(&annotations, "a7 UID FETCH"), promise);
}

/// RFC 7162 §3.2.5: SELECT's QRESYNC parameter before ENABLE QRESYNC gets BAD (Dovecot:
/// "QRESYNC not enabled"); it was explained as a resynchronisation under way.
#[test]
fn select_qresync_before_enable_is_not_a_resynchronisation() {
    let annotations = logged_in(&[
        "C: a2 SELECT INBOX (QRESYNC (1719824692 1))",
        "S: a2 BAD Error in IMAP command SELECT: QRESYNC not enabled (0.001 + 0.000 secs).",
        "C: a3 ENABLE QRESYNC",
        "S: * ENABLED QRESYNC",
        "S: a3 OK Enabled (0.001 + 0.000 secs).",
        "C: a4 SELECT INBOX (QRESYNC (1719824692 1))",
    ]);
    let early = line(&annotations, "a2 SELECT");
    does_not_read(early, "the client knows this mailbox up to mod-sequence 1");
    reads(
        early,
        "(QRESYNC) the tutor saw no * ENABLED QRESYNC in this session",
    );
    reads(
        line(&annotations, "a4 SELECT"),
        "the client knows this mailbox up to mod-sequence 1",
    );
}

/// RFC 9051 §6.4.1: CLOSE removes nothing from a mailbox selected read-only. After
/// EXAMINE the line said "nothing is expunged", then "Leave the selected mailbox,
/// silently expunging messages flagged \\Deleted." beneath it.
#[test]
fn close_after_examine_is_not_said_to_expunge() {
    let annotations = logged_in(&[
        "C: a2 EXAMINE INBOX",
        "S: a2 OK [READ-ONLY] Examine completed (0.001 + 0.000 secs).",
        "C: a3 CLOSE",
    ]);
    let close = line(&annotations, "a3 CLOSE");
    reads(close, "it was opened read-only, so nothing is expunged");
    does_not_read(close, "flagged \\Deleted.");
    reads(
        close,
        "silently expunging messages flagged \\Deleted if read-write",
    );
}

/// The proxy's last line names who logged in: a LOGIN the server refused logged no one
/// in. It said "strategos logged out" after `a1 NO [AUTHENTICATIONFAILED]` and LOGOUT
/// (and "logged in as strategos" had the client just gone).
#[test]
fn the_proxy_summary_names_only_a_user_who_logged_in() {
    let mock = MockServer::start("strategos");
    let upstream = format!("127.0.0.1:{}", mock.port);
    let proxy = Proxy::start(&["--upstream", upstream.as_str()]);
    let mut imap = Imap::connect(proxy.port);
    let refused = imap.command("a1 LOGIN strategos wrong");
    assert!(refused.contains("a1 NO"), "{refused}");
    imap.command("a2 LOGOUT");
    assert!(imap.response().is_empty());
    drop(imap);
    let refused_session = flat(&proxy.wait_for("session over", 1));
    let mut imap = Imap::connect(proxy.port);
    imap.ok("b1 LOGIN strategos tryhackme");
    imap.command("b2 LOGOUT");
    assert!(imap.response().is_empty());
    drop(imap);
    let out = flat(&proxy.wait_for("session over", 2));
    proxy.stop();
    let summaries: Vec<&str> = out
        .split("session over:")
        .skip(1)
        .map(|s| s.split(" C: ").next().unwrap_or(s))
        .collect();
    assert_eq!(summaries.len(), 2, "{out}");
    assert!(
        !refused_session.contains("strategos logged out"),
        "{refused_session}"
    );
    assert!(!summaries[0].contains("strategos"), "{}", summaries[0]);
    assert!(
        summaries[1].contains("strategos logged out"),
        "{}",
        summaries[1]
    );
}

/// A LIST pattern is shown as it is sent (RFC 9051 §9, `quoted`: `\"` and `\\` escaped).
/// RFC 2683 §3.2.2's `LIST "" "\"My\" mailbox\\%"` was shown decoded, as `""My"
/// mailbox\%"`, where the quotes of the name and the string's own could not be told apart.
#[test]
fn a_list_pattern_is_shown_as_it_is_sent() {
    let annotations = logged_in(&[
        "C: a2 LIST \"\" \"\\\"My\\\" mailbox\\\\%\"",
        "C: a3 LIST \"a\\\\b\" %",
    ]);
    let list = line(&annotations, "a2 LIST");
    reads(list, "matching \"\\\"My\\\" mailbox\\\\%\"");
    does_not_read(list, "\"\"My\" mailbox");
    reads(
        line(&annotations, "a3 LIST"),
        "under \"a\\\\b\" matching \"%\"",
    );
}

/// BODY is BODYSTRUCTURE without extension data (RFC 9051 §7.5.2); a line carrying both
/// said "MIME structure: ...; MIME structure: ..." with nothing to tell them apart.
#[test]
fn body_and_bodystructure_on_one_line_are_named_apart() {
    let annotations = selected(&[
        "C: a3 FETCH 1 (BODY BODYSTRUCTURE)",
        "S: * 1 FETCH (BODY (\"text\" \"plain\" (\"charset\" \"us-ascii\") NIL NIL \"7bit\" 44 1) BODYSTRUCTURE (\"text\" \"plain\" (\"charset\" \"us-ascii\") NIL NIL \"7bit\" 44 1 NIL NIL NIL NIL))",
        "S: a3 OK Fetch completed (0.001 + 0.000 secs).",
    ]);
    let data = line(&annotations, "* 1 FETCH");
    reads(
        data,
        "MIME structure (BODY, without extension data): text/plain",
    );
    reads(data, "MIME structure (BODYSTRUCTURE): text/plain");
}

/// `d STATUS completed` (RFC 5465's example) is no valid STATUS command: it is a server's
/// completion with OK left out. It was blamed on the client ("looks like a line the
/// client sent"); a line that is a valid command still is.
#[test]
fn a_completion_without_its_status_word_is_not_blamed_on_the_client() {
    let annotations = selected(&[
        "C: d STATUS INBOX (MESSAGES)",
        "S: * STATUS INBOX (MESSAGES 4)",
        "S: d STATUS completed",
        "C: e FETCH 1 FLAGS",
        "S: f FETCH 1 FLAGS",
    ]);
    let completion = line(&annotations, "d STATUS completed");
    reads(completion, "`d OK STATUS completed`");
    does_not_read(completion, "looks like a line the client sent");
    reads(
        line(&annotations, "f FETCH 1 FLAGS"),
        "looks like a line the client sent",
    );
}

/// A quoted string before APPEND's literal can only be the date-time (RFC 9051 §9,
/// `append`): `"bad-date" {206}` was reported as "expected the message, as a literal".
#[test]
fn a_bad_append_date_is_named_a_date() {
    let annotations = logged_in(&["C: w35 APPEND INBOX \"bad-date\" {3}", "C: abc"]);
    // The first annotation of the line is its literal's announcement; the command's
    // own comes once the literal is in.
    let append = annotations
        .iter()
        .rfind(|a| a.display.starts_with("w35 APPEND"))
        .expect("the APPEND is annotated");
    reads(append, "a date-time such as \"07-Feb-1994 21:52:25 -0800\"");
    does_not_read(append, "expected the message");
}

/// Diagnostics worded for the line they are about: "an EXAMINE" was "a EXAMINE", a rule
/// named `esearch-response` gave "the esearch-response response", two extra words were
/// "one too many", and CREATE's USE was said to be dropped, when RFC 6154 §3 forbids a
/// server to create the mailbox without the uses it cannot give.
#[test]
fn diagnostics_are_worded_for_their_line() {
    let annotations = selected(&[
        "C: a EXAMINE INBOX (ANNOTATE)",
        "S: * ESEARCH (TAG \"a00\") (COUNT 17)",
        "C: b FETCH 1 UID FLAGS INTERNALDATE",
        "C: c CREATE MySpecial (USE (\\Drafts \\Sent))",
    ]);
    let examine = line(&annotations, "a EXAMINE");
    reads(examine, "ANNOTATE is not a parameter of EXAMINE");
    does_not_read(examine, "a EXAMINE parameter");
    let esearch = line(&annotations, "* ESEARCH");
    reads(esearch, "but the line goes on with `(COUNT`");
    does_not_read(esearch, "esearch-response response");
    reads(
        line(&annotations, "b FETCH"),
        "`FLAGS INTERNALDATE` are too many",
    );
    let create = line(&annotations, "c CREATE");
    reads(create, "MUST NOT create the mailbox");
    does_not_read(create, "creates the mailbox without them");
}

/// A BYE the client did not ask for is the server closing the session (RFC 9051 §7.1.5:
/// shutdown, autologout), not the user logging out; the proxy's last line said
/// "strategos logged out" after `* BYE Autologout; idle for too long`. Here the mock
/// ends the session as Dovecot does after 20 bad commands in a row.
#[test]
fn the_proxy_summary_does_not_call_an_unasked_bye_a_logout() {
    let mock = MockServer::start("strategos");
    let upstream = format!("127.0.0.1:{}", mock.port);
    let proxy = Proxy::start(&["--upstream", upstream.as_str()]);
    let mut imap = Imap::connect(proxy.port);
    imap.ok("a1 LOGIN strategos tryhackme");
    for n in 1..=20 {
        let bad = imap.command(&format!("b{n} BOGUS"));
        assert!(bad.contains(&format!("b{n} BAD")), "{bad}");
    }
    let bye = String::from_utf8_lossy(&imap.response()).into_owned();
    assert_eq!(bye, "* BYE Too many invalid IMAP commands.\r\n");
    drop(imap);
    let out = flat(&proxy.wait_for("session over", 1));
    proxy.stop();
    let summary = out.split("session over:").nth(1).unwrap_or("");
    assert!(
        summary.contains("the server ended strategos's session with BYE"),
        "{summary}"
    );
    assert!(!summary.contains("strategos logged out"), "{summary}");
}

/// Dovecot refuses `APPEND INBOX {0}` at once (`NO Can't save a zero byte message`), so
/// the client never sends the rest of the line (RFC 9051 §4.3). The empty literal was
/// read at once and the refusal missed: the NO said "no command tagged w36 was seen",
/// and the client's next command was taken for the rest of the APPEND.
#[test]
fn a_refused_empty_literal_ends_its_command() {
    let annotations = logged_in(&[
        "C: w36 APPEND INBOX {0}",
        "S: w36 NO Can't save a zero byte message (0.001 + 0.000 secs).",
        "C: w37 NOOP",
        "S: w37 OK NOOP completed (0.001 + 0.000 secs).",
    ]);
    let refusal = line(&annotations, "w36 NO");
    reads(refusal, "completes the APPEND tagged w36");
    does_not_read(refusal, "no command tagged w36 was seen");
    let append = line(&annotations, "w36 APPEND");
    does_not_read(append, "the stream ends inside this command");
    reads(line(&annotations, "w37 NOOP"), "does nothing");
}

/// A client that waits for `+` and gets the command's tagged NO instead does right not
/// to send the literal (RFC 9051 §2.2.1, note): the APPEND was flagged an error,
/// "`{206}` announces a literal: exactly 206 bytes must follow on the next line".
#[test]
fn a_literal_the_server_refused_is_not_the_clients_error() {
    let annotations = logged_in(&[
        "C: w33 APPEND Missing {206}",
        "S: w33 NO [TRYCREATE] Mailbox doesn't exist: Missing (0.001 + 0.000 secs).",
        "C: w34 APPEND INBOX {0}",
        "S: w34 NO Can't save a zero byte message (0.001 + 0.000 secs).",
    ]);
    for tag in ["w33", "w34"] {
        let append = annotations
            .iter()
            .rfind(|a| a.display.starts_with(&format!("{tag} APPEND")))
            .expect("the APPEND is annotated");
        reads(append, "Upload a complete message");
        does_not_read(append, "bytes must follow");
    }
}

/// RFC 9394 §3.1's `PARTIAL -1:-100` and RFC 9208 §4.1.4's DELETED-STORAGE are valid
/// syntax the grammar does not read: they were errors of the learner's ("expected a
/// status item ..., but found `DELETED-STORAGE`") with nothing to say they are valid.
#[test]
fn extension_syntax_the_tutor_does_not_read_is_not_called_wrong() {
    let annotations = selected(&[
        "C: s1 STATUS INBOX (MESSAGES DELETED DELETED-STORAGE)",
        "C: s2 UID SEARCH RETURN (PARTIAL -1:-100) UNDELETED",
    ]);
    let status = line(&annotations, "s1 STATUS");
    reads(status, "warning at column");
    reads(
        status,
        "DELETED-STORAGE is a valid status item of the QUOTA extension (RFC 9208 §4.1.4)",
    );
    does_not_read(status, "error at column");
    let search = line(&annotations, "s2 UID SEARCH");
    reads(
        search,
        "A negative range is valid with the PARTIAL extension (RFC 9394 §3.1",
    );
    does_not_read(search, "error at column");
}
