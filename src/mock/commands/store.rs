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
use crate::mock::store::{Flags, MailboxData};
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
    let condstore = cx.conn.condstore;
    let mut changed = false;
    let (updates, modified) = planned(mb, view, &indexes, uid, action, &given);
    let modseqs = Modseqs::of(mb, &updates, action.mode);
    for (i, u, new) in updates {
        let Some(modseq) = modseqs.of_message(u) else {
            continue;
        };
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

/// The new flags of each message the STORE changes, by index and UID, and the
/// messages UNCHANGEDSINCE holds back (RFC 7162 §3.1.3), as the reply numbers them.
type Planned = (Vec<(usize, u32, Flags)>, Vec<u32>);

fn planned(
    mb: &MailboxData,
    view: &super::SelectedView,
    indexes: &[usize],
    uid: bool,
    action: &StoreAction,
    given: &Flags,
) -> Planned {
    let mut modified = Vec::new();
    let mut updates = Vec::new();
    for &i in indexes {
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
        updates.push((i, u, stored(action.mode, &current.flags, given)));
    }
    (updates, modified)
}

/// The MODSEQs one STORE gives. Dovecot's index log writes a record for the system
/// flags, then one for each keyword added, then one for each keyword taken away (in
/// the mailbox's keyword order), and every record is a change of its own: a message
/// gets the MODSEQ of the last record it is in (`FLAGS (k5)` over `kw` and `\Draft`
/// moves a message by three, random-store.txt).
struct Modseqs {
    by_uid: std::collections::HashMap<u32, u64>,
}

impl Modseqs {
    fn of(mb: &MailboxData, updates: &[(usize, u32, Flags)], mode: StoreMode) -> Self {
        let olds: Vec<(u32, &Flags, &Flags)> = updates
            .iter()
            .filter_map(|(_, u, new)| Some((*u, &mb.message(*u)?.flags, new)))
            .collect();
        let mut next = mb.next_modseq();
        let mut by_uid = std::collections::HashMap::new();
        let mut record = |takes: &dyn Fn(&Flags, &Flags) -> bool| {
            let mut any = false;
            for (u, old, new) in &olds {
                if takes(old, new) {
                    by_uid.insert(*u, next);
                    any = true;
                }
            }
            next += u64::from(any);
        };
        record(&|old, new| old.system != new.system);
        // FLAGS replaces a message's keywords by taking all away and adding the given
        // ones back: each given keyword is added again, unless nothing changes.
        let replace = mode == StoreMode::Replace;
        for k in &mb.keywords {
            record(&|old, new| {
                new.has_keyword(k)
                    && (!old.has_keyword(k) || (replace && keywords_differ(old, new)))
            });
        }
        for k in &mb.keywords {
            record(&|old, new| old.has_keyword(k) && !new.has_keyword(k));
        }
        Modseqs { by_uid }
    }

    /// The MODSEQ of message `uid`, `None` when its flags do not change.
    fn of_message(&self, uid: u32) -> Option<u64> {
        self.by_uid.get(&uid).copied()
    }
}

/// Keywords added or taken away (their order is no change).
fn keywords_differ(old: &Flags, new: &Flags) -> bool {
    old.keywords.len() != new.keywords.len() || !new.keywords.iter().all(|k| old.has_keyword(k))
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::mock::store::{ANSWERED, SEEN};

    fn flags(system: u8, keywords: &[&str]) -> Flags {
        Flags {
            system,
            keywords: keywords.iter().map(|k| (*k).to_owned()).collect(),
        }
    }

    #[test]
    fn a_store_takes_a_modseq_per_record_of_dovecots_log() {
        let mut mb = MailboxData::new(1, "INBOX".into(), 1);
        mb.define_keywords(["a", "b", "c"]);
        for _ in 1..=2 {
            let raw: std::sync::Arc<[u8]> = std::sync::Arc::from(&b"x"[..]);
            mb.append_at(raw, flags(0, &["a", "b", "c"]), 0, 10);
        }
        // FLAGS (c \Seen) on 1, unchanged 2: \Seen (11), c again (12), a (13), b (14).
        let updates = vec![
            (0, 1, flags(SEEN, &["c"])),
            (1, 2, flags(0, &["a", "b", "c"])),
        ];
        let m = Modseqs::of(&mb, &updates, StoreMode::Replace);
        assert_eq!((m.of_message(1), m.of_message(2)), (Some(14), None));
        // +FLAGS (\Answered c): only the system flag changes, and c is not added again.
        let updates = vec![(0, 1, flags(ANSWERED, &["a", "b", "c"]))];
        let m = Modseqs::of(&mb, &updates, StoreMode::Add);
        assert_eq!(m.of_message(1), Some(11));
    }
}
