//! Replay: the client side of a recorded session, sent again to a server, message by
//! message, so that its answers can be compared with the recorded ones.
//!
//! A sans-IO state machine. The front end (`imap-tutor replay`: the in-process mock,
//! or a TCP/TLS socket) asks [`Replay::next_action`] what to do, does it, and reports what
//! happened: [`Replay::receive`] for the server's bytes, [`Replay::timeout`] when a
//! wait ran out, [`Replay::closed`] when the server hung up. Nothing here reads a
//! clock or touches a socket; the front end decides how long "a while" is, guided by
//! [`Patience`].
//!
//! The plan comes from the recording, split into exchanges by [`super::diff`]:
//! - wait for the greeting;
//! - for each command: send it; a synchronizing literal (`{n}`) is sent only after
//!   the server's `+` (RFC 9051 §4.3), and not at all if the server refuses it with a
//!   tagged reply; a non-synchronizing one (`{n+}`) goes at once;
//! - what the client sent inside an exchange (IDLE's `DONE`, AUTHENTICATE's answers)
//!   waits until the server has said as much in that exchange as it had in the
//!   recording before the client spoke (for IDLE: the `+ idling` and the updates);
//! - then wait for the tagged completion, before the next command.
//!
//! IDLE with mail arriving: the updates a server sends during IDLE come from another
//! session. A recording can name that session in its header (`# companion: FILE`,
//! a transcript next to it); the replay then asks the front end to run it
//! ([`Action::Companion`]) once the server has accepted IDLE, and waits for the
//! updates before sending `DONE`.
//!
//! Credentials: recordings are redacted (`LOGIN user "********"`, AUTHENTICATE PLAIN
//! with the password masked). [`Options`] can put a user and a password back; the
//! session that comes out ([`Replay::transcript`]) keeps the recorded, masked bytes
//! for those lines, so a diff against the recording does not show the password.

use crate::grammar::extensions::sasl_ir::{decode_base64, encode_base64};
use crate::grammar::{parse_command, CommandBody};
use crate::wire::{Assembler, Framer, Message, Part};

use super::diff::{exchanges, Kind};
use super::normalize::Rules;
use super::{Direction, Record, Transcript};

/// What recordings put where a secret was (see `explain::redact`).
pub(crate) const MASK: &[u8] = b"********";

/// Credentials that replace the recorded ones.
#[derive(Debug, Clone, Default)]
pub struct Options {
    pub user: Option<String>,
    pub password: Option<String>,
}

/// How long the front end should wait before calling [`Replay::timeout`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Patience {
    /// For an answer the server owes: a greeting, a continuation, a tagged completion.
    Answer,
    /// For updates that may never come (mail during IDLE): a short wait is enough.
    Updates,
}

/// What the front end should do next.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Action {
    /// Write these bytes to the server.
    Send(Vec<u8>),
    /// Read from the server; call [`Replay::timeout`] if nothing comes in time.
    Wait(Patience),
    /// Run the companion session now (another connection to the same server), then
    /// call [`Replay::companion_done`].
    Companion,
    /// Nothing more to send or wait for.
    Finished,
}

/// What a step waits for, counted inside the current exchange.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Need {
    /// The greeting.
    Greeting,
    /// This many continuation requests (`+`).
    Continuations(usize),
    /// This many server messages of any kind except the tagged completion.
    Messages(usize),
    /// The tagged completion.
    Tagged,
}

#[derive(Debug, Clone)]
enum Step {
    /// Starts a new exchange with this tag.
    Begin {
        tag: Option<String>,
    },
    Await(Need, Patience),
    /// `bytes` go on the wire; `recorded` goes into the outcome transcript.
    Send {
        bytes: Vec<u8>,
        recorded: Vec<u8>,
    },
    Companion,
}

/// Why a recording cannot be replayed: what it hides or cuts, at which line of it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReplayError {
    /// A literal larger than the replay keeps (1 MiB).
    LiteralTooLarge { line: usize },
    /// LOGIN's password is masked and no `--password` replaces it.
    LoginMasked { line: usize },
    /// AUTHENTICATE PLAIN's password is masked and no `--password` replaces it.
    PlainMasked { line: usize },
}

