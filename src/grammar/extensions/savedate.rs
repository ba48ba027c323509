//! SAVEDATE (RFC 8514): when a message was saved in the mailbox it is in.
//!
//! - `FETCH 1 (SAVEDATE)` (§4.2): the FETCH item (its name is all there is, so it is
//!   read in `fetch.rs` with the other plain items).
//! - `* 1 FETCH (SAVEDATE "01-Jan-2015 18:50:53 +0100")`: the answer, a date-time, or
//!   NIL where the mailbox's storage does not keep save dates.
//! - SEARCH keys SAVEDBEFORE, SAVEDON, SAVEDSINCE and SAVEDATESUPPORTED (§4.3), read
//!   in `search.rs` with the other date keys.

use nom::branch::alt;
use nom::combinator::{map, value};
use nom::Parser;

use crate::grammar::core::{date_time, nil, sp};
use crate::grammar::error::{expect, PResult};

// ---- responses

/// `msg-att-static =/ "SAVEDATE" SP (date-time / nil)` (RFC 8514 §5) — the part after
/// the name.
pub(crate) fn save_date_value(input: &[u8]) -> PResult<'_, Option<String>> {
    let (rest, _) = sp(input)?;
    expect(
        "a date-time in double quotes, like \"17-Jul-1996 02:44:25 -0700\", or NIL",
        alt((map(date_time, Some), value(None, nil))),
    )
    .parse(rest)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_date_or_nil() {
        assert_eq!(
            save_date_value(b" \"01-Jan-2015 18:50:53 +0100\")")
                .unwrap()
                .1,
            Some("01-Jan-2015 18:50:53 +0100".to_owned())
        );
        assert_eq!(save_date_value(b" NIL)").unwrap(), (&b")"[..], None));
        assert!(save_date_value(b" 2015").is_err());
    }
}
