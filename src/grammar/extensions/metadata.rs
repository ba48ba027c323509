//! METADATA (RFC 5464): named entries (`/private/comment`, `/shared/admin`) attached
//! to a mailbox, or to the server when the mailbox is "". The commands GETMETADATA
//! (§4.2, with its MAXSIZE and DEPTH options) and SETMETADATA (§4.3), then the
//! METADATA response (§4.4); ABNF in §5. No fixture advertises it; Dovecot without
//! `mail_attribute_dict` checks the arguments, then refuses with
//! `NO [CANNOT] Generic mailbox attributes not enabled` (the mock does the same).
//!
//! The grammar takes three things RFC 5464's ABNF does not and Dovecot does: an empty
//! list of options, of entries or of entry values, and an atom as a value. The front
//! door warns about each (`front_door/lint.rs`).
//!
//! ```text
//! C: a GETMETADATA (DEPTH 1 MAXSIZE 1024) "" /shared
//! C: b SETMETADATA INBOX (/private/comment "My own comment")
//! S: * METADATA "" (/shared/comment "Shared comment")
//! ```

use nom::branch::alt;
use nom::bytes::complete::tag;
use nom::multi::{many0, separated_list1};
use nom::sequence::preceded;
use nom::Parser;
use serde::Serialize;

use crate::grammar::args::{arg, at_eol, label, list};
use crate::grammar::command::types::CommandBody;
use crate::grammar::core::{astring, atom, keyword, nstring, number, sp, ImapString, StringForm};
use crate::grammar::error::{expect, fail, rule, PResult};
use crate::grammar::extensions::{ext_param, tagged_ext_label};
use crate::grammar::mailbox::{mailbox, Mailbox};

/// What the arguments are called in diagnostics.
pub(crate) const OPTION: &str = "an option: MAXSIZE <octets> or DEPTH 0, 1 or infinity";
pub(crate) const ENTRIES: &str =
    "an entry name such as /private/comment, or a list of them in parentheses";
pub(crate) const ENTRY: &str = "an entry name such as /private/comment or /shared/comment";
pub(crate) const VALUES: &str =
    "the entries and their values in parentheses, such as (/private/comment \"hi\")";
pub(crate) const VALUE: &str = "the entry's value: a string, or NIL to remove it";
pub(crate) const OPTIONS_FIRST: &str = "the end of the line, since options such as (MAXSIZE 1024) go before the mailbox (RFC 5464 §5; its examples in §4.2.1 and §4.2.2 put them after, against its own ABNF)";
pub(crate) const ENTRIES_IN_PARENS: &str = "the end of the line, since several entries go in one list, such as (/private/comment /shared/comment) (RFC 5464 §5)";
pub(crate) const MAXSIZE: &str = "the largest value to return, in octets";
pub(crate) const DEPTH: &str = "0, 1 or infinity";

/// `scope-opt = "DEPTH" SP ("0" / "1" / "infinity")` (RFC 5464 §4.2.2): which entries
/// below each named one come back as well.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum MetadataDepth {
    /// The named entries only (the default).
    Zero,
    /// Their immediate children too.
    One,
    /// Everything below them.
    Infinity,
}

/// `getmetadata-option = tagged-ext-label [SP tagged-ext-val]` (RFC 5464 §5).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub enum MetadataOption {
    /// `maxsize-opt = "MAXSIZE" SP number` (§4.2.1)
    MaxSize(u32),
    /// `scope-opt` (§4.2.2)
    Depth(MetadataDepth),
    /// A later extension's option, as written (name in capitals).
    Other(String),
}

/// Whose value an entry holds: its first component (RFC 5464 §3.2).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum EntryScope {
    /// `/private/...`: each user's own value.
    Private,
    /// `/shared/...`: one value for every authorised user.
    Shared,
    /// `/private/vendor/<token>/...` or `/shared/vendor/<token>/...` (§3.2.1.1):
    /// a product's own entries.
    Vendor,
    /// `/shared/admin` of the server (§3.2.1.1): how to reach its administrator.
    ServerAdmin,
    /// Neither /private nor /shared: no scope RFC 5464 defines.
    Unscoped,
}

