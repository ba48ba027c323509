//! MOVE (RFC 6851, RFC 9051 §6.4.8): `move = "MOVE" SP sequence-set SP mailbox`.
//!
//! MOVE is COPY, then STORE +FLAGS (\Deleted) and EXPUNGE of the same messages, done
//! atomically by the server. `UID MOVE` is dispatched by the UID parser in `command/parsers.rs`.

use nom::Parser;

use crate::grammar::args::{arg, label};
use crate::grammar::command::types::CommandBody;
use crate::grammar::core::keyword;
use crate::grammar::error::PResult;
use crate::grammar::mailbox::mailbox;
use crate::grammar::sequence::sequence_set;

/// `move = "MOVE" SP sequence-set SP mailbox`
pub(crate) fn move_(input: &[u8]) -> PResult<'_, CommandBody> {
    let (rest, _) = keyword("MOVE").parse(input)?;
    let (rest, set) = arg(label::SEQUENCE_SET, sequence_set)(rest)?;
    let (rest, mailbox) = arg(label::MOVE_TO, mailbox)(rest)?;
    Ok((
        rest,
        CommandBody::Move {
            uid: false,
            set,
            mailbox,
        },
    ))
}

// ---- responses
