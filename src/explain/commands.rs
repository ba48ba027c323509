//! What a client message means: commands, and the client data that is not a command
//! (`DONE` ending IDLE, SASL responses during AUTHENTICATE).
//!
//! Wording only: every sentence is a template of `knowledge/data/phrases.yaml`, filled
//! from the session as it was before this message. What the message changes in the
//! session is `Context::client_sent`'s business.

use crate::grammar::command::{StoreAction, StoreMode};
use crate::grammar::core::ImapString;
use crate::grammar::extensions::catenate::{AppendData, AppendMessage, CatPart};
use crate::grammar::extensions::esearch::ReturnOption;
use crate::grammar::extensions::sort::{SortCriterion, SortKey};
use crate::grammar::extensions::thread::ThreadAlgorithm;
use crate::grammar::fetch::{FetchAttribute, FetchItems};
use crate::grammar::mailbox::Mailbox;
use crate::grammar::search::SearchKey;
use crate::grammar::section::SectionText;
use crate::grammar::sequence::SequenceSet;
use crate::grammar::status::StatusItem;
use crate::grammar::{CommandBody, Diagnostic, ParsedCommand, Severity, State};
use crate::knowledge::{self, count_key, Kind};
use crate::say;
use crate::wire::Direction;
use crate::wire::Message;

use super::context::Context;
use super::literal::summarize_literal;
use super::{Annotation, AnnotationKind, Options};

/// Masks a secret in displayed text.
pub const MASK: &str = "********";

/// Explains a client line while IDLE or AUTHENTICATE waits for it, if it is one: the
/// line is then data for that command, not a command of its own.
pub(crate) fn continuation_data(
    ctx: &Context,
    message: &Message,
    options: Options,
) -> Option<Annotation> {
    let first = String::from_utf8_lossy(message.first_line()).into_owned();
    if let Some(tag) = &ctx.idling {
        if first.trim().eq_ignore_ascii_case("DONE") {
            let mut a = Annotation::new(Some(Direction::Client), AnnotationKind::ClientData, first);
            a.tag = Some(tag.clone());
            a.command = Some("IDLE".into());
            a.summary = say!("client.done", tag = tag);
            a.cite(Kind::Command, "IDLE");
            return Some(a);
        }
    }
    let auth = ctx.authenticating.as_ref()?;
    let display = if options.show_secrets {
        first.clone()
    } else {
        MASK.to_string()
    };
    let mut a = Annotation::new(Some(Direction::Client), AnnotationKind::ClientData, display);
    a.masked = !options.show_secrets;
    a.tag = Some(auth.tag.clone());
    a.command = Some("AUTHENTICATE".into());
    let key = match (first.trim() == "*", options.show_secrets) {
        (true, _) => "client.sasl-cancel",
        (false, false) => "client.sasl-response.masked",
        (false, true) => "client.sasl-response.shown",
    };
    a.summary = say!(key, tag = auth.tag, mechanism = auth.mechanism);
    a.cite(Kind::Command, "AUTHENTICATE");
    a.cite(Kind::Concept, "base64");
    Some(a)
}

/// Explains one command line, as parsed.
pub fn explain(
    ctx: &Context,
    message: &Message,
    parsed: &ParsedCommand,
    options: Options,
) -> Annotation {
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
        a.summary = match &parsed.tag {
            Some(_) => say!("command.unknown"),
            None => say!("command.untagged"),
        };
        a.cite(Kind::Concept, "tag");
        return a;
    };
    cite_command(&mut a, parsed, name);
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
    if let Some(command) = &parsed.command {
        a.details.extend(context_details(ctx, &command.body));
    }
    if let Some(tag) = &parsed.tag {
        if ctx.seen_tags.contains(tag) {
            a.diagnostics.push(
                Diagnostic::new(
                    Severity::Note,
                    "tag-reused",
                    1,
                    "tag",
                    say!("diag.tag-reused", tag = tag),
                )
                .suggest(say!("diag.tag-reused.hint")),
            );
        }
        if let Some(command) = &parsed.command {
            a.diagnostics
                .extend(state_diagnostic(ctx, &command.body, name));
        }
    }
    a
}

