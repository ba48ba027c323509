//! SASL-IR (RFC 4959) and the base64 of AUTHENTICATE (RFC 9051 §6.2.2).
//!
//! AUTHENTICATE carries SASL data in base64: in the command itself when the server
//! offers SASL-IR (`AUTHENTICATE PLAIN dGVzdAB0ZXN0AHRlc3Q=`), and on a line of its own
//! after each `+` challenge. One checker serves both, so a learner who pastes broken
//! base64 hears exactly where it breaks.

use crate::grammar::args::label;
use crate::grammar::error::{fail, PResult};

/// `base64-char = ALPHA / DIGIT / "+" / "/"` (case-sensitive)
pub(crate) fn is_base64_char(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'+' || b == b'/'
}

/// Where and why a base64 string is malformed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Base64Error {
    /// Byte offset of the problem in the checked text.
    pub(crate) offset: usize,
    /// What was expected there, for people.
    pub(crate) expected: &'static str,
}

/// `base64 = *(4base64-char) [base64-terminal]`;
/// `base64-terminal = (2base64-char "==") / (3base64-char "=")`
pub(crate) fn check_base64(text: &[u8]) -> Result<(), Base64Error> {
    let data = text.iter().position(|&b| b == b'=').unwrap_or(text.len());
    if let Some(bad) = text[..data].iter().position(|&b| !is_base64_char(b)) {
        let expected = if text[bad] == b'-' || text[bad] == b'_' {
            "a base64 character: A-Z, a-z, 0-9, + and / (this looks like base64url, which IMAP does not use)"
        } else {
            "a base64 character: A-Z, a-z, 0-9, + or /"
        };
        return Err(Base64Error {
            offset: bad,
            expected,
        });
    }
    if let Some(bad) = text[data..].iter().position(|&b| b != b'=') {
        return Err(Base64Error {
            offset: data + bad,
            expected: "nothing after the = padding: = may only end the base64",
        });
    }
    if text.len() - data > 2 {
        return Err(Base64Error {
            offset: data + 2,
            expected: "at most two = at the end of base64",
        });
    }
    if text.len() % 4 != 0 {
        return Err(Base64Error {
            offset: text.len(),
            expected: "a length that is a multiple of 4: base64 is written in groups of four characters, padded with =",
        });
    }
    Ok(())
}

/// Decodes checked base64. `None` if [`check_base64`] rejects it.
pub(crate) fn decode_base64(text: &[u8]) -> Option<Vec<u8>> {
    check_base64(text).ok()?;
    let value = |c: u8| match c {
        b'A'..=b'Z' => c - b'A',
        b'a'..=b'z' => c - b'a' + 26,
        b'0'..=b'9' => c - b'0' + 52,
        b'+' => 62,
        _ => 63,
    };
    let data: Vec<u8> = text
        .iter()
        .copied()
        .filter(|&b| b != b'=')
        .map(value)
        .collect();
    let mut out = Vec::with_capacity(data.len() * 3 / 4);
    for chunk in data.chunks(4) {
        let n = chunk
            .iter()
            .enumerate()
            .fold(0u32, |acc, (i, &v)| acc | u32::from(v) << (18 - 6 * i));
        let bytes = n.to_be_bytes();
        out.extend_from_slice(&bytes[1..chunk.len()]);
    }
    Some(out)
}

/// Decodes base64 whose `=` padding may be missing, as servers tolerate (Dovecot does)
/// and as MIME bodies need once their line breaks are removed.
pub(crate) fn decode_base64_unpadded(text: &[u8]) -> Option<Vec<u8>> {
    let data = text.iter().position(|&b| b == b'=').unwrap_or(text.len());
    let mut padded = text[..data].to_vec();
    match padded.len() % 4 {
        0 => {}
        1 => return None,
        short => padded.resize(padded.len() + 4 - short, b'='),
    }
    decode_base64(&padded)
}

/// Encodes bytes as padded base64 (RFC 4648 §4), as SASL and the mock's challenges need.
pub fn encode_base64(data: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(data.len().div_ceil(3) * 4);
    for chunk in data.chunks(3) {
        let n = chunk
            .iter()
            .enumerate()
            .fold(0u32, |acc, (i, &b)| acc | u32::from(b) << (16 - 8 * i));
        for i in 0..4 {
            out.push(if i <= chunk.len() {
                ALPHABET[(n >> (18 - 6 * i) & 63) as usize] as char
            } else {
                '='
            });
        }
    }
    out
}

/// `initial-resp = (base64 / "=")` (RFC 4959): `=` is an empty response, which differs
/// from sending none at all.
pub(crate) fn initial_resp(input: &[u8]) -> PResult<'_, &str> {
    let len = input
        .iter()
        .position(|&b| matches!(b, b' ' | b'\r' | b'\n'))
        .unwrap_or(input.len());
    let (token, rest) = input.split_at(len);
    if token.is_empty() {
        return fail(input, label::INITIAL_RESPONSE);
    }
    if token != b"=" {
        if let Err(e) = check_base64(token) {
            return fail(&input[e.offset..], e.expected);
        }
    }
    // Checked above: base64 and "=" are ASCII.
    Ok((rest, std::str::from_utf8(token).unwrap_or("")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn checks_and_decodes() {
        assert_eq!(
            decode_base64(b"dGVzdAB0ZXN0AHRlc3Q=").unwrap(),
            b"test\0test\0test"
        );
        assert_eq!(decode_base64(b"").unwrap(), b"");
        assert_eq!(decode_base64(b"YQ==").unwrap(), b"a");
        assert_eq!(decode_base64(b"YWI=").unwrap(), b"ab");
        assert_eq!(check_base64(b"dGVz!A==").unwrap_err().offset, 4);
        assert_eq!(check_base64(b"dGVzd").unwrap_err().offset, 5);
        assert_eq!(check_base64(b"YQ=a").unwrap_err().offset, 3);
        assert_eq!(check_base64(b"Y===").unwrap_err().offset, 3);
        assert!(check_base64(b"ab-_")
            .unwrap_err()
            .expected
            .contains("base64url"));
    }

    #[test]
    fn initial_response() {
        assert_eq!(initial_resp(b"= rest").unwrap(), (&b" rest"[..], "="));
        assert_eq!(
            initial_resp(b"dGVzdAB0ZXN0AHRlc3Q=").unwrap().1,
            "dGVzdAB0ZXN0AHRlc3Q="
        );
        let Err(nom::Err::Error(e)) = initial_resp(b"abc*") else {
            panic!()
        };
        assert_eq!(e.input, b"*");
    }
}

// ---- responses
