//! The sequence view of explained sessions: client on the left, server on the right,
//! time flowing down, with a summary band above.
//!
//! [`SessionView`] takes annotations one at a time, as the explainer makes them, with
//! the explainer's context after each (the state changes in the summary are the
//! explainer's own, not a second model). It keeps only the HTML it will write, so
//! memory follows the size of the page, not of the session: a 100 MB literal becomes
//! a summary and its first [`TEXT_CAP`] bytes.
//!
//! Links: a command links to its tagged completion and to the first response it
//! caused; every response, continuation and client data line links back to the
//! command in flight when it came (the most recent one when several were).

use std::io::{self, Write};

use super::{esc, rfc_link, write_page};
use crate::explain::context::Context;
use crate::explain::{Annotation, AnnotationKind, LiteralSummary};
use crate::grammar::{Severity, State};
use crate::wire::message::messages_of;
use crate::wire::Direction;

/// The most of one literal's text a page shows; the rest is left to `--full`.
pub(crate) const TEXT_CAP: usize = 16 * 1024;
/// The most of one binary literal shown as hex (four characters a byte, and more).
pub(crate) const HEX_CAP: usize = 2 * 1024;

/// One message (or note) of the page, waiting for its links.
struct Row {
    id: usize,
    class: &'static str,
    problem: bool,
    /// The message, its explanation, literals and diagnostics, as HTML.
    body: String,
    /// `<a>` elements to other rows, filled in as the session goes on.
    links: Vec<String>,
    /// The exchange (the command row's id) this row belongs to, for highlighting.
    exchange: Option<usize>,
}

/// A command waiting for its tagged completion.
struct Open {
    tag: String,
    row: usize,
    label: String,
    caused: usize,
}

/// Figures for the summary band.
#[derive(Default)]
struct Stats {
    commands: usize,
    round_trips: usize,
    client_bytes: u64,
    server_bytes: u64,
    errors: usize,
    warnings: usize,
    refusals: usize,
    notes: usize,
    /// Each state the session went through, with the row that brought it.
    states: Vec<(String, Option<usize>)>,
}

/// One session, accumulating its page section.
pub struct SessionView {
    name: String,
    meta: Vec<(String, String)>,
    rows: Vec<Row>,
    open: Vec<Open>,
    stats: Stats,
    last_direction: Option<Direction>,
    last_why: Option<String>,
    state: Option<String>,
}

impl SessionView {
    /// An empty view of the session called `name` (a file name, a TCP stream).
    pub fn new(name: &str, meta: &[(String, String)]) -> Self {
        SessionView {
            name: name.to_string(),
            meta: meta.to_vec(),
            rows: Vec::new(),
            open: Vec::new(),
            stats: Stats::default(),
            last_direction: None,
            last_why: None,
            state: None,
        }
    }

    /// Adds one annotation; `context` is the explainer's, just after it.
    pub fn push(&mut self, a: &Annotation, context: &Context) {
        let id = self.rows.len() + 1;
        self.count(a);
        let class = match (a.kind, a.direction) {
            (AnnotationKind::Note, _) => "note",
            (AnnotationKind::NotImap, _) => "other",
            (_, Some(Direction::Client)) => "client",
            (_, Some(Direction::Server)) => "server",
            (_, None) => "other",
        };
        let problem = a.kind == AnnotationKind::Note
            || a.diagnostics.iter().any(|d| d.severity != Severity::Note)
            || is_refusal(a);
        let mut row = Row {
            id,
            class,
            problem,
            body: self.body(a),
            links: Vec::new(),
            exchange: None,
        };
        self.link(a, &mut row);
        self.rows.push(row);
        self.follow_state(context, id);
    }

