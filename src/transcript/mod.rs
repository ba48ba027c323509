//! Transcripts: captured IMAP sessions, read from several formats into one model.
//!
//! A [`Transcript`] is what was said, in order: records of bytes with a direction,
//! plus lines that are not IMAP at all (telnet's own chatter, prose around a pasted
//! session) and notes the reader made while repairing a paste. Front ends never see
//! formats: `explain`, `diff` and `replay` all take a `Transcript`.
//!
//! Formats (each a reader; a new format plugs in by writing a [`Format`] and adding it
//! to [`FORMATS`]):
//! - [`native`]: the format `--record` writes and `convert` produces (spec in
//!   `transcripts/README.md` and the book's "transcript format" page);
//! - [`rfc`]: RFC-style `C:`/`S:` examples;
//! - [`bare`]: protocol lines alone, no greeting or prefixes, each side told by its shape;
//! - [`telnet`]: raw captures with no prefixes, like the seed, pasted or exact.
//!
//! [`resync`] is shared by the last two: it finds where a literal really ends when a
//! paste has lost the bytes its `{n}` counted.
//!
//! Imports, read from bytes by [`import::read_sessions`] (which also tries the formats
//! above), each input holding one session or many: [`pcap`] files through [`tcp`]
//! reassembly and [`capture`]; Dovecot's and imaptest's [`rawlog`]s; Thunderbird's
//! [`mozlog`].
//!
//! What is done with transcripts, all sans-IO:
//! - [`normalize`]: named rules that blank out what varies between runs (timings,
//!   UIDVALIDITY, dates, Message-IDs, tags), each one can be kept with `--keep`;
//! - [`diff`]: compares two sessions exchange by exchange, and says what each
//!   difference means;
//! - [`replay`]: the state machine that sends a transcript's client side to a server
//!   (the mock in-process, or a real one through `cli/replay.rs`).

use serde::Serialize;
use std::fmt;

pub(crate) mod bare;
pub(crate) mod capture;
pub mod diff;
pub mod import;
pub(crate) mod mozlog;
pub mod native;
pub mod normalize;
pub mod pcap;
pub(crate) mod rawlog;
pub mod replay;
pub(crate) mod resync;
pub(crate) mod rfc;
pub mod tcp;
pub(crate) mod telnet;

pub use native::{read_native, write, Writer};

/// Who sent the bytes: defined in [`crate::wire`], which everything below it shares.
pub use crate::wire::Direction;

/// One entry of a transcript. (`PartialEq` but not `Eq`: times are `f64`.)
#[derive(Debug, Clone, PartialEq, Serialize)]
pub enum Record {
    /// Bytes on the wire, exactly as sent. `literal` is true for literal data
    /// (for display only: the framer finds literals by itself).
    Bytes {
        direction: Direction,
        bytes: Vec<u8>,
        literal: bool,
        time: Option<f64>,
        source_line: usize,
    },
    /// A line of the file that is not IMAP: telnet's own messages, prose, a shell prompt.
    Other {
        text: String,
        why: String,
        source_line: usize,
    },
    /// A remark by the reader or the recorder (a repaired literal count, a TLS upgrade...).
    Note { text: String, source_line: usize },
    /// Bytes of `direction` are missing here: the proxy's annotator fell behind and
    /// skipped them, or withheld them after that until it was sure of its framing. The
    /// next bytes of that direction start a new message: readers and the explainer
    /// restart that direction's framing there.
    Gap {
        direction: Direction,
        missing: u64,
        source_line: usize,
    },
}

/// A whole session.
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
pub struct Transcript {
    /// Header fields (`server`, `client`, `started`, `tool`, ...), in file order.
    pub meta: Vec<(String, String)>,
    pub records: Vec<Record>,
}

impl Transcript {
    /// All bytes one side sent, concatenated.
    pub fn bytes_of(&self, direction: Direction) -> Vec<u8> {
        let mut out = Vec::new();
        for record in &self.records {
            if let Record::Bytes {
                direction: d,
                bytes,
                ..
            } = record
            {
                if *d == direction {
                    out.extend_from_slice(bytes);
                }
            }
        }
        out
    }

