//! Mailboxes: CREATE, DELETE, RENAME, SUBSCRIBE, UNSUBSCRIBE,
//! LIST, LSUB, STATUS (RFC 9051 §6.3, RFC 3501 §6.3), NAMESPACE (RFC 2342), with
//! CHILDREN (RFC 3348) and SPECIAL-USE (RFC 6154) attributes in LIST.
//!
//! ```text
//! create      = "CREATE" SP mailbox
//! rename      = "RENAME" SP mailbox SP mailbox
//! list        = "LIST" [SP list-select-opts] SP mailbox SP mbox-or-pat [SP list-return-opts]
//! lsub        = "LSUB" SP mailbox SP list-mailbox
//! status      = "STATUS" SP mailbox SP "(" status-att *(SP status-att) ")"
//! namespace   = "NAMESPACE"          S: * NAMESPACE (("" "/")) NIL NIL
//! ```
//!
//! Dovecot's maildir behaviours the battery shows, reproduced: parents created
//! implicitly are `\Noselect` and cannot be selected or deleted; a mailbox deleted
//! while it has children stays listed (see [`Presence::Deleted`]); INBOX is listed
//! last. Other mailboxes are listed in name order, where Dovecot follows the order of
//! its directory (which varies from disk to disk).

use std::collections::{BTreeMap, BTreeSet};

use crate::grammar::code::Code;
use crate::grammar::core::ImapString;
use crate::grammar::mailbox::Mailbox;
use crate::grammar::status::StatusItem;
use crate::mock::mime::push_astring;
use crate::mock::store::{self, Presence, DELIMITER};
use crate::mock::wording as w;

use super::{Cx, Done};

/// NAMESPACE (RFC 2342): one personal namespace, no others.
pub fn namespace(cx: &mut Cx, tag: &str) -> Done {
    cx.line(&format!("* NAMESPACE ((\"\" \"{DELIMITER}\")) NIL NIL"));
    Done::ok(tag, w::NAMESPACE_DONE)
}

/// The name as stored: the wire form (modified UTF-7), INBOX in capitals, no
/// trailing delimiter.
fn stored_name(mailbox: &Mailbox) -> String {
    let raw = mailbox.raw.text();
    store::canonical(&raw)
}

/// The name as the client wrote it, for error texts (Dovecot echoes it).
fn shown(mailbox: &Mailbox) -> String {
    mailbox.raw.text().into_owned()
}

// -- CREATE, DELETE, RENAME (RFC 9051 §6.3.4–§6.3.6)

pub fn create(cx: &mut Cx, tag: &str, mailbox: &Mailbox) -> Done {
    let mut name = stored_name(mailbox);
    // "CREATE Deep/Down/Below/" creates Deep/Down/Below (RFC 9051 §6.3.4).
    while name.len() > 1 && name.ends_with(DELIMITER) {
        name.pop();
    }
    let name = store::canonical(&name);
    if name.is_empty() || name.contains(['*', '%']) {
        return Done::no(tag, "Invalid mailbox name");
    }
    let user = cx.user().to_owned();
    let mut world = cx.store.lock();
    if world.account(&user).and_then(|a| a.real(&name)).is_some() {
        return Done::no(tag, w::MAILBOX_EXISTS).code(Code::other("ALREADYEXISTS"));
    }
    world.create_mailbox(&user, &name);
    world.touch();
    Done::ok(tag, w::CREATE_DONE)
}

pub fn delete(cx: &mut Cx, tag: &str, mailbox: &Mailbox) -> Done {
    let name = stored_name(mailbox);
    if name == "INBOX" {
        return Done::no(tag, w::DELETE_INBOX);
    }
    let user = cx.user().to_owned();
    let mut world = cx.store.lock();
    let Some(account) = world.account_mut(&user) else {
        return Done::no(tag, w::no_mailbox(&shown(mailbox)));
    };
    let Some(index) = account
        .mailboxes
        .iter()
        .position(|m| m.name == name && m.is_real())
    else {
        return Done::no(tag, w::no_mailbox(&shown(mailbox))).code(Code::other("NONEXISTENT"));
    };
    if account.has_children(&name) {
        let mb = &mut account.mailboxes[index];
        mb.presence = Presence::Deleted;
        let all: BTreeSet<u32> = mb.messages.iter().map(|m| m.uid).collect();
        mb.expunge(&all);
    } else {
        account.mailboxes.remove(index);
    }
    account.prune();
    world.touch();
    Done::ok(tag, w::DELETE_DONE)
}

