//! Packet captures to sessions: each IMAP connection of a pcap or pcapng file
//! becomes one transcript.
//!
//! Which connections are IMAP: those with an end on port 143 or 993, and those
//! whose server speaks first with an IMAP greeting (`* OK`, `* PREAUTH`, `* BYE`),
//! whatever the port. The client is the end that sent the SYN; without one (a
//! capture started mid-connection), the end on the IMAP port, or the end that did
//! not send the greeting.
//!
//! What cannot be read is said, never guessed at:
//! - **TLS.** Port 993, or a TLS handshake where IMAP was expected, is reported as
//!   encrypted, with the two ways to see inside: the proxy, or the client's
//!   SSLKEYLOGFILE with Wireshark. After STARTTLS, the session is explained up to
//!   the upgrade and the rest is reported the same way.
//! - **Lost segments** ([`super::tcp`] finds them). The missing bytes are noted where
//!   they were. So that the rest of the session is explained as it was, the reader
//!   keeps the framer in step: missing bytes wholly inside a literal are stood in for
//!   by NUL bytes (the literal keeps the size it announced); after any other hole the
//!   stream resumes at the next message, marked by a [`Record::Gap`] (as the proxy's
//!   recorder marks its own gaps), where the explainer restarts its framing.

use std::collections::HashMap;

use super::import::ImportError;
use super::pcap::{self, Frame};
use super::tcp::{self, Counts, Endpoint, Event, Reassembler, Segment, Skip};
use super::{Direction, Record, Transcript};
use crate::wire::Framer;

/// What to tell someone who wants to see inside TLS.
pub(crate) const TLS_ADVICE: &str = "a capture cannot show what TLS encrypts. To see this \
    session: run the client through `imap-tutor proxy --upstream HOST:993 --tls` (or \
    `--starttls` on port 143), which explains every line; or start the client with \
    SSLKEYLOGFILE=keys.txt and open the capture in Wireshark with that file \
    (Preferences, Protocols, TLS, (Pre)-Master-Secret log filename)";

/// The most lost bytes of a literal stood in for by NULs; past it, the stream resumes
/// at the next message instead.
const MAX_FILLER: u64 = 16 * 1024 * 1024;

/// One TCP connection of the capture.
struct Connection {
    /// The first two ends seen; `halves[0]` carries what `ends[0]` sent.
    ends: [Endpoint; 2],
    halves: [Reassembler; 2],
    /// The end that sent the SYN, if the capture has it.
    syn_from: Option<usize>,
    events: Vec<(usize, Event)>,
    first_time: f64,
    last_time: f64,
    packets: usize,
}

/// Reads every IMAP session of a capture file.
pub(crate) fn read(bytes: &[u8]) -> Result<Vec<Transcript>, ImportError> {
    let capture = pcap::read(bytes)?;
    let mut connections: Vec<Connection> = Vec::new();
    let mut index: HashMap<(Endpoint, Endpoint), usize> = HashMap::new();
    let mut skipped: HashMap<&'static str, usize> = HashMap::new();
    let mut time = 0.0;
    for frame in &capture.frames {
        time = frame.time.unwrap_or(time);
        match tcp::decode(frame) {
            Ok(segment) => add_segment(&mut connections, &mut index, &segment, time),
            Err(skip) => *skipped.entry(skip_reason(skip, frame)).or_default() += 1,
        }
    }
    for c in &mut connections {
        let end = c.last_time;
        for side in 0..2 {
            let mut out = Vec::new();
            c.halves[side].finish(end, &mut out);
            c.events.extend(out.into_iter().map(|e| (side, e)));
        }
    }
    let mut sessions = Vec::new();
    let mut encrypted_elsewhere = Vec::new();
    for c in &connections {
        match classify(c) {
            Kind::Imap { server } => sessions.push(session(c, server, capture.format)),
            Kind::Tls {
                server,
                imap_port: true,
            } => sessions.push(encrypted(c, server, capture.format)),
            Kind::Tls {
                server,
                imap_port: false,
            } => encrypted_elsewhere.push((c, server)),
            Kind::Other => {}
        }
    }
    if sessions.is_empty() {
        // No IMAP anywhere: TLS streams on other ports may be IMAPS on a port of
        // its own (a lab's), so they are shown, marked as a guess.
        for (c, server) in encrypted_elsewhere {
            sessions.push(encrypted(c, server, capture.format));
        }
    }
    if let (true, Some(cut)) = (capture.frames.is_empty(), &capture.truncated) {
        return Err(ImportError::NoPacket {
            format: capture.format,
            cut: cut.clone(),
        });
    }
    if sessions.is_empty() {
        return Err(ImportError::NoImapSession {
            format: capture.format,
            packets: capture.frames.len(),
            connections: connections.len(),
            skipped: describe_skipped(&skipped),
        });
    }
    if let Some(cut) = &capture.truncated {
        for s in &mut sessions {
            s.records.push(Record::Note {
                text: format!("the capture file is cut short: {cut}"),
                source_line: 0,
            });
        }
    }
    Ok(sessions)
}

