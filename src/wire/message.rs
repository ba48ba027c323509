//! Messages: a command or a response as one unit, its literals included.
//!
//! A message is the line that starts it, then for each literal the line announced,
//! the literal's bytes and the rest of the line that follows, until a line that
//! announces no literal. The grammar parses a message as one piece of text, so the
//! assembler keeps a bounded prefix of each literal ([`Assembler::retain`]); the
//! sizes on the wire are always kept, so nothing about the stream is lost.

use super::framer::{Frame, FrameError, Line, LineEnding, LiteralHeader};

/// A literal inside a message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Literal {
    pub(crate) header: LiteralHeader,
    /// The literal's first bytes, up to the assembler's retention limit.
    pub(crate) data: Vec<u8>,
    /// How many bytes actually arrived (less than `header.size` only if the stream ended).
    pub(crate) received: u64,
}

impl Literal {
    /// True when `data` holds the whole literal.
    pub(crate) fn is_whole(&self) -> bool {
        self.data.len() as u64 == self.header.size
    }
}

/// One piece of a message, in stream order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Part {
    Line(Line),
    Literal(Literal),
    /// An over-long line: its first bytes (up to the retention limit) and its real length.
    Overlong {
        head: Vec<u8>,
        len: u64,
        limit: usize,
    },
    /// The stream ended inside this message.
    Truncated {
        bytes: Vec<u8>,
    },
}

/// A command or response with its literals.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Message {
    pub(crate) parts: Vec<Part>,
}

impl Message {
    /// The lines of the message, in order.
    pub(crate) fn lines(&self) -> impl Iterator<Item = &Line> {
        self.parts.iter().filter_map(|p| match p {
            Part::Line(l) => Some(l),
            _ => None,
        })
    }

    /// The literals of the message, in order.
    pub(crate) fn literals(&self) -> impl Iterator<Item = &Literal> {
        self.parts.iter().filter_map(|p| match p {
            Part::Literal(l) => Some(l),
            _ => None,
        })
    }

    /// The first line's text, without its ending (empty for a truncated message).
    pub fn first_line(&self) -> &[u8] {
        match self.parts.first() {
            Some(Part::Line(l)) => l.text(),
            Some(Part::Overlong { head, .. }) => head,
            Some(Part::Truncated { bytes }) => bytes,
            _ => b"",
        }
    }

    /// How many bytes the message took on the wire.
    pub fn wire_len(&self) -> u64 {
        self.parts
            .iter()
            .map(|p| match p {
                Part::Line(l) => l.bytes.len() as u64,
                Part::Literal(l) => l.received,
                Part::Overlong { len, .. } => *len,
                Part::Truncated { bytes } => bytes.len() as u64,
            })
            .sum()
    }

    /// The message's bytes as on the wire, with literals cut to what was kept.
    pub(crate) fn wire_bytes(&self) -> Vec<u8> {
        let mut out = Vec::new();
        for part in &self.parts {
            match part {
                Part::Line(l) => out.extend_from_slice(&l.bytes),
                Part::Literal(l) => out.extend_from_slice(&l.data),
                Part::Overlong { head, .. } => out.extend_from_slice(head),
                Part::Truncated { bytes } => out.extend_from_slice(bytes),
            }
        }
        out
    }

    /// True when the stream ended inside this message: a line without its end, a
    /// literal with fewer bytes than it announced, or a literal with no line after it
    /// (every message ends with a line, RFC 9051 §2.2).
    pub(crate) fn is_cut_off(&self) -> bool {
        matches!(
            self.parts.last(),
            Some(Part::Truncated { .. } | Part::Literal(_))
        )
    }

    /// True if any line of the message ended in a bare LF instead of CRLF.
    pub(crate) fn has_bare_lf(&self) -> bool {
        self.lines().any(|l| l.ending == LineEnding::BareLf)
    }

    /// Problems the framer found in this message.
    pub(crate) fn frame_errors(&self) -> Vec<FrameError> {
        let mut errors: Vec<FrameError> = self.lines().filter_map(|l| l.error.clone()).collect();
        for part in &self.parts {
            if let Part::Overlong { limit, .. } = part {
                errors.push(FrameError::LineTooLong { limit: *limit });
            }
        }
        errors
    }

