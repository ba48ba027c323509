//! ENVELOPE: the parsed header fields of a message (RFC 9051 §7.5.2, RFC 3501 §7.4.2).
//!
//! The server parses Date, Subject, From, Sender, Reply-To, To, Cc, Bcc, In-Reply-To
//! and Message-ID for the client. Addresses come as 4-tuples; RFC 5322 group syntax
//! (`undisclosed-recipients:;`) is spelled with marker addresses whose host is NIL.

use nom::bytes::complete::tag;
use nom::combinator::map;
use nom::sequence::preceded;
use nom::Parser;
use serde::Serialize;

use super::core::{nil, nstring, sp, ImapString};
use super::error::{expect, fail, rule, PResult};
use super::response::Findings;

/// `address = "(" addr-name SP addr-adl SP addr-mailbox SP addr-host ")"`
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Address {
    pub name: Option<ImapString>,
    pub(crate) adl: Option<ImapString>,
    pub(crate) mailbox: Option<ImapString>,
    pub(crate) host: Option<ImapString>,
}

impl Address {
    /// `(NIL NIL "group" NIL)`: the start of an RFC 5322 group; the mailbox holds its name.
    pub fn is_group_start(&self) -> bool {
        self.host.is_none() && self.mailbox.is_some()
    }

    /// `(NIL NIL NIL NIL)`: the end of an RFC 5322 group (the `;`).
    pub fn is_group_end(&self) -> bool {
        self.host.is_none() && self.mailbox.is_none()
    }

    /// `mailbox@host` for a plain address; `None` for group markers.
    pub fn email(&self) -> Option<String> {
        Some(format!(
            "{}@{}",
            self.mailbox.as_ref()?.text(),
            self.host.as_ref()?.text()
        ))
    }
}

/// `envelope = "(" env-date SP env-subject SP env-from SP env-sender SP env-reply-to SP
///  env-to SP env-cc SP env-bcc SP env-in-reply-to SP env-message-id ")"`
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Envelope {
    pub date: Option<ImapString>,
    pub subject: Option<ImapString>,
    pub from: Vec<Address>,
    pub sender: Vec<Address>,
    pub reply_to: Vec<Address>,
    pub to: Vec<Address>,
    pub cc: Vec<Address>,
    pub bcc: Vec<Address>,
    pub in_reply_to: Option<ImapString>,
    pub message_id: Option<ImapString>,
}

/// `envelope = "(" env-date SP env-subject SP env-from SP env-sender SP env-reply-to SP
///  env-to SP env-cc SP env-bcc SP env-in-reply-to SP env-message-id ")"`
pub(crate) fn envelope<'a>(cx: &Findings, input: &'a [u8]) -> PResult<'a, Envelope> {
    let list = |i: &'a [u8]| address_list(cx, i);
    let (rest, _) = expect("( to open the envelope", tag("(")).parse(input)?;
    let (rest, date) = rule("env-date", nstring).parse(rest)?;
    let (rest, subject) = rule("env-subject", preceded(sp, nstring)).parse(rest)?;
    let (rest, from) = rule("env-from", preceded(sp, list)).parse(rest)?;
    let (rest, sender) = rule("env-sender", preceded(sp, list)).parse(rest)?;
    let (rest, reply_to) = rule("env-reply-to", preceded(sp, list)).parse(rest)?;
    let (rest, to) = rule("env-to", preceded(sp, list)).parse(rest)?;
    let (rest, cc) = rule("env-cc", preceded(sp, list)).parse(rest)?;
    let (rest, bcc) = rule("env-bcc", preceded(sp, list)).parse(rest)?;
    let (rest, in_reply_to) = rule("env-in-reply-to", preceded(sp, nstring)).parse(rest)?;
    let (rest, message_id) = rule("env-message-id", preceded(sp, nstring)).parse(rest)?;
    let (rest, _) = rule(
        "envelope",
        expect(
            ") to close the envelope (it has exactly ten fields)",
            tag(")"),
        ),
    )
    .parse(rest)?;
    Ok((
        rest,
        Envelope {
            date,
            subject,
            from,
            sender,
            reply_to,
            to,
            cc,
            bcc,
            in_reply_to,
            message_id,
        },
    ))
}

