//! MIME for the mock: splitting a message into parts, and writing ENVELOPE,
//! BODY/BODYSTRUCTURE and body sections exactly as Dovecot writes them.
//!
//! Why our own instead of a mail-parser crate: what matters here is Dovecot's exact
//! output (`("text" "plain" ("charset" "us-ascii") NIL NIL "7bit" 44 1 NIL NIL NIL NIL)`,
//! which defaults it fills in, which strings it quotes), and the byte ranges of each
//! part, which a parser built for reading mail does not expose. The parser is small
//! and never fails: any byte string is some message, perhaps with an empty body.
//! `mail-parser` 1.x also needs a newer compiler than this project's.
//!
//! Checked against Dovecot 2.3.19 (tests/data/dovecot/battery.txt, session 16) for
//! simple messages; multipart and message/rfc822 follow RFC 9051 §7.5.2 and Dovecot's
//! imap-bodystructure.c as far as the captures do not cover them.

use crate::wire::through_lf;
use std::borrow::Cow;

/// How deep multiparts may nest before we stop looking inside (a hostile APPEND could
/// otherwise nest until the stack runs out).
const MAX_DEPTH: usize = 20;

/// The longest boundary whose closing delimiter Dovecot 2.3.19 recognizes (RFC 2046
/// §5.1.1 allows 70 bytes; fetch-long-boundaries.txt shows where Dovecot stops).
const MAX_BOUNDARY: usize = 80;

use super::address;
use super::rfc822::{self, Cursor, Step};

/// One header field: its name and its lines exactly as written (folding included).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Field<'a> {
    pub(crate) name: &'a [u8],
    /// The whole field, `Name: value` through the CRLF of its last line.
    pub(crate) whole: &'a [u8],
    /// After the colon, through the end of the last line.
    pub(crate) value: &'a [u8],
}

impl Field<'_> {
    /// The value as Dovecot hands it on: the blanks after the colon skipped, the line
    /// ends removed (so a fold leaves its whitespace, and a bare CR stays), trailing
    /// blanks kept. When the
    /// first line holds nothing but blanks, only the first of them is skipped
    /// (message-header-parser.c): `Subject:  ` is one space.
    pub(crate) fn dovecot_value(&self) -> Vec<u8> {
        let first = &self.value[..self
            .value
            .iter()
            .position(|&b| b == b'\n')
            .unwrap_or(self.value.len())];
        let first = first.strip_suffix(b"\r").unwrap_or(first);
        let blanks = first
            .iter()
            .take_while(|&&b| b == b' ' || b == b'\t')
            .count();
        let start = if blanks < first.len() {
            blanks
        } else {
            blanks.min(1)
        };
        unfold(&self.value[start..])
    }

    /// The value unfolded, as bytes (8-bit text kept as is).
    pub(crate) fn bytes(&self) -> Vec<u8> {
        let v = unfold(self.value);
        let start = v
            .iter()
            .position(|b| !b.is_ascii_whitespace())
            .unwrap_or(v.len());
        let end = v
            .iter()
            .rposition(|b| !b.is_ascii_whitespace())
            .map_or(start, |e| e + 1);
        v[start..end.max(start)].to_vec()
    }
}

/// A header value without its line ends (LF or CRLF), as Dovecot joins the lines of a
/// folded field: a CR that ends no line stays.
fn unfold(value: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(value.len());
    for (i, &b) in value.iter().enumerate() {
        let line_end = b == b'\n' || (b == b'\r' && value.get(i + 1) == Some(&b'\n'));
        if !line_end {
            out.push(b);
        }
    }
    out
}

/// A header value as Dovecot writes it in ENVELOPE and BODYSTRUCTURE: CRs that end no
/// line go away before a blank or the end, and are a space elsewhere (checked in the
/// lab, fetch-header-cr.txt).
pub(crate) fn without_bare_cr(value: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(value.len());
    for (i, &b) in value.iter().enumerate() {
        let next = value[i..].iter().find(|&&c| c != b'\r');
        match b {
            b'\r' if matches!(next, None | Some(b' ' | b'\t')) => {}
            b'\r' | b'\n' => out.push(b' '),
            _ => out.push(b),
        }
    }
    out
}

/// Splits a message (or a MIME part) into its header, blank line included, and body.
pub(crate) fn split(raw: &[u8]) -> (&[u8], &[u8]) {
    if raw.starts_with(b"\r\n") {
        return raw.split_at(2);
    }
    if raw.starts_with(b"\n") {
        return raw.split_at(1);
    }
    let mut i = 0;
    while let Some(off) = raw[i..].iter().position(|&b| b == b'\n') {
        let lf = i + off;
        let next = &raw[lf + 1..];
        if next.starts_with(b"\r\n") {
            return raw.split_at(lf + 3);
        }
        if next.starts_with(b"\n") {
            return raw.split_at(lf + 2);
        }
        i = lf + 1;
    }
    (raw, &raw[raw.len()..])
}

/// The fields of a header, in order.
pub(crate) fn fields(header: &[u8]) -> Vec<Field<'_>> {
    field_iter(header).collect()
}

