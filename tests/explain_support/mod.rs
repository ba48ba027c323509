//! Shared by the explainer's session snapshots (issue 9): a session is played against
//! the mock over TCP, the bytes both ways are fed to the explainer, and the checks
//! every such snapshot makes: no unknown line, errors only where the session means
//! them, and every RFC citation a section heading of an RFC in `rfc/`.

#![allow(dead_code)] // each test file uses a different part

use std::path::Path;

use imap_tutor::explain::{Annotation, Explainer, Options};
use imap_tutor::grammar::Severity;
use imap_tutor::render::{write_annotations, Format, TextStyle};
use imap_tutor::wire::Direction;

use crate::support::{repo, Imap, MockServer};

/// Sends each command of `session` on `imap` and returns the explanation of what that
/// first session sent and received. Besides commands, a line may be:
/// - `other: LINE`: sent on `other` instead, unexplained (the second session whose
///   changes the first is told of), its tagged reply required OK;
/// - `wait: WORD`: read what the server pushes (during IDLE) up to a response that
///   contains WORD, so the explanation does not depend on when it arrived;
/// - `DONE`: ends an IDLE started by `TAG IDLE` (whose `+` is read at once).
pub fn play(imap: &mut Imap, other: &mut Imap, session: &[&str]) -> Vec<Annotation> {
    let mut explainer = Explainer::new(Options::default());
    let mut out = explainer.feed(Direction::Server, imap.greeting.as_bytes());
    let mut idling = None;
    for line in session {
        if let Some(line) = line.strip_prefix("other: ") {
            other.ok(line);
            continue;
        }
        if let Some(word) = line.strip_prefix("wait: ") {
            let pushed = imap.until(|r| String::from_utf8_lossy(r).contains(word));
            out.extend(explainer.feed(Direction::Server, &pushed));
            continue;
        }
        out.extend(explainer.feed(Direction::Client, format!("{line}\r\n").as_bytes()));
        let reply = if line.ends_with(" IDLE") {
            imap.send(format!("{line}\r\n").as_bytes());
            idling = line.split(' ').next();
            imap.until(|r| r.starts_with(b"+"))
        } else if *line == "DONE" {
            imap.send(b"DONE\r\n");
            imap.until_tagged(idling.take().expect("DONE without IDLE"))
        } else {
            imap.command(line).into_bytes()
        };
        out.extend(explainer.feed(Direction::Server, &reply));
    }
    out.extend(explainer.finish());
    out
}

/// The explanation of a session written out line by line (each gets its CRLF): for
/// what no fixture answers, a server's side taken from an RFC or a vendor's examples.
pub fn explain_lines(session: &[(Direction, &str)]) -> Vec<Annotation> {
    let mut explainer = Explainer::new(Options::default());
    let mut annotations = Vec::new();
    for (direction, line) in session {
        annotations.extend(explainer.feed(*direction, format!("{line}\r\n").as_bytes()));
    }
    annotations.extend(explainer.finish());
    annotations
}

/// The annotation of the first line that starts with `start`.
pub fn line<'a>(annotations: &'a [Annotation], start: &str) -> &'a Annotation {
    annotations
        .iter()
        .find(|a| a.display.starts_with(start))
        .unwrap_or_else(|| panic!("no line {start:?}"))
}

/// The mock with the fixture `scenarios/fixtures/{name}.yaml`.
pub fn mock(name: &str) -> MockServer {
    let file = repo().join(format!("scenarios/fixtures/{name}.yaml"));
    MockServer::start(&file.to_string_lossy())
}

/// The plain text a learner reads, 100 columns wide.
pub fn render(annotations: &[Annotation]) -> String {
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
pub fn heading_exists(number: &str, section: &str) -> bool {
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
/// other line, every citation ("RFC 5256 §3") a section heading of an RFC in `rfc/`,
/// or a bare "RFC 9586" for one not kept there.
/// Returns the sections cited, for a test to check those its session is about.
pub fn check(annotations: &[Annotation], refused: &[&str]) -> Vec<String> {
    assert!(Path::new(&repo().join("rfc/rfc9051.txt")).exists());
    let mut cited = Vec::new();
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
            // An RFC not kept in `rfc/` (RFC 9586) is cited by number alone, as the
            // knowledge base allows: there is no heading to check.
            let bare = citation.strip_prefix("RFC ").filter(|n| {
                n.bytes().all(|b| b.is_ascii_digit())
                    && !repo().join(format!("rfc/rfc{n}.txt")).exists()
            });
            if bare.is_some() {
                cited.push(citation.clone());
                continue;
            }
            let (number, section) = citation
                .strip_prefix("RFC ")
                .and_then(|c| c.split_once(" §"))
                .unwrap_or_else(|| panic!("{:?} cites {citation:?}", a.display));
            assert!(
                heading_exists(number, section),
                "{:?} cites {citation:?}, which rfc/rfc{number}.txt has no heading for",
                a.display
            );
            cited.push(citation.clone());
        }
    }
    assert!(cited.len() > 20, "only {} citations", cited.len());
    cited
}
