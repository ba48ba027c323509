//! SELECT and EXAMINE (RFC 9051 §6.3.2, §6.3.3), with CONDSTORE's parameter (RFC 7162
//! §3.1.8) and QRESYNC's resynchronisation (§3.2.5).
//!
//! ```text
//! select = "SELECT" SP mailbox [SP "(" select-param *(SP select-param) ")"]
//! C: a3 SELECT INBOX (QRESYNC (1719824692 5 1:4))
//! S: * OK [CLOSED] Previous mailbox closed.
//! S: * FLAGS (...)  * 3 EXISTS  ...  * OK [HIGHESTMODSEQ 7] Highest
//! S: * VANISHED (EARLIER) 2
//! S: * 1 FETCH (UID 1 FLAGS (\Seen \Flagged) MODSEQ (6))
//! S: a3 OK [READ-WRITE] Select completed (0.001 + 0.000 secs).
//! ```
//!
//! What Dovecot 2.3 does, and the mock with it (cmd-select.c; every case below is in
//! tests/data/differential/select.txt):
//! - A selected mailbox is closed (`* OK [CLOSED]`) as soon as the command's arguments
//!   are read, so a SELECT that fails leaves nothing selected: a missing mailbox, a bad
//!   name, a bad parameter. Only a line its tokenizer rejects (an unclosed quote or
//!   parenthesis) leaves the old mailbox selected.
//! - QRESYNC needs ENABLE QRESYNC first. A UIDVALIDITY that is not the mailbox's gives
//!   a plain SELECT. Otherwise the server reports the UIDs expunged after the client's
//!   mod-sequence (`VANISHED (EARLIER)`), then the messages changed after it, limited to
//!   the known UIDs when given. The mock keeps every expunge's mod-sequence, so it never
//!   needs the sequence match data, which Dovecot only reads when its log is too short.

use std::collections::BTreeSet;

use crate::grammar::code::Code;
use crate::grammar::extensions::condstore::{self, Qresync, SelectParam};
use crate::grammar::mailbox::Mailbox;
use crate::grammar::{ParsedCommand, State};
use crate::mock::store::{self, SEEN};
use crate::mock::wording as w;

use super::{flags_lines, modseq, Cx, Done, SelectedView};

/// SELECT (or EXAMINE, when `read_only`).
pub(crate) fn select(
    cx: &mut Cx,
    tag: &str,
    mailbox: &Mailbox,
    parameters: &[SelectParam],
    read_only: bool,
) -> Done {
    // parse
    let name = if read_only { "EXAMINE" } else { "SELECT" };
    let mut condstore = false;
    let mut qresync = None;
    for p in parameters {
        match p {
            SelectParam::Condstore => condstore = true,
            SelectParam::Qresync(q) => {
                if let Err(text) = check_qresync(cx, q) {
                    close_selected(cx);
                    return Done::bad(tag, w::command_error(name, text));
                }
                qresync = Some(q);
            }
            SelectParam::Other(_) => {
                close_selected(cx);
                return Done::bad(tag, w::command_error(name, w::UNKNOWN_FETCH_MODIFIER));
            }
        }
    }
    if let Some(refusal) = super::names::refused(&mailbox.raw.text(), false) {
        close_selected(cx);
        return Done::no(tag, refusal).code(Code::other("CANNOT"));
    }
    // apply
    close_selected(cx);
    if condstore && cx.config.identity.advertises(true, "CONDSTORE") {
        cx.conn.condstore = true;
    }
    open(cx, tag, mailbox, read_only, qresync)
}

