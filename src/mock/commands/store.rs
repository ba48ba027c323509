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

use crate::grammar::command::{StoreAction, StoreMode};
use crate::grammar::sequence::SequenceSet;
use crate::mock::store::Flags;
use crate::mock::wording as w;

use super::append::flags_of;
use super::{compress, resolve, Cx, Done, SyncMode};

/// STORE and UID STORE.
pub fn handle(cx: &mut Cx, tag: &str, uid: bool, set: &SequenceSet, action: &StoreAction) -> Done {
    // parse
    let name = if uid { "UID STORE" } else { "STORE" };
    let given = match flags_of(name, &action.flags) {
        Ok(f) => f,
        Err(text) => return Done::bad(tag, text),
    };
    let user = cx.user().to_owned();
    let Some(view) = cx.conn.selected.as_mut() else {
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
    if view.read_only {
        return Done::ok(tag, w::STORE_READ_ONLY).sync(sync).uid(uid);
    }
    if action.unchanged_since.is_some() {
        cx.conn.condstore = true;
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
    let mut silent_modseqs = Vec::new();
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
        let new = match action.mode {
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
        };
        if mb.set_flags_at(u, new, modseq) {
            changed = true;
            if action.silent {
                if let Some(m) = mb.message(u) {
                    view.flags[i] = m.flags.clone();
                }
                // RFC 7162 §3.1.3: with CONDSTORE on, .SILENT still reports MODSEQ.
                if condstore {
                    let uid_item = if uid {
                        format!("UID {u} ")
                    } else {
                        String::new()
                    };
                    silent_modseqs.push(format!("* {} FETCH ({uid_item}MODSEQ ({modseq}))", i + 1));
                }
            }
        }
    }
    if changed {
        world.touch();
    }
    drop(world);
    for line in silent_modseqs {
        cx.line(&line);
    }
    // reply
    let done = Done::ok(tag, w::STORE_DONE).sync(sync).uid(uid);
    if modified.is_empty() {
        done
    } else {
        done.code(format!("MODIFIED {}", compress(&modified)))
    }
}
