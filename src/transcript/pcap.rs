//! Packet capture files: classic pcap and pcapng, read into timestamped frames.
//!
//! Only what imports need: each frame's link type, time and captured bytes. Written
//! here rather than taken from a crate because the formats are small and fixed, and
//! the crates that read them pull proc-macro crates (a second and third `syn`) into
//! a build that two shared cores pay for (README, "Design notes").
//!
//! pcap (tcpdump's format, <https://www.ietf.org/archive/id/draft-ietf-opsawg-pcap-04.html>):
//! a 24-byte file header whose magic gives the byte order and the time unit
//! (`a1b2c3d4` microseconds, `a1b23c4d` nanoseconds), then 16-byte record headers.
//!
//! pcapng (Wireshark's default, draft-ietf-opsawg-pcapng): blocks of
//! `type, length, body, length`. A Section Header Block gives the byte order and
//! starts a new list of interfaces; an Interface Description Block gives a link type
//! and a time resolution (`if_tsresol`); Enhanced, Simple and the old Packet Blocks
//! carry frames. Every other block is skipped by its length.
//!
//! A file cut short (a capture still running, a copy interrupted) gives the frames
//! before the cut and says where it was; it is not an error.

use super::import::ImportError;

/// One captured frame.
#[derive(Debug, Clone, PartialEq)]
pub struct Frame<'a> {
    /// Seconds since the Unix epoch (None for pcapng Simple Packet Blocks).
    pub(crate) time: Option<f64>,
    /// The link-layer header type (1 Ethernet, 113 Linux cooked, ...).
    pub(crate) link_type: u32,
    /// The bytes captured: may be fewer than were on the wire (`snaplen`).
    pub(crate) data: &'a [u8],
    /// The frame's length on the wire.
    pub(crate) wire_len: u32,
}

/// What a capture file held.
#[derive(Debug, Default)]
pub struct Capture<'a> {
    /// `pcap` or `pcapng`.
    pub format: &'static str,
    pub frames: Vec<Frame<'a>>,
    /// Set when the file ends in the middle of a record: what was wrong, and where.
    pub(crate) truncated: Option<String>,
}

/// True if `bytes` start like a pcap or pcapng file.
pub(crate) fn sniff(bytes: &[u8]) -> bool {
    matches!(
        bytes.get(..4),
        Some([0xd4, 0xc3, 0xb2, 0xa1])
            | Some([0xa1, 0xb2, 0xc3, 0xd4])
            | Some([0x4d, 0x3c, 0xb2, 0xa1])
            | Some([0xa1, 0xb2, 0x3c, 0x4d])
            | Some([0x0a, 0x0d, 0x0d, 0x0a])
    )
}

/// Reads a pcap or pcapng file. Fails only when the file is not one at all.
pub fn read(bytes: &[u8]) -> Result<Capture<'_>, ImportError> {
    match bytes.get(..4) {
        Some([0x0a, 0x0d, 0x0d, 0x0a]) => Ok(read_pcapng(bytes)),
        _ if sniff(bytes) => read_pcap(bytes),
        _ => Err(ImportError::NotCapture),
    }
}

/// Byte order of a file or section.
#[derive(Clone, Copy)]
struct Order {
    little: bool,
}

impl Order {
    /// The `N` bytes at `at`, most significant first whatever the file's order.
    fn big_endian<const N: usize>(self, b: &[u8], at: usize) -> Option<[u8; N]> {
        let mut s: [u8; N] = b.get(at..at + N)?.try_into().ok()?;
        if self.little {
            s.reverse();
        }
        Some(s)
    }
    fn u16(self, b: &[u8], at: usize) -> Option<u16> {
        self.big_endian(b, at).map(u16::from_be_bytes)
    }
    fn u32(self, b: &[u8], at: usize) -> Option<u32> {
        self.big_endian(b, at).map(u32::from_be_bytes)
    }
}

