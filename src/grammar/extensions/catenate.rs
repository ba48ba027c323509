//! APPEND's extensions: MULTIAPPEND (RFC 3502, several messages in one APPEND),
//! CATENATE (RFC 4469, a message made of TEXT literals and URLs of messages or parts
//! already on the server) and URL-PARTIAL (RFC 5550 §5, a byte range of a part).
//!
//! ```text
//! append         = "APPEND" SP mailbox 1*append-message        ; RFC 3502 §6.1
//! append-message = append-opts SP append-data                   ; RFC 4469 §5
//! append-opts    = [SP flag-list] [SP date-time] *(SP append-ext)
//! append-data    = literal / literal8 / "CATENATE" SP "(" cat-part *(SP cat-part) ")"
//! cat-part       = text-literal / url
//! text-literal   = "TEXT" SP literal
//! url            = "URL" SP astring
//! ```
//!
//! The URL is kept as text: which forms a server takes is the server's business
//! (Dovecot takes only relative ones, RFC 4469 §3), and [`ImapUrl::parse`] reads the
//! relative form the mock resolves.

use nom::Parser;
use serde::Serialize;

use crate::grammar::args::{arg, clarify, label, list, starts_with_word};
use crate::grammar::command::parsers::flag_list;
use crate::grammar::core::{astring, date_time, literal, Flag, ImapString};
use crate::grammar::error::{fail, PResult};

/// One message of an APPEND (RFC 3502 §6.1 `append-message`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AppendMessage {
    pub flags: Vec<Flag>,
    pub date: Option<String>,
    pub data: AppendData,
}

/// `append-data` (RFC 4469 §5): the message's bytes, or the pieces to join.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub enum AppendData {
    Literal(ImapString),
    Catenate(Vec<CatPart>),
}

/// Whether the quoted string whose body starts `body` (after its opening quote) is
/// followed by a literal: ` {`, or ` ~{` for a binary one (RFC 3516).
fn quoted_before_literal(body: &[u8]) -> bool {
    body.iter().position(|&b| b == b'"').is_some_and(|end| {
        let after = &body[end + 1..];
        after.starts_with(b" {") || after.starts_with(b" ~{")
    })
}

/// `cat-part = text-literal / url` (RFC 4469 §5).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub enum CatPart {
    Text(ImapString),
    Url(ImapString),
}

impl AppendMessage {
    /// The literals of this message, in the order they come on the wire.
    pub fn literals(&self) -> Vec<&ImapString> {
        match &self.data {
            AppendData::Literal(s) => vec![s],
            AppendData::Catenate(parts) => parts
                .iter()
                .filter_map(|p| match p {
                    CatPart::Text(s) => Some(s),
                    CatPart::Url(_) => None,
                })
                .collect(),
        }
    }
}

/// `1*append-message` after the mailbox (RFC 3502 §6.1): one message, then more while
/// what follows a space can start one.
pub(crate) fn append_messages(input: &[u8]) -> PResult<'_, Vec<AppendMessage>> {
    let (mut rest, first) = append_message(input)?;
    let mut out = vec![first];
    while rest.len() > 1 && rest[0] == b' ' && starts_message(&rest[1..]) {
        let (r, m) = append_message(rest)?;
        out.push(m);
        rest = r;
    }
    Ok((rest, out))
}

/// True if `input` can start an `append-message`'s options or data.
fn starts_message(input: &[u8]) -> bool {
    matches!(input.first(), Some(b'(' | b'"' | b'{' | b'~')) || starts_with_word(input, "CATENATE")
}

