//! BODY and BODYSTRUCTURE: the MIME structure of a message (RFC 9051 §7.5.2, RFC 3501 §7.4.2).
//!
//! A body is a parenthesised list: either one part (type, subtype, fields, and for
//! `text/*` a line count, for `message/rfc822` the enclosed envelope and body too), or
//! a sequence of bodies followed by the multipart subtype. BODYSTRUCTURE adds
//! extension data (MD5, disposition, language, location); the tutor keeps that as
//! text, but parses it by the grammar so the end of the structure is found exactly.

use nom::branch::alt;
use nom::bytes::complete::tag;
use nom::character::complete::digit1;
use nom::combinator::{map, recognize, value};
use nom::multi::many0;
use nom::sequence::preceded;
use nom::Parser;
use serde::Serialize;

use super::core::{nil, nstring, number, sp, string, ImapString};
use super::envelope::{envelope, Envelope};
use super::error::{expect, fail, rule, PResult};
use super::response::Findings;

/// `body-fields = body-fld-param SP body-fld-id SP body-fld-desc SP body-fld-enc SP body-fld-octets`
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BodyFields {
    pub parameters: Vec<(String, String)>,
    pub id: Option<ImapString>,
    pub description: Option<ImapString>,
    pub encoding: String,
    pub octets: u32,
}

/// `body = "(" (body-type-1part / body-type-mpart) ")"`
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub enum BodyStructure {
    /// A leaf part: `text/plain`, `image/png`, or `message/rfc822` with its inner structure.
    Single {
        media_type: String,
        subtype: String,
        fields: BodyFields,
        /// Lines of text, for `text/*` and `message/rfc822`.
        lines: Option<u32>,
        /// For `message/rfc822`: the enclosed message's envelope and structure.
        message: Option<Box<(Envelope, BodyStructure)>>,
        /// Extension data (MD5, disposition, language, location), kept as text.
        extension: Option<String>,
    },
    /// `multipart/*`: the parts and the subtype.
    Multi {
        parts: Vec<BodyStructure>,
        subtype: String,
        extension: Option<String>,
    },
}

/// How deep bodies may nest before the parser gives up. Real messages stay far below;
/// the limit keeps a hostile `((((((...` from exhausting the stack.
pub(crate) const MAX_DEPTH: usize = 48;

/// `body = "(" (body-type-1part / body-type-mpart) ")"`
pub(crate) fn body<'a>(cx: &Findings, input: &'a [u8]) -> PResult<'a, BodyStructure> {
    body_at(cx, input, 0)
}

fn body_at<'a>(cx: &Findings, input: &'a [u8], depth: usize) -> PResult<'a, BodyStructure> {
    if depth > MAX_DEPTH {
        return fail(
            input,
            "a body structure nested less deeply (the tutor stops at 48 levels)",
        );
    }
    let (rest, _) = rule("body", expect("( to open a body structure", tag("("))).parse(input)?;
    let (rest, structure) = if rest.starts_with(b"(") {
        multipart(cx, rest, depth)?
    } else {
        one_part(cx, rest, depth)?
    };
    let (rest, _) = rule("body", expect(") to close the body structure", tag(")"))).parse(rest)?;
    Ok((rest, structure))
}

/// `body-type-mpart = 1*body SP media-subtype [SP body-ext-mpart]`
///
/// Quirk: some servers put a space between the parts; accepted and noted.
fn multipart<'a>(cx: &Findings, input: &'a [u8], depth: usize) -> PResult<'a, BodyStructure> {
    let mut parts = Vec::new();
    let mut rest = input;
    loop {
        let (r, part) = body_at(cx, rest, depth + 1)?;
        parts.push(part);
        rest = r;
        if rest.starts_with(b" (") {
            cx.quirk(rest, "quirk-space-between-parts", "body-type-mpart", "A space between two body parts: the grammar writes the parts of a multipart back to back, `((...)(...) \"MIXED\")`. Some servers put a space between them; clients accept it.");
            rest = &rest[1..];
        } else if !rest.starts_with(b"(") {
            break;
        }
    }
    let (rest, subtype) = rule("media-subtype", preceded(sp, text_string)).parse(rest)?;
    let (rest, extension) = extension_data(rest, depth)?;
    Ok((
        rest,
        BodyStructure::Multi {
            parts,
            subtype,
            extension,
        },
    ))
}

