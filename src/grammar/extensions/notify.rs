//! NOTIFY (RFC 5465): which events the server reports, for which mailboxes, without
//! the client asking (RFC 5465 §3.1, ABNF in §8).
//!
//! ```text
//! notify       = "NOTIFY" SP (notify-set / notify-none)
//! notify-set   = "SET" [SP "STATUS"] SP event-groups
//! event-group  = "(" filter-mailboxes SP events ")"
//! events       = ( "(" event *(SP event) ")" ) / "NONE"
//! C: a NOTIFY SET (SELECTED (MessageNew (UID FLAGS) MessageExpunge)) (PERSONAL (MailboxName))
//! ```
//!
//! Which combinations a server accepts (MessageNew only with MessageExpunge for the
//! selected mailbox, the events it supports) is the server's to check: the mock does,
//! with Dovecot's words.

use nom::Parser;
use serde::Serialize;

use crate::grammar::args::{arg, label, list, starts_with_word, word};
use crate::grammar::core::keyword;
use crate::grammar::error::{fail, PResult};
use crate::grammar::fetch::{fetch_att, FetchAttribute};
use crate::grammar::mailbox::{mailbox, Mailbox};

/// `filter-mailboxes` (RFC 5465 §6): which mailboxes an event group is about.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub enum NotifyFilter {
    /// §6.1.1: the selected mailbox, events at once.
    Selected,
    /// §6.1.2: the selected mailbox, expunges only when they are allowed.
    SelectedDelayed,
    /// §6.2: every mailbox of the user's personal namespace.
    Personal,
    /// §6.3: the mailboxes where new mail is delivered.
    Inboxes,
    /// §6.4: the subscribed mailboxes.
    Subscribed,
    /// §6.5: these mailboxes and every one below them.
    Subtree(Vec<Mailbox>),
    /// §6.6: these mailboxes only.
    Mailboxes(Vec<Mailbox>),
}

impl NotifyFilter {
    /// The filter's keyword as on the wire (the explainer's diagnostics name it).
    pub(crate) fn name(&self) -> &'static str {
        match self {
            NotifyFilter::Selected => "SELECTED",
            NotifyFilter::SelectedDelayed => "SELECTED-DELAYED",
            NotifyFilter::Personal => "PERSONAL",
            NotifyFilter::Inboxes => "INBOXES",
            NotifyFilter::Subscribed => "SUBSCRIBED",
            NotifyFilter::Subtree(_) => "SUBTREE",
            NotifyFilter::Mailboxes(_) => "MAILBOXES",
        }
    }

    /// True for the two filters about the selected mailbox.
    pub(crate) fn is_selected(&self) -> bool {
        matches!(self, NotifyFilter::Selected | NotifyFilter::SelectedDelayed)
    }
}

/// `event` (RFC 5465 §5, §8).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub enum NotifyEvent {
    /// §5.2, with the FETCH items to send for each new message.
    MessageNew(Vec<FetchAttribute>),
    MessageExpunge,
    FlagChange,
    AnnotationChange,
    MailboxName,
    SubscriptionChange,
    MailboxMetadataChange,
    ServerMetadataChange,
    /// `event-ext = atom`: a later extension's event.
    Other(String),
}

impl NotifyEvent {
    /// The event's name as RFC 5465 spells it.
    pub(crate) fn name(&self) -> &str {
        match self {
            NotifyEvent::MessageNew(_) => "MessageNew",
            NotifyEvent::MessageExpunge => "MessageExpunge",
            NotifyEvent::FlagChange => "FlagChange",
            NotifyEvent::AnnotationChange => "AnnotationChange",
            NotifyEvent::MailboxName => "MailboxName",
            NotifyEvent::SubscriptionChange => "SubscriptionChange",
            NotifyEvent::MailboxMetadataChange => "MailboxMetadataChange",
            NotifyEvent::ServerMetadataChange => "ServerMetadataChange",
            NotifyEvent::Other(name) => name,
        }
    }
}

/// `event-group = "(" filter-mailboxes SP events ")"`; `events` None is `NONE`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct EventGroup {
    pub filter: NotifyFilter,
    pub events: Option<Vec<NotifyEvent>>,
}

/// The arguments of NOTIFY: `None` is `NOTIFY NONE`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NotifySet {
    /// `SET STATUS`: send a STATUS for each mailbox the groups name, now.
    pub status: bool,
    pub groups: Vec<EventGroup>,
}

/// `notify = "NOTIFY" SP (notify-set / notify-none)` (RFC 5465 §8).
pub(crate) fn notify(input: &[u8]) -> PResult<'_, crate::grammar::command::CommandBody> {
    use crate::grammar::command::CommandBody;
    let (rest, _) = keyword("NOTIFY").parse(input)?;
    let Some(after) = rest.strip_prefix(b" ") else {
        return fail(rest, label::NOTIFY_ACTION);
    };
    if starts_with_word(after, "NONE") {
        return Ok((&after[4..], CommandBody::Notify { set: None }));
    }
    if !starts_with_word(after, "SET") {
        return fail(after, label::NOTIFY_ACTION);
    }
    let mut rest = &after[3..];
    let status = rest.len() > 1 && starts_with_word(&rest[1..], "STATUS");
    if status {
        rest = &rest[1 + "STATUS".len()..];
    }
    let (mut rest, first) = arg(label::EVENT_GROUP, event_group)(rest)?;
    let mut groups = vec![first];
    while rest.starts_with(b" (") {
        let (r, g) = event_group(&rest[1..])?;
        groups.push(g);
        rest = r;
    }
    Ok((
        rest,
        CommandBody::Notify {
            set: Some(NotifySet { status, groups }),
        },
    ))
}

