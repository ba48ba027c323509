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

/// How deep multiparts may nest before we stop looking inside (a hostile APPEND could
/// otherwise nest until the stack runs out).
const MAX_DEPTH: usize = 20;

/// One header field: its name and its lines exactly as written (folding included).
#[derive(Debug, Clone, Copy)]
pub struct Field<'a> {
    pub name: &'a [u8],
    /// The whole field, `Name: value` through the CRLF of its last line.
    pub whole: &'a [u8],
    /// After the colon, through the end of the last line.
    pub value: &'a [u8],
}

impl Field<'_> {
    /// The value unfolded (CRLFs removed, the whitespace after them kept) and trimmed.
    pub fn text(&self) -> String {
        let mut out = Vec::with_capacity(self.value.len());
        for &b in self.value {
            if b != b'\r' && b != b'\n' {
                out.push(b);
            }
        }
        String::from_utf8_lossy(&out).trim().to_owned()
    }

    /// The value unfolded, as bytes (8-bit text kept as is).
    pub fn bytes(&self) -> Vec<u8> {
        let v: Vec<u8> = self
            .value
            .iter()
            .copied()
            .filter(|&b| b != b'\r' && b != b'\n')
            .collect();
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

/// Splits a message (or a MIME part) into its header, blank line included, and body.
pub fn split(raw: &[u8]) -> (&[u8], &[u8]) {
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
pub fn fields(header: &[u8]) -> Vec<Field<'_>> {
    let mut out = Vec::new();
    let mut lines = Vec::new();
    let mut start = 0;
    while start < header.len() {
        let end = header[start..]
            .iter()
            .position(|&b| b == b'\n')
            .map_or(header.len(), |p| start + p + 1);
        lines.push((start, end));
        start = end;
    }
    let mut i = 0;
    while i < lines.len() {
        let (s, mut e) = lines[i];
        i += 1;
        let line = &header[s..e];
        if line == b"\r\n" || line == b"\n" {
            break;
        }
        while i < lines.len() && matches!(header[lines[i].0], b' ' | b'\t') {
            e = lines[i].1;
            i += 1;
        }
        let whole = &header[s..e];
        if let Some(colon) = whole.iter().position(|&b| b == b':') {
            let name = trim_end(&whole[..colon]);
            if !name.is_empty() {
                out.push(Field {
                    name,
                    whole,
                    value: &whole[colon + 1..],
                });
            }
        }
    }
    out
}

fn trim_end(b: &[u8]) -> &[u8] {
    let end = b
        .iter()
        .rposition(|c| !c.is_ascii_whitespace())
        .map_or(0, |e| e + 1);
    &b[..end]
}

/// The first field called `name` (case-insensitive).
pub fn field<'a>(header: &'a [u8], name: &str) -> Option<Field<'a>> {
    fields(header)
        .into_iter()
        .find(|f| f.name.eq_ignore_ascii_case(name.as_bytes()))
}

/// How many lines a body has, as BODYSTRUCTURE counts them (line feeds).
pub fn line_count(body: &[u8]) -> usize {
    body.iter().filter(|&&b| b == b'\n').count()
}

// ---------------------------------------------------------------------------------
// Writing IMAP strings

/// Appends `s` as an IMAP string: quoted when it can be, a literal otherwise
/// (CR, LF, NUL or 8-bit bytes), as Dovecot's `imap_append_string` does.
pub fn push_string(out: &mut Vec<u8>, s: &[u8]) {
    if s.iter()
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
pub fn push_nstring(out: &mut Vec<u8>, s: Option<&[u8]>) {
    match s {
        Some(s) => push_string(out, s),
        None => out.extend_from_slice(b"NIL"),
    }
}

/// An astring for a mailbox name in LIST/STATUS: an atom when every byte allows it.
pub fn push_astring(out: &mut Vec<u8>, s: &[u8]) {
    let atom = !s.is_empty()
        && s.iter().all(|&b| crate::grammar::core::is_astring_char(b))
        && !s.eq_ignore_ascii_case(b"NIL");
    if atom {
        out.extend_from_slice(s);
    } else {
        push_string(out, s);
    }
}

// ---------------------------------------------------------------------------------
// Addresses and ENVELOPE

/// One address of an address list, or a group marker.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Address {
    pub name: Option<Vec<u8>>,
    pub adl: Option<Vec<u8>>,
    pub mailbox: Option<Vec<u8>>,
    pub host: Option<Vec<u8>>,
}

