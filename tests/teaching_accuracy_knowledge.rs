//! What `imap-tutor explain` says about the RFCs' own examples (RFC 9051 §6 and §7 and the
//! extension RFCs, `tests/data/rfc-examples/`), each sentence read against the section it
//! cites and, where it speaks of a server, against Dovecot 2.3.19. Each test is one class
//! of mistake found that way, shown on the exchange where a learner met it, with what the
//! RFC says instead.

mod teaching_support;

use imap_tutor::explain::Annotation;
use imap_tutor::knowledge::{self, Kind};
use teaching_support::{folded, line, prose_folded as prose, session};

/// What the learner reads about one annotation, whitespace folded (the renderer wraps).
fn shown(a: &Annotation) -> String {
    folded(&teaching_support::shown(a))
}

/// A session with INBOX selected, then `lines`.
fn selected(lines: &[&str]) -> Vec<Annotation> {
    let mut all = vec![
        "C: a1 LOGIN fred secret",
        "S: a1 OK Logged in",
        "C: a2 SELECT INBOX",
        "S: * 3 EXISTS",
        "S: a2 OK [READ-WRITE] Select completed",
    ];
    all.extend_from_slice(lines);
    session(&all)
}

// ---- what the explainer writes --------------------------------------------------------

#[test]
fn a_code_summary_that_opens_with_a_command_name_keeps_its_capitals() {
    // RFC 9051 §6.4.4 example (RFC 5182 §2.1): `NO [BADCHARSET UTF-8] KOI8-R is not
    // supported`. The explainer lower-cased the first letter of every code summary to fit
    // it in a sentence, and wrote "sEARCH failed", "cOMPRESS refused", "cREATE failed".
    let out = selected(&[
        "C: B283 SEARCH CHARSET KOI8-R TEXT hello",
        "S: B283 NO [BADCHARSET UTF-8] KOI8-R is not supported",
        "C: c COMPRESS DEFLATE",
        "S: c NO [COMPRESSIONACTIVE] DEFLATE active via TLS",
    ]);
    let badcharset = shown(line(&out, "B283 NO"));
    assert!(!badcharset.contains("sEARCH"), "{badcharset}");
    assert!(
        badcharset.contains("[BADCHARSET] SEARCH failed"),
        "{badcharset}"
    );
    let compress = shown(line(&out, "c NO"));
    assert!(
        compress.contains("[COMPRESSIONACTIVE] COMPRESS refused"),
        "{compress}"
    );
    // A summary in plain words still reads in lower case inside the sentence.
    let out = selected(&["C: a3 EXPUNGE", "S: a3 NO [INUSE] Mailbox in use"]);
    let inuse = shown(line(&out, "a3 NO"));
    assert!(inuse.contains("[INUSE] someone else"), "{inuse}");
}

#[test]
fn addto_with_several_pairs_explains_each_position_and_set() {
    // RFC 5267 §4.3.3: ADDTO carries "pairs of a context position and a set of result
    // updates ... Each pair is processed in the order that it appears"; its example
    // `ADDTO (1 2733 1 2732 1 2731)` is three pairs. The explainer read "2733 1 2732 1
    // 2731" as one set at position 1.
    let out = selected(&[
        "C: C01 UID SEARCH RETURN (UPDATE) KEYWORD $Junk",
        "S: * ESEARCH (TAG \"C01\") UID",
        "S: C01 OK Search completed",
        "S: * ESEARCH (TAG \"C01\") UID ADDTO (1 2733 1 2732 1 2731)",
        "S: * ESEARCH (TAG \"C01\") UID REMOVEFROM (0 2733 0 5:6)",
    ]);
    let addto = line(&out, "* ESEARCH (TAG \"C01\") UID ADDTO");
    let text = shown(addto);
    assert!(
        !addto.details.iter().any(|d| d.contains("2733 1 2732")),
        "{:?}",
        addto.details
    );
    for uid in ["2733", "2732", "2731"] {
        let sentence = format!("ADDTO: UID {uid} now matches and goes in at position 1");
        assert!(text.contains(&sentence), "{text}");
    }
    assert_eq!(addto.details.len(), 3, "{:?}", addto.details);
    let removefrom = shown(line(&out, "* ESEARCH (TAG \"C01\") UID REMOVEFROM"));
    assert!(
        removefrom.contains("REMOVEFROM: UID 2733 no longer matches"),
        "{removefrom}"
    );
    assert!(
        removefrom.contains("REMOVEFROM: UIDs 5:6 no longer match"),
        "{removefrom}"
    );
}

