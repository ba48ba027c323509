//! The RFC-style reader: `C: A142 SELECT INBOX` / `S: * 172 EXISTS`, as the IMAP RFCs,
//! textbooks and our own test data write sessions.
//!
//! Each `C:`/`S:` line is one protocol line and gets CR LF. Tolerated, because people
//! copy these from RFC text: indentation before the prefix, no space after the colon,
//! extra spaces after it (a command or response never starts with a space).
//!
//! Literals: after a line ending in `{n}`, the following lines, whatever their prefix
//! or none, are literal data until `n` bytes (each line counting its CR LF) are used;
//! the server's `+` (or its refusal) may come first for a client's `{n}`. The count
//! is checked and repaired as for telnet captures (see [`super::resync`]).
//!
//! Quirks of RFC text, each handled and named:
//! - `Example:    C: A003 APPEND ...`: the label before the first prefix is skipped.
//! - Wrapped lines: a long protocol line continues on the next, unprefixed line,
//!   indented deeper than the `C:`; it is joined with one space (none after `(`/`[` or
//!   before `)`/`]`), with a note. Not inside literals.
//! - Aligned text (`S:    Date: ...` in RFC 3501 §8): literal data loses as many spaces
//!   after the colon as its `{n}` line had, no more, so indented data survives.
//! - Placeholders shown as if they were protocol (`S: ...`, `S: (...)`) are `Other`.

use super::resync::{self, closes_fetch, Candidate, Look, SyncAnswer};
use super::telnet::{command_of, status_of};
use super::{split_lines, Direction, Format, ReadError, Record, Transcript};
use crate::wire::framer::literal_header;
use std::collections::HashSet;

pub(crate) const FORMAT: Format = Format {
    name: "rfc",
    description:
        "RFC-style examples: `C: a1 LOGIN ...` / `S: a1 OK ...`, one protocol line per text line",
    sniff,
    read: read_rfc,
};

const NAME: &str = "rfc";

/// Most protocol-looking lines carry a `C:`/`S:` prefix.
fn sniff(text: &str) -> u32 {
    let (mut prefixed, mut raw) = (0u32, 0u32);
    for (line, _) in split_lines(text).into_iter().take(5000) {
        let t = line.trim_start();
        if prefix(t).is_some() {
            prefixed += 1;
        } else if super::telnet::looks_like_imap(t) {
            raw += 1;
        }
    }
    if prefixed > raw {
        50
    } else {
        0
    }
}

/// `C:`/`S:` at the start of `t`, or after an RFC's `Example:` label.
fn prefix(t: &str) -> Option<(Direction, &str)> {
    let t = match t.strip_prefix("Example:") {
        Some(rest) => rest.trim_start(),
        None => t,
    };
    if let Some(after) = t.strip_prefix("C:") {
        Some((Direction::Client, after))
    } else {
        t.strip_prefix("S:").map(|after| (Direction::Server, after))
    }
}

#[derive(Debug, Clone)]
enum Kind {
    Blank,
    Comment(String),
    /// A `C:`/`S:` line: the spaces after the colon, and the text after them. A wrapped
    /// line that continued it is already joined in.
    Prefixed {
        direction: Direction,
        spaces: usize,
        text: String,
    },
    /// A line with no prefix, without the indentation of the `C:`/`S:` lines above it
    /// (the rest of its indentation may be data, as in a folded header).
    Plain(String),
    /// A wrapped line, joined into the `C:`/`S:` line above it.
    Joined,
}

struct Source {
    kinds: Vec<Kind>,
    /// How many spaces after the colon separate prefix and text in the literal's block:
    /// the spacing of the last line that announced a literal. RFC 3501 §8 aligns with
    /// four (`S:    Date: ...`); the rest of the data keeps its own spaces.
    gutters: Vec<usize>,
    /// Tags of the client lines read so far: their tagged replies end any literal.
    tags: HashSet<String>,
}

impl resync::Lines for Source {
    fn count(&self) -> usize {
        self.kinds.len()
    }

    fn number(&self, i: usize) -> usize {
        i + 1
    }

    fn protocol(&self, i: usize) -> (Vec<u8>, Vec<u8>) {
        let text = match &self.kinds[i] {
            Kind::Prefixed { text, .. } | Kind::Plain(text) | Kind::Comment(text) => text.as_str(),
            Kind::Blank | Kind::Joined => "",
        };
        (text.as_bytes().to_vec(), b"\r\n".to_vec())
    }

