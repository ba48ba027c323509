//! APPEND (RFC 9051 §6.3.12) with UIDPLUS's APPENDUID (RFC 4315 §3), synchronizing
//! and non-synchronizing (RFC 7888 LITERAL+) literals, several messages at once
//! (MULTIAPPEND, RFC 3502: all saved or none, one APPENDUID range) and messages joined
//! from text and URLs of what the server holds (CATENATE, RFC 4469, with RFC 5550's
//! PARTIAL). A URL must be relative to the session, as Dovecot 2.3 wants it; a URL
//! that names nothing is `NO [BADURL url] why`.
//!
//! ```text
//! append = "APPEND" SP mailbox 1*append-message
//! S: A OK [APPENDUID 1719824692 5:6] Append completed (0.001 + 0.000 secs).
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
use crate::grammar::extensions::catenate::{AppendData, AppendMessage, CatPart, ImapUrl};
use crate::grammar::mailbox::Mailbox;
use crate::grammar::sequence::SequenceSet;
use crate::grammar::{parse_command, State};
use crate::mock::config::Config;
use crate::mock::dates;
use crate::mock::store::{self, Account, Flags, Store};
use crate::mock::wording as w;
use crate::wire::framer::LiteralKind;

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

/// Why APPEND cannot store in `mailbox`, code first: a name Dovecot refuses before it
/// looks, or a mailbox that does not exist. cmd-append.c reads the mailbox first and
/// checks its modified UTF-7 before the flags and the date that follow it.
fn unusable(account: &Account, mailbox: &Mailbox) -> Option<String> {
    if crate::mock::lexical::not_mutf7(mailbox) {
        return Some(crate::mock::lexical::NOT_MUTF7.to_owned());
    }
    let raw = &mailbox.raw.text();
    if let Some(refusal) = super::names::refused(raw, false) {
        return Some(format!("[CANNOT] {refusal}"));
    }
    let missing = account.real(raw).is_none();
    missing.then(|| format!("[TRYCREATE] {}", super::names::missing(raw)))
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
    let mut parsed = parse_command(probe);
    if parsed.name == Some("SETMETADATA") {
        return super::metadata::check_before_literal(probe, conn, store);
    }
    if parsed.command.is_none() && parsed.name == Some("APPEND") {
        // A CATENATE's TEXT literal: the list's `)` has not arrived yet.
        if let Some(head) = probe.strip_suffix(b"\r\n") {
            let closed = parse_command(&[head, b")\r\n"].concat());
            if closed.command.is_some() {
                parsed = closed;
            }
        }
    }
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
    let CommandBody::Append { mailbox, messages } = &cmd.body else {
        return Verdict::NotAppend;
    };
    // The literal just announced is the probe's `{0}`: the last one of the last message.
    let Some(last) = messages.last() else {
        return Verdict::NotAppend;
    };
    if !last
        .literals()
        .last()
        .is_some_and(|l| matches!(l.form, StringForm::Literal(h) if h.size == 0))
    {
        return Verdict::NotAppend;
    }
    let refuse = |status, text| Verdict::Refuse {
        tag: tag.clone(),
        status,
        text,
    };
    let user = conn.user.clone().unwrap_or_default();
    let world = store.lock();
    let Some(account) = world.account(&user) else {
        return Verdict::NotAppend;
    };
    if let Some(text) = unusable(account, mailbox) {
        return refuse("NO", text);
    }
    for message in messages {
        if let Err(e) = flags_of("APPEND", &message.flags) {
            return refuse("BAD", e.to_string());
        }
        if message
            .date
            .as_deref()
            .is_some_and(|d| dates::parse_internal_date(d).is_none())
        {
            return refuse("BAD", w::command_error("APPEND", "Invalid internal date."));
        }
        if let AppendData::Catenate(parts) = &message.data {
            for part in parts {
                if let CatPart::Url(url) = part {
                    if let Err(e) = resolve(account, &url.text()) {
                        let (code, text) = e.reply(&url.text());
                        return refuse("NO", format!("[{code}] {text}"));
                    }
                }
            }
        }
    }
    if size == 0 && matches!(last.data, AppendData::Literal(_)) {
        return refuse("NO", w::ZERO_BYTE_MESSAGE.into());
    }
    if size > config.limits.max_append {
        return refuse("NO", format!("[TOOBIG] {}", w::MESSAGE_TOO_LARGE));
    }
    if world.bytes_held().saturating_add(size) > config.limits.max_store {
        return refuse("NO", format!("[OVERQUOTA] {}", w::QUOTA_EXCEEDED));
    }
    Verdict::Accept
}

