//! The tolerant front door: [`parse_command`] parses a learner's line in stages (tag,
//! space, command name, arguments, end of line), so that a malformed line still yields
//! what was understood, plus a diagnostic a learner can act on.
//!
//! - this file: the stages up to the command name, and the dispatch to the arguments;
//! - [`arguments`]: what went wrong in the arguments or after them;
//! - [`lint`]: valid lines that are probably not what was meant;
//! - [`tables`]: the words learners bring from other protocols, and the extension
//!   commands known by name only;
//! - [`text`]: reading the line for messages: tokens, literals, quotes.

mod arguments;
mod lint;
mod tables;
mod text;

use super::specs::{command_names, spec, Spec, SPECS, UID_COMMANDS};
use super::types::{Command, CommandBody, ParsedCommand};
use crate::grammar::args::{at_eol, label};
use crate::grammar::core::{is_atom_char, is_tag_char};
use crate::grammar::error::{Diagnostic, GrammarError, PResult, Severity};
use crate::grammar::extensions::sasl_ir;
use crate::grammar::suggest::nearest;
use tables::{CONFUSIONS, UNMODELLED};
pub(crate) use text::shorten;
use text::{describe_found, find};

/// Parses one client message (a [`crate::wire::Message`]'s grammar text), tolerantly.
///
/// Stages: tag, SP, command name, arguments, end of line. A stage that fails adds a
/// [`Diagnostic`]; where the intent is clear (a missing tag, a missing space after the
/// tag) the front door carries on as if the line were repaired, so that later mistakes
/// on the same line are reported too, and each suggestion includes the earlier repairs.
///
/// `command` is set only when the line follows the grammar (no Error diagnostic);
/// otherwise `tag`, `name` and `uid` say what was understood. Experimental `X` commands
/// are valid but not modelled: they leave `command` unset with a note. The final CRLF
/// may be missing, for lines typed in tests and the lesson REPL.
pub fn parse_command(text: &[u8]) -> ParsedCommand {
    let mut door = FrontDoor::new(text);
    door.run();
    door.check_suggestions();
    door.out
}

/// How many repairs in a row a suggestion may take to become a valid line: each fixes
/// one mistake (`a1 FETCH 1 FLAGS  UID` → one space → parentheses).
const MAX_REPAIRS: usize = 4;

/// `line` after the repairs its own diagnostics suggest, until it parses: `None` if it
/// never does. A suggestion is something to type, so it must not earn a BAD itself; where
/// only an argument is missing, a placeholder names it (`a1 LOGIN x <a password>`).
fn valid_repair(mut line: String) -> Option<String> {
    for _ in 0..MAX_REPAIRS {
        let mut door = FrontDoor::new(line.as_bytes());
        door.run();
        let first_error = door
            .out
            .diagnostics
            .iter()
            .find(|d| d.severity == Severity::Error);
        let Some(error) = first_error else {
            return Some(line);
        };
        // Only more typing is missing: the repair stands, with a placeholder for the rest.
        if error.code == "missing-argument" {
            let missing = error.expected.as_deref()?;
            return Some(format!("{} <{missing}>", line.trim_end()));
        }
        let next = error
            .suggestion
            .clone()
            .filter(|s| *s != line && is_line_for(s, door.out.tag.as_deref()))?;
        line = next;
    }
    None
}

/// True if `suggestion` is a whole command line (it starts with the tag), not a word to
/// put in, or the form of the command.
fn is_line_for(suggestion: &str, tag: Option<&str>) -> bool {
    let tag = tag.unwrap_or("a1");
    suggestion
        .strip_prefix(tag)
        .is_some_and(|rest| rest.starts_with(' '))
}

/// What `core::quoted` reports for an unterminated string and a bad escape, and what
/// `core::literal` reports for a short literal: the front door turns these into their
/// own diagnostics.
const UNCLOSED_QUOTE: &str = "a closing double quote";
const BAD_ESCAPE: &str = "\\\" or \\\\ after a backslash in a quoted string";
const SHORT_LITERAL: &str = "as many bytes as the literal announced";

