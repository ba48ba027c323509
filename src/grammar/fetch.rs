//! FETCH request items: `fetch-att` (RFC 9051 §6.4.5, RFC 3501 §6.4.5).

use serde::Serialize;

use super::section::Section;

/// What a FETCH asks for: a macro or a list of items.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub enum FetchItems {
    /// `ALL` = `(FLAGS INTERNALDATE RFC822.SIZE ENVELOPE)`
    All,
    /// `FAST` = `(FLAGS INTERNALDATE RFC822.SIZE)`
    Fast,
    /// `FULL` = `(FLAGS INTERNALDATE RFC822.SIZE ENVELOPE BODY)`
    Full,
    /// One item, or a parenthesised list.
    Items(Vec<FetchAttribute>),
}

/// `fetch-att` — one data item a client can ask for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub enum FetchAttribute {
    Envelope,
    Flags,
    InternalDate,
    /// `RFC822` (the whole message; sets \Seen like BODY[]).
    Rfc822,
    Rfc822Header,
    Rfc822Size,
    Rfc822Text,
    Uid,
    /// `BODY` without a section: the non-extensible BODYSTRUCTURE.
    Body,
    BodyStructure,
    /// `BODY[section]<partial>` and `BODY.PEEK[...]`.
    BodySection { peek: bool, section: Section, partial: Option<(u32, u32)> },
    /// `BINARY[part]<partial>` and `BINARY.PEEK[...]` (RFC 3516, RFC 9051).
    Binary { peek: bool, part: Vec<u32>, partial: Option<(u32, u32)> },
    /// `BINARY.SIZE[part]`.
    BinarySize { part: Vec<u32> },
    /// `MODSEQ` (RFC 7162 CONDSTORE).
    ModSeq,
    /// `SAVEDATE`, `PREVIEW`, `EMAILID`... items of extensions the tutor only names.
    Other(String),
}

impl FetchItems {
    /// The items a macro stands for (RFC 9051 §6.4.5).
    pub fn expand(&self) -> Vec<FetchAttribute> {
        use FetchAttribute::*;
        match self {
            FetchItems::All => vec![Flags, InternalDate, Rfc822Size, Envelope],
            FetchItems::Fast => vec![Flags, InternalDate, Rfc822Size],
            FetchItems::Full => vec![Flags, InternalDate, Rfc822Size, Envelope, Body],
            FetchItems::Items(items) => items.clone(),
        }
    }
}
