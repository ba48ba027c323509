//! The wire layer: turns a byte stream into protocol frames, and frames into messages.
//!
//! IMAP is line-based except for literals, whose length is announced at the end of a
//! line (`{445}` CRLF) and whose bytes follow without any escaping (RFC 9051 §4.3).
//! Everything above this layer works on whole messages; everything below it is bytes.
//!
//! - [`framer`]: a sans-IO state machine that splits bytes, fed in any chunking, into
//!   lines and fixed-size literal pieces, with limits. It never holds a literal whole.
//! - [`message`]: groups frames into one logical message (a command or a response and
//!   its literals), keeping at most a bounded prefix of each literal for parsing.

use serde::Serialize;

pub(crate) mod framer;
pub mod message;

pub use framer::{Frame, Framer, Limits, LineEnding, LiteralHeader, LiteralKind};
pub use message::{Assembler, Message, Part};

/// The length of the first line of `bytes`, its LF included, or all of `bytes` when no
/// LF ends it: how far to go to where the next line (or a literal) can begin.
pub(crate) fn through_lf(bytes: &[u8]) -> usize {
    bytes
        .iter()
        .position(|&b| b == b'\n')
        .map_or(bytes.len(), |i| i + 1)
}

/// Who sent the bytes. The framer does not need it, but every layer above the wire
/// does (the explainer, the renderer, transcripts), so it lives at the bottom of the map.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub enum Direction {
    /// From the client to the server.
    Client,
    /// From the server to the client.
    Server,
}

impl Direction {
    pub(crate) fn letter(self) -> char {
        match self {
            Direction::Client => 'C',
            Direction::Server => 'S',
        }
    }
}
