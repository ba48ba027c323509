//! CONDSTORE and QRESYNC (RFC 7162): mod-sequences on the command side.
//!
//! - `SELECT mailbox (CONDSTORE)` and `(QRESYNC (...))`: select parameters (RFC 4466 syntax).
//! - `FETCH set items (CHANGEDSINCE n [VANISHED])`: fetch modifiers.
//! - `STORE set (UNCHANGEDSINCE n) ...`: the store modifier that makes a STORE conditional.
//! - `SEARCH MODSEQ [entry type] n`: the search key's argument (the key itself is in `search.rs`).
//!
//! Values the tutor only shows are kept as text, as written, with names in capitals.

use nom::combinator::recognize;
use nom::Parser;

use super::{tagged_ext_label, tagged_ext_val};
use crate::grammar::args::{arg, label, list};
use crate::grammar::core::{as_str, keyword, number64, nz_number, quoted, sp};
use crate::grammar::error::{expect, fail, PResult};
use crate::grammar::sequence::sequence_set;

/// `select-params = SP "(" select-param *(SP select-param) ")"` (RFC 4466), from the `(`.
pub fn select_params(input: &[u8]) -> PResult<'_, Vec<String>> {
    list(1, label::SELECT_PARAM, select_param)(input)
}

/// `select-param = select-param-name [SP select-param-value]`; `condstore-param = "CONDSTORE"`;
/// `select-param =/ "QRESYNC" SP "(" uidvalidity SP mod-sequence-value [SP known-uids] [SP seq-match-data] ")"`
fn select_param(input: &[u8]) -> PResult<'_, String> {
    let (rest, name) = expect(label::SELECT_PARAM, tagged_ext_label).parse(input)?;
    let name = name.to_ascii_uppercase();
    if name == "QRESYNC" {
        let (rest, value) = arg(
            "the QRESYNC values: (uidvalidity mod-sequence [known UIDs])",
            qresync_value,
        )(rest)?;
        return Ok((rest, format!("QRESYNC {value}")));
    }
    optional_value(rest, name)
}

/// `"(" uidvalidity SP mod-sequence-value [SP known-uids] [SP seq-match-data] ")"`;
/// `seq-match-data = "(" known-sequence-set SP known-uid-set ")"`
fn qresync_value(input: &[u8]) -> PResult<'_, &str> {
    let seq_match = (
        nom::bytes::complete::tag("("),
        sequence_set,
        sp,
        sequence_set,
        expect(")", nom::bytes::complete::tag(")")),
    );
    let body = (
        expect("(", nom::bytes::complete::tag("(")),
        expect("the UIDVALIDITY the client remembers", nz_number),
        sp,
        expect("the highest mod-sequence the client knows", number64),
        nom::combinator::opt((sp, sequence_set)),
        nom::combinator::opt((sp, seq_match)),
        expect(
            ") to close the QRESYNC values",
            nom::bytes::complete::tag(")"),
        ),
    );
    let (rest, text) = recognize(body).parse(input)?;
    Ok((rest, as_str(text)))
}

/// `name [SP tagged-ext-val]`, the generic shape of RFC 4466 parameters and modifiers: a
/// value follows only if it starts like one, so `(CONDSTORE QRESYNC ...)` stays two names.
fn optional_value(rest: &[u8], name: String) -> PResult<'_, String> {
    if rest.first() == Some(&b' ') && matches!(rest.get(1), Some(b'(' | b'0'..=b'9' | b'*' | b'$'))
    {
        let (rest, value) = tagged_ext_val(&rest[1..])?;
        return Ok((rest, format!("{name} {value}")));
    }
    Ok((rest, name))
}

/// `fetch-modifiers = SP "(" fetch-modifier *(SP fetch-modifier) ")"` (RFC 4466), from the `(`.
pub fn fetch_modifiers(input: &[u8]) -> PResult<'_, Vec<String>> {
    list(1, label::FETCH_MODIFIER, fetch_modifier)(input)
}

/// `fetch-modifier = fetch-modifier-name [SP fetch-modif-params]`;
/// `chgsince-fetch-mod = "CHANGEDSINCE" SP mod-sequence-value`; `rexpunges-fetch-mod = "VANISHED"`
fn fetch_modifier(input: &[u8]) -> PResult<'_, String> {
    let (rest, name) = expect(label::FETCH_MODIFIER, tagged_ext_label).parse(input)?;
    let name = name.to_ascii_uppercase();
    match name.as_str() {
        "CHANGEDSINCE" => {
            let (rest, n) = arg(label::MODSEQ, number64)(rest)?;
            Ok((rest, format!("CHANGEDSINCE {n}")))
        }
        "VANISHED" => Ok((rest, name)),
        _ => optional_value(rest, name),
    }
}

/// `store-modifiers = SP "(" store-modifier *(SP store-modifier) ")"`, from the `(`;
/// `store-modifier =/ "UNCHANGEDSINCE" SP mod-sequence-valzer` — the only store modifier
/// defined, so it is the only one accepted. Returns its value.
pub fn store_modifiers(input: &[u8]) -> PResult<'_, u64> {
    let (rest, values) = list(1, label::STORE_MODIFIER, unchanged_since)(input)?;
    Ok((rest, values[0]))
}

/// `"UNCHANGEDSINCE" SP mod-sequence-valzer`
fn unchanged_since(input: &[u8]) -> PResult<'_, u64> {
    let (rest, name) = expect(label::STORE_MODIFIER, tagged_ext_label).parse(input)?;
    if !name.eq_ignore_ascii_case("UNCHANGEDSINCE") {
        return fail(input, label::STORE_MODIFIER);
    }
    arg(label::MODSEQ, number64)(rest)
}

/// `search-modsequence = "MODSEQ" [search-modseq-ext] SP mod-sequence-valzer`;
/// `search-modseq-ext = SP entry-name SP entry-type-req`; `entry-type-req = "priv" / "shared" / "all"`.
/// From the keyword. The entry (`"/flags/\\seen" all`) narrows the search to one flag's
/// mod-sequence; only the number is kept.
pub fn search_modsequence(input: &[u8]) -> PResult<'_, u64> {
    let (rest, _) = keyword("MODSEQ").parse(input)?;
    let rest = if rest.starts_with(b" \"") {
        let (after_entry, _) = quoted(&rest[1..])?;
        let (rest, kind) = arg("priv, shared or all", crate::grammar::args::word)(after_entry)?;
        if !["priv", "shared", "all"]
            .iter()
            .any(|k| k.as_bytes().eq_ignore_ascii_case(kind))
        {
            return fail(&after_entry[1..], "priv, shared or all");
        }
        rest
    } else {
        rest
    };
    arg(label::MODSEQ, number64)(rest)
}

// ---- responses
