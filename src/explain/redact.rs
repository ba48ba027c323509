//! Redaction for recordings: the client's bytes with passwords and SASL secrets masked.
//!
//! The relay always forwards the real bytes; this module decides what a *recording*
//! keeps. The explainer masks what it *shows* (see [`super::commands`]); a recording
//! needs more: bytes that still read back as a valid session, so `explain` and `diff`
//! work on it, and that keep everything but the secret (a debugging engineer wants to
//! see *which user* logged in, and with which mechanism).
//!
//! What is masked, with [`MASK`] (`********`):
//! - `LOGIN user password`: the password, whatever its form. An atom or quoted string
//!   becomes `"********"`; a literal becomes the 8-byte literal `{8}` `********`, its
//!   announcement rewritten so the recording still frames correctly.
//! - `AUTHENTICATE mech [initial-response]` and each client line until the command
//!   completes: the base64 is decoded, only the secret part is masked, and it is
//!   encoded again, so the recording stays valid base64:
//!   - PLAIN (`authzid NUL authcid NUL password`): the password;
//!   - LOGIN: every response after the first (the first is the user name);
//!   - XOAUTH2 and OAUTHBEARER: the token after `auth=Bearer `;
//!   - CRAM-MD5 (`user digest`): the digest;
//!   - any other mechanism: the whole response.
//!
//! Why this keeps its own small state rather than reading the explainer's [`Context`]:
//! a recording is written as bytes arrive, frame by frame, while the explainer's
//! context moves one *complete message* at a time, and after the fact. The redactor
//! needs only three facts (the AUTHENTICATE tag, its mechanism, how many responses so
//! far), which it learns from the same frames it masks, so both stay in step by
//! construction.
//!
//! [`Context`]: super::context::Context

use std::borrow::Cow;

use super::commands::MASK;
use super::gap::{Doubt, Seek};
use super::{Annotation, AnnotationKind};
use crate::grammar::core::{astring, sp};
use crate::grammar::extensions::sasl_ir::{decode_base64, encode_base64};
use crate::wire::framer::{refuses_literal, tag_of};
use crate::wire::Direction;
use crate::wire::{Frame, Framer, LiteralKind};

/// An AUTHENTICATE in progress.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Auth {
    tag: String,
    mechanism: String,
    /// Client responses so far (the initial response counts).
    responses: usize,
}

/// Where we are inside a LOGIN command that spans several frames (literals).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Login {
    None,
    /// The user name is a literal: pass its bytes, then the password follows.
    UserLiteral,
    /// The password is a literal: its bytes are replaced by the mask.
    PasswordLiteral,
}

/// The sans-IO redactor: feed it both directions; it returns the client bytes to record.
#[derive(Debug)]
pub(crate) struct Redactor {
    client: Framer,
    server: Framer,
    auth: Option<Auth>,
    login: Login,
    /// True between a line that ends a message and the next, i.e. the next client
    /// line starts a new message.
    at_message_start: bool,
    /// The first line of the client message in progress: its tag decides which
    /// tagged reply refuses its literal.
    message_first_line: Vec<u8>,
    /// A synchronizing literal was announced and no `+` has come yet: the tagged reply
    /// *of that command* now refuses it (RFC 9051 §4.3), and the client will not send
    /// its bytes.
    awaiting_continuation: bool,
    /// After a gap, per direction (client, server): looking for a message start.
    seeking: [Option<Seek>; 2],
    /// After a gap: the client's bytes are withheld until the server confirms that
    /// we are back in step (see [`super::gap`]).
    doubt: Option<Doubt>,
    /// Client bytes withheld by a doubt that has ended, not yet reported.
    resumed: Option<u64>,
    show_secrets: bool,
}

impl Redactor {
    /// A redactor; with `show_secrets` it passes everything through unchanged.
    pub(crate) fn new(show_secrets: bool) -> Self {
        Redactor {
            client: Framer::default(),
            server: Framer::default(),
            auth: None,
            login: Login::None,
            at_message_start: true,
            message_first_line: Vec::new(),
            awaiting_continuation: false,
            seeking: [None, None],
            doubt: None,
            resumed: None,
            show_secrets,
        }
    }

