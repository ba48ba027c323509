//! imap-tutor: teaches IMAP and debugs it.
//!
//! # Layout
//!
//! Bytes flow down this list; every front end feeds bytes in at the top and takes
//! annotations out at the bottom. Only `net` and the binary touch sockets or the terminal.
//!
//! - [`wire`]: the framer (lines and literals, streaming, limits) and message assembly.
//! - [`grammar`]: the nom grammar of commands and responses, with diagnostics for learners.
//! - [`knowledge`]: reviewed explanations of every command, response, code, flag and item.
//! - [`explain`]: follows a session (tags, state, selected mailbox) and annotates each message.
//! - [`render`]: writes annotations as coloured text, plain text or JSON lines.
//! - [`transcript`]: reads and writes sessions (telnet captures, `C:`/`S:` text, our format).

pub mod explain;
pub mod grammar;
pub mod knowledge;
pub mod mock;
pub mod net;
pub mod render;
pub mod transcript;
pub mod wire;
