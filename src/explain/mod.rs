//! The explainer: follows a session and annotates every message for a learner.
//!
//! It is sans-IO: feed it the bytes each side sent, in the order they were sent, and
//! it returns one [`Annotation`] per message. It owns a framer and an assembler per
//! direction, parses each message with the grammar, and keeps the session's context
//! (state, tags, selected mailbox, capabilities) so that explanations can say
//! "INBOX holds 4 messages" rather than "a number of messages exist".
//!
//! - [`context`]: what the explainer remembers about the session.
//! - [`commands`]: what each command means, in context.
//! - [`responses`]: what each response means, in context.
//! - [`literal`]: short summaries of literals (a message's From/To/Subject/Date).
//! - [`redact`]: masks passwords and SASL data; every client byte passes through it
//!   before the explainer sees it, so no explanation, diagnostic or preview can
//!   show what the recording would not keep.
//! - [`gap`]: the way back in after lost bytes, and the doubt that masks until then.

pub(crate) mod commands;
pub(crate) mod context;
pub(crate) mod gap;
pub(crate) mod literal;
pub(crate) mod redact;
pub(crate) mod responses;

use std::borrow::Cow;

use serde::Serialize;

use crate::grammar::{parse_command, parse_response, Diagnostic, Severity};
use crate::knowledge::{self, Kind};
use crate::say;
use crate::transcript::{Record, Transcript};
use crate::wire::Direction;
use crate::wire::{Assembler, Frame, Framer, Message};
use context::Context;

/// What kind of thing an annotated message is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum AnnotationKind {
    /// A tagged command from the client.
    Command,
    /// Client data that is not a command: `DONE`, an AUTHENTICATE response.
    ClientData,
    /// The server's first message.
    Greeting,
    /// Untagged data (`* ...`).
    Untagged,
    /// A tagged status that completes a command.
    Tagged,
    /// `+ ...`: the server asks for more.
    Continuation,
    /// A line that is not IMAP (telnet's own messages, prose).
    NotImap,
    /// A remark by a reader, the recorder or the proxy.
    Note,
}

/// A literal inside an annotated message, summarised.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LiteralSummary {
    /// Size announced on the wire.
    pub size: u64,
    /// Bytes that actually arrived.
    pub received: u64,
    /// One line: "an email: From ..., Subject ..." or "12 bytes of text".
    pub summary: String,
    /// Header fields worth showing (From, To, Subject, Date) and the first body lines.
    pub preview: Vec<String>,
    /// The literal's retained text, for `--full` (lossy UTF-8).
    #[serde(skip)]
    pub text: String,
}

/// One explained message.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Annotation {
    pub direction: Option<Direction>,
    pub kind: AnnotationKind,
    /// The message as it may be shown: secrets masked unless asked not to, literals elided.
    pub display: String,
    /// The bytes on the wire (masked like `display`), for tooling.
    #[serde(serialize_with = "serialize_escaped")]
    pub raw: Vec<u8>,
    /// True when `display` hides a secret: then `raw` is the display, not the wire.
    #[serde(skip)]
    pub masked: bool,
    pub tag: Option<String>,
    /// The command this message is or belongs to ("FETCH").
    pub command: Option<String>,
    /// The explanation in one line, in context.
    pub summary: String,
    /// Further lines: what the knowledge base says, what each part means.
    pub details: Vec<String>,
    /// RFC sections, e.g. "RFC 9051 §6.4.5", the most specific first: a response
    /// code's or an extension's own section before the base protocol's.
    pub rfc: Vec<String>,
    /// What IMAP4rev2 did to the IMAP4rev1 items on the line ("UNSEEN: IMAP4rev1,
    /// deprecated in IMAP4rev2"), from the knowledge base's `imap4rev2` field.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub revision: Vec<String>,
    pub diagnostics: Vec<Diagnostic>,
    pub literals: Vec<LiteralSummary>,
    /// The protocol lines after the first, each following a literal (`)` closing a
    /// FETCH, ` {5}` announcing the next literal), masked like `display`.
    #[serde(skip)]
    pub continued: Vec<String>,
    /// Seconds since the session started, when the source knows.
    pub time: Option<f64>,
    /// True when the explainer could not read the message at all.
    #[serde(skip)]
    pub unknown: bool,
}

impl Annotation {
    fn new(direction: Option<Direction>, kind: AnnotationKind, display: String) -> Self {
        Annotation {
            direction,
            kind,
            raw: display.as_bytes().to_vec(),
            masked: false,
            display,
            tag: None,
            command: None,
            summary: String::new(),
            details: Vec::new(),
            rfc: Vec::new(),
            revision: Vec::new(),
            diagnostics: Vec::new(),
            literals: Vec::new(),
            continued: Vec::new(),
            time: None,
            unknown: false,
        }
    }

