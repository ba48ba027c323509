//! `diff`: two sessions compared exchange by exchange, with what each difference means.
//!
//! A line diff of two captures drowns in timings, UIDVALIDITY values, dates and tags,
//! and it pairs lines that have nothing to do with each other. This diff:
//!
//! 1. **Normalises** both sides with the same [`Rules`] (see [`super::normalize`]).
//! 2. **Splits** each session into exchanges: the greeting is exchange 0; then each
//!    command with everything that belongs to it until its tagged completion: the
//!    untagged responses, continuation requests, the literal data the client sent
//!    after a `+`, IDLE's `DONE`, AUTHENTICATE's answers.
//! 3. **Aligns** exchanges by command (the command without its tag), not by line, so a
//!    missing or extra command shows as one missing or extra exchange.
//! 4. **Orders** within an exchange what the RFC lets a server send in any order:
//!    untagged responses between two fixed points (a continuation request, an
//!    EXPUNGE, whose numbers shift every later one, a line the client sent, the
//!    tagged completion) are a multiset. Both sides are put in one canonical order,
//!    the expected session's own (responses of the same kind, or FETCHes of the same
//!    message, in the order they first appear there), so a reordered SELECT shows no
//!    difference and a changed one shows the two versions next to each other.
//! 5. **Explains** each difference in one line for people, from the grammar's AST of
//!    the original (not normalised) messages: "the server answered NO instead of OK",
//!    "message 3 lost \Seen", "an EXISTS response is missing", "the literal is 12
//!    bytes longer".
//!
//! Sans-IO: [`diff`] takes two [`Transcript`]s and returns a [`Report`], which renders
//! itself as text (a unified diff per exchange, via `similar`) or as JSON.

use std::collections::{HashMap, VecDeque};
use std::fmt::Write as _;

use serde::Serialize;
use similar::{ChangeTag, TextDiff};

use crate::grammar::msg_att::MessageAttribute;
use crate::grammar::response::Code;
use crate::grammar::{parse_command, parse_response, Data, Response};
use crate::wire::{Assembler, Frame, Framer, Message};

use crate::render::Painter;

use super::normalize::{rename_tag, Rule, Rules};
use super::{Direction, Record, Transcript};

/// What a message is, as far as splitting and ordering need to know.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Kind {
    /// The client's command that opens an exchange.
    Command,
    /// A line the client sent inside an exchange (DONE, an AUTHENTICATE answer).
    ClientData,
    /// The server's first message.
    Greeting,
    /// `+ ...`
    Continuation,
    /// `* ...`; `identity` says which responses are "the same one" (see [`identity`]).
    Untagged { identity: Identity, barrier: bool },
    /// `tag OK/NO/BAD ...`
    Tagged,
}

/// One message of an exchange, normalised for comparison and display.
#[derive(Debug, Clone)]
pub struct Item {
    pub direction: Direction,
    pub(crate) kind: Kind,
    /// The message as it was on the wire (literals kept up to the assembler's limit):
    /// the meanings are read from its grammar.
    pub(crate) message: Message,
    /// Normalised display lines (`S: * 4 EXISTS`, `S| ...`).
    pub(crate) lines: Vec<String>,
}

impl Item {
    fn key(&self) -> String {
        self.lines.join("\n")
    }
}

/// A command and what belongs to it; exchange 0 is the greeting.
#[derive(Debug, Clone, Default)]
pub(crate) struct Exchange {
    pub(crate) index: usize,
    /// The command's tag, as sent.
    pub(crate) tag: Option<String>,
    /// The command's name as the grammar knows it (`SELECT`, `IDLE`), if it parsed.
    pub(crate) name: Option<&'static str>,
    pub(crate) command: Option<Item>,
    /// Everything else, in arrival order.
    pub(crate) items: Vec<Item>,
    /// The line of the transcript file where the exchange starts.
    pub(crate) source_line: usize,
    /// True once its tagged completion came.
    pub(crate) completed: bool,
}

impl Exchange {
    /// What aligns exchanges: the normalised command without its tag.
    pub(crate) fn key(&self) -> String {
        match &self.command {
            None => "greeting".to_string(),
            Some(c) => {
                let first = c.lines.first().map(String::as_str).unwrap_or("");
                let text = first.strip_prefix("C: ").unwrap_or(first);
                let rest = text.split_once(' ').map_or("", |(_, r)| r);
                let mut key = rest.to_string();
                for line in &c.lines[1..] {
                    key.push('\n');
                    key.push_str(line);
                }
                key
            }
        }
    }

    /// The header line shown above the exchange's diff.
    pub(crate) fn title(&self) -> String {
        match &self.command {
            None => "the greeting".to_string(),
            Some(c) => c.lines.first().cloned().unwrap_or_default(),
        }
    }

