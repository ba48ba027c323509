//! OBJECTID (RFC 8474): identifiers the server gives mailboxes (MAILBOXID) and messages
//! (EMAILID), and the thread a message belongs to (THREADID), so that a client can
//! recognise a renamed mailbox or a moved message instead of downloading it again.
//!
//! - `SEARCH EMAILID M6d99ac3275bb4e`, `SEARCH THREADID T64b478a75b7ea9` (§6): the
//!   keys, which `search.rs` hands over by name.
//! - `FETCH 1:* (EMAILID THREADID)` (§5.3): plain names, read in `fetch.rs`.
//! - `STATUS foo (MAILBOXID)` (§4.3): a plain name, read in `status.rs`.
//! - `[MAILBOXID (F2212ea87-6097-4256-9d51-71338625)]` (§4.1, §4.2), `EMAILID (...)`,
//!   `THREADID (...)` or `THREADID NIL` (§5.3), `MAILBOXID (...)` in STATUS (§4.3): the
//!   values, below.
//!
//! Dovecot 2.3.19 does not implement OBJECTID: it does not advertise it, and answers BAD
//! to each of these commands (asked in the lab, scripts/dovecot-lab.sh).

use nom::branch::alt;
use nom::bytes::complete::{tag, take_while1};
use nom::combinator::{map, value};
use nom::sequence::delimited;
use nom::Parser;

use crate::grammar::args::arg;
use crate::grammar::core::{as_str, nil, sp};
use crate::grammar::error::{expect, fail, rule, PResult};
use crate::grammar::search::SearchKey;

/// What a learner is told an ObjectID looks like when one is malformed.
const OBJECTID: &str = "an ObjectID: 1 to 255 letters, digits, - or _ (such as M6d99ac3275bb4e)";

/// `objectid = 1*255(ALPHA / DIGIT / "_" / "-")` (RFC 8474 §7); case-sensitive, so kept
/// as written.
pub(crate) fn objectid(input: &[u8]) -> PResult<'_, String> {
    let (rest, id) = expect(
        OBJECTID,
        take_while1(|b: u8| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-')),
    )
    .parse(input)?;
    if id.len() > 255 {
        return fail(input, OBJECTID);
    }
    Ok((rest, as_str(id).to_owned()))
}

/// `search-key =/ "EMAILID" SP objectid / "THREADID" SP objectid` (RFC 8474 §6, §7):
/// `name` is the key's word in capitals, `rest` what follows it. None if `name` is
/// neither.
pub(crate) fn search_key<'a>(name: &str, rest: &'a [u8]) -> Option<PResult<'a, SearchKey>> {
    let key = match name {
        "EMAILID" => arg("an EMAILID such as M6d99ac3275bb4e", objectid)(rest)
            .map(|(r, id)| (r, SearchKey::EmailId(id))),
        "THREADID" => arg("a THREADID such as T64b478a75b7ea9", objectid)(rest)
            .map(|(r, id)| (r, SearchKey::ThreadId(id))),
        _ => return None,
    };
    Some(key)
}

// ---- responses

/// `SP "(" objectid ")"`, the value shared by three rules of RFC 8474 §7, after their name:
/// `resp-text-code =/ "MAILBOXID" SP "(" objectid ")"` (§4.1, §4.2),
/// `status-att-val =/ "MAILBOXID" SP "(" objectid ")"` (§4.3) and
/// `fetch-emailid-resp = "EMAILID" SP "(" objectid ")"` (§5.3).
pub(crate) fn paren_objectid(input: &[u8]) -> PResult<'_, String> {
    let (rest, _) = sp(input)?;
    rule(
        "objectid",
        delimited(
            expect("( before the ObjectID", tag("(")),
            objectid,
            expect(") after the ObjectID", tag(")")),
        ),
    )
    .parse(rest)
}

/// `fetch-threadid-resp = "THREADID" SP ( "(" objectid ")" / nil )` (RFC 8474 §5.3, §7),
/// after the name: NIL where the server does not compute threads.
pub(crate) fn threadid_value(input: &[u8]) -> PResult<'_, Option<String>> {
    let (rest, _) = sp(input)?;
    let id = delimited(tag("("), objectid, expect(") after the ObjectID", tag(")")));
    rule(
        "fetch-threadid-resp",
        expect(
            "an ObjectID in parentheses, such as (T64b478a75b7ea9), or NIL",
            alt((map(id, Some), value(None, nil))),
        ),
    )
    .parse(rest)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn search_keys_take_one_objectid() {
        let (rest, key) = search_key("EMAILID", b" M6d99ac3275bb4e UNSEEN")
            .unwrap()
            .unwrap();
        assert_eq!(
            (rest, key),
            (
                &b" UNSEEN"[..],
                SearchKey::EmailId("M6d99ac3275bb4e".into())
            )
        );
        assert!(search_key("THREADID", b" (T1)").unwrap().is_err());
        assert!(search_key("THREADID", b"").unwrap().is_err());
        assert!(search_key("UNSEEN", b"").is_none());
    }

    #[test]
    fn objectids_are_kept_as_written_and_bounded() {
        assert_eq!(
            objectid(b"M6d99ac3275bb4e)").unwrap(),
            (&b")"[..], "M6d99ac3275bb4e".to_owned())
        );
        assert!(objectid(b"(x)").is_err());
        assert!(objectid("a".repeat(256).as_bytes()).is_err());
        assert!(objectid("a".repeat(255).as_bytes()).is_ok());
        assert_eq!(
            paren_objectid(b" (F2212ea87-6097-4256-9d51-71338625)]")
                .unwrap()
                .1,
            "F2212ea87-6097-4256-9d51-71338625"
        );
        assert!(paren_objectid(b" F22]").is_err());
        assert_eq!(
            threadid_value(b" (T64b478a75b7ea9))").unwrap().1,
            Some("T64b478a75b7ea9".to_owned())
        );
        assert_eq!(threadid_value(b" NIL)").unwrap(), (&b")"[..], None));
        assert!(threadid_value(b" T1)").is_err());
    }
}
