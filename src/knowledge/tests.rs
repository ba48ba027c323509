//! Unit tests of the knowledge base: every entry parses, covers the vocabulary, and
//! cites sections that exist.

use super::*;
use crate::grammar::vocabulary;
use std::collections::BTreeMap;
use std::path::Path;

fn vocabulary_lists() -> Vec<(Kind, &'static str, &'static [&'static str])> {
    vec![
        (Kind::Command, "COMMANDS", vocabulary::COMMANDS),
        (Kind::Response, "RESPONSES", vocabulary::RESPONSES),
        (
            Kind::ResponseCode,
            "RESPONSE_CODES",
            vocabulary::RESPONSE_CODES,
        ),
        (Kind::Flag, "FLAGS", vocabulary::FLAGS),
        (Kind::FetchItem, "FETCH_ITEMS", vocabulary::FETCH_ITEMS),
        (Kind::SearchKey, "SEARCH_KEYS", vocabulary::SEARCH_KEYS),
        (
            Kind::SearchKey,
            "SEARCH_ARGUMENTS",
            vocabulary::SEARCH_ARGUMENTS,
        ),
        (
            Kind::ListAttribute,
            "LIST_ATTRIBUTES",
            vocabulary::LIST_ATTRIBUTES,
        ),
        (Kind::StatusItem, "STATUS_ITEMS", vocabulary::STATUS_ITEMS),
        (Kind::Capability, "CAPABILITIES", vocabulary::CAPABILITIES),
    ]
}

#[test]
fn kind_all_is_in_declaration_order() {
    // `entries` indexes the loaded lists by `Kind as usize`.
    for (i, kind) in Kind::ALL.iter().enumerate() {
        assert_eq!(kind.index(), i, "{kind:?}");
    }
}

#[test]
fn embedded_data_parses() {
    let errors: Vec<String> = Kind::ALL
        .iter()
        .filter_map(|&kind| parse(kind).err().map(|e| e.to_string()))
        .collect();
    assert!(
        errors.is_empty(),
        "data files do not parse:\n{}",
        errors.join("\n")
    );
    for kind in Kind::ALL {
        assert!(!entries(kind).is_empty(), "no {} entries", kind.label());
    }
}

#[test]
fn every_vocabulary_name_has_an_entry() {
    let mut missing = Vec::new();
    for (kind, list, names) in vocabulary_lists() {
        for name in names {
            // Exact entries only: a family fallback is not an explanation of the name.
            if exact(kind, name).is_none() {
                missing.push(format!("{list}: {name}"));
            }
        }
    }
    assert!(
        missing.is_empty(),
        "{} vocabulary names have no knowledge entry:\n  {}",
        missing.len(),
        missing.join("\n  ")
    );
}

#[test]
fn required_concepts_exist() {
    let required = [
        "tag",
        "untagged",
        "continuation",
        "literal",
        "literal-plus",
        "binary-literal",
        "crlf",
        "bare-lf",
        "sequence-set",
        "uid",
        "uidvalidity",
        "modified-utf7",
        "mailbox-inbox-case",
        "case-insensitive-commands",
        "states",
        "not-authenticated",
        "authenticated",
        "selected",
        "logout",
        "recent",
        "seen-implicit",
        "timing-suffix",
        "sasl-ir",
        "base64",
        "telnet-line",
        "redaction",
    ];
    let missing: Vec<&str> = required
        .iter()
        .copied()
        .filter(|name| exact(Kind::Concept, name).is_none())
        .collect();
    assert!(missing.is_empty(), "missing concepts: {missing:?}");
}

/// Characters that a YAML escape can smuggle into a double-quoted string, e.g. `"\N"`
/// in `"\Noselect"` becomes U+0085 and `"\a"` becomes BEL: write `\\` or single quotes.
fn has_hidden_control(s: &str, allow_newline: bool) -> bool {
    s.chars().any(|c| {
        (c.is_control() && !(allow_newline && c == '\n'))
            || matches!(c, '\u{85}' | '\u{2028}' | '\u{2029}' | '\u{feff}')
    })
}

#[test]
fn entries_are_well_formed() {
    let mut problems = Vec::new();
    for kind in Kind::ALL {
        let mut seen: BTreeMap<String, usize> = BTreeMap::new();
        for entry in entries(kind) {
            let at = format!("{} {:?}", kind.label(), entry.name);
            *seen.entry(entry.name.to_ascii_uppercase()).or_default() += 1;
            if entry.name.trim().is_empty() || entry.name.trim() != entry.name {
                problems.push(format!("{at}: name is empty or has spaces around it"));
            }
            let summary_len = entry.summary.chars().count();
            if entry.summary.trim().is_empty() {
                problems.push(format!("{at}: empty summary"));
            } else if summary_len > 90 {
                problems.push(format!("{at}: summary is {summary_len} chars (max 90)"));
            }
            if entry.summary.contains('\n') {
                problems.push(format!("{at}: summary spans lines"));
            }
            if entry.details.trim().is_empty() {
                problems.push(format!("{at}: empty details"));
            }
            if entry.rfc.is_empty() {
                problems.push(format!("{at}: no rfc reference"));
            }
            for reference in &entry.rfc {
                if parse_reference(reference).is_none() {
                    problems.push(format!(
                        "{at}: rfc reference {reference:?} is not of the form \"RFC NNNN §x.y\" or \"RFC NNNN\""
                    ));
                }
            }
            if entry.mistakes.len() > 4 {
                problems.push(format!("{at}: more than 4 mistakes"));
            }
            if entry.mistakes.iter().any(|m| m.trim().is_empty()) {
                problems.push(format!("{at}: empty mistake"));
            }
            let mut texts: Vec<(&str, &str)> = vec![
                ("name", &entry.name),
                ("summary", &entry.summary),
                ("details", &entry.details),
            ];
            texts.extend(entry.mistakes.iter().map(|m| ("mistakes", m.as_str())));
            texts.extend(entry.rfc.iter().map(|m| ("rfc", m.as_str())));
            for (field, value) in [
                ("syntax", &entry.syntax),
                ("example", &entry.example),
                ("arg", &entry.arg),
            ] {
                if let Some(value) = value {
                    texts.push((field, value));
                }
            }
            for (field, text) in texts {
                if has_hidden_control(text, field == "details") {
                    problems.push(format!(
                        "{at}: {field} holds a control character (a YAML escape such as \\N?)"
                    ));
                }
            }
            if kind == Kind::Command {
                if entry.states.is_empty() {
                    problems.push(format!("{at}: command without states"));
                }
                if entry.syntax.as_deref().is_none_or(|s| s.trim().is_empty()) {
                    problems.push(format!("{at}: command without syntax"));
                }
                if entry.example.as_deref().is_none_or(|s| s.trim().is_empty()) {
                    problems.push(format!("{at}: command without example"));
                }
            } else {
                if !entry.states.is_empty() {
                    problems.push(format!("{at}: states are for commands only"));
                }
                if entry.syntax.is_some() {
                    problems.push(format!("{at}: syntax is for commands only"));
                }
            }
            if kind != Kind::ResponseCode && entry.arg.is_some() {
                problems.push(format!("{at}: arg is for response codes only"));
            }
        }
        for (name, count) in seen {
            if count > 1 {
                problems.push(format!("{}: {name:?} appears {count} times", kind.label()));
            }
        }
    }
    assert!(
        problems.is_empty(),
        "{} problems:\n  {}",
        problems.len(),
        problems.join("\n  ")
    );
}

/// Splits `RFC 3501 §6.2.3` into (3501, Some("6.2.3")) and a bare `RFC 3502` into
/// (3502, None). Sections are numbers separated by dots; an appendix is a capital
/// letter, optionally followed by numbers (`A.1`).
fn parse_reference(reference: &str) -> Option<(u32, Option<&str>)> {
    let rest = reference.strip_prefix("RFC ")?;
    let (number, section) = match rest.split_once(" §") {
        Some((number, section)) => (number, Some(section)),
        None => (rest, None),
    };
    if number.is_empty() || !number.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    if let Some(section) = section {
        let mut parts = section.split('.');
        let first = parts.next()?;
        let first_ok = (!first.is_empty() && first.bytes().all(|b| b.is_ascii_digit()))
            || (first.len() == 1 && first.as_bytes()[0].is_ascii_uppercase());
        let rest_ok = parts.all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()));
        if !first_ok || !rest_ok {
            return None;
        }
    }
    Some((number.parse().ok()?, section))
}

