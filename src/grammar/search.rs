//! SEARCH criteria: `search-key` (RFC 9051 §6.4.4, RFC 3501 §6.4.4).

use serde::Serialize;

use super::core::Flag;
use super::sequence::SequenceSet;

/// `search-key` — one criterion. A SEARCH command ANDs its keys together.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub enum SearchKey {
    All,
    Answered,
    Deleted,
    Draft,
    Flagged,
    New,
    Old,
    Recent,
    Seen,
    Unanswered,
    Undeleted,
    Undraft,
    Unflagged,
    Unseen,
    Keyword(Flag),
    Unkeyword(Flag),
    Bcc(String),
    Body(String),
    Cc(String),
    From(String),
    Subject(String),
    Text(String),
    To(String),
    Header(String, String),
    /// Dates compare the internal date (BEFORE/ON/SINCE) or the Date: header (SENT*).
    Before(String),
    On(String),
    Since(String),
    SentBefore(String),
    SentOn(String),
    SentSince(String),
    Larger(u32),
    Smaller(u32),
    Uid(SequenceSet),
    SequenceSet(SequenceSet),
    Not(Box<SearchKey>),
    Or(Box<SearchKey>, Box<SearchKey>),
    /// `(key key ...)`: a parenthesised AND.
    And(Vec<SearchKey>),
    /// `MODSEQ n` (RFC 7162).
    ModSeq(u64),
}
