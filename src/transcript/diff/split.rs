//! Splitting a session into exchanges: the greeting, then each command with all that
//! belongs to it until its tagged completion; and which untagged responses are "the
//! same one" on both sides ([`Identity`]).

use super::*;

/// Splits a session into exchanges, normalising every message with `rules`.
pub(crate) fn exchanges(transcript: &Transcript, rules: &Rules) -> Vec<Exchange> {
    let mut s = Splitter::new(rules);
    for record in &transcript.records {
        s.record(record);
    }
    s.finish();
    s.exchanges.items.into()
}

/// The exchanges of a session read record by record, each handed out once nothing
/// more can belong to it: memory holds the exchanges still open, not the session.
pub(crate) struct ExchangeStream<'r, I> {
    splitter: Splitter<'r>,
    records: I,
    ready: VecDeque<Exchange>,
    done: bool,
}

impl<'r, I: Iterator<Item = Record>> ExchangeStream<'r, I> {
    pub(crate) fn new(records: I, rules: &'r Rules) -> Self {
        ExchangeStream {
            splitter: Splitter::new(rules),
            records,
            ready: VecDeque::new(),
            done: false,
        }
    }
}

impl<I: Iterator<Item = Record>> Iterator for ExchangeStream<'_, I> {
    type Item = Exchange;

    fn next(&mut self) -> Option<Exchange> {
        while self.ready.is_empty() && !self.done {
            match self.records.next() {
                Some(record) => {
                    self.splitter.record(&record);
                    self.ready.extend(self.splitter.retire());
                }
                None => {
                    self.splitter.finish();
                    self.ready.extend(self.splitter.exchanges.items.drain(..));
                    self.done = true;
                }
            }
        }
        self.ready.pop_front()
    }
}

/// Exchanges by their number in the session, of which the first ones may have been
/// handed out already (`base` of them).
#[derive(Default)]
struct Ledger {
    base: usize,
    items: VecDeque<Exchange>,
}

impl Ledger {
    /// How many exchanges the session has had so far.
    fn len(&self) -> usize {
        self.base + self.items.len()
    }

    fn push(&mut self, exchange: Exchange) {
        self.items.push_back(exchange);
    }
}

impl std::ops::Index<usize> for Ledger {
    type Output = Exchange;
    fn index(&self, i: usize) -> &Exchange {
        &self.items[i - self.base]
    }
}

impl std::ops::IndexMut<usize> for Ledger {
    fn index_mut(&mut self, i: usize) -> &mut Exchange {
        &mut self.items[i - self.base]
    }
}

impl Splitter<'_> {
    fn record(&mut self, record: &Record) {
        match record {
            Record::Bytes {
                direction,
                bytes,
                source_line,
                ..
            } => self.feed(*direction, bytes, *source_line),
            // A recording's gap: the unfinished message is lost, and what follows
            // starts a new one.
            Record::Gap { direction, .. } => {
                let side = side(*direction);
                self.framers[side] = Framer::default();
                self.assemblers[side] = Assembler::default();
                if *direction == Direction::Client {
                    self.client_target = None;
                }
            }
            _ => {}
        }
    }

    /// The exchanges nothing more can join: before every open one, before the one
    /// the client is sending to, and before the last (which takes what has no tag).
    fn retire(&mut self) -> Vec<Exchange> {
        let mut bound = self.exchanges.len() - 1;
        if let Some(&first) = self.open.front() {
            bound = bound.min(first);
        }
        if let Some((target, _)) = self.client_target {
            bound = bound.min(target);
        }
        let mut out = Vec::new();
        while self.exchanges.base < bound {
            if let Some(e) = self.exchanges.items.pop_front() {
                out.push(e);
            }
            self.exchanges.base += 1;
        }
        out
    }
}

pub(super) struct Splitter<'r> {
    rules: &'r Rules,
    framers: [Framer; 2],
    assemblers: [Assembler; 2],
    exchanges: Ledger,
    /// Exchanges still waiting for their tagged completion, oldest first.
    open: VecDeque<usize>,
    /// The exchange the client message being assembled belongs to.
    client_target: Option<(usize, bool)>,
    greeted: bool,
}

impl<'r> Splitter<'r> {
    fn new(rules: &'r Rules) -> Self {
        Splitter {
            rules,
            framers: [Framer::default(), Framer::default()],
            assemblers: [Assembler::default(), Assembler::default()],
            exchanges: Ledger {
                base: 0,
                items: VecDeque::from([Exchange::default()]),
            },
            open: VecDeque::new(),
            client_target: None,
            greeted: false,
        }
    }

