//! Server data the client subscribed to with NOTIFY (RFC 5465): the FETCH, EXISTS,
//! EXPUNGE, VANISHED, STATUS and LIST lines that report the events of its last NOTIFY
//! SET, said as such rather than as news no command asked for.
//!
//! Wording only, from the context (`Context::notify` holds the event groups): which
//! group a line answers is decided here, what was subscribed is the context's.

use crate::grammar::extensions::notify::{EventGroup, NotifyEvent, NotifyFilter};
use crate::grammar::mailbox::Mailbox;
use crate::grammar::msg_att::MessageAttribute;
use crate::grammar::response::Data;
use crate::grammar::CommandBody;
use crate::say;

use super::super::context::{Context, Pending};
use super::super::Annotation;

/// Adds what NOTIFY makes of `data` to `a`, if it reports an event the client
/// subscribed to; true if it did, so the caller does not call it unasked-for news.
pub(super) fn notify_detail(ctx: &Context, a: &mut Annotation, data: &Data) -> bool {
    if status_now(ctx, data) {
        say_cited(a, "response.notify.status-now");
        return true;
    }
    let Some(groups) = ctx.notify.as_deref() else {
        return false;
    };
    if answered_by_a_command(ctx, data) {
        return false;
    }
    let key = match data {
        Data::Fetch {
            seq: number,
            attributes,
        }
        | Data::UidFetch {
            uid: number,
            attributes,
        } => fetch_event(ctx, groups, *number, matches!(data, Data::UidFetch { .. }))
            .map(|key| (key, attributes)),
        _ => None,
    };
    if let Some((key, attributes)) = key {
        say_cited(a, key);
        let has_uid = attributes
            .iter()
            .any(|x| matches!(x, MessageAttribute::Uid(_)));
        // A UIDFETCH's number is the UID (RFC 9586).
        let by_number = matches!(data, Data::Fetch { .. });
        if key == "response.notify.flag-change" && !has_uid && by_number {
            say_cited(a, "response.notify.flag-change.no-uid");
        }
        return true;
    }
    let key = match data {
        Data::Exists(_) => selected_has(ctx, groups, |e| matches!(e, NotifyEvent::MessageNew(_)))
            .then_some("response.notify.exists"),
        Data::Expunge(_) | Data::Vanished { .. } => {
            match selected_group(ctx, groups).filter(|g| has(g, is_expunge)) {
                Some(g) if g.filter == NotifyFilter::SelectedDelayed => {
                    Some("response.notify.expunge.delayed")
                }
                Some(_) => Some("response.notify.expunge"),
                None => None,
            }
        }
        Data::MailboxStatus { mailbox, .. } => {
            watched(ctx, groups, mailbox, true).then_some("response.notify.status")
        }
        Data::List(item) => {
            watched(ctx, groups, &item.mailbox, false).then_some("response.notify.list")
        }
        _ => None,
    };
    match key {
        Some(key) => {
            say_cited(a, key);
            true
        }
        None => false,
    }
}

/// A STATUS sent before the OK of a NOTIFY SET STATUS (RFC 5465 §3.1).
fn status_now(ctx: &Context, data: &Data) -> bool {
    matches!(data, Data::MailboxStatus { .. })
        && ctx.pending.values().any(|p| {
            matches!(
                p.command.as_ref().map(|c| &c.body),
                Some(CommandBody::Notify { set: Some(set) }) if set.status
            )
        })
}

/// True when a command in progress asked for this line itself: a FETCH or STORE for
/// FETCH data, a SELECT for EXISTS, an EXPUNGE or MOVE for expunges, STATUS or LIST.
fn answered_by_a_command(ctx: &Context, data: &Data) -> bool {
    let names: &[&str] = match data {
        Data::Fetch { .. } | Data::UidFetch { .. } => &["FETCH", "STORE", "SELECT", "EXAMINE"],
        Data::Exists(_) => &["SELECT", "EXAMINE"],
        Data::Expunge(_) | Data::Vanished { .. } => &["EXPUNGE", "MOVE", "SELECT", "EXAMINE"],
        Data::MailboxStatus { .. } => &["STATUS"],
        Data::List(_) => &["LIST"],
        _ => &[],
    };
    ctx.pending
        .values()
        .any(|p: &Pending| names.iter().any(|n| p.is(n)))
        || ctx.selecting.is_some()
}