#[test]
fn esearch_modseq_covers_every_match_unless_only_min_or_max_was_asked_for() {
    // RFC 4731 §3.2: with a single MIN or MAX, MODSEQ "contains the mod-sequence for the
    // found message"; with MIN and MAX and no ALL/COUNT, the highest of the two;
    // "Otherwise the MODSEQ result option contains the highest mod-sequence for all
    // messages being returned". The explainer said "of the messages named" even for
    // RETURN (MIN COUNT), where MODSEQ covers all ten matches, not message 2.
    let out = selected(&[
        "C: a4 SEARCH RETURN (MIN COUNT) MODSEQ \"/flags/\\\\draft\" all 620162338",
        "S: * ESEARCH (TAG \"a4\") MIN 2 COUNT 10 MODSEQ 917162500",
        "S: a4 OK Search complete",
        "C: a1 SEARCH RETURN (MIN) MODSEQ \"/flags/\\\\draft\" all 620162338",
        "S: * ESEARCH (TAG \"a1\") MIN 2 MODSEQ 917162488",
        "S: a1 OK Search complete",
    ]);
    let count = shown(line(&out, "* ESEARCH (TAG \"a4\")"));
    assert!(!count.contains("of the messages named"), "{count}");
    assert!(
        count.contains("the highest mod-sequence of all the messages returned (with COUNT, of all that matched)"),
        "{count}"
    );
    let min = shown(line(&out, "* ESEARCH (TAG \"a1\")"));
    assert!(
        min.contains("the mod-sequence of the message MIN or MAX names"),
        "{min}"
    );
}

#[test]
fn uid_fetch_store_copy_search_do_not_cite_the_uid_expunge_section() {
    // RFC 4315 §2.1 is "UID EXPUNGE Command"; UID FETCH, STORE, COPY and SEARCH are RFC
    // 3501 §6.4.8 / RFC 9051 §6.4.9, and every UID line cited §2.1 through the UID entry.
    let out = selected(&[
        "C: A999 UID FETCH 4827313:4828442 FLAGS",
        "S: A999 OK UID FETCH completed",
        "C: A003 UID EXPUNGE 3000:3002",
        "S: A003 OK UID EXPUNGE completed",
    ]);
    let fetch = line(&out, "A999 UID FETCH");
    assert!(
        !fetch.rfc.iter().any(|r| r == "RFC 4315 §2.1"),
        "{:?}",
        fetch.rfc
    );
    assert!(
        fetch.rfc.iter().any(|r| r == "RFC 9051 §6.4.9"),
        "{:?}",
        fetch.rfc
    );
    let expunge = line(&out, "A003 UID EXPUNGE");
    assert!(
        expunge.rfc.iter().any(|r| r == "RFC 4315 §2.1"),
        "{:?}",
        expunge.rfc
    );
    // The entry still says where UID EXPUNGE comes from.
    let text = prose(Kind::Command, "UID");
    assert!(text.contains("imap4rev1 gets only with uidplus"), "{text}");
}

// ---- response codes read whole against their sections ----------------------------------

