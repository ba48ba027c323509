//! The telnet reader: raw captures with no prefixes, like the seed walkthrough.
//!
//! A telnet session shows both sides in one stream, so every line must be given a
//! side, and the text around the session must be told apart from it:
//!
//! - telnet's own lines (`Trying 10.10.41.192...`, `Connected to X.`, `Escape character
//!   is '^]'.`, `Connection closed by foreign host.`, `telnet: ...`), shell prompts
//!   (`User@TryHackMe$ telnet 10.10.41.192 143`) and `openssl s_client`'s reports are
//!   `Other`, with the reason;
//! - before the server's greeting and after the session ends (the tagged reply to
//!   LOGOUT, or the connection closing), everything else is prose: `Other`;
//! - in the session, server lines start with `* `, `+ ` (or are `+` alone), or are a
//!   tag a client line used followed by OK/NO/BAD; client lines are `tag command ...`
//!   (command names from the grammar's vocabulary, any case), a tag glued to an
//!   upper-case command (`c1LOGIN`: a learner's mistake, still the client's line),
//!   `DONE` during IDLE, the base64 answers to AUTHENTICATE's `+`, and `tag anything`
//!   when the server answers that tag (an extension command we do not list).
//!
//! Bytes: telnet sends CR LF for each typed line and servers end theirs with CR LF.
//! A capture whose lines end in a bare LF (any paste) gets CR LF back, with one note;
//! a capture that has CRs is taken as exact. Literals are fitted by [`super::resync`],
//! which undoes the other damage pastes do (TABs turned into spaces).

use super::resync::{self, closes_fetch, Candidate, Look, SyncAnswer};
use super::{split_lines, Direction, Format, ReadError, Record, Transcript};
use crate::grammar::vocabulary::COMMANDS;
use std::collections::HashSet;
use std::sync::OnceLock;

pub(crate) const FORMAT: Format = Format {
    name: "telnet",
    description: "a raw capture with no prefixes (telnet, openssl s_client, nc), pasted or exact",
    sniff,
    read: read_telnet,
};

const NAME: &str = "telnet";

/// The fallback: any text can be tried as a capture.
fn sniff(_: &str) -> u32 {
    1
}

// ---------------------------------------------------------------------------------
// What a line is

/// `tag = 1*<any ASTRING-CHAR except "+">` (RFC 9051 §9): printable ASCII but
/// `( ) { % * " \ +` and space.
pub(crate) fn is_tag(word: &str) -> bool {
    !word.is_empty()
        && word
            .bytes()
            .all(|b| b.is_ascii_graphic() && !b"(){%*\"\\+".contains(&b))
}

fn is_command(word: &str) -> bool {
    COMMANDS.iter().any(|c| c.eq_ignore_ascii_case(word))
}

/// `c1LOGIN`: a tag glued to an upper-case command. The tag must have a digit or be
/// lower case, or ordinary words would match (`REMOVE` is not `RE` + `MOVE`).
fn glued(word: &str) -> Option<(&str, &'static str)> {
    // Longest first: `c2UNSELECT` is `c2` + UNSELECT, not `c2UN` + SELECT.
    static LONGEST_FIRST: OnceLock<Vec<&'static str>> = OnceLock::new();
    let commands = LONGEST_FIRST.get_or_init(|| {
        let mut commands = COMMANDS.to_vec();
        commands.sort_by_key(|c| std::cmp::Reverse(c.len()));
        commands
    });
    commands.iter().copied().find_map(|command| {
        let tag = word.strip_suffix(command)?;
        let plausible = is_tag(tag)
            && (tag.bytes().any(|b| b.is_ascii_digit())
                || tag.bytes().all(|b| b.is_ascii_lowercase()));
        plausible.then_some((tag, command))
    })
}

/// A client command line: `(tag, command, glued)`.
pub(crate) fn command_of(text: &str) -> Option<(&str, &str, bool)> {
    let mut words = text.split(' ');
    let first = words.next()?;
    if let Some(second) = words.next() {
        if is_tag(first) && is_command(second) {
            return Some((first, second, false));
        }
    }
    glued(first).map(|(tag, command)| (tag, command, true))
}