/// `body-type-1part = (body-type-basic / body-type-msg / body-type-text) [SP body-ext-1part]`
/// `body-type-basic = media-basic SP body-fields`
/// `body-type-msg = media-message SP body-fields SP envelope SP body SP body-fld-lines`
/// `body-type-text = media-text SP body-fields SP body-fld-lines`
///
/// `body-fld-lines` is a `number64` in RFC 9051 (`number` in RFC 3501); the AST keeps a
/// `u32`, which covers any real message.
///
/// Quirk: some servers describe an attached `message/rfc822` like a basic part, without
/// the enclosed envelope, body and line count; accepted and noted.
fn one_part<'a>(cx: &Findings, input: &'a [u8], depth: usize) -> PResult<'a, BodyStructure> {
    let (rest, media_type) = rule("media-basic", text_string).parse(input)?;
    let (rest, subtype) = rule("media-subtype", preceded(sp, text_string)).parse(rest)?;
    let (rest, fields) = preceded(sp, |i| body_fields(cx, i)).parse(rest)?;
    let (mut rest, mut lines, mut message) = (rest, None, None);
    let is =
        |a: &str, b: &str| media_type.eq_ignore_ascii_case(a) && subtype.eq_ignore_ascii_case(b);
    if is("MESSAGE", "RFC822") || is("MESSAGE", "GLOBAL") {
        if rest.starts_with(b" (") {
            let (r, env) = preceded(sp, |i| envelope(cx, i)).parse(rest)?;
            let (r, inner) = preceded(sp, |i| body_at(cx, i, depth + 1)).parse(r)?;
            let (r, n) = rule("body-fld-lines", preceded(sp, number)).parse(r)?;
            (rest, lines, message) = (r, Some(n), Some(Box::new((env, inner))));
        } else {
            cx.quirk(rest, "quirk-message-without-envelope", "body-type-msg", "This MESSAGE/RFC822 part has no envelope, body and line count after its fields. The grammar requires them; some servers leave them out, and clients then treat the part like any attachment.");
        }
    } else if media_type.eq_ignore_ascii_case("TEXT") {
        let (r, n) = rule("body-fld-lines", preceded(sp, number)).parse(rest)?;
        (rest, lines) = (r, Some(n));
    }
    let (rest, extension) = extension_data(rest, depth)?;
    Ok((
        rest,
        BodyStructure::Single {
            media_type,
            subtype,
            fields,
            lines,
            message,
            extension,
        },
    ))
}

/// `body-fields = body-fld-param SP body-fld-id SP body-fld-desc SP body-fld-enc SP body-fld-octets`
///
/// Quirk: some servers send NIL for the encoding (`body-fld-enc`), which must be a string;
/// it is read as an empty encoding and noted.
pub(crate) fn body_fields<'a>(cx: &Findings, input: &'a [u8]) -> PResult<'a, BodyFields> {
    let (rest, parameters) = body_fld_param(cx, input)?;
    let (rest, id) = rule("body-fld-id", preceded(sp, nstring)).parse(rest)?;
    let (rest, description) = rule("body-fld-desc", preceded(sp, nstring)).parse(rest)?;
    let (rest, _) = sp(rest)?;
    let (rest, encoding) = match nil(rest) {
        Ok((r, ())) => {
            cx.quirk(rest, "quirk-nil-encoding", "body-fld-enc", "The transfer encoding is NIL: the grammar wants a string such as \"7BIT\". Some servers send NIL; clients read it as 7BIT, the default.");
            (r, String::new())
        }
        Err(_) => rule("body-fld-enc", text_string).parse(rest)?,
    };
    let (rest, octets) = rule("body-fld-octets", preceded(sp, number)).parse(rest)?;
    Ok((
        rest,
        BodyFields {
            parameters,
            id,
            description,
            encoding,
            octets,
        },
    ))
}

/// `body-fld-param = "(" string SP string *(SP string SP string) ")" / nil`
///
/// Quirk: some servers send `()` for no parameters; accepted and noted.
fn body_fld_param<'a>(cx: &Findings, input: &'a [u8]) -> PResult<'a, Vec<(String, String)>> {
    if let Ok((rest, ())) = nil(input) {
        return Ok((rest, Vec::new()));
    }
    if let Some(rest) = input.strip_prefix(b"()") {
        cx.quirk(input, "quirk-empty-parameter-list", "body-fld-param", "An empty parameter list `()`: the grammar wants NIL when a part has no parameters. Some servers send `()`; clients accept it.");
        return Ok((rest, Vec::new()));
    }
    let pair = (text_string, preceded(sp, text_string));
    let (rest, _) = rule(
        "body-fld-param",
        expect("a parameter list in parentheses, or NIL", tag("(")),
    )
    .parse(input)?;
    let (rest, first) = rule("body-fld-param", pair).parse(rest)?;
    let (rest, more) = many0(preceded(sp, (text_string, preceded(sp, text_string)))).parse(rest)?;
    let (rest, _) = rule(
        "body-fld-param",
        expect(") to close the parameter list", tag(")")),
    )
    .parse(rest)?;
    Ok((rest, std::iter::once(first).chain(more).collect()))
}

/// `[SP body-ext-1part]` / `[SP body-ext-mpart]`, kept as text.
///
/// `body-ext-1part = body-fld-md5 [SP body-fld-dsp [SP body-fld-lang [SP body-fld-loc *(SP body-extension)]]]`
/// `body-ext-mpart = body-fld-param [SP body-fld-dsp [SP body-fld-lang [SP body-fld-loc *(SP body-extension)]]]`
///
/// Every field there is an nstring, a number or a parenthesised list of those, which is
/// exactly what `body-extension` allows; parsing them as `body-extension`s finds the end.
fn extension_data(input: &[u8], depth: usize) -> PResult<'_, Option<String>> {
    let Some(start) = input.strip_prefix(b" ") else {
        return Ok((input, None));
    };
    let one = |i| body_extension(i, depth);
    let (rest, text) = rule(
        "body-ext-1part",
        recognize((one, many0(preceded(sp, move |i| body_extension(i, depth))))),
    )
    .parse(start)?;
    Ok((rest, Some(String::from_utf8_lossy(text).into_owned())))
}

