//! The response grammar, tested like transcripts: a server line (`S: ...`) goes in, the
//! parsed value and the diagnostics come out.
//!
//! Sources: the seed session learners follow (Dovecot, tests/data/strategos), every `S:`
//! line of RFC 9051 §7 and the §7.5.2 BODYSTRUCTURE examples, the §8 sample connection,
//! extension RFC examples, and malformed lines with the diagnostics a learner should see.

use imap_tutor::grammar::body::BodyStructure;
use imap_tutor::grammar::core::{Flag, StringForm};
use imap_tutor::grammar::msg_att::MessageAttribute;
use imap_tutor::grammar::response::{Code, ListItem, NamespaceDescr};
use imap_tutor::grammar::section::SectionText;
use imap_tutor::grammar::{
    parse_response, Data, Diagnostic, ParsedResponse, Response, Severity, Status,
};

/// The bytes of one server message: an `S: ` line (CRLF added), with `{n}` literals inline.
fn wire(line: &str) -> Vec<u8> {
    let line = line
        .strip_prefix("S: ")
        .unwrap_or_else(|| panic!("transcript lines start with `S: `: {line:?}"));
    let mut bytes = line.as_bytes().to_vec();
    bytes.extend_from_slice(b"\r\n");
    bytes
}

/// Parses a server line that must be valid: no error diagnostic.
fn s(line: &str) -> ParsedResponse {
    s_bytes(&wire(line))
}

fn s_bytes(bytes: &[u8]) -> ParsedResponse {
    let parsed = parse_response(bytes);
    let errors: Vec<&Diagnostic> = parsed
        .diagnostics
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .collect();
    assert!(
        errors.is_empty(),
        "{:?}\n{errors:#?}",
        String::from_utf8_lossy(bytes)
    );
    assert!(
        parsed.response.is_some(),
        "{:?}: no response",
        String::from_utf8_lossy(bytes)
    );
    parsed
}

/// Parses a server line that must be reported; returns it with the diagnostic of `code`.
fn s_diag(line: &str, code: &str) -> (ParsedResponse, Diagnostic) {
    let parsed = parse_response(&wire(line));
    let found = parsed.diagnostics.iter().find(|d| d.code == code).cloned();
    let d = found.unwrap_or_else(|| {
        panic!(
            "{line}: no `{code}` diagnostic in {:#?}",
            parsed.diagnostics
        )
    });
    assert!(!d.message.is_empty());
    (parsed, d)
}

fn data(p: &ParsedResponse) -> &Data {
    match &p.response {
        Some(Response::Data(d)) => d,
        other => panic!("not untagged data: {other:?}"),
    }
}

fn status(p: &ParsedResponse) -> (Status, Option<&Code>, &str) {
    match &p.response {
        Some(Response::Data(Data::Status { status, code, text })) => (*status, code.as_ref(), text),
        Some(Response::Tagged {
            status, code, text, ..
        }) => (*status, code.as_ref(), text),
        other => panic!("not a status response: {other:?}"),
    }
}

fn fetch(p: &ParsedResponse) -> (u32, &[MessageAttribute]) {
    match data(p) {
        Data::Fetch { seq, attributes } => (*seq, attributes),
        other => panic!("not FETCH: {other:?}"),
    }
}

fn has(p: &ParsedResponse, code: &str) -> bool {
    p.diagnostics.iter().any(|d| d.code == code)
}

fn flags(names: &[&str]) -> Vec<Flag> {
    names.iter().map(|n| Flag((*n).into())).collect()
}

// ---------------------------------------------------------------- the seed session (Dovecot)

#[test]
fn seed_greeting_carries_capabilities() {
    let r = s("S: * OK [CAPABILITY IMAP4rev1 SASL-IR LOGIN-REFERRALS ID ENABLE IDLE LITERAL+ STARTTLS AUTH=PLAIN] Dovecot (Ubuntu) ready.");
    assert_eq!((r.kind, r.tag.as_deref()), (Some("OK"), None));
    let (st, code, text) = status(&r);
    assert_eq!((st, text), (Status::Ok, "Dovecot (Ubuntu) ready."));
    let Some(Code::Capability(caps)) = code else {
        panic!("{code:?}")
    };
    assert_eq!(caps.len(), 9);
    assert_eq!(
        (caps[0].as_str(), caps[8].as_str()),
        ("IMAP4rev1", "AUTH=PLAIN")
    );
    assert!(r.diagnostics.is_empty(), "{:?}", r.diagnostics);
}

#[test]
fn seed_login_ok_lists_the_capabilities_after_login() {
    let r = s("S: A OK [CAPABILITY IMAP4rev1 SASL-IR LOGIN-REFERRALS ID ENABLE IDLE SORT SORT=DISPLAY THREAD=REFERENCES THREAD=REFS THREAD=ORDEREDSUBJECT MULTIAPPEND URL-PARTIAL CATENATE UNSELECT CHILDREN NAMESPACE UIDPLUS LIST-EXTENDED I18NLEVEL=1 CONDSTORE QRESYNC ESEARCH ESORT SEARCHRES WITHIN CONTEXT=SEARCH LIST-STATUS BINARY MOVE SNIPPET=FUZZY PREVIEW=FUZZY PREVIEW STATUS=SIZE SAVEDATE LITERAL+ NOTIFY SPECIAL-USE] Logged in");
    assert_eq!((r.kind, r.tag.as_deref()), (Some("OK"), Some("A")));
    let Some(Response::Tagged {
        code: Some(Code::Capability(caps)),
        text,
        ..
    }) = &r.response
    else {
        panic!()
    };
    assert_eq!(
        (caps.len(), caps.last().map(String::as_str), text.as_str()),
        (38, Some("SPECIAL-USE"), "Logged in")
    );
}

#[test]
fn seed_select_responses() {
    let r = s(r"S: * FLAGS (\Answered \Flagged \Deleted \Seen \Draft)");
    assert_eq!(
        (r.kind, data(&r)),
        (
            Some("FLAGS"),
            &Data::Flags(flags(&[
                r"\Answered",
                r"\Flagged",
                r"\Deleted",
                r"\Seen",
                r"\Draft"
            ]))
        )
    );

    let r = s(
        r"S: * OK [PERMANENTFLAGS (\Answered \Flagged \Deleted \Seen \Draft \*)] Flags permitted.",
    );
    let (_, code, text) = status(&r);
    assert_eq!(
        code,
        Some(&Code::PermanentFlags(flags(&[
            r"\Answered",
            r"\Flagged",
            r"\Deleted",
            r"\Seen",
            r"\Draft",
            r"\*"
        ])))
    );
    assert_eq!(text, "Flags permitted.");

    let r = s("S: * 4 EXISTS");
    assert_eq!((r.kind, data(&r)), (Some("EXISTS"), &Data::Exists(4)));
    let r = s("S: * 0 RECENT");
    assert_eq!((r.kind, data(&r)), (Some("RECENT"), &Data::Recent(0)));
    assert_eq!(
        status(&s("S: * OK [UNSEEN 2] First unseen.")).1,
        Some(&Code::Unseen(2))
    );
    assert_eq!(
        status(&s("S: * OK [UIDVALIDITY 1719824692] UIDs valid")).1,
        Some(&Code::UidValidity(1719824692))
    );
    assert_eq!(
        status(&s("S: * OK [UIDNEXT 5] Predicted next UID")).1,
        Some(&Code::UidNext(5))
    );
    let r = s("S: B OK [READ-WRITE] Select completed (0.001 + 0.000 secs).");
    assert_eq!(r.tag.as_deref(), Some("B"));
    assert_eq!(
        status(&r),
        (
            Status::Ok,
            Some(&Code::ReadWrite),
            "Select completed (0.001 + 0.000 secs)."
        )
    );
}

/// The seed's message 3, as the seed page shows it: rebuilt with CRLF line ends and the
/// Received header folded with a TAB (telnet displayed the TAB as spaces).
fn seed_message_3() -> Vec<u8> {
    let shown = "Return-path: <user@client.thm>
Envelope-to: strategos@server.thm
Delivery-date: Thu, 27 Jun 2024 16:19:35 +0000
Received: from [10.11.81.126] (helo=client.thm)
        by example.thm with smtp (Exim 4.95)
        (envelope-from <user@client.thm>)
        id 1sMrpq-0001Ah-UT
        for strategos@server.thm;
        Thu, 27 Jun 2024 16:19:35 +0000
From: user@client.thm
To: strategos@server.thm
Subject: Telnet email

Hello. I am using telnet to send you an email!
";
    let lines: Vec<String> = shown
        .split('\n')
        .map(|l| match l.strip_prefix("        ") {
            Some(folded) => format!("\t{folded}"),
            None => l.to_owned(),
        })
        .collect();
    lines.join("\r\n").into_bytes()
}