fn skip_reason(skip: Skip, _frame: &Frame) -> &'static str {
    match skip {
        Skip::LinkType(_) => "of a link type not decoded",
        Skip::NotTcp => "not TCP",
        Skip::Fragment => "IP fragments",
        Skip::Short => "cut short",
    }
}

fn describe_skipped(skipped: &HashMap<&'static str, usize>) -> String {
    if skipped.is_empty() {
        return String::new();
    }
    let mut parts: Vec<String> = skipped
        .iter()
        .map(|(why, n)| format!("{n} {why}"))
        .collect();
    parts.sort();
    format!(" (packets skipped: {})", parts.join(", "))
}

fn add_segment(
    connections: &mut Vec<Connection>,
    index: &mut HashMap<(Endpoint, Endpoint), usize>,
    s: &Segment,
    time: f64,
) {
    let key = if s.src <= s.dst {
        (s.src, s.dst)
    } else {
        (s.dst, s.src)
    };
    let i = *index.entry(key).or_insert_with(|| {
        connections.push(Connection {
            ends: [s.src, s.dst],
            halves: [Reassembler::default(), Reassembler::default()],
            syn_from: None,
            events: Vec::new(),
            first_time: time,
            last_time: time,
            packets: 0,
        });
        connections.len() - 1
    });
    let c = &mut connections[i];
    c.packets += 1;
    c.last_time = time;
    let side = usize::from(s.src != c.ends[0]);
    if s.syn {
        c.halves[side].syn(s.seq);
        if s.ack.is_none() {
            c.syn_from = Some(side);
        }
    }
    let mut out = Vec::new();
    if let Some(ack) = s.ack {
        c.halves[1 - side].acknowledged(ack, time, &mut out);
        c.events.extend(out.drain(..).map(|e| (1 - side, e)));
    }
    let seq = if s.syn { s.seq.wrapping_add(1) } else { s.seq };
    c.halves[side].segment(seq, s.payload, s.cut, time, &mut out);
    if s.fin {
        c.halves[side].fin(seq, s.payload.len() + s.cut);
    }
    c.events.extend(out.into_iter().map(|e| (side, e)));
}

enum Kind {
    Imap { server: usize },
    Tls { server: usize, imap_port: bool },
    Other,
}

/// True if `bytes` begin a TLS handshake record (RFC 8446 §5.1: type 22, version 3.x).
fn is_tls(bytes: &[u8]) -> bool {
    bytes.len() >= 3 && bytes[0] == 0x16 && bytes[1] == 0x03
}

fn is_greeting(bytes: &[u8]) -> bool {
    ["* OK", "* PREAUTH", "* BYE"]
        .iter()
        .any(|g| bytes.len() >= g.len() && bytes[..g.len()].eq_ignore_ascii_case(g.as_bytes()))
}

fn first_data(c: &Connection, side: usize) -> Option<&[u8]> {
    c.events.iter().find_map(|(s, e)| match e {
        Event::Data { bytes, .. } if *s == side && !bytes.is_empty() => Some(bytes.as_slice()),
        _ => None,
    })
}