    /// The text the grammar parses: lines with their endings normalised to CRLF, and
    /// literals inline. A literal kept only in part is announced with the size that
    /// was kept, so the grammar still sees a well-formed literal; the real sizes are
    /// in [`Message::literals`].
    pub fn grammar_text(&self) -> Vec<u8> {
        let mut out = Vec::new();
        let mut parts = self.parts.iter().peekable();
        while let Some(part) = parts.next() {
            match part {
                Part::Line(line) => {
                    let text = line.text();
                    match (line.literal, parts.peek()) {
                        (Some(_), Some(Part::Literal(lit))) if !lit.is_whole() => {
                            let open = text.iter().rposition(|&b| b == b'{').unwrap_or(text.len());
                            out.extend_from_slice(&text[..open]);
                            out.extend_from_slice(format!("{{{}}}", lit.data.len()).as_bytes());
                        }
                        _ => out.extend_from_slice(text),
                    }
                    out.extend_from_slice(b"\r\n");
                }
                Part::Literal(lit) => out.extend_from_slice(&lit.data),
                Part::Overlong { head, .. } => out.extend_from_slice(head),
                Part::Truncated { bytes } => out.extend_from_slice(bytes),
            }
        }
        out
    }
}

/// Groups frames into messages. Sans-IO: push frames, take messages.
#[derive(Debug)]
pub struct Assembler {
    /// How many bytes of each literal to keep for the grammar and the explainer.
    pub(crate) retain: usize,
    current: Message,
}

impl Default for Assembler {
    fn default() -> Self {
        Assembler::new(1024 * 1024)
    }
}

impl Assembler {
    pub(crate) fn new(retain: usize) -> Self {
        Assembler {
            retain,
            current: Message::default(),
        }
    }

    /// True when a message has started and is not finished yet.
    pub(crate) fn in_message(&self) -> bool {
        !self.current.parts.is_empty()
    }

    /// Bytes held for the message being assembled.
    pub(crate) fn held(&self) -> usize {
        self.current
            .parts
            .iter()
            .map(|p| match p {
                Part::Line(l) => l.bytes.len(),
                Part::Literal(l) => l.data.len(),
                Part::Overlong { head, .. } => head.len(),
                Part::Truncated { bytes } => bytes.len(),
            })
            .sum()
    }

    /// The first line of the message being assembled (empty when none has started).
    pub(crate) fn current_first_line(&self) -> &[u8] {
        self.current.first_line()
    }

    /// True when the literal being received has filled its retention: the rest of
    /// its bytes may be counted with [`Assembler::count_literal`] instead of pushed.
    pub(crate) fn literal_is_kept(&self) -> bool {
        match self.current.parts.last() {
            Some(Part::Literal(lit)) => lit.data.len() >= self.retain,
            Some(Part::Line(line)) => line.literal.is_some() && self.retain == 0,
            _ => false,
        }
    }

    /// Counts literal bytes that were skipped rather than pushed (see
    /// [`super::Framer::skip_literal`]).
    pub(crate) fn count_literal(&mut self, n: u64) {
        if let Some(Part::Line(line)) = self.current.parts.last() {
            if let Some(header) = line.literal {
                self.current.parts.push(Part::Literal(Literal {
                    header,
                    data: Vec::new(),
                    received: 0,
                }));
            }
        }
        if let Some(Part::Literal(lit)) = self.current.parts.last_mut() {
            lit.received += n;
        }
    }