    /// A remark that is not a message: from a reader, the recorder or the proxy.
    pub(crate) fn note(text: &str, time: Option<f64>) -> Self {
        let mut a = Annotation::new(None, AnnotationKind::Note, text.to_string());
        a.summary = text.to_string();
        a.raw = Vec::new();
        a.time = time;
        a
    }

    /// True if the explainer could not say what this is.
    pub fn is_unknown(&self) -> bool {
        self.summary.is_empty() || self.unknown
    }

    /// Adds the RFC sections the knowledge base gives for `name` of `kind`, after those
    /// already cited (cite the most specific first), and its IMAP4rev2 note, if any.
    fn cite(&mut self, kind: Kind, name: &str) {
        self.cite_at(kind, name, false);
    }

    /// Cites an item of the line (a FETCH item, a flag, a LIST attribute): after what is
    /// cited, unless it comes from an RFC nothing cited yet, an extension's, which then
    /// goes first (BINARY[] is RFC 3516's before it is FETCH's).
    fn cite_item(&mut self, kind: Kind, name: &str) {
        let number = |r: &str| r.split(" §").next().unwrap_or(r).to_owned();
        let extension = knowledge::lookup(kind, name)
            .and_then(|e| e.rfc.first())
            .is_some_and(|first| !self.rfc.iter().any(|r| number(r) == number(first)));
        self.cite_at(kind, name, extension);
    }

    /// Cites the sections a template backs its sentence with (`rfc:` in phrases.yaml),
    /// after those already cited.
    fn cite_phrase(&mut self, key: &str) {
        let Some(phrase) = knowledge::phrases::phrase(key) else {
            return;
        };
        for rfc in &phrase.rfc {
            if !self.rfc.contains(rfc) {
                self.rfc.push(rfc.clone());
            }
        }
    }

    fn cite_at(&mut self, kind: Kind, name: &str, front: bool) {
        let Some(entry) = knowledge::lookup(kind, name) else {
            return;
        };
        let mut at = 0;
        for rfc in &entry.rfc {
            if self.rfc.contains(rfc) {
                continue;
            }
            if front {
                self.rfc.insert(at, rfc.clone());
                at += 1;
            } else {
                self.rfc.push(rfc.clone());
            }
        }
        if let Some(rev2) = entry.imap4rev2 {
            let note = say!(rev2.note_key(), name = entry.name);
            if !self.revision.contains(&note) {
                self.revision.push(note);
            }
        }
    }
}

fn serialize_escaped<S: serde::Serializer>(bytes: &[u8], s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&escape_bytes(bytes))
}

/// Escapes bytes for display: printable UTF-8 as is, `\r`, `\n`, `\t`, `\\`, `\xNN` otherwise.
pub(crate) fn escape_bytes(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len());
    for chunk in bytes.utf8_chunks() {
        for c in chunk.valid().chars() {
            match c {
                '\r' => out.push_str("\\r"),
                '\n' => out.push_str("\\n"),
                '\t' => out.push_str("\\t"),
                '\\' => out.push_str("\\\\"),
                c if c.is_control() => out.push_str(&format!("\\x{:02X}", c as u32)),
                c => out.push(c),
            }
        }
        for b in chunk.invalid() {
            out.push_str(&format!("\\x{b:02X}"));
        }
    }
    out
}

/// Choices that change what the explainer shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Options {
    /// Show passwords and AUTHENTICATE data instead of masking them.
    pub show_secrets: bool,
}

struct Side {
    framer: Framer,
    assembler: Assembler,
}

impl Side {
    fn new() -> Self {
        Side {
            framer: Framer::default(),
            assembler: Assembler::default(),
        }
    }
}

/// The sans-IO explainer. See the module documentation.
pub struct Explainer {
    client: Side,
    server: Side,
    /// Decides what of the client's bytes may be seen at all, from the protocol state
    /// of each tag: the explainer frames and parses only its output.
    guard: redact::Redactor,
    context: Context,
    options: Options,
    time: Option<f64>,
}

impl Default for Explainer {
    fn default() -> Self {
        Explainer::new(Options::default())
    }
}

impl Explainer {
    pub fn new(options: Options) -> Self {
        Explainer {
            client: Side::new(),
            server: Side::new(),
            guard: redact::Redactor::new(options.show_secrets),
            context: Context::default(),
            options,
            time: None,
        }
    }

    /// What the explainer knows about the session so far.
    pub(crate) fn context(&self) -> &Context {
        &self.context
    }

