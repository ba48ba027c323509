//! STATUS items: `status-att` (RFC 9051 §6.3.11), read by the STATUS command and by
//! LIST-STATUS's `RETURN (STATUS (...))` (RFC 5819).

use nom::Parser;
use serde::Serialize;

use super::args::{label, list, word};
use super::core::as_str;
use super::error::{expect, fail, PResult};

/// A status item the tutor knows: RFC 9051 §6.3.11, RFC 3501's RECENT, RFC 7162's
/// HIGHESTMODSEQ, RFC 7889's APPENDLIMIT, RFC 8474's MAILBOXID, and Dovecot's X-SIZE (a
/// named vendor item: SIZE under the name it had before RFC 8438). Serialized, and
/// compared with text, as its wire name (`UIDNEXT`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum StatusItem {
    Messages,
    Recent,
    UidNext,
    UidValidity,
    Unseen,
    Deleted,
    Size,
    HighestModSeq,
    AppendLimit,
    MailboxId,
    #[serde(rename = "X-SIZE")]
    XSize,
}

impl StatusItem {
    /// Every item, in the order of [`STATUS_ATT_NAMES`].
    pub(crate) const ALL: [StatusItem; 11] = [
        StatusItem::Messages,
        StatusItem::Recent,
        StatusItem::UidNext,
        StatusItem::UidValidity,
        StatusItem::Unseen,
        StatusItem::Deleted,
        StatusItem::Size,
        StatusItem::HighestModSeq,
        StatusItem::AppendLimit,
        StatusItem::MailboxId,
        StatusItem::XSize,
    ];

    /// The item's name on the wire.
    pub(crate) const fn name(self) -> &'static str {
        match self {
            StatusItem::Messages => "MESSAGES",
            StatusItem::Recent => "RECENT",
            StatusItem::UidNext => "UIDNEXT",
            StatusItem::UidValidity => "UIDVALIDITY",
            StatusItem::Unseen => "UNSEEN",
            StatusItem::Deleted => "DELETED",
            StatusItem::Size => "SIZE",
            StatusItem::HighestModSeq => "HIGHESTMODSEQ",
            StatusItem::AppendLimit => "APPENDLIMIT",
            StatusItem::MailboxId => "MAILBOXID",
            StatusItem::XSize => "X-SIZE",
        }
    }

    /// The item called `name` (any case).
    pub(crate) fn from_name(name: &str) -> Option<StatusItem> {
        StatusItem::ALL
            .into_iter()
            .find(|i| i.name().eq_ignore_ascii_case(name))
    }
}

impl std::fmt::Display for StatusItem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

impl PartialEq<&str> for StatusItem {
    fn eq(&self, other: &&str) -> bool {
        self.name() == *other
    }
}

/// The names of [`StatusItem::ALL`], for "did you mean" and the knowledge base.
pub(crate) const STATUS_ATT_NAMES: &[&str] = &{
    let mut names = [""; StatusItem::ALL.len()];
    let mut i = 0;
    while i < names.len() {
        names[i] = StatusItem::ALL[i].name();
        i += 1;
    }
    names
};

/// `status-att = "MESSAGES" / "UIDNEXT" / "UIDVALIDITY" / "UNSEEN" / "DELETED" / "SIZE"`
/// (and the extensions' items above).
pub(crate) fn status_att(input: &[u8]) -> PResult<'_, StatusItem> {
    let (rest, name) = expect(label::STATUS_ATT, word).parse(input)?;
    match StatusItem::from_name(as_str(name)) {
        Some(item) => Ok((rest, item)),
        None => fail(input, label::STATUS_ATT),
    }
}

/// `"(" status-att *(SP status-att) ")"`
pub(crate) fn status_att_list(input: &[u8]) -> PResult<'_, Vec<StatusItem>> {
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