/// Why a CATENATE URL names nothing the mock can copy.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum UrlRefusal {
    /// `NO [BADURL url] text`, in Dovecot's words.
    BadUrl(String),
    /// A URL without a UID, or a section Dovecot cannot read: Dovecot 2.3.19 answers
    /// `NO [EXPUNGEISSUED] Message was expunged`.
    Expunged,
}

impl UrlRefusal {
    /// The response code and text of the NO.
    fn reply(&self, url: &str) -> (Code, String) {
        match self {
            UrlRefusal::BadUrl(text) => (Code::BadUrl(url.to_owned()), text.clone()),
            UrlRefusal::Expunged => (Code::other("EXPUNGEISSUED"), w::URL_EXPUNGED.into()),
        }
    }
}

/// The bytes a relative IMAP URL names in `account` (RFC 5092 §6, RFC 5550 §5).
pub(crate) fn resolve(account: &Account, url: &str) -> Result<Vec<u8>, UrlRefusal> {
    let bad = |text: String| UrlRefusal::BadUrl(text);
    let u = ImapUrl::parse(url).map_err(|e| bad(format!("Invalid IMAP URL: {e}")))?;
    let mb = account
        .real(&u.mailbox)
        .ok_or_else(|| bad(w::no_mailbox(&u.mailbox)))?;
    if u.uidvalidity.is_some_and(|v| v != mb.uidvalidity) {
        return Err(bad("Invalid UIDVALIDITY".into()));
    }
    let uid = u.uid.ok_or(UrlRefusal::Expunged)?;
    let message = mb
        .message(uid)
        .ok_or_else(|| bad("Message not found".into()))?;
    let data = match &u.section {
        None => message.raw.to_vec(),
        Some(text) => {
            let wrapped = format!("[{text}]");
            let section = match crate::grammar::section::section(wrapped.as_bytes()) {
                Ok(([], s)) => s,
                _ => return Err(UrlRefusal::Expunged),
            };
            super::fetch::section_bytes(&message.raw, &section)
                .map(|c| c.into_owned())
                .unwrap_or_default()
        }
    };
    Ok(match u.partial {
        None => data,
        Some((start, len)) => {
            let s = usize::try_from(start).unwrap_or(usize::MAX).min(data.len());
            let e = match len {
                Some(n) => s
                    .saturating_add(usize::try_from(n).unwrap_or(usize::MAX))
                    .min(data.len()),
                None => data.len(),
            };
            data[s..e].to_vec()
        }
    })
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

/// One message ready to save: its bytes, flags and INTERNALDATE.
struct Ready {
    raw: Vec<u8>,
    flags: Flags,
    date: i64,
}

/// APPEND (RFC 9051 §6.3.12), with UIDPLUS's APPENDUID (RFC 4315), MULTIAPPEND and
/// CATENATE: every message is made and checked before any is saved.
pub(crate) fn handle(
    cx: &mut Cx,
    tag: &str,
    mailbox: &Mailbox,
    messages: &[AppendMessage],
) -> Done {
    // parse
    let mut dated = Vec::with_capacity(messages.len());
    for m in messages {
        let flags = match flags_of("APPEND", &m.flags) {
            Ok(f) => f,
            Err(e) => return Done::bad(tag, e.to_string()),
        };
        let date = match m.date.as_deref() {
            Some(d) => match dates::parse_internal_date(d) {
                Some(t) => t,
                None => {
                    return Done::bad(tag, w::command_error("APPEND", "Invalid internal date."))
                }
            },
            None => dates::now(),
        };
        dated.push((flags, date));
    }
    // apply
    let name = mailbox.raw.text().into_owned();
    if let Some(refusal) = super::names::refused(&name, false) {
        return Done::no(tag, refusal).code(Code::other("CANNOT"));
    }
    let shown = super::names::shown(&name);
    let user = cx.user().to_owned();
    let max = cx.config.limits.max_append;
    let mut world = cx.store.lock();
    let Some(account) = world.account_mut(&user) else {
        return Done::no(tag, w::no_mailbox(&shown)).code(Code::TryCreate);
    };
    if account.real(&name).is_none() {
        return Done::no(tag, w::no_mailbox(&shown)).code(Code::TryCreate);
    }
    let mut ready = Vec::with_capacity(messages.len());
    for (m, (flags, date)) in messages.iter().zip(dated) {
        let raw = match build(account, &m.data) {
            Ok(raw) => raw,
            Err((Some(code), text)) => return Done::no(tag, text).code(code),
            Err((None, text)) => return Done::no(tag, text),
        };
        if raw.len() as u64 > max {
            return Done::no(tag, w::MESSAGE_TOO_LARGE).code(Code::other("TOOBIG"));
        }
        ready.push(Ready { raw, flags, date });
    }
    let Some(mb) = account.real_mut(&name) else {
        return Done::no(tag, w::no_mailbox(&shown)).code(Code::TryCreate);
    };
    // One transaction, one modification sequence (RFC 7162 §3.1.1), except that in
    // Dovecot a message bringing a keyword new to the mailbox raises it by one more,
    // for itself and the messages after it (checked in catenate.txt).
    let mut modseq = mb.next_modseq();
    let mut uids = Vec::with_capacity(ready.len());
    for r in ready {
        let known = |k: &String| mb.keywords.iter().any(|m| m.eq_ignore_ascii_case(k));
        if !r.flags.keywords.iter().all(known) {
            modseq += 1;
        }
        uids.push(mb.append_at(Arc::from(r.raw), r.flags, r.date, modseq));
    }
    let validity = mb.uidvalidity;
    world.touch();
    // reply
    Done::ok(tag, w::APPEND_DONE)
        .code(Code::AppendUid {
            validity,
            uids: SequenceSet::from_numbers(&uids),
        })
        .sync(SyncMode::Full)
}

/// A message's bytes: its literal (which may not be empty), or its CATENATE parts
/// joined (which may be).
fn build(account: &Account, data: &AppendData) -> Result<Vec<u8>, (Option<Code>, String)> {
    match data {
        AppendData::Literal(s) if s.bytes.is_empty() => Err((None, w::ZERO_BYTE_MESSAGE.into())),
        AppendData::Literal(s) => Ok(crate::mock::save::saved(&s.bytes, is_literal8(s))),
        AppendData::Catenate(parts) => {
            let mut out = Vec::new();
            for part in parts {
                match part {
                    CatPart::Text(t) => out.extend_from_slice(&t.bytes),
                    CatPart::Url(u) => {
                        let url = u.text();
                        let bytes = resolve(account, &url).map_err(|e| {
                            let (code, text) = e.reply(&url);
                            (Some(code), text)
                        })?;
                        out.extend(bytes);
                    }
                }
            }
            Ok(crate::mock::save::saved(&out, false))
        }
    }
}

/// True for a literal8 (`~{n}`), whose binary parts Dovecot re-encodes.
fn is_literal8(s: &ImapString) -> bool {
    matches!(
        &s.form,
        StringForm::Literal(h)
            if matches!(h.kind, LiteralKind::Binary | LiteralKind::BinaryNonSynchronizing)
    )
}
