//! What a server message means: greetings, untagged data, tagged completions and
//! continuation requests, explained from the session's context.

use crate::grammar::extensions::sasl_ir::decode_base64;
use crate::grammar::msg_att::MessageAttribute;
use crate::grammar::response::{Code, Data, ListItem, Response, Status};
use crate::grammar::section::SectionText;
use crate::grammar::{Diagnostic, Severity, State};
use crate::knowledge::{self, Kind};
use crate::transcript::Direction;
use crate::wire::Message;

use super::context::Context;
use super::literal::summarize_literal;
use super::{Annotation, AnnotationKind};

/// Explains one server message.
pub fn explain(ctx: &mut Context, message: &Message) -> Annotation {
    let first = String::from_utf8_lossy(message.first_line()).into_owned();
    let parsed = super::parse_server(message);
    // The greeting is the server's first message, sent before any command, and it is
    // an untagged OK, PREAUTH or BYE (RFC 9051 §7.1). A capture that starts later has none.
    let greeting = std::mem::replace(&mut ctx.awaiting_greeting, false)
        && ctx.seen_tags.is_empty()
        && matches!(
            &parsed.response,
            Some(Response::Data(Data::Status {
                status: Status::Ok | Status::PreAuth | Status::Bye,
                ..
            }))
        );
    if greeting {
        ctx.state_known = true;
    }
    let kind = match &parsed.response {
        Some(Response::Tagged { .. }) => AnnotationKind::Tagged,
        Some(Response::Continuation { .. }) => AnnotationKind::Continuation,
        Some(Response::Data(Data::Status { .. })) if greeting => AnnotationKind::Greeting,
        _ if first.starts_with('+') => AnnotationKind::Continuation,
        _ if first.starts_with('*') => AnnotationKind::Untagged,
        _ => AnnotationKind::Tagged,
    };
    let mut a = Annotation::new(Some(Direction::Server), kind, first);
    a.tag = parsed.tag.clone();
    a.diagnostics = parsed.diagnostics.clone();
    for literal in message.literals() {
        a.literals.push(summarize_literal(literal));
    }
    if let Some(kind) = parsed.kind {
        a.cite(Kind::Response, kind);
    }
    match &parsed.response {
        Some(Response::Tagged {
            tag,
            status,
            code,
            text,
        }) => tagged(ctx, &mut a, tag, *status, code.as_ref(), text),
        Some(Response::Continuation { text, .. }) => continuation(ctx, &mut a, text),
        Some(Response::Data(data)) => {
            // Untagged data belongs to the command in progress, if there is just one.
            if ctx.pending.len() == 1 {
                a.command = ctx.pending.values().next().map(|p| {
                    if p.uid {
                        format!("UID {}", p.name)
                    } else {
                        p.name.to_string()
                    }
                });
            }
            untagged(ctx, &mut a, data, greeting, message)
        }
        None if a.kind == AnnotationKind::Untagged && is_extension_data(&a.display) => {
            let name = a.display.split(' ').nth(1).unwrap_or("").to_string();
            a.summary = if name.starts_with('X') {
                format!("{name}: an experimental response (names starting with X are private extensions); clients ignore untagged data they do not understand")
            } else {
                format!("{name}: untagged data of an extension the tutor does not cover; clients ignore untagged data they do not understand")
            };
            a.rfc.push("RFC 9051 §6.5.1".into());
            a.rfc.push("RFC 9051 §7".into());
        }
        None => {
            a.summary = match parsed.kind {
                Some(kind) => knowledge::lookup(Kind::Response, kind).map_or_else(
                    || format!("a {kind} response the tutor could not read"),
                    |e| e.summary.clone(),
                ),
                None => {
                    "unknown: the tutor could not read this server message (see the diagnostic)"
                        .into()
                }
            };
        }
    }
    a
}

