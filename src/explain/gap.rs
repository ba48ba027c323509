//! Gaps: finding the way back into a stream after bytes were lost, and distrusting
//! the client's bytes until the server has shown that we are back in step.
//!
//! The proxy's annotator may fall behind and skip bytes (see `net::relay`). Where the
//! skipped bytes ended nobody knows: often in the middle of a literal, whose lines are
//! not IMAP. Two things follow:
//!
//! - [`Seek`] drops lines until one that looks like the start of a message
//!   ([`starts_message`]); framing starts again there. Lines of an email rarely look
//!   like `tag COMMAND` or `* 3 FETCH`, but some may.
//! - [`Doubt`]: a guess can be wrong, and a wrong guess about the client's framing is
//!   how a password ends up recorded as "literal data" or a literal as "a command".
//!   So after a gap the client's bytes are withheld (neither shown nor recorded)
//!   until the server sends the tagged reply of a command the client sent *after* the
//!   gap, at a moment when the client's framing sits between two messages. Masking
//!   too much is fine; too little never is.

use std::collections::HashSet;

use crate::wire::framer::tag_of;
use crate::wire::Direction;

/// The longest line that can still be the first line of a message after a gap: a
/// longer one is taken for literal data.
const LONGEST_START: usize = 8192;

/// Looking for a message start after a gap. See the module documentation.
#[derive(Debug, Default, Clone)]
pub(crate) struct Seek {
    /// The start of a line that began in an earlier piece.
    line: Vec<u8>,
    /// The current line grew too long to be a message's first line.
    overlong: bool,
}

impl Seek {
    /// Returns what to frame (from a line that starts a message on), or `None` while
    /// still looking (the bytes are dropped, except for an unfinished line's start).
    pub(crate) fn scan(&mut self, direction: Direction, bytes: &[u8]) -> Option<Vec<u8>> {
        let mut start = 0;
        while let Some(lf) = bytes[start..]
            .iter()
            .position(|&b| b == b'\n')
            .map(|i| i + start)
        {
            let found = !self.overlong
                && if self.line.is_empty() {
                    starts_message(direction, &bytes[start..=lf])
                } else {
                    starts_message(direction, &[&self.line[..], &bytes[start..=lf]].concat())
                };
            if found {
                let mut out = std::mem::take(&mut self.line);
                out.extend_from_slice(&bytes[start..]);
                return Some(out);
            }
            self.line.clear();
            self.overlong = false;
            start = lf + 1;
        }
        if self.line.len() + bytes.len() - start > LONGEST_START {
            self.overlong = true;
            self.line.clear();
        } else if !self.overlong {
            self.line.extend_from_slice(&bytes[start..]);
        }
        None
    }
}

/// True if `line` looks like the first line of a message: for a server, `* ` and a
/// number or a response name, `+`, or a tag and a status; for a client, a tag and a
/// command name. Lines of an email in a literal rarely look like that.
pub(crate) fn starts_message(direction: Direction, line: &[u8]) -> bool {
    use crate::grammar::vocabulary::{COMMANDS, RESPONSES};
    let text = String::from_utf8_lossy(line);
    let mut words = text.split_whitespace();
    let (Some(first), second) = (words.next(), words.next()) else {
        return false;
    };
    let known = |list: &[&str], word: Option<&str>| {
        word.is_some_and(|w| list.iter().any(|k| k.eq_ignore_ascii_case(w)))
    };
    let tag = first
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || b == b'.' || b == b'-' || b == b'_');
    match direction {
        Direction::Server if first == "*" => {
            second.is_some_and(|w| w.bytes().all(|b| b.is_ascii_digit()))
                || known(RESPONSES, second)
        }
        Direction::Server if first == "+" => true,
        Direction::Server => tag && known(&["OK", "NO", "BAD", "BYE", "PREAUTH"], second),
        Direction::Client => {
            tag && (known(COMMANDS, second)
                || second.is_some_and(|w| w.eq_ignore_ascii_case("UID")))
        }
    }
}

/// The client's bytes are not trusted until the server confirms a command sent after
/// the gap. See the module documentation.
#[derive(Debug, Default, Clone)]
pub(crate) struct Doubt {
    /// Tags of the client messages framed since the doubt began.
    tags: HashSet<Vec<u8>>,
    /// Client bytes withheld so far.
    pub withheld: u64,
}

impl Doubt {
    /// A client message starts with `first_line`: remember its tag.
    pub(crate) fn command(&mut self, first_line: &[u8]) {
        let tag = tag_of(first_line);
        if !tag.is_empty() {
            self.tags.insert(tag.to_vec());
        }
    }

    /// True if the server line `reply` ends the doubt: the tagged reply of a command
    /// framed since the gap, while the client's framing is between messages.
    pub(crate) fn resolved_by(&self, reply: &[u8], client_between_messages: bool) -> bool {
        let tag = tag_of(reply);
        client_between_messages
            && !reply.starts_with(b"*")
            && !reply.starts_with(b"+")
            && self.tags.contains(tag)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn after_a_gap_framing_starts_again_at_a_message() {
        let mut seek = Seek::default();
        // The middle of a literal: an email's lines, one of them a bullet.
        assert_eq!(
            seek.scan(
                Direction::Server,
                b"ody text\r\n* a bullet point\r\nmore\r\n)\r\n* 2 FE"
            ),
            None
        );
        let resumed = seek
            .scan(Direction::Server, b"TCH (BODY[] {3}\r\nabc)\r\n")
            .unwrap();
        assert_eq!(resumed, b"* 2 FETCH (BODY[] {3}\r\nabc)\r\n");
        assert!(starts_message(Direction::Server, b"a7 OK done\r\n"));
        assert!(starts_message(
            Direction::Client,
            b"a8 uid fetch 1 flags\r\n"
        ));
        assert!(!starts_message(Direction::Client, b"Dear Bob, thanks\r\n"));
    }

    #[test]
    fn only_the_reply_to_a_later_command_ends_the_doubt() {
        let mut doubt = Doubt::default();
        doubt.command(b"a9 NOOP");
        assert!(!doubt.resolved_by(b"a8 OK Fetch completed.", true));
        assert!(!doubt.resolved_by(b"* 3 EXISTS", true));
        assert!(
            !doubt.resolved_by(b"a9 OK NOOP completed.", false),
            "the client is in the middle of a message"
        );
        assert!(doubt.resolved_by(b"a9 OK NOOP completed.", true));
    }
}
