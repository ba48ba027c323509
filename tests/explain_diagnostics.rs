//! The mistakes issue 2 names, fed to the explainer as a learner would type them:
//! each must come out with a diagnostic that says where, what and what to type instead.

use imap_tutor::explain::{Annotation, Explainer};
use imap_tutor::grammar::{Diagnostic, Severity};
use imap_tutor::transcript::Direction;

const GREETING: &[u8] =
    b"* OK [CAPABILITY IMAP4rev1 LITERAL+ AUTH=PLAIN] Dovecot (Ubuntu) ready.\r\n";

/// Explains a session given as (direction, line) pairs; returns the client annotations.
fn session(lines: &[(Direction, &str)]) -> Vec<Annotation> {
    let mut explainer = Explainer::default();
    let mut out = explainer.feed(Direction::Server, GREETING);
    for (direction, line) in lines {
        out.extend(explainer.feed(*direction, format!("{line}\r\n").as_bytes()));
    }
    out.into_iter()
        .filter(|a| a.direction == Some(Direction::Client))
        .collect()
}

fn client(line: &str) -> Annotation {
    session(&[(Direction::Client, line)]).remove(0)
}

fn find<'a>(a: &'a Annotation, code: &str) -> &'a Diagnostic {
    a.diagnostics
        .iter()
        .find(|d| d.code == code)
        .unwrap_or_else(|| {
            panic!(
                "no {code} diagnostic for {:?}: {:?}",
                a.display, a.diagnostics
            )
        })
}

#[test]
fn no_space_after_the_tag() {
    let a = client("c1LOGIN strategos pass");
    let d = find(&a, "missing-space-after-tag");
    assert_eq!((d.severity, d.column), (Severity::Error, 3));
    // The suggestion repeats the line, with the password still masked.
    let suggestion = d.suggestion.as_deref().unwrap();
    assert!(
        suggestion.contains("c1 LOGIN strategos \"********\""),
        "{d:?}"
    );
    assert!(!suggestion.contains("pass"), "{d:?}");
    assert_eq!(
        a.command.as_deref(),
        Some("LOGIN"),
        "what was understood is kept"
    );
    assert!(
        !a.display.contains("pass"),
        "even a malformed LOGIN has its password masked: {}",
        a.display
    );
}

#[test]
fn a_data_item_where_copy_wants_a_mailbox() {
    let a = client("c5 COPY 1 body[]");
    let d = find(&a, "data-item-as-mailbox");
    assert_eq!(d.severity, Severity::Warning);
    assert!(d.message.contains("mailbox"), "{d:?}");
    assert!(
        d.suggestion.as_deref().unwrap().contains("COPY 1 "),
        "{d:?}"
    );
    // The seed's own line has both mistakes.
    let both = client("c5COPY 1 body[]");
    find(&both, "missing-space-after-tag");
    find(&both, "data-item-as-mailbox");
}

#[test]
fn no_tag_at_all() {
    let d = find(&client("LOGIN strategos pass"), "missing-tag").clone();
    assert_eq!(d.column, 1);
    assert!(d.suggestion.unwrap().starts_with("a1 LOGIN"));
}

#[test]
fn unknown_command_suggests_the_nearest() {
    let a = client("a1 FETCHH 1 FLAGS");
    let d = find(&a, "unknown-command");
    assert!(d.suggestion.as_deref().unwrap().contains("FETCH"), "{d:?}");
}

#[test]
fn too_few_and_too_many_arguments() {
    let few = client("a1 LOGIN strategos");
    let d = find(&few, "missing-argument");
    assert_eq!(d.column, "a1 LOGIN strategos".len() + 1);
    assert!(d.message.contains("password"), "{d:?}");
    let many = client("a1 NOOP now");
    assert_eq!(find(&many, "unexpected-argument").column, 9);
}