fn tagged(
    ctx: &mut Context,
    a: &mut Annotation,
    tag: &str,
    status: Status,
    code: Option<&Code>,
    text: &str,
) {
    let pending = ctx.completed(tag, status == Status::Ok);
    let name = pending.as_ref().map(|p| {
        if p.uid {
            format!("UID {}", p.name)
        } else {
            p.name.to_string()
        }
    });
    a.command = name.clone().filter(|n| n != super::context::UNRECOGNISED);
    let what = match &name {
        Some(n) if n == super::context::UNRECOGNISED => {
            format!("the unrecognised command tagged {tag}")
        }
        Some(n) => format!("the {n} tagged {tag}"),
        None => {
            a.diagnostics.push(Diagnostic::new(
                Severity::Note,
                "unknown-tag",
                1,
                "response-tagged",
                format!("no command tagged {tag} was seen in this session (the capture may have started late)"),
            ));
            format!("the command tagged {tag}")
        }
    };
    let outcome = match status {
        Status::Ok => format!("completes {what}: it succeeded"),
        Status::No => format!("completes {what}: it failed (NO: understood, but the server could not do it)"),
        Status::Bad => format!("completes {what}: BAD, the server did not understand the command or it is not allowed now"),
        Status::PreAuth | Status::Bye => format!("ends {what} with {}", status.name()),
    };
    let mut summary = outcome;
    if is_dovecot_timing(text) {
        summary = summary.replacen(": it succeeded", "", 1);
        summary.push_str("; Dovecot appends its timing");
        a.details.push("(0.001 + 0.000 secs) is how long Dovecot took: it varies between runs, so comparisons ignore it".into());
        a.cite(Kind::Concept, "timing-suffix");
    }
    if let Some(code) = code {
        a.details.push(code_phrase(ctx, code));
        a.cite(Kind::ResponseCode, code.name());
        if let Code::Capability(caps) = code {
            ctx.capabilities = caps.clone();
        }
    }
    if pending
        .as_ref()
        .is_some_and(|p| p.name == "LOGIN" || p.name == "AUTHENTICATE")
        && status == Status::Ok
    {
        a.details
            .push("the session is now in the authenticated state: SELECT a mailbox next".into());
    }
    if ctx.state == State::Selected
        && pending
            .as_ref()
            .is_some_and(|p| p.name == "SELECT" || p.name == "EXAMINE")
    {
        a.details.push(format!(
            "{} is now selected: FETCH, SEARCH and STORE work on it",
            ctx.mailbox_name()
        ));
    }
    a.summary = summary;
}

fn continuation(ctx: &Context, a: &mut Annotation, text: &str) {
    a.summary = if let Some(tag) = &ctx.idling {
        format!("the server is idling for the IDLE tagged {tag}: news will arrive as untagged responses until the client sends DONE")
    } else if let Some((tag, mechanism)) = &ctx.authenticating {
        let decoded = decode_base64(text.trim().as_bytes())
            .filter(|d| !d.is_empty() && d.iter().all(|b| b.is_ascii_graphic() || *b == b' '));
        match decoded {
            Some(d) => format!(
                "the server asks for the next {mechanism} step of the AUTHENTICATE tagged {tag}: \"{}\" (base64-decoded)",
                String::from_utf8_lossy(&d)
            ),
            None => format!("the server asks for the credentials of the AUTHENTICATE tagged {tag}, in base64"),
        }
    } else {
        "the server is ready for the literal: the client may now send the bytes it announced with {n}".into()
    };
    a.cite(Kind::Concept, "continuation");
}