/// `body-extension = nstring / number / number64 / "(" body-extension *(SP body-extension) ")"`
fn body_extension(input: &[u8], depth: usize) -> PResult<'_, ()> {
    if depth > MAX_DEPTH {
        return fail(input, "extension data nested less deeply");
    }
    match input.first() {
        Some(b'(') => {
            let (rest, _) = tag("(").parse(input)?;
            let (rest, _) = body_extension(rest, depth + 1)?;
            let (rest, _) = many0(preceded(sp, |i| body_extension(i, depth + 1))).parse(rest)?;
            let (rest, _) = expect(") to close the extension list", tag(")")).parse(rest)?;
            Ok((rest, ()))
        }
        _ => expect(
            "extension data: a string, a number, NIL or a list",
            alt((value((), digit1), value((), nstring))),
        )
        .parse(input),
    }
}

/// A `string` (quoted or literal) as text, for types, subtypes and parameters.
fn text_string(input: &[u8]) -> PResult<'_, String> {
    map(string, |s| s.text().into_owned()).parse(input)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> (BodyStructure, Findings) {
        let cx = Findings::default();
        let (rest, b) = body(&cx, text.as_bytes()).unwrap_or_else(|e| panic!("{text}: {e:?}"));
        assert!(
            rest.is_empty(),
            "left over: {:?}",
            String::from_utf8_lossy(rest)
        );
        (b, cx)
    }

    #[test]
    fn the_rfc_examples() {
        let (b, cx) = parse(r#"("TEXT" "PLAIN" ("CHARSET" "US-ASCII") NIL NIL "7BIT" 2279 48)"#);
        assert!(matches!(
            b,
            BodyStructure::Single {
                lines: Some(48),
                ..
            }
        ));
        assert!(cx.is_empty());
        let (b, _) = parse(
            r#"(("TEXT" "PLAIN" ("CHARSET" "US-ASCII") NIL NIL "7BIT" 1152 23)("TEXT" "PLAIN" ("CHARSET" "US-ASCII" "NAME" "cc.diff") "<960723163407.20117h@cac.washington.edu>" "Compiler diff" "BASE64" 4554 73) "MIXED")"#,
        );
        let BodyStructure::Multi {
            parts,
            subtype,
            extension,
        } = b
        else {
            panic!()
        };
        assert_eq!(
            (parts.len(), subtype.as_str(), extension),
            (2, "MIXED", None)
        );
    }

    #[test]
    fn extension_data_is_kept_and_its_end_found() {
        let (b, _) = parse(
            r#"(("TEXT" "PLAIN" ("CHARSET" "utf-8") NIL NIL "7BIT" 10 1 NIL NIL NIL NIL)("APPLICATION" "PDF" ("NAME" "a)b.pdf") NIL NIL "BASE64" 400 NIL ("attachment" ("FILENAME" "a)b.pdf")) NIL NIL) "MIXED" ("BOUNDARY" "xyz") NIL NIL NIL)"#,
        );
        let BodyStructure::Multi {
            parts, extension, ..
        } = b
        else {
            panic!()
        };
        assert_eq!(
            extension.as_deref(),
            Some(r#"("BOUNDARY" "xyz") NIL NIL NIL"#)
        );
        let BodyStructure::Single {
            extension, lines, ..
        } = &parts[1]
        else {
            panic!()
        };
        assert_eq!(
            extension.as_deref(),
            Some(r#"NIL ("attachment" ("FILENAME" "a)b.pdf")) NIL NIL"#)
        );
        assert_eq!(*lines, None);
    }

    #[test]
    fn message_rfc822_nests() {
        let (b, _) = parse(
            r#"("MESSAGE" "RFC822" NIL NIL NIL "7BIT" 500 (NIL "inner" NIL NIL NIL NIL NIL NIL NIL NIL) ("TEXT" "PLAIN" NIL NIL NIL "7BIT" 20 2) 12)"#,
        );
        let BodyStructure::Single {
            message: Some(m),
            lines: Some(12),
            ..
        } = b
        else {
            panic!()
        };
        assert!(matches!(m.1, BodyStructure::Single { lines: Some(2), .. }));
    }

    #[test]
    fn deep_nesting_is_refused_not_a_crash() {
        let deep = format!(
            "{}\"TEXT\" \"PLAIN\" NIL NIL NIL \"7BIT\" 1 1{}",
            "(".repeat(5000),
            ")".repeat(5000)
        );
        assert!(body(&Findings::default(), deep.as_bytes()).is_err());
    }
}
