//! NOTIFY (RFC 5465) as Dovecot 2.3.19 takes it: NOTIFY NONE, and NOTIFY SET checked
//! with Dovecot's words (MessageNew and MessageExpunge together for the selected
//! mailbox, FlagChange only with both, one selected filter, BADEVENT for the events it
//! does not support). SET STATUS sends a STATUS for each mailbox the other filters
//! name, with HIGHESTMODSEQ when a group asks for FlagChange (which turns CONDSTORE
//! on, as in Dovecot). For the selected mailbox, MessageNew's FETCH items follow each new message's
//! EXISTS. The events of other mailboxes are [`super::notify_watch`]'s.
//!
//! ```text
//! C: a NOTIFY SET (SELECTED (MessageNew (UID FLAGS) MessageExpunge))
//! S: a OK NOTIFY completed (0.001 + 0.000 secs).
//! ```

use crate::grammar::extensions::notify::{NotifyEvent, NotifyFilter, NotifySet};
use crate::grammar::fetch::FetchAttribute;
use crate::grammar::status::StatusItem;
use crate::mock::store::{self, Account, MailboxData};
use crate::mock::wording as w;

use super::{status, Cx, Done, SyncMode};

/// NOTIFY SET or (`set` None) NOTIFY NONE.
pub(crate) fn handle(cx: &mut Cx, tag: &str, set: Option<&NotifySet>) -> Done {
    let Some(set) = set else {
        // Not `None`, which is "no NOTIFY yet": NONE silences the selected mailbox too.
        cx.conn.notify = Some(NotifySet {
            status: false,
            groups: Vec::new(),
        });
        cx.conn.notify_watch = None;
        return Done::ok(tag, w::NOTIFY_DONE).sync(SyncMode::Full);
    };
    // parse
    if let Err(reason) = check(set) {
        return Done::bad(tag, w::command_error("NOTIFY", reason));
    }
    let unsupported = unsupported_events(set);
    if !unsupported.is_empty() {
        return Done::no(tag, w::NOTIFY_BADEVENT)
            .code(crate::grammar::code::Code::BadEvent(unsupported.join(" ")));
    }
    // apply: MODSEQ among MessageNew's FETCH items turns CONDSTORE on, as a FETCH of
    // MODSEQ does (a "CONDSTORE enabling command", RFC 7162 §3.1, which does not list
    // NOTIFY): Dovecot 2.3.19 sends `* OK [HIGHESTMODSEQ n]` first, and MODSEQ in every
    // FETCH after (notify.txt d5-d7).
    let modseq = new_message_items(Some(set)).is_some_and(|i| i.contains(&FetchAttribute::ModSeq));
    if modseq && !cx.conn.condstore {
        super::any::condstore_turned_on(cx);
    }
    cx.conn.notify = Some(set.clone());
    cx.conn.notify_watch = None;
    if super::notify_watch::watches_others(set) {
        let user = cx.user().to_owned();
        let world = cx.store.lock();
        cx.conn.notify_watch = world.account(&user).map(super::notify_watch::Watch::start);
    }
    if set.status {
        status_lines(cx, set);
    }
    // reply: the selected mailbox synced under the new rules, as Dovecot 2.3.19 does
    // (a flag change made before a SET with FlagChange comes with its OK; one made
    // before NONE, or a SET without FlagChange, is never told)
    Done::ok(tag, w::NOTIFY_DONE).sync(SyncMode::Full)
}

/// Dovecot's BAD reasons (`imap-notify.c`), in the order it checks them.
fn check(set: &NotifySet) -> Result<(), &'static str> {
    let mut selected = false;
    for g in &set.groups {
        let events = g.events.as_deref().unwrap_or(&[]);
        if events.iter().any(|e| matches!(e, NotifyEvent::Other(_))) {
            return Err("Invalid arguments");
        }
        if !g.filter.is_selected() {
            continue;
        }
        if selected {
            return Err("Duplicate selected filter");
        }
        selected = true;
        let new = events
            .iter()
            .any(|e| matches!(e, NotifyEvent::MessageNew(_)));
        let expunge = events.contains(&NotifyEvent::MessageExpunge);
        if new != expunge {
            return Err("MessageNew and MessageExpunge must be together");
        }
        if events.contains(&NotifyEvent::FlagChange) && !new {
            return Err("FlagChange requires MessageNew and MessageExpunge");
        }
    }
    Ok(())
}

/// The events Dovecot knows but does not report, in the order given.
fn unsupported_events(set: &NotifySet) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for e in set.groups.iter().flat_map(|g| g.events.iter().flatten()) {
        let unsupported = matches!(
            e,
            NotifyEvent::AnnotationChange
                | NotifyEvent::MailboxMetadataChange
                | NotifyEvent::ServerMetadataChange
        );
        if unsupported && !out.iter().any(|n| n == e.name()) {
            out.push(e.name().to_owned());
        }
    }
    out
}

/// True if a group asks for FlagChange: Dovecot 2.3.19 then reports modseqs.
fn flag_change(set: &NotifySet) -> bool {
    set.groups
        .iter()
        .flat_map(|g| g.events.iter().flatten())
        .any(|e| *e == NotifyEvent::FlagChange)
}