/// A SELECT or EXAMINE whose arguments did not parse: Dovecot's BAD, after closing the
/// selected mailbox unless its tokenizer already refused the line.
pub(crate) fn refused(
    cx: &mut Cx,
    tag: &str,
    name: &str,
    parsed: &ParsedCommand,
    first: &[u8],
) -> Done {
    if let Some(e) = crate::mock::lexical::unbalanced(first) {
        return Done::bad(tag, w::command_error(name, e.text()));
    }
    let text = parsed
        .diagnostics
        .iter()
        .find(|d| d.severity == crate::grammar::Severity::Error)
        .and_then(|d| {
            let expected = d.expected.as_deref()?;
            let at = first.get(d.column.saturating_sub(1)..).unwrap_or(b"");
            Some(reason(cx, expected, at))
        })
        .unwrap_or("Invalid arguments.");
    close_selected(cx);
    Done::bad(tag, w::command_error(name, text))
}

/// Dovecot's text for a select parameter the grammar refused (`expected` is the
/// grammar's label, `at` the line from where it failed).
fn reason(cx: &Cx, expected: &str, at: &[u8]) -> &'static str {
    use condstore::*;
    let in_qresync = [
        QRESYNC_VALUES,
        QRESYNC_UIDVALIDITY,
        QRESYNC_MODSEQ,
        KNOWN_UIDS,
        KNOWN_SEQ_SET,
        KNOWN_UID_SET,
        SEQ_MATCH_END,
        QRESYNC_END,
    ];
    if in_qresync.contains(&expected) && !cx.conn.qresync {
        return w::QRESYNC_NOT_ENABLED;
    }
    match expected {
        QRESYNC_VALUES => "QRESYNC parameters missing",
        QRESYNC_UIDVALIDITY | QRESYNC_MODSEQ | QRESYNC_END => "Invalid QRESYNC parameters",
        KNOWN_UIDS => "Invalid QRESYNC known-uids",
        KNOWN_SEQ_SET => "Invalid QRESYNC known-sequence-set",
        KNOWN_UID_SET => "Invalid QRESYNC known-uid-set",
        SEQ_MATCH_END => "Too many parameters to QRESYNC known set",
        crate::grammar::args::label::SELECT_PARAM
            if matches!(at.first(), Some(b'(' | b'"' | b'{')) =>
        {
            "SELECT options contain non-atoms."
        }
        crate::grammar::args::label::SELECT_PARAM => w::UNKNOWN_FETCH_MODIFIER,
        _ => "Invalid arguments.",
    }
}

/// Dovecot's checks of a well-formed QRESYNC parameter (select_parse_qresync).
fn check_qresync(cx: &Cx, q: &Qresync) -> Result<(), &'static str> {
    if !cx.conn.qresync {
        return Err(w::QRESYNC_NOT_ENABLED);
    }
    if let Some((seqs, uids)) = &q.seq_match {
        if condstore::distinct_count(seqs) != condstore::distinct_count(uids) {
            return Err("Invalid QRESYNC sets");
        }
    }
    Ok(())
}

/// Leaves the selected mailbox, saying so as QRESYNC requires (RFC 7162 §3.2.11);
/// Dovecot says it to every client.
pub(crate) fn close_selected(cx: &mut Cx) {
    if cx.conn.selected.take().is_some() {
        cx.conn.state = State::Authenticated;
        cx.line(&format!("* OK [CLOSED] {}", w::PREVIOUS_CLOSED));
    }
}