/// `append-message = append-opts SP append-data`, the leading SP included.
fn append_message(input: &[u8]) -> PResult<'_, AppendMessage> {
    let (rest, flags) = if input.starts_with(b" (") {
        flag_list(&input[1..])?
    } else {
        (input, Vec::new())
    };
    // A quoted string here can only be the date-time; a quoted message is an error the
    // literal's label explains better, so commit only to something that starts like a
    // date, or that a literal follows (`"bad-date" {206}` is a date gone wrong, and
    // "expected the message" would hide that).
    let (rest, date) = if rest.starts_with(b" \"")
        && (rest
            .get(2)
            .is_some_and(|b| *b == b' ' || b.is_ascii_digit())
            || quoted_before_literal(&rest[2..]))
    {
        let (rest, date) = clarify(label::DATE_TIME, date_time)(&rest[1..])?;
        (rest, Some(date))
    } else {
        (rest, None)
    };
    let (rest, data) = if rest.len() > 1 && starts_with_word(&rest[1..], "CATENATE") {
        let rest = &rest[1 + "CATENATE".len()..];
        let (rest, parts) = arg(label::CAT_PARTS, list(1, label::CAT_PART, cat_part))(rest)?;
        (rest, AppendData::Catenate(parts))
    } else {
        let (rest, message) = arg(label::MESSAGE, literal)(rest)?;
        (rest, AppendData::Literal(message))
    };
    Ok((rest, AppendMessage { flags, date, data }))
}

/// `cat-part = text-literal / url` (RFC 4469 §5).
fn cat_part(input: &[u8]) -> PResult<'_, CatPart> {
    if starts_with_word(input, "TEXT") {
        let (rest, text) = arg(label::MESSAGE, literal)(&input[4..])?;
        return Ok((rest, CatPart::Text(text)));
    }
    if starts_with_word(input, "URL") {
        let (rest, url) = arg(label::URL, astring).parse(&input[3..])?;
        return Ok((rest, CatPart::Url(url)));
    }
    fail(input, label::CAT_PART)
}

/// A relative IMAP URL to a message or a part of one (RFC 5092 §7 `imessagepart`,
/// RFC 5550 §5 `partial-range`): `/mailbox[;UIDVALIDITY=n]/;UID=n[/;SECTION=s][/;PARTIAL=a[.b]]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ImapUrl {
    pub mailbox: String,
    pub uidvalidity: Option<u32>,
    /// None when the URL names no message (`/INBOX`).
    pub uid: Option<u32>,
    pub section: Option<String>,
    /// `(offset, length)`; no length: to the end.
    pub partial: Option<(u64, Option<u64>)>,
}

/// Why a URL is refused, in Dovecot's words (its `imap_url_parse` errors).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum UrlError {
    /// `imap://host/...`: Dovecot resolves only URLs relative to the session.
    NotRelative,
    NotNumber(String),
    EmptySection,
    ZeroPartial,
    UnknownParameter(String),
}

impl std::fmt::Display for UrlError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            UrlError::NotRelative => write!(f, "Relative URL required"),
            UrlError::NotNumber(v) => write!(f, "Value '{v}' is not a valid IMAP number"),
            UrlError::EmptySection => write!(f, "Empty SECTION value"),
            UrlError::ZeroPartial => write!(f, "PARTIAL size cannot be zero"),
            UrlError::UnknownParameter(p) => write!(f, "Unrecognized IMAP URL extension: {p}"),
        }
    }
}

impl ImapUrl {
    /// Reads a relative URL. `%XX` escapes are undone in the mailbox and section.
    pub(crate) fn parse(url: &str) -> Result<ImapUrl, UrlError> {
        if url.contains("://") {
            return Err(UrlError::NotRelative);
        }
        let path = url.strip_prefix('/').unwrap_or(url);
        let mut pieces = path.split("/;");
        let head = pieces.next().unwrap_or("");
        let (mailbox, validity) = match head.split_once(';') {
            Some((mb, param)) => match param.split_once('=') {
                Some((k, v)) if k.eq_ignore_ascii_case("UIDVALIDITY") => (mb, Some(number(v)?)),
                _ => return Err(UrlError::UnknownParameter(format!(";{param}"))),
            },
            None => (head, None),
        };
        let mut out = ImapUrl {
            mailbox: unescape(mailbox),
            uidvalidity: validity,
            uid: None,
            section: None,
            partial: None,
        };
        for piece in pieces {
            let (key, value) = piece.split_once('=').unwrap_or((piece, ""));
            match key.to_ascii_uppercase().as_str() {
                "UID" if out.uid.is_none() => {
                    // `;UID=1;PARTIAL=0.2`: a parameter not after its `/`.
                    if let Some((n, extra)) = value.split_once(';') {
                        number(n)?;
                        return Err(UrlError::UnknownParameter(format!(";{extra}")));
                    }
                    out.uid = Some(number(value)?);
                }
                "SECTION" if out.uid.is_some() && value.is_empty() => {
                    return Err(UrlError::EmptySection)
                }
                "SECTION" if out.uid.is_some() => out.section = Some(unescape(value)),
                "PARTIAL" if out.uid.is_some() => out.partial = Some(partial(value)?),
                _ => return Err(UrlError::UnknownParameter(format!("/;{piece}"))),
            }
        }
        Ok(out)
    }
}

