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
//! - [`any`] — CAPABILITY, NOOP, LOGOUT, ID, ENABLE, COMPRESS (declined).
//! - [`auth`] — LOGIN, AUTHENTICATE PLAIN/LOGIN, STARTTLS.
//! - [`mailbox`] — SELECT, EXAMINE, CREATE, DELETE, RENAME, SUBSCRIBE, UNSUBSCRIBE,
//!   LIST, LSUB, STATUS, NAMESPACE.
//! - [`append`] — APPEND; [`fetch`] — FETCH; [`search`] — SEARCH; [`store`] — STORE.
//! - [`copy_move`] — COPY, MOVE; [`expunge`] — CHECK, CLOSE, EXPUNGE, UNSELECT.
//! - [`idle`] — IDLE.
//!
//! The wire text of errors is Dovecot's; what the grammar found is passed on as an
//! [`Event::Diagnostic`] for the tutor. This module never parses IMAP itself: it
//! splits off the first two words of a line only to echo them back as Dovecot does
//! (`Error in IMAP command C5COPY: Unknown command`), the same thing Dovecot's
//! `imap_parser_read_word` does before any grammar runs.

pub mod any;
pub mod append;
pub mod auth;
pub mod copy_move;
pub mod expunge;
pub mod fetch;
pub mod idle;
pub mod list;
pub mod mailbox;
pub mod modseq;
pub mod search;
pub mod select;
pub mod status;
pub mod store;

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
use super::store::{Flags, Store, SYSTEM_FLAGS};
use super::wording as w;

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
pub struct SelectedView {
    pub(crate) id: u64,
    pub name: String,
    pub(crate) read_only: bool,
    pub uidvalidity: u32,
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
}

