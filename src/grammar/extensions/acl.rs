//! ACL (RFC 4314): who may do what to a mailbox, as letters (`l` lookup, `r` read,
//! `s` keep \Seen, `w` write flags, `i` insert, `p` post, `k` create, `x` delete the
//! mailbox, `t` delete messages, `e` expunge, `a` administer). The commands SETACL,
//! DELETEACL, GETACL, LISTRIGHTS and MYRIGHTS (§3.1–§3.5), then the responses
//! (§3.6–§3.8); ABNF in §7. No fixture advertises it and the mock answers its commands
//! as a Dovecot without the acl plugin does (`BAD ... Unknown command`); the explainer
//! reads what a real server with ACLs sends.
//!
//! ```text
//! C: a SETACL INBOX/Drafts Chris +cda
//! C: b MYRIGHTS INBOX
//! S: * MYRIGHTS INBOX lrswipkxtecda
//! ```

use nom::bytes::complete::tag;
use nom::multi::{many0, many1};
use nom::sequence::preceded;
use nom::Parser;
use serde::Serialize;

use crate::grammar::args::{arg, label};
use crate::grammar::command::types::CommandBody;
use crate::grammar::core::{astring, keyword, sp};
use crate::grammar::error::{rule, PResult};
use crate::grammar::mailbox::{mailbox, Mailbox};

/// What the arguments are called in diagnostics.
const IDENTIFIER: &str = "an identifier: a user name, or anyone";
const MOD_RIGHTS: &str = "the rights, such as lrs, +w (add) or -w (remove)";

/// How SETACL changes an identifier's rights: `mod-rights = astring`, "+rights to add,
/// -rights to remove, rights to replace" (RFC 4314 §7, §3.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum RightsChange {
    Replace,
    Add,
    Remove,
}

/// `mod-rights` read: the change and the right letters after its sign.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ModRights {
    pub change: RightsChange,
    pub rights: String,
}

/// `mod-rights = astring` (RFC 4314 §7): a `+` or `-` prefix, then zero or more rights.
fn mod_rights(input: &[u8]) -> PResult<'_, ModRights> {
    let (rest, text) = word(input)?;
    let (change, rights) = match text.as_bytes().first() {
        Some(b'+') => (RightsChange::Add, &text[1..]),
        Some(b'-') => (RightsChange::Remove, &text[1..]),
        _ => (RightsChange::Replace, text.as_str()),
    };
    let rights = rights.to_owned();
    Ok((rest, ModRights { change, rights }))
}

/// The identifiers RFC 4314 §2 gives a meaning of their own.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum IdentifierKind {
    /// `anyone`: every user, anonymous ones included.
    Anyone,
    /// `-name`: negative rights, taken away from `name`.
    Negative,
    /// A user name, or a name the server defines.
    Other,
}

/// What kind of identifier `identifier` is.
pub(crate) fn identifier_kind(identifier: &str) -> IdentifierKind {
    if identifier.eq_ignore_ascii_case("anyone") {
        IdentifierKind::Anyone
    } else if identifier.len() > 1 && identifier.starts_with('-') {
        IdentifierKind::Negative
    } else {
        IdentifierKind::Other
    }
}

/// `mailbox SP identifier`, the two arguments SETACL, DELETEACL and LISTRIGHTS share.
fn mailbox_and_identifier(input: &[u8]) -> PResult<'_, (Mailbox, String)> {
    let (rest, mailbox) = arg(label::MAILBOX, mailbox)(input)?;
    let (rest, identifier) = arg(IDENTIFIER, word)(rest)?;
    Ok((rest, (mailbox, identifier)))
}

/// `setacl = "SETACL" SP mailbox SP identifier SP mod-rights` (RFC 4314 §3.1)
pub(crate) fn setacl(input: &[u8]) -> PResult<'_, CommandBody> {
    let (rest, _) = keyword("SETACL").parse(input)?;
    let (rest, (mailbox, identifier)) = mailbox_and_identifier(rest)?;
    let (rest, rights) = arg(MOD_RIGHTS, mod_rights)(rest)?;
    Ok((
        rest,
        CommandBody::SetAcl {
            mailbox,
            identifier,
            rights,
        },
    ))
}

