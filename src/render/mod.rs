//! Rendering: annotations out as coloured text, plain text, JSON lines, or a page.
//!
//! [`html`] writes one self-contained HTML page of sessions or of a diff report.
//!
//! Knows nothing of sockets or lessons: it takes [`Annotation`]s and writes text.
//! Colour is decided once by the caller ([`ColorChoice::resolve`]): on only for a
//! terminal, never when `NO_COLOR` is set, unless asked for explicitly.

use std::borrow::Cow;
use std::io::{self, IsTerminal, Write};

use owo_colors::OwoColorize;

use crate::explain::{Annotation, AnnotationKind, LiteralSummary};
use crate::grammar::{Diagnostic, Severity};
use crate::wire::Direction;

pub mod html;

/// `--color auto|always|never`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum ColorChoice {
    /// Colour when writing to a terminal and NO_COLOR is not set.
    #[default]
    Auto,
    Always,
    Never,
}

impl ColorChoice {
    /// Decides whether to colour output written to stdout.
    pub fn resolve(self) -> bool {
        match self {
            ColorChoice::Always => true,
            ColorChoice::Never => false,
            ColorChoice::Auto => {
                std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
                    && io::stdout().is_terminal()
            }
        }
    }
}

/// `--format text|json`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum Format {
    /// For people: each message, then its explanation.
    #[default]
    Text,
    /// For tools: one JSON object per message, one per line.
    Json,
}

/// `--format text|json|html` of `explain`, `diff` and `replay`: what the other
/// commands offer, plus one page for people to keep, share or print.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum ReportFormat {
    /// For people, in the terminal.
    #[default]
    Text,
    /// For tools.
    Json,
    /// One self-contained HTML page (no network): a sequence view, or the diff side by side.
    Html,
}

impl ReportFormat {
    /// The streaming format for annotations, or None for a page.
    pub fn stream(self) -> Option<Format> {
        match self {
            ReportFormat::Text => Some(Format::Text),
            ReportFormat::Json => Some(Format::Json),
            ReportFormat::Html => None,
        }
    }
}

/// How to lay out text.
#[derive(Debug, Clone, Copy)]
pub struct TextStyle {
    pub color: bool,
    /// Wrap explanations at this many columns.
    pub width: usize,
    /// Show literals whole instead of summarised.
    pub full: bool,
}

impl TextStyle {
    /// The style for stdout: the terminal's width, or 100 columns when piped.
    pub fn for_stdout(color: bool, full: bool) -> Self {
        let width = terminal_size::terminal_size()
            .map_or(100, |(w, _)| w.0 as usize)
            .clamp(40, 160);
        TextStyle { color, width, full }
    }
}

/// Writes annotations in the chosen format.
pub fn write_annotations(
    out: &mut impl Write,
    annotations: &[Annotation],
    format: Format,
    style: TextStyle,
) -> io::Result<()> {
    let mut writer = AnnotationWriter::new(out, format, style);
    annotations.iter().try_for_each(|a| writer.write(a))
}

/// Writes annotations one at a time, as they come (a session read line by line).
pub struct AnnotationWriter<'w, W> {
    out: &'w mut W,
    format: Format,
    style: TextStyle,
    /// The reason of the last line of prose shown, so a run of them says it once.
    previous_why: Option<String>,
}

impl<'w, W: Write> AnnotationWriter<'w, W> {
    pub fn new(out: &'w mut W, format: Format, style: TextStyle) -> Self {
        AnnotationWriter {
            out,
            format,
            style,
            previous_why: None,
        }
    }

    pub fn write(&mut self, a: &Annotation) -> io::Result<()> {
        match self.format {
            Format::Json => write_json(self.out, a)?,
            // Runs of prose or telnet chatter read better without the same reason repeated.
            Format::Text if a.kind == AnnotationKind::NotImap => {
                let paint = Painter {
                    on: self.style.color,
                };
                writeln!(self.out, "   {}", paint.dim(&visible(&a.display)))?;
                if self.previous_why.as_deref() != Some(a.summary.as_str()) {
                    writeln!(
                        self.out,
                        "   {} {}",
                        paint.dim("="),
                        paint.dim(&visible(&a.summary))
                    )?;
                }
                self.previous_why = Some(a.summary.clone());
                return Ok(());
            }
            Format::Text => write_text(self.out, a, self.style)?,
        }
        self.previous_why = None;
        Ok(())
    }
}

