//! CONDSTORE and QRESYNC (RFC 7162): mod-sequences on the command side.
//!
//! - `SELECT mailbox (CONDSTORE)` and `(QRESYNC (...))`: select parameters (RFC 4466
//!   syntax, RFC 7162 §3.1.8 and §3.2.5), typed as [`SelectParam`].
//! - `FETCH set items (CHANGEDSINCE n [VANISHED])`: fetch modifiers (§3.1.4.1, §3.2.6),
//!   typed as [`FetchModifier`].
//! - `STORE set (UNCHANGEDSINCE n) ...`: the store modifier that makes a STORE
//!   conditional (§3.1.3).
//! - `SEARCH MODSEQ [entry type] n`: the search key's argument (the key itself is in `search.rs`).
//!
//! Each part of the QRESYNC parameter fails with a label of its own (the constants
//! below), so a learner reads which part is wrong and the mock can answer with
//! Dovecot's text for it ("Invalid QRESYNC known-uids", ...).

use nom::bytes::complete::tag;
use nom::Parser;
use serde::Serialize;

use super::{tagged_ext_label, tagged_ext_val};
use crate::grammar::args::{arg, at_eol, label, list};
use crate::grammar::command::CommandBody;
use crate::grammar::core::{keyword, number, number64, quoted};
use crate::grammar::error::{expect, fail, Diagnostic, GrammarError, PResult, Severity};
use crate::grammar::sequence::{sequence_set, SeqNumber, SequenceSet};

/// A SELECT or EXAMINE parameter: `select-param = select-param-name [SP select-param-value]`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum SelectParam {
    /// `CONDSTORE` (RFC 7162 §3.1.8): turn CONDSTORE on and report HIGHESTMODSEQ.
    Condstore,
    /// `QRESYNC (...)` (RFC 7162 §3.2.5): resynchronise from what the client knows.
    Qresync(Qresync),
    /// Another extension's parameter, as written (name in capitals).
    Other(String),
}

/// `"QRESYNC" SP "(" uidvalidity SP mod-sequence-value [SP known-uids] [SP seq-match-data] ")"`
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Qresync {
    /// The mailbox's UIDVALIDITY as the client remembers it; nothing is resynchronised
    /// unless it is still the mailbox's.
    pub uidvalidity: u32,
    /// The highest mod-sequence the client knows: it is told what changed after it.
    pub modseq: u64,
    /// The UIDs the client knows (`known-uids`); without it, every UID.
    pub known_uids: Option<SequenceSet>,
    /// `seq-match-data = "(" known-sequence-set SP known-uid-set ")"`: message numbers
    /// and the UIDs the client believes they have, so the server can spot expunges.
    pub(crate) seq_match: Option<(SequenceSet, SequenceSet)>,
}

/// A FETCH modifier: `fetch-modifier = fetch-modifier-name [SP fetch-modif-params]`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum FetchModifier {
    /// `CHANGEDSINCE mod-sequence` (RFC 7162 §3.1.4.1): only messages changed after it.
    ChangedSince(u64),
    /// `VANISHED` (RFC 7162 §3.2.6): also report expunged UIDs, as VANISHED (EARLIER).
    Vanished,
    /// Another extension's modifier, as written (name in capitals).
    Other(String),
}

/// What each part of QRESYNC is called when it is wrong. Distinct texts: the mock
/// tells them apart to answer with Dovecot's words.
pub(crate) const QRESYNC_VALUES: &str =
    "the QRESYNC values in parentheses: (uidvalidity mod-sequence [known-uids] [(known-sequence-set known-uid-set)])";
pub(crate) const QRESYNC_UIDVALIDITY: &str = "the UIDVALIDITY the client remembers (a number)";
pub(crate) const QRESYNC_MODSEQ: &str = "the highest mod-sequence the client knows (a number)";
pub(crate) const KNOWN_UIDS: &str = "the UIDs the client knows, without * (such as 1:300)";
pub(crate) const KNOWN_SEQ_SET: &str =
    "message numbers without * (the first set of the sequence match data)";
pub(crate) const KNOWN_UID_SET: &str =
    "the UIDs of those messages, without * (the second set of the sequence match data)";
pub(crate) const SEQ_MATCH_END: &str = ") to close the sequence match data, which holds two sets";
pub(crate) const QRESYNC_END: &str = ") to close the QRESYNC values";
pub(crate) const CHANGEDSINCE_VALUE: &str = "the mod-sequence after CHANGEDSINCE (a number)";

/// `select-params = SP "(" select-param *(SP select-param) ")"` (RFC 4466), from the `(`.
/// An empty list is not RFC 4466 syntax, but Dovecot takes it as no parameters, and so
/// does the grammar.
pub(crate) fn select_params(input: &[u8]) -> PResult<'_, Vec<SelectParam>> {
    list(0, label::SELECT_PARAM, select_param)(input)
}

