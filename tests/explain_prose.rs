//! Every sentence the explainer shows comes from the reviewed knowledge base: the string
//! literals of `src/explain/*.rs` (outside their unit tests) may be template keys of
//! `src/knowledge/data/phrases.yaml`, names of knowledge entries, diagnostic codes, ABNF
//! rule names from RFC 9051, or protocol text (upper-case words, flags, punctuation),
//! but never a word of English. And every `say!` names a template that exists, with
//! exactly the slots that template uses.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use imap_tutor::knowledge::{self, phrases, Kind};

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// The Rust files under `dir`, subfolders included (a module split into a folder stays
/// under the check).
fn rust_files(dir: &str) -> Vec<PathBuf> {
    fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
        for e in std::fs::read_dir(dir).unwrap().flatten() {
            let p = e.path();
            if p.is_dir() {
                walk(&p, out);
            } else if p.extension().is_some_and(|x| x == "rs") {
                out.push(p);
            }
        }
    }
    let mut files = Vec::new();
    walk(&root().join(dir), &mut files);
    files.sort();
    files
}

fn explain_files() -> Vec<PathBuf> {
    rust_files("src/explain")
}

/// Every file that fills templates: the explainer, the lesson screen's sentence for a
/// wrong answer, the readers' notes on what they assumed, and the text renderer's labels.
fn template_users() -> Vec<PathBuf> {
    let mut files = explain_files();
    files.extend(rust_files("src/lesson"));
    files.extend(rust_files("src/transcript"));
    files.extend(rust_files("src/render"));
    files
}

/// A string literal found in Rust source, with the line it starts on.
struct Literal {
    line: usize,
    text: String,
}

/// The string literals of `source` before its `#[cfg(test)]` module, skipping comments
/// and character literals. Raw strings (`r"..."`, `r#"..."#`) are read too.
fn literals(source: &str) -> Vec<Literal> {
    let code = match source.find("#[cfg(test)]") {
        Some(i) => &source[..i],
        None => source,
    };
    let b = code.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    let line_of = |i: usize| code[..i].matches('\n').count() + 1;
    while i < b.len() {
        match b[i] {
            b'/' if b.get(i + 1) == Some(&b'/') => {
                while i < b.len() && b[i] != b'\n' {
                    i += 1;
                }
            }
            b'/' if b.get(i + 1) == Some(&b'*') => {
                i += 2;
                while i + 1 < b.len() && !(b[i] == b'*' && b[i + 1] == b'/') {
                    i += 1;
                }
                i += 2;
            }
            b'\'' => {
                // A char literal ('x', '\n', '\u{..}') or a lifetime ('a).
                if b.get(i + 1) == Some(&b'\\') {
                    i += 2;
                    while i < b.len() && b[i] != b'\'' {
                        i += 1;
                    }
                    i += 1;
                } else if b.get(i + 2) == Some(&b'\'') {
                    i += 3;
                } else {
                    let c = code[i + 1..].chars().next().map_or(1, char::len_utf8);
                    if code[i + 1 + c..].starts_with('\'') {
                        i += 2 + c;
                    } else {
                        i += 1;
                    }
                }
            }
            b'r' if (b.get(i + 1) == Some(&b'"') || b.get(i + 1) == Some(&b'#'))
                && (i == 0 || !(b[i - 1].is_ascii_alphanumeric() || b[i - 1] == b'_')) =>
            {
                let mut j = i + 1;
                let mut hashes = 0;
                while b.get(j) == Some(&b'#') {
                    hashes += 1;
                    j += 1;
                }
                if b.get(j) != Some(&b'"') {
                    i += 1;
                    continue;
                }
                let close = format!("\"{}", "#".repeat(hashes));
                let start = j + 1;
                let end = code[start..].find(&close).map_or(b.len(), |e| start + e);
                out.push(Literal {
                    line: line_of(i),
                    text: code[start..end].to_owned(),
                });
                i = end + close.len();
            }
            b'"' => {
                let start = i + 1;
                let mut j = start;
                while j < b.len() && b[j] != b'"' {
                    if b[j] == b'\\' {
                        j += 1;
                    }
                    j += 1;
                }
                out.push(Literal {
                    line: line_of(i),
                    text: code[start..j.min(b.len())].to_owned(),
                });
                i = j + 1;
            }
            _ => i += 1,
        }
    }
    out
}

