//! TCP from captured frames: link, IP and TCP headers decoded, then each
//! connection's two byte streams put back together.
//!
//! Headers read (by hand: a few fixed layouts, RFC 791, RFC 8200, RFC 9293 §3.1):
//! Ethernet II with 802.1Q/802.1ad tags, Linux cooked captures (v1 and v2, what
//! `tcpdump -i any` writes), BSD loopback (NULL and LOOP), raw IP; IPv4 and IPv6
//! (hop-by-hop, routing and destination options skipped). IP fragments are counted
//! and skipped: IMAP over TCP is not fragmented on any path that keeps PMTU.
//!
//! Reassembly ([`Reassembler`]) follows each direction's sequence numbers:
//! - a segment at the next expected byte is delivered, then whatever held segments
//!   it makes contiguous;
//! - a segment ahead of it is held (out of order) until the hole fills;
//! - a segment wholly behind it is a retransmission and dropped; one that overlaps
//!   gives only its new bytes;
//! - a hole that never fills is a segment the capture lost. It is declared when the
//!   receiver acknowledges bytes past it (it got them; the capture did not), when the
//!   held data passes [`MAX_HELD`], or at the end of the capture. The stream then
//!   goes on after the hole, with an [`Event::Gap`] saying how many bytes are missing.
//!
//! Sequence numbers are taken relative to the first one seen (the SYN's, when the
//! capture has it), so wrap-around at 2^32 is handled for streams under 4 GiB.

use std::collections::BTreeMap;
use std::fmt;
use std::net::IpAddr;

use super::pcap::Frame;

/// The most out-of-order bytes held per direction before the hole is declared lost.
pub(crate) const MAX_HELD: usize = 8 * 1024 * 1024;

/// One end of a connection.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(crate) struct Endpoint {
    pub(crate) ip: IpAddr,
    pub(crate) port: u16,
}

impl fmt::Display for Endpoint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.ip {
            IpAddr::V4(ip) => write!(f, "{ip}:{}", self.port),
            IpAddr::V6(ip) => write!(f, "[{ip}]:{}", self.port),
        }
    }
}

/// A decoded TCP segment.
#[derive(Debug, Clone, PartialEq)]
pub struct Segment<'a> {
    pub(crate) src: Endpoint,
    pub(crate) dst: Endpoint,
    pub(crate) seq: u32,
    pub(crate) ack: Option<u32>,
    pub(crate) syn: bool,
    pub(crate) fin: bool,
    pub(crate) rst: bool,
    pub payload: &'a [u8],
    /// Payload bytes the IP header announced but the capture did not keep (snaplen).
    pub(crate) cut: usize,
}

/// Why a frame gave no TCP segment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Skip {
    /// A link type this reader does not decode.
    LinkType(u32),
    /// Not IPv4 or IPv6, or not TCP.
    NotTcp,
    /// An IP fragment.
    Fragment,
    /// Headers cut short by the capture.
    Short,
}

/// Decodes one frame down to its TCP segment.
pub fn decode<'a>(frame: &Frame<'a>) -> Result<Segment<'a>, Skip> {
    let d = frame.data;
    let ip = match frame.link_type {
        // Ethernet II, with any number of VLAN tags.
        1 => {
            let mut at = 12;
            loop {
                let kind = be16(d, at).ok_or(Skip::Short)?;
                if kind == 0x8100 || kind == 0x88a8 {
                    at += 4;
                    continue;
                }
                break ip_by_ethertype(kind, d.get(at + 2..).ok_or(Skip::Short)?)?;
            }
        }
        // BSD loopback: a 4-byte address family, host order (0) or network order (108).
        0 | 108 => ip_by_version(d.get(4..).ok_or(Skip::Short)?)?,
        // Raw IP (101, and the old numbers 12 and 14), IPv4 (228) and IPv6 (229).
        12 | 14 | 101 | 228 | 229 => ip_by_version(d)?,
        // Linux cooked v1: protocol at 14; v2: protocol at 0, header 20 bytes.
        113 => ip_by_ethertype(
            be16(d, 14).ok_or(Skip::Short)?,
            d.get(16..).ok_or(Skip::Short)?,
        )?,
        276 => ip_by_ethertype(
            be16(d, 0).ok_or(Skip::Short)?,
            d.get(20..).ok_or(Skip::Short)?,
        )?,
        other => return Err(Skip::LinkType(other)),
    };
    tcp(ip)
}

/// An IP packet's addresses, and its payload as far as it was captured.
struct Ip<'a> {
    src: IpAddr,
    dst: IpAddr,
    payload: &'a [u8],
    /// Payload bytes announced by the IP header beyond what was captured.
    cut: usize,
}

