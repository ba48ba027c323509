//! Response codes: the bracketed `[...]` after OK, NO, BAD, PREAUTH and BYE
//! (RFC 9051 §7.1, RFC 3501 §7.1, RFC 5530, RFC 4315 UIDPLUS, RFC 7162 CONDSTORE,
//! RFC 2221 login referrals, RFC 5464 METADATA, RFC 8474 OBJECTID).
//!
//! A code tells a program what a status means; the text after it is for people.
//! Clients must ignore codes they do not know, so the grammar ends in a catch-all
//! (`atom [SP 1*<any TEXT-CHAR except "]">]`) and unknown codes become [`Code::Other`].

use nom::bytes::complete::{tag, take_while1};
use nom::combinator::{map, opt};
use nom::multi::separated_list0;
use nom::sequence::{delimited, preceded};
use nom::Parser;
use serde::Serialize;

use super::core::{as_str, atom, flag, is_atom_char, number64, nz_number, quoted, sp, Flag};
use super::error::{expect, rule, PResult};
use super::extensions::metadata::{metadata_code, MetadataCode};
use super::extensions::objectid::paren_objectid;
use super::response::Findings;
use super::sequence::{sequence_set, SequenceSet};

/// `resp-text-code` (RFC 9051 §7.1, RFC 5530, RFC 4315, RFC 7162).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub enum Code {
    Alert,
    BadCharset(Vec<String>),
    Capability(Vec<String>),
    Parse,
    PermanentFlags(Vec<Flag>),
    ReadOnly,
    ReadWrite,
    TryCreate,
    UidNext(u32),
    UidValidity(u32),
    Unseen(u32),
    /// `APPENDUID uidvalidity uid-set` (RFC 4315)
    AppendUid {
        validity: u32,
        uids: SequenceSet,
    },
    /// `COPYUID uidvalidity source-uids destination-uids` (RFC 4315)
    CopyUid {
        validity: u32,
        source: SequenceSet,
        destination: SequenceSet,
    },
    HighestModSeq(u64),
    /// `MODIFIED sequence-set` (RFC 7162): the messages a conditional STORE did not change.
    Modified(SequenceSet),
    /// `REFERRAL imapurl` (RFC 2221): try this other server or mailbox instead.
    Referral(String),
    /// `BADURL url` (RFC 4469 §4.1): the CATENATE URL the server refused.
    BadUrl(String),
    /// `BADEVENT (event ...)` (RFC 5465 §8): the NOTIFY events the server does not
    /// report, as sent (Dovecot leaves out the parentheses).
    BadEvent(String),
    /// `NOUPDATE "tag"` (RFC 5267 §4.3.1): no updates for the search with this tag.
    NoUpdate(String),
    /// `METADATA LONGENTRIES n` and SETMETADATA's failures (RFC 5464 §5).
    Metadata(MetadataCode),
    /// `MAILBOXID (objectid)` (RFC 8474 §4.1, §4.2): the mailbox's permanent identifier,
    /// on CREATE's tagged OK and in an untagged OK of SELECT and EXAMINE.
    MailboxId(String),
    /// Any other code: RFC 5530's argument-less codes (NONEXISTENT, ALREADYEXISTS, ...),
    /// UIDNOTSTICKY, NOMODSEQ, CLOSED, and unknown ones, with the argument as text.
    /// The name is upper-cased, as the knowledge base lists it.
    Other {
        name: String,
        argument: Option<String>,
    },
}

impl Code {
    /// The code's name as the knowledge base lists it.
    pub fn name(&self) -> &str {
        match self {
            Code::Alert => "ALERT",
            Code::BadCharset(_) => "BADCHARSET",
            Code::Capability(_) => "CAPABILITY",
            Code::Parse => "PARSE",
            Code::PermanentFlags(_) => "PERMANENTFLAGS",
            Code::ReadOnly => "READ-ONLY",
            Code::ReadWrite => "READ-WRITE",
            Code::TryCreate => "TRYCREATE",
            Code::UidNext(_) => "UIDNEXT",
            Code::UidValidity(_) => "UIDVALIDITY",
            Code::Unseen(_) => "UNSEEN",
            Code::AppendUid { .. } => "APPENDUID",
            Code::CopyUid { .. } => "COPYUID",
            Code::HighestModSeq(_) => "HIGHESTMODSEQ",
            Code::Modified(_) => "MODIFIED",
            Code::Referral(_) => "REFERRAL",
            Code::BadUrl(_) => "BADURL",
            Code::BadEvent(_) => "BADEVENT",
            Code::NoUpdate(_) => "NOUPDATE",
            Code::Metadata(_) => "METADATA",
            Code::MailboxId(_) => "MAILBOXID",
            Code::Other { name, .. } => name,
        }
    }

