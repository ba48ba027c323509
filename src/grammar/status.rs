//! STATUS items: `status-att` (RFC 9051 §6.3.11), read by the STATUS command and by
//! LIST-STATUS's `RETURN (STATUS (...))` (RFC 5819).

use nom::Parser;

use super::args::{label, list, word};
use super::core::as_str;
use super::error::{expect, fail, PResult};

/// Every status item the tutor knows: RFC 9051 §6.3.11, RFC 3501's RECENT, RFC 7162's
/// HIGHESTMODSEQ, RFC 7889's APPENDLIMIT and RFC 8474's MAILBOXID.
pub const STATUS_ATT_NAMES: &[&str] = &[
    "MESSAGES",
    "RECENT",
    "UIDNEXT",
    "UIDVALIDITY",
    "UNSEEN",
    "DELETED",
    "SIZE",
    "HIGHESTMODSEQ",
    "APPENDLIMIT",
    "MAILBOXID",
];

/// `status-att = "MESSAGES" / "UIDNEXT" / "UIDVALIDITY" / "UNSEEN" / "DELETED" / "SIZE"`
/// (and the extensions' items above), in capitals.
pub fn status_att(input: &[u8]) -> PResult<'_, String> {
    let (rest, name) = expect(label::STATUS_ATT, word).parse(input)?;
    let upper = as_str(name).to_ascii_uppercase();
    if STATUS_ATT_NAMES.contains(&upper.as_str()) {
        Ok((rest, upper))
    } else {
        fail(input, label::STATUS_ATT)
    }
}

/// `"(" status-att *(SP status-att) ")"`
pub fn status_att_list(input: &[u8]) -> PResult<'_, Vec<String>> {
    list(1, label::STATUS_ATT, status_att)(input)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_report_the_bad_item() {
        let Err(nom::Err::Error(e)) = status_att_list(b"(MESSAGES FOO)") else {
            panic!()
        };
        assert_eq!((e.input, e.expected), (&b"FOO)"[..], label::STATUS_ATT));
        let Err(nom::Err::Error(e)) = status_att_list(b"()") else {
            panic!()
        };
        assert_eq!(e.input, b")");
    }
}