#[test]
fn haschildren_is_imap4rev2s_a_should_and_dovecot_deletes_instead() {
    // RFC 9051 §6.3.5: a server that does not permit it "SHOULD disallow the DELETE
    // command by returning a tagged NO response. The NO response SHOULD include the
    // HASCHILDREN response code. Alternatively, the server MAY allow the DELETE command";
    // RFC 3501 has no such code. Dovecot 2.3.19 (asked on 2026-12-07): `DELETE p1` with a
    // child answers `OK Delete completed`, then LIST shows `(\HasChildren) "/" p1` and
    // `SELECT p1` answers `NO Mailbox doesn't exist: p1`.
    let text = prose(Kind::ResponseCode, "HASCHILDREN");
    assert!(text.contains("new in imap4rev2"), "{text}");
    assert!(text.contains("rfc 3501 has no such code"), "{text}");
    assert!(text.contains("two shoulds"), "{text}");
    assert!(
        text.contains("dovecot 2.3 deletes it and answers ok"),
        "{text}"
    );
    let e = knowledge::lookup(Kind::ResponseCode, "HASCHILDREN").unwrap();
    assert!(e.rfc.iter().any(|r| r == "RFC 9051 §6.3.5"), "{:?}", e.rfc);
}

#[test]
fn overquota_is_any_quota_limit_and_may_come_untagged() {
    // RFC 5530 §3: "The user would be over quota after the operation"; RFC 9208 §4.3.1:
    // SHOULD be in the NO to APPEND/COPY/MOVE that "puts the target mailbox over any one
    // of its quota limits", and MAY come "in an untagged NO response ... when a mailbox
    // exceeds soft quota". The entry spoke of the storage quota only.
    let text = prose(Kind::ResponseCode, "OVERQUOTA");
    assert!(!text.contains("over its storage quota"), "{text}");
    assert!(text.contains("storage or message count alike"), "{text}");
    assert!(text.contains("untagged no"), "{text}");
    let out = selected(&["S: * NO [OVERQUOTA] Soft quota has been exceeded"]);
    let untagged = shown(line(&out, "* NO [OVERQUOTA]"));
    assert!(
        untagged.contains("a quota limit: storage, messages"),
        "{untagged}"
    );
}

#[test]
fn noupdate_is_dovecots_eleventh_update_sent_without_text() {
    // RFC 5267 §4.3.1 fixes no number. Dovecot 2.3.19 (asked on 2026-12-07): ten
    // `UID SEARCH RETURN (UPDATE) ALL` are kept, the eleventh gets
    // `* NO [NOUPDATE "x12"]` with no text, then `OK Search completed`.
    let text = prose(Kind::ResponseCode, "NOUPDATE");
    assert!(text.contains("dovecot 2.3 keeps ten per session"), "{text}");
    assert!(text.contains("with no text after the code"), "{text}");
}

// ---- RFC 3501 and RFC 9051 differ ------------------------------------------------------

#[test]
fn body_and_text_match_flexibly_only_in_rfc_9051_and_decode_as_each_rfc_says() {
    // RFC 3501 §6.4.4: "a message matches the key if the string is a substring of the
    // field. The matching is case-insensitive." RFC 9051 §6.4.4: case-insensitive for
    // ASCII is a SHOULD, and for BODY and TEXT "Servers are allowed to implement flexible
    // matching ... matching "swim" to both "swam" and "swum" ... or only performing
    // full-word matching". Decoding: RFC 9051 §6.4.4 "[MIME-IMB] content transfer
    // encodings and [MIME-HDRS] strings ... MUST be decoded before comparing text"; RFC
    // 3501 §6.4.4 the same only "before comparing text in a [CHARSET] other than
    // US-ASCII". Dovecot 2.3.19 (asked on 2026-12-07) finds `SEARCH BODY "Hallo Welt"`
    // in a base64 part (tests/data/corpus/48.eml) with no CHARSET, and nothing for its
    // base64 text.
    let body = prose(Kind::SearchKey, "BODY");
    assert!(!body.contains("neither rfc says"), "{body}");
    assert!(
        body.contains("rfc 3501 makes it a case-insensitive substring match"),
        "{body}"
    );
    assert!(
        body.contains("rfc 9051 asks for case-insensitive matching of ascii (a should)"),
        "{body}"
    );
    assert!(
        body.contains("always in rfc 9051, only for a charset other than us-ascii in rfc 3501"),
        "{body}"
    );
    assert!(body.contains("dovecot 2.3 decodes in every case"), "{body}");
    let subject = prose(Kind::SearchKey, "SUBJECT");
    assert!(
        subject.contains("always in rfc 9051, only for a charset other than us-ascii in rfc 3501"),
        "{subject}"
    );
    let text = prose(Kind::SearchKey, "TEXT");
    assert!(
        text.contains("rfc 9051 lets a server match word forms"),
        "{text}"
    );
}

