//! GETMETADATA and SETMETADATA (RFC 5464 §4.2, §4.3), as Dovecot 2.3.19 answers them
//! without `mail_attribute_dict`, which is how the differential lab runs: it checks the
//! arguments (cmd-getmetadata.c, cmd-setmetadata.c, imap-metadata.c), opens the
//! mailbox, then fails each entry with `Generic mailbox attributes not enabled`. Only
//! its internal `/private/specialuse` of a mailbox reads (NIL without a special use)
//! and cannot be written. Every answer is in tests/data/differential/admin.txt; the
//! special-use values, which the lab has not, in tests/mock_session.rs (checked against
//! a Dovecot started with `--special-use`).
//!
//! ```text
//! getmetadata = "GETMETADATA" [SP getmetadata-options] SP mailbox SP entries
//! setmetadata = "SETMETADATA" SP mailbox SP entry-values
//! C: m1 GETMETADATA INBOX (/private/specialuse /private/comment /shared/comment)
//! S: * METADATA INBOX (/private/specialuse NIL)
//! S: * NO Generic mailbox attributes not enabled
//! S: m1 NO [CANNOT] Generic mailbox attributes not enabled (0.001 + 0.000 secs).
//! ```
//!
//! Each failed entry is held back until the next one fails, then sent as an untagged
//! `* NO` after the mailbox's METADATA line; the last failure is the tagged NO.

use crate::grammar::code::Code;
use crate::grammar::command::{CommandBody, ParsedCommand};
use crate::grammar::core::ImapString;
use crate::grammar::extensions::metadata::{self as grammar, MetadataDepth, MetadataOption};
use crate::grammar::mailbox::Mailbox;
use crate::mock::lexical::{Place, Quotes};
use crate::mock::mime::push_astring;
use crate::mock::store::{self, Store};
use crate::mock::wording as w;

use super::append::Verdict;
use super::{Conn, Cx, Done};

/// Dovecot's error for an entry when no attribute dictionary is configured.
const NOT_ENABLED: &str = "Generic mailbox attributes not enabled";
/// The one mailbox attribute Dovecot keeps itself (MAILBOX_ATTRIBUTE_SPECIALUSE).
const SPECIALUSE: &str = "/private/specialuse";
/// Its refusal to write it.
const SPECIALUSE_READ_ONLY: &str = "The /private/specialuse attribute cannot be changed";

/// Whose entries a command reads or writes.
enum Target {
    /// The mailbox "": the server's entries (RFC 5464 §3.2.1.1).
    Server,
    /// Stored mailboxes, each with its special uses.
    Mailboxes(Vec<(String, Vec<String>)>),
}

/// `GETMETADATA [options] mailbox entries` (RFC 5464 §4.2).
pub(crate) fn get(
    cx: &mut Cx,
    tag: &str,
    options: &[MetadataOption],
    mailbox: &Mailbox,
    entries: &[String],
) -> Done {
    if let Some(done) = declined(cx, tag, "GETMETADATA") {
        return done;
    }
    let bad = |text: &str| Done::bad(tag, w::command_error("GETMETADATA", text));
    let mut depth = MetadataDepth::Zero;
    for option in options {
        match option {
            MetadataOption::Depth(d) => depth = *d,
            MetadataOption::MaxSize(_) => {}
            MetadataOption::Other(_) => return bad("Unknown option"),
        }
    }
    if let Some(error) = entries.iter().find_map(|e| verify_entry(e)) {
        return bad(error);
    }
    let target = match target(cx.store, cx.user(), mailbox, true) {
        Ok(target) => target,
        Err(name) => return Done::no(tag, w::no_mailbox(&name)),
    };
    // With DEPTH, Dovecot iterates the entries below each one, and without a dictionary
    // finds none: it sends nothing, not even the named entry (admin.txt).
    if depth != MetadataDepth::Zero {
        return Done::ok(tag, "Getmetadata completed");
    }
    let boxes = match target {
        Target::Server => vec![None],
        Target::Mailboxes(boxes) => boxes.into_iter().map(Some).collect(),
    };
    let mut held = false;
    for mailbox in boxes {
        let mut values = Vec::new();
        let mut released = 0;
        for entry in entries {
            let entry = entry.to_ascii_lowercase();
            match mailbox.as_ref().filter(|_| entry == SPECIALUSE) {
                Some((_, uses)) => values.push((entry, uses.join(" "))),
                None => {
                    released += usize::from(held);
                    held = true;
                }
            }
        }
        if let (Some((name, _)), false) = (&mailbox, values.is_empty()) {
            cx.out.extend_from_slice(&metadata_line(name, &values));
        }
        for _ in 0..released {
            cx.line(&format!("* NO {NOT_ENABLED}"));
        }
    }
    if held {
        return Done::no(tag, NOT_ENABLED).code(Code::other("CANNOT"));
    }
    Done::ok(tag, "Getmetadata completed")
}