impl std::fmt::Display for ReplayError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ReplayError::LiteralTooLarge { line } => write!(
                f,
                "line {line}: a literal of this command is larger than the replay keeps (1 MiB): it cannot be sent again"
            ),
            ReplayError::LoginMasked { line } => write!(
                f,
                "line {line}: the recording masks LOGIN's password (********): give --password (and --user if need be)"
            ),
            ReplayError::PlainMasked { line } => write!(
                f,
                "line {line}: the recording masks the AUTHENTICATE PLAIN password: give --password (and --user if need be)"
            ),
        }
    }
}

impl std::error::Error for ReplayError {}

/// The replay of one session.
#[derive(Debug)]
pub struct Replay {
    steps: Vec<Step>,
    next: usize,
    framer: Framer,
    assembler: Assembler,
    /// Counts in the current exchange.
    tag: Option<String>,
    messages: usize,
    continuations: usize,
    tagged: bool,
    greeted: bool,
    closed: bool,
    companion_pending: bool,
    outcome: Transcript,
}

impl Replay {
    /// Plans the replay of `recorded`. Fails, saying what to add, when the recording
    /// masks a password and `options` gives none.
    pub fn new(
        recorded: &Transcript,
        options: &Options,
        companion: bool,
    ) -> Result<Replay, ReplayError> {
        let mut steps = vec![Step::Await(Need::Greeting, Patience::Answer)];
        for exchange in exchanges(recorded, &Rules::strict()).iter().skip(1) {
            let Some(command) = &exchange.command else {
                continue;
            };
            steps.push(Step::Begin {
                tag: exchange.tag.clone(),
            });
            let (parts, secret) = command_parts(&command.message, options, exchange.source_line)?;
            let mut literals = 0;
            for (bytes, sync) in parts {
                // With credentials put back, the outcome keeps the recorded (masked)
                // command: it is one piece then.
                let recorded_bytes = if secret {
                    command.message.wire_bytes()
                } else {
                    bytes.clone()
                };
                steps.push(Step::Send {
                    bytes,
                    recorded: recorded_bytes,
                });
                if sync {
                    literals += 1;
                    steps.push(Step::Await(Need::Continuations(literals), Patience::Answer));
                }
            }
            let idle = exchange.name == Some("IDLE");
            let mut seen = 0usize;
            let mut companion_done = false;
            for item in &exchange.items {
                match item.kind {
                    Kind::ClientData => {
                        if idle && companion && !companion_done {
                            steps.push(Step::Await(Need::Continuations(1), Patience::Answer));
                            steps.push(Step::Companion);
                            companion_done = true;
                        }
                        let patience = if idle {
                            Patience::Updates
                        } else {
                            Patience::Answer
                        };
                        steps.push(Step::Await(Need::Messages(seen), patience));
                        let recorded_bytes = item.message.wire_bytes();
                        let bytes = client_data(
                            exchange.name,
                            &recorded_bytes,
                            options,
                            item_source(exchange),
                        )?;
                        steps.push(Step::Send {
                            bytes,
                            recorded: recorded_bytes,
                        });
                    }
                    Kind::Tagged => {}
                    _ => seen += 1,
                }
            }
            steps.push(Step::Await(Need::Tagged, Patience::Answer));
        }
        Ok(Replay {
            steps,
            next: 0,
            framer: Framer::default(),
            assembler: Assembler::new(64 * 1024),
            tag: None,
            messages: 0,
            continuations: 0,
            tagged: false,
            greeted: false,
            closed: false,
            companion_pending: false,
            outcome: Transcript {
                meta: Vec::new(),
                records: Vec::new(),
            },
        })
    }

    /// What to do now.
    pub fn next_action(&mut self) -> Action {
        loop {
            if self.companion_pending {
                return Action::Wait(Patience::Answer);
            }
            let Some(step) = self.steps.get(self.next).cloned() else {
                return Action::Finished;
            };
            match step {
                Step::Begin { tag } => {
                    self.tag = tag;
                    self.messages = 0;
                    self.continuations = 0;
                    self.tagged = false;
                    self.next += 1;
                }
                Step::Await(need, patience) => {
                    if self.closed || self.satisfied(&need) {
                        self.next += 1;
                        continue;
                    }
                    return Action::Wait(patience);
                }
                Step::Send { bytes, recorded } => {
                    self.next += 1;
                    if self.closed {
                        continue;
                    }
                    if self.tagged {
                        // The server already completed the command (a refused literal):
                        // the rest of it is never sent (RFC 9051 §4.3).
                        continue;
                    }
                    if !recorded.is_empty() {
                        self.outcome.records.push(Record::Bytes {
                            direction: Direction::Client,
                            bytes: recorded,
                            literal: false,
                            time: None,
                            source_line: 0,
                        });
                    }
                    if bytes.is_empty() {
                        continue;
                    }
                    return Action::Send(bytes);
                }
                Step::Companion => {
                    self.next += 1;
                    if self.closed || self.tagged {
                        continue;
                    }
                    self.companion_pending = true;
                    return Action::Companion;
                }
            }
        }
    }

