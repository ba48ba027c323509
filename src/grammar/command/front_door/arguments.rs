//! Stages 4 and 5 of the front door gone wrong: an argument of the wrong shape, one too
//! many, a literal whose size does not match, a quote never closed; each named with what
//! to type instead.

use super::tables::choices;
use super::text::{
    describe_found, literal_ending_at, literals_of, near_token, opening_quote, shorten,
};
use super::{FrontDoor, BAD_ESCAPE, SHORT_LITERAL, UNCLOSED_QUOTE};
use crate::grammar::args::{at_eol, label};
use crate::grammar::command::parsers::uid;
use crate::grammar::command::specs::{CommandParser, Spec};
use crate::grammar::error::{Diagnostic, GrammarError, Severity};
use crate::grammar::suggest::nearest;

impl<'a> FrontDoor<'a> {
    /// Stage 5: after the arguments, only the end of the line may come.
    pub(super) fn end_of_line(&mut self, rest: &'a [u8], spec: &'static Spec, at: &'a [u8]) {
        if rest.is_empty() {
            return;
        }
        let off = self.offset(rest);
        let name = self.display_name(spec);
        if rest.starts_with(b"\r\n") {
            let d = Diagnostic::new(
                Severity::Error,
                "extra-line",
                off + 1,
                self.rule_of(spec),
                format!("The message goes on after the end of the {name} command. A command is one line (and its literals); what follows the CRLF is read as the next command."),
            )
            .expected("the end of the message");
            return self.push(d);
        }
        let line_rest = &rest[..self.line_end.saturating_sub(off).min(rest.len())];
        if line_rest.iter().all(|&b| b == b' ') {
            let mut d = Diagnostic::new(
                Severity::Error,
                "trailing-space",
                off + 1,
                self.rule_of(spec),
                "The line ends with a space. IMAP allows no space before the end of the line, and strict servers answer BAD.",
            )
            .expected("the end of the line");
            d.suggestion = self.with_replaced(off, line_rest.len(), "");
            return self.push(d);
        }
        if rest.starts_with(b"  ") {
            let extra = rest.iter().take_while(|&&b| b == b' ').count() - 1;
            let mut d = Diagnostic::new(
                Severity::Error,
                "extra-space",
                off + 2,
                self.rule_of(spec),
                "Two spaces in a row. IMAP separates arguments with exactly one space.",
            )
            .expected("one space");
            d.suggestion = self.with_replaced(off + 1, extra, "");
            return self.push(d);
        }
        if rest[0] != b' ' {
            let mut message = format!(
                "{name} expected a space or the end of the line here, but found {}.",
                describe_found(rest)
            );
            let mut suggestion = None;
            if let Some((hint, fixed)) = self.unquoted_word_hint(off) {
                message.push(' ');
                message.push_str(&hint);
                suggestion = fixed;
            }
            let mut d = Diagnostic::new(
                Severity::Error,
                "bad-argument",
                off + 1,
                self.rule_of(spec),
                message,
            )
            .expected("a space or the end of the line");
            d.suggestion = suggestion.or_else(|| Some(self.form(spec)));
            return self.push(d);
        }
        self.unexpected_argument(&rest[1..], spec, at);
    }

