//! From a client message to a handler, as Dovecot reads it: the tag and the command
//! word (echoed back in its errors), the state a command needs, the arguments Dovecot
//! tolerates, and its BAD wording when the grammar refuses a line.

use super::*;
use crate::grammar::extensions::metadata as metadata_grammar;
use crate::mock::lexical::{Place, Quotes};

/// The tag and command word of a line, as Dovecot reads them before parsing.
pub(crate) fn words(line: &[u8]) -> (String, String) {
    let text = String::from_utf8_lossy(line);
    let mut it = text.splitn(3, ' ');
    let tag = it.next().unwrap_or("").to_owned();
    let word = it.next().unwrap_or("").to_owned();
    (tag, word)
}

/// Dovecot's tag check (imap-login-client.c `imap_is_valid_tag`; imap accepts the same).
pub(crate) fn valid_tag(tag: &str) -> bool {
    !tag.is_empty()
        && tag.len() <= 100
        && tag.bytes().all(|b| {
            !matches!(
                b,
                b'+' | b'(' | b')' | b'{' | b'/' | b' ' | b'%' | b'*' | b'"' | b'\\'
            ) && (b' '..0x7f).contains(&b)
        })
}

/// Commands some fixtures advertise but the mock does not implement, with the
/// capability that announces each.
const UNIMPLEMENTED: [(&str, &str); 9] = [
    ("COMPRESS", "COMPRESS="),
    ("GETQUOTA", "QUOTA"),
    ("GETQUOTAROOT", "QUOTA"),
    ("SETQUOTA", "QUOTA"),
    ("GETMETADATA", "METADATA"),
    ("SETMETADATA", "METADATA"),
    ("URLFETCH", "URLAUTH"),
    ("GENURLAUTH", "URLAUTH"),
    ("ESEARCH", "MULTISEARCH"),
];

/// Commands of plugins the lab's Dovecot does not load (quota, acl): it does not know
/// them, whatever their arguments, and answers `BAD ... Unknown command` (admin.txt).
/// The grammar parses them, and its diagnostics still go to the tutor.
const NOT_LOADED: [&str; 8] = [
    "GETQUOTA",
    "GETQUOTAROOT",
    "SETQUOTA",
    "SETACL",
    "DELETEACL",
    "GETACL",
    "LISTRIGHTS",
    "MYRIGHTS",
];

/// Commands whose Dovecot handler ignores arguments it does not expect (`NOOP extra`
/// and `SELECT INBOX extra` are OK in the battery). Named quirk: the grammar calls
/// it an error, the server does not; the tutor still gets the diagnostic.
const LENIENT: [&str; 13] = [
    "CAPABILITY",
    "NOOP",
    "LOGOUT",
    "STARTTLS",
    "CHECK",
    "CLOSE",
    "EXPUNGE",
    "UNSELECT",
    "NAMESPACE",
    "IDLE",
    "SELECT",
    "EXAMINE",
    // cmd-setmetadata.c stops reading at the list's `)`.
    "SETMETADATA",
];

