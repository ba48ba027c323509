//! STORE and UID STORE (RFC 9051 §6.4.6), with .SILENT, and CONDSTORE's
//! UNCHANGEDSINCE (RFC 7162 §3.1.3).
//!
//! ```text
//! store          = "STORE" SP sequence-set SP store-att-flags
//! store-att-flags = (["+" / "-"] "FLAGS" [".SILENT"]) SP (flag-list / (flag *(SP flag)))
//! S: * 2 FETCH (FLAGS (\Flagged))
//! ```
//!
//! As in Dovecot (battery session 18), the untagged FETCH after a STORE is a pending
//! update like any other: it is sent only for messages whose flags really changed,
//! and `.SILENT` hides this command's own changes but not other sessions'. A new
//! keyword grows the mailbox's FLAGS and PERMANENTFLAGS, sent before the FETCH.

use crate::grammar::code::Code;
use crate::grammar::command::{StoreAction, StoreMode};
use crate::grammar::sequence::SequenceSet;
use crate::mock::store::Flags;
use crate::mock::wording as w;

use super::append::flags_of;
use super::{resolve, Cx, Done, SyncMode};

/// STORE and UID STORE.
pub(crate) fn handle(
    cx: &mut Cx,
    tag: &str,
    uid: bool,
    set: &SequenceSet,
    action: &StoreAction,
) -> Done {
    // parse
    let name = if uid { "UID STORE" } else { "STORE" };
    if action.gmail_labels.is_some() {
        // Dovecot knows no X-GM-LABELS item: the arguments do not parse.
        return Done::bad(tag, w::command_error(name, "Invalid arguments"));
    }
    let given = match flags_of(name, &action.flags) {
        Ok(f) => f,
        Err(e) => return Done::bad(tag, e.to_string()),
    };
    let user = cx.user().to_owned();
    let Some(view) = cx.conn.selected.as_ref() else {
        return Done::bad(tag, w::NO_MAILBOX_SELECTED);
    };
    let Ok(indexes) = resolve(view, set, uid) else {
        return Done::bad(tag, w::command_error(name, "Invalid messageset"));
    };
    let sync = if uid {
        SyncMode::Full
    } else {
        SyncMode::NoExpunges
    };
    // UNCHANGEDSINCE turns CONDSTORE on (with its HIGHESTMODSEQ line) before anything
    // else is checked, as Dovecot's cmd-store.c does.
    if action.unchanged_since.is_some() && !cx.conn.condstore {
        super::any::condstore_turned_on(cx);
    }
    let Some(view) = cx.conn.selected.as_mut() else {
        return Done::bad(tag, w::NO_MAILBOX_SELECTED);
    };
    if view.read_only {
        if action.unchanged_since.is_some() {
            return Done::no(tag, w::CONDSTORE_READ_ONLY).sync(sync);
        }
        return Done::ok(tag, w::STORE_READ_ONLY).sync(sync);
    }
    // apply
    let mut world = cx.store.lock();
    let Some(mb) = world.account_mut(&user).and_then(|a| a.by_id_mut(view.id)) else {
        return Done::ok(tag, w::STORE_DONE).sync(SyncMode::Full);
    };
    if cx.conn.condstore {
        mb.track_modseqs();
    }
    mb.define_keywords(given.keywords.iter().map(String::as_str));
    // One STORE is one change: every message it alters gets the same MODSEQ.
    let modseq = mb.next_modseq();
    let condstore = cx.conn.condstore;
    let mut changed = false;
    let mut modified = Vec::new();
    for i in indexes {
        let u = view.uids[i];
        let Some(current) = mb.message(u) else {
            continue;
        };
        if action
            .unchanged_since
            .is_some_and(|since| current.modseq > since)
        {
            modified.push(if uid { u } else { i as u32 + 1 });
            continue;
        }
        let old = current.flags.clone();
        let new = stored(action.mode, &old, &given);
        if mb.set_flags_at(u, new, modseq) {
            changed = true;
            if action.silent {
                // Hidden from this session, but with CONDSTORE its new MODSEQ is
                // still reported by the sync (RFC 7162 §3.1.3).
                if let Some(m) = mb.message(u) {
                    view.flags[i] = m.flags.clone();
                }
                view.hidden.insert(u);
            }
        }
    }
    if changed {
        world.touch();
    }
    drop(world);
    // reply: UID STORE reports others' flag changes with UIDs too, unless it is
    // .SILENT without CONDSTORE (cmd-store.c)
    let with_uid = uid && (!action.silent || condstore);
    if modified.is_empty() {
        Done::ok(tag, w::STORE_DONE).sync(sync).uid(with_uid)
    } else {
        Done::ok(tag, w::CONDITIONAL_STORE_FAILED)
            .code(Code::Modified(SequenceSet::from_numbers(&modified)))
            .sync(sync)
            .uid(with_uid)
    }
}

/// The flags a message has after STORE: `given` replaces, is added to or is taken
/// from `old`; added keywords keep the order they are first set in.
fn stored(mode: StoreMode, old: &Flags, given: &Flags) -> Flags {
    match mode {
        StoreMode::Replace => given.clone(),
        StoreMode::Add => {
            let mut f = Flags {
                system: old.system | given.system,
                keywords: old.keywords.clone(),
            };
            f.keywords.extend(
                given
                    .keywords
                    .iter()
                    .filter(|k| !old.has_keyword(k))
                    .cloned(),
            );
            f
        }
        StoreMode::Remove => Flags {
            system: old.system & !given.system,
            keywords: old
                .keywords
                .iter()
                .filter(|k| !given.has_keyword(k))
                .cloned()
                .collect(),
        },
    }
}