/// `deleteacl = "DELETEACL" SP mailbox SP identifier` (RFC 4314 §3.2)
pub(crate) fn deleteacl(input: &[u8]) -> PResult<'_, CommandBody> {
    let (rest, _) = keyword("DELETEACL").parse(input)?;
    let (rest, (mailbox, identifier)) = mailbox_and_identifier(rest)?;
    Ok((
        rest,
        CommandBody::DeleteAcl {
            mailbox,
            identifier,
        },
    ))
}

/// `getacl = "GETACL" SP mailbox` (RFC 4314 §3.3)
pub(crate) fn getacl(input: &[u8]) -> PResult<'_, CommandBody> {
    let (rest, _) = keyword("GETACL").parse(input)?;
    let (rest, mailbox) = arg(label::MAILBOX, mailbox)(rest)?;
    Ok((rest, CommandBody::GetAcl { mailbox }))
}

/// `listrights = "LISTRIGHTS" SP mailbox SP identifier` (RFC 4314 §3.4)
pub(crate) fn listrights(input: &[u8]) -> PResult<'_, CommandBody> {
    let (rest, _) = keyword("LISTRIGHTS").parse(input)?;
    let (rest, (mailbox, identifier)) = mailbox_and_identifier(rest)?;
    Ok((
        rest,
        CommandBody::ListRights {
            mailbox,
            identifier,
        },
    ))
}

/// `myrights = "MYRIGHTS" SP mailbox` (RFC 4314 §3.5)
pub(crate) fn myrights(input: &[u8]) -> PResult<'_, CommandBody> {
    let (rest, _) = keyword("MYRIGHTS").parse(input)?;
    let (rest, mailbox) = arg(label::MAILBOX, mailbox)(rest)?;
    Ok((rest, CommandBody::MyRights { mailbox }))
}

// ---- responses

/// `identifier = astring`, `rights = astring` (RFC 4314 §7), as text.
fn word(input: &[u8]) -> PResult<'_, String> {
    astring.map(|s| s.text().into_owned()).parse(input)
}

/// `acl-data = "ACL" SP mailbox *(SP identifier SP rights)` (after the name): each
/// identifier with its rights.
pub(crate) fn acl_response(input: &[u8]) -> PResult<'_, (Mailbox, Vec<(String, String)>)> {
    let entry = (preceded(tag(" "), word), preceded(sp, word));
    rule("acl-data", (preceded(sp, mailbox), many0(entry))).parse(input)
}

/// `listrights-data = "LISTRIGHTS" SP mailbox SP identifier SP rights *(SP rights)`
/// (after the name): the rights always granted, then each group that may be granted.
pub(crate) fn listrights_response(input: &[u8]) -> PResult<'_, (Mailbox, String, Vec<String>)> {
    let rights = many1(preceded(tag(" "), word));
    rule(
        "listrights-data",
        (preceded(sp, mailbox), preceded(sp, word), rights),
    )
    .parse(input)
}

/// `myrights-data = "MYRIGHTS" SP mailbox SP rights` (after the name)
pub(crate) fn myrights_response(input: &[u8]) -> PResult<'_, (Mailbox, String)> {
    rule("myrights-data", (preceded(sp, mailbox), preceded(sp, word))).parse(input)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identifiers_with_a_meaning_of_their_own() {
        assert_eq!(identifier_kind("Anyone"), IdentifierKind::Anyone);
        assert_eq!(identifier_kind("-fred"), IdentifierKind::Negative);
        assert_eq!(identifier_kind("-"), IdentifierKind::Other);
        assert_eq!(identifier_kind("fred"), IdentifierKind::Other);
    }

    #[test]
    fn acl_responses_read_as_rfc_4314_writes_them() {
        let (_, (mbox, entries)) = acl_response(b" INBOX Fred rwipslxetad -Fred r").unwrap();
        assert_eq!(mbox.raw.text(), "INBOX");
        assert_eq!(
            entries,
            vec![
                ("Fred".to_owned(), "rwipslxetad".to_owned()),
                ("-Fred".to_owned(), "r".to_owned())
            ]
        );
        let (_, (_, who, rights)) =
            listrights_response(b" archive/imap smith la r swicdkxte").unwrap();
        assert_eq!((who.as_str(), rights.len()), ("smith", 3));
        assert!(listrights_response(b" INBOX smith").is_err());
        let (_, (mbox, rights)) = myrights_response(b" \"archive\" rwiptsldaex").unwrap();
        assert_eq!(
            (mbox.raw.text().into_owned(), rights.as_str()),
            ("archive".to_owned(), "rwiptsldaex")
        );
    }
}
