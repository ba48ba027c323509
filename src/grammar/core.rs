//! The lexical core of RFC 9051 §9 (and RFC 3501 §9): atoms, numbers, strings,
//! literals, flags and dates. Every other grammar module builds on these.

use nom::branch::alt;
use nom::bytes::complete::{tag, tag_no_case, take_while, take_while1, take_while_m_n};
use nom::character::complete::digit1;
use nom::combinator::{map, opt, recognize, value};
use nom::sequence::{delimited, preceded};
use nom::Parser;
use serde::Serialize;

use super::error::{expect, fail, rule, PResult};
use crate::wire::{LiteralHeader, LiteralKind};

/// `atom-specials = "(" / ")" / "{" / SP / CTL / list-wildcards / quoted-specials / resp-specials`
pub(crate) fn is_atom_special(b: u8) -> bool {
    matches!(
        b,
        b'(' | b')' | b'{' | b' ' | b'%' | b'*' | b'"' | b'\\' | b']'
    ) || b < 0x20
        || b == 0x7f
}

/// `ATOM-CHAR = <any CHAR except atom-specials>`
pub(crate) fn is_atom_char(b: u8) -> bool {
    b.is_ascii() && !is_atom_special(b)
}

/// `ASTRING-CHAR = ATOM-CHAR / resp-specials`
pub(crate) fn is_astring_char(b: u8) -> bool {
    is_atom_char(b) || b == b']'
}

/// `tag = 1*<any ASTRING-CHAR except "+">`
pub(crate) fn is_tag_char(b: u8) -> bool {
    is_astring_char(b) && b != b'+'
}

/// `SP = %x20`
pub(crate) fn sp(input: &[u8]) -> PResult<'_, ()> {
    value((), expect("a space", tag(" "))).parse(input)
}

/// `CRLF = CR LF` (the framer has normalised line endings to CRLF)
pub(crate) fn crlf(input: &[u8]) -> PResult<'_, ()> {
    value((), expect("the end of the line", tag("\r\n"))).parse(input)
}

/// `atom = 1*ATOM-CHAR`
pub(crate) fn atom(input: &[u8]) -> PResult<'_, &str> {
    map(expect("an atom", take_while1(is_atom_char)), as_str).parse(input)
}

/// `tag = 1*<any ASTRING-CHAR except "+">`
pub(crate) fn tag_token(input: &[u8]) -> PResult<'_, &str> {
    rule(
        "tag",
        map(expect("a tag", take_while1(is_tag_char)), as_str),
    )
    .parse(input)
}

/// `number = 1*DIGIT` — an unsigned 32-bit integer.
pub(crate) fn number(input: &[u8]) -> PResult<'_, u32> {
    let (rest, digits) = expect("a number", digit1).parse(input)?;
    match as_str(digits).parse::<u32>() {
        Ok(n) => Ok((rest, n)),
        Err(_) => fail(input, "a number below 4294967296"),
    }
}

/// `number64 = 1*DIGIT` — an unsigned 63-bit integer (RFC 9051 §9).
pub(crate) fn number64(input: &[u8]) -> PResult<'_, u64> {
    let (rest, digits) = expect("a number", digit1).parse(input)?;
    match as_str(digits).parse::<u64>() {
        Ok(n) if n <= i64::MAX as u64 => Ok((rest, n)),
        _ => fail(input, "a number below 2^63"),
    }
}

/// `nz-number = digit-nz *DIGIT` — a non-zero unsigned 32-bit integer.
pub(crate) fn nz_number(input: &[u8]) -> PResult<'_, u32> {
    let (rest, n) = number(input)?;
    if n == 0 {
        return fail(input, "a number greater than zero");
    }
    Ok((rest, n))
}

/// How a string was written on the wire. Teaching needs this: the same value can be
/// an atom, a quoted string or a literal.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum StringForm {
    Atom,
    Quoted,
    Literal(LiteralHeader),
}

/// An IMAP string value (astring, string or nstring's string), with its form.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ImapString {
    #[serde(serialize_with = "serialize_lossy")]
    pub bytes: Vec<u8>,
    pub form: StringForm,
}