/// A tagged status response: `(tag, status)`.
pub(crate) fn status_of(text: &str) -> Option<(&str, &str)> {
    let mut words = text.split(' ');
    let tag = words.next()?;
    let status = words.next()?;
    (is_tag(tag)
        && ["OK", "NO", "BAD"]
            .iter()
            .any(|s| s.eq_ignore_ascii_case(status)))
    .then_some((tag, status))
}

fn is_untagged(text: &str) -> bool {
    text == "*" || text.starts_with("* ")
}

fn is_continuation(text: &str) -> bool {
    text == "+" || text.starts_with("+ ")
}

/// Without any context: does this line look like IMAP? (For format detection.)
pub(crate) fn looks_like_imap(text: &str) -> bool {
    is_untagged(text)
        || is_continuation(text)
        || status_of(text).is_some()
        || command_of(text).is_some_and(|(_, _, glued)| !glued)
}

fn is_greeting(text: &str) -> bool {
    let Some(rest) = text.strip_prefix("* ") else {
        return false;
    };
    let word = rest.split(' ').next().unwrap_or("");
    ["OK", "PREAUTH", "BYE"]
        .iter()
        .any(|g| g.eq_ignore_ascii_case(word))
}

/// telnet's own lines: `(why, the connection is over)`.
fn telnet_own(text: &str) -> Option<(&'static str, bool)> {
    let t = text.trim();
    if t.starts_with("Trying ") && t.ends_with("...") {
        Some(("telnet's own message: connecting", false))
    } else if t.starts_with("Connected to ") {
        Some(("telnet's own message: connected", false))
    } else if t.starts_with("Escape character is") {
        Some((
            "telnet's own message: the key that reaches its prompt",
            false,
        ))
    } else if t.starts_with("Connection closed")
        || (t.starts_with("Connection to ") && t.contains("closed"))
    {
        Some(("telnet's own message: the connection is closed", true))
    } else if t.starts_with("telnet: ") || t.starts_with("telnet> ") || t == "telnet>" || t == "^]"
    {
        Some(("telnet's own message", false))
    } else {
        None
    }
}

/// A shell prompt and the command typed at it (`User@TryHackMe$ telnet 10.10.41.192 143`):
/// returns the command.
fn shell_prompt(text: &str) -> Option<&str> {
    const TOOLS: &[&str] = &[
        "telnet",
        "openssl",
        "nc",
        "ncat",
        "netcat",
        "socat",
        "gnutls-cli",
        "curl",
        "ssh",
        "imap-tutor",
        "sudo",
        "swaks",
    ];
    let t = text.trim_start();
    let end = t.find(char::is_whitespace).unwrap_or(t.len());
    let first = &t[..end];
    let prompt_char = first.chars().last()?;
    if !matches!(prompt_char, '$' | '#' | '%' | '>') {
        return None;
    }
    let who = &first[..first.len() - 1];
    let command = t[end..].trim();
    let tool = command.split_whitespace().next().unwrap_or("");
    (TOOLS.contains(&tool) || (who.contains('@') && !who.starts_with('@'))).then_some(command)
}

/// `openssl s_client` prints its handshake and session tickets into the same terminal.
fn openssl_single(text: &str) -> bool {
    let t = text.trim();
    t == "---"
        || t.starts_with("CONNECTED(")
        || t.starts_with("depth=")
        || t.starts_with("verify return:")
        || t.starts_with("verify error:")
        || t == "closed"
        || t == "RENEGOTIATING"
        || t.starts_with("read R BLOCK")
        || t.starts_with("read:errno=")
}

fn openssl_block_start(text: &str) -> bool {
    let t = text.trim();
    t.starts_with("Post-Handshake New Session Ticket")
        || t.starts_with("SSL-Session:")
        || t.starts_with("Certificate chain")
}

