//! What SORT and THREAD read of a message's header, read once per message and kept
//! (the stored text never changes), as Dovecot keeps them in its cache file: without
//! it, every SORT (SUBJECT) or THREAD on 10,000 messages parsed 10,000 headers again,
//! five times over for THREAD (scripts/bench-mock.sh measures both).

use std::sync::{Arc, OnceLock};

use super::dates;
use super::mime;
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
}

/// The keys of a message with no text: an expunged message Dovecot can no longer read.
pub(crate) static NO_KEYS: HeaderKeys = HeaderKeys {
    sent: 0,
    subject: None,
    message_id: None,
    references: Vec::new(),
};

impl HeaderKeys {
    /// Reads the keys of `raw`: the header split and walked once.
    pub(crate) fn read(raw: &[u8]) -> HeaderKeys {
        let (header, _) = mime::split(raw);
        let fields = mime::fields(header);
        let first = |name: &str| {
            fields
                .iter()
                .find(|f| f.name.eq_ignore_ascii_case(name.as_bytes()))
                .map(|f| f.dovecot_value())
        };
        let ids = |name: &str| {
            let value = first(name).unwrap_or_default();
            let mut rest: &[u8] = &value;
            std::iter::from_fn(move || next_message_id(&mut rest)).collect::<Vec<_>>()
        };
        let mut references = ids("References");
        if references.is_empty() {
            references = ids("In-Reply-To").into_iter().take(1).collect();
        }
        HeaderKeys {
            sent: dates::sent_date(first("Date").as_deref()).0,
            subject: first("Subject").map(|v| base_subject(&v)),
            message_id: ids("Message-ID").into_iter().next(),
            references,
        }
    }

    /// The base subject, `""` without a Subject field.
    pub(crate) fn base_subject(&self) -> &str {
        self.subject.as_ref().map_or("", |(base, _)| base.as_str())
    }
}

/// The slot a message keeps its keys in: empty until SORT or THREAD first asks, then
/// shared by the message's copies (a COPY keeps the same text).
#[derive(Debug, Default, Clone)]
pub(crate) struct Cached(Arc<OnceLock<HeaderKeys>>);

impl Cached {
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
