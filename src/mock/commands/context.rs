//! CONTEXT=SEARCH's updates (RFC 5267 §4.3): a SEARCH or SORT with `RETURN (UPDATE)`
//! keeps its result, and every later sync tells the client how it changed, in ESEARCH
//! responses carrying the search's tag; CANCELUPDATE (§4.3.5) stops them.
//!
//! ```text
//! C: a SEARCH RETURN (UPDATE) UNSEEN
//! S: * ESEARCH (TAG "a")
//!    (another session marks 4 and 5 seen, 1 unseen; then)
//! C: n NOOP
//! S: * 1 FETCH (FLAGS ())
//! S: * 4 FETCH (FLAGS (\Seen))
//! S: * 5 FETCH (FLAGS (\Seen))
//! S: * ESEARCH (TAG "a") REMOVEFROM (0 4:5) ADDTO (0 1)
//! C: c CANCELUPDATE "a"
//! S: c OK Updates cancelled.
//! ```
//!
//! As Dovecot 2.3 does it (imap-sync.c, index-search-result.c; checked in
//! tests/data/differential/esearch.txt):
//! - a sync first reports the updated messages it is about to EXPUNGE (REMOVEFROM, with
//!   the numbers they still have), then its FETCH, EXPUNGE, EXISTS and RECENT lines,
//!   then what flag changes and new messages did to each result (REMOVEFROM, then
//!   ADDTO), one line per search, in the order the searches were made;
//! - flag changes are looked at only by searches whose keys look at flags (a flag,
//!   keyword or MODSEQ key); new messages by every search; the keys are evaluated
//!   again then, but message numbers, `$` and `*` keep the messages they named when
//!   the search ran (RFC 5267 §4.3: "evaluated at the time the command is received");
//! - the context position is always 0 (the client keeps its own order), for SORT too;
//! - a session keeps at most ten updating searches (`* NO [NOUPDATE "tag"]`); they end
//!   with the mailbox (SELECT, EXAMINE, CLOSE, UNSELECT).

use std::collections::BTreeSet;

use crate::grammar::fetch::FetchAttribute;
use crate::grammar::search::SearchKey;
use crate::grammar::sequence::{SeqNumber, SequenceSet as Set};
use crate::mock::search::uses;
use crate::mock::store::MailboxData;
use crate::mock::wording as w;

use super::search::matches_at;
use super::{compress, Cx, Done, SelectedView};

/// The most updating searches a session keeps (Dovecot's `CLIENT_MAX_SEARCH_UPDATES`).
pub(crate) const MAX_UPDATES: usize = 10;

/// One search whose result the client is kept told of.
#[derive(Debug, Clone)]
pub(crate) struct Update {
    /// The searching command's tag, which every ESEARCH update carries.
    pub(crate) tag: String,
    /// UID SEARCH or UID SORT: updates name UIDs, otherwise message numbers.
    uid: bool,
    keys: Vec<SearchKey>,
    /// The keys look at flags, so flag changes are looked at.
    flags: bool,
    /// The UIDs in the result now.
    result: BTreeSet<u32>,
    /// The mailbox's HIGHESTMODSEQ when the result was last brought up to date: a
    /// message whose MODSEQ is higher has changed since.
    modseq: u64,
    /// Dovecot's `UPDATE (fetch-att ...)`: a FETCH of these items for each message that
    /// arrives and joins the result, just before the ADDTO (none for a message that
    /// joins by a flag change; no UID unless asked, even for UID SEARCH).
    fetch: Vec<FetchAttribute>,
}

/// Starts updates for the search `tag` whose result is `uids`; the `* NO [NOUPDATE]`
/// line when the session already has as many as it may keep.
pub(super) fn register(
    view: &mut SelectedView,
    highest_modseq: u64,
    (tag, uid, fetch): (&str, bool, Vec<FetchAttribute>),
    keys: &[SearchKey],
    uids: impl IntoIterator<Item = u32>,
) -> Option<String> {
    if view.updates.len() >= MAX_UPDATES {
        return Some(format!("* NO [NOUPDATE \"{tag}\"]"));
    }
    let flags = uses(keys, |k| {
        use SearchKey::*;
        matches!(
            k,
            Answered
                | Deleted
                | Draft
                | Flagged
                | Seen
                | Unanswered
                | Undeleted
                | Undraft
                | Unflagged
                | Unseen
                | Recent
                | New
                | Old
                | Keyword(_)
                | Unkeyword(_)
                | ModSeq(_)
        )
    });
    let keys = keys.iter().map(|k| frozen(view, k)).collect();
    view.updates.push(Update {
        tag: tag.to_owned(),
        uid,
        keys,
        flags,
        result: uids.into_iter().collect(),
        modseq: highest_modseq,
        fetch,
    });
    None
}

