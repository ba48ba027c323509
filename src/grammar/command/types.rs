//! The syntax tree of a client command: what [`super::parsers`] builds and the mock,
//! the explainer and the lessons read.

use serde::Serialize;

use crate::grammar::core::{Flag, ImapString};
use crate::grammar::error::{Diagnostic, Severity};
use crate::grammar::extensions::acl::ModRights;
use crate::grammar::extensions::catenate::AppendMessage;
use crate::grammar::extensions::condstore::{FetchModifier, SelectParam};
use crate::grammar::extensions::esearch::ReturnOption;
use crate::grammar::extensions::id::IdParams;
use crate::grammar::extensions::list_extended::{ListReturnOption, ListSelectOption};
use crate::grammar::extensions::metadata::MetadataOption;
use crate::grammar::extensions::notify::NotifySet;
use crate::grammar::extensions::quota::QuotaLimit;
use crate::grammar::extensions::sort::SortCriterion;
use crate::grammar::extensions::thread::ThreadAlgorithm;
use crate::grammar::fetch::FetchItems;
use crate::grammar::mailbox::Mailbox;
use crate::grammar::search::SearchKey;
use crate::grammar::sequence::SequenceSet;
use crate::grammar::status::StatusItem;

/// A command a client sent.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Command {
    pub tag: String,
    pub body: CommandBody,
}

/// How STORE changes flags: `["+" / "-"] "FLAGS" [".SILENT"]`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum StoreMode {
    Replace,
    Add,
    Remove,
}

/// `store-att-flags = (["+" / "-"] "FLAGS" [".SILENT"]) SP (flag-list / (flag *(SP flag)))`
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StoreAction {
    pub mode: StoreMode,
    pub silent: bool,
    pub flags: Vec<Flag>,
    /// `(UNCHANGEDSINCE n)` (RFC 7162), if given.
    pub unchanged_since: Option<u64>,
    /// Gmail's `X-GM-LABELS` item in place of FLAGS (no RFC, a named vendor quirk): the
    /// labels to add, remove or set; `flags` is then empty.
    pub gmail_labels: Option<Vec<String>>,
}