/// `select-param = select-param-name [SP select-param-value]`; `condstore-param = "CONDSTORE"`;
/// `select-param =/ "QRESYNC" SP "(" uidvalidity SP mod-sequence-value [SP known-uids] [SP seq-match-data] ")"`
fn select_param(input: &[u8]) -> PResult<'_, SelectParam> {
    let (rest, name) = expect(label::SELECT_PARAM, tagged_ext_label).parse(input)?;
    let name = name.to_ascii_uppercase();
    match name.as_str() {
        "CONDSTORE" => Ok((rest, SelectParam::Condstore)),
        "QRESYNC" => {
            let (rest, q) = qresync_value(rest)?;
            Ok((rest, SelectParam::Qresync(q)))
        }
        _ => {
            let (rest, text) = optional_value(rest, name)?;
            Ok((rest, SelectParam::Other(text)))
        }
    }
}

/// `SP "(" uidvalidity SP mod-sequence-value [SP known-uids] [SP seq-match-data] ")"`,
/// after the name. `uidvalidity = nz-number`, but a zero is read (it matches no mailbox,
/// as Dovecot treats it) and [`diagnostics`] warns about it.
fn qresync_value(input: &[u8]) -> PResult<'_, Qresync> {
    let Some(rest) = input.strip_prefix(b" (") else {
        return fail(input, QRESYNC_VALUES);
    };
    let (rest, uidvalidity) = relabel(QRESYNC_UIDVALIDITY, number)(rest)?;
    let rest = space(rest, QRESYNC_MODSEQ)?;
    let (mut rest, modseq) = relabel(QRESYNC_MODSEQ, number64)(rest)?;
    let mut known_uids = None;
    let mut seq_match = None;
    if rest.first() == Some(&b' ') && rest.get(1) != Some(&b'(') {
        let (after, set) = set_without_star(&rest[1..], KNOWN_UIDS)?;
        known_uids = Some(set);
        rest = after;
    }
    if rest.starts_with(b" (") {
        let (after, sets) = seq_match_data(&rest[1..])?;
        seq_match = Some(sets);
        rest = after;
    }
    let (rest, _) = expect(QRESYNC_END, tag(")")).parse(rest)?;
    Ok((
        rest,
        Qresync {
            uidvalidity,
            modseq,
            known_uids,
            seq_match,
        },
    ))
}

/// `seq-match-data = "(" known-sequence-set SP known-uid-set ")"`, from the `(`.
fn seq_match_data(input: &[u8]) -> PResult<'_, (SequenceSet, SequenceSet)> {
    let (rest, seqs) = set_without_star(&input[1..], KNOWN_SEQ_SET)?;
    let rest = space(rest, KNOWN_UID_SET)?;
    let (rest, uids) = set_without_star(rest, KNOWN_UID_SET)?;
    let (rest, _) = expect(SEQ_MATCH_END, tag(")")).parse(rest)?;
    Ok((rest, (seqs, uids)))
}

/// A sequence set without `*` (RFC 7162's known-uids and its match data), read to the
/// next space or parenthesis: anything else in that word fails with `what` at its start.
fn set_without_star<'a>(input: &'a [u8], what: &'static str) -> PResult<'a, SequenceSet> {
    let end = input
        .iter()
        .position(|&b| matches!(b, b' ' | b'(' | b')' | b'\r' | b'\n'))
        .unwrap_or(input.len());
    let parsed = sequence_set(&input[..end]);
    match parsed {
        Ok((left, SequenceSet::Ranges(ranges)))
            if left.is_empty()
                && ranges
                    .iter()
                    .all(|&(a, b)| a != SeqNumber::Last && b != Some(SeqNumber::Last)) =>
        {
            Ok((&input[end..], SequenceSet::Ranges(ranges)))
        }
        _ => fail(input, what),
    }
}

/// One space before the part called `what`.
fn space<'a>(input: &'a [u8], what: &'static str) -> Result<&'a [u8], nom::Err<GrammarError<'a>>> {
    match input.strip_prefix(b" ") {
        Some(rest) if !at_eol(rest) => Ok(rest),
        _ => fail(input, what).map(|(r, ())| r),
    }
}

