//! What a client message means: commands, and the client data that is not a command
//! (`DONE` ending IDLE, SASL responses during AUTHENTICATE).

use crate::grammar::command::{StoreAction, StoreMode};
use crate::grammar::fetch::{FetchAttribute, FetchItems};
use crate::grammar::section::SectionText;
use crate::grammar::{CommandBody, Diagnostic, Severity};
use crate::knowledge::{self, Kind};
use crate::transcript::Direction;
use crate::wire::Message;

use super::context::Context;
use super::literal::summarize_literal;
use super::{Annotation, AnnotationKind, Options};

/// Masks a secret in displayed text.
pub const MASK: &str = "********";

/// Explains one client message.
pub fn explain(ctx: &mut Context, message: &Message, options: Options) -> Annotation {
    let first = String::from_utf8_lossy(message.first_line()).into_owned();
    if let Some(tag) = ctx.idling.clone() {
        if first.trim().eq_ignore_ascii_case("DONE") {
            let mut a = Annotation::new(Some(Direction::Client), AnnotationKind::ClientData, first);
            a.tag = Some(tag.clone());
            a.command = Some("IDLE".into());
            a.summary = format!(
                "ends the IDLE tagged {tag}: the server will now complete it with a tagged OK"
            );
            a.cite(Kind::Command, "IDLE");
            return a;
        }
    }
    if let Some((tag, mechanism)) = ctx.authenticating.clone() {
        let display = if options.show_secrets {
            first.clone()
        } else {
            MASK.to_string()
        };
        let mut a = Annotation::new(Some(Direction::Client), AnnotationKind::ClientData, display);
        a.masked = !options.show_secrets;
        a.tag = Some(tag.clone());
        a.command = Some("AUTHENTICATE".into());
        a.summary = if first.trim() == "*" {
            format!("cancels the AUTHENTICATE tagged {tag}; the server answers BAD")
        } else {
            format!("the client's {mechanism} response for the AUTHENTICATE tagged {tag}, in base64 (masked: it carries the credentials)")
        };
        a.cite(Kind::Command, "AUTHENTICATE");
        a.cite(Kind::Concept, "base64");
        return a;
    }

    let parsed = super::parse_client(message);
    let display = display_text(message, parsed.command.as_ref().map(|c| &c.body), options);
    let masked = display.as_bytes() != message.first_line();
    let mut a = Annotation::new(Some(Direction::Client), AnnotationKind::Command, display);
    a.masked = masked;
    a.tag = parsed.tag.clone();
    a.command = parsed.name.map(|n| {
        if parsed.uid {
            format!("UID {n}")
        } else {
            n.to_string()
        }
    });
    a.diagnostics = parsed.diagnostics.clone();
    for literal in message.literals() {
        a.literals.push(summarize_literal(literal));
    }

    let Some(name) = parsed.name else {
        // Remember the tag anyway, so the server's answer is matched to this line.
        if let Some(tag) = &parsed.tag {
            ctx.command_sent(tag, super::context::UNRECOGNISED, false, None);
        }
        a.summary = match &parsed.tag {
            Some(_) => "not a command the tutor knows: see the diagnostic below".into(),
            None => {
                "not a command: an IMAP command starts with a tag, then the command name".into()
            }
        };
        a.cite(Kind::Concept, "tag");
        return a;
    };
    a.cite(Kind::Command, name);
    if parsed.uid {
        a.cite(Kind::Command, "UID");
    }
    let entry = knowledge::lookup(Kind::Command, name);
    a.summary = match &parsed.command {
        Some(command) => describe(ctx, &command.body),
        None => entry.map_or_else(|| name.to_string(), |e| e.summary.clone()),
    };
    if let Some(entry) = entry {
        if parsed.command.is_some() && a.summary != entry.summary {
            a.details.push(entry.summary.clone());
        }
    }

    if let Some(tag) = &parsed.tag {
        if ctx.seen_tags.contains(tag) {
            a.diagnostics.push(
                Diagnostic::new(Severity::Note, "tag-reused", 1, "tag", format!("the tag {tag} was used before; RFC 9051 §2.2.1 asks for a unique tag per command so responses can be matched"))
                    .suggest("count up: a1, a2, a3 ..."),
            );
        }
        if let Some(command) = &parsed.command {
            let allowed = command.body.valid_in();
            if ctx.state_known
                && !allowed.contains(&ctx.state)
                && ctx.state != crate::grammar::State::Logout
            {
                let wanted: Vec<&str> = allowed.iter().map(|s| s.describe()).collect();
                let hint = match ctx.state {
                    crate::grammar::State::NotAuthenticated => {
                        "log in first (LOGIN or AUTHENTICATE)"
                    }
                    crate::grammar::State::Authenticated => "select a mailbox first (SELECT INBOX)",
                    _ => "this command belongs before SELECT; CLOSE or UNSELECT first",
                };
                a.diagnostics.push(
                    Diagnostic::new(
                        Severity::Warning,
                        "wrong-state",
                        1,
                        "command",
                        format!(
                            "{name} is valid only in the {} state, and the session is {}: the server will answer BAD or NO",
                            wanted.join(" or "),
                            ctx.state.describe()
                        ),
                    )
                    .suggest(hint),
                );
            }
        }
        ctx.command_sent(tag, name, parsed.uid, parsed.command.as_ref());
    }
    a
}

