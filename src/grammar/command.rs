//! Commands: `command = tag SP (command-any / command-auth / command-nonauth / command-select) CRLF`
//! (RFC 9051 §9, RFC 3501 §9), the tolerant front door [`parse_command`], and
//! [`parse_client_line`] for the client lines that are not commands (DONE, SASL responses).
//!
//! The front door parses in stages (tag, space, command name, arguments, end of line)
//! so that a malformed line still yields what was understood, plus a diagnostic a
//! learner can act on. Argument parsers for each command are below, in RFC order;
//! extension commands live in `extensions/`, FETCH items in `fetch.rs` and SEARCH keys
//! in `search.rs`.
//!
//! Parsers take the input from the command name on and stop at the end of the line
//! without consuming it: the front door strips the final CRLF first, and the strict
//! [`command`] parser checks it last. Arguments are read with [`arg`], which names
//! each argument for people ("LOGIN needs a password here") and turns a line that ends
//! too early into a nom `Failure`, so that no enclosing alternative can hide it.

use nom::bytes::complete::take_while1;
use nom::Parser;
use serde::Serialize;

use super::core::{
    as_str, astring, atom, crlf, date_time, flag as core_flag, is_atom_char, is_tag_char, keyword,
    literal, sp, tag_token, Flag, ImapString, StringForm,
};
use super::error::{expect, fail, Diagnostic, GrammarError, PResult, Severity};
use super::extensions::{
    compress, condstore, enable, esearch, id, idle, list_extended, move_, namespace, sasl_ir,
    uidplus, unselect,
};
use super::fetch::{fetch_items, FetchAttribute, FetchItems, EXTENSION_ITEMS, FETCH_ATT_NAMES};
use super::mailbox::{mailbox, Mailbox};
use super::search::{search_program, SearchKey, SEARCH_KEY_NAMES};
use super::sequence::{sequence_set, SequenceSet};

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
        parameters: Vec<String>,
    },
    Examine {
        mailbox: Mailbox,
        parameters: Vec<String>,
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
        selection: Vec<String>,
        returns: Vec<String>,
    },
    Lsub {
        reference: Mailbox,
        pattern: ImapString,
    },
    Namespace,
    Status {
        mailbox: Mailbox,
        items: Vec<String>,
    },
    Append {
        mailbox: Mailbox,
        flags: Vec<Flag>,
        date: Option<String>,
        message: ImapString,
    },
    Idle,
    Enable {
        capabilities: Vec<String>,
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
        returns: Option<Vec<String>>,
        criteria: Vec<SearchKey>,
    },
    Fetch {
        uid: bool,
        set: SequenceSet,
        items: FetchItems,
        modifiers: Vec<String>,
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
    // -- extensions usable in any state
    /// `ID SP ("(" string SP nstring *(SP string SP nstring) ")" / nil)` (RFC 2971)
    Id {
        parameters: Option<Vec<(String, Option<String>)>>,
    },
    Compress {
        mechanism: String,
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
            List { .. } => "LIST",
            Lsub { .. } => "LSUB",
            Namespace => "NAMESPACE",
            Status { .. } => "STATUS",
            Append { .. } => "APPEND",
            Idle => "IDLE",
            Enable { .. } => "ENABLE",
            Check => "CHECK",
            Close => "CLOSE",
            Unselect => "UNSELECT",
            Expunge { .. } => "EXPUNGE",
            Search { .. } => "SEARCH",
            Fetch { .. } => "FETCH",
            Store { .. } => "STORE",
            Copy { .. } => "COPY",
            Move { .. } => "MOVE",
            Id { .. } => "ID",
            Compress { .. } => "COMPRESS",
        }
    }

    /// True for the UID forms (`UID FETCH`, `UID EXPUNGE`, ...).
    pub fn is_uid(&self) -> bool {
        use CommandBody::*;
        match self {
            Expunge { uids } => uids.is_some(),
            Search { uid, .. }
            | Fetch { uid, .. }
            | Store { uid, .. }
            | Copy { uid, .. }
            | Move { uid, .. } => *uid,
            _ => false,
        }
    }

    /// The protocol states in which the command is valid (RFC 9051 §3, §6).
    pub fn valid_in(&self) -> &'static [State] {
        use CommandBody::*;
        use State::{Authenticated, NotAuthenticated, Selected};
        match self {
            Capability | Noop | CommandBody::Logout | Id { .. } | Compress { .. } => {
                &[NotAuthenticated, Authenticated, Selected]
            }
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
            | Enable { .. } => &[Authenticated, Selected],
            Check
            | Close
            | Unselect
            | Expunge { .. }
            | Search { .. }
            | Fetch { .. }
            | Store { .. }
            | Copy { .. }
            | Move { .. } => &[Selected],
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
    pub fn describe(self) -> &'static str {
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

// ---- labels ---------------------------------------------------------------------------

/// What each argument is called in diagnostics: "LOGIN needs *a password* here". Shared
/// with `fetch.rs`, `search.rs` and `extensions/`, so that one thing has one name.
pub mod label {
    pub const SEQUENCE_SET: &str = "a sequence set (message numbers such as 1, 2:4 or 1:*)";
    pub const UID_SET: &str = "a set of UIDs (such as 1, 2:4 or 1:*)";
    pub const MAILBOX: &str = "a mailbox name";
    pub const COPY_TO: &str = "the name of the mailbox to copy to";
    pub const MOVE_TO: &str = "the name of the mailbox to move to";
    pub const RENAME_FROM: &str = "the name of the mailbox to rename";
    pub const RENAME_TO: &str = "the new mailbox name";
    pub const USER: &str = "a user name";
    pub const PASSWORD: &str = "a password";
    pub const MECHANISM: &str = "a SASL mechanism name such as PLAIN";
    pub const INITIAL_RESPONSE: &str = "an initial response in base64, or = for an empty one";
    pub const FETCH_ITEMS: &str = "the data items to fetch";
    pub const FETCH_ATT: &str =
        "a FETCH data item (FLAGS, ENVELOPE, UID, BODY[], BODY.PEEK[HEADER], ...)";
    pub const FETCH_MODIFIER: &str = "a FETCH modifier such as CHANGEDSINCE 12345";
    pub const STORE_ITEM: &str = "FLAGS, +FLAGS or -FLAGS (optionally with .SILENT)";
    pub const STORE_FLAGS: &str = "the flags to store, such as (\\Seen) or \\Seen";
    pub const STORE_MODIFIER: &str =
        "UNCHANGEDSINCE and a mod-sequence, the STORE modifier of CONDSTORE";
    pub const FLAG: &str = "a flag such as \\Seen or $Forwarded";
    pub const DATE_TIME: &str = "a date-time such as \"07-Feb-1994 21:52:25 -0800\"";
    pub const CRITERIA: &str = "the search criteria (such as ALL, UNSEEN or FROM \"Smith\")";
    pub const SEARCH_KEY: &str =
        "a search key (ALL, UNSEEN, FROM \"x\", SINCE 1-Feb-2024, 1:5, ...)";
    pub const SEARCH_RETURN: &str = "the RETURN options in parentheses, such as (MIN COUNT)";
    pub const SEARCH_RETURN_OPT: &str = "a RETURN option (MIN, MAX, ALL, COUNT or SAVE)";
    pub const CHARSET: &str = "a charset name such as UTF-8";
    pub const STATUS_ITEMS: &str =
        "the status items to ask for, in parentheses, such as (MESSAGES UNSEEN)";
    pub const STATUS_ATT: &str =
        "a status item (MESSAGES, UIDNEXT, UIDVALIDITY, UNSEEN, DELETED, SIZE, ...)";
    pub const MESSAGE: &str = "the message, as a literal: {size} and then the message's bytes";
    pub const SELECT_PARAM: &str = "a SELECT parameter such as CONDSTORE";
    pub const LIST_REFERENCE: &str = "a reference name (usually \"\")";
    pub const LIST_PATTERN: &str = "a mailbox name or pattern (such as * or %)";
    pub const LIST_SELECT_OPT: &str =
        "a LIST selection option (SUBSCRIBED, REMOTE, RECURSIVEMATCH, SPECIAL-USE, ...)";
    pub const LIST_RETURN: &str = "the RETURN options in parentheses, such as (CHILDREN)";
    pub const LIST_RETURN_OPT: &str =
        "a LIST return option (SUBSCRIBED, CHILDREN, STATUS (...), SPECIAL-USE, ...)";
    pub const CAPABILITY: &str = "a capability to enable, such as CONDSTORE";
    pub const ID_PARAMS: &str =
        "a list of field and value strings such as (\"name\" \"my-client\"), or NIL";
    pub const ALGORITHM: &str = "DEFLATE, the only compression algorithm";
    pub const UID_COMMAND: &str = "COPY, MOVE, FETCH, SEARCH, STORE or EXPUNGE after UID";
    pub const MODSEQ: &str = "a mod-sequence number";
    pub const DATE: &str = "a date such as 1-Feb-2024";
    pub const EXT_VALUE: &str = "a value: a number, a sequence set or a parenthesised list";
}

/// The words a learner can choose from where a label applies, for "did you mean".
fn choices(expected: &str) -> Option<&'static [&'static str]> {
    const STORE_CHOICES: &[&str] = &[
        "FLAGS",
        "+FLAGS",
        "-FLAGS",
        "FLAGS.SILENT",
        "+FLAGS.SILENT",
        "-FLAGS.SILENT",
    ];
    match expected {
        label::FETCH_ATT | label::FETCH_ITEMS => Some(super::fetch::FETCH_NAMES),
        label::STORE_ITEM => Some(STORE_CHOICES),
        label::SEARCH_KEY | label::CRITERIA => Some(SEARCH_KEY_NAMES),
        label::STATUS_ATT | label::STATUS_ITEMS => Some(STATUS_ATT_NAMES),
        label::UID_COMMAND => Some(UID_COMMANDS),
        _ => None,
    }
}

// ---- argument helpers -----------------------------------------------------------------

/// True where the command line ends. The front door strips the final CRLF, so there it
/// is the end of the input; the strict [`command`] parser still sees the CRLF.
pub fn at_eol(input: &[u8]) -> bool {
    input.is_empty() || input.starts_with(b"\r\n")
}

/// A missing argument: a nom `Failure`, so that no enclosing alternative or option hides it.
pub fn missing<'a, O>(input: &'a [u8], what: &'static str) -> PResult<'a, O> {
    Err(nom::Err::Failure(GrammarError {
        input,
        expected: what,
        rule: None,
    }))
}

/// `SP argument`, where `what` names the argument for people. A failure at the very start
/// of the argument is reported as `what`; a failure deeper inside keeps its own label.
pub fn arg<'a, O>(
    what: &'static str,
    mut parser: impl FnMut(&'a [u8]) -> PResult<'a, O>,
) -> impl FnMut(&'a [u8]) -> PResult<'a, O> {
    move |input: &'a [u8]| {
        let rest = match input.first() {
            Some(b' ') => &input[1..],
            _ if at_eol(input) => return missing(input, what),
            Some(b')') => return fail(input, what),
            _ => return fail(input, "a space"),
        };
        if at_eol(rest) {
            return missing(rest, what);
        }
        match parser(rest) {
            Err(nom::Err::Error(e)) if e.input.len() == rest.len() => {
                Err(nom::Err::Error(GrammarError {
                    input: rest,
                    expected: what,
                    rule: e.rule,
                }))
            }
            other => other,
        }
    }
}

/// `"(" [item *(SP item)] ")"` (or `1*` when `min` is 1), committed after each SP: an
/// error inside the list is reported at the bad item, with the item parser's own label,
/// where nom's `separated_list0` would backtrack and blame the closing parenthesis instead.
pub fn list<'a, O>(
    min: usize,
    item_label: &'static str,
    mut item: impl FnMut(&'a [u8]) -> PResult<'a, O>,
) -> impl FnMut(&'a [u8]) -> PResult<'a, Vec<O>> {
    move |input: &'a [u8]| {
        if input.first() != Some(&b'(') {
            return fail(input, "(");
        }
        let mut rest = &input[1..];
        let mut out = Vec::new();
        if rest.first() == Some(&b')') {
            if out.len() < min {
                return fail(rest, item_label);
            }
            return Ok((&rest[1..], out));
        }
        loop {
            if at_eol(rest) {
                return fail(rest, item_label);
            }
            let (after, value) = item(rest)?;
            out.push(value);
            match after.first() {
                Some(b')') => return Ok((&after[1..], out)),
                Some(b' ') => rest = &after[1..],
                _ => return fail(after, "a space, or ) to close the list"),
            }
        }
    }
}

/// `*(SP item)` after a first item, committed after each SP like [`list`]. It stops before
/// a doubled or trailing space, which the front door then reports by name.
pub fn more<'a, O>(
    mut input: &'a [u8],
    out: &mut Vec<O>,
    mut item: impl FnMut(&'a [u8]) -> PResult<'a, O>,
) -> PResult<'a, ()> {
    while input.first() == Some(&b' ') && !at_eol(&input[1..]) && input.get(1) != Some(&b' ') {
        let (rest, value) = item(&input[1..])?;
        out.push(value);
        input = rest;
    }
    Ok((input, ()))
}

/// A keyword-like word: letters, digits, `.`, `-` and `_` (`BODY.PEEK`, `X-GM-LABELS`).
pub fn word(input: &[u8]) -> PResult<'_, &[u8]> {
    take_while1(|b: u8| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b'_')).parse(input)
}

