//! APPEND (RFC 9051 §6.3.12) with UIDPLUS's APPENDUID (RFC 4315 §3), synchronizing
//! and non-synchronizing (RFC 7888 LITERAL+) literals.
//!
//! ```text
//! append = "APPEND" SP mailbox [SP flag-list] [SP date-time] SP literal
//! S: A OK [APPENDUID 1719824692 5] Append completed (0.001 + 0.000 secs).
//! ```
//!
//! Dovecot checks what it can before it answers `+ OK` to a synchronizing literal, so a
//! client never sends a message that is going to be refused (battery session 18): a
//! missing mailbox (`NO [TRYCREATE]`), a bad date (`BAD`), an empty message. The
//! session asks [`check_before_literal`] the same questions, parsing the command as far
//! as it has arrived with the literal replaced by an empty one (`{0}`).

use std::sync::Arc;

use crate::grammar::code::Code;
use crate::grammar::command::CommandBody;
use crate::grammar::core::{Flag, ImapString, StringForm};
use crate::grammar::mailbox::Mailbox;
use crate::grammar::sequence::SequenceSet;
use crate::grammar::{parse_command, State};
use crate::mock::config::Config;
use crate::mock::dates;
use crate::mock::store::{self, Flags, Store};
use crate::mock::wording as w;

use super::{reason, Conn, Cx, Done, SyncMode};

/// What to do with a literal announced in a command, before its bytes arrive.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Verdict {
    /// Not an APPEND's message literal: the session applies its usual rules.
    NotAppend,
    Accept,
    /// Answer now with `tag status text` (text may start with a `[CODE]`).
    Refuse {
        tag: String,
        status: &'static str,
        text: String,
    },
}

/// Checks an APPEND whose message literal of `size` bytes has been announced.
/// `probe` is the command so far with that literal replaced by an empty one (`{0}`).
pub(crate) fn check_before_literal(
    probe: &[u8],
    size: u64,
    state: State,
    conn: &Conn,
    store: &Store,
    config: &Config,
) -> Verdict {
    if state == State::NotAuthenticated {
        return Verdict::NotAppend;
    }
    let parsed = parse_command(probe);
    let Some(tag) = parsed.tag.clone() else {
        return Verdict::NotAppend;
    };
    let Some(cmd) = &parsed.command else {
        if parsed.name == Some("APPEND") && reason(&parsed, probe) == "Invalid internal date." {
            return Verdict::Refuse {
                tag,
                status: "BAD",
                text: w::command_error("APPEND", "Invalid internal date."),
            };
        }
        return Verdict::NotAppend;
    };
    let CommandBody::Append {
        mailbox,
        flags,
        date,
        message,
    } = &cmd.body
    else {
        return Verdict::NotAppend;
    };
    if !matches!(message.form, StringForm::Literal(h) if h.size == 0) {
        return Verdict::NotAppend;
    }
    let user = conn.user.clone().unwrap_or_default();
    let exists = store
        .lock()
        .account(&user)
        .and_then(|a| a.real(&mailbox.raw.text()))
        .is_some();
    let refuse = |status, text| Verdict::Refuse {
        tag: tag.clone(),
        status,
        text,
    };
    if !exists {
        return refuse(
            "NO",
            format!("[TRYCREATE] {}", w::no_mailbox(&mailbox.raw.text())),
        );
    }
    if let Err(e) = flags_of("APPEND", flags) {
        return refuse("BAD", e.to_string());
    }
    if date
        .as_deref()
        .is_some_and(|d| dates::parse_internal_date(d).is_none())
    {
        return refuse("BAD", w::command_error("APPEND", "Invalid internal date."));
    }
    if size == 0 {
        return refuse("NO", w::ZERO_BYTE_MESSAGE.into());
    }
    if size > config.limits.max_append {
        return refuse("NO", format!("[TOOBIG] {}", w::MESSAGE_TOO_LARGE));
    }
    if store.lock().bytes_held().saturating_add(size) > config.limits.max_store {
        return refuse("NO", format!("[OVERQUOTA] {}", w::QUOTA_EXCEEDED));
    }
    Verdict::Accept
}

/// A system flag Dovecot refuses in APPEND or STORE: `\Recent`, or one it does not
/// know. Its Display is Dovecot's BAD text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct InvalidSystemFlag {
    pub(crate) command: &'static str,
    pub(crate) flag: String,
}

impl std::fmt::Display for InvalidSystemFlag {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let reason = format!("Invalid system flag {}", self.flag.to_ascii_uppercase());
        f.write_str(&w::command_error(self.command, &reason))
    }
}

/// Flags given to APPEND or STORE (`command`, named in the error): `\Recent` and
/// unknown system flags are errors (`BAD ... Invalid system flag \RECENT`, battery w12).
pub(crate) fn flags_of(command: &'static str, flags: &[Flag]) -> Result<Flags, InvalidSystemFlag> {
    let mut out = Flags::default();
    for f in flags {
        match store::system_flag(&f.0) {
            Some(bit) => out.system |= bit,
            None if f.is_system() => {
                return Err(InvalidSystemFlag {
                    command,
                    flag: f.0.clone(),
                });
            }
            None => {
                if !out.has_keyword(&f.0) {
                    out.keywords.push(f.0.clone());
                }
            }
        }
    }
    Ok(out)
}

/// APPEND (RFC 9051 §6.3.12), with UIDPLUS's APPENDUID (RFC 4315).
pub(crate) fn handle(
    cx: &mut Cx,
    tag: &str,
    mailbox: &Mailbox,
    flags: &[Flag],
    date: Option<&str>,
    message: &ImapString,
) -> Done {
    // parse
    let flags = match flags_of("APPEND", flags) {
        Ok(f) => f,
        Err(e) => return Done::bad(tag, e.to_string()),
    };
    let internal_date = match date {
        Some(d) => match dates::parse_internal_date(d) {
            Some(t) => t,
            None => return Done::bad(tag, w::command_error("APPEND", "Invalid internal date.")),
        },
        None => dates::now(),
    };
    // apply
    let name = mailbox.raw.text().into_owned();
    let user = cx.user().to_owned();
    let mut world = cx.store.lock();
    let Some(mb) = world.account_mut(&user).and_then(|a| a.real_mut(&name)) else {
        return Done::no(tag, w::no_mailbox(&name)).code(Code::TryCreate);
    };
    if message.bytes.is_empty() {
        return Done::no(tag, w::ZERO_BYTE_MESSAGE);
    }
    if message.bytes.len() as u64 > cx.config.limits.max_append {
        return Done::no(tag, w::MESSAGE_TOO_LARGE).code(Code::other("TOOBIG"));
    }
    let uid = mb.append(Arc::from(message.bytes.as_slice()), flags, internal_date);
    let validity = mb.uidvalidity;
    world.touch();
    // reply
    Done::ok(tag, w::APPEND_DONE)
        .code(Code::AppendUid {
            validity,
            uids: SequenceSet::from_numbers(&[uid]),
        })
        .sync(SyncMode::Full)
}
