//! PREVIEW (RFC 8970) and SNIPPET: the text Dovecot 2.3.19 shows for a message.
//!
//! Dovecot's recipe (index-mail.c, message-snippet.c, mail-html2text.c), checked on the
//! real server (tests/data/differential/preview.txt):
//!
//! - **Which part**: the message itself if it is text (or has no Content-Type); in a
//!   multipart/alternative, its text/plain child, else its text/html, else another
//!   text/*; in any other multipart, the first child where this finds something. A
//!   message/rfc822 part is never looked into. No such part: the preview is "".
//! - **Its text**: the transfer encoding undone (leniently: a broken `=XY` stays as it
//!   is), the charset converted to UTF-8, text/html turned into text ([`super::html2text`]: tags become a
//!   space, `<style>`, `<script>` and comments go, entities are decoded, a
//!   `<blockquote>` becomes lines that start with `>`). Only `text/` types are read.
//! - **The preview**: at most 200 characters; runs of whitespace become one space and
//!   leading ones go; NULs and byte order marks are skipped. Lines that start with `>`
//!   are quoted text: kept apart, and shown (after a `>`) only when there is nothing
//!   else, at most 199 characters of it.
//!
//! **Caching** decides what PREVIEW (LAZY) answers: Dovecot gives NIL for a preview
//! it would have to compute. A message's preview is cached once a FETCH without LAZY
//! made it, or when the message was saved (APPEND) into a mailbox where a PREVIEW had
//! been fetched before; a COPY or MOVE there keeps a cached preview but makes none.

use super::binary::{self, Cte};
use super::html2text;
use super::mime::{self, Kind, Part};
use super::reply::Reply;

/// The most characters a preview has (Dovecot's BODY_SNIPPET_MAX_CHARS; RFC 8970
/// §3.3 asks for 200 at most).
const MAX_CHARS: usize = 200;

/// The preview of a message, as Dovecot makes it.
pub(crate) fn preview(raw: &[u8]) -> String {
    let root = mime::parse(raw);
    match first_text_part(&root) {
        Some(part) => snippet(&part_text(part)),
        None => String::new(),
    }
}

/// What Dovecot accepts after PREVIEW or SNIPPET (imap-fetch.c): LAZY, FUZZY and
/// LAZY=FUZZY, in any case; `Some((lazy, fuzzy))`.
pub(crate) fn mode(modifier: &str) -> Option<(bool, bool)> {
    match modifier.to_ascii_uppercase().as_str() {
        "LAZY" => Some((true, false)),
        "FUZZY" => Some((false, true)),
        "LAZY=FUZZY" => Some((true, true)),
        _ => None,
    }
}

/// A message's preview during one FETCH: whether Dovecot has it cached, and the text
/// once made (a FETCH may ask for several PREVIEWs).
pub(crate) struct PreviewState {
    pub(crate) cached: bool,
    text: Option<String>,
}

impl PreviewState {
    pub(crate) fn new(cached: bool) -> Self {
        PreviewState { cached, text: None }
    }

    /// `PREVIEW "text"`, `PREVIEW (FUZZY "text")` or `SNIPPET (FUZZY "text")` (the
    /// draft's form, which names the algorithm). With LAZY, NIL unless the preview is
    /// cached (RFC 8970 §4.1); without, it is made, and cached from then on.
    pub(crate) fn push(
        &mut self,
        out: &mut Reply,
        snippet: bool,
        modifiers: &[String],
        raw: &[u8],
    ) {
        let (mut lazy, mut fuzzy) = (false, snippet);
        for (l, f) in modifiers.iter().filter_map(|m| mode(m)) {
            lazy |= l;
            fuzzy |= f;
        }
        let text = if lazy && !self.cached {
            None
        } else {
            self.cached = true;
            Some(self.text.get_or_insert_with(|| preview(raw)).as_bytes())
        };
        let mut value = Vec::new();
        mime::push_nstring(&mut value, text);
        let name = if snippet { "SNIPPET" } else { "PREVIEW" };
        if fuzzy {
            out.extend_from_slice(format!("{name} (FUZZY ").as_bytes());
            out.extend_from_slice(&value);
            out.push(b')');
        } else {
            out.extend_from_slice(format!("{name} ").as_bytes());
            out.extend_from_slice(&value);
        }
    }
}

/// True if the part has no Content-Type field: Dovecot then takes it as text, even in
/// a multipart/digest (where it is a message/rfc822 to BODYSTRUCTURE).
fn untyped(part: &Part<'_>) -> bool {
    mime::field(part.header, "Content-Type").is_none()
}