/// True if `input` starts with the keyword `name` (any case) as a whole word.
pub fn starts_with_word(input: &[u8], name: &str) -> bool {
    input.len() >= name.len()
        && input[..name.len()].eq_ignore_ascii_case(name.as_bytes())
        && matches!(
            input.get(name.len()),
            None | Some(b' ' | b')' | b'(' | b'\r')
        )
}

/// Runs `parser`; where it fails with one of nom's generic labels ("something else"),
/// reports `what` at the start instead, which tells a learner more.
fn clarify<'a, O>(
    what: &'static str,
    mut parser: impl FnMut(&'a [u8]) -> PResult<'a, O>,
) -> impl FnMut(&'a [u8]) -> PResult<'a, O> {
    move |input: &'a [u8]| match parser(input) {
        Err(nom::Err::Error(e)) if matches!(e.expected, "something else" | "a keyword") => {
            fail(input, what)
        }
        other => other,
    }
}

/// Edit distance, ignoring case: how many one-letter insertions, deletions, changes or
/// swaps of neighbours turn `a` into `b` (optimal string alignment). Swaps count once
/// because `FECTH` is one slip of the fingers, not two.
pub fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<u8> = a.bytes().map(|c| c.to_ascii_uppercase()).collect();
    let b: Vec<u8> = b.bytes().map(|c| c.to_ascii_uppercase()).collect();
    let width = b.len() + 1;
    let mut d = vec![0usize; (a.len() + 1) * width];
    for i in 0..=a.len() {
        for j in 0..=b.len() {
            d[i * width + j] = if i == 0 || j == 0 {
                i + j
            } else {
                let change = d[(i - 1) * width + j - 1] + usize::from(a[i - 1] != b[j - 1]);
                let mut best = change
                    .min(d[(i - 1) * width + j] + 1)
                    .min(d[i * width + j - 1] + 1);
                if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                    best = best.min(d[(i - 2) * width + j - 2] + 1);
                }
                best
            };
        }
    }
    d[a.len() * width + b.len()]
}

/// The candidate closest to `word`, if it is close enough to be a likely typo: at most
/// two edits, and at most a third of the word, so short words do not match everything.
pub fn nearest<'c>(word: &str, candidates: &[&'c str]) -> Option<&'c str> {
    let (best, distance) = candidates
        .iter()
        .map(|c| (*c, edit_distance(word, c)))
        .min_by_key(|&(_, d)| d)?;
    (distance > 0 && distance <= 2 && distance * 3 <= word.len().max(3)).then_some(best)
}

/// Passes a parse result through, marking the command as its UID form.
fn with_uid(result: PResult<'_, CommandBody>) -> PResult<'_, CommandBody> {
    result.map(|(rest, mut body)| {
        match &mut body {
            CommandBody::Search { uid, .. }
            | CommandBody::Fetch { uid, .. }
            | CommandBody::Store { uid, .. }
            | CommandBody::Copy { uid, .. }
            | CommandBody::Move { uid, .. } => *uid = true,
            _ => {}
        }
        (rest, body)
    })
}

// ---- the command table ----------------------------------------------------------------

/// A parser for one command, from its name to the end of its arguments.
type CommandParser = for<'a> fn(&'a [u8]) -> PResult<'a, CommandBody>;

/// What the front door knows about each command.
struct Spec {
    /// The name as the knowledge base lists it.
    name: &'static str,
    /// The ABNF rule, for diagnostics.
    rule: &'static str,
    /// The command's form after the tag, shown when arguments are wrong.
    synopsis: &'static str,
    parse: CommandParser,
    /// The UID form (`UID FETCH ...`), for the six commands that have one.
    uid: Option<CommandParser>,
}

/// The commands that may follow `UID` (RFC 9051 `uid`).
const UID_COMMANDS: &[&str] = &["COPY", "MOVE", "FETCH", "SEARCH", "STORE", "EXPUNGE"];

static SPECS: &[Spec] = &[
    Spec {
        name: "CAPABILITY",
        rule: "command-any",
        synopsis: "CAPABILITY",
        parse: capability,
        uid: None,
    },
    Spec {
        name: "NOOP",
        rule: "command-any",
        synopsis: "NOOP",
        parse: noop,
        uid: None,
    },
    Spec {
        name: "LOGOUT",
        rule: "command-any",
        synopsis: "LOGOUT",
        parse: logout,
        uid: None,
    },
    Spec {
        name: "STARTTLS",
        rule: "command-nonauth",
        synopsis: "STARTTLS",
        parse: starttls,
        uid: None,
    },
    Spec {
        name: "AUTHENTICATE",
        rule: "authenticate",
        synopsis: "AUTHENTICATE <mechanism> [<initial response in base64, or =>]",
        parse: authenticate,
        uid: None,
    },
    Spec {
        name: "LOGIN",
        rule: "login",
        synopsis: "LOGIN <user> <password>",
        parse: login,
        uid: None,
    },
    Spec {
        name: "SELECT",
        rule: "select",
        synopsis: "SELECT <mailbox> [(CONDSTORE)]",
        parse: select,
        uid: None,
    },
    Spec {
        name: "EXAMINE",
        rule: "examine",
        synopsis: "EXAMINE <mailbox> [(CONDSTORE)]",
        parse: examine,
        uid: None,
    },
    Spec {
        name: "CREATE",
        rule: "create",
        synopsis: "CREATE <mailbox>",
        parse: create,
        uid: None,
    },
    Spec {
        name: "DELETE",
        rule: "delete",
        synopsis: "DELETE <mailbox>",
        parse: delete,
        uid: None,
    },
    Spec {
        name: "RENAME",
        rule: "rename",
        synopsis: "RENAME <old name> <new name>",
        parse: rename,
        uid: None,
    },
    Spec {
        name: "SUBSCRIBE",
        rule: "subscribe",
        synopsis: "SUBSCRIBE <mailbox>",
        parse: subscribe,
        uid: None,
    },
    Spec {
        name: "UNSUBSCRIBE",
        rule: "unsubscribe",
        synopsis: "UNSUBSCRIBE <mailbox>",
        parse: unsubscribe,
        uid: None,
    },
    Spec {
        name: "LIST",
        rule: "list",
        synopsis: "LIST [(<selection options>)] <reference> <pattern> [RETURN (<options>)]",
        parse: list_command,
        uid: None,
    },
    Spec {
        name: "LSUB",
        rule: "lsub",
        synopsis: "LSUB <reference> <pattern>",
        parse: lsub,
        uid: None,
    },
    Spec {
        name: "NAMESPACE",
        rule: "namespace-command",
        synopsis: "NAMESPACE",
        parse: namespace::namespace,
        uid: None,
    },
    Spec {
        name: "STATUS",
        rule: "status",
        synopsis: "STATUS <mailbox> (<items>)",
        parse: status,
        uid: None,
    },
    Spec {
        name: "APPEND",
        rule: "append",
        synopsis: "APPEND <mailbox> [(<flags>)] [\"<date-time>\"] {<size>}",
        parse: append,
        uid: None,
    },
    Spec {
        name: "IDLE",
        rule: "idle",
        synopsis: "IDLE",
        parse: idle::idle,
        uid: None,
    },
    Spec {
        name: "ENABLE",
        rule: "enable",
        synopsis: "ENABLE <capability> [<capability> ...]",
        parse: enable::enable,
        uid: None,
    },
    Spec {
        name: "CHECK",
        rule: "command-select",
        synopsis: "CHECK",
        parse: check,
        uid: None,
    },
    Spec {
        name: "CLOSE",
        rule: "command-select",
        synopsis: "CLOSE",
        parse: close,
        uid: None,
    },
    Spec {
        name: "UNSELECT",
        rule: "command-select",
        synopsis: "UNSELECT",
        parse: unselect::unselect,
        uid: None,
    },
    Spec {
        name: "EXPUNGE",
        rule: "command-select",
        synopsis: "EXPUNGE",
        parse: expunge,
        uid: Some(uidplus::uid_expunge),
    },
    Spec {
        name: "SEARCH",
        rule: "search",
        synopsis: "SEARCH [RETURN (<options>)] [CHARSET <charset>] <criteria>",
        parse: search,
        uid: Some(uid_search),
    },
    Spec {
        name: "FETCH",
        rule: "fetch",
        synopsis: "FETCH <sequence set> <items> [(CHANGEDSINCE <mod-sequence>)]",
        parse: fetch,
        uid: Some(uid_fetch),
    },
    Spec {
        name: "STORE",
        rule: "store",
        synopsis:
            "STORE <sequence set> [(UNCHANGEDSINCE <mod-sequence>)] [+|-]FLAGS[.SILENT] (<flags>)",
        parse: store,
        uid: Some(uid_store),
    },
    Spec {
        name: "COPY",
        rule: "copy",
        synopsis: "COPY <sequence set> <mailbox>",
        parse: copy,
        uid: Some(uid_copy),
    },
    Spec {
        name: "MOVE",
        rule: "move",
        synopsis: "MOVE <sequence set> <mailbox>",
        parse: move_::move_,
        uid: Some(uid_move),
    },
    Spec {
        name: "UID",
        rule: "uid",
        synopsis: "UID COPY|MOVE|FETCH|SEARCH|STORE|EXPUNGE <arguments>",
        parse: uid,
        uid: None,
    },
    Spec {
        name: "ID",
        rule: "id",
        synopsis: "ID (\"<field>\" \"<value>\" ...) or ID NIL",
        parse: id::id,
        uid: None,
    },
    Spec {
        name: "COMPRESS",
        rule: "compress",
        synopsis: "COMPRESS DEFLATE",
        parse: compress::compress,
        uid: None,
    },
];

/// The command called `name` (any case).
fn spec(name: &[u8]) -> Option<&'static Spec> {
    SPECS
        .iter()
        .find(|s| s.name.as_bytes().eq_ignore_ascii_case(name))
}

/// Every command name the grammar parses (for the knowledge base's coverage test).
pub fn command_names() -> impl Iterator<Item = &'static str> {
    SPECS.iter().map(|s| s.name)
}

// ---- the strict grammar ---------------------------------------------------------------

/// `command = tag SP (command-any / command-auth / command-nonauth / command-select) CRLF`
///
/// The strict parser: no diagnostics, the CRLF required. Learners' lines go through
/// [`parse_command`] instead.
pub fn command(input: &[u8]) -> PResult<'_, Command> {
    let (rest, tag) = tag_token(input)?;
    let (rest, _) = sp(rest)?;
    let (rest, body) = command_body(rest)?;
    let (rest, _) = crlf(rest)?;
    Ok((
        rest,
        Command {
            tag: tag.to_owned(),
            body,
        },
    ))
}

/// `command-any / command-auth / command-nonauth / command-select`, dispatched on the
/// command's name (read whole, so `LISTX` is not taken for `LIST`).
pub fn command_body(input: &[u8]) -> PResult<'_, CommandBody> {
    let (_, name) = expect("a command name", take_while1(is_atom_char)).parse(input)?;
    match spec(name) {
        Some(s) => (s.parse)(input),
        None => fail(input, "a command name"),
    }
}

/// A command without arguments: its keyword only.
fn bare<'a>(input: &'a [u8], name: &'static str, body: CommandBody) -> PResult<'a, CommandBody> {
    let (rest, _) = keyword(name).parse(input)?;
    Ok((rest, body))
}

/// `command-any = "CAPABILITY" / "LOGOUT" / "NOOP"` — CAPABILITY (RFC 9051 §6.1.1).
pub fn capability(input: &[u8]) -> PResult<'_, CommandBody> {
    bare(input, "CAPABILITY", CommandBody::Capability)
}

/// `command-any = "CAPABILITY" / "LOGOUT" / "NOOP"` — NOOP (RFC 9051 §6.1.2).
pub fn noop(input: &[u8]) -> PResult<'_, CommandBody> {
    bare(input, "NOOP", CommandBody::Noop)
}

/// `command-any = "CAPABILITY" / "LOGOUT" / "NOOP"` — LOGOUT (RFC 9051 §6.1.3).
pub fn logout(input: &[u8]) -> PResult<'_, CommandBody> {
    bare(input, "LOGOUT", CommandBody::Logout)
}

/// `command-nonauth = login / authenticate / "STARTTLS"` — STARTTLS (RFC 9051 §6.2.1).
pub fn starttls(input: &[u8]) -> PResult<'_, CommandBody> {
    bare(input, "STARTTLS", CommandBody::StartTls)
}

/// `authenticate = "AUTHENTICATE" SP auth-type [SP initial-resp] *(CRLF base64)`; `auth-type = atom`
/// (RFC 9051 §6.2.2; the initial response is RFC 4959 SASL-IR). The `*(CRLF base64)`
/// lines answer the server's challenges; they are messages of their own, read with
/// [`parse_client_line`].
pub fn authenticate(input: &[u8]) -> PResult<'_, CommandBody> {
    let (rest, _) = keyword("AUTHENTICATE").parse(input)?;
    let (rest, mechanism) = arg(label::MECHANISM, atom)(rest)?;
    let (rest, initial_response) =
        if rest.first() == Some(&b' ') && !at_eol(&rest[1..]) && rest[1] != b' ' {
            let (rest, response) = sasl_ir::initial_resp(&rest[1..])?;
            (rest, Some(response.to_owned()))
        } else {
            (rest, None)
        };
    Ok((
        rest,
        CommandBody::Authenticate {
            mechanism: mechanism.to_ascii_uppercase(),
            initial_response,
        },
    ))
}

