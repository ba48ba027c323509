//! The framer: bytes in, [`Frame`]s out, independent of how the bytes were chunked.
//!
//! Why a separate stage before the grammar (as imap-codec's "fragmenter" does): a
//! literal's bytes are arbitrary and may be huge, so they must be counted, never
//! parsed; and a malformed line must not make us lose our place in the stream.
//!
//! Guarantees, each checked by tests:
//! - Concatenating the bytes of all frames gives back exactly the input.
//! - The frames do not depend on the chunking of the input: literal data is cut into
//!   pieces of exactly [`LITERAL_PIECE`] bytes (the last piece may be shorter), and an
//!   over-long line into pieces of exactly `max_line` bytes.
//! - Memory stays bounded by `max_line` plus one piece, whatever the literal sizes.

use std::fmt;

/// Literal data is handed out in pieces of this many bytes (the last may be shorter).
pub(crate) const LITERAL_PIECE: usize = 64 * 1024;

/// Size limits. Dovecot's defaults are a 64 KiB line (`imap_max_line_length`) and,
/// for literals, whatever the mail size limit allows; ours are generous but finite.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// The longest line, ending included. A longer one is cut into [`Frame::Overlong`] pieces.
    pub max_line: usize,
    /// The largest literal announced. A larger announcement is not treated as a literal.
    pub max_literal: u64,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_line: 64 * 1024,
            max_literal: 4 * 1024 * 1024 * 1024,
        }
    }
}

/// How a line ended. RFC 9051 §2.2 requires CRLF; a bare LF is accepted and flagged,
/// because pasted transcripts and some telnet clients produce it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub enum LineEnding {
    Crlf,
    BareLf,
}

/// The form of a literal announcement at the end of a line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub enum LiteralKind {
    /// `{n}`: the client waits for a `+` continuation before sending (RFC 9051 §4.3).
    Synchronizing,
    /// `{n+}`: sent without waiting (RFC 7888 LITERAL+ / LITERAL-).
    NonSynchronizing,
    /// `{n-}`: not in any RFC; some people write it for LITERAL-. Framed like `{n+}` and flagged.
    Minus,
    /// `~{n}`: binary literal, may contain NUL (RFC 3516, RFC 9051 §4.3.1).
    Binary,
    /// `~{n+}`: non-synchronizing binary literal.
    BinaryNonSynchronizing,
}

impl LiteralKind {
    /// True when a client sending this literal must wait for a continuation request.
    pub(crate) fn is_synchronizing(self) -> bool {
        matches!(self, LiteralKind::Synchronizing | LiteralKind::Binary)
    }
}

/// A literal announcement found at the end of a line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct LiteralHeader {
    pub size: u64,
    pub kind: LiteralKind,
}

/// A problem the framer noticed. It never stops framing: the bytes are still handed out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum FrameError {
    /// The line crossed `max_line` before its LF.
    LineTooLong { limit: usize },
    /// A literal of `size` bytes was announced, more than `limit`: the line is
    /// framed as a plain line and no literal bytes are expected.
    LiteralTooLarge { size: u64, limit: u64 },
}

impl fmt::Display for FrameError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FrameError::LineTooLong { limit } => write!(
                f,
                "line longer than {limit} bytes: only its first {limit} are explained. To such a line \
                 from a logged-in client, Dovecot 2.3.19 answers `BAD ... Too long argument` when one word \
                 is that long and `BAD ... IMAP command line too large` when only the whole line is, except \
                 for a command that reads no arguments (NOOP), which skips them"
            ),
            FrameError::LiteralTooLarge { size, limit } => write!(
                f,
                "literal of {size} bytes announced, over the limit of {limit}; it is not read as a literal"
            ),
        }
    }
}

/// One line of the protocol, its ending included.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Line {
    pub bytes: Vec<u8>,
    pub(crate) ending: LineEnding,
    /// The literal this line announces, whose bytes follow as [`Frame::Literal`] pieces.
    pub(crate) literal: Option<LiteralHeader>,
    /// Set when the line announced a literal over the limit.
    pub(crate) error: Option<FrameError>,
}