/// The leading atom characters of `input`: a tag or a command name as typed.
fn atom_prefix(input: &[u8]) -> &[u8] {
    let n = input.iter().take_while(|&&b| is_atom_char(b)).count();
    &input[..n]
}

/// The longest command name that ends `tag` after a non-empty prefix (`c1LOGIN`).
fn command_suffix(tag: &[u8]) -> Option<(usize, &'static Spec)> {
    SPECS
        .iter()
        .filter(|s| {
            tag.len() > s.name.len()
                && tag[tag.len() - s.name.len()..].eq_ignore_ascii_case(s.name.as_bytes())
        })
        .max_by_key(|s| s.name.len())
        .map(|s| (tag.len() - s.name.len(), s))
}

/// A command found and its arguments' parse.
type Dispatched<'a> = (&'static Spec, PResult<'a, CommandBody>);

/// One pass over one message.
struct FrontDoor<'a> {
    /// The message without its final line ending: the end of `body` is the end of the line.
    body: &'a [u8],
    /// Where the first line ends in `body`. Suggestions rewrite the first line only.
    line_end: usize,
    /// The first line with the repairs made so far (a tag added, a space inserted).
    fixed: Vec<u8>,
    /// How far `fixed` has shifted against `body` at the last repair.
    delta: isize,
    /// The tag for suggestions: as typed, or `a1` when there was none.
    tag_text: String,
    noted_case: bool,
    /// Where the command name starts in `body`, once found: lints point there.
    name_at: usize,
    out: ParsedCommand,
}

impl<'a> FrontDoor<'a> {
    fn new(text: &'a [u8]) -> Self {
        let body = text
            .strip_suffix(b"\r\n")
            .or_else(|| text.strip_suffix(b"\n"))
            .unwrap_or(text);
        let line_end = find(body, b"\r\n").unwrap_or(body.len());
        FrontDoor {
            body,
            line_end,
            fixed: body[..line_end].to_vec(),
            delta: 0,
            tag_text: "a1".into(),
            noted_case: false,
            name_at: 0,
            out: ParsedCommand {
                tag: None,
                name: None,
                uid: false,
                command: None,
                diagnostics: Vec::new(),
            },
        }
    }

    fn offset(&self, rest: &[u8]) -> usize {
        self.body.len() - rest.len()
    }

    fn col(&self, rest: &[u8]) -> usize {
        self.offset(rest) + 1
    }

    fn push(&mut self, diagnostic: Diagnostic) {
        self.out.diagnostics.push(diagnostic);
    }

    fn has_error(&self) -> bool {
        self.out
            .diagnostics
            .iter()
            .any(|d| d.severity == Severity::Error)
    }

    /// The repaired first line with `len` bytes at `at` (an offset in `body`, right of
    /// every repair so far) replaced by `text`: a suggestion. `None` past the first line.
    fn with_replaced(&self, at: usize, len: usize, text: &str) -> Option<String> {
        if at > self.line_end {
            return None;
        }
        let len = len.min(self.line_end - at);
        let start = usize::try_from(at as isize + self.delta)
            .ok()?
            .min(self.fixed.len());
        let mut line = self.fixed.clone();
        line.splice(start..(start + len).min(line.len()), text.bytes());
        Some(String::from_utf8_lossy(&line).into_owned())
    }

    /// Every suggested line, repaired until a server would take it; a line that cannot be
    /// repaired gives way to the command's form. Only one-line messages: a line of a message
    /// with literals cannot be parsed without them.
    fn check_suggestions(&mut self) {
        if self.line_end != self.body.len() {
            return;
        }
        let tag = self.tag_text.clone();
        let form = self
            .out
            .name
            .and_then(|name| spec(name.as_bytes()))
            .map(|s| self.form(s));
        for d in &mut self.out.diagnostics {
            let Some(line) = d.suggestion.take() else {
                continue;
            };
            d.suggestion = if is_line_for(&line, Some(&tag)) {
                valid_repair(line).or_else(|| form.clone())
            } else {
                Some(line)
            };
        }
    }

