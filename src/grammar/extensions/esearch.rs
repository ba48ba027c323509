//! ESEARCH (RFC 4731) and SEARCHRES (RFC 5182): `SEARCH RETURN (MIN MAX COUNT ALL SAVE)`.
//!
//! RETURN asks for an ESEARCH answer (a summary) instead of the plain list of numbers;
//! SAVE keeps the result on the server, where later commands name it as `$`.

use nom::Parser;

use super::{tagged_ext_label, tagged_ext_val};
use crate::grammar::args::{arg, label, list};
use crate::grammar::core::keyword;
use crate::grammar::error::{expect, PResult};

/// The RETURN options the RFCs define.
pub(crate) const SEARCH_RETURN_OPTIONS: &[&str] = &["MIN", "MAX", "ALL", "COUNT", "SAVE"];

/// `search-return-opts = SP "RETURN" SP "(" [search-return-opt *(SP search-return-opt)] ")"`, from `RETURN`.
pub(crate) fn search_return_opts(input: &[u8]) -> PResult<'_, Vec<String>> {
    let (rest, _) = keyword("RETURN").parse(input)?;
    arg(
        label::SEARCH_RETURN,
        list(0, label::SEARCH_RETURN_OPT, search_return_opt),
    )(rest)
}

/// `search-return-opt = "MIN" / "MAX" / "ALL" / "COUNT" / "SAVE" / search-ret-opt-ext`;
/// `search-ret-opt-ext = search-modifier-name [SP search-mod-params]`
fn search_return_opt(input: &[u8]) -> PResult<'_, String> {
    let (rest, name) = expect(label::SEARCH_RETURN_OPT, tagged_ext_label).parse(input)?;
    let name = name.to_ascii_uppercase();
    if SEARCH_RETURN_OPTIONS.contains(&name.as_str()) {
        return Ok((rest, name));
    }
    if rest.first() == Some(&b' ') && matches!(rest.get(1), Some(b'(' | b'0'..=b'9' | b'*' | b'$'))
    {
        let (rest, value) = tagged_ext_val(&rest[1..])?;
        return Ok((rest, format!("{name} {value}")));
    }
    Ok((rest, name))
}

// ---- responses
