//! The shared in-memory store: users, their mailboxes and messages.
//!
//! Every session of one server holds a clone of the same [`Store`]; a change one
//! session makes (APPEND, STORE, EXPUNGE...) is seen by the others the next time they
//! synchronise (RFC 9051 §5.2, §7). A `std` mutex is enough: every operation is short
//! and never waits on I/O, and the mock must not depend on tokio (ARCHITECTURE.md).
//!
//! What a session needs to find out "what changed since I last looked":
//! - [`World::version`] grows on every change, so the TCP edge can wake idling sessions;
//! - each message keeps its flags and UID, and an expunged message leaves a tombstone
//!   ([`MailboxData::expunged`]) so a session can still answer FETCH for a message it
//!   has not yet been told is gone, as RFC 9051 §7.4.1 requires (no EXPUNGE during FETCH).
//!
//! What a real server does that this does not: persistence, quotas, locking between
//! processes. None of it is visible on the wire, which is what the mock must get right.

use std::collections::BTreeSet;
use std::sync::{Arc, Mutex, MutexGuard};

use super::header_keys::{Cached, HeaderKeys};

/// The hierarchy delimiter, as Dovecot's default `namespace inbox { separator = / }`.
pub(crate) const DELIMITER: char = '/';

/// How many tombstones a mailbox keeps. A session that falls further behind than this
/// sees the message vanish from FETCH answers a little early; nothing else breaks.
const TOMBSTONES: usize = 4096;

/// The five system flags a message can carry (RFC 9051 §2.3.2), as bits.
pub(crate) const ANSWERED: u8 = 1;
pub(crate) const FLAGGED: u8 = 2;
pub(crate) const DELETED: u8 = 4;
pub(crate) const SEEN: u8 = 8;
pub(crate) const DRAFT: u8 = 16;

/// The system flags in the order Dovecot writes them.
pub(crate) const SYSTEM_FLAGS: [(u8, &str); 5] = [
    (ANSWERED, "\\Answered"),
    (FLAGGED, "\\Flagged"),
    (DELETED, "\\Deleted"),
    (SEEN, "\\Seen"),
    (DRAFT, "\\Draft"),
];

/// The bit of a system flag name (`\Seen`, any case), if it is one of the five.
pub(crate) fn system_flag(name: &str) -> Option<u8> {
    SYSTEM_FLAGS
        .iter()
        .find(|(_, n)| n.eq_ignore_ascii_case(name))
        .map(|(b, _)| *b)
}

/// A message's flags: system flags as bits, keywords in the mailbox's keyword order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Flags {
    pub(crate) system: u8,
    pub(crate) keywords: Vec<String>,
}

impl Flags {
    pub(crate) fn has(&self, bit: u8) -> bool {
        self.system & bit != 0
    }

    /// The flag list as Dovecot writes it: system flags, `\Recent`, then keywords.
    pub(crate) fn render(&self, recent: bool) -> String {
        let mut parts: Vec<&str> = SYSTEM_FLAGS
            .iter()
            .filter(|(b, _)| self.has(*b))
            .map(|(_, n)| *n)
            .collect();
        if recent {
            parts.push("\\Recent");
        }
        parts.extend(self.keywords.iter().map(String::as_str));
        parts.join(" ")
    }

    pub(crate) fn has_keyword(&self, name: &str) -> bool {
        self.keywords.iter().any(|k| k.eq_ignore_ascii_case(name))
    }
}

/// One stored message.
#[derive(Debug, Clone)]
pub(crate) struct Message {
    pub(crate) uid: u32,
    pub(crate) flags: Flags,
    /// INTERNALDATE, in Unix seconds.
    pub(crate) internal_date: i64,
    /// The RFC 5322 text, exactly as stored (CRLF line endings, as delivered).
    pub(crate) raw: Arc<[u8]>,
    /// \Recent not yet claimed by any session (RFC 3501 §2.3.2: the first session to
    /// see a new message gets \Recent for it, no other session does).
    pub(crate) recent: bool,
    /// CONDSTORE's per-message modification sequence (RFC 7162).
    pub(crate) modseq: u64,
    /// When it was saved in this mailbox (RFC 8514 SAVEDATE), in Unix seconds.
    pub(crate) save_date: i64,
    /// Its preview is in Dovecot's cache, so PREVIEW (LAZY) gets it (see
    /// `mock::preview`).
    pub(crate) preview_cached: bool,
    /// What SORT and THREAD read of the header, read when the message was stored
    /// (`mock::header_keys`).
    pub(crate) header_keys: Cached,
}