fn read_pcap(bytes: &[u8]) -> Result<Capture<'_>, ImportError> {
    let little = bytes[0] == 0xd4 || bytes[0] == 0x4d;
    let order = Order { little };
    let nanos = matches!(
        bytes[..4],
        [0x4d, 0x3c, 0xb2, 0xa1] | [0xa1, 0xb2, 0x3c, 0x4d]
    );
    let link_type = order.u32(bytes, 20).ok_or(ImportError::PcapHeaderCut)? & 0x0fff_ffff;
    let unit = if nanos { 1e-9 } else { 1e-6 };
    let mut capture = Capture {
        format: "pcap",
        ..Capture::default()
    };
    let mut at = 24;
    while at < bytes.len() {
        let header = (
            order.u32(bytes, at),
            order.u32(bytes, at + 4),
            order.u32(bytes, at + 8),
            order.u32(bytes, at + 12),
        );
        let (Some(secs), Some(frac), Some(caplen), Some(wire_len)) = header else {
            capture.truncated = Some(format!("the file ends inside a record header at byte {at}"));
            break;
        };
        let start = at + 16;
        let Some(data) = bytes.get(start..start + caplen as usize) else {
            capture.truncated = Some(format!(
                "the file ends inside packet {} (byte {start}: {caplen} bytes announced)",
                capture.frames.len() + 1
            ));
            break;
        };
        capture.frames.push(Frame {
            time: Some(f64::from(secs) + f64::from(frac) * unit),
            link_type,
            data,
            wire_len,
        });
        at = start + caplen as usize;
    }
    Ok(capture)
}

/// An interface of a pcapng section.
struct Interface {
    link_type: u32,
    /// Seconds per timestamp unit.
    unit: f64,
}

fn read_pcapng(bytes: &[u8]) -> Capture<'_> {
    let mut capture = Capture {
        format: "pcapng",
        ..Capture::default()
    };
    let mut order = Order { little: true };
    let mut interfaces: Vec<Interface> = Vec::new();
    let mut at = 0;
    while at < bytes.len() {
        if bytes.get(at..at + 4) == Some(&[0x0a, 0x0d, 0x0d, 0x0a]) {
            // The byte-order magic decides how to read this block's own length.
            order.little = bytes.get(at + 8..at + 12) == Some(&[0x4d, 0x3c, 0x2b, 0x1a]);
            interfaces.clear();
        }
        let (Some(kind), Some(len)) = (order.u32(bytes, at), order.u32(bytes, at + 4)) else {
            capture.truncated = Some(format!("the file ends inside a block header at byte {at}"));
            break;
        };
        let len = len as usize;
        let Some(block) = bytes
            .get(at..at + len)
            .filter(|_| len >= 12 && len % 4 == 0)
        else {
            capture.truncated = Some(format!(
                "the block at byte {at} announces {len} bytes, which the file does not hold"
            ));
            break;
        };
        let body = &block[8..len - 4];
        match kind {
            1 => interfaces.push(interface(order, body)),
            6 | 2 => {
                if let Some(frame) = packet_block(order, kind, body, &interfaces) {
                    capture.frames.push(frame);
                }
            }
            3 => {
                let wire_len = order.u32(body, 0).unwrap_or(0);
                let data = &body[4.min(body.len())..];
                let data = &data[..data.len().min(wire_len as usize)];
                if let Some(i) = interfaces.first() {
                    capture.frames.push(Frame {
                        time: None,
                        link_type: i.link_type,
                        data,
                        wire_len,
                    });
                }
            }
            _ => {}
        }
        at += len;
    }
    capture
}

/// An Interface Description Block: link type, and `if_tsresol` (option 9) if given.
fn interface(order: Order, body: &[u8]) -> Interface {
    let link_type = u32::from(order.u16(body, 0).unwrap_or(0));
    let mut unit = 1e-6;
    let mut at = 8;
    while let (Some(code), Some(len)) = (order.u16(body, at), order.u16(body, at + 2)) {
        if code == 0 {
            break;
        }
        if code == 9 {
            if let Some(&v) = body.get(at + 4) {
                let exp = i32::from(v & 0x7f);
                unit = if v & 0x80 == 0 {
                    10f64.powi(-exp)
                } else {
                    2f64.powi(-exp)
                };
            }
        }
        at += 4 + usize::from(len).div_ceil(4) * 4;
    }
    Interface { link_type, unit }
}