/// Splits `s` at top-level occurrences of `sep` (outside quotes, comments and `<>`).
fn split_top(s: &[u8], seps: &[u8]) -> Vec<(usize, usize, Option<u8>)> {
    let mut out = Vec::new();
    let (mut depth, mut angle, mut quoted, mut start) = (0usize, false, false, 0);
    let mut i = 0;
    while i < s.len() {
        let b = s[i];
        if quoted {
            if b == b'\\' {
                i += 1;
            } else if b == b'"' {
                quoted = false;
            }
        } else {
            match b {
                b'"' => quoted = true,
                b'(' => depth += 1,
                b')' => depth = depth.saturating_sub(1),
                b'<' if depth == 0 => angle = true,
                b'>' if depth == 0 => angle = false,
                b'\\' => i += 1,
                _ if depth == 0 && !angle && seps.contains(&b) => {
                    out.push((start, i, Some(b)));
                    start = i + 1;
                }
                _ => {}
            }
        }
        i += 1;
    }
    out.push((start, s.len(), None));
    out
}

/// Removes comments, unquotes quoted strings and trims: a phrase for a display name.
fn phrase(s: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    let (mut depth, mut quoted) = (0usize, false);
    let mut i = 0;
    while i < s.len() {
        let b = s[i];
        if quoted {
            match b {
                b'\\' if i + 1 < s.len() => {
                    out.push(s[i + 1]);
                    i += 1;
                }
                b'"' => quoted = false,
                _ => out.push(b),
            }
        } else if depth > 0 {
            match b {
                b'(' => depth += 1,
                b')' => depth -= 1,
                b'\\' => i += 1,
                _ => {}
            }
        } else {
            match b {
                b'"' => quoted = true,
                b'(' => depth += 1,
                b'\r' | b'\n' => {}
                _ => out.push(b),
            }
        }
        i += 1;
    }
    let text = String::from_utf8_lossy(&out).into_owned();
    let collapsed: Vec<&str> = text.split([' ', '\t']).filter(|w| !w.is_empty()).collect();
    if collapsed.is_empty() {
        // Keep bytes as they were (8-bit names) when not valid UTF-8.
        return Vec::new();
    }
    if std::str::from_utf8(&out).is_ok() {
        collapsed.join(" ").into_bytes()
    } else {
        let start = out
            .iter()
            .position(|b| !b.is_ascii_whitespace())
            .unwrap_or(0);
        let end = out
            .iter()
            .rposition(|b| !b.is_ascii_whitespace())
            .map_or(0, |e| e + 1);
        out[start..end.max(start)].to_vec()
    }
}

/// `local@domain` (comments and spaces removed) → mailbox and host.
fn addr_spec(s: &[u8]) -> (Option<Vec<u8>>, Option<Vec<u8>>) {
    let clean = phrase(s);
    let clean: Vec<u8> = clean
        .into_iter()
        .filter(|b| !b.is_ascii_whitespace())
        .collect();
    if clean.is_empty() {
        return (None, None);
    }
    match clean.iter().rposition(|&b| b == b'@') {
        Some(at) => (Some(clean[..at].to_vec()), Some(clean[at + 1..].to_vec())),
        None => (Some(clean), None),
    }
}

fn mailbox(s: &[u8]) -> Option<Address> {
    let trimmed = trim_end(s);
    let start = trimmed
        .iter()
        .position(|b| !b.is_ascii_whitespace())
        .unwrap_or(trimmed.len());
    let s = &trimmed[start..];
    if s.is_empty() {
        return None;
    }
    // `name <route:local@domain>`
    let parts = split_top(s, b"<");
    let open = s
        .iter()
        .position(|&b| b == b'<')
        .filter(|_| parts.len() == 1 || s.contains(&b'<'));
    match open {
        Some(open) if s.contains(&b'>') => {
            let close = open
                + s[open..]
                    .iter()
                    .position(|&b| b == b'>')
                    .unwrap_or(s.len() - open);
            let name = phrase(&s[..open]);
            let mut inner = &s[open + 1..close];
            let mut adl = None;
            if inner.first() == Some(&b'@') {
                if let Some(colon) = inner.iter().position(|&b| b == b':') {
                    adl = Some(inner[..colon].to_vec());
                    inner = &inner[colon + 1..];
                }
            }
            let (mailbox, host) = addr_spec(inner);
            Some(Address {
                name: (!name.is_empty()).then_some(name),
                adl,
                mailbox,
                host,
            })
        }
        _ => {
            let (mailbox, host) = addr_spec(s);
            mailbox.as_ref()?;
            Some(Address {
                name: None,
                adl: None,
                mailbox,
                host,
            })
        }
    }
}