    /// Bytes one side sent; returns the annotations of the messages they complete.
    pub fn feed(&mut self, direction: Direction, bytes: &[u8]) -> Vec<Annotation> {
        let mut out = Vec::new();
        let shown: Cow<[u8]> = match direction {
            Direction::Client => Cow::Owned(self.guard.client(bytes)),
            Direction::Server => self.guard.server(bytes),
        };
        let mut bytes: &[u8] = &shown;
        loop {
            // Past what is kept of a large literal, bytes are only counted: the relay's
            // bulk FETCH then costs the annotator next to nothing (scripts/bench-proxy.sh).
            let side = self.side(direction);
            if side.framer.in_literal() && side.assembler.literal_is_kept() {
                let (buffered, taken) = side.framer.skip_literal(bytes.len());
                side.assembler.count_literal(buffered + taken);
                bytes = &bytes[taken as usize..];
            }
            let side = self.side(direction);
            let before = side.framer.in_literal();
            let step = if before || bytes.is_empty() {
                bytes.len()
            } else {
                crate::wire::through_lf(bytes)
            };
            side.framer.feed(&bytes[..step]);
            bytes = &bytes[step..];
            out.extend(self.drain(direction));
            if bytes.is_empty() {
                break;
            }
        }
        if let Some(withheld) = self.guard.resumed() {
            out.push(Annotation::note(
                &say!("note.resumed", withheld = withheld),
                self.time,
            ));
        }
        out
    }

    /// How many of the server's next bytes are literal data this explainer would only
    /// count, not read (past what it keeps of a large literal). A live relay may hand
    /// them to [`Explainer::skip_server_literal`] instead of copying them for
    /// [`Explainer::feed`]: the annotations are the same (tests/proxy_bytes.rs), and a
    /// 200 MB FETCH costs the annotator neither the copies nor the memory.
    pub fn server_literal_to_skip(&self) -> u64 {
        if !self.server.assembler.literal_is_kept() {
            return 0;
        }
        self.server
            .framer
            .literal_to_come()
            .min(self.guard.server_literal_to_come())
    }

    /// Counts `n` server bytes, all of them literal data past what is kept, as if fed.
    /// Returns false, changing nothing, if they are more than
    /// [`Explainer::server_literal_to_skip`] promised (the caller then has a gap).
    pub fn skip_server_literal(&mut self, n: u64) -> bool {
        if n == 0 {
            // Nothing to count; and outside a kept literal, dropping what the framer
            // has buffered would lose bytes it has yet to read.
            return true;
        }
        if n > self.server_literal_to_skip() {
            return false;
        }
        self.guard.skip_server_literal(n);
        let side = &mut self.server;
        // Literal bytes still buffered come first in the stream: count them too.
        let (buffered, _) = side.framer.skip_literal(0);
        let (_, taken) = side
            .framer
            .skip_literal(usize::try_from(n).unwrap_or(usize::MAX));
        side.assembler.count_literal(buffered + taken);
        true
    }

    /// Explains the messages the framer can complete with what it has.
    fn drain(&mut self, direction: Direction) -> Vec<Annotation> {
        let mut out = Vec::new();
        while let Some(frame) = self.side(direction).framer.next_frame() {
            if direction == Direction::Client {
                if let Frame::Line(line) = &frame {
                    out.extend(self.literal_announced(line));
                }
            }
            if let Some(message) = self.side(direction).assembler.push(frame) {
                out.extend(self.explain_message(direction, &message));
            }
        }
        out
    }

    /// A client line that ends in a synchronizing literal `{n}` stops the command half
    /// way: the client must wait for the server's `+` (RFC 9051 §4.3). Saying so at once
    /// keeps a live session in order; the command itself is explained when it is whole.
    fn literal_announced(&self, line: &crate::wire::framer::Line) -> Option<Annotation> {
        let header = line
            .literal
            .filter(|h| h.kind.is_synchronizing() && h.size > 0)?;
        let mut text = String::from_utf8_lossy(line.text()).into_owned();
        if self.client.assembler.in_message() {
            // The rest of a line after an earlier literal: mark it as a continuation.
            text = format!("…{text}");
        }
        // A well-formed line carries no secret here (a password sent as a literal comes
        // after it), but a malformed LOGIN may: mask it as the command would be.
        let masked = !self.options.show_secrets && commands::login_line_has_secret(&text);
        let display = if masked {
            commands::mask_malformed(&text)
        } else {
            text
        };
        let mut a = Annotation::new(Some(Direction::Client), AnnotationKind::ClientData, display);
        a.masked = masked;
        if !masked {
            a.raw = line.bytes.clone();
        }
        a.summary = say!("client.literal-announced", size = header.size);
        a.cite(Kind::Concept, "literal");
        Some(a)
    }