    /// Both sides' bytes in record order: what a terminal running telnet would have
    /// shown (telnet's own lines and the prose aside).
    pub fn interleaved_bytes(&self) -> Vec<u8> {
        let mut out = Vec::new();
        for record in &self.records {
            if let Record::Bytes { bytes, .. } = record {
                out.extend_from_slice(bytes);
            }
        }
        out
    }

    /// The value of a header field.
    pub fn meta(&self, key: &str) -> Option<&str> {
        self.meta
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(key))
            .map(|(_, v)| v.as_str())
    }

    /// Sets a header field, replacing its first occurrence or appending it.
    pub fn set_meta(&mut self, key: &str, value: impl Into<String>) {
        let value = value.into();
        match self
            .meta
            .iter_mut()
            .find(|(k, _)| k.eq_ignore_ascii_case(key))
        {
            Some(entry) => entry.1 = value,
            None => self.meta.push((key.to_string(), value)),
        }
    }

    /// The notes readers and recorders left, in order.
    pub fn notes(&self) -> impl Iterator<Item = &str> {
        self.records.iter().filter_map(|r| match r {
            Record::Note { text, .. } => Some(text.as_str()),
            _ => None,
        })
    }
}

/// Why a file could not be read. Every message says what to change.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReadError {
    /// The reader that failed (`native`, `rfc`, `telnet`).
    pub format: &'static str,
    /// 1-based line of the file.
    pub line: usize,
    /// 1-based column (in characters) where the problem is, when one place is to blame.
    pub column: Option<usize>,
    pub message: String,
}

impl ReadError {
    pub(crate) fn new(
        format: &'static str,
        line: usize,
        column: Option<usize>,
        message: impl Into<String>,
    ) -> Self {
        ReadError {
            format,
            line,
            column,
            message: message.into(),
        }
    }
}

impl fmt::Display for ReadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} transcript, line {}", self.format, self.line)?;
        if let Some(column) = self.column {
            write!(f, ", column {column}")?;
        }
        write!(f, ": {}", self.message)
    }
}

impl std::error::Error for ReadError {}

/// A transcript format that can be read. To add one: write a module with a `sniff`
/// and a `read`, and list its `FORMAT` in [`FORMATS`].
#[derive(Clone, Copy)]
pub struct Format {
    /// Short name, used in errors and by `--from`.
    pub name: &'static str,
    /// One line for `--help`.
    pub description: &'static str,
    /// How much the text looks like this format: 0 not at all, 100 certainly.
    /// The highest score wins; on a tie, the earlier entry of [`FORMATS`].
    pub(crate) sniff: fn(&str) -> u32,
    pub(crate) read: fn(&str) -> Result<Transcript, ReadError>,
}

impl fmt::Debug for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Format")
            .field("name", &self.name)
            .finish_non_exhaustive()
    }
}

/// Every format [`read`] knows, most specific first.
pub(crate) const FORMATS: &[Format] = &[native::FORMAT, rfc::FORMAT, bare::FORMAT, telnet::FORMAT];

/// The format `text` is most likely in.
pub fn detect(text: &str) -> &'static Format {
    let text = strip_bom(text);
    let mut best = &FORMATS[FORMATS.len() - 1];
    let mut best_score = 0;
    for format in FORMATS {
        let score = (format.sniff)(text);
        if score > best_score {
            best = format;
            best_score = score;
        }
    }
    best
}

/// Reads a transcript in any known format, picking the reader with [`detect`]:
/// native if line 1 is `# imap-tutor transcript`, rfc if most protocol lines start
/// with `C:`/`S:`, telnet otherwise.
pub fn read(text: &str) -> Result<Transcript, ReadError> {
    (detect(text).read)(strip_bom(text))
}