/// One JSON object on one line.
pub(crate) fn write_json(out: &mut impl Write, a: &Annotation) -> io::Result<()> {
    serde_json::to_writer(&mut *out, a)?;
    out.write_all(b"\n")
}

/// One message and its explanation, for people.
pub fn write_text(out: &mut impl Write, a: &Annotation, style: TextStyle) -> io::Result<()> {
    let paint = Painter { on: style.color };
    let mark = match (a.kind, a.direction) {
        (AnnotationKind::NotImap, _) => "  ",
        (AnnotationKind::Note, _) => "!!",
        (_, Some(Direction::Client)) => "C:",
        (_, Some(Direction::Server)) => "S:",
        (_, None) => "  ",
    };
    let display = visible(&a.display);
    let line = match (a.kind, a.direction) {
        (AnnotationKind::Note, _) => paint.warn(&wrap(&display, style.width, 3).join("\n   ")),
        (_, Some(Direction::Client)) => paint.client(&display),
        (_, Some(Direction::Server)) => paint.server(&display),
        (_, None) => paint.dim(&display),
    };
    writeln!(out, "{} {line}", paint.dim(mark))?;
    let indent = "   ";
    if a.kind == AnnotationKind::Note {
        return Ok(());
    }
    let mut summary = visible(&a.summary).into_owned();
    if !a.rfc.is_empty() {
        // The most specific references first (a response code's, an extension's), then
        // the base protocol's; JSON output carries them all.
        // A reference is never cut at the end of a line: its spaces are non-breaking
        // until the line is wrapped.
        let shown: Vec<String> = a.rfc.iter().take(3).map(|r| r.replace(' ', NBSP)).collect();
        summary.push_str(&format!("  [{}]", shown.join(", ")));
    }
    if !a.revision.is_empty() {
        summary.push_str(&format!(" ({})", a.revision.join("; ")));
    }
    let wrapped: Vec<String> = wrap(&summary, style.width, indent.len() + 2)
        .into_iter()
        .map(|l| l.replace(NBSP, " "))
        .collect();
    writeln!(
        out,
        "{indent}{} {}",
        paint.dim("="),
        paint.explain(&wrapped.join(&format!("\n{indent}  ")))
    )?;
    for (i, lit) in a.literals.iter().enumerate() {
        write_literal(out, lit, a.continued.get(i), style)?;
    }
    for d in &a.details {
        let w = wrap(&visible(d), style.width, indent.len() + 2);
        writeln!(
            out,
            "{indent}{} {}",
            paint.dim("·"),
            w.join(&format!("\n{indent}  "))
        )?;
    }
    for d in &a.diagnostics {
        write_diagnostic(out, d, style)?;
    }
    Ok(())
}

/// A literal's size and summary, its text whole (`--full`) or its first lines, and the
/// rest of the message line after it.
fn write_literal(
    out: &mut impl Write,
    lit: &LiteralSummary,
    continued: Option<&String>,
    style: TextStyle,
) -> io::Result<()> {
    let paint = Painter { on: style.color };
    let indent = "   ";
    writeln!(
        out,
        "{indent}{} {}",
        paint.dim(&format!("{{{}}}", lit.size)),
        visible(&lit.summary)
    )?;
    if style.full {
        for l in lit.text.lines() {
            writeln!(
                out,
                "{indent}  {} {}",
                paint.dim("|"),
                visible(l.trim_end_matches('\r'))
            )?;
        }
    } else {
        for p in &lit.preview {
            writeln!(out, "{indent}  {}", paint.dim(&visible(p)))?;
        }
    }
    if lit.received < lit.size {
        writeln!(
            out,
            "{indent}  {}",
            paint.warn(&crate::say!(
                "render.literal-short",
                received = lit.received,
                size = lit.size
            ))
        )?;
    }
    if let Some(rest) = continued {
        writeln!(out, "{indent}{}", paint.dim(&format!("…{}", visible(rest))))?;
    }
    Ok(())
}

/// A diagnostic: its severity, column and rule, then what was expected and what to try.
fn write_diagnostic(out: &mut impl Write, d: &Diagnostic, style: TextStyle) -> io::Result<()> {
    let paint = Painter { on: style.color };
    let indent = "   ";
    let label = match d.severity {
        Severity::Error => paint.error(&crate::say!("render.severity.error")),
        Severity::Warning => paint.warn(&crate::say!("render.severity.warning")),
        Severity::Note => paint.dim(&crate::say!("render.severity.note")),
    };
    let head = crate::say!(
        "render.diagnostic",
        label = label,
        column = d.column,
        rule = d.rule,
        message = visible(&d.message)
    );
    writeln!(
        out,
        "{indent}! {}",
        wrap(&head, style.width, indent.len() + 4).join(&format!("\n{indent}    "))
    )?;
    if let Some(e) = &d.expected {
        let line = crate::say!("render.expected", expected = visible(e));
        writeln!(out, "{indent}    {line}")?;
    }
    if let Some(s) = &d.suggestion {
        let line = crate::say!("render.try", suggestion = paint.hint(&visible(s)));
        writeln!(out, "{indent}    {line}")?;
    }
    Ok(())
}