/// The part the preview is made of (index-mail.c `index_mail_find_first_text_mime_part`).
fn first_text_part<'p, 'a>(part: &'p Part<'a>) -> Option<&'p Part<'a>> {
    if untyped(part) || part.media_type.eq_ignore_ascii_case("text") {
        return Some(part);
    }
    let Kind::Multipart(children) = &part.kind else {
        return None;
    };
    if part.subtype.eq_ignore_ascii_case("alternative") {
        // text/plain, else text/html, else the last other text/*.
        let mut html = None;
        let mut text = None;
        for child in children {
            if untyped(child) || child.media_type.eq_ignore_ascii_case("text") {
                if untyped(child)
                    || child.subtype.is_empty()
                    || child.subtype.eq_ignore_ascii_case("plain")
                {
                    return Some(child);
                }
                if child.subtype.eq_ignore_ascii_case("html") {
                    html = Some(child);
                } else {
                    text = Some(child);
                }
            }
        }
        return html.or(text);
    }
    children.iter().find_map(first_text_part)
}

/// How the part's text is read, from its Content-Type (message-snippet.c).
#[derive(PartialEq)]
enum Reading {
    Plain,
    Html,
    /// Not a text/ type (such as `text` without a subtype): nothing is read.
    Nothing,
}

/// The part's text, decoded to UTF-8, and turned from HTML into text if it is HTML.
fn part_text(part: &Part<'_>) -> String {
    let reading = match mime::field(part.header, "Content-Type") {
        None => Reading::Plain,
        Some(_) => {
            let both = format!("{}/{}", part.media_type, part.subtype);
            if both.eq_ignore_ascii_case("text/html") {
                Reading::Html
            } else if part.media_type.eq_ignore_ascii_case("text") && !part.subtype.is_empty() {
                Reading::Plain
            } else {
                Reading::Nothing
            }
        }
    };
    if reading == Reading::Nothing {
        return String::new();
    }
    let body = decode_transfer(part.header, part.body);
    let charset = part
        .params
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case("charset"))
        .and_then(|(_, v)| std::str::from_utf8(v).ok());
    let text = super::charset::to_utf8(&body, charset);
    match reading {
        Reading::Html => html2text::html_to_text(text.as_bytes()),
        _ => text,
    }
}

/// The body with its Content-Transfer-Encoding undone, as Dovecot's message decoder
/// does it: leniently, keeping what it cannot decode. An encoding it does not know
/// (`x-uuencode`) gives no text at all (message-decoder.c skips the body).
fn decode_transfer(header: &[u8], body: &[u8]) -> Vec<u8> {
    match binary::encoding(header) {
        Ok(Cte::Plain) => body.to_vec(),
        Ok(Cte::QuotedPrintable) => quoted_printable(body),
        Ok(Cte::Base64) => base64(body),
        Err(_) => Vec::new(),
    }
}

/// Quoted-printable: `=XY` decoded, a soft line break joins lines, anything else
/// (a broken `=`) kept as it is.
fn quoted_printable(data: &[u8]) -> Vec<u8> {
    let hex = |b: u8| (b as char).to_digit(16);
    let mut out = Vec::with_capacity(data.len());
    let mut i = 0;
    while i < data.len() {
        if data[i] != b'=' {
            out.push(data[i]);
            i += 1;
            continue;
        }
        // A soft line break: `=`, blanks, then the end of the line.
        let mut j = i + 1;
        while j < data.len() && matches!(data[j], b' ' | b'\t') {
            j += 1;
        }
        if data[j..].starts_with(b"\r\n") {
            i = j + 2;
            continue;
        }
        if data[j..].starts_with(b"\n") || j == data.len() {
            i = j + 1;
            continue;
        }
        match (
            data.get(i + 1).and_then(|&b| hex(b)),
            data.get(i + 2).and_then(|&b| hex(b)),
        ) {
            (Some(h), Some(l)) => {
                out.push((h * 16 + l) as u8);
                i += 3;
            }
            _ => {
                out.push(b'=');
                i += 1;
            }
        }
    }
    out
}

/// Base64: what is not in the alphabet is skipped, `=` ends the data.
fn base64(data: &[u8]) -> Vec<u8> {
    let mut clean: Vec<u8> = data
        .iter()
        .copied()
        .take_while(|&b| b != b'=')
        .filter(|b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'/'))
        .collect();
    if clean.len() % 4 == 1 {
        clean.pop();
    }
    crate::grammar::extensions::sasl_ir::decode_base64_unpadded(&clean).unwrap_or_default()
}

// ---- the snippet (message-snippet.c)

/// Whitespace to C's isspace: also vertical tab and form feed.
fn space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | b'\r' | 0x0b | 0x0c)
}

/// What has been gathered of one kind of text, and how many characters may follow.
struct Gathered {
    text: String,
    left: usize,
}