    /// `pass(word`, `Entwürfe`: a word that stops being an atom at `off`, where a character
    /// that an atom cannot hold appears. Says why and how to write the word instead:
    /// quoted, or for non-ASCII mailbox names in modified UTF-7.
    fn unquoted_word_hint(&self, off: usize) -> Option<(String, Option<String>)> {
        let line = &self.body[..self.line_end];
        if off >= line.len() {
            return None;
        }
        // A special character only matters glued to a word; a non-ASCII one anywhere.
        let glued = off > 0 && crate::grammar::core::is_astring_char(line[off - 1]);
        if !glued && line[off].is_ascii() {
            return None;
        }
        let start = line[..off]
            .iter()
            .rposition(|&b| b == b' ')
            .map_or(0, |i| i + 1);
        let end = line[off..]
            .iter()
            .position(|&b| b == b' ')
            .map_or(line.len(), |i| off + i);
        let word = &line[start..end];
        let bad = line[off];
        if !bad.is_ascii() {
            let text = String::from_utf8_lossy(word).into_owned();
            let encoded = crate::grammar::mailbox::encode_modified_utf7(&text);
            let hint = format!(
                "An unquoted word is ASCII only. IMAP4rev1 writes a non-ASCII mailbox name in modified UTF-7 (`{encoded}`); with IMAP4rev2 (after ENABLE IMAP4rev2 on a server that also speaks IMAP4rev1, RFC 9051 Appendix A), or after ENABLE UTF8=ACCEPT (RFC 6855), it may be a quoted string in UTF-8."
            );
            return Some((hint, self.with_replaced(start, end - start, &encoded)));
        }
        if matches!(bad, b'(' | b')' | b'{' | b'%' | b'*' | b'"' | b'\\') {
            let text = String::from_utf8_lossy(word);
            let quoted = format!("\"{}\"", text.replace('\\', "\\\\").replace('"', "\\\""));
            let hint = format!(
                "`{}` cannot be part of an unquoted word: put the whole value in double quotes, {quoted}.",
                bad as char
            );
            return Some((hint, self.with_replaced(start, end - start, &quoted)));
        }
        None
    }

    /// An argument too many: `a1 NOOP now`, `a1 SELECT Sent Items`.
    fn unexpected_argument(&mut self, extra_at: &'a [u8], spec: &'static Spec, at: &'a [u8]) {
        let name = self.display_name(spec);
        let extra = shorten(
            &extra_at[..self
                .line_end
                .saturating_sub(self.offset(extra_at))
                .min(extra_at.len())],
        );
        let space_at = self.offset(extra_at) - 1;
        let takes_none = !spec.synopsis.contains(' ') && !self.out.uid;
        // `FETCH 1 UID FLAGS INTERNALDATE` has two words too many, not one.
        let too_many = if extra.contains(' ') {
            "are too many"
        } else {
            "is one too many"
        };
        let mut message = if takes_none {
            format!("{name} takes no arguments, so `{extra}` {too_many}.")
        } else {
            format!("{name} already has all its arguments, so `{extra}` {too_many}.")
        };
        let mut suggestion = self.with_replaced(space_at, usize::MAX, "");
        // The first argument, for the hints below: just after the command name.
        let first_arg = self.offset(at) + spec.name.len() + 1 + if self.out.uid { 4 } else { 0 };
        match spec.name {
            "SELECT" | "EXAMINE" | "CREATE" | "DELETE" | "SUBSCRIBE" | "UNSUBSCRIBE"
                if extra_at.first() != Some(&b'(') =>
            {
                let whole = String::from_utf8_lossy(
                    &self.body[first_arg.min(self.line_end)..self.line_end],
                )
                .into_owned();
                let quoted = format!("\"{}\"", whole.replace('\\', "\\\\").replace('"', "\\\""));
                message.push_str(&format!(
                    " If the mailbox name contains a space, quote it: {quoted}."
                ));
                suggestion = self.with_replaced(first_arg, usize::MAX, &quoted);
            }
            "LOGIN" => message.push_str(
                " If the user name or the password contains a space, quote it: \"my secret\".",
            ),
            "EXPUNGE" if !self.out.uid => {
                message.push_str(" To expunge only some messages, use UID EXPUNGE with their UIDs: part of IMAP4rev2 (RFC 9051 §6.4.9), and of IMAP4rev1 servers that announce UIDPLUS (RFC 4315).");
            }
            "FETCH" => {
                let tokens: Vec<&[u8]> = extra_at[..self
                    .line_end
                    .saturating_sub(self.offset(extra_at))
                    .min(extra_at.len())]
                    .split(|&b| b == b' ')
                    .collect();
                if tokens.iter().all(
                    |t| matches!(crate::grammar::fetch::fetch_att(t), Ok((r, _)) if r.is_empty()),
                ) {
                    // The items start after the sequence set.
                    let set_len = self.body[first_arg.min(self.line_end)..]
                        .iter()
                        .position(|&b| b == b' ')
                        .unwrap_or(0);
                    let items_at = first_arg + set_len + 1;
                    let items =
                        String::from_utf8_lossy(&self.body[items_at..self.line_end]).into_owned();
                    message.push_str(" To fetch several data items, put them in parentheses.");
                    suggestion = self.with_replaced(items_at, usize::MAX, &format!("({items})"));
                }
            }
            _ => {}
        }
        let d = Diagnostic::new(
            Severity::Error,
            "unexpected-argument",
            self.col(extra_at),
            self.rule_of(spec),
            message,
        )
        .expected("the end of the line");
        let mut d = d;
        d.suggestion = suggestion;
        self.push(d);
    }