/// The scope of `entry` (any case); `server` when the mailbox is "".
pub(crate) fn entry_scope(entry: &str, server: bool) -> EntryScope {
    let lower = entry.to_ascii_lowercase();
    if server && lower == "/shared/admin" {
        return EntryScope::ServerAdmin;
    }
    let mut parts = lower.split('/').skip(1);
    let scope = parts.next().unwrap_or_default();
    let vendor = parts.next() == Some("vendor");
    match scope {
        "private" | "shared" if vendor => EntryScope::Vendor,
        "private" => EntryScope::Private,
        "shared" => EntryScope::Shared,
        _ => EntryScope::Unscoped,
    }
}

/// `entry = astring` (RFC 5464 §5), as text.
fn entry(input: &[u8]) -> PResult<'_, String> {
    astring.map(|s| s.text().into_owned()).parse(input)
}

/// `getmetadata = "GETMETADATA" [SP getmetadata-options] SP mailbox SP entries`;
/// `getmetadata-options = "(" getmetadata-option *(SP getmetadata-option) ")"`;
/// `entries = entry / "(" entry *(SP entry) ")"` (RFC 5464 §4.2)
pub(crate) fn getmetadata(input: &[u8]) -> PResult<'_, CommandBody> {
    let (rest, _) = keyword("GETMETADATA").parse(input)?;
    let (rest, options) = if rest.starts_with(b" (") {
        arg(OPTION, list(0, OPTION, getmetadata_option))(rest)?
    } else {
        (rest, Vec::new())
    };
    let (rest, mailbox) = arg(label::MAILBOX, mailbox)(rest)?;
    let listed = rest.starts_with(b" (");
    let (rest, entries) = arg(ENTRIES, entries)(rest)?;
    // RFC 5464's own examples break its ABNF here twice (options after the mailbox in
    // §4.2.1 and §4.2.2, several entries without parentheses in §4.4.1): say which.
    if rest.first() == Some(&b' ') && !at_eol(&rest[1..]) {
        match (listed, rest[1]) {
            (true, b'(') => return fail(&rest[1..], OPTIONS_FIRST),
            (false, b) if b != b' ' => return fail(&rest[1..], ENTRIES_IN_PARENS),
            _ => {}
        }
    }
    Ok((
        rest,
        CommandBody::GetMetadata {
            options,
            mailbox,
            entries,
        },
    ))
}

/// `entries = entry / "(" entry *(SP entry) ")"`
fn entries(input: &[u8]) -> PResult<'_, Vec<String>> {
    if input.first() == Some(&b'(') {
        return list(0, ENTRY, |i| expect(ENTRY, entry).parse(i))(input);
    }
    let (rest, one) = expect(ENTRY, entry).parse(input)?;
    Ok((rest, vec![one]))
}

/// `getmetadata-option`: `maxsize-opt = "MAXSIZE" SP number` (§4.2.1),
/// `scope-opt = "DEPTH" SP ("0" / "1" / "infinity")` (§4.2.2), or another
/// `tagged-ext-label [SP tagged-ext-val]` (RFC 4466).
fn getmetadata_option(input: &[u8]) -> PResult<'_, MetadataOption> {
    let (after, name) = expect(OPTION, tagged_ext_label).parse(input)?;
    match name.to_ascii_uppercase().as_str() {
        "MAXSIZE" => {
            let (rest, n) = arg(MAXSIZE, number)(after)?;
            Ok((rest, MetadataOption::MaxSize(n)))
        }
        "DEPTH" => {
            let (rest, depth) = arg(DEPTH, depth)(after)?;
            Ok((rest, MetadataOption::Depth(depth)))
        }
        _ => {
            let (rest, other) = ext_param(input)?;
            Ok((rest, MetadataOption::Other(other)))
        }
    }
}

