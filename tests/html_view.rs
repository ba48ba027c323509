//! The HTML view, read back as a document: every message and explanation on the page,
//! every byte of the input escaped, secrets masked as in the text output, links that
//! land, nothing fetched from the network, and a 100 MB literal kept small.
//!
//! Each page is parsed as XML (tests/html_support): a well-formed page proves that
//! nothing from the input became markup. Chromium opens the same pages in
//! tests/html_chromium.rs.

mod html_support;

use std::path::Path;

use html_support::{parse, Element};
use imap_tutor::explain::{Annotation, AnnotationKind, Explainer, Options};
use imap_tutor::render::html::{self, SessionView};
use imap_tutor::transcript::diff::{diff, Names};
use imap_tutor::transcript::normalize::Rules;
use imap_tutor::transcript::{Direction, Record, Transcript};

/// The elements a page may hold: anything else came from the input.
const ALLOWED: &[&str] = &[
    "html", "head", "meta", "title", "style", "body", "header", "h1", "h2", "h3", "nav", "ol",
    "ul", "li", "main", "section", "dl", "dt", "dd", "div", "span", "p", "code", "a", "details",
    "summary", "pre", "mark", "strong", "br", "article", "table", "thead", "tbody", "tr", "th",
    "td", "footer", "kbd", "script",
];

fn read(path: &str) -> Transcript {
    let text = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join(path)).unwrap();
    imap_tutor::transcript::read(&text).unwrap()
}

/// The page for one session, and the annotations it was made from.
fn page(t: &Transcript, options: Options) -> (String, Vec<Annotation>) {
    let mut view = SessionView::new("session", &t.meta);
    let mut annotations = Vec::new();
    Explainer::explain_each(t, options, |a, context| {
        view.push(&a, context);
        annotations.push(a);
    });
    let mut out = Vec::new();
    html::write_sessions(&mut out, "test <page>", &[view]).unwrap();
    (String::from_utf8(out).unwrap(), annotations)
}

/// What a display string reads as on the page (control characters made visible).
fn shown(text: &str) -> String {
    let escaped = html::esc(text);
    escaped
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&amp;", "&")
}

/// The figure the summary band gives for `name` (the `dd` after its `dt`).
fn figure(elements: &[Element], name: &str) -> String {
    let at = elements
        .iter()
        .position(|e| e.name == "dt" && e.text == name)
        .unwrap_or_else(|| panic!("no {name} in the summary band"));
    elements[at + 1..]
        .iter()
        .find(|e| e.name == "dd")
        .map(|e| e.text.clone())
        .unwrap_or_default()
}

fn messages(elements: &[Element]) -> Vec<&Element> {
    elements
        .iter()
        .filter(|e| e.name == "li" && e.has_class("msg"))
        .collect()
}

fn check_page_shape(elements: &[Element]) {
    for e in elements {
        assert!(
            ALLOWED.contains(&e.name.as_str()),
            "unexpected element <{}>",
            e.name
        );
        assert!(e.attr("src").is_none(), "<{}> loads something", e.name);
        if let Some(href) = e.attr("href") {
            assert!(
                href.starts_with('#') || href.starts_with("https://www.rfc-editor.org/rfc/rfc"),
                "a link off the page: {href}"
            );
        }
    }
    assert_eq!(elements.iter().filter(|e| e.name == "script").count(), 1);
    // Every link inside the page lands on an element.
    let ids: Vec<&str> = elements.iter().filter_map(|e| e.attr("id")).collect();
    for href in elements.iter().filter_map(|e| e.attr("href")) {
        if let Some(id) = href.strip_prefix('#') {
            assert!(
                ids.contains(&id),
                "a link to #{id}, which is not on the page"
            );
        }
    }
}