fn untagged(ctx: &mut Context, a: &mut Annotation, data: &Data, greeting: bool, message: &Message) {
    let mailbox = ctx
        .selecting
        .as_ref()
        .map(|(_, n, _)| n.clone())
        .unwrap_or_else(|| ctx.mailbox_name());
    a.summary = match data {
        Data::Status { status, code, text } => {
            if let Some(code) = code {
                a.cite(Kind::ResponseCode, code.name());
                if let Code::Capability(caps) = code {
                    ctx.capabilities = caps.clone();
                }
            }
            let code_text = code.as_ref().map(|c| code_phrase(ctx, c));
            match (status, greeting) {
                (Status::Ok, true) => {
                    a.details.extend(code_text);
                    "greeting: the server is ready and you are not logged in yet".to_string()
                }
                (Status::PreAuth, _) => {
                    ctx.state = State::Authenticated;
                    "greeting: the server has already authenticated you (PREAUTH); no LOGIN needed"
                        .into()
                }
                (Status::Bye, _) => {
                    let logout = ctx.pending.values().any(|p| p.name == "LOGOUT");
                    ctx.state = State::Logout;
                    if logout {
                        "the server is closing the connection, as LOGOUT asked".into()
                    } else {
                        format!("the server is closing the connection: {text}")
                    }
                }
                (_, _) => match code_text {
                    Some(t) => t,
                    None => format!(
                        "{}: a message from the server for people: \"{text}\"",
                        status.name()
                    ),
                },
            }
        }
        Data::Capability(caps) => {
            ctx.capabilities = caps.clone();
            format!(
                "the server supports {} capabilities: {}",
                caps.len(),
                caps.join(" ")
            )
        }
        Data::Enabled(caps) => format!("these extensions are now on: {}", caps.join(" ")),
        Data::Id(Some(params)) => format!(
            "the server says who it is: {}",
            params
                .iter()
                .map(|(k, v)| format!("{k}={}", v.as_deref().unwrap_or("NIL")))
                .collect::<Vec<_>>()
                .join(", ")
        ),
        Data::Id(None) => "the server prefers not to say who it is (ID NIL)".into(),
        Data::Namespace {
            personal,
            other,
            shared,
        } => {
            let describe = |ns: &Option<Vec<crate::grammar::response::NamespaceDescr>>| match ns {
                None => "none".to_string(),
                Some(list) => list
                    .iter()
                    .map(|n| {
                        format!(
                            "prefix \"{}\" delimiter {}",
                            n.prefix,
                            n.delimiter.map_or("none".into(), |d| format!("\"{d}\""))
                        )
                    })
                    .collect::<Vec<_>>()
                    .join("; "),
            };
            format!(
                "personal mailboxes: {}; other users': {}; shared: {}",
                describe(personal),
                describe(other),
                describe(shared)
            )
        }
        Data::List(item) => list_phrase(a, item, "exists"),
        Data::Lsub(item) => list_phrase(a, item, "is subscribed"),
        Data::MailboxStatus { mailbox, items } => {
            for (name, _) in items {
                a.cite(Kind::StatusItem, name);
            }
            let values: Vec<String> = items
                .iter()
                .map(|(k, v)| status_item_phrase(k, *v))
                .collect();
            format!("{}: {}", mailbox.canonical(), values.join(", "))
        }
        Data::Search { numbers, .. } => {
            let uid = ctx.pending.values().any(|p| p.name == "SEARCH" && p.uid);
            let what = if uid { "UIDs" } else { "messages" };
            if numbers.is_empty() {
                "no message matches the search".into()
            } else {
                let list: Vec<String> = numbers.iter().map(u32::to_string).collect();
                format!("{what} {} match the search", list.join(", "))
            }
        }
        Data::ESearch { items, uid, .. } => {
            let list: Vec<String> = items.iter().map(|(k, v)| format!("{k} {v}")).collect();
            format!(
                "search results as a summary{}: {}",
                if *uid { " (UIDs)" } else { "" },
                list.join(", ")
            )
        }
        Data::Flags(flags) => {
            for f in flags {
                a.cite(Kind::Flag, &f.0);
            }
            format!(
                "the flags {mailbox} uses: {}",
                flags
                    .iter()
                    .map(|f| f.0.as_str())
                    .collect::<Vec<_>>()
                    .join(" ")
            )
        }
        Data::Exists(n) => {
            if let Some(s) = ctx.selected.as_mut() {
                s.exists = Some(*n);
            }
            format!("{mailbox} holds {n} message{}", plural(*n))
        }
        Data::Recent(0) => {
            format!("no message in {mailbox} is \\Recent (new since a session last opened it)")
        }
        Data::Recent(n) => format!(
            "{n} message{} in {mailbox} {} \\Recent: new, no session has opened {mailbox} since",
            plural(*n),
            if *n == 1 { "is" } else { "are" }
        ),
        Data::Expunge(n) => {
            if let Some(s) = ctx.selected.as_mut() {
                s.exists = s.exists.map(|e| e.saturating_sub(1));
            }
            format!("message {n} was removed for good; every message after it moves down by one")
        }
        Data::Vanished { earlier, uids } => {
            let when = if *earlier {
                " (earlier, while you were away)"
            } else {
                ""
            };
            format!("the messages with UIDs {uids} were removed{when}")
        }
        Data::Fetch { seq, attributes } => fetch_phrase(a, *seq, attributes, message),
    };
}