impl ImapString {
    #[cfg(test)]
    pub(crate) fn atom(s: &str) -> Self {
        ImapString {
            bytes: s.as_bytes().to_vec(),
            form: StringForm::Atom,
        }
    }

    /// The value as text (invalid UTF-8 replaced).
    pub fn text(&self) -> std::borrow::Cow<'_, str> {
        String::from_utf8_lossy(&self.bytes)
    }
}

pub(crate) fn serialize_lossy<S: serde::Serializer>(bytes: &[u8], s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&String::from_utf8_lossy(bytes))
}

/// `quoted = DQUOTE *QUOTED-CHAR DQUOTE`
/// `QUOTED-CHAR = <any TEXT-CHAR except quoted-specials> / "\" quoted-specials / UTF8-2 / UTF8-3 / UTF8-4`
pub(crate) fn quoted(input: &[u8]) -> PResult<'_, ImapString> {
    let (mut rest, _) = expect("a quoted string", tag("\"")).parse(input)?;
    let mut out = Vec::new();
    loop {
        match rest.first() {
            Some(b'"') => {
                return Ok((
                    &rest[1..],
                    ImapString {
                        bytes: out,
                        form: StringForm::Quoted,
                    },
                ))
            }
            Some(b'\\') => match rest.get(1) {
                Some(&c @ (b'"' | b'\\')) => {
                    out.push(c);
                    rest = &rest[2..];
                }
                _ => {
                    return fail(
                        &rest[1..],
                        "\\\" or \\\\ after a backslash in a quoted string",
                    )
                }
            },
            Some(b'\r' | b'\n') | None => return fail(rest, "a closing double quote"),
            Some(&c) => {
                out.push(c);
                rest = &rest[1..];
            }
        }
    }
}

/// `literal = "{" number64 ["+"] "}" CRLF *CHAR8` and `literal8 = "~{" number64 ["+"] "}" CRLF *OCTET`
pub(crate) fn literal(input: &[u8]) -> PResult<'_, ImapString> {
    let (rest, binary) = map(opt(tag("~")), |t| t.is_some()).parse(input)?;
    let (rest, size) = delimited(
        expect("a literal", tag("{")),
        expect(
            "the literal's size in bytes, a number, as in {12}",
            number64,
        ),
        opt(tag("+")),
    )
    .parse(rest)?;
    let plus = rest.len() < input.len() && input[input.len() - rest.len() - 1] == b'+';
    let minus = rest.first() == Some(&b'-');
    let rest = if minus { &rest[1..] } else { rest };
    let (rest, _) = expect("} after the literal's size", tag("}")).parse(rest)?;
    let (rest, _) = crlf(rest)?;
    if (rest.len() as u64) < size {
        return fail(rest, "as many bytes as the literal announced");
    }
    let kind = match (binary, plus, minus) {
        (false, false, false) => LiteralKind::Synchronizing,
        (false, true, _) => LiteralKind::NonSynchronizing,
        (false, false, true) => LiteralKind::Minus,
        (true, false, _) => LiteralKind::Binary,
        (true, true, _) => LiteralKind::BinaryNonSynchronizing,
    };
    let (data, rest) = rest.split_at(size as usize);
    let form = StringForm::Literal(LiteralHeader { size, kind });
    Ok((
        rest,
        ImapString {
            bytes: data.to_vec(),
            form,
        },
    ))
}

/// `string = quoted / literal`
pub(crate) fn string(input: &[u8]) -> PResult<'_, ImapString> {
    expect("a string (quoted or a literal)", alt((quoted, literal))).parse(input)
}

/// `astring = 1*ASTRING-CHAR / string`
pub(crate) fn astring(input: &[u8]) -> PResult<'_, ImapString> {
    let atomish = map(take_while1(is_astring_char), |b: &[u8]| ImapString {
        bytes: b.to_vec(),
        form: StringForm::Atom,
    });
    expect("a string", alt((atomish, string))).parse(input)
}

/// `nstring = string / nil`; `nil = "NIL"`
pub(crate) fn nstring(input: &[u8]) -> PResult<'_, Option<ImapString>> {
    expect(
        "a string or NIL",
        alt((map(string, Some), value(None, nil))),
    )
    .parse(input)
}

