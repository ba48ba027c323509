//! The native transcript format: what `--record` writes and `convert` produces.
//!
//! It has to be read by people (one protocol line per text line, a direction mark in
//! front, diffs that show what changed) and by `replay` (every byte back, exactly).
//! The full spec is in `transcripts/README.md`; in short:
//!
//! ```text
//! # imap-tutor transcript 1
//! # server: Dovecot (Ubuntu)
//!
//! # a comment
//! @0.005 S: * OK [CAPABILITY IMAP4rev1] ready.
//! C: a1 FETCH 1 (FLAGS BODY[])
//! S: * 1 FETCH (FLAGS (\Seen) BODY[] {5}
//! S| Hello\$
//! S: )
//! C: a2 NOOP\n\$
//! ! a note by the reader or the recorder
//! ```
//!
//! `:` is a protocol line and `|` a line of literal data; each stands for its unescaped
//! text plus CR LF, unless it ends in `\$` ("no line ending here").
//!
//! Quirk, on purpose: the writer does not trust `Record::Bytes::literal`. It runs each
//! direction through the [`Framer`] so the marks always agree with what a server would
//! parse, and cancels a client's synchronizing literal when the server refuses it
//! (the command's tagged reply before any `+`, RFC 9051 §4.3), as `explain` does.

use super::{Direction, Format, ReadError, Record, Transcript};
use crate::wire::framer::refuses_literal;
use crate::wire::{Frame, Framer};
use std::fmt::Write as _;

/// Line 1 of every native file, before the version number.
pub const MAGIC: &str = "# imap-tutor transcript";
/// The version this code writes and reads.
pub(crate) const VERSION: u32 = 1;

pub(crate) const FORMAT: Format = Format {
    name: "native",
    description:
        "imap-tutor's own format: `C: `/`S: ` lines, `|` for literal data, escapes for every byte",
    sniff,
    read: read_native,
};

fn sniff(text: &str) -> u32 {
    if text.starts_with(MAGIC) {
        100
    } else {
        0
    }
}

const NAME: &str = "native";

// ---------------------------------------------------------------------------------
// Escaping

/// Characters that are printable by Unicode's rules but invisible or that some editors
/// take for a line break; a reader of the file could not tell they are there.
fn invisible(c: char) -> bool {
    matches!(c, '\u{200B}'..='\u{200F}' | '\u{2028}' | '\u{2029}' | '\u{202A}'..='\u{202E}' | '\u{2060}'..='\u{2064}' | '\u{2066}'..='\u{2069}' | '\u{FEFF}')
}

fn push_hex(out: &mut String, bytes: &[u8]) {
    for b in bytes {
        let _ = write!(out, "\\x{b:02X}");
    }
}

/// Writes `bytes` as escaped text: `\r`, `\n`, `\t`, `\xNN` for any other control
/// character, invisible character or byte that is not UTF-8; printable UTF-8 as is.
///
/// A backslash stands for itself when printable ASCII follows that is not an escape
/// letter; anywhere else (before `r`, `n`, `t`, `x`, `$`, another backslash, a space, an
/// escaped byte, or at the end) it is doubled (`\\`). IMAP is full of backslashes (`\Seen`, `\Answered`, `\*`), and doubling
/// each one would make every FLAGS line harder to read and to diff.
/// A space (or other white space) at the very end is escaped too, so that editors that
/// strip trailing white space cannot change the bytes (`S: +\x20` is `+ ` CRLF).
pub(crate) fn escape_into(out: &mut String, bytes: &[u8]) {
    let mut offset = 0;
    for chunk in bytes.utf8_chunks() {
        let valid = chunk.valid();
        for (i, c) in valid.char_indices() {
            let at = offset + i;
            let after = at + c.len_utf8();
            match c {
                '\\' if !bytes
                    .get(after)
                    .is_some_and(|b| b.is_ascii_graphic() && !ESCAPE_LETTERS.contains(b)) =>
                {
                    out.push_str("\\\\")
                }
                '\r' => out.push_str("\\r"),
                '\n' => out.push_str("\\n"),
                '\t' => out.push_str("\\t"),
                c if c.is_control()
                    || invisible(c)
                    || (after == bytes.len() && c.is_whitespace()) =>
                {
                    push_hex(out, &valid.as_bytes()[i..i + c.len_utf8()]);
                }
                c => out.push(c),
            }
        }
        offset += valid.len();
        push_hex(out, chunk.invalid());
        offset += chunk.invalid().len();
    }
}