/// Runs `parser`; any failure it has is reported at its start as `what`.
fn relabel<'a, O>(
    what: &'static str,
    mut parser: impl FnMut(&'a [u8]) -> PResult<'a, O>,
) -> impl FnMut(&'a [u8]) -> PResult<'a, O> {
    move |input: &'a [u8]| parser(input).or_else(|_| fail(input, what))
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

/// `fetch-modifiers = SP "(" fetch-modifier *(SP fetch-modifier) ")"` (RFC 4466), from the
/// `(`. An empty list is read as no modifiers, as Dovecot reads it.
pub(crate) fn fetch_modifiers(input: &[u8]) -> PResult<'_, Vec<FetchModifier>> {
    list(0, label::FETCH_MODIFIER, fetch_modifier)(input)
}

/// `fetch-modifier = fetch-modifier-name [SP fetch-modif-params]`;
/// `chgsince-fetch-mod = "CHANGEDSINCE" SP mod-sequence-value`; `rexpunges-fetch-mod = "VANISHED"`
fn fetch_modifier(input: &[u8]) -> PResult<'_, FetchModifier> {
    let (rest, name) = expect(label::FETCH_MODIFIER, tagged_ext_label).parse(input)?;
    let name = name.to_ascii_uppercase();
    match name.as_str() {
        "CHANGEDSINCE" => {
            let rest = space(rest, CHANGEDSINCE_VALUE)?;
            let (rest, n) = relabel(CHANGEDSINCE_VALUE, number64)(rest)?;
            Ok((rest, FetchModifier::ChangedSince(n)))
        }
        "VANISHED" => Ok((rest, FetchModifier::Vanished)),
        _ => {
            let (rest, text) = optional_value(rest, name)?;
            Ok((rest, FetchModifier::Other(text)))
        }
    }
}

/// `store-modifiers = SP "(" store-modifier *(SP store-modifier) ")"`, from the `(`;
/// `store-modifier =/ "UNCHANGEDSINCE" SP mod-sequence-valzer` — the only store modifier
/// defined, so it is the only one accepted. Returns its value, if given (an empty list
/// is read as none, as Dovecot reads it).
pub(crate) fn store_modifiers(input: &[u8]) -> PResult<'_, Option<u64>> {
    let (rest, values) = list(0, label::STORE_MODIFIER, unchanged_since)(input)?;
    Ok((rest, values.last().copied()))
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
pub(crate) fn search_modsequence(input: &[u8]) -> PResult<'_, u64> {
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

/// What is valid syntax but will not do what was meant: parameters and modifiers a
/// server refuses (RFC 7162 §3.2.5, §3.2.6), for the front door's lint at `column`.
pub(crate) fn diagnostics(body: &CommandBody, command: &str, column: usize) -> Vec<Diagnostic> {
    let warn = |code, rule, message: String| {
        Diagnostic::new(Severity::Warning, code, column, rule, message)
    };
    let mut out = Vec::new();
    match body {
        CommandBody::Select { parameters, .. } | CommandBody::Examine { parameters, .. } => {
            for p in parameters {
                match p {
                    SelectParam::Condstore => {}
                    SelectParam::Other(text) => {
                        let name = text.split(' ').next().unwrap_or("");
                        out.push(warn("unknown-parameter", "select-param", format!("{name} is not a parameter of {command} that the tutor knows (CONDSTORE and QRESYNC are). A server that does not know it answers BAD.")));
                    }
                    SelectParam::Qresync(q) => {
                        if q.uidvalidity == 0 {
                            out.push(warn("zero-uidvalidity", "uidvalidity", "A UIDVALIDITY is never 0 (nz-number, RFC 7162 §7): the ABNF does not allow it, and no mailbox could match. Dovecot opens the mailbox without resynchronising.".into()));
                        }
                        if let Some((seqs, uids)) = &q.seq_match {
                            if distinct_count(seqs) != distinct_count(uids) {
                                out.push(warn("seq-match-sizes", "seq-match-data", "The two sets of the sequence match data must name as many messages each: message numbers and their UIDs, pair by pair (RFC 7162 §3.2.5.2). A server answers BAD.".into()));
                            }
                        }
                    }
                }
            }
        }
        CommandBody::Fetch { uid, modifiers, .. } => {
            let vanished = modifiers.contains(&FetchModifier::Vanished);
            let since = modifiers
                .iter()
                .any(|m| matches!(m, FetchModifier::ChangedSince(_)));
            if vanished && !uid {
                out.push(warn("vanished-without-uid", "rexpunges-fetch-mod", "VANISHED is a modifier of UID FETCH only (RFC 7162 §3.2.6): a plain FETCH reports no UIDs. A server answers BAD.".into()));
            } else if vanished && !since {
                out.push(warn("vanished-without-changedsince", "rexpunges-fetch-mod", "VANISHED needs CHANGEDSINCE beside it: it reports the UIDs expunged since that mod-sequence (RFC 7162 §3.2.6). A server answers BAD.".into()));
            }
        }
        _ => {}
    }
    out
}