    /// A code without an argument that has no variant of its own (`NONEXISTENT`).
    pub(crate) fn other(name: &str) -> Code {
        Code::Other {
            name: name.to_owned(),
            argument: None,
        }
    }
}

/// The code as it goes on the wire, without the brackets: `APPENDUID 38505 3955`.
impl std::fmt::Display for Code {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())?;
        match self {
            Code::Alert
            | Code::Parse
            | Code::ReadOnly
            | Code::ReadWrite
            | Code::TryCreate
            | Code::Other { argument: None, .. } => Ok(()),
            Code::BadCharset(charsets) if charsets.is_empty() => Ok(()),
            Code::BadCharset(charsets) => write!(f, " ({})", charsets.join(" ")),
            Code::Capability(names) => write!(f, " {}", names.join(" ")),
            Code::PermanentFlags(flags) => {
                let names: Vec<&str> = flags.iter().map(|flag| flag.0.as_str()).collect();
                write!(f, " ({})", names.join(" "))
            }
            Code::UidNext(n) | Code::UidValidity(n) | Code::Unseen(n) => write!(f, " {n}"),
            Code::AppendUid { validity, uids } => write!(f, " {validity} {uids}"),
            Code::CopyUid {
                validity,
                source,
                destination,
            } => write!(f, " {validity} {source} {destination}"),
            Code::HighestModSeq(n) => write!(f, " {n}"),
            Code::Modified(set) => write!(f, " {set}"),
            Code::Referral(url) | Code::BadUrl(url) | Code::BadEvent(url) => write!(f, " {url}"),
            Code::NoUpdate(tag) => write!(f, " \"{tag}\""),
            Code::Metadata(m) => write!(f, " {m}"),
            Code::MailboxId(id) => write!(f, " ({id})"),
            Code::Other {
                argument: Some(argument),
                ..
            } => write!(f, " {argument}"),
        }
    }
}

/// The codes that have a variant (and a grammar) of their own, as [`Code::name`] gives them.
#[cfg(test)]
pub(crate) const NAMED: &[&str] = &[
    // RFC 3501 §7.1, RFC 9051 §7.1
    "ALERT",
    "BADCHARSET",
    "CAPABILITY",
    "PARSE",
    "PERMANENTFLAGS",
    "READ-ONLY",
    "READ-WRITE",
    "TRYCREATE",
    "UIDNEXT",
    "UIDVALIDITY",
    "UNSEEN",
    // RFC 4315 UIDPLUS
    "APPENDUID",
    "COPYUID",
    // RFC 7162 CONDSTORE
    "HIGHESTMODSEQ",
    "MODIFIED",
    // RFC 2221 LOGIN-REFERRALS
    "REFERRAL",
    // RFC 5267 CONTEXT=SEARCH
    "NOUPDATE",
    // RFC 4469 CATENATE
    "BADURL",
    // RFC 5465 NOTIFY
    "BADEVENT",
    // RFC 5464 METADATA
    "METADATA",
    // RFC 8474 OBJECTID
    "MAILBOXID",
];

/// Every code the tutor knows: [`NAMED`], then [`ARGUMENTLESS`].
#[cfg(test)]
pub(crate) const CODE_NAMES: &[&str] =
    &super::concat_names::<{ NAMED.len() + ARGUMENTLESS.len() }>(NAMED, ARGUMENTLESS);

