//! ESEARCH (RFC 4731), SEARCHRES (RFC 5182) and CONTEXT=SEARCH (RFC 5267): the RETURN
//! options of SEARCH and SORT, and CANCELUPDATE.
//!
//! RETURN asks for an ESEARCH answer (a summary) instead of the plain list of numbers;
//! SAVE keeps the result on the server, where later commands name it as `$`; PARTIAL
//! asks for a window of the result; UPDATE asks the server to keep telling the client
//! how the result changes (ADDTO, REMOVEFROM), until CANCELUPDATE.

use std::fmt;

use nom::bytes::complete::tag;
use nom::Parser;
use serde::Serialize;

use super::{tagged_ext_label, tagged_ext_val};
use crate::grammar::args::{arg, label, list, more};
use crate::grammar::core::{keyword, nz_number, string};
use crate::grammar::error::{expect, PResult};
use crate::grammar::fetch::{fetch_items, FetchItems};

/// One RETURN option of SEARCH or SORT.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub enum ReturnOption {
    /// The lowest matching number (RFC 4731 §3.1).
    Min,
    /// The highest matching number.
    Max,
    /// Every matching number, as a set.
    All,
    /// How many match.
    Count,
    /// Keep the result for `$` (RFC 5182 §2.1).
    Save,
    /// A hint that the same search will follow (RFC 5267 §4.2).
    Context,
    /// Tell the client how the result changes (RFC 5267 §4.3). Dovecot also takes a
    /// list of FETCH items to send for each new message that matches.
    Update(Option<FetchItems>),
    /// The results from the first to the last position, as written (RFC 5267 §4.4:
    /// `500:400` is the same as `400:500`).
    Partial(u32, u32),
    /// A score for each match (RFC 6203 §4, SEARCH=FUZZY).
    Relevancy,
    /// An option of another extension, with its value as written.
    Other(String, Option<String>),
}

impl ReturnOption {
    /// The option's name, upper-cased.
    pub(crate) fn name(&self) -> &str {
        match self {
            ReturnOption::Min => "MIN",
            ReturnOption::Max => "MAX",
            ReturnOption::All => "ALL",
            ReturnOption::Count => "COUNT",
            ReturnOption::Save => "SAVE",
            ReturnOption::Context => "CONTEXT",
            ReturnOption::Update(_) => "UPDATE",
            ReturnOption::Partial(..) => "PARTIAL",
            ReturnOption::Relevancy => "RELEVANCY",
            ReturnOption::Other(name, _) => name,
        }
    }
}

impl fmt::Display for ReturnOption {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ReturnOption::Partial(a, b) => write!(f, "PARTIAL {a}:{b}"),
            ReturnOption::Update(Some(_)) => f.write_str("UPDATE (...)"),
            ReturnOption::Other(name, Some(value)) => write!(f, "{name} {value}"),
            other => f.write_str(other.name()),
        }
    }
}

/// `search-return-opts = SP "RETURN" SP "(" [search-return-opt *(SP search-return-opt)] ")"`, from `RETURN`.
pub(crate) fn search_return_opts(input: &[u8]) -> PResult<'_, Vec<ReturnOption>> {
    let (rest, _) = keyword("RETURN").parse(input)?;
    arg(
        label::SEARCH_RETURN,
        list(0, label::SEARCH_RETURN_OPT, search_return_opt),
    )(rest)
}

/// `search-return-opt = "MIN" / "MAX" / "ALL" / "COUNT" / "SAVE" / modifier-context /
/// modifier-partial / modifier-update / search-ret-opt-ext` (RFC 4731, 5182, 5267);
/// `modifier-partial = "PARTIAL" SP partial-range`;
/// `search-ret-opt-ext = search-modifier-name [SP search-mod-params]` (RFC 4466)
fn search_return_opt(input: &[u8]) -> PResult<'_, ReturnOption> {
    let (rest, name) = expect(label::SEARCH_RETURN_OPT, tagged_ext_label).parse(input)?;
    let name = name.to_ascii_uppercase();
    let option = match name.as_str() {
        "MIN" => ReturnOption::Min,
        "MAX" => ReturnOption::Max,
        "ALL" => ReturnOption::All,
        "COUNT" => ReturnOption::Count,
        "SAVE" => ReturnOption::Save,
        "CONTEXT" => ReturnOption::Context,
        "RELEVANCY" => ReturnOption::Relevancy,
        "PARTIAL" => {
            let (rest, (a, b)) = arg(label::PARTIAL_RANGE, partial_range)(rest)?;
            return Ok((rest, ReturnOption::Partial(a, b)));
        }
        "UPDATE" if rest.starts_with(b" (") => {
            let (rest, items) = arg(label::FETCH_ITEMS, fetch_items)(rest)?;
            return Ok((rest, ReturnOption::Update(Some(items))));
        }
        "UPDATE" => ReturnOption::Update(None),
        _ if rest.first() == Some(&b' ')
            && matches!(rest.get(1), Some(b'(' | b'0'..=b'9' | b'*' | b'$')) =>
        {
            let (rest, value) = tagged_ext_val(&rest[1..])?;
            return Ok((rest, ReturnOption::Other(name, Some(value))));
        }
        _ => ReturnOption::Other(name, None),
    };
    Ok((rest, option))
}