    /// Bytes the client sent; returns what to record. Lines are returned whole, so a
    /// line split across reads comes out once its end has arrived.
    pub(crate) fn client(&mut self, bytes: &[u8]) -> Vec<u8> {
        let found;
        let bytes = match self.seeking[0].as_mut() {
            None => bytes,
            Some(seek) => match seek.scan(Direction::Client, bytes) {
                Some(from_here) => {
                    self.seeking[0] = None;
                    found = from_here;
                    &found
                }
                None => {
                    if let Some(doubt) = self.doubt.as_mut() {
                        doubt.withheld += bytes.len() as u64;
                    }
                    return Vec::new();
                }
            },
        };
        self.client.feed(bytes);
        let mut out = Vec::new();
        while let Some(frame) = self.client.next_frame() {
            let len = frame.bytes().len() as u64;
            if self.doubt.is_some() {
                // Framed to keep the state, but nothing reaches the output.
                let mut discard = Vec::new();
                self.client_frame(frame, &mut discard);
                if let Some(doubt) = self.doubt.as_mut() {
                    doubt.withheld += len;
                }
            } else {
                self.client_frame(frame, &mut out);
            }
        }
        out
    }

    /// The client is done: returns whatever unfinished line or literal remains, masked
    /// if it belongs to a secret (nothing while in doubt after a gap).
    pub(crate) fn finish_client(&mut self) -> Vec<u8> {
        let mut out = Vec::new();
        if let Some(frame) = self.client.finish() {
            if self.doubt.is_none() {
                self.client_frame(frame, &mut out);
            }
        }
        out
    }