fn ip_by_ethertype(kind: u16, d: &[u8]) -> Result<Ip<'_>, Skip> {
    match kind {
        0x0800 => ipv4(d),
        0x86dd => ipv6(d),
        _ => Err(Skip::NotTcp),
    }
}

fn ip_by_version(d: &[u8]) -> Result<Ip<'_>, Skip> {
    match d.first().map(|b| b >> 4) {
        Some(4) => ipv4(d),
        Some(6) => ipv6(d),
        _ => Err(Skip::NotTcp),
    }
}

/// IPv4 (RFC 791 §3.1): header length, total length, fragments, protocol 6.
fn ipv4(d: &[u8]) -> Result<Ip<'_>, Skip> {
    let ihl = usize::from(d.first().ok_or(Skip::Short)? & 0x0f) * 4;
    let total = usize::from(be16(d, 2).ok_or(Skip::Short)?);
    let flags_offset = be16(d, 6).ok_or(Skip::Short)?;
    if flags_offset & 0x3fff != 0 {
        return Err(Skip::Fragment);
    }
    if *d.get(9).ok_or(Skip::Short)? != 6 {
        return Err(Skip::NotTcp);
    }
    let src: [u8; 4] = bytes_at(d, 12)?;
    let dst: [u8; 4] = bytes_at(d, 16)?;
    let end = total.max(ihl);
    let payload = d.get(ihl..end.min(d.len())).ok_or(Skip::Short)?;
    Ok(Ip {
        src: IpAddr::from(src),
        dst: IpAddr::from(dst),
        payload,
        cut: end.saturating_sub(d.len()),
    })
}

/// IPv6 (RFC 8200 §3, §4): skips the extension headers that precede TCP.
fn ipv6(d: &[u8]) -> Result<Ip<'_>, Skip> {
    let length = usize::from(be16(d, 4).ok_or(Skip::Short)?);
    let mut next = *d.get(6).ok_or(Skip::Short)?;
    let src: [u8; 16] = bytes_at(d, 8)?;
    let dst: [u8; 16] = bytes_at(d, 24)?;
    let end = 40 + length;
    let mut at = 40;
    loop {
        match next {
            6 => break,
            0 | 43 | 60 => {
                next = *d.get(at).ok_or(Skip::Short)?;
                at += (usize::from(*d.get(at + 1).ok_or(Skip::Short)?) + 1) * 8;
            }
            44 => return Err(Skip::Fragment),
            _ => return Err(Skip::NotTcp),
        }
    }
    let payload = d.get(at..end.min(d.len())).ok_or(Skip::Short)?;
    Ok(Ip {
        src: IpAddr::from(src),
        dst: IpAddr::from(dst),
        payload,
        cut: end.saturating_sub(d.len()),
    })
}

/// TCP (RFC 9293 §3.1): ports, sequence and acknowledgment numbers, flags, data.
fn tcp(ip: Ip<'_>) -> Result<Segment<'_>, Skip> {
    let d = ip.payload;
    let offset = usize::from(d.get(12).ok_or(Skip::Short)? >> 4) * 4;
    let flags = *d.get(13).ok_or(Skip::Short)?;
    let payload = d.get(offset..).ok_or(Skip::Short)?;
    Ok(Segment {
        src: Endpoint {
            ip: ip.src,
            port: be16(d, 0).ok_or(Skip::Short)?,
        },
        dst: Endpoint {
            ip: ip.dst,
            port: be16(d, 2).ok_or(Skip::Short)?,
        },
        seq: be32(d, 4).ok_or(Skip::Short)?,
        ack: (flags & 0x10 != 0).then(|| be32(d, 8)).flatten(),
        syn: flags & 0x02 != 0,
        fin: flags & 0x01 != 0,
        rst: flags & 0x04 != 0,
        payload,
        cut: ip.cut,
    })
}

/// The `N` bytes at `at` (an address), or `Short` when the packet ends first.
fn bytes_at<const N: usize>(d: &[u8], at: usize) -> Result<[u8; N], Skip> {
    d.get(at..at + N)
        .and_then(|b| b.try_into().ok())
        .ok_or(Skip::Short)
}

fn be16(d: &[u8], at: usize) -> Option<u16> {
    Some(u16::from_be_bytes(d.get(at..at + 2)?.try_into().ok()?))
}

fn be32(d: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_be_bytes(d.get(at..at + 4)?.try_into().ok()?))
}

/// What reassembly gives for one direction of a connection, in capture order.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Event {
    /// Bytes, in stream order.
    Data { bytes: Vec<u8>, time: f64 },
    /// Bytes the capture does not have: the stream goes on after them.
    Gap { missing: u64, time: f64 },
}