#[test]
fn fetch_before_select_is_valid_grammar_in_the_wrong_state() {
    let annotations = session(&[
        (Direction::Client, "a1 LOGIN strategos secret"),
        (Direction::Server, "a1 OK Logged in"),
        (Direction::Client, "a2 FETCH 1 FLAGS"),
    ]);
    let d = find(&annotations[1], "wrong-state");
    assert_eq!(d.severity, Severity::Warning);
    assert!(d.message.contains("selected"), "{d:?}");
    assert!(d.suggestion.as_deref().unwrap().contains("SELECT"), "{d:?}");
    assert!(annotations[1]
        .diagnostics
        .iter()
        .all(|d| d.severity != Severity::Error));
}

#[test]
fn lowercase_commands_are_valid_and_the_tutor_says_why() {
    let a = session(&[
        (Direction::Client, "a login strategos secret"),
        (Direction::Server, "a OK Logged in"),
        (Direction::Client, "b select inbox"),
    ])
    .remove(1);
    let d = find(&a, "case-insensitive");
    assert_eq!(d.severity, Severity::Note);
    assert!(
        a.diagnostics.iter().all(|d| d.severity == Severity::Note),
        "{:?}",
        a.diagnostics
    );
    assert!(a.summary.starts_with("opens INBOX"), "{}", a.summary);
}

#[test]
fn idle_done_and_sasl_lines_are_not_commands() {
    let annotations = session(&[
        (Direction::Client, "a1 AUTHENTICATE PLAIN"),
        (Direction::Server, "+ "),
        (Direction::Client, "AHN0cmF0ZWdvcwB0cnloYWNrbWU="),
        (Direction::Server, "a1 OK Logged in"),
        (Direction::Client, "a2 SELECT INBOX"),
        (Direction::Server, "a2 OK [READ-WRITE] Select completed."),
        (Direction::Client, "a3 IDLE"),
        (Direction::Server, "+ idling"),
        (Direction::Client, "DONE"),
    ]);
    let sasl = &annotations[1];
    assert_eq!(
        sasl.display, "********",
        "the SASL response carries the password"
    );
    assert!(
        sasl.summary.contains("AUTHENTICATE tagged a1"),
        "{}",
        sasl.summary
    );
    let done = annotations.last().unwrap();
    assert!(
        done.summary.starts_with("ends the IDLE tagged a3"),
        "{}",
        done.summary
    );
    assert!(done.diagnostics.is_empty());
}

#[test]
fn a_synchronizing_literal_is_explained_in_the_order_it_happens() {
    let mut explainer = Explainer::default();
    let mut out = explainer.feed(Direction::Server, GREETING);
    out.extend(explainer.feed(Direction::Client, b"a1 LOGIN {9}\r\n"));
    out.extend(explainer.feed(Direction::Server, b"+ OK\r\n"));
    out.extend(explainer.feed(Direction::Client, b"strategos {9}\r\n"));
    out.extend(explainer.feed(Direction::Server, b"+ OK\r\n"));
    out.extend(explainer.feed(Direction::Client, b"tryhackme\r\n"));
    out.extend(explainer.feed(Direction::Server, b"a1 OK Logged in\r\n"));
    let steps: Vec<(&str, &str)> = out[1..]
        .iter()
        .map(|a| (a.display.as_str(), a.summary.as_str()))
        .collect();
    assert!(
        steps[0].1.starts_with("announces a literal of 9 bytes"),
        "{steps:?}"
    );
    assert!(
        steps[1]
            .1
            .starts_with("the server is ready for the literal"),
        "{steps:?}"
    );
    // The password's literal is announced with the mask's size: even its length is
    // kept from the screen and the recording.
    assert!(
        steps[2].1.starts_with("announces a literal of 8 bytes"),
        "{steps:?}"
    );
    assert_eq!(
        steps[2].0, "… {8}",
        "the rest of the line after the user name's literal"
    );
    assert!(steps[3].0.starts_with("+ OK"), "{steps:?}");
    assert_eq!(steps[4].0, "a1 LOGIN strategos ********", "{steps:?}");
    assert!(steps[4].1.starts_with("logs in as strategos"), "{steps:?}");
    assert!(
        out.iter().all(|a| !a.display.contains("tryhackme")),
        "{steps:?}"
    );
}