    /// The exchange's display lines: the command, then everything else in the order
    /// given.
    fn lines_in(&self, order: &[usize]) -> Vec<String> {
        let mut out = Vec::new();
        if let Some(c) = &self.command {
            out.extend(c.lines.iter().cloned());
        }
        for &i in order {
            out.extend(self.items[i].lines.iter().cloned());
        }
        out
    }
}

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
    pub fn new(records: I, rules: &'r Rules) -> Self {
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

struct Splitter<'r> {
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
                direction: Direction::Client,
                kind: Kind::Command,
                message,
                lines,
            });
        } else {
            if lines.is_empty() {
                lines.push("C:".into());
            }
            exchange.items.push(Item {
                direction: Direction::Client,
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
            direction: Direction::Server,
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
pub enum Identity {
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
        | Data::Flags(_)
        | Data::Exists(_)
        | Data::Recent(_)
        | Data::Vanished { .. } => Identity::Named(data.name()),
    }
}

// ---------------------------------------------------------------------------------
// Ordering

/// The exchange's items, in the canonical order: fixed points stay where they are,
/// and the untagged responses between two fixed points follow `reference`'s order of
/// identities (the expected side's), then their own order. Returns item indices.
fn canonical_order(exchange: &Exchange, reference: &[Vec<Identity>]) -> Vec<usize> {
    let mut out = Vec::with_capacity(exchange.items.len());
    let mut bag: Vec<usize> = Vec::new();
    let mut bag_number = 0usize;
    let flush = |bag: &mut Vec<usize>, bag_number: &mut usize, out: &mut Vec<usize>| {
        let empty = Vec::new();
        let order = reference.get(*bag_number).unwrap_or(&empty);
        let rank = |i: &usize| {
            let id = match &exchange.items[*i].kind {
                Kind::Untagged { identity, .. } => Some(identity),
                _ => None,
            };
            order
                .iter()
                .position(|o| Some(o) == id)
                .unwrap_or(order.len())
        };
        bag.sort_by_key(rank);
        out.append(bag);
        *bag_number += 1;
    };
    for (i, item) in exchange.items.iter().enumerate() {
        match &item.kind {
            Kind::Untagged { barrier: false, .. } => bag.push(i),
            _ => {
                flush(&mut bag, &mut bag_number, &mut out);
                out.push(i);
            }
        }
    }
    flush(&mut bag, &mut bag_number, &mut out);
    out
}

/// Each bag's identities in order of first appearance: the expected side's order.
fn bag_identities(exchange: &Exchange) -> Vec<Vec<Identity>> {
    let mut out = vec![Vec::new()];
    for item in &exchange.items {
        match &item.kind {
            Kind::Untagged {
                identity,
                barrier: false,
            } => {
                let bag = out.last_mut().expect("one bag at least");
                if !bag.contains(identity) {
                    bag.push(identity.clone());
                }
            }
            _ => out.push(Vec::new()),
        }
    }
    out
}

/// The exchange's untagged responses grouped by bag, as item indices.
fn bags(exchange: &Exchange) -> Vec<Vec<usize>> {
    let mut out = vec![Vec::new()];
    for (i, item) in exchange.items.iter().enumerate() {
        match &item.kind {
            Kind::Untagged { barrier: false, .. } => out.last_mut().expect("a bag").push(i),
            _ => out.push(Vec::new()),
        }
    }
    out
}

// ---------------------------------------------------------------------------------
// The report

/// One line of a rendered diff.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub(crate) struct DiffLine {
    /// `' '` same, `'-'` only in the expected session, `'+'` only in the actual one.
    pub(crate) sign: char,
    pub(crate) text: String,
}

/// An exchange that differs.
#[derive(Debug, Clone, Serialize)]
pub struct Difference {
    /// The exchange's number in each session (None when it is missing there).
    pub(crate) expected: Option<usize>,
    pub(crate) actual: Option<usize>,
    /// Where the exchange starts in each file.
    pub(crate) expected_line: Option<usize>,
    pub(crate) actual_line: Option<usize>,
    /// The command line (normalised), or "the greeting".
    pub(crate) title: String,
    /// One sentence per difference, for people.
    pub meanings: Vec<String>,
    /// The diff, in groups of lines with context; groups are separated in the text output.
    pub(crate) hunks: Vec<Vec<DiffLine>>,
}

/// The whole comparison.
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    /// The rules in force.
    pub(crate) rules: Vec<String>,
    pub expected_exchanges: usize,
    pub actual_exchanges: usize,
    pub differences: Vec<Difference>,
}

/// How many lines of context around each change.
const CONTEXT: usize = 3;

/// Compares two sessions.
pub fn diff(expected: &Transcript, actual: &Transcript, rules: &Rules) -> Report {
    let old = exchanges(expected, rules);
    let new = exchanges(actual, rules);
    diff_exchanges(&old, &new, rules)
}

/// Compares two sessions read record by record, twice each: once to align their
/// exchanges by command (a hash of each key is all that is kept), once to compare
/// the aligned pairs as both streams go by. Memory holds the open exchanges and the
/// differences, not the sessions: two 200 MB recordings are diffed in megabytes.
/// `expected` and `actual` open their session afresh each time they are called.
pub fn diff_streams<A, B>(expected: impl Fn() -> A, actual: impl Fn() -> B, rules: &Rules) -> Report
where
    A: Iterator<Item = Record>,
    B: Iterator<Item = Record>,
{
    let keys = |stream: &mut dyn Iterator<Item = Exchange>| -> Vec<u64> {
        stream
            .skip(1)
            .map(|e| {
                use std::hash::{Hash, Hasher};
                let mut h = std::collections::hash_map::DefaultHasher::new();
                e.key().hash(&mut h);
                h.finish()
            })
            .collect()
    };
    let old_keys = keys(&mut ExchangeStream::new(expected(), rules));
    let new_keys = keys(&mut ExchangeStream::new(actual(), rules));
    let ops = similar::capture_diff_slices(similar::Algorithm::Myers, &old_keys, &new_keys);
    let mut old = ExchangeStream::new(expected(), rules);
    let mut new = ExchangeStream::new(actual(), rules);
    let mut differences = Vec::new();
    differences.extend(compare(old.next().as_ref(), new.next().as_ref(), rules));
    for op in ops {
        let (_, old_range, new_range) = op.as_tag_tuple();
        let (o, n) = (old_range.len(), new_range.len());
        for k in 0..o.max(n) {
            let a = if k < o { old.next() } else { None };
            let b = if k < n { new.next() } else { None };
            differences.extend(compare(a.as_ref(), b.as_ref(), rules));
        }
    }
    Report {
        rules: rules.describe(),
        expected_exchanges: old_keys.len() + 1,
        actual_exchanges: new_keys.len() + 1,
        differences,
    }
}

