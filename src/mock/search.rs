//! The search engine behind SEARCH, SORT and THREAD: does a message match a search
//! key (RFC 9051 §6.4.4)? Shared by `commands/search.rs`, `commands/sort.rs` and
//! `commands/thread.rs`, which all take a search program.
//!
//! Matching follows Dovecot 2.3 (I18NLEVEL=1, RFC 5255 §4):
//! - strings compare with `i;unicode-casemap` ([`super::casemap`]) on both sides,
//!   after the header's encoded-words are decoded ([`super::rfc2047`]);
//! - FROM, TO, CC and BCC match the address list written back normalized
//!   (`Name <local@domain>`, [`super::address::write`]), so a comment that named the
//!   address is searchable and the comment's parentheses are not;
//! - SUBJECT compares with runs of whitespace made one space; HEADER compares the
//!   field as written; an empty string only asks that the field be there;
//! - BEFORE/ON/SINCE compare the day of INTERNALDATE, SAVED* (RFC 8514) the day of
//!   the save date; SENT* the day of the sent date
//!   in its own zone, as Dovecot keeps it: a message without a readable one counts as
//!   sent at the epoch, one sent before 1970 in the 2100s ([`super::dates::sent_date`]);
//! - `$` is the result SAVEd by an earlier SEARCH (RFC 5182), as UIDs;
//! - a message-number range with `*` reads `*` as "no end", then keeps the numbers
//!   that exist, as Dovecot 2.3.19 does: `6:*` and `*:6` of five messages match
//!   nothing where RFC 9051 §9 would have them mean `5:6` (a lone `*` is still the
//!   last message; UID ranges follow the RFC);
//! - OLDER and YOUNGER (RFC 5032) compare INTERNALDATE with the time now, to the second.

use crate::grammar::search::SearchKey;
use crate::grammar::sequence::{SeqNumber, SequenceSet as Set};

use super::address;
use super::body_search;
use super::casemap::casemap;
use super::dates;
use super::mime;
use super::rfc2047;
use super::store::{Flags, Message, ANSWERED, DELETED, DRAFT, FLAGGED, SEEN};

/// A message being matched, with what the keys need to know about it.
pub(crate) struct Candidate<'a> {
    pub(crate) m: &'a Message,
    /// The flags this session knows: Dovecot searches its view of the mailbox, which
    /// learns others' changes only when it syncs (a FETCH reads them at once).
    pub(crate) flags: &'a Flags,
    /// Its message number in the session's view.
    pub(crate) seq: u32,
    /// \Recent for this session.
    pub(crate) recent: bool,
    pub(crate) max_seq: u32,
    pub(crate) max_uid: u32,
    /// The UIDs of the saved result (`$`), if any was saved.
    pub(crate) saved: Option<&'a [u32]>,
    /// The time now, in Unix seconds, for OLDER and YOUNGER.
    pub(crate) now: i64,
}

/// Which header fields a string key looks in, and how (see the module comment).
#[derive(Clone, Copy, PartialEq, Eq)]
enum How {
    Address,
    CompressSpaces,
    AsWritten,
}

