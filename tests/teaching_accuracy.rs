//! What the tutor teaches, held to the RFC it cites. Each test is one finding of the
//! issue 12 audit (about 280 claims checked against their sections): the sentence that
//! was wrong, misleading or imprecise, and what the RFC says instead. The last tests
//! look for the same kinds of mistake everywhere a learner reads: the knowledge base,
//! the lessons, the book's hand-written pages and the explainer's output over every
//! session kept in `tests/data` and `transcripts/`.

use std::path::{Path, PathBuf};

mod teaching_support;

use imap_tutor::explain::{Annotation, Explainer};
use imap_tutor::grammar::Severity;
use imap_tutor::knowledge::{self, Kind};
use imap_tutor::transcript;
use teaching_support::{entry, line, session, shown};

/// All the prose of an entry, in one lower-case string.
fn prose(kind: Kind, name: &str) -> String {
    let e = entry(kind, name);
    let mut text = format!("{} {} {}", e.summary, e.details, e.mistakes.join(" "));
    text = text.replace('\n', " ");
    text.to_lowercase()
}

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn lesson_text(file: &str) -> String {
    std::fs::read_to_string(root().join("scenarios").join(file)).unwrap()
}

// ---- 1-5: wrong ----------------------------------------------------------------------

#[test]
fn unsubscribe_of_a_name_not_subscribed_is_answered_ok() {
    // RFC 9051 §6.3.8: "returns a tagged OK response if the unsubscription is
    // successful or if the mailbox is not subscribed".
    let text = prose(Kind::Command, "UNSUBSCRIBE");
    assert!(
        !text.contains("no if the name was not subscribed"),
        "{text}"
    );
    assert!(
        text.contains("ok even when the name was not subscribed"),
        "{text}"
    );
}

#[test]
fn select_claims_nothing_about_the_case_of_other_names() {
    // RFC 9051 §5.1 takes no position on the case of non-INBOX names; RFC 3501 §5.1
    // calls it implementation-dependent.
    let a = session(&["C: a1 LOGIN u p", "S: a1 OK done", "C: a2 SELECT Archive"]);
    let select = line(&a, "a2 SELECT");
    assert!(
        !select.summary.contains("case-sensitive"),
        "{}",
        select.summary
    );
    let a = session(&["C: a1 LOGIN u p", "S: a1 OK done", "C: a2 EXAMINE inbox"]);
    let examine = line(&a, "a2 EXAMINE");
    assert!(examine.summary.contains("INBOX"), "{}", examine.summary);
    assert!(
        !examine.summary.contains("only for INBOX"),
        "{}",
        examine.summary
    );
}

fn hint(a: &Annotation, code: &str) -> String {
    let d = a
        .diagnostics
        .iter()
        .find(|d| d.code == code)
        .unwrap_or_else(|| panic!("no {code} for {}: {:?}", a.display, a.diagnostics));
    format!("{} {}", d.message, d.suggestion.clone().unwrap_or_default())
}

#[test]
fn wrong_state_hints_fit_the_command() {
    // RFC 9051 §3.2, §6.2: LOGIN, AUTHENTICATE and STARTTLS are valid only before login;
    // selecting a mailbox or closing one does not make them valid.
    let a = session(&["C: a1 LOGIN u p", "S: a1 OK done", "C: a2 LOGIN u p"]);
    let text = hint(line(&a, "a2 LOGIN"), "wrong-state");
    assert!(!text.contains("select a mailbox"), "{text}");
    assert!(text.contains("already"), "{text}");
    let a = session(&[
        "C: a1 LOGIN u p",
        "S: a1 OK done",
        "C: a2 SELECT INBOX",
        "S: a2 OK [READ-WRITE] done",
        "C: a3 STARTTLS",
    ]);
    let text = hint(line(&a, "a3 STARTTLS"), "wrong-state");
    assert!(!text.contains("CLOSE or UNSELECT"), "{text}");
    assert!(text.contains("before LOGIN"), "{text}");
    // The hints that were right stay right.
    let a = session(&["C: a1 SELECT INBOX"]);
    assert!(hint(line(&a, "a1 SELECT"), "wrong-state").contains("log in first"));
    let a = session(&["C: a1 LOGIN u p", "S: a1 OK done", "C: a2 FETCH 1 FLAGS"]);
    assert!(hint(line(&a, "a2 FETCH"), "wrong-state").contains("select a mailbox first"));
}

#[test]
fn create_with_a_trailing_delimiter_creates_the_name_without_it() {
    // RFC 9051 §6.3.4 (RFC 3501 §6.3.3): a trailing hierarchy delimiter declares that
    // names will be created below; the name created is without it.
    let a = session(&[
        "C: a1 LOGIN u p",
        "S: a1 OK done",
        "C: a2 LIST \"\" \"\"",
        "S: * LIST (\\Noselect) \"/\" \"\"",
        "S: a2 OK done",
        "C: a3 CREATE Work/",
    ]);
    let create = &line(&a, "a3 CREATE").summary;
    assert!(create.contains("\"Work\""), "{create}");
    assert!(!create.contains("mailbox \"Work/\""), "{create}");
    // Without a LIST, the delimiter is not known: the explainer says what it depends on.
    let a = session(&["C: a1 LOGIN u p", "S: a1 OK done", "C: a2 CREATE Work/"]);
    let create = &line(&a, "a2 CREATE").summary;
    assert!(!create.starts_with("creates the mailbox \"Work/\"") || create.contains("if"));
    assert!(create.contains("\"Work\""), "{create}");
}

#[test]
fn larger_and_smaller_together_search_an_exact_size() {
    let text = prose(Kind::SearchKey, "LARGER");
    assert!(
        !text.contains("no way to search for an exact size"),
        "{text}"
    );
    assert!(text.contains("larger 999 smaller 1001"), "{text}");
}

