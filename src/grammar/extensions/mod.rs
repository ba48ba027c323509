//! Extensions to IMAP, one file per extension, in the spirit of imap-codec's layout.
//!
//! Each file holds the command side of its extension first; the response side (untagged
//! data, response codes) follows in a section marked `// ---- responses`.
//!
//! - [`catenate`]: MULTIAPPEND, CATENATE and URL-PARTIAL's URLs (RFC 3502, 4469, 5550).
//! - [`idle`]: IDLE and the DONE that ends it (RFC 2177).
//! - [`move_`]: MOVE and UID MOVE (RFC 6851). (`move` is a Rust keyword.)
//! - [`uidplus`]: UID EXPUNGE (RFC 4315).
//! - [`notify`]: NOTIFY's event groups (RFC 5465).
//! - [`namespace`]: NAMESPACE (RFC 2342).
//! - [`id`]: ID (RFC 2971).
//! - [`enable`]: ENABLE (RFC 5161).
//! - [`unselect`]: UNSELECT (RFC 3691).
//! - [`compress`]: COMPRESS DEFLATE (RFC 4978).
//! - [`sasl_ir`]: the initial response of AUTHENTICATE and its base64 (RFC 4959).
//! - [`condstore`]: CONDSTORE and QRESYNC parameters and modifiers (RFC 7162).
//! - [`esearch`]: SEARCH RETURN options (RFC 4731, RFC 5182).
//! - [`list_extended`]: LIST selection and return options (RFC 5258).
//! - [`preview`]: the PREVIEW and SNIPPET FETCH items (RFC 8970).
//! - [`savedate`]: the SAVEDATE FETCH item (RFC 8514).
//! - [`objectid`]: MAILBOXID, EMAILID and THREADID, permanent identifiers (RFC 8474).
//! - [`sort`]: SORT, SORT=DISPLAY and ESORT (RFC 5256, RFC 5957, RFC 5267).
//! - [`thread`]: THREAD and its thread trees (RFC 5256).
//! - [`quota`]: GETQUOTA, GETQUOTAROOT, SETQUOTA; QUOTA and QUOTAROOT (RFC 9208).
//! - [`acl`]: SETACL, DELETEACL, GETACL, LISTRIGHTS, MYRIGHTS; their responses (RFC 4314).
//! - [`metadata`]: GETMETADATA, SETMETADATA; METADATA (RFC 5464).
//! - [`xlist`]: Gmail's XLIST, LIST under another name (no RFC; a named quirk).
//! - [`gmail`]: Gmail's X-GM-* items and search keys (no RFC: a named vendor quirk).

pub mod acl;
pub mod catenate;
pub(crate) mod compress;
pub mod condstore;
pub(crate) mod enable;
pub mod esearch;
pub(crate) mod gmail;
pub(crate) mod id;
pub(crate) mod idle;
pub mod list_extended;
pub mod metadata;
pub(crate) mod move_;
pub(crate) mod namespace;
pub(crate) mod notify;
pub(crate) mod objectid;
pub(crate) mod preview;
pub mod quota;
pub mod sasl_ir;
pub(crate) mod savedate;
pub(crate) mod sort;
pub(crate) mod thread;
pub(crate) mod uidplus;
pub(crate) mod unselect;
pub(crate) mod xlist;

use nom::bytes::complete::take_while;
use nom::Parser;

use crate::grammar::args::{at_eol, label, list};
use crate::grammar::core::{as_str, astring, number64};
use crate::grammar::error::{fail, PResult};
use crate::grammar::sequence::sequence_set;

/// How deep `tagged-ext-comp` may nest: values are short, and a bound keeps a hostile
/// line of parentheses from exhausting the stack.
const MAX_NESTING: usize = 8;

/// `tagged-ext-label = tagged-label-fchar *tagged-label-char`;
/// `tagged-label-fchar = ALPHA / "-" / "_" / "."`; `tagged-label-char = tagged-label-fchar / DIGIT / ":"`
/// (RFC 4466): the names of parameters, modifiers and return options.
pub(crate) fn tagged_ext_label(input: &[u8]) -> PResult<'_, &str> {
    match input.first() {
        Some(&b) if b.is_ascii_alphabetic() || matches!(b, b'-' | b'_' | b'.') => {}
        _ => return fail(input, "a name such as CONDSTORE"),
    }
    let (rest, name) =
        take_while(|b: u8| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b':'))
            .parse(input)?;
    Ok((rest, as_str(name)))
}