/// `* NAME ...` where NAME is an atom: the shape every extension's untagged data has.
fn is_extension_data(line: &str) -> bool {
    let mut words = line.split(' ');
    words.next() == Some("*")
        && words.next().is_some_and(|w| {
            !w.is_empty()
                && w.bytes()
                    .all(|b| b.is_ascii_uppercase() || b == b'-' || b.is_ascii_digit())
        })
}

fn list_phrase(a: &mut Annotation, item: &ListItem, verb: &str) -> String {
    for attr in &item.attributes {
        a.cite(Kind::ListAttribute, attr);
    }
    let name = if item.mailbox.is_utf7_encoded() {
        format!(
            "\"{}\" (modified UTF-7 for \"{}\")",
            item.mailbox.raw.text(),
            item.mailbox.name
        )
    } else {
        format!("\"{}\"", item.mailbox.name)
    };
    let attrs = if item.attributes.is_empty() {
        String::new()
    } else {
        let described: Vec<String> = item
            .attributes
            .iter()
            .map(|attr| {
                knowledge::lookup(Kind::ListAttribute, attr).map_or_else(
                    || attr.clone(),
                    |e| format!("{attr} ({})", lowercase_first(&e.summary)),
                )
            })
            .collect();
        format!("; {}", described.join("; "))
    };
    let delimiter = item.delimiter.map_or(", flat (no hierarchy)".into(), |d| {
        format!(", hierarchy delimiter \"{d}\"")
    });
    format!("the mailbox {name} {verb}{delimiter}{attrs}")
}