// ---- 6-10: misleading ----------------------------------------------------------------

#[test]
fn literal_plus_lets_a_server_refuse_a_big_literal() {
    // RFC 7888 §4: the server may read and reject, or send BYE and close.
    let text = prose(Kind::Capability, "LITERAL+");
    assert!(!text.contains("must read whatever"), "{text}");
    assert!(text.contains("bye"), "{text}");
    let lesson = lesson_text("09-literals.yaml");
    assert!(!lesson.contains("the server promises to read it"));
}

#[test]
fn recent_means_this_session_is_the_first_to_be_told() {
    // RFC 3501 §2.3.2: "This session is the first session to have been notified about
    // this message".
    let a = session(&[
        "C: a1 LOGIN u p",
        "S: a1 OK done",
        "C: a2 SELECT INBOX",
        "S: * 2 RECENT",
        "S: * 0 RECENT",
        "S: a2 OK [READ-WRITE] done",
    ]);
    for display in ["* 2 RECENT", "* 0 RECENT"] {
        let summary = &line(&a, display).summary;
        assert!(summary.contains("first"), "{summary}");
        assert!(!summary.contains("no session has opened"), "{summary}");
        assert!(
            !summary.contains("since a session last opened"),
            "{summary}"
        );
    }
    for (kind, name) in [
        (Kind::Response, "RECENT"),
        (Kind::StatusItem, "RECENT"),
        (Kind::Flag, "\\Recent"),
    ] {
        let text = prose(kind, name);
        assert!(
            !text.contains("since the last session looked")
                && !text.contains("since the previous session looked")
                && !text.contains("no session has seen"),
            "{} {name}: {text}",
            kind.label()
        );
    }
    assert!(!lesson_text("06-select-examine.yaml").contains("new since anyone looked"));
}

#[test]
fn list_answers_do_not_claim_existence_they_do_not_have() {
    // RFC 3501 §6.3.8: LIST "" "" returns the delimiter and the root name; a
    // \NonExistent name (RFC 9051 §7.3.1, RFC 5258 §3) is listed but is no mailbox.
    let a = session(&[
        "C: a1 LOGIN u p",
        "S: a1 OK done",
        "C: a2 LIST \"\" \"\"",
        "S: * LIST (\\Noselect) \"/\" \"\"",
        "S: a2 OK done",
        "C: a3 LIST (SUBSCRIBED) \"\" \"*\"",
        "S: * LIST (\\Subscribed \\NonExistent) \"/\" Fruit/Peach",
        "S: a3 OK done",
    ]);
    let root = &line(&a, "* LIST (\\Noselect)").summary;
    assert!(!root.contains("\"\" exists"), "{root}");
    assert!(root.contains("delimiter"), "{root}");
    let gone = &line(&a, "* LIST (\\Subscribed").summary;
    assert!(!gone.contains("Peach\" exists"), "{gone}");
    assert!(gone.contains("no mailbox"), "{gone}");
}

#[test]
fn utf8_in_search_is_required_by_imap4rev2_only() {
    // RFC 9051 §6.4.4 requires US-ASCII and UTF-8; RFC 3501 §6.4.4 only US-ASCII.
    for (kind, name) in [
        (Kind::ResponseCode, "BADCHARSET"),
        (Kind::SearchKey, "CHARSET"),
    ] {
        let text = prose(kind, name);
        assert!(
            !text.contains("utf-8 and us-ascii must always work"),
            "{text}"
        );
        assert!(
            !text.contains("servers must support us-ascii and utf-8"),
            "{text}"
        );
        assert!(text.contains("imap4rev2"), "{text}");
    }
}

#[test]
fn response_code_lines_cite_the_code_first() {
    let a = session(&[
        "C: a1 LOGIN u p",
        "S: a1 OK done",
        "C: a2 COPY 1 Archive",
        "S: a2 OK [COPYUID 17 1 5] Copy completed.",
        "C: a3 SELECT INBOX",
        "S: * OK [CLOSED] Previous mailbox closed.",
        "S: * OK [UNSEEN 2] First unseen.",
        "S: a3 OK [READ-WRITE] Select completed.",
    ]);
    for (display, first) in [
        ("a2 OK [COPYUID", "RFC 4315 §3"),
        ("* OK [CLOSED]", "RFC 7162 §3.2.11"),
        ("* OK [UNSEEN", "RFC 3501 §7.1"),
    ] {
        let a = line(&a, display);
        assert_eq!(a.rfc.first().map(String::as_str), Some(first), "{display}");
        let text = shown(a);
        assert!(text.contains(&format!("[{first}")), "{text}");
    }
    // UNSEEN is no longer in RFC 9051 §7.1: the line says so.
    let unseen = shown(line(&a, "* OK [UNSEEN"));
    assert!(unseen.contains("deprecated in IMAP4rev2"), "{unseen}");
}

// ---- 11-19: imprecise ----------------------------------------------------------------

#[test]
fn imap4rev2_removes_check_and_deprecates_the_rest() {
    // RFC 9051 Appendix E: item 17 removes CHECK; items 4, 11, 12, 18, 19 deprecate.
    let text = prose(Kind::Capability, "IMAP4rev2");
    assert!(text.contains("removes check"), "{text}");
    assert!(!text.contains("removes check, \\recent"), "{text}");
    assert!(text.contains("deprecates \\recent"), "{text}");
}

#[test]
fn move_is_atomic_per_message_not_per_set() {
    // RFC 9051 §6.4.8: "MOVE of a set of messages might fail partway through the set".
    let text = prose(Kind::Command, "MOVE");
    assert!(
        !text.contains("atomic from the client's point of view"),
        "{text}"
    );
    assert!(text.contains("part way"), "{text}");
    assert!(!prose(Kind::Capability, "MOVE").contains("atomic step"));
}

