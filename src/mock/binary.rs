//! BINARY (RFC 3516): message parts with their Content-Transfer-Encoding undone, as
//! Dovecot 2.3 produces them (lib-storage/index/index-mail-binary.c).
//!
//! ```text
//! C: a1 FETCH 1 (BINARY.PEEK[2] BINARY.SIZE[2])
//! S: * 1 FETCH (BINARY[2] ~{11}
//! S: <11 decoded bytes> BINARY.SIZE[2] 11)
//! ```
//!
//! What Dovecot does, and the mock with it (tests/data/differential/binary.txt):
//! - A part in base64 or quoted-printable is decoded; a part in 7bit, 8bit or binary,
//!   or without the field, is sent as it is. A part with any other encoding cannot be
//!   decoded: `NO [UNKNOWN-CTE]` (RFC 3516 §4.3). Content a decoder refuses (`=ZZ` in
//!   quoted-printable, `*` in base64) is `NO [PARSE] Invalid data in MIME part`.
//! - When a part with its header is asked for (`BINARY[]`, or a message/rfc822 part),
//!   every decoded part's header loses its Content-Transfer-Encoding field and gains
//!   `Content-Transfer-Encoding: binary` at its end; everything else is kept.
//! - The answer is a literal8 (`~{n}`) when something was decoded, or when it holds a
//!   NUL, not only then (RFC 3516 §4.2 allows it always).
//! - BINARY.SIZE works from the whole message taken apart, so one part Dovecot cannot
//!   decode makes BINARY.SIZE of every part of that message fail (a part that does
//!   not exist is still 0).
//! - A Content-Transfer-Encoding folded over two lines is unknown to BINARY; a
//!   multipart with no parts is decoded as a leaf would be.

use super::mime::{self, Kind, Part};

/// Why a part could not be decoded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Refusal {
    /// An encoding other than 7bit, 8bit, binary, quoted-printable and base64.
    UnknownCte,
    /// Bytes the decoder does not accept.
    InvalidData,
}

impl Refusal {
    /// The response code and text of Dovecot's tagged NO.
    pub(crate) fn reply(self) -> (&'static str, &'static str) {
        match self {
            Refusal::UnknownCte => ("UNKNOWN-CTE", "Unknown Content-Transfer-Encoding."),
            Refusal::InvalidData => ("PARSE", "Invalid data in MIME part"),
        }
    }
}

/// A part's decoded bytes, and whether they go as a literal8.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Decoded {
    pub(crate) bytes: Vec<u8>,
    pub(crate) literal8: bool,
}

/// `BINARY[path]`: the part `path` names (the whole message when empty), decoded;
/// `Ok(None)` when there is no such part (Dovecot then sends an empty literal).
pub(crate) fn section(raw: &[u8], path: &[u32]) -> Result<Option<Decoded>, Refusal> {
    let root = mime::parse(raw);
    let mut out = Builder::new(raw);
    if path.is_empty() {
        out.part(&root, true)?;
    } else {
        let Some(part) = mime::find(&root, path) else {
            return Ok(None);
        };
        match &part.kind {
            // The body of a message/rfc822 part is a message: header and all.
            Kind::Message(inner) => {
                out.from = offset(raw, inner.header);
                out.part(inner, true)?;
                // The part may hold a CRLF after its message (mime.rs,
                // message_header_open), which BINARY sends too.
                out.copy_to(offset(raw, part.body) + part.body.len());
            }
            _ => {
                out.from = offset(raw, part.body);
                out.part(part, false)?;
            }
        }
    }
    if out.invalid {
        return Err(Refusal::InvalidData);
    }
    Ok(Some(out.finish()))
}

/// `BINARY.SIZE[path]`. Dovecot decodes the whole message first, so any part it
/// cannot decode fails every size, but that of a part that does not exist: 0.
pub(crate) fn size(raw: &[u8], path: &[u32]) -> Result<u64, Refusal> {
    if !path.is_empty() && mime::find(&mime::parse(raw), path).is_none() {
        return Ok(0);
    }
    section(raw, &[])?;
    Ok(section(raw, path)?.map_or(0, |d| d.bytes.len() as u64))
}

/// The decoded stream, built as Dovecot's `add_binary_part` does: the bytes between
/// decoded parts are copied as they are (with bare LFs made CRLF).
struct Builder<'r> {
    raw: &'r [u8],
    out: Vec<u8>,
    /// Where the next copy starts, in `raw`.
    from: usize,
    converted: bool,
    has_nuls: bool,
    /// Data a decoder refused: Dovecot reports it at the end, so an unknown encoding
    /// later in the message is what it answers (NO [UNKNOWN-CTE] before NO [PARSE]).
    invalid: bool,
}

