//! The grammar's own words to a learner, read against the ABNF they stand for (RFC 9051
//! §9, RFC 3501 §9, the extensions' Formal Syntax sections) and against what Dovecot
//! 2.3.19 answers: each test is one input whose rule name, "expected" or suggestion said
//! something the RFC does not, and what it says now.

use imap_tutor::grammar::command::{parse_client_line, ClientExpectation};
use imap_tutor::grammar::{parse_command, parse_response, Diagnostic, ParsedCommand, Severity};

fn send(line: &str) -> ParsedCommand {
    parse_command(format!("{line}\r\n").as_bytes())
}

/// The first error of `line`.
fn error(line: &str) -> Diagnostic {
    send(line)
        .diagnostics
        .into_iter()
        .find(|d| d.severity == Severity::Error)
        .unwrap_or_else(|| panic!("{line:?} has no error"))
}

/// The diagnostic of `line` with `code`.
fn finding(line: &str, code: &str) -> Diagnostic {
    let parsed = send(line);
    parsed
        .diagnostics
        .iter()
        .find(|d| d.code == code)
        .cloned()
        .unwrap_or_else(|| panic!("{line:?}: no {code} in {:#?}", parsed.diagnostics))
}

fn expected(d: &Diagnostic) -> &str {
    d.expected.as_deref().unwrap_or("")
}

#[test]
fn a_partial_without_its_length_asks_for_the_dot_and_length_not_a_keyword() {
    // RFC 9051 §9: `partial = "<" number64 "." nz-number64 ">"`. After `<0` comes the
    // dot (Dovecot takes `<0>`, but the ABNF does not).
    let d = error("a1 FETCH 1 BODY[]<0>");
    assert_eq!((d.rule, d.column), ("partial", 20));
    assert!(
        expected(&d).starts_with(". and the number of bytes"),
        "{d:?}"
    );
    let d = error("a1 FETCH 1 BODY[]<0.0>");
    assert!(expected(&d).contains("greater than zero"), "{d:?}");
}

#[test]
fn a_date_in_iso_form_is_told_the_imap_date_form_not_a_keyword() {
    // RFC 9051 §9: `date-text = date-day "-" date-month "-" date-year`, with
    // `date-day = 1*2DIGIT`: `2024-01-01` goes wrong after the day's two digits.
    let d = error("a1 SEARCH SINCE 2024-01-01");
    assert_eq!(d.rule, "date");
    assert!(!expected(&d).contains("keyword"), "{d:?}");
    assert!(expected(&d).contains("1-Feb-2024"), "{d:?}");
    let d = error("a1 SEARCH SINCE 1-Fb-2024");
    assert!(expected(&d).contains("a month"), "{d:?}");
    let d = error("a1 SEARCH SINCE 1-Feb-24");
    assert!(expected(&d).contains("four-digit year"), "{d:?}");
}

#[test]
fn a_flag_that_is_only_a_backslash_names_the_flag_not_a_keyword() {
    // `flag-extension = "\" atom`: a backslash alone is no flag.
    let d = error("a1 STORE 1 FLAGS (\\ Seen)");
    assert!(
        expected(&d).contains("flag name right after the backslash"),
        "{d:?}"
    );
}

#[test]
fn a_literal_size_that_is_not_a_number_says_so() {
    // `literal = "{" number64 ["+"] "}" CRLF *CHAR8`
    let d = error("a1 APPEND INBOX {x}");
    assert!(expected(&d).contains("literal's size"), "{d:?}");
}