#[test]
fn list_return_options_name_the_capability_they_need() {
    // RFC 9051 §6.3.9.2 defines SUBSCRIBED, CHILDREN and STATUS only.
    let text = prose(Kind::Command, "LIST");
    assert!(text.contains("list-status"), "{text}");
    assert!(text.contains("needs the special-use capability"), "{text}");
}

#[test]
fn esearch_says_when_its_numbers_are_uids() {
    // RFC 4731 §3.1, RFC 9051 §7.3.4: ESEARCH carries UID after UID SEARCH.
    let lesson = lesson_text("14-search.yaml");
    assert!(!lesson.contains("nothing in the answer says which kind, only your command does"));
    let lesson = lesson.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(
        lesson.contains("ESEARCH answer (RFC 4731, and every SEARCH in IMAP4rev2) says it itself: `* ESEARCH (TAG \"a2\") UID"),
        "lesson 14 shows the ESEARCH answer carrying UID"
    );
}

#[test]
fn status_size_is_at_least_the_sum_of_the_sizes() {
    // RFC 9051 §6.3.11: "equal to or greater than the sum".
    let text = prose(Kind::Capability, "STATUS=SIZE");
    assert!(text.contains("at least the sum"), "{text}");
    let a = session(&[
        "C: a1 LOGIN u p",
        "S: a1 OK done",
        "C: a2 STATUS INBOX (SIZE)",
        "S: * STATUS INBOX (SIZE 445)",
    ]);
    let summary = &line(&a, "* STATUS").summary;
    assert!(summary.contains("at least"), "{summary}");
}

#[test]
fn uid_expunge_and_binary_cite_their_extension_first() {
    let a = session(&[
        "C: a1 LOGIN u p",
        "S: a1 OK done",
        "C: a2 SELECT INBOX",
        "S: a2 OK [READ-WRITE] done",
        "C: a3 UID EXPUNGE 4",
        "C: a4 FETCH 3 BINARY[1]",
    ]);
    let expunge = line(&a, "a3 UID EXPUNGE");
    assert_eq!(
        expunge.rfc.first().map(String::as_str),
        Some("RFC 4315 §2.1")
    );
    let binary = line(&a, "a4 FETCH");
    assert_eq!(
        binary.rfc.first().map(String::as_str),
        Some("RFC 3516 §4.2")
    );
    assert!(binary.summary.contains("BINARY.PEEK"), "{}", binary.summary);
    assert!(!binary.summary.contains("BODY.PEEK"), "{}", binary.summary);
}

#[test]
fn flags_outside_permanentflags_are_ignored_or_kept_for_the_session() {
    // RFC 3501 §7.1: "the server will either ignore the change or store the state change
    // for the remainder of the current session only".
    let text = prose(Kind::ResponseCode, "PERMANENTFLAGS");
    assert!(!text.contains("would only last for the session"), "{text}");
    assert!(text.contains("ignores the change"), "{text}");
}

#[test]
fn inbox_might_not_exist() {
    // RFC 9051 §5.1: INBOX "might not exist on some servers for some users".
    let a = session(&[
        "C: a1 LOGIN u p",
        "S: a1 OK done",
        "C: a2 CREATE INBOX",
        "C: a3 RENAME Work INBOX",
    ]);
    for display in ["a2 CREATE", "a3 RENAME"] {
        for d in &line(&a, display).diagnostics {
            assert!(!d.message.contains("INBOX always exists"), "{}", d.message);
        }
    }
    assert!(!prose(Kind::Command, "CREATE").contains("because it already exists"));
}

#[test]
fn mdnsent_sticks_when_the_server_lists_it() {
    let text = prose(Kind::Flag, "$MDNSent");
    assert!(text.contains("lists $mdnsent itself"), "{text}");
}

// ---- more of the same kinds --------------------------------------------------------------

/// The first `n` citations of a line, as the text renderer shows them.
fn first_cited(a: &Annotation, n: usize) -> Vec<&str> {
    a.rfc.iter().take(n).map(String::as_str).collect()
}

#[test]
fn extension_parts_of_search_sort_and_thread_cite_their_sections_first() {
    // Item 10's kind: the section that backs the line comes first. RFC 4731 §3.1
    // (RETURN), RFC 5182 §2.1 ($), RFC 5256 §2.2 (DATE), RFC 5267 §3.1 (SORT RETURN),
    // RFC 2177 §3 (IDLE's continuation).
    let a = session(&[
        "C: a1 LOGIN u p",
        "S: a1 OK done",
        "C: a2 SELECT INBOX",
        "S: a2 OK [READ-WRITE] done",
        "C: a3 UID SEARCH RETURN (MIN COUNT) UNSEEN",
        "S: * ESEARCH (TAG \"a3\") UID MIN 2 COUNT 2",
        "S: a3 OK done",
        "C: a4 SEARCH RETURN (SAVE) UNSEEN",
        "S: a4 OK done",
        "C: a5 FETCH $ FLAGS",
        "S: a5 OK done",
        "C: a6 SORT (REVERSE DATE) UTF-8 ALL",
        "S: a6 OK done",
        "C: a7 SORT RETURN (ALL) (SUBJECT) UTF-8 ALL",
        "S: a7 OK done",
        "C: a8 IDLE",
        "S: + idling",
    ]);
    let esearch = line(&a, "a3 UID SEARCH");
    assert_eq!(first_cited(esearch, 1), ["RFC 4731 §3.1"]);
    // RFC 3501 has no RETURN: IMAP4rev1 needs the ESEARCH extension for it.
    assert!(
        esearch.summary.contains("IMAP4rev1 with ESEARCH"),
        "{}",
        esearch.summary
    );
    assert_eq!(first_cited(line(&a, "a4 SEARCH"), 1), ["RFC 5182 §2.1"]);
    let saved = line(&a, "a5 FETCH");
    assert_eq!(first_cited(saved, 1), ["RFC 5182 §2.1"]);
    assert!(saved.summary.contains("SAVE"), "{}", saved.summary);
    let by_date = line(&a, "a6 SORT");
    assert!(
        first_cited(by_date, 3).contains(&"RFC 5256 §2.2"),
        "{:?}",
        by_date.rfc
    );
    // RFC 5957 (SORT=DISPLAY) backs no part of a sort by date.
    assert!(!first_cited(by_date, 3)
        .iter()
        .any(|r| r.starts_with("RFC 5957")));
    // The charset belongs to the criteria, not to the sort order.
    assert!(!by_date.summary.contains("UTF-8 by"), "{}", by_date.summary);
    assert_eq!(first_cited(line(&a, "a7 SORT"), 1), ["RFC 5267 §3.1"]);
    assert_eq!(first_cited(line(&a, "+ idling"), 1), ["RFC 2177 §3"]);
}