/// Compares two sessions already split into exchanges.
pub(crate) fn diff_exchanges(old: &[Exchange], new: &[Exchange], rules: &Rules) -> Report {
    // Exchange 0 (the greeting) is always paired; the rest is aligned by command.
    let old_keys: Vec<String> = old.iter().skip(1).map(Exchange::key).collect();
    let new_keys: Vec<String> = new.iter().skip(1).map(Exchange::key).collect();
    let ops = similar::capture_diff_slices(similar::Algorithm::Myers, &old_keys, &new_keys);
    let mut pairs: Vec<(Option<&Exchange>, Option<&Exchange>)> = vec![(old.first(), new.first())];
    for op in ops {
        let (_, old_range, new_range) = op.as_tag_tuple();
        let (o, n) = (old_range.len(), new_range.len());
        for k in 0..o.max(n) {
            let a = (k < o).then(|| &old[1 + old_range.start + k]);
            let b = (k < n).then(|| &new[1 + new_range.start + k]);
            pairs.push((a, b));
        }
    }
    let differences = pairs
        .into_iter()
        .filter_map(|(a, b)| compare(a, b, rules))
        .collect();
    Report {
        rules: rules.describe(),
        expected_exchanges: old.len(),
        actual_exchanges: new.len(),
        differences,
    }
}

fn compare(a: Option<&Exchange>, b: Option<&Exchange>, rules: &Rules) -> Option<Difference> {
    let empty = Exchange::default();
    let reference = bag_identities(a.unwrap_or(&empty));
    let old_lines = a.map_or_else(Vec::new, |e| e.lines_in(&canonical_order(e, &reference)));
    let new_lines = b.map_or_else(Vec::new, |e| e.lines_in(&canonical_order(e, &reference)));
    if a.is_some() && b.is_some() && old_lines == new_lines {
        return None;
    }
    let meanings = match (a, b) {
        (Some(a), Some(b)) => meanings(a, b, rules),
        (Some(a), None) => vec![format!(
            "the actual session has no `{}` exchange",
            a.title()
        )],
        (None, Some(b)) => vec![format!(
            "the actual session has an extra exchange: `{}`",
            b.title()
        )],
        (None, None) => return None,
    };
    let title = a.or(b).map(Exchange::title).unwrap_or_default();
    Some(Difference {
        expected: a.map(|e| e.index),
        actual: b.map(|e| e.index),
        expected_line: a.map(|e| e.source_line).filter(|&l| l > 0),
        actual_line: b.map(|e| e.source_line).filter(|&l| l > 0),
        title,
        meanings,
        hunks: hunks(&old_lines, &new_lines),
    })
}

fn hunks(old: &[String], new: &[String]) -> Vec<Vec<DiffLine>> {
    let old: Vec<&str> = old.iter().map(String::as_str).collect();
    let new: Vec<&str> = new.iter().map(String::as_str).collect();
    let diff = TextDiff::configure().diff_slices(&old, &new);
    diff.grouped_ops(CONTEXT)
        .iter()
        .map(|group| {
            group
                .iter()
                .flat_map(|op| diff.iter_changes(op))
                .map(|change| DiffLine {
                    sign: match change.tag() {
                        ChangeTag::Equal => ' ',
                        ChangeTag::Delete => '-',
                        ChangeTag::Insert => '+',
                    },
                    text: change.value().to_string(),
                })
                .collect()
        })
        .collect()
}

// ---------------------------------------------------------------------------------
// Meanings