impl Message {
    /// What SORT and THREAD read of this message's header (read when it was stored,
    /// or the first time for a message made otherwise).
    pub(crate) fn header_keys(&self) -> &HeaderKeys {
        self.header_keys.get(&self.raw)
    }
}

#[cfg(test)]
impl Message {
    /// A message of the unit tests: UID 1, no flags, MODSEQ 1, saved at the epoch.
    pub(crate) fn for_test(raw: &str, internal_date: i64) -> Self {
        Message {
            uid: 1,
            flags: Flags::default(),
            internal_date,
            raw: raw.as_bytes().into(),
            recent: false,
            modseq: 1,
            save_date: 0,
            preview_cached: false,
            header_keys: Cached::default(),
        }
    }
}

/// Whether a mailbox can be selected. Dovecot's maildir layout has two kinds of names
/// that LIST shows but SELECT refuses, and the mock reproduces both.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Presence {
    /// A real mailbox.
    Real,
    /// A mailbox DELETEd while it had children. Dovecot keeps listing it with
    /// `(\HasChildren)` (no `\Noselect`) but answers "Mailbox doesn't exist" to SELECT,
    /// STATUS and DELETE. It disappears with its last child. Observed in the battery.
    Deleted,
}

/// One mailbox of one user.
#[derive(Debug, Clone)]
pub struct MailboxData {
    /// Unique for the life of the store: a mailbox deleted and created again is a new one.
    pub(crate) id: u64,
    /// The name as on the wire (modified UTF-7 for non-ASCII), `INBOX` in capitals.
    pub name: String,
    pub(crate) uidvalidity: u32,
    pub(crate) uidnext: u32,
    /// SPECIAL-USE attributes (RFC 6154), e.g. `\Sent`.
    pub(crate) special_use: Vec<String>,
    /// Keywords defined in this mailbox, in the order they were first used. Dovecot
    /// announces them in FLAGS and PERMANENTFLAGS; SEARCH KEYWORD creates one too.
    pub(crate) keywords: Vec<String>,
    pub(crate) messages: Vec<Message>,
    /// Recently expunged messages, newest last (see the module comment).
    pub(crate) expunged: Vec<Message>,
    /// Every expunge: the UID and the mod-sequence of the change that removed it, in
    /// order. QRESYNC reports them as VANISHED (EARLIER) to a client that saw an older
    /// mod-sequence (RFC 7162 §3.2.5.1, §3.2.6). Twelve bytes a message, kept for the
    /// life of the mailbox, as Dovecot keeps them in its transaction log.
    pub(crate) vanished: Vec<(u32, u64)>,
    pub(crate) highest_modseq: u64,
    /// Per-message MODSEQs are kept: a CONDSTORE client has opened the mailbox (see
    /// [`Self::track_modseqs`]).
    pub(crate) modseqs_tracked: bool,
    /// A PREVIEW was fetched here: Dovecot then caches the preview of each message
    /// saved afterwards (see `mock::preview`).
    pub(crate) preview_wanted: bool,
    pub(crate) presence: Presence,
    /// Dovecot's mailbox list index holds its status: false from CREATE until the
    /// mailbox is first opened (SELECT, EXAMINE, STATUS, mail saved in it). NOTIFY's
    /// STATUS lines then carry UIDVALIDITY (`commands::notify_watch`).
    pub(crate) status_listed: bool,
}

/// Looks up messages by UID in ascending order in one walk of a mailbox: a sync visits
/// every message the session knows on each command, and on a 10,000-message mailbox a
/// binary search for each cost more than the rest of a SORT. A UID not above the last
/// one asked for is searched for anew.
pub(crate) struct Walk<'a> {
    messages: &'a [Message],
    at: usize,
    last: Option<u32>,
}

impl<'a> Walk<'a> {
    pub(crate) fn message(&mut self, uid: u32) -> Option<&'a Message> {
        if self.last.is_some_and(|last| uid <= last) {
            self.at = self.messages.partition_point(|m| m.uid < uid);
        } else {
            while self.messages.get(self.at).is_some_and(|m| m.uid < uid) {
                self.at += 1;
            }
        }
        self.last = Some(uid);
        self.messages.get(self.at).filter(|m| m.uid == uid)
    }
}

