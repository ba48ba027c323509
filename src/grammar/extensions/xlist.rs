//! XLIST: Gmail's old, unregistered LIST (no RFC). Named quirk: it takes LIST's
//! arguments and Gmail answered `* XLIST` lines whose attributes also named special
//! mailboxes (`\Inbox`, `\AllMail`), which RFC 6154's SPECIAL-USE replaced. Dovecot
//! still takes the command and answers it as LIST, with `* LIST` lines (checked against
//! Dovecot 2.3.19). The response side is read as LIST in `response/front_door.rs`.
//!
//! ```text
//! C: a XLIST "" *
//! S: * LIST (\HasNoChildren) "/" INBOX
//! ```

use nom::Parser;

use crate::grammar::command::parsers::list_arguments;
use crate::grammar::command::types::CommandBody;
use crate::grammar::core::keyword;
use crate::grammar::error::PResult;

/// `xlist = "XLIST" [SP list-select-opts] SP mailbox SP mbox-or-pat [SP list-return-opts]`:
/// LIST's rule (RFC 9051 §6.3.9, RFC 5258) under Gmail's name; no RFC defines it.
pub(crate) fn xlist(input: &[u8]) -> PResult<'_, CommandBody> {
    let (rest, _) = keyword("XLIST").parse(input)?;
    list_arguments(rest, true)
}
