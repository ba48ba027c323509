//! SEARCH and UID SEARCH (RFC 9051 §6.4.4, RFC 3501 §6.4.4), with ESEARCH's
//! `RETURN (MIN MAX ALL COUNT)` (RFC 4731).
//!
//! ```text
//! search     = "SEARCH" [search-return-opts] [SP "CHARSET" SP charset] 1*(SP search-key)
//! S: * SEARCH 2 4
//! S: * ESEARCH (TAG "s48") MIN 1 MAX 4 COUNT 4
//! ```
//!
//! Matching as Dovecot does it for the battery's 60 searches (session 17): substrings
//! are case-insensitive; BEFORE/ON/SINCE compare the day of INTERNALDATE; SENT* the
//! day written in the Date: header, and a message without one counts as sent at the
//! epoch (so it matches SENTBEFORE anything). SEARCH KEYWORD with a keyword the
//! mailbox does not have makes FLAGS and PERMANENTFLAGS follow the result, for this
//! session only (a Dovecot quirk).

use crate::grammar::code::Code;
use crate::grammar::search::SearchKey;
use crate::mock::search::{first_bad_date, keywords, uses, Candidate};
use crate::mock::wording as w;

use super::{compress, Cx, Done, SyncMode};

/// A message a search program selected.
pub(crate) struct Hit {
    pub(crate) seq: u32,
    pub(crate) uid: u32,
    pub(crate) modseq: u64,
    /// Expunged by another session, and a sync since has seen it gone without telling
    /// the client: Dovecot can no longer read it (SORT and THREAD see no header, no
    /// date, no size).
    pub(crate) expunged: bool,
}

/// Runs a search program over the selected mailbox, as SEARCH, SORT and THREAD all
/// begin: the charset and dates checked (`name` is the command, for the BAD text),
/// CONDSTORE turned on by a MODSEQ key, keywords the mailbox does not know announced
/// to this session. The hits come in message-number order; `Err` is the reply when
/// there is nothing to search.
pub(super) fn run(
    cx: &mut Cx,
    tag: &str,
    name: &str,
    charset: Option<&str>,
    criteria: &[SearchKey],
) -> Result<Vec<Hit>, Box<Done>> {
    if let Some(cs) = charset {
        if !crate::mock::rfc2047::known_charset(cs) {
            return Err(Box::new(
                Done::no(tag, w::UNKNOWN_CHARSET).code(Code::other("BADCHARSET")),
            ));
        }
    }
    if criteria.is_empty() {
        return Err(Box::new(Done::bad(
            tag,
            w::command_error(name, "Missing search parameters"),
        )));
    }
    if first_bad_date(criteria).is_some() {
        return Err(Box::new(Done::bad(
            tag,
            w::command_error(name, "Invalid search date parameter"),
        )));
    }
    if uses(criteria, |k| matches!(k, SearchKey::ModSeq(_))) && !cx.conn.condstore {
        super::any::condstore_turned_on(cx);
    }
    if cx.conn.condstore {
        cx.track_selected_modseqs();
    }
    let user = cx.user().to_owned();
    let saved = cx.conn.saved.clone();
    let Some(view) = cx.conn.selected.as_mut() else {
        return Err(Box::new(Done::bad(tag, w::NO_MAILBOX_SELECTED)));
    };
    let world = cx.store.lock();
    let Some(mb) = world.account(&user).and_then(|a| a.by_id(view.id)) else {
        return Err(Box::new(Done::ok(tag, w::SEARCH_DONE).sync(SyncMode::Full)));
    };
    for k in keywords(criteria) {
        let known = mb
            .keywords
            .iter()
            .chain(&view.local_keywords)
            .any(|m| m.eq_ignore_ascii_case(&k));
        if !known {
            cx.conn.local_keywords.push((view.id, k.clone()));
            view.local_keywords.push(k);
        }
    }
    let max_seq = view.uids.len() as u32;
    let max_uid = view.uids.last().copied().unwrap_or(0);
    let mut hits = Vec::new();
    for (i, &u) in view.uids.iter().enumerate() {
        let Some(m) = mb.message_or_tombstone(u) else {
            continue;
        };
        let at = Candidate {
            m,
            flags: &view.flags[i],
            seq: i as u32 + 1,
            recent: view.recent.contains(&u),
            max_seq,
            max_uid,
            saved: saved.as_deref(),
        };
        if criteria.iter().all(|k| at.matches(k)) {
            hits.push(Hit {
                seq: i as u32 + 1,
                uid: u,
                modseq: m.modseq,
                expunged: view.gone.contains(&u),
            });
        }
    }
    Ok(hits)
}