    fn feed(&mut self, direction: Direction, bytes: &[u8], source_line: usize) {
        let side = side(direction);
        self.framers[side].feed(bytes);
        while let Some(frame) = self.framers[side].next_frame() {
            self.frame(direction, frame, source_line);
        }
    }

    fn finish(&mut self) {
        for direction in [Direction::Client, Direction::Server] {
            let side = side(direction);
            if let Some(frame) = self.framers[side].finish() {
                self.frame(direction, frame, 0);
            }
            if let Some(message) = self.assemblers[side].flush() {
                self.message(direction, message);
            }
        }
    }

    fn frame(&mut self, direction: Direction, frame: Frame, source_line: usize) {
        let side = side(direction);
        if direction == Direction::Client && !self.assemblers[side].in_message() {
            self.client_target = Some(self.start_client_message(&frame, source_line));
        }
        if let Some(message) = self.assemblers[side].push(frame) {
            self.message(direction, message);
        }
    }

    /// Decides where a client message that starts with `frame` goes: into an open
    /// IDLE or AUTHENTICATE (DONE, a SASL answer), or into a new exchange.
    fn start_client_message(&mut self, frame: &Frame, source_line: usize) -> (usize, bool) {
        if let Some(&last) = self.open.back() {
            if matches!(self.exchanges[last].name, Some("IDLE" | "AUTHENTICATE")) {
                return (last, false);
            }
        }
        let tag = match frame {
            Frame::Line(line) => first_word(line.text()),
            _ => None,
        };
        let index = self.exchanges.len();
        self.exchanges.push(Exchange {
            index,
            tag,
            source_line,
            ..Exchange::default()
        });
        self.open.push_back(index);
        (index, true)
    }

    fn message(&mut self, direction: Direction, message: Message) {
        match direction {
            Direction::Client => self.client_message(message),
            Direction::Server => self.server_message(message),
        }
    }

    fn client_message(&mut self, message: Message) {
        let (index, is_command) = self.client_target.take().unwrap_or_else(|| {
            let i = self.exchanges.len() - 1;
            (i, false)
        });
        let exchange = &mut self.exchanges[index];
        let mut lines = self.rules.message_lines(Direction::Client, &message, false);
        if is_command {
            let parsed = parse_command(&message.grammar_text());
            exchange.name = parsed.name;
            if self.rules.has(Rule::Tags) {
                if let Some(first) = lines.first_mut() {
                    *first = display_with_tag(first, "<tag>");
                }
            }
            exchange.command = Some(Item {
                kind: Kind::Command,
                message,
                lines,
            });
        } else {
            if lines.is_empty() {
                lines.push("C:".into());
            }
            exchange.items.push(Item {
                kind: Kind::ClientData,
                message,
                lines,
            });
        }
    }

    fn server_message(&mut self, message: Message) {
        let greeting = !self.greeted && self.exchanges.len() == 1;
        self.greeted = true;
        let parsed = parse_response(&message.grammar_text());
        let mut lines = self
            .rules
            .message_lines(Direction::Server, &message, greeting);
        let kind = match &parsed.response {
            _ if greeting => Kind::Greeting,
            Some(Response::Continuation { .. }) => Kind::Continuation,
            Some(Response::Tagged { .. }) => Kind::Tagged,
            Some(Response::Data(data)) => Kind::Untagged {
                identity: identity(data),
                barrier: matches!(data, Data::Expunge(_)),
            },
            None if message.first_line().starts_with(b"+") => Kind::Continuation,
            None => match parsed.tag.as_deref() {
                Some(t) if t != "*" => Kind::Tagged,
                _ => Kind::Untagged {
                    identity: Identity::Unreadable(lines.join("\n")),
                    barrier: false,
                },
            },
        };
        let mut target = None;
        if kind == Kind::Tagged {
            let tag = first_word(message.first_line());
            if let Some(pos) = self
                .open
                .iter()
                .position(|&i| self.exchanges[i].tag.is_some() && self.exchanges[i].tag == tag)
            {
                let index = self.open.remove(pos).unwrap_or_default();
                self.exchanges[index].completed = true;
                if self.rules.has(Rule::Tags) {
                    if let Some(first) = lines.first_mut() {
                        *first = display_with_tag(first, "<tag>");
                    }
                }
                target = Some(index);
                self.refused_literal(index);
            }
        }
        let index = target.unwrap_or_else(|| {
            if greeting {
                0
            } else if let Some((i, _)) = self
                .client_target
                .filter(|_| self.assemblers[0].in_message())
            {
                i
            } else {
                self.open
                    .front()
                    .copied()
                    .unwrap_or(self.exchanges.len() - 1)
            }
        });
        self.exchanges[index].items.push(Item {
            kind,
            message,
            lines,
        });
    }