/// Counts for the note that says how the stream was put together.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct Counts {
    pub(crate) segments: usize,
    pub(crate) retransmitted: usize,
    pub(crate) out_of_order: usize,
    pub(crate) gaps: usize,
    pub(crate) missing: u64,
}

/// One direction's reassembly.
#[derive(Debug, Default)]
pub(crate) struct Reassembler {
    /// Sequence number of stream offset 0.
    base: Option<u32>,
    /// Offset of the next byte to deliver.
    next: u64,
    held: BTreeMap<u64, (Vec<u8>, f64)>,
    held_bytes: usize,
    /// Offset of the FIN, which takes a sequence number of its own (RFC 9293 §3.4).
    fin: Option<u64>,
    pub(crate) counts: Counts,
}

impl Reassembler {
    /// A SYN: the stream starts after its sequence number.
    pub(crate) fn syn(&mut self, seq: u32) {
        if self.base.is_none() {
            self.base = Some(seq.wrapping_add(1));
        }
    }

    /// A FIN after `len` bytes of payload at `seq`: the stream ends there.
    pub(crate) fn fin(&mut self, seq: u32, len: usize) {
        let end = self.offset(seq) + len as u64;
        self.fin = Some(end);
    }

    fn offset(&mut self, seq: u32) -> u64 {
        let base = *self.base.get_or_insert(seq);
        u64::from(seq.wrapping_sub(base))
    }

    /// A segment's payload; `cut` bytes after it were not captured.
    pub(crate) fn segment(
        &mut self,
        seq: u32,
        payload: &[u8],
        cut: usize,
        time: f64,
        out: &mut Vec<Event>,
    ) {
        if payload.is_empty() && cut == 0 {
            return;
        }
        self.counts.segments += 1;
        let start = self.offset(seq);
        let end = start + payload.len() as u64;
        if end + cut as u64 <= self.next {
            self.counts.retransmitted += 1;
            return;
        }
        if start > self.next {
            self.counts.out_of_order += 1;
            let keep = match self.held.get(&start) {
                Some((held, _)) => held.len() < payload.len(),
                None => true,
            };
            if keep {
                self.held_bytes += payload.len();
                if let Some((old, _)) = self.held.insert(start, (payload.to_vec(), time)) {
                    self.held_bytes -= old.len();
                }
            }
            if self.held_bytes > MAX_HELD {
                self.declare_lost(u64::MAX, time, out);
            }
            return;
        }
        let skip = (self.next - start) as usize;
        if skip < payload.len() {
            self.deliver(&payload[skip..], time, out);
        }
        if cut > 0 {
            // The capture kept only the start of this segment (snaplen).
            let from = end.max(self.next);
            self.gap(end + cut as u64 - from, time, out);
        }
        self.drain(out);
    }

    /// The peer acknowledged everything before `ack`: a hole before it is lost.
    pub(crate) fn acknowledged(&mut self, ack: u32, time: f64, out: &mut Vec<Event>) {
        let Some(base) = self.base else { return };
        let mut upto = u64::from(ack.wrapping_sub(base));
        if self.fin.is_some_and(|f| upto == f + 1) {
            // The acknowledgment of the FIN, not of a byte.
            upto -= 1;
        }
        // A huge value is an acknowledgment from before our base (a stale ACK).
        if upto > self.next && upto < u64::from(u32::MAX / 2) {
            self.declare_lost(upto, time, out);
        }
    }

    /// The capture ended: whatever is still held comes after holes.
    pub(crate) fn finish(&mut self, time: f64, out: &mut Vec<Event>) {
        while !self.held.is_empty() {
            self.declare_lost(u64::MAX, time, out);
        }
    }

    /// The bytes before `upto` (or before the first held segment) will not come.
    fn declare_lost(&mut self, upto: u64, time: f64, out: &mut Vec<Event>) {
        let first_held = self.held.keys().next().copied().unwrap_or(u64::MAX);
        let until = upto.min(first_held);
        if until == u64::MAX || until <= self.next {
            return;
        }
        self.gap(until - self.next, time, out);
        self.drain(out);
    }

    fn gap(&mut self, missing: u64, time: f64, out: &mut Vec<Event>) {
        self.counts.gaps += 1;
        self.counts.missing += missing;
        self.next += missing;
        out.push(Event::Gap { missing, time });
    }

    fn deliver(&mut self, bytes: &[u8], time: f64, out: &mut Vec<Event>) {
        self.next += bytes.len() as u64;
        out.push(Event::Data {
            bytes: bytes.to_vec(),
            time,
        });
    }

