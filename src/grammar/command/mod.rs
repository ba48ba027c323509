//! Commands: `command = tag SP (command-any / command-auth / command-nonauth / command-select) CRLF`
//! (RFC 9051 §9, RFC 3501 §9).
//!
//! - [`types`]: the syntax tree: [`Command`], [`CommandBody`], [`State`], [`ParsedCommand`].
//! - [`specs`]: the table of commands (name, ABNF rule, synopsis, parser, UID form).
//! - [`parsers`]: the strict parser [`command`] and each command's argument parser, in
//!   RFC order. Extension commands live in `grammar/extensions/`, FETCH items in
//!   `grammar/fetch.rs`, SEARCH keys in `grammar/search.rs`, STATUS items in
//!   `grammar/status.rs`; every one reads its arguments with `grammar/args.rs`.
//! - [`front_door`]: the tolerant front door [`parse_command`], which parses a learner's
//!   line in stages and says what was wrong and what to type instead.
//! - [`client_line`]: [`parse_client_line`], for the client lines that are not commands
//!   (IDLE's DONE, SASL responses).
//!
//! Parsers take the input from the command name on and stop at the end of the line
//! without consuming it: the front door strips the final CRLF first, and the strict
//! [`command`] parser checks it last.

pub(crate) mod client_line;
pub(crate) mod front_door;
pub(crate) mod parsers;
pub(crate) mod specs;
pub(crate) mod types;

pub use client_line::{parse_client_line, ClientExpectation, ClientLine, ParsedClientLine};
pub use front_door::parse_command;
pub use types::{Command, CommandBody, ParsedCommand, State, StoreAction, StoreMode};
