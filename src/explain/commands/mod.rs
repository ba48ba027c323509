//! What a client message means: commands, and the client data that is not a command
//! (`DONE` ending IDLE, SASL responses during AUTHENTICATE).
//!
//! Wording only: every sentence is a template of `knowledge/data/phrases.yaml`, filled
//! from the session as it was before this message. What the message changes in the
//! session is `Context::client_sent`'s business.
//!
//! Split by command group: `mailbox` (describe and the session/mailbox commands),
//! `admin` (QUOTA, ACL, METADATA and XLIST's commands),
//! `search` (SEARCH, SORT, THREAD), `fetch` (FETCH, STORE), `notify` (NOTIFY), `display`
//! (masking secrets).

use crate::grammar::extensions::catenate::{AppendData, AppendMessage};
use crate::grammar::search::SearchKey;
use crate::grammar::sequence::SequenceSet;
use crate::grammar::{CommandBody, Diagnostic, ParsedCommand, Severity, State};
use crate::knowledge::{self, Kind};
use crate::say;
use crate::wire::Direction;
use crate::wire::Message;

mod admin;
mod display;
mod fetch;
mod mailbox;
mod notify;
mod search;

use display::display_text;
pub(crate) use display::{login_line_has_secret, mask_malformed};
pub(crate) use fetch::section_phrase;
use mailbox::describe;
pub(crate) use mailbox::id_parameters;
use search::{has_option, return_details, sort_key_template, thread_algorithm_template};

use super::context::Context;
use super::literal::summarize_literal;
use super::{Annotation, AnnotationKind, Options};

/// Masks a secret in displayed text.
pub(crate) const MASK: &str = "********";

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
pub(crate) fn explain(
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
    // The UID form's own entry where it has one: UID EXPUNGE removes only the \Deleted
    // messages among its UIDs, which EXPUNGE's entry ("every message") would deny.
    let entry = parsed
        .uid
        .then(|| knowledge::lookup(Kind::Command, &format!("UID {name}")))
        .flatten()
        .or_else(|| knowledge::lookup(Kind::Command, name));
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
        a.details
            .extend(context_details(ctx, &command.body, parsed.uid));
        a.details.extend(search::gmail_keys_detail(&command.body));
        a.details
            .extend(search::objectid_keys_details(&command.body));
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
            a.diagnostics
                .extend(fetch::uidonly_diagnostic(ctx, &command.body));
            if let CommandBody::Notify { set } = &command.body {
                a.diagnostics.extend(notify::diagnostic(set.as_ref()));
            }
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
        Notify { set } => keys.extend(notify::templates(set.as_ref())),
        GetMetadata { options, .. } => keys.extend(admin::option_templates(options)),
        SetQuota { limits, .. } => {
            // The command's own section first: a line with many resources would
            // otherwise cite only theirs.
            keys.push("command.setquota");
            keys.extend(admin::limit_templates(limits));
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
    keys.extend(condstore_templates(body));
    keys
}

/// CONDSTORE's and QRESYNC's parameters and modifiers (RFC 7162): what the line uses of
/// the extension, cited before the base command's sections.
fn condstore_templates(body: &CommandBody) -> Vec<&'static str> {
    use crate::grammar::extensions::condstore::{FetchModifier, SelectParam};
    match body {
        CommandBody::Select { parameters, .. } | CommandBody::Examine { parameters, .. } => {
            parameters
                .iter()
                .filter_map(|p| match p {
                    SelectParam::Condstore => Some("command.select.condstore"),
                    SelectParam::Qresync(_) => Some("command.select.qresync"),
                    SelectParam::Other(_) => None,
                })
                .collect()
        }
        CommandBody::Store { action, .. } if action.unchanged_since.is_some() => {
            vec!["command.store.unchanged-since"]
        }
        CommandBody::Fetch { modifiers, .. } => modifiers
            .iter()
            .filter_map(|m| match m {
                FetchModifier::ChangedSince(_) => Some("command.fetch.changed-since"),
                FetchModifier::Vanished => Some("command.fetch.vanished"),
                FetchModifier::Other(_) => None,
            })
            .collect(),
        _ => Vec::new(),
    }
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
/// things a one-line summary would otherwise leave out or get wrong. `uid`: the UID form.
fn context_details(ctx: &Context, body: &CommandBody, uid: bool) -> Vec<String> {
    use crate::grammar::extensions::condstore::{FetchModifier, SelectParam};
    use crate::grammar::extensions::list_extended::{ListReturnOption, ListSelectOption};
    let mut out = Vec::new();
    let read_only = ctx.selected.as_ref().filter(|s| s.read_only);
    let qresync = ctx.qresync;
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
                    SelectParam::Qresync(_) if !qresync => {
                        out.push(say!("command.qresync.not-enabled", what = "QRESYNC"))
                    }
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
            out.extend(fetch::store_flag_notes(action));
        }
        CommandBody::Expunge { .. } | CommandBody::Close => {
            // CLOSE says it in its summary.
            if let (Some(selected), false) = (read_only, matches!(body, CommandBody::Close)) {
                out.push(say!("command.expunge.read-only", mailbox = selected.name));
            }
        }
        CommandBody::Fetch { modifiers, .. } => {
            // VANISHED works only on UID FETCH, beside CHANGEDSINCE (a warning says so
            // otherwise), and once QRESYNC is enabled (RFC 7162 §3.2.6).
            let changed_since = modifiers
                .iter()
                .any(|m| matches!(m, FetchModifier::ChangedSince(_)));
            for m in modifiers {
                match m {
                    FetchModifier::ChangedSince(modseq) => {
                        out.push(say!("command.fetch.changed-since", modseq = modseq))
                    }
                    FetchModifier::Vanished if !(uid && changed_since) => {}
                    FetchModifier::Vanished if !qresync => {
                        out.push(say!("command.qresync.not-enabled", what = "VANISHED"))
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
        _ => out.extend(admin::details(body)),
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
