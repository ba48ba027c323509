//! The untagged data of the extensions that administer an account rather than read
//! mail: QUOTA and QUOTAROOT (RFC 9208), ACL, LISTRIGHTS and MYRIGHTS (RFC 4314),
//! METADATA (RFC 5464). No fixture advertises them, but real servers send them, so
//! the explainer reads them; every word is a template of `knowledge/data/phrases.yaml`.

use crate::grammar::extensions::metadata::{MetadataCode, MetadataEntries};
use crate::grammar::extensions::quota::QuotaResource;
use crate::grammar::mailbox::Mailbox;
use crate::grammar::response::Data;
use crate::say;

/// The sentence for one of these responses; None for any other data.
pub(super) fn admin_phrase(data: &Data) -> Option<String> {
    Some(match data {
        Data::Quota { root, resources } if resources.is_empty() => {
            say!("response.quota.none", root = root)
        }
        Data::Quota { root, resources } => {
            let each: Vec<String> = resources.iter().map(resource_phrase).collect();
            say!("response.quota", root = root, resources = each.join(", "))
        }
        Data::QuotaRoot { mailbox, roots } if roots.is_empty() => {
            say!("response.quotaroot.none", mailbox = mailbox.canonical())
        }
        Data::QuotaRoot { mailbox, roots } => {
            let roots: Vec<String> = roots.iter().map(|r| format!("\"{r}\"")).collect();
            say!(
                "response.quotaroot",
                mailbox = mailbox.canonical(),
                roots = roots.join(", ")
            )
        }
        Data::Acl { mailbox, entries } => {
            let each: Vec<String> = entries
                .iter()
                .map(|(who, rights)| acl_entry_phrase(who, rights))
                .collect();
            say!(
                "response.acl",
                mailbox = mailbox.canonical(),
                entries = each.join("; ")
            )
        }
        Data::ListRights {
            mailbox,
            identifier,
            rights,
        } => say!(
            "response.listrights",
            identifier = identifier,
            mailbox = mailbox.canonical(),
            required = rights.first().map_or("", String::as_str),
            optional = rights.get(1..).unwrap_or_default().join(" ")
        ),
        Data::MyRights { mailbox, rights } => say!(
            "response.myrights",
            mailbox = mailbox.canonical(),
            rights = rights,
            meanings = rights_phrase(rights)
        ),
        Data::Metadata { mailbox, entries } => metadata_phrase(mailbox, entries),
        _ => return None,
    })
}

/// `STORAGE 10 512`: storage counts units of 1024 octets (RFC 9208 §5.1).
fn resource_phrase(r: &QuotaResource) -> String {
    let key = match r.name.as_str() {
        "STORAGE" => "quota.storage",
        "MESSAGE" => "quota.message",
        "MAILBOX" => "quota.mailbox",
        _ => "quota.other",
    };
    say!(key, name = r.name, usage = r.usage, limit = r.limit)
}

/// `Fred rwipslxetad`; an identifier that starts with `-` takes rights away (RFC 4314 §2).
fn acl_entry_phrase(who: &str, rights: &str) -> String {
    match who.strip_prefix('-') {
        Some(who) => say!("acl.entry.negative", who = who, rights = rights),
        None => say!(
            "acl.entry",
            who = who,
            rights = rights,
            meanings = rights_phrase(rights)
        ),
    }
}

/// What each letter of a rights string allows (RFC 4314 §2.1), in its order: for the
/// ACL responses and SETACL's rights alike.
pub(crate) fn rights_phrase(rights: &str) -> String {
    let each: Vec<String> = rights
        .chars()
        .map(|c| {
            let key = match c {
                'l' => "acl.right.l",
                'r' => "acl.right.r",
                's' => "acl.right.s",
                'w' => "acl.right.w",
                'i' => "acl.right.i",
                'p' => "acl.right.p",
                'k' => "acl.right.k",
                'x' => "acl.right.x",
                't' => "acl.right.t",
                'e' => "acl.right.e",
                'a' => "acl.right.a",
                // RFC 2086's virtual rights, still sent for compatibility (§2.1.1).
                'c' => "acl.right.c",
                'd' => "acl.right.d",
                'A'..='Z' => "acl.right.uppercase",
                '0'..='9' => "acl.right.digit",
                _ => "acl.right.other",
            };
            say!(key, letter = c)
        })
        .collect();
    each.join(", ")
}

fn metadata_phrase(mailbox: &Mailbox, entries: &MetadataEntries) -> String {
    let owner = if mailbox.raw.text().is_empty() {
        say!("metadata.server")
    } else {
        mailbox.canonical()
    };
    match entries {
        MetadataEntries::Values(values) => {
            let each: Vec<String> = values
                .iter()
                .map(|(entry, value)| match value {
                    Some(v) => say!("metadata.value", entry = entry, value = v),
                    None => say!("metadata.value.nil", entry = entry),
                })
                .collect();
            say!(
                "response.metadata",
                owner = owner,
                entries = each.join("; ")
            )
        }
        MetadataEntries::Changed(names) => say!(
            "response.metadata.changed",
            owner = owner,
            entries = names.join(", ")
        ),
    }
}

/// `[METADATA LONGENTRIES n]` and SETMETADATA's refusals (RFC 5464 §4.2.1, §4.3).
pub(super) fn metadata_code_phrase(code: &MetadataCode) -> String {
    match code {
        MetadataCode::LongEntries(n) => say!("code.metadata.longentries", n = n),
        MetadataCode::MaxSize(n) => say!("code.metadata.maxsize", n = n),
        MetadataCode::TooMany => say!("code.metadata.toomany"),
        MetadataCode::NoPrivate => say!("code.metadata.noprivate"),
    }
}
