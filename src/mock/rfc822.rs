//! Reading structured header values (RFC 5322 §3.2, RFC 2045 §5.1) the way Dovecot
//! 2.3 reads them: the tokens addresses, Content-Type parameters and Message-IDs are
//! made of.
//!
//! One [`Cursor`] over the value's bytes, with Dovecot's leniencies, because what the
//! mock must reproduce is what Dovecot makes of odd headers, not what the RFC allows:
//! - whitespace and comments may stand around every token, and around the dots of a
//!   dot-atom (RFC 822 did allow that);
//! - the text of the last comment skipped is kept ([`Cursor::last_comment`]): an
//!   address with no display name takes it as its name (`user@host (Real Name)`);
//! - a phrase may hold dots (obs-phrase), and its words are joined by one space;
//! - a parameter that does not parse is skipped one byte at a time until the next
//!   one does ([`params`]), and RFC 2231 continuations (`title*0`, `title*1`) are
//!   joined into one parameter.
//!
//! Every reader returns [`Step`]: the token was read and more follows, it was read
//! and the value ended, or it was not there.

/// `atext` (RFC 5322 §3.2.3): any printable ASCII but specials; 8-bit bytes count as
/// atext, as Dovecot lets them.
pub(crate) fn is_atext(b: u8) -> bool {
    b >= 0x80
        || b.is_ascii_alphanumeric()
        || matches!(
            b,
            b'!' | b'#'
                | b'$'
                | b'%'
                | b'&'
                | b'\''
                | b'*'
                | b'+'
                | b'-'
                | b'/'
                | b'='
                | b'?'
                | b'^'
                | b'_'
                | b'`'
                | b'{'
                | b'|'
                | b'}'
                | b'~'
        )
}

/// A MIME `token` character (RFC 2045 §5.1): atext without `/`, `?` and `=`.
fn is_token(b: u8) -> bool {
    is_atext(b) && !matches!(b, b'/' | b'?' | b'=')
}

/// A parameter's name and value, as written.
type Param = (Vec<u8>, Vec<u8>);

/// The outcome of reading a token.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Step {
    /// Read; more input follows.
    More,
    /// Read; the value ends here.
    End,
    /// Not there, or broken (an unclosed quote or comment).
    Failed,
}

impl Step {
    pub(crate) fn ok(self) -> bool {
        self != Step::Failed
    }

    fn from_more(more: bool) -> Step {
        if more {
            Step::More
        } else {
            Step::End
        }
    }
}

/// A position in a header value.
pub(crate) struct Cursor<'a> {
    data: &'a [u8],
    pos: usize,
    /// The text of the last comment skipped, without its parentheses.
    pub(crate) last_comment: Vec<u8>,
}

impl<'a> Cursor<'a> {
    pub(crate) fn new(data: &'a [u8]) -> Self {
        Cursor {
            data,
            pos: 0,
            last_comment: Vec::new(),
        }
    }

    pub(crate) fn peek(&self) -> Option<u8> {
        self.data.get(self.pos).copied()
    }

    pub(crate) fn at(&self, b: u8) -> bool {
        self.peek() == Some(b)
    }

    pub(crate) fn at_end(&self) -> bool {
        self.pos >= self.data.len()
    }

    pub(crate) fn pos(&self) -> usize {
        self.pos
    }

    pub(crate) fn set_pos(&mut self, pos: usize) {
        self.pos = pos.min(self.data.len());
    }

    pub(crate) fn bump(&mut self) {
        if self.pos < self.data.len() {
            self.pos += 1;
        }
    }

    /// Skips a comment, which may nest; its text becomes [`Self::last_comment`]
    /// (quoted-pairs unescaped; a CR left in the unfolded value stays, as in Dovecot).
    fn skip_comment(&mut self) -> Step {
        self.last_comment.clear();
        self.pos += 1;
        let mut depth = 1;
        while let Some(b) = self.peek() {
            self.pos += 1;
            match b {
                b'(' => depth += 1,
                b')' => {
                    depth -= 1;
                    if depth == 0 {
                        return Step::from_more(!self.at_end());
                    }
                }
                // A backslash before a line break or NUL escapes nothing.
                b'\\' => match self.peek() {
                    None => return Step::Failed,
                    Some(b'\r' | b'\n' | 0) => {}
                    Some(next) => {
                        self.pos += 1;
                        self.last_comment.push(next);
                        continue;
                    }
                },
                _ => {}
            }
            self.last_comment.push(b);
        }
        Step::Failed
    }