/// Parses an address-list header value (RFC 5322 §3.4), groups included.
pub fn addresses(value: &[u8]) -> Vec<Address> {
    let mut out = Vec::new();
    let mut rest = value;
    loop {
        // A group `name: members;` is found by a top-level colon before any comma.
        let items = split_top(rest, b",:");
        let Some(&(s, e, sep)) = items.first() else {
            break;
        };
        match sep {
            Some(b':') => {
                let name = phrase(&rest[s..e]);
                let after = &rest[e + 1..];
                let end = split_top(after, b";")
                    .first()
                    .map_or(after.len(), |&(_, e, _)| e);
                out.push(Address {
                    name: None,
                    adl: None,
                    mailbox: Some(name),
                    host: None,
                });
                for (ms, me, _) in split_top(&after[..end], b",") {
                    out.extend(mailbox(&after[ms..me]));
                }
                out.push(Address {
                    name: None,
                    adl: None,
                    mailbox: None,
                    host: None,
                });
                rest = if end < after.len() {
                    &after[end + 1..]
                } else {
                    &after[end..]
                };
                // Skip a comma after the group.
                let skip = rest
                    .iter()
                    .position(|&b| !b.is_ascii_whitespace() && b != b',')
                    .unwrap_or(rest.len());
                rest = &rest[skip..];
                if rest.is_empty() {
                    break;
                }
            }
            Some(_) => {
                out.extend(mailbox(&rest[s..e]));
                rest = &rest[e + 1..];
            }
            None => {
                out.extend(mailbox(&rest[s..e]));
                break;
            }
        }
    }
    out
}

fn push_addresses(out: &mut Vec<u8>, list: &[Address]) {
    if list.is_empty() {
        out.extend_from_slice(b"NIL");
        return;
    }
    out.push(b'(');
    for a in list {
        out.push(b'(');
        push_nstring(out, a.name.as_deref());
        out.push(b' ');
        push_nstring(out, a.adl.as_deref());
        out.push(b' ');
        push_nstring(out, a.mailbox.as_deref());
        out.push(b' ');
        push_nstring(out, a.host.as_deref());
        out.push(b')');
    }
    out.push(b')');
}

/// ENVELOPE (RFC 9051 §7.5.2) of a message, as Dovecot writes it.
pub fn envelope(raw: &[u8]) -> Vec<u8> {
    let (header, _) = split(raw);
    envelope_of_header(header)
}

fn envelope_of_header(header: &[u8]) -> Vec<u8> {
    let all = fields(header);
    let get = |name: &str| {
        all.iter()
            .find(|f| f.name.eq_ignore_ascii_case(name.as_bytes()))
            .map(Field::bytes)
    };
    let list = |name: &str| get(name).map(|v| addresses(&v)).unwrap_or_default();
    let mut out = Vec::with_capacity(256);
    out.push(b'(');
    push_nstring(&mut out, get("Date").as_deref().filter(|v| !v.is_empty()));
    out.push(b' ');
    push_nstring(&mut out, get("Subject").as_deref());
    let from = list("From");
    let mut sender = list("Sender");
    if sender.is_empty() {
        sender = from.clone();
    }
    let mut reply_to = list("Reply-To");
    if reply_to.is_empty() {
        reply_to = from.clone();
    }
    for l in [
        &from,
        &sender,
        &reply_to,
        &list("To"),
        &list("Cc"),
        &list("Bcc"),
    ] {
        out.push(b' ');
        push_addresses(&mut out, l);
    }
    out.push(b' ');
    push_nstring(
        &mut out,
        get("In-Reply-To").as_deref().filter(|v| !v.is_empty()),
    );
    out.push(b' ');
    push_nstring(
        &mut out,
        get("Message-ID").as_deref().filter(|v| !v.is_empty()),
    );
    out.push(b')');
    out
}

// ---------------------------------------------------------------------------------
// MIME structure