/// Codes defined without an argument that the tutor knows by name. They parse to
/// [`Code::Other`] with no argument; anything else unknown gets a note.
pub(crate) const ARGUMENTLESS: &[&str] = &[
    // RFC 5530
    "UNAVAILABLE",
    "AUTHENTICATIONFAILED",
    "AUTHORIZATIONFAILED",
    "EXPIRED",
    "PRIVACYREQUIRED",
    "CONTACTADMIN",
    "NOPERM",
    "INUSE",
    "EXPUNGEISSUED",
    "CORRUPTION",
    "SERVERBUG",
    "CLIENTBUG",
    "CANNOT",
    "LIMIT",
    "OVERQUOTA",
    "ALREADYEXISTS",
    "NONEXISTENT",
    // RFC 9051 §7.1
    "CLOSED",
    "HASCHILDREN",
    "NOTSAVED",
    "UNKNOWN-CTE",
    // RFC 4315, RFC 7162, RFC 6154, RFC 4978, RFC 5267
    "UIDNOTSTICKY",
    "NOMODSEQ",
    "USEATTR",
    "COMPRESSIONACTIVE",
    // RFC 4469 CATENATE
    "TOOBIG",
    // RFC 5465 NOTIFY
    "NOTIFICATIONOVERFLOW",
    // RFC 9586 UIDONLY: a message number was used once UIDONLY was enabled
    "UIDREQUIRED",
];

/// `resp-text-code = "ALERT" / "BADCHARSET" [SP "(" charset *(SP charset) ")" ] /
///  capability-data / "PARSE" / "PERMANENTFLAGS" SP "(" [flag-perm *(SP flag-perm)] ")" /
///  "READ-ONLY" / "READ-WRITE" / "TRYCREATE" / "UIDNEXT" SP nz-number /
///  "UIDVALIDITY" SP nz-number / resp-code-apnd / resp-code-copy / "UIDNOTSTICKY" / ... /
///  atom [SP 1*<any TEXT-CHAR except "]">]`
///
/// Parses what is between `[` and `]`; the caller checks the `]`. A known code with a
/// malformed argument fails here, so the caller can say what was wrong and fall back to
/// [`generic_code`].
pub(crate) fn resp_text_code<'a>(cx: &Findings, input: &'a [u8]) -> PResult<'a, Code> {
    let (rest, name) =
        expect("a response code name such as ALERT or UIDNEXT", atom).parse(input)?;
    let upper = name.to_ascii_uppercase();
    let parsed = match upper.as_str() {
        "ALERT" => return Ok((rest, Code::Alert)),
        "PARSE" => return Ok((rest, Code::Parse)),
        "READ-ONLY" => return Ok((rest, Code::ReadOnly)),
        "READ-WRITE" => return Ok((rest, Code::ReadWrite)),
        "TRYCREATE" => return Ok((rest, Code::TryCreate)),
        "BADCHARSET" => badcharset(cx, rest),
        "CAPABILITY" => map(capabilities, Code::Capability).parse(rest),
        "PERMANENTFLAGS" => map(
            preceded(sp, super::core::paren_list(flag)),
            Code::PermanentFlags,
        )
        .parse(rest),
        "UIDNEXT" => map(preceded(sp, nz_number), Code::UidNext).parse(rest),
        "UIDVALIDITY" => map(preceded(sp, nz_number), Code::UidValidity).parse(rest),
        "UNSEEN" => map(preceded(sp, nz_number), Code::Unseen).parse(rest),
        "APPENDUID" => map(
            (preceded(sp, nz_number), preceded(sp, sequence_set)),
            |(validity, uids)| Code::AppendUid { validity, uids },
        )
        .parse(rest),
        "COPYUID" => map(
            (
                preceded(sp, nz_number),
                preceded(sp, sequence_set),
                preceded(sp, sequence_set),
            ),
            |(validity, source, destination)| Code::CopyUid {
                validity,
                source,
                destination,
            },
        )
        .parse(rest),
        "HIGHESTMODSEQ" => map(preceded(sp, number64), Code::HighestModSeq).parse(rest),
        "MODIFIED" => map(preceded(sp, sequence_set), Code::Modified).parse(rest),
        "REFERRAL" => map(preceded(sp, code_argument), |url| {
            Code::Referral(url.to_owned())
        })
        .parse(rest),
        // `"BADURL" SP url-resp-text` (RFC 4469 §5): the URL the server refused.
        "BADURL" => map(preceded(sp, code_argument), |url| {
            Code::BadUrl(url.to_owned())
        })
        .parse(rest),
        // `"BADEVENT" SP "(" event *(SP event) ")"` (RFC 5465 §8); Dovecot sends the
        // events without the parentheses, which this takes too.
        "BADEVENT" => map(preceded(sp, code_argument), |events| {
            Code::BadEvent(events.to_owned())
        })
        .parse(rest),
        // `"NOUPDATE" SP quoted` (RFC 5267 §5): the tag of the search refused updates.
        "NOUPDATE" => map(preceded(sp, quoted), |q| {
            Code::NoUpdate(q.text().into_owned())
        })
        .parse(rest),
        "METADATA" => map(metadata_code, Code::Metadata).parse(rest),
        "MAILBOXID" => map(paren_objectid, Code::MailboxId).parse(rest),
        _ => {
            let (rest, code) = generic_code(input)?;
            if !ARGUMENTLESS.contains(&upper.as_str()) {
                cx.note(
                    input,
                    super::error::Severity::Note,
                    "unknown-code",
                    "resp-text-code",
                    format!(
                        "The tutor does not know the response code {upper}. Codes belong to extensions; \
                         a client must ignore codes it does not know and read the status (OK, NO, BAD) instead."
                    ),
                );
            }
            return Ok((rest, code));
        }
    };
    parsed.map_err(|e| {
        e.map(|mut e| {
            e.rule.get_or_insert("resp-text-code");
            e
        })
    })
}

