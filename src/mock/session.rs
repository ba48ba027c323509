//! One client's connection to the mock server, sans-IO: bytes in, bytes and events out.
//!
//! The session owns a [`Framer`] and an [`Assembler`], so input may arrive in any
//! chunking. It follows the state machine of RFC 9051 §3 (not authenticated →
//! authenticated ⇄ selected → logout) and answers as Dovecot 2.3 does, including
//! where Dovecot's two processes differ: before login `imap-login` answers (no timing
//! figures, three bad commands and you are out), after login `imap` does.
//!
//! Beyond single commands it handles:
//! - synchronizing literals: `+ OK` when a line announces `{n}`, unless the command
//!   can already be refused (APPEND to a missing mailbox, a bad date, an empty
//!   message, a message over the size limit), exactly as Dovecot refuses them;
//! - continuations that are not literals: AUTHENTICATE's `+ ` and IDLE's `+ idling`;
//! - pending updates: other sessions' changes reported after commands as RFC 9051
//!   §7 allows (no EXPUNGE during FETCH, STORE or SEARCH, §7.5.1), on NOOP and CHECK,
//!   and while idling through [`Session::poll_updates`];
//! - limits: line length, literal size, bad commands, inactivity ([`Session::tick`]).
//!
//! It never panics on any input; a test feeds it random bytes.

use std::sync::Arc;
use std::time::Instant;

use crate::grammar::{Diagnostic, State};
use crate::wire::framer::{FrameError, Limits as WireLimits};
use crate::wire::{Assembler, Frame, Framer, Message};

use super::commands::{self, auth::AuthStep, Conn, Next};
use super::config::Config;
use super::input_limits;
use super::reply::{append_to, status_line, Chunks, Reply, Splice};
use super::store::Store;
use super::wording as w;

/// What the session wants the front end to know besides the bytes to send.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Event {
    /// A command was answered BAD; here is what the grammar found, for the tutor.
    /// The wire text stays Dovecot's; these explain it to a learner.
    Diagnostic {
        tag: Option<String>,
        command: Option<String>,
        diagnostics: Vec<Diagnostic>,
    },
    /// A command the fixture advertises but the mock does not implement was refused.
    NotImplemented { tag: String, what: String },
    /// The protocol state changed (RFC 9051 §3).
    StateChanged { from: State, to: State },
    /// The session is over: send the bytes, then close the connection.
    Closed { reason: String },
}

/// Bytes to send and events to act on.
///
/// With [`Session::set_streaming`], large literals of stored messages are not in
/// `bytes` but in `splices` (see [`crate::mock::reply`]): write [`Output::chunks`].
/// Without it (the default), `bytes` holds every byte and `splices` is empty.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Output {
    pub bytes: Vec<u8>,
    pub(crate) splices: Vec<Splice>,
    pub events: Vec<Event>,
}

impl Output {
    /// Every byte to send, in order: text and splices.
    pub(crate) fn chunks(&self) -> Chunks<'_> {
        Chunks::new(&self.bytes, &self.splices)
    }

    /// Appends a command's reply.
    fn append(&mut self, reply: Reply) {
        append_to(&mut self.bytes, &mut self.splices, reply);
    }

    pub fn is_closed(&self) -> bool {
        self.events
            .iter()
            .any(|e| matches!(e, Event::Closed { .. }))
    }
}

/// What the session expects next from the client.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Mode {
    Commands,
    /// IDLE is running; the next line should be DONE.
    Idle {
        tag: String,
    },
    /// AUTHENTICATE is waiting for the client's next response line.
    Auth {
        tag: String,
        step: AuthStep,
    },
    Closed,
}

