//! The phrases of the commands that administer an account rather than read mail:
//! GETQUOTA, GETQUOTAROOT, SETQUOTA (RFC 9208), SETACL, DELETEACL, GETACL, LISTRIGHTS,
//! MYRIGHTS (RFC 4314), GETMETADATA, SETMETADATA (RFC 5464), and Gmail's XLIST. The
//! rights letters are read with the same table as the `* ACL` response's
//! (`responses/admin.rs`). Every word is a template of `knowledge/data/phrases.yaml`.

use crate::explain::responses::rights_phrase;
use crate::grammar::core::{ImapString, StringForm};
use crate::grammar::extensions::acl::{identifier_kind, IdentifierKind, ModRights, RightsChange};
use crate::grammar::extensions::metadata::{
    entry_scope, EntryScope, MetadataDepth, MetadataOption,
};
use crate::grammar::extensions::quota::{QuotaLimit, ResourceName};
use crate::grammar::mailbox::Mailbox;
use crate::grammar::CommandBody;
use crate::say;

use super::mailbox::mailbox_phrase;

/// The one-line summary of an administration command; None for any other.
pub(super) fn phrase(body: &CommandBody) -> Option<String> {
    use CommandBody::*;
    Some(match body {
        GetQuota { root } => say!("command.getquota", root = root),
        GetQuotaRoot { mailbox } => {
            say!("command.getquotaroot", mailbox = mailbox_phrase(mailbox))
        }
        SetQuota { root, limits } if limits.is_empty() => {
            say!("command.setquota.none", root = root)
        }
        SetQuota { root, limits } => {
            let each: Vec<String> = limits.iter().map(limit_phrase).collect();
            say!("command.setquota", root = root, limits = each.join(", "))
        }
        SetAcl {
            mailbox,
            identifier,
            rights,
        } => setacl_phrase(mailbox, identifier, rights),
        DeleteAcl {
            mailbox,
            identifier,
        } => say!(
            "command.deleteacl",
            identifier = identifier,
            mailbox = mailbox_phrase(mailbox)
        ),
        GetAcl { mailbox } => say!("command.getacl", mailbox = mailbox_phrase(mailbox)),
        ListRights {
            mailbox,
            identifier,
        } => say!(
            "command.listrights",
            identifier = identifier,
            mailbox = mailbox_phrase(mailbox)
        ),
        MyRights { mailbox } => say!("command.myrights", mailbox = mailbox_phrase(mailbox)),
        GetMetadata {
            mailbox, entries, ..
        } => say!(
            "command.getmetadata",
            entries = entries.join(", "),
            owner = owner(mailbox)
        ),
        SetMetadata { mailbox, values } if values.is_empty() => {
            say!("command.setmetadata.none", owner = owner(mailbox))
        }
        SetMetadata { mailbox, values } => {
            let each: Vec<String> = values.iter().map(|(e, v)| set_phrase(e, v)).collect();
            say!(
                "command.setmetadata",
                owner = owner(mailbox),
                values = each.join("; ")
            )
        }
        _ => return None,
    })
}

/// What each part of the line means: the identifier of an ACL command, the options
/// and entry names of a METADATA command.
pub(super) fn details(body: &CommandBody) -> Vec<String> {
    use CommandBody::*;
    match body {
        SetAcl { identifier, .. } | DeleteAcl { identifier, .. } => {
            let mut out = identifier_details(identifier);
            out.push(say!("command.acl.administer"));
            out
        }
        GetAcl { .. } => vec![say!("command.acl.administer")],
        ListRights { identifier, .. } => {
            let mut out = identifier_details(identifier);
            out.push(say!("command.acl.administer"));
            out
        }
        GetMetadata {
            options,
            mailbox,
            entries,
        } => {
            let mut out: Vec<String> = options.iter().map(option_phrase).collect();
            out.extend(entries.iter().map(|e| entry_phrase(e, mailbox)));
            out
        }
        SetMetadata { mailbox, values } => values
            .iter()
            .map(|(e, _)| entry_phrase(e, mailbox))
            .collect(),
        _ => Vec::new(),
    }
}

/// The template of each SETQUOTA limit, whose resource's section the line cites first.
pub(super) fn limit_templates(limits: &[QuotaLimit]) -> Vec<&'static str> {
    limits.iter().map(|l| limit_template(&l.resource)).collect()
}