/// What a part holds.
#[derive(Debug)]
pub enum Kind<'a> {
    Leaf,
    Multipart(Vec<Part<'a>>),
    /// `message/rfc822`: the encapsulated message.
    Message(Box<Part<'a>>),
}

/// A message or a MIME part: its header, its body and its structure.
#[derive(Debug)]
pub struct Part<'a> {
    pub header: &'a [u8],
    pub body: &'a [u8],
    pub media_type: String,
    pub subtype: String,
    pub params: Vec<(String, String)>,
    pub kind: Kind<'a>,
}

/// A media type, subtype and parameters.
type ContentType = (String, String, Vec<(String, String)>);

/// `type/subtype; name=value; ...` → (type, subtype, params). `None` if unreadable.
fn content_type(value: &[u8]) -> Option<ContentType> {
    let text = String::from_utf8_lossy(value);
    let mut pieces = split_params(&text).into_iter();
    let main = pieces.next()?;
    let (t, s) = main.split_once('/')?;
    let (t, s) = (t.trim(), s.trim());
    if t.is_empty() || s.is_empty() {
        return None;
    }
    Some((t.to_owned(), s.to_owned(), params_of(pieces)))
}

/// Splits a structured value at top-level `;`, dropping comments.
fn split_params(text: &str) -> Vec<String> {
    let bytes = text.as_bytes();
    split_top(bytes, b";")
        .into_iter()
        .map(|(s, e, _)| {
            let mut out = String::new();
            let (mut depth, mut quoted) = (0usize, false);
            for c in text[s..e].chars() {
                match c {
                    '"' if depth == 0 => {
                        quoted = !quoted;
                        out.push(c);
                    }
                    '(' if !quoted => depth += 1,
                    ')' if !quoted && depth > 0 => depth -= 1,
                    _ if depth == 0 => out.push(c),
                    _ => {}
                }
            }
            out.trim().to_owned()
        })
        .filter(|p| !p.is_empty())
        .collect()
}

fn params_of(pieces: impl Iterator<Item = String>) -> Vec<(String, String)> {
    pieces
        .filter_map(|p| {
            let (k, v) = p.split_once('=')?;
            let v = v.trim();
            let v = match v.strip_prefix('"').and_then(|v| v.strip_suffix('"')) {
                Some(inner) => inner.replace("\\\"", "\"").replace("\\\\", "\\"),
                None => v.to_owned(),
            };
            Some((k.trim().to_ascii_lowercase(), v))
        })
        .collect()
}

/// Parses a message or part. `digest` is true inside multipart/digest, where the
/// default type is message/rfc822 (RFC 2046 §5.1.5).
pub fn parse(raw: &[u8]) -> Part<'_> {
    parse_at(raw, false, 0)
}

fn parse_at(raw: &[u8], digest: bool, depth: usize) -> Part<'_> {
    let (header, body) = split(raw);
    let (media_type, subtype, params) =
        match field(header, "Content-Type").and_then(|f| content_type(&f.bytes())) {
            Some(ct) => ct,
            None if digest => ("message".into(), "rfc822".into(), Vec::new()),
            None => ("text".into(), "plain".into(), Vec::new()),
        };
    let kind = if depth >= MAX_DEPTH {
        Kind::Leaf
    } else if media_type.eq_ignore_ascii_case("multipart") {
        match params.iter().find(|(k, _)| k == "boundary") {
            Some((_, boundary)) => {
                let digest = subtype.eq_ignore_ascii_case("digest");
                Kind::Multipart(
                    split_multipart(body, boundary.as_bytes())
                        .into_iter()
                        .map(|p| parse_at(p, digest, depth + 1))
                        .collect(),
                )
            }
            None => Kind::Leaf,
        }
    } else if media_type.eq_ignore_ascii_case("message") && subtype.eq_ignore_ascii_case("rfc822") {
        Kind::Message(Box::new(parse_at(body, false, depth + 1)))
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
    }
}