/// `"BADCHARSET" [SP "(" charset *(SP charset) ")" ]` (RFC 9051 §7.1), after the name;
/// the charsets without parentheses are taken too, with a quirk note.
fn badcharset<'a>(cx: &Findings, rest: &'a [u8]) -> PResult<'a, Code> {
    if let Some(bare) = rest.strip_prefix(b" ").filter(|r| !r.starts_with(b"(")) {
        cx.quirk(bare, "quirk-badcharset-without-parentheses", "resp-text-code", "The charsets after BADCHARSET are not in parentheses. The grammar wants `[BADCHARSET (UTF-8 US-ASCII)]`; RFC 9051's own SEARCH example writes `[BADCHARSET UTF-8]`. Clients accept both.");
        return map(
            nom::multi::separated_list1(tag(" "), charset),
            Code::BadCharset,
        )
        .parse(bare);
    }
    let charsets = delimited(
        tag("("),
        separated_list0(tag(" "), charset),
        expect(")", tag(")")),
    );
    map(opt(preceded(sp, charsets)), |c| {
        Code::BadCharset(c.unwrap_or_default())
    })
    .parse(rest)
}

/// `atom [SP 1*<any TEXT-CHAR except "]">]` — the catch-all for codes the grammar does not
/// model (or a known code whose argument did not parse). Name upper-cased, argument as text.
pub(crate) fn generic_code(input: &[u8]) -> PResult<'_, Code> {
    let (rest, name) = expect("a response code name", atom).parse(input)?;
    let (rest, argument) = opt(preceded(tag(" "), code_argument)).parse(rest)?;
    Ok((
        rest,
        Code::Other {
            name: name.to_ascii_uppercase(),
            argument: argument.map(str::to_owned),
        },
    ))
}

/// `1*<any TEXT-CHAR except "]">`
fn code_argument(input: &[u8]) -> PResult<'_, &str> {
    let (rest, bytes) = expect(
        "the code's argument",
        take_while1(|b| b != b']' && b != b'\r' && b != b'\n'),
    )
    .parse(input)?;
    Ok((rest, std::str::from_utf8(bytes).unwrap_or("")))
}

/// `capability-data = "CAPABILITY" *(SP capability) SP "IMAP4rev2" *(SP capability)`
/// (after the name); `capability = ("AUTH=" auth-type) / atom`.
///
/// IMAP4rev1 servers list `IMAP4rev1` instead of `IMAP4rev2`, so neither is required here;
/// the front door warns when both are missing.
pub(crate) fn capabilities(input: &[u8]) -> PResult<'_, Vec<String>> {
    let cap = map(take_while1(is_atom_char), |b| as_str(b).to_owned());
    rule(
        "capability-data",
        nom::multi::many0(preceded(tag(" "), cap)),
    )
    .parse(input)
}

