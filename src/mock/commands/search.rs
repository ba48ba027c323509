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
use crate::mock::dates;
use crate::mock::mime;
use crate::mock::store::{Flags, Message, ANSWERED, DELETED, DRAFT, FLAGGED, SEEN};
use crate::mock::wording as w;

use super::{compress, Cx, Done, SyncMode};

/// Charsets the mock searches in: both are byte-for-byte the same for its matching.
const CHARSETS: [&str; 2] = ["US-ASCII", "UTF-8"];

/// SEARCH and UID SEARCH, with ESEARCH's RETURN options.
pub fn handle(
    cx: &mut Cx,
    tag: &str,
    uid: bool,
    charset: Option<&str>,
    returns: Option<&[String]>,
    criteria: &[SearchKey],
) -> Done {
    // parse
    let name = if uid { "UID SEARCH" } else { "SEARCH" };
    if let Some(cs) = charset {
        if !CHARSETS.iter().any(|c| c.eq_ignore_ascii_case(cs)) {
            return Done::no(tag, w::UNKNOWN_CHARSET).code(Code::other("BADCHARSET"));
        }
    }
    if criteria.is_empty() {
        return Done::bad(tag, w::command_error(name, "Missing search parameters"));
    }
    if let Some(bad) = first_bad_date(criteria) {
        let _ = bad;
        return Done::bad(tag, w::command_error(name, "Invalid search date parameter"));
    }
    // apply
    let by_modseq = criteria_use_modseq(criteria);
    if by_modseq && !cx.conn.condstore {
        super::any::condstore_turned_on(cx);
    }
    if cx.conn.condstore {
        cx.track_selected_modseqs();
    }
    let user = cx.user().to_owned();
    let Some(view) = cx.conn.selected.as_mut() else {
        return Done::bad(tag, w::NO_MAILBOX_SELECTED);
    };
    let world = cx.store.lock();
    let Some(mb) = world.account(&user).and_then(|a| a.by_id(view.id)) else {
        return Done::ok(tag, w::SEARCH_DONE).sync(SyncMode::Full);
    };
    let mut keywords = Vec::new();
    collect_keywords(criteria, &mut keywords);
    for k in keywords {
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
    let mut found = Vec::new();
    let mut found_modseq = 0;
    for (i, &u) in view.uids.iter().enumerate() {
        let Some(m) = mb.message_or_tombstone(u) else {
            continue;
        };
        let at = At {
            m,
            flags: &view.flags[i],
            seq: i as u32 + 1,
            recent: view.recent.contains(&u),
            max_seq,
            max_uid,
        };
        if criteria.iter().all(|k| at.matches(k)) {
            found.push(if uid { u } else { i as u32 + 1 });
            found_modseq = found_modseq.max(m.modseq);
        }
    }
    drop(world);
    // reply
    match returns {
        None => {
            let mut line = String::from("* SEARCH");
            for n in &found {
                line.push(' ');
                line.push_str(&n.to_string());
            }
            // RFC 7162 §3.1.6: a search by MODSEQ also says the highest MODSEQ found.
            if by_modseq && !found.is_empty() {
                line.push_str(&format!(" (MODSEQ {found_modseq})"));
            }
            cx.line(&line);
        }
        Some(options) => cx.line(&esearch(tag, uid, options, &found)),
    }
    Done::ok(tag, w::SEARCH_DONE)
        .sync(if uid {
            SyncMode::Full
        } else {
            SyncMode::NoExpunges
        })
        .uid(uid)
}

/// `* ESEARCH (TAG "a") [UID] MIN n MAX n ALL set COUNT n` (RFC 4731 §3.1), in
/// Dovecot's order. `RETURN ()` means `RETURN (ALL)`.
fn esearch(tag: &str, uid: bool, options: &[String], found: &[u32]) -> String {
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

fn first_bad_date(keys: &[SearchKey]) -> Option<String> {
    keys.iter().find_map(|k| match k {
        SearchKey::Before(d)
        | SearchKey::On(d)
        | SearchKey::Since(d)
        | SearchKey::SentBefore(d)
        | SearchKey::SentOn(d)
        | SearchKey::SentSince(d) => dates::days_of_date_text(d).is_none().then(|| d.clone()),
        SearchKey::Not(k) => first_bad_date(std::slice::from_ref(k)),
        SearchKey::Or(a, b) => first_bad_date(std::slice::from_ref(a))
            .or_else(|| first_bad_date(std::slice::from_ref(b))),
        SearchKey::And(ks) => first_bad_date(ks),
        _ => None,
    })
}

fn collect_keywords(keys: &[SearchKey], out: &mut Vec<String>) {
    for k in keys {
        match k {
            SearchKey::Keyword(f) | SearchKey::Unkeyword(f) if !f.is_system() => {
                out.push(f.0.clone())
            }
            SearchKey::Not(k) => collect_keywords(std::slice::from_ref(k), out),
            SearchKey::Or(a, b) => {
                collect_keywords(std::slice::from_ref(a), out);
                collect_keywords(std::slice::from_ref(b), out);
            }
            SearchKey::And(ks) => collect_keywords(ks, out),
            _ => {}
        }
    }
}

fn criteria_use_modseq(keys: &[SearchKey]) -> bool {
    keys.iter().any(|k| match k {
        SearchKey::ModSeq(_) => true,
        SearchKey::Not(k) => criteria_use_modseq(std::slice::from_ref(k)),
        SearchKey::Or(a, b) => {
            criteria_use_modseq(std::slice::from_ref(a))
                || criteria_use_modseq(std::slice::from_ref(b))
        }
        SearchKey::And(ks) => criteria_use_modseq(ks),
        _ => false,
    })
}

/// A message being matched, with what the keys need to know about it.
struct At<'a> {
    m: &'a Message,
    /// The flags this session knows: Dovecot searches its view of the mailbox, which
    /// learns others' changes only when it syncs (a FETCH reads them at once).
    flags: &'a Flags,
    seq: u32,
    recent: bool,
    max_seq: u32,
    max_uid: u32,
}

fn contains_ci(haystack: &[u8], needle: &str) -> bool {
    if needle.is_empty() {
        return true;
    }
    let hay = String::from_utf8_lossy(haystack).to_lowercase();
    hay.contains(&needle.to_lowercase())
}

impl At<'_> {
    fn header_contains(&self, name: &str, needle: &str) -> bool {
        let (header, _) = mime::split(&self.m.raw);
        mime::fields(header)
            .iter()
            .filter(|f| f.name.eq_ignore_ascii_case(name.as_bytes()))
            .any(|f| contains_ci(&f.bytes(), needle))
    }

    fn sent_day(&self) -> i64 {
        let (header, _) = mime::split(&self.m.raw);
        mime::field(header, "Date")
            .and_then(|f| dates::days_of_header_date(&f.text()))
            .unwrap_or(0)
    }

    fn matches(&self, key: &SearchKey) -> bool {
        use SearchKey::*;
        let f = self.flags;
        let day = |d: &str| dates::days_of_date_text(d).unwrap_or(i64::MIN);
        let internal = dates::day_of(self.m.internal_date);
        match key {
            All => true,
            Answered => f.has(ANSWERED),
            Deleted => f.has(DELETED),
            Draft => f.has(DRAFT),
            Flagged => f.has(FLAGGED),
            Seen => f.has(SEEN),
            Unanswered => !f.has(ANSWERED),
            Undeleted => !f.has(DELETED),
            Undraft => !f.has(DRAFT),
            Unflagged => !f.has(FLAGGED),
            Unseen => !f.has(SEEN),
            Recent => self.recent,
            New => self.recent && !f.has(SEEN),
            Old => !self.recent,
            Keyword(k) => f.has_keyword(&k.0),
            Unkeyword(k) => !f.has_keyword(&k.0),
            Bcc(s) => self.header_contains("Bcc", s),
            Cc(s) => self.header_contains("Cc", s),
            From(s) => self.header_contains("From", s),
            To(s) => self.header_contains("To", s),
            Subject(s) => self.header_contains("Subject", s),
            Header(name, s) => self.header_contains(name, s),
            Body(s) => contains_ci(mime::body_of(&self.m.raw), s),
            Text(s) => contains_ci(&self.m.raw, s),
            Before(d) => internal < day(d),
            On(d) => internal == day(d),
            Since(d) => internal >= day(d),
            SentBefore(d) => self.sent_day() < day(d),
            SentOn(d) => self.sent_day() == day(d),
            SentSince(d) => self.sent_day() >= day(d),
            Larger(n) => self.m.raw.len() as u64 > u64::from(*n),
            Smaller(n) => (self.m.raw.len() as u64) < u64::from(*n),
            Uid(set) => set.contains(self.m.uid, self.max_uid),
            SequenceSet(set) => set.contains(self.seq, self.max_seq),
            Not(k) => !self.matches(k),
            Or(a, b) => self.matches(a) || self.matches(b),
            And(ks) => ks.iter().all(|k| self.matches(k)),
            ModSeq(n) => self.m.modseq >= *n,
        }
    }
}
