//! ID (RFC 2971): the client and server tell each other who they are (name, version,
//! vendor...), mostly so that server logs can name client bugs.

use nom::branch::alt;
use nom::combinator::{map, value};
use nom::Parser;

use crate::grammar::args::{arg, label, list};
use crate::grammar::command::types::CommandBody;
use crate::grammar::core::{keyword, nil, nstring, sp, string};
use crate::grammar::error::{expect, PResult};

/// `id ::= "ID" SPACE id_params_list`
pub(crate) fn id(input: &[u8]) -> PResult<'_, CommandBody> {
    let (rest, _) = keyword("ID").parse(input)?;
    let (rest, parameters) = arg(label::ID_PARAMS, id_params_list)(rest)?;
    Ok((rest, CommandBody::Id { parameters }))
}

/// The field and value pairs of an ID command or response; `None` for NIL.
pub(crate) type IdParams = Option<Vec<(String, Option<String>)>>;

/// `id_params_list ::= "(" #(string SPACE nstring) ")" / nil`
///
/// RFC 2971's `#` is the old comma-list notation, but the RFC's own examples (and every
/// implementation) separate the pairs with a single space, as written here.
pub(crate) fn id_params_list(input: &[u8]) -> PResult<'_, IdParams> {
    let pair = |i| {
        let (rest, field) = string(i)?;
        let (rest, _) = sp(rest)?;
        let (rest, value) = expect("a value string, or NIL", nstring).parse(rest)?;
        Ok((
            rest,
            (
                field.text().into_owned(),
                value.map(|v| v.text().into_owned()),
            ),
        ))
    };
    alt((
        value(None, nil),
        map(list(0, "a field name string such as \"name\"", pair), Some),
    ))
    .parse(input)
}

// ---- responses