/// `partial-range = nz-number ":" nz-number` (RFC 5267 §5)
pub(crate) fn partial_range(input: &[u8]) -> PResult<'_, (u32, u32)> {
    let (rest, a) = nz_number(input)?;
    let (rest, _) = expect(label::PARTIAL_RANGE, tag(":")).parse(rest)?;
    let (rest, b) = expect(label::PARTIAL_RANGE, nz_number).parse(rest)?;
    Ok((rest, (a, b)))
}

/// `command-select =/ "CANCELUPDATE" 1*(SP quoted)` (RFC 5267 §5): the tags of the
/// searches whose updates should stop. Dovecot takes a literal as well as a quoted
/// string (any `string`), so the grammar does too.
pub(crate) fn cancelupdate(input: &[u8]) -> PResult<'_, crate::grammar::command::CommandBody> {
    let (rest, _) = keyword("CANCELUPDATE").parse(input)?;
    let tag_string = |i| string(i).map(|(rest, q)| (rest, q.text().into_owned()));
    let (rest, first) = arg(label::UPDATE_TAG, tag_string)(rest)?;
    let mut tags = vec![first];
    let (rest, ()) = more(rest, &mut tags, tag_string)?;
    Ok((
        rest,
        crate::grammar::command::CommandBody::CancelUpdate { tags },
    ))
}

// ---- responses
// (ESEARCH data is read in `grammar/response/data.rs`.)

#[cfg(test)]
mod tests {
    use super::*;
    use crate::grammar::command::CommandBody;
    use crate::grammar::parse_command;

    fn returns(line: &str) -> Vec<ReturnOption> {
        match parse_command(format!("a {line}\r\n").as_bytes()).command {
            Some(c) => match c.body {
                CommandBody::Search {
                    returns: Some(r), ..
                }
                | CommandBody::Sort {
                    returns: Some(r), ..
                } => r,
                other => panic!("{line}: {other:?}"),
            },
            None => panic!("{line}: did not parse"),
        }
    }

    #[test]
    fn return_options_are_typed() {
        use ReturnOption::*;
        assert_eq!(
            returns("SEARCH RETURN (min PARTIAL 500:400 update CONTEXT SAVE) ALL"),
            [Min, Partial(500, 400), Update(None), Context, Save]
        );
        assert!(matches!(
            returns("UID SEARCH RETURN (UPDATE (FLAGS UID)) SEEN")[..],
            [Update(Some(_))]
        ));
        assert_eq!(
            returns("SORT RETURN (X-FOO 3 RELEVANCY) (DATE) UTF-8 ALL"),
            [Other("X-FOO".into(), Some("3".into())), Relevancy]
        );
        assert_eq!(Partial(1, 5).to_string(), "PARTIAL 1:5");
    }

    #[test]
    fn partial_needs_a_range_of_two_numbers() {
        for bad in [
            "PARTIAL",
            "PARTIAL 0:5",
            "PARTIAL 1",
            "PARTIAL 1:*",
            "PARTIAL -1:-5",
        ] {
            let parsed = parse_command(format!("a SEARCH RETURN ({bad}) ALL\r\n").as_bytes());
            assert!(parsed.command.is_none(), "{bad}");
        }
    }

    #[test]
    fn cancelupdate_takes_strings() {
        let parsed = parse_command(b"a CANCELUPDATE \"s1\" {2}\r\ns2\r\n");
        assert!(
            matches!(&parsed.command, Some(c) if c.body == CommandBody::CancelUpdate { tags: vec!["s1".into(), "s2".into()] }),
            "{parsed:?}"
        );
        assert!(parse_command(b"a CANCELUPDATE s1\r\n").command.is_none());
        assert!(parse_command(b"a CANCELUPDATE\r\n").command.is_none());
    }
}
