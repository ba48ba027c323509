//! Leaving and cleaning a mailbox: CHECK, CLOSE, EXPUNGE (RFC 9051 §6.4.1–§6.4.3),
//! UID EXPUNGE (RFC 4315 §2.1) and UNSELECT (RFC 3691).
//!
//! ```text
//! check    = "CHECK"                 (RFC 3501 only; Dovecot treats it as NOOP)
//! close    = "CLOSE"                 expunges \Deleted messages silently
//! unselect = "UNSELECT"              leaves them
//! expunge  = "EXPUNGE" / "UID EXPUNGE" SP sequence-set
//! S: * 3 EXPUNGE
//! S: * 1 EXPUNGE
//! ```
//!
//! EXPUNGE responses come from the pending-update machinery ([`super::sync`]), highest
//! message number first, as Dovecot sends them (battery w41). In a mailbox opened with
//! EXAMINE, EXPUNGE does nothing and still answers OK (battery f6).

use std::collections::BTreeSet;

use crate::grammar::sequence::SequenceSet;
use crate::grammar::State;
use crate::mock::store::DELETED;
use crate::mock::wording as w;

use super::{resolve, Cx, Done, SyncMode};

/// CHECK (RFC 3501 §6.4.1): nothing to save; reports pending changes.
pub(crate) fn check(tag: &str) -> Done {
    Done::ok(tag, w::CHECK_DONE).sync(SyncMode::Full)
}

/// CLOSE (RFC 9051 §6.4.1): expunges silently (unless read-only), then deselects.
pub(crate) fn close(cx: &mut Cx, tag: &str) -> Done {
    if cx.conn.selected.as_ref().is_some_and(|v| !v.read_only) {
        expunge_deleted(cx, None);
    }
    cx.conn.selected = None;
    cx.conn.state = State::Authenticated;
    Done::ok(tag, w::CLOSE_DONE)
}

/// UNSELECT (RFC 3691): deselects without expunging.
pub(crate) fn unselect(cx: &mut Cx, tag: &str) -> Done {
    cx.conn.selected = None;
    cx.conn.state = State::Authenticated;
    Done::ok(tag, w::UNSELECT_DONE)
}

/// EXPUNGE (RFC 9051 §6.4.3), or UID EXPUNGE (RFC 4315) of the UIDs in `uids`.
pub(crate) fn expunge(cx: &mut Cx, tag: &str, uids: Option<&SequenceSet>) -> Done {
    let Some(view) = cx.conn.selected.as_ref() else {
        return Done::bad(tag, w::NO_MAILBOX_SELECTED);
    };
    let only = match uids {
        Some(set) => match resolve(view, set, true) {
            Ok(indexes) => Some(
                indexes
                    .iter()
                    .map(|&i| view.uids[i])
                    .collect::<BTreeSet<u32>>(),
            ),
            Err(_) => return Done::bad(tag, w::command_error("UID EXPUNGE", "Invalid messageset")),
        },
        None => None,
    };
    if !view.read_only {
        expunge_deleted(cx, only.as_ref());
    }
    Done::ok(tag, w::EXPUNGE_DONE)
        .sync(SyncMode::Full)
        .uid(uids.is_some())
}

/// Removes the selected mailbox's \Deleted messages (only those in `only`, if given).
fn expunge_deleted(cx: &mut Cx, only: Option<&BTreeSet<u32>>) {
    let user = cx.user().to_owned();
    let Some(view) = cx.conn.selected.as_ref() else {
        return;
    };
    let mut world = cx.store.lock();
    let Some(mb) = world.account_mut(&user).and_then(|a| a.by_id_mut(view.id)) else {
        return;
    };
    let doomed: BTreeSet<u32> = mb
        .messages
        .iter()
        .filter(|m| m.flags.has(DELETED) && only.is_none_or(|o| o.contains(&m.uid)))
        .map(|m| m.uid)
        .collect();
    if !doomed.is_empty() {
        mb.expunge(&doomed);
        world.touch();
    }
}
