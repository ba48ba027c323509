//! The mock's commands: dispatch, and what every family shares.
//!
//! One file per command family, each with the same shape and its RFC section on top:
//! **parse** (check the arguments the grammar's AST, `crate::grammar::command`, gave
//! it), **apply** (change the store and the session), **reply** (Dovecot's bytes).
//! [`dispatch`] matches each `CommandBody` once and hands the handler that command's
//! own fields. The session ([`super::session`]) frames input, calls [`run`] with each
//! whole message, reports pending changes ([`sync`]) and writes the tagged line from
//! the [`Done`] a handler returns. Adding a command means one file and one line in
//! [`dispatch`] (which has no catch-all, so the compiler asks for that line).
//!
//! - [`arguments`] — how much of its line a command reads before the state check.
//! - [`any`] — CAPABILITY, NOOP, LOGOUT, ID, ENABLE, COMPRESS (declined).
//! - [`auth`] — LOGIN, AUTHENTICATE PLAIN/LOGIN, STARTTLS.
//! - [`mailbox`] — SELECT, EXAMINE, CREATE, DELETE, RENAME, SUBSCRIBE, UNSUBSCRIBE,
//!   LIST, LSUB, STATUS, NAMESPACE; [`names`] — the names Dovecot refuses, and how it writes them.
//! - [`append`] — APPEND; [`fetch`] — FETCH; [`search`] — SEARCH; [`store`] — STORE
//!   ([`store_args`]: the lines Dovecot takes that the grammar refuses).
//! - [`esearch`] — SEARCH and SORT's RETURN options; [`context`] — their UPDATEs and
//!   CANCELUPDATE.
//! - [`sort`] — SORT (and ESORT); [`thread`] — THREAD.
//! - [`copy_move`] — COPY, MOVE; [`expunge`] — CHECK, CLOSE, EXPUNGE, UNSELECT.
//! - [`idle`] — IDLE.
//! - [`metadata`] — GETMETADATA, SETMETADATA (refused as Dovecot without a dictionary).
//!   QUOTA's and ACL's commands are Dovecot's unknown commands (`entry::NOT_LOADED`);
//!   XLIST is LIST.
//!
//! The wire text of errors is Dovecot's; what the grammar found is passed on as an
//! [`Event::Diagnostic`] for the tutor. This module never parses IMAP itself: it
//! splits off the first two words of a line only to echo them back as Dovecot does
//! (`Error in IMAP command C5COPY: Unknown command`), the same thing Dovecot's
//! `imap_parser_read_word` does before any grammar runs.

pub(crate) mod any;
pub(crate) mod append;
pub(crate) mod arguments;
pub(crate) mod auth;
pub(crate) mod context;
pub(crate) mod copy_move;
pub(crate) mod entry;
pub(crate) mod esearch;
pub(crate) mod expunge;
pub(crate) mod fetch;
pub(crate) mod idle;
pub(crate) mod list;
pub(crate) mod mailbox;
pub(crate) mod metadata;
pub(crate) mod modseq;
pub(crate) mod names;
pub(crate) mod notify;
pub(crate) mod notify_watch;
pub(crate) mod search;
pub(crate) mod select;
pub(crate) mod sets;
pub(crate) mod sort;
pub(crate) mod status;
pub(crate) mod store;
pub(crate) mod store_args;
pub(crate) mod sync;
pub(crate) mod thread;

use std::collections::BTreeSet;

use crate::grammar::code::Code;
use crate::grammar::command::{Command, CommandBody};
use crate::grammar::sequence::SequenceSet;
use crate::grammar::{parse_command, ParsedCommand, State};
use crate::wire::Message;

use super::config::Config;
use super::lexical::{self, LexError};
use super::reply::Reply;
use super::session::Event;
use super::store::{Flags, MailboxData, Store, World, SYSTEM_FLAGS};
use super::wording as w;

pub(crate) use entry::{reason, run, valid_tag, words};
pub(crate) use sets::compress;
pub(crate) use sets::resolve;
pub(crate) use sync::{announce_keywords, flags_lines, sync, Synced};