/// `login = "LOGIN" SP userid SP password`; `userid = astring`; `password = astring` (RFC 9051 §6.2.3)
pub fn login(input: &[u8]) -> PResult<'_, CommandBody> {
    let (rest, _) = keyword("LOGIN").parse(input)?;
    let (rest, user) = arg(label::USER, astring)(rest)?;
    let (rest, password) = arg(label::PASSWORD, astring)(rest)?;
    Ok((rest, CommandBody::Login { user, password }))
}

/// `select = "SELECT" SP mailbox [select-params]` (RFC 9051 §6.3.2; parameters RFC 4466, RFC 7162)
pub fn select(input: &[u8]) -> PResult<'_, CommandBody> {
    let (rest, (mailbox, parameters)) = mailbox_and_params(input, "SELECT")?;
    Ok((
        rest,
        CommandBody::Select {
            mailbox,
            parameters,
        },
    ))
}

/// `examine = "EXAMINE" SP mailbox [select-params]` (RFC 9051 §6.3.3; parameters RFC 4466)
pub fn examine(input: &[u8]) -> PResult<'_, CommandBody> {
    let (rest, (mailbox, parameters)) = mailbox_and_params(input, "EXAMINE")?;
    Ok((
        rest,
        CommandBody::Examine {
            mailbox,
            parameters,
        },
    ))
}

/// `name SP mailbox [select-params]`; `select-params = SP "(" select-param *(SP select-param) ")"`
fn mailbox_and_params<'a>(
    input: &'a [u8],
    name: &'static str,
) -> PResult<'a, (Mailbox, Vec<String>)> {
    let (rest, _) = keyword(name).parse(input)?;
    let (rest, mailbox) = arg(label::MAILBOX, mailbox)(rest)?;
    if rest.starts_with(b" (") {
        let (rest, parameters) = condstore::select_params(&rest[1..])?;
        return Ok((rest, (mailbox, parameters)));
    }
    Ok((rest, (mailbox, Vec::new())))
}

/// `name SP mailbox`, the shape of CREATE, DELETE, SUBSCRIBE and UNSUBSCRIBE.
fn one_mailbox<'a>(input: &'a [u8], name: &'static str) -> PResult<'a, Mailbox> {
    let (rest, _) = keyword(name).parse(input)?;
    arg(label::MAILBOX, mailbox)(rest)
}

/// `create = "CREATE" SP mailbox [create-params]` (RFC 9051 §6.3.4; parameters RFC 4466,
/// such as RFC 6154's `(USE (\Drafts))`). [`CommandBody::Create`] has no room for the
/// parameters: [`create_params`] reads them, and the front door notes that they are not modelled.
pub fn create(input: &[u8]) -> PResult<'_, CommandBody> {
    let (rest, (mailbox, _)) = create_params(input)?;
    Ok((rest, CommandBody::Create { mailbox }))
}

/// The mailbox and the parameters of a CREATE command.
pub fn create_params(input: &[u8]) -> PResult<'_, (Mailbox, Vec<String>)> {
    let (rest, mailbox) = one_mailbox(input, "CREATE")?;
    if rest.starts_with(b" (") {
        let (rest, parameters) = super::extensions::ext_params(&rest[1..])?;
        return Ok((rest, (mailbox, parameters)));
    }
    Ok((rest, (mailbox, Vec::new())))
}

/// `delete = "DELETE" SP mailbox` (RFC 9051 §6.3.5)
pub fn delete(input: &[u8]) -> PResult<'_, CommandBody> {
    let (rest, mailbox) = one_mailbox(input, "DELETE")?;
    Ok((rest, CommandBody::Delete { mailbox }))
}

/// `rename = "RENAME" SP mailbox SP mailbox` (RFC 9051 §6.3.6)
pub fn rename(input: &[u8]) -> PResult<'_, CommandBody> {
    let (rest, _) = keyword("RENAME").parse(input)?;
    let (rest, from) = arg(label::RENAME_FROM, mailbox)(rest)?;
    let (rest, to) = arg(label::RENAME_TO, mailbox)(rest)?;
    Ok((rest, CommandBody::Rename { from, to }))
}

/// `subscribe = "SUBSCRIBE" SP mailbox` (RFC 9051 §6.3.7)
pub fn subscribe(input: &[u8]) -> PResult<'_, CommandBody> {
    let (rest, mailbox) = one_mailbox(input, "SUBSCRIBE")?;
    Ok((rest, CommandBody::Subscribe { mailbox }))
}

/// `unsubscribe = "UNSUBSCRIBE" SP mailbox` (RFC 9051 §6.3.8)
pub fn unsubscribe(input: &[u8]) -> PResult<'_, CommandBody> {
    let (rest, mailbox) = one_mailbox(input, "UNSUBSCRIBE")?;
    Ok((rest, CommandBody::Unsubscribe { mailbox }))
}

/// `list = "LIST" [SP list-select-opts] SP mailbox SP mbox-or-pat [SP list-return-opts]`
/// (RFC 9051 §6.3.9, RFC 5258 LIST-EXTENDED)
pub fn list_command(input: &[u8]) -> PResult<'_, CommandBody> {
    let (rest, _) = keyword("LIST").parse(input)?;
    let (rest, selection) = if rest.starts_with(b" (") {
        list_extended::list_select_opts(&rest[1..])?
    } else {
        (rest, Vec::new())
    };
    let (rest, reference) = arg(label::LIST_REFERENCE, mailbox)(rest)?;
    let (rest, patterns) = arg(label::LIST_PATTERN, list_extended::mbox_or_pat)(rest)?;
    let (rest, returns) = if rest.first() == Some(&b' ') && starts_with_word(&rest[1..], "RETURN") {
        list_extended::list_return_opts(&rest[1..])?
    } else {
        (rest, Vec::new())
    };
    Ok((
        rest,
        CommandBody::List {
            reference,
            patterns,
            selection,
            returns,
        },
    ))
}

/// `lsub = "LSUB" SP mailbox SP list-mailbox` (RFC 3501 §6.3.9; removed in IMAP4rev2)
pub fn lsub(input: &[u8]) -> PResult<'_, CommandBody> {
    let (rest, _) = keyword("LSUB").parse(input)?;
    let (rest, reference) = arg(label::LIST_REFERENCE, mailbox)(rest)?;
    let (rest, pattern) = arg(label::LIST_PATTERN, list_extended::list_mailbox)(rest)?;
    Ok((rest, CommandBody::Lsub { reference, pattern }))
}

/// `status = "STATUS" SP mailbox SP "(" status-att *(SP status-att) ")"` (RFC 9051 §6.3.11)
pub fn status(input: &[u8]) -> PResult<'_, CommandBody> {
    let (rest, _) = keyword("STATUS").parse(input)?;
    let (rest, mailbox) = arg(label::MAILBOX, mailbox)(rest)?;
    let (rest, items) = arg(label::STATUS_ITEMS, status_att_list)(rest)?;
    Ok((rest, CommandBody::Status { mailbox, items }))
}

/// Every status item the tutor knows: RFC 9051 §6.3.11, RFC 3501's RECENT, RFC 7162's
/// HIGHESTMODSEQ, RFC 7889's APPENDLIMIT and RFC 8474's MAILBOXID.
pub const STATUS_ATT_NAMES: &[&str] = &[
    "MESSAGES",
    "RECENT",
    "UIDNEXT",
    "UIDVALIDITY",
    "UNSEEN",
    "DELETED",
    "SIZE",
    "HIGHESTMODSEQ",
    "APPENDLIMIT",
    "MAILBOXID",
];

/// `status-att = "MESSAGES" / "UIDNEXT" / "UIDVALIDITY" / "UNSEEN" / "DELETED" / "SIZE"`
/// (and the extensions' items above), in capitals.
pub fn status_att(input: &[u8]) -> PResult<'_, String> {
    let (rest, name) = expect(label::STATUS_ATT, word).parse(input)?;
    let upper = as_str(name).to_ascii_uppercase();
    if STATUS_ATT_NAMES.contains(&upper.as_str()) {
        Ok((rest, upper))
    } else {
        fail(input, label::STATUS_ATT)
    }
}

/// `"(" status-att *(SP status-att) ")"`
pub fn status_att_list(input: &[u8]) -> PResult<'_, Vec<String>> {
    list(1, label::STATUS_ATT, status_att)(input)
}

/// `append = "APPEND" SP mailbox [SP flag-list] [SP date-time] SP literal` (RFC 9051 §6.3.12).
/// The literal may be synchronizing `{n}`, non-synchronizing `{n+}` (RFC 7888) or binary
/// `~{n}` (RFC 3516).
pub fn append(input: &[u8]) -> PResult<'_, CommandBody> {
    let (rest, _) = keyword("APPEND").parse(input)?;
    let (rest, mailbox) = arg(label::MAILBOX, mailbox)(rest)?;
    let (rest, flags) = if rest.starts_with(b" (") {
        flag_list(&rest[1..])?
    } else {
        (rest, Vec::new())
    };
    // A quoted string here can only be the date-time; a quoted message is an error the
    // literal's label explains better, so commit only to something that starts like a date.
    let (rest, date) = if rest.starts_with(b" \"")
        && rest
            .get(2)
            .is_some_and(|b| *b == b' ' || b.is_ascii_digit())
    {
        let (rest, date) = clarify(label::DATE_TIME, date_time)(&rest[1..])?;
        (rest, Some(date))
    } else {
        (rest, None)
    };
    let (rest, message) = arg(label::MESSAGE, literal)(rest)?;
    Ok((
        rest,
        CommandBody::Append {
            mailbox,
            flags,
            date,
            message,
        },
    ))
}

/// `flag-list = "(" [flag *(SP flag)] ")"`, committed after each SP (see [`list`]).
pub fn flag_list(input: &[u8]) -> PResult<'_, Vec<Flag>> {
    list(0, label::FLAG, flag)(input)
}

/// `flag = "\Answered" / "\Flagged" / "\Deleted" / "\Seen" / "\Draft" / flag-keyword / flag-extension`.
/// Unlike a response's `flag-perm`, a client may not send `\*`.
pub fn flag(input: &[u8]) -> PResult<'_, Flag> {
    let (rest, flag) = expect(label::FLAG, core_flag).parse(input)?;
    if flag.0 == "\\*" {
        return fail(
            input,
            "a flag (\\* only appears in PERMANENTFLAGS, it cannot be set)",
        );
    }
    Ok((rest, flag))
}

/// `command-select = "CHECK" / ...` — CHECK (RFC 3501 §6.4.1; removed in IMAP4rev2).
pub fn check(input: &[u8]) -> PResult<'_, CommandBody> {
    bare(input, "CHECK", CommandBody::Check)
}

/// `command-select = "CLOSE" / ...` — CLOSE (RFC 9051 §6.4.1).
pub fn close(input: &[u8]) -> PResult<'_, CommandBody> {
    bare(input, "CLOSE", CommandBody::Close)
}

/// `command-select = "EXPUNGE" / ...` — EXPUNGE (RFC 9051 §6.4.3). `UID EXPUNGE` is in `extensions/uidplus.rs`.
pub fn expunge(input: &[u8]) -> PResult<'_, CommandBody> {
    bare(input, "EXPUNGE", CommandBody::Expunge { uids: None })
}

/// `search = "SEARCH" [search-return-opts] SP search-program` (RFC 9051 §6.4.4;
/// RETURN is RFC 4731 ESEARCH, SAVE is RFC 5182 SEARCHRES)
pub fn search(input: &[u8]) -> PResult<'_, CommandBody> {
    let (rest, _) = keyword("SEARCH").parse(input)?;
    let (rest, returns) = if rest.first() == Some(&b' ') && starts_with_word(&rest[1..], "RETURN") {
        let (rest, options) = esearch::search_return_opts(&rest[1..])?;
        (rest, Some(options))
    } else {
        (rest, None)
    };
    let (rest, (charset, criteria)) = arg(label::CRITERIA, search_program)(rest)?;
    Ok((
        rest,
        CommandBody::Search {
            uid: false,
            charset,
            returns,
            criteria,
        },
    ))
}

/// `fetch = "FETCH" SP sequence-set SP ("ALL" / "FULL" / "FAST" / fetch-att / "(" fetch-att *(SP fetch-att) ")")
///  [fetch-modifiers]` (RFC 9051 §6.4.5; modifiers RFC 4466 and RFC 7162)
pub fn fetch(input: &[u8]) -> PResult<'_, CommandBody> {
    let (rest, _) = keyword("FETCH").parse(input)?;
    let (rest, set) = arg(label::SEQUENCE_SET, sequence_set)(rest)?;
    let (rest, items) = arg(label::FETCH_ITEMS, fetch_items)(rest)?;
    let (rest, modifiers) = if rest.starts_with(b" (") {
        condstore::fetch_modifiers(&rest[1..])?
    } else {
        (rest, Vec::new())
    };
    Ok((
        rest,
        CommandBody::Fetch {
            uid: false,
            set,
            items,
            modifiers,
        },
    ))
}

