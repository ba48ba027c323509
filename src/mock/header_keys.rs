//! What SORT and THREAD read of a message's header, read once when the message is
//! stored (the stored text never changes), as Dovecot keeps them in its cache file:
//! without it, every SORT or THREAD on 10,000 messages parsed 10,000 headers again,
//! five times over for THREAD, and the first SORT (SUBJECT) of a fresh mock took
//! longer than Dovecot's (scripts/bench-mock.sh measures both).
//!
//! The header is walked once, field by field (`mime::field_iter`), stopping at the
//! empty line; only the fields a key needs are unfolded, so reading the keys of a
//! message costs one or two microseconds (perf: about 15 ms of the
//! 130 ms `serve` takes to load a 10,000-message fixture).

use std::sync::{Arc, OnceLock};

use super::address;
use super::casemap::casemap;
use super::dates;
use super::mime::{self, Field};
use super::rfc2047;
use super::rfc822::next_message_id;
use super::subject::base_subject;

/// The keys of one message.
#[derive(Debug, Default, PartialEq, Eq)]
pub(crate) struct HeaderKeys {
    /// The Date field's time, or 0 when there is none Dovecot can read (RFC 5256 §2.2:
    /// the sorter then takes INTERNALDATE).
    pub(crate) sent: i64,
    /// The first Subject field's base subject (RFC 5256 §2.1) and whether it was a
    /// reply or forward; `None` without a Subject field.
    pub(crate) subject: Option<(String, bool)>,
    /// The first valid Message-ID.
    pub(crate) message_id: Option<String>,
    /// References' IDs, or In-Reply-To's first when References has none: the parent
    /// chain, oldest first (RFC 5256 §4).
    pub(crate) references: Vec<String>,
    /// SORT's FROM, TO and CC (RFC 5256 §3): the first address's local part,
    /// case-mapped; empty without one.
    pub(crate) from: String,
    pub(crate) to: String,
    pub(crate) cc: String,
    /// SORT's DISPLAYFROM and DISPLAYTO (RFC 5957 §2): the first address's display
    /// name, or `local@domain`, case-mapped.
    pub(crate) display_from: String,
    pub(crate) display_to: String,
}

/// The keys of a message with no text: an expunged message Dovecot can no longer read.
pub(crate) static NO_KEYS: HeaderKeys = HeaderKeys {
    sent: 0,
    subject: None,
    message_id: None,
    references: Vec::new(),
    from: String::new(),
    to: String::new(),
    cc: String::new(),
    display_from: String::new(),
    display_to: String::new(),
};

/// The first of each field a key reads.
#[derive(Default)]
struct Wanted<'a> {
    date: Option<Field<'a>>,
    subject: Option<Field<'a>>,
    message_id: Option<Field<'a>>,
    references: Option<Field<'a>>,
    in_reply_to: Option<Field<'a>>,
    from: Option<Field<'a>>,
    to: Option<Field<'a>>,
    cc: Option<Field<'a>>,
}

impl<'a> Wanted<'a> {
    fn of(raw: &'a [u8]) -> Wanted<'a> {
        let mut w = Wanted::default();
        for f in mime::field_iter(raw) {
            let slot = match f.name.to_ascii_lowercase().as_slice() {
                b"date" => &mut w.date,
                b"subject" => &mut w.subject,
                b"message-id" => &mut w.message_id,
                b"references" => &mut w.references,
                b"in-reply-to" => &mut w.in_reply_to,
                b"from" => &mut w.from,
                b"to" => &mut w.to,
                b"cc" => &mut w.cc,
                _ => continue,
            };
            slot.get_or_insert(f);
        }
        w
    }
}

impl HeaderKeys {
    /// Reads the keys of `raw`: the header walked once.
    pub(crate) fn read(raw: &[u8]) -> HeaderKeys {
        let w = Wanted::of(raw);
        let value = |f: Option<Field>| f.map(|f| f.dovecot_value());
        let ids = |f: Option<Field>| {
            let value = value(f).unwrap_or_default();
            let mut rest: &[u8] = &value;
            std::iter::from_fn(move || next_message_id(&mut rest)).collect::<Vec<_>>()
        };
        let mut references = ids(w.references);
        if references.is_empty() {
            references = ids(w.in_reply_to).into_iter().take(1).collect();
        }
        let from = first_address(value(w.from));
        let to = first_address(value(w.to));
        HeaderKeys {
            sent: dates::sent_date(value(w.date).as_deref()).0,
            subject: value(w.subject).map(|v| base_subject(&v)),
            message_id: ids(w.message_id).into_iter().next(),
            references,
            from: mailbox_key(from.as_ref()),
            to: mailbox_key(to.as_ref()),
            cc: mailbox_key(first_address(value(w.cc)).as_ref()),
            display_from: display_key(from),
            display_to: display_key(to),
        }
    }