/// Does the RFC text have a heading line for `section`? Headings start at the left
/// margin: `6.2.3.  LOGIN Command`, `7.2.4   STATUS Response` (no dot in RFC 3501),
/// `A.1.  Mailbox ...` or `Appendix E.  Changes ...`. The table of contents is
/// indented, so it does not count.
fn has_heading(text: &str, section: &str) -> bool {
    let is_appendix = section.len() == 1 && section.as_bytes()[0].is_ascii_uppercase();
    text.lines().any(|line| {
        let line = line.trim_start_matches(['\u{feff}', '\u{c}']);
        if is_appendix {
            return line
                .strip_prefix("Appendix ")
                .and_then(|l| l.strip_prefix(section))
                .is_some_and(|l| l.starts_with('.'));
        }
        let Some(rest) = line.strip_prefix(section) else {
            return false;
        };
        let rest = rest.strip_prefix('.').unwrap_or(rest);
        rest.starts_with([' ', '\t']) && !rest.trim().is_empty()
    })
}

#[test]
fn parse_reference_accepts_and_rejects() {
    assert_eq!(
        parse_reference("RFC 3501 §6.2.3"),
        Some((3501, Some("6.2.3")))
    );
    assert_eq!(parse_reference("RFC 9051 §A.1"), Some((9051, Some("A.1"))));
    assert_eq!(parse_reference("RFC 2177 §3"), Some((2177, Some("3"))));
    assert_eq!(parse_reference("RFC 3502"), Some((3502, None)));
    assert_eq!(parse_reference("RFC 3502 §"), None);
    assert_eq!(parse_reference("RFC 3502 "), None);
    assert_eq!(parse_reference("RFC"), None);
    assert_eq!(parse_reference("RFC 3501 6.2.3"), None);
    assert_eq!(parse_reference("RFC 3501 §6..2"), None);
    assert_eq!(parse_reference("RFC3501 §6.2"), None);
    assert_eq!(parse_reference("RFC 3501 §6.2.3."), None);
}