/// `store = "STORE" SP sequence-set [store-modifiers] SP store-att-flags`
/// (RFC 9051 §6.4.6; modifiers RFC 4466, UNCHANGEDSINCE RFC 7162)
pub fn store(input: &[u8]) -> PResult<'_, CommandBody> {
    let (rest, _) = keyword("STORE").parse(input)?;
    let (rest, set) = arg(label::SEQUENCE_SET, sequence_set)(rest)?;
    let (rest, unchanged_since) = if rest.starts_with(b" (") {
        let (rest, n) = condstore::store_modifiers(&rest[1..])?;
        (rest, Some(n))
    } else {
        (rest, None)
    };
    let (rest, mut action) = arg(label::STORE_ITEM, store_att_flags)(rest)?;
    action.unchanged_since = unchanged_since;
    Ok((
        rest,
        CommandBody::Store {
            uid: false,
            set,
            action,
        },
    ))
}

/// `store-att-flags = (["+" / "-"] "FLAGS" [".SILENT"]) SP (flag-list / (flag *(SP flag)))`
///
/// The item is read as one word and then matched, so `+FLAG` is reported where it starts.
pub fn store_att_flags(input: &[u8]) -> PResult<'_, StoreAction> {
    let item = take_while1(|b: u8| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'-' | b'.'));
    let (rest, item) = expect(label::STORE_ITEM, item).parse(input)?;
    let upper = as_str(item).to_ascii_uppercase();
    let (mode, name) = match upper.as_bytes().first() {
        Some(b'+') => (StoreMode::Add, &upper[1..]),
        Some(b'-') => (StoreMode::Remove, &upper[1..]),
        _ => (StoreMode::Replace, upper.as_str()),
    };
    let silent = match name {
        "FLAGS" => false,
        "FLAGS.SILENT" => true,
        _ => return fail(input, label::STORE_ITEM),
    };
    let (rest, flags) = arg(label::STORE_FLAGS, store_flags)(rest)?;
    Ok((
        rest,
        StoreAction {
            mode,
            silent,
            flags,
            unchanged_since: None,
        },
    ))
}

/// `flag-list / (flag *(SP flag))`
fn store_flags(input: &[u8]) -> PResult<'_, Vec<Flag>> {
    if input.first() == Some(&b'(') {
        return flag_list(input);
    }
    let (rest, first) = flag(input)?;
    let mut flags = vec![first];
    let (rest, ()) = more(rest, &mut flags, flag)?;
    Ok((rest, flags))
}

/// `copy = "COPY" SP sequence-set SP mailbox` (RFC 9051 §6.4.7)
pub fn copy(input: &[u8]) -> PResult<'_, CommandBody> {
    let (rest, _) = keyword("COPY").parse(input)?;
    let (rest, set) = arg(label::SEQUENCE_SET, sequence_set)(rest)?;
    let (rest, mailbox) = arg(label::COPY_TO, mailbox)(rest)?;
    Ok((
        rest,
        CommandBody::Copy {
            uid: false,
            set,
            mailbox,
        },
    ))
}

/// `uid = "UID" SP (copy / move / fetch / search / store / uid-expunge)` (RFC 9051 §6.4.9)
pub fn uid(input: &[u8]) -> PResult<'_, CommandBody> {
    let (rest, _) = keyword("UID").parse(input)?;
    arg(label::UID_COMMAND, uid_command)(rest)
}

/// The command after `UID`, read whole and dispatched.
fn uid_command(input: &[u8]) -> PResult<'_, CommandBody> {
    let (_, name) = expect(label::UID_COMMAND, word).parse(input)?;
    match spec(name).and_then(|s| s.uid) {
        Some(parse) => parse(input),
        None => fail(input, label::UID_COMMAND),
    }
}

/// `uid = "UID" SP search`: the UID form of SEARCH, from the command name.
fn uid_search(input: &[u8]) -> PResult<'_, CommandBody> {
    with_uid(search(input))
}

/// `uid = "UID" SP fetch`: the UID form of FETCH, from the command name.
fn uid_fetch(input: &[u8]) -> PResult<'_, CommandBody> {
    with_uid(fetch(input))
}

/// `uid = "UID" SP store`: the UID form of STORE, from the command name.
fn uid_store(input: &[u8]) -> PResult<'_, CommandBody> {
    with_uid(store(input))
}

/// `uid = "UID" SP copy`: the UID form of COPY, from the command name.
fn uid_copy(input: &[u8]) -> PResult<'_, CommandBody> {
    with_uid(copy(input))
}

/// `uid = "UID" SP move`: the UID form of MOVE, from the command name.
fn uid_move(input: &[u8]) -> PResult<'_, CommandBody> {
    with_uid(move_::move_(input))
}

// ---- the tolerant front door ------------------------------------------------------------

/// Parses one client message (a [`crate::wire::Message`]'s grammar text), tolerantly.
///
/// Stages: tag, SP, command name, arguments, end of line. A stage that fails adds a
/// [`Diagnostic`]; where the intent is clear (a missing tag, a missing space after the
/// tag) the front door carries on as if the line were repaired, so that later mistakes
/// on the same line are reported too, and each suggestion includes the earlier repairs.
///
/// `command` is set only when the line follows the grammar (no Error diagnostic);
/// otherwise `tag`, `name` and `uid` say what was understood. Experimental `X` commands
/// are valid but not modelled: they leave `command` unset with a note. The final CRLF
/// may be missing, for lines typed in tests and the lesson REPL.
pub fn parse_command(text: &[u8]) -> ParsedCommand {
    let mut door = FrontDoor::new(text);
    door.run();
    door.out
}

/// What `core::quoted` reports for an unterminated string and a bad escape, and what
/// `core::literal` reports for a short literal: the front door turns these into their
/// own diagnostics.
const UNCLOSED_QUOTE: &str = "a closing double quote";
const BAD_ESCAPE: &str = "\\\" or \\\\ after a backslash in a quoted string";
const SHORT_LITERAL: &str = "as many bytes as the literal announced";

/// Words from other protocols that learners type at an IMAP server, with the IMAP command
/// to use instead (if there is one) and why.
const CONFUSIONS: &[(&str, Option<&str>, &str)] = &[
    ("HELO", Some("CAPABILITY"), "HELO is SMTP's greeting. An IMAP server speaks first, so there is nothing to greet; CAPABILITY asks what the server supports."),
    ("EHLO", Some("CAPABILITY"), "EHLO is SMTP's greeting. An IMAP server speaks first, so there is nothing to greet; CAPABILITY asks what the server supports."),
    ("HELLO", Some("CAPABILITY"), "IMAP has no greeting command: the server greets first. CAPABILITY asks what it supports."),
    ("HELP", Some("CAPABILITY"), "IMAP has no HELP command; CAPABILITY lists what the server supports."),
    ("USER", Some("LOGIN"), "USER is POP3. IMAP sends the user name and the password in one command: LOGIN <user> <password>."),
    ("PASS", Some("LOGIN"), "PASS is POP3. IMAP sends the user name and the password in one command: LOGIN <user> <password>."),
    ("AUTH", Some("AUTHENTICATE"), "AUTH is the SMTP and POP3 spelling; IMAP's command is AUTHENTICATE <mechanism>."),
    ("QUIT", Some("LOGOUT"), "QUIT is POP3 and SMTP; IMAP ends a session with LOGOUT."),
    ("EXIT", Some("LOGOUT"), "IMAP ends a session with LOGOUT."),
    ("BYE", Some("LOGOUT"), "BYE is what a server says when it closes the connection; the client's command is LOGOUT."),
    ("RETR", Some("FETCH"), "RETR is POP3. IMAP reads messages with FETCH, such as FETCH 1 BODY[]."),
    ("TOP", Some("FETCH"), "TOP is POP3. IMAP reads headers with FETCH, such as FETCH 1 BODY.PEEK[HEADER]."),
    ("DELE", Some("STORE"), "DELE is POP3. IMAP marks a message with STORE 1 +FLAGS (\\Deleted) and removes marked messages with EXPUNGE."),
    ("STAT", Some("STATUS"), "STAT is POP3. IMAP's STATUS asks about a mailbox: STATUS INBOX (MESSAGES UNSEEN)."),
    ("MAIL", None, "MAIL is SMTP. IMAP reads and files mail; sending is SMTP's job. To store a message in a mailbox, use APPEND."),
    ("RCPT", None, "RCPT is SMTP. IMAP reads and files mail; sending is SMTP's job."),
    ("DATA", None, "DATA is SMTP. IMAP reads and files mail; sending is SMTP's job. To store a message in a mailbox, use APPEND."),
];

/// Extension commands the tutor recognises by name but does not parse, with the
/// extension that defines them: valid when the server announces that extension.
const UNMODELLED: &[(&str, &str)] = &[
    ("SORT", "SORT (RFC 5256)"),
    ("THREAD", "THREAD (RFC 5256)"),
    ("GETMETADATA", "METADATA (RFC 5464)"),
    ("SETMETADATA", "METADATA (RFC 5464)"),
    ("GETQUOTA", "QUOTA (RFC 9208)"),
    ("GETQUOTAROOT", "QUOTA (RFC 9208)"),
    ("SETQUOTA", "QUOTA (RFC 9208)"),
    ("GETACL", "ACL (RFC 4314)"),
    ("SETACL", "ACL (RFC 4314)"),
    ("DELETEACL", "ACL (RFC 4314)"),
    ("LISTRIGHTS", "ACL (RFC 4314)"),
    ("MYRIGHTS", "ACL (RFC 4314)"),
    ("NOTIFY", "NOTIFY (RFC 5465)"),
    ("ESEARCH", "MULTISEARCH (RFC 7377)"),
    ("REPLACE", "REPLACE (RFC 8508)"),
    ("URLFETCH", "URLAUTH (RFC 4467)"),
    ("GENURLAUTH", "URLAUTH (RFC 4467)"),
    ("RESETKEY", "URLAUTH (RFC 4467)"),
    ("CANCELUPDATE", "CONTEXT (RFC 5267)"),
];

/// The leading atom characters of `input`: a tag or a command name as typed.
fn atom_prefix(input: &[u8]) -> &[u8] {
    let n = input.iter().take_while(|&&b| is_atom_char(b)).count();
    &input[..n]
}

/// The longest command name that ends `tag` after a non-empty prefix (`c1LOGIN`).
fn command_suffix(tag: &[u8]) -> Option<(usize, &'static Spec)> {
    SPECS
        .iter()
        .filter(|s| {
            tag.len() > s.name.len()
                && tag[tag.len() - s.name.len()..].eq_ignore_ascii_case(s.name.as_bytes())
        })
        .max_by_key(|s| s.name.len())
        .map(|s| (tag.len() - s.name.len(), s))
}

/// The word at `input` for "did you mean": up to a space, a bracket or the end of the line.
fn near_token(input: &[u8]) -> &[u8] {
    let n = input
        .iter()
        .position(|&b| matches!(b, b' ' | b'\r' | b'\n' | b'(' | b')' | b'[' | b'<'))
        .unwrap_or(input.len());
    &input[..n]
}

/// What was found at `input`, for messages: the token in backquotes, or a name for an
/// invisible character.
fn describe_found(input: &[u8]) -> String {
    match input.first() {
        None => "the end of the line".into(),
        Some(b'\t') => "a tab".into(),
        Some(b'\r' | b'\n') => "the end of the line".into(),
        Some(&b) if b < 0x20 || b == 0x7f => format!("the control character 0x{b:02X}"),
        Some(_) => {
            let n = input
                .iter()
                .position(|&b| matches!(b, b' ' | b'\r' | b'\n' | b')'))
                .unwrap_or(input.len())
                .max(1);
            format!("`{}`", shorten(&input[..n]))
        }
    }
}

/// Text for a message: lossy UTF-8, cut at 40 characters.
fn shorten(bytes: &[u8]) -> String {
    let text = String::from_utf8_lossy(bytes);
    let mut chars = text.chars();
    let mut out: String = chars.by_ref().take(40).collect();
    if chars.next().is_some() {
        out.push('…');
    }
    out.replace('\r', "\\r").replace('\n', "\\n")
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// A literal announcement in the message: `{12}`, `{12+}`, `~{12}`.
#[derive(Debug, Clone, Copy)]
struct LiteralAt {
    /// Offset of `{` (or of `~`).
    start: usize,
    /// Offset and length of the digits.
    digits: (usize, usize),
    size: u64,
    minus: bool,
}

/// The literal announcement that ends exactly at `end` (just before a CRLF), if any.
fn literal_ending_at(body: &[u8], end: usize) -> Option<LiteralAt> {
    let head = &body[..end];
    let head = head.strip_suffix(b"}")?;
    let (head, marker) = match head.last() {
        Some(&c @ (b'+' | b'-')) => (&head[..head.len() - 1], Some(c)),
        _ => (head, None),
    };
    let digits = head.iter().rev().take_while(|b| b.is_ascii_digit()).count();
    let brace = head.len().checked_sub(digits + 1)?;
    if digits == 0 || digits > 19 || head[brace] != b'{' {
        return None;
    }
    let size = as_str(&head[brace + 1..]).parse().ok()?;
    let start = if brace > 0 && body[brace - 1] == b'~' {
        brace - 1
    } else {
        brace
    };
    Some(LiteralAt {
        start,
        digits: (brace + 1, digits),
        size,
        minus: marker == Some(b'-'),
    })
}

/// The literals of a message, found the way the framer finds them: a line ending in an
/// announcement is followed by exactly that many bytes, then the line goes on.
fn literals_of(body: &[u8]) -> Vec<(LiteralAt, usize)> {
    let mut out = Vec::new();
    let mut pos = 0;
    while let Some(crlf_at) = find(&body[pos..], b"\r\n").map(|i| pos + i) {
        let Some(literal) = literal_ending_at(body, crlf_at) else {
            break;
        };
        let data = crlf_at + 2;
        out.push((literal, data));
        pos = data.saturating_add(usize::try_from(literal.size).unwrap_or(usize::MAX));
        if pos > body.len() {
            break;
        }
    }
    out
}

/// A command found and its arguments' parse.
type Dispatched<'a> = (&'static Spec, PResult<'a, CommandBody>);

/// One pass over one message.
struct FrontDoor<'a> {
    /// The message without its final line ending: the end of `body` is the end of the line.
    body: &'a [u8],
    /// Where the first line ends in `body`. Suggestions rewrite the first line only.
    line_end: usize,
    /// The first line with the repairs made so far (a tag added, a space inserted).
    fixed: Vec<u8>,
    /// How far `fixed` has shifted against `body` at the last repair.
    delta: isize,
    /// The tag for suggestions: as typed, or `a1` when there was none.
    tag_text: String,
    noted_case: bool,
    /// Where the command name starts in `body`, once found: lints point there.
    name_at: usize,
    out: ParsedCommand,
}