fn meanings(a: &Exchange, b: &Exchange, rules: &Rules) -> Vec<String> {
    let mut out = Vec::new();
    if let (Some(x), Some(y)) = (&a.command, &b.command) {
        if x.lines != y.lines {
            let (said, other_command) = command_meaning(x, y, rules);
            out.extend(said);
            if other_command {
                // Two different commands paired by position: what their answers
                // differ in says nothing more.
                return out;
            }
        }
    }
    // The tagged completion.
    fn tagged(e: &Exchange) -> Option<&Item> {
        e.items.iter().find(|i| i.kind == Kind::Tagged)
    }
    match (tagged(a), tagged(b)) {
        (Some(x), Some(y)) if x.lines != y.lines => {
            out.extend(tagged_meaning(x, y, rules, (&a.tag, &b.tag)))
        }
        (Some(_), None) => out.push("the command got no tagged completion".into()),
        (None, Some(_)) => out
            .push("the command got a tagged completion the expected session does not have".into()),
        _ => {}
    }
    // Continuation requests and what the client sent after them.
    let count = |e: &Exchange, k: &Kind| e.items.iter().filter(|i| i.kind == *k).count();
    let (ca, cb) = (count(a, &Kind::Continuation), count(b, &Kind::Continuation));
    if ca > cb {
        out.push(plural(
            ca - cb,
            "a continuation request (+) is missing",
            "continuation requests (+) are missing",
        ));
    } else if cb > ca {
        out.push(plural(
            cb - ca,
            "the server sent an extra continuation request (+)",
            "extra continuation requests (+)",
        ));
    } else {
        let conts = |e: &Exchange| -> Vec<String> {
            e.items
                .iter()
                .filter(|i| i.kind == Kind::Continuation)
                .map(Item::key)
                .collect()
        };
        if conts(a) != conts(b) {
            out.push("a continuation request's text differs".into());
        }
    }
    let data = |e: &Exchange| -> Vec<String> {
        e.items
            .iter()
            .filter(|i| i.kind == Kind::ClientData)
            .map(Item::key)
            .collect()
    };
    if data(a) != data(b) {
        out.push("what the client sent inside the exchange differs".into());
    }
    if let (Some(x), Some(y)) = (
        a.items.iter().find(|i| i.kind == Kind::Greeting),
        b.items.iter().find(|i| i.kind == Kind::Greeting),
    ) {
        if x.lines != y.lines {
            out.extend(untagged_pair_meaning(x, y, true, rules));
        }
    }
    // Untagged responses, bag by bag, matched by identity.
    let (bags_a, bags_b) = (bags(a), bags(b));
    for k in 0..bags_a.len().max(bags_b.len()) {
        let none = Vec::new();
        let xs = bags_a.get(k).unwrap_or(&none);
        let ys = bags_b.get(k).unwrap_or(&none);
        out.extend(bag_meanings(a, xs, b, ys, rules));
    }
    // EXPUNGEs: fixed points, compared in order.
    let expunges = |e: &Exchange| -> Vec<u32> {
        e.items
            .iter()
            .filter_map(|i| match &i.kind {
                Kind::Untagged {
                    identity: Identity::Expunge(n),
                    ..
                } => Some(*n),
                _ => None,
            })
            .collect()
    };
    let (ea, eb) = (expunges(a), expunges(b));
    if ea != eb {
        out.push(format!(
            "the EXPUNGE responses are {} instead of {}",
            list_or_none(&eb),
            list_or_none(&ea)
        ));
    }
    if out.is_empty() {
        out.push("the lines differ".into());
    }
    out
}

fn list_or_none(numbers: &[u32]) -> String {
    if numbers.is_empty() {
        "none".into()
    } else {
        numbers
            .iter()
            .map(u32::to_string)
            .collect::<Vec<_>>()
            .join(" ")
    }
}

fn plural(n: usize, one: &str, many: &str) -> String {
    if n == 1 {
        one.to_string()
    } else {
        format!("{n} {many}")
    }
}

/// What differs in the command; the flag is true when they are different commands.
fn command_meaning(x: &Item, y: &Item, rules: &Rules) -> (Vec<String>, bool) {
    let px = parse_command(&x.message.grammar_text());
    let py = parse_command(&y.message.grammar_text());
    let text = |i: &Item| {
        let first = i.lines.first().map(String::as_str).unwrap_or("");
        first.strip_prefix("C: ").unwrap_or(first).to_string()
    };
    if px.name != py.name {
        let said = format!(
            "the client sent {} where the expected session has {}",
            py.name.unwrap_or("an unknown command"),
            px.name.unwrap_or("an unknown command")
        );
        return (vec![said], true);
    }
    let mut out = Vec::new();
    let same_body = matches!((&px.command, &py.command), (Some(a), Some(b)) if a.body == b.body);
    if same_body && px.tag != py.tag && !rules.has(Rule::Tags) {
        out.push(format!(
            "the client's tag is {} instead of {}",
            py.tag.unwrap_or_default(),
            px.tag.unwrap_or_default()
        ));
    } else if x.lines.first() != y.lines.first() {
        out.push(format!(
            "the client sent `{}` instead of `{}`",
            text(y),
            text(x)
        ));
    }
    out.extend(literal_size_meaning(
        "the command's literal",
        &x.message,
        &y.message,
    ));
    if out.is_empty() {
        out.push("the command's literal data differs".into());
    }
    (out, false)
}

/// Text as a rule would leave it: two values that normalise alike are not a difference.
fn norm(rules: &Rules, text: &str, greeting: bool) -> String {
    String::from_utf8_lossy(&rules.line(Direction::Server, text.as_bytes(), greeting)).into_owned()
}

fn same_code(rules: &Rules, a: Option<&Code>, b: Option<&Code>) -> bool {
    let show = |c: Option<&Code>| c.map(|c| norm(rules, &format!("[{}]", code_text(c)), false));
    show(a) == show(b)
}

/// `tags`: the two commands' own tags; a completion that carries its command's tag
/// has no tag problem of its own.
fn tagged_meaning(
    x: &Item,
    y: &Item,
    rules: &Rules,
    tags: (&Option<String>, &Option<String>),
) -> Vec<String> {
    let px = parse_response(&x.message.grammar_text());
    let py = parse_response(&y.message.grammar_text());
    let mut out = Vec::new();
    match (px.response, py.response) {
        (
            Some(Response::Tagged {
                tag: ta,
                status: sa,
                code: ca,
                text: xa,
            }),
            Some(Response::Tagged {
                tag: tb,
                status: sb,
                code: cb,
                text: xb,
            }),
        ) => {
            if sa != sb {
                out.push(format!(
                    "the server answered {} instead of {}",
                    sb.name(),
                    sa.name()
                ));
            }
            if !same_code(rules, ca.as_ref(), cb.as_ref()) {
                out.extend(code_meanings("the completion", ca.as_ref(), cb.as_ref()));
            }
            let own =
                tags.0.as_deref() == Some(ta.as_str()) && tags.1.as_deref() == Some(tb.as_str());
            if ta != tb && !own && !rules.has(Rule::Tags) {
                out.push(format!("the completion's tag is {tb} instead of {ta}"));
            }
            if sa == sb && norm(rules, &xa, false) != norm(rules, &xb, false) {
                out.push(format!(
                    "the completion's text is \"{xb}\" instead of \"{xa}\""
                ));
            }
        }
        _ => out.push("the tagged completion differs".into()),
    }
    out
}