#[test]
fn header_fields_needs_a_list_of_at_least_one_name() {
    // RFC 9051 §9: `"HEADER.FIELDS" [".NOT"] SP header-list`, `header-list = "("
    // header-fld-name *(SP header-fld-name) ")"`. Dovecot 2.3.19 answers `BODY[HEADER.FIELDS
    // ()]` with `BAD ... Invalid BODY[..] section`.
    let d = error("a1 FETCH 1 BODY[HEADER.FIELDS From]");
    assert_eq!((d.rule, d.column), ("header-list", 31));
    assert!(expected(&d).contains("in parentheses"), "{d:?}");
    let d = error("a1 FETCH 1 BODY.PEEK[HEADER.FIELDS ()]");
    assert_eq!(d.rule, "header-list");
    assert!(expected(&d).contains("header field name"), "{d:?}");
    let d = error("a1 FETCH 1 BODY.PEEK[HEADER.FIELDS ( From)]");
    assert!(expected(&d).contains("header field name"), "{d:?}");
    assert!(send("a1 FETCH 1 BODY.PEEK[HEADER.FIELDS (From)]")
        .command
        .is_some());
}

#[test]
fn mime_is_a_section_only_after_a_part_number() {
    // RFC 9051 §9: `section-spec = section-msgtext / (section-part ["." section-text])`,
    // `section-text = section-msgtext / "MIME"`: BODY[MIME] is not in the grammar, and
    // Dovecot 2.3.19 answers it with BAD; BODY[1.MIME] is.
    let d = error("a1 FETCH 1 BODY.PEEK[MIME]");
    assert!(
        expected(&d).contains("MIME only after a part number"),
        "{d:?}"
    );
    assert!(send("a1 FETCH 1 BODY.PEEK[1.MIME]").command.is_some());
}

#[test]
fn uid_expunge_is_named_by_its_own_rule() {
    // RFC 9051 §9: `uid-expunge = "EXPUNGE" SP sequence-set` (RFC 4315: `"UID" SP
    // "EXPUNGE" SP sequence-set`); the plain EXPUNGE is a `command-select` keyword.
    let d = error("a1 UID EXPUNGE");
    assert_eq!(d.rule, "uid-expunge");
    assert_eq!(error("a1 EXPUNGE 1").rule, "command-select");
}

#[test]
fn what_may_follow_uid_includes_sort_and_thread_where_they_exist() {
    // RFC 9051 §9 `uid`: copy / move / fetch / search / store / uid-expunge; RFC 5256 §5:
    // `sort = ["UID" SP] "SORT" ...`, `thread = ["UID" SP] "THREAD" ...`.
    let d = error("a1 UID FOO 1");
    assert!(expected(&d).contains("SORT or THREAD, RFC 5256"), "{d:?}");
    let d = error("a1 UID SELECT INBOX");
    assert!(d.message.contains("SORT and THREAD"), "{d:?}");
    assert!(send("a1 UID SORT (DATE) UTF-8 ALL").command.is_some());
}

#[test]
fn a_range_ending_in_zero_is_wrong_at_the_zero() {
    // `seq-range = seq-number ":" seq-number`, `seq-number = nz-number / "*"`: after the
    // colon a number from 1 must follow, not "a space" as the grammar used to say.
    let d = error("a1 FETCH 1:0 FLAGS");
    assert_eq!((d.rule, d.column), ("sequence-set", 12));
    assert!(expected(&d).contains("from 1"), "{d:?}");
    let d = error("a1 FETCH 1, FLAGS");
    assert!(expected(&d).contains("after the comma"), "{d:?}");
}