impl SelectedView {
    pub fn index_of(&self, uid: u32) -> Option<usize> {
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

/// The tag and command word of a line, as Dovecot reads them before parsing.
pub(crate) fn words(line: &[u8]) -> (String, String) {
    let text = String::from_utf8_lossy(line);
    let mut it = text.splitn(3, ' ');
    let tag = it.next().unwrap_or("").to_owned();
    let word = it.next().unwrap_or("").to_owned();
    (tag, word)
}

/// Dovecot's tag check (imap-login-client.c `imap_is_valid_tag`; imap accepts the same).
pub(crate) fn valid_tag(tag: &str) -> bool {
    !tag.is_empty()
        && tag.len() <= 100
        && tag.bytes().all(|b| {
            !matches!(
                b,
                b'+' | b'(' | b')' | b'{' | b'/' | b' ' | b'%' | b'*' | b'"' | b'\\'
            ) && (b' '..0x7f).contains(&b)
        })
}

/// Commands some fixtures advertise but the mock does not implement, with the
/// capability that announces each.
const UNIMPLEMENTED: [(&str, &str); 12] = [
    ("SORT", "SORT"),
    ("THREAD", "THREAD="),
    ("NOTIFY", "NOTIFY"),
    ("COMPRESS", "COMPRESS="),
    ("GETQUOTA", "QUOTA"),
    ("GETQUOTAROOT", "QUOTA"),
    ("SETQUOTA", "QUOTA"),
    ("GETMETADATA", "METADATA"),
    ("SETMETADATA", "METADATA"),
    ("URLFETCH", "URLAUTH"),
    ("GENURLAUTH", "URLAUTH"),
    ("ESEARCH", "MULTISEARCH"),
];

/// Commands whose Dovecot handler ignores arguments it does not expect (`NOOP extra`
/// and `SELECT INBOX extra` are OK in the battery). Named quirk: the grammar calls
/// it an error, the server does not; the tutor still gets the diagnostic.
const LENIENT: [&str; 11] = [
    "CAPABILITY",
    "NOOP",
    "LOGOUT",
    "STARTTLS",
    "CHECK",
    "CLOSE",
    "UNSELECT",
    "NAMESPACE",
    "IDLE",
    "SELECT",
    "EXAMINE",
];

/// Runs one whole client message. `None` when nothing more is to be sent.
pub(crate) fn run(
    conn: &mut Conn,
    store: &Store,
    config: &Config,
    message: &Message,
    out: &mut Reply,
    events: &mut Vec<Event>,
) -> Option<Done> {
    let first = message.first_line();
    let (tag, word) = words(first);
    // Dovecot reads a command word up to a CR (`F<CR>O` is the unknown command F).
    let word = word.split('\r').next().unwrap_or_default().to_owned();
    let text = message.grammar_text();
    let mut parsed = parse_command(&text);
    // The grammar reads what the learner meant (`c1LOGIN` is "c1" and LOGIN); Dovecot
    // reads words (`c1LOGIN` is the tag, the next word the command). The wire follows
    // Dovecot: a guess the words do not bear out is an unknown command.
    let trusted = parsed.name.is_some_and(|n| {
        word.eq_ignore_ascii_case(n) || (parsed.uid && word.eq_ignore_ascii_case("UID"))
    });
    if !trusted {
        parsed.name = None;
        parsed.command = None;
    }
    let single_line = message.parts.len() == 1;
    let mut cx = Cx {
        conn,
        store,
        config,
        out,
        events,
    };
    let authenticated = cx.conn.state != State::NotAuthenticated;
    if let Some(done) = refused_bytes(&tag, message, &parsed, authenticated) {
        diagnose(&mut cx, &tag, &parsed);
        return Some(done);
    }
    let command = command_of(&tag, &parsed, first, single_line);
    if cx.conn.state == State::NotAuthenticated {
        Some(before_login(&mut cx, &tag, &word, &parsed, command))
    } else {
        Some(after_login(&mut cx, &tag, &word, first, &parsed, command))
    }
}

/// Bytes Dovecot's parser refuses before any command sees them ([`lexical`]): its
/// fixed answer, which never echoes them. `None` when the usual paths answer.
fn refused_bytes(
    tag: &str,
    message: &Message,
    parsed: &ParsedCommand,
    authenticated: bool,
) -> Option<Done> {
    if !valid_tag(tag) {
        return None;
    }
    let first = message.first_line();
    let mut words = first.split(|&b| b == b' ');
    let _tag = words.next()?;
    let word = words.next().filter(|w| !w.is_empty())?;
    if !authenticated {
        // imap-login reads every line whole: a bare CR is refused whatever the
        // command; other bytes only in a command it knows.
        let error = lexical::check(message, tag.len() + 1)?;
        let known = parsed.name.is_some();
        return (known || error == LexError::CrWithoutLf)
            .then(|| Done::bad(tag, error.text()).untimed());
    }
    let invalid_name = || Done::bad(tag, "Error in IMAP command: Invalid command name");
    let cut = word.split(|&b| b == b'\r').next().unwrap_or_default();
    if !lexical::valid_command_word(cut) {
        return Some(invalid_name());
    }
    let name = parsed.name?;
    let mut args_at = tag.len() + 1 + word.len() + 1;
    let shown = if parsed.uid {
        let sub = words.next().unwrap_or_default();
        if !lexical::valid_command_word(sub) {
            return Some(invalid_name());
        }
        args_at += sub.len() + 1;
        format!("UID {name}")
    } else {
        name.to_owned()
    };
    if lexical::IGNORES_ARGUMENTS.contains(&name) {
        return None;
    }
    let error = lexical::check(message, args_at)?;
    Some(Done::bad(tag, w::command_error(&shown, error.text())))
}

fn diagnose(cx: &mut Cx, tag: &str, parsed: &ParsedCommand) {
    cx.events.push(Event::Diagnostic {
        tag: (!tag.is_empty()).then(|| tag.to_owned()),
        command: parsed.name.map(|n| {
            if parsed.uid {
                format!("UID {n}")
            } else {
                n.to_owned()
            }
        }),
        diagnostics: parsed.diagnostics.clone(),
    });
}

fn first_error(parsed: &ParsedCommand) -> Option<&crate::grammar::Diagnostic> {
    parsed
        .diagnostics
        .iter()
        .find(|d| d.severity == crate::grammar::Severity::Error)
}

/// The command as the grammar understood it, or as Dovecot understands it where
/// Dovecot is more lenient: extra arguments it ignores (cut off and parsed again),
/// and ENABLE without arguments.
fn command_of(
    tag: &str,
    parsed: &ParsedCommand,
    first: &[u8],
    single_line: bool,
) -> Option<Command> {
    if let Some(cmd) = &parsed.command {
        return Some(Command {
            tag: tag.to_owned(),
            body: cmd.body.clone(),
        });
    }
    let name = parsed.name?;
    let error = first_error(parsed)?;
    if name == "ENABLE" && error.code == "missing-argument" {
        return Some(Command {
            tag: tag.to_owned(),
            body: CommandBody::Enable {
                capabilities: Vec::new(),
            },
        });
    }
    if !LENIENT.contains(&name) || parsed.uid || error.code != "unexpected-argument" || !single_line
    {
        return None;
    }
    let cut = error.column.saturating_sub(1).min(first.len());
    let mut text = first[..cut].to_vec();
    while text.last() == Some(&b' ') {
        text.pop();
    }
    text.extend_from_slice(b"\r\n");
    let again = parse_command(&text);
    again.command.map(|cmd| Command {
        tag: tag.to_owned(),
        body: cmd.body,
    })
}

/// The word of the first line at a diagnostic's column, as Dovecot echoes it.
/// The command word after `UID` (`FOO` in `t UID FOO 1`), upper-cased.
fn second_word(first: &[u8]) -> Option<String> {
    let mut words = first.split(|&b| b == b' ').filter(|w| !w.is_empty());
    let _tag = words.next()?;
    let _uid = words.next()?;
    let sub = words.next()?;
    Some(String::from_utf8_lossy(sub).to_ascii_uppercase())
}

/// True if the error at `column` lies inside an atom that follows a SEARCH date key
/// (`SINCE`, `SENTBEFORE`...).
fn after_date_key(first: &[u8], column: usize) -> bool {
    const DATE_KEYS: [&str; 6] = ["BEFORE", "ON", "SINCE", "SENTBEFORE", "SENTON", "SENTSINCE"];
    let at = column.saturating_sub(1).min(first.len());
    let Some(space) = first[..at].iter().rposition(|&b| b == b' ') else {
        return false;
    };
    let key_start = first[..space]
        .iter()
        .rposition(|&b| b == b' ' || b == b'(')
        .map_or(0, |i| i + 1);
    let key = String::from_utf8_lossy(&first[key_start..space]).to_ascii_uppercase();
    DATE_KEYS.contains(&key.as_str())
}

fn word_at(first: &[u8], column: usize) -> String {
    let start = column.saturating_sub(1).min(first.len());
    let rest = &first[start..];
    let end = rest
        .iter()
        .position(|&b| b == b' ' || b == b')' || b == b'(')
        .unwrap_or(rest.len());
    String::from_utf8_lossy(&rest[..end]).into_owned()
}

/// imap-login's answers (battery sessions 1–13).
fn before_login(
    cx: &mut Cx,
    tag: &str,
    word: &str,
    parsed: &ParsedCommand,
    command: Option<Command>,
) -> Done {
    let generic_bad = |tag: &str| {
        let mut d = Done::bad(if valid_tag(tag) { tag } else { "*" }, w::PRE_BAD).untimed();
        d.login_bad = true;
        d
    };
    if !valid_tag(tag) || word.is_empty() {
        diagnose(cx, tag, parsed);
        return generic_bad(tag);
    }
    let Some(cmd) = command else {
        diagnose(cx, tag, parsed);
        if parsed.name.is_none() && tag.eq_ignore_ascii_case("LOGIN") {
            return Done::bad(tag, w::PRE_LOGIN_AS_TAG).untimed();
        }
        return generic_bad(tag);
    };
    if !parsed.diagnostics.is_empty() && parsed.command.is_none() {
        diagnose(cx, tag, parsed);
    }
    let allowed = matches!(
        cmd.body,
        CommandBody::Capability
            | CommandBody::Noop
            | CommandBody::Logout
            | CommandBody::StartTls
            | CommandBody::Authenticate { .. }
            | CommandBody::Login { .. }
            | CommandBody::Id { .. }
            | CommandBody::Enable { .. }
    );
    if !allowed {
        cx.events.push(Event::Diagnostic {
            tag: Some(tag.to_owned()),
            command: Some(cmd.body.name().to_owned()),
            diagnostics: vec![crate::grammar::Diagnostic::new(
                crate::grammar::Severity::Error,
                "wrong-state",
                1,
                "command",
                format!(
                    "{} is not valid before login: log in first with LOGIN or AUTHENTICATE (RFC 9051 §6.2)",
                    cmd.body.name()
                ),
            )],
        });
        return generic_bad(tag);
    }
    let mut done = dispatch(cx, &cmd);
    done.untimed = true;
    done
}

/// imap's answers after login (battery sessions 14–22).
fn after_login(
    cx: &mut Cx,
    tag: &str,
    word: &str,
    first: &[u8],
    parsed: &ParsedCommand,
    command: Option<Command>,
) -> Done {
    if !valid_tag(tag) {
        diagnose(cx, tag, parsed);
        return Done::bad("*", "Error in IMAP tag: Invalid tag");
    }
    if word.is_empty() {
        diagnose(cx, tag, parsed);
        return Done::bad(tag, "Error in IMAP command: Invalid command name");
    }
    let Some(cmd) = command else {
        diagnose(cx, tag, parsed);
        return match parsed.name {
            Some(name @ ("SELECT" | "EXAMINE")) => select::refused(cx, tag, name, parsed, first),
            // `UID FOO`: Dovecot looks "UID FOO" up as one command name.
            Some("UID") if parsed.uid => match second_word(first) {
                Some(sub) => unknown(cx, tag, &format!("UID {sub}")),
                None => Done::bad(tag, w::command_error("UID", "Invalid arguments")),
            },
            Some(name) => {
                let shown = if parsed.uid {
                    format!("UID {name}")
                } else {
                    name.to_owned()
                };
                Done::bad(tag, w::command_error(&shown, &reason(parsed, first)))
            }
            None => unknown(cx, tag, word),
        };
    };
    if parsed.command.is_none() && !parsed.diagnostics.is_empty() {
        diagnose(cx, tag, parsed);
    }
    let body = &cmd.body;
    if body.valid_in() == [State::NotAuthenticated] {
        return Done::bad(tag, w::command_error(body.name(), "Unknown command"));
    }
    if cx.conn.selected.is_none() && body.valid_in() == [State::Selected] {
        return Done::bad(tag, w::NO_MAILBOX_SELECTED);
    }
    if lexical::bad_mailbox_name(body) {
        return Done::no(tag, lexical::NOT_MUTF7);
    }
    dispatch(cx, &cmd)
}

/// An unknown command word after login: Dovecot's BAD, or an honest NO when the
/// fixture advertises it.
fn unknown(cx: &mut Cx, tag: &str, word: &str) -> Done {
    let upper = word.to_ascii_uppercase();
    let base = upper.strip_prefix("UID ").unwrap_or(&upper);
    if let Some((_, capability)) = UNIMPLEMENTED.iter().find(|(c, _)| *c == base) {
        if cx.config.identity.advertises_prefix(true, capability) {
            return cx.decline(tag, upper.clone(), &upper);
        }
    }
    Done::bad(tag, w::command_error(&upper, "Unknown command"))
}

/// Dovecot's reason for a command whose arguments did not parse, from the grammar's
/// diagnostics (each text below is in the battery). Where we cannot tell which of
/// Dovecot's checks would have failed, "Invalid arguments" is what most commands say.
pub(crate) fn reason(parsed: &ParsedCommand, first: &[u8]) -> String {
    let Some(d) = first_error(parsed) else {
        return "Invalid arguments".into();
    };
    if let Some(e) = crate::mock::lexical::unbalanced(first) {
        return e.text().into();
    }
    let expected = d.expected.as_deref().unwrap_or("");
    let name = parsed.name.unwrap_or("");
    if let Some(text) = modseq::reason(name, d, first) {
        return text;
    }
    if let Some(text) = (name == "LIST").then(|| list::reason(d, first)).flatten() {
        return text;
    }
    if d.rule == "sequence-set" || expected.contains("sequence set") {
        return "Invalid messageset".into();
    }
    if expected.contains(") to close") || expected == ")" {
        return "Missing ')'".into();
    }
    // Dovecot's IMAP parser refuses 8-bit bytes outside quoted strings and literals
    // before any command sees its arguments.
    let word = word_at(first, d.column);
    if !word.starts_with('"') && !word.is_ascii() {
        return "8bit data in atom".into();
    }
    match (name, d.code) {
        ("SEARCH", _) if d.rule == "date" || expected.contains("date") => {
            "Invalid search date parameter".into()
        }
        ("SEARCH", "missing-argument") => {
            let words: Vec<&[u8]> = first
                .split(|&b| b == b' ')
                .filter(|w| !w.is_empty())
                .collect();
            match words.last() {
                Some(key) if words.len() > 2 + usize::from(parsed.uid) => format!(
                    "Missing parameter for search key (for search key: {})",
                    String::from_utf8_lossy(key).to_ascii_uppercase()
                ),
                _ => "Missing search parameters".into(),
            }
        }
        // `SINCE 31-Feb-2024x`: Dovecot reads the whole atom as the date, and fails.
        ("SEARCH", "bad-argument") if after_date_key(first, d.column) => {
            "Invalid search date parameter".into()
        }
        ("SEARCH", "bad-argument") => format!("Unknown argument {}", word_at(first, d.column)),
        ("STATUS", "missing-argument") => "Missing arguments".into(),
        ("STATUS", "bad-argument") if expected == crate::grammar::args::label::STATUS_ITEMS => {
            "Invalid arguments".into()
        }
        ("STATUS", "bad-argument") if first.get(d.column.saturating_sub(1)) == Some(&b')') => {
            "Empty status list".into()
        }
        ("STATUS", "bad-argument") => format!("Invalid status item {}", word_at(first, d.column)),
        ("COPY" | "MOVE", _) => "Missing arguments".into(),
        // Dovecot reads these with `client_read_string_args`, which says so.
        ("CREATE" | "DELETE" | "RENAME" | "SUBSCRIBE" | "UNSUBSCRIBE", "missing-argument") => {
            "Missing arguments".into()
        }
        // A quoted string where APPEND wants its message can only be a failed date-time.
        ("APPEND", _)
            if expected.contains("date-time") || word_at(first, d.column).starts_with('"') =>
        {
            "Invalid internal date.".into()
        }
        _ => "Invalid arguments".into(),
    }
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
        } => list::list(cx, tag, reference, patterns, selection, returns, *extended),
        Lsub { reference, pattern } => list::lsub(cx, tag, reference, pattern),
        Namespace => mailbox::namespace(cx, tag),
        Status { mailbox, items } => status::status(cx, tag, mailbox, items),
        Append {
            mailbox,
            flags,
            date,
            message,
        } => append::handle(cx, tag, mailbox, flags, date.as_deref(), message),
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
        Fetch {
            uid,
            set,
            items,
            modifiers,
        } => fetch::handle(cx, tag, *uid, set, items, modifiers),
        Store { uid, set, action } => store::handle(cx, tag, *uid, set, action),
        Copy { uid, set, mailbox } => copy_move::copy(cx, tag, *uid, set, mailbox, false),
        Move { uid, set, mailbox } => copy_move::copy(cx, tag, *uid, set, mailbox, true),
    }
}