/// Runs one whole client message. `None` when nothing more is to be sent.
pub(crate) fn run(
    conn: &mut Conn,
    store: &Store,
    config: &Config,
    message: &Message,
    out: &mut Reply,
    events: &mut Vec<Event>,
) -> Option<Done> {
    // COPY, MOVE, UID EXPUNGE read only their first arguments: Dovecot never sees the rest.
    let shortened = (conn.state != State::NotAuthenticated)
        .then(|| arguments::unread_cut(message))
        .flatten();
    let message = shortened.as_ref().unwrap_or(message);
    let first = message.first_line();
    let (tag, word) = words(first);
    // Dovecot reads a command word up to a CR (`F<CR>O` is the unknown command F).
    let word = word.split('\r').next().unwrap_or_default().to_owned();
    let text = message.grammar_text();
    let mut parsed = parse_command(&text);
    // The grammar reads what the learner meant (`c1LOGIN` is "c1" and LOGIN); Dovecot
    // reads words (`c1LOGIN` is the tag, the next word the command). The wire follows
    // Dovecot: a guess the words do not bear out is an unknown command.
    let trusted = parsed.name.is_some_and(|n| {
        word.eq_ignore_ascii_case(n) || (parsed.uid && word.eq_ignore_ascii_case("UID"))
    });
    if !trusted || parsed.name.is_some_and(|n| NOT_LOADED.contains(&n)) {
        parsed.name = None;
        parsed.command = None;
    }
    let single_line = message.parts.len() == 1;
    let mut cx = Cx {
        conn,
        store,
        config,
        out,
        events,
    };
    let authenticated = cx.conn.state != State::NotAuthenticated;
    if let Some(done) = refused_bytes(&tag, message, &parsed, authenticated) {
        diagnose(&mut cx, &tag, &parsed);
        return Some(done);
    }
    let mut command = command_of(&tag, &parsed, first, single_line);
    if command.is_none() && parsed.name == Some("ID") {
        match any_id(&tag, first, authenticated) {
            Ok(id) => command = id,
            Err(done) => return Some(*done),
        }
    }
    if cx.conn.state == State::NotAuthenticated {
        Some(before_login(&mut cx, &tag, &word, &parsed, command))
    } else {
        Some(after_login(
            &mut cx,
            &tag,
            &word,
            (first, &text),
            &parsed,
            command,
        ))
    }
}

/// An ID the grammar refused, as Dovecot takes it: after login cmd-id.c answers any
/// line its parser reads; imap-login answers a list or nothing, and refuses an atom
/// or string with its own words. `Ok(None)` leaves the line to the usual reasons.
fn any_id(tag: &str, first: &[u8], authenticated: bool) -> Result<Option<Command>, Box<Done>> {
    if lexical::unbalanced(first).is_some() {
        return Ok(None);
    }
    let args = arguments::command_words(first).map_or(&b""[..], |(_, _, at)| &first[at..]);
    if !(authenticated || args.is_empty() || args.starts_with(b"(")) {
        return Err(Box::new(Done::bad(tag, "Invalid ID parameters").untimed()));
    }
    let body = CommandBody::Id { parameters: None };
    Ok(Some(Command {
        tag: tag.to_owned(),
        body,
    }))
}

/// Bytes Dovecot's parser refuses before any command sees them ([`lexical`]): its
/// fixed answer, which never echoes them. `None` when the usual paths answer.
fn refused_bytes(
    tag: &str,
    message: &Message,
    parsed: &ParsedCommand,
    authenticated: bool,
) -> Option<Done> {
    if !valid_tag(tag) {
        return None;
    }
    let first = message.first_line();
    let mut words = first.split(|&b| b == b' ');
    let _tag = words.next()?;
    let word = words.next().filter(|w| !w.is_empty())?;
    if !authenticated {
        // imap-login reads every line whole: a bare CR is refused whatever the
        // command; other bytes only in a command it knows.
        let error = lexical::check(message, tag.len() + 1)?;
        let known = parsed.name.is_some();
        return (known || error == LexError::CrWithoutLf)
            .then(|| Done::bad(tag, error.text()).untimed());
    }
    let invalid_name = || Done::bad(tag, "Error in IMAP command: Invalid command name");
    let cut = word.split(|&b| b == b'\r').next().unwrap_or_default();
    if !lexical::valid_command_word(cut) {
        return Some(invalid_name());
    }
    let name = parsed.name?;
    // The arguments start right after the word: `SEARCH<CR><NUL>` has a bare CR in
    // them (Dovecot: `CR sent without LF`), however the line was split on spaces.
    let mut args_at = tag.len() + 1 + cut.len();
    let shown = if parsed.uid {
        let sub = words.next().unwrap_or_default();
        let sub = sub.split(|&b| b == b'\r').next().unwrap_or_default();
        if word.len() != cut.len() || !lexical::valid_command_word(sub) {
            return Some(invalid_name());
        }
        args_at += 1 + sub.len();
        format!("UID {name}")
    } else {
        name.to_owned()
    };
    if lexical::IGNORES_ARGUMENTS.contains(&name) || lexical::LOGIN_ONLY.contains(&name) {
        return None;
    }
    let error = lexical::check(message, args_at)?;
    Some(Done::bad(tag, w::command_error(&shown, error.text())))
}