    /// Bytes from `direction` were lost: the proxy calls this when its annotator fell
    /// behind and skipped them. That direction's unfinished message is forgotten and
    /// framing starts again at the next line that starts a message; the client's bytes
    /// stay hidden until the server shows we are back in step ([`gap`]).
    pub fn gap(&mut self, direction: Direction) {
        self.guard.gap(direction);
        let side = self.side(direction);
        let retain = side.assembler.retain;
        *side = Side::new();
        side.assembler.retain = retain;
    }

    /// Bytes from `direction` are missing, and the next ones start a message (a
    /// recording marks its gaps so): that direction's framing restarts, with no doubt.
    pub fn resume(&mut self, direction: Direction) {
        self.guard.resume(direction);
        let side = self.side(direction);
        let retain = side.assembler.retain;
        *side = Side::new();
        side.assembler.retain = retain;
    }

    /// Keeps at most `bytes` of each literal for parsing and summaries (1 MiB by
    /// default). The proxy lowers it: a summary needs the header and the first lines,
    /// and copying a megabyte of every message costs a live relay the CPU it shares.
    pub fn retain_literals(&mut self, bytes: usize) {
        self.client.assembler.retain = bytes;
        self.server.assembler.retain = bytes;
    }

    /// The stream ended: explains whatever unfinished messages remain.
    pub fn finish(&mut self) -> Vec<Annotation> {
        let mut out = Vec::new();
        let rest = self.guard.finish_client();
        self.client.framer.feed(&rest);
        out.extend(self.drain(Direction::Client));
        for direction in [Direction::Client, Direction::Server] {
            let side = self.side(direction);
            let mut messages: Vec<Message> = side
                .framer
                .finish()
                .and_then(|f| side.assembler.push(f))
                .into_iter()
                .collect();
            messages.extend(side.assembler.flush());
            for m in messages {
                out.extend(self.explain_message(direction, &m));
            }
        }
        out
    }

    /// Explains a whole transcript, records that are not IMAP included.
    pub fn explain_transcript(transcript: &Transcript, options: Options) -> Vec<Annotation> {
        let mut out = Vec::new();
        Explainer::explain_each(transcript, options, |a, _| out.push(a));
        out
    }

    /// Explains a whole transcript, handing each annotation over with the session's
    /// context just after it: the HTML view draws the state changes from the
    /// explainer's own model instead of keeping a second one.
    pub fn explain_each(
        transcript: &Transcript,
        options: Options,
        each: impl FnMut(Annotation, &Context),
    ) {
        Explainer::explain_records(transcript.records.iter(), options, each);
    }

    /// Explains records as they come, from a file read line by line or from a
    /// transcript in memory: memory holds the message being explained, not the
    /// session (`explain` of a 200 MB recording).
    pub fn explain_records<R: std::borrow::Borrow<Record>>(
        records: impl Iterator<Item = R>,
        options: Options,
        mut each: impl FnMut(Annotation, &Context),
    ) {
        let mut explainer = Explainer::new(options);
        for record in records {
            match record.borrow() {
                Record::Bytes {
                    direction,
                    bytes,
                    time,
                    ..
                } => {
                    explainer.time = *time;
                    for a in explainer.feed(*direction, bytes) {
                        each(a, &explainer.context);
                    }
                }
                Record::Other { text, why, .. } => {
                    let shown = if options.show_secrets {
                        text.clone()
                    } else {
                        redact::mask_prose(text)
                    };
                    let mut a = Annotation::new(None, AnnotationKind::NotImap, shown);
                    a.summary = say!("client.not-imap", why = why);
                    each(a, &explainer.context);
                }
                Record::Note { text, .. } => each(Annotation::note(text, None), &explainer.context),
                Record::Gap {
                    direction, missing, ..
                } => {
                    explainer.resume(*direction);
                    let key = match direction {
                        Direction::Client => "note.gap.client",
                        Direction::Server => "note.gap.server",
                    };
                    each(
                        Annotation::note(&say!(key, missing = missing), None),
                        &explainer.context,
                    );
                }
            }
        }
        for a in explainer.finish() {
            each(a, &explainer.context);
        }
    }

    fn side(&mut self, direction: Direction) -> &mut Side {
        match direction {
            Direction::Client => &mut self.client,
            Direction::Server => &mut self.server,
        }
    }

