//! Thunderbird's IMAP log (`MOZ_LOG=IMAP:5`), one session per connection.
//!
//! Thunderbird logs what it sends and every line it reads, through its
//! `nsImapProtocol::Log`. A log line is MOZ_LOG's prefix, then the connection's
//! object address, the host, the IMAP state and the logging function:
//!
//! ```text
//! 2024-06-27 16:19:35.120000 UTC - [Parent 4242: IMAP]: I/IMAP 0x7f12a4c3b800:imap.example.org:NA:SendData: 2 capability
//! 2024-06-27 16:19:35.130000 UTC - [Parent 4242: IMAP]: I/IMAP 0x7f12a4c3b800:imap.example.org:NA:CreateNewLineFromSocket: * CAPABILITY IMAP4rev1 IDLE
//! ```
//!
//! - `SendData` is the client's side, `CreateNewLineFromSocket` the server's, one
//!   line at a time, literal lines included; the state is `NA`, `A` or
//!   `S-mailbox`. The logged data carries its own CR LF, so each such entry is
//!   followed by an empty line (the logger ends the entry after the data's LF).
//! - Data over 400 bytes is logged in pieces: the first with the usual prefix, the
//!   next ones as bare `I/IMAP` entries holding only the data; they are joined back.
//! - Thunderbird does not log a command carrying credentials: it logs "Logging
//!   suppressed for this command (it probably contained authentication
//!   information)" instead. That becomes a note; the server's answer still shows.
//! - Everything else Thunderbird logs (URLs, streams, its own state) is skipped and
//!   counted.
//!
//! Repairs, each noted: a line that lost its CR (a log pasted through an editor) gets
//! it back, and an entry that lost its line end entirely gets CR LF.
//! Limits: the prefix without a timestamp (`[Parent 4242: IMAP]: ...`) is read too,
//! with no times then; lines Thunderbird never logs (APPEND's literal data, written
//! straight to the socket) are missing from the log and so from the session.

use super::import::ImportError;
use super::{Direction, Record, Transcript};

/// The data entries: the logging function, the direction it stands for.
const FUNCTIONS: &[(&str, Direction)] = &[
    ("SendData", Direction::Client),
    ("CreateNewLineFromSocket", Direction::Server),
];

const SUPPRESSED: &str = "Logging suppressed for this command";

/// How much of the text looks like a Thunderbird IMAP log (for detection).
pub(crate) fn sniff(text: &str) -> u32 {
    let lines = text.lines().take(200).filter(|l| !l.trim().is_empty());
    let (mut total, mut ours) = (0, 0);
    for line in lines {
        total += 1;
        if entry(line).is_some() {
            ours += 1;
        }
    }
    if ours == 0 {
        0
    } else {
        (60 + 40 * ours / total.max(1)).min(100) as u32
    }
}

/// One parsed log line: when, and the IMAP module's message.
struct Entry<'a> {
    time: Option<f64>,
    message: &'a str,
}

/// Parses MOZ_LOG's prefix: `[DATE TIME UTC - ][Process N: IMAP]: L/IMAP message`.
fn entry(line: &str) -> Option<Entry<'_>> {
    let (time, rest) = match line.split_once(" UTC - ") {
        Some((stamp, rest)) => (parse_time(stamp), rest),
        None => (None, line),
    };
    let rest = rest.strip_prefix('[')?;
    let (_, rest) = rest.split_once("]: ")?;
    let (level, message) = rest.split_once("/IMAP")?;
    if level.len() != 1 || !"VDIWE".contains(level) {
        return None;
    }
    Some(Entry {
        time,
        message: message.strip_prefix(' ').unwrap_or(message),
    })
}

/// `2024-06-27 16:19:35.120000` as seconds since the epoch.
fn parse_time(stamp: &str) -> Option<f64> {
    let (date, clock) = stamp.trim().split_once(' ')?;
    let mut d = date.split('-').map(|p| p.parse::<i64>().ok());
    let (y, m, day) = (d.next()??, d.next()??, d.next()??);
    let mut c = clock.split(':');
    let (h, min) = (
        c.next()?.parse::<f64>().ok()?,
        c.next()?.parse::<f64>().ok()?,
    );
    let s = c.next()?.parse::<f64>().ok()?;
    let days =
        crate::mock::dates::days_from_civil(y, u32::try_from(m).ok()?, u32::try_from(day).ok()?);
    Some(days as f64 * 86_400.0 + h * 3600.0 + min * 60.0 + s)
}

/// A connection's data entry: `0x7f..:host:STATE:Function: data`.
struct Data<'a> {
    connection: &'a str,
    host: &'a str,
    direction: Direction,
    data: &'a str,
}

