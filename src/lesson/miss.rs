//! A wrong answer, said in one sentence: what status the step expected, what the server
//! said, and why, from the diagnostic of the learner's line and the meaning of the reply
//! ("Expected OK, the server said BAD: it read `c1LOGIN` as the tag."). The full diff of
//! the expected reply against the one that came waits for `:diff`.
//!
//! The words are templates of `knowledge/data/phrases.yaml` (`lesson.miss.*`).

use crate::explain::{Annotation, AnnotationKind};
use crate::grammar::Severity;
use crate::knowledge::count_key;
use crate::say;
use crate::transcript::Direction;

use super::matcher::Judgement;
use super::schema::{ExpectItem, Step};

/// What the learner sent and got back in the attempt that missed.
pub(crate) struct Attempted<'a> {
    /// The tag `{tag}` stands for: the learner's own.
    pub(crate) tag: &'a str,
    /// The explained messages of the attempt, both sides, in order.
    pub(crate) annotations: &'a [Annotation],
}

/// The one sentence that explains a miss.
pub(crate) fn sentence(step: &Step, attempted: &Attempted, judgement: &Judgement) -> String {
    let expected = expected_status(step);
    let tagged = attempted
        .annotations
        .iter()
        .rev()
        .find(|a| a.direction == Some(Direction::Server) && a.kind == AnnotationKind::Tagged);
    let got = tagged
        .and_then(|a| a.display.split(' ').nth(1))
        .map(str::to_owned);
    let cause = cause(
        attempted,
        tagged,
        judgement,
        expected.as_deref() == got.as_deref(),
    );
    let text = match (expected, got) {
        (Some(expected), Some(got)) if expected != got => {
            say!(
                "lesson.miss.status",
                expected = expected,
                got = got,
                cause = cause
            )
        }
        _ => cause,
    };
    finish(&text)
}

/// The status word of the step's expected tagged line (`{tag} OK ...`), if it has one.
fn expected_status(step: &Step) -> Option<String> {
    step.expect.iter().find_map(|item| match item {
        ExpectItem::Line(line) => line
            .strip_prefix("{tag} ")
            .and_then(|rest| rest.split(' ').next())
            .map(str::to_owned),
        ExpectItem::Unordered(_) => None,
    })
}

/// Why the reply is not the expected one, most telling first.
fn cause(
    attempted: &Attempted,
    tagged: Option<&Annotation>,
    judgement: &Judgement,
    same_status: bool,
) -> String {
    let client: Vec<&Annotation> = attempted
        .annotations
        .iter()
        .filter(|a| a.direction == Some(Direction::Client))
        .collect();
    // The server took another word for the tag: the learner's tag ran into the command.
    if let Some(server_tag) = tagged.and_then(|a| a.tag.as_deref()) {
        let sent_tag = client.first().and_then(|a| a.tag.as_deref());
        if server_tag != attempted.tag && sent_tag != Some(server_tag) {
            return say!("lesson.miss.read-as-tag", word = server_tag);
        }
    }
    if !same_status {
        let diagnostic = client.iter().flat_map(|a| &a.diagnostics).find(|d| {
            d.severity == Severity::Error
                || (d.severity == Severity::Warning && d.code == "wrong-state")
        });
        if let Some(d) = diagnostic {
            return lowercase_first(first_sentence(&d.message));
        }
        if let Some(t) = tagged {
            // The reply's meaning: its response code, or the server's own words.
            if let Some(detail) = t.details.iter().find(|d| !d.starts_with('(')) {
                return detail.clone();
            }
            let text = t.display.splitn(3, ' ').nth(2).unwrap_or("").trim();
            if !text.is_empty() {
                return say!("lesson.miss.server-text", text = text);
            }
        }
    }
    if let Some(line) = &judgement.unmatched {
        return say!("lesson.miss.missing-line", line = shorten(line, 60));
    }
    if let Some((_, line)) = judgement.forbidden.first() {
        return say!("lesson.miss.forbidden-line", line = shorten(line, 60));
    }
    if !judgement.extra.is_empty() {
        let n = judgement.extra.len();
        return say!(&count_key("lesson.miss.extra-lines", n as u64), n = n);
    }
    say!("lesson.miss.checks")
}

/// The first sentence of a diagnostic: up to the first full stop that ends a sentence.
fn first_sentence(text: &str) -> &str {
    match text.find(". ") {
        Some(end) => &text[..end],
        None => text.trim_end_matches('.'),
    }
}

fn lowercase_first(s: &str) -> String {
    let mut chars = s.chars();
    match chars.next() {
        // Keep code and names as they are: `c1LOGIN`, LOGIN, INBOX.
        Some(c)
            if c.is_ascii_uppercase()
                && chars.clone().next().is_some_and(|n| n.is_ascii_lowercase()) =>
        {
            c.to_ascii_lowercase().to_string() + chars.as_str()
        }
        _ => s.to_string(),
    }
}

/// A line cut to about `max` characters, at a space, with an ellipsis.
fn shorten(line: &str, max: usize) -> String {
    if line.chars().count() <= max {
        return line.to_owned();
    }
    let cut: String = line.chars().take(max).collect();
    let cut = cut.rsplit_once(' ').map_or(cut.as_str(), |(head, _)| head);
    format!("{cut} …")
}

/// A capital at the start and a full stop at the end.
fn finish(text: &str) -> String {
    let mut chars = text.trim().chars();
    let mut out = match chars.next() {
        Some(c) => c.to_uppercase().collect::<String>() + chars.as_str(),
        None => String::new(),
    };
    if !out.ends_with(['.', '!', '?']) {
        out.push('.');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sentences_are_short_and_finished() {
        assert_eq!(
            first_sentence("There is no space. A server reads it."),
            "There is no space"
        );
        assert_eq!(lowercase_first("There is"), "there is");
        assert_eq!(lowercase_first("LOGIN is valid"), "LOGIN is valid");
        assert_eq!(finish("expected OK"), "Expected OK.");
        let long = format!(
            "{tag} OK [CAPABILITY {}] Logged in",
            "X ".repeat(60),
            tag = "a"
        );
        let short = shorten(&long, 60);
        assert!(
            short.chars().count() <= 62 && short.ends_with('…'),
            "{short}"
        );
    }
}
