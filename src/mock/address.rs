//! Addresses (RFC 5322 §3.4) and ENVELOPE (RFC 9051 §7.5.2), as Dovecot 2.3 reads and
//! writes them.
//!
//! The reading follows Dovecot's `message_address_parse` rather than the RFC alone,
//! because what a learner sees in ENVELOPE is what Dovecot made of the header:
//! - `user@host (Real Name)`: an address without a display name takes the last
//!   comment inside it as its name, wherever the comment stood (`pat(x)@host` too);
//! - a group `team: a@b, c@d;` is a start marker `(NIL NIL "team" NIL)`, its members,
//!   and an end marker `(NIL NIL NIL NIL)` (RFC 9051 §7.5.2);
//! - a missing local part or domain is filled with `MISSING_MAILBOX` or
//!   `MISSING_DOMAIN`, a broken `<...>` gets the domain `SYNTAX_ERROR`, and a broken
//!   source route `INVALID_ROUTE`;
//! - reading stops at the first thing that is neither an address nor a comma.
//!
//! The writing follows Dovecot's quoting: display names and the subject are "strings
//! for humans" ([`push_for_humans`]): runs of whitespace become one space, and a name
//! that had to change, or holds a quote, a backslash or 8-bit text, goes out as a
//! literal. SEARCH FROM/TO/CC/BCC match against [`write`]'s normalized form
//! (`Name <local@domain>`), which is why `pat(comment)@host` is found by
//! `pat@host`.

use super::mime::{fields, push_nstring, Field};
use super::rfc822::{is_atext, Cursor, Step};

/// One address of a list, or a group marker (see the module comment).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Address {
    pub(crate) name: Option<Vec<u8>>,
    /// The source route (RFC 5322 obs-route), `@relay1,@relay2`.
    pub(crate) route: Option<Vec<u8>>,
    pub(crate) mailbox: Option<Vec<u8>>,
    pub(crate) domain: Option<Vec<u8>>,
}

impl Address {
    fn group_start(name: Vec<u8>) -> Self {
        Address {
            mailbox: Some(name),
            ..Address::default()
        }
    }
}

/// Reads an address-list header value. `fill_missing` puts `MISSING_MAILBOX` and
/// `MISSING_DOMAIN` where a part is missing (ENVELOPE and SEARCH do; SORT does too).
pub(crate) fn parse(value: &[u8], fill_missing: bool) -> Vec<Address> {
    let mut p = Parser {
        c: Cursor::new(value),
        out: Vec::new(),
        cur: Address::default(),
        invalid: false,
        text: Vec::new(),
        fill_missing,
    };
    if p.c.skip_lwsp() == Step::More {
        p.address_list();
    }
    p.out
}

struct Parser<'a> {
    c: Cursor<'a>,
    out: Vec<Address>,
    /// The address being read.
    cur: Address,
    /// The address being read is broken somehow.
    invalid: bool,
    /// The local part as far as it was read (Dovecot's `ctx->str`).
    text: Vec<u8>,
    fill_missing: bool,
}