/// One client connection.
#[derive(Debug)]
pub struct Session {
    store: Store,
    config: Arc<Config>,
    framer: Framer,
    assembler: Assembler,
    conn: Conn,
    mode: Mode,
    /// The text of the message being assembled, for checking a command before
    /// answering its synchronizing literal. Bounded by the line limit.
    partial: Vec<u8>,
    /// The rest of a line over the limit is being skipped: it was answered already.
    skipping: bool,
    /// Bytes of that line so far, for imap-login's cap on how far it skips.
    skipped: usize,
    /// Replies splice stored messages rather than copy them.
    streaming: bool,
    /// Bytes reserved in the store for an APPEND whose literal is on its way.
    reserved: u64,
    /// Set by input, read by [`Session::tick`]: the session never reads a clock itself.
    active: bool,
    last_activity: Option<Instant>,
    last_keepalive: Option<Instant>,
    /// The first tick: when the connection started, as far as the session knows.
    connected: Option<Instant>,
}

impl Session {
    /// A new connection: the session and the greeting to send.
    pub fn new(store: Store, config: Arc<Config>) -> (Session, Vec<u8>) {
        // Before login, imap-login's shorter line (see input_limits).
        let limits = WireLimits {
            max_line: config.limits.max_line.min(input_limits::LOGIN_MAX_LINE),
            max_literal: config.limits.max_append,
        };
        let retain = usize::try_from(config.limits.max_append)
            .unwrap_or(usize::MAX)
            .max(config.limits.max_line);
        let greeting = format!(
            "* OK [CAPABILITY {}] {}\r\n",
            config.identity.before_login.join(" "),
            config.identity.greeting
        )
        .into_bytes();
        let session = Session {
            store,
            config,
            framer: Framer::new(limits),
            assembler: Assembler::new(retain),
            conn: Conn::default(),
            mode: Mode::Commands,
            partial: Vec::new(),
            skipping: false,
            skipped: 0,
            streaming: false,
            reserved: 0,
            active: true,
            last_activity: None,
            last_keepalive: None,
            connected: None,
        };
        (session, greeting)
    }

    /// The logged-in user, if any.
    pub(crate) fn user(&self) -> Option<&str> {
        self.conn.user.as_deref()
    }

    /// True while IDLE runs: the front end should call [`Session::poll_updates`] when
    /// the store changes.
    pub fn is_idling(&self) -> bool {
        matches!(self.mode, Mode::Idle { .. })
    }

    pub fn is_closed(&self) -> bool {
        self.mode == Mode::Closed
    }

    /// True once the client has sent NOTIFY: the front end should then call
    /// [`Session::poll_notify`] when the store changes.
    pub fn has_notify(&self) -> bool {
        self.conn.notify.is_some()
    }

    /// Lets replies refer to stored messages instead of copying them (`serve` does,
    /// and writes [`Output::chunks`]); see [`crate::mock::reply`].
    pub(crate) fn set_streaming(&mut self, on: bool) {
        self.streaming = on;
    }

    /// Bytes of input the session holds: an unfinished line, the literals of an
    /// unfinished command. Bounded by the limits whatever the client sends.
    pub fn buffered(&self) -> usize {
        self.framer.pending() + self.partial.len() + self.assembler.held()
    }

    /// Feeds bytes from the client, in any chunking.
    pub fn receive(&mut self, bytes: &[u8]) -> Output {
        let mut out = Output::default();
        if self.mode == Mode::Closed {
            return out;
        }
        self.active = true;
        self.framer.feed(bytes);
        while self.mode != Mode::Closed {
            let Some(frame) = self.framer.next_frame() else {
                break;
            };
            self.on_frame(frame, &mut out);
            if self.conn.state != State::NotAuthenticated {
                self.framer.set_max_line(self.config.limits.max_line);
            }
        }
        if self.skipping {
            self.check_login_skip(self.framer.pending(), &mut out);
        }
        // imap-login gives up on a word too long as soon as it sees it, LF or not.
        let pending = self.framer.partial_line();
        if self.conn.state == State::NotAuthenticated
            && self.mode == Mode::Commands
            && pending.len() > input_limits::LOGIN_MAX_WORD
            && input_limits::login_word_too_long(pending)
        {
            let bye = format!("* BYE {}\r\n", input_limits::INPUT_BUFFER_FULL);
            out.bytes.extend_from_slice(bye.as_bytes());
            self.close(&mut out, "a word too long before login");
        }
        out
    }