fn diagnose(cx: &mut Cx, tag: &str, parsed: &ParsedCommand) {
    cx.events.push(Event::Diagnostic {
        tag: (!tag.is_empty()).then(|| tag.to_owned()),
        command: parsed.name.map(|n| {
            if parsed.uid {
                format!("UID {n}")
            } else {
                n.to_owned()
            }
        }),
        diagnostics: parsed.diagnostics.clone(),
    });
}

/// The diagnostic that answers a line the grammar could not read: its first error, or,
/// when the grammar only warns, the argument it stopped at. Syntax of an extension the
/// grammar does not read yet (RFC 9394's negative PARTIAL ranges) is a warning for
/// the learner, but the line is still unread, and Dovecot has its own words for it.
pub(crate) fn first_error_of(parsed: &ParsedCommand) -> Option<&crate::grammar::Diagnostic> {
    let mut all = parsed.diagnostics.iter();
    let error = all
        .clone()
        .find(|d| d.severity == crate::grammar::Severity::Error);
    match (error, &parsed.command) {
        (None, None) => all.find(|d| d.code == "bad-argument"),
        (error, _) => error,
    }
}

/// The command as the grammar understood it, or as Dovecot understands it where
/// Dovecot is more lenient: extra arguments it ignores (cut off and parsed again),
/// partials without a length, and ENABLE without arguments.
fn command_of(
    tag: &str,
    parsed: &ParsedCommand,
    first: &[u8],
    single_line: bool,
) -> Option<Command> {
    if let Some(cmd) = &parsed.command {
        return Some(Command {
            tag: tag.to_owned(),
            body: cmd.body.clone(),
        });
    }
    let name = parsed.name?;
    let error = first_error_of(parsed)?;
    // Dovecot's parser skips the blanks between arguments that the grammar refuses.
    if let Some(text) = single_line
        .then(|| squeeze_spaces(first, parsed.uid))
        .flatten()
    {
        if let Some(cmd) = parse_command(&text).command {
            return Some(Command {
                tag: tag.to_owned(),
                body: cmd.body,
            });
        }
    }
    // Dovecot reads a FETCH partial without its length (`BODY[]<15>`) as from the
    // origin to the end; the grammar, teaching the ABNF, refuses it.
    if error.rule == "partial" && single_line {
        if let Some(cmd) = open_partials(first).and_then(|t| parse_command(&t).command) {
            return Some(Command {
                tag: tag.to_owned(),
                body: cmd.body,
            });
        }
    }
    // Zeros Dovecot takes where the ABNF has nz-number (`BINARY[0]`, `<5.0>`).
    if name == "FETCH" && single_line {
        if let Some(cmd) = super::fetch::with_zeros(tag, first) {
            return Some(cmd);
        }
    }
    if name == "ENABLE" && error.code == "missing-argument" {
        return Some(Command {
            tag: tag.to_owned(),
            body: CommandBody::Enable {
                capabilities: Vec::new(),
            },
        });
    }
    let cut = error.column.saturating_sub(1).min(first.len());
    let mut text = first[..cut].to_vec();
    while text.last() == Some(&b' ') {
        text.pop();
    }
    // cmd-getmetadata.c looks for the end of the line only after a single entry, not
    // after a list of entries.
    let entry_list = name == "GETMETADATA" && text.ends_with(b")");
    // A blank at the end is no argument to Dovecot's parser (`NOOP `).
    let blank_end = first[cut..].iter().all(|&b| b == b' ');
    let extra = error.code == "unexpected-argument"
        || blank_end
        || (entry_list && error.expected.as_deref() == Some(metadata_grammar::OPTIONS_FIRST));
    if !(LENIENT.contains(&name) || entry_list) || parsed.uid || !extra || !single_line {
        return None;
    }
    text.extend_from_slice(b"\r\n");
    let again = parse_command(&text);
    again.command.map(|cmd| Command {
        tag: tag.to_owned(),
        body: cmd.body,
    })
}