impl Parser<'_> {
    fn add(&mut self) {
        self.out.push(std::mem::take(&mut self.cur));
        self.invalid = false;
    }

    fn add_fixed(&mut self) {
        let filler = |what: &[u8]| {
            if self.fill_missing {
                what.to_vec()
            } else {
                Vec::new()
            }
        };
        if self.cur.mailbox.is_none() {
            self.cur.mailbox = Some(filler(b"MISSING_MAILBOX"));
        }
        if self.cur.domain.as_ref().is_none_or(|d| d.is_empty()) {
            self.cur.domain = Some(filler(b"MISSING_DOMAIN"));
        }
        self.add();
    }

    /// `address-list = address *("," address)`
    fn address_list(&mut self) {
        loop {
            if self.address() == Step::End || !self.c.at(b',') {
                return;
            }
            self.c.bump();
            match self.c.skip_lwsp() {
                Step::More => {}
                Step::End => return,
                // An unclosed comment after the last comma.
                Step::Failed => return self.add_fixed(),
            }
        }
    }

    /// `address = mailbox / group`
    fn address(&mut self) -> Step {
        let start = self.c.pos();
        if let Some(step) = self.group() {
            return step;
        }
        self.c.set_pos(start);
        self.mailbox()
    }

    /// `group = display-name ":" [mailbox-list / CFWS] ";" [CFWS]`; `None` if this is
    /// not a group. A broken member does not end the group.
    fn group(&mut self) -> Option<Step> {
        let mut name = Vec::new();
        if self.c.phrase(&mut name) != Step::More || !self.c.at(b':') {
            return None;
        }
        self.c.bump();
        let mut step = self.c.skip_lwsp();
        self.cur = Address::group_start(name);
        self.add();
        if step == Step::More && !self.c.at(b';') {
            loop {
                let _ = self.mailbox();
                if !self.c.at(b',') {
                    break;
                }
                self.c.bump();
                if self.c.skip_lwsp() != Step::More {
                    step = Step::Failed;
                    break;
                }
            }
        }
        if step != Step::Failed {
            step = if self.c.at(b';') {
                self.c.bump();
                self.c.skip_lwsp()
            } else {
                Step::Failed
            };
        }
        self.add();
        Some(if step == Step::End {
            Step::End
        } else {
            Step::More
        })
    }

    /// `mailbox = name-addr / addr-spec`, added to the list. A quoted local part with
    /// no domain is taken for a display name.
    fn mailbox(&mut self) -> Step {
        let start = self.c.pos();
        let step = match self.name_addr() {
            Some(step) => step,
            None => {
                self.c.set_pos(start);
                let step = self.addr_spec();
                if self.invalid && self.cur.name.is_none() && self.cur.domain.is_none() {
                    self.cur.name = self.cur.mailbox.take();
                }
                step
            }
        };
        self.add_fixed();
        step
    }

    /// `name-addr = [display-name] angle-addr`; `None` if there is no `<`.
    fn name_addr(&mut self) -> Option<Step> {
        let mut name = Vec::new();
        if self.c.phrase(&mut name) != Step::More || !self.c.at(b'<') {
            return None;
        }
        self.cur.name = (!name.is_empty()).then_some(name);
        if self.angle_addr() == Step::Failed {
            self.invalid = true;
            if self.fill_missing {
                self.cur.domain = Some(b"SYNTAX_ERROR".to_vec());
            }
        }
        Some(if self.c.at_end() {
            Step::End
        } else {
            Step::More
        })
    }

    /// `angle-addr = "<" [route ":"] local-part "@" domain ">"`; `<>` has no parts.
    fn angle_addr(&mut self) -> Step {
        self.c.bump();
        if self.c.skip_lwsp() != Step::More {
            return Step::Failed;
        }
        if self.c.at(b'@') {
            if self.route() == Step::More && self.c.at(b':') {
                self.c.bump();
            } else {
                if self.fill_missing {
                    self.cur.route = Some(b"INVALID_ROUTE".to_vec());
                }
                if self.c.at_end() {
                    return Step::Failed;
                }
            }
            if self.c.skip_lwsp() != Step::More {
                return Step::Failed;
            }
        }
        if !self.c.at(b'>') {
            if self.local_part() != Step::More {
                return Step::Failed;
            }
            if self.c.at(b'@') && self.domain() != Step::More {
                return Step::Failed;
            }
        }
        if !self.c.at(b'>') {
            return Step::Failed;
        }
        self.c.bump();
        self.c.skip_lwsp()
    }

    /// `obs-domain-list = "@" domain *(*(CFWS / ",") [CFWS] "@" domain)`
    fn route(&mut self) -> Step {
        let mut route = Vec::new();
        loop {
            if self.c.at_end() {
                return Step::End;
            }
            if !self.c.at(b'@') {
                break;
            }
            if !route.is_empty() {
                route.push(b',');
            }
            route.push(b'@');
            let step = self.c.domain(&mut route);
            if step != Step::More {
                return step;
            }
            while self.c.skip_lwsp() == Step::More && self.c.at(b',') {
                self.c.bump();
            }
        }
        self.cur.route = Some(route);
        Step::More
    }

    /// `local-part = dot-atom / quoted-string / obs-local-part`, read as Dovecot 2.3.19
    /// reads it for ENVELOPE ([`nonstrict_dot_atom`]). What was read stays in
    /// `self.text` even when it fails: a display name may go on from it.
    fn local_part(&mut self) -> Step {
        self.text.clear();
        let step = if self.c.at(b'"') {
            self.c.quoted_string(&mut self.text)
        } else {
            nonstrict_dot_atom(&mut self.c, &mut self.text)
        };
        if step != Step::Failed {
            self.cur.mailbox = Some(self.text.clone());
        }
        step
    }

    fn domain(&mut self) -> Step {
        let mut domain = Vec::new();
        let step = self.c.domain(&mut domain);
        if step != Step::Failed {
            self.cur.domain = Some(domain);
        }
        step
    }

    /// `addr-spec = local-part "@" domain`. A comment inside names the address; a
    /// word with no `@` after it is a mailbox with no domain, or, when more words
    /// follow, the start of a display name with no address at all.
    fn addr_spec(&mut self) -> Step {
        self.c.last_comment.clear();
        let quoted = self.c.at(b'"');
        let mut step = self.local_part();
        if step != Step::More {
            self.invalid = true;
        }
        let mut read_domain = false;
        if step != Step::End && self.c.at(b'@') {
            read_domain = true;
            let domain = self.domain();
            if domain != Step::More {
                step = domain;
            }
        }
        if !self.c.last_comment.is_empty() {
            self.cur.name = Some(self.c.last_comment.clone());
        } else if !read_domain {
            let mut name = std::mem::take(&mut self.text);
            name.push(b' ');
            let before = name.len();
            let _ = self.c.phrase(&mut name);
            if name.len() != before {
                self.cur.mailbox = None;
                self.cur.name = Some(name);
            } else if !quoted {
                self.cur.domain = Some(Vec::new());
            }
            self.invalid = true;
            step = Step::Failed;
        }
        step
    }
}

