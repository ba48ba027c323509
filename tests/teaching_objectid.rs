//! What the tutor says about OBJECTID (RFC 8474): the RFC's own examples
//! (`tests/data/rfc-examples/rfc8474.txt`) explained line by line, with no line the tutor
//! cannot read, no "(an extension item)" or bare "response code MAILBOXID", and every
//! section it cites a real heading of the RFC text in `rfc/`. Then what each line says,
//! against the section it comes from, and what it says of Dovecot 2.3.19, which does not
//! implement OBJECTID (asked in the lab: no OBJECTID in its CAPABILITY, BAD to STATUS
//! (MAILBOXID), FETCH EMAILID and SEARCH EMAILID).

mod teaching_support;

use imap_tutor::explain::Annotation;
use imap_tutor::grammar::Severity;
use imap_tutor::knowledge::{self, Kind};
use teaching_support::{folded, line, session};

const EXAMPLES: &str = include_str!("data/rfc-examples/rfc8474.txt");

/// What the learner reads about one annotation, whitespace folded.
fn shown(a: &Annotation) -> String {
    folded(&teaching_support::shown(a))
}

/// The RFC's examples as `C: `/`S: ` lines, by number, without those whose APPEND
/// literal the RFC elides (examples 5 to 7: the bytes are not in the RFC).
fn examples() -> Vec<(String, Vec<String>)> {
    let mut out: Vec<(String, Vec<String>)> = Vec::new();
    for text in EXAMPLES.lines() {
        if let Some(rest) = text.strip_prefix("# example ") {
            let number = rest.split_whitespace().next().unwrap_or_default();
            out.push((number.to_owned(), Vec::new()));
        } else if text.starts_with("C: ") || text.starts_with("S: ") {
            out.last_mut()
                .expect("a line before any example")
                .1
                .push(text.to_owned());
        }
    }
    out.retain(|(_, lines)| !lines.iter().any(|l| l.ends_with('}')));
    out
}

/// Explains one example after a login, with OBJECTID and LIST-STATUS advertised.
fn explain(lines: &[String]) -> Vec<Annotation> {
    let mut all = vec![
        "S: * CAPABILITY IMAP4rev1 OBJECTID LIST-STATUS MOVE UIDPLUS".to_owned(),
        "C: a1 LOGIN fred secret".to_owned(),
        "S: a1 OK Logged in".to_owned(),
        "C: a2 SELECT INBOX".to_owned(),
        "S: * 3 EXISTS".to_owned(),
        "S: a2 OK [READ-WRITE] Select completed".to_owned(),
    ];
    all.extend_from_slice(lines);
    let refs: Vec<&str> = all.iter().map(String::as_str).collect();
    session(&refs)
}

