//! Gmail's IMAP extensions (capability `X-GM-EXT-1`), a named vendor quirk: no RFC
//! defines them; Google's "IMAP Extensions" page for developers does
//! (developers.google.com/gmail/imap/imap-extensions), by example, without ABNF. The
//! rules below are the shapes of its examples.
//!
//! ```text
//! C: a006 FETCH 1 (X-GM-MSGID X-GM-THRID X-GM-LABELS)
//! S: * 1 FETCH (X-GM-MSGID 1278455344230334865 X-GM-THRID 1266894439832287888
//!    X-GM-LABELS (\Inbox \Sent Important "Muy Importante"))
//! C: a011 STORE 1 +X-GM-LABELS (foo)
//! C: a005 UID SEARCH X-GM-RAW "has:attachment in:unread"
//! ```
//!
//! Only Gmail answers them: Dovecot, and so the mock, refuses each with BAD.

use nom::character::complete::digit1;
use nom::Parser;

use crate::grammar::args::arg;
use crate::grammar::core::{as_str, astring, flag, paren_list, sp};
use crate::grammar::error::{expect, fail, rule, PResult};
use crate::grammar::search::{SearchKey, SearchText};

/// `x-gm-key = "X-GM-RAW" SP astring / "X-GM-MSGID" SP x-gm-id / "X-GM-THRID" SP x-gm-id
/// / "X-GM-LABELS" SP x-gm-label` (Google's examples): a query in Gmail's own search
/// syntax, a message id, a thread id, a label. None if `input` is none of them.
pub(crate) fn search_key(input: &[u8]) -> Option<PResult<'_, SearchKey>> {
    let name_len = input
        .iter()
        .take_while(|b| b.is_ascii_alphanumeric() || **b == b'-')
        .count();
    let rest = &input[name_len..];
    let key =
        match as_str(&input[..name_len]).to_ascii_uppercase().as_str() {
            "X-GM-RAW" => arg("a Gmail search query in quotes", astring)(rest)
                .map(|(r, q)| (r, SearchKey::GmailRaw(SearchText(q.bytes)))),
            "X-GM-MSGID" => arg("a Gmail message id", gm_id)(rest)
                .map(|(r, id)| (r, SearchKey::GmailMessageId(id))),
            "X-GM-THRID" => arg("a Gmail thread id", gm_id)(rest)
                .map(|(r, id)| (r, SearchKey::GmailThreadId(id))),
            "X-GM-LABELS" => {
                arg("a Gmail label", label)(rest).map(|(r, l)| (r, SearchKey::GmailLabels(l)))
            }
            _ => return None,
        };
    Some(key)
}

/// `x-gm-id = 1*DIGIT`: Google calls X-GM-MSGID and X-GM-THRID 64-bit unsigned
/// integers, so the whole u64 range is read (RFC 9051's number64 stops at 2^63 - 1).
pub(crate) fn gm_id(input: &[u8]) -> PResult<'_, u64> {
    let (rest, digits) = expect("a number", digit1).parse(input)?;
    match as_str(digits).parse::<u64>() {
        Ok(n) => Ok((rest, n)),
        Err(_) => fail(input, "a number below 18446744073709551616 (64 bits)"),
    }
}

/// `x-gm-label = "\" atom / astring`: a system label (`\Inbox`, `\Sent`, `\Important`)
/// or a user's label (`foo`, `"Muy Importante"`), as Google's examples write them.
pub(crate) fn label(input: &[u8]) -> PResult<'_, String> {
    if input.first() == Some(&b'\\') {
        return flag(input).map(|(rest, f)| (rest, f.0));
    }
    astring(input).map(|(rest, s)| (rest, s.text().into_owned()))
}

/// `x-gm-labels = "(" [x-gm-label *(SP x-gm-label)] ")" / x-gm-label *(SP x-gm-label)`:
/// the values of STORE's X-GM-LABELS item, a list as in Google's example or bare, as
/// FLAGS allows.
pub(crate) fn store_labels(input: &[u8]) -> PResult<'_, Vec<String>> {
    if input.first() == Some(&b'(') {
        return labels_list(input);
    }
    let (mut rest, first) = label(input)?;
    let mut labels = vec![first];
    while let Ok((r, next)) = sp.and(label).parse(rest) {
        labels.push(next.1);
        rest = r;
    }
    Ok((rest, labels))
}

// ---- responses

/// `"(" [x-gm-label *(SP x-gm-label)] ")"`: X-GM-LABELS in a FETCH response,
/// `(\Inbox \Sent Important "Muy Importante")` or `()`.
pub(crate) fn labels_list(input: &[u8]) -> PResult<'_, Vec<String>> {
    rule("x-gm-labels", paren_list(label)).parse(input)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_keep_system_and_quoted_names() {
        let (rest, l) = labels_list(br#"(\Inbox \Sent Important "Muy Importante") "#).unwrap();
        assert_eq!(l, vec!["\\Inbox", "\\Sent", "Important", "Muy Importante"]);
        assert_eq!(rest, b" ");
        assert_eq!(labels_list(b"()").unwrap().1, Vec::<String>::new());
    }

    #[test]
    fn ids_take_all_64_bits() {
        assert_eq!(gm_id(b"18446744073709551615").unwrap().1, u64::MAX);
        assert!(gm_id(b"18446744073709551616").is_err());
    }
}