/// Text from the wire or a file, made safe for a terminal: every control character
/// becomes visible (`\e`, `\0`, `\r`, `\n`, `\a`, `\b`, `\x7F`, `\u{9B}`...), and so do the
/// bidirectional overrides that reorder what is shown. A server line
/// `* OK \e[2J\e]0;pwned\a` would otherwise clear the learner's screen and retitle
/// the window. TAB stays: it only moves the cursor right, and mail folds its header
/// lines with it. The renderer's own line ends and colours are added after this.
pub(crate) fn visible(text: &str) -> Cow<'_, str> {
    let unsafe_char = |c: char| {
        (c.is_control() && c != '\t')
            || matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
    };
    if !text.chars().any(unsafe_char) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        match c {
            '\x1b' => out.push_str("\\e"),
            '\0' => out.push_str("\\0"),
            '\r' => out.push_str("\\r"),
            '\n' => out.push_str("\\n"),
            '\x07' => out.push_str("\\a"),
            '\x08' => out.push_str("\\b"),
            c if c.is_ascii_control() => out.push_str(&format!("\\x{:02X}", c as u32)),
            c if unsafe_char(c) => out.push_str(&format!("\\u{{{:X}}}", c as u32)),
            c => out.push(c),
        }
    }
    Cow::Owned(out)
}

/// [`visible`] for text of several lines: each line made safe, the line ends kept. For
/// lesson prose, reports and error messages, which may quote a file or a server.
pub fn visible_lines(text: &str) -> Cow<'_, str> {
    if !text.contains('\n') {
        return visible(text);
    }
    let lines: Vec<Cow<str>> = text.split('\n').map(visible).collect();
    if lines.iter().all(|l| matches!(l, Cow::Borrowed(_))) {
        return Cow::Borrowed(text);
    }
    Cow::Owned(lines.join("\n"))
}

/// Joins the words of a reference ("RFC 9051 §7.1") while lines are wrapped.
const NBSP: &str = "\u{a0}";

/// Word-wraps `text` to `width` columns, given `indent` columns already used.
pub(crate) fn wrap(text: &str, width: usize, indent: usize) -> Vec<String> {
    let room = width.saturating_sub(indent).max(20);
    let mut lines = Vec::new();
    // Leading spaces are kept: they indent a drawing (a thread's replies under their
    // parent) and are not a gap between words.
    let body = text.trim_start_matches(' ');
    let mut line = " ".repeat(text.len() - body.len());
    let mut start = line.len();
    for word in body.split(' ') {
        if line.len() > start && line.chars().count() + 1 + word.chars().count() > room {
            // Two spaces in a row leave an empty word: no line ends in a space.
            lines.push(std::mem::take(&mut line).trim_end().to_owned());
            start = 0;
        }
        if line.len() > start {
            line.push(' ');
        }
        line.push_str(word);
    }
    lines.push(line);
    lines
}

/// The one palette: every coloured writer (annotations, diffs, lessons) paints with
/// it, by the role of the text, so a role has one colour everywhere. Plain text when off.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Painter {
    pub(crate) on: bool,
}