    /// The client closed its side: nothing more will come.
    pub fn end_of_input(&mut self) -> Output {
        let mut out = Output::default();
        if self.mode != Mode::Closed {
            self.close(&mut out, "the client closed the connection");
        }
        out
    }

    /// Changes other sessions made, for an idling client (empty when not idling: a
    /// client that is not idling learns of changes at its next command, or from
    /// [`Session::poll_notify`]).
    pub fn poll_updates(&mut self) -> Vec<u8> {
        if !self.is_idling() {
            return Vec::new();
        }
        self.updates(Some(commands::SyncMode::Full))
    }

    /// NOTIFY's events (RFC 5465), for a client waiting between commands: §1 says
    /// NOTIFY "permits and requires the server to send information about updates
    /// between commands", and Dovecot sends them as soon as it sees them. The front
    /// end calls this when the store changes. Empty without NOTIFY, while idling
    /// ([`Session::poll_updates`] then), and in the middle of a command (its line,
    /// its literals, AUTHENTICATE's exchange): the events then wait for the reply.
    pub fn poll_notify(&mut self) -> Vec<u8> {
        let between_commands = self.mode == Mode::Commands
            && !self.skipping
            && self.buffered() == 0
            && self.framer.literal_to_come() == 0;
        let Some(set) = self.conn.notify.as_ref().filter(|_| between_commands) else {
            return Vec::new();
        };
        let heard = commands::notify::selected_events(Some(set));
        // SELECTED-DELAYED keeps expunges for a command that allows them (§6.1.2);
        // without a selected group the selected mailbox waits for the next command.
        let sync = match () {
            _ if !heard.messages && !heard.flags => None,
            _ if commands::notify::delays_expunges(set) => Some(commands::SyncMode::NoExpunges),
            _ => Some(commands::SyncMode::Full),
        };
        self.updates(sync)
    }

    /// Other mailboxes' NOTIFY events, then the selected mailbox's changes (unless
    /// `sync` is None), then HIGHESTMODSEQ: the order the next command's answer would
    /// have.
    fn updates(&mut self, sync: Option<commands::SyncMode>) -> Vec<u8> {
        let mut out = Output::default();
        commands::notify_watch::report(&mut self.conn, &self.store, &mut out.bytes);
        if let Some(mode) = sync {
            if !self.sync(mode, false, &mut out) {
                return out.bytes;
            }
            commands::modseq::report(&mut self.conn, &mut None, false, &mut out.bytes);
        }
        out.bytes
    }

    /// Lets the session act on time: the inactivity BYE, and IDLE's keepalive.
    /// The front end calls this now and then (every few seconds is plenty).
    pub fn tick(&mut self, now: Instant) -> Output {
        let mut out = Output::default();
        if self.mode == Mode::Closed {
            return out;
        }
        let connected = *self.connected.get_or_insert(now);
        if self.active || self.last_activity.is_none() {
            self.active = false;
            self.last_activity = Some(now);
        }
        // Before login the clock runs from the connection, whatever the client sends:
        // imap-login's timeout is absolute (login-common's CLIENT_LOGIN_TIMEOUT), so a
        // client sending a byte a second is still out after 3 minutes. After login it
        // runs from the last input.
        let (since, timeout) = if self.conn.state == State::NotAuthenticated {
            (
                now.saturating_duration_since(connected),
                self.config.limits.login_timeout,
            )
        } else {
            (
                now.saturating_duration_since(self.last_activity.unwrap_or(now)),
                self.config.limits.idle_timeout,
            )
        };
        if since >= timeout {
            out.bytes
                .extend_from_slice(format!("* BYE {}\r\n", w::INACTIVITY).as_bytes());
            self.close(&mut out, "inactivity");
            return out;
        }
        if self.is_idling() {
            let last = *self.last_keepalive.get_or_insert(now);
            if now.saturating_duration_since(last) >= self.config.limits.idle_keepalive {
                self.last_keepalive = Some(now);
                out.bytes
                    .extend_from_slice(format!("* OK {}\r\n", w::IDLE_STILL_HERE).as_bytes());
            }
        }
        out
    }