    /// The figures of the summary band.
    fn count(&mut self, a: &Annotation) {
        if a.kind == AnnotationKind::Command {
            self.stats.commands += 1;
        }
        if let Some(d) = a.direction {
            if d == Direction::Server && self.last_direction == Some(Direction::Client) {
                self.stats.round_trips += 1;
            }
            self.last_direction = Some(d);
            let bytes = wire_size(a);
            match d {
                Direction::Client => self.stats.client_bytes += bytes,
                Direction::Server => self.stats.server_bytes += bytes,
            }
        }
        for d in &a.diagnostics {
            match d.severity {
                Severity::Error => self.stats.errors += 1,
                Severity::Warning => self.stats.warnings += 1,
                Severity::Note => {}
            }
        }
        if is_refusal(a) {
            self.stats.refusals += 1;
        }
        if a.kind == AnnotationKind::Note {
            self.stats.notes += 1;
        }
    }

    /// Records a state change; the first state is the one the session starts in.
    fn follow_state(&mut self, context: &Context, row: usize) {
        let label = match (&context.state, &context.selected) {
            (State::Selected, Some(s)) => {
                format!(
                    "selected {}{}",
                    s.name,
                    if s.read_only { " (read-only)" } else { "" }
                )
            }
            (state, _) => state.describe().to_string(),
        };
        if self.state.as_deref() == Some(label.as_str()) {
            return;
        }
        if self.state.is_none() && context.state == State::NotAuthenticated {
            self.stats.states.push((label.clone(), None));
        } else {
            if self.state.is_none() {
                self.stats
                    .states
                    .push((State::NotAuthenticated.describe().to_string(), None));
            }
            self.stats.states.push((label.clone(), Some(row)));
        }
        self.state = Some(label);
    }

    /// Links the new row to the command it belongs to, and back.
    fn link(&mut self, a: &Annotation, row: &mut Row) {
        match a.kind {
            AnnotationKind::Command => {
                if let Some(tag) = &a.tag {
                    self.open.push(Open {
                        tag: tag.clone(),
                        row: row.id,
                        label: short(&a.display),
                        caused: 0,
                    });
                }
                row.exchange = Some(row.id);
            }
            AnnotationKind::Tagged => {
                let found = a
                    .tag
                    .as_ref()
                    .and_then(|t| self.open.iter().rposition(|o| &o.tag == t));
                if let Some(i) = found {
                    let open = self.open.remove(i);
                    row.links.push(anchor(open.row, "completes", &open.label));
                    row.exchange = Some(open.row);
                    let done = format!("{} {}", a.tag.as_deref().unwrap_or(""), status_of(a));
                    if let Some(cmd) = self.rows.get_mut(open.row - 1) {
                        cmd.links.insert(0, anchor(row.id, "completed by", &done));
                        if open.caused > 0 {
                            // The responses themselves are outlined with the exchange.
                            cmd.links.push(format!(
                                "{} message{} in between",
                                open.caused,
                                if open.caused == 1 { "" } else { "s" }
                            ));
                        }
                    }
                }
            }
            AnnotationKind::Untagged
            | AnnotationKind::Continuation
            | AnnotationKind::ClientData => {
                if let Some(open) = self.open.last_mut() {
                    open.caused += 1;
                    row.links.push(anchor(open.row, "during", &open.label));
                    row.exchange = Some(open.row);
                    if open.caused == 1 && a.direction == Some(Direction::Server) {
                        if let Some(cmd) = self.rows.get_mut(open.row - 1) {
                            cmd.links
                                .push(anchor(row.id, "first answer", &short(&a.display)));
                        }
                    }
                }
            }
            _ => {}
        }
    }

