//! What Dovecot 2.3.19 does to a message as it saves it (APPEND, CATENATE), so that
//! the mock serves the same bytes back (tests/data/differential/binary.txt, section 5).
//!
//! ```text
//! C: a1 APPEND INBOX ~{48}
//! C: Subject: x
//! C: Content-Transfer-Encoding: binary
//! C:
//! C: <bytes>
//! S: a1 OK [APPENDUID ...] Append completed.
//! C: a2 FETCH 1 BODY.PEEK[]      (the part comes back in base64)
//! ```
//!
//! - A message that came as a literal8 (`~{n}`, RFC 3516 §4.4) has each part in
//!   `Content-Transfer-Encoding: binary` re-encoded in base64: the field's value
//!   becomes `base64` where it stands, the body becomes base64 in lines of 76
//!   characters, with no line break after the last (Dovecot's istream-binary-converter).
//!   A folded field is left alone, as Dovecot leaves it.
//! - Every line then ends in CRLF: Dovecot's maildir keeps lines with LF and gives
//!   them back with CRLF, so a bare LF gains a CR, a CR before a CRLF is lost, and a
//!   CR alone stays.

use crate::grammar::extensions::sasl_ir::encode_base64;

use super::mime::{self, Kind, Part};

/// The bytes Dovecot keeps of a message it was given; `literal8` if it came as one.
pub(crate) fn saved(raw: &[u8], literal8: bool) -> Vec<u8> {
    let converted = literal8.then(|| binary_to_base64(raw)).flatten();
    line_endings(converted.as_deref().unwrap_or(raw))
}

/// `raw` with its lines ending in CRLF, as Dovecot's maildir gives them back: stored
/// with CRLF turned to LF, read with LF turned to CRLF unless a CR is already there.
fn line_endings(raw: &[u8]) -> Vec<u8> {
    let mut stored = Vec::with_capacity(raw.len());
    let mut i = 0;
    while i < raw.len() {
        if raw[i] == b'\r' && raw.get(i + 1) == Some(&b'\n') {
            stored.push(b'\n');
            i += 2;
        } else {
            stored.push(raw[i]);
            i += 1;
        }
    }
    let mut out = Vec::with_capacity(stored.len() + stored.len() / 32);
    for (i, &b) in stored.iter().enumerate() {
        if b == b'\n' && (i == 0 || stored[i - 1] != b'\r') {
            out.push(b'\r');
        }
        out.push(b);
    }
    out
}

/// One replacement in the message: the bytes at `at..at + len` become `with`.
struct Splice {
    at: usize,
    len: usize,
    with: Vec<u8>,
}

/// `raw` with its binary parts in base64, or `None` if it has none.
fn binary_to_base64(raw: &[u8]) -> Option<Vec<u8>> {
    let root = mime::parse(raw);
    let mut splices = Vec::new();
    collect(raw, &root, &mut splices);
    if splices.is_empty() {
        return None;
    }
    splices.sort_by_key(|s| s.at);
    let mut out = Vec::with_capacity(raw.len() * 4 / 3 + 64);
    let mut from = 0;
    for s in splices {
        if s.at < from {
            continue;
        }
        out.extend_from_slice(&raw[from..s.at]);
        out.extend_from_slice(&s.with);
        from = s.at + s.len;
    }
    out.extend_from_slice(&raw[from..]);
    Some(out)
}

/// The splices of `part` and the parts inside it.
fn collect(raw: &[u8], part: &Part<'_>, out: &mut Vec<Splice>) {
    match &part.kind {
        Kind::Multipart(children) => children.iter().for_each(|c| collect(raw, c, out)),
        Kind::Message(inner) => collect(raw, inner, out),
        Kind::Leaf => {
            let Some(field) = mime::field(part.header, "Content-Transfer-Encoding") else {
                return;
            };
            let folded = field.whole.iter().filter(|&&b| b == b'\n').count() > 1;
            if folded || !field.bytes().eq_ignore_ascii_case(b"binary") {
                return;
            }
            out.push(Splice {
                at: offset(raw, field.whole),
                len: field.whole.len(),
                with: b"Content-Transfer-Encoding: base64\r\n".to_vec(),
            });
            out.push(Splice {
                at: offset(raw, part.body),
                len: part.body.len(),
                with: wrapped(&encode_base64(part.body)),
            });
        }
    }
}

/// Base64 text in lines of 76 characters joined by CRLF, none after the last.
fn wrapped(text: &str) -> Vec<u8> {
    text.as_bytes()
        .chunks(76)
        .collect::<Vec<_>>()
        .join(&b"\r\n"[..])
}

/// Where `inner` (a slice of `outer`) starts in it.
fn offset(outer: &[u8], inner: &[u8]) -> usize {
    (inner.as_ptr() as usize)
        .saturating_sub(outer.as_ptr() as usize)
        .min(outer.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// As the lab's Dovecot 2.3.19 gave them back (binary.txt, section 5).
    #[test]
    fn lines_end_as_dovecot_gives_them_back() {
        assert_eq!(line_endings(b"a\nb\r\nc"), b"a\r\nb\r\nc");
        assert_eq!(line_endings(b"x\r\r\ny\n"), b"x\r\ny\r\n");
        assert_eq!(line_endings(b"x\ry\r\n"), b"x\ry\r\n");
        assert_eq!(line_endings(b"x\n\r\ny"), b"x\r\n\r\ny");
    }

    #[test]
    fn a_binary_part_of_a_literal8_turns_base64() {
        let raw =
            b"Subject: s\r\nContent-Transfer-Encoding: binary\r\nX: 1\r\n\r\na\x00b\xff\r\nc\r\n";
        let want = b"Subject: s\r\nContent-Transfer-Encoding: base64\r\nX: 1\r\n\r\nYQBi/w0KYw0K";
        assert_eq!(saved(raw, true), want.to_vec());
        // Not from a plain literal, nor in 8bit, nor folded.
        assert_eq!(saved(raw, false), raw.to_vec());
        let eight = b"Content-Transfer-Encoding: 8bit\r\n\r\nab\xff\r\n";
        assert_eq!(saved(eight, true), eight.to_vec());
        let folded = b"Content-Transfer-Encoding:\r\n  binary\r\n\r\nab\r\n";
        assert_eq!(saved(folded, true), folded.to_vec());
    }

    #[test]
    fn base64_lines_are_76_characters() {
        let body: Vec<u8> = (0..=255).collect();
        let mut raw = b"Content-Transfer-Encoding: binary\r\n\r\n".to_vec();
        raw.extend_from_slice(&body);
        let out = saved(&raw, true);
        let text = &out[b"Content-Transfer-Encoding: base64\r\n\r\n".len()..];
        let lines: Vec<&[u8]> = text.split(|&b| b == b'\n').collect();
        assert_eq!(lines.len(), 5);
        assert_eq!(lines[0].len(), 77, "76 characters and the CR");
        assert!(!text.ends_with(b"\r\n"));
    }
}
