//! The command grammar, tested like transcripts: each case is one client line, as a
//! learner types it or an RFC prints it, and what the grammar must make of it.
//!
//! - one case per command and form, asserting the parsed [`CommandBody`];
//! - every command line of RFC 9051 §6's examples, which must parse without errors;
//! - the learner mistakes the front door must explain, asserting the diagnostic's code,
//!   column and the words a learner needs in its message and suggestion;
//! - the client lines that are not commands (DONE, SASL responses).

use imap_tutor::grammar::command::{parse_client_line, ClientExpectation, ClientLine, StoreMode};
use imap_tutor::grammar::core::{ImapString, StringForm};
use imap_tutor::grammar::extensions::catenate::{AppendData, AppendMessage, CatPart};
use imap_tutor::grammar::extensions::condstore::{FetchModifier, SelectParam};
use imap_tutor::grammar::extensions::esearch::ReturnOption;
use imap_tutor::grammar::extensions::list_extended::{ListReturnOption, ListSelectOption};
use imap_tutor::grammar::fetch::{FetchAttribute, FetchItems};
use imap_tutor::grammar::search::SearchKey;
use imap_tutor::grammar::section::{Section, SectionText};
use imap_tutor::grammar::sequence::{SeqNumber, SequenceSet};
use imap_tutor::grammar::status::StatusItem;
use imap_tutor::grammar::{parse_command, CommandBody, Diagnostic, ParsedCommand, Severity};
use imap_tutor::wire::LiteralKind;

/// `C: line` as a message: the line with its CRLF.
fn send(line: &str) -> ParsedCommand {
    parse_command(format!("{line}\r\n").as_bytes())
}

/// A valid line: parses to a command with no error or warning.
fn ok(line: &str) -> CommandBody {
    let parsed = send(line);
    let worrying: Vec<&Diagnostic> = parsed
        .diagnostics
        .iter()
        .filter(|d| d.severity != Severity::Note)
        .collect();
    assert!(worrying.is_empty(), "{line:?}: {worrying:#?}");
    parsed
        .command
        .unwrap_or_else(|| panic!("{line:?} did not parse: {:#?}", parsed.diagnostics))
        .body
}

/// The one diagnostic with `code` on `line`; fails if there is none or several.
fn diagnostic(line: &str, code: &str) -> (ParsedCommand, Diagnostic) {
    let parsed = send(line);
    let found: Vec<&Diagnostic> = parsed
        .diagnostics
        .iter()
        .filter(|d| d.code == code)
        .collect();
    assert_eq!(
        found.len(),
        1,
        "{line:?}: expected one {code}, got {:#?}",
        parsed.diagnostics
    );
    let d = found[0].clone();
    (parsed, d)
}

/// Asserts that `text` contains each of `words` (case-insensitive).
fn mentions(text: &str, words: &[&str]) {
    let lower = text.to_lowercase();
    for w in words {
        assert!(
            lower.contains(&w.to_lowercase()),
            "{text:?} should mention {w:?}"
        );
    }
}

fn set(text: &str) -> SequenceSet {
    imap_tutor::grammar::sequence::sequence_set(text.as_bytes())
        .expect("a sequence set")
        .1
}

macro_rules! case {
    ($line:expr, $pattern:pat => $check:expr) => {{
        match ok($line) {
            $pattern => $check,
            other => panic!("{:?} parsed as {other:?}", $line),
        }
    }};
}

// ---- any state (RFC 9051 §6.1) ------------------------------------------------------------

#[test]
fn capability_noop_logout() {
    case!("abcd CAPABILITY", CommandBody::Capability => ());
    case!("a002 NOOP", CommandBody::Noop => ());
    case!("A023 LOGOUT", CommandBody::Logout => ());
}

// ---- not authenticated (§6.2) -------------------------------------------------------------

#[test]
fn starttls() {
    case!("a002 STARTTLS", CommandBody::StartTls => ());
}

#[test]
fn authenticate_without_initial_response() {
    case!("A001 AUTHENTICATE GSSAPI", CommandBody::Authenticate { mechanism, initial_response } => {
        assert_eq!(mechanism, "GSSAPI");
        assert_eq!(initial_response, None);
    });
}

#[test]
fn authenticate_with_sasl_ir() {
    case!("a004 AUTHENTICATE PLAIN dGVzdAB0ZXN0AHRlc3Q=", CommandBody::Authenticate { mechanism, initial_response } => {
        assert_eq!(mechanism, "PLAIN");
        assert_eq!(initial_response.as_deref(), Some("dGVzdAB0ZXN0AHRlc3Q="));
    });
    // RFC 4959: "=" is an empty initial response, not an absent one.
    case!("A01 AUTHENTICATE EXTERNAL =", CommandBody::Authenticate { initial_response, .. } => {
        assert_eq!(initial_response.as_deref(), Some("="));
    });
}

#[test]
fn authenticate_with_broken_base64() {
    let (_, d) = diagnostic("a1 AUTHENTICATE PLAIN dGVzd!B0", "bad-argument");
    assert_eq!(d.column, 28);
    mentions(d.expected.as_deref().unwrap(), &["base64"]);
}

#[test]
fn login_atoms_quoted_and_literals() {
    case!("a001 LOGIN SMITH SESAME", CommandBody::Login { user, password } => {
        assert_eq!((user.text(), password.text()), ("SMITH".into(), "SESAME".into()));
    });
    case!("a1 LOGIN \"fred smith\" \"p\\\"w\\\\d\"", CommandBody::Login { user, password } => {
        assert_eq!(user.text(), "fred smith");
        assert_eq!(password.bytes, b"p\"w\\d");
        assert_eq!(password.form, StringForm::Quoted);
    });
    case!("a1 LOGIN {9}\r\nstrategos {4+}\r\npass", CommandBody::Login { user, password } => {
        assert_eq!((user.text(), password.text()), ("strategos".into(), "pass".into()));
        assert!(matches!(user.form, StringForm::Literal(h) if h.kind == LiteralKind::Synchronizing && h.size == 9));
        assert!(matches!(password.form, StringForm::Literal(h) if h.kind == LiteralKind::NonSynchronizing));
    });
}

// ---- authenticated (§6.3) -----------------------------------------------------------------

#[test]
fn enable() {
    case!("t2 ENABLE CONDSTORE X-GOOD-IDEA", CommandBody::Enable { capabilities } => {
        assert_eq!(capabilities, ["CONDSTORE", "X-GOOD-IDEA"]);
    });
}

#[test]
fn select_and_examine() {
    case!("A142 SELECT INBOX", CommandBody::Select { mailbox, parameters } => {
        assert!(mailbox.is_inbox());
        assert!(parameters.is_empty());
    });
    case!("A932 EXAMINE blurdybloop", CommandBody::Examine { mailbox, .. } => assert_eq!(mailbox.name, "blurdybloop"));
}

#[test]
fn select_with_condstore_and_qresync() {
    case!("a SELECT INBOX (CONDSTORE)", CommandBody::Select { parameters, .. } => assert_eq!(parameters, [SelectParam::Condstore]));
    case!(
        "A02 SELECT INBOX (QRESYNC (67890007 20050715194045000 41,43:211,214:541))",
        CommandBody::Select { parameters, .. } => {
            let [SelectParam::Qresync(q)] = &parameters[..] else { panic!("{parameters:?}") };
            assert_eq!((q.uidvalidity, q.modseq), (67890007, 20050715194045000));
            assert_eq!(q.known_uids.as_ref().map(|s| s.to_string()).as_deref(), Some("41,43:211,214:541"));
        }
    );
    case!("B01 examine inbox (condstore)", CommandBody::Examine { parameters, .. } => assert_eq!(parameters, [SelectParam::Condstore]));
}

#[test]
fn select_decodes_modified_utf7() {
    case!("a1 SELECT \"Entw&APw-rfe\"", CommandBody::Select { mailbox, .. } => assert_eq!(mailbox.name, "Entwürfe"));
}

#[test]
fn create_delete_rename_subscribe_unsubscribe() {
    case!("A004 CREATE owatagusiam/blurdybloop", CommandBody::Create { mailbox } => assert_eq!(mailbox.name, "owatagusiam/blurdybloop"));
    case!("A683 DELETE blurdybloop", CommandBody::Delete { mailbox } => assert_eq!(mailbox.name, "blurdybloop"));
    case!("A683 RENAME blurdybloop sarasoop", CommandBody::Rename { from, to } => {
        assert_eq!((from.name.as_str(), to.name.as_str()), ("blurdybloop", "sarasoop"));
    });
    case!("A002 SUBSCRIBE #news.comp.mail.mime", CommandBody::Subscribe { mailbox } => assert_eq!(mailbox.name, "#news.comp.mail.mime"));
    case!("A002 UNSUBSCRIBE \"Sent Items\"", CommandBody::Unsubscribe { mailbox } => assert_eq!(mailbox.name, "Sent Items"));
}

#[test]
fn create_with_special_use_parameters_is_noted() {
    let parsed = send("t2 CREATE MySpecial (USE (\\Drafts \\Sent))");
    assert!(
        matches!(&parsed.command.as_ref().unwrap().body, CommandBody::Create { mailbox } if mailbox.name == "MySpecial")
    );
    let d = &parsed.diagnostics[0];
    assert_eq!(
        (d.code, d.severity),
        ("parameters-not-modelled", Severity::Note)
    );
    mentions(&d.message, &["USE (\\Drafts \\Sent)"]);
}

#[test]
fn list_basic_with_wildcards() {
    case!("A682 LIST \"\" *", CommandBody::List { reference, patterns, selection, returns, .. } => {
        assert_eq!(reference.raw.bytes, b"");
        assert_eq!(patterns.len(), 1);
        assert_eq!(patterns[0].bytes, b"*");
        assert!(selection.is_empty() && returns.is_empty());
    });
    case!("A202 LIST ~/Mail/ %", CommandBody::List { reference, patterns, .. } => {
        assert_eq!(reference.name, "~/Mail/");
        assert_eq!(patterns[0].bytes, b"%");
    });
    // `]` is a list-char too.
    case!("a LIST \"\" foo]*", CommandBody::List { patterns, .. } => assert_eq!(patterns[0].bytes, b"foo]*"));
}