    /// Stage 4 failed: names what was wrong, where, and what to type.
    pub(super) fn argument_error(
        &mut self,
        mut e: GrammarError<'a>,
        failure: bool,
        spec: &'static Spec,
        at: &'a [u8],
    ) {
        if self.out.uid && e.expected == label::SEQUENCE_SET {
            e.expected = label::UID_SET;
        }
        let off = self.offset(e.input);
        let name = self.display_name(spec);
        let rule = e.rule.unwrap_or(self.rule_of(spec));
        if self.literal_problem(&e, off, spec) {
            return;
        }
        if e.expected == UNCLOSED_QUOTE && at_eol(e.input) {
            let line_start = self.body[..off]
                .windows(2)
                .rposition(|w| w == b"\r\n")
                .map_or(0, |i| i + 2);
            let open = opening_quote(&self.body[line_start..off]).map_or(off, |i| line_start + i);
            let mut d = Diagnostic::new(
                Severity::Error,
                "unterminated-quote",
                open + 1,
                "quoted",
                "This quoted string is never closed: it needs a \" before the end of the line. A quoted string cannot span lines; for line breaks or 8-bit bytes, send a literal ({size} and then the bytes: any byte but NUL, RFC 9051 §4.3.1).",
            )
            .expected("a closing double quote");
            d.suggestion = self.with_replaced(off, 0, "\"");
            return self.push(d);
        }
        if e.expected == BAD_ESCAPE {
            let escaped = match e.input.first() {
                Some(&c) if c.is_ascii_graphic() => format!("`\\{}`", c as char),
                _ => format!("a backslash followed by {}", describe_found(e.input)),
            };
            let mut d = Diagnostic::new(
                Severity::Error,
                "bad-escape",
                off,
                "quoted",
                format!("Inside a quoted string a backslash may only escape \" or \\, not {escaped}. To send a backslash itself, write it twice: \\\\."),
            )
            .expected("\\\" or \\\\");
            d.suggestion = self.with_replaced(off.saturating_sub(1), 0, "\\");
            return self.push(d);
        }
        let previous = off.checked_sub(1).map(|i| self.body[i]);
        if previous == Some(b' ') && matches!(e.input.first(), Some(b' ' | b')')) {
            let message = if e.input[0] == b' ' {
                "Two spaces in a row. IMAP separates arguments with exactly one space."
            } else {
                "A space before the closing parenthesis. Inside parentheses, items are separated by single spaces, with none before the )."
            };
            let mut d = Diagnostic::new(Severity::Error, "extra-space", off + 1, rule, message)
                .expected(e.expected);
            d.suggestion = self.with_replaced(off - 1, 1, "");
            return self.push(d);
        }
        if at_eol(e.input) {
            let (code, mut message) = if failure {
                (
                    "missing-argument",
                    format!("{name} needs {} here, but the line ends.", e.expected),
                )
            } else {
                (
                    "bad-argument",
                    format!(
                        "The line ends too early: {name} expected {} here.",
                        e.expected
                    ),
                )
            };
            let mut suggestion = self.form(spec);
            if let Some((hint, fixed)) = self.charset_taken_by_a_key(e.expected, spec, off) {
                message.push(' ');
                message.push_str(&hint);
                suggestion = fixed;
            }
            let d = Diagnostic::new(Severity::Error, code, off + 1, rule, message)
                .expected(e.expected)
                .suggest(suggestion);
            return self.push(d);
        }
        self.bad_argument(e, spec, at, rule);
    }

