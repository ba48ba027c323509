//! NOTIFY's events for the mailboxes other than the selected one (RFC 5465 §5.2-§5.4,
//! §5.9, §5.10), as Dovecot 2.3.19 sends them: `* STATUS` for MessageNew,
//! MessageExpunge and FlagChange, `* LIST` for MailboxName and SubscriptionChange.
//!
//! ```text
//! C: a1 NOTIFY SET (PERSONAL (MessageNew MessageExpunge MailboxName))
//! (another session: APPEND Box, then CREATE New)
//! C: a2 NOOP
//! S: * LIST () "/" New
//! S: * STATUS Box (MESSAGES 2 UIDNEXT 3 UNSEEN 2)
//! S: a2 OK NOOP completed (0.001 + 0.000 secs).
//! ```
//!
//! Dovecot does not log events: it compares what its mailbox list index says now with
//! what it said at the last look (`mailbox-list-index-notify.c`), so changes between
//! two looks fold into one line. [`Watch`] keeps the same picture per session. Its
//! quirks, each seen against the real Dovecot (tests/data/differential/notify.txt):
//! - the STATUS items follow what changed: UIDVALIDITY (with MESSAGES, UIDNEXT and
//!   UNSEEN) when the mailbox's status was not in the list index when NOTIFY SET came
//!   (created and never opened since), or the mailbox was created or renamed after it,
//!   every time: such a mailbox is compared with nothing; MESSAGES, UIDNEXT and UNSEEN
//!   for new or expunged mail; UNSEEN alone for a \Seen change; HIGHESTMODSEQ under
//!   CONDSTORE, and then alone for any other flag change;
//! - the selected mailbox's changes are noted but not told (the session hears them as
//!   EXISTS, EXPUNGE, FETCH);
//! - LIST lines: `()` for a new or renamed name (a new mailbox's new parents too),
//!   `(\NonExistent)` for a deleted one, `(\Subscribed)` when subscribed, `()` when no
//!   longer; a rename carries `("OLDNAME" (old))`. Deletes, renames, creates,
//!   subscriptions, unsubscriptions, then STATUS lines, INBOX's last;
//! - a SUBSCRIBED filter asks whether the name is subscribed *now*, so an
//!   UNSUBSCRIBE goes unreported there.
//!
//! Dovecot sends them on NOOP, or half a second after the change between commands;
//! so does `serve` ([`crate::mock::Session::poll_notify`], asked half a second after a
//! change). A command that comes first gets them before its answer (NOTIFY and IDLE
//! excepted: IDLE hears them once idling).

use std::collections::{BTreeMap, BTreeSet};

use crate::grammar::extensions::notify::{NotifyEvent, NotifyFilter, NotifySet};
use crate::grammar::status::StatusItem;
use crate::mock::mime::push_astring;
use crate::mock::store::{self, Account, MailboxData, Store, DELIMITER};

use super::{status, Conn};

/// What Dovecot's mailbox list index keeps of a mailbox's status.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
struct Counts {
    uidvalidity: u32,
    uidnext: u32,
    messages: usize,
    unseen: usize,
    highest_modseq: u64,
}

impl Counts {
    fn of(mb: &MailboxData) -> Counts {
        Counts {
            uidvalidity: mb.uidvalidity,
            uidnext: mb.uidnext,
            messages: mb.messages.len(),
            unseen: mb.unseen_count(),
            highest_modseq: mb.highest_modseq,
        }
    }
}

/// What changed between two [`Counts`] (Dovecot's `mailbox_list_notify_event` bits).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
struct Changed {
    uidvalidity: bool,
    appends: bool,
    expunges: bool,
    seen: bool,
    modseq: bool,
}

impl Changed {
    fn between(before: Counts, now: Counts) -> Changed {
        Changed {
            uidvalidity: before.uidvalidity != now.uidvalidity,
            appends: before.uidnext != now.uidnext,
            expunges: before.messages > now.messages,
            seen: before.unseen != now.unseen,
            modseq: before.highest_modseq < now.highest_modseq,
        }
    }

    /// Whether a group asking for `events` wants to hear of this change.
    fn wanted_by(self, events: &[NotifyEvent]) -> bool {
        let new = events
            .iter()
            .any(|e| matches!(e, NotifyEvent::MessageNew(_)));
        let expunge = events.contains(&NotifyEvent::MessageExpunge);
        let flags = events.contains(&NotifyEvent::FlagChange);
        ((new || expunge || flags) && self.uidvalidity)
            || (new && self.appends)
            || (expunge && self.expunges)
            || (flags && (self.seen || self.modseq))
    }