#[test]
fn list_extended_selection_patterns_and_return() {
    case!(
        "A02 LIST (SUBSCRIBED RECURSIVEMATCH) \"\" (% music/rock) RETURN (CHILDREN STATUS (MESSAGES UNSEEN))",
        CommandBody::List { selection, patterns, returns, extended, .. } => {
            assert_eq!(selection, [ListSelectOption::Subscribed, ListSelectOption::RecursiveMatch]);
            assert_eq!(patterns.iter().map(|p| p.text().into_owned()).collect::<Vec<_>>(), ["%", "music/rock"]);
            assert_eq!(returns, [
                ListReturnOption::Children,
                ListReturnOption::Status(vec![StatusItem::Messages, StatusItem::Unseen])
            ]);
            assert!(extended);
        }
    );
    // Empty options still make the command extended (RFC 5258 §3): its answer changes.
    case!("A03 LIST () \"\" \"%\" RETURN ()", CommandBody::List { selection, returns, extended, .. } => {
        assert!(selection.is_empty() && returns.is_empty() && extended);
    });
    case!("A04 LIST \"\" (INBOX)", CommandBody::List { extended, .. } => assert!(extended));
    case!("A05 LIST \"\" *", CommandBody::List { extended, .. } => assert!(!extended));
    case!("A06 LIST (special-use X-FOO) \"\" * RETURN (SPECIAL-USE X-BAR (1))", CommandBody::List { selection, returns, .. } => {
        assert_eq!(selection, [ListSelectOption::SpecialUse, ListSelectOption::Other("X-FOO".into())]);
        assert_eq!(returns, [ListReturnOption::SpecialUse, ListReturnOption::Other("X-BAR (1)".into())]);
    });
}

#[test]
fn list_recursivematch_needs_a_base_option() {
    let (parsed, d) = diagnostic("a LIST (REMOTE RECURSIVEMATCH) \"\" *", "bad-argument");
    assert!(parsed.command.is_none());
    mentions(
        d.expected.as_deref().unwrap(),
        &["SUBSCRIBED", "RECURSIVEMATCH"],
    );
}