#[test]
fn unchangedsince_still_sends_a_fetch_with_modseq_under_silent() {
    // RFC 7162 §3.1.3: for each message changed "An untagged FETCH response MUST be sent,
    // even if the .SILENT suffix is specified, and the response MUST include the MODSEQ
    // message data item". Dovecot 2.3.19 (asked on 2026-12-07): `STORE 1 (UNCHANGEDSINCE
    // 99999) +FLAGS.SILENT (\Flagged)` answers `* 1 FETCH (MODSEQ (6))`.
    let out = selected(&[
        "C: a103 UID STORE 6,4,8 (UNCHANGEDSINCE 12121230045) +FLAGS.SILENT (\\Deleted)",
        "S: * 1 FETCH (UID 4 MODSEQ (12121231000))",
        "S: a103 OK Conditional Store completed",
    ]);
    let store = shown(line(&out, "a103 UID STORE"));
    assert!(
        store.contains(
            "each message it changes gets an untagged FETCH with its new MODSEQ, even with .SILENT"
        ),
        "{store}"
    );
}

// ---- responses read whole against their sections ---------------------------------------

#[test]
fn vanished_shifts_numbers_like_expunge_and_earlier_answers_uid_fetch_too() {
    // RFC 7162 §3.2.10.2: plain VANISHED "also decrements the number of messages in the
    // mailbox and adjusts the message sequence numbers"; §3.2.10.1: VANISHED (EARLIER) "is
    // caused by a UID FETCH (VANISHED) or a SELECT/EXAMINE (QRESYNC) command", for UIDs of
    // the set "no longer in the mailbox". It was said to report removals "from before this
    // session", and the plain form said nothing of renumbering.
    let out = selected(&[
        "C: s100 UID FETCH 300:500 (FLAGS) (CHANGEDSINCE 12345 VANISHED)",
        "S: * VANISHED (EARLIER) 300:310,405,411",
        "S: s100 OK FETCH completed",
        "C: A202 EXPUNGE",
        "S: * VANISHED 405,407,410,425",
        "S: A202 OK expunged",
    ]);
    let earlier = shown(line(&out, "* VANISHED (EARLIER)"));
    assert!(
        !earlier.contains("before this resynchronisation"),
        "{earlier}"
    );
    assert!(
        earlier.contains("are no longer in the mailbox"),
        "{earlier}"
    );
    let plain = shown(line(&out, "* VANISHED 405"));
    assert!(
        plain.contains("each one lowers the message count and shifts the numbers after it"),
        "{plain}"
    );
    let text = prose(Kind::Response, "VANISHED");
    assert!(
        !text.contains("removals from before this session"),
        "{text}"
    );
    assert!(text.contains("or uid fetch with vanished"), "{text}");
}

#[test]
fn an_untagged_bad_may_also_be_an_internal_server_failure() {
    // RFC 9051 §7.1.3 (RFC 3501 §7.1.3): the untagged form "indicates a protocol-level
    // error for which the associated command can not be determined; it can also indicate
    // an internal server failure", with the example `* BAD Disk crash, attempting salvage
    // to a new disk!`.
    let text = prose(Kind::Response, "BAD");
    assert!(text.contains("or an internal server failure"), "{text}");
}

