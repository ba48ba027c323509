//! The phrases of FETCH and STORE (RFC 3501 §6.4.5, §6.4.6): the items a FETCH asks
//! for, body sections, PEEK forms and the flag changes a STORE makes.

use crate::explain::context::Context;
use crate::grammar::command::{StoreAction, StoreMode};
use crate::grammar::fetch::{FetchAttribute, FetchItems};
use crate::grammar::section::{Section, SectionText};
use crate::grammar::sequence::SequenceSet;
use crate::grammar::{CommandBody, Diagnostic, Severity};
use crate::knowledge::count_key;
use crate::say;

use super::mailbox::{messages_phrase, single};

/// FETCH: which items, and whether it marks the messages \Seen (RFC 9051 §6.4.5:
/// not after EXAMINE, and the .PEEK form of the item that did would not).
pub(super) fn fetch_phrase(
    ctx: &Context,
    uid: bool,
    set: &SequenceSet,
    items: &FetchItems,
) -> String {
    let what = items_phrase(items);
    let target = messages_phrase(uid, set);
    let read_only = ctx.selected.as_ref().is_some_and(|s| s.read_only);
    let peek = items.expand().iter().find_map(peek_form);
    match peek {
        Some(peek) if !read_only => {
            say!(
                &count_key("command.fetch.sets-seen", if single(set) { 1 } else { 2 }),
                target = target,
                items = what,
                peek = peek
            )
        }
        _ => say!("command.fetch", target = target, items = what),
    }
}

/// The item that would not set \Seen in place of one that does.
fn peek_form(item: &FetchAttribute) -> Option<&'static str> {
    match item {
        FetchAttribute::BodySection { peek: false, .. } => Some("BODY.PEEK"),
        FetchAttribute::Binary { peek: false, .. } => Some("BINARY.PEEK"),
        FetchAttribute::Rfc822 => Some("BODY.PEEK[]"),
        FetchAttribute::Rfc822Text => Some("BODY.PEEK[TEXT]"),
        _ => None,
    }
}

fn items_phrase(items: &FetchItems) -> String {
    match items {
        FetchItems::All => say!("fetch.all"),
        FetchItems::Fast => say!("fetch.fast"),
        FetchItems::Full => say!("fetch.full"),
        FetchItems::Items(list) => list.iter().map(item_phrase).collect::<Vec<_>>().join(", "),
    }
}

fn item_phrase(item: &FetchAttribute) -> String {
    use FetchAttribute::*;
    match item {
        Envelope => say!("fetch.envelope"),
        Flags => say!("fetch.flags"),
        InternalDate => say!("fetch.internaldate"),
        Rfc822 => say!("fetch.rfc822"),
        Rfc822Header => say!("fetch.rfc822-header"),
        Rfc822Size => say!("fetch.rfc822-size"),
        Rfc822Text => say!("fetch.rfc822-text"),
        Uid => say!("fetch.uid"),
        Body => say!("fetch.body"),
        BodyStructure => say!("fetch.bodystructure"),
        BodySection {
            section, partial, ..
        } => with_partial(section_phrase(&section.part, &section.text), *partial),
        Binary {
            section, partial, ..
        } => with_partial(binary_phrase(section), *partial),
        BinarySize { section } if section.text == SectionText::Full => {
            say!("fetch.binary-size", part = join_part(&section.part))
        }
        BinarySize { section } => say!(
            "fetch.binary-size.section",
            what = section_phrase(&section.part, &section.text)
        ),
        ModSeq => say!("fetch.modseq"),
        SaveDate => say!("fetch.savedate"),
        EmailId => say!("fetch.emailid"),
        ThreadId => say!("fetch.threadid"),
        Preview { modifiers, .. }
            if modifiers
                .iter()
                .any(|m| m.to_ascii_uppercase().starts_with("LAZY")) =>
        {
            say!("fetch.preview.lazy")
        }
        Preview { .. } => say!("fetch.preview"),
        // Items the tutor only names (Gmail's X-GM-*): what the knowledge
        // base says of them, if it has an entry.
        Other(name) => match crate::knowledge::lookup(crate::knowledge::Kind::FetchItem, name) {
            Some(entry) => say!(
                "fetch.other.known",
                name = name,
                summary = entry.summary.trim_end_matches('.')
            ),
            None => say!("fetch.other", name = name),
        },
    }
}