#[test]
fn lsub_is_parsed_and_noted_as_imap4rev1() {
    let parsed = send("A002 LSUB \"#news.\" \"comp.mail.*\"");
    match &parsed.command.as_ref().expect("LSUB parses").body {
        CommandBody::Lsub { reference, pattern } => {
            assert_eq!(reference.name, "#news.");
            assert_eq!(pattern.text(), "comp.mail.*");
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(parsed.diagnostics[0].code, "imap4rev1-only");
    assert_eq!(parsed.diagnostics[0].severity, Severity::Note);
}

#[test]
fn namespace() {
    case!("A001 NAMESPACE", CommandBody::Namespace => ());
}

#[test]
fn status() {
    case!("A042 STATUS blurdybloop (UIDNEXT MESSAGES)", CommandBody::Status { mailbox, items } => {
        assert_eq!(mailbox.name, "blurdybloop");
        assert_eq!(items, ["UIDNEXT", "MESSAGES"]);
    });
    case!("a status INBOX (size highestmodseq deleted)", CommandBody::Status { items, .. } => {
        assert_eq!(items, ["SIZE", "HIGHESTMODSEQ", "DELETED"]);
    });
}

/// The one message of an APPEND without MULTIAPPEND, and its literal.
fn only(messages: &[AppendMessage]) -> (&AppendMessage, &ImapString) {
    assert_eq!(messages.len(), 1);
    match &messages[0].data {
        AppendData::Literal(l) => (&messages[0], l),
        other => panic!("not a literal: {other:?}"),
    }
}

#[test]
fn append_with_flags_date_and_every_literal_kind() {
    case!("A003 APPEND saved-messages (\\Seen) {5}\r\nHello", CommandBody::Append { mailbox, messages } => {
        let (m, message) = only(&messages);
        assert_eq!(mailbox.name, "saved-messages");
        assert_eq!(m.flags.len(), 1);
        assert!(m.flags[0].is("\\seen"));
        assert_eq!(m.date, None);
        assert_eq!(message.bytes, b"Hello");
    });
    case!(
        "a APPEND INBOX (\\Seen $Forwarded) \"07-Feb-1994 21:52:25 -0800\" {7+}\r\nHi\r\nyou",
        CommandBody::Append { messages, .. } => {
            let (m, message) = only(&messages);
            assert_eq!(m.flags.len(), 2);
            assert_eq!(m.date.as_deref(), Some("07-Feb-1994 21:52:25 -0800"));
            assert_eq!(message.bytes, b"Hi\r\nyou");
        }
    );
    case!("a APPEND Drafts ~{3}\r\na\0b", CommandBody::Append { messages, .. } => {
        let (m, message) = only(&messages);
        assert!(m.flags.is_empty());
        assert_eq!(message.bytes, b"a\0b");
        assert!(matches!(message.form, StringForm::Literal(h) if h.kind == LiteralKind::Binary));
    });
}

#[test]
fn multiappend_and_catenate() {
    // RFC 3502 §6.3.11: each message with its own flags and date.
    case!(
        "a APPEND INBOX (\\Seen) {1}\r\nx \"01-Jan-2020 00:00:00 +0000\" {1+}\r\ny ~{1}\r\nz",
        CommandBody::Append { messages, .. } => {
            assert_eq!(messages.len(), 3);
            assert_eq!(messages[0].flags.len(), 1);
            assert!(messages[1].flags.is_empty());
            assert!(messages[1].date.is_some());
            assert_eq!(messages[2].literals()[0].bytes, b"z");
        }
    );
    // RFC 4469 §5: TEXT literals and URLs, and a CATENATE after a plain message.
    case!(
        "a APPEND INBOX {1}\r\nx (\\Draft) CATENATE (URL \"/INBOX/;UID=1\" TEXT {2}\r\nhi url /INBOX/;UID=2/;PARTIAL=0.4)",
        CommandBody::Append { messages, .. } => {
            assert_eq!(messages.len(), 2);
            let AppendData::Catenate(parts) = &messages[1].data else { panic!() };
            assert_eq!(parts.len(), 3);
            assert!(matches!(&parts[0], CatPart::Url(u) if u.text() == "/INBOX/;UID=1"));
            assert!(matches!(&parts[1], CatPart::Text(t) if t.bytes == b"hi"));
            assert!(matches!(&parts[2], CatPart::Url(u) if u.text().ends_with("PARTIAL=0.4")));
        }
    );
    let (_, d) = diagnostic("a APPEND INBOX CATENATE ()", "bad-argument");
    mentions(d.expected.as_deref().unwrap(), &["TEXT", "URL"]);
    let (_, d) = diagnostic("a APPEND INBOX CATENATE (TEXT \"quoted\")", "bad-argument");
    mentions(d.expected.as_deref().unwrap(), &["literal"]);
}

#[test]
fn append_needs_a_literal() {
    let (parsed, d) = diagnostic("a APPEND INBOX \"Subject: hi\"", "bad-argument");
    assert!(parsed.command.is_none());
    assert_eq!(d.column, 16);
    mentions(d.expected.as_deref().unwrap(), &["literal"]);
}

#[test]
fn idle() {
    case!("A002 IDLE", CommandBody::Idle => ());
}

// ---- selected (§6.4) ----------------------------------------------------------------------

#[test]
fn check_close_unselect_expunge() {
    let parsed = send("FXXZ CHECK");
    assert_eq!(parsed.command.map(|c| c.body), Some(CommandBody::Check));
    case!("A341 CLOSE", CommandBody::Close => ());
    case!("A342 UNSELECT", CommandBody::Unselect => ());
    case!("A202 EXPUNGE", CommandBody::Expunge { uids: None } => ());
}

#[test]
fn uid_expunge() {
    case!("A003 UID EXPUNGE 3000:3002", CommandBody::Expunge { uids: Some(uids) } => assert_eq!(uids, set("3000:3002")));
}

#[test]
fn search_simple_keys() {
    case!("A284 SEARCH TEXT \"string not in mailbox\"", CommandBody::Search { uid, charset, returns, criteria } => {
        assert!(!uid);
        assert_eq!((charset, returns), (None, None));
        assert_eq!(criteria, [SearchKey::Text("string not in mailbox".into())]);
    });
}

#[test]
fn search_with_return_options_and_nested_keys() {
    case!(
        "A282 SEARCH RETURN (MIN COUNT) FLAGGED SINCE 1-Feb-1994 NOT FROM \"Smith\"",
        CommandBody::Search { returns, criteria, .. } => {
            assert_eq!(returns.unwrap(), [ReturnOption::Min, ReturnOption::Count]);
            assert_eq!(criteria, [
                SearchKey::Flagged,
                SearchKey::Since("1-Feb-1994".into()),
                SearchKey::Not(Box::new(SearchKey::From("Smith".into()))),
            ]);
        }
    );
    case!("A283 SEARCH RETURN () FLAGGED", CommandBody::Search { returns, .. } => assert_eq!(returns, Some(vec![])));
}

#[test]
fn search_with_charset_and_literal() {
    case!("A285 SEARCH CHARSET UTF-8 TEXT {12}\r\nотпуск", CommandBody::Search { charset, criteria, .. } => {
        assert_eq!(charset.as_deref(), Some("UTF-8"));
        assert_eq!(criteria, [SearchKey::Text("отпуск".into())]);
    });
}

#[test]
fn search_or_parentheses_sets_and_saved_result() {
    case!(
        "P283 SEARCH CHARSET UTF-8 (OR $ 1,3000:3021) TEXT {8+}\r\nмать",
        CommandBody::Search { criteria, .. } => {
            let SearchKey::And(inner) = &criteria[0] else { panic!("{criteria:?}") };
            assert_eq!(inner[0], SearchKey::Or(
                Box::new(SearchKey::SequenceSet(SequenceSet::Saved)),
                Box::new(SearchKey::SequenceSet(set("1,3000:3021"))),
            ));
            assert_eq!(criteria[1], SearchKey::Text("мать".into()));
        }
    );
}

#[test]
fn search_every_kind_of_key() {
    case!(
        "a SEARCH ALL ANSWERED DELETED DRAFT FLAGGED NEW OLD RECENT SEEN UNANSWERED UNDELETED UNDRAFT UNFLAGGED UNSEEN \
         KEYWORD $Forwarded UNKEYWORD $Junk BCC b BODY x CC c FROM f SUBJECT s TO t HEADER Message-ID \"<1@x>\" \
         BEFORE 1-Jan-2024 ON \"2-Feb-2024\" SINCE 6-Jun-2024 SENTBEFORE 3-Mar-2024 SENTON 4-Apr-2024 SENTSINCE 5-May-2024 \
         LARGER 100 SMALLER 200 UID 1:* 2,4:7 MODSEQ 620162338 NOT SEEN OR DRAFT (FLAGGED $)",
        CommandBody::Search { criteria, .. } => {
            use SearchKey::*;
            assert_eq!(criteria.len(), 36);
            assert_eq!(criteria[..14], [All, Answered, Deleted, Draft, Flagged, New, Old, Recent, Seen, Unanswered, Undeleted, Undraft, Unflagged, Unseen]);
            assert_eq!(criteria[14], Keyword(imap_tutor::grammar::core::Flag("$Forwarded".into())));
            assert_eq!(criteria[15], Unkeyword(imap_tutor::grammar::core::Flag("$Junk".into())));
            assert_eq!(criteria[16..22], [Bcc("b".into()), Body("x".into()), Cc("c".into()), From("f".into()), Subject("s".into()), To("t".into())]);
            assert_eq!(criteria[22], Header("Message-ID".into(), "<1@x>".into()));
            assert_eq!(criteria[23..29], [
                Before("1-Jan-2024".into()), On("2-Feb-2024".into()), Since("6-Jun-2024".into()),
                SentBefore("3-Mar-2024".into()), SentOn("4-Apr-2024".into()), SentSince("5-May-2024".into()),
            ]);
            assert_eq!(criteria[29..33], [Larger(100), Smaller(200), Uid(set("1:*")), SearchKey::SequenceSet(set("2,4:7"))]);
            assert_eq!(criteria[33], ModSeq(620162338));
            assert_eq!(criteria[34], Not(Box::new(Seen)));
            assert_eq!(criteria[35], Or(Box::new(Draft), Box::new(And(vec![Flagged, SearchKey::SequenceSet(imap_tutor::grammar::sequence::SequenceSet::Saved)]))));
        }
    );
}

#[test]
fn uid_search() {
    case!("A285 UID SEARCH RETURN (MIN MAX) 1:5000", CommandBody::Search { uid, returns, criteria, .. } => {
        assert!(uid);
        assert_eq!(returns.unwrap(), [ReturnOption::Min, ReturnOption::Max]);
        assert_eq!(criteria, [SearchKey::SequenceSet(set("1:5000"))]);
    });
}

#[test]
fn search_keyword_with_a_system_flag_warns() {
    let (parsed, d) = diagnostic("a SEARCH KEYWORD \\Seen", "keyword-is-system-flag");
    assert!(parsed.command.is_some());
    assert_eq!(d.severity, Severity::Warning);
    assert_eq!(d.suggestion.as_deref(), Some("SEEN"));
}

#[test]
fn fetch_macros() {
    case!("A003 FETCH 4 ALL", CommandBody::Fetch { items, .. } => assert_eq!(items, FetchItems::All));
    case!("a FETCH 1:* FAST", CommandBody::Fetch { items, set: s, .. } => {
        assert_eq!(items, FetchItems::Fast);
        assert_eq!(s, SequenceSet::Ranges(vec![(SeqNumber::Value(1), Some(SeqNumber::Last))]));
    });
    case!("a FETCH 2 full", CommandBody::Fetch { items, .. } => assert_eq!(items, FetchItems::Full));
}

#[test]
fn fetch_sections_and_lists() {
    case!("A654 FETCH 2:4 (FLAGS BODY[HEADER.FIELDS (DATE FROM)])", CommandBody::Fetch { items: FetchItems::Items(items), .. } => {
        assert_eq!(items[0], FetchAttribute::Flags);
        assert!(matches!(&items[1], FetchAttribute::BodySection { peek: false, section, partial: None }
            if section.text == SectionText::HeaderFields(vec!["DATE".into(), "FROM".into()])));
    });
    case!("A283 FETCH $ (UID INTERNALDATE FLAGS BODY.PEEK[HEADER])", CommandBody::Fetch { set: s, items: FetchItems::Items(items), .. } => {
        assert_eq!(s, SequenceSet::Saved);
        assert!(matches!(&items[3], FetchAttribute::BodySection { peek: true, .. }));
    });
    // Keywords are case-insensitive, so this is valid (with a note).
    let parsed = send("a1 fetch 3 body[]<0.100>");
    assert!(matches!(
        parsed.command.unwrap().body,
        CommandBody::Fetch { items: FetchItems::Items(ref i), .. } if matches!(i[0], FetchAttribute::BodySection { peek: false, partial: Some((0, 100)), .. })
    ));
}

#[test]
fn fetch_binary_modseq_and_extension_items() {
    case!(
        "a FETCH 1 (BINARY[1.2]<0.512> BINARY.PEEK[] BINARY.SIZE[1] MODSEQ RFC822.SIZE ENVELOPE BODYSTRUCTURE BODY X-GM-LABELS)",
        CommandBody::Fetch { items: FetchItems::Items(items), .. } => {
            let part = |p: &[u32]| Section { part: p.to_vec(), text: SectionText::Full };
            assert_eq!(items[0], FetchAttribute::Binary { peek: false, section: part(&[1, 2]), partial: Some((0, 512)) });
            assert_eq!(items[1], FetchAttribute::Binary { peek: true, section: part(&[]), partial: None });
            assert_eq!(items[2], FetchAttribute::BinarySize { section: part(&[1]) });
            assert_eq!(&items[3..8], [FetchAttribute::ModSeq, FetchAttribute::Rfc822Size, FetchAttribute::Envelope, FetchAttribute::BodyStructure, FetchAttribute::Body]);
            assert_eq!(items[8], FetchAttribute::Other("X-GM-LABELS".into()));
        }
    );
}

#[test]
fn fetch_changedsince_modifier() {
    case!("s100 UID FETCH 1:* (FLAGS) (CHANGEDSINCE 12345 VANISHED)", CommandBody::Fetch { uid, modifiers, .. } => {
        assert!(uid);
        assert_eq!(modifiers, [FetchModifier::ChangedSince(12345), FetchModifier::Vanished]);
    });
}

#[test]
fn uid_fetch() {
    case!("A999 UID FETCH 4827313:4828442 FLAGS", CommandBody::Fetch { uid, set: s, items, modifiers } => {
        assert!(uid);
        assert_eq!(s, set("4827313:4828442"));
        assert_eq!(items, FetchItems::Items(vec![FetchAttribute::Flags]));
        assert!(modifiers.is_empty());
    });
}

#[test]
fn store_modes_and_flag_forms() {
    case!("A003 STORE 2:4 +FLAGS (\\Deleted)", CommandBody::Store { uid, action, .. } => {
        assert!(!uid);
        assert_eq!((action.mode, action.silent, action.flags.len()), (StoreMode::Add, false, 1));
    });
    case!("F284 STORE $ +FLAGS.Silent (\\Deleted)", CommandBody::Store { set: s, action, .. } => {
        assert_eq!(s, SequenceSet::Saved);
        assert!(action.silent);
    });
    case!("a1 STORE 1 FLAGS \\Seen", CommandBody::Store { action, .. } => {
        assert_eq!(action.mode, StoreMode::Replace);
        assert!(action.flags[0].is("\\Seen"));
    });
    case!("a STORE 1 -flags \\Seen $Junk", CommandBody::Store { action, .. } => {
        assert_eq!((action.mode, action.flags.len()), (StoreMode::Remove, 2));
    });
    case!("a STORE 1 FLAGS ()", CommandBody::Store { action, .. } => assert!(action.flags.is_empty()));
}

#[test]
fn store_unchangedsince() {
    case!("d105 UID STORE 7,5,9 (UNCHANGEDSINCE 320162338) +FLAGS.SILENT (\\Deleted)", CommandBody::Store { uid, action, .. } => {
        assert!(uid);
        assert_eq!(action.unchanged_since, Some(320162338));
        assert_eq!(action.mode, StoreMode::Add);
    });
}

#[test]
fn store_rejects_the_permanentflags_wildcard() {
    let (_, d) = diagnostic("a STORE 1 +FLAGS (\\*)", "bad-argument");
    assert_eq!(d.column, 19);
    mentions(d.expected.as_deref().unwrap(), &["PERMANENTFLAGS"]);
}

#[test]
fn copy_and_uid_copy() {
    case!("A003 COPY 2:4 MEETING", CommandBody::Copy { uid, set: s, mailbox } => {
        assert!(!uid);
        assert_eq!(s, set("2:4"));
        assert_eq!(mailbox.name, "MEETING");
    });
    case!("A005 UID COPY 305:310 meeting", CommandBody::Copy { uid, .. } => assert!(uid));
    case!("E283 COPY $ \"Other Messages\"", CommandBody::Copy { mailbox, .. } => assert_eq!(mailbox.name, "Other Messages"));
}

#[test]
fn move_and_uid_move() {
    case!("a MOVE 1:3 Archive", CommandBody::Move { uid, mailbox, .. } => {
        assert!(!uid);
        assert_eq!(mailbox.name, "Archive");
    });
    case!("a UID MOVE 42:69 foo", CommandBody::Move { uid, set: s, .. } => {
        assert!(uid);
        assert_eq!(s, set("42:69"));
    });
}

// ---- extensions usable in any state -------------------------------------------------------

#[test]
fn id_with_parameters_and_nil() {
    case!(
        "a023 ID (\"name\" \"sodr\" \"version\" \"19.34\" \"vendor\" NIL)",
        CommandBody::Id { parameters: Some(p) } => {
            assert_eq!(p[0], ("name".into(), Some("sodr".into())));
            assert_eq!(p[2], ("vendor".into(), None));
        }
    );
    case!("a ID NIL", CommandBody::Id { parameters: None } => ());
}

#[test]
fn compress() {
    case!("a COMPRESS DEFLATE", CommandBody::Compress { mechanism } => assert_eq!(mechanism, "DEFLATE"));
    let (_, d) = diagnostic("a COMPRESS GZIP", "bad-argument");
    assert_eq!(d.column, 12);
    mentions(d.expected.as_deref().unwrap(), &["DEFLATE"]);
}

#[test]
fn state_is_left_to_the_explainer() {
    // FETCH before SELECT is a state error, not a grammar error: the line is valid, and
    // `valid_in` tells the explainer where it belongs.
    let parsed = send("a FETCH 1 FLAGS");
    assert!(parsed.diagnostics.is_empty());
    assert_eq!(
        parsed.command.unwrap().body.valid_in(),
        [imap_tutor::grammar::State::Selected]
    );
}

// ---- RFC 9051 §6: every example command line ------------------------------------------------

/// Every `C:` line of RFC 9051 §6 that is a command (section, line, command name). The
/// AUTHENTICATE responses and DONE are not commands: see `rfc9051_section6_client_lines`.
/// Literals are inline after `{n}` CRLF, as the framer delivers them.
const RFC9051_SECTION6: &[(&str, &str, &str)] = &[
    ("6.1.1", "abcd CAPABILITY", "CAPABILITY"),
    ("6.1.1", "efgh STARTTLS", "STARTTLS"),
    ("6.1.1", "ijkl CAPABILITY", "CAPABILITY"),
    ("6.1.2", "a002 NOOP", "NOOP"),
    ("6.1.2", "a047 NOOP", "NOOP"),
    ("6.1.3", "A023 LOGOUT", "LOGOUT"),
    ("6.2.1", "a001 CAPABILITY", "CAPABILITY"),
    ("6.2.1", "a002 STARTTLS", "STARTTLS"),
    ("6.2.1", "a003 CAPABILITY", "CAPABILITY"),
    ("6.2.1", "a004 AUTHENTICATE PLAIN dGVzdAB0ZXN0AHRlc3Q=", "AUTHENTICATE"),
    ("6.2.2", "A001 AUTHENTICATE GSSAPI", "AUTHENTICATE"),
    ("6.2.2", "A01 STARTTLS", "STARTTLS"),
    ("6.2.2", "A02 CAPABILITY", "CAPABILITY"),
    ("6.2.2", "A03 AUTHENTICATE PLAIN dGVzdAB0ZXN0AHRlc3Q=", "AUTHENTICATE"),
    ("6.2.2", "C01 CAPABILITY", "CAPABILITY"),
    ("6.2.2", "A01 AUTHENTICATE PLAIN", "AUTHENTICATE"),
    ("6.2.2", "A01 AUTHENTICATE EXTERNAL =", "AUTHENTICATE"),
    ("6.2.3", "a001 LOGIN SMITH SESAME", "LOGIN"),
    ("6.3.1", "t1 CAPABILITY", "CAPABILITY"),
    ("6.3.1", "t2 ENABLE CONDSTORE X-GOOD-IDEA", "ENABLE"),
    ("6.3.1", "t3 CAPABILITY", "CAPABILITY"),
    ("6.3.1", "a1 ENABLE CONDSTORE", "ENABLE"),
    ("6.3.2", "A142 SELECT INBOX", "SELECT"),
    ("6.3.2", "A143 SELECT Drafts", "SELECT"),
    ("6.3.3", "A932 EXAMINE blurdybloop", "EXAMINE"),
    ("6.3.4", "A003 CREATE owatagusiam/", "CREATE"),
    ("6.3.4", "A004 CREATE owatagusiam/blurdybloop", "CREATE"),
    ("6.3.4", "A005 CREATE NonNormalized", "CREATE"),
    ("6.3.5", "A682 LIST \"\" *", "LIST"),
    ("6.3.5", "A683 DELETE blurdybloop", "DELETE"),
    ("6.3.5", "A684 DELETE foo", "DELETE"),
    ("6.3.5", "A685 DELETE foo/bar", "DELETE"),
    ("6.3.5", "A686 LIST \"\" *", "LIST"),
    ("6.3.5", "A687 DELETE foo", "DELETE"),
    ("6.3.5", "A82 LIST \"\" *", "LIST"),
    ("6.3.5", "A83 DELETE blurdybloop", "DELETE"),
    ("6.3.5", "A84 DELETE foo", "DELETE"),
    ("6.3.5", "A85 LIST \"\" *", "LIST"),
    ("6.3.5", "A86 LIST \"\" %", "LIST"),
    ("6.3.6", "A683 RENAME blurdybloop sarasoop", "RENAME"),
    ("6.3.6", "A684 RENAME foo zowie", "RENAME"),
    ("6.3.6", "A685 LIST \"\" *", "LIST"),
    ("6.3.6", "Z432 LIST \"\" *", "LIST"),
    ("6.3.6", "Z433 RENAME INBOX old-mail", "RENAME"),
    ("6.3.6", "Z434 LIST \"\" *", "LIST"),
    ("6.3.6", "1001 RENAME X Y", "RENAME"),
    ("6.3.6", "1002 SUBSCRIBE Y", "SUBSCRIBE"),
    ("6.3.6", "1003 UNSUBSCRIBE X", "UNSUBSCRIBE"),
    ("6.3.7", "A002 SUBSCRIBE #news.comp.mail.mime", "SUBSCRIBE"),
    ("6.3.8", "A002 UNSUBSCRIBE #news.comp.mail.mime", "UNSUBSCRIBE"),
    ("6.3.9.8", "A101 LIST \"\" \"\"", "LIST"),
    ("6.3.9.8", "A102 LIST #news.comp.mail.misc \"\"", "LIST"),
    ("6.3.9.8", "A103 LIST /usr/staff/jones \"\"", "LIST"),
    ("6.3.9.8", "A202 LIST ~/Mail/ %", "LIST"),
    ("6.3.9.8", "A01 LIST \"\" \"*\"", "LIST"),
    ("6.3.9.8", "A02 LIST (SUBSCRIBED) \"\" \"*\"", "LIST"),
    ("6.3.9.8", "A03 LIST () \"\" \"%\" RETURN (CHILDREN)", "LIST"),
    ("6.3.9.8", "A04 LIST (REMOTE) \"\" \"%\" RETURN (CHILDREN)", "LIST"),
    ("6.3.9.8", "A05 LIST (REMOTE SUBSCRIBED) \"\" \"*\"", "LIST"),
    ("6.3.9.8", "A06 LIST (REMOTE) \"\" \"*\" RETURN (SUBSCRIBED)", "LIST"),
    ("6.3.9.8", "C01 LIST \"\" \"*\"", "LIST"),
    ("6.3.9.8", "CA3 LIST \"\" \"%\" RETURN (CHILDREN)", "LIST"),
    ("6.3.9.8", "C02 LIST (SUBSCRIBED) \"\" \"*\"", "LIST"),
    ("6.3.9.8", "C04 LIST (SUBSCRIBED RECURSIVEMATCH) \"\" \"%\"", "LIST"),
    ("6.3.9.8", "C04 LIST (SUBSCRIBED RECURSIVEMATCH) \"\" \"%\" RETURN (CHILDREN)", "LIST"),
    ("6.3.9.8", "D01 LIST \"\" \"*\"", "LIST"),
    ("6.3.9.8", "D02 LIST (SUBSCRIBED) \"\" \"*\"", "LIST"),
    ("6.3.9.8", "D03 LIST (RECURSIVEMATCH SUBSCRIBED) \"\" \"*2\"", "LIST"),
    ("6.3.9.8", "D03 LIST (RECURSIVEMATCH SUBSCRIBED) \"\" \"*\"", "LIST"),
    ("6.3.9.8", "a1 LIST \"\" (\"foo\")", "LIST"),
    ("6.3.9.8", "a2 LIST (SUBSCRIBED) \"\" \"foo/*\"", "LIST"),
    ("6.3.9.8", "a3 LIST (SUBSCRIBED RECURSIVEMATCH) \"\" foo RETURN (CHILDREN)", "LIST"),
    ("6.3.9.8", "a1 LIST (REMOTE) \"\" *", "LIST"),
    ("6.3.9.8", "a2 LIST () \"\" %", "LIST"),
    ("6.3.9.8", "a3 LIST (REMOTE) \"\" %", "LIST"),
    ("6.3.9.8", "a3.1 LIST \"\" (% music/rock)", "LIST"),
    ("6.3.9.8", "A01 LIST \"\" % RETURN (STATUS (MESSAGES UNSEEN))", "LIST"),
    ("6.3.9.8", "A02 LIST (SUBSCRIBED RECURSIVEMATCH) \"\" % RETURN (STATUS (MESSAGES))", "LIST"),
    ("6.3.10", "A001 NAMESPACE", "NAMESPACE"),
    ("6.3.10", "A002 CREATE \"INBOX.Sent Mail\"", "CREATE"),
    ("6.3.10", "A002 LIST (SPECIAL-USE) \"\" \"*\"", "LIST"),
    ("6.3.10", "A003 LIST (SPECIAL-USE) \"#mh/\" \"*\"", "LIST"),
    ("6.3.10", "A004 CREATE \"Sent Mail\"", "CREATE"),
    ("6.3.10", "A005 CREATE \"Delete Items\"", "CREATE"),
    ("6.3.10", "A006 CREATE \"#mh/Deleted Items\"", "CREATE"),
    ("6.3.10", "A002 LIST \"\" \"Other Users/%\"", "LIST"),
    ("6.3.10", "A002 LIST \"\" \"#Users/%\"", "LIST"),
    ("6.3.10", "A003 LIST \"\" \"#Users/Mike/%\"", "LIST"),
    ("6.3.10", "A002 LIST \"\" \"~mark/%\"", "LIST"),
    ("6.3.11", "A042 STATUS blurdybloop (UIDNEXT MESSAGES)", "STATUS"),
    ("6.3.12", "A003 APPEND saved-messages (\\Seen) {326}\r\nDate: Mon, 7 Feb 1994 21:52:25 -0800 (PST)\r\nFrom: Fred Foobar <foobar@Blurdybloop.example>\r\nSubject: afternoon meeting\r\nTo: mooch@owatagu.siam.edu.example\r\nMessage-Id: <B27397-0100000@Blurdybloop.example>\r\nMIME-Version: 1.0\r\nContent-Type: TEXT/PLAIN; CHARSET=US-ASCII\r\n\r\nHello Joe, do you think we can meet at 3:30 tomorrow?\r\n", "APPEND"),
    ("6.3.12", "A003 APPEND saved-messages (\\Seen) {297+}\r\nDate: Mon, 7 Feb 1994 21:52:25 -0800 (PST)\r\nFrom: Fred Foobar <foobar@example.com>\r\nSubject: afternoon meeting\r\nTo: mooch@example.com\r\nMessage-Id: <B27397-0100000@example.com>\r\nMIME-Version: 1.0\r\nContent-Type: TEXT/PLAIN; CHARSET=US-ASCII\r\n\r\nHello Joe, do you think we can meet at 3:30 tomorrow?\r\n", "APPEND"),
    ("6.3.12", "A004 COPY 2:4 meeting", "COPY"),
    ("6.3.12", "A005 UID COPY 305:310 meeting", "COPY"),
    ("6.3.12", "A006 COPY 2 funny", "COPY"),
    ("6.3.12", "A007 SELECT funny", "SELECT"),
    ("6.3.13", "A001 SELECT INBOX", "SELECT"),
    ("6.3.13", "A002 IDLE", "IDLE"),
    ("6.3.13", "A003 FETCH 4 ALL", "FETCH"),
    ("6.3.13", "A004 IDLE", "IDLE"),
    ("6.3.13", "A005 FETCH 3 ALL", "FETCH"),
    ("6.3.13", "A006 IDLE", "IDLE"),
    ("6.4.1", "A341 CLOSE", "CLOSE"),
    ("6.4.2", "A342 UNSELECT", "UNSELECT"),
    ("6.4.3", "A202 EXPUNGE", "EXPUNGE"),
    ("6.4.4", "A282 SEARCH RETURN (MIN COUNT) FLAGGED SINCE 1-Feb-1994 NOT FROM \"Smith\"", "SEARCH"),
    ("6.4.4", "A283 SEARCH RETURN () FLAGGED SINCE 1-Feb-1994 NOT FROM \"Smith\"", "SEARCH"),
    ("6.4.4", "A284 SEARCH TEXT \"string not in mailbox\"", "SEARCH"),
    ("6.4.4", "A285 SEARCH CHARSET UTF-8 TEXT {12}\r\nотпуск", "SEARCH"),
    ("6.4.4", "A284 SEARCH RETURN (MIN) UNSEEN", "SEARCH"),
    ("6.4.4", "A285 UID SEARCH RETURN (MIN MAX) 1:5000", "SEARCH"),
    ("6.4.4", "A286 SEARCH RETURN (COUNT) DELETED", "SEARCH"),
    ("6.4.4.4", "A282 SEARCH RETURN (SAVE) FLAGGED SINCE 1-Feb-1994 NOT FROM \"Smith\"", "SEARCH"),
    ("6.4.4.4", "A283 FETCH $ (UID INTERNALDATE FLAGS BODY.PEEK[HEADER])", "FETCH"),
    ("6.4.4.4", "A300 SEARCH RETURN (SAVE) SINCE 1-Jan-2004 NOT FROM \"Smith\"", "SEARCH"),
    ("6.4.4.4", "A301 UID SEARCH UID $ SMALLER 4096", "SEARCH"),
    ("6.4.4.4", "A301 UID SEARCH $ SMALLER 4096", "SEARCH"),
    ("6.4.4.4", "P282 SEARCH RETURN (SAVE) SINCE 1-Feb-1994 NOT FROM \"Smith\"", "SEARCH"),
    ("6.4.4.4", "P283 SEARCH CHARSET UTF-8 (OR $ 1,3000:3021) TEXT {8+}\r\nмать", "SEARCH"),
    ("6.4.4.4", "B282 SEARCH RETURN (SAVE) SINCE 1-Feb-1994 NOT FROM \"Smith\"", "SEARCH"),
    ("6.4.4.4", "B283 SEARCH RETURN (SAVE) CHARSET KOI8-R (OR $ 1,3000:3021) TEXT {4}\r\nXXXX", "SEARCH"),
    ("6.4.4.4", "E282 SEARCH RETURN (SAVE) SINCE 28-Oct-2006 NOT FROM \"Eric\"", "SEARCH"),
    ("6.4.4.4", "E283 COPY $ \"Other Messages\"", "COPY"),
    ("6.4.4.4", "F282 SEARCH RETURN (SAVE) KEYWORD $Junk", "SEARCH"),
    ("6.4.4.4", "F283 COPY $ \"Junk\"", "COPY"),
    ("6.4.4.4", "F284 STORE $ +FLAGS.Silent (\\Deleted)", "STORE"),
    ("6.4.4.4", "G282 SEARCH RETURN (SAVE) KEYWORD $Junk", "SEARCH"),
    ("6.4.4.4", "G283 SEARCH RETURN (ALL) SINCE 28-Oct-2006 FROM \"Eric\"", "SEARCH"),
    ("6.4.4.4", "H282 SEARCH RETURN (SAVE) KEYWORD $Junk", "SEARCH"),
    ("6.4.4.4", "H283 SEARCH RETURN (SAVE) SINCE 28-Oct-2006 FROM \"Eric\"", "SEARCH"),
    ("6.4.4.4", "C282 SEARCH RETURN (ALL) SINCE 12-Feb-2006 NOT FROM \"Smith\"", "SEARCH"),
    ("6.4.4.4", "C283 SEARCH RETURN (ALL SAVE) SINCE 12-Feb-2006 NOT FROM \"Smith\"", "SEARCH"),
    ("6.4.4.4", "C284 SEARCH RETURN (SAVE MIN) SINCE 12-Feb-2006 NOT FROM \"Smith\"", "SEARCH"),
    ("6.4.4.4", "C285 SEARCH RETURN (MAX SAVE MIN) SINCE 12-Feb-2006 NOT FROM \"Smith\"", "SEARCH"),
    ("6.4.4.4", "C286 SEARCH RETURN (MAX SAVE MIN COUNT) SINCE 12-Feb-2006 NOT FROM \"Smith\"", "SEARCH"),
    ("6.4.4.4", "C286 SEARCH RETURN (ALL SAVE MIN) SINCE 12-Feb-2006 NOT FROM \"Smith\"", "SEARCH"),
    ("6.4.5", "A654 FETCH 2:4 (FLAGS BODY[HEADER.FIELDS (DATE FROM)])", "FETCH"),
    ("6.4.6", "A003 STORE 2:4 +FLAGS (\\Deleted)", "STORE"),
    ("6.4.7", "A003 COPY 2:4 MEETING", "COPY"),
    ("6.4.8", "a UID MOVE 42:69 foo", "MOVE"),
    ("6.4.9", "A003 UID EXPUNGE 3000:3002", "EXPUNGE"),
    ("6.4.9", "A999 UID FETCH 4827313:4828442 FLAGS", "FETCH"),
    ("6.5", "a441 CAPABILITY", "CAPABILITY"),
];

#[test]
fn rfc9051_section6_examples_parse_without_errors() {
    assert!(RFC9051_SECTION6.len() > 100);
    for &(section, line, name) in RFC9051_SECTION6 {
        let parsed = send(line);
        let errors: Vec<&Diagnostic> = parsed
            .diagnostics
            .iter()
            .filter(|d| d.severity == Severity::Error)
            .collect();
        assert!(errors.is_empty(), "§{section} {line:?}: {errors:#?}");
        let command = parsed
            .command
            .unwrap_or_else(|| panic!("§{section} {line:?} did not parse"));
        assert_eq!(command.body.name(), name, "§{section} {line:?}");
        assert_eq!(Some(command.tag.as_str()), line.split(' ').next());
    }
}

#[test]
fn rfc9051_section6_experimental_command_is_noted_not_rejected() {
    // §6.5: `A442 XPIG-LATIN` is answered OK by a server that has it.
    let parsed = send("A442 XPIG-LATIN");
    assert_eq!(parsed.tag.as_deref(), Some("A442"));
    assert!(parsed.command.is_none());
    assert_eq!(parsed.diagnostics.len(), 1);
    assert_eq!(
        (parsed.diagnostics[0].code, parsed.diagnostics[0].severity),
        ("experimental-command", Severity::Note)
    );
}

#[test]
fn rfc9051_section6_client_lines() {
    use ClientExpectation::{AuthenticateResponse, IdleDone};
    // §6.2.2, GSSAPI: two base64 responses and an empty one.
    let gssapi = "YDMGCSqGSIb3EgECAgIBAAD/////3LQBHXTpFfZgrejpLlLImPwkhbfa2QteAQAgAG1yYwE=";
    let p = parse_client_line(format!("{gssapi}\r\n").as_bytes(), AuthenticateResponse);
    assert!(p.diagnostics.is_empty(), "{p:?}");
    assert!(
        matches!(p.line, Some(ClientLine::AuthResponse { ref base64, ref decoded }) if base64 == gssapi && decoded.len() == 53)
    );
    let p = parse_client_line(b"\r\n", AuthenticateResponse);
    assert!(
        matches!(p.line, Some(ClientLine::AuthResponse { ref base64, .. }) if base64.is_empty())
    );
    // §6.2.2, PLAIN without SASL-IR: the response decodes to authzid NUL authcid NUL password.
    let p = parse_client_line(b"dGVzdAB0ZXN0AHRlc3Q=\r\n", AuthenticateResponse);
    assert!(
        matches!(p.line, Some(ClientLine::AuthResponse { ref decoded, .. }) if decoded == b"test\0test\0test")
    );
    // §6.3.13: DONE ends IDLE.
    let p = parse_client_line(b"DONE\r\n", IdleDone);
    assert_eq!((p.line, p.diagnostics.len()), (Some(ClientLine::Done), 0));
}

// ---- learner mistakes ---------------------------------------------------------------------

#[test]
fn c_login_without_space_after_the_tag() {
    let (parsed, d) = diagnostic("c1LOGIN strategos pass", "missing-space-after-tag");
    assert_eq!(
        (parsed.tag.as_deref(), parsed.name),
        (Some("c1"), Some("LOGIN"))
    );
    assert!(parsed.command.is_none());
    assert_eq!((d.severity, d.column, d.rule), (Severity::Error, 3, "tag"));
    mentions(
        &d.message,
        &["no space", "tag `c1`", "LOGIN", "`c1LOGIN`", "BAD"],
    );
    assert_eq!(d.suggestion.as_deref(), Some("c1 LOGIN strategos pass"));
    assert_eq!(parsed.diagnostics.len(), 1);
}

#[test]
fn c_copy_a_fetch_item_without_space_after_the_tag() {
    let (parsed, space) = diagnostic("c5COPY 1 body[]", "missing-space-after-tag");
    assert_eq!(
        (parsed.tag.as_deref(), parsed.name),
        (Some("c5"), Some("COPY"))
    );
    assert_eq!(space.column, 3);
    assert_eq!(space.suggestion.as_deref(), Some("c5 COPY 1 body[]"));
    let (_, item) = diagnostic("c5COPY 1 body[]", "data-item-as-mailbox");
    assert_eq!((item.severity, item.column), (Severity::Warning, 10));
    mentions(
        &item.message,
        &[
            "`body[]`",
            "FETCH data item",
            "mailbox name",
            "\"body[]\"",
            "NO [TRYCREATE]",
            "c5 FETCH 1 body[]",
        ],
    );
    assert_eq!(item.suggestion.as_deref(), Some("c5 COPY 1 Archive"));
}

#[test]
fn a_fetch_item_as_the_destination_of_move_is_valid_but_warned() {
    let (parsed, d) = diagnostic("a1 UID MOVE 5 BODY.PEEK[HEADER]", "data-item-as-mailbox");
    // `BODY.PEEK[HEADER]` is a valid astring: the line is valid, the warning says why it is odd.
    assert!(parsed.command.is_some());
    assert_eq!(d.column, 15);
    mentions(&d.message, &["UID MOVE", "mailbox name", "move"]);
    assert_eq!(d.suggestion.as_deref(), Some("a1 UID MOVE 5 Archive"));
    // A quoted name was meant as a name.
    assert!(send("a1 COPY 1 \"body[]\"").diagnostics.is_empty());
}

#[test]
fn a_line_without_a_tag() {
    let (parsed, d) = diagnostic("LOGIN strategos pass", "missing-tag");
    assert_eq!((parsed.tag, parsed.name), (None, Some("LOGIN")));
    assert_eq!((d.column, d.severity), (1, Severity::Error));
    mentions(
        &d.message,
        &[
            "starts with the command name LOGIN",
            "tag",
            "`strategos` as the command",
        ],
    );
    assert_eq!(d.suggestion.as_deref(), Some("a1 LOGIN strategos pass"));

    let (parsed, d) = diagnostic("SELECT INBOX", "missing-tag");
    assert_eq!(parsed.name, Some("SELECT"));
    assert_eq!(d.suggestion.as_deref(), Some("a1 SELECT INBOX"));
}

#[test]
fn a_missing_tag_does_not_hide_argument_errors() {
    let parsed = send("login strategos");
    let codes: Vec<&str> = parsed.diagnostics.iter().map(|d| d.code).collect();
    assert_eq!(
        codes,
        ["missing-tag", "case-insensitive", "missing-argument"]
    );
    assert_eq!(
        parsed.diagnostics[2].suggestion.as_deref(),
        Some("The form is: a1 LOGIN <user> <password>")
    );
}

#[test]
fn uid_as_a_tag_is_valid_but_warned() {
    let (parsed, d) = diagnostic("UID FETCH 1:* FLAGS", "tag-is-command-name");
    assert_eq!(parsed.tag.as_deref(), Some("UID"));
    assert!(!parsed.uid);
    assert_eq!(d.severity, Severity::Warning);
    mentions(
        &d.message,
        &["plain FETCH", "sequence numbers", "UID FETCH", "no tag"],
    );
    assert_eq!(d.suggestion.as_deref(), Some("a1 UID FETCH 1:* FLAGS"));
}

#[test]
fn unknown_commands_suggest_the_nearest() {
    let (parsed, d) = diagnostic("a1 FETCHH 1 FLAGS", "unknown-command");
    assert_eq!((parsed.tag.as_deref(), parsed.name), (Some("a1"), None));
    assert_eq!(d.column, 4);
    mentions(
        &d.message,
        &["`FETCHH`", "not an IMAP command", "Did you mean FETCH?"],
    );
    assert_eq!(d.suggestion.as_deref(), Some("a1 FETCH 1 FLAGS"));

    let (_, d) = diagnostic("a1 SELCT INBOX", "unknown-command");
    assert_eq!(d.suggestion.as_deref(), Some("a1 SELECT INBOX"));
}

#[test]
fn unknown_commands_from_other_protocols_are_explained() {
    let (_, d) = diagnostic("a1 HELLO", "unknown-command");
    mentions(
        &d.message,
        &["`HELLO`", "server greets first", "CAPABILITY"],
    );
    assert_eq!(d.suggestion.as_deref(), Some("a1 CAPABILITY"));
    let (_, d) = diagnostic("a1 QUIT", "unknown-command");
    mentions(&d.message, &["POP3", "LOGOUT"]);
    assert_eq!(d.suggestion.as_deref(), Some("a1 LOGOUT"));
    let (_, d) = diagnostic("a1 USER strategos", "unknown-command");
    mentions(&d.message, &["LOGIN <user> <password>"]);
    let (_, d) = diagnostic("a1 BLURDYBLOOP", "unknown-command");
    mentions(&d.message, &["not an IMAP command"]);
    assert_eq!(d.suggestion.as_deref(), Some("a1 CAPABILITY"));
}

#[test]
fn extension_commands_the_tutor_does_not_model_are_noted() {
    let parsed = send("A282 URLFETCH imap://joe@example.com/INBOX");
    assert_eq!(parsed.diagnostics.len(), 1);
    let d = &parsed.diagnostics[0];
    assert_eq!(
        (d.code, d.severity, d.column),
        ("unmodelled-extension", Severity::Note, 6)
    );
    mentions(&d.message, &["URLFETCH", "RFC 4467", "CAPABILITY"]);
}

#[test]
fn too_few_arguments() {
    let (parsed, d) = diagnostic("a1 LOGIN strategos", "missing-argument");
    assert_eq!(
        (parsed.name, d.column, d.rule),
        (Some("LOGIN"), 19, "login")
    );
    mentions(&d.message, &["LOGIN needs a password", "line ends"]);
    assert_eq!(d.expected.as_deref(), Some("a password"));

    let (_, d) = diagnostic("a1 FETCH 1", "missing-argument");
    assert_eq!(d.column, 11);
    mentions(&d.message, &["FETCH needs the data items to fetch"]);
    mentions(
        d.suggestion.as_deref().unwrap(),
        &["a1 FETCH <sequence set> <items>"],
    );

    let (_, d) = diagnostic("a1 UID FETCH", "missing-argument");
    assert_eq!(d.column, 13);
    mentions(&d.message, &["UID FETCH needs a set of UIDs"]);

    let (_, d) = diagnostic("a1 SEARCH OR SEEN", "missing-argument");
    mentions(&d.message, &["second search key for OR"]);

    let (_, d) = diagnostic("a APPEND INBOX", "missing-argument");
    mentions(&d.message, &["the message, as a literal"]);
}

#[test]
fn a_trailing_space_before_a_missing_argument() {
    let (_, d) = diagnostic("a1 LOGIN strategos ", "missing-argument");
    assert_eq!(d.column, 20);
}

#[test]
fn too_many_arguments() {
    let (parsed, d) = diagnostic("a1 NOOP now", "unexpected-argument");
    assert_eq!(
        (parsed.name, d.column, d.rule),
        (Some("NOOP"), 9, "command-any")
    );
    mentions(&d.message, &["NOOP takes no arguments", "`now`"]);
    assert_eq!(d.suggestion.as_deref(), Some("a1 NOOP"));

    let (_, d) = diagnostic("a1 SELECT INBOX extra", "unexpected-argument");
    assert_eq!(d.column, 17);
    mentions(&d.message, &["`extra` is one too many", "quote it"]);
}

#[test]
fn too_many_arguments_with_the_likely_fix() {
    let (_, d) = diagnostic("a1 SELECT Sent Items", "unexpected-argument");
    assert_eq!(d.suggestion.as_deref(), Some("a1 SELECT \"Sent Items\""));
    let (_, d) = diagnostic("a1 FETCH 1 FLAGS ENVELOPE", "unexpected-argument");
    mentions(&d.message, &["parentheses"]);
    assert_eq!(d.suggestion.as_deref(), Some("a1 FETCH 1 (FLAGS ENVELOPE)"));
    let (_, d) = diagnostic("a1 EXPUNGE 3:5", "unexpected-argument");
    mentions(&d.message, &["UID EXPUNGE"]);
}

#[test]
fn wrong_argument_shape() {
    let (parsed, d) = diagnostic("a1 FETCH body[] 3", "bad-argument");
    assert_eq!((parsed.name, d.column), (Some("FETCH"), 10));
    mentions(
        &d.message,
        &["expected a sequence set", "found `body[]`", "wrong order"],
    );
    mentions(d.expected.as_deref().unwrap(), &["sequence set"]);
    assert_eq!(d.suggestion.as_deref(), Some("a1 FETCH 3 body[]"));

    let (_, d) = diagnostic("a1 STORE 1 +FLAG (\\Seen)", "bad-argument");
    assert_eq!(d.column, 12);
    assert_eq!(
        d.expected.as_deref(),
        Some("FLAGS, +FLAGS or -FLAGS (optionally with .SILENT)")
    );
    mentions(&d.message, &["found `+FLAG`", "Did you mean +FLAGS?"]);
    assert_eq!(d.suggestion.as_deref(), Some("a1 STORE 1 +FLAGS (\\Seen)"));
}

#[test]
fn wrong_argument_shape_inside_lists_points_at_the_item() {
    let (_, d) = diagnostic("a1 FETCH 1 (FLAGS BODY.PEK[])", "bad-argument");
    assert_eq!(d.column, 19);
    assert_eq!(
        d.suggestion.as_deref(),
        Some("a1 FETCH 1 (FLAGS BODY.PEEK[])")
    );
    let (_, d) = diagnostic("a1 STATUS INBOX (MESAGES)", "bad-argument");
    assert_eq!((d.column, d.rule), (18, "status"));
    assert_eq!(d.suggestion.as_deref(), Some("a1 STATUS INBOX (MESSAGES)"));
    let (_, d) = diagnostic("a1 SEARCH UNSEEN FROMM smith", "bad-argument");
    assert_eq!(d.column, 18);
    assert_eq!(d.suggestion.as_deref(), Some("a1 SEARCH UNSEEN FROM smith"));
    let (_, d) = diagnostic("a1 SEARCH SINCE 1-Fbe-2024", "bad-argument");
    assert_eq!(d.column, 19);
    mentions(d.expected.as_deref().unwrap(), &["month"]);
    let (_, d) = diagnostic("a1 FETCH 0 FLAGS", "bad-argument");
    mentions(&d.message, &["start at 1"]);
}

#[test]
fn words_that_need_quotes_or_modified_utf7() {
    let (_, d) = diagnostic("a1 LOGIN strategos pass(word", "bad-argument");
    assert_eq!(d.column, 24);
    mentions(
        &d.message,
        &["`(` cannot be part of an unquoted word", "double quotes"],
    );
    assert_eq!(
        d.suggestion.as_deref(),
        Some("a1 LOGIN strategos \"pass(word\"")
    );

    let (_, d) = diagnostic("a1 SELECT Entwürfe", "bad-argument");
    assert_eq!(d.column, 15);
    mentions(&d.message, &["ASCII", "modified UTF-7", "`Entw&APw-rfe`"]);
    assert_eq!(d.suggestion.as_deref(), Some("a1 SELECT Entw&APw-rfe"));

    let (_, d) = diagnostic("a1 SELECT Ünter", "bad-argument");
    assert_eq!(d.column, 11);
    assert_eq!(d.suggestion.as_deref(), Some("a1 SELECT &ANw-nter"));
    // Quoted, UTF-8 is valid syntax (IMAP4rev2).
    assert!(send("a1 SELECT \"Ünter\"").is_valid());
}

#[test]
fn uid_forms_get_the_same_help() {
    let (_, d) = diagnostic("a1 UID FETCH body[] 3", "bad-argument");
    mentions(&d.message, &["UID FETCH", "set of UIDs"]);
    assert_eq!(d.suggestion.as_deref(), Some("a1 UID FETCH 3 body[]"));
    let (_, d) = diagnostic("a1 UID COPY Archive 1:3", "bad-argument");
    assert_eq!(d.suggestion.as_deref(), Some("a1 UID COPY 1:3 Archive"));
}

#[test]
fn lowercase_commands_are_valid_with_one_note() {
    let parsed = send("b select inbox");
    assert!(parsed.is_valid());
    assert_eq!(parsed.diagnostics.len(), 1);
    let d = &parsed.diagnostics[0];
    assert_eq!(
        (d.code, d.severity, d.column),
        ("case-insensitive", Severity::Note, 3)
    );
    mentions(&d.message, &["case-insensitive", "`select`", "SELECT"]);

    let parsed = send("a uid fetch 1 flags");
    assert!(parsed.is_valid() && parsed.uid);
    assert_eq!(
        parsed
            .diagnostics
            .iter()
            .filter(|d| d.code == "case-insensitive")
            .count(),
        1
    );
}

#[test]
fn uid_with_a_command_that_has_no_uid_form() {
    let (parsed, d) = diagnostic("a1 UID LOGIN x", "bad-argument");
    assert!(parsed.uid && parsed.command.is_none());
    assert_eq!((d.column, d.rule), (8, "uid"));
    mentions(
        &d.message,
        &[
            "LOGIN has no UID form",
            "COPY, MOVE, FETCH, SEARCH, STORE and EXPUNGE",
            "SORT and THREAD",
        ],
    );
    // `a1 LOGIN x` alone would get a BAD too: the suggestion names what is still missing.
    assert_eq!(d.suggestion.as_deref(), Some("a1 LOGIN x <a password>"));

    let (_, d) = diagnostic("a1 UID FECTH 1 FLAGS", "bad-argument");
    mentions(&d.message, &["Did you mean FETCH?"]);
    let (_, d) = diagnostic("a1 UID", "missing-argument");
    assert_eq!(d.column, 7);
}

#[test]
fn quoted_strings_unterminated_and_bad_escapes() {
    let (_, d) = diagnostic("a1 LOGIN \"strategos pass", "unterminated-quote");
    assert_eq!((d.column, d.rule), (10, "quoted"));
    mentions(&d.message, &["never closed", "literal"]);
    assert_eq!(
        d.suggestion.as_deref(),
        Some("a1 LOGIN \"strategos pass\" <a password>")
    );

    let (_, d) = diagnostic("a1 LOGIN strategos \"C:\\dir\"", "bad-escape");
    // The column of the backslash.
    assert_eq!(d.column, 23);
    mentions(&d.message, &["backslash", "`\\d`", "twice"]);
    assert_eq!(
        d.suggestion.as_deref(),
        Some("a1 LOGIN strategos \"C:\\\\dir\"")
    );
}

#[test]
fn literal_sizes_that_do_not_match() {
    // Too small: the literal stops inside the word and the rest is left over.
    let (_, d) = diagnostic("a1 LOGIN {8}\r\nstrategos pass", "literal-size-mismatch");
    assert_eq!(d.column, 10);
    mentions(
        &d.message,
        &["announced 8 bytes", "`stratego`", "`s` is left over"],
    );
    assert_eq!(d.suggestion.as_deref(), Some("a1 LOGIN {9}"));
    // Too large: the message ends before the literal does.
    let (_, d) = diagnostic("a1 LOGIN {12}\r\nstrategos", "literal-size-mismatch");
    mentions(&d.message, &["announces 12 bytes", "only 9 follow"]);
    assert_eq!(d.suggestion.as_deref(), Some("a1 LOGIN {9}"));
    // Announced, never sent.
    let (_, d) = diagnostic("a1 LOGIN strategos {4}", "literal-without-data");
    assert_eq!(d.column, 20);
    mentions(&d.message, &["exactly 4 bytes", "`+`"]);
}

#[test]
fn spaces_where_they_do_not_belong() {
    let (_, d) = diagnostic("a1  NOOP", "extra-space");
    assert_eq!((d.column, d.suggestion.as_deref()), (4, Some("a1 NOOP")));
    let (_, d) = diagnostic("a1 FETCH 1  FLAGS", "extra-space");
    assert_eq!(
        (d.column, d.suggestion.as_deref()),
        (12, Some("a1 FETCH 1 FLAGS"))
    );
    let (_, d) = diagnostic("a1 FETCH 1 (FLAGS )", "extra-space");
    assert_eq!(d.suggestion.as_deref(), Some("a1 FETCH 1 (FLAGS)"));
    let (_, d) = diagnostic("a1 NOOP ", "trailing-space");
    assert_eq!((d.column, d.suggestion.as_deref()), (8, Some("a1 NOOP")));
    let (_, d) = diagnostic(" a1 NOOP", "leading-space");
    assert_eq!(d.suggestion.as_deref(), Some("a1 NOOP"));
    let (_, d) = diagnostic("a1\tNOOP", "bad-tag");
    mentions(&d.message, &["tab", "exactly one space"]);
    assert_eq!(d.suggestion.as_deref(), Some("a1 NOOP"));
    let (_, d) = diagnostic("a1 LOGIN\tstrategos pass", "bad-argument");
    mentions(&d.message, &["tab"]);
    assert_eq!(d.suggestion.as_deref(), Some("a1 LOGIN strategos pass"));
}

#[test]
fn lines_that_are_not_commands_at_all() {
    let (parsed, d) = diagnostic("", "empty-line");
    assert_eq!((parsed.tag, d.column), (None, 1));
    let (_, d) = diagnostic("* LOGIN a b", "bad-tag");
    mentions(&d.message, &["untagged"]);
    assert_eq!(d.suggestion.as_deref(), Some("a1 LOGIN a b"));
    let (parsed, d) = diagnostic("a1", "missing-command");
    assert_eq!((parsed.tag.as_deref(), d.column), (Some("a1"), 3));
    let (_, d) = diagnostic("DONE", "done-outside-idle");
    mentions(&d.message, &["ends an IDLE"]);
    let (_, d) = diagnostic("a+1 NOOP", "bad-tag");
    assert_eq!(d.column, 2);
}

#[test]
fn inbox_and_recent_are_special() {
    let (parsed, d) = diagnostic("a CREATE inbox", "inbox-special");
    assert!(parsed.command.is_some());
    assert_eq!(d.severity, Severity::Warning);
    let (_, d) = diagnostic("a STORE 1 +FLAGS (\\Recent)", "recent-flag");
    mentions(&d.message, &["server only"]);
}

#[test]
fn unknown_fetch_items_are_kept_and_warned() {
    let (parsed, d) = diagnostic("a FETCH 1 (FLAG UID)", "unknown-fetch-item");
    assert!(parsed.command.is_some());
    mentions(&d.message, &["FLAG", "Did you mean FLAGS?"]);
    // Known extension items are kept without a warning.
    assert!(send("a FETCH 1 (SAVEDATE EMAILID)").diagnostics.is_empty());
}

#[test]
fn a_command_with_more_than_one_line() {
    let parsed = parse_command(b"a1 NOOP\r\na2 NOOP\r\n");
    assert_eq!(parsed.diagnostics[0].code, "extra-line");
    assert_eq!(parsed.diagnostics[0].column, 8);
}

#[test]
fn the_final_crlf_is_optional_and_not_quadratic() {
    assert!(parse_command(b"a1 NOOP").is_valid());
    assert!(parse_command(b"a1 NOOP\n").is_valid());
    // A long line parses in one pass: 20000 search keys.
    let line = format!("a SEARCH{}", " SEEN".repeat(20_000));
    let start = std::time::Instant::now();
    let parsed = send(&line);
    assert!(parsed.is_valid());
    assert!(
        start.elapsed() < std::time::Duration::from_secs(2),
        "{:?}",
        start.elapsed()
    );
    // Deep nesting is refused, not a stack overflow.
    let deep = format!("a SEARCH {}ALL{}", "(".repeat(5000), ")".repeat(5000));
    assert!(!send(&deep).is_valid());
}

// ---- client lines that are not commands ---------------------------------------------------

#[test]
fn done_ends_idle() {
    use ClientExpectation::IdleDone;
    let p = parse_client_line(b"done\r\n", IdleDone);
    assert_eq!(p.line, Some(ClientLine::Done));
    assert_eq!(
        (p.diagnostics[0].code, p.diagnostics[0].severity),
        ("case-insensitive", Severity::Note)
    );

    let p = parse_client_line(b"a2 NOOP\r\n", IdleDone);
    assert_eq!(p.line, None);
    assert_eq!(p.diagnostics[0].code, "command-during-idle");
    mentions(
        &p.diagnostics[0].message,
        &["DONE", "tagged OK", "`a2 NOOP`"],
    );
    assert_eq!(p.diagnostics[0].suggestion.as_deref(), Some("DONE"));

    assert_eq!(
        parse_client_line(b"a2 DONE\r\n", IdleDone).diagnostics[0].code,
        "tagged-done"
    );
    assert_eq!(
        parse_client_line(b"DONE \r\n", IdleDone).diagnostics[0].code,
        "done-spaces"
    );
    assert_eq!(
        parse_client_line(b"STOP\r\n", IdleDone).diagnostics[0].code,
        "expected-done"
    );
}

#[test]
fn authenticate_responses_and_cancel() {
    use ClientExpectation::AuthenticateResponse;
    assert_eq!(
        parse_client_line(b"*\r\n", AuthenticateResponse).line,
        Some(ClientLine::AuthCancel)
    );

    let p = parse_client_line(b"dGVzdAB0ZXN0AHRlc3Q\r\n", AuthenticateResponse);
    assert_eq!(p.line, None);
    let d = &p.diagnostics[0];
    assert_eq!((d.code, d.column), ("invalid-base64", 20));
    mentions(&d.message, &["base64", "multiple of 4"]);
    assert_eq!(d.suggestion.as_deref(), Some("dGVzdAB0ZXN0AHRlc3Q="));

    let p = parse_client_line(b"dGVz dA==\r\n", AuthenticateResponse);
    assert_eq!(
        (p.diagnostics[0].code, p.diagnostics[0].column),
        ("invalid-base64", 5)
    );

    let p = parse_client_line(b"a2 LOGOUT\r\n", AuthenticateResponse);
    assert_eq!(p.diagnostics[0].code, "command-during-authenticate");
    assert_eq!(p.diagnostics[0].suggestion.as_deref(), Some("*"));
}

#[test]
fn responses_are_not_serialized_with_their_secrets() {
    let p = parse_client_line(
        b"dGVzdAB0ZXN0AHRlc3Q=\r\n",
        ClientExpectation::AuthenticateResponse,
    );
    let json = serde_json::to_string(&p).unwrap();
    assert!(
        json.contains("dGVzdAB0ZXN0AHRlc3Q=") && !json.contains("decoded"),
        "{json}"
    );
}

/// Gmail's STORE item (Google's "IMAP Extensions" page: `STORE 1 +X-GM-LABELS (foo)`):
/// labels, not flags, in a list or bare, system labels written like flags.
#[test]
fn store_gmail_labels() {
    case!("a011 STORE 1 +X-GM-LABELS (foo)", CommandBody::Store { action, .. } => {
        assert_eq!(action.mode, StoreMode::Add);
        assert!(action.flags.is_empty());
        assert_eq!(action.gmail_labels, Some(vec!["foo".to_string()]));
    });
    case!(r#"a UID STORE 1:2 -x-gm-labels (\Inbox "Muy Importante")"#, CommandBody::Store { uid, action, .. } => {
        assert!(uid);
        assert_eq!(action.mode, StoreMode::Remove);
        assert_eq!(action.gmail_labels, Some(vec!["\\Inbox".to_string(), "Muy Importante".to_string()]));
    });
    case!("a STORE 1 X-GM-LABELS foo bar", CommandBody::Store { action, .. } => {
        assert_eq!(action.mode, StoreMode::Replace);
        assert_eq!(action.gmail_labels, Some(vec!["foo".to_string(), "bar".to_string()]));
    });
    case!("a STORE 1 +FLAGS (\\Seen)", CommandBody::Store { action, .. } => {
        assert_eq!(action.gmail_labels, None);
    });
}

/// Gmail's SEARCH keys: X-GM-RAW takes Gmail's own query syntax as one string, the ids
/// are 64-bit unsigned, and they nest like any key.
#[test]
fn search_gmail_keys() {
    case!(r#"a005 UID SEARCH X-GM-RAW "has:attachment in:unread""#, CommandBody::Search { uid, criteria, .. } => {
        assert!(uid);
        let [SearchKey::GmailRaw(q)] = criteria.as_slice() else { panic!("{criteria:?}") };
        assert_eq!(q.0, b"has:attachment in:unread");
    });
    case!("a007 SEARCH X-GM-MSGID 18446744073709551615 NOT X-GM-THRID 1266894439832287888 x-gm-labels foo", CommandBody::Search { criteria, .. } => {
        assert_eq!(criteria[0], SearchKey::GmailMessageId(u64::MAX));
        assert_eq!(criteria[1], SearchKey::Not(Box::new(SearchKey::GmailThreadId(1266894439832287888))));
        assert_eq!(criteria[2], SearchKey::GmailLabels("foo".into()));
    });
    let parsed = send("a SEARCH X-GM-THRID");
    assert!(parsed.command.is_none(), "{parsed:?}");
    assert!(parsed
        .diagnostics
        .iter()
        .any(|d| d.severity == Severity::Error));
}

