//! Normalisation: the values that change on every run, replaced by placeholders so
//! that `diff` and `replay` see only the differences that mean something.
//!
//! Two sessions with the same server and the same mail still differ in Dovecot's
//! timings, in the mailbox's UIDVALIDITY (a new one for every new mailbox), in dates,
//! in the random ids of `Message-ID:` and `Received:` headers, in the tags each client
//! picks, and in the distribution name of the greeting. A plain `diff` drowns in
//! those. Each is a named [`Rule`], on by default; `--keep NAME` turns one off,
//! `--strict` all of them, and `--ignore REGEX` adds a rule of the user's own.
//!
//! Sans-IO and stateless: a [`Rules`] takes the bytes of one message (a line and its
//! literals, as [`crate::wire::Message`] holds it) and returns normalised display
//! lines. The tag rule needs to know which command a line answers, so it is applied
//! by [`super::diff`], which splits a session into exchanges; this module only offers
//! [`rename_tag`].
//!
//! Literal sizes: when a rule changes text inside a literal, the literal's length
//! changes, and so must the `{n}` that announced it, or the same message would differ
//! by its count alone. [`Rules::message_lines`] normalises the literal first and then
//! announces its new length, so both stay consistent.
//!
//! Why `--ignore` takes a regular expression rather than a substring or a glob: the
//! volatile parts people want to ignore are shaped, not fixed (a session id of hex
//! digits, a host name in a greeting), a glob's `*` cannot say "digits only" and would
//! run to the end of the line, and the issue that asked for the option says REGEX. The
//! `regex` crate is built with Perl classes only (`\d`, `\w`, `\s`), no other Unicode
//! tables and no optimisations, to keep the build small; the built-in rules are cheap
//! to skip, because each first checks for a fixed word before running its expression.

use regex::bytes::{Captures, Regex};
use std::sync::OnceLock;

use crate::wire::{Message, Part};

use super::native::escape_into;
use super::Direction;

/// A built-in normalisation rule. Its doc comment is what `--help` says of it
/// (`--keep RULE`'s possible values), and its value name what `--keep` takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, clap::ValueEnum)]
pub enum Rule {
    /// Dovecot's timings, `(0.001 + 0.000 secs)`
    #[value(name = "timings", alias = "timing")]
    Timings,
    /// UIDVALIDITY values (codes, APPENDUID/COPYUID, STATUS)
    #[value(name = "uidvalidity", alias = "uid-validity")]
    UidValidity,
    /// INTERNALDATE, APPEND dates, RFC 5322 dates in headers and ENVELOPE
    #[value(name = "dates", alias = "date")]
    Dates,
    /// Message-ID/In-Reply-To/References values, Received ids (in literals)
    #[value(name = "message-ids", alias = "message-id")]
    MessageIds,
    /// Each exchange's tag becomes <tag>: A1 and a001 do not count
    #[value(name = "tags", alias = "tag")]
    Tags,
    /// The greeting's distribution: Dovecot (Debian) vs (Ubuntu)
    #[value(name = "greeting")]
    Greeting,
}

/// Every built-in rule, in the order `--help` lists them.
pub(crate) const ALL_RULES: [Rule; 6] = [
    Rule::Timings,
    Rule::UidValidity,
    Rule::Dates,
    Rule::MessageIds,
    Rule::Tags,
    Rule::Greeting,
];

impl Rule {
    /// The name `--keep` takes (its clap value name).
    pub(crate) fn name(self) -> String {
        use clap::ValueEnum;
        self.to_possible_value()
            .map(|v| v.get_name().to_owned())
            .unwrap_or_default()
    }
}

/// The rules in force: which built-ins are on, and the user's own `--ignore` patterns.
#[derive(Debug, Clone)]
pub struct Rules {
    on: Vec<Rule>,
    ignore: Vec<Regex>,
}

impl Default for Rules {
    /// Every built-in rule on, nothing ignored.
    fn default() -> Self {
        Rules {
            on: ALL_RULES.to_vec(),
            ignore: Vec::new(),
        }
    }
}

/// The placeholder an `--ignore` match becomes.
pub(crate) const IGNORED: &str = "<ignored>";

/// A `--keep` or `--ignore` that cannot be followed.
#[derive(Debug, Clone, PartialEq)]
pub enum RuleError {
    /// `--keep NAME` names no rule.
    NoSuchRule(String),
    /// `--ignore PATTERN` is not a regular expression.
    NotRegex {
        pattern: String,
        error: regex::Error,
    },
    /// `--ignore PATTERN` matches the empty string, so it would match everywhere.
    MatchesEmpty(String),
}

