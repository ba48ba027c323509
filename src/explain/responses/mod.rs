//! What a server message means: greetings, untagged data, tagged completions and
//! continuation requests, explained from the session's context.
//!
//! Wording only: every sentence is a template of `knowledge/data/phrases.yaml`, filled
//! from the session as it was before this message. What the message changes in the
//! session (a login, a selected mailbox, new capabilities) is `Context::server_sent`'s
//! business, applied after this.
//!
//! `search` holds the phrases of search results (SEARCH, SORT, THREAD, ESEARCH).

use crate::grammar::body::BodyStructure;
use crate::grammar::core::{ImapString, StringForm};
use crate::grammar::extensions::sasl_ir::decode_base64;
use crate::grammar::mailbox::Mailbox;
use crate::grammar::msg_att::MessageAttribute;
use crate::grammar::response::{Code, Data, ListItem, NamespaceDescr, Response, Status};
use crate::grammar::sequence::SequenceSet;
use crate::grammar::{Diagnostic, ParsedResponse, Severity};
use crate::knowledge::{self, count_key, Kind};
use crate::say;
use crate::wire::Direction;
use crate::wire::Message;

mod admin;
mod notify;
mod search;

use super::commands::{id_parameters, section_phrase};
use super::context::{Context, Pending};
use super::literal::summarize_literal;
use super::{Annotation, AnnotationKind};
use admin::admin_phrase;
pub(crate) use admin::rights_phrase;
use notify::{notify_detail, say_cited};
use search::{draw_thread, esearch_phrase, search_phrase, sort_phrase};

/// Explains one server message, as parsed; `greeting` is `Context::is_greeting` of it.
pub(crate) fn explain(
    ctx: &Context,
    message: &Message,
    parsed: &ParsedResponse,
    greeting: bool,
) -> Annotation {
    let first = String::from_utf8_lossy(message.first_line()).into_owned();
    let kind = match &parsed.response {
        Some(Response::Tagged { .. }) => AnnotationKind::Tagged,
        Some(Response::Continuation { .. }) => AnnotationKind::Continuation,
        Some(Response::Data(Data::Status { .. })) if greeting => AnnotationKind::Greeting,
        _ if first.starts_with('+') => AnnotationKind::Continuation,
        _ if first.starts_with('*') => AnnotationKind::Untagged,
        _ => AnnotationKind::Tagged,
    };
    let mut a = Annotation::new(Some(Direction::Server), kind, first);
    // Data is cited by its response first, then its items; a status response by its
    // code first (CLOSED is RFC 7162's), then OK, NO, BAD, PREAUTH or BYE; a
    // continuation request by the command that asked for it first (IDLE's is RFC 2177's).
    let status = matches!(
        parsed.response,
        Some(
            Response::Tagged { .. }
                | Response::Data(Data::Status { .. })
                | Response::Continuation { .. }
        )
    );
    if let (Some(kind), false) = (parsed.kind, status) {
        a.cite(Kind::Response, kind);
    }
    a.tag = parsed.tag.clone();
    a.diagnostics = parsed.diagnostics.clone();
    for literal in message.literals() {
        a.literals.push(summarize_literal(literal));
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
                a.command = ctx.pending.values().next().and_then(Pending::shown_name);
            }
            untagged(ctx, &mut a, data, greeting, message);
        }
        None => unread(&mut a, parsed),
    }
    if let (Some(kind), true) = (parsed.kind, status) {
        a.cite(Kind::Response, kind);
    }
    if let Some(Response::Tagged { text, .. }) = &parsed.response {
        if is_dovecot_timing(text) {
            a.cite(Kind::Concept, "timing-suffix");
        }
    }
    a
}

