//! The scenario format: what a lesson file says, read from YAML with errors a teacher can act on.
//!
//! A scenario is metadata, a fixture (the mock's world), optional setup commands and a
//! list of steps. The format is documented for teachers in
//! `book/src/reference/scenario-format.md`; keep the two in step.
//!
//! Every struct rejects unknown fields, so a misspelt `hints:` is an error naming the
//! line rather than a lesson that silently has no hints. serde_norway knows where a
//! type error happened but not where a *value* came from, so after a successful parse a
//! small [`Locator`] finds the line of each step and of each expected line in the text:
//! `check` can then say "line 42: this expected line never matched", not "step 3".

use std::path::{Path, PathBuf};

use serde::de::{self, Deserializer, MapAccess, SeqAccess, Visitor};
use serde::Deserialize;

use super::matcher::Expectation;
use crate::mock::fixture::{self, Fixture, FixtureError};

/// One lesson file.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Scenario {
    /// Short, stable, lowercase: what `imap-tutor lesson ID` takes and progress is keyed by.
    pub id: String,
    pub title: String,
    pub level: Level,
    /// One or two sentences for the menu: what the learner will be able to do.
    pub summary: String,
    /// Ids of lessons to take first.
    #[serde(default)]
    pub prerequisites: Vec<String>,
    /// The mock's world: a built-in name, a path relative to this file, or inline.
    pub(crate) fixture: FixtureRef,
    /// Commands sent before the first step, not judged (e.g. LOGIN and SELECT, so a lesson
    /// on FETCH starts where FETCH makes sense). The learner is told they were sent.
    #[serde(default)]
    pub setup: Vec<String>,
    pub steps: Vec<Step>,
    /// Where the scenario came from: not in the YAML.
    #[serde(skip)]
    pub source: Source,
}

/// How far along the learner should be, for the menu.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Deserialize, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Level {
    /// First contact: typing IMAP by hand for the first time.
    FirstContact,
    Beginner,
    Intermediate,
    Advanced,
    Expert,
}

impl Level {
    pub fn name(self) -> &'static str {
        match self {
            Level::FirstContact => "first contact",
            Level::Beginner => "beginner",
            Level::Intermediate => "intermediate",
            Level::Advanced => "advanced",
            Level::Expert => "expert",
        }
    }
}

/// `fixture: strategos`, `fixture: fixtures/mine.yaml`, or the fixture written inline.
#[derive(Debug, Clone)]
pub(crate) enum FixtureRef {
    Named(String),
    Inline(Box<Fixture>),
}

impl<'de> Deserialize<'de> for FixtureRef {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = FixtureRef;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str(
                    "a fixture name (strategos, default), a path, or a fixture written inline",
                )
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<FixtureRef, E> {
                Ok(FixtureRef::Named(v.to_owned()))
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<FixtureRef, A::Error> {
                let f = Fixture::deserialize(de::value::MapAccessDeserializer::new(map))?;
                Ok(FixtureRef::Inline(Box::new(f)))
            }
        }
        d.deserialize_any(V)
    }
}

/// One step: the learner reads, types one command, and is judged on the server's reply.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Step {
    /// What to read before typing: context, the idea, the RFC section.
    pub narrative: String,
    /// One sentence: what the learner must achieve ("Select INBOX read-only").
    pub goal: String,
    /// Things that happen before the learner types: another client delivers mail...
    #[serde(default)]
    pub(crate) before: Vec<Event>,
    /// What the learner's session receives because of `before`, without sending anything
    /// (only an idling client hears of changes at once; RFC 2177).
    #[serde(default)]
    pub(crate) updates: Vec<ExpectItem>,
    /// The command the lesson shows and the demo types. Several lines for a literal.
    pub(crate) show: String,
    /// The server's whole reply. See the matcher for the pattern language.
    pub(crate) expect: Vec<ExpectItem>,
    /// Lines that must not appear in the reply.
    #[serde(default)]
    pub(crate) absent: Vec<String>,
    /// Progressive hints: the first is shown after the first miss, and so on.
    #[serde(default)]
    pub hints: Vec<String>,
    /// Shown once the step succeeds: why the reply looks the way it does.
    pub explanation: String,
    /// Checks on the mock's store after the reply.
    #[serde(default)]
    pub(crate) check: Vec<StateCheck>,
}