    /// The base subject, `""` without a Subject field.
    pub(crate) fn base_subject(&self) -> &str {
        self.subject.as_ref().map_or("", |(base, _)| base.as_str())
    }
}

/// The first address of an address-list field, as SORT reads it (a group's name if
/// the field starts with a group).
fn first_address(value: Option<Vec<u8>>) -> Option<address::Address> {
    value.and_then(|v| address::parse(&v, true).into_iter().next())
}

/// FROM, TO, CC: the local part, case-mapped.
fn mailbox_key(a: Option<&address::Address>) -> String {
    let mailbox = a.and_then(|a| a.mailbox.as_deref()).unwrap_or_default();
    casemap(mailbox)
}

/// DISPLAYFROM, DISPLAYTO: the display name decoded, or `local@domain`; case-mapped.
fn display_key(a: Option<address::Address>) -> String {
    let Some(a) = a else {
        return String::new();
    };
    if let Some(name) = a.name.as_deref().map(rfc2047::decode) {
        if !name.is_empty() {
            return casemap(name.as_bytes());
        }
    }
    let mut text = a.mailbox.unwrap_or_default();
    if let Some(domain) = a.domain {
        text.push(b'@');
        text.extend_from_slice(&domain);
    }
    casemap(&text)
}

/// The slot a message keeps its keys in, shared by the message's copies (a COPY keeps
/// the same text). Filled when the message is stored ([`Cached::read`]); one made
/// empty ([`Cached::default`]) reads its keys the first time SORT or THREAD asks.
#[derive(Debug, Default, Clone)]
pub(crate) struct Cached(Arc<OnceLock<HeaderKeys>>);

impl Cached {
    /// A slot filled with the keys of `raw`, read now.
    pub(crate) fn read(raw: &[u8]) -> Cached {
        Cached(Arc::new(OnceLock::from(HeaderKeys::read(raw))))
    }

    /// The keys of `raw`, the text of the message this slot belongs to.
    pub(crate) fn get(&self, raw: &[u8]) -> &HeaderKeys {
        self.0.get_or_init(|| HeaderKeys::read(raw))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_each_key_once_from_the_header() {
        let raw = b"Subject: Re: [lab] Hello\r\nDate: Mon, 1 Jan 2024 00:00:00 +0000\r\n\
            Message-ID: <a@x>\r\nIn-Reply-To: <p@x>\r\nReferences: <r@x> <p@x>\r\n\r\nbody\r\n";
        let keys = HeaderKeys::read(raw);
        assert_eq!(keys.sent, 1_704_067_200);
        assert_eq!(keys.subject, Some(("HELLO".to_owned(), true)));
        assert_eq!(keys.message_id.as_deref(), Some("a@x"));
        assert_eq!(keys.references, ["r@x", "p@x"]);
    }

    #[test]
    fn address_keys_take_the_first_address_of_the_first_field() {
        let raw = b"From: =?UTF-8?Q?=C3=89mile?= <Emile@X.org>, b@y\r\n\
            To: undisclosed:;\r\nCc: <Zed@Z>\r\nFrom: second@x\r\n\r\nFrom: body@x\r\n";
        let keys = HeaderKeys::read(raw);
        assert_eq!(keys.from, "EMILE");
        // i;unicode-casemap decomposes: É becomes E and a combining acute accent.
        assert_eq!(keys.display_from, "E\u{301}MILE");
        // A group: its name stands as the local part, and as the display text.
        assert_eq!(keys.to, "UNDISCLOSED");
        assert_eq!(keys.cc, "ZED");
        assert_eq!(keys.display_to, "UNDISCLOSED");
        let none = HeaderKeys::read(b"Subject: x\r\n\r\n");
        assert_eq!((none.from.as_str(), none.display_to.as_str()), ("", ""));
    }

    #[test]
    fn in_reply_to_stands_in_for_missing_references() {
        let keys = HeaderKeys::read(b"In-Reply-To: <p@x> <q@x>\r\n\r\n");
        assert_eq!(keys.references, ["p@x"]);
        assert_eq!(keys.subject, None);
        assert_eq!(keys.base_subject(), "");
    }

    #[test]
    fn an_empty_text_has_no_keys() {
        assert_eq!(HeaderKeys::read(b""), NO_KEYS);
        let slot = Cached::default();
        assert_eq!(slot.get(b"Subject: x\r\n\r\n").base_subject(), "X");
        // Kept: the text a slot belongs to never changes.
        assert_eq!(slot.get(b"").base_subject(), "X");
    }
}