/// The template for FETCH data of message `number` in the selected mailbox: the FETCH
/// of a new message (RFC 5465 §5.2: it follows the EXISTS that announced it), or a flag
/// change (§5.1). A UIDFETCH's number is a UID, so only a flag change is told from it.
fn fetch_event(
    ctx: &Context,
    groups: &[EventGroup],
    number: u32,
    by_uid: bool,
) -> Option<&'static str> {
    let new_from = ctx.selected.as_ref().and_then(|s| s.new_from);
    let is_new = !by_uid && new_from.is_some_and(|first| number >= first);
    if is_new && selected_has(ctx, groups, |e| matches!(e, NotifyEvent::MessageNew(_))) {
        return Some("response.notify.message-new");
    }
    selected_has(ctx, groups, |e| *e == NotifyEvent::FlagChange)
        .then_some("response.notify.flag-change")
}

/// The SELECTED or SELECTED-DELAYED group (at most one, RFC 5465 §6.1), when a mailbox
/// is selected: the filters follow whichever mailbox that is.
fn selected_group<'g>(ctx: &Context, groups: &'g [EventGroup]) -> Option<&'g EventGroup> {
    ctx.selected.as_ref()?;
    groups.iter().find(|g| g.filter.is_selected())
}

fn selected_has(ctx: &Context, groups: &[EventGroup], event: fn(&NotifyEvent) -> bool) -> bool {
    selected_group(ctx, groups).is_some_and(|g| has(g, event))
}

fn has(group: &EventGroup, event: fn(&NotifyEvent) -> bool) -> bool {
    group.events.as_deref().is_some_and(|e| e.iter().any(event))
}

fn is_expunge(event: &NotifyEvent) -> bool {
    *event == NotifyEvent::MessageExpunge
}

/// Events that another mailbox reports with STATUS (RFC 5465 §5.1–§5.3).
fn is_message_event(event: &NotifyEvent) -> bool {
    matches!(
        event,
        NotifyEvent::MessageNew(_)
            | NotifyEvent::MessageExpunge
            | NotifyEvent::FlagChange
            | NotifyEvent::AnnotationChange
    )
}

/// Events reported with LIST (RFC 5465 §5.4, §5.5).
fn is_mailbox_event(event: &NotifyEvent) -> bool {
    matches!(
        event,
        NotifyEvent::MailboxName | NotifyEvent::SubscriptionChange
    )
}

/// True if a group other than the selected mailbox's names `mailbox` with a message
/// event (`message`, told by STATUS) or a mailbox event (told by LIST) (RFC 5465 §6).
/// The selected mailbox's message events are its SELECTED group's alone (§3.1).
/// PERSONAL, INBOXES and SUBSCRIBED sets are the server's to know, so they are taken
/// to include it.
fn watched(ctx: &Context, groups: &[EventGroup], mailbox: &Mailbox, message: bool) -> bool {
    let name = mailbox.canonical();
    if message && ctx.selected.as_ref().is_some_and(|s| s.name == name) {
        return false;
    }
    let event = if message {
        is_message_event
    } else {
        is_mailbox_event
    };
    let delimiter = ctx.delimiter.unwrap_or('/');
    groups
        .iter()
        .filter(|g| has(g, event))
        .any(|g| match &g.filter {
            NotifyFilter::Selected | NotifyFilter::SelectedDelayed => false,
            NotifyFilter::Personal | NotifyFilter::Inboxes | NotifyFilter::Subscribed => true,
            NotifyFilter::Mailboxes(list) => list.iter().any(|m| m.canonical() == name),
            NotifyFilter::Subtree(list) => list.iter().any(|m| {
                let root = m.canonical();
                name == root || name.starts_with(&format!("{root}{delimiter}"))
            }),
        })
}

/// Says the template `key` as a detail, the sections it cites first (they are more
/// specific than the response's own).
pub(super) fn say_cited(a: &mut Annotation, key: &str) {
    a.details.push(say!(key));
    if let Some(phrase) = crate::knowledge::phrases::phrase(key) {
        for (at, rfc) in phrase.rfc.iter().enumerate() {
            a.rfc.retain(|r| r != rfc);
            a.rfc.insert(at, rfc.clone());
        }
    }
}
