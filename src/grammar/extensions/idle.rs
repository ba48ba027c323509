//! IDLE (RFC 2177, RFC 9051 §6.3.13): `idle = "IDLE" CRLF "DONE"`.
//!
//! IDLE is the one command that spans two client lines: `a1 IDLE`, then (after the
//! server's `+ idling` and any number of untagged updates) a bare `DONE`. The framer
//! hands them over as two messages, so the command parser reads `IDLE` and
//! [`crate::grammar::command::parse_client_line`] reads the `DONE` with [`done`].

use nom::combinator::value;
use nom::Parser;

use crate::grammar::command::types::CommandBody;
use crate::grammar::core::keyword;
use crate::grammar::error::PResult;

/// `idle = "IDLE" CRLF "DONE"` — the command line: `IDLE` takes no arguments.
pub(crate) fn idle(input: &[u8]) -> PResult<'_, CommandBody> {
    value(CommandBody::Idle, keyword("IDLE")).parse(input)
}

/// `"DONE"` — the line that ends IDLE. Case-insensitive like every keyword, and it has no tag.
pub(crate) fn done(input: &[u8]) -> PResult<'_, ()> {
    value((), keyword("DONE")).parse(input)
}

// ---- responses