/// What a session knows about its client, beyond framing.
#[derive(Debug)]
pub(crate) struct Conn {
    pub(crate) state: State,
    pub(crate) user: Option<String>,
    pub(crate) selected: Option<SelectedView>,
    /// ENABLE CONDSTORE (RFC 7162) was given, or a CONDSTORE-only item was used.
    pub(crate) condstore: bool,
    /// ENABLE QRESYNC (RFC 7162 §3.2) was given: expunges are reported as VANISHED,
    /// and flag updates carry UIDs.
    pub(crate) qresync: bool,
    /// The HIGHESTMODSEQ this QRESYNC client was last given, and the highest MODSEQ it
    /// was shown since the last sync (see [`modseq`]).
    pub(crate) last_full_modseq: u64,
    pub(crate) highest_fetch_modseq: u64,
    /// A HIGHESTMODSEQ the last sync wants reported with the reply ([`modseq::report`]).
    pub(crate) pending_highestmodseq: Option<u64>,
    /// The client asked CAPABILITY before logging in. Dovecot then sends the new list
    /// as an untagged CAPABILITY on login instead of a `[CAPABILITY ...]` code.
    pub(crate) asked_capability: bool,
    /// The keywords SEARCH made up in each mailbox (by id) during this session: Dovecot
    /// keeps them in its process's copy of the index, so a later SELECT lists them.
    pub(crate) local_keywords: Vec<(u64, String)>,
    /// What the last NOTIFY asked for (RFC 5465): None before any, no groups after NONE.
    pub(crate) notify: Option<crate::grammar::extensions::notify::NotifySet>,
    /// What NOTIFY's events of other mailboxes are measured against
    /// ([`notify_watch`]); None when the last NOTIFY asked for none.
    pub(crate) notify_watch: Option<notify_watch::Watch>,
    /// BAD replies in a row, after login.
    pub(crate) bad_in_a_row: u32,
    /// Bad commands before login, in total.
    pub(crate) bad_login_total: u32,
}

impl Default for Conn {
    fn default() -> Self {
        Conn {
            state: State::NotAuthenticated,
            user: None,
            selected: None,
            condstore: false,
            qresync: false,
            last_full_modseq: 0,
            highest_fetch_modseq: 0,
            pending_highestmodseq: None,
            notify: None,
            notify_watch: None,
            local_keywords: Vec::new(),
            asked_capability: false,
            bad_in_a_row: 0,
            bad_login_total: 0,
        }
    }
}

/// The selected mailbox as this client knows it: RFC 9051 §7 has the server keep the
/// client's view (message numbers, flags) until it may tell the client what changed.
#[derive(Debug, Clone)]
pub(crate) struct SelectedView {
    pub(crate) id: u64,
    pub(crate) read_only: bool,
    /// UIDs by message number (index + 1).
    pub(crate) uids: Vec<u32>,
    /// The flags the client was last told, by message number.
    pub(crate) flags: Vec<Flags>,
    /// Messages that are \Recent for this session.
    pub(crate) recent: BTreeSet<u32>,
    /// The RECENT count last reported.
    pub(crate) recent_reported: usize,
    /// The keywords FLAGS has announced to this session, in the order it learnt them.
    pub(crate) keywords: Vec<String>,
    /// Keywords only this session knows: SEARCH KEYWORD names one the mailbox does not
    /// have. Dovecot announces it to the searching session alone (battery s45, w2),
    /// and still knows it when the session selects the mailbox again
    /// ([`Conn::local_keywords`]).
    pub(crate) local_keywords: Vec<String>,
    /// Messages this session changed without being shown (STORE .SILENT, the \Seen a
    /// FETCH sets). With CONDSTORE the next sync still reports their new MODSEQ, as
    /// `* n FETCH (MODSEQ (m))` (RFC 7162 §3.1.3; Dovecot's `imap_sync_send_modseq`).
    pub(crate) hidden: BTreeSet<u32>,
    /// Messages a sync found expunged but could not report yet (FETCH, STORE, SEARCH
    /// report no EXPUNGE, RFC 9051 §7.5.1): Dovecot can no longer read them.
    pub(crate) gone: BTreeSet<u32>,
    /// The result a SEARCH or SORT RETURN (SAVE) kept, as sorted UIDs, for `$`
    /// (RFC 5182 §2.1). Dovecot forgets it with the mailbox.
    pub(crate) saved: Vec<u32>,
    /// The searches the client asked to be kept told of (RFC 5267 §4.3, [`context`]).
    pub(crate) updates: Vec<context::Update>,
    /// The highest UID when the client was last sent EXISTS: NOTIFY's MessageNew FETCH
    /// goes to every message above it with the next EXISTS, those that came while
    /// NOTIFY kept quiet included (notify.txt c24).
    pub(crate) told_uid: u32,
}

impl SelectedView {
    /// The 0-based index of the message with `uid`, if the view holds it.
    pub(crate) fn index_of(&self, uid: u32) -> Option<usize> {
        self.uids.binary_search(&uid).ok()
    }
}