#[test]
fn an_unsolicited_fetch_without_uid_gets_the_imap4rev2_rule() {
    // RFC 9051 §7.5.2 and Appendix E item 21: "All unsolicited FETCH updates are required
    // to include UID", new in IMAP4rev2; Dovecot (IMAP4rev1) sends `* 2 FETCH (FLAGS
    // (\Flagged))` with a NOOP after another session's STORE.
    let a = session(&[
        "C: a1 LOGIN u p",
        "S: a1 OK done",
        "C: a2 SELECT INBOX",
        "S: a2 OK [READ-WRITE] done",
        "C: a3 NOOP",
        "S: * 2 FETCH (FLAGS (\\Flagged))",
        "S: a3 OK NOOP completed",
        "C: a4 FETCH 2 FLAGS",
        "S: * 2 FETCH (FLAGS (\\Seen))",
        "S: a4 OK done",
    ]);
    let news = shown(line(&a, "* 2 FETCH (FLAGS (\\Flagged))"));
    assert!(news.contains("IMAP4rev2 requires"), "{news}");
    let answer = shown(line(&a, "* 2 FETCH (FLAGS (\\Seen))"));
    assert!(!answer.contains("IMAP4rev2 requires"), "{answer}");
    assert!(!answer.contains("no command asked"), "{answer}");
}

#[test]
fn a_thread_drawing_shows_parents_not_replies() {
    // RFC 5256 §3: ORDEREDSUBJECT knows only subjects and dates ("the second message of a
    // thread is the child of the first"); §4: a thread lists "successive parent and
    // child", and ((3)(5)) has "a parent that does not match the search criteria
    // (and/or does not exist in the mailbox)".
    let a = session(&[
        "C: a1 LOGIN u p",
        "S: a1 OK done",
        "C: a2 SELECT INBOX",
        "S: a2 OK [READ-WRITE] done",
        "C: a3 THREAD ORDEREDSUBJECT UTF-8 ALL",
        "S: * THREAD (3 5)(1 (2)(4))((6)(7))",
        "S: a3 OK done",
    ]);
    let text = shown(line(&a, "* THREAD")).to_lowercase();
    assert!(!text.contains("replies to"), "{text}");
    assert!(!text.contains("referred to by its replies"), "{text}");
    assert!(text.contains("does not match the search"), "{text}");
    let missing = knowledge::phrases::phrase("response.thread.missing").unwrap();
    assert_eq!(missing.rfc, ["RFC 5256 §4"]);
}

#[test]
fn reserved_inbox_commands_are_not_described_as_working() {
    // RFC 9051 §6.3.4 and §6.3.5: creating or deleting INBOX is an error.
    let a = session(&[
        "C: a1 LOGIN u p",
        "S: a1 OK done",
        "C: a2 CREATE INBOX",
        "C: a3 DELETE inbox",
    ]);
    for display in ["a2 CREATE", "a3 DELETE"] {
        let summary = &line(&a, display).summary;
        assert!(summary.contains("error"), "{summary}");
        assert!(!summary.starts_with("creates") && !summary.starts_with("deletes"));
    }
}

#[test]
fn should_and_unless_are_not_turned_into_always() {
    // RFC 9051 §6.4.7: flags and internal date "SHOULD be preserved"; §6.3.12 and §6.4.7:
    // TRYCREATE "unless it is certain that the destination mailbox cannot be created".
    let copy = prose(Kind::Command, "COPY");
    assert!(!copy.contains("the copies keep their flags"), "{copy}");
    for (kind, name) in [
        (Kind::Command, "COPY"),
        (Kind::Command, "APPEND"),
        (Kind::ResponseCode, "TRYCREATE"),
    ] {
        let text = prose(kind, name);
        assert!(text.contains("unless"), "{} {name}: {text}", kind.label());
    }
}

#[test]
fn answers_to_a_line_without_a_proper_tag_are_matched_to_it() {
    // A server takes the first word for the tag (RFC 9051 §2.2.1): `c1LOGIN` and, for a
    // line without a tag, `LOGIN`. The answer is the learner's line, not a stranger's.
    let a = session(&[
        "C: c1LOGIN u p",
        "S: c1LOGIN BAD Error in IMAP command received by server.",
        "C: LOGIN u p",
        "S: LOGIN BAD Error in IMAP command received by server.",
    ]);
    for display in ["c1LOGIN BAD", "LOGIN BAD"] {
        let answer = line(&a, display);
        assert!(
            answer.diagnostics.iter().all(|d| d.code != "unknown-tag"),
            "{display}: {:?}",
            answer.diagnostics
        );
        assert!(answer.summary.contains("your line"), "{}", answer.summary);
    }
    // The tag the grammar read (`c1`) was never seen by the server: reusing it is fine.
    let a = session(&["C: c1LOGIN u p", "S: c1LOGIN BAD x", "C: c1 LOGIN u p"]);
    assert!(line(&a, "c1 LOGIN")
        .diagnostics
        .iter()
        .all(|d| d.code != "tag-reused"));
}