/// True if `rfc/rfcN.txt` has a heading for `section` ("4.1", "E"): an unindented line
/// that starts with the number, with or without a dot after it (`7.2.4   STATUS
/// Response`, `4.1.  New Response Code`), then a title; or `Appendix E.`.
fn heading_exists(number: &str, section: &str) -> bool {
    let path = format!("{}/rfc/rfc{number}.txt", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    let appendix = format!("Appendix {section}.");
    text.lines().any(|l| {
        l.starts_with(&appendix)
            || l.split_once(' ').is_some_and(|(n, title)| {
                n.trim_end_matches('.') == section && !title.trim().is_empty()
            })
    })
}

/// The citations of `a` that name no heading of an RFC present in `rfc/`.
fn missing_sections(a: &Annotation) -> Vec<String> {
    a.rfc
        .iter()
        .filter(|r| {
            let Some((number, section)) = r.strip_prefix("RFC ").and_then(|r| r.split_once(" §"))
            else {
                return false;
            };
            let present = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
                .join(format!("rfc/rfc{number}.txt"))
                .exists();
            present && !heading_exists(number, section)
        })
        .cloned()
        .collect()
}

#[test]
fn every_line_of_the_rfc_examples_is_explained_and_cites_real_sections() {
    let examples = examples();
    // 13 examples in the RFC; 5, 6 and 7 elide their APPEND literal.
    assert_eq!(examples.len(), 10, "{examples:?}");
    let mut problems = Vec::new();
    let mut checked = 0;
    for (number, lines) in &examples {
        for a in explain(lines) {
            checked += 1;
            let text = shown(&a);
            let mut say = |what: String| problems.push(format!("example {number}: {what}"));
            if a.is_unknown() {
                say(format!("{:?} is not explained", a.display));
            }
            for d in &a.diagnostics {
                let unread = matches!(
                    d.code,
                    "unknown-code" | "unknown-fetch-item" | "non-numeric-status-item"
                );
                if unread || d.severity == Severity::Error {
                    say(format!("{:?}: {} {}", a.display, d.code, d.message));
                }
            }
            for vague in ["(an extension item)", "response code MAILBOXID"] {
                if text.contains(vague) {
                    say(format!("{:?} says only {vague:?}: {text}", a.display));
                }
            }
            for r in missing_sections(&a) {
                say(format!("{:?} cites {r}, no heading in rfc/", a.display));
            }
        }
    }
    assert!(checked > 60, "only {checked} lines");
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// The lines of example `number`, explained.
fn example(number: &str) -> Vec<Annotation> {
    let (_, lines) = examples()
        .into_iter()
        .find(|(n, _)| n == number)
        .unwrap_or_else(|| panic!("no example {number}"));
    explain(&lines)
}

#[test]
fn mailboxid_on_create_and_select_is_the_mailboxs_permanent_id() {
    // RFC 8474 §4.1 (CREATE's tagged OK) and §4.2 (SELECT's untagged OK); §4: the same
    // MAILBOXID after a RENAME that keeps the messages, INBOX's being a new mailbox.
    let out = example("1");
    let create = line(&out, "3 OK [MAILBOXID");
    assert_eq!(
        create.rfc.first().map(String::as_str),
        Some("RFC 8474 §4.1")
    );
    let text = shown(create);
    assert!(
        text.contains("MAILBOXID is F2212ea87-6097-4256-9d51-71338625"),
        "{text}"
    );
    assert!(text.contains("renamed"), "{text}");
    assert!(text.contains("INBOX"), "{text}");
    let out = example("2");
    let select = shown(line(&out, "* OK [MAILBOXID"));
    assert!(select.contains("MAILBOXID is F2212ea87"), "{select}");
}

#[test]
fn status_mailboxid_is_read_not_skipped() {
    // RFC 8474 §4.3: `MAILBOXID (objectid)` in STATUS, here through LIST-STATUS too.
    for (number, display) in [("3", "* STATUS renamed"), ("4", "* STATUS INBOX")] {
        let out = example(number);
        let status = line(&out, display);
        let text = shown(status);
        assert!(text.contains("MAILBOXID F"), "{text}");
        assert!(!text.contains("no counter"), "{text}");
        assert!(
            status.rfc.iter().any(|r| r == "RFC 8474 §4.3"),
            "{:?}",
            status.rfc
        );
    }
}

#[test]
fn emailid_and_threadid_say_what_the_rfc_promises() {
    // RFC 8474 §5.1: EMAILID is immutable, and COPY or MOVE keep it for the destination
    // message; §5.2: THREADID is shared by related messages, NIL if the server computes
    // no threads, and then SEARCH THREADID matches nothing.
    let out = example("8");
    let request = shown(line(&out, "22 fetch"));
    assert!(
        request.contains("EMAILID (the permanent identifier"),
        "{request}"
    );
    let data = line(&out, "* 2 FETCH");
    let text = shown(data);
    assert!(text.contains("EMAILID M288836c4c7a762"), "{text}");
    assert!(text.contains("COPY or MOVE keeps it"), "{text}");
    assert!(text.contains("THREADID T64b478a75b7ea9"), "{text}");
    assert_eq!(data.rfc.first().map(String::as_str), Some("RFC 8474 §5.1"));
    let out = example("12");
    let nil = shown(line(&out, "* 1 FETCH"));
    assert!(
        nil.contains("THREADID NIL: the server computes no threads"),
        "{nil}"
    );
    assert!(nil.contains("SEARCH THREADID matches none"), "{nil}");
}

#[test]
fn search_by_emailid_and_threadid_cites_section_6() {
    // RFC 8474 §6: `"EMAILID" SP objectid`, `"THREADID" SP objectid`, exact matches.
    let out = example("13");
    for (display, key) in [
        (
            "27 search",
            "EMAILID M6d99ac3275bb4e: the messages whose EMAILID is exactly",
        ),
        (
            "28 search",
            "THREADID T64b478a75b7ea9: the messages whose THREADID is exactly",
        ),
    ] {
        let a = line(&out, display);
        assert_eq!(a.rfc.first().map(String::as_str), Some("RFC 8474 §6"));
        let text = shown(a);
        assert!(text.contains(key), "{text}");
    }
}

#[test]
fn the_tutor_never_says_dovecot_implements_objectid() {
    // Dovecot 2.3.19, asked in the lab: its CAPABILITY has no OBJECTID, and it answers
    // `BAD Error in IMAP command STATUS: Invalid status item MAILBOXID`, `BAD ... FETCH:
    // Unknown parameter: EMAILID`, `BAD ... SEARCH: Unknown argument EMAILID`.
    let entries = [
        (Kind::Capability, "OBJECTID"),
        (Kind::ResponseCode, "MAILBOXID"),
        (Kind::StatusItem, "MAILBOXID"),
        (Kind::FetchItem, "EMAILID"),
        (Kind::FetchItem, "THREADID"),
        (Kind::SearchKey, "EMAILID"),
        (Kind::SearchKey, "THREADID"),
    ];
    for (kind, name) in entries {
        let e = knowledge::lookup(kind, name)
            .unwrap_or_else(|| panic!("no {} entry {name}", kind.label()));
        let text = folded(&e.details);
        assert!(
            text.contains("Dovecot 2.3.19 does not"),
            "{} {name}: {text}",
            kind.label()
        );
        assert!(
            e.rfc.iter().all(|r| r.starts_with("RFC 8474 §")),
            "{} {name}: {:?}",
            kind.label(),
            e.rfc
        );
    }
}
