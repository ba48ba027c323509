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

use super::core::{astring, number, nz_number, paren_list};
use super::error::{expect, rule, PResult};

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

/// `section = "[" [section-spec] "]"`
pub(crate) fn section(input: &[u8]) -> PResult<'_, Section> {
    let part = separated_list1(tag("."), nz_number);
    let spec = alt((
        map(
            (part, opt(preceded(tag("."), section_text))),
            |(part, text)| Section {
                part,
                text: text.unwrap_or(SectionText::Full),
            },
        ),
        map(section_text, |text| Section { part: vec![], text }),
    ));
    let empty = Section {
        part: vec![],
        text: SectionText::Full,
    };
    rule(
        "section",
        delimited(
            expect("[", tag("[")),
            map(opt(spec), move |s| s.unwrap_or_else(|| empty.clone())),
            expect("] to close the section", tag("]")),
        ),
    )
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

/// `section-msgtext = "HEADER" / "HEADER.FIELDS" [".NOT"] SP header-list / "TEXT"`; `section-text = section-msgtext / "MIME"`
fn section_text(input: &[u8]) -> PResult<'_, SectionText> {
    let names = || paren_list(map(astring, |s| s.text().into_owned()));
    expect(
        "HEADER, HEADER.FIELDS (...), HEADER.FIELDS.NOT (...), TEXT or MIME",
        alt((
            map(
                preceded(tag_no_case("HEADER.FIELDS.NOT "), names()),
                SectionText::HeaderFieldsNot,
            ),
            map(
                preceded(tag_no_case("HEADER.FIELDS "), names()),
                SectionText::HeaderFields,
            ),
            value(SectionText::Header, tag_no_case("HEADER")),
            value(SectionText::Text, tag_no_case("TEXT")),
            value(SectionText::Mime, tag_no_case("MIME")),
        )),
    )
    .parse(input)
}

/// `partial = "<" number "." nz-number ">"` (request: offset and length)
pub(crate) fn partial(input: &[u8]) -> PResult<'_, (u32, u32)> {
    rule(
        "partial",
        delimited(
            tag("<"),
            separated_pair(number, tag("."), nz_number),
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