/// The message as it may be shown: the first line, passwords masked, literals elided.
fn display_text(message: &Message, body: Option<&CommandBody>, options: Options) -> String {
    let first = String::from_utf8_lossy(message.first_line()).into_owned();
    if options.show_secrets {
        return first;
    }
    match body {
        Some(CommandBody::Login { user, .. }) => {
            let words: Vec<&str> = first.splitn(3, ' ').collect();
            let user_text = match user.form {
                crate::grammar::core::StringForm::Literal(_) => user.text().into_owned(),
                _ => words
                    .get(2)
                    .map_or(String::new(), |rest| leading_token(rest)),
            };
            format!(
                "{} {} {} {MASK}",
                words[0],
                words.get(1).unwrap_or(&""),
                user_text
            )
        }
        Some(CommandBody::Authenticate {
            initial_response: Some(_),
            mechanism,
        }) => {
            let words: Vec<&str> = first.splitn(3, ' ').collect();
            format!(
                "{} {} {mechanism} {MASK}",
                words[0],
                words.get(1).unwrap_or(&"")
            )
        }
        _ if body.is_none() => mask_malformed(&first),
        _ => first,
    }
}

/// True if a LOGIN line announcing a literal carries more than the user name and the
/// `{n}`: only a malformed line does, and what follows the user may be the password.
pub fn login_line_has_secret(line: &str) -> bool {
    let words: Vec<&str> = line.split(' ').collect();
    let Some(i) = words
        .iter()
        .take(2)
        .position(|w| w.to_ascii_uppercase().ends_with("LOGIN"))
    else {
        return false;
    };
    let after_user = words.len().saturating_sub(i + 2);
    let ends_in_literal = words.last().is_some_and(|w| w.starts_with('{'));
    !(after_user == 0 || (after_user == 1 && ends_in_literal))
}

/// A malformed line may still carry a secret: after a word ending in LOGIN (even glued
/// to its tag, `c1LOGIN`), keep the user name and mask the rest; after one ending in
/// AUTHENTICATE, keep the mechanism and mask the rest.
pub fn mask_malformed(first: &str) -> String {
    let words: Vec<&str> = first.split(' ').collect();
    let keyword = words.iter().take(2).position(|w| {
        let upper = w.to_ascii_uppercase();
        upper.ends_with("LOGIN") || upper.ends_with("AUTHENTICATE")
    });
    let Some(i) = keyword else {
        return first.to_string();
    };
    let keep = i + 2;
    if words.len() <= keep {
        return first.to_string();
    }
    let mut shown = words[..keep].join(" ");
    if words[i].to_ascii_uppercase().ends_with("LOGIN") {
        shown = format!(
            "{} {}",
            words[..=i].join(" "),
            leading_token(&words[i + 1..].join(" "))
        );
    }
    format!("{shown} {MASK}")
}

