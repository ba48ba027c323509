//! FETCH response items: `msg-att` (RFC 9051 §7.5.2, RFC 3501 §7.4.2), with ENVELOPE
//! and BODYSTRUCTURE, plus MODSEQ (RFC 7162) and extension items kept as text.
//!
//! `* 3 FETCH (FLAGS (\Seen) UID 7 BODY[] {445}...)`: each item is a name, a space and
//! a value. Items are dispatched on their name, so a large literal is read once.

use nom::bytes::complete::{tag, take_while1};
use nom::combinator::{map, opt};
use nom::sequence::{delimited, preceded};
use nom::Parser;
use serde::Serialize;

use super::body::{body, BodyStructure};
use super::core::{
    date_time, flag_list, is_atom_char, nstring, number64, nz_number, sp, Flag, ImapString,
};
use super::envelope::{envelope, Envelope};
use super::error::{expect, fail, rule, GrammarError, PResult};
use super::extensions::gmail;
use super::extensions::objectid::{paren_objectid, threadid_value};
use super::extensions::preview::{preview_value, Preview};
use super::extensions::savedate::save_date_value;
use super::response::{generic_value, Findings};
use super::section::{origin, section, Section};

/// `msg-att-dynamic / msg-att-static` — one item of a FETCH response.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub enum MessageAttribute {
    Flags(Vec<Flag>),
    Envelope(Box<Envelope>),
    InternalDate(String),
    Rfc822(Option<ImapString>),
    Rfc822Header(Option<ImapString>),
    Rfc822Text(Option<ImapString>),
    Rfc822Size(u64),
    /// `BODY` (non-extensible) — same structure type as BODYSTRUCTURE.
    Body(Box<BodyStructure>),
    BodyStructure(Box<BodyStructure>),
    /// `BODY[section]<origin> nstring`
    BodySection {
        section: Section,
        origin: Option<u32>,
        data: Option<ImapString>,
    },
    /// `BINARY[part]<origin> (nstring / literal8)`
    Binary {
        part: Vec<u32>,
        origin: Option<u32>,
        data: Option<ImapString>,
    },
    BinarySize {
        part: Vec<u32>,
        size: u64,
    },
    Uid(u32),
    ModSeq(u64),
    /// `SAVEDATE date-time` or `SAVEDATE NIL` (RFC 8514).
    SaveDate(Option<String>),
    /// `EMAILID (objectid)` (RFC 8474 §5.3): the message's permanent identifier.
    EmailId(String),
    /// `THREADID (objectid)` or `THREADID NIL` (RFC 8474 §5.3): its thread's identifier,
    /// NIL where the server does not compute threads.
    ThreadId(Option<String>),
    /// `PREVIEW nstring` (RFC 8970), or the draft's `SNIPPET (FUZZY nstring)`.
    Preview(Preview),
    /// Gmail's `X-GM-MSGID id` (no RFC): the message's id across all its labels.
    GmailMessageId(u64),
    /// Gmail's `X-GM-THRID id`: the id of the message's thread (conversation).
    GmailThreadId(u64),
    /// Gmail's `X-GM-LABELS (\Inbox "Muy Importante")`: the message's labels.
    GmailLabels(Vec<String>),
    /// An item of an extension the tutor only names (`ANNOTATION`, ...), value as text.
    Other {
        name: String,
        value: String,
    },
}

impl MessageAttribute {
    /// The item's name as the knowledge base lists it.
    pub fn name(&self) -> &str {
        match self {
            MessageAttribute::Flags(_) => "FLAGS",
            MessageAttribute::Envelope(_) => "ENVELOPE",
            MessageAttribute::InternalDate(_) => "INTERNALDATE",
            MessageAttribute::Rfc822(_) => "RFC822",
            MessageAttribute::Rfc822Header(_) => "RFC822.HEADER",
            MessageAttribute::Rfc822Text(_) => "RFC822.TEXT",
            MessageAttribute::Rfc822Size(_) => "RFC822.SIZE",
            MessageAttribute::Body(_) => "BODY",
            MessageAttribute::BodyStructure(_) => "BODYSTRUCTURE",
            MessageAttribute::BodySection { .. } => "BODY[]",
            MessageAttribute::Binary { .. } => "BINARY[]",
            MessageAttribute::BinarySize { .. } => "BINARY.SIZE[]",
            MessageAttribute::Uid(_) => "UID",
            MessageAttribute::ModSeq(_) => "MODSEQ",
            MessageAttribute::SaveDate(_) => "SAVEDATE",
            MessageAttribute::EmailId(_) => "EMAILID",
            MessageAttribute::ThreadId(_) => "THREADID",
            MessageAttribute::Preview(p) => &p.name,
            MessageAttribute::GmailMessageId(_) => "X-GM-MSGID",
            MessageAttribute::GmailThreadId(_) => "X-GM-THRID",
            MessageAttribute::GmailLabels(_) => "X-GM-LABELS",
            MessageAttribute::Other { name, .. } => name,
        }
    }
}

