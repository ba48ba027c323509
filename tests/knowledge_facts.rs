//! The knowledge base's facts, checked by machine where a machine can: each command
//! entry's states, arguments and sections are data (`states:`, `syntax:`, `example:`,
//! `rfc:`), and these tests hold them against the grammar's own tables and against the
//! RFC texts kept in `rfc/`:
//!
//! - the example parses without error, as the command the entry names, and the grammar
//!   says it is valid in exactly the entry's states (`CommandBody::valid_in`);
//! - those states are the ones the RFC's ABNF gives: which of `command-any`,
//!   `command-auth`, `command-nonauth`, `command-select` the command belongs to, in
//!   RFC 9051 or, for an extension, the `=/` its own RFC adds;
//! - every ABNF rule the `syntax:` line names is defined in one of those RFCs;
//! - every section an entry cites mentions the entry's name (a section that does not is
//!   the wrong section).

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::sync::{Mutex, OnceLock};

use imap_tutor::grammar::{parse_command, State as GrammarState};
use imap_tutor::knowledge::{self, Entry, Kind, State};

fn rfc_text(number: u32) -> Option<String> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("rfc/rfc{number}.txt"));
    std::fs::read(path)
        .ok()
        .map(|b| String::from_utf8_lossy(&b).into_owned())
}

/// (RFC number, section) of a reference such as `RFC 9051 §6.3.2`.
fn reference(r: &str) -> Option<(u32, Option<&str>)> {
    let rest = r.strip_prefix("RFC ")?;
    let (number, section) = match rest.split_once(" §") {
        Some((n, s)) => (n, Some(s)),
        None => (rest, None),
    };
    Some((number.parse().ok()?, section))
}

/// The ABNF rules of an RFC text: name (with `_` read as `-`) to the right-hand sides of
/// its `=`, `=/` and `::=` definitions, continuation lines joined, comments dropped.
fn abnf(text: &str) -> BTreeMap<String, Vec<String>> {
    let mut rules: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let mut current: Option<(String, String, usize)> = None;
    let mut flush = |current: &mut Option<(String, String, usize)>| {
        if let Some((name, rhs, _)) = current.take() {
            rules.entry(name).or_default().push(rhs);
        }
    };
    for line in text.lines() {
        let code = line.split(';').next().unwrap_or("");
        let indent = line.len() - line.trim_start().len();
        let definition = ["::=", "=/", "="].iter().find_map(|op| {
            let (name, rhs) = code.split_once(op)?;
            let name = name.trim();
            let ok = !name.is_empty()
                && name
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
                && name.chars().next().is_some_and(|c| c.is_ascii_alphabetic());
            ok.then(|| {
                (
                    name.replace('_', "-").to_ascii_lowercase(),
                    rhs.trim().to_owned(),
                )
            })
        });
        match definition {
            Some((name, rhs)) if indent <= 10 => {
                flush(&mut current);
                current = Some((name, rhs, indent));
            }
            _ => match &mut current {
                Some((_, rhs, start)) if indent > *start && !code.trim().is_empty() => {
                    rhs.push(' ');
                    rhs.push_str(code.trim());
                }
                Some(_) if code.trim().is_empty() => {}
                _ => flush(&mut current),
            },
        }
    }
    flush(&mut current);
    rules
}

/// ABNF rule names to the right-hand sides of their definitions.
type Rules = BTreeMap<String, Vec<String>>;

/// The ABNF of each RFC kept in `rfc/`, read once.
fn rfc_abnf(number: u32) -> &'static Rules {
    static CACHE: OnceLock<Mutex<BTreeMap<u32, &'static Rules>>> = OnceLock::new();
    let mut cache = CACHE.get_or_init(Default::default).lock().unwrap();
    cache.entry(number).or_insert_with(|| {
        Box::leak(Box::new(
            rfc_text(number).map_or_else(BTreeMap::new, |t| abnf(&t)),
        ))
    })
}

/// The RFCs whose grammar speaks about an entry: RFC 3501, RFC 9051 and those it cites.
fn grammar_of(entry: &Entry) -> BTreeMap<String, Vec<String>> {
    let mut numbers: BTreeSet<u32> = [3501, 9051].into();
    numbers.extend(
        entry
            .rfc
            .iter()
            .filter_map(|r| reference(r).map(|(n, _)| n)),
    );
    let mut rules: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for n in numbers {
        for (name, rhs) in rfc_abnf(n) {
            rules
                .entry(name.clone())
                .or_default()
                .extend(rhs.iter().cloned());
        }
    }
    rules
}