/// `event-group = "(" filter-mailboxes SP events ")"`
fn event_group(input: &[u8]) -> PResult<'_, EventGroup> {
    let Some(rest) = input.strip_prefix(b"(") else {
        return fail(input, label::EVENT_GROUP);
    };
    let (rest, filter) = filter_mailboxes(rest)?;
    let (rest, events) = if rest.len() > 1 && starts_with_word(&rest[1..], "NONE") {
        (&rest[5..], None)
    } else {
        let (rest, events) = arg(label::NOTIFY_EVENTS, list(1, label::NOTIFY_EVENT, event))(rest)?;
        (rest, Some(events))
    };
    let Some(rest) = rest.strip_prefix(b")") else {
        return fail(rest, ") to close the event group");
    };
    Ok((rest, EventGroup { filter, events }))
}

/// `filter-mailboxes = "selected" / "selected-delayed" / "inboxes" / "personal" /
///  "subscribed" / ( "subtree" SP one-or-more-mailbox ) / ( "mailboxes" SP
///  one-or-more-mailbox )`
fn filter_mailboxes(input: &[u8]) -> PResult<'_, NotifyFilter> {
    let (rest, name) = word_or(input, label::NOTIFY_FILTER)?;
    let filter = match name.to_ascii_uppercase().as_slice() {
        b"SELECTED" => NotifyFilter::Selected,
        b"SELECTED-DELAYED" => NotifyFilter::SelectedDelayed,
        b"PERSONAL" => NotifyFilter::Personal,
        b"INBOXES" => NotifyFilter::Inboxes,
        b"SUBSCRIBED" => NotifyFilter::Subscribed,
        b"SUBTREE" => {
            let (rest, m) = arg(label::MAILBOX, one_or_more_mailbox)(rest)?;
            return Ok((rest, NotifyFilter::Subtree(m)));
        }
        b"MAILBOXES" => {
            let (rest, m) = arg(label::MAILBOX, one_or_more_mailbox)(rest)?;
            return Ok((rest, NotifyFilter::Mailboxes(m)));
        }
        _ => return fail(input, label::NOTIFY_FILTER),
    };
    Ok((rest, filter))
}

/// An atom, or a failure that says what was `expected` there.
fn word_or<'a>(input: &'a [u8], expected: &'static str) -> PResult<'a, &'a [u8]> {
    word(input).or_else(|_| fail(input, expected))
}

/// `one-or-more-mailbox = mailbox / "(" mailbox *(SP mailbox) ")"`
fn one_or_more_mailbox(input: &[u8]) -> PResult<'_, Vec<Mailbox>> {
    if input.starts_with(b"(") {
        return list(1, label::MAILBOX, mailbox)(input);
    }
    let (rest, m) = mailbox(input)?;
    Ok((rest, vec![m]))
}

/// `event = message-event / mailbox-event / user-event / event-ext`, with
/// `"MessageNew" [SP "(" fetch-att *(SP fetch-att) ")"]`.
fn event(input: &[u8]) -> PResult<'_, NotifyEvent> {
    let (rest, name) = word_or(input, label::NOTIFY_EVENT)?;
    let upper = String::from_utf8_lossy(name).to_ascii_uppercase();
    let event = match upper.as_str() {
        "MESSAGENEW" if rest.starts_with(b" (") => {
            let (rest, items) = list(1, label::FETCH_ATT, fetch_att)(&rest[1..])?;
            return Ok((rest, NotifyEvent::MessageNew(items)));
        }
        "MESSAGENEW" => NotifyEvent::MessageNew(Vec::new()),
        "MESSAGEEXPUNGE" => NotifyEvent::MessageExpunge,
        "FLAGCHANGE" => NotifyEvent::FlagChange,
        "ANNOTATIONCHANGE" => NotifyEvent::AnnotationChange,
        "MAILBOXNAME" => NotifyEvent::MailboxName,
        "SUBSCRIPTIONCHANGE" => NotifyEvent::SubscriptionChange,
        "MAILBOXMETADATACHANGE" => NotifyEvent::MailboxMetadataChange,
        "SERVERMETADATACHANGE" => NotifyEvent::ServerMetadataChange,
        // `NONE` is `events` itself, never one event in the list.
        "NONE" => return fail(input, label::NOTIFY_EVENT),
        _ => NotifyEvent::Other(String::from_utf8_lossy(name).into_owned()),
    };
    Ok((rest, event))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::grammar::command::CommandBody;

    fn set(line: &str) -> NotifySet {
        match notify(line.as_bytes()) {
            Ok((b"", CommandBody::Notify { set: Some(s) })) => s,
            other => panic!("{line}: {other:?}"),
        }
    }

    #[test]
    fn notify_reads_rfc_5465s_forms() {
        let s = set("NOTIFY SET STATUS (SELECTED (MessageNew (UID FLAGS) MessageExpunge FlagChange)) (subtree (INBOX Lists) (MailboxName)) (MAILBOXES Sent NONE)");
        assert!(s.status);
        assert_eq!(s.groups.len(), 3);
        assert!(s.groups[0].filter.is_selected());
        let events = s.groups[0].events.as_ref().unwrap();
        assert!(matches!(&events[0], NotifyEvent::MessageNew(items) if items.len() == 2));
        assert!(matches!(&s.groups[1].filter, NotifyFilter::Subtree(m) if m.len() == 2));
        assert_eq!(s.groups[2].events, None);
        assert!(matches!(
            notify(b"NOTIFY NONE"),
            Ok((b"", CommandBody::Notify { set: None }))
        ));
        assert!(notify(b"NOTIFY SET (PERSONAL (NONE))").is_err());
        assert!(notify(b"NOTIFY SET (FOO (MessageNew))").is_err());
        assert!(notify(b"NOTIFY SET").is_err());
        assert!(notify(b"NOTIFY").is_err());
    }
}