impl<'a> FrontDoor<'a> {
    fn new(text: &'a [u8]) -> Self {
        let body = text
            .strip_suffix(b"\r\n")
            .or_else(|| text.strip_suffix(b"\n"))
            .unwrap_or(text);
        let line_end = find(body, b"\r\n").unwrap_or(body.len());
        FrontDoor {
            body,
            line_end,
            fixed: body[..line_end].to_vec(),
            delta: 0,
            tag_text: "a1".into(),
            noted_case: false,
            name_at: 0,
            out: ParsedCommand {
                tag: None,
                name: None,
                uid: false,
                command: None,
                diagnostics: Vec::new(),
            },
        }
    }

    fn offset(&self, rest: &[u8]) -> usize {
        self.body.len() - rest.len()
    }

    fn col(&self, rest: &[u8]) -> usize {
        self.offset(rest) + 1
    }

    fn push(&mut self, diagnostic: Diagnostic) {
        self.out.diagnostics.push(diagnostic);
    }

    fn has_error(&self) -> bool {
        self.out
            .diagnostics
            .iter()
            .any(|d| d.severity == Severity::Error)
    }

    /// The repaired first line with `len` bytes at `at` (an offset in `body`, right of
    /// every repair so far) replaced by `text`: a suggestion. `None` past the first line.
    fn with_replaced(&self, at: usize, len: usize, text: &str) -> Option<String> {
        if at > self.line_end {
            return None;
        }
        let len = len.min(self.line_end - at);
        let start = usize::try_from(at as isize + self.delta)
            .ok()?
            .min(self.fixed.len());
        let mut line = self.fixed.clone();
        line.splice(start..(start + len).min(line.len()), text.bytes());
        Some(String::from_utf8_lossy(&line).into_owned())
    }

    /// Makes a replacement part of the repaired line, for the suggestions that follow.
    fn repair(&mut self, at: usize, len: usize, text: &str) {
        if let Some(line) = self.with_replaced(at, len, text) {
            self.fixed = line.into_bytes();
            self.delta += text.len() as isize - len.min(self.line_end - at) as isize;
        }
    }

    fn fixed_line(&self) -> String {
        String::from_utf8_lossy(&self.fixed).into_owned()
    }

    /// The command's name for messages: `FETCH`, or `UID FETCH`.
    fn display_name(&self, spec: &Spec) -> String {
        if self.out.uid && spec.name != "UID" {
            format!("UID {}", spec.name)
        } else {
            spec.name.to_owned()
        }
    }

    /// "The form is: a1 UID FETCH <UID set> <items>".
    fn form(&self, spec: &Spec) -> String {
        let synopsis = if self.out.uid && spec.name != "UID" {
            match spec.name {
                "EXPUNGE" => "UID EXPUNGE <UID set>".to_owned(),
                _ => format!(
                    "UID {}",
                    spec.synopsis.replace("<sequence set>", "<UID set>")
                ),
            }
        } else {
            spec.synopsis.to_owned()
        };
        format!("The form is: {} {synopsis}", self.tag_text)
    }

    fn run(&mut self) {
        let body = self.body;
        let first_line = &body[..self.line_end];
        if first_line.iter().all(|&b| b == b' ' || b == b'\t') {
            self.push(
                Diagnostic::new(
                    Severity::Error,
                    "empty-line",
                    1,
                    "command",
                    "An empty line is not a command. Every command is a tag, a space and a command name, such as `a1 NOOP`; a server answers an empty line with BAD.",
                )
                .expected("a tag such as a1")
                .suggest("a1 NOOP"),
            );
            return;
        }
        let leading = first_line
            .iter()
            .take_while(|&&b| b == b' ' || b == b'\t')
            .count();
        if leading > 0 {
            let mut d = Diagnostic::new(
                Severity::Error,
                "leading-space",
                1,
                "tag",
                "The line starts with a space. The tag must be the very first thing on the line.",
            )
            .expected("a tag such as a1");
            d.suggestion = self.with_replaced(0, leading, "");
            self.push(d);
            self.repair(0, leading, "");
        }
        let start = &body[leading..];
        let tag_len = start.iter().take_while(|&&b| is_tag_char(b)).count();
        if tag_len == 0 {
            return self.bad_tag_start(start);
        }
        let (tag, after_tag) = start.split_at(tag_len);
        let next = if after_tag.first() == Some(&b' ') {
            atom_prefix(&after_tag[1..])
        } else {
            &[][..]
        };
        let next_is_command = spec(next).is_some();

        // Stage 1: a line that starts with a command name has no tag.
        if let Some(s) = spec(tag).filter(|_| !next_is_command) {
            self.missing_tag(start, tag, next);
            return self.arguments(s, start);
        }
        let tag_str = String::from_utf8_lossy(tag).into_owned();
        if tag.eq_ignore_ascii_case(b"UID")
            && UID_COMMANDS
                .iter()
                .any(|c| c.as_bytes().eq_ignore_ascii_case(next))
        {
            let mut d = Diagnostic::new(
                Severity::Warning,
                "tag-is-command-name",
                self.col(start),
                "tag",
                format!(
                    "`{tag_str}` is read as the tag here, so the server runs a plain {} with sequence numbers. If you meant UID {}, the line has no tag.",
                    shorten(next).to_ascii_uppercase(),
                    shorten(next).to_ascii_uppercase()
                ),
            );
            d.suggestion = self.with_replaced(self.offset(start), 0, "a1 ");
            self.push(d);
        }
        self.tag_text = tag_str.clone();

        // Stage 2: exactly one space after the tag.
        match after_tag.first() {
            Some(b' ') => {}
            _ if at_eol(after_tag) => {
                if let Some((split, s)) = command_suffix(tag) {
                    return self.missing_space(start, tag_len, split, s);
                }
                if tag.eq_ignore_ascii_case(b"DONE") && leading == 0 {
                    let d = Diagnostic::new(
                        Severity::Error,
                        "done-outside-idle",
                        1,
                        "idle",
                        "DONE is not a command: it ends an IDLE (RFC 2177, RFC 9051 §6.3.13), and only while IDLE runs, after the server's `+ idling`. Outside IDLE a server reads DONE as a tag with no command and answers BAD.",
                    )
                    .expected("a tag, a space and a command");
                    return self.push(d);
                }
                self.out.tag = Some(tag_str.clone());
                let mut message = format!("`{tag_str}` is read as a tag, but no command follows it. After the tag come a space and a command name.");
                if tag.len() >= 8 && sasl_ir::check_base64(tag).is_ok() {
                    message.push_str(" (If this line answers an AUTHENTICATE challenge, it is not a command: it is base64 the server reads as the SASL response.)");
                }
                let d = Diagnostic::new(
                    Severity::Error,
                    "missing-command",
                    self.col(after_tag),
                    "command",
                    message,
                )
                .expected("a space and a command name")
                .suggest(format!("{tag_str} NOOP"));
                return self.push(d);
            }
            Some(&c) => {
                self.out.tag = Some(tag_str.clone());
                let at = self.offset(after_tag);
                let message = if c == b'\t' {
                    "A tab follows the tag. IMAP separates the tag and the command with exactly one space.".to_owned()
                } else {
                    format!(
                        "{} cannot be part of a tag: a tag is letters, digits and punctuation except + ( ) {{ % * \" \\ and spaces. A space must follow the tag.",
                        describe_found(after_tag)
                    )
                };
                let mut d = Diagnostic::new(Severity::Error, "bad-tag", at + 1, "tag", message)
                    .expected("a space after the tag");
                d.suggestion = self.with_replaced(at, 1, if c == b'\t' { " " } else { "" });
                return self.push(d);
            }
            None => unreachable!("at_eol covers the end of the input"),
        }
        self.out.tag = Some(tag_str);

        // Stage 3: the command name.
        let mut name_at = &after_tag[1..];
        let spaces = name_at.iter().take_while(|&&b| b == b' ').count();
        if spaces > 0 && !at_eol(&name_at[spaces..]) {
            let mut d = Diagnostic::new(
                Severity::Error,
                "extra-space",
                self.col(name_at),
                "command",
                "Two spaces after the tag. IMAP separates the tag and the command with exactly one space.",
            )
            .expected("a command name");
            d.suggestion = self.with_replaced(self.offset(name_at), spaces, "");
            self.push(d);
            self.repair(self.offset(name_at), spaces, "");
            name_at = &name_at[spaces..];
        }
        let name = atom_prefix(name_at);
        if name.is_empty() {
            let message = if at_eol(name_at) {
                format!(
                    "The line ends after the tag `{}` and its space: a command name must follow.",
                    self.tag_text
                )
            } else {
                format!(
                    "A command name must follow the tag, but this is {}.",
                    describe_found(name_at)
                )
            };
            let d = Diagnostic::new(
                Severity::Error,
                "missing-command",
                self.col(name_at),
                "command",
                message,
            )
            .expected("a command name such as LOGIN, SELECT or FETCH")
            .suggest(format!("{} NOOP", self.tag_text));
            return self.push(d);
        }
        match spec(name) {
            Some(s) => self.arguments(s, name_at),
            None => {
                if let Some((split, s)) = command_suffix(tag) {
                    return self.missing_space(start, tag_len, split, s);
                }
                if let Some((word, extension)) = UNMODELLED
                    .iter()
                    .find(|(w, _)| w.as_bytes().eq_ignore_ascii_case(name))
                {
                    let d = Diagnostic::new(
                        Severity::Note,
                        "unmodelled-extension",
                        self.col(name_at),
                        "command",
                        format!("{word} is a command of the {extension} extension: valid if the server announces it in CAPABILITY, but the tutor does not parse its arguments."),
                    );
                    return self.push(d);
                }
                if matches!(name[0], b'X' | b'x') && name.len() > 1 {
                    let d = Diagnostic::new(
                        Severity::Note,
                        "experimental-command",
                        self.col(name_at),
                        "x-command",
                        format!(
                            "`{}` is an experimental command: names starting with X are left to private extensions (RFC 3501 §6.5.1). It is valid if the server announces it in CAPABILITY, but the tutor does not know its arguments.",
                            shorten(name)
                        ),
                    );
                    return self.push(d);
                }
                self.unknown_command(name_at, name)
            }
        }
    }

    /// A line whose first character cannot start a tag.
    fn bad_tag_start(&mut self, start: &'a [u8]) {
        let message = match start[0] {
            b'*' => "`*` starts the server's untagged responses. A client command starts with a tag of its own, such as a1.".to_owned(),
            b'+' => "`+` starts the server's continuation requests. A client command starts with a tag of its own, such as a1.".to_owned(),
            _ => format!(
                "A command starts with a tag, such as a1: letters, digits and punctuation except + ( ) {{ % * \" \\ and spaces. It cannot start with {}.",
                describe_found(start)
            ),
        };
        let at = self.offset(start);
        let mut d = Diagnostic::new(Severity::Error, "bad-tag", at + 1, "tag", message)
            .expected("a tag such as a1");
        d.suggestion = match start[0] {
            b'*' | b'+' => self.with_replaced(at, 1, "a1"),
            _ => self.with_replaced(at, 0, "a1 "),
        };
        self.push(d);
    }

    /// `LOGIN strategos pass`: the first word is a command name and the second is not.
    fn missing_tag(&mut self, start: &'a [u8], name: &[u8], next: &[u8]) {
        let typed = shorten(name);
        let upper = typed.to_ascii_uppercase();
        let then = if next.is_empty() {
            String::new()
        } else {
            format!(" and `{}` as the command", shorten(next))
        };
        self.repair(self.offset(start), 0, "a1 ");
        let d = Diagnostic::new(
            Severity::Error,
            "missing-tag",
            self.col(start),
            "tag",
            format!(
                "This line starts with the command name {upper}, but every command starts with a tag, such as a1, that the server repeats in its answer. A server would take `{typed}` as the tag{then}, and answer BAD."
            ),
        )
        .expected("a tag, then a space, then the command")
        .suggest(self.fixed_line());
        self.push(d);
    }