    /// A tagged reply while the client is still in the middle of that command means
    /// the server refused a synchronizing literal (RFC 9051 §4.3): the client never
    /// sends the literal, so its framer must not wait for those bytes.
    fn refused_literal(&mut self, index: usize) {
        if self.assemblers[0].in_message() && self.client_target.map(|t| t.0) == Some(index) {
            self.framers[0].cancel_literal();
            if let Some(message) = self.assemblers[0].flush() {
                self.client_message(message);
            }
        }
    }
}

fn side(direction: Direction) -> usize {
    match direction {
        Direction::Client => 0,
        Direction::Server => 1,
    }
}

fn first_word(text: &[u8]) -> Option<String> {
    let end = text.iter().position(|&b| b == b' ').unwrap_or(text.len());
    (end > 0).then(|| String::from_utf8_lossy(&text[..end]).into_owned())
}

/// A display line (`C: A1 LOGIN ...`) with its tag replaced.
fn display_with_tag(line: &str, tag: &str) -> String {
    match line.split_at_checked(3) {
        Some((mark, text)) => {
            let renamed = rename_tag(text.as_bytes(), tag);
            format!("{mark}{}", String::from_utf8_lossy(&renamed))
        }
        None => line.to_string(),
    }
}

/// Which untagged responses are "the same one" on both sides, so that a changed one is
/// shown, and explained, next to its counterpart.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(crate) enum Identity {
    /// `* n FETCH`: one per message number.
    Fetch(u32),
    /// `* n EXPUNGE`: a fixed point of the exchange.
    Expunge(u32),
    /// `* OK/NO/BAD/PREAUTH/BYE [CODE]`: one per status and code name.
    Status(&'static str, Option<String>),
    /// `* LIST`, `* LSUB`, `* STATUS`: one per response name and mailbox.
    Mailbox(&'static str, String),
    /// Any other response: one per response name (`CAPABILITY`, `EXISTS`, ...).
    Named(&'static str),
    /// A line the grammar could not read: one per normalised text.
    Unreadable(String),
}

impl std::fmt::Display for Identity {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Identity::Fetch(n) => write!(f, "FETCH {n}"),
            Identity::Expunge(n) => write!(f, "EXPUNGE {n}"),
            Identity::Status(status, None) => f.write_str(status),
            Identity::Status(status, Some(code)) => write!(f, "{status} [{code}]"),
            Identity::Mailbox(name, mailbox) => write!(f, "{name} {mailbox}"),
            Identity::Named(name) => f.write_str(name),
            Identity::Unreadable(lines) => write!(f, "? {lines}"),
        }
    }
}

/// The [`Identity`] of an untagged response: its name, plus the message number for
/// FETCH and EXPUNGE, the code for a status response, the mailbox for LIST and STATUS.
pub(crate) fn identity(data: &Data) -> Identity {
    match data {
        Data::Fetch { seq, .. } => Identity::Fetch(*seq),
        Data::Expunge(n) => Identity::Expunge(*n),
        Data::Status { status, code, .. } => {
            Identity::Status(status.name(), code.as_ref().map(|c| c.name().to_owned()))
        }
        Data::List(item) => Identity::Mailbox("LIST", item.mailbox.name.clone()),
        Data::Lsub(item) => Identity::Mailbox("LSUB", item.mailbox.name.clone()),
        Data::MailboxStatus { mailbox, .. } => Identity::Mailbox("STATUS", mailbox.name.clone()),
        Data::Capability(_)
        | Data::Enabled(_)
        | Data::Id(_)
        | Data::Namespace { .. }
        | Data::Search { .. }
        | Data::ESearch { .. }
        | Data::Sort { .. }
        | Data::Thread(_)
        | Data::Flags(_)
        | Data::Exists(_)
        | Data::Recent(_)
        | Data::Vanished { .. }
        | Data::UidFetch { .. }
        | Data::Quota { .. }
        | Data::QuotaRoot { .. }
        | Data::Acl { .. }
        | Data::ListRights { .. }
        | Data::MyRights { .. }
        | Data::Metadata { .. } => Identity::Named(data.name()),
    }
}
