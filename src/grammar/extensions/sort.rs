//! SORT (RFC 5256 §3), SORT=DISPLAY (RFC 5957 §3) and ESORT (RFC 5267 §3):
//! `SORT (REVERSE DATE SUBJECT) UTF-8 UNSEEN` returns the numbers of the matching
//! messages in that order, `* SORT 4 2 7`; with `RETURN (...)` (ESORT) the answer is an
//! ESEARCH response instead. `UID SORT` is dispatched by the UID parser in
//! `command/parsers.rs`.
//!
//! Dovecot also takes `X-SCORE` and `RELEVANCY` (the scores of its full-text search;
//! without one every message scores alike), named here as [`SortKey::Relevancy`].

use nom::Parser;
use serde::Serialize;

use crate::grammar::args::{arg, at_eol, starts_with_word, word};
use crate::grammar::command::types::CommandBody;
use crate::grammar::core::{as_str, keyword};
use crate::grammar::error::{fail, PResult};
use crate::grammar::extensions::esearch;
use crate::grammar::search::charset_criteria;

/// `sort-key` (RFC 5256 §3, RFC 5957 §3).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum SortKey {
    Arrival,
    Cc,
    Date,
    From,
    Size,
    Subject,
    To,
    DisplayFrom,
    DisplayTo,
    /// Dovecot's `X-SCORE` / `RELEVANCY`: full-text search scores.
    Relevancy,
}

impl SortKey {
    /// The keys and their names (X-SCORE and RELEVANCY are one key).
    pub(crate) const NAMES: &'static [(&'static str, SortKey)] = &[
        ("ARRIVAL", SortKey::Arrival),
        ("CC", SortKey::Cc),
        ("DATE", SortKey::Date),
        ("FROM", SortKey::From),
        ("SIZE", SortKey::Size),
        ("SUBJECT", SortKey::Subject),
        ("TO", SortKey::To),
        ("DISPLAYFROM", SortKey::DisplayFrom),
        ("DISPLAYTO", SortKey::DisplayTo),
        ("X-SCORE", SortKey::Relevancy),
        ("RELEVANCY", SortKey::Relevancy),
    ];
}

/// `sort-criterion = ["REVERSE" SP] sort-key`
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct SortCriterion {
    pub reverse: bool,
    pub key: SortKey,
}

/// What SORT's arguments are called in diagnostics.
pub(crate) mod labels {
    pub(crate) const PROGRAM: &str =
        "the sort criteria in parentheses, such as (DATE) or (REVERSE SIZE)";
    pub(crate) const KEY: &str = "a sort key (ARRIVAL, CC, DATE, FROM, SIZE, SUBJECT, TO, DISPLAYFROM, DISPLAYTO), optionally after REVERSE";
    pub(crate) const AFTER_REVERSE: &str = "a sort key after REVERSE";
    pub(crate) const EMPTY: &str = "at least one sort key";
    pub(crate) const CHARSET: &str =
        "the charset of the search strings, such as UTF-8 (SORT needs it)";
}

/// `sort = ["UID" SP] "SORT" [search-return-opts] SP sort-criteria SP search-criteria`
/// (RFC 5256 §5, RFC 5267 §3.1);
/// `search-criteria = charset 1*(SP search-key)`
pub(crate) fn sort(input: &[u8]) -> PResult<'_, CommandBody> {
    let (rest, _) = keyword("SORT").parse(input)?;
    let (rest, returns) = if rest.first() == Some(&b' ') && starts_with_word(&rest[1..], "RETURN") {
        let (rest, options) = esearch::search_return_opts(&rest[1..])?;
        (rest, Some(options))
    } else {
        (rest, None)
    };
    let (rest, criteria) = arg(labels::PROGRAM, sort_criteria)(rest)?;
    let (rest, (charset, keys)) = charset_criteria(rest, labels::CHARSET)?;
    Ok((
        rest,
        CommandBody::Sort {
            uid: false,
            returns,
            criteria,
            charset,
            keys,
        },
    ))
}

/// `sort-criteria = "(" sort-criterion *(SP sort-criterion) ")"`, from the `(`.
pub(crate) fn sort_criteria(input: &[u8]) -> PResult<'_, Vec<SortCriterion>> {
    let Some(mut rest) = input.strip_prefix(b"(") else {
        return fail(input, labels::PROGRAM);
    };
    if rest.first() == Some(&b')') {
        return fail(rest, labels::EMPTY);
    }
    let mut out = Vec::new();
    loop {
        let (after, criterion) = sort_criterion(rest)?;
        out.push(criterion);
        match after.first() {
            Some(b')') => return Ok((&after[1..], out)),
            Some(b' ') if !at_eol(&after[1..]) => rest = &after[1..],
            _ => return fail(after, "a space, or ) to close the sort criteria"),
        }
    }
}

/// `sort-criterion = ["REVERSE" SP] sort-key`
fn sort_criterion(input: &[u8]) -> PResult<'_, SortCriterion> {
    let (mut rest, mut name) = sort_word(input, labels::KEY)?;
    let mut reverse = false;
    while name.eq_ignore_ascii_case("REVERSE") {
        reverse = !reverse;
        let Some(after) = rest
            .strip_prefix(b" ")
            .filter(|a| !at_eol(a) && a[0] != b')')
        else {
            return fail(rest, labels::AFTER_REVERSE);
        };
        (rest, name) = sort_word(after, labels::AFTER_REVERSE)?;
    }
    match SortKey::NAMES
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case(name))
    {
        Some(&(_, key)) => Ok((rest, SortCriterion { reverse, key })),
        None => fail(&input[input.len() - rest.len() - name.len()..], labels::KEY),
    }
}

fn sort_word<'a>(input: &'a [u8], what: &'static str) -> PResult<'a, &'a str> {
    match word(input) {
        Ok((rest, name)) => Ok((rest, as_str(name))),
        Err(_) => fail(input, what),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn criteria_with_reverse() {
        let (rest, c) = sort_criteria(b"(REVERSE DATE subject reverse reverse Size)").unwrap();
        assert!(rest.is_empty());
        assert_eq!(
            c,
            vec![
                SortCriterion {
                    reverse: true,
                    key: SortKey::Date
                },
                SortCriterion {
                    reverse: false,
                    key: SortKey::Subject
                },
                SortCriterion {
                    reverse: false,
                    key: SortKey::Size
                },
            ]
        );
    }

    #[test]
    fn errors_say_what_was_wrong() {
        let expected = |text: &'static str| match sort_criteria(text.as_bytes()) {
            Err(nom::Err::Error(e) | nom::Err::Failure(e)) => e.expected,
            other => panic!("{text}: {other:?}"),
        };
        assert_eq!(expected("DATE"), labels::PROGRAM);
        assert_eq!(expected("()"), labels::EMPTY);
        assert_eq!(expected("(FOO)"), labels::KEY);
        assert_eq!(expected("(DATE REVERSE)"), labels::AFTER_REVERSE);
        assert_eq!(expected("((DATE))"), labels::KEY);
    }

    #[test]
    fn the_whole_command() {
        let (rest, body) = sort(b"SORT RETURN (MIN) (DATE) UTF-8 UNSEEN FROM x").unwrap();
        assert!(rest.is_empty());
        let CommandBody::Sort {
            returns,
            criteria,
            charset,
            keys,
            ..
        } = body
        else {
            panic!("{body:?}")
        };
        assert_eq!(
            returns,
            Some(vec![super::super::esearch::ReturnOption::Min])
        );
        assert_eq!(criteria.len(), 1);
        assert_eq!(charset, "UTF-8");
        assert_eq!(keys.len(), 2);
    }
}