// ---------------------------------------------------------------------------------
// Pending updates (RFC 9051 §7: §7.3.1 EXISTS, §7.4.1 EXPUNGE, §7.5.2 FETCH FLAGS)

/// The outcome of [`sync`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Synced {
    Ok,
    /// The selected mailbox no longer exists: the session must end.
    MailboxGone,
}

/// The FLAGS and PERMANENTFLAGS lines for a mailbox's keywords.
pub(crate) fn flags_lines(keywords: &[String], read_only: bool) -> String {
    let mut system: Vec<&str> = SYSTEM_FLAGS.iter().map(|(_, n)| *n).collect();
    system.extend(keywords.iter().map(String::as_str));
    let all = system.join(" ");
    let permanent = if read_only {
        format!("* OK [PERMANENTFLAGS ()] {}\r\n", w::READ_ONLY_MAILBOX)
    } else {
        format!(
            "* OK [PERMANENTFLAGS ({all} \\*)] {}\r\n",
            w::FLAGS_PERMITTED
        )
    };
    format!("* FLAGS ({all})\r\n{permanent}")
}

/// Sends `* FLAGS` and `* OK [PERMANENTFLAGS ...]` if the mailbox has keywords this
/// session has not been told of. Dovecot checks this before every flag list it writes
/// (`client_get_keyword_names` calls `client_send_mailbox_flags`), so a client never
/// sees a keyword in a FETCH before FLAGS has announced it (RFC 9051 §7.3.5), whoever
/// created it. Checked against Dovecot 2.3.19 with two sessions, one STOREing a new
/// keyword, the other FETCHing FLAGS (tests/data/differential/keywords.txt).
pub(crate) fn announce_keywords(
    view: &mut SelectedView,
    mailbox: &super::store::MailboxData,
    out: &mut Vec<u8>,
) {
    // The session's list only grows, in the order it learnt of each keyword (a
    // local one from SEARCH stays where it came, before later real ones).
    let before = view.keywords.len();
    for k in mailbox.keywords.iter().chain(&view.local_keywords) {
        if !view.keywords.iter().any(|m| m.eq_ignore_ascii_case(k)) {
            view.keywords.push(k.clone());
        }
    }
    if view.keywords.len() != before {
        out.extend_from_slice(flags_lines(&view.keywords, view.read_only).as_bytes());
    }
}