pub fn rename(cx: &mut Cx, tag: &str, from: &Mailbox, to: &Mailbox) -> Done {
    let (old, new) = (stored_name(from), stored_name(to));
    if old == "INBOX" {
        return Done::no(tag, w::RENAME_INBOX).code(Code::other("CANNOT"));
    }
    let user = cx.user().to_owned();
    let mut world = cx.store.lock();
    let Some(account) = world.account_mut(&user) else {
        return Done::no(tag, w::no_mailbox(&shown(from)));
    };
    if account.real(&old).is_none() {
        return Done::no(tag, w::no_mailbox(&shown(from))).code(Code::other("NONEXISTENT"));
    }
    if account.find(&new).is_some() {
        return Done::no(tag, w::TARGET_EXISTS).code(Code::other("ALREADYEXISTS"));
    }
    let prefix = format!("{old}{DELIMITER}");
    let renamed = |name: &str| -> Option<String> {
        if name == old {
            Some(new.clone())
        } else {
            name.strip_prefix(&prefix)
                .map(|rest| format!("{new}{DELIMITER}{rest}"))
        }
    };
    for mb in &mut account.mailboxes {
        if let Some(n) = renamed(&mb.name) {
            mb.name = n;
        }
    }
    let subscriptions: Vec<String> = account.subscriptions.iter().cloned().collect();
    for s in subscriptions {
        if let Some(n) = renamed(&s) {
            account.subscriptions.remove(&s);
            account.subscriptions.insert(n);
        }
    }
    account.prune();
    world.touch();
    Done::ok(tag, w::RENAME_DONE)
}

// -- SUBSCRIBE, UNSUBSCRIBE (RFC 9051 §6.3.7, §6.3.8)

pub fn subscribe(cx: &mut Cx, tag: &str, mailbox: &Mailbox, on: bool) -> Done {
    let name = stored_name(mailbox);
    let user = cx.user().to_owned();
    let mut world = cx.store.lock();
    let Some(account) = world.account_mut(&user) else {
        return Done::no(tag, w::no_mailbox(&shown(mailbox)));
    };
    if on {
        if account.real(&name).is_none() {
            return Done::no(tag, w::no_mailbox(&shown(mailbox)));
        }
        account.subscriptions.insert(name);
        Done::ok(tag, w::SUBSCRIBE_DONE)
    } else {
        // Dovecot answers OK even for names that were never subscribed (battery m28).
        account.subscriptions.remove(&name);
        Done::ok(tag, w::UNSUBSCRIBE_DONE)
    }
}

// -- LIST, LSUB (RFC 9051 §6.3.9, RFC 3501 §6.3.9)

/// What LIST knows about a name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Node {
    Real,
    /// Deleted while it had children (Dovecot keeps listing it).
    Kept,
    /// Exists only because something below it exists: `\Noselect`.
    Implicit,
}

/// Does `name` match an IMAP list pattern (`*` anything, `%` anything but the delimiter)?
pub fn matches(name: &[u8], pattern: &[u8]) -> bool {
    match pattern.split_first() {
        None => name.is_empty(),
        Some((b'*', rest)) => (0..=name.len()).any(|i| matches(&name[i..], rest)),
        Some((b'%', rest)) => {
            let stop = name
                .iter()
                .position(|&b| b == DELIMITER as u8)
                .unwrap_or(name.len());
            (0..=stop).any(|i| matches(&name[i..], rest))
        }
        Some((&c, rest)) => name.first() == Some(&c) && matches(&name[1..], rest),
    }
}

/// True if `name` matches `pattern`, INBOX case-insensitively (RFC 9051 §5.1).
fn name_matches(name: &str, pattern: &str) -> bool {
    if matches(name.as_bytes(), pattern.as_bytes()) {
        return true;
    }
    if name == "INBOX" || name.starts_with("INBOX/") {
        let head = pattern.get(..5.min(pattern.len())).unwrap_or("");
        let folded = format!(
            "{}{}",
            head.to_ascii_uppercase(),
            pattern.get(head.len()..).unwrap_or("")
        );
        return matches(name.as_bytes(), folded.as_bytes());
    }
    false
}