/// `"0" / "1" / "infinity"` (any case, as ABNF strings are).
fn depth(input: &[u8]) -> PResult<'_, MetadataDepth> {
    let (rest, word) = expect(DEPTH, atom).parse(input)?;
    let depth = match word.to_ascii_lowercase().as_str() {
        "0" => MetadataDepth::Zero,
        "1" => MetadataDepth::One,
        "infinity" => MetadataDepth::Infinity,
        _ => return fail(input, DEPTH),
    };
    Ok((rest, depth))
}

/// `setmetadata = "SETMETADATA" SP mailbox SP entry-values`;
/// `entry-values = "(" entry-value *(SP entry-value) ")"` (RFC 5464 §4.3)
pub(crate) fn setmetadata(input: &[u8]) -> PResult<'_, CommandBody> {
    let (rest, _) = keyword("SETMETADATA").parse(input)?;
    let (rest, mailbox) = arg(label::MAILBOX, mailbox)(rest)?;
    let (rest, values) = arg(VALUES, list(0, ENTRY, entry_value))(rest)?;
    Ok((rest, CommandBody::SetMetadata { mailbox, values }))
}

/// `entry-value = entry SP value`; `value = nstring / literal8` (a literal8 `~{n}` is
/// read by `nstring`'s literal). An atom is taken too, as Dovecot takes it; the front
/// door warns. None is NIL: remove the entry.
fn entry_value(input: &[u8]) -> PResult<'_, (String, Option<ImapString>)> {
    let (rest, name) = expect(ENTRY, entry).parse(input)?;
    let value = |i| match nstring(i) {
        Ok(done) => Ok(done),
        Err(_) => expect(VALUE, atom)
            .map(|a: &str| {
                Some(ImapString {
                    bytes: a.as_bytes().to_vec(),
                    form: StringForm::Atom,
                })
            })
            .parse(i),
    };
    let (rest, value) = arg(VALUE, value)(rest)?;
    Ok((rest, (name, value)))
}

// ---- responses

/// The METADATA response code (RFC 5464 §5): what GETMETADATA left out, or why
/// SETMETADATA failed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub enum MetadataCode {
    /// `LONGENTRIES n` (§4.2.1): MAXSIZE left out values; the largest is n octets.
    LongEntries(u32),
    /// `MAXSIZE n` (§4.3): a value was too large; the server takes n octets at most.
    MaxSize(u32),
    /// `TOOMANY` (§4.3): no room for another entry.
    TooMany,
    /// `NOPRIVATE` (§4.3): the server keeps no /private entries on this mailbox.
    NoPrivate,
}

impl std::fmt::Display for MetadataCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            MetadataCode::LongEntries(n) => write!(f, "LONGENTRIES {n}"),
            MetadataCode::MaxSize(n) => write!(f, "MAXSIZE {n}"),
            MetadataCode::TooMany => f.write_str("TOOMANY"),
            MetadataCode::NoPrivate => f.write_str("NOPRIVATE"),
        }
    }
}

/// `resp-text-code =/ "METADATA" SP "LONGENTRIES" SP number` and
/// `resp-text-code =/ "METADATA" SP ("MAXSIZE" SP number / "TOOMANY" / "NOPRIVATE")`
/// (RFC 5464 §5), after the name.
pub(crate) fn metadata_code(input: &[u8]) -> PResult<'_, MetadataCode> {
    let (rest, word) = preceded(sp, atom).parse(input)?;
    match word.to_ascii_uppercase().as_str() {
        "LONGENTRIES" => preceded(sp, number)
            .map(MetadataCode::LongEntries)
            .parse(rest),
        "MAXSIZE" => preceded(sp, number).map(MetadataCode::MaxSize).parse(rest),
        "TOOMANY" => Ok((rest, MetadataCode::TooMany)),
        "NOPRIVATE" => Ok((rest, MetadataCode::NoPrivate)),
        _ => fail(
            input,
            "LONGENTRIES, MAXSIZE, TOOMANY or NOPRIVATE after METADATA",
        ),
    }
}