/// What a section names: "the header fields FROM, SUBJECT of part 2", in a request
/// (`BODY[...]`) and in the answer alike.
pub(crate) fn section_phrase(part: &[u32], text: &SectionText) -> String {
    let of_part = if part.is_empty() {
        String::new()
    } else {
        say!("fetch.of-part", part = join_part(part))
    };
    match text {
        SectionText::Full if part.is_empty() => say!("fetch.section.whole"),
        SectionText::Full => say!("fetch.section.content", of_part = of_part),
        SectionText::Header => say!("fetch.section.header", of_part = of_part),
        SectionText::HeaderFields(f) => {
            say!(
                "fetch.section.fields",
                fields = f.join(", "),
                of_part = of_part
            )
        }
        SectionText::HeaderFieldsNot(f) => {
            say!(
                "fetch.section.fields-not",
                fields = f.join(", "),
                of_part = of_part
            )
        }
        SectionText::Text => say!("fetch.section.text", of_part = of_part),
        SectionText::Mime => say!("fetch.section.mime", of_part = of_part),
    }
}

/// A BINARY item: part numbers as RFC 3516 has them, or a section only Dovecot takes.
fn binary_phrase(section: &Section) -> String {
    match &section.text {
        SectionText::Full if section.part.is_empty() => say!("fetch.binary.whole"),
        SectionText::Full => say!("fetch.binary", part = join_part(&section.part)),
        text => say!(
            "fetch.binary.section",
            what = section_phrase(&section.part, text)
        ),
    }
}

/// A section's phrase with its partial, if any.
fn with_partial(what: String, partial: Option<(u32, u32)>) -> String {
    match partial {
        Some((offset, length)) => say!(
            "fetch.partial",
            what = what,
            length = length,
            offset = offset
        ),
        None => what,
    }
}

fn join_part(part: &[u32]) -> String {
    part.iter()
        .map(u32::to_string)
        .collect::<Vec<_>>()
        .join(".")
}

pub(super) fn store_phrase(uid: bool, set: &SequenceSet, action: &StoreAction) -> String {
    if let Some(labels) = &action.gmail_labels {
        let key = match action.mode {
            StoreMode::Add => "command.store.gmail-labels.add",
            StoreMode::Remove => "command.store.gmail-labels.remove",
            StoreMode::Replace => "command.store.gmail-labels.replace",
        };
        return say!(
            key,
            labels = labels.join(" "),
            target = messages_phrase(uid, set)
        );
    }
    let flags: Vec<&str> = action.flags.iter().map(|f| f.0.as_str()).collect();
    let key = match (action.mode, action.silent) {
        (StoreMode::Add, false) => "command.store.add",
        (StoreMode::Add, true) => "command.store.add.silent",
        (StoreMode::Remove, false) => "command.store.remove",
        (StoreMode::Remove, true) => "command.store.remove.silent",
        (StoreMode::Replace, false) => "command.store.replace",
        (StoreMode::Replace, true) => "command.store.replace.silent",
    };
    say!(
        key,
        flags = flags.join(" "),
        target = messages_phrase(uid, set)
    )
}

/// What a STORE's flag list asks that the grammar does not allow: `flag` leaves out
/// \Recent (RFC 3501 §2.3.2: a client cannot alter it), and any other backslash name
/// beyond the five system flags is a `flag-extension` kept for future standards (RFC 9051
/// §9); Dovecot refuses both with BAD.
pub(super) fn store_flag_notes(action: &StoreAction) -> Vec<String> {
    const SYSTEM: [&str; 5] = ["\\Answered", "\\Flagged", "\\Deleted", "\\Seen", "\\Draft"];
    action
        .flags
        .iter()
        .filter(|f| f.0.starts_with('\\') && !SYSTEM.iter().any(|s| f.is(s)))
        .map(|f| {
            if f.is("\\Recent") {
                say!("command.store.recent")
            } else {
                say!("command.store.flag-extension", flag = f.0)
            }
        })
        .collect()
}

/// With UIDONLY enabled (RFC 9586) message numbers cannot be used in commands nor come
/// back in responses, so a command that names messages by number, or asks for their
/// numbers, is refused with BAD [UIDREQUIRED]; its UID form is the way.
pub(super) fn uidonly_diagnostic(ctx: &Context, body: &CommandBody) -> Option<Diagnostic> {
    use CommandBody as C;
    let by_number = match body {
        C::Fetch { uid, .. }
        | C::Store { uid, .. }
        | C::Copy { uid, .. }
        | C::Move { uid, .. }
        | C::Search { uid, .. }
        | C::Sort { uid, .. }
        | C::Thread { uid, .. } => !uid,
        _ => false,
    };
    if !ctx.uid_only || !by_number {
        return None;
    }
    Some(
        Diagnostic::new(
            Severity::Warning,
            "uidonly-message-numbers",
            1,
            "command",
            say!("diag.uidonly-message-numbers", command = body.name()),
        )
        .suggest(say!(
            "diag.uidonly-message-numbers.hint",
            command = body.name()
        )),
    )
}
