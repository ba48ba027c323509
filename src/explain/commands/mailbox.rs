//! The sentence that says what a command asks for (`describe`), and the phrases of the
//! session and mailbox commands: LOGIN, SELECT, CREATE, LIST, STATUS, APPEND (MULTIAPPEND,
//! CATENATE), COPY/MOVE, ID. Every sentence is a template of `knowledge/data/phrases.yaml`.

use crate::explain::context::Context;
use crate::grammar::core::ImapString;
use crate::grammar::extensions::catenate::{AppendData, AppendMessage, CatPart};
use crate::grammar::mailbox::Mailbox;
use crate::grammar::sequence::SequenceSet;
use crate::grammar::status::StatusItem;
use crate::grammar::CommandBody;
use crate::knowledge::count_key;
use crate::say;

use super::fetch::{fetch_phrase, store_phrase};
use super::search::{search_phrase, sort_phrase, thread_phrase};

/// One line for a well-formed command, in the context of the session.
pub(crate) fn describe(ctx: &Context, body: &CommandBody) -> String {
    use CommandBody::*;
    match body {
        Capability => say!("command.capability"),
        Noop => say!("command.noop"),
        Logout => say!("command.logout"),
        StartTls => say!("command.starttls"),
        Authenticate {
            mechanism,
            initial_response: Some(_),
        } => say!(
            "command.authenticate.initial-response",
            mechanism = mechanism
        ),
        Authenticate { mechanism, .. } => say!("command.authenticate", mechanism = mechanism),
        Login { user, .. } => say!("command.login", user = user.text()),
        Select { mailbox, .. } => say!("command.select", mailbox = mailbox_phrase(mailbox)),
        Examine { mailbox, .. } => say!("command.examine", mailbox = mailbox_phrase(mailbox)),
        Create { mailbox } if mailbox.is_inbox() => say!("command.create.inbox"),
        Create { mailbox } => create_phrase(ctx, mailbox),
        Delete { mailbox } if mailbox.is_inbox() => say!("command.delete.inbox"),
        Delete { mailbox } => say!("command.delete", mailbox = mailbox_phrase(mailbox)),
        Rename { from, to } if from.is_inbox() => {
            say!("command.rename.inbox", to = mailbox_phrase(to))
        }
        Rename { from, to } => say!(
            "command.rename",
            from = mailbox_phrase(from),
            to = mailbox_phrase(to)
        ),
        Subscribe { mailbox } => say!("command.subscribe", mailbox = mailbox_phrase(mailbox)),
        Unsubscribe { mailbox } => {
            say!("command.unsubscribe", mailbox = mailbox_phrase(mailbox))
        }
        List {
            reference,
            patterns,
            xlist,
            ..
        } => list_phrase(reference, patterns, *xlist),
        Lsub { pattern, .. } => say!("command.lsub", pattern = pattern.text()),
        Namespace => say!("command.namespace"),
        Status { mailbox, items } => status_phrase(ctx, mailbox, items),
        Append { mailbox, messages } => append_phrase(mailbox, messages),
        Idle => say!("command.idle"),
        Enable { capabilities } => say!("command.enable", capabilities = capabilities.join(", ")),
        Check => say!("command.check", mailbox = current(ctx)),
        Close if ctx.selected.as_ref().is_some_and(|s| s.read_only) => {
            say!("command.close.read-only", mailbox = current(ctx))
        }
        Close => say!("command.close", mailbox = current(ctx)),
        Unselect => say!("command.unselect", mailbox = current(ctx)),
        Expunge { uids: None } => say!("command.expunge", mailbox = current(ctx)),
        Expunge { uids: Some(set) } => uid_expunge_phrase(set),
        CancelUpdate { tags } => cancelupdate_phrase(tags),
        Search {
            uid,
            criteria,
            charset,
            returns,
        } => search_phrase(ctx, *uid, criteria, charset, returns),
        Fetch {
            uid, set, items, ..
        } => fetch_phrase(ctx, *uid, set, items),
        Store { uid, set, action } => store_phrase(*uid, set, action),
        Copy { uid, set, mailbox } => transfer_phrase("command.copy", *uid, set, mailbox),
        Move { uid, set, mailbox } => transfer_phrase("command.move", *uid, set, mailbox),
        Sort {
            uid,
            returns,
            criteria,
            charset,
            keys,
        } => sort_phrase(ctx, *uid, criteria, charset, keys.len(), returns.as_deref()),
        Thread {
            uid,
            algorithm,
            charset,
            keys,
        } => thread_phrase(ctx, *uid, algorithm, charset, keys.len()),
        Id {
            parameters: Some(p),
        } => say!("command.id", parameters = id_parameters(p)),
        Id { parameters: None } => say!("command.id.nil"),
        Compress { mechanism } => say!("command.compress", mechanism = mechanism),
        Notify { set } => super::notify::phrase(set.as_ref()),
        GetQuota { .. }
        | GetQuotaRoot { .. }
        | SetQuota { .. }
        | SetAcl { .. }
        | DeleteAcl { .. }
        | GetAcl { .. }
        | ListRights { .. }
        | MyRights { .. }
        | GetMetadata { .. }
        | SetMetadata { .. } => super::admin::phrase(body).unwrap_or_default(),
    }
}

