//! The explainer on two sessions played against the mock (issue 9): SORT and THREAD,
//! and ESEARCH with CONTEXT=SEARCH's live updates. Each session is sent to
//! `imap-tutor serve --fixture scenarios/fixtures/dovecot-lab.yaml` (reader's INBOX: threads by References and
//! In-Reply-To, Re:/Fwd: prefixes, non-ASCII subjects), the bytes both ways are fed to
//! the explainer, and the plain-text explanation is the snapshot a learner would read.
//!
//! Besides the snapshot: no line is unknown to the explainer, none gets an error
//! finding, and every RFC section it cites is a heading of that RFC in `rfc/`.

mod support;

use std::path::Path;

use imap_tutor::explain::{Annotation, Explainer, Options};
use imap_tutor::grammar::Severity;
use imap_tutor::render::{write_annotations, Format, TextStyle};
use imap_tutor::wire::Direction;
use support::{repo, Imap, MockServer};

/// Sends each command of `session` on `imap` (a line of `other:` goes to `other`
/// instead, unexplained: the second session whose changes the first is told of) and
/// returns the explanation of what the first session sent and received.
fn play(imap: &mut Imap, other: &mut Imap, session: &[&str]) -> Vec<Annotation> {
    let mut explainer = Explainer::new(Options::default());
    let mut out = explainer.feed(Direction::Server, imap.greeting.as_bytes());
    for line in session {
        if let Some(line) = line.strip_prefix("other: ") {
            other.ok(line);
            continue;
        }
        out.extend(explainer.feed(Direction::Client, format!("{line}\r\n").as_bytes()));
        let reply = imap.command(line);
        out.extend(explainer.feed(Direction::Server, reply.as_bytes()));
    }
    out.extend(explainer.finish());
    out
}

/// The mock with the world the differential batteries use.
fn lab_mock() -> MockServer {
    let fixture = repo().join("scenarios/fixtures/dovecot-lab.yaml");
    MockServer::start(&fixture.to_string_lossy())
}

fn render(annotations: &[Annotation]) -> String {
    let mut out = Vec::new();
    let style = TextStyle {
        color: false,
        width: 100,
        full: false,
    };
    write_annotations(&mut out, annotations, Format::Text, style).unwrap();
    String::from_utf8(out).unwrap()
}

/// Does RFC `number` in `rfc/` have a heading for `section` ("6.4.4", or "E" for
/// "Appendix E.")?
fn heading_exists(number: &str, section: &str) -> bool {
    let path = repo().join(format!("rfc/rfc{number}.txt"));
    let Ok(text) = std::fs::read_to_string(&path) else {
        return false;
    };
    text.lines().any(|line| {
        let line = line.strip_prefix("Appendix ").unwrap_or(line);
        line.strip_prefix(section).is_some_and(|rest| {
            let rest = rest.strip_prefix('.').unwrap_or(rest);
            rest.starts_with([' ', '\t']) && !rest.trim().is_empty()
        })
    })
}

/// Every line known, an error found on the commands `refused` names (by tag) and on no
/// other line, every citation ("RFC 5256 §3") a section heading of an RFC in `rfc/`.
fn check(annotations: &[Annotation], refused: &[&str]) {
    assert!(Path::new(&repo().join("rfc/rfc9051.txt")).exists());
    let mut cited = 0;
    for a in annotations.iter().filter(|a| a.direction.is_some()) {
        assert!(
            !a.is_unknown(),
            "unknown line: {:?}: {}",
            a.display,
            a.summary
        );
        let errors: Vec<_> = a
            .diagnostics
            .iter()
            .filter(|d| d.severity == Severity::Error)
            .collect();
        let deliberate = a.direction == Some(Direction::Client)
            && refused.contains(&a.tag.as_deref().unwrap_or(""));
        assert_eq!(
            errors.is_empty(),
            !deliberate,
            "{:?}: {errors:?}",
            a.display
        );
        for citation in &a.rfc {
            let (number, section) = citation
                .strip_prefix("RFC ")
                .and_then(|c| c.split_once(" §"))
                .unwrap_or_else(|| panic!("{:?} cites {citation:?}", a.display));
            assert!(
                heading_exists(number, section),
                "{:?} cites {citation:?}, which rfc/rfc{number}.txt has no heading for",
                a.display
            );
            cited += 1;
        }
    }
    assert!(cited > 20, "only {cited} citations");
}

#[test]
fn a_sort_and_thread_session_is_explained() {
    let server = lab_mock();
    let (mut imap, mut other) = (server.connect(), server.connect());
    other.ok("o1 LOGIN reader reader");
    let annotations = play(
        &mut imap,
        &mut other,
        &[
            "a1 LOGIN reader reader",
            "a2 CAPABILITY",
            "a3 SELECT INBOX",
            "a4 SORT (SUBJECT) UTF-8 1:12",
            "a5 SORT (REVERSE DATE) UTF-8 SEEN",
            "a6 UID SORT (FROM SIZE) UTF-8 UID 1:10",
            "a7 SORT (DISPLAYFROM) UTF-8 1:8",
            "a8 SORT (ARRIVAL) UTF-8 OR FROM alice SUBJECT thread",
            "a9 THREAD REFERENCES UTF-8 1:15",
            "a10 THREAD ORDEREDSUBJECT UTF-8 1:15",
            "a11 UID THREAD REFS UTF-8 UID 1:15",
            "a12 THREAD REFERENCES UTF-8 UNSEEN",
            "a13 SORT RETURN (MIN MAX COUNT) (SUBJECT) UTF-8 ALL",
            "a14 THREAD FOO UTF-8 ALL",
            "a15 LOGOUT",
        ],
    );
    check(&annotations, &[]);
    insta::assert_snapshot!("sort_thread_session", render(&annotations));
}

#[test]
fn an_esearch_and_context_session_is_explained() {
    let server = lab_mock();
    let (mut imap, mut other) = (server.connect(), server.connect());
    other.ok("o1 LOGIN reader reader");
    other.ok("o2 SELECT INBOX");
    let annotations = play(
        &mut imap,
        &mut other,
        &[
            "b1 LOGIN reader reader",
            "b2 SELECT INBOX",
            "b3 SEARCH RETURN (MIN MAX COUNT ALL) SEEN",
            "b4 UID SEARCH RETURN () FLAGGED",
            "b5 SEARCH RETURN (COUNT) DELETED",
            "b6 SEARCH RETURN (PARTIAL 1:5) UNSEEN",
            "b7 SEARCH RETURN (SAVE) FROM alice",
            "b8 FETCH $ (UID FLAGS)",
            "b9 SEARCH RETURN (CONTEXT COUNT) SEEN",
            "b10 SEARCH RETURN (UPDATE) UNSEEN",
            "b11 UID SORT RETURN (UPDATE COUNT) (SUBJECT) UTF-8 FLAGGED",
            "other: o3 STORE 1 -FLAGS (\\Seen)",
            "other: o4 STORE 4 +FLAGS (\\Seen \\Flagged)",
            "b12 NOOP",
            "other: o5 STORE 2 +FLAGS (\\Deleted)",
            "other: o6 EXPUNGE",
            "b13 NOOP",
            "b14 CANCELUPDATE \"b10\" \"b11\"",
            "other: o7 STORE 1 +FLAGS (\\Seen)",
            "b15 NOOP",
            "b16 SEARCH RETURN (PARTIAL 0:5) ALL",
            "b17 SEARCH YOUNGER 600 OLDER 60",
            "b18 LOGOUT",
        ],
    );
    check(&annotations, &["b16"]);
    insta::assert_snapshot!("esearch_context_session", render(&annotations));
}