    fn close(&mut self, out: &mut Output, reason: &str) {
        self.release();
        let from = self.conn.state;
        self.mode = Mode::Closed;
        self.conn.state = State::Logout;
        if from != State::Logout {
            out.events.push(Event::StateChanged {
                from,
                to: State::Logout,
            });
        }
        out.events.push(Event::Closed {
            reason: reason.into(),
        });
    }

    fn on_frame(&mut self, frame: Frame, out: &mut Output) {
        if let Frame::Overlong { bytes, last, .. } = frame {
            self.on_overlong(&bytes, last, out);
            return;
        }
        let authenticated = self.conn.state != State::NotAuthenticated;
        if let (Frame::Line(line), false) = (&frame, authenticated) {
            if input_limits::login_word_too_long(&line.bytes) {
                let bye = format!("* BYE {}\r\n", input_limits::INPUT_BUFFER_FULL);
                out.bytes.extend_from_slice(bye.as_bytes());
                self.close(out, "a word too long before login");
                return;
            }
        }
        match (&self.mode, frame) {
            (Mode::Idle { .. } | Mode::Auth { .. }, Frame::Line(line)) => {
                // These lines are not commands; a literal announced here is not one.
                self.framer.cancel_literal();
                self.on_continuation_line(line.text(), out);
            }
            (Mode::Idle { .. } | Mode::Auth { .. }, _) => {}
            (Mode::Commands, Frame::Line(line)) => {
                if let Some(reply) = self.check_literal(&line) {
                    match reply {
                        LiteralReply::Continue => out.bytes.extend_from_slice(b"+ OK\r\n"),
                        LiteralReply::Refuse(bytes) => {
                            out.bytes.extend_from_slice(&bytes);
                            self.framer.cancel_literal();
                            self.assembler = Assembler::new(self.assembler.retain);
                            self.partial.clear();
                            return;
                        }
                        LiteralReply::Disconnect(text) => {
                            out.bytes
                                .extend_from_slice(format!("* BYE {text}\r\n").as_bytes());
                            self.close(out, &text);
                            return;
                        }
                    }
                }
                if self.partial.len() < self.config.limits.max_line {
                    self.partial.extend_from_slice(line.text());
                    self.partial.extend_from_slice(b"\r\n");
                }
                if let Some(message) = self.assembler.push(Frame::Line(line)) {
                    self.partial.clear();
                    self.on_message(message, out);
                }
            }
            (Mode::Commands, frame) => {
                if let Frame::Literal { bytes, .. } = &frame {
                    if self.partial.len() < self.config.limits.max_line {
                        let room = self.config.limits.max_line - self.partial.len();
                        self.partial
                            .extend_from_slice(&bytes[..room.min(bytes.len())]);
                    }
                }
                if let Some(message) = self.assembler.push(frame) {
                    self.partial.clear();
                    self.on_message(message, out);
                }
            }
            (Mode::Closed, _) => {}
        }
    }