/// The arguments of each command.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub enum CommandBody {
    // -- any state (RFC 9051 §6.1)
    Capability,
    Noop,
    Logout,
    // -- not authenticated (§6.2)
    StartTls,
    /// `AUTHENTICATE SP auth-type [SP (base64 / "=")]` (RFC 9051 §6.2.2, RFC 4959 SASL-IR)
    Authenticate {
        mechanism: String,
        initial_response: Option<String>,
    },
    Login {
        user: ImapString,
        password: ImapString,
    },
    // -- authenticated (§6.3)
    Select {
        mailbox: Mailbox,
        parameters: Vec<SelectParam>,
    },
    Examine {
        mailbox: Mailbox,
        parameters: Vec<SelectParam>,
    },
    Create {
        mailbox: Mailbox,
    },
    Delete {
        mailbox: Mailbox,
    },
    Rename {
        from: Mailbox,
        to: Mailbox,
    },
    Subscribe {
        mailbox: Mailbox,
    },
    Unsubscribe {
        mailbox: Mailbox,
    },
    /// `LIST [SP list-select-opts] SP mailbox SP mbox-or-pat [SP list-return-opts]`
    List {
        reference: Mailbox,
        patterns: Vec<ImapString>,
        selection: Vec<ListSelectOption>,
        returns: Vec<ListReturnOption>,
        /// The extended syntax was used (RFC 5258 §3): selection options, a list of
        /// patterns or RETURN, even empty. The answer then follows RFC 5258's rules.
        extended: bool,
        /// Sent as Gmail's XLIST (named quirk, `extensions/xlist.rs`): the same command.
        xlist: bool,
    },
    Lsub {
        reference: Mailbox,
        pattern: ImapString,
    },
    Namespace,
    Status {
        mailbox: Mailbox,
        items: Vec<StatusItem>,
    },
    /// One message, or several with MULTIAPPEND (RFC 3502), each a literal or joined
    /// with CATENATE (RFC 4469).
    Append {
        mailbox: Mailbox,
        messages: Vec<AppendMessage>,
    },
    Idle,
    Enable {
        capabilities: Vec<String>,
    },
    // -- administration, once authenticated: QUOTA (RFC 9208 §4.1), ACL (RFC 4314 §3),
    //    METADATA (RFC 5464 §4)
    GetQuota {
        root: String,
    },
    GetQuotaRoot {
        mailbox: Mailbox,
    },
    /// The new limits replace every previous limit of the root (RFC 9208 §4.1.3).
    SetQuota {
        root: String,
        limits: Vec<QuotaLimit>,
    },
    SetAcl {
        mailbox: Mailbox,
        identifier: String,
        rights: ModRights,
    },
    DeleteAcl {
        mailbox: Mailbox,
        identifier: String,
    },
    GetAcl {
        mailbox: Mailbox,
    },
    ListRights {
        mailbox: Mailbox,
        identifier: String,
    },
    MyRights {
        mailbox: Mailbox,
    },
    /// The mailbox "" means the server's own entries (RFC 5464 §4.2).
    GetMetadata {
        options: Vec<MetadataOption>,
        mailbox: Mailbox,
        entries: Vec<String>,
    },
    /// Each entry with its new value; None (NIL) removes the entry (RFC 5464 §4.3).
    SetMetadata {
        mailbox: Mailbox,
        values: Vec<(String, Option<ImapString>)>,
    },
    // -- selected (§6.4)
    Check,
    Close,
    Unselect,
    /// `EXPUNGE`, or `UID EXPUNGE sequence-set` (RFC 4315) when `uids` is set.
    Expunge {
        uids: Option<SequenceSet>,
    },
    Search {
        uid: bool,
        charset: Option<String>,
        returns: Option<Vec<ReturnOption>>,
        criteria: Vec<SearchKey>,
    },
    /// `CANCELUPDATE 1*(SP quoted)` (RFC 5267 §4.3.5): stop the updates of these searches.
    CancelUpdate {
        tags: Vec<String>,
    },
    Fetch {
        uid: bool,
        set: SequenceSet,
        items: FetchItems,
        modifiers: Vec<FetchModifier>,
    },
    Store {
        uid: bool,
        set: SequenceSet,
        action: StoreAction,
    },
    Copy {
        uid: bool,
        set: SequenceSet,
        mailbox: Mailbox,
    },
    Move {
        uid: bool,
        set: SequenceSet,
        mailbox: Mailbox,
    },
    /// `SORT [RETURN (...)] (criteria) charset search-keys` (RFC 5256 §3, RFC 5267 §3)
    Sort {
        uid: bool,
        returns: Option<Vec<ReturnOption>>,
        criteria: Vec<SortCriterion>,
        charset: String,
        keys: Vec<SearchKey>,
    },
    /// `THREAD algorithm charset search-keys` (RFC 5256 §4)
    Thread {
        uid: bool,
        algorithm: ThreadAlgorithm,
        charset: String,
        keys: Vec<SearchKey>,
    },
    // -- extensions usable in any state
    /// `ID SP ("(" string SP nstring *(SP string SP nstring) ")" / nil)` (RFC 2971)
    Id {
        parameters: IdParams,
    },
    Compress {
        mechanism: String,
    },
    /// `NOTIFY SET [STATUS] event-groups` or `NOTIFY NONE` (RFC 5465 §3.1): `set` None
    /// for NONE.
    Notify {
        set: Option<NotifySet>,
    },
}