/// The preview of a decoded text: unquoted text, else the quoted text after a `>`.
fn snippet(text: &str) -> String {
    let data = text.as_bytes();
    let mut main = Gathered {
        text: String::new(),
        left: MAX_CHARS,
    };
    let mut quoted = Gathered {
        text: String::new(),
        left: MAX_CHARS - 1,
    };
    let mut at_line_start = true;
    let mut in_quote = false;
    // Shared by both kinds of text, as in Dovecot.
    let mut add_space = false;
    let mut i = 0;
    while i < data.len() {
        if at_line_start {
            at_line_start = false;
            in_quote = data[i] == b'>';
            if in_quote {
                i += 1;
                if i == data.len() {
                    break;
                }
            }
        }
        let target = if in_quote { &mut quoted } else { &mut main };
        let rest = &data[i..];
        let mut count = 1;
        if rest.starts_with(&[0xEF, 0xBB, 0xBF]) {
            count = 3;
        } else if rest[0] == 0 {
        } else if space(rest[0]) {
            if !target.text.is_empty() {
                add_space = true;
            }
            at_line_start = rest[0] == b'\n';
        } else if target.left > 0 {
            target.left -= 1;
            if add_space {
                if target.left == 0 {
                    break;
                }
                target.text.push(' ');
                add_space = false;
                target.left -= 1;
            }
            count = utf8_len(rest[0]).min(rest.len());
            target.text.push_str(&text[i..i + count]);
        }
        if main.left == 0 {
            break;
        }
        i += count;
    }
    // Leading whitespace goes, as C's isspace sees it (a no-break space stays).
    let trim = |s: &str| {
        s.trim_start_matches(|c: char| c.is_ascii() && space(c as u8))
            .to_owned()
    };
    if !main.text.is_empty() {
        trim(&main.text)
    } else if !quoted.text.is_empty() {
        format!(">{}", trim(&quoted.text))
    } else {
        String::new()
    }
}

/// The length of the UTF-8 sequence that starts with `b`.
fn utf8_len(b: u8) -> usize {
    match b {
        0xF0.. => 4,
        0xE0.. => 3,
        0xC0.. => 2,
        _ => 1,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn of(raw: &str) -> String {
        preview(raw.replace('\n', "\r\n").as_bytes())
    }

    #[test]
    fn whitespace_collapses_and_quotes_go_apart() {
        assert_eq!(of("Subject: x\n\n   A b  c\n\td\n"), "A b c d");
        assert_eq!(of("Subject: x\n\n> quoted line\nreal text\n"), "real text");
        assert_eq!(
            of("Subject: x\n\n> only quoted\n>> twice\n"),
            ">only quoted > twice"
        );
        assert_eq!(
            of("Subject: x\n\n> q\nnormal text\n> again\nend\n"),
            "normal text end"
        );
    }

    #[test]
    fn at_most_two_hundred_characters_and_no_trailing_space() {
        let long = format!("Subject: x\n\n{} yz\n", "x".repeat(199));
        assert_eq!(of(&long), "x".repeat(199));
        let exact = format!("Subject: x\n\n{} more\n", "y".repeat(200));
        assert_eq!(of(&exact), "y".repeat(200));
        let quoted = format!("Subject: x\n\n> {}\n", "q".repeat(250));
        assert_eq!(of(&quoted), format!(">{}", "q".repeat(199)));
    }

    #[test]
    fn the_first_text_part_decoded() {
        let alt = "Subject: x\nContent-Type: multipart/alternative; boundary=A\n\n--A\nContent-Type: text/html\n\n<b>html</b>\n--A\nContent-Type: text/plain\n\nplain\n--A--\n";
        assert_eq!(of(alt), "plain");
        let qp = "Subject: x\nContent-Type: text/plain; charset=iso-8859-1\nContent-Transfer-Encoding: quoted-printable\n\nna=EFve caf=E9 a=ZZb\n";
        assert_eq!(of(qp), "naïve café a=ZZb");
        let attached = "Subject: x\nContent-Type: multipart/mixed; boundary=M\n\n--M\nContent-Type: message/rfc822\n\nSubject: inner\n\ninner\n--M\nContent-Type: text/plain\n\nouter\n--M--\n";
        assert_eq!(of(attached), "outer");
        assert_eq!(of("Subject: x\nContent-Type: image/png\n\nxx\n"), "");
        assert_eq!(of("Subject: x\nContent-Type: text\n\nno subtype\n"), "");
        assert_eq!(
            of("Subject: x\nContent-Transfer-Encoding: x-uuencode\n\nraw\n"),
            ""
        );
    }

    #[test]
    fn html_becomes_text() {
        let html = "Subject: x\nContent-Type: text/html\n\n<html><head><style>p {color: red}</style><title>T</title></head><body><p>Hello &amp; welcome&nbsp;here</p><br>Line&#33; &lt;x&gt;</body></html>\n";
        assert_eq!(of(html), "T Hello & welcome\u{a0}here Line! <x>");
        let entities = "Subject: x\nContent-Type: text/html\n\n&AMP; &#x41; &#X41; &foo; &amp x &#65; &eacute; &Eacute;! &apos;\n";
        assert_eq!(of(entities), "A amp x A é É! '");
        let quote = "Subject: x\nContent-Type: text/html\n\n<blockquote>q</blockquote>rest\n";
        assert_eq!(of(quote), "rest");
        let only = "Subject: x\nContent-Type: text/html\n\n<blockquote>only q</blockquote>\n";
        assert_eq!(of(only), ">only q");
        let odd = "Subject: x\nContent-Type: text/html\n\n<script>x</script><!-- a -- b --><a title=\"x>y\">link</a><![CDATA[raw <b>]]>z\n";
        assert_eq!(of(odd), "link raw <b>z");
    }
}