#[test]
fn has_heading_matches_only_headings() {
    let text = "\u{feff}Intro\n   6.2.3.  LOGIN Command ....... 31\n6.2.3.  LOGIN Command\n\
                7.2.4   STATUS Response\nAppendix E.  Changes\nA.1.  Naming\n6.2.30. X\n";
    assert!(has_heading(text, "6.2.3"));
    assert!(has_heading(text, "7.2.4"));
    assert!(has_heading(text, "E"));
    assert!(has_heading(text, "A.1"));
    assert!(has_heading(text, "6.2.30"));
    assert!(!has_heading(text, "6.2"));
    assert!(!has_heading(text, "6.2.4"));
    assert!(!has_heading(text, "A"));
}

/// What the RFC folder says about one reference, or `None` if it is fine. An RFC
/// whose text is in the folder must be cited with a section, and that section heading
/// must exist. An RFC that is not in the folder (CATENATE's RFC 4469, say) may be
/// cited bare or with a section, which then goes unchecked: cite one only when sure.
/// The entry's details must name such an RFC too ("Defined by RFC 4469"), so that a
/// mistyped number shows up as a mismatch.
fn reference_problem(
    text: Option<&str>,
    details: &str,
    number: u32,
    section: Option<&str>,
) -> Option<String> {
    match (text, section) {
        (None, _) if !details.contains(&format!("RFC {number}")) => Some(format!(
            "RFC {number} is not in the folder; say \"RFC {number}\" in the details too"
        )),
        (None, _) => None,
        (Some(_), None) => Some(format!(
            "rfc{number}.txt is in the folder, so name the section (\"RFC {number} §x.y\")"
        )),
        (Some(text), Some(section)) if !has_heading(text, section) => {
            Some(format!("no heading \"{section}\" in RFC {number}"))
        }
        (Some(_), Some(_)) => None,
    }
}

