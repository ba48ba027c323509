//! Client lines that are not commands: the `DONE` that ends IDLE (RFC 2177, RFC 9051
//! §6.3.13) and the base64 responses of AUTHENTICATE (RFC 9051 §6.2.2). Only the caller
//! knows which one it expects: to the grammar both look like commands with odd tags.

use serde::Serialize;

use super::front_door::{parse_command, shorten};
use crate::grammar::error::{Diagnostic, Severity};
use crate::grammar::extensions::{idle, sasl_ir};

/// What the session expects from the client next. Only the caller knows: to the grammar,
/// `DONE` and a base64 line look like commands with odd tags.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum ClientExpectation {
    /// IDLE is running (after the server's `+ idling`): only `DONE` may come (RFC 2177, RFC 9051 §6.3.13).
    IdleDone,
    /// AUTHENTICATE is running (after a `+` challenge): a base64 response, or `*` to cancel (RFC 9051 §6.2.2).
    AuthenticateResponse,
}

/// A client line that is not a command.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum ClientLine {
    /// `DONE`: ends IDLE; the server then completes the IDLE command with its tagged OK.
    Done,
    /// A SASL response in base64 (empty for an empty response) and its decoded bytes.
    /// The bytes may hold credentials (PLAIN carries the password), so they are never
    /// serialized; mask them before showing them.
    AuthResponse {
        base64: String,
        #[serde(skip)]
        decoded: Vec<u8>,
    },
    /// `*`: the client cancels the exchange; the server answers the AUTHENTICATE with BAD.
    AuthCancel,
}

/// What [`parse_client_line`] understood, and what was wrong.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ParsedClientLine {
    /// What the line is, when it is what the session expected.
    pub line: Option<ClientLine>,
    pub diagnostics: Vec<Diagnostic>,
}

/// Parses a client line that is not a command: `idle = "IDLE" CRLF "DONE"`'s DONE, or
/// `authenticate = ... *(CRLF base64)`'s responses and the `*` that cancels them.
pub fn parse_client_line(text: &[u8], expecting: ClientExpectation) -> ParsedClientLine {
    let line = text
        .strip_suffix(b"\r\n")
        .or_else(|| text.strip_suffix(b"\n"))
        .unwrap_or(text);
    let mut out = ParsedClientLine {
        line: None,
        diagnostics: Vec::new(),
    };
    match expecting {
        ClientExpectation::IdleDone => idle_done(line, &mut out),
        ClientExpectation::AuthenticateResponse => auth_response(line, &mut out),
    }
    out
}

/// While IDLE runs: `DONE`, or what a learner sends instead.
fn idle_done(line: &[u8], out: &mut ParsedClientLine) {
    if let Ok((rest, ())) = idle::done(line) {
        if rest.is_empty() {
            out.line = Some(ClientLine::Done);
            if line != b"DONE" {
                out.diagnostics.push(Diagnostic::new(
                    Severity::Note,
                    "case-insensitive",
                    1,
                    "idle",
                    format!("`{}` is DONE: keywords are case-insensitive. The RFCs write DONE in capitals.", shorten(line)),
                ));
            }
            return;
        }
    }
    let trimmed = line.trim_ascii();
    let tagged_done = line
        .split(|&b| b == b' ')
        .nth(1)
        .is_some_and(|w| w.eq_ignore_ascii_case(b"DONE"));
    let (code, message) = if trimmed.eq_ignore_ascii_case(b"DONE") {
        (
            "done-spaces",
            "DONE must be alone on the line, with no spaces around it.".to_owned(),
        )
    } else if tagged_done {
        (
            "tagged-done",
            "DONE has no tag: it is not a command, it ends the IDLE command. Send just DONE."
                .to_owned(),
        )
    } else if parse_command(line).name.is_some() {
        (
            "command-during-idle",
            format!(
                "While IDLE runs, the client MUST NOT send a command (RFC 9051 §6.3.13): Dovecot ends the IDLE with `BAD Expected DONE` and drops this line. Send DONE, wait for the tagged OK that completes IDLE, then send `{}`.",
                shorten(line)
            ),
        )
    } else {
        (
            "expected-done",
            "While IDLE runs, the only thing a client may send is DONE, which ends it.".to_owned(),
        )
    };
    out.diagnostics.push(
        Diagnostic::new(Severity::Error, code, 1, "idle", message)
            .expected("DONE")
            .suggest("DONE"),
    );
}

/// While AUTHENTICATE runs: a base64 response, `*` to cancel, or what a learner sends instead.
fn auth_response(line: &[u8], out: &mut ParsedClientLine) {
    if line == b"*" {
        out.line = Some(ClientLine::AuthCancel);
        return;
    }
    match sasl_ir::check_base64(line) {
        Ok(()) => {
            out.line = Some(ClientLine::AuthResponse {
                base64: String::from_utf8_lossy(line).into_owned(),
                decoded: sasl_ir::decode_base64(line).unwrap_or_default(),
            });
        }
        Err(e) => {
            let d = if parse_command(line).is_valid() {
                Diagnostic::new(
                    Severity::Error,
                    "command-during-authenticate",
                    1,
                    "authenticate",
                    "The server is in the middle of AUTHENTICATE and reads this line as a SASL response, not as a command. Finish the exchange, or send * to cancel it first.",
                )
                .expected("base64, or * to cancel")
                .suggest("*")
            } else {
                let mut d = Diagnostic::new(
                    Severity::Error,
                    "invalid-base64",
                    e.offset + 1,
                    "base64",
                    format!("A SASL response must be base64 (or * to cancel), and this breaks here: expected {}.", e.expected),
                )
                .expected(e.expected);
                if e.offset == line.len() && line.len() % 4 >= 2 {
                    let mut fixed = String::from_utf8_lossy(line).into_owned();
                    fixed.push_str(if line.len() % 4 == 2 { "==" } else { "=" });
                    d.suggestion = Some(fixed);
                }
                d
            };
            out.diagnostics.push(d);
        }
    }
}