    /// CFWS: whitespace, line breaks and comments.
    pub(crate) fn skip_lwsp(&mut self) -> Step {
        while let Some(b) = self.peek() {
            match b {
                b' ' | b'\t' | b'\r' | b'\n' => self.pos += 1,
                b'(' => {
                    if self.skip_comment() == Step::Failed {
                        return Step::Failed;
                    }
                }
                _ => break,
            }
        }
        Step::from_more(!self.at_end())
    }

    /// Bytes while `keep` holds, appended to `out`; then CFWS.
    fn run(&mut self, out: &mut Vec<u8>, keep: impl Fn(u8) -> bool) -> Step {
        let start = self.pos;
        while self.peek().is_some_and(&keep) {
            self.pos += 1;
        }
        out.extend_from_slice(&self.data[start..self.pos]);
        if self.at_end() {
            return Step::End;
        }
        self.skip_lwsp()
    }

    /// `atom = [CFWS] 1*atext [CFWS]`.
    pub(crate) fn atom(&mut self, out: &mut Vec<u8>) -> Step {
        if !self.peek().is_some_and(is_atext) {
            return Step::Failed;
        }
        self.run(out, is_atext)
    }

    /// `dot-atom = [CFWS] dot-atom-text [CFWS]`, with CFWS allowed around the dots;
    /// an empty atom (`a..b`) or a dot at the end fails.
    pub(crate) fn dot_atom(&mut self, out: &mut Vec<u8>) -> Step {
        if !self.peek().is_some_and(is_atext) {
            return Step::Failed;
        }
        loop {
            if !self.peek().is_some_and(is_atext) {
                return Step::Failed;
            }
            let step = self.run(out, is_atext);
            if step != Step::More || !self.at(b'.') {
                return step;
            }
            self.pos += 1;
            out.push(b'.');
            if self.skip_lwsp() != Step::More {
                return Step::Failed;
            }
        }
    }

    /// A MIME token (dots allowed, as Dovecot allows them).
    pub(crate) fn mime_token(&mut self, out: &mut Vec<u8>) -> Step {
        self.run(out, |b| is_token(b) || b == b'.')
    }

    /// `quoted-string`, unescaped, folding removed; then CFWS. A backslash before a
    /// line break escapes nothing and stays.
    pub(crate) fn quoted_string(&mut self, out: &mut Vec<u8>) -> Step {
        self.pos += 1;
        while let Some(b) = self.peek() {
            self.pos += 1;
            match b {
                b'"' => return self.skip_lwsp(),
                b'\\' => match self.peek() {
                    None => return Step::Failed,
                    Some(b'\r' | b'\n' | 0) => out.push(b),
                    Some(next) => {
                        self.pos += 1;
                        out.push(next);
                    }
                },
                b'\n' => {
                    if out.last() == Some(&b'\r') {
                        out.pop();
                    }
                }
                _ => out.push(b),
            }
        }
        Step::Failed
    }

    /// `phrase = 1*word / obs-phrase`: words (atoms, quoted strings, dots) joined by
    /// one space.
    pub(crate) fn phrase(&mut self, out: &mut Vec<u8>) -> Step {
        match self.peek() {
            None => return Step::End,
            Some(b'.') => return Step::Failed,
            _ => {}
        }
        loop {
            let step = if self.at(b'"') {
                self.quoted_string(out)
            } else {
                self.run(out, |b| is_atext(b) || b == b'.')
            };
            if step != Step::More {
                return step;
            }
            match self.peek() {
                Some(b) if is_atext(b) || b == b'"' || b == b'.' => out.push(b' '),
                _ => return self.skip_lwsp(),
            }
        }
    }

    /// `domain` after its `@`: a dot-atom or a domain literal (`[...]`, kept whole
    /// with its backslashes, line breaks removed).
    pub(crate) fn domain(&mut self, out: &mut Vec<u8>) -> Step {
        self.pos += 1;
        if self.skip_lwsp() != Step::More {
            return Step::Failed;
        }
        if !self.at(b'[') {
            return self.dot_atom(out);
        }
        out.push(b'[');
        self.pos += 1;
        while let Some(b) = self.peek() {
            self.pos += 1;
            match b {
                b'[' => return Step::Failed,
                b']' => {
                    out.push(b);
                    return self.skip_lwsp();
                }
                b'\n' => {
                    if out.last() == Some(&b'\r') {
                        out.pop();
                    }
                }
                b'\\' => {
                    out.push(b);
                    match self.peek() {
                        None => return Step::Failed,
                        Some(b'\r' | b'\n' | 0) => {}
                        Some(next) => {
                            self.pos += 1;
                            out.push(next);
                        }
                    }
                }
                _ => out.push(b),
            }
        }
        Step::Failed
    }

