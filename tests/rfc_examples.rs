//! Every `C:`/`S:` example of the RFCs, replayed through the explainer.
//!
//! `scripts/extract-rfc-examples.py` extracts the examples into `tests/data/rfc-examples/`
//! (format in its README). Each example is fed to a fresh [`Explainer`] in the order the
//! RFC shows, and every message must parse with no error diagnostic and get an
//! explanation, except the lines the RFC shows as errors on purpose, or prints in a
//! form a strict parser rejects (`expected-errors.txt` lists both, with reasons).

use std::collections::HashSet;
use std::path::Path;

use imap_tutor::explain::{Annotation, Explainer, Options};
use imap_tutor::grammar::Severity;
use imap_tutor::transcript::Direction;

const DIR: &str = "tests/data/rfc-examples";

struct Example {
    rfc: String,
    number: String,
    section: String,
    skip: bool,
    /// (direction, kind char ':' '+' '>', content)
    lines: Vec<(Direction, char, String)>,
}

fn read_examples(path: &Path) -> Vec<Example> {
    let rfc = path
        .file_stem()
        .unwrap()
        .to_string_lossy()
        .trim_start_matches("rfc")
        .to_string();
    let text = std::fs::read_to_string(path).unwrap();
    let mut examples: Vec<Example> = Vec::new();
    for line in text.lines() {
        if let Some(rest) = line.strip_prefix("# example ") {
            let number = rest.split_whitespace().next().unwrap_or("").to_string();
            let section = rest
                .split('§')
                .nth(1)
                .and_then(|s| s.split_whitespace().next())
                .unwrap_or("")
                .to_string();
            examples.push(Example {
                rfc: rfc.clone(),
                number,
                section,
                skip: false,
                lines: Vec::new(),
            });
            continue;
        }
        let Some(current) = examples.last_mut() else {
            continue;
        };
        if line.starts_with("#! protocol:") {
            current.skip = true;
        }
        if line.starts_with('#') || line.is_empty() {
            continue;
        }
        let mut chars = line.chars();
        let direction = match chars.next() {
            Some('C') => Direction::Client,
            Some('S') => Direction::Server,
            _ => panic!("{}: unexpected line {line:?}", path.display()),
        };
        let kind = chars.next().unwrap();
        let content = line.get(3..).unwrap_or("").replace("<NUL>", "\0");
        current.lines.push((direction, kind, content));
    }
    examples
}

