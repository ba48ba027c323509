//! Text from HTML, as Dovecot 2.3.19's mail_html2text makes it for previews
//! (RFC 8970 PREVIEW, `super::preview`): tags become a space, `<style>`, `<script>`,
//! comments and CDATA markers go (CDATA's text stays), entities are decoded, and a
//! `<blockquote>` becomes lines that start with `>`, which the preview keeps apart as
//! quoted text. A tag or entity that never ends stops the text there: Dovecot waits
//! for more input, and none comes.

/// HTML's whitespace, for tags and entities.
fn html_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\r' | b'\n')
}

fn starts_with_ignore_case(data: &[u8], prefix: &[u8]) -> bool {
    data.len() >= prefix.len() && data[..prefix.len()].eq_ignore_ascii_case(prefix)
}

/// A tag's name ends here: `<style>` or `<style type=...>`.
fn name_ends(data: &[u8], at: usize) -> bool {
    data.get(at).is_some_and(|&b| html_space(b) || b == b'>')
}

/// Where the reader is: in text, inside a tag (and its quoted attribute values), or
/// in something skipped whole.
#[derive(Clone, Copy, PartialEq)]
enum State {
    Text,
    Tag,
    TagDquoted,
    TagDquotedEscape,
    TagSquoted,
    TagSquotedEscape,
    Comment,
    CommentEnd,
    Script,
    Style,
    Cdata,
}

/// Text from HTML, as Dovecot's mail_html2text does it for previews.
pub(crate) fn html_to_text(html: &[u8]) -> String {
    let mut reader = Reader {
        out: Vec::with_capacity(html.len()),
        state: State::Text,
        quote_level: 0,
    };
    let mut i = 0;
    while i < html.len() {
        match reader.step(html, i) {
            Some(next) => i = next,
            None => break,
        }
    }
    String::from_utf8_lossy(&reader.out).into_owned()
}

struct Reader {
    out: Vec<u8>,
    state: State,
    /// How many `<blockquote>`s are open.
    quote_level: u32,
}

impl Reader {
    /// Reads the byte at `i`; returns where to read next, or `None` to stop.
    fn step(&mut self, html: &[u8], i: usize) -> Option<usize> {
        let c = html[i];
        match self.state {
            State::Text if c == b'<' => return self.open_tag(&html[i + 1..]).map(|n| i + n),
            State::Text if c == b'&' => return self.entity(&html[i + 1..]).map(|n| i + n),
            State::Text => self.out.push(c),
            State::Tag => match c {
                b'"' => self.state = State::TagDquoted,
                b'\'' => self.state = State::TagSquoted,
                b'>' => {
                    self.state = State::Text;
                    self.add_space();
                }
                _ => {}
            },
            State::TagDquoted => match c {
                b'"' => self.state = State::Tag,
                b'\\' => self.state = State::TagDquotedEscape,
                _ => {}
            },
            State::TagDquotedEscape => self.state = State::TagDquoted,
            State::TagSquoted => match c {
                b'\'' => self.state = State::Tag,
                b'\\' => self.state = State::TagSquotedEscape,
                _ => {}
            },
            State::TagSquotedEscape => self.state = State::TagSquoted,
            _ => return Some(i + self.skipped(&html[i..])),
        }
        Some(i + 1)
    }

    /// A space after a tag, unless the text already ends with one or a line break.
    fn add_space(&mut self) {
        if self.out.last().is_some_and(|&b| b != b' ' && b != b'\n') {
            self.out.push(b' ');
        }
    }

    /// After a `<` in text (`tag` is what follows it): how far to go on from the `<`.
    fn open_tag(&mut self, tag: &[u8]) -> Option<usize> {
        let skipped = [
            (&b"!--"[..], State::Comment, false),
            (b"script", State::Script, true),
            (b"style", State::Style, true),
            (b"![CDATA[", State::Cdata, false),
        ];
        for (name, state, whole_name) in skipped {
            if starts_with_ignore_case(tag, name) && (!whole_name || name_ends(tag, name.len())) {
                self.state = state;
                // After a script or style name, the byte that ended it goes too.
                let extra = usize::from(state == State::Style || state == State::Script);
                return Some(1 + name.len() + extra);
            }
        }
        if starts_with_ignore_case(tag, b"blockquote") && name_ends(tag, 10) {
            self.quote_level += 1;
            self.out.extend_from_slice(b"\n> ");
        } else if self.quote_level > 0 && starts_with_ignore_case(tag, b"/blockquote>") {
            self.quote_level -= 1;
            let end: &[u8] = if self.quote_level > 0 { b"\n> " } else { b"\n" };
            self.out.extend_from_slice(end);
        } else if !tag.iter().any(|&b| html_space(b) || b == b'>') {
            // Dovecot waits for the rest of a tag that never ends.
            return None;
        }
        self.state = State::Tag;
        Some(1)
    }