    /// `c1LOGIN strategos pass`: the tag runs into the command name.
    fn missing_space(&mut self, start: &'a [u8], tag_len: usize, split: usize, s: &'static Spec) {
        let prefix = shorten(&start[..split]);
        let typed_tag = shorten(&start[..tag_len]);
        let name_at = &start[split..];
        let after = &start[tag_len..];
        let then = match after.first() {
            Some(b' ') if !atom_prefix(&after[1..]).is_empty() => {
                format!(
                    " and `{}` as the command",
                    shorten(atom_prefix(&after[1..]))
                )
            }
            _ => String::new(),
        };
        self.out.tag = Some(prefix.clone());
        self.tag_text = prefix.clone();
        self.repair(self.offset(name_at), 0, " ");
        let d = Diagnostic::new(
            Severity::Error,
            "missing-space-after-tag",
            self.col(name_at),
            "tag",
            format!(
                "There is no space between the tag `{prefix}` and the command {}. A server reads `{typed_tag}` as the tag{then}, and answers BAD. Put exactly one space after the tag.",
                s.name
            ),
        )
        .expected("a space after the tag")
        .suggest(self.fixed_line());
        self.push(d);
        self.arguments(s, name_at);
    }

    /// A command name the grammar does not know.
    fn unknown_command(&mut self, name_at: &'a [u8], name: &[u8]) {
        let typed = shorten(name);
        let upper = typed.to_ascii_uppercase();
        let at = self.offset(name_at);
        let names: Vec<&str> = command_names().collect();
        let (message, suggestion) = if let Some((_, instead, why)) =
            CONFUSIONS.iter().find(|(w, _, _)| *w == upper)
        {
            (
                format!("`{typed}` is not an IMAP command. {why}"),
                instead.and_then(|i| self.with_replaced(at, name.len(), i)),
            )
        } else if let Some(best) = nearest(&typed, &names) {
            (
                format!("`{typed}` is not an IMAP command. Did you mean {best}?"),
                self.with_replaced(at, name.len(), best),
            )
        } else {
            (
                format!("`{typed}` is not an IMAP command the tutor knows. CAPABILITY lists the extensions the server offers."),
                Some(format!("{} CAPABILITY", self.tag_text)),
            )
        };
        let mut d = Diagnostic::new(
            Severity::Error,
            "unknown-command",
            at + 1,
            "command",
            message,
        )
        .expected("a command name such as LOGIN, SELECT or FETCH");
        d.suggestion = suggestion;
        self.push(d);
    }

    /// Notes, once, that a keyword was written in lower or mixed case.
    fn note_case(&mut self, at: &[u8], len: usize, name: &str) {
        let typed = &at[..len.min(at.len())];
        if self.noted_case || !typed.iter().any(u8::is_ascii_lowercase) {
            return;
        }
        self.noted_case = true;
        let d = Diagnostic::new(
            Severity::Note,
            "case-insensitive",
            self.col(at),
            "command",
            format!(
                "IMAP keywords are case-insensitive: `{}` is the same command as {name}. The RFCs write them in capitals, and so do most clients.",
                shorten(typed)
            ),
        );
        self.push(d);
    }

    /// Stage 4 and 5: the arguments of `s`, whose name starts at `at`, then the end of the line.
    fn arguments(&mut self, s: &'static Spec, at: &'a [u8]) {
        self.out.name = Some(s.name);
        self.name_at = self.offset(at);
        self.note_case(at, s.name.len(), s.name);
        let (spec, result) = if s.name == "UID" {
            match self.uid_subcommand(at) {
                Some(found) => found,
                None => return,
            }
        } else {
            (s, (s.parse)(at))
        };
        match result {
            Ok((rest, body)) => {
                self.end_of_line(rest, spec, at);
                self.lint(&body, spec, at);
                if !self.has_error() {
                    if let Some(tag) = self.out.tag.clone() {
                        self.out.command = Some(Command { tag, body });
                    }
                }
            }
            Err(nom::Err::Error(e)) => self.argument_error(e, false, spec, at),
            Err(nom::Err::Failure(e)) => self.argument_error(e, true, spec, at),
            Err(nom::Err::Incomplete(_)) => {
                // The grammar's parsers are all `complete`; this cannot happen.
            }
        }
    }

