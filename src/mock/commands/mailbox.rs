//! Mailboxes: CREATE, DELETE, RENAME, SUBSCRIBE, UNSUBSCRIBE (RFC 9051 §6.3.4–§6.3.8),
//! NAMESPACE (RFC 2342). LIST and LSUB are in [`super::list`], STATUS in
//! [`super::status`], SELECT in [`super::select`].
//!
//! ```text
//! create      = "CREATE" SP mailbox
//! rename      = "RENAME" SP mailbox SP mailbox
//! namespace   = "NAMESPACE"          S: * NAMESPACE (("" "/")) NIL NIL
//! ```
//!
//! Dovecot's maildir behaviours the battery shows, reproduced: parents created
//! implicitly cannot be selected or deleted; a mailbox deleted while it has children
//! stays listed (see [`Presence::Deleted`]).

use std::collections::BTreeSet;

use crate::grammar::code::Code;
use crate::grammar::mailbox::Mailbox;
use crate::mock::store::{self, Presence, DELIMITER};
use crate::mock::wording as w;

use super::{names, Cx, Done};

/// NAMESPACE (RFC 2342): one personal namespace, no others.
pub(crate) fn namespace(cx: &mut Cx, tag: &str) -> Done {
    cx.line(&format!("* NAMESPACE ((\"\" \"{DELIMITER}\")) NIL NIL"));
    Done::ok(tag, w::NAMESPACE_DONE)
}

/// The name as stored: the wire form (modified UTF-7), INBOX in capitals, no
/// trailing delimiter.
fn stored_name(mailbox: &Mailbox) -> String {
    let raw = mailbox.raw.text();
    store::canonical(&raw)
}

/// The name as Dovecot writes it in its errors.
fn shown(mailbox: &Mailbox) -> String {
    names::shown(&mailbox.raw.text())
}

/// Dovecot's `NO [CANNOT]` for a name it refuses before looking it up.
fn refused(tag: &str, mailbox: &Mailbox, creating: bool) -> Option<Done> {
    let why = names::refused(&mailbox.raw.text(), creating)?;
    Some(Done::no(tag, why).code(Code::other("CANNOT")))
}

// -- CREATE, DELETE, RENAME (RFC 9051 §6.3.4–§6.3.6)

pub(crate) fn create(cx: &mut Cx, tag: &str, mailbox: &Mailbox) -> Done {
    if let Some(done) = refused(tag, mailbox, true) {
        return done;
    }
    let mut name = stored_name(mailbox);
    // "CREATE Deep/Down/Below/" creates Deep/Down/Below (RFC 9051 §6.3.4).
    while name.len() > 1 && name.ends_with(DELIMITER) {
        name.pop();
    }
    let name = store::canonical(&name);
    if name.is_empty() {
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

pub(crate) fn delete(cx: &mut Cx, tag: &str, mailbox: &Mailbox) -> Done {
    if mailbox.raw.text().is_empty() {
        return Done::no(tag, "Storage root can't be deleted").code(Code::other("CANNOT"));
    }
    if let Some(done) = refused(tag, mailbox, false) {
        return done;
    }
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

pub(crate) fn rename(cx: &mut Cx, tag: &str, from: &Mailbox, to: &Mailbox) -> Done {
    let (old, new) = (stored_name(from), stored_name(to));
    // Dovecot compares the names before it checks either (`RENAME "" /x`, `RENAME a a//`).
    if new.starts_with(&format!("{old}{DELIMITER}")) {
        return Done::no(tag, "Can't rename mailbox under its own child");
    }
    if let Some(done) = refused(tag, from, false).or_else(|| refused(tag, to, false)) {
        return done;
    }
    if new == old {
        return Done::no(tag, "Can't rename mailbox to itself").code(Code::other("ALREADYEXISTS"));
    }
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

pub(crate) fn subscribe(cx: &mut Cx, tag: &str, mailbox: &Mailbox, on: bool) -> Done {
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
        if let Some(done) = refused(tag, mailbox, false) {
            return done;
        }
        // Dovecot answers OK even for names that were never subscribed (battery m28).
        account.subscriptions.remove(&name);
        Done::ok(tag, w::UNSUBSCRIBE_DONE)
    }
}