fn data_entry(message: &str) -> Option<Data<'_>> {
    for (function, direction) in FUNCTIONS {
        let marker = format!(":{function}:");
        let Some(at) = message.find(&marker) else {
            continue;
        };
        let head = &message[..at];
        let data = &message[at + marker.len()..];
        let data = data.strip_prefix(' ').unwrap_or(data);
        let mut fields = head.splitn(3, ':');
        let connection = fields.next()?;
        let host = fields.next().unwrap_or("");
        return Some(Data {
            connection,
            host,
            direction: *direction,
            data,
        });
    }
    None
}

/// A session being read.
struct Session {
    connection: String,
    transcript: Transcript,
    first_time: Option<f64>,
    skipped: usize,
    restored_cr: usize,
    added_end: usize,
}

/// An entry whose data is still being read (further lines, further pieces).
struct Open {
    session: usize,
    direction: Direction,
    data: String,
    time: Option<f64>,
    line: usize,
    /// Length of the last piece read: only data over 400 bytes comes in pieces.
    piece: usize,
}

/// Thunderbird logs data over this many bytes in pieces (its `kLogDataChunkSize`
/// is 400; a piece cut at a line end may be a little shorter).
const PIECE: usize = 380;

/// True for the module's own lines: `0x7f01:host:state:Function: ...`.
fn has_address(message: &str) -> bool {
    message.split_once(':').is_some_and(|(id, _)| {
        let digits = id.trim_start_matches("0x");
        digits.len() >= 6 && digits.bytes().all(|b| b.is_ascii_hexdigit())
    })
}

/// Reads every connection's session out of a Thunderbird log.
pub(crate) fn read(text: &str) -> Result<Vec<Transcript>, ImportError> {
    let mut sessions: Vec<Session> = Vec::new();
    let mut open: Option<Open> = None;
    let mut other_lines = 0usize;
    for (n, line) in text.split('\n').enumerate() {
        let Some(e) = entry(line) else {
            match &mut open {
                // A line of the data itself: the data held a line feed.
                Some(o) => {
                    o.data.push('\n');
                    o.data.push_str(line);
                }
                None if !line.trim().is_empty() => other_lines += 1,
                None => {}
            }
            continue;
        };
        match data_entry(e.message) {
            Some(d) => {
                close(&mut sessions, open.take());
                let session = match sessions.iter().position(|s| s.connection == d.connection) {
                    Some(i) => i,
                    None => {
                        let mut t = Transcript::default();
                        t.set_meta("source", "Thunderbird's IMAP log (MOZ_LOG=IMAP:5)");
                        t.set_meta("connection", d.connection);
                        t.set_meta("server", d.host);
                        sessions.push(Session {
                            connection: d.connection.to_string(),
                            transcript: t,
                            first_time: None,
                            skipped: 0,
                            restored_cr: 0,
                            added_end: 0,
                        });
                        sessions.len() - 1
                    }
                };
                open = Some(Open {
                    session,
                    direction: d.direction,
                    data: d.data.to_string(),
                    time: e.time,
                    line: n + 1,
                    piece: d.data.len(),
                });
            }
            None => match &mut open {
                // A further piece of data over 400 bytes: only the data, no address.
                Some(o) if o.piece >= PIECE && !has_address(e.message) => {
                    o.data.push_str(e.message);
                    o.piece = e.message.len();
                }
                _ => {
                    close(&mut sessions, open.take());
                    match sessions.last_mut() {
                        Some(s) => s.skipped += 1,
                        None => other_lines += 1,
                    }
                }
            },
        }
    }
    close(&mut sessions, open.take());
    if sessions.is_empty() {
        return Err(ImportError::NoMozlogTraffic { other_lines });
    }
    Ok(sessions.into_iter().map(finish).collect())
}