/// `nil = "NIL"`
pub(crate) fn nil(input: &[u8]) -> PResult<'_, ()> {
    value((), tag_no_case("NIL")).parse(input)
}

/// A flag as written: `\Seen`, `$Forwarded`, `\*` (only in PERMANENTFLAGS).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(transparent)]
pub struct Flag(pub String);

impl Flag {
    /// True for `\Seen`, `\Answered` and the other system flags (any case).
    pub(crate) fn is_system(&self) -> bool {
        self.0.starts_with('\\')
    }

    /// Case-insensitive comparison, as RFC 9051 §2.3.2 requires for flags.
    pub fn is(&self, name: &str) -> bool {
        self.0.eq_ignore_ascii_case(name)
    }
}

/// `flag = "\Answered" / "\Flagged" / "\Deleted" / "\Seen" / "\Draft" / flag-keyword / flag-extension`
/// `flag-extension = "\" atom`; `flag-keyword = atom`; `flag-perm = flag / "\*"`
pub(crate) fn flag(input: &[u8]) -> PResult<'_, Flag> {
    let system = recognize(preceded(
        tag("\\"),
        expect(
            "a flag name right after the backslash, such as \\Seen",
            alt((tag("*"), take_while1(is_atom_char))),
        ),
    ));
    map(
        expect("a flag", alt((system, take_while1(is_atom_char)))),
        |b| Flag(as_str(b).to_owned()),
    )
    .parse(input)
}

/// `flag-list = "(" [flag *(SP flag)] ")"`
pub(crate) fn flag_list(input: &[u8]) -> PResult<'_, Vec<Flag>> {
    rule("flag-list", paren_list(flag)).parse(input)
}

/// `"(" [item *(SP item)] ")"` — the shape of most lists in IMAP.
pub(crate) fn paren_list<'a, O>(
    item: impl Parser<&'a [u8], Output = O, Error = super::error::GrammarError<'a>>,
) -> impl Parser<&'a [u8], Output = Vec<O>, Error = super::error::GrammarError<'a>> {
    delimited(
        expect("(", tag("(")),
        nom::multi::separated_list0(tag(" "), item),
        expect(")", tag(")")),
    )
}

/// `date-time = DQUOTE date-day-fixed "-" date-month "-" date-year SP time SP zone DQUOTE`
/// Kept as text: the explainer shows it and the mock server stores it as given.
pub(crate) fn date_time(input: &[u8]) -> PResult<'_, String> {
    let body = (
        take_while_m_n(1, 2, |b: u8| b == b' ' || b.is_ascii_digit()),
        tag("-"),
        date_month,
        tag("-"),
        take_while_m_n(4, 4, |b: u8| b.is_ascii_digit()),
        tag(" "),
        take_while_m_n(8, 8, |b: u8| b.is_ascii_digit() || b == b':'),
        tag(" "),
        take_while_m_n(5, 5, |b: u8| b.is_ascii_digit() || b == b'+' || b == b'-'),
    );
    rule(
        "date-time",
        map(
            delimited(
                tag("\""),
                recognize(body),
                expect("a closing double quote", tag("\"")),
            ),
            |b| as_str(b).to_owned(),
        ),
    )
    .parse(input)
}

/// `date = date-text / DQUOTE date-text DQUOTE`; `date-text = date-day "-" date-month "-" date-year`
pub(crate) fn date(input: &[u8]) -> PResult<'_, String> {
    // Each part names itself, so that `2024-01-01` is told what goes where, not
    // "a keyword": `date-text = date-day "-" date-month "-" date-year`.
    let text = || {
        recognize((
            expect(
                "a day of the month (one or two digits), as in 1-Feb-2024",
                take_while_m_n(1, 2, |b: u8| b.is_ascii_digit()),
            ),
            expect(
                "- between the day and the month, as in 1-Feb-2024",
                tag("-"),
            ),
            date_month,
            expect(
                "- between the month and the year, as in 1-Feb-2024",
                tag("-"),
            ),
            expect(
                "a four-digit year, as in 1-Feb-2024",
                take_while_m_n(4, 4, |b: u8| b.is_ascii_digit()),
            ),
        ))
    };
    let p = alt((delimited(tag("\""), text(), tag("\"")), text()));
    rule(
        "date",
        map(expect("a date like 1-Feb-2024", p), |b| {
            as_str(b).to_owned()
        }),
    )
    .parse(input)
}