/// Words of English in a literal: runs of letters, at least two, all lower case after
/// the first, that are not part of a `{placeholder}`, an escape (`\n`), a flag (`\Seen`,
/// `$Forwarded`) or a mixed token such as `IMAP4rev1`.
fn words(text: &str) -> Vec<String> {
    let mut stripped = String::new();
    let mut depth = 0;
    for c in text.chars() {
        match c {
            '{' => depth += 1,
            '}' if depth > 0 => depth -= 1,
            _ if depth == 0 => stripped.push(c),
            _ => {}
        }
    }
    stripped
        .split(|c: char| !(c.is_alphanumeric() || c == '\\' || c == '$' || c == '.' || c == '-'))
        .flat_map(|token| {
            token
                .split(['.', '-'])
                .map(str::to_owned)
                .collect::<Vec<_>>()
        })
        .filter(|t| {
            let letters = t.chars().all(|c| c.is_ascii_alphabetic());
            let mut chars = t.chars();
            let tail_lower = chars.next().is_some() && chars.all(|c| c.is_ascii_lowercase());
            letters && t.len() >= 2 && tail_lower
        })
        .collect()
}

/// The ABNF rule names RFC 9051 §9 defines (`name = ...` at the start of a line).
fn abnf_rules() -> BTreeSet<String> {
    let text = std::fs::read_to_string(root().join("rfc/rfc9051.txt")).unwrap();
    text.lines()
        .filter_map(|l| {
            let l = l.trim_start();
            let (name, _) = l.split_once(" = ").or_else(|| l.split_once(" =/ "))?;
            let name = name.trim();
            (!name.is_empty() && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '-'))
                .then(|| name.to_owned())
        })
        .collect()
}

fn template_keys() -> BTreeSet<String> {
    phrases::all().iter().map(|p| p.key.clone()).collect()
}

/// Text a server sends that the explainer recognises, quoted from the wire: Dovecot's
/// timing suffix (`Select completed (0.001 + 0.000 secs).`).
const WIRE_TEXT: &[&str] = &[" secs)"];

/// True if `text` may appear in `src/explain` as it is.
fn allowed(text: &str, keys: &BTreeSet<String>, rules: &BTreeSet<String>) -> bool {
    if words(text).is_empty() || WIRE_TEXT.contains(&text) {
        return true;
    }
    // Rust paths in attributes (`Vec::is_empty`, `serialize_escaped`).
    let is_path = (text.contains('_') || text.contains("::"))
        && text
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == ':');
    // Header field names (RFC 5322 §3.6 spells them `"Date:"`).
    let rfc5322 = std::fs::read_to_string(root().join("rfc/rfc5322.txt")).unwrap_or_default();
    let is_field = rfc5322.contains(&format!("\"{text}:\""));
    if is_path || is_field {
        return true;
    }
    let is_key = keys.contains(text)
        || keys.contains(&format!("{text}.one")) && keys.contains(&format!("{text}.other"));
    let is_entry = Kind::ALL.iter().any(|&k| {
        knowledge::entries(k)
            .iter()
            .any(|e| e.name.eq_ignore_ascii_case(text))
    });
    // Diagnostic codes: lower-case words joined by hyphens, never a sentence.
    let is_code = text.contains('-')
        && text
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
    is_key || is_entry || is_code || rules.contains(text)
}

