//! STATUS (RFC 9051 §6.3.11), with CONDSTORE's HIGHESTMODSEQ (RFC 7162 §3.1.7) and
//! STATUS=SIZE (RFC 8438). LIST-STATUS (RFC 5819) sends the same lines.
//!
//! ```text
//! status = "STATUS" SP mailbox SP "(" status-att *(SP status-att) ")"
//! C: s1 STATUS INBOX (MESSAGES UNSEEN SIZE)
//! S: * STATUS INBOX (MESSAGES 4 UNSEEN 2 SIZE 1106)
//! ```
//!
//! Dovecot 2.3 answers the items in its own order, whatever the order asked; it knows
//! `X-SIZE` (its name for SIZE before RFC 8438) and not `DELETED`, `APPENDLIMIT` or
//! `MAILBOXID` (tests/data/differential/status.txt).

use crate::grammar::code::Code;
use crate::grammar::mailbox::Mailbox;
use crate::grammar::status::StatusItem;
use crate::mock::mime::push_astring;
use crate::mock::store::{self, MailboxData};
use crate::mock::wording as w;

use super::{Cx, Done};

/// The items Dovecot answers, in the order it writes them.
const STATUS_ORDER: [StatusItem; 8] = [
    StatusItem::Messages,
    StatusItem::Recent,
    StatusItem::UidNext,
    StatusItem::UidValidity,
    StatusItem::Unseen,
    StatusItem::HighestModSeq,
    StatusItem::Size,
    StatusItem::XSize,
];

/// The value of `item` in Dovecot's answer, or `None` for an item Dovecot 2.3 does not
/// know (it answers `BAD Invalid status item`).
fn value(mb: &MailboxData, item: StatusItem) -> Option<u64> {
    Some(match item {
        StatusItem::Messages => mb.messages.len() as u64,
        StatusItem::Recent => mb.recent_count() as u64,
        StatusItem::UidNext => u64::from(mb.uidnext),
        StatusItem::UidValidity => u64::from(mb.uidvalidity),
        StatusItem::Unseen => mb.unseen_count() as u64,
        StatusItem::HighestModSeq => mb.highest_modseq,
        StatusItem::Size | StatusItem::XSize => mb.size(),
        StatusItem::Deleted | StatusItem::AppendLimit | StatusItem::MailboxId => return None,
    })
}

/// The items Dovecot 2.3 knows by name: those it answers, and X-GUID (a GUID the mock
/// has none of, so its grammar does not know the item).
const KNOWN: [&str; 9] = [
    "MESSAGES",
    "RECENT",
    "UIDNEXT",
    "UIDVALIDITY",
    "UNSEEN",
    "HIGHESTMODSEQ",
    "SIZE",
    "X-SIZE",
    "X-GUID",
];

/// Dovecot's reason for a STATUS item list the grammar refused, read from `text` (the
/// whole command, literals inline): imap_status_parse_items goes left to right and
/// names the first item it does not know, where the grammar stops at the first word
/// it does not (`(APPENDLIMIT FOO)` is about APPENDLIMIT). `None`: the usual reasons.
pub(crate) fn refused_items(text: &[u8]) -> Option<String> {
    let open = text.iter().position(|&b| b == b'(')?;
    let rest = &text[open + 1..];
    let close = rest.iter().position(|&b| b == b')').unwrap_or(rest.len());
    let list = String::from_utf8_lossy(&rest[..close]);
    let mut items = list
        .split([' ', '\r', '\n'])
        .filter(|i| !i.is_empty())
        .peekable();
    if items.peek().is_none() && close < rest.len() {
        return Some(w::EMPTY_STATUS_LIST.into());
    }
    for item in items {
        if item.starts_with(['"', '(', '{']) {
            return Some(w::STATUS_NON_ATOMS.into());
        }
        if !KNOWN.contains(&item.to_ascii_uppercase().as_str()) {
            return Some(w::invalid_status_item(item));
        }
    }
    None
}

/// Dovecot's answer to items it does not know (imap_status_parse_items).
pub(crate) fn check_items(items: &[StatusItem]) -> Result<(), BadItems> {
    if items.is_empty() {
        return Err(BadItems::Empty);
    }
    match items.iter().find(|i| !STATUS_ORDER.contains(i)) {
        Some(bad) => Err(BadItems::Invalid(*bad)),
        None => Ok(()),
    }
}