#[test]
fn reference_problem_is_strict_only_for_rfcs_in_the_folder() {
    let text = "3.1.  The ENABLE Command\n";
    let details = "Defined by RFC 3502 and RFC 2221.";
    assert_eq!(reference_problem(Some(text), "", 5161, Some("3.1")), None);
    assert!(reference_problem(Some(text), "", 5161, Some("3.2")).is_some());
    assert!(reference_problem(Some(text), "", 5161, None).is_some());
    assert_eq!(reference_problem(None, details, 3502, None), None);
    assert_eq!(reference_problem(None, details, 2221, Some("4.1")), None);
    assert!(reference_problem(None, details, 3503, None).is_some());
}

#[test]
fn rfc_references_name_real_sections() {
    // The RFC texts are kept in the repository (rfc/), so this check always runs.
    let folder = Path::new(env!("CARGO_MANIFEST_DIR")).join("rfc");
    assert!(folder.is_dir(), "{} is missing", folder.display());
    let mut texts: BTreeMap<u32, Option<String>> = BTreeMap::new();
    let mut problems = Vec::new();
    // (who, references, the text that must name an RFC kept outside the folder)
    let mut cited: Vec<(String, &[String], &str)> = Vec::new();
    for kind in Kind::ALL {
        for entry in entries(kind) {
            let who = format!("{} {:?}", kind.label(), entry.name);
            cited.push((who, &entry.rfc, &entry.details));
        }
    }
    for phrase in phrases::all() {
        cited.push((format!("phrase {}", phrase.key), &phrase.rfc, &phrase.text));
    }
    for (who, references, text_naming) in cited {
        for reference in references {
            let Some((number, section)) = parse_reference(reference) else {
                problems.push(format!("{who}: {reference:?} is not a reference"));
                continue;
            };
            let text = texts.entry(number).or_insert_with(|| {
                std::fs::read(folder.join(format!("rfc{number}.txt")))
                    .ok()
                    .map(|bytes| String::from_utf8_lossy(&bytes).into_owned())
            });
            if let Some(problem) = reference_problem(text.as_deref(), text_naming, number, section)
            {
                problems.push(format!("{who}: {reference:?}: {problem}"));
            }
        }
    }
    assert!(
        problems.is_empty(),
        "{} bad references:\n  {}",
        problems.len(),
        problems.join("\n  ")
    );
}