fn classify(c: &Connection) -> Kind {
    let port_server = (0..2).find(|&i| matches!(c.ends[i].port, 143 | 993));
    let greeting_server = (0..2).find(|&i| first_data(c, i).is_some_and(is_greeting));
    let server = c
        .syn_from
        .map(|client| 1 - client)
        .or(port_server)
        .or(greeting_server);
    let Some(server) = server else {
        // Nobody spoke IMAP, nobody is on an IMAP port: maybe TLS on some port.
        return match (0..2).find(|&i| first_data(c, i).is_some_and(is_tls)) {
            Some(client) => Kind::Tls {
                server: 1 - client,
                imap_port: false,
            },
            None => Kind::Other,
        };
    };
    let client_first = first_data(c, 1 - server);
    let server_first = first_data(c, server);
    let imap_port = matches!(c.ends[server].port, 143 | 993);
    if client_first.is_some_and(is_tls)
        || (c.ends[server].port == 993 && !server_first.is_some_and(is_greeting))
    {
        return Kind::Tls { server, imap_port };
    }
    if imap_port || server_first.is_some_and(is_greeting) {
        Kind::Imap { server }
    } else {
        Kind::Other
    }
}

fn header(c: &Connection, server: usize, format: &str) -> Transcript {
    let mut t = Transcript::default();
    t.set_meta(
        "source",
        format!(
            "{format} capture: TCP connection {} → {}",
            c.ends[1 - server],
            c.ends[server]
        ),
    );
    t.set_meta("client", c.ends[1 - server].to_string());
    t.set_meta("server", c.ends[server].to_string());
    t.set_meta("started", rfc3339(c.first_time));
    t.set_meta("packets", c.packets.to_string());
    t
}

/// A connection whose contents are encrypted: a transcript with only a note.
fn encrypted(c: &Connection, server: usize, format: &str) -> Transcript {
    let mut t = header(c, server, format);
    let bytes = |side: usize| -> u64 {
        c.events
            .iter()
            .filter_map(|(s, e)| match e {
                Event::Data { bytes, .. } if *s == side => Some(bytes.len() as u64),
                _ => None,
            })
            .sum()
    };
    let port = c.ends[server].port;
    let what = if port == 993 {
        "IMAP over implicit TLS (IMAPS, port 993)".to_string()
    } else {
        format!("a TLS connection on port {port}, which may be IMAP over TLS (IMAPS)")
    };
    t.records.push(Record::Note {
        text: format!(
            "encrypted: this is {what}: {} bytes client → server and {} bytes server → \
             client, all encrypted; {TLS_ADVICE}",
            bytes(1 - server),
            bytes(server)
        ),
        source_line: 0,
    });
    t
}

/// Follows the framing of one direction, to repair it across a lost segment.
#[derive(Default)]
struct Tracker {
    framer: Framer,
    /// The last bytes ended a literal: a line (maybe empty) must follow it.
    after_literal: bool,
    /// After a hole: drop bytes until a message starts; this many are missing so far.
    resume: Option<u64>,
}

impl Tracker {
    fn feed(&mut self, mut bytes: &[u8]) {
        while !bytes.is_empty() {
            if self.framer.in_literal() {
                let (_, taken) = self.framer.skip_literal(bytes.len());
                bytes = &bytes[taken as usize..];
                if !self.framer.in_literal() {
                    self.after_literal = true;
                }
                continue;
            }
            let step = crate::wire::through_lf(bytes);
            self.framer.feed(&bytes[..step]);
            bytes = &bytes[step..];
            while let Some(frame) = self.framer.next_frame() {
                if matches!(frame, crate::wire::Frame::Line(_)) {
                    self.after_literal = false;
                }
            }
            if self.framer.in_literal() {
                self.after_literal = false;
            }
        }
    }

    /// How many of `missing` bytes the literal in progress absorbs.
    fn absorb(&mut self, missing: u64) -> u64 {
        let mut absorbed = 0;
        while self.framer.in_literal() && absorbed < missing {
            let (buffered, taken) = self.framer.skip_literal((missing - absorbed) as usize);
            if buffered == 0 && taken == 0 {
                break;
            }
            absorbed += taken;
        }
        if absorbed > 0 && !self.framer.in_literal() {
            self.after_literal = true;
        }
        absorbed
    }
}