// ---- administration: QUOTA (RFC 9208), ACL (RFC 4314), METADATA (RFC 5464), XLIST ------

#[test]
fn quota_commands() {
    use imap_tutor::grammar::extensions::quota::{QuotaLimit, ResourceName};
    case!("G0001 GETQUOTA \"!partition/sda4\"", CommandBody::GetQuota { root } => assert_eq!(root, "!partition/sda4"));
    case!("G0002 GETQUOTAROOT INBOX", CommandBody::GetQuotaRoot { mailbox } => assert!(mailbox.is_inbox()));
    case!("S0001 SETQUOTA \"#user/alice\" (STORAGE 510 message 1000 X-FOLDERS 7)", CommandBody::SetQuota { root, limits } => {
        assert_eq!(root, "#user/alice");
        assert_eq!(limits, vec![
            QuotaLimit { resource: ResourceName::Storage, limit: 510 },
            QuotaLimit { resource: ResourceName::Message, limit: 1000 },
            QuotaLimit { resource: ResourceName::Other("X-FOLDERS".into()), limit: 7 },
        ]);
    });
    case!("S0002 SETQUOTA \"\" (MAILBOX 5 ANNOTATION-STORAGE 64)", CommandBody::SetQuota { limits, .. } => {
        assert_eq!((&limits[0].resource, &limits[1].resource), (&ResourceName::Mailbox, &ResourceName::AnnotationStorage));
    });
    // RFC 9208 §7: `setquota-list = "(" [setquota-resource ...] ")"`: the empty list is valid.
    case!("S0003 SETQUOTA \"\" ()", CommandBody::SetQuota { limits, .. } => assert!(limits.is_empty()));
}