/// The first astring of `text`: an atom, or a quoted string with its quotes.
fn leading_token(text: &str) -> String {
    if let Some(rest) = text.strip_prefix('"') {
        let mut escaped = false;
        for (i, c) in rest.char_indices() {
            match (c, escaped) {
                ('\\', false) => escaped = true,
                ('"', false) => return text[..i + 2].to_string(),
                _ => escaped = false,
            }
        }
        return text.to_string();
    }
    text.split(' ').next().unwrap_or("").to_string()
}

/// One line for a well-formed command, in the context of the session.
pub fn describe(ctx: &Context, body: &CommandBody) -> String {
    use CommandBody::*;
    match body {
        Capability => "asks which capabilities (extensions) the server supports".into(),
        Noop => "does nothing, but gives the server a chance to report new mail, expunges and flag changes".into(),
        Logout => "ends the session: the server says BYE, completes the command, and closes the connection".into(),
        StartTls => "asks to switch this connection to TLS before logging in".into(),
        Authenticate { mechanism, initial_response } => match initial_response {
            Some(_) => format!(
                "logs in with SASL {mechanism}, the credentials sent at once in base64 (SASL-IR, RFC 4959; masked here)"
            ),
            None => format!("logs in with SASL {mechanism}; the server will ask for the credentials with a + continuation"),
        },
        Login { user, .. } => format!(
            "logs in as {}; the password travels in clear text, so use it only over TLS or on localhost",
            user.text()
        ),
        Select { mailbox, .. } | Examine { mailbox, .. } => {
            let read = if matches!(body, Select { .. }) { "read-write" } else { "read-only: nothing will change, not even \\Seen" };
            let case = if mailbox.is_inbox() {
                "; mailbox names are case-insensitive only for INBOX"
            } else {
                "; mailbox names other than INBOX are case-sensitive"
            };
            format!("opens {} {read}{case}", mailbox_phrase(mailbox))
        }
        Create { mailbox } => format!("creates the mailbox {}", mailbox_phrase(mailbox)),
        Delete { mailbox } => format!("deletes the mailbox {} and every message in it", mailbox_phrase(mailbox)),
        Rename { from, to } => format!("renames {} to {}", mailbox_phrase(from), mailbox_phrase(to)),
        Subscribe { mailbox } => format!("adds {} to the subscription list (what LSUB shows)", mailbox_phrase(mailbox)),
        Unsubscribe { mailbox } => format!("removes {} from the subscription list", mailbox_phrase(mailbox)),
        List { reference, patterns, .. } => {
            let pats: Vec<String> = patterns.iter().map(|p| format!("\"{}\"", p.text())).collect();
            let pattern = pats.join(", ");
            if pats.len() == 1 && patterns[0].bytes.is_empty() {
                "asks for the hierarchy delimiter and root (an empty pattern lists no mailbox)".into()
            } else {
                let base = if reference.name.is_empty() { String::new() } else { format!(" under \"{}\"", reference.name) };
                format!("lists the mailboxes{base} matching {pattern}: * matches any characters, % stops at the hierarchy delimiter")
            }
        }
        Lsub { pattern, .. } => format!("lists the subscribed mailboxes matching \"{}\"", pattern.text()),
        Namespace => "asks where personal, other users' and shared mailboxes live, and their delimiter".into(),
        Status { mailbox, items } => {
            format!("asks for {} of {} without selecting it", items.join(", "), mailbox_phrase(mailbox))
        }
        Append { mailbox, flags, message, .. } => {
            let flags = if flags.is_empty() {
                String::new()
            } else {
                format!(" with flags {}", flags.iter().map(|f| f.0.as_str()).collect::<Vec<_>>().join(" "))
            };
            format!("adds a {}-byte message to {}{flags}", message.bytes.len(), mailbox_phrase(mailbox))
        }
        Idle => "waits for the server to push news (new mail, expunges, flag changes) until the client sends DONE".into(),
        Enable { capabilities } => format!("turns on {} for this session", capabilities.join(", ")),
        Check => "asks the server to save the mailbox's state to disk (a no-op on most servers today)".into(),
        Close => format!(
            "closes {}: messages marked \\Deleted are removed silently (no EXPUNGE responses), then no mailbox is selected",
            ctx.mailbox_name()
        ),
        Unselect => format!("closes {} without expunging anything", ctx.mailbox_name()),
        Expunge { uids: None } => format!("permanently removes the messages marked \\Deleted from {}", ctx.mailbox_name()),
        Expunge { uids: Some(set) } => {
            format!("permanently removes the messages with UIDs {set} that are marked \\Deleted (and only those)")
        }
        Search { uid, criteria, charset, .. } => {
            let numbers = if *uid { "UIDs" } else { "message sequence numbers" };
            let charset = charset.as_ref().map_or(String::new(), |c| format!(", strings in {c}"));
            let keys = if criteria.len() == 1 { "the criterion" } else { "all the criteria" };
            format!("searches {} for messages matching {keys}{charset}; the answer lists {numbers}", ctx.mailbox_name())
        }
        Fetch { uid, set, items, .. } => {
            let what = fetch_phrase(items);
            let target = messages_phrase(*uid, set);
            let single = set.as_numbers().is_some_and(|n| n.len() == 1);
            let seen = match (sets_seen(items) && ctx.selected.as_ref().is_none_or(|s| !s.read_only), single) {
                (false, _) => "",
                (true, true) => "; this marks it \\Seen (BODY.PEEK would not)",
                (true, false) => "; this marks them \\Seen (BODY.PEEK would not)",
            };
            format!("asks for {target}: {what}{seen}")
        }
        Store { uid, set, action } => store_phrase(*uid, set, action),
        Copy { uid, set, mailbox } => {
            format!("copies {} into {}; the originals stay where they are", messages_phrase(*uid, set), mailbox_phrase(mailbox))
        }
        Move { uid, set, mailbox } => {
            format!("moves {} to {}: copied there, then expunged here", messages_phrase(*uid, set), mailbox_phrase(mailbox))
        }
        Id { parameters } => match parameters {
            Some(p) => format!(
                "tells the server who the client is ({}) and asks who the server is",
                p.iter().map(|(k, v)| format!("{k}={}", v.as_deref().unwrap_or("NIL"))).collect::<Vec<_>>().join(", ")
            ),
            None => "asks the server who it is, without saying who the client is".into(),
        },
        Compress { mechanism } => format!("turns on {mechanism} compression for the rest of the connection"),
    }
}

