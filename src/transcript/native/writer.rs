//! Writing the native format: each direction run through its own framer, so the `:`
//! and `|` marks agree with what a server would parse.

use super::*;

/// One direction's framer and how far into its byte stream we are.
#[derive(Debug)]
struct Side {
    framer: Framer,
    /// Bytes fed so far.
    total: usize,
    /// Bytes handed out in frames so far.
    framed: usize,
}

impl Side {
    fn new() -> Self {
        Side {
            framer: Framer::default(),
            total: 0,
            framed: 0,
        }
    }
}

fn side_index(direction: Direction) -> usize {
    match direction {
        Direction::Client => 0,
        Direction::Server => 1,
    }
}

/// Writes a transcript in the native format. The output is canonical: reading it and
/// writing again gives the same text, and every byte of each direction survives.
pub fn write(transcript: &Transcript) -> String {
    let mut out = Writer::header(&transcript.meta);
    let mut writer = Writer::new();
    for record in &transcript.records {
        writer.record_into(&mut out, record);
    }
    out
}

/// The writer, record by record, for a recorder that writes as the session runs and
/// never holds it whole: `header` then `record` for each record gives exactly the text
/// of [`write`]. It keeps each direction's framer, so literal data is marked `|` even
/// when its header came in an earlier record.
#[derive(Debug)]
pub struct Writer {
    sides: [Side; 2],
    /// Set while the client waits for `+` after a synchronizing literal: where its
    /// stream was then.
    awaiting_continuation: Option<usize>,
    /// The first line of the client's message in progress (its tag decides which
    /// tagged reply refuses the literal), and whether that message is still open.
    client_command: (Vec<u8>, bool),
}

impl Default for Writer {
    fn default() -> Self {
        Writer::new()
    }
}

impl Writer {
    pub(crate) fn new() -> Self {
        Writer {
            sides: [Side::new(), Side::new()],
            awaiting_continuation: None,
            client_command: (Vec::new(), false),
        }
    }

    /// Line 1 and the header fields, with the blank line that ends them.
    pub(crate) fn header(meta: &[(String, String)]) -> String {
        let mut out = String::new();
        let _ = writeln!(out, "{MAGIC} {VERSION}");
        for (key, value) in meta {
            let value = free_text(value);
            if value.is_empty() {
                let _ = writeln!(out, "# {}:", header_key(key));
            } else {
                let _ = writeln!(out, "# {}: {value}", header_key(key));
            }
        }
        // The blank line ends the header, so a later comment that looks like
        // `key: value` stays a comment.
        out.push('\n');
        out
    }

    /// The lines of one record.
    pub(crate) fn record(&mut self, record: &Record) -> String {
        let mut out = String::new();
        self.record_into(&mut out, record);
        out
    }

    fn record_into(&mut self, out: &mut String, record: &Record) {
        match record {
            Record::Other { text, .. } => line_with(out, '#', &free_text(text)),
            Record::Note { text, .. } => line_with(out, '!', &free_text(text)),
            Record::Gap {
                direction, missing, ..
            } => {
                // Framing of that direction restarts after the gap, as readers do.
                self.sides[side_index(*direction)] = Side::new();
                let _ = writeln!(out, "{}~ {missing}", direction.letter());
            }
            Record::Bytes { bytes, .. } if bytes.is_empty() => {}
            Record::Bytes {
                direction,
                bytes,
                time,
                ..
            } => {
                let d = side_index(*direction);
                let side = &mut self.sides[d];
                let start = side.total;
                let framed_before = side.framed;
                side.framer.feed(bytes);
                side.total += bytes.len();
                // Spans of the stream, as (end offset, is literal data).
                let mut spans: Vec<(usize, bool)> = Vec::new();
                let mut lines = Vec::new();
                while let Some(frame) = side.framer.next_frame() {
                    side.framed += frame.bytes().len();
                    spans.push((side.framed, matches!(frame, Frame::Literal { .. })));
                    if let Frame::Line(line) = frame {
                        lines.push((side.framed, line));
                    }
                }
                // In frame order, as the two peers would have seen them.
                for (end, line) in lines {
                    self.follow(*direction, end, &line);
                }
                let side = &self.sides[d];
                spans.push((side.total, side.framer.in_literal()));
                write_bytes(out, *direction, bytes, start, framed_before, &spans, *time);
            }
        }
    }

