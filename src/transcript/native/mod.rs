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
//!
//! This file holds the escaping both sides share; [`writer`] writes, [`reader`] reads.

mod reader;
mod writer;

pub use reader::{read_native, NativeReader};
pub use writer::{write, Writer};

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