fn fetch_phrase(
    a: &mut Annotation,
    seq: u32,
    attributes: &[MessageAttribute],
    message: &Message,
) -> String {
    let mut literal_sizes = message.literals().map(|l| l.header.size);
    let mut parts = Vec::new();
    for attr in attributes {
        a.cite(Kind::FetchItem, attr.name());
        let size_of = |data: &Option<crate::grammar::core::ImapString>,
                       sizes: &mut dyn Iterator<Item = u64>| match data {
            Some(s) => match s.form {
                crate::grammar::core::StringForm::Literal(_) => format!(
                    "{} bytes follow",
                    sizes.next().unwrap_or(s.bytes.len() as u64)
                ),
                _ => format!("{} bytes", s.bytes.len()),
            },
            None => "NIL (nothing there)".into(),
        };
        parts.push(match attr {
            MessageAttribute::Flags(flags) if flags.is_empty() => "no flags".into(),
            MessageAttribute::Flags(flags) => format!(
                "flags {}",
                flags
                    .iter()
                    .map(|f| f.0.as_str())
                    .collect::<Vec<_>>()
                    .join(" ")
            ),
            MessageAttribute::Uid(uid) => format!("UID {uid}"),
            MessageAttribute::Rfc822Size(n) => format!("{n} bytes in size"),
            MessageAttribute::InternalDate(d) => format!("received {d}"),
            MessageAttribute::ModSeq(m) => format!("modification sequence {m}"),
            MessageAttribute::Envelope(env) => {
                let subject = env
                    .subject
                    .as_ref()
                    .map_or("(no subject)".into(), |s| format!("\"{}\"", s.text()));
                let from = env.from.first().map_or("nobody".into(), |f| {
                    format!(
                        "{}@{}",
                        f.mailbox
                            .as_ref()
                            .map_or("".into(), |m| m.text().into_owned()),
                        f.host.as_ref().map_or("".into(), |h| h.text().into_owned())
                    )
                });
                format!("envelope: from {from}, subject {subject}")
            }
            MessageAttribute::Body(b) | MessageAttribute::BodyStructure(b) => {
                format!("MIME structure: {}", structure_phrase(b))
            }
            MessageAttribute::BodySection {
                section,
                origin,
                data,
            } => {
                let what = match (&section.text, section.part.is_empty()) {
                    (SectionText::Full, true) => "the whole message (header and body)".to_string(),
                    (SectionText::Header, true) => "the header".to_string(),
                    (SectionText::Text, true) => "the body without the header".to_string(),
                    (SectionText::HeaderFields(f), _) => {
                        format!("the header fields {}", f.join(", "))
                    }
                    _ => format!("section {section}"),
                };
                let from = origin.map_or(String::new(), |o| format!(" starting at byte {o}"));
                format!("{}, {what}{from}", size_of(data, &mut literal_sizes))
            }
            MessageAttribute::Rfc822(d) => format!(
                "{}, the whole message (RFC822)",
                size_of(d, &mut literal_sizes)
            ),
            MessageAttribute::Rfc822Header(d) => format!(
                "{}, the header (RFC822.HEADER)",
                size_of(d, &mut literal_sizes)
            ),
            MessageAttribute::Rfc822Text(d) => {
                format!("{}, the body (RFC822.TEXT)", size_of(d, &mut literal_sizes))
            }
            MessageAttribute::Binary { data, .. } => {
                format!("{}, decoded content", size_of(data, &mut literal_sizes))
            }
            MessageAttribute::BinarySize { size, .. } => format!("decoded size {size} bytes"),
            MessageAttribute::Other { name, value } => format!("{name} {value}"),
        });
    }
    format!("message {seq}: {}", parts.join("; "))
}

fn structure_phrase(body: &crate::grammar::body::BodyStructure) -> String {
    use crate::grammar::body::BodyStructure;
    match body {
        BodyStructure::Single {
            media_type,
            subtype,
            fields,
            ..
        } => {
            format!(
                "{}/{} ({} bytes, {})",
                media_type.to_lowercase(),
                subtype.to_lowercase(),
                fields.octets,
                fields.encoding.to_lowercase()
            )
        }
        BodyStructure::Multi { parts, subtype, .. } => {
            let inner: Vec<String> = parts.iter().map(structure_phrase).collect();
            format!(
                "multipart/{} of [{}]",
                subtype.to_lowercase(),
                inner.join(", ")
            )
        }
    }
}