    /// `SORT (DATE) ALL`: the last word before the end, a search key, was read as the
    /// charset that SORT and THREAD require before their criteria (RFC 5256 §5,
    /// `search-criteria = charset 1*(SP search-key)`), so the criteria look missing.
    /// Says so, and puts UTF-8 in front of it.
    fn charset_taken_by_a_key(
        &self,
        expected: &str,
        spec: &Spec,
        off: usize,
    ) -> Option<(String, String)> {
        if expected != label::CRITERIA || !matches!(spec.name, "SORT" | "THREAD") {
            return None;
        }
        let line = &self.body[..off.min(self.line_end)];
        let start = line.iter().rposition(|&b| b == b' ')? + 1;
        let word = String::from_utf8_lossy(&line[start..]);
        let upper = word.to_ascii_uppercase();
        if !crate::grammar::search::SEARCH_KEY_NAMES.contains(&upper.as_str()) {
            return None;
        }
        let hint = format!(
            "`{word}` was read as the charset: {} takes a charset, such as UTF-8, before its search criteria (RFC 5256 §5).",
            spec.name
        );
        Some((hint, self.with_replaced(start, 0, "UTF-8 ")?))
    }

    /// An argument of the wrong shape: `a1 FETCH body[] 3`, `a1 STORE 1 +FLAG (\Seen)`.
    fn bad_argument(
        &mut self,
        e: GrammarError<'a>,
        spec: &'static Spec,
        at: &'a [u8],
        rule: &'static str,
    ) {
        let off = self.offset(e.input);
        let name = self.display_name(spec);
        let found = describe_found(e.input);
        let mut message = if e.input[0] == b'\t' {
            format!("{name} expected {} here, but found a tab. IMAP separates arguments with exactly one space.", e.expected)
        } else {
            format!("{name} expected {} here, but found {found}.", e.expected)
        };
        let mut suggestion = None;
        if e.input[0] == b'\t' {
            suggestion = self.with_replaced(off, 1, " ");
        }
        if !e.input[0].is_ascii() {
            if let Some((hint, fixed)) = self.unquoted_word_hint(off) {
                message.push(' ');
                message.push_str(&hint);
                suggestion = fixed;
            }
        }
        let token = String::from_utf8_lossy(near_token(e.input)).into_owned();
        if let Some(best) = choices(e.expected).and_then(|c| nearest(&token, c)) {
            message.push_str(&format!(" Did you mean {best}?"));
            suggestion = self.with_replaced(off, token.len(), best);
        }
        if matches!(e.expected, label::SEQUENCE_SET | label::UID_SET) {
            if token.starts_with('0') {
                message.push_str(" Message numbers and UIDs start at 1.");
            } else if suggestion.is_none() {
                if let Some(swapped) = self.swapped_arguments(spec, at, off) {
                    message.push_str(" The arguments seem to be in the wrong order.");
                    suggestion = Some(swapped);
                }
            }
        }
        // Valid syntax of an extension the grammar does not read yet: not the learner's
        // error, so a warning that says whose syntax it is.
        let unread = unread_extension_syntax(e.expected, &token);
        if let Some(hint) = unread {
            message.push(' ');
            message.push_str(hint);
        }
        let severity = if unread.is_some() {
            Severity::Warning
        } else {
            Severity::Error
        };
        let d =
            Diagnostic::new(severity, "bad-argument", off + 1, rule, message).expected(e.expected);
        let mut d = d;
        d.suggestion = match unread {
            Some(_) => None,
            None => suggestion.or_else(|| Some(self.form(spec))),
        };
        self.push(d);
    }

    /// `a1 FETCH body[] 3` → `a1 FETCH 3 body[]`: if moving the last argument to the
    /// front makes the command parse, that is the likely intent.
    fn swapped_arguments(
        &self,
        spec: &'static Spec,
        at: &'a [u8],
        args_at: usize,
    ) -> Option<String> {
        let args = self.body.get(args_at..self.line_end)?;
        let last_space = args.iter().rposition(|&b| b == b' ')?;
        let (first, last) = (&args[..last_space], &args[last_space + 1..]);
        let name_len = args_at - self.offset(at);
        let mut candidate = at[..name_len].to_vec();
        candidate.extend_from_slice(last);
        candidate.push(b' ');
        candidate.extend_from_slice(first);
        // `at` is where the command's name starts, so a UID form is parsed from "UID".
        let parse: CommandParser = if self.out.uid { uid } else { spec.parse };
        let Ok((rest, _)) = parse(&candidate[..]) else {
            return None;
        };
        if !rest.is_empty() {
            return None;
        }
        let new_args = format!(
            "{} {}",
            String::from_utf8_lossy(last),
            String::from_utf8_lossy(first)
        );
        self.with_replaced(args_at, usize::MAX, &new_args)
    }