fn words(rhs: &str) -> BTreeSet<String> {
    rhs.split(|c: char| !(c.is_ascii_alphanumeric() || c == '-' || c == '_' || c == '"'))
        .filter(|w| !w.is_empty())
        .map(|w| w.replace('_', "-").to_ascii_lowercase())
        .collect()
}

/// The states the ABNF gives a command: the `command-*` rules that name it, directly
/// (`"CAPABILITY"`) or through its own rule (`select = "SELECT" ...`).
fn abnf_states(name: &str, rules: &BTreeMap<String, Vec<String>>) -> BTreeSet<&'static str> {
    let quoted = format!("\"{}\"", name.to_ascii_lowercase());
    let mut tokens: BTreeSet<String> = [quoted.clone()].into();
    for (rule, rhs) in rules {
        if rhs
            .iter()
            .any(|r| r.to_ascii_lowercase().starts_with(&quoted))
        {
            tokens.insert(rule.clone());
        }
    }
    let classes: [(&str, &[&'static str]); 4] = [
        (
            "command-any",
            &["not-authenticated", "authenticated", "selected"],
        ),
        ("command-auth", &["authenticated", "selected"]),
        ("command-nonauth", &["not-authenticated"]),
        ("command-select", &["selected"]),
    ];
    let mut states = BTreeSet::new();
    for (class, class_states) in classes {
        let named = rules
            .get(class)
            .into_iter()
            .flatten()
            .any(|rhs| !words(rhs).is_disjoint(&tokens));
        if named {
            states.extend(class_states.iter().copied());
        }
    }
    states
}

/// An example that ends by announcing a literal (`APPEND Sent {310}`), with its bytes.
fn with_literal(example: &str) -> Vec<u8> {
    let size = example
        .strip_suffix('}')
        .and_then(|s| s.rsplit_once('{'))
        .and_then(|(_, n)| n.trim_end_matches('+').parse::<usize>().ok());
    let mut bytes = example.as_bytes().to_vec();
    if let Some(size) = size {
        bytes.extend_from_slice(b"\r\n");
        bytes.extend(std::iter::repeat_n(b'x', size));
    }
    bytes
}

fn entry_states(entry: &Entry) -> BTreeSet<&'static str> {
    entry
        .states
        .iter()
        .flat_map(|s| match s {
            State::Any => vec!["not-authenticated", "authenticated", "selected"],
            other => vec![other.as_str()],
        })
        .collect()
}

fn grammar_states(states: &[GrammarState]) -> BTreeSet<&'static str> {
    states
        .iter()
        .map(|s| match s {
            GrammarState::NotAuthenticated => "not-authenticated",
            GrammarState::Authenticated => "authenticated",
            GrammarState::Selected => "selected",
            GrammarState::Logout => "logout",
        })
        .collect()
}

/// Where an RFC's prose narrows what its own ABNF allows: (command, RFC, the sentence).
const PROSE_NARROWS_ABNF: &[(&str, u32, &str)] = &[
    (
        "ENABLE",
        5161,
        "The ENABLE command is only valid in the authenticated state",
    ),
    (
        "STARTTLS",
        2595,
        "The STARTTLS command is only valid in non-authenticated state",
    ),
];

/// Commands whose RFC's ABNF puts them in no state (`command-auth =/ ...` is missing).
const NO_STATE_IN_ABNF: &[&str] = &["GETQUOTA", "GETQUOTAROOT", "SETQUOTA", "XLIST"];

/// Where an RFC's ABNF names no state for a command and its prose makes it a variant of
/// another: (command, RFC, the sentence, the command whose states it takes).
const PROSE_VARIANT_OF: &[(&str, u32, &str, &str)] = &[
    (
        "SORT",
        5256,
        "The SORT command is a variant of SEARCH",
        "SEARCH",
    ),
    (
        "THREAD",
        5256,
        "The THREAD command is a variant of SEARCH",
        "SEARCH",
    ),
];

