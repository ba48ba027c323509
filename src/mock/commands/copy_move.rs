//! COPY and MOVE, and their UID forms (RFC 9051 §6.4.7, §6.4.8, RFC 6851 MOVE),
//! with UIDPLUS's COPYUID (RFC 4315 §3).
//!
//! ```text
//! copy = "COPY" SP sequence-set SP mailbox
//! move = "MOVE" SP sequence-set SP mailbox
//! S: w18 OK [COPYUID 1795651418 1:2 1:2] Copy completed (0.001 + 0.000 secs).
//! S: * OK [COPYUID 1795651418 4 4] Moved UIDs.
//! S: * 4 EXPUNGE
//! ```
//!
//! Copies keep flags and INTERNALDATE and are \Recent in the target (RFC 9051 §6.4.7).
//! A MOVE reports its COPYUID in an untagged OK, then the EXPUNGEs, as RFC 6851 §4.3
//! suggests and Dovecot does.

use std::collections::BTreeSet;

use crate::grammar::code::Code;
use crate::grammar::mailbox::Mailbox;
use crate::grammar::sequence::SequenceSet;
use crate::mock::wording as w;

use super::{resolve, Cx, Done, SyncMode};

/// COPY and MOVE (`moving`), and their UID forms.
pub(crate) fn copy(
    cx: &mut Cx,
    tag: &str,
    uid: bool,
    set: &SequenceSet,
    target: &Mailbox,
    moving: bool,
) -> Done {
    let verb = if moving { "MOVE" } else { "COPY" };
    let name = if uid {
        format!("UID {verb}")
    } else {
        verb.to_owned()
    };
    let user = cx.user().to_owned();
    let Some(view) = cx.conn.selected.as_ref() else {
        return Done::bad(tag, w::NO_MAILBOX_SELECTED);
    };
    let Ok(indexes) = resolve(view, set, uid) else {
        return Done::bad(tag, w::command_error(&name, "Invalid messageset"));
    };
    // Dovecot finds the messages before it opens the target: with none, the target
    // is not looked at, whatever its name.
    if indexes.is_empty() {
        return Done::ok(tag, w::NO_MESSAGES).sync(SyncMode::Full).uid(uid);
    }
    if crate::mock::lexical::not_mutf7(target) {
        return Done::no(tag, crate::mock::lexical::NOT_MUTF7);
    }
    let target_name = target.raw.text().into_owned();
    if let Some(refusal) = super::names::refused(&target_name, false) {
        return Done::no(tag, refusal).code(Code::other("CANNOT"));
    }
    let shown = super::names::shown(&target_name);
    let mut world = cx.store.lock();
    let Some(account) = world.account_mut(&user) else {
        return Done::no(tag, w::no_mailbox(&shown));
    };
    if account.real(&target_name).is_none() {
        return Done::no(tag, w::no_mailbox(&shown)).code(Code::TryCreate);
    }
    if moving && view.read_only {
        return Done::no(tag, "Mailbox is read-only.").code(Code::ReadOnly);
    }
    // apply: collect first, then append (the target may be the source itself)
    let Some(source) = account.by_id(view.id) else {
        return Done::ok(tag, w::NO_MESSAGES);
    };
    let copies: Vec<_> = indexes
        .iter()
        .filter_map(|&i| source.message(view.uids[i]))
        .map(|m| {
            let kept = (m.raw.clone(), m.flags.clone(), m.internal_date);
            (m.uid, kept, m.preview_cached)
        })
        .collect();
    if copies.is_empty() {
        return Done::ok(tag, w::NO_MESSAGES).sync(SyncMode::Full).uid(uid);
    }
    let Some(dest) = account.real_mut(&target_name) else {
        return Done::no(tag, w::no_mailbox(&shown));
    };
    let validity = dest.uidvalidity;
    let mut from = Vec::new();
    let mut to = Vec::new();
    let modseq = dest.next_modseq();
    for (u, (raw, flags, date), preview_cached) in copies {
        from.push(u);
        let uid = dest.append_at(raw, flags, date, modseq);
        // Dovecot copies the message's cache with it, and makes no new preview.
        if let Some(m) = dest.message_mut(uid) {
            m.preview_cached = preview_cached;
        }
        to.push(uid);
    }
    let code = Code::CopyUid {
        validity,
        source: SequenceSet::from_numbers(&from),
        destination: SequenceSet::from_numbers(&to),
    };
    if moving {
        let gone: BTreeSet<u32> = from.iter().copied().collect();
        if let Some(source) = account.by_id_mut(view.id) {
            source.expunge(&gone);
        }
    }
    world.touch();
    // reply
    if moving {
        cx.line(&format!("* OK [{code}] {}", w::MOVED_UIDS));
        Done::ok(tag, w::MOVE_DONE).sync(SyncMode::Full).uid(uid)
    } else {
        Done::ok(tag, w::COPY_DONE)
            .code(code)
            .sync(SyncMode::Full)
            .uid(uid)
    }
}
