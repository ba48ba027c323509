//! Dovecot's rawlogs and imaptest's: the bytes of one connection, with timestamps.
//!
//! Both are written by Dovecot's `iostream-rawlog` (lib/iostream-rawlog.c), in two
//! shapes:
//!
//! - **A pair of files** (`rawlog_dir` in Dovecot's config: `PREFIX.in` holds what
//!   the server read, `PREFIX.out` what it wrote). Every line starts with a
//!   timestamp, `1719505175.120000 `, the moment it was read or written, followed by
//!   the bytes exactly, CR LF included; a line written in two goes on without a new
//!   timestamp. The two files are merged by time (a tie goes to the client: a server
//!   answers what it has read). Dovecot starts this log after login, in the `imap`
//!   process: the greeting and the login itself are not in it (a note says so).
//! - **One file** (imaptest's `rawlog` setting writes `rawlog.N` per connection):
//!   every entry is `1719505175.120000 I: ` or `O: ` then a line; `I>`/`O>` mark a
//!   piece with no line end (over 8 KiB, or the last one). `I` is what the writer
//!   read: for imaptest, a client, the server's side. Which side is the server is
//!   decided by who sent the greeting, so a server's single-file rawlog reads too.
//!
//! The bytes are kept as they are (a literal may hold anything); only the timestamps
//! and markers are taken out.

use super::import::ImportError;
use super::{Direction, Record, Transcript};
use crate::wire::through_lf;

/// One timestamped piece of a rawlog.
#[derive(Debug, Clone, PartialEq)]
struct Piece {
    time: Option<f64>,
    /// `Some('I')`/`Some('O')` in the single-file shape.
    mark: Option<u8>,
    bytes: Vec<u8>,
    line: usize,
}

/// Which shape a file is in, if it is a rawlog.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Shape {
    /// `TIME I: ` / `TIME O: ` entries, both directions in one file (imaptest).
    Single,
    /// `TIME ` lines: one direction; its other half is the `.in`/`.out` beside it.
    Half,
}

/// Recognises a rawlog by its first line.
pub(crate) fn sniff(bytes: &[u8]) -> Option<Shape> {
    let (_, rest) = timestamp(bytes)?;
    if marker(rest).is_some() {
        Some(Shape::Single)
    } else {
        Some(Shape::Half)
    }
}

/// `SECONDS.MICROS ` at the start: its value and what follows.
fn timestamp(b: &[u8]) -> Option<(f64, &[u8])> {
    let dot = b.iter().position(|&c| c == b'.')?;
    if !(9..=11).contains(&dot) || !b[..dot].iter().all(u8::is_ascii_digit) {
        return None;
    }
    let micros = b.get(dot + 1..dot + 7)?;
    if !micros.iter().all(u8::is_ascii_digit) || b.get(dot + 7) != Some(&b' ') {
        return None;
    }
    let text = std::str::from_utf8(&b[..dot + 7]).ok()?;
    Some((text.parse().ok()?, &b[dot + 8..]))
}

/// `I: `, `O: `, `I> `, `O> `: the direction letter and whether the line ends.
fn marker(b: &[u8]) -> Option<(u8, bool)> {
    match b.get(..3)? {
        [d @ (b'I' | b'O'), e @ (b':' | b'>'), b' '] => Some((*d, *e == b':')),
        _ => None,
    }
}

/// Splits a half (the `.in` or `.out` file) into timestamped lines.
fn half_pieces(bytes: &[u8]) -> Vec<Piece> {
    let mut pieces: Vec<Piece> = Vec::new();
    let mut at = 0;
    let mut line = 1;
    while at < bytes.len() {
        let end = at + through_lf(&bytes[at..]);
        let chunk = &bytes[at..end];
        match timestamp(chunk) {
            Some((time, rest)) => pieces.push(Piece {
                time: Some(time),
                mark: None,
                bytes: rest.to_vec(),
                line,
            }),
            // Without timestamps (a rawlog written without them), one piece a line.
            None => pieces.push(Piece {
                time: None,
                mark: None,
                bytes: chunk.to_vec(),
                line,
            }),
        }
        at = end;
        line += 1;
    }
    pieces
}

