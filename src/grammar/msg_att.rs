//! FETCH response items: `msg-att` (RFC 9051 §7.5.2), with ENVELOPE and BODYSTRUCTURE.

use serde::Serialize;

use super::body::BodyStructure;
use super::core::{Flag, ImapString};
use super::envelope::Envelope;
use super::section::Section;

/// `msg-att-dynamic / msg-att-static` — one item of a FETCH response.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub enum MessageAttribute {
    Flags(Vec<Flag>),
    Envelope(Box<Envelope>),
    InternalDate(String),
    Rfc822(Option<ImapString>),
    Rfc822Header(Option<ImapString>),
    Rfc822Text(Option<ImapString>),
    Rfc822Size(u64),
    /// `BODY` (non-extensible) — same structure type as BODYSTRUCTURE.
    Body(Box<BodyStructure>),
    BodyStructure(Box<BodyStructure>),
    /// `BODY[section]<origin> nstring`
    BodySection { section: Section, origin: Option<u32>, data: Option<ImapString> },
    /// `BINARY[part]<origin> (nstring / literal8)`
    Binary { part: Vec<u32>, origin: Option<u32>, data: Option<ImapString> },
    BinarySize { part: Vec<u32>, size: u64 },
    Uid(u32),
    ModSeq(u64),
    /// An item of an extension the tutor only names (`SAVEDATE`, `PREVIEW`, ...), value as text.
    Other { name: String, value: String },
}

impl MessageAttribute {
    /// The item's name as the knowledge base lists it.
    pub fn name(&self) -> &str {
        match self {
            MessageAttribute::Flags(_) => "FLAGS",
            MessageAttribute::Envelope(_) => "ENVELOPE",
            MessageAttribute::InternalDate(_) => "INTERNALDATE",
            MessageAttribute::Rfc822(_) => "RFC822",
            MessageAttribute::Rfc822Header(_) => "RFC822.HEADER",
            MessageAttribute::Rfc822Text(_) => "RFC822.TEXT",
            MessageAttribute::Rfc822Size(_) => "RFC822.SIZE",
            MessageAttribute::Body(_) => "BODY",
            MessageAttribute::BodyStructure(_) => "BODYSTRUCTURE",
            MessageAttribute::BodySection { .. } => "BODY[]",
            MessageAttribute::Binary { .. } => "BINARY[]",
            MessageAttribute::BinarySize { .. } => "BINARY.SIZE[]",
            MessageAttribute::Uid(_) => "UID",
            MessageAttribute::ModSeq(_) => "MODSEQ",
            MessageAttribute::Other { name, .. } => name,
        }
    }
}