impl Painter {
    fn with(&self, s: &str, colour: impl Fn(&str) -> String) -> String {
        if self.on {
            colour(s)
        } else {
            s.to_string()
        }
    }
    /// What the client sent.
    pub(crate) fn client(&self, s: &str) -> String {
        self.with(s, |s| s.cyan().bold().to_string())
    }
    /// What the server sent; a line a diff adds; a check that passed.
    pub(crate) fn server(&self, s: &str) -> String {
        self.with(s, |s| s.green().to_string())
    }
    /// A line a diff takes away.
    pub(crate) fn removed(&self, s: &str) -> String {
        self.with(s, |s| s.red().to_string())
    }
    /// The explanation itself: the default colour, so it reads best.
    pub(crate) fn explain(&self, s: &str) -> String {
        s.to_string()
    }
    /// Marks, notes and secondary text.
    pub(crate) fn dim(&self, s: &str) -> String {
        self.with(s, |s| s.dimmed().to_string())
    }
    /// Titles, and a command shown to type.
    pub(crate) fn bold(&self, s: &str) -> String {
        self.with(s, |s| s.bold().to_string())
    }
    /// A heading to act on ("Goal:").
    pub(crate) fn heading(&self, s: &str) -> String {
        self.with(s, |s| s.bold().cyan().to_string())
    }
    /// A diff's exchange header.
    pub(crate) fn header(&self, s: &str) -> String {
        self.with(s, |s| s.cyan().to_string())
    }
    /// Warnings, hints, and what a difference means.
    pub(crate) fn warn(&self, s: &str) -> String {
        self.with(s, |s| s.yellow().bold().to_string())
    }
    /// Something that happened meanwhile (another session's change).
    pub(crate) fn event(&self, s: &str) -> String {
        self.with(s, |s| s.yellow().to_string())
    }
    /// Errors, and a goal not reached.
    pub(crate) fn error(&self, s: &str) -> String {
        self.with(s, |s| s.red().bold().to_string())
    }
    /// A goal reached, a lesson done.
    pub(crate) fn success(&self, s: &str) -> String {
        self.with(s, |s| s.green().bold().to_string())
    }
    /// What to type instead.
    pub(crate) fn hint(&self, s: &str) -> String {
        self.with(s, |s| s.magenta().to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_characters_are_shown_not_obeyed() {
        assert_eq!(
            visible("* OK \x1b[2J\x1b]0;pwned\x07"),
            "* OK \\e[2J\\e]0;pwned\\a"
        );
        assert_eq!(
            visible("a\0b\rc\x7f\u{9b}\u{202e}"),
            "a\\0b\\rc\\x7F\\u{9B}\\u{202E}"
        );
        assert!(matches!(visible("\tFolded: \\Seen"), Cow::Borrowed(_)));
        assert_eq!(visible_lines("a\x1b[2J\nb\r\n"), "a\\e[2J\nb\\r\n");
        assert!(matches!(visible_lines("two\nlines\n"), Cow::Borrowed(_)));
    }

    #[test]
    fn every_text_of_an_annotation_is_escaped() {
        let mut a = Annotation::note("x", None);
        a.kind = AnnotationKind::Untagged;
        a.direction = Some(Direction::Server);
        a.display = "* OK \x1b[2J".into();
        a.summary = "s \x1b".into();
        a.details = vec!["d \x1b".into()];
        a.continued = vec![")\x1b".into()];
        a.literals = vec![crate::explain::LiteralSummary {
            size: 1,
            received: 1,
            summary: "l \x1b".into(),
            preview: vec!["p \x1b".into()],
            text: "t \x1b".into(),
        }];
        a.diagnostics =
            vec![
                crate::grammar::Diagnostic::new(Severity::Error, "code", 1, "rule", "m \x1b")
                    .suggest("s \x1b"),
            ];
        for full in [false, true] {
            let mut out = Vec::new();
            let style = TextStyle {
                color: true,
                width: 80,
                full,
            };
            write_text(&mut out, &a, style).unwrap();
            let text = String::from_utf8(out).unwrap();
            // Colour codes are the renderer's own: ESC followed by `[` and digits then `m`.
            let stray =
                text.match_indices('\x1b')
                    .filter(|(i, _)| {
                        let rest = &text[i + 1..];
                        !(rest.starts_with('[')
                            && rest[1..].split('m').next().is_some_and(|c| {
                                c.bytes().all(|b| b.is_ascii_digit() || b == b';')
                            }))
                    })
                    .count();
            assert_eq!(stray, 0, "{text:?}");
            assert!(text.contains("\\e"), "{text}");
        }
    }

    #[test]
    fn keeps_the_leading_spaces_of_a_drawing() {
        assert_eq!(wrap("   └─ 10", 40, 5), vec!["   └─ 10"]);
        assert_eq!(wrap("│  └─ 3", 40, 5), vec!["│  └─ 3"]);
    }

    #[test]
    fn wraps_with_room_for_the_indent() {
        assert_eq!(wrap("aaa bbb ccc", 28, 0), vec!["aaa bbb ccc"]);
        let lines = wrap(&"word ".repeat(20), 40, 5);
        assert!(lines.iter().all(|l| l.len() <= 35), "{lines:?}");
        assert!(lines.len() > 1);
    }
}