/// An item of `expect:`: a line pattern, `...`, or a block of lines in any order.
#[derive(Debug, Clone)]
pub(crate) enum ExpectItem {
    Line(String),
    Unordered(Vec<String>),
}

impl<'de> Deserialize<'de> for ExpectItem {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = ExpectItem;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("an expected line (a string) or `unordered:` with a list of lines")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<ExpectItem, E> {
                Ok(ExpectItem::Line(v.to_owned()))
            }
            // `- 42` or `- true` in a list of lines is a typo for a string; say so.
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<ExpectItem, E> {
                Ok(ExpectItem::Line(v.to_string()))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<ExpectItem, E> {
                Ok(ExpectItem::Line(v.to_string()))
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<ExpectItem, A::Error> {
                let mut lines: Option<Vec<String>> = None;
                while let Some(key) = map.next_key::<String>()? {
                    if key != "unordered" {
                        return Err(de::Error::unknown_field(&key, &["unordered"]));
                    }
                    lines = Some(map.next_value()?);
                }
                lines
                    .map(ExpectItem::Unordered)
                    .ok_or_else(|| de::Error::missing_field("unordered"))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, _seq: A) -> Result<ExpectItem, A::Error> {
                Err(de::Error::custom(
                    "a list inside `expect:`: write each line as `- \"...\"`, or group lines as `- unordered: [...]`",
                ))
            }
        }
        d.deserialize_any(V)
    }
}

/// Something that happens between steps, done by a second client of the same store.
/// Exactly one of the fields is given: `- deliver: {...}`. (A struct rather than an
/// enum: serde_norway wants YAML tags such as `!deliver` for enums, which teachers
/// should not have to learn.)
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Event {
    /// New mail arrives (the second client APPENDs it).
    #[serde(default)]
    pub(crate) deliver: Option<Deliver>,
    /// Messages are expunged by the second client (STORE \Deleted, then EXPUNGE).
    #[serde(default)]
    pub(crate) expunge: Option<Expunge>,
    /// The second client changes flags.
    #[serde(default)]
    pub(crate) flags: Option<FlagsEvent>,
    /// Any commands, sent by the second client (logged in already; tags are added).
    #[serde(default)]
    pub(crate) commands: Option<Vec<String>>,
}

impl Event {
    /// How many kinds of event this item names (validation wants exactly one).
    pub(crate) fn kinds(&self) -> usize {
        usize::from(self.deliver.is_some())
            + usize::from(self.expunge.is_some())
            + usize::from(self.flags.is_some())
            + usize::from(self.commands.is_some())
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Deliver {
    #[serde(default = "inbox")]
    pub(crate) mailbox: String,
    /// The message; line breaks become CRLF.
    pub(crate) text: String,
    #[serde(default)]
    pub(crate) flags: Vec<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Expunge {
    #[serde(default = "inbox")]
    pub(crate) mailbox: String,
    pub(crate) uids: Vec<u32>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct FlagsEvent {
    #[serde(default = "inbox")]
    pub(crate) mailbox: String,
    pub(crate) uids: Vec<u32>,
    #[serde(default)]
    pub(crate) add: Vec<String>,
    #[serde(default)]
    pub(crate) remove: Vec<String>,
}

fn inbox() -> String {
    "INBOX".into()
}

/// A check on the store after a step: "message 3 has \Seen", "Archive holds 1 message".
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct StateCheck {
    /// Whose mailbox; the learner's logged-in user by default.
    #[serde(default)]
    pub(crate) user: Option<String>,
    #[serde(default = "inbox")]
    pub(crate) mailbox: String,
    /// A message by its position in the mailbox (1 = oldest), as the store holds it now.
    #[serde(default)]
    pub(crate) message: Option<u32>,
    /// A message by UID.
    #[serde(default)]
    pub(crate) uid: Option<u32>,
    /// Flags the message must have.
    #[serde(default)]
    pub(crate) flags: Vec<String>,
    /// Flags the message must not have.
    #[serde(default)]
    pub(crate) not_flags: Vec<String>,
    /// How many messages the mailbox must hold.
    #[serde(default)]
    pub(crate) count: Option<usize>,
    /// Whether the mailbox must exist.
    #[serde(default)]
    pub(crate) exists: Option<bool>,
    #[serde(default)]
    pub(crate) uidnext: Option<u32>,
}

/// Where a scenario came from.
#[derive(Debug, Clone, Default)]
pub struct Source {
    /// The file, as given (or `built-in/ID.yaml`).
    pub(crate) path: PathBuf,
    pub text: String,
    /// YAML line (1-based) of each step's `- ` item.
    pub(crate) step_lines: Vec<usize>,
}

/// A scenario error, with the place to fix it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct ScenarioError {
    pub(crate) path: String,
    pub(crate) line: usize,
    pub(crate) column: usize,
    pub(crate) message: String,
}

impl std::fmt::Display for ScenarioError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{}:{}:{}: {}",
            self.path, self.line, self.column, self.message
        )
    }
}