#[test]
fn every_suggested_line_is_one_a_server_would_take() {
    // A suggestion is what to type instead: it must not earn a BAD itself. `* OK` used to
    // suggest `a1 OK` (no such command), `FLAGS  UID` the one-space line that still has
    // an argument too many.
    let lines = [
        "* OK",
        "+ abc",
        "a1 FETCH 1 FLAGS  UID",
        "a1 FETCH 1 FLAGS UID",
        "a1 SELECT Sent Items",
        "c1LOGIN a b",
        "LOGIN a b",
        "a1 STORE 1 +FLAG (\\Seen)",
        "a1 FECTH 1 FLAGS",
        "a1 NOOP ",
        " a1 NOOP",
        "a1  NOOP",
        "a1 FETCH body[] 3",
        "a1 MOVE Archive 1",
        "a1 UID SELECT INBOX",
        "a1 STATUS INBOX (MESSAGE)",
        "a1 EXAMINE Entwürfe",
    ];
    for line in lines {
        for d in send(line).diagnostics {
            let Some(s) = d.suggestion.as_deref() else {
                continue;
            };
            if s.starts_with("The form is") || s.contains(" <") || !s.contains(' ') {
                continue;
            }
            let again = send(s);
            let errors: Vec<_> = again
                .diagnostics
                .iter()
                .filter(|d| d.severity == Severity::Error)
                .collect();
            assert!(errors.is_empty(), "{line:?} suggests {s:?}: {errors:#?}");
        }
    }
    assert_eq!(
        error("a1 FETCH 1 FLAGS  UID").suggestion.as_deref(),
        Some("a1 FETCH 1 (FLAGS UID)")
    );
    assert_ne!(error("* OK").suggestion.as_deref(), Some("a1 OK"));
}

#[test]
fn lsub_s_replacement_needs_list_extended_on_imap4rev1() {
    // RFC 9051 Appendix E item 19: "Clients should use LIST (SUBSCRIBED) instead"; on an
    // IMAP4rev1 server the SUBSCRIBED selection option is RFC 5258's (LIST-EXTENDED).
    let d = finding("a1 LSUB \"\" *", "imap4rev1-only");
    assert!(!d.message.contains("on both"), "{d:?}");
    assert!(d.message.contains("LIST-EXTENDED (RFC 5258)"), "{d:?}");
}

#[test]
fn uid_expunge_is_uidplus_in_imap4rev1_and_base_in_imap4rev2() {
    // RFC 9051 §6.4.9 describes UID EXPUNGE; in IMAP4rev1 it is RFC 4315's.
    let d = finding("a1 EXPUNGE 1", "unexpected-argument");
    assert!(d.message.contains("part of IMAP4rev2"), "{d:?}");
    assert!(d.message.contains("UIDPLUS (RFC 4315)"), "{d:?}");
}

#[test]
fn utf8_mailbox_names_need_an_enable_first() {
    // RFC 9051 Appendix A: where a server advertises both IMAP4rev1 and IMAP4rev2, a
    // client that wants IMAP4rev2 "MUST issue an ENABLE IMAP4rev2"; UTF8=ACCEPT is
    // enabled with ENABLE too (RFC 6855).
    let d = error("a1 EXAMINE Entwürfe");
    assert!(
        d.message
            .contains("after ENABLE IMAP4rev2 on a server that also speaks IMAP4rev1"),
        "{d:?}"
    );
    assert!(d.message.contains("ENABLE UTF8=ACCEPT"), "{d:?}");
    assert_eq!(d.suggestion.as_deref(), Some("a1 EXAMINE Entw&APw-rfe"));
}

#[test]
fn a_non_synchronizing_literal_needs_the_server_s_leave() {
    // RFC 9051 §4.3: non-synchronizing literals "MUST NOT be larger than 4096 octets"
    // unless an extension says otherwise; RFC 7888's LITERAL+ lifts that.
    let d = finding("a1 LOGIN {5}", "literal-without-data");
    assert!(d.message.contains("LITERAL+ (RFC 7888)"), "{d:?}");
    assert!(d.message.contains("4096"), "{d:?}");
}

#[test]
fn x_commands_are_rfc_3501_s_rule_and_rfc_9051_asks_for_a_capability() {
    // RFC 3501 §6.5.1: commands outside the standards "MUST use the X prefix"; RFC 9051
    // §6.5: "Each command that is not part of this specification MUST have at least one
    // capability name"; Dovecot 2.3.19 answers `XFOO` with `BAD ... Unknown command`.
    let d = finding("a1 XFOO", "experimental-command");
    assert!(d.message.contains("RFC 3501 §6.5.1"), "{d:?}");
    assert!(d.message.contains("RFC 9051 §6.5"), "{d:?}");
    assert!(d.message.contains("answers BAD"), "{d:?}");
}