/// The fields of a header, in order, read as they are asked for: no line table, so
/// a reader that wants a few fields (SORT's keys, `field`) allocates nothing. Stops
/// at the empty line, so `raw` may be the whole message.
pub(crate) fn field_iter(header: &[u8]) -> impl Iterator<Item = Field<'_>> {
    let mut start = 0;
    std::iter::from_fn(move || loop {
        if start >= header.len() {
            return None;
        }
        let s = start;
        let mut e = s + through_lf(&header[s..]);
        let line = &header[s..e];
        if line == b"\r\n" || line == b"\n" {
            start = header.len();
            return None;
        }
        // Folded lines: those that start with a blank belong to this field.
        while e < header.len() && matches!(header[e], b' ' | b'\t') {
            e += through_lf(&header[e..]);
        }
        start = e;
        let whole = &header[s..e];
        if let Some(colon) = whole.iter().position(|&b| b == b':') {
            let name = trim_end(&whole[..colon]);
            if !name.is_empty() {
                return Some(Field {
                    name,
                    whole,
                    value: &whole[colon + 1..],
                });
            }
        }
    })
}

fn trim_end(b: &[u8]) -> &[u8] {
    let end = b
        .iter()
        .rposition(|c| !c.is_ascii_whitespace())
        .map_or(0, |e| e + 1);
    &b[..end]
}

/// The first field called `name` (case-insensitive).
pub(crate) fn field<'a>(header: &'a [u8], name: &str) -> Option<Field<'a>> {
    field_iter(header).find(|f| f.name.eq_ignore_ascii_case(name.as_bytes()))
}

/// How many lines a body has, as BODYSTRUCTURE counts them (line feeds).
pub(crate) fn line_count(body: &[u8]) -> usize {
    body.iter().filter(|&&b| b == b'\n').count()
}

// ---------------------------------------------------------------------------------
// Writing IMAP strings

/// Appends `s` as an IMAP string, as Dovecot's `imap_append_string` does: quoted
/// when it can be; a literal for CR, LF, NUL or 8-bit bytes, and from the fifth quote
/// or backslash on (escaping them all would cost more than a literal's `{n}`).
pub(crate) fn push_string(out: &mut Vec<u8>, s: &[u8]) {
    let specials = s.iter().filter(|&&b| b == b'"' || b == b'\\').count();
    if specials > 4
        || s.iter()
            .any(|&b| b == b'\r' || b == b'\n' || b == 0 || b >= 0x80)
    {
        out.extend_from_slice(format!("{{{}}}\r\n", s.len()).as_bytes());
        out.extend_from_slice(s);
        return;
    }
    out.push(b'"');
    for &b in s {
        if b == b'"' || b == b'\\' {
            out.push(b'\\');
        }
        out.push(b);
    }
    out.push(b'"');
}

/// `nstring`: the string, or NIL.
pub(crate) fn push_nstring(out: &mut Vec<u8>, s: Option<&[u8]>) {
    match s {
        Some(s) => push_string(out, s),
        None => out.extend_from_slice(b"NIL"),
    }
}

/// An astring for a mailbox name in LIST/STATUS: an atom when every byte allows it.
pub(crate) fn push_astring(out: &mut Vec<u8>, s: &[u8]) {
    let atom = !s.is_empty()
        && s.iter().all(|&b| crate::grammar::core::is_astring_char(b))
        && !s.eq_ignore_ascii_case(b"NIL");
    if atom {
        out.extend_from_slice(s);
    } else {
        push_string(out, s);
    }
}

/// ENVELOPE (RFC 9051 §7.5.2) of a message, as Dovecot writes it ([`address`]).
pub(crate) fn envelope(raw: &[u8]) -> Vec<u8> {
    address::envelope(split(raw).0)
}

// ---------------------------------------------------------------------------------
// MIME structure

/// What a part holds.
#[derive(Debug)]
pub(crate) enum Kind<'a> {
    Leaf,
    Multipart(Vec<Part<'a>>),
    /// `message/rfc822`: the encapsulated message.
    Message(Box<Part<'a>>),
}

/// A message or a MIME part: its header, its body and its structure.
#[derive(Debug)]
pub(crate) struct Part<'a> {
    pub(crate) header: &'a [u8],
    pub(crate) body: &'a [u8],
    pub(crate) media_type: String,
    pub(crate) subtype: String,
    pub(crate) params: Vec<Param>,
    pub(crate) kind: Kind<'a>,
    /// False for a message header without MIME-Version or Content-Type (see
    /// [`Part::content_field`]).
    pub(crate) mime: bool,
}

/// A media type, subtype and parameters.
type ContentType = (String, String, Vec<Param>);

/// A parameter: its name, and its value as bytes (8-bit values go back as they came).
type Param = (String, Vec<u8>);

/// A Content-Type value → (type, subtype, params), as Dovecot 2.3.19 reads it: a type
/// alone (`text`) is kept with an empty subtype; anything else that is not
/// `type/subtype`, or has more than CFWS before its first `;` (`text/plain junk`,
/// `text/`, `/plain`, `text;charset=x`), is type and subtype `""` with no parameter,
/// which is neither text nor multipart.
fn content_type(value: &[u8]) -> ContentType {
    let broken = || (String::new(), String::new(), Vec::new());
    let text = |b: &[u8]| String::from_utf8_lossy(b).into_owned();
    let mut cursor = Cursor::new(value);
    if cursor.skip_lwsp() != Step::More {
        return broken();
    }
    let mut main = Vec::new();
    let step = cursor.mime_token(&mut main);
    if main.is_empty() {
        return broken();
    }
    if step != Step::More {
        return (text(&main), String::new(), Vec::new());
    }
    if !cursor.at(b'/') {
        return broken();
    }
    cursor.bump();
    if cursor.skip_lwsp() != Step::More {
        return broken();
    }
    let mut sub = Vec::new();
    let step = cursor.mime_token(&mut sub);
    let params = match step {
        _ if sub.is_empty() => return broken(),
        Step::End => Vec::new(),
        Step::More if cursor.at(b';') => rfc822::params(&mut cursor),
        _ => return broken(),
    };
    (text(&main), text(&sub), params)
}

