//! What a NOTIFY command asks for (RFC 5465): each event group as "events in
//! mailboxes", every word a template of `knowledge/data/phrases.yaml`.

use crate::grammar::extensions::notify::{EventGroup, NotifyEvent, NotifyFilter, NotifySet};
use crate::grammar::mailbox::Mailbox;
use crate::grammar::{Diagnostic, Severity};
use crate::say;

/// `NOTIFY SET ...` or `NOTIFY NONE`.
pub(crate) fn phrase(set: Option<&NotifySet>) -> String {
    let Some(set) = set else {
        return say!("command.notify.none");
    };
    let groups: Vec<String> = set.groups.iter().map(group_phrase).collect();
    let key = if set.status {
        "command.notify.set.status"
    } else {
        "command.notify.set"
    };
    say!(key, groups = groups.join("; "))
}

/// The templates a NOTIFY line cites, most specific first: each filter's and each
/// event's section of RFC 5465.
pub(crate) fn templates(set: Option<&NotifySet>) -> Vec<&'static str> {
    let Some(set) = set else {
        return vec!["command.notify.none"];
    };
    let mut keys = Vec::new();
    for g in &set.groups {
        keys.push(filter_key(&g.filter));
        for e in g.events.iter().flatten() {
            let key = event_key(e);
            if !keys.contains(&key) {
                keys.push(key);
            }
        }
    }
    keys
}

/// An event group RFC 5465 §5 says the server MUST answer BAD: FlagChange or
/// AnnotationChange without both MessageNew and MessageExpunge, or one of those two
/// without the other. The grammar takes any combination (a server may know more
/// events), so this is the explainer's to say. An error for the selected mailbox,
/// where Dovecot answers BAD; a warning for others, where Dovecot does not check.
pub(crate) fn diagnostic(set: Option<&NotifySet>) -> Option<Diagnostic> {
    let set = set?;
    set.groups.iter().find_map(|g| {
        let events = g.events.as_ref()?;
        let has = |name: &str| events.iter().any(|e| e.name() == name);
        let (new, expunge) = (has("MessageNew"), has("MessageExpunge"));
        let flags = ["FlagChange", "AnnotationChange"]
            .into_iter()
            .find(|n| has(n));
        let event = match flags {
            Some(flags) if !(new && expunge) => flags,
            _ if new != expunge => {
                if new {
                    "MessageNew"
                } else {
                    "MessageExpunge"
                }
            }
            _ => return None,
        };
        let (severity, key) = if g.filter.is_selected() {
            (Severity::Error, "diag.notify.events")
        } else {
            (Severity::Warning, "diag.notify.events.unchecked")
        };
        Some(
            Diagnostic::new(
                severity,
                "notify-events",
                1,
                "command",
                say!(key, event = event, filter = g.filter.name()),
            )
            .suggest(say!("diag.notify.hint", filter = g.filter.name())),
        )
    })
}

fn group_phrase(g: &EventGroup) -> String {
    let filter = filter_phrase(&g.filter);
    match &g.events {
        None => say!("notify.group.none", filter = filter),
        Some(events) => {
            let events: Vec<String> = events.iter().map(event_phrase).collect();
            say!("notify.group", events = events.join(", "), filter = filter)
        }
    }
}

fn names(mailboxes: &[Mailbox]) -> String {
    let names: Vec<String> = mailboxes
        .iter()
        .map(|m| m.raw.text().into_owned())
        .collect();
    names.join(", ")
}

fn filter_key(f: &NotifyFilter) -> &'static str {
    match f {
        NotifyFilter::Selected => "notify.filter.selected",
        NotifyFilter::SelectedDelayed => "notify.filter.selected-delayed",
        NotifyFilter::Personal => "notify.filter.personal",
        NotifyFilter::Inboxes => "notify.filter.inboxes",
        NotifyFilter::Subscribed => "notify.filter.subscribed",
        NotifyFilter::Subtree(_) => "notify.filter.subtree",
        NotifyFilter::Mailboxes(_) => "notify.filter.mailboxes",
    }
}

fn filter_phrase(f: &NotifyFilter) -> String {
    match f {
        NotifyFilter::Subtree(m) | NotifyFilter::Mailboxes(m) => {
            say!(filter_key(f), mailboxes = names(m))
        }
        _ => say!(filter_key(f)),
    }
}

fn event_key(e: &NotifyEvent) -> &'static str {
    match e {
        NotifyEvent::MessageNew(items) if !items.is_empty() => "notify.event.message-new.items",
        NotifyEvent::MessageNew(_) => "notify.event.message-new",
        NotifyEvent::MessageExpunge => "notify.event.message-expunge",
        NotifyEvent::FlagChange => "notify.event.flag-change",
        NotifyEvent::AnnotationChange => "notify.event.annotation-change",
        NotifyEvent::MailboxName => "notify.event.mailbox-name",
        NotifyEvent::SubscriptionChange => "notify.event.subscription-change",
        NotifyEvent::MailboxMetadataChange => "notify.event.mailbox-metadata-change",
        NotifyEvent::ServerMetadataChange => "notify.event.server-metadata-change",
        NotifyEvent::Other(_) => "notify.event.other",
    }
}

fn event_phrase(e: &NotifyEvent) -> String {
    match e {
        NotifyEvent::MessageNew(items) if !items.is_empty() => {
            let items: Vec<&str> = items.iter().map(|i| i.name()).collect();
            say!(event_key(e), items = items.join(" "))
        }
        NotifyEvent::Other(name) => say!(event_key(e), name = name),
        _ => say!(event_key(e)),
    }
}