/// Tells the client what changed in its selected mailbox since it last looked, in
/// Dovecot's order: new keywords, flag changes, expunges (highest number first),
/// EXISTS, RECENT. New messages become \Recent for the first session that sees them.
pub(crate) fn sync(
    conn: &mut Conn,
    store: &Store,
    mode: SyncMode,
    uid: bool,
    out: &mut Vec<u8>,
) -> Synced {
    let condstore = conn.condstore;
    let qresync = conn.qresync;
    let uid = uid || qresync;
    let mut shown_modseq = 0;
    let Some(view) = conn.selected.as_mut() else {
        return Synced::Ok;
    };
    let user = conn.user.clone().unwrap_or_default();
    let mut world = store.lock();
    let Some(mailbox) = world
        .account_mut(&user)
        .and_then(|a| a.by_id_mut(view.id))
        .filter(|m| m.is_real())
    else {
        conn.selected = None;
        return Synced::MailboxGone;
    };
    announce_keywords(view, mailbox, out);
    for i in 0..view.uids.len() {
        // A message whose EXPUNGE goes out now gets no FETCH first (battery i4).
        let m = if mode == SyncMode::Full {
            mailbox.message(view.uids[i])
        } else {
            mailbox.message_or_tombstone(view.uids[i])
        };
        let Some(m) = m else { continue };
        let hidden = view.hidden.remove(&m.uid);
        if m.flags == view.flags[i] && hidden && condstore {
            let uid_part = if uid {
                format!("UID {} ", m.uid)
            } else {
                String::new()
            };
            shown_modseq = shown_modseq.max(m.modseq);
            out.extend_from_slice(
                format!("* {} FETCH ({uid_part}MODSEQ ({}))\r\n", i + 1, m.modseq).as_bytes(),
            );
        } else if m.flags != view.flags[i] {
            view.flags[i] = m.flags.clone();
            let uid_part = if uid {
                format!("UID {} ", m.uid)
            } else {
                String::new()
            };
            let modseq = if condstore {
                shown_modseq = shown_modseq.max(m.modseq);
                format!("MODSEQ ({}) ", m.modseq)
            } else {
                String::new()
            };
            let flags = m.flags.render(view.recent.contains(&m.uid));
            out.extend_from_slice(
                format!("* {} FETCH ({uid_part}{modseq}FLAGS ({flags}))\r\n", i + 1).as_bytes(),
            );
        }
    }
    if mode == SyncMode::Full {
        let mut vanished = Vec::new();
        for i in (0..view.uids.len()).rev() {
            let u = view.uids[i];
            if mailbox.message(u).is_none() {
                view.uids.remove(i);
                view.flags.remove(i);
                view.recent.remove(&u);
                if qresync {
                    vanished.push(u);
                } else {
                    out.extend_from_slice(format!("* {} EXPUNGE\r\n", i + 1).as_bytes());
                }
            }
        }
        if !vanished.is_empty() {
            vanished.reverse();
            out.extend_from_slice(format!("* VANISHED {}\r\n", compress(&vanished)).as_bytes());
        }
    }
    let last = view.uids.last().copied().unwrap_or(0);
    let before = view.uids.len();
    for m in mailbox.messages.iter_mut().filter(|m| m.uid > last) {
        view.uids.push(m.uid);
        view.flags.push(m.flags.clone());
        if m.recent && !view.read_only {
            m.recent = false;
            view.recent.insert(m.uid);
        }
    }
    if view.uids.len() != before {
        out.extend_from_slice(format!("* {} EXISTS\r\n", view.uids.len()).as_bytes());
    }
    if view.recent.len() != view.recent_reported {
        view.recent_reported = view.recent.len();
        out.extend_from_slice(format!("* {} RECENT\r\n", view.recent.len()).as_bytes());
    }
    let delayed = mode != SyncMode::Full && view.uids.iter().any(|&u| mailbox.message(u).is_none());
    let highest = mailbox.highest_modseq;
    drop(world);
    modseq::shown(conn, shown_modseq);
    conn.pending_highestmodseq = modseq::after_sync(conn, highest, delayed);
    Synced::Ok
}

