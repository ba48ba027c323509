//! Mailbox names: `mailbox = "INBOX" / astring`, and modified UTF-7 (RFC 3501 §5.1.3).
//!
//! IMAP4rev1 writes non-ASCII mailbox names in modified UTF-7: `&` starts a run of
//! modified BASE64 (`,` instead of `/`, no padding) encoding UTF-16, `-` ends it, and
//! `&-` stands for `&`. The explainer shows the decoded name next to the wire form.

use nom::Parser;
use serde::Serialize;

use super::core::{astring, ImapString};
use super::error::{rule, PResult};

/// A mailbox name as written, with its decoded form.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Mailbox {
    pub raw: ImapString,
    /// The name for people: modified UTF-7 decoded, or the raw text if it is not valid.
    pub name: String,
}

impl Mailbox {
    /// INBOX is case-insensitive (RFC 9051 §5.1); the case of other names is up to the
    /// server (Dovecot's and the mock's are case-sensitive).
    pub fn is_inbox(&self) -> bool {
        self.raw.bytes.eq_ignore_ascii_case(b"INBOX")
    }

    /// The name a server stores: INBOX in capitals, other names as given.
    pub(crate) fn canonical(&self) -> String {
        if self.is_inbox() {
            "INBOX".into()
        } else {
            self.name.clone()
        }
    }

    /// True if the wire form used modified UTF-7 to say something non-ASCII.
    pub(crate) fn is_utf7_encoded(&self) -> bool {
        self.raw.text() != self.name
    }
}

/// `mailbox = "INBOX" / astring`
pub(crate) fn mailbox(input: &[u8]) -> PResult<'_, Mailbox> {
    let (rest, raw) = rule("mailbox", astring).parse(input)?;
    let text = raw.text().into_owned();
    let name = decode_modified_utf7(&text).unwrap_or(text);
    Ok((rest, Mailbox { raw, name }))
}

/// Decodes modified UTF-7 (RFC 3501 §5.1.3). `None` if the text is not valid in it.
pub(crate) fn decode_modified_utf7(text: &str) -> Option<String> {
    let mut out = String::new();
    let mut rest = text;
    while let Some(amp) = rest.find('&') {
        out.push_str(&rest[..amp]);
        let after = &rest[amp + 1..];
        let end = after.find('-')?;
        let run = &after[..end];
        if run.is_empty() {
            out.push('&');
        } else {
            let units = decode_base64_utf16(run)?;
            out.push_str(&String::from_utf16(&units).ok()?);
        }
        rest = &after[end + 1..];
    }
    out.push_str(rest);
    Some(out)
}

/// Encodes a name in modified UTF-7, the form IMAP4rev1 clients send.
pub(crate) fn encode_modified_utf7(name: &str) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+,";
    let mut out = String::new();
    let mut pending: Vec<u16> = Vec::new();
    let flush = |pending: &mut Vec<u16>, out: &mut String| {
        if pending.is_empty() {
            return;
        }
        let bytes: Vec<u8> = pending.iter().flat_map(|u| u.to_be_bytes()).collect();
        out.push('&');
        for chunk in bytes.chunks(3) {
            let n = chunk
                .iter()
                .enumerate()
                .fold(0u32, |acc, (i, &b)| acc | (b as u32) << (16 - 8 * i));
            let chars = chunk.len() + 1;
            for i in 0..chars {
                out.push(ALPHABET[(n >> (18 - 6 * i) & 63) as usize] as char);
            }
        }
        out.push('-');
        pending.clear();
    };
    for c in name.chars() {
        if (' '..='~').contains(&c) {
            flush(&mut pending, &mut out);
            if c == '&' {
                out.push_str("&-");
            } else {
                out.push(c);
            }
        } else {
            pending.extend(c.encode_utf16(&mut [0; 2]).iter());
        }
    }
    flush(&mut pending, &mut out);
    out
}

fn decode_base64_utf16(run: &str) -> Option<Vec<u16>> {
    let mut bits = 0u32;
    let mut nbits = 0;
    let mut bytes = Vec::new();
    for c in run.bytes() {
        let v = match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' => 62,
            b',' => 63,
            _ => return None,
        } as u32;
        bits = bits << 6 | v;
        nbits += 6;
        if nbits >= 8 {
            nbits -= 8;
            bytes.push((bits >> nbits) as u8);
            bits &= (1 << nbits) - 1;
        }
    }
    if bytes.len() % 2 != 0 {
        return None;
    }
    Some(
        bytes
            .chunks(2)
            .map(|p| u16::from_be_bytes([p[0], p[1]]))
            .collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_the_rfc_example() {
        // RFC 3501 §5.1.3: "~peter/mail/台北/日本語"
        let wire = "~peter/mail/&U,BTFw-/&ZeVnLIqe-";
        assert_eq!(
            decode_modified_utf7(wire).unwrap(),
            "~peter/mail/台北/日本語"
        );
        assert_eq!(encode_modified_utf7("~peter/mail/台北/日本語"), wire);
        assert_eq!(decode_modified_utf7("Tom &- Jerry").unwrap(), "Tom & Jerry");
        assert_eq!(encode_modified_utf7("Entwürfe"), "Entw&APw-rfe");
        assert_eq!(decode_modified_utf7("&bad"), None);
    }

    #[test]
    fn inbox_is_case_insensitive_only() {
        let (_, m) = mailbox(b"inbox").unwrap();
        assert!(m.is_inbox());
        assert_eq!(m.canonical(), "INBOX");
        let (_, m) = mailbox(b"Archive").unwrap();
        assert_eq!(m.canonical(), "Archive");
    }
}