#[test]
fn seed_fetch_with_its_445_byte_literal() {
    let body = seed_message_3();
    assert_eq!(body.len(), 445);
    assert_eq!(
        body,
        std::fs::read("tests/data/strategos/3.eml").expect("the seed's message 3")
    );
    let mut msg = b"* 3 FETCH (BODY[] {445}\r\n".to_vec();
    msg.extend_from_slice(&body);
    msg.extend_from_slice(b")\r\n");
    let r = s_bytes(&msg);
    assert_eq!(r.kind, Some("FETCH"));
    assert!(r.diagnostics.is_empty(), "{:?}", r.diagnostics);
    let (seq, items) = fetch(&r);
    assert_eq!((seq, items.len()), (3, 1));
    let MessageAttribute::BodySection {
        section,
        origin: None,
        data: Some(data),
    } = &items[0]
    else {
        panic!("{:?}", items[0])
    };
    assert!(section.part.is_empty() && section.text == SectionText::Full);
    assert_eq!(data.bytes, body);
    assert!(matches!(data.form, StringForm::Literal(h) if h.size == 445));
}

#[test]
fn seed_completions_and_logout() {
    let r = s("S: C OK Fetch completed (0.001 + 0.000 secs).");
    assert_eq!(
        (r.tag.as_deref(), status(&r)),
        (
            Some("C"),
            (Status::Ok, None, "Fetch completed (0.001 + 0.000 secs).")
        )
    );
    let r = s("S: * BYE Logging out");
    assert_eq!(
        (r.kind, status(&r)),
        (Some("BYE"), (Status::Bye, None, "Logging out"))
    );
    let r = s("S: D OK Logout completed (0.001 + 0.000 secs).");
    assert_eq!((r.kind, r.tag.as_deref()), (Some("OK"), Some("D")));
}

/// Every server line of the seed session, in order (the FETCH with its literal is built
/// from [`seed_message_3`]).
const SEED_SERVER_LINES: &[&str] = &[
    "S: * OK [CAPABILITY IMAP4rev1 SASL-IR LOGIN-REFERRALS ID ENABLE IDLE LITERAL+ STARTTLS AUTH=PLAIN] Dovecot (Ubuntu) ready.",
    "S: A OK [CAPABILITY IMAP4rev1 SASL-IR LOGIN-REFERRALS ID ENABLE IDLE SORT SORT=DISPLAY THREAD=REFERENCES THREAD=REFS THREAD=ORDEREDSUBJECT MULTIAPPEND URL-PARTIAL CATENATE UNSELECT CHILDREN NAMESPACE UIDPLUS LIST-EXTENDED I18NLEVEL=1 CONDSTORE QRESYNC ESEARCH ESORT SEARCHRES WITHIN CONTEXT=SEARCH LIST-STATUS BINARY MOVE SNIPPET=FUZZY PREVIEW=FUZZY PREVIEW STATUS=SIZE SAVEDATE LITERAL+ NOTIFY SPECIAL-USE] Logged in",
    r"S: * FLAGS (\Answered \Flagged \Deleted \Seen \Draft)",
    r"S: * OK [PERMANENTFLAGS (\Answered \Flagged \Deleted \Seen \Draft \*)] Flags permitted.",
    "S: * 4 EXISTS",
    "S: * 0 RECENT",
    "S: * OK [UNSEEN 2] First unseen.",
    "S: * OK [UIDVALIDITY 1719824692] UIDs valid",
    "S: * OK [UIDNEXT 5] Predicted next UID",
    "S: B OK [READ-WRITE] Select completed (0.001 + 0.000 secs).",
    "S: C OK Fetch completed (0.001 + 0.000 secs).",
    "S: * BYE Logging out",
    "S: D OK Logout completed (0.001 + 0.000 secs).",
];

#[test]
fn seed_server_lines_have_no_diagnostic_at_all() {
    let kinds: Vec<&str> = SEED_SERVER_LINES
        .iter()
        .map(|line| {
            let r = s(line);
            assert!(r.diagnostics.is_empty(), "{line}: {:?}", r.diagnostics);
            r.kind.unwrap()
        })
        .collect();
    assert_eq!(
        kinds,
        [
            "OK", "OK", "FLAGS", "OK", "EXISTS", "RECENT", "OK", "OK", "OK", "OK", "OK", "BYE",
            "OK"
        ]
    );
}

// ---------------------------------------------------------------- RFC 9051 §7, every S: line

