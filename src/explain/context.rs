//! What the explainer remembers about a session, learned from both sides, and every
//! change to it.
//!
//! The state follows RFC 9051 §3: a tagged OK to LOGIN authenticates, a tagged OK to
//! SELECT selects, and so on. The explainer never decides what the server *should*
//! have done; it records what the server said, so a session with a misbehaving server
//! is still explained faithfully.
//!
//! All the session's state transitions are here, in [`Context::client_sent`] and
//! [`Context::server_sent`]. The wording (`commands.rs`, `responses.rs`) only reads the
//! context: each message is explained with what was known before it, then the context
//! learns from it.

use std::collections::{HashMap, HashSet};

use crate::grammar::extensions::esearch::ReturnOption;
use crate::grammar::extensions::notify::EventGroup;
use crate::grammar::response::{Code, Data, Response, Status};
use crate::grammar::{Command, CommandBody, ParsedCommand, ParsedResponse, State};

/// A command waiting for its tagged completion.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pending {
    /// The command's name as the knowledge base lists it ("FETCH"), or `None` when the
    /// grammar could not tell which command it was.
    pub name: Option<&'static str>,
    /// True for the UID form.
    pub uid: bool,
    /// The parsed command, when it parsed.
    pub command: Option<Command>,
    /// True when this is filed under the line's first word, which a server takes for the
    /// tag, because the grammar read the tag otherwise: the tag ran into the command
    /// (`c1LOGIN ...`), or the line has no tag (`LOGIN user pass`).
    pub first_word: bool,
}

impl Pending {
    /// True if this is the command called `name` (either form).
    pub(crate) fn is(&self, name: &str) -> bool {
        self.name == Some(name)
    }

    /// "FETCH" or "UID FETCH"; `None` if unrecognised.
    pub(crate) fn shown_name(&self) -> Option<String> {
        self.name.map(|n| {
            if self.uid {
                format!("UID {n}")
            } else {
                n.to_string()
            }
        })
    }
}

/// The selected mailbox.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Selected {
    pub name: String,
    pub read_only: bool,
    /// Messages in it, as of the last EXISTS or EXPUNGE.
    pub exists: Option<u32>,
    /// The number of the first message the last EXISTS added (RFC 5465 §5.2: a
    /// MessageNew event is an EXISTS, then a FETCH of each new message); None once an
    /// EXPUNGE moved the numbers.
    pub new_from: Option<u32>,
}

/// A SELECT or EXAMINE in progress: the mailbox that will be selected if it succeeds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Selecting {
    pub tag: String,
    pub name: String,
    pub read_only: bool,
    /// The EXISTS of the SELECT's own answer, kept for the mailbox once it is selected.
    pub exists: Option<u32>,
}

/// An AUTHENTICATE in progress: client lines are SASL data until it completes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Authenticating {
    pub tag: String,
    /// The mechanism, upper case.
    pub mechanism: String,
}

/// The session as seen so far.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Context {
    pub state: State,
    /// False while the state is a guess: a capture that starts mid-session has no
    /// greeting, so the explainer cannot know whether the client has logged in.
    pub state_known: bool,
    /// True until the server's greeting has been seen.
    pub awaiting_greeting: bool,
    /// Tags of commands not yet completed.
    pub pending: HashMap<String, Pending>,
    /// Every tag seen so far, to spot reuse.
    pub seen_tags: HashSet<String>,
    /// The last capability list the server sent.
    pub capabilities: Vec<String>,
    pub selected: Option<Selected>,
    pub selecting: Option<Selecting>,
    /// True once a SELECT or EXAMINE succeeded in this connection: ENABLE is then too
    /// late (RFC 5161 §3.1), even after CLOSE.
    pub ever_selected: bool,
    /// The hierarchy delimiter, once a LIST, LSUB or NAMESPACE response named one.
    pub delimiter: Option<char>,
    /// The tag of an IDLE in progress: the client's next line should be DONE.
    pub idling: Option<String>,
    pub authenticating: Option<Authenticating>,
    /// The user who logged in, when known.
    pub user: Option<String>,
    /// True once a LOGOUT completed. A BYE also ends the session (RFC 9051 §7.1.5), but
    /// unasked it is the server closing it (autologout, shutdown), not the user leaving.
    pub logged_out: bool,
    /// Tags of SORT commands with RETURN (UPDATE) whose updates still come (RFC 5267
    /// §4.3): until CANCELUPDATE names them or the mailbox is no longer selected. Their
    /// ADDTO and REMOVEFROM follow sort order, not mailbox order.
    pub sorted_updates: HashSet<String>,
    /// True once the server's ENABLED named UIDONLY (RFC 9586): it then sends UIDFETCH
    /// instead of FETCH, and refuses commands that name messages by number.
    pub uid_only: bool,
    /// `* ENABLED QRESYNC` was seen: SELECT's QRESYNC parameter and UID FETCH's VANISHED
    /// need it, or the server answers BAD (RFC 7162 §3.2.5, §3.2.6).
    pub qresync: bool,
    /// The event groups of the last NOTIFY SET that succeeded (RFC 5465 §3.1): None
    /// until then (only the selected mailbox's news, during commands), empty after
    /// NOTIFY NONE or a NOTIFICATIONOVERFLOW (§5.8). SELECTED and SELECTED-DELAYED
    /// groups apply to whichever mailbox is selected when the event happens (§6.1).
    pub notify: Option<Vec<EventGroup>>,
}