/// A server line the grammar could not read. A response the tutor knows (`* EXISTS 93`,
/// a LIST with `""` for its delimiter) is said to be unreadable as that response, not
/// an extension's; only an untagged line names one by its second word (`d STATUS
/// completed` is a tagged line gone wrong). An unknown `* NAME` is an extension's.
fn unread(a: &mut Annotation, parsed: &ParsedResponse) {
    let untagged = a.kind == AnnotationKind::Untagged;
    let known = parsed
        .kind
        .or_else(|| known_response(&a.display).filter(|_| untagged));
    if known.is_none() && untagged && is_extension_data(&a.display) {
        let name = a.display.split(' ').nth(1).unwrap_or("").to_string();
        let key = if name.starts_with('X') {
            "response.extension.experimental"
        } else {
            "response.extension"
        };
        a.summary = say!(key, name = name);
        a.rfc.push("RFC 9051 §6.5.1".into());
        a.rfc.push("RFC 9051 §7".into());
        return;
    }
    a.unknown = known.is_none();
    let failed = parsed
        .diagnostics
        .iter()
        .any(|d| d.severity == Severity::Error);
    a.summary = match known {
        Some(kind) if failed => {
            a.cite(Kind::Response, kind);
            say!("response.unreadable", kind = kind)
        }
        Some(kind) => knowledge::lookup(Kind::Response, kind).map_or_else(
            || say!("response.unreadable", kind = kind),
            |e| e.summary.clone(),
        ),
        None => say!("response.unknown"),
    };
}

fn tagged(
    ctx: &Context,
    a: &mut Annotation,
    tag: &str,
    status: Status,
    code: Option<&Code>,
    text: &str,
) {
    let pending = ctx.pending.get(tag);
    a.command = pending.and_then(Pending::shown_name);
    let what = match pending {
        Some(p) if p.first_word => say!("response.tagged.first-word", tag = tag),
        Some(p) => match p.shown_name() {
            Some(name) => say!("response.tagged.command", command = name, tag = tag),
            None => say!("response.tagged.unrecognised", tag = tag),
        },
        None => {
            a.diagnostics.push(Diagnostic::new(
                Severity::Note,
                "unknown-tag",
                1,
                "response-tagged",
                say!("diag.unknown-tag", tag = tag),
            ));
            say!("response.tagged.unknown", tag = tag)
        }
    };
    let timing = dovecot_timing(text);
    let timed = timing.is_some();
    let key = match (status, timed) {
        (Status::Ok, false) => "response.tagged.ok",
        (Status::Ok, true) => "response.tagged.ok.timed",
        (Status::No, false) => "response.tagged.no",
        (Status::No, true) => "response.tagged.no.timed",
        (Status::Bad, false) => "response.tagged.bad",
        (Status::Bad, true) => "response.tagged.bad.timed",
        (Status::PreAuth | Status::Bye, _) => "response.tagged.ends",
    };
    a.summary = say!(key, what = what, status = status.name());
    if let Some(timing) = timing {
        a.details.push(say!("response.timing", timing = timing));
    }
    if let Some(code) = code {
        a.details.push(code_phrase(ctx, code));
        a.cite(Kind::ResponseCode, code.name());
    }
    let ok = status == Status::Ok;
    if ok && pending.is_some_and(|p| p.is("STARTTLS")) {
        a.details.push(say!("response.starttls"));
    }
    if ok && pending.is_some_and(|p| p.is("LOGIN") || p.is("AUTHENTICATE")) {
        a.details.push(say!("response.logged-in"));
    }
    let selecting = ctx.selecting.as_ref().filter(|s| s.tag == tag);
    if let (true, Some(selecting)) = (ok, selecting) {
        a.details
            .push(say!("response.now-selected", mailbox = selecting.name));
    }
    // RFC 9051 §6.3.2: a SELECT closes the selected mailbox before it tries the new
    // one, so one that fails leaves none selected (Dovecot: even a BAD one).
    let reselecting = pending
        .filter(|p| p.is("SELECT") || p.is("EXAMINE"))
        .and_then(Pending::shown_name);
    if let (false, Some(command), Some(previous)) = (ok, reselecting, ctx.selected.as_ref()) {
        let key = "response.select-failed";
        a.details
            .push(say!(key, command = command, mailbox = previous.name));
        a.cite_phrase(key);
    }
}