    /// A line over the limit: answered at its first piece, as Dovecot does, and the
    /// rest skipped, so a client that never sends LF costs one line of memory.
    fn on_overlong(&mut self, bytes: &[u8], last: bool, out: &mut Output) {
        if self.skipping {
            self.skipping = !last;
            self.skipped = self.skipped.saturating_add(bytes.len());
            self.check_login_skip(0, out);
            return;
        }
        self.skipping = !last;
        self.skipped = self.partial.len() + bytes.len();
        self.release();
        // The line's start: the message so far (a line after a literal), or this piece.
        let mut head = std::mem::take(&mut self.partial);
        head.extend_from_slice(bytes);
        self.assembler = Assembler::new(self.assembler.retain);
        self.framer.cancel_literal();
        let authenticated = self.conn.state != State::NotAuthenticated;
        if !matches!(self.mode, Mode::Commands) {
            // A continuation line (SASL data, DONE) too long: imap-login hangs up;
            // after login the line is skipped.
            if !authenticated {
                self.close(out, "a line too long before login");
            }
            return;
        }
        match input_limits::overlong(&head, authenticated, |t| self.timed(t, true)) {
            input_limits::Overlong::Close(line) => {
                out.bytes.extend_from_slice(line.as_bytes());
                self.close(out, "a line too long before login");
            }
            input_limits::Overlong::Bad(line) => out.bytes.extend_from_slice(line.as_bytes()),
            input_limits::Overlong::Run(command) => {
                if let Some(message) = crate::wire::message::messages_of(&command).pop() {
                    self.on_message(message, out);
                }
            }
        }
    }

    /// imap-login reads a line it answered as too long only so far looking for its LF:
    /// past [`input_limits::LOGIN_MAX_SKIPPED`] bytes (`pending` of them still in the
    /// framer) it gives up on the client.
    fn check_login_skip(&mut self, pending: usize, out: &mut Output) {
        if self.conn.state == State::NotAuthenticated
            && self.mode != Mode::Closed
            && self.skipped.saturating_add(pending) >= input_limits::LOGIN_MAX_SKIPPED
        {
            let bye = format!("* BYE {}\r\n", input_limits::INPUT_BUFFER_FULL);
            out.bytes.extend_from_slice(bye.as_bytes());
            self.close(out, "a line too long before login");
        }
    }

    /// Decides what to answer a line that announces a literal, before its bytes come.
    fn check_literal(&mut self, line: &crate::wire::framer::Line) -> Option<LiteralReply> {
        let authenticated = self.conn.state != State::NotAuthenticated;
        if !authenticated {
            // imap-login: a line and its literal fit in 8 KiB, or the client is gone.
            let size = line
                .literal
                .map(|h| h.size)
                .or_else(|| crate::wire::framer::literal_header(line.text()).map(|h| h.size));
            let used = (self.partial.len() + line.text().len()) as u64;
            if size.is_some_and(|n| used.saturating_add(n) > input_limits::LOGIN_MAX_LITERAL) {
                return Some(LiteralReply::Disconnect(w::LITERAL_TOO_LARGE.into()));
            }
        }
        if let Some(FrameError::LiteralTooLarge { .. }) = &line.error {
            // Over the APPEND limit: no literal state was entered.
            let kind = crate::wire::framer::literal_header(line.text()).map(|h| h.kind);
            if kind.is_some_and(|k| k.is_synchronizing()) {
                let (tag, _) = commands::words(self.first_line_of(line));
                let text = format!(
                    "{} NO [TOOBIG] {}\r\n",
                    tag_or_star(&tag),
                    self.timed(w::MESSAGE_TOO_LARGE, authenticated)
                );
                return Some(LiteralReply::Refuse(text.into_bytes()));
            }
            return Some(LiteralReply::Disconnect(w::LITERAL_TOO_LARGE.into()));
        }
        let header = line.literal?;
        let mut probe = self.partial.clone();
        let text = line.text();
        let open = text.iter().rposition(|&b| b == b'{').unwrap_or(text.len());
        let open = if open > 0 && text[open - 1] == b'~' {
            open - 1
        } else {
            open
        };
        probe.extend_from_slice(&text[..open]);
        probe.extend_from_slice(b"{0}\r\n\r\n");
        let verdict = commands::append::check_before_literal(
            &probe,
            header.size,
            self.conn.state,
            &self.conn,
            &self.store,
            &self.config,
        );
        match verdict {
            commands::append::Verdict::NotAppend => {
                // Any other command's literal counts against the line limit (Dovecot).
                let used = self.partial.len() as u64 + text.len() as u64;
                if used.saturating_add(header.size) > self.config.limits.max_line as u64 {
                    return Some(LiteralReply::Disconnect(w::LITERAL_TOO_LARGE.into()));
                }
            }
            commands::append::Verdict::Accept => {
                // Promised to this APPEND until it completes (Limits::max_store).
                self.store.lock().reserved += header.size;
                self.reserved += header.size;
            }
            commands::append::Verdict::Refuse { tag, status, text } => {
                if header.kind.is_synchronizing() {
                    let text = self.timed(&text, authenticated);
                    let line = status_line(&tag, status, None, &text);
                    return Some(LiteralReply::Refuse(line));
                }
                // LITERAL+: the bytes come anyway; the command is refused once whole.
            }
        }
        header
            .kind
            .is_synchronizing()
            .then_some(LiteralReply::Continue)
    }