/// FETCH items of extensions that the tutor recognises by name and keeps as text
/// (RFC 5257 ANNOTATION).
pub(crate) const KNOWN_EXTENSION_ITEMS: &[&str] = &["ANNOTATION"];

/// `msg-att = "(" (msg-att-dynamic / msg-att-static) *(SP (msg-att-dynamic / msg-att-static)) ")"`
#[cfg(test)]
pub(crate) fn msg_att<'a>(cx: &Findings, input: &'a [u8]) -> PResult<'a, Vec<MessageAttribute>> {
    let mut items = Vec::new();
    let rest = msg_att_into(cx, input, &mut items)?;
    Ok((rest, items))
}

/// [`msg_att`], pushing each item into `items` as it is read, so that when an item is
/// malformed the caller still has the ones before it (the front door reports them).
pub(crate) fn msg_att_into<'a>(
    cx: &Findings,
    input: &'a [u8],
    items: &mut Vec<MessageAttribute>,
) -> Result<&'a [u8], nom::Err<GrammarError<'a>>> {
    let (mut rest, _) = rule(
        "msg-att",
        expect("( to open the list of FETCH items", tag("(")),
    )
    .parse(input)?;
    loop {
        let (r, item) = msg_att_item(cx, rest)?;
        items.push(item);
        rest = match r {
            [b')', r @ ..] => return Ok(r),
            [b' ', r @ ..] => r,
            _ => {
                let expected = "a space and the next item, or ) to end the FETCH items";
                return Err(nom::Err::Error(GrammarError {
                    input: r,
                    expected,
                    rule: Some("msg-att"),
                }));
            }
        };
    }
}