    /// `UID SP (copy / move / fetch / search / store / uid-expunge)`: finds the command after UID.
    fn uid_subcommand(&mut self, at: &'a [u8]) -> Option<Dispatched<'a>> {
        self.out.uid = true;
        let uid_spec = spec(b"UID")?;
        let after = &at[3..];
        let sub_at = match after.first() {
            Some(b' ') if !at_eol(&after[1..]) && after[1] != b' ' => &after[1..],
            _ => {
                let e = GrammarError {
                    input: if after.first() == Some(&b' ') {
                        &after[1..]
                    } else {
                        after
                    },
                    expected: label::UID_COMMAND,
                    rule: None,
                };
                let failure = at_eol(e.input);
                self.argument_error(e, failure, uid_spec, at);
                return None;
            }
        };
        let sub = atom_prefix(sub_at);
        match spec(sub) {
            Some(s) if s.uid.is_some() => {
                self.out.name = Some(s.name);
                self.note_case(sub_at, sub.len(), s.name);
                Some((s, (s.uid?)(sub_at)))
            }
            Some(s) => {
                let at_off = self.offset(at);
                let mut d = Diagnostic::new(
                    Severity::Error,
                    "bad-argument",
                    self.col(sub_at),
                    "uid",
                    format!(
                        "{} has no UID form: UID only prefixes COPY, MOVE, FETCH, SEARCH, STORE and EXPUNGE, the commands that name messages.",
                        s.name
                    ),
                )
                .expected(label::UID_COMMAND);
                d.suggestion = self.with_replaced(at_off, self.offset(sub_at) - at_off, "");
                self.push(d);
                None
            }
            None => {
                let e = GrammarError {
                    input: sub_at,
                    expected: label::UID_COMMAND,
                    rule: Some("uid"),
                };
                self.argument_error(e, false, uid_spec, at);
                None
            }
        }
    }

    /// Stage 5: after the arguments, only the end of the line may come.
    fn end_of_line(&mut self, rest: &'a [u8], spec: &'static Spec, at: &'a [u8]) {
        if rest.is_empty() {
            return;
        }
        let off = self.offset(rest);
        let name = self.display_name(spec);
        if rest.starts_with(b"\r\n") {
            let d = Diagnostic::new(
                Severity::Error,
                "extra-line",
                off + 1,
                spec.rule,
                format!("The message goes on after the end of the {name} command. A command is one line (and its literals); what follows the CRLF is read as the next command."),
            )
            .expected("the end of the message");
            return self.push(d);
        }
        let line_rest = &rest[..self.line_end.saturating_sub(off).min(rest.len())];
        if line_rest.iter().all(|&b| b == b' ') {
            let mut d = Diagnostic::new(
                Severity::Error,
                "trailing-space",
                off + 1,
                spec.rule,
                "The line ends with a space. IMAP allows no space before the end of the line, and strict servers answer BAD.",
            )
            .expected("the end of the line");
            d.suggestion = self.with_replaced(off, line_rest.len(), "");
            return self.push(d);
        }
        if rest.starts_with(b"  ") {
            let extra = rest.iter().take_while(|&&b| b == b' ').count() - 1;
            let mut d = Diagnostic::new(
                Severity::Error,
                "extra-space",
                off + 2,
                spec.rule,
                "Two spaces in a row. IMAP separates arguments with exactly one space.",
            )
            .expected("one space");
            d.suggestion = self.with_replaced(off + 1, extra, "");
            return self.push(d);
        }
        if rest[0] != b' ' {
            let mut message = format!(
                "{name} expected a space or the end of the line here, but found {}.",
                describe_found(rest)
            );
            let mut suggestion = None;
            if let Some((hint, fixed)) = self.unquoted_word_hint(off) {
                message.push(' ');
                message.push_str(&hint);
                suggestion = fixed;
            }
            let mut d =
                Diagnostic::new(Severity::Error, "bad-argument", off + 1, spec.rule, message)
                    .expected("a space or the end of the line");
            d.suggestion = suggestion.or_else(|| Some(self.form(spec)));
            return self.push(d);
        }
        self.unexpected_argument(&rest[1..], spec, at);
    }

    /// `pass(word`, `Entwürfe`: a word that stops being an atom at `off`, where a character
    /// that an atom cannot hold appears. Says why and how to write the word instead:
    /// quoted, or for non-ASCII mailbox names in modified UTF-7.
    fn unquoted_word_hint(&self, off: usize) -> Option<(String, Option<String>)> {
        let line = &self.body[..self.line_end];
        if off >= line.len() {
            return None;
        }
        // A special character only matters glued to a word; a non-ASCII one anywhere.
        let glued = off > 0 && super::core::is_astring_char(line[off - 1]);
        if !glued && line[off].is_ascii() {
            return None;
        }
        let start = line[..off]
            .iter()
            .rposition(|&b| b == b' ')
            .map_or(0, |i| i + 1);
        let end = line[off..]
            .iter()
            .position(|&b| b == b' ')
            .map_or(line.len(), |i| off + i);
        let word = &line[start..end];
        let bad = line[off];
        if !bad.is_ascii() {
            let text = String::from_utf8_lossy(word).into_owned();
            let encoded = super::mailbox::encode_modified_utf7(&text);
            let hint = format!(
                "An unquoted word is ASCII only. IMAP4rev1 writes a non-ASCII mailbox name in modified UTF-7 (`{encoded}`); with IMAP4rev2 or UTF8=ACCEPT it may be quoted as UTF-8."
            );
            return Some((hint, self.with_replaced(start, end - start, &encoded)));
        }
        if matches!(bad, b'(' | b')' | b'{' | b'%' | b'*' | b'"' | b'\\') {
            let text = String::from_utf8_lossy(word);
            let quoted = format!("\"{}\"", text.replace('\\', "\\\\").replace('"', "\\\""));
            let hint = format!(
                "`{}` cannot be part of an unquoted word: put the whole value in double quotes, {quoted}.",
                bad as char
            );
            return Some((hint, self.with_replaced(start, end - start, &quoted)));
        }
        None
    }

    /// An argument too many: `a1 NOOP now`, `a1 SELECT Sent Items`.
    fn unexpected_argument(&mut self, extra_at: &'a [u8], spec: &'static Spec, at: &'a [u8]) {
        let name = self.display_name(spec);
        let extra = shorten(
            &extra_at[..self
                .line_end
                .saturating_sub(self.offset(extra_at))
                .min(extra_at.len())],
        );
        let space_at = self.offset(extra_at) - 1;
        let takes_none = !spec.synopsis.contains(' ') && !self.out.uid;
        let mut message = if takes_none {
            format!("{name} takes no arguments, so `{extra}` is one too many.")
        } else {
            format!("{name} already has all its arguments, so `{extra}` is one too many.")
        };
        let mut suggestion = self.with_replaced(space_at, usize::MAX, "");
        // The first argument, for the hints below: just after the command name.
        let first_arg = self.offset(at) + spec.name.len() + 1 + if self.out.uid { 4 } else { 0 };
        match spec.name {
            "SELECT" | "EXAMINE" | "CREATE" | "DELETE" | "SUBSCRIBE" | "UNSUBSCRIBE"
                if extra_at.first() != Some(&b'(') =>
            {
                let whole = String::from_utf8_lossy(
                    &self.body[first_arg.min(self.line_end)..self.line_end],
                )
                .into_owned();
                let quoted = format!("\"{}\"", whole.replace('\\', "\\\\").replace('"', "\\\""));
                message.push_str(&format!(
                    " If the mailbox name contains a space, quote it: {quoted}."
                ));
                suggestion = self.with_replaced(first_arg, usize::MAX, &quoted);
            }
            "LOGIN" => message.push_str(
                " If the user name or the password contains a space, quote it: \"my secret\".",
            ),
            "EXPUNGE" if !self.out.uid => {
                message.push_str(" To expunge only some messages, use UID EXPUNGE with their UIDs (RFC 4315 UIDPLUS).");
            }
            "FETCH" => {
                let tokens: Vec<&[u8]> = extra_at[..self
                    .line_end
                    .saturating_sub(self.offset(extra_at))
                    .min(extra_at.len())]
                    .split(|&b| b == b' ')
                    .collect();
                if tokens
                    .iter()
                    .all(|t| matches!(super::fetch::fetch_att(t), Ok((r, _)) if r.is_empty()))
                {
                    // The items start after the sequence set.
                    let set_len = self.body[first_arg.min(self.line_end)..]
                        .iter()
                        .position(|&b| b == b' ')
                        .unwrap_or(0);
                    let items_at = first_arg + set_len + 1;
                    let items =
                        String::from_utf8_lossy(&self.body[items_at..self.line_end]).into_owned();
                    message.push_str(" To fetch several data items, put them in parentheses.");
                    suggestion = self.with_replaced(items_at, usize::MAX, &format!("({items})"));
                }
            }
            _ => {}
        }
        let d = Diagnostic::new(
            Severity::Error,
            "unexpected-argument",
            self.col(extra_at),
            spec.rule,
            message,
        )
        .expected("the end of the line");
        let mut d = d;
        d.suggestion = suggestion;
        self.push(d);
    }

    /// Stage 4 failed: names what was wrong, where, and what to type.
    fn argument_error(
        &mut self,
        mut e: GrammarError<'a>,
        failure: bool,
        spec: &'static Spec,
        at: &'a [u8],
    ) {
        if self.out.uid && e.expected == label::SEQUENCE_SET {
            e.expected = label::UID_SET;
        }
        let off = self.offset(e.input);
        let name = self.display_name(spec);
        let rule = e.rule.unwrap_or(spec.rule);
        if self.literal_problem(&e, off, spec) {
            return;
        }
        if e.expected == UNCLOSED_QUOTE && at_eol(e.input) {
            let line_start = self.body[..off]
                .windows(2)
                .rposition(|w| w == b"\r\n")
                .map_or(0, |i| i + 2);
            let open = opening_quote(&self.body[line_start..off]).map_or(off, |i| line_start + i);
            let mut d = Diagnostic::new(
                Severity::Error,
                "unterminated-quote",
                open + 1,
                "quoted",
                "This quoted string is never closed: it needs a \" before the end of the line. A quoted string cannot span lines; for line breaks or arbitrary bytes, send a literal ({size} and then the bytes).",
            )
            .expected("a closing double quote");
            d.suggestion = self.with_replaced(off, 0, "\"");
            return self.push(d);
        }
        if e.expected == BAD_ESCAPE {
            let escaped = match e.input.first() {
                Some(&c) if c.is_ascii_graphic() => format!("`\\{}`", c as char),
                _ => format!("a backslash followed by {}", describe_found(e.input)),
            };
            let mut d = Diagnostic::new(
                Severity::Error,
                "bad-escape",
                off,
                "quoted",
                format!("Inside a quoted string a backslash may only escape \" or \\, not {escaped}. To send a backslash itself, write it twice: \\\\."),
            )
            .expected("\\\" or \\\\");
            d.suggestion = self.with_replaced(off.saturating_sub(1), 0, "\\");
            return self.push(d);
        }
        let previous = off.checked_sub(1).map(|i| self.body[i]);
        if previous == Some(b' ') && matches!(e.input.first(), Some(b' ' | b')')) {
            let message = if e.input[0] == b' ' {
                "Two spaces in a row. IMAP separates arguments with exactly one space."
            } else {
                "A space before the closing parenthesis. Inside parentheses, items are separated by single spaces, with none before the )."
            };
            let mut d = Diagnostic::new(Severity::Error, "extra-space", off + 1, rule, message)
                .expected(e.expected);
            d.suggestion = self.with_replaced(off - 1, 1, "");
            return self.push(d);
        }
        if at_eol(e.input) {
            let (code, message) = if failure {
                (
                    "missing-argument",
                    format!("{name} needs {} here, but the line ends.", e.expected),
                )
            } else {
                (
                    "bad-argument",
                    format!(
                        "The line ends too early: {name} expected {} here.",
                        e.expected
                    ),
                )
            };
            let d = Diagnostic::new(Severity::Error, code, off + 1, rule, message)
                .expected(e.expected)
                .suggest(self.form(spec));
            return self.push(d);
        }
        self.bad_argument(e, spec, at, rule);
    }

    /// An argument of the wrong shape: `a1 FETCH body[] 3`, `a1 STORE 1 +FLAG (\Seen)`.
    fn bad_argument(
        &mut self,
        e: GrammarError<'a>,
        spec: &'static Spec,
        at: &'a [u8],
        rule: &'static str,
    ) {
        let off = self.offset(e.input);
        let name = self.display_name(spec);
        let found = describe_found(e.input);
        let mut message = if e.input[0] == b'\t' {
            format!("{name} expected {} here, but found a tab. IMAP separates arguments with exactly one space.", e.expected)
        } else {
            format!("{name} expected {} here, but found {found}.", e.expected)
        };
        let mut suggestion = None;
        if e.input[0] == b'\t' {
            suggestion = self.with_replaced(off, 1, " ");
        }
        if !e.input[0].is_ascii() {
            if let Some((hint, fixed)) = self.unquoted_word_hint(off) {
                message.push(' ');
                message.push_str(&hint);
                suggestion = fixed;
            }
        }
        let token = String::from_utf8_lossy(near_token(e.input)).into_owned();
        if let Some(best) = choices(e.expected).and_then(|c| nearest(&token, c)) {
            message.push_str(&format!(" Did you mean {best}?"));
            suggestion = self.with_replaced(off, token.len(), best);
        }
        if matches!(e.expected, label::SEQUENCE_SET | label::UID_SET) {
            if token.starts_with('0') {
                message.push_str(" Message numbers and UIDs start at 1.");
            } else if suggestion.is_none() {
                if let Some(swapped) = self.swapped_arguments(spec, at, off) {
                    message.push_str(" The arguments seem to be in the wrong order.");
                    suggestion = Some(swapped);
                }
            }
        }
        let d = Diagnostic::new(Severity::Error, "bad-argument", off + 1, rule, message)
            .expected(e.expected);
        let mut d = d;
        d.suggestion = suggestion.or_else(|| Some(self.form(spec)));
        self.push(d);
    }

    /// `a1 FETCH body[] 3` → `a1 FETCH 3 body[]`: if moving the last argument to the
    /// front makes the command parse, that is the likely intent.
    fn swapped_arguments(
        &self,
        spec: &'static Spec,
        at: &'a [u8],
        args_at: usize,
    ) -> Option<String> {
        let args = self.body.get(args_at..self.line_end)?;
        let last_space = args.iter().rposition(|&b| b == b' ')?;
        let (first, last) = (&args[..last_space], &args[last_space + 1..]);
        let name_len = args_at - self.offset(at);
        let mut candidate = at[..name_len].to_vec();
        candidate.extend_from_slice(last);
        candidate.push(b' ');
        candidate.extend_from_slice(first);
        // `at` is where the command's name starts, so a UID form is parsed from "UID".
        let parse: CommandParser = if self.out.uid { uid } else { spec.parse };
        let Ok((rest, _)) = parse(&candidate[..]) else {
            return None;
        };
        if !rest.is_empty() {
            return None;
        }
        let new_args = format!(
            "{} {}",
            String::from_utf8_lossy(last),
            String::from_utf8_lossy(first)
        );
        self.with_replaced(args_at, usize::MAX, &new_args)
    }

    /// Diagnoses literals whose announced size does not match the bytes that follow.
    fn literal_problem(&mut self, e: &GrammarError<'a>, off: usize, spec: &'static Spec) -> bool {
        let body = self.body;
        if e.expected == SHORT_LITERAL && off >= 2 && &body[off - 2..off] == b"\r\n" {
            if let Some(lit) = literal_ending_at(body, off - 2) {
                let have = body.len() - off;
                let mut d = Diagnostic::new(
                    Severity::Error,
                    "literal-size-mismatch",
                    lit.start + 1,
                    "literal",
                    format!(
                        "The literal announces {} bytes, but only {have} follow before the end of the message. The number in braces must count exactly the bytes sent after the CRLF (every byte, line breaks included).",
                        lit.size
                    ),
                )
                .expected(format!("{} bytes of literal data", lit.size));
                d.suggestion = self.with_replaced(lit.digits.0, lit.digits.1, &have.to_string());
                self.push(d);
                return true;
            }
        }
        if e.expected == "the end of the line" && at_eol(e.input) && body[..off].ends_with(b"}") {
            if let Some(lit) = literal_ending_at(body, off) {
                let d = Diagnostic::new(
                    Severity::Error,
                    "literal-without-data",
                    lit.start + 1,
                    "literal",
                    format!(
                        "`{}` announces a literal: exactly {} bytes must follow on the next line. With a synchronizing literal the client sends this line, waits for the server's `+`, then sends the bytes; with {{{}+}} it sends them at once.",
                        shorten(&body[lit.start..off]),
                        lit.size,
                        lit.size
                    ),
                )
                .expected(format!("CRLF and {} bytes", lit.size));
                self.push(d);
                return true;
            }
        }
        if !at_eol(e.input) {
            for (lit, data) in literals_of(body) {
                if data.saturating_add(usize::try_from(lit.size).unwrap_or(usize::MAX)) == off {
                    let d = Diagnostic::new(
                        Severity::Error,
                        "literal-size-mismatch",
                        lit.start + 1,
                        "literal",
                        format!(
                            "The literal announced {} bytes, so it holds `{}`, and {} is left over where {} expected {}. Count the bytes again: the number in braces must match exactly.",
                            lit.size,
                            shorten(&body[data..off]),
                            describe_found(e.input),
                            self.display_name(spec),
                            e.expected
                        ),
                    )
                    .expected(e.expected);
                    // The likely intent: the literal was meant to run to the next space or the end of the line.
                    let meant = body[data..]
                        .iter()
                        .position(|&b| matches!(b, b' ' | b'\r' | b')'))
                        .unwrap_or(body.len() - data);
                    let mut d = d;
                    if meant as u64 != lit.size {
                        d.suggestion =
                            self.with_replaced(lit.digits.0, lit.digits.1, &meant.to_string());
                    }
                    self.push(d);
                    return true;
                }
            }
        }
        false
    }

    /// Valid lines that are probably not what was meant, and teaching points.
    fn lint(&mut self, body: &CommandBody, spec: &'static Spec, at: &'a [u8]) {
        use CommandBody::*;
        let name = self.display_name(spec);
        match body {
            Copy { mailbox, set, .. } | Move { mailbox, set, .. } => {
                self.lint_data_item_mailbox(mailbox, set, &name)
            }
            Create { .. }
                if !self.out.uid
                    && matches!(create_params(at), Ok((_, (_, p))) if !p.is_empty()) =>
            {
                let parameters = create_params(at)
                    .map(|(_, (_, p))| p.join(" "))
                    .unwrap_or_default();
                let d = Diagnostic::new(
                    Severity::Note,
                    "parameters-not-modelled",
                    self.name_col(),
                    "create-params",
                    format!("CREATE parameters ({parameters}) are valid syntax (RFC 4466; USE is RFC 6154 CREATE-SPECIAL-USE), but the tutor only shows them: it creates the mailbox without them."),
                );
                self.push(d);
            }
            Create { mailbox } | Delete { mailbox } if mailbox.is_inbox() => {
                let d = Diagnostic::new(
                    Severity::Warning,
                    "inbox-special",
                    self.name_col(),
                    spec.rule,
                    format!(
                        "INBOX always exists and cannot be {}: the server answers NO.",
                        if spec.name == "CREATE" {
                            "created"
                        } else {
                            "deleted"
                        }
                    ),
                );
                self.push(d);
            }
            Rename { to, .. } if to.is_inbox() => {
                let d = Diagnostic::new(
                    Severity::Warning,
                    "inbox-special",
                    self.name_col(),
                    spec.rule,
                    "INBOX always exists, so no mailbox can be renamed to INBOX: the server answers NO.",
                );
                self.push(d);
            }
            Rename { from, .. } if from.is_inbox() => {
                let d = Diagnostic::new(
                    Severity::Note,
                    "inbox-special",
                    self.name_col(),
                    spec.rule,
                    "Renaming INBOX is special (RFC 9051 §6.3.6): its messages move to the new mailbox, and INBOX stays, empty.",
                );
                self.push(d);
            }
            Store { action, .. } if action.flags.iter().any(|f| f.is("\\Recent")) => {
                self.lint_recent(spec)
            }
            Append { flags, .. } if flags.iter().any(|f| f.is("\\Recent")) => {
                self.lint_recent(spec)
            }
            Fetch {
                items: FetchItems::Items(items),
                ..
            } => {
                for item in items {
                    match item {
                        FetchAttribute::Other(other)
                            if !EXTENSION_ITEMS.contains(&other.as_str())
                                && !other.starts_with("X-") =>
                        {
                            let mut d = Diagnostic::new(
                                Severity::Warning,
                                "unknown-fetch-item",
                                self.name_col(),
                                "fetch-att",
                                format!("{other} is not a FETCH data item the tutor knows. It is valid syntax for an extension's item, but a server without that extension answers BAD."),
                            );
                            if let Some(best) = nearest(other, FETCH_ATT_NAMES) {
                                d.message.push_str(&format!(" Did you mean {best}?"));
                                d.suggestion = Some(best.to_owned());
                            }
                            self.push(d);
                        }
                        FetchAttribute::Rfc822
                        | FetchAttribute::Rfc822Header
                        | FetchAttribute::Rfc822Text => {
                            let instead = match item {
                                FetchAttribute::Rfc822 => "BODY[]",
                                FetchAttribute::Rfc822Header => "BODY.PEEK[HEADER]",
                                _ => "BODY[TEXT]",
                            };
                            let d = Diagnostic::new(
                                Severity::Note,
                                "imap4rev1-only",
                                self.name_col(),
                                "fetch-att",
                                format!("{} is IMAP4rev1 (RFC 3501); IMAP4rev2 removed it. {instead} asks for the same data on both.", item.name()),
                            )
                            .suggest(instead);
                            self.push(d);
                        }
                        _ => {}
                    }
                }
            }
            Search { criteria, .. } => {
                let mut found = Vec::new();
                for key in criteria {
                    key.walk(&mut |k| {
                        if let SearchKey::Keyword(f) | SearchKey::Unkeyword(f) = k {
                            if f.is_system() {
                                found.push((matches!(k, SearchKey::Unkeyword(_)), f.0.clone()));
                            }
                        }
                    });
                }
                for (negated, flag) in found {
                    let key = flag.trim_start_matches('\\').to_ascii_uppercase();
                    let key = if negated { format!("UN{key}") } else { key };
                    let d = Diagnostic::new(
                        Severity::Warning,
                        "keyword-is-system-flag",
                        self.name_col(),
                        "search-key",
                        format!(
                            "KEYWORD takes a keyword such as $Forwarded, not the system flag {flag}. System flags have their own search keys: use {key}."
                        ),
                    )
                    .suggest(key);
                    self.push(d);
                }
            }
            Select { parameters, .. } | Examine { parameters, .. } => {
                for p in parameters {
                    let pname = p.split(' ').next().unwrap_or("");
                    if !matches!(pname, "CONDSTORE" | "QRESYNC") {
                        let d = Diagnostic::new(
                            Severity::Warning,
                            "unknown-parameter",
                            self.name_col(),
                            "select-param",
                            format!("{pname} is not a {} parameter the tutor knows (CONDSTORE and QRESYNC are). A server that does not know it answers BAD.", spec.name),
                        );
                        self.push(d);
                    }
                }
            }
            Lsub { .. } => {
                let d = Diagnostic::new(
                    Severity::Note,
                    "imap4rev1-only",
                    self.name_col(),
                    "lsub",
                    "LSUB is IMAP4rev1 (RFC 3501); IMAP4rev2 removed it. LIST (SUBSCRIBED) \"\" \"*\" lists subscribed mailboxes on both.",
                );
                self.push(d);
            }
            Check => {
                let d = Diagnostic::new(
                    Severity::Note,
                    "imap4rev1-only",
                    self.name_col(),
                    "command-select",
                    "CHECK is IMAP4rev1 (RFC 3501); IMAP4rev2 removed it, since servers save their state anyway. NOOP does no harm on both.",
                );
                self.push(d);
            }
            _ => {}
        }
        for (lit, _) in literals_of(self.body) {
            if lit.minus {
                let d = Diagnostic::new(
                    Severity::Warning,
                    "literal-minus",
                    lit.start + 1,
                    "literal",
                    "`{n-}` is not IMAP syntax. LITERAL- (RFC 7888) is written {n+}, like LITERAL+; it only limits non-synchronizing literals to 4096 bytes.",
                );
                self.push(d);
            }
        }
    }

    /// The column where the command name starts (after any repairs' positions).
    fn name_col(&self) -> usize {
        self.name_at + 1
    }

    fn lint_recent(&mut self, spec: &'static Spec) {
        let d = Diagnostic::new(
            Severity::Warning,
            "recent-flag",
            self.name_col(),
            "flag",
            format!("\\Recent is set by the server only; a client cannot {} it (RFC 3501 §2.3.2), and IMAP4rev2 dropped it.", if spec.name == "STORE" { "store" } else { "append with" }),
        );
        self.push(d);
    }

    /// `c5 COPY 1 body[]`: valid (`body[]` is an astring), but a FETCH item where a mailbox belongs.
    fn lint_data_item_mailbox(&mut self, mailbox: &Mailbox, set: &SequenceSet, name: &str) {
        if mailbox.raw.form != StringForm::Atom {
            return;
        }
        let raw = &mailbox.raw.bytes;
        let looks_like_item = matches!(
            super::fetch::fetch_att(raw),
            Ok((rest, item)) if rest.is_empty() && !matches!(item, FetchAttribute::Other(_) | FetchAttribute::Body)
        );
        if !looks_like_item {
            return;
        }
        let line = &self.body[..self.line_end];
        let start = line.iter().rposition(|&b| b == b' ').map_or(0, |i| i + 1);
        let m = shorten(raw);
        let verb = if name.ends_with("MOVE") {
            "move"
        } else {
            "copy"
        };
        let mut d = Diagnostic::new(
            Severity::Warning,
            "data-item-as-mailbox",
            start + 1,
            "mailbox",
            format!(
                "`{m}` looks like a FETCH data item, but {name} expects a mailbox name here. `{m}` is a valid mailbox name, so the server will look for a mailbox called \"{m}\" and answer NO [TRYCREATE] if there is none. To read the message, use FETCH: `{} FETCH {set} {m}`. To {verb} it, name a mailbox.",
                self.tag_text
            ),
        )
        .expected(label::COPY_TO);
        d.suggestion = self.with_replaced(start, usize::MAX, "Archive");
        self.push(d);
    }
}

/// The offset of the `"` that opens the string still open at the end of `text`.
fn opening_quote(text: &[u8]) -> Option<usize> {
    let mut open = None;
    let mut i = 0;
    while i < text.len() {
        match (text[i], open) {
            (b'"', None) => open = Some(i),
            (b'"', Some(_)) => open = None,
            (b'\\', Some(_)) => i += 1,
            _ => {}
        }
        i += 1;
    }
    open
}

// ---- client lines that are not commands -------------------------------------------------

/// What the session expects from the client next. Only the caller knows: to the grammar,
/// `DONE` and a base64 line look like commands with odd tags.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum ClientExpectation {
    /// IDLE is running (after the server's `+ idling`): only `DONE` may come (RFC 2177, RFC 9051 §6.3.13).
    IdleDone,
    /// AUTHENTICATE is running (after a `+` challenge): a base64 response, or `*` to cancel (RFC 9051 §6.2.2).
    AuthenticateResponse,
}