/// The references of a command line, the most specific first: the UID form's own
/// section (UID EXPUNGE is RFC 4315's), the extension a part of the line comes from
/// (SEARCHRES's `$`, ESEARCH's RETURN, a SORT key's section), an extension's items
/// (BINARY is RFC 3516's), then the command's base sections.
fn cite_command(a: &mut Annotation, parsed: &ParsedCommand, name: &str) {
    if parsed.uid {
        a.cite(Kind::Command, &format!("UID {name}"));
    }
    if let Some(command) = &parsed.command {
        for key in specific_templates(&command.body) {
            a.cite_phrase(key);
        }
    }
    a.cite(Kind::Command, name);
    if parsed.uid {
        a.cite(Kind::Command, "UID");
    }
    match parsed.command.as_ref().map(|c| &c.body) {
        Some(CommandBody::Fetch { items, .. }) => {
            for item in items.expand() {
                a.cite_item(Kind::FetchItem, item.name());
            }
        }
        Some(CommandBody::Status { items, .. }) => {
            for item in items {
                a.cite_item(Kind::StatusItem, item.name());
            }
        }
        // A key's own entry: MODSEQ's section (first in a SEARCH; a SORT's or a THREAD's
        // own extension stays first), and what IMAP4rev2 did to NEW, OLD and RECENT.
        Some(body @ CommandBody::Search { criteria: keys, .. })
        | Some(body @ (CommandBody::Sort { keys, .. } | CommandBody::Thread { keys, .. })) => {
            let search = matches!(body, CommandBody::Search { .. });
            for key in keys {
                key.walk(&mut |k| match k.name() {
                    Some(name) if search => a.cite_item(Kind::SearchKey, name),
                    Some(name) => a.cite(Kind::SearchKey, name),
                    None => {}
                });
            }
        }
        _ => {}
    }
}

/// The templates whose sections a line cites before its command's own: what the line
/// uses of an extension, most specific first.
fn specific_templates(body: &CommandBody) -> Vec<&'static str> {
    use CommandBody::*;
    let mut keys = Vec::new();
    let saved_set = |set: &SequenceSet| matches!(set, SequenceSet::Saved);
    let saved_key =
        |k: &SearchKey| matches!(k, SearchKey::Uid(s) | SearchKey::SequenceSet(s) if saved_set(s));
    let uses_saved = |criteria: &[SearchKey]| {
        let mut found = false;
        for k in criteria {
            k.walk(&mut |k| found |= saved_key(k));
        }
        found
    };
    match body {
        Fetch { set, .. } | Store { set, .. } | Copy { set, .. } | Move { set, .. }
            if saved_set(set) =>
        {
            keys.push("target.saved");
        }
        Expunge { uids: Some(set) } if saved_set(set) => keys.push("target.saved"),
        Search {
            returns, criteria, ..
        } => {
            if uses_saved(criteria) {
                keys.push("target.saved");
            }
            match returns {
                Some(options) if options.len() == 1 && has_option(options, "SAVE") => {
                    keys.push("command.search.return.save-only");
                }
                Some(options) => {
                    if has_option(options, "SAVE") {
                        keys.push("command.search.save");
                    }
                    keys.push("command.search.return");
                }
                None => {}
            }
        }
        Sort {
            returns,
            criteria,
            keys: search,
            ..
        } => {
            if uses_saved(search) {
                keys.push("target.saved");
            }
            keys.push(if returns.is_some() {
                "command.sort.esearch"
            } else {
                "command.sort"
            });
            keys.extend(criteria.iter().map(|c| sort_key_template(c.key)));
        }
        Thread {
            algorithm,
            keys: search,
            ..
        } => {
            if uses_saved(search) {
                keys.push("target.saved");
            }
            keys.push("command.thread");
            keys.push(thread_algorithm_template(algorithm));
        }
        Append { messages, .. } => {
            let catenate = |m: &AppendMessage| matches!(m.data, AppendData::Catenate(_));
            if messages.len() > 1 {
                keys.push("command.append.multi");
            }
            if messages.iter().any(catenate) {
                keys.push("command.append.catenate");
            }
        }
        _ => {}
    }
    keys
}

