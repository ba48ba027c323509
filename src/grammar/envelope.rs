//! ENVELOPE: the parsed header fields of a message (RFC 9051 §7.5.2).

use serde::Serialize;

use super::core::ImapString;

/// `address = "(" addr-name SP addr-adl SP addr-mailbox SP addr-host ")"`
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Address {
    pub name: Option<ImapString>,
    pub adl: Option<ImapString>,
    pub mailbox: Option<ImapString>,
    pub host: Option<ImapString>,
}

/// `envelope = "(" env-date SP env-subject SP env-from SP env-sender SP env-reply-to SP
///  env-to SP env-cc SP env-bcc SP env-in-reply-to SP env-message-id ")"`
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Envelope {
    pub date: Option<ImapString>,
    pub subject: Option<ImapString>,
    pub from: Vec<Address>,
    pub sender: Vec<Address>,
    pub reply_to: Vec<Address>,
    pub to: Vec<Address>,
    pub cc: Vec<Address>,
    pub bcc: Vec<Address>,
    pub in_reply_to: Option<ImapString>,
    pub message_id: Option<ImapString>,
}