impl Candidate<'_> {
    /// True if the message matches `key`.
    pub(crate) fn matches(&self, key: &SearchKey) -> bool {
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
            Bcc(s) => self.header_contains("Bcc", &s.0, How::Address),
            Cc(s) => self.header_contains("Cc", &s.0, How::Address),
            From(s) => self.header_contains("From", &s.0, How::Address),
            To(s) => self.header_contains("To", &s.0, How::Address),
            Subject(s) => self.header_contains("Subject", &s.0, How::CompressSpaces),
            Header(name, s) => self.header_contains(name, &s.0, How::AsWritten),
            Body(s) => s.0.is_empty() || body_search::body_contains(&self.m.raw, &casemap(&s.0)),
            Text(s) => s.0.is_empty() || body_search::text_contains(&self.m.raw, &casemap(&s.0)),
            Before(d) => internal < day(d),
            On(d) => internal == day(d),
            Since(d) => internal >= day(d),
            SentBefore(d) => self.sent_day() < day(d),
            SentOn(d) => self.sent_day() == day(d),
            SentSince(d) => self.sent_day() >= day(d),
            Larger(n) => self.m.raw.len() as u64 > u64::from(*n),
            Smaller(n) => (self.m.raw.len() as u64) < u64::from(*n),
            Uid(Set::Saved) | SequenceSet(Set::Saved) => {
                self.saved.is_some_and(|uids| uids.contains(&self.m.uid))
            }
            Uid(set) => set.contains(self.m.uid, self.max_uid),
            SequenceSet(set) => seq_set_contains(set, self.seq, self.max_seq),
            Not(k) => !self.matches(k),
            Or(a, b) => self.matches(a) || self.matches(b),
            And(ks) => ks.iter().all(|k| self.matches(k)),
            ModSeq(n) => self.m.modseq >= *n,
            // RFC 5032 §3, to the second as Dovecot compares them (its OLDER is
            // "before now - n + 1").
            Older(n) => self.m.internal_date <= self.now - i64::from(*n),
            Younger(n) => self.m.internal_date >= self.now - i64::from(*n),
            SavedBefore(d) => dates::day_of(self.m.save_date) < day(d),
            SavedOn(d) => dates::day_of(self.m.save_date) == day(d),
            SavedSince(d) => dates::day_of(self.m.save_date) >= day(d),
            // The mock keeps a save date for every message, as Dovecot's maildir does.
            SaveDateSupported => true,
            // Gmail's and OBJECTID's keys: refused before any search runs
            // (`commands::search::run`), as Dovecot 2.3.19 refuses them.
            GmailRaw(_) | GmailMessageId(_) | GmailThreadId(_) | GmailLabels(_) => false,
            EmailId(_) | ThreadId(_) => false,
        }
    }

    fn header_contains(&self, name: &str, needle: &[u8], how: How) -> bool {
        let (header, _) = mime::split(&self.m.raw);
        let wanted = casemap(needle);
        mime::fields(header)
            .iter()
            .filter(|f| f.name.eq_ignore_ascii_case(name.as_bytes()))
            .any(|f| {
                if needle.is_empty() {
                    return true;
                }
                let value = f.dovecot_value();
                let text = match how {
                    How::Address => address::write(&address::parse(&value, true)),
                    How::CompressSpaces => compress_spaces(&value),
                    How::AsWritten => value,
                };
                rfc2047::decode_casemap(&text).contains(&wanted)
            })
    }

    /// The day of the sent date in its own zone (RFC 9051 §6.4.4 ignores zones), as
    /// Dovecot keeps the date ([`dates::sent_date`]).
    fn sent_day(&self) -> i64 {
        let (header, _) = mime::split(&self.m.raw);
        let value = mime::field(header, "Date").map(|f| f.dovecot_value());
        let (time, zone) = dates::sent_date(value.as_deref());
        dates::day_of(time + zone * 60)
    }
}

/// Each run of spaces, tabs and line breaks made one space.
fn compress_spaces(value: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(value.len());
    let mut space = false;
    for &b in value {
        if matches!(b, b' ' | b'\t' | b'\r' | b'\n') {
            if !space {
                out.push(b' ');
            }
            space = true;
        } else {
            out.push(b);
            space = false;
        }
    }
    out
}

/// The first search date that is not a date, if any (`Invalid search date parameter`).
pub(crate) fn first_bad_date(keys: &[SearchKey]) -> Option<String> {
    keys.iter().find_map(|k| match k {
        SearchKey::Before(d)
        | SearchKey::On(d)
        | SearchKey::Since(d)
        | SearchKey::SentBefore(d)
        | SearchKey::SentOn(d)
        | SearchKey::SentSince(d)
        | SearchKey::SavedBefore(d)
        | SearchKey::SavedOn(d)
        | SearchKey::SavedSince(d) => dates::days_of_date_text(d).is_none().then(|| d.clone()),
        SearchKey::Not(k) => first_bad_date(std::slice::from_ref(k)),
        SearchKey::Or(a, b) => first_bad_date(std::slice::from_ref(a))
            .or_else(|| first_bad_date(std::slice::from_ref(b))),
        SearchKey::And(ks) => first_bad_date(ks),
        _ => None,
    })
}