/// What a response code says, in context.
pub fn code_phrase(ctx: &Context, code: &Code) -> String {
    let mailbox = ctx
        .selecting
        .as_ref()
        .map(|(_, n, _)| n.clone())
        .unwrap_or_else(|| ctx.mailbox_name());
    match code {
        Code::Unseen(n) => format!("message {n} is the first without \\Seen"),
        Code::UidValidity(v) => format!(
            "UIDs in {mailbox} stay valid as long as UIDVALIDITY is {v}; if it ever changes, a client must forget the UIDs it cached"
        ),
        Code::UidNext(n) => format!("the next message added to {mailbox} will get UID {n} or higher"),
        Code::PermanentFlags(flags) => {
            if flags.is_empty() {
                return format!("no flag can be changed for good in {mailbox}: it is open read-only, or keeps no flags");
            }
            let names: Vec<&str> = flags.iter().map(|f| f.0.as_str()).collect();
            let star = if flags.iter().any(|f| f.0 == "\\*") { "; \\* means new keywords can be created too" } else { "" };
            format!("flags the client can change and the server will keep: {}{star}", names.join(" "))
        }
        Code::ReadWrite => format!("{mailbox} is open read-write: flags can change and messages can be expunged"),
        Code::ReadOnly => format!("{mailbox} is open read-only: nothing can change, not even \\Seen"),
        Code::Capability(caps) => format!(
            "the capabilities come with this response ({} of them), so the client needs no CAPABILITY command",
            caps.len()
        ),
        Code::TryCreate => "the target mailbox does not exist: CREATE it first, then try again".into(),
        Code::Alert => "ALERT: the server says a person must read this text".into(),
        Code::AppendUid { validity, uids } => match uids.as_numbers() {
            Some(n) if n.len() == 1 => format!("the new message got UID {uids} (UIDVALIDITY {validity})"),
            _ => format!("the new messages got UIDs {uids} (UIDVALIDITY {validity})"),
        },
        Code::CopyUid { validity, source, destination } => match source.as_numbers() {
            Some(n) if n.len() == 1 => format!(
                "the message with UID {source} got UID {destination} in the target (UIDVALIDITY {validity})"
            ),
            _ => format!(
                "the messages with UIDs {source} got UIDs {destination} in the target (UIDVALIDITY {validity})"
            ),
        },
        Code::HighestModSeq(m) => format!("the highest modification sequence in {mailbox} is {m} (CONDSTORE)"),
        other => knowledge::lookup(Kind::ResponseCode, other.name())
            .map_or_else(|| format!("response code {}", other.name()), |e| format!("[{}] {}", other.name(), lowercase_first(&e.summary))),
    }
}

fn status_item_phrase(name: &str, value: u64) -> String {
    match name.to_ascii_uppercase().as_str() {
        "MESSAGES" => format!("{value} message{}", if value == 1 { "" } else { "s" }),
        "RECENT" => format!("{value} \\Recent"),
        "UNSEEN" => format!("{value} without \\Seen"),
        "UIDNEXT" => format!("next UID {value}"),
        "UIDVALIDITY" => format!("UIDVALIDITY {value}"),
        "SIZE" => format!("{value} bytes in all"),
        "DELETED" => format!("{value} marked \\Deleted"),
        other => format!("{other} {value}"),
    }
}

/// True for Dovecot's `(0.001 + 0.000 secs).` timing suffix (two or three figures).
pub fn is_dovecot_timing(text: &str) -> bool {
    let Some(open) = text.rfind(" (") else {
        return false;
    };
    let inner = text[open + 2..].trim_end_matches('.');
    let Some(figures) = inner.strip_suffix(" secs)") else {
        return false;
    };
    let parts: Vec<&str> = figures.split(" + ").collect();
    (2..=3).contains(&parts.len())
        && parts.iter().all(|p| {
            p.split_once('.').is_some_and(|(a, b)| {
                !a.is_empty() && a.bytes().chain(b.bytes()).all(|c| c.is_ascii_digit())
            })
        })
}

fn plural(n: u32) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
}

fn lowercase_first(s: &str) -> String {
    let mut chars = s.chars();
    match chars.next() {
        Some(c) => c.to_lowercase().collect::<String>() + chars.as_str(),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dovecot_timings() {
        assert!(is_dovecot_timing("Fetch completed (0.001 + 0.000 secs)."));
        assert!(is_dovecot_timing(
            "Select completed (0.002 + 0.000 + 0.001 secs)."
        ));
        assert!(!is_dovecot_timing("Logged in"));
        assert!(!is_dovecot_timing("Done (soon secs)."));
    }

    #[test]
    fn base64() {
        assert_eq!(decode_base64(b"VXNlcm5hbWU6").unwrap(), b"Username:");
        assert_eq!(
            decode_base64(b"AGFsaWNlAHNlY3JldA==").unwrap(),
            b"\0alice\0secret"
        );
        assert!(decode_base64(b"not base64!").is_none());
    }
}
