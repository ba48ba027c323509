//! NAMESPACE (RFC 2342, RFC 9051 §6.3.10): asks where personal, other users' and
//! shared mailboxes live, and which hierarchy delimiter each uses.

use nom::combinator::value;
use nom::Parser;

use crate::grammar::command::types::CommandBody;
use crate::grammar::core::keyword;
use crate::grammar::error::PResult;

/// `namespace-command = "NAMESPACE"`
pub(crate) fn namespace(input: &[u8]) -> PResult<'_, CommandBody> {
    value(CommandBody::Namespace, keyword("NAMESPACE")).parse(input)
}

// ---- responses