/// The items RFC 9051 Appendix E deprecates or removes, each with the numbered item
/// that says so and words of that item. OLD and the RECENT search key are not named
/// there: they test the \Recent flag, which item 12 deprecates, and RFC 9051's
/// grammar no longer has them.
const APPENDIX_E: &[(Kind, &str, u32, &str, Rev2)] = &[
    (
        Kind::Command,
        "CHECK",
        17,
        "Removed the CHECK command",
        Rev2::Removed,
    ),
    (
        Kind::Command,
        "LSUB",
        19,
        "LSUB command was deprecated",
        Rev2::Deprecated,
    ),
    (
        Kind::Response,
        "LSUB",
        19,
        "LSUB command was deprecated",
        Rev2::Deprecated,
    ),
    (
        Kind::Response,
        "SEARCH",
        4,
        "SEARCH response is now deprecated",
        Rev2::Deprecated,
    ),
    (
        Kind::ResponseCode,
        "UNSEEN",
        11,
        "UNSEEN response code",
        Rev2::Deprecated,
    ),
    (
        Kind::Response,
        "RECENT",
        12,
        "RECENT response",
        Rev2::Deprecated,
    ),
    (
        Kind::Flag,
        "\\Recent",
        12,
        "\\Recent flag",
        Rev2::Deprecated,
    ),
    (
        Kind::StatusItem,
        "RECENT",
        12,
        "RECENT STATUS",
        Rev2::Deprecated,
    ),
    (Kind::SearchKey, "NEW", 12, "SEARCH NEW", Rev2::Deprecated),
    (
        Kind::SearchKey,
        "OLD",
        12,
        "\\Recent flag",
        Rev2::Deprecated,
    ),
    (
        Kind::SearchKey,
        "RECENT",
        12,
        "\\Recent flag",
        Rev2::Deprecated,
    ),
    (
        Kind::FetchItem,
        "RFC822",
        18,
        "RFC822, RFC822.HEADER",
        Rev2::Deprecated,
    ),
    (
        Kind::FetchItem,
        "RFC822.HEADER",
        18,
        "RFC822.HEADER",
        Rev2::Deprecated,
    ),
    (
        Kind::FetchItem,
        "RFC822.TEXT",
        18,
        "RFC822.TEXT",
        Rev2::Deprecated,
    ),
];

/// The text of item `n` of RFC 9051 Appendix E, on one line.
fn appendix_e_item(text: &str, n: u32) -> String {
    let start = text.find("Appendix E.  Changes from RFC 3501").unwrap_or(0);
    let appendix = &text[start..];
    let end = appendix.find("\nAppendix F.").unwrap_or(appendix.len());
    let mut item = String::new();
    let mut inside = false;
    for line in appendix[..end].lines() {
        let trimmed = line.trim();
        let number = trimmed
            .split_once(".  ")
            .and_then(|(k, _)| k.parse::<u32>().ok());
        match number {
            Some(k) if k == n => {
                inside = true;
                item.push_str(trimmed);
            }
            Some(_) => inside = false,
            None if inside && !trimmed.is_empty() && line.starts_with("        ") => {
                item.push(' ');
                item.push_str(trimmed);
            }
            None => {}
        }
    }
    item
}