    /// After a `&` in text (`rest` is what follows it): how far to go on from the `&`.
    fn entity(&mut self, rest: &[u8]) -> Option<usize> {
        match entity(rest) {
            Entity::Broken => Some(1),
            Entity::Unfinished => None,
            Entity::Known(len, ch) => {
                let mut buf = [0u8; 4];
                self.out
                    .extend_from_slice(ch.encode_utf8(&mut buf).as_bytes());
                Some(len + 1)
            }
            Entity::Unknown(len) => Some(len + 1),
        }
    }

    /// In a comment, a script, a style or CDATA (`at` starts at the current byte):
    /// how far to go on.
    fn skipped(&mut self, at: &[u8]) -> usize {
        let c = at[0];
        match self.state {
            State::Comment if c == b'-' && at.get(1) == Some(&b'-') => {
                self.state = State::CommentEnd;
                2
            }
            State::CommentEnd if c == b'>' => {
                self.state = State::Text;
                1
            }
            State::CommentEnd if !html_space(c) => {
                self.state = State::Comment;
                1
            }
            State::Script | State::Style => {
                let end: &[u8] = if self.state == State::Script {
                    b"</script>"
                } else {
                    b"</style>"
                };
                if starts_with_ignore_case(at, end) {
                    self.add_space();
                    self.state = State::Text;
                    return end.len();
                }
                1
            }
            State::Cdata if at.starts_with(b"]]>") => {
                self.state = State::Text;
                3
            }
            State::Cdata => {
                self.out.push(c);
                1
            }
            _ => 1,
        }
    }
}

enum Entity {
    /// `&` then whitespace, or a name too long: the `&` alone goes.
    Broken,
    /// No `;` before the end: Dovecot waits for more, and nothing more comes.
    Unfinished,
    /// `&name;`, `&#nnn;` or `&#xhh;`: its length up to the `;` and its character.
    Known(usize, char),
    /// A name Dovecot does not know: it goes, with nothing in its place.
    Unknown(usize),
}

/// The entity after an `&`.
fn entity(rest: &[u8]) -> Entity {
    let mut end = None;
    for (i, &b) in rest.iter().enumerate() {
        if html_space(b) || i >= 10 {
            return Entity::Broken;
        }
        if b == b';' {
            end = Some(i);
            break;
        }
    }
    let Some(end) = end else {
        return Entity::Unfinished;
    };
    let name = String::from_utf8_lossy(&rest[..end]);
    // `&#nnn;` or `&#xhh;` (a lowercase x only), digits alone.
    let number = match name.strip_prefix("#x") {
        Some(hex) if !hex.is_empty() && hex.bytes().all(|b| b.is_ascii_hexdigit()) => {
            u32::from_str_radix(hex, 16).ok()
        }
        Some(_) => None,
        None => name
            .strip_prefix('#')
            .filter(|d| !d.is_empty() && d.bytes().all(|b| b.is_ascii_digit()))
            .and_then(|d| d.parse::<u32>().ok()),
    };
    let ch = ENTITIES
        .binary_search_by(|(n, _)| n.as_bytes().cmp(name.as_bytes()))
        .ok()
        .map(|i| ENTITIES[i].1)
        .or(number)
        .and_then(char::from_u32);
    match ch {
        Some(ch) => Entity::Known(end + 1, ch),
        None => Entity::Unknown(end + 1),
    }
}