/// True if `bytes` can start a message of `direction`: then a stream that resumes
/// after a hole keeps them.
fn starts_message(direction: Direction, bytes: &[u8]) -> bool {
    let text = String::from_utf8_lossy(&bytes[..bytes.len().min(40)]);
    let mut words = text.split(' ');
    let first = words.next().unwrap_or("");
    let second = words.next().unwrap_or("");
    let tag_like = !first.is_empty()
        && first
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'.');
    match direction {
        Direction::Server => {
            first == "*"
                || first.starts_with('+')
                || (tag_like
                    && ["OK", "NO", "BAD", "BYE"]
                        .iter()
                        .any(|s| second.eq_ignore_ascii_case(s)))
        }
        Direction::Client => {
            text.to_ascii_uppercase().starts_with("DONE")
                || (tag_like
                    && second
                        .bytes()
                        .next()
                        .is_some_and(|b| b.is_ascii_alphabetic()))
        }
    }
}

/// A plain-text IMAP connection as a transcript.
fn session(c: &Connection, server: usize, format: &str) -> Transcript {
    let mut t = header(c, server, format);
    let direction = |side: usize| {
        if side == server {
            Direction::Server
        } else {
            Direction::Client
        }
    };
    let mut trackers = [Tracker::default(), Tracker::default()];
    let mut starttls_asked = false;
    let mut encrypted_from: Option<f64> = None;
    let mut encrypted_bytes = [0u64; 2];
    for (side, event) in &c.events {
        let (side, d) = (*side, direction(*side));
        if encrypted_from.is_some() {
            if let Event::Data { bytes, .. } = event {
                encrypted_bytes[side] += bytes.len() as u64;
            }
            continue;
        }
        match event {
            Event::Data { bytes, time } => {
                if starttls_asked && d == Direction::Client && is_tls(bytes) {
                    encrypted_from = Some(*time);
                    encrypted_bytes[side] += bytes.len() as u64;
                    continue;
                }
                if d == Direction::Client && asks_starttls(bytes) {
                    starttls_asked = true;
                }
                let tracker = &mut trackers[side];
                let mut bytes = bytes.as_slice();
                if let Some(missing) = tracker.resume {
                    let mut missing = missing;
                    if !starts_message(d, bytes) {
                        match bytes.iter().position(|&b| b == b'\n') {
                            Some(i) => {
                                missing += i as u64 + 1;
                                bytes = &bytes[i + 1..];
                            }
                            None => {
                                tracker.resume = Some(missing + bytes.len() as u64);
                                continue;
                            }
                        }
                    }
                    // The explainer restarts this direction's framing here, as at a
                    // gap the proxy's recorder marks.
                    t.records.push(Record::Gap {
                        direction: d,
                        missing,
                        source_line: 0,
                    });
                    *tracker = Tracker::default();
                }
                tracker.feed(bytes);
                push_bytes(&mut t, d, bytes.to_vec(), *time - c.first_time);
            }
            Event::Gap { missing, time } => gap(
                &mut t,
                &mut trackers[side],
                d,
                *missing,
                *time - c.first_time,
            ),
        }
    }
    if let Some(at) = encrypted_from {
        t.records.push(note(format!(
            "encrypted from here: STARTTLS upgraded the connection {:.3} s into it, and the \
             remaining {} bytes client → server and {} bytes server → client are TLS; {TLS_ADVICE}",
            at - c.first_time,
            encrypted_bytes[1 - server],
            encrypted_bytes[server]
        )));
    }
    let counts = [c.halves[1 - server].counts, c.halves[server].counts];
    t.records.insert(0, note(reassembly_summary(&counts)));
    t
}

/// What happened at a hole of `missing` bytes, and the repair that keeps framing:
/// a hole inside a literal is stood in for by NUL bytes (the message stays whole);
/// any other hole makes the stream resume at the next message, with a
/// [`Record::Gap`] there.
fn gap(t: &mut Transcript, tracker: &mut Tracker, d: Direction, missing: u64, time: f64) {
    let who = match d {
        Direction::Client => "client",
        Direction::Server => "server",
    };
    if let Some(so_far) = tracker.resume {
        tracker.resume = Some(so_far + missing);
        return;
    }
    let absorbed = tracker.absorb(missing);
    let mut text = format!(
        "the capture lost {missing} bytes the {who} sent here (a TCP segment it did not keep)"
    );
    // A stand-in is for a segment or a few, not for gigabytes a forged ACK claims.
    if absorbed == missing && missing <= MAX_FILLER {
        text.push_str(
            "; all were inside a literal, shown as NUL bytes so the literal keeps its size",
        );
        t.records.push(note(text));
        push_bytes(t, d, vec![0; absorbed as usize], time);
        return;
    }
    text.push_str("; the explanation resumes at the next message");
    t.records.push(note(text));
    tracker.resume = Some(missing);
}