#[test]
fn binary_of_the_whole_message_names_no_empty_part() {
    let a = session(&[
        "C: a1 LOGIN u p",
        "S: a1 OK done",
        "C: a2 SELECT INBOX",
        "S: a2 OK [READ-WRITE] done",
        "C: a3 FETCH 1 BINARY.PEEK[]",
    ]);
    let summary = &line(&a, "a3 FETCH").summary;
    assert!(!summary.contains("part  "), "{summary}");
    assert!(summary.contains("decoded"), "{summary}");
}

#[test]
fn starttls_ok_says_to_ask_capability_again() {
    // RFC 9051 §6.2.1: the client MUST discard cached capability information.
    let a = session(&["C: a1 STARTTLS", "S: a1 OK Begin TLS negotiation now."]);
    let ok = line(&a, "a1 OK");
    assert!(
        ok.details.iter().any(|d| d.contains("CAPABILITY again")),
        "{:?}",
        ok.details
    );
    // "MUST discard ... and SHOULD reissue the CAPABILITY command": asking again is a
    // SHOULD, forgetting the old list the MUST.
    let said = ok.details.join(" ");
    assert!(said.contains("should ask CAPABILITY again"), "{said}");
    assert!(said.contains("must forget"), "{said}");
}

#[test]
fn the_session_and_the_modifiers_change_what_a_command_does() {
    // RFC 9051 §6.3.3: EXAMINE permits no change; RFC 7162 §3.1.3, §3.1.4.1, §3.2.5:
    // UNCHANGEDSINCE, CHANGEDSINCE and QRESYNC narrow what is changed or answered
    // (QRESYNC and VANISHED once QRESYNC is enabled, §3.2.5 and §3.2.6).
    let a = session(&[
        "C: a1 LOGIN u p",
        "S: a1 OK done",
        "C: a0 ENABLE QRESYNC",
        "S: * ENABLED QRESYNC",
        "S: a0 OK done",
        "C: a2 EXAMINE INBOX",
        "S: a2 OK [READ-ONLY] done",
        "C: a3 STORE 1 +FLAGS (\\Flagged)",
        "C: a4 EXPUNGE",
        "C: a5 UNSELECT",
        "S: a5 OK done",
        "C: a6 SELECT INBOX (QRESYNC (1719824692 5))",
        "S: a6 OK [READ-WRITE] done",
        "C: a7 UID STORE 2 (UNCHANGEDSINCE 5) +FLAGS (\\Answered)",
        "C: a8 UID FETCH 1:* (FLAGS) (CHANGEDSINCE 5 VANISHED)",
        "C: a9 SEARCH RETURN (MIN COUNT) UNSEEN",
        "C: b1 LIST (SUBSCRIBED) \"\" \"*\" RETURN (STATUS (MESSAGES))",
    ]);
    let details = |display: &str| line(&a, display).details.join(" | ");
    assert!(
        details("a3 STORE").contains("read-only: nothing will change"),
        "{}",
        details("a3 STORE")
    );
    assert!(
        details("a4 EXPUNGE").contains("nothing will be expunged"),
        "{}",
        details("a4 EXPUNGE")
    );
    assert!(
        details("a6 SELECT").contains("VANISHED (EARLIER)"),
        "{}",
        details("a6 SELECT")
    );
    assert!(
        details("a7 UID STORE").contains("[MODIFIED"),
        "{}",
        details("a7 UID STORE")
    );
    assert!(!details("a7 UID STORE").contains("read-only"));
    let fetch = details("a8 UID FETCH");
    assert!(
        fetch.contains("CHANGEDSINCE 5") && fetch.contains("VANISHED"),
        "{fetch}"
    );
    let search = &line(&a, "a9 SEARCH").summary;
    assert!(
        search.contains("ESEARCH") && !search.contains("the answer lists"),
        "{search}"
    );
    let list = details("b1 LIST");
    assert!(
        list.contains("\\NonExistent") && list.contains("LIST-STATUS"),
        "{list}"
    );
}

#[test]
fn save_alone_suppresses_the_esearch_answer() {
    // RFC 9051 §6.4.4: "In absence of any other SEARCH result option, the SAVE result
    // option also suppresses any ESEARCH response"; §6.4.4.1: with MIN or MAX alone, $
    // holds only those messages.
    let a = session(&[
        "C: a1 LOGIN u p",
        "S: a1 OK done",
        "C: a2 SELECT INBOX",
        "S: a2 OK [READ-WRITE] done",
        "C: a3 SEARCH RETURN (SAVE) UNSEEN",
        "C: a4 SEARCH RETURN (SAVE MIN) UNSEEN",
        "S: * ESEARCH (TAG \"a4\")",
    ]);
    let save = &line(&a, "a3 SEARCH").summary;
    assert!(save.contains("no ESEARCH line"), "{save}");
    let min = line(&a, "a4 SEARCH").details.join(" ");
    assert!(min.contains("only the messages those name"), "{min}");
    let empty = &line(&a, "* ESEARCH").summary;
    assert!(empty.contains("nothing matched"), "{empty}");
}

// ---- the two state rules ---------------------------------------------------------------