    fn explain_message(&mut self, direction: Direction, message: &Message) -> Vec<Annotation> {
        let mut out = Vec::new();
        // `{0}` is read at once, so its refusal (Dovecot: `NO Can't save a zero byte
        // message`) finds the client's message waiting for the rest of its line instead.
        if direction == Direction::Server
            && (self.client.framer.in_literal() || self.client.assembler.in_message())
            && message.first_line().first() != Some(&b'+')
        {
            // A server that answers a synchronizing literal with the command's tagged
            // NO/BAD instead of "+" will never receive the literal's bytes (RFC 9051
            // §4.3): the client's framer must stop waiting for them, and the command is
            // explained as it stands. Another tag completes a pipelined command and
            // changes nothing: the literal (maybe a password) is still to come.
            let refused = crate::wire::framer::refuses_literal(
                self.client.assembler.current_first_line(),
                message.first_line(),
            );
            if refused {
                self.client.framer.cancel_literal();
                // Only NO or BAD refuses; after an OK the bytes were sent and are only
                // missing here (RFC 8474's examples elide them), which stays an error.
                let ok = message
                    .first_line()
                    .split(|&b| b == b' ')
                    .nth(1)
                    .is_some_and(|w| w.eq_ignore_ascii_case(b"OK"));
                if let Some(partial) = self.client.assembler.flush() {
                    out.push(self.annotate_as(Direction::Client, &partial, !ok));
                }
            }
        }
        out.push(self.annotate(direction, message));
        out
    }

    fn annotate(&mut self, direction: Direction, message: &Message) -> Annotation {
        self.annotate_as(direction, message, false)
    }

    /// `refused`: the server completed this client message before it was whole, by
    /// refusing its literal (RFC 9051 §4.3), so it is a command the server answered, not
    /// one cut off that it never ran.
    fn annotate_as(
        &mut self,
        direction: Direction,
        message: &Message,
        refused: bool,
    ) -> Annotation {
        let mut annotation = match direction {
            Direction::Client => {
                match commands::continuation_data(&self.context, message, self.options) {
                    Some(a) => a,
                    None => {
                        let parsed = parse_client(message);
                        let mut a =
                            commands::explain(&self.context, message, &parsed, self.options);
                        if refused {
                            // The client did right not to send the literal: the server's
                            // tagged reply refused it (RFC 9051 §2.2.1, note), so the
                            // grammar's "bytes must follow" is no mistake of the client's.
                            a.diagnostics.retain(|d| d.code != "literal-without-data");
                        }
                        if message.is_cut_off() && !refused {
                            // Not a command the server runs: the session stays as it was.
                            let column = message.first_line().len() + 1;
                            a.diagnostics.push(Diagnostic::new(
                                Severity::Error,
                                "cut-off",
                                column,
                                "command",
                                say!("diag.cut-off"),
                            ));
                        } else {
                            self.context.client_sent(&parsed, message.first_line());
                        }
                        a
                    }
                }
            }
            Direction::Server => {
                let parsed = parse_server(message);
                let greeting = self.context.is_greeting(&parsed);
                // A response cut off ends without CRLF: the grammar says so (missing-crlf).
                let a = responses::explain(&self.context, message, &parsed, greeting);
                self.context.server_sent(&parsed, greeting);
                a
            }
        };
        if !annotation.masked {
            annotation.continued = message
                .lines()
                .skip(1)
                .map(|l| String::from_utf8_lossy(l.text()).into_owned())
                .collect();
        }
        // Tools get the bytes as they were, unless a secret was masked in the display.
        annotation.raw = if annotation.masked {
            format!("{}\r\n", annotation.display).into_bytes()
        } else {
            message.wire_bytes()
        };
        let rule = match direction {
            Direction::Client => "command",
            Direction::Server => "response",
        };
        for error in message.frame_errors() {
            annotation.diagnostics.push(Diagnostic::new(
                Severity::Error,
                "frame-limit",
                1,
                rule,
                error.to_string(),
            ));
        }
        if message.has_bare_lf() {
            annotation.diagnostics.push(
                Diagnostic::new(Severity::Note, "bare-lf", 1, "CRLF", say!("diag.bare-lf"))
                    .suggest(say!("diag.bare-lf.hint")),
            );
        }
        if !self.options.show_secrets {
            redact::mask_annotation(&mut annotation);
        }
        annotation.time = self.time;
        annotation
    }
}

/// Parses the grammar text of a client message: shared with the lesson runner.
pub(crate) fn parse_client(message: &Message) -> crate::grammar::ParsedCommand {
    parse_command(&message.grammar_text())
}

/// Parses the grammar text of a server message.
pub(crate) fn parse_server(message: &Message) -> crate::grammar::ParsedResponse {
    parse_response(&message.grammar_text())
}