impl std::error::Error for ScenarioError {}

impl ScenarioError {
    pub(crate) fn at(path: &Path, line: usize, column: usize, message: impl Into<String>) -> Self {
        ScenarioError {
            path: path.display().to_string(),
            line,
            column,
            message: message.into(),
        }
    }
}

/// Reads a scenario file.
pub fn load(path: &Path) -> Result<Scenario, Vec<ScenarioError>> {
    let text = std::fs::read_to_string(path).map_err(|e| {
        vec![ScenarioError::at(
            path,
            0,
            0,
            format!("cannot read the file: {e}"),
        )]
    })?;
    parse(&text, path)
}

/// Parses and validates scenario text; `path` names it in errors and anchors relative fixtures.
pub fn parse(text: &str, path: &Path) -> Result<Scenario, Vec<ScenarioError>> {
    crate::yaml::check(text).map_err(|e| vec![ScenarioError::at(path, e.line, 1, e.message)])?;
    let mut scenario: Scenario =
        serde_norway::from_str(text).map_err(|e| vec![yaml_error(path, &e)])?;
    scenario.source = Source {
        path: path.to_path_buf(),
        text: text.to_owned(),
        step_lines: Vec::new(),
    };
    scenario.source.step_lines = Locator::new(text).step_lines();
    let errors = validate(&scenario);
    if errors.is_empty() {
        Ok(scenario)
    } else {
        Err(errors)
    }
}

/// A serde_norway error as file:line:column and a reason, with a word on indentation
/// when the YAML itself is malformed (the usual cause, and libyaml never says it).
fn yaml_error(path: &Path, e: &serde_norway::Error) -> ScenarioError {
    let (line, column) = e.location().map_or((0, 0), |l| (l.line(), l.column()));
    let mut message = e.to_string();
    // The location goes in front; drop the error's own " at line N column M".
    if let Some(at) = message.find(" at line ") {
        let rest = &message[at + " at line ".len()..];
        let tail = rest
            .split_once(", ")
            .map(|(_, t)| format!(" ({t})"))
            .unwrap_or_default();
        message = format!("{}{tail}", &message[..at]);
    }
    let structural = [
        "did not find expected",
        "mapping values are not allowed",
        "could not find expected",
        "block sequence entries are not allowed",
        "found character that cannot start",
    ];
    if structural.iter().any(|s| message.contains(s)) {
        message.push_str(": check the indentation here and on the line above (YAML nests by spaces: keys of one map must line up, a list item's keys line up after `- `; tabs are not allowed)");
    }
    if message.contains("unknown field") || message.contains("unknown variant") {
        message.push_str(" (a misspelt key, or a key at the wrong indentation level)");
    }
    ScenarioError::at(path, line, column, message)
}