// ---------------------------------------------------------------------------------
// Message sets

/// A sequence set naming messages that do not exist (`BAD ... Invalid messageset`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct InvalidSet;

/// The message numbers (0-based indexes into the view) a set names.
/// For sequence numbers, a number past the end (or any number in an empty mailbox)
/// makes the whole set invalid, as Dovecot says: `BAD ... Invalid messageset`.
/// For UIDs, UIDs that do not exist are simply not there (RFC 9051 §6.4.8).
pub fn resolve(
    view: &SelectedView,
    set: &SequenceSet,
    uid: bool,
) -> Result<Vec<usize>, InvalidSet> {
    let SequenceSet::Ranges(ranges) = set else {
        return Ok(Vec::new());
    };
    if uid {
        let largest = view.uids.last().copied().unwrap_or(0);
        return Ok((0..view.uids.len())
            .filter(|&i| set.contains(view.uids[i], largest))
            .collect());
    }
    let count = view.uids.len() as u32;
    if count == 0 {
        return Err(InvalidSet);
    }
    for &(a, b) in ranges {
        for n in std::iter::once(a).chain(b) {
            if let crate::grammar::sequence::SeqNumber::Value(v) = n {
                if v > count || v == 0 {
                    return Err(InvalidSet);
                }
            }
        }
    }
    Ok((0..view.uids.len())
        .filter(|&i| set.contains(i as u32 + 1, count))
        .collect())
}

/// `1:3,5` from sorted numbers: how COPYUID, VANISHED and ESEARCH write sets.
pub(crate) fn compress(numbers: &[u32]) -> String {
    SequenceSet::from_numbers(numbers).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_and_tags_as_dovecot_reads_them() {
        assert_eq!(words(b"c5COPY 1 body[]"), ("c5COPY".into(), "1".into()));
        assert_eq!(words(b"LIST"), ("LIST".into(), "".into()));
        assert!(valid_tag("a1") && valid_tag("c1LOGIN"));
        assert!(!valid_tag("*") && !valid_tag("") && !valid_tag("a+b"));
    }

    #[test]
    fn sets_compress() {
        assert_eq!(compress(&[1, 2, 3, 5, 7, 8]), "1:3,5,7:8");
        assert_eq!(compress(&[4]), "4");
    }
}