impl Default for Context {
    fn default() -> Self {
        Context {
            state: State::NotAuthenticated,
            state_known: false,
            awaiting_greeting: true,
            pending: HashMap::new(),
            seen_tags: HashSet::new(),
            capabilities: Vec::new(),
            selected: None,
            selecting: None,
            ever_selected: false,
            delimiter: None,
            idling: None,
            authenticating: None,
            user: None,
            logged_out: false,
            sorted_updates: HashSet::new(),
            uid_only: false,
            qresync: false,
            notify: None,
        }
    }
}

impl Context {
    /// The selected mailbox's name, or the one being selected (the untagged data of a
    /// SELECT describes it before the OK).
    pub(crate) fn current_mailbox(&self) -> Option<&str> {
        self.selecting
            .as_ref()
            .map(|s| s.name.as_str())
            .or(self.selected.as_ref().map(|s| s.name.as_str()))
    }

    /// True if a server message is the greeting: its first message, before any command,
    /// an untagged OK, PREAUTH or BYE (RFC 9051 §7.1). A capture that starts later has none.
    pub(crate) fn is_greeting(&self, parsed: &ParsedResponse) -> bool {
        self.awaiting_greeting
            && self.seen_tags.is_empty()
            && matches!(
                &parsed.response,
                Some(Response::Data(Data::Status {
                    status: Status::Ok | Status::PreAuth | Status::Bye,
                    ..
                }))
            )
    }

    // ---- transitions ------------------------------------------------------------------

    /// The client sent a command line (not DONE, not SASL data) whose first line is
    /// `first_line`.
    pub(crate) fn client_sent(&mut self, parsed: &ParsedCommand, first_line: &[u8]) {
        // What a server reads as the tag: the first word. When the learner's tag ran into
        // the command, or there is none, the grammar's tag is not that word; the answer
        // will carry the word.
        let word = String::from_utf8_lossy(first_line.split(|&b| b == b' ').next().unwrap_or(b""))
            .into_owned();
        let could_be_tag =
            !word.is_empty() && !word.contains(['*', '+', '(', ')', '{', '"', '\\', '%', ']']);
        if parsed.tag.as_deref() != Some(word.as_str()) && could_be_tag {
            // The server never sees the shorter tag, so only the word is remembered.
            self.seen_tags.insert(word.clone());
            self.pending.insert(
                word,
                Pending {
                    name: None,
                    uid: false,
                    command: None,
                    first_word: true,
                },
            );
            return;
        }
        let Some(tag) = &parsed.tag else {
            return;
        };
        self.seen_tags.insert(tag.clone());
        // A tag used again stands for the new command from now on (as in `pending`): a
        // SELECT that never got its answer under that tag is not what its OK completes.
        if self.selecting.as_ref().is_some_and(|s| &s.tag == tag) {
            self.selecting = None;
        }
        let command = parsed.name.and(parsed.command.as_ref());
        match command.map(|c| &c.body) {
            Some(CommandBody::Select { mailbox, .. } | CommandBody::Examine { mailbox, .. }) => {
                self.selecting = Some(Selecting {
                    tag: tag.clone(),
                    name: mailbox.canonical(),
                    read_only: matches!(
                        command.map(|c| &c.body),
                        Some(CommandBody::Examine { .. })
                    ),
                    exists: None,
                })
            }
            Some(CommandBody::Idle) => self.idling = Some(tag.clone()),
            Some(CommandBody::Authenticate { mechanism, .. }) => {
                self.authenticating = Some(Authenticating {
                    tag: tag.clone(),
                    mechanism: mechanism.to_ascii_uppercase(),
                })
            }
            _ => {}
        }
        self.pending.insert(
            tag.clone(),
            Pending {
                name: parsed.name,
                uid: parsed.uid,
                command: command.cloned(),
                first_word: false,
            },
        );
    }

    /// The server sent a message; `greeting` is [`Context::is_greeting`] of it.
    pub(crate) fn server_sent(&mut self, parsed: &ParsedResponse, greeting: bool) {
        self.awaiting_greeting = false;
        if greeting {
            self.state_known = true;
        }
        match &parsed.response {
            Some(Response::Tagged {
                tag, status, code, ..
            }) => {
                self.learn_code(code.as_ref());
                self.completed(tag, *status == Status::Ok);
            }
            Some(Response::Data(data)) => self.learn_data(data),
            _ => {}
        }
    }