/// Checks what serde cannot: patterns compile, steps are complete, variables are bound
/// before `show:` uses them, the fixture exists.
pub(crate) fn validate(s: &Scenario) -> Vec<ScenarioError> {
    let path = &s.source.path;
    let locator = Locator::new(&s.source.text);
    let mut errors = Vec::new();
    let top = |key: &str| locator.key_line(key, 0).unwrap_or(1);
    if s.id.is_empty()
        || !s
            .id
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
    {
        errors.push(ScenarioError::at(
            path,
            top("id"),
            1,
            format!("id {:?}: use lowercase letters, digits and -", s.id),
        ));
    }
    if s.steps.is_empty() {
        errors.push(ScenarioError::at(
            path,
            top("steps"),
            1,
            "a lesson needs at least one step",
        ));
    }
    if let FixtureRef::Named(name) = &s.fixture {
        if let Err(why) = resolve_fixture(s) {
            let message = if let FixtureError::Outside { .. } = why {
                why.to_string()
            } else {
                format!(
                    "no fixture called {name:?}: give a built-in name ({}), a path relative to this file, or write it inline",
                    fixture::BUILT_IN.iter().map(|(n, _)| *n).collect::<Vec<_>>().join(", ")
                )
            };
            errors.push(ScenarioError::at(path, top("fixture"), 1, message));
        }
    }
    let mut bound: Vec<String> = Vec::new();
    for (k, step) in s.steps.iter().enumerate() {
        errors.extend(validate_step(s, &locator, k, step, &mut bound));
    }
    errors
}

/// Checks step `k` (from 0); `bound` holds the variables earlier steps capture, and
/// gains this step's.
fn validate_step(
    s: &Scenario,
    locator: &Locator,
    k: usize,
    step: &Step,
    bound: &mut Vec<String>,
) -> Vec<ScenarioError> {
    let path = &s.source.path;
    let top = |key: &str| locator.key_line(key, 0).unwrap_or(1);
    let mut errors = Vec::new();
    let line = s
        .source
        .step_lines
        .get(k)
        .copied()
        .unwrap_or_else(|| top("steps"));
    let at =
        |message: String| ScenarioError::at(path, line, 1, format!("step {}: {message}", k + 1));
    if step.show.trim().is_empty() {
        errors.push(at(
            "`show:` is empty: give the command the lesson shows".into()
        ));
    }
    if step.expect.is_empty() {
        errors.push(at(
            "`expect:` is empty: give the server's reply (use `...` for any lines)".into(),
        ));
    }
    if step.hints.is_empty() {
        errors.push(at(
            "no `hints:`: give at least one, the learner gets them one by one".into(),
        ));
    }
    for var in super::matcher::variables_in(&step.show) {
        if !bound.contains(&var) {
            let (l, c) = locator.position(
                locator.expect_line(line, "show", &format!("${var}")),
                &format!("${var}"),
            );
            errors.push(ScenarioError::at(
                path,
                l,
                c,
                format!(
                    "step {}: `show:` uses ${var}, which no earlier expected line captures",
                    k + 1
                ),
            ));
        }
    }
    for (items, what) in [(&step.updates, "updates"), (&step.expect, "expect")] {
        match Expectation::compile(items, &step.absent) {
            Ok(e) => bound.extend(e.captures()),
            Err(message) => {
                let line = locator.find_after(line, &message.pattern).unwrap_or(line);
                errors.push(ScenarioError::at(
                    path,
                    line,
                    1,
                    format!("step {}: `{what}:` {}", k + 1, message.reason),
                ));
            }
        }
    }
    for e in &step.before {
        if e.kinds() != 1 {
            let line = locator.find_after(line, "before:").unwrap_or(line);
            errors.push(ScenarioError::at(
                path,
                line,
                1,
                format!(
                    "step {}: each `before:` item is one of deliver, expunge, flags, commands",
                    k + 1
                ),
            ));
        }
    }
    for c in &step.check {
        if c.message.is_some() && c.uid.is_some() {
            errors.push(at(
                "a check names both `message:` and `uid:`: give one".into()
            ));
        }
        if (c.message.is_none() && c.uid.is_none())
            && !(c.flags.is_empty() && c.not_flags.is_empty())
        {
            errors.push(at("a check on flags needs `message:` or `uid:`".into()));
        }
    }
    errors
}