/// `charset = atom / quoted`
fn charset(input: &[u8]) -> PResult<'_, String> {
    expect(
        "a charset name",
        nom::branch::alt((
            map(atom, str::to_owned),
            map(quoted, |q| q.text().into_owned()),
        )),
    )
    .parse(input)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn code(text: &str) -> (Code, String) {
        let cx = Findings::default();
        let (rest, c) =
            resp_text_code(&cx, text.as_bytes()).unwrap_or_else(|e| panic!("{text}: {e:?}"));
        (c, as_str(rest).to_owned())
    }

    #[test]
    fn known_codes_with_arguments() {
        assert_eq!(code("UIDNEXT 5]").0, Code::UidNext(5));
        assert_eq!(
            code("HIGHESTMODSEQ 715194045007]").0,
            Code::HighestModSeq(715194045007)
        );
        let (c, rest) = code("PERMANENTFLAGS (\\Deleted \\Seen \\*)] Limited");
        assert_eq!(
            c,
            Code::PermanentFlags(vec![
                Flag("\\Deleted".into()),
                Flag("\\Seen".into()),
                Flag("\\*".into())
            ])
        );
        assert_eq!(rest, "] Limited");
        assert!(matches!(
            code("COPYUID 38505 304,319:320 3956:3958]").0,
            Code::CopyUid {
                validity: 38505,
                ..
            }
        ));
        assert_eq!(
            code("BADCHARSET (UTF-8 \"KOI8-R\")]").0,
            Code::BadCharset(vec!["UTF-8".into(), "KOI8-R".into()])
        );
        assert_eq!(code("BADCHARSET]").0, Code::BadCharset(vec![]));
        assert_eq!(
            code("BADCHARSET UTF-8] x").0,
            Code::BadCharset(vec!["UTF-8".into()])
        );
    }

    #[test]
    fn unknown_codes_are_kept_as_text() {
        let (c, rest) = code("x-vendor-thing some args]");
        assert_eq!(
            c,
            Code::Other {
                name: "X-VENDOR-THING".into(),
                argument: Some("some args".into())
            }
        );
        assert_eq!(rest, "]");
        assert_eq!(code("nonexistent]").0.name(), "NONEXISTENT");
    }

    #[test]
    fn malformed_arguments_fail() {
        let cx = Findings::default();
        assert!(resp_text_code(&cx, b"UIDNEXT abc]").is_err());
        assert!(resp_text_code(&cx, b"UIDVALIDITY 0]").is_err());
    }

    #[test]
    fn codes_are_written_as_they_are_read() {
        for text in [
            "ALERT",
            "BADCHARSET (UTF-8 US-ASCII)",
            "CAPABILITY IMAP4rev1 IDLE AUTH=PLAIN",
            "PERMANENTFLAGS (\\Deleted \\Seen \\*)",
            "UIDVALIDITY 1719824692",
            "APPENDUID 38505 3955",
            "COPYUID 38505 304,319:320 3956:3958",
            "HIGHESTMODSEQ 715194045007",
            "MODIFIED 7,9",
            "METADATA MAXSIZE 1024",
            "MAILBOXID (F2212ea87-6097-4256-9d51-71338625)",
            "NONEXISTENT",
            "READ-WRITE",
        ] {
            let (parsed, rest) = code(&format!("{text}]"));
            assert_eq!((parsed.to_string(), rest.as_str()), (text.to_owned(), "]"));
        }
    }

    #[test]
    fn every_named_code_has_its_own_variant() {
        let samples = [
            "ALERT",
            "BADCHARSET",
            "CAPABILITY IMAP4rev1",
            "PARSE",
            "PERMANENTFLAGS ()",
            "READ-ONLY",
            "READ-WRITE",
            "TRYCREATE",
            "UIDNEXT 5",
            "UIDVALIDITY 5",
            "UNSEEN 5",
            "APPENDUID 5 5",
            "COPYUID 5 1 2",
            "HIGHESTMODSEQ 5",
            "MODIFIED 5",
            "REFERRAL imap://host/",
            "NOUPDATE \"a7\"",
            "BADURL /INBOX/;UID=9",
            "BADEVENT (AnnotationChange)",
            "METADATA LONGENTRIES 2199",
            "MAILBOXID (F2212ea87-6097-4256-9d51-71338625)",
        ];
        assert_eq!(samples.len(), NAMED.len());
        for (sample, name) in samples.iter().zip(NAMED) {
            let (parsed, _) = code(&format!("{sample}]"));
            assert!(!matches!(parsed, Code::Other { .. }), "{sample}");
            assert_eq!(parsed.name(), *name);
        }
    }
}