    /// `";" attribute "=" value`: one parameter. `None` at the end of the value; a
    /// parameter that does not parse is `Some(Err(()))`.
    fn param(&mut self) -> Option<Result<Param, ()>> {
        if self.at_end() {
            return None;
        }
        if !self.at(b';') {
            return Some(Err(()));
        }
        self.pos += 1;
        if self.skip_lwsp() != Step::More {
            return Some(Err(()));
        }
        let mut key = Vec::new();
        if self.mime_token(&mut key) != Step::More || !self.at(b'=') {
            return Some(Err(()));
        }
        self.pos += 1;
        let mut value = Vec::new();
        let step = match self.skip_lwsp() {
            Step::More if self.at(b'"') => self.quoted_string(&mut value),
            // `name==?utf-8?b?...?=`: broken, but common; read to the next separator.
            Step::More if self.at(b'=') => {
                while self
                    .peek()
                    .is_some_and(|b| !matches!(b, b';' | b' ' | b'\t' | b'\r' | b'\n'))
                {
                    value.push(self.data[self.pos]);
                    self.pos += 1;
                }
                Step::More
            }
            Step::More => self.mime_token(&mut value),
            other => other,
        };
        Some(if step.ok() { Ok((key, value)) } else { Err(()) })
    }
}

/// The parameters after a Content-Type or Content-Disposition value, in order, with
/// RFC 2231 continuations (`key*0`, `key*1*`...) joined after the plain ones (RFC
/// 2231 §3, §4): names keep their case, as Dovecot keeps them, and values their bytes
/// (8-bit text goes out as it came).
pub(crate) fn params(cursor: &mut Cursor<'_>) -> Vec<(String, Vec<u8>)> {
    let mut plain = Vec::new();
    // (key, index, extended, value)
    let mut split: Vec<(String, u32, bool, Vec<u8>)> = Vec::new();
    let mut index = 0;
    while let Some(param) = cursor.param() {
        let Ok((key, value)) = param else {
            // Skip a byte and try again, as Dovecot does.
            cursor.bump();
            continue;
        };
        let key = String::from_utf8_lossy(&key).into_owned();
        match rfc2231_key(&key, &mut index) {
            Some((name, extended)) => split.push((name, index, extended, value)),
            None => plain.push((key, value)),
        }
    }
    split.sort_by(|a, b| a.0.cmp(&b.0).then(a.1.cmp(&b.1)));
    let mut i = 0;
    while i < split.len() {
        let name = &split[i].0;
        let j = i + split[i..]
            .iter()
            .take_while(|p| p.0.eq_ignore_ascii_case(name))
            .count();
        let group = &split[i..j];
        let complete = group.iter().zip(0..).all(|(p, n)| p.1 == n);
        let extended = group.iter().any(|p| p.2);
        if complete {
            let mut value = Vec::new();
            if extended && !group[0].2 {
                value.extend_from_slice(b"''");
            }
            for p in group {
                for &b in &p.3 {
                    value.push(b);
                    if extended && !p.2 && b == b'%' {
                        value.extend_from_slice(b"25");
                    }
                }
            }
            let key = if extended {
                format!("{name}*")
            } else {
                name.clone()
            };
            plain.push((key, value));
        } else {
            for p in group {
                let star = if p.2 { "*" } else { "" };
                plain.push((format!("{}*{}{star}", p.0, p.1), p.3.clone()));
            }
        }
        i = j;
    }
    plain
}

/// `name*`, `name*3`, `name*3*` → (name, extended); the index goes to `index`. A
/// bare `name*` keeps the index of the parameter before it (Dovecot's reading).
fn rfc2231_key(key: &str, index: &mut u32) -> Option<(String, bool)> {
    let star = key.find('*')?;
    let name = key[..star].to_owned();
    let after = &key[star + 1..];
    if after.is_empty() {
        return Some((name, true));
    }
    let digits = after.bytes().take_while(u8::is_ascii_digit).count();
    *index = after[..digits].bytes().fold(0u32, |n, d| {
        n.wrapping_mul(10).wrapping_add(u32::from(d - b'0'))
    });
    match &after[digits..] {
        "" => Some((name, false)),
        "*" => Some((name, true)),
        _ => None,
    }
}