impl MailboxData {
    pub(crate) fn new(id: u64, name: String, uidvalidity: u32) -> Self {
        MailboxData {
            id,
            name,
            uidvalidity,
            uidnext: 1,
            special_use: Vec::new(),
            keywords: Vec::new(),
            messages: Vec::new(),
            expunged: Vec::new(),
            vanished: Vec::new(),
            highest_modseq: 1,
            modseqs_tracked: false,
            preview_wanted: false,
            presence: Presence::Real,
            status_listed: true,
        }
    }

    pub(crate) fn is_real(&self) -> bool {
        self.presence == Presence::Real
    }

    /// The live message with this UID.
    /// A [`Walk`] over the messages, for lookups in ascending UID order.
    pub(crate) fn walk(&self) -> Walk<'_> {
        Walk {
            messages: &self.messages,
            at: 0,
            last: None,
        }
    }

    pub(crate) fn message(&self, uid: u32) -> Option<&Message> {
        self.messages
            .binary_search_by_key(&uid, |m| m.uid)
            .ok()
            .map(|i| &self.messages[i])
    }

    pub(crate) fn message_mut(&mut self, uid: u32) -> Option<&mut Message> {
        match self.messages.binary_search_by_key(&uid, |m| m.uid) {
            Ok(i) => Some(&mut self.messages[i]),
            Err(_) => None,
        }
    }

    /// The message with this UID, live or recently expunged.
    pub(crate) fn message_or_tombstone(&self, uid: u32) -> Option<&Message> {
        self.message(uid)
            .or_else(|| self.expunged.iter().rev().find(|m| m.uid == uid))
    }

    /// Adds keywords to the mailbox's list; true if any was new.
    pub(crate) fn define_keywords<'a>(&mut self, names: impl IntoIterator<Item = &'a str>) -> bool {
        let mut grew = false;
        for name in names {
            if !self.keywords.iter().any(|k| k.eq_ignore_ascii_case(name)) {
                self.keywords.push(name.to_owned());
                grew = true;
            }
        }
        grew
    }

    /// Puts keywords in the mailbox's order, with the mailbox's spelling.
    pub(crate) fn order_keywords(&self, keywords: &[String]) -> Vec<String> {
        self.keywords
            .iter()
            .filter(|k| keywords.iter().any(|w| w.eq_ignore_ascii_case(k)))
            .cloned()
            .collect()
    }

    /// Dovecot keeps per-message MODSEQs only once a CONDSTORE client has opened the
    /// mailbox (`mail_index_modseq_enable`): the messages already there then all get
    /// the HIGHESTMODSEQ of that moment. Seen against Dovecot 2.3.19 in the
    /// differential test (`tests/mock_vs_dovecot.rs`, e13).
    pub(crate) fn track_modseqs(&mut self) {
        if !self.modseqs_tracked {
            for m in &mut self.messages {
                m.modseq = self.highest_modseq;
            }
            self.modseqs_tracked = true;
        }
    }

    /// The MODSEQ of the next change. Dovecot gives every message one command changes
    /// (one index transaction) the same MODSEQ: `STORE 1:2 +FLAGS ...` or a COPY of
    /// two messages raises HIGHESTMODSEQ by one, not two. Commands that change several
    /// messages take this once and pass it to [`Self::append_at`] / [`Self::set_flags_at`].
    pub(crate) fn next_modseq(&self) -> u64 {
        self.highest_modseq + 1
    }

    /// Stores a new message in a change of its own; returns its UID.
    pub fn append(&mut self, raw: Arc<[u8]>, flags: Flags, internal_date: i64) -> u32 {
        let modseq = self.next_modseq();
        self.append_at(raw, flags, internal_date, modseq)
    }

    /// Stores a new message as part of the change `modseq`; returns its UID.
    pub(crate) fn append_at(
        &mut self,
        raw: Arc<[u8]>,
        mut flags: Flags,
        internal_date: i64,
        modseq: u64,
    ) -> u32 {
        let keywords = std::mem::take(&mut flags.keywords);
        self.define_keywords(keywords.iter().map(String::as_str));
        flags.keywords = self.order_keywords(&keywords);
        let uid = self.uidnext;
        self.uidnext += 1;
        self.status_listed = true;
        self.highest_modseq = self.highest_modseq.max(modseq);
        // SORT's and THREAD's keys are read now (a microsecond or two), so that no
        // SORT pays for reading thousands of headers at once.
        let header_keys = Cached::read(&raw);
        self.messages.push(Message {
            uid,
            flags,
            internal_date,
            raw,
            recent: true,
            modseq,
            save_date: super::dates::now(),
            // Dovecot makes the preview while it saves, if the mailbox wants it.
            preview_cached: self.preview_wanted,
            header_keys,
        });
        uid
    }

    /// Changes a message's flags as part of the change `modseq`; true if they changed.
    pub(crate) fn set_flags_at(&mut self, uid: u32, flags: Flags, modseq: u64) -> bool {
        let ordered = Flags {
            system: flags.system,
            keywords: self.order_keywords(&flags.keywords),
        };
        let Some(message) = self.message_mut(uid) else {
            return false;
        };
        if message.flags == ordered {
            return false;
        }
        message.flags = ordered;
        message.modseq = modseq;
        self.highest_modseq = self.highest_modseq.max(modseq);
        true
    }

    /// Removes the messages with these UIDs, keeping tombstones.
    pub(crate) fn expunge(&mut self, uids: &BTreeSet<u32>) -> usize {
        let modseq = self.highest_modseq + 1;
        let mut kept = Vec::with_capacity(self.messages.len());
        let mut removed = 0;
        for m in self.messages.drain(..) {
            if uids.contains(&m.uid) {
                self.vanished.push((m.uid, modseq));
                self.expunged.push(m);
                removed += 1;
            } else {
                kept.push(m);
            }
        }
        self.messages = kept;
        if self.expunged.len() > TOMBSTONES {
            let excess = self.expunged.len() - TOMBSTONES;
            self.expunged.drain(..excess);
        }
        if removed > 0 {
            self.highest_modseq = modseq;
        }
        removed
    }

    /// The UIDs expunged after mod-sequence `modseq`, in order, that `wanted` accepts.
    pub(crate) fn vanished_since(&self, modseq: u64, wanted: impl Fn(u32) -> bool) -> Vec<u32> {
        let mut uids: Vec<u32> = self
            .vanished
            .iter()
            .filter(|&&(uid, m)| m > modseq && wanted(uid))
            .map(|&(uid, _)| uid)
            .collect();
        uids.sort_unstable();
        uids.dedup();
        uids
    }

    pub(crate) fn unseen_count(&self) -> usize {
        self.messages.iter().filter(|m| !m.flags.has(SEEN)).count()
    }

    pub(crate) fn recent_count(&self) -> usize {
        self.messages.iter().filter(|m| m.recent).count()
    }

    pub(crate) fn size(&self) -> u64 {
        self.messages.iter().map(|m| m.raw.len() as u64).sum()
    }
}

