//! Imports: files that hold sessions written by other programs, read by their bytes.
//!
//! The text formats of [`super::FORMATS`] hold one session each and are read from
//! text. The imports are different: a packet capture is binary, a rawlog's literals
//! may be, a Dovecot rawlog comes as two files, and a capture or a client's log holds
//! one session per connection. [`read_sessions`] takes the bytes, finds which it is,
//! and returns every session:
//!
//! | input | reader | sessions |
//! | --- | --- | --- |
//! | pcap, pcapng | [`super::capture`] over [`super::pcap`] and [`super::tcp`] | one per IMAP connection |
//! | Dovecot rawlog (`.in` + `.out`) | [`super::rawlog::read_pair`] | the pair |
//! | imaptest rawlog (`rawlog.N`) | [`super::rawlog::read_single`] | the file |
//! | Thunderbird `MOZ_LOG=IMAP:5` | [`super::mozlog`] | one per connection |
//! | native, `C:`/`S:`, telnet | [`super::read`] | the file |
//!
//! Captures and logs hold what was really sent, passwords included. Unless asked to
//! show secrets, their client bytes go through the same [`Redactor`] the proxy's
//! recordings use, so an import reads back exactly as a recording of the same session
//! would, and `diff` of the two compares like with like.

use std::fmt;

use super::{capture, mozlog, pcap, rawlog, Direction, ReadError, Record, Transcript};
use crate::explain::redact::Redactor;

/// Why an input holds no session imap-tutor can read. Every message says what to give
/// instead.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ImportError {
    /// A text transcript (native, `C:`/`S:`, telnet) that does not read.
    Read(ReadError),
    /// Not a pcap or pcapng file: the first four bytes are not a capture's magic number.
    NotCapture,
    /// A pcap file shorter than its 24-byte header.
    PcapHeaderCut,
    /// A capture that starts like one but holds no packet; `cut` says where it stops.
    NoPacket { format: &'static str, cut: String },
    /// A capture with packets but no IMAP connection among them.
    NoImapSession {
        format: &'static str,
        packets: usize,
        connections: usize,
        /// Why packets were passed over (`, 3 packets not TCP`), or empty.
        skipped: String,
    },
    /// A Thunderbird log without the lines `MOZ_LOG=IMAP:5` writes.
    NoMozlogTraffic { other_lines: usize },
    /// A single-file rawlog line that is not an entry; `found` is its start.
    RawlogEntry { line: usize, found: String },
    /// A rawlog entry without its `I:` or `O:` mark.
    RawlogMark { line: usize },
    /// One half of a Dovecot rawlog whose name does not end in `.in` or `.out`.
    RawlogHalfName { name: String },
    /// One half of a Dovecot rawlog without the other beside it.
    RawlogOtherHalf {
        name: String,
        stem: String,
        other: &'static str,
    },
}

impl fmt::Display for ImportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ImportError::Read(e) => write!(f, "{e}"),
            ImportError::NotCapture => f.write_str(
                "not a pcap or pcapng file (its first four bytes are not a capture's magic number)",
            ),
            ImportError::PcapHeaderCut => {
                f.write_str("the pcap file header is cut short (24 bytes are needed)")
            }
            ImportError::NoPacket { format, cut } => write!(
                f,
                "this starts like a {format} file (its magic number) but holds no packet: {cut}. \
                 Is it a whole capture? tcpdump -w and Wireshark write ones imap-tutor reads"
            ),
            ImportError::NoImapSession {
                format,
                packets,
                connections,
                skipped,
            } => write!(
                f,
                "no IMAP session in this {format} capture: {packets} packets, {connections} TCP \
                 connections, none on port 143 or 993 nor starting with an IMAP greeting{skipped}"
            ),
            ImportError::NoMozlogTraffic { other_lines } => write!(
                f,
                "no IMAP traffic in this Thunderbird log ({other_lines} other lines): it needs \
                 MOZ_LOG=IMAP:5 (or timestamp,IMAP:5) when Thunderbird starts, and the \
                 SendData / CreateNewLineFromSocket lines it then writes"
            ),
            ImportError::RawlogEntry { line, found } => write!(
                f,
                "line {line}: expected `SECONDS.MICROS I: ` or `O: ` (a rawlog entry), found {found:?}"
            ),
            ImportError::RawlogMark { line } => {
                write!(f, "line {line}: an entry without its `I:`/`O:` mark")
            }
            ImportError::RawlogHalfName { name } => write!(
                f,
                "{name} looks like one half of a Dovecot rawlog (timestamped lines), but its name \
                 does not end in .in or .out, so its other half cannot be found: give the \
                 .in or .out file as Dovecot named it"
            ),
            ImportError::RawlogOtherHalf { name, stem, other } => write!(
                f,
                "{name} is one half of a Dovecot rawlog: {stem}.{other}, the other half, is needed \
                 beside it"
            ),
        }
    }
}