    /// Diagnoses literals whose announced size does not match the bytes that follow.
    fn literal_problem(&mut self, e: &GrammarError<'a>, off: usize, spec: &'static Spec) -> bool {
        let body = self.body;
        if e.expected == SHORT_LITERAL && off >= 2 && &body[off - 2..off] == b"\r\n" {
            if let Some(lit) = literal_ending_at(body, off - 2) {
                let have = body.len() - off;
                let mut d = Diagnostic::new(
                    Severity::Error,
                    "literal-size-mismatch",
                    lit.start + 1,
                    "literal",
                    format!(
                        "The literal announces {} bytes, but only {have} follow before the end of the message. The number in braces must count exactly the bytes sent after the CRLF (every byte, line breaks included).",
                        lit.size
                    ),
                )
                .expected(format!("{} bytes of literal data", lit.size));
                d.suggestion = self.with_replaced(lit.digits.0, lit.digits.1, &have.to_string());
                self.push(d);
                return true;
            }
        }
        if e.expected == "the end of the line" && at_eol(e.input) && body[..off].ends_with(b"}") {
            if let Some(lit) = literal_ending_at(body, off) {
                let d = Diagnostic::new(
                    Severity::Error,
                    "literal-without-data",
                    lit.start + 1,
                    "literal",
                    format!(
                        "`{}` announces a literal: exactly {} bytes must follow on the next line. With a synchronizing literal the client sends this line, waits for the server's `+`, then sends the bytes; with {{{}+}} it sends them at once, where the server allows it: LITERAL+ (RFC 7888), or LITERAL- and IMAP4rev2 up to 4096 bytes (RFC 9051 §4.3).",
                        shorten(&body[lit.start..off]),
                        lit.size,
                        lit.size
                    ),
                )
                .expected(format!("CRLF and {} bytes", lit.size));
                self.push(d);
                return true;
            }
        }
        if !at_eol(e.input) {
            for (lit, data) in literals_of(body) {
                if data.saturating_add(usize::try_from(lit.size).unwrap_or(usize::MAX)) == off {
                    let d = Diagnostic::new(
                        Severity::Error,
                        "literal-size-mismatch",
                        lit.start + 1,
                        "literal",
                        format!(
                            "The literal announced {} bytes, so it holds `{}`, and {} is left over where {} expected {}. Count the bytes again: the number in braces must match exactly.",
                            lit.size,
                            shorten(&body[data..off]),
                            describe_found(e.input),
                            self.display_name(spec),
                            e.expected
                        ),
                    )
                    .expected(e.expected);
                    // The likely intent: the literal was meant to run to the next space or the end of the line.
                    let meant = body[data..]
                        .iter()
                        .position(|&b| matches!(b, b' ' | b'\r' | b')'))
                        .unwrap_or(body.len() - data);
                    let mut d = d;
                    if meant as u64 != lit.size {
                        d.suggestion =
                            self.with_replaced(lit.digits.0, lit.digits.1, &meant.to_string());
                    }
                    self.push(d);
                    return true;
                }
            }
        }
        false
    }
}

/// Why `token` is valid where the grammar expected `expected`, for the extension syntax
/// the tutor's grammar does not read (yet): RFC 9394's negative PARTIAL ranges and
/// RFC 9208's DELETED-STORAGE, both in RFC examples.
fn unread_extension_syntax(expected: &str, token: &str) -> Option<&'static str> {
    if expected == label::PARTIAL_RANGE && token.starts_with('-') {
        return Some("A negative range is valid with the PARTIAL extension (RFC 9394 §3.1: counted back from the last result); the tutor reads only RFC 5267's positive ranges. Send it only to a server whose CAPABILITY announces PARTIAL.");
    }
    if expected == label::STATUS_ATT && token.eq_ignore_ascii_case("DELETED-STORAGE") {
        return Some("DELETED-STORAGE is a valid status item of the QUOTA extension (RFC 9208 §4.1.4), required only of a server that announces QUOTA=RES-STORAGE; the tutor does not read it yet.");
    }
    None
}
