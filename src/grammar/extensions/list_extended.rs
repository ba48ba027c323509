//! LIST-EXTENDED (RFC 5258, RFC 9051 §6.3.9): selection options before the reference,
//! several patterns, and return options after them.
//!
//! `LIST (SUBSCRIBED) "" "*" RETURN (CHILDREN STATUS (MESSAGES))`. The options RFC 5258,
//! RFC 5819 (LIST-STATUS) and RFC 6154 (SPECIAL-USE) define are typed; another
//! extension's is kept as written, its name in capitals.

use nom::bytes::complete::take_while1;
use nom::combinator::map;
use nom::Parser;
use serde::Serialize;

use super::tagged_ext_val;
use crate::grammar::args::{arg, label, list, word};
use crate::grammar::core::{as_str, is_atom_char, keyword, string, ImapString, StringForm};
use crate::grammar::error::{expect, fail, PResult};
use crate::grammar::status::{status_att_list, StatusItem};

/// `list-select-opts = "(" [(*(list-select-opt SP) list-select-base-opt *(SP list-select-opt))
///  / (list-select-independent-opt *(SP list-select-independent-opt))] ")"`
///
/// Any order is allowed, but RECURSIVEMATCH needs a base option (SUBSCRIBED or an
/// extension's) next to it: `(RECURSIVEMATCH)` and `(REMOTE RECURSIVEMATCH)` are invalid.
pub(crate) fn list_select_opts(input: &[u8]) -> PResult<'_, Vec<ListSelectOption>> {
    let (rest, options) = list(0, label::LIST_SELECT_OPT, select_option)(input)?;
    use ListSelectOption::{RecursiveMatch, Remote};
    let has_mod = options.contains(&RecursiveMatch);
    let has_base = options
        .iter()
        .any(|o| !matches!(o, RecursiveMatch | Remote));
    if has_mod && !has_base {
        return fail(&input[1..], RECURSIVEMATCH_ALONE);
    }
    Ok((rest, options))
}

/// What RECURSIVEMATCH lacks when it has no base option beside it.
pub(crate) const RECURSIVEMATCH_ALONE: &str =
    "SUBSCRIBED (or another base option) next to RECURSIVEMATCH";

/// `list-select-opt = list-select-base-opt / list-select-independent-opt / list-select-mod-opt`
/// (RFC 5258 §6; SPECIAL-USE is RFC 6154 §3).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum ListSelectOption {
    /// Only subscribed names, whether or not the mailbox exists.
    Subscribed,
    /// Remote mailboxes too (mailbox referrals).
    Remote,
    /// Also parents whose children match the selection, with CHILDINFO.
    RecursiveMatch,
    /// Only mailboxes with a special use, such as \Sent.
    SpecialUse,
    /// Another extension's option, as written.
    Other(String),
}

/// `return-option = "SUBSCRIBED" / "CHILDREN" / status-option / option-extension`
/// (RFC 5258 §6, RFC 5819 §2, RFC 6154 §3).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum ListReturnOption {
    Subscribed,
    Children,
    SpecialUse,
    /// `STATUS (items)`: a STATUS response after each mailbox listed.
    Status(Vec<StatusItem>),
    /// Another extension's option, as written.
    Other(String),
}

fn select_option(input: &[u8]) -> PResult<'_, ListSelectOption> {
    let (rest, text) = option_extension(input)?;
    Ok((
        rest,
        match text.as_str() {
            "SUBSCRIBED" => ListSelectOption::Subscribed,
            "REMOTE" => ListSelectOption::Remote,
            "RECURSIVEMATCH" => ListSelectOption::RecursiveMatch,
            "SPECIAL-USE" => ListSelectOption::SpecialUse,
            _ => ListSelectOption::Other(text),
        },
    ))
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
pub(crate) fn list_return_opts(input: &[u8]) -> PResult<'_, Vec<ListReturnOption>> {
    let (rest, _) = keyword("RETURN").parse(input)?;
    arg(
        label::LIST_RETURN,
        list(0, label::LIST_RETURN_OPT, return_option),
    )(rest)
}

/// `return-option = "SUBSCRIBED" / "CHILDREN" / status-option / option-extension`;
/// `status-option = "STATUS" SP "(" status-att *(SP status-att) ")"` (RFC 5819 LIST-STATUS)
fn return_option(input: &[u8]) -> PResult<'_, ListReturnOption> {
    let (rest, name) = expect(label::LIST_RETURN_OPT, word).parse(input)?;
    if name.eq_ignore_ascii_case(b"STATUS") {
        let (rest, items) = arg(label::STATUS_ITEMS, status_att_list)(rest)?;
        return Ok((rest, ListReturnOption::Status(items)));
    }
    let (rest, text) = option_extension(input)?;
    Ok((
        rest,
        match text.as_str() {
            "SUBSCRIBED" => ListReturnOption::Subscribed,
            "CHILDREN" => ListReturnOption::Children,
            "SPECIAL-USE" => ListReturnOption::SpecialUse,
            _ => ListReturnOption::Other(text),
        },
    ))
}

/// `mbox-or-pat = list-mailbox / patterns`; `patterns = "(" list-mailbox *(SP list-mailbox) ")"`.
/// An empty list is not RFC 5258 syntax, but Dovecot answers it (with nothing), and so
/// does the grammar.
pub(crate) fn mbox_or_pat(input: &[u8]) -> PResult<'_, Vec<ImapString>> {
    if input.first() == Some(&b'(') {
        return list(0, label::LIST_PATTERN, list_mailbox)(input);
    }
    map(list_mailbox, |m| vec![m]).parse(input)
}

/// `list-char = ATOM-CHAR / list-wildcards / resp-specials`
pub(crate) fn is_list_char(b: u8) -> bool {
    is_atom_char(b) || matches!(b, b'%' | b'*' | b']')
}

/// `list-mailbox = 1*list-char / string` — a name or pattern; `%` and `*` are wildcards.
pub(crate) fn list_mailbox(input: &[u8]) -> PResult<'_, ImapString> {
    let plain = map(take_while1(is_list_char), |b: &[u8]| ImapString {
        bytes: b.to_vec(),
        form: StringForm::Atom,
    });
    expect(label::LIST_PATTERN, nom::branch::alt((plain, string))).parse(input)
}

// ---- responses