/// `NOTIFY SET STATUS`: a STATUS line for each existing mailbox the non-selected
/// filters name, the selected mailbox left out (RFC 5465 §3.1). With FlagChange in
/// the set, Dovecot 2.3.19 adds HIGHESTMODSEQ, and that turns CONDSTORE on as STATUS
/// HIGHESTMODSEQ does: `* OK [HIGHESTMODSEQ n]` for the selected mailbox before the
/// first line, modseqs tracked from then on (imaptest's notify script; notify.txt f2).
fn status_lines(cx: &mut Cx, set: &NotifySet) {
    const ITEMS: [StatusItem; 5] = [
        StatusItem::Messages,
        StatusItem::UidNext,
        StatusItem::UidValidity,
        StatusItem::Unseen,
        StatusItem::HighestModSeq,
    ];
    let items = if flag_change(set) {
        &ITEMS[..]
    } else {
        &ITEMS[..4]
    };
    let user = cx.user().to_owned();
    let selected = cx.conn.selected.as_ref().map(|s| s.id);
    let mut world = cx.store.lock();
    let Some(account) = world.account_mut(&user) else {
        return;
    };
    let mut ids: Vec<u64> = Vec::new();
    // A group with NONE asks for no events, so no STATUS either (notify.txt a9).
    let watched = set.groups.iter().filter(|g| g.events.is_some());
    for g in watched.filter(|g| !g.filter.is_selected()) {
        for mb in named(account, &g.filter) {
            if Some(mb.id) != selected && !ids.contains(&mb.id) {
                ids.push(mb.id);
            }
        }
    }
    let mut lines: Vec<Vec<u8>> = Vec::new();
    for id in ids {
        if let Some(mb) = account.by_id_mut(id) {
            if items.contains(&StatusItem::HighestModSeq) {
                mb.track_modseqs();
            }
            lines.push(status::line(mb, items, mb.name.as_bytes()));
        }
    }
    drop(world);
    if items.contains(&StatusItem::HighestModSeq) && !lines.is_empty() && !cx.conn.condstore {
        super::any::condstore_turned_on(cx);
    }
    for line in lines {
        cx.out.extend_from_slice(&line);
    }
}

/// The existing mailboxes a filter names.
fn named<'a>(account: &'a Account, filter: &NotifyFilter) -> Vec<&'a MailboxData> {
    let mut sorted: Vec<&MailboxData> = account.mailboxes.iter().filter(|m| m.is_real()).collect();
    sorted.sort_by(|a, b| a.name.cmp(&b.name));
    let real = sorted.into_iter();
    match filter {
        NotifyFilter::Selected | NotifyFilter::SelectedDelayed => Vec::new(),
        // Dovecot 2.3 takes INBOXES as PERSONAL: any mailbox may have mail delivered
        // to it (a Sieve fileinto), so it cannot tell which are inboxes (notify.txt a4).
        NotifyFilter::Personal | NotifyFilter::Inboxes => real.collect(),
        NotifyFilter::Subscribed => real
            .filter(|m| account.subscriptions.contains(&m.name))
            .collect(),
        NotifyFilter::Mailboxes(list) => list
            .iter()
            .filter_map(|m| account.real(&store::canonical(&m.raw.text())))
            .collect(),
        NotifyFilter::Subtree(list) => real
            .filter(|m| {
                list.iter().any(|root| {
                    let root = store::canonical(&root.raw.text());
                    m.name == root || m.name.starts_with(&format!("{root}/"))
                })
            })
            .collect(),
    }
}

/// The FETCH items NOTIFY's MessageNew asks for the selected mailbox, if any.
pub(crate) fn new_message_items(set: Option<&NotifySet>) -> Option<&[FetchAttribute]> {
    set?.groups
        .iter()
        .filter(|g| g.filter.is_selected())
        .flat_map(|g| g.events.iter().flatten())
        .find_map(|e| match e {
            NotifyEvent::MessageNew(items) if !items.is_empty() => Some(items.as_slice()),
            _ => None,
        })
}

/// True if the selected mailbox's group is SELECTED-DELAYED: expunges wait for a
/// command during which EXPUNGE may be sent (RFC 5465 §6.1.2).
pub(crate) fn delays_expunges(set: &NotifySet) -> bool {
    set.groups
        .iter()
        .any(|g| g.filter == NotifyFilter::SelectedDelayed)
}

/// Which of the selected mailbox's events the session is told of.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Heard {
    /// New messages and expunges (EXISTS, RECENT, EXPUNGE, VANISHED): NOTIFY wants
    /// MessageNew and MessageExpunge together.
    pub(crate) messages: bool,
    /// Flag changes (`* n FETCH (FLAGS ...)`), the session's own STOREs included.
    pub(crate) flags: bool,
}

/// Before any NOTIFY, everything (RFC 5465 §3.1); after one, only what its SELECTED or
/// SELECTED-DELAYED group names: nothing after NOTIFY NONE or without such a group
/// (§3.1: "the same as specifying SELECTED NONE"). Dovecot 2.3.19 keeps even the
/// answers to the session's own STORE and EXPUNGE back (notify.txt c16, c18, c19).
pub(crate) fn selected_events(set: Option<&NotifySet>) -> Heard {
    let Some(set) = set else {
        return Heard {
            messages: true,
            flags: true,
        };
    };
    let events = set
        .groups
        .iter()
        .filter(|g| g.filter.is_selected())
        .find_map(|g| g.events.as_deref())
        .unwrap_or(&[]);
    Heard {
        messages: events
            .iter()
            .any(|e| matches!(e, NotifyEvent::MessageNew(_))),
        flags: events.contains(&NotifyEvent::FlagChange),
    }
}