/// A continuation request, cited to the command that asked for it first (RFC 2177 §3
/// for IDLE's, RFC 9051 §6.2.2 for AUTHENTICATE's), then to what `+` means.
fn continuation(ctx: &Context, a: &mut Annotation, text: &str) {
    if ctx.idling.is_some() {
        a.cite(Kind::Command, "IDLE");
    } else if ctx.authenticating.is_some() {
        a.cite(Kind::Command, "AUTHENTICATE");
    }
    a.summary = if let Some(tag) = &ctx.idling {
        say!("response.continuation.idle", tag = tag)
    } else if let Some(auth) = &ctx.authenticating {
        let decoded = decode_base64(text.trim().as_bytes())
            .filter(|d| !d.is_empty() && d.iter().all(|b| b.is_ascii_graphic() || *b == b' '));
        match decoded {
            Some(d) => say!(
                "response.continuation.challenge",
                mechanism = auth.mechanism,
                tag = auth.tag,
                challenge = String::from_utf8_lossy(&d)
            ),
            None => say!("response.continuation.credentials", tag = auth.tag),
        }
    } else {
        say!("response.continuation.literal")
    };
    a.cite(Kind::Concept, "continuation");
}

/// The mailbox untagged data is about: the one being selected, or the selected one.
fn mailbox(ctx: &Context) -> String {
    ctx.current_mailbox()
        .map_or_else(|| say!("mailbox.unknown"), str::to_owned)
}

fn untagged(ctx: &Context, a: &mut Annotation, data: &Data, greeting: bool, message: &Message) {
    let mailbox = mailbox(ctx);
    a.summary = match data {
        Data::Status { status, code, text } => {
            untagged_status(ctx, a, *status, code.as_ref(), text, greeting)
        }
        Data::Capability(caps) => {
            if caps.iter().any(|c| c.eq_ignore_ascii_case("X-GM-EXT-1")) {
                a.details.push(say!("response.capability.gmail"));
            }
            say!(
                &count_key("response.capability", caps.len() as u64),
                count = caps.len(),
                list = caps.join(" ")
            )
        }
        Data::Enabled(caps) if caps.is_empty() => say!("response.enabled.none"),
        Data::Enabled(caps) => say!("response.enabled", list = caps.join(" ")),
        Data::Id(Some(params)) => say!("response.id", parameters = id_parameters(params)),
        Data::Id(None) => say!("response.id.nil"),
        Data::Namespace {
            personal,
            other,
            shared,
        } => say!(
            "response.namespace",
            personal = namespace_phrase(personal),
            other = namespace_phrase(other),
            shared = namespace_phrase(shared)
        ),
        Data::List(item) => list_phrase(ctx, a, item, false),
        Data::Lsub(item) => list_phrase(ctx, a, item, true),
        Data::MailboxStatus {
            mailbox,
            items,
            mailbox_id,
        } => mailbox_status_phrase(a, mailbox, items, mailbox_id.as_deref()),
        Data::Search { numbers, modseq } => {
            modseq_detail(a, "response.search.modseq", *modseq);
            search_phrase(ctx, numbers)
        }
        Data::ESearch { items, .. } if items.is_empty() => say!("response.esearch.empty"),
        Data::Sort { numbers, modseq } => {
            modseq_detail(a, "response.sort.modseq", *modseq);
            sort_phrase(ctx, numbers)
        }
        Data::Thread(threads) if threads.is_empty() => say!("response.thread.none"),
        Data::Thread(threads) => {
            let messages: usize = threads.iter().map(|t| draw_thread(t, &mut a.details)).sum();
            say!(
                &count_key("response.thread", threads.len() as u64),
                count = threads.len(),
                messages = messages
            )
        }
        Data::ESearch { items, uid, tag } => esearch_phrase(ctx, a, items, *uid, tag.as_deref()),
        Data::Flags(flags) => {
            for f in flags {
                a.cite_item(Kind::Flag, &f.0);
            }
            let names: Vec<&str> = flags.iter().map(|f| f.0.as_str()).collect();
            say!("response.flags", mailbox = mailbox, flags = names.join(" "))
        }
        Data::Exists(n) => say!(
            &count_key("response.exists", u64::from(*n)),
            mailbox = mailbox,
            n = n
        ),
        Data::Recent(0) => say!("response.recent.none", mailbox = mailbox),
        Data::Recent(n) => say!(
            &count_key("response.recent", u64::from(*n)),
            n = n,
            mailbox = mailbox
        ),
        Data::Expunge(n) => say!("response.expunge", n = n),
        Data::Vanished { earlier, uids } => vanished_phrase(*earlier, uids),
        Data::Fetch { .. } | Data::UidFetch { .. } => fetch_data(ctx, a, data, message),
        Data::Quota { .. }
        | Data::QuotaRoot { .. }
        | Data::Acl { .. }
        | Data::ListRights { .. }
        | Data::MyRights { .. }
        | Data::Metadata { .. } => admin_phrase(data).unwrap_or_default(),
    };
    if matches!(
        data,
        Data::Exists(_)
            | Data::Expunge(_)
            | Data::Vanished { .. }
            | Data::MailboxStatus { .. }
            | Data::List(_)
    ) {
        notify_detail(ctx, a, data);
    }
}

