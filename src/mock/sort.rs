//! The order SORT puts messages in (RFC 5256 §3, RFC 5957 §2), as Dovecot 2.3 sorts:
//! key by key, ties broken by the next key and finally by message number.
//!
//! - ARRIVAL: INTERNALDATE. DATE: the sent date ([`super::dates::sent_time`]), or
//!   INTERNALDATE when the message has none it can read. SIZE: RFC822.SIZE.
//! - SUBJECT: the base subject ([`super::subject`]) of the first Subject field.
//! - FROM, TO, CC: the local part of the first address of the first such field (a
//!   group's name if the field starts with a group), case-mapped; `""` without one.
//! - DISPLAYFROM, DISPLAYTO (RFC 5957 §2): the first address's display name, decoded;
//!   without one, `local@domain`.
//! - X-SCORE / RELEVANCY: every message scores the same without full-text search.
//!
//! Strings compare byte by byte after `i;unicode-casemap` ([`super::casemap`]).
//! REVERSE turns one key around, not the tie-breaking number.

use std::borrow::Cow;
use std::cmp::Ordering;

use crate::grammar::extensions::sort::{SortCriterion, SortKey};

use super::address;
use super::casemap::casemap;
use super::header_keys::Cached;
use super::mime;
use super::rfc2047;
use super::store::Message;

/// A message to sort: its message number and what the keys read of it.
pub(crate) struct Item<'a> {
    pub(crate) seq: u32,
    pub(crate) m: &'a Message,
}

/// One key's value for one message, computed once per sort (the base subject and the
/// sent date once per message: `Message::header_keys`).
#[derive(PartialEq, Eq, PartialOrd, Ord)]
enum Value<'a> {
    Number(i64),
    Text(Cow<'a, str>),
}

/// The items' indexes in the order `criteria` asks for.
pub(crate) fn order(items: &[Item<'_>], criteria: &[SortCriterion]) -> Vec<usize> {
    // Each key once, as Dovecot reads the program: a repeated key adds nothing.
    let mut keys: Vec<SortCriterion> = Vec::new();
    for c in criteria {
        if !keys.iter().any(|k| k.key == c.key) {
            keys.push(*c);
        }
    }
    // One flat table, the keys of item i at i * width: no vector per message.
    let width = keys.len();
    let values: Vec<Value> = items
        .iter()
        .flat_map(|item| keys.iter().map(|k| value(item.m, k.key)))
        .collect();
    let mut idx: Vec<usize> = (0..items.len()).collect();
    idx.sort_unstable_by(|&a, &b| {
        for (k, key) in keys.iter().enumerate() {
            let ord = values[a * width + k].cmp(&values[b * width + k]);
            if ord != Ordering::Equal {
                return if key.reverse { ord.reverse() } else { ord };
            }
        }
        items[a].seq.cmp(&items[b].seq)
    });
    idx
}

fn value(m: &Message, key: SortKey) -> Value<'_> {
    let text = |s: String| Value::Text(Cow::Owned(s));
    match key {
        SortKey::Arrival => Value::Number(m.internal_date),
        SortKey::Date => Value::Number(sent_or_arrival(m)),
        SortKey::Size => Value::Number(m.raw.len() as i64),
        SortKey::Relevancy => Value::Number(0),
        SortKey::Subject => Value::Text(Cow::Borrowed(m.header_keys().base_subject())),
        SortKey::From => text(first_mailbox(m, "From")),
        SortKey::To => text(first_mailbox(m, "To")),
        SortKey::Cc => text(first_mailbox(m, "Cc")),
        SortKey::DisplayFrom => text(display_name(m, "From")),
        SortKey::DisplayTo => text(display_name(m, "To")),
    }
}

/// The sent date, or INTERNALDATE when the Date field is missing or unreadable: the
/// date SORT (DATE) and THREAD order by (RFC 5256 §2.2).
pub(crate) fn sent_or_arrival(m: &Message) -> i64 {
    match m.header_keys().sent {
        0 => m.internal_date,
        sent => sent,
    }
}

/// A message as Dovecot sees one that another session expunged: its UID and flags,
/// but no text, no date and no size.
pub(crate) fn unreadable(m: &Message) -> Message {
    Message {
        internal_date: 0,
        raw: std::sync::Arc::from(&b""[..]),
        // Not the keys of the text it no longer has.
        header_keys: Cached::default(),
        ..m.clone()
    }
}

/// The value of the first field called `name`, as Dovecot hands it on.
fn first_field(m: &Message, name: &str) -> Option<Vec<u8>> {
    let (header, _) = mime::split(&m.raw);
    mime::field(header, name).map(|f| f.dovecot_value())
}

fn first_address(m: &Message, name: &str) -> Option<address::Address> {
    first_field(m, name).and_then(|v| address::parse(&v, true).into_iter().next())
}

fn first_mailbox(m: &Message, name: &str) -> String {
    let mailbox = first_address(m, name)
        .and_then(|a| a.mailbox)
        .unwrap_or_default();
    casemap(&mailbox)
}

fn display_name(m: &Message, name: &str) -> String {
    let Some(a) = first_address(m, name) else {
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

#[cfg(test)]
mod tests {
    use super::*;

    fn sorted(messages: &[Message], criteria: &[(bool, SortKey)]) -> Vec<u32> {
        let items: Vec<Item> = messages
            .iter()
            .enumerate()
            .map(|(i, m)| Item {
                seq: i as u32 + 1,
                m,
            })
            .collect();
        let criteria: Vec<SortCriterion> = criteria
            .iter()
            .map(|&(reverse, key)| SortCriterion { reverse, key })
            .collect();
        order(&items, &criteria)
            .into_iter()
            .map(|i| items[i].seq)
            .collect()
    }

    #[test]
    fn keys_ties_and_reverse() {
        let ms = [
            Message::for_test(
                "Subject: Re: beta\r\nFrom: Zed <z@x>\r\nDate: 2 Jul 2024 10:00 +0000\r\n\r\n",
                30,
            ),
            Message::for_test("Subject: alpha\r\nFrom: b@x\r\n\r\n", 20),
            Message::for_test(
                "Subject: [list] Beta\r\nFrom: \"A\" <a@x>\r\nDate: 1 Jul 2024 10:00 +0000\r\n\r\n",
                10,
            ),
        ];
        assert_eq!(sorted(&ms, &[(false, SortKey::Subject)]), [2, 1, 3]);
        assert_eq!(sorted(&ms, &[(true, SortKey::Subject)]), [1, 3, 2]);
        assert_eq!(sorted(&ms, &[(false, SortKey::Arrival)]), [3, 2, 1]);
        // No Date: the INTERNALDATE (20 seconds after the epoch) sorts first.
        assert_eq!(sorted(&ms, &[(false, SortKey::Date)]), [2, 3, 1]);
        assert_eq!(sorted(&ms, &[(false, SortKey::From)]), [3, 2, 1]);
        // DISPLAYFROM: "A", "b@x", "Zed".
        assert_eq!(sorted(&ms, &[(false, SortKey::DisplayFrom)]), [3, 2, 1]);
        // A repeated key adds nothing; ties end at the message number.
        assert_eq!(
            sorted(&ms, &[(false, SortKey::Cc), (true, SortKey::Cc)]),
            [1, 2, 3]
        );
    }
}