#[test]
fn one_message_reads_in_the_singular() {
    // RFC 9051 §6.4.4's own example answers `* SEARCH 43`, and RFC 7162's sessions
    // `* VANISHED (EARLIER) 4`: the tutor said "messages 43 match the search" and "the
    // messages with UIDs 4 were removed".
    let out = selected(&[
        "C: A284 SEARCH TEXT hello",
        "S: * SEARCH 43",
        "S: A284 OK SEARCH completed",
        "C: A285 EXPUNGE",
        "S: * VANISHED 4",
        "S: A285 OK expunged",
    ]);
    let search = shown(line(&out, "* SEARCH 43"));
    assert!(search.contains("message 43 matches the search"), "{search}");
    let vanished = shown(line(&out, "* VANISHED 4"));
    assert!(
        vanished.contains("the message with UID 4 was removed"),
        "{vanished}"
    );
}

// ---- fetch items and LIST attributes ---------------------------------------------------

#[test]
fn preview_strips_markup_by_the_rfc_and_quoted_lines_by_dovecots_choice() {
    // RFC 8970 §3.3: "The server SHOULD remove any formatting markup"; it says nothing of
    // quoted text. Dovecot 2.3.19 (asked on 2026-12-07): a text/plain message "On Monday
    // Bob wrote: / > quoted line one / > quoted two / My answer is yes." previews as
    // "On Monday Bob wrote: My answer is yes.", an HTML one as "Hello bold world".
    let text = prose(Kind::FetchItem, "PREVIEW");
    assert!(
        !text.contains("stripped of html and quoted lines"),
        "{text}"
    );
    assert!(text.contains("should remove formatting markup"), "{text}");
    assert!(
        text.contains("dovecot's own choice, not the rfc's"),
        "{text}"
    );
}

#[test]
fn nonexistent_is_a_base_attribute_of_imap4rev2_and_dovecot_keeps_noselect_for_plain_list() {
    // RFC 5258 §3: \NonExistent names are returned only with a selection criterion or
    // RECURSIVEMATCH; RFC 9051 §6.3.5: "Mailboxes deleted in one IMAP session MAY be
    // announced to other IMAP sessions using an unsolicited LIST response, containing the
    // "\NonExistent" attribute." Dovecot 2.3.19 (asked on 2026-12-07), w1 existing only
    // as the parent of w1/c1: `LIST "" "w1"` gives `(\Noselect \HasChildren)`, `LIST ""
    // ("w1")` and `LIST "" "w1" RETURN ()` give `(\NonExistent)`.
    let text = prose(Kind::ListAttribute, "\\NonExistent");
    assert!(!text.contains("only appears with extended list"), "{text}");
    assert!(
        text.contains("imap4rev2 makes it a base attribute"),
        "{text}"
    );
    assert!(text.contains("unsolicited list"), "{text}");
    assert!(
        text.contains("its plain list calls a name that exists only as a parent \\noselect"),
        "{text}"
    );
}

#[test]
fn junk_and_notjunk_together_is_a_must_to_ignore_and_a_should_to_unset() {
    // RFC 9051 §2.3.2: "$Junk and $NotJunk are mutually exclusive. If more than one of
    // these is set for a message, the client MUST treat it as if none are set, and it
    // SHOULD unset both of them on the IMAP server."
    let text = prose(Kind::Flag, "$NotJunk");
    assert!(
        text.contains("a client must treat the message as if neither were set"),
        "{text}"
    );
    assert!(
        text.contains("should remove both from the server"),
        "{text}"
    );
}