/// `nz-number` as Dovecot reads it in a URL.
fn number(v: &str) -> Result<u32, UrlError> {
    v.parse::<u32>()
        .ok()
        .filter(|_| v.bytes().all(|b| b.is_ascii_digit()))
        .ok_or_else(|| UrlError::NotNumber(v.to_owned()))
}

/// `partial-range = number ["." nz-number]` (RFC 5092 §11).
fn partial(v: &str) -> Result<(u64, Option<u64>), UrlError> {
    let big = |s: &str| {
        s.parse::<u64>()
            .ok()
            .filter(|_| s.bytes().all(|b| b.is_ascii_digit()))
            .ok_or_else(|| UrlError::NotNumber(s.to_owned()))
    };
    match v.split_once('.') {
        Some((_, "0")) => Err(UrlError::ZeroPartial),
        Some((a, b)) => Ok((big(a)?, Some(big(b)?))),
        None => Ok((big(v)?, None)),
    }
}

/// Undoes `%XX` escapes (RFC 3986 §2.1); a malformed escape is kept as it is.
fn unescape(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        let hex = b.get(i + 1..i + 3).and_then(|h| {
            std::str::from_utf8(h)
                .ok()
                .and_then(|h| u8::from_str_radix(h, 16).ok())
        });
        match (b[i], hex) {
            (b'%', Some(v)) => {
                out.push(v);
                i += 3;
            }
            (c, _) => {
                out.push(c);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_read_as_dovecot_reads_them() {
        let u = ImapUrl::parse("/INBOX;UIDVALIDITY=7/;UID=3/;SECTION=1.MIME/;PARTIAL=2.5").unwrap();
        assert_eq!(u.mailbox, "INBOX");
        assert_eq!(u.uidvalidity, Some(7));
        assert_eq!(u.uid, Some(3));
        assert_eq!(u.section.as_deref(), Some("1.MIME"));
        assert_eq!(u.partial, Some((2, Some(5))));
        let u = ImapUrl::parse("INBOX/;UID=1/;SECTION=HEADER.FIELDS%20(FROM)").unwrap();
        assert_eq!(u.section.as_deref(), Some("HEADER.FIELDS (FROM)"));
        assert_eq!(ImapUrl::parse("/INBOX").unwrap().uid, None);
        assert_eq!(
            ImapUrl::parse("imap://a@b/INBOX/;UID=1"),
            Err(UrlError::NotRelative)
        );
        assert_eq!(
            ImapUrl::parse("/INBOX/;UID=abc"),
            Err(UrlError::NotNumber("abc".into()))
        );
        assert_eq!(
            ImapUrl::parse("/INBOX/;UID=1;PARTIAL=0.2"),
            Err(UrlError::UnknownParameter(";PARTIAL=0.2".into()))
        );
        assert_eq!(
            ImapUrl::parse("/INBOX/;UID=1/;PARTIAL=0.0"),
            Err(UrlError::ZeroPartial)
        );
        assert_eq!(
            ImapUrl::parse("/INBOX/;UID=1/;SECTION="),
            Err(UrlError::EmptySection)
        );
    }
}