    /// The row's content: the message, then what it means.
    fn body(&mut self, a: &Annotation) -> String {
        let mut h = String::new();
        let time = a
            .time
            .map(|t| format!("<span class=\"time\">+{t:.3}s</span>"));
        match a.kind {
            AnnotationKind::Note => {
                h.push_str(&format!(
                    "<p class=\"wire\"><span class=\"who\">note</span> {}</p>",
                    esc(&a.display)
                ));
                return h;
            }
            AnnotationKind::NotImap => {
                h.push_str(&format!("<p class=\"wire\">{}</p>", esc(&a.display)));
                if self.last_why.as_deref() != Some(a.summary.as_str()) {
                    h.push_str(&format!("<p class=\"why\">{}</p>", esc(&a.summary)));
                }
                self.last_why = Some(a.summary.clone());
                return h;
            }
            _ => self.last_why = None,
        }
        let who = match a.direction {
            Some(Direction::Client) => "C",
            Some(Direction::Server) => "S",
            None => "",
        };
        h.push_str(&format!(
            "<p class=\"wire\"><span class=\"who\">{who}</span><code>{}</code>{}</p>",
            marked_line(a),
            time.unwrap_or_default()
        ));
        h.push_str(&format!("<p class=\"why\">{}", esc(&a.summary)));
        for r in &a.rfc {
            h.push(' ');
            h.push_str(&rfc_link(r));
        }
        h.push_str("</p>");
        let raw_literals = literal_bytes(a);
        for (i, lit) in a.literals.iter().enumerate() {
            h.push_str(&literal(lit, raw_literals.get(i).map(Vec::as_slice)));
            if let Some(rest) = a.continued.get(i) {
                h.push_str(&format!(
                    "<p class=\"wire more\"><code>…{}</code></p>",
                    esc(rest)
                ));
            }
        }
        if !a.details.is_empty() {
            h.push_str("<ul class=\"details\">");
            for d in &a.details {
                h.push_str(&format!("<li>{}</li>", esc(d)));
            }
            h.push_str("</ul>");
        }
        if !a.diagnostics.is_empty() {
            h.push_str("<ul class=\"diags\">");
            for d in &a.diagnostics {
                let class = match d.severity {
                    Severity::Error => "error",
                    Severity::Warning => "warning",
                    Severity::Note => "hint",
                };
                h.push_str(&format!(
                    "<li class=\"{class}\"><strong>{class}</strong> at column {} ({}): {}",
                    d.column,
                    esc(d.rule),
                    esc(&d.message)
                ));
                if let Some(e) = &d.expected {
                    h.push_str(&format!("<br/>expected: {}", esc(e)));
                }
                if let Some(s) = &d.suggestion {
                    h.push_str(&format!("<br/>try: <code>{}</code>", esc(s)));
                }
                h.push_str("</li>");
            }
            h.push_str("</ul>");
        }
        h
    }

    /// The section of the page for this session.
    fn render(&self, index: usize) -> String {
        let mut h = String::new();
        h.push_str(&format!(
            "<section class=\"session\" id=\"s{index}\" aria-label=\"{}\">\n<h2>{}</h2>\n",
            esc(&self.name),
            esc(&self.name)
        ));
        if !self.meta.is_empty() {
            h.push_str("<dl class=\"meta\">");
            for (k, v) in &self.meta {
                h.push_str(&format!("<dt>{}</dt><dd>{}</dd>", esc(k), esc(v)));
            }
            h.push_str("</dl>\n");
        }
        h.push_str(&self.summary_band(index));
        h.push_str(
            "<div class=\"heads\" aria-hidden=\"true\"><span>client</span><span>server</span></div>\n",
        );
        h.push_str("<ol class=\"seq\">\n");
        for row in &self.rows {
            let id = format!("s{index}m{}", row.id);
            h.push_str(&format!(
                "<li id=\"{id}\" class=\"msg {}{}\" tabindex=\"0\"",
                row.class,
                if row.problem { " problem" } else { "" }
            ));
            if let Some(x) = row.exchange {
                h.push_str(&format!(" data-x=\"s{index}m{x}\""));
            }
            h.push('>');
            h.push_str(&row.body);
            if !row.links.is_empty() {
                h.push_str("<p class=\"links\">");
                let links: Vec<String> = row
                    .links
                    .iter()
                    .map(|l| l.replace("href=\"#m", &format!("href=\"#s{index}m")))
                    .collect();
                h.push_str(&links.join(" · "));
                h.push_str("</p>");
            }
            h.push_str("</li>\n");
        }
        h.push_str("</ol>\n</section>\n");
        h
    }