fn is_base64(text: &str) -> bool {
    !text.is_empty()
        && text
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'/' | b'='))
}

// ---------------------------------------------------------------------------------
// The capture, as seen by the literal fitter

struct Capture<'a> {
    lines: Vec<(&'a str, bool)>,
    /// Some line had its CR: a byte-exact capture, whose line endings are kept.
    exact: bool,
    ends_with_newline: bool,
    /// Tags the client used so far: a tagged reply with one of them ends any literal.
    tags: HashSet<String>,
}

impl Capture<'_> {
    fn text(&self, i: usize) -> &str {
        self.lines[i].0
    }

    fn ending(&self, i: usize) -> &'static [u8] {
        if !self.exact || self.lines[i].1 {
            b"\r\n"
        } else if i + 1 == self.lines.len() && !self.ends_with_newline {
            b""
        } else {
            b"\n"
        }
    }

    /// Is a later line the tagged reply to `tag` (before the tag is used again)?
    fn answered(&self, from: usize, tag: &str) -> bool {
        for i in from..self.lines.len().min(from + 500) {
            let t = self.text(i);
            if status_of(t).is_some_and(|(other, _)| other == tag) {
                return true;
            }
            if command_of(t).is_some_and(|(other, _, _)| other == tag) || telnet_own(t).is_some() {
                return false;
            }
        }
        false
    }

    /// `tag word ...` that the server answers: a command we do not list (an extension,
    /// or a typo the server rejects with BAD).
    fn unlisted_command(&self, i: usize) -> Option<String> {
        let t = self.text(i);
        let mut words = t.split(' ');
        let tag = words.next()?;
        let word = words.next()?;
        if !is_tag(tag)
            || word.is_empty()
            || !word
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_'))
        {
            return None;
        }
        let next = (i + 1..self.lines.len())
            .map(|k| self.text(k))
            .find(|t| !t.trim().is_empty());
        let rejected = next.is_some_and(|n| n.starts_with("* BAD") || is_continuation(n));
        (rejected || self.answered(i + 1, tag)).then(|| tag.to_string())
    }
}

impl resync::Lines for Capture<'_> {
    fn count(&self) -> usize {
        self.lines.len()
    }

    fn number(&self, i: usize) -> usize {
        i + 1
    }

    fn protocol(&self, i: usize) -> (Vec<u8>, Vec<u8>) {
        (self.text(i).as_bytes().to_vec(), self.ending(i).to_vec())
    }

    fn candidate(&self, i: usize, _side: Direction) -> Candidate {
        let t = self.text(i);
        let look = if telnet_own(t).is_some()
            || shell_prompt(t).is_some()
            || status_of(t).is_some_and(|(tag, _)| self.tags.contains(tag))
        {
            Look::Stop
        } else if closes_fetch(t) {
            Look::Closing
        } else if looks_like_imap(t) {
            Look::Message
        } else {
            Look::Data
        };
        Candidate {
            text: t.to_string(),
            ending: self.ending(i),
            look,
            number: i + 1,
        }
    }

    fn after_sync_literal(&self, i: usize) -> SyncAnswer {
        let t = self.text(i);
        if is_continuation(t) {
            SyncAnswer::Continuation
        } else if is_untagged(t) {
            SyncAnswer::Untagged
        } else if status_of(t).is_some() {
            SyncAnswer::Refusal
        } else {
            SyncAnswer::Data
        }
    }
}

// ---------------------------------------------------------------------------------
// The reader

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Phase {
    /// Before the server's greeting: telnet's lines, prompts, prose.
    Before,
    In,
    /// After LOGOUT's reply or the connection closing: only prose, unless a new greeting.
    After,
}

struct Reader<'a> {
    capture: Capture<'a>,
    records: Vec<Record>,
    phase: Phase,
    /// Where the session starts when the capture has no greeting.
    headless_start: Option<usize>,
    idle: Option<String>,
    authenticating: Option<String>,
    /// The last server line was a `+` continuation request.
    after_plus: bool,
    logout: Option<String>,
    /// Inside an `openssl s_client` report (a session ticket), until its `---`.
    openssl_block: bool,
    openssl: bool,
    lf_noted: bool,
    unknown_tags: HashSet<String>,
    client_command: Option<String>,
    sessions: usize,
}