    /// Adds a frame; returns the message it completes, if any.
    pub fn push(&mut self, frame: Frame) -> Option<Message> {
        match frame {
            Frame::Line(line) => {
                let ends = line.literal.is_none_or(|h| h.size == 0);
                let header = line.literal;
                self.current.parts.push(Part::Line(line));
                if let Some(header) = header.filter(|h| h.size == 0) {
                    self.current.parts.push(Part::Literal(Literal {
                        header,
                        data: Vec::new(),
                        received: 0,
                    }));
                    return None;
                }
                if ends {
                    return Some(std::mem::take(&mut self.current));
                }
                None
            }
            Frame::Literal { bytes, last: _ } => {
                let header = match self.current.parts.last() {
                    Some(Part::Line(line)) => line.literal,
                    _ => None,
                };
                if let Some(header) = header {
                    self.current.parts.push(Part::Literal(Literal {
                        header,
                        data: Vec::new(),
                        received: 0,
                    }));
                }
                if let Some(Part::Literal(lit)) = self.current.parts.last_mut() {
                    let room = self.retain.saturating_sub(lit.data.len());
                    lit.data.extend_from_slice(&bytes[..room.min(bytes.len())]);
                    lit.received += bytes.len() as u64;
                }
                None
            }
            Frame::Overlong { bytes, last, limit } => {
                match self.current.parts.last_mut() {
                    Some(Part::Overlong { head, len, .. }) => {
                        let room = self.retain.saturating_sub(head.len());
                        head.extend_from_slice(&bytes[..room.min(bytes.len())]);
                        *len += bytes.len() as u64;
                    }
                    _ => {
                        let len = bytes.len() as u64;
                        let mut head = bytes;
                        head.truncate(self.retain);
                        self.current.parts.push(Part::Overlong { head, len, limit });
                    }
                }
                last.then(|| std::mem::take(&mut self.current))
            }
            Frame::Truncated { bytes, in_literal } => {
                if in_literal {
                    return self
                        .push(Frame::Literal { bytes, last: false })
                        .or_else(|| self.flush());
                }
                self.current.parts.push(Part::Truncated { bytes });
                self.flush()
            }
        }
    }

    /// Hands out an unfinished message at the end of the stream.
    pub fn flush(&mut self) -> Option<Message> {
        self.in_message().then(|| std::mem::take(&mut self.current))
    }
}

/// Frames and assembles a whole byte string at once: convenient for files and tests.
pub fn messages_of(bytes: &[u8]) -> Vec<Message> {
    let mut framer = super::Framer::default();
    let mut assembler = Assembler::default();
    let mut out = Vec::new();
    framer.feed(bytes);
    while let Some(frame) = framer.next_frame() {
        out.extend(assembler.push(frame));
    }
    if let Some(frame) = framer.finish() {
        out.extend(assembler.push(frame));
    }
    out.extend(assembler.flush());
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_fetch_with_a_literal_is_one_message() {
        let msgs = messages_of(b"* 3 FETCH (BODY[] {5}\r\nHello)\r\nC OK Fetch completed.\r\n");
        assert_eq!(msgs.len(), 2);
        assert_eq!(msgs[0].parts.len(), 3);
        assert_eq!(
            msgs[0].grammar_text(),
            b"* 3 FETCH (BODY[] {5}\r\nHello)\r\n"
        );
        assert_eq!(msgs[1].first_line(), b"C OK Fetch completed.");
    }

    #[test]
    fn a_literal_longer_than_retained_is_announced_with_the_kept_size() {
        let mut input = b"* 1 FETCH (BODY[] {20}\r\n".to_vec();
        input.extend_from_slice(b"0123456789abcdefghij)\r\n");
        let mut framer = crate::wire::Framer::default();
        let mut asm = Assembler::new(4);
        framer.feed(&input);
        let mut msgs = Vec::new();
        while let Some(f) = framer.next_frame() {
            msgs.extend(asm.push(f));
        }
        assert_eq!(msgs.len(), 1);
        let lit = msgs[0].literals().next().unwrap();
        assert_eq!(
            (lit.header.size, lit.received, lit.data.as_slice()),
            (20, 20, &b"0123"[..])
        );
        assert_eq!(
            msgs[0].grammar_text(),
            b"* 1 FETCH (BODY[] {4}\r\n0123)\r\n"
        );
        assert_eq!(msgs[0].wire_len(), input.len() as u64);
    }

    #[test]
    fn an_empty_literal_continues_the_message() {
        let msgs = messages_of(b"a1 LOGIN {0}\r\n {3}\r\nabc\r\n");
        assert_eq!(msgs.len(), 1);
        assert_eq!(msgs[0].literals().count(), 2);
    }
}