/// A Content-Disposition value → (disposition, params); the disposition may be empty.
fn disposition(value: &[u8]) -> Option<(String, Vec<Param>)> {
    let mut cursor = Cursor::new(value);
    let _ = cursor.skip_lwsp();
    let mut kind = Vec::new();
    if !cursor.mime_token(&mut kind).ok() {
        return None;
    }
    let params = rfc822::params(&mut cursor);
    Some((String::from_utf8_lossy(&kind).into_owned(), params))
}

/// A Content-Language value → its language tags (atoms separated by commas).
fn languages(value: &[u8]) -> Vec<Vec<u8>> {
    let mut cursor = Cursor::new(value);
    let _ = cursor.skip_lwsp();
    let mut langs = Vec::new();
    loop {
        let mut lang = Vec::new();
        if !cursor.atom(&mut lang).ok() {
            break;
        }
        langs.push(lang);
        if !cursor.at(b',') {
            break;
        }
        cursor.bump();
        let _ = cursor.skip_lwsp();
    }
    langs
}

/// Parses a message or part. `digest` is true inside multipart/digest, where the
/// default type is message/rfc822 (RFC 2046 §5.1.5).
pub(crate) fn parse(raw: &[u8]) -> Part<'_> {
    parse_at(raw, false, false, 0)
}

/// `child`: a part of a multipart, whose header is MIME whatever it holds; `digest`: a
/// part of a multipart/digest.
fn parse_at(raw: &[u8], child: bool, digest: bool, depth: usize) -> Part<'_> {
    let (header, body) = split(raw);
    let mime =
        child || field(header, "MIME-Version").is_some() || field(header, "Content-Type").is_some();
    let (media_type, subtype, params) = match field(header, "Content-Type") {
        Some(f) => content_type(&f.bytes()),
        None if digest => ("message".into(), "rfc822".into(), Vec::new()),
        None => ("text".into(), "plain".into(), Vec::new()),
    };
    let kind = if depth >= MAX_DEPTH {
        Kind::Leaf
    } else if media_type.eq_ignore_ascii_case("multipart") {
        // Without a boundary Dovecot still calls it a multipart, with no parts.
        let boundary = params
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case("boundary"));
        let digest = subtype.eq_ignore_ascii_case("digest");
        Kind::Multipart(match boundary {
            Some((_, boundary)) => split_multipart(body, boundary)
                .into_iter()
                .map(|(content, with_crlf)| {
                    // A nested multipart's closing line keeps its CRLF: Dovecot reads
                    // the line whole, so no CRLF is left for the delimiter after it.
                    let child = parse_at(content, true, digest, depth + 1);
                    let more = with_crlf.len() > content.len();
                    if more && ends_on_boundary(&child) {
                        parse_at(with_crlf, true, digest, depth + 1)
                    } else if more && message_header_open(&child) {
                        // Dovecot's header parser takes that CRLF as the end of the
                        // encapsulated message's last header line: the message/rfc822
                        // part holds it, the message's header does not.
                        Part {
                            body: split(with_crlf).1,
                            ..child
                        }
                    } else {
                        child
                    }
                })
                .collect(),
            None => Vec::new(),
        })
    } else if media_type.eq_ignore_ascii_case("message") && subtype.eq_ignore_ascii_case("rfc822") {
        Kind::Message(Box::new(parse_at(body, false, false, depth + 1)))
    } else {
        Kind::Leaf
    };
    Part {
        header,
        body,
        media_type,
        subtype,
        params,
        kind,
        mime,
    }
}

/// The bodies between `--boundary` lines (RFC 2046 §5.1.1), each without and with the
/// CRLF before the next delimiter (which normally belongs to the delimiter).
///
/// A line that starts with our delimiter may belong to a multipart inside ours
/// (boundaries `a` and `ab`, or `B--` and `B`): Dovecot's message-parser.c keeps the
/// boundaries of every multipart still open, and a line is the delimiter of the one
/// it names exactly (innermost first), else of the longest that it starts with. So
/// the multiparts inside ours are followed as their delimiters go by ([`nested`]).
fn split_multipart<'a>(body: &'a [u8], boundary: &[u8]) -> Vec<(&'a [u8], &'a [u8])> {
    let mut parts = Vec::new();
    let mut starts = Vec::new(); // (line start, line end incl LF, is close)
                                 // Boundaries of the multiparts open inside ours, outermost first.
    let mut open: Vec<Vec<u8>> = Vec::new();
    let mut pos = 0;
    while pos <= body.len() {
        let end = pos + through_lf(&body[pos..]);
        let line = &body[pos..end];
        if let Some(text) = line.strip_prefix(b"--") {
            let text = text.strip_suffix(b"\n").unwrap_or(text);
            let text = text.strip_suffix(b"\r").unwrap_or(text);
            let candidates = open.iter().map(Vec::as_slice).rev().chain([boundary]);
            if let Some((depth, len)) = boundary_of(text, candidates) {
                // Dovecot sees the closing `--` of a boundary of at most 80 bytes only
                // (message-parser.c reads that much of a delimiter line): past that a
                // closing line opens one more, empty, part.
                let close = text[len..].starts_with(b"--") && len <= MAX_BOUNDARY;
                if depth == open.len() {
                    starts.push((pos, end, close));
                    if close {
                        break;
                    }
                }
                // The multiparts inside the one named end; a closed one ends too, and
                // after a delimiter comes a part that may open another.
                open.truncate(open.len() - depth.min(open.len()));
                if close {
                    open.pop();
                } else {
                    open.extend(nested(&body[end..]));
                }
            }
        }
        if end == pos {
            break;
        }
        pos = end;
    }
    for w in 0..starts.len() {
        let (_, content_start, close) = starts[w];
        if close {
            break;
        }
        let (content_end, full_end) = match starts.get(w + 1) {
            Some(&(next, _, _)) => {
                let mut e = next;
                if e > content_start && body[e - 1] == b'\n' {
                    e -= 1;
                    if e > content_start && body[e - 1] == b'\r' {
                        e -= 1;
                    }
                }
                (e.max(content_start), next)
            }
            None => (body.len(), body.len()),
        };
        parts.push((
            &body[content_start..content_end],
            &body[content_start..full_end],
        ));
    }
    parts
}

