//! A reply under construction: protocol text, with the store's message bytes
//! referred to rather than copied.
//!
//! `FETCH 1:* (BODY[])` on a 210 MB INBOX used to build a 210 MB reply per client
//! (200 clients at once drove `serve` to 23 GB). Messages are already shared in the
//! store (`Arc<[u8]>`), so a reply can point at them: the text around a literal is
//! written, the literal's bytes are a [`Splice`] into the stored message, and `serve`
//! writes the pieces one after the other. Memory per reply is then its protocol
//! text, whatever the size of the mail.
//!
//! Splicing is for front ends that stream ([`Reply::streaming`], which `serve` turns
//! on); the others (tests, lessons, replay) get every byte in one `Vec` as before.

use std::ops::Range;
use std::sync::Arc;

/// Literals shorter than this are copied: a splice costs more than a few bytes.
pub(crate) const SPLICE_MIN: usize = 4096;

/// Bytes of a stored message, to be sent at offset `at` of the reply's text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Splice {
    pub(crate) at: usize,
    pub(crate) data: Arc<[u8]>,
    pub(crate) range: Range<usize>,
}

/// Protocol text plus splices, in order of `at`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Reply {
    pub(crate) text: Vec<u8>,
    pub(crate) splices: Vec<Splice>,
    /// When false, [`Reply::shared`] copies (the reply is then one `Vec`).
    pub(crate) streaming: bool,
}

impl Reply {
    pub(crate) fn new(streaming: bool) -> Self {
        Reply {
            streaming,
            ..Reply::default()
        }
    }

    pub(crate) fn extend_from_slice(&mut self, bytes: &[u8]) {
        self.text.extend_from_slice(bytes);
    }

    pub(crate) fn push(&mut self, byte: u8) {
        self.text.push(byte);
    }

    /// The bytes `data[range]`: spliced when streaming and large, copied otherwise.
    pub(crate) fn shared(&mut self, data: &Arc<[u8]>, range: Range<usize>) {
        if self.streaming && range.len() >= SPLICE_MIN {
            self.splices.push(Splice {
                at: self.text.len(),
                data: data.clone(),
                range,
            });
        } else {
            self.text.extend_from_slice(&data[range]);
        }
    }

    /// `bytes`, spliced from `data` when they are a part of it, copied otherwise.
    pub(crate) fn part_of(&mut self, data: &Arc<[u8]>, bytes: &[u8]) {
        match range_within(data, bytes) {
            Some(range) => self.shared(data, range),
            None => self.text.extend_from_slice(bytes),
        }
    }

    /// Appends another reply after this one.
    pub(crate) fn append(&mut self, other: Reply) {
        append_to(&mut self.text, &mut self.splices, other);
    }

    /// Every byte, in order.
    pub(crate) fn chunks(&self) -> Chunks<'_> {
        Chunks::new(&self.text, &self.splices)
    }

    /// The number of bytes, splices included.
    #[cfg(test)]
    pub(crate) fn len(&self) -> usize {
        self.text.len() + self.splices.iter().map(|s| s.range.len()).sum::<usize>()
    }

    /// Every byte in one `Vec`.
    pub(crate) fn to_vec(&self) -> Vec<u8> {
        self.chunks().flatten().copied().collect()
    }
}

/// A status response's line (`tag OK|NO|BAD [code] text`, or `* ...`), with CRLF: the
/// one way the mock writes one, so that no handler can send back a byte the mock would
/// not write itself.
///
/// Texts quote client input (`Unknown argument X`, `Unknown command X`). Dovecot
/// 2.3.19 refuses NUL, CR and control bytes in atoms before any handler sees them
/// (`lexical`), but it does echo a quoted string's bytes raw, control bytes and
/// non-UTF-8 included (`SEARCH "\x01"` → `Unexpected string as search key: \x01`,
/// asked of the real one through `scripts/dovecot-lab.sh`). The mock writes each such
/// character as `?`, as Dovecot's own `str_sanitize()` does for its logs: the line
/// stays printable UTF-8 (RFC 3501 §9 `resp-text` is 7-bit `TEXT-CHAR`, no CR or LF)
/// and a learner's terminal never receives an escape sequence through it. DEL is
/// left as it is: Dovecot echoes it in `Unknown command` and it moves no cursor.
/// U+FFFD is what lossy decoding made of a non-UTF-8 byte, so it is a `?` too.
pub(crate) fn status_line(tag: &str, status: &str, code: Option<&str>, text: &str) -> Vec<u8> {
    let mut line = String::with_capacity(tag.len() + status.len() + text.len() + 8);
    for part in [tag, " ", status, " "] {
        push_printable(&mut line, part);
    }
    if let Some(code) = code {
        line.push('[');
        push_printable(&mut line, code);
        line.push_str("] ");
    }
    push_printable(&mut line, text);
    line.push_str("\r\n");
    line.into_bytes()
}

