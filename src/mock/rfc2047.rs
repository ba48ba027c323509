//! MIME encoded-words in headers (RFC 2047 §2, §4): `=?UTF-8?Q?J=C3=BCrgen?=` is
//! "Jürgen". The mock decodes them where Dovecot does: the base subject of SORT and
//! THREAD (RFC 5256 §2.1), SORT=DISPLAY names (RFC 5957 §2), and SEARCH in headers
//! (RFC 9051 §6.4.4), never in ENVELOPE, which shows headers as they are.
//!
//! Decoding follows Dovecot's `message_header_decode`: whitespace between two
//! encoded-words (and before the first) goes; an encoded-word that does not parse is
//! kept as text; a B or Q word decodes as far as it can. Charsets are converted by
//! [`super::charset`].

use super::casemap::push_casemap;
use super::charset::to_utf8;
use crate::grammar::extensions::sasl_ir::decode_base64_unpadded;

/// `value` with its encoded-words decoded, as UTF-8 (invalid bytes become U+FFFD).
pub(crate) fn decode(value: &[u8]) -> String {
    let mut out = String::with_capacity(value.len());
    each_piece(value, |text, charset| {
        out.push_str(&to_utf8(text, charset));
    });
    out
}

/// The same, mapped by `i;unicode-casemap` piece by piece, as Dovecot's searches and
/// base subjects see it.
pub(crate) fn decode_casemap(value: &[u8]) -> String {
    let mut out = String::with_capacity(value.len() + value.len() / 8);
    each_piece(value, |text, charset| {
        push_casemap(to_utf8(text, charset).as_bytes(), &mut out);
    });
    out
}

/// Calls `f` with each piece of `value`: plain text (charset `None`), or the decoded
/// bytes of an encoded-word with its charset.
fn each_piece(value: &[u8], mut f: impl FnMut(&[u8], Option<&str>)) {
    let mut start = 0;
    let mut pos = 0;
    while pos + 1 < value.len() {
        if &value[pos..pos + 2] != b"=?" {
            pos += 1;
            continue;
        }
        // The text before, unless it is only whitespace (which is then dropped even
        // if what follows turns out not to be an encoded-word, as in Dovecot).
        let between = &value[start..pos];
        if !between
            .iter()
            .all(|b| matches!(b, b' ' | b'\t' | b'\r' | b'\n'))
        {
            f(between, None);
        }
        let Some((charset, decoded, used)) = encoded_word(&value[pos + 2..]) else {
            start = pos;
            pos += 2;
            continue;
        };
        if !decoded.is_empty() {
            f(&decoded, Some(charset));
        }
        pos += 2 + used;
        start = pos;
    }
    if start < value.len() {
        f(&value[start..], None);
    }
}

/// `charset?encoding?text?=` → (charset, decoded bytes, bytes used).
fn encoded_word(data: &[u8]) -> Option<(&str, Vec<u8>, usize)> {
    let mut marks = data
        .iter()
        .enumerate()
        .filter(|(_, &b)| b == b'?')
        .map(|(i, _)| i);
    let (q1, q2, q3) = (marks.next()?, marks.next()?, marks.next()?);
    if data.get(q3 + 1) != Some(&b'=') {
        return None;
    }
    let charset = std::str::from_utf8(&data[..q1]).ok()?;
    let text = &data[q2 + 1..q3];
    let decoded = match data.get(q1 + 1)? {
        b'Q' | b'q' => q_decode(text),
        b'B' | b'b' => b_decode(text),
        _ => return None,
    };
    Some((charset, decoded, q3 + 2))
}

/// Q encoding (RFC 2047 §4.2): `_` is a space, `=XX` a byte; a broken `=` is dropped.
fn q_decode(text: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(text.len());
    let mut i = 0;
    while i < text.len() {
        match text[i] {
            b'_' => out.push(b' '),
            b'=' => {
                let hex = text.get(i + 1..i + 3).and_then(|h| {
                    std::str::from_utf8(h)
                        .ok()
                        .and_then(|h| u8::from_str_radix(h, 16).ok())
                });
                if let Some(b) = hex {
                    out.push(b);
                    i += 2;
                }
            }
            b => out.push(b),
        }
        i += 1;
    }
    out
}

/// B encoding (base64): as much as decodes, up to the first character that is not
/// base64 (Dovecot shows what it got so far).
fn b_decode(text: &[u8]) -> Vec<u8> {
    let valid = text
        .iter()
        .position(|&b| !(b.is_ascii_alphanumeric() || b == b'+' || b == b'/'))
        .unwrap_or(text.len());
    // A lone sixth bit at the end makes no byte.
    let usable = if valid % 4 == 1 { valid - 1 } else { valid };
    decode_base64_unpadded(&text[..usable]).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encoded_words_decode_and_their_gaps_go() {
        assert_eq!(
            decode(b"=?UTF-8?Q?J=C3=BCrgen_M=C3=BCller?="),
            "Jürgen Müller"
        );
        assert_eq!(decode(b"=?ISO-8859-1?Q?Andr=E9?= <a@b>"), "André <a@b>");
        assert_eq!(
            decode(b"=?UTF-8?B?w4RyZ2Vy?= =?UTF-8?B?IGltIExhYm9y?="),
            "Ärger im Labor"
        );
        assert_eq!(decode(b"Re: =?utf-8*de?q?=C3=9Cber?= x"), "Re: Über x");
        // Not an encoded-word: kept as it is.
        assert_eq!(decode(b"a =?broken"), "a =?broken");
        assert_eq!(decode(b"=?x?q?a?= =?bad"), "a=?bad");
        assert_eq!(decode(b"raw \xc3\xbc"), "raw ü");
    }

    #[test]
    fn casemapped_piece_by_piece() {
        assert_eq!(
            decode_casemap(b"=?UTF-8?B?w5xiZXIgZGFzIExhYm9y?="),
            "U\u{308}BER DAS LABOR"
        );
        assert_eq!(decode_casemap("über".as_bytes()), "U\u{308}BER");
    }
}