/// Explains raw bytes as one stream per direction, then the end of the stream.
fn stream(steps: &[(Direction, &[u8])]) -> Vec<Annotation> {
    let mut explainer = Explainer::default();
    let mut out = explainer.feed(Direction::Server, GREETING);
    for (direction, bytes) in steps {
        out.extend(explainer.feed(*direction, bytes));
    }
    out.extend(explainer.finish());
    out
}

#[test]
fn a_command_cut_off_before_its_crlf_is_not_explained_as_complete() {
    // Issue 10, item 8: `a2 SELECT INB` at the end of a capture passed for a SELECT.
    for (bytes, cut_at) in [
        (&b"a2 SELECT INB"[..], 14),
        (b"a2 LOGIN strategos {9+}\r\ntryh", 24),
        (b"a2 APPEND INBOX {3+}\r\nabc", 21),
    ] {
        let all = stream(&[(Direction::Client, bytes)]);
        let a = all
            .iter()
            .find(|a| a.direction == Some(Direction::Client))
            .expect("the command");
        let d = find(a, "cut-off");
        assert_eq!((d.severity, d.column), (Severity::Error, cut_at), "{a:?}");
        assert!(
            d.message.contains("never received a whole command"),
            "{d:?}"
        );
        assert!(!a.display.contains("tryh"), "{}", a.display);
    }
    // After a whole exchange too.
    let all = stream(&[
        (Direction::Client, b"a1 LOGIN strategos tryhackme\r\n"),
        (Direction::Server, b"a1 OK Logged in\r\n"),
        (Direction::Client, b"a2 SELECT INB"),
    ]);
    let select = all.last().unwrap();
    assert_eq!(find(select, "cut-off").severity, Severity::Error);
    // A whole command is not marked.
    let all = stream(&[(Direction::Client, b"a2 NOOP\r\n")]);
    assert!(all
        .iter()
        .all(|a| a.diagnostics.iter().all(|d| d.code != "cut-off")));
}

#[test]
fn a_response_cut_off_inside_its_literal_says_so_too() {
    let all = stream(&[
        (Direction::Client, b"a1 NOOP\r\n"),
        (Direction::Server, b"* 1 FETCH (BODY[] {10}\r\nabc"),
    ]);
    let fetch = all.last().unwrap();
    assert_eq!(fetch.direction, Some(Direction::Server));
    assert_eq!(find(fetch, "missing-crlf").severity, Severity::Warning);
}

#[test]
fn notify_events_that_must_come_together() {
    // RFC 5465 §5: the server MUST answer BAD; Dovecot does for the selected mailbox.
    let a = client("n1 NOTIFY SET (SELECTED (FlagChange))");
    let d = find(&a, "notify-events");
    assert_eq!(d.severity, Severity::Error);
    assert!(d.message.contains("FlagChange for SELECTED"), "{d:?}");
    let a = client("n2 NOTIFY SET (SELECTED-DELAYED (MessageExpunge))");
    assert!(find(&a, "notify-events").message.contains("MessageExpunge"));
    // For other mailboxes Dovecot does not check, so it is only a warning.
    let a = client("n3 NOTIFY SET (INBOXES (MessageNew))");
    assert_eq!(find(&a, "notify-events").severity, Severity::Warning);
    // Together, nothing to say.
    let a = client(
        "n4 NOTIFY SET (SELECTED (MessageNew MessageExpunge FlagChange)) (PERSONAL (MailboxName))",
    );
    assert!(
        a.diagnostics.iter().all(|d| d.code != "notify-events"),
        "{:?}",
        a.diagnostics
    );
}
