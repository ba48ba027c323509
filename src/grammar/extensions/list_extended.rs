//! LIST-EXTENDED (RFC 5258, RFC 9051 §6.3.9): selection options before the reference,
//! several patterns, and return options after them.
//!
//! `LIST (SUBSCRIBED) "" "*" RETURN (CHILDREN STATUS (MESSAGES))`. Options are kept as
//! text in capitals (`STATUS (MESSAGES UNSEEN)`); the explainer looks them up by name.

use nom::bytes::complete::take_while1;
use nom::combinator::map;
use nom::Parser;

use super::tagged_ext_val;
use crate::grammar::args::{arg, label, list, word};
use crate::grammar::core::{as_str, is_atom_char, keyword, string, ImapString, StringForm};
use crate::grammar::error::{expect, fail, PResult};
use crate::grammar::status::status_att_list;

/// `list-select-opts = "(" [(*(list-select-opt SP) list-select-base-opt *(SP list-select-opt))
///  / (list-select-independent-opt *(SP list-select-independent-opt))] ")"`
///
/// Any order is allowed, but RECURSIVEMATCH needs a base option (SUBSCRIBED or an
/// extension's) next to it: `(RECURSIVEMATCH)` and `(REMOTE RECURSIVEMATCH)` are invalid.
pub fn list_select_opts(input: &[u8]) -> PResult<'_, Vec<String>> {
    let (rest, options) = list(0, label::LIST_SELECT_OPT, option_extension)(input)?;
    let name = |o: &String| o.split(' ').next().unwrap_or("").to_owned();
    let has_mod = options.iter().any(|o| name(o) == "RECURSIVEMATCH");
    let has_base = options
        .iter()
        .any(|o| !matches!(name(o).as_str(), "RECURSIVEMATCH" | "REMOTE"));
    if has_mod && !has_base {
        return fail(
            &input[1..],
            "SUBSCRIBED (or another base option) next to RECURSIVEMATCH",
        );
    }
    Ok((rest, options))
}

/// `option-extension = (option-standard-tag / option-vendor-tag) [SP option-value]`;
/// `option-value = "(" option-val-comp ")"` (`list-select-base-opt = "SUBSCRIBED" / option-extension`, ...)
fn option_extension(input: &[u8]) -> PResult<'_, String> {
    let (rest, name) = expect(label::LIST_SELECT_OPT, word).parse(input)?;
    let name = as_str(name).to_ascii_uppercase();
    if rest.starts_with(b" (") {
        let (rest, value) = tagged_ext_val(&rest[1..])?;
        return Ok((rest, format!("{name} {value}")));
    }
    Ok((rest, name))
}

/// `list-return-opts = "RETURN" SP "(" [return-option *(SP return-option)] ")"`, from `RETURN`.
pub fn list_return_opts(input: &[u8]) -> PResult<'_, Vec<String>> {
    let (rest, _) = keyword("RETURN").parse(input)?;
    arg(
        label::LIST_RETURN,
        list(0, label::LIST_RETURN_OPT, return_option),
    )(rest)
}

/// `return-option = "SUBSCRIBED" / "CHILDREN" / status-option / option-extension`;
/// `status-option = "STATUS" SP "(" status-att *(SP status-att) ")"` (RFC 5819 LIST-STATUS)
fn return_option(input: &[u8]) -> PResult<'_, String> {
    let (rest, name) = expect(label::LIST_RETURN_OPT, word).parse(input)?;
    if name.eq_ignore_ascii_case(b"STATUS") {
        let (rest, items) = arg(label::STATUS_ITEMS, status_att_list)(rest)?;
        let names: Vec<&str> = items.iter().map(|i| i.name()).collect();
        return Ok((rest, format!("STATUS ({})", names.join(" "))));
    }
    option_extension(input)
}

/// `mbox-or-pat = list-mailbox / patterns`; `patterns = "(" list-mailbox *(SP list-mailbox) ")"`
pub fn mbox_or_pat(input: &[u8]) -> PResult<'_, Vec<ImapString>> {
    if input.first() == Some(&b'(') {
        return list(1, label::LIST_PATTERN, list_mailbox)(input);
    }
    map(list_mailbox, |m| vec![m]).parse(input)
}

/// `list-char = ATOM-CHAR / list-wildcards / resp-specials`
pub fn is_list_char(b: u8) -> bool {
    is_atom_char(b) || matches!(b, b'%' | b'*' | b']')
}

/// `list-mailbox = 1*list-char / string` — a name or pattern; `%` and `*` are wildcards.
pub fn list_mailbox(input: &[u8]) -> PResult<'_, ImapString> {
    let plain = map(take_while1(is_list_char), |b: &[u8]| ImapString {
        bytes: b.to_vec(),
        form: StringForm::Atom,
    });
    expect(label::LIST_PATTERN, nom::branch::alt((plain, string))).parse(input)
}

// ---- responses