    fn candidate(&self, i: usize, side: Direction) -> Candidate {
        let (text, look) = match &self.kinds[i] {
            Kind::Blank => (String::new(), Look::Data),
            Kind::Comment(_) | Kind::Joined => (String::new(), Look::Stop),
            Kind::Plain(t) => (
                t.clone(),
                if closes_fetch(t) {
                    Look::Closing
                } else {
                    Look::Data
                },
            ),
            Kind::Prefixed {
                direction,
                spaces,
                text,
            } => {
                let data = format!(
                    "{}{text}",
                    " ".repeat(spaces.saturating_sub(self.gutters[i]))
                );
                let look = if *direction != side {
                    // The other side does not speak in the middle of a literal.
                    Look::Stop
                } else if closes_fetch(&data) {
                    Look::Closing
                } else if side == Direction::Server
                    && status_of(text).is_some_and(|(tag, _)| self.tags.contains(tag))
                {
                    Look::Stop
                } else if looks_like_start(side, text) {
                    Look::Message
                } else {
                    Look::Data
                };
                (data, look)
            }
        };
        Candidate {
            text,
            ending: b"\r\n",
            look,
            number: i + 1,
        }
    }

    fn after_sync_literal(&self, i: usize) -> SyncAnswer {
        match &self.kinds[i] {
            Kind::Prefixed {
                direction: Direction::Server,
                text,
                ..
            } => {
                if text.starts_with('+') {
                    SyncAnswer::Continuation
                } else if text.starts_with('*') {
                    SyncAnswer::Untagged
                } else {
                    SyncAnswer::Refusal
                }
            }
            _ => SyncAnswer::Data,
        }
    }
}

fn looks_like_start(side: Direction, t: &str) -> bool {
    match side {
        Direction::Server => t.starts_with("* ") || t.starts_with('+') || status_of(t).is_some(),
        Direction::Client => command_of(t).is_some(),
    }
}

/// RFC placeholders: `...`, `. . .`, `....`, `(...)`, `[...]`.
fn placeholder(t: &str) -> bool {
    let t = t.trim();
    let inner = t
        .strip_prefix('(')
        .and_then(|s| s.strip_suffix(')'))
        .or_else(|| t.strip_prefix('[').and_then(|s| s.strip_suffix(']')))
        .unwrap_or(t);
    (inner.contains("...") || inner.contains(". . ."))
        && inner.chars().all(|c| c == '.' || c == ' ')
}

/// Splits the text into kinds of lines, and joins wrapped lines: RFC text continues a
/// long protocol line on the next, unprefixed line, indented deeper than the `C:`.
fn parse(text: &str) -> (Source, Vec<Record>) {
    let mut kinds: Vec<Kind> = Vec::new();
    let mut notes = Vec::new();
    // The `C:`/`S:` line wrapped lines may join: (index, column of its prefix).
    let mut open: Option<(usize, usize)> = None;
    let mut block_indent = 0;
    for (n, (line, _)) in split_lines(text).into_iter().enumerate() {
        let t = line.trim_start_matches([' ', '\t']);
        let indent = line.len() - t.len();
        if t.is_empty() {
            kinds.push(Kind::Blank);
            open = None;
        } else if let Some((direction, after)) = prefix(t) {
            let column = indent + (t.len() - t.trim_start_matches("Example:").trim_start().len());
            block_indent = column;
            let body = after.trim_start_matches(' ');
            let spaces = after.len() - body.len();
            let text = body.to_string();
            let announces_literal = literal_header(text.as_bytes()).is_some();
            kinds.push(Kind::Prefixed {
                direction,
                spaces,
                text,
            });
            open = (!announces_literal).then_some((n, column));
        } else if let Some(c) = t.strip_prefix('#') {
            kinds.push(Kind::Comment(
                c.strip_prefix(' ').unwrap_or(c).trim_end().to_string(),
            ));
            open = None;
        } else if let Some((p, _)) = open.filter(|&(_, column)| indent > column) {
            if let Kind::Prefixed { text, .. } = &mut kinds[p] {
                let tight = text.ends_with(['(', '[']) || t.starts_with([')', ']']);
                if !tight {
                    text.push(' ');
                }
                text.push_str(t.trim_end());
                if literal_header(text.as_bytes()).is_some() {
                    open = None;
                }
                notes.push((p, n));
            }
            kinds.push(Kind::Joined);
        } else {
            kinds.push(Kind::Plain(line[indent.min(block_indent)..].to_string()));
            open = None;
        }
    }
    let mut gutters = Vec::with_capacity(kinds.len());
    let mut gutter = 1;
    for kind in &kinds {
        if let Kind::Prefixed { spaces, text, .. } = kind {
            if literal_header(text.as_bytes()).is_some() {
                gutter = *spaces;
            }
        }
        gutters.push(gutter);
    }
    // One note per joined protocol line, naming the lines it was made of.
    let mut records = Vec::new();
    let mut i = 0;
    while i < notes.len() {
        let (p, first) = notes[i];
        let mut last = first;
        while i < notes.len() && notes[i].0 == p {
            last = notes[i].1;
            i += 1;
        }
        records.push((
            p,
            format!(
                "lines {}-{} are one protocol line, wrapped in the text: joined",
                p + 1,
                last + 1
            ),
        ));
    }
    let source = Source {
        kinds,
        gutters,
        tags: HashSet::new(),
    };
    let notes = records
        .into_iter()
        .map(|(p, text)| Record::Note {
            text,
            source_line: p + 1,
        })
        .collect();
    (source, notes)
}

