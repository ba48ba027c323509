//! PREVIEW (RFC 8970) and Dovecot's older SNIPPET form: a short plain-text preview of
//! a message's body, asked for as a FETCH item.
//!
//! - `FETCH 1 (PREVIEW)` and `FETCH 1 (PREVIEW (LAZY))`: RFC 8970 §3.1, §4.1. LAZY asks
//!   the server not to compute a preview it does not have at hand: it may answer NIL.
//! - `FETCH 1 (SNIPPET (LAZY=FUZZY))` and `PREVIEW (FUZZY)`: the draft this RFC grew
//!   from, which Dovecot 2.3 still offers as the capabilities SNIPPET=FUZZY and
//!   PREVIEW=FUZZY. Its answers name the algorithm: `SNIPPET (FUZZY "text")`.
//!
//! The modifiers are read as atoms, whatever they say: which ones a server accepts is
//! its business (Dovecot takes LAZY, FUZZY and LAZY=FUZZY and refuses the others by
//! name), and a list of something else than atoms fails with a label of its own.

use nom::bytes::complete::tag;
use nom::Parser;
use serde::Serialize;

use crate::grammar::core::{atom, nstring, sp, ImapString};
use crate::grammar::error::{expect, fail, rule, PResult};

/// What a PREVIEW or SNIPPET modifier list must hold.
pub(crate) const PREVIEW_MODIFIER: &str = "a PREVIEW modifier such as LAZY";

/// `fetch-att =/ "PREVIEW" [SP "(" preview-mod *(SP preview-mod) ")"]`;
/// `preview-mod = "LAZY"` (RFC 8970 §6), and Dovecot's `FUZZY` and `LAZY=FUZZY`
/// (draft-ietf-extra-imap-fetch-preview) — the part after the item's name. The
/// modifiers are returned as written (Dovecot names a refused one so).
pub(crate) fn preview_modifiers(input: &[u8]) -> PResult<'_, Vec<String>> {
    let Some(list) = input.strip_prefix(b" (") else {
        return Ok((input, Vec::new()));
    };
    let mut rest = list;
    let mut modifiers = Vec::new();
    loop {
        let Ok((after, word)) = atom(rest) else {
            return fail(rest, PREVIEW_MODIFIER);
        };
        modifiers.push(word.to_owned());
        match after.first() {
            Some(b' ') => rest = &after[1..],
            Some(b')') => return Ok((&after[1..], modifiers)),
            _ => return fail(after, "a space, or ) to close the PREVIEW modifiers"),
        }
    }
}

// ---- responses

/// A PREVIEW or SNIPPET item of a FETCH response.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Preview {
    /// `PREVIEW` or `SNIPPET`.
    pub name: String,
    /// The algorithm the draft form names (`FUZZY`), if the value was written that way.
    pub algorithm: Option<String>,
    /// The preview; NIL (None) when LAZY was asked and the server had none ready.
    pub text: Option<ImapString>,
}

/// `msg-att-dynamic =/ "PREVIEW" SP nstring` (RFC 8970 §6), and the draft's
/// `("PREVIEW" / "SNIPPET") SP "(" algorithm SP nstring ")"` — the part after the name.
pub(crate) fn preview_value<'a>(name: &str, input: &'a [u8]) -> PResult<'a, Preview> {
    let (rest, _) = sp(input)?;
    if rest.first() != Some(&b'(') {
        let (rest, text) = rule("msg-att-dynamic", nstring).parse(rest)?;
        return Ok((
            rest,
            Preview {
                name: name.to_owned(),
                algorithm: None,
                text,
            },
        ));
    }
    let (rest, _) = tag("(").parse(rest)?;
    let (rest, algorithm) = expect("the preview algorithm, such as FUZZY", atom).parse(rest)?;
    let (rest, _) = sp(rest)?;
    let (rest, text) = rule("msg-att-dynamic", nstring).parse(rest)?;
    let (rest, _) = expect(") after the preview", tag(")")).parse(rest)?;
    Ok((
        rest,
        Preview {
            name: name.to_owned(),
            algorithm: Some(algorithm.to_ascii_uppercase()),
            text,
        },
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn modifiers_are_atoms_as_written() {
        assert_eq!(
            preview_modifiers(b" (lazy LAZY=FUZZY))").unwrap(),
            (&b")"[..], vec!["lazy".to_owned(), "LAZY=FUZZY".to_owned()])
        );
        assert_eq!(
            preview_modifiers(b" FLAGS)").unwrap().1,
            Vec::<String>::new()
        );
        for bad in [&b" ()"[..], b" (\"LAZY\")", b" (LAZY"] {
            assert!(preview_modifiers(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn both_forms_of_the_answer() {
        let (_, p) = preview_value("PREVIEW", b" \"Hello\"").unwrap();
        assert_eq!(p.algorithm, None);
        assert!(p.text.is_some());
        let (rest, p) = preview_value("SNIPPET", b" (FUZZY NIL))").unwrap();
        assert_eq!(rest, b")");
        assert_eq!(p.algorithm.as_deref(), Some("FUZZY"));
        assert_eq!(p.text, None);
    }
}