/// What changed between two response codes, said as precisely as their kind allows.
fn code_meanings(what: &str, a: Option<&Code>, b: Option<&Code>) -> Vec<String> {
    match (a, b) {
        (Some(Code::Capability(a)), Some(Code::Capability(b))) => {
            set_change(&format!("{what}'s capability list"), a, b)
        }
        (Some(Code::PermanentFlags(a)), Some(Code::PermanentFlags(b))) => {
            set_change("PERMANENTFLAGS", &flag_names(a), &flag_names(b))
        }
        (Some(a), Some(b)) if a.name() == b.name() => {
            vec![format!(
                "{} is {} instead of {}",
                a.name(),
                code_value(b),
                code_value(a)
            )]
        }
        (a, b) => vec![code_change(what, a, b)],
    }
}

fn code_change(whose: &str, a: Option<&Code>, b: Option<&Code>) -> String {
    let show = |c: Option<&Code>| {
        c.map_or("no response code".to_string(), |c| {
            format!("[{}]", code_text(c))
        })
    };
    format!("{whose} has {} instead of {}", show(b), show(a))
}

fn code_text(code: &Code) -> String {
    match code {
        Code::UidNext(n) | Code::UidValidity(n) | Code::Unseen(n) => format!("{} {n}", code.name()),
        Code::HighestModSeq(n) => format!("{} {n}", code.name()),
        Code::Other {
            name,
            argument: Some(a),
        } => format!("{name} {a}"),
        Code::AppendUid { validity, uids } => format!("APPENDUID {validity} {uids}"),
        Code::CopyUid {
            validity,
            source,
            destination,
        } => format!("COPYUID {validity} {source} {destination}"),
        Code::Capability(list) | Code::BadCharset(list) => {
            format!("{} {}", code.name(), list.join(" "))
        }
        Code::PermanentFlags(flags) => format!("{} ({})", code.name(), flag_names(flags).join(" ")),
        Code::Modified(set) => format!("{} {set}", code.name()),
        Code::Referral(url) => format!("{} {url}", code.name()),
        _ => code.name().to_string(),
    }
}

/// `a`/`an` before a response name as people say it: "an EXISTS", "a RECENT", "an OK".
/// Every IMAP response name is said as a word, so a vowel decides.
fn article(word: &str) -> &'static str {
    let vowel_sound = word
        .chars()
        .next()
        .is_some_and(|c| "AEIOU".contains(c.to_ascii_uppercase()));
    if vowel_sound {
        "an"
    } else {
        "a"
    }
}

fn describe_identity(identity: &Identity) -> String {
    match identity {
        Identity::Fetch(n) => format!("a FETCH response for message {n}"),
        Identity::Unreadable(_) => "a response the grammar could not read".into(),
        Identity::Expunge(_)
        | Identity::Status(..)
        | Identity::Mailbox(..)
        | Identity::Named(_) => {
            let shown = identity.to_string();
            format!("{} {shown} response", article(&shown))
        }
    }
}

fn bag_meanings(
    a: &Exchange,
    xs: &[usize],
    b: &Exchange,
    ys: &[usize],
    rules: &Rules,
) -> Vec<String> {
    let mut out = Vec::new();
    let identity_of = |e: &Exchange, i: usize| match &e.items[i].kind {
        Kind::Untagged { identity, .. } => Some(identity.clone()),
        _ => None,
    };
    // Exact matches first (a multiset), then what is left is paired by identity.
    let mut left_b: Vec<usize> = ys.to_vec();
    let mut left_a: Vec<usize> = Vec::new();
    for &x in xs {
        let key = a.items[x].lines.clone();
        match left_b.iter().position(|&y| b.items[y].lines == key) {
            Some(p) => {
                left_b.remove(p);
            }
            None => left_a.push(x),
        }
    }
    let mut order: Vec<Identity> = Vec::new();
    let mut by_id: HashMap<Identity, (Vec<usize>, Vec<usize>)> = HashMap::new();
    for &x in &left_a {
        // Bags hold untagged responses only, so every item has an identity.
        let Some(id) = identity_of(a, x) else {
            continue;
        };
        if !order.contains(&id) {
            order.push(id.clone());
        }
        by_id.entry(id).or_default().0.push(x);
    }
    for &y in &left_b {
        let Some(id) = identity_of(b, y) else {
            continue;
        };
        if !order.contains(&id) {
            order.push(id.clone());
        }
        by_id.entry(id).or_default().1.push(y);
    }
    for id in order {
        let (xs, ys) = &by_id[&id];
        for k in 0..xs.len().max(ys.len()) {
            match (xs.get(k), ys.get(k)) {
                (Some(&x), Some(&y)) => out.extend(untagged_pair_meaning(
                    &a.items[x],
                    &b.items[y],
                    false,
                    rules,
                )),
                (Some(_), None) => out.push(format!("{} is missing", describe_identity(&id))),
                (None, Some(_)) => out.push(format!(
                    "the server sent an extra {}",
                    strip_article(&describe_identity(&id))
                )),
                (None, None) => {}
            }
        }
    }
    out
}