/// The status of a tagged reply.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Status {
    Ok,
    No,
    Bad,
}

impl Status {
    pub(crate) fn word(self) -> &'static str {
        match self {
            Status::Ok => "OK",
            Status::No => "NO",
            Status::Bad => "BAD",
        }
    }
}

/// How to report pending changes after a command (RFC 9051 §7, §7.5.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum SyncMode {
    None,
    /// FETCH, STORE, SEARCH (not their UID forms): everything except EXPUNGE.
    NoExpunges,
    Full,
}

/// What the session does after the reply.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Next {
    Continue,
    Close,
    /// IDLE started (RFC 2177); the tag is the IDLE command's.
    Idle(String),
    /// AUTHENTICATE waits for the client's response line.
    Auth(String, auth::AuthStep),
}

/// A command's outcome: the tagged line to send, and what comes next.
#[derive(Debug, Clone)]
pub(crate) struct Done {
    /// `None` when no tagged line is sent yet (IDLE, AUTHENTICATE continuing).
    pub(crate) tag: Option<String>,
    pub(crate) status: Status,
    /// The response code, written without brackets: `READ-WRITE`, `APPENDUID 1 5`.
    pub(crate) code: Option<Code>,
    pub(crate) text: String,
    /// True for texts that never get timing figures (imap-login's, and LOGIN's).
    pub(crate) untimed: bool,
    pub(crate) sync: SyncMode,
    /// The command was a UID command: FETCH responses in the sync carry UID.
    pub(crate) uid: bool,
    /// A bad command as imap-login counts them (three and the client is out).
    pub(crate) login_bad: bool,
    pub(crate) next: Next,
}

impl Done {
    fn new(tag: &str, status: Status, text: impl Into<String>) -> Self {
        Done {
            tag: Some(tag.to_owned()),
            status,
            code: None,
            text: text.into(),
            untimed: false,
            sync: SyncMode::None,
            uid: false,
            login_bad: false,
            next: Next::Continue,
        }
    }

    pub(crate) fn ok(tag: &str, text: impl Into<String>) -> Self {
        Done::new(tag, Status::Ok, text)
    }

    pub(crate) fn no(tag: &str, text: impl Into<String>) -> Self {
        Done::new(tag, Status::No, text)
    }

    pub(crate) fn bad(tag: &str, text: impl Into<String>) -> Self {
        Done::new(tag, Status::Bad, text)
    }

    pub(crate) fn code(mut self, code: Code) -> Self {
        self.code = Some(code);
        self
    }

    pub(crate) fn sync(mut self, mode: SyncMode) -> Self {
        self.sync = mode;
        self
    }

    pub(crate) fn uid(mut self, uid: bool) -> Self {
        self.uid = uid;
        self
    }

    pub(crate) fn next(mut self, next: Next) -> Self {
        self.next = next;
        self
    }

    pub(crate) fn untimed(mut self) -> Self {
        self.untimed = true;
        self
    }

    /// No tagged line now (the command continues).
    pub(crate) fn pending(next: Next) -> Self {
        let mut d = Done::ok("", "");
        d.tag = None;
        d.next = next;
        d
    }
}

/// What a command family gets to work with.
pub(crate) struct Cx<'a> {
    pub(crate) conn: &'a mut Conn,
    pub(crate) store: &'a Store,
    pub(crate) config: &'a Config,
    /// Untagged responses, sent before pending updates and the tagged line.
    pub(crate) out: &'a mut Reply,
    pub(crate) events: &'a mut Vec<Event>,
}

impl Cx<'_> {
    /// Starts per-message MODSEQs in the selected mailbox, as Dovecot does when a
    /// client turns CONDSTORE on ([`super::store::MailboxData::track_modseqs`]).
    pub(crate) fn track_selected_modseqs(&mut self) {
        let Some(id) = self.conn.selected.as_ref().map(|v| v.id) else {
            return;
        };
        let user = self.user().to_owned();
        let mut world = self.store.lock();
        if let Some(mb) = world.account_mut(&user).and_then(|a| a.by_id_mut(id)) {
            mb.track_modseqs();
        }
    }

    /// An honest NO for what the fixture advertises but the mock does not do: `what`
    /// names it for the tutor's event, `shown` in the reply ("NO ... does not implement {shown}").
    pub(crate) fn decline(&mut self, tag: &str, what: String, shown: &str) -> Done {
        self.events.push(Event::NotImplemented {
            tag: tag.to_owned(),
            what,
        });
        Done::no(tag, w::not_implemented(shown))
    }

    pub(crate) fn line(&mut self, line: &str) {
        self.out.extend_from_slice(line.as_bytes());
        self.out.extend_from_slice(b"\r\n");
    }

    pub(crate) fn user(&self) -> &str {
        self.conn.user.as_deref().unwrap_or("")
    }

    pub(crate) fn authenticated(&self) -> bool {
        self.conn.state != State::NotAuthenticated
    }
}