    fn learn_code(&mut self, code: Option<&Code>) {
        if let Some(Code::Capability(caps)) = code {
            self.capabilities = caps.clone();
        }
    }

    fn learn_data(&mut self, data: &Data) {
        match data {
            Data::Status { status, code, .. } => {
                self.learn_code(code.as_ref());
                // RFC 5465 §5.8: after an untagged OK [NOTIFICATIONOVERFLOW] the server
                // behaves as if NOTIFY NONE had been received (a tagged NO only refuses
                // that NOTIFY SET).
                if code
                    .as_ref()
                    .is_some_and(|c| c.name() == "NOTIFICATIONOVERFLOW")
                {
                    self.notify = Some(Vec::new());
                }
                match status {
                    Status::PreAuth => self.state = State::Authenticated,
                    Status::Bye => self.state = State::Logout,
                    _ => {}
                }
            }
            Data::Capability(caps) => self.capabilities = caps.clone(),
            Data::Enabled(caps) => {
                let has = |name: &str| caps.iter().any(|c| c.eq_ignore_ascii_case(name));
                self.uid_only |= has("UIDONLY");
                self.qresync |= has("QRESYNC");
            }
            Data::Exists(n) => {
                if let Some(s) = self.selecting.as_mut() {
                    s.exists = Some(*n);
                } else if let Some(s) = self.selected.as_mut() {
                    s.new_from = match s.exists {
                        Some(old) if *n > old => Some(old + 1),
                        _ => None,
                    };
                    s.exists = Some(*n);
                }
            }
            Data::Expunge(_) => {
                if let Some(s) = self.selected.as_mut() {
                    s.exists = s.exists.map(|e| e.saturating_sub(1));
                    s.new_from = None;
                }
            }
            Data::List(item) | Data::Lsub(item) if item.delimiter.is_some() => {
                self.delimiter = item.delimiter;
            }
            Data::Namespace {
                personal: Some(list),
                ..
            } => {
                if let Some(d) = list.first().and_then(|n| n.delimiter) {
                    self.delimiter = Some(d);
                }
            }
            _ => {}
        }
    }

    /// A tagged completion.
    fn completed(&mut self, tag: &str, ok: bool) {
        let pending = self.pending.remove(tag);
        if self.idling.as_deref() == Some(tag) {
            self.idling = None;
        }
        if self.authenticating.as_ref().is_some_and(|a| a.tag == tag) {
            self.authenticating = None;
        }
        let name = pending.as_ref().and_then(|p| p.name);
        if ok && matches!(name, Some("LOGIN" | "AUTHENTICATE" | "SELECT" | "EXAMINE")) {
            self.state_known = true;
        }
        if matches!(name, Some("SELECT" | "EXAMINE" | "CLOSE" | "UNSELECT")) {
            // RFC 5267 §4.3: updates cease when the mailbox is no longer selected.
            self.sorted_updates.clear();
        }
        match pending.and_then(|p| p.command).map(|c| c.body) {
            Some(CommandBody::Sort {
                returns: Some(returns),
                ..
            }) if ok && returns.iter().any(|r| matches!(r, ReturnOption::Update(_))) => {
                self.sorted_updates.insert(tag.to_owned());
            }
            Some(CommandBody::CancelUpdate { tags }) if ok => {
                for t in tags {
                    self.sorted_updates.remove(&t);
                }
            }
            // A LOGIN that failed logged no one in.
            Some(CommandBody::Login { user, .. }) if ok => {
                self.user = Some(user.text().into_owned());
            }
            // RFC 5465 §3.1: SET replaces the list of events, NONE empties it.
            Some(CommandBody::Notify { set }) if ok => {
                self.notify = Some(set.map(|s| s.groups).unwrap_or_default());
            }
            _ => {}
        }
        match (name, ok) {
            (Some("LOGIN" | "AUTHENTICATE"), true) => self.state = State::Authenticated,
            // A SELECT refused before login (BAD) changes nothing.
            (Some("SELECT" | "EXAMINE"), false) if self.state == State::NotAuthenticated => {
                self.selecting = None;
            }
            (Some("SELECT" | "EXAMINE"), _) => {
                // RFC 9051 §6.3.2: a failed SELECT leaves no mailbox selected.
                self.selected = None;
                self.state = State::Authenticated;
                if let Some(selecting) = self.selecting.take() {
                    if ok && selecting.tag == tag {
                        self.selected = Some(Selected {
                            name: selecting.name,
                            read_only: selecting.read_only,
                            exists: selecting.exists,
                            new_from: None,
                        });
                        self.state = State::Selected;
                        self.ever_selected = true;
                    }
                }
            }
            (Some("CLOSE" | "UNSELECT"), true) => {
                self.selected = None;
                self.state = State::Authenticated;
            }
            (Some("LOGOUT"), _) => {
                self.state = State::Logout;
                self.logged_out = true;
            }
            _ => {}
        }
    }
}