/// `* METADATA name (entry value ...)`: an empty value is NIL; another is sent as a
/// literal, as cmd-getmetadata.c writes every value.
fn metadata_line(name: &str, values: &[(String, String)]) -> Vec<u8> {
    let mut line = b"* METADATA ".to_vec();
    push_astring(&mut line, name.as_bytes());
    line.extend_from_slice(b" (");
    for (i, (entry, value)) in values.iter().enumerate() {
        if i > 0 {
            line.push(b' ');
        }
        push_astring(&mut line, entry.as_bytes());
        if value.is_empty() {
            line.extend_from_slice(b" NIL");
        } else {
            line.extend_from_slice(format!(" {{{}}}\r\n{value}", value.len()).as_bytes());
        }
    }
    line.extend_from_slice(b")\r\n");
    line
}

/// `SETMETADATA mailbox (entry value ...)` (RFC 5464 §4.3): the mailbox first, then
/// each entry in order; the first bad name is a BAD, else the first entry's failure.
pub(crate) fn set(
    cx: &mut Cx,
    tag: &str,
    mailbox: &Mailbox,
    values: &[(String, Option<ImapString>)],
) -> Done {
    if let Some(done) = declined(cx, tag, "SETMETADATA") {
        return done;
    }
    let server = match target(cx.store, cx.user(), mailbox, false) {
        Ok(target) => matches!(target, Target::Server),
        Err(name) => return Done::no(tag, w::no_mailbox(&name)),
    };
    if let Some(error) = values.iter().find_map(|(e, _)| verify_entry(e)) {
        return Done::bad(tag, w::command_error("SETMETADATA", error));
    }
    let Some((first, _)) = values.first() else {
        return Done::ok(tag, "Setmetadata completed");
    };
    let text = if !server && first.eq_ignore_ascii_case(SPECIALUSE) {
        SPECIALUSE_READ_ONLY
    } else {
        NOT_ENABLED
    };
    Done::no(tag, text).code(Code::other("CANNOT"))
}

/// The fixture promises METADATA, which the mock does not keep: say so honestly.
fn declined(cx: &mut Cx, tag: &str, name: &str) -> Option<Done> {
    cx.config
        .identity
        .advertises_prefix(true, "METADATA")
        .then(|| cx.decline(tag, name.to_owned(), name))
}

/// The mailboxes a command is about: the server for "", the matching mailboxes for a
/// pattern (GETMETADATA only: Dovecot keeps this from RFC 5464's drafts), else the one
/// named. `Err` carries the name as written when it does not exist.
fn target(store: &Store, user: &str, mailbox: &Mailbox, patterns: bool) -> Result<Target, String> {
    let raw = mailbox.raw.text().into_owned();
    if raw.is_empty() {
        return Ok(Target::Server);
    }
    let world = store.lock();
    let account = world.account(user);
    let with_uses = |m: &store::MailboxData| (m.name.clone(), m.special_use.clone());
    if patterns && raw.contains(['*', '%']) {
        let mut boxes: Vec<(String, Vec<String>)> = account
            .map(|a| {
                a.mailboxes
                    .iter()
                    .filter(|m| m.is_real())
                    .filter(|m| super::list::matches(m.name.as_bytes(), raw.as_bytes()))
                    .map(with_uses)
                    .collect()
            })
            .unwrap_or_default();
        // The mock lists INBOX last, as the lab's Dovecot does.
        boxes.sort_by_key(|(name, _)| (name == "INBOX", name.clone()));
        return Ok(Target::Mailboxes(boxes));
    }
    let name = store::canonical(&raw);
    match account.and_then(|a| a.real(&name)) {
        Some(m) => Ok(Target::Mailboxes(vec![with_uses(m)])),
        None => Err(raw),
    }
}

