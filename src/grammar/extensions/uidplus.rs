//! UIDPLUS (RFC 4315, part of RFC 9051): `UID EXPUNGE`, and the APPENDUID / COPYUID codes.
//!
//! Plain EXPUNGE removes every message marked \Deleted, including those another client
//! marked; `UID EXPUNGE set` removes only the listed ones, which is what a client that
//! deletes one message actually means.

use nom::Parser;

use crate::grammar::args::{arg, label};
use crate::grammar::command::types::CommandBody;
use crate::grammar::core::keyword;
use crate::grammar::error::PResult;
use crate::grammar::sequence::sequence_set;

/// `uid-expunge = "EXPUNGE" SP sequence-set` (after `UID SP`)
pub(crate) fn uid_expunge(input: &[u8]) -> PResult<'_, CommandBody> {
    let (rest, _) = keyword("EXPUNGE").parse(input)?;
    let (rest, set) = arg(label::UID_SET, sequence_set)(rest)?;
    Ok((rest, CommandBody::Expunge { uids: Some(set) }))
}

// ---- responses