impl std::error::Error for ImportError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            ImportError::Read(e) => Some(e),
            _ => None,
        }
    }
}

impl From<ReadError> for ImportError {
    fn from(e: ReadError) -> Self {
        ImportError::Read(e)
    }
}

/// One session of an input, with a name to show (a file, a connection).
#[derive(Debug, Clone)]
pub struct Session {
    pub name: String,
    /// The reader that made it: `pcap`, `pcapng`, `rawlog`, `mozlog`, or a text format.
    pub format: &'static str,
    pub transcript: Transcript,
}

/// What to read: the bytes, the file's name (rawlog pairs are found by it), and a
/// way to read the file beside it with another extension (`in`, `out`).
pub struct Input<'a> {
    pub bytes: &'a [u8],
    pub name: &'a str,
    pub sibling: &'a dyn Fn(&str) -> Option<Vec<u8>>,
}

/// What `show_secrets: false` writes in a masked session's header, as recordings do.
pub(crate) const MASKED: &str = "masked: passwords and AUTHENTICATE data are replaced by ********";

/// Reads every session of an input, whatever its format.
pub fn read_sessions(input: &Input, show_secrets: bool) -> Result<Vec<Session>, ImportError> {
    let mut sessions = imported(input)?;
    for s in &mut sessions {
        if s.format == "text" {
            continue;
        }
        if !show_secrets {
            mask(&mut s.transcript);
        }
    }
    for s in &mut sessions {
        if s.format == "text" {
            s.format = super::detect(&String::from_utf8_lossy(input.bytes)).name;
        }
    }
    Ok(sessions)
}

fn imported(input: &Input) -> Result<Vec<Session>, ImportError> {
    let bytes = input.bytes;
    if pcap::sniff(bytes) {
        let format = if bytes.starts_with(&[0x0a, 0x0d, 0x0d, 0x0a]) {
            "pcapng"
        } else {
            "pcap"
        };
        return Ok(capture::read(bytes)?
            .into_iter()
            .map(|t| Session {
                name: format!(
                    "{} → {}",
                    t.meta("client").unwrap_or("?"),
                    t.meta("server").unwrap_or("?")
                ),
                format,
                transcript: t,
            })
            .collect());
    }
    match rawlog::sniff(bytes) {
        Some(rawlog::Shape::Single) => {
            return Ok(vec![Session {
                name: input.name.to_string(),
                format: "rawlog",
                transcript: rawlog::read_single(bytes)?,
            }])
        }
        Some(rawlog::Shape::Half) => return rawlog_pair(input),
        None => {}
    }
    let text = String::from_utf8_lossy(bytes);
    if mozlog::sniff(&text) >= 60 {
        return Ok(mozlog::read(&text)?
            .into_iter()
            .map(|t| Session {
                name: format!(
                    "connection {} to {}",
                    t.meta("connection").unwrap_or("?"),
                    t.meta("server").unwrap_or("?")
                ),
                format: "mozlog",
                transcript: t,
            })
            .collect());
    }
    let transcript = super::read(&text)?;
    Ok(vec![Session {
        name: input.name.to_string(),
        format: "text",
        transcript,
    }])
}