/// The mailbox a command works on: the selected one, by name when known.
pub(super) fn current(ctx: &Context) -> String {
    ctx.selected
        .as_ref()
        .map_or_else(|| say!("mailbox.unknown"), |s| s.name.clone())
}

/// CANCELUPDATE's tags, quoted as they are sent.
fn cancelupdate_phrase(tags: &[String]) -> String {
    let quoted: Vec<String> = tags.iter().map(|t| format!("\"{t}\"")).collect();
    say!(
        &count_key("command.cancelupdate", tags.len() as u64),
        tags = quoted.join(", ")
    )
}

/// `text` as a quoted string on the wire: `\` and `"` escaped (RFC 9051 §9, `quoted`), so a
/// pattern such as `"\"My\" mailbox\\%"` is shown as sent, not decoded into `""My" mailbox\%"`,
/// where the learner could not tell the quotes or the backslash of the name from the syntax.
fn as_quoted(text: &str) -> String {
    let escaped = text.replace('\\', "\\\\").replace('"', "\\\"");
    format!("\"{escaped}\"")
}

/// LIST: the delimiter question (`LIST "" ""`), or the patterns under a reference;
/// XLIST (Gmail's LIST, a named quirk) says so first.
fn list_phrase(reference: &Mailbox, patterns: &[ImapString], xlist: bool) -> String {
    if xlist {
        let list = list_phrase(reference, patterns, false);
        return say!("command.xlist", list = list);
    }
    let patterns_text = patterns
        .iter()
        .map(|p| as_quoted(&p.text()))
        .collect::<Vec<_>>()
        .join(", ");
    if patterns.len() == 1 && patterns[0].bytes.is_empty() {
        say!("command.list.delimiter")
    } else if reference.name.is_empty() {
        say!("command.list", patterns = patterns_text)
    } else {
        say!(
            "command.list.under",
            reference = as_quoted(&reference.raw.text()),
            patterns = patterns_text
        )
    }
}

/// APPEND of `size` bytes, with the flags it sets if any.
fn append_phrase(mailbox: &Mailbox, messages: &[AppendMessage]) -> String {
    let [message] = messages else {
        return say!(
            "command.append.multi",
            count = messages.len(),
            mailbox = mailbox_phrase(mailbox)
        );
    };
    let parts = match &message.data {
        AppendData::Literal(bytes) => return literal_append_phrase(mailbox, message, bytes),
        AppendData::Catenate(parts) => parts,
    };
    let pieces: Vec<String> = parts
        .iter()
        .map(|p| match p {
            CatPart::Text(t) => say!("command.append.cat-text", size = t.bytes.len()),
            CatPart::Url(u) if u.text().to_ascii_uppercase().contains("/;PARTIAL=") => {
                say!("command.append.cat-url.partial", url = u.text())
            }
            CatPart::Url(u) => say!("command.append.cat-url", url = u.text()),
        })
        .collect();
    say!(
        "command.append.catenate",
        mailbox = mailbox_phrase(mailbox),
        parts = pieces.join(", ")
    )
}