    /// The one piece of IMAP the writer must know: a server that answers a client's
    /// synchronizing literal with that command's tagged reply instead of `+` refuses
    /// it, and the client never sends its bytes (RFC 9051 §4.3), unless it sent them
    /// without waiting. A reply with another tag completes a pipelined command.
    fn follow(&mut self, direction: Direction, end: usize, line: &crate::wire::framer::Line) {
        match direction {
            Direction::Client => {
                let announces = line.literal.is_some_and(|h| h.size > 0);
                if !self.client_command.1 {
                    self.client_command.0 = line.text().to_vec();
                }
                self.client_command.1 = announces;
                if announces && line.literal.is_some_and(|h| h.kind.is_synchronizing()) {
                    self.awaiting_continuation = Some(end);
                }
            }
            Direction::Server => {
                let text = line.text();
                if text.starts_with(b"+") {
                    self.awaiting_continuation = None;
                } else if refuses_literal(&self.client_command.0, text) {
                    if let Some(at) = self.awaiting_continuation.take() {
                        let client = &mut self.sides[side_index(Direction::Client)];
                        if client.total == at {
                            client.framer.cancel_literal();
                            self.client_command.1 = false;
                        }
                    }
                }
            }
        }
    }
}

/// Header keys are a token; anything else would read back as a comment.
fn header_key(key: &str) -> String {
    let key: String = key
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-') {
                c
            } else {
                '-'
            }
        })
        .collect();
    if key.starts_with(|c: char| c.is_ascii_alphanumeric()) {
        key
    } else {
        format!("x{key}")
    }
}

fn line_with(out: &mut String, mark: char, text: &str) {
    out.push(mark);
    if !text.is_empty() {
        out.push(' ');
        out.push_str(text);
    }
    out.push('\n');
}

/// Writes the bytes of one record, which sit at `start..` of their direction's stream,
/// cut at every LF and wherever the framer says literal data starts or stops. `spans`
/// cover the stream from `spans_from` (earlier than `start` when a frame began in an
/// earlier record) to the end of this record.
fn write_bytes(
    out: &mut String,
    direction: Direction,
    bytes: &[u8],
    start: usize,
    spans_from: usize,
    spans: &[(usize, bool)],
    time: Option<f64>,
) {
    let mut first = true;
    let mut span_start = spans_from;
    let mut from = 0usize;
    for &(end, literal) in spans {
        // This span covers stream offsets span_start..end; we only write what is at or past `start`.
        let lo = span_start.max(start);
        span_start = end;
        if end <= lo {
            continue;
        }
        let segment = &bytes[lo - start..end - start];
        debug_assert_eq!(lo - start, from);
        from = end - start;
        for piece in segment.split_inclusive(|&b| b == b'\n') {
            if first {
                if let Some(t) = time.filter(|t| t.is_finite() && *t >= 0.0) {
                    let _ = write!(out, "@{t:.3} ");
                }
                first = false;
            }
            out.push(direction.letter());
            out.push(if literal { '|' } else { ':' });
            let (text, no_ending) = match piece.strip_suffix(b"\r\n") {
                Some(text) => (text, false),
                None => (piece, true),
            };
            if !text.is_empty() || no_ending {
                out.push(' ');
            }
            escape_into(out, text);
            if no_ending {
                out.push_str("\\$");
            }
            out.push('\n');
        }
    }
    debug_assert_eq!(from, bytes.len());
}