/// The characters that, after a backslash, make an escape.
const ESCAPE_LETTERS: &[u8] = b"\\rntx$";

/// Free text (comments, notes, header values) is read verbatim, not unescaped, so a
/// Windows path in a comment needs no doubling. Only characters that would break the
/// line or hide in it are shown as escapes, and trailing white space is dropped.
fn free_text(text: &str) -> String {
    let mut out = String::new();
    for c in text.chars() {
        if (c.is_control() && c != '\t') || invisible(c) {
            let mut buf = [0; 4];
            push_hex(&mut out, c.encode_utf8(&mut buf).as_bytes());
        } else {
            out.push(c);
        }
    }
    out.trim_end().to_string()
}

/// Undoes [`escape_into`]. Returns the bytes and whether the text ended in `\$`.
/// `offset` is the column (0-based, in characters) of `text` in its line, for errors.
fn unescape(text: &str, offset: usize) -> Result<(Vec<u8>, bool), (usize, String)> {
    let mut out = Vec::with_capacity(text.len());
    let mut chars = text.chars().enumerate().peekable();
    while let Some((i, c)) = chars.next() {
        if c != '\\' {
            let mut buf = [0; 4];
            out.extend_from_slice(c.encode_utf8(&mut buf).as_bytes());
            continue;
        }
        let column = offset + i + 1;
        match chars.next().map(|(_, c)| c) {
            Some('\\') => out.push(b'\\'),
            Some('r') => out.push(b'\r'),
            Some('n') => out.push(b'\n'),
            Some('t') => out.push(b'\t'),
            Some('x') => {
                let hi = chars.next().map(|(_, c)| c);
                let lo = chars.next().map(|(_, c)| c);
                match (hi.and_then(|c| c.to_digit(16)), lo.and_then(|c| c.to_digit(16))) {
                    (Some(hi), Some(lo)) => out.push((hi * 16 + lo) as u8),
                    _ => {
                        return Err((
                            column,
                            "`\\x` needs two hex digits (`\\x00` to `\\xFF`, one byte); for a backslash then `x`, write `\\\\x`".to_string(),
                        ))
                    }
                }
            }
            Some('$') => {
                if chars.peek().is_some() {
                    return Err((
                        column,
                        "`\\$` (no line ending) may only end a line: split the line here, or write `\\\\$` for a backslash and a dollar".to_string(),
                    ));
                }
                return Ok((out, true));
            }
            // Not an escape: the backslash is itself (`\Seen`).
            Some(other) => {
                out.push(b'\\');
                let mut buf = [0; 4];
                out.extend_from_slice(other.encode_utf8(&mut buf).as_bytes());
            }
            None => {
                return Err((
                    column,
                    "a lone backslash ends the line: write `\\\\` for a backslash, or `\\$` for \"no line ending here\"".to_string(),
                ))
            }
        }
    }
    Ok((out, false))
}