/// Reads a raw capture. Fails only when no line of it is IMAP.
pub(crate) fn read_telnet(text: &str) -> Result<Transcript, ReadError> {
    super::refuse_binary(NAME, text)?;
    let lines = split_lines(text);
    let exact = lines.iter().any(|(_, cr)| *cr);
    let capture = Capture {
        lines,
        exact,
        ends_with_newline: text.ends_with('\n'),
        tags: HashSet::new(),
    };
    let headless_start = if capture.lines.iter().any(|(t, _)| is_greeting(t)) {
        None
    } else {
        (0..capture.lines.len()).find(|&i| {
            let t = capture.text(i);
            is_untagged(t)
                || is_continuation(t)
                || command_of(t)
                    .is_some_and(|(tag, _, glued)| !glued && capture.answered(i + 1, tag))
        })
    };
    let mut reader = Reader {
        capture,
        records: Vec::new(),
        phase: Phase::Before,
        headless_start,
        idle: None,
        authenticating: None,
        after_plus: false,
        logout: None,
        openssl_block: false,
        openssl: false,
        lf_noted: false,
        unknown_tags: HashSet::new(),
        client_command: None,
        sessions: 0,
    };
    let mut i = 0;
    while i < reader.capture.lines.len() {
        i = reader.step(i);
    }
    if reader.sessions == 0 {
        return Err(ReadError::new(
            NAME,
            1,
            None,
            "no IMAP found: a capture shows the server's greeting (`* OK ...`) and commands such as `a1 LOGIN user password`; for `C:`/`S:` text, prefix every protocol line",
        ));
    }
    let mut transcript = Transcript {
        meta: Vec::new(),
        records: reader.records,
    };
    match reader.client_command {
        Some(command) => transcript.set_meta("client", command),
        None if reader.openssl => transcript.set_meta("client", "openssl s_client"),
        None => {}
    }
    Ok(transcript)
}