    fn summary_band(&self, index: usize) -> String {
        let s = &self.stats;
        let states: Vec<String> = s
            .states
            .iter()
            .map(|(label, row)| match row {
                Some(r) => format!("<a href=\"#s{index}m{r}\">{}</a>", esc(label)),
                None => esc(label),
            })
            .collect();
        let problems = self.rows.iter().filter(|r| r.problem).count();
        let first_problem = self
            .rows
            .iter()
            .find(|r| r.problem)
            .map(|r| format!(" (<a href=\"#s{index}m{}\">first</a>)", r.id))
            .unwrap_or_default();
        format!(
            "<dl class=\"summary\">\
             <div><dt>commands</dt><dd>{}</dd></div>\
             <div><dt>round trips</dt><dd>{}</dd></div>\
             <div><dt>bytes client → server</dt><dd>{}</dd></div>\
             <div><dt>bytes server → client</dt><dd>{}</dd></div>\
             <div class=\"states\"><dt>states</dt><dd>{}</dd></div>\
             <div><dt>errors</dt><dd>{}</dd></div>\
             <div><dt>warnings</dt><dd>{}</dd></div>\
             <div><dt>NO/BAD answers</dt><dd>{}</dd></div>\
             <div><dt>notes</dt><dd>{}</dd></div>\
             <div><dt>messages to look at</dt><dd>{problems}{first_problem}</dd></div>\
             </dl>\n",
            s.commands,
            s.round_trips,
            s.client_bytes,
            s.server_bytes,
            states.join(" → "),
            s.errors,
            s.warnings,
            s.refusals,
            s.notes
        )
    }
}

/// Writes one page holding every session given.
pub fn write_sessions(
    out: &mut impl Write,
    title: &str,
    sessions: &[SessionView],
) -> io::Result<()> {
    let mut body = format!("<header><h1>{}</h1>", esc(title));
    if sessions.len() > 1 {
        body.push_str("<nav><ol>");
        for (i, s) in sessions.iter().enumerate() {
            body.push_str(&format!(
                "<li><a href=\"#s{}\">{}</a></li>",
                i + 1,
                esc(&s.name)
            ));
        }
        body.push_str("</ol></nav>");
    }
    body.push_str("</header>\n<main>\n");
    for (i, s) in sessions.iter().enumerate() {
        body.push_str(&s.render(i + 1));
    }
    if sessions.is_empty() {
        body.push_str("<p>No session in this input.</p>\n");
    }
    body.push_str("</main>\n");
    write_page(out, title, &body)
}

/// The first line as shown, with the column of the first diagnostic marked.
fn marked_line(a: &Annotation) -> String {
    let column = a
        .diagnostics
        .iter()
        .find(|d| d.severity != Severity::Note)
        .map(|d| d.column);
    let line = &a.display;
    match column {
        // Columns count bytes of what was sent; the masked display is not that.
        Some(c) if !a.masked && c >= 1 && c <= line.len() + 1 => {
            let at = c - 1;
            if !line.is_char_boundary(at) {
                return esc(line);
            }
            let (before, after) = line.split_at(at);
            let mut chars = after.chars();
            let marked = chars.next().map(String::from);
            format!(
                "{}<mark class=\"col\" title=\"column {c}\">{}</mark>{}",
                esc(before),
                marked.as_deref().map(esc).unwrap_or_else(|| "⏎".into()),
                esc(chars.as_str())
            )
        }
        _ => esc(line),
    }
}

/// The bytes of each literal of `a`, when they are exactly what the explainer shows
/// as the literal's text: never when it masked the literal (a LOGIN password).
fn literal_bytes(a: &Annotation) -> Vec<Vec<u8>> {
    if a.masked || a.literals.is_empty() {
        return Vec::new();
    }
    let messages = messages_of(&a.raw);
    let Some(message) = messages.first() else {
        return Vec::new();
    };
    message
        .literals()
        .zip(&a.literals)
        .map_while(|(l, shown)| {
            (String::from_utf8_lossy(&l.data) == shown.text).then(|| l.data.clone())
        })
        .collect()
}

/// Bytes the message took on the wire: the kept bytes, plus what the explainer only
/// counted of large literals.
fn wire_size(a: &Annotation) -> u64 {
    let mut n = a.raw.len() as u64;
    if !a.literals.is_empty() && !a.masked {
        let kept: u64 = messages_of(&a.raw)
            .iter()
            .flat_map(|m| m.literals())
            .map(|l| l.data.len() as u64)
            .sum();
        let received: u64 = a.literals.iter().map(|l| l.received).sum();
        n = n - kept.min(n) + received;
    }
    n
}