/// The bodies between `--boundary` lines (RFC 2046 §5.1.1). The CRLF before a
/// delimiter belongs to the delimiter, not to the part before it.
fn split_multipart<'a>(body: &'a [u8], boundary: &[u8]) -> Vec<&'a [u8]> {
    let mut delim = b"--".to_vec();
    delim.extend_from_slice(boundary);
    let mut parts = Vec::new();
    let mut starts = Vec::new(); // (line start, line end incl LF, is close)
    let mut pos = 0;
    while pos <= body.len() {
        let end = body[pos..]
            .iter()
            .position(|&b| b == b'\n')
            .map_or(body.len(), |p| pos + p + 1);
        let line = &body[pos..end];
        if line.starts_with(&delim) {
            let rest = &line[delim.len()..];
            let close = rest.starts_with(b"--");
            starts.push((pos, end, close));
            if close {
                break;
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
        let content_end = match starts.get(w + 1) {
            Some(&(next, _, _)) => {
                let mut e = next;
                if e > content_start && body[e - 1] == b'\n' {
                    e -= 1;
                    if e > content_start && body[e - 1] == b'\r' {
                        e -= 1;
                    }
                }
                e.max(content_start)
            }
            None => body.len(),
        };
        parts.push(&body[content_start..content_end]);
    }
    parts
}

impl Part<'_> {
    fn header_text(&self, name: &str) -> Option<Vec<u8>> {
        field(self.header, name)
            .map(|f| f.bytes())
            .filter(|v| !v.is_empty())
    }
}

fn push_params(out: &mut Vec<u8>, params: &[(String, String)]) {
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
        push_string(out, v.as_bytes());
    }
    out.push(b')');
}

fn push_disposition(out: &mut Vec<u8>, part: &Part<'_>) {
    match part.header_text("Content-Disposition") {
        Some(value) => {
            let text = String::from_utf8_lossy(&value).into_owned();
            let mut pieces = split_params(&text).into_iter();
            let kind = pieces.next().unwrap_or_default();
            out.push(b'(');
            push_string(out, kind.as_bytes());
            out.push(b' ');
            push_params(out, &params_of(pieces));
            out.push(b')');
        }
        None => out.extend_from_slice(b"NIL"),
    }
}

fn push_language_location(out: &mut Vec<u8>, part: &Part<'_>) {
    out.push(b' ');
    match part.header_text("Content-Language") {
        Some(v) => {
            let text = String::from_utf8_lossy(&v).into_owned();
            let langs: Vec<&str> = text
                .split(',')
                .map(str::trim)
                .filter(|l| !l.is_empty())
                .collect();
            if langs.len() == 1 {
                push_string(out, langs[0].as_bytes());
            } else {
                out.push(b'(');
                for (i, l) in langs.iter().enumerate() {
                    if i > 0 {
                        out.push(b' ');
                    }
                    push_string(out, l.as_bytes());
                }
                out.push(b')');
            }
        }
        None => out.extend_from_slice(b"NIL"),
    }
    out.push(b' ');
    push_nstring(out, part.header_text("Content-Location").as_deref());
}