impl std::fmt::Display for RuleError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            RuleError::NoSuchRule(name) => {
                let names: Vec<String> = ALL_RULES.iter().map(|r| r.name()).collect();
                write!(
                    f,
                    "--keep: there is no rule called `{name}`; the rules are {}",
                    names.join(", ")
                )
            }
            RuleError::NotRegex { pattern, error } => write!(
                f,
                "--ignore: `{pattern}` is not a regular expression the `regex` crate accepts: {error}"
            ),
            RuleError::MatchesEmpty(pattern) => write!(
                f,
                "--ignore: `{pattern}` matches the empty string, so it would match everywhere; \
                 write something that needs at least one character (`\\d+`, not `\\d*`)"
            ),
        }
    }
}

impl std::error::Error for RuleError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            RuleError::NotRegex { error, .. } => Some(error),
            RuleError::NoSuchRule(_) | RuleError::MatchesEmpty(_) => None,
        }
    }
}

impl Rules {
    /// No rule at all: `--strict`. (`--ignore` may still add some.)
    pub fn strict() -> Self {
        Rules {
            on: Vec::new(),
            ignore: Vec::new(),
        }
    }

    /// Turns `rule` off (`--keep uidvalidity`).
    pub fn keep_rule(&mut self, rule: Rule) {
        self.on.retain(|r| *r != rule);
    }

    /// Turns the rule called `name` off (any case; `uid-validity`, `date`... too).
    pub fn keep(&mut self, name: &str) -> Result<(), RuleError> {
        use clap::ValueEnum;
        let rule = Rule::from_str(name.trim(), true)
            .map_err(|_| RuleError::NoSuchRule(name.to_string()))?;
        self.keep_rule(rule);
        Ok(())
    }

    /// Adds `--ignore REGEX`: every match, in any line or literal of either side,
    /// becomes `<ignored>`.
    pub fn ignore(&mut self, pattern: &str) -> Result<(), RuleError> {
        let regex = Regex::new(pattern).map_err(|error| RuleError::NotRegex {
            pattern: pattern.to_string(),
            error,
        })?;
        if regex.is_match(b"") {
            return Err(RuleError::MatchesEmpty(pattern.to_string()));
        }
        self.ignore.push(regex);
        Ok(())
    }

    /// True when the built-in `rule` is on.
    pub(crate) fn has(&self, rule: Rule) -> bool {
        self.on.contains(&rule)
    }

    /// What is in force, for summaries: rule names, then each `--ignore` pattern.
    pub(crate) fn describe(&self) -> Vec<String> {
        let mut out: Vec<String> = ALL_RULES
            .iter()
            .filter(|r| self.has(**r))
            .map(|r| r.name())
            .collect();
        out.extend(
            self.ignore
                .iter()
                .map(|r| format!("ignore /{}/", r.as_str())),
        );
        out
    }

    /// Normalises the text of one protocol line (its ending excluded). `greeting` is
    /// true for the server's first message.
    pub(crate) fn line(&self, direction: Direction, text: &[u8], greeting: bool) -> Vec<u8> {
        let mut out = text.to_vec();
        if direction == Direction::Server && self.has(Rule::Timings) && contains(&out, b"secs)") {
            out = replace(&TIMINGS, &out, |_| b"(<timing> secs)".to_vec());
        }
        if self.has(Rule::UidValidity) && contains_ci(&out, b"UID") {
            out = replace(&UIDVALIDITY, &out, |c| {
                [&c[1], b" <uidvalidity>".as_slice()].concat()
            });
        }
        if self.has(Rule::Dates) && contains(&out, b":") {
            out = replace(&DATE_TIME, &out, |_| b"\"<date>\"".to_vec());
            if direction == Direction::Server {
                out = replace(&RFC5322_DATE, &out, |_| b"<date>".to_vec());
            }
        }
        if greeting && self.has(Rule::Greeting) && contains(&out, b"Dovecot") {
            out = replace(&GREETING, &out, |_| b"Dovecot <distro> ready.".to_vec());
        }
        self.apply_ignore(out)
    }