/// The fixture a scenario names, parsed (not yet built).
pub(crate) fn resolve_fixture(s: &Scenario) -> Result<Fixture, FixtureError> {
    match &s.fixture {
        FixtureRef::Inline(f) => {
            let mut f = (**f).clone();
            f.base = s.source.path.parent().map(Path::to_path_buf);
            f.root = Some(lesson_folder(s));
            Ok(f)
        }
        FixtureRef::Named(name) => {
            if fixture::BUILT_IN.iter().any(|(n, _)| n == name) {
                return fixture::resolve(name);
            }
            // A fixture file, and the mail it reads, must sit in the lesson's folder.
            let folder = lesson_folder(s);
            let path = folder.join(name);
            fixture::confined(&folder, &path)?;
            let mut f = fixture::resolve(&path.display().to_string())?;
            f.root = Some(folder);
            Ok(f)
        }
    }
}

/// The folder a lesson's files must stay in: its own.
fn lesson_folder(s: &Scenario) -> PathBuf {
    match s.source.path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    }
}

/// Finds lines in the scenario text: a step's `- `, a key, a pattern. Works on block
/// style YAML, which is what the book teaches; anything else falls back to the step line.
pub(crate) struct Locator<'a> {
    lines: Vec<&'a str>,
}

impl<'a> Locator<'a> {
    pub(crate) fn new(text: &'a str) -> Self {
        Locator {
            lines: text.lines().collect(),
        }
    }

    /// The line (1-based) of `key:` at this indentation.
    pub(crate) fn key_line(&self, key: &str, indent: usize) -> Option<usize> {
        let prefix = format!("{}{key}:", " ".repeat(indent));
        self.lines
            .iter()
            .position(|l| l.starts_with(&prefix))
            .map(|i| i + 1)
    }

    /// The line of each item of the top-level `steps:` list.
    pub(crate) fn step_lines(&self) -> Vec<usize> {
        let Some(start) = self.key_line("steps", 0) else {
            return Vec::new();
        };
        let mut out = Vec::new();
        let mut indent: Option<usize> = None;
        for (i, line) in self.lines.iter().enumerate().skip(start) {
            let trimmed = line.trim_start();
            if trimmed.is_empty() || trimmed.starts_with('#') {
                continue;
            }
            let n = line.len() - trimmed.len();
            if n == 0 && !trimmed.starts_with('-') {
                break;
            }
            if trimmed.starts_with("- ") || trimmed == "-" {
                match indent {
                    None => {
                        indent = Some(n);
                        out.push(i + 1);
                    }
                    Some(m) if m == n => out.push(i + 1),
                    _ => {}
                }
            }
        }
        out
    }

    /// The first line at or after `from` (1-based) whose text contains `needle` as YAML
    /// would write it (plain, single- or double-quoted).
    pub(crate) fn find_after(&self, from: usize, needle: &str) -> Option<usize> {
        let double = needle.replace('\\', "\\\\").replace('"', "\\\"");
        let single = needle.replace('\'', "''");
        self.lines
            .iter()
            .enumerate()
            .skip(from.saturating_sub(1))
            .find(|(_, l)| l.contains(needle) || l.contains(&double) || l.contains(&single))
            .map(|(i, _)| i + 1)
    }

    /// The column (1-based) where `needle` starts on `line`, as YAML may quote it; 1 if absent.
    pub(crate) fn position(&self, line: usize, needle: &str) -> (usize, usize) {
        let text = self.lines.get(line.wrapping_sub(1)).copied().unwrap_or("");
        let double = needle.replace('\\', "\\\\").replace('"', "\\\"");
        let at = [needle, double.as_str()]
            .iter()
            .filter(|n| !n.is_empty())
            .find_map(|n| text.find(*n))
            .map(|i| {
                if i > 0 && matches!(text.as_bytes()[i - 1], b'"' | b'\'') {
                    i - 1
                } else {
                    i
                }
            });
        (line, at.map_or(1, |i| i + 1))
    }

    /// The line of the `n`-th (0-based) expected item of the step at `step_line`.
    pub(crate) fn expect_line(&self, step_line: usize, key: &str, needle: &str) -> usize {
        let key_at = self
            .lines
            .iter()
            .enumerate()
            .skip(step_line.saturating_sub(1))
            .find(|(_, l)| {
                l.trim_start()
                    .trim_start_matches("- ")
                    .starts_with(&format!("{key}:"))
            })
            .map(|(i, _)| i + 1)
            .unwrap_or(step_line);
        self.find_after(key_at, needle).unwrap_or(key_at)
    }
}