/// BODY (`extensible` false) or BODYSTRUCTURE (`extensible` true) of a part.
pub fn push_structure(out: &mut Vec<u8>, part: &Part<'_>, extensible: bool) {
    out.push(b'(');
    match &part.kind {
        Kind::Multipart(children) if !children.is_empty() => {
            for child in children {
                push_structure(out, child, extensible);
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
                && !params.iter().any(|(k, _)| k == "charset")
            {
                params.insert(0, ("charset".into(), "us-ascii".into()));
            }
            push_string(out, part.media_type.as_bytes());
            out.push(b' ');
            push_string(out, part.subtype.as_bytes());
            out.push(b' ');
            push_params(out, &params);
            out.push(b' ');
            push_nstring(out, part.header_text("Content-ID").as_deref());
            out.push(b' ');
            push_nstring(out, part.header_text("Content-Description").as_deref());
            out.push(b' ');
            let encoding = part
                .header_text("Content-Transfer-Encoding")
                .unwrap_or_else(|| b"7bit".to_vec());
            push_string(out, &encoding);
            out.extend_from_slice(format!(" {}", part.body.len()).as_bytes());
            match &part.kind {
                Kind::Message(inner) => {
                    out.push(b' ');
                    out.extend_from_slice(&envelope_of_header(inner.header));
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
pub fn structure(raw: &[u8], extensible: bool) -> Vec<u8> {
    let mut out = Vec::with_capacity(128);
    push_structure(&mut out, &parse(raw), extensible);
    out
}

// ---------------------------------------------------------------------------------
// Body sections

/// What a section asks for, as the mock needs it (mirrors `grammar::section::SectionText`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Want<'s> {
    Full,
    Header,
    Fields { names: &'s [String], not: bool },
    Text,
    Mime,
}

/// The bytes of a body section (RFC 9051 §6.4.5), or `None` if the part does not exist.
pub fn section(raw: &[u8], path: &[u32], want: &Want<'_>) -> Option<Vec<u8>> {
    let root = parse(raw);
    if path.is_empty() {
        return message_section(root.header, root.body, raw, want);
    }
    // Walk down. `cur` is a part; `is_root` marks the message itself standing in for
    // its own part 1 (a non-multipart message has only part 1: its body).
    let mut cur: &Part<'_> = &root;
    for (depth, &n) in path.iter().enumerate() {
        let container: &Part<'_> = match &cur.kind {
            Kind::Message(inner) if depth > 0 => inner,
            _ => cur,
        };
        cur = match &container.kind {
            Kind::Multipart(children) => children.get((n as usize).checked_sub(1)?)?,
            _ if n == 1 => container,
            _ => return None,
        };
    }
    match want {
        Want::Full => Some(cur.body.to_vec()),
        Want::Mime => Some(cur.header.to_vec()),
        _ => match &cur.kind {
            Kind::Message(inner) => message_section(inner.header, inner.body, cur.body, want),
            // Dovecot answers HEADER/TEXT of a non-message part from the part itself.
            _ => message_section(cur.header, cur.body, &[], want),
        },
    }
}

fn message_section(header: &[u8], body: &[u8], whole: &[u8], want: &Want<'_>) -> Option<Vec<u8>> {
    Some(match want {
        Want::Full => whole.to_vec(),
        Want::Header | Want::Mime => header.to_vec(),
        Want::Text => body.to_vec(),
        Want::Fields { names, not } => {
            let mut out = Vec::new();
            for f in fields(header) {
                let listed = names
                    .iter()
                    .any(|n| f.name.eq_ignore_ascii_case(n.as_bytes()));
                if listed != *not {
                    out.extend_from_slice(f.whole);
                    if !f.whole.ends_with(b"\n") {
                        out.extend_from_slice(b"\r\n");
                    }
                }
            }
            out.extend_from_slice(b"\r\n");
            out
        }
    })
}

/// The text SEARCH TEXT/BODY look in, decoded enough to find words: the body, and for
/// TEXT the header too. Case is folded by the caller.
pub fn body_of(raw: &[u8]) -> &[u8] {
    split(raw).1
}

#[cfg(test)]
mod tests {
    use super::*;

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
    fn groups_and_quoted_names() {
        let a = addresses(b"\"Doe, John\" <john@example.com>, undisclosed-recipients:;, x@y");
        assert_eq!(a.len(), 4);
        assert_eq!(a[0].name.as_deref(), Some(&b"Doe, John"[..]));
        assert_eq!(
            a[1].mailbox.as_deref(),
            Some(&b"undisclosed-recipients"[..])
        );
        assert_eq!(
            a[2],
            Address {
                name: None,
                adl: None,
                mailbox: None,
                host: None
            }
        );
        assert_eq!(a[3].host.as_deref(), Some(&b"y"[..]));
    }

    #[test]
    fn multipart_structure_and_parts() {
        let raw = b"Content-Type: multipart/mixed; boundary=\"b1\"\r\n\r\npreamble\r\n--b1\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nhello\r\n--b1\r\nContent-Type: application/octet-stream\r\nContent-Transfer-Encoding: base64\r\nContent-Disposition: attachment; filename=\"a.bin\"\r\n\r\nAAEC\r\n--b1--\r\n";
        let s = String::from_utf8(structure(raw, true)).unwrap();
        assert_eq!(
            s,
            "((\"text\" \"plain\" (\"charset\" \"utf-8\") NIL NIL \"7bit\" 5 0 NIL NIL NIL NIL)(\"application\" \"octet-stream\" NIL NIL NIL \"base64\" 4 NIL (\"attachment\" (\"filename\" \"a.bin\")) NIL NIL) \"mixed\" (\"boundary\" \"b1\") NIL NIL NIL)"
        );
        assert_eq!(section(raw, &[1], &Want::Full).unwrap(), b"hello");
        assert_eq!(section(raw, &[2], &Want::Full).unwrap(), b"AAEC");
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