/// HTML 4's named character references and XML's `&apos;`, which Dovecot knows (case matters: `&Eacute;`
/// is É, `&eacute;` é), sorted for a binary search.
const ENTITIES: &[(&str, u32)] = &[
    ("AElig", 0x00C6),
    ("Aacute", 0x00C1),
    ("Acirc", 0x00C2),
    ("Agrave", 0x00C0),
    ("Alpha", 0x0391),
    ("Aring", 0x00C5),
    ("Atilde", 0x00C3),
    ("Auml", 0x00C4),
    ("Beta", 0x0392),
    ("Ccedil", 0x00C7),
    ("Chi", 0x03A7),
    ("Dagger", 0x2021),
    ("Delta", 0x0394),
    ("ETH", 0x00D0),
    ("Eacute", 0x00C9),
    ("Ecirc", 0x00CA),
    ("Egrave", 0x00C8),
    ("Epsilon", 0x0395),
    ("Eta", 0x0397),
    ("Euml", 0x00CB),
    ("Gamma", 0x0393),
    ("Iacute", 0x00CD),
    ("Icirc", 0x00CE),
    ("Igrave", 0x00CC),
    ("Iota", 0x0399),
    ("Iuml", 0x00CF),
    ("Kappa", 0x039A),
    ("Lambda", 0x039B),
    ("Mu", 0x039C),
    ("Ntilde", 0x00D1),
    ("Nu", 0x039D),
    ("OElig", 0x0152),
    ("Oacute", 0x00D3),
    ("Ocirc", 0x00D4),
    ("Ograve", 0x00D2),
    ("Omega", 0x03A9),
    ("Omicron", 0x039F),
    ("Oslash", 0x00D8),
    ("Otilde", 0x00D5),
    ("Ouml", 0x00D6),
    ("Phi", 0x03A6),
    ("Pi", 0x03A0),
    ("Prime", 0x2033),
    ("Psi", 0x03A8),
    ("Rho", 0x03A1),
    ("Scaron", 0x0160),
    ("Sigma", 0x03A3),
    ("THORN", 0x00DE),
    ("Tau", 0x03A4),
    ("Theta", 0x0398),
    ("Uacute", 0x00DA),
    ("Ucirc", 0x00DB),
    ("Ugrave", 0x00D9),
    ("Upsilon", 0x03A5),
    ("Uuml", 0x00DC),
    ("Xi", 0x039E),
    ("Yacute", 0x00DD),
    ("Yuml", 0x0178),
    ("Zeta", 0x0396),
    ("aacute", 0x00E1),
    ("acirc", 0x00E2),
    ("acute", 0x00B4),
    ("aelig", 0x00E6),
    ("agrave", 0x00E0),
    ("alefsym", 0x2135),
    ("alpha", 0x03B1),
    ("amp", 0x0026),
    ("and", 0x2227),
    ("ang", 0x2220),
    ("apos", 0x0027),
    ("aring", 0x00E5),
    ("asymp", 0x2248),
    ("atilde", 0x00E3),
    ("auml", 0x00E4),
    ("bdquo", 0x201E),
    ("beta", 0x03B2),
    ("brvbar", 0x00A6),
    ("bull", 0x2022),
    ("cap", 0x2229),
    ("ccedil", 0x00E7),
    ("cedil", 0x00B8),
    ("cent", 0x00A2),
    ("chi", 0x03C7),
    ("circ", 0x02C6),
    ("clubs", 0x2663),
    ("cong", 0x2245),
    ("copy", 0x00A9),
    ("crarr", 0x21B5),
    ("cup", 0x222A),
    ("curren", 0x00A4),
    ("dArr", 0x21D3),
    ("dagger", 0x2020),
    ("darr", 0x2193),
    ("deg", 0x00B0),
    ("delta", 0x03B4),
    ("diams", 0x2666),
    ("divide", 0x00F7),
    ("eacute", 0x00E9),
    ("ecirc", 0x00EA),
    ("egrave", 0x00E8),
    ("empty", 0x2205),
    ("emsp", 0x2003),
    ("ensp", 0x2002),
    ("epsilon", 0x03B5),
    ("equiv", 0x2261),
    ("eta", 0x03B7),
    ("eth", 0x00F0),
    ("euml", 0x00EB),
    ("euro", 0x20AC),
    ("exist", 0x2203),
    ("fnof", 0x0192),
    ("forall", 0x2200),
    ("frac12", 0x00BD),
    ("frac14", 0x00BC),
    ("frac34", 0x00BE),
    ("frasl", 0x2044),
    ("gamma", 0x03B3),
    ("ge", 0x2265),
    ("gt", 0x003E),
    ("hArr", 0x21D4),
    ("harr", 0x2194),
    ("hearts", 0x2665),
    ("hellip", 0x2026),
    ("iacute", 0x00ED),
    ("icirc", 0x00EE),
    ("iexcl", 0x00A1),
    ("igrave", 0x00EC),
    ("image", 0x2111),
    ("infin", 0x221E),
    ("int", 0x222B),
    ("iota", 0x03B9),
    ("iquest", 0x00BF),
    ("isin", 0x2208),
    ("iuml", 0x00EF),
    ("kappa", 0x03BA),
    ("lArr", 0x21D0),
    ("lambda", 0x03BB),
    ("lang", 0x2329),
    ("laquo", 0x00AB),
    ("larr", 0x2190),
    ("lceil", 0x2308),
    ("ldquo", 0x201C),
    ("le", 0x2264),
    ("lfloor", 0x230A),
    ("lowast", 0x2217),
    ("loz", 0x25CA),
    ("lrm", 0x200E),
    ("lsaquo", 0x2039),
    ("lsquo", 0x2018),
    ("lt", 0x003C),
    ("macr", 0x00AF),
    ("mdash", 0x2014),
    ("micro", 0x00B5),
    ("middot", 0x00B7),
    ("minus", 0x2212),
    ("mu", 0x03BC),
    ("nabla", 0x2207),
    ("nbsp", 0x00A0),
    ("ndash", 0x2013),
    ("ne", 0x2260),
    ("ni", 0x220B),
    ("not", 0x00AC),
    ("notin", 0x2209),
    ("nsub", 0x2284),
    ("ntilde", 0x00F1),
    ("nu", 0x03BD),
    ("oacute", 0x00F3),
    ("ocirc", 0x00F4),
    ("oelig", 0x0153),
    ("ograve", 0x00F2),
    ("oline", 0x203E),
    ("omega", 0x03C9),
    ("omicron", 0x03BF),
    ("oplus", 0x2295),
    ("or", 0x2228),
    ("ordf", 0x00AA),
    ("ordm", 0x00BA),
    ("oslash", 0x00F8),
    ("otilde", 0x00F5),
    ("otimes", 0x2297),
    ("ouml", 0x00F6),
    ("para", 0x00B6),
    ("part", 0x2202),
    ("permil", 0x2030),
    ("perp", 0x22A5),
    ("phi", 0x03C6),
    ("pi", 0x03C0),
    ("piv", 0x03D6),
    ("plusmn", 0x00B1),
    ("pound", 0x00A3),
    ("prime", 0x2032),
    ("prod", 0x220F),
    ("prop", 0x221D),
    ("psi", 0x03C8),
    ("quot", 0x0022),
    ("rArr", 0x21D2),
    ("radic", 0x221A),
    ("rang", 0x232A),
    ("raquo", 0x00BB),
    ("rarr", 0x2192),
    ("rceil", 0x2309),
    ("rdquo", 0x201D),
    ("real", 0x211C),
    ("reg", 0x00AE),
    ("rfloor", 0x230B),
    ("rho", 0x03C1),
    ("rlm", 0x200F),
    ("rsaquo", 0x203A),
    ("rsquo", 0x2019),
    ("sbquo", 0x201A),
    ("scaron", 0x0161),
    ("sdot", 0x22C5),
    ("sect", 0x00A7),
    ("shy", 0x00AD),
    ("sigma", 0x03C3),
    ("sigmaf", 0x03C2),
    ("sim", 0x223C),
    ("spades", 0x2660),
    ("sub", 0x2282),
    ("sube", 0x2286),
    ("sum", 0x2211),
    ("sup", 0x2283),
    ("sup1", 0x00B9),
    ("sup2", 0x00B2),
    ("sup3", 0x00B3),
    ("supe", 0x2287),
    ("szlig", 0x00DF),
    ("tau", 0x03C4),
    ("there4", 0x2234),
    ("theta", 0x03B8),
    ("thetasym", 0x03D1),
    ("thinsp", 0x2009),
    ("thorn", 0x00FE),
    ("tilde", 0x02DC),
    ("times", 0x00D7),
    ("trade", 0x2122),
    ("uArr", 0x21D1),
    ("uacute", 0x00FA),
    ("uarr", 0x2191),
    ("ucirc", 0x00FB),
    ("ugrave", 0x00F9),
    ("uml", 0x00A8),
    ("upsih", 0x03D2),
    ("upsilon", 0x03C5),
    ("uuml", 0x00FC),
    ("weierp", 0x2118),
    ("xi", 0x03BE),
    ("yacute", 0x00FD),
    ("yen", 0x00A5),
    ("yuml", 0x00FF),
    ("zeta", 0x03B6),
    ("zwj", 0x200D),
    ("zwnj", 0x200C),
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags_entities_and_skipped_parts() {
        assert_eq!(
            html_to_text(b"<p>Hello &amp; welcome</p><br>x"),
            "Hello & welcome x"
        );
        assert_eq!(html_to_text(b"a<!-- c -- d -->b"), "ab");
        assert_eq!(html_to_text(b"a<STYLE>x{}</STYLE>upper"), "a upper");
        assert_eq!(html_to_text(b"<![CDATA[raw <b>]]>z"), "raw <b>z");
        assert_eq!(
            html_to_text(b"a<blockquote>b<blockquote>c</blockquote>d</blockquote>e"),
            "a\n> b\n> c\n> d\ne"
        );
        // What never ends stops the text.
        assert_eq!(html_to_text(b"text <b and more"), "text ");
        assert_eq!(html_to_text(b"x &amp"), "x ");
    }

    #[test]
    fn entities_are_sorted_for_the_search() {
        assert!(ENTITIES.windows(2).all(|w| w[0].0 < w[1].0));
    }
}
