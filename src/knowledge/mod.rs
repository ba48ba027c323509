//! The knowledge base: what every IMAP command, response, response code, flag, FETCH
//! item, SEARCH key, LIST attribute, STATUS item, capability and cross-cutting concept
//! means, in plain language, with the RFC sections that define it.
//!
//! The explainer uses it to annotate each line of a session for a learner. The entries
//! live in reviewed YAML files under `src/knowledge/data/` (one file per [`Kind`], the
//! schema is documented at the top of each file). They are embedded in the binary with
//! `include_str!` and parsed once, on first use. The unit tests at the bottom of this
//! file parse every file, so a bad edit fails `cargo test` rather than a user's run; they
//! also check that every name in [`crate::grammar::vocabulary`] has an entry and that
//! every reference to an RFC kept in `rfc/` names a section heading that really
//! exists in its text (an RFC not kept there may be cited without a section).

pub mod phrases;

pub(crate) use phrases::count_key;

use serde::Deserialize;
use std::sync::OnceLock;

/// Which list of the knowledge base an entry belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Kind {
    /// A client command such as `LOGIN` or `FETCH`.
    Command,
    /// A server response such as `OK`, `EXISTS` or the `+` continuation request.
    Response,
    /// A response code, the bracketed part of a status response: `[UIDNEXT 5]`.
    ResponseCode,
    /// A system flag (`\Seen`), a predefined keyword (`$Forwarded`) or `\*`.
    Flag,
    /// A FETCH data item or macro (`BODY[]`, `ENVELOPE`, `FAST`) or a section part.
    FetchItem,
    /// A SEARCH key (`UNSEEN`, `FROM`) or a SEARCH argument (`CHARSET`, `RETURN`).
    SearchKey,
    /// A mailbox attribute in a LIST or LSUB response (`\Noselect`, `\Sent`).
    ListAttribute,
    /// A STATUS data item (`MESSAGES`, `UIDNEXT`).
    StatusItem,
    /// A capability name (`IDLE`, `AUTH=PLAIN`) or a family of them (`AUTH=`).
    Capability,
    /// A cross-cutting idea the explainer cites: `tag`, `literal`, `uidvalidity`, ...
    Concept,
}

impl Kind {
    /// Every kind, in the order of the data files.
    pub const ALL: [Kind; 10] = [
        Kind::Command,
        Kind::Response,
        Kind::ResponseCode,
        Kind::Flag,
        Kind::FetchItem,
        Kind::SearchKey,
        Kind::ListAttribute,
        Kind::StatusItem,
        Kind::Capability,
        Kind::Concept,
    ];

    /// A short lower-case label for messages: "command", "response code", ...
    pub fn label(self) -> &'static str {
        match self {
            Kind::Command => "command",
            Kind::Response => "response",
            Kind::ResponseCode => "response code",
            Kind::Flag => "flag",
            Kind::FetchItem => "FETCH item",
            Kind::SearchKey => "SEARCH key",
            Kind::ListAttribute => "LIST attribute",
            Kind::StatusItem => "STATUS item",
            Kind::Capability => "capability",
            Kind::Concept => "concept",
        }
    }

    /// The data file's name and its embedded text.
    fn source(self) -> (&'static str, &'static str) {
        match self {
            Kind::Command => ("commands.yaml", include_str!("data/commands.yaml")),
            Kind::Response => ("responses.yaml", include_str!("data/responses.yaml")),
            Kind::ResponseCode => (
                "response_codes.yaml",
                include_str!("data/response_codes.yaml"),
            ),
            Kind::Flag => ("flags.yaml", include_str!("data/flags.yaml")),
            Kind::FetchItem => ("fetch_items.yaml", include_str!("data/fetch_items.yaml")),
            Kind::SearchKey => ("search_keys.yaml", include_str!("data/search_keys.yaml")),
            Kind::ListAttribute => (
                "list_attributes.yaml",
                include_str!("data/list_attributes.yaml"),
            ),
            Kind::StatusItem => ("status_items.yaml", include_str!("data/status_items.yaml")),
            Kind::Capability => ("capabilities.yaml", include_str!("data/capabilities.yaml")),
            Kind::Concept => ("concepts.yaml", include_str!("data/concepts.yaml")),
        }
    }

    fn index(self) -> usize {
        self as usize
    }
}

/// A protocol state in which a command is valid (RFC 3501 §3, RFC 9051 §3).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum State {
    /// Before LOGIN or AUTHENTICATE succeeded.
    NotAuthenticated,
    /// Logged in, no mailbox selected.
    Authenticated,
    /// Logged in with a mailbox selected.
    Selected,
    /// Valid in every state.
    Any,
}

impl State {
    /// The name used in the data files and in the explainer's text.
    pub fn as_str(self) -> &'static str {
        match self {
            State::NotAuthenticated => "not-authenticated",
            State::Authenticated => "authenticated",
            State::Selected => "selected",
            State::Any => "any",
        }
    }
}