/// "message 3", "messages 1:4", "the message with UID 7", "the messages with UIDs 2,9".
fn messages_phrase(uid: bool, set: &crate::grammar::sequence::SequenceSet) -> String {
    let single = set.as_numbers().is_some_and(|n| n.len() == 1);
    match (uid, single) {
        (false, true) => format!("message {set}"),
        (false, false) => format!("messages {set}"),
        (true, true) => format!("the message with UID {set}"),
        (true, false) => format!("the messages with UIDs {set}"),
    }
}

fn mailbox_phrase(mailbox: &crate::grammar::mailbox::Mailbox) -> String {
    if mailbox.is_inbox() {
        "INBOX".into()
    } else if mailbox.is_utf7_encoded() {
        format!(
            "\"{}\" (written {} in modified UTF-7)",
            mailbox.name,
            mailbox.raw.text()
        )
    } else {
        format!("\"{}\"", mailbox.name)
    }
}

/// True if fetching these items sets \Seen (RFC 9051 §6.4.5).
pub fn sets_seen(items: &FetchItems) -> bool {
    items.expand().iter().any(|item| match item {
        FetchAttribute::BodySection { peek, .. } | FetchAttribute::Binary { peek, .. } => !peek,
        FetchAttribute::Rfc822 | FetchAttribute::Rfc822Text => true,
        _ => false,
    })
}