/// The first Message-ID in a header value (`<left@right>`), without its brackets and
/// with whitespace removed; `rest` moves past it. What Dovecot threads by: a `<...>`
/// without `@` is skipped, and the next one tried.
pub(crate) fn next_message_id(rest: &mut &[u8]) -> Option<String> {
    loop {
        let open = rest.iter().position(|&b| b == b'<')?;
        *rest = &rest[open + 1..];
        let stop = rest
            .iter()
            .position(|&b| matches!(b, b'>' | b'"' | b'(' | b'['))?;
        if rest[stop] == b'>' {
            let inner = &rest[..stop];
            *rest = &rest[stop + 1..];
            if inner.contains(&b'@') {
                let id: Vec<u8> = inner
                    .iter()
                    .copied()
                    .filter(|b| !matches!(b, b' ' | b'\t' | b'\r' | b'\n'))
                    .collect();
                return Some(String::from_utf8_lossy(&id).into_owned());
            }
            continue;
        }
        // Quotes, comments or a literal inside: read it token by token.
        let mut cursor = Cursor::new(rest);
        let mut id = Vec::new();
        let _ = cursor.skip_lwsp();
        let left = if cursor.at(b'"') {
            cursor.quoted_string(&mut id)
        } else {
            cursor.dot_atom(&mut id)
        };
        if left.ok() && cursor.at(b'@') {
            id.push(b'@');
            cursor.bump();
            let _ = cursor.skip_lwsp();
            if cursor.dot_atom(&mut id).ok() && cursor.at(b'>') {
                *rest = &rest[cursor.pos() + 1..];
                return Some(String::from_utf8_lossy(&id).into_owned());
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn params_of(text: &str) -> Vec<(String, String)> {
        params(&mut Cursor::new(text.as_bytes()))
            .into_iter()
            .map(|(k, v)| (k, String::from_utf8_lossy(&v).into_owned()))
            .collect()
    }

    /// mime-random-8bit-params.txt: Dovecot writes 8-bit values back byte for byte.
    #[test]
    fn values_keep_their_bytes() {
        let got = params(&mut Cursor::new(b"; a=\"J\xf6rg\"; t*0=\"\xe4\"; t*1*=%41"));
        assert_eq!(
            got,
            [
                ("a".to_owned(), b"J\xf6rg".to_vec()),
                ("t*".to_owned(), b"''\xe4%41".to_vec())
            ]
        );
    }

    #[test]
    fn comments_are_skipped_and_remembered() {
        let mut c = Cursor::new(b"user@host (Real \\) Name)");
        let mut out = Vec::new();
        assert_eq!(c.dot_atom(&mut out), Step::More);
        assert_eq!(out, b"user");
        assert_eq!(c.domain(&mut out), Step::End);
        assert_eq!(c.last_comment, b"Real ) Name");
    }

    #[test]
    fn phrases_join_words_with_one_space() {
        let mut out = Vec::new();
        let step = Cursor::new(b"Sam   \"O. \\\"Q\\\"\"  J. <x@y>").phrase(&mut out);
        assert_eq!(step, Step::More);
        assert_eq!(String::from_utf8_lossy(&out), "Sam O. \"Q\" J.");
    }

    #[test]
    fn parameters_keep_case_and_join_continuations() {
        assert_eq!(
            params_of("; CHARSET=UTF-8; Format=\"Flowed\""),
            [
                ("CHARSET".into(), "UTF-8".into()),
                ("Format".into(), "Flowed".into())
            ]
        );
        assert_eq!(
            params_of("; name*=utf-8''%C3%BC.pdf;\r\n title*0=\"Part one, \"; title*1=\"two\""),
            [
                ("name*".into(), "utf-8''%C3%BC.pdf".into()),
                ("title".into(), "Part one, two".into())
            ]
        );
        // Mixed encoded and plain pieces: the plain ones are %-escaped.
        assert_eq!(
            params_of("; t*0*=us-ascii''a%20; t*1=\"50%\""),
            [("t*".into(), "us-ascii''a%2050%25".into())]
        );
        // A gap in the numbering: kept as they came.
        assert_eq!(
            params_of("; t*0=a; t*2=c"),
            [("t*0".into(), "a".into()), ("t*2".into(), "c".into())]
        );
        // Broken parameters are skipped.
        assert_eq!(params_of("; charset; format="), []);
        assert_eq!(params_of("; a=1; b; c=3"), [("a".into(), "1".into())]);
    }

    #[test]
    fn message_ids_as_dovecot_threads_them() {
        let mut rest: &[u8] = b"<a1@x>\r\n <no-at> junk < b 2@y >";
        assert_eq!(next_message_id(&mut rest).as_deref(), Some("a1@x"));
        assert_eq!(next_message_id(&mut rest).as_deref(), Some("b2@y"));
        assert_eq!(next_message_id(&mut rest), None);
        let mut quoted: &[u8] = b"<\"odd id\"@host>";
        assert_eq!(next_message_id(&mut quoted).as_deref(), Some("odd id@host"));
    }
}