/// A literal: its size and summary, to open for the whole (or the first part).
fn literal(lit: &LiteralSummary, bytes: Option<&[u8]>) -> String {
    let mut h = format!(
        "<details class=\"literal\"><summary><span class=\"size\">{{{}}}</span> {}</summary>",
        lit.size,
        esc(&lit.summary)
    );
    let binary = bytes.is_some_and(is_binary);
    match bytes {
        Some(b) if binary => {
            let shown = b.len().min(HEX_CAP);
            h.push_str(&format!(
                "<pre class=\"hex\">{}</pre>",
                esc(&hex_dump(&b[..shown]))
            ));
            h.push_str(&cut_note(shown as u64, lit));
        }
        _ => {
            let mut end = lit.text.len().min(TEXT_CAP);
            while !lit.text.is_char_boundary(end) {
                end -= 1;
            }
            h.push_str(&format!(
                "<pre class=\"text\">{}</pre>",
                esc_block(&lit.text[..end])
            ));
            h.push_str(&cut_note(end as u64, lit));
        }
    }
    if lit.received < lit.size {
        h.push_str(&format!(
            "<p class=\"warn\">only {} of {} bytes arrived</p>",
            lit.received, lit.size
        ));
    }
    h.push_str("</details>");
    h
}

/// Says how much of a literal the page shows, when not all of it.
fn cut_note(shown: u64, lit: &LiteralSummary) -> String {
    if shown >= lit.received {
        return String::new();
    }
    format!(
        "<p class=\"cut\">The page shows the first {shown} of {} bytes; \
         <code>imap-tutor explain --full</code> prints all that was kept.</p>",
        lit.received
    )
}

/// Escapes a block of text for `<pre>`, keeping its line breaks (CR LF shown as one).
fn esc_block(text: &str) -> String {
    text.split('\n')
        .map(|l| esc(l.strip_suffix('\r').unwrap_or(l)))
        .collect::<Vec<_>>()
        .join("\n")
}

/// True for data that is not text: NUL and other control bytes, or not UTF-8.
fn is_binary(bytes: &[u8]) -> bool {
    std::str::from_utf8(bytes).is_err()
        || bytes
            .iter()
            .any(|&b| b < 0x20 && !matches!(b, b'\r' | b'\n' | b'\t'))
}

/// Sixteen bytes a line: offset, hex, and the printable ASCII.
fn hex_dump(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len() * 4 + 16);
    for (i, chunk) in bytes.chunks(16).enumerate() {
        out.push_str(&format!("{:08x} ", i * 16));
        for b in chunk {
            out.push_str(&format!(" {b:02x}"));
        }
        out.push_str(&"   ".repeat(16 - chunk.len()));
        out.push_str("  |");
        out.extend(chunk.iter().map(|&b| {
            if b.is_ascii_graphic() || b == b' ' {
                b as char
            } else {
                '.'
            }
        }));
        out.push_str("|\n");
    }
    out
}

/// `<a>` to row `id` of the same session (the session prefix is added on output).
fn anchor(id: usize, rel: &str, label: &str) -> String {
    format!("{rel} <a href=\"#m{id}\">{}</a>", esc(label))
}

/// A message's first 60 characters, for link labels.
fn short(text: &str) -> String {
    let mut s: String = text.chars().take(60).collect();
    if s.len() < text.len() {
        s.push('…');
    }
    s
}

/// `OK`, `NO` or `BAD` of a tagged response.
fn status_of(a: &Annotation) -> &str {
    a.display.split(' ').nth(1).unwrap_or("")
}

/// A tagged NO or BAD, or an untagged BAD or BYE that is not the answer to LOGOUT.
fn is_refusal(a: &Annotation) -> bool {
    match a.kind {
        AnnotationKind::Tagged => {
            let s = status_of(a);
            s.eq_ignore_ascii_case("NO") || s.eq_ignore_ascii_case("BAD")
        }
        AnnotationKind::Untagged => {
            let s = status_of(a);
            s.eq_ignore_ascii_case("BAD")
        }
        _ => false,
    }
}