fn strip_article(s: &str) -> &str {
    s.strip_prefix("an ")
        .or_else(|| s.strip_prefix("a "))
        .unwrap_or(s)
}

fn flag_names(flags: &[crate::grammar::core::Flag]) -> Vec<String> {
    flags.iter().map(|f| f.0.clone()).collect()
}

/// Flags in `a` that are not in `b` (case-insensitive, as flags are).
fn missing_from(a: &[String], b: &[String]) -> Vec<String> {
    a.iter()
        .filter(|f| !b.iter().any(|g| g.eq_ignore_ascii_case(f)))
        .cloned()
        .collect()
}

fn untagged_pair_meaning(x: &Item, y: &Item, greeting: bool, rules: &Rules) -> Vec<String> {
    let px = parse_response(&x.message.grammar_text()).response;
    let py = parse_response(&y.message.grammar_text()).response;
    let mut out = Vec::new();
    let (Some(Response::Data(dx)), Some(Response::Data(dy))) = (px, py) else {
        out.push("a response differs".into());
        return out;
    };
    match (&dx, &dy) {
        (
            Data::Fetch {
                seq,
                attributes: ax,
            },
            Data::Fetch { attributes: ay, .. },
        ) => {
            out.extend(fetch_meanings(*seq, ax, ay, &x.message, &y.message, rules));
        }
        (Data::Exists(m), Data::Exists(n)) => {
            out.push(format!("EXISTS says {n} messages instead of {m}"))
        }
        (Data::Recent(m), Data::Recent(n)) => out.push(format!("RECENT says {n} instead of {m}")),
        (Data::Flags(fx), Data::Flags(fy)) => {
            let (fx, fy) = (flag_names(fx), flag_names(fy));
            out.extend(set_change("the mailbox's FLAGS", &fx, &fy));
        }
        (Data::Capability(cx), Data::Capability(cy)) => {
            out.extend(set_change("the capability list", cx, cy))
        }
        (Data::Search { numbers: nx, .. }, Data::Search { numbers: ny, .. }) => out.push(format!(
            "SEARCH found {} instead of {}",
            list_or_none(ny),
            list_or_none(nx)
        )),
        (Data::MailboxStatus { mailbox, items: ix }, Data::MailboxStatus { items: iy, .. }) => {
            for (name, value) in ix {
                match iy.iter().find(|(n, _)| n.eq_ignore_ascii_case(name)) {
                    Some((_, v)) if v != value => out.push(format!(
                        "STATUS of {}: {name} is {v} instead of {value}",
                        mailbox.name
                    )),
                    None => out.push(format!("STATUS of {} lacks {name}", mailbox.name)),
                    _ => {}
                }
            }
            if out.is_empty() {
                out.push(format!("the STATUS of {} differs", mailbox.name));
            }
        }
        (
            Data::Status {
                status: sx,
                code: cx,
                text: tx,
            },
            Data::Status {
                status: sy,
                code: cy,
                text: ty,
            },
        ) => {
            let what = if greeting {
                "the greeting".to_string()
            } else {
                format!("the untagged {}", sx.name())
            };
            if sx != sy {
                out.push(format!("{what} is {} instead of {}", sy.name(), sx.name()));
            }
            if !same_code(rules, cx.as_ref(), cy.as_ref()) {
                out.extend(code_meanings(&what, cx.as_ref(), cy.as_ref()));
            }
            if norm(rules, tx, greeting) != norm(rules, ty, greeting) {
                out.push(format!("{what}'s text is \"{ty}\" instead of \"{tx}\""));
            }
        }
        _ => out.push(format!(
            "the {} response differs",
            strip_article(&describe_identity(&identity(&dx))).trim_end_matches(" response")
        )),
    }
    if out.is_empty() {
        out.push("a response differs".into());
    }
    out
}

fn code_value(code: &Code) -> String {
    let text = code_text(code);
    text.split_once(' ')
        .map_or(text.clone(), |(_, v)| v.to_string())
}

fn set_change(what: &str, a: &[String], b: &[String]) -> Vec<String> {
    let lost = missing_from(a, b);
    let gained = missing_from(b, a);
    let mut parts = Vec::new();
    if !lost.is_empty() {
        parts.push(format!("lost {}", lost.join(" ")));
    }
    if !gained.is_empty() {
        parts.push(format!("gained {}", gained.join(" ")));
    }
    if parts.is_empty() {
        if a == b {
            return Vec::new();
        }
        return vec![format!("{what} is in another order")];
    }
    vec![format!("{what} {}", parts.join(" and "))]
}