#[test]
fn src_explain_holds_no_prose() {
    let keys = template_keys();
    let rules = abnf_rules();
    assert!(rules.contains("response-tagged") && rules.contains("command"));
    let mut problems = Vec::new();
    let mut seen = 0;
    for file in explain_files() {
        let source = std::fs::read_to_string(&file).unwrap();
        for lit in literals(&source) {
            seen += 1;
            if !allowed(&lit.text, &keys, &rules) {
                problems.push(format!(
                    "{}:{}: \"{}\" is prose: put it in src/knowledge/data/phrases.yaml and use say!(\"key\")",
                    file.strip_prefix(root()).unwrap_or(&file).display(),
                    lit.line,
                    lit.text
                ));
            }
        }
    }
    assert!(
        seen > 100,
        "only {seen} literals found: is the scanner broken?"
    );
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// `say!("key", a = ..., b = ...)` calls: (file, line, key, slot names). Keys given by an
/// expression (`say!(key, ...)`) are skipped here; `every_template_is_used` covers them.
fn say_calls() -> Vec<(String, usize, String, Vec<String>)> {
    let mut out = Vec::new();
    for file in template_users() {
        let source = std::fs::read_to_string(&file).unwrap();
        let code = match source.find("#[cfg(test)]") {
            Some(i) => &source[..i],
            None => &source,
        };
        let mut rest = code;
        let mut offset = 0;
        while let Some(at) = rest.find("say!(") {
            let start = offset + at + 5;
            // The macro's arguments, up to the matching parenthesis.
            let mut depth = 1;
            let mut end = start;
            let mut in_string = false;
            let bytes = code.as_bytes();
            while end < bytes.len() && depth > 0 {
                match bytes[end] {
                    b'\\' if in_string => end += 1,
                    b'"' => in_string = !in_string,
                    b'(' if !in_string => depth += 1,
                    b')' if !in_string => depth -= 1,
                    _ => {}
                }
                end += 1;
            }
            let args = &code[start..end - 1];
            let line = code[..start].matches('\n').count() + 1;
            if let Some(key) = args.trim_start().strip_prefix('"') {
                let key = key.split('"').next().unwrap_or("").to_owned();
                // Top-level `name =` pairs after the key.
                let mut names = Vec::new();
                let mut depth = 0;
                let mut in_string = false;
                let ab = args.as_bytes();
                let mut k = 0;
                while k < ab.len() {
                    match ab[k] {
                        b'\\' if in_string => k += 1,
                        b'"' => in_string = !in_string,
                        b'(' | b'[' | b'{' if !in_string => depth += 1,
                        b')' | b']' | b'}' if !in_string => depth -= 1,
                        b',' if !in_string && depth == 0 => {
                            let after = args[k + 1..].trim_start();
                            if let Some((name, _)) = after.split_once('=') {
                                let name = name.trim();
                                if name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
                                    && !after[name.len()..].trim_start().starts_with("==")
                                {
                                    names.push(name.to_owned());
                                }
                            }
                        }
                        _ => {}
                    }
                    k += 1;
                }
                out.push((
                    file.strip_prefix(root())
                        .unwrap_or(&file)
                        .display()
                        .to_string(),
                    line,
                    key,
                    names,
                ));
            }
            offset = end;
            rest = &code[end..];
        }
    }
    out
}

#[test]
fn every_say_names_a_template_with_its_slots() {
    let mut problems = Vec::new();
    let calls = say_calls();
    assert!(calls.len() > 100, "only {} say! calls found", calls.len());
    for (file, line, key, names) in calls {
        let Some(phrase) = phrases::phrase(&key) else {
            problems.push(format!("{file}:{line}: no template {key:?}"));
            continue;
        };
        // Slot names are Rust identifiers in the call, so templates use `_`, not `-`.
        let wanted: BTreeSet<&str> = phrases::slots(&phrase.text).into_iter().collect();
        let given: BTreeSet<&str> = names.iter().map(String::as_str).collect();
        if wanted != given {
            problems.push(format!(
                "{file}:{line}: {key} uses slots {wanted:?}, the call gives {given:?}"
            ));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn every_template_is_used() {
    // A template is used when its key, or the key it is the .one/.other form of, is a
    // literal in src/explain, src/lesson or the knowledge module (the IMAP4rev2 notes).
    let mut sources = String::new();
    for file in template_users() {
        sources.push_str(&std::fs::read_to_string(file).unwrap());
    }
    sources.push_str(&std::fs::read_to_string(root().join("src/knowledge/mod.rs")).unwrap());
    let unused: Vec<String> = template_keys()
        .into_iter()
        .filter(|key| {
            let base = key
                .strip_suffix(".one")
                .or_else(|| key.strip_suffix(".other"))
                .unwrap_or(key);
            !sources.contains(&format!("\"{key}\"")) && !sources.contains(&format!("\"{base}\""))
        })
        .collect();
    assert!(unused.is_empty(), "templates nothing uses: {unused:?}");
}

#[test]
fn the_scanner_finds_prose_and_lets_protocol_through() {
    let source = r####"
        let a = "opens the mailbox"; // a comment with "quotes"
        let b = 'x'; let c = '"'; fn f<'a>() {}
        let d = "LOGIN"; let e = "\\Seen"; let g = r#"raw text here"#;
        let h = "{} {n}"; let i = "IMAP4rev1";
        #[cfg(test)]
        mod tests { const T: &str = "test prose is fine"; }
    "####;
    let found: Vec<String> = literals(source).into_iter().map(|l| l.text).collect();
    assert_eq!(
        found,
        vec![
            "opens the mailbox",
            "LOGIN",
            "\\\\Seen",
            "raw text here",
            "{} {n}",
            "IMAP4rev1"
        ]
    );
    let keys = template_keys();
    let rules = abnf_rules();
    assert!(!allowed("opens the mailbox", &keys, &rules));
    assert!(!allowed("none", &keys, &rules));
    assert!(allowed("LOGIN", &keys, &rules));
    assert!(allowed("\\Seen", &keys, &rules));
    assert!(allowed("{} {n}", &keys, &rules));
    assert!(allowed("IMAP4rev1", &keys, &rules));
    assert!(allowed("command.select", &keys, &rules));
    assert!(allowed("tag-reused", &keys, &rules));
    assert!(allowed("response-tagged", &keys, &rules));
    assert!(allowed("base64", &keys, &rules));
    assert!(allowed("Subject", &keys, &rules));
    assert!(!allowed("Hello", &keys, &rules));
}

/// Issue 11 and 12: the explainer's state transitions live in `explain/context.rs`
/// (`Context::client_sent` and `Context::server_sent`); the files that write the words
/// only read the context. A `&mut Context`, an assignment to a field of it, or a
/// mutating call on one elsewhere in `src/explain` fails here.
#[test]
fn state_transitions_live_in_context_rs_only() {
    let mut problems = Vec::new();
    for path in explain_files() {
        if path.file_name().is_some_and(|n| n == "context.rs") {
            continue;
        }
        let source = std::fs::read_to_string(&path).unwrap();
        let code = match source.find("#[cfg(test)]") {
            Some(i) => &source[..i],
            None => &source,
        };
        for (i, line) in code.lines().enumerate() {
            let line = line.split("//").next().unwrap_or("");
            let compact: String = line.split_whitespace().collect();
            let assigns = ["ctx.", "self.context."].iter().any(|owner| {
                compact.match_indices(owner).any(|(at, _)| {
                    let rest = &compact[at + owner.len()..];
                    let field: String = rest
                        .chars()
                        .take_while(|c| c.is_alphanumeric() || *c == '_' || *c == '.')
                        .collect();
                    let after = &rest[field.len()..];
                    let mutator = [
                        "insert", "remove", "push", "clear", "extend", "take", "retain",
                    ]
                    .iter()
                    .any(|m| field.ends_with(&format!(".{m}")));
                    (after.starts_with('=') && !after.starts_with("=="))
                        || (mutator && after.starts_with('('))
                })
            });
            if compact.contains("&mutContext") || assigns {
                problems.push(format!("{}:{}: {}", path.display(), i + 1, line.trim()));
            }
        }
    }
    assert!(
        problems.is_empty(),
        "state changes outside explain/context.rs:\n{}",
        problems.join("\n")
    );
}