/// `first` with each `]<origin>` given the longest length (`]<15.4294967295>`), which
/// sends the rest of the section as Dovecot's `<origin>` does; `None` if there is none.
fn open_partials(first: &[u8]) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(first.len() + 11);
    let mut changed = false;
    let mut i = 0;
    while i < first.len() {
        out.push(first[i]);
        if first[i] == b'<' && i > 0 && first[i - 1] == b']' {
            let digits = first[i + 1..]
                .iter()
                .take_while(|b| b.is_ascii_digit())
                .count();
            if digits > 0 && first.get(i + 1 + digits) == Some(&b'>') {
                out.extend_from_slice(&first[i + 1..i + 1 + digits]);
                out.extend_from_slice(b".4294967295");
                i += 1 + digits;
                changed = true;
                continue;
            }
        }
        i += 1;
    }
    changed.then_some(out)
}

/// `first` with the blanks Dovecot's argument parser skips taken out (runs of spaces,
/// spaces just inside parentheses, spaces at the end), and CRLF; `None` if there are
/// none. The tag, the command name and UID's command are read as words and stay.
pub(super) fn squeeze_spaces(first: &[u8], uid: bool) -> Option<Vec<u8>> {
    let mut prefix = 0;
    for _ in 0..if uid { 3 } else { 2 } {
        let word = first[prefix..]
            .iter()
            .position(|&b| b == b' ')
            .unwrap_or(first.len() - prefix);
        prefix += word;
        if prefix < first.len() {
            prefix += 1;
        }
    }
    let mut out = first[..prefix].to_vec();
    let mut quotes = Quotes::default();
    for &b in &first[prefix..] {
        if quotes.step(b) != Place::Outside {
            out.push(b);
            continue;
        }
        match b {
            b' ' if matches!(out.last(), Some(b' ' | b'(')) || out.len() == prefix => continue,
            b')' => {
                while out.len() > prefix && out.last() == Some(&b' ') {
                    out.pop();
                }
            }
            _ => {}
        }
        out.push(b);
    }
    while out.len() > prefix && out.last() == Some(&b' ') {
        out.pop();
    }
    if out == first {
        return None;
    }
    out.extend_from_slice(b"\r\n");
    Some(out)
}

/// The word of the first line at a diagnostic's column, as Dovecot echoes it.
/// The command word after `UID` (`FOO` in `t UID FOO 1`), upper-cased.
fn second_word(first: &[u8]) -> Option<String> {
    let mut words = first.split(|&b| b == b' ').filter(|w| !w.is_empty());
    let _tag = words.next()?;
    let _uid = words.next()?;
    let sub = words.next()?;
    Some(String::from_utf8_lossy(sub).to_ascii_uppercase())
}

/// True if the error at `column` lies inside an atom that follows a SEARCH date key
/// (`SINCE`, `SENTBEFORE`...).
fn after_date_key(first: &[u8], column: usize) -> bool {
    const DATE_KEYS: [&str; 9] = [
        "BEFORE",
        "ON",
        "SINCE",
        "SENTBEFORE",
        "SENTON",
        "SENTSINCE",
        "SAVEDBEFORE",
        "SAVEDON",
        "SAVEDSINCE",
    ];
    DATE_KEYS.contains(&word_before(first, column).as_str())
}

/// The word before the atom in which the error at `column` lies, upper-cased: the
/// search key or RETURN option whose argument it is.
pub(super) fn word_before(first: &[u8], column: usize) -> String {
    let at = column.saturating_sub(1).min(first.len());
    let Some(space) = first[..at].iter().rposition(|&b| b == b' ') else {
        return String::new();
    };
    let key_start = first[..space]
        .iter()
        .rposition(|&b| b == b' ' || b == b'(')
        .map_or(0, |i| i + 1);
    String::from_utf8_lossy(&first[key_start..space]).to_ascii_uppercase()
}

pub(super) fn word_at(first: &[u8], column: usize) -> String {
    let start = column.saturating_sub(1).min(first.len());
    let rest = &first[start..];
    let end = rest
        .iter()
        .position(|&b| b == b' ' || b == b')' || b == b'(')
        .unwrap_or(rest.len());
    String::from_utf8_lossy(&rest[..end]).into_owned()
}