#[test]
fn a_code_with_no_space_after_it_is_wrong_in_rfc_9051_too() {
    // RFC 9051 §9: `resp-text = ["[" resp-text-code "]" SP] [text]`: the text may be
    // empty, the space after `]` may not. RFC 3501: `... "]" SP] text`, `text = 1*TEXT-CHAR`.
    let note = |line: &str| {
        parse_response(format!("{line}\r\n").as_bytes())
            .diagnostics
            .into_iter()
            .find(|d| d.code == "quirk-missing-text")
            .unwrap_or_else(|| panic!("{line:?}: no quirk-missing-text"))
    };
    let d = note("* OK [READ-WRITE]");
    assert!(d.message.contains("still wants the space"), "{d:?}");
    let d = note("* OK [READ-WRITE] ");
    assert!(
        d.message.contains("RFC 9051 allows the text to be empty"),
        "{d:?}"
    );
    assert!(!d.message.contains("still wants the space"), "{d:?}");
}

#[test]
fn a_message_part_gives_its_lines_after_envelope_and_body() {
    // RFC 9051 §9: `body-type-msg = media-message SP body-fields SP envelope SP body SP
    // body-fld-lines`; `body-type-text = media-text SP body-fields SP body-fld-lines`.
    let parsed = parse_response(
        b"* 1 FETCH (BODYSTRUCTURE (\"TEXT\" \"PLAIN\" NIL NIL NIL \"7BIT\" 10 x))\r\n",
    );
    let all: String = parsed
        .diagnostics
        .iter()
        .map(|d| format!("{} {:?}", d.message, d.suggestion))
        .collect();
    assert!(!all.contains("ends with its number of lines"), "{all}");
    assert!(
        all.contains("after its size, the envelope and the body structure"),
        "{all}"
    );
}

#[test]
fn sort_without_a_charset_is_told_its_key_was_read_as_the_charset() {
    // RFC 5256 §5: `sort = ["UID" SP] "SORT" SP sort-criteria SP search-criteria`,
    // `search-criteria = charset 1*(SP search-key)`: in `SORT (DATE) ALL`, ALL is the
    // charset and the criteria are what is missing. Dovecot answers `BAD ... Missing
    // search parameters`; the fix is a charset, not more criteria.
    let d = error("a1 SORT (DATE) ALL");
    assert!(d.message.contains("`ALL` was read as the charset"), "{d:?}");
    assert_eq!(d.suggestion.as_deref(), Some("a1 SORT (DATE) UTF-8 ALL"));
    let d = error("a2 THREAD REFERENCES unseen");
    assert_eq!(
        d.suggestion.as_deref(),
        Some("a2 THREAD REFERENCES UTF-8 unseen")
    );
    // A real charset and no criteria: only the criteria are missing.
    let d = error("a3 SORT (DATE) UTF-8");
    assert!(!d.message.contains("read as the charset"), "{d:?}");
}

#[test]
fn only_system_flags_have_search_keys_and_unkeyword_of_one_matches_everything() {
    // RFC 9051 §2.3.2 lists the system flags; §6.4.4 gives each a key (SEEN, UNSEEN...),
    // and RFC 3501 §6.4.4's OLD is NOT RECENT. `\Foo` and `\*` have none: the lint used
    // to suggest FOO and `*`. Dovecot 2.3.19 searches a backslash name as a keyword:
    // `KEYWORD \Seen` matches no message, `UNKEYWORD \Seen` every message.
    let d = finding("a1 SEARCH KEYWORD \\Seen", "keyword-is-system-flag");
    assert_eq!(d.suggestion.as_deref(), Some("SEEN"));
    assert!(d.message.contains("matches no message"), "{d:?}");
    let d = finding("a1 SEARCH UNKEYWORD \\Seen", "keyword-is-system-flag");
    assert_eq!(d.suggestion.as_deref(), Some("UNSEEN"));
    assert!(d.message.contains("matches every message"), "{d:?}");
    let d = finding("a1 SEARCH UNKEYWORD \\Recent", "keyword-is-system-flag");
    assert_eq!(d.suggestion.as_deref(), Some("OLD"));
    for line in ["a1 SEARCH KEYWORD \\Foo", "a1 SEARCH KEYWORD \\*"] {
        let d = finding(line, "keyword-is-system-flag");
        assert_eq!(d.suggestion, None, "{d:?}");
        assert!(d.message.contains("no system flag either"), "{d:?}");
    }
}