fn fetch_meanings(
    seq: u32,
    ax: &[MessageAttribute],
    ay: &[MessageAttribute],
    mx: &Message,
    my: &Message,
    rules: &Rules,
) -> Vec<String> {
    let mut out = Vec::new();
    let key = |a: &MessageAttribute| match a {
        MessageAttribute::BodySection {
            section, origin, ..
        } => {
            format!(
                "BODY{section}{}",
                origin.map_or(String::new(), |o| format!("<{o}>"))
            )
        }
        other => other.name().to_string(),
    };
    for x in ax {
        let name = key(x);
        let Some(y) = ay.iter().find(|y| key(y) == name) else {
            out.push(format!("message {seq}'s FETCH lacks {name}"));
            continue;
        };
        if x == y {
            continue;
        }
        match (x, y) {
            (MessageAttribute::Flags(fx), MessageAttribute::Flags(fy)) => {
                let (fx, fy) = (flag_names(fx), flag_names(fy));
                let lost = missing_from(&fx, &fy);
                let gained = missing_from(&fy, &fx);
                if !lost.is_empty() {
                    out.push(format!("message {seq} lost {}", lost.join(" ")));
                }
                if !gained.is_empty() {
                    out.push(format!("message {seq} gained {}", gained.join(" ")));
                }
            }
            (MessageAttribute::Uid(u), MessageAttribute::Uid(v)) => {
                out.push(format!("message {seq} has UID {v} instead of {u}"))
            }
            (MessageAttribute::Rfc822Size(u), MessageAttribute::Rfc822Size(v)) => {
                out.push(format!("message {seq}'s RFC822.SIZE is {v} instead of {u}"))
            }
            (MessageAttribute::InternalDate(u), MessageAttribute::InternalDate(v)) => {
                if !rules.has(Rule::Dates) {
                    out.push(format!(
                        "message {seq}'s INTERNALDATE is \"{v}\" instead of \"{u}\""
                    ))
                }
            }
            (
                MessageAttribute::BodySection { data: dx, .. }
                | MessageAttribute::Rfc822(dx)
                | MessageAttribute::Rfc822Header(dx)
                | MessageAttribute::Rfc822Text(dx)
                | MessageAttribute::Binary { data: dx, .. },
                MessageAttribute::BodySection { data: dy, .. }
                | MessageAttribute::Rfc822(dy)
                | MessageAttribute::Rfc822Header(dy)
                | MessageAttribute::Rfc822Text(dy)
                | MessageAttribute::Binary { data: dy, .. },
            ) => {
                let size = |d: &Option<crate::grammar::core::ImapString>| {
                    d.as_ref().map_or(0, |s| s.bytes.len())
                };
                let sizes =
                    literal_size_meaning(&format!("message {seq}'s {name} literal"), mx, my);
                if sizes.is_empty() && size(dx) == size(dy) {
                    out.push(format!("message {seq}'s {name} differs (same length)"));
                } else if sizes.is_empty() {
                    out.push(format!(
                        "message {seq}'s {name} is {} bytes instead of {}",
                        size(dy),
                        size(dx)
                    ));
                } else {
                    out.extend(sizes);
                }
            }
            _ => out.push(format!("message {seq}'s {name} differs")),
        }
    }
    for y in ay {
        let name = key(y);
        if !ax.iter().any(|x| key(x) == name) {
            out.push(format!("message {seq}'s FETCH has an extra {name}"));
        }
    }
    out
}

/// "the literal is 12 bytes longer (457 bytes instead of 445)", from the sizes the
/// two messages announced on the wire, one literal at a time.
fn literal_size_meaning(what: &str, x: &Message, y: &Message) -> Vec<String> {
    let sx: Vec<u64> = x.literals().map(|l| l.header.size).collect();
    let sy: Vec<u64> = y.literals().map(|l| l.header.size).collect();
    let mut out = Vec::new();
    for (a, b) in sx.iter().zip(&sy) {
        if a != b {
            let (word, by) = if b > a {
                ("longer", b - a)
            } else {
                ("shorter", a - b)
            };
            let unit = if by == 1 { "byte" } else { "bytes" };
            out.push(format!(
                "{what} is {by} {unit} {word} ({b} bytes instead of {a})"
            ));
        }
    }
    if sx.len() != sy.len() {
        out.push(format!(
            "{what}: {} literals instead of {}",
            sy.len(),
            sx.len()
        ));
    }
    out
}

// ---------------------------------------------------------------------------------
// Rendering

/// Names shown in the diff's header.
#[derive(Debug, Clone)]
pub struct Names {
    pub expected: String,
    pub actual: String,
}

impl Report {
    /// True when nothing differs after normalisation.
    pub fn is_same(&self) -> bool {
        self.differences.is_empty()
    }

    /// One line: the verdict, with the rules in force.
    pub(crate) fn summary(&self) -> String {
        let rules = if self.rules.is_empty() {
            "no normalisation (--strict)".to_string()
        } else {
            format!("normalised: {}", self.rules.join(", "))
        };
        if self.is_same() {
            format!(
                "The sessions are the same: {} exchanges ({rules}).",
                self.expected_exchanges
            )
        } else {
            let n = self.differences.len();
            format!(
                "{n} exchange{} differ{} ({} expected, {} actual; {rules}).",
                if n == 1 { "" } else { "s" },
                if n == 1 { "s" } else { "" },
                self.expected_exchanges,
                self.actual_exchanges
            )
        }
    }

    /// The report as text: a unified diff per exchange, each headed by its command and
    /// the meanings, then the summary.
    pub fn render(&self, names: &Names, color: bool) -> String {
        let paint = Painter { on: color };
        let mut out = String::new();
        if !self.is_same() {
            let _ = writeln!(out, "{}", paint.removed(&format!("--- {}", names.expected)));
            let _ = writeln!(out, "{}", paint.server(&format!("+++ {}", names.actual)));
        }
        for d in &self.differences {
            let at = |n: Option<usize>, line: Option<usize>| match (n, line) {
                (Some(n), Some(l)) => format!("#{n} line {l}"),
                (Some(n), None) => format!("#{n}"),
                (None, _) => "none".to_string(),
            };
            let header = format!(
                "@@ exchange {} / {}: {} @@",
                at(d.expected, d.expected_line),
                at(d.actual, d.actual_line),
                d.title
            );
            let _ = writeln!(out, "{}", paint.header(&header));
            for m in &d.meanings {
                let _ = writeln!(out, "{}", paint.warn(&format!("# {m}")));
            }
            for (k, hunk) in d.hunks.iter().enumerate() {
                if k > 0 {
                    let _ = writeln!(out, "{}", paint.header("  ⋮"));
                }
                for line in hunk {
                    let text = format!("{}{}", line.sign, line.text);
                    let text = match line.sign {
                        '-' => paint.removed(&text),
                        '+' => paint.server(&text),
                        _ => text,
                    };
                    let _ = writeln!(out, "{text}");
                }
            }
        }
        let _ = writeln!(out, "{}", self.summary());
        out
    }

