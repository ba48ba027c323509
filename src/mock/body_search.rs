//! What SEARCH BODY and TEXT look in (RFC 9051 §6.4.4), as Dovecot's message search
//! reads a message: part by part, never across two.
//!
//! - BODY looks in the body of every text part (`text/*`, `message/*` that is not an
//!   encapsulated message, or a part without Content-Type), its transfer encoding undone
//!   and its charset converted to UTF-8. Other parts (images, PDFs, octet streams), the
//!   preamble and epilogue of multiparts, and parts in an encoding it does not know are
//!   not searched. HTML is searched as written, tags and all.
//! - TEXT looks there too, and in every header field of the message and of its parts,
//!   one field at a time, as `Name: value` with the value's encoded-words decoded.
//!
//! Checked against Dovecot 2.3.19 (tests/data/differential/search-keys.txt).

use super::binary::decoded_body;
use super::casemap::casemap;
use super::charset::to_utf8;
use super::mime::{self, Kind, Part};
use super::rfc2047;

/// True if a text part's body holds `needle` (already case-mapped).
pub(crate) fn body_contains(raw: &[u8], needle: &str) -> bool {
    any_part(&mime::parse(raw), &mut |part| {
        body_text(part).is_some_and(|text| casemap(&text).contains(needle))
    })
}

/// True if a header field or a text part's body holds `needle` (already case-mapped).
pub(crate) fn text_contains(raw: &[u8], needle: &str) -> bool {
    any_part(&mime::parse(raw), &mut |part| {
        let in_header = mime::fields(part.header).iter().any(|f| {
            let mut line = f.name.to_vec();
            line.extend_from_slice(b": ");
            line.extend_from_slice(rfc2047::decode(&f.dovecot_value()).as_bytes());
            casemap(&line).contains(needle)
        });
        in_header || body_text(part).is_some_and(|text| casemap(&text).contains(needle))
    })
}

/// Calls `f` on the message and each part inside it, depth first, until one says yes.
fn any_part(part: &Part<'_>, f: &mut impl FnMut(&Part<'_>) -> bool) -> bool {
    if f(part) {
        return true;
    }
    match &part.kind {
        Kind::Leaf => false,
        Kind::Multipart(children) => children.iter().any(|c| any_part(c, f)),
        Kind::Message(inner) => any_part(inner, f),
    }
}

/// A leaf text part's body as UTF-8, or `None` if BODY does not look in it.
fn body_text(part: &Part<'_>) -> Option<Vec<u8>> {
    let text = part.media_type.eq_ignore_ascii_case("text")
        || part.media_type.eq_ignore_ascii_case("message");
    if !matches!(part.kind, Kind::Leaf) || !text {
        return None;
    }
    let bytes = decoded_body(part.header, part.body)?;
    let charset = part
        .params
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case("charset"))
        .and_then(|(_, v)| std::str::from_utf8(v).ok());
    Some(to_utf8(&bytes, charset).into_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    const MIXED: &[u8] = b"Subject: =?UTF-8?Q?J=C3=BCrgen?=\r\nContent-Type: multipart/mixed; boundary=B\r\n\r\npreamble\r\n--B\r\nContent-Type: text/plain; charset=iso-8859-1\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\ncaf=E9\r\n--B\r\nContent-Type: application/octet-stream\r\n\r\nsecret\r\n--B--\r\n";

    fn body(needle: &str) -> bool {
        body_contains(MIXED, &casemap(needle.as_bytes()))
    }

    fn text(needle: &str) -> bool {
        text_contains(MIXED, &casemap(needle.as_bytes()))
    }

    #[test]
    fn body_looks_in_decoded_text_parts_only() {
        assert!(body("CAFÉ"));
        assert!(!body("caf=E9"));
        assert!(!body("secret"));
        assert!(!body("preamble"));
        assert!(!body("Content-Type"));
    }

    #[test]
    fn text_adds_every_header_decoded() {
        assert!(text("subject: jürgen"));
        assert!(!text("=?UTF-8?Q?"));
        assert!(text("Content-Type: application/octet"));
        assert!(text("café"));
        assert!(!text("secret"));
    }
}