/// `tagged-ext-val = tagged-ext-simple / "(" [tagged-ext-comp] ")"`;
/// `tagged-ext-simple = sequence-set / number / number64`;
/// `tagged-ext-comp = astring / tagged-ext-comp *(SP tagged-ext-comp) / "(" tagged-ext-comp ")"` (RFC 4466)
///
/// Returned as written: the tutor shows the values of extensions, it does not interpret them.
pub(crate) fn tagged_ext_val(input: &[u8]) -> PResult<'_, String> {
    let rest = if input.first() == Some(&b'(') {
        comp_list(input, 0)?.0
    } else if let Ok((rest, _)) = sequence_set(input) {
        rest
    } else {
        number64(input)
            .map_err(|_| {
                nom::Err::Error(crate::grammar::error::GrammarError {
                    input,
                    expected: label::EXT_VALUE,
                    rule: None,
                })
            })?
            .0
    };
    let text = &input[..input.len() - rest.len()];
    Ok((rest, String::from_utf8_lossy(text).into_owned()))
}

/// `create-params = SP "(" create-param *(SP create-param) ")"`; `create-param = create-param-name [SP create-param-value]`
/// (RFC 4466; RFC 6154 uses it for `CREATE name (USE (\Drafts))`), from the `(`. The
/// generic shape of parameter lists; each parameter is kept as written, its name in capitals.
pub(crate) fn ext_params(input: &[u8]) -> PResult<'_, Vec<String>> {
    list(1, "a parameter name such as USE", ext_param)(input)
}

/// `param-name [SP tagged-ext-val]`: a value follows only if it starts like one.
pub(crate) fn ext_param(input: &[u8]) -> PResult<'_, String> {
    let (rest, name) = tagged_ext_label(input)?;
    let name = name.to_ascii_uppercase();
    if rest.first() == Some(&b' ') && matches!(rest.get(1), Some(b'(' | b'0'..=b'9' | b'*' | b'$'))
    {
        let (rest, value) = tagged_ext_val(&rest[1..])?;
        return Ok((rest, format!("{name} {value}")));
    }
    Ok((rest, name))
}

/// `"(" [tagged-ext-comp] ")"`, where a component is an astring or a nested list.
fn comp_list(input: &[u8], depth: usize) -> PResult<'_, ()> {
    if depth > MAX_NESTING {
        return fail(input, "fewer nested parentheses");
    }
    let mut rest = &input[1..];
    if let Some(after) = rest.strip_prefix(b")") {
        return Ok((after, ()));
    }
    loop {
        if at_eol(rest) {
            return fail(rest, "a space, or ) to close the list");
        }
        // A flag such as `\Drafts` is not an astring, but RFC 6154 puts them here (`USE (\Drafts)`).
        rest = match rest.first() {
            Some(b'(') => comp_list(rest, depth + 1)?.0,
            Some(b'\\') => astring(&rest[1..])?.0,
            _ => astring(rest)?.0,
        };
        match rest.first() {
            Some(b')') => return Ok((&rest[1..], ())),
            Some(b' ') => rest = &rest[1..],
            _ => return fail(rest, "a space, or ) to close the list"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn extension_values_are_kept_as_written() {
        assert_eq!(
            tagged_ext_val(b"1:5,7 x").unwrap(),
            (&b" x"[..], "1:5,7".to_owned())
        );
        assert_eq!(tagged_ext_val(b"0)").unwrap(), (&b")"[..], "0".to_owned()));
        assert_eq!(
            tagged_ext_val(b"(USE (\\Drafts \"x y\")))").unwrap().1,
            "(USE (\\Drafts \"x y\"))"
        );
        assert!(tagged_ext_val(b"((((((((((((x))))))))))))").is_err());
        assert!(tagged_ext_val(b"abc").is_err());
        assert_eq!(
            tagged_ext_label(b"CHANGEDSINCE 1").unwrap().1,
            "CHANGEDSINCE"
        );
        assert_eq!(
            ext_params(b"(use (\\Drafts) X-Y 5)").unwrap().1,
            vec!["USE (\\Drafts)".to_owned(), "X-Y 5".to_owned()]
        );
    }
}