/// A client line that is not a command.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum ClientLine {
    /// `DONE`: ends IDLE; the server then completes the IDLE command with its tagged OK.
    Done,
    /// A SASL response in base64 (empty for an empty response) and its decoded bytes.
    /// The bytes may hold credentials (PLAIN carries the password), so they are never
    /// serialized; mask them before showing them.
    AuthResponse {
        base64: String,
        #[serde(skip)]
        decoded: Vec<u8>,
    },
    /// `*`: the client cancels the exchange; the server answers the AUTHENTICATE with BAD.
    AuthCancel,
}

/// What [`parse_client_line`] understood, and what was wrong.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ParsedClientLine {
    /// What the line is, when it is what the session expected.
    pub line: Option<ClientLine>,
    pub diagnostics: Vec<Diagnostic>,
}

/// Parses a client line that is not a command: `idle = "IDLE" CRLF "DONE"`'s DONE, or
/// `authenticate = ... *(CRLF base64)`'s responses and the `*` that cancels them.
pub fn parse_client_line(text: &[u8], expecting: ClientExpectation) -> ParsedClientLine {
    let line = text
        .strip_suffix(b"\r\n")
        .or_else(|| text.strip_suffix(b"\n"))
        .unwrap_or(text);
    let mut out = ParsedClientLine {
        line: None,
        diagnostics: Vec::new(),
    };
    match expecting {
        ClientExpectation::IdleDone => {
            if let Ok((rest, ())) = idle::done(line) {
                if rest.is_empty() {
                    out.line = Some(ClientLine::Done);
                    if line != b"DONE" {
                        out.diagnostics.push(Diagnostic::new(
                            Severity::Note,
                            "case-insensitive",
                            1,
                            "idle",
                            format!("`{}` is DONE: keywords are case-insensitive. The RFCs write DONE in capitals.", shorten(line)),
                        ));
                    }
                    return out;
                }
            }
            let trimmed = line.trim_ascii();
            let tagged_done = line
                .split(|&b| b == b' ')
                .nth(1)
                .is_some_and(|w| w.eq_ignore_ascii_case(b"DONE"));
            let (code, message) = if trimmed.eq_ignore_ascii_case(b"DONE") {
                (
                    "done-spaces",
                    "DONE must be alone on the line, with no spaces around it.".to_owned(),
                )
            } else if tagged_done {
                ("tagged-done", "DONE has no tag: it is not a command, it ends the IDLE command. Send just DONE.".to_owned())
            } else if parse_command(line).name.is_some() {
                (
                    "command-during-idle",
                    format!(
                        "While IDLE runs, the server reads nothing but DONE. Send DONE, wait for the tagged OK that completes IDLE, then send `{}`.",
                        shorten(line)
                    ),
                )
            } else {
                (
                    "expected-done",
                    "While IDLE runs, the only thing a client may send is DONE, which ends it."
                        .to_owned(),
                )
            };
            out.diagnostics.push(
                Diagnostic::new(Severity::Error, code, 1, "idle", message)
                    .expected("DONE")
                    .suggest("DONE"),
            );
        }
        ClientExpectation::AuthenticateResponse => {
            if line == b"*" {
                out.line = Some(ClientLine::AuthCancel);
                return out;
            }
            match sasl_ir::check_base64(line) {
                Ok(()) => {
                    out.line = Some(ClientLine::AuthResponse {
                        base64: String::from_utf8_lossy(line).into_owned(),
                        decoded: sasl_ir::decode_base64(line).unwrap_or_default(),
                    });
                }
                Err(e) => {
                    let d = if parse_command(line).is_valid() {
                        Diagnostic::new(
                            Severity::Error,
                            "command-during-authenticate",
                            1,
                            "authenticate",
                            "The server is in the middle of AUTHENTICATE and reads this line as a SASL response, not as a command. Finish the exchange, or send * to cancel it first.",
                        )
                        .expected("base64, or * to cancel")
                        .suggest("*")
                    } else {
                        let mut d = Diagnostic::new(
                            Severity::Error,
                            "invalid-base64",
                            e.offset + 1,
                            "base64",
                            format!("A SASL response must be base64 (or * to cancel), and this breaks here: expected {}.", e.expected),
                        )
                        .expected(e.expected);
                        if e.offset == line.len() && line.len() % 4 >= 2 {
                            let mut fixed = String::from_utf8_lossy(line).into_owned();
                            fixed.push_str(if line.len() % 4 == 2 { "==" } else { "=" });
                            d.suggestion = Some(fixed);
                        }
                        d
                    };
                    out.diagnostics.push(d);
                }
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_command_of_the_vocabulary_is_parsed() {
        for name in super::super::vocabulary::COMMANDS {
            assert!(spec(name.as_bytes()).is_some(), "{name} has no parser");
        }
        for name in command_names() {
            assert!(
                super::super::vocabulary::COMMANDS.contains(&name),
                "{name} is not in the vocabulary"
            );
        }
    }

    #[test]
    fn every_fetch_item_the_grammar_knows_is_in_the_vocabulary() {
        // SEARCH keys and STATUS items need no such check: the vocabulary takes the
        // grammar's own lists (SEARCH_KEY_NAMES, STATUS_ATT_NAMES).
        use super::super::vocabulary::FETCH_ITEMS;
        for name in FETCH_ATT_NAMES {
            let item = super::super::fetch::fetch_att(format!("{name}[]").as_bytes())
                .or_else(|_| super::super::fetch::fetch_att(name.as_bytes()))
                .unwrap()
                .1;
            assert!(FETCH_ITEMS.contains(&item.name()), "{name}");
        }
    }

    #[test]
    fn the_strict_parser_needs_the_crlf() {
        let (rest, c) = command(b"a1 LOGIN strategos pass\r\nnext").unwrap();
        assert_eq!((c.tag.as_str(), rest), ("a1", &b"next"[..]));
        assert!(matches!(c.body, CommandBody::Login { .. }));
        assert!(command(b"a1 NOOP").is_err());
        assert!(command(b"a1 LISTX \"\" *\r\n").is_err());
        assert!(matches!(
            command(b"a1 uid expunge 1:2\r\n").unwrap().1.body,
            CommandBody::Expunge { uids: Some(_) }
        ));
    }

    #[test]
    fn typos_are_near_and_strangers_are_not() {
        assert_eq!(edit_distance("FECTH", "fetch"), 1);
        assert_eq!(edit_distance("FETCHH", "FETCH"), 1);
        assert_eq!(edit_distance("", "ID"), 2);
        assert_eq!(
            nearest("+FLAG", &["FLAGS", "+FLAGS", "-FLAGS"]),
            Some("+FLAGS")
        );
        assert_eq!(nearest("HELLO", &["NOOP", "LOGOUT", "CLOSE"]), None);
        // Two edits are too many for a two-letter word.
        assert_eq!(nearest("XY", &["TO"]), None);
        assert_eq!(nearest("TX", &["TO"]), Some("TO"));
    }

    #[test]
    fn a_tag_that_runs_into_a_command_name() {
        let (split, s) = command_suffix(b"c1UNSUBSCRIBE").unwrap();
        assert_eq!((split, s.name), (2, "UNSUBSCRIBE"));
        assert_eq!(command_suffix(b"aUID").unwrap().1.name, "UID");
        assert!(command_suffix(b"LOGIN").is_none());
        assert!(command_suffix(b"a1").is_none());
    }

    #[test]
    fn literal_announcements_are_found_like_the_framer_finds_them() {
        let body = b"a APPEND x ~{3}\r\nab\r {2+}\r\nxy";
        let found = literals_of(body);
        assert_eq!(found.len(), 2);
        assert_eq!((found[0].0.start, found[0].0.size, found[0].1), (11, 3, 17));
        assert_eq!((found[1].0.size, found[1].1), (2, 27));
        assert!(literal_ending_at(b"a {12-}", 7).unwrap().minus);
        assert!(literal_ending_at(b"a {}", 4).is_none());
        assert!(literal_ending_at(b"a 12}", 5).is_none());
    }

    #[test]
    fn suggestions_carry_earlier_repairs() {
        let mut door = FrontDoor::new(b"c5COPY 1 body[]");
        door.repair(2, 0, " ");
        assert_eq!(door.fixed_line(), "c5 COPY 1 body[]");
        assert_eq!(
            door.with_replaced(9, usize::MAX, "Archive").as_deref(),
            Some("c5 COPY 1 Archive")
        );
        assert_eq!(door.with_replaced(100, 0, "x"), None);
    }

    #[test]
    fn lists_report_the_bad_item() {
        let Err(nom::Err::Error(e)) = status_att_list(b"(MESSAGES FOO)") else {
            panic!()
        };
        assert_eq!((e.input, e.expected), (&b"FOO)"[..], label::STATUS_ATT));
        let Err(nom::Err::Error(e)) = status_att_list(b"()") else {
            panic!()
        };
        assert_eq!(e.input, b")");
        assert_eq!(flag_list(b"()").unwrap().1, vec![]);
    }
}