/// A user and everything they own.
#[derive(Debug, Clone)]
pub struct Account {
    pub name: String,
    pub password: String,
    /// Mailboxes in no particular order; LIST sorts them.
    pub mailboxes: Vec<MailboxData>,
    /// Subscriptions are names, kept apart from the mailboxes as in Dovecot (a name can
    /// stay subscribed after its mailbox is gone).
    pub(crate) subscriptions: BTreeSet<String>,
}

impl Account {
    /// The mailbox with this wire name (INBOX case-insensitively), real or not.
    pub(crate) fn find(&self, name: &str) -> Option<&MailboxData> {
        let name = canonical(name);
        self.mailboxes.iter().find(|m| m.name == name)
    }

    pub(crate) fn find_mut(&mut self, name: &str) -> Option<&mut MailboxData> {
        let name = canonical(name);
        self.mailboxes.iter_mut().find(|m| m.name == name)
    }

    /// The real mailbox with this name, the one SELECT, STATUS, COPY and APPEND can use.
    pub(crate) fn real(&self, name: &str) -> Option<&MailboxData> {
        self.find(name).filter(|m| m.is_real())
    }

    pub(crate) fn real_mut(&mut self, name: &str) -> Option<&mut MailboxData> {
        self.find_mut(name).filter(|m| m.is_real())
    }

    pub(crate) fn by_id(&self, id: u64) -> Option<&MailboxData> {
        self.mailboxes.iter().find(|m| m.id == id)
    }

    pub(crate) fn by_id_mut(&mut self, id: u64) -> Option<&mut MailboxData> {
        self.mailboxes.iter_mut().find(|m| m.id == id)
    }