/// A command sent in a state where it is not valid, with the way out that fits it.
fn state_diagnostic(ctx: &Context, body: &CommandBody, name: &str) -> Option<Diagnostic> {
    if !ctx.state_known || ctx.state == State::Logout {
        return None;
    }
    let allowed = body.valid_in();
    if matches!(body, CommandBody::Enable { .. }) && ctx.state != State::NotAuthenticated {
        if !ctx.ever_selected {
            return None;
        }
        // Servers need not check RFC 5161 §3.1 (Dovecot does not), so this is a warning
        // about the client, not a prediction of BAD.
        return Some(
            Diagnostic::new(
                Severity::Warning,
                "enable-after-select",
                1,
                "command",
                say!("diag.enable-after-select"),
            )
            .suggest(say!("diag.enable-after-select.hint")),
        );
    }
    if allowed.contains(&ctx.state) {
        return None;
    }
    let hint = if allowed == [State::NotAuthenticated] {
        if name == "STARTTLS" {
            "diag.wrong-state.starttls-before-login"
        } else {
            "diag.wrong-state.already-logged-in"
        }
    } else if ctx.state == State::NotAuthenticated {
        "diag.wrong-state.log-in-first"
    } else {
        "diag.wrong-state.select-first"
    };
    let wanted = match allowed {
        [one] => state_label(*one),
        [first, second] => say!(
            "state.or",
            first = state_label(*first),
            second = state_label(*second)
        ),
        _ => allowed
            .iter()
            .map(|s| state_label(*s))
            .collect::<Vec<_>>()
            .join(", "),
    };
    Some(
        Diagnostic::new(
            Severity::Warning,
            "wrong-state",
            1,
            "command",
            say!(
                "diag.wrong-state",
                command = name,
                wanted = wanted,
                now = state_label(ctx.state)
            ),
        )
        .suggest(say!(hint)),
    )
}

/// What the command's options, modifiers and the session change about its meaning: the
/// things a one-line summary would otherwise leave out or get wrong.
fn context_details(ctx: &Context, body: &CommandBody) -> Vec<String> {
    use crate::grammar::extensions::condstore::{FetchModifier, SelectParam};
    use crate::grammar::extensions::list_extended::{ListReturnOption, ListSelectOption};
    let mut out = Vec::new();
    let read_only = ctx.selected.as_ref().filter(|s| s.read_only);
    match body {
        CommandBody::Select {
            mailbox,
            parameters,
        }
        | CommandBody::Examine {
            mailbox,
            parameters,
        } => {
            if mailbox.is_inbox() && mailbox.raw.bytes != b"INBOX" {
                out.push(say!("command.inbox-case", written = mailbox.raw.text()));
            }
            for p in parameters {
                match p {
                    SelectParam::Condstore => out.push(say!("command.select.condstore")),
                    SelectParam::Qresync(q) => out.push(say!(
                        "command.select.qresync",
                        modseq = q.modseq,
                        uidvalidity = q.uidvalidity
                    )),
                    SelectParam::Other(_) => {}
                }
            }
        }
        CommandBody::Store { action, .. } => {
            if let Some(modseq) = action.unchanged_since {
                out.push(say!("command.store.unchanged-since", modseq = modseq));
            }
            if let Some(selected) = read_only {
                out.push(say!("command.store.read-only", mailbox = selected.name));
            }
        }
        CommandBody::Expunge { .. } | CommandBody::Close => {
            // CLOSE says it in its summary.
            if let (Some(selected), false) = (read_only, matches!(body, CommandBody::Close)) {
                out.push(say!("command.expunge.read-only", mailbox = selected.name));
            }
        }
        CommandBody::Fetch { modifiers, .. } => {
            for m in modifiers {
                match m {
                    FetchModifier::ChangedSince(modseq) => {
                        out.push(say!("command.fetch.changed-since", modseq = modseq))
                    }
                    FetchModifier::Vanished => out.push(say!("command.fetch.vanished")),
                    FetchModifier::Other(_) => {}
                }
            }
        }
        CommandBody::Search {
            returns: Some(options),
            ..
        }
        | CommandBody::Sort {
            returns: Some(options),
            ..
        } => out.extend(return_details(options)),
        CommandBody::List {
            selection, returns, ..
        } => {
            for o in selection {
                match o {
                    ListSelectOption::Subscribed => out.push(say!("command.list.subscribed")),
                    ListSelectOption::SpecialUse => out.push(say!("command.list.special-use")),
                    _ => {}
                }
            }
            for o in returns {
                match o {
                    ListReturnOption::Status(_) => out.push(say!("command.list.return-status")),
                    ListReturnOption::SpecialUse => {
                        out.push(say!("command.list.return-special-use"))
                    }
                    _ => {}
                }
            }
        }
        _ => {}
    }
    out
}

