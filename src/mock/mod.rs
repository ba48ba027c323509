//! The mock IMAP server: a Dovecot-faithful server that lives in memory.
//!
//! Lessons run against it offline, and `imap-tutor serve` puts it on a TCP port so a
//! learner can point a real client at it. It answers as Dovecot 2.3 answers (wording
//! captured from a real Dovecot in `tests/data/dovecot/`), and it advertises only what
//! it implements unless a fixture says otherwise (see [`commands`] for what it does
//! when a fixture advertises something it does not implement).
//!
//! Sans-IO, like the rest of the protocol core: a [`Session`] takes bytes and returns
//! bytes and events; `crate::net::serve` drives sessions over tokio TCP, the lesson
//! runner drives them in-process. Nothing here touches a socket or a clock it was not
//! handed.
//!
//! - [`session`]: one client's connection: framing, the RFC 9051 §3 state machine,
//!   literals and continuations, pending updates, limits.
//! - [`commands`]: one file per command family, each the same shape: parse (from the
//!   grammar's AST) → apply (to the store and session) → reply (Dovecot's bytes).
//! - [`store`]: users, mailboxes and messages shared by all sessions, with a change counter.
//! - [`fixture`]: the YAML worlds (`strategos`, `default`, or a file) a store starts from.
//! - [`config`]: the server's identity (greeting, capabilities) and limits.
//! - [`mime`]: BODYSTRUCTURE and body sections, formatted as Dovecot does;
//!   [`address`]: addresses and ENVELOPE; [`rfc822`]: the tokens of structured headers;
//!   [`rfc2047`]: encoded-words; [`charset`]: charsets and their conversion to UTF-8;
//!   [`casemap`]: the i;unicode-casemap comparator;
//!   [`binary`]: BINARY's decoded parts (RFC 3516), as Dovecot decodes them;
//!   [`save`]: what Dovecot does to a message as it saves it (line ends, literal8);
//!   [`body_search`]: what SEARCH BODY and TEXT look in.
//! - [`dates`]: INTERNALDATE, SEARCH dates and `Date:` headers.
//! - [`wording`]: Dovecot's texts, in one place, each with where it was verified.

pub(crate) mod address;
pub(crate) mod binary;
pub(crate) mod body_search;
pub(crate) mod casemap;
mod casemap_table;
pub(crate) mod charset;
pub(crate) mod commands;
pub(crate) mod config;
pub mod dates;
pub mod fixture;
pub(crate) mod header_keys;
pub(crate) mod html2text;
pub(crate) mod input_limits;
pub(crate) mod lexical;
pub(crate) mod mime;
pub(crate) mod preview;
pub(crate) mod reply;
pub(crate) mod rfc2047;
pub(crate) mod rfc822;
pub(crate) mod save;
pub(crate) mod search;
pub(crate) mod session;
pub(crate) mod sort;
pub(crate) mod store;
pub(crate) mod subject;
pub(crate) mod thread;
pub(crate) mod wording;

pub use config::{Config, Identity, Limits};
pub use session::{Event, Output, Session};
pub use store::Store;