/// What a METADATA response carries (RFC 5464 §4.4.1, §4.4.2).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub enum MetadataEntries {
    /// `entry-values`: each entry with its value (None is NIL: the entry does not exist).
    Values(Vec<(String, Option<String>)>),
    /// `entry-list`: the entries that changed, without values (unsolicited).
    Changed(Vec<String>),
}

/// `metadata-resp = "METADATA" SP mailbox SP (entry-values / entry-list)` (after the
/// name); `entry-values = "(" entry-value *(SP entry-value) ")"`,
/// `entry-value = entry SP value`, `value = nstring / literal8` (a literal8 `~{n}`, for
/// binary values, is not read: the line is then reported malformed),
/// `entry-list = entry *(SP entry)`.
pub(crate) fn metadata_response(input: &[u8]) -> PResult<'_, (Mailbox, MetadataEntries)> {
    let value = nstring.map(|v| v.map(|v| v.text().into_owned()));
    let values = (
        tag("("),
        separated_list1(tag(" "), (entry, preceded(sp, value))),
        expect(") to close the entry values", tag(")")),
    )
        .map(|(_, v, _)| MetadataEntries::Values(v));
    let list = (entry, many0(preceded(tag(" "), entry))).map(|(first, mut more)| {
        more.insert(0, first);
        MetadataEntries::Changed(more)
    });
    rule(
        "metadata-resp",
        (preceded(sp, mailbox), preceded(sp, alt((values, list)))),
    )
    .parse(input)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entries_are_scoped_by_their_first_component() {
        assert_eq!(entry_scope("/private/comment", false), EntryScope::Private);
        assert_eq!(entry_scope("/SHARED/Comment", false), EntryScope::Shared);
        assert_eq!(
            entry_scope("/shared/vendor/vendor.example/motd", true),
            EntryScope::Vendor
        );
        assert_eq!(entry_scope("/shared/admin", true), EntryScope::ServerAdmin);
        assert_eq!(entry_scope("/shared/admin", false), EntryScope::Shared);
        assert_eq!(entry_scope("/vendor/x", false), EntryScope::Unscoped);
        assert_eq!(entry_scope("comment", false), EntryScope::Unscoped);
    }

    #[test]
    fn metadata_codes_read_as_rfc_5464_writes_them() {
        let code = |text: &'static [u8]| metadata_code(text).ok().map(|(rest, c)| (rest.len(), c));
        assert_eq!(
            code(b" LONGENTRIES 2199"),
            Some((0, MetadataCode::LongEntries(2199)))
        );
        assert_eq!(
            code(b" maxsize 1024"),
            Some((0, MetadataCode::MaxSize(1024)))
        );
        assert_eq!(code(b" TOOMANY"), Some((0, MetadataCode::TooMany)));
        assert_eq!(code(b" NOPRIVATE"), Some((0, MetadataCode::NoPrivate)));
        assert!(code(b" LONGENTRIES").is_none());
        assert!(code(b" FULL").is_none());
        assert_eq!(MetadataCode::MaxSize(7).to_string(), "MAXSIZE 7");
    }

    #[test]
    fn metadata_responses_read_as_rfc_5464_writes_them() {
        let (_, (mbox, entries)) =
            metadata_response(b" \"\" (/shared/comment \"Shared comment\")").unwrap();
        assert_eq!(mbox.raw.text(), "");
        assert_eq!(
            entries,
            MetadataEntries::Values(vec![(
                "/shared/comment".into(),
                Some("Shared comment".into())
            )])
        );
        let (_, (_, entries)) =
            metadata_response(b" INBOX (/private/comment NIL /shared/comment \"x\")").unwrap();
        assert!(matches!(entries, MetadataEntries::Values(v) if v.len() == 2 && v[0].1.is_none()));
        let (_, (_, entries)) =
            metadata_response(b" INBOX /shared/comment /private/comment").unwrap();
        assert_eq!(
            entries,
            MetadataEntries::Changed(vec!["/shared/comment".into(), "/private/comment".into()])
        );
        assert!(metadata_response(b" INBOX").is_err());
    }
}