#[test]
fn acl_commands() {
    use imap_tutor::grammar::extensions::acl::{ModRights, RightsChange};
    case!("A002 SETACL INBOX/Drafts Chris +cda", CommandBody::SetAcl { mailbox, identifier, rights } => {
        assert_eq!((mailbox.raw.text(), identifier.as_str()), ("INBOX/Drafts".into(), "Chris"));
        assert_eq!(rights, ModRights { change: RightsChange::Add, rights: "cda".into() });
    });
    case!("a SETACL INBOX anyone -w", CommandBody::SetAcl { rights, .. } => assert_eq!(rights.change, RightsChange::Remove));
    case!("a SETACL INBOX -Fred lr", CommandBody::SetAcl { identifier, rights, .. } => {
        assert_eq!((identifier.as_str(), rights.change), ("-Fred", RightsChange::Replace));
    });
    case!("a SETACL INBOX bob \"\"", CommandBody::SetAcl { rights, .. } => assert!(rights.rights.is_empty()));
    case!("B002 DeleteAcl INBOX Fred", CommandBody::DeleteAcl { identifier, .. } => assert_eq!(identifier, "Fred"));
    case!("A001 GETACL INBOX/Drafts", CommandBody::GetAcl { mailbox } => assert_eq!(mailbox.raw.text(), "INBOX/Drafts"));
    case!("a001 LISTRIGHTS ~/Mail/saved smith", CommandBody::ListRights { mailbox, identifier } => {
        assert_eq!((mailbox.raw.text().into_owned(), identifier), ("~/Mail/saved".to_owned(), "smith".to_owned()));
    });
    case!("A003 MYRIGHTS INBOX", CommandBody::MyRights { mailbox } => assert!(mailbox.is_inbox()));
}