/// The `(MODSEQ n)` that ends a `* SEARCH` or `* SORT` answering a search by MODSEQ
/// (RFC 7162 §3.1.6, §3.1.9): said, and its section cited first.
fn modseq_detail(a: &mut Annotation, key: &str, modseq: Option<u64>) {
    let (Some(modseq), Some(phrase)) = (modseq, crate::knowledge::phrases::phrase(key)) else {
        return;
    };
    a.details.push(say!(key, modseq = modseq));
    for (at, rfc) in phrase.rfc.iter().enumerate() {
        a.rfc.insert(at, rfc.clone());
    }
}

/// FETCH data, or UIDFETCH's (RFC 9586: the number is a UID): the events NOTIFY asked
/// for, or news no command asked for, then each item.
fn fetch_data(ctx: &Context, a: &mut Annotation, data: &Data, message: &Message) -> String {
    let (Data::Fetch {
        seq: number,
        attributes,
    }
    | Data::UidFetch {
        uid: number,
        attributes,
    }) = data
    else {
        return String::new();
    };
    let by_uid = matches!(data, Data::UidFetch { .. });
    // msg-att holds at least one item: with none read (`* 10 FETCH . . .`, an RFC's
    // elision), there is nothing true to say of the message.
    if attributes.is_empty() {
        return say!("response.unreadable", kind = "FETCH");
    }
    if !notify_detail(ctx, a, data) && unsolicited_fetch(ctx) {
        a.details.push(say!("response.fetch.unsolicited"));
        let has_uid = attributes
            .iter()
            .any(|x| matches!(x, MessageAttribute::Uid(_)));
        if !has_uid && !by_uid {
            a.details.push(say!("response.fetch.unsolicited.no-uid"));
        }
    }
    if !by_uid {
        return say!(
            "response.fetch",
            seq = number,
            parts = fetch_parts(a, attributes, message)
        );
    }
    // The FETCH response's sections after RFC 9586's: the items are FETCH's.
    a.cite(Kind::Response, "FETCH");
    let parts = fetch_parts(a, attributes, message);
    say_cited(a, "response.uidfetch.uid");
    if !ctx.uid_only {
        a.details.push(say!("response.uidfetch.not-enabled"));
    }
    say!("response.uidfetch", uid = number, parts = parts)
}

/// A FETCH response no command asked for: news of a change, sent with the reply to
/// another command or during IDLE (RFC 9051 §5.2, §7.5.2). FETCH and STORE answer with
/// FETCH, and so does SELECT with QRESYNC (RFC 7162 §3.2.5). With no command known to be
/// in progress (a capture that started late), nothing is claimed.
fn unsolicited_fetch(ctx: &Context) -> bool {
    let asks = |p: &Pending| {
        ["FETCH", "STORE", "SELECT", "EXAMINE"]
            .iter()
            .any(|n| p.is(n))
    };
    !ctx.pending.is_empty() && !ctx.pending.values().any(asks)
}