/// How many different numbers a set without `*` names (`1:3,2` names three), as the
/// two sets of QRESYNC's sequence match data are compared.
pub(crate) fn distinct_count(set: &SequenceSet) -> u64 {
    let SequenceSet::Ranges(ranges) = set else {
        return 0;
    };
    let mut spans: Vec<(u64, u64)> = ranges
        .iter()
        .map(|&(a, b)| {
            let a = u64::from(a.resolve(0));
            let b = b.map_or(a, |b| u64::from(b.resolve(0)));
            (a.min(b), a.max(b))
        })
        .collect();
    spans.sort_unstable();
    let (mut total, mut covered) = (0, 0);
    for (a, b) in spans {
        let start = a.max(covered + 1);
        if b >= start {
            total += b - start + 1;
            covered = b;
        }
    }
    total
}

#[cfg(test)]
mod tests {
    use super::*;

    fn qresync(text: &str) -> Result<Qresync, &'static str> {
        match select_params(text.as_bytes()) {
            Ok((b"", params)) => match &params[..] {
                [SelectParam::Qresync(q)] => Ok(q.clone()),
                _ => Err("not one QRESYNC"),
            },
            Ok(_) => Err("left over"),
            Err(nom::Err::Error(e) | nom::Err::Failure(e)) => Err(e.expected),
            Err(nom::Err::Incomplete(_)) => Err("incomplete"),
        }
    }

    #[test]
    fn qresync_parameters_are_typed() {
        let q = qresync("(QRESYNC (67890007 20050715194045000 41,43:211,214:541))").unwrap();
        assert_eq!((q.uidvalidity, q.modseq), (67890007, 20050715194045000));
        assert_eq!(q.known_uids.unwrap().to_string(), "41,43:211,214:541");
        let q = qresync("(qresync (1 2 (1:3 5,7,9)))").unwrap();
        assert!(q.known_uids.is_none());
        let (seqs, uids) = q.seq_match.unwrap();
        assert_eq!(
            (seqs.to_string(), uids.to_string()),
            ("1:3".into(), "5,7,9".into())
        );
        assert_eq!(qresync("(QRESYNC (0 5))").unwrap().uidvalidity, 0);
        assert_eq!(
            select_params(b"(CONDSTORE X-Y (1 2))").unwrap().1,
            vec![
                SelectParam::Condstore,
                SelectParam::Other("X-Y (1 2)".into())
            ]
        );
        assert_eq!(select_params(b"()").unwrap().1, vec![]);
    }

    #[test]
    fn each_part_of_qresync_fails_with_its_own_label() {
        for (text, label) in [
            ("(QRESYNC)", QRESYNC_VALUES),
            ("(QRESYNC 1 2)", QRESYNC_VALUES),
            ("(QRESYNC ())", QRESYNC_UIDVALIDITY),
            ("(QRESYNC (x 5))", QRESYNC_UIDVALIDITY),
            ("(QRESYNC (4294967296 5))", QRESYNC_UIDVALIDITY),
            ("(QRESYNC (1))", QRESYNC_MODSEQ),
            ("(QRESYNC (1 -1))", QRESYNC_MODSEQ),
            ("(QRESYNC (1 2 1:*))", KNOWN_UIDS),
            ("(QRESYNC (1 2 1:2:3))", KNOWN_UIDS),
            ("(QRESYNC (1 2 1:4 ()))", KNOWN_SEQ_SET),
            ("(QRESYNC (1 2 1:4 (1:3)))", KNOWN_UID_SET),
            ("(QRESYNC (1 2 1:4 (1:3 1:2:3)))", KNOWN_UID_SET),
            ("(QRESYNC (1 2 (1 2 3)))", SEQ_MATCH_END),
            ("(QRESYNC (1 2 1:4 (1 2) 5))", QRESYNC_END),
        ] {
            assert_eq!(qresync(text), Err(label), "{text}");
        }
    }

    #[test]
    fn fetch_and_store_modifiers() {
        assert_eq!(
            fetch_modifiers(b"(CHANGEDSINCE 12 vanished X-Y)")
                .unwrap()
                .1,
            vec![
                FetchModifier::ChangedSince(12),
                FetchModifier::Vanished,
                FetchModifier::Other("X-Y".into())
            ]
        );
        for bad in ["(CHANGEDSINCE)", "(CHANGEDSINCE x)"] {
            let Err(nom::Err::Error(e)) = fetch_modifiers(bad.as_bytes()) else {
                panic!("{bad}")
            };
            assert_eq!(e.expected, CHANGEDSINCE_VALUE);
        }
        assert_eq!(fetch_modifiers(b"()").unwrap().1, vec![]);
        assert_eq!(store_modifiers(b"(UNCHANGEDSINCE 0)").unwrap().1, Some(0));
        assert_eq!(store_modifiers(b"()").unwrap().1, None);
        let set = |t: &str| sequence_set(t.as_bytes()).unwrap().1;
        assert_eq!(distinct_count(&set("1,2,3,4")), 4);
        assert_eq!(distinct_count(&set("1:3,2,9:7")), 6);
        assert!(store_modifiers(b"(FOO 1)").is_err());
    }
}

// ---- responses