impl<'r> Builder<'r> {
    fn new(raw: &'r [u8]) -> Self {
        Builder {
            raw,
            out: Vec::new(),
            from: 0,
            converted: false,
            has_nuls: false,
            invalid: false,
        }
    }

    fn finish(self) -> Decoded {
        Decoded {
            literal8: self.converted || self.has_nuls,
            bytes: self.out,
        }
    }

    /// Copies `raw[from..to]`.
    fn copy_to(&mut self, to: usize) {
        let to = to.max(self.from).min(self.raw.len());
        push_crlf(&mut self.out, &self.raw[self.from..to]);
        self.from = to;
    }

    fn part(&mut self, part: &Part<'_>, with_header: bool) -> Result<(), Refusal> {
        let cte = binary_encoding(part.header)?;
        let header_at = offset(self.raw, part.header);
        let body_at = offset(self.raw, part.body);
        let end = body_at + part.body.len();
        if part.header.contains(&0) {
            self.has_nuls = true;
        }
        if with_header && cte.converts() {
            self.copy_to(header_at);
            push_binary_header(&mut self.out, part.header);
            self.from = body_at;
        } else if with_header {
            self.copy_to(body_at);
        }
        self.from = body_at;
        match &part.kind {
            // A multipart with no parts (no boundary, or none found) is decoded as one.
            Kind::Multipart(children) if !children.is_empty() => {
                for child in children {
                    self.part(child, true)?;
                }
                self.copy_to(end);
            }
            Kind::Message(inner) => {
                self.part(inner, true)?;
                self.copy_to(end);
            }
            Kind::Leaf | Kind::Multipart(_) => {
                match cte {
                    Cte::Plain => {
                        self.has_nuls |= part.body.contains(&0);
                        push_crlf(&mut self.out, part.body);
                    }
                    // An empty body has nothing to decode: no literal8 for it.
                    Cte::QuotedPrintable | Cte::Base64 => {
                        let decoded = match cte {
                            Cte::Base64 => base64(part.body),
                            _ => quoted_printable(part.body),
                        };
                        match decoded {
                            Ok(bytes) => self.out.extend(bytes),
                            Err(_) => self.invalid = true,
                        }
                        self.converted |= !part.body.is_empty();
                    }
                }
                self.from = end;
            }
        }
        Ok(())
    }
}

/// Where `inner`, a slice of `outer`, starts in it. Every part the MIME parser hands
/// out is a slice of the message it parsed.
fn offset(outer: &[u8], inner: &[u8]) -> usize {
    (inner.as_ptr() as usize)
        .saturating_sub(outer.as_ptr() as usize)
        .min(outer.len())
}

/// A leaf part's body with its transfer encoding undone, as SEARCH BODY reads it;
/// `None` when the encoding is unknown or the data does not decode.
pub(crate) fn decoded_body(header: &[u8], body: &[u8]) -> Option<Vec<u8>> {
    match encoding(header).ok()? {
        Cte::Plain => Some(body.to_vec()),
        Cte::QuotedPrintable => quoted_printable(body).ok(),
        Cte::Base64 => lenient_base64(body),
    }
}

/// A Content-Transfer-Encoding, as Dovecot's `message_decoder_parse_cte` reads it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Cte {
    /// 7bit, 8bit, binary, or no field: nothing to undo.
    Plain,
    QuotedPrintable,
    Base64,
}

impl Cte {
    fn converts(self) -> bool {
        self != Cte::Plain
    }
}

/// The part's encoding; the last field wins, as in Dovecot.
pub(crate) fn encoding(header: &[u8]) -> Result<Cte, Refusal> {
    let Some(field) = mime::fields(header)
        .into_iter()
        .rev()
        .find(|f| f.name.eq_ignore_ascii_case(b"Content-Transfer-Encoding"))
    else {
        return Ok(Cte::Plain);
    };
    // One token, with only blanks and comments around it: `7bit (plain)` is 7bit,
    // `8bit extra` is not an encoding Dovecot knows (checked in the lab, search-keys.txt).
    let value = field.value;
    let mut cursor = crate::mock::rfc822::Cursor::new(value);
    let _ = cursor.skip_lwsp();
    let mut token = Vec::new();
    let _ = cursor.mime_token(&mut token);
    let _ = cursor.skip_lwsp();
    if !cursor.at_end() {
        return Err(Refusal::UnknownCte);
    }
    let token = String::from_utf8_lossy(&token).to_ascii_lowercase();
    match token.as_str() {
        "" | "7bit" | "8bit" | "binary" => Ok(Cte::Plain),
        "quoted-printable" => Ok(Cte::QuotedPrintable),
        "base64" => Ok(Cte::Base64),
        _ => Err(Refusal::UnknownCte),
    }
}