    fn satisfied(&self, need: &Need) -> bool {
        match need {
            Need::Greeting => self.greeted,
            Need::Continuations(k) => self.tagged || self.continuations >= *k,
            Need::Messages(n) => self.tagged || self.messages >= *n,
            Need::Tagged => self.tagged,
        }
    }

    /// Bytes the server sent, in any chunking.
    pub fn receive(&mut self, bytes: &[u8]) {
        if bytes.is_empty() {
            return;
        }
        self.outcome.records.push(Record::Bytes {
            direction: Direction::Server,
            bytes: bytes.to_vec(),
            literal: false,
            time: None,
            source_line: 0,
        });
        self.framer.feed(bytes);
        while let Some(frame) = self.framer.next_frame() {
            if let Some(message) = self.assembler.push(frame) {
                self.server_message(&message);
            }
        }
    }

    fn server_message(&mut self, message: &Message) {
        let first = message.first_line();
        if !self.greeted {
            self.greeted = true;
            return;
        }
        if first.starts_with(b"+") {
            self.continuations += 1;
            self.messages += 1;
            return;
        }
        let tag_end = first.iter().position(|&b| b == b' ').unwrap_or(first.len());
        let tag = &first[..tag_end];
        if tag != b"*" && self.tag.as_deref().map(str::as_bytes) == Some(tag) {
            self.tagged = true;
        } else {
            self.messages += 1;
        }
    }

    /// The front end waited long enough: stop waiting for the current step, and say
    /// so in the outcome.
    pub fn timeout(&mut self) {
        if self.companion_pending {
            return;
        }
        if let Some(Step::Await(need, _)) = self.steps.get(self.next) {
            let what = match need {
                Need::Greeting => "the greeting".to_string(),
                Need::Continuations(_) => "a continuation request (+)".to_string(),
                Need::Messages(n) => {
                    format!("{n} responses in this exchange (got {})", self.messages)
                }
                Need::Tagged => format!(
                    "the tagged completion of {}",
                    self.tag.as_deref().unwrap_or("?")
                ),
            };
            self.outcome.records.push(Record::Note {
                text: format!("replay: waited for {what} in vain, and went on"),
                source_line: 0,
            });
            self.next += 1;
        }
    }

    /// The server closed the connection: nothing more will be sent.
    pub fn closed(&mut self) {
        if !self.closed {
            self.closed = true;
            self.outcome.records.push(Record::Note {
                text: "replay: the server closed the connection".into(),
                source_line: 0,
            });
        }
    }

    /// The companion session is over.
    pub fn companion_done(&mut self) {
        self.companion_pending = false;
    }

    /// The session as it went: what was sent (recorded bytes where credentials were
    /// replaced) and what the server answered.
    pub fn transcript(&self) -> Transcript {
        self.outcome.clone()
    }
}

fn item_source(exchange: &super::diff::Exchange) -> usize {
    exchange.source_line
}

/// Pieces of a command: (bytes, true if the server's `+` must come before the next).
type Pieces = Vec<(Vec<u8>, bool)>;