    /// True if some mailbox (real or kept) lives below `name`.
    pub(crate) fn has_children(&self, name: &str) -> bool {
        let prefix = format!("{name}{DELIMITER}");
        self.mailboxes.iter().any(|m| m.name.starts_with(&prefix))
    }

    /// Drops kept-after-delete mailboxes that no longer have children.
    pub(crate) fn prune(&mut self) {
        loop {
            let gone: Vec<usize> = (0..self.mailboxes.len())
                .filter(|&i| {
                    !self.mailboxes[i].is_real() && !self.has_children(&self.mailboxes[i].name)
                })
                .collect();
            if gone.is_empty() {
                return;
            }
            for i in gone.into_iter().rev() {
                self.mailboxes.remove(i);
            }
        }
    }
}

/// INBOX is case-insensitive (RFC 9051 §5.1); every other name is taken as written.
pub(crate) fn canonical(name: &str) -> String {
    if name.eq_ignore_ascii_case("INBOX") {
        return "INBOX".to_owned();
    }
    // INBOX's children too: Dovecot takes `inbox/x` for `INBOX/x`.
    match name.get(..6) {
        Some(head) if head.eq_ignore_ascii_case("INBOX/") => format!("INBOX/{}", &name[6..]),
        _ => name.to_owned(),
    }
}

/// Everything the store holds. A clone is cheap (messages are shared `Arc`s): the
/// fuzzer gives each input a fresh copy of a fixture's world.
#[derive(Debug, Default, Clone)]
pub struct World {
    pub accounts: Vec<Account>,
    /// Grows on every change (see the module comment).
    pub version: u64,
    /// Bytes promised to APPENDs whose literal is on its way (see `Limits::max_store`).
    pub(crate) reserved: u64,
    next_id: u64,
    last_uidvalidity: u32,
}

impl World {
    /// The bytes of every stored message (a copied message counts in each mailbox:
    /// an overestimate, on the safe side), plus what APPENDs have reserved.
    pub fn bytes_held(&self) -> u64 {
        let stored: u64 = self
            .accounts
            .iter()
            .flat_map(|a| a.mailboxes.iter())
            .map(MailboxData::size)
            .sum();
        stored.saturating_add(self.reserved)
    }

    pub(crate) fn account(&self, user: &str) -> Option<&Account> {
        self.accounts.iter().find(|a| a.name == user)
    }

    pub(crate) fn account_mut(&mut self, user: &str) -> Option<&mut Account> {
        self.accounts.iter_mut().find(|a| a.name == user)
    }

    /// Records that something changed, so idle sessions get woken up.
    pub(crate) fn touch(&mut self) {
        self.version += 1;
    }

    /// A fresh mailbox id.
    pub(crate) fn next_id(&mut self) -> u64 {
        self.next_id += 1;
        self.next_id
    }

    /// A UIDVALIDITY for a new mailbox. Dovecot uses the creation time; so do we,
    /// but never twice the same value (two mailboxes created in one second).
    pub(crate) fn new_uidvalidity(&mut self) -> u32 {
        let now = super::dates::now().clamp(1, u32::MAX as i64) as u32;
        self.last_uidvalidity = now.max(self.last_uidvalidity.saturating_add(1));
        self.last_uidvalidity
    }

    /// Notes a UIDVALIDITY given by a fixture, so new ones never collide with it.
    pub(crate) fn note_uidvalidity(&mut self, v: u32) {
        self.last_uidvalidity = self.last_uidvalidity.max(v);
    }

    /// Creates a mailbox for `user` (the caller has checked it does not exist).
    pub(crate) fn create_mailbox(&mut self, user: &str, name: &str) -> Option<&mut MailboxData> {
        let id = self.next_id();
        let validity = self.new_uidvalidity();
        let account = self.account_mut(user)?;
        let name = canonical(name);
        let mut mailbox = MailboxData::new(id, name.clone(), validity);
        mailbox.status_listed = false;
        // Dovecot copies INBOX's cache decisions to a new mailbox
        // (`mailbox_copy_cache_decisions_from_inbox`): once PREVIEW was fetched in
        // INBOX, mail saved in the new mailbox gets its preview made too.
        mailbox.preview_wanted = account
            .mailboxes
            .iter()
            .any(|m| m.name == "INBOX" && m.preview_wanted);
        if let Some(i) = account.mailboxes.iter().position(|m| m.name == name) {
            // A kept-after-delete name becomes a real mailbox again.
            account.mailboxes[i] = mailbox;
            return Some(&mut account.mailboxes[i]);
        }
        account.mailboxes.push(mailbox);
        account.mailboxes.last_mut()
    }
}

