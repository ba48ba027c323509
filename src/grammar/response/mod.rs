//! Responses: `response = *(continue-req / response-data) response-done` (RFC 9051 §7, §9;
//! RFC 3501 §7, §9), with the extension responses the tutor knows (ENABLED, ID,
//! NAMESPACE, ESEARCH, VANISHED, LIST-EXTENDED data), and the tolerant front door
//! [`parse_response`].
//!
//! Each message a server sends is one of: a continuation request (`+`), untagged data
//! (`*`), or a tagged status that completes a command. The front door reads it in
//! stages (tag or `*` or `+`, then the response name, then its data) so that a broken
//! message still says what it was, and every tolerated deviation is named as a
//! `quirk-...` note instead of being silently accepted.
//!
//! - this file: the values ([`Response`], [`Data`], [`Status`], ...);
//! - [`data`]: the parsers of untagged data (LIST, NAMESPACE, ID, STATUS, SEARCH,
//!   ESEARCH, VANISHED, FLAGS) and the generic value reader for unknown items;
//! - [`findings`]: what parsers tolerated or noticed on the way;
//! - [`front_door`]: [`parse_response`], which reads a server message in stages and says
//!   what was wrong with it.

mod data;
mod findings;
mod front_door;

pub(crate) use data::*;
pub(crate) use findings::Findings;
pub use front_door::parse_response;

use std::cell::RefCell;

use nom::branch::alt;
use nom::bytes::complete::{tag, tag_no_case, take_while1};
use nom::combinator::{map, opt, value};
use nom::multi::{many0, many1, separated_list0};
use nom::sequence::{delimited, preceded};
use nom::Parser;
use serde::Serialize;

use super::code::{capabilities, generic_code, resp_text_code};
use super::core::{
    as_str, astring, flag, flag_list, is_atom_char, nil, nstring, number, number64, nz_number,
    paren_list, quoted, sp, string, text, Flag,
};
use super::error::{column_of, expect, fail, rule, Diagnostic, GrammarError, PResult, Severity};
use super::extensions::id::IdParams;
use super::extensions::objectid::paren_objectid;
use super::mailbox::{mailbox, Mailbox};
use super::msg_att::{msg_att_into, MessageAttribute};
use super::sequence::{sequence_set, SequenceSet};
use super::suggest::nearest;
use super::vocabulary;

pub use super::code::Code;

/// `resp-cond-state`, `resp-cond-bye`, `resp-cond-auth`: the status words.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Status {
    Ok,
    No,
    Bad,
    PreAuth,
    Bye,
}

impl Status {
    /// The status called `name` (upper case): OK, NO, BAD, PREAUTH or BYE.
    pub(crate) fn from_name(name: &str) -> Option<Status> {
        [
            Status::Ok,
            Status::No,
            Status::Bad,
            Status::PreAuth,
            Status::Bye,
        ]
        .into_iter()
        .find(|s| s.name() == name)
    }

    pub(crate) fn name(self) -> &'static str {
        match self {
            Status::Ok => "OK",
            Status::No => "NO",
            Status::Bad => "BAD",
            Status::PreAuth => "PREAUTH",
            Status::Bye => "BYE",
        }
    }
}

/// A mailbox in a LIST or LSUB response.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ListItem {
    pub attributes: Vec<String>,
    /// The hierarchy delimiter, or `None` for a flat namespace (NIL).
    pub delimiter: Option<char>,
    pub mailbox: Mailbox,
    /// LIST-EXTENDED data after the name (`("CHILDINFO" ("SUBSCRIBED"))`), kept as text.
    pub extended: Option<String>,
}

/// One namespace of a NAMESPACE response: prefix and delimiter (RFC 2342).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NamespaceDescr {
    pub prefix: String,
    pub delimiter: Option<char>,
}