/// Examples of extensions beyond the tutor's grammar, each with the reason.
const OUT_OF_SCOPE: &[(&str, &str, &str)] = &[
    (
        "3502",
        "1",
        "MULTIAPPEND is in the grammar, but the extracted example lost the SP before its second message (`C> (\\Seen)`; the RFC prints `C:  (\\Seen)`), and A004/A005 announce literals the server refuses unsent",
    ),
    (
        "4469",
        "1",
        "CATENATE is in the grammar, but the RFC's TEXT literal sizes do not match the text it prints (the literal ends inside what follows)",
    ),
    (
        "4469",
        "2",
        "CATENATE is in the grammar, but the RFC's TEXT literal sizes do not match the text it prints (the literal ends inside what follows)",
    ),
    (
        "4469",
        "3",
        "CATENATE is in the grammar, but the RFC's TEXT literal sizes do not match the text it prints (the literal ends inside what follows)",
    ),
    (
        "4469",
        "4",
        "CATENATE is in the grammar, but the RFC's TEXT literal sizes do not match the text it prints (the literal ends inside what follows)",
    ),
    (
        "5255",
        "2",
        "LANGUAGE (RFC 5255 §3) is not in the grammar: Dovecot 2.3 does not offer it",
    ),
    (
        "5255",
        "3",
        "LANGUAGE (RFC 5255 §3) is not in the grammar: Dovecot 2.3 does not offer it",
    ),
    (
        "5255",
        "4",
        "LANGUAGE (RFC 5255 §3) is not in the grammar: Dovecot 2.3 does not offer it",
    ),
    (
        "5255",
        "5",
        "LANGUAGE (RFC 5255 §3) is not in the grammar: Dovecot 2.3 does not offer it",
    ),
    (
        "5255",
        "6",
        "LANGUAGE (RFC 5255 §3) is not in the grammar: Dovecot 2.3 does not offer it",
    ),
    (
        "5255",
        "7",
        "LANGUAGE (RFC 5255 §3) is not in the grammar: Dovecot 2.3 does not offer it",
    ),
    (
        "5255",
        "8",
        "LANGUAGE (RFC 5255 §3) is not in the grammar: Dovecot 2.3 does not offer it",
    ),
    (
        "5255",
        "9",
        "COMPARATOR (RFC 5255 §4.7) belongs to I18NLEVEL=2; Dovecot 2.3 offers I18NLEVEL=1 and answers BAD Unknown command (tests/data/differential/i18n.txt)",
    ),
    (
        "5464",
        "4",
        "RFC 5464 §4.2.1's example puts the options after the mailbox; its ABNF (§5), Dovecot and the grammar want them before (the diagnostic says so)",
    ),
    (
        "5464",
        "5",
        "RFC 5464 §4.2.2's example puts the options after the mailbox; its ABNF (§5), Dovecot and the grammar want them before (the diagnostic says so)",
    ),
    (
        "5464",
        "11",
        "RFC 5464 §4.4.1's example names two entries without parentheses; its ABNF (§5) wants a list (the diagnostic says so)",
    ),
    (
        "5464",
        "12",
        "RFC 5464 §4.4.1's example names two entries without parentheses; its ABNF (§5) wants a list (the diagnostic says so)",
    ),
    (
        "8474",
        "5",
        "the RFC elides the APPEND literal's bytes, so the message is cut short",
    ),
    (
        "8474",
        "6",
        "the RFC elides the APPEND literal's bytes, so the message is cut short",
    ),
    (
        "8474",
        "7",
        "the RFC elides the APPEND literal's bytes, so the message is cut short",
    ),
];

/// Core-RFC lines that deserve the finding they get, beyond `expected-errors.txt`.
const KNOWN_FINDINGS: &[(&str, &str, &str, &str)] = &[
    (
        "9051",
        "13",
        "* OK [UIDVALIDITY 9877410381]",
        "the RFC's UIDVALIDITY exceeds 32 bits",
    ),
    (
        "9051",
        "92",
        "B283 NO [BADCHARSET UTF-8]",
        "the RFC omits the parentheses BADCHARSET's grammar wants",
    ),
    (
        "3501",
        "28",
        "A442 XPIG-LATIN",
        "an experimental command: its arguments are unknowable",
    ),
    (
        "3501",
        "28",
        "* XPIG-LATIN",
        "an experimental response: the tutor says so",
    ),
    (
        "9051",
        "109",
        "A442 XPIG-LATIN",
        "an experimental command: its arguments are unknowable",
    ),
    (
        "9051",
        "109",
        "* XPIG-LATIN",
        "an experimental response: the tutor says so",
    ),
];

/// Notes that teach rather than find fault; they may appear on any valid line.
const TEACHING_NOTES: &[&str] = &[
    "case-insensitive",
    "tag-reused",
    "unknown-tag",
    "inbox-special",
    "imap4rev1-only",
];

/// (rfc, example, line) of every line allowed to carry an error diagnostic.
fn allowed_errors() -> HashSet<(String, String, String)> {
    let text = std::fs::read_to_string(Path::new(DIR).join("expected-errors.txt")).unwrap();
    text.lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .filter_map(|l| {
            let f: Vec<&str> = l.split('\t').collect();
            let line = f.get(3)?.get(3..).unwrap_or("").to_string();
            Some((f[0].to_string(), f[1].to_string(), line))
        })
        .collect()
}

