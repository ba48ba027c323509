//! The knowledge base's entries read whole against the sections they cite, after the
//! issue 12 audit's list was done (`teaching_accuracy.rs` holds that list): each test is
//! one sentence that said more, or less, than its RFC, and what the RFC says instead.

use imap_tutor::knowledge::{self, Kind};

/// All the prose of an entry, in one lower-case string, whitespace folded.
fn prose(kind: Kind, name: &str) -> String {
    let e = knowledge::lookup(kind, name).unwrap_or_else(|| panic!("no {} {name}", kind.label()));
    let text = format!("{} {} {}", e.summary, e.details, e.mistakes.join(" "));
    text.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

#[test]
fn marked_and_unmarked_are_left_out_by_a_should_not() {
    // RFC 3501 §7.2.2, RFC 9051 §7.3.1: if it is not feasible to tell, "the server
    // SHOULD NOT send either \Marked or \Unmarked"; and it MAY send none of them anyway.
    let text = prose(Kind::ListAttribute, "\\Marked");
    assert!(!text.contains("cannot tell send neither"), "{text}");
    assert!(text.contains("should send neither"), "{text}");
}

#[test]
fn haschildren_is_true_when_sent_and_not_sent_for_children_out_of_reach() {
    // RFC 9051 §6.3.9.5: the attribute "must be correct at the time of processing"; a
    // server "SHOULD NOT set this attribute if ... the user does not have permission to
    // access any of them"; a LIST may still show no child, deleted or made inaccessible
    // by another client meanwhile.
    let text = prose(Kind::ListAttribute, "\\HasChildren");
    assert!(!text.contains("or you may lack access to them"), "{text}");
    assert!(text.contains("correct when the server answers"), "{text}");
    assert!(text.contains("should not send it"), "{text}");
    let e = knowledge::lookup(Kind::ListAttribute, "\\HasChildren").unwrap();
    assert!(
        e.rfc.iter().any(|r| r == "RFC 9051 §6.3.9.5"),
        "{:?}",
        e.rfc
    );
}

#[test]
fn storing_recent_is_refused_by_dovecot_the_rfc_says_only_it_cannot_be_altered() {
    // RFC 3501 §2.3.2: "This flag can not be altered by the client." How a server says
    // no is its own: Dovecot 2.3.19 answers `BAD Error in IMAP command STORE: Invalid
    // system flag \RECENT` (asked on 2026-12-06).
    let text = prose(Kind::Flag, "\\Recent");
    assert!(!text.contains("the server refuses, it is"), "{text}");
    assert!(text.contains("dovecot answers bad"), "{text}");
}

#[test]
fn preview_length_is_a_should_of_200_and_a_must_not_over_256() {
    // RFC 8970 §3.3: the server "SHOULD limit the length of the preview text to 200
    // preview characters" and "MUST NOT output preview text longer than 256"; a preview
    // character is a UCS character, several octets in UTF-8.
    let text = prose(Kind::FetchItem, "PREVIEW");
    assert!(!text.contains("at most about 200"), "{text}");
    assert!(text.contains("never over 256"), "{text}");
    assert!(text.contains("not bytes"), "{text}");
}

#[test]
fn expunge_is_also_never_sent_while_answering_fetch_store_or_search() {
    // RFC 9051 §7.5.1 (RFC 3501 §7.4.1): "An EXPUNGE response MUST NOT be sent when no
    // command is in progress, nor while responding to a FETCH, STORE, or SEARCH command";
    // "An EXPUNGE response MAY be sent during a UID command."
    let text = prose(Kind::Response, "EXPUNGE");
    assert!(
        !text.contains("so numbers stay stable in between"),
        "{text}"
    );
    assert!(
        text.contains("never while answering fetch, store or search"),
        "{text}"
    );
    assert!(text.contains("their uid forms may get one"), "{text}");
}

#[test]
fn preauth_says_what_rfc_9051_requires_of_server_and_client() {
    // RFC 9051 §7.1.4: PREAUTH "effectively prevents the client from using the STARTTLS
    // command"; it "SHOULD only be returned by servers on connections that are protected
    // by TLS ... Clients that require mandatory TLS MUST close the connection after
    // receiving the PREAUTH response on a non-protected port." No attacker is named.
    let text = prose(Kind::Response, "PREAUTH");
    assert!(!text.contains("warns clients to be careful"), "{text}");
    assert!(
        text.contains("a server should send preauth only on a connection protected by tls"),
        "{text}"
    );
    assert!(text.contains("must close the connection"), "{text}");
}

#[test]
fn enabled_is_left_out_by_dovecot_when_nothing_was_enabled() {
    // RFC 5161 §3.1: a successful ENABLE "MUST send an untagged ENABLED response"; §3.2:
    // it "may contain no capabilities". Dovecot 2.3.19 sends none for ENABLE UIDONLY
    // (battery vendor-items, y4, identical in the mock).
    let text = prose(Kind::Response, "ENABLED");
    assert!(text.contains("dovecot 2.3 leaves the line out"), "{text}");
}

#[test]
fn modseq_matches_equal_or_greater_not_only_after() {
    // RFC 7162 §3.1.5: "Messages that have modification values that are equal to or
    // greater than <mod-sequence-valzer>"; the mock (and Dovecot) match `>=`.
    let text = prose(Kind::SearchKey, "MODSEQ");
    assert!(!text.contains("changed after the given"), "{text}");
    assert!(text.contains("equal to or greater than"), "{text}");
}

// ---- response codes and capabilities, read against their sections ----------------------

#[test]
fn capability_code_is_void_after_starttls_not_simply_the_newest() {
    // RFC 9051 §7.1: the code saves a CAPABILITY command "if ... there was no change to
    // the TLS and/or authentication state since it was received"; §6.2.1: "Once TLS has
    // been started, the client MUST discard cached information about server capabilities
    // and SHOULD reissue the CAPABILITY command."
    let text = prose(Kind::ResponseCode, "CAPABILITY");
    assert!(
        !text.contains("use the newest list you have seen"),
        "{text}"
    );
    assert!(
        text.contains("after starttls the client must discard"),
        "{text}"
    );
}

#[test]
fn uidnext_rules_hold_only_while_uidvalidity_stays_the_same() {
    // RFC 9051 §2.3.1.1: "Unless the unique identifier validity also changes ..., the next
    // unique identifier value MUST NOT change unless new messages are added ... and ...
    // MUST change whenever new messages are added ..., even if those new messages are
    // subsequently expunged."
    let text = prose(Kind::ResponseCode, "UIDNEXT");
    assert!(!text.contains("it only grows"), "{text}");
    assert!(
        text.contains("as long as uidvalidity stays the same"),
        "{text}"
    );
    assert!(text.contains("even if it is expunged again"), "{text}");
}

#[test]
fn read_only_and_read_write_also_come_when_access_changes_while_selected() {
    // RFC 9051 §7.1 (RFC 3501 §7.1 alike): READ-ONLY "The mailbox is selected as
    // read-only, or its access while selected has changed from read-write to read-only";
    // READ-WRITE the other way round.
    let ro = prose(Kind::ResponseCode, "READ-ONLY");
    assert!(
        ro.contains("access changes from read-write to read-only"),
        "{ro}"
    );
    let rw = prose(Kind::ResponseCode, "READ-WRITE");
    assert!(
        rw.contains("access changes from read-only to read-write"),
        "{rw}"
    );
}

#[test]
fn imap4rev2_changes_are_cited_from_appendix_e_not_a() {
    // RFC 9051 Appendix E "Changes from RFC 3501 / IMAP4rev1" lists what was folded in,
    // removed (item 17, CHECK) and deprecated; Appendix A is about backward compatibility.
    let e = knowledge::lookup(Kind::Capability, "IMAP4rev2").unwrap();
    assert!(e.rfc.iter().any(|r| r == "RFC 9051 §E"), "{:?}", e.rfc);
    assert!(!e.rfc.iter().any(|r| r == "RFC 9051 §A"), "{:?}", e.rfc);
}

#[test]
fn starttls_is_not_followed_by_a_capability_list_the_client_asks_again() {
    // RFC 9051 §6.2.1: "the client MUST discard cached information about server
    // capabilities and SHOULD reissue the CAPABILITY command"; the example shows a003
    // CAPABILITY after the handshake. Dovecot 2.3.19 on its TLS port lists no STARTTLS,
    // nor after login (asked on 2026-12-06).
    let text = prose(Kind::Capability, "STARTTLS");
    assert!(!text.contains("capability list is sent again"), "{text}");
    assert!(text.contains("sends no new list by itself"), "{text}");
    assert!(text.contains("should send capability again"), "{text}");
}

#[test]
fn condstore_is_turned_on_by_every_enabling_command() {
    // RFC 7162 §3.1: the "CONDSTORE enabling commands" are SELECT/EXAMINE with CONDSTORE,
    // STATUS (HIGHESTMODSEQ), FETCH or SEARCH with MODSEQ, FETCH with CHANGEDSINCE, STORE
    // with UNCHANGEDSINCE, and ENABLE CONDSTORE.
    let text = prose(Kind::Capability, "CONDSTORE");
    assert!(text.contains("status (highestmodseq)"), "{text}");
    assert!(text.contains("select or examine ... (condstore)"), "{text}");
    assert!(text.contains("or store ... (unchangedsince n)."), "{text}");
}

#[test]
fn move_each_message_moved_or_untouched_is_a_should_not_lost_is_a_must() {
    // RFC 6851 §3.3: "each individual message SHOULD either be moved or unaffected. The
    // server MUST leave each message in a state where it is in at least one of the source
    // or target mailboxes".
    let text = prose(Kind::Capability, "MOVE");
    assert!(
        !text.contains("each message is moved or left as it was,"),
        "{text}"
    );
    assert!(text.contains("(a should)"), "{text}");
    assert!(text.contains("at least one of the two mailboxes"), "{text}");
}

// ---- fetch items, flags, status items, list attributes and concepts --------------------

#[test]
fn binary_of_leaf_parts_only_is_rev2s_rule_and_dovecot_answers_binary_of_a_multipart() {
    // RFC 9051 §6.4.5: BINARY "can only be requested for leaf body parts: those that have
    // media types other than multipart/*, message/rfc822, or message/global"; RFC 3516
    // §4.2 sets no such limit. Dovecot 2.3.19 answers FETCH 1 (BINARY.PEEK[]) of a
    // multipart message (battery binary, b16, identical in the mock).
    let text = prose(Kind::FetchItem, "BINARY[]");
    assert!(!text.contains("only leaf parts can be fetched"), "{text}");
    assert!(
        text.contains("rfc 9051 §6.4.5 allows it only for leaf parts"),
        "{text}"
    );
    assert!(text.contains("rfc 3516 has no such rule"), "{text}");
}

#[test]
fn deleted_goes_with_uid_expunge_only_when_named_and_with_close_only_read_write() {
    // RFC 9051 §6.4.9 (RFC 4315 §2.1): UID EXPUNGE "permanently removes all messages that
    // have both the \Deleted flag set and a UID that is included in the specified sequence
    // set"; §6.4.1: with CLOSE "No messages are
    // removed ... if the mailbox is selected by an EXAMINE command or is otherwise
    // selected as read-only."
    let text = prose(Kind::Flag, "\\Deleted");
    assert!(
        !text.contains("uid expunge or close removes every"),
        "{text}"
    );
    assert!(
        text.contains("close in a mailbox selected read-write"),
        "{text}"
    );
    assert!(
        text.contains("uid expunge removes those of them whose uids it names"),
        "{text}"
    );
}

#[test]
fn x_size_is_refused_by_servers_that_do_not_know_it_not_by_all_others() {
    // RFC 8438 §3 defines SIZE only; X-SIZE is Dovecot's (2.3.19 answers
    // `* STATUS INBOX (SIZE 2423 X-SIZE 2423)`, asked on 2026-12-06). What other servers
    // do is theirs: nothing makes every one of them answer BAD.
    let text = prose(Kind::StatusItem, "X-SIZE");
    assert!(!text.contains("other servers answer bad"), "{text}");
    assert!(
        text.contains("a server that does not know it answers bad"),
        "{text}"
    );
}

#[test]
fn flagged_mailbox_presents_messages_marked_important_likely_by_the_flag() {
    // RFC 9051 §7.3.1 (RFC 6154 §2): \Flagged "presents all messages marked in some way as
    // "important". When this special use is supported, it is likely to represent a
    // virtual mailbox collecting messages ... marked with the "\Flagged" message flag."
    let text = prose(Kind::ListAttribute, "\\Flagged");
    assert!(
        !text.contains("collects messages marked with the \\flagged flag"),
        "{text}"
    );
    assert!(text.contains("marked in some way as important"), "{text}");
    assert!(
        text.contains("most likely those with the \\flagged flag"),
        "{text}"
    );
}

#[test]
fn uidnext_concept_grows_only_while_uidvalidity_stays() {
    // RFC 9051 §2.3.1.1: "Unless the unique identifier validity also changes ..., the next
    // unique identifier value MUST NOT change unless new messages are added".
    let text = prose(Kind::Concept, "uidnext");
    assert!(!text.contains("it only increases"), "{text}");
    assert!(
        text.contains("as long as uidvalidity stays the same"),
        "{text}"
    );
}

#[test]
fn dovecot_timing_numbers_are_running_event_loop_wait_and_time_after_the_last_run() {
    // Dovecot 2.3 imap-client.c (client_cmd_append_timing_stats): " (%d.%03d + %d.%03d "
    // of the command's running time and of the event loop's wait while it ran, then
    // "+ %d.%03d " of the time since its last run only when that is not zero. Dovecot
    // 2.3.19 answered `b OK [READ-WRITE] Select completed (0.011 + 0.000 + 0.010 secs).`
    // (asked on 2026-12-06): the third number is not a matter of version.
    let text = prose(Kind::Concept, "timing-suffix");
    assert!(!text.contains("some versions add a third"), "{text}");
    assert!(
        !text.contains("for the disk, locks or the network"),
        "{text}"
    );
    assert!(text.contains("a third, when not zero"), "{text}");
}

#[test]
fn ignoring_unknown_response_codes_is_a_must_of_rev2_and_a_should_of_rev1() {
    // RFC 9051 §7.1: "Client implementations MUST ignore response codes that they do not
    // recognize"; RFC 3501 §7.1: "SHOULD ignore"; RFC 9051 Appendix E item 22: "(Changed
    // from a SHOULD to a MUST.)"
    let text = prose(Kind::Concept, "response-code");
    assert!(!text.contains("unknown codes must be ignored."), "{text}");
    assert!(
        text.contains("a must in rfc 9051, where rfc 3501 said should"),
        "{text}"
    );
}

#[test]
fn atom_excludes_the_opening_brace_and_system_flags_are_not_atoms() {
    // RFC 9051 §9: atom-specials = "(" / ")" / "{" / SP / CTL / list-wildcards /
    // quoted-specials / resp-specials ("]"): "}" is an ATOM-CHAR; flag-extension = "\"
    // atom, so \Seen is a backslash and an atom, not an atom.
    let text = prose(Kind::Concept, "atom");
    assert!(!text.contains("command names, flags and simple"), "{text}");
    assert!(!text.contains("braces"), "{text}");
    assert!(text.contains("the opening brace \"{\""), "{text}");
    assert!(
        text.contains("a system flag such as \\seen is a backslash followed by an atom"),
        "{text}"
    );
}

#[test]
fn pipelining_wait_is_a_client_must_and_dovecot_warns_only_while_an_expunger_runs() {
    // RFC 9051 §5.5: "if the client sends any command other than FETCH, STORE, or SEARCH,
    // it MUST wait for the completion result response before sending a command with
    // message sequence numbers"; "If the server detects a possible ambiguity, it MUST
    // execute commands to completion in the order given". Dovecot 2.3 (imap-client.c,
    // client_command_is_ambiguous) sends the CLIENTBUG line only when a command using
    // sequences finds one that breaks them still running; `d EXPUNGE` and `e FETCH 1
    // FLAGS` sent together got no such line (asked on 2026-12-06).
    let text = prose(Kind::Concept, "pipelining");
    assert!(
        !text.contains("should not be pipelined; dovecot then answers"),
        "{text}"
    );
    assert!(
        text.contains("the client must wait for the tagged reply"),
        "{text}"
    );
    assert!(
        text.contains("only when a command with message numbers arrives while"),
        "{text}"
    );
}

#[test]
fn unsolicited_expunge_is_not_allowed_in_the_answer_of_every_command() {
    // RFC 9051 §7.5.1: "An EXPUNGE response MUST NOT be sent when no command is in
    // progress, nor while responding to a FETCH, STORE, or SEARCH command"; "An EXPUNGE
    // response MAY be sent during a UID command."
    let text = prose(Kind::Concept, "unsolicited");
    assert!(
        !text.contains(
            "exists, expunge, fetch (flag changes) or recent lines to the answer of any command"
        ),
        "{text}"
    );
    assert!(
        text.contains("never while answering fetch, store or search"),
        "{text}"
    );
    assert!(
        text.contains("never when no command is in progress"),
        "{text}"
    );
}

#[test]
fn dovecot_refers_with_nologin_and_host_not_as_a_proxy() {
    // RFC 2221 §4.1: a server "MAY respond to a LOGIN or AUTHENTICATE command with a home
    // server referral", with NO or with OK (the second example). Dovecot 2.3.19, its
    // passdb answering `nologin host=imap2.example.org`, said `a NO [REFERRAL
    // imap://referred;AUTH=PLAIN@imap2.example.org/] Try this server instead.`; with
    // `host=` alone it logged the user in (asked on 2026-12-06).
    let text = prose(Kind::ResponseCode, "REFERRAL");
    assert!(
        !text.contains("when a proxy is configured to refer"),
        "{text}"
    );
    assert!(text.contains("the fields nologin and host"), "{text}");
    assert!(text.contains("try this server instead."), "{text}");
    assert!(
        text.contains("with ok when the login worked here"),
        "{text}"
    );
    let cap = prose(Kind::Capability, "LOGIN-REFERRALS");
    assert!(!cap.contains("set up as a proxy that refers"), "{cap}");
    assert!(
        cap.contains("not when dovecot proxies the connection"),
        "{cap}"
    );
}

#[test]
fn modified_utf7_keeps_only_printable_ascii_as_it_is() {
    // RFC 9051 §A.1 (RFC 3501 §5.1.3): "printable US-ASCII characters, except for "&",
    // represent themselves; that is, characters with octet values 0x20-0x25 and
    // 0x27-0x7e"; "All other characters (octet values 0x00-0x1f and 0x7f-0xff) are
    // represented in modified base64".
    let text = prose(Kind::Concept, "modified-utf7");
    assert!(!text.contains(". ascii characters stand"), "{text}");
    assert!(
        text.contains("printable ascii characters stand for themselves"),
        "{text}"
    );
    assert!(text.contains("ascii control characters too"), "{text}");
}

#[test]
fn myrights_needs_one_of_six_rights_not_none() {
    // RFC 4314 §4: "MYRIGHTS - any of the following rights is required to perform the
    // operation: "l", "r", "i", "k", "x", "a"" (the table's "Any" column, not "Non").
    let text = prose(Kind::Command, "GETACL");
    assert!(!text.contains("myrights needs none"), "{text}");
    assert!(
        text.contains("needs any one of l, r, i, k, x or a"),
        "{text}"
    );
}

#[test]
fn check_is_noop_for_a_server_without_housekeeping_not_for_most_servers() {
    // RFC 3501 §6.4.1: "If a server implementation has no such housekeeping
    // considerations, CHECK is equivalent to NOOP." How many servers that is, the RFC
    // does not say; the explainer should not count them.
    let p = knowledge::phrases::phrase("command.check").unwrap();
    assert!(!p.text.contains("most servers"), "{}", p.text);
    assert!(
        p.text
            .contains("for a server with none to do, CHECK is the same as NOOP"),
        "{}",
        p.text
    );
}

#[test]
fn expungeissued_says_someone_expunged_not_that_the_command_worked() {
    // RFC 5530 §3: "Someone else has issued an EXPUNGE for the same mailbox. The client
    // may want to issue NOOP soon." Nothing there says the command succeeded or that its
    // results are incomplete; the example's OK says it completed.
    let text = prose(Kind::ResponseCode, "EXPUNGEISSUED");
    assert!(!text.contains("the command worked, but"), "{text}");
    assert!(!text.contains("results may be incomplete"), "{text}");
    assert!(
        text.contains("says nothing about whether the command worked"),
        "{text}"
    );
}

#[test]
fn toobig_is_defined_by_the_4_gb_limit_and_may_serve_a_servers_own() {
    // RFC 4469 §4.2: "returned if the resulting message will exceed the 4-GB IMAP message
    // limit ... if the client specifies 3 URLs for 2-GB messages"; "The server may also
    // wish to return the TOOBIG response code if the resulting message exceeds a
    // server-specific message size limit."
    let text = prose(Kind::ResponseCode, "TOOBIG");
    assert!(text.contains("imap's 4-gb limit"), "{text}");
    assert!(text.contains("over its own size limit"), "{text}");
}

#[test]
fn notificationoverflow_stops_events_only_when_untagged() {
    // RFC 5465 §5.8: with an untagged "OK [NOTIFICATIONOVERFLOW]" the server behaves "as if
    // a NOTIFY NONE command had just been received"; §3.1: it "MAY refuse the command with
    // a tagged NO [NOTIFICATIONOVERFLOW]", which leaves the earlier NOTIFY in force.
    let e = knowledge::lookup(Kind::ResponseCode, "NOTIFICATIONOVERFLOW").unwrap();
    assert!(!e.summary.contains("it now sends none"), "{}", e.summary);
    assert!(
        e.summary
            .contains("untagged, the server stopped all events"),
        "{}",
        e.summary
    );
    assert!(e.summary.contains("tagged NO, it refused"), "{}", e.summary);
}

// ---- commands.yaml, read again ----------------------------------------------------------

#[test]
fn capability_after_starttls_is_asked_again_not_the_newest_kept() {
    // RFC 9051 §6.2.1: "Once TLS has been started, the client MUST discard cached
    // information about server capabilities and SHOULD reissue the CAPABILITY command."
    let text = prose(Kind::Command, "CAPABILITY");
    assert!(!text.contains("so use the newest one"), "{text}");
    assert!(
        text.contains("after starttls discard the old list and ask again"),
        "{text}"
    );
}

#[test]
fn nonexistent_and_alreadyexists_on_delete_and_rename_are_dovecots_codes() {
    // RFC 9051 §6.3.5: "It is an error to attempt to delete INBOX or a mailbox name that
    // does not exist"; §6.3.6: an error "to rename from a mailbox name that does not exist
    // or to a mailbox name that already exists": no response code is required. Dovecot
    // 2.3.19 answered `NO [NONEXISTENT] Mailbox doesn't exist: nosuch` to both and `NO
    // [ALREADYEXISTS] Target mailbox already exists` (asked on 2026-12-06).
    let delete = prose(Kind::Command, "DELETE");
    assert!(
        !delete.contains("the server answers no with [nonexistent]"),
        "{delete}"
    );
    assert!(
        delete.contains("dovecot's no carries [nonexistent]"),
        "{delete}"
    );
    let rename = prose(Kind::Command, "RENAME");
    assert!(
        !rename.contains("does not exist ([nonexistent])"),
        "{rename}"
    );
    assert!(rename.contains("the rfcs require no code"), "{rename}");
}

#[test]
fn check_command_is_noop_without_housekeeping_not_for_most_servers() {
    // RFC 3501 §6.4.1: "If a server implementation has no such housekeeping
    // considerations, CHECK is equivalent to NOOP."
    let text = prose(Kind::Command, "CHECK");
    assert!(!text.contains("most servers"), "{text}");
    assert!(
        text.contains("a server with no such housekeeping treats it like noop"),
        "{text}"
    );
}

// ---- phrases.yaml: server lines and response codes -------------------------------------

/// A template's text, whitespace folded, lower case.
fn template(key: &str) -> String {
    let p = knowledge::phrases::phrase(key).unwrap_or_else(|| panic!("no template {key}"));
    p.text
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

#[test]
fn alert_is_a_must_show_over_tls_and_a_should_ignore_without_in_rev2_a_must_show_in_rev1() {
    // RFC 9051 §7.1: ALERT content "received on a connection without TLS or SASL
    // security-layer confidentiality SHOULD be ignored by clients. If displayed, such
    // alerts MUST be clearly marked as potentially suspicious. ... Alerts received after
    // successful establishment of a TLS/SASL confidentiality layer MUST be presented to
    // the user." RFC 3501 §7.1: "a special alert that MUST be presented to the user".
    let text = template("code.alert");
    assert!(
        !text.contains("(on an unencrypted connection a client should ignore it)"),
        "{text}"
    );
    assert!(
        text.contains("must show it once tls or a sasl security layer protects"),
        "{text}"
    );
    assert!(text.contains("potentially suspicious"), "{text}");
    assert!(text.contains("imap4rev1: always must show it"), "{text}");
}

#[test]
fn timing_is_running_time_then_event_loop_wait_not_how_long_dovecot_took() {
    // Dovecot 2.3 imap-client.c (client_cmd_append_timing_stats), as the timing-suffix
    // concept says: the command's running time, the event loop's wait while it ran, and
    // a third figure when not zero; the sum is not "how long Dovecot took" to answer.
    let text = template("response.timing");
    assert!(!text.contains("is how long dovecot took"), "{text}");
    assert!(text.contains("event loop waited"), "{text}");
    assert!(text.contains("a third number, when not zero"), "{text}");
}

#[test]
fn notify_flag_change_elsewhere_needs_condstore_or_unseen_to_be_told() {
    // RFC 5465 §5.1: in another mailbox, with CONDSTORE/QRESYNC enabled the STATUS has
    // "at least HIGHESTMODSEQ and UIDVALIDITY"; "If CONDSTORE/QRESYNC is not enabled by
    // the client and the server chooses not to include the UNSEEN data item, the server
    // does not notify the client."
    let text = template("response.notify.status");
    assert!(
        !text.contains("an expunge or a flag change in a mailbox other than the selected one comes as an unsolicited status"),
        "{text}"
    );
    assert!(
        text.contains("a flag change comes only with condstore or qresync enabled"),
        "{text}"
    );
    assert!(text.contains("otherwise is not told at all"), "{text}");
}

#[test]
fn uidnext_code_promise_holds_only_while_uidvalidity_stays() {
    // RFC 9051 §2.3.1.1: "Unless the unique identifier validity also changes, the next
    // unique identifier value MUST have the following two characteristics."
    let text = template("code.uidnext");
    assert!(
        text.contains("as long as uidvalidity stays the same"),
        "{text}"
    );
}

#[test]
fn read_only_select_may_keep_per_user_state_only_examine_changes_nothing() {
    // RFC 9051 §6.3.2: "Read-only access through SELECT differs from the EXAMINE command
    // in that certain read-only mailboxes MAY permit the change of permanent state on a
    // per-user (as opposed to global) basis." §6.3.3 (EXAMINE): "no changes to the
    // permanent state of the mailbox, including per-user state, are permitted."
    let text = template("code.read-only");
    assert!(!text.contains("nothing can change, not even"), "{text}");
    assert!(
        text.contains("a read-only select may still keep per-user state"),
        "{text}"
    );
}

// ---- commands.yaml: FETCH to NOTIFY ------------------------------------------------------

#[test]
fn copyuid_is_owed_in_rev2_without_uidplus_with_two_exceptions() {
    // RFC 9051 §6.4.7: "On successful completion of a COPY, the server returns a COPYUID
    // response code"; it "MUST NOT send a COPYUID response code" for a mailbox the client
    // can COPY to "but not SELECT or EXAMINE", and "MAY omit" it for UIDNOTSTICKY. Both
    // RFCs: "If the COPY command is unsuccessful for any reason, server implementations
    // MUST restore the destination mailbox to its state before the COPY attempt".
    let text = prose(Kind::Command, "COPY");
    assert!(!text.contains("with uidplus the ok carries"), "{text}");
    assert!(text.contains("and in imap4rev2 always"), "{text}");
    assert!(
        text.contains("must not for a mailbox the client may copy into but not select"),
        "{text}"
    );
    assert!(text.contains("uidnotsticky"), "{text}");
    assert!(text.contains("a copy that fails copies nothing"), "{text}");
}

#[test]
fn move_copyuid_goes_before_the_expunges_required_by_rev2_advised_by_rfc_6851() {
    // RFC 9051 §6.4.8: "Servers are also REQUIRED to send the COPYUID response code in an
    // untagged OK before sending EXPUNGE or similar responses." RFC 6851 §4.3: "Servers
    // supporting UIDPLUS [RFC4315] SHOULD send COPYUID in response to a UID MOVE command",
    // and "are also advised to send the COPYUID response code in an untagged OK before
    // sending EXPUNGE or moved responses."
    let text = prose(Kind::Command, "MOVE");
    assert!(!text.contains("before the tagged ok."), "{text}");
    assert!(text.contains("before those expunges"), "{text}");
    assert!(
        text.contains("rfc 9051 §6.4.8 requires that place"),
        "{text}"
    );
    assert!(text.contains("rfc 6851 §4.3 only advises it"), "{text}");
}

#[test]
fn notify_set_status_reports_only_other_mailboxes_with_message_events() {
    // RFC 5465 §3.1: "If the NOTIFY command enables MessageNew, MessageExpunge,
    // AnnotationChange, or FlagChange notifications for a mailbox other than the
    // currently selected mailbox, and the client has specified the STATUS indicator
    // parameter, then the server MUST send a STATUS response for that mailbox before
    // NOTIFY's tagged OK."
    let text = prose(Kind::Command, "NOTIFY");
    assert!(!text.contains("for each mailbox named"), "{text}");
    assert!(
        text.contains("for each mailbox other than the selected one whose messagenew"),
        "{text}"
    );
}

#[test]
fn dovecot_id_answer_is_its_default_setting_not_usually() {
    // Dovecot 2.3's imap_id_send defaults to "name *", which answers ("name" "Dovecot")
    // (src/mock/config.rs says the same); the answer is a setting, not a likelihood.
    let text = prose(Kind::Command, "ID");
    assert!(!text.contains("usually answers"), "{text}");
    assert!(
        text.contains("with its default imap_id_send setting"),
        "{text}"
    );
}

#[test]
fn unscoped_metadata_entry_is_refused_with_bad_by_dovecot_not_by_rfc_5464() {
    // RFC 5464 §3.2: "Currently, only the prefixes "/private" or "/shared" are defined";
    // the BAD it requires is for invalid names: "Entry names MUST NOT contain asterisk
    // ("*") or percent ("%") characters and MUST NOT contain non-ASCII characters or
    // characters with octet values in the range 0x00 to 0x19. Invalid entry names result
    // in a BAD response". Dovecot 2.3.19 (imap-metadata.c) answers BAD "Entry name must
    // begin with /private or /shared" (battery admin.txt, m15 GETMETADATA INBOX /vendor/foo).
    let text = template("metadata.entry.unscoped");
    assert!(!text.contains("; a server answers bad"), "{text}");
    assert!(text.contains("dovecot answers bad"), "{text}");
}

#[test]
fn unchangedsince_failures_are_in_the_tagged_reply_ok_or_no() {
    // RFC 7162 §3.1.3: a message whose mod-sequence is "greater than the specified
    // UNCHANGEDSINCE value" is not changed; "the server MUST return in the tagged response
    // a MODIFIED response code", and an example "demonstrates that the MODIFIED response
    // code MAY also be returned in the tagged NO response".
    let text = template("command.store.unchanged-since");
    assert!(!text.contains("the ok's [modified"), "{text}");
    assert!(text.contains("whose mod-sequence is not above"), "{text}");
    assert!(
        text.contains("in the tagged reply, an ok, or a no"),
        "{text}"
    );
}

#[test]
fn sort_date_falls_back_to_internaldate_and_is_in_utc() {
    // RFC 5256 §2.2: the sent date is the Date: header's, "adjusted by time zone to
    // normalize to UTC"; "If the sent date cannot be determined (a Date: header is missing
    // or cannot be parsed), the INTERNALDATE for that message is used as the sent date."
    let text = prose(Kind::Command, "SORT");
    assert!(!text.contains("date is the date: field (arrival"), "{text}");
    assert!(
        text.contains("or internaldate when it is missing or cannot be parsed"),
        "{text}"
    );
}

#[test]
fn orderedsubject_is_by_base_subject_in_date_order_and_flat_references_prefers_references() {
    // RFC 5256 §3 (BASE.6.4.THREAD): ORDEREDSUBJECT: "The searched messages are sorted by
    // base subject and then by the sent date"; "The second message of a thread is the
    // child of the first message, and subsequent messages of the thread are siblings of
    // the second message ... there are no grandchildren". REFERENCES: In-Reply-To is used
    // only "If a message does not contain a References header line, or the References
    // header line does not contain any valid Message IDs".
    let text = prose(Kind::Command, "THREAD");
    assert!(!text.contains("groups by subject alone"), "{text}");
    assert!(
        text.contains("groups by base subject alone, in sent-date order"),
        "{text}"
    );
    assert!(text.contains("the parent of all the others"), "{text}");
    assert!(
        text.contains("in-reply-to only when there is no valid message id in references"),
        "{text}"
    );
}

#[test]
fn notify_set_status_template_names_only_other_mailboxes_with_message_events() {
    // RFC 5465 §3.1: "If the NOTIFY command enables MessageNew, MessageExpunge,
    // AnnotationChange, or FlagChange notifications for a mailbox other than the
    // currently selected mailbox, and the client has specified the STATUS indicator
    // parameter, then the server MUST send a STATUS response for that mailbox before
    // NOTIFY's tagged OK."
    let text = template("command.notify.set.status");
    assert!(!text.contains("for each mailbox named"), "{text}");
    assert!(
        text.contains("before its ok a status line for each mailbox other than the selected one"),
        "{text}"
    );
}

#[test]
fn references_threading_uses_in_reply_to_only_without_references() {
    // RFC 5256 §3 (REFERENCES): "If a message does not contain a References header line,
    // or the References header line does not contain any valid Message IDs, then use the
    // first (if any) valid Message ID found in the In-Reply-To header line as the only
    // reference (parent) for this message."
    let text = template("thread.algorithm.references");
    assert!(!text.contains("references and in-reply-to,"), "{text}");
    assert!(
        text.contains("in-reply-to only when references has no valid message id"),
        "{text}"
    );
}

#[test]
fn notify_new_without_expunge_is_a_bad_for_every_group_dovecot_checks_only_selected() {
    // RFC 5465 §5: "If one of MessageNew or MessageExpunge is specified, then both events
    // MUST be specified. Otherwise, the server MUST respond with the tagged BAD response",
    // and the same for FlagChange without both: no mailbox specifier is excepted. Dovecot
    // 2.3.19 refuses it only in the SELECTED group and takes `NOTIFY SET (PERSONAL
    // (MessageNew))` (battery notify.txt a10; src/mock/commands/notify.rs).
    let text = prose(Kind::Command, "NOTIFY");
    assert!(
        !text.contains("on the selected mailbox: the server answers bad"),
        "{text}"
    );
    assert!(text.contains("requires bad for any mailboxes"), "{text}");
    assert!(
        text.contains("dovecot 2.3.19 checks only the selected mailbox's group"),
        "{text}"
    );
}

#[test]
fn appenduid_is_owed_in_rev2_without_uidplus_with_two_exceptions() {
    // RFC 9051 §6.3.12: "On successful completion of an APPEND, the server returns an
    // APPENDUID response code (see Section 7.1), unless otherwise specified below": it
    // "MUST NOT send an APPENDUID response code" for a mailbox the client can APPEND to
    // "but not SELECT or EXAMINE", and "MAY omit" it for UIDNOTSTICKY.
    let text = prose(Kind::Command, "APPEND");
    assert!(!text.contains("with uidplus the ok carries"), "{text}");
    assert!(text.contains("and in imap4rev2 always"), "{text}");
    assert!(
        text.contains("must not for a mailbox the client may append to but not select"),
        "{text}"
    );
    assert!(text.contains("uidnotsticky"), "{text}");
}

#[test]
fn status_on_the_selected_mailbox_is_a_should_not_and_a_must_not_for_new_mail() {
    // RFC 3501 §6.3.10 and RFC 9051 §6.3.11: "the STATUS command SHOULD NOT be used on the
    // currently selected mailbox"; RFC 9051 §6.3.11 adds "However, servers MUST be able to
    // execute the STATUS command on the selected mailbox" and "The STATUS command MUST NOT
    // be used as a "check for new messages in the selected mailbox" operation".
    let text = prose(Kind::Command, "STATUS");
    assert!(
        !text.contains("for other mailboxes, not the selected one"),
        "{text}"
    );
    assert!(
        text.contains("should not be used on the selected one"),
        "{text}"
    );
    assert!(
        text.contains("servers must still answer it there"),
        "{text}"
    );
    assert!(
        text.contains("must not use it to check for new messages"),
        "{text}"
    );
}

#[test]
fn select_in_rev2_also_answers_a_list_line_dovecot_2_3_does_not() {
    // RFC 9051 §6.3.2: "REQUIRED untagged responses: FLAGS, EXISTS, LIST"; "The server
    // MUST return a LIST response with the mailbox name. The list of mailbox attributes
    // MUST be accurate." (Appendix E, item 10.) Dovecot 2.3.19 is an IMAP4rev1 server and
    // its SELECT answer has no LIST line (tests/snapshots/explain_strategos__*.snap).
    let text = prose(Kind::Command, "SELECT");
    assert!(
        text.contains("imap4rev2 also requires an untagged list line for the mailbox"),
        "{text}"
    );
    assert!(
        text.contains("dovecot 2.3, an imap4rev1 server, does not send"),
        "{text}"
    );
}

#[test]
fn delete_of_a_noselect_parent_is_an_error_and_haschildren_is_a_should() {
    // RFC 9051 §6.3.5: "It is an error to attempt to delete a name that has inferior
    // hierarchical names and also has the \Noselect mailbox name attribute"; a server
    // that does not permit deleting a name with inferiors "SHOULD disallow the DELETE
    // command by returning a tagged NO response. The NO response SHOULD include the
    // HASCHILDREN response code." RFC 3501 §6.3.4 has the same error, but no refusal: "It
    // is permitted to delete a name that has inferior hierarchical names and does not have
    // the \Noselect mailbox name attribute. In this case, all messages in that mailbox are
    // removed, and the name will acquire the \Noselect mailbox name attribute."
    let text = prose(Kind::Command, "DELETE");
    assert!(
        !text.contains("(no, with [haschildren] in imap4rev2)"),
        "{text}"
    );
    assert!(
        text.contains("rfc 3501 has the server delete only the messages"),
        "{text}"
    );
    assert!(
        text.contains("rfc 9051 also lets it refuse instead"),
        "{text}"
    );
    assert!(text.contains("which should carry [haschildren]"), "{text}");
    assert!(
        text.contains("deleting a name that has children and is already \\noselect"),
        "{text}"
    );
}

#[test]
fn gmail_search_keys_are_refused_with_no_or_bad_and_dovecot_says_bad() {
    // RFC 9051 §6.4.4, SEARCH's results: "NO - search error: can't search that [CHARSET]
    // or criteria", "BAD - command unknown or arguments invalid". Which one a key a
    // server does not know gets is its own; Dovecot 2.3.19 answers BAD
    // (tests/data/differential/vendor-items.txt).
    let text = template("command.search.gmail");
    assert!(
        !text.contains("servers without x-gm-ext-1 answer bad"),
        "{text}"
    );
    assert!(
        text.contains("allows no (criteria it can't search) or bad"),
        "{text}"
    );
    assert!(text.contains("dovecot 2.3.19 answers bad"), "{text}");
}

#[test]
fn an_unknown_quota_resource_is_not_necessarily_registered_after_rfc_9208() {
    // RFC 9208 §3.1.1: resource names "MUST be registered with IANA"; §9.2 creates the
    // registry. A name the tutor does not know may be registered since, or a server's
    // own that was never registered: the RFC's MUST does not make it so.
    let text = template("quota.limit.other");
    assert!(
        !text.contains("a resource registered after rfc 9208"),
        "{text}"
    );
    assert!(text.contains("must be registered with iana"), "{text}");
    assert!(text.contains("a server's own unregistered name"), "{text}");
}

#[test]
fn notify_none_withholding_a_store_s_own_fetch_is_dovecot_not_rfc_5465() {
    // RFC 5465 §3.1: "NOTIFY NONE specifies that the client is not interested in any kind
    // of event happening on the server"; §5: "The server SHOULD omit notifying the client
    // if the event is caused by this client." STORE's FETCH is the command's own response
    // (RFC 9051 §6.4.6, "Responses: untagged responses: FETCH"), which RFC 5465 does not
    // touch. Dovecot 2.3.19 withholds it (tests/data/differential/notify.txt, c17-c20).
    let text = prose(Kind::Command, "NOTIFY");
    assert!(
        !text.contains("the client hears nothing of the selected mailbox, not even the fetch"),
        "{text}"
    );
    assert!(text.contains("not of a command's own responses"), "{text}");
    assert!(
        text.contains("dovecot 2.3.19 withholds even the fetch answering the session's own store"),
        "{text}"
    );
    let none = template("command.notify.none");
    assert!(
        !none.contains("(dovecot keeps back even the answers"),
        "{none}"
    );
    assert!(none.contains("not of a command's own responses"), "{none}");
    assert!(
        none.contains("dovecot 2.3.19 keeps back even the fetch"),
        "{none}"
    );
}

#[test]
fn a_second_compress_is_bad_in_rfc_4978_and_no_compressionactive_in_dovecot() {
    // RFC 4978 §3, COMPRESS's results: "NO Compression is already active via another
    // layer." "BAD Command unknown, invalid or unknown argument, or COMPRESS already
    // active." Dovecot 2.3.19 (imap-zlib) answers a second COMPRESS "NO
    // [COMPRESSIONACTIVE] COMPRESSION=DEFLATE already enabled."
    let text = prose(Kind::Command, "COMPRESS");
    assert!(text.contains("is a bad in rfc 4978"), "{text}");
    assert!(
        text.contains("dovecot 2.3.19 answers it no [compressionactive]"),
        "{text}"
    );
}