/// Untagged data (RFC 9051 §7.2–§7.5).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub enum Data {
    /// `* OK/NO/BAD/PREAUTH/BYE [code] text`
    Status {
        status: Status,
        code: Option<Code>,
        text: String,
    },
    Capability(Vec<String>),
    Enabled(Vec<String>),
    /// `* ID (...)` or `* ID NIL` (RFC 2971)
    Id(IdParams),
    /// `* NAMESPACE personal other shared` (RFC 2342), each NIL or a list.
    Namespace {
        personal: Option<Vec<NamespaceDescr>>,
        other: Option<Vec<NamespaceDescr>>,
        shared: Option<Vec<NamespaceDescr>>,
    },
    List(ListItem),
    Lsub(ListItem),
    /// `* STATUS mailbox (MESSAGES 4 UIDNEXT 5 ...)`
    MailboxStatus {
        mailbox: Mailbox,
        items: Vec<(String, u64)>,
        /// `MAILBOXID (objectid)` (RFC 8474 §4.3): not a counter, so kept apart.
        mailbox_id: Option<String>,
    },
    /// `* SEARCH 2 3 [(MODSEQ n)]`
    Search {
        numbers: Vec<u32>,
        modseq: Option<u64>,
    },
    /// `* SORT 4 2 7 [(MODSEQ n)]` (RFC 5256 §4)
    Sort {
        numbers: Vec<u32>,
        modseq: Option<u64>,
    },
    /// `* THREAD (2 3)(1 (5)(6))` (RFC 5256 §4)
    Thread(Vec<crate::grammar::extensions::thread::ThreadNode>),
    /// `* ESEARCH [(TAG "a1")] [UID] MIN 2 COUNT 3 ...` (RFC 4731)
    ESearch {
        tag: Option<String>,
        uid: bool,
        items: Vec<(String, String)>,
    },
    Flags(Vec<Flag>),
    Exists(u32),
    Recent(u32),
    Expunge(u32),
    /// `* VANISHED [(EARLIER)] uid-set` (RFC 7162 QRESYNC)
    Vanished {
        earlier: bool,
        uids: SequenceSet,
    },
    Fetch {
        seq: u32,
        attributes: Vec<MessageAttribute>,
    },
    /// `* 25996 UIDFETCH (FLAGS (\Seen))` (RFC 9586 UIDONLY): FETCH data whose number
    /// is the message's UID, sent instead of FETCH once the client enabled UIDONLY.
    UidFetch {
        uid: u32,
        attributes: Vec<MessageAttribute>,
    },
    /// `* QUOTA root (STORAGE 10 512)` (RFC 9208 §4.2.1)
    Quota {
        root: String,
        resources: Vec<crate::grammar::extensions::quota::QuotaResource>,
    },
    /// `* QUOTAROOT INBOX ""` (RFC 9208 §4.2.2)
    QuotaRoot {
        mailbox: Mailbox,
        roots: Vec<String>,
    },
    /// `* ACL INBOX Fred rwipslxetad` (RFC 4314 §3.6): identifiers and their rights.
    Acl {
        mailbox: Mailbox,
        entries: Vec<(String, String)>,
    },
    /// `* LISTRIGHTS INBOX smith la r swicdkxte` (RFC 4314 §3.7): the rights always
    /// granted first, then each group that may be granted.
    ListRights {
        mailbox: Mailbox,
        identifier: String,
        rights: Vec<String>,
    },
    /// `* MYRIGHTS INBOX rwiptsldaex` (RFC 4314 §3.8)
    MyRights {
        mailbox: Mailbox,
        rights: String,
    },
    /// `* METADATA "" (/shared/comment "text")` (RFC 5464 §4.4)
    Metadata {
        mailbox: Mailbox,
        entries: crate::grammar::extensions::metadata::MetadataEntries,
    },
}

impl Data {
    /// The response's name as the knowledge base lists it (`EXISTS`, `FETCH`, `OK`).
    pub(crate) fn name(&self) -> &'static str {
        match self {
            Data::Status { status, .. } => status.name(),
            Data::Capability(_) => "CAPABILITY",
            Data::Enabled(_) => "ENABLED",
            Data::Id(_) => "ID",
            Data::Namespace { .. } => "NAMESPACE",
            Data::List(_) => "LIST",
            Data::Lsub(_) => "LSUB",
            Data::MailboxStatus { .. } => "STATUS",
            Data::Search { .. } => "SEARCH",
            Data::ESearch { .. } => "ESEARCH",
            Data::Sort { .. } => "SORT",
            Data::Thread(_) => "THREAD",
            Data::Flags(_) => "FLAGS",
            Data::Exists(_) => "EXISTS",
            Data::Recent(_) => "RECENT",
            Data::Expunge(_) => "EXPUNGE",
            Data::Vanished { .. } => "VANISHED",
            Data::Fetch { .. } => "FETCH",
            Data::UidFetch { .. } => "UIDFETCH",
            Data::Quota { .. } => "QUOTA",
            Data::QuotaRoot { .. } => "QUOTAROOT",
            Data::Acl { .. } => "ACL",
            Data::ListRights { .. } => "LISTRIGHTS",
            Data::MyRights { .. } => "MYRIGHTS",
            Data::Metadata { .. } => "METADATA",
        }
    }
}

/// A message a server sent.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub enum Response {
    /// `continue-req = "+" SP (resp-text / base64) CRLF`
    Continuation {
        code: Option<Code>,
        text: String,
    },
    Data(Data),
    /// `response-tagged = tag SP resp-cond-state CRLF`
    Tagged {
        tag: String,
        status: Status,
        code: Option<Code>,
        text: String,
    },
}

/// What the front door understood of a server message, and what was wrong with it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ParsedResponse {
    /// The tag of a tagged response, if one could be read.
    pub tag: Option<String>,
    /// The response kind as the knowledge base lists it ("EXISTS", "FETCH", "OK", ...).
    pub kind: Option<&'static str>,
    pub response: Option<Response>,
    pub diagnostics: Vec<Diagnostic>,
}