impl Line {
    /// The line without its ending.
    pub fn text(&self) -> &[u8] {
        let cut = match self.ending {
            LineEnding::Crlf => 2,
            LineEnding::BareLf => 1,
        };
        &self.bytes[..self.bytes.len() - cut]
    }
}

/// What the framer hands out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Frame {
    Line(Line),
    /// A piece of literal data; `last` is true on the piece that completes the literal.
    Literal {
        bytes: Vec<u8>,
        last: bool,
    },
    /// A piece of a line that crossed `max_line`; `last` is true on the piece holding the LF.
    Overlong {
        bytes: Vec<u8>,
        last: bool,
        limit: usize,
    },
    /// At the end of the stream: the bytes of an unfinished line or literal.
    Truncated {
        bytes: Vec<u8>,
        in_literal: bool,
    },
}

impl Frame {
    /// The bytes this frame stands for, exactly as they were on the wire.
    pub fn bytes(&self) -> &[u8] {
        match self {
            Frame::Line(line) => &line.bytes,
            Frame::Literal { bytes, .. }
            | Frame::Overlong { bytes, .. }
            | Frame::Truncated { bytes, .. } => bytes,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    Line,
    Literal { remaining: u64 },
    Overlong,
}

/// The sans-IO framer. Feed bytes with [`Framer::feed`], take frames with [`Framer::next_frame`].
#[derive(Debug)]
pub struct Framer {
    buf: Vec<u8>,
    start: usize,
    /// How far past `start` we have already looked for an LF, so each byte is scanned once.
    scanned: usize,
    state: State,
    limits: Limits,
}

impl Default for Framer {
    fn default() -> Self {
        Framer::new(Limits::default())
    }
}

impl Framer {
    pub fn new(limits: Limits) -> Self {
        Framer {
            buf: Vec::new(),
            start: 0,
            scanned: 0,
            state: State::Line,
            limits,
        }
    }

    /// Changes the longest line from here on (a server takes longer lines after
    /// login than before it).
    pub(crate) fn set_max_line(&mut self, max_line: usize) {
        self.limits.max_line = max_line.max(1);
    }

    /// Adds bytes from the stream.
    pub fn feed(&mut self, bytes: &[u8]) {
        if self.start > 0 && self.start >= self.buf.len() / 2 {
            self.buf.drain(..self.start);
            self.start = 0;
        }
        self.buf.extend_from_slice(bytes);
    }

    /// True while the framer is inside a literal (the next bytes are literal data).
    pub(crate) fn in_literal(&self) -> bool {
        matches!(self.state, State::Literal { .. })
    }

    /// The unfinished line buffered so far (empty inside a literal).
    pub(crate) fn partial_line(&self) -> &[u8] {
        match self.state {
            State::Line => &self.buf[self.start..],
            _ => &[],
        }
    }

    /// Bytes fed but not yet handed out in a frame.
    pub(crate) fn pending(&self) -> usize {
        self.buf.len() - self.start
    }

    /// How many of the next bytes of the stream, after those fed so far, are data of
    /// the literal being read (0 outside a literal).
    pub(crate) fn literal_to_come(&self) -> u64 {
        match self.state {
            State::Literal { remaining } => remaining.saturating_sub(self.pending() as u64),
            _ => 0,
        }
    }

    /// Forgets the literal the last line announced. A client calls for this when the
    /// server refused a synchronizing literal (tagged NO/BAD instead of `+`): the client
    /// then never sends the bytes, and what follows is a new line.
    pub(crate) fn cancel_literal(&mut self) {
        if self.in_literal() {
            self.state = State::Line;
        }
    }

    /// Counts literal bytes that the caller will never look at, without copying them:
    /// first those already buffered, then up to `input_len` bytes of the caller's next
    /// input, which the caller must then not [`feed`](Self::feed). Returns
    /// `(from_buffer, from_input)`. Outside a literal it does nothing.
    ///
    /// The explainer uses it for the part of a large literal beyond what it keeps: the
    /// bytes are only counted, which is all framing needs. Pieces after a skip no longer
    /// fall on the fixed boundaries, so a caller that relies on those must not skip.
    pub(crate) fn skip_literal(&mut self, input_len: usize) -> (u64, u64) {
        let State::Literal { remaining } = self.state else {
            return (0, 0);
        };
        let from_buffer = (self.pending() as u64).min(remaining);
        self.start += from_buffer as usize;
        self.scanned = 0;
        let mut remaining = remaining - from_buffer;
        let mut from_input = 0;
        if self.pending() == 0 {
            from_input = (input_len as u64).min(remaining);
            remaining -= from_input;
        }
        self.state = if remaining == 0 {
            State::Line
        } else {
            State::Literal { remaining }
        };
        (from_buffer, from_input)
    }

    /// The next complete frame, or `None` when more bytes are needed.
    pub fn next_frame(&mut self) -> Option<Frame> {
        let available = &self.buf[self.start..];
        match self.state {
            State::Literal { remaining } => {
                let want = remaining.min(LITERAL_PIECE as u64) as usize;
                if available.len() < want {
                    return None;
                }
                let bytes = self.take(want);
                let remaining = remaining - want as u64;
                self.state = if remaining == 0 {
                    State::Line
                } else {
                    State::Literal { remaining }
                };
                Some(Frame::Literal {
                    bytes,
                    last: remaining == 0,
                })
            }
            State::Line | State::Overlong => {
                let window = available.len().min(self.limits.max_line);
                let found = available[self.scanned.min(window)..window]
                    .iter()
                    .position(|&b| b == b'\n')
                    .map(|i| i + self.scanned.min(window));
                match found {
                    Some(lf) => {
                        let bytes = self.take(lf + 1);
                        if self.state == State::Overlong {
                            self.state = State::Line;
                            return Some(Frame::Overlong {
                                bytes,
                                last: true,
                                limit: self.limits.max_line,
                            });
                        }
                        Some(Frame::Line(self.finish_line(bytes)))
                    }
                    None if window == self.limits.max_line => {
                        let bytes = self.take(window);
                        self.state = State::Overlong;
                        Some(Frame::Overlong {
                            bytes,
                            last: false,
                            limit: self.limits.max_line,
                        })
                    }
                    None => {
                        self.scanned = window;
                        None
                    }
                }
            }
        }
    }

    /// Ends the stream: hands out whatever unfinished line or literal remains.
    pub fn finish(&mut self) -> Option<Frame> {
        if self.pending() == 0 {
            return None;
        }
        let in_literal = self.in_literal();
        let bytes = self.take(self.pending());
        self.state = State::Line;
        Some(Frame::Truncated { bytes, in_literal })
    }

    fn take(&mut self, n: usize) -> Vec<u8> {
        let bytes = self.buf[self.start..self.start + n].to_vec();
        self.start += n;
        self.scanned = 0;
        bytes
    }

    fn finish_line(&mut self, bytes: Vec<u8>) -> Line {
        let ending = if bytes.len() >= 2 && bytes[bytes.len() - 2] == b'\r' {
            LineEnding::Crlf
        } else {
            LineEnding::BareLf
        };
        let mut line = Line {
            bytes,
            ending,
            literal: None,
            error: None,
        };
        if let Some(header) = literal_header(line.text()) {
            if header.size > self.limits.max_literal {
                line.error = Some(FrameError::LiteralTooLarge {
                    size: header.size,
                    limit: self.limits.max_literal,
                });
            } else {
                line.literal = Some(header);
                if header.size > 0 {
                    self.state = State::Literal {
                        remaining: header.size,
                    };
                }
            }
        }
        line
    }
}

/// The tag of a line: its first word (empty for a line that starts with a space).
pub(crate) fn tag_of(line: &[u8]) -> &[u8] {
    let end = line.iter().position(|&b| b == b' ').unwrap_or(line.len());
    &line[..end]
}

/// True if the server line `reply` refuses the synchronizing literal that the client
/// announced in the command whose first line is `command`.
///
/// RFC 9051 §4.3: the server answers a `{n}` with `+` (send it) or with the tagged
/// NO/BAD *of that command*. A tagged reply with another tag completes a command the
/// client pipelined earlier, and the client still waits for its `+`: reading it as a
/// refusal would turn the literal that follows (a password, say) into a command line.
pub(crate) fn refuses_literal(command: &[u8], reply: &[u8]) -> bool {
    let tag = tag_of(reply);
    !tag.is_empty() && !reply.starts_with(b"+") && tag != b"*" && tag == tag_of(command)
}

/// Recognises a literal announcement at the end of a line (without its ending).
///
/// ```text
/// literal   = "{" number64 ["+"] "}" CRLF *CHAR8      ; RFC 9051 §9, RFC 7888 §3
/// literal8  = "~{" number64 ["+"] "}" CRLF *OCTET     ; RFC 9051 §9, RFC 3516
/// ```
pub(crate) fn literal_header(text: &[u8]) -> Option<LiteralHeader> {
    let body = text.strip_suffix(b"}")?;
    let open = body.iter().rposition(|&b| b == b'{')?;
    let inner = &body[open + 1..];
    let (digits, marker) = match inner.last()? {
        b'+' => (&inner[..inner.len() - 1], Some(b'+')),
        b'-' => (&inner[..inner.len() - 1], Some(b'-')),
        _ => (inner, None),
    };
    if digits.is_empty() || digits.len() > 19 || !digits.iter().all(u8::is_ascii_digit) {
        return None;
    }
    let size: u64 = std::str::from_utf8(digits).ok()?.parse().ok()?;
    let binary = open > 0 && body[open - 1] == b'~';
    let kind = match (binary, marker) {
        (false, None) => LiteralKind::Synchronizing,
        (false, Some(b'+')) => LiteralKind::NonSynchronizing,
        (false, _) => LiteralKind::Minus,
        (true, None) => LiteralKind::Binary,
        (true, _) => LiteralKind::BinaryNonSynchronizing,
    };
    Some(LiteralHeader { size, kind })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn frames_of(input: &[u8], chunk: usize, limits: Limits) -> Vec<Frame> {
        let mut framer = Framer::new(limits);
        let mut out = Vec::new();
        for piece in input.chunks(chunk.max(1)) {
            framer.feed(piece);
            while let Some(frame) = framer.next_frame() {
                out.push(frame);
            }
        }
        out.extend(framer.finish());
        out
    }

    #[test]
    fn splits_lines_and_literals() {
        let input = b"* 3 FETCH (BODY[] {5}\r\nHello)\r\nC OK done\n";
        let frames = frames_of(input, 1024, Limits::default());
        assert_eq!(frames.len(), 4);
        let Frame::Line(first) = &frames[0] else {
            panic!("{frames:?}")
        };
        assert_eq!(
            first.literal,
            Some(LiteralHeader {
                size: 5,
                kind: LiteralKind::Synchronizing
            })
        );
        assert_eq!(
            frames[1],
            Frame::Literal {
                bytes: b"Hello".to_vec(),
                last: true
            }
        );
        let Frame::Line(last) = &frames[3] else {
            panic!()
        };
        assert_eq!(last.ending, LineEnding::BareLf);
        assert_eq!(last.text(), b"C OK done");
    }

    #[test]
    fn recognises_every_literal_form() {
        let kind = |s: &[u8]| literal_header(s).map(|h| (h.size, h.kind));
        assert_eq!(
            kind(b"A APPEND x {12}"),
            Some((12, LiteralKind::Synchronizing))
        );
        assert_eq!(
            kind(b"A APPEND x {12+}"),
            Some((12, LiteralKind::NonSynchronizing))
        );
        assert_eq!(kind(b"A APPEND x {12-}"), Some((12, LiteralKind::Minus)));
        assert_eq!(kind(b"A APPEND x ~{12}"), Some((12, LiteralKind::Binary)));
        assert_eq!(
            kind(b"A APPEND x ~{12+}"),
            Some((12, LiteralKind::BinaryNonSynchronizing))
        );
        assert_eq!(kind(b"A OK {x}"), None);
        assert_eq!(kind(b"A OK {}"), None);
        assert_eq!(kind(b"A OK done"), None);
    }

    #[test]
    fn same_frames_whatever_the_chunking() {
        let mut input = b"a1 APPEND INBOX {70000+}\r\n".to_vec();
        input.extend(std::iter::repeat_n(b'x', 70000));
        input.extend_from_slice(b"\r\na2 NOOP\r\n* OK partial");
        let whole = frames_of(&input, input.len(), Limits::default());
        for chunk in [1, 2, 3, 7, 1000, 65536, 65537] {
            assert_eq!(
                frames_of(&input, chunk, Limits::default()),
                whole,
                "chunk {chunk}"
            );
        }
        let joined: Vec<u8> = whole.iter().flat_map(|f| f.bytes().to_vec()).collect();
        assert_eq!(joined, input);
        assert!(matches!(
            whole.last(),
            Some(Frame::Truncated {
                in_literal: false,
                ..
            })
        ));
    }

    #[test]
    fn over_long_lines_are_cut_at_the_limit_and_nothing_is_lost() {
        let limits = Limits {
            max_line: 10,
            max_literal: 100,
        };
        let input = b"a1 NOOP 0123456789012345\r\na2 NOOP\r\n";
        let frames = frames_of(input, 3, limits);
        assert!(
            matches!(&frames[0], Frame::Overlong { last: false, bytes, .. } if bytes.len() == 10)
        );
        assert!(matches!(&frames[2], Frame::Overlong { last: true, .. }));
        assert!(matches!(&frames[3], Frame::Line(l) if l.text() == b"a2 NOOP"));
        let joined: Vec<u8> = frames.iter().flat_map(|f| f.bytes().to_vec()).collect();
        assert_eq!(joined, input);
    }

    #[test]
    fn a_literal_over_the_limit_is_not_read_as_a_literal() {
        let limits = Limits {
            max_line: 100,
            max_literal: 10,
        };
        let frames = frames_of(b"a1 APPEND x {11}\r\na2 NOOP\r\n", 100, limits);
        let Frame::Line(line) = &frames[0] else {
            panic!()
        };
        assert_eq!(line.literal, None);
        assert_eq!(
            line.error,
            Some(FrameError::LiteralTooLarge {
                size: 11,
                limit: 10
            })
        );
        assert!(matches!(&frames[1], Frame::Line(l) if l.text() == b"a2 NOOP"));
    }

    #[test]
    fn a_cancelled_literal_leaves_the_next_line_a_line() {
        let mut framer = Framer::default();
        framer.feed(b"a1 APPEND nowhere {5}\r\n");
        assert!(matches!(framer.next_frame(), Some(Frame::Line(_))));
        framer.cancel_literal();
        framer.feed(b"a2 NOOP\r\n");
        assert!(matches!(framer.next_frame(), Some(Frame::Line(l)) if l.text() == b"a2 NOOP"));
    }

    #[test]
    fn skipping_a_literal_counts_it_and_keeps_the_stream_in_step() {
        let mut framer = Framer::default();
        framer.feed(b"* 1 FETCH (BODY[] {10}\r\n0123");
        assert!(matches!(framer.next_frame(), Some(Frame::Line(_))));
        assert_eq!(
            framer.next_frame(),
            None,
            "4 of 10 literal bytes are buffered"
        );
        let input = b"456789)\r\n";
        assert_eq!(framer.skip_literal(input.len()), (4, 6));
        assert!(!framer.in_literal());
        framer.feed(&input[6..]);
        assert!(matches!(framer.next_frame(), Some(Frame::Line(l)) if l.text() == b")"));
        assert_eq!(
            Framer::default().skip_literal(5),
            (0, 0),
            "outside a literal: nothing"
        );
    }

    #[test]
    fn memory_stays_bounded_while_a_big_literal_streams() {
        let mut framer = Framer::default();
        framer.feed(b"* 1 FETCH (BODY[] {10000000}\r\n");
        assert!(framer.next_frame().is_some());
        let chunk = vec![b'y'; 8192];
        let mut seen = 0;
        for _ in 0..(10_000_000 / 8192 + 1) {
            framer.feed(&chunk);
            while let Some(Frame::Literal { bytes, .. }) = framer.next_frame() {
                seen += bytes.len();
            }
            assert!(framer.pending() < 2 * LITERAL_PIECE);
        }
        assert_eq!(seen, 10_000_000);
    }
}