    fn first_line_of<'a>(&'a self, line: &'a crate::wire::framer::Line) -> &'a [u8] {
        match self.partial.iter().position(|&b| b == b'\n') {
            Some(end) => &self.partial[..end.saturating_sub(1)],
            None => line.text(),
        }
    }

    /// Dovecot's tagged text: after login, timing figures replace the full stop.
    fn timed(&self, text: &str, authenticated: bool) -> String {
        if !authenticated {
            return text.to_owned();
        }
        let base = text.strip_suffix('.').unwrap_or(text);
        format!("{base} ({} secs).", self.config.timing)
    }

    /// Gives back what APPENDs of this session reserved: the message is now stored
    /// (and counted as such), or it never will be.
    fn release(&mut self) {
        if self.reserved > 0 {
            let mut world = self.store.lock();
            world.reserved = world.reserved.saturating_sub(self.reserved);
            self.reserved = 0;
        }
    }

    fn on_message(&mut self, message: Message, out: &mut Output) {
        self.release();
        let before = self.conn.state;
        // NOTIFY's events of other mailboxes came between commands (Dovecot sends them
        // half a second after the change); NOTIFY starts afresh and IDLE tells them
        // once idling.
        let (_, word) = commands::words(message.first_line());
        if !["NOTIFY", "IDLE"]
            .iter()
            .any(|w| word.eq_ignore_ascii_case(w))
        {
            commands::notify_watch::report(&mut self.conn, &self.store, &mut out.bytes);
        }
        let mut cx_out = Reply::new(self.streaming);
        let mut events = Vec::new();
        let result = commands::run(
            &mut self.conn,
            &self.store,
            &self.config,
            &message,
            &mut cx_out,
            &mut events,
        );
        out.append(cx_out);
        out.events.extend(events);
        let Some(mut done) = result else { return };
        // Pending updates go out before the tagged reply (RFC 9051 §7).
        if done.sync != commands::SyncMode::None
            && self.conn.selected.is_some()
            && !self.sync(done.sync, done.uid, out)
        {
            return;
        }
        let authenticated = before != State::NotAuthenticated;
        // Too many bad commands. Before login, imap-login sends BYE instead of the third
        // BAD; after login, imap sends the twentieth BAD in a row, then BYE (battery
        // sessions 5 and 22).
        let mut bye = false;
        if done.status == commands::Status::Bad {
            if authenticated {
                self.conn.bad_in_a_row += 1;
                bye = self.conn.bad_in_a_row >= self.config.limits.max_bad_commands;
            }
            if done.login_bad {
                self.conn.bad_login_total += 1;
                if self.conn.bad_login_total >= self.config.limits.max_bad_commands_login {
                    out.bytes
                        .extend_from_slice(format!("* BYE {}\r\n", w::TOO_MANY_BAD).as_bytes());
                    self.close(out, "too many invalid commands");
                    return;
                }
            }
        } else if authenticated {
            self.conn.bad_in_a_row = 0;
        }
        commands::modseq::report(
            &mut self.conn,
            &mut done.code,
            done.status == commands::Status::Ok && done.tag.is_some(),
            &mut out.bytes,
        );
        if let Some(tag) = &done.tag {
            let code = done.code.as_ref().map(|c| c.to_string());
            let text = if done.untimed {
                done.text.clone()
            } else {
                self.timed(&done.text, authenticated)
            };
            out.bytes.extend_from_slice(&status_line(
                tag,
                done.status.word(),
                code.as_deref(),
                &text,
            ));
        }
        if self.conn.state != before {
            out.events.push(Event::StateChanged {
                from: before,
                to: self.conn.state,
            });
        }
        if bye {
            out.bytes
                .extend_from_slice(format!("* BYE {}\r\n", w::TOO_MANY_BAD).as_bytes());
            self.close(out, "too many invalid commands");
            return;
        }
        match done.next {
            Next::Continue => {}
            Next::Close => self.close(out, "logout"),
            Next::Idle(tag) => {
                self.mode = Mode::Idle { tag };
                self.last_keepalive = None;
            }
            Next::Auth(tag, step) => self.mode = Mode::Auth { tag, step },
        }
    }