/// The name of a protocol state, for people.
pub(crate) fn state_label(state: State) -> String {
    say!(match state {
        State::NotAuthenticated => "state.not-authenticated",
        State::Authenticated => "state.authenticated",
        State::Selected => "state.selected",
        State::Logout => "state.logout",
    })
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
pub(crate) fn login_line_has_secret(line: &str) -> bool {
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
pub(crate) fn mask_malformed(first: &str) -> String {
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

/// The mailbox a command works on: the selected one, by name when known.
fn current(ctx: &Context) -> String {
    ctx.selected
        .as_ref()
        .map_or_else(|| say!("mailbox.unknown"), |s| s.name.clone())
}

/// What the answer to SEARCH, SORT or THREAD lists: UIDs or sequence numbers.
fn numbers_phrase(uid: bool) -> String {
    say!(if uid {
        "command.search.numbers.uid"
    } else {
        "command.search.numbers.sequence"
    })
}

/// The template of one SORT key (RFC 5256 §3, RFC 5957 §3).
fn sort_key_template(key: SortKey) -> &'static str {
    match key {
        SortKey::Arrival => "sort.key.arrival",
        SortKey::Cc => "sort.key.cc",
        SortKey::Date => "sort.key.date",
        SortKey::From => "sort.key.from",
        SortKey::Size => "sort.key.size",
        SortKey::Subject => "sort.key.subject",
        SortKey::To => "sort.key.to",
        SortKey::DisplayFrom => "sort.key.displayfrom",
        SortKey::DisplayTo => "sort.key.displayto",
        SortKey::Relevancy => "sort.key.relevancy",
    }
}

/// The template of a THREAD algorithm (RFC 5256 §3).
fn thread_algorithm_template(algorithm: &ThreadAlgorithm) -> &'static str {
    match algorithm {
        ThreadAlgorithm::References => "thread.algorithm.references",
        ThreadAlgorithm::OrderedSubject => "thread.algorithm.orderedsubject",
        ThreadAlgorithm::Refs => "thread.algorithm.refs",
        ThreadAlgorithm::Other(_) => "thread.algorithm.other",
    }
}

/// One SORT key in words.
fn sort_key_phrase(c: &SortCriterion) -> String {
    let key = say!(sort_key_template(c.key));
    if c.reverse {
        say!("command.sort.reverse", key = key)
    } else {
        key
    }
}

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
            ..
        } => list_phrase(reference, patterns),
        Lsub { pattern, .. } => say!("command.lsub", pattern = pattern.text()),
        Namespace => say!("command.namespace"),
        Status { mailbox, items } => status_phrase(mailbox, items),
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
        Expunge { uids: Some(set) } => say!("command.uid-expunge", set = set),
        CancelUpdate { tags } => say!(
            &count_key("command.cancelupdate", tags.len() as u64),
            tags = tags
                .iter()
                .map(|t| format!("\"{t}\""))
                .collect::<Vec<_>>()
                .join(", ")
        ),
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
    }
}