/// `env-from = "(" 1*address ")" / nil` (and the same for sender, reply-to, to, cc, bcc)
///
/// Quirks: some servers separate the addresses with spaces (`((...) (...))`), and some
/// send an empty list `()` instead of NIL. Both are accepted and noted.
pub(crate) fn address_list<'a>(cx: &Findings, input: &'a [u8]) -> PResult<'a, Vec<Address>> {
    if let Ok((rest, ())) = nil(input) {
        return Ok((rest, Vec::new()));
    }
    let (mut rest, _) = expect("an address list in parentheses, or NIL", tag("(")).parse(input)?;
    let mut out = Vec::new();
    if let Some(after) = rest.strip_prefix(b")") {
        cx.quirk(input, "quirk-empty-address-list", "env-from", "An empty address list `()`: the grammar wants NIL when there are no addresses. Some servers send `()`; clients accept it.");
        return Ok((after, out));
    }
    loop {
        let (r, a) = address(rest)?;
        out.push(a);
        rest = r;
        match rest {
            [b')', ..] => return Ok((&rest[1..], out)),
            [b'(', ..] => {}
            [b' ', b'(', ..] => {
                cx.quirk(rest, "quirk-spaces-between-addresses", "address", "A space between two addresses: the grammar writes them back to back, `((...)(...))`. Some servers put a space between them; clients accept it.");
                rest = &rest[1..];
            }
            _ => return fail(rest, "another address or ) to end the address list"),
        }
    }
}

/// `address = "(" addr-name SP addr-adl SP addr-mailbox SP addr-host ")"`
pub(crate) fn address(input: &[u8]) -> PResult<'_, Address> {
    let fields = (
        expect("( to open an address", tag("(")),
        nstring,
        preceded(sp, nstring),
        preceded(sp, nstring),
        preceded(sp, nstring),
        expect(
            ") to close the address (it has exactly four fields)",
            tag(")"),
        ),
    );
    rule(
        "address",
        map(fields, |(_, name, adl, mailbox, host, _)| Address {
            name,
            adl,
            mailbox,
            host,
        }),
    )
    .parse(input)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_rfc_envelope() {
        let text = br#"("Wed, 17 Jul 1996 02:23:25 -0700 (PDT)" "IMAP4rev2 WG mtg summary and minutes" (("Terry Gray" NIL "gray" "cac.washington.edu")) (("Terry Gray" NIL "gray" "cac.washington.edu")) (("Terry Gray" NIL "gray" "cac.washington.edu")) ((NIL NIL "imap" "cac.washington.edu")) ((NIL NIL "minutes" "CNRI.Reston.VA.US")("John Klensin" NIL "KLENSIN" "MIT.EDU")) NIL NIL "<B27397-0100000@cac.washington.ed>")"#;
        let cx = Findings::default();
        let (rest, env) = envelope(&cx, text).unwrap();
        assert!(rest.is_empty());
        assert_eq!(env.cc.len(), 2);
        assert_eq!(env.cc[1].email().unwrap(), "KLENSIN@MIT.EDU");
        assert!(env.bcc.is_empty());
        assert!(cx.is_empty());
    }

    #[test]
    fn group_syntax() {
        let cx = Findings::default();
        let (_, list) = address_list(
            &cx,
            b"((NIL NIL \"undisclosed-recipients\" NIL)(NIL NIL NIL NIL))",
        )
        .unwrap();
        assert!(list[0].is_group_start() && list[1].is_group_end());
        assert!(address(b"(NIL NIL NIL)").is_err());
    }

    #[test]
    fn quirky_lists_are_noted() {
        let cx = Findings::default();
        let (_, list) =
            address_list(&cx, b"((NIL NIL \"a\" \"b\") (NIL NIL \"c\" \"d\"))").unwrap();
        assert_eq!(list.len(), 2);
        assert!(!cx.is_empty());
    }
}