/// The keywords the keys name (KEYWORD, UNKEYWORD), at any depth.
pub(crate) fn keywords(keys: &[SearchKey]) -> Vec<String> {
    let mut out = Vec::new();
    for k in keys {
        k.walk(&mut |k| {
            if let SearchKey::Keyword(f) | SearchKey::Unkeyword(f) = k {
                if !f.is_system() {
                    out.push(f.0.clone());
                }
            }
        });
    }
    out
}

/// True if any key, at any depth, satisfies `test`.
pub(crate) fn uses(keys: &[SearchKey], test: impl Fn(&SearchKey) -> bool) -> bool {
    let mut found = false;
    for k in keys {
        k.walk(&mut |k| found |= test(k));
    }
    found
}

/// A message-number set as Dovecot 2.3.19 searches it (module comment): in a range,
/// `*` is "no end" (its seq-range parser keeps `*` as the largest number there is,
/// then drops what is past the last message), so a range starting past the end names
/// nothing; a lone `*` is the last message.
fn seq_set_contains(set: &Set, seq: u32, max_seq: u32) -> bool {
    let Set::Ranges(ranges) = set else {
        return false;
    };
    let end = |n: SeqNumber| match n {
        SeqNumber::Value(v) => v,
        SeqNumber::Last => u32::MAX,
    };
    ranges.iter().any(|&(a, b)| match b {
        None => a.resolve(max_seq) == seq,
        Some(b) => {
            let (a, b) = (end(a), end(b));
            (a.min(b)..=a.max(b)).contains(&seq) && seq <= max_seq
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Dovecot's reading of `*` in a message-number range, against five messages.
    #[test]
    fn star_in_a_range_is_no_end() {
        use SeqNumber::{Last, Value};
        let matched = |ranges: Vec<(SeqNumber, Option<SeqNumber>)>| -> Vec<u32> {
            let set = Set::Ranges(ranges);
            (1..=5).filter(|&n| seq_set_contains(&set, n, 5)).collect()
        };
        assert_eq!(matched(vec![(Value(6), Some(Last))]), Vec::<u32>::new());
        assert_eq!(matched(vec![(Last, Some(Value(6)))]), Vec::<u32>::new());
        assert_eq!(matched(vec![(Last, Some(Value(3)))]), vec![3, 4, 5]);
        assert_eq!(matched(vec![(Value(5), Some(Last))]), vec![5]);
        assert_eq!(matched(vec![(Last, None)]), vec![5]);
        assert_eq!(matched(vec![(Value(4), Some(Value(2)))]), vec![2, 3, 4]);
    }

    fn finds(raw: &str, key: SearchKey) -> bool {
        let m = Message::for_test(raw, 0);
        Candidate {
            m: &m,
            flags: &m.flags,
            seq: 1,
            recent: false,
            max_seq: 1,
            max_uid: 1,
            saved: None,
            now: 0,
        }
        .matches(&key)
    }

    #[test]
    fn addresses_match_in_their_normalized_form() {
        let raw = "From: pat(comment)@lab.example\r\nTo: Zo\u{eb} <z@x>\r\n\r\n";
        assert!(finds(raw, SearchKey::From("pat@lab.example".into())));
        assert!(finds(raw, SearchKey::From("COMMENT <pat".into())));
        assert!(!finds(raw, SearchKey::From("(comment)".into())));
        assert!(!finds(
            raw,
            SearchKey::Header("From".into(), "pat@lab".into())
        ));
        assert!(finds(raw, SearchKey::To("zoë".into())));
        assert!(finds(raw, SearchKey::To("".into())));
        assert!(!finds(raw, SearchKey::Cc("".into())));
    }

    #[test]
    fn subjects_are_decoded_and_spaces_compressed() {
        let raw = "Subject: =?UTF-8?B?w5xiZXI=?=   das\tLabor\r\n\r\n";
        assert!(finds(raw, SearchKey::Subject("über das labor".into())));
        assert!(!finds(raw, SearchKey::Subject("uber".into())));
    }
}