/// Splits a single-file rawlog into its entries.
fn single_pieces(bytes: &[u8]) -> Result<Vec<Piece>, ImportError> {
    let mut pieces = Vec::new();
    let mut at = 0;
    let mut line = 1;
    while at < bytes.len() {
        let head = &bytes[at..];
        let Some((time, rest)) = timestamp(head) else {
            return Err(ImportError::RawlogEntry {
                line,
                found: String::from_utf8_lossy(&head[..head.len().min(30)]).into_owned(),
            });
        };
        let Some((mark, ends)) = marker(rest) else {
            return Err(ImportError::RawlogMark { line });
        };
        let data_start = at + (head.len() - rest.len()) + 3;
        let data_end = if ends {
            data_start + through_lf(&bytes[data_start..])
        } else {
            // No line end: the piece runs to the next entry's header.
            next_entry(bytes, data_start).unwrap_or(bytes.len())
        };
        let data = &bytes[data_start..data_end];
        line += data.iter().filter(|&&b| b == b'\n').count();
        pieces.push(Piece {
            time: Some(time),
            mark: Some(mark),
            bytes: data.to_vec(),
            line,
        });
        at = data_end;
    }
    Ok(pieces)
}

/// Where the next `TIME X: ` header starts, at or after `from`.
fn next_entry(bytes: &[u8], from: usize) -> Option<usize> {
    (from..bytes.len()).find(|&i| {
        bytes[i].is_ascii_digit()
            && (i == 0 || !bytes[i - 1].is_ascii_digit())
            && timestamp(&bytes[i..]).is_some_and(|(_, rest)| marker(rest).is_some())
    })
}

fn starts_greeting(bytes: &[u8]) -> bool {
    bytes.starts_with(b"* OK") || bytes.starts_with(b"* PREAUTH") || bytes.starts_with(b"* BYE")
}

/// Reads a single-file rawlog (imaptest's `rawlog.N`).
pub(crate) fn read_single(bytes: &[u8]) -> Result<Transcript, ImportError> {
    let pieces = single_pieces(bytes)?;
    let greeting_from = pieces
        .iter()
        .find(|p| starts_greeting(&p.bytes))
        .and_then(|p| p.mark);
    // `I` is what the writer read; imaptest is a client, so by default `I` is the server.
    let server = greeting_from.unwrap_or(b'I');
    let mut t = Transcript::default();
    t.set_meta(
        "source",
        "rawlog (imaptest's rawlog.N, or Dovecot's single-file rawlog)",
    );
    let mut note = format!(
        "read from a single-file rawlog: `{}` lines are the server's",
        server as char
    );
    if greeting_from.is_none() {
        note.push_str(" (no greeting in the file, so imaptest's convention is assumed)");
    }
    t.records.push(Record::Note {
        text: note,
        source_line: 0,
    });
    let first = pieces.iter().find_map(|p| p.time);
    if let Some(first) = first {
        t.set_meta("started", super::capture::rfc3339(first));
    }
    for p in pieces {
        let direction = if p.mark == Some(server) {
            Direction::Server
        } else {
            Direction::Client
        };
        push(&mut t, direction, p, first);
    }
    Ok(t)
}

