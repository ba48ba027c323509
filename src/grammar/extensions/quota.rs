//! QUOTA (RFC 9208): how much of a storage or message limit a quota root uses. No
//! fixture advertises it and the mock answers its commands as a Dovecot without the
//! quota plugin does (`BAD ... Unknown command`); the explainer reads what a real
//! server with quotas sends (RFC 9208 §4.2, ABNF in §7).
//!
//! ```text
//! C: a GETQUOTAROOT INBOX
//! S: * QUOTAROOT INBOX ""
//! S: * QUOTA "" (STORAGE 10 512)
//! ```

use nom::bytes::complete::tag;
use nom::multi::separated_list1;
use nom::sequence::preceded;
use nom::Parser;
use serde::Serialize;

use crate::grammar::core::{astring, atom, number64, sp};
use crate::grammar::error::{expect, rule, PResult};
use crate::grammar::mailbox::{mailbox, Mailbox};

// ---- responses

/// `quota-resource = resource-name SP resource-usage SP resource-limit` (RFC 9208 §7)
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct QuotaResource {
    /// `STORAGE` (in units of 1024 octets), `MESSAGE`, `MAILBOX`, `ANNOTATION-STORAGE`
    /// or a later registration, in capitals.
    pub name: String,
    pub usage: u64,
    pub limit: u64,
}

/// `quota-response = "QUOTA" SP quota-root-name SP quota-list` (after the name)
pub(crate) fn quota_response(input: &[u8]) -> PResult<'_, (String, Vec<QuotaResource>)> {
    let (rest, (root, resources)) = rule(
        "quota-response",
        (preceded(sp, astring), preceded(sp, quota_list)),
    )
    .parse(input)?;
    Ok((rest, (root.text().into_owned(), resources)))
}

/// `quota-list = "(" quota-resource *(SP quota-resource) ")"`, read with the empty list
/// §4.2.1 allows in prose ("zero or more triplets": no limit at all).
fn quota_list(input: &[u8]) -> PResult<'_, Vec<QuotaResource>> {
    let (rest, _) = expect("( to open the list of resources", tag("(")).parse(input)?;
    if let Some(after) = rest.strip_prefix(b")") {
        return Ok((after, Vec::new()));
    }
    let (rest, items) = separated_list1(tag(" "), quota_resource).parse(rest)?;
    let (rest, _) = expect(") to close the list of resources", tag(")")).parse(rest)?;
    Ok((rest, items))
}

/// `quota-resource = resource-name SP resource-usage SP resource-limit`;
/// `resource-name = "STORAGE" / "MESSAGE" / "MAILBOX" / "ANNOTATION-STORAGE" / atom`
fn quota_resource(input: &[u8]) -> PResult<'_, QuotaResource> {
    let (rest, (name, usage, limit)) =
        (atom, preceded(sp, number64), preceded(sp, number64)).parse(input)?;
    let name = name.to_ascii_uppercase();
    Ok((rest, QuotaResource { name, usage, limit }))
}

/// `quotaroot-response = "QUOTAROOT" SP mailbox *(SP quota-root-name)` (after the name)
pub(crate) fn quotaroot_response(input: &[u8]) -> PResult<'_, (Mailbox, Vec<String>)> {
    let root = preceded(tag(" "), astring).map(|r| r.text().into_owned());
    rule(
        "quotaroot-response",
        (preceded(sp, mailbox), nom::multi::many0(root)),
    )
    .parse(input)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quota_responses_read_as_rfc_9208_writes_them() {
        let (rest, (root, res)) = quota_response(b" \"\" (STORAGE 10 512)\r\n").unwrap();
        assert_eq!(rest, b"\r\n");
        assert_eq!(root, "");
        assert_eq!(
            res,
            vec![QuotaResource {
                name: "STORAGE".into(),
                usage: 10,
                limit: 512
            }]
        );
        let (_, (root, res)) = quota_response(b" user.alice (storage 3 100 MESSAGE 2 50)").unwrap();
        assert_eq!(
            (root.as_str(), res.len(), res[0].name.as_str()),
            ("user.alice", 2, "STORAGE")
        );
        assert!(quota_response(b" \"\" ()").unwrap().1 .1.is_empty());
        assert!(quota_response(b" \"\" (STORAGE 10)").is_err());
        let (_, (mbox, roots)) = quotaroot_response(b" INBOX \"\"").unwrap();
        assert_eq!(
            (mbox.raw.text().into_owned(), roots),
            ("INBOX".to_owned(), vec![String::new()])
        );
        let (_, (_, roots)) = quotaroot_response(b" comp.mail.mime").unwrap();
        assert!(roots.is_empty());
    }
}