fn fetch_phrase(items: &FetchItems) -> String {
    match items {
        FetchItems::All => "flags, internal date, size and envelope (the ALL macro)".into(),
        FetchItems::Fast => "flags, internal date and size (the FAST macro)".into(),
        FetchItems::Full => {
            "flags, internal date, size, envelope and body structure (the FULL macro)".into()
        }
        FetchItems::Items(list) => list.iter().map(item_phrase).collect::<Vec<_>>().join(", "),
    }
}

fn item_phrase(item: &FetchAttribute) -> String {
    use FetchAttribute::*;
    match item {
        Envelope => "the envelope (parsed From, To, Subject, Date...)".into(),
        Flags => "the flags".into(),
        InternalDate => "the date the server received it".into(),
        Rfc822 => "the whole message (RFC822, like BODY[])".into(),
        Rfc822Header => "the header (RFC822.HEADER, like BODY.PEEK[HEADER])".into(),
        Rfc822Size => "the size in bytes".into(),
        Rfc822Text => "the body without the header (RFC822.TEXT)".into(),
        Uid => "the UID".into(),
        Body => "the MIME structure (BODY, without extension data)".into(),
        BodyStructure => "the MIME structure (BODYSTRUCTURE)".into(),
        BodySection {
            section, partial, ..
        } => {
            let part = if section.part.is_empty() {
                String::new()
            } else {
                format!(
                    " of part {}",
                    section
                        .part
                        .iter()
                        .map(u32::to_string)
                        .collect::<Vec<_>>()
                        .join(".")
                )
            };
            let what = match &section.text {
                SectionText::Full if section.part.is_empty() => {
                    "the whole message (header and body)".to_string()
                }
                SectionText::Full => format!("the content{part}"),
                SectionText::Header => format!("the header{part}"),
                SectionText::HeaderFields(f) => format!("the header fields {}{part}", f.join(", ")),
                SectionText::HeaderFieldsNot(f) => {
                    format!("the header without {}{part}", f.join(", "))
                }
                SectionText::Text => format!("the body without the header{part}"),
                SectionText::Mime => format!("the MIME header{part}"),
            };
            match partial {
                Some((offset, len)) => format!("{what}, {len} bytes from byte {offset}"),
                None => what,
            }
        }
        Binary { part, .. } => format!(
            "part {} decoded from its transfer encoding",
            join_part(part)
        ),
        BinarySize { part } => format!("the decoded size of part {}", join_part(part)),
        ModSeq => "the modification sequence (CONDSTORE)".into(),
        Other(name) => format!("{name} (an extension item)"),
    }
}

fn join_part(part: &[u32]) -> String {
    part.iter()
        .map(u32::to_string)
        .collect::<Vec<_>>()
        .join(".")
}

fn store_phrase(
    uid: bool,
    set: &crate::grammar::sequence::SequenceSet,
    action: &StoreAction,
) -> String {
    let flags: Vec<&str> = action.flags.iter().map(|f| f.0.as_str()).collect();
    let flags = flags.join(" ");
    let target = messages_phrase(uid, set);
    let verb = match action.mode {
        StoreMode::Add => format!("adds {flags} to {target}"),
        StoreMode::Remove => format!("removes {flags} from {target}"),
        StoreMode::Replace => format!("sets the flags of {target} to exactly ({flags})"),
    };
    let echo = if action.silent {
        "; .SILENT: the server does not echo the new flags"
    } else {
        "; the server answers with each message's new FLAGS"
    };
    format!("{verb}{echo}")
}