/// `msg-att-dynamic = "FLAGS" SP "(" [flag-fetch *(SP flag-fetch)] ")" / "MODSEQ" SP "(" permsg-modsequence ")"`
/// `msg-att-static = "ENVELOPE" SP envelope / "INTERNALDATE" SP date-time /
///  "RFC822.SIZE" SP number64 / "RFC822" ["." ("HEADER" / "TEXT")] SP nstring /
///  "BODY" ["STRUCTURE"] SP body / "BODY" section ["<" number ">"] SP nstring /
///  "BINARY" section-binary SP (nstring / literal8) / "BINARY.SIZE" section-binary SP number /
///  "UID" SP uniqueid`,
/// and the extensions' `"SAVEDATE" SP (date-time / nil)` (RFC 8514),
/// `fetch-emailid-resp / fetch-threadid-resp` (RFC 8474 §7, [`super::extensions::objectid`]) and
/// `"PREVIEW" SP nstring` (RFC 8970), and Gmail's `"X-GM-MSGID" SP x-gm-id /
/// "X-GM-THRID" SP x-gm-id / "X-GM-LABELS" SP x-gm-labels` (no RFC: Google's examples,
/// see [`super::extensions::gmail`]).
pub(crate) fn msg_att_item<'a>(cx: &Findings, input: &'a [u8]) -> PResult<'a, MessageAttribute> {
    let (rest, name) = expect(
        "a FETCH item such as FLAGS, UID, ENVELOPE or BODY[]",
        take_while1(|b| is_atom_char(b) && b != b'[' && b != b'<'),
    )
    .parse(input)?;
    use MessageAttribute as M;
    match name.to_ascii_uppercase().as_slice() {
        b"FLAGS" => rule("msg-att-dynamic", map(preceded(sp, flag_list), M::Flags)).parse(rest),
        b"MODSEQ" => {
            let modseq = delimited(
                expect("( before the mod-sequence", tag("(")),
                number64,
                expect(")", tag(")")),
            );
            rule("fetch-mod-resp", map(preceded(sp, modseq), M::ModSeq)).parse(rest)
        }
        b"ENVELOPE" => map(preceded(sp, |i| envelope(cx, i)), |e| {
            M::Envelope(Box::new(e))
        })
        .parse(rest),
        b"INTERNALDATE" => {
            let (rest, _) = sp(rest)?;
            // core's date-time fails deep inside ("a keyword"); point at the whole value instead.
            date_time(rest)
                .map(|(r, d)| (r, M::InternalDate(d)))
                .map_err(|_| {
                    let expected =
                        "a date-time in double quotes, like \"17-Jul-1996 02:44:25 -0700\"";
                    nom::Err::Error(GrammarError {
                        input: rest,
                        expected,
                        rule: Some("date-time"),
                    })
                })
        }
        b"RFC822" => rule("msg-att-static", map(preceded(sp, nstring), M::Rfc822)).parse(rest),
        b"RFC822.HEADER" => rule(
            "msg-att-static",
            map(preceded(sp, nstring), M::Rfc822Header),
        )
        .parse(rest),
        b"RFC822.TEXT" => {
            rule("msg-att-static", map(preceded(sp, nstring), M::Rfc822Text)).parse(rest)
        }
        b"RFC822.SIZE" => {
            rule("msg-att-static", map(preceded(sp, number64), M::Rfc822Size)).parse(rest)
        }
        b"BODYSTRUCTURE" => map(preceded(sp, |i| body(cx, i)), |b| {
            M::BodyStructure(Box::new(b))
        })
        .parse(rest),
        b"BODY" if rest.starts_with(b"[") => {
            let (rest, section) = section(rest)?;
            let (rest, origin) = opt(origin).parse(rest)?;
            let (rest, data) = rule("msg-att-static", preceded(sp, nstring)).parse(rest)?;
            Ok((
                rest,
                M::BodySection {
                    section,
                    origin,
                    data,
                },
            ))
        }
        b"BODY" => map(preceded(sp, |i| body(cx, i)), |b| M::Body(Box::new(b))).parse(rest),
        b"BINARY" => {
            let (rest, part) = section_binary(rest)?;
            let (rest, origin) = opt(origin).parse(rest)?;
            let (rest, data) = rule("msg-att-static", preceded(sp, nstring)).parse(rest)?;
            Ok((rest, M::Binary { part, origin, data }))
        }
        b"BINARY.SIZE" => {
            let (rest, part) = section_binary(rest)?;
            let (rest, size) = rule("msg-att-static", preceded(sp, number64)).parse(rest)?;
            Ok((rest, M::BinarySize { part, size }))
        }
        b"UID" => rule("msg-att-static", map(preceded(sp, nz_number), M::Uid)).parse(rest),
        b"SAVEDATE" => map(save_date_value, M::SaveDate).parse(rest),
        b"EMAILID" => rule("fetch-emailid-resp", map(paren_objectid, M::EmailId)).parse(rest),
        b"THREADID" => map(threadid_value, M::ThreadId).parse(rest),
        b"PREVIEW" => map(|i| preview_value("PREVIEW", i), M::Preview).parse(rest),
        b"SNIPPET" => map(|i| preview_value("SNIPPET", i), M::Preview).parse(rest),
        b"X-GM-MSGID" => rule(
            "x-gm-msgid",
            map(preceded(sp, gmail::gm_id), M::GmailMessageId),
        )
        .parse(rest),
        b"X-GM-THRID" => rule(
            "x-gm-thrid",
            map(preceded(sp, gmail::gm_id), M::GmailThreadId),
        )
        .parse(rest),
        b"X-GM-LABELS" => map(preceded(sp, gmail::labels_list), M::GmailLabels).parse(rest),
        _ => other_item(cx, input),
    }
}

/// `section-binary = "[" [section-part] "]"`; `section-part = nz-number *("." nz-number)`
fn section_binary(input: &[u8]) -> PResult<'_, Vec<u32>> {
    let parts = map(
        opt(nom::multi::separated_list1(tag("."), nz_number)),
        Option::unwrap_or_default,
    );
    rule(
        "section-binary",
        delimited(
            expect("[", tag("[")),
            parts,
            expect("] to close the section", tag("]")),
        ),
    )
    .parse(input)
}