#[test]
fn knowledge_revision_marks_follow_appendix_e() {
    let text =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("rfc/rfc9051.txt"))
            .unwrap();
    let mut problems = Vec::new();
    for &(kind, name, n, words, rev2) in APPENDIX_E {
        let item = appendix_e_item(&text, n);
        let verb = match rev2 {
            Rev2::Removed => "Removed",
            Rev2::Deprecated => "deprecated",
        };
        if !item.contains(words) || !item.contains(verb) {
            problems.push(format!(
                "Appendix E item {n} ({item:?}) does not say {words:?} ... {verb}"
            ));
        }
        match exact(kind, name) {
            Some(e) if e.imap4rev2 != Some(rev2) => problems.push(format!(
                "{} {name}: imap4rev2 is {:?}, Appendix E item {n} says {verb}",
                kind.label(),
                e.imap4rev2
            )),
            None => problems.push(format!("{} {name}: no entry", kind.label())),
            _ => {}
        }
    }
    for kind in Kind::ALL {
        for e in entries(kind) {
            let listed = APPENDIX_E
                .iter()
                .any(|(k, n, ..)| *k == kind && n.eq_ignore_ascii_case(&e.name));
            if e.imap4rev2.is_some() && !listed {
                problems.push(format!(
                    "{} {}: marked, but Appendix E does not name it",
                    kind.label(),
                    e.name
                ));
            }
            if e.imap4rev2.is_some() && !e.rfc.iter().any(|r| r == "RFC 9051 §E") {
                problems.push(format!(
                    "{} {}: cite RFC 9051 §E with the mark",
                    kind.label(),
                    e.name
                ));
            }
            // An item of RFC 3501 that RFC 9051 and no extension cites is IMAP4rev1
            // only: it must say what IMAP4rev2 did to it.
            let rev1 = e.rfc.iter().any(|r| r.starts_with("RFC 3501"));
            let elsewhere = e
                .rfc
                .iter()
                .any(|r| !r.starts_with("RFC 3501") && r != "RFC 9051 §E");
            if rev1 && !elsewhere && e.imap4rev2.is_none() {
                problems.push(format!(
                    "{} {}: cites only RFC 3501; say what IMAP4rev2 did to it (imap4rev2:)",
                    kind.label(),
                    e.name
                ));
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// `lookup` gives the entry named on the right for what is typed on the left.
fn assert_lookups(cases: &[(Kind, &str, &str)]) {
    for &(kind, typed, name) in cases {
        let found = lookup(kind, typed).map(|e| e.name.as_str());
        assert_eq!(found, Some(name), "{kind:?} {typed:?}");
    }
}

#[test]
fn lookup_ignores_case() {
    assert_lookups(&[
        (Kind::Command, "login", "LOGIN"),
        (Kind::Command, " Select ", "SELECT"),
        (Kind::Flag, "\\SEEN", "\\Seen"),
        (Kind::Flag, "\\seen", "\\Seen"),
        (Kind::ListAttribute, "\\NOSELECT", "\\Noselect"),
        (Kind::ListAttribute, "\\noinferiors", "\\Noinferiors"),
        (Kind::FetchItem, "body[]", "BODY[]"),
        (Kind::Capability, "imap4REV1", "IMAP4rev1"),
        (Kind::Concept, "TAG", "tag"),
    ]);
    assert!(lookup(Kind::Command, "XYZZY").is_none());
    assert!(lookup(Kind::Command, "").is_none());
}

#[test]
fn lookup_falls_back_to_families() {
    assert_lookups(&[
        (Kind::Capability, "AUTH=CRAM-MD5", "AUTH="),
        (Kind::Capability, "auth=xoauth2", "AUTH="),
        (Kind::Capability, "AUTH=PLAIN", "AUTH=PLAIN"),
        (Kind::Capability, "THREAD=FOO", "THREAD="),
        (Kind::Capability, "SORT=DISPLAY", "SORT=DISPLAY"),
        (Kind::Capability, "SORT=FOO", "SORT"),
        (
            Kind::FetchItem,
            "BODY.PEEK[HEADER.FIELDS (FROM TO)]<0.100>",
            "BODY.PEEK[]",
        ),
        (Kind::FetchItem, "body[1.2]", "BODY[]"),
        (Kind::FetchItem, "BINARY.SIZE[1]", "BINARY.SIZE[]"),
        (Kind::Response, "+", "CONTINUATION"),
    ]);
    assert!(lookup(Kind::Capability, "XYZZY=1").is_none());
    assert!(lookup(Kind::Capability, "XYZZY").is_none());
}

#[test]
fn commands_and_states() {
    let login = lookup(Kind::Command, "LOGIN").unwrap();
    assert_eq!(login.states, vec![State::NotAuthenticated]);
    assert_eq!(login.rfc, vec!["RFC 3501 §6.2.3", "RFC 9051 §6.2.3"]);
    assert!(lookup(Kind::Command, "NOOP")
        .unwrap()
        .states
        .contains(&State::Any));
    assert!(lookup(Kind::Command, "FETCH").unwrap().states == vec![State::Selected]);
    // Details never end with the newline a folded YAML scalar leaves behind.
    assert!(Kind::ALL
        .iter()
        .flat_map(|&k| entries(k))
        .all(|e| !e.details.ends_with('\n')));
}