/// Reads Dovecot's pair of files: `input` is the `.in` file (the client's side),
/// `output` the `.out` file (the server's).
pub(crate) fn read_pair(input: &[u8], output: &[u8]) -> Transcript {
    let mut client = half_pieces(input).into_iter().peekable();
    let mut server = half_pieces(output).into_iter().peekable();
    let first = [client.peek(), server.peek()]
        .into_iter()
        .flatten()
        .filter_map(|p| p.time)
        .reduce(f64::min);
    let mut t = Transcript::default();
    t.set_meta(
        "source",
        "Dovecot rawlog (rawlog_dir: .in and .out merged by time)",
    );
    if let Some(first) = first {
        t.set_meta("started", super::capture::rfc3339(first));
    }
    let greeting = server.peek().is_some_and(|p| starts_greeting(&p.bytes));
    if !greeting {
        t.records.push(Record::Note {
            text: "Dovecot's rawlog starts after login: the greeting and the login were \
                   handled by imap-login and are not in it, so the first answer completes a \
                   command this log does not hold"
                .into(),
            source_line: 0,
        });
    }
    loop {
        let take_client = match (client.peek(), server.peek()) {
            (Some(c), Some(s)) => match (c.time, s.time) {
                (Some(a), Some(b)) => a <= b,
                _ => true,
            },
            (Some(_), None) => true,
            (None, Some(_)) => false,
            (None, None) => break,
        };
        let (direction, piece) = if take_client {
            (Direction::Client, client.next())
        } else {
            (Direction::Server, server.next())
        };
        if let Some(p) = piece {
            push(&mut t, direction, p, first);
        }
    }
    t
}

fn push(t: &mut Transcript, direction: Direction, p: Piece, first: Option<f64>) {
    if p.bytes.is_empty() {
        return;
    }
    let time = match (p.time, first) {
        (Some(t), Some(f)) => Some(((t - f) * 1e6).round() / 1e6),
        _ => None,
    };
    // Lines one side wrote in several pieces join up; a new timestamp starts a record.
    if let Some(Record::Bytes {
        direction: d,
        bytes,
        time: previous,
        ..
    }) = t.records.last_mut()
    {
        if *d == direction && *previous == time && !bytes.ends_with(b"\n") {
            bytes.extend_from_slice(&p.bytes);
            return;
        }
    }
    t.records.push(Record::Bytes {
        direction,
        bytes: p.bytes,
        literal: false,
        time,
        source_line: p.line,
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_pair_merges_by_time_and_keeps_bytes_exactly() {
        let input = b"1719505175.100000 a2 SELECT INBOX\r\n1719505175.300000 a3 FETCH 1 BODY[]\r\n";
        let output = b"1719505175.000000 a1 OK Logged in\r\n1719505175.200000 * 4 EXISTS\r\n\
1719505175.200000 a2 OK done\r\n1719505175.400000 * 1 FETCH (BODY[] {7}\r\n1719505175.400000 ab\r\n\
1719505175.400000 cd)\r\n1719505175.400000 a3 OK\r\n";
        assert_eq!(sniff(input), Some(Shape::Half));
        let t = read_pair(input, output);
        assert_eq!(
            t.interleaved_bytes(),
            b"a1 OK Logged in\r\na2 SELECT INBOX\r\n* 4 EXISTS\r\na2 OK done\r\na3 FETCH 1 BODY[]\r\n\
* 1 FETCH (BODY[] {7}\r\nab\r\ncd)\r\na3 OK\r\n"
        );
        assert!(t.notes().next().unwrap().contains("after login"));
    }

    #[test]
    fn a_single_file_finds_the_server_by_its_greeting() {
        let log = b"1719505175.000000 I: * OK ready\r\n1719505175.100000 O: 1.1 NOOP\r\n\
1719505175.200000 I> 1.1 OK N1719505175.200001 I: oop done\r\n";
        assert_eq!(sniff(log), Some(Shape::Single));
        let t = read_single(log).unwrap();
        assert_eq!(
            t.bytes_of(Direction::Server),
            b"* OK ready\r\n1.1 OK Noop done\r\n"
        );
        assert_eq!(t.bytes_of(Direction::Client), b"1.1 NOOP\r\n");
    }

    #[test]
    fn other_text_is_not_a_rawlog() {
        assert_eq!(sniff(b"* OK ready\r\n"), None);
        assert_eq!(sniff(b"2024-06-27 16:19:35 x"), None);
    }
}