/// LIST: the delimiter question (`LIST "" ""`), or the patterns under a reference.
fn list_phrase(reference: &Mailbox, patterns: &[ImapString]) -> String {
    let patterns_text = patterns
        .iter()
        .map(|p| format!("\"{}\"", p.text()))
        .collect::<Vec<_>>()
        .join(", ");
    if patterns.len() == 1 && patterns[0].bytes.is_empty() {
        say!("command.list.delimiter")
    } else if reference.name.is_empty() {
        say!("command.list", patterns = patterns_text)
    } else {
        say!(
            "command.list.under",
            reference = reference.name,
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

/// The criteria and charset words that SEARCH, SORT and THREAD share.
fn criteria_phrase(count: usize) -> String {
    say!(&count_key("command.search.criteria", count as u64))
}

/// STATUS with the names of the items asked.
fn status_phrase(mailbox: &Mailbox, items: &[StatusItem]) -> String {
    let items: Vec<&str> = items.iter().map(|i| i.name()).collect();
    say!(
        "command.status",
        items = items.join(", "),
        mailbox = mailbox_phrase(mailbox)
    )
}

/// COPY or MOVE (`key`) of a message set to a mailbox.
fn transfer_phrase(key: &str, uid: bool, set: &SequenceSet, mailbox: &Mailbox) -> String {
    say!(
        key,
        target = messages_phrase(uid, set),
        mailbox = mailbox_phrase(mailbox)
    )
}

/// SEARCH, plain or with RETURN (RFC 4731 §3.1); RETURN (SAVE) alone answers nothing.
fn search_phrase(
    ctx: &Context,
    uid: bool,
    criteria: &[SearchKey],
    charset: &Option<String>,
    returns: &Option<Vec<ReturnOption>>,
) -> String {
    let criteria = criteria_phrase(criteria.len());
    let charset = charset.as_ref().map_or(String::new(), |c| {
        say!("command.search.charset", charset = c)
    });
    match returns {
        Some(options) if options.len() == 1 && has_option(options, "SAVE") => say!(
            "command.search.return.save-only",
            mailbox = current(ctx),
            criteria = criteria,
            charset = charset
        ),
        Some(options) => say!(
            "command.search.return",
            mailbox = current(ctx),
            criteria = criteria,
            charset = charset,
            options = if options.is_empty() {
                "ALL".to_owned()
            } else {
                options_text(options)
            }
        ),
        None => say!(
            "command.search",
            mailbox = current(ctx),
            criteria = criteria,
            charset = charset,
            numbers = numbers_phrase(uid)
        ),
    }
}

/// SORT, answered by `* SORT` or, with RETURN (RFC 5267 §3.2), by ESEARCH.
fn sort_phrase(
    ctx: &Context,
    uid: bool,
    criteria: &[SortCriterion],
    charset: &str,
    keys: usize,
    returns: Option<&[ReturnOption]>,
) -> String {
    let keys_text = criteria
        .iter()
        .map(sort_key_phrase)
        .collect::<Vec<_>>()
        .join(&say!("command.sort.then"));
    let criteria_text = criteria_phrase(keys);
    let charset_text = say!("command.sort.charset", charset = charset);
    match returns {
        Some(returns) => say!(
            "command.sort.esearch",
            mailbox = current(ctx),
            criteria = criteria_text,
            charset = charset_text,
            keys = keys_text,
            returns = options_text(returns)
        ),
        None => say!(
            "command.sort",
            mailbox = current(ctx),
            criteria = criteria_text,
            charset = charset_text,
            keys = keys_text,
            numbers = numbers_phrase(uid)
        ),
    }
}

/// THREAD with its algorithm's name.
fn thread_phrase(
    ctx: &Context,
    uid: bool,
    algorithm: &ThreadAlgorithm,
    charset: &str,
    keys: usize,
) -> String {
    say!(
        "command.thread",
        mailbox = current(ctx),
        criteria = criteria_phrase(keys),
        charset = say!("command.sort.charset", charset = charset),
        algorithm = match algorithm {
            ThreadAlgorithm::Other(name) => say!("thread.algorithm.other", name = name),
            known => say!(thread_algorithm_template(known)),
        },
        numbers = numbers_phrase(uid)
    )
}

/// What SEARCH's and SORT's RETURN options add to the one-line summary.
fn return_details(options: &[ReturnOption]) -> Vec<String> {
    let mut out = Vec::new();
    for o in options {
        match o {
            ReturnOption::Partial(a, b) => out.push(say!(
                "command.search.partial",
                first = a.min(b),
                last = a.max(b)
            )),
            ReturnOption::Update(_) => out.push(say!("command.search.update")),
            ReturnOption::Context => out.push(say!("command.search.context")),
            ReturnOption::Relevancy => out.push(say!("command.search.relevancy")),
            _ => {}
        }
    }
    if has_option(options, "SAVE") {
        // RFC 9051 §6.4.4.1, RFC 9394 §3.2: with MIN, MAX or PARTIAL and neither ALL
        // nor COUNT, $ holds only the messages those name.
        let part = (has_option(options, "MIN")
            || has_option(options, "MAX")
            || has_option(options, "PARTIAL"))
            && !has_option(options, "ALL")
            && !has_option(options, "COUNT");
        out.push(say!(if part {
            "command.search.save.min-max"
        } else {
            "command.search.save"
        }));
    }
    out
}

/// True if a SEARCH RETURN list holds `option`.
fn has_option(options: &[ReturnOption], option: &str) -> bool {
    options.iter().any(|o| o.name() == option)
}

/// RETURN options as written, for the summaries.
fn options_text(options: &[ReturnOption]) -> String {
    options
        .iter()
        .map(ReturnOption::to_string)
        .collect::<Vec<_>>()
        .join(" ")
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

/// "message 3", "messages 1:4", "the message with UID 7", "the messages with UIDs 2,9".
fn messages_phrase(uid: bool, set: &SequenceSet) -> String {
    if matches!(set, SequenceSet::Saved) {
        return say!("target.saved");
    }
    let single = set.as_numbers().is_some_and(|n| n.len() == 1);
    let key = if uid { "target.uid" } else { "target.sequence" };
    say!(&count_key(key, if single { 1 } else { 2 }), set = set)
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

/// FETCH: which items, and whether it marks the messages \Seen (RFC 9051 §6.4.5:
/// not after EXAMINE, and the .PEEK form of the item that did would not).
fn fetch_phrase(ctx: &Context, uid: bool, set: &SequenceSet, items: &FetchItems) -> String {
    let what = items_phrase(items);
    let target = messages_phrase(uid, set);
    let read_only = ctx.selected.as_ref().is_some_and(|s| s.read_only);
    let peek = items.expand().iter().find_map(peek_form);
    match peek {
        Some(peek) if !read_only => {
            let single = set.as_numbers().is_some_and(|n| n.len() == 1);
            say!(
                &count_key("command.fetch.sets-seen", if single { 1 } else { 2 }),
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
        } => {
            let what = section_phrase(&section.part, &section.text);
            match partial {
                Some((offset, length)) => {
                    say!(
                        "fetch.partial",
                        what = what,
                        length = length,
                        offset = offset
                    )
                }
                None => what,
            }
        }
        Binary { part, .. } if part.is_empty() => say!("fetch.binary.whole"),
        Binary { part, .. } => say!("fetch.binary", part = join_part(part)),
        BinarySize { part } => say!("fetch.binary-size", part = join_part(part)),
        ModSeq => say!("fetch.modseq"),
        SaveDate => say!("fetch.savedate"),
        Preview { modifiers, .. }
            if modifiers
                .iter()
                .any(|m| m.to_ascii_uppercase().starts_with("LAZY")) =>
        {
            say!("fetch.preview.lazy")
        }
        Preview { .. } => say!("fetch.preview"),
        Other(name) => say!("fetch.other", name = name),
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

fn join_part(part: &[u32]) -> String {
    part.iter()
        .map(u32::to_string)
        .collect::<Vec<_>>()
        .join(".")
}

fn store_phrase(uid: bool, set: &SequenceSet, action: &StoreAction) -> String {
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