/// Which boundary a delimiter line (`text`, after its `--`, without its line end)
/// names, as message-parser.c's `boundary_find` chooses among the open ones
/// (innermost first): one it names exactly, with or without the closing `--`, at
/// once; else the longest it starts with. → (its place, innermost 0; its length).
fn boundary_of<'b>(
    text: &[u8],
    candidates: impl Iterator<Item = &'b [u8]>,
) -> Option<(usize, usize)> {
    let mut best: Option<(usize, usize)> = None;
    for (depth, b) in candidates.enumerate() {
        if !text.starts_with(b) || best.is_some_and(|(_, len)| len >= b.len()) {
            continue;
        }
        best = Some((depth, b.len()));
        let line = trim_end(text);
        if [text.len(), line.len()].contains(&b.len())
            || (line.ends_with(b"--") && line.len() == b.len() + 2)
        {
            break;
        }
    }
    best
}

/// The boundary of the multipart that starts `part` (or the message a message/rfc822
/// part holds), if it is one.
fn nested(part: &[u8]) -> Option<Vec<u8>> {
    let mut raw = part;
    for _ in 0..MAX_DEPTH {
        let (header, body) = split(raw);
        let (t, s, params) = content_type(&field(header, "Content-Type")?.bytes());
        if t.eq_ignore_ascii_case("message") && s.eq_ignore_ascii_case("rfc822") {
            raw = body;
            continue;
        }
        if !t.eq_ignore_ascii_case("multipart") {
            return None;
        }
        return params
            .into_iter()
            .find(|(k, _)| k.eq_ignore_ascii_case("boundary"))
            .map(|(_, v)| v);
    }
    None
}

/// True if `part` is a message/rfc822 whose message stops inside its header (no blank
/// line after it): a header line, or the blank line itself, is then ended by the CRLF
/// that belongs to the next delimiter.
fn message_header_open(part: &Part<'_>) -> bool {
    let Kind::Message(inner) = &part.kind else {
        return false;
    };
    let h = inner.header;
    !h.is_empty() && inner.body.is_empty() && !h.ends_with(b"\n\n") && !h.ends_with(b"\n\r\n")
}

/// True if a part's text ends with a delimiter line of a multipart inside it.
fn ends_on_boundary(part: &Part<'_>) -> bool {
    match &part.kind {
        Kind::Message(inner) => ends_on_boundary(inner),
        Kind::Multipart(_) => {
            let Some((_, boundary)) = part
                .params
                .iter()
                .find(|(k, _)| k.eq_ignore_ascii_case("boundary"))
            else {
                return false;
            };
            let last = part
                .body
                .iter()
                .rposition(|&b| b == b'\n')
                .map_or(part.body, |i| &part.body[i + 1..]);
            last.strip_prefix(b"--")
                .is_some_and(|rest| rest.starts_with(boundary))
        }
        Kind::Leaf => false,
    }
}

impl Part<'_> {
    /// A Content-* field as BODY and BODYSTRUCTURE read it: Dovecot 2.3.19 ignores them
    /// in a message header with neither MIME-Version (RFC 2045 §4's mark of a MIME
    /// message) nor Content-Type, so such a message is 7bit with no ID, description,
    /// disposition or language whatever it says (BINARY still decodes it).
    fn content_field(&self, name: &str) -> Option<Field<'_>> {
        if self.mime {
            field(self.header, name)
        } else {
            None
        }
    }

    /// A Content-* field's value as Dovecot writes it in BODYSTRUCTURE (see
    /// [`Field::dovecot_value`] and [`without_bare_cr`]).
    fn header_text(&self, name: &str) -> Option<Vec<u8>> {
        self.content_field(name)
            .map(|f| without_bare_cr(&f.dovecot_value()))
    }
}

fn push_params(out: &mut Vec<u8>, params: &[Param]) {
    if params.is_empty() {
        out.extend_from_slice(b"NIL");
        return;
    }
    out.push(b'(');
    for (i, (k, v)) in params.iter().enumerate() {
        if i > 0 {
            out.push(b' ');
        }
        push_string(out, k.as_bytes());
        out.push(b' ');
        push_string(out, v);
    }
    out.push(b')');
}

fn push_disposition(out: &mut Vec<u8>, part: &Part<'_>) {
    match part
        .content_field("Content-Disposition")
        .and_then(|f| disposition(&f.bytes()))
    {
        Some((kind, params)) => {
            out.push(b'(');
            push_string(out, kind.as_bytes());
            out.push(b' ');
            push_params(out, &params);
            out.push(b')');
        }
        None => out.extend_from_slice(b"NIL"),
    }
}