/// An extension item: `name [section] ["<" number ">"] SP value`, where the value is one
/// `tagged-ext-val`-like token (atom, string, literal or balanced list), kept as text.
fn other_item<'a>(cx: &Findings, input: &'a [u8]) -> PResult<'a, MessageAttribute> {
    let (rest, name) = take_while1(|b| is_atom_char(b) && b != b'[' && b != b'<').parse(input)?;
    let (rest, _) = opt(bracketed).parse(rest)?;
    let (rest, _) = opt(delimited(
        tag("<"),
        take_while1(|b: u8| b.is_ascii_digit() || b == b'.'),
        tag(">"),
    ))
    .parse(rest)?;
    let full_name = &input[..input.len() - rest.len()];
    let (rest, value) = rule("msg-att", preceded(sp, generic_value)).parse(rest)?;
    let upper = String::from_utf8_lossy(full_name).to_ascii_uppercase();
    let base = String::from_utf8_lossy(name).to_ascii_uppercase();
    if !KNOWN_EXTENSION_ITEMS.contains(&base.as_str()) {
        cx.note(
            input,
            super::error::Severity::Note,
            "unknown-fetch-item",
            "msg-att",
            format!("The tutor does not know the FETCH item {upper}; it probably belongs to an extension. Its value is kept as text."),
        );
    }
    Ok((
        rest,
        MessageAttribute::Other {
            name: upper,
            value: String::from_utf8_lossy(value).into_owned(),
        },
    ))
}

/// `"[" ... "]"` of an unknown item's section: anything up to the `]` on this line.
fn bracketed(input: &[u8]) -> PResult<'_, &[u8]> {
    let (rest, _) = tag("[").parse(input)?;
    match rest
        .iter()
        .position(|&b| b == b']' || b == b'\r' || b == b'\n')
    {
        Some(i) if rest[i] == b']' => Ok((&rest[i + 1..], &input[..i + 2])),
        _ => fail(rest, "] to close the section"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn items(text: &str) -> Vec<MessageAttribute> {
        let cx = Findings::default();
        let (rest, items) =
            msg_att(&cx, text.as_bytes()).unwrap_or_else(|e| panic!("{text}: {e:?}"));
        assert!(rest.is_empty());
        items
    }

    #[test]
    fn simple_items() {
        let it = items("(FLAGS (\\Seen) RFC822.SIZE 44827 UID 447 MODSEQ (624140003))");
        assert_eq!(it[0], MessageAttribute::Flags(vec![Flag("\\Seen".into())]));
        assert_eq!(it[1], MessageAttribute::Rfc822Size(44827));
        assert_eq!(it[2], MessageAttribute::Uid(447));
        assert_eq!(it[3], MessageAttribute::ModSeq(624140003));
    }

    #[test]
    fn sections_and_literals() {
        let it = items("(BODY[HEADER.FIELDS (FROM)]<0> {6}\r\nFrom:x BINARY[1]<2> ~{3}\r\na\0b BINARY.SIZE[1.2] 40)");
        let MessageAttribute::BodySection {
            origin: Some(0),
            data: Some(d),
            ..
        } = &it[0]
        else {
            panic!("{:?}", it[0])
        };
        assert_eq!(d.bytes, b"From:x");
        assert!(
            matches!(&it[1], MessageAttribute::Binary { part, origin: Some(2), .. } if part == &vec![1])
        );
        assert_eq!(
            it[2],
            MessageAttribute::BinarySize {
                part: vec![1, 2],
                size: 40
            }
        );
    }

    #[test]
    fn extension_items_are_read() {
        let it = items("(SAVEDATE \"21-Jun-2024 10:00:00 +0000\" EMAILID (M6d99ac3275bb4e) PREVIEW {5}\r\nhello UID 3 SNIPPET (FUZZY NIL) THREADID NIL)");
        assert_eq!(
            it[0],
            MessageAttribute::SaveDate(Some("21-Jun-2024 10:00:00 +0000".into()))
        );
        assert_eq!(it[1], MessageAttribute::EmailId("M6d99ac3275bb4e".into()));
        assert_eq!(it[5], MessageAttribute::ThreadId(None));
        assert_eq!(it[2].name(), "PREVIEW");
        assert_eq!(it[3], MessageAttribute::Uid(3));
        assert!(
            matches!(&it[4], MessageAttribute::Preview(p) if p.name == "SNIPPET" && p.text.is_none())
        );
    }

    #[test]
    fn a_broken_item_keeps_the_ones_before() {
        let cx = Findings::default();
        let mut got = Vec::new();
        let err = msg_att_into(&cx, b"(UID 4 FLAGS (\\Seen) RFC822.SIZE x)", &mut got).unwrap_err();
        assert_eq!(got.len(), 2);
        let nom::Err::Error(e) = err else { panic!() };
        assert_eq!(e.input, b"x)");
    }
}
