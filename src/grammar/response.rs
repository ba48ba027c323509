//! Responses: `response = *(continue-req / response-data) response-done` (RFC 9051 §7, §9),
//! and the tolerant front door [`parse_response`].
//!
//! Each message a server sends is one of: a continuation request (`+`), untagged data
//! (`*`), or a tagged status that completes a command.

use serde::Serialize;

use super::core::Flag;
use super::error::Diagnostic;
use super::mailbox::Mailbox;
use super::msg_att::MessageAttribute;
use super::sequence::SequenceSet;

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
    pub fn name(self) -> &'static str {
        match self {
            Status::Ok => "OK",
            Status::No => "NO",
            Status::Bad => "BAD",
            Status::PreAuth => "PREAUTH",
            Status::Bye => "BYE",
        }
    }
}

/// `resp-text-code` (RFC 9051 §7.1, RFC 5530, RFC 4315, RFC 7162).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub enum Code {
    Alert,
    BadCharset(Vec<String>),
    Capability(Vec<String>),
    Parse,
    PermanentFlags(Vec<Flag>),
    ReadOnly,
    ReadWrite,
    TryCreate,
    UidNext(u32),
    UidValidity(u32),
    Unseen(u32),
    /// `APPENDUID uidvalidity uid-set` (RFC 4315)
    AppendUid { validity: u32, uids: SequenceSet },
    /// `COPYUID uidvalidity source-uids destination-uids` (RFC 4315)
    CopyUid { validity: u32, source: SequenceSet, destination: SequenceSet },
    HighestModSeq(u64),
    /// Any other code: RFC 5530's argument-less codes (NONEXISTENT, ALREADYEXISTS, ...)
    /// and unknown ones, with the argument as text.
    Other { name: String, argument: Option<String> },
}

impl Code {
    /// The code's name as the knowledge base lists it.
    pub fn name(&self) -> &str {
        match self {
            Code::Alert => "ALERT",
            Code::BadCharset(_) => "BADCHARSET",
            Code::Capability(_) => "CAPABILITY",
            Code::Parse => "PARSE",
            Code::PermanentFlags(_) => "PERMANENTFLAGS",
            Code::ReadOnly => "READ-ONLY",
            Code::ReadWrite => "READ-WRITE",
            Code::TryCreate => "TRYCREATE",
            Code::UidNext(_) => "UIDNEXT",
            Code::UidValidity(_) => "UIDVALIDITY",
            Code::Unseen(_) => "UNSEEN",
            Code::AppendUid { .. } => "APPENDUID",
            Code::CopyUid { .. } => "COPYUID",
            Code::HighestModSeq(_) => "HIGHESTMODSEQ",
            Code::Other { name, .. } => name,
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
    Status { status: Status, code: Option<Code>, text: String },
    Capability(Vec<String>),
    Enabled(Vec<String>),
    /// `* ID (...)` or `* ID NIL` (RFC 2971)
    Id(Option<Vec<(String, Option<String>)>>),
    /// `* NAMESPACE personal other shared` (RFC 2342), each NIL or a list.
    Namespace { personal: Option<Vec<NamespaceDescr>>, other: Option<Vec<NamespaceDescr>>, shared: Option<Vec<NamespaceDescr>> },
    List(ListItem),
    Lsub(ListItem),
    /// `* STATUS mailbox (MESSAGES 4 UIDNEXT 5 ...)`
    MailboxStatus { mailbox: Mailbox, items: Vec<(String, u64)> },
    /// `* SEARCH 2 3 [(MODSEQ n)]`
    Search { numbers: Vec<u32>, modseq: Option<u64> },
    /// `* ESEARCH [(TAG "a1")] [UID] MIN 2 COUNT 3 ...` (RFC 4731)
    ESearch { tag: Option<String>, uid: bool, items: Vec<(String, String)> },
    Flags(Vec<Flag>),
    Exists(u32),
    Recent(u32),
    Expunge(u32),
    /// `* VANISHED [(EARLIER)] uid-set` (RFC 7162 QRESYNC)
    Vanished { earlier: bool, uids: SequenceSet },
    Fetch { seq: u32, attributes: Vec<MessageAttribute> },
}

/// A message a server sent.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub enum Response {
    /// `continue-req = "+" SP (resp-text / base64) CRLF`
    Continuation { code: Option<Code>, text: String },
    Data(Data),
    /// `response-tagged = tag SP resp-cond-state CRLF`
    Tagged { tag: String, status: Status, code: Option<Code>, text: String },
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

/// Parses one server message (a [`crate::wire::Message`]'s grammar text), tolerantly.
pub fn parse_response(text: &[u8]) -> ParsedResponse {
    let _ = text;
    ParsedResponse { tag: None, kind: None, response: None, diagnostics: Vec::new() }
}