#[test]
fn the_strategos_page_holds_every_message_and_explanation_and_no_password() {
    let (page, annotations) = page(&read("transcripts/strategos.txt"), Options::default());
    let elements = parse(&page);
    check_page_shape(&elements);
    let rows = messages(&elements);
    assert_eq!(rows.len(), annotations.len(), "one row per annotation");
    for (row, a) in rows.iter().zip(&annotations) {
        assert!(
            row.text.contains(&shown(&a.display)),
            "{:?} not in {:?}",
            a.display,
            row.text
        );
        if a.kind != AnnotationKind::NotImap {
            assert!(
                row.text.contains(&shown(&a.summary)),
                "{:?} not in {:?}",
                a.summary,
                row.text
            );
        }
        for d in &a.diagnostics {
            assert!(row.text.contains(&shown(&d.message)));
        }
    }
    // The password is masked wherever it was, as in the text output: in the LOGIN, and
    // in the transcript's own prose that says which one was filled in.
    assert!(!page.contains("tryhackme"));
    assert!(rows
        .iter()
        .any(|r| r.text.contains("A LOGIN strategos ********")));
    // The summary band, with the states the explainer went through.
    assert_eq!(figure(&elements, "commands"), "4");
    assert_eq!(
        figure(&elements, "states"),
        "not authenticated → authenticated → selected INBOX → logout"
    );
    // The literal is collapsed, with its size and summary.
    let literal = elements.iter().find(|e| e.name == "details").unwrap();
    assert!(literal.text.starts_with("{445}"), "{}", literal.text);
    assert!(literal
        .text
        .contains("Hello. I am using telnet to send you an email!"));
    // RFC citations are links to the section.
    assert!(elements
        .iter()
        .any(|e| e.attr("href") == Some("https://www.rfc-editor.org/rfc/rfc9051#section-6.3.2")));
}

#[test]
fn commands_link_to_their_completion_and_responses_back() {
    let (page, _) = page(&read("transcripts/strategos.txt"), Options::default());
    let elements = parse(&page);
    let rows = messages(&elements);
    let select = rows
        .iter()
        .find(|r| r.text.contains("B SELECT inbox"))
        .unwrap();
    assert!(select.text.contains("completed by B OK"), "{}", select.text);
    assert!(
        select.text.contains("7 messages in between"),
        "{}",
        select.text
    );
    let done = elements
        .iter()
        .find(|e| e.name == "a" && e.text == "B OK")
        .expect("a link to the completion");
    let target = done.attr("href").unwrap().trim_start_matches('#');
    let completion = rows.iter().find(|r| r.attr("id") == Some(target)).unwrap();
    assert!(
        completion.text.starts_with("SB OK [READ-WRITE]"),
        "{}",
        completion.text
    );
    assert!(completion.text.contains("completes B SELECT inbox"));
    let exists = rows.iter().find(|r| r.text.contains("* 4 EXISTS")).unwrap();
    assert!(exists.text.contains("during B SELECT inbox"));
    assert_eq!(
        exists.attr("data-x"),
        select.attr("id"),
        "the same exchange"
    );
}

#[test]
fn every_byte_from_the_input_is_escaped() {
    let mut t = Transcript::default();
    let conversation: [(Direction, &[u8]); 4] = [
        (
            Direction::Server,
            b"* OK <script>alert(1)</script> &amp; \x1b[31mred \"q\" 'a'\r\n",
        ),
        (Direction::Client, b"a1 FETCH 1 BODY[]\r\n"),
        (
            Direction::Server,
            b"* 1 FETCH (BODY[] {12}\r\n<b>\x00\x01\xff</b>\r\n)\r\n",
        ),
        (Direction::Server, b"a1 OK </li></ol><img src=x>\r\n"),
    ];
    for (direction, bytes) in conversation {
        t.records.push(Record::Bytes {
            direction,
            bytes: bytes.to_vec(),
            literal: false,
            time: None,
            source_line: 0,
        });
    }
    t.meta.push(("server".into(), "<i>evil</i> & co".into()));
    let (page, _) = page(&t, Options::default());
    let elements = parse(&page);
    check_page_shape(&elements);
    let rows = messages(&elements);
    assert!(rows[0]
        .text
        .contains("* OK <script>alert(1)</script> &amp; ␛[31mred \"q\" 'a'"));
    assert!(rows
        .iter()
        .any(|r| r.text.contains("a1 OK </li></ol><img src=x>")));
    // The binary literal is shown as hex.
    let hex = elements
        .iter()
        .find(|e| e.has_class("hex"))
        .expect("a hex dump");
    assert!(
        hex.text.contains("3c 62 3e 00 01 ff 3c 2f 62 3e 0d 0a"),
        "{}",
        hex.text
    );
    assert!(elements
        .iter()
        .any(|e| e.name == "dd" && e.text == "<i>evil</i> & co"));
    assert!(!page.contains("<script>alert"), "raw markup from the input");
}