/// The command's bytes cut where a synchronizing literal must wait for `+`:
/// (bytes, true if the server's `+` must come before the next piece). The flag
/// `secret` is true when credentials were replaced.
fn command_parts(
    message: &Message,
    options: &Options,
    line: usize,
) -> Result<(Pieces, bool), ReplayError> {
    let parsed = parse_command(&message.grammar_text());
    let truncated = message.literals().any(|l| !l.is_whole());
    if truncated {
        return Err(ReplayError::LiteralTooLarge { line });
    }
    if let Some(command) = &parsed.command {
        match &command.body {
            CommandBody::Login { user, password } => {
                let masked = password.bytes == MASK;
                if masked && options.password.is_none() {
                    return Err(ReplayError::LoginMasked { line });
                }
                if options.user.is_some() || options.password.is_some() {
                    let user = options
                        .user
                        .clone()
                        .unwrap_or_else(|| user.text().into_owned());
                    let password = options
                        .password
                        .clone()
                        .unwrap_or_else(|| password.text().into_owned());
                    let bytes = format!(
                        "{} LOGIN {} {}\r\n",
                        command.tag,
                        quote(&user),
                        quote(&password)
                    );
                    return Ok((vec![(bytes.into_bytes(), false)], true));
                }
            }
            CommandBody::Authenticate {
                mechanism,
                initial_response: Some(ir),
            } if mechanism.eq_ignore_ascii_case("PLAIN") => {
                if let Some(new) = plain(ir.as_bytes(), options, line)? {
                    let bytes = format!("{} AUTHENTICATE {mechanism} {new}\r\n", command.tag);
                    return Ok((vec![(bytes.into_bytes(), false)], true));
                }
            }
            _ => {}
        }
    }
    let mut out: Pieces = Vec::new();
    let mut current = Vec::new();
    for part in &message.parts {
        match part {
            Part::Line(l) => {
                current.extend_from_slice(&l.bytes);
                if l.literal
                    .is_some_and(|h| h.kind.is_synchronizing() && h.size > 0)
                {
                    out.push((std::mem::take(&mut current), true));
                }
            }
            Part::Literal(l) => current.extend_from_slice(&l.data),
            Part::Overlong { head, .. } => current.extend_from_slice(head),
            Part::Truncated { bytes } => current.extend_from_slice(bytes),
        }
    }
    if !current.is_empty() {
        out.push((current, false));
    }
    // A synchronizing literal the server refused in the recording ends the command
    // there: the last piece waits for a `+` that will not come, and that is right.
    Ok((out, false))
}

/// A line the client sent inside an exchange, with credentials put back: the answer
/// to AUTHENTICATE PLAIN's `+`.
fn client_data(
    name: Option<&str>,
    recorded: &[u8],
    options: &Options,
    line: usize,
) -> Result<Vec<u8>, ReplayError> {
    if name != Some("AUTHENTICATE") {
        return Ok(recorded.to_vec());
    }
    let text = recorded.strip_suffix(b"\r\n").unwrap_or(recorded);
    match plain(text, options, line)? {
        Some(new) => Ok(format!("{new}\r\n").into_bytes()),
        None => Ok(recorded.to_vec()),
    }
}

/// A PLAIN response (`authzid NUL user NUL password`, base64) with the user and
/// password replaced; None when there is nothing to replace or it is not PLAIN data.
fn plain(b64: &[u8], options: &Options, line: usize) -> Result<Option<String>, ReplayError> {
    let Some(decoded) = decode_base64(b64) else {
        return Ok(None);
    };
    let fields: Vec<&[u8]> = decoded.split(|&b| b == 0).collect();
    if fields.len() != 3 {
        return Ok(None);
    }
    if fields[2] == MASK && options.password.is_none() {
        return Err(ReplayError::PlainMasked { line });
    }
    if options.user.is_none() && options.password.is_none() {
        return Ok(None);
    }
    let user = options
        .user
        .as_deref()
        .map_or(fields[1].to_vec(), |u| u.as_bytes().to_vec());
    let password = options
        .password
        .as_deref()
        .map_or(fields[2].to_vec(), |p| p.as_bytes().to_vec());
    let joined = [fields[0], b"\0", &user, b"\0", &password].concat();
    Ok(Some(encode_base64(&joined)))
}

