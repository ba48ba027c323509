//! QUOTA (RFC 9208): how much of a storage or message limit a quota root uses. The
//! commands GETQUOTA, GETQUOTAROOT and SETQUOTA (§4.1), then the responses (§4.2);
//! ABNF in §7. No fixture advertises it and the mock answers its commands as a Dovecot
//! without the quota plugin does (`BAD ... Unknown command`); the explainer reads what
//! a real server with quotas sends.
//!
//! ```text
//! C: a GETQUOTAROOT INBOX
//! S: * QUOTAROOT INBOX ""
//! S: * QUOTA "" (STORAGE 10 512)
//! C: b SETQUOTA "" (STORAGE 1024 MESSAGE 500)
//! ```

use nom::bytes::complete::tag;
use nom::multi::separated_list1;
use nom::sequence::preceded;
use nom::Parser;
use serde::Serialize;

use crate::grammar::args::{arg, label, list};
use crate::grammar::command::types::CommandBody;
use crate::grammar::core::{astring, atom, keyword, number64, sp};
use crate::grammar::error::{expect, rule, PResult};
use crate::grammar::mailbox::{mailbox, Mailbox};

/// What the arguments are called in diagnostics.
const ROOT: &str = "a quota root name, such as \"\" or \"#user/alice\"";
const LIMITS: &str = "the limits in parentheses, such as (STORAGE 512)";
const RESOURCE: &str = "a resource name: STORAGE, MESSAGE, MAILBOX or ANNOTATION-STORAGE";
const LIMIT: &str = "the resource's limit, a number";

/// `resource-name = "STORAGE" / "MESSAGE" / "MAILBOX" / "ANNOTATION-STORAGE" /
/// resource-name-ext`; `resource-name-ext = atom` (RFC 9208 §7, each defined in §5).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub enum ResourceName {
    /// §5.1: storage, in units of 1024 octets.
    Storage,
    /// §5.2: the number of messages.
    Message,
    /// §5.3: the number of mailboxes.
    Mailbox,
    /// §5.4: the size of annotations, in units of 1024 octets.
    AnnotationStorage,
    /// A later registration, in capitals.
    Other(String),
}

impl ResourceName {
    /// The name as written (any case), typed.
    pub(crate) fn from_atom(name: &str) -> Self {
        match name.to_ascii_uppercase().as_str() {
            "STORAGE" => ResourceName::Storage,
            "MESSAGE" => ResourceName::Message,
            "MAILBOX" => ResourceName::Mailbox,
            "ANNOTATION-STORAGE" => ResourceName::AnnotationStorage,
            other => ResourceName::Other(other.to_owned()),
        }
    }

    /// The name as on the wire.
    pub fn name(&self) -> &str {
        match self {
            ResourceName::Storage => "STORAGE",
            ResourceName::Message => "MESSAGE",
            ResourceName::Mailbox => "MAILBOX",
            ResourceName::AnnotationStorage => "ANNOTATION-STORAGE",
            ResourceName::Other(name) => name,
        }
    }
}

/// `setquota-resource = resource-name SP resource-limit` (RFC 9208 §7)
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct QuotaLimit {
    pub resource: ResourceName,
    pub limit: u64,
}

/// `quota-root-name = astring`, as text.
fn root_name(input: &[u8]) -> PResult<'_, String> {
    astring.map(|s| s.text().into_owned()).parse(input)
}

/// `getquota = "GETQUOTA" SP quota-root-name` (RFC 9208 §4.1.1)
pub(crate) fn getquota(input: &[u8]) -> PResult<'_, CommandBody> {
    let (rest, _) = keyword("GETQUOTA").parse(input)?;
    let (rest, root) = arg(ROOT, root_name)(rest)?;
    Ok((rest, CommandBody::GetQuota { root }))
}

/// `getquotaroot = "GETQUOTAROOT" SP mailbox` (RFC 9208 §4.1.2)
pub(crate) fn getquotaroot(input: &[u8]) -> PResult<'_, CommandBody> {
    let (rest, _) = keyword("GETQUOTAROOT").parse(input)?;
    let (rest, mailbox) = arg(label::MAILBOX, mailbox)(rest)?;
    Ok((rest, CommandBody::GetQuotaRoot { mailbox }))
}

/// `setquota = "SETQUOTA" SP quota-root-name SP setquota-list`;
/// `setquota-list = "(" [setquota-resource *(SP setquota-resource)] ")"` (RFC 9208 §4.1.3)
pub(crate) fn setquota(input: &[u8]) -> PResult<'_, CommandBody> {
    let (rest, _) = keyword("SETQUOTA").parse(input)?;
    let (rest, root) = arg(ROOT, root_name)(rest)?;
    let (rest, limits) = arg(LIMITS, list(0, RESOURCE, setquota_resource))(rest)?;
    Ok((rest, CommandBody::SetQuota { root, limits }))
}

/// `setquota-resource = resource-name SP resource-limit`; `resource-limit = number64`
fn setquota_resource(input: &[u8]) -> PResult<'_, QuotaLimit> {
    let (rest, name) = expect(RESOURCE, atom).parse(input)?;
    let (rest, limit) = arg(LIMIT, number64)(rest)?;
    let resource = ResourceName::from_atom(name);
    Ok((rest, QuotaLimit { resource, limit }))
}

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