#[test]
fn compress_is_valid_only_after_login() {
    // RFC 4978 §5: command-auth =/ compress.
    let a = session(&["C: a1 COMPRESS DEFLATE"]);
    let d = hint(line(&a, "a1 COMPRESS"), "wrong-state");
    assert!(d.contains("log in first"), "{d}");
    assert!(!entry(Kind::Command, "COMPRESS")
        .states
        .contains(&knowledge::State::NotAuthenticated));
}

#[test]
fn enable_after_select_gets_a_warning() {
    // RFC 5161 §3.1: "Clients MUST NOT issue ENABLE once they SELECT/EXAMINE a mailbox".
    let a = session(&[
        "C: a1 LOGIN u p",
        "S: a1 OK done",
        "C: a2 ENABLE CONDSTORE",
        "S: a2 OK done",
        "C: a3 SELECT INBOX",
        "S: a3 OK [READ-WRITE] done",
        "C: a4 ENABLE QRESYNC",
        "S: a4 OK done",
        "C: a5 CLOSE",
        "S: a5 OK done",
        "C: a6 ENABLE UTF8=ACCEPT",
    ]);
    assert!(line(&a, "a2 ENABLE").diagnostics.is_empty());
    for display in ["a4 ENABLE", "a6 ENABLE"] {
        let enable = line(&a, display);
        let d = enable
            .diagnostics
            .iter()
            .find(|d| d.code == "enable-after-select")
            .unwrap_or_else(|| panic!("{display}: {:?}", enable.diagnostics));
        assert_eq!(d.severity, Severity::Warning);
        assert!(d.message.contains("RFC 5161"), "{}", d.message);
    }
}

// ---- the same kinds, everywhere ------------------------------------------------------------

/// Sentences the audit found false, each with what the RFC says instead. They must not
/// come back in any text a learner reads.
const FALSE_CLAIMS: &[(&str, &str)] = &[
    (
        "names other than inbox are case-sensitive",
        "RFC 9051 §5.1 takes no position",
    ),
    (
        "every other name is case-sensitive",
        "RFC 9051 §5.1 takes no position",
    ),
    (
        "no session has opened",
        "RFC 3501 §2.3.2: first session notified",
    ),
    (
        "since anyone looked",
        "RFC 3501 §2.3.2: first session notified",
    ),
    (
        "since the last session looked",
        "RFC 3501 §2.3.2: first session notified",
    ),
    (
        "since a session last opened",
        "RFC 3501 §2.3.2: first session notified",
    ),
    ("no way to search for an exact", "LARGER n SMALLER m"),
    (
        "must read whatever",
        "RFC 7888 §4: the server may reject or BYE",
    ),
    (
        "atomic from the client's point of view",
        "RFC 9051 §6.4.8: fails part way",
    ),
    ("one atomic step", "RFC 9051 §6.4.8: fails part way"),
    (
        "would only last for the session",
        "RFC 3501 §7.1: ignored or kept",
    ),
    ("inbox always exists", "RFC 9051 §5.1: it might not"),
    (
        "must ask capability again",
        "RFC 9051 §6.2.1: MUST discard, SHOULD reissue",
    ),
    (
        "before and ask capability again",
        "RFC 9051 §6.2.1: MUST discard, SHOULD reissue",
    ),
    (
        "should send decoded text without",
        "RFC 3516 §4.3: the SHOULD is for 8-bit data without NUL",
    ),
    (
        "utf-8 and us-ascii must always work",
        "RFC 3501 §6.4.4: US-ASCII only",
    ),
    (
        "returns the sum of the message sizes",
        "RFC 9051 §6.4.11: at least the sum",
    ),
    ("imap4rev2 removed it; sea", "Appendix E: deprecated"),
    ("imap4rev2 dropped", "Appendix E: deprecated, not dropped"),
    ("imap4rev2 replaced it", "Appendix E: deprecated"),
    ("the server promises to read it", "RFC 7888 §4"),
    (
        "nothing in the answer says which kind",
        "ESEARCH carries UID",
    ),
    (
        "nothing was asked for but to save",
        "RFC 9051 §6.4.4: SAVE alone suppresses the ESEARCH response",
    ),
    (
        "what it replies to",
        "RFC 5256 §3, §4: a thread lists parents and children; ORDEREDSUBJECT knows no replies",
    ),
];

/// How a text says that IMAP4rev2 took something out.
const REMOVAL_WORDS: &[&str] = &[
    "imap4rev2 removes",
    "imap4rev2 removed",
    "removed in imap4rev2",
    "removed from imap4rev2",
    "removed in rev2",
    "imap4rev2 dropped",
    "imap4rev2 drops",
    "dropped in imap4rev2",
    "dropped from imap4rev2",
];

/// "removed" is for CHECK only (RFC 9051 Appendix E item 17). A template that names
/// no item (`{name}: ... removed in IMAP4rev2`) is used only for entries marked
/// `imap4rev2: removed`, which `knowledge_revision_marks_follow_appendix_e` checks.
fn removal_claims(text: &str) -> Vec<String> {
    let lower = text.to_lowercase().replace('\n', " ");
    lower
        .split(". ")
        .filter(|s| {
            !s.contains("{name}")
                && REMOVAL_WORDS.iter().any(|w| s.contains(w))
                && !s.contains("check")
        })
        .map(str::to_owned)
        .collect()
}

fn problems_in(source: &str, text: &str) -> Vec<String> {
    let lower = text.to_lowercase().replace(['\n', ' '], " ");
    let mut out: Vec<String> = FALSE_CLAIMS
        .iter()
        .filter(|(claim, _)| lower.contains(claim))
        .map(|(claim, why)| format!("{source}: \"{claim}\" ({why})"))
        .collect();
    out.extend(removal_claims(text).into_iter().map(|s| {
        format!(
            "{source}: \"{}\" says removed; RFC 9051 Appendix E removes CHECK only",
            s.trim()
        )
    }));
    out
}