    /// The STATUS items Dovecot sends for this change.
    fn items(self, condstore: bool) -> Vec<StatusItem> {
        let mut items = Vec::new();
        if self.uidvalidity || self.appends || self.expunges {
            items.extend([StatusItem::Messages, StatusItem::UidNext]);
        }
        if self.uidvalidity {
            items.push(StatusItem::UidValidity);
        }
        if self.uidvalidity || self.appends || self.expunges || self.seen {
            items.push(StatusItem::Unseen);
        }
        if condstore {
            items.push(StatusItem::HighestModSeq);
        }
        items
    }
}

/// One session's picture of its mailboxes at the last look.
#[derive(Debug, Clone, Default)]
pub(crate) struct Watch {
    /// Each mailbox's status (by id) at the last look: a change is a difference.
    last: BTreeMap<u64, Counts>,
    /// Dovecot's notify tree, made at NOTIFY SET: by name, the status a change is
    /// compared with. A name not in it is compared with zeros, every time.
    tree: BTreeMap<String, Counts>,
    /// Every name the list holds (each mailbox and its parents), with the mailbox's id
    /// when the name is one.
    names: BTreeMap<String, Option<u64>>,
    subscriptions: BTreeSet<String>,
}

impl Watch {
    /// The picture at NOTIFY SET.
    pub(crate) fn start(account: &Account) -> Watch {
        let real = account.mailboxes.iter().filter(|m| m.is_real());
        Watch {
            last: real.clone().map(|m| (m.id, Counts::of(m))).collect(),
            tree: real
                .map(|m| {
                    let counts = if m.status_listed {
                        Counts::of(m)
                    } else {
                        Counts::default()
                    };
                    (m.name.clone(), counts)
                })
                .collect(),
            names: names(account),
            subscriptions: account.subscriptions.clone(),
        }
    }
}

/// Whether a session wants events of mailboxes other than the selected one.
pub(crate) fn watches_others(set: &NotifySet) -> bool {
    set.groups
        .iter()
        .any(|g| !g.filter.is_selected() && g.events.as_ref().is_some_and(|e| !e.is_empty()))
}

/// Every name LIST shows: each mailbox (real or kept as a parent) and each parent.
fn names(account: &Account) -> BTreeMap<String, Option<u64>> {
    let mut out = BTreeMap::new();
    for mb in &account.mailboxes {
        let mut at = 0;
        while let Some(i) = mb.name[at..].find(DELIMITER) {
            out.entry(mb.name[..at + i].to_owned()).or_insert(None);
            at += i + 1;
        }
        out.insert(mb.name.clone(), Some(mb.id));
    }
    out
}

/// Sends the events of other mailboxes since the last look, and looks again.
pub(crate) fn report(conn: &mut Conn, store: &Store, out: &mut Vec<u8>) {
    let (Some(watch), Some(set)) = (conn.notify_watch.as_mut(), conn.notify.as_ref()) else {
        return;
    };
    let user = conn.user.clone().unwrap_or_default();
    let selected = conn.selected.as_ref().map(|s| s.id);
    let world = store.lock();
    let Some(account) = world.account(&user) else {
        return;
    };
    let ask = Asked { set, account };
    list_events(watch, &ask, out);
    subscription_events(watch, &ask, out);
    status_events(watch, &ask, selected, conn.condstore, out);
}

/// The NOTIFY SET a session gave, and the account it watches.
struct Asked<'a> {
    set: &'a NotifySet,
    account: &'a Account,
}

impl Asked<'_> {
    /// Whether a group naming `name` asks for an event `wanted` accepts.
    fn wants(&self, name: &str, wanted: impl Fn(&[NotifyEvent]) -> bool) -> bool {
        self.set
            .groups
            .iter()
            .any(|g| g.events.as_deref().is_some_and(&wanted) && self.names(&g.filter, name))
    }

    /// Whether a filter names the mailbox `name` (Dovecot's `imap_notify_match_mailbox`).
    fn names(&self, filter: &NotifyFilter, name: &str) -> bool {
        match filter {
            NotifyFilter::Selected | NotifyFilter::SelectedDelayed => false,
            NotifyFilter::Personal | NotifyFilter::Inboxes => true,
            NotifyFilter::Subscribed => self.account.subscriptions.contains(name),
            NotifyFilter::Mailboxes(list) => {
                list.iter().any(|m| store::canonical(&m.raw.text()) == name)
            }
            NotifyFilter::Subtree(list) => list.iter().any(|m| {
                let root = store::canonical(&m.raw.text());
                name.strip_prefix(root.as_str())
                    .is_some_and(|rest| rest.is_empty() || rest.starts_with(DELIMITER))
            }),
        }
    }

    fn wants_names(&self, name: &str) -> bool {
        self.wants(name, |e| e.contains(&NotifyEvent::MailboxName))
    }
}