/// The encoding BINARY undoes: [`encoding`], but a Content-Transfer-Encoding field
/// folded over more than one line is one Dovecot 2.3.19 does not know, whatever it
/// says (`base64` on the next line, a comment there: fetch-binary-cte.txt).
fn binary_encoding(header: &[u8]) -> Result<Cte, Refusal> {
    let folded = mime::fields(header)
        .into_iter()
        .rev()
        .find(|f| f.name.eq_ignore_ascii_case(b"Content-Transfer-Encoding"))
        .is_some_and(|f| {
            let value = f.value.strip_suffix(b"\n").unwrap_or(f.value);
            value.contains(&b'\n')
        });
    if folded {
        return Err(Refusal::UnknownCte);
    }
    encoding(header)
}

/// The header without its Content-Transfer-Encoding fields, with
/// `Content-Transfer-Encoding: binary` last.
fn push_binary_header(out: &mut Vec<u8>, header: &[u8]) {
    for f in mime::fields(header) {
        if !f.name.eq_ignore_ascii_case(b"Content-Transfer-Encoding") {
            push_crlf(out, f.whole);
        }
    }
    // Dovecot adds its field at the blank line that ends the header: a header without
    // one (a part that is all header) gets none.
    let ended = header.ends_with(b"\n\n") || header.ends_with(b"\n\r\n") || header == b"\r\n";
    if ended {
        out.extend_from_slice(b"Content-Transfer-Encoding: binary\r\n\r\n");
    }
}

/// Copies `data`, turning a bare LF into CRLF (Dovecot's istream-crlf).
fn push_crlf(out: &mut Vec<u8>, data: &[u8]) {
    let mut previous = 0u8;
    for &b in data {
        if b == b'\n' && previous != b'\r' {
            out.push(b'\r');
        }
        out.push(b);
        previous = b;
    }
}

/// Quoted-printable (RFC 2045 §6.7): `=XX`, soft line breaks (`=` then blanks to the
/// end of the line), and blanks at the end of a line dropped.
fn quoted_printable(data: &[u8]) -> Result<Vec<u8>, Refusal> {
    let mut out = Vec::with_capacity(data.len());
    // True after a soft line break (and before the first line): no CRLF goes out.
    let mut joined = true;
    for line in data.split(|&b| b == b'\n') {
        if !joined {
            out.extend_from_slice(b"\r\n");
        }
        joined = false;
        let line = trim_blanks(line.strip_suffix(b"\r").unwrap_or(line));
        let mut i = 0;
        while i < line.len() {
            if line[i] != b'=' {
                out.push(line[i]);
                i += 1;
                continue;
            }
            if i + 1 == line.len() {
                joined = true;
                break;
            }
            let hex = |b: u8| (b as char).to_digit(16);
            match (hex(line[i + 1]), line.get(i + 2).and_then(|&b| hex(b))) {
                (Some(h), Some(l)) => out.push((h * 16 + l) as u8),
                _ => return Err(Refusal::InvalidData),
            }
            i += 3;
        }
    }
    Ok(out)
}

fn trim_blanks(line: &[u8]) -> &[u8] {
    let end = line
        .iter()
        .rposition(|&b| b != b' ' && b != b'\t')
        .map_or(0, |e| e + 1);
    &line[..end]
}

/// Base64 (RFC 2045 §6.8): whitespace skipped, anything else outside the alphabet
/// refused, and, as Dovecot 2.3.19 refuses it, anything after the padding but the
/// padding the last group needs (a second `=`, more data, a signature; binary.txt
/// section 6).
fn base64(data: &[u8]) -> Result<Vec<u8>, Refusal> {
    let clean: Vec<u8> = data
        .iter()
        .copied()
        .filter(|b| !b.is_ascii_whitespace())
        .collect();
    if let Some(pad) = clean.iter().position(|&b| b == b'=') {
        let only_padding = clean[pad..].iter().all(|&b| b == b'=');
        if !only_padding || clean.len() % 4 != 0 || clean.len() - pad > 2 {
            return Err(Refusal::InvalidData);
        }
    }
    // `clean` has no whitespace left: decoded as it stands, not filtered again.
    crate::grammar::extensions::sasl_ir::decode_base64_unpadded(&clean).ok_or(Refusal::InvalidData)
}

/// Base64 with whitespace skipped and whatever follows the first `=` ignored: what
/// SEARCH BODY reads (not checked against Dovecot past the padding).
fn lenient_base64(data: &[u8]) -> Option<Vec<u8>> {
    let clean: Vec<u8> = data
        .iter()
        .copied()
        .filter(|b| !b.is_ascii_whitespace())
        .collect();
    crate::grammar::extensions::sasl_ir::decode_base64_unpadded(&clean)
}

#[cfg(test)]
mod tests {
    use super::*;