/// The body language (always a list, even of one) and location (RFC 9051 §7.5.2).
fn push_language_location(out: &mut Vec<u8>, part: &Part<'_>) {
    out.push(b' ');
    let langs = part
        .content_field("Content-Language")
        .map(|f| languages(&f.bytes()))
        .unwrap_or_default();
    if langs.is_empty() {
        out.extend_from_slice(b"NIL");
    } else {
        out.push(b'(');
        for (i, l) in langs.iter().enumerate() {
            if i > 0 {
                out.push(b' ');
            }
            push_string(out, l);
        }
        out.push(b')');
    }
    out.push(b' ');
    push_nstring(out, part.header_text("Content-Location").as_deref());
}

/// Content-Transfer-Encoding as Dovecot reads it: one token and nothing after it.
fn transfer_encoding(part: &Part<'_>) -> Option<Vec<u8>> {
    let value = part.content_field("Content-Transfer-Encoding")?.bytes();
    let mut cursor = Cursor::new(&value);
    let _ = cursor.skip_lwsp();
    let mut token = Vec::new();
    let read = cursor.mime_token(&mut token).ok() && cursor.skip_lwsp() == Step::End;
    (read && !token.is_empty()).then_some(token)
}

/// What Dovecot writes for a multipart that has no parts: one empty text/plain part.
const EMPTY_PART: &[u8] = b"(\"text\" \"plain\" (\"charset\" \"us-ascii\") NIL NIL \"7bit\" 0 0";

/// BODY (`extensible` false) or BODYSTRUCTURE (`extensible` true) of a part.
pub(crate) fn push_structure(out: &mut Vec<u8>, part: &Part<'_>, extensible: bool) {
    out.push(b'(');
    match &part.kind {
        Kind::Multipart(children) => {
            for child in children {
                push_structure(out, child, extensible);
            }
            if children.is_empty() {
                out.extend_from_slice(EMPTY_PART);
                out.extend_from_slice(if extensible {
                    b" NIL NIL NIL NIL)"
                } else {
                    b")"
                });
            }
            out.push(b' ');
            push_string(out, part.subtype.as_bytes());
            if extensible {
                out.push(b' ');
                push_params(out, &part.params);
                out.push(b' ');
                push_disposition(out, part);
                push_language_location(out, part);
            }
        }
        _ => {
            let mut params = part.params.clone();
            if part.media_type.eq_ignore_ascii_case("text")
                && !params
                    .iter()
                    .any(|(k, _)| k.eq_ignore_ascii_case("charset"))
            {
                params.push(("charset".into(), b"us-ascii".to_vec()));
            }
            if matches!(part.kind, Kind::Message(_)) {
                // Dovecot writes its own words for the type it parses into
                // (imap-bodystructure.c), whatever the part's spelling.
                out.extend_from_slice(b"\"message\" \"rfc822\"");
            } else {
                push_string(out, part.media_type.as_bytes());
                out.push(b' ');
                push_string(out, part.subtype.as_bytes());
            }
            out.push(b' ');
            push_params(out, &params);
            out.push(b' ');
            push_nstring(out, part.header_text("Content-ID").as_deref());
            out.push(b' ');
            push_nstring(out, part.header_text("Content-Description").as_deref());
            out.push(b' ');
            let encoding = transfer_encoding(part).unwrap_or_else(|| b"7bit".to_vec());
            push_string(out, &encoding);
            out.extend_from_slice(format!(" {}", part.body.len()).as_bytes());
            match &part.kind {
                Kind::Message(inner) => {
                    out.push(b' ');
                    out.extend_from_slice(&address::envelope(inner.header));
                    out.push(b' ');
                    push_structure(out, inner, extensible);
                    out.extend_from_slice(format!(" {}", line_count(part.body)).as_bytes());
                }
                _ if part.media_type.eq_ignore_ascii_case("text") => {
                    out.extend_from_slice(format!(" {}", line_count(part.body)).as_bytes());
                }
                _ => {}
            }
            if extensible {
                out.push(b' ');
                push_nstring(out, part.header_text("Content-MD5").as_deref());
                out.push(b' ');
                push_disposition(out, part);
                push_language_location(out, part);
            }
        }
    }
    out.push(b')');
}

/// BODY or BODYSTRUCTURE of a whole message.
pub(crate) fn structure(raw: &[u8], extensible: bool) -> Vec<u8> {
    let mut out = Vec::with_capacity(128);
    let root = parse(raw);
    if plain_7bit(&root) {
        push_plain_7bit(&mut out, &root, extensible);
    } else {
        push_structure(&mut out, &root, extensible);
    }
    out
}

/// True for a message that is one text/plain part in us-ascii and 7bit with nothing
/// else to say (no ID, description, disposition, language, location or MD5), however
/// its fields spell it: Dovecot 2.3.19 writes such a message's structure in its own
/// lowercase words (`"text" "plain" ("charset" "us-ascii") ... "7bit"`), where it
/// keeps a part's own spelling everywhere else (addresses-mime.txt section 5).
fn plain_7bit(part: &Part<'_>) -> bool {
    let ascii =
        |(k, v): &Param| k.eq_ignore_ascii_case("charset") && v.eq_ignore_ascii_case(b"us-ascii");
    let seven = transfer_encoding(part).is_none_or(|e| e.eq_ignore_ascii_case(b"7bit"));
    let quiet = [
        "Content-ID",
        "Content-Description",
        "Content-Disposition",
        "Content-Language",
        "Content-Location",
        "Content-MD5",
    ]
    .iter()
    .all(|name| part.content_field(name).is_none());
    matches!(part.kind, Kind::Leaf)
        && part.media_type.eq_ignore_ascii_case("text")
        && part.subtype.eq_ignore_ascii_case("plain")
        && part.params.iter().all(ascii)
        && seven
        && quiet
}