#[test]
fn metadata_commands() {
    use imap_tutor::grammar::extensions::metadata::{MetadataDepth, MetadataOption};
    case!("a GETMETADATA \"\" /shared/comment", CommandBody::GetMetadata { options, mailbox, entries } => {
        assert!(options.is_empty() && mailbox.raw.bytes.is_empty());
        assert_eq!(entries, vec!["/shared/comment".to_owned()]);
    });
    case!("a GETMETADATA \"INBOX\" (/shared/comment /private/comment)", CommandBody::GetMetadata { entries, .. } => assert_eq!(entries.len(), 2));
    case!("a GETMETADATA (MAXSIZE 1024 depth INFINITY) INBOX /private/filters", CommandBody::GetMetadata { options, .. } => {
        assert_eq!(options, vec![MetadataOption::MaxSize(1024), MetadataOption::Depth(MetadataDepth::Infinity)]);
    });
    case!("a GETMETADATA (DEPTH 0 X-FOO) INBOX /private/a", CommandBody::GetMetadata { options, .. } => {
        assert_eq!(options, vec![MetadataOption::Depth(MetadataDepth::Zero), MetadataOption::Other("X-FOO".into())]);
    });
    case!("a SETMETADATA INBOX (/private/comment \"My new comment\" /shared/comment NIL)", CommandBody::SetMetadata { values, .. } => {
        assert_eq!(values[0].0, "/private/comment");
        assert_eq!(values[0].1.as_ref().map(|v| v.text().into_owned()), Some("My new comment".into()));
        assert_eq!(values[1].1, None);
    });
    // value = nstring / literal8 (RFC 5464 §5)
    case!("a SETMETADATA INBOX (/private/comment ~{3}\r\nabc)", CommandBody::SetMetadata { values, .. } => {
        let v = values[0].1.as_ref().unwrap();
        assert_eq!((v.bytes.as_slice(), matches!(v.form, StringForm::Literal(h) if h.kind == LiteralKind::Binary)), (&b"abc"[..], true));
    });
}

