//! The explainer's sentences, as reviewed templates: every line the explainer writes
//! about a session comes from `data/phrases.yaml`, with `{slots}` filled from context
//! (a mailbox name, a count, a tag). Rust code names a template by its key and supplies
//! the slots; it holds no prose of its own, so a teacher can review and correct every
//! sentence in one file, next to the RFC sections that back it. `tests/explain_prose.rs`
//! fails when `src/explain` holds a string that is neither a key nor a protocol token.

use serde::Deserialize;
use std::fmt::Display;
use std::sync::OnceLock;

/// One template.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Phrase {
    /// Dotted lower-case key: `command.select`, `state.hint.log-in-first`.
    pub key: String,
    /// The sentence, with `{slot}` where the context goes.
    pub text: String,
    /// The sections that back the sentence's claim, checked like the entries' references.
    #[serde(default)]
    pub rfc: Vec<String>,
}

const SOURCE: &str = include_str!("data/phrases.yaml");

/// Parses the embedded templates.
pub(crate) fn parse() -> Result<Vec<Phrase>, super::DataError> {
    serde_norway::from_str(SOURCE).map_err(|error| super::DataError {
        file: "phrases.yaml",
        error,
    })
}

/// Every template, in file order.
pub fn all() -> &'static [Phrase] {
    static PHRASES: OnceLock<Vec<Phrase>> = OnceLock::new();
    PHRASES.get_or_init(|| {
        // The unit test `phrases_parse` guarantees this never fails in a tested build.
        parse().unwrap_or_else(|e| panic!("knowledge base: {e}"))
    })
}

/// The template called `key`.
pub fn phrase(key: &str) -> Option<&'static Phrase> {
    all().iter().find(|p| p.key == key)
}

/// The key for `n` of something: `key.one` when `n` is 1, `key.other` otherwise.
pub(crate) fn count_key(key: &str, n: u64) -> String {
    format!("{key}.{}", if n == 1 { "one" } else { "other" })
}

/// Fills the template `key` with `slots`. `{{n}}` in a template is the literal text
/// `{n}` (IMAP's literal syntax), not a slot. A key with no template comes back in
/// brackets, visible rather than silent; the unit tests keep that from happening.
pub(crate) fn fill(key: &str, slots: &[(&str, &dyn Display)]) -> String {
    match phrase(key) {
        Some(phrase) => fill_text(&phrase.text, slots),
        None => format!("[{key}]"),
    }
}

fn fill_text(text: &str, slots: &[(&str, &dyn Display)]) -> String {
    let mut out = String::with_capacity(text.len() + 16);
    let mut rest = text;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        if let Some(escaped) = after.strip_prefix('{') {
            // `{{n}}` writes the literal text `{n}`.
            let close = escaped.find("}}").unwrap_or(escaped.len());
            out.push('{');
            out.push_str(&escaped[..close]);
            out.push('}');
            rest = escaped.get(close + 2..).unwrap_or("");
            continue;
        }
        match after.find('}') {
            Some(close) if is_slot_name(&after[..close]) => {
                let name = &after[..close];
                match slots.iter().find(|(n, _)| *n == name) {
                    Some((_, value)) => out.push_str(&value.to_string()),
                    None => out.push_str(&rest[open..open + close + 2]),
                }
                rest = &after[close + 1..];
            }
            // A brace that opens no slot (`{n}` in prose is a slot; `{` alone is text).
            _ => {
                out.push('{');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

/// Slot names are lower-case words with `-` or `_`.
fn is_slot_name(s: &str) -> bool {
    !s.is_empty()
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b == b'-' || b == b'_')
}

/// The slot names a template uses, in order of first use.
pub fn slots(text: &str) -> Vec<&str> {
    let mut out: Vec<&str> = Vec::new();
    let mut rest = text;
    while let Some(open) = rest.find('{') {
        let after = &rest[open + 1..];
        if let Some(escaped) = after.strip_prefix('{') {
            rest = escaped.find("}}").map_or("", |c| &escaped[c + 2..]);
            continue;
        }
        match after.find('}') {
            Some(close) if is_slot_name(&after[..close]) => {
                if !out.contains(&&after[..close]) {
                    out.push(&after[..close]);
                }
                rest = &after[close + 1..];
            }
            _ => rest = after,
        }
    }
    out
}

/// `say!("key", slot = value, ...)`: the template `key` with its slots filled.
#[macro_export]
macro_rules! say {
    ($key:expr $(, $name:ident = $value:expr)* $(,)?) => {
        $crate::knowledge::phrases::fill(
            $key,
            &[$((stringify!($name), &$value as &dyn ::std::fmt::Display)),*],
        )
    };
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

    #[test]
    fn phrases_parse_and_keys_are_unique() {
        let phrases = parse().unwrap();
        let mut seen = BTreeSet::new();
        for p in &phrases {
            assert!(seen.insert(p.key.as_str()), "{} appears twice", p.key);
            assert!(
                p.key
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b"-._".contains(&b)),
                "{}: keys are lower-case, dotted",
                p.key
            );
            assert!(!p.text.trim().is_empty(), "{}: empty text", p.key);
            assert!(!p.text.contains('\n'), "{}: one line per template", p.key);
        }
    }

    #[test]
    fn fill_replaces_slots_and_keeps_other_braces() {
        assert_eq!(slots("a {x} b {y-z} {x} {12} {{n}} {"), vec!["x", "y-z"]);
        let n: &dyn Display = &42;
        assert_eq!(
            fill_text("{n} bytes, as {{n}} says; {missing} {", &[("n", n)]),
            "42 bytes, as {n} says; {missing} {"
        );
        assert!(!fill(&all()[0].key, &[]).starts_with('['));
        assert_eq!(fill("no.such.key", &[]), "[no.such.key]");
        assert_eq!(count_key("a", 1), "a.one");
        assert_eq!(count_key("a", 0), "a.other");
    }
}