/// APPEND of one message sent as a literal, with its size and flags.
fn literal_append_phrase(mailbox: &Mailbox, message: &AppendMessage, bytes: &ImapString) -> String {
    let size = bytes.bytes.len();
    if message.flags.is_empty() {
        return say!(
            "command.append",
            size = size,
            mailbox = mailbox_phrase(mailbox)
        );
    }
    let flags: Vec<&str> = message.flags.iter().map(|f| f.0.as_str()).collect();
    say!(
        "command.append.flags",
        size = size,
        mailbox = mailbox_phrase(mailbox),
        flags = flags.join(" ")
    )
}

/// STATUS with the names of the items asked; on the selected mailbox, which STATUS is
/// not meant for (RFC 9051 §6.3.11: SHOULD NOT), it is not "without selecting it".
fn status_phrase(ctx: &Context, mailbox: &Mailbox, items: &[StatusItem]) -> String {
    let items: Vec<&str> = items.iter().map(|i| i.name()).collect();
    let selected = ctx
        .selected
        .as_ref()
        .is_some_and(|s| s.name == mailbox.canonical());
    say!(
        if selected {
            "command.status.selected"
        } else {
            "command.status"
        },
        items = items.join(", "),
        mailbox = mailbox_phrase(mailbox)
    )
}

/// UID EXPUNGE: of the UIDs named, only those marked \Deleted go (RFC 4315 §2.1).
fn uid_expunge_phrase(set: &SequenceSet) -> String {
    let key = count_key("command.uid-expunge", if single(set) { 1 } else { 2 });
    say!(&key, target = messages_phrase(true, set))
}

/// COPY or MOVE (`key`) of a message set to a mailbox.
fn transfer_phrase(key: &str, uid: bool, set: &SequenceSet, mailbox: &Mailbox) -> String {
    say!(
        key,
        target = messages_phrase(uid, set),
        mailbox = mailbox_phrase(mailbox)
    )
}

/// `name=value, ...` of an ID list.
pub(crate) fn id_parameters(parameters: &[(String, Option<String>)]) -> String {
    parameters
        .iter()
        .map(|(k, v)| format!("{k}={}", v.as_deref().unwrap_or("NIL")))
        .collect::<Vec<_>>()
        .join(", ")
}

/// CREATE, with a trailing hierarchy delimiter read as RFC 9051 §6.3.4 says: not part
/// of the name. The delimiter is the one a LIST or NAMESPACE answer named; before one
/// did, a name ending in `/` or `.` gets both readings.
fn create_phrase(ctx: &Context, mailbox: &Mailbox) -> String {
    let name = &mailbox.name;
    let last = name.chars().last();
    let trimmed = |d: char| format!("\"{}\"", name.trim_end_matches(d));
    match (ctx.delimiter, last) {
        (Some(d), Some(l)) if d == l && name.len() > 1 => say!(
            "command.create.trailing-delimiter",
            mailbox = trimmed(d),
            delimiter = d
        ),
        (None, Some(l @ ('/' | '.'))) if name.len() > 1 => say!(
            "command.create.maybe-trailing-delimiter",
            mailbox = trimmed(l),
            delimiter = l,
            written = mailbox_phrase(mailbox)
        ),
        _ => say!("command.create", mailbox = mailbox_phrase(mailbox)),
    }
}

/// A mailbox as the learner should read it: INBOX, "Work", or a decoded UTF-7 name.
pub(crate) fn mailbox_phrase(mailbox: &Mailbox) -> String {
    if mailbox.is_inbox() {
        "INBOX".into()
    } else if mailbox.is_utf7_encoded() {
        say!(
            "mailbox.utf7",
            name = mailbox.name,
            written = mailbox.raw.text()
        )
    } else {
        format!("\"{}\"", mailbox.name)
    }
}

/// "message 3", "messages 1:4", "the message with UID 7", "the messages with UIDs 2,9".
pub(super) fn messages_phrase(uid: bool, set: &SequenceSet) -> String {
    if matches!(set, SequenceSet::Saved) {
        return say!("target.saved");
    }
    let key = if uid { "target.uid" } else { "target.sequence" };
    say!(&count_key(key, if single(set) { 1 } else { 2 }), set = set)
}

/// One number, or `*` alone: the last message, or the highest UID (RFC 9051 §9).
pub(super) fn single(set: &SequenceSet) -> bool {
    matches!(set, SequenceSet::Ranges(r) if matches!(r.as_slice(), [(_, None)]))
}