#[test]
fn xlist_is_list_under_gmails_name() {
    case!("a XLIST \"\" *", CommandBody::List { xlist, patterns, .. } => {
        assert!(xlist);
        assert_eq!(patterns[0].bytes, b"*");
    });
    assert_eq!(ok("a XLIST \"\" *").name(), "XLIST");
    assert_eq!(ok("a LIST \"\" *").name(), "LIST");
}

#[test]
fn what_rfc_5464_refuses_and_dovecot_takes_is_a_warning() {
    let (parsed, d) = diagnostic("a GETMETADATA INBOX ()", "metadata-empty");
    assert!(parsed.is_valid() && d.severity == Severity::Warning);
    mentions(&d.message, &["RFC 5464 §5", "at least one entry"]);
    let (_, d) = diagnostic("a GETMETADATA () INBOX /private/a", "metadata-empty");
    mentions(&d.message, &["at least one option"]);
    let (_, d) = diagnostic(
        "a SETMETADATA INBOX (/private/comment hello)",
        "metadata-atom-value",
    );
    mentions(&d.message, &["quote it", "nstring"]);
    let (_, d) = diagnostic("A035 SETACL INBOX/Drafts John lrQswicda", "acl-rights");
    assert_eq!((d.severity, d.column), (Severity::Warning, 6));
    mentions(&d.message, &["lower-case", "BAD"]);
}