/// Every name LIST can show, with what it is: the mailboxes and their implicit parents.
fn nodes(account: &store::Account) -> BTreeMap<String, Node> {
    let mut out = BTreeMap::new();
    for mb in &account.mailboxes {
        let node = if mb.is_real() { Node::Real } else { Node::Kept };
        out.insert(mb.name.clone(), node);
    }
    let names: Vec<String> = out.keys().cloned().collect();
    for name in names {
        let mut prefix = String::new();
        let parts: Vec<&str> = name.split(DELIMITER).collect();
        for part in &parts[..parts.len() - 1] {
            if !prefix.is_empty() {
                prefix.push(DELIMITER);
            }
            prefix.push_str(part);
            out.entry(prefix.clone()).or_insert(Node::Implicit);
        }
    }
    out
}

/// INBOX last, the others in name order (see the module comment).
fn listing_order(names: &mut [String]) {
    names.sort_by(|a, b| (a == "INBOX").cmp(&(b == "INBOX")).then_with(|| a.cmp(b)));
}

fn list_line(kind: &str, attributes: &[String], name: &str) -> Vec<u8> {
    let mut line = format!("* {kind} ({}) \"{DELIMITER}\" ", attributes.join(" ")).into_bytes();
    push_astring(&mut line, name.as_bytes());
    line.extend_from_slice(b"\r\n");
    line
}

fn full_pattern(reference: &str, pattern: &str) -> String {
    if reference.is_empty() {
        pattern.to_owned()
    } else {
        format!("{reference}{pattern}")
    }
}

pub fn list(
    cx: &mut Cx,
    tag: &str,
    reference: &Mailbox,
    patterns: &[ImapString],
    selection: &[String],
    returns: &[String],
) -> Done {
    let reference = reference.raw.text().into_owned();
    let has = |opts: &[String], what: &str| opts.iter().any(|o| o.eq_ignore_ascii_case(what));
    let special_only = has(selection, "SPECIAL-USE");
    let subscribed_only = has(selection, "SUBSCRIBED");
    let show_subscribed = subscribed_only || has(returns, "SUBSCRIBED");
    let user = cx.user().to_owned();
    let world = cx.store.lock();
    let Some(account) = world.account(&user) else {
        return Done::ok(tag, w::LIST_DONE);
    };
    // LIST "" "" asks for the delimiter and the root (RFC 9051 §6.3.9).
    if patterns.len() == 1 && patterns[0].bytes.is_empty() {
        cx.out
            .extend_from_slice(format!("* LIST (\\Noselect) \"{DELIMITER}\" \"\"\r\n").as_bytes());
        return Done::ok(tag, w::LIST_DONE);
    }
    let all = nodes(account);
    let mut names: Vec<String> = all
        .keys()
        .filter(|n| {
            patterns
                .iter()
                .any(|p| name_matches(n, &full_pattern(&reference, &p.text())))
        })
        .cloned()
        .collect();
    listing_order(&mut names);
    for name in names {
        let node = all[&name];
        let real = account.find(&name);
        let special: Vec<String> = real.map(|m| m.special_use.clone()).unwrap_or_default();
        let subscribed = account.subscriptions.contains(&name);
        if special_only && special.is_empty() || subscribed_only && !subscribed {
            continue;
        }
        let mut attributes: Vec<String> = Vec::new();
        if !special_only {
            let children = if account.has_children(&name) {
                "\\HasChildren"
            } else {
                "\\HasNoChildren"
            };
            match node {
                Node::Real => attributes.push(children.into()),
                Node::Kept => attributes.push("\\HasChildren".into()),
                Node::Implicit => attributes.extend(["\\Noselect".into(), "\\HasChildren".into()]),
            }
        }
        if show_subscribed && subscribed {
            attributes.push("\\Subscribed".into());
        }
        attributes.extend(special);
        cx.out
            .extend_from_slice(&list_line("LIST", &attributes, &name));
    }
    Done::ok(tag, w::LIST_DONE)
}

