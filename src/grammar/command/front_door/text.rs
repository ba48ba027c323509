//! Reading the line for messages: the token at a position, a printable excerpt, the
//! literal announcements (found the way the framer finds them) and the open quote.

use crate::grammar::core::as_str;

/// The word at `input` for "did you mean": up to a space, a bracket or the end of the line.
pub(super) fn near_token(input: &[u8]) -> &[u8] {
    let n = input
        .iter()
        .position(|&b| matches!(b, b' ' | b'\r' | b'\n' | b'(' | b')' | b'[' | b'<'))
        .unwrap_or(input.len());
    &input[..n]
}

/// What was found at `input`, for messages: the token in backquotes, or a name for an
/// invisible character.
pub(super) fn describe_found(input: &[u8]) -> String {
    match input.first() {
        None => "the end of the line".into(),
        Some(b'\t') => "a tab".into(),
        Some(b'\r' | b'\n') => "the end of the line".into(),
        Some(&b) if b < 0x20 || b == 0x7f => format!("the control character 0x{b:02X}"),
        Some(_) => {
            let n = input
                .iter()
                .position(|&b| matches!(b, b' ' | b'\r' | b'\n' | b')'))
                .unwrap_or(input.len())
                .max(1);
            format!("`{}`", shorten(&input[..n]))
        }
    }
}

/// Text for a message: lossy UTF-8, cut at 40 characters.
pub(crate) fn shorten(bytes: &[u8]) -> String {
    let text = String::from_utf8_lossy(bytes);
    let mut chars = text.chars();
    let mut out: String = chars.by_ref().take(40).collect();
    if chars.next().is_some() {
        out.push('…');
    }
    out.replace('\r', "\\r").replace('\n', "\\n")
}

pub(super) fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// A literal announcement in the message: `{12}`, `{12+}`, `~{12}`.
#[derive(Debug, Clone, Copy)]
pub(super) struct LiteralAt {
    /// Offset of `{` (or of `~`).
    pub(super) start: usize,
    /// Offset and length of the digits.
    pub(super) digits: (usize, usize),
    pub(super) size: u64,
    pub(super) minus: bool,
}

/// The literal announcement that ends exactly at `end` (just before a CRLF), if any.
pub(super) fn literal_ending_at(body: &[u8], end: usize) -> Option<LiteralAt> {
    let head = &body[..end];
    let head = head.strip_suffix(b"}")?;
    let (head, marker) = match head.last() {
        Some(&c @ (b'+' | b'-')) => (&head[..head.len() - 1], Some(c)),
        _ => (head, None),
    };
    let digits = head.iter().rev().take_while(|b| b.is_ascii_digit()).count();
    let brace = head.len().checked_sub(digits + 1)?;
    if digits == 0 || digits > 19 || head[brace] != b'{' {
        return None;
    }
    let size = as_str(&head[brace + 1..]).parse().ok()?;
    let start = if brace > 0 && body[brace - 1] == b'~' {
        brace - 1
    } else {
        brace
    };
    Some(LiteralAt {
        start,
        digits: (brace + 1, digits),
        size,
        minus: marker == Some(b'-'),
    })
}

/// The literals of a message, found the way the framer finds them: a line ending in an
/// announcement is followed by exactly that many bytes, then the line goes on.
pub(super) fn literals_of(body: &[u8]) -> Vec<(LiteralAt, usize)> {
    let mut out = Vec::new();
    let mut pos = 0;
    while let Some(crlf_at) = find(&body[pos..], b"\r\n").map(|i| pos + i) {
        let Some(literal) = literal_ending_at(body, crlf_at) else {
            break;
        };
        let data = crlf_at + 2;
        out.push((literal, data));
        pos = data.saturating_add(usize::try_from(literal.size).unwrap_or(usize::MAX));
        if pos > body.len() {
            break;
        }
    }
    out
}

/// The offset of the `"` that opens the string still open at the end of `text`.
pub(super) fn opening_quote(text: &[u8]) -> Option<usize> {
    let mut open = None;
    let mut i = 0;
    while i < text.len() {
        match (text[i], open) {
            (b'"', None) => open = Some(i),
            (b'"', Some(_)) => open = None,
            (b'\\', Some(_)) => i += 1,
            _ => {}
        }
        i += 1;
    }
    open
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn literal_announcements_are_found_like_the_framer_finds_them() {
        let body = b"a APPEND x ~{3}\r\nab\r {2+}\r\nxy";
        let found = literals_of(body);
        assert_eq!(found.len(), 2);
        assert_eq!((found[0].0.start, found[0].0.size, found[0].1), (11, 3, 17));
        assert_eq!((found[1].0.size, found[1].1), (2, 27));
        assert!(literal_ending_at(b"a {12-}", 7).unwrap().minus);
        assert!(literal_ending_at(b"a {}", 4).is_none());
        assert!(literal_ending_at(b"a 12}", 5).is_none());
    }
}