/// The stored mailbox a session has selected, found in the locked store.
pub(crate) fn selected_in<'w>(
    world: &'w World,
    user: &str,
    selected: Option<&SelectedView>,
) -> Option<&'w MailboxData> {
    world.account(user)?.by_id(selected?.id)
}

/// Hands each command's own fields to its handler: one line per command, and no
/// catch-all, so a new `CommandBody` variant does not compile until it has a line here.
fn dispatch(cx: &mut Cx, cmd: &Command) -> Done {
    use CommandBody::*;
    let tag = cmd.tag.as_str();
    match &cmd.body {
        Capability => any::capability(cx, tag),
        Noop => any::noop(tag),
        Logout => any::logout(cx, tag),
        Id { .. } => any::id(cx, tag),
        Enable { capabilities } => any::enable(cx, tag, capabilities),
        Compress { .. } => any::compress(cx, tag),
        Notify { set } => notify::handle(cx, tag, set.as_ref()),
        StartTls => auth::starttls(cx, tag),
        Authenticate {
            mechanism,
            initial_response,
        } => auth::authenticate(cx, tag, mechanism, initial_response.as_deref()),
        Login { user, password } => auth::login_command(cx, tag, user, password),
        Select {
            mailbox,
            parameters,
        } => select::select(cx, tag, mailbox, parameters, false),
        Examine {
            mailbox,
            parameters,
        } => select::select(cx, tag, mailbox, parameters, true),
        Create { mailbox } => mailbox::create(cx, tag, mailbox),
        Delete { mailbox } => mailbox::delete(cx, tag, mailbox),
        Rename { from, to } => mailbox::rename(cx, tag, from, to),
        Subscribe { mailbox } => mailbox::subscribe(cx, tag, mailbox, true),
        Unsubscribe { mailbox } => mailbox::subscribe(cx, tag, mailbox, false),
        List {
            reference,
            patterns,
            selection,
            returns,
            extended,
            ..
        } => list::list(cx, tag, reference, patterns, selection, returns, *extended),
        Lsub { reference, pattern } => list::lsub(cx, tag, reference, pattern),
        Namespace => mailbox::namespace(cx, tag),
        Status { mailbox, items } => status::status(cx, tag, mailbox, items),
        Append { mailbox, messages } => append::handle(cx, tag, mailbox, messages),
        Idle => idle::handle(cx, tag),
        Check => expunge::check(tag),
        Close => expunge::close(cx, tag),
        Unselect => expunge::unselect(cx, tag),
        Expunge { uids } => expunge::expunge(cx, tag, uids.as_ref()),
        Search {
            uid,
            charset,
            returns,
            criteria,
        } => search::handle(
            cx,
            tag,
            *uid,
            charset.as_deref(),
            returns.as_deref(),
            criteria,
        ),
        CancelUpdate { tags } => context::cancel(cx, tag, tags),
        Fetch {
            uid,
            set,
            items,
            modifiers,
        } => fetch::handle(cx, tag, *uid, set, items, modifiers),
        Store { uid, set, action } => store::handle(cx, tag, *uid, set, action),
        Copy { uid, set, mailbox } => copy_move::copy(cx, tag, *uid, set, mailbox, false),
        Move { uid, set, mailbox } => copy_move::copy(cx, tag, *uid, set, mailbox, true),
        Sort {
            uid,
            returns,
            criteria,
            charset,
            keys,
        } => sort::handle(cx, tag, *uid, returns.as_deref(), criteria, charset, keys),
        Thread {
            uid,
            algorithm,
            charset,
            keys,
        } => thread::handle(cx, tag, *uid, algorithm, charset, keys),
        GetMetadata {
            options,
            mailbox,
            entries,
        } => metadata::get(cx, tag, options, mailbox, entries),
        SetMetadata { mailbox, values } => metadata::set(cx, tag, mailbox, values),
        // Never reached: `entry::run` makes these unknown commands, as Dovecot does.
        GetQuota { .. }
        | GetQuotaRoot { .. }
        | SetQuota { .. }
        | SetAcl { .. }
        | DeleteAcl { .. }
        | GetAcl { .. }
        | ListRights { .. }
        | MyRights { .. } => entry::unknown(cx, tag, cmd.body.name()),
    }
}