/// What IMAP4rev2 did to something IMAP4rev1 had, in the words of RFC 9051 Appendix E:
/// one vocabulary for the whole knowledge base, so "removed" never stands for
/// "deprecated".
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub(crate) enum Rev2 {
    /// Still in the protocol, but IMAP4rev2 clients should not rely on it (\Recent,
    /// LSUB, the UNSEEN code, RFC822 items...).
    Deprecated,
    /// Gone from IMAP4rev2 (only CHECK).
    Removed,
}

impl Rev2 {
    /// The template key of the note the explainer shows on the line.
    pub(crate) fn note_key(self) -> &'static str {
        match self {
            Rev2::Deprecated => "revision.deprecated",
            Rev2::Removed => "revision.removed",
        }
    }
}

/// One explained name. See the comment at the top of any data file for the schema.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Entry {
    /// The name exactly as in `grammar::vocabulary` (or the concept's id).
    pub name: String,
    /// One plain-language line, at most 90 characters.
    pub summary: String,
    /// Two to six sentences for a learner.
    pub details: String,
    /// References: `RFC 3501 §6.2.3`, checked against the RFC text when it is kept in
    /// `rfc/`; a bare `RFC 3502` for one that is not.
    pub rfc: Vec<String>,
    /// Common mistakes or misconceptions, each one sentence with the fix.
    #[serde(default)]
    pub mistakes: Vec<String>,
    /// Commands only: the states in which the command is valid.
    #[serde(default)]
    pub states: Vec<State>,
    /// Commands only: the shape of the command in ABNF terms.
    #[serde(default)]
    pub syntax: Option<String>,
    /// Commands (and some others): one example line.
    #[serde(default)]
    pub example: Option<String>,
    /// Response codes only: what the code's argument means, if it has one.
    #[serde(default)]
    pub arg: Option<String>,
    /// IMAP4rev1 items that RFC 9051 Appendix E deprecates or removes.
    #[serde(default)]
    pub(crate) imap4rev2: Option<Rev2>,
}

/// An embedded data file that does not parse (the unit tests catch it before a build
/// ships).
#[derive(Debug)]
pub(crate) struct DataError {
    /// The file under `src/knowledge/data/`.
    pub(crate) file: &'static str,
    pub(crate) error: serde_norway::Error,
}

impl std::fmt::Display for DataError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "src/knowledge/data/{}: {}", self.file, self.error)
    }
}

impl std::error::Error for DataError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(&self.error)
    }
}

/// Parses one kind's embedded data file.
fn parse(kind: Kind) -> Result<Vec<Entry>, DataError> {
    let (file, text) = kind.source();
    let mut entries: Vec<Entry> =
        serde_norway::from_str(text).map_err(|error| DataError { file, error })?;
    for entry in &mut entries {
        // Folded scalars (`details: >`) keep a final newline; the explainer wants none.
        let trimmed = entry.details.trim_end();
        if trimmed.len() != entry.details.len() {
            entry.details = trimmed.to_string();
        }
    }
    Ok(entries)
}

fn all() -> &'static [Vec<Entry>] {
    static KB: OnceLock<Vec<Vec<Entry>>> = OnceLock::new();
    KB.get_or_init(|| {
        Kind::ALL
            .iter()
            // The unit test `embedded_data_parses` guarantees this never fails in a build
            // that passed `cargo test`.
            .map(|&kind| parse(kind).unwrap_or_else(|e| panic!("knowledge base: {e}")))
            .collect()
    })
}

/// Every entry of one kind, in file order.
pub fn entries(kind: Kind) -> &'static [Entry] {
    &all()[kind.index()]
}

fn exact(kind: Kind, name: &str) -> Option<&'static Entry> {
    entries(kind)
        .iter()
        .find(|e| e.name.eq_ignore_ascii_case(name))
}

/// Finds the entry for `name`, ignoring ASCII case (`login`, `\SEEN` and `body.peek[]`
/// all match). Some kinds have fallbacks when there is no exact entry:
///
/// * capabilities with a value fall back to their family: `AUTH=CRAM-MD5` finds the
///   `AUTH=` entry, `THREAD=FOO` finds `THREAD=`, and `SORT=FOO` finds `SORT`;
/// * FETCH items with a section or a partial range fall back to the empty-section
///   form: `BODY.PEEK[HEADER.FIELDS (FROM)]<0.100>` finds `BODY.PEEK[]`;
/// * the response `+` finds `CONTINUATION`.
pub fn lookup(kind: Kind, name: &str) -> Option<&'static Entry> {
    let name = name.trim();
    if name.is_empty() {
        return None;
    }
    if let Some(entry) = exact(kind, name) {
        return Some(entry);
    }
    match kind {
        Kind::Capability => {
            let (family, _value) = name.split_once('=')?;
            exact(kind, &name[..family.len() + 1]).or_else(|| exact(kind, family))
        }
        Kind::FetchItem => {
            let open = name.find('[')?;
            exact(kind, &format!("{}[]", &name[..open]))
        }
        Kind::Response if name == "+" => exact(kind, "CONTINUATION"),
        _ => None,
    }
}

#[cfg(test)]
mod tests;