    fn on_continuation_line(&mut self, text: &[u8], out: &mut Output) {
        match std::mem::replace(&mut self.mode, Mode::Commands) {
            Mode::Idle { tag } => {
                let (status, reply) = if text.eq_ignore_ascii_case(b"DONE") {
                    ("OK", w::IDLE_DONE)
                } else {
                    ("BAD", w::IDLE_EXPECTED_DONE)
                };
                commands::notify_watch::report(&mut self.conn, &self.store, &mut out.bytes);
                self.sync(commands::SyncMode::Full, false, out);
                if self.mode == Mode::Closed {
                    return;
                }
                let mut code = None;
                commands::modseq::report(&mut self.conn, &mut code, status == "OK", &mut out.bytes);
                let code = code.map(|c| format!("[{c}] ")).unwrap_or_default();
                out.bytes.extend_from_slice(
                    format!("{tag} {status} {code}{}\r\n", self.timed(reply, true)).as_bytes(),
                );
            }
            Mode::Auth { tag, step } => {
                let before = self.conn.state;
                let mut bytes = Vec::new();
                let next = commands::auth::continue_auth(
                    &mut self.conn,
                    &self.store,
                    &self.config,
                    &tag,
                    step,
                    text,
                    &mut bytes,
                );
                out.bytes.extend_from_slice(&bytes);
                if let Some(step) = next {
                    self.mode = Mode::Auth { tag, step };
                }
                if self.conn.state != before {
                    out.events.push(Event::StateChanged {
                        from: before,
                        to: self.conn.state,
                    });
                }
            }
            other => self.mode = other,
        }
    }

    /// Reports other sessions' changes to the selected mailbox. False if the session
    /// had to end (its mailbox was deleted).
    fn sync(&mut self, mode: commands::SyncMode, uid: bool, out: &mut Output) -> bool {
        match commands::sync(&mut self.conn, &self.store, mode, uid, &mut out.bytes) {
            commands::Synced::Ok => true,
            commands::Synced::MailboxGone => {
                out.bytes
                    .extend_from_slice(format!("* BYE {}\r\n", w::MAILBOX_DELETED).as_bytes());
                self.close(out, "selected mailbox deleted");
                false
            }
        }
    }
}

impl Drop for Session {
    /// A client gone in the middle of an APPEND leaves nothing reserved.
    fn drop(&mut self) {
        self.release();
    }
}

enum LiteralReply {
    Continue,
    Refuse(Vec<u8>),
    Disconnect(String),
}

fn tag_or_star(tag: &str) -> &str {
    if commands::valid_tag(tag) {
        tag
    } else {
        "*"
    }
}