/// A local part's dot-atom as Dovecot 2.3.19 reads it for ENVELOPE
/// (`parse_nonstrict_dot_atom`): dots may lead, end or repeat (`.a`, `a.`, `a..b`),
/// and CFWS may come before a dot but not after one, so `first . last@host` is no
/// address (RFC 5322 §4.4's obs-local-part would allow it). Domains keep the CFWS.
fn nonstrict_dot_atom(c: &mut Cursor<'_>, out: &mut Vec<u8>) -> Step {
    let mut step = Step::Failed;
    loop {
        while c.at(b'.') {
            out.push(b'.');
            c.bump();
            if c.at_end() {
                return Step::End;
            }
            step = Step::More;
        }
        if c.at(b'@') {
            return step;
        }
        step = c.atom(out);
        if step != Step::More || !c.at(b'.') {
            return step;
        }
    }
}

/// An address list written back as text, as Dovecot normalizes it for SEARCH:
/// `<local@domain>`, `"Display Name" <@route:local@domain>`, `group: a, b;`. Names
/// are quoted unless they are all atext, local parts unless they are a dot-atom; a
/// name with an encoded-word goes as it is (quoting would hide the word).
pub(crate) fn write(list: &[Address]) -> Vec<u8> {
    let mut out = Vec::new();
    let mut in_group = false;
    let mut first = true;
    for a in list {
        if !first {
            out.extend_from_slice(b", ");
        }
        first = false;
        let Some(domain) = &a.domain else {
            if in_group {
                // Cut the ", " after the last member, or the space after the colon.
                if out.ends_with(b", ") {
                    out.truncate(out.len() - 2);
                } else if out.ends_with(b": ") {
                    out.pop();
                }
                out.push(b';');
            } else {
                match a.mailbox.as_deref().filter(|m| !m.is_empty()) {
                    Some(name) => push_phrase(&mut out, name),
                    None => out.extend_from_slice(b"\"\""),
                }
                out.extend_from_slice(b": ");
                first = true;
            }
            in_group = !in_group;
            continue;
        };
        let mailbox = a.mailbox.as_deref().unwrap_or_default();
        if let Some(name) = &a.name {
            push_phrase(&mut out, name);
        }
        if a.route.is_none() && mailbox.is_empty() && domain.is_empty() {
            continue;
        }
        if a.name.as_ref().is_some_and(|n| !n.is_empty()) {
            out.push(b' ');
        }
        out.push(b'<');
        if let Some(route) = &a.route {
            out.extend_from_slice(route);
            out.push(b':');
        }
        if mailbox.is_empty() {
            out.extend_from_slice(b"\"\"");
        } else {
            push_maybe_quoted(&mut out, mailbox, false);
        }
        if !domain.is_empty() {
            out.push(b'@');
            out.extend_from_slice(domain);
        }
        out.push(b'>');
    }
    out
}

