//! Literal summaries: what a block of literal bytes is, in a line or two.
//!
//! A FETCH of BODY[] returns a whole email as a literal. Showing 10 MB of it helps
//! nobody, so the explainer shows its size, the header fields a person looks at
//! first, and the first lines of the body; `--full` shows it all.

use super::LiteralSummary;
use crate::say;
use crate::wire::message::Literal;

/// Header fields shown in a summary, in this order.
const SHOWN_FIELDS: [&str; 4] = ["From", "To", "Subject", "Date"];
/// Body lines shown in a summary.
const BODY_LINES: usize = 2;

/// Summarises a literal: an email gets its key header fields and first lines.
pub(crate) fn summarize_literal(literal: &Literal) -> LiteralSummary {
    let text = String::from_utf8_lossy(&literal.data).into_owned();
    let size = literal.header.size;
    let (summary, preview) = match split_message(&text) {
        Some((header, body)) => {
            let fields = header_fields(header);
            let mut preview: Vec<String> = SHOWN_FIELDS
                .iter()
                .filter_map(|name| {
                    fields
                        .iter()
                        .find(|(k, _)| k.eq_ignore_ascii_case(name))
                        .map(|(k, v)| format!("{k}: {v}"))
                })
                .collect();
            preview.extend(
                body.lines()
                    .filter(|l| !l.trim().is_empty())
                    .take(BODY_LINES)
                    .map(|l| format!("| {l}")),
            );
            let subject = fields
                .iter()
                .find(|(k, _)| k.eq_ignore_ascii_case("Subject"))
                .map(|(_, v)| v.as_str());
            let summary = match subject {
                Some(s) => say!("literal.email", size = size, subject = s),
                None => say!("literal.email.no-subject", size = size),
            };
            (summary, preview)
        }
        None if literal
            .data
            .iter()
            .all(|&b| b >= 0x20 || b == b'\r' || b == b'\n' || b == b'\t') =>
        {
            (
                say!("literal.text", size = size),
                text.lines()
                    .take(BODY_LINES)
                    .map(|l| format!("| {l}"))
                    .collect(),
            )
        }
        None => (say!("literal.binary", size = size), Vec::new()),
    };
    LiteralSummary {
        size,
        received: literal.received,
        summary,
        preview,
        text,
    }
}

/// Splits an RFC 5322 message at its blank line, if it looks like one.
fn split_message(text: &str) -> Option<(&str, &str)> {
    let first = text.lines().next()?;
    let looks_like_field = first.split_once(':').is_some_and(|(name, _)| {
        !name.is_empty() && name.bytes().all(|b| b.is_ascii_graphic() && b != b':')
    });
    if !looks_like_field {
        return None;
    }
    match text.find("\r\n\r\n").or_else(|| text.find("\n\n")) {
        Some(i) => Some((&text[..i], text[i..].trim_start_matches(['\r', '\n']))),
        None => Some((text, "")),
    }
}

/// Header fields with folded lines joined (RFC 5322 §2.2.3).
pub(crate) fn header_fields(header: &str) -> Vec<(String, String)> {
    let mut fields: Vec<(String, String)> = Vec::new();
    for line in header.lines() {
        let line = line.trim_end_matches('\r');
        if line.starts_with([' ', '\t']) {
            if let Some((_, value)) = fields.last_mut() {
                value.push(' ');
                value.push_str(line.trim());
            }
        } else if let Some((name, value)) = line.split_once(':') {
            fields.push((name.trim().to_string(), value.trim().to_string()));
        }
    }
    fields
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::wire::{LiteralHeader, LiteralKind};

    fn lit(data: &[u8]) -> Literal {
        let header = LiteralHeader {
            size: data.len() as u64,
            kind: LiteralKind::Synchronizing,
        };
        Literal {
            header,
            data: data.to_vec(),
            received: data.len() as u64,
        }
    }

    #[test]
    fn an_email_shows_its_fields_and_first_lines() {
        let s = summarize_literal(&lit(b"Received: from x\r\n\tby y\r\nFrom: a@b\r\nSubject: Hi\r\n\r\nLine one\r\nLine two\r\nLine three\r\n"));
        assert_eq!(s.summary, "83 bytes: an email, \"Hi\"");
        assert_eq!(
            s.preview,
            vec!["From: a@b", "Subject: Hi", "| Line one", "| Line two"]
        );
    }

    #[test]
    fn other_literals() {
        assert_eq!(
            summarize_literal(&lit(b"secret word")).summary,
            "11 bytes of text"
        );
        assert_eq!(
            summarize_literal(&lit(&[0, 1, 2])).summary,
            "3 bytes of binary data"
        );
    }
}