/// The structure [`plain_7bit`] describes, in Dovecot's words.
fn push_plain_7bit(out: &mut Vec<u8>, part: &Part<'_>, extensible: bool) {
    out.extend_from_slice(
        format!(
            "(\"text\" \"plain\" (\"charset\" \"us-ascii\") NIL NIL \"7bit\" {} {}",
            part.body.len(),
            line_count(part.body)
        )
        .as_bytes(),
    );
    out.extend_from_slice(if extensible {
        b" NIL NIL NIL NIL)"
    } else {
        b")"
    });
}

// ---------------------------------------------------------------------------------
// Body sections

/// What a section asks for, as the mock needs it (mirrors `grammar::section::SectionText`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Want<'s> {
    Full,
    Header,
    Fields { names: &'s [String], not: bool },
    Text,
    Mime,
}

/// The bytes of a body section (RFC 9051 §6.4.5), or `None` if the part does not exist.
///
/// Borrowed from `raw` wherever the section is a slice of it (everything but header
/// fields), so a FETCH of a large message copies nothing.
pub(crate) fn section<'r>(raw: &'r [u8], path: &[u32], want: &Want<'_>) -> Option<Cow<'r, [u8]>> {
    let root = parse(raw);
    if path.is_empty() {
        return message_section(root.header, root.body, raw, want);
    }
    let part = find(&root, path)?;
    match want {
        Want::Full => Some(Cow::Borrowed(part.body)),
        Want::Mime => Some(Cow::Borrowed(part.header)),
        // HEADER and TEXT of a numbered part exist only for message/rfc822 parts.
        _ => match &part.kind {
            Kind::Message(inner) => message_section(inner.header, inner.body, part.body, want),
            _ => None,
        },
    }
}

/// The part a section number names, walked as Dovecot walks it: in a multipart the
/// nth child; elsewhere only `1`, the part itself, and nothing deeper unless the part
/// is a message/rfc822, whose numbers continue inside the message it holds.
pub(crate) fn find<'p, 'a>(root: &'p Part<'a>, path: &[u32]) -> Option<&'p Part<'a>> {
    let mut part = root;
    for (i, &n) in path.iter().enumerate() {
        let more = i + 1 < path.len();
        part = match &part.kind {
            // Part 0 is the first part too (imap-msgpart.c counts down to 1).
            Kind::Multipart(children) => children.get((n as usize).saturating_sub(1))?,
            Kind::Message(_) if n == 1 => part,
            Kind::Leaf if n == 1 && !more => part,
            _ => return None,
        };
        if let (true, Kind::Message(inner)) = (more, &part.kind) {
            part = inner;
        }
    }
    Some(part)
}

