//! Parse errors and the diagnostics built from them.
//!
//! nom reports failures as positions in the input. A learner needs more: the column,
//! the grammar rule, what was expected there, and what to type instead. The parsers
//! label their expectations with [`expect`] and their rules with [`rule`]; the
//! tolerant front door (`command::parse_command`, `response::parse_response`) turns
//! the deepest failure into a [`Diagnostic`].

use nom::error::{ContextError, ErrorKind, ParseError};
use nom::{IResult, Parser};
use serde::Serialize;

/// The error type of every parser in the grammar.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GrammarError<'a> {
    /// The input where the failure happened.
    pub(crate) input: &'a [u8],
    /// What was expected there, for people: "SP", "a mailbox name", "a number".
    pub(crate) expected: &'static str,
    /// The ABNF rule being parsed, when known.
    pub(crate) rule: Option<&'static str>,
}

/// The result type of every parser in the grammar.
pub(crate) type PResult<'a, O> = IResult<&'a [u8], O, GrammarError<'a>>;

impl<'a> ParseError<&'a [u8]> for GrammarError<'a> {
    fn from_error_kind(input: &'a [u8], kind: ErrorKind) -> Self {
        let expected = match kind {
            ErrorKind::Tag => "a keyword",
            ErrorKind::Digit => "a number",
            ErrorKind::Eof => "the end of the line",
            _ => "something else",
        };
        GrammarError {
            input,
            expected,
            rule: None,
        }
    }

    fn append(_input: &'a [u8], _kind: ErrorKind, other: Self) -> Self {
        other
    }

    /// Of two alternatives, report the one that got further into the input.
    fn or(self, other: Self) -> Self {
        if other.input.len() < self.input.len() {
            other
        } else {
            self
        }
    }
}

impl<'a> ContextError<&'a [u8]> for GrammarError<'a> {
    fn add_context(_input: &'a [u8], ctx: &'static str, mut other: Self) -> Self {
        other.rule.get_or_insert(ctx);
        other
    }
}

/// Labels what `parser` expects, when it fails without consuming anything.
pub(crate) fn expect<'a, O>(
    expected: &'static str,
    mut parser: impl Parser<&'a [u8], Output = O, Error = GrammarError<'a>>,
) -> impl Parser<&'a [u8], Output = O, Error = GrammarError<'a>> {
    move |input: &'a [u8]| match parser.parse(input) {
        Err(nom::Err::Error(e)) if e.input.len() == input.len() => {
            Err(nom::Err::Error(GrammarError {
                input,
                expected,
                rule: e.rule,
            }))
        }
        other => other,
    }
}

/// Names the ABNF rule `parser` implements, for diagnostics.
pub(crate) fn rule<'a, O>(
    name: &'static str,
    mut parser: impl Parser<&'a [u8], Output = O, Error = GrammarError<'a>>,
) -> impl Parser<&'a [u8], Output = O, Error = GrammarError<'a>> {
    move |input: &'a [u8]| {
        parser.parse(input).map_err(|e| {
            e.map(|mut e| {
                e.rule.get_or_insert(name);
                e
            })
        })
    }
}

/// Fails with a labelled error at `input`. For hand-written checks inside parsers.
pub(crate) fn fail<'a, O>(input: &'a [u8], expected: &'static str) -> PResult<'a, O> {
    Err(nom::Err::Error(GrammarError {
        input,
        expected,
        rule: None,
    }))
}

/// How serious a diagnostic is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// The line does not follow the grammar; a server answers BAD.
    Error,
    /// Valid, but probably not what was meant, or valid only in another state.
    Warning,
    /// Worth knowing: a tolerated deviation, a quirk, a teaching point.
    Note,
}

/// A finding about one message, written for a learner.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Diagnostic {
    pub severity: Severity,
    /// A stable identifier, for tests and tooling: "missing-space-after-tag".
    pub code: &'static str,
    /// 1-based byte column in the message's first line (past it: in a later line).
    pub column: usize,
    /// The ABNF rule that failed or applies, e.g. "tag" or "copy".
    pub rule: &'static str,
    /// What is wrong, in plain language.
    pub message: String,
    /// What the grammar expected at that column.
    pub expected: Option<String>,
    /// What to type instead.
    pub suggestion: Option<String>,
}

impl Diagnostic {
    pub(crate) fn new(
        severity: Severity,
        code: &'static str,
        column: usize,
        rule: &'static str,
        message: impl Into<String>,
    ) -> Self {
        Diagnostic {
            severity,
            code,
            column,
            rule,
            message: message.into(),
            expected: None,
            suggestion: None,
        }
    }

    pub(crate) fn expected(mut self, expected: impl Into<String>) -> Self {
        self.expected = Some(expected.into());
        self
    }

    pub(crate) fn suggest(mut self, suggestion: impl Into<String>) -> Self {
        self.suggestion = Some(suggestion.into());
        self
    }
}

/// The 1-based column of `rest` within `whole` (where `rest` is a suffix of `whole`).
pub(crate) fn column_of(whole: &[u8], rest: &[u8]) -> usize {
    whole.len().saturating_sub(rest.len()) + 1
}
