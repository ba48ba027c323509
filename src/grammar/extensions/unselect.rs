//! UNSELECT (RFC 3691, RFC 9051 §6.4.2): leaves the selected mailbox like CLOSE, but
//! without expunging the messages marked \Deleted.

use nom::combinator::value;
use nom::Parser;

use crate::grammar::command::types::CommandBody;
use crate::grammar::core::keyword;
use crate::grammar::error::PResult;

/// `command-select =/ "UNSELECT"`
pub(crate) fn unselect(input: &[u8]) -> PResult<'_, CommandBody> {
    value(CommandBody::Unselect, keyword("UNSELECT")).parse(input)
}

// ---- responses