    /// The report for tools: one JSON document.
    pub fn to_json(&self, names: &Names) -> serde_json::Value {
        serde_json::json!({
            "same": self.is_same(),
            "expected": names.expected,
            "actual": names.actual,
            "rules": self.rules,
            "expected_exchanges": self.expected_exchanges,
            "actual_exchanges": self.actual_exchanges,
            "differences": self.differences,
            "summary": self.summary(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(text: &str) -> Transcript {
        super::super::read(text).unwrap()
    }

    #[test]
    fn streams_give_the_same_report_as_whole_transcripts() {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/transcripts");
        let mut sessions = Vec::new();
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.extension().is_some_and(|e| e == "txt") {
                let text = std::fs::read_to_string(&path).unwrap();
                sessions.push(crate::transcript::read(&text).unwrap());
            }
        }
        assert!(sessions.len() >= 5);
        let rules = Rules::default();
        let names = Names {
            expected: "a".into(),
            actual: "b".into(),
        };
        for a in &sessions {
            for b in &sessions {
                let whole = diff(a, b, &rules);
                let streamed = diff_streams(
                    || a.records.clone().into_iter(),
                    || b.records.clone().into_iter(),
                    &rules,
                );
                assert_eq!(whole.render(&names, false), streamed.render(&names, false));
            }
        }
    }

    #[test]
    fn exchanges_come_out_as_the_session_goes() {
        let consumed = std::cell::Cell::new(0usize);
        let records = (0..10_000).flat_map(|n| {
            consumed.set(consumed.get() + 1);
            let bytes = |d, b: String| Record::Bytes {
                direction: d,
                bytes: b.into_bytes(),
                literal: false,
                time: None,
                source_line: 0,
            };
            [
                bytes(Direction::Client, format!("a{n} NOOP\r\n")),
                bytes(Direction::Server, format!("a{n} OK NOOP completed.\r\n")),
            ]
        });
        let rules = Rules::default();
        let mut stream = ExchangeStream::new(records, &rules);
        let tenth = stream.nth(10).unwrap();
        assert_eq!(tenth.tag.as_deref(), Some("a9"));
        assert!(
            consumed.get() < 20,
            "read {} exchanges to hand out 10",
            consumed.get()
        );
        assert_eq!(stream.count(), 9_990);
    }

    #[test]
    fn a_session_splits_into_the_greeting_and_one_exchange_per_command() {
        let s = t("S: * OK ready\nC: a1 SELECT INBOX\nS: * 4 EXISTS\nS: a1 OK done\nC: a2 IDLE\nS: + idling\nS: * 5 EXISTS\nC: DONE\nS: a2 OK Idle completed.\n");
        let ex = exchanges(&s, &Rules::default());
        assert_eq!(ex.len(), 3);
        assert_eq!(ex[0].items.len(), 1);
        assert_eq!(ex[1].key(), "SELECT INBOX");
        assert_eq!(ex[2].items.len(), 4, "{:?}", ex[2].items);
        assert_eq!(ex[2].items[2].kind, Kind::ClientData);
        assert!(ex[2].completed);
    }

    #[test]
    fn a_refused_literal_does_not_swallow_the_next_command() {
        let s = t("S: * OK ready\nC: a1 APPEND nosuch {3}\nS: a1 NO [TRYCREATE] Mailbox doesn't exist: nosuch\nC: a2 NOOP\nS: a2 OK done\n");
        let ex = exchanges(&s, &Rules::default());
        assert_eq!(ex.len(), 3, "{ex:#?}");
        assert_eq!(ex[2].key(), "NOOP");
    }

    #[test]
    fn reordered_untagged_responses_are_the_same() {
        let a = t("S: * OK ready\nC: a SELECT INBOX\nS: * FLAGS (\\Seen)\nS: * 4 EXISTS\nS: * 0 RECENT\nS: a OK x\n");
        let b = t("S: * OK ready\nC: b SELECT INBOX\nS: * 0 RECENT\nS: * 4 EXISTS\nS: * FLAGS (\\Seen)\nS: b OK x\n");
        assert!(diff(&a, &b, &Rules::default()).is_same());
        assert!(!diff(&a, &b, &Rules::strict()).is_same());
    }

    #[test]
    fn expunges_keep_their_order() {
        let a = t("S: * OK ready\nC: a EXPUNGE\nS: * 2 EXPUNGE\nS: * 3 EXPUNGE\nS: a OK x\n");
        let b = t("S: * OK ready\nC: a EXPUNGE\nS: * 3 EXPUNGE\nS: * 2 EXPUNGE\nS: a OK x\n");
        let r = diff(&a, &b, &Rules::default());
        assert_eq!(
            r.differences[0].meanings,
            vec!["the EXPUNGE responses are 3 2 instead of 2 3"]
        );
    }
}