#[test]
fn malformed_admin_commands_say_what_to_type() {
    let (parsed, d) = diagnostic("a1 GETQUOTA", "missing-argument");
    assert_eq!(
        (parsed.name, d.column, d.rule),
        (Some("GETQUOTA"), 12, "getquota")
    );
    mentions(&d.message, &["GETQUOTA needs a quota root name"]);
    mentions(
        d.suggestion.as_deref().unwrap(),
        &["a1 GETQUOTA <quota root>"],
    );

    let (_, d) = diagnostic("a1 SETQUOTA \"\" (STORAGE)", "bad-argument");
    assert_eq!((d.column, d.rule), (24, "setquota"));
    mentions(&d.message, &["limit, a number"]);

    let (_, d) = diagnostic("a1 SETQUOTA \"\" STORAGE 512", "bad-argument");
    assert_eq!(d.column, 16);
    mentions(&d.message, &["(STORAGE 512)"]);

    let (_, d) = diagnostic("a1 SETACL INBOX bob", "missing-argument");
    assert_eq!((d.column, d.rule), (20, "setacl"));
    mentions(&d.message, &["+w (add)"]);
    mentions(
        d.suggestion.as_deref().unwrap(),
        &["a1 SETACL <mailbox> <identifier> [+|-]<rights>"],
    );

    let (_, d) = diagnostic("a1 LISTRIGHTS INBOX", "missing-argument");
    mentions(&d.message, &["identifier"]);

    let (_, d) = diagnostic("a1 GETMETADATA INBOX", "missing-argument");
    assert_eq!((d.column, d.rule), (21, "getmetadata"));
    mentions(&d.message, &["/private/comment"]);

    let (_, d) = diagnostic("a1 GETMETADATA (DEPTH 2) INBOX /private/a", "bad-argument");
    assert_eq!(d.column, 23);
    mentions(&d.message, &["0, 1 or infinity"]);

    let (_, d) = diagnostic(
        "a1 GETMETADATA (MAXSIZE big) INBOX /private/a",
        "bad-argument",
    );
    mentions(&d.message, &["octets"]);

    // RFC 5464's own examples (§4.2.1, §4.4.1) break its ABNF: the diagnostic says how.
    let (_, d) = diagnostic(
        "a GETMETADATA \"INBOX\" (MAXSIZE 1024) (/shared/comment /private/comment)",
        "bad-argument",
    );
    assert_eq!(d.column, 38);
    mentions(&d.message, &["go before the mailbox", "§4.2.1"]);
    let (_, d) = diagnostic(
        "a GETMETADATA \"INBOX\" /private/comment /shared/comment",
        "bad-argument",
    );
    assert_eq!(d.column, 40);
    mentions(
        &d.message,
        &["in one list", "(/private/comment /shared/comment)"],
    );

    let (_, d) = diagnostic("a1 SETMETADATA INBOX (/private/comment)", "bad-argument");
    mentions(&d.message, &["a string, or NIL"]);

    let (_, d) = diagnostic(
        "a1 SETMETADATA INBOX /private/comment \"x\"",
        "bad-argument",
    );
    assert_eq!(d.column, 22);
    mentions(&d.message, &["in parentheses"]);
}