/// An Enhanced Packet Block (6) or an obsolete Packet Block (2).
fn packet_block<'a>(
    order: Order,
    kind: u32,
    body: &'a [u8],
    interfaces: &[Interface],
) -> Option<Frame<'a>> {
    let id = if kind == 6 {
        order.u32(body, 0)? as usize
    } else {
        usize::from(order.u16(body, 0)?)
    };
    let interface = interfaces.get(id)?;
    let high = order.u32(body, 4)?;
    let low = order.u32(body, 8)?;
    let caplen = order.u32(body, 12)? as usize;
    let wire_len = order.u32(body, 16)?;
    let data = body.get(20..20 + caplen)?;
    let ticks = (u64::from(high) << 32) | u64::from(low);
    Some(Frame {
        time: Some(ticks as f64 * interface.unit),
        link_type: interface.link_type,
        data,
        wire_len,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pcap_file(frames: &[&[u8]]) -> Vec<u8> {
        let mut out = vec![0xd4, 0xc3, 0xb2, 0xa1, 2, 0, 4, 0];
        out.extend([0; 8]);
        out.extend(65535u32.to_le_bytes());
        out.extend(1u32.to_le_bytes());
        for (i, f) in frames.iter().enumerate() {
            out.extend((100 + i as u32).to_le_bytes());
            out.extend(250_000u32.to_le_bytes());
            out.extend((f.len() as u32).to_le_bytes());
            out.extend((f.len() as u32).to_le_bytes());
            out.extend(*f);
        }
        out
    }

    #[test]
    fn reads_pcap_frames_with_their_times() {
        let file = pcap_file(&[b"abc", b"defg"]);
        let c = read(&file).unwrap();
        assert_eq!(c.format, "pcap");
        assert_eq!(c.frames.len(), 2);
        assert_eq!(c.frames[1].data, b"defg");
        assert_eq!(c.frames[1].time, Some(101.25));
        assert_eq!(c.frames[0].link_type, 1);
        assert!(c.truncated.is_none());
    }

    #[test]
    fn a_cut_pcap_keeps_what_came_before() {
        let mut file = pcap_file(&[b"abc", b"defg"]);
        file.truncate(file.len() - 2);
        let c = read(&file).unwrap();
        assert_eq!(c.frames.len(), 1);
        assert!(c.truncated.unwrap().contains("packet 2"));
    }

    fn block(kind: u32, body: &[u8]) -> Vec<u8> {
        let mut body = body.to_vec();
        while body.len() % 4 != 0 {
            body.push(0);
        }
        let len = (body.len() + 12) as u32;
        let mut out = kind.to_le_bytes().to_vec();
        out.extend(len.to_le_bytes());
        out.extend(body);
        out.extend(len.to_le_bytes());
        out
    }

    #[test]
    fn reads_pcapng_with_a_nanosecond_interface() {
        let mut shb = 0x1a2b3c4du32.to_le_bytes().to_vec();
        shb.extend([1, 0, 0, 0]);
        shb.extend((-1i64).to_le_bytes());
        let mut idb = 113u16.to_le_bytes().to_vec();
        idb.extend([0, 0]);
        idb.extend(0u32.to_le_bytes());
        idb.extend([9, 0, 1, 0, 9, 0, 0, 0, 0, 0, 0, 0]);
        let ticks: u64 = 1_500_000_000;
        let mut epb = 0u32.to_le_bytes().to_vec();
        epb.extend(((ticks >> 32) as u32).to_le_bytes());
        epb.extend((ticks as u32).to_le_bytes());
        epb.extend(5u32.to_le_bytes());
        epb.extend(5u32.to_le_bytes());
        epb.extend(b"hello");
        let mut file = block(0x0a0d0d0a, &shb);
        file.extend(block(1, &idb));
        file.extend(block(5, b"statistics are skipped"));
        file.extend(block(6, &epb));
        let c = read(&file).unwrap();
        assert_eq!(c.format, "pcapng");
        assert_eq!(c.frames.len(), 1);
        assert_eq!(c.frames[0].data, b"hello");
        assert_eq!(c.frames[0].link_type, 113);
        assert!((c.frames[0].time.unwrap() - 1.5).abs() < 1e-9);
    }

    #[test]
    fn other_files_are_refused() {
        assert!(!sniff(b"* OK ready\r\n"));
        assert!(read(b"* OK ready\r\n").is_err());
    }
}