#[test]
fn a_backslash_name_that_is_no_system_flag_is_flagged_before_dovecot_refuses_it() {
    // RFC 9051 §9: `flag-extension = "\" atom ; Future expansion`; §2.3.2: "Keywords do
    // not begin with \". Dovecot 2.3.19: `STORE 1 +FLAGS.SILENT (\Foo)` gets `BAD Error
    // in IMAP command STORE: Invalid system flag \FOO`.
    let d = finding("a1 STORE 1 +FLAGS (\\Foo $X)", "unknown-system-flag");
    assert_eq!(d.rule, "flag-extension");
    assert!(d.message.contains("Dovecot answers BAD"), "{d:?}");
    assert_eq!(d.suggestion.as_deref(), Some("a1 STORE 1 +FLAGS (Foo $X)"));
    let parsed = send("a1 STORE 1 +FLAGS (\\Seen \\Draft)");
    assert!(parsed.diagnostics.is_empty(), "{:?}", parsed.diagnostics);
}

#[test]
fn a_command_during_idle_is_a_must_not_and_dovecot_drops_it() {
    // RFC 9051 §6.3.13: "The client MUST NOT send a command while the server is waiting
    // for the DONE". The server does read the line: Dovecot 2.3.19 answers `c BAD
    // Expected DONE` for the IDLE and the command is gone (it used to say the server
    // "reads nothing but DONE").
    let p = parse_client_line(b"a2 NOOP\r\n", ClientExpectation::IdleDone);
    let d = &p.diagnostics[0];
    assert!(!d.message.contains("reads nothing but DONE"), "{d:?}");
    assert!(
        d.message
            .contains("MUST NOT send a command (RFC 9051 §6.3.13)"),
        "{d:?}"
    );
    assert!(d.message.contains("BAD Expected DONE"), "{d:?}");
}

#[test]
fn renaming_inbox_is_special_in_the_rfc_and_refused_by_dovecot() {
    // RFC 9051 §6.3.6: "Renaming INBOX is permitted ... It moves all messages in INBOX to
    // a new mailbox"; Dovecot 2.3.19 answers `NO [CANNOT] Renaming INBOX isn't supported`.
    let d = finding("a1 RENAME INBOX Old", "inbox-special");
    assert!(d.message.contains("RFC 9051 §6.3.6"), "{d:?}");
    assert!(d.message.contains("NO [CANNOT]"), "{d:?}");
}

#[test]
fn a_fetch_item_where_move_wants_a_mailbox_names_the_move() {
    // `move = "MOVE" SP sequence-set SP mailbox` (RFC 6851 §5): the label said "copy to".
    let d = finding("a1 MOVE 1 body[]", "data-item-as-mailbox");
    assert_eq!(expected(&d), "the name of the mailbox to move to");
    let d = finding("a1 COPY 1 body[]", "data-item-as-mailbox");
    assert_eq!(expected(&d), "the name of the mailbox to copy to");
}

#[test]
fn an_unknown_fetch_item_is_not_valid_syntax_but_an_extension_s_to_add() {
    // RFC 9051 §9 `fetch-att` lists its items and no generic extension form; Dovecot
    // 2.3.19 answers `FETCH 1 FOO` with `BAD Error in IMAP command FETCH: Unknown
    // parameter: FOO`. The note used to call FOO "valid syntax".
    let d = finding("a1 FETCH 1 FOO", "unknown-fetch-item");
    assert!(!d.message.contains("valid syntax"), "{d:?}");
    assert!(d.message.contains("Unknown parameter: FOO"), "{d:?}");
    let d = finding("a1 FETCH 1 FLAG", "unknown-fetch-item");
    assert_eq!(d.suggestion.as_deref(), Some("FLAGS"));
}