fn files(dir: &Path, ext: &str) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let Ok(entries) = std::fs::read_dir(dir) else {
        return out;
    };
    for e in entries.flatten() {
        let p = e.path();
        if p.is_dir() {
            out.extend(files(&p, ext));
        } else if p.extension().is_some_and(|x| x == ext) {
            out.push(p);
        }
    }
    out.sort();
    out
}

#[test]
fn the_false_claims_are_nowhere_a_learner_reads() {
    let mut problems = Vec::new();
    for kind in Kind::ALL {
        for e in knowledge::entries(kind) {
            let text = format!("{} {} {}", e.summary, e.details, e.mistakes.join(" "));
            problems.extend(problems_in(&format!("{} {}", kind.label(), e.name), &text));
        }
    }
    for p in knowledge::phrases::all() {
        problems.extend(problems_in(&format!("phrase {}", p.key), &p.text));
    }
    for path in files(&root().join("scenarios"), "yaml") {
        let text = std::fs::read_to_string(&path).unwrap();
        problems.extend(problems_in(&path.display().to_string(), &text));
    }
    // Every page of the book (tests/book.rs keeps the generated ones current).
    for path in files(&root().join("book/src"), "md") {
        let text = std::fs::read_to_string(&path).unwrap();
        problems.extend(problems_in(&path.display().to_string(), &text));
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn the_explainer_says_none_of_them_over_every_kept_session() {
    let mut problems = Vec::new();
    let mut explained = 0;
    let mut paths = files(&root().join("transcripts"), "txt");
    for dir in [
        "tests/data/dovecot",
        "tests/data/pasted",
        "tests/data/rfc-examples",
    ] {
        paths.extend(files(&root().join(dir), "txt"));
    }
    for path in paths {
        let text = std::fs::read_to_string(&path).unwrap();
        let Ok(t) = transcript::read(&text) else {
            continue;
        };
        for a in Explainer::explain_transcript(&t, Default::default()) {
            explained += 1;
            problems.extend(problems_in(&path.display().to_string(), &shown(&a)));
        }
    }
    assert!(explained > 1000, "only {explained} messages explained");
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn every_item_appendix_e_names_says_so_on_its_line() {
    // RFC 9051 Appendix E: item 17 removes CHECK; items 4, 11, 12, 18 and 19 deprecate
    // the rest. The line that uses one says which, in those words (one vocabulary).
    let a = session(&[
        "C: a1 LOGIN u p",
        "S: a1 OK done",
        "C: a2 SELECT INBOX",
        "S: * 2 RECENT",
        "S: * OK [UNSEEN 2] First unseen.",
        "S: a2 OK [READ-WRITE] done",
        "C: a3 CHECK",
        "S: a3 OK done",
        "C: a4 LSUB \"\" \"*\"",
        "S: * LSUB () \"/\" Archive",
        "S: a4 OK done",
        "C: a5 SEARCH NEW",
        "S: * SEARCH 2",
        "S: a5 OK done",
        "C: a6 SEARCH OLD",
        "C: a7 SEARCH RECENT",
        "C: a8 STATUS Archive (RECENT)",
        "C: a9 FETCH 1 RFC822",
        "C: b1 FETCH 1 RFC822.HEADER",
        "C: b2 FETCH 1 RFC822.TEXT",
        "S: * 1 FETCH (FLAGS (\\Seen \\Recent))",
    ]);
    let removed = |n: &str| format!("{n}: IMAP4rev1 only, removed in IMAP4rev2");
    let deprecated = |n: &str| format!("{n}: IMAP4rev1, deprecated in IMAP4rev2");
    for (display, note) in [
        ("a3 CHECK", removed("CHECK")),
        ("a4 LSUB", deprecated("LSUB")),
        ("* LSUB", deprecated("LSUB")),
        ("* SEARCH", deprecated("SEARCH")),
        ("* OK [UNSEEN", deprecated("UNSEEN")),
        ("* 2 RECENT", deprecated("RECENT")),
        ("a5 SEARCH NEW", deprecated("NEW")),
        ("a6 SEARCH OLD", deprecated("OLD")),
        ("a7 SEARCH RECENT", deprecated("RECENT")),
        ("a8 STATUS", deprecated("RECENT")),
        ("a9 FETCH", deprecated("RFC822")),
        ("b1 FETCH", deprecated("RFC822.HEADER")),
        ("b2 FETCH", deprecated("RFC822.TEXT")),
        ("* 1 FETCH", deprecated("\\Recent")),
    ] {
        let a = line(&a, display);
        assert!(a.revision.contains(&note), "{display}: {:?}", a.revision);
        assert!(shown(a).contains(&note), "{display}: {}", shown(a));
    }
    // What IMAP4rev2 kept gets no note.
    let a = session(&["C: a1 LOGIN u p", "S: a1 OK done", "C: a2 NOOP"]);
    assert!(line(&a, "a2 NOOP").revision.is_empty());
}

// ---- further accuracy pass (2026-12-06) ----------------------------------------------

#[test]
fn trycreate_says_which_rfc_makes_the_no_a_must() {
    // RFC 3501 §6.4.7: a COPY to a missing mailbox "SHOULD return an error. It SHOULD NOT
    // automatically create the mailbox"; RFC 9051 §6.4.7 (and §6.4.8 for MOVE) makes both
    // MUST (Appendix E item 8). [TRYCREATE] with that NO is a MUST in both.
    for (kind, name) in [(Kind::ResponseCode, "TRYCREATE"), (Kind::Command, "COPY")] {
        let text = prose(kind, name);
        assert!(
            text.contains("rfc 3501 §6.4.7 said only should")
                || text.contains("rfc 3501 §6.4.7 says only should"),
            "{name}: {text}"
        );
        assert!(text.contains("rfc 9051 §6.4.7"), "{name}: {text}");
        assert!(text.contains("must"), "{name}: {text}");
    }
    let moved = prose(Kind::Command, "MOVE");
    assert!(
        moved.contains("rfc 9051 §6.4.8 says must") && moved.contains("rfc 3501 §6.4.7"),
        "{moved}"
    );
    let lesson = lesson_text("12-copy-move.yaml").replace('\n', " ");
    assert!(
        lesson.contains("RFC 3501 §6.4.7 said only SHOULD"),
        "lesson 12 says which RFC says SHOULD"
    );
}

/// Every key a lesson file uses (prose lines never start with one of these and a colon).
const LESSON_KEYS: &[&str] = &[
    "id",
    "title",
    "level",
    "summary",
    "prerequisites",
    "fixture",
    "setup",
    "steps",
    "narrative",
    "goal",
    "show",
    "expect",
    "hints",
    "explanation",
    "check",
    "updates",
    "text",
    "name",
    "uid",
    "internal_date",
    "subscribed",
    "before",
    "absent",
    "unordered",
    "flags",
    "users",
    "uidvalidity",
    "uidnext",
    "special_use",
    "server",
    "password",
    "messages",
    "mailboxes",
    "greeting",
    "capabilities",
    "before_login",
    "after_login",
    "expunge",
    "mailbox",
    "deliver",
];

/// The paragraphs a learner reads in a lesson file (narratives, explanations, the
/// summary), each as one string: a blank line or the next YAML key ends one.
fn lesson_paragraphs(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut current = String::new();
    let mut prose = false;
    for l in text.lines() {
        let t = l.trim_start();
        let key = t.trim_start_matches("- ").split(':').next().unwrap_or("");
        let is_key = t.contains(':') && LESSON_KEYS.contains(&key);
        if is_key || t.is_empty() {
            if prose && !current.trim().is_empty() {
                out.push(std::mem::take(&mut current));
            }
            current.clear();
            if is_key {
                prose = matches!(key, "narrative" | "explanation" | "summary");
            }
            continue;
        }
        if prose {
            current.push_str(t);
            current.push(' ');
        }
    }
    if prose && !current.trim().is_empty() {
        out.push(current);
    }
    out
}

#[test]
fn lessons_mark_what_imap4rev2_deprecates_where_they_use_it() {
    // RFC 9051 Appendix E items 4, 11, 12, 18, 19 (deprecated) and 17 (CHECK, removed):
    // a lesson paragraph that shows one of them says so, as the explainer's lines do.
    let items = [
        "RECENT`",
        "\\Recent",
        "[UNSEEN",
        "RFC822 ",
        "RFC822.TEXT",
        "RFC822.HEADER",
        "LSUB",
        "`CHECK`",
        "old form of the answer",
    ];
    let mut problems = Vec::new();
    let mut paragraphs = 0;
    for path in files(&root().join("scenarios"), "yaml") {
        for p in lesson_paragraphs(&std::fs::read_to_string(&path).unwrap()) {
            paragraphs += 1;
            let found: Vec<_> = items.iter().filter(|i| p.contains(*i)).collect();
            if !found.is_empty() && !p.contains("deprecated") && !p.contains("removes") {
                problems.push(format!("{}: {found:?} in: {p}", path.display()));
            }
        }
    }
    assert!(paragraphs > 200, "only {paragraphs} paragraphs read");
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    let examine = lesson_text("06-select-examine.yaml");
    assert!(
        examine.contains("not `\\Seen`; IMAP4rev1, deprecated in IMAP4rev2"),
        "lesson 06 marks the UNSEEN response code"
    );
}

#[test]
fn check_is_like_noop_on_many_servers_not_all() {
    // RFC 9051 Appendix E item 17 removes CHECK; RFC 3501 §6.4.1 lets a server do
    // housekeeping for it, so "servers treat it like NOOP" is Dovecot's way, not a rule.
    let lesson = lesson_text("20-real-client.yaml").replace('\n', " ");
    assert!(!lesson.contains("removes; servers treat it"), "lesson 20");
    assert!(
        lesson.contains("many servers, Dovecot included, treat"),
        "lesson 20"
    );
}

#[test]
fn untagged_news_between_commands_is_allowed_by_rfc_9051_and_held_back_by_notify_servers() {
    // RFC 9051 §5.2: "At any time, a server can send data that the client did not
    // request"; §5.3 permits it with no command in progress (except EXPUNGE). RFC 5465
    // §3.1: until NOTIFY is used, a NOTIFY server "only sends notifications while a
    // command is being processed". The lesson used to pin its "not at any moment" on §5.2.
    let text = lesson_text("24-idle-two-sessions.yaml");
    assert!(!text.contains("but not at any"), "{text}");
    assert!(text.contains("between commands too (§5.3)"), "{text}");
    assert!(text.contains("(RFC 5465 §3.1)"), "{text}");
    assert!(
        text.contains("RFC 9051 §5.3"),
        "the header lists the sections cited"
    );
}

#[test]
fn trycreate_is_a_must_unless_the_mailbox_cannot_be_created() {
    // RFC 9051 §6.4.7 and RFC 3501 §6.4.7: "Unless it is certain that the destination
    // mailbox can not be created, the server MUST send the response code [TRYCREATE]".
    let text = lesson_text("12-copy-move.yaml");
    let folded = text.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(
        folded.contains(
            "a MUST in both, unless the server is certain that the mailbox cannot be created"
        ),
        "{folded}"
    );
}
