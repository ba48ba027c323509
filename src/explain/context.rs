//! What the explainer remembers about a session, learned from both sides.
//!
//! The state follows RFC 9051 §3: a tagged OK to LOGIN authenticates, a tagged OK to
//! SELECT selects, and so on. The explainer never decides what the server *should*
//! have done; it records what the server said, so a session with a misbehaving server
//! is still explained faithfully.

use std::collections::HashMap;

use crate::grammar::{Command, CommandBody, State};

/// A command waiting for its tagged completion.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pending {
    /// The command's name as the knowledge base lists it ("FETCH"), or
    /// [`UNRECOGNISED`] when the grammar could not tell which command it was.
    pub name: &'static str,
    /// True for the UID form.
    pub uid: bool,
    /// The parsed command, when it parsed.
    pub command: Option<Command>,
}

/// The name a pending command gets when the grammar did not recognise it.
pub const UNRECOGNISED: &str = "unrecognised command";

/// The selected mailbox.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Selected {
    pub name: String,
    pub read_only: bool,
    /// Messages in it, as of the last EXISTS or EXPUNGE.
    pub exists: Option<u32>,
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
    pub seen_tags: std::collections::HashSet<String>,
    /// The last capability list the server sent.
    pub capabilities: Vec<String>,
    pub selected: Option<Selected>,
    /// A SELECT or EXAMINE in progress: the mailbox that will be selected if it succeeds.
    pub selecting: Option<(String, String, bool)>,
    /// The tag of an IDLE in progress: the client's next line should be DONE.
    pub idling: Option<String>,
    /// The tag of an AUTHENTICATE in progress: client lines are SASL data until it completes.
    pub authenticating: Option<(String, String)>,
    /// The user who logged in, when known.
    pub user: Option<String>,
}

impl Default for Context {
    fn default() -> Self {
        Context {
            state: State::NotAuthenticated,
            state_known: false,
            awaiting_greeting: true,
            pending: HashMap::new(),
            seen_tags: std::collections::HashSet::new(),
            capabilities: Vec::new(),
            selected: None,
            selecting: None,
            idling: None,
            authenticating: None,
            user: None,
        }
    }
}

impl Context {
    /// The name of the selected mailbox, or a phrase for "the mailbox" when unknown.
    pub fn mailbox_name(&self) -> String {
        self.selected
            .as_ref()
            .map_or_else(|| "the selected mailbox".into(), |s| s.name.clone())
    }

    /// True if the server advertised `capability` (case-insensitive).
    pub fn has_capability(&self, capability: &str) -> bool {
        self.capabilities
            .iter()
            .any(|c| c.eq_ignore_ascii_case(capability))
    }

    /// Records a command the client sent.
    pub fn command_sent(
        &mut self,
        tag: &str,
        name: &'static str,
        uid: bool,
        command: Option<&Command>,
    ) {
        self.seen_tags.insert(tag.to_owned());
        match command.map(|c| &c.body) {
            Some(CommandBody::Select { mailbox, .. }) => {
                self.selecting = Some((tag.to_owned(), mailbox.canonical(), false))
            }
            Some(CommandBody::Examine { mailbox, .. }) => {
                self.selecting = Some((tag.to_owned(), mailbox.canonical(), true))
            }
            Some(CommandBody::Idle) => self.idling = Some(tag.to_owned()),
            Some(CommandBody::Authenticate { mechanism, .. }) => {
                self.authenticating = Some((tag.to_owned(), mechanism.to_ascii_uppercase()))
            }
            Some(CommandBody::Login { user, .. }) => self.user = Some(user.text().into_owned()),
            _ => {}
        }
        self.pending.insert(
            tag.to_owned(),
            Pending {
                name,
                uid,
                command: command.cloned(),
            },
        );
    }

    /// Records a tagged completion; returns the command it completes, if known.
    pub fn completed(&mut self, tag: &str, ok: bool) -> Option<Pending> {
        let pending = self.pending.remove(tag);
        if self.idling.as_deref() == Some(tag) {
            self.idling = None;
        }
        if self.authenticating.as_ref().is_some_and(|(t, _)| t == tag) {
            self.authenticating = None;
        }
        let name = pending.as_ref().map(|p| p.name);
        if ok && matches!(name, Some("LOGIN" | "AUTHENTICATE" | "SELECT" | "EXAMINE")) {
            self.state_known = true;
        }
        match (name, ok) {
            (Some("LOGIN" | "AUTHENTICATE"), true) => self.state = State::Authenticated,
            // A SELECT refused before login (BAD) changes nothing.
            (Some("SELECT" | "EXAMINE"), _) if self.state == State::NotAuthenticated && !ok => {
                self.selecting = None;
            }
            (Some("SELECT" | "EXAMINE"), _) => {
                // RFC 9051 §6.3.2: a failed SELECT leaves no mailbox selected.
                self.selected = None;
                self.state = State::Authenticated;
                if let Some((t, name, read_only)) = self.selecting.take() {
                    if ok && t == tag {
                        self.selected = Some(Selected {
                            name,
                            read_only,
                            exists: None,
                        });
                        self.state = State::Selected;
                    }
                }
            }
            (Some("CLOSE" | "UNSELECT"), true) => {
                self.selected = None;
                self.state = State::Authenticated;
            }
            (Some("LOGOUT"), _) => self.state = State::Logout,
            _ => {}
        }
        pending
    }
}