/// A display name or group name: as it is if it holds an encoded-word, else quoted
/// when needed.
fn push_phrase(out: &mut Vec<u8>, name: &[u8]) {
    if name.windows(2).any(|w| w == b"=?") {
        out.extend_from_slice(name);
    } else {
        push_maybe_quoted(out, name, true);
    }
}

/// Quotes `s` unless every byte is atext (or a dot, when `dots_ok`), and escapes
/// `"`, `\` and `'` inside the quotes.
fn push_maybe_quoted(out: &mut Vec<u8>, s: &[u8], quote_dots: bool) {
    if s.iter().all(|&b| is_atext(b) || (!quote_dots && b == b'.')) {
        out.extend_from_slice(s);
        return;
    }
    out.push(b'"');
    for &b in s {
        if matches!(b, b'"' | b'\\' | b'\'') {
            out.push(b'\\');
        }
        out.push(b);
    }
    out.push(b'"');
}

/// Appends `s` as Dovecot's "string for humans": tabs become spaces, CR and LF go,
/// runs of spaces shrink to one and the ends are trimmed; NUL becomes 0x80. Quoted
/// if nothing had to change and no quote, backslash or 8-bit byte is in it; `""` if
/// only whitespace was; a literal otherwise.
pub(crate) fn push_for_humans(out: &mut Vec<u8>, s: &[u8]) {
    let plain = !s.is_empty()
        && s[0] != b' '
        && s[s.len() - 1] != b' '
        && !s.windows(2).any(|w| w == b"  ")
        && !s
            .iter()
            .any(|&b| matches!(b, 0 | b'\t' | b'\r' | b'\n' | b'"' | b'\\') || b >= 0x80);
    if plain || s.is_empty() {
        out.push(b'"');
        out.extend_from_slice(s);
        out.push(b'"');
        return;
    }
    let mut text = Vec::with_capacity(s.len());
    let mut space = true; // at the start, whitespace is dropped
    for &b in s {
        match b {
            // A bare CR left in the value (one that ends no line) is a blank too.
            b' ' | b'\t' | b'\r' | b'\n' => {
                if !space {
                    text.push(b' ');
                }
                space = true;
            }
            0 => {
                text.push(0x80);
                space = false;
            }
            _ => {
                text.push(b);
                space = false;
            }
        }
    }
    if space && text.last() == Some(&b' ') {
        text.pop();
    }
    if text.is_empty() {
        out.extend_from_slice(b"\"\"");
        return;
    }
    out.extend_from_slice(format!("{{{}}}\r\n", text.len()).as_bytes());
    out.extend_from_slice(&text);
}