/// Every `S:` line of RFC 9051 §7 (§7.1 to §7.6), with the response kind it must have.
const RFC9051_SECTION_7: &[(&str, &str)] = &[
    (
        r#"S: o356 NO [ALREADYEXISTS] Mailbox "that" already exists"#,
        "NO",
    ),
    ("S: b NO [AUTHENTICATIONFAILED] Authentication failed", "NO"),
    (
        "S: c1 NO [AUTHORIZATIONFAILED] No such authorization-ID",
        "NO",
    ),
    (
        "S: c2 NO [AUTHORIZATIONFAILED] Authenticator is not an admin",
        "NO",
    ),
    ("S: l NO [CANNOT] Adjacent slashes are not supported", "NO"),
    ("S: k1 OK [READ-ONLY] Done", "OK"),
    ("S: k2 OK [CLIENTBUG] Done", "OK"),
    ("S: e NO [CONTACTADMIN]", "NO"),
    ("S: i NO [CORRUPTION] Cannot open mailbox", "NO"),
    ("S: d NO [EXPIRED] That password isn't valid any more", "NO"),
    (r#"S: * ESEARCH (TAG "h") ALL 1:3,5,8,13,21,42"#, "ESEARCH"),
    ("S: h OK [EXPUNGEISSUED] Search completed", "OK"),
    (
        r#"S: o356 NO [HASCHILDREN] Mailbox "Notes" has children that need to be deleted first"#,
        "NO",
    ),
    ("S: g NO [INUSE] Mailbox in use", "NO"),
    (
        "S: m NO [LIMIT] At most 32 flags in one mailbox supported",
        "NO",
    ),
    ("S: p NO [NONEXISTENT] No such mailbox", "NO"),
    ("S: f NO [NOPERM] Access denied", "NO"),
    ("S: n1 NO [OVERQUOTA] Sorry", "NO"),
    (
        "S: n2 OK [OVERQUOTA] You are now over your soft quota",
        "OK",
    ),
    (
        "S: d NO [PRIVACYREQUIRED] Connection offers no privacy",
        "NO",
    ),
    ("S: j NO [SERVERBUG] This should not happen", "NO"),
    (
        "S: a NO [UNAVAILABLE] User's backend down for maintenance",
        "NO",
    ),
    ("S: * OK IMAP4rev2 server ready", "OK"),
    ("S: * OK [ALERT] System shutdown in 10 minutes", "OK"),
    ("S: A001 OK LOGIN Completed", "OK"),
    (
        "S: * NO Disk is 98% full, please delete unnecessary data",
        "NO",
    ),
    ("S: A222 OK COPY completed", "OK"),
    (
        "S: * NO Disk is 99% full, please delete unnecessary data",
        "NO",
    ),
    ("S: A223 NO COPY failed: disk is full", "NO"),
    ("S: * BAD Command line too long", "BAD"),
    ("S: * BAD Empty command line", "BAD"),
    (
        "S: * BAD Disk crash, attempting salvage to a new disk!",
        "BAD",
    ),
    ("S: * OK Salvage successful, no data lost", "OK"),
    ("S: A443 OK Expunge completed", "OK"),
    (
        "S: * PREAUTH IMAP4rev2 server logged in as Smith",
        "PREAUTH",
    ),
    ("S: * BYE Autologout; idle for too long", "BYE"),
    ("S: * ENABLED CONDSTORE QRESYNC", "ENABLED"),
    (
        "S: * CAPABILITY STARTTLS AUTH=GSSAPI IMAP4rev2 LOGINDISABLED XPIG-LATIN",
        "CAPABILITY",
    ),
    (r#"S: * LIST (\Noselect) "/" ~/Mail/foo"#, "LIST"),
    (
        r#"S: * LIST (\Marked) ":" Tables (tablecloth (("edge" "lacy") ("color" "red")) Sample "text")"#,
        "LIST",
    ),
    (
        r#"S: * LIST () ":" Tables:new (tablecloth ("edge" "lacy") Sample ("text" "more text"))"#,
        "LIST",
    ),
    (r#"S: * NAMESPACE (("" "/")) (("~" "/")) NIL"#, "NAMESPACE"),
    (
        "S: * STATUS blurdybloop (MESSAGES 231 UIDNEXT 44292)",
        "STATUS",
    ),
    ("S: * ESEARCH UID COUNT 17 ALL 4:18,21,28", "ESEARCH"),
    (
        r#"S: * ESEARCH (TAG "a567") UID COUNT 17 ALL 4:18,21,28"#,
        "ESEARCH",
    ),
    ("S: * ESEARCH COUNT 18 ALL 1:17,21", "ESEARCH"),
    (
        r"S: * FLAGS (\Answered \Flagged \Deleted \Seen \Draft)",
        "FLAGS",
    ),
    ("S: * 23 EXISTS", "EXISTS"),
    ("S: * 44 EXPUNGE", "EXPUNGE"),
    (
        r"S: * 23 FETCH (FLAGS (\Seen) RFC822.SIZE 44827 UID 447)",
        "FETCH",
    ),
    ("S: + Ready for additional command text", "CONTINUATION"),
    ("S: A001 OK LOGIN completed", "OK"),
    (r#"S: A044 BAD No such command as "BLURDYBLOOP""#, "BAD"),
];

#[test]
fn rfc9051_section_7_lines_all_parse() {
    for (line, kind) in RFC9051_SECTION_7 {
        let r = s(line);
        assert_eq!(r.kind, Some(*kind), "{line}");
    }
}

#[test]
fn an_unquoted_delimiter_is_an_error() {
    // RFC 9051 §7.3.1 quotes it: `* LIST (\Noselect) "/" ~/Mail/foo`.
    let (r, d) = s_diag(r"S: * LIST (\Noselect) / ~/Mail/foo", "syntax-error");
    assert_eq!(
        (r.kind, d.column, d.severity),
        (Some("LIST"), 20, Severity::Error)
    );
    assert!(d.expected.unwrap().contains("delimiter"));
}

#[test]
fn rfc9051_response_codes_of_section_7_1() {
    let names: Vec<String> = RFC9051_SECTION_7
        .iter()
        .filter_map(|(line, _)| match &s(line).response {
            Some(Response::Tagged { code: Some(c), .. }) => Some(c.name().to_owned()),
            _ => None,
        })
        .collect();
    for expected in [
        "ALREADYEXISTS",
        "AUTHENTICATIONFAILED",
        "CANNOT",
        "CLIENTBUG",
        "CONTACTADMIN",
        "EXPUNGEISSUED",
        "HASCHILDREN",
        "SERVERBUG",
        "UNAVAILABLE",
    ] {
        assert!(
            names.iter().any(|n| n == expected),
            "{expected} in {names:?}"
        );
    }
    let r = s("S: e NO [CONTACTADMIN]");
    assert_eq!(
        status(&r).1,
        Some(&Code::Other {
            name: "CONTACTADMIN".into(),
            argument: None
        })
    );
    assert!(has(&r, "quirk-missing-text"));
}

#[test]
fn rfc9051_esearch_items() {
    let r = s(r#"S: * ESEARCH (TAG "a567") UID COUNT 17 ALL 4:18,21,28"#);
    let Data::ESearch { tag, uid, items } = data(&r) else {
        panic!()
    };
    assert_eq!((tag.as_deref(), *uid), (Some("a567"), true));
    assert_eq!(
        items,
        &vec![
            ("COUNT".into(), "17".into()),
            ("ALL".into(), "4:18,21,28".into())
        ]
    );
    let r = s("S: * ESEARCH COUNT 18 ALL 1:17,21");
    assert!(matches!(data(&r), Data::ESearch { tag: None, uid: false, items } if items.len() == 2));
}

#[test]
fn rfc9051_list_extended_data_is_kept_as_text() {
    let r = s(
        r#"S: * LIST (\Marked) ":" Tables (tablecloth (("edge" "lacy") ("color" "red")) Sample "text")"#,
    );
    let Data::List(ListItem {
        attributes,
        delimiter,
        mailbox,
        extended,
    }) = data(&r)
    else {
        panic!()
    };
    assert_eq!(
        (attributes.as_slice(), *delimiter, mailbox.name.as_str()),
        (&[r"\Marked".to_owned()][..], Some(':'), "Tables")
    );
    assert_eq!(
        extended.as_deref(),
        Some(r#"(tablecloth (("edge" "lacy") ("color" "red")) Sample "text")"#)
    );
}

#[test]
fn rfc9051_status_and_namespace() {
    let r = s("S: * STATUS blurdybloop (MESSAGES 231 UIDNEXT 44292)");
    let Data::MailboxStatus { mailbox, items, .. } = data(&r) else {
        panic!()
    };
    assert_eq!(mailbox.name, "blurdybloop");
    assert_eq!(
        items,
        &vec![("MESSAGES".into(), 231), ("UIDNEXT".into(), 44292)]
    );
    let r = s(r#"S: * NAMESPACE (("" "/")) (("~" "/")) NIL"#);
    let Data::Namespace {
        personal,
        other,
        shared,
    } = data(&r)
    else {
        panic!()
    };
    assert_eq!(
        personal,
        &Some(vec![NamespaceDescr {
            prefix: String::new(),
            delimiter: Some('/')
        }])
    );
    assert_eq!(other.as_ref().unwrap()[0].prefix, "~");
    assert_eq!(shared, &None);
}

#[test]
fn rfc9051_fetch_and_expunge() {
    let r = s(r"S: * 23 FETCH (FLAGS (\Seen) RFC822.SIZE 44827 UID 447)");
    assert_eq!(
        fetch(&r),
        (
            23,
            &[
                MessageAttribute::Flags(flags(&[r"\Seen"])),
                MessageAttribute::Rfc822Size(44827),
                MessageAttribute::Uid(447)
            ][..]
        )
    );
    assert_eq!(data(&s("S: * 44 EXPUNGE")), &Data::Expunge(44));
}

/// RFC 9051 §7.5.2 shows two BODYSTRUCTUREs in prose; here they are inside a FETCH.
#[test]
fn rfc9051_bodystructure_examples() {
    let r = s(
        r#"S: * 1 FETCH (BODYSTRUCTURE ("TEXT" "PLAIN" ("CHARSET" "US-ASCII") NIL NIL "7BIT" 2279 48))"#,
    );
    let MessageAttribute::BodyStructure(b) = &fetch(&r).1[0] else {
        panic!()
    };
    let BodyStructure::Single {
        media_type,
        subtype,
        fields,
        lines,
        message,
        extension,
    } = b.as_ref()
    else {
        panic!()
    };
    assert_eq!(
        (
            media_type.as_str(),
            subtype.as_str(),
            *lines,
            message.is_none(),
            extension
        ),
        ("TEXT", "PLAIN", Some(48), true, &None)
    );
    assert_eq!(
        (
            fields.parameters.clone(),
            fields.encoding.as_str(),
            fields.octets
        ),
        (vec![("CHARSET".into(), "US-ASCII".into())], "7BIT", 2279)
    );

    let r = s(
        r#"S: * 2 FETCH (BODYSTRUCTURE (("TEXT" "PLAIN" ("CHARSET" "US-ASCII") NIL NIL "7BIT" 1152 23)("TEXT" "PLAIN" ("CHARSET" "US-ASCII" "NAME" "cc.diff") "<960723163407.20117h@cac.washington.edu>" "Compiler diff" "BASE64" 4554 73) "MIXED"))"#,
    );
    let MessageAttribute::BodyStructure(b) = &fetch(&r).1[0] else {
        panic!()
    };
    let BodyStructure::Multi { parts, subtype, .. } = b.as_ref() else {
        panic!()
    };
    assert_eq!((parts.len(), subtype.as_str()), (2, "MIXED"));
    let BodyStructure::Single { fields, .. } = &parts[1] else {
        panic!()
    };
    assert_eq!(fields.description.as_ref().unwrap().text(), "Compiler diff");
    assert_eq!(
        fields.id.as_ref().unwrap().text(),
        "<960723163407.20117h@cac.washington.edu>"
    );
}

// ---------------------------------------------------------------- RFC 9051 §8, the sample connection

#[test]
fn rfc9051_sample_fetch_full_with_envelope() {
    let r = s(
        r#"S: * 12 FETCH (FLAGS (\Seen) INTERNALDATE "17-Jul-1996 02:44:25 -0700" RFC822.SIZE 4286 ENVELOPE ("Wed, 17 Jul 1996 02:23:25 -0700 (PDT)" "IMAP4rev2 WG mtg summary and minutes" (("Terry Gray" NIL "gray" "cac.washington.edu")) (("Terry Gray" NIL "gray" "cac.washington.edu")) (("Terry Gray" NIL "gray" "cac.washington.edu")) ((NIL NIL "imap" "cac.washington.edu")) ((NIL NIL "minutes" "CNRI.Reston.VA.US")("John Klensin" NIL "KLENSIN" "MIT.EDU")) NIL NIL "<B27397-0100000@cac.washington.ed>") BODY ("TEXT" "PLAIN" ("CHARSET" "US-ASCII") NIL NIL "7BIT" 3028 92))"#,
    );
    let (seq, items) = fetch(&r);
    assert_eq!((seq, items.len()), (12, 5));
    assert_eq!(
        items[1],
        MessageAttribute::InternalDate("17-Jul-1996 02:44:25 -0700".into())
    );
    let MessageAttribute::Envelope(env) = &items[3] else {
        panic!()
    };
    assert_eq!(
        env.subject.as_ref().unwrap().text(),
        "IMAP4rev2 WG mtg summary and minutes"
    );
    assert_eq!(env.from[0].name.as_ref().unwrap().text(), "Terry Gray");
    assert_eq!(
        env.to[0].email().as_deref(),
        Some("imap@cac.washington.edu")
    );
    assert_eq!(
        (env.cc.len(), env.bcc.len(), env.in_reply_to.is_none()),
        (2, 0, true)
    );
    assert_eq!(
        env.message_id.as_ref().unwrap().text(),
        "<B27397-0100000@cac.washington.ed>"
    );
    assert!(
        matches!(&items[4], MessageAttribute::Body(b) if matches!(b.as_ref(), BodyStructure::Single { lines: Some(92), .. }))
    );
    assert!(r.diagnostics.is_empty(), "{:?}", r.diagnostics);
}

#[test]
fn rfc9051_sample_body_header_literal() {
    let header = [
        "Date: Wed, 17 Jul 1996 02:23:25 -0700 (PDT)",
        "From: Terry Gray <gray@cac.washington.edu>",
        "Subject: IMAP4rev2 WG mtg summary and minutes",
        "To: imap@cac.washington.edu",
        "cc: minutes@CNRI.Reston.VA.US, John Klensin <KLENSIN@MIT.EDU>",
        "Message-Id: <B27397-0100000@cac.washington.edu>",
        "MIME-Version: 1.0",
        "Content-Type: TEXT/PLAIN; CHARSET=US-ASCII",
        "",
        "",
    ]
    .join("\r\n");
    assert_eq!(header.len(), 342);
    let msg = format!("* 12 FETCH (BODY[HEADER] {{342}}\r\n{header})\r\n");
    let r = s_bytes(msg.as_bytes());
    let MessageAttribute::BodySection {
        section,
        data: Some(d),
        ..
    } = &fetch(&r).1[0]
    else {
        panic!()
    };
    assert_eq!(
        (section.text.clone(), d.bytes.len()),
        (SectionText::Header, 342)
    );
}

#[test]
fn rfc9051_sample_connection_other_lines() {
    let lines = [
        ("S: * OK [CAPABILITY STARTTLS AUTH=SCRAM-SHA-256 LOGINDISABLED IMAP4rev2] IMAP4rev2 Service Ready", "OK"),
        ("S: a000 OK Proceed with TLS negotiation", "OK"),
        ("S: + cj1yT3ByTkdmd0ViZVJXZ2JORWtxTyVodllEcFdVYTJSYVRDQWZ1eEZJbGopaE5sRiRrMCxzPVcyMlphSjBTTlk3c29Fc1VFamI2Z1E9PSxpPTQwOTY=", "CONTINUATION"),
        ("S: A001 OK SCRAM-SHA-256 authentication successful", "OK"),
        ("S: * ENABLED IMAP4rev2", "ENABLED"),
        ("S: * 18 EXISTS", "EXISTS"),
        ("S: * OK [UIDVALIDITY 3857529045] UIDs valid", "OK"),
        (r#"S: * LIST () "/" INBOX ("OLDNAME" ("inbox"))"#, "LIST"),
        ("S: a002 OK [READ-WRITE] SELECT completed", "OK"),
        (r"S: * 12 FETCH (FLAGS (\Seen \Deleted))", "FETCH"),
        ("S: a005 OK +FLAGS completed", "OK"),
        ("S: * BYE IMAP4rev2 server terminating connection", "BYE"),
    ];
    for (line, kind) in lines {
        let r = s(line);
        assert_eq!(r.kind, Some(kind), "{line}");
        assert!(r.diagnostics.is_empty(), "{line}: {:?}", r.diagnostics);
    }
    let r = s(r#"S: * LIST () "/" INBOX ("OLDNAME" ("inbox"))"#);
    let Data::List(item) = data(&r) else { panic!() };
    assert!(item.mailbox.is_inbox());
}

// ---------------------------------------------------------------- continuation requests

#[test]
fn continuation_requests() {
    let r = s("S: + Ready for literal data");
    assert_eq!(
        r.response,
        Some(Response::Continuation {
            code: None,
            text: "Ready for literal data".into()
        })
    );
    let r = s("S: + idling");
    assert_eq!(
        (r.kind, r.response),
        (
            Some("CONTINUATION"),
            Some(Response::Continuation {
                code: None,
                text: "idling".into()
            })
        )
    );
    let r = s("S: + YGgGCSqGSIb3EgECAgIBAAD/////6jcyG4GE3KkTzBeBiVHeceP2CWY0SR0fAQAgAAQEBAQ=");
    assert!(
        matches!(r.response, Some(Response::Continuation { text, .. }) if text.ends_with("BAQ="))
    );
    assert!(r.diagnostics.is_empty());
}

#[test]
fn an_empty_challenge_is_plus_space() {
    let r = s("S: + ");
    assert_eq!(
        r.response,
        Some(Response::Continuation {
            code: None,
            text: String::new()
        })
    );
    assert!(r.diagnostics.is_empty(), "{:?}", r.diagnostics);
}

#[test]
fn quirk_bare_plus_without_space() {
    let (r, d) = s_diag("S: +", "quirk-continuation-without-space");
    assert_eq!((d.severity, d.column), (Severity::Note, 2));
    assert_eq!(
        r.response,
        Some(Response::Continuation {
            code: None,
            text: String::new()
        })
    );
}

#[test]
fn continuation_with_a_code() {
    let r = s("S: + [ALERT] Send the literal now");
    assert_eq!(
        r.response,
        Some(Response::Continuation {
            code: Some(Code::Alert),
            text: "Send the literal now".into()
        })
    );
}

// ---------------------------------------------------------------- status responses and codes

#[test]
fn preauth_greeting() {
    let r = s("S: * PREAUTH [CAPABILITY IMAP4rev1 IDLE] Logged in as Smith");
    assert_eq!(r.kind, Some("PREAUTH"));
    assert_eq!(
        status(&r).1,
        Some(&Code::Capability(vec!["IMAP4rev1".into(), "IDLE".into()]))
    );
}

#[test]
fn codes_of_rfc_3501() {
    assert_eq!(
        status(&s("S: * NO [ALERT] Mailbox is full")).1,
        Some(&Code::Alert)
    );
    assert_eq!(
        status(&s("S: a NO [PARSE] Bad header")).1,
        Some(&Code::Parse)
    );
    assert_eq!(
        status(&s("S: a NO [TRYCREATE] No such mailbox")).1,
        Some(&Code::TryCreate)
    );
    assert_eq!(
        status(&s("S: a OK [READ-ONLY] EXAMINE completed")).1,
        Some(&Code::ReadOnly)
    );
    let r = s(r#"S: a NO [BADCHARSET (UTF-8 "ISO-8859-1")] Unsupported charset"#);
    assert_eq!(
        status(&r).1,
        Some(&Code::BadCharset(vec!["UTF-8".into(), "ISO-8859-1".into()]))
    );
    assert_eq!(
        status(&s("S: a NO [BADCHARSET] No such charset")).1,
        Some(&Code::BadCharset(vec![]))
    );
}

#[test]
fn uidplus_codes() {
    let r = s("S: A003 OK [APPENDUID 38505 3955] APPEND completed");
    let Some(Code::AppendUid { validity, uids }) = status(&r).1 else {
        panic!()
    };
    assert_eq!((*validity, uids.to_string()), (38505, "3955".into()));
    let r = s("S: A004 OK [COPYUID 38505 304,319:320 3956:3958] Done");
    let Some(Code::CopyUid {
        validity,
        source,
        destination,
    }) = status(&r).1
    else {
        panic!()
    };
    assert_eq!(
        (*validity, source.to_string(), destination.to_string()),
        (38505, "304,319:320".into(), "3956:3958".into())
    );
    let r = s("S: A005 OK [UIDNOTSTICKY] Non-persistent UIDs");
    assert_eq!(status(&r).1.map(Code::name), Some("UIDNOTSTICKY"));
    assert!(!has(&r, "unknown-code"));
}

#[test]
fn condstore_codes() {
    assert_eq!(
        status(&s("S: * OK [HIGHESTMODSEQ 715194045007] Highest")).1,
        Some(&Code::HighestModSeq(715194045007))
    );
    let r = s("S: * OK [NOMODSEQ] Sorry, this mailbox format doesn't support modsequences");
    assert_eq!(
        status(&r).1,
        Some(&Code::Other {
            name: "NOMODSEQ".into(),
            argument: None
        })
    );
    let r = s("S: d105 OK [MODIFIED 7,9] Conditional STORE failed");
    let Some(Code::Modified(set)) = status(&r).1 else {
        panic!()
    };
    assert_eq!(set.to_string(), "7,9");
    assert_eq!(
        status(&s("S: * OK [CLOSED] Previous mailbox closed"))
            .1
            .map(Code::name),
        Some("CLOSED")
    );
}

#[test]
fn referral_code() {
    let r = s("S: A001 NO [REFERRAL IMAP://user;AUTH=*@SERVER2/] Specified user is invalid on this server.");
    assert_eq!(
        status(&r).1,
        Some(&Code::Referral("IMAP://user;AUTH=*@SERVER2/".into()))
    );
}

#[test]
fn unknown_codes_are_kept_and_named() {
    let r = s("S: * OK [XYZZY-MAGIC 42 and more] Nothing happens");
    assert_eq!(
        status(&r).1,
        Some(&Code::Other {
            name: "XYZZY-MAGIC".into(),
            argument: Some("42 and more".into())
        })
    );
    let d = r
        .diagnostics
        .iter()
        .find(|d| d.code == "unknown-code")
        .expect("a note");
    assert_eq!((d.severity, d.column), (Severity::Note, 7));
}

#[test]
fn keywords_are_case_insensitive() {
    let r = s("S: a1 ok [read-write] done");
    assert_eq!(status(&r), (Status::Ok, Some(&Code::ReadWrite), "done"));
    assert_eq!(data(&s("S: * 3 exists")), &Data::Exists(3));
}

#[test]
fn quirk_missing_text_after_a_code() {
    let (r, d) = s_diag("S: * OK [UIDVALIDITY 1]", "quirk-missing-text");
    assert_eq!((d.severity, d.column), (Severity::Note, 21));
    assert_eq!(status(&r), (Status::Ok, Some(&Code::UidValidity(1)), ""));
}

#[test]
fn quirk_missing_text_after_the_status() {
    let (r, d) = s_diag("S: a107 OK", "quirk-missing-text");
    assert_eq!((d.severity, d.column), (Severity::Note, 8));
    assert_eq!(
        (r.tag.as_deref(), status(&r)),
        (Some("a107"), (Status::Ok, None, ""))
    );
}

#[test]
fn an_empty_text_after_a_space_is_still_named() {
    let (_, d) = s_diag("S: a1 NO ", "quirk-missing-text");
    assert_eq!(d.severity, Severity::Note);
}

// ---------------------------------------------------------------- server and mailbox data

#[test]
fn capability_and_enabled() {
    let r = s("S: * CAPABILITY IMAP4rev1 STARTTLS AUTH=GSSAPI LOGINDISABLED");
    assert_eq!(
        data(&r),
        &Data::Capability(vec![
            "IMAP4rev1".into(),
            "STARTTLS".into(),
            "AUTH=GSSAPI".into(),
            "LOGINDISABLED".into()
        ])
    );
    let r = s("S: * ENABLED");
    assert_eq!(
        (r.kind, data(&r)),
        (Some("ENABLED"), &Data::Enabled(vec![]))
    );
}

#[test]
fn id_response_list_and_nil() {
    let r = s(
        r#"S: * ID ("name" "Cyrus" "version" "1.5" "os" "sunos" "os-version" "5.5" "support-url" "mailto:cyrus-bugs+@andrew.cmu.edu")"#,
    );
    let Data::Id(Some(pairs)) = data(&r) else {
        panic!()
    };
    assert_eq!(
        (pairs.len(), pairs[0].clone()),
        (5, ("name".into(), Some("Cyrus".into())))
    );
    let r = s(r#"S: * ID ("name" "Dovecot" "x-extra" NIL)"#);
    let Data::Id(Some(pairs)) = data(&r) else {
        panic!()
    };
    assert_eq!(pairs[1], ("x-extra".into(), None));
    assert_eq!(data(&s("S: * ID NIL")), &Data::Id(None));
}

#[test]
fn quirk_empty_id_list() {
    let (r, d) = s_diag("S: * ID ()", "quirk-empty-id-list");
    assert_eq!((d.severity, d.column), (Severity::Note, 6));
    assert_eq!(data(&r), &Data::Id(Some(vec![])));
}

#[test]
fn namespace_with_extensions_and_several_prefixes() {
    let r = s(r##"S: * NAMESPACE (("" "/")("#mh/" "/" "X-PARAM" ("FLAG1" "FLAG2"))) NIL NIL"##);
    let Data::Namespace {
        personal: Some(p),
        other: None,
        shared: None,
    } = data(&r)
    else {
        panic!()
    };
    assert_eq!(
        p[1],
        NamespaceDescr {
            prefix: "#mh/".into(),
            delimiter: Some('/')
        }
    );
    let r = s(
        r##"S: * NAMESPACE (("" "/")) (("~" "/")) (("#shared/" "/")("#public/" "/")("#ftp/" "/")("#news." "."))"##,
    );
    let Data::Namespace {
        shared: Some(shared),
        ..
    } = data(&r)
    else {
        panic!()
    };
    assert_eq!(shared.len(), 4);
    let r = s(r#"S: * NAMESPACE NIL NIL (("" NIL))"#);
    let Data::Namespace {
        shared: Some(shared),
        ..
    } = data(&r)
    else {
        panic!()
    };
    assert_eq!(shared[0].delimiter, None);
}

#[test]
fn quirk_extra_space_in_namespace_rfc_2342_example() {
    let (r, d) = s_diag(
        r#"S: * NAMESPACE (("INBOX." ".")) NIL  NIL"#,
        "quirk-extra-space",
    );
    assert_eq!((d.severity, d.column), (Severity::Note, 34));
    assert!(matches!(
        data(&r),
        Data::Namespace {
            personal: Some(_),
            other: None,
            shared: None
        }
    ));
}

#[test]
fn list_decodes_modified_utf7_and_nil_delimiter() {
    let r = s(r#"S: * LIST (\HasNoChildren \Drafts) "/" "Entw&APw-rfe""#);
    let Data::List(item) = data(&r) else { panic!() };
    assert_eq!(
        (item.mailbox.name.as_str(), item.mailbox.raw.text().as_ref()),
        ("Entwürfe", "Entw&APw-rfe")
    );
    assert_eq!(
        item.attributes,
        vec![r"\HasNoChildren".to_owned(), r"\Drafts".to_owned()]
    );
    let r = s("S: * LIST (\\Noinferiors) NIL INBOX");
    let Data::List(item) = data(&r) else { panic!() };
    assert_eq!(item.delimiter, None);
    let r = s(r#"S: * LIST () "\\" "Archive\\2024""#);
    let Data::List(item) = data(&r) else { panic!() };
    assert_eq!(item.delimiter, Some('\\'));
}

#[test]
fn list_with_a_literal_mailbox_name() {
    let r = s_bytes(b"* LIST () \"/\" {11}\r\nSent \"Mail\"\r\n");
    let Data::List(item) = data(&r) else { panic!() };
    assert_eq!(item.mailbox.name, "Sent \"Mail\"");
}

#[test]
fn lsub() {
    let r = s(r#"S: * LSUB () "." #news.comp.mail.misc"#);
    let Data::Lsub(item) = data(&r) else { panic!() };
    assert_eq!(
        (r.kind, item.mailbox.name.as_str(), item.delimiter),
        (Some("LSUB"), "#news.comp.mail.misc", Some('.'))
    );
}

#[test]
fn quirk_extra_space_in_list_rfc_5819_example() {
    let (r, _) = s_diag(
        r#"S: * LIST (\Subscribed) "."  "INBOX""#,
        "quirk-extra-space",
    );
    assert!(matches!(data(&r), Data::List(item) if item.mailbox.is_inbox()));
}

#[test]
fn status_values_are_number64() {
    let r = s("S: * STATUS blurdybloop (MESSAGES 231 UIDNEXT 44292 HIGHESTMODSEQ 7011231777 SIZE 9000000000 APPENDLIMIT 35651584)");
    let Data::MailboxStatus { items, .. } = data(&r) else {
        panic!()
    };
    assert_eq!(items[2], ("HIGHESTMODSEQ".into(), 7011231777));
    assert_eq!(items[3], ("SIZE".into(), 9_000_000_000));
    assert_eq!(items[4], ("APPENDLIMIT".into(), 35651584));
    let r = s(r#"S: * STATUS "Sent Items" ()"#);
    assert!(
        matches!(data(&r), Data::MailboxStatus { mailbox, items, .. } if mailbox.name == "Sent Items" && items.is_empty())
    );
}

#[test]
fn status_reads_mailboxid_and_skips_other_non_numeric_items_with_a_note() {
    // RFC 8474 §4.3: MAILBOXID's value is an ObjectID in parentheses, not a counter.
    let r = s("S: * STATUS foo (MESSAGES 3 MAILBOXID (F2212ea87-6097-4256-9d51-71338625))");
    assert!(
        matches!(data(&r), Data::MailboxStatus { items, mailbox_id: Some(id), .. }
            if items == &vec![("MESSAGES".to_owned(), 3)] && id == "F2212ea87-6097-4256-9d51-71338625")
    );
    assert!(!has(&r, "non-numeric-status-item"));
    // RFC 7889's APPENDLIMIT NIL is still skipped, with a note.
    let r = s("S: * STATUS foo (MESSAGES 3 APPENDLIMIT NIL)");
    assert!(
        matches!(data(&r), Data::MailboxStatus { items, mailbox_id: None, .. } if items == &vec![("MESSAGES".to_owned(), 3)])
    );
    assert!(has(&r, "non-numeric-status-item"));
}

#[test]
fn search_results() {
    assert_eq!(
        data(&s("S: * SEARCH 2 3 6")),
        &Data::Search {
            numbers: vec![2, 3, 6],
            modseq: None
        }
    );
    let r = s("S: * SEARCH");
    assert_eq!(
        (r.kind, data(&r)),
        (
            Some("SEARCH"),
            &Data::Search {
                numbers: vec![],
                modseq: None
            }
        )
    );
    assert!(r.diagnostics.is_empty());
    let r = s("S: * SEARCH 2 5 6 7 11 12 18 19 20 23 (MODSEQ 917162500)");
    assert_eq!(
        data(&r),
        &Data::Search {
            numbers: vec![2, 5, 6, 7, 11, 12, 18, 19, 20, 23],
            modseq: Some(917162500)
        }
    );
}

#[test]
fn quirk_trailing_space_after_search_results() {
    let (r, d) = s_diag("S: * SEARCH 2 3 ", "quirk-trailing-space");
    assert_eq!((d.severity, d.column), (Severity::Note, 13));
    assert_eq!(
        data(&r),
        &Data::Search {
            numbers: vec![2, 3],
            modseq: None
        }
    );
}

#[test]
fn esearch_with_modseq_and_nothing_found() {
    let r = s(r#"S: * ESEARCH (TAG "a4") MIN 2 COUNT 10 MODSEQ 917162500"#);
    let Data::ESearch { items, .. } = data(&r) else {
        panic!()
    };
    assert_eq!(
        items.last(),
        Some(&("MODSEQ".to_owned(), "917162500".to_owned()))
    );
    let r = s(r#"S: * ESEARCH (TAG "A284")"#);
    assert_eq!(
        data(&r),
        &Data::ESearch {
            tag: Some("A284".into()),
            uid: false,
            items: vec![]
        }
    );
}

#[test]
fn vanished_and_vanished_earlier() {
    let r = s("S: * VANISHED (EARLIER) 41,43:116,118,120:211,214:540");
    let Data::Vanished { earlier, uids } = data(&r) else {
        panic!()
    };
    assert_eq!(
        (*earlier, uids.to_string()),
        (true, "41,43:116,118,120:211,214:540".into())
    );
    let r = s("S: * VANISHED 405,407,410,425");
    assert!(matches!(data(&r), Data::Vanished { earlier: false, .. }));
    assert_eq!(r.kind, Some("VANISHED"));
}

// ---------------------------------------------------------------- FETCH items

#[test]
fn fetch_rfc822_family() {
    let r = s_bytes(
        b"* 2 FETCH (RFC822.HEADER {15}\r\nSubject: hi\r\n\r\n RFC822.TEXT NIL RFC822 \"x\")\r\n",
    );
    let items = fetch(&r).1;
    assert!(
        matches!(&items[0], MessageAttribute::Rfc822Header(Some(h)) if h.bytes == b"Subject: hi\r\n\r\n")
    );
    assert_eq!(items[1], MessageAttribute::Rfc822Text(None));
    assert!(matches!(&items[2], MessageAttribute::Rfc822(Some(x)) if x.form == StringForm::Quoted));
}

#[test]
fn fetch_body_section_with_origin_and_header_fields() {
    let r = s_bytes(b"* 5 FETCH (UID 9 BODY[HEADER.FIELDS (FROM SUBJECT)]<0> {17}\r\nFrom: a@b.c\r\n\r\n\r\n)\r\n");
    let MessageAttribute::BodySection {
        section,
        origin,
        data,
    } = &fetch(&r).1[1]
    else {
        panic!()
    };
    assert_eq!(
        section.text,
        SectionText::HeaderFields(vec!["FROM".into(), "SUBJECT".into()])
    );
    assert_eq!(
        (*origin, data.as_ref().map(|d| d.bytes.len())),
        (Some(0), Some(17))
    );
    let r = s("S: * 5 FETCH (BODY[1.2.MIME] NIL)");
    assert!(
        matches!(&fetch(&r).1[0], MessageAttribute::BodySection { section, data: None, .. } if section.part == vec![1, 2])
    );
}

#[test]
fn fetch_binary_items() {
    let r = s_bytes(
        b"* 6 FETCH (BINARY[2] ~{4}\r\n\x00\x01\x02\x03 BINARY.SIZE[2] 4 BINARY[] NIL)\r\n",
    );
    let items = fetch(&r).1;
    assert!(
        matches!(&items[0], MessageAttribute::Binary { part, origin: None, data: Some(d) } if part == &vec![2] && d.bytes == [0, 1, 2, 3])
    );
    assert_eq!(
        items[1],
        MessageAttribute::BinarySize {
            part: vec![2],
            size: 4
        }
    );
    assert_eq!(
        items[2],
        MessageAttribute::Binary {
            part: vec![],
            origin: None,
            data: None
        }
    );
}

#[test]
fn fetch_modseq_and_recent_flag() {
    let r = s(r"S: * 50 FETCH (UID 150 FLAGS (\Seen \Recent $Forwarded) MODSEQ (12121231000))");
    let items = fetch(&r).1;
    assert_eq!(
        items[1],
        MessageAttribute::Flags(flags(&[r"\Seen", r"\Recent", "$Forwarded"]))
    );
    assert_eq!(items[2], MessageAttribute::ModSeq(12121231000));
}

#[test]
fn fetch_extension_items_have_parsers_of_their_own() {
    let r = s(
        r#"S: * 1 FETCH (UID 3 SAVEDATE "27-Jun-2024 16:19:35 +0000" EMAILID (M6d99ac3275bb4e) THREADID NIL PREVIEW "Hello. I am using telnet" FLAGS ())"#,
    );
    let items = fetch(&r).1;
    // SAVEDATE (RFC 8514), EMAILID and THREADID (RFC 8474) and PREVIEW (RFC 8970) have
    // parsers of their own.
    assert_eq!(
        items[1],
        MessageAttribute::SaveDate(Some("27-Jun-2024 16:19:35 +0000".into()))
    );
    assert_eq!(
        items[2],
        MessageAttribute::EmailId("M6d99ac3275bb4e".into())
    );
    assert_eq!(items[3], MessageAttribute::ThreadId(None));
    assert_eq!(items[4].name(), "PREVIEW");
    assert_eq!(items[5], MessageAttribute::Flags(vec![]));
    assert!(!has(&r, "unknown-fetch-item"));
}

#[test]
fn unknown_fetch_item_with_nested_parens_and_literal() {
    let r = s_bytes(b"* 1 FETCH (X-STRANGE (a (b \")\" {3}\r\n)))) c) UID 8)\r\n");
    let items = fetch(&r).1;
    assert_eq!(
        items[0],
        MessageAttribute::Other {
            name: "X-STRANGE".into(),
            value: "(a (b \")\" {3}\r\n)))) c)".into()
        }
    );
    assert_eq!(items[1], MessageAttribute::Uid(8));
    let d = r
        .diagnostics
        .iter()
        .find(|d| d.code == "unknown-fetch-item")
        .expect("a note");
    assert_eq!((d.severity, d.column), (Severity::Note, 12));
}

#[test]
fn envelope_with_group_syntax_and_nil_hosts() {
    let r = s(
        r#"S: * 7 FETCH (ENVELOPE (NIL "Meeting" ((NIL NIL "team" NIL)("Ann" NIL "ann" "example.org")(NIL NIL NIL NIL)) NIL NIL ((NIL NIL "undisclosed-recipients" NIL)(NIL NIL NIL NIL)) NIL NIL NIL NIL))"#,
    );
    let MessageAttribute::Envelope(env) = &fetch(&r).1[0] else {
        panic!()
    };
    assert!(env.date.is_none());
    assert_eq!(env.from.len(), 3);
    assert!(env.from[0].is_group_start() && env.from[2].is_group_end());
    assert_eq!(env.from[1].email().as_deref(), Some("ann@example.org"));
    assert!(env.sender.is_empty() && env.to[0].is_group_start());
}

#[test]
fn envelope_strings_as_literals() {
    let r = s_bytes(
        b"* 8 FETCH (ENVELOPE (NIL {10}\r\nSubj \"x\" y NIL NIL NIL NIL NIL NIL NIL NIL))\r\n",
    );
    let MessageAttribute::Envelope(env) = &fetch(&r).1[0] else {
        panic!()
    };
    assert_eq!(env.subject.as_ref().unwrap().bytes, b"Subj \"x\" y");
}

#[test]
fn quirk_spaces_between_addresses() {
    let (r, d) = s_diag(
        r#"S: * 7 FETCH (ENVELOPE (NIL NIL ((NIL NIL "a" "x.org") (NIL NIL "b" "x.org")) NIL NIL NIL NIL NIL NIL NIL))"#,
        "quirk-spaces-between-addresses",
    );
    assert_eq!((d.severity, d.column), (Severity::Note, 52));
    let MessageAttribute::Envelope(env) = &fetch(&r).1[0] else {
        panic!()
    };
    assert_eq!(env.from.len(), 2);
}

#[test]
fn bodystructure_message_rfc822_nests_an_envelope_and_a_body() {
    let r = s(
        r#"S: * 9 FETCH (BODYSTRUCTURE (("TEXT" "PLAIN" ("CHARSET" "utf-8") NIL NIL "7BIT" 30 2 NIL NIL NIL NIL)("MESSAGE" "RFC822" ("NAME" "fwd.eml") NIL NIL "7BIT" 600 (NIL "Inner" ((NIL NIL "x" "y.org")) NIL NIL NIL NIL NIL NIL NIL) (("TEXT" "PLAIN" NIL NIL NIL "QUOTED-PRINTABLE" 100 4 NIL NIL NIL NIL)("TEXT" "HTML" NIL NIL NIL "BASE64" 200 3 NIL NIL NIL NIL) "ALTERNATIVE" ("BOUNDARY" "in") NIL NIL NIL) 20 NIL ("attachment" ("FILENAME" "fwd.eml")) NIL NIL) "MIXED" ("BOUNDARY" "out") NIL ("en" "de") "http://x/y"))"#,
    );
    let MessageAttribute::BodyStructure(b) = &fetch(&r).1[0] else {
        panic!()
    };
    let BodyStructure::Multi {
        parts,
        subtype,
        extension,
    } = b.as_ref()
    else {
        panic!()
    };
    assert_eq!(
        (subtype.as_str(), extension.as_deref()),
        (
            "MIXED",
            Some(r#"("BOUNDARY" "out") NIL ("en" "de") "http://x/y""#)
        )
    );
    let BodyStructure::Single {
        message: Some(inner),
        lines: Some(20),
        extension,
        ..
    } = &parts[1]
    else {
        panic!("{:?}", parts[1])
    };
    assert_eq!(
        extension.as_deref(),
        Some(r#"NIL ("attachment" ("FILENAME" "fwd.eml")) NIL NIL"#)
    );
    assert_eq!(inner.0.subject.as_ref().unwrap().text(), "Inner");
    assert!(
        matches!(&inner.1, BodyStructure::Multi { parts, subtype, .. } if parts.len() == 2 && subtype == "ALTERNATIVE")
    );
}

#[test]
fn bodystructure_basic_part_and_literal_in_extension() {
    let r = s_bytes(b"* 9 FETCH (BODYSTRUCTURE (\"IMAGE\" \"PNG\" NIL \"<id@x>\" NIL \"BASE64\" 1234 NIL (\"inline\" NIL) NIL {5}\r\n) (x)) UID 4)\r\n");
    let items = fetch(&r).1;
    let MessageAttribute::BodyStructure(b) = &items[0] else {
        panic!()
    };
    let BodyStructure::Single {
        lines, extension, ..
    } = b.as_ref()
    else {
        panic!()
    };
    assert_eq!(
        (*lines, extension.as_deref()),
        (None, Some("NIL (\"inline\" NIL) NIL {5}\r\n) (x)"))
    );
    assert_eq!(items[1], MessageAttribute::Uid(4));
}

#[test]
fn quirk_nil_encoding_and_empty_parameter_list() {
    let r = s(r#"S: * 9 FETCH (BODY ("APPLICATION" "OCTET-STREAM" () NIL NIL NIL 10))"#);
    assert!(has(&r, "quirk-nil-encoding") && has(&r, "quirk-empty-parameter-list"));
    let MessageAttribute::Body(b) = &fetch(&r).1[0] else {
        panic!()
    };
    assert!(
        matches!(b.as_ref(), BodyStructure::Single { fields, .. } if fields.encoding.is_empty() && fields.parameters.is_empty())
    );
}

#[test]
fn a_big_literal_parses_in_linear_time() {
    let body = vec![b'x'; 16 * 1024 * 1024];
    let mut msg = format!("* 1 FETCH (UID 1 BODY[] {{{}}}\r\n", body.len()).into_bytes();
    msg.extend_from_slice(&body);
    msg.extend_from_slice(b" FLAGS (\\Seen))\r\n");
    let started = std::time::Instant::now();
    let r = s_bytes(&msg);
    let elapsed = started.elapsed();
    assert!(
        matches!(&fetch(&r).1[1], MessageAttribute::BodySection { data: Some(d), .. } if d.bytes.len() == body.len())
    );
    assert!(
        elapsed < std::time::Duration::from_secs(3),
        "16 MiB took {elapsed:?}"
    );
}

// ---------------------------------------------------------------- malformed lines

#[test]
fn misspelt_exists() {
    let (r, d) = s_diag("S: * 4 EXITS", "unknown-message-data");
    assert_eq!(
        (d.severity, d.column, d.suggestion.as_deref()),
        (Severity::Error, 5, Some("4 EXISTS"))
    );
    assert!(d.message.contains("`EXITS`"), "{}", d.message);
    assert_eq!((r.kind, r.response), (None, None));
}

#[test]
fn swapped_letters_are_one_slip_in_a_response_as_in_a_command() {
    // The same edit distance as the command front door: FECTH is one swap from FETCH.
    let (_, d) = s_diag("S: * 3 FECTH (FLAGS ())", "unknown-message-data");
    assert_eq!(d.suggestion.as_deref(), Some("3 FETCH"));
    let (_, d) = s_diag("S: * ENALBED IDLE", "unknown-response");
    assert_eq!(d.suggestion.as_deref(), Some("Did you mean ENABLED?"));
}

#[test]
fn missing_space_after_star_is_reported_and_read_past() {
    let (r, d) = s_diag("S: *4 EXISTS", "missing-space");
    assert_eq!((d.severity, d.column), (Severity::Error, 2));
    assert_eq!(
        (r.kind, r.response),
        (Some("EXISTS"), Some(Response::Data(Data::Exists(4))))
    );
}

#[test]
fn extra_space_after_the_tag() {
    let (r, d) = s_diag("S: A1  OK done", "extra-space");
    assert_eq!((d.severity, d.column), (Severity::Error, 4));
    assert_eq!(status(&r), (Status::Ok, None, "done"));
}

#[test]
fn a_broken_fetch_item_keeps_kind_number_and_earlier_items() {
    let (r, d) = s_diag(
        r"S: * 3 FETCH (UID 7 FLAGS (\Seen) ENVELOPE (oops))",
        "syntax-error",
    );
    assert_eq!(
        (r.kind, d.severity, d.column, d.rule),
        (Some("FETCH"), Severity::Error, 42, "env-date")
    );
    assert_eq!(d.expected.as_deref(), Some("a string or NIL"));
    assert!(d.message.contains("`oops))`"), "{}", d.message);
    let (seq, items) = fetch(&r);
    assert_eq!(
        (seq, items),
        (
            3,
            &[
                MessageAttribute::Uid(7),
                MessageAttribute::Flags(flags(&[r"\Seen"]))
            ][..]
        )
    );
}

#[test]
fn an_envelope_with_nine_fields() {
    let (_, d) = s_diag(
        "S: * 1 FETCH (ENVELOPE (NIL NIL NIL NIL NIL NIL NIL NIL NIL))",
        "missing-space",
    );
    assert_eq!((d.column, d.rule), (57, "env-message-id"));
}

#[test]
fn a_literal_shorter_than_announced() {
    let parsed = parse_response(b"* 3 FETCH (BODY[] {10}\r\nshort)\r\n");
    let d = parsed
        .diagnostics
        .iter()
        .find(|d| d.code == "literal-too-short")
        .expect("diagnosed");
    assert_eq!((d.severity, d.column), (Severity::Error, 25));
    assert_eq!(parsed.kind, Some("FETCH"));
}

#[test]
fn a_body_structure_not_closed() {
    let (r, d) = s_diag(
        r#"S: * 1 FETCH (BODYSTRUCTURE ("TEXT" "PLAIN" NIL NIL NIL "7BIT" 10 1)"#,
        "line-ends-early",
    );
    assert_eq!((d.column, d.rule, r.kind), (66, "msg-att", Some("FETCH")));
    assert!(matches!(
        &fetch(&r).1[0],
        MessageAttribute::BodyStructure(_)
    ));
}

#[test]
fn a_malformed_code_argument_falls_back_to_text() {
    let (r, d) = s_diag(
        "S: * OK [UIDNEXT abc] Predicted next UID",
        "bad-code-argument",
    );
    assert_eq!((d.severity, d.column), (Severity::Error, 15));
    assert!(d.message.contains("UIDNEXT"), "{}", d.message);
    assert_eq!(
        status(&r),
        (
            Status::Ok,
            Some(&Code::Other {
                name: "UIDNEXT".into(),
                argument: Some("abc".into())
            }),
            "Predicted next UID"
        )
    );
}

#[test]
fn a_uidvalidity_beyond_32_bits_is_a_warning() {
    // RFC 9051 §6.3.2's SELECT example has this number.
    let (r, d) = s_diag(
        "S: * OK [UIDVALIDITY 9877410381] UIDs valid",
        "number-out-of-range",
    );
    assert_eq!(d.severity, Severity::Warning);
    assert_eq!(
        status(&r).1,
        Some(&Code::Other {
            name: "UIDVALIDITY".into(),
            argument: Some("9877410381".into())
        })
    );
}

#[test]
fn an_unclosed_code() {
    let (r, d) = s_diag("S: * OK [ALERT Server going down", "unclosed-code");
    assert_eq!((d.severity, d.column), (Severity::Error, 6));
    assert_eq!(status(&r), (Status::Ok, None, "[ALERT Server going down"));
}

#[test]
fn quirk_badcharset_without_parentheses() {
    let (r, _) = s_diag(
        "S: B283 NO [BADCHARSET UTF-8] KOI8-R is not supported",
        "quirk-badcharset-without-parentheses",
    );
    assert_eq!(status(&r).1, Some(&Code::BadCharset(vec!["UTF-8".into()])));
}

#[test]
fn no_space_between_code_and_text() {
    let (r, d) = s_diag("S: a OK [READ-WRITE]Done", "missing-space");
    assert_eq!(d.column, 18);
    assert_eq!(status(&r), (Status::Ok, Some(&Code::ReadWrite), "Done"));
}

#[test]
fn a_client_line_pasted_as_a_server_line() {
    let (r, d) = s_diag("S: a1 FETCH 1:* (FLAGS)", "unknown-status");
    assert_eq!(
        (d.severity, d.column, r.tag.as_deref(), r.kind),
        (Severity::Error, 4, Some("a1"), None)
    );
    assert!(
        d.message.contains("looks like a line the client sent"),
        "{}",
        d.message
    );
}

#[test]
fn bye_is_never_tagged() {
    let (r, d) = s_diag("S: a1 BYE see you", "untagged-only-status");
    assert_eq!(
        (d.severity, d.suggestion.as_deref()),
        (Severity::Error, Some("* BYE ..."))
    );
    assert_eq!(status(&r), (Status::Bye, None, "see you"));
}

#[test]
fn exists_without_its_number() {
    let (r, d) = s_diag("S: * EXISTS", "missing-number");
    assert_eq!((d.column, r.response), (3, None));
}

#[test]
fn zero_is_not_a_message_number() {
    let (r, d) = s_diag("S: * 0 FETCH (UID 1)", "zero-message-number");
    assert_eq!(
        (d.severity, d.column, r.kind),
        (Severity::Error, 3, Some("FETCH"))
    );
}

#[test]
fn unknown_untagged_response_is_a_warning_with_a_hint() {
    let (r, d) = s_diag("S: * ANNOTATION INBOX", "unknown-response");
    assert_eq!(
        (d.severity, d.column, d.suggestion.clone(), r.response),
        (Severity::Warning, 3, None, None)
    );
    let (_, d) = s_diag("S: * CAPABILITES IMAP4rev1", "unknown-response");
    assert_eq!(d.suggestion.as_deref(), Some("Did you mean CAPABILITY?"));
}

#[test]
fn text_after_a_complete_response() {
    let (r, d) = s_diag(r"S: * 1 FETCH (FLAGS (\Seen)) trailing", "unexpected-text");
    assert_eq!((d.severity, d.column), (Severity::Error, 27));
    assert_eq!(fetch(&r).1.len(), 1);
}

#[test]
fn a_status_list_not_closed() {
    let (r, d) = s_diag("S: * STATUS INBOX (MESSAGES 3", "line-ends-early");
    assert_eq!(
        (d.severity, d.column, r.kind),
        (Severity::Error, 27, Some("STATUS"))
    );
    assert!(
        d.message.starts_with("The line ends too early"),
        "{}",
        d.message
    );
}

#[test]
fn a_delimiter_of_two_characters() {
    let (_, d) = s_diag(r#"S: * LIST () "ab" foo"#, "syntax-error");
    assert_eq!(d.column, 11);
    assert!(d.message.contains("exactly one character"), "{}", d.message);
}

#[test]
fn a_capability_list_without_the_version() {
    let (r, d) = s_diag(
        "S: * CAPABILITY STARTTLS IDLE",
        "capability-without-version",
    );
    assert_eq!(d.severity, Severity::Warning);
    assert_eq!(
        data(&r),
        &Data::Capability(vec!["STARTTLS".into(), "IDLE".into()])
    );
}

#[test]
fn an_empty_line() {
    let r = parse_response(b"\r\n");
    assert_eq!(
        r.diagnostics
            .iter()
            .map(|d| (d.code, d.column))
            .collect::<Vec<_>>(),
        vec![("empty-line", 1)]
    );
    assert_eq!(r.response, None);
}

#[test]
fn a_line_that_starts_with_garbage() {
    let (r, d) = s_diag("S: (FLAGS)", "bad-tag");
    assert_eq!((d.column, r.tag, r.response), (1, None, None));
}

#[test]
fn quirk_bare_lf_and_missing_crlf() {
    let r = parse_response(b"* 2 EXISTS\n");
    assert_eq!(r.response, Some(Response::Data(Data::Exists(2))));
    assert!(r
        .diagnostics
        .iter()
        .any(|d| d.code == "quirk-bare-lf" && d.severity == Severity::Note));
    let r = parse_response(b"* 2 EXISTS");
    assert_eq!(r.response, Some(Response::Data(Data::Exists(2))));
    let d = r
        .diagnostics
        .iter()
        .find(|d| d.code == "missing-crlf")
        .expect("warned");
    assert_eq!((d.severity, d.column), (Severity::Warning, 11));
}

#[test]
fn every_kind_is_in_the_vocabulary() {
    use imap_tutor::grammar::vocabulary::RESPONSES;
    let lines = RFC9051_SECTION_7.iter().map(|(l, _)| *l);
    for line in lines.chain([
        "S: * 1 RECENT",
        "S: * LSUB () \".\" a",
        "S: * SEARCH",
        "S: * ID NIL",
        "S: * VANISHED 1",
    ]) {
        let kind = s(line).kind.unwrap();
        assert!(RESPONSES.contains(&kind), "{kind} of {line}");
    }
}

#[test]
fn diagnostics_serialize_for_the_json_renderer() {
    let r = parse_response(b"* 4 EXITS\r\n");
    let json = serde_json::to_string(&r).unwrap();
    assert!(
        json.contains("\"code\":\"unknown-message-data\"")
            && json.contains("\"severity\":\"error\""),
        "{json}"
    );
}

#[test]
fn quirk_xlist_reads_as_list() {
    let (r, d) = s_diag(
        r#"S: * XLIST (\HasNoChildren \Inbox) "/" "INBOX""#,
        "quirk-xlist",
    );
    assert_eq!(d.severity, Severity::Note);
    let Data::List(item) = data(&r) else {
        panic!("{r:?}")
    };
    assert_eq!(item.attributes, vec!["\\HasNoChildren", "\\Inbox"]);
    assert_eq!(item.mailbox.name, "INBOX");
}

/// RFC 9586's `uidfetch-resp = uniqueid SP "UIDFETCH" SP msg-att`: the number is a UID.
#[test]
fn uidfetch_carries_a_uid_and_the_fetch_items() {
    let r = s(r"S: * 25996 UIDFETCH (FLAGS (\Seen) MODSEQ (12345))");
    assert_eq!(r.kind, Some("UIDFETCH"));
    let Data::UidFetch { uid, attributes } = data(&r) else {
        panic!("{r:?}")
    };
    assert_eq!(*uid, 25996);
    assert_eq!(
        attributes,
        &vec![
            MessageAttribute::Flags(vec![Flag("\\Seen".into())]),
            MessageAttribute::ModSeq(12345)
        ]
    );
    let (_, d) = s_diag("S: * 0 UIDFETCH (FLAGS ())", "zero-message-number");
    assert!(d.message.contains("UIDs"), "{}", d.message);
}

#[test]
fn uidrequired_is_a_known_code_without_argument() {
    let r = s("S: a3 BAD [UIDREQUIRED] Message numbers are not allowed");
    let (st, code, text) = status(&r);
    assert_eq!(st, Status::Bad);
    assert_eq!(
        code,
        Some(&Code::Other {
            name: "UIDREQUIRED".into(),
            argument: None
        })
    );
    assert_eq!(text, "Message numbers are not allowed");
    assert!(r.diagnostics.is_empty(), "{:?}", r.diagnostics);
}

/// Gmail's items (Google's "IMAP Extensions" examples) are typed, not kept as text.
#[test]
fn gmail_fetch_items_are_typed() {
    let r = s(
        r#"S: * 1 FETCH (X-GM-MSGID 1278455344230334865 X-GM-THRID 18446744073709551615 X-GM-LABELS (\Inbox \Sent Important "Muy Importante") UID 7)"#,
    );
    assert!(r.diagnostics.is_empty(), "{:?}", r.diagnostics);
    let Data::Fetch { attributes, .. } = data(&r) else {
        panic!("{r:?}")
    };
    assert_eq!(
        attributes,
        &vec![
            MessageAttribute::GmailMessageId(1278455344230334865),
            MessageAttribute::GmailThreadId(u64::MAX),
            MessageAttribute::GmailLabels(vec![
                "\\Inbox".into(),
                "\\Sent".into(),
                "Important".into(),
                "Muy Importante".into()
            ]),
            MessageAttribute::Uid(7),
        ]
    );
    let empty = s("S: * 3 FETCH (X-GM-LABELS ())");
    let Data::Fetch { attributes, .. } = data(&empty) else {
        panic!("{empty:?}")
    };
    assert_eq!(attributes, &vec![MessageAttribute::GmailLabels(vec![])]);
}

#[test]
fn a_broken_gmail_item_is_reported_where_it_breaks() {
    let (_, d) = s_diag("S: * 1 FETCH (X-GM-MSGID abc)", "syntax-error");
    assert_eq!(d.column, 23, "at abc");
    let (_, d) = s_diag("S: * 1 FETCH (X-GM-LABELS \\Inbox)", "syntax-error");
    assert_eq!(d.rule, "x-gm-labels");
}