/// A STATUS item list Dovecot refuses; its Display is Dovecot's reason.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum BadItems {
    Empty,
    /// An item Dovecot does not know (DELETED, APPENDLIMIT, MAILBOXID, another's).
    Invalid(StatusItem),
}

impl std::fmt::Display for BadItems {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            BadItems::Empty => f.write_str(w::EMPTY_STATUS_LIST),
            BadItems::Invalid(item) => f.write_str(&w::invalid_status_item(&item.to_string())),
        }
    }
}

/// `* STATUS name (item value ...)`, the items in Dovecot's order.
pub(crate) fn line(mb: &MailboxData, items: &[StatusItem], name: &[u8]) -> Vec<u8> {
    let values: Vec<String> = STATUS_ORDER
        .into_iter()
        .filter(|item| items.contains(item))
        .filter_map(|item| value(mb, item).map(|v| format!("{item} {v}")))
        .collect();
    let mut line = b"* STATUS ".to_vec();
    push_astring(&mut line, name);
    line.extend_from_slice(format!(" ({})\r\n", values.join(" ")).as_bytes());
    line
}

pub(crate) fn status(cx: &mut Cx, tag: &str, mailbox: &Mailbox, items: &[StatusItem]) -> Done {
    if let Err(e) = check_items(items) {
        return Done::bad(tag, w::command_error("STATUS", &e.to_string()));
    }
    let highestmodseq = items.contains(&StatusItem::HighestModSeq);
    // HIGHESTMODSEQ turns CONDSTORE on for the session, as ENABLE would.
    if !cx.conn.condstore && highestmodseq {
        super::any::condstore_turned_on(cx);
    }
    if let Some(refusal) = super::names::refused(&mailbox.raw.text(), false) {
        return Done::no(tag, refusal).code(Code::other("CANNOT"));
    }
    let name = store::canonical(&mailbox.raw.text());
    let user = cx.user().to_owned();
    let selected_id = cx.conn.selected.as_ref().map(|s| s.id);
    let mut world = cx.store.lock();
    let Some(mb) = world.account_mut(&user).and_then(|a| a.real_mut(&name)) else {
        return Done::no(tag, super::names::missing(&mailbox.raw.text()));
    };
    mb.status_listed = true;
    // Asking for HIGHESTMODSEQ turns CONDSTORE on for the mailbox, in Dovecot.
    if highestmodseq {
        mb.track_modseqs();
    }
    let text = line(mb, items, &mailbox.raw.bytes);
    let is_selected = selected_id == Some(mb.id);
    drop(world);
    cx.out.extend_from_slice(&text);
    if is_selected {
        Done::ok(tag, w::STATUS_SELECTED_DONE).code(Code::other("CLIENTBUG"))
    } else {
        Done::ok(tag, w::STATUS_DONE)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_unknown_item_is_named_in_capitals() {
        let why = |text: &str| refused_items(text.as_bytes());
        assert_eq!(
            why("a STATUS INBOX (messages fOo)\r\n").as_deref(),
            Some("Invalid status item FOO")
        );
        assert_eq!(
            why("a STATUS INBOX (mailboxid)\r\n").as_deref(),
            Some("Invalid status item MAILBOXID")
        );
    }

    #[test]
    fn the_first_item_dovecot_does_not_know_is_named() {
        let why = |text: &str| refused_items(text.as_bytes());
        assert_eq!(
            why("a STATUS INBOX (APPENDLIMIT FOO)\r\n").as_deref(),
            Some("Invalid status item APPENDLIMIT")
        );
        assert_eq!(
            why("a STATUS INBOX (X-GUID FOO)\r\n").as_deref(),
            Some("Invalid status item FOO")
        );
        assert_eq!(
            why("a STATUS {5+}\r\nINBOX ()\r\n").as_deref(),
            Some("Empty status list")
        );
        assert_eq!(
            why("a STATUS INBOX (\"MESSAGES\")\r\n").as_deref(),
            Some("Status list contains non-atoms")
        );
        assert_eq!(why("a STATUS INBOX (MESSAGES X-GUID)\r\n"), None);
        assert_eq!(why("a STATUS INBOX"), None);
    }
}