/// `* LIST (flags) "/" name`, with RFC 5465 §5.4's OLDNAME for a rename.
fn list_line(flags: &str, name: &str, old: Option<&str>) -> Vec<u8> {
    let mut line = format!("* LIST ({flags}) \"{DELIMITER}\" ").into_bytes();
    push_astring(&mut line, name.as_bytes());
    if let Some(old) = old {
        line.extend_from_slice(b" (\"OLDNAME\" (");
        push_astring(&mut line, old.as_bytes());
        line.extend_from_slice(b"))");
    }
    line.extend_from_slice(b"\r\n");
    line
}

/// MailboxName: deletes, renames, creates, in Dovecot's order.
fn list_events(watch: &mut Watch, ask: &Asked, out: &mut Vec<u8>) {
    let now = names(ask.account);
    let place: BTreeMap<u64, &String> = now
        .iter()
        .filter_map(|(name, id)| id.map(|id| (id, name)))
        .collect();
    let mut renames: Vec<(&String, &String)> = Vec::new();
    for (old, id) in &watch.names {
        if let Some(new) = id.and_then(|id| place.get(&id)).filter(|n| **n != old) {
            renames.push((old, new));
        }
    }
    let renamed_from = |name: &String| renames.iter().any(|(o, _)| *o == name);
    let renamed_to = |name: &String| renames.iter().any(|(_, n)| *n == name);
    // A name now held by another mailbox was deleted and created again.
    let replaced =
        |was: Option<u64>, is: Option<u64>| matches!((was, is), (Some(a), Some(b)) if a != b);
    for (name, &was) in &watch.names {
        let gone = match now.get(name) {
            None => true,
            Some(&is) => replaced(was, is),
        };
        if gone && !renamed_from(name) && ask.wants_names(name) {
            out.extend_from_slice(&list_line("\\NonExistent", name, None));
        }
    }
    for (old, new) in &renames {
        if ask.wants_names(new) {
            out.extend_from_slice(&list_line("", new, Some(old)));
        }
    }
    for (name, &is) in &now {
        let new = match watch.names.get(name) {
            None => true,
            Some(&was) => replaced(was, is),
        };
        if new && !renamed_to(name) && ask.wants_names(name) {
            out.extend_from_slice(&list_line("", name, None));
        }
    }
    watch.names = now;
}

/// SubscriptionChange: new subscriptions, then the ones gone, each in name order.
fn subscription_events(watch: &mut Watch, ask: &Asked, out: &mut Vec<u8>) {
    let now = &ask.account.subscriptions;
    let wanted = |name: &str| ask.wants(name, |e| e.contains(&NotifyEvent::SubscriptionChange));
    for name in now.difference(&watch.subscriptions) {
        if wanted(name) {
            out.extend_from_slice(&list_line("\\Subscribed", name, None));
        }
    }
    for name in watch.subscriptions.difference(now) {
        if wanted(name) {
            out.extend_from_slice(&list_line("", name, None));
        }
    }
    watch.subscriptions = now.clone();
}

/// MessageNew, MessageExpunge, FlagChange: a STATUS for each mailbox whose status
/// changed, in creation order, INBOX last (Dovecot hears of INBOX apart).
fn status_events(
    watch: &mut Watch,
    ask: &Asked,
    selected: Option<u64>,
    condstore: bool,
    out: &mut Vec<u8>,
) {
    let mut boxes: Vec<&MailboxData> = ask
        .account
        .mailboxes
        .iter()
        .filter(|m| m.is_real())
        .collect();
    boxes.sort_by_key(|m| (m.name == "INBOX", m.id));
    let mut last = BTreeMap::new();
    for mb in boxes {
        let now = Counts::of(mb);
        last.insert(mb.id, now);
        let Some(&before) = watch.last.get(&mb.id) else {
            // A new mailbox: its creation is no status change, mail in it is.
            if now.messages == 0 {
                continue;
            }
            report_status(watch, ask, mb, now, selected, condstore, out);
            continue;
        };
        if before != now {
            report_status(watch, ask, mb, now, selected, condstore, out);
        }
    }
    watch.last = last;
}

/// One mailbox's STATUS line, if the change is one a group asked for.
fn report_status(
    watch: &mut Watch,
    ask: &Asked,
    mb: &MailboxData,
    now: Counts,
    selected: Option<u64>,
    condstore: bool,
    out: &mut Vec<u8>,
) {
    let changed = match watch.tree.get_mut(&mb.name) {
        Some(node) => {
            let changed = Changed::between(*node, now);
            *node = now;
            changed
        }
        None => Changed::between(Counts::default(), now),
    };
    if changed == Changed::default() || selected == Some(mb.id) {
        return;
    }
    if !ask.wants(&mb.name, |e| changed.wanted_by(e)) {
        return;
    }
    let items = changed.items(condstore);
    if !items.is_empty() {
        out.extend_from_slice(&status::line(mb, &items, mb.name.as_bytes()));
    }
}