/// `text` with every control character (DEL aside) and U+FFFD written as `?`.
fn push_printable(out: &mut String, text: &str) {
    out.extend(text.chars().map(|c| {
        if (c.is_control() && c != '\u{7f}') || c == char::REPLACEMENT_CHARACTER {
            '?'
        } else {
            c
        }
    }));
}

/// Appends `other` to a reply held as `text` and `splices` (a session's output).
pub(crate) fn append_to(text: &mut Vec<u8>, splices: &mut Vec<Splice>, other: Reply) {
    let base = text.len();
    text.extend_from_slice(&other.text);
    splices.extend(other.splices.into_iter().map(|s| Splice {
        at: s.at + base,
        ..s
    }));
}

/// Where `part` lies inside `whole`, if it is a slice of it.
fn range_within(whole: &[u8], part: &[u8]) -> Option<Range<usize>> {
    let start = (part.as_ptr() as usize).checked_sub(whole.as_ptr() as usize)?;
    let end = start.checked_add(part.len())?;
    (end <= whole.len() && !part.is_empty()).then_some(start..end)
}

/// The pieces of a reply in order: text, splice, text...
pub(crate) struct Chunks<'a> {
    text: &'a [u8],
    splices: &'a [Splice],
    text_at: usize,
    splice: usize,
    in_splice: bool,
}

impl<'a> Chunks<'a> {
    /// The pieces of `text` with `splices` (sorted by `at`) in their places.
    pub(crate) fn new(text: &'a [u8], splices: &'a [Splice]) -> Self {
        Chunks {
            text,
            splices,
            text_at: 0,
            splice: 0,
            in_splice: false,
        }
    }
}

impl<'a> Iterator for Chunks<'a> {
    type Item = &'a [u8];

    fn next(&mut self) -> Option<&'a [u8]> {
        loop {
            let next = self.splices.get(self.splice);
            if self.in_splice {
                self.in_splice = false;
                let s = next?;
                self.splice += 1;
                return Some(&s.data[s.range.clone()]);
            }
            let until = next.map_or(self.text.len(), |s| s.at);
            let text = &self.text[self.text_at..until];
            self.text_at = until;
            self.in_splice = next.is_some();
            if !text.is_empty() {
                return Some(text);
            }
            next?;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_status_line_never_carries_a_control_byte_back() {
        let text = "Error in IMAP command SEARCH: Unexpected string as search key: \u{1}\r\0\u{1b}[2J\u{fffd}\u{7f}caf\u{e9}";
        let line = status_line("a1", "BAD", Some("CLIENTBUG"), text);
        assert_eq!(
            String::from_utf8(line).unwrap(),
            "a1 BAD [CLIENTBUG] Error in IMAP command SEARCH: Unexpected string as search key: ????[2J?\u{7f}caf\u{e9}\r\n"
        );
        assert_eq!(status_line("*", "OK", None, "ready."), b"* OK ready.\r\n");
    }

    #[test]
    fn splices_come_out_in_place_and_small_parts_are_copied() {
        let mail: Arc<[u8]> = vec![b'm'; 10_000].into();
        let mut r = Reply::new(true);
        r.extend_from_slice(b"* 1 FETCH (BODY[] {10000}\r\n");
        r.part_of(&mail, &mail[..]);
        r.extend_from_slice(b" BODY[]<0> {10}\r\n");
        r.part_of(&mail, &mail[..10]);
        r.extend_from_slice(b")\r\n");
        assert_eq!(r.splices.len(), 1);
        let whole = [
            b"* 1 FETCH (BODY[] {10000}\r\n".as_slice(),
            &mail,
            b" BODY[]<0> {10}\r\nmmmmmmmmmm)\r\n",
        ]
        .concat();
        assert_eq!(r.to_vec(), whole);
        assert_eq!(r.len(), whole.len());
        let mut copy = Reply::new(false);
        copy.part_of(&mail, &mail[..]);
        assert!(copy.splices.is_empty() && copy.text.len() == 10_000);
        let mut joined = Reply::new(true);
        joined.extend_from_slice(b"x");
        joined.append(r);
        assert_eq!(joined.to_vec(), [b"x".as_slice(), &whole].concat());
        assert_eq!(joined.chunks().count(), 3);
    }
}