fn limit_template(resource: &ResourceName) -> &'static str {
    match resource {
        ResourceName::Storage => "quota.limit.storage",
        ResourceName::Message => "quota.limit.message",
        ResourceName::Mailbox => "quota.limit.mailbox",
        ResourceName::AnnotationStorage => "quota.limit.annotation-storage",
        ResourceName::Other(_) => "quota.limit.other",
    }
}

/// `STORAGE 512`: the limit with its unit (RFC 9208 §5).
fn limit_phrase(l: &QuotaLimit) -> String {
    let key = limit_template(&l.resource);
    say!(key, name = l.resource.name(), limit = l.limit)
}

/// SETACL's change: replace, add (`+`) or remove (`-`), each letter explained.
fn setacl_phrase(mailbox: &Mailbox, identifier: &str, rights: &ModRights) -> String {
    let mailbox = mailbox_phrase(mailbox);
    let key = match (rights.change, rights.rights.is_empty()) {
        (RightsChange::Replace, true) => "command.setacl.none",
        (_, true) => "command.setacl.nothing",
        (RightsChange::Replace, false) => "command.setacl",
        (RightsChange::Add, false) => "command.setacl.add",
        (RightsChange::Remove, false) => "command.setacl.remove",
    };
    say!(
        key,
        identifier = identifier,
        mailbox = mailbox,
        rights = rights.rights,
        meanings = rights_phrase(&rights.rights)
    )
}

/// `anyone` and negative-rights identifiers (`-fred`) have meanings of their own.
fn identifier_details(identifier: &str) -> Vec<String> {
    match identifier_kind(identifier) {
        IdentifierKind::Anyone => vec![say!("command.acl.anyone")],
        IdentifierKind::Negative => vec![say!(
            "command.acl.negative",
            identifier = identifier,
            base = &identifier[1..]
        )],
        IdentifierKind::Other => Vec::new(),
    }
}

/// Whose entries: the server for the mailbox "" (RFC 5464 §3.2.1.1), else the mailbox.
fn owner(mailbox: &Mailbox) -> String {
    if mailbox.raw.bytes.is_empty() {
        say!("metadata.server")
    } else {
        mailbox_phrase(mailbox)
    }
}

/// The template of each GETMETADATA option, whose sections the line cites first.
pub(super) fn option_templates(options: &[MetadataOption]) -> Vec<&'static str> {
    options.iter().map(option_template).collect()
}

fn option_template(option: &MetadataOption) -> &'static str {
    match option {
        MetadataOption::MaxSize(_) => "command.getmetadata.maxsize",
        MetadataOption::Depth(MetadataDepth::Zero) => "command.getmetadata.depth-0",
        MetadataOption::Depth(MetadataDepth::One) => "command.getmetadata.depth-1",
        MetadataOption::Depth(MetadataDepth::Infinity) => "command.getmetadata.depth-infinity",
        MetadataOption::Other(_) => "command.getmetadata.other-option",
    }
}

/// MAXSIZE's size and another option's text fill the template; DEPTH's need nothing.
fn option_phrase(option: &MetadataOption) -> String {
    let key = option_template(option);
    match option {
        MetadataOption::MaxSize(size) => say!(key, size = size),
        MetadataOption::Other(o) => say!(key, option = o),
        MetadataOption::Depth(_) => say!(key),
    }
}

/// An entry's scope (RFC 5464 §3.2): /private, /shared, a vendor's, or neither.
fn entry_phrase(entry: &str, mailbox: &Mailbox) -> String {
    let key = match entry_scope(entry, mailbox.raw.bytes.is_empty()) {
        EntryScope::ServerAdmin => "metadata.entry.admin",
        EntryScope::Vendor => "metadata.entry.vendor",
        EntryScope::Private => "metadata.entry.private",
        EntryScope::Shared => "metadata.entry.shared",
        EntryScope::Unscoped => "metadata.entry.unscoped",
    };
    say!(key, entry = entry)
}

/// One entry of SETMETADATA with its new value (NIL removes it, RFC 5464 §4.3).
fn set_phrase(entry: &str, value: &Option<ImapString>) -> String {
    match value {
        None => say!("metadata.set.nil", entry = entry),
        Some(v) if matches!(v.form, StringForm::Literal(_)) => {
            say!("metadata.set.literal", entry = entry, size = v.bytes.len())
        }
        Some(v) => say!("metadata.set", entry = entry, value = v.text()),
    }
}