#[test]
fn search_says_which_rfc_makes_case_insensitivity_a_rule_and_which_a_should() {
    // RFC 3501 §6.4.4: "The matching is case-insensitive."; RFC 9051 §6.4.4: "The
    // matching SHOULD be case insensitive for characters within the ASCII range", and
    // BODY and TEXT may match flexibly. The SEARCH entry said "case-insensitively at least
    // for ASCII", mixing the two.
    let text = prose(Kind::Command, "SEARCH");
    assert!(
        !text.contains("case-insensitively at least for ascii"),
        "{text}"
    );
    assert!(
        text.contains("rfc 3501 makes the match case-insensitive"),
        "{text}"
    );
    assert!(text.contains("only for ascii (a should)"), "{text}");
}

#[test]
fn subscribe_may_check_the_mailbox_and_dovecot_does() {
    // RFC 9051 §6.3.7: "A server MAY validate the mailbox argument to SUBSCRIBE to verify
    // that it exists. However, it SHOULD NOT unilaterally remove an existing mailbox name
    // from the subscription list" (RFC 3501 §6.3.6: MUST NOT); OK also "if the mailbox is
    // already subscribed" (RFC 9051 only). tests/data/dovecot/battery.txt: `m25
    // SUBSCRIBE Nonexistent` gets `NO Mailbox doesn't exist: Nonexistent`.
    let text = prose(Kind::Command, "SUBSCRIBE");
    assert!(
        text.contains("a server may check that the mailbox exists, and dovecot 2.3 does"),
        "{text}"
    );
    assert!(
        text.contains("must not (rfc 3501) or should not (rfc 9051)"),
        "{text}"
    );
    assert!(text.contains("ok for a name already subscribed"), "{text}");
}

#[test]
fn storing_recent_or_an_invented_system_flag_is_not_answered_with_flags() {
    // RFC 3501 §9 and RFC 9051 §9: `flag` "Does not include \Recent", and
    // `flag-extension = "\" atom` is "Future expansion"; RFC 3501 §2.3.2: \Recent "can not
    // be altered by the client". tests/data/dovecot/battery.txt: `w12 STORE 2 +FLAGS
    // (\Recent)` and `w13 STORE 2 +FLAGS (\Bogus)` get `BAD Error in IMAP command STORE:
    // Invalid system flag \RECENT` / `\BOGUS`. The explainer only said "the server answers
    // with each message's new FLAGS".
    let out = selected(&[
        "C: w12 STORE 2 +FLAGS (\\Recent)",
        "S: w12 BAD Error in IMAP command STORE: Invalid system flag \\RECENT",
        "C: w13 STORE 2 +FLAGS (\\Bogus $Work \\Seen)",
        "S: w13 BAD Error in IMAP command STORE: Invalid system flag \\BOGUS",
    ]);
    let recent = shown(line(&out, "w12 STORE"));
    assert!(
        recent.contains("\\Recent is not a flag a STORE may name"),
        "{recent}"
    );
    // One note, for \Bogus only: $Work is a keyword and \Seen a system flag.
    let bogus = line(&out, "w13 STORE");
    let notes: Vec<&String> = bogus
        .details
        .iter()
        .filter(|d| d.contains("system flags"))
        .collect();
    assert_eq!(notes.len(), 1, "{:?}", bogus.details);
    assert!(
        notes[0].starts_with("\\Bogus is none of the five system flags"),
        "{notes:?}"
    );
}

#[test]
fn implicit_tls_cites_the_section_that_recommends_it() {
    // The entry says "RFC 8314 recommends this over STARTTLS"; that recommendation is in
    // RFC 8314 §3 ("this specification now recommends the use of Implicit TLS for POP,
    // IMAP, ..."), while §3.2, the only section cited, says how port 993 starts TLS.
    let e = knowledge::lookup(Kind::Concept, "implicit-tls").unwrap();
    assert!(e.rfc.iter().any(|r| r == "RFC 8314 §3"), "{:?}", e.rfc);
    assert!(prose(Kind::Concept, "implicit-tls").contains("rfc 8314 recommends this"));
}

