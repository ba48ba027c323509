//! `imap-tutor explain` on the first lesson's session: the seed walkthrough.
//!
//! The snapshots are the exact output a learner reads (plain text, and JSON lines for
//! tools); the assertions below pin the explanations issue 2 asks for by name.

use imap_tutor::explain::{Annotation, AnnotationKind, Explainer, Options};
use imap_tutor::render::{write_annotations, Format, TextStyle};

fn explain_file(path: &str) -> Vec<Annotation> {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{path}: {e}"));
    let transcript = imap_tutor::transcript::read(&text).expect("the transcript reads");
    Explainer::explain_transcript(&transcript, Options::default())
}

fn render(annotations: &[Annotation], format: Format) -> String {
    let mut out = Vec::new();
    let style = TextStyle {
        color: false,
        width: 100,
        full: false,
    };
    write_annotations(&mut out, annotations, format, style).unwrap();
    String::from_utf8(out).unwrap()
}

fn summary_of<'a>(annotations: &'a [Annotation], display_prefix: &str) -> &'a str {
    &annotations
        .iter()
        .find(|a| a.display.starts_with(display_prefix))
        .unwrap_or_else(|| panic!("no line starting {display_prefix:?}"))
        .summary
}

#[test]
fn every_line_of_strategos_is_explained() {
    let annotations = explain_file("transcripts/strategos.txt");
    let imap: Vec<&Annotation> = annotations
        .iter()
        .filter(|a| a.direction.is_some())
        .collect();
    assert_eq!(imap.len(), 18, "greeting, 4 commands, 13 responses");
    for a in &imap {
        assert!(!a.is_unknown(), "unexplained: {a:?}");
        assert!(!a.rfc.is_empty(), "no RFC section for {:?}", a.display);
        assert!(
            a.diagnostics.is_empty(),
            "{:?}: {:?}",
            a.display,
            a.diagnostics
        );
    }
    assert_eq!(
        summary_of(&annotations, "B SELECT"),
        "opens INBOX read-write, unless the server answers [READ-ONLY]"
    );
    let select = annotations
        .iter()
        .find(|a| a.display.starts_with("B SELECT"))
        .unwrap();
    assert!(
        select
            .details
            .iter()
            .any(|d| d
                .starts_with("INBOX is the one name that is case-insensitive: inbox names it too")),
        "{:?}",
        select.details
    );
    assert_eq!(
        summary_of(&annotations, "* 4 EXISTS"),
        "INBOX holds 4 messages"
    );
    assert_eq!(
        summary_of(&annotations, "* OK [UNSEEN 2]"),
        "message 2 is the first without \\Seen"
    );
    assert_eq!(
        summary_of(&annotations, "* 3 FETCH"),
        "message 3: 445 bytes follow, the whole message (header and body)"
    );
    assert_eq!(
        summary_of(&annotations, "C OK Fetch completed"),
        "completes the FETCH tagged C; Dovecot appends its timing"
    );
}

#[test]
fn the_password_is_masked_unless_asked() {
    // The file's own comments mention the password; what is masked is the protocol.
    let masked: Vec<Annotation> = explain_file("transcripts/strategos.txt")
        .into_iter()
        .filter(|a| a.direction.is_some())
        .collect();
    let text = render(&masked, Format::Text) + &render(&masked, Format::Json);
    assert!(!text.contains("tryhackme"), "the password leaked");
    assert!(text.contains("A LOGIN strategos ********"));
    let transcript = imap_tutor::transcript::read(
        &std::fs::read_to_string("transcripts/strategos.txt").unwrap(),
    )
    .unwrap();
    let shown = Explainer::explain_transcript(&transcript, Options { show_secrets: true });
    assert!(render(&shown, Format::Text).contains("A LOGIN strategos tryhackme"));
}

#[test]
fn strategos_plain_text() {
    insta::assert_snapshot!(render(
        &explain_file("transcripts/strategos.txt"),
        Format::Text
    ));
}

#[test]
fn strategos_json_lines() {
    let json = render(&explain_file("transcripts/strategos.txt"), Format::Json);
    for line in json.lines() {
        let value: serde_json::Value =
            serde_json::from_str(line).expect("each line is one JSON object");
        for key in [
            "direction",
            "raw",
            "kind",
            "tag",
            "command",
            "summary",
            "details",
            "rfc",
            "diagnostics",
        ] {
            assert!(value.get(key).is_some(), "{key} missing in {line}");
        }
    }
    insta::assert_snapshot!(json);
}

/// The seed itself, prose and all: the same session, with the paste repaired.
#[test]
#[ignore = "reads the seed ../shared/seeds/000_5f44558ce6d11335.txt, which lies beside CI's checkout: run there with cargo test -- --include-ignored"]
fn the_pasted_seed_explains_the_session_inside_it() {
    let from_seed = explain_file("../shared/seeds/000_5f44558ce6d11335.txt");
    let golden = explain_file("transcripts/strategos.txt");
    let imap = |v: &[Annotation]| -> Vec<(String, String)> {
        v.iter()
            .filter(|a| a.direction.is_some())
            .map(|a| (a.display.clone(), a.summary.clone()))
            .collect()
    };
    // The seed elides the password, so its LOGIN line differs: it gets a diagnostic.
    let (seed_imap, golden_imap) = (imap(&from_seed), imap(&golden));
    assert_eq!(seed_imap.len(), golden_imap.len());
    let differing: Vec<_> = seed_imap
        .iter()
        .zip(&golden_imap)
        .filter(|(a, b)| a != b)
        .collect();
    assert_eq!(differing.len(), 1, "{differing:?}");
    assert!(differing[0].0 .0.starts_with("A LOGIN strategos"));
    assert!(
        from_seed
            .iter()
            .any(|a| a.kind == AnnotationKind::NotImap
                && a.display.starts_with("Trying 10.10.41.192"))
    );
    assert!(from_seed
        .iter()
        .any(|a| a.kind == AnnotationKind::Note && a.display.contains("445")));
}

/// The project's own pasted web page (prose around a telnet session whose CRs and TABs
/// the browser lost): every IMAP line is explained, none is unknown, and the prose and
/// telnet's chatter are labelled as not IMAP.
#[test]
fn a_pasted_page_explains_the_session_inside_it() {
    let annotations = explain_file("tests/data/pasted/telnet-walkthrough.txt");
    let imap: Vec<&Annotation> = annotations
        .iter()
        .filter(|a| a.direction.is_some())
        .collect();
    // 6 commands and 18 server messages (a literal belongs to the message it is in).
    assert_eq!(
        imap.len(),
        24,
        "{:#?}",
        imap.iter().map(|a| &a.display).collect::<Vec<_>>()
    );
    for a in &imap {
        assert!(!a.summary.is_empty(), "no explanation for {:?}", a.display);
        assert!(
            a.diagnostics.is_empty(),
            "{:?}: {:?}",
            a.display,
            a.diagnostics
        );
    }
    assert!(summary_of(&annotations, "a3 EXAMINE INBOX").contains("read-only"));
    assert!(annotations
        .iter()
        .any(|a| a.kind == AnnotationKind::NotImap && a.display.starts_with("Trying 127.0.0.1")));
    assert!(annotations
        .iter()
        .any(|a| a.kind == AnnotationKind::Note && a.display.contains("445")));
    // The password of the page is masked like any other.
    assert!(!render(&annotations, Format::Text).contains("tryhackme"));
}
