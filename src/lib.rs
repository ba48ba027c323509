//! imap-tutor: teaches IMAP and debugs it.
//!
//! # Layout
//!
//! Bytes flow down this list; every front end feeds bytes in at the top and takes
//! annotations out at the bottom. Only `net` and the binary touch sockets or the terminal.
//!
//! - [`wire`]: the framer (lines and literals, streaming, limits) and message assembly.
//! - [`grammar`]: the nom grammar of commands and responses, with diagnostics for learners.
//! - [`knowledge`]: reviewed explanations of every command, response, code, flag and item,
//!   and the templates of every sentence the explainer writes (`data/phrases.yaml`).
//! - [`explain`]: follows a session (tags, state, selected mailbox) and annotates each message;
//!   all its state changes are in `explain/context.rs`, all its words in the knowledge base.
//! - [`render`]: writes annotations as coloured text, plain text, JSON lines, or one HTML page.
//! - [`transcript`]: reads and writes sessions (telnet captures, `C:`/`S:` text, bare protocol
//!   lines, our format),
//!   and imports pcap/pcapng captures (TCP reassembly), rawlogs and Thunderbird's MOZ_LOG.
//!
//! Beside that pipeline, the other consumers of the same core:
//!
//! - [`mock`]: the built-in IMAP server, a sans-IO `Session` over a shared in-memory store,
//!   answering in Dovecot's words; one file per command family under `mock/commands/`.
//! - [`net`]: the tokio edges: the annotating proxy, TLS, `connect`, and `serve` (the mock on TCP).
//! - [`yaml`]: caps on aliases and nesting, checked before any YAML from outside is parsed.
//! - [`lesson`]: YAML lessons run against the in-process mock: schema, matcher, runner, check,
//!   and the screen (Markdown, lines fitted to the terminal, a miss in one sentence), REPL.
//!
//! Where to look for a command, say FETCH: parsed in `grammar/command/parsers.rs` (items in
//! `grammar/fetch.rs`), explained in `explain/commands/fetch.rs` with the templates of
//! `knowledge/data/phrases.yaml` and the entry of `knowledge/data/commands.yaml`, served in `mock/commands/fetch.rs`, tested in
//! `tests/command_grammar.rs` and `tests/mock_session.rs`.

#![forbid(unsafe_code)]

pub mod explain;
pub mod grammar;
pub mod knowledge;
pub mod lesson;
pub mod mock;
pub mod net;
pub mod render;
pub mod transcript;
pub mod wire;
pub mod yaml;
