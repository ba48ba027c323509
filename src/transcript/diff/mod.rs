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
//!
//! - this file: the exchange model ([`Exchange`], [`Item`], [`Kind`]), canonical
//!   ordering, and [`diff`] itself;
//! - [`split`]: splitting a session into exchanges, and each response's [`Identity`];
//! - [`meanings`]: the one-line explanation of each difference;
//! - [`render`]: the [`Report`] as text or JSON.

mod meanings;
mod render;
mod split;

pub use render::Names;
pub(crate) use split::Identity;
pub(crate) use split::{exchanges, identity, ExchangeStream};

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
pub(crate) struct Item {
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
        (Some(a), Some(b)) => meanings::meanings(a, b, rules),
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