/// How SEARCH, SORT and THREAD report changes afterwards: the UID forms may report
/// expunges (RFC 9051 §7.5.1), unless the search itself named message numbers, which
/// an expunge would shift (Dovecot then waits).
pub(super) fn done(tag: &str, text: &str, uid: bool, criteria: &[SearchKey]) -> Done {
    let numbers = uses(criteria, |k| matches!(k, SearchKey::SequenceSet(_)));
    Done::ok(tag, text)
        .sync(if uid && !numbers {
            SyncMode::Full
        } else {
            SyncMode::NoExpunges
        })
        .uid(uid)
}

/// SEARCH and UID SEARCH, with ESEARCH's RETURN options.
pub(crate) fn handle(
    cx: &mut Cx,
    tag: &str,
    uid: bool,
    charset: Option<&str>,
    returns: Option<&[String]>,
    criteria: &[SearchKey],
) -> Done {
    let name = if uid { "UID SEARCH" } else { "SEARCH" };
    let hits = match run(cx, tag, name, charset, criteria) {
        Ok(hits) => hits,
        Err(done) => return *done,
    };
    let modseq = uses(criteria, |k| matches!(k, SearchKey::ModSeq(_)));
    let found: Vec<u32> = hits
        .iter()
        .map(|h| if uid { h.uid } else { h.seq })
        .collect();
    match returns {
        None => {
            let mut line = String::from("* SEARCH");
            for n in &found {
                line.push(' ');
                line.push_str(&n.to_string());
            }
            // RFC 7162 §3.1.6: a search by MODSEQ also says the highest MODSEQ found.
            if modseq && !found.is_empty() {
                let highest = hits.iter().map(|h| h.modseq).max().unwrap_or(0);
                line.push_str(&format!(" (MODSEQ {highest})"));
            }
            cx.line(&line);
        }
        Some(options) => cx.line(&esearch(tag, uid, options, &found)),
    }
    done(tag, w::SEARCH_DONE, uid, criteria)
}

/// `* ESEARCH (TAG "a") [UID] MIN n MAX n ALL set COUNT n` (RFC 4731 §3.1), in
/// Dovecot's order. `RETURN ()` means `RETURN (ALL)`. For ESORT (RFC 5267 §3.2),
/// `found` is in sort order: MIN and MAX are its first and last, and ALL keeps the
/// order.
pub(super) fn esearch(tag: &str, uid: bool, options: &[String], found: &[u32]) -> String {
    let has = |o: &str| options.iter().any(|x| x.eq_ignore_ascii_case(o));
    let all = options.is_empty() || has("ALL");
    let mut line = format!("* ESEARCH (TAG \"{tag}\")");
    if uid {
        line.push_str(" UID");
    }
    if let (true, Some(min)) = (has("MIN"), found.first()) {
        line.push_str(&format!(" MIN {min}"));
    }
    if let (true, Some(max)) = (has("MAX"), found.last()) {
        line.push_str(&format!(" MAX {max}"));
    }
    if all && !found.is_empty() {
        line.push_str(&format!(" ALL {}", compress(found)));
    }
    if has("COUNT") {
        line.push_str(&format!(" COUNT {}", found.len()));
    }
    line
}