fn open(
    cx: &mut Cx,
    tag: &str,
    mailbox: &Mailbox,
    read_only: bool,
    qresync: Option<&Qresync>,
) -> Done {
    let name = store::canonical(&mailbox.raw.text());
    let user = cx.user().to_owned();
    let mut world = cx.store.lock();
    let Some(mb) = world.account_mut(&user).and_then(|a| a.real_mut(&name)) else {
        return Done::no(tag, super::names::missing(&mailbox.raw.text()));
    };
    mb.status_listed = true;
    if cx.conn.condstore {
        mb.track_modseqs();
    }
    let mut recent = BTreeSet::new();
    for m in mb.messages.iter_mut().filter(|m| m.recent) {
        recent.insert(m.uid);
        if !read_only {
            m.recent = false;
        }
    }
    let view = SelectedView {
        id: mb.id,
        read_only,
        uids: mb.messages.iter().map(|m| m.uid).collect(),
        flags: mb.messages.iter().map(|m| m.flags.clone()).collect(),
        recent_reported: recent.len(),
        recent,
        keywords: Vec::new(),
        local_keywords: cx
            .conn
            .local_keywords
            .iter()
            .filter(|(id, _)| *id == mb.id)
            .map(|(_, k)| k.clone())
            .collect(),
        hidden: BTreeSet::new(),
        gone: BTreeSet::new(),
        saved: Vec::new(),
        updates: Vec::new(),
        told_uid: mb.messages.last().map_or(0, |m| m.uid),
    };
    let mut view = view;
    super::announce_keywords(&mut view, mb, &mut Vec::new());
    let mut text = flags_lines(&view.keywords, read_only);
    text.push_str(&format!(
        "* {} EXISTS\r\n* {} RECENT\r\n",
        view.uids.len(),
        view.recent.len()
    ));
    if let Some(first) = mb.messages.iter().position(|m| !m.flags.has(SEEN)) {
        text.push_str(&format!(
            "* OK [UNSEEN {}] {}\r\n",
            first + 1,
            w::FIRST_UNSEEN
        ));
    }
    text.push_str(&format!(
        "* OK [UIDVALIDITY {}] {}\r\n",
        mb.uidvalidity,
        w::UIDS_VALID
    ));
    text.push_str(&format!(
        "* OK [UIDNEXT {}] {}\r\n",
        mb.uidnext,
        w::PREDICTED_UID
    ));
    // Once any CONDSTORE client has opened the mailbox, Dovecot keeps MODSEQs for it
    // and every later SELECT shows HIGHESTMODSEQ (differential test, i2 and j3).
    let mut shown = None;
    if cx.conn.condstore || mb.modseqs_tracked {
        text.push_str(&format!(
            "* OK [HIGHESTMODSEQ {}] {}\r\n",
            mb.highest_modseq,
            w::HIGHEST
        ));
        shown = Some(mb.highest_modseq);
    }
    let mut fetched = 0;
    if let Some(q) = qresync.filter(|q| q.uidvalidity == mb.uidvalidity) {
        fetched = resync(mb, &view, q, &mut text);
    }
    drop(world);
    cx.out.extend_from_slice(text.as_bytes());
    if let Some(highest) = shown {
        cx.conn.last_full_modseq = highest;
    }
    modseq::shown(cx.conn, fetched);
    cx.conn.selected = Some(view);
    cx.conn.state = State::Selected;
    if read_only {
        Done::ok(tag, w::EXAMINE_DONE).code(Code::ReadOnly)
    } else {
        Done::ok(tag, w::SELECT_DONE).code(Code::ReadWrite)
    }
}

/// QRESYNC's answer (RFC 7162 §3.2.5.1): the known UIDs expunged after the client's
/// mod-sequence, then the known messages changed after it. Returns the highest MODSEQ
/// it showed.
fn resync(mb: &store::MailboxData, view: &SelectedView, q: &Qresync, text: &mut String) -> u64 {
    let known = |uid: u32| {
        q.known_uids
            .as_ref()
            .is_none_or(|set| set.contains(uid, u32::MAX))
    };
    let mut highest = 0;
    let gone = mb.vanished_since(q.modseq, |u| known(u) && u < mb.uidnext);
    if !gone.is_empty() {
        text.push_str(&format!(
            "* VANISHED (EARLIER) {}\r\n",
            super::compress(&gone)
        ));
    }
    for (i, m) in mb.messages.iter().enumerate() {
        if m.modseq > q.modseq && known(m.uid) {
            highest = highest.max(m.modseq);
            text.push_str(&format!(
                "* {} FETCH (UID {} FLAGS ({}) MODSEQ ({}))\r\n",
                i + 1,
                m.uid,
                m.flags.render(view.recent.contains(&m.uid)),
                m.modseq
            ));
        }
    }
    highest
}