// ---------------------------------------------------------------------------------
// Writing

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
    pub fn new() -> Self {
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

// ---------------------------------------------------------------------------------
// Reading

/// Reads a native transcript. Errors name the line, the column and what to type instead.
pub fn read_native(text: &str) -> Result<Transcript, ReadError> {
    let mut reader = NativeReader::new(text.as_bytes())?;
    let mut records = Vec::new();
    for record in reader.by_ref() {
        records.push(record?);
    }
    Ok(Transcript {
        meta: reader.meta,
        records,
    })
}

/// A native transcript read line by line from any `BufRead`, one record at a time:
/// `explain` and `diff` of a 200 MB recording hold one line, not the file.
pub struct NativeReader<R> {
    input: R,
    /// The header fields (`server`, `started`...), read by [`NativeReader::new`].
    pub(crate) meta: Vec<(String, String)>,
    number: usize,
    /// The first record after the header, read to find where the header ends.
    first: Option<Record>,
    buf: Vec<u8>,
    failed: bool,
}

impl<R: std::io::BufRead> NativeReader<R> {
    /// Reads line 1 and the header.
    pub fn new(input: R) -> Result<Self, ReadError> {
        let mut reader = NativeReader {
            input,
            meta: Vec::new(),
            number: 0,
            first: None,
            buf: Vec::new(),
            failed: false,
        };
        let Some(line) = reader.next_line()? else {
            return Err(ReadError::new(
                NAME,
                1,
                None,
                format!("the file is empty: a native transcript starts with `{MAGIC} {VERSION}`"),
            ));
        };
        check_first_line(&line)
            .map_err(|(column, message)| ReadError::new(NAME, 1, column, message))?;
        while let Some(line) = reader.next_line()? {
            if let Some((key, value)) = header_field(&line) {
                reader.meta.push((key.to_string(), value.to_string()));
                continue;
            }
            reader.first = reader.parse(&line)?;
            break;
        }
        Ok(reader)
    }

    /// The next line without its ending, or `None` at the end.
    fn next_line(&mut self) -> Result<Option<String>, ReadError> {
        self.buf.clear();
        let n = self.input.read_until(b'\n', &mut self.buf).map_err(|e| {
            ReadError::new(NAME, self.number + 1, None, format!("cannot read: {e}"))
        })?;
        if n == 0 {
            return Ok(None);
        }
        self.number += 1;
        let mut line: &[u8] = &self.buf;
        line = line.strip_suffix(b"\n").unwrap_or(line);
        line = line.strip_suffix(b"\r").unwrap_or(line);
        Ok(Some(String::from_utf8_lossy(line).into_owned()))
    }

    /// A record line (after the header); `None` for a blank line.
    fn parse(&self, line: &str) -> Result<Option<Record>, ReadError> {
        let number = self.number;
        if line.trim().is_empty() {
            return Ok(None);
        }
        Ok(Some(match line.as_bytes()[0] {
            b'#' => Record::Other {
                text: free_line(&line[1..]),
                why: "comment in the transcript".to_string(),
                source_line: number,
            },
            b'!' => Record::Note {
                text: free_line(&line[1..]),
                source_line: number,
            },
            _ => bytes_line(line, number)
                .map_err(|(column, message)| ReadError::new(NAME, number, Some(column), message))?,
        }))
    }
}

impl<R: std::io::BufRead> Iterator for NativeReader<R> {
    type Item = Result<Record, ReadError>;

    fn next(&mut self) -> Option<Self::Item> {
        if let Some(record) = self.first.take() {
            return Some(Ok(record));
        }
        while !self.failed {
            let line = match self.next_line() {
                Ok(Some(line)) => line,
                Ok(None) => return None,
                Err(e) => {
                    self.failed = true;
                    return Some(Err(e));
                }
            };
            match self.parse(&line) {
                Ok(Some(record)) => return Some(Ok(record)),
                Ok(None) => {}
                Err(e) => {
                    self.failed = true;
                    return Some(Err(e));
                }
            }
        }
        None
    }
}

/// `C~ 1234`: that many bytes of the client are missing here (see [`Record::Gap`]).
fn gap_line(
    direction: Direction,
    after_mark: &str,
    column: usize,
    number: usize,
) -> Result<Record, (usize, String)> {
    let count = after_mark
        .strip_prefix(' ')
        .unwrap_or(after_mark)
        .trim_end();
    let missing = count.parse::<u64>().map_err(|_| {
        (
            column + 3,
            format!(
                "`{}~` marks a gap and is followed by the number of missing bytes, as in `{}~ 1024`",
                direction.letter(),
                direction.letter()
            ),
        )
    })?;
    Ok(Record::Gap {
        direction,
        missing,
        source_line: number,
    })
}

fn free_line(rest: &str) -> String {
    rest.strip_prefix(' ')
        .unwrap_or(rest)
        .trim_end()
        .to_string()
}

fn check_first_line(line: &str) -> Result<(), (Option<usize>, String)> {
    let Some(rest) = line.strip_prefix(MAGIC) else {
        return Err((
            Some(1),
            format!("line 1 must be `{MAGIC} {VERSION}`; to read a telnet capture or `C:`/`S:` text, let imap-tutor detect the format"),
        ));
    };
    let version = rest.trim();
    match version.parse::<u32>() {
        Ok(VERSION) => Ok(()),
        Ok(v) if v > VERSION => Err((
            Some(MAGIC.len() + 2),
            format!("this transcript is version {v}; this imap-tutor reads version {VERSION}: upgrade imap-tutor"),
        )),
        _ => Err((Some(MAGIC.len() + 2), format!("expected the version number `{VERSION}` after `{MAGIC}`, found `{version}`"))),
    }
}

/// `# key: value` right after line 1. Keys are tokens, so prose comments are not headers.
fn header_field(line: &str) -> Option<(&str, &str)> {
    let rest = line.strip_prefix("# ")?;
    let colon = rest.find(':')?;
    let key = &rest[..colon];
    let valid = key.starts_with(|c: char| c.is_ascii_alphanumeric())
        && key
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'));
    let value = &rest[colon + 1..];
    if !valid || !(value.is_empty() || value.starts_with(' ')) {
        return None;
    }
    Some((key, value.trim()))
}

/// `[@seconds ]C: text`, `S: text`, `C| text`, `S| text`.
fn bytes_line(line: &str, number: usize) -> Result<Record, (usize, String)> {
    let mut rest = line;
    let mut column = 0; // characters consumed so far (all ASCII until the text)
    let mut time = None;
    if let Some(after) = rest.strip_prefix('@') {
        let end = after.find(' ').ok_or((
            1,
            "a timestamp is `@seconds` then a space then `C: ` or `S: `, as in `@12.345 S: * OK`"
                .to_string(),
        ))?;
        let number_text = &after[..end];
        let valid = !number_text.is_empty()
            && number_text.chars().all(|c| c.is_ascii_digit() || c == '.')
            && number_text.matches('.').count() <= 1
            && !number_text.starts_with('.')
            && !number_text.ends_with('.');
        if !valid {
            return Err((2, format!("`{number_text}` is not a time: write seconds since the session started, as in `@12.345`")));
        }
        time = Some(
            number_text
                .parse::<f64>()
                .map_err(|e| (2, format!("`{number_text}` is not a time: {e}")))?,
        );
        rest = &after[end + 1..];
        column = end + 2;
    }
    let mut chars = rest.chars();
    let (direction, mark) = (chars.next(), chars.next());
    let direction = match direction {
        Some('C') => Direction::Client,
        Some('S') => Direction::Server,
        Some('c' | 's') if matches!(mark, Some(':' | '|')) => {
            return Err((
                column + 1,
                "the direction is an upper-case `C` (client) or `S` (server)".to_string(),
            ))
        }
        _ => {
            let what = if time.is_some() {
                "after a timestamp comes"
            } else {
                "a line is"
            };
            return Err((
                column + 1,
                format!(
                    "`{}` is not a transcript line: {what} `C: ` or `S: ` (protocol), `C| ` or `S| ` (literal data), `# ` (comment) or `! ` (note); to keep free text, start it with `# `",
                    shorten(line)
                ),
            ));
        }
    };
    let literal = match mark {
        Some(':') => false,
        Some('|') => true,
        Some('~') => return gap_line(direction, &rest[2..], column, number),
        _ => {
            return Err((
                column + 2,
                format!(
                "after `{}` comes `:` (a protocol line) or `|` (literal data), as in `{}: a1 NOOP`",
                direction.letter(),
                direction.letter()
            ),
            ))
        }
    };
    let after_mark = &rest[2..];
    let text = match after_mark.strip_prefix(' ') {
        Some(text) => text,
        None if after_mark.is_empty() => "",
        None => {
            return Err((
                column + 3,
                format!(
                    "put one space after `{}{}`: the text starts after it",
                    direction.letter(),
                    if literal { '|' } else { ':' }
                ),
            ))
        }
    };
    let (bytes, no_ending) = unescape(text, column + 3)?;
    let mut bytes = bytes;
    if !no_ending {
        bytes.extend_from_slice(b"\r\n");
    }
    Ok(Record::Bytes {
        direction,
        bytes,
        literal,
        time,
        source_line: number,
    })
}

fn shorten(line: &str) -> String {
    if line.chars().count() > 40 {
        let cut: String = line.chars().take(37).collect();
        format!("{cut}...")
    } else {
        line.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bytes(direction: Direction, b: &[u8]) -> Record {
        Record::Bytes {
            direction,
            bytes: b.to_vec(),
            literal: false,
            time: None,
            source_line: 0,
        }
    }

    #[test]
    fn a_pipelined_command_s_ok_leaves_the_literal_waiting() {
        let bytes = |direction, b: &[u8]| Record::Bytes {
            direction,
            bytes: b.to_vec(),
            literal: false,
            time: None,
            source_line: 0,
        };
        let t = Transcript {
            meta: Vec::new(),
            records: vec![
                bytes(Direction::Client, b"p0 NOOP\r\na1 LOGIN user {4}\r\n"),
                bytes(Direction::Server, b"p0 OK done\r\n+ OK\r\n"),
                bytes(Direction::Client, b"pass\r\n"),
            ],
        };
        assert!(write(&t).contains("C| pass\\$\nC:\n"), "{}", write(&t));
    }

    #[test]
    fn a_gap_mark_reads_back_and_restarts_the_framing() {
        let text = "# imap-tutor transcript 1\n\nC: a0 APPEND INBOX {100+}\nC| From: x\nC~ 94\nC: a1 NOOP\n";
        let t = read_native(text).unwrap();
        assert!(matches!(
            t.records[2],
            Record::Gap {
                direction: Direction::Client,
                missing: 94,
                ..
            }
        ));
        // Written again, `a1 NOOP` is a protocol line, not literal data.
        assert_eq!(write(&t), text);
        assert!(read_native("# imap-tutor transcript 1\n\nC~ x\n").is_err());
    }

    #[test]
    fn escapes_every_kind_of_byte() {
        let mut out = String::new();
        let input = b"a\\b\\r\r\n\t\x00\x7f\xff caf\xc3\xa9 (\\Seen \\*) \\";
        escape_into(&mut out, input);
        assert_eq!(
            out,
            "a\\b\\\\r\\r\\n\\t\\x00\\x7F\\xFF caf\u{e9} (\\Seen \\*) \\\\"
        );
        let (back, no_ending) = unescape(&out, 0).unwrap();
        assert_eq!(back, input);
        assert!(!no_ending);
    }

    #[test]
    fn bare_lf_and_literal_mid_line_are_written_with_no_ending() {
        let t = Transcript {
            meta: vec![],
            records: vec![
                bytes(Direction::Client, b"a1 NOOP\n"),
                bytes(Direction::Server, b"* 1 FETCH (BODY[] {5}\r\nHello)\r\n"),
            ],
        };
        let text = write(&t);
        assert_eq!(
            text,
            "# imap-tutor transcript 1\n\nC: a1 NOOP\\n\\$\nS: * 1 FETCH (BODY[] {5}\nS| Hello\\$\nS: )\n"
        );
        let back = read_native(&text).unwrap();
        assert_eq!(
            back.bytes_of(Direction::Client),
            t.bytes_of(Direction::Client)
        );
        assert_eq!(
            back.bytes_of(Direction::Server),
            t.bytes_of(Direction::Server)
        );
        assert_eq!(write(&back), text);
    }

    #[test]
    fn a_refused_synchronizing_literal_is_not_marked_as_literal() {
        let t = Transcript {
            meta: vec![],
            records: vec![
                bytes(Direction::Client, b"A044 BLURDYBLOOP {102856}\r\n"),
                bytes(
                    Direction::Server,
                    b"A044 BAD No such command as \"BLURDYBLOOP\"\r\n",
                ),
                bytes(Direction::Client, b"A045 NOOP\r\n"),
            ],
        };
        let text = write(&t);
        assert!(text.ends_with("C: A045 NOOP\n"), "{text}");
    }

    #[test]
    fn a_record_cut_mid_line_is_continued_on_the_next_line() {
        let t = Transcript {
            meta: vec![("server".into(), "x".into())],
            records: vec![
                Record::Bytes {
                    direction: Direction::Client,
                    bytes: b"a1 NO".to_vec(),
                    literal: false,
                    time: Some(1.5),
                    source_line: 0,
                },
                bytes(Direction::Server, b"* OK hi\r\n"),
                bytes(Direction::Client, b"OP\r\n"),
            ],
        };
        let text = write(&t);
        assert_eq!(
            text,
            "# imap-tutor transcript 1\n# server: x\n\n@1.500 C: a1 NO\\$\nS: * OK hi\nC: OP\n"
        );
        assert_eq!(write(&read_native(&text).unwrap()), text);
    }

    #[test]
    fn the_example_in_this_files_comment_is_canonical() {
        let example = "# imap-tutor transcript 1\n# server: Dovecot (Ubuntu)\n\n# a comment\n\
@0.005 S: * OK [CAPABILITY IMAP4rev1] ready.\nC: a1 FETCH 1 (FLAGS BODY[])\n\
S: * 1 FETCH (FLAGS (\\Seen) BODY[] {5}\nS| Hello\\$\nS: )\nC: a2 NOOP\\n\\$\n\
! a note by the reader or the recorder\n";
        assert_eq!(write(&read_native(example).unwrap()), example);
    }

    #[test]
    fn writing_record_by_record_gives_the_same_text() {
        let t = Transcript {
            meta: vec![("server".into(), "x".into())],
            records: vec![
                bytes(Direction::Server, b"* 1 FETCH (BODY[] {5}\r\nHe"),
                Record::Note {
                    text: "a note".into(),
                    source_line: 0,
                },
                bytes(Direction::Server, b"llo)\r\n"),
            ],
        };
        let mut writer = Writer::new();
        let mut text = Writer::header(&t.meta);
        for record in &t.records {
            text.push_str(&writer.record(record));
        }
        assert_eq!(text, write(&t));
        assert!(text.contains("S| llo\\$\n"), "{text}");
    }

    #[test]
    fn errors_name_line_and_column() {
        let e = read_native("# imap-tutor transcript 1\nC: a1 \\x4g\n").unwrap_err();
        assert_eq!((e.line, e.column), (2, Some(7)));
        assert!(e.message.contains("two hex digits"), "{e}");
        let e = read_native("# imap-tutor transcript 2\n").unwrap_err();
        assert!(e.message.contains("upgrade"), "{e}");
        let e = read_native("# imap-tutor transcript 1\nC:a1 NOOP\n").unwrap_err();
        assert_eq!((e.line, e.column), (2, Some(3)));
        let e = read_native("# imap-tutor transcript 1\n@1.5x S: * OK\n").unwrap_err();
        assert_eq!(e.line, 2);
        let e = read_native("# imap-tutor transcript 1\nS: a\\$b\n").unwrap_err();
        assert!(e.message.contains("only end"), "{e}");
    }
}