/// Reads with the named reader (`native`, `rfc`, `telnet`), for when detection guesses wrong.
pub fn read_as(format: &str, text: &str) -> Result<Transcript, ReadError> {
    match FORMATS.iter().find(|f| f.name.eq_ignore_ascii_case(format)) {
        Some(f) => (f.read)(strip_bom(text)),
        None => {
            let names: Vec<&str> = FORMATS.iter().map(|f| f.name).collect();
            Err(ReadError::new(
                "any",
                1,
                None,
                format!(
                    "unknown transcript format `{format}`: use one of {}",
                    names.join(", ")
                ),
            ))
        }
    }
}

/// Reads any format and writes the native one. A native input comes back in
/// canonical form; any other gets `converted-from` and `tool` header fields.
pub fn convert(text: &str) -> Result<String, ReadError> {
    let format = detect(text);
    let mut transcript = (format.read)(strip_bom(text))?;
    if format.name != native::FORMAT.name {
        transcript.set_meta("converted-from", format.name);
        if transcript.meta("tool").is_none() {
            transcript.set_meta("tool", concat!("imap-tutor ", env!("CARGO_PKG_VERSION")));
        }
    }
    Ok(write(&transcript))
}

/// The text readers take text: a file with a NUL byte is binary (a pcap, an image, a
/// compressed log), and explaining its bytes as "prose" would print them raw, any
/// password inside included. Refused, saying what is read instead.
pub(crate) fn refuse_binary(format: &'static str, text: &str) -> Result<(), ReadError> {
    let Some(at) = text.find('\0') else {
        return Ok(());
    };
    let line = text[..at].matches('\n').count() + 1;
    Err(ReadError::new(
        format,
        line,
        None,
        format!(
            "a NUL byte at offset {at}: this is binary data, not a text transcript nor a capture or log this imap-tutor knows. It reads telnet or nc captures, RFC-style C:/S: text, imap-tutor's own recordings (proxy --record), pcap and pcapng captures, Dovecot and imaptest rawlogs and Thunderbird's MOZ_LOG"
        ),
    ))
}

/// Editors on Windows put a byte order mark at the start of UTF-8 files.
fn strip_bom(text: &str) -> &str {
    text.strip_prefix('\u{feff}').unwrap_or(text)
}

/// The lines of a text file: split at LF, each with whether it ended in CR LF.
/// (`str::lines` would hide that, and telnet captures differ exactly there.)
pub(crate) fn split_lines(text: &str) -> Vec<(&str, bool)> {
    let mut out = Vec::new();
    let mut rest = text;
    while !rest.is_empty() {
        let (line, next) = match rest.find('\n') {
            Some(i) => (&rest[..i], &rest[i + 1..]),
            None => (rest, ""),
        };
        match line.strip_suffix('\r') {
            Some(stripped) => out.push((stripped, true)),
            None => out.push((line, false)),
        }
        rest = next;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn detection_picks_each_reader() {
        assert_eq!(
            detect("# imap-tutor transcript 1\nS: * OK\n").name,
            "native"
        );
        assert_eq!(detect("C: a1 NOOP\nS: a1 OK done\n").name, "rfc");
        assert_eq!(detect("   C: a1 NOOP\n   S: a1 OK done\n").name, "rfc");
        assert_eq!(detect("* OK ready\na1 NOOP\na1 OK done\n").name, "telnet");
        assert_eq!(detect("").name, "telnet");
    }

    #[test]
    fn split_lines_keeps_whether_cr_was_there() {
        assert_eq!(
            split_lines("a\r\nb\nc"),
            vec![("a", true), ("b", false), ("c", false)]
        );
        assert_eq!(split_lines("a\n\n"), vec![("a", false), ("", false)]);
        assert!(split_lines("").is_empty());
    }

    #[test]
    fn errors_say_where() {
        let e = ReadError::new("native", 7, Some(12), "unknown escape");
        assert_eq!(
            e.to_string(),
            "native transcript, line 7, column 12: unknown escape"
        );
    }

    #[test]
    fn read_as_rejects_unknown_names() {
        let e = read_as("pcap", "").unwrap_err();
        assert!(e.message.contains("native, rfc, bare, telnet"), "{e}");
    }
}