/// The store shared by every session of one server. Cloning it shares it.
#[derive(Debug, Clone, Default)]
pub struct Store {
    inner: Arc<Mutex<World>>,
}

impl Store {
    pub fn new(world: World) -> Self {
        Store {
            inner: Arc::new(Mutex::new(world)),
        }
    }

    /// Locks the store. A session that panicked while holding the lock cannot leave
    /// the world half-changed in a way that matters more than losing the server, so a
    /// poisoned lock is simply taken over.
    pub fn lock(&self) -> MutexGuard<'_, World> {
        self.inner.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The change counter (see [`World::version`]).
    pub fn version(&self) -> u64 {
        self.lock().version
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mailbox() -> MailboxData {
        let mut m = MailboxData::new(1, "INBOX".into(), 42);
        for n in 0..3 {
            m.append(
                Arc::from(format!("Subject: {n}\r\n\r\nhi\r\n").into_bytes()),
                Flags::default(),
                0,
            );
        }
        m
    }

    #[test]
    fn flags_render_in_dovecot_order() {
        let f = Flags {
            system: SEEN | FLAGGED,
            keywords: vec!["$Important".into()],
        };
        assert_eq!(f.render(true), "\\Flagged \\Seen \\Recent $Important");
        assert_eq!(Flags::default().render(false), "");
        assert_eq!(system_flag("\\SEEN"), Some(SEEN));
        assert_eq!(system_flag("\\Recent"), None);
    }

    #[test]
    fn expunge_keeps_tombstones_and_uids_grow() {
        let mut m = mailbox();
        assert_eq!(m.uidnext, 4);
        m.expunge(&BTreeSet::from([2]));
        assert!(m.message(2).is_none());
        assert_eq!(m.message_or_tombstone(2).map(|m| m.uid), Some(2));
        let uid = m.append(Arc::from(&b"x\r\n"[..]), Flags::default(), 0);
        assert_eq!(uid, 4);
    }

    #[test]
    fn expunges_are_remembered_with_their_modseq() {
        let mut m = mailbox();
        let before = m.highest_modseq;
        m.expunge(&BTreeSet::from([1, 3, 99]));
        m.expunge(&BTreeSet::from([2]));
        assert_eq!(m.highest_modseq, before + 2);
        assert_eq!(m.vanished_since(before, |_| true), vec![1, 2, 3]);
        assert_eq!(m.vanished_since(before + 1, |_| true), vec![2]);
        assert_eq!(m.vanished_since(before, |u| u != 3), vec![1, 2]);
        assert!(m.vanished_since(before + 2, |_| true).is_empty());
    }

    #[test]
    fn keywords_take_the_mailbox_order_and_spelling() {
        let mut m = mailbox();
        m.define_keywords(["$Important", "foo"]);
        let modseq = m.next_modseq();
        let changed = m.set_flags_at(
            1,
            Flags {
                system: 0,
                keywords: vec!["FOO".into(), "$important".into()],
            },
            modseq,
        );
        assert!(changed);
        assert_eq!(
            m.message(1).unwrap().flags.keywords,
            vec!["$Important", "foo"]
        );
        let modseq = m.next_modseq();
        assert!(!m.set_flags_at(
            1,
            Flags {
                system: 0,
                keywords: vec!["foo".into(), "$Important".into()]
            },
            modseq
        ));
    }

    #[test]
    fn deleted_parents_go_with_their_last_child() {
        let mut a = Account {
            name: "u".into(),
            password: "p".into(),
            mailboxes: vec![],
            subscriptions: BTreeSet::new(),
        };
        a.mailboxes.push(MailboxData::new(1, "Work".into(), 1));
        a.mailboxes.push(MailboxData::new(2, "Work/Done".into(), 2));
        a.mailboxes[0].presence = Presence::Deleted;
        a.prune();
        assert_eq!(a.mailboxes.len(), 2);
        a.mailboxes.remove(1);
        a.prune();
        assert!(a.mailboxes.is_empty());
    }
}