#[test]
fn qresync_s_values_include_the_sequence_match_data() {
    // RFC 7162 §7: `"QRESYNC" SP "(" uidvalidity SP mod-sequence-value [SP known-uids]
    // [SP seq-match-data] ")"`; the label and the form named only the first three.
    let d = error("a1 SELECT INBOX (QRESYNC)");
    assert!(
        expected(&d).contains("(known-sequence-set known-uid-set)"),
        "{d:?}"
    );
    assert!(
        d.suggestion
            .as_deref()
            .is_some_and(|s| s.contains("QRESYNC (")),
        "{d:?}"
    );
}

#[test]
fn a_flags_line_cut_short_is_not_told_about_message_numbers() {
    // The hint "Message numbers start at 1." hung on the rule `mailbox-data`, which also
    // names FLAGS, LIST and STATUS; it now hangs on RFC 9051's `obsolete-search-response
    // = "SEARCH" *(SP nz-number)`, where it is true (UIDs too, after UID SEARCH).
    let all = |line: &str| -> String {
        parse_response(format!("{line}\r\n").as_bytes())
            .diagnostics
            .iter()
            .map(|d| format!("{} {} | ", d.rule, d.message))
            .collect()
    };
    let flags = all("* FLAGS");
    assert!(!flags.contains("start at 1"), "{flags}");
    let search = all("* SEARCH 1 0");
    assert!(search.contains("obsolete-search-response"), "{search}");
    assert!(search.contains("UIDs after UID SEARCH"), "{search}");
}

#[test]
fn a_literal_holds_any_byte_but_nul() {
    // RFC 9051 §9: `literal = "{" number64 ["+"] "}" CRLF *CHAR8`, `CHAR8 = %x01-ff`:
    // NUL only travels in RFC 3516's `literal8`, where a command allows one (RFC 9051
    // §4.3.1). The note said "arbitrary bytes".
    let d = finding("a1 LOGIN \"strategos pass", "unterminated-quote");
    assert!(!d.message.contains("arbitrary bytes"), "{d:?}");
    assert!(d.message.contains("any byte but NUL"), "{d:?}");
}

#[test]
fn done_outside_idle_names_the_continuation_not_only_dovecot_s_words() {
    // RFC 9051 §6.3.13: the server answers IDLE with a continuation request, whose text
    // is the server's; `+ idling` is Dovecot's.
    let d = finding("DONE", "done-outside-idle");
    assert!(
        d.message
            .contains("`+` continuation request (Dovecot's is `+ idling`)"),
        "{d:?}"
    );
}

#[test]
fn xlist_s_inbox_attribute_has_no_special_use_successor() {
    // RFC 6154 §2 defines \All, \Archive, \Drafts, \Flagged, \Junk, \Sent and \Trash:
    // XLIST's \AllMail became \All, and its \Inbox has no successor.
    let d = parse_response(b"* XLIST (\\HasNoChildren \\Inbox) \"/\" INBOX\r\n")
        .diagnostics
        .into_iter()
        .find(|d| d.code == "quirk-xlist")
        .expect("quirk-xlist");
    assert!(d.message.contains("an \\Inbox that it dropped"), "{d:?}");
}

#[test]
fn an_unknown_response_is_to_be_accepted_at_all_times() {
    // RFC 9051 §7: "The client MUST be prepared to accept any response at all times."
    let d = parse_response(b"* FOOBAR 1 2\r\n")
        .diagnostics
        .into_iter()
        .find(|d| d.code == "unknown-response")
        .expect("unknown-response");
    assert!(
        d.message
            .contains("accept any response at all times (RFC 9051 §7)"),
        "{d:?}"
    );
}
