//! Shared by the teaching-accuracy tests: a session given as `C:`/`S:` lines explained
//! in process, the annotation of one line, and what the learner reads of it or of a
//! knowledge entry, so each test file holds only its findings.

#![allow(dead_code)] // each test file uses a different part

use imap_tutor::explain::{Annotation, Explainer};
use imap_tutor::knowledge::{self, Kind};
use imap_tutor::render::{self, TextStyle};
use imap_tutor::transcript::Direction;

pub const GREETING: &str = "* OK [CAPABILITY IMAP4rev1 LITERAL+ AUTH=PLAIN] Dovecot ready.";

/// Explains a session given as `C: ` / `S: ` lines (the greeting first).
pub fn session(lines: &[&str]) -> Vec<Annotation> {
    let mut explainer = Explainer::default();
    let mut out = explainer.feed(Direction::Server, format!("{GREETING}\r\n").as_bytes());
    for line in lines {
        let (direction, text) = match line.split_at(3) {
            ("C: ", text) => (Direction::Client, text),
            ("S: ", text) => (Direction::Server, text),
            _ => panic!("{line}: start with C: or S:"),
        };
        out.extend(explainer.feed(direction, format!("{text}\r\n").as_bytes()));
    }
    out.extend(explainer.finish());
    out
}

/// The annotation of the line that starts with `display`.
pub fn line<'a>(annotations: &'a [Annotation], display: &str) -> &'a Annotation {
    annotations
        .iter()
        .find(|a| a.display.starts_with(display))
        .unwrap_or_else(|| panic!("no line {display:?} in {annotations:#?}"))
}

/// Everything the learner reads about one annotation, as the text renderer writes it.
pub fn shown(a: &Annotation) -> String {
    let mut out = Vec::new();
    let style = TextStyle {
        color: false,
        width: 400,
        full: false,
    };
    render::write_text(&mut out, a, style).unwrap();
    String::from_utf8(out).unwrap()
}

/// `text` with every run of whitespace (the renderer's line breaks too) as one space.
pub fn folded(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

pub fn entry(kind: Kind, name: &str) -> &'static knowledge::Entry {
    knowledge::lookup(kind, name).unwrap_or_else(|| panic!("no {} {name}", kind.label()))
}

/// All the prose of an entry, in one lower-case string, whitespace folded.
pub fn prose_folded(kind: Kind, name: &str) -> String {
    let e = entry(kind, name);
    folded(&format!(
        "{} {} {}",
        e.summary,
        e.details,
        e.mistakes.join(" ")
    ))
    .to_lowercase()
}