/// An untagged OK, NO, BAD, PREAUTH or BYE: the greeting, a farewell, or what its
/// response code says.
fn untagged_status(
    ctx: &Context,
    a: &mut Annotation,
    status: Status,
    code: Option<&Code>,
    text: &str,
    greeting: bool,
) -> String {
    let code_text = code.map(|c| code_phrase(ctx, c));
    if let Some(code) = code {
        a.cite(Kind::ResponseCode, code.name());
    }
    match (status, greeting) {
        (Status::Ok, true) => {
            a.details.extend(code_text);
            say!("response.greeting")
        }
        (Status::PreAuth, _) => say!("response.greeting.preauth"),
        (Status::Bye, _) if ctx.pending.values().any(|p| p.is("LOGOUT")) => {
            say!("response.bye.logout")
        }
        (Status::Bye, _) => say!("response.bye", text = text),
        (_, _) => code_text
            .unwrap_or_else(|| say!("response.status-text", status = status.name(), text = text)),
    }
}

/// `* STATUS mailbox (items)`, each item cited.
fn mailbox_status_phrase(
    a: &mut Annotation,
    mailbox: &Mailbox,
    items: &[(String, u64)],
    mailbox_id: Option<&str>,
) -> String {
    for (name, _) in items {
        a.cite_item(Kind::StatusItem, name);
    }
    let mut values: Vec<String> = items
        .iter()
        .map(|(k, v)| status_item_phrase(k, *v))
        .collect();
    if let Some(id) = mailbox_id {
        a.cite_item(Kind::StatusItem, "MAILBOXID");
        values.push(say!("status.mailboxid", id = id));
    }
    if values.is_empty() {
        say!("response.status.empty", mailbox = mailbox.canonical())
    } else {
        say!(
            "response.status",
            mailbox = mailbox.canonical(),
            values = values.join(", ")
        )
    }
}

fn namespace_phrase(ns: &Option<Vec<NamespaceDescr>>) -> String {
    match ns {
        None => say!("response.namespace.none"),
        Some(list) => list
            .iter()
            .map(|n| {
                say!(
                    "response.namespace.entry",
                    prefix = n.prefix,
                    delimiter = n
                        .delimiter
                        .map_or_else(|| say!("response.namespace.none"), |d| format!("\"{d}\""))
                )
            })
            .collect::<Vec<_>>()
            .join("; "),
    }
}

/// `* NAME ...` where NAME is an atom: the shape every extension's untagged data has.
/// The name of an untagged response the knowledge base explains, as the line's second
/// word (`* EXISTS 93`: EXISTS, out of place), when the grammar could not say.
fn known_response(line: &str) -> Option<&'static str> {
    let word = line.split(' ').nth(1)?;
    knowledge::lookup(Kind::Response, word).map(|e| e.name.as_str())
}

fn is_extension_data(line: &str) -> bool {
    let mut words = line.split(' ');
    words.next() == Some("*")
        && words.next().is_some_and(|w| {
            !w.is_empty()
                && w.bytes()
                    .all(|b| b.is_ascii_uppercase() || b == b'-' || b.is_ascii_digit())
        })
}