/// `key` with its message sets turned into the UIDs they name now: message numbers
/// shift with expunges, `$` changes with the next SAVE, and `*` with the next message.
fn frozen(view: &SelectedView, key: &SearchKey) -> SearchKey {
    use SearchKey::*;
    let uids = |indexes: Vec<usize>| {
        let uids: Vec<u32> = indexes.into_iter().map(|i| view.uids[i]).collect();
        Uid(Set::from_numbers(&uids))
    };
    match key {
        SequenceSet(set) => uids(super::resolve(view, set, false).unwrap_or_default()),
        Uid(set @ Set::Saved) => uids(super::resolve(view, set, true).unwrap_or_default()),
        Uid(Set::Ranges(ranges)) => {
            let largest = view.uids.last().copied().unwrap_or(0);
            let fixed = |n: SeqNumber| SeqNumber::Value(n.resolve(largest));
            Uid(Set::Ranges(
                ranges
                    .iter()
                    .map(|&(a, b)| (fixed(a), b.map(fixed)))
                    .collect(),
            ))
        }
        Not(k) => Not(Box::new(frozen(view, k))),
        Or(a, b) => Or(Box::new(frozen(view, a)), Box::new(frozen(view, b))),
        And(keys) => And(keys.iter().map(|k| frozen(view, k)).collect()),
        other => other.clone(),
    }
}

/// CANCELUPDATE (RFC 5267 §4.3.5): each tag in turn; the first that names no updating
/// search stops the command (`NO Unknown tag.`), the ones before it stay cancelled.
pub(crate) fn cancel(cx: &mut Cx, tag: &str, tags: &[String]) -> Done {
    let mut updates = cx.conn.selected.as_mut().map(|v| &mut v.updates);
    for t in tags {
        let found = updates
            .as_deref_mut()
            .and_then(|u| u.iter().position(|x| x.tag == *t).map(|i| (u, i)));
        match found {
            Some((u, i)) => {
                u.remove(i);
            }
            None => return Done::no(tag, w::UNKNOWN_UPDATE_TAG),
        }
    }
    Done::ok(tag, w::UPDATES_CANCELLED)
}

/// Before a sync reports expunges: REMOVEFROM for the messages in `gone` (UIDs) that
/// results hold, numbered as the client still knows them (RFC 5267 §4.3.4: before
/// the EXPUNGE).
pub(super) fn before_expunges(view: &mut SelectedView, gone: &BTreeSet<u32>, out: &mut Vec<u8>) {
    let mut lines = String::new();
    for u in &mut view.updates {
        let removed: Vec<u32> = u.result.intersection(gone).copied().collect();
        if removed.is_empty() {
            continue;
        }
        for r in &removed {
            u.result.remove(r);
        }
        let shown = numbers(&view.uids, u.uid, &removed);
        lines.push_str(&line(u, &shown, &[]));
    }
    out.extend_from_slice(lines.as_bytes());
}

/// After a sync has reported everything else: what flag changes and messages newer
/// than `last_uid` (the newest the client knew before) did to each result.
pub(super) fn after_sync(
    view: &mut SelectedView,
    mailbox: &MailboxData,
    last_uid: u32,
    out: &mut Vec<u8>,
) {
    if view.updates.is_empty() {
        return;
    }
    let mut updates = std::mem::take(&mut view.updates);
    let mut lines = Vec::new();
    let clock = crate::mock::dates::now();
    for u in &mut updates {
        let (mut removed, mut added) = (Vec::new(), Vec::new());
        let mut fetched = Vec::new();
        for (i, &uid) in view.uids.iter().enumerate() {
            let Some(m) = mailbox.message(uid) else {
                continue;
            };
            let changed = uid > last_uid || (u.flags && m.modseq > u.modseq);
            if !changed {
                continue;
            }
            let now = matches_at(view, mailbox, &u.keys, i, None, clock);
            if now && u.result.insert(uid) {
                added.push(uid);
                if uid > last_uid && !u.fetch.is_empty() {
                    let recent = view.recent.contains(&uid);
                    fetched.extend(super::fetch::notify_line(i + 1, m, recent, &u.fetch));
                }
            } else if !now && u.result.remove(&uid) {
                removed.push(uid);
            }
        }
        u.modseq = mailbox.highest_modseq;
        if removed.is_empty() && added.is_empty() {
            continue;
        }
        let removed = numbers(&view.uids, u.uid, &removed);
        let added = numbers(&view.uids, u.uid, &added);
        lines.extend(fetched);
        lines.extend_from_slice(line(u, &removed, &added).as_bytes());
    }
    view.updates = updates;
    out.extend_from_slice(&lines);
}

/// UIDs as the update names them: UIDs, or message numbers in `uids` (the view).
fn numbers(uids: &[u32], uid: bool, of: &[u32]) -> Vec<u32> {
    if uid {
        return of.to_vec();
    }
    let mut seqs: Vec<u32> = of
        .iter()
        .filter_map(|u| uids.binary_search(u).ok().map(|i| i as u32 + 1))
        .collect();
    seqs.sort_unstable();
    seqs
}

/// `* ESEARCH (TAG "a") [UID] [REMOVEFROM (0 set)] [ADDTO (0 set)]` (RFC 5267 §4.3.3,
/// §4.3.4).
fn line(u: &Update, removed: &[u32], added: &[u32]) -> String {
    let mut line = format!("* ESEARCH (TAG \"{}\")", u.tag);
    if u.uid {
        line.push_str(" UID");
    }
    if !removed.is_empty() {
        line.push_str(&format!(" REMOVEFROM (0 {})", compress(removed)));
    }
    if !added.is_empty() {
        line.push_str(&format!(" ADDTO (0 {})", compress(added)));
    }
    line.push_str("\r\n");
    line
}