fn message_section<'r>(
    header: &'r [u8],
    body: &'r [u8],
    whole: &'r [u8],
    want: &Want<'_>,
) -> Option<Cow<'r, [u8]>> {
    Some(match want {
        Want::Full => Cow::Borrowed(whole),
        Want::Header | Want::Mime => Cow::Borrowed(header),
        Want::Text => Cow::Borrowed(body),
        Want::Fields { names, not } => {
            // HEADER.FIELDS.NOT is the header less the fields named, as it is: Dovecot
            // adds no line end and no blank line a header without a body lacks
            // (header-only.txt); HEADER.FIELDS writes each field and the blank line.
            let ended = header == b"\r\n"
                || header == b"\n"
                || header.ends_with(b"\n\r\n")
                || header.ends_with(b"\n\n");
            let mut out = Vec::new();
            for f in fields(header) {
                let listed = names
                    .iter()
                    .any(|n| f.name.eq_ignore_ascii_case(n.as_bytes()));
                if listed != *not {
                    out.extend_from_slice(f.whole);
                    if !f.whole.ends_with(b"\n") && !*not {
                        out.extend_from_slice(b"\r\n");
                    }
                }
            }
            if ended || !*not {
                out.extend_from_slice(b"\r\n");
            }
            Cow::Owned(out)
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Dovecot's own words for a plain message, its spelling for anything more
    /// (addresses-mime.txt section 5).
    #[test]
    fn a_plain_ascii_message_is_written_in_lowercase() {
        let plain = structure(b"Content-Type: TEXT/PLAIN; CHARSET=US-ASCII\r\nContent-Transfer-Encoding: 7BIT\r\n\r\nx\r\n", true);
        assert_eq!(
            plain,
            b"(\"text\" \"plain\" (\"charset\" \"us-ascii\") NIL NIL \"7bit\" 3 1 NIL NIL NIL NIL)"
        );
        let eight = structure(
            b"Content-Type: TEXT/PLAIN\r\nContent-Transfer-Encoding: 8bit\r\n\r\nx\r\n",
            false,
        );
        assert!(eight.starts_with(b"(\"TEXT\" \"PLAIN\""));
    }

    /// As Dovecot 2.3.19 answers it (addresses-mime.txt section 4): the delimiter's
    /// CRLF belongs to a message/rfc822 part whose message stops inside its header.
    #[test]
    fn an_encapsulated_header_only_message_keeps_the_crlf() {
        let raw = b"Content-Type: multipart/mixed; boundary=B\r\n\r\n--B\r\nContent-Type: message/rfc822\r\n\r\nSubject: inner only\r\n--B--\r\n";
        let root = parse(raw);
        let Kind::Multipart(children) = &root.kind else {
            panic!("not a multipart")
        };
        assert_eq!(children[0].body, b"Subject: inner only\r\n");
        let Kind::Message(inner) = &children[0].kind else {
            panic!("not a message")
        };
        assert_eq!(inner.header, b"Subject: inner only");
    }

    /// Dovecot 2.3.19's reading (mime-random-content-type.txt): a type alone is kept,
    /// anything else broken is `"" ""`, which is neither text nor multipart.
    #[test]
    fn a_broken_content_type_is_no_type_at_all() {
        let of = |v: &str| {
            let (t, s, p) = content_type(v.as_bytes());
            (t, s, p.len())
        };
        let none = (String::new(), String::new(), 0);
        assert_eq!(of("text"), ("text".into(), String::new(), 0));
        assert_eq!(of("text (c"), ("text".into(), String::new(), 0));
        assert_eq!(
            of("text/plain (c) ; a=b"),
            ("text".into(), "plain".into(), 1)
        );
        for broken in [
            "text/",
            "/plain",
            "text junk",
            "text;charset=x",
            "text/plain junk; a=b",
            "te\"x\"t/plain",
            "text/pl=ain",
            "",
        ] {
            assert_eq!(of(broken), none, "{broken}");
        }
        let multipart = structure(
            b"Content-Type: multipart/mixed x; boundary=b\r\n\r\n--b\r\n\r\nhi\r\n--b--\r\n",
            false,
        );
        assert_eq!(multipart, b"(\"\" \"\" NIL NIL NIL \"7bit\" 18)");
    }

    /// message-parser.c's choice among open boundaries (mime-random-boundaries.txt):
    /// an inner `ab` keeps its lines from an outer `a` until it is closed, and an
    /// inner `B` takes `--B--` from an outer `B--`, which names it exactly.
    #[test]
    fn a_boundary_that_starts_another_is_the_inner_ones_until_closed() {
        let raw = b"Content-Type: multipart/mixed; boundary=a\r\n\r\n--a\r\nContent-Type: multipart/alternative; boundary=ab\r\n\r\n--ab\r\n\r\none\r\n--ab\r\n\r\ntwo\r\n--ab--\r\n--a\r\n\r\nthree\r\n--a--\r\n";
        assert_eq!(section(raw, &[1, 2], &Want::Full).unwrap().as_ref(), b"two");
        assert_eq!(section(raw, &[2], &Want::Full).unwrap().as_ref(), b"three");
        let raw = b"Content-Type: multipart/mixed; boundary=B--\r\n\r\n--B--\r\nContent-Type: multipart/mixed; boundary=B\r\n\r\n--B\r\n\r\none\r\n--B--\r\n\r\nthree\r\n--B----\r\n";
        assert_eq!(section(raw, &[2], &Want::Full), None);
        assert_eq!(section(raw, &[1, 1], &Want::Full).unwrap().as_ref(), b"one");
        let ordered = [&b"abc"[..], b"ab", b"a"];
        assert_eq!(boundary_of(b"abc", ordered.into_iter()), Some((0, 3)));
        assert_eq!(boundary_of(b"abx", ordered.into_iter()), Some((1, 2)));
        assert_eq!(boundary_of(b"a--", ordered.into_iter()), Some((2, 1)));
        assert_eq!(boundary_of(b"x", ordered.into_iter()), None);
    }

    /// fetch-header-cr.txt: CRs that end no line go before a blank or the end, and
    /// are a space elsewhere; line ends go.
    #[test]
    fn bare_crs_in_header_values() {
        let cases: [(&[u8], &[u8]); 5] = [
            (b"a\rb", b"a b"),
            (b"a\r b", b"a b"),
            (b"a\r\r b", b"a b"),
            (b"a \rb", b"a  b"),
            (b"a\r", b"a"),
        ];
        for (value, written) in cases {
            assert_eq!(without_bare_cr(value), written);
        }
        assert_eq!(unfold(b"a\r\n b\rc\n d"), b"a b\rc d");
    }

    /// fetch-long-boundaries.txt: past 80 bytes a closing delimiter opens a part.
    #[test]
    fn a_long_boundary_never_closes() {
        let parts = |n: usize| {
            let b = "b".repeat(n);
            let raw = format!("Content-Type: multipart/mixed; boundary={b}\r\n\r\n--{b}\r\n\r\none\r\n--{b}--\r\n");
            match parse(raw.as_bytes()).kind {
                Kind::Multipart(children) => children.len(),
                _ => 0,
            }
        };
        assert_eq!((parts(80), parts(81)), (1, 2));
    }

    /// Dovecot's own words for the type it parses into (mime-random-message.txt).
    #[test]
    fn message_rfc822_is_written_in_lowercase() {
        let s = structure(
            b"Content-Type: MESSAGE/RFC822\r\n\r\nSubject: in\r\n\r\nx\r\n",
            false,
        );
        assert!(
            s.starts_with(b"(\"message\" \"rfc822\" NIL"),
            "{}",
            String::from_utf8_lossy(&s)
        );
    }

    /// message-header-parser.c skips the blanks after the colon, but only the first of
    /// them when the first line has nothing else.
    #[test]
    fn a_blank_value_keeps_all_but_one_blank() {
        let cases: [(&[u8], &[u8]); 6] = [
            (b"A:   x  \r\n", b"x  "),
            (b"A:  \r\n", b" "),
            (b"A: \t\r\n", b"\t"),
            (b"A: \r\n", b""),
            (b"A:  \r\n y\r\n", b"  y"),
            (b"A:\r\n  \r\n", b"  "),
        ];
        for (header, value) in cases {
            assert_eq!(fields(header)[0].dovecot_value(), value);
        }
    }

    const M1: &[u8] = b"From: Admin <admin@server.thm>\r\nTo: strategos@server.thm\r\nSubject: Welcome to server.thm\r\nDate: Tue, 25 Jun 2024 09:12:00 +0000\r\nMessage-ID: <welcome-1@server.thm>\r\n\r\nWelcome, strategos. Your mailbox is ready.\r\n";

    #[test]
    fn envelope_as_dovecot_writes_it() {
        assert_eq!(
            String::from_utf8(envelope(M1)).unwrap(),
            "(\"Tue, 25 Jun 2024 09:12:00 +0000\" \"Welcome to server.thm\" ((\"Admin\" NIL \"admin\" \"server.thm\")) ((\"Admin\" NIL \"admin\" \"server.thm\")) ((\"Admin\" NIL \"admin\" \"server.thm\")) ((NIL NIL \"strategos\" \"server.thm\")) NIL NIL NIL \"<welcome-1@server.thm>\")"
        );
    }

    #[test]
    fn bodystructure_of_a_plain_message() {
        assert_eq!(
            String::from_utf8(structure(M1, false)).unwrap(),
            "(\"text\" \"plain\" (\"charset\" \"us-ascii\") NIL NIL \"7bit\" 44 1)"
        );
        assert_eq!(
            String::from_utf8(structure(M1, true)).unwrap(),
            "(\"text\" \"plain\" (\"charset\" \"us-ascii\") NIL NIL \"7bit\" 44 1 NIL NIL NIL NIL)"
        );
    }

    #[test]
    fn sections_of_a_plain_message() {
        assert_eq!(section(M1, &[], &Want::Header).unwrap().len(), 167);
        assert_eq!(section(M1, &[1], &Want::Full).unwrap().len(), 44);
        assert_eq!(section(M1, &[1], &Want::Mime).unwrap().len(), 167);
        assert_eq!(section(M1, &[2], &Want::Full), None);
        assert_eq!(section(M1, &[1, 1], &Want::Full), None);
        assert_eq!(section(M1, &[1], &Want::Header), None);
        let names = vec!["From".to_string(), "Subject".to_string()];
        assert_eq!(
            section(
                M1,
                &[],
                &Want::Fields {
                    names: &names,
                    not: false
                }
            )
            .unwrap()
            .len(),
            66
        );
    }

    #[test]
    fn header_fields_not_keeps_a_header_only_message_as_it_is() {
        // header-only.txt h7 and h10, against Dovecot 2.3.19.
        let names = vec!["FROM".to_owned()];
        let fields = |raw: &[u8], not| {
            let want = Want::Fields { names: &names, not };
            section(raw, &[], &want).unwrap().into_owned()
        };
        assert_eq!(fields(b"Subject: no end", true), b"Subject: no end");
        assert_eq!(
            fields(b"Subject: a\r\nFrom: b\r\n", true),
            b"Subject: a\r\n"
        );
        assert_eq!(
            fields(b"Subject: a\r\n\r\nbody", true),
            b"Subject: a\r\n\r\n"
        );
        assert_eq!(fields(b"From: b", false), b"From: b\r\n\r\n");
    }

    #[test]
    fn multipart_structure_and_parts() {
        let raw = b"Content-Type: multipart/mixed; boundary=\"b1\"\r\n\r\npreamble\r\n--b1\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nhello\r\n--b1\r\nContent-Type: application/octet-stream\r\nContent-Transfer-Encoding: base64\r\nContent-Disposition: attachment; filename=\"a.bin\"\r\n\r\nAAEC\r\n--b1--\r\n";
        let s = String::from_utf8(structure(raw, true)).unwrap();
        assert_eq!(
            s,
            "((\"text\" \"plain\" (\"charset\" \"utf-8\") NIL NIL \"7bit\" 5 0 NIL NIL NIL NIL)(\"application\" \"octet-stream\" NIL NIL NIL \"base64\" 4 NIL (\"attachment\" (\"filename\" \"a.bin\")) NIL NIL) \"mixed\" (\"boundary\" \"b1\") NIL NIL NIL)"
        );
        assert_eq!(section(raw, &[1], &Want::Full).unwrap().as_ref(), b"hello");
        assert_eq!(section(raw, &[2], &Want::Full).unwrap().as_ref(), b"AAEC");
        assert!(section(raw, &[2], &Want::Mime)
            .unwrap()
            .starts_with(b"Content-Type: application"));
        assert_eq!(section(raw, &[3], &Want::Full), None);
    }

    #[test]
    fn never_panics_on_odd_input() {
        for raw in [
            &b""[..],
            b"\r\n",
            b"no header end",
            b"Content-Type: multipart/x; boundary=q\r\n\r\n--q",
            b":\r\n\r\n",
        ] {
            let _ = structure(raw, true);
            let _ = envelope(raw);
            let _ = section(raw, &[1, 2, 3], &Want::Header);
        }
    }
}