/// A LIST or LSUB line. Only a name listed without \Noselect or \NonExistent is said to
/// exist; the answer to an empty pattern gives the delimiter and the root (RFC 3501
/// §6.3.8), not a mailbox.
fn list_phrase(ctx: &Context, a: &mut Annotation, item: &ListItem, lsub: bool) -> String {
    for attr in &item.attributes {
        a.cite_item(Kind::ListAttribute, attr);
    }
    let has = |name: &str| item.attributes.iter().any(|x| x.eq_ignore_ascii_case(name));
    let name = if item.mailbox.is_utf7_encoded() {
        say!(
            "response.list.utf7",
            written = item.mailbox.raw.text(),
            name = item.mailbox.name
        )
    } else {
        format!("\"{}\"", item.mailbox.name)
    };
    let asked_root = !lsub && ctx.pending.values().any(|p| p.is("LIST") && lists_root(p));
    if asked_root {
        return match (item.delimiter, item.mailbox.name.is_empty()) {
            (None, _) => say!("response.list.root.flat"),
            (Some(d), true) => say!("response.list.root", delimiter = d),
            (Some(d), false) => say!("response.list.root.named", delimiter = d, name = name),
        };
    }
    let attributes = if item.attributes.is_empty() {
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
    let delimiter = item.delimiter.map_or_else(
        || say!("response.list.flat"),
        |d| say!("response.list.delimiter", delimiter = d),
    );
    let key = if lsub {
        "response.lsub"
    } else if has("\\NonExistent") {
        "response.list.nonexistent"
    } else if has("\\Noselect") {
        "response.list.noselect"
    } else {
        "response.list"
    };
    say!(
        key,
        name = name,
        delimiter = delimiter,
        attributes = attributes
    )
}

/// True for `LIST ref ""`: a request for the delimiter and the root name.
fn lists_root(pending: &Pending) -> bool {
    match pending.command.as_ref().map(|c| &c.body) {
        Some(crate::grammar::CommandBody::List { patterns, .. }) => {
            patterns.len() == 1 && patterns[0].bytes.is_empty()
        }
        _ => false,
    }
}

/// The size of a FETCH value: "445 bytes follow" for a literal, "12 bytes", or NIL.
fn size_of(data: &Option<ImapString>, sizes: &mut dyn Iterator<Item = u64>) -> String {
    match data {
        Some(s) => match s.form {
            StringForm::Literal(_) => say!(
                "data.literal",
                n = sizes.next().unwrap_or(s.bytes.len() as u64)
            ),
            _ => say!("data.bytes", n = s.bytes.len()),
        },
        None => say!("data.nil"),
    }
}

/// The items of FETCH or UIDFETCH data, each said and cited.
fn fetch_parts(a: &mut Annotation, attributes: &[MessageAttribute], message: &Message) -> String {
    let mut sizes = message.literals().map(|l| l.header.size);
    let mut parts = Vec::new();
    if attributes.iter().any(|x| !gmail_part(x).is_empty()) {
        a.details.push(say!("response.fetch.gmail"));
    }
    for attr in attributes {
        a.cite_item(Kind::FetchItem, attr.name());
        parts.push(match attr {
            MessageAttribute::Flags(flags) if flags.is_empty() => say!("data.no-flags"),
            MessageAttribute::Flags(flags) => {
                for f in flags {
                    a.cite_item(Kind::Flag, &f.0);
                }
                let names: Vec<&str> = flags.iter().map(|f| f.0.as_str()).collect();
                say!("data.flags", flags = names.join(" "))
            }
            MessageAttribute::Uid(uid) => say!("data.uid", uid = uid),
            MessageAttribute::Rfc822Size(n) => say!("data.size", n = n),
            MessageAttribute::InternalDate(d) => say!("data.internaldate", date = d),
            MessageAttribute::ModSeq(m) => say!("data.modseq", modseq = m),
            MessageAttribute::SaveDate(Some(d)) => say!("data.savedate", date = d),
            MessageAttribute::SaveDate(None) => say!("data.savedate.nil"),
            MessageAttribute::EmailId(id) => say!("data.emailid", id = id),
            MessageAttribute::ThreadId(Some(id)) => say!("data.threadid", id = id),
            MessageAttribute::ThreadId(None) => say!("data.threadid.nil"),
            MessageAttribute::Preview(p) => match &p.text {
                Some(text) => {
                    if let StringForm::Literal(_) = text.form {
                        sizes.next();
                    }
                    match text.text() {
                        t if t.is_empty() => say!("data.preview.empty"),
                        t => say!("data.preview", text = t),
                    }
                }
                None => say!("data.preview.nil"),
            },
            MessageAttribute::Envelope(env) => {
                let subject = env.subject.as_ref().map_or_else(
                    || say!("data.envelope.no-subject"),
                    |s| format!("\"{}\"", s.text()),
                );
                let from = env.from.first().map_or_else(
                    || say!("data.envelope.nobody"),
                    |f| {
                        let part = |s: &Option<ImapString>| {
                            s.as_ref().map_or(String::new(), |m| m.text().into_owned())
                        };
                        format!("{}@{}", part(&f.mailbox), part(&f.host))
                    },
                );
                say!("data.envelope", from = from, subject = subject)
            }
            // Named apart: a line can carry both (RFC 9051 §7.5.2: BODY is BODYSTRUCTURE
            // without extension data), and two bare "MIME structure" read as a repetition.
            MessageAttribute::Body(b) => say!("data.structure", structure = structure_phrase(b)),
            MessageAttribute::BodyStructure(b) => {
                say!("data.bodystructure", structure = structure_phrase(b))
            }
            MessageAttribute::BodySection {
                section,
                origin,
                data,
            } => {
                let what = section_phrase(&section.part, &section.text);
                let origin = origin.map_or(String::new(), |o| say!("data.origin", origin = o));
                say!(
                    "data.section",
                    size = size_of(data, &mut sizes),
                    what = what,
                    origin = origin
                )
            }
            MessageAttribute::Rfc822(d) => say!("data.rfc822", size = size_of(d, &mut sizes)),
            MessageAttribute::Rfc822Header(d) => {
                say!("data.rfc822-header", size = size_of(d, &mut sizes))
            }
            MessageAttribute::Rfc822Text(d) => {
                say!("data.rfc822-text", size = size_of(d, &mut sizes))
            }
            MessageAttribute::Binary { data, .. } => {
                say!("data.binary", size = size_of(data, &mut sizes))
            }
            MessageAttribute::BinarySize { size, .. } => say!("data.binary-size", n = size),
            MessageAttribute::GmailMessageId(_)
            | MessageAttribute::GmailThreadId(_)
            | MessageAttribute::GmailLabels(_) => gmail_part(attr),
            MessageAttribute::Other { name, value } => format!("{name} {value}"),
        });
    }
    parts.join("; ")
}

/// Gmail's items (no RFC: Google's "IMAP Extensions" page); empty for any other item.
fn gmail_part(attr: &MessageAttribute) -> String {
    match attr {
        MessageAttribute::GmailMessageId(id) => say!("data.gmail-msgid", id = id),
        MessageAttribute::GmailThreadId(id) => say!("data.gmail-thrid", id = id),
        MessageAttribute::GmailLabels(labels) if labels.is_empty() => {
            say!("data.gmail-labels.none")
        }
        MessageAttribute::GmailLabels(labels) => {
            // A label with a space is one label: quoted, as on the wire.
            let shown: Vec<String> = labels
                .iter()
                .map(|l| match l.contains(' ') {
                    true => format!("\"{l}\""),
                    false => l.clone(),
                })
                .collect();
            say!("data.gmail-labels", labels = shown.join(" "))
        }
        _ => String::new(),
    }
}

fn structure_phrase(body: &BodyStructure) -> String {
    match body {
        BodyStructure::Single {
            media_type,
            subtype,
            fields,
            ..
        } => say!(
            "data.structure.single",
            media = media_type.to_lowercase(),
            subtype = subtype.to_lowercase(),
            size = fields.octets,
            encoding = fields.encoding.to_lowercase()
        ),
        BodyStructure::Multi { parts, subtype, .. } => {
            let inner: Vec<String> = parts.iter().map(structure_phrase).collect();
            say!(
                "data.structure.multi",
                subtype = subtype.to_lowercase(),
                parts = inner.join(", ")
            )
        }
    }
}

/// What a response code says, in context.
pub(crate) fn code_phrase(ctx: &Context, code: &Code) -> String {
    let mailbox = mailbox(ctx);
    match code {
        Code::Unseen(n) => say!("code.unseen", n = n),
        Code::UidValidity(v) => say!("code.uidvalidity", mailbox = mailbox, value = v),
        Code::UidNext(n) => say!("code.uidnext", mailbox = mailbox, n = n),
        Code::PermanentFlags(flags) if flags.is_empty() => {
            say!("code.permanentflags.none", mailbox = mailbox)
        }
        Code::PermanentFlags(flags) => {
            let names: Vec<&str> = flags.iter().map(|f| f.0.as_str()).collect();
            let key = if flags.iter().any(|f| f.0 == "\\*") {
                "code.permanentflags.star"
            } else {
                "code.permanentflags"
            };
            say!(key, flags = names.join(" "))
        }
        Code::ReadWrite => say!("code.read-write", mailbox = mailbox),
        Code::ReadOnly => say!("code.read-only", mailbox = mailbox),
        Code::Capability(caps) => say!("code.capability", n = caps.len()),
        Code::TryCreate => say!("code.trycreate"),
        Code::Alert => say!("code.alert"),
        Code::AppendUid { validity, uids } => {
            let n = uids.as_numbers().map_or(2, |n| n.len() as u64);
            say!(
                &count_key("code.appenduid", n),
                uids = uids,
                validity = validity
            )
        }
        Code::CopyUid {
            validity,
            source,
            destination,
        } => {
            let n = source.as_numbers().map_or(2, |n| n.len() as u64);
            say!(
                &count_key("code.copyuid", n),
                source = source,
                destination = destination,
                validity = validity
            )
        }
        Code::HighestModSeq(m) => say!("code.highestmodseq", mailbox = mailbox, modseq = m),
        Code::Metadata(m) => admin::metadata_code_phrase(m),
        Code::MailboxId(id) => say!("code.mailboxid", id = id),
        other => knowledge::lookup(Kind::ResponseCode, other.name()).map_or_else(
            || say!("code.unknown", name = other.name()),
            |e| {
                say!(
                    "code.other",
                    name = other.name(),
                    summary = lowercase_first(&e.summary)
                )
            },
        ),
    }
}

/// `* VANISHED` (RFC 7162 §3.2.10): one UID ("4") reads in the singular, a set
/// ("4,7:9") in the plural.
fn vanished_phrase(earlier: bool, uids: &SequenceSet) -> String {
    let one = uids.as_numbers().is_some_and(|n| n.len() == 1);
    let key = match (earlier, one) {
        (true, true) => "response.vanished.earlier.one",
        (true, false) => "response.vanished.earlier",
        (false, true) => "response.vanished.one",
        (false, false) => "response.vanished",
    };
    say!(key, uids = uids)
}

fn status_item_phrase(name: &str, value: u64) -> String {
    let key = match name.to_ascii_uppercase().as_str() {
        "MESSAGES" => count_key("status.messages", value),
        "RECENT" => "status.recent".into(),
        "UNSEEN" => "status.unseen".into(),
        "UIDNEXT" => "status.uidnext".into(),
        "UIDVALIDITY" => "status.uidvalidity".into(),
        "SIZE" => "status.size".into(),
        "DELETED" => "status.deleted".into(),
        _ => return format!("{name} {value}"),
    };
    say!(&key, n = value)
}

/// True for Dovecot's `(0.001 + 0.000 secs).` timing suffix (two or three figures).
pub(crate) fn is_dovecot_timing(text: &str) -> bool {
    dovecot_timing(text).is_some()
}

/// Dovecot's timing at the end of a tagged reply's text, `(0.516 + 0.514 + 0.515 secs)`:
/// the explanation quotes the line's own figures, not an example's.
fn dovecot_timing(text: &str) -> Option<&str> {
    let open = text.rfind(" (")?;
    let timing = text[open + 1..].trim_end_matches('.');
    let figures = timing.strip_prefix('(')?.strip_suffix(" secs)")?;
    let parts: Vec<&str> = figures.split(" + ").collect();
    let numbers = parts.iter().all(|p| {
        p.split_once('.').is_some_and(|(a, b)| {
            !a.is_empty() && a.bytes().chain(b.bytes()).all(|c| c.is_ascii_digit())
        })
    });
    ((2..=3).contains(&parts.len()) && numbers).then_some(timing)
}

/// "The server ..." becomes "the server ..." inside a sentence, but a summary that opens
/// with a protocol word ("SEARCH failed", "COMPRESS refused") keeps its case.
fn lowercase_first(s: &str) -> String {
    let mut chars = s.chars();
    match (chars.next(), chars.clone().next()) {
        (Some(c), Some(next)) if c.is_uppercase() && !next.is_uppercase() => {
            c.to_lowercase().collect::<String>() + chars.as_str()
        }
        _ => s.to_string(),
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