    /// Normalises the data of one literal: a message's headers and body.
    pub(crate) fn literal(&self, data: &[u8]) -> Vec<u8> {
        let mut out = data.to_vec();
        if self.has(Rule::MessageIds) {
            if contains_ci(&out, b"-ID:") || contains_ci(&out, b"References:") {
                out = replace(&MESSAGE_ID, &out, |c| {
                    [&c[1], b"<message-id>".as_slice()].concat()
                });
            }
            if contains_ci(&out, b"Received:") {
                out = received_ids(&out);
            }
        }
        if self.has(Rule::Dates) && contains(&out, b":") {
            out = replace(&RFC5322_DATE, &out, |_| b"<date>".to_vec());
            out = replace(&DATE_TIME, &out, |_| b"\"<date>\"".to_vec());
        }
        self.apply_ignore(out)
    }

    fn apply_ignore(&self, mut out: Vec<u8>) -> Vec<u8> {
        for regex in &self.ignore {
            out = replace(regex, &out, |_| IGNORED.as_bytes().to_vec());
        }
        out
    }

    /// A whole message as display lines in the native format's notation (`C: ...`,
    /// `S| ...`), normalised. A literal whose text a rule changed is announced with its
    /// new length, so the `{n}` and the data stay consistent; a literal the assembler
    /// kept only in part is shown with what was kept and its real size noted.
    pub(crate) fn message_lines(
        &self,
        direction: Direction,
        message: &Message,
        greeting: bool,
    ) -> Vec<String> {
        let mut out = Vec::new();
        let letter = direction.letter();
        let mut parts = message.parts.iter().peekable();
        while let Some(part) = parts.next() {
            match part {
                Part::Line(line) => {
                    let text = self.line(direction, line.text(), greeting);
                    let literal = match (line.literal, parts.peek()) {
                        (Some(_), Some(Part::Literal(lit))) => Some(self.literal(&lit.data)),
                        _ => None,
                    };
                    let text = match &literal {
                        Some(data) => announce(&text, data.len()),
                        None => text,
                    };
                    let ending = if line.ending == crate::wire::LineEnding::BareLf {
                        "\\n\\$"
                    } else {
                        ""
                    };
                    out.push(display(letter, ':', &text, ending));
                    if let Some(data) = literal {
                        parts.next();
                        literal_lines(&mut out, letter, &data);
                    }
                }
                Part::Literal(lit) => literal_lines(&mut out, letter, &self.literal(&lit.data)),
                Part::Overlong { head, len, .. } => {
                    let text = self.line(direction, head, greeting);
                    out.push(display(
                        letter,
                        ':',
                        &text,
                        &format!(" … ({len} bytes in all)"),
                    ));
                }
                Part::Truncated { bytes } => {
                    let text = self.line(direction, bytes, greeting);
                    out.push(display(letter, ':', &text, "\\$ (the stream ended here)"));
                }
            }
        }
        out
    }
}

/// Replaces the tag (the first word) of a command or tagged response line.
pub(crate) fn rename_tag(text: &[u8], new: &str) -> Vec<u8> {
    let end = text.iter().position(|&b| b == b' ').unwrap_or(text.len());
    [new.as_bytes(), &text[end..]].concat()
}

/// The line's literal announcement (`{445}`, `{5+}`, `~{3}`) rewritten for `size` bytes.
fn announce(text: &[u8], size: usize) -> Vec<u8> {
    let Some(open) = text.iter().rposition(|&b| b == b'{') else {
        return text.to_vec();
    };
    let close = text.len().saturating_sub(1);
    if text.get(close) != Some(&b'}') || close <= open {
        return text.to_vec();
    }
    let plus = if text[close - 1] == b'+' { "+" } else { "" };
    let mut out = text[..open].to_vec();
    out.extend_from_slice(format!("{{{size}{plus}}}").as_bytes());
    out
}

fn display(letter: char, mark: char, text: &[u8], suffix: &str) -> String {
    let mut s = String::with_capacity(text.len() + 4);
    s.push(letter);
    s.push(mark);
    if !text.is_empty() || !suffix.is_empty() {
        s.push(' ');
    }
    escape_into(&mut s, text);
    s.push_str(suffix);
    s
}