pub fn lsub(cx: &mut Cx, tag: &str, reference: &Mailbox, pattern: &ImapString) -> Done {
    let pattern = full_pattern(&reference.raw.text(), &pattern.text());
    let user = cx.user().to_owned();
    let world = cx.store.lock();
    let Some(account) = world.account(&user) else {
        return Done::ok(tag, w::LSUB_DONE);
    };
    let mut names: Vec<String> = account
        .subscriptions
        .iter()
        .filter(|n| name_matches(n, &pattern))
        .cloned()
        .collect();
    listing_order(&mut names);
    for name in names {
        let attributes = match account.real(&name) {
            Some(m) => m.special_use.clone(),
            None => vec!["\\Noselect".to_string()],
        };
        cx.out
            .extend_from_slice(&list_line("LSUB", &attributes, &name));
    }
    Done::ok(tag, w::LSUB_DONE)
}

// -- STATUS (RFC 9051 §6.3.11)

/// The items Dovecot answers, in the order it writes them.
const STATUS_ORDER: [StatusItem; 8] = [
    StatusItem::Messages,
    StatusItem::Recent,
    StatusItem::UidNext,
    StatusItem::UidValidity,
    StatusItem::Unseen,
    StatusItem::HighestModSeq,
    StatusItem::Size,
    StatusItem::Deleted,
];

/// The value of `item` in Dovecot's answer, or `None` for an item Dovecot 2.3's STATUS
/// does not know (it answers `BAD Invalid status item`).
fn status_value(mb: &store::MailboxData, item: StatusItem) -> Option<u64> {
    Some(match item {
        StatusItem::Messages => mb.messages.len() as u64,
        StatusItem::Recent => mb.recent_count() as u64,
        StatusItem::UidNext => u64::from(mb.uidnext),
        StatusItem::UidValidity => u64::from(mb.uidvalidity),
        StatusItem::Unseen => mb.unseen_count() as u64,
        StatusItem::HighestModSeq => mb.highest_modseq,
        StatusItem::Size => mb.size(),
        StatusItem::Deleted => mb
            .messages
            .iter()
            .filter(|m| m.flags.has(store::DELETED))
            .count() as u64,
        StatusItem::AppendLimit | StatusItem::MailboxId => return None,
    })
}

pub fn status(cx: &mut Cx, tag: &str, mailbox: &Mailbox, items: &[StatusItem]) -> Done {
    if let Some(bad) = items.iter().find(|i| !STATUS_ORDER.contains(i)) {
        return Done::bad(
            tag,
            w::command_error("STATUS", &format!("Invalid status item {bad}")),
        );
    }
    let highestmodseq = items.contains(&StatusItem::HighestModSeq);
    // HIGHESTMODSEQ turns CONDSTORE on for the session, as ENABLE would.
    if !cx.conn.condstore && highestmodseq {
        super::any::condstore_turned_on(cx);
    }
    let name = stored_name(mailbox);
    let user = cx.user().to_owned();
    let selected_id = cx.conn.selected.as_ref().map(|s| s.id);
    let mut world = cx.store.lock();
    let Some(mb) = world.account_mut(&user).and_then(|a| a.real_mut(&name)) else {
        return Done::no(tag, w::no_mailbox(&shown(mailbox)));
    };
    // Asking for HIGHESTMODSEQ turns CONDSTORE on for the mailbox, in Dovecot.
    if highestmodseq {
        mb.track_modseqs();
    }
    let mb = &*mb;
    let values: Vec<String> = STATUS_ORDER
        .into_iter()
        .filter(|item| items.contains(item))
        .filter_map(|item| Some(format!("{item} {}", status_value(mb, item)?)))
        .collect();
    let is_selected = selected_id == Some(mb.id);
    drop(world);
    let mut line = b"* STATUS ".to_vec();
    push_astring(&mut line, mailbox.raw.bytes.as_slice());
    line.extend_from_slice(format!(" ({})\r\n", values.join(" ")).as_bytes());
    cx.out.extend_from_slice(&line);
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
    fn list_patterns() {
        assert!(matches(b"Work/Projects", b"*"));
        assert!(matches(b"Work/Projects", b"Work/%"));
        assert!(!matches(b"Work/Projects", b"%"));
        assert!(matches(b"Work/Projects", b"*Proj*"));
        assert!(!matches(b"INBOX", b"Nothing*"));
        assert!(name_matches("INBOX", "inbox"));
        assert!(!name_matches("Archive", "archive"));
    }
}