/// A Dovecot rawlog half: finds its other half by name.
fn rawlog_pair(input: &Input) -> Result<Vec<Session>, ImportError> {
    let (stem, other) = if let Some(stem) = input.name.strip_suffix(".in") {
        (stem, "out")
    } else if let Some(stem) = input.name.strip_suffix(".out") {
        (stem, "in")
    } else {
        return Err(ImportError::RawlogHalfName {
            name: input.name.to_string(),
        });
    };
    let Some(other_bytes) = (input.sibling)(other) else {
        return Err(ImportError::RawlogOtherHalf {
            name: input.name.to_string(),
            stem: stem.to_string(),
            other,
        });
    };
    let (client, server) = if other == "out" {
        (input.bytes, other_bytes.as_slice())
    } else {
        (other_bytes.as_slice(), input.bytes)
    };
    Ok(vec![Session {
        name: stem.to_string(),
        format: "rawlog",
        transcript: rawlog::read_pair(client, server),
    }])
}

/// Masks the client's secrets with the recordings' redactor.
pub(crate) fn mask(t: &mut Transcript) {
    let mut redactor = Redactor::new(false);
    let mut last_time = None;
    let records = std::mem::take(&mut t.records);
    for record in records {
        match record {
            Record::Bytes {
                direction: Direction::Client,
                bytes,
                literal,
                time,
                source_line,
            } => {
                last_time = time.or(last_time);
                let bytes = redactor.client(&bytes);
                if !bytes.is_empty() {
                    t.records.push(Record::Bytes {
                        direction: Direction::Client,
                        bytes,
                        literal,
                        time,
                        source_line,
                    });
                }
            }
            Record::Bytes {
                direction: Direction::Server,
                ref bytes,
                time,
                ..
            } => {
                last_time = time.or(last_time);
                redactor.server(bytes);
                t.records.push(record);
            }
            other => t.records.push(other),
        }
    }
    let rest = redactor.finish_client();
    if !rest.is_empty() {
        t.records.push(Record::Bytes {
            direction: Direction::Client,
            bytes: rest,
            literal: false,
            time: last_time,
            source_line: 0,
        });
    }
    t.set_meta("secrets", MASKED);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn no_sibling(_: &str) -> Option<Vec<u8>> {
        None
    }

    #[test]
    fn imports_mask_passwords_as_recordings_do() {
        let log = b"1719505175.000000 I: * OK ready\r\n1719505175.100000 O: 1 LOGIN me secret\r\n";
        let input = Input {
            bytes: log,
            name: "rawlog.1",
            sibling: &no_sibling,
        };
        let s = read_sessions(&input, false).unwrap();
        assert_eq!(
            s[0].transcript.bytes_of(Direction::Client),
            b"1 LOGIN me \"********\"\r\n"
        );
        let shown = read_sessions(&input, true).unwrap();
        assert_eq!(
            shown[0].transcript.bytes_of(Direction::Client),
            b"1 LOGIN me secret\r\n"
        );
    }

    #[test]
    fn a_rawlog_half_needs_its_other_half() {
        let half = b"1719505175.000000 a1 OK Logged in\r\n";
        let input = Input {
            bytes: half,
            name: "x.out",
            sibling: &no_sibling,
        };
        let e = read_sessions(&input, false).unwrap_err();
        assert!(e.to_string().contains("x.in, the other half"), "{e}");
        let sibling = |ext: &str| (ext == "in").then(|| b"1719505175.100000 a2 NOOP\r\n".to_vec());
        let input = Input {
            bytes: half,
            name: "x.out",
            sibling: &sibling,
        };
        let s = read_sessions(&input, false).unwrap();
        assert_eq!(
            s[0].transcript.interleaved_bytes(),
            b"a1 OK Logged in\r\na2 NOOP\r\n"
        );
    }

    #[test]
    fn text_formats_still_read_as_before() {
        let input = Input {
            bytes: b"C: a1 NOOP\nS: a1 OK done\n",
            name: "x.txt",
            sibling: &no_sibling,
        };
        let s = read_sessions(&input, false).unwrap();
        assert_eq!(s[0].format, "rfc");
        assert_eq!(s.len(), 1);
    }
}