/// An IMAP quoted string (RFC 9051 §4.3): `"` and `\` escaped.
fn quote(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        if c == '"' || c == '\\' {
            out.push('\\');
        }
        out.push(c);
    }
    out.push('"');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn recorded(text: &str) -> Transcript {
        super::super::read(&format!("# imap-tutor transcript 1\n\n{text}")).unwrap()
    }

    /// Drives a replay with scripted server answers: each Send is answered by the
    /// next chunk of `answers`.
    fn drive(replay: &mut Replay, mut answers: Vec<&str>) -> Vec<String> {
        let mut sent = Vec::new();
        answers.reverse();
        for _ in 0..100 {
            match replay.next_action() {
                Action::Send(b) => sent.push(String::from_utf8(b).unwrap()),
                Action::Wait(_) => match answers.pop() {
                    Some(a) => replay.receive(a.as_bytes()),
                    None => replay.timeout(),
                },
                Action::Companion => replay.companion_done(),
                Action::Finished => break,
            }
        }
        sent
    }

    #[test]
    fn a_synchronizing_literal_waits_for_the_continuation() {
        let t = recorded("S: * OK hi\nC: a1 APPEND INBOX {5}\nS: + OK\nC| hello\nS: a1 OK done\n");
        let mut r = Replay::new(&t, &Options::default(), false).unwrap();
        assert_eq!(r.next_action(), Action::Wait(Patience::Answer));
        r.receive(b"* OK hi\r\n");
        assert_eq!(
            r.next_action(),
            Action::Send(b"a1 APPEND INBOX {5}\r\n".to_vec())
        );
        assert_eq!(r.next_action(), Action::Wait(Patience::Answer));
        r.receive(b"+ OK\r\n");
        assert_eq!(r.next_action(), Action::Send(b"hello\r\n".to_vec()));
        assert_eq!(r.next_action(), Action::Wait(Patience::Answer));
        r.receive(b"a1 OK done\r\n");
        assert_eq!(r.next_action(), Action::Finished);
    }

    #[test]
    fn a_refused_literal_is_not_sent() {
        let t = recorded("S: * OK hi\nC: a1 APPEND INBOX {5}\nS: + OK\nC| hello\nS: a1 OK done\nC: a2 NOOP\nS: a2 OK\n");
        let mut r = Replay::new(&t, &Options::default(), false).unwrap();
        let sent = drive(
            &mut r,
            vec!["* OK hi\r\n", "a1 NO [TRYCREATE] no\r\n", "a2 OK\r\n"],
        );
        assert_eq!(sent, vec!["a1 APPEND INBOX {5}\r\n", "a2 NOOP\r\n"]);
    }

    #[test]
    fn idle_sends_done_after_the_updates() {
        let t = recorded("S: * OK hi\nC: a1 IDLE\nS: + idling\nS: * 5 EXISTS\nC: DONE\nS: a1 OK Idle completed.\n");
        let mut r = Replay::new(&t, &Options::default(), true).unwrap();
        r.receive(b"* OK hi\r\n");
        assert_eq!(r.next_action(), Action::Send(b"a1 IDLE\r\n".to_vec()));
        assert_eq!(r.next_action(), Action::Wait(Patience::Answer));
        r.receive(b"+ idling\r\n");
        assert_eq!(r.next_action(), Action::Companion);
        assert_eq!(
            r.next_action(),
            Action::Wait(Patience::Answer),
            "the companion runs"
        );
        r.companion_done();
        assert_eq!(r.next_action(), Action::Wait(Patience::Updates));
        r.receive(b"* 5 EXISTS\r\n");
        assert_eq!(r.next_action(), Action::Send(b"DONE\r\n".to_vec()));
    }

    #[test]
    fn a_masked_password_needs_one_and_the_outcome_keeps_the_mask() {
        let t = recorded("S: * OK hi\nC: a1 LOGIN strategos \"********\"\nS: a1 OK Logged in\n");
        let e = Replay::new(&t, &Options::default(), false).unwrap_err();
        assert!(e.to_string().contains("--password"), "{e}");
        let options = Options {
            user: None,
            password: Some("tryhackme".into()),
        };
        let mut r = Replay::new(&t, &options, false).unwrap();
        let sent = drive(&mut r, vec!["* OK hi\r\n", "a1 OK Logged in\r\n"]);
        assert_eq!(sent, vec!["a1 LOGIN \"strategos\" \"tryhackme\"\r\n"]);
        assert_eq!(
            r.transcript().bytes_of(Direction::Client),
            b"a1 LOGIN strategos \"********\"\r\n"
        );
    }

    #[test]
    fn authenticate_plain_gets_the_password_back() {
        let masked = encode_base64(b"\0strategos\0********");
        let t = recorded(&format!(
            "S: * OK hi\nC: a1 AUTHENTICATE PLAIN\nS: +\\x20\nC: {masked}\nS: a1 OK Logged in\n"
        ));
        let options = Options {
            user: None,
            password: Some("tryhackme".into()),
        };
        let mut r = Replay::new(&t, &options, false).unwrap();
        let sent = drive(&mut r, vec!["* OK hi\r\n", "+ \r\n", "a1 OK Logged in\r\n"]);
        assert_eq!(
            sent[1],
            format!("{}\r\n", encode_base64(b"\0strategos\0tryhackme"))
        );
    }
}