impl Reader<'_> {
    fn other(&mut self, i: usize, why: &str) {
        self.records.push(Record::Other {
            text: self.capture.text(i).trim_end().to_string(),
            why: why.to_string(),
            source_line: i + 1,
        });
    }

    fn note(&mut self, i: usize, text: String) {
        self.records.push(Record::Note {
            text,
            source_line: i + 1,
        });
    }

    /// Reads from line `i`; returns the next line to read.
    fn step(&mut self, i: usize) -> usize {
        let text = self.capture.text(i);
        if self.phase != Phase::In {
            if text.trim().is_empty() {
                return i + 1;
            }
            if let Some((why, _)) = telnet_own(text) {
                self.other(i, why);
                return i + 1;
            }
            if let Some(command) = shell_prompt(text) {
                if command.starts_with("openssl") {
                    self.openssl = true;
                }
                if self.client_command.is_none() && !command.is_empty() {
                    self.client_command = Some(command.to_string());
                }
                self.other(i, "a shell prompt and the command typed at it");
                return i + 1;
            }
            if is_greeting(text) || self.headless_start == Some(i) {
                if self.sessions > 0 {
                    self.note(
                        i,
                        "a new connection starts here; its bytes follow the previous one's"
                            .to_string(),
                    );
                }
                self.phase = Phase::In;
                self.sessions += 1;
                return self.in_session(i);
            }
            let why = match self.phase {
                Phase::Before if self.openssl => "openssl s_client's own output",
                Phase::Before => "prose, not IMAP",
                _ => "after the session: prose, not IMAP",
            };
            self.other(i, why);
            return i + 1;
        }
        self.in_session(i)
    }

    fn in_session(&mut self, i: usize) -> usize {
        let text = self.capture.text(i);
        if text.trim().is_empty() {
            // An empty SASL response is a line of its own; in an exact capture, so is an
            // empty line with its CR (the learner pressed Enter: telnet sent CR LF).
            // Elsewhere blank lines are the web page's layout.
            let typed = self.capture.exact && self.capture.lines[i].1 && text.is_empty();
            if (self.authenticating.is_some() && self.after_plus) || typed {
                return self.message(Direction::Client, i);
            }
            return i + 1;
        }
        if self.openssl_block {
            if text.trim() == "---" {
                self.openssl_block = false;
            }
            self.other(i, "openssl s_client's own output");
            return i + 1;
        }
        if let Some((why, closed)) = telnet_own(text) {
            self.other(i, why);
            if closed {
                self.phase = Phase::After;
            }
            return i + 1;
        }
        if shell_prompt(text).is_some() {
            self.other(i, "a shell prompt: the session is over");
            self.phase = Phase::Before;
            return i + 1;
        }
        if (self.openssl || text.trim() == "---")
            && (openssl_single(text) || openssl_block_start(text))
        {
            self.openssl_block = openssl_block_start(text);
            self.openssl = true;
            self.other(i, "openssl s_client's own output");
            return i + 1;
        }
        match self.side_of(i) {
            Some(side) => self.message(side, i),
            None => {
                self.other(
                    i,
                    "in the session, but neither a command nor a response: prose, not IMAP",
                );
                i + 1
            }
        }
    }

    fn side_of(&self, i: usize) -> Option<Direction> {
        let text = self.capture.text(i);
        if self.authenticating.is_some()
            && self.after_plus
            && text != "+"
            && (is_base64(text) || text == "*")
        {
            return Some(Direction::Client);
        }
        if is_untagged(text) || is_continuation(text) || status_of(text).is_some() {
            return Some(Direction::Server);
        }
        if self.idle.is_some() && text.trim().eq_ignore_ascii_case("DONE") {
            return Some(Direction::Client);
        }
        if self.openssl && text.trim() == "DONE" {
            return None;
        }
        if command_of(text).is_some() || self.capture.unlisted_command(i).is_some() {
            return Some(Direction::Client);
        }
        None
    }

    fn message(&mut self, side: Direction, i: usize) -> usize {
        if !self.capture.exact && !self.lf_noted {
            self.lf_noted = true;
            self.note(
                i,
                "the capture's lines end in a bare LF (pasting loses the CRs): every IMAP line gets CR LF back, as telnet and servers send it"
                    .to_string(),
            );
        }
        let text = self.capture.text(i).to_string();
        match side {
            Direction::Client => {
                let tag = command_of(&text)
                    .map(|(tag, command, _)| (tag.to_string(), command.to_ascii_uppercase()))
                    .or_else(|| {
                        self.capture
                            .unlisted_command(i)
                            .map(|tag| (tag, String::new()))
                    });
                if let Some((tag, command)) = tag {
                    match command.as_str() {
                        "IDLE" => self.idle = Some(tag.clone()),
                        "AUTHENTICATE" => self.authenticating = Some(tag.clone()),
                        "LOGOUT" => self.logout = Some(tag.clone()),
                        _ => {}
                    }
                    self.capture.tags.insert(tag);
                }
                self.after_plus = false;
            }
            Direction::Server => {
                self.after_plus = is_continuation(&text);
                if let Some((tag, _)) = status_of(&text) {
                    if !self.capture.tags.contains(tag) && self.unknown_tags.insert(tag.to_string())
                    {
                        self.note(
                            i,
                            format!("a tagged reply for `{tag}`, but no command with that tag was seen: the capture may start mid-session"),
                        );
                    }
                }
            }
        }
        let next = resync::read_message(&self.capture, side, i, &mut self.records);
        if side == Direction::Server {
            if let Some((tag, _)) = status_of(&text) {
                for slot in [&mut self.idle, &mut self.authenticating] {
                    if slot.as_deref() == Some(tag) {
                        *slot = None;
                    }
                }
                if self.logout.as_deref() == Some(tag) {
                    self.logout = None;
                    self.phase = Phase::After;
                }
            }
        }
        next
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recognises_commands_in_every_form() {
        assert_eq!(command_of("a1 LOGIN x y"), Some(("a1", "LOGIN", false)));
        assert_eq!(command_of("a1 login x y"), Some(("a1", "login", false)));
        assert_eq!(
            command_of("c1LOGIN <username> <password>"),
            Some(("c1", "LOGIN", true))
        );
        assert_eq!(command_of("c2UNSELECT"), Some(("c2", "UNSELECT", true)));
        assert_eq!(command_of("REMOVE this"), None);
        assert_eq!(command_of("* OK ready"), None);
        assert_eq!(
            status_of("A OK [CAPABILITY IMAP4rev1] Logged in"),
            Some(("A", "OK"))
        );
        assert_eq!(status_of("* OK ready"), None);
    }

    #[test]
    fn recognises_telnet_and_shell_lines() {
        assert!(telnet_own("Trying 10.10.41.192...").is_some());
        assert_eq!(
            telnet_own("Connection closed by foreign host.").map(|t| t.1),
            Some(true)
        );
        assert_eq!(
            shell_prompt("User@TryHackMe$ telnet 10.10.41.192 143"),
            Some("telnet 10.10.41.192 143")
        );
        assert_eq!(
            shell_prompt("$ openssl s_client -connect h:993"),
            Some("openssl s_client -connect h:993")
        );
        assert_eq!(shell_prompt("* OK ready"), None);
        assert_eq!(shell_prompt("a1 SEARCH $ UNSEEN"), None);
    }

    #[test]
    fn idle_and_authenticate() {
        let t = read_telnet(
            "* OK hi\na AUTHENTICATE PLAIN\n+\nAGFsaWNlAHNlY3JldA==\na OK yes\nb IDLE\n+ idling\n* 2 EXISTS\nDONE\nb OK done\n",
        )
        .unwrap();
        assert_eq!(
            t.bytes_of(Direction::Client),
            b"a AUTHENTICATE PLAIN\r\nAGFsaWNlAHNlY3JldA==\r\nb IDLE\r\nDONE\r\n"
        );
        assert_eq!(
            t.bytes_of(Direction::Server),
            b"* OK hi\r\n+\r\na OK yes\r\n+ idling\r\n* 2 EXISTS\r\nb OK done\r\n"
        );
    }

    #[test]
    fn an_extension_command_is_the_clients_when_the_server_answers_its_tag() {
        let t = read_telnet(
            "* OK hi\nx1 GETQUOTAROOT INBOX\n* QUOTAROOT INBOX \"\"\nx1 OK done\nNow we log out.\n",
        )
        .unwrap();
        assert_eq!(t.bytes_of(Direction::Client), b"x1 GETQUOTAROOT INBOX\r\n");
        assert!(matches!(t.records.last(), Some(Record::Other { .. })));
    }

    #[test]
    fn a_capture_without_greeting_starts_at_its_first_answered_command() {
        let t = read_telnet("Here is what I typed:\na1 NOOP\na1 OK done\n").unwrap();
        assert_eq!(t.bytes_of(Direction::Client), b"a1 NOOP\r\n");
        assert!(matches!(&t.records[0], Record::Other { why, .. } if why.contains("prose")));
    }

    #[test]
    fn a_second_connection_is_noted() {
        let t = read_telnet("* OK one\na LOGOUT\n* BYE\na OK bye\nConnection closed by foreign host.\n$ telnet h 143\n* OK two\n").unwrap();
        assert!(t.notes().any(|n| n.contains("new connection")));
        assert_eq!(
            t.bytes_of(Direction::Server),
            b"* OK one\r\n* BYE\r\na OK bye\r\n* OK two\r\n"
        );
    }

    #[test]
    fn text_with_no_imap_is_an_error() {
        let e = read_telnet("Just some prose.\nNothing else.\n").unwrap_err();
        assert!(e.message.contains("no IMAP"), "{e}");
    }
}
