//! The IMAP grammar, written with nom, following the ABNF of RFC 9051 §9 and RFC 3501 §9.
//!
//! Modules follow the RFC's grammar areas; each parser carries its ABNF rule as a doc
//! comment so code and RFC can be compared line by line. Parsers work on one whole
//! message at a time (see [`crate::wire::Message::grammar_text`]): the framer has
//! already found the lines and literals, so nothing here ever waits for more bytes.
//!
//! - [`core`]: atoms, numbers, strings and literals, flags, dates.
//! - [`mailbox`]: mailbox names and modified UTF-7.
//! - [`sequence`]: sequence sets (`1:4,7,*`, `$`).
//! - [`section`]: body sections and partials (`BODY[HEADER]<0.100>`).
//! - [`args`]: the argument combinators every command parser shares, and the labels
//!   that name arguments in diagnostics.
//! - [`command`]: every command and its arguments; the tolerant front door.
//! - [`fetch`]: FETCH request items.  [`search`]: SEARCH keys.  [`status`]: STATUS items.
//! - [`response`]: greetings, status responses, untagged data, continuations.
//! - [`code`]: response codes.  [`msg_att`]: FETCH response items.
//! - [`envelope`], [`body`]: ENVELOPE and BODYSTRUCTURE.
//! - [`extensions`]: one file per extension (IDLE, MOVE, UIDPLUS, ID, ...).
//! - [`error`]: the parse error type and learner-facing diagnostics.
//! - [`suggest`]: the edit distance behind "did you mean".
//! - [`vocabulary`]: every name the grammar knows, for the knowledge base's coverage test.

pub(crate) mod args;
pub mod body;
pub(crate) mod code;
pub mod command;
pub mod core;
pub(crate) mod envelope;
pub(crate) mod error;
pub mod extensions;
pub mod fetch;
pub(crate) mod mailbox;
pub mod msg_att;
pub mod response;
pub mod search;
pub mod section;
pub mod sequence;
pub mod status;
pub(crate) mod suggest;
pub mod vocabulary;

/// `a` then `b`, as one array: lets a list of names be built from the lists that own
/// each part, at compile time (`N` must be `a.len() + b.len()`).
pub(crate) const fn concat_names<const N: usize>(
    a: &[&'static str],
    b: &[&'static str],
) -> [&'static str; N] {
    assert!(
        a.len() + b.len() == N,
        "concat_names: N is the sum of the lengths"
    );
    let mut out = [""; N];
    let mut i = 0;
    while i < a.len() {
        out[i] = a[i];
        i += 1;
    }
    while i < N {
        out[i] = b[i - a.len()];
        i += 1;
    }
    out
}

pub use command::{parse_command, Command, CommandBody, ParsedCommand, State};
pub use error::{Diagnostic, Severity};
pub use response::{parse_response, Data, ParsedResponse, Response, Status};
