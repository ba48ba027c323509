//! Body sections: `BODY[HEADER.FIELDS (From Subject)]<0.100>` (RFC 9051 §6.4.5).
//!
//! Shared by requests (`fetch-att`) and responses (`msg-att-static`).

use nom::branch::alt;
use nom::bytes::complete::{tag, tag_no_case};
use nom::combinator::{map, opt, value};
use nom::multi::separated_list1;
use nom::sequence::{delimited, preceded, separated_pair};
use nom::Parser;
use serde::Serialize;

use super::core::{astring, number, nz_number};
use super::error::{expect, rule, GrammarError, PResult};

/// What part of a message a section names.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub enum SectionText {
    /// `[]`: the whole message, or the whole part when a part number is given.
    Full,
    Header,
    HeaderFields(Vec<String>),
    HeaderFieldsNot(Vec<String>),
    Text,
    Mime,
}

/// `section-spec = section-msgtext / (section-part ["." section-text])`
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Section {
    /// `section-part = nz-number *("." nz-number)`: which MIME part (empty: the message).
    pub part: Vec<u32>,
    pub text: SectionText,
}

impl std::fmt::Display for Section {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let part: Vec<String> = self.part.iter().map(u32::to_string).collect();
        let mut s = part.join(".");
        let text = match &self.text {
            SectionText::Full => String::new(),
            SectionText::Header => "HEADER".into(),
            SectionText::HeaderFields(f) => format!("HEADER.FIELDS ({})", f.join(" ")),
            SectionText::HeaderFieldsNot(f) => format!("HEADER.FIELDS.NOT ({})", f.join(" ")),
            SectionText::Text => "TEXT".into(),
            SectionText::Mime => "MIME".into(),
        };
        if !s.is_empty() && !text.is_empty() {
            s.push('.');
        }
        s.push_str(&text);
        write!(f, "[{s}]")
    }
}

/// `section = "[" [section-spec] "]"`;
/// `section-spec = section-msgtext / (section-part ["." section-text])`
pub(crate) fn section(input: &[u8]) -> PResult<'_, Section> {
    rule("section", |input| {
        let (rest, _) = expect("[", tag("[")).parse(input)?;
        let (rest, spec) = if rest.starts_with(b"]") {
            let whole = Section {
                part: vec![],
                text: SectionText::Full,
            };
            (rest, whole)
        } else {
            expect(SECTION_SPEC, section_spec).parse(rest)?
        };
        let (rest, _) = expect("] to close the section", tag("]")).parse(rest)?;
        Ok((rest, spec))
    })
    .parse(input)
}

/// What may open a section, in diagnostics.
const SECTION_SPEC: &str = "a part number such as 1.2, HEADER, HEADER.FIELDS (...), HEADER.FIELDS.NOT (...) or TEXT, or ] (MIME only after a part number, as in 1.MIME)";

/// `section-spec = section-msgtext / (section-part ["." section-text])`;
/// `section-part = nz-number *("." nz-number)`
fn section_spec(input: &[u8]) -> PResult<'_, Section> {
    let part = separated_list1(tag("."), nz_number);
    alt((
        map(
            (part, opt(preceded(tag("."), section_text))),
            |(part, text)| Section {
                part,
                text: text.unwrap_or(SectionText::Full),
            },
        ),
        map(section_msgtext, |text| Section { part: vec![], text }),
    ))
    .parse(input)
}

/// The names of `section-text`, for the knowledge base.
#[cfg(test)]
pub(crate) const SECTION_TEXT_NAMES: &[&str] = &[
    "HEADER",
    "HEADER.FIELDS",
    "HEADER.FIELDS.NOT",
    "TEXT",
    "MIME",
];

/// `section-text = section-msgtext / "MIME"`: after a part number, where MIME may come.
fn section_text(input: &[u8]) -> PResult<'_, SectionText> {
    expect(
        "HEADER, HEADER.FIELDS (...), HEADER.FIELDS.NOT (...), TEXT or MIME",
        alt((
            section_msgtext,
            value(SectionText::Mime, tag_no_case("MIME")),
        )),
    )
    .parse(input)
}

/// `section-msgtext = "HEADER" / "HEADER.FIELDS" [".NOT"] SP header-list / "TEXT"`: at
/// the top of `section-spec` MIME is not allowed (a message's own header is HEADER), and
/// Dovecot answers `BODY[MIME]` with BAD.
fn section_msgtext(input: &[u8]) -> PResult<'_, SectionText> {
    alt((
        map(
            preceded(tag_no_case("HEADER.FIELDS.NOT"), header_list),
            SectionText::HeaderFieldsNot,
        ),
        map(
            preceded(tag_no_case("HEADER.FIELDS"), header_list),
            SectionText::HeaderFields,
        ),
        value(SectionText::Header, tag_no_case("HEADER")),
        value(SectionText::Text, tag_no_case("TEXT")),
    ))
    .parse(input)
}

/// `SP header-list`, `header-list = "(" header-fld-name *(SP header-fld-name) ")"`: at
/// least one name (Dovecot answers `HEADER.FIELDS ()` with BAD). Once `HEADER.FIELDS` is
/// read, a missing list is a failure, so that the error names the list, not the `]`.
fn header_list(input: &[u8]) -> PResult<'_, Vec<String>> {
    const NAMES: &str = "a space and the header field names in parentheses, such as (From Subject)";
    const NAME: &str = "a header field name such as From";
    let Some(rest) = input.strip_prefix(b" ") else {
        return Err(nom::Err::Failure(GrammarError {
            input,
            expected: NAMES,
            rule: Some("header-list"),
        }));
    };
    let names = crate::grammar::args::list(1, NAME, |i| {
        expect(NAME, map(astring, |s| s.text().into_owned())).parse(i)
    });
    rule("header-list", expect(NAMES, names))
        .parse(rest)
        .map_err(|e| match e {
            nom::Err::Error(e) => nom::Err::Failure(e),
            other => other,
        })
}

/// `partial = "<" number "." nz-number ">"` (request: offset and length)
pub(crate) fn partial(input: &[u8]) -> PResult<'_, (u32, u32)> {
    rule(
        "partial",
        delimited(
            tag("<"),
            separated_pair(
                expect(
                    "the offset of the first byte, a number, as in <0.100>",
                    number,
                ),
                expect(
                    ". and the number of bytes, as in <0.100> (RFC 9051 partial)",
                    tag("."),
                ),
                expect(
                    "the number of bytes, greater than zero, as in <0.100>",
                    nz_number,
                ),
            ),
            expect(">", tag(">")),
        ),
    )
    .parse(input)
}

/// `"<" number ">"` (response: the offset the data starts at)
pub(crate) fn origin(input: &[u8]) -> PResult<'_, u32> {
    delimited(tag("<"), number, expect(">", tag(">"))).parse(input)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sections() {
        let cases = [
            "[]",
            "[HEADER]",
            "[TEXT]",
            "[1.2.MIME]",
            "[1.2]",
            "[HEADER.FIELDS (From Subject)]",
            "[2.HEADER.FIELDS.NOT (To)]",
        ];
        for c in cases {
            let (rest, s) = section(c.as_bytes()).unwrap_or_else(|e| panic!("{c}: {e:?}"));
            assert!(rest.is_empty(), "{c}");
            assert_eq!(s.to_string(), c);
        }
        assert_eq!(section(b"[header]").unwrap().1.text, SectionText::Header);
        assert_eq!(partial(b"<0.100>").unwrap().1, (0, 100));
    }
}