// ---- the second half of search_keys.yaml, and the phrases, read against their sections ----

#[test]
fn select_condstore_says_the_answer_may_be_nomodseq() {
    // RFC 7162 §3.1.2: after a CONDSTORE enabling command, SELECT answers HIGHESTMODSEQ
    // if the mailbox keeps mod-sequences, and NOMODSEQ instead if it does not (both
    // MUSTs); §3.1.8: the parameter makes every later unsolicited FETCH carry MODSEQ. The
    // phrase promised [HIGHESTMODSEQ n] always, and "mod-sequences for this mailbox".
    let out = session(&[
        "C: a1 LOGIN fred secret",
        "S: a1 OK Logged in",
        "C: a2 SELECT INBOX (CONDSTORE)",
        "S: * 3 EXISTS",
        "S: * OK [HIGHESTMODSEQ 715194045007] Highest",
        "S: a2 OK [READ-WRITE] Select completed",
    ]);
    let select = shown(line(&out, "a2 SELECT"));
    assert!(select.contains("[NOMODSEQ]"), "{select}");
    assert!(
        select.contains("MODSEQ in every unsolicited FETCH"),
        "{select}"
    );
    assert!(
        !select.contains("mod-sequences for this mailbox"),
        "{select}"
    );
}

#[test]
fn charset_refusal_is_a_no_that_should_carry_badcharset() {
    // RFC 3501 and RFC 9051 §6.4.4: an unsupported CHARSET MUST get a tagged NO (not a
    // BAD), which SHOULD contain BADCHARSET. The entry said it "gets NO [BADCHARSET]".
    let charset = prose(Kind::SearchKey, "CHARSET");
    assert!(
        !charset.contains("unknown charset gets no [badcharset]"),
        "{charset}"
    );
    assert!(
        charset.contains("a tagged no (not a bad), which should carry [badcharset]"),
        "{charset}"
    );
}

#[test]
fn string_keys_say_case_insensitivity_is_a_should_in_rfc_9051() {
    // RFC 3501 §6.4.4: "The matching is case-insensitive"; RFC 9051 §6.4.4: "The matching
    // SHOULD be case insensitive for characters within the ASCII range". BCC, CC, FROM,
    // SUBJECT and TO said "case-insensitive" with no word of the difference (BODY and
    // TEXT say it).
    for key in ["BCC", "CC", "FROM", "SUBJECT", "TO"] {
        let text = prose(Kind::SearchKey, key);
        assert!(
            text.contains("case-insensitive in rfc 3501, for ascii letters a should in rfc 9051"),
            "{key}: {text}"
        );
    }
}

#[test]
fn unseen_key_says_the_select_code_is_imap4rev1s() {
    // RFC 9051 Appendix E, item 11: "UNSEEN response code on SELECT/EXAMINE is now
    // deprecated". The entry pointed learners at [UNSEEN n] as if every server sent it.
    let unseen = prose(Kind::SearchKey, "UNSEEN");
    assert!(unseen.contains("[unseen n]"), "{unseen}");
    assert!(
        unseen.contains("imap4rev1's [unseen n] code of select (deprecated in imap4rev2)"),
        "{unseen}"
    );
}

#[test]
fn x_gm_raw_does_not_sell_dovecots_bad_as_every_servers() {
    // RFC 9051 §6.4.4 lets a server refuse criteria it cannot search with NO, or invalid
    // arguments with BAD; "others answer BAD" was Dovecot 2.3.19's answer, said of every
    // server (the phrase command.search.gmail already says it right).
    let raw = prose(Kind::SearchKey, "X-GM-RAW");
    assert!(!raw.contains("others answer bad"), "{raw}");
    assert!(raw.contains("no or bad"), "{raw}");
    assert!(raw.contains("dovecot 2.3.19 answers bad"), "{raw}");
}