/// Dovecot's reason for a search key it cannot read (mail-search-parser-imap.c and
/// mail-search-register-imap.c), from the argument where the grammar stopped: Dovecot
/// reads whole arguments, so the atom is taken from its start, and upper-cased as
/// Dovecot looks keys up. Checked against Dovecot 2.3.19 (search-keys.txt).
pub(super) fn bad_search_key(first: &[u8], column: usize) -> String {
    let at = column.saturating_sub(1).min(first.len());
    let stop = |b: &u8| matches!(b, b' ' | b'(' | b')');
    let start = first[..at].iter().rposition(stop).map_or(0, |i| i + 1);
    let rest = &first[start..];
    if let Some(quoted) = rest.strip_prefix(b"\"") {
        return format!("Unexpected string as search key: {}", unquote(quoted));
    }
    let atom = &rest[..rest.iter().position(stop).unwrap_or(rest.len())];
    if atom.is_empty() && rest.first() == Some(&b')') && start > 0 && first[start - 1] == b'(' {
        return "No search parameters inside list".into();
    }
    let before = first[..start].trim_ascii_end();
    let key = &before[before.iter().rposition(stop).map_or(0, |i| i + 1)..];
    let key = key.to_ascii_uppercase();
    match (key.as_slice(), atom.first()) {
        (b"LARGER" | b"SMALLER", _) => "Invalid search size parameter".into(),
        (b"MODSEQ", _) => "Invalid MODSEQ value".into(),
        (_, Some(b'0'..=b'9' | b'*')) => "Invalid messageset".into(),
        _ => format!(
            "Unknown argument {}",
            String::from_utf8_lossy(&atom.to_ascii_uppercase())
        ),
    }
}