/// Dovecot's check of an entry name (imap-metadata.c `imap_metadata_verify_entry_name`),
/// in its order: `None` when the name is fine.
fn verify_entry(name: &str) -> Option<&'static str> {
    let bytes = name.as_bytes();
    if bytes.first() != Some(&b'/') {
        return Some("Entry name must begin with '/'");
    }
    for (i, &b) in bytes.iter().enumerate() {
        match b {
            b'/' if i > 0 && bytes[i - 1] == b'/' => {
                return Some("Entry name can't contain consecutive '/'")
            }
            b'/' if i + 1 == bytes.len() => return Some("Entry name can't end with '/'"),
            b'*' => return Some("Entry name can't contain '*'"),
            b'%' => return Some("Entry name can't contain '%'"),
            0..=0x19 => return Some("Entry name can't contain control chars"),
            _ => {}
        }
    }
    let prefix = match name[1..].find('/') {
        Some(at) => &name[..at + 1],
        None => name,
    };
    let scoped = ["/private", "/shared"]
        .iter()
        .any(|p| prefix.eq_ignore_ascii_case(p));
    (!scoped).then_some("Entry name must begin with /private or /shared")
}

/// Named quirk: Dovecot takes DEPTH's `infinity` in lower case only (RFC 5464 §5's
/// strings are case-insensitive): `(DEPTH INFINITY)` is its BAD.
pub(crate) fn depth_spelling(tag: &str, first: &[u8]) -> Option<Done> {
    let text = String::from_utf8_lossy(first);
    let open = text.find('(')?;
    let close = open + text[open..].find(')')?;
    let mut words = text[open + 1..close].split(' ');
    while let Some(word) = words.next() {
        if word.eq_ignore_ascii_case("DEPTH") {
            let value = words.next().unwrap_or_default();
            if !matches!(value, "0" | "1" | "infinity") {
                let text = "Invalid value for DEPTH option";
                return Some(Done::bad(tag, w::command_error("GETMETADATA", text)));
            }
        }
    }
    None
}

/// Dovecot's reason for a GETMETADATA line the grammar refused, from the label of the
/// argument where it stopped and the byte there: Dovecot reads `*` and `%` into an
/// atom and refuses them in an entry name; a list where an entry should be is not
/// an astring.
pub(crate) fn reason(name: &str, expected: &str, at: Option<u8>) -> Option<String> {
    let text = match (name, expected, at) {
        ("GETMETADATA" | "SETMETADATA", _, Some(b'*')) => "Entry name can't contain '*'",
        ("GETMETADATA" | "SETMETADATA", _, Some(b'%')) => "Entry name can't contain '%'",
        ("GETMETADATA", _, Some(b'(')) if expected != grammar::OPTION => "Entry isn't astring",
        _ => return reason_of_label(name, expected),
    };
    Some(text.into())
}

fn reason_of_label(name: &str, expected: &str) -> Option<String> {
    let text = match (name, expected) {
        ("GETMETADATA", grammar::DEPTH) => "Invalid value for DEPTH option",
        ("GETMETADATA", grammar::MAXSIZE) => "Invalid value for MAXSIZE option",
        ("GETMETADATA", grammar::OPTION) => "Unknown option",
        ("GETMETADATA", grammar::ENTRY) => "Entry isn't astring",
        ("SETMETADATA", grammar::ENTRY) => "Entry name isn't astring",
        _ => return None,
    };
    Some(text.into())
}