#[test]
fn a_literal_password_stays_masked_on_the_page() {
    let t = imap_tutor::transcript::read(
        "S: * OK ready\r\nC: a1 LOGIN strategos {9}\r\nS: + go\r\nC: tryhackme\r\nS: a1 OK in\r\n",
    )
    .unwrap();
    let (page, _) = page(&t, Options::default());
    assert!(!page.contains("tryhackme"), "{page}");
    let (shown_page, _) = page_with_secrets(&t);
    assert!(
        shown_page.contains("tryhackme"),
        "--show-secrets shows it, as in text"
    );
}

fn page_with_secrets(t: &Transcript) -> (String, Vec<Annotation>) {
    page(t, Options { show_secrets: true })
}

#[test]
fn a_100_mb_literal_makes_a_small_page() {
    const SIZE: usize = 100 * 1024 * 1024;
    let mut t = imap_tutor::transcript::read(
        "S: * OK ready\r\nC: a1 SELECT INBOX\r\nS: a1 OK done\r\nC: a2 FETCH 1 BODY[]\r\n",
    )
    .unwrap();
    let mut body = format!("* 1 FETCH (BODY[] {{{SIZE}}}\r\nSubject: big\r\n\r\n").into_bytes();
    let line = b"All work and no play makes Jack a dull boy.\r\n";
    while body.len() < SIZE + 26 {
        body.extend_from_slice(line);
    }
    body.truncate(SIZE + "* 1 FETCH (BODY[] {104857600}\r\n".len());
    body.extend_from_slice(b")\r\na2 OK Fetch completed.\r\n");
    // In the pieces a capture of loopback gives.
    for piece in body.chunks(65_483) {
        t.records.push(Record::Bytes {
            direction: Direction::Server,
            bytes: piece.to_vec(),
            literal: false,
            time: None,
            source_line: 0,
        });
    }
    let server_bytes = t.bytes_of(Direction::Server).len();
    let (page, annotations) = page(&t, Options::default());
    assert!(
        page.len() < 2 * 1024 * 1024,
        "the page is {} bytes",
        page.len()
    );
    let elements = parse(&page);
    assert_eq!(messages(&elements).len(), annotations.len());
    assert_eq!(
        figure(&elements, "bytes server → client"),
        server_bytes.to_string()
    );
    let cut = elements
        .iter()
        .find(|e| e.has_class("cut"))
        .expect("says the page shows a part");
    assert!(cut.text.contains("of 104857600 bytes"), "{}", cut.text);
}

#[test]
fn the_diff_page_shows_each_difference_side_by_side_with_its_meaning() {
    let expected = read("transcripts/dovecot-select-fetch.txt");
    let mut actual = expected.clone();
    for r in &mut actual.records {
        if let Record::Bytes { bytes, .. } = r {
            let text = String::from_utf8_lossy(bytes).replace("* 4 EXISTS", "* 5 EXISTS");
            *bytes = text.into_bytes();
        }
    }
    let report = diff(&expected, &actual, &Rules::default());
    assert_eq!(report.differences.len(), 1);
    let names = Names {
        expected: "before.txt".into(),
        actual: "after <today>.txt".into(),
    };
    let mut out = Vec::new();
    html::write_reports(&mut out, "diff", &[(names, report.clone())]).unwrap();
    let page = String::from_utf8(out).unwrap();
    let elements = parse(&page);
    check_page_shape(&elements);
    let article = elements.iter().find(|e| e.name == "article").unwrap();
    for m in &report.differences[0].meanings {
        assert!(article.text.contains(m.as_str()), "{m}");
    }
    let del = elements
        .iter()
        .find(|e| e.name == "td" && e.has_class("del"))
        .unwrap();
    let ins = elements
        .iter()
        .find(|e| e.name == "td" && e.has_class("ins"))
        .unwrap();
    assert_eq!(del.text, "S: * 4 EXISTS");
    assert_eq!(ins.text, "S: * 5 EXISTS");
    assert!(elements
        .iter()
        .any(|e| e.name == "h2" && e.text.contains("after <today>.txt")));
}

#[test]
fn replay_writes_its_comparison_as_a_page() {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_imap-tutor"))
        .args([
            "replay",
            "transcripts/strategos.txt",
            "--mock",
            "--format",
            "html",
        ])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let page = String::from_utf8(out.stdout).unwrap();
    let elements = parse(&page);
    check_page_shape(&elements);
    let verdict = elements.iter().find(|e| e.has_class("verdict")).unwrap();
    assert_eq!(verdict.text, "No difference.");
    assert!(elements
        .iter()
        .any(|e| e.name == "h2" && e.text.contains("the mock (fixture strategos), replaying")));
}
