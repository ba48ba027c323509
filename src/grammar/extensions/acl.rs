//! ACL (RFC 4314): who may do what to a mailbox, as letters (`l` lookup, `r` read,
//! `s` keep \Seen, `w` write flags, `i` insert, `p` post, `k` create, `x` delete the
//! mailbox, `t` delete messages, `e` expunge, `a` administer). No fixture advertises
//! it and the mock answers its commands as a Dovecot without the acl plugin does;
//! the explainer reads what a real server with ACLs sends (RFC 4314 §3.6–§3.8, ABNF
//! in §7).
//!
//! ```text
//! C: a MYRIGHTS INBOX
//! S: * MYRIGHTS INBOX lrswipkxtecda
//! ```

use nom::bytes::complete::tag;
use nom::multi::{many0, many1};
use nom::sequence::preceded;
use nom::Parser;

use crate::grammar::core::{astring, sp};
use crate::grammar::error::{rule, PResult};
use crate::grammar::mailbox::{mailbox, Mailbox};

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