fn push_bytes(t: &mut Transcript, direction: Direction, bytes: Vec<u8>, time: f64) {
    if bytes.is_empty() {
        return;
    }
    t.records.push(Record::Bytes {
        direction,
        bytes,
        literal: false,
        time: Some((time * 1e6).round() / 1e6),
        source_line: 0,
    });
}

fn note(text: String) -> Record {
    Record::Note {
        text,
        source_line: 0,
    }
}

/// True if these client bytes hold a STARTTLS command (RFC 9051 §6.2.1).
fn asks_starttls(bytes: &[u8]) -> bool {
    bytes.split(|&b| b == b'\n').any(|line| {
        let line = String::from_utf8_lossy(line);
        let mut words = line.trim_end().split(' ');
        words.next().is_some()
            && words
                .next()
                .is_some_and(|w| w.eq_ignore_ascii_case("STARTTLS"))
    })
}

fn reassembly_summary(counts: &[Counts; 2]) -> String {
    let mut text = format!(
        "reassembled from the capture: {} segments from the client, {} from the server",
        counts[0].segments, counts[1].segments
    );
    let mut extra = Vec::new();
    let total = |f: fn(&Counts) -> u64| f(&counts[0]) + f(&counts[1]);
    let retransmitted = total(|c| c.retransmitted as u64);
    let reordered = total(|c| c.out_of_order as u64);
    let gaps = total(|c| c.gaps as u64);
    if retransmitted > 0 {
        extra.push(format!("{retransmitted} retransmitted (dropped)"));
    }
    if reordered > 0 {
        extra.push(format!("{reordered} out of order (put back in place)"));
    }
    if gaps > 0 {
        extra.push(format!(
            "{gaps} hole{} where the capture lost {} bytes",
            if gaps == 1 { "" } else { "s" },
            total(|c| c.missing)
        ));
    }
    if !extra.is_empty() {
        text.push_str("; ");
        text.push_str(&extra.join(", "));
    }
    text
}

/// Seconds since the epoch as `YYYY-MM-DDTHH:MM:SS.ssssssZ`.
pub(crate) fn rfc3339(time: f64) -> String {
    let secs = time.floor() as i64;
    let micros = ((time - time.floor()) * 1e6).round() as i64;
    format!("{}.{micros:06}Z", utc_seconds(secs))
}

/// Seconds since the epoch as `YYYY-MM-DDTHH:MM:SS` (UTC), the part of RFC 3339 that
/// recordings and imported captures share.
pub(crate) fn utc_seconds(secs: i64) -> String {
    let (y, m, d) = crate::mock::dates::civil_from_days(secs.div_euclid(86_400));
    let rest = secs.rem_euclid(86_400);
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}",
        rest / 3600,
        rest % 3600 / 60,
        rest % 60
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn message_starts_after_a_hole() {
        assert!(starts_message(Direction::Server, b"* 4 EXISTS\r\n"));
        assert!(starts_message(Direction::Server, b"a3 OK done\r\n"));
        assert!(starts_message(Direction::Server, b"+ idling\r\n"));
        assert!(!starts_message(Direction::Server, b"ect: hello\r\n"));
        assert!(starts_message(Direction::Client, b"a4 FETCH 1 BODY[]\r\n"));
        assert!(starts_message(Direction::Client, b"DONE\r\n"));
        assert!(!starts_message(Direction::Client, b"  body text\r\n"));
    }

    #[test]
    fn starttls_is_seen_in_a_client_line() {
        assert!(asks_starttls(b"a1 STARTTLS\r\n"));
        assert!(asks_starttls(b"a0 NOOP\r\nx starttls\r\n"));
        assert!(!asks_starttls(b"a1 NOOP STARTTLS\r\n"));
    }

    #[test]
    fn times_print_as_rfc3339() {
        assert_eq!(rfc3339(1_719_505_175.25), "2024-06-27T16:19:35.250000Z");
    }
}