    /// Bytes the server sent: the redactor watches them for `+`, for the end of
    /// AUTHENTICATE and for the end of a doubt. Returns the bytes from where framing
    /// is sure (after a gap, from the next line that starts a response).
    pub(crate) fn server<'a>(&mut self, bytes: &'a [u8]) -> Cow<'a, [u8]> {
        let bytes: Cow<'a, [u8]> = match self.seeking[1].as_mut() {
            None => Cow::Borrowed(bytes),
            Some(seek) => match seek.scan(Direction::Server, bytes) {
                Some(from_here) => {
                    self.seeking[1] = None;
                    Cow::Owned(from_here)
                }
                None => return Cow::Borrowed(&[]),
            },
        };
        let mut rest: &[u8] = &bytes;
        while !rest.is_empty() {
            // A literal's bytes are only counted: a bulk FETCH costs nothing here.
            let (_, taken) = self.server.skip_literal(rest.len());
            rest = &rest[taken as usize..];
            let step = crate::wire::through_lf(rest);
            self.server.feed(&rest[..step]);
            rest = &rest[step..];
            while let Some(frame) = self.server.next_frame() {
                if let Frame::Line(line) = frame {
                    self.server_line(line.text());
                }
            }
        }
        bytes
    }

    /// How many of the server's next bytes are data of the literal it is sending, as
    /// far as the redactor knows (0 while it looks for its footing after a gap).
    pub(crate) fn server_literal_to_come(&self) -> u64 {
        if self.seeking[1].is_some() {
            return 0;
        }
        self.server.literal_to_come()
    }

    /// The server's next `n` bytes, all literal data (no more than
    /// [`Redactor::server_literal_to_come`]), are counted instead of fed.
    pub(crate) fn skip_server_literal(&mut self, n: u64) {
        self.server.skip_literal(0);
        let n = n.min(self.server_literal_to_come());
        self.server
            .skip_literal(usize::try_from(n).unwrap_or(usize::MAX));
    }

    /// Bytes from `direction` were lost (the proxy's annotator fell behind): framing
    /// restarts at the next message, and the client's bytes are withheld until the
    /// server shows that we are back in step.
    pub(crate) fn gap(&mut self, direction: Direction) {
        // A refusal of a literal the client is waiting to send may be among lost
        // server bytes: then the client's framing is a guess too.
        let client_unsure = direction == Direction::Client || self.awaiting_continuation;
        self.restart(direction, true);
        if client_unsure {
            self.doubt(direction == Direction::Client);
        }
    }

    /// Bytes from `direction` are missing and the next ones start a message (a
    /// recording's gap mark): framing restarts there, and nothing is in doubt.
    pub(crate) fn resume(&mut self, direction: Direction) {
        self.restart(direction, false);
        if direction == Direction::Client {
            self.doubt = None;
        }
    }

    /// Forgets `direction`'s framing; with `seek`, drops bytes until a message starts.
    fn restart(&mut self, direction: Direction, seek: bool) {
        let seeking = seek.then(Seek::default);
        match direction {
            Direction::Client => {
                self.client = Framer::default();
                self.auth = None;
                self.login = Login::None;
                self.at_message_start = true;
                self.awaiting_continuation = false;
                self.seeking[0] = seeking;
            }
            Direction::Server => {
                self.server = Framer::default();
                self.seeking[1] = seeking;
            }
        }
    }

    /// How many client bytes were withheld, once, when a doubt after a gap has ended.
    pub(crate) fn resumed(&mut self) -> Option<u64> {
        self.resumed.take()
    }

    fn doubt(&mut self, restart: bool) {
        if self.show_secrets {
            return;
        }
        let withheld = self.doubt.as_ref().map_or(0, |d| d.withheld);
        let mut doubt = Doubt::default();
        doubt.withheld = withheld;
        if !restart && !self.at_message_start {
            doubt.command(&self.message_first_line);
        }
        self.doubt = Some(doubt);
    }

    fn server_line(&mut self, text: &[u8]) {
        if text.starts_with(b"+") {
            self.awaiting_continuation = false;
            return;
        }
        if text.starts_with(b"*") {
            return;
        }
        let tag = tag_of(text);
        if self.auth.as_ref().is_some_and(|a| a.tag.as_bytes() == tag) {
            self.auth = None;
        }
        if self.awaiting_continuation && refuses_literal(&self.message_first_line, text) {
            self.awaiting_continuation = false;
            if self.client.in_literal() {
                self.client.cancel_literal();
                self.login = Login::None;
                self.at_message_start = true;
            }
        }
        let between = self.at_message_start && !self.client.in_literal();
        if self
            .doubt
            .as_ref()
            .is_some_and(|d| d.resolved_by(text, between))
        {
            self.resumed = self.doubt.take().map(|d| d.withheld);
        }
    }

    fn client_frame(&mut self, frame: Frame, out: &mut Vec<u8>) {
        if self.show_secrets {
            if let Frame::Line(line) = &frame {
                if self.at_message_start {
                    self.message_first_line = line.text().to_vec();
                }
                self.at_message_start = line.literal.is_none_or(|h| h.size == 0);
                self.note_literal(
                    line.literal.map(|h| h.kind),
                    line.literal.is_some_and(|h| h.size > 0),
                );
            }
            out.extend_from_slice(frame.bytes());
            return;
        }
        match frame {
            Frame::Line(line) => {
                let literal = line.literal.filter(|h| h.size > 0);
                let starts = self.at_message_start;
                if starts {
                    self.message_first_line = line.text().to_vec();
                    if let Some(doubt) = self.doubt.as_mut() {
                        doubt.command(line.text());
                    }
                }
                self.at_message_start = literal.is_none();
                self.note_literal(line.literal.map(|h| h.kind), literal.is_some());
                let text = line.text();
                let ending = &line.bytes[text.len()..];
                let masked = if starts && self.auth.is_some() {
                    self.sasl_line(text)
                } else if starts {
                    self.command_line(text, literal.is_some())
                } else if self.login == Login::UserLiteral {
                    // The line after the user name's literal: ` password`.
                    self.login = Login::None;
                    self.password_at(text, 0, literal.is_some())
                } else {
                    None
                };
                match masked {
                    Some(text) => {
                        out.extend_from_slice(&text);
                        out.extend_from_slice(ending);
                    }
                    None => out.extend_from_slice(&line.bytes),
                }
            }
            Frame::Literal { bytes, last } => {
                self.awaiting_continuation = false;
                if self.login == Login::PasswordLiteral {
                    if last {
                        out.extend_from_slice(MASK.as_bytes());
                        self.login = Login::None;
                    }
                } else {
                    out.extend_from_slice(&bytes);
                }
            }
            Frame::Overlong { bytes, last, .. } => {
                // A line over 64 KiB is not a LOGIN anyone types; mask it if we are in
                // a secret, pass it otherwise.
                if self.auth.is_some() || self.login != Login::None {
                    if last {
                        out.extend_from_slice(MASK.as_bytes());
                        out.extend_from_slice(b"\r\n");
                    }
                } else {
                    out.extend_from_slice(&bytes);
                }
                if last {
                    self.at_message_start = true;
                }
            }
            Frame::Truncated { bytes, .. } => {
                // The client closed in the middle of something: mask it if it is (or
                // may be) a secret.
                let masked = if self.auth.is_some() || self.login != Login::None {
                    Some(MASK.as_bytes().to_vec())
                } else if self.at_message_start {
                    self.command_line(&bytes, false)
                } else {
                    None
                };
                out.extend_from_slice(masked.as_deref().unwrap_or(&bytes));
            }
        }
    }

    fn note_literal(&mut self, kind: Option<LiteralKind>, announced: bool) {
        if announced && kind.is_some_and(LiteralKind::is_synchronizing) {
            self.awaiting_continuation = true;
        }
    }

    /// A new client message's first line: LOGIN and AUTHENTICATE are masked, even
    /// when the line is malformed (see [`secret_keyword`]).
    fn command_line(&mut self, text: &[u8], announces_literal: bool) -> Option<Vec<u8>> {
        let (keyword, args_at) = secret_keyword(text)?;
        if keyword == Keyword::Login {
            return Some(self.login_line(text, args_at, announces_literal));
        }
        let args = &text[args_at..];
        let mut words = args.split(|&b| b == b' ').filter(|w| !w.is_empty());
        let mechanism =
            String::from_utf8_lossy(words.next().unwrap_or_default()).to_ascii_uppercase();
        let mut auth = Auth {
            // Whatever the server will take for the tag: the reply that ends it.
            tag: String::from_utf8_lossy(tag_of(text)).into_owned(),
            mechanism,
            responses: 0,
        };
        let masked = words.next().map(|ir| {
            let masked = mask_sasl(&auth.mechanism, 0, ir);
            auth.responses = 1;
            let at = ir.as_ptr() as usize - text.as_ptr() as usize;
            let mut out = text[..at].to_vec();
            out.extend_from_slice(&masked);
            out
        });
        self.auth = Some(auth);
        masked
    }

    /// `tag LOGIN user password`, from the space before the user name on.
    fn login_line(&mut self, text: &[u8], args_at: usize, announces_literal: bool) -> Vec<u8> {
        let args = &text[args_at..];
        let Ok((after_sp, ())) = sp(args) else {
            return text.to_vec();
        };
        let user_at = args_at + 1;
        if announces_literal && is_literal_announcement(after_sp) {
            self.login = Login::UserLiteral;
            return text.to_vec();
        }
        match astring(after_sp) {
            Ok((rest, _user)) => {
                let password_at = text.len() - rest.len();
                self.password_at(text, password_at, announces_literal)
                    .unwrap_or_else(|| text.to_vec())
            }
            // Not a user name we can read: keep LOGIN and mask the rest.
            Err(_) => mask_from(text, user_at),
        }
    }

    /// Masks the password that starts with the space at `at` (` password` or ` {n}`).
    fn password_at(&mut self, text: &[u8], at: usize, announces_literal: bool) -> Option<Vec<u8>> {
        let rest = &text[at..];
        let Ok((value, ())) = sp(rest) else {
            // No space, no password: `LOGIN user` alone. Nothing to hide unless
            // something follows.
            return (!rest.is_empty()).then(|| mask_from(text, at));
        };
        let value_at = at + 1;
        if announces_literal && is_literal_announcement(value) {
            self.login = Login::PasswordLiteral;
            let plus = match value.iter().rev().nth(1) {
                Some(b'+') => "+",
                Some(b'-') => "-",
                _ => "",
            };
            let tilde = if value.first() == Some(&b'~') {
                "~"
            } else {
                ""
            };
            let mut out = text[..value_at].to_vec();
            out.extend_from_slice(format!("{tilde}{{{}{plus}}}", MASK.len()).as_bytes());
            return Some(out);
        }
        Some(mask_from(text, value_at))
    }

    /// A client line during AUTHENTICATE: a base64 response, or `*` to cancel.
    fn sasl_line(&mut self, text: &[u8]) -> Option<Vec<u8>> {
        let auth = self.auth.as_mut()?;
        let round = auth.responses;
        auth.responses += 1;
        let masked = mask_sasl(&auth.mechanism, round, text);
        (masked != text).then_some(masked)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Keyword {
    Login,
    Authenticate,
}

/// Which secret-bearing command a client line names, and where its arguments start.
/// Learners' slips count too, because a server may still read the rest as a password:
/// the first of the first two words that *ends* in LOGIN or AUTHENTICATE, so
/// `a1 LOGIN`, `a1LOGIN` (no space after the tag) and `LOGIN` (no tag) all do.
/// Masking a tag that happens to end so is the price, and a fine one.
fn secret_keyword(text: &[u8]) -> Option<(Keyword, usize)> {
    let mut at = 0;
    for _ in 0..2 {
        at += text[at..].iter().take_while(|&&b| b == b' ').count();
        let len = text[at..].iter().take_while(|&&b| b != b' ').count();
        let word = text[at..at + len].to_ascii_uppercase();
        at += len;
        if word.ends_with(b"LOGIN") {
            return Some((Keyword::Login, at));
        }
        if word.ends_with(b"AUTHENTICATE") {
            return Some((Keyword::Authenticate, at));
        }
    }
    None
}

/// A line of prose around a session (not IMAP, shown as it is) may still quote a
/// login: after any word that ends in LOGIN or AUTHENTICATE, the next word (a user
/// name, a mechanism) stays and the rest of the line is masked.
pub(crate) fn mask_prose(text: &str) -> String {
    let words: Vec<&str> = text.split(' ').collect();
    let keyword = words.iter().position(|w| {
        let upper = w.to_ascii_uppercase();
        upper.ends_with("LOGIN") || upper.ends_with("AUTHENTICATE")
    });
    match keyword {
        Some(i) if words.len() > i + 2 => format!("{} {MASK}", words[..i + 2].join(" ")),
        _ => text.to_string(),
    }
}

/// `text[..at]` then the quoted mask: the line stays a valid command.
fn mask_from(text: &[u8], at: usize) -> Vec<u8> {
    let mut out = text[..at].to_vec();
    out.extend_from_slice(format!("\"{MASK}\"").as_bytes());
    out
}

/// True if `text` is exactly a literal announcement: `{n}`, `{n+}`, `~{n}`...
fn is_literal_announcement(text: &[u8]) -> bool {
    let inner = text.strip_prefix(b"~").unwrap_or(text);
    crate::wire::framer::literal_header(text).is_some() && inner.first() == Some(&b'{')
}

/// Masks the secret in one base64 SASL response of `mechanism`; `round` counts the
/// client's responses from 0. Cancels (`*`) and empty responses (`=`, ``) stay.
pub(crate) fn mask_sasl(mechanism: &str, round: usize, payload: &[u8]) -> Vec<u8> {
    let trimmed = payload.trim_ascii();
    if trimmed.is_empty() || trimmed == b"=" || trimmed == b"*" {
        return payload.to_vec();
    }
    let masked = match decode_base64(trimmed) {
        Some(decoded) => mask_decoded(mechanism, round, &decoded),
        // Not base64: a learner who typed the password in clear, most likely.
        None => MASK.as_bytes().to_vec(),
    };
    encode_base64(&masked).into_bytes()
}

fn mask_decoded(mechanism: &str, round: usize, decoded: &[u8]) -> Vec<u8> {
    let mask = MASK.as_bytes();
    match mechanism {
        "PLAIN" => {
            let parts: Vec<&[u8]> = decoded.splitn(3, |&b| b == 0).collect();
            if parts.len() == 3 {
                [parts[0], b"\0", parts[1], b"\0", mask].concat()
            } else {
                mask.to_vec()
            }
        }
        "LOGIN" if round == 0 => decoded.to_vec(),
        "XOAUTH2" | "OAUTHBEARER" => {
            let Some(at) = find(decoded, b"auth=") else {
                return mask.to_vec();
            };
            let value_at = at + 5;
            let end = decoded[value_at..]
                .iter()
                .position(|&b| b == 0x01)
                .map_or(decoded.len(), |i| value_at + i);
            let scheme_len = decoded[value_at..end]
                .iter()
                .position(|&b| b == b' ')
                .map_or(0, |i| i + 1);
            [&decoded[..value_at + scheme_len], mask, &decoded[end..]].concat()
        }
        "CRAM-MD5" => match decoded.iter().rposition(|&b| b == b' ') {
            Some(space) => [&decoded[..=space], mask].concat(),
            None => mask.to_vec(),
        },
        _ => mask.to_vec(),
    }
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// Masks what the explainer's display of a client message could still reveal: the
/// literals of a LOGIN (a password sent as `{9}` would otherwise show in the literal's
/// preview). With two literals the first is the user name and stays.
pub(crate) fn mask_annotation(annotation: &mut Annotation) {
    if annotation.kind != AnnotationKind::Command || annotation.command.as_deref() != Some("LOGIN")
    {
        return;
    }
    let keep = usize::from(annotation.literals.len() >= 2);
    for literal in annotation.literals.iter_mut().skip(keep) {
        literal.summary = crate::say!("literal.masked", size = literal.size);
        literal.preview.clear();
        literal.text = MASK.to_string();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn b64(bytes: &[u8]) -> String {
        encode_base64(bytes)
    }

    /// Feeds a conversation (C: client bytes, S: server bytes) and returns what a
    /// recording would keep of the client's side.
    fn recorded(conversation: &[(&str, &[u8])]) -> String {
        let mut r = Redactor::new(false);
        let mut out = Vec::new();
        for (who, bytes) in conversation {
            match *who {
                "C" => out.extend(r.client(bytes)),
                _ => {
                    r.server(bytes);
                }
            }
        }
        out.extend(r.finish_client());
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn login_passwords_are_masked_in_every_form() {
        assert_eq!(
            recorded(&[("C", b"a1 LOGIN strategos tryhackme\r\n")]),
            "a1 LOGIN strategos \"********\"\r\n"
        );
        assert_eq!(
            recorded(&[("C", b"a1 login \"stra tegos\" \"try\\\"hack\"\r\n")]),
            "a1 login \"stra tegos\" \"********\"\r\n"
        );
        assert_eq!(
            recorded(&[
                ("C", b"a1 LOGIN strategos {9}\r\n"),
                ("S", b"+ OK\r\n"),
                ("C", b"tryhackme\r\n")
            ]),
            "a1 LOGIN strategos {8}\r\n********\r\n"
        );
        assert_eq!(
            recorded(&[(
                "C",
                b"a1 LOGIN {9+}\r\nstrategos {9+}\r\ntryhackme\r\na2 NOOP\r\n"
            )]),
            "a1 LOGIN {9+}\r\nstrategos {8+}\r\n********\r\na2 NOOP\r\n"
        );
        assert_eq!(
            recorded(&[("C", b"a1 LOGIN strategos tryhackme extra\r\n")]),
            "a1 LOGIN strategos \"********\"\r\n"
        );
        assert_eq!(
            recorded(&[("C", b"a1 LOGIN strategos tryh")]),
            "a1 LOGIN strategos \"********\""
        );
    }

    #[test]
    fn a_refused_password_literal_leaves_the_next_line_alone() {
        let out = recorded(&[
            ("C", b"a1 LOGIN strategos {9}\r\n"),
            ("S", b"a1 NO [PRIVACYREQUIRED] no plaintext\r\n"),
            ("C", b"a2 NOOP\r\n"),
        ]);
        assert_eq!(out, "a1 LOGIN strategos {8}\r\na2 NOOP\r\n");
    }

    #[test]
    fn a_pipelined_command_s_ok_does_not_refuse_the_password_literal() {
        let out = recorded(&[
            ("C", b"p0 NOOP\r\na1 LOGIN strategos {9}\r\n"),
            ("S", b"p0 OK NOOP completed.\r\n+ OK\r\n"),
            ("C", b"tryhackme\r\n"),
            ("S", b"a1 OK Logged in\r\n"),
        ]);
        assert_eq!(out, "p0 NOOP\r\na1 LOGIN strategos {8}\r\n********\r\n");
    }

    #[test]
    fn prose_that_quotes_a_login_is_masked() {
        assert_eq!(
            mask_prose("then type a1 LOGIN strategos tryhackme and press enter"),
            "then type a1 LOGIN strategos ********"
        );
        assert_eq!(mask_prose("LOGIN strategos"), "LOGIN strategos");
        assert_eq!(mask_prose("no secret here"), "no secret here");
    }

    #[test]
    fn authenticate_plain_keeps_the_user_and_masks_the_password() {
        let secret = b64(b"\0strategos\0tryhackme");
        let masked = b64(b"\0strategos\0********");
        let with_ir = format!("a1 AUTHENTICATE PLAIN {secret}\r\n");
        assert_eq!(
            recorded(&[("C", with_ir.as_bytes())]),
            format!("a1 AUTHENTICATE PLAIN {masked}\r\n")
        );
        let line = format!("{secret}\r\n");
        let out = recorded(&[
            ("C", b"a1 AUTHENTICATE PLAIN\r\n"),
            ("S", b"+ \r\n"),
            ("C", line.as_bytes()),
            ("S", b"a1 OK Logged in\r\n"),
            ("C", b"a2 SELECT INBOX\r\n"),
        ]);
        assert_eq!(
            out,
            format!("a1 AUTHENTICATE PLAIN\r\n{masked}\r\na2 SELECT INBOX\r\n")
        );
    }

    #[test]
    fn authenticate_login_masks_every_response_after_the_user_name() {
        let user = format!("{}\r\n", b64(b"strategos"));
        let pass = format!("{}\r\n", b64(b"tryhackme"));
        let out = recorded(&[
            ("C", b"a1 AUTHENTICATE LOGIN\r\n"),
            ("S", b"+ VXNlcm5hbWU6\r\n"),
            ("C", user.as_bytes()),
            ("S", b"+ UGFzc3dvcmQ6\r\n"),
            ("C", pass.as_bytes()),
            ("S", b"a1 OK Logged in\r\n"),
        ]);
        assert_eq!(
            out,
            format!(
                "a1 AUTHENTICATE LOGIN\r\n{user}{}\r\n",
                b64(MASK.as_bytes())
            )
        );
    }

    #[test]
    fn bearer_tokens_and_digests_are_masked() {
        let token = b64(b"user=me@example.org\x01auth=Bearer ya29.secret\x01\x01");
        let masked = mask_sasl("XOAUTH2", 0, token.as_bytes());
        let decoded = decode_base64(&masked).unwrap();
        assert_eq!(
            decoded,
            b"user=me@example.org\x01auth=Bearer ********\x01\x01"
        );
        let cram = b64(b"tim b913a602c7eda7a495b4e6e7334d3890");
        let decoded = decode_base64(&mask_sasl("CRAM-MD5", 0, cram.as_bytes())).unwrap();
        assert_eq!(decoded, b"tim ********");
        assert_eq!(mask_sasl("PLAIN", 0, b"*"), b"*");
        assert_eq!(
            mask_sasl("PLAIN", 0, b"tryhackme!"),
            b64(MASK.as_bytes()).as_bytes()
        );
    }

    #[test]
    fn with_show_secrets_nothing_changes() {
        let mut r = Redactor::new(true);
        assert_eq!(
            r.client(b"a1 LOGIN strategos tryhackme\r\n"),
            b"a1 LOGIN strategos tryhackme\r\n"
        );
    }

    #[test]
    fn other_commands_and_literals_pass_unchanged() {
        let input = b"a3 APPEND INBOX {5+}\r\nHello\r\na4 FETCH 1 BODY[]\r\nnot a command\n";
        assert_eq!(recorded(&[("C", input)]).as_bytes(), input);
    }
}