    const MIXED: &[u8] = b"Subject: t\r\nContent-Type: multipart/mixed; boundary=B\r\n\r\npre\r\n--B\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\ncaf=C3=A9 x=\r\n y  \r\nz\r\n--B\r\nContent-Transfer-Encoding: base64\r\n\r\naGk=\r\n--B\r\n\r\nplain\r\n--B--\r\n";

    #[test]
    fn each_encoding_is_undone_and_says_so() {
        let qp = section(MIXED, &[1]).unwrap().unwrap();
        assert_eq!(
            (qp.bytes.as_slice(), qp.literal8),
            (&b"caf\xc3\xa9 x y\r\nz"[..], true)
        );
        let b64 = section(MIXED, &[2]).unwrap().unwrap();
        assert_eq!((b64.bytes.as_slice(), b64.literal8), (&b"hi"[..], true));
        let plain = section(MIXED, &[3]).unwrap().unwrap();
        assert_eq!(
            (plain.bytes.as_slice(), plain.literal8),
            (&b"plain"[..], false)
        );
        assert_eq!(section(MIXED, &[9]), Ok(None));
        assert_eq!(size(MIXED, &[1]), Ok(12));
    }

    #[test]
    fn the_whole_message_gets_binary_headers() {
        let whole = section(MIXED, &[]).unwrap().unwrap();
        let text = String::from_utf8_lossy(&whole.bytes);
        assert!(text.starts_with("Subject: t\r\nContent-Type: multipart/mixed; boundary=B\r\n\r\npre\r\n--B\r\nContent-Transfer-Encoding: binary\r\n\r\ncaf"));
        assert!(text.contains(
            "--B\r\nContent-Transfer-Encoding: binary\r\n\r\nhi\r\n--B\r\n\r\nplain\r\n--B--\r\n"
        ));
        assert_eq!(size(MIXED, &[]), Ok(whole.bytes.len() as u64));
    }

    #[test]
    fn nothing_but_the_padding_may_follow_it() {
        let part = |b64: &[u8]| {
            let mut raw =
                b"Content-Type: text/plain\r\nContent-Transfer-Encoding: base64\r\n\r\n".to_vec();
            raw.extend_from_slice(b64);
            section(&raw, &[1]).map(|d| d.map(|d| d.bytes))
        };
        assert_eq!(part(b"aGk=  \r\n\r\n"), Ok(Some(b"hi".to_vec())));
        assert_eq!(part(b"aGVs\r\nbG8=\r\n"), Ok(Some(b"hello".to_vec())));
        for bad in [
            &b"aGk=\r\nbW9y"[..],
            b"aGk==",
            b"aGk=\r\n=",
            b"aGVsbG8=aGk=",
            b"aGk=x",
        ] {
            assert_eq!(part(bad), Err(Refusal::InvalidData), "{bad:?}");
        }
    }

    #[test]
    fn what_cannot_be_decoded_is_refused() {
        let unknown = b"Content-Transfer-Encoding: x-uuencode\r\n\r\nbegin\r\n";
        assert_eq!(section(unknown, &[1]), Err(Refusal::UnknownCte));
        let bad = b"Content-Transfer-Encoding: quoted-printable\r\n\r\nbad =ZZ\r\n";
        assert_eq!(section(bad, &[1]), Err(Refusal::InvalidData));
        // A NUL makes a literal8 even without decoding; the last encoding field wins.
        let nul = b"Content-Transfer-Encoding: 7bit\r\n\r\na\0b\r\n";
        assert!(section(nul, &[1]).unwrap().unwrap().literal8);
        let twice =
            b"Content-Transfer-Encoding: 7bit\r\nContent-Transfer-Encoding: BASE64\r\n\r\naGk=\r\n";
        assert_eq!(section(twice, &[1]).unwrap().unwrap().bytes, b"hi");
        // Every size fails with it, but that of a part that does not exist
        // (fetch-missing-parts.txt).
        assert_eq!(size(unknown, &[1]), Err(Refusal::UnknownCte));
        assert_eq!(size(unknown, &[2]), Ok(0));
        assert_eq!(size(unknown, &[1, 1]), Ok(0));
    }

    /// fetch-binary-cte.txt: a folded field is an unknown encoding to BINARY, and a
    /// multipart with no parts is decoded as a leaf.
    #[test]
    fn folded_encodings_and_empty_multiparts() {
        let folded = b"Content-Transfer-Encoding:\r\n base64\r\n\r\naGk=\r\n";
        assert_eq!(section(folded, &[1]), Err(Refusal::UnknownCte));
        let empty =
            b"Content-Type: multipart/mixed\r\nContent-Transfer-Encoding: base64\r\n\r\naGk=\r\n";
        let whole = section(empty, &[]).unwrap().unwrap();
        assert!(whole.literal8 && whole.bytes.ends_with(b"binary\r\n\r\nhi"));
    }
}
