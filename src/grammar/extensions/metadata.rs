//! METADATA (RFC 5464): named entries (`/private/comment`, `/shared/admin`) attached
//! to a mailbox, or to the server when the mailbox is "". No fixture advertises it;
//! Dovecot without `mail_attribute_dict` refuses GETMETADATA and SETMETADATA with
//! `NO [CANNOT] Generic mailbox attributes not enabled`. The explainer reads what a
//! server with metadata sends (RFC 5464 §4.4, ABNF in §5).
//!
//! ```text
//! C: a GETMETADATA "" /shared/comment
//! S: * METADATA "" (/shared/comment "Shared comment")
//! ```

use nom::branch::alt;
use nom::bytes::complete::tag;
use nom::multi::{many0, separated_list1};
use nom::sequence::preceded;
use nom::Parser;
use serde::Serialize;

use crate::grammar::core::{astring, nstring, sp};
use crate::grammar::error::{expect, rule, PResult};
use crate::grammar::mailbox::{mailbox, Mailbox};

// ---- responses

/// What a METADATA response carries (RFC 5464 §4.4.1, §4.4.2).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub enum MetadataEntries {
    /// `entry-values`: each entry with its value (None is NIL: the entry does not exist).
    Values(Vec<(String, Option<String>)>),
    /// `entry-list`: the entries that changed, without values (unsolicited).
    Changed(Vec<String>),
}

/// `entry = astring` (RFC 5464 §5), as text.
fn entry(input: &[u8]) -> PResult<'_, String> {
    astring.map(|s| s.text().into_owned()).parse(input)
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