/// Feeds an example to the explainer, literal lines joined with CRLF, in RFC order.
fn explain(example: &Example) -> Vec<Annotation> {
    let mut explainer = Explainer::new(Options { show_secrets: true });
    let mut out = Vec::new();
    let mut literal: [Vec<String>; 2] = [Vec::new(), Vec::new()];
    let slot = |d: Direction| if d == Direction::Client { 0 } else { 1 };
    for (direction, kind, content) in &example.lines {
        let pending = &mut literal[slot(*direction)];
        if *kind != '+' && !pending.is_empty() {
            let bytes = pending.join("\r\n");
            pending.clear();
            out.extend(explainer.feed(*direction, bytes.as_bytes()));
        }
        match kind {
            '+' => literal[slot(*direction)].push(content.clone()),
            _ => out.extend(explainer.feed(*direction, format!("{content}\r\n").as_bytes())),
        }
    }
    for d in [Direction::Client, Direction::Server] {
        let pending = &literal[slot(d)];
        if !pending.is_empty() {
            out.extend(explainer.feed(d, pending.join("\r\n").as_bytes()));
        }
    }
    out.extend(explainer.finish());
    out
}

#[test]
fn every_rfc_example_parses_and_is_explained() {
    let dir = Path::new(DIR);
    let allowed = allowed_errors();
    let mut files: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .filter_map(|e| e.ok())
        .map(|e| e.path())
        .collect();
    files.retain(|p| {
        p.file_name().is_some_and(|n| {
            n.to_string_lossy().starts_with("rfc") && n.to_string_lossy().ends_with(".txt")
        })
    });
    files.sort();
    assert!(
        files.iter().any(|p| p.ends_with("rfc3501.txt"))
            && files.iter().any(|p| p.ends_with("rfc9051.txt"))
    );
    let (mut checked, mut failures) = (0, Vec::new());
    for file in &files {
        for example in read_examples(file) {
            if example.skip {
                continue;
            }
            if OUT_OF_SCOPE
                .iter()
                .any(|(r, n, _)| *r == example.rfc && *n == example.number)
            {
                // Once the grammar covers it, the entry must go.
                let still_out = explain(&example).iter().any(|a| {
                    a.is_unknown() || a.diagnostics.iter().any(|d| d.severity == Severity::Error)
                });
                if !still_out {
                    failures.push(format!(
                        "RFC {} example {} is explained now: drop it from OUT_OF_SCOPE",
                        example.rfc, example.number
                    ));
                }
                continue;
            }
            for a in explain(&example) {
                checked += 1;
                let errors: Vec<String> = a
                    .diagnostics
                    .iter()
                    .filter(|d| d.severity == Severity::Error)
                    .map(|d| format!("{} at column {}: {}", d.code, d.column, d.message))
                    .collect();
                // RFC 3501 and 9051 are the core: there, any finding counts, except the
                // teaching notes that are not about errors (lowercase, reused tags).
                let core = example.rfc == "3501" || example.rfc == "9051";
                let mut errors = errors;
                if core {
                    errors.extend(
                        a.diagnostics
                            .iter()
                            .filter(|d| {
                                d.severity != Severity::Error && !TEACHING_NOTES.contains(&d.code)
                            })
                            .map(|d| {
                                format!(
                                    "{:?} {} at column {}: {}",
                                    d.severity, d.code, d.column, d.message
                                )
                            }),
                    );
                }
                let key = (
                    example.rfc.clone(),
                    example.number.clone(),
                    a.display.clone(),
                );
                let known = KNOWN_FINDINGS.iter().any(|(r, n, prefix, _)| {
                    *r == example.rfc && *n == example.number && a.display.starts_with(prefix)
                });
                if known && !a.is_unknown() {
                    continue;
                }
                if (errors.is_empty() && !a.is_unknown()) || allowed.contains(&key) {
                    continue;
                }
                failures.push(format!(
                    "RFC {} example {} (§{}): {:?}\n    summary: {}\n    {}",
                    example.rfc,
                    example.number,
                    example.section,
                    a.display,
                    a.summary,
                    errors.join("\n    ")
                ));
            }
        }
    }
    assert!(
        checked > 1500,
        "only {checked} messages checked: is the corpus there?"
    );
    assert!(
        failures.is_empty(),
        "{} of {checked} messages failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