fn close(sessions: &mut [Session], open: Option<Open>) {
    let Some(mut o) = open else { return };
    let Some(s) = sessions.get_mut(o.session) else {
        return;
    };
    // Blank lines after the logger's own line end belong to no entry.
    while o.data.ends_with("\n\n") {
        o.data.pop();
    }
    let time = match (o.time, s.first_time) {
        (Some(t), Some(first)) => Some(t - first),
        (Some(t), None) => {
            s.first_time = Some(t);
            s.transcript.set_meta("started", super::capture::rfc3339(t));
            Some(0.0)
        }
        (None, _) => None,
    };
    if o.direction == Direction::Client && o.data.contains(SUPPRESSED) {
        s.transcript.records.push(Record::Note {
            text: "Thunderbird did not log this command: it carried credentials (LOGIN or \
                   AUTHENTICATE). The server's answer below completes it."
                .into(),
            source_line: o.line,
        });
        return;
    }
    if o.data.ends_with('\n') && !o.data.ends_with("\r\n") {
        o.data.pop();
        o.data.push_str("\r\n");
        s.restored_cr += 1;
    } else if !o.data.ends_with('\n') {
        o.data.push_str("\r\n");
        s.added_end += 1;
    }
    s.transcript.records.push(Record::Bytes {
        direction: o.direction,
        bytes: o.data.into_bytes(),
        literal: false,
        time: time.map(|t| (t * 1e6).round() / 1e6),
        source_line: o.line,
    });
}

fn finish(s: Session) -> Transcript {
    let mut t = s.transcript;
    let mut text = format!(
        "read from Thunderbird's log: {} lines of IMAP",
        t.records
            .iter()
            .filter(|r| matches!(r, Record::Bytes { .. }))
            .count()
    );
    if s.skipped > 0 {
        text.push_str(&format!(
            "; {} lines of Thunderbird's own (URLs, streams, its state) skipped",
            s.skipped
        ));
    }
    if s.restored_cr > 0 {
        text.push_str(&format!(
            "; {} lines had lost their CR, restored",
            s.restored_cr
        ));
    }
    if s.added_end > 0 {
        text.push_str(&format!(
            "; {} entries had no line end, CR LF added",
            s.added_end
        ));
    }
    t.records.insert(
        0,
        Record::Note {
            text,
            source_line: 0,
        },
    );
    t
}

#[cfg(test)]
mod tests {
    use super::*;

    const P: &str = "2024-06-27 16:19:35.120000 UTC - [Parent 4242: IMAP]: I/IMAP ";

    #[test]
    fn reads_both_sides_and_skips_thunderbird_s_own_lines() {
        let log = format!(
            "{P}0x7f01:imap.example.org:NA:CreateNewLineFromSocket: * OK ready\r\n\n\
             {P}0x7f01:imap.example.org:NA:ProcessCurrentURL: imap://x@imap.example.org:143/select\n\
             {P}0x7f01:imap.example.org:NA:SendData: 1 capability\r\n\n\
             {P}0x7f01:imap.example.org:NA:CreateNewLineFromSocket: 1 OK done\n\n"
        );
        assert!(sniff(&log) >= 60);
        let sessions = read(&log).unwrap();
        assert_eq!(sessions.len(), 1);
        let t = &sessions[0];
        assert_eq!(t.bytes_of(Direction::Client), b"1 capability\r\n");
        assert_eq!(
            t.bytes_of(Direction::Server),
            b"* OK ready\r\n1 OK done\r\n"
        );
        let notes: Vec<&str> = t.notes().collect();
        assert!(
            notes[0].contains("1 lines of Thunderbird's own"),
            "{notes:?}"
        );
        assert!(notes[0].contains("1 lines had lost their CR"), "{notes:?}");
        assert_eq!(t.meta("server"), Some("imap.example.org"));
    }

    #[test]
    fn long_data_comes_back_in_one_piece() {
        let long = "X".repeat(390);
        let log = format!(
            "{P}0x7f01:h:NA:CreateNewLineFromSocket: * CAPABILITY {long}\n\
             {P}B: C\r\n\n\
             {P}ReadNextLine [stream=0x7f02 nb=9 needmore=0]\n"
        );
        let t = &read(&log).unwrap()[0];
        let want = format!("* CAPABILITY {long}B: C\r\n");
        assert_eq!(t.bytes_of(Direction::Server), want.as_bytes());
    }

    #[test]
    fn connections_are_sessions_and_credentials_are_a_note() {
        let log = format!(
            "{P}0x1:h:NA:SendData: Logging suppressed for this command (it probably contained authentication information)\n\
             {P}0x2:h:NA:SendData: 1 noop\r\n\n\
             {P}0x1:h:A:CreateNewLineFromSocket: 2 OK Logged in\r\n\n"
        );
        let sessions = read(&log).unwrap();
        assert_eq!(sessions.len(), 2);
        assert!(sessions[0]
            .notes()
            .any(|n| n.contains("carried credentials")));
        assert_eq!(sessions[1].bytes_of(Direction::Client), b"1 noop\r\n");
    }

    #[test]
    fn other_text_is_not_a_thunderbird_log() {
        assert_eq!(sniff("* OK ready\na1 NOOP\n"), 0);
        assert!(read("* OK ready\n").is_err());
    }
}