impl CommandBody {
    /// The command's name as the knowledge base lists it (`UID` prefixes are separate).
    pub fn name(&self) -> &'static str {
        use CommandBody::*;
        match self {
            Capability => "CAPABILITY",
            Noop => "NOOP",
            Logout => "LOGOUT",
            StartTls => "STARTTLS",
            Authenticate { .. } => "AUTHENTICATE",
            Login { .. } => "LOGIN",
            Select { .. } => "SELECT",
            Examine { .. } => "EXAMINE",
            Create { .. } => "CREATE",
            Delete { .. } => "DELETE",
            Rename { .. } => "RENAME",
            Subscribe { .. } => "SUBSCRIBE",
            Unsubscribe { .. } => "UNSUBSCRIBE",
            List { xlist: true, .. } => "XLIST",
            List { .. } => "LIST",
            Lsub { .. } => "LSUB",
            Namespace => "NAMESPACE",
            Status { .. } => "STATUS",
            Append { .. } => "APPEND",
            Idle => "IDLE",
            Enable { .. } => "ENABLE",
            GetQuota { .. } => "GETQUOTA",
            GetQuotaRoot { .. } => "GETQUOTAROOT",
            SetQuota { .. } => "SETQUOTA",
            SetAcl { .. } => "SETACL",
            DeleteAcl { .. } => "DELETEACL",
            GetAcl { .. } => "GETACL",
            ListRights { .. } => "LISTRIGHTS",
            MyRights { .. } => "MYRIGHTS",
            GetMetadata { .. } => "GETMETADATA",
            SetMetadata { .. } => "SETMETADATA",
            Check => "CHECK",
            Close => "CLOSE",
            Unselect => "UNSELECT",
            Expunge { .. } => "EXPUNGE",
            Search { .. } => "SEARCH",
            CancelUpdate { .. } => "CANCELUPDATE",
            Fetch { .. } => "FETCH",
            Store { .. } => "STORE",
            Copy { .. } => "COPY",
            Move { .. } => "MOVE",
            Sort { .. } => "SORT",
            Thread { .. } => "THREAD",
            Id { .. } => "ID",
            Compress { .. } => "COMPRESS",
            Notify { .. } => "NOTIFY",
        }
    }

    /// The protocol states in which the command is valid (RFC 9051 §3, §6).
    pub fn valid_in(&self) -> &'static [State] {
        use CommandBody::*;
        use State::{Authenticated, NotAuthenticated, Selected};
        match self {
            Capability | Noop | CommandBody::Logout | Id { .. } => {
                &[NotAuthenticated, Authenticated, Selected]
            }
            // RFC 5161 §3.1: "only valid in the authenticated state, before any mailbox is
            // selected".
            Enable { .. } => &[Authenticated],
            StartTls | Authenticate { .. } | Login { .. } => &[NotAuthenticated],
            Select { .. }
            | Examine { .. }
            | Create { .. }
            | Delete { .. }
            | Rename { .. }
            | Subscribe { .. }
            | Unsubscribe { .. }
            | List { .. }
            | Lsub { .. }
            | Namespace
            | Status { .. }
            | Append { .. }
            | Idle
            // RFC 4978 §5: `command-auth =/ compress`.
            | Compress { .. }
            // RFC 5465 §8: `command-auth =/ notify`.
            | Notify { .. }
            // RFC 4314 §7: `command-auth =/ setacl / deleteacl / getacl / listrights /
            // myrights`; RFC 5464 §5: `command-auth =/ setmetadata / getmetadata`.
            | SetAcl { .. }
            | DeleteAcl { .. }
            | GetAcl { .. }
            | ListRights { .. }
            | MyRights { .. }
            | GetMetadata { .. }
            | SetMetadata { .. }
            // RFC 9208 (like RFC 2087 before it) names no state for its commands; quota
            // roots and mailboxes belong to a logged-in user, so they are taken here
            // as commands of the authenticated state.
            | GetQuota { .. }
            | GetQuotaRoot { .. }
            | SetQuota { .. } => &[Authenticated, Selected],
            Check
            | Close
            | Unselect
            | Expunge { .. }
            | Search { .. }
            | Fetch { .. }
            | Store { .. }
            | Copy { .. }
            | Move { .. }
            | Sort { .. }
            | Thread { .. }
            // RFC 5267 §5: `command-select =/ "CANCELUPDATE" ...`.
            | CancelUpdate { .. } => &[Selected],
        }
    }
}

/// The protocol states of RFC 9051 §3.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum State {
    NotAuthenticated,
    Authenticated,
    Selected,
    Logout,
}

impl State {
    pub(crate) fn describe(self) -> &'static str {
        match self {
            State::NotAuthenticated => "not authenticated",
            State::Authenticated => "authenticated",
            State::Selected => "selected",
            State::Logout => "logout",
        }
    }
}

/// What the front door understood of a command line, and what was wrong with it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ParsedCommand {
    /// The tag, if one could be read.
    pub tag: Option<String>,
    /// The command name as the knowledge base lists it, if recognised (e.g. "COPY").
    pub name: Option<&'static str>,
    /// True when the command was prefixed by UID.
    pub uid: bool,
    /// The whole command, when the line follows the grammar: set only if no diagnostic is
    /// an error (warnings and notes may remain; see [`ParsedCommand::is_valid`]).
    pub command: Option<Command>,
    pub diagnostics: Vec<Diagnostic>,
}

impl ParsedCommand {
    /// True when the line follows the grammar: the command parsed and no diagnostic is
    /// an error (warnings and notes may remain).
    pub fn is_valid(&self) -> bool {
        self.command.is_some()
            && !self
                .diagnostics
                .iter()
                .any(|d| d.severity == Severity::Error)
    }
}