/// The month names of `date-month`, as IMAP (and RFC 5322) write them.
pub(crate) const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

/// What `date-month` expects, in diagnostics.
const MONTH_EXPECTED: &str = "a month (Jan, Feb, ... Dec)";

/// `date-month = "Jan" / "Feb" / ... / "Dec"` (case-insensitive)
fn date_month(input: &[u8]) -> PResult<'_, &[u8]> {
    let (rest, m) = expect(
        MONTH_EXPECTED,
        take_while_m_n(3, 3, |b: u8| b.is_ascii_alphabetic()),
    )
    .parse(input)?;
    if MONTHS
        .iter()
        .any(|name| name.as_bytes().eq_ignore_ascii_case(m))
    {
        Ok((rest, m))
    } else {
        fail(input, MONTH_EXPECTED)
    }
}

/// `text = 1*TEXT-CHAR` — human-readable text to the end of the line (may be empty here;
/// RFC 9051 requires at least one character, but servers and the RFC's own examples omit it).
pub(crate) fn text(input: &[u8]) -> PResult<'_, String> {
    map(take_while(|b| b != b'\r' && b != b'\n'), |b| {
        String::from_utf8_lossy(b).into_owned()
    })
    .parse(input)
}

/// A keyword compared case-insensitively, as every IMAP keyword is.
pub(crate) fn keyword<'a>(
    word: &'static str,
) -> impl Parser<&'a [u8], Output = &'a [u8], Error = super::error::GrammarError<'a>> {
    expect(word, tag_no_case(word))
}

/// Bytes known to be ASCII (they passed a byte-class check) as `&str`.
pub(crate) fn as_str(bytes: &[u8]) -> &str {
    std::str::from_utf8(bytes).unwrap_or("")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strings_in_all_three_forms() {
        assert_eq!(
            astring(b"strategos rest").unwrap().1,
            ImapString::atom("strategos")
        );
        let (rest, q) = astring(b"\"a \\\"b\\\"\" x").unwrap();
        assert_eq!(
            (q.bytes.as_slice(), q.form, rest),
            (&b"a \"b\""[..], StringForm::Quoted, &b" x"[..])
        );
        let (rest, l) = astring(b"{5+}\r\nhello)").unwrap();
        assert_eq!((l.bytes.as_slice(), rest), (&b"hello"[..], &b")"[..]));
        assert!(matches!(
            l.form,
            StringForm::Literal(LiteralHeader {
                size: 5,
                kind: LiteralKind::NonSynchronizing
            })
        ));
        assert!(astring(b"(x").is_err());
    }

    #[test]
    fn flags_keep_their_spelling() {
        let (_, flags) = flag_list(b"(\\Seen $Forwarded \\*)").unwrap();
        assert_eq!(
            flags,
            vec![
                Flag("\\Seen".into()),
                Flag("$Forwarded".into()),
                Flag("\\*".into())
            ]
        );
        assert!(flags[0].is("\\SEEN"));
    }

    #[test]
    fn numbers_have_ranges() {
        assert!(number(b"4294967296").is_err());
        assert!(nz_number(b"0").is_err());
        assert_eq!(number(b"42x").unwrap(), (&b"x"[..], 42));
    }

    #[test]
    fn dates() {
        assert_eq!(
            date_time(b"\"17-Jul-1996 02:44:25 -0700\"").unwrap().1,
            "17-Jul-1996 02:44:25 -0700"
        );
        assert_eq!(
            date_time(b"\" 7-Jul-1996 02:44:25 -0700\"").unwrap().1,
            " 7-Jul-1996 02:44:25 -0700"
        );
        assert_eq!(date(b"1-Feb-1994").unwrap().1, "1-Feb-1994");
        assert!(date(b"1-Foo-1994").is_err());
    }
}