fn push_list(out: &mut Vec<u8>, list: &[Address]) {
    if list.is_empty() {
        out.extend_from_slice(b"NIL");
        return;
    }
    out.push(b'(');
    for a in list {
        out.push(b'(');
        match &a.name {
            Some(name) => push_for_humans(out, name),
            None => out.extend_from_slice(b"NIL"),
        }
        for part in [&a.route, &a.mailbox, &a.domain] {
            out.push(b' ');
            push_nstring(out, part.as_deref());
        }
        out.push(b')');
    }
    out.push(b')');
}

/// ENVELOPE (RFC 9051 §7.5.2) of a message header, as Dovecot writes it. When a text
/// field appears twice the last one counts; the addresses of all are kept.
pub(crate) fn envelope(header: &[u8]) -> Vec<u8> {
    let all = fields(header);
    let named = |name: &'static str| {
        all.iter()
            .filter(move |f| f.name.eq_ignore_ascii_case(name.as_bytes()))
    };
    let text = |name| named(name).next_back().map(Field::dovecot_value);
    let nolf = |name| text(name).map(|v| super::mime::without_bare_cr(&v));
    // Addresses of a field that appears twice are all kept, in order. A field with no
    // address in it counts as absent (Sender and Reply-To then fall back to From).
    let list = |name| {
        let all: Vec<Address> = named(name)
            .flat_map(|f| parse(&f.dovecot_value(), true))
            .collect();
        (!all.is_empty()).then_some(all)
    };
    let mut out = Vec::with_capacity(256);
    out.push(b'(');
    push_nstring(&mut out, nolf("Date").as_deref());
    out.push(b' ');
    match text("Subject") {
        Some(subject) => push_for_humans(&mut out, &subject),
        None => out.extend_from_slice(b"NIL"),
    }
    let from = list("From").unwrap_or_default();
    let sender = list("Sender").unwrap_or_else(|| from.clone());
    let reply_to = list("Reply-To").unwrap_or_else(|| from.clone());
    for l in [
        &from,
        &sender,
        &reply_to,
        &list("To").unwrap_or_default(),
        &list("Cc").unwrap_or_default(),
        &list("Bcc").unwrap_or_default(),
    ] {
        out.push(b' ');
        push_list(&mut out, l);
    }
    for name in ["In-Reply-To", "Message-ID"] {
        out.push(b' ');
        push_nstring(&mut out, nolf(name).as_deref());
    }
    out.push(b')');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn one(value: &str) -> Address {
        let list = parse(value.as_bytes(), true);
        assert_eq!(list.len(), 1, "{value}: {list:?}");
        list.into_iter().next().unwrap_or_default()
    }

    fn addr(name: Option<&str>, route: Option<&str>, mailbox: &str, domain: &str) -> Address {
        let b = |s: &str| Some(s.as_bytes().to_vec());
        Address {
            name: name.and_then(b),
            route: route.and_then(b),
            mailbox: b(mailbox),
            domain: b(domain),
        }
    }

    #[test]
    fn single_addresses_as_dovecot_reads_them() {
        // (header value, name, route, mailbox, domain)
        type Case<'a> = (&'a str, Option<&'a str>, Option<&'a str>, &'a str, &'a str);
        let cases: [Case; 9] = [
            // A comment names an address that has no display name, wherever it is.
            (
                "bob@lab.example (Bob Builder)",
                Some("Bob Builder"),
                None,
                "bob",
                "lab.example",
            ),
            (
                "pat(comment)@lab.example",
                Some("comment"),
                None,
                "pat",
                "lab.example",
            ),
            (
                "quinn@lab(another).example",
                Some("another"),
                None,
                "quinn",
                "lab.example",
            ),
            // A display name wins over comments.
            (
                "Tom (the boss) Other <tom@x>",
                Some("Tom Other"),
                None,
                "tom",
                "x",
            ),
            (
                "<@relay.example:route@lab.example>",
                None,
                Some("@relay.example"),
                "route",
                "lab.example",
            ),
            ("nodomain", None, None, "nodomain", "MISSING_DOMAIN"),
            ("Name <broken", Some("Name"), None, "broken", "SYNTAX_ERROR"),
            // A quoted local part alone is a name; several words are a name too.
            (
                "\"john doe\"",
                Some("john doe"),
                None,
                "MISSING_MAILBOX",
                "MISSING_DOMAIN",
            ),
            (
                "two words",
                Some("two words"),
                None,
                "MISSING_MAILBOX",
                "MISSING_DOMAIN",
            ),
        ];
        for (value, name, route, mailbox, domain) in cases {
            assert_eq!(one(value), addr(name, route, mailbox, domain), "{value}");
        }
    }

    /// Dovecot 2.3.19's non-strict local part (fetch-address-dots.txt): dots anywhere,
    /// CFWS before a dot but not after one, where the rest becomes a display name.
    #[test]
    fn local_parts_with_odd_dots() {
        assert_eq!(one(".a@b"), addr(None, None, ".a", "b"));
        assert_eq!(one("a.@b"), addr(None, None, "a.", "b"));
        assert_eq!(one("a..b@c"), addr(None, None, "a..b", "c"));
        assert_eq!(one("first .last@x"), addr(None, None, "first.last", "x"));
        assert_eq!(one("x@ a . b"), addr(None, None, "x", "a.b"));
        assert_eq!(
            one("first . last@x"),
            addr(
                Some("first.  last"),
                None,
                "MISSING_MAILBOX",
                "MISSING_DOMAIN"
            )
        );
        assert_eq!(
            one("first (c) . last@x"),
            addr(Some("c"), None, "MISSING_MAILBOX", "MISSING_DOMAIN")
        );
    }

    #[test]
    fn groups_routes_and_missing_parts() {
        let list = parse(
            b"team: ann@x, \"Ben B.\" <ben@x>;, carl@x, undisclosed-recipients:;",
            true,
        );
        let shown: Vec<String> = list
            .iter()
            .map(|a| String::from_utf8_lossy(&write(std::slice::from_ref(a))).into_owned())
            .collect();
        assert_eq!(list.len(), 7, "{shown:?}");
        assert_eq!(list[0], Address::group_start(b"team".to_vec()));
        assert_eq!(list[3], Address::default());
        assert_eq!(
            String::from_utf8_lossy(&write(&list)),
            "team: <ann@x>, \"Ben B.\" <ben@x>;, <carl@x>, undisclosed-recipients:;"
        );
        assert!(parse(b"   (only a comment) ", true).is_empty());
    }

    #[test]
    fn names_for_humans() {
        let shown = |s: &str| {
            let mut out = Vec::new();
            push_for_humans(&mut out, s.as_bytes());
            String::from_utf8_lossy(&out).into_owned()
        };
        assert_eq!(shown("Alice Example"), "\"Alice Example\"");
        assert_eq!(shown("  a \t b  "), "{3}\r\na b");
        assert_eq!(
            shown("Name \"with\" quotes"),
            "{18}\r\nName \"with\" quotes"
        );
        assert_eq!(shown("Zoë"), "{4}\r\nZoë");
        assert_eq!(shown("   "), "\"\"");
        assert_eq!(shown(""), "\"\"");
    }

    #[test]
    fn the_last_field_counts() {
        let env = envelope(b"Subject: one\r\nSubject: two\r\nFrom: a@b\r\nFrom: c@d\r\n");
        assert!(String::from_utf8_lossy(&env)
            .starts_with("(NIL \"two\" ((NIL NIL \"a\" \"b\")(NIL NIL \"c\" \"d\"))"));
    }
}