    /// Delivers held segments that the stream has reached.
    fn drain(&mut self, out: &mut Vec<Event>) {
        while let Some((&start, _)) = self.held.first_key_value() {
            if start > self.next {
                break;
            }
            let Some((bytes, time)) = self.held.remove(&start) else {
                break;
            };
            self.held_bytes -= bytes.len();
            let skip = (self.next - start) as usize;
            if skip < bytes.len() {
                self.deliver(&bytes[skip..], time, out);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn data(events: &[Event]) -> String {
        events
            .iter()
            .map(|e| match e {
                Event::Data { bytes, .. } => String::from_utf8_lossy(bytes).into_owned(),
                Event::Gap { missing, .. } => format!("[{missing} lost]"),
            })
            .collect()
    }

    #[test]
    fn in_order_retransmitted_and_overlapping_segments() {
        let mut r = Reassembler::default();
        let mut out = Vec::new();
        r.syn(999);
        r.segment(1000, b"abc", 0, 0.0, &mut out);
        r.segment(1000, b"abc", 0, 0.1, &mut out);
        r.segment(1002, b"cdef", 0, 0.2, &mut out);
        assert_eq!(data(&out), "abcdef");
        assert_eq!(r.counts.retransmitted, 1);
    }

    #[test]
    fn reordered_segments_are_put_back_in_place() {
        let mut r = Reassembler::default();
        let mut out = Vec::new();
        r.segment(u32::MAX - 1, b"ab", 0, 0.0, &mut out);
        r.segment(2, b"ef", 0, 0.1, &mut out);
        r.segment(0, b"cd", 0, 0.2, &mut out);
        assert_eq!(data(&out), "abcdef", "across the 2^32 wrap");
        assert_eq!(r.counts.out_of_order, 1);
        assert_eq!(r.counts.gaps, 0);
    }

    #[test]
    fn a_lost_segment_is_declared_when_acknowledged_or_at_the_end() {
        let mut r = Reassembler::default();
        let mut out = Vec::new();
        r.syn(0);
        r.segment(1, b"ab", 0, 0.0, &mut out);
        r.segment(5, b"ef", 0, 0.1, &mut out);
        r.acknowledged(7, 0.2, &mut out);
        r.segment(7, b"gh", 0, 0.3, &mut out);
        assert_eq!(data(&out), "ab[2 lost]efgh");
        let mut r = Reassembler::default();
        let mut out = Vec::new();
        r.segment(1, b"ab", 0, 0.0, &mut out);
        r.segment(5, b"ef", 0, 0.1, &mut out);
        r.finish(0.2, &mut out);
        assert_eq!(data(&out), "ab[2 lost]ef");
        assert_eq!(r.counts.missing, 2);
        let mut r = Reassembler::default();
        let mut out = Vec::new();
        r.syn(0);
        r.segment(1, b"ab", 0, 0.0, &mut out);
        r.fin(1, 2);
        r.acknowledged(4, 0.1, &mut out);
        assert_eq!(
            data(&out),
            "ab",
            "the FIN's own sequence number is not a lost byte"
        );
    }

    #[test]
    fn a_segment_cut_by_the_snaplen_leaves_a_gap_of_the_rest() {
        let mut r = Reassembler::default();
        let mut out = Vec::new();
        r.segment(1, b"ab", 3, 0.0, &mut out);
        r.segment(6, b"fg", 0, 0.1, &mut out);
        assert_eq!(data(&out), "ab[3 lost]fg");
    }

    #[test]
    fn decodes_ethernet_ipv4_tcp() {
        let mut f = vec![0u8; 12];
        f.extend([0x08, 0x00]);
        let mut ip = vec![
            0x45, 0, 0, 0, 0, 0, 0x40, 0, 64, 6, 0, 0, 127, 0, 0, 1, 127, 0, 0, 2,
        ];
        let mut tcp = vec![0xc0, 0x00, 0x00, 143];
        tcp.extend(7u32.to_be_bytes());
        tcp.extend(9u32.to_be_bytes());
        tcp.extend([0x50, 0x18, 0, 0, 0, 0, 0, 0]);
        tcp.extend(b"* OK\r\n");
        let total = (ip.len() + tcp.len()) as u16;
        ip[2..4].copy_from_slice(&total.to_be_bytes());
        f.extend(ip);
        f.extend(tcp);
        f.extend([0, 0]); // Ethernet padding, beyond the IP length
        let frame = Frame {
            time: Some(0.0),
            link_type: 1,
            data: &f,
            wire_len: f.len() as u32,
        };
        let s = decode(&frame).unwrap();
        assert_eq!(s.src.to_string(), "127.0.0.1:49152");
        assert_eq!(s.dst.port, 143);
        assert_eq!((s.seq, s.ack), (7, Some(9)));
        assert_eq!(s.payload, b"* OK\r\n");
        assert_eq!(s.cut, 0);
    }
}