/// A quoted string's content, from after its opening quote (`\\` and `\"` undone).
fn unquote(quoted: &[u8]) -> String {
    let mut out = Vec::new();
    let mut bytes = quoted.iter();
    while let Some(&b) = bytes.next() {
        match b {
            b'"' => break,
            b'\\' => out.extend(bytes.next()),
            _ => out.push(b),
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// imap-login's answers (battery sessions 1–13).
fn before_login(
    cx: &mut Cx,
    tag: &str,
    word: &str,
    parsed: &ParsedCommand,
    command: Option<Command>,
) -> Done {
    let generic_bad = |tag: &str| {
        let mut d = Done::bad(if valid_tag(tag) { tag } else { "*" }, w::PRE_BAD).untimed();
        d.login_bad = true;
        d
    };
    if !valid_tag(tag) || word.is_empty() {
        diagnose(cx, tag, parsed);
        return generic_bad(tag);
    }
    let Some(cmd) = command else {
        diagnose(cx, tag, parsed);
        if parsed.name.is_none() && tag.eq_ignore_ascii_case("LOGIN") {
            return Done::bad(tag, w::PRE_LOGIN_AS_TAG).untimed();
        }
        return generic_bad(tag);
    };
    if !parsed.diagnostics.is_empty() && parsed.command.is_none() {
        diagnose(cx, tag, parsed);
    }
    let allowed = matches!(
        cmd.body,
        CommandBody::Capability
            | CommandBody::Noop
            | CommandBody::Logout
            | CommandBody::StartTls
            | CommandBody::Authenticate { .. }
            | CommandBody::Login { .. }
            | CommandBody::Id { .. }
            | CommandBody::Enable { .. }
    );
    if !allowed {
        cx.events.push(Event::Diagnostic {
            tag: Some(tag.to_owned()),
            command: Some(cmd.body.name().to_owned()),
            diagnostics: vec![crate::grammar::Diagnostic::new(
                crate::grammar::Severity::Error,
                "wrong-state",
                1,
                "command",
                format!(
                    "{} is not valid before login: log in first with LOGIN or AUTHENTICATE (RFC 9051 §6.2)",
                    cmd.body.name()
                ),
            )],
        });
        return generic_bad(tag);
    }
    let mut done = dispatch(cx, &cmd);
    done.untimed = true;
    done
}

/// imap's answers after login (battery sessions 14–22).
/// `(first, text)`: the first line, and the whole command with its literals inline.
fn after_login(
    cx: &mut Cx,
    tag: &str,
    word: &str,
    (first, text): (&[u8], &[u8]),
    parsed: &ParsedCommand,
    command: Option<Command>,
) -> Done {
    if !valid_tag(tag) {
        diagnose(cx, tag, parsed);
        return Done::bad("*", "Error in IMAP tag: Invalid tag");
    }
    if word.is_empty() {
        diagnose(cx, tag, parsed);
        return Done::bad(tag, "Error in IMAP command: Invalid command name");
    }
    let Some(cmd) = command else {
        diagnose(cx, tag, parsed);
        // imap-login's commands are unknown after login, whatever their arguments.
        if let Some(name) = parsed.name.filter(|n| lexical::LOGIN_ONLY.contains(n)) {
            return Done::bad(tag, w::command_error(name, "Unknown command"));
        }
        let selected = cx.conn.selected.is_some();
        if let Some(done) = parsed
            .name
            .and_then(|name| arguments::before_state_check(tag, name, parsed.uid, selected, first))
        {
            return done;
        }
        if parsed.name == Some("STATUS") {
            if let Some(reason) = status::refused_items(text) {
                return Done::bad(tag, w::command_error("STATUS", &reason));
            }
        }
        if parsed.name == Some("STORE") {
            let at = arguments::command_words(first).map_or(first.len(), |(_, _, at)| at);
            if let Some(done) = store_args::refused(cx, tag, parsed.uid, text, at) {
                return done;
            }
        }
        if parsed.name == Some("LSUB") {
            if let Some(done) = list::lsub_extended(cx, tag, first) {
                return done;
            }
        }
        return match parsed.name {
            Some(name @ ("SELECT" | "EXAMINE")) => select::refused(cx, tag, name, parsed, first),
            Some("SETMETADATA") => metadata::refused_set(cx, tag, parsed, first),
            // `UID FOO`: Dovecot looks "UID FOO" up as one command name.
            Some("UID") if parsed.uid => match second_word(first) {
                Some(sub) => unknown(cx, tag, &format!("UID {sub}")),
                None => Done::bad(tag, w::command_error("UID", "Invalid arguments")),
            },
            Some(name) => {
                let shown = if parsed.uid {
                    format!("UID {name}")
                } else {
                    name.to_owned()
                };
                Done::bad(tag, w::command_error(&shown, &reason(parsed, first)))
            }
            None => unknown(cx, tag, word),
        };
    };
    if parsed.command.is_none() && !parsed.diagnostics.is_empty() {
        diagnose(cx, tag, parsed);
    }
    let body = &cmd.body;
    if body.valid_in() == [State::NotAuthenticated] {
        return Done::bad(tag, w::command_error(body.name(), "Unknown command"));
    }
    // Dovecot takes CANCELUPDATE in any state after login (RFC 5267 §5 says selected):
    // with nothing selected, no search is updating, and it answers `NO Unknown tag`.
    let anywhere = matches!(body, CommandBody::CancelUpdate { .. });
    if cx.conn.selected.is_none() && body.valid_in() == [State::Selected] && !anywhere {
        return Done::bad(tag, w::NO_MAILBOX_SELECTED);
    }
    // COPY and MOVE look at their set first (copy_move).
    let copying = matches!(body, CommandBody::Copy { .. } | CommandBody::Move { .. });
    if !copying && lexical::bad_mailbox_name(body) {
        // cmd-select.c closes the selected mailbox before it looks at the name.
        if matches!(
            body,
            CommandBody::Select { .. } | CommandBody::Examine { .. }
        ) {
            select::close_selected(cx);
        }
        return Done::no(tag, lexical::NOT_MUTF7);
    }
    if matches!(body, CommandBody::GetMetadata { .. }) {
        if let Some(done) = metadata::depth_spelling(tag, first) {
            return done;
        }
    }
    dispatch(cx, &cmd)
}

/// An unknown command word after login: Dovecot's BAD, or an honest NO when the
/// fixture advertises it.
pub(crate) fn unknown(cx: &mut Cx, tag: &str, word: &str) -> Done {
    let upper = word.to_ascii_uppercase();
    let base = upper.strip_prefix("UID ").unwrap_or(&upper);
    if let Some((_, capability)) = UNIMPLEMENTED.iter().find(|(c, _)| *c == base) {
        if cx.config.identity.advertises_prefix(true, capability) {
            return cx.decline(tag, upper.clone(), &upper);
        }
    }
    Done::bad(tag, w::command_error(&upper, "Unknown command"))
}

/// Dovecot's reason for a command whose arguments did not parse, from the grammar's
/// diagnostics (each text below is in the battery). Where we cannot tell which of
/// Dovecot's checks would have failed, "Invalid arguments" is what most commands say.
pub(crate) fn reason(parsed: &ParsedCommand, first: &[u8]) -> String {
    let Some(d) = first_error_of(parsed) else {
        return "Invalid arguments".into();
    };
    if let Some(e) = crate::mock::lexical::unbalanced(first) {
        return e.text().into();
    }
    let expected = d.expected.as_deref().unwrap_or("");
    let name = parsed.name.unwrap_or("");
    // cmd-notify.c reads the whole argument list first and says only this of any
    // shape it cannot use (notify.txt a24-a26).
    if name == "NOTIFY" {
        return "Invalid arguments".into();
    }
    if let Some(text) = family_reason(name, d, first) {
        return text;
    }
    // `CATENATE ()`: RFC 4469 §5 wants at least one part.
    if name == "APPEND" && expected == crate::grammar::args::label::CAT_PART {
        let at = d.column.saturating_sub(1);
        if first.get(at) == Some(&b')') && at > 0 && first.get(at - 1) == Some(&b'(') {
            return "Empty CATENATE list".into();
        }
    }
    if let Some(text) = esearch::saved_set_reason(name, parsed.uid, d, first) {
        return text;
    }
    if d.rule == "sequence-set" || expected.contains("sequence set") {
        return invalid_set(name, parsed.uid, first, d.column).into();
    }
    if let Some(text) = esearch::reason(name, d, first) {
        return text;
    }
    if expected.contains(") to close") || expected == ")" {
        return "Missing ')'".into();
    }
    // Dovecot's IMAP parser refuses 8-bit bytes outside quoted strings and literals
    // before any command sees its arguments.
    let word = word_at(first, d.column);
    if !word.starts_with('"') && !word.is_ascii() {
        return "8bit data in atom".into();
    }
    if let Some(text) = sort::reason(name, d, first) {
        return text;
    }
    match (name, d.code) {
        ("SEARCH", _) if d.rule == "date" || expected.contains("date") => {
            "Invalid search date parameter".into()
        }
        ("SEARCH", "missing-argument") => {
            let words: Vec<&[u8]> = first
                .split(|&b| b == b' ')
                .filter(|w| !w.is_empty())
                .collect();
            match words.last() {
                // Only a RETURN list: no key at all.
                Some(key) if key.ends_with(b")") => "Missing search parameters".into(),
                Some(key) if words.len() > 2 + usize::from(parsed.uid) => format!(
                    "Missing parameter for search key (for search key: {})",
                    String::from_utf8_lossy(key).to_ascii_uppercase()
                ),
                _ => "Missing search parameters".into(),
            }
        }
        // `SINCE 31-Feb-2024x`: Dovecot reads the whole atom as the date, and fails.
        ("SEARCH", "bad-argument") if after_date_key(first, d.column) => {
            "Invalid search date parameter".into()
        }
        ("SEARCH", "bad-argument") => bad_search_key(first, d.column),
        ("STATUS", "missing-argument") => "Missing arguments".into(),
        ("STATUS", "bad-argument") => status_reason(expected, first, d.column),
        ("COPY" | "MOVE", _) => "Missing arguments".into(),
        // cmd-cancelupdate.c: anything but one or more strings.
        ("CANCELUPDATE", _) => "Invalid parameters".into(),
        // Dovecot reads these with `client_read_string_args`, which says so.
        ("CREATE" | "DELETE" | "RENAME" | "SUBSCRIBE" | "UNSUBSCRIBE", "missing-argument") => {
            "Missing arguments".into()
        }
        // A quoted string where APPEND wants its message can only be a failed date-time.
        ("APPEND", _)
            if expected.contains("date-time") || word_at(first, d.column).starts_with('"') =>
        {
            "Invalid internal date.".into()
        }
        _ => "Invalid arguments".into(),
    }
}

/// Dovecot's words for a set it cannot read: a search's `UID` key, the set of a UID
/// command (cmd-uid.c's `Invalid uidset`), or any other set.
pub(super) fn invalid_set(name: &str, uid: bool, first: &[u8], column: usize) -> &'static str {
    let searching = matches!(name, "SEARCH" | "SORT" | "THREAD");
    // No set at all: cmd-store.c and cmd-fetch.c find no atom to read.
    let at = arguments::command_words(first).map_or(first.len(), |(_, _, at)| at);
    if !searching && !first.is_empty() && first[at..].iter().all(|&b| b == b' ') {
        return "Invalid arguments";
    }
    if searching && word_before(first, column) == "UID" {
        "Invalid UID messageset"
    } else if uid && !searching {
        "Invalid uidset"
    } else {
        "Invalid messageset"
    }
}

/// STATUS's words for an argument it cannot read.
fn status_reason(expected: &str, first: &[u8], column: usize) -> String {
    match first.get(column.saturating_sub(1)) {
        _ if expected == crate::grammar::args::label::STATUS_ITEMS => "Invalid arguments".into(),
        Some(b')') => w::EMPTY_STATUS_LIST.into(),
        Some(b'"' | b'(' | b'{') => w::STATUS_NON_ATOMS.into(),
        _ => w::invalid_status_item(&word_at(first, column)),
    }
}

/// The reasons of the command families with their own words, in the order `reason`
/// asks them.
fn family_reason(name: &str, d: &crate::grammar::Diagnostic, first: &[u8]) -> Option<String> {
    let expected = d.expected.as_deref().unwrap_or("");
    let at = first.get(d.column.saturating_sub(1)).copied();
    modseq::reason(name, d, first)
        .or_else(|| fetch::reason(name, d, first))
        .or_else(|| {
            matches!(name, "LIST" | "XLIST" | "LSUB")
                .then(|| list::reason(d, first))
                .flatten()
        })
        .or_else(|| metadata::reason(name, expected, at))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_bad_search_key_is_worded_as_dovecot_words_it() {
        // search-key-errors.txt k3, k13, k14, k18, k21, k24, k25 against Dovecot 2.3.19.
        let reason = |line: &str, column| bad_search_key(line.as_bytes(), column);
        assert_eq!(
            reason("k SEARCH \"FOO\"", 10),
            "Unexpected string as search key: FOO"
        );
        assert_eq!(
            reason("k SEARCH \"a\\\"b\"", 10),
            "Unexpected string as search key: a\"b"
        );
        assert_eq!(
            reason("k SEARCH ()", 11),
            "No search parameters inside list"
        );
        assert_eq!(
            reason("k SEARCH LARGER x", 17),
            "Invalid search size parameter"
        );
        assert_eq!(reason("k SEARCH MODSEQ x", 17), "Invalid MODSEQ value");
        assert_eq!(reason("k SEARCH 1:*x", 13), "Invalid messageset");
        assert_eq!(reason("k SEARCH ALL foo", 14), "Unknown argument FOO");
    }

    #[test]
    fn words_and_tags_as_dovecot_reads_them() {
        assert_eq!(words(b"c5COPY 1 body[]"), ("c5COPY".into(), "1".into()));
        assert_eq!(words(b"LIST"), ("LIST".into(), "".into()));
        assert!(valid_tag("a1") && valid_tag("c1LOGIN"));
        assert!(!valid_tag("*") && !valid_tag("") && !valid_tag("a+b"));
    }

    #[test]
    fn blanks_dovecot_skips() {
        let squeezed = |line: &str, uid| {
            squeeze_spaces(line.as_bytes(), uid).map(|v| String::from_utf8_lossy(&v).into_owned())
        };
        assert_eq!(
            squeezed("a SORT  ( DATE ) UTF-8   ALL ", false).as_deref(),
            Some("a SORT (DATE) UTF-8 ALL\r\n")
        );
        assert_eq!(
            squeezed("a UID SEARCH SUBJECT \"a  ( b\"  ALL", true).as_deref(),
            Some("a UID SEARCH SUBJECT \"a  ( b\" ALL\r\n")
        );
        assert_eq!(squeezed("a FETCH 1 FLAGS", false), None);
    }
}