/// Reads RFC-style `C:`/`S:` text.
pub(crate) fn read_rfc(text: &str) -> Result<Transcript, ReadError> {
    super::refuse_binary(NAME, text)?;
    let (mut source, join_notes) = parse(text);
    let mut join_notes = join_notes.into_iter().peekable();
    let mut transcript = Transcript::default();
    let records = &mut transcript.records;
    let mut i = 0;
    let mut any = false;
    while i < source.kinds.len() {
        while let Some(Record::Note { source_line, .. }) = join_notes.peek() {
            if *source_line > i + 1 {
                break;
            }
            records.extend(join_notes.next());
        }
        match &source.kinds[i] {
            Kind::Blank | Kind::Joined => i += 1,
            Kind::Comment(c) => {
                records.push(Record::Other {
                    text: c.clone(),
                    why: "comment".into(),
                    source_line: i + 1,
                });
                i += 1;
            }
            Kind::Plain(t) => {
                records.push(Record::Other {
                    text: t.trim().to_string(),
                    why: "no `C:`/`S:` prefix: not part of the exchange".into(),
                    source_line: i + 1,
                });
                i += 1;
            }
            Kind::Prefixed {
                direction, text, ..
            } => {
                let direction = *direction;
                if placeholder(text) {
                    records.push(Record::Other {
                        text: format!("{}: {text}", direction.letter()),
                        why: "a placeholder in the example, not protocol".into(),
                        source_line: i + 1,
                    });
                    i += 1;
                    continue;
                }
                if direction == Direction::Client {
                    let tag = command_of(text)
                        .map(|(tag, _, _)| tag)
                        .or_else(|| text.split(' ').next());
                    if let Some(tag) = tag.filter(|t| !t.is_empty()) {
                        source.tags.insert(tag.to_string());
                    }
                }
                any = true;
                i = resync::read_message(&source, direction, i, records);
            }
        }
    }
    if !any {
        return Err(ReadError::new(
            NAME,
            1,
            None,
            "no `C:` or `S:` line found: RFC-style text writes each protocol line as `C: a1 NOOP` or `S: a1 OK done`",
        ));
    }
    Ok(transcript)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_prefixed_lines_with_crlf() {
        let t = read_rfc("   C: a1 NOOP\n   S:a1 OK done\nS: +\x20\n").unwrap();
        assert_eq!(t.bytes_of(Direction::Client), b"a1 NOOP\r\n");
        assert_eq!(t.bytes_of(Direction::Server), b"a1 OK done\r\n+ \r\n");
    }

    #[test]
    fn placeholders_are_not_protocol() {
        assert!(placeholder("..."));
        assert!(placeholder("(...)"));
        assert!(placeholder(". . ."));
        assert!(!placeholder("* 3 EXISTS"));
    }
}