/// Literal data as `S|` lines: one per line of the data, CR LF implied, `\$` where a
/// piece has no line ending (the data ends mid-line, as a FETCH literal usually does
/// not, but an APPEND of a file without a final newline does).
fn literal_lines(out: &mut Vec<String>, letter: char, data: &[u8]) {
    for piece in data.split_inclusive(|&b| b == b'\n') {
        match piece.strip_suffix(b"\r\n") {
            Some(text) => out.push(display(letter, '|', text, "")),
            None => out.push(display(letter, '|', piece, "\\$")),
        }
    }
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

fn contains_ci(haystack: &[u8], needle: &[u8]) -> bool {
    haystack
        .windows(needle.len())
        .any(|w| w.eq_ignore_ascii_case(needle))
}

fn replace(regex: &Regex, text: &[u8], with: impl Fn(&Captures) -> Vec<u8>) -> Vec<u8> {
    regex.replace_all(text, |c: &Captures| with(c)).into_owned()
}

/// `id XXXX` inside `Received:` fields (folded lines included): the queue ids every
/// MTA makes up, which differ between two deliveries of the same message.
fn received_ids(data: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(data.len());
    let mut in_received = false;
    let mut in_headers = true;
    for line in data.split_inclusive(|&b| b == b'\n') {
        if in_headers {
            let bare = line.strip_suffix(b"\n").unwrap_or(line);
            let bare = bare.strip_suffix(b"\r").unwrap_or(bare);
            if bare.is_empty() {
                in_headers = false;
                in_received = false;
            } else if !matches!(bare[0], b' ' | b'\t') {
                in_received = bare.len() >= 9 && bare[..9].eq_ignore_ascii_case(b"Received:");
            }
        }
        if in_received {
            out.extend_from_slice(&replace(&RECEIVED_ID, line, |c| {
                [&c[1], b"<id>".as_slice()].concat()
            }));
        } else {
            out.extend_from_slice(line);
        }
    }
    out
}

/// A lazily compiled built-in expression.
struct Lazy(&'static str, OnceLock<Regex>);

impl std::ops::Deref for Lazy {
    type Target = Regex;
    fn deref(&self) -> &Regex {
        self.1
            .get_or_init(|| Regex::new(self.0).expect("built-in normalisation regex"))
    }
}

static TIMINGS: Lazy = Lazy(
    r"\(\d+\.\d+ \+ \d+\.\d+(?: \+ \d+\.\d+)? secs\)",
    OnceLock::new(),
);
static UIDVALIDITY: Lazy = Lazy(
    r"(?i-u)\b(UIDVALIDITY|APPENDUID|COPYUID) \d+",
    OnceLock::new(),
);
/// IMAP's `date-time` (RFC 9051 §9): INTERNALDATE and APPEND's argument, quoted.
static DATE_TIME: Lazy = Lazy(
    r#""[ \d]?\d-[A-Za-z]{3}-\d{4} \d\d:\d\d:\d\d [+-]\d{4}""#,
    OnceLock::new(),
);
/// RFC 5322 §3.3 `date-time`, as in `Date:` and at the end of `Received:`.
static RFC5322_DATE: Lazy = Lazy(
    r"(?:(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun), ?)?\d{1,2} (?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{4} \d\d:\d\d(?::\d\d)? (?:[+-]\d{4}|UT|GMT|[ECMP][SD]T)(?: \([A-Za-z ]+\))?",
    OnceLock::new(),
);
static GREETING: Lazy = Lazy(r"Dovecot(?: \([^)]*\))? ready\.", OnceLock::new());
static MESSAGE_ID: Lazy = Lazy(
    r"(?im-u)^((?:Message-ID|In-Reply-To|Resent-Message-ID|Content-ID|References):[ \t]*)<[^>\r\n]*>(?:[ \t\r\n]+<[^>\r\n]*>)*",
    OnceLock::new(),
);
static RECEIVED_ID: Lazy = Lazy(r"(?i-u)(\bid[ \t]+)[^\s;]+", OnceLock::new());

#[cfg(test)]
mod tests {
    use super::*;
    use crate::wire::message::messages_of;

    fn server(rules: &Rules, text: &str) -> String {
        String::from_utf8(rules.line(Direction::Server, text.as_bytes(), false)).unwrap()
    }

    #[test]
    fn dovecot_timings_in_both_forms() {
        let r = Rules::default();
        assert_eq!(
            server(
                &r,
                "B OK [READ-WRITE] Select completed (0.001 + 0.000 secs)."
            ),
            "B OK [READ-WRITE] Select completed (<timing> secs)."
        );
        assert_eq!(
            server(&r, "C OK Fetch completed (0.002 + 0.000 + 0.001 secs)."),
            "C OK Fetch completed (<timing> secs)."
        );
        assert_eq!(
            server(
                &Rules::strict(),
                "C OK Fetch completed (0.002 + 0.000 secs)."
            ),
            "C OK Fetch completed (0.002 + 0.000 secs)."
        );
    }

    #[test]
    fn uidvalidity_in_codes_and_status() {
        let r = Rules::default();
        assert_eq!(
            server(&r, "* OK [UIDVALIDITY 1719824692] UIDs valid"),
            "* OK [UIDVALIDITY <uidvalidity>] UIDs valid"
        );
        assert_eq!(
            server(&r, "A OK [APPENDUID 1719824692 5] Append completed."),
            "A OK [APPENDUID <uidvalidity> 5] Append completed."
        );
        assert_eq!(
            server(&r, "* STATUS INBOX (MESSAGES 4 UIDVALIDITY 17)"),
            "* STATUS INBOX (MESSAGES 4 UIDVALIDITY <uidvalidity>)"
        );
        let mut kept = Rules::default();
        kept.keep("uidvalidity").unwrap();
        assert_eq!(
            server(&kept, "* OK [UIDVALIDITY 1] x"),
            "* OK [UIDVALIDITY 1] x"
        );
        assert!(kept
            .keep("nonsense")
            .unwrap_err()
            .to_string()
            .contains("timings, uidvalidity"));
    }

    #[test]
    fn dates_and_the_greeting() {
        let r = Rules::default();
        assert_eq!(
            server(
                &r,
                r#"* 3 FETCH (INTERNALDATE "27-Jun-2024 16:19:35 +0000")"#
            ),
            r#"* 3 FETCH (INTERNALDATE "<date>")"#
        );
        assert_eq!(
            server(
                &r,
                r#"* 1 FETCH (ENVELOPE ("Thu, 27 Jun 2024 16:19:35 +0000" "Hi" NIL))"#
            ),
            r#"* 1 FETCH (ENVELOPE ("<date>" "Hi" NIL))"#
        );
        let greeting =
            |t: &str| String::from_utf8(r.line(Direction::Server, t.as_bytes(), true)).unwrap();
        assert_eq!(
            greeting("* OK [CAPABILITY IMAP4rev1] Dovecot (Debian) ready."),
            greeting("* OK [CAPABILITY IMAP4rev1] Dovecot (Ubuntu) ready.")
        );
    }

    #[test]
    fn message_ids_and_received_ids_in_literals() {
        let r = Rules::default();
        let data = b"Received: from x\r\n\tby y with smtp (Exim 4.95)\r\n\tid 1sMrpq-0001Ah-UT\r\n\tfor a@b; Thu, 27 Jun 2024 16:19:35 +0000\r\nMessage-ID: <abc@host>\r\nSubject: id 42\r\n\r\nbody id 7\r\n";
        let out = String::from_utf8(r.literal(data)).unwrap();
        assert_eq!(
            out,
            "Received: from x\r\n\tby y with smtp (Exim 4.95)\r\n\tid <id>\r\n\tfor a@b; <date>\r\nMessage-ID: <message-id>\r\nSubject: id 42\r\n\r\nbody id 7\r\n"
        );
    }

    #[test]
    fn a_literal_changed_by_a_rule_is_announced_with_its_new_length() {
        let r = Rules::default();
        let msg =
            &messages_of(b"* 1 FETCH (BODY[] {25}\r\nMessage-ID: <1@a>\r\n\r\nHi\r\n)\r\n")[0];
        let lines = r.message_lines(Direction::Server, msg, false);
        assert_eq!(
            lines,
            vec![
                "S: * 1 FETCH (BODY[] {32}",
                "S| Message-ID: <message-id>",
                "S|",
                "S| Hi",
                "S: )"
            ]
        );
        assert_eq!("Message-ID: <message-id>\r\n\r\nHi\r\n".len(), 32);
    }

    #[test]
    fn ignore_adds_a_rule_and_refuses_empty_matches() {
        let mut r = Rules::strict();
        r.ignore(r"session=<[^>]+>").unwrap();
        assert_eq!(
            server(&r, "* OK Logged in (session=<abc>)"),
            "* OK Logged in (<ignored>)"
        );
        assert!(r
            .ignore(r"\d*")
            .unwrap_err()
            .to_string()
            .contains("empty string"));
        assert!(r
            .ignore("(")
            .unwrap_err()
            .to_string()
            .contains("not a regular expression"));
    }
}