#[test]
fn command_states_match_the_grammar_and_the_rfc_abnf() {
    let mut problems = Vec::new();
    let mut checked = 0;
    for entry in knowledge::entries(Kind::Command) {
        let wanted = entry_states(entry);
        // The grammar's table, through the entry's own example.
        let example = entry.example.as_deref().unwrap_or("");
        let parsed = parse_command(&with_literal(example));
        let errors: Vec<&str> = parsed
            .diagnostics
            .iter()
            .filter(|d| d.severity == imap_tutor::grammar::Severity::Error)
            .map(|d| d.message.as_str())
            .collect();
        let (base, uid) = match entry.name.strip_prefix("UID ") {
            Some(base) => (base, true),
            None => (entry.name.as_str(), false),
        };
        let named = parsed.name == Some(base) || (entry.name == "UID" && parsed.name.is_some());
        let uid = uid || entry.name == "UID";
        if !errors.is_empty() || !named || parsed.uid != uid {
            problems.push(format!(
                "{}: the example {example:?} is not a valid {} line: {errors:?}",
                entry.name, entry.name
            ));
            continue;
        }
        if let Some(command) = &parsed.command {
            let grammar = grammar_states(command.body.valid_in());
            if grammar != wanted {
                problems.push(format!(
                    "{}: the entry says {wanted:?}, the grammar's valid_in {grammar:?}",
                    entry.name
                ));
            }
        }
        // The RFC's ABNF (UID commands are the `uid` rule's).
        let rules = grammar_of(entry);
        let abnf_name = if uid { "UID" } else { base };
        let mut from_abnf = abnf_states(abnf_name, &rules);
        if let Some((_, rfc, sentence, of)) = PROSE_VARIANT_OF.iter().find(|v| v.0 == base) {
            let text = rfc_text(*rfc).unwrap_or_default().replace('\n', " ");
            let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
            if from_abnf.is_empty() && text.contains(sentence) {
                from_abnf = abnf_states(of, &rules);
            }
        }
        let narrowed = PROSE_NARROWS_ABNF.iter().find(|(n, _, _)| *n == entry.name);
        match narrowed {
            Some((_, rfc, sentence)) => {
                let text = rfc_text(*rfc).unwrap_or_default().replace('\n', " ");
                let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
                if !text.contains(sentence) || !wanted.is_subset(&from_abnf) {
                    problems.push(format!(
                        "{}: RFC {rfc} no longer says {sentence:?}, or {wanted:?} is not within {from_abnf:?}",
                        entry.name
                    ));
                }
            }
            // RFC 9208's commands are bare rules that extend no state, and XLIST is in
            // no RFC: the entry's states are then the grammar's, checked above.
            None if from_abnf.is_empty() && NO_STATE_IN_ABNF.contains(&entry.name.as_str()) => {}
            None if from_abnf != wanted => problems.push(format!(
                "{}: the entry says {wanted:?}, the ABNF of its RFCs {from_abnf:?}",
                entry.name
            )),
            None => {}
        }
        checked += 1;
    }
    assert!(checked >= 30, "only {checked} commands checked");
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn syntax_lines_name_real_abnf_rules() {
    let mut problems = Vec::new();
    for entry in knowledge::entries(Kind::Command) {
        let rules = grammar_of(entry);
        let syntax = entry.syntax.as_deref().unwrap_or("");
        for word in syntax.split(|c: char| !(c.is_ascii_alphanumeric() || c == '-' || c == '"')) {
            let is_rule = !word.is_empty()
                && !word.starts_with('"')
                && word.chars().any(|c| c.is_ascii_lowercase())
                && word
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
            if is_rule && !rules.contains_key(word) {
                problems.push(format!(
                    "{}: `{word}` in {syntax:?} is no ABNF rule of RFC 3501, RFC 9051 or the RFCs it cites",
                    entry.name
                ));
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// The text of section `section` of an RFC, its subsections included: from its heading
/// to the next heading that is not below it.
fn section_text(text: &str, section: &str) -> Option<String> {
    let appendix = section.len() == 1 && section.as_bytes()[0].is_ascii_uppercase();
    // The section number a heading line starts with, if it is one.
    let number_of = |line: &str| -> Option<String> {
        if let Some(rest) = line.strip_prefix("Appendix ") {
            return rest.split_once('.').map(|(n, _)| n.to_owned());
        }
        let (n, rest) = line.split_once(' ')?;
        let n = n.trim_end_matches('.');
        let numeric = !n.is_empty()
            && n.split('.').enumerate().all(|(i, p)| {
                !p.is_empty()
                    && (p.chars().all(|c| c.is_ascii_digit())
                        || (i == 0 && p.len() == 1 && p.as_bytes()[0].is_ascii_uppercase()))
            });
        (numeric && !rest.trim().is_empty()).then(|| n.to_owned())
    };
    let lines: Vec<&str> = text.lines().collect();
    let start = lines.iter().position(|l| {
        if appendix {
            l.starts_with(&format!("Appendix {section}."))
        } else {
            number_of(l).as_deref() == Some(section)
        }
    })?;
    let below = format!("{section}.");
    let end = lines[start + 1..]
        .iter()
        .position(|l| number_of(l).is_some_and(|n| !n.starts_with(&below)))
        .map_or(lines.len(), |e| start + 1 + e);
    Some(lines[start..end].join("\n"))
}

/// The words by which a section would name an entry: `\Seen` for a flag, `BODY[]` as
/// BODY, `AUTH=PLAIN` as AUTH=, `UID EXPUNGE` as EXPUNGE.
fn mentions(section: &str, kind: Kind, name: &str) -> bool {
    let section = section.to_ascii_lowercase();
    let name = name.to_ascii_lowercase();
    let mut forms = vec![name.clone()];
    match kind {
        Kind::FetchItem => forms.push(name.split('[').next().unwrap_or(&name).to_owned()),
        Kind::Capability => {
            // AUTH=PLAIN as PLAIN, THREAD=REFERENCES as REFERENCES, STATUS=SIZE as
            // "STATUS SIZE" (RFC 9051 Appendix E's words).
            forms.push(name.replace('=', " "));
            if let Some((family, value)) = name.split_once('=') {
                forms.push(format!("{family}="));
                forms.push(value.to_owned());
            }
        }
        Kind::Command => forms.push(name.rsplit(' ').next().unwrap_or(&name).to_owned()),
        _ => {}
    }
    forms
        .iter()
        .any(|f| !f.is_empty() && section.contains(f.as_str()))
}

/// Names Dovecot uses that no RFC defines (capabilities from Internet-Drafts, vendor
/// items); their entries cite the RFC they became, or the one they stand beside, and
/// say so.
const NOT_IN_ANY_RFC: &[&str] = &[
    "SNIPPET=FUZZY",
    "PREVIEW=FUZZY",
    // The FETCH item of the draft that became RFC 8970's PREVIEW.
    "SNIPPET",
    "THREAD=REFS",
    "AUTH=LOGIN",
    // Dovecot's STATUS item for SIZE before RFC 8438 named it.
    "X-SIZE",
    // Gmail's capability, FETCH items and SEARCH keys (Google's "IMAP Extensions" page).
    "X-GM-EXT-1",
    "X-GM-MSGID",
    "X-GM-THRID",
    "X-GM-LABELS",
    "X-GM-RAW",
    // Gmail's LIST with special-use attributes, before RFC 6154.
    "XLIST",
];

#[test]
fn every_cited_section_mentions_what_it_is_cited_for() {
    let mut texts: BTreeMap<u32, Option<String>> = BTreeMap::new();
    let mut problems = Vec::new();
    let mut checked = 0;
    for kind in Kind::ALL {
        if kind == Kind::Concept {
            continue; // concepts are ideas, named in their own words
        }
        for entry in knowledge::entries(kind) {
            if NOT_IN_ANY_RFC.contains(&entry.name.as_str()) {
                if !entry.details.to_lowercase().contains("not in any rfc") {
                    problems.push(format!(
                        "{} {}: say \"not in any RFC\"",
                        kind.label(),
                        entry.name
                    ));
                }
                continue;
            }
            for r in &entry.rfc {
                let Some((number, Some(section))) = reference(r) else {
                    continue;
                };
                let Some(text) = texts.entry(number).or_insert_with(|| rfc_text(number)) else {
                    continue;
                };
                let Some(body) = section_text(text, section) else {
                    continue; // knowledge::tests checks that the heading exists
                };
                checked += 1;
                // A capability is cited for the feature it names: the section describes
                // the feature, and the RFC defines the capability (RFC 9051 folds some in,
                // Appendix E says which).
                let capability_rfc = kind == Kind::Capability
                    && (mentions(text, kind, &entry.name)
                        || (number == 9051
                            && section_text(text, "E")
                                .is_some_and(|e| mentions(&e, kind, &entry.name))));
                if !mentions(&body, kind, &entry.name) && !capability_rfc {
                    problems.push(format!(
                        "{} {}: {r} does not mention {}",
                        kind.label(),
                        entry.name,
                        entry.name
                    ));
                }
            }
        }
    }
    assert!(checked > 300, "only {checked} references checked");
    assert!(
        problems.is_empty(),
        "{} references:\n{}",
        problems.len(),
        problems.join("\n")
    );
}

#[test]
fn the_abnf_reader_reads_both_notations() {
    let text = "   command-auth    = append / create /\n                     idle\n                       ; comment\n\n   command_any ::= \"CAPABILITY\" / id\n   command-auth =/ compress\n";
    let rules = abnf(text);
    assert_eq!(rules["command-auth"].len(), 2);
    assert!(words(&rules["command-auth"][0]).contains("idle"));
    assert!(words(&rules["command-any"][0]).contains("id"));
    let states = abnf_states("COMPRESS", &{
        let mut r = rules.clone();
        r.insert("compress".into(), vec!["\"COMPRESS\" SP algorithm".into()]);
        r
    });
    assert_eq!(states, ["authenticated", "selected"].into());
}

/// RFCs kept in `rfc/` that are not IMAP extensions (MIME, mail format, SASL
/// mechanisms, collations): their grammar defines no IMAP item.
const NOT_IMAP: &[u32] = &[2045, 4616, 4790, 5051, 5322];

/// The quoted tokens of an RFC's ABNF, upper case: what its grammar defines.
fn quoted_tokens(number: u32) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    for rhs in rfc_abnf(number).values().flatten() {
        for (i, part) in rhs.split('"').enumerate() {
            if i % 2 == 1 && !part.is_empty() && !part.contains(' ') {
                out.insert(part.to_ascii_uppercase());
            }
        }
    }
    out
}

/// The IMAP extensions kept in `rfc/`: every RFC there but the two bases and NOT_IMAP.
fn extension_rfcs() -> Vec<u32> {
    let folder = Path::new(env!("CARGO_MANIFEST_DIR")).join("rfc");
    let mut out: Vec<u32> = std::fs::read_dir(folder)
        .unwrap()
        .flatten()
        .filter_map(|e| {
            let name = e.file_name().into_string().ok()?;
            name.strip_prefix("rfc")?.strip_suffix(".txt")?.parse().ok()
        })
        .filter(|n| ![3501, 9051].contains(n) && !NOT_IMAP.contains(n))
        .collect();
    out.sort();
    out
}

fn is_base(reference: &str) -> bool {
    reference.starts_with("RFC 3501") || reference.starts_with("RFC 9051")
}

/// Issue 12 item 10's rule, over the whole knowledge base: what an extension adds to
/// IMAP4rev1 (its grammar defines it, RFC 3501's does not) cites the extension's own
/// section first, then the base sections; RFC 9051 folding it in does not make the base
/// the specific section. A template that cites an extension cites it first too.
#[test]
fn what_an_extension_defines_cites_the_extension_first() {
    let rev1 = quoted_tokens(3501);
    let extensions: Vec<(u32, BTreeSet<String>)> = extension_rfcs()
        .into_iter()
        .map(|n| (n, &quoted_tokens(n) - &rev1))
        .collect();
    assert!(extensions.len() >= 30, "{} extensions", extensions.len());
    let mut problems = Vec::new();
    let mut checked = 0;
    for kind in Kind::ALL {
        if kind == Kind::Concept {
            continue; // ideas, not grammar tokens
        }
        for entry in knowledge::entries(kind) {
            let name = entry.name.to_ascii_uppercase();
            let defined_by: Vec<u32> = extensions
                .iter()
                .filter(|(_, tokens)| tokens.contains(&name))
                .map(|(n, _)| *n)
                .collect();
            if defined_by.is_empty() {
                continue;
            }
            checked += 1;
            if entry.rfc.first().is_none_or(|r| is_base(r)) {
                problems.push(format!(
                    "{} {}: RFC {defined_by:?} defines it, but {:?} cites the base first",
                    kind.label(),
                    entry.name,
                    entry.rfc
                ));
            }
        }
    }
    for phrase in knowledge::phrases::all() {
        let extension = phrase.rfc.iter().any(|r| !is_base(r));
        if extension && phrase.rfc.first().is_some_and(|r| is_base(r)) {
            problems.push(format!(
                "template {}: {:?} cites an extension, but the base first",
                phrase.key, phrase.rfc
            ));
        }
    }
    assert!(checked >= 40, "only {checked} extension items checked");
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}