    /// Makes a replacement part of the repaired line, for the suggestions that follow.
    fn repair(&mut self, at: usize, len: usize, text: &str) {
        if let Some(line) = self.with_replaced(at, len, text) {
            self.fixed = line.into_bytes();
            self.delta += text.len() as isize - len.min(self.line_end - at) as isize;
        }
    }

    fn fixed_line(&self) -> String {
        String::from_utf8_lossy(&self.fixed).into_owned()
    }

    /// The command's name for messages: `FETCH`, or `UID FETCH`.
    fn display_name(&self, spec: &Spec) -> String {
        if self.out.uid && spec.name != "UID" {
            format!("UID {}", spec.name)
        } else {
            spec.name.to_owned()
        }
    }

    /// The ABNF rule of the command as typed: `uid-expunge` for UID EXPUNGE (RFC 9051,
    /// RFC 4315), whose plain form is one of the `command-select` keywords.
    fn rule_of(&self, spec: &Spec) -> &'static str {
        if self.out.uid && spec.name == "EXPUNGE" {
            "uid-expunge"
        } else {
            spec.rule
        }
    }

    /// "The form is: a1 UID FETCH <UID set> <items>".
    fn form(&self, spec: &Spec) -> String {
        let synopsis = if self.out.uid && spec.name != "UID" {
            match spec.name {
                "EXPUNGE" => "UID EXPUNGE <UID set>".to_owned(),
                _ => format!(
                    "UID {}",
                    spec.synopsis.replace("<sequence set>", "<UID set>")
                ),
            }
        } else {
            spec.synopsis.to_owned()
        };
        format!("The form is: {} {synopsis}", self.tag_text)
    }

    /// Stages 1 to 3: the tag, the space after it and the command name; then the
    /// arguments and the end of the line ([`Self::arguments`]).
    fn run(&mut self) {
        let Some(leading) = self.leading_blanks() else {
            return;
        };
        let start = &self.body[leading..];
        let tag_len = start.iter().take_while(|&&b| is_tag_char(b)).count();
        if tag_len == 0 {
            return self.bad_tag_start(start);
        }
        let (tag, after_tag) = start.split_at(tag_len);
        let next = if after_tag.first() == Some(&b' ') {
            atom_prefix(&after_tag[1..])
        } else {
            &[][..]
        };

        // Stage 1: a line that starts with a command name has no tag.
        if let Some(s) = spec(tag).filter(|_| spec(next).is_none()) {
            self.missing_tag(start, tag, next);
            return self.arguments(s, start);
        }
        self.uid_as_tag(start, tag, next);
        self.tag_text = String::from_utf8_lossy(tag).into_owned();

        // Stage 2: exactly one space after the tag.
        if !self.space_after_tag(start, tag, after_tag, leading) {
            return;
        }
        self.out.tag = Some(self.tag_text.clone());

        // Stage 3: the command name.
        self.command_name(start, tag, &after_tag[1..]);
    }

    /// A line of nothing but blanks (an error, and the end), or blanks before the tag (an
    /// error, repaired): how many blanks lead the line, or `None` for a blank line.
    fn leading_blanks(&mut self) -> Option<usize> {
        let first_line = &self.body[..self.line_end];
        if first_line.iter().all(|&b| b == b' ' || b == b'\t') {
            self.push(
                Diagnostic::new(
                    Severity::Error,
                    "empty-line",
                    1,
                    "command",
                    "An empty line is not a command. Every command is a tag, a space and a command name, such as `a1 NOOP`; a server answers an empty line with BAD.",
                )
                .expected("a tag such as a1")
                .suggest("a1 NOOP"),
            );
            return None;
        }
        let leading = first_line
            .iter()
            .take_while(|&&b| b == b' ' || b == b'\t')
            .count();
        if leading > 0 {
            let mut d = Diagnostic::new(
                Severity::Error,
                "leading-space",
                1,
                "tag",
                "The line starts with a space. The tag must be the very first thing on the line.",
            )
            .expected("a tag such as a1");
            d.suggestion = self.with_replaced(0, leading, "");
            self.push(d);
            self.repair(0, leading, "");
        }
        Some(leading)
    }

    /// `UID FETCH 1 FLAGS` with no tag: the server reads `UID` as the tag and runs a plain
    /// FETCH, which is valid, so only a warning.
    fn uid_as_tag(&mut self, start: &'a [u8], tag: &[u8], next: &[u8]) {
        if !tag.eq_ignore_ascii_case(b"UID")
            || !UID_COMMANDS
                .iter()
                .any(|c| c.as_bytes().eq_ignore_ascii_case(next))
        {
            return;
        }
        let mut d = Diagnostic::new(
            Severity::Warning,
            "tag-is-command-name",
            self.col(start),
            "tag",
            format!(
                "`{}` is read as the tag here, so the server runs a plain {} with sequence numbers. If you meant UID {}, the line has no tag.",
                String::from_utf8_lossy(tag),
                shorten(next).to_ascii_uppercase(),
                shorten(next).to_ascii_uppercase()
            ),
        );
        d.suggestion = self.with_replaced(self.offset(start), 0, "a1 ");
        self.push(d);
    }

    /// Stage 2: one space after the tag. False (with a diagnostic) when the line cannot
    /// go on: it ends after the tag, or the tag holds a character a tag cannot.
    fn space_after_tag(
        &mut self,
        start: &'a [u8],
        tag: &[u8],
        after_tag: &'a [u8],
        leading: usize,
    ) -> bool {
        match after_tag.first() {
            Some(b' ') => return true,
            Some(&c) if !at_eol(after_tag) => {
                self.out.tag = Some(self.tag_text.clone());
                let at = self.offset(after_tag);
                let message = if c == b'\t' {
                    "A tab follows the tag. IMAP separates the tag and the command with exactly one space.".to_owned()
                } else {
                    format!(
                        "{} cannot be part of a tag: a tag is letters, digits and punctuation except + ( ) {{ % * \" \\ and spaces. A space must follow the tag.",
                        describe_found(after_tag)
                    )
                };
                let mut d = Diagnostic::new(Severity::Error, "bad-tag", at + 1, "tag", message)
                    .expected("a space after the tag");
                d.suggestion = self.with_replaced(at, 1, if c == b'\t' { " " } else { "" });
                self.push(d);
            }
            _ => self.nothing_after_tag(start, tag, after_tag, leading),
        }
        false
    }

    /// The line ends after the tag: a tag run into a command name (`c1LOGIN`), a DONE
    /// outside IDLE, or a tag with no command.
    fn nothing_after_tag(&mut self, start: &'a [u8], tag: &[u8], after_tag: &[u8], leading: usize) {
        if let Some((split, s)) = command_suffix(tag) {
            return self.missing_space(start, tag.len(), split, s);
        }
        if tag.eq_ignore_ascii_case(b"DONE") && leading == 0 {
            let d = Diagnostic::new(
                Severity::Error,
                "done-outside-idle",
                1,
                "idle",
                "DONE is not a command: it ends an IDLE (RFC 2177, RFC 9051 §6.3.13), and only while IDLE runs, after the server's `+` continuation request (Dovecot's is `+ idling`). Outside IDLE a server reads DONE as a tag with no command and answers BAD.",
            )
            .expected("a tag, a space and a command");
            return self.push(d);
        }
        let tag_str = self.tag_text.clone();
        self.out.tag = Some(tag_str.clone());
        let mut message = format!("`{tag_str}` is read as a tag, but no command follows it. After the tag come a space and a command name.");
        if tag.len() >= 8 && sasl_ir::check_base64(tag).is_ok() {
            message.push_str(" (If this line answers an AUTHENTICATE challenge, it is not a command: it is base64 the server reads as the SASL response.)");
        }
        let d = Diagnostic::new(
            Severity::Error,
            "missing-command",
            self.col(after_tag),
            "command",
            message,
        )
        .expected("a space and a command name")
        .suggest(format!("{tag_str} NOOP"));
        self.push(d);
    }

    /// Stage 3: the command name at `name_at`, just after the tag's space.
    fn command_name(&mut self, start: &'a [u8], tag: &[u8], mut name_at: &'a [u8]) {
        let spaces = name_at.iter().take_while(|&&b| b == b' ').count();
        if spaces > 0 && !at_eol(&name_at[spaces..]) {
            let mut d = Diagnostic::new(
                Severity::Error,
                "extra-space",
                self.col(name_at),
                "command",
                "Two spaces after the tag. IMAP separates the tag and the command with exactly one space.",
            )
            .expected("a command name");
            d.suggestion = self.with_replaced(self.offset(name_at), spaces, "");
            self.push(d);
            self.repair(self.offset(name_at), spaces, "");
            name_at = &name_at[spaces..];
        }
        let name = atom_prefix(name_at);
        if name.is_empty() {
            let message = if at_eol(name_at) {
                format!(
                    "The line ends after the tag `{}` and its space: a command name must follow.",
                    self.tag_text
                )
            } else {
                format!(
                    "A command name must follow the tag, but this is {}.",
                    describe_found(name_at)
                )
            };
            let d = Diagnostic::new(
                Severity::Error,
                "missing-command",
                self.col(name_at),
                "command",
                message,
            )
            .expected("a command name such as LOGIN, SELECT or FETCH")
            .suggest(format!("{} NOOP", self.tag_text));
            return self.push(d);
        }
        match spec(name) {
            Some(s) => self.arguments(s, name_at),
            None => self.unrecognised_name(start, tag, name_at, name),
        }
    }

    /// A name that is not in the command table: a tag run into a command name, an
    /// extension command known by name only, an experimental `X` command, or a stranger.
    fn unrecognised_name(&mut self, start: &'a [u8], tag: &[u8], name_at: &'a [u8], name: &[u8]) {
        if let Some((split, s)) = command_suffix(tag) {
            return self.missing_space(start, tag.len(), split, s);
        }
        if let Some((word, extension)) = UNMODELLED
            .iter()
            .find(|(w, _)| w.as_bytes().eq_ignore_ascii_case(name))
        {
            let d = Diagnostic::new(
                Severity::Note,
                "unmodelled-extension",
                self.col(name_at),
                "command",
                format!("{word} is a command of the {extension} extension: valid if the server announces it in CAPABILITY, but the tutor does not parse its arguments."),
            );
            return self.push(d);
        }
        if matches!(name[0], b'X' | b'x') && name.len() > 1 {
            let d = Diagnostic::new(
                Severity::Note,
                "experimental-command",
                self.col(name_at),
                "x-command",
                format!(
                    "`{}` looks like an experimental command: RFC 3501 §6.5.1 reserves names starting with X for commands outside the standards. RFC 9051 §6.5 drops that rule and asks instead that every extension command come with a capability name: try it only if CAPABILITY announces one for it. The tutor does not know its arguments; a server that does not know the command answers BAD.",
                    shorten(name)
                ),
            );
            return self.push(d);
        }
        self.unknown_command(name_at, name)
    }

    /// A line whose first character cannot start a tag.
    fn bad_tag_start(&mut self, start: &'a [u8]) {
        let message = match start[0] {
            b'*' => "`*` starts the server's untagged responses. A client command starts with a tag of its own, such as a1.".to_owned(),
            b'+' => "`+` starts the server's continuation requests. A client command starts with a tag of its own, such as a1.".to_owned(),
            _ => format!(
                "A command starts with a tag, such as a1: letters, digits and punctuation except + ( ) {{ % * \" \\ and spaces. It cannot start with {}.",
                describe_found(start)
            ),
        };
        let at = self.offset(start);
        let mut d = Diagnostic::new(Severity::Error, "bad-tag", at + 1, "tag", message)
            .expected("a tag such as a1");
        d.suggestion = match start[0] {
            b'*' | b'+' => self.with_replaced(at, 1, "a1"),
            _ => self.with_replaced(at, 0, "a1 "),
        };
        self.push(d);
    }

    /// `LOGIN strategos pass`: the first word is a command name and the second is not.
    fn missing_tag(&mut self, start: &'a [u8], name: &[u8], next: &[u8]) {
        let typed = shorten(name);
        let upper = typed.to_ascii_uppercase();
        let then = if next.is_empty() {
            String::new()
        } else {
            format!(" and `{}` as the command", shorten(next))
        };
        self.repair(self.offset(start), 0, "a1 ");
        let d = Diagnostic::new(
            Severity::Error,
            "missing-tag",
            self.col(start),
            "tag",
            format!(
                "This line starts with the command name {upper}, but every command starts with a tag, such as a1, that the server repeats in its answer. A server would take `{typed}` as the tag{then}, and answer BAD."
            ),
        )
        .expected("a tag, then a space, then the command")
        .suggest(self.fixed_line());
        self.push(d);
    }

    /// `c1LOGIN strategos pass`: the tag runs into the command name.
    fn missing_space(&mut self, start: &'a [u8], tag_len: usize, split: usize, s: &'static Spec) {
        let prefix = shorten(&start[..split]);
        let typed_tag = shorten(&start[..tag_len]);
        let name_at = &start[split..];
        let after = &start[tag_len..];
        let then = match after.first() {
            Some(b' ') if !atom_prefix(&after[1..]).is_empty() => {
                format!(
                    " and `{}` as the command",
                    shorten(atom_prefix(&after[1..]))
                )
            }
            _ => String::new(),
        };
        self.out.tag = Some(prefix.clone());
        self.tag_text = prefix.clone();
        self.repair(self.offset(name_at), 0, " ");
        let d = Diagnostic::new(
            Severity::Error,
            "missing-space-after-tag",
            self.col(name_at),
            "tag",
            format!(
                "There is no space between the tag `{prefix}` and the command {}. A server reads `{typed_tag}` as the tag{then}, and answers BAD. Put exactly one space after the tag.",
                s.name
            ),
        )
        .expected("a space after the tag")
        .suggest(self.fixed_line());
        self.push(d);
        self.arguments(s, name_at);
    }

    /// A command name the grammar does not know.
    fn unknown_command(&mut self, name_at: &'a [u8], name: &[u8]) {
        let typed = shorten(name);
        let upper = typed.to_ascii_uppercase();
        let at = self.offset(name_at);
        let names: Vec<&str> = command_names().collect();
        let (message, suggestion) = if let Some((_, instead, why)) =
            CONFUSIONS.iter().find(|(w, _, _)| *w == upper)
        {
            (
                format!("`{typed}` is not an IMAP command. {why}"),
                instead.and_then(|i| self.with_replaced(at, name.len(), i)),
            )
        } else if let Some(best) = nearest(&typed, &names) {
            (
                format!("`{typed}` is not an IMAP command. Did you mean {best}?"),
                self.with_replaced(at, name.len(), best),
            )
        } else {
            (
                format!("`{typed}` is not an IMAP command the tutor knows. CAPABILITY lists the extensions the server offers."),
                Some(format!("{} CAPABILITY", self.tag_text)),
            )
        };
        let mut d = Diagnostic::new(
            Severity::Error,
            "unknown-command",
            at + 1,
            "command",
            message,
        )
        .expected("a command name such as LOGIN, SELECT or FETCH");
        d.suggestion = suggestion;
        self.push(d);
    }

    /// Notes, once, that a keyword was written in lower or mixed case.
    fn note_case(&mut self, at: &[u8], len: usize, name: &str) {
        let typed = &at[..len.min(at.len())];
        if self.noted_case || !typed.iter().any(u8::is_ascii_lowercase) {
            return;
        }
        self.noted_case = true;
        let d = Diagnostic::new(
            Severity::Note,
            "case-insensitive",
            self.col(at),
            "command",
            format!(
                "IMAP keywords are case-insensitive: `{}` is the same command as {name}. The RFCs write them in capitals, and so do most clients.",
                shorten(typed)
            ),
        );
        self.push(d);
    }

    /// Stage 4 and 5: the arguments of `s`, whose name starts at `at`, then the end of the line.
    fn arguments(&mut self, s: &'static Spec, at: &'a [u8]) {
        self.out.name = Some(s.name);
        self.name_at = self.offset(at);
        self.note_case(at, s.name.len(), s.name);
        let (spec, result) = if s.name == "UID" {
            match self.uid_subcommand(at) {
                Some(found) => found,
                None => return,
            }
        } else {
            (s, (s.parse)(at))
        };
        match result {
            Ok((rest, body)) => {
                self.end_of_line(rest, spec, at);
                self.lint(&body, spec, at);
                if !self.has_error() {
                    if let Some(tag) = self.out.tag.clone() {
                        self.out.command = Some(Command { tag, body });
                    }
                }
            }
            Err(nom::Err::Error(e)) => self.argument_error(e, false, spec, at),
            Err(nom::Err::Failure(e)) => self.argument_error(e, true, spec, at),
            Err(nom::Err::Incomplete(_)) => {
                // The grammar's parsers are all `complete`; this cannot happen.
            }
        }
    }

    /// `UID SP (copy / move / fetch / search / store / uid-expunge)`: finds the command after UID.
    fn uid_subcommand(&mut self, at: &'a [u8]) -> Option<Dispatched<'a>> {
        self.out.uid = true;
        let uid_spec = spec(b"UID")?;
        let after = &at[3..];
        let sub_at = match after.first() {
            Some(b' ') if !at_eol(&after[1..]) && after[1] != b' ' => &after[1..],
            _ => {
                let e = GrammarError {
                    input: if after.first() == Some(&b' ') {
                        &after[1..]
                    } else {
                        after
                    },
                    expected: label::UID_COMMAND,
                    rule: None,
                };
                let failure = at_eol(e.input);
                self.argument_error(e, failure, uid_spec, at);
                return None;
            }
        };
        let sub = atom_prefix(sub_at);
        match spec(sub) {
            Some(s) if s.uid.is_some() => {
                self.out.name = Some(s.name);
                self.note_case(sub_at, sub.len(), s.name);
                Some((s, (s.uid?)(sub_at)))
            }
            Some(s) => {
                let at_off = self.offset(at);
                let mut d = Diagnostic::new(
                    Severity::Error,
                    "bad-argument",
                    self.col(sub_at),
                    "uid",
                    format!(
                        "{} has no UID form: UID only prefixes the commands that name messages, COPY, MOVE, FETCH, SEARCH, STORE and EXPUNGE (RFC 9051 uid), and SORT and THREAD where the server offers them (RFC 5256).",
                        s.name
                    ),
                )
                .expected(label::UID_COMMAND);
                d.suggestion = self.with_replaced(at_off, self.offset(sub_at) - at_off, "");
                self.push(d);
                None
            }
            None => {
                let e = GrammarError {
                    input: sub_at,
                    expected: label::UID_COMMAND,
                    rule: Some("uid"),
                };
                self.argument_error(e, false, uid_spec, at);
                None
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_tag_that_runs_into_a_command_name() {
        let (split, s) = command_suffix(b"c1UNSUBSCRIBE").unwrap();
        assert_eq!((split, s.name), (2, "UNSUBSCRIBE"));
        assert_eq!(command_suffix(b"aUID").unwrap().1.name, "UID");
        assert!(command_suffix(b"LOGIN").is_none());
        assert!(command_suffix(b"a1").is_none());
    }

    #[test]
    fn suggestions_carry_earlier_repairs() {
        let mut door = FrontDoor::new(b"c5COPY 1 body[]");
        door.repair(2, 0, " ");
        assert_eq!(door.fixed_line(), "c5 COPY 1 body[]");
        assert_eq!(
            door.with_replaced(9, usize::MAX, "Archive").as_deref(),
            Some("c5 COPY 1 Archive")
        );
        assert_eq!(door.with_replaced(100, 0, "x"), None);
    }
}