/// A SETMETADATA line the grammar refused. Dovecot reads the mailbox and opens it
/// before it reads the entries, so a missing mailbox is reported first; then its
/// words for the entry or value it could not read.
pub(crate) fn refused_set(cx: &mut Cx, tag: &str, parsed: &ParsedCommand, first: &[u8]) -> Done {
    let bad = |text: &str| Done::bad(tag, w::command_error("SETMETADATA", text));
    let Some(open) = list_start(first) else {
        return bad("Invalid arguments");
    };
    // The line up to its list, with an empty list: what the grammar reads of the mailbox.
    let mut probe = first[..open].to_vec();
    probe.extend_from_slice(b"()\r\n");
    let parsed_probe = crate::grammar::parse_command(&probe);
    match parsed_probe.command.map(|c| c.body) {
        Some(CommandBody::SetMetadata { mailbox, .. }) => {
            if let Err(name) = target(cx.store, cx.user(), &mailbox, false) {
                return Done::no(tag, w::no_mailbox(&name));
            }
        }
        // A name the grammar refuses and Dovecot reads as an atom (`*`): no such mailbox.
        _ => match atom_before(first, open) {
            Some(name) => return Done::no(tag, w::no_mailbox(&name)),
            None => return bad("Invalid arguments"),
        },
    }
    if let Some(e) = crate::mock::lexical::unbalanced(first) {
        return bad(e.text());
    }
    let Some(d) = super::entry::first_error_of(parsed) else {
        return bad("Invalid arguments");
    };
    let at = first.get(d.column.saturating_sub(1)).copied();
    let text = match (d.expected.as_deref(), at) {
        (Some(grammar::VALUE), Some(b')')) => "Entry value missing",
        (Some(grammar::VALUE), Some(b'(')) => "Entry value can't be a list",
        (Some(grammar::ENTRY), _) => "Entry name isn't astring",
        _ => "Invalid arguments",
    };
    bad(text)
}

/// The third word of the line (after the tag and the command), when it is a bare word
/// that runs up to the list at `open`.
fn atom_before(first: &[u8], open: usize) -> Option<String> {
    let text = String::from_utf8_lossy(&first[..open]);
    let word = text.trim_end().rsplit(' ').next()?;
    let bare = !word.is_empty() && text.trim_end().split(' ').count() == 3;
    (bare && !word.starts_with(['"', '{', '~'])).then(|| word.to_owned())
}

/// A SETMETADATA whose value is a synchronizing literal, before its bytes: Dovecot has
/// opened the mailbox and read the entry names by then, and refuses without a `+`
/// (cmd-setmetadata.c; admin.txt). `probe` is the line with that literal empty (`{0}`).
pub(crate) fn check_before_literal(probe: &[u8], conn: &Conn, store: &Store) -> Verdict {
    let Some(head) = probe.strip_suffix(b"\r\n") else {
        return Verdict::NotAppend;
    };
    // The list's `)` has not come yet: close it to read what came before.
    let closed = crate::grammar::parse_command(&[head, b")\r\n"].concat());
    let (Some(tag), Some(command)) = (closed.tag, closed.command) else {
        return Verdict::NotAppend;
    };
    let CommandBody::SetMetadata { mailbox, values } = command.body else {
        return Verdict::NotAppend;
    };
    let user = conn.user.as_deref().unwrap_or_default();
    if let Err(name) = target(store, user, &mailbox, false) {
        let text = w::no_mailbox(&name);
        return Verdict::Refuse {
            tag,
            status: "NO",
            text,
        };
    }
    match values.iter().find_map(|(e, _)| verify_entry(e)) {
        Some(error) => Verdict::Refuse {
            tag,
            status: "BAD",
            text: w::command_error("SETMETADATA", error),
        },
        None => Verdict::NotAppend,
    }
}

/// Where the first parenthesis outside quotes opens, after the tag and command word.
fn list_start(first: &[u8]) -> Option<usize> {
    let mut quotes = Quotes::default();
    first
        .iter()
        .enumerate()
        .find(|&(_, &b)| quotes.step(b) == Place::Outside && b == b'(')
        .map(|(i, _)| i)
}
